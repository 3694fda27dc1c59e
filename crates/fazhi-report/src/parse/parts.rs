//! Classifying sections into the mandated parts (报告事项) by what their headings mean.
//!
//! Each part has weighted cues; a heading gets the part with the highest score. Headings
//! with no cue (purely topical: 强化组织领导，夯实法治基础) take their meaning from
//! position: before the first 不足/安排 section they report measures.

use crate::model::{AnnualReport, BlockKind, Coverage, CoverageLevel, Section};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use fazhi_domain::Part;
use std::sync::LazyLock;

/// (part, cue, weight). A cue written `a+b` needs both words.
const CUES: &[(Part, &str, i32)] = &[
    (Part::FirstResponsible, "第一责任人", 6),
    (Part::FirstResponsible, "主要负责人+职责", 5),
    (Part::FirstResponsible, "主要负责同志+职责", 5),
    (Part::FirstResponsible, "主要负责人+履行", 5),
    (Part::FirstResponsible, "主要领导+职责", 4),
    (Part::FirstResponsible, "主要负责人+履职", 5),
    (Part::FirstResponsible, "主要负责同志+履职", 5),
    (Part::FirstResponsible, "第一责任", 5),
    (Part::FirstResponsible, "县长+履职", 5),
    (Part::FirstResponsible, "县长+履行", 4),
    (Part::FirstResponsible, "区长+履职", 5),
    (Part::FirstResponsible, "区长+履行", 4),
    (Part::FirstResponsible, "市长+履职", 5),
    (Part::FirstResponsible, "市长+履行", 4),
    (Part::FirstResponsible, "镇长+履职", 5),
    (Part::FirstResponsible, "镇长+履行", 4),
    (Part::FirstResponsible, "乡长+履职", 5),
    (Part::FirstResponsible, "乡长+履行", 4),
    (Part::FirstResponsible, "局长+履职", 5),
    (Part::FirstResponsible, "局长+履行", 4),
    (Part::FirstResponsible, "主任+履职", 5),
    (Part::FirstResponsible, "主任+履行", 4),
    (Part::FirstResponsible, "书记+履职", 5),
    (Part::FirstResponsible, "书记+履行", 4),
    (Part::FirstResponsible, "负责人+履职", 5),
    (Part::FirstResponsible, "负责人+履行", 4),
    (Part::FirstResponsible, "述法", 4),
    (Part::FirstResponsible, "一把手", 3),
    (Part::Shortcomings, "不足", 5),
    (Part::Shortcomings, "存在+问题", 5),
    (Part::Shortcomings, "主要问题", 4),
    (Part::Shortcomings, "问题和原因", 5),
    (Part::Shortcomings, "问题及原因", 5),
    (Part::Shortcomings, "差距", 4),
    (Part::Shortcomings, "短板", 4),
    (Part::Shortcomings, "薄弱环节", 4),
    (Part::Shortcomings, "困难", 2),
    (Part::Shortcomings, "原因", 2),
    (Part::NextYear, "下一年度", 6),
    (Part::NextYear, "下一年", 5),
    (Part::NextYear, "下一步", 6),
    (Part::NextYear, "下步", 5),
    (Part::NextYear, "明年", 5),
    (Part::NextYear, "今后", 3),
    (Part::NextYear, "打算", 4),
    (Part::NextYear, "工作安排", 3),
    (Part::NextYear, "主要安排", 3),
    (Part::NextYear, "初步安排", 3),
    (Part::NextYear, "工作计划", 3),
    (Part::NextYear, "工作思路", 3),
    (Part::NextYear, "努力方向", 4),
    (Part::NextYear, "展望", 4),
    (Part::NextYear, "工作重点", 2),
    (Part::Other, "其他需要报告", 8),
    (Part::Other, "其他需报告", 8),
    (Part::Other, "其他事项", 6),
    (Part::Other, "其他情况", 6),
    (Part::Thought, "习近平法治思想+学习", 4),
    (Part::Thought, "习近平法治思想+贯彻", 3),
    (Part::Thought, "总书记+讲话", 5),
    (Part::Thought, "总书记+重要指示", 5),
    (Part::Thought, "重要讲话精神", 4),
    (Part::Measures, "主要举措", 6),
    (Part::Measures, "举措", 3),
    (Part::Measures, "成效", 3),
    (Part::Measures, "主要措施", 5),
    (Part::Measures, "措施", 2),
    (Part::Measures, "主要做法", 5),
    (Part::Measures, "做法", 2),
    (Part::Measures, "工作开展情况", 5),
    (Part::Measures, "开展情况", 4),
    (Part::Measures, "推进情况", 4),
    (Part::Measures, "工作情况", 4),
    (Part::Measures, "建设情况", 3),
    (Part::Measures, "完成情况", 4),
    (Part::Measures, "落实情况", 3),
    (Part::Measures, "总体情况", 3),
    (Part::Measures, "基本情况", 3),
    (Part::Measures, "工作成绩", 4),
    (Part::Measures, "取得", 2),
];

