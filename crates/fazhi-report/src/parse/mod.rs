//! Parse: normalised paragraphs → [`AnnualReport`].

pub mod dates;
mod facts;
mod front;
mod genre;
pub mod numbering;
mod parts;
mod sections;
mod units;

pub use facts::facts_in;
pub use parts::scores as part_scores;

use crate::ingest::Ingested;
use crate::model::{AnnualReport, Block, BlockKind, Coverage, Genre};
use crate::normalize::{normalize, Para};
use fazhi_domain::{UnitAliases, UnitName};
use regex::Regex;
use std::sync::LazyLock;

/// A year written with digits, alone or ending a span (2023年, 2021-2025年).
static DIGIT_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*(?:[-—－–~～至到]\s*\d{4}\s*)?年").expect("year regex")
});

/// A year written in Chinese numerals (二〇二三年).
static CHINESE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([〇零○一二三四五六七八九]{4})年").expect("year regex"));

/// Years written in `text`, in order (2023年, 2023年度, 二〇二三年), leaving out spans
/// (2021—2025年), years inside document names (《…（2021-2025年）》) and document numbers
/// (〔2024〕1号). The parser takes the first as the report year; the checker compares them.
pub fn years_in(text: &str) -> Vec<i32> {
    if !text.contains('年') {
        return Vec::new();
    }
    // Byte ranges of 《…》 (nested titles count once).
    let mut titles: Vec<std::ops::Range<usize>> = Vec::new();
    let mut open: Option<usize> = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '《' => {
                if depth == 0 {
                    open = Some(i);
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    if let Some(o) = open.take() {
                        titles.push(o..i);
                    }
                }
            }
            _ => {}
        }
    }
    let in_title = |at: usize| titles.iter().any(|r| r.contains(&at));
    let mut found: Vec<(usize, i32)> = Vec::new();
    for c in DIGIT_YEAR.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let span = whole
            .as_str()
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count()
            > 4;
        let glued = text[..whole.start()].ends_with(|ch: char| {
            ch.is_ascii_digit()
                || matches!(
                    ch,
                    '-' | '—' | '－' | '–' | '~' | '～' | '至' | '到' | '〔' | '['
                )
        });
        if span || glued || in_title(whole.start()) {
            continue;
        }
        if let Ok(y) = c[1].parse::<i32>() {
            found.push((whole.start(), y));
        }
    }
    for c in CHINESE_YEAR.captures_iter(text) {
        let whole = c.get(0).expect("match");
        if in_title(whole.start()) {
            continue;
        }
        let digits: String = c[1]
            .chars()
            .map(|ch| if ch == '○' { '〇' } else { ch })
            .collect();
        if let Some(y) = numbering::chinese_number(&digits).and_then(|v| i32::try_from(v).ok()) {
            found.push((whole.start(), y));
        }
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(_, y)| y)
        .filter(|y| (1990..=2100).contains(y))
        .collect()
}

/// The first plausible report year written in `s` (see [`years_in`]).
pub fn year_in(s: &str) -> Option<i32> {
    years_in(s).first().copied()
}

/// Reads an ingested file into the report model.
pub fn parse(ingested: &Ingested, aliases: &UnitAliases) -> AnnualReport {
    parse_paras(normalize(ingested), aliases)
}

