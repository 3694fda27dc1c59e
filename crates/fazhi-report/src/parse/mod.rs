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

/// A year written as 2023年 or 二〇二三年 (the end of a span like 2021-2025年 is skipped
/// by the caller).
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*年|([〇零○一二三四五六七八九]{4})年").expect("year regex")
});

/// The first plausible report year written in `s` (2023年, 二〇二三年).
pub fn year_in(s: &str) -> Option<i32> {
    YEAR.captures_iter(s).find_map(|c| {
        let start = c.get(0)?.start();
        // The end of a span (2021-2025年, 2021至2025年) is not the year reported on.
        if s[..start].ends_with(['-', '—', '–', '~', '至', '到', '－']) {
            return None;
        }
        let y = match (c.get(1), c.get(2)) {
            (Some(d), _) => d.as_str().parse().ok()?,
            (_, Some(z)) => {
                let z: String = z
                    .as_str()
                    .chars()
                    .map(|ch| if ch == '○' { '〇' } else { ch })
                    .collect();
                i32::try_from(numbering::chinese_number(&z)?).ok()?
            }
            _ => return None,
        };
        (1990..=2100).contains(&y).then_some(y)
    })
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
