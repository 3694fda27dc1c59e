//! The server-rendered pages (Simplified Chinese, askama templates, htmx).
//!
//! Every view has a full page (the template extends `layout.html`) and an htmx partial: a
//! block of the same template rendered alone (askama's `blocks`), returned when the request
//! carries `HX-Request` (see [`Hx`]). Handlers turn requests into [`crate::ops`] calls and
//! results into pages; they hold no SQL and no access rules.

mod account;
mod admin;
pub mod assets;
mod audit;
mod home;
mod ledger;
mod supervise;
mod units;
mod uploads;

pub(crate) mod errors;

use crate::auth::{Principal, Viewer};
use crate::error::{Error, Result};
use crate::registry::{get, post, Routes};
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_htmx::{HxHistoryRestoreRequest, HxRequest, HX_HISTORY_RESTORE_REQUEST, HX_REQUEST};
use chrono::{FixedOffset, NaiveDate, TimeZone};
use fazhi_domain::Action;
use fazhi_store::Timestamp;
use serde::de::DeserializeOwned;

/// The pages' routes, each recorded in the route registry as it is added.
pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(home::home))
        .route(
            "/login",
            get(account::login_form).post(account::login_submit),
        )
        .route("/logout", post(account::logout))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/tokens",
            get(account::tokens_page).post(account::token_create),
        )
        .route("/account/tokens/{id}/revoke", post(account::token_revoke))
        .route("/units/{id}", get(units::unit_page))
        .route("/units/{id}/uploads", post(units::upload))
        .route("/units/{id}/ledger", get(ledger::dashboard))
        .route("/units/{id}/ledger/figures/{key}", get(ledger::figure))
        .route(
            "/units/{id}/ledger/indicators/{code}",
            get(ledger::indicator),
        )
        .route(
            "/units/{id}/ledger/{kind}",
            get(ledger::list).post(ledger::create),
        )
        .route("/units/{id}/ledger/{kind}/new", get(ledger::new_form))
        .route(
            "/units/{id}/ledger/{kind}/template.xlsx",
            get(ledger::template),
        )
        .route(
            "/units/{id}/ledger/{kind}/export.xlsx",
            get(ledger::export_xlsx),
        )
        .route(
            "/units/{id}/ledger/{kind}/export.csv",
            get(ledger::export_csv),
        )
        .route("/units/{id}/ledger/{kind}/import", post(ledger::import))
        .route("/ledger/{id}", get(ledger::record).post(ledger::update))
        .route("/ledger/{id}/delete", post(ledger::delete))
        .route("/ledger/{id}/restore", post(ledger::restore))
        .route("/ledger/{id}/attachments", post(ledger::attachment_upload))
        .route("/ledger/attachments/{id}", get(ledger::attachment_download))
        .route(
            "/ledger/attachments/{id}/delete",
            post(ledger::attachment_delete),
        )
        .route("/uploads/{id}", get(uploads::upload))
        .route("/uploads/{id}/original", get(uploads::original))
        .route("/uploads/{id}/publish", post(units::set_published::<true>))
        .route(
            "/uploads/{id}/unpublish",
            post(units::set_published::<false>),
        )
        .route("/supervise", get(supervise::supervise))
        .route("/regions/{id}/units", get(supervise::overview))
        .route("/regions/{id}/units.csv", get(supervise::overview_csv))
        .route("/admin/org", get(admin::org_page))
        .route("/admin/org/regions", post(admin::region_create))
        .route("/admin/org/regions/{id}", post(admin::region_update))
        .route("/admin/org/units", post(admin::unit_create))
        .route("/admin/org/units/{id}", post(admin::unit_update))
        .route("/admin/org/import", post(admin::org_import))
        .route("/admin/org/export.csv", get(admin::org_export_csv))
        .route("/admin/org/export.xlsx", get(admin::org_export_xlsx))
        .route(
            "/admin/users",
            get(admin::users_page).post(admin::user_create),
        )
        .route(
            "/admin/users/{id}/disable",
            post(admin::user_set_disabled::<true>),
        )
        .route(
            "/admin/users/{id}/enable",
            post(admin::user_set_disabled::<false>),
        )
        .route(
            "/admin/users/{id}/reset-password",
            post(admin::user_reset_password),
        )
        .route("/admin/users/{id}/grants", post(admin::user_grant))
        .route("/admin/grants/{id}/revoke", post(admin::grant_revoke))
        .route("/audit", get(audit::audit_page))
        .route("/audit.csv", get(audit::audit_csv))
        .route("/static/{version}/{file}", get(assets::asset))
        .fallback(not_found)
}

