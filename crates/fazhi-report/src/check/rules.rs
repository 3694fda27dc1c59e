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

/// A rule: id, what it checks (Chinese), and the function.
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub run: fn(&AnnualReport, &CheckContext, &Metrics, &mut Vec<Finding>),
}

/// Every rule, in the order findings are reported.
pub static RULES: &[Rule] = &[
    Rule {
        id: "genre-other",
        title: "体裁不是法治政府建设年度报告",
        run: genre_other,
    },
    Rule {
        id: "part-missing",
        title: "缺少提纲要求的报告事项",
        run: part_missing,
    },
    Rule {
        id: "part-folded",
        title: "报告事项未单列一级标题",
        run: part_folded,
    },
    Rule {
        id: "section-order",
        title: "报告事项顺序与提纲不一致",
        run: section_order,
    },
    Rule {
        id: "causes-missing",
        title: "不足部分未分析原因",
        run: causes_missing,
    },
    Rule {
        id: "first-responsible-thin",
        title: "第一责任人履职情况过于简略",
        run: first_responsible_thin,
    },
    Rule {
        id: "plans-unrelated",
        title: "下一年度安排未回应所列不足",
        run: plans_unrelated,
    },
    Rule {
        id: "facts-scarce",
        title: "主要举措缺少数据和具体事例",
        run: facts_scarce,
    },
    Rule {
        id: "boilerplate-heavy",
        title: "套话过多",
        run: boilerplate_heavy,
    },
    Rule {
        id: "doc-too-short",
        title: "报告篇幅过短",
        run: doc_too_short,
    },
    Rule {
        id: "title-missing",
        title: "缺少标题",
        run: title_missing,
    },
    Rule {
        id: "title-unit-missing",
        title: "标题未写明单位名称",
        run: title_unit_missing,
    },
    Rule {
        id: "signature-unit-mismatch",
        title: "落款单位与发文单位不一致",
        run: signature_unit_mismatch,
    },
    Rule {
        id: "year-inconsistent",
        title: "年度前后不一致",
        run: year_inconsistent,
    },
    Rule {
        id: "date-missing",
        title: "缺少成文日期",
        run: date_missing,
    },
    Rule {
        id: "deadline-late",
        title: "超过报送或公开时限",
        run: deadline_late,
    },
    Rule {
        id: "date-premature",
        title: "日期早于报告年度结束",
        run: date_premature,
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
        (r.run)(report, ctx, m, &mut out);
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
    match hit {
        Some(i) => report.locate(i, Some(quote(&report.blocks[i].text, 40))),
        None => Location::default(),
    }
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

/// `genre-other` [提示]: the document is not a 法治政府建设年度报告 (e.g. a
/// 政府信息公开工作年度报告, a work plan or a notice), so the part rules do not apply.
///
/// Basis: 厅字〔2019〕28号 第二十五条 defines the annual report's content; the
/// information-disclosure report follows 《中华人民共和国政府信息公开条例》第四十九条、第五十条.
fn genre_other(report: &AnnualReport, _ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
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
    out.push(Finding {
        rule: "genre-other",
        severity: Severity::Info,
        part: None,
        basis: "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条；《中华人民共和国政府信息公开条例》第四十九条、第五十条",
        message: format!(
            "经识别，该文件是{what}，不是法治政府建设年度报告，未按年度报告提纲审查。\
             如需报送法治政府建设年度报告，请另行按“主要举措和成效、不足和原因、第一责任人履职情况、下一年度安排、其他情况”五项内容撰写后上传。"
        ),
        location: title_location(report),
    });
}

fn advice(part: Part) -> &'static str {
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
fn insertion_point(report: &AnnualReport, order: &[Part], missing: Part) -> (Location, String) {
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
fn part_missing(report: &AnnualReport, ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
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
        out.push(Finding {
            rule: "part-missing",
            severity: Severity::Error,
            part: Some(op.part),
            basis: BASIS_28,
            message: format!(
                "报告缺少“{}”部分（提纲要求：{}）。{}{}。",
                op.part.label(),
                op.title,
                where_,
                advice(op.part)
            ),
            location,
        });
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
        out.push(Finding {
            rule: "part-missing",
            severity: Severity::Error,
            part: Some(Part::Thought),
            basis: "广东省法治政府建设年度报告提纲；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条",
            message: format!(
                "提纲要求{}个政治学习事项，报告缺少“{}”部分。{}{}。",
                wanted.len(),
                op.title,
                where_,
                advice(Part::Thought)
            ),
            location,
        });
    }
}

/// `part-folded` [提示]: a part is present only as a subsection of another part
/// (第一责任人 as （四） under 主要举措); it counts as present but the outline gives it a
/// section of its own. Not raised for `other` (a labelled line “其他需要报告的情况：无”
/// is enough).
///
/// Basis: 厅字〔2019〕28号 第二十五条.
fn part_folded(report: &AnnualReport, ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
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
        out.push(Finding {
            rule: "part-folded",
            severity: Severity::Info,
            part: Some(part),
            basis: BASIS_28,
            message: format!(
                "“{}”只作为下级标题“{}”（{}）出现，未单列。提纲将其列为单独一项，建议改为一级标题单列，便于审阅和比较。",
                part.label(),
                quote(sub.title.as_deref().unwrap_or(""), 30),
                path
            ),
            location: section_location(report, sub),
        });
    }
}

/// `section-order` [提示]: the core parts are out of order (measures → shortcomings →
/// next-year plans → other). Where 第一责任人 and political study stand varies by province
/// and is not checked.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (the order of the five items).
fn section_order(report: &AnnualReport, _ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
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
                out.push(Finding {
                    rule: "section-order",
                    severity: Severity::Info,
                    part: s.part,
                    basis: BASIS_28,
                    message: format!(
                        "“{}”排在“{}”之后，与提纲顺序（主要举措和成效、不足和原因、下一年度安排、其他情况）不一致。建议调整顺序，先写举措成效，再写不足和原因，最后写下一年度安排。",
                        heading_label(report, s),
                        heading_label(report, prev)
                    ),
                    location: section_location(report, s),
                });
                return;
            }
            Some((h, _)) if r <= h => {}
            _ => highest = Some((r, s)),
        }
    }
}

static CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"由于|原因|因为|因而|导致|造成|致使|源于|缘于|归因|所致|究其|根源|根子|症结|之所以",
        r"|主观上|客观上|受[^。；，]{1,20}影响|受限于|囿于|随着|忙于|疲于|限于|因[^。；，]{1,12}而",
    ))
    .expect("cause regex")
});

/// `causes-missing` [警告]: the shortcomings part lists problems but gives no cause. Causes
/// are found by a lexicon (由于, 原因, 导致, 造成, 受…影响, 随着, 忙于 …) in the part's text
/// — paragraphs and subsection headings, not the part's own heading (a heading
/// “存在问题及原因” promises causes but proves nothing).
///
/// Basis: 厅字〔2019〕28号 第二十五条 (“存在的不足和原因”).
fn causes_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) {
        return;
    }
    let sections = metrics::part_sections(report, Part::Shortcomings);
    let Some(first) = sections.first() else {
        return;
    };
    let blocks = metrics::part_blocks(report, Part::Shortcomings);
    if blocks
        .iter()
        .any(|&i| CAUSE.is_match(&report.blocks[i].text))
    {
        return;
    }
    let empty = blocks.is_empty();
    out.push(Finding {
        rule: "causes-missing",
        severity: Severity::Warning,
        part: Some(Part::Shortcomings),
        basis: BASIS_28,
        message: if empty {
            format!(
                "“{}”下没有内容，既未列出不足，也未分析原因。请如实写明存在的不足，并逐项分析原因（如思想认识、制度机制、人员力量、能力素质等方面）。",
                heading_label(report, first)
            )
        } else {
            format!(
                "“{}”只列举了问题，没有分析原因（未见“由于”“原因”“导致”“受……影响”等原因表述）。请针对每项不足说明其主观和客观原因（如思想认识、制度机制、人员力量、能力素质等方面），以便对症制定下一年度措施。",
                heading_label(report, first)
            )
        },
        location: section_location(report, first),
    });
}

/// `first-responsible-thin` [警告]: the 第一责任人 part has fewer Chinese characters than
/// `first_responsible_min_chars` (frameworks/rules.toml) and states fewer than 3 facts — too
/// little to say what the leader did (a short paragraph dense with figures passes).
///
/// Basis: 《党政主要负责人履行推进法治建设第一责任人职责规定》（2016）；厅字〔2019〕28号 第二十五条.
fn first_responsible_thin(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) || report.coverage.first_responsible == CoverageLevel::Missing {
        return;
    }
    let sections = metrics::part_sections(report, Part::FirstResponsible);
    let Some(first) = sections.first() else {
        return;
    };
    let blocks = metrics::part_blocks(report, Part::FirstResponsible);
    let han: usize = blocks
        .iter()
        .map(|&i| super::slogans::han_count(&report.blocks[i].text))
        .sum();
    let facts = report
        .facts
        .iter()
        // `blocks` is in ascending order.
        .filter(|f| {
            f.location
                .block
                .is_some_and(|b| blocks.binary_search(&b).is_ok())
        })
        .count();
    let min = ctx.settings.first_responsible_min_chars;
    if han >= min || facts >= 3 {
        return;
    }
    out.push(Finding {
        rule: "first-responsible-thin",
        severity: Severity::Warning,
        part: Some(Part::FirstResponsible),
        basis: "《党政主要负责人履行推进法治建设第一责任人职责规定》；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条",
        message: format!(
            "“{}”只有{han}个汉字（少于{min}字），过于简略。请写明主要负责人带头学法（次数、内容）、主持研究法治建设（会议次数、议题）、年终述法、重大决策合法性审查、出庭应诉等具体履职情况。",
            heading_label(report, first)
        ),
        location: section_location(report, first),
    });
}

