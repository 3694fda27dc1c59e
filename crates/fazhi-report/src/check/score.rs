//! The score (0–100) with its breakdown.
//!
//! The total is the sum of four items, rounded to the nearest whole point:
//!
//! | key | label | max | how |
//! | --- | --- | --- | --- |
//! | `completeness` | 完整性 | 40 | Each required entry of the outline weighs 40 ÷ entries. A part with a top-level section earns its full weight, one present only as a subsection earns 60% (`other` stated in a line such as “其他需要报告的情况：无” earns full weight); a `thought` entry is earned by each top-level political-study section. The shortcomings part earns two thirds of its weight when `causes-missing` is raised. |
//! | `specificity` | 具体性 | 25 | Of the measures part: 15 × min(1, facts per 1,000 characters ÷ (2 × `facts_per_thousand_chars`)) plus 10 × min(1, concrete-case markers ÷ 4). No measures part: 0. |
//! | `compliance` | 合规性 | 20 | 20 minus 8 per error and 3.5 per warning among the form rules ([`super::FORM_RULES`]: signature, year, dates, time limits); at least 0. |
//! | `form` | 规范性 | 15 | Title 3, unit in the title 3, year in the title 3, a date (signed, published, or given by the caller) 2, numbered sections 2 (≥ 3 top-level sections; 1 for one or two), low boilerplate 2 × (1 − slogan share ÷ `boilerplate_share`), at least 0. |
//!
//! A report that is not a 法治政府建设年度报告 scores 0 with every item saying why.
//!
//! The score is deterministic (it depends only on the report, the findings and the settings)
//! and monotone in the parts: adding a missing part as a section adds at least 40 ÷ 7 ≈ 5.7
//! points of completeness, while the most it can cost elsewhere is one form warning (3.5, e.g.
//! a plan for the wrong year) and the boilerplate points (≤ 2).

use super::metrics::{self, Metrics};
use super::rules::FORM_RULES;
use super::{CheckContext, Finding, Severity};
use crate::model::{AnnualReport, CoverageLevel, Genre};
use fazhi_domain::Part;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreItem {
    #[serde(deserialize_with = "crate::intern::de")]
    pub key: crate::intern::StaticStr,
    #[serde(deserialize_with = "crate::intern::de")]
    pub label: crate::intern::StaticStr,
    pub points: f64,
    pub max: f64,
    /// How the points were arrived at, in Chinese.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub total: u32,
    pub items: Vec<ScoreItem>,
}

const COMPLETENESS: f64 = 40.0;
const SPECIFICITY: f64 = 25.0;
const COMPLIANCE: f64 = 20.0;
const FORM: f64 = 15.0;

/// Credit of a part present only as a subsection.
const FOLDED: f64 = 0.6;
/// Credit of a shortcomings part without causes.
const NO_CAUSES: f64 = 2.0 / 3.0;
const ERROR_DEDUCTION: f64 = 8.0;
const WARNING_DEDUCTION: f64 = 3.5;

pub fn score(report: &AnnualReport, findings: &[Finding], ctx: &CheckContext) -> Score {
    score_with(report, findings, ctx, &Metrics::new(report))
}

/// The score with measurements that may be shared with the rules.
pub fn score_with(
    report: &AnnualReport,
    findings: &[Finding],
    ctx: &CheckContext,
    m: &Metrics,
) -> Score {
    if report.genre == Genre::Other {
        let why = "该文件不是法治政府建设年度报告，不予评分。";
        let items = [
            ("completeness", "完整性", COMPLETENESS),
            ("specificity", "具体性", SPECIFICITY),
            ("compliance", "合规性", COMPLIANCE),
            ("form", "规范性", FORM),
        ]
        .into_iter()
        .map(|(key, label, max)| ScoreItem {
            key,
            label,
            points: 0.0,
            max,
            explanation: why.to_string(),
        })
        .collect();
        return Score { total: 0, items };
    }
    let items = vec![
        completeness(report, findings, ctx),
        specificity(m, ctx),
        compliance(findings),
        form(report, ctx, m),
    ];
    let sum: f64 = items.iter().map(|i| i.points).sum();
    let total = sum.round().clamp(0.0, 100.0) as u32;
    let items = items
        .into_iter()
        .map(|mut i| {
            i.points = (i.points * 10.0).round() / 10.0;
            i
        })
        .collect();
    Score { total, items }
}

