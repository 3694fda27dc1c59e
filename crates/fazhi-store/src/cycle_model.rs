//! The reporting cycle's rows as the store hands them out ([`crate::CycleStore`]), and what
//! its writes take. The rules (which step, from which state, by whom) are
//! `fazhi_domain::cycle`'s; these are plain data.

use crate::{Page, Timestamp, UploadSummary};
use chrono::NaiveDate;
use fazhi_domain::cycle::{Confidentiality, ReportState, Situation, Step};
use fazhi_domain::org::Unit;
use fazhi_domain::{RegionId, UnitId, UnitKind, UserId};
use serde::{Deserialize, Serialize};

pub use fazhi_domain::{CommentId, NotificationId, ReportId, VersionId};

/// A unit's report of a year: the status row, kept current in the transaction of every step
/// (the board reads it, never the history). `revision` starts at 1 and grows with every write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleReport {
    pub id: ReportId,
    pub unit_id: UnitId,
    pub year: i32,
    pub state: ReportState,
    pub current_version: Option<VersionId>,
    /// How many versions the report has.
    pub versions: i32,
    /// The first submission (报送): a re-submission after a return keeps it.
    pub submitted_at: Option<Timestamp>,
    pub submitted_on_time: Option<bool>,
    /// The first publication: a correction keeps it.
    pub published_at: Option<Timestamp>,
    pub published_on_time: Option<bool>,
    /// Of the current version (copied from its upload).
    pub score: Option<i32>,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
    pub updated_at: Timestamp,
    pub revision: i32,
}

/// A version of a report: today an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportVersion {
    pub id: VersionId,
    pub report_id: ReportId,
    /// 1, 2, … in the order the versions were added.
    pub n: i32,
    pub upload: UploadSummary,
    pub created_at: Timestamp,
    pub created_by_login: String,
    pub approved_at: Option<Timestamp>,
    pub approved_by_login: Option<String>,
    pub published_at: Option<Timestamp>,
    /// Set when a correction published a newer version; the version stays visible.
    pub superseded_at: Option<Timestamp>,
    /// The 更正说明 of a correction.
    pub correction_note: Option<String>,
}

/// One step of a report's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEvent {
    pub id: i64,
    pub report_id: ReportId,
    pub step: Step,
    /// `None` for the step that created the report.
    pub from_state: Option<ReportState>,
    pub to_state: ReportState,
    pub version_id: Option<VersionId>,
    pub actor_id: Option<UserId>,
    pub actor_login: String,
    pub at: Timestamp,
    pub comment: Option<String>,
}

/// A supervisor's comment on a return, anchored to a part or a paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewComment {
    pub id: CommentId,
    pub report_id: ReportId,
    /// The `return` (or `send_back`) event it came with.
    pub event_id: i64,
    pub version_id: Option<VersionId>,
    /// A part key (`shortcomings`), `p12` for the 12th paragraph, `""` for the whole report.
    pub anchor: String,
    /// The words the comment points at (may be empty).
    pub quote: String,
    pub body: String,
    pub author_login: String,
    pub at: Timestamp,
}

/// A comment written with a step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewComment {
    pub anchor: String,
    pub quote: String,
    pub body: String,
}

/// A 保密审查 of a version: who reviewed, when, and the conclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfidentialityReview {
    pub id: i64,
    pub report_id: ReportId,
    pub version_id: VersionId,
    /// The person who reviewed (a name the unit types).
    pub reviewer: String,
    pub reviewed_on: NaiveDate,
    pub conclusion: Confidentiality,
    pub recorded_by_login: String,
    pub recorded_at: Timestamp,
}

/// A 保密审查 to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReview {
    pub reviewer: String,
    pub reviewed_on: NaiveDate,
    pub conclusion: Confidentiality,
}

/// A report with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub report: CycleReport,
    pub unit: Unit,
    /// Newest first.
    pub versions: Vec<ReportVersion>,
    /// Oldest first.
    pub events: Vec<ReportEvent>,
    /// Oldest first.
    pub comments: Vec<ReviewComment>,
    /// Every 保密审查 recorded, oldest first.
    pub reviews: Vec<ConfidentialityReview>,
}

impl ReportDetail {
    /// The latest 保密审查 of the current version (what publication rests on).
    pub fn current_review(&self) -> Option<&ConfidentialityReview> {
        let current = self.report.current_version?;
        self.reviews.iter().rev().find(|r| r.version_id == current)
    }

    /// The current version.
    pub fn current_version(&self) -> Option<&ReportVersion> {
        let current = self.report.current_version?;
        self.versions.iter().find(|v| v.id == current)
    }

    /// What `fazhi_domain::cycle::check_step` needs to know of the report.
    pub fn situation(&self) -> Situation {
        Situation {
            state: self.report.state,
            has_version: self.report.current_version.is_some(),
            review: self.current_review().map(|r| r.conclusion.clone()),
        }
    }
}

