//! Measurements shared by the rules and the score: the sections of a part, the measures'
//! facts and cases, the slogan share, years written in the text, items of a part.

use super::slogans;
use crate::model::{AnnualReport, BlockKind, Section};
use fazhi_domain::Part;
use regex::Regex;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::LazyLock;

/// The outermost sections about `part`: top-level sections classified so, and subsections
/// classified so that are not inside such a section (第一责任人 as （四） under 主要举措).
pub fn part_sections(report: &AnnualReport, part: Part) -> Vec<&Section> {
    fn walk<'a>(s: &'a Section, part: Part, out: &mut Vec<&'a Section>) {
        if s.part == Some(part) {
            out.push(s);
            return;
        }
        for c in &s.children {
            walk(c, part, out);
        }
    }
    let mut out = Vec::new();
    for s in &report.sections {
        walk(s, part, &mut out);
    }
    out
}

/// Block ranges of a section's text that belong to `part`: its body without the children
/// classified as another of the five mandated parts (（四）第一责任人 under 主要举措 is not a
/// measure). Political-study children stay (studying is a measure, or a plan), and a plan
/// section keeps all its children (a plan may be about anything).
pub fn own_ranges(s: &Section, part: Part) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = s.heading + 1;
    for c in &s.children {
        let foreign = c
            .part
            .is_some_and(|p| p != part && p != Part::Thought && part != Part::NextYear);
        if foreign {
            if c.heading > start {
                out.push(start..c.heading);
            }
            start = c.end;
        }
    }
    if s.end > start {
        out.push(start..s.end);
    }
    out
}

/// Blocks of a part's text (body and subsection headings), in order.
pub fn part_blocks(report: &AnnualReport, part: Part) -> Vec<usize> {
    let mut out = Vec::new();
    for s in part_sections(report, part) {
        for r in own_ranges(s, part) {
            for i in r {
                if i < report.blocks.len()
                    && matches!(report.blocks[i].kind, BlockKind::Body | BlockKind::Heading)
                {
                    out.push(i);
                }
            }
        }
    }
    out
}

/// Measurements of one report that several rules and the score use, each computed at most
/// once.
pub struct Metrics<'r> {
    report: &'r AnnualReport,
    boilerplate: OnceCell<BoilerplateStats>,
    measures: OnceCell<MeasuresStats>,
}

impl<'r> Metrics<'r> {
    pub fn new(report: &'r AnnualReport) -> Metrics<'r> {
        Metrics {
            report,
            boilerplate: OnceCell::new(),
            measures: OnceCell::new(),
        }
    }

    /// The slogan share of the body.
    pub fn boilerplate(&self) -> &BoilerplateStats {
        self.boilerplate
            .get_or_init(|| boilerplate_stats(self.report))
    }

    /// Facts and cases of the measures part.
    pub fn measures(&self) -> &MeasuresStats {
        self.measures.get_or_init(|| measures_stats(self.report))
    }
}

/// Facts and concrete cases of the `measures` part.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeasuresStats {
    /// Whether the report has any measures section at all.
    pub present: bool,
    /// Characters of the measures text (body and subsection headings).
    pub chars: usize,
    /// Facts (quantities) stated in it.
    pub facts: usize,
    /// Concrete-case markers in it (dates, named activities, cases, named enterprises).
    pub cases: usize,
    /// The heading block of the first measures section.
    pub heading: Option<usize>,
}

impl MeasuresStats {
    /// Facts per 1,000 characters.
    pub fn density(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.facts as f64 * 1000.0 / self.chars as f64
        }
    }
}

pub fn measures_stats(report: &AnnualReport) -> MeasuresStats {
    let sections = part_sections(report, Part::Measures);
    let blocks = part_blocks(report, Part::Measures);
    let mut stats = MeasuresStats {
        present: !sections.is_empty(),
        heading: sections.first().map(|s| s.heading),
        ..Default::default()
    };
    let mut in_measures = vec![false; report.blocks.len()];
    for &i in &blocks {
        in_measures[i] = true;
        let text = &report.blocks[i].text;
        stats.chars += text.chars().count();
        stats.cases += slogans::case_markers(text);
    }
    stats.facts = report
        .facts
        .iter()
        .filter(|f| {
            f.location
                .block
                .is_some_and(|b| in_measures.get(b) == Some(&true))
        })
        .count();
    stats
}

