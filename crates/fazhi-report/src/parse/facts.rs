//! Facts: the quantities a report states (召开党组会学法 11 次, 8 名执法人员, 答复率 100%).
//!
//! Years, dates, document numbers, ordinals (第二十条) and fixed names (十六字方针,
//! 四个意识, 三项制度) are not facts.

use super::numbering::chinese_number;
use crate::model::{AnnualReport, BlockKind, Fact};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::sync::LazyLock;

static FACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<pre>不少于|不低于|至少|超过|多达|近|约|逾|共计|累计|共有|共)?",
        r"(?P<num>\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千万]+)",
        r"(?P<approx>余|多)?",
        r"(?P<measure>个百分点|万人次|人次|家次|户次|件次|场次|批次|学时|课时|小时|个工作日|工作日|",
        r"万余元|亿元|万元|千元|元|万人|万份|万册|万件|万次|万户|万家|万个|万条|万张|人|次|家|名|项|件|个|场|期|份|篇|条|部|批|户|位|宗|起|册|张|幅|卷|天|轮|台|套|所|%)",
        r"(?P<post>以上|左右)?",
    ))
    .expect("fact regex")
});

/// Fixed names that look like quantities.
const NOT_FACTS: &[&str] = &[
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "四个全面",
    "两个结合",
    "三个务必",
    "一个中心",
    "两个基本点",
    "三项制度",
    "千家万户",
    "三个代表",
    "两个大局",
    "三个表率",
    "四个服从",
    "五个坚持",
    "两个毫不动摇",
    "三个区分开来",
    "一件事",
    "一张网",
    "一个窗口",
    "一次办",
    "跑一次",
];

/// Measure words that count things named after them (8 名执法人员); the others count what
/// the sentence named before (班子会议 10 余次, 答复率 100%).
const CLASSIFIERS: &[&str] = &[
    "家", "名", "项", "件", "个", "份", "位", "部", "篇", "条", "场", "期", "批", "户", "所", "台",
    "套", "册", "张", "幅", "宗", "起", "万份", "万册", "人", "万人",
];

const LEAD_WORDS: &[&str] = &[
    "目前已",
    "今年以来",
    "全年",
    "累计",
    "共计",
    "先后",
    "组织",
    "召开",
    "开展",
    "举办",
    "参加",
    "接受",
    "培训",
    "办理",
    "发放",
    "完成",
    "制定",
    "审查",
    "审核",
    "出动",
    "检查",
    "走访",
    "受理",
    "收到",
    "处理",
    "举行",
    "共",
    "已",
];

const TRAIL_WORDS: &[&str] = &[
    "均为",
    "均达",
    "达到",
    "达",
    "为",
    "共",
    "约",
    "近",
    "累计",
    "共计",
    "计",
    "仅占",
    "占",
    "平均不足",
    "不足",
    "平均",
];

const STOP_AFTER: &[&str] = &[
    "入驻", "参加", "参与", "开展", "进行", "纳入", "均", "全部", "接受", "通过", "获得", "完成",
    "实现", "被", "在", "到", "已", "并", "等", "进", "利用", "的",
];

pub fn extract(report: &mut AnnualReport) {
    let mut facts = Vec::new();
    for (i, b) in report.blocks.iter().enumerate() {
        if !matches!(b.kind, BlockKind::Body | BlockKind::Heading) {
            continue;
        }
        for f in facts_in(&b.text) {
            facts.push((i, f));
        }
    }
    report.facts = facts
        .into_iter()
        .map(|(i, mut f)| {
            f.location = report.locate(i, None);
            f
        })
        .collect();
}

/// The pieces of one match of [`FACT`], as byte ranges of the paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pieces<'t> {
    whole: std::ops::Range<usize>,
    pre: Option<&'t str>,
    num: std::ops::Range<usize>,
    approx: bool,
    measure: &'t str,
    post: Option<&'t str>,
}

