//! The ledger's other pages (台账): Excel in and out, the template, the supervisors' read-only
//! view and other units shut out, the dashboard and what falls due, and every kind's form.

mod common;

use common::ledger::{create_study, record_id, study_form, study_records};
use common::{content_disposition, Browser, Page, World};
use fazhi_domain::ledger::RecordKind;
use fazhi_domain::Framework;
use reqwest::StatusCode;

async fn import(
    b: &Browser,
    unit: fazhi_domain::UnitId,
    year: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Page {
    let csrf = b.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("year", year.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{unit}/ledger/study/import")))
                .multipart(form),
        )
        .await;
    Page::of(resp).await
}

#[tokio::test]
async fn imports_take_a_clean_file_and_refuse_a_bad_one_whole() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    let fw = Framework::builtin();

    // A clean XLSX: every row imported.
    let xlsx = fazhi_sheet::ledger::export_xlsx(
        RecordKind::Study,
        &study_records(&[
            ("2025-01-08", "学习民法典"),
            ("2025-02-12", "学习安全生产法"),
        ]),
        &fw,
    )
    .unwrap();
    let page = import(&b, a, "2025", "学法台账.xlsx", xlsx).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("已导入 2 条学法记录（2025 年度）"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&format!("href=\"/units/{a}/ledger/study?year=2025\"")));

    // A clean CSV.
    let csv = fazhi_sheet::ledger::export_csv(
        RecordKind::Study,
        &study_records(&[("2025-05-20", "学习行政复议法")]),
        &fw,
    );
    let page = import(&b, a, "2025", "学法台账.csv", csv).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("已导入 1 条"));
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert!(list.body.contains("<b id=\"total\">3</b>"), "{}", list.body);
    assert!(list.body.contains("学习民法典") && list.body.contains("学习行政复议法"));

    // A file with bad rows (and a good one): every bad row listed, nothing imported.
    let good = String::from_utf8(fazhi_sheet::ledger::export_csv(
        RecordKind::Study,
        &study_records(&[("2025-06-03", "学习数据安全法")]),
        &fw,
    ))
    .unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let header = lines[0].clone();
    let good_row = lines.remove(1);
    let bad_date = good_row.replace("2025-06-03", "2025-06-31");
    let no_topic = good_row.replace("学习数据安全法", "");
    let bad = format!("{header}\r\n{good_row}\r\n{bad_date}\r\n{no_topic}\r\n");
    let page = import(&b, a, "2025", "有误.csv", bad.into_bytes()).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("导入失败，未导入任何数据"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("<th class=\"n\">行号</th><th>列</th><th>问题</th>"));
    assert!(
        page.body.contains("<td class=\"n\">第 3 行</td>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<td class=\"n\">第 4 行</td>"));
    assert!(!page.body.contains("<td class=\"n\">第 2 行</td>"));
    assert!(page.body.contains("不是有效日期"));
    assert!(page.body.contains("必填"));
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert!(
        list.body.contains("<b id=\"total\">3</b>"),
        "nothing imported"
    );
    assert!(!list.body.contains("学习数据安全法"));

    // The same through htmx: the result alone.
    let csrf = b.csrf().await;
    let form = reqwest::multipart::Form::new().text("year", "2025").part(
        "file",
        reqwest::multipart::Part::bytes(b"not a sheet".to_vec()).file_name("x.csv"),
    );
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{a}/ledger/study/import")))
                .header("HX-Request", "true")
                .header("X-CSRF-Token", &csrf)
                .multipart(form),
        )
        .await;
    let page = Page::of(resp).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(!page.is_full_page());
    assert!(page.body.contains("导入失败，未导入任何数据"));
}

