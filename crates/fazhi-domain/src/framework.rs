//! The indicator framework (指标体系) the ledger's records are tagged with: a tree of
//! indicators with stable codes, read from a flat data file (`frameworks/indicators.toml`:
//! code, parent, order, name per node), so a province can ship its own menu without code.

use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One indicator (指标).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable code (`decision.procedure`); records keep it across renamings.
    pub code: String,
    pub parent: Option<String>,
    pub order: u32,
    pub name: String,
}

/// The indicator tree, nodes kept in pre-order (each parent before its children, siblings
/// by `order`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Framework {
    pub name: String,
    pub document: String,
    nodes: Vec<Indicator>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct RawFramework {
    name: String,
    #[serde(default)]
    document: String,
    node: Vec<Indicator>,
}

/// Most nodes a framework file may have (Shenzhen's menu has 135; this bounds bad input).
const MAX_NODES: usize = 5_000;

impl Framework {
    /// The national framework of 《法治政府建设实施纲要（2021—2025年）》.
    pub fn builtin() -> Self {
        crate::Frameworks::builtin().indicators.clone()
    }

    /// Reads and checks a framework file: codes unique and non-empty, parents exist, no
    /// cycles, at most [`MAX_NODES`] nodes.
    pub fn from_toml(text: &str) -> Result<Self, DomainError> {
        let raw: RawFramework =
            toml::from_str(text).map_err(|e| DomainError::toml("指标体系文件", text, e))?;
        if raw.node.len() > MAX_NODES {
            return Err(DomainError::Framework(format!(
                "指标数 {} 超过上限 {MAX_NODES}",
                raw.node.len()
            )));
        }
        let mut by_code: HashMap<&str, &Indicator> = HashMap::new();
        for n in &raw.node {
            if n.code.trim().is_empty() || n.name.trim().is_empty() {
                return Err(DomainError::Framework(
                    "指标的 code 和 name 不能为空".into(),
                ));
            }
            if by_code.insert(&n.code, n).is_some() {
                return Err(DomainError::Framework(format!("指标代码“{}”重复", n.code)));
            }
        }
        for n in &raw.node {
            if let Some(p) = &n.parent {
                if !by_code.contains_key(p.as_str()) {
                    return Err(DomainError::Framework(format!(
                        "指标“{}”的上级“{p}”不存在",
                        n.code
                    )));
                }
            }
        }
        // Pre-order walk from the roots; a node never reached sits on a cycle.
        let mut children: HashMap<Option<&str>, Vec<&Indicator>> = HashMap::new();
        for n in &raw.node {
            children.entry(n.parent.as_deref()).or_default().push(n);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.code.cmp(&b.code)));
        }
        let mut nodes = Vec::with_capacity(raw.node.len());
        let mut stack: Vec<&Indicator> = children.get(&None).cloned().unwrap_or_default();
        stack.reverse();
        while let Some(n) = stack.pop() {
            nodes.push(n.clone());
            if let Some(kids) = children.get(&Some(n.code.as_str())) {
                stack.extend(kids.iter().rev());
            }
        }
        if nodes.len() != raw.node.len() {
            return Err(DomainError::Framework("指标的上下级关系存在循环".into()));
        }
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.clone(), i))
            .collect();
        Ok(Framework {
            name: raw.name,
            document: raw.document,
            nodes,
            index,
        })
    }

    /// Every indicator, parents before children.
    pub fn nodes(&self) -> &[Indicator] {
        &self.nodes
    }

    pub fn get(&self, code: &str) -> Option<&Indicator> {
        self.index.get(code).map(|&i| &self.nodes[i])
    }

    /// The top-level indicators (the systems), in order.
    pub fn roots(&self) -> impl Iterator<Item = &Indicator> {
        self.nodes.iter().filter(|n| n.parent.is_none())
    }

    /// The direct children of `code`, in order.
    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Indicator> + 'a {
        self.nodes
            .iter()
            .filter(move |n| n.parent.as_deref() == Some(code))
    }

    /// The chain from the root down to `code` (inclusive); empty when unknown.
    pub fn path(&self, code: &str) -> Vec<&Indicator> {
        let mut out = Vec::new();
        let mut cur = self.get(code);
        while let Some(n) = cur {
            out.push(n);
            cur = n.parent.as_deref().and_then(|p| self.get(p));
        }
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_outline_systems_in_order() {
        let f = Framework::builtin();
        let roots: Vec<&str> = f.roots().map(|n| n.code.as_str()).collect();
        assert_eq!(
            roots,
            [
                "thought",
                "functions",
                "rules",
                "decision",
                "enforcement",
                "emergency",
                "disputes",
                "oversight",
                "technology",
                "leadership"
            ]
        );
        let decision: Vec<&str> = f.children("decision").map(|n| n.name.as_str()).collect();
        assert_eq!(decision[1], "严格落实重大行政决策程序");
        let path: Vec<&str> = f
            .path("oversight.disclosure")
            .iter()
            .map(|n| n.code.as_str())
            .collect();
        assert_eq!(path, ["oversight", "oversight.disclosure"]);
        // Pre-order: every parent comes before its children.
        for (i, n) in f.nodes().iter().enumerate() {
            if let Some(p) = &n.parent {
                assert!(f.nodes()[..i].iter().any(|q| &q.code == p), "{}", n.code);
            }
        }
    }

    #[test]
    fn bad_frameworks_are_refused_with_the_reason() {
        let cases = [
            ("name = \"x\"\n[[node]]\ncode = \"a\"\norder = 1\nname = \"甲\"\n[[node]]\ncode = \"a\"\norder = 2\nname = \"乙\"", "重复"),
            ("name = \"x\"\n[[node]]\ncode = \"a\"\nparent = \"z\"\norder = 1\nname = \"甲\"", "不存在"),
            ("name = \"x\"\n[[node]]\ncode = \"a\"\nparent = \"b\"\norder = 1\nname = \"甲\"\n[[node]]\ncode = \"b\"\nparent = \"a\"\norder = 1\nname = \"乙\"", "循环"),
            ("name = \"x\"\n[[node]]\ncode = \" \"\norder = 1\nname = \"甲\"", "不能为空"),
        ];
        for (text, why) in cases {
            let err = Framework::from_toml(text).unwrap_err().to_string();
            assert!(err.contains(why), "{err}");
        }
    }
}
