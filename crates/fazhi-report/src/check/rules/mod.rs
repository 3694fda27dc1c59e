//! The named rules. Each rule is a function with its legal basis in its doc comment.
//!
//! A report whose genre is [`Genre::Other`] gets exactly one finding, `genre-other`; every
//! other rule skips it.

use super::metrics::{self, quote, Metrics};
use super::{CheckContext, Finding, Severity};
use crate::model::{AnnualReport, BlockKind, CoverageLevel, Genre, Location, Section};
use chrono::{Datelike, NaiveDate};
use fazhi_domain::{Part, UnitName};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

mod dates;
mod structure;
mod substance;
mod title;
mod wording;
mod years;

use dates::*;
use structure::*;
use substance::*;
use title::*;
use wording::*;
use years::*;

/// A rule: id, what it checks (Chinese), and the function.
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    check: fn(&AnnualReport, &CheckContext, &Metrics, &mut Vec<Finding>),
}

impl Rule {
    /// Applies the rule. Every rule but `genre-other` keeps quiet on a report whose genre is
    /// [`Genre::Other`].
    pub fn run(
        &self,
        report: &AnnualReport,
        ctx: &CheckContext,
        m: &Metrics,
        out: &mut Vec<Finding>,
    ) {
        if self.id != "genre-other" && skip(report) {
            return;
        }
        (self.check)(report, ctx, m, out)
    }
}

/// Every rule, in the order findings are reported.
pub static RULES: &[Rule] = &[
    Rule {
        id: "genre-other",
        title: "体裁不是法治政府建设年度报告",
        check: genre_other,
    },
    Rule {
        id: "part-missing",
        title: "缺少提纲要求的报告事项",
        check: part_missing,
    },
    Rule {
        id: "part-folded",
        title: "报告事项未单列一级标题",
        check: part_folded,
    },
    Rule {
        id: "section-order",
        title: "报告事项顺序与提纲不一致",
        check: section_order,
    },
    Rule {
        id: "causes-missing",
        title: "不足部分未分析原因",
        check: causes_missing,
    },
    Rule {
        id: "first-responsible-thin",
        title: "第一责任人履职情况过于简略",
        check: first_responsible_thin,
    },
    Rule {
        id: "plans-unrelated",
        title: "下一年度安排未回应所列不足",
        check: plans_unrelated,
    },
    Rule {
        id: "facts-scarce",
        title: "主要举措缺少数据和具体事例",
        check: facts_scarce,
    },
    Rule {
        id: "boilerplate-heavy",
        title: "套话过多",
        check: boilerplate_heavy,
    },
    Rule {
        id: "doc-too-short",
        title: "报告篇幅过短",
        check: doc_too_short,
    },
    Rule {
        id: "title-missing",
        title: "缺少标题",
        check: title_missing,
    },
    Rule {
        id: "title-unit-missing",
        title: "标题未写明单位名称",
        check: title_unit_missing,
    },
    Rule {
        id: "signature-unit-mismatch",
        title: "落款单位与发文单位不一致",
        check: signature_unit_mismatch,
    },
    Rule {
        id: "year-inconsistent",
        title: "年度前后不一致",
        check: year_inconsistent,
    },
    Rule {
        id: "date-missing",
        title: "缺少成文日期",
        check: date_missing,
    },
    Rule {
        id: "deadline-late",
        title: "超过报送或公开时限",
        check: deadline_late,
    },
    Rule {
        id: "date-premature",
        title: "日期早于报告年度结束",
        check: date_premature,
    },
];

/// Rules about the report's form (dates, time limits, signature, year); the compliance
/// score deducts for their errors and warnings.
pub const FORM_RULES: &[&str] = &[
    "signature-unit-mismatch",
    "year-inconsistent",
    "date-missing",
    "deadline-late",
    "date-premature",
];

pub fn run(report: &AnnualReport, ctx: &CheckContext) -> Vec<Finding> {
    run_with(report, ctx, &Metrics::new(report))
}

/// Runs every rule with measurements that may be shared with the score.
pub fn run_with(report: &AnnualReport, ctx: &CheckContext, m: &Metrics) -> Vec<Finding> {
    let mut out = Vec::new();
    if report.genre == Genre::Other {
        genre_other(report, ctx, m, &mut out);
        return out;
    }
    for r in RULES {
        r.run(report, ctx, m, &mut out);
    }
    out
}

const BASIS_28: &str = "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条";
const BASIS_FORMAT: &str = "《党政机关公文处理工作条例》（中办发〔2012〕14号）第九条；《党政机关公文格式》（GB/T 9704—2012）";

fn skip(report: &AnnualReport) -> bool {
    report.genre == Genre::Other
}

fn first_block(report: &AnnualReport, kind: BlockKind) -> Option<usize> {
    report.blocks.iter().position(|b| b.kind == kind)
}

/// The location of the title, or of the first block when there is none.
fn title_location(report: &AnnualReport) -> Location {
    match first_block(report, BlockKind::Title) {
        Some(i) => report.locate(i, report.title.as_deref().map(|t| quote(t, 40))),
        None => Location::default(),
    }
}

/// The signature block holding `needle` (or the last signature block).
fn signature_location(report: &AnnualReport, needle: Option<&str>) -> Location {
    let sig: Vec<usize> = report
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.kind == BlockKind::Signature)
        .map(|(i, _)| i)
        .collect();
    let hit = needle
        .and_then(|n| {
            let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
            sig.iter().copied().find(|&i| {
                let t: String = report.blocks[i]
                    .text
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                t.contains(&n)
            })
        })
        .or_else(|| sig.last().copied());
    block_location(report, hit)
}

/// The location of block `i` quoting `text` (at most 40 characters), or none.
fn quoted_location(report: &AnnualReport, at: Option<(usize, &str)>) -> Location {
    at.map_or_else(Location::default, |(i, text)| {
        report.locate(i, Some(quote(text, 40)))
    })
}

/// The location of block `i` quoting its text, or none.
fn block_location(report: &AnnualReport, i: Option<usize>) -> Location {
    quoted_location(report, i.map(|i| (i, report.blocks[i].text.as_str())))
}

fn section_location(report: &AnnualReport, s: &Section) -> Location {
    let heading = &report.blocks[s.heading.min(report.blocks.len().saturating_sub(1))].text;
    report.locate(s.heading, Some(quote(heading, 40)))
}

fn heading_label(report: &AnnualReport, s: &Section) -> String {
    let title = s.title.clone().unwrap_or_else(|| {
        report
            .blocks
            .get(s.heading)
            .map(|b| b.text.clone())
            .unwrap_or_default()
    });
    format!("{}{}", crate::model::display_number(s), quote(&title, 30))
}

fn ymd(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests;
