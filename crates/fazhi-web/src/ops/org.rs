//! The organisation: regions and units, their forms, the import and export sheets, and the
//! part of the tree an admin manages.

use super::access::{
    readable_units, region_allowing, require_at_root, require_org_import, require_org_parent,
    units_allowing,
};
use super::files::{clean_filename, file_slot};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use chrono::Utc;
use fazhi_domain::access::{holds_at_root, may_bootstrap};
use fazhi_domain::{Action, Grant, Node, Placement, RegionCode, RegionId, Role, UnitCode, UnitId};
use fazhi_store::Region;
use std::collections::HashMap;

/// A name as typed: trimmed, not empty, without control characters, at most `max`.
fn org_text(what: &str, value: &str, max: usize) -> Result<String> {
    fazhi_domain::text::check_name(value, max).map_err(|p| Error::BadRequest(p.message(what)))
}

/// A region's code as typed, by the domain's one rule ([`RegionCode::parse`]).
fn region_code(value: &str) -> Result<RegionCode> {
    RegionCode::parse_message(value).map_err(Error::BadRequest)
}

/// A unit's code as typed, by the domain's one rule ([`UnitCode::parse`]).
fn unit_code(value: &str) -> Result<UnitCode> {
    UnitCode::parse_message(value).map_err(Error::BadRequest)
}

/// The whole region tree (parents before children) for any signed-in person: the names of
/// administrative divisions are public, and every role needs them to find its way.
pub async fn all_regions(state: &AppState, _signed_in: &Principal) -> Result<Vec<Region>> {
    Ok(state.org().regions().await?)
}

/// An admin adds a region below one he manages (a top-level region: a root admin only).
pub async fn create_region(
    state: &AppState,
    p: &Principal,
    parent_id: Option<RegionId>,
    code: &str,
    name: &str,
    level: fazhi_domain::RegionLevel,
) -> Result<Region> {
    let code = region_code(code)?;
    let name = org_text("区划名称", name, 100)?;
    let (parent_id, actor, bootstrap) = match parent_id {
        Some(parent) => {
            let parent = region_allowing(state, p, parent, Action::ManageOrg).await?;
            (Some(parent.id()), parent.actor(), false)
        }
        None => {
            let root = require_at_root(state, p, Action::ManageOrg).await?;
            (None, root.actor(), root.bootstrap())
        }
    };
    let new = fazhi_store::NewRegion {
        parent_id,
        code,
        name,
        level,
    };
    let region = state.org().create_region(&actor, &new).await?;
    if bootstrap {
        let grant = Grant {
            role: Role::Admin,
            node: Node::Region(region.id),
        };
        state.users().grant(&actor, p.user.id, grant).await?;
    }
    Ok(region)
}

/// An admin renames or recodes a region; he must manage its parent (a county admin cannot
/// rename his own county).
/// A field left `None` stays as it is.
pub async fn update_region(
    state: &AppState,
    p: &Principal,
    id: RegionId,
    code: Option<&str>,
    name: Option<&str>,
) -> Result<Region> {
    let region = state.org().region(id).await?;
    let parent = require_org_parent(
        state,
        p,
        &region.path[..region.path.len().saturating_sub(1)],
    )
    .await?;
    let code = region_code(code.unwrap_or(&region.code))?;
    let name = org_text("区划名称", name.unwrap_or(&region.name), 100)?;
    Ok(state
        .org()
        .update_region(&parent.actor(), region.id, &name, &code)
        .await?)
}

/// The units a person may read, at or below `region` when given.
pub async fn units_below(
    state: &AppState,
    p: &Principal,
    region: Option<RegionId>,
) -> Result<Vec<fazhi_store::Unit>> {
    if let Some(r) = region {
        state.org().region(r).await?;
    }
    let units = readable_units(state, p).await?;
    Ok(match region {
        Some(r) => units
            .into_iter()
            .filter(|u| u.region_path.contains(&r))
            .collect(),
        None => units,
    })
}

/// A unit as typed in a form or an API body, before [`clean_new_unit`] parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub region_id: RegionId,
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub kind: fazhi_domain::UnitKind,
}

impl UnitInput {
    /// The unit as it is, to be changed field by field.
    pub fn of(u: &fazhi_store::Unit) -> UnitInput {
        UnitInput {
            region_id: u.region_id,
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind,
        }
    }
}

fn clean_new_unit(new: &UnitInput) -> Result<fazhi_store::NewUnit> {
    let short_name = new.short_name.trim();
    if !short_name.is_empty() {
        org_text("单位简称", short_name, 50)?;
    }
    Ok(fazhi_store::NewUnit {
        region_id: new.region_id,
        code: unit_code(&new.code)?,
        name: org_text("单位名称", &new.name, 100)?,
        short_name: short_name.to_string(),
        kind: new.kind,
    })
}

