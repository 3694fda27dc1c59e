//! Wording and length: figures and cases, boilerplate, a document too short.

use super::*;

/// `facts-scarce` [警告]: the measures part states no fact (quantity), or fewer than
/// `facts_per_thousand_chars` facts per 1,000 characters and no concrete case (a date such as
/// 5月12日, a named activity in quotes, a case, a named enterprise, a named event).
///
/// Basis: 厅字〔2019〕28号 第二十五条 (“主要举措和成效”); the third-party evaluations of the
/// reports (中国社会科学院法学研究所) count figures and cases.
pub(super) fn facts_scarce(
    report: &AnnualReport,
    ctx: &CheckContext,
    m: &Metrics,
    out: &mut Vec<Finding>,
) {
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
    let location = block_location(report, m.heading);
    let message = format!(
        "“主要举措和成效”部分{what}。统计方法：数据指带计量单位的数量（如“11次”“8名”“100%”），每千字数据数＝数据个数÷字数×1000；具体事例指具体日期、带引号的活动名称、案例、企业名称等。请用数据和事例写明做了什么、做了多少、效果如何，如学法次数、培训学时、审查文件件数、办理建议提案数及满意率。"
    );
    out.push(Finding::new(
        "facts-scarce",
        Severity::Warning,
        Some(Part::Measures),
        "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条（主要举措和成效）",
        message,
        location,
    ));
}

pub(super) fn fmt_num(v: f64) -> String {
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
pub(super) fn boilerplate_heavy(
    report: &AnnualReport,
    ctx: &CheckContext,
    m: &Metrics,
    out: &mut Vec<Finding>,
) {
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
    let first = b.examples.first().map(|(i, s)| (*i, s.as_str()));
    let location = quoted_location(report, first);
    let message = format!(
        "正文共{}句，其中套话句{}句，占{:.0}%，达到{:.0}%的提示阈值。套话句指不含数据、日期、文件名称或具体活动，主要由“提高政治站位”“落到实处”“不断提升”等固定表述组成的句子。例如：{}。请删减空泛表述，改写为做了什么、做了多少、效果如何。",
        b.sentences,
        b.slogans,
        b.share() * 100.0,
        threshold * 100.0,
        examples.join("；")
    );
    out.push(Finding::new("boilerplate-heavy", Severity::Warning, None, "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条；《党政机关公文处理工作条例》第十九条", message, location));
}

/// `doc-too-short` [警告]: the body (headings and paragraphs) has fewer characters than
/// `min_body_chars` (frameworks/rules.toml) — too short to cover the mandated items.
///
/// Basis: 厅字〔2019〕28号 第二十五条.
pub(super) fn doc_too_short(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let n = report.body_chars();
    let min = ctx.settings.min_body_chars;
    if n >= min {
        return;
    }
    let message = format!(
        "报告正文只有{n}字（少于{min}字），篇幅过短，难以写清提纲要求的各项内容。请按提纲逐项充实，写明具体举措、数据和事例。"
    );
    out.push(Finding::new(
        "doc-too-short",
        Severity::Warning,
        None,
        BASIS_28,
        message,
        title_location(report),
    ));
}
