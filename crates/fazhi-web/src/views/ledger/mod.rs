//! 台账 pages: a unit's year dashboard (`/units/{id}/ledger`), the list of one kind with its
//! filters, Excel template, import and export, the record form generated from the kind's
//! field catalogue, the record page with its attachments, and the records behind a figure
//! or an indicator. Every operation is [`crate::ops::ledger`]'s; these handlers only turn
//! requests into its calls and its answers (and its errors) into pages.

use super::{
    attachment, fmt_time, html, html_status, multipart_error, numbered, page_count, parse_page,
    parse_year, qs, see_other, view, view_status, Chrome, Hx, Id, Nav, F, Q,
};
use crate::auth::Principal;
use crate::error::{problem_count, Error, Result};
use crate::ops::ledger::{self, RecordInput};
use crate::session::human_size;
use crate::{ops, AppState};
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use fazhi_domain::ledger::{parse_date, FieldError, FieldType, RecordId, RecordKind};
use fazhi_domain::{Framework, Violation};
use fazhi_sheet::ledger::RowProblem;
use fazhi_store::{LedgerQuery, LedgerRow, Unit};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

mod dashboard;
mod figure;
mod form;
mod import;
mod list;
mod record;

pub use dashboard::dashboard;
pub use figure::{figure, indicator};
pub use form::{create, new_form};
pub use import::import;
pub use list::{export_csv, export_xlsx, list, template};
pub use record::{
    attachment_delete, attachment_download, attachment_upload, delete, record, restore, update,
};

/// Records per page of a list.
pub const PAGE_SIZE: u32 = 50;
/// Record links shown under one rule of the dashboard (the rest are counted).
const LINKS_PER_VIOLATION: usize = 10;
/// Most characters of the keyword filter.
const MAX_QUERY_CHARS: usize = 100;
/// Columns of a list besides its date and title.
const KEY_COLUMNS: usize = 5;

#[derive(Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    pub(super) year: Option<String>,
    #[serde(default)]
    pub(super) done: Option<String>,
}

/// The current year in China: what a new record, a list page and a figure page default to.
fn current_year() -> i32 {
    ledger::today().year()
}

impl YearQuery {
    /// The year asked for, else [`current_year`].
    fn year_or_current(&self) -> Result<i32> {
        Ok(parse_year(self.year.as_deref())?.unwrap_or_else(current_year))
    }
}

// ---------------------------------------------------------------------------------------
// Path extractors (a malformed path is the Chinese not-found page)

/// `/units/{id}/ledger/figures/{key}` and `…/indicators/{code}`: the unit and a key.
pub struct KeyPath(pub i64, pub String);

impl<S: Send + Sync> FromRequestParts<S> for KeyPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let Path((id, key)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| Error::NotFound("页面"))?;
        let id = id.parse().map_err(|_| Error::NotFound("页面"))?;
        Ok(KeyPath(id, key))
    }
}

/// `/units/{id}/ledger/{kind}`: the unit and a known kind.
pub struct KindPath(pub i64, pub RecordKind);

impl<S: Send + Sync> FromRequestParts<S> for KindPath {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let KeyPath(id, code) = KeyPath::from_request_parts(parts, state).await?;
        let kind = RecordKind::from_code(&code).ok_or(Error::NotFound("台账类别"))?;
        Ok(KindPath(id, kind))
    }
}

// ---------------------------------------------------------------------------------------
// Shared pieces

/// The name of an indicator code (the code itself when the framework does not know it).
fn indicator_name(fw: &Framework, code: &str) -> String {
    fw.get(code)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| code.to_string())
}

fn depth(fw: &Framework, code: &str) -> usize {
    fw.path(code).len().saturating_sub(1)
}

/// The columns a list shows besides date and title: required fields first, then the
/// others, leaving out long texts.
fn key_columns(kind: RecordKind) -> Vec<&'static fazhi_domain::ledger::FieldSpec> {
    let skip = |f: &&fazhi_domain::ledger::FieldSpec| {
        f.key == kind.title_field()
            || Some(f.key) == kind.date_field()
            || f.ty == FieldType::LongText
    };
    let fields = kind.fields();
    fields
        .iter()
        .filter(|f| f.required && !skip(f))
        .chain(fields.iter().filter(|f| !f.required && !skip(f)))
        .take(KEY_COLUMNS)
        .collect()
}

fn record_date(row: &LedgerRow) -> String {
    row.record
        .kind()
        .date_field()
        .map(|d| row.record.fields().display(d))
        .unwrap_or_default()
}

fn record_title(row: &LedgerRow) -> String {
    let t = row.record.title();
    if t.trim().is_empty() {
        format!("记录 {}", row.record.id)
    } else {
        t
    }
}

/// A record as the cross-kind tables show it.
struct BriefRow {
    n: usize,
    id: RecordId,
    kind_code: &'static str,
    kind_label: &'static str,
    date: String,
    title: String,
    summary: String,
    attachments: usize,
}

fn brief_rows(rows: &[LedgerRow]) -> Vec<BriefRow> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let kind = r.record.kind();
            let summary = key_columns(kind)
                .into_iter()
                .filter_map(|f| {
                    let v = r.record.fields().display(f.key);
                    (!v.is_empty()).then(|| format!("{}：{v}", f.label))
                })
                .take(3)
                .collect::<Vec<_>>()
                .join("；");
            BriefRow {
                n: i + 1,
                id: r.record.id,
                kind_code: kind.code(),
                kind_label: kind.label(),
                date: record_date(r),
                title: record_title(r),
                summary,
                attachments: r.attachments.len(),
            }
        })
        .collect()
}

/// The text fields and the one file of a multipart form (the CSRF token, checked by the
/// session layer, is read past like any other field).
struct Upload {
    texts: HashMap<String, String>,
    file: Option<(String, String, Vec<u8>)>,
}

async fn read_multipart(
    state: &AppState,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Upload> {
    let mut mp = multipart
        .map_err(|_| Error::BadRequest("请使用上传表单（multipart/form-data）提交文件".into()))?;
    let mut up = Upload {
        texts: HashMap::new(),
        file: None,
    };
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| multipart_error(state, e))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let filename = field.file_name().unwrap_or_default().to_string();
            let content_type = field
                .content_type()
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes = field.bytes().await.map_err(|e| multipart_error(state, e))?;
            if !(filename.is_empty() && bytes.is_empty()) {
                up.file = Some((filename, content_type, bytes.to_vec()));
            }
        } else if name != "csrf_token" {
            let text = field.text().await.map_err(|e| multipart_error(state, e))?;
            up.texts.insert(name, text);
        }
    }
    Ok(up)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_columns_skip_title_date_and_long_text() {
        for kind in RecordKind::ALL {
            let cols = key_columns(kind);
            assert!(cols.len() <= KEY_COLUMNS, "{kind:?}");
            for c in &cols {
                assert_ne!(c.key, kind.title_field(), "{kind:?}");
                assert_ne!(Some(c.key), kind.date_field(), "{kind:?}");
                assert_ne!(c.ty, FieldType::LongText, "{kind:?}");
            }
        }
        let study: Vec<&str> = key_columns(RecordKind::Study)
            .iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(
            study,
            ["form", "laws", "attendees", "leader_present", "hours"]
        );
    }
}
