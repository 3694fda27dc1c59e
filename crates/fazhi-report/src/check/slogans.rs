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

/// Stock phrases of the genre that carry no information by themselves. Matches of these and
/// of [`STOCK_FORMULAS`] are merged leftmost-longest, so overlapping entries count once.
pub const STOCK_PHRASES: &[&str] = &[
    // Political formulas.
    "提高政治站位",
    "政治站位",
    "树牢“四个意识”",
    "增强“四个意识”",
    "“四个意识”",
    "四个意识",
    "坚定“四个自信”",
    "“四个自信”",
    "四个自信",
    "做到“两个维护”",
    "“两个维护”",
    "两个维护",
    "“两个确立”",
    "两个确立",
    "旗帜鲜明讲政治",
    "政治判断力",
    "政治领悟力",
    "政治执行力",
    "首要政治任务",
    "重要政治任务",
    "重大政治任务",
    "以习近平新时代中国特色社会主义思想为指导",
    "习近平新时代中国特色社会主义思想",
    "学习贯彻习近平法治思想",
    "学习宣传贯彻习近平法治思想",
    "全面依法治国",
    "正确领导",
    "坚强领导",
    "决策部署",
    "关键少数",
    "示范带动作用",
    "带头作用",
    "重要组织者、推动者和实践者",
    // Study formulas.
    "学深悟透",
    "学思践悟",
    "学通弄懂",
    "入脑入心",
    "深入人心",
    "走深走实",
    "学以致用",
    "武装头脑",
    "指导实践",
    "推动工作",
    "深刻认识",
    "深刻领会",
    "精神实质",
    "丰富内涵",
    "核心要义",
    "重大意义",
    "深入学习贯彻",
    "认真学习贯彻",
    "深入贯彻落实",
    "认真贯彻落实",
    "贯彻落实",
    // Atmosphere and guarantee.
    "营造良好氛围",
    "良好氛围",
    "浓厚氛围",
    "良好风气",
    "良好风尚",
    "保驾护航",
    "有力保障",
    "法治保障",
    "良好的法治环境",
    "法治环境",
    "优化营商环境",
    "营商环境",
    "高质量发展",
    "向上向好",
    "内生动力",
    // Intensifiers that promise without saying.
    "不断提升",
    "不断提高",
    "不断增强",
    "不断完善",
    "不断加强",
    "不断强化",
    "不断夯实",
    "进一步加强",
    "进一步提高",
    "进一步提升",
    "进一步完善",
    "进一步强化",
    "进一步健全",
    "进一步规范",
    "进一步增强",
    "切实增强",
    "切实提高",
    "切实加强",
    "切实履行",
    "切实落实",
    "全面提升",
    "全面推进",
    "全面落实",
    "大力推进",
    "扎实推进",
    "深入推进",
    "持续推进",
    "统筹推进",
    "稳步推进",
    "有序推进",
    "持续深化",
    "纵深发展",
    "向纵深推进",
    "扎实有效",
    "扎实开展",
    "深入开展",
    "积极营造",
    "着力提升",
    "着力构建",
    "全力打造",
    // Results without results.
    "落到实处",
    "取得实效",
    "取得明显成效",
    "取得积极成效",
    "取得一定成效",
    "取得了良好效果",
    "良好效果",
    "明显提升",
    "显著提升",
    "有效提高",
    "有效提升",
    // Responsibility formulas.
    "层层传导压力",
    "拧紧责任链条",
    "压紧压实",
    "压实责任",
    "责任落实",
    "同部署、同推进、同督促、同考核",
    "同部署",
    "长抓不懈",
    "常抓不懈",
    "久久为功",
    "履职尽责",
    "担当作为",
    "摆在重要位置",
    "突出位置",
    "全过程、各环节",
    "全过程各方面",
    "体制机制",
    "长效机制",
    "工作格局",
    "与时俱进",
    "开拓创新",
    "新形势新任务",
    "新形势新要求",
    "针对性和实效性",
    "主动性和积极性",
    // Rule-of-law formulas.
    "法治思维和法治方式",
    "法治思维",
    "法治方式",
    "法治意识",
    "法治观念",
    "法治素养",
    "尊法学法守法用法",
    "尊法守法、学法用法",
    "依法办事",
    // Study of the party's documents, as formulas.
    "深入学习领会",
    "重要指示批示精神",
    "重要讲话重要指示精神",
    "重要讲话精神",
    "重要指示精神",
    "作为第一议题",
    "第一议题",
    "法治精神",
    "弘扬法治精神",
    "全心全意为人民服务",
    "一流营商环境",
    "法治化营商环境",
    "经济社会发展",
    "坚定不移",
    "紧紧围绕",
    "全面从严治党",
    "标本兼治",
    "有机结合",
    "结合起来",
    "解放思想",
    "能力和水平",
    "示范带动",
    "持续激发",
    "重要举措",
    "有效举措",
    // Shortcomings as formulas.
    "有待进一步提高",
    "有待进一步加强",
    "有待提高",
    "有待加强",
    "仍需加强",
    "仍需提高",
    "还需加强",
    "还需不断加强",
    "亟需提升",
    "还有差距",
    "不够深入",
    "不够全面",
];

