//! The audit log: entries below a region, and the regions whose log a person may read.

use super::access::{region_allowing, top_regions_allowing};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use fazhi_domain::Action;
use fazhi_store::{AuditEntry, AuditFilter, Region};

/// Entries below a region the person may read the audit log of. Without a region, the
/// person's first top region where he holds the right is used (the store lists parents
/// before children, so this is the first region where he holds it).
pub async fn audit(
    state: &AppState,
    p: &Principal,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>> {
    let mut filter = filter.clone();
    let region = match filter.region_id {
        Some(r) => r,
        None => top_regions_allowing(state, p, Action::ReadAudit)
            .await?
            .first()
            .map(|r| r.id)
            .ok_or(Error::Forbidden)?,
    };
    let region = region_allowing(state, p, region, Action::ReadAudit).await?;
    filter.region_id = Some(region.id());
    filter.limit = filter.limit.clamp(1, 10_000);
    Ok(state.audit_log().audit(&filter).await?)
}

/// The top regions whose audit log a person may read (for the audit page's region choice).
pub async fn audit_regions(state: &AppState, p: &Principal) -> Result<Vec<Region>> {
    let top = top_regions_allowing(state, p, Action::ReadAudit).await?;
    if top.is_empty() {
        return Err(Error::Forbidden);
    }
    Ok(top)
}