#[tokio::test]
async fn exports_and_the_template_download_as_files() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    create_study(&b, a, "2025-03-10", "学习宪法").await;
    create_study(&b, a, "2025-04-10", "学习民法典").await;

    let resp = b
        .download(&format!(
            "/units/{a}/ledger/study/export.csv?year=2025&q=%E6%B0%91%E6%B3%95%E5%85%B8"
        ))
        .await;
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let cd = content_disposition(&resp);
    assert!(cd.starts_with("attachment;") && cd.contains(".csv"), "{cd}");
    let text = resp.text().await.unwrap();
    assert!(text.contains("学习民法典"));
    assert!(
        !text.contains("学习宪法"),
        "the list's filters apply: {text}"
    );

    let resp = b
        .download(&format!("/units/{a}/ledger/study/export.xlsx?year=2025"))
        .await;
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = content_disposition(&resp);
    assert!(cd.contains(".xlsx"), "{cd}");
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip");

    let resp = b
        .download(&format!("/units/{a}/ledger/study/template.xlsx"))
        .await;
    let cd = content_disposition(&resp);
    assert!(
        cd.starts_with("attachment;") && cd.contains(".xlsx"),
        "{cd}"
    );
    assert!(resp.bytes().await.unwrap().starts_with(b"PK"));

    // The list links to exports carrying its filters.
    let list = b
        .get(&format!("/units/{a}/ledger/study?year=2025&q=%E6%B0%91"))
        .await;
    let want = format!("href=\"/units/{a}/ledger/study/export.csv?year=2025&#38;q=%E6%B0%91\"");
    assert!(list.body.contains(&want), "{want} in {}", list.body);
}

