//! Signing in and out through the pages: wrong passwords, throttling, the one-time password
//! gate, logout, login CSRF and the `next` redirect.

mod common;

use common::{Browser, TestApp, World};
use fazhi_domain::{Node, Role};
use reqwest::StatusCode;

#[tokio::test]
async fn wrong_password_shows_the_error_and_keeps_the_login() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    let page = b.login("staff_a", "wrong-password-1").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.is_full_page());
    assert!(page.body.contains("登录名或密码不正确"), "{}", page.body);
    assert_eq!(
        page.input_value("login").as_deref(),
        Some("staff_a"),
        "the login stays filled in"
    );
    assert!(
        b.session_cookie().is_none(),
        "no session after a failed login"
    );
    // Unknown accounts get the same answer.
    let page = b.login("nobody", "whatever-1").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("登录名或密码不正确"));
}

#[tokio::test]
async fn login_is_throttled_after_five_failures() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    for i in 0..5 {
        let page = b.login("staff_a", &format!("wrong-{i}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
    }
    let page = b.login("staff_a", World::PASSWORD).await;
    assert_eq!(
        page.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(page.body.contains("登录尝试过于频繁"), "{}", page.body);
    let retry: u64 = page
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(retry > 0 && retry <= 15 * 60);
    assert!(b.session_cookie().is_none());
    // Another account from the same place is not affected.
    let other = app.browser();
    assert_eq!(
        other.login("staff_c", World::PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn login_sets_a_safe_cookie_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    let page = b.login("staff_a", World::PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/"));
    let cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("fazhi_session="))
        .expect("session cookie set")
        .to_string();
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "not Secure unless configured");
    let old = b.session_cookie().expect("cookie kept");

    let home = b.get("/").await;
    assert!(home.body.contains("我的单位"), "dashboard after login");
    assert!(home.body.contains("青川市东湖区司法局"));

    let csrf = b.csrf().await;
    let out = b.post_csrf("/logout", &csrf).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.header("set-cookie").unwrap_or("").contains("Max-Age=0"));

    // The old cookie no longer works, even when sent again by hand.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = replay
        .get(app.url("/account/tokens"))
        .header("cookie", format!("fazhi_session={old}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"],
        "/login?next=%2Faccount%2Ftokens"
    );
}

#[tokio::test]
async fn a_one_time_password_must_be_changed_first() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    app.user_must_change(
        "newbie",
        "Temp-pass-77",
        &[(Role::UnitStaff, Node::Unit(w.unit_a.id))],
    )
    .await;
    let b = app.browser();
    let page = b
        .login_next("newbie", "Temp-pass-77", &format!("/units/{}", w.unit_a.id))
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let to = page.location().unwrap().to_string();
    assert!(to.starts_with("/account/password?next=%2Funits%2F"), "{to}");

    // Nothing else until changed: pages redirect, posts are refused the same way.
    for path in ["/", &format!("/units/{}", w.unit_a.id), "/account/tokens"] {
        let p = b.get(path).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(p.location(), Some("/account/password"), "{path}");
    }
    let form = b.get(&to).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("请先设置新密码"));
    assert!(
        !form.body.contains("href=\"/account/tokens\""),
        "menus hidden while locked"
    );
    let csrf = form.input_value("csrf_token").unwrap();
    let next = form.input_value("next").unwrap();

    let mismatch = change_first(&b, &csrf, &next, "Better-pass-2025", "Other-2025").await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("两次输入的新密码不一致"));
    let weak = change_first(&b, &csrf, &next, "short", "short").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("密码至少 10 个字符"));

    let done = change_first(&b, &csrf, &next, "Better-pass-2025", "Better-pass-2025").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(format!("/units/{}", w.unit_a.id).as_str())
    );
    let unit = b.get(&format!("/units/{}", w.unit_a.id)).await;
    assert_eq!(unit.status, StatusCode::OK);
    assert!(unit.body.contains("上传年度报告"));

    // The new password works, the old one not.
    assert_eq!(
        app.browser().login("newbie", "Temp-pass-77").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let again = app.browser().login("newbie", "Better-pass-2025").await;
    assert_eq!(again.location(), Some("/"));
}

