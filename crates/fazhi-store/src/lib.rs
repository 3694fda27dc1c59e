//! Storage of the platform: one [`Store`] interface, narrow traits per capability, with a
//! SQLite implementation (the embedded default) and a PostgreSQL one (a province), each with
//! its own versioned, forward-only migrations.
//!
//! Every mutating method takes an [`Actor`] and writes its audit entry in the same
//! transaction as the change, so the audit log is complete whenever the change is there.
//! No method updates or deletes audit entries.
//!
//! The store holds no business rules: who may do what is decided by
//! `fazhi_domain::allows` in the caller; what a report says is the engine's.
//!
//! # Opening
//!
//! [`open`] takes a [`DbTarget`] and answers an `Arc<dyn Store>`; [`open_sqlite`] and
//! [`open_postgres`] answer the concrete [`SqliteStore`] / [`PgStore`]. Each connects, refuses
//! a database migrated by a newer program ([`StoreError::TooNew`]) and applies the migrations
//! this build embeds (`migrations/sqlite`, `migrations/postgres`; forward-only, numbered alike,
//! the last being [`SCHEMA_VERSION`]).
//!
//! # The audit log
//!
//! Every mutating method appends exactly one entry (the import: one per created or changed
//! row, then a summary), with `before` / `after` the JSON of the model row (never a password,
//! token or session hash). Actions and their `entity`:
//!
//! | action | entity | entity_id | placed at |
//! | --- | --- | --- | --- |
//! | `region.create`, `region.update` | `region` | region | the region |
//! | `unit.create`, `unit.update` | `unit` | unit | the unit (and its region) |
//! | `org.import` (after = [`ImportSummary`]) | `org` | — | where all changed rows meet |
//! | `user.create`, `user.password` (after = `{password_changed, must_change_password, tokens_revoked}`), `user.disable`, `user.enable` | `user` | user | the account's grants |
//! | `grant.create`, `grant.revoke` | `grant` | grant | the grant's node |
//! | `token.create`, `token.revoke` | `api_token` | token | the account's grants |
//! | `session.login`, `session.logout`, `session.login_failed` | `session` | user (if known) | the account's grants |
//! | `upload.create`, `upload.publish`, `upload.withdraw` | `upload` | upload | the upload's unit |
//! | `report.add_version`, `report.correct` (with `upload.create`), `report.<step>` (after = the status row with `comment`, `comments`), `report.review` (after = the [`ConfidentialityReview`]) | `report` | report | the report's unit |
//! | `deadline.set` (before/after = the setting with its `year`) | `deadline` | region | the region |
//! | `unit.superior` (`{superior_unit_id}`) | `unit` | unit | the unit |
//! | `record.create`, `record.update`, `record.delete`, `record.restore` | `record` | record | the record's unit |
//! | `record.import` (after = `{kind, count}`) | `record` | — | the unit |
//! | `attachment.create`, `attachment.delete` | `attachment` | attachment | the record's unit |
//!
//! "The account's grants" is the deepest place holding all of them (empty without grants), so
//! a supervisor filtering by his region sees the accounts that live below it.
//! [`AuditFilter::region_id`] selects entries at or below a region; `from` is inclusive and
//! `until` exclusive; `limit` 0 means 100.
//!
//! Timestamps are kept to the microsecond.

mod audit;
mod backend;
mod cycle;
mod cycle_board;
mod cycle_model;
mod cycle_org;
mod error;
mod ledger;
mod model;
mod org;
mod org_import;
mod postgres;
mod prelude;
mod rows;
mod sessions;
mod sql;
mod sqlite;
mod uploads;
mod users;
mod util;

pub use cycle_model::*;
pub use error::{StoreError, StoreResult};
pub use model::*;
pub use postgres::{open_postgres, PgStore, PG_BACKUP_HINT};
pub use sqlite::{open_sqlite, SqliteStore};

use async_trait::async_trait;
use chrono::NaiveDate;
use fazhi_domain::cycle::DeadlineSetting;
use fazhi_domain::org::{ImportPlan, OrgSnapshot};
use fazhi_domain::{Grant, Placement, RegionId, Role, UnitId, UserId};
use std::path::Path;

