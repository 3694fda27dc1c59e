//! Rows as the store hands them out. Plain data; the web and the CLI build on these.

use chrono::{DateTime, Utc};
use fazhi_domain::{Grant, RegionId, RegionLevel, UnitId, UnitKind, UserId};

/// The organisation's rows and import rows live in the domain (the sheet reads and writes
/// them without the store); re-exported here so callers keep naming them from the store.
pub use fazhi_domain::org::{OrgRow, Region, RowError, Unit};
use serde::{Deserialize, Serialize};

pub type Timestamp = DateTime<Utc>;
pub use fazhi_domain::{AttachmentId, AuditId, GrantId, TokenId, UploadId};

/// Who makes a change and from where; every mutating store method takes one and writes
/// the audit entry in the same transaction as the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// `None` for the system itself (migrations, `fazhi demo`, first-start admin).
    pub user_id: Option<UserId>,
    /// Login name at the time of the change (kept even if the account is renamed later).
    pub login: String,
    /// Client address (`127.0.0.1`), or `cli` / `system`.
    pub addr: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Self {
            user_id: None,
            login: what.to_string(),
            addr: "system".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegion {
    pub parent_id: Option<RegionId>,
    /// Parsed at the edge ([`fazhi_domain::RegionCode::parse`]).
    pub code: fazhi_domain::RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnit {
    pub region_id: RegionId,
    pub code: fazhi_domain::UnitCode,
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    pub regions_created: usize,
    pub regions_updated: usize,
    pub units_created: usize,
    pub units_updated: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    /// PHC string (argon2id). Never leaves the server.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub disabled: bool,
    /// Set for one-time passwords: the person must choose a new one at next login.
    pub must_change_password: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Parsed at the edge ([`fazhi_domain::policy::check_login`]).
    pub login: fazhi_domain::policy::Login,
    pub display_name: String,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// How a password is set ([`crate::UserStore::set_password`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSet {
    /// An administrator's reset (pages, API, `fazhi admin reset-password`): a one-time
    /// password the person must change at the next login. Every API token of the account is
    /// revoked with it: whoever knew the old password may have made them.
    Reset,
    /// The person's own new password; `revoke_tokens` revokes all his API tokens too.
    Own { revoke_tokens: bool },
}

impl PasswordSet {
    /// Whether the person must change this password at the next login.
    pub fn must_change(self) -> bool {
        self == PasswordSet::Reset
    }

    /// Whether the account's API tokens are revoked with it.
    pub fn revokes_tokens(self) -> bool {
        match self {
            PasswordSet::Reset => true,
            PasswordSet::Own { revoke_tokens } => revoke_tokens,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub id: GrantId,
    pub user_id: UserId,
    pub grant: Grant,
}

/// A login session. The cookie carries a random token; the store keeps only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub token_hash: String,
    pub user_id: UserId,
    /// Per-session CSRF token, sent back in forms and the `X-CSRF-Token` header.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub addr: String,
}

/// An API token for `Authorization: Bearer …`; the store keeps only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub created_at: Timestamp,
    pub revoked: bool,
}

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: Timestamp,
    pub actor_user_id: Option<UserId>,
    pub actor_login: String,
    pub addr: String,
    /// What was done, as a stable key: `unit.create`, `upload.create`, `user.disable` …
    pub action: String,
    /// The kind of thing changed (`unit`, `region`, `user`, `grant`, `upload`, `session` …).
    pub entity: String,
    pub entity_id: Option<i64>,
    /// Where the thing sits, so a supervisor sees the entries below his region.
    pub unit_id: Option<UnitId>,
    pub region_path: Vec<RegionId>,
    /// JSON of the thing before and after; `None` on create / delete respectively.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only entries at or below this region (`None`: all).
    pub region_id: Option<RegionId>,
    pub actor_login: Option<String>,
    /// Prefix of the action key (`upload` matches `upload.create`).
    pub action_prefix: Option<String>,
    pub entity: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Entries with `id < before_id` (keyset paging, newest first).
    pub before_id: Option<AuditId>,
    pub limit: u32,
}

/// State of an upload after the report engine has seen it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    /// Read and checked; `checked_json` holds the engine's result.
    Checked,
    /// The engine could not read it; `error` says why (in Chinese).
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUpload {
    pub unit_id: UnitId,
    /// Parsed at the edge (the upload form or API, the demo).
    pub year: fazhi_domain::ReportYear,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub status: UploadStatus,
    pub error: Option<String>,
    /// `serde_json` of `fazhi_report::Checked` when `status` is `Checked`.
    pub checked_json: Option<String>,
    pub score: Option<i32>,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
    /// Report title (or file name) for lists.
    pub title: String,
}

/// An upload without its bytes or checked result (for lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSummary {
    pub id: UploadId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub year: i32,
    pub filename: String,
    pub title: String,
    pub sha256: String,
    pub size: i64,
    pub status: UploadStatus,
    pub error: Option<String>,
    pub score: Option<i32>,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
    pub uploaded_by: Option<UserId>,
    pub uploaded_by_login: String,
    pub uploaded_at: Timestamp,
    pub published_at: Option<Timestamp>,
}

