//! The organisation: regions (省/市/县区/乡镇, a tree), units attached to them, roles granted
//! at a node of the tree and inherited downward, and the one access decision everything else
//! asks ([`allows`]).

use serde::{Deserialize, Serialize};
use std::fmt;

mod code;
mod import;
mod tree;

pub use code::{RegionCode, UnitCode, MAX_CODE_CHARS};
pub use import::{
    hidden_text_errors, plan_import, plan_tree_changes, ImportPlan, ImportRefusal, ImportStep,
    PlannedRow,
};
pub use tree::{OrgRow, OrgSnapshot, Region, RowError, Unit};

pub use crate::id::{RegionId, UnitId, UserId};

/// 行政区划层级.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

impl RegionLevel {
    pub const ALL: [RegionLevel; 4] = [Self::Province, Self::City, Self::County, Self::Township];

    pub fn key(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Township => "township",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省",
            Self::City => "市",
            Self::County => "县区",
            Self::Township => "乡镇",
        }
    }

    /// Reads a key (`county`) or a Chinese label (县区, 县, 区, 县级 …).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.key() == s || l.label() == s)
            .or(match s {
                "省级" | "自治区" | "直辖市" => Some(Self::Province),
                "市级" | "地级市" | "州" | "盟" => Some(Self::City),
                "县" | "区" | "县级" | "县级市" | "市辖区" | "旗" => Some(Self::County),
                "乡" | "镇" | "街道" | "乡镇街道" => Some(Self::Township),
                _ => None,
            })
    }
}

/// 单位类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 政府工作部门 (局、委、办).
    Department,
    /// 人民政府 (县区、市、省的政府本身).
    Government,
    /// 乡镇人民政府、街道办事处.
    Township,
    /// 依法治X办 / 司法局 acting as the supervising body of its region.
    Supervising,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        Self::Department,
        Self::Government,
        Self::Township,
        Self::Supervising,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Department => "department",
            Self::Government => "government",
            Self::Township => "township",
            Self::Supervising => "supervising",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Department => "政府工作部门",
            Self::Government => "人民政府",
            Self::Township => "乡镇街道",
            Self::Supervising => "依法治X办/司法局",
        }
    }

    /// Reads a key or a Chinese label, including the usual shorter forms.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.key() == s || k.label() == s)
            .or(match s {
                "部门" | "工作部门" | "政府部门" => Some(Self::Department),
                "政府" => Some(Self::Government),
                "乡镇" | "街道" | "乡镇人民政府" | "街道办事处" => {
                    Some(Self::Township)
                }
                "依法治X办" | "依法治市办" | "依法治县办" | "依法治区办" | "依法治省办"
                | "司法局" | "督察单位" => Some(Self::Supervising),
                _ => None,
            })
    }
}

/// 角色. The anonymous public has no role: it sees published things only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: the organisation tree and the accounts below the node.
    Admin,
    /// 单位填报员: records and uploads its unit's data.
    UnitStaff,
    /// 单位负责人: as staff, and approves (publishes) its unit's reports.
    UnitLeader,
    /// 督察员: reads and reviews every unit below his region.
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Self::Admin,
        Self::UnitStaff,
        Self::UnitLeader,
        Self::Supervisor,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::UnitStaff => "unit_staff",
            Self::UnitLeader => "unit_leader",
            Self::Supervisor => "supervisor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "系统管理员",
            Self::UnitStaff => "单位填报员",
            Self::UnitLeader => "单位负责人",
            Self::Supervisor => "督察员",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.key() == s || r.label() == s)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A node of the organisation tree where a role is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Node {
    Region(RegionId),
    Unit(UnitId),
}

/// A role granted at a node; it holds for the node and everything below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    pub node: Node,
}

/// Where a thing sits in the tree: its unit (if it belongs to one) and the chain of regions
/// from the root down to the region it (or its unit) is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Placement {
    pub unit: Option<UnitId>,
    /// Root first; the last element is the region the thing is attached to.
    pub regions: Vec<RegionId>,
}

impl Placement {
    pub fn unit(unit: UnitId, regions: Vec<RegionId>) -> Self {
        Self {
            unit: Some(unit),
            regions,
        }
    }

    pub fn region(regions: Vec<RegionId>) -> Self {
        Self {
            unit: None,
            regions,
        }
    }

    /// Whether `node` is this placement or one of its ancestors.
    pub fn is_under(&self, node: Node) -> bool {
        match node {
            Node::Region(r) => self.regions.contains(&r),
            Node::Unit(u) => self.unit == Some(u),
        }
    }
}

/// What a person wants to do to a thing at a placement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read a unit's data (uploads, findings, later the ledger).
    Read,
    /// Change a unit's data (upload a report, record work).
    Write,
    /// Approve and publish a unit's report (单位负责人).
    Approve,
    /// See the overview of every unit below a region, with scores (督察).
    Supervise,
    /// Read the audit log of things below the node.
    ReadAudit,
    /// Change the organisation tree (regions, units) below the node.
    ManageOrg,
    /// Create, disable and grant roles to accounts below the node.
    ManageUsers,
}

