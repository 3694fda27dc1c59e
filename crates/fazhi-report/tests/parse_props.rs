//! Property tests: any text parses without panicking, and the model's invariants hold
//! (section ranges nest inside their parents and inside the text; facts point at blocks).

use fazhi_report::{AnnualReport, Engine, Section};
use proptest::prelude::*;

/// Pieces that make text look like a report, so that the generator reaches the parser's
/// interesting paths (headings, numbers, dates, signatures) and not only random characters.
const PIECES: &[&str] = &[
    "一、",
    "二、",
    "三、",
    "十、",
    "（一）",
    "（二）",
    "(三)",
    "1、",
    "2.",
    "（1）",
    "第一部分",
    "一是",
    "二是",
    "主要举措和成效",
    "存在的不足和原因",
    "下一步工作打算",
    "第一责任人",
    "其他需要报告的情况",
    "无。",
    "法治政府建设",
    "习近平法治思想",
    "报告",
    "关于2023年",
    "某某县司法局",
    "县委、县政府：",
    "2024年1月30日",
    "二〇二四年二月一日",
    "10余次",
    "18家",
    "两项",
    "100%",
    "不少于60学时",
    "〔2024〕1号",
    "发文字号：",
    "首页 > ",
    "。",
    "，",
    "；",
    "：",
    "“",
    "”",
    "\n",
    "\n\n",
    " ",
    "　",
    "**",
    "## ",
    "- 2 -",
    "\u{c}",
    "由于",
    "原因",
];

fn reportish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(str::to_string),
            1 => "[\\u{4e00}-\\u{9fff}]{1,12}",
            1 => any::<String>(),
        ],
        0..120,
    )
    .prop_map(|v| v.concat())
}

fn check_section(s: &Section, lo: usize, hi: usize) {
    assert!(
        lo <= s.heading && s.heading < s.end && s.end <= hi,
        "{s:?} not in {lo}..{hi}"
    );
    let mut prev = s.heading;
    for c in &s.children {
        assert!(c.heading > prev, "children out of order");
        prev = c.heading;
        check_section(c, s.heading + 1, s.end);
    }
}

fn check_invariants(r: &AnnualReport) {
    let n = r.blocks.len();
    let mut prev_end = 0;
    for s in &r.sections {
        check_section(s, prev_end, n);
        prev_end = s.end;
    }
    for f in &r.facts {
        let b = f.location.block.expect("facts have a block");
        assert!(b < n);
        assert!(r.blocks[b].text.contains(&f.text), "{f:?}");
        assert!(f.value.is_finite() && f.value >= 0.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn report_like_text_never_panics(text in reportish()) {
        let engine = Engine::default();
        if let Ok((_, r)) = engine.read("x.txt", text.as_bytes()) {
            check_invariants(&r);
            let (findings, score) = engine.check(&r, None);
            prop_assert!(score.total <= 100);
            for f in findings {
                prop_assert!(!f.message.is_empty());
            }
        }
    }

    #[test]
    fn any_unicode_never_panics(text in any::<String>()) {
        if let Ok((_, r)) = Engine::default().read("x.md", text.as_bytes()) {
            check_invariants(&r);
        }
    }
}