async fn not_found() -> Error {
    Error::NotFound("页面")
}

// ---------------------------------------------------------------------------------------
// The frame of every page

/// Which entry of the navigation is the current page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Home,
    Supervise,
    Org,
    Users,
    Audit,
    Account,
    None,
}

/// What the layout needs: who is signed in, his CSRF token, which menus he sees, the demo
/// banner, the asset URLs. Built from the already resolved viewer: no store call.
pub struct Chrome {
    pub user_name: Option<String>,
    pub login: String,
    /// The session's CSRF token (empty for the public).
    pub csrf: String,
    pub banner: Option<String>,
    pub nav: Nav,
    pub show_supervise: bool,
    pub show_org: bool,
    pub show_users: bool,
    pub show_audit: bool,
    /// Set while the person must change his one-time password: the menus are hidden.
    pub locked: bool,
    pub css: &'static str,
    pub js: &'static str,
    pub icon: &'static str,
}

impl Chrome {
    pub fn new(state: &AppState, viewer: Option<&Principal>, nav: Nav) -> Chrome {
        let can = |a: Action| viewer.is_some_and(|p| p.grants.iter().any(|g| g.role.permits(a)));
        let locked = viewer.is_some_and(|p| p.user.must_change_password);
        Chrome {
            user_name: viewer.map(|p| {
                if p.user.display_name.trim().is_empty() {
                    p.user.login.clone()
                } else {
                    p.user.display_name.clone()
                }
            }),
            login: viewer.map(|p| p.user.login.clone()).unwrap_or_default(),
            csrf: viewer
                .and_then(|p| p.csrf_token.clone())
                .unwrap_or_default(),
            banner: state
                .config
                .demo_banner
                .clone()
                .filter(|b| !b.trim().is_empty()),
            nav,
            show_supervise: !locked && can(Action::Supervise),
            // An account without any role is only the first admin of an empty installation
            // (nobody else can be made before a tree exists): show him where to start.
            show_org: !locked
                && (can(Action::ManageOrg) || viewer.is_some_and(|p| p.grants.is_empty())),
            show_users: !locked && can(Action::ManageUsers),
            show_audit: !locked && can(Action::ReadAudit),
            locked,
            css: assets::css_url(),
            js: assets::js_url(),
            icon: assets::icon_url(),
        }
    }

    pub fn of(state: &AppState, viewer: &Viewer, nav: Nav) -> Chrome {
        Chrome::new(state, viewer.0.as_ref(), nav)
    }

    pub fn is(&self, nav: Nav) -> bool {
        self.nav == nav
    }
}

// ---------------------------------------------------------------------------------------
// htmx

/// Whether the request came from htmx (`HX-Request`) and wants a partial. A history
/// restore after a cache miss (`HX-History-Restore-Request`) wants the full page. Read with
/// `axum-htmx`'s extractors.
#[derive(Debug, Clone, Copy)]
pub struct Hx(pub bool);

impl Hx {
    fn of(HxRequest(request): HxRequest, restore: HxHistoryRestoreRequest) -> Hx {
        Hx(request && !restore.0)
    }

    /// The same decision where only the headers are at hand (a middleware, a page built
    /// outside a handler's extractors).
    pub fn from_headers(headers: &HeaderMap) -> Hx {
        Hx::of(
            HxRequest(headers.contains_key(HX_REQUEST)),
            HxHistoryRestoreRequest(headers.contains_key(HX_HISTORY_RESTORE_REQUEST)),
        )
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Hx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> std::result::Result<Self, Self::Rejection> {
        let request = HxRequest::from_request_parts(parts, state).await?;
        let restore = HxHistoryRestoreRequest::from_request_parts(parts, state).await?;
        Ok(Hx::of(request, restore))
    }
}

// ---------------------------------------------------------------------------------------
// Responses

/// Renders a template as an HTML response with `status`. Pages vary with `HX-Request`
/// (full or partial) and show personal data: caches must revalidate and not share them.
pub fn html_status<T: Template + ?Sized>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(body) => {
            let mut resp = (status, body).into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache, private"),
            );
            h.insert(header::VARY, HeaderValue::from_static("HX-Request, Cookie"));
            resp
        }
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            Error::Internal(format!("页面渲染失败：{e}")).into_response()
        }
    }
}

pub fn html<T: Template + ?Sized>(t: &T) -> Response {
    html_status(StatusCode::OK, t)
}

