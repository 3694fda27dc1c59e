//! The access decisions of the operations. Each check returns what it grants (lldap's
//! `get_admin_handler() -> Option<&impl …>`): a [`UnitAccess`], [`RegionAccess`],
//! [`RootAdmin`], [`OrgParent`], [`OrgImporter`] or [`ManagedUser`]. Their fields are private
//! and they are made only here, so an operation that takes one cannot be reached without
//! passing the check, and it acts on the unit, region or account the check looked at (and
//! as the actor it checked), not on an id taken again from the request.
//!
//! The rules themselves (roles, inheritance down the tree, who is a root admin, which
//! regions are someone's top ones) are the domain's: [`fazhi_domain::allows`] and
//! [`fazhi_domain::access`].

use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use fazhi_domain::access::{holds_at_root, may_bootstrap, top_regions};
use fazhi_domain::{Action, Node, Placement, RegionId, UnitId, UserId};
use fazhi_store::{Actor, Region, RoleGrant, Unit, User};

// ---------------------------------------------------------------------------------------
// Capabilities

/// A unit the principal may do an action on; made by [`unit_allowing`].
#[derive(Debug)]
pub struct UnitAccess<'a> {
    principal: &'a Principal,
    unit: Unit,
}

impl<'a> UnitAccess<'a> {
    pub fn unit(&self) -> &Unit {
        &self.unit
    }

    pub fn id(&self) -> UnitId {
        self.unit.id
    }

    pub fn into_unit(self) -> Unit {
        self.unit
    }

    /// Who acts, for the store's audit entry.
    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// A region the principal may do an action at; made by [`region_allowing`].
#[derive(Debug)]
pub struct RegionAccess<'a> {
    principal: &'a Principal,
    region: Region,
}

impl<'a> RegionAccess<'a> {
    pub fn region(&self) -> &Region {
        &self.region
    }

    pub fn id(&self) -> RegionId {
        self.region.id
    }

    pub fn into_region(self) -> Region {
        self.region
    }

    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// A root admin: holds an action at a top-level region (or bootstraps an empty tree); made
/// by [`require_at_root`].
#[derive(Debug)]
pub struct RootAdmin<'a> {
    principal: &'a Principal,
    bootstrap: bool,
}

impl<'a> RootAdmin<'a> {
    /// Whether this is the first region of an empty tree by an account without roles (who
    /// becomes its admin).
    pub fn bootstrap(&self) -> bool {
        self.bootstrap
    }

    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// `ManageOrg` where a region or unit is attached (below a region, or at the top for a root
/// admin); made by [`require_org_parent`].
#[derive(Debug)]
pub struct OrgParent<'a> {
    principal: &'a Principal,
    path: Vec<RegionId>,
}

impl<'a> OrgParent<'a> {
    /// The region chain the thing is attached under (empty: at the top).
    pub fn path(&self) -> &[RegionId] {
        &self.path
    }

    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// A 系统管理员 somewhere, who may start an organisation import; made by
/// [`require_org_import`].
#[derive(Debug)]
pub struct OrgImporter<'a> {
    principal: &'a Principal,
}

impl<'a> OrgImporter<'a> {
    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// A region or unit where the principal may do an action (e.g. grant a role there); made by
/// [`node_allowing`].
#[derive(Debug)]
pub struct NodeAccess<'a> {
    principal: &'a Principal,
    node: Node,
}

impl<'a> NodeAccess<'a> {
    pub fn node(&self) -> Node {
        self.node
    }

    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

/// A 系统管理员 somewhere, who may list the accounts he manages and the nodes where he may
/// grant; made by [`require_user_admin`].
#[derive(Debug)]
pub struct UserAdmin<'a> {
    principal: &'a Principal,
}

impl<'a> UserAdmin<'a> {
    pub fn principal(&self) -> &'a Principal {
        self.principal
    }
}

/// An account the principal manages, with its grants; made by [`require_manage_user`].
#[derive(Debug)]
pub struct ManagedUser<'a> {
    principal: &'a Principal,
    user: User,
    grants: Vec<RoleGrant>,
}

impl<'a> ManagedUser<'a> {
    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn id(&self) -> UserId {
        self.user.id
    }

    pub fn into_parts(self) -> (User, Vec<RoleGrant>) {
        (self.user, self.grants)
    }

