//! The Chinese report for a terminal, as styled text: spans of plain text, each with the
//! [`Tone`] it is meant to be shown in. The command line turns tones into colours (or
//! not); [`Styled`]'s `Display` is the plain text.

use super::{
    coverage_label, date, format_label, genre_label, missing_parts, num, place, severity_counts,
    SEVERITIES,
};
use crate::check::Severity;
use crate::model::{display_number, CoverageLevel, Genre, Section};
use crate::Checked;
use std::fmt::Write;

/// How a span of the terminal report is meant to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Headings.
    Bold,
    /// Labels, locations, explanations.
    Dim,
    /// A finding's severity.
    Severity(Severity),
    /// How well one of the five parts is covered.
    Coverage(CoverageLevel),
}

/// Text in spans with their tones. Adjacent plain spans are merged; every other span
/// stays as written (an empty one too), so a painter gives the same bytes each time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Styled {
    pub spans: Vec<(Tone, String)>,
}

impl Styled {
    fn push(&mut self, tone: Tone, s: &str) {
        match self.spans.last_mut() {
            Some((Tone::Plain, last)) if tone == Tone::Plain => last.push_str(s),
            _ => self.spans.push((tone, s.to_string())),
        }
    }

    fn plain(&mut self, s: &str) {
        self.push(Tone::Plain, s);
    }

    fn bold(&mut self, s: &str) {
        self.push(Tone::Bold, s);
    }

    fn dim(&mut self, s: &str) {
        self.push(Tone::Dim, s);
    }

    fn severity(&mut self, s: &str, sev: Severity) {
        self.push(Tone::Severity(sev), s);
    }

    fn coverage(&mut self, s: &str, l: CoverageLevel) {
        self.push(Tone::Coverage(l), s);
    }

    /// A heading on a line of its own after a blank line.
    fn heading(&mut self, s: &str) {
        self.plain("\n");
        self.bold(s);
        self.plain("\n");
    }
}

impl std::fmt::Display for Styled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.spans.iter().try_for_each(|(_, s)| f.write_str(s))
    }
}

/// Terminal columns a string takes (CJK and full-width characters count two).
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c)
                || (0x20000..=0x3FFFD).contains(&c);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    format!("{s}{}", " ".repeat(cols.saturating_sub(w)))
}

fn or_dash(s: Option<&str>) -> &str {
    s.filter(|s| !s.is_empty()).unwrap_or("—")
}

/// The header line that opens one file's report.
fn file_header(out: &mut Styled, file: &str) {
    let line = format!("━━ 文件：{file} ");
    let fill = 60usize.saturating_sub(width(&line));
    out.bold(&format!("{line}{}", "━".repeat(fill)));
    out.plain("\n");
}

/// The report for a file that could not be read.
pub fn render_error(file: &str, message: &str) -> Styled {
    let mut out = Styled::default();
    file_header(&mut out, file);
    out.severity("✗ 无法读取：", Severity::Error);
    out.plain(&format!(" {message}\n\n"));
    out
}

/// The report of one checked file.
pub fn render(file: &str, checked: &Checked) -> Styled {
    let mut out = Styled::default();
    file_header(&mut out, file);
    front_matter(&mut out, checked);
    section_tree(&mut out, &checked.report.sections);
    if checked.report.genre == Genre::RuleOfLawAnnualReport {
        coverage(&mut out, checked);
    }
    facts(&mut out, checked);
    findings(&mut out, checked);
    score(&mut out, checked);
    out.plain("\n");
    out
}

fn front_matter(out: &mut Styled, checked: &Checked) {
    let r = &checked.report;
    let field = |out: &mut Styled, k: &str, v: &str| {
        out.dim(&pad(&format!("{k}："), 16));
        out.plain(v);
        out.plain("\n");
    };
    field(out, "格式", &format_label(&checked.format));
    field(out, "体裁", genre_label(r.genre));
    field(out, "标题", or_dash(r.title.as_deref()));
    let unit = match &r.unit {
        Some(u) if u.normalized != u.written => {
            format!("{}（规范名：{}）", u.written, u.normalized)
        }
        Some(u) => u.written.clone(),
        None => "—".to_string(),
    };
    field(out, "单位", &unit);
    let year = r
        .year
        .map(|y| format!("{y} 年度"))
        .unwrap_or_else(|| "—".into());
    field(out, "年度", &year);
    field(out, "发文字号", or_dash(r.doc_number.as_deref()));
    field(out, "主送", or_dash(r.salutation.as_deref()));
    let signed = format!(
        "{} ／ {}",
        or_dash(r.signed_unit.as_ref().map(|u| u.written.as_str())),
        or_dash(date(r.signed_date).as_deref())
    );
    field(out, "落款单位／日期", &signed);
    if let Some(d) = date(r.published_date) {
        field(out, "发布日期", &d);
    }
    field(out, "正文字数", &r.body_chars().to_string());
}

