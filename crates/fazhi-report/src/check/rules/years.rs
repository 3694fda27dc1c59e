//! The report year: title, opening, measures and plans agree.

use super::*;

static PLAN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[，。；：\s])(\d{4})\s*年度?[，,\s]*(?:我局|我们|我单位|本局|我委|我办|本单位|全局)?\s*(?:将|要|计划|拟|工作安排|工作计划|主要安排|的工作)")
        .expect("plan year regex")
});

/// A year mismatch found by one of the three checks: message, location, part.
type Mismatch = (String, Location, Option<Part>);

/// `year-inconsistent` [警告]: the title's year is not the year the body reports on (the
/// opening paragraph names another year and not the title's, or most years in the measures
/// are another year), or a next-year section plans a year other than the report year + 1.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (上一年度 … 下一年度).
pub(super) fn year_inconsistent(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let Some(year) = report.year else { return };
    // The measures are only checked when the opening did not already raise the title's year.
    let body = opening_year(report, year).or_else(|| measures_year(report, year));
    let found = body.into_iter().chain(plans_years(report, year));
    for (message, location, part) in found {
        out.push(Finding::new(
            "year-inconsistent",
            Severity::Warning,
            part,
            BASIS_28,
            message,
            location,
        ));
    }
}

/// First check: the opening paragraph(s), before the first section, name another year and not the
/// title's (only when the title gives the year).
fn opening_year(report: &AnnualReport, year: i32) -> Option<Mismatch> {
    if !report.year_in_title {
        return None;
    }
    let first_heading = report
        .sections
        .first()
        .map_or(report.blocks.len(), |s| s.heading);
    let opening: Vec<usize> = (0..first_heading)
        .filter(|&i| report.blocks[i].kind == BlockKind::Body)
        .collect();
    let years: Vec<(usize, i32)> = opening
        .iter()
        .flat_map(|&i| {
            crate::parse::years_in(&report.blocks[i].text)
                .into_iter()
                .map(move |y| (i, y))
        })
        .collect();
    let &(i, first) = years.first()?;
    if first == year || years.iter().any(|(_, y)| *y == year) {
        return None;
    }
    Some((
        format!(
            "标题写的是{year}年度，但开头段落写的是{first}年（“{}”）。请核对报告年度，统一标题和正文的年份。",
            quote(&report.blocks[i].text, 30)
        ),
        report.locate(i, Some(quote(&report.blocks[i].text, 30))),
        None,
    ))
}

/// Second check: most years the measures mention are another year.
fn measures_year(report: &AnnualReport, year: i32) -> Option<Mismatch> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    let mut first_block_of: Vec<(i32, usize)> = Vec::new();
    for i in metrics::part_blocks(report, Part::Measures) {
        for y in crate::parse::years_in(&report.blocks[i].text) {
            match counts.iter_mut().find(|(k, _)| *k == y) {
                Some((_, n)) => *n += 1,
                None => {
                    counts.push((y, 1));
                    first_block_of.push((y, i));
                }
            }
        }
    }
    let own = counts
        .iter()
        .find(|(y, _)| *y == year)
        .map_or(0, |(_, n)| *n);
    let &(dominant, n) = counts
        .iter()
        .filter(|(y, _)| *y != year)
        .max_by_key(|(_, n)| *n)?;
    if !(n >= 3 && n > own * 2) {
        return None;
    }
    let i = first_block_of
        .iter()
        .find(|(y, _)| *y == dominant)
        .map_or(0, |(_, i)| *i);
    Some((
        format!(
            "报告年度为{year}年，但“主要举措和成效”中{dominant}年出现{n}次、{year}年只出现{own}次，所写举措可能不是本年度的工作。请核对年份，确认报告写的是{year}年度的情况。"
        ),
        report.locate(i, Some(quote(&report.blocks[i].text, 30))),
        Some(Part::Measures),
    ))
}

/// Third check: a next-year section plans a year other than the report year + 1.
fn plans_years(report: &AnnualReport, year: i32) -> Vec<Mismatch> {
    let mut found = Vec::new();
    for s in report.sections_of(Part::NextYear) {
        let Some((y, i)) = planned_year(report, s) else {
            continue;
        };
        if y != year + 1 {
            found.push((
                format!(
                    "报告年度为{year}年，下一年度安排却写的是{y}年（“{}”）。下一年度安排应写{}年的工作，请核对年份。",
                    quote(&report.blocks[i].text, 30),
                    year + 1
                ),
                report.locate(i, Some(quote(&report.blocks[i].text, 30))),
                Some(Part::NextYear),
            ));
        }
    }
    found
}

/// The year a next-year section plans, and the block saying it: the heading's first year,
/// else a “2024年将…” in its first paragraph.
fn planned_year(report: &AnnualReport, s: &Section) -> Option<(i32, usize)> {
    let heading_years = s
        .title
        .as_deref()
        .map(crate::parse::years_in)
        .unwrap_or_default();
    heading_years
        .first()
        .copied()
        .map(|y| (y, s.heading))
        .or_else(|| {
            let i = s
                .body_blocks()
                .find(|&i| report.blocks[i].kind == BlockKind::Body)?;
            let c = PLAN_YEAR.captures(&report.blocks[i].text)?;
            Some((c[1].parse().ok()?, i))
        })
}
