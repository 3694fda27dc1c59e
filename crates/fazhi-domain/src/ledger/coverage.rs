//! Coverage of the indicator framework: which indicators a unit's records of a year speak to,
//! so that gaps are visible before the report is written.

use super::{Record, RecordId};
use crate::Framework;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One indicator with the records tagged with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorCoverage {
    pub code: String,
    pub name: String,
    /// 0 for a root, 1 for its children, …
    pub depth: usize,
    /// The records tagged with this indicator or any indicator below it, ascending, each
    /// once.
    pub record_ids: Vec<RecordId>,
}

impl IndicatorCoverage {
    /// No record speaks to this indicator: a gap.
    pub fn is_gap(&self) -> bool {
        self.record_ids.is_empty()
    }
}

/// Every node of the framework in tree order (each root, then its children by order, …) with
/// the given records tagged with it; a node's ids include those of the nodes below it. Pass
/// the records of one unit and year; tags with codes the framework does not know are
/// ignored.
pub fn coverage(framework: &Framework, records: &[Record]) -> Vec<IndicatorCoverage> {
    let nodes = framework.nodes();
    let position: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), i))
        .collect();
    let mut ids: Vec<BTreeSet<RecordId>> = vec![BTreeSet::new(); nodes.len()];
    for r in records {
        for code in &r.data.indicators {
            // The node itself and every node above it.
            let mut at = position.get(code.as_str()).copied();
            let mut steps = 0;
            while let Some(i) = at {
                ids[i].insert(r.id);
                at = nodes[i]
                    .parent
                    .as_deref()
                    .and_then(|p| position.get(p).copied());
                steps += 1;
                if steps > nodes.len() {
                    break;
                }
            }
        }
    }
    nodes
        .iter()
        .zip(ids)
        .map(|(n, ids)| IndicatorCoverage {
            code: n.code.clone(),
            name: n.name.clone(),
            depth: framework.path(&n.code).len().saturating_sub(1),
            record_ids: ids.into_iter().collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::test_support::rec;
    use crate::ledger::RecordKind;

    fn tagged(id: RecordId, codes: &[&str]) -> Record {
        let mut r = rec(
            id,
            RecordKind::Study,
            2025,
            &[("date", "2025-03-01"), ("form", "集中学法")],
        );
        r.data.indicators = codes.iter().map(|c| c.to_string()).collect();
        r
    }

    #[test]
    fn every_node_in_tree_order_with_its_records_and_its_childrens() {
        let fw = Framework::from_toml(
            r#"
name = "测试"
[[node]]
code = "a"
order = 2
name = "甲"
[[node]]
code = "b"
order = 1
name = "乙"
[[node]]
code = "b.y"
parent = "b"
order = 2
name = "乙二"
[[node]]
code = "b.x"
parent = "b"
order = 1
name = "乙一"
[[node]]
code = "b.x.1"
parent = "b.x"
order = 1
name = "乙一1"
"#,
        )
        .unwrap();
        let records = vec![
            tagged(RecordId(1), &["b.x.1"]),
            tagged(RecordId(2), &["b.x", "b.x.1", "a"]),
            tagged(RecordId(3), &["b"]),
            tagged(RecordId(4), &["nowhere"]),
            tagged(RecordId(5), &[]),
        ];
        let cov = coverage(&fw, &records);
        let got: Vec<(&str, &str, usize, Vec<i64>)> = cov
            .iter()
            .map(|c| {
                (
                    c.code.as_str(),
                    c.name.as_str(),
                    c.depth,
                    c.record_ids.iter().map(|r| r.0).collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("b", "乙", 0, vec![1, 2, 3]),
                ("b.x", "乙一", 1, vec![1, 2]),
                ("b.x.1", "乙一1", 2, vec![1, 2]),
                ("b.y", "乙二", 1, vec![]),
                ("a", "甲", 0, vec![2]),
            ]
        );
    }

    #[test]
    fn builtin_framework_coverage_shows_the_gaps() {
        let fw = Framework::builtin();
        let records = vec![
            tagged(RecordId(1), &["decision.procedure"]),
            tagged(RecordId(2), &["decision.procedure", "rules.normative"]),
        ];
        let cov = coverage(&fw, &records);
        assert_eq!(cov.len(), fw.nodes().len());
        let codes: Vec<&str> = cov.iter().map(|c| c.code.as_str()).collect();
        let fw_codes: Vec<&str> = fw.nodes().iter().map(|n| n.code.as_str()).collect();
        assert_eq!(codes, fw_codes);
        let get = |code: &str| cov.iter().find(|c| c.code == code).unwrap();
        assert_eq!(get("decision").record_ids, [1, 2]);
        assert_eq!(get("decision").depth, 0);
        assert_eq!(get("decision.procedure").record_ids, [1, 2]);
        assert_eq!(get("decision.procedure").depth, 1);
        assert_eq!(get("rules").record_ids, [2]);
        assert!(get("thought").is_gap());
        assert!(get("rules.legislation").is_gap());
    }
}
