//! Normalise what conversions do to text: hard-wrapped and page-broken lines, page numbers,
//! full-width/ASCII punctuation, spaces inside numbers and dates, markdown, and a heading
//! followed by body text on the same line.

use crate::ingest::{Hint, Ingested};
use crate::parse::numbering::{heading_number, HeadingNumber};

/// A paragraph after normalisation, with the hint its file gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub text: String,
    pub hint: Hint,
}

/// Normalises the raw blocks of a file into paragraphs.
pub fn normalize(ingested: &Ingested) -> Vec<Para> {
    let mut lines: Vec<Para> = Vec::with_capacity(ingested.blocks.len());
    let mut widths = Vec::with_capacity(ingested.blocks.len());
    for b in &ingested.blocks {
        if b.hint == Hint::PageBreak {
            continue;
        }
        for raw in b.text.split('\n') {
            let text = clean_line(raw);
            if text.is_empty() || is_page_artefact(&text) {
                continue;
            }
            widths.push(display_width(raw.trim()));
            lines.push(Para { text, hint: b.hint });
        }
    }
    // Word files made from PDFs or pasted text carry the same broken lines as text files,
    // so both layouts are joined; the rules only join what cannot be a paragraph's end.
    let joined = join_lines(lines, &widths);
    let mut out = Vec::with_capacity(joined.len());
    for p in joined {
        split_heading(p, &mut out);
    }
    out
}

/// Normalises one line in one pass: markdown marks go, full-width digits and ％ become
/// ASCII, ASCII parentheses become full-width, ASCII `,` `:` `;` next to a Chinese character
/// become full-width, and white space next to a Chinese character disappears ("2023 年" →
/// "2023年") while a space between two Latin words stays.
pub fn clean_line(raw: &str) -> String {
    let s = raw.trim();
    // Markdown heading marks and quote marks at the start of a line.
    let s = s
        .trim_start_matches('#')
        .trim_start_matches('>')
        .trim_start();
    if !needs_cleaning(s.as_bytes()) {
        return s.to_string();
    }
    // "一 主要举措和成效": a heading whose 、 became a space (PDF conversion, typing).
    if let Some(fixed) = spaced_heading_number(s) {
        return clean_line(&fixed);
    }
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None; // last char pushed
    let mut pending_space = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            // Markdown emphasis (**bold**, __bold__) carries no meaning here.
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                continue;
            }
            '_' if chars.peek() == Some(&'_') => {
                chars.next();
                continue;
            }
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '％' => '%',
            '(' => '（',
            ')' => '）',
            ' ' | '\u{00a0}' | '\u{3000}' | '\t' | '\u{2002}' | '\u{2003}' | '\u{200b}'
            | '\u{feff}' | '\r' => {
                pending_space = prev.is_some();
                continue;
            }
            _ => c,
        };
        let wide = is_wide(c);
        if pending_space {
            pending_space = false;
            if prev.is_some_and(|p| !is_wide(p)) && !wide {
                out.push(' ');
                prev = Some(' ');
            }
        }
        // An ASCII separator pushed last turns full-width when a Chinese character follows.
        if wide {
            if let Some(p @ (',' | ':' | ';')) = prev {
                out.pop();
                out.push(full_width_separator(p));
            }
        }
        let c = match c {
            ',' | ':' | ';' if prev.is_some_and(is_wide) => full_width_separator(c),
            _ => c,
        };
        out.push(c);
        prev = Some(c);
    }
    out
}

