//! Slogans (套话) and concrete content (具体内容): the lexicons and the sentence tests behind
//! `boilerplate-heavy`, `facts-scarce` and the specificity score.
//!
//! A **slogan sentence** (套话句) is a sentence of the report's body (paragraphs, not headings;
//! split at 。！？； and at paragraph ends; sentences of fewer than 6 Chinese characters are
//! not counted at all) that
//!
//! 1. states no fact (no quantity found by [`crate::parse::facts_in`]: 11次, 100%, 8名 …),
//! 2. gives no date or period (5月, 5月12日, 5月份, 上半年, 第一季度, 年初 …; a bare year such
//!    as 2023年 does not count),
//! 3. names no document (《…》) and no concrete case (see [`has_case_marker`]), and
//! 4. is made of stock phrases — [`STOCK_PHRASES`], [`STOCK_FORMULAS`] (营造……氛围), chains of
//!    two to four study words (学习宣传贯彻落实) — that cover ≥ 40% of its Chinese characters,
//!    or at least 2 distinct ones covering ≥ 25%, or at least 4 distinct ones covering ≥ 20%.
//!
//! The share of slogan sentences among counted sentences is what `boilerplate-heavy` compares
//! with `boilerplate_share` (frameworks/rules.toml). On the five seed reports the share is
//! 15–31%; a sentence-by-sentence listing is easy to produce with [`analyse`].

use regex::Regex;
use std::sync::LazyLock;

mod data;

use data::*;
pub use data::{Formula, STOCK_FORMULAS, STOCK_PHRASES};

/// The literal stock phrases (with the generated ones).
static STOCK: LazyLock<PhraseSet> = LazyLock::new(|| {
    PhraseSet::new(
        STOCK_PHRASES
            .iter()
            .map(|p| p.to_string())
            .chain(generated_phrases()),
    )
});

/// A set of phrases (of at least two characters) matched leftmost-longest without overlaps.
/// A bitmap of first characters rules out most positions with one bit test; the rest look
/// up their first two characters in an open-addressing table. Several times faster than a
/// regex alternation of hundreds of Chinese literals.
pub(crate) struct PhraseSet {
    /// One bit per code point of the Basic Multilingual Plane: some phrase starts with it.
    first: Vec<u64>,
    /// Hash of the first two characters → index + 1 into `slots` (0: empty), linear probing.
    table: Vec<u32>,
    /// Phrases by their first two characters, longest first.
    slots: Vec<((char, char), Vec<String>)>,
}

const TABLE_BITS: u32 = 12;

fn pair_hash(a: char, b: char) -> usize {
    let x = ((a as u64) << 32 | b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> (64 - TABLE_BITS)) as usize
}

fn test_bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl PhraseSet {
    pub(crate) fn new(phrases: impl IntoIterator<Item = String>) -> PhraseSet {
        let mut first = vec![0u64; 0x10000 / 64];
        let mut slots: Vec<((char, char), Vec<String>)> = Vec::new();
        for p in phrases {
            let mut cs = p.chars();
            let (Some(a), Some(b)) = (cs.next(), cs.next()) else {
                continue;
            };
            let cu = a as usize;
            assert!(
                cu < 0x10000,
                "phrases start in the Basic Multilingual Plane"
            );
            first[cu / 64] |= 1 << (cu % 64);
            match slots.iter_mut().find(|(k, _)| *k == (a, b)) {
                Some((_, v)) => v.push(p),
                None => slots.push(((a, b), vec![p])),
            }
        }
        assert!(slots.len() < (1 << TABLE_BITS) / 2, "phrase table too full");
        let mask = (1 << TABLE_BITS) - 1;
        let mut table = vec![0u32; 1 << TABLE_BITS];
        for (k, ((a, b), v)) in slots.iter_mut().enumerate() {
            v.sort_by(|x, y| y.len().cmp(&x.len()).then(x.cmp(y)));
            v.dedup();
            let mut h = pair_hash(*a, *b);
            while table[h] != 0 {
                h = (h + 1) & mask;
            }
            table[h] = k as u32 + 1;
        }
        PhraseSet {
            first,
            table,
            slots,
        }
    }

    /// Byte ranges of the phrases in `text`, leftmost-longest, not overlapping.
    pub(crate) fn find(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        let mut i = 0;
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            let cu = c as usize;
            let mut len = 0;
            if cu < 0x10000 && test_bit(&self.first, cu) {
                if let Some(d) = chars.clone().next() {
                    len = self.longest_at(&text[i..], c, d);
                }
            }
            if len > 0 {
                out.push((i, i + len));
                i += len;
                chars = text[i..].chars();
            } else {
                i += c.len_utf8();
            }
        }
    }

    /// The length in bytes of the longest phrase at the start of `rest` (whose first two
    /// characters are `a`, `b`), or 0.
    fn longest_at(&self, rest: &str, a: char, b: char) -> usize {
        let mask = (1 << TABLE_BITS) - 1;
        let mut h = pair_hash(a, b);
        loop {
            let k = self.table[h];
            if k == 0 {
                return 0;
            }
            let (pair, phrases) = &self.slots[k as usize - 1];
            if *pair == (a, b) {
                let rest = rest.as_bytes();
                return phrases
                    .iter()
                    .find(|p| rest.starts_with(p.as_bytes()))
                    .map_or(0, |p| p.len());
            }
            h = (h + 1) & mask;
        }
    }
}