/// A page holding a secret shown once (a new API token, a one-time password): no browser or
/// proxy may keep it (`Cache-Control: no-store`).
pub fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// The full page, or its partial for htmx.
pub fn view<P: Template, B: Template>(hx: Hx, page: &P, partial: B) -> Response {
    view_status(hx, StatusCode::OK, page, partial)
}

/// [`view`] with `status`.
pub fn view_status<P: Template, B: Template>(
    hx: Hx,
    status: StatusCode,
    page: &P,
    partial: B,
) -> Response {
    if hx.0 {
        html_status(status, &partial)
    } else {
        html_status(status, page)
    }
}

/// After a successful form post: `303 See Other` to `to`; htmx follows `HX-Redirect`.
pub fn see_other(hx: Hx, to: &str) -> Response {
    let Ok(location) = HeaderValue::from_str(to) else {
        return Error::Internal(format!("无效的跳转地址：{to}")).into_response();
    };
    if hx.0 {
        let mut resp = StatusCode::NO_CONTENT.into_response();
        resp.headers_mut().insert("hx-redirect", location);
        resp
    } else {
        let mut resp = StatusCode::SEE_OTHER.into_response();
        resp.headers_mut().insert(header::LOCATION, location);
        resp
    }
}

/// A file to save: `Content-Disposition: attachment` with the name in UTF-8 (RFC 6266 /
/// RFC 5987) and an ASCII fallback for old clients. Every download of the server goes
/// through here: the content type is the allow-listed one ([`safe_content_type`], never
/// what an uploader claimed), and `Content-Security-Policy: sandbox` keeps a file that a
/// browser renders anyway from running script on this origin.
pub fn attachment(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(safe_content_type(content_type)),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&content_disposition(filename))
            .unwrap_or(HeaderValue::from_static("attachment")),
    );
    // Never rendered in place, whatever the uploader called it.
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    resp
}

/// The policy of every download: no script, no plug-in, no form, an opaque origin.
pub const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'";

