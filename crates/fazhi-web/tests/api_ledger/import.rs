//! Imports and exports: an export imports into another unit, a bad file imports nothing.

use crate::common::api::{
    assert_bad_request, assert_error, send, send_json, Account, ApiWorld, MAX_UPLOAD,
};
use crate::common::content_disposition;
use crate::{create, created, get, ids, ledger_path, percent};
use fazhi_domain::ledger::RecordKind;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

/// The rows of a CSV file as a person would type them (header first).
fn csv(lines: &[&str]) -> Vec<u8> {
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s.into_bytes()
}

async fn import(
    app: &ApiWorld,
    who: &Account,
    unit: i64,
    kind: RecordKind,
    filename: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let path = format!(
        "{}/import?year=2025&filename={}",
        ledger_path(unit, kind),
        percent(filename)
    );
    send_json(
        app.with_token(Method::POST, &path, who)
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes),
    )
    .await
}

#[tokio::test]
async fn an_export_imports_into_another_unit_and_a_second_import_is_all_duplicates() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let b = &app.staff_b;
    for (date, form, topic, laws, attendees, hours) in [
        (
            "2025-03-06",
            "党组会学法",
            "学习行政处罚法",
            json!(["行政处罚法"]),
            12,
            2,
        ),
        (
            "2025-06-12",
            "集中学法",
            "=学习民法典",
            json!(["民法典", "宪法"]),
            45,
            3,
        ),
        (
            "2025-09-18",
            "旁听庭审",
            "旁听行政诉讼案件庭审",
            json!([]),
            8,
            1,
        ),
    ] {
        created(
            &app,
            app.unit_a,
            RecordKind::Study,
            json!({"date": date, "form": form, "topic": topic, "laws": laws,
                   "attendees": attendees, "hours": hours, "leader_present": true}),
        )
        .await;
    }
    let list_a = ledger_path(app.unit_a, RecordKind::Study);
    let list_b = ledger_path(app.unit_b, RecordKind::Study);
    let (_, original) = get(&app, a, &format!("{list_a}?year=2025")).await;

    for format in ["xlsx", "csv"] {
        let res = send(app.with_token(
            Method::GET,
            &format!("{list_a}/export?year=2025&format={format}"),
            a,
        ))
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let disposition = content_disposition(&res);
        assert!(
            disposition.contains(&format!(
                "filename*=UTF-8''{}",
                percent(&format!("区市场监管局-学法台账-2025.{format}"))
            )),
            "{disposition}"
        );
        let bytes = res.bytes().await.unwrap().to_vec();

        // Into unit B, by its own staff.
        let (status, body) = import(
            &app,
            b,
            app.unit_b,
            RecordKind::Study,
            &format!("学法.{format}"),
            bytes.clone(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{format}: {body}");
        assert_eq!(body["count"], 3);
        let (_, imported) = get(&app, b, &format!("{list_b}?year=2025")).await;
        assert_eq!(imported["total"], 3);
        for (x, y) in original["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(imported["items"].as_array().unwrap())
        {
            assert_eq!(x["fields"], y["fields"], "{format}: fields round-trip");
            assert_eq!(x["indicators"], y["indicators"], "{format}");
            assert_eq!(y["unit_id"], app.unit_b);
        }

        // The same file again: every row is a duplicate, nothing is imported.
        let (status, body) = import(
            &app,
            b,
            app.unit_b,
            RecordKind::Study,
            &format!("学法.{format}"),
            bytes,
        )
        .await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3, "{body}");
        for row in rows {
            assert!(row["line"].as_u64().is_some_and(|l| l >= 2), "{row}");
            assert!(
                row["message"]
                    .as_str()
                    .unwrap()
                    .contains("与已有记录重复（编号 "),
                "{row}"
            );
        }
        let (_, after) = get(&app, b, &format!("{list_b}?year=2025")).await;
        assert_eq!(after["total"], 3, "nothing imported the second time");

        // Empty unit B again for the next format.
        for id in ids(&after) {
            let res =
                send(app.with_token(Method::DELETE, &format!("/ledger/records/{id}"), b)).await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    }

    // The supervisor may export what he reads, not import.
    let (status, body) = import(
        &app,
        &app.supervisor,
        app.unit_a,
        RecordKind::Study,
        "x.csv",
        csv(&["年度,日期,学法形式,主题", "2025,2025-01-02,集中学法,x"]),
    )
    .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");

    // The template is a workbook with the kind's columns, named after the unit.
    let res = send(app.with_token(Method::GET, &format!("{list_a}/template"), a)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    // An empty template imports nothing, with a reason.
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        "模板.xlsx",
        bytes.to_vec(),
    )
    .await;
    assert_bad_request(status, &body);
}

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_lists_every_one() {
    let app = ApiWorld::spawn().await;
    let a = &app.staff_a;
    let file = csv(&[
        "年度,日期,学法形式,主题,参加人数",
        "2025,2025-03-06,党组会学法,学习行政处罚法,12",
        ",2025-02-30,党组会学法,学习民法典,10",
        "2025,2025-04-01,读书会,学习宪法,abc",
        "2025,2025-05-01,集中学法,,9",
        "2025,2025-06-01,集中学法,学习行政复议法,20",
    ]);
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", file).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    let lines: std::collections::BTreeSet<u64> =
        rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines.into_iter().collect::<Vec<_>>(), [3, 4, 5], "{body}");
    assert_eq!(rows.len(), 4, "two problems on line 4: {body}");
    assert!(rows.iter().all(|r| r["column"].is_string()), "{body}");
    assert!(body["message"].as_str().unwrap().contains("3 行"), "{body}");
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::Study)).await;
    assert_eq!(page["total"], 0, "nothing imported");

    // A row the law forbids is a bad row too, with the rule's message.
    let file = csv(&[
        "年度,决策事项,送请合法性审查日期,合法性审查完成日期,集体讨论决定日期,行政首长决定意见",
        "2025,科技创新券管理办法,2025-05-06,2025-05-20,2025-05-15,同意",
        "2025,科技成果转化奖励办法,2025-05-06,2025-05-20,2025-05-28,同意",
    ]);
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::MajorDecision,
        "决策.csv",
        file,
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["line"], 2);
    assert!(
        rows[0]["message"].as_str().unwrap().contains("依据"),
        "{body}"
    );
    let (_, page) = get(&app, a, &ledger_path(app.unit_a, RecordKind::MajorDecision)).await;
    assert_eq!(page["total"], 0);

    // A year the API's body refuses is a bad row of a file too.
    let (status, body) = create(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        json!({"year": 1990, "fields": {"date": "1990-03-06", "form": "党组会学法", "topic": "学习宪法"}}),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "fields");
    let file = csv(&[
        "年度,日期,学法形式,主题",
        "1990,1990-03-06,党组会学法,学习宪法",
    ]);
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", file).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "rows");
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{body}");
    assert_eq!(rows[0]["line"], 2);
    assert_eq!(rows[0]["column"], "年度", "{body}");
    assert!(
        rows[0]["message"].as_str().unwrap().contains("1990"),
        "{body}"
    );

    // A file that is no sheet, and one past the size limit.
    let (status, body) = import(
        &app,
        a,
        app.unit_a,
        RecordKind::Study,
        "学法.xlsx",
        b"PK\x03\x04broken".to_vec(),
    )
    .await;
    assert_bad_request(status, &body);
    let big = vec![b'a'; MAX_UPLOAD as usize + 1];
    let (status, body) = import(&app, a, app.unit_a, RecordKind::Study, "学法.csv", big).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}
