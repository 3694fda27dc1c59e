//! The organisation import plan: which rows of a batch create or update which region or unit,
//! which rows cannot be applied and why, and where in the tree each change reaches (so the
//! caller can check the importer's rights before anything is applied or any refusal shown).
//!
//! Rows are checked against the tree as it will be after the rows before them: a region's
//! parent (and a unit's region) may be created earlier in the same batch, codes must not be
//! empty, repeated, or used by the other kind, and no region may end up below itself.

use super::code::{RegionCode, UnitCode};
use super::tree::{OrgRow, OrgSnapshot, Region, RowError, Unit};
use super::{RegionId, RegionLevel, UnitId, UnitKind};
use crate::text::{is_invisible, NameProblem};
use std::collections::HashMap;

/// What one row does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStep {
    CreateRegion {
        code: String,
        name: String,
        level: RegionLevel,
        /// The parent's code (an existing region or one created earlier in the batch).
        parent: Option<String>,
    },
    UpdateRegion {
        id: RegionId,
        name: String,
        level: RegionLevel,
        parent: Option<String>,
    },
    CreateUnit {
        code: String,
        name: String,
        short_name: String,
        kind: UnitKind,
        /// The region's code (an existing region or one created earlier in the batch).
        region: String,
    },
    UpdateUnit {
        id: UnitId,
        name: String,
        short_name: String,
        kind: UnitKind,
        region: String,
    },
}

/// A row of the plan: its line, its step, and the region chains it reaches (see
/// [`ImportPlan::reach`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRow {
    pub line: usize,
    pub step: ImportStep,
    /// Empty when the row repeats what is there.
    pub reach: Vec<Vec<RegionId>>,
}

/// An import that can be applied to the organisation it was planned against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    basis: OrgSnapshot,
    rows: Vec<PlannedRow>,
    reach: Vec<Vec<RegionId>>,
}

impl ImportPlan {
    /// The organisation the plan was made against; applying it elsewhere would be wrong.
    pub fn basis(&self) -> &OrgSnapshot {
        &self.basis
    }

    /// The steps, in the order of the rows.
    pub fn rows(&self) -> &[PlannedRow] {
        &self.rows
    }

    /// Every region chain (root first; empty: the top of the tree) the importer must be able
    /// to manage below: where each changed thing sits now (for an update) and where it will
    /// sit (its parent, traced through rows of the batch to a region that exists). Sorted,
    /// each once.
    pub fn reach(&self) -> &[Vec<RegionId>] {
        &self.reach
    }
}

/// Why a batch cannot be applied: every bad row, and the reach of the whole batch (as
/// [`ImportPlan::reach`]) so that the caller checks rights before showing the rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRefusal {
    pub errors: Vec<RowError>,
    pub reach: Vec<Vec<RegionId>>,
}

/// The web's import: names and codes by the same rule as the forms (no hidden characters;
/// such rows are refused first, with no reach: they say nothing about the tree), then
/// [`plan_tree_changes`].
pub fn plan_import(
    snapshot: &OrgSnapshot,
    rows: &[(usize, OrgRow)],
) -> Result<ImportPlan, ImportRefusal> {
    let hidden = hidden_text_errors(rows);
    if !hidden.is_empty() {
        return Err(ImportRefusal {
            errors: hidden,
            reach: Vec::new(),
        });
    }
    plan_tree_changes(snapshot, rows)
}

/// Rows whose code, name or short name holds a control or invisible character, one error per
/// row naming the first such field.
pub fn hidden_text_errors(rows: &[(usize, OrgRow)]) -> Vec<RowError> {
    rows.iter()
        .filter_map(|(line, row)| {
            let texts: [(&str, &str); 3] = match row {
                OrgRow::Region { code, name, .. } => [("代码", code), ("名称", name), ("", "")],
                OrgRow::Unit {
                    code,
                    name,
                    short_name,
                    ..
                } => [("代码", code), ("名称", name), ("简称", short_name)],
            };
            texts
                .iter()
                .filter(|(what, _)| !what.is_empty())
                .find(|(_, v)| v.chars().any(|c| c.is_control() || is_invisible(c)))
                .map(|(what, _)| RowError {
                    line: *line,
                    message: NameProblem::Hidden.message(what),
                })
        })
        .collect()
}