/// Characters a formula's middle may not contain.
fn breaks_formula(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '、' | '！' | '？' | '：' | ',' | ';' | '!' | '?' | ':' | '\n'
    )
}

/// A formula whose suffix starts at byte `at`: the nearest prefix before it within the
/// allowed gap. Pushes its range and returns true when found.
fn formula_at(text: &str, at: usize, out: &mut Vec<(usize, usize)>) -> bool {
    let rest = &text[at..];
    for f in STOCK_FORMULAS {
        let Some(suffix) = f.suffixes.iter().find(|x| rest.starts_with(**x)) else {
            continue;
        };
        let mut pos = at;
        let mut gap = 0;
        loop {
            if gap >= f.min_gap && text[..pos].ends_with(f.prefix) {
                out.push((pos - f.prefix.len(), at + suffix.len()));
                return true;
            }
            if gap == f.max_gap {
                break;
            }
            let Some(c) = text[..pos].chars().next_back() else {
                break;
            };
            if breaks_formula(c) {
                break;
            }
            pos -= c.len_utf8();
            gap += 1;
        }
    }
    false
}

/// Concrete-case markers, split by kind so that each regex keeps a literal prefilter.
/// Months written in `s` (3月, 12 月, 十二月; 3月份, 5月20日 included), counted at each 月
/// preceded by a month number that is not part of a longer number. 个月 (a duration) and 月度
/// (monthly) are not months.
fn month_marks(s: &str) -> usize {
    let mut n = 0;
    for (at, _) in s.match_indices('月') {
        if s[at + '月'.len_utf8()..].starts_with('度') {
            continue;
        }
        let before = s[..at].trim_end_matches(' ');
        let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let month = if digits > 0 {
            digits <= 2
                && before[before.len() - digits..]
                    .parse::<u32>()
                    .is_ok_and(|m| (1..=12).contains(&m))
        } else {
            let numerals: String = before
                .chars()
                .rev()
                .take_while(|c| "一二三四五六七八九十".contains(*c))
                .collect();
            let len = numerals.chars().count();
            (1..=3).contains(&len)
                && !before[..before.len() - numerals.len()].ends_with(['第', '统', '唯', '同'])
        };
        if month {
            n += 1;
        }
    }
    n
}

static CASE_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"“[^”“]{1,30}”(?:主题)?(?:活动|行动|专项|专项整治|攻坚|宣传|讲座|培训|竞赛|比赛|工程|论坛|会议|平台)",
        r"|“[^”“]{0,30}(?:活动|行动|专项|宣传周|宣传月|讲堂|工程|攻坚|认定|核定|登记|申报|备案|考试|竞赛)”",
        r"|“[^”“]{1,30}”\p{Han}{1,6}?(?:活动|行动)",
        r"|“[^”“]{0,10}进(?:企业|社区|校园|机关|农村|乡村|商超|园区|单位|家庭|工地|市场|网格)”",
    ))
    .expect("case quote regex")
});