/// Regions and units.
#[async_trait]
pub trait OrgStore: Send + Sync {
    async fn create_region(&self, actor: &Actor, new: &NewRegion) -> StoreResult<Region>;
    /// Renames or recodes a region (its parent and level stay).
    async fn update_region(
        &self,
        actor: &Actor,
        id: RegionId,
        name: &str,
        code: &fazhi_domain::RegionCode,
    ) -> StoreResult<Region>;
    async fn region(&self, id: RegionId) -> StoreResult<Region>;
    /// All regions, ordered by path (a pre-order walk of the tree: parents before children).
    async fn regions(&self) -> StoreResult<Vec<Region>>;

    async fn create_unit(&self, actor: &Actor, new: &NewUnit) -> StoreResult<Unit>;
    async fn update_unit(&self, actor: &Actor, id: UnitId, new: &NewUnit) -> StoreResult<Unit>;
    async fn unit(&self, id: UnitId) -> StoreResult<Unit>;
    /// Units at or below a region (all units when `None`), ordered by region path then name.
    async fn units(&self, below: Option<RegionId>) -> StoreResult<Vec<Unit>>;

    /// Applies an import in one transaction: every row or none. The rows are planned by
    /// [`fazhi_domain::org::plan_import`] (the same rules as the web's import: codes, names
    /// without hidden characters) against the tree in the transaction; a row
    /// that cannot be applied (unknown parent code, a code used by the other kind …) makes the
    /// whole call fail with [`StoreError::Rows`] listing every such row; `lines[i]` is the
    /// line number of `rows[i]`. (The CLI and the demo; the web plans first, see
    /// [`OrgStore::apply_org_plan`].)
    async fn import_org(
        &self,
        actor: &Actor,
        rows: &[OrgRow],
        lines: &[usize],
    ) -> StoreResult<ImportSummary>;

    /// The whole organisation, to plan an import against
    /// ([`fazhi_domain::org::plan_import`]).
    async fn org_snapshot(&self) -> StoreResult<OrgSnapshot>;

    /// Applies a plan in one transaction, audited as [`OrgStore::import_org`] is. Refused with
    /// [`StoreError::Conflict`] when the organisation is no longer the plan's
    /// [`basis`](ImportPlan::basis) (changed since the snapshot was read).
    async fn apply_org_plan(&self, actor: &Actor, plan: &ImportPlan) -> StoreResult<ImportSummary>;
}

/// Accounts, roles and API tokens.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Fails with [`StoreError::Conflict`] when the login is taken.
    async fn create_user(&self, actor: &Actor, new: &NewUser) -> StoreResult<User>;
    async fn user(&self, id: UserId) -> StoreResult<User>;
    /// `None` when there is no such login.
    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>>;
    async fn users(&self) -> StoreResult<Vec<User>>;
    async fn count_users(&self) -> StoreResult<i64>;
    /// Sets a password, in one transaction: the replaced hash goes into the account's
    /// password history (the newest [`PASSWORD_HISTORY`] are kept), and with
    /// [`PasswordSet::Reset`] (or `Own { revoke_tokens: true }`) every API token of the
    /// account is revoked. One `user.password` entry records that the password changed,
    /// whether it must be changed at the next login and how many tokens were revoked
    /// (`tokens_revoked`), never a hash. Answers how many tokens were revoked.
    async fn set_password(
        &self,
        actor: &Actor,
        id: UserId,
        password_hash: &str,
        how: PasswordSet,
    ) -> StoreResult<u64>;
    /// The hashes of the account's earlier passwords (not the current one), newest first, at
    /// most [`PASSWORD_HISTORY`].
    async fn password_history(&self, id: UserId) -> StoreResult<Vec<String>>;
    /// Disabling also ends the account's sessions and revokes its API tokens.
    async fn set_disabled(&self, actor: &Actor, id: UserId, disabled: bool) -> StoreResult<User>;

    async fn grant(&self, actor: &Actor, user_id: UserId, grant: Grant) -> StoreResult<RoleGrant>;
    async fn revoke(&self, actor: &Actor, grant_id: GrantId) -> StoreResult<()>;
    async fn grants(&self, user_id: UserId) -> StoreResult<Vec<RoleGrant>>;
    /// Every grant of every user (the admin's accounts page).
    async fn all_grants(&self) -> StoreResult<Vec<RoleGrant>>;

    /// Stores a token's hash; the caller shows the token once.
    async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: UserId,
        name: &str,
        token_hash: &str,
    ) -> StoreResult<ApiToken>;
    /// The token and its (enabled) user, or `None` when unknown, revoked or the user disabled.
    async fn api_token_user(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, User)>>;
    async fn revoke_api_token(&self, actor: &Actor, id: TokenId) -> StoreResult<()>;
    async fn api_tokens(&self, user_id: UserId) -> StoreResult<Vec<ApiToken>>;
}

