//! The browser side of signing in, and the layers every request goes through.
//!
//! # CSRF
//!
//! The session cookie is `HttpOnly; SameSite=Lax`, which already keeps it off cross-site
//! POSTs in current browsers; on top of that every state-changing request (POST, PUT, PATCH,
//! DELETE) authenticated by the session cookie must prove it comes from one of our pages by
//! carrying the session's CSRF token (random, 256 bits, stored with the session), compared
//! in constant time, in one of:
//!
//! 1. the `X-CSRF-Token` header — htmx sends it on every request because `<body>` carries
//!    `hx-headers='{"X-CSRF-Token": "…"}'`; API clients using the cookie do the same;
//! 2. a `csrf_token` field of an `application/x-www-form-urlencoded` body — every plain HTML
//!    form has it as a hidden input, so the pages work without JavaScript; the body is
//!    buffered (at most [`FORM_LIMIT`]) and handed on unchanged;
//! 3. the **first** part of a `multipart/form-data` body, named `csrf_token` — the upload
//!    forms put the hidden input before the file input, and browsers send fields in
//!    document order; the body is buffered up to the upload limit (the handler reads it
//!    whole anyway) and handed on unchanged.
//!
//! Tokens are never accepted in the URL, where logs and the `Referer` would keep them.
//! Requests with `Authorization: Bearer …` carry no cookie authority, so they skip the
//! check; requests with neither are anonymous and get no further than the handler's own
//! "please sign in".
//!
//! The login form has no session yet. Against login CSRF (an attacker signing the victim
//! into the attacker's account) `POST /login` must (a) come from our origin when the browser
//! says where it comes from (`Origin`, else `Referer`, compared with `Host`), and (b) carry
//! in its `csrf_token` field the value of the pre-session cookie [`LOGIN_CSRF_COOKIE`] that
//! `GET /login` sets (double submit; `SameSite=Strict`, `HttpOnly`).
//!
//! # Other layers
//!
//! For page requests (not `/api/`) a response carrying [`ErrorBody`] becomes a Chinese error
//! page (an alert in `#flash` for htmx) with the same status, and `401` on a page GET becomes
//! a redirect to `/login?next=…`. A person who must change his one-time password is sent
//! to `/account/password` from everywhere else (the API answers 403 saying so), whether he
//! comes with a session or an API token. Around that: security headers (a CSP
//! allowing only our own scripts and styles, `nosniff`, `Referrer-Policy`, frame denial),
//! gzip at the fastest level, a request timeout and `tower-http` tracing.

use crate::auth::{Principal, Via, Viewer, CSRF_FIELD, CSRF_HEADER};
use crate::error::{Error, ErrorBody};
use crate::views::{errors, Hx};
use crate::{AppState, WebConfig};
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::time::Duration;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::trace::TraceLayer;

/// The pre-session cookie of the login form (double submit against login CSRF).
pub const LOGIN_CSRF_COOKIE: &str = "fazhi_login_csrf";
/// Largest urlencoded form body accepted (the forms are small).
pub const FORM_LIMIT: usize = 1024 * 1024;
/// A request still running after this is answered with 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Room for the multipart framing and the small fields around an uploaded file.
const MULTIPART_OVERHEAD: u64 = 64 * 1024;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

/// Wraps the router in the layers every request goes through (outermost last).
pub fn layers(app: Router<AppState>, state: AppState) -> Router<AppState> {
    let body_limit = upload_body_limit(&state.config);
    app.layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn(timeout))
        .layer(middleware::from_fn_with_state(state, guard))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
        .layer(middleware::map_response(security_headers))
        .layer(TraceLayer::new_for_http())
}

/// The largest request body: an upload of `max_upload_bytes` with its multipart framing.
pub fn upload_body_limit(config: &WebConfig) -> usize {
    usize::try_from(config.max_upload_bytes.saturating_add(MULTIPART_OVERHEAD))
        .unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------------------------------
// Cookies

fn cookie(config: &WebConfig, name: &str, value: &str, attrs: &str) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!("{name}={value}; HttpOnly{attrs}{secure}"))
        .expect("cookie values are URL-safe base64")
}

