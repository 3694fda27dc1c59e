//! Error pages: what the page layer (`session::layers`) shows instead of the JSON body that
//! an [`crate::error::Error`] response carries, keeping its status code.

use super::{html_status, Chrome, Nav};
use crate::auth::Principal;
use crate::error::ErrorBody;
use crate::AppState;
use askama::Template;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use fazhi_store::RowError;

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub chrome: Chrome,
    pub e: ErrorView<'a>,
}

/// The alert htmx swaps into `#flash` of the page it came from.
#[derive(Template)]
#[template(path = "error_flash.html")]
pub struct ErrorFlash<'a> {
    pub e: ErrorView<'a>,
}

pub struct ErrorView<'a> {
    pub status: u16,
    pub title: &'static str,
    pub message: &'a str,
    pub rows: &'a [RowError],
    /// Show a link to sign in (after a 401).
    pub login: bool,
}

pub fn title_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "提交的内容有误",
        401 => "请先登录",
        403 => "没有权限",
        404 => "页面不存在",
        405 => "不支持的请求方式",
        409 => "操作冲突",
        413 => "文件过大",
        429 => "操作过于频繁",
        503 => "服务暂时不可用",
        s if s >= 500 => "服务器出错",
        _ => "操作未完成",
    }
}

/// The error as a full page, or as an alert for htmx (retargeted to `#flash`).
pub fn render(
    state: &AppState,
    viewer: Option<&Principal>,
    hx: bool,
    status: StatusCode,
    body: &ErrorBody,
) -> Response {
    let e = ErrorView {
        status: status.as_u16(),
        title: title_of(status),
        message: &body.message,
        rows: &body.rows,
        login: status == StatusCode::UNAUTHORIZED,
    };
    if hx {
        let mut resp = html_status(status, &ErrorFlash { e });
        let h = resp.headers_mut();
        h.insert("hx-retarget", HeaderValue::from_static("#flash"));
        h.insert("hx-reswap", HeaderValue::from_static("innerHTML"));
        resp
    } else {
        html_status(
            status,
            &ErrorPage {
                chrome: Chrome::new(state, viewer, Nav::None),
                e,
            },
        )
    }
}
