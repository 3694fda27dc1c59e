//! The organisation: regions and units, the import and export, and a county admin's reach.

use crate::common::api::{assert_bad_request, assert_error, json, send, Account, ApiWorld};
use fazhi_domain::{Node, Role};
use reqwest::{header, Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn admin_manages_the_organisation() {
    let app = ApiWorld::spawn().await;
    let a = &app.admin;

    // The tree, flat, with parents and paths.
    let (status, regions) = app.call(Method::GET, "/regions", &app.staff_a).await;
    assert_eq!(status, StatusCode::OK);
    let east = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == app.east)
        .unwrap();
    assert_eq!(east["parent_id"], app.city);
    assert_eq!(east["path"], json!([app.city, app.east]));
    assert_eq!(east["path_names"], json!(["青川市", "青川市东湖区"]));
    assert_eq!(east["level"], "county");

    // A new township below 东湖区, renamed; a unit in it, moved to 西岭区.
    let new = json!({"parent_id": app.east, "code": "991002001", "name": "东湖街道", "level": "township"});
    let (status, town) = app.call_json(Method::POST, "/regions", a, &new).await;
    assert_eq!(status, StatusCode::CREATED, "{town}");
    assert_eq!(
        town["path_names"],
        json!(["青川市", "青川市东湖区", "东湖街道"])
    );
    let town_id = town["id"].as_i64().unwrap();
    let path = format!("/regions/{town_id}");
    let (status, town) = app
        .call_json(
            Method::PATCH,
            &path,
            a,
            &json!({"name": "东湖街道办事处辖区"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{town}");
    assert_eq!(town["name"], "东湖街道办事处辖区");
    assert_eq!(town["code"], "991002001");

    let unit = json!({"region_id": town_id, "code": "99100200101", "name": "青川市东湖区东湖街道办事处", "short_name": "东湖街道", "kind": "township"});
    let (status, unit) = app.call_json(Method::POST, "/units", a, &unit).await;
    assert_eq!(status, StatusCode::CREATED, "{unit}");
    let unit_id = unit["id"].as_i64().unwrap();
    let path = format!("/units/{unit_id}");
    let (status, moved) = app
        .call_json(Method::PATCH, &path, a, &json!({"region_id": app.west}))
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["region_path"], json!([app.city, app.west]));
    assert_eq!(moved["name"], "青川市东湖区东湖街道办事处");
    let (_, listed) = app
        .call(Method::GET, &format!("/units?region={}", app.west), a)
        .await;
    let ids: BTreeSet<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from([app.unit_b, unit_id]));

    // Only admins change the organisation; a top-level region needs a root admin.
    let (status, body) = app
        .call_json(Method::POST, "/regions", &app.supervisor, &new)
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app
        .call_json(
            Method::PATCH,
            &format!("/units/{}", app.unit_a),
            &app.leader_a,
            &json!({"name": "改名"}),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Import a sheet: one new region and unit; a bad sheet lists every bad row.
    let csv = "类别,代码,名称,简称,类型,上级代码\n区域,991004,青川市南山区,,县区,991000\n单位,99100401,青川市南山区司法局,区司法局,司法局,991004\n";
    let (status, summary) = json(import(&app, a, "机构.csv", csv.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(
        summary,
        json!({"regions_created": 1, "regions_updated": 0, "units_created": 1, "units_updated": 0})
    );
    let bad = "类别,代码,名称,简称,类型,上级代码\n区域,991005,某区,,县区,000000\n单位,99100501,某局,,不知道,991005\n";
    let (status, body) = json(import(&app, a, "机构.csv", bad.as_bytes()).await).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    assert!(
        body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["line"].is_u64() && r["message"].is_string()),
        "{body}"
    );
    // Rows outside the importer's reach are refused whole.
    let (status, body) =
        json(import(&app, &app.supervisor, "机构.csv", csv.as_bytes()).await).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // Export: the sheet the import reads, with the new rows.
    let res = send(app.with_token(Method::GET, "/org/export?format=csv", a)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let text = String::from_utf8(res.bytes().await.unwrap().to_vec()).unwrap();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("类别,代码,名称,简称,类型,上级代码"),
        "{text}"
    );
    assert!(text.contains("青川市南山区司法局"));
    let res = send(app.with_token(Method::GET, "/org/export?format=xlsx", a)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    let res = send(app.with_token(Method::GET, "/org/export", &app.staff_a)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Each change is in the audit log.
    let (status, log) = app.call(Method::GET, "/audit?entity=unit&limit=2", a).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    assert!(log["next_before_id"].is_i64(), "{log}");
    let next = log["next_before_id"].as_i64().unwrap();
    let (_, older) = app
        .call(
            Method::GET,
            &format!("/audit?entity=unit&before_id={next}"),
            a,
        )
        .await;
    assert!(older["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["id"].as_i64().unwrap() < next));
    let (status, body) = app.call(Method::GET, "/audit?from=yesterday", a).await;
    assert_bad_request(status, &body);
}

#[tokio::test]
async fn a_county_admin_changes_only_what_lies_below_his_county() {
    let app = ApiWorld::spawn().await;
    let county = app
        .account(
            "east_admin",
            Role::Admin,
            Node::Region(fazhi_domain::RegionId(app.east)),
        )
        .await;
    let head = "类别,代码,名称,简称,类型,上级代码\n";

    // Below his county, also through a region the same sheet creates.
    let ok = format!(
        "{head}区域,991002001,东湖街道,,乡镇,991002\n单位,99100200101,东湖街道办事处,,乡镇街道,991002001\n"
    );
    let (status, body) = json(import(&app, &county, "机构.csv", ok.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Beside or above it: refused whole, nothing imported.
    let refused = [
        format!("{head}区域,991009,青川市新区,,县区,991000\n"),
        format!("{head}单位,99100301,青川市西岭区教育局（改名）,,政府工作部门,991003\n"),
        format!(
            "{head}区域,991003009,西岭新区,,乡镇,991003\n区域,991003010,西岭新村,,乡镇,991003009\n"
        ),
        format!("{head}区域,991002,青川市东湖区（改名）,,县区,991000\n"),
        format!("{head}区域,998000,别的市,,市,\n"),
    ];
    for sheet in &refused {
        let (status, body) = json(import(&app, &county, "机构.csv", sheet.as_bytes()).await).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (_, regions) = app.call(Method::GET, "/regions", &county).await;
    let codes: BTreeSet<&str> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        BTreeSet::from(["991000", "991002", "991002001", "991003"])
    );

    // Nor may he rename his own county or make a top-level region.
    let path = format!("/regions/{}", app.east);
    let (status, body) = app
        .call_json(Method::PATCH, &path, &county, &json!({"name": "改名"}))
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let root = json!({"code": "998000", "name": "别的市", "level": "city"});
    let (status, body) = app
        .call_json(Method::POST, "/regions", &county, &root)
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    // The city's admin may.
    let res = send(
        app.with_token(Method::POST, "/regions", &app.admin)
            .json(&root),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    // His export holds his county only, with its parent's code kept.
    let res = send(app.with_token(Method::GET, "/org/export", &county)).await;
    let text = res.text().await.unwrap();
    assert!(
        text.contains("区域,991002,青川市东湖区,,县区,991000"),
        "{text}"
    );
    assert!(!text.contains("西岭"), "{text}");

    // And he can import it again as it is (the row of his county changes nothing).
    let (status, body) = json(import(&app, &county, "机构.csv", text.as_bytes()).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn import(app: &ApiWorld, who: &Account, name: &str, bytes: &[u8]) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("file", part);
    app.with_token(Method::POST, "/org/import", who)
        .multipart(form)
        .send()
        .await
        .unwrap()
}