/// An admin adds a unit to a region he manages.
pub async fn create_unit(
    state: &AppState,
    p: &Principal,
    new: &UnitInput,
) -> Result<fazhi_store::Unit> {
    let new = clean_new_unit(new)?;
    let region = region_allowing(state, p, new.region_id, Action::ManageOrg).await?;
    let new = fazhi_store::NewUnit {
        region_id: region.id(),
        ..new
    };
    Ok(state.org().create_unit(&region.actor(), &new).await?)
}

/// An admin changes a unit (`change` turns the unit as it is into the unit as it will be);
/// moving it needs `ManageOrg` at both its old and new region.
pub async fn update_unit(
    state: &AppState,
    p: &Principal,
    id: UnitId,
    change: impl FnOnce(&fazhi_store::Unit) -> UnitInput,
) -> Result<fazhi_store::Unit> {
    let unit = state.org().unit(id).await?;
    // Where it sits now: `ManageOrg` at its region (a unit always has one).
    let now = require_org_parent(state, p, &unit.region_path).await?;
    let new = clean_new_unit(&change(&unit))?;
    if new.region_id != unit.region_id {
        region_allowing(state, p, new.region_id, Action::ManageOrg).await?;
    }
    Ok(state.org().update_unit(&now.actor(), unit.id, &new).await?)
}

/// Applies organisation rows (with their line numbers) all together or not at all. Every
/// row that changes something must stay within the importer's reach: where its thing sits
/// now (for an update) and where it will sit (its parent, traced through rows of the same
/// batch to a region that exists). Rows that repeat what is there need no right, so an
/// admin can import his own export again (it names his region under its parent). Rows
/// naming unknown parents reach nothing; the plan refuses them. The plan and its reach are
/// `fazhi_domain::org::plan_import`'s.
pub async fn import_org_rows(
    state: &AppState,
    p: &Principal,
    rows: &[(usize, fazhi_store::OrgRow)],
) -> Result<fazhi_store::ImportSummary> {
    // Only admins import, even a sheet that changes nothing.
    require_org_import(p)?;
    if rows.is_empty() {
        return Err(Error::BadRequest("没有要导入的数据行".into()));
    }
    // One plan against the organisation as it is (names and codes by the same rule as the
    // forms, every bad row at once); rights are checked where the plan reaches before any
    // refused row is shown, then the store applies the plan.
    let snapshot = state.org().org_snapshot().await?;
    let plan = match fazhi_domain::org::plan_import(&snapshot, rows) {
        Ok(plan) => plan,
        Err(refusal) => {
            for path in &refusal.reach {
                require_org_parent(state, p, path).await?;
            }
            return Err(Error::Rows(refusal.errors));
        }
    };
    for path in plan.reach() {
        require_org_parent(state, p, path).await?;
    }
    Ok(state.org().apply_org_plan(&p.actor(), &plan).await?)
}

/// An organisation sheet (CSV or XLSX) read with `fazhi_sheet` and imported; every bad
/// row of the file is reported at once and nothing is imported.
pub async fn import_org_file(
    state: &AppState,
    p: &Principal,
    filename: &str,
    bytes: Vec<u8>,
) -> Result<fazhi_store::ImportSummary> {
    let limits = fazhi_sheet::Limits {
        max_bytes: state.config.max_upload_bytes,
        ..fazhi_sheet::Limits::default()
    };
    if bytes.is_empty() {
        return Err(Error::BadRequest("文件为空".into()));
    }
    let name = clean_filename(filename);
    let slot = file_slot(state).await?;
    let parsed = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        fazhi_sheet::read(&name, &bytes, &limits).map(fazhi_sheet::org::parse_org)
    })
    .await
    .map_err(|e| Error::Internal(format!("读取表格任务异常：{e}")))?;
    let rows = match parsed {
        Ok(Ok(rows)) => rows,
        Ok(Err(row_errors)) => return Err(Error::Rows(row_errors)),
        Err(e @ fazhi_sheet::SheetError::TooLarge { .. }) => {
            return Err(Error::TooLarge(e.to_string()))
        }
        Err(e) => return Err(Error::BadRequest(e.to_string())),
    };
    import_org_rows(state, p, &rows).await
}

