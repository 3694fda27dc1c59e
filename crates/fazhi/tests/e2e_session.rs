//! Sessions and CSRF against the real `fazhi serve`: cookie-authenticated writes need the
//! session's CSRF token (header, form field or first multipart part; never the URL),
//! bearer tokens need none; cookie attributes; logout, disabling and expiry end a
//! session; the login form is throttled after five failures with a Chinese message.

mod e2e_common;

use e2e_common::{report_txt, tempdir, Auth, Body, Client, Demo, Multipart, Resp, Server};
use serde_json::json;
use std::process::Command;

fn cookie_only(session: &str) -> Vec<(&'static str, String)> {
    vec![("Cookie", format!("fazhi_session={session}"))]
}

fn raw(c: &Client, method: &str, path: &str, headers: &[(&str, String)], body: &Body) -> Resp {
    let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.raw(method, path, &h, body)
}

fn assert_csrf_refused(r: &Resp, what: &str) {
    assert_eq!(r.status, 403, "{what}: {}", r.snippet());
    assert!(
        r.text().contains("CSRF"),
        "{what}: the answer says why: {}",
        r.snippet()
    );
}

/// The page login form as a browser submits it: the pre-session cookie and the same
/// value in the form.
fn page_login(c: &Client, login: &str, password: &str) -> Resp {
    let form = c.get("/login", &Auth::Anon);
    let token = form
        .set_cookie("fazhi_login_csrf")
        .expect("login form sets its CSRF cookie");
    raw(
        c,
        "POST",
        "/login",
        &[("Cookie", format!("fazhi_login_csrf={token}"))],
        &Body::form(&[
            ("csrf_token", &token),
            ("login", login),
            ("password", password),
            ("next", "/"),
        ]),
    )
}

