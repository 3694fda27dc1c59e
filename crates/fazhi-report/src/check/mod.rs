//! The checker: named rules over an [`AnnualReport`] → findings (审查意见), and the score.

use crate::model::{AnnualReport, Location};
use chrono::NaiveDate;
use fazhi_domain::{Outline, Part, RuleSettings};
use serde::{Deserialize, Serialize};

pub mod metrics;
mod rules;
mod score;
pub mod slogans;

pub use metrics::Metrics;
pub use rules::{Rule, FORM_RULES, RULES};
pub use score::{score, score_with, Score, ScoreItem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    /// The key in JSON and in HTML classes: `error`, `warning`, `info`.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// 审查意见: which rule, how serious, on what basis, where, and what to do (in Chinese).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(deserialize_with = "crate::intern::de")]
    pub rule: crate::intern::StaticStr,
    pub severity: Severity,
    pub part: Option<Part>,
    /// The regulation or guideline the rule rests on.
    #[serde(deserialize_with = "crate::intern::de")]
    pub basis: crate::intern::StaticStr,
    /// What is wrong and what to do.
    pub message: String,
    pub location: Location,
}

impl Finding {
    /// A finding of `rule` on `part` (or on the whole report), resting on `basis`.
    pub(crate) fn new(
        rule: &'static str,
        severity: Severity,
        part: Option<Part>,
        basis: &'static str,
        message: String,
        location: Location,
    ) -> Finding {
        Finding {
            rule,
            severity,
            part,
            basis,
            message,
            location,
        }
    }
}

/// What the rules need besides the report.
#[derive(Debug, Clone)]
pub struct CheckContext<'a> {
    pub outline: &'a Outline,
    pub settings: &'a RuleSettings,
    /// Publication date given by the caller (`--published`), overriding one found in the text.
    pub published: Option<NaiveDate>,
}

/// Runs every rule. A report whose genre is not a rule-of-law annual report gets no findings
/// about its parts (only a finding saying what it is).
pub fn check(report: &AnnualReport, ctx: &CheckContext) -> Vec<Finding> {
    rules::run(report, ctx)
}

/// Runs every rule and scores the report, measuring what both need only once (the slogan
/// share, the measures' facts and cases). Same result as [`check`] then [`score`].
pub fn check_and_score(report: &AnnualReport, ctx: &CheckContext) -> (Vec<Finding>, Score) {
    let m = Metrics::new(report);
    let findings = rules::run_with(report, ctx, &m);
    let score = score::score_with(report, &findings, ctx, &m);
    (findings, score)
}