/// The regions (and their units) an admin manages, as an import sheet that recreates them.
/// Returns the file name, its content type and its bytes.
pub async fn export_org(
    state: &AppState,
    p: &Principal,
    format: fazhi_sheet::Format,
) -> Result<(String, &'static str, Vec<u8>)> {
    let regions = state.org().regions().await?;
    let managed: Vec<Region> = regions
        .iter()
        .filter(|r| p.can(Action::ManageOrg, &Placement::region(r.path.clone())))
        .cloned()
        .collect();
    if managed.is_empty() {
        return Err(Error::Forbidden);
    }
    let ids: std::collections::HashSet<RegionId> = managed.iter().map(|r| r.id).collect();
    let units: Vec<fazhi_store::Unit> = state
        .org()
        .units(None)
        .await?
        .into_iter()
        .filter(|u| ids.contains(&u.region_id))
        .collect();
    let mut rows = fazhi_sheet::org::org_rows(&managed, &units);
    // A top region of the export keeps its real parent's code, so that importing the file
    // again leaves it where it is rather than making it a root.
    let code_of: HashMap<RegionId, &str> =
        regions.iter().map(|r| (r.id, r.code.as_str())).collect();
    for (row, region) in rows.iter_mut().zip(&managed) {
        if let Some(parent) = region.parent_id.filter(|id| !ids.contains(id)) {
            row[5] = code_of
                .get(&parent)
                .copied()
                .unwrap_or_default()
                .to_string();
        }
    }
    let headers = fazhi_sheet::org::ORG_HEADERS;
    let stamp = Utc::now().format("%Y%m%d");
    let bytes = match format {
        fazhi_sheet::Format::Csv => fazhi_sheet::write_csv(&headers, &rows),
        fazhi_sheet::Format::Xlsx => fazhi_sheet::write_xlsx("机构", &headers, &rows)
            .map_err(|e| Error::Internal(e.to_string()))?,
    };
    Ok((
        format!("机构-{stamp}.{}", format.extension()),
        format.content_type(),
        bytes,
    ))
}

/// The name of the region or unit a grant sits at (`区划 12` when it vanished).
pub async fn node_name(state: &AppState, node: Node) -> Result<String> {
    Ok(match node {
        Node::Region(id) => match state.org().region(id).await {
            Ok(r) => r.name,
            Err(fazhi_store::StoreError::NotFound(_)) => format!("区划 {id}"),
            Err(e) => return Err(e.into()),
        },
        Node::Unit(id) => match state.org().unit(id).await {
            Ok(u) => u.name,
            Err(fazhi_store::StoreError::NotFound(_)) => format!("单位 {id}"),
            Err(e) => return Err(e.into()),
        },
    })
}

/// The name of every region and unit by node (for lists of grants).
pub async fn node_names(state: &AppState) -> Result<HashMap<Node, String>> {
    let mut names: HashMap<Node, String> = state
        .org()
        .regions()
        .await?
        .into_iter()
        .map(|r| (Node::Region(r.id), r.name))
        .collect();
    names.extend(
        state
            .org()
            .units(None)
            .await?
            .into_iter()
            .map(|u| (Node::Unit(u.id), u.name)),
    );
    Ok(names)
}

/// The units a person holds a role at directly (his own units, for the dashboard), in the
/// order the store lists units.
pub async fn my_units(state: &AppState, p: &Principal) -> Result<Vec<fazhi_store::Unit>> {
    let mine: Vec<UnitId> = p
        .grants
        .iter()
        .filter_map(|g| match g.node {
            Node::Unit(u) => Some(u),
            Node::Region(_) => None,
        })
        .collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let units = state.org().units(None).await?;
    Ok(units.into_iter().filter(|u| mine.contains(&u.id)).collect())
}

/// A region of the organisation page with what the admin may do to it.
#[derive(Debug, Clone)]
pub struct OrgRegion {
    pub region: Region,
    /// Rename or recode it (needs `ManageOrg` at its parent, or a root admin for a root).
    pub editable: bool,
}

/// A unit of the organisation page with what the admin may do to it.
#[derive(Debug, Clone)]
pub struct OrgUnit {
    pub unit: fazhi_store::Unit,
    pub editable: bool,
}

/// The part of the organisation an admin manages: the regions where he holds `ManageOrg`
/// (parents before children) and their units, plus whether he may add top-level regions.
pub struct OrgTree {
    pub regions: Vec<OrgRegion>,
    pub units: Vec<OrgUnit>,
    pub root_admin: bool,
}

pub async fn org_tree(state: &AppState, p: &Principal) -> Result<OrgTree> {
    let regions = state.org().regions().await?;
    // On an empty tree the first admin (without roles yet) may add the first region.
    let bootstrap = may_bootstrap(regions.is_empty(), &p.grants);
    if !bootstrap && require_org_import(p).is_err() {
        return Err(Error::Forbidden);
    }
    let root_admin = bootstrap
        || holds_at_root(
            &p.grants,
            Action::ManageOrg,
            regions.iter().map(|r| r.path.as_slice()),
        );
    let managed: Vec<OrgRegion> = regions
        .into_iter()
        .filter(|r| p.can(Action::ManageOrg, &Placement::region(r.path.clone())))
        .map(|r| {
            let parent = &r.path[..r.path.len().saturating_sub(1)];
            let editable = if parent.is_empty() {
                root_admin
            } else {
                p.can(Action::ManageOrg, &Placement::region(parent.to_vec()))
            };
            OrgRegion {
                region: r,
                editable,
            }
        })
        .collect();
    let units = units_allowing(state, p, Action::ManageOrg)
        .await?
        .into_iter()
        .map(|u| {
            let editable = p.can(Action::ManageOrg, &Placement::region(u.region_path.clone()));
            OrgUnit { unit: u, editable }
        })
        .collect();
    Ok(OrgTree {
        regions: managed,
        units,
        root_admin,
    })
}