/// `Set-Cookie` for a new session (HttpOnly, SameSite=Lax, Path=/, Max-Age = session length).
pub fn session_cookie(config: &WebConfig, token: &str) -> HeaderValue {
    let max_age = config.session_hours.max(1) * 3600;
    cookie(
        config,
        crate::auth::SESSION_COOKIE,
        token,
        &format!("; SameSite=Lax; Path=/; Max-Age={max_age}"),
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(config: &WebConfig) -> HeaderValue {
    cookie(
        config,
        crate::auth::SESSION_COOKIE,
        "",
        "; SameSite=Lax; Path=/; Max-Age=0",
    )
}

/// `Set-Cookie` for the login form's pre-session token (valid for a day, sent only to
/// `/login` and only from our own pages).
pub fn login_csrf_cookie(config: &WebConfig, token: &str) -> HeaderValue {
    cookie(
        config,
        LOGIN_CSRF_COOKIE,
        token,
        "; SameSite=Strict; Path=/login; Max-Age=86400",
    )
}

/// The value of a cookie of the request.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

// ---------------------------------------------------------------------------------------
// Redirects

/// `next` when it is a path of this site (`/units/3?year=2024`), never another origin
/// (`//evil.example`, `/\evil.example`, `https://…`).
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(|c| c.is_control() || c.is_whitespace())
        && next.len() <= 2048;
    ok.then_some(next)
}

/// `/login?next=<uri>`.
pub fn login_url(next: &str) -> String {
    match safe_next(next).filter(|n| *n != "/") {
        Some(n) => format!("/login?next={}", crate::views::qs(n)),
        None => "/login".to_string(),
    }
}

// ---------------------------------------------------------------------------------------
// The guard: viewer, password gate, CSRF, error pages

fn is_state_changing(m: &Method) -> bool {
    !matches!(
        *m,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// Paths a person with a one-time password may still use: the pages to change it or to
/// leave, and their API counterparts.
fn allowed_while_locked(path: &str) -> bool {
    matches!(
        path,
        "/account/password"
            | "/logout"
            | "/login"
            | "/api/v1/me"
            | "/api/v1/me/password"
            | "/api/v1/auth/login"
            | "/api/v1/auth/logout"
    )
}

async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let uri = req.uri().clone();
    let path = uri.path();
    if path.starts_with("/static/") || path == "/healthz" {
        return next.run(req).await;
    }
    let is_api = path.starts_with("/api/");
    let hx = Hx::from_headers(req.headers()).0;
    let method = req.method().clone();

    let (mut parts, body) = req.into_parts();
    // Resolved once here and cached in the request for the handler's extractor.
    let viewer = match Viewer::from_request_parts(&mut parts, &state).await {
        Ok(v) => v,
        Err(e) => return finish(&state, None, is_api, hx, &method, &uri, e.into_response()),
    };
    let principal = viewer.0.as_ref();
    let req = Request::from_parts(parts, body);

    // Sessions and API tokens alike: a token made before an admin's reset is revoked with it,
    // but one made through the store or the CLI for a locked account must not bypass this.
    if let Some(p) = principal.filter(|p| p.user.must_change_password) {
        if !allowed_while_locked(uri.path()) {
            if is_api {
                return must_change_password_first();
            }
            tracing::debug!(login = %p.user.login, "must change password first");
            return crate::views::see_other(Hx(hx), "/account/password");
        }
    }

    let req = if is_state_changing(&method) {
        let checked = match principal {
            Some(p) if p.via == Via::Session => {
                let expected = p.csrf_token.as_deref().unwrap_or_default();
                check_session_csrf(req, expected, upload_body_limit(&state.config)).await
            }
            None if uri.path() == "/login" => check_login_csrf(req).await,
            _ => Ok(req),
        };
        match checked {
            Ok(req) => req,
            Err(e) => {
                return finish(
                    &state,
                    principal,
                    is_api,
                    hx,
                    &method,
                    &uri,
                    e.into_response(),
                )
            }
        }
    } else {
        req
    };

    let resp = next.run(req).await;
    finish(&state, principal, is_api, hx, &method, &uri, resp)
}

/// The API's answer to a locked account (a one-time password not yet changed): 403 with the
/// usual error body, saying what to do.
fn must_change_password_first() -> Response {
    let body = ErrorBody {
        error: "forbidden",
        message:
            "请先修改密码：您正在使用初始密码或管理员重置的密码，修改（POST /api/v1/me/password）\
                  之后才能使用其他接口"
                .into(),
        rows: Vec::new(),
    };
    let mut resp = (StatusCode::FORBIDDEN, axum::Json(body.clone())).into_response();
    resp.extensions_mut().insert(body);
    resp
}

/// Page responses carrying an error become Chinese pages; a 401 on a page GET becomes the
/// way to the login form.
fn finish(
    state: &AppState,
    viewer: Option<&Principal>,
    is_api: bool,
    hx: bool,
    method: &Method,
    uri: &axum::http::Uri,
    resp: Response,
) -> Response {
    if is_api {
        return resp;
    }
    let Some(body) = resp.extensions().get::<ErrorBody>() else {
        return resp;
    };
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED && matches!(*method, Method::GET | Method::HEAD) {
        let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
        return crate::views::see_other(Hx(hx), &login_url(target));
    }
    let mut page = errors::render(state, viewer, hx, status, body);
    if let Some(retry) = resp.headers().get(header::RETRY_AFTER) {
        page.headers_mut()
            .insert(header::RETRY_AFTER, retry.clone());
    }
    page
}

/// Constant-time comparison (`subtle`: the compiler may not turn it into an early exit; the
/// token's length is not secret).
fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    subtle::ConstantTimeEq::ct_eq(a, b).into()
}

fn token_ok(given: &str, expected: &str) -> bool {
    !expected.is_empty() && ct_eq(given.trim().as_bytes(), expected.as_bytes())
}

fn content_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Reads the body whole (at most `limit` bytes), refusing larger ones with a Chinese 413.
async fn buffer(req: Request, limit: usize) -> Result<(axum::http::request::Parts, Bytes), Error> {
    let too_large = || {
        Error::TooLarge(format!(
            "提交的内容过大，超过上限 {}，请压缩或拆分后再试",
            human_size(limit as u64)
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    Ok((parts, bytes))
}

pub use fazhi_domain::text::human_size;

fn form_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn check_session_csrf(
    req: Request,
    expected: &str,
    upload_limit: usize,
) -> Result<Request, Error> {
    if let Some(given) = req.headers().get(CSRF_HEADER) {
        return match given.to_str() {
            Ok(g) if token_ok(g, expected) => Ok(req),
            _ => Err(Error::Csrf),
        };
    }
    let ct = content_type(&req);
    if ct.starts_with("application/x-www-form-urlencoded") {
        let (parts, bytes) = buffer(req, FORM_LIMIT).await?;
        match form_field(&bytes, CSRF_FIELD) {
            Some(g) if token_ok(&g, expected) => Ok(Request::from_parts(parts, Body::from(bytes))),
            _ => Err(Error::Csrf),
        }
    } else if ct.starts_with("multipart/form-data") {
        let boundary = multipart_boundary(&ct_raw(&req)).ok_or(Error::Csrf)?;
        let (parts, bytes) = buffer(req, upload_limit).await?;
        match first_multipart_field(&bytes, &boundary) {
            Some((name, value)) if name == CSRF_FIELD && token_ok(&value, expected) => {
                Ok(Request::from_parts(parts, Body::from(bytes)))
            }
            _ => Err(Error::Csrf),
        }
    } else {
        Err(Error::Csrf)
    }
}

/// The content type as sent (the boundary is case-sensitive).
fn ct_raw(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The `boundary` parameter of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .skip(1)
        .find_map(|param| {
            let (k, v) = param.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 200)
}

/// Name and text value of the first part of a multipart body (looked for in its first
/// 16 KiB: the token field is small and comes first).
fn first_multipart_field(body: &[u8], boundary: &str) -> Option<(String, String)> {
    let head = &body[..body.len().min(16 * 1024)];
    let delim = format!("--{boundary}");
    let start = find(head, delim.as_bytes())? + delim.len();
    let rest = head.get(start..)?.strip_prefix(b"\r\n")?;
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
    let content = &rest[headers_end + 4..];
    let end = find(content, format!("\r\n{delim}").as_bytes())?;
    let value = std::str::from_utf8(&content[..end]).ok()?.to_string();
    let name = headers.split("\r\n").find_map(|line| {
        let (k, v) = line.split_once(':')?;
        if !k.trim().eq_ignore_ascii_case("content-disposition") {
            return None;
        }
        v.split(';').find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
        })
    })?;
    Some((name, value))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether the browser says the request comes from our own origin: `Origin`, else the
/// `Referer`, must name the `Host` the request was sent to. Clients that send neither
/// (not a browser, so not a CSRF vector) pass.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let authority_of = |url: &str| -> Option<String> {
        let rest = url.split_once("://")?.1;
        Some(
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase(),
        )
    };
    let host = host.to_ascii_lowercase();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        return authority_of(origin).is_some_and(|a| a == host);
    }
    if let Some(referer) = headers.get(header::REFERER) {
        let referer = referer.to_str().unwrap_or("");
        return authority_of(referer).is_some_and(|a| a == host);
    }
    true
}

async fn check_login_csrf(req: Request) -> Result<Request, Error> {
    if !same_origin(req.headers()) {
        return Err(Error::Csrf);
    }
    let cookie = cookie_value(req.headers(), LOGIN_CSRF_COOKIE).map(str::to_string);
    let (parts, bytes) = buffer(req, FORM_LIMIT).await?;
    let given = form_field(&bytes, CSRF_FIELD);
    match (cookie, given) {
        (Some(c), Some(g)) if ct_eq(c.as_bytes(), g.trim().as_bytes()) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(Error::Csrf),
    }
}

// ---------------------------------------------------------------------------------------
// Timeout and headers

/// Answers `503` with the usual error body when the handler runs past [`REQUEST_TIMEOUT`].
async fn timeout(req: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            let body = ErrorBody {
                error: "timeout",
                message: "请求处理超时，请稍后重试".into(),
                rows: Vec::new(),
            };
            let mut resp =
                (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body.clone())).into_response();
            resp.extensions_mut().insert(body);
            resp
        }
    }
}

