//! The structure rules: the genre, and the outline's parts present, separate and in order.

use super::*;

/// `genre-other` [提示]: the document is not a 法治政府建设年度报告 (e.g. a
/// 政府信息公开工作年度报告, a work plan or a notice), so the part rules do not apply.
///
/// Basis: 厅字〔2019〕28号 第二十五条 defines the annual report's content; the
/// information-disclosure report follows 《中华人民共和国政府信息公开条例》第四十九条、第五十条.
pub(super) fn genre_other(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.genre != Genre::Other {
        return;
    }
    let title = report.title.as_deref().unwrap_or("");
    let what = if title.contains("政府信息公开") || title.contains("信息公开工作") {
        "政府信息公开工作年度报告".to_string()
    } else if !title.is_empty() {
        format!("“{}”", quote(title, 40))
    } else {
        "其他类型的文件".to_string()
    };
    let message = format!(
        "经识别，该文件是{what}，不是法治政府建设年度报告，未按年度报告提纲审查。\
         如需报送法治政府建设年度报告，请另行按“主要举措和成效、不足和原因、第一责任人履职情况、下一年度安排、其他情况”五项内容撰写后上传。"
    );
    out.push(Finding::new("genre-other", Severity::Info, None, "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条；《中华人民共和国政府信息公开条例》第四十九条、第五十条", message, title_location(report)));
}

pub(super) fn advice(part: Part) -> &'static str {
    match part {
        Part::Measures => "逐项写明上一年度推进法治政府建设的主要举措和取得的成效，尽量用数据和具体事例说明",
        Part::Shortcomings => "如实写明存在的不足，并逐项分析原因",
        Part::FirstResponsible => {
            "写明党政主要负责人履行推进法治建设第一责任人职责的情况，如带头学法、研究部署法治工作、述法、重大决策合法性审查、出庭应诉等"
        }
        Part::NextYear => "写明下一年度推进法治政府建设的主要安排，并与所列不足逐项对应",
        Part::Other => "如没有其他需要报告的情况，写明“其他需要报告的情况：无”即可",
        Part::Thought => "写明学习贯彻的具体情况（学习的时间、形式、内容）和贯彻落实的措施",
    }
}

/// Where a missing part should go: before the first present top-level section of a part
/// that follows it in the outline; else at the signature (or nowhere).
pub(super) fn insertion_point(
    report: &AnnualReport,
    order: &[Part],
    missing: Part,
) -> (Location, String) {
    let pos = order
        .iter()
        .position(|p| *p == missing)
        .unwrap_or(order.len());
    let later = &order[(pos + 1).min(order.len())..];
    if let Some(s) = report
        .sections
        .iter()
        .find(|s| s.part.is_some_and(|p| later.contains(&p)))
    {
        let label = heading_label(report, s);
        return (
            report.locate(s.heading, None),
            format!("请在“{label}”之前增设该部分，"),
        );
    }
    let sig = first_block(report, BlockKind::Signature);
    let loc = match sig {
        Some(i) => report.locate(i, None),
        None => Location::default(),
    };
    (loc, "请在正文末尾（落款之前）增设该部分，".to_string())
}

