//! The Chinese report for a terminal, coloured with ANSI escapes only when asked.

use super::{
    coverage_label, date, format_label, genre_label, missing_parts, num, place, severity_counts,
    SEVERITIES,
};
use crate::check::Severity;
use crate::model::{display_number, CoverageLevel, Genre, Section};
use crate::Checked;
use owo_colors::{OwoColorize, Style};
use std::fmt::Write;

/// Paints text when colour is on, returns it unchanged otherwise.
#[derive(Clone, Copy)]
struct Pen {
    on: bool,
}

impl Pen {
    fn paint(self, s: &str, style: Style) -> String {
        if self.on {
            s.style(style).to_string()
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.paint(s, Style::new().bold())
    }
    fn dim(self, s: &str) -> String {
        self.paint(s, Style::new().dimmed())
    }
    fn severity(self, s: &str, sev: Severity) -> String {
        let style = match sev {
            Severity::Error => Style::new().red().bold(),
            Severity::Warning => Style::new().yellow().bold(),
            Severity::Info => Style::new().cyan(),
        };
        self.paint(s, style)
    }
    fn coverage(self, s: &str, l: CoverageLevel) -> String {
        let style = match l {
            CoverageLevel::Section => Style::new().green(),
            CoverageLevel::Subsection => Style::new().yellow(),
            CoverageLevel::Missing => Style::new().red(),
        };
        self.paint(s, style)
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
fn file_header(out: &mut String, file: &str, pen: Pen) {
    let line = format!("━━ 文件：{file} ");
    let fill = 60usize.saturating_sub(width(&line));
    let _ = writeln!(out, "{}", pen.bold(&format!("{line}{}", "━".repeat(fill))));
}

/// The report for a file that could not be read.
pub fn render_error(file: &str, message: &str, color: bool) -> String {
    let pen = Pen { on: color };
    let mut out = String::new();
    file_header(&mut out, file, pen);
    let _ = writeln!(
        out,
        "{} {message}\n",
        pen.severity("✗ 无法读取：", Severity::Error)
    );
    out
}

/// The report of one checked file.
pub fn render(file: &str, checked: &Checked, color: bool) -> String {
    let pen = Pen { on: color };
    let r = &checked.report;
    let mut out = String::new();
    file_header(&mut out, file, pen);

    let field = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "{}{v}", pen.dim(&pad(&format!("{k}："), 16)));
    };
    field(&mut out, "格式", &format_label(&checked.format));
    field(&mut out, "体裁", genre_label(r.genre));
    field(&mut out, "标题", or_dash(r.title.as_deref()));
    let unit = match &r.unit {
        Some(u) if u.normalized != u.written => {
            format!("{}（规范名：{}）", u.written, u.normalized)
        }
        Some(u) => u.written.clone(),
        None => "—".to_string(),
    };
    field(&mut out, "单位", &unit);
    let year = r
        .year
        .map(|y| format!("{y} 年度"))
        .unwrap_or_else(|| "—".into());
    field(&mut out, "年度", &year);
    field(&mut out, "发文字号", or_dash(r.doc_number.as_deref()));
    field(&mut out, "主送", or_dash(r.salutation.as_deref()));
    let signed = format!(
        "{} ／ {}",
        or_dash(r.signed_unit.as_ref().map(|u| u.written.as_str())),
        or_dash(date(r.signed_date).as_deref())
    );
    field(&mut out, "落款单位／日期", &signed);
    if let Some(d) = date(r.published_date) {
        field(&mut out, "发布日期", &d);
    }
    field(&mut out, "正文字数", &r.body_chars().to_string());

    // Section tree.
    let _ = writeln!(out, "\n{}", pen.bold("【章节结构】"));
    if r.sections.is_empty() {
        let _ = writeln!(out, "  {}", pen.dim("（未识别出编号标题）"));
    }
    fn tree(out: &mut String, s: &Section, depth: usize, pen: Pen) {
        let title = s.title.as_deref().unwrap_or("（无标题）");
        let part = s
            .part
            .map(|p| format!(" {}", pen.dim(&format!("〔{}〕", p.label()))))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{}{}{title}{part}",
            "  ".repeat(depth + 1),
            display_number(s)
        );
        for c in &s.children {
            tree(out, c, depth + 1, pen);
        }
    }
    for s in &r.sections {
        tree(&mut out, s, 0, pen);
    }

    // Coverage of the five parts.
    if r.genre == Genre::RuleOfLawAnnualReport {
        let _ = writeln!(out, "\n{}", pen.bold("【五项内容】"));
        for (part, level) in r.coverage.iter() {
            let (sym, label) = coverage_label(level);
            let _ = writeln!(
                out,
                "  {} {}{}",
                pen.coverage(sym, level),
                pad(part.label(), 22),
                pen.coverage(label, level)
            );
        }
    }

    // Facts.
    let _ = writeln!(
        out,
        "\n{}",
        pen.bold(&format!("【数据】共 {} 项", r.facts.len()))
    );
    for f in &r.facts {
        let mut line = format!("  · {}", f.text);
        if let Some(s) = &f.subject {
            let _ = write!(line, "（{s}）");
        }
        if let Some(p) = place(&f.location) {
            let _ = write!(line, " {}", pen.dim(&format!("@ {p}")));
        }
        let _ = writeln!(out, "{line}");
    }

    // Findings by severity.
    let counts = severity_counts(&checked.findings);
    let _ = writeln!(
        out,
        "\n{}",
        pen.bold(&format!(
            "【审查意见】错误 {} · 警告 {} · 提示 {}",
            counts[0], counts[1], counts[2]
        ))
    );
    if checked.findings.is_empty() {
        let _ = writeln!(out, "  {}", pen.dim("（无）"));
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
        let _ = writeln!(
            out,
            "  {}",
            pen.severity(&format!("{}（{}）", sev.label(), group.len()), sev)
        );
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
            let _ = writeln!(
                out,
                "    {} {}{}",
                pen.severity(&format!("[{}]", f.rule), sev),
                f.message,
                if loc.is_empty() {
                    String::new()
                } else {
                    format!("\n      {}", pen.dim(&format!("位置：{loc}")))
                }
            );
            let _ = writeln!(out, "      {}", pen.dim(&format!("依据：{}", f.basis)));
        }
    }

    // Score.
    let _ = writeln!(
        out,
        "\n{}",
        pen.bold(&format!("【得分】{} / 100", checked.score.total))
    );
    for i in &checked.score.items {
        let _ = writeln!(
            out,
            "  {}{:>9}  {}",
            pad(i.label, 24),
            format!("{}/{}", num(i.points), num(i.max)),
            pen.dim(&i.explanation)
        );
    }
    let missing = missing_parts(r);
    if !missing.is_empty() {
        let names: Vec<_> = missing.iter().map(|p| p.label()).collect();
        let _ = writeln!(
            out,
            "  {}",
            pen.severity(&format!("缺失事项：{}", names.join("、")), Severity::Error)
        );
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn plain_text_has_no_escapes() {
        let s = render("东湖.txt", &fixture::checked(), false);
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
    fn colour_when_asked() {
        let s = render("a.txt", &fixture::checked(), true);
        assert!(s.contains('\u{1b}'));
        assert!(render_error("a.doc", "坏", true).contains('\u{1b}'));
        assert!(!render_error("a.doc", "坏", false).contains('\u{1b}'));
    }

    #[test]
    fn cjk_width() {
        assert_eq!(width("ab"), 2);
        assert_eq!(width("法治"), 4);
        assert_eq!(pad("法", 4), "法  ");
    }
}
