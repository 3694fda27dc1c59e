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
    rule: impl Fn(&AnnualReport, &CheckContext, &Metrics, &mut Vec<Finding>),
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
            ids(&r, |r, c, m, o| rule.run(r, c, m, o)).is_empty(),
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
    r2.blocks[5].text = "一是行政执法人员培训不足，部分人员未完成培训。二是普法形式单一。".into();
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