/// Login sessions. Creating and ending a session are audited (`session.login`,
/// `session.logout`); failed logins are audited by [`SessionStore::record_login_failure`].
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, actor: &Actor, session: &Session) -> StoreResult<()>;
    /// The session and its user when the session exists, has not expired at `now` and the
    /// user is not disabled.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<(Session, User)>>;
    async fn delete_session(&self, actor: &Actor, token_hash: &str) -> StoreResult<()>;
    /// Ends every session of an account except `keep` (the one changing its password),
    /// audited as one `session.end_all` entry with the count; returns how many ended.
    async fn end_sessions(
        &self,
        actor: &Actor,
        user_id: UserId,
        keep: Option<&str>,
    ) -> StoreResult<u64>;
    /// Removes expired sessions (not audited: nobody changed anything).
    async fn purge_sessions(&self, now: Timestamp) -> StoreResult<u64>;
    /// Appends `session.login_failed` for `login` (which may not exist) to the audit log.
    async fn record_login_failure(&self, actor: &Actor, login: &str) -> StoreResult<()>;
}

/// The append-only audit log: read only. Entries are written by the other traits' methods.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Newest first.
    async fn audit(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>>;
    async fn count_audit(&self) -> StoreResult<i64>;
}

/// Uploaded reports with their original bytes (deduplicated by SHA-256) and checked result.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// Keeps the bytes once per SHA-256, then the upload row, and makes it a version of its
    /// (unit, year) report, in one transaction (as [`CycleStore::add_upload_version`] with the
    /// plan of the report's state as it is: refused with [`StoreError::Conflict`] when that
    /// state takes no versions).
    async fn create_upload(&self, actor: &Actor, new: &NewUpload) -> StoreResult<UploadSummary>;
    async fn upload(&self, id: UploadId) -> StoreResult<UploadDetail>;
    /// The original bytes of an upload.
    async fn upload_bytes(&self, id: UploadId) -> StoreResult<Vec<u8>>;
    /// A unit's uploads, newest first; one year or all.
    async fn uploads_of_unit(
        &self,
        unit_id: UnitId,
        year: Option<i32>,
    ) -> StoreResult<Vec<UploadSummary>>;
    /// Marks an upload published (`Some(now)`) or withdraws it (`None`).
    async fn set_published(
        &self,
        actor: &Actor,
        id: UploadId,
        at: Option<Timestamp>,
    ) -> StoreResult<UploadSummary>;
    /// Published uploads, newest first (the public portal).
    async fn published_uploads(&self, offset: u32, limit: u32) -> StoreResult<Page<UploadSummary>>;
    async fn unit_overview(&self, q: &UnitOverviewQuery) -> StoreResult<Page<UnitOverviewRow>>;
    /// How many units of [`ReportStore::unit_overview`]'s scope (region, search) have at
    /// least one upload of `q.year` ("已上传 M 个"); sort and paging are ignored.
    async fn count_units_uploaded(&self, q: &UnitOverviewQuery) -> StoreResult<i64>;
    /// Years that have at least one upload, newest first.
    async fn upload_years(&self) -> StoreResult<Vec<i32>>;
}