fn section_tree(out: &mut Styled, sections: &[Section]) {
    out.heading("【章节结构】");
    if sections.is_empty() {
        out.plain("  ");
        out.dim("（未识别出编号标题）");
        out.plain("\n");
    }
    fn tree(out: &mut Styled, s: &Section, depth: usize) {
        let title = s.title.as_deref().unwrap_or("（无标题）");
        out.plain(&format!(
            "{}{}{title}",
            "  ".repeat(depth + 1),
            display_number(s)
        ));
        if let Some(p) = s.part {
            out.plain(" ");
            out.dim(&format!("〔{}〕", p.label()));
        }
        out.plain("\n");
        for c in &s.children {
            tree(out, c, depth + 1);
        }
    }
    for s in sections {
        tree(out, s, 0);
    }
}

/// Coverage of the five parts.
fn coverage(out: &mut Styled, checked: &Checked) {
    out.heading("【五项内容】");
    for (part, level) in checked.report.coverage.iter() {
        let (sym, label) = coverage_label(level);
        out.plain("  ");
        out.coverage(sym, level);
        out.plain(&format!(" {}", pad(part.label(), 22)));
        out.coverage(label, level);
        out.plain("\n");
    }
}

fn facts(out: &mut Styled, checked: &Checked) {
    let r = &checked.report;
    out.heading(&format!("【数据】共 {} 项", r.facts.len()));
    for f in &r.facts {
        let mut line = format!("  · {}", f.text);
        if let Some(s) = &f.subject {
            let _ = write!(line, "（{s}）");
        }
        out.plain(&line);
        if let Some(p) = place(&f.location) {
            out.plain(" ");
            out.dim(&format!("@ {p}"));
        }
        out.plain("\n");
    }
}

/// Findings by severity.
fn findings(out: &mut Styled, checked: &Checked) {
    let counts = severity_counts(&checked.findings);
    out.heading(&format!(
        "【审查意见】错误 {} · 警告 {} · 提示 {}",
        counts[0], counts[1], counts[2]
    ));
    if checked.findings.is_empty() {
        out.plain("  ");
        out.dim("（无）");
        out.plain("\n");
    }
    for sev in SEVERITIES {
        let group: Vec<_> = checked
            .findings
            .iter()
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.plain("  ");
        out.severity(&format!("{}（{}）", sev.label(), group.len()), sev);
        out.plain("\n");
        for f in group {
            let mut loc = String::new();
            if let Some(p) = place(&f.location) {
                loc.push_str(&p);
            }
            if let Some(q) = &f.location.quote {
                if !loc.is_empty() {
                    loc.push(' ');
                }
                let _ = write!(loc, "“{q}”");
            }
            out.plain("    ");
            out.severity(&format!("[{}]", f.rule), sev);
            out.plain(&format!(" {}", f.message));
            if !loc.is_empty() {
                out.plain("\n      ");
                out.dim(&format!("位置：{loc}"));
            }
            out.plain("\n      ");
            out.dim(&format!("依据：{}", f.basis));
            out.plain("\n");
        }
    }
}

fn score(out: &mut Styled, checked: &Checked) {
    out.heading(&format!("【得分】{} / 100", checked.score.total));
    for i in &checked.score.items {
        out.plain(&format!(
            "  {}{:>9}  ",
            pad(i.label, 24),
            format!("{}/{}", num(i.points), num(i.max)),
        ));
        out.dim(&i.explanation);
        out.plain("\n");
    }
    let missing = missing_parts(&checked.report);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|p| p.label()).collect();
        out.plain("  ");
        out.severity(&format!("缺失事项：{}", names.join("、")), Severity::Error);
        out.plain("\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn plain_text_has_no_escapes() {
        let s = render("东湖.txt", &fixture::checked()).to_string();
        assert!(!s.contains('\u{1b}'), "{s}");
        for want in [
            "文件：东湖.txt",
            "东湖区司法局",
            "2024 年度",
            "2025-01-20",
            "一、主要举措和成效",
            "（一）健全制度",
            "〔主要举措和成效〕",
            "✗ 下一年度主要安排",
            "✓ 主要举措和成效",
            "[part-missing]",
            "位置：二 “培训覆盖面”",
            "12次（局务会议）",
            "【得分】62 / 100",
            "12.5/25",
        ] {
            assert!(s.contains(want), "missing {want:?} in\n{s}");
        }
    }

    #[test]
    fn tones_mark_what_a_terminal_colours() {
        let s = render("a.txt", &fixture::checked());
        assert!(s.spans.iter().any(|(t, _)| *t == Tone::Bold));
        assert!(s.spans.iter().any(|(t, _)| matches!(t, Tone::Severity(_))));
        assert!(render_error("a.doc", "坏")
            .spans
            .contains(&(Tone::Severity(Severity::Error), "✗ 无法读取：".into())));
    }

    #[test]
    fn cjk_width() {
        assert_eq!(width("ab"), 2);
        assert_eq!(width("法治"), 4);
        assert_eq!(pad("法", 4), "法  ");
    }
}
