//! The web's one error type: every failure a handler can meet, with its HTTP status and a
//! Chinese message. Pages render it as an error page, the API as `{"error": …}`; a user
//! never sees a panic or a stack trace.

use axum::http::StatusCode;
use fazhi_domain::ledger::FieldError;
use fazhi_domain::Violation;
use fazhi_sheet::ledger::RowProblem;
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
    /// Fields of a ledger record that are missing or do not parse (every one of them).
    #[error("{}", fields_message(.0))]
    Fields(Vec<FieldError>),
    /// A ledger record the law's procedures forbid saving as it is.
    #[error("{}", refused_message(.0))]
    Refused(Vec<Violation>),
    /// Rows of a ledger import that are wrong (every one); nothing was imported.
    #[error("{}", import_message(.0))]
    ImportRows(Vec<RowProblem>),
    #[error("请求来源校验失败（CSRF），请刷新页面后重试")]
    Csrf,
    #[error("登录尝试过于频繁，请 {0} 秒后再试")]
    Throttled(u64),
    /// The server is reading as many files as it allows at once; try again shortly.
    #[error("{0}")]
    Busy(String),
    #[error("服务器内部错误，请稍后重试")]
    Internal(String),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::BadRequest(_)
            | Error::Rows(_)
            | Error::Fields(_)
            | Error::Refused(_)
            | Error::ImportRows(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            Error::Rows(_) | Error::ImportRows(_) => "rows",
            Error::Fields(_) => "fields",
            Error::Refused(_) => "refused",
            Error::Csrf => "csrf",
            Error::Throttled(_) => "throttled",
            Error::Busy(_) => "busy",
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

fn fields_message(errors: &[FieldError]) -> String {
    let list: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    format!("有 {} 处填写有误：{}", errors.len(), list.join("；"))
}

/// A broken rule as one line of text: what is wrong and its legal basis.
pub(crate) fn violation_text(v: &Violation) -> String {
    format!("{}（依据：{}）", v.message, v.basis)
}

fn refused_message(violations: &[Violation]) -> String {
    let list: Vec<String> = violations.iter().map(violation_text).collect();
    format!("不能保存：{}", list.join("；"))
}

/// The summary line of a refused ledger import (the error's message).
pub(crate) fn import_message(problems: &[RowProblem]) -> String {
    format!("导入失败，{}，未导入任何数据", problem_count(problems))
}

/// "共 3 行有误（4 处）": how many rows of an import are wrong, and in how many places.
pub(crate) fn problem_count(problems: &[RowProblem]) -> String {
    let lines: std::collections::BTreeSet<usize> = problems.iter().map(|p| p.line).collect();
    format!("共 {} 行有误（{} 处）", lines.len(), problems.len())
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
                // The error page lists rows by line and message: the column goes in front.
                Error::ImportRows(problems) => problems
                    .iter()
                    .map(|p| RowError {
                        line: p.line,
                        message: if p.column.is_empty() {
                            p.message.clone()
                        } else {
                            format!("{}：{}", p.column, p.message)
                        },
                    })
                    .collect(),
                _ => Vec::new(),
            },
        };
        // The JSON body is the ErrorBody plus the lists of the ledger's errors under their
        // own keys: `fields` (field, message), `violations` (rule, basis, message, refuse),
        // and for an import `rows` with their column (line, column, message).
        let mut json = serde_json::to_value(&body).unwrap_or_default();
        if let Some(obj) = json.as_object_mut() {
            match &self {
                Error::Fields(errors) => {
                    obj.insert("fields".into(), serde_json::json!(errors));
                }
                Error::Refused(violations) => {
                    obj.insert("violations".into(), serde_json::json!(violations));
                }
                Error::ImportRows(problems) => {
                    obj.insert("rows".into(), serde_json::json!(problems));
                }
                _ => {}
            }
        }
        let mut response = (status, axum::Json(json)).into_response();
        if let Error::Busy(_) = self {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("10"),
            );
        }
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

