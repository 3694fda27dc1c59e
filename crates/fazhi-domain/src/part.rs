use serde::{Deserialize, Serialize};

/// 报告事项: a content item that an annual report must (or may) contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// 上一年度推进法治政府建设的主要举措和成效
    Measures,
    /// 上一年度推进法治政府建设存在的不足和原因
    Shortcomings,
    /// 党政主要负责人履行推进法治建设第一责任人职责情况
    FirstResponsible,
    /// 下一年度推进法治政府建设的主要安排
    NextYear,
    /// 其他需要报告的情况
    Other,
    /// Political-study parts some provinces put first (学习贯彻习近平法治思想 …).
    Thought,
}

/// The five items every report must contain, in the order of 厅字〔2019〕28号.
pub const FIVE_PARTS: [Part; 5] = [
    Part::Measures,
    Part::Shortcomings,
    Part::FirstResponsible,
    Part::NextYear,
    Part::Other,
];

impl Part {
    pub fn key(self) -> &'static str {
        match self {
            Part::Measures => "measures",
            Part::Shortcomings => "shortcomings",
            Part::FirstResponsible => "first_responsible",
            Part::NextYear => "next_year",
            Part::Other => "other",
            Part::Thought => "thought",
        }
    }

    pub fn from_key(key: &str) -> Option<Part> {
        Some(match key {
            "measures" => Part::Measures,
            "shortcomings" => Part::Shortcomings,
            "first_responsible" => Part::FirstResponsible,
            "next_year" => Part::NextYear,
            "other" => Part::Other,
            "thought" => Part::Thought,
            _ => return None,
        })
    }

    /// Short Chinese name used in the UI and in findings.
    pub fn label(self) -> &'static str {
        match self {
            Part::Measures => "主要举措和成效",
            Part::Shortcomings => "存在的不足和原因",
            Part::FirstResponsible => "第一责任人履职情况",
            Part::NextYear => "下一年度主要安排",
            Part::Other => "其他需要报告的情况",
            Part::Thought => "学习贯彻习近平法治思想",
        }
    }
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for p in FIVE_PARTS.iter().copied().chain([Part::Thought]) {
            assert_eq!(Part::from_key(p.key()), Some(p));
        }
        assert_eq!(Part::from_key("nonsense"), None);
    }
}