static CASE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let mut words: Vec<String> = [
        "典型案例",
        "案例",
        "例如",
        "比如",
        "如：",
        "有限责任公司",
        "有限公司",
        "股份公司",
        "下属企业",
        "上半年",
        "下半年",
        "第一季度",
        "第二季度",
        "第三季度",
        "第四季度",
    ]
    .iter()
    .chain(NAMED_EVENTS)
    .map(|e| regex::escape(e))
    .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    Regex::new(&words.join("|")).expect("case word regex")
});

/// Case markers in `s` other than months: quoted activities and words.
fn case_iter(s: &str) -> impl Iterator<Item = regex::Match<'_>> {
    let quoted = s.contains('“');
    CASE_QUOTE
        .find_iter(if quoted { s } else { "" })
        .chain(CASE_WORD.find_iter(s).filter(move |m| {
            let w = m.as_str();
            if w.ends_with("公司") {
                // A company needs a name: at least two Chinese characters before.
                s[..m.start()]
                    .chars()
                    .rev()
                    .take(2)
                    .filter(|c| is_han(*c))
                    .count()
                    == 2
            } else if w == "下属企业" {
                s[m.end()..].chars().take(2).filter(|c| is_han(*c)).count() == 2
            } else {
                true
            }
        }))
}

/// A date or period within a sentence (not a bare year): a month, 上半年, 第一季度, 年初 ….
fn has_date(s: &str) -> bool {
    month_marks(s) > 0
        || ["半年", "季度", "年初", "年底", "年中"]
            .iter()
            .any(|w| s.contains(w))
}

/// Sentence boundaries.
const SENTENCE_END: &[char] = &['。', '！', '？', '；', '!', '?', ';'];

/// The sentences of a paragraph, trimmed, without their final punctuation.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(SENTENCE_END)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// Number of Chinese characters (Han script) in `s`.
pub fn han_count(s: &str) -> usize {
    s.chars().filter(|c| is_han(*c)).count()
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}')
}

/// True when `s` names a concrete case: a date within the year (5月12日, 5月份), a named
/// activity in quotes (“送政策、解难题、优服务”活动), 案例 / 例如, a named enterprise or a
/// known named event (国家安全日).
pub fn has_case_marker(s: &str) -> bool {
    month_marks(s) > 0 || case_iter(s).next().is_some()
}

/// Number of concrete-case markers in `s` (see [`has_case_marker`]).
pub fn case_markers(s: &str) -> usize {
    month_marks(s) + case_iter(s).count()
}

/// Stock phrases of one sentence: (distinct phrases, Chinese characters they cover).
pub fn stock_in(s: &str) -> (usize, usize) {
    let st = analyse(s);
    st.iter()
        .fold((0, 0), |(d, c), x| (d + x.distinct, c + x.covered))
}

/// Minimum Chinese characters for a sentence to count at all.
pub const MIN_SENTENCE_HAN: usize = 6;

/// One sentence of a paragraph with its stock-phrase measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence<'a> {
    /// The sentence, trimmed, without its final punctuation.
    pub text: &'a str,
    /// Chinese characters.
    pub han: usize,
    /// Distinct stock phrases.
    pub distinct: usize,
    /// Chinese characters covered by stock phrases.
    pub covered: usize,
}

impl Sentence<'_> {
    /// Whether it counts at all (≥ [`MIN_SENTENCE_HAN`] Chinese characters).
    pub fn counts(&self) -> bool {
        self.han >= MIN_SENTENCE_HAN
    }

    /// Whether it is a slogan sentence (module doc).
    pub fn is_slogan(&self) -> bool {
        if !self.counts() {
            return false;
        }
        let (d, c, h) = (self.distinct, self.covered, self.han);
        let stock_heavy =
            (d >= 1 && c * 10 >= h * 4) || (d >= 2 && c * 4 >= h) || (d >= 4 && c * 5 >= h);
        if !stock_heavy {
            return false;
        }
        let s = self.text;
        if s.contains('《') || has_date(s) || has_case_marker(s) {
            return false;
        }
        // A fact needs a number; most slogans have none.
        let numeric = s
            .chars()
            .any(|c| c.is_ascii_digit() || "〇零一二两三四五六七八九十百千万".contains(c));
        !numeric || crate::parse::facts_in(s).is_empty()
    }
}

