//! `/uploads/{id}`: the findings page (the hot path: one store call for the upload besides
//! the session lookup, the stored result deserialised once, the page rendered by askama
//! from borrowed data), and `/uploads/{id}/original`.

use super::units::score_class;
use super::{attachment, fmt_time, num, view, Chrome, Hx, Id, Nav};
use crate::auth::Viewer;
use crate::error::Result;
use crate::ops;
use crate::ops::access::UnitRights;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use fazhi_domain::UploadId;
use fazhi_report::check::{Finding, Severity};
use fazhi_report::ingest::Format;
use fazhi_report::{
    display_number, AnnualReport, Checked, CoverageLevel, Genre, Location, Section,
};
use fazhi_store::{Unit, UploadStatus, UploadSummary};

#[derive(Template)]
#[template(path = "upload.html", blocks = ["report"])]
struct UploadPage<'a> {
    chrome: Chrome,
    s: &'a UploadSummary,
    unit: &'a Unit,
    rights: UnitRights,
    failed: bool,
    uploaded_at: String,
    /// The uploader's login, for the unit's people and supervisors only (never the public).
    uploader: Option<&'a str>,
    published: Option<String>,
    r: Option<ReportView<'a>>,
}

struct ReportView<'a> {
    title: &'a str,
    format: String,
    annual: bool,
    unit_written: Option<&'a str>,
    year: Option<i32>,
    doc_number: Option<&'a str>,
    signed_unit: Option<&'a str>,
    signed_date: Option<String>,
    body_chars: usize,
    total: u32,
    score_class: &'static str,
    items: Vec<ScoreRow<'a>>,
    errors: usize,
    warnings: usize,
    infos: usize,
    coverage: Vec<CoverageRow>,
    sections: Vec<SectionRow<'a>>,
    findings: Vec<FindingRow<'a>>,
    facts: Vec<FactRow<'a>>,
    blocks: Vec<BlockRow<'a>>,
}

struct ScoreRow<'a> {
    label: &'a str,
    points: String,
    max: String,
    explanation: &'a str,
}

struct CoverageRow {
    label: &'static str,
    key: &'static str,
    text: &'static str,
}

struct SectionRow<'a> {
    depth: usize,
    number: String,
    title: Option<&'a str>,
    part: Option<&'static str>,
    heading: usize,
}

struct FindingRow<'a> {
    /// Index in the engine's order: the anchor `#r{k}`.
    k: usize,
    sev: &'static str,
    sev_label: &'static str,
    rule: &'a str,
    message: &'a str,
    basis: &'a str,
    place: Option<String>,
    block: Option<usize>,
    quote: Option<&'a str>,
}

struct FactRow<'a> {
    text: &'a str,
    value: String,
    measure: &'a str,
    subject: Option<&'a str>,
    place: Option<String>,
    block: Option<usize>,
}

struct BlockRow<'a> {
    n: usize,
    kind: &'static str,
    /// Severity key of the worst finding on the block, `""` without findings.
    hit: &'static str,
    text: &'a str,
    /// The text split around the quoted passages (`true`: marked); empty when none.
    segs: Vec<(&'a str, bool)>,
    marks: Vec<Mark<'a>>,
}

struct Mark<'a> {
    k: usize,
    sev: &'static str,
    rule: &'a str,
    message: &'a str,
}

fn format_label(f: &Format) -> String {
    match f {
        Format::Text { encoding } => format!("纯文本（{encoding}）"),
        Format::Html => "网页（HTML）".to_string(),
        Format::Docx => "Word 文档（.docx）".to_string(),
        Format::Pdf => "PDF 文档".to_string(),
    }
}

fn coverage_text(l: CoverageLevel) -> (&'static str, &'static str) {
    match l {
        CoverageLevel::Section => ("section", "完整"),
        CoverageLevel::Subsection => ("subsection", "仅提及"),
        CoverageLevel::Missing => ("missing", "缺失"),
    }
}

/// Where a location is, in words: the section path, else the paragraph number.
fn place(loc: &Location) -> Option<String> {
    match (&loc.section, loc.block) {
        (Some(s), _) if !s.is_empty() => Some(s.clone()),
        (_, Some(b)) => Some(format!("第 {} 段", b + 1)),
        _ => None,
    }
}

/// The quote without the section number the place already shows (三、 “三、2025年…” → 三、 “2025年…”).
fn quote_after_place(loc: &Location) -> Option<&str> {
    let quote = loc.quote.as_deref()?;
    let rest = match loc.section.as_deref() {
        Some(sec) => quote
            .strip_prefix(last_step(sec))
            .unwrap_or(quote)
            .trim_start(),
        None => quote,
    };
    (!rest.is_empty()).then_some(rest)
}

