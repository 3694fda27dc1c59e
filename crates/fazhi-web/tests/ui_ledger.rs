//! The ledger's pages (台账) as a person uses them: the record form, the list with its
//! filters, the dashboard and the records behind a figure, refusals and field errors, edits
//! and stale versions, soft deletion, attachments, Excel in and out, and who sees what.

mod common;

use common::{Browser, Page, TestApp, World};
use fazhi_domain::ledger::{parse_fields, Record, RecordData, RecordKind};
use fazhi_domain::{Framework, RecordId, UnitId};
use reqwest::StatusCode;
use std::collections::BTreeMap;

/// A 学法 record as the form posts it.
fn study_form<'a>(csrf: &'a str, date: &'a str, topic: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("year", "2025"),
        ("f.date", date),
        ("f.form", "党组会学法"),
        ("f.topic", topic),
        ("f.laws", "宪法、行政处罚法"),
        ("f.attendees", "12"),
        ("f.leader_present", "是"),
        ("f.hours", ""),
        ("f.note", ""),
        ("indicators", "thought"),
    ]
}

/// The record id of a `/ledger/{id}?done=…` redirect.
fn record_id(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let loc = page.location().expect("a redirect");
    loc.strip_prefix("/ledger/")
        .and_then(|s| s.split('?').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a record: {loc}"))
}

async fn create_study(b: &Browser, unit: UnitId, date: &str, topic: &str) -> i64 {
    let csrf = b.csrf().await;
    let page = b
        .post_form(
            &format!("/units/{unit}/ledger/study"),
            &study_form(&csrf, date, topic),
        )
        .await;
    record_id(&page)
}

#[tokio::test]
async fn a_record_made_through_the_form_shows_in_the_list_dashboard_and_figure() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;

    // The unit page links to its ledger; the empty dashboard shows the gaps.
    let unit = b.get(&format!("/units/{a}")).await;
    assert!(unit.body.contains(&format!("href=\"/units/{a}/ledger\"")));
    let dash = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    assert_eq!(dash.status, StatusCode::OK, "{}", dash.body);
    assert!(dash.body.contains("2025 年度台账目录"));
    assert!(dash
        .body
        .contains("<span class=\"tag tag-bad\">空白</span>"));
    assert!(dash.body.contains("尚无台账记录，暂无统计数据"));
    for kind in RecordKind::ALL {
        assert!(
            dash.body.contains(&format!(
                "href=\"/units/{a}/ledger/{}?year=2025\"",
                kind.code()
            )),
            "{kind:?} linked"
        );
    }

    // The form is generated from the kind's fields, with the default indicators checked.
    let form = b
        .get(&format!("/units/{a}/ledger/study/new?year=2025"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("<input type=\"date\" name=\"f.date\""));
    assert!(form.body.contains("<select name=\"f.form\" required"));
    assert!(form
        .body
        .contains("<option value=\"党组会学法\">党组会学法</option>"));
    assert!(form.body.contains("<textarea name=\"f.laws\""));
    assert!(form
        .body
        .contains("name=\"f.attendees\" value=\"\" min=\"0\" step=\"1\""));
    assert!(form
        .body
        .contains("name=\"f.hours\" value=\"\" min=\"0\" step=\"0.1\""));
    assert!(form
        .body
        .contains("<input type=\"checkbox\" name=\"indicators\" value=\"thought\" checked>"));
    assert!(form.body.contains(
        "<input type=\"checkbox\" name=\"indicators\" value=\"leadership.capacity\" checked>"
    ));
    assert!(form.body.contains("多部用顿号或分号分隔"), "help text");
    assert!(form.body.contains("<option value=\"2025\" selected>"));

    let rid = create_study(&b, a, "2025-03-10", "学习宪法和行政处罚法").await;
    let rec = b.get(&format!("/ledger/{rid}?done=created")).await;
    assert_eq!(rec.status, StatusCode::OK);
    assert!(rec.body.contains("已保存。"));
    assert!(rec.body.contains("学习宪法和行政处罚法"));
    assert!(rec
        .body
        .contains("<td class=\"wrap\">宪法、行政处罚法</td>"));
    assert!(rec.body.contains("staff_a"), "created by");
    assert!(rec.body.contains("第 1 版"));
    assert!(
        rec.body.contains("深入学习贯彻习近平法治思想"),
        "indicator by name"
    );
    assert!(rec
        .body
        .contains("<input type=\"hidden\" name=\"version\" value=\"1\">"));

    // The list, its htmx partial and its filters.
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!(
        "<a href=\"/ledger/{rid}\">学习宪法和行政处罚法</a>"
    )));
    assert!(list.body.contains("<td class=\"nowrap\">2025-03-10</td>"));
    assert!(list.body.contains("<td class=\"wrap\">党组会学法</td>"));
    assert!(list.body.contains("新增记录") && list.body.contains("下载模板"));
    let part = b
        .hx_get(&format!(
            "/units/{a}/ledger/study?year=2025&q=%E5%AE%AA%E6%B3%95"
        ))
        .await;
    assert!(!part.is_full_page());
    assert!(part.body.contains(&format!("/ledger/{rid}")));
    let none = b
        .hx_get(&format!(
            "/units/{a}/ledger/study?year=2025&q=%E9%A3%9F%E5%93%81"
        ))
        .await;
    assert!(none.body.contains("没有符合条件的记录"), "{}", none.body);
    let other_year = b
        .hx_get(&format!("/units/{a}/ledger/study?year=2024"))
        .await;
    assert!(!other_year.body.contains(&format!("/ledger/{rid}\"")));
    let by_date = b
        .hx_get(&format!(
            "/units/{a}/ledger/study?from=2025-04-01&until=2025-12-31"
        ))
        .await;
    assert!(!by_date.body.contains(&format!("/ledger/{rid}\"")));
    let by_indicator = b
        .hx_get(&format!("/units/{a}/ledger/study?indicator=thought"))
        .await;
    assert!(by_indicator.body.contains(&format!("/ledger/{rid}\"")));
    let bad_date = b
        .get(&format!("/units/{a}/ledger/study?from=2025-13-01"))
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_date.body.contains("不是有效日期"));
    let unknown_kind = b.get(&format!("/units/{a}/ledger/nope")).await;
    assert_eq!(unknown_kind.status, StatusCode::NOT_FOUND);

    // The dashboard counts it; the figure lists exactly its records.
    let dash = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    let figure_url = format!("/units/{a}/ledger/figures/study.total?year=2025");
    assert!(dash.body.contains(&figure_url), "{}", dash.body);
    assert!(dash.body.contains("1 次"));
    assert!(dash
        .body
        .contains(&format!("/units/{a}/ledger/indicators/thought?year=2025")));
    let part = b.hx_get(&format!("/units/{a}/ledger?year=2025")).await;
    assert!(!part.is_full_page() && part.body.contains("规则提示"));
    // Without a year it opens, as the API's summary does, on the newest year with records.
    let dash = b.get(&format!("/units/{a}/ledger")).await;
    assert!(
        dash.body
            .contains("<option value=\"2025\" selected>2025 年度</option>"),
        "{}",
        dash.body
    );
    let fig = b.get(&figure_url).await;
    assert_eq!(fig.status, StatusCode::OK, "{}", fig.body);
    assert!(
        fig.body.contains("<b id=\"figure-value\">1 次</b>"),
        "{}",
        fig.body
    );
    assert!(fig.body.contains(&format!("<a href=\"/ledger/{rid}\">")));
    let missing = b
        .get(&format!("/units/{a}/ledger/figures/nope?year=2025"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let ind = b
        .get(&format!("/units/{a}/ledger/indicators/thought?year=2025"))
        .await;
    assert_eq!(ind.status, StatusCode::OK);
    assert!(ind.body.contains(&format!("<a href=\"/ledger/{rid}\">")));
    let ind_empty = b
        .get(&format!("/units/{a}/ledger/indicators/rules?year=2025"))
        .await;
    assert!(!ind_empty.body.contains(&format!("/ledger/{rid}\"")));
}

#[tokio::test]
async fn field_errors_are_shown_by_their_fields_and_keep_the_input() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let csrf = b.csrf().await;
    let page = b
        .post_form(
            &format!("/units/{a}/ledger/study"),
            &[
                ("csrf_token", &csrf),
                ("year", "2025"),
                ("f.date", "2025-02-30"),
                ("f.form", "党组会学法"),
                ("f.topic", ""),
                ("f.laws", "民法典、保守国家秘密法"),
                ("f.attendees", "十二"),
                ("indicators", "oversight.disclosure"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.is_full_page());
    assert!(page.body.contains("有 3 处填写有误"), "{}", page.body);
    assert!(page.body.contains("“日期”不是有效日期"));
    assert!(page.body.contains("“主题”为必填项"));
    assert!(page.body.contains("“参加人数”应为不小于 0 的整数"));
    // What was typed is still there, the chosen indicator too (the defaults are not).
    assert!(
        page.body
            .contains("<input type=\"text\" name=\"f.date\" value=\"2025-02-30\""),
        "a bad date stays visible"
    );
    assert!(page.body.contains(">民法典、保守国家秘密法</textarea>"));
    assert!(page.body.contains("value=\"十二\""));
    assert!(page.body.contains("<option value=\"党组会学法\" selected>"));
    assert!(page
        .body
        .contains("value=\"oversight.disclosure\" checked>"));
    assert!(!page.body.contains("value=\"thought\" checked>"));
    assert!(page
        .body
        .contains("<label class=\"fld has-error\" id=\"fld-topic\">"));
    // Nothing was saved.
    let list = b.get(&format!("/units/{a}/ledger/study")).await;
    assert!(list.body.contains("<b id=\"total\">0</b>"));
}

#[tokio::test]
async fn changes_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let rid = create_study(&b, a, "2025-03-10", "学习宪法").await;
    let form = study_form("forged", "2025-03-11", "伪造的记录");
    let page = b
        .post_form(&format!("/units/{a}/ledger/study"), &form)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("CSRF"));
    let page = b
        .post_form(
            &format!("/ledger/{rid}/delete"),
            &[("csrf_token", "forged")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // The multipart forms (import, attachment) too: a forged first field, or none.
    let csv = fazhi_sheet::ledger::export_csv(
        RecordKind::Study,
        &study_records(&[("2025-04-01", "伪造的导入")]),
        &Framework::builtin(),
    );
    for (path, token) in [
        (format!("/units/{a}/ledger/study/import"), Some("forged")),
        (format!("/units/{a}/ledger/study/import"), None),
        (format!("/ledger/{rid}/attachments"), Some("forged")),
        (format!("/ledger/{rid}/attachments"), None),
    ] {
        let mut form = reqwest::multipart::Form::new();
        if let Some(t) = token {
            form = form.text("csrf_token", t);
        }
        let form = form.text("year", "2025").part(
            "file",
            reqwest::multipart::Part::bytes(csv.clone()).file_name("学法台账.csv"),
        );
        let resp = b.raw.post(b.url(&path)).multipart(form).send().await;
        let page = Page::of(resp.unwrap()).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path} {token:?}");
    }
    let list = b.get(&format!("/units/{a}/ledger/study")).await;
    assert!(list.body.contains("<b id=\"total\">1</b>"));
    let rec = b.get(&format!("/ledger/{rid}")).await;
    assert!(rec.body.contains("暂无附件。"), "{}", rec.body);
}

#[tokio::test]
async fn a_refused_record_shows_the_rule_and_its_basis() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let csrf = b.csrf().await;
    let form = [
        ("csrf_token", csrf.as_str()),
        ("year", "2025"),
        ("f.title", "东湖区老旧小区改造实施方案"),
        ("f.review_sent", "2025-03-12"),
        ("f.discussed", "2025-04-01"),
    ];
    let page = b
        .post_form(&format!("/units/{a}/ledger/major_decision"), &form)
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("不符合法定程序，未保存"));
    assert!(page.body.contains("合法性审查尚未完成"));
    assert!(page
        .body
        .contains("依据：《重大行政决策程序暂行条例》第二十五条"));
    assert!(page.body.contains("value=\"东湖区老旧小区改造实施方案\""));
    assert!(page.body.contains("value=\"2025-04-01\""));

    // A suggestion answered after more than 3 months breaks no prohibition: saved, with
    // the warning on its page and on the dashboard.
    let page = b
        .post_form(
            &format!("/units/{a}/ledger/suggestion"),
            &[
                ("csrf_token", csrf.as_str()),
                ("year", "2025"),
                ("f.category", "人大代表建议"),
                ("f.title", "关于加强社区法律服务的建议"),
                ("f.assigned", "2025-01-10"),
                ("f.answered", "2025-06-20"),
            ],
        )
        .await;
    let rid = record_id(&page);
    let rec = b.get(&format!("/ledger/{rid}?done=created")).await;
    assert!(
        rec.body.contains("已保存。请注意：这条记录有 1 项规则提示"),
        "{}",
        rec.body
    );
    assert!(
        rec.body
            .contains("<section class=\"card\" id=\"warnings\">"),
        "{}",
        rec.body
    );
    let basis = rec
        .body
        .split("<div class=\"basis\">依据：")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("the warning names its basis")
        .to_string();
    let dash = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    assert!(dash.body.contains(&basis), "{}", dash.body);
    assert!(dash.body.contains(&format!(
        "<a href=\"/ledger/{rid}\">关于加强社区法律服务的建议</a>"
    )));
}

