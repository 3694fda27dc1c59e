//! Access rules over the region tree that go beyond one grant and one placement
//! ([`crate::allows`]): who counts as a root admin, which of a person's regions are his top
//! ones, and who may create the first region of an empty tree.
//!
//! A region is given by its path (root first, ending with its own id), as the store keeps it.

use crate::org::{allows, Action, Grant, Placement, RegionId};

/// Whether `path` is the path of a top-level region (one without a parent).
pub fn is_root(path: &[RegionId]) -> bool {
    path.len() == 1
}

/// Whether the grants allow `action` at some top-level region among `region_paths` (a root
/// admin for `ManageOrg` or `ManageUsers`): the only people who may touch what sits above
/// every region, such as a new top-level region or an account without roles.
pub fn holds_at_root<'a>(
    grants: &[Grant],
    action: Action,
    region_paths: impl IntoIterator<Item = &'a [RegionId]>,
) -> bool {
    region_paths
        .into_iter()
        .filter(|path| is_root(path))
        .any(|path| allows(grants, action, &Placement::region(path.to_vec())))
}

/// Bootstrap: on a tree without any region, the accounts that exist were made by the
/// command line or the first start (nobody can grant roles without a tree), so an account
/// without roles may create the first top-level region and becomes its admin.
pub fn may_bootstrap(tree_is_empty: bool, grants: &[Grant]) -> bool {
    tree_is_empty && grants.is_empty()
}

/// The top regions among those where the grants allow `action`: each such region whose
/// parent is not also one, in the order given (e.g. a supervisor's regions for his
/// overview, or the regions whose audit log he reads).
pub fn top_regions<'a, T>(
    regions: &'a [T],
    path: impl Fn(&T) -> &[RegionId],
    grants: &[Grant],
    action: Action,
) -> Vec<&'a T> {
    let holds = |p: &[RegionId]| allows(grants, action, &Placement::region(p.to_vec()));
    regions
        .iter()
        .filter(|r| holds(path(r)))
        .filter(|r| {
            let p = path(r);
            // Drop regions whose parent is also allowed: keep the top ones only.
            p.len() < 2 || {
                let parent = p[p.len() - 2];
                !regions
                    .iter()
                    .any(|q| path(q).last() == Some(&parent) && holds(path(q)))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Node, Role};

    // 1 示范市 ─ 2 东城区 ─ 4 街道
    //          └ 3 西城区
    // 5 another root
    fn paths() -> Vec<Vec<RegionId>> {
        vec![
            vec![RegionId(1)],
            vec![RegionId(1), RegionId(2)],
            vec![RegionId(1), RegionId(3)],
            vec![RegionId(1), RegionId(2), RegionId(4)],
            vec![RegionId(5)],
        ]
    }

    fn g(role: Role, region: RegionId) -> Grant {
        Grant {
            role,
            node: Node::Region(region),
        }
    }

    #[test]
    fn root_admin_holds_the_action_at_a_top_region() {
        let p = paths();
        let all = || p.iter().map(Vec::as_slice);
        assert!(holds_at_root(
            &[g(Role::Admin, RegionId(1))],
            Action::ManageOrg,
            all()
        ));
        assert!(holds_at_root(
            &[g(Role::Admin, RegionId(5))],
            Action::ManageUsers,
            all()
        ));
        assert!(!holds_at_root(
            &[g(Role::Admin, RegionId(2))],
            Action::ManageOrg,
            all()
        ));
        assert!(!holds_at_root(
            &[g(Role::Supervisor, RegionId(1))],
            Action::ManageOrg,
            all()
        ));
        assert!(!holds_at_root(&[], Action::ManageOrg, all()));
    }

    #[test]
    fn bootstrap_only_on_an_empty_tree_without_roles() {
        assert!(may_bootstrap(true, &[]));
        assert!(!may_bootstrap(false, &[]));
        assert!(!may_bootstrap(true, &[g(Role::Admin, RegionId(1))]));
    }

    #[test]
    fn top_regions_drop_those_below_another() {
        let p = paths();
        let grants = [
            g(Role::Supervisor, RegionId(2)),
            g(Role::Supervisor, RegionId(4)),
            g(Role::Admin, RegionId(3)),
        ];
        let top = top_regions(&p, |r| r.as_slice(), &grants, Action::Supervise);
        assert_eq!(top, vec![&vec![1, 2], &vec![1, 3]]);
        let top = top_regions(
            &p,
            |r| r.as_slice(),
            &[g(Role::Admin, RegionId(1))],
            Action::ReadAudit,
        );
        assert_eq!(top, vec![&vec![1]]);
        assert!(top_regions(&p, |r| r.as_slice(), &[], Action::Read).is_empty());
    }
}
