//! Signing in and out, the own password, the own API tokens.

use super::{fmt_time, html, html_status, see_other, view, view_status, Chrome, Hx, Id, Nav, F, Q};
use crate::auth::{client_addr, Principal, Viewer};
use crate::error::{Error, Result};
use crate::session::{self, safe_next, LOGIN_CSRF_COOKIE};
use crate::{ops, AppState};
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use fazhi_domain::policy;
use serde::Deserialize;

/// The client address as the audit log records it.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_addr(parts)))
    }
}

fn next_or_home(next: Option<&str>) -> String {
    next.and_then(safe_next).unwrap_or("/").to_string()
}

// ---------------------------------------------------------------------------------------
// Login

#[derive(Template)]
#[template(path = "login.html", blocks = ["main"])]
struct LoginPage {
    chrome: Chrome,
    next: String,
    /// The pre-session token of the form (double submit with [`LOGIN_CSRF_COOKIE`]).
    form_token: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// The form's token: the pre-session cookie's when the browser has one, else a new one.
fn form_token(headers: &HeaderMap) -> (String, bool) {
    match session::cookie_value(headers, LOGIN_CSRF_COOKIE) {
        Some(v)
            if v.len() >= 32
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            (v.to_string(), false)
        }
        _ => (ops::auth::random_token(""), true),
    }
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    page: LoginPage,
    status: axum::http::StatusCode,
) -> Response {
    let (token, fresh) = form_token(headers);
    let page = LoginPage {
        form_token: token.clone(),
        ..page
    };
    let mut resp = view_status(Hx::from_headers(headers), status, &page, page.as_main());
    if fresh {
        resp.headers_mut().append(
            header::SET_COOKIE,
            session::login_csrf_cookie(&state.config, &token),
        );
    }
    resp
}