/// An upload with its checked result (the findings page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadDetail {
    pub summary: UploadSummary,
    pub unit: Unit,
    pub content_type: String,
    pub checked_json: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitSort {
    #[default]
    Name,
    Region,
    Score,
    Findings,
    UploadedAt,
}

/// The supervisor's unit list: every unit at or below `region_id`, with its latest upload of
/// `year` (if any). Sorted by `sort` (`descending` flips it; units without an upload last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOverviewQuery {
    pub region_id: RegionId,
    pub year: i32,
    pub sort: UnitSort,
    pub descending: bool,
    /// Substring of the unit's name or short name.
    pub search: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitOverviewRow {
    pub unit: Unit,
    pub region_name: String,
    pub latest: Option<UploadSummary>,
    /// Number of uploads of the year.
    pub uploads: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Total matching rows (for "共 N 条" and paging).
    pub total: i64,
}

/// A ledger record as stored: the domain [`Record`](fazhi_domain::ledger::Record) with who
/// saved it and when. `version` starts at 1 and grows by one with every change, so an edit
/// made on a stale form is refused ([`StoreError::Conflict`](crate::StoreError)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerRow {
    pub record: fazhi_domain::ledger::Record,
    pub version: i64,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
    /// Soft deletion: the row stays (and its audit trail), lists leave it out.
    pub deleted_at: Option<Timestamp>,
    pub attachments: Vec<Attachment>,
}

/// A file kept with a ledger record (bytes in `blobs`, deduplicated by SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub record_id: fazhi_domain::ledger::RecordId,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub created_at: Timestamp,
}

/// Which ledger records to list. Lists are ordered by the record's date (its kind's
/// `date_field`, newest first; records without one last), then id descending.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LedgerQuery {
    pub unit_id: UnitId,
    pub year: Option<i32>,
    pub kind: Option<fazhi_domain::ledger::RecordKind>,
    /// Substring of any field's display text (case-insensitive for ASCII).
    pub q: Option<String>,
    /// Records tagged with this indicator code or one below it (`decision` matches
    /// `decision.procedure`).
    pub indicator: Option<String>,
    /// Inclusive bounds on the record's date (records without a date are left out when a
    /// bound is set).
    pub from: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
    /// Only these ids (a figure's records); `None` for all.
    pub ids: Option<Vec<fazhi_domain::ledger::RecordId>>,
    /// Also soft-deleted records (the "已删除" filter shows only them when `deleted_only`).
    pub include_deleted: bool,
    pub deleted_only: bool,
    pub offset: u32,
    /// 0 means no limit (statistics and exports read all); otherwise at most 10 000.
    pub limit: u32,
}
