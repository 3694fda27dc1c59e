//! The substance of the parts: causes of the shortcomings, the first responsible person, plans that answer the shortcomings.

use super::*;

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
pub(super) fn causes_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
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
    let message = if empty {
        format!(
            "“{}”下没有内容，既未列出不足，也未分析原因。请如实写明存在的不足，并逐项分析原因（如思想认识、制度机制、人员力量、能力素质等方面）。",
            heading_label(report, first)
        )
    } else {
        format!(
            "“{}”只列举了问题，没有分析原因（未见“由于”“原因”“导致”“受……影响”等原因表述）。请针对每项不足说明其主观和客观原因（如思想认识、制度机制、人员力量、能力素质等方面），以便对症制定下一年度措施。",
            heading_label(report, first)
        )
    };
    out.push(Finding::new(
        "causes-missing",
        Severity::Warning,
        Some(Part::Shortcomings),
        BASIS_28,
        message,
        section_location(report, first),
    ));
}

/// `first-responsible-thin` [警告]: the 第一责任人 part has fewer Chinese characters than
/// `first_responsible_min_chars` (frameworks/rules.toml) and states fewer than 3 facts — too
/// little to say what the leader did (a short paragraph dense with figures passes).
///
/// Basis: 《党政主要负责人履行推进法治建设第一责任人职责规定》（2016）；厅字〔2019〕28号 第二十五条.
pub(super) fn first_responsible_thin(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.coverage.first_responsible == CoverageLevel::Missing {
        return;
    }
    let sections = metrics::part_sections(report, Part::FirstResponsible);
    let Some(first) = sections.first() else {
        return;
    };
    let blocks = metrics::part_blocks(report, Part::FirstResponsible);
    let han: usize = blocks
        .iter()
        .map(|&i| crate::check::slogans::han_count(&report.blocks[i].text))
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
    let message = format!(
        "“{}”只有{han}个汉字（少于{min}字），过于简略。请写明主要负责人带头学法（次数、内容）、主持研究法治建设（会议次数、议题）、年终述法、重大决策合法性审查、出庭应诉等具体履职情况。",
        heading_label(report, first)
    );
    out.push(Finding::new("first-responsible-thin", Severity::Warning, Some(Part::FirstResponsible), "《党政主要负责人履行推进法治建设第一责任人职责规定》；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条", message, section_location(report, first)));
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

static COMMON: LazyLock<crate::check::slogans::PhraseSet> = LazyLock::new(|| {
    crate::check::slogans::PhraseSet::new(COMMON_WORDS.iter().map(|w| w.to_string()))
});

/// Characters that carry no topic (function words).
pub(super) fn is_function_char(c: char) -> bool {
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
pub(super) fn key_terms(text: &str) -> Vec<u64> {
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
        let content = !in_common && crate::check::slogans::is_han(c) && !is_function_char(c);
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
pub(super) fn share_term(terms: &[u64], sorted: &[u64]) -> bool {
    terms.iter().any(|t| sorted.binary_search(t).is_ok())
}

/// `plans-unrelated` [警告]: a shortcoming item (numbered subsection, 一是/二是 point or
/// paragraph of the shortcomings part) shares no key term with any next-year plan item —
/// the plans do not answer it. Key terms are Chinese bigrams after the genre's common words
/// (法治, 建设, 进一步, 工作, 加强, 提高 …) are removed. Not raised without a next-year part
/// (`part-missing` covers that).
///
/// Basis: 厅字〔2019〕28号 第二十五条 (不足和原因; 下一年度主要安排).
pub(super) fn plans_unrelated(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.coverage.next_year == CoverageLevel::Missing {
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
        let message = format!(
            "所列不足“{q}”在下一年度安排中没有对应的措施（与各项安排没有共同的关键词）。请在下一年度安排中针对该不足写明整改措施、责任和时限。"
        );
        out.push(Finding::new(
            "plans-unrelated",
            Severity::Warning,
            Some(Part::NextYear),
            BASIS_28,
            message,
            report.locate(item.block, Some(q)),
        ));
    }
}