    pub fn actor(&self) -> Actor {
        self.principal.actor()
    }
}

// ---------------------------------------------------------------------------------------
// Where things sit

pub async fn unit_placement(state: &AppState, unit_id: UnitId) -> Result<(Unit, Placement)> {
    let unit = state.org().unit(unit_id).await?;
    let placement = Placement::unit(unit.id, unit.region_path.clone());
    Ok((unit, placement))
}

pub async fn region_placement(
    state: &AppState,
    region_id: RegionId,
) -> Result<(Region, Placement)> {
    let region = state.org().region(region_id).await?;
    let placement = Placement::region(region.path.clone());
    Ok((region, placement))
}

pub async fn node_placement(state: &AppState, node: Node) -> Result<Placement> {
    Ok(match node {
        Node::Region(r) => region_placement(state, r).await?.1,
        Node::Unit(u) => unit_placement(state, u).await?.1,
    })
}

// ---------------------------------------------------------------------------------------
// Checks that grant

/// A unit the person may do `action` on (403 otherwise).
pub async fn unit_allowing<'a>(
    state: &AppState,
    p: &'a Principal,
    id: UnitId,
    action: Action,
) -> Result<UnitAccess<'a>> {
    let (unit, placement) = unit_placement(state, id).await?;
    p.require(action, &placement)?;
    Ok(UnitAccess { principal: p, unit })
}

/// A unit as it was read elsewhere (a record's or an upload's), once the person may do
/// `action` on it (403 otherwise).
pub(crate) fn unit_read_allowing(
    p: &Principal,
    unit: Unit,
    action: Action,
) -> Result<UnitAccess<'_>> {
    p.require(action, &Placement::unit(unit.id, unit.region_path.clone()))?;
    Ok(UnitAccess { principal: p, unit })
}

/// One unit, for whoever may read its data.
pub async fn unit_for(state: &AppState, p: &Principal, id: UnitId) -> Result<Unit> {
    Ok(unit_allowing(state, p, id, Action::Read).await?.into_unit())
}

/// A region the person may do `action` at (403 otherwise).
pub async fn region_allowing<'a>(
    state: &AppState,
    p: &'a Principal,
    id: RegionId,
    action: Action,
) -> Result<RegionAccess<'a>> {
    let (region, placement) = region_placement(state, id).await?;
    p.require(action, &placement)?;
    Ok(RegionAccess {
        principal: p,
        region,
    })
}

/// A region or unit the person may do `action` at (403 otherwise; 404 when it is gone).
pub async fn node_allowing<'a>(
    state: &AppState,
    p: &'a Principal,
    node: Node,
    action: Action,
) -> Result<NodeAccess<'a>> {
    p.require(action, &node_placement(state, node).await?)?;
    Ok(NodeAccess { principal: p, node })
}

/// Whether `p` holds `action` at a top-level region (a root admin): the only people who may
/// touch things that sit above every region, such as a new top-level region.
pub async fn require_at_root<'a>(
    state: &AppState,
    p: &'a Principal,
    action: Action,
) -> Result<RootAdmin<'a>> {
    let regions = state.org().regions().await?;
    if action == Action::ManageOrg && may_bootstrap(regions.is_empty(), &p.grants) {
        // Bootstrap: on a database without any region, the accounts that exist were made by
        // `fazhi admin create` or the first start (nobody can grant roles without a tree),
        // so such an account may create the first root region and becomes its admin.
        return Ok(RootAdmin {
            principal: p,
            bootstrap: true,
        });
    }
    if holds_at_root(&p.grants, action, regions.iter().map(|r| r.path.as_slice())) {
        Ok(RootAdmin {
            principal: p,
            bootstrap: false,
        })
    } else {
        Err(Error::Forbidden)
    }
}

/// `ManageOrg` where a region or unit is attached: at the region chain `parent_path` (root
/// first), or at a root region when the thing has no parent.
pub async fn require_org_parent<'a>(
    state: &AppState,
    p: &'a Principal,
    parent_path: &[RegionId],
) -> Result<OrgParent<'a>> {
    if parent_path.is_empty() {
        require_at_root(state, p, Action::ManageOrg).await?;
    } else {
        p.require(Action::ManageOrg, &Placement::region(parent_path.to_vec()))?;
    }
    Ok(OrgParent {
        principal: p,
        path: parent_path.to_vec(),
    })
}