/// The slogan share of the body (see [`slogans`] for the definition of a slogan sentence).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoilerplateStats {
    /// Sentences counted (≥ [`slogans::MIN_SENTENCE_HAN`] Chinese characters).
    pub sentences: usize,
    pub slogans: usize,
    /// The first two slogan sentences (block, sentence).
    pub examples: Vec<(usize, String)>,
}

impl BoilerplateStats {
    pub fn share(&self) -> f64 {
        if self.sentences == 0 {
            0.0
        } else {
            self.slogans as f64 / self.sentences as f64
        }
    }
}

pub fn boilerplate_stats(report: &AnnualReport) -> BoilerplateStats {
    let mut stats = BoilerplateStats::default();
    let mut best: Vec<(usize, usize, String)> = Vec::new();
    for (i, b) in report.blocks.iter().enumerate() {
        if b.kind != BlockKind::Body {
            continue;
        }
        for s in slogans::analyse(&b.text) {
            if !s.counts() {
                continue;
            }
            stats.sentences += 1;
            if s.is_slogan() {
                stats.slogans += 1;
                if best.len() < 2 {
                    best.push((s.distinct, i, s.text.to_string()));
                }
            }
        }
    }
    stats.examples = best.into_iter().map(|(_, i, s)| (i, s)).collect();
    stats
}

/// One item of a part: a numbered subsection, a 一是/二是 point, or a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The block where it starts.
    pub block: usize,
    pub text: String,
}

static ENUM_POINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[。；;！？，,：:\n])\s*(?:[一二三四五六七八九十]{1,2}是|其[一二三四五六七八九十]{1,2}[，,、])")
        .expect("enumeration regex")
});

/// The items of a part's sections: numbered subsections when there are any, else 一是/二是
/// points when there are at least two, else the paragraphs (lead-in lines ending in ：
/// left out).
pub fn items(report: &AnnualReport, part: Part) -> Vec<Item> {
    let mut out = Vec::new();
    for s in part_sections(report, part) {
        let numbered: Vec<&Section> = s.numbered_children().collect();
        if !numbered.is_empty() {
            for c in numbered {
                let mut text = c.title.clone().unwrap_or_default();
                text.push('\n');
                text.push_str(&report.text_of(c.body_blocks()));
                out.push(Item {
                    block: c.heading,
                    text,
                });
            }
            continue;
        }
        let body: Vec<usize> = s
            .body_blocks()
            .filter(|&i| i < report.blocks.len() && report.blocks[i].kind == BlockKind::Body)
            .collect();
        // 一是/二是 points, possibly several in one paragraph.
        let mut points: Vec<Item> = Vec::new();
        for &i in &body {
            let t = &report.blocks[i].text;
            let starts: Vec<usize> = ENUM_POINT
                .find_iter(t)
                .map(|m| {
                    let s = m.as_str();
                    let skip = s.len()
                        - s.trim_start_matches([
                            '。', '；', ';', '！', '？', '，', ',', '：', ':', '\n', ' ',
                        ])
                        .len();
                    m.start() + skip
                })
                .collect();
            if starts.is_empty() {
                if let Some(last) = points.last_mut() {
                    // A paragraph continuing the previous point.
                    last.text.push('\n');
                    last.text.push_str(t);
                }
                continue;
            }
            for (k, &st) in starts.iter().enumerate() {
                let end = starts.get(k + 1).copied().unwrap_or(t.len());
                if k == 0 && st > 0 {
                    if let Some(last) = points.last_mut() {
                        last.text.push_str(&t[..st]);
                    }
                }
                points.push(Item {
                    block: i,
                    text: t[st..end].to_string(),
                });
            }
        }
        if points.len() >= 2 {
            out.extend(points);
            continue;
        }
        for &i in &body {
            let t = report.blocks[i].text.trim();
            if t.ends_with(['：', ':']) || slogans::han_count(t) < 8 {
                continue;
            }
            out.push(Item {
                block: i,
                text: t.to_string(),
            });
        }
    }
    out
}

/// A short quote: the first `n` characters, with … when cut.
pub fn quote(s: &str, n: usize) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_cuts() {
        assert_eq!(quote("一二三四五", 3), "一二三…");
        assert_eq!(quote("一二三", 3), "一二三");
    }
}