/// A stock formula with a variable middle: `prefix`, then `min_gap` to `max_gap` characters
/// without clause or sentence punctuation, then one of `suffixes` (营造……氛围, 以……为指导).
pub struct Formula {
    pub prefix: &'static str,
    pub suffixes: &'static [&'static str],
    pub min_gap: usize,
    pub max_gap: usize,
}

/// The stock formulas. None crosses a comma or a sentence end.
pub const STOCK_FORMULAS: &[Formula] = &[
    Formula {
        prefix: "以",
        suffixes: &["为指导"],
        min_gap: 2,
        max_gap: 24,
    },
    Formula {
        prefix: "营造",
        suffixes: &["氛围", "风尚", "风气"],
        min_gap: 0,
        max_gap: 10,
    },
    Formula {
        prefix: "为",
        suffixes: &["保驾护航"],
        min_gap: 0,
        max_gap: 14,
    },
];

/// Words that chain into study formulas (学习宣传贯彻, 贯彻落实); every chain of two to four
/// distinct ones is a stock phrase.
const STUDY_WORDS: &[&str] = &["学习", "宣传", "贯彻", "落实", "领会"];

/// The length in bytes of a chain of two to four distinct [`STUDY_WORDS`] at the start of
/// `s` (学习宣传贯彻), or 0.
fn study_chain(s: &str) -> usize {
    let mut used = [false; 5];
    let mut len = 0;
    let mut words = 0;
    while words < 4 {
        let Some(k) = STUDY_WORDS.iter().position(|w| s[len..].starts_with(w)) else {
            break;
        };
        if used[k] {
            break;
        }
        used[k] = true;
        len += STUDY_WORDS[k].len();
        words += 1;
    }
    if words >= 2 {
        len
    } else {
        0
    }
}

/// Generated stock phrases: 二十大 / 二十届X中全会 精神, 带头学、带头讲….
fn generated_phrases() -> Vec<String> {
    let mut out = Vec::new();
    for session in [
        "大",
        "届一中全会",
        "届二中全会",
        "届三中全会",
        "届四中全会",
        "届五中全会",
        "届六中全会",
        "届七中全会",
    ] {
        out.push(format!("党的二十{session}精神"));
        out.push(format!("二十{session}精神"));
    }
    out.push("带头学、带头讲、带头干".into());
    out.push("带头学、带头讲".into());
    out.push("亲自抓、负总责".into());
    out
}

/// Named recurring events that make a statement concrete (国家安全日, 宪法宣传周 …).
const NAMED_EVENTS: &[&str] = &[
    "宪法宣传周",
    "国家宪法日",
    "国家安全教育日",
    "国家安全日",
    "安全生产月",
    "民法典宣传月",
    "质量月",
    "知识产权宣传周",
    "科技活动周",
    "网络安全宣传周",
    "消费者权益保护日",
    "防范非法集资宣传月",
    "禁毒日",
    "12·4",
    "3·15",
];

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
