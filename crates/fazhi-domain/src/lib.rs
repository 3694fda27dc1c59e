//! Fazhi's domain: the vocabulary of 法治政府建设 as plain data and pure functions.
//!
//! This crate does no IO: the framework data files are compiled in as the default, and an
//! operator's override files, read by the binary once at start, are handed in as data
//! ([`Frameworks::with_overrides`]).

pub mod access;
pub mod calendar;
pub mod cycle;
mod error;
pub mod framework;
pub mod frameworks;
mod id;
pub mod ledger;
pub mod org;
mod outline;
mod part;
pub mod password;
pub mod policy;
pub mod procedure;
mod settings;
pub mod text;
mod unit;
mod year;

pub use calendar::HolidayCalendar;
pub use error::DomainError;
pub use framework::{Framework, Indicator};
pub use frameworks::{FrameworkError, FrameworkFile, Frameworks, PasswordList};
pub use id::{
    AttachmentId, AuditId, CommentId, GrantId, NotificationId, RecordId, ReportId, TokenId,
    UploadId, VersionId,
};
pub use org::{
    allows, Action, Grant, Node, OrgRow, OrgSnapshot, Placement, Region, RegionCode, RegionId,
    RegionLevel, Role, RowError, Unit, UnitCode, UnitId, UnitKind, UserId,
};
pub use outline::{Outline, OutlinePart};
pub use part::{Part, FIVE_PARTS};
pub use policy::{check_login, check_password, Login, LoginProblem, PasswordProblem};
pub use procedure::{ProcedureSettings, Violation};
pub use settings::{MonthDay, RuleSettings};
pub use unit::{UnitAliases, UnitName};
pub use year::ReportYear;