/// "一 主要举措" → "一、主要举措" for a short line (at most 40 characters, no 。) that starts
/// with one to three Chinese numerals, white space, then a Chinese character.
fn spaced_heading_number(s: &str) -> Option<String> {
    let num_len: usize = s
        .chars()
        .take_while(|&c| crate::parse::numbering::is_numeral_char(c))
        .map(char::len_utf8)
        .sum();
    let numerals = s[..num_len].chars().count();
    if !(1..=3).contains(&numerals) || s.chars().count() > 40 || s.contains('。') {
        return None;
    }
    let rest = &s[num_len..];
    let title = rest.trim_start_matches([' ', '\u{3000}', '\t', '\u{00a0}']);
    let spaced = title.len() < rest.len();
    // 一 是…… is an enumeration (一是) with a stray space, not a heading.
    let han_next = title.starts_with(|c: char| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !title.starts_with(['是', '要']);
    (spaced && han_next).then(|| format!("{}、{}", &s[..num_len], title))
}

/// Whether a line holds anything [`clean_line`] changes: a byte scan, so that the common
/// line (Chinese text with full-width punctuation only) is copied as it is.
fn needs_cleaning(b: &[u8]) -> bool {
    for (i, &x) in b.iter().enumerate() {
        if !FIRST_BYTE[x as usize] {
            continue;
        }
        let next = (b.get(i + 1).copied(), b.get(i + 2).copied());
        let special = match x {
            // U+00A0
            0xC2 => next.0 == Some(0xA0),
            // U+2002, U+2003, U+200B
            0xE2 => next.0 == Some(0x80) && matches!(next.1, Some(0x82 | 0x83 | 0x8B)),
            // U+3000
            0xE3 => next == (Some(0x80), Some(0x80)),
            // ％ U+FF05, ０-９ U+FF10..U+FF19, U+FEFF
            0xEF => {
                (next.0 == Some(0xBC) && matches!(next.1, Some(0x85 | 0x90..=0x99)))
                    || next == (Some(0xBB), Some(0xBF))
            }
            _ => true,
        };
        if special {
            return true;
        }
    }
    false
}

/// Bytes that may begin something [`clean_line`] changes: the ASCII characters it rewrites
/// and the lead bytes of the non-ASCII ones.
static FIRST_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let ascii = b" \t\r*_(),:;";
    let mut i = 0;
    while i < ascii.len() {
        t[ascii[i] as usize] = true;
        i += 1;
    }
    t[0xC2] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t[0xEF] = true;
    t
};

fn full_width_separator(c: char) -> char {
    match c {
        ',' => '，',
        ':' => '：',
        _ => '；',
    }
}

/// Chinese characters and full-width punctuation.
pub fn is_wide(c: char) -> bool {
    let u = c as u32;
    (0x2E80..=0x9FFF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFF00..=0xFFEF).contains(&u)
        || (0x3000..=0x303F).contains(&u)
        || (0x2010..=0x201F).contains(&u)
        || (0x20000..=0x2FFFF).contains(&u)
}

/// Width as laid out on a page: characters of three or four UTF-8 bytes (Chinese, full-width
/// punctuation) count two, others one. Counted on bytes: a lead byte ≥ 0xE0 starts a wide
/// character, continuation bytes (10xxxxxx) count nothing.
fn display_width(s: &str) -> usize {
    s.bytes()
        .map(|b| match b {
            0x80..=0xBF => 0,
            0xE0..=0xFF => 2,
            _ => 1,
        })
        .sum()
}

/// Page numbers and footers that PDF extraction leaves between lines: "- 2 -", "— 3 —",
/// "第 2 页 共 5 页", "2/5".
fn is_page_artefact(s: &str) -> bool {
    if s.len() > 40 {
        return false;
    }
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return true;
    }
    let inner = t.trim_matches(|c: char| matches!(c, '-' | '—' | '–' | '－' | '·'));
    if inner.len() < t.len() && !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    if let Some(rest) = t.strip_prefix('第') {
        if let Some((n, tail)) = rest.split_once('页') {
            if n.chars().all(|c| c.is_ascii_digit()) && (tail.is_empty() || tail.starts_with('共'))
            {
                return true;
            }
        }
    }
    if let Some((a, b)) = t.split_once('/') {
        if !a.is_empty()
            && !b.is_empty()
            && a.len() <= 3
            && b.len() <= 3
            && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
        {
            return true;
        }
    }
    false
}

const TERMINAL: &[char] = &['。', '！', '？', '；', '：', '!', '?', '”', '」', '…'];

fn ends_terminal(s: &str) -> bool {
    s.ends_with(TERMINAL)
}

/// A line that starts a new paragraph whatever came before: a numbered heading or 一是.
fn starts_block(s: &str) -> bool {
    heading_number(s).is_some() || is_enumeration_start(s)
}