fn completeness(report: &AnnualReport, findings: &[Finding], ctx: &CheckContext) -> ScoreItem {
    let entries: Vec<&fazhi_domain::OutlinePart> =
        ctx.outline.parts.iter().filter(|p| p.required).collect();
    if entries.is_empty() {
        return ScoreItem {
            key: "completeness",
            label: "完整性",
            points: COMPLETENESS,
            max: COMPLETENESS,
            explanation: "提纲没有必备事项，按满分计。".to_string(),
        };
    }
    let weight = COMPLETENESS / entries.len() as f64;
    let no_causes = findings.iter().any(|f| f.rule == "causes-missing");
    let mut thought_sections = report.sections_of(Part::Thought).count();
    let (mut full, mut folded, mut missing) = (Vec::new(), Vec::new(), Vec::new());
    let mut points = 0.0;
    for entry in &entries {
        let part = entry.part;
        let credit = if part == Part::Thought {
            if thought_sections > 0 {
                thought_sections -= 1;
                1.0
            } else {
                0.0
            }
        } else {
            match report.coverage.get(part) {
                CoverageLevel::Section => 1.0,
                CoverageLevel::Subsection if part == Part::Other => 1.0,
                CoverageLevel::Subsection => FOLDED,
                CoverageLevel::Missing => 0.0,
            }
        };
        let mut why = if credit < 1.0 && credit > 0.0 {
            vec!["只作为下级标题出现，计60%"]
        } else {
            Vec::new()
        };
        let credit = if part == Part::Shortcomings && credit > 0.0 && no_causes {
            why.push("未分析原因，计三分之二");
            credit * NO_CAUSES
        } else {
            credit
        };
        points += weight * credit;
        let label = if part == Part::Thought {
            metrics::quote(&entry.title, 16)
        } else {
            part.label().to_string()
        };
        if credit == 0.0 {
            missing.push(label);
        } else if credit < 1.0 {
            folded.push(format!("{label}：{}", why.join("，")));
        } else {
            full.push(label);
        }
    }
    let mut explanation = format!(
        "提纲共{}项必备内容，每项{:.1}分；齐全{}项",
        entries.len(),
        weight,
        full.len()
    );
    if !folded.is_empty() {
        explanation.push_str(&format!(
            "；部分得分{}项（{}）",
            folded.len(),
            folded.join("；")
        ));
    }
    if !missing.is_empty() {
        explanation.push_str(&format!(
            "；缺少{}项（{}）",
            missing.len(),
            missing.join("、")
        ));
    }
    explanation.push('。');
    ScoreItem {
        key: "completeness",
        label: "完整性",
        points,
        max: COMPLETENESS,
        explanation,
    }
}

fn specificity(m: &Metrics, ctx: &CheckContext) -> ScoreItem {
    let m = m.measures();
    if !m.present {
        return ScoreItem {
            key: "specificity",
            label: "具体性",
            points: 0.0,
            max: SPECIFICITY,
            explanation: "报告没有“主要举措和成效”部分，无法计算具体性，计0分。".to_string(),
        };
    }
    let threshold = ctx.settings.facts_per_thousand_chars;
    let full_density = 2.0 * threshold;
    let density = m.density();
    let facts_share = if full_density <= 0.0 {
        if m.facts > 0 {
            1.0
        } else {
            0.0
        }
    } else {
        (density / full_density).min(1.0)
    };
    let cases_share = (m.cases as f64 / 4.0).min(1.0);
    let facts_points = 15.0 * facts_share;
    let cases_points = 10.0 * cases_share;
    ScoreItem {
        key: "specificity",
        label: "具体性",
        points: facts_points + cases_points,
        max: SPECIFICITY,
        explanation: format!(
            "“主要举措和成效”约{}字，数据{}个，每千字{:.1}个（每千字达到{:.1}个得满分15分），得{:.1}分；具体事例（具体日期、带引号的活动、案例、企业名称等）{}处（4处得满分10分），得{:.1}分。",
            m.chars, m.facts, density, full_density, facts_points, m.cases, cases_points
        ),
    }
}

fn compliance(findings: &[Finding]) -> ScoreItem {
    let mut deduction = 0.0;
    let mut reasons = Vec::new();
    for f in findings.iter().filter(|f| FORM_RULES.contains(&f.rule)) {
        let d = match f.severity {
            Severity::Error => ERROR_DEDUCTION,
            Severity::Warning => WARNING_DEDUCTION,
            Severity::Info => 0.0,
        };
        if d > 0.0 {
            deduction += d;
            let title = super::RULES
                .iter()
                .find(|r| r.id == f.rule)
                .map_or(f.rule, |r| r.title);
            reasons.push(format!("{title}（{}，扣{}分）", f.severity.label(), d));
        }
    }
    let points = (COMPLIANCE - deduction).max(0.0);
    let explanation = if reasons.is_empty() {
        "落款单位、年度、报送和公开时限未发现问题，得满分。".to_string()
    } else {
        format!(
            "满分20分，落款、年度、日期和时限方面每个错误扣8分、每个警告扣3.5分：{}。",
            reasons.join("；")
        )
    };
    ScoreItem {
        key: "compliance",
        label: "合规性",
        points,
        max: COMPLIANCE,
        explanation,
    }
}