/// Words too common in the genre to tie a plan to a problem.
const COMMON_WORDS: &[&str] = &[
    "法治政府",
    "法治建设",
    "法治",
    "建设",
    "进一步",
    "工作",
    "加强",
    "提高",
    "提升",
    "不断",
    "有待",
    "仍需",
    "还需",
    "需要",
    "存在",
    "问题",
    "不足",
    "差距",
    "我局",
    "我们",
    "全局",
    "本局",
    "单位",
    "部门",
    "进行",
    "开展",
    "推进",
    "推动",
    "深入",
    "持续",
    "积极",
    "认真",
    "切实",
    "方面",
    "情况",
    "能力",
    "水平",
    "意识",
    "干部",
    "职工",
    "人员",
    "相关",
    "有关",
    "以及",
    "一定",
    "不够",
    "不强",
    "较为",
    "一步",
    "年度",
    "下一",
    "落实",
    "完善",
    "强化",
    "增强",
    "健全",
    "加大",
    "力度",
    "程度",
    "重视",
    "全面",
    "各项",
    "部分",
    "少数",
    "个别",
    "一些",
    "主要",
    "表现",
    "具体",
    "实际",
    "形成",
    "通过",
    "组织",
    "要求",
    "目前",
    "仍然",
    "依然",
    "着力",
    "做好",
    "抓好",
    "重点",
    "领域",
    "有效",
    "全体",
    "日常",
    "过程",
    "整改",
    "原因",
    "由于",
    "导致",
    "造成",
    "今后",
    "明年",
    "将",
    // Words that tie anything to anything: ways, means, effects.
    "运用",
    "方法",
    "方式",
    "形式",
    "手段",
    "途径",
    "作用",
    "效果",
    "解决",
    "结合",
    "比较",
    "各类",
    "各种",
    "及时",
    "仍有",
    "空间",
    "中国特色社会主义",
    "新时代",
];

static COMMON: LazyLock<super::slogans::PhraseSet> =
    LazyLock::new(|| super::slogans::PhraseSet::new(COMMON_WORDS.iter().map(|w| w.to_string())));

/// Characters that carry no topic (function words).
fn is_function_char(c: char) -> bool {
    matches!(
        c,
        '的' | '和'
            | '与'
            | '及'
            | '是'
            | '在'
            | '对'
            | '了'
            | '等'
            | '为'
            | '把'
            | '以'
            | '中'
            | '上'
            | '下'
            | '也'
            | '又'
            | '还'
            | '并'
            | '或'
            | '其'
            | '之'
            | '而'
            | '被'
            | '从'
            | '向'
            | '于'
            | '将'
            | '要'
    )
}