pub fn parse_paras(paras: Vec<Para>, aliases: &UnitAliases) -> AnnualReport {
    let frame = front::analyse(&paras);
    let mut kinds = frame.kinds.clone();
    let paras = promote_unnumbered_headings(paras, &kinds);
    let sections = sections::build(&paras, &mut kinds);
    let blocks: Vec<Block> = paras
        .into_iter()
        .zip(kinds)
        .map(|(p, k)| Block {
            kind: k.unwrap_or(BlockKind::Body),
            text: p.text,
        })
        .collect();

    let first_body: Vec<&str> = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Body)
        .take(3)
        .map(|b| b.text.as_str())
        .collect();
    let body_unit = first_body.iter().find_map(|t| units::unit_in_body(t));
    let written = frame
        .title_unit
        .clone()
        .or_else(|| frame.header_unit.clone())
        .or_else(|| frame.meta_unit.clone())
        .or(body_unit)
        .or_else(|| frame.signed_unit.clone());
    let unit = written.and_then(|w| UnitName::parse(&w, aliases));
    let unit_in_title = frame.title_unit.is_some() || frame.header_unit.is_some();

    let title_year = frame.title.as_deref().and_then(year_in);
    // Last resort: a report signed or published in the first half of a year is about the
    // year before (reports fall due by 1 March and are published by 1 April).
    let dated_year = frame.signed_date.or(frame.published_date).map(|d| {
        use chrono::Datelike;
        if d.month() <= 6 {
            d.year() - 1
        } else {
            d.year()
        }
    });
    let year = title_year
        .or_else(|| first_body.iter().find_map(|t| year_in(t)))
        .or(dated_year);

    let body_text: String = blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Body | BlockKind::Heading))
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let genre = detect_genre(frame.title.as_deref(), &body_text);

    let mut report = AnnualReport {
        genre,
        title: frame.title,
        unit,
        unit_in_title,
        year,
        year_in_title: title_year.is_some(),
        doc_number: frame.doc_number,
        salutation: frame.salutation,
        signed_unit: frame.signed_unit.and_then(|s| UnitName::parse(&s, aliases)),
        signed_date: frame.signed_date,
        published_date: frame.published_date,
        blocks,
        sections,
        facts: Vec::new(),
        coverage: Coverage::all_missing(),
    };
    parts::classify(&mut report);
    facts::extract(&mut report);
    report
}

/// Text that lost its numbering (pasted from a web page that set headings in bold) still
/// has its part headings as short lines: "主要举措和成效", "存在的不足和原因". When the
/// text has no numbered heading and no heading style at all, such lines (at most 30
/// characters, no sentence punctuation, a strong part cue) become level-1 headings.
fn promote_unnumbered_headings(mut paras: Vec<Para>, kinds: &[Option<BlockKind>]) -> Vec<Para> {
    let structured = paras.iter().zip(kinds).any(|(p, k)| {
        k.is_none()
            && (matches!(p.hint, crate::ingest::Hint::Heading(_))
                || numbering::heading_number(&p.text)
                    .is_some_and(|h| h.style != crate::model::NumberStyle::Enumeration))
    });
    if structured {
        return paras;
    }
    for (p, k) in paras.iter_mut().zip(kinds) {
        let t = &p.text;
        let candidate = k.is_none()
            && t.chars().count() <= 30
            && !t.contains(['。', '；', '：', '，'])
            && parts::scores(t, None).first().is_some_and(|(_, w)| *w >= 5);
        if candidate {
            p.hint = crate::ingest::Hint::Heading(1);
        }
    }
    paras
}

fn detect_genre(title: Option<&str>, body: &str) -> Genre {
    genre::detect(title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_leave_out_titles_and_ranges() {
        assert_eq!(
            years_in("2023年以来，认真贯彻《法治政府建设实施纲要（2021-2025年）》"),
            vec![2023]
        );
        assert_eq!(years_in("2021—2025年规划"), Vec::<i32>::new());
        assert_eq!(years_in("2024年度工作安排，2023 年"), vec![2024, 2023]);
        assert_eq!(years_in("古科工信发〔2024〕1号"), Vec::<i32>::new());
    }

    #[test]
    fn chinese_numeral_years_count_in_order() {
        assert_eq!(years_in("二〇二三年以来，2024年计划"), vec![2023, 2024]);
        assert_eq!(
            year_in("根据《纲要（2021-2025年）》，现将2022年情况报告如下"),
            Some(2022)
        );
    }
}