/// The ledger (台账): records of a unit's year of work, their attachments. Every change is
/// audited in its transaction: `record.create`, `record.update`, `record.delete`,
/// `record.restore` (entity `record`, placed at the record's unit, before/after the JSON of
/// the [`LedgerRow`] without attachments), `record.import` (one `record.create` per row, then
/// the summary `{kind, count}`; `kind` is null when the rows are of several kinds),
/// `attachment.create`, `attachment.delete` (entity `attachment`, the [`Attachment`] as
/// JSON, placed at its record's unit). A change answered as a no-op (deleting a deleted
/// record) writes nothing.
///
/// The store checks nothing of the law: fields are parsed and procedures checked by the
/// caller with `fazhi_domain` before anything is saved. It refuses only what it cannot keep:
/// a year outside [`LEDGER_YEARS`], an unknown unit, an attachment over
/// [`MAX_ATTACHMENT_BYTES`].
#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// Fails with [`StoreError::NotFound`] for an unknown unit, [`StoreError::Invalid`] for a
    /// year outside [`LEDGER_YEARS`].
    async fn create_record(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        data: &fazhi_domain::ledger::RecordData,
    ) -> StoreResult<LedgerRow>;
    /// Replaces kind-specific fields, year and indicators (the kind itself never changes:
    /// [`StoreError::Invalid`]). `version` is the one the user edited; another change since
    /// then answers [`StoreError::Conflict`] and nothing is written. A deleted record cannot
    /// be edited ([`StoreError::Invalid`]).
    async fn update_record(
        &self,
        actor: &Actor,
        id: fazhi_domain::ledger::RecordId,
        data: &fazhi_domain::ledger::RecordData,
        version: i64,
    ) -> StoreResult<LedgerRow>;
    /// Soft deletion (sets `deleted_at`, raises the version); deleting a deleted record is a
    /// no-op answer.
    async fn delete_record(
        &self,
        actor: &Actor,
        id: fazhi_domain::ledger::RecordId,
    ) -> StoreResult<LedgerRow>;
    /// Undoes a soft deletion (raises the version); restoring a live record is a no-op answer.
    async fn restore_record(
        &self,
        actor: &Actor,
        id: fazhi_domain::ledger::RecordId,
    ) -> StoreResult<LedgerRow>;
    /// One record, deleted or not, with its attachments.
    async fn record(&self, id: fazhi_domain::ledger::RecordId) -> StoreResult<LedgerRow>;
    /// Rows of the query with `total` the count of all matching rows. Attachments are
    /// filled in too (lists show a paperclip and count).
    async fn records(&self, q: &LedgerQuery) -> StoreResult<Page<LedgerRow>>;
    /// Creates all rows in one transaction (all or nothing); answers how many. Rows with a
    /// year outside [`LEDGER_YEARS`] make the whole call fail with [`StoreError::Rows`]
    /// listing every such row (line = 1-based position in `rows`).
    async fn import_records(
        &self,
        actor: &Actor,
        unit_id: UnitId,
        rows: &[fazhi_domain::ledger::RecordData],
    ) -> StoreResult<u64>;
    /// Keeps the bytes once per SHA-256 (the `blobs` table uploads use) and links them.
    /// Refused for a deleted record, an empty file name or bytes over
    /// [`MAX_ATTACHMENT_BYTES`].
    async fn add_attachment(
        &self,
        actor: &Actor,
        record_id: fazhi_domain::ledger::RecordId,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> StoreResult<Attachment>;
    /// The attachment and its bytes ([`StoreError::NotFound`] once deleted).
    async fn attachment(&self, id: AttachmentId) -> StoreResult<(Attachment, Vec<u8>)>;
    /// Unlinks an attachment (the bytes stay in `blobs` for the audit trail).
    async fn delete_attachment(&self, actor: &Actor, id: AttachmentId) -> StoreResult<()>;
    /// Years in which a unit has at least one (not deleted) record, newest first.
    async fn ledger_years(&self, unit_id: UnitId) -> StoreResult<Vec<i32>>;
}