/// Key terms of a text: Chinese bigrams within runs of Chinese characters, after common
/// words of the genre are cut out, and without function characters; packed as
/// `(first << 32) | second`, sorted and without duplicates.
fn key_terms(text: &str) -> Vec<u64> {
    let mut common = Vec::new();
    COMMON.find(text, &mut common);
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut next_common = common.iter().peekable();
    for (i, c) in text.char_indices() {
        while next_common.peek().is_some_and(|(_, e)| *e <= i) {
            next_common.next();
        }
        let in_common = next_common.peek().is_some_and(|(s, _)| *s <= i);
        let content = !in_common && super::slogans::is_han(c) && !is_function_char(c);
        if content {
            if let Some(p) = prev {
                out.push(((p as u64) << 32) | c as u64);
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether a term list shares a term with a sorted one.
fn share_term(terms: &[u64], sorted: &[u64]) -> bool {
    terms.iter().any(|t| sorted.binary_search(t).is_ok())
}

/// `plans-unrelated` [警告]: a shortcoming item (numbered subsection, 一是/二是 point or
/// paragraph of the shortcomings part) shares no key term with any next-year plan item —
/// the plans do not answer it. Key terms are Chinese bigrams after the genre's common words
/// (法治, 建设, 进一步, 工作, 加强, 提高 …) are removed. Not raised without a next-year part
/// (`part-missing` covers that).
///
/// Basis: 厅字〔2019〕28号 第二十五条 (不足和原因; 下一年度主要安排).
fn plans_unrelated(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) || report.coverage.next_year == CoverageLevel::Missing {
        return;
    }
    let plan_blocks = metrics::part_blocks(report, Part::NextYear);
    let mut plan_text = String::new();
    for s in metrics::part_sections(report, Part::NextYear) {
        if let Some(t) = &s.title {
            plan_text.push_str(t);
            plan_text.push('\n');
        }
    }
    for &i in &plan_blocks {
        plan_text.push_str(&report.blocks[i].text);
        plan_text.push('\n');
    }
    let plan_terms = key_terms(&plan_text);
    if plan_terms.is_empty() {
        return;
    }
    for item in metrics::items(report, Part::Shortcomings) {
        let terms = key_terms(&item.text);
        if terms.is_empty() || share_term(&terms, &plan_terms) {
            continue;
        }
        let lead = item
            .text
            .split(['\n', '。', '；'])
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        // A subsection analysing causes (（二）原因分析) is not itself a shortcoming.
        if lead.contains("原因") {
            continue;
        }
        let q = quote(lead, 40);
        out.push(Finding {
            rule: "plans-unrelated",
            severity: Severity::Warning,
            part: Some(Part::NextYear),
            basis: BASIS_28,
            message: format!(
                "所列不足“{q}”在下一年度安排中没有对应的措施（与各项安排没有共同的关键词）。请在下一年度安排中针对该不足写明整改措施、责任和时限。"
            ),
            location: report.locate(item.block, Some(q)),
        });
    }
}

/// `facts-scarce` [警告]: the measures part states no fact (quantity), or fewer than
/// `facts_per_thousand_chars` facts per 1,000 characters and no concrete case (a date such as
/// 5月12日, a named activity in quotes, a case, a named enterprise, a named event).
///
/// Basis: 厅字〔2019〕28号 第二十五条 (“主要举措和成效”); the third-party evaluations of the
/// reports (中国社会科学院法学研究所) count figures and cases.
fn facts_scarce(report: &AnnualReport, ctx: &CheckContext, m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
    let m = m.measures();
    if !m.present {
        return;
    }
    let threshold = ctx.settings.facts_per_thousand_chars;
    let density = m.density();
    let scarce = m.facts == 0 || (density < threshold && m.cases == 0);
    if !scarce {
        return;
    }
    let what = if m.facts == 0 {
        format!("约{}字，没有一个数据", m.chars)
    } else {
        format!(
            "约{}字，只有{}个数据（每千字{:.1}个，低于每千字{}个），也没有具体事例",
            m.chars,
            m.facts,
            density,
            fmt_num(threshold)
        )
    };
    let location = match m.heading {
        Some(h) => report.locate(h, Some(quote(&report.blocks[h].text, 40))),
        None => Location::default(),
    };
    out.push(Finding {
        rule: "facts-scarce",
        severity: Severity::Warning,
        part: Some(Part::Measures),
        basis: "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条（主要举措和成效）",
        message: format!(
            "“主要举措和成效”部分{what}。统计方法：数据指带计量单位的数量（如“11次”“8名”“100%”），每千字数据数＝数据个数÷字数×1000；具体事例指具体日期、带引号的活动名称、案例、企业名称等。请用数据和事例写明做了什么、做了多少、效果如何，如学法次数、培训学时、审查文件件数、办理建议提案数及满意率。"
        ),
        location,
    });
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// `boilerplate-heavy` [警告]: the share of slogan sentences in the body reaches
/// `boilerplate_share`. A slogan sentence (defined in [`super::slogans`]) states no fact,
/// date, document or concrete case and is made of stock phrases (提高政治站位, 落到实处 …).
/// Not raised on fewer than 5 counted sentences.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (report measures and effects, not slogans);
/// 《党政机关公文处理工作条例》第十九条（“内容简洁，主题突出”）.
fn boilerplate_heavy(
    report: &AnnualReport,
    ctx: &CheckContext,
    m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) {
        return;
    }
    let b = m.boilerplate();
    let threshold = ctx.settings.boilerplate_share;
    if b.sentences < 5 || b.share() < threshold {
        return;
    }
    let examples: Vec<String> = b
        .examples
        .iter()
        .map(|(_, s)| format!("“{}”", quote(s, 50)))
        .collect();
    let location = match b.examples.first() {
        Some((i, s)) => report.locate(*i, Some(quote(s, 40))),
        None => Location::default(),
    };
    out.push(Finding {
        rule: "boilerplate-heavy",
        severity: Severity::Warning,
        part: None,
        basis: "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条；《党政机关公文处理工作条例》第十九条",
        message: format!(
            "正文共{}句，其中套话句{}句，占{:.0}%，达到{:.0}%的提示阈值。套话句指不含数据、日期、文件名称或具体活动，主要由“提高政治站位”“落到实处”“不断提升”等固定表述组成的句子。例如：{}。请删减空泛表述，改写为做了什么、做了多少、效果如何。",
            b.sentences,
            b.slogans,
            b.share() * 100.0,
            threshold * 100.0,
            examples.join("；")
        ),
        location,
    });
}

/// `doc-too-short` [警告]: the body (headings and paragraphs) has fewer characters than
/// `min_body_chars` (frameworks/rules.toml) — too short to cover the mandated items.
///
/// Basis: 厅字〔2019〕28号 第二十五条.
fn doc_too_short(report: &AnnualReport, ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
    let n = report.body_chars();
    let min = ctx.settings.min_body_chars;
    if n >= min {
        return;
    }
    out.push(Finding {
        rule: "doc-too-short",
        severity: Severity::Warning,
        part: None,
        basis: BASIS_28,
        message: format!(
            "报告正文只有{n}字（少于{min}字），篇幅过短，难以写清提纲要求的各项内容。请按提纲逐项充实，写明具体举措、数据和事例。"
        ),
        location: title_location(report),
    });
}

/// `title-missing` [警告]: no title was found.
///
/// Basis: 《党政机关公文处理工作条例》第九条（标题由发文机关名称、事由和文种组成）.
fn title_missing(report: &AnnualReport, _ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) || report.title.is_some() {
        return;
    }
    let example = example_title(report);
    out.push(Finding {
        rule: "title-missing",
        severity: Severity::Warning,
        part: None,
        basis: BASIS_FORMAT,
        message: format!(
            "未识别到报告标题。请加上由发文机关名称、事由和文种组成的标题，如“{example}”。"
        ),
        location: Location::default(),
    });
}

fn example_title(report: &AnnualReport) -> String {
    let unit = report
        .unit
        .as_ref()
        .map_or("XX县XX局", |u| u.written.as_str());
    match report.year {
        Some(y) => format!("{unit}{y}年度法治政府建设情况报告"),
        None => format!("{unit}XXXX年度法治政府建设情况报告"),
    }
}

/// `title-unit-missing` [警告]: the title (and the line above it) does not name the unit.
///
/// Basis: 《党政机关公文处理工作条例》第九条（标题由发文机关名称、事由和文种组成）.
fn title_unit_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) || report.unit_in_title {
        return;
    }
    let Some(title) = &report.title else { return };
    out.push(Finding {
        rule: "title-unit-missing",
        severity: Severity::Warning,
        part: None,
        basis: BASIS_FORMAT,
        message: format!(
            "标题“{}”没有写明发文单位，公开后读者无法从标题判断是哪个单位的报告。请在标题中写明单位全称，如“{}”。",
            quote(title, 40),
            example_title(report)
        ),
        location: title_location(report),
    });
}

