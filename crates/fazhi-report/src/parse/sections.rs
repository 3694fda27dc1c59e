//! The section tree: numbered headings nested by the order in which their styles appear.

use super::numbering::{heading_number, HeadingNumber};
use crate::ingest::Hint;
use crate::model::{BlockKind, NumberStyle, Section};
use crate::normalize::Para;

/// A heading style's rank when it appears first; only 第X部分 and 一、 may close deeper
/// styles that came before them (a preamble list "1、… 2、…" before "一、").
fn rank(style: NumberStyle) -> u8 {
    match style {
        NumberStyle::Part => 0,
        NumberStyle::Chinese => 1,
        NumberStyle::ChineseParen => 2,
        NumberStyle::Arabic => 3,
        NumberStyle::ArabicParen => 4,
        NumberStyle::Enumeration => 5,
    }
}

struct Node {
    h: HeadingNumber,
    title: Option<String>,
    heading: usize,
    end: usize,
    children: Vec<usize>,
}

/// A heading's title: the text after its number without trailing punctuation.
pub fn heading_title(text: &str, number_len: usize) -> Option<String> {
    let t = text[number_len..]
        .trim()
        .trim_end_matches(['。', '；', '：', ':', ';', '，', ' '])
        .trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Numbers an unnumbered Word heading (style 标题 1 without automatic numbering).
fn from_hint(p: &Para, last: &[(NumberStyle, u32)]) -> Option<HeadingNumber> {
    let Hint::Heading(level) = p.hint else {
        return None;
    };
    if p.text.chars().count() > 60 || p.text.contains('。') {
        return None;
    }
    let style = match level {
        1 => NumberStyle::Chinese,
        2 => NumberStyle::ChineseParen,
        _ => NumberStyle::Arabic,
    };
    let ordinal = last
        .iter()
        .rev()
        .find(|(s, _)| *s == style)
        .map_or(1, |(_, o)| o + 1);
    let number = if style == NumberStyle::Arabic {
        ordinal.to_string()
    } else {
        chinese_ordinal(ordinal)
    };
    Some(HeadingNumber {
        style,
        number,
        ordinal,
        len: 0,
    })
}

fn chinese_ordinal(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".into(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => format!("{}十{}", D[(n / 10 % 10) as usize], D[(n % 10) as usize]),
    }
}