#[tokio::test]
async fn edits_save_and_a_stale_version_is_refused_with_the_input_kept() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let rid = create_study(&b, a, "2025-03-10", "学习宪法").await;
    let csrf = b.csrf().await;

    let mut edit = study_form(&csrf, "2025-03-11", "学习宪法（修订）");
    edit.push(("version", "1"));
    let page = b.post_form(&format!("/ledger/{rid}"), &edit).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(
        page.location(),
        Some(format!("/ledger/{rid}?done=updated").as_str())
    );
    let rec = b.get(&format!("/ledger/{rid}?done=updated")).await;
    assert!(rec.body.contains("已保存修改。"));
    assert!(rec.body.contains("学习宪法（修订）"));
    assert!(rec.body.contains("2025-03-11"));
    assert!(rec.body.contains("第 2 版"));

    // Someone else saved meanwhile: this edit on version 1 is refused, the input kept.
    let mut stale = study_form(&csrf, "2025-03-12", "另一人的修改");
    stale.push(("version", "1"));
    let page = b.post_form(&format!("/ledger/{rid}"), &stale).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("id=\"form-error\""), "{}", page.body);
    assert!(page.body.contains("value=\"另一人的修改\""));
    // The page shows the record as it is now, and the form carries its current version.
    assert!(page.body.contains("<h1>学习宪法（修订）"));
    assert!(page
        .body
        .contains("<input type=\"hidden\" name=\"version\" value=\"2\">"));
    let rec = b.get(&format!("/ledger/{rid}")).await;
    assert!(!rec.body.contains("另一人的修改"));

    // A field error on edit keeps the input too.
    let mut bad = study_form(&csrf, "not a date", "学习宪法（修订）");
    bad.push(("version", "2"));
    let page = b.post_form(&format!("/ledger/{rid}"), &bad).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("“日期”不是有效日期"));
    assert!(page.body.contains("value=\"not a date\""));
}