fn is_enumeration_start(s: &str) -> bool {
    let mut it = s.chars();
    let mut n = 0;
    for c in it.by_ref() {
        if crate::parse::numbering::chinese_digit(c).is_some() {
            n += 1;
        } else {
            return n > 0 && n <= 3 && (c == '是' || c == '要');
        }
    }
    false
}

/// Joins lines that a conversion broke. Two layouts occur:
/// - hard-wrapped (PDF, seed-style text): most lines have nearly the same width; a line that
///   reaches that width continues on the next line unless the next starts a heading;
/// - paragraph lines with stray breaks (web text split at page ends): a long line with
///   commas that stops without terminal punctuation continues on the next line.
fn join_lines(lines: Vec<Para>, widths: &[usize]) -> Vec<Para> {
    let full = wrap_width(widths);
    let mut out: Vec<Para> = Vec::with_capacity(lines.len());
    let mut open = false; // whether the last output paragraph continues
    for (i, line) in lines.into_iter().enumerate() {
        if open && !starts_block(&line.text) && line.hint != Hint::TableRow {
            let last = out.last_mut().expect("open implies a paragraph");
            last.text.push_str(&line.text);
        } else {
            out.push(line);
        }
        let last = out.last().expect("just pushed or extended");
        let w = widths[i];
        open = if last.hint == Hint::TableRow || ends_terminal(&last.text) {
            false
        } else if let Some(full) = full {
            w * 100 >= full * 88
        } else {
            let chars = last.text.chars().count();
            chars >= 30
                && last.text.contains(['，', '、', '。', '；'])
                && !is_short_heading(&last.text)
        };
    }
    out
}

/// A numbered heading line that stands alone (no sentence after its title).
fn is_short_heading(s: &str) -> bool {
    heading_number(s).is_some_and(|h| h.style != crate::model::NumberStyle::Enumeration)
        && !s.contains('。')
        && s.chars().count() <= 60
}

/// The common width of a hard-wrapped text, if it is one: at least 40% of its lines (and 6)
/// lie within 12% of the 80th-percentile width, and that width is a page's, not a paragraph's.
fn wrap_width(widths: &[usize]) -> Option<usize> {
    if widths.len() < 10 {
        return None;
    }
    let mut sorted = widths.to_vec();
    sorted.sort_unstable();
    let p80 = sorted[sorted.len() * 8 / 10];
    if !(30..=140).contains(&p80) {
        return None;
    }
    let near = widths
        .iter()
        .filter(|&&w| w * 100 >= p80 * 88 && w * 100 <= p80 * 106)
        .count();
    (near * 10 >= widths.len() * 4 && near >= 6).then_some(p80)
}