/// The plan of `rows` against `snapshot`: every row checked against the existing tree and the
/// rows before it. Refused with every row that cannot be applied.
pub fn plan_tree_changes(
    snapshot: &OrgSnapshot,
    rows: &[(usize, OrgRow)],
) -> Result<ImportPlan, ImportRefusal> {
    let reach = Reach::new(snapshot, rows);
    let mut planner = Planner::new(snapshot);
    let mut planned = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for (line, row) in rows {
        match planner.row(*line, row) {
            Ok(step) => planned.push(PlannedRow {
                line: *line,
                step,
                reach: reach.of(row),
            }),
            Err(message) => errors.push(RowError {
                line: *line,
                message,
            }),
        }
    }
    let mut all: Vec<Vec<RegionId>> = rows.iter().flat_map(|(_, row)| reach.of(row)).collect();
    all.sort();
    all.dedup();
    if errors.is_empty() {
        Ok(ImportPlan {
            basis: snapshot.clone(),
            rows: planned,
            reach: all,
        })
    } else {
        Err(ImportRefusal { errors, reach: all })
    }
}

/// Which kind of row a check is about.
#[derive(Clone, Copy)]
enum Kind {
    Region,
    Unit,
}

/// The tree as it will be after the rows so far, and the codes seen.
struct Planner<'a> {
    /// Region code → parent code.
    tree: HashMap<String, Option<String>>,
    region_ids: HashMap<&'a str, RegionId>,
    unit_ids: HashMap<&'a str, UnitId>,
    seen_regions: HashMap<String, usize>,
    seen_units: HashMap<String, usize>,
}

impl<'a> Planner<'a> {
    fn new(snapshot: &'a OrgSnapshot) -> Self {
        let by_id: HashMap<RegionId, &Region> =
            snapshot.regions.iter().map(|r| (r.id, r)).collect();
        let tree = snapshot
            .regions
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    r.parent_id
                        .and_then(|p| by_id.get(&p))
                        .map(|p| p.code.clone()),
                )
            })
            .collect();
        Self {
            tree,
            region_ids: snapshot
                .regions
                .iter()
                .map(|r| (r.code.as_str(), r.id))
                .collect(),
            unit_ids: snapshot
                .units
                .iter()
                .map(|u| (u.code.as_str(), u.id))
                .collect(),
            seen_regions: HashMap::new(),
            seen_units: HashMap::new(),
        }
    }

    /// The step of one row, or why it cannot be applied (every problem, joined by "；").
    fn row(&mut self, line: usize, row: &OrgRow) -> Result<ImportStep, String> {
        let (step, problems) = match row {
            OrgRow::Region {
                code,
                name,
                level,
                parent_code,
            } => self.region(line, code, name, *level, parent_code),
            OrgRow::Unit {
                code,
                name,
                short_name,
                kind,
                region_code,
            } => self.unit(line, code, name, short_name, *kind, region_code),
        };
        if problems.is_empty() {
            Ok(step)
        } else {
            Err(problems.join("；"))
        }
    }

    /// What a region row and a unit row are both refused for: a code that fails the one rule
    /// for codes ([`RegionCode::parse`], [`UnitCode::parse`]; an empty one said as "…代码为空"),
    /// an empty name, a code repeated in the batch or used by the other kind.
    fn common_problems(&self, kind: Kind, code: &str, name: &str) -> Vec<String> {
        let (this, other) = match kind {
            Kind::Region => ("区划", "单位"),
            Kind::Unit => ("单位", "区划"),
        };
        let parsed = match kind {
            Kind::Region => RegionCode::parse(code).map(|_| ()),
            Kind::Unit => UnitCode::parse(code).map(|_| ()),
        };
        let (seen_same, seen_other, known_other) = match kind {
            Kind::Region => (
                &self.seen_regions,
                &self.seen_units,
                self.unit_ids.contains_key(code),
            ),
            Kind::Unit => (
                &self.seen_units,
                &self.seen_regions,
                self.region_ids.contains_key(code),
            ),
        };
        let mut problems = Vec::new();
        match parsed {
            Err(NameProblem::Empty) => problems.push(format!("{this}代码为空")),
            Err(p) => problems.push(p.message(&format!("{this}代码"))),
            Ok(()) => {}
        }
        if name.trim().is_empty() {
            problems.push(format!("{this}名称为空"));
        }
        if let Some(prev) = seen_same.get(code) {
            problems.push(format!("{this}代码“{code}”与第 {prev} 行重复"));
        }
        if known_other || seen_other.contains_key(code) {
            problems.push(format!("代码“{code}”已被{other}使用，{this}不能再用"));
        }
        problems
    }

    fn region(
        &mut self,
        line: usize,
        code: &str,
        name: &str,
        level: RegionLevel,
        parent_code: &Option<String>,
    ) -> (ImportStep, Vec<String>) {
        let mut problems = self.common_problems(Kind::Region, code, name);
        let parent = parent_code.as_deref().filter(|p| !p.trim().is_empty());
        if let Some(p) = parent {
            if p == code {
                problems.push("区划的上级不能是它自己".into());
            } else if !self.tree.contains_key(p) {
                problems.push(format!(
                    "上级区划代码“{p}”不存在（须是已有区划，或在本行之前导入）"
                ));
            } else if self.region_ids.contains_key(code) && is_below(&self.tree, p, code) {
                problems.push(format!("不能把区划“{code}”移到它自己的下级区划“{p}”之下"));
            }
        }
        self.seen_regions.entry(code.to_string()).or_insert(line);
        if problems.is_empty() {
            self.tree
                .insert(code.to_string(), parent.map(str::to_string));
        } else if !self.tree.contains_key(code) {
            // Known from here on, so rows below naming it are not reported again.
            self.tree.insert(code.to_string(), None);
        }
        let (name, parent) = (name.to_string(), parent.map(str::to_string));
        let step = match self.region_ids.get(code) {
            Some(&id) => ImportStep::UpdateRegion {
                id,
                name,
                level,
                parent,
            },
            None => ImportStep::CreateRegion {
                code: code.to_string(),
                name,
                level,
                parent,
            },
        };
        (step, problems)
    }

    fn unit(
        &mut self,
        line: usize,
        code: &str,
        name: &str,
        short_name: &str,
        kind: UnitKind,
        region_code: &str,
    ) -> (ImportStep, Vec<String>) {
        let mut problems = self.common_problems(Kind::Unit, code, name);
        if !self.tree.contains_key(region_code) {
            problems.push(format!(
                "所属区划代码“{region_code}”不存在（须是已有区划，或在本行之前导入）"
            ));
        }
        self.seen_units.entry(code.to_string()).or_insert(line);
        let (name, short_name, region) = (
            name.to_string(),
            short_name.to_string(),
            region_code.to_string(),
        );
        let step = match self.unit_ids.get(code) {
            Some(&id) => ImportStep::UpdateUnit {
                id,
                name,
                short_name,
                kind,
                region,
            },
            None => ImportStep::CreateUnit {
                code: code.to_string(),
                name,
                short_name,
                kind,
                region,
            },
        };
        (step, problems)
    }
}