#[tokio::test]
async fn supervisors_read_only_and_other_units_are_shut_out() {
    let (app, w, staff) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    let rid = create_study(&staff, a, "2025-03-10", "学习宪法").await;

    // A supervisor of 东湖区 reads unit A's ledger without any button to change it.
    let dc = Browser::signed_in(&app.base, "dc", World::PASSWORD).await;
    let dash = dc.get(&format!("/units/{a}/ledger?year=2025")).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains("您可查看本单位台账，但不能修改"));
    assert!(!dash.body.contains("/new?year="));
    let list = dc.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/ledger/{rid}\"")));
    assert!(!list.body.contains("新增记录") && !list.body.contains("id=\"import\""));
    assert!(list.body.contains("导出 Excel"));
    let rec = dc.get(&format!("/ledger/{rid}")).await;
    assert_eq!(rec.status, StatusCode::OK);
    assert!(rec.body.contains("学习宪法"));
    assert!(!rec.body.contains("id=\"edit\"") && !rec.body.contains(">删除</button>"));
    assert!(!rec.body.contains("上传附件"));
    let form = dc.get(&format!("/units/{a}/ledger/study/new")).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    let csrf = dc.csrf().await;
    let post = dc
        .post_form(
            &format!("/units/{a}/ledger/study"),
            &study_form(&csrf, "2025-03-11", "督察员的记录"),
        )
        .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN, "{}", post.body);
    let del = dc.post_csrf(&format!("/ledger/{rid}/delete"), &csrf).await;
    assert_eq!(del.status, StatusCode::FORBIDDEN);

    // Staff of a unit in another district: no access, and the record's existence is hidden.
    let c = Browser::signed_in(&app.base, "staff_c", World::PASSWORD).await;
    assert_eq!(
        c.get(&format!("/units/{a}/ledger")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get(&format!("/units/{a}/ledger/study")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get(&format!("/units/{a}/ledger/study/export.csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get(&format!("/ledger/{rid}")).await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = c.csrf().await;
    let post = c.post_csrf(&format!("/ledger/{rid}/delete"), &csrf).await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);

    // The public is sent to the login page.
    let anon = Browser::new(&app.base);
    let page = anon.get(&format!("/units/{a}/ledger")).await;
    assert!(
        page.status == StatusCode::SEE_OTHER || page.status == StatusCode::UNAUTHORIZED,
        "{}",
        page.status
    );
}

#[tokio::test]
async fn the_dashboard_opens_on_this_year_and_lists_what_falls_due() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let year = chrono::Datelike::year(&today).to_string();
    let csrf = b.csrf().await;
    let mut ids = Vec::new();
    for (name, cert, days) in [("张明", "44010012", 10), ("李华", "44010013", -5)] {
        let until = (today + chrono::Duration::days(days)).to_string();
        let page = b
            .post_form(
                &format!("/units/{a}/ledger/officer"),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("year", year.as_str()),
                    ("f.name", name),
                    ("f.cert_no", cert),
                    ("f.valid_until", until.as_str()),
                ],
            )
            .await;
        ids.push((record_id(&page), until));
    }

    // No year asked: this year, selected in the switcher.
    let dash = b.get(&format!("/units/{a}/ledger")).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(dash.body.contains(&format!(
        "<option value=\"{year}\" selected>{year} 年度</option>"
    )));
    let due = dash
        .body
        .split("id=\"due\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("the due list")
        .to_string();
    assert!(due.contains("（2 项）"), "{due}");
    let (soon, soon_date) = &ids[0];
    let (late, late_date) = &ids[1];
    assert!(
        due.contains(&format!("<td class=\"nowrap\">{soon_date}</td>")),
        "{due}"
    );
    assert!(due.contains(&format!("<a href=\"/ledger/{soon}\">张明</a>")));
    assert!(due.contains(&format!(
        "<span class=\"tag tag-bad\">已逾期</span> {late_date}"
    )));
    assert!(due.contains(&format!("<a href=\"/ledger/{late}\">李华</a>")));
    assert!(due.contains("执法证有效期"));
    // The overdue one comes first (soonest first) and is marked red.
    assert!(due.find("李华").unwrap() < due.find("张明").unwrap());
    assert!(due.contains("<tr class=\"overdue\">"));
}

/// Text a person could type into a required field of the given type (a choice: its first
/// option, which no save rule refuses on its own).
fn sample_text(spec: &fazhi_domain::ledger::FieldSpec) -> String {
    use fazhi_domain::ledger::FieldType;
    match spec.ty {
        FieldType::Date => "2025-06-02".into(),
        FieldType::Count => "3".into(),
        FieldType::Hours => "2.5".into(),
        FieldType::Bool => "否".into(),
        FieldType::Choice(c) => c[0].into(),
        FieldType::List => "宪法、民法典".into(),
        FieldType::Text | FieldType::LongText => format!("示例{}", spec.label),
    }
}

#[tokio::test]
async fn every_kind_has_a_form_that_saves_lists_and_edits() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

    for kind in RecordKind::ALL {
        let code = kind.code();
        let new = b
            .get(&format!("/units/{a}/ledger/{code}/new?year=2025"))
            .await;
        assert_eq!(new.status, StatusCode::OK, "{code}");
        for spec in kind.fields() {
            assert!(
                new.body.contains(spec.label) && new.body.contains(&format!("f.{}", spec.key)),
                "{code}: the form lacks {}",
                spec.label
            );
        }
        // Only the required fields filled in, as a person in a hurry would.
        let csrf = b.csrf().await;
        let texts: Vec<(String, String)> = kind
            .fields()
            .iter()
            .filter(|s| s.required)
            .map(|s| (format!("f.{}", s.key), sample_text(s)))
            .collect();
        let mut form: Vec<(&str, &str)> = vec![("csrf_token", &csrf), ("year", "2025")];
        form.extend(texts.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let saved = b
            .post_form(&format!("/units/{a}/ledger/{code}"), &form)
            .await;
        let id = record_id(&saved);

        let list = b.get(&format!("/units/{a}/ledger/{code}?year=2025")).await;
        assert_eq!(list.status, StatusCode::OK, "{code}");
        assert!(list.body.contains(&format!("/ledger/{id}")), "{code}");
        let title = fazhi_domain::ledger::parse_fields(
            kind,
            &kind
                .fields()
                .iter()
                .filter(|s| s.required)
                .map(|s| (s.key.to_string(), sample_text(s)))
                .collect(),
        )
        .unwrap()
        .display(kind.title_field());
        assert!(list.body.contains(&title), "{code}: {title} not listed");

        // The record page is the edit form, filled in with what was saved.
        let page = b.get(&format!("/ledger/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{code}");
        assert!(page.body.contains("name=\"version\""), "{code}");
        assert!(page.body.contains(&title), "{code}");
    }
    // The dashboard counts one record of every kind.
    let dash = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    for kind in RecordKind::ALL {
        assert!(
            dash.body
                .contains(&format!("/units/{a}/ledger/{}?year=2025", kind.code())),
            "{}",
            kind.code()
        );
    }
}