/// A message of serde (or of an axum extractor wrapping it) in Chinese, for the person who
/// sent the request: the field it names is kept, the English explanation is never shown.
/// `detail` is the library's text, e.g. ``year: invalid digit found in string`` or
/// ``unknown variant `x`, expected one of `a`, `b` ``.
pub fn input_message(detail: &str) -> String {
    let detail = detail.trim();
    // axum prefixes what it was doing; serde_urlencoded prefixes the field (`year: …`).
    let detail = [
        "Failed to deserialize query string: ",
        "Failed to deserialize form body: ",
        "Failed to deserialize form: ",
        "Failed to deserialize the JSON body into the target type: ",
    ]
    .iter()
    .find_map(|p| detail.strip_prefix(p))
    .unwrap_or(detail);
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    let (field, what) = match detail.split_once(": ") {
        Some((f, rest))
            if !f.is_empty()
                && f.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']')) =>
        {
            (Some(f), rest)
        }
        _ => (None, detail),
    };
    let quoted = |s: &str| -> Option<String> {
        let start = s.find('`')? + 1;
        let end = start + s[start..].find('`')?;
        Some(s[start..end].chars().take(64).collect())
    };
    let options = |s: &str| -> String {
        let list: Vec<&str> = s.split('`').skip(1).step_by(2).take(20).collect();
        list.join("、")
    };
    let explained = if let Some(rest) = what.strip_prefix("unknown variant ") {
        let given = quoted(rest).unwrap_or_default();
        match rest.split_once("expected") {
            Some((_, opts)) if opts.contains('`') => {
                format!("取值“{given}”无效，可选值：{}", options(opts))
            }
            _ => format!("取值“{given}”无效"),
        }
    } else if let Some(rest) = what.strip_prefix("unknown field ") {
        format!("不认识的字段 {}", quoted(rest).unwrap_or_default())
    } else if let Some(rest) = what.strip_prefix("missing field ") {
        format!("缺少字段 {}", quoted(rest).unwrap_or_default())
    } else if let Some(rest) = what.strip_prefix("duplicate field ") {
        format!("字段 {} 重复", quoted(rest).unwrap_or_default())
    } else if what.contains("invalid digit") || what.contains("invalid float literal") {
        "须为数字".to_string()
    } else if what.contains("cannot parse integer from empty string") {
        "不能为空".to_string()
    } else if what.contains("too large") || what.contains("too small") {
        "数值超出范围".to_string()
    } else if what.starts_with("invalid type") {
        let expected = what.rsplit("expected ").next().unwrap_or("");
        match expected {
            e if e.contains("integer") || e.contains("i64") || e.contains("i32") => {
                "类型不对，须为整数".to_string()
            }
            e if e.contains("string") => "类型不对，须为字符串".to_string(),
            e if e.contains("bool") => "类型不对，须为 true 或 false".to_string(),
            e if e.contains("sequence") => "类型不对，须为数组".to_string(),
            e if e.contains("map") || e.contains("struct") => "类型不对，须为对象".to_string(),
            _ => "类型不对".to_string(),
        }
    } else if what.starts_with("invalid length") {
        "长度不对".to_string()
    } else if what.starts_with("invalid value") {
        "取值无效".to_string()
    } else {
        "格式有误".to_string()
    };
    match field {
        Some(f) => format!("{f}：{explained}"),
        None => explained,
    }
}

#[cfg(test)]
mod input_message_tests {
    use super::input_message;

    #[test]
    fn library_messages_become_chinese() {
        for (english, chinese) in [
            (
                "Failed to deserialize query string: year: invalid digit found in string",
                "year：须为数字",
            ),
            (
                "unknown variant `x`, expected one of `csv`, `xlsx`",
                "取值“x”无效，可选值：csv、xlsx",
            ),
            (
                "unknown variant `x`, expected `a` or `b`",
                "取值“x”无效，可选值：a、b",
            ),
            (
                "unknown field `password`, expected one of `login`, `grants`",
                "不认识的字段 password",
            ),
            ("missing field `login` at line 1 column 2", "缺少字段 login"),
            (
                "invalid type: string \"a\", expected i64",
                "类型不对，须为整数",
            ),
            (
                "limit: number too large to fit in target type",
                "limit：数值超出范围",
            ),
            ("something else entirely", "格式有误"),
        ] {
            assert_eq!(input_message(english), chinese, "{english}");
        }
    }

    #[test]
    fn no_english_word_survives() {
        for english in [
            "Failed to deserialize form body: kind: unknown variant `zz`, expected `a`",
            "invalid value: integer `-1`, expected u32",
            "trailing characters",
            "premature end of input",
        ] {
            let m = input_message(english);
            assert!(
                !m.contains("expected") && !m.contains("invalid") && !m.contains("unknown"),
                "{m}"
            );
        }
    }
}
