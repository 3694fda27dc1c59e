//! Records of every kind: created, read, listed, filtered, updated, deleted and restored.

use crate::common::api::{assert_bad_request, assert_error, json, send, ApiWorld};
use crate::{create, created, get, ids, ledger_path, minimal};
use fazhi_domain::ledger::RecordKind;
use fazhi_store::AuditFilter;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn every_kind_is_created_read_listed_updated_deleted_and_restored() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    for kind in RecordKind::ALL {
        let (fields, change, new_value) = minimal(kind);
        let res = send(
            app.with_token(Method::POST, &ledger_path(app.unit_a, kind), a)
                .json(&json!({"year": 2025, "fields": fields})),
        )
        .await;
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_string());
        let (status, body) = json(res).await;
        assert_eq!(status, StatusCode::CREATED, "{kind:?}: {body}");
        assert!(body["warnings"].is_array(), "{kind:?}: {body}");
        let record = &body["record"];
        let id = record["id"].as_i64().unwrap();
        assert_eq!(
            location.as_deref(),
            Some(format!("/api/v1/ledger/records/{id}").as_str())
        );
        assert_eq!(record["kind"], kind.code());
        assert_eq!(record["kind_label"], kind.label());
        assert_eq!(record["unit_id"], app.unit_a);
        assert_eq!(record["year"], 2025);
        assert_eq!(record["version"], 1);
        assert!(record["deleted_at"].is_null());
        let defaults: Vec<&str> = kind.default_indicators().to_vec();
        assert_eq!(record["indicators"], json!(defaults), "{kind:?}");
        for (key, value) in fields.as_object().unwrap() {
            let got = &record["fields"][key];
            match value {
                // A bool is kept as a bool, a number as a number, text as typed.
                Value::Bool(_) | Value::String(_) => {
                    assert_eq!(got, value, "{kind:?}.{key}: {record}")
                }
                Value::Number(n) => {
                    assert_eq!(got.as_f64(), n.as_f64(), "{kind:?}.{key}: {record}")
                }
                _ => unreachable!(),
            }
            assert!(record["fields_text"][key].is_string(), "{kind:?}.{key}");
        }
        let title_key = kind.title_field();
        assert_eq!(
            record["title"], record["fields_text"][title_key],
            "{kind:?}: the title is the title field"
        );

        // Read back.
        let path = format!("/ledger/records/{id}");
        let (status, got) = get(&app, a, &path).await;
        assert_eq!(status, StatusCode::OK, "{got}");
        assert_eq!(got["fields"], record["fields"]);

        // Listed.
        let list = ledger_path(app.unit_a, kind);
        let (status, page) = get(&app, a, &format!("{list}?year=2025")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 1, "{kind:?}: {page}");
        assert_eq!(ids(&page), [id]);

        // Update with the version read.
        let mut new_fields = fields.clone();
        new_fields[change] = new_value.clone();
        let update =
            |version: i64| json!({"year": 2025, "fields": new_fields.clone(), "version": version});
        let (status, saved) = app.call_json(Method::PUT, &path, a, &update(1)).await;
        assert_eq!(status, StatusCode::OK, "{kind:?}: {saved}");
        assert_eq!(saved["record"]["version"], 2);
        assert_eq!(saved["record"]["fields"][change], new_value, "{kind:?}");
        assert_eq!(saved["record"]["updated_by"], "staff_a");

        // An edit made on the stale version is refused and changes nothing.
        let (status, body) = app.call_json(Method::PUT, &path, a, &update(1)).await;
        assert_error(status, &body, StatusCode::CONFLICT, "conflict");
        let (_, got) = get(&app, a, &path).await;
        assert_eq!(got["version"], 2);

        // Soft deletion: gone from the list, still readable, listed under deleted.
        let (status, deleted) = app.call(Method::DELETE, &path, a).await;
        assert_eq!(status, StatusCode::OK, "{deleted}");
        assert!(deleted["deleted_at"].is_string(), "{deleted}");
        let (_, page) = get(&app, a, &list).await;
        assert_eq!(page["total"], 0, "{kind:?}: deleted records leave the list");
        let (_, page) = get(&app, a, &format!("{list}?deleted=true")).await;
        assert_eq!(ids(&page), [id]);
        let (status, got) = get(&app, a, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(got["deleted_at"].is_string());
        // A deleted record is not edited.
        let (status, body) = app
            .call_json(
                Method::PUT,
                &path,
                a,
                &update(got["version"].as_i64().unwrap()),
            )
            .await;
        assert_error(status, &body, StatusCode::CONFLICT, "conflict");

        // Restored.
        let (status, restored) = app.call(Method::POST, &format!("{path}/restore"), a).await;
        assert_eq!(status, StatusCode::OK, "{restored}");
        assert!(restored["deleted_at"].is_null());
        let (_, page) = get(&app, a, &list).await;
        assert_eq!(ids(&page), [id]);
    }

    // Every change is audited, at the record's unit, by whom it was made.
    let entries = app
        .store
        .audit(&AuditFilter {
            entity: Some("record".into()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    for action in [
        "record.create",
        "record.update",
        "record.delete",
        "record.restore",
    ] {
        let n = entries.iter().filter(|e| e.action == action).count();
        assert_eq!(n, RecordKind::ALL.len(), "{action}");
    }
    assert!(
        entries
            .iter()
            .all(|e| e.actor_login == "staff_a"
                && e.unit_id == Some(fazhi_domain::UnitId(app.unit_a)))
    );
}

#[tokio::test]
async fn lists_filter_by_year_text_indicator_dates_and_page() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let study =
        |date: &str, form: &str, topic: &str| json!({"date": date, "form": form, "topic": topic});
    let march = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        study("2025-03-06", "党组会学法", "学习行政处罚法"),
    )
    .await;
    let june = created(
        &app,
        app.unit_a,
        RecordKind::Study,
        study("2025-06-12", "集中学法", "学习民法典"),
    )
    .await;
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 2024, "fields": study("2024-11-20", "专题讲座", "学习行政复议法"),
               "indicators": ["leadership.capacity"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let old = body["record"].clone();
    let id = |r: &Value| r["id"].as_i64().unwrap();
    let list = ledger_path(app.unit_a, RecordKind::Study);

    // Newest first by the record's date.
    let (_, page) = get(&app, a, &list).await;
    assert_eq!(ids(&page), [id(&june), id(&march), id(&old)]);
    let (_, page) = get(&app, a, &format!("{list}?year=2025")).await;
    assert_eq!(ids(&page), [id(&june), id(&march)]);
    let (_, page) = get(&app, a, &format!("{list}?q=民法典")).await;
    assert_eq!(ids(&page), [id(&june)]);
    let (_, page) = get(&app, a, &format!("{list}?from=2025-01-01&until=2025-03-31")).await;
    assert_eq!(ids(&page), [id(&march)]);
    // `thought` is a default indicator of the 2025 records, not of the one tagged by hand.
    let (_, page) = get(&app, a, &format!("{list}?indicator=thought")).await;
    assert_eq!(ids(&page), [id(&june), id(&march)]);
    // A parent indicator matches the records tagged below it.
    let (_, page) = get(&app, a, &format!("{list}?indicator=leadership")).await;
    assert_eq!(page["total"], 3, "{page}");
    let (_, page) = get(&app, a, &format!("{list}?limit=1&offset=1")).await;
    assert_eq!(page["total"], 3);
    assert_eq!(ids(&page), [id(&march)]);
    // Other kinds are other lists.
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Training)).await;
    assert_eq!(page["total"], 0);
    // A malformed filter is a Chinese 422, an unknown kind a 404.
    let (status, body) = get(&app, a, &format!("{list}?from=yesterday")).await;
    assert_bad_request(status, &body);
    let (status, body) = get(&app, a, &format!("/units/{}/ledger/nope", app.unit_a)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}