impl Role {
    /// What this role may do at a node it holds (or below it).
    pub fn permits(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Admin => true,
            Role::Supervisor => matches!(action, Read | Supervise | ReadAudit),
            Role::UnitLeader => matches!(action, Read | Write | Approve),
            Role::UnitStaff => matches!(action, Read | Write),
        }
    }
}

/// The access decision: some grant whose role permits `action` sits at `target` or above it.
///
/// Roles are granted at a node and inherited downward (《法治政府建设与责任落实督察工作规定》:
/// a supervising body supervises the bodies of its region and the regions below). Nothing is
/// inherited upward or sideways: staff of one unit never reach another unit.
pub fn allows(grants: &[Grant], action: Action, target: &Placement) -> bool {
    grants
        .iter()
        .any(|g| g.role.permits(action) && target.is_under(g.node))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tree: 1 示范市 ─ 2 东城区 ─ unit 20 (东城区司法局), unit 21
    //                └ 3 西城区 ─ unit 30
    //       unit 10 attached to 1 (市科工局)
    fn p_unit(u: UnitId) -> Placement {
        match u.0 {
            10 => Placement::unit(UnitId(10), vec![RegionId(1)]),
            20 | 21 => Placement::unit(u, vec![RegionId(1), RegionId(2)]),
            30 => Placement::unit(UnitId(30), vec![RegionId(1), RegionId(3)]),
            _ => unreachable!(),
        }
    }

    fn g(role: Role, node: Node) -> Grant {
        Grant { role, node }
    }

    #[test]
    fn staff_reach_only_their_unit() {
        let grants = [g(Role::UnitStaff, Node::Unit(UnitId(20)))];
        assert!(allows(&grants, Action::Write, &p_unit(UnitId(20))));
        assert!(allows(&grants, Action::Read, &p_unit(UnitId(20))));
        assert!(!allows(&grants, Action::Approve, &p_unit(UnitId(20))));
        for other in [10, 21, 30] {
            assert!(
                !allows(&grants, Action::Read, &p_unit(UnitId(other))),
                "unit {other}"
            );
        }
        assert!(!allows(
            &grants,
            Action::Supervise,
            &Placement::region(vec![RegionId(1), RegionId(2)])
        ));
    }

    #[test]
    fn supervisor_reads_his_region_only_and_never_writes() {
        let grants = [g(Role::Supervisor, Node::Region(RegionId(2)))];
        assert!(allows(&grants, Action::Read, &p_unit(UnitId(20))));
        assert!(allows(&grants, Action::Read, &p_unit(UnitId(21))));
        assert!(allows(
            &grants,
            Action::Supervise,
            &Placement::region(vec![RegionId(1), RegionId(2)])
        ));
        assert!(!allows(&grants, Action::Read, &p_unit(UnitId(30))));
        assert!(!allows(&grants, Action::Read, &p_unit(UnitId(10))));
        assert!(!allows(
            &grants,
            Action::Supervise,
            &Placement::region(vec![RegionId(1)])
        ));
        assert!(!allows(&grants, Action::Write, &p_unit(UnitId(20))));
        assert!(!allows(&grants, Action::ManageOrg, &p_unit(UnitId(20))));
    }

    #[test]
    fn admin_at_root_reaches_everything_but_nothing_above() {
        let grants = [g(Role::Admin, Node::Region(RegionId(1)))];
        for u in [10, 20, 21, 30] {
            assert!(allows(&grants, Action::ManageOrg, &p_unit(UnitId(u))));
        }
        let county_admin = [g(Role::Admin, Node::Region(RegionId(3)))];
        assert!(allows(
            &county_admin,
            Action::ManageUsers,
            &p_unit(UnitId(30))
        ));
        assert!(!allows(
            &county_admin,
            Action::ManageUsers,
            &p_unit(UnitId(20))
        ));
        assert!(!allows(
            &county_admin,
            Action::ManageOrg,
            &Placement::region(vec![RegionId(1)])
        ));
    }

    #[test]
    fn no_grants_no_access() {
        for a in [
            Action::Read,
            Action::Write,
            Action::Supervise,
            Action::ReadAudit,
        ] {
            assert!(!allows(&[], a, &p_unit(UnitId(20))));
        }
    }

    #[test]
    fn labels_parse_back() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.label()), Some(r));
            assert_eq!(Role::parse(r.key()), Some(r));
        }
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.label()), Some(k));
        }
        for l in RegionLevel::ALL {
            assert_eq!(RegionLevel::parse(l.label()), Some(l));
        }
        assert_eq!(RegionLevel::parse("区"), Some(RegionLevel::County));
        assert_eq!(UnitKind::parse("司法局"), Some(UnitKind::Supervising));
    }
}