#[tokio::test]
async fn login_is_protected_against_csrf() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    let form = b.get("/login").await;
    let token = form.input_value("csrf_token").unwrap();
    let set = form.header("set-cookie").unwrap_or("");
    assert!(
        set.starts_with("fazhi_login_csrf=")
            && set.contains("SameSite=Strict")
            && set.contains("HttpOnly"),
        "{set}"
    );

    // From another site: refused even with the right token.
    let login_form = [
        ("csrf_token", token.as_str()),
        ("login", "staff_a"),
        ("password", World::PASSWORD),
    ];
    let resp = b
        .send(
            b.raw
                .post(b.url("/login"))
                .header("origin", "http://evil.example")
                .form(&login_form),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("CSRF") && body.contains("<!DOCTYPE html>"),
        "a Chinese error page"
    );

    // Without the pre-session cookie (a forged form): refused.
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = bare
        .post(app.url("/login"))
        .form(&login_form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    // Same origin with the token: fine.
    let host = app.base.clone();
    let resp = b
        .send(
            b.raw
                .post(b.url("/login"))
                .header("origin", host)
                .form(&login_form),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn next_only_leads_within_the_site() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    for evil in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let page = app
            .browser()
            .login_next("staff_a", World::PASSWORD, evil)
            .await;
        assert_eq!(page.location(), Some("/"), "{evil}");
    }
    let wanted = format!("/units/{}?year=2024", w.unit_a.id);
    let page = app
        .browser()
        .login_next("staff_a", World::PASSWORD, &wanted)
        .await;
    assert_eq!(page.location(), Some(wanted.as_str()));

    // A page that needs a login sends the anonymous visitor to the form and back.
    let anon = app.browser();
    let p = anon.get(&wanted).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.location(),
        Some(format!("/login?next=%2Funits%2F{}%3Fyear%3D2024", w.unit_a.id).as_str())
    );
    let form = anon.get(p.location().unwrap()).await;
    assert_eq!(form.input_value("next").as_deref(), Some(wanted.as_str()));
    // htmx is told where to go instead.
    let hx = anon.hx_get(&wanted).await;
    assert!(hx
        .header("hx-redirect")
        .unwrap_or("")
        .starts_with("/login?next="));

    // Signed in, the login form goes straight on.
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    assert_eq!(b.get("/login").await.location(), Some("/"));
}

#[tokio::test]
async fn changing_the_password_signs_out_the_other_browsers() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    unit_a_staff(&app, &w, "twice").await;
    let here = Browser::signed_in(&app.base, "twice", "First-pass-2025").await;
    let elsewhere = Browser::signed_in(&app.base, "twice", "First-pass-2025").await;
    let unit = format!("/units/{}", w.unit_a.id);
    assert_eq!(elsewhere.get(&unit).await.status, StatusCode::OK);

    let form = here.get("/account/password").await;
    let csrf = form.input_value("csrf_token").unwrap();
    let done = here
        .post_form(
            "/account/password",
            &[
                ("csrf_token", &csrf),
                ("old", "First-pass-2025"),
                ("new", "Second-pass-2025"),
                ("confirm", "Second-pass-2025"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("密码已修改"), "{}", done.body);

    // This browser stays signed in; the other one is sent to the login page.
    assert_eq!(here.get(&unit).await.status, StatusCode::OK);
    let gone = elsewhere.get(&unit).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert!(
        gone.location().unwrap().starts_with("/login"),
        "{:?}",
        gone.location()
    );
}

// ---------------------------------------------------------------------------------------
// Credentials on the pages: login bounding, password policy and history, token pages

#[tokio::test]
async fn a_huge_login_name_on_the_page_is_refused_and_bounded_in_the_audit() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = app.browser();
    let huge = "x".repeat(900_000);
    let page = b.login(&huge, "Whatever-2025").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("登录名或密码不正确"),
        "{}",
        page.body.len()
    );
    assert!(page.body.len() < 100_000, "the name is not echoed whole");
    let e = app
        .store
        .audit(&fazhi_store::AuditFilter {
            action_prefix: Some("session.login_failed".into()),
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    let row = serde_json::to_string(&e).unwrap();
    assert!(row.len() < 1_000, "audit row of {} bytes", row.len());
    assert!(e.actor_login.ends_with('…'));
}

/// Another staff account of unit A, with the password `First-pass-2025`.
async fn unit_a_staff(app: &TestApp, w: &World, login: &str) -> fazhi_store::User {
    let grants = [(Role::UnitStaff, Node::Unit(w.unit_a.id))];
    app.user(login, "First-pass-2025", &grants).await
}

/// Posts the one-time password form (its CSRF token and `next`) of the account made with
/// `Temp-pass-77`.
async fn change_first(
    b: &Browser,
    csrf: &str,
    next: &str,
    new: &str,
    confirm: &str,
) -> common::Page {
    let form = [
        ("csrf_token", csrf),
        ("old", "Temp-pass-77"),
        ("new", new),
        ("confirm", confirm),
        ("next", next),
    ];
    b.post_form("/account/password", &form).await
}

/// Posts the password form of a signed-in browser.
async fn change_on_page(b: &Browser, old: &str, new: &str, revoke: bool) -> common::Page {
    let csrf = b.csrf().await;
    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("old", old),
        ("new", new),
        ("confirm", new),
    ];
    if revoke {
        form.push(("revoke_tokens", "1"));
    }
    b.post_form("/account/password", &form).await
}