/// Whether `code` is `start` or one of its ancestors in `tree` (so making `start` the parent
/// of `code` would close a cycle).
fn is_below(tree: &HashMap<String, Option<String>>, start: &str, code: &str) -> bool {
    let mut cur = Some(start);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == code {
            return true;
        }
        steps += 1;
        if steps > tree.len() + 1 {
            return true; // a cycle already: refuse rather than loop
        }
        cur = tree.get(c).and_then(|p| p.as_deref());
    }
    false
}

/// Where rows reach in the existing tree. Rows that repeat what is there reach nothing, so
/// an admin can import his own export again (it names his region under its parent); rows
/// naming parents that cannot be traced reach nothing either (they are refused anyway).
struct Reach<'a> {
    region_by_code: HashMap<&'a str, &'a Region>,
    unit_by_code: HashMap<&'a str, &'a Unit>,
    code_of: HashMap<RegionId, &'a str>,
    /// Region code → parent code, as the batch first names them.
    batch_parent: HashMap<String, Option<String>>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl<'a> Reach<'a> {
    fn new(snapshot: &'a OrgSnapshot, rows: &[(usize, OrgRow)]) -> Self {
        let mut batch_parent: HashMap<String, Option<String>> = HashMap::new();
        for (_, row) in rows {
            if let OrgRow::Region {
                code, parent_code, ..
            } = row
            {
                batch_parent
                    .entry(code.trim().to_string())
                    .or_insert_with(|| nonempty(parent_code));
            }
        }
        Self {
            region_by_code: snapshot
                .regions
                .iter()
                .map(|r| (r.code.as_str(), r))
                .collect(),
            unit_by_code: snapshot
                .units
                .iter()
                .map(|u| (u.code.as_str(), u))
                .collect(),
            code_of: snapshot
                .regions
                .iter()
                .map(|r| (r.id, r.code.as_str()))
                .collect(),
            batch_parent,
        }
    }

    /// The region chain of the existing region a code ends up under (empty: no parent), or
    /// `None` when it cannot be traced.
    fn trace(&self, start: Option<String>) -> Option<Vec<RegionId>> {
        let mut code = start;
        for _ in 0..=self.batch_parent.len() {
            let Some(c) = code else {
                return Some(Vec::new());
            };
            if let Some(r) = self.region_by_code.get(c.as_str()) {
                return Some(r.path.clone());
            }
            code = self.batch_parent.get(&c)?.clone();
        }
        None
    }

    /// The region chains one row reaches (unsorted, possibly repeated).
    fn of(&self, row: &OrgRow) -> Vec<Vec<RegionId>> {
        let mut needed = Vec::new();
        match row {
            OrgRow::Region {
                code,
                name,
                level,
                parent_code,
            } => {
                if let Some(existing) = self.region_by_code.get(code.trim()) {
                    let parent_now = existing
                        .parent_id
                        .and_then(|id| self.code_of.get(&id).copied());
                    let unchanged = existing.name == name.trim()
                        && existing.level == *level
                        && parent_now == nonempty(parent_code).as_deref();
                    if unchanged {
                        return needed;
                    }
                    needed.push(existing.path[..existing.path.len() - 1].to_vec());
                }
                needed.extend(self.trace(nonempty(parent_code)));
            }
            OrgRow::Unit {
                code,
                name,
                short_name,
                kind,
                region_code,
            } => {
                if let Some(existing) = self.unit_by_code.get(code.trim()) {
                    let unchanged = existing.name == name.trim()
                        && existing.short_name == short_name.trim()
                        && existing.kind == *kind
                        && self.code_of.get(&existing.region_id).copied()
                            == Some(region_code.trim());
                    if unchanged {
                        return needed;
                    }
                    needed.push(existing.region_path.clone());
                }
                needed.extend(self.trace(Some(region_code.trim().to_string())));
            }
        }
        needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(id: RegionId, parent: Option<RegionId>, code: &str, path: Vec<RegionId>) -> Region {
        Region {
            id,
            parent_id: parent,
            code: code.into(),
            name: format!("区划{code}"),
            level: RegionLevel::City,
            path,
        }
    }

    fn snapshot() -> OrgSnapshot {
        OrgSnapshot {
            regions: vec![
                region(RegionId(1), None, "P", vec![RegionId(1)]),
                region(
                    RegionId(2),
                    Some(RegionId(1)),
                    "C",
                    vec![RegionId(1), RegionId(2)],
                ),
            ],
            units: vec![Unit {
                id: UnitId(7),
                region_id: RegionId(2),
                code: "U".into(),
                name: "单位U".into(),
                short_name: String::new(),
                kind: UnitKind::ALL[0],
                region_path: vec![RegionId(1), RegionId(2)],
            }],
        }
    }

    fn region_row(code: &str, parent: Option<&str>) -> OrgRow {
        OrgRow::Region {
            code: code.into(),
            name: format!("区划{code}"),
            level: RegionLevel::City,
            parent_code: parent.map(str::to_string),
        }
    }

    #[test]
    fn a_new_region_under_a_new_region_reaches_the_existing_ancestor() {
        let rows = vec![
            (1, region_row("N", Some("C"))),
            (2, region_row("M", Some("N"))),
        ];
        let plan = plan_import(&snapshot(), &rows).unwrap();
        assert_eq!(plan.rows().len(), 2);
        assert!(matches!(
            plan.rows()[1].step,
            ImportStep::CreateRegion { .. }
        ));
        assert_eq!(plan.reach(), &[vec![1, 2]]);
    }

    #[test]
    fn repeating_what_is_there_reaches_nothing() {
        let rows = vec![(1, region_row("C", Some("P")))];
        let plan = plan_import(&snapshot(), &rows).unwrap();
        assert!(plan.reach().is_empty());
        assert!(matches!(
            plan.rows()[0].step,
            ImportStep::UpdateRegion {
                id: RegionId(2),
                ..
            }
        ));
    }

    #[test]
    fn refusals_name_every_bad_row_and_keep_the_reach() {
        let rows = vec![
            (3, region_row("U", Some("P"))),
            (4, region_row("X", Some("nowhere"))),
            (5, region_row("P", Some("C"))),
        ];
        let refusal = plan_import(&snapshot(), &rows).unwrap_err();
        let lines: Vec<usize> = refusal.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert_eq!(
            refusal.errors[0].message,
            "代码“U”已被单位使用，区划不能再用"
        );
        assert!(refusal.errors[2]
            .message
            .contains("不能把区划“P”移到它自己的下级区划“C”之下"));
        assert!(refusal.reach.contains(&vec![RegionId(1)]));
    }

    #[test]
    fn hidden_characters_are_refused_first_without_reach() {
        let rows = vec![(
            9,
            OrgRow::Unit {
                code: "V".into(),
                name: "单位\u{200B}V".into(),
                short_name: String::new(),
                kind: UnitKind::ALL[0],
                region_code: "nowhere".into(),
            },
        )];
        let refusal = plan_import(&snapshot(), &rows).unwrap_err();
        assert_eq!(refusal.errors.len(), 1);
        assert_eq!(refusal.errors[0].line, 9);
        assert!(refusal.reach.is_empty());
        assert!(plan_tree_changes(&snapshot(), &rows).is_err());
    }
}