/// `part-missing` [错误]: a part the outline requires is missing (coverage `missing`); for
/// `thought` parts (Guangdong): fewer top-level political-study sections than the outline
/// asks for. One finding per missing part; the part key is in `part`.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (the five items); provincial outlines (广东省七项提纲).
pub(super) fn part_missing(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let order: Vec<Part> = ctx.outline.parts.iter().map(|p| p.part).collect();
    let mut seen = HashSet::new();
    for op in ctx.outline.parts.iter().filter(|p| p.required) {
        if op.part == Part::Thought || !seen.insert(op.part) {
            continue;
        }
        if report.coverage.get(op.part) != CoverageLevel::Missing {
            continue;
        }
        let (location, where_) = insertion_point(report, &order, op.part);
        let message = format!(
            "报告缺少“{}”部分（提纲要求：{}）。{}{}。",
            op.part.label(),
            op.title,
            where_,
            advice(op.part)
        );
        out.push(Finding::new(
            "part-missing",
            Severity::Error,
            Some(op.part),
            BASIS_28,
            message,
            location,
        ));
    }
    // Political-study parts: match each outline entry with a top-level `thought` section.
    let wanted: Vec<&fazhi_domain::OutlinePart> = ctx
        .outline
        .parts
        .iter()
        .filter(|p| p.required && p.part == Part::Thought)
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut present: Vec<&Section> = report.sections_of(Part::Thought).collect();
    let mut unmatched = Vec::new();
    for op in &wanted {
        let cue = if op.title.contains("法治思想") {
            "法治思想"
        } else if op.title.contains("讲话") {
            "讲话"
        } else {
            ""
        };
        let hit = present.iter().position(|s| {
            let t = s
                .title
                .clone()
                .unwrap_or_else(|| report.blocks[s.heading].text.clone());
            !cue.is_empty() && t.contains(cue)
        });
        match hit {
            Some(k) => {
                present.remove(k);
            }
            None => unmatched.push(*op),
        }
    }
    // Sections left without a cue fill the remaining entries in order.
    let missing: Vec<_> = unmatched.into_iter().skip(present.len()).collect();
    for op in missing {
        let (location, where_) = insertion_point(report, &order, Part::Thought);
        let message = format!(
            "提纲要求{}个政治学习事项，报告缺少“{}”部分。{}{}。",
            wanted.len(),
            op.title,
            where_,
            advice(Part::Thought)
        );
        out.push(Finding::new("part-missing", Severity::Error, Some(Part::Thought), "广东省法治政府建设年度报告提纲；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条", message, location));
    }
}

/// `part-folded` [提示]: a part is present only as a subsection of another part
/// (第一责任人 as （四） under 主要举措); it counts as present but the outline gives it a
/// section of its own. Not raised for `other` (a labelled line “其他需要报告的情况：无”
/// is enough).
///
/// Basis: 厅字〔2019〕28号 第二十五条.
pub(super) fn part_folded(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    for part in ctx.outline.required_parts() {
        if matches!(part, Part::Other | Part::Thought)
            || report.coverage.get(part) != CoverageLevel::Subsection
        {
            continue;
        }
        let Some(sub) = metrics::part_sections(report, part).into_iter().next() else {
            continue;
        };
        let path = report.section_path(sub.heading).unwrap_or_default();
        let message = format!(
            "“{}”只作为下级标题“{}”（{}）出现，未单列。提纲将其列为单独一项，建议改为一级标题单列，便于审阅和比较。",
            part.label(),
            quote(sub.title.as_deref().unwrap_or(""), 30),
            path
        );
        out.push(Finding::new(
            "part-folded",
            Severity::Info,
            Some(part),
            BASIS_28,
            message,
            section_location(report, sub),
        ));
    }
}

/// `section-order` [提示]: the core parts are out of order (measures → shortcomings →
/// next-year plans → other). Where 第一责任人 and political study stand varies by province
/// and is not checked.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (the order of the five items).
pub(super) fn section_order(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    const CORE: [Part; 4] = [
        Part::Measures,
        Part::Shortcomings,
        Part::NextYear,
        Part::Other,
    ];
    let rank = |p: Part| CORE.iter().position(|q| *q == p);
    let mut highest: Option<(usize, &Section)> = None;
    for s in &report.sections {
        let Some(r) = s.part.and_then(rank) else {
            continue;
        };
        match highest {
            Some((h, prev)) if r < h => {
                let message = format!(
                    "“{}”排在“{}”之后，与提纲顺序（主要举措和成效、不足和原因、下一年度安排、其他情况）不一致。建议调整顺序，先写举措成效，再写不足和原因，最后写下一年度安排。",
                    heading_label(report, s),
                    heading_label(report, prev)
                );
                out.push(Finding::new(
                    "section-order",
                    Severity::Info,
                    s.part,
                    BASIS_28,
                    message,
                    section_location(report, s),
                ));
                return;
            }
            Some((h, _)) if r <= h => {}
            _ => highest = Some((r, s)),
        }
    }
}
