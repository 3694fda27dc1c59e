//! Static assets embedded in the binary: the style sheet and htmx. Their URLs carry a hash
//! of the content (`/static/{hash}/app.css`), so they are cached for a year and a new build
//! is fetched at once.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../static/app.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../static/htmx.min.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../../static/favicon.svg"),
    },
];

/// First 12 hex digits of the SHA-256 of every asset together: one version for the set.
fn version() -> &'static str {
    static V: OnceLock<String> = OnceLock::new();
    V.get_or_init(|| {
        let mut h = Sha256::new();
        for a in &ASSETS {
            h.update(a.name.as_bytes());
            h.update(a.bytes);
        }
        hex::encode(h.finalize())[..12].to_string()
    })
}

fn url(name: &str) -> String {
    format!("/static/{}/{name}", version())
}

pub fn css_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| url("app.css"))
}

pub fn icon_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| url("favicon.svg"))
}

pub fn js_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| url("htmx.min.js"))
}

/// `GET /static/{version}/{file}`: immutable for a year when the version is current; an old
/// version still gets the current file, but only cached briefly.
pub async fn asset(
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Response {
    // A path that is not UTF-8 (`%FF`) names no asset: the same Chinese 404, not axum's
    // English rejection text.
    let Ok(axum::extract::Path((v, file))) = path else {
        return crate::Error::NotFound("静态文件").into_response();
    };
    let Some(a) = ASSETS.iter().find(|a| a.name == file) else {
        return crate::Error::NotFound("静态文件").into_response();
    };
    let cache = if v == version() {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    let mut resp = a.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    resp
}
