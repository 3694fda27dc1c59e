//! Renderers of a checked report: JSON (API and JSON Lines), terminal text, and one
//! self-contained HTML page. They take a [`Checked`](crate::Checked) and a file label and
//! return a `String`; none does IO, so the command line and the web platform share them.

pub mod html;
pub mod json;
pub mod text;

use crate::check::{Finding, Severity};
use crate::ingest::Format;
use crate::model::{AnnualReport, CoverageLevel, Genre, Location};
use chrono::NaiveDate;
use fazhi_domain::Part;

/// Chinese name of a genre.
pub(crate) fn genre_label(g: Genre) -> &'static str {
    match g {
        Genre::RuleOfLawAnnualReport => "法治政府建设年度报告",
        Genre::Other => "其他文件（非法治政府建设年度报告）",
    }
}

/// Stable key of a genre (as serde writes it).
pub(crate) fn genre_key(g: Genre) -> &'static str {
    match g {
        Genre::RuleOfLawAnnualReport => "rule_of_law_annual_report",
        Genre::Other => "other",
    }
}

/// Short format key (`txt`, `docx`, `pdf`, `html`) and the text encoding when there is one.
pub(crate) fn format_key(f: &Format) -> (&'static str, Option<&'static str>) {
    match f {
        Format::Text { encoding } => ("txt", Some(*encoding)),
        Format::Html => ("html", None),
        Format::Docx => ("docx", None),
        Format::Pdf => ("pdf", None),
    }
}

/// Chinese description of a format, e.g. `纯文本（GB18030）`.
pub(crate) fn format_label(f: &Format) -> String {
    match f {
        Format::Text { encoding } => format!("纯文本（{encoding}）"),
        Format::Html => "网页（HTML）".to_string(),
        Format::Docx => "Word 文档（.docx）".to_string(),
        Format::Pdf => "PDF 文档".to_string(),
    }
}

pub(crate) fn coverage_key(l: CoverageLevel) -> &'static str {
    match l {
        CoverageLevel::Section => "section",
        CoverageLevel::Subsection => "subsection",
        CoverageLevel::Missing => "missing",
    }
}

/// Symbol and Chinese label of a coverage level.
pub(crate) fn coverage_label(l: CoverageLevel) -> (&'static str, &'static str) {
    match l {
        CoverageLevel::Section => ("✓", "独立章节"),
        CoverageLevel::Subsection => ("◐", "仅子标题"),
        CoverageLevel::Missing => ("✗", "缺失"),
    }
}

pub(crate) const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// Number of findings of each severity: error, warning, info.
pub(crate) fn severity_counts(findings: &[Finding]) -> [usize; 3] {
    let mut out = [0; 3];
    for f in findings {
        out[SEVERITIES
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(2)] += 1;
    }
    out
}

/// `YYYY-MM-DD`.
pub(crate) fn date(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// A number without a useless `.0` (10, 2.5).
pub(crate) fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Where a location is, in words: the section path, else the paragraph number.
pub(crate) fn place(loc: &Location) -> Option<String> {
    match (&loc.section, loc.block) {
        (Some(s), _) if !s.is_empty() => Some(s.clone()),
        (_, Some(b)) => Some(format!("第 {} 段", b + 1)),
        _ => None,
    }
}

/// The five parts a report lacks (only meaningful for a rule-of-law annual report).
pub(crate) fn missing_parts(report: &AnnualReport) -> Vec<Part> {
    if report.genre != Genre::RuleOfLawAnnualReport {
        return Vec::new();
    }
    report
        .coverage
        .iter()
        .filter(|(_, l)| *l == CoverageLevel::Missing)
        .map(|(p, _)| p)
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small synthetic report to exercise the renderers without the parser.
    use crate::check::{Finding, Score, ScoreItem, Severity};
    use crate::ingest::Format;
    use crate::model::*;
    use crate::Checked;
    use chrono::NaiveDate;
    use fazhi_domain::{Part, UnitName};

    fn block(kind: BlockKind, text: &str) -> Block {
        Block {
            kind,
            text: text.to_string(),
        }
    }

    pub fn checked() -> Checked {
        let blocks = vec![
            block(BlockKind::Title, "东湖区司法局2024年法治政府建设年度报告"),
            block(BlockKind::Salutation, "区委、区政府："),
            block(BlockKind::Heading, "一、主要举措和成效"),
            block(BlockKind::Heading, "（一）健全制度"),
            block(
                BlockKind::Body,
                "全年召开局务会议12次，审查规范性文件<script>alert(1)</script>8件。",
            ),
            block(BlockKind::Heading, "二、存在的不足和原因"),
            block(BlockKind::Body, "执法人员培训覆盖面不够广。"),
            block(BlockKind::Signature, "东湖区司法局"),
            block(BlockKind::Signature, "2025年1月20日"),
        ];
        let sub = Section {
            number: "一".into(),
            ordinal: 1,
            style: NumberStyle::ChineseParen,
            title: Some("健全制度".into()),
            part: None,
            heading: 3,
            end: 5,
            children: vec![],
        };
        let sections = vec![
            Section {
                number: "一".into(),
                ordinal: 1,
                style: NumberStyle::Chinese,
                title: Some("主要举措和成效".into()),
                part: Some(Part::Measures),
                heading: 2,
                end: 5,
                children: vec![sub],
            },
            Section {
                number: "二".into(),
                ordinal: 2,
                style: NumberStyle::Chinese,
                title: Some("存在的不足和原因".into()),
                part: Some(Part::Shortcomings),
                heading: 5,
                end: 7,
                children: vec![],
            },
        ];
        let mut coverage = Coverage::all_missing();
        coverage.set(Part::Measures, CoverageLevel::Section);
        coverage.set(Part::Shortcomings, CoverageLevel::Section);
        let unit = UnitName {
            written: "东湖区司法局".into(),
            normalized: "东湖区司法局".into(),
        };
        let report = AnnualReport {
            genre: Genre::RuleOfLawAnnualReport,
            title: Some(blocks[0].text.clone()),
            unit: Some(unit.clone()),
            unit_in_title: true,
            year: Some(2024),
            year_in_title: true,
            doc_number: None,
            salutation: Some("区委、区政府：".into()),
            signed_unit: Some(unit),
            signed_date: NaiveDate::from_ymd_opt(2025, 1, 20),
            published_date: None,
            blocks,
            sections,
            facts: vec![Fact {
                text: "12次".into(),
                value: 12.0,
                approx: false,
                minimum: false,
                measure: "次".into(),
                subject: Some("局务会议".into()),
                location: Location {
                    block: Some(4),
                    section: Some("一（一）".into()),
                    quote: None,
                },
            }],
            coverage,
        };
        Checked {
            format: Format::Text { encoding: "UTF-8" },
            report,
            findings: vec![Finding {
                rule: "part-missing",
                severity: Severity::Error,
                part: Some(Part::NextYear),
                basis: "《法治政府建设与责任落实督察工作规定》第二十五条",
                message: "缺少“下一年度主要安排”<部分>".into(),
                location: Location {
                    block: Some(6),
                    section: Some("二".into()),
                    quote: Some("培训覆盖面".into()),
                },
            }],
            score: Score {
                total: 62,
                items: vec![ScoreItem {
                    key: "parts",
                    label: "五项内容",
                    points: 12.5,
                    max: 25.0,
                    explanation: "缺少两项".into(),
                }],
            },
        }
    }
}
