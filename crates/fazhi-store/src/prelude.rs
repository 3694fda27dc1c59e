//! What every capability module uses: the SQL layer, the row mappers, the audit writer, the
//! models and the traits.

pub(crate) use crate::audit::*;
pub(crate) use crate::backend::{Backend, Db};
pub(crate) use crate::org::*;
pub(crate) use crate::org_import::*;
pub(crate) use crate::rows::*;
pub(crate) use crate::sql::{
    query, query_scalar, Col, DbConn, DbRow, Executor, IdCol, Kind, QueryBuilder, BATCH_ROWS,
};
pub(crate) use crate::util::{
    common_placement, db, dec_json, kind_from_key, level_from_key, like_escape, now,
    path_from_text, path_to_text, prefix_upper, role_from_key, sha256_hex, status_from_key,
    status_key, subtree_range, to_json, unique_or,
};
pub(crate) use crate::{
    Actor, ApiToken, AuditEntry, AuditFilter, AuditStore, ImportSummary, NewRegion, NewUnit,
    NewUpload, NewUser, OrgRow, OrgStore, Page, PasswordSet, Region, ReportStore, RoleGrant,
    RowError, Session, SessionStore, StoreError, StoreResult, Timestamp, Unit, UnitOverviewQuery,
    UnitOverviewRow, UnitSort, UploadDetail, UploadId, UploadSummary, User, UserStore,
    PASSWORD_HISTORY,
};
pub(crate) use crate::{Attachment, LedgerQuery, LedgerRow, LedgerStore, MAX_ATTACHMENT_BYTES};
pub(crate) use crate::{
    ConfidentialityReview, CycleReport, NewNotification, Notification, ReportDetail, ReportEvent,
    ReportId, ReportVersion, ReviewComment, VersionId,
};
pub(crate) use async_trait::async_trait;
pub(crate) use chrono::NaiveDate;
pub(crate) use fazhi_domain::cycle::{Confidentiality, ReportState, Step};
pub(crate) use fazhi_domain::ledger::{Fields, Record, RecordData, RecordId, RecordKind};
pub(crate) use fazhi_domain::org::{ImportPlan, ImportStep, OrgSnapshot};
pub(crate) use fazhi_domain::{
    AttachmentId, Grant, GrantId, Node, Placement, RegionId, RegionLevel, TokenId, UnitId,
    UnitKind, UserId,
};
pub(crate) use serde_json::{json, Value};
pub(crate) use sqlx::types::Json;
pub(crate) use std::collections::HashMap;