/// The last step of a section path as displayed: "二、（一）" → "（一）", "三、" → "三、".
fn last_step(path: &str) -> &str {
    let ends: Vec<usize> = path
        .char_indices()
        .filter(|(_, c)| matches!(c, '、' | '）' | ')' | '.' | '．'))
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    let start = match ends.as_slice() {
        [.., before, last] if *last == path.len() => *before,
        [.., last] if *last < path.len() => *last,
        _ => 0,
    };
    &path[start..]
}

fn flatten<'a>(sections: &'a [Section], depth: usize, out: &mut Vec<SectionRow<'a>>) {
    for s in sections {
        out.push(SectionRow {
            depth: depth.min(4),
            number: display_number(s),
            title: s.title.as_deref(),
            part: s.part.map(|p| p.label()),
            heading: s.heading,
        });
        flatten(&s.children, depth + 1, out);
    }
}

/// `text` cut around the first occurrence of each quote (overlaps dropped).
fn segments<'a>(text: &'a str, quotes: &[&str]) -> Vec<(&'a str, bool)> {
    let mut spans: Vec<(usize, usize)> = quotes
        .iter()
        .filter(|q| !q.is_empty())
        .filter_map(|q| text.find(q).map(|s| (s, s + q.len())))
        .collect();
    if spans.is_empty() {
        return Vec::new();
    }
    spans.sort_unstable();
    let mut out = Vec::with_capacity(spans.len() * 2 + 1);
    let mut pos = 0;
    for (s, e) in spans {
        if s < pos {
            continue;
        }
        if s > pos {
            out.push((&text[pos..s], false));
        }
        out.push((&text[s..e], true));
        pos = e;
    }
    if pos < text.len() {
        out.push((&text[pos..], false));
    }
    out
}