const PREFIXES: &[&str] = &[
    "不少于",
    "不低于",
    "至少",
    "超过",
    "多达",
    "近",
    "约",
    "逾",
    "共计",
    "累计",
    "共有",
    "共",
];
const MEASURES: &[&str] = &[
    "个百分点",
    "万人次",
    "人次",
    "家次",
    "户次",
    "件次",
    "场次",
    "批次",
    "学时",
    "课时",
    "小时",
    "个工作日",
    "工作日",
    "万余元",
    "亿元",
    "万元",
    "千元",
    "元",
    "万人",
    "万份",
    "万册",
    "万件",
    "万次",
    "万户",
    "万家",
    "万个",
    "万条",
    "万张",
    "人",
    "次",
    "家",
    "名",
    "项",
    "件",
    "个",
    "场",
    "期",
    "份",
    "篇",
    "条",
    "部",
    "批",
    "户",
    "位",
    "宗",
    "起",
    "册",
    "张",
    "幅",
    "卷",
    "天",
    "轮",
    "台",
    "套",
    "所",
    "%",
];

/// The Chinese numerals of [`FACT`]'s number class. Narrower than
/// `numbering::is_numeral_char` (no 亿, no financial forms): it must agree with the pattern
/// for [`split_match`] to split a match as the pattern's groups would.
fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '一'
            | '二'
            | '两'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
    )
}

/// Splits a match of [`FACT`] the way its groups would: prefix in the pattern's order, the
/// longest number after which the rest still matches, 余/多, the first measure word in the
/// pattern's order, then 以上/左右. Splitting the matched words by hand avoids running the
/// capturing engine for every match (the fast matcher only reports where a match is); a
/// property test checks that the split equals the groups.
fn split_match(text: &str, whole: std::ops::Range<usize>) -> Option<Pieces<'_>> {
    let s = &text[whole.clone()];
    let starts_number = |t: &str| t.starts_with(|c: char| c.is_ascii_digit() || is_numeral(c));
    let pre = PREFIXES
        .iter()
        .copied()
        .find(|p| s.starts_with(p) && starts_number(&s[p.len()..]));
    let at = pre.map_or(0, str::len);
    let body = &s[at..];
    // Candidate number lengths, longest first (the pattern's greedy repetition).
    let ascii = body.starts_with(|c: char| c.is_ascii_digit());
    let mut ends: Vec<usize> = Vec::new();
    if ascii {
        let int = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let rest = &body[int..];
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.len() - frac.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 {
                ends.push(int + 1 + digits);
            }
        }
        ends.extend((1..=int).rev());
    } else {
        let mut end = 0;
        for c in body.chars() {
            if !is_numeral(c) {
                break;
            }
            end += c.len_utf8();
            ends.push(end);
        }
        ends.reverse();
    }
    for n in ends {
        let mut rest = &body[n..];
        let approx = rest.starts_with(['余', '多']);
        let try_measure = |r: &str| MEASURES.iter().copied().find(|m| r.starts_with(m));
        let mut measure = None;
        if approx {
            let r = &rest['余'.len_utf8()..];
            if let Some(m) = try_measure(r) {
                measure = Some((true, m));
                rest = r;
            }
        }
        if measure.is_none() {
            if let Some(m) = try_measure(rest) {
                measure = Some((false, m));
            }
        }
        let Some((approx, m)) = measure else { continue };
        let after = &rest[m.len()..];
        let post = ["以上", "左右"].into_iter().find(|p| after.starts_with(p));
        let consumed = at
            + n
            + (if approx { '余'.len_utf8() } else { 0 })
            + m.len()
            + post.map_or(0, str::len);
        if consumed != s.len() {
            continue;
        }
        return Some(Pieces {
            whole: whole.clone(),
            pre,
            num: whole.start + at..whole.start + at + n,
            approx,
            measure: m,
            post,
        });
    }
    None
}