async fn security_headers(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(safe_next("/units/3?year=2024"), Some("/units/3?year=2024"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a b",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(login_url("/audit?actor=a b"), "/login");
        assert_eq!(
            login_url("/units/3?year=2024"),
            "/login?next=%2Funits%2F3%3Fyear%3D2024"
        );
        assert_eq!(login_url("/"), "/login");
    }

    #[test]
    fn multipart_first_field() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--XyZ--\r\n";
        assert_eq!(
            first_multipart_field(body, "XyZ"),
            Some(("csrf_token".into(), "abc123".into()))
        );
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"XyZ\""),
            Some("XyZ".into())
        );
        assert_eq!(multipart_boundary("multipart/form-data"), None);
        assert_eq!(first_multipart_field(b"garbage", "XyZ"), None);
    }

    #[test]
    fn origin_check() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(same_origin(&h), "no Origin and no Referer: not a browser");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
        h.remove(header::ORIGIN);
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8080/login?next=%2F"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8080.evil.example/"),
        );
        assert!(!same_origin(&h));
    }

    #[test]
    fn constant_time_eq() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(!token_ok("", ""));
    }

    #[test]
    fn cookies_carry_their_attributes() {
        let mut config = WebConfig {
            session_hours: 8,
            ..WebConfig::default()
        };
        let c = session_cookie(&config, "abc");
        assert_eq!(
            c,
            "fazhi_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=28800"
        );
        config.secure_cookies = true;
        assert!(session_cookie(&config, "abc")
            .to_str()
            .unwrap()
            .ends_with("; Secure"));
        assert_eq!(
            clear_session_cookie(&config),
            "fazhi_session=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0; Secure"
        );
        let pre = login_csrf_cookie(&config, "t");
        assert_eq!(
            pre,
            "fazhi_login_csrf=t; HttpOnly; SameSite=Strict; Path=/login; Max-Age=86400; Secure"
        );
    }
}