#[tokio::test]
async fn delete_hides_a_record_and_restore_brings_it_back() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let rid = create_study(&b, a, "2025-03-10", "学习宪法").await;
    let csrf = b.csrf().await;

    let page = b
        .post_form(&format!("/ledger/{rid}/delete"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let rec = b.get(&format!("/ledger/{rid}?done=deleted")).await;
    assert!(rec.body.contains("已删除这条记录。"));
    assert!(rec
        .body
        .contains("<span class=\"tag tag-bad\">已删除</span>"));
    assert!(rec.body.contains("恢复记录"));
    assert!(
        !rec.body.contains("id=\"edit\""),
        "no edit form for a deleted record"
    );
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert!(!list.body.contains(&format!("/ledger/{rid}\"")));
    let with_deleted = b
        .get(&format!("/units/{a}/ledger/study?year=2025&deleted=1"))
        .await;
    assert!(with_deleted.body.contains(&format!("/ledger/{rid}\"")));
    assert!(with_deleted.body.contains("<tr class=\"deleted\">"));
    let dash = b.get(&format!("/units/{a}/ledger?year=2025")).await;
    assert!(
        !dash.body.contains("study.total"),
        "not counted once deleted"
    );

    let page = b
        .post_form(&format!("/ledger/{rid}/restore"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert!(list.body.contains(&format!("/ledger/{rid}\"")));
    let rec = b.get(&format!("/ledger/{rid}?done=restored")).await;
    assert!(rec.body.contains("已恢复这条记录。") && rec.body.contains("id=\"edit\""));
}

#[tokio::test]
async fn attachments_upload_download_and_remove() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let rid = create_study(&b, a, "2025-03-10", "学习宪法").await;
    let csrf = b.csrf().await;
    let bytes = "会议纪要：学习宪法。".as_bytes().to_vec();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes.clone())
                .file_name("会议纪要.txt")
                .mime_str("text/plain")
                .unwrap(),
        );
    let resp = b
        .raw
        .post(b.url(&format!("/ledger/{rid}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let page = Page::of(resp).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let rec = b.get(&format!("/ledger/{rid}?done=attached")).await;
    assert!(rec.body.contains("已上传附件。"));
    let at = rec
        .body
        .find("<a href=\"/ledger/attachments/")
        .expect("the attachment is listed");
    let rest = &rec.body[at + "<a href=\"/ledger/attachments/".len()..];
    let aid: i64 = rest[..rest.find('"').unwrap()].parse().unwrap();
    assert!(rec.body.contains(">会议纪要.txt</a>"));
    let list = b.get(&format!("/units/{a}/ledger/study")).await;
    assert!(
        list.body.contains("<td class=\"c\">1</td>"),
        "attachment count"
    );

    let resp = b
        .raw
        .get(b.url(&format!("/ledger/attachments/{aid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cd = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.starts_with("attachment;") && cd.contains("UTF-8''%E4%BC%9A"),
        "{cd}"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let page = b
        .post_form(
            &format!("/ledger/attachments/{aid}/delete"),
            &[("csrf_token", &csrf)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        Some(format!("/ledger/{rid}?done=detached#attachments").as_str())
    );
    let rec = b.get(&format!("/ledger/{rid}")).await;
    assert!(!rec.body.contains("会议纪要.txt"));
}

/// 学法 records built in memory, as an export of another system would hold them.
fn study_records(rows: &[(&str, &str)]) -> Vec<Record> {
    rows.iter()
        .enumerate()
        .map(|(i, (date, topic))| {
            let raw: BTreeMap<String, String> = [
                ("date", *date),
                ("form", "集中学法"),
                ("topic", *topic),
                ("attendees", "30"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            Record {
                id: RecordId(i as i64 + 1),
                unit_id: UnitId(1),
                data: RecordData {
                    kind: RecordKind::Study,
                    year: 2025,
                    fields: parse_fields(RecordKind::Study, &raw).unwrap(),
                    indicators: vec!["thought".into()],
                },
            }
        })
        .collect()
}

async fn import(b: &Browser, unit: UnitId, year: &str, name: &str, bytes: Vec<u8>) -> Page {
    let csrf = b.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("year", year.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    let resp = b
        .raw
        .post(b.url(&format!("/units/{unit}/ledger/study/import")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    Page::of(resp).await
}

#[tokio::test]
async fn imports_take_a_clean_file_and_refuse_a_bad_one_whole() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
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
        .raw
        .post(b.url(&format!("/units/{a}/ledger/study/import")))
        .header("HX-Request", "true")
        .header("X-CSRF-Token", &csrf)
        .multipart(form)
        .send()
        .await
        .unwrap();
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
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    create_study(&b, a, "2025-03-10", "学习宪法").await;
    create_study(&b, a, "2025-04-10", "学习民法典").await;

    let resp = b
        .raw
        .get(b.url(&format!(
            "/units/{a}/ledger/study/export.csv?year=2025&q=%E6%B0%91%E6%B3%95%E5%85%B8"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let cd = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment;") && cd.contains(".csv"), "{cd}");
    let text = resp.text().await.unwrap();
    assert!(text.contains("学习民法典"));
    assert!(
        !text.contains("学习宪法"),
        "the list's filters apply: {text}"
    );

    let resp = b
        .raw
        .get(b.url(&format!("/units/{a}/ledger/study/export.xlsx?year=2025")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let cd = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.contains(".xlsx"), "{cd}");
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip");

    let resp = b
        .raw
        .get(b.url(&format!("/units/{a}/ledger/study/template.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cd = resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
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
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let staff = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
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
    let del = dc
        .post_form(&format!("/ledger/{rid}/delete"), &[("csrf_token", &csrf)])
        .await;
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
    let post = c
        .post_form(&format!("/ledger/{rid}/delete"), &[("csrf_token", &csrf)])
        .await;
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
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
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
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let a = w.unit_a.id;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
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