#[test]
fn csrf_cookies_logout_expiry_and_throttling() {
    let d = Demo::start("session", 12, 1);
    let c = d.c;
    let admin_pw = d.password("admin");
    let admin = c.must_login("admin", &admin_pw);
    let admin_token = c.token(&admin, "e2e-session");
    let units = c.get_json("/api/v1/units", &admin_token);
    let unit = units[0].clone();
    let unit_id = unit["id"].as_i64().unwrap();

    // Accounts of this test, made by the admin: one to work with, one to throttle.
    let make = |login: &str| -> String {
        let created = c.post_json_ok(
            "/api/v1/users",
            &admin_token,
            json!({"login": login, "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": unit_id}}]}),
        );
        let otp = created["password"].as_str().unwrap().to_string();
        // Not containing the login: the password policy refuses that.
        let pw = format!("Pass-{}-Xinmima-2025", login.len());
        c.set_own_password(login, &otp, &pw);
        pw
    };
    let pw = make("e2e-csrf");

    // --- Cookie attributes (page login and API login set the same cookie).
    let form = c.get("/login", &Auth::Anon);
    let pre = form
        .set_cookie_line("fazhi_login_csrf")
        .expect("pre-session cookie");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/login"] {
        assert!(pre.contains(attr), "{attr} in {pre}");
    }
    let page = page_login(&c, "e2e-csrf", &pw);
    assert_eq!(page.status, 303, "{}", page.snippet());
    assert_eq!(page.location(), Some("/"));
    let line = page
        .set_cookie_line("fazhi_session")
        .expect("session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(line.contains(attr), "{attr} in {line}");
    }
    assert!(
        !line.contains("Secure"),
        "not Secure unless configured: {line}"
    );
    let session = page.set_cookie("fazhi_session").unwrap();
    assert!(session.len() >= 32, "a long random token: {session}");
    let api = c.call(
        "POST",
        "/api/v1/auth/login",
        &Auth::Anon,
        &Body::Json(json!({"login": "e2e-csrf", "password": pw})),
    );
    let api_line = api
        .set_cookie_line("fazhi_session")
        .expect("API login sets the cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(api_line.contains(attr), "{attr} in {api_line}");
    }
    assert_ne!(
        api.set_cookie("fazhi_session").unwrap(),
        session,
        "every login gets its own session"
    );
    // Security headers on a page.
    let home = raw(&c, "GET", "/", &cookie_only(&session), &Body::None);
    assert_eq!(home.status, 200);
    for (h, want) in [
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(home.header(h), Some(want), "{h}");
    }
    assert!(home
        .header("content-security-policy")
        .is_some_and(|v| v.contains("default-src 'self'")));
    let csrf = c.get_json(
        "/api/v1/me",
        &Auth::Cookie {
            session: session.clone(),
            csrf: String::new(),
        },
    )["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    let auth = Auth::Cookie {
        session: session.clone(),
        csrf: csrf.clone(),
    };

    // --- CSRF on pages: form field, header, multipart first part; never the URL.
    let tokens_before = c
        .get_json("/api/v1/me/tokens", &auth)
        .as_array()
        .unwrap()
        .len();
    let no_token = raw(
        &c,
        "POST",
        "/account/tokens",
        &cookie_only(&session),
        &Body::form(&[("name", "x")]),
    );
    assert_csrf_refused(&no_token, "page form without token");
    let wrong = raw(
        &c,
        "POST",
        "/account/tokens",
        &cookie_only(&session),
        &Body::form(&[("csrf_token", "not-the-token"), ("name", "x")]),
    );
    assert_csrf_refused(&wrong, "page form with a wrong token");
    let mut h = cookie_only(&session);
    h.push(("X-CSRF-Token", "not-the-token".into()));
    let wrong_header = raw(
        &c,
        "POST",
        "/account/tokens",
        &h,
        &Body::form(&[("csrf_token", &csrf), ("name", "x")]),
    );
    assert_csrf_refused(
        &wrong_header,
        "a wrong header is not saved by a right field",
    );
    let in_url = raw(
        &c,
        "POST",
        &format!("/account/tokens?csrf_token={csrf}"),
        &cookie_only(&session),
        &Body::form(&[("name", "x")]),
    );
    assert_csrf_refused(&in_url, "token in the URL");
    let other = c.must_login("admin", &admin_pw);
    let others_token = raw(
        &c,
        "POST",
        "/account/tokens",
        &cookie_only(&session),
        &Body::form(&[("csrf_token", other.csrf().unwrap()), ("name", "x")]),
    );
    assert_csrf_refused(&others_token, "another session's token");
    assert_eq!(
        c.get_json("/api/v1/me/tokens", &auth)
            .as_array()
            .unwrap()
            .len(),
        tokens_before,
        "nothing was created"
    );
    let right = raw(
        &c,
        "POST",
        "/account/tokens",
        &cookie_only(&session),
        &Body::form(&[("csrf_token", &csrf), ("name", "e2e-form")]),
    );
    assert_eq!(right.status, 200, "right form token: {}", right.snippet());
    let mut h = cookie_only(&session);
    h.push(("X-CSRF-Token", csrf.clone()));
    let header_ok = raw(
        &c,
        "POST",
        "/account/tokens",
        &h,
        &Body::form(&[("name", "e2e-header")]),
    );
    assert_eq!(
        header_ok.status,
        200,
        "right header: {}",
        header_ok.snippet()
    );
    assert_eq!(
        c.get_json("/api/v1/me/tokens", &auth)
            .as_array()
            .unwrap()
            .len(),
        tokens_before + 2
    );

    let report = || report_txt(unit["name"].as_str().unwrap(), 2024, rand_seed()).into_bytes();
    let uploads = format!("/units/{unit_id}/uploads");
    let post_upload = |form: Multipart| {
        raw(
            &c,
            "POST",
            &uploads,
            &cookie_only(&session),
            &Body::Multipart(form),
        )
    };
    let upload = Multipart::new()
        .text("csrf_token", &csrf)
        .text("year", "2024")
        .file("file", "r.txt", "text/plain", report());
    let ok = post_upload(upload);
    assert_eq!(
        ok.status,
        303,
        "multipart with the token first: {}",
        ok.snippet()
    );
    assert!(ok.location().unwrap_or("").starts_with("/uploads/"));
    let late = Multipart::new()
        .text("year", "2024")
        .file("file", "r.txt", "text/plain", report())
        .text("csrf_token", &csrf);
    let r = post_upload(late);
    assert_csrf_refused(&r, "multipart with the token after the file");
    let none = Multipart::new()
        .text("year", "2024")
        .file("file", "r.txt", "text/plain", report());
    let r = post_upload(none);
    assert_csrf_refused(&r, "multipart without token");

    // --- CSRF on the API: the header for cookies; bearer tokens need none.
    let r = raw(
        &c,
        "POST",
        "/api/v1/me/tokens",
        &cookie_only(&session),
        &Body::Json(json!({"name": "x"})),
    );
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "csrf", "{}", r.snippet());
    let mut h = cookie_only(&session);
    h.push(("X-CSRF-Token", "wrong".into()));
    let r = raw(
        &c,
        "POST",
        "/api/v1/me/tokens",
        &h,
        &Body::Json(json!({"name": "x"})),
    );
    assert_eq!(r.json()["error"], "csrf");
    let r = raw(
        &c,
        "DELETE",
        "/api/v1/me/tokens/1",
        &cookie_only(&session),
        &Body::None,
    );
    assert_eq!(r.status, 403, "DELETE needs the token too");
    let r = c.call(
        "POST",
        "/api/v1/me/tokens",
        &auth,
        &Body::Json(json!({"name": "e2e-api"})),
    );
    assert_eq!(r.status, 201, "{}", r.snippet());
    let bearer = Auth::Bearer(r.json()["secret"].as_str().unwrap().to_string());
    let r = c.upload(&bearer, unit_id, 2024, "b.txt", report());
    assert_eq!(r.status, 201, "bearer needs no CSRF: {}", r.snippet());
    // Reading needs no token.
    assert_eq!(
        raw(&c, "GET", "/api/v1/me", &cookie_only(&session), &Body::None).status,
        200
    );

    // --- Logout ends the session: the old cookie is worth nothing afterwards.
    let out = raw(
        &c,
        "POST",
        "/logout",
        &cookie_only(&session),
        &Body::form(&[("csrf_token", &csrf)]),
    );
    assert_eq!(out.status, 303);
    assert!(
        out.set_cookie_line("fazhi_session")
            .is_some_and(|l| l.contains("Max-Age=0")),
        "cookie cleared"
    );
    let after = raw(
        &c,
        "GET",
        "/account/tokens",
        &cookie_only(&session),
        &Body::None,
    );
    assert_eq!(after.status, 303, "{}", after.snippet());
    assert!(
        after.location().unwrap_or("").starts_with("/login"),
        "back to the login form"
    );
    assert_eq!(
        raw(&c, "GET", "/api/v1/me", &cookie_only(&session), &Body::None).status,
        401
    );
    let api_session = c.must_login("e2e-csrf", &pw);
    let r = c.call("POST", "/api/v1/auth/logout", &api_session, &Body::None);
    assert_eq!(r.status, 204);
    assert_eq!(
        c.get("/api/v1/me", &api_session).status,
        401,
        "API logout ends the session too"
    );

    // --- A disabled account's sessions and tokens stop working at once.
    let live = c.must_login("e2e-csrf", &pw);
    let me = c.get_json("/api/v1/me", &live);
    let uid = me["user"]["id"].as_i64().unwrap();
    c.post_json_ok(
        &format!("/api/v1/users/{uid}/disable"),
        &admin_token,
        json!({}),
    );
    assert_eq!(
        c.get("/api/v1/me", &live).status,
        401,
        "session of a disabled account"
    );
    assert_eq!(
        c.get("/api/v1/me", &bearer).status,
        401,
        "token of a disabled account"
    );
    assert_eq!(
        c.login("e2e-csrf", &pw).map(|_| ()).unwrap_err().status,
        422,
        "a disabled account cannot sign in"
    );
    c.post_json_ok(
        &format!("/api/v1/users/{uid}/enable"),
        &admin_token,
        json!({}),
    );

    // --- An expired session leads back to the login form (expiry set in the database).
    let expiring = c.must_login("e2e-csrf", &pw);
    assert_eq!(c.get("/api/v1/me", &expiring).status, 200);
    let db = d.dir().join("fazhi.sqlite3");
    let expired = Command::new("sqlite3")
        .arg(&db)
        .arg(".timeout 5000")
        .arg(format!(
            "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE user_id = {uid};"
        ))
        .status();
    match expired {
        Ok(s) if s.success() => {
            let page = raw(
                &c,
                "GET",
                &format!("/units/{unit_id}"),
                &cookie_only(expiring.cookie().unwrap()),
                &Body::None,
            );
            assert_eq!(page.status, 303, "{}", page.snippet());
            assert_eq!(
                page.location(),
                Some(format!("/login?next=%2Funits%2F{unit_id}").as_str())
            );
            assert_eq!(c.get("/api/v1/me", &expiring).status, 401);
        }
        other => println!("NOTE: sqlite3 not usable ({other:?}); session expiry not exercised"),
    }

    // --- Throttling: five wrong passwords, then even the right one waits (page and API).
    let victim_pw = make("e2e-throttle");
    for i in 0..5 {
        let r = page_login(&c, "e2e-throttle", &format!("wrong-{i}-x"));
        assert_eq!(r.status, 422, "attempt {i}: {}", r.snippet());
        assert!(r.text().contains("登录名或密码不正确"));
    }
    let r = page_login(&c, "e2e-throttle", &victim_pw);
    assert_eq!(r.status, 429, "{}", r.snippet());
    assert!(
        r.text().contains("登录尝试过于频繁"),
        "Chinese message: {}",
        r.snippet()
    );
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(
        r.set_cookie("fazhi_session").is_none(),
        "no session while throttled"
    );
    let r = c.call(
        "POST",
        "/api/v1/auth/login",
        &Auth::Anon,
        &Body::Json(json!({"login": "e2e-throttle", "password": victim_pw})),
    );
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"], "throttled");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("登录尝试过于频繁"));
    // Another account from the same address is not affected.
    assert!(c.login("e2e-csrf", &pw).is_ok());

    // --- Failed logins are audited.
    let failed = c.get_json(
        "/api/v1/audit?action=session.login_failed&limit=100",
        &admin_token,
    );
    let n = failed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_login"] == "e2e-throttle")
        .count();
    assert!(
        n >= 5,
        "five failed logins in the audit log, found {n}: {failed}"
    );
}

/// `--secure-cookies` marks every cookie `Secure`.
#[test]
fn secure_cookies_flag_marks_cookies_secure() {
    let dir = tempdir("secure");
    let server = Server::start(dir.path(), &["--secure-cookies"]);
    let form = server.client().get("/login", &Auth::Anon);
    assert_eq!(form.status, 200, "{}", form.snippet());
    let line = form
        .set_cookie_line("fazhi_login_csrf")
        .expect("pre-session cookie");
    assert!(line.contains("Secure"), "{line}");
}

fn rand_seed() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}