/// The access check of an organisation import, made before the file is read: only a
/// 系统管理员 somewhere may import (each row is checked against his reach afterwards).
pub fn require_org_import(p: &Principal) -> Result<OrgImporter<'_>> {
    if p.grants.iter().any(|g| g.role.permits(Action::ManageOrg)) {
        Ok(OrgImporter { principal: p })
    } else {
        Err(Error::Forbidden)
    }
}

/// The access check of the account pages: only a 系统管理员 somewhere manages accounts (each
/// account and node is checked against his reach afterwards).
pub fn require_user_admin(p: &Principal) -> Result<UserAdmin<'_>> {
    if p.grants.iter().any(|g| g.role.permits(Action::ManageUsers)) {
        Ok(UserAdmin { principal: p })
    } else {
        Err(Error::Forbidden)
    }
}

/// Whether `p` may manage account `id`: he must reach every node the account holds a role
/// at (an account without roles only a root admin manages).
pub async fn require_manage_user<'a>(
    state: &AppState,
    p: &'a Principal,
    id: UserId,
) -> Result<ManagedUser<'a>> {
    let user = state.users().user(id).await?;
    let grants = state.users().grants(id).await?;
    if grants.is_empty() && !is_root_admin(state, p, Action::ManageUsers).await? {
        return Err(Error::Forbidden);
    }
    for g in &grants {
        node_allowing(state, p, g.grant.node, Action::ManageUsers).await?;
    }
    Ok(ManagedUser {
        principal: p,
        user,
        grants,
    })
}

// ---------------------------------------------------------------------------------------
// Questions for lists and buttons (no capability: what is shown is checked again on use)

/// Whether `p` holds `action` at a top-level region (for what a page offers).
pub async fn is_root_admin(state: &AppState, p: &Principal, action: Action) -> Result<bool> {
    let regions = state.org().regions().await?;
    Ok(holds_at_root(
        &p.grants,
        action,
        regions.iter().map(|r| r.path.as_slice()),
    ))
}

/// The top regions where a person may do `action` (not below another one of them), in the
/// store's order.
pub async fn top_regions_allowing(
    state: &AppState,
    p: &Principal,
    action: Action,
) -> Result<Vec<Region>> {
    let regions = state.org().regions().await?;
    Ok(top_regions(&regions, |r| &r.path, &p.grants, action)
        .into_iter()
        .cloned()
        .collect())
}

/// The units a person may read (his own units; every unit below a supervisor's or admin's
/// region), ordered as the store orders them.
pub async fn readable_units(state: &AppState, p: &Principal) -> Result<Vec<Unit>> {
    units_allowing(state, p, Action::Read).await
}

/// The units where a person may do `action`, ordered as the store orders them.
pub async fn units_allowing(state: &AppState, p: &Principal, action: Action) -> Result<Vec<Unit>> {
    let units = state.org().units(None).await?;
    Ok(units
        .into_iter()
        .filter(|u| p.can(action, &Placement::unit(u.id, u.region_path.clone())))
        .collect())
}

/// The regions where a person may supervise (not below another one of them).
pub async fn supervised_regions(state: &AppState, p: &Principal) -> Result<Vec<Region>> {
    top_regions_allowing(state, p, Action::Supervise).await
}

/// Whether the viewer reads a unit's data as one of its people or supervisors (rather than
/// as the public reading what was published): decides e.g. whether the uploader is shown.
pub fn reads_unit(viewer: Option<&Principal>, unit: &Unit) -> bool {
    viewer.is_some_and(|p| {
        p.can(
            Action::Read,
            &Placement::unit(unit.id, unit.region_path.clone()),
        )
    })
}

/// What a person may do to one unit's reports, for the buttons a page shows (the
/// operations check again when the button is used).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitRights {
    pub read: bool,
    /// Upload a report.
    pub write: bool,
    /// Publish or withdraw a report (单位负责人).
    pub approve: bool,
}

pub fn unit_rights(p: Option<&Principal>, unit: &Unit) -> UnitRights {
    let Some(p) = p else {
        return UnitRights::default();
    };
    let placement = Placement::unit(unit.id, unit.region_path.clone());
    UnitRights {
        read: p.can(Action::Read, &placement),
        write: p.can(Action::Write, &placement),
        approve: p.can(Action::Approve, &placement),
    }
}