/// The reporting cycle (年度报告的审定、报送、审阅、保密审查和公开): a unit's report of a year,
/// its versions, the steps between its states, the 保密审查, deadlines, the 上级业务主管部门 and
/// the messages to accounts.
///
/// The caller decides with `fazhi_domain::cycle::check_step` and asks the store to write; the
/// store only guards against races: a report whose state changed since the caller read it
/// answers [`StoreError::Conflict`] ("报告状态已变化（现为“…”），请刷新后重试") and nothing is
/// written. Every write keeps the report's status row current (state, stamps, the current
/// version's score, `revision` + 1) in the transaction of its history row
/// (`report_events`) and its audit entry: `report.add_version` and `report.correct` (after the
/// `upload.create` of the version's file), `report.request_approval`, `report.approve`,
/// `report.send_back`, `report.submit`, `report.return`, `report.accept`, `report.publish`,
/// `report.withhold` (before/after the status row, with the step's comment),
/// `report.review`, `deadline.set` and `unit.superior`. Notifications are messages, not
/// changes of record: not audited.
#[async_trait]
pub trait CycleStore: Send + Sync {
    /// Stores an upload and makes it a version of its (unit, year) report, in one
    /// transaction: creates the report in `draft` when there is none; refuses with
    /// [`StoreError::Conflict`] unless the report's state is `plan.expected` (`None`: no
    /// report yet); the version becomes the current one (its score and findings copied to the
    /// report), the state `plan.to`. A correction ([`VersionPlan::correct`]) publishes the new
    /// version at once, marks the versions published before it superseded, records its
    /// 保密审查, and keeps the report's first publication time (the deadline counted that one).
    async fn add_upload_version(
        &self,
        actor: &Actor,
        new: &NewUpload,
        plan: &VersionPlan,
    ) -> StoreResult<(UploadSummary, CycleReport)>;
    /// The report of a unit's year, if there is one.
    async fn report_of(&self, unit: UnitId, year: i32) -> StoreResult<Option<CycleReport>>;
    /// A unit's reports of all years, newest year first.
    async fn reports_of_unit(&self, unit: UnitId) -> StoreResult<Vec<CycleReport>>;
    /// A report with its unit, versions (newest first), history, comments and reviews.
    async fn cycle_report(&self, id: ReportId) -> StoreResult<ReportDetail>;
    /// Writes a step (not `add_version` or `correct`, written with their version; a
    /// `review_confidentiality` step records `w.review` as [`CycleStore::record_review`] does,
    /// of the current version) in one transaction: the state from `w.expected` to `w.to`
    /// ([`StoreError::Conflict`] when it is no longer `w.expected`); `approve` stamps the
    /// current version as approved; `submit` stamps the report submitted at `w.at` with
    /// `w.on_time`, and `publish` stamps report and current version published, both only the
    /// first time: a re-submission after a return keeps the first submission's time and flag,
    /// since the deadline is measured on the first; the comments, the history row and the
    /// notifications (an empty `dedup` is filled with the event's id).
    async fn take_step(&self, actor: &Actor, w: &StepWrite) -> StoreResult<CycleReport>;
    /// Several steps in one transaction, each written as [`CycleStore::take_step`] writes it
    /// (each checked against its `expected` state, each audited): all or none (the demo's
    /// reports, a unit's history at once).
    async fn take_steps(&self, actor: &Actor, ws: &[StepWrite]) -> StoreResult<Vec<CycleReport>>;
    /// Records a 保密审查 of one of the report's versions (any state: the caller checks).
    /// [`ReportDetail::current_review`] is the latest of the current version.
    async fn record_review(
        &self,
        actor: &Actor,
        report: ReportId,
        version: VersionId,
        review: &NewReview,
    ) -> StoreResult<ConfidentialityReview>;

    /// The settings of `year` of those of `regions` that set something (ordered by region
    /// id; the caller orders the chain and resolves it with `Deadlines::resolve`).
    async fn deadline_settings(
        &self,
        year: i32,
        regions: &[RegionId],
    ) -> StoreResult<Vec<(RegionId, DeadlineSetting)>>;
    /// Sets a region's setting of a year; a setting that sets nothing deletes it.
    async fn set_deadline_setting(
        &self,
        actor: &Actor,
        region: RegionId,
        year: i32,
        setting: &DeadlineSetting,
    ) -> StoreResult<()>;

    /// Sets (or clears) a unit's 上级业务主管部门. Refuses the unit itself and a unit below it
    /// in the chain of superiors (a cycle) with [`StoreError::Invalid`].
    async fn set_superior_unit(
        &self,
        actor: &Actor,
        unit: UnitId,
        superior: Option<UnitId>,
    ) -> StoreResult<()>;
    async fn superior_unit(&self, unit: UnitId) -> StoreResult<Option<UnitId>>;
    /// The units whose superior is `superior`, by code.
    async fn subordinate_units(&self, superior: UnitId) -> StoreResult<Vec<UnitId>>;

