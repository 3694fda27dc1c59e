//! The vocabulary: roles, region levels, unit kinds, nodes.

use super::*;
use fazhi_domain::{RegionId, UnitId};

/// 角色：admin 系统管理员；unit_staff 单位填报员；unit_leader 单位负责人；supervisor 督察员。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    UnitStaff,
    UnitLeader,
    Supervisor,
}

impl From<d::Role> for Role {
    fn from(r: d::Role) -> Self {
        match r {
            d::Role::Admin => Role::Admin,
            d::Role::UnitStaff => Role::UnitStaff,
            d::Role::UnitLeader => Role::UnitLeader,
            d::Role::Supervisor => Role::Supervisor,
        }
    }
}

impl From<Role> for d::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => d::Role::Admin,
            Role::UnitStaff => d::Role::UnitStaff,
            Role::UnitLeader => d::Role::UnitLeader,
            Role::Supervisor => d::Role::Supervisor,
        }
    }
}

/// 区划层级：province 省；city 市；county 县区；township 乡镇。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    City,
    County,
    Township,
}

impl From<d::RegionLevel> for RegionLevel {
    fn from(l: d::RegionLevel) -> Self {
        match l {
            d::RegionLevel::Province => RegionLevel::Province,
            d::RegionLevel::City => RegionLevel::City,
            d::RegionLevel::County => RegionLevel::County,
            d::RegionLevel::Township => RegionLevel::Township,
        }
    }
}

impl From<RegionLevel> for d::RegionLevel {
    fn from(l: RegionLevel) -> Self {
        match l {
            RegionLevel::Province => d::RegionLevel::Province,
            RegionLevel::City => d::RegionLevel::City,
            RegionLevel::County => d::RegionLevel::County,
            RegionLevel::Township => d::RegionLevel::Township,
        }
    }
}

/// 单位类型：department 政府工作部门；government 人民政府；township 乡镇街道；
/// supervising 依法治X办/司法局。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Department,
    Government,
    Township,
    Supervising,
}

impl From<d::UnitKind> for UnitKind {
    fn from(k: d::UnitKind) -> Self {
        match k {
            d::UnitKind::Department => UnitKind::Department,
            d::UnitKind::Government => UnitKind::Government,
            d::UnitKind::Township => UnitKind::Township,
            d::UnitKind::Supervising => UnitKind::Supervising,
        }
    }
}

impl From<UnitKind> for d::UnitKind {
    fn from(k: UnitKind) -> Self {
        match k {
            UnitKind::Department => d::UnitKind::Department,
            UnitKind::Government => d::UnitKind::Government,
            UnitKind::Township => d::UnitKind::Township,
            UnitKind::Supervising => d::UnitKind::Supervising,
        }
    }
}

/// 授权所在节点的类别：region 区划；unit 单位。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeType {
    Region,
    Unit,
}

/// 组织树上的一个节点（授予角色的位置）；角色对该节点及其下级有效。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Node {
    #[serde(rename = "type")]
    pub node_type: NodeType,
    /// 区划编号或单位编号。
    pub id: i64,
}

impl From<d::Node> for Node {
    fn from(n: d::Node) -> Self {
        match n {
            d::Node::Region(id) => Node {
                node_type: NodeType::Region,
                id: id.0,
            },
            d::Node::Unit(id) => Node {
                node_type: NodeType::Unit,
                id: id.0,
            },
        }
    }
}

impl From<Node> for d::Node {
    fn from(n: Node) -> Self {
        match n.node_type {
            NodeType::Region => d::Node::Region(RegionId(n.id)),
            NodeType::Unit => d::Node::Unit(UnitId(n.id)),
        }
    }
}
