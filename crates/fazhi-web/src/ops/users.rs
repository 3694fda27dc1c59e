//! Accounts and their roles: create, disable, reset a password, grant and revoke, and the
//! lists an admin manages.

use super::access::{node_allowing, require_manage_user, require_user_admin, units_allowing};
use super::auth::one_time_password;
use super::org::node_name;
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use fazhi_domain::access::holds_at_root;
use fazhi_domain::password::hash_password;
use fazhi_domain::{
    policy, Action, Grant, GrantId, Node, Placement, RegionId, Role, UnitId, UserId,
};
use fazhi_store::{NewUser, PasswordSet, Region, RoleGrant, User};
use std::collections::HashMap;

/// An admin creates an account with roles; every grant's node must be within the admin's
/// reach. The password is a one-time password the person must change at first login.
pub async fn create_user(
    state: &AppState,
    p: &Principal,
    login: &str,
    display_name: &str,
    grants: &[Grant],
) -> Result<(User, String)> {
    let login = policy::check_login(login.trim()).map_err(|e| Error::BadRequest(e.to_string()))?;
    if grants.is_empty() {
        return Err(Error::BadRequest("请至少授予一个角色".into()));
    }
    let mut at = Vec::with_capacity(grants.len());
    for g in grants {
        let node = node_allowing(state, p, g.node, Action::ManageUsers).await?;
        at.push((g.role, node));
    }
    let password = one_time_password();
    let user = state
        .users()
        .create_user(
            &p.actor(),
            &NewUser {
                login,
                display_name: display_name.trim().to_string(),
                password_hash: hash_password(&password),
                must_change_password: true,
            },
        )
        .await?;
    for (role, node) in &at {
        let grant = Grant {
            role: *role,
            node: node.node(),
        };
        state.users().grant(&node.actor(), user.id, grant).await?;
    }
    Ok((user, password))
}

pub async fn set_user_disabled(
    state: &AppState,
    p: &Principal,
    id: UserId,
    disabled: bool,
) -> Result<User> {
    if id == p.user.id && disabled {
        return Err(Error::BadRequest("不能停用自己的账号".into()));
    }
    let user = require_manage_user(state, p, id).await?;
    Ok(state
        .users()
        .set_disabled(&user.actor(), user.id(), disabled)
        .await?)
}

/// An admin resets a password: a new one-time password, shown once. The account's sessions
/// end and its API tokens are revoked (the store does both with the reset's transaction and
/// audit entry for the tokens): whoever knew the old password may hold them.
pub async fn reset_password(state: &AppState, p: &Principal, id: UserId) -> Result<String> {
    let user = require_manage_user(state, p, id).await?;
    let password = one_time_password();
    state
        .users()
        .set_password(
            &user.actor(),
            user.id(),
            &hash_password(&password),
            PasswordSet::Reset,
        )
        .await?;
    state
        .sessions()
        .end_sessions(&user.actor(), user.id(), None)
        .await?;
    Ok(password)
}

pub async fn grant_role(
    state: &AppState,
    p: &Principal,
    id: UserId,
    role: Role,
    node: Node,
) -> Result<RoleGrant> {
    let user = require_manage_user(state, p, id).await?;
    let at = node_allowing(state, p, node, Action::ManageUsers).await?;
    let grant = Grant {
        role,
        node: at.node(),
    };
    Ok(state.users().grant(&at.actor(), user.id(), grant).await?)
}

pub async fn revoke_role(state: &AppState, p: &Principal, grant_id: GrantId) -> Result<()> {
    let grant = state
        .users()
        .all_grants()
        .await?
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or(Error::NotFound("授权"))?;
    let at = node_allowing(state, p, grant.grant.node, Action::ManageUsers).await?;
    Ok(state.users().revoke(&at.actor(), grant.id).await?)
}

/// The accounts an admin manages (each with its grants): those whose every role sits within
/// his reach; accounts without roles only for a root admin.
pub async fn manageable_users(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<(User, Vec<RoleGrant>)>> {
    let p = require_user_admin(p)?.principal();
    let regions = state.org().regions().await?;
    let units = state.org().units(None).await?;
    let root_admin = holds_at_root(
        &p.grants,
        Action::ManageUsers,
        regions.iter().map(|r| r.path.as_slice()),
    );
    let region_path: HashMap<RegionId, &Vec<RegionId>> =
        regions.iter().map(|r| (r.id, &r.path)).collect();
    let unit_path: HashMap<UnitId, &Vec<RegionId>> =
        units.iter().map(|u| (u.id, &u.region_path)).collect();
    let reach = |node: Node| match node {
        Node::Region(r) => region_path
            .get(&r)
            .is_some_and(|path| p.can(Action::ManageUsers, &Placement::region(path.to_vec()))),
        Node::Unit(u) => unit_path
            .get(&u)
            .is_some_and(|path| p.can(Action::ManageUsers, &Placement::unit(u, path.to_vec()))),
    };
    let mut by_user: HashMap<UserId, Vec<RoleGrant>> = HashMap::new();
    for g in state.users().all_grants().await? {
        by_user.entry(g.user_id).or_default().push(g);
    }
    Ok(state
        .users()
        .users()
        .await?
        .into_iter()
        .filter_map(|u| {
            let grants = by_user.remove(&u.id).unwrap_or_default();
            let visible = if grants.is_empty() {
                root_admin
            } else {
                grants.iter().all(|g| reach(g.grant.node))
            };
            visible.then_some((u, grants))
        })
        .collect())
}

/// The grants of one account, for whoever manages it.
pub async fn user_with_grants(
    state: &AppState,
    p: &Principal,
    id: UserId,
) -> Result<(User, Vec<RoleGrant>)> {
    Ok(require_manage_user(state, p, id).await?.into_parts())
}

/// The signed-in person's own grants, each with the name of its node.
pub async fn my_grants(state: &AppState, p: &Principal) -> Result<Vec<(RoleGrant, String)>> {
    let mut out = Vec::new();
    for g in state.users().grants(p.user.id).await? {
        let name = node_name(state, g.grant.node).await?;
        out.push((g, name));
    }
    Ok(out)
}

/// The regions and units where an admin may grant roles (for the account forms).
pub async fn grantable_nodes(
    state: &AppState,
    p: &Principal,
) -> Result<(Vec<Region>, Vec<fazhi_store::Unit>)> {
    let p = require_user_admin(p)?.principal();
    let regions: Vec<Region> = state
        .org()
        .regions()
        .await?
        .into_iter()
        .filter(|r| p.can(Action::ManageUsers, &Placement::region(r.path.clone())))
        .collect();
    let units = units_allowing(state, p, Action::ManageUsers).await?;
    Ok((regions, units))
}