/// Positions where two names of equal length differ, when they are few.
fn char_differences(a: &str, b: &str) -> Option<Vec<(char, char)>> {
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if ca.len() != cb.len() {
        return None;
    }
    let diff: Vec<(char, char)> = ca
        .iter()
        .zip(&cb)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (*x, *y))
        .collect();
    (!diff.is_empty() && diff.len() <= 2).then_some(diff)
}

/// `signature-unit-mismatch` [错误]: the signature names another unit than the title or
/// header (古丈县… above, 古文县… below) — usually a typo, sometimes a copied report.
///
/// Basis: 《党政机关公文处理工作条例》第九条（发文机关署名应与发文机关一致）.
fn signature_unit_mismatch(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) {
        return;
    }
    let (Some(unit), Some(signed)) = (&report.unit, &report.signed_unit) else {
        return;
    };
    if UnitName::same_unit(unit, signed) {
        return;
    }
    let hint = match char_differences(&unit.written, &signed.written) {
        Some(d) => {
            let pairs: Vec<String> = d.iter().map(|(a, b)| format!("“{a}”与“{b}”")).collect();
            format!("两者仅{}一字之差，疑为笔误；", pairs.join("、"))
        }
        None => "两者不是同一单位，可能套用了其他单位的报告；".to_string(),
    };
    out.push(Finding {
        rule: "signature-unit-mismatch",
        severity: Severity::Error,
        part: None,
        basis: BASIS_FORMAT,
        message: format!(
            "发文单位为“{}”，落款单位却是“{}”，{hint}请核对并改正落款单位名称，使其与发文单位一致。",
            unit.written, signed.written
        ),
        location: signature_location(report, Some(&signed.written)),
    });
}

static PLAN_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[，。；：\s])(\d{4})\s*年度?[，,\s]*(?:我局|我们|我单位|本局|我委|我办|本单位|全局)?\s*(?:将|要|计划|拟|工作安排|工作计划|主要安排|的工作)")
        .expect("plan year regex")
});

/// `year-inconsistent` [警告]: the title's year is not the year the body reports on (the
/// opening paragraph names another year and not the title's, or most years in the measures
/// are another year), or a next-year section plans a year other than the report year + 1.
///
/// Basis: 厅字〔2019〕28号 第二十五条 (上一年度 … 下一年度).
fn year_inconsistent(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if skip(report) {
        return;
    }
    let Some(year) = report.year else { return };
    let mut push = |message: String, location: Location, part: Option<Part>| {
        out.push(Finding {
            rule: "year-inconsistent",
            severity: Severity::Warning,
            part,
            basis: BASIS_28,
            message,
            location,
        });
    };
    // 1. The opening paragraph(s), before the first section.
    let first_heading = report
        .sections
        .first()
        .map_or(report.blocks.len(), |s| s.heading);
    let opening: Vec<usize> = (0..first_heading)
        .filter(|&i| report.blocks[i].kind == BlockKind::Body)
        .collect();
    let mut raised = false;
    if report.year_in_title {
        let years: Vec<(usize, i32)> = opening
            .iter()
            .flat_map(|&i| {
                crate::parse::years_in(&report.blocks[i].text)
                    .into_iter()
                    .map(move |y| (i, y))
            })
            .collect();
        if let Some(&(i, first)) = years.first() {
            if first != year && !years.iter().any(|(_, y)| *y == year) {
                push(
                    format!(
                        "标题写的是{year}年度，但开头段落写的是{first}年（“{}”）。请核对报告年度，统一标题和正文的年份。",
                        quote(&report.blocks[i].text, 30)
                    ),
                    report.locate(i, Some(quote(&report.blocks[i].text, 30))),
                    None,
                );
                raised = true;
            }
        }
    }
    // 2. The years the measures mention.
    if !raised {
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
        if let Some(&(dominant, n)) = counts
            .iter()
            .filter(|(y, _)| *y != year)
            .max_by_key(|(_, n)| *n)
        {
            if n >= 3 && n > own * 2 {
                let i = first_block_of
                    .iter()
                    .find(|(y, _)| *y == dominant)
                    .map_or(0, |(_, i)| *i);
                push(
                    format!(
                        "报告年度为{year}年，但“主要举措和成效”中{dominant}年出现{n}次、{year}年只出现{own}次，所写举措可能不是本年度的工作。请核对年份，确认报告写的是{year}年度的情况。"
                    ),
                    report.locate(i, Some(quote(&report.blocks[i].text, 30))),
                    Some(Part::Measures),
                );
            }
        }
    }
    // 3. The plans' year.
    for s in report.sections_of(Part::NextYear) {
        let heading_years = s
            .title
            .as_deref()
            .map(crate::parse::years_in)
            .unwrap_or_default();
        let planned = heading_years
            .first()
            .copied()
            .map(|y| (y, s.heading))
            .or_else(|| {
                let i = s
                    .body_blocks()
                    .find(|&i| report.blocks[i].kind == BlockKind::Body)?;
                let c = PLAN_YEAR.captures(&report.blocks[i].text)?;
                Some((c[1].parse().ok()?, i))
            });
        if let Some((y, i)) = planned {
            if y != year + 1 {
                push(
                    format!(
                        "报告年度为{year}年，下一年度安排却写的是{y}年（“{}”）。下一年度安排应写{}年的工作，请核对年份。",
                        quote(&report.blocks[i].text, 30),
                        year + 1
                    ),
                    report.locate(i, Some(quote(&report.blocks[i].text, 30))),
                    Some(Part::NextYear),
                );
            }
        }
    }
}