/// Characters where something may start: a stock phrase, a study chain, a formula's
/// suffix, or a sentence end.
static INTERESTING: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = STOCK.first.clone();
    let mut set = |c: char| bits[c as usize / 64] |= 1 << (c as usize % 64);
    for c in [
        '学', '宣', '贯', '落', '领', '为', '氛', '风', '保', '。', '！', '？', '；',
    ] {
        set(c);
    }
    bits
});

/// The stock phrase (literal or study chain) starting at byte `i` of `text`, whose first
/// character is `c`: its length in bytes, or 0.
fn stock_at(set: &PhraseSet, text: &str, i: usize, c: char) -> usize {
    let study = matches!(c, '学' | '宣' | '贯' | '落' | '领');
    let cu = c as usize;
    if !(study || cu < 0x10000 && test_bit(&set.first, cu)) {
        return 0;
    }
    let rest = &text[i..];
    let Some(d) = rest[c.len_utf8()..].chars().next() else {
        return 0;
    };
    let len = set.longest_at(rest, c, d);
    if study {
        len.max(study_chain(rest))
    } else {
        len
    }
}

/// Distinct phrases and covered Chinese characters of the stock matches `found` (sorted by
/// start, longest first at equal starts), merged leftmost-longest.
fn merge_matches<'a>(text: &'a str, found: &[(usize, usize)]) -> (usize, usize) {
    let mut distinct: Vec<&'a str> = Vec::new();
    let mut covered = 0;
    let mut reach = 0;
    for &(ms, me) in found {
        if ms < reach {
            continue;
        }
        reach = me;
        let p = &text[ms..me];
        covered += han_count(p);
        let p = p.trim_matches(['“', '”']);
        if !distinct.contains(&p) {
            distinct.push(p);
        }
    }
    (distinct.len(), covered)
}

/// Splits a paragraph into sentences and measures their stock phrases in one pass over the
/// characters. Literal phrases and study chains are matched leftmost-longest; a formula
/// (营造……氛围) is found at its suffix, and a sentence holding one is re-measured with all
/// its matches merged leftmost-longest, so a stretch of text counts once.
pub fn analyse(text: &str) -> Vec<Sentence<'_>> {
    let set = &*STOCK;
    let mut out: Vec<Sentence> = Vec::new();
    // The current sentence.
    let mut cur = Open::default();
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        // ASCII fast path: no phrase starts with an ASCII character.
        let b = bytes[i];
        if b < 0x80 {
            if matches!(b, b'!' | b'?' | b';') {
                let end = i;
                i += 1;
                cur.close(text, end, i, &mut out);
            } else {
                i += 1;
            }
            continue;
        }
        // Decode; Chinese characters are three bytes.
        let (c, w) = if (0xE0..0xF0).contains(&b) && i + 2 < bytes.len() {
            let cu = ((b as u32 & 0x0F) << 12)
                | ((bytes[i + 1] as u32 & 0x3F) << 6)
                | (bytes[i + 2] as u32 & 0x3F);
            (char::from_u32(cu).unwrap_or('\u{FFFD}'), 3)
        } else {
            let c = text[i..].chars().next().expect("in bounds");
            (c, c.len_utf8())
        };
        // Most characters start nothing: count them and move on.
        let cu = c as usize;
        if cu >= 0x10000 || !test_bit(&INTERESTING, cu) {
            if is_han(c) {
                cur.han += 1;
            }
            i += w;
            continue;
        }
        if matches!(c, '。' | '！' | '？' | '；') {
            let end = i;
            i += c.len_utf8();
            cur.close(text, end, i, &mut out);
            continue;
        }
        if matches!(c, '为' | '氛' | '风' | '保') {
            cur.formula |= formula_at(text, i, &mut cur.matches);
        }
        let len = stock_at(set, text, i, c);
        if len > 0 {
            let p = &text[i..i + len];
            let h = han_count(p);
            cur.han += h;
            cur.covered += h;
            let key = p.trim_matches(['“', '”']);
            if !cur.distinct.contains(&key) {
                cur.distinct.push(key);
            }
            cur.matches.push((i, i + len));
            i += len;
        } else {
            if is_han(c) {
                cur.han += 1;
            }
            i += c.len_utf8();
        }
    }
    cur.close(text, text.len(), text.len(), &mut out);
    out
}

