//! The named rules. Each rule is a function with its legal basis in its doc comment.

use super::{CheckContext, Finding};
use crate::model::AnnualReport;

/// A rule: id, what it checks (Chinese), and the function.
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&AnnualReport, &CheckContext, &mut Vec<Finding>),
}

/// Every rule, in the order findings are reported.
pub static RULES: &[Rule] = &[];

pub fn run(report: &AnnualReport, ctx: &CheckContext) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in RULES {
        (r.run)(report, ctx, &mut out);
    }
    out
}