/// `date-missing` [提示]: the text has neither a signature date (成文日期) nor a publication
/// date, so timeliness cannot be checked from the document.
///
/// Basis: 《党政机关公文处理工作条例》第九条（成文日期）；厅字〔2019〕28号 第二十五条、第二十六条（时限）.
fn date_missing(report: &AnnualReport, _ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) || report.signed_date.is_some() || report.published_date.is_some() {
        return;
    }
    let location = match first_block(report, BlockKind::Signature) {
        Some(i) => report.locate(i, Some(quote(&report.blocks[i].text, 40))),
        None => Location::default(),
    };
    out.push(Finding {
        rule: "date-missing",
        severity: Severity::Info,
        part: None,
        basis: "《党政机关公文处理工作条例》第九条；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条、第二十六条",
        message: "报告中没有成文日期，也没有发布日期，无法判断是否按时报送和公开。请在落款单位下方写明成文日期（如“2024年1月30日”），公开时注明发布日期。".to_string(),
        location,
    });
}

/// The publication date: the caller's (`--published`) over the one in the text.
fn publication_date(report: &AnnualReport, ctx: &CheckContext) -> Option<NaiveDate> {
    ctx.published.or(report.published_date)
}

/// `deadline-late` [警告]: the signature date is after the submission deadline
/// (`submission_deadline`, default 3月1日 of the following year), or the publication date is
/// after the publication deadline (`publication_deadline`, default 4月1日).
///
/// Basis: 厅字〔2019〕28号 第二十五条（每年3月1日前报送）、第二十六条（每年4月1日前公开）;
/// provinces may set other dates (frameworks/rules.toml).
fn deadline_late(report: &AnnualReport, ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
    let Some(year) = report.year else { return };
    let submit = ctx.settings.submission_deadline.in_year(year + 1);
    if let Some(d) = report.signed_date.filter(|d| *d > submit) {
        out.push(Finding {
            rule: "deadline-late",
            severity: Severity::Warning,
            part: None,
            basis: "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条",
            message: format!(
                "落款日期为{}，晚于{year}年度报告的报送时限{}（超出{}天）。请按时限报送；如确因特殊情况延期，应说明原因。",
                ymd(d),
                ymd(submit),
                (d - submit).num_days()
            ),
            location: signature_location(report, None),
        });
    }
    let publish = ctx.settings.publication_deadline.in_year(year + 1);
    if let Some(d) = publication_date(report, ctx).filter(|d| *d > publish) {
        out.push(Finding {
            rule: "deadline-late",
            severity: Severity::Warning,
            part: None,
            basis: "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十六条",
            message: format!(
                "发布日期为{}，晚于{year}年度报告的公开时限{}（超出{}天）。年度报告应在时限前通过报刊、网站等向社会公开（涉密内容除外）。",
                ymd(d),
                ymd(publish),
                (d - publish).num_days()
            ),
            location: if ctx.published.is_some() { Location::default() } else { title_location(report) },
        });
    }
}