/// Every word of every cue, and for each cue the indexes of its words.
struct CueIndex {
    words: AhoCorasick,
    cues: Vec<(Part, Vec<usize>, i32)>,
}

static CUE_INDEX: LazyLock<CueIndex> = LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    let mut cues = Vec::new();
    for (part, cue, w) in CUES {
        let ids = cue
            .split('+')
            .map(|word| match words.iter().position(|x| *x == word) {
                Some(i) => i,
                None => {
                    words.push(word);
                    words.len() - 1
                }
            })
            .collect();
        cues.push((*part, ids, *w));
    }
    assert!(words.len() <= 256, "cue words fit the bit set of `scores`");
    let words = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&words)
        .expect("cue automaton");
    CueIndex { words, cues }
});

/// Scores of each part for a heading, best first; only positive scores.
pub fn scores(title: &str, year: Option<i32>) -> Vec<(Part, i32)> {
    let mut acc: Vec<(Part, i32)> = Vec::new();
    let mut add = |p: Part, w: i32| match acc.iter_mut().find(|(q, _)| *q == p) {
        Some((_, s)) => *s += w,
        None => acc.push((p, w)),
    };
    let index = &*CUE_INDEX;
    // Which cue words occur, as a bit set (the automaton has fewer than 256 words).
    let mut present = [0u64; 4];
    for m in index.words.find_overlapping_iter(title) {
        let i = m.pattern().as_usize();
        present[i / 64] |= 1 << (i % 64);
    }
    for (part, ids, w) in &index.cues {
        if ids.iter().all(|&i| present[i / 64] & (1 << (i % 64)) != 0) {
            add(*part, *w);
        }
    }
    // "2024年度…安排" in a report on 2023: the next year's plan.
    if let Some(y) = year {
        let next = format!("{}年", y + 1);
        if title.contains(&next)
            && ["安排", "计划", "打算", "思路", "重点", "目标", "任务"]
                .iter()
                .any(|w| title.contains(w))
        {
            add(Part::NextYear, 6);
        }
    }
    // Political study first: "深入学习宣传贯彻习近平法治思想的情况…举措".
    let study_start = title.trim_start_matches("深入").starts_with("学习")
        || title.starts_with("贯彻")
        || title.starts_with("深入贯彻");
    if study_start && (title.contains("习近平") || title.contains("总书记")) {
        add(Part::Thought, 4);
    }
    // A heading that is just 其他 (or 其他事项/其他方面).
    if title.starts_with("其他") && title.chars().count() <= 8 {
        add(Part::Other, 6);
    }
    // "下一步工作措施" is a plan, not measures.
    if acc.iter().any(|(p, _)| *p == Part::NextYear) {
        acc.retain(|(p, _)| {
            *p != Part::Measures || title.contains("主要举措") && title.contains("成效")
        });
    }
    acc.sort_by_key(|(_, w)| std::cmp::Reverse(*w));
    acc
}

/// The part of a top-level section by its heading (or its first paragraph when it has none).
fn best(title: &str, year: Option<i32>) -> Option<Part> {
    scores(title, year).first().map(|(p, _)| *p)
}

/// A subsection's part, only on strong evidence (a topical subsection says nothing).
fn strong(title: &str, year: Option<i32>) -> Option<Part> {
    let s = scores(title, year);
    let (p, w) = *s.first()?;
    let needed = match p {
        Part::FirstResponsible | Part::Shortcomings | Part::Thought => 5,
        Part::NextYear | Part::Measures => 6,
        Part::Other => 6,
    };
    (w >= needed).then_some(p)
}