/// The facts of one paragraph (locations left empty).
pub fn facts_in(text: &str) -> Vec<Fact> {
    let mut out = Vec::new();
    for p in FACT
        .find_iter(text)
        .filter_map(|m| split_match(text, m.range()))
    {
        let whole = p.whole.clone();
        let measure = p.measure;
        let before = &text[..whole.start];
        let after = &text[whole.end..];
        // Ordinals, dates and numbers glued to other numbers or letters.
        if p.pre.is_none() && before.ends_with(['第', '.', '-', '〔', '[', '／', '/']) {
            continue;
        }
        if before.ends_with(|ch: char| ch.is_ascii_alphanumeric()) {
            continue;
        }
        let raw = &text[p.num.clone()];
        let value = if raw.starts_with(|ch: char| ch.is_ascii_digit()) {
            if raw.len() > 9 {
                continue;
            }
            match raw.parse::<f64>() {
                Ok(v) => v,
                Err(_) => continue,
            }
        } else {
            // A bare 一 is an article (一项重要任务), not a count.
            if raw == "一" || raw.chars().all(|ch| matches!(ch, '万' | '千' | '百')) {
                continue;
            }
            match chinese_number(raw) {
                Some(v) => v as f64,
                None => continue,
            }
        };
        // Inside a short quotation (“四个意识”, “最多跑一次”) numbers are names.
        let opening = before.rfind('“');
        let closing = before.rfind('”');
        if opening.is_some_and(|o| closing.is_none_or(|cl| cl < o))
            && after.find('”').is_some_and(|e| e < 24)
        {
            continue;
        }
        let span_end =
            (whole.end + after.chars().take(4).map(char::len_utf8).sum::<usize>()).min(text.len());
        let span_start = p.num.start;
        // Every fixed name starts with a Chinese numeral; an Arabic number is never one.
        let chinese = !raw.starts_with(|ch: char| ch.is_ascii_digit());
        if chinese
            && NOT_FACTS
                .iter()
                .any(|w| text[span_start..span_end].contains(w))
        {
            continue;
        }
        let pre = p.pre.unwrap_or("");
        let approx = p.approx
            || matches!(pre, "近" | "约" | "逾")
            || p.post == Some("左右")
            || measure.contains('余');
        let minimum =
            matches!(pre, "不少于" | "不低于" | "至少" | "超过" | "逾") || p.post == Some("以上");
        let measure = measure.replace('余', "");
        let subject = if let Some(rest) = after
            .strip_prefix('的')
            .filter(|_| !CLASSIFIERS.contains(&measure.as_str()))
        {
            // 不少于60学时的培训: the thing counted follows.
            subject_after(rest)
        } else if CLASSIFIERS.contains(&measure.as_str())
            && after.starts_with(|ch: char| crate::normalize::is_wide(ch) && !is_punct(ch))
        {
            subject_after(after)
        } else {
            subject_before(before.strip_suffix(pre).unwrap_or(before))
        };
        out.push(Fact {
            text: text[whole].to_string(),
            value,
            approx,
            minimum,
            measure,
            subject,
            location: Default::default(),
        });
    }
    out
}

fn is_punct(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '：' | '、' | '“' | '”' | '《' | '》' | '（' | '）' | '！' | '？'
    )
}

static LEAD_AC: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(LEAD_WORDS).expect("lead words automaton"));
static STOP_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    assert!(STOP_AFTER.len() <= 64);
    AhoCorasick::new(STOP_AFTER).expect("stop words automaton")
});

fn subject_after(after: &str) -> Option<String> {
    let run: String = after
        .chars()
        .take_while(|&c| crate::normalize::is_wide(c) && !is_punct(c))
        .take(16)
        .collect();
    // Per stop word its first occurrence, unless that is at the start; the earliest wins.
    let mut first = [usize::MAX; 64];
    for m in STOP_AC.find_overlapping_iter(&run) {
        let w = m.pattern().as_usize();
        first[w] = first[w].min(m.start());
    }
    let cut = first
        .iter()
        .filter(|&&i| i != usize::MAX && i > 0)
        .min()
        .copied()
        .unwrap_or(run.len());
    let s = run[..cut].trim_start_matches('余');
    (s.chars().count() >= 2).then(|| s.chars().take(12).collect())
}