    /// The board of a region's year: a page of units with their reports and the counts over
    /// the whole filtered scope.
    async fn board(&self, q: &BoardQuery) -> StoreResult<Board>;
    /// How many reports of `year` at or below `region` were first submitted on each day
    /// (China's date), in date order.
    async fn submissions_per_day(
        &self,
        region: RegionId,
        year: i32,
    ) -> StoreResult<Vec<(NaiveDate, i64)>>;

    /// An account's messages, newest first (`limit` 0 means 50).
    async fn notifications(
        &self,
        user: UserId,
        unread_only: bool,
        offset: u32,
        limit: u32,
    ) -> StoreResult<Page<Notification>>;
    async fn unread_notifications(&self, user: UserId) -> StoreResult<i64>;
    /// Marks one message (another account's answers [`StoreError::NotFound`]) or all of the
    /// account's messages read; answers how many were unread.
    async fn mark_notifications_read(
        &self,
        user: UserId,
        id: Option<NotificationId>,
    ) -> StoreResult<u64>;
    /// Writes messages, skipping those whose dedup key is already there (reminders written by
    /// several servers); answers how many were written.
    async fn add_notifications(&self, items: &[NewNotification]) -> StoreResult<u64>;
    /// The enabled accounts holding `role` at the placement's unit or one of its regions.
    async fn users_with_role_at(&self, place: &Placement, role: Role) -> StoreResult<Vec<UserId>>;
}

/// How many replaced password hashes the store keeps per account (the domain's policy).
pub const PASSWORD_HISTORY: usize = fazhi_domain::policy::PASSWORD_HISTORY;

/// The years a ledger record may count toward: the domain's one range,
/// [`fazhi_domain::ReportYear::RANGE`] (the schema's own check, 1949–2100, is a wider
/// backstop).
pub const LEDGER_YEARS: std::ops::RangeInclusive<i32> = fazhi_domain::ReportYear::RANGE;

/// Largest attachment the store keeps (50 MB); larger files are refused naming this limit.
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

/// Operations on the store as a whole.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// The migration version the database is at.
    async fn schema_version(&self) -> StoreResult<i64>;
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// An online, consistent copy of the whole database into `dest` (a new file). SQLite
    /// only; PostgreSQL answers [`StoreError::Unsupported`] naming the `pg_dump` command.
    async fn backup_to(&self, dest: &Path) -> StoreResult<()>;
    /// Closes the pool, waiting for running statements.
    async fn close(&self);
}

/// Everything; the server holds an `Arc<dyn Store>`.
pub trait Store:
    OrgStore
    + UserStore
    + SessionStore
    + AuditStore
    + ReportStore
    + CycleStore
    + LedgerStore
    + AdminStore
{
}

impl<
        T: OrgStore
            + UserStore
            + SessionStore
            + AuditStore
            + ReportStore
            + CycleStore
            + LedgerStore
            + AdminStore,
    > Store for T
{
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// An SQLite database file (created and migrated when missing). WAL mode, busy timeout,
    /// write transactions begun IMMEDIATE, `synchronous=FULL`.
    Sqlite(std::path::PathBuf),
    /// A `postgres://…` URL.
    Postgres(String),
}

/// The latest migration this program knows (`migrations/{sqlite,postgres}/NNNN_*.sql`; both
/// backends always have the same numbers). A database at a higher version is refused with
/// [`StoreError::TooNew`] rather than touched.
pub const SCHEMA_VERSION: i64 = 4;

/// Connects to the database (creating an SQLite file when missing) and brings its schema up
/// to [`SCHEMA_VERSION`].
pub async fn open(target: &DbTarget) -> StoreResult<std::sync::Arc<dyn Store>> {
    Ok(match target {
        DbTarget::Sqlite(path) => std::sync::Arc::new(open_sqlite(path).await?),
        DbTarget::Postgres(url) => std::sync::Arc::new(open_postgres(url).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_version_is_the_latest_migration_of_both_backends() {
        for migrator in [&sqlite::MIGRATOR, &postgres::MIGRATOR] {
            let versions: Vec<i64> = migrator.iter().map(|m| m.version).collect();
            assert_eq!(versions.last(), Some(&SCHEMA_VERSION));
            // Numbered 1, 2, 3 … without gaps, the same on both backends.
            assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
        }
    }
}
