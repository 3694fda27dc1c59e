//! 体裁: a 法治政府建设年度报告, or something else that looks like one (a
//! 政府信息公开工作年度报告 with its own six-part format, a work plan, a notice).

use crate::model::Genre;
use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

/// Marks of a 政府信息公开工作年度报告 (国务院办公厅政府信息与政务公开办公室 format).
const DISCLOSURE_MARKS: &[&str] = &[
    "国务院令第711号",
    "统计期限",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议",
    "信息公开工作年度报告",
    "本年新收政府信息公开申请",
    "本年度新收申请",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
];

/// Words counted in one pass over the text: the rule-of-law words, then the marks.
/// Leftmost-longest and non-overlapping, so 法治政府 is counted as itself, not as 法治.
static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(
            ["法治", "依法行政", "法治政府"]
                .iter()
                .chain(DISCLOSURE_MARKS),
        )
        .expect("genre automaton")
});

pub fn detect(title: Option<&str>, text: &str) -> Genre {
    let title = title.unwrap_or("");
    let mut counts = vec![0usize; WORDS.patterns_len()];
    for m in WORDS.find_iter(text) {
        counts[m.pattern().as_usize()] += 1;
    }
    let rule_of_law = counts[0] + counts[1] + counts[2];
    let rule_of_law_government = counts[2];
    let marks = counts[3..].iter().filter(|&&n| n > 0).count();
    if title.contains("政府信息公开") && !title.contains("法治") {
        return Genre::Other;
    }
    if marks >= 3 || (marks >= 2 && rule_of_law_government < 3) {
        return Genre::Other;
    }
    let plan_title = ["要点", "实施方案", "工作计划", "通知", "意见", "办法"]
        .iter()
        .any(|w| title.ends_with(w))
        && !title.contains("报告")
        && !title.contains("总结");
    if plan_title || rule_of_law == 0 {
        return Genre::Other;
    }
    Genre::RuleOfLawAnnualReport
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disclosure_report_is_other() {
        let text = "本报告根据《中华人民共和国政府信息公开条例》（国务院令第711号）要求编制。统计期限自2023年1月1日起至2023年12月31日止。二、主动公开政府信息情况。五、存在的主要问题及改进情况。六、其他需要报告的事项。";
        assert_eq!(
            detect(Some("某某县司法局2023年政府信息公开工作年度报告"), text),
            Genre::Other
        );
        assert_eq!(detect(None, text), Genre::Other);
    }

    #[test]
    fn rule_of_law_report_citing_the_disclosure_regulation_stays() {
        let text = "推进法治政府建设。按照《政府信息公开条例》的规定公开信息。法治政府建设取得成效。法治政府。";
        assert_eq!(
            detect(Some("关于2023年法治政府建设情况的报告"), text),
            Genre::RuleOfLawAnnualReport
        );
    }

    #[test]
    fn plans_and_unrelated_texts_are_other() {
        assert_eq!(
            detect(Some("2024年法治政府建设工作要点"), "法治政府建设"),
            Genre::Other
        );
        assert_eq!(
            detect(Some("关于春节放假的通知"), "春节放假安排如下"),
            Genre::Other
        );
    }
}