fn subject_before(before: &str) -> Option<String> {
    let clause_start = before
        .rfind(['，', '。', '；', '：', '（', '）', '“', '”'])
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(0, char::len_utf8)
        });
    let mut s = &before[clause_start..];
    loop {
        let mut changed = false;
        for w in TRAIL_WORDS {
            if let Some(t) = s.strip_suffix(w) {
                s = t;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // The rightmost lead word; at equal positions the later one in LEAD_WORDS.
    let mut last: Option<(usize, usize)> = None; // (start, word)
    for m in LEAD_AC.find_overlapping_iter(s) {
        let cand = (m.start(), m.pattern().as_usize());
        if last.is_none_or(|l| cand >= l) {
            last = Some(cand);
        }
    }
    if let Some((i, w)) = last.map(|(i, w)| (i, LEAD_WORDS[w])) {
        if i + w.len() < s.len() {
            s = &s[i + w.len()..];
        }
    }
    let s = s.trim_start_matches(['的', '了', '等']);
    let n = s.chars().count();
    if n < 2 {
        return None;
    }
    Some(s.chars().skip(n.saturating_sub(12)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(text: &str) -> Vec<(f64, String, bool, bool, Option<String>)> {
        facts_in(text)
            .into_iter()
            .map(|f| (f.value, f.measure, f.approx, f.minimum, f.subject))
            .collect()
    }

    #[test]
    fn counts_with_subjects() {
        let r = f("2023年，累计召开班子成员会议10余次，集体研究重要决策。");
        assert_eq!(
            r,
            vec![(10.0, "次".into(), true, false, Some("班子成员会议".into()))]
        );
        let r = f("组织辖区18家规模以上工业企业开展宣传");
        assert_eq!(r[0].0, 18.0);
        assert!(
            r[0].4
                .as_deref()
                .is_some_and(|s| s.starts_with("规模以上工业企业")),
            "{r:?}"
        );
        let r = f("我局共有两项政务服务事项入驻行政服务大厅");
        assert_eq!(
            (r[0].0, r[0].1.as_str(), r[0].4.as_deref()),
            (2.0, "项", Some("政务服务事项"))
        );
        let r = f("建议和提案办理工作答复率、满意率均为100%。");
        assert_eq!((r[0].0, r[0].1.as_str()), (100.0, "%"));
        assert!(
            r[0].4
                .as_deref()
                .is_some_and(|s| s.ends_with("答复率、满意率")),
            "{r:?}"
        );
        let r = f("确保持证人员每人每年接受不少于60学时的培训");
        assert_eq!((r[0].0, r[0].1.as_str(), r[0].3), (60.0, "学时", true));
        let r = f("全年办理政务服务事项21.6万件");
        assert_eq!((r[0].0, r[0].1.as_str()), (21.6, "万件"));
        let r = f("开展宣传活动三次，发放资料1.5万份");
        assert_eq!(r.len(), 2);
        assert_eq!((r[1].0, r[1].1.as_str()), (1.5, "万份"));
    }

    fn by_groups(text: &str) -> Vec<Pieces<'_>> {
        FACT.captures_iter(text)
            .map(|c| Pieces {
                whole: c.get(0).unwrap().range(),
                pre: c.name("pre").map(|m| m.as_str()),
                num: c.name("num").unwrap().range(),
                approx: c.name("approx").is_some(),
                measure: c.name("measure").unwrap().as_str(),
                post: c.name("post").map(|m| m.as_str()),
            })
            .collect()
    }

    proptest::proptest! {
        /// Splitting a match by hand gives what the pattern's groups give.
        #[test]
        fn split_equals_groups(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "10", "3", ".", "5", "余", "多", "次", "两", "项", "一", "十", "百", "千", "万", "%", "人次", "人",
                "名", "家", "不少于", "以上", "左右", "共有", "共", "约", "第", "元", "万元", "万余元", "个",
                "百分点", "工作日", "个工作日", "，", "工作", "学时", "份",
            ]), 0..30)
        ) {
            let text = parts.concat();
            let by_hand: Vec<Pieces> = FACT.find_iter(&text).filter_map(|m| split_match(&text, m.range())).collect();
            proptest::prop_assert_eq!(by_hand, by_groups(&text));
        }
    }

    #[test]
    fn names_dates_and_ordinals_are_not_facts() {
        assert!(f("2023年12月30日，依据第二十条规定").is_empty());
        assert!(f("做到法治建设十六字方针").is_empty());
        assert!(f("树牢“四个意识”，坚定“四个自信”，做到“两个维护”").is_empty());
        assert!(f("将学习作为一项重要的政治任务").is_empty());
        assert!(f("落实行政执法三项制度").is_empty());
        assert!(f("古科工信发〔2024〕1号").is_empty());
        assert!(f("《法治政府建设实施纲要（2021-2025年）》").is_empty());
        assert!(f("让群众“最多跑一次”").is_empty());
    }
}