/// Ends the sentence `text[start..end]`.
#[allow(clippy::too_many_arguments)]
/// The sentence being measured by [`analyse`].
#[derive(Default)]
struct Open<'a> {
    start: usize,
    han: usize,
    distinct: Vec<&'a str>,
    covered: usize,
    matches: Vec<(usize, usize)>,
    formula: bool,
}

impl<'a> Open<'a> {
    /// Ends the sentence at `end` (pushing it unless empty) and opens the next at `next`.
    fn close(&mut self, text: &'a str, end: usize, next: usize, out: &mut Vec<Sentence<'a>>) {
        let trimmed = text[self.start..end].trim();
        if !trimmed.is_empty() {
            let (distinct, covered) = if self.formula {
                let mut m = self.matches.clone();
                m.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                merge_matches(text, &m)
            } else {
                (self.distinct.len(), self.covered)
            };
            out.push(Sentence {
                text: trimmed,
                han: self.han,
                distinct,
                covered,
            });
        }
        self.start = next;
        self.han = 0;
        self.distinct.clear();
        self.covered = 0;
        self.matches.clear();
        self.formula = false;
    }
}

/// Whether a sentence is a slogan sentence (module doc). Sentences shorter than
/// [`MIN_SENTENCE_HAN`] Chinese characters are never slogans (and are not counted).
pub fn is_slogan(s: &str) -> bool {
    let st = analyse(s);
    match st.as_slice() {
        [one] => one.is_slogan(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slogans_are_recognised() {
        assert!(is_slogan(
            "提高政治站位，树牢“四个意识”，坚定“四个自信”，做到“两个维护”"
        ));
        assert!(is_slogan(
            "切实增强法治意识，推动各项工作落到实处、取得实效"
        ));
        assert!(is_slogan("为全区经济社会高质量发展保驾护航"));
    }

    #[test]
    fn content_is_not_a_slogan() {
        // A fact, a date, a document or a named activity rescues a sentence.
        assert!(!is_slogan(
            "进一步加强学习，全年组织集中学法11次，不断提升法治意识"
        ));
        assert!(!is_slogan(
            "3月15日进一步加强宣传，营造良好氛围，不断提升法治意识"
        ));
        assert!(!is_slogan(
            "认真贯彻落实《重大行政决策程序暂行条例》，进一步规范决策程序"
        ));
        assert!(!is_slogan(
            "开展“送法进企业”活动，进一步加强宣传，营造良好氛围"
        ));
        // Plain content without stock phrases.
        assert!(!is_slogan(
            "对局属两家企业的安全生产台账逐项核对并现场检查消防通道"
        ));
        // Too short to count.
        assert!(!is_slogan("保驾护航"));
    }

    #[test]
    fn overlapping_phrases_count_once() {
        let (n, covered) = stock_in("树牢“四个意识”");
        assert_eq!(n, 1);
        assert_eq!(covered, 6);
    }

    #[test]
    fn case_markers_found() {
        assert!(has_case_marker("5月12日组织全体干部旁听庭审"));
        assert!(has_case_marker("开展“诚信经营”宣传活动"));
        assert!(has_case_marker("在国家安全日开展宣传"));
        assert!(has_case_marker("指导某某精密机械有限公司完善合规制度"));
        assert!(!has_case_marker("不断加强普法宣传"));
    }

    #[test]
    fn months() {
        assert_eq!(month_marks("3月组织清理，12 月4日宣誓，十二月份总结"), 3);
        assert_eq!(month_marks("用6个月完成，每月一次，月度考核，2023年"), 0);
        assert_eq!(month_marks("第一月，统一月份，13月，123月"), 0);
    }

    #[test]
    fn sentences_split() {
        let v: Vec<&str> = sentences("一是学习。二是宣传；三是检查！").collect();
        assert_eq!(v, vec!["一是学习", "二是宣传", "三是检查"]);
    }
}