#[tokio::test]
async fn the_password_page_refuses_weak_and_earlier_passwords() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    unit_a_staff(&app, &w, "zhangsan").await;
    let b = Browser::signed_in(&app.base, "zhangsan", "First-pass-2025").await;
    let form = b.get("/account/password").await;
    assert!(form.body.contains("至少 3 类"), "the hint says the rule");
    assert!(form.body.contains("同时吊销我的全部 API 令牌"));
    assert!(form.body.contains("minlength=\"10\""));
    for (weak, says) in [
        ("password1", "至少 10 个字符"),
        ("Zhangsan@2025", "不能包含登录名"),
        ("Woaini1314!", "常见的弱密码"),
        ("        a1", "空格"),
    ] {
        let page = change_on_page(&b, "First-pass-2025", weak, false).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert!(page.body.contains(says), "{weak}: {says}");
    }
    let done = change_on_page(&b, "First-pass-2025", "Second-pass-2025", false).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("密码已修改"));
    let again = change_on_page(&b, "Second-pass-2025", "First-pass-2025", false).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("最近 5 次"), "{}", again.body);
}

#[tokio::test]
async fn the_password_page_may_revoke_the_tokens_and_throttles_wrong_old_passwords() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let user = unit_a_staff(&app, &w, "lisi").await;
    let token = app.api_token(user.id, "脚本").await;
    let me = || async {
        reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(me().await, StatusCode::OK);
    let b = Browser::signed_in(&app.base, "lisi", "First-pass-2025").await;
    let done = change_on_page(&b, "First-pass-2025", "Second-pass-2025", true).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        me().await,
        StatusCode::UNAUTHORIZED,
        "revoked with the change"
    );

    for i in 0..5 {
        let page = change_on_page(&b, &format!("wrong-{i}"), "Third-pass-2025", false).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "attempt {i}");
        assert!(page.body.contains("原密码不正确"));
    }
    let page = change_on_page(&b, "wrong-5", "Third-pass-2025", false).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.header("retry-after").is_some());
    assert!(page.body.contains("秒后再试"), "{}", page.body);
}

/// Posts the token form of a signed-in browser.
async fn create_token(b: &Browser, csrf: &str, name: &str) -> common::Page {
    b.post_form("/account/tokens", &[("csrf_token", csrf), ("name", name)])
        .await
}

#[tokio::test]
async fn token_pages_are_never_stored() {
    let app = TestApp::spawn().await;
    World::build(&app).await;
    let b = Browser::signed_in(&app.base, "staff_a", World::PASSWORD).await;
    let list = b.get("/account/tokens").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("cache-control"), Some("no-store"));
    let csrf = b.csrf().await;
    let created = create_token(&b, &csrf, "同步脚本").await;
    assert_eq!(created.status, StatusCode::OK);
    assert!(created.body.contains("已创建令牌"));
    assert_eq!(created.header("cache-control"), Some("no-store"));
    let bad = create_token(&b, &csrf, "a\u{0}b").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("令牌名称不能含控制字符"), "{}", bad.body);
}
