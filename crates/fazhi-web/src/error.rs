//! The web's one error type: every failure a handler can meet, with its HTTP status and a
//! Chinese message. Pages render it as an error page, the API as `{"error": …}`; a user
//! never sees a panic or a stack trace.

use axum::http::StatusCode;
use fazhi_store::{RowError, StoreError};

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("请先登录")]
    Unauthorized,
    #[error("没有权限执行此操作")]
    Forbidden,
    #[error("未找到{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// Rows of an import that cannot be applied; nothing was imported.
    #[error("导入失败，共 {} 行有误，未导入任何数据", .0.len())]
    Rows(Vec<RowError>),
    #[error("请求来源校验失败（CSRF），请刷新页面后重试")]
    Csrf,
    #[error("登录尝试过于频繁，请 {0} 秒后再试")]
    Throttled(u64),
    #[error("服务器内部错误，请稍后重试")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_) | Error::Rows(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine key for the API.
    pub fn key(&self) -> &'static str {
        match self {
            Error::Unauthorized => "unauthorized",
            Error::Forbidden => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::BadRequest(_) => "bad_request",
            Error::Conflict(_) => "conflict",
            Error::TooLarge(_) => "too_large",
            Error::Rows(_) => "rows",
            Error::Csrf => "csrf",
            Error::Throttled(_) => "throttled",
            Error::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Error::NotFound(what),
            StoreError::Conflict(m) => Error::Conflict(m),
            StoreError::Invalid(m) | StoreError::Unsupported(m) => Error::BadRequest(m),
            StoreError::Rows(rows) => Error::Rows(rows),
            e @ (StoreError::Backend(_) | StoreError::TooNew { .. }) => {
                tracing::error!(error = %e, "store error");
                Error::Internal(e.to_string())
            }
        }
    }
}

/// What an error response carries in its extensions, so the page layer can re-render it
/// as an HTML page (the body is JSON, which is what the API answers).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ErrorBody {
    pub error: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
}

impl axum::response::IntoResponse for Error {
    fn into_response(self) -> axum::response::Response {
        let status = self.status();
        let body = ErrorBody {
            error: self.key(),
            message: self.to_string(),
            rows: match &self {
                Error::Rows(rows) => rows.clone(),
                _ => Vec::new(),
            },
        };
        let mut response = (status, axum::Json(body.clone())).into_response();
        if let Error::Throttled(secs) = self {
            if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
                response
                    .headers_mut()
                    .insert(axum::http::header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(body);
        response
    }
}
