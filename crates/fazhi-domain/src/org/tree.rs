//! The organisation as stored: regions and units with their codes and places in the tree, and
//! the rows of an organisation import. Plain data; the store hands these out, the sheet reads
//! and writes them.

use super::{RegionId, RegionLevel, UnitId, UnitKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub id: RegionId,
    pub parent_id: Option<RegionId>,
    /// 行政区划代码 or any stable code; unique.
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// Root first, ending with this region's own id.
    pub path: Vec<RegionId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub region_id: RegionId,
    /// Stable code (统一社会信用代码 or local code); unique.
    pub code: String,
    /// 全称: 某某市科学技术和工业信息化局.
    pub name: String,
    /// 简称: 市科工局. Empty when none.
    pub short_name: String,
    pub kind: UnitKind,
    /// The region chain of `region_id`, root first.
    pub region_path: Vec<RegionId>,
}

/// One row of an organisation import, already typed; applied all together or not at all.
/// Rows are matched by `code`: an existing code is updated, a new one created. A region's
/// parent (and a unit's region) is named by code and may be created earlier in the same batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrgRow {
    Region {
        code: String,
        name: String,
        level: RegionLevel,
        parent_code: Option<String>,
    },
    Unit {
        code: String,
        name: String,
        short_name: String,
        kind: UnitKind,
        region_code: String,
    },
}

/// A row that cannot be imported (e.g. an unknown parent code), with why in Chinese. Row
/// numbers are 1-based data rows as the caller numbered them (`line`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

/// The whole organisation as it is: what an import is planned against.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrgSnapshot {
    /// Parents before children (ordered by path).
    pub regions: Vec<Region>,
    pub units: Vec<Unit>,
}
