//! CSRF protection of state-changing requests made with the session cookie, and the
//! security headers every response carries.

mod common;

use common::{Browser, TestApp, World};
use reqwest::StatusCode;

#[tokio::test]
async fn posts_need_the_session_token() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let csrf = b.csrf().await;
    assert!(csrf.len() >= 40, "a real token: {csrf}");

    // No token: refused with 403 and a Chinese page; nothing created.
    let page = b.post_form("/account/tokens", &[("name", "无令牌")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("CSRF") && page.is_full_page());
    // A wrong token, in the form or in the header: refused.
    let page = b
        .post_form(
            "/account/tokens",
            &[("csrf_token", "forged"), ("name", "伪造")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let resp = b
        .send(
            b.raw
                .post(b.url("/account/tokens"))
                .header("X-CSRF-Token", "forged")
                .form(&[("name", "伪造")]),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // JSON or other bodies without the header: refused.
    let resp = b
        .send(
            b.raw
                .post(b.url("/account/tokens"))
                .json(&serde_json::json!({"name": "x"})),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let list = b.get("/account/tokens").await;
    assert!(list.body.contains("尚未创建令牌"), "nothing was created");

    // The form field works.
    let page = b
        .post_form(
            "/account/tokens",
            &[("csrf_token", &csrf), ("name", "市局数据对接")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("已创建令牌“市局数据对接”"));
    let token = page.text_after("<span class=\"secret\">", '<');
    assert!(token.starts_with("fz_"));

    // The header works too (htmx), and the answer is the partial.
    let resp = b
        .send(
            b.raw
                .post(b.url("/account/tokens"))
                .header("X-CSRF-Token", &csrf)
                .header("HX-Request", "true")
                .form(&[("name", "第二个")]),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.text().await.unwrap();
    assert!(!body.contains("<html") && body.contains("已创建令牌“第二个”"));

    // The token is shown once: the list only names it.
    let list = b.get("/account/tokens").await;
    assert!(list.body.contains("市局数据对接") && !list.body.contains(&token));

    // A bearer token carries no cookie authority, so it needs no CSRF token.
    let bare = reqwest::Client::new();
    let resp = bare
        .post(app.url("/account/tokens"))
        .bearer_auth(&token)
        .form(&[("name", "接口创建")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    // Revoking: the token stops working.
    let list = b.get("/account/tokens").await;
    let revoke = list.quoted_after("action=\"/account/tokens/");
    let live = list.body.matches("action=\"/account/tokens/").count();
    assert_eq!(live, 3, "three live tokens have a revoke button");
    let page = b
        .post_csrf(&format!("/account/tokens/{revoke}"), &csrf)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(b.get("/account/tokens").await.body.contains("已撤销"));

    // Anonymous posts are not CSRF-checked but get nowhere.
    let resp = bare
        .post(app.url("/account/tokens"))
        .form(&[("name", "匿名")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_multipart_form_needs_the_token_first() {
    let (_app, w, b) = World::signed_in("staff_a").await;

    let csrf = b.csrf().await;
    let url = b.url(&format!("/units/{}/uploads", w.unit_a.id));
    let file = || {
        reqwest::multipart::Part::bytes(common::REPORT_TXT.as_bytes().to_vec()).file_name("r.txt")
    };

    let no_token = reqwest::multipart::Form::new()
        .text("year", "2024")
        .part("file", file());
    assert_eq!(
        b.send(b.raw.post(&url).multipart(no_token)).await.status(),
        StatusCode::FORBIDDEN
    );
    let late = reqwest::multipart::Form::new()
        .text("year", "2024")
        .part("file", file())
        .text("csrf_token", csrf.clone());
    assert_eq!(
        b.send(b.raw.post(&url).multipart(late)).await.status(),
        StatusCode::FORBIDDEN,
        "the token must come first"
    );
    let first = reqwest::multipart::Form::new()
        .text("csrf_token", csrf.clone())
        .text("year", "2024")
        .part("file", file());
    assert_eq!(
        b.send(b.raw.post(&url).multipart(first)).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn responses_carry_security_headers_and_assets_are_cached() {
    let app = TestApp::spawn().await;
    let b = app.browser();
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'")
            && csp.contains("style-src 'self'")
            && csp.contains("frame-ancestors 'none'")
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(
        !page.body.contains("<script>") && !page.body.contains(" style=\""),
        "no inline script or style"
    );

    // The assets the page links, with a content hash and a year of caching.
    let css = page.quoted_after("<link rel=\"stylesheet\" href=\"");
    let js = page.quoted_after("<script src=\"");
    assert!(
        css.starts_with("/static/") && css.ends_with("/app.css"),
        "{css}"
    );
    for (url, ty) in [
        (&css, "text/css; charset=utf-8"),
        (&js, "text/javascript; charset=utf-8"),
    ] {
        let a = b.get(url).await;
        assert_eq!(a.status, StatusCode::OK, "{url}");
        assert_eq!(a.header("content-type"), Some(ty));
        assert_eq!(
            a.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    }
    assert!(
        b.get(&js).await.body.starts_with("/*! htmx 2."),
        "htmx with its license line"
    );
    let stale = b.get("/static/0000/app.css").await;
    assert_eq!(stale.header("cache-control"), Some("public, max-age=60"));
    let missing = b.get("/static/x/nope.js").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("未找到静态文件"), "{}", missing.body);

    // Pages are compressed for browsers that ask.
    let gz = reqwest::Client::new()
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        gz.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("gzip")
    );
}
