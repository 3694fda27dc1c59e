//! A unit's page, uploading a report, the findings page, the original file, publishing and
//! the public portal.

mod common;

use common::{
    content_disposition, upload_form, upload_id_from, Browser, TestApp, World, REPORT_TXT,
};
use reqwest::StatusCode;

async fn upload(
    b: &Browser,
    unit: fazhi_domain::UnitId,
    year: i32,
    name: &str,
    bytes: Vec<u8>,
) -> common::Page {
    let csrf = b.csrf().await;
    let resp = b
        .raw
        .post(b.url(&format!("/units/{unit}/uploads")))
        .multipart(upload_form(&csrf, year, name, bytes))
        .send()
        .await
        .expect("upload");
    common::Page::of(resp).await
}

#[tokio::test]
async fn upload_then_read_the_findings() {
    let (_app, w, b) = World::signed_in("staff_a").await;

    let unit = b.get(&format!("/units/{}", w.unit_a.id)).await;
    assert_eq!(unit.status, StatusCode::OK);
    assert!(unit.body.contains("accept=\".docx,.pdf,.txt\""));
    assert!(unit.body.contains("enctype=\"multipart/form-data\""));
    let last_year = chrono::Datelike::year(&(chrono::Utc::now() + chrono::Duration::hours(8))) - 1;
    assert!(
        unit.body
            .contains(&format!("<option value=\"{last_year}\" selected>")),
        "last year preselected"
    );
    assert!(
        !unit.body.contains(">发布</button>"),
        "staff cannot publish"
    );

    let page = upload(
        &b,
        w.unit_a.id,
        2024,
        "东湖区司法局2024年度报告.txt",
        REPORT_TXT.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = upload_id_from(page.location().unwrap());

    let f = b.get(&format!("/uploads/{id}")).await;
    assert_eq!(f.status, StatusCode::OK);
    let body = &f.body;
    assert!(f.is_full_page());
    assert!(
        body.contains("青川市东湖区司法局2024年度法治政府建设情况报告"),
        "title"
    );
    assert!(
        body.contains("<div class=\"total score-high\" id=\"score\">95</div>"),
        "score"
    );
    for label in ["完整性", "具体性", "合规性", "规范性"] {
        assert!(body.contains(label), "score item {label}");
    }
    assert!(body.contains("<b>完整</b>"), "coverage");
    assert!(body.contains("主要举措和成效") && body.contains("第一责任人履职情况"));
    assert!(body.contains("数字事实（17 项）"), "facts");
    assert!(body.contains("62学时"));
    // The finding, linked to its block, and the block anchored and highlighted.
    assert!(body.contains("<code>doc-too-short</code>"));
    assert!(body.contains("依据：《法治政府建设与责任落实督察工作规定》"));
    assert!(
        body.contains(
            "<a href=\"#b0\">第 1 段 “青川市东湖区司法局2024年度法治政府建设情况报告”</a>"
        ),
        "finding links to its block"
    );
    assert!(
        body.contains("<p id=\"b0\" class=\"blk k-title hit warning\">"),
        "highlighted block"
    );
    assert!(body.contains("<mark>青川市东湖区司法局2024年度法治政府建设情况报告</mark>"));
    assert!(
        body.contains("href=\"#r0\""),
        "block links back to the finding"
    );
    assert!(body.contains("id=\"r0\""));
    assert!(
        body.contains("<li class=\"d1\"><a href=\"#b"),
        "section tree"
    );
    assert!(body.contains("（二）</a>规范行政执法行为"));

    // The htmx partial is the report alone.
    let part = b.hx_get(&format!("/uploads/{id}")).await;
    assert_eq!(part.status, StatusCode::OK);
    assert!(!part.is_full_page() && !part.body.contains("<html"));
    assert!(part.body.contains("id=\"score\">95<"));
    assert_eq!(part.header("vary"), Some("HX-Request, Cookie"));

    // The original, as an attachment with its Chinese name.
    let o = b.download(&format!("/uploads/{id}/original")).await;
    let cd = content_disposition(&o);
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    assert!(
        cd.contains("filename*=UTF-8''%E4%B8%9C%E6%B9%96%E5%8C%BA"),
        "{cd}"
    );
    assert_eq!(o.headers()["content-type"], "text/plain");
    assert_eq!(o.bytes().await.unwrap().as_ref(), REPORT_TXT.as_bytes());

    // The unit's list shows it; filtering by another year hides it.
    let list = b.get(&format!("/units/{}?year=2024", w.unit_a.id)).await;
    assert!(list.body.contains(&format!("href=\"/uploads/{id}\"")));
    let other = b.hx_get(&format!("/units/{}?year=2020", w.unit_a.id)).await;
    assert!(!other.is_full_page());
    assert!(other.body.contains("2020 年度暂无上传的报告"));
}

/// Uploads a 2024 report as htmx does: the CSRF token in a header.
async fn htmx_upload(
    b: &Browser,
    unit: fazhi_domain::UnitId,
    csrf: &str,
    name: &'static str,
    bytes: Vec<u8>,
) -> common::Page {
    let form = reqwest::multipart::Form::new().text("year", "2024").part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name),
    );
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{unit}/uploads")))
                .header("HX-Request", "true")
                .header("X-CSRF-Token", csrf)
                .multipart(form),
        )
        .await;
    common::Page::of(resp).await
}