pub async fn login_form(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Q(q): Q<NextQuery>,
) -> Response {
    let next = next_or_home(q.next.as_deref());
    if viewer.0.is_some() {
        return see_other(Hx(false), &next);
    }
    let page = LoginPage {
        chrome: Chrome::new(&state, None, Nav::None),
        next,
        form_token: String::new(),
        login: String::new(),
        error: None,
    };
    login_page(&state, &headers, page, axum::http::StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

pub async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    F(form): F<LoginForm>,
) -> Response {
    let next = next_or_home(form.next.as_deref());
    match ops::auth::login(&state, &form.login, &form.password, &addr).await {
        Ok(new) => {
            let to = if new.user.must_change_password {
                if next == "/" {
                    "/account/password".to_string()
                } else {
                    format!("/account/password?next={}", super::qs(&next))
                }
            } else {
                next
            };
            let mut resp = see_other(Hx(false), &to);
            resp.headers_mut().append(
                header::SET_COOKIE,
                session::session_cookie(&state.config, &new.token),
            );
            resp
        }
        Err(e @ (Error::BadRequest(_) | Error::Throttled(_))) => {
            let status = e.status();
            let page = LoginPage {
                chrome: Chrome::new(&state, None, Nav::None),
                next,
                form_token: String::new(),
                login: form.login.trim().chars().take(64).collect(),
                error: Some(e.to_string()),
            };
            let mut resp = login_page(&state, &headers, page, status);
            if let Error::Throttled(secs) = e {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            resp
        }
        Err(e) => e.into_response(),
    }
}

pub async fn logout(State(state): State<AppState>, viewer: Viewer) -> Result<Response> {
    if let Some(p) = viewer.0.as_ref() {
        ops::auth::logout(&state, p).await?;
    }
    let mut resp = see_other(Hx(false), "/");
    resp.headers_mut().append(
        header::SET_COOKIE,
        session::clear_session_cookie(&state.config),
    );
    Ok(resp)
}

// ---------------------------------------------------------------------------------------
// Password

#[derive(Template)]
#[template(path = "password.html", blocks = ["main"])]
struct PasswordPage {
    chrome: Chrome,
    must_change: bool,
    next: String,
    error: Option<String>,
    done: bool,
    /// For the inputs' `minlength`; [`policy::PASSWORD_RULES`] says the whole rule.
    min_chars: usize,
    rules: &'static str,
}

pub async fn password_form(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Q(q): Q<NextQuery>,
) -> Response {
    let page = PasswordPage {
        chrome: Chrome::new(&state, Some(&p), Nav::Account),
        must_change: p.user.must_change_password,
        next: next_or_home(q.next.as_deref()),
        error: None,
        done: false,
        min_chars: policy::MIN_PASSWORD_CHARS,
        rules: policy::PASSWORD_RULES,
    };
    view(hx, &page, page.as_main())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
    /// The checkbox “同时吊销我的全部 API 令牌” (sent only when ticked).
    #[serde(default)]
    revoke_tokens: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

pub async fn password_submit(
    State(state): State<AppState>,
    p: Principal,
    F(form): F<PasswordForm>,
) -> Result<Response> {
    let next = next_or_home(form.next.as_deref());
    let result = if form.new != form.confirm {
        Err(Error::BadRequest("两次输入的新密码不一致".into()))
    } else {
        let revoke_tokens = form.revoke_tokens.is_some();
        ops::auth::change_password(&state, &p, &form.old, &form.new, revoke_tokens).await
    };
    match result {
        Ok(()) if p.user.must_change_password => Ok(see_other(Hx(false), &next)),
        Ok(()) => {
            let mut p = p;
            p.user.must_change_password = false;
            Ok(html(&PasswordPage {
                chrome: Chrome::new(&state, Some(&p), Nav::Account),
                must_change: false,
                next,
                error: None,
                done: true,
                min_chars: policy::MIN_PASSWORD_CHARS,
                rules: policy::PASSWORD_RULES,
            }))
        }
        Err(e @ (Error::BadRequest(_) | Error::Throttled(_))) => {
            let mut resp = html_status(
                e.status(),
                &PasswordPage {
                    chrome: Chrome::new(&state, Some(&p), Nav::Account),
                    must_change: p.user.must_change_password,
                    next,
                    error: Some(e.to_string()),
                    done: false,
                    min_chars: policy::MIN_PASSWORD_CHARS,
                    rules: policy::PASSWORD_RULES,
                },
            );
            if let Error::Throttled(secs) = e {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            Ok(resp)
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------
// API tokens

#[derive(Template)]
#[template(path = "tokens.html", blocks = ["tokens"])]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    /// The token just created: shown this once.
    created: Option<(String, String)>,
    error: Option<String>,
}

struct TokenRow {
    id: i64,
    name: String,
    created: String,
    revoked: bool,
}

async fn tokens_view(
    state: &AppState,
    p: &Principal,
    created: Option<(String, String)>,
    error: Option<String>,
) -> Result<TokensPage> {
    let tokens = ops::auth::my_api_tokens(state, p)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.0,
            name: t.name,
            created: fmt_time(&t.created_at),
            revoked: t.revoked,
        })
        .collect();
    Ok(TokensPage {
        chrome: Chrome::new(state, Some(p), Nav::Account),
        tokens,
        created,
        error,
    })
}

/// The token pages, never kept by a browser or proxy cache (`no-store`): a new token is on
/// it once, and the list says which tokens exist.
fn tokens_response(hx: Hx, page: &TokensPage, status: axum::http::StatusCode) -> Response {
    super::no_store(view_status(hx, status, page, page.as_tokens()))
}

pub async fn tokens_page(State(state): State<AppState>, p: Principal, hx: Hx) -> Result<Response> {
    let page = tokens_view(&state, &p, None, None).await?;
    Ok(tokens_response(hx, &page, axum::http::StatusCode::OK))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn token_create(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    F(form): F<TokenForm>,
) -> Result<Response> {
    match ops::auth::create_api_token(&state, &p, &form.name).await {
        Ok((row, token)) => {
            let page = tokens_view(&state, &p, Some((row.name, token)), None).await?;
            Ok(tokens_response(hx, &page, axum::http::StatusCode::OK))
        }
        Err(e @ Error::BadRequest(_)) => {
            let page = tokens_view(&state, &p, None, Some(e.to_string())).await?;
            Ok(tokens_response(hx, &page, e.status()))
        }
        Err(e) => Err(e),
    }
}

pub async fn token_revoke(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    Id(id): Id<fazhi_domain::TokenId>,
) -> Result<Response> {
    ops::auth::revoke_my_api_token(&state, &p, id).await?;
    if hx.0 {
        let page = tokens_view(&state, &p, None, None).await?;
        Ok(tokens_response(hx, &page, axum::http::StatusCode::OK))
    } else {
        Ok(see_other(hx, "/account/tokens"))
    }
}