/// Splits "1、坚持全面从严治党。主要负责同志……" into a heading and its body: a numbered
/// heading whose title ends at the first 。 (at most 60 characters in) with body text after it.
fn split_heading(p: Para, out: &mut Vec<Para>) {
    if let Some(HeadingNumber { len, .. }) = heading_number(&p.text) {
        let rest = &p.text[len..];
        if let Some(pos) = rest.find('。') {
            let title_chars = rest[..pos].chars().count();
            let body = rest[pos + '。'.len_utf8()..].trim();
            if title_chars <= 60 && !body.is_empty() {
                let head = p.text[..len + pos + '。'.len_utf8()].to_string();
                out.push(Para {
                    text: head,
                    hint: p.hint,
                });
                out.push(Para {
                    text: body.to_string(),
                    hint: Hint::None,
                });
                return;
            }
        }
    }
    out.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::RawBlock;
    use crate::ingest::{Format, Ingested, Layout};

    fn lines_to_blocks(text: &str) -> Vec<RawBlock> {
        text.lines()
            .map(|l| RawBlock {
                text: l.to_string(),
                hint: Hint::None,
            })
            .collect()
    }

    fn norm(text: &str) -> Vec<String> {
        let ing = Ingested {
            format: Format::Text { encoding: "UTF-8" },
            layout: Layout::Lines,
            blocks: lines_to_blocks(text),
        };
        normalize(&ing).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn spaces_inside_numbers_and_dates_go() {
        assert_eq!(
            clean_line("关于 2023 年法治政府建设情况的报告"),
            "关于2023年法治政府建设情况的报告"
        );
        assert_eq!(clean_line("共有 8 名"), "共有8名");
        assert_eq!(clean_line("LED display 显示屏"), "LED display显示屏");
    }

    #[test]
    fn punctuation_and_markdown() {
        assert_eq!(clean_line("(三) 提高能力"), "（三）提高能力");
        assert_eq!(clean_line("## **二、主要举措。**"), "二、主要举措。");
        assert_eq!(clean_line("达到１００％,好"), "达到100%，好");
    }

    #[test]
    fn the_fast_path_only_skips_lines_that_need_nothing() {
        let plain = [
            "一、主要举措和成效。",
            "（一）加强领导，确保落实",
            "全年培训62学时；",
        ];
        for line in plain {
            assert!(!needs_cleaning(line.as_bytes()), "{line}");
            assert_eq!(clean_line(line), line);
        }
        let special = [
            "共有 8 名",
            "(三)",
            "１",
            "％",
            "a\u{3000}b",
            "x\u{00a0}y",
            "z\u{200b}",
            "\u{feff}起",
            "**粗**",
            "a,b",
            "\u{2003}x",
        ];
        for line in special {
            assert!(needs_cleaning(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn widths() {
        assert_eq!(display_width("ab"), 2);
        assert_eq!(display_width("法治"), 4);
        assert_eq!(display_width("é"), 1);
        assert_eq!(display_width("𠀀a"), 3);
        assert_eq!(display_width("，。"), 4);
    }

    #[test]
    fn a_space_after_a_chinese_number_is_the_lost_comma() {
        assert_eq!(clean_line("一 主要举措和成效"), "一、主要举措和成效");
        assert_eq!(
            clean_line("三\u{3000}存在的不足和原因"),
            "三、存在的不足和原因"
        );
        // Not a heading: a long sentence, or no Chinese character after the space.
        assert_eq!(clean_line("一 2023年"), "一2023年");
        assert_eq!(clean_line("一 是加强学习"), "一是加强学习");
        let long = "二 全年组织开展法治宣传活动三十余场，覆盖全县所有乡镇和主要企业，群众参与度高，效果良好";
        assert!(!clean_line(long).starts_with("二、"));
    }

    #[test]
    fn page_artefacts_are_dropped() {
        assert!(is_page_artefact("- 2 -"));
        assert!(is_page_artefact("— 13 —"));
        assert!(is_page_artefact("第 2 页 共 5 页"));
        assert!(is_page_artefact("2/5"));
        assert!(!is_page_artefact("2023年"));
    }

    #[test]
    fn paragraph_lines_broken_at_a_page_end_are_joined() {
        let t = "一是把学习宣传贯彻党的二十大精神作为首要任务，加强干部职工思想教育，作为首\n\n要政治任务，营造良好氛围。\n（二）贯彻落实第一责任人职责";
        assert_eq!(
            norm(t),
            vec![
                "一是把学习宣传贯彻党的二十大精神作为首要任务，加强干部职工思想教育，作为首要政治任务，营造良好氛围。",
                "（二）贯彻落实第一责任人职责",
            ]
        );
    }

    #[test]
    fn hard_wrapped_text_is_rejoined_and_headings_split() {
        let mut t = String::new();
        for _ in 0..8 {
            t.push_str("在区委区政府的正确领导下我局认真履行法治建设职责切实推进\n\n");
        }
        t.push_str("依法行政。\n\n");
        t.push_str("一、本年度主要负责人履行推进法治建设第一责任人职责加强法\n\n");
        t.push_str("治政府建设情况\n\n");
        t.push_str("1、坚持全面从严治党。主要负责同志带头抓亲自抓长效抓分管\n\n领导具体抓。\n");
        let n = norm(&t);
        assert_eq!(n.len(), 4, "{n:#?}");
        assert!(n[0].ends_with("依法行政。"));
        assert_eq!(
            n[1],
            "一、本年度主要负责人履行推进法治建设第一责任人职责加强法治政府建设情况"
        );
        assert_eq!(n[2], "1、坚持全面从严治党。");
        assert_eq!(n[3], "主要负责同志带头抓亲自抓长效抓分管领导具体抓。");
    }
}
