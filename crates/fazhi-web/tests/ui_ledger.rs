//! The ledger's pages (台账) as a person uses them: the record form, the list with its
//! filters, the dashboard and the records behind a figure, refusals and field errors, edits
//! and stale versions, soft deletion, attachments, Excel in and out, and who sees what.

mod common;

use common::ledger::{create_study, record_id, study_form, study_records};
use common::{content_disposition, Page, World};
use fazhi_domain::ledger::RecordKind;
use fazhi_domain::{Framework, UnitId};
use reqwest::StatusCode;

#[tokio::test]
async fn a_record_made_through_the_form_shows_in_the_list_dashboard_and_figure() {
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

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
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

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
    page.assert_full(StatusCode::UNPROCESSABLE_ENTITY);
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

/// A server with staff of unit A signed in and one 学法 record of unit A (学习宪法 on
/// 2025-03-10): the server, the browser, unit A's id and the record's id.
async fn one_study() -> (common::TestApp, common::Browser, UnitId, i64) {
    let (app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;
    let rid = create_study(&b, a, "2025-03-10", "学习宪法").await;
    (app, b, a, rid)
}

#[tokio::test]
async fn changes_without_the_csrf_token_are_refused() {
    let (_app, b, a, rid) = one_study().await;
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
    let (_app, w, b) = World::signed_in("staff_a").await;
    let a = w.unit_a.id;

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
    let (_app, b, _, rid) = one_study().await;
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
    let (_app, b, a, rid) = one_study().await;
    let csrf = b.csrf().await;

    let page = b.post_csrf(&format!("/ledger/{rid}/delete"), &csrf).await;
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

    let page = b.post_csrf(&format!("/ledger/{rid}/restore"), &csrf).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let list = b.get(&format!("/units/{a}/ledger/study?year=2025")).await;
    assert!(list.body.contains(&format!("/ledger/{rid}\"")));
    let rec = b.get(&format!("/ledger/{rid}?done=restored")).await;
    assert!(rec.body.contains("已恢复这条记录。") && rec.body.contains("id=\"edit\""));
}

#[tokio::test]
async fn attachments_upload_download_and_remove() {
    let (_app, b, a, rid) = one_study().await;
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
        .send(
            b.raw
                .post(b.url(&format!("/ledger/{rid}/attachments")))
                .multipart(form),
        )
        .await;
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

    let resp = b.download(&format!("/ledger/attachments/{aid}")).await;
    let cd = content_disposition(&resp);
    assert!(
        cd.starts_with("attachment;") && cd.contains("UTF-8''%E4%BC%9A"),
        "{cd}"
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let page = b
        .post_csrf(&format!("/ledger/attachments/{aid}/delete"), &csrf)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location(),
        Some(format!("/ledger/{rid}?done=detached#attachments").as_str())
    );
    let rec = b.get(&format!("/ledger/{rid}")).await;
    assert!(!rec.body.contains("会议纪要.txt"));
}