/// Points as people write them: 3, 1.5.
fn points_text(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn form(report: &AnnualReport, ctx: &CheckContext, m: &Metrics) -> ScoreItem {
    let mut points = 0.0;
    let mut parts = Vec::new();
    let mut add = |ok: f64, max: f64, what: &str| {
        points += ok;
        parts.push(format!("{what}{}/{max}分", points_text(ok)));
    };
    add(
        if report.title.is_some() { 3.0 } else { 0.0 },
        3.0,
        "有标题",
    );
    add(
        if report.title.is_some() && report.unit_in_title {
            3.0
        } else {
            0.0
        },
        3.0,
        "标题含单位",
    );
    add(
        if report.year_in_title { 3.0 } else { 0.0 },
        3.0,
        "标题含年度",
    );
    let dated =
        report.signed_date.is_some() || report.published_date.is_some() || ctx.published.is_some();
    add(if dated { 2.0 } else { 0.0 }, 2.0, "有日期");
    let numbered = report
        .sections
        .iter()
        .filter(|s| s.style.is_numbered())
        .count();
    add(
        match numbered {
            0 => 0.0,
            1 | 2 => 1.0,
            _ => 2.0,
        },
        2.0,
        "分级编号标题",
    );
    let b = m.boilerplate();
    let threshold = ctx.settings.boilerplate_share;
    let low = if b.sentences < 5 || threshold <= 0.0 {
        if b.sentences < 5 {
            2.0
        } else {
            0.0
        }
    } else {
        2.0 * (1.0 - b.share() / threshold).clamp(0.0, 1.0)
    };
    add(low, 2.0, "套话少");
    let explanation = format!(
        "{}（套话句占比{:.0}%，达到{:.0}%时该项为0）。",
        parts.join("，"),
        b.share() * 100.0,
        threshold * 100.0
    );
    ScoreItem {
        key: "form",
        label: "规范性",
        points: points.max(0.0),
        max: FORM,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Coverage, Location};
    use fazhi_domain::{Outline, RuleSettings};
    use std::sync::LazyLock;

    static OUTLINE: LazyLock<Outline> = LazyLock::new(Outline::national);
    static SETTINGS: LazyLock<RuleSettings> = LazyLock::new(RuleSettings::default);

    /// The context of a check against the national outline with default settings.
    fn national() -> CheckContext<'static> {
        CheckContext {
            outline: &OUTLINE,
            settings: &SETTINGS,
            published: None,
        }
    }

    fn empty() -> AnnualReport {
        AnnualReport {
            genre: Genre::RuleOfLawAnnualReport,
            title: None,
            unit: None,
            unit_in_title: false,
            year: None,
            year_in_title: false,
            doc_number: None,
            salutation: None,
            signed_unit: None,
            signed_date: None,
            published_date: None,
            blocks: Vec::new(),
            sections: Vec::new(),
            facts: Vec::new(),
            coverage: Coverage::all_missing(),
        }
    }

    fn finding(rule: &'static str, severity: Severity) -> Finding {
        Finding {
            rule,
            severity,
            part: None,
            basis: "",
            message: String::new(),
            location: Location::default(),
        }
    }

    #[test]
    fn empty_report_scores_low_but_in_bounds() {
        let ctx = national();
        let s = score(&empty(), &[], &ctx);
        assert_eq!(s.items.len(), 4);
        // Only compliance (nothing wrong found) and the boilerplate point remain.
        assert_eq!(s.total, 22);
    }

    #[test]
    fn coverage_raises_completeness() {
        let ctx = national();
        let mut r = empty();
        let base = score(&r, &[], &ctx).items[0].points;
        r.coverage.first_responsible = CoverageLevel::Subsection;
        let folded = score(&r, &[], &ctx).items[0].points;
        r.coverage.first_responsible = CoverageLevel::Section;
        let full = score(&r, &[], &ctx).items[0].points;
        assert!(base < folded && folded < full);
        r.coverage.shortcomings = CoverageLevel::Section;
        let with = score(&r, &[], &ctx).items[0].points;
        let without_causes =
            score(&r, &[finding("causes-missing", Severity::Warning)], &ctx).items[0].points;
        assert!(without_causes < with && without_causes > full);
    }

    #[test]
    fn form_findings_cost_compliance() {
        let ctx = national();
        let r = empty();
        let f = [
            finding("signature-unit-mismatch", Severity::Error),
            finding("deadline-late", Severity::Warning),
            finding("date-missing", Severity::Info),
            finding("facts-scarce", Severity::Warning),
        ];
        let c = score(&r, &f, &ctx).items[2].clone();
        assert_eq!(c.points, 8.5);
        assert!(
            c.explanation.contains("落款单位与发文单位不一致"),
            "{}",
            c.explanation
        );
        assert!(
            !c.explanation.contains("主要举措缺少数据"),
            "{}",
            c.explanation
        );
    }

    #[test]
    fn other_genre_scores_zero() {
        let ctx = national();
        let mut r = empty();
        r.genre = Genre::Other;
        let s = score(&r, &[], &ctx);
        assert_eq!(s.total, 0);
        assert!(s
            .items
            .iter()
            .all(|i| i.points == 0.0 && i.explanation.contains("不予评分")));
    }
}
