//! The command's standard output: where results go, whether that is a terminal, and the
//! colours of the terminal report (the report engine returns styled text as plain data,
//! [`Styled`]; painting it is the terminal's business).

use fazhi_report::check::Severity;
use fazhi_report::model::CoverageLevel;
use fazhi_report::render::text::{Styled, Tone};
use owo_colors::{OwoColorize, Style};
use std::io::{IsTerminal, Write};

/// Where results go, and whether that is a terminal.
pub struct Output {
    pub writer: Box<dyn Write>,
    pub is_terminal: bool,
}

pub fn take_stdout() -> Output {
    let stdout = std::io::stdout();
    Output {
        is_terminal: stdout.is_terminal(),
        writer: Box::new(std::io::BufWriter::new(stdout)),
    }
}

/// The text of `doc`, with ANSI colours when `color` is on.
pub fn paint(doc: &Styled, color: bool) -> String {
    if !color {
        return doc.to_string();
    }
    let mut out = String::new();
    for (tone, s) in &doc.spans {
        match style(*tone) {
            Some(st) => out.push_str(&s.style(st).to_string()),
            None => out.push_str(s),
        }
    }
    out
}

fn style(tone: Tone) -> Option<Style> {
    Some(match tone {
        Tone::Plain => return None,
        Tone::Bold => Style::new().bold(),
        Tone::Dim => Style::new().dimmed(),
        Tone::Severity(Severity::Error) => Style::new().red().bold(),
        Tone::Severity(Severity::Warning) => Style::new().yellow().bold(),
        Tone::Severity(Severity::Info) => Style::new().cyan(),
        Tone::Coverage(CoverageLevel::Section) => Style::new().green(),
        Tone::Coverage(CoverageLevel::Subsection) => Style::new().yellow(),
        Tone::Coverage(CoverageLevel::Missing) => Style::new().red(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_report::render::text::render_error;

    #[test]
    fn colour_when_asked() {
        let doc = render_error("a.doc", "坏");
        assert!(paint(&doc, true).contains('\u{1b}'));
        assert!(!paint(&doc, false).contains('\u{1b}'));
        assert_eq!(paint(&doc, false), doc.to_string());
        assert!(paint(&doc, true).contains("\u{1b}[31;1m✗ 无法读取：\u{1b}[0m 坏"));
    }
}
