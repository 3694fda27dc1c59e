//! Request extractors of the API that answer every rejection with the crate's [`Error`]
//! (JSON, in Chinese) instead of axum's plain-text rejections, and enforce the body limits:
//! 1 MB for JSON, the configured upload size for multipart forms.

use crate::error::{Error, Result};
use crate::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;

/// Largest JSON request body.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// What a multipart form may carry besides its file (boundaries, part headers, small fields).
const FORM_OVERHEAD: u64 = 64 * 1024;

pub use fazhi_domain::text::human_size;

/// Reads a whole body, refusing it with `too_large` past `limit` bytes (by its declared
/// length first, then as it streams in).
pub(crate) async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limit: u64,
    too_large: impl Fn() -> String,
) -> Result<Bytes> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(Error::TooLarge(too_large()));
    }
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    axum::body::to_bytes(body, cap).await.map_err(|e| {
        let over = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.into_inner().is::<http_body_util::LengthLimitError>();
        if over {
            Error::TooLarge(too_large())
        } else {
            Error::BadRequest("请求体读取失败，请重试".into())
        }
    })
}

/// A JSON body of at most [`JSON_LIMIT`] bytes.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _state: &S) -> Result<Self> {
        let (parts, body) = req.into_parts();
        let json = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !json {
            return Err(Error::BadRequest(
                "请求体须为 JSON（Content-Type: application/json）".into(),
            ));
        }
        let bytes = read_body(&parts.headers, body, JSON_LIMIT as u64, || {
            format!(
                "请求体过大：JSON 请求体不能超过 {}",
                human_size(JSON_LIMIT as u64)
            )
        })
        .await?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|e| Error::BadRequest(json_error(&e)))
    }
}

/// A serde_json error in Chinese, keeping the field names and positions it names.
fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("第 {} 行第 {} 列", e.line(), e.column());
    match e.classify() {
        Category::Syntax => format!("请求 JSON 格式有误（{at}）"),
        Category::Eof => "请求 JSON 不完整".to_string(),
        Category::Io => "请求体读取失败，请重试".to_string(),
        Category::Data => {
            let explained = crate::error::input_message(&e.to_string());
            format!("请求 JSON 的内容有误（{explained}，{at}）")
        }
    }
}

/// Query parameters; a value of the wrong type is a `bad_request` naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| ApiQuery(q.0))
            .map_err(|rejection| {
                let detail = crate::error::input_message(&rejection.body_text());
                Error::BadRequest(format!("查询参数有误（{detail}）"))
            })
    }
}

/// Path parameters (ids): one that is not a number is a `bad_request`.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| Error::BadRequest("路径中的编号须为整数".into()))
    }
}

/// The client address as the audit log and the login throttle know it.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self> {
        Ok(ClientAddr(crate::auth::client_addr(parts)))
    }
}

/// A file sent in a multipart form.
pub struct FormFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A multipart form with one file field (`file`) and small text fields, within the
/// configured upload size.
pub struct UploadForm {
    pub fields: Vec<(String, String)>,
    pub file: Option<FormFile>,
}

impl UploadForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
    }

    /// The `file` part, or a `bad_request` saying it is missing.
    pub fn take_file(&mut self) -> Result<FormFile> {
        self.file
            .take()
            .ok_or_else(|| Error::BadRequest("请选择要上传的文件（表单字段 file）".into()))
    }
}

impl FromRequest<AppState> for UploadForm {
    type Rejection = Error;

    async fn from_request(req: Request, state: &AppState) -> Result<Self> {
        let limit = state.config.max_upload_bytes;
        let (parts, body) = req.into_parts();
        let multipart = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim()
                    .to_ascii_lowercase()
                    .starts_with("multipart/form-data")
            });
        if !multipart {
            return Err(Error::BadRequest(
                "请以 multipart/form-data 表单上传文件".into(),
            ));
        }
        let too_large = || {
            format!(
                "上传内容过大：文件不能超过 {}（{limit} 字节）",
                human_size(limit)
            )
        };
        let bytes = read_body(
            &parts.headers,
            body,
            limit.saturating_add(FORM_OVERHEAD),
            too_large,
        )
        .await?;
        // The body is in memory and within the limit: hand it to the multipart parser as is.
        let mut form =
            Multipart::from_request(Request::from_parts(parts, Body::from(bytes)), state)
                .await
                .map_err(|_| Error::BadRequest("上传表单格式有误".into()))?;
        let mut out = UploadForm {
            fields: Vec::new(),
            file: None,
        };
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| Error::BadRequest("上传表单格式有误".into()))?
        {
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                if out.file.is_some() {
                    return Err(Error::BadRequest("一次只能上传一个文件".into()));
                }
                let filename = field.file_name().unwrap_or_default().to_string();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_string();
                let data = field
                    .bytes()
                    .await
                    .map_err(|_| Error::BadRequest("上传表单格式有误".into()))?;
                if data.len() as u64 > limit {
                    return Err(Error::TooLarge(too_large()));
                }
                out.file = Some(FormFile {
                    filename,
                    content_type,
                    bytes: data.to_vec(),
                });
            } else {
                let text = field
                    .text()
                    .await
                    .map_err(|_| Error::BadRequest("上传表单格式有误".into()))?;
                if text.chars().count() > 1000 {
                    return Err(Error::BadRequest(format!("表单字段 {name} 过长")));
                }
                out.fields.push((name, text));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bodies_past_the_limit_are_too_large_without_a_declared_length() {
        let headers = HeaderMap::new();
        let small = read_body(&headers, Body::from(vec![1u8; 10]), 10, || "过大".into())
            .await
            .unwrap();
        assert_eq!(small.len(), 10);
        let e = read_body(&headers, Body::from(vec![1u8; 11]), 10, || "过大".into())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::TooLarge(ref m) if m == "过大"), "{e:?}");
        let mut declared = HeaderMap::new();
        declared.insert(CONTENT_LENGTH, "11".parse().unwrap());
        let e = read_body(&declared, Body::empty(), 10, || "过大".into())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e:?}");
    }

    #[test]
    fn json_errors_in_chinese() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct T {
            login: String,
        }
        let e = serde_json::from_str::<T>("{}").unwrap_err();
        assert!(
            json_error(&e).contains("缺少字段 login"),
            "{}",
            json_error(&e)
        );
        let e = serde_json::from_str::<T>("{").unwrap_err();
        assert_eq!(json_error(&e), "请求 JSON 不完整");
        let e = serde_json::from_str::<T>("{x").unwrap_err();
        assert!(
            json_error(&e).starts_with("请求 JSON 格式有误"),
            "{}",
            json_error(&e)
        );
    }
}