/// `date-premature` [提示]: the signature or publication date lies before 1 December of the
/// report year — before the year's work could have been reported. Usually the report year or
/// the date is miswritten. December dates are common under provincial schedules and accepted.
///
/// Basis: 厅字〔2019〕28号 第二十五条（报告上一年度情况）.
fn date_premature(report: &AnnualReport, ctx: &CheckContext, _m: &Metrics, out: &mut Vec<Finding>) {
    if skip(report) {
        return;
    }
    let Some(year) = report.year else { return };
    let Some(cutoff) = NaiveDate::from_ymd_opt(year, 12, 1) else {
        return;
    };
    let dates = [
        ("落款日期", report.signed_date),
        ("发布日期", publication_date(report, ctx)),
    ];
    for (label, d) in dates {
        let Some(d) = d.filter(|d| *d < cutoff) else {
            continue;
        };
        out.push(Finding {
            rule: "date-premature",
            severity: Severity::Info,
            part: None,
            basis: BASIS_28,
            message: format!(
                "{label}为{}，早于{year}年度结束，报告不能反映全年工作。请核对报告年度和日期是否写错；如为年中材料，应在年度结束后另行报送年度报告。",
                ymd(d)
            ),
            location: if label == "落款日期" { signature_location(report, None) } else { title_location(report) },
        });
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Coverage, NumberStyle};
    use fazhi_domain::{Outline, RuleSettings, UnitAliases};

    fn ctx<'a>(outline: &'a Outline, settings: &'a RuleSettings) -> CheckContext<'a> {
        CheckContext {
            outline,
            settings,
            published: None,
        }
    }

    /// A report from (kind, text) blocks; headings 一、… become top-level sections with the
    /// given parts.
    fn report(blocks: &[(BlockKind, &str)], parts: &[Option<Part>]) -> AnnualReport {
        let blocks: Vec<Block> = blocks
            .iter()
            .map(|(k, t)| Block {
                kind: *k,
                text: t.to_string(),
            })
            .collect();
        let headings: Vec<usize> = blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BlockKind::Heading)
            .map(|(i, _)| i)
            .collect();
        let end_of_body = blocks
            .iter()
            .rposition(|b| matches!(b.kind, BlockKind::Body | BlockKind::Heading))
            .map_or(0, |i| i + 1);
        let mut sections = Vec::new();
        let mut coverage = Coverage::all_missing();
        for (k, &h) in headings.iter().enumerate() {
            let end = headings.get(k + 1).copied().unwrap_or(end_of_body);
            let part = parts.get(k).copied().flatten();
            if let Some(p) = part {
                coverage.set(p, CoverageLevel::Section);
            }
            let text = &blocks[h].text;
            let (number, title) = text.split_once('、').unwrap_or(("一", text));
            sections.push(Section {
                number: number.to_string(),
                ordinal: k as u32 + 1,
                style: NumberStyle::Chinese,
                title: Some(title.to_string()),
                part,
                heading: h,
                end,
                children: Vec::new(),
            });
        }
        let title = blocks
            .iter()
            .find(|b| b.kind == BlockKind::Title)
            .map(|b| b.text.clone());
        AnnualReport {
            genre: Genre::RuleOfLawAnnualReport,
            year: title
                .as_deref()
                .and_then(crate::parse::year_in)
                .or(Some(2023)),
            year_in_title: title.as_deref().and_then(crate::parse::year_in).is_some(),
            title,
            unit: UnitName::parse("某某县司法局", &UnitAliases::default()),
            unit_in_title: true,
            doc_number: None,
            salutation: None,
            signed_unit: None,
            signed_date: None,
            published_date: None,
            blocks,
            sections,
            facts: Vec::new(),
            coverage,
        }
    }

    fn ids(
        report: &AnnualReport,
        rule: fn(&AnnualReport, &CheckContext, &Metrics, &mut Vec<Finding>),
    ) -> Vec<Finding> {
        let outline = Outline::national();
        let settings = RuleSettings::default();
        let mut out = Vec::new();
        rule(
            report,
            &ctx(&outline, &settings),
            &Metrics::new(report),
            &mut out,
        );
        out
    }

    use BlockKind::{Body, Heading, Signature, Title};

    fn five_parts() -> AnnualReport {
        report(
            &[
                (Title, "某某县司法局2023年度法治政府建设情况报告"),
                (
                    Body,
                    "2023年，我局在县委、县政府领导下推进法治政府建设，现报告如下：",
                ),
                (Heading, "一、推进法治政府建设的主要举措和成效"),
                (
                    Body,
                    "全年召开党组会学法12次，审核规范性文件8件，办理行政复议案件15件。",
                ),
                (Heading, "二、存在的不足和原因"),
                (
                    Body,
                    "一是行政执法人员培训不足，由于人员少、任务重，部分人员未完成60学时培训。",
                ),
                (
                    Heading,
                    "三、党政主要负责人履行推进法治建设第一责任人职责情况",
                ),
                (Body, "主要负责人主持党组会研究法治工作4次。"),
                (Heading, "四、2024年推进法治政府建设的主要安排"),
                (Body, "一是加强行政执法人员培训，确保每人完成60学时。"),
                (Heading, "五、其他需要报告的情况"),
                (Body, "无。"),
                (Signature, "某某县司法局"),
            ],
            &[
                Some(Part::Measures),
                Some(Part::Shortcomings),
                Some(Part::FirstResponsible),
                Some(Part::NextYear),
                Some(Part::Other),
            ],
        )
    }

    #[test]
    fn genre_other_only_for_other() {
        let mut r = five_parts();
        assert!(ids(&r, genre_other).is_empty());
        r.genre = Genre::Other;
        let f = ids(&r, genre_other);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
        // Every other rule keeps quiet.
        for rule in RULES.iter().filter(|r| r.id != "genre-other") {
            assert!(
                ids(&r, rule.run).is_empty(),
                "{} fired on genre other",
                rule.id
            );
        }
        let outline = Outline::national();
        let settings = RuleSettings::default();
        let all = run(&r, &ctx(&outline, &settings));
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].rule, "genre-other");
    }

    #[test]
    fn part_missing_one_per_part() {
        let mut r = five_parts();
        assert!(ids(&r, part_missing).is_empty());
        r.coverage.other = CoverageLevel::Missing;
        r.coverage.shortcomings = CoverageLevel::Missing;
        let f = ids(&r, part_missing);
        let parts: Vec<_> = f.iter().map(|f| f.part).collect();
        assert_eq!(parts, vec![Some(Part::Shortcomings), Some(Part::Other)]);
        assert!(f.iter().all(|f| f.severity == Severity::Error));
        // Subsection coverage counts as present.
        r.coverage.other = CoverageLevel::Subsection;
        assert_eq!(ids(&r, part_missing).len(), 1);
    }

    #[test]
    fn part_missing_thought_in_guangdong() {
        let r = five_parts();
        let outline = Outline::builtin("guangdong").unwrap();
        let settings = RuleSettings::default();
        let mut out = Vec::new();
        part_missing(&r, &ctx(&outline, &settings), &Metrics::new(&r), &mut out);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out.iter().all(|f| f.part == Some(Part::Thought)));
    }

    #[test]
    fn causes_lexicon() {
        let r = five_parts();
        assert!(ids(&r, causes_missing).is_empty());
        let mut r2 = five_parts();
        r2.blocks[5].text =
            "一是行政执法人员培训不足，部分人员未完成培训。二是普法形式单一。".into();
        assert_eq!(ids(&r2, causes_missing).len(), 1);
        r2.blocks[5].text = "一是普法形式单一，受疫情影响线下活动减少。".into();
        assert!(ids(&r2, causes_missing).is_empty());
    }

    #[test]
    fn causes_heading_alone_proves_nothing() {
        let mut r = five_parts();
        r.blocks[4].text = "二、存在问题及原因".into();
        r.sections[1].title = Some("存在问题及原因".into());
        r.blocks[5].text = "一是普法形式单一。二是执法培训不够。".into();
        assert_eq!(ids(&r, causes_missing).len(), 1);
    }

    #[test]
    fn plans_must_answer_shortcomings() {
        let r = five_parts();
        assert!(ids(&r, plans_unrelated).is_empty());
        let mut r2 = five_parts();
        r2.blocks[5].text =
            "一是规范性文件备案不及时，由于审核人员变动。二是行政执法人员培训不足。".into();
        let f = ids(&r2, plans_unrelated);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("备案"));
    }

    #[test]
    fn key_terms_drop_common_words() {
        assert!(key_terms("进一步加强法治建设工作").is_empty());
        let t = key_terms("执法培训");
        assert!(t.contains(&((('执' as u64) << 32) | '法' as u64)));
        assert!(share_term(&t, &key_terms("组织执法人员")));
        assert!(!share_term(&t, &key_terms("普法宣传")));
    }

    #[test]
    fn facts_scarce_counts_measures_only() {
        let mut r = five_parts();
        r.facts = crate::parse::facts_in(&r.blocks[3].text)
            .into_iter()
            .map(|mut f| {
                f.location = r.locate(3, None);
                f
            })
            .collect();
        assert!(ids(&r, facts_scarce).is_empty());
        r.facts.clear();
        let f = ids(&r, facts_scarce);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("没有一个数据"));
    }

    #[test]
    fn title_rules() {
        let mut r = five_parts();
        assert!(ids(&r, title_missing).is_empty());
        assert!(ids(&r, title_unit_missing).is_empty());
        r.unit_in_title = false;
        assert_eq!(ids(&r, title_unit_missing).len(), 1);
        r.title = None;
        assert!(ids(&r, title_unit_missing).is_empty());
        assert_eq!(ids(&r, title_missing).len(), 1);
    }

    #[test]
    fn signature_mismatch_names_the_typo() {
        let mut r = five_parts();
        let aliases = UnitAliases::default();
        r.unit = UnitName::parse("古丈县科技和工业信息化局", &aliases);
        r.signed_unit = UnitName::parse("古文县科技和工业信息化局", &aliases);
        let f = ids(&r, signature_unit_mismatch);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("古丈县") && f[0].message.contains("古文县"));
        assert!(f[0].message.contains("笔误"));
        r.signed_unit = UnitName::parse("县科工信局", &aliases);
        assert!(ids(&r, signature_unit_mismatch).is_empty());
    }

    #[test]
    fn year_rules() {
        let r = five_parts();
        assert!(ids(&r, year_inconsistent).is_empty());
        let mut r2 = five_parts();
        r2.blocks[1].text = "2022年，我局在县委、县政府领导下推进法治政府建设。".into();
        assert_eq!(ids(&r2, year_inconsistent).len(), 1);
        let mut r3 = five_parts();
        r3.blocks[8].text = "四、2023年工作安排".into();
        r3.sections[3].title = Some("2023年工作安排".into());
        let f = ids(&r3, year_inconsistent);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].part, Some(Part::NextYear));
    }

    #[test]
    fn dates_and_deadlines() {
        let mut r = five_parts();
        assert_eq!(ids(&r, date_missing).len(), 1);
        r.signed_date = NaiveDate::from_ymd_opt(2024, 1, 30);
        assert!(ids(&r, date_missing).is_empty());
        assert!(ids(&r, deadline_late).is_empty());
        assert!(ids(&r, date_premature).is_empty());
        r.signed_date = NaiveDate::from_ymd_opt(2024, 3, 2);
        let f = ids(&r, deadline_late);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("2024年3月1日"));
        r.signed_date = NaiveDate::from_ymd_opt(2024, 3, 1);
        assert!(ids(&r, deadline_late).is_empty());
        r.published_date = NaiveDate::from_ymd_opt(2024, 4, 15);
        assert_eq!(ids(&r, deadline_late).len(), 1);
        r.signed_date = NaiveDate::from_ymd_opt(2023, 6, 30);
        r.published_date = None;
        assert_eq!(ids(&r, date_premature).len(), 1);
        r.signed_date = NaiveDate::from_ymd_opt(2023, 12, 12);
        assert!(ids(&r, date_premature).is_empty());
    }

    #[test]
    fn order_and_folding() {
        let mut r = five_parts();
        assert!(ids(&r, section_order).is_empty());
        r.sections.swap(1, 3);
        let f = ids(&r, section_order);
        assert_eq!(f.len(), 1);
        let mut r2 = five_parts();
        r2.coverage.first_responsible = CoverageLevel::Subsection;
        // No subsection to point at: nothing said.
        r2.sections[2].part = None;
        assert!(ids(&r2, part_folded).is_empty());
    }

    #[test]
    fn short_documents() {
        let r = five_parts();
        assert_eq!(ids(&r, doc_too_short).len(), 1);
        assert_eq!(ids(&r, first_responsible_thin).len(), 1);
    }
}
