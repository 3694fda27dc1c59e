//! The supervisor's pages: his regions, the unit list of a region (sorted, searched, paged,
//! as a partial for htmx) and its CSV export; escaping of names.

mod common;

use common::{content_disposition, upload_form, Browser, TestApp, World, REPORT_TXT};
use fazhi_domain::UnitKind;
use reqwest::StatusCode;

/// A report with one part only: it scores low and has errors.
const THIN_REPORT: &str = "青川市东湖区教育局2024年度法治政府建设情况报告\n\n一、主要举措和成效\n我局深入学习贯彻习近平法治思想，全面推进依法行政，取得了明显成效。\n";

async fn upload(b: &Browser, unit: fazhi_domain::UnitId, text: &str) {
    let csrf = b.csrf().await;
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{unit}/uploads")))
                .multipart(upload_form(
                    &csrf,
                    2024,
                    "报告.txt",
                    text.as_bytes().to_vec(),
                )),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

/// A unit of 东湖区 whose name is a script (it must show as text).
async fn script_unit(app: &TestApp, w: &World, short_name: &str) {
    let name = "<script>alert(1)</script>";
    app.unit(&w.east, "99100299", name, short_name, UnitKind::Department)
        .await;
}

fn position(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in page"))
}

#[tokio::test]
async fn the_supervisor_sees_every_unit_of_his_region_sorted() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    script_unit(&app, &w, "").await;
    let staff = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    upload(&staff, w.unit_a.id, REPORT_TXT).await;
    let admin = Browser::signed_in(&app.base, "admin", World::PASSWORD).await;
    upload(&admin, w.unit_b.id, THIN_REPORT).await;

    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let home = dc.get("/").await;
    assert!(
        home.body
            .contains(&format!("href=\"/regions/{}/units?year=", w.east.id)),
        "dashboard links the region"
    );
    let sup = dc.get("/supervise").await;
    assert_eq!(sup.status, StatusCode::OK);
    assert!(sup.body.contains("青川市东湖区") && !sup.body.contains("青川市西岭区"));

    let list = format!("/regions/{}/units?year=2024", w.east.id);
    let page = dc.get(&format!("{list}&sort=score&desc=1")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.is_full_page());
    let body = &page.body;
    assert!(
        body.contains("共 <b id=\"total\">3</b> 个单位，已上传 <b id=\"uploaded\">2</b> 个"),
        "{body}"
    );
    let (a, b, s) = (
        position(body, "青川市东湖区司法局</a>"),
        position(body, "青川市东湖区教育局</a>"),
        position(body, "&#60;script&#62;"),
    );
    assert!(
        a < b && b < s,
        "score descending, units without a report last"
    );
    assert!(
        !body.contains("<script>alert(1)</script>"),
        "names are escaped"
    );
    assert!(body.contains("<span class=\"score score-high\">95</span>"));
    assert!(body.contains("<span class=\"tag tag-warn\">未上传</span>"));
    assert!(body.contains("aria-sort=\"descending\""));

    let asc = dc.get(&format!("{list}&sort=score")).await;
    assert!(
        position(&asc.body, "青川市东湖区教育局</a>")
            < position(&asc.body, "青川市东湖区司法局</a>")
    );
    assert!(
        position(&asc.body, "青川市东湖区司法局</a>") < position(&asc.body, "&#60;script&#62;"),
        "still last"
    );

    // htmx: only the table, with the search applied.
    let part = dc.hx_get(&format!("{list}&q=%E6%95%99%E8%82%B2")).await;
    assert_eq!(part.status, StatusCode::OK);
    assert!(!part.is_full_page() && part.body.contains("<table class=\"grid\" id=\"units\">"));
    assert!(
        part.body.contains("青川市东湖区教育局") && !part.body.contains("青川市东湖区司法局</a>")
    );
    assert!(part.body.contains("共 <b id=\"total\">1</b> 个单位"));
    assert!(part.body.contains("（搜索“教育”）"));
    // The sort links keep the search.
    assert!(part.body.contains("&#38;q=%E6%95%99%E8%82%B2"));

    // Another year: nothing uploaded.
    let other = dc
        .hx_get(&format!("/regions/{}/units?year=2023", w.east.id))
        .await;
    assert!(other.body.contains("已上传 <b id=\"uploaded\">0</b> 个"));

    // A bad query is a Chinese 4xx, not a crash.
    let bad = dc
        .get(&format!("/regions/{}/units?year=abc", w.east.id))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("年度“abc”无效"));
}

#[tokio::test]
async fn the_csv_export_has_a_bom_and_the_same_rows() {
    let (app, w, staff) = World::signed_in("staff_a").await;

    upload(&staff, w.unit_a.id, REPORT_TXT).await;
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let page = dc
        .get(&format!(
            "/regions/{}/units?year=2024&sort=score&desc=1",
            w.east.id
        ))
        .await;
    let csv_link = page
        .body
        .split("href=\"/regions/")
        .find(|s| s.contains("units.csv"))
        .unwrap();
    let csv_link = format!(
        "/regions/{}",
        csv_link.split('"').next().unwrap().replace("&#38;", "&")
    );
    assert!(csv_link.contains("sort=score&desc=1"), "{csv_link}");

    let resp = dc.download(&csv_link).await;
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    let cd = content_disposition(&resp);
    assert!(cd.contains("filename*=UTF-8''"), "{cd}");
    let bytes = resp.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 BOM for Excel"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "序号,单位名称,单位代码,所属区域,年度,上传份数,得分,错误,警告,提示,最近上传时间,公开时间"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("1,青川市东湖区司法局,99100201,青川市东湖区,2024,1,95,0,1,0,"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "2,青川市东湖区教育局,99100202,青川市东湖区,2024,0,,,,,,"
    );
}

#[tokio::test]
async fn only_supervisors_of_the_region_get_in() {
    let (app, w, staff) = World::signed_in("staff_a").await;

    assert_eq!(staff.get("/supervise").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        staff
            .get(&format!("/regions/{}/units", w.east.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        staff
            .get(&format!("/regions/{}/units.csv", w.east.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let west = dc.get(&format!("/regions/{}/units", w.west.id)).await;
    assert_eq!(west.status, StatusCode::FORBIDDEN);
    assert!(west.body.contains("没有权限执行此操作"));
    let hx = dc.hx_get(&format!("/regions/{}/units", w.west.id)).await;
    assert_eq!(hx.status, StatusCode::FORBIDDEN);
    assert_eq!(
        hx.header("hx-retarget"),
        Some("#flash"),
        "htmx errors go to the flash area"
    );
    assert!(!hx.is_full_page() && hx.body.contains("alert-error"));
    let anon = app
        .browser()
        .get(&format!("/regions/{}/units", w.east.id))
        .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn table_of_units_without_reports_snapshot() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    script_unit(&app, &w, "脚本").await;
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let part = dc
        .hx_get(&format!("/regions/{}/units?year=2024&sort=name", w.east.id))
        .await;
    let rows = part
        .body
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    insta::assert_snapshot!("units_without_reports", rows);
}