/// Builds the section tree over `paras`; `kinds` marks frame paragraphs (never headings)
/// and receives `Heading` for every heading found.
pub fn build(paras: &[Para], kinds: &mut [Option<BlockKind>]) -> Vec<Section> {
    let body_end = kinds
        .iter()
        .rposition(|k| !matches!(k, Some(BlockKind::Signature) | Some(BlockKind::Front)))
        .map_or(0, |i| i + 1);
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    // Open headings, outermost first: (style, ordinal, node).
    let mut stack: Vec<(NumberStyle, u32, usize)> = Vec::new();
    let mut seen: Vec<(NumberStyle, u32)> = Vec::new();
    for (i, p) in paras.iter().enumerate().take(body_end) {
        if kinds[i].is_some() {
            continue;
        }
        let h = match heading_number(&p.text) {
            Some(h) => h,
            None => match from_hint(p, &seen) {
                Some(h) => h,
                None => continue,
            },
        };
        if h.style == NumberStyle::Enumeration
            && (p.text.chars().count() > 30 || p.text.contains(['。', '，', '；']))
        {
            continue; // 一是…… as a paragraph, not a heading line
        }
        let depth = match stack.iter().position(|(s, _, _)| *s == h.style) {
            Some(pos) => {
                let last = stack[pos].1;
                let plausible = h.ordinal == last + 1
                    || h.ordinal == last
                    || (h.ordinal > last && h.ordinal <= last + 2 && pos == 0);
                if !plausible {
                    continue; // a list restarting inside the body
                }
                pos
            }
            None => {
                if h.ordinal != 1 && !stack.is_empty() {
                    continue;
                }
                if rank(h.style) <= 1 {
                    stack
                        .iter()
                        .position(|(s, _, _)| rank(*s) > rank(h.style))
                        .unwrap_or(stack.len())
                } else {
                    stack.len()
                }
            }
        };
        for (_, _, n) in stack.drain(depth..) {
            nodes[n].end = i;
        }
        let id = nodes.len();
        let title = if h.len == 0 {
            Some(p.text.trim().to_string())
        } else {
            heading_title(&p.text, h.len)
        };
        seen.push((h.style, h.ordinal));
        stack.push((h.style, h.ordinal, id));
        nodes.push(Node {
            h,
            title,
            heading: i,
            end: body_end,
            children: Vec::new(),
        });
        match stack.len() {
            1 => roots.push(id),
            n => {
                let parent = stack[n - 2].2;
                nodes[parent].children.push(id);
            }
        }
        kinds[i] = Some(BlockKind::Heading);
    }
    fn assemble(nodes: &[Node], id: usize) -> Section {
        let n = &nodes[id];
        Section {
            number: n.h.number.clone(),
            ordinal: n.h.ordinal,
            style: n.h.style,
            title: n.title.clone(),
            part: None,
            heading: n.heading,
            end: n.end,
            children: n.children.iter().map(|&c| assemble(nodes, c)).collect(),
        }
    }
    // A list before the first 一、 (a preamble "1、… 2、…") is text, not sections.
    if roots.iter().any(|&r| rank(nodes[r].h.style) <= 1) {
        let (keep, drop): (Vec<usize>, Vec<usize>) =
            roots.iter().partition(|&&r| rank(nodes[r].h.style) <= 1);
        for r in drop {
            unmark(&nodes, r, kinds);
        }
        roots = keep;
    }
    roots.iter().map(|&r| assemble(&nodes, r)).collect()
}

fn unmark(nodes: &[Node], id: usize, kinds: &mut [Option<BlockKind>]) {
    kinds[nodes[id].heading] = None;
    for &c in &nodes[id].children {
        unmark(nodes, c, kinds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(lines: &[&str]) -> Vec<Section> {
        let paras: Vec<Para> = lines
            .iter()
            .map(|l| Para {
                text: l.to_string(),
                hint: Hint::None,
            })
            .collect();
        let mut kinds = vec![None; paras.len()];
        build(&paras, &mut kinds)
    }

    #[test]
    fn nesting_follows_first_appearance() {
        let t = tree(&[
            "一、主要举措",
            "（一）加强领导",
            "正文。",
            "1、学法",
            "2、普法",
            "（二）完善制度",
            "二、存在不足",
            "一是学习不够。二是宣传不够。",
            "三、下一步安排",
        ]);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].children.len(), 2);
        assert_eq!(t[0].children[0].children.len(), 2);
        assert_eq!(t[0].end, 6);
        assert_eq!(t[1].children.len(), 0);
        assert_eq!(t[2].title.as_deref(), Some("下一步安排"));
    }

    #[test]
    fn preamble_list_does_not_swallow_top_level() {
        let t = tree(&[
            "1、背景",
            "2、依据",
            "一、主要举措",
            "（一）学法",
            "二、不足",
        ]);
        let tops: Vec<_> = t.iter().map(|s| s.number.as_str()).collect();
        assert_eq!(tops, ["一", "二"]);
        assert_eq!(t[0].children.len(), 1);
    }

    #[test]
    fn restarted_lists_inside_a_section_are_text() {
        let t = tree(&[
            "一、举措",
            "二、不足",
            "主要表现：",
            "一、学习不够",
            "三、安排",
        ]);
        assert_eq!(t.len(), 3);
    }

    #[test]
    fn standalone_enumeration_is_a_heading_but_not_numbered() {
        let t = tree(&[
            "一、举措",
            "一是加强学习",
            "正文。",
            "二是强化宣传",
            "正文。",
        ]);
        assert_eq!(t[0].children.len(), 2);
        assert_eq!(t[0].numbered_children().count(), 0);
    }
}