/// The content types a download is served with: documents and tables people exchange
/// (PDF, text, CSV, Word/Excel/PowerPoint in their old and new formats, WPS and
/// OpenDocument) and raster images (scanned sign-in sheets). Anything else — HTML,
/// JavaScript, SVG, XML, unknown — is `application/octet-stream`, which no browser runs.
/// Parameters are dropped except `charset=utf-8` on text.
pub fn safe_content_type(claimed: &str) -> &'static str {
    let mut parts = claimed.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let utf8 = parts.any(|p| {
        p.trim()
            .to_ascii_lowercase()
            .replace(['"', ' '], "")
            .eq("charset=utf-8")
    });
    const ALLOWED: &[&str] = &[
        "application/pdf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/wps-office.wps",
        "application/wps-office.et",
        "application/zip",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/bmp",
    ];
    match essence.as_str() {
        "text/plain" if utf8 => "text/plain; charset=utf-8",
        "text/plain" => "text/plain",
        "text/csv" if utf8 => "text/csv; charset=utf-8",
        "text/csv" => "text/csv",
        e => ALLOWED
            .iter()
            .find(|a| **a == e)
            .copied()
            .unwrap_or("application/octet-stream"),
    }
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded`.
pub fn content_disposition(filename: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    const ATTR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(filename, ATTR)
    )
}

// ---------------------------------------------------------------------------------------
// Extractors that answer with the web's error type (a Chinese page), not axum's plain text

/// A numeric id from the path (`Id<UnitId>` …); anything else is a page that does not exist.
pub struct Id<T = i64>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Id<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(id)| Id(id))
            .map_err(|_| Error::NotFound("页面"))
    }
}

/// Query parameters; a malformed query is a bad request in Chinese.
pub struct Q<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(Q)
            .map_err(|_| Error::BadRequest("查询参数格式有误".into()))
    }
}

/// An urlencoded form body.
pub struct F<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for F<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|axum::Form(v)| F(v))
            .map_err(|e| {
                Error::BadRequest(format!(
                    "表单内容有误：{}",
                    crate::error::input_message(&e.body_text())
                ))
            })
    }
}

// ---------------------------------------------------------------------------------------
// Formatting shared by the templates

/// China Standard Time: civil servants read and type times in Beijing time (the domain's
/// one clock, [`fazhi_domain::cycle::china`]).
pub fn cst() -> FixedOffset {
    fazhi_domain::cycle::china()
}

/// `2025-03-01 14:05` in Beijing time.
pub fn fmt_time(t: &Timestamp) -> String {
    t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string()
}

/// `2025-03-01 14:05:09` in Beijing time.
pub fn fmt_time_secs(t: &Timestamp) -> String {
    t.with_timezone(&cst())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The start of a day typed as `YYYY-MM-DD` (Beijing time), as UTC.
pub fn day_start(d: NaiveDate) -> Option<Timestamp> {
    let local = d.and_hms_opt(0, 0, 0)?;
    cst()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A number without a useless `.0` (10, 2.5).
pub fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.1}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The year a report is written about by default: last year (reports are due in the first
/// months of the following year).
pub fn last_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().with_timezone(&cst()).year() - 1
}

/// Years offered in the year selects: next year down to ten years back.
pub fn year_choices() -> Vec<i32> {
    let ly = last_year();
    (ly - 9..=ly + 1).rev().collect()
}

/// A year from a query or form field; empty means none.
pub fn parse_year(s: Option<&str>) -> Result<Option<i32>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| fazhi_domain::ReportYear::accepts(*y))
            .map(Some)
            .ok_or_else(|| Error::BadRequest(format!("年度“{s}”无效"))),
    }
}

/// The page asked for in a paged list's query (`page=`): 1 when absent or not a number.
pub fn parse_page(s: Option<&str>) -> u32 {
    s.and_then(|p| p.trim().parse().ok())
        .unwrap_or(1)
        .clamp(1, 100_000)
}

/// How many pages of `size` rows `total` rows fill: at least one, so an empty list is page
/// 1 of 1.
pub fn page_count(total: i64, size: u32) -> u32 {
    (total.max(0) as u32).div_ceil(size).max(1)
}

/// The rows of a page with their numbers in the whole list, `first` rows coming before it.
pub fn numbered<T>(
    first: u32,
    rows: impl IntoIterator<Item = T>,
) -> impl Iterator<Item = (usize, T)> {
    (first as usize + 1..).zip(rows)
}

/// A multipart form that could not be read: too large (the limit named) or malformed.
pub(crate) fn multipart_error(
    state: &AppState,
    e: axum::extract::multipart::MultipartError,
) -> Error {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge(format!(
            "文件过大，超过上传大小上限 {}",
            crate::session::human_size(state.config.max_upload_bytes)
        ))
    } else {
        Error::BadRequest("上传的表单无法读取，请刷新页面后重新选择文件".into())
    }
}

/// URL query encoding of one value.
pub fn qs(s: &str) -> String {
    /// Everything but RFC 3986's unreserved characters: `study.form.party_group` stays
    /// readable in a link, and the result is safe in a path segment and a query value.
    const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_served_only_as_allow_listed_types() {
        for bad in [
            "text/html",
            "text/html; charset=utf-8",
            "application/javascript",
            "text/javascript",
            "image/svg+xml",
            "application/xml",
            "application/xhtml+xml",
            "text/xml",
            "",
            "garbage",
            "application/pdf\r\nX-Evil: 1",
        ] {
            assert_eq!(safe_content_type(bad), "application/octet-stream", "{bad}");
        }
        assert_eq!(safe_content_type("Application/PDF"), "application/pdf");
        assert_eq!(
            safe_content_type("text/plain; charset=\"UTF-8\""),
            "text/plain; charset=utf-8"
        );
        assert_eq!(safe_content_type("text/plain; charset=gbk"), "text/plain");
        assert_eq!(
            safe_content_type("text/csv; charset=utf-8"),
            "text/csv; charset=utf-8"
        );
        let resp = attachment("a.html", "text/html", b"<script>".to_vec());
        let h = resp.headers();
        assert_eq!(h[header::CONTENT_TYPE], "application/octet-stream");
        assert_eq!(h[header::CONTENT_SECURITY_POLICY], DOWNLOAD_CSP);
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[test]
    fn content_disposition_is_rfc5987() {
        assert_eq!(
            content_disposition("报告 2024.docx"),
            "attachment; filename=\"__ 2024.docx\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%202024.docx"
        );
        assert_eq!(
            content_disposition("a\"b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"
        );
    }

    #[test]
    fn numbers_and_years() {
        assert_eq!(num(10.0), "10");
        assert_eq!(num(2.5), "2.5");
        assert_eq!(num(5.714), "5.7");
        assert_eq!(parse_year(Some(" 2024 ")).unwrap(), Some(2024));
        assert_eq!(parse_year(Some("")).unwrap(), None);
        assert!(parse_year(Some("1900")).is_err());
        assert!(parse_year(Some("abc")).is_err());
    }

    #[test]
    fn day_start_is_beijing_midnight() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(
            day_start(d).unwrap().to_rfc3339(),
            "2025-02-28T16:00:00+00:00"
        );
    }
}
