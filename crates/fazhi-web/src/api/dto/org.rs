//! The organisation: regions, units, import and export.

use super::*;
use crate::ops::org::UnitInput;
use fazhi_domain::RegionId;

/// 区划（省、市、县区、乡镇）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Region {
    pub id: i64,
    /// 上级区划编号；顶级区划为 null。
    pub parent_id: Option<i64>,
    /// 区划代码（行政区划代码或其他稳定代码），唯一。
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
    /// 层级的中文名称（省、市、县区、乡镇）。
    pub level_label: String,
    /// 从顶级区划到本区划的编号链。
    pub path: Vec<i64>,
    /// 从顶级区划到本区划的名称链。
    pub path_names: Vec<String>,
}

impl Region {
    /// Every region with the names along its path, from the full list of regions.
    pub fn list(regions: &[s::Region]) -> Vec<Region> {
        let names: HashMap<RegionId, &str> =
            regions.iter().map(|r| (r.id, r.name.as_str())).collect();
        regions
            .iter()
            .map(|r| Region::with_names(r, &names))
            .collect()
    }

    pub fn with_names(r: &s::Region, names: &HashMap<RegionId, &str>) -> Region {
        Region {
            id: r.id.0,
            parent_id: r.parent_id.map(|v| v.0),
            code: r.code.clone(),
            name: r.name.clone(),
            level: r.level.into(),
            level_label: r.level.label().to_string(),
            path: r.path.iter().map(|v| v.0).collect(),
            path_names: r
                .path
                .iter()
                .map(|id| {
                    names
                        .get(id)
                        .map_or_else(|| id.to_string(), |n| n.to_string())
                })
                .collect(),
        }
    }
}

/// 新建区划。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    /// 上级区划编号；省略或为 null 时新建顶级区划（仅顶级区划的系统管理员可以）。
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
}

/// 修改区划的名称或代码（省略的字段不变）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionPatch {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// 单位（政府工作部门、人民政府、乡镇街道、依法治X办/司法局）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    /// 所属区划编号。
    pub region_id: i64,
    /// 单位代码（统一社会信用代码或本地代码），唯一。
    pub code: String,
    /// 全称，如“某某市科学技术和工业信息化局”。
    pub name: String,
    /// 简称，如“市科工局”；没有时为空字符串。
    pub short_name: String,
    pub kind: UnitKind,
    /// 单位类型的中文名称。
    pub kind_label: String,
    /// 所属区划从顶级起的编号链。
    pub region_path: Vec<i64>,
}

impl From<&s::Unit> for Unit {
    fn from(u: &s::Unit) -> Self {
        Unit {
            id: u.id.0,
            region_id: u.region_id.0,
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            kind: u.kind.into(),
            kind_label: u.kind.label().to_string(),
            region_path: u.region_path.iter().map(|v| v.0).collect(),
        }
    }
}

/// 新建单位。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub region_id: i64,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub short_name: String,
    pub kind: UnitKind,
}

impl From<NewUnit> for UnitInput {
    fn from(n: NewUnit) -> Self {
        UnitInput {
            region_id: RegionId(n.region_id),
            code: n.code,
            name: n.name,
            short_name: n.short_name,
            kind: n.kind.into(),
        }
    }
}

/// 修改单位（省略的字段不变；改 region_id 即调整所属区划，需同时管理新旧两个区划）。
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    #[serde(default)]
    pub region_id: Option<i64>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub kind: Option<UnitKind>,
}

impl UnitPatch {
    /// The unit as it will be after the patch.
    pub fn apply(self, u: &s::Unit) -> UnitInput {
        UnitInput {
            region_id: self.region_id.map(RegionId).unwrap_or(u.region_id),
            code: self.code.unwrap_or_else(|| u.code.clone()),
            name: self.name.unwrap_or_else(|| u.name.clone()),
            short_name: self.short_name.unwrap_or_else(|| u.short_name.clone()),
            kind: self.kind.map_or(u.kind, Into::into),
        }
    }
}

/// 单位列表的查询条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitsQuery {
    /// 只列出该区划及其下级区划的单位。
    pub region: Option<i64>,
}

/// 组织机构导入的结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportSummary {
    pub regions_created: usize,
    pub regions_updated: usize,
    pub units_created: usize,
    pub units_updated: usize,
}

impl From<s::ImportSummary> for ImportSummary {
    fn from(s: s::ImportSummary) -> Self {
        ImportSummary {
            regions_created: s.regions_created,
            regions_updated: s.regions_updated,
            units_created: s.units_created,
            units_updated: s.units_updated,
        }
    }
}

/// 上传的文件（multipart/form-data）。
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the form for the OpenAPI document; the handler reads the parts.
pub struct ImportForm {
    /// 组织机构表（CSV 或 Excel .xlsx），表头：类别、代码、名称、简称、类型、上级代码。
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// 导出文件的格式。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    #[default]
    Csv,
    Xlsx,
}

/// 组织机构导出的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// 文件格式：csv（默认，UTF-8 带 BOM，Excel 可直接打开）或 xlsx。
    pub format: Option<SheetFormat>,
}