/// Sets `part` on every section and computes the coverage of the five parts.
pub fn classify(report: &mut AnnualReport) {
    let year = report.year;
    let mut seen_later_part = false;
    let blocks = &report.blocks;
    for s in report.sections.iter_mut() {
        let heading = s.title.clone().unwrap_or_else(|| first_body(blocks, s));
        let mut part = best(&heading, year);
        if part.is_none() && !seen_later_part {
            part = Some(Part::Measures);
        }
        if matches!(
            part,
            Some(Part::Shortcomings | Part::NextYear | Part::Other)
        ) {
            seen_later_part = true;
        }
        s.part = part;
        // Plans and problems have subsections about their topics, not about other parts.
        if !matches!(
            part,
            Some(Part::NextYear | Part::Shortcomings | Part::Other)
        ) {
            for c in s.children.iter_mut() {
                classify_sub(c, year);
            }
        }
    }
    report.coverage = coverage(report);
}

fn classify_sub(s: &mut Section, year: Option<i32>) {
    s.part = s.title.as_deref().and_then(|t| strong(t, year));
    for c in s.children.iter_mut() {
        classify_sub(c, year);
    }
}

fn first_body(blocks: &[crate::model::Block], s: &Section) -> String {
    blocks[s.body_blocks()]
        .iter()
        .find(|b| b.kind == BlockKind::Body)
        .map(|b| b.text.chars().take(60).collect())
        .unwrap_or_default()
}

/// `section` when a top-level section is about the part (or names it strongly among other
/// things: 存在问题及下一步打算), `subsection` when only a subsection or a labelled paragraph
/// (其他需要报告的情况：无) is, else `missing`.
fn coverage(report: &AnnualReport) -> Coverage {
    let mut c = Coverage::all_missing();
    for s in &report.sections {
        if let Some(p) = s.part {
            c.set(p, CoverageLevel::Section);
        }
        if let Some(t) = &s.title {
            for (p, w) in scores(t, report.year) {
                if w >= 5 && c.get(p) == CoverageLevel::Missing {
                    c.set(p, CoverageLevel::Section);
                }
            }
        }
    }
    for s in report.all_sections() {
        if let Some(p) = s.part {
            if c.get(p) == CoverageLevel::Missing {
                c.set(p, CoverageLevel::Subsection);
            }
        }
    }
    if c.other == CoverageLevel::Missing {
        let labelled = report.blocks.iter().any(|b| {
            b.kind == BlockKind::Body
                && (b.text.starts_with("其他需要报告") || b.text.starts_with("其他需报告"))
        });
        if labelled {
            c.other = CoverageLevel::Subsection;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(t: &str) -> Option<Part> {
        best(t, Some(2023))
    }

    #[test]
    fn headings_by_meaning() {
        assert_eq!(
            b("2023年度主要负责人履行推进法治建设第一责任人职责，加强法治政府建设情况"),
            Some(Part::FirstResponsible)
        );
        assert_eq!(b("推进法治政府建设的主要举措和成效"), Some(Part::Measures));
        assert_eq!(b("工作开展情况"), Some(Part::Measures));
        assert_eq!(b("总体推进情况"), Some(Part::Measures));
        assert_eq!(
            b("推进法治政府建设存在的不足、原因和问题整改情况"),
            Some(Part::Shortcomings)
        );
        assert_eq!(b("存在问题及原因"), Some(Part::Shortcomings));
        assert_eq!(b("下一步工作打算"), Some(Part::NextYear));
        assert_eq!(b("2024年度推进法治政府建设初步安排"), Some(Part::NextYear));
        assert_eq!(b("2024年工作思路"), Some(Part::NextYear));
        assert_eq!(b("下一步工作措施"), Some(Part::NextYear));
        assert_eq!(b("其他需要报告的情况"), Some(Part::Other));
        assert_eq!(
            b("深入学习宣传贯彻习近平法治思想的情况，推动法治建设的具体举措"),
            Some(Part::Thought)
        );
        assert_eq!(b("强化组织领导，夯实法治基础"), None);
    }
}