/// The report's blocks, each with the findings that point at it (marks in the engine's
/// order, the block coloured by the worst of them).
fn block_rows<'a>(r: &'a AnnualReport, findings: &'a [Finding]) -> Vec<BlockRow<'a>> {
    // Findings per block, in the engine's order.
    let mut at_block: Vec<Vec<usize>> = Vec::new();
    at_block.resize_with(r.blocks.len(), Vec::new);
    for (k, f) in findings.iter().enumerate() {
        if let Some(list) = f.location.block.and_then(|b| at_block.get_mut(b)) {
            list.push(k);
        }
    }
    r.blocks
        .iter()
        .zip(at_block)
        .enumerate()
        .map(|(n, (b, hits))| {
            if hits.is_empty() {
                return BlockRow {
                    n,
                    kind: b.kind.key(),
                    hit: "",
                    text: &b.text,
                    segs: Vec::new(),
                    marks: Vec::new(),
                };
            }
            let worst = hits
                .iter()
                .map(|&k| findings[k].severity)
                .min()
                .unwrap_or(Severity::Info);
            let quotes: Vec<&str> = hits
                .iter()
                .filter_map(|&k| findings[k].location.quote.as_deref())
                .collect();
            BlockRow {
                n,
                kind: b.kind.key(),
                hit: worst.key(),
                text: &b.text,
                segs: segments(&b.text, &quotes),
                marks: hits
                    .iter()
                    .map(|&k| Mark {
                        k,
                        sev: findings[k].severity.key(),
                        rule: findings[k].rule,
                        message: &findings[k].message,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn report_view<'a>(c: &'a Checked, fallback_title: &'a str) -> ReportView<'a> {
    let r = &c.report;
    let findings: &'a [Finding] = &c.findings;
    let mut counts = [0usize; 3];
    for f in findings {
        counts[f.severity as usize] += 1;
    }

    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&k| (findings[k].severity, k));
    let finding_rows = order
        .iter()
        .map(|&k| {
            let f = &findings[k];
            FindingRow {
                k,
                sev: f.severity.key(),
                sev_label: f.severity.label(),
                rule: f.rule,
                message: &f.message,
                basis: f.basis,
                place: place(&f.location),
                block: f.location.block.filter(|b| *b < r.blocks.len()),
                quote: quote_after_place(&f.location),
            }
        })
        .collect();

    let blocks = block_rows(r, findings);

    let mut sections = Vec::new();
    flatten(&r.sections, 0, &mut sections);

    ReportView {
        title: r.title.as_deref().unwrap_or(fallback_title),
        format: format_label(&c.format),
        annual: r.genre == Genre::RuleOfLawAnnualReport,
        unit_written: r.unit.as_ref().map(|u| u.written.as_str()),
        year: r.year,
        doc_number: r.doc_number.as_deref(),
        signed_unit: r.signed_unit.as_ref().map(|u| u.written.as_str()),
        signed_date: r.signed_date.map(|d| d.format("%Y-%m-%d").to_string()),
        body_chars: r.body_chars(),
        total: c.score.total,
        score_class: score_class(Some(c.score.total as i32)),
        items: c
            .score
            .items
            .iter()
            .map(|i| ScoreRow {
                label: i.label,
                points: num(i.points),
                max: num(i.max),
                explanation: &i.explanation,
            })
            .collect(),
        errors: counts[Severity::Error as usize],
        warnings: counts[Severity::Warning as usize],
        infos: counts[Severity::Info as usize],
        coverage: r
            .coverage
            .iter()
            .map(|(part, level)| {
                let (key, text) = coverage_text(level);
                CoverageRow {
                    label: part.label(),
                    key,
                    text,
                }
            })
            .collect(),
        sections,
        findings: finding_rows,
        facts: r
            .facts
            .iter()
            .map(|f| {
                let mut value = num(f.value);
                if f.approx {
                    value.push_str("（约数）");
                }
                if f.minimum {
                    value.push_str("（下限）");
                }
                FactRow {
                    text: &f.text,
                    value,
                    measure: &f.measure,
                    subject: f.subject.as_deref(),
                    place: place(&f.location),
                    block: f.location.block.filter(|b| *b < r.blocks.len()),
                }
            })
            .collect(),
        blocks,
    }
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    hx: Hx,
    Id(id): Id<UploadId>,
) -> Result<Response> {
    let p = viewer.0.as_ref();
    let (detail, checked) = ops::reports::upload_detail(&state, p, id).await?;
    let page = UploadPage {
        chrome: Chrome::new(&state, p, Nav::Home),
        s: &detail.summary,
        unit: &detail.unit,
        rights: ops::access::unit_rights(p, &detail.unit),
        failed: detail.summary.status == UploadStatus::Failed,
        uploaded_at: fmt_time(&detail.summary.uploaded_at),
        uploader: ops::access::reads_unit(p, &detail.unit)
            .then_some(detail.summary.uploaded_by_login.as_str()),
        published: detail.summary.published_at.as_ref().map(fmt_time),
        r: checked
            .as_ref()
            .map(|c| report_view(c, &detail.summary.title)),
    };
    Ok(view(hx, &page, page.as_report()))
}

/// The content type served for an original, from its name (what the uploader's browser
/// claimed is not trusted).
fn content_type_of(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

pub async fn original(
    State(state): State<AppState>,
    viewer: Viewer,
    Id(id): Id<UploadId>,
) -> Result<Response> {
    let (summary, _claimed, bytes) =
        ops::reports::upload_original(&state, viewer.0.as_ref(), id).await?;
    Ok(attachment(
        &summary.filename,
        content_type_of(&summary.filename),
        bytes,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quote_does_not_repeat_the_place() {
        assert_eq!(last_step("二、（一）"), "（一）");
        assert_eq!(last_step("三、"), "三、");
        assert_eq!(last_step(""), "");
        let loc = |section: &str, quote: &str| Location {
            block: Some(3),
            section: Some(section.to_string()),
            quote: Some(quote.to_string()),
        };
        assert_eq!(
            quote_after_place(&loc("三、", "三、2025年度主要安排")),
            Some("2025年度主要安排")
        );
        assert_eq!(
            quote_after_place(&loc("二、（一）", "（一）强化学法")),
            Some("强化学法")
        );
        assert_eq!(
            quote_after_place(&loc("一、", "其他文字")),
            Some("其他文字")
        );
        assert_eq!(quote_after_place(&loc("三、", "三、")), None);
    }

    #[test]
    fn segments_mark_quotes() {
        assert_eq!(segments("abc", &["x"]), Vec::<(&str, bool)>::new());
        assert_eq!(
            segments("a<b>c", &["b"]),
            vec![("a<", false), ("b", true), (">c", false)]
        );
        assert_eq!(
            segments("abcdef", &["cd", "bc", ""]),
            vec![("a", false), ("bc", true), ("def", false)]
        );
        assert_eq!(segments("全文", &["全文"]), vec![("全文", true)]);
    }

    #[test]
    fn originals_get_a_type_from_their_name() {
        assert_eq!(content_type_of("报告.PDF"), "application/pdf");
        assert_eq!(content_type_of("x.html"), "application/octet-stream");
    }
}