/// A correction (更正) of a published report: the new version is published with its note
/// and its 保密审查.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub note: String,
    pub review: NewReview,
}

/// What adding a version does to the report, as the caller decided with
/// `fazhi_domain::cycle::check_step` (`Step::AddVersion`, or `Step::Correct`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPlan {
    /// The state the caller saw (`None`: no report yet). Another state at the write answers
    /// [`crate::StoreError::Conflict`].
    pub expected: Option<ReportState>,
    /// The state after the version is added.
    pub to: ReportState,
    /// Set for a correction of a published report.
    pub correction: Option<Correction>,
}

impl VersionPlan {
    /// A version added by staff to a report in `expected` (`None`: the first).
    pub fn add(expected: Option<ReportState>) -> VersionPlan {
        let to = expected.map_or(ReportState::Draft, |s| Step::AddVersion.to_state(s));
        VersionPlan {
            expected,
            to,
            correction: None,
        }
    }

    /// A correction of a published report.
    pub fn correct(correction: Correction) -> VersionPlan {
        VersionPlan {
            expected: Some(ReportState::Published),
            to: ReportState::Published,
            correction: Some(correction),
        }
    }
}

/// A step to write, as the caller decided with `fazhi_domain::cycle::check_step`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepWrite {
    pub report: ReportId,
    pub step: Step,
    /// The state the caller saw; another state at the write answers
    /// [`crate::StoreError::Conflict`].
    pub expected: ReportState,
    pub to: ReportState,
    pub comment: Option<String>,
    /// The comments of a return (or a send-back).
    pub comments: Vec<NewComment>,
    /// When the step was taken (the stamp of a submission or publication).
    pub at: Timestamp,
    /// Submission or publication against its deadline (`Timeliness::on_time`).
    pub on_time: Option<bool>,
    /// Messages to write with the step (an empty `dedup` is filled with the event's id).
    pub notify: Vec<NewNotification>,
    /// The 保密审查 of a `review_confidentiality` step, of the current version (the same as
    /// [`crate::CycleStore::record_review`], in a transaction with other steps).
    pub review: Option<NewReview>,
}

/// A message for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    /// What it is about, as a key (`report.submit`, `deadline.submission` …).
    pub kind: String,
    pub unit_id: UnitId,
    pub report_id: Option<ReportId>,
    pub year: i32,
    pub message: String,
    /// Where the message leads (a path of the site).
    pub link: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A message to write. Kept once per (user, kind, unit, year, `dedup`): a reminder written
/// twice (by several servers) is written once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewNotification {
    pub user_id: UserId,
    pub kind: String,
    pub unit_id: UnitId,
    pub report_id: Option<ReportId>,
    pub year: i32,
    pub dedup: String,
    pub message: String,
    pub link: String,
}

/// The board's filter on the report's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    /// Units without a report of the year.
    NoReport,
    State(ReportState),
}

/// The board's filter on a submission or a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoneFilter {
    OnTime,
    Late,
    /// Not (yet) done.
    NotDone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardSort {
    #[default]
    UnitCode,
    Name,
    State,
    SubmittedAt,
    PublishedAt,
    Score,
}

/// Which units the board lists: the units of `kinds` at or below `region` with their report
/// of `year` (if any), narrowed by the filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    pub region: RegionId,
    pub year: i32,
    /// The unit kinds that must report (`Deadlines::kinds`); empty lists nothing.
    pub kinds: Vec<UnitKind>,
    pub state: Option<StateFilter>,
    pub submitted: Option<DoneFilter>,
    pub published: Option<DoneFilter>,
    /// A region below `region` (its subtree).
    pub sub_region: Option<RegionId>,
    pub unit_kind: Option<UnitKind>,
    /// Units whose 上级业务主管部门 is this unit.
    pub superior: Option<UnitId>,
    /// Substring of the unit's name, short name or code.
    pub search: Option<String>,
    pub sort: BoardSort,
    pub descending: bool,
    pub offset: u32,
    /// At most [`MAX_BOARD_PAGE`]; 0 means 50.
    pub limit: u32,
}

/// Largest page of the board.
pub const MAX_BOARD_PAGE: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub unit: Unit,
    pub region_name: String,
    pub report: Option<CycleReport>,
}

/// Counts over the whole filtered scope (not the page).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BoardCounts {
    pub units: i64,
    /// Units without a report of the year.
    pub none: i64,
    /// Per state, every state listed (0 when none), in `ReportState::ALL` order.
    pub states: Vec<(ReportState, i64)>,
    pub submitted_on_time: i64,
    pub submitted_late: i64,
    pub published_on_time: i64,
    pub published_late: i64,
}

impl BoardCounts {
    /// The count of one state.
    pub fn of(&self, state: ReportState) -> i64 {
        self.states
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub rows: Page<BoardRow>,
    pub counts: BoardCounts,
}