#[tokio::test]
async fn htmx_upload_returns_the_list_and_errors_go_to_the_flash() {
    let app = TestApp::builder().max_upload_bytes(64 * 1024).spawn().await;
    let w = World::build(&app).await;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let csrf = b.csrf().await;

    // htmx sends the token in the header; the answer is the refreshed list.
    let page = htmx_upload(
        &b,
        w.unit_a.id,
        &csrf,
        "报告.txt",
        REPORT_TXT.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.is_full_page());
    assert!(page.body.contains("已上传“报告.txt”（2024 年度）"));
    assert!(page.body.contains("得分 <b>95</b>"));
    assert!(page.body.contains("查看审查结果"));

    // Too large: a clear Chinese message, swapped into #flash.
    let big = vec![b'x'; 80 * 1024];
    let page = htmx_upload(&b, w.unit_a.id, &csrf, "大文件.txt", big.clone()).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(page.header("hx-retarget"), Some("#flash"));
    assert!(
        page.body.contains("文件过大") && page.body.contains("上限"),
        "{}",
        page.body
    );

    // The same without htmx (token in the form): a full error page.
    let page = upload(&b, w.unit_a.id, 2024, "大文件.txt", big).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.is_full_page());
    assert!(page.body.contains("文件过大"), "{}", page.body);

    // Far beyond the limit: cut off while reading, still a clear answer, either way.
    let huge = vec![b'y'; 300 * 1024];
    let page = htmx_upload(&b, w.unit_a.id, &csrf, "巨大.txt", huge.clone()).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        page.body.contains("文件过大，超过上传大小上限 64 KB"),
        "{}",
        page.body
    );
    let page = upload(&b, w.unit_a.id, 2024, "巨大.txt", huge).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("提交的内容过大"), "{}", page.body);

    // No file chosen.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("year", "2024");
    let resp = b
        .send(
            b.raw
                .post(b.url(&format!("/units/{}/uploads", w.unit_a.id)))
                .multipart(form),
        )
        .await;
    let page = common::Page::of(resp).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("请选择要上传的报告文件"));
}

#[tokio::test]
async fn an_unreadable_file_shows_its_chinese_error() {
    let (_app, w, b) = World::signed_in("staff_a").await;

    let page = upload(
        &b,
        w.unit_a.id,
        2024,
        "扫描件.pdf",
        b"%PDF-1.4 not really a pdf".to_vec(),
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = upload_id_from(page.location().unwrap());
    let f = b.get(&format!("/uploads/{id}")).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.body.contains("文件无法读取，未能审查"), "{}", f.body);
    assert!(!f.body.contains("id=\"score\""));
    let list = b.get(&format!("/units/{}", w.unit_a.id)).await;
    assert!(list.body.contains("无法读取"));
}

#[tokio::test]
async fn others_cannot_see_or_upload_and_the_leader_publishes() {
    let (app, w, staff) = World::signed_in("staff_a").await;

    let id = upload_id_from(
        upload(
            &staff,
            w.unit_a.id,
            2024,
            "报告.txt",
            REPORT_TXT.as_bytes().to_vec(),
        )
        .await
        .location()
        .unwrap(),
    );

    // Staff of another unit: the unpublished report does not exist for him (ids cannot be
    // probed), in Chinese; the unit's page is refused.
    let c = Browser::signed_in(&app.base, "staff_c", World::PASSWORD).await;
    let page = c.get(&format!("/uploads/{id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("未找到报告") && page.is_full_page());
    assert_eq!(
        c.get(&format!("/units/{}", w.unit_a.id)).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = upload(
        &c,
        w.unit_a.id,
        2024,
        "x.txt",
        REPORT_TXT.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The public does not know it exists yet.
    let public = app.browser();
    assert_eq!(
        public.get(&format!("/uploads/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        public.get(&format!("/uploads/{id}/original")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(public.get("/").await.body.contains("暂无已公开的报告"));

    // Staff may not publish; the leader may.
    let csrf = staff.csrf().await;
    let page = staff
        .post_csrf(&format!("/uploads/{id}/publish"), &csrf)
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let leader = Browser::signed_in(&app.base, "leader_a", World::PASSWORD).await;
    let f = leader.get(&format!("/uploads/{id}")).await;
    assert!(f.body.contains("发布（向社会公开）"));
    let csrf = leader.csrf().await;
    let back = format!("/units/{}", w.unit_a.id);
    let page = leader
        .post_form(
            &format!("/uploads/{id}/publish"),
            &[("csrf_token", &csrf), ("back", &back)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some(back.as_str()));
    assert!(leader.get(&back).await.body.contains("撤回发布"));

    // Now the public reads it and the portal lists it.
    let f = public.get(&format!("/uploads/{id}")).await;
    assert_eq!(f.status, StatusCode::OK);
    assert!(f.body.contains("id=\"score\">95<"));
    assert!(!f.body.contains("撤回发布"), "the public gets no buttons");
    let home = public.get("/").await;
    assert!(home.body.contains("共 <b>1</b> 份"));
    assert!(home.body.contains(&format!(
        "<a href=\"/uploads/{id}\">青川市东湖区司法局2024年度法治政府建设情况报告</a>"
    )));
    let portal = public.hx_get("/?page=1").await;
    assert!(!portal.is_full_page() && portal.body.contains("已公开的报告"));

    // Withdrawn: gone again.
    let page = leader
        .post_csrf(&format!("/uploads/{id}/unpublish"), &csrf)
        .await;
    assert_eq!(page.location(), Some(format!("/uploads/{id}").as_str()));
    assert_eq!(
        public.get(&format!("/uploads/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn unknown_pages_and_ids_get_a_chinese_404() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    for path in ["/no/such/page", "/uploads/999999", "/uploads/abc"] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.is_full_page(), "{path}");
        assert!(
            page.body.contains("页面不存在") || page.body.contains("未找到"),
            "{path}: {}",
            page.body
        );
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
    // The API keeps its JSON.
    let api = b.get("/api/v1/no-such-endpoint").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.body.starts_with('{'), "{}", api.body);
}
