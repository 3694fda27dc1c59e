//! The indicators a record is tagged with, as people give them: a list of codes or names (a
//! form's check boxes, an API body) or one text holding several (the 指标 cell of an Excel
//! import). One parser for every door, so that every door has the same rules: codes and
//! names both accepted, repeats kept once, anything the framework does not know refused,
//! at most [`MAX_INDICATORS`], and the kind's defaults when none is given.

use super::{FieldError, RecordKind};
use crate::Framework;
use std::collections::HashMap;
use std::fmt;

/// Most indicators one record may be tagged with.
pub const MAX_INDICATORS: usize = 50;

/// What separates indicators in one text (the list separators of a list field, and a lone
/// CR); white space separates them too.
pub const INDICATOR_SEPARATORS: [char; 7] = ['、', '，', ',', '；', ';', '\n', '\r'];

/// Why a choice of indicators is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndicatorError {
    /// What is neither a code nor a name of the framework, trimmed, in the order given.
    Unknown(Vec<String>),
    /// More distinct indicators than [`MAX_INDICATORS`].
    TooMany { count: usize },
}

impl fmt::Display for IndicatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndicatorError::Unknown(tokens) => {
                write!(f, "指标体系中没有这些指标代码：{}", tokens.join("、"))
            }
            IndicatorError::TooMany { count } => write!(
                f,
                "一条记录最多关联 {MAX_INDICATORS} 个指标，现有 {count} 个"
            ),
        }
    }
}

impl std::error::Error for IndicatorError {}

impl From<IndicatorError> for FieldError {
    /// The error of the record's `indicators` attribute.
    fn from(e: IndicatorError) -> Self {
        FieldError {
            field: "indicators".into(),
            message: e.to_string(),
        }
    }
}

/// The indicators of a framework as people write them: by code or by name.
///
/// ```
/// use fazhi_domain::ledger::{IndicatorParser, RecordKind};
/// use fazhi_domain::Framework;
///
/// let framework = Framework::builtin();
/// let parser = IndicatorParser::new(&framework);
/// let name = &framework.get("decision.procedure").unwrap().name;
/// let codes = parser.parse(RecordKind::Study, &[name.as_str(), " thought", "decision.procedure"]);
/// assert_eq!(codes.unwrap(), ["decision.procedure", "thought"]);
/// let defaults = parser.parse_text(RecordKind::Study, " 、 ").unwrap();
/// assert_eq!(defaults, RecordKind::Study.default_indicator_codes());
/// ```
#[derive(Debug, Clone)]
pub struct IndicatorParser<'a> {
    framework: &'a Framework,
    /// Name → code; of two nodes with one name, the first in the framework's order.
    by_name: HashMap<&'a str, &'a str>,
    /// Every name and code, longest first, for finding them in a text.
    texts: Vec<&'a str>,
}

impl<'a> IndicatorParser<'a> {
    pub fn new(framework: &'a Framework) -> Self {
        let mut by_name = HashMap::new();
        let mut texts = Vec::with_capacity(framework.nodes().len() * 2);
        for node in framework.nodes() {
            let name = node.name.trim();
            if !name.is_empty() {
                by_name.entry(name).or_insert(node.code.as_str());
                texts.push(name);
            }
            texts.push(node.code.as_str());
        }
        texts.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        texts.dedup();
        IndicatorParser {
            framework,
            by_name,
            texts,
        }
    }

    /// The code `token` (trimmed) stands for: itself when it is a code, else the code of the
    /// indicator so named.
    pub fn code_of(&self, token: &str) -> Option<&'a str> {
        let token = token.trim();
        match self.framework.get(token) {
            Some(node) => Some(node.code.as_str()),
            None => self.by_name.get(token).copied(),
        }
    }

    /// The chosen indicators' codes: each token a code or a name (trimmed; empty ones
    /// ignored), repeats kept once in the order first given; the kind's defaults when no
    /// token is left. Unknown tokens are refused all together, before the count is held to
    /// [`MAX_INDICATORS`].
    pub fn parse<S: AsRef<str>>(
        &self,
        kind: RecordKind,
        tokens: &[S],
    ) -> Result<Vec<String>, IndicatorError> {
        let mut codes: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        for token in tokens.iter().map(|t| t.as_ref().trim()) {
            if token.is_empty() {
                continue;
            }
            match self.code_of(token) {
                Some(code) => {
                    if !codes.iter().any(|c| c == code) {
                        codes.push(code.to_string());
                    }
                }
                None => unknown.push(token.to_string()),
            }
        }
        if !unknown.is_empty() {
            return Err(IndicatorError::Unknown(unknown));
        }
        if codes.len() > MAX_INDICATORS {
            return Err(IndicatorError::TooMany { count: codes.len() });
        }
        if codes.is_empty() {
            codes = kind.default_indicator_codes();
        }
        Ok(codes)
    }

    /// The indicators of one text ([`Self::split`], then [`Self::parse`]).
    pub fn parse_text(&self, kind: RecordKind, text: &str) -> Result<Vec<String>, IndicatorError> {
        self.parse(kind, &self.split(text))
    }

    /// The tokens of a text holding several indicators separated by [`INDICATOR_SEPARATORS`]
    /// or white space. Names may themselves hold 、 and ，, so the text is not cut at every
    /// separator: the longest name or code that starts the rest of the text and ends at a
    /// separator (or the end) is one token; else the rest up to the next separator is.
    pub fn split<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let is_sep = |c: char| INDICATOR_SEPARATORS.contains(&c) || c.is_whitespace();
        let mut tokens = Vec::new();
        let mut rest = text;
        loop {
            rest = rest.trim_start_matches(is_sep);
            if rest.is_empty() {
                return tokens;
            }
            let known = self.texts.iter().find(|t| {
                rest.starts_with(**t) && rest[t.len()..].chars().next().is_none_or(is_sep)
            });
            let end = match known {
                Some(t) => t.len(),
                None => rest.find(is_sep).unwrap_or(rest.len()),
            };
            tokens.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A framework of `n` indicators `n0…` named `指标0、一…` (names holding a separator).
    fn framework(n: usize) -> Framework {
        let toml: String = std::iter::once("name = \"测试\"\n".to_string())
            .chain((0..n).map(|i| {
                format!("[[node]]\ncode = \"n{i}\"\norder = {i}\nname = \"指标{i}、一\"\n")
            }))
            .collect();
        Framework::from_toml(&toml).unwrap()
    }

    #[test]
    fn codes_and_names_are_trimmed_and_kept_once() {
        let fw = Framework::builtin();
        let p = IndicatorParser::new(&fw);
        let thought = fw.get("thought").unwrap().name.clone();
        let got = p.parse(
            RecordKind::Study,
            &[
                " decision.procedure",
                "decision.procedure",
                thought.as_str(),
                "thought",
            ],
        );
        assert_eq!(got.unwrap(), ["decision.procedure", "thought"]);
    }

    #[test]
    fn no_choice_is_the_kinds_defaults() {
        let fw = Framework::builtin();
        let p = IndicatorParser::new(&fw);
        assert_eq!(
            p.parse(RecordKind::Study, &[" ", ""]).unwrap(),
            ["thought", "leadership.capacity"]
        );
        assert_eq!(
            p.parse::<&str>(RecordKind::Study, &[]).unwrap(),
            ["thought", "leadership.capacity"]
        );
    }

    #[test]
    fn unknown_ones_are_named_together_before_the_count() {
        let fw = framework(MAX_INDICATORS + 1);
        let p = IndicatorParser::new(&fw);
        let mut tokens: Vec<String> = (0..=MAX_INDICATORS).map(|i| format!("n{i}")).collect();
        let e = p.parse(RecordKind::Study, &tokens).unwrap_err();
        assert_eq!(
            e,
            IndicatorError::TooMany {
                count: MAX_INDICATORS + 1
            }
        );
        assert_eq!(e.to_string(), "一条记录最多关联 50 个指标，现有 51 个");
        tokens.extend(["no.such".to_string(), " nor.this ".to_string()]);
        let e = FieldError::from(p.parse(RecordKind::Study, &tokens).unwrap_err());
        assert_eq!(e.field, "indicators");
        assert_eq!(e.message, "指标体系中没有这些指标代码：no.such、nor.this");
    }

    #[test]
    fn names_with_separators_inside_are_one_token() {
        let fw = Framework::builtin();
        let p = IndicatorParser::new(&fw);
        let thought = fw.get("thought").unwrap().name.clone();
        assert!(thought.contains('，'));
        let text = format!("{thought}、decision.procedure；{thought}");
        assert_eq!(
            p.split(&text),
            [thought.as_str(), "decision.procedure", thought.as_str()]
        );
        assert_eq!(
            p.parse_text(RecordKind::Study, &text).unwrap(),
            ["thought", "decision.procedure"]
        );
        let e = p
            .parse_text(RecordKind::Study, &format!("{thought}、学雷锋、nope"))
            .unwrap_err();
        assert_eq!(
            e,
            IndicatorError::Unknown(vec!["学雷锋".into(), "nope".into()])
        );
        assert_eq!(p.split(" 、 "), Vec::<&str>::new());
    }

    /// Indices into a framework of 60, as codes or names, with repeats.
    fn choice() -> impl Strategy<Value = Vec<(usize, bool)>> {
        proptest::collection::vec((0..60usize, any::<bool>()), 0..80)
    }

    fn separator() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "、", "，", ",", "；", ";", "\n", "\r", " ", "\u{3000}",
            ]),
            1..3,
        )
        .prop_map(|s| s.concat())
    }

    proptest! {
        #[test]
        fn a_choice_is_its_distinct_codes_in_order_within_the_cap(
            chosen in choice(),
            pad in "[ \t\u{3000}]{0,2}",
        ) {
            let fw = framework(60);
            let p = IndicatorParser::new(&fw);
            let tokens: Vec<String> = chosen
                .iter()
                .map(|&(i, by_name)| {
                    let t = if by_name { format!("指标{i}、一") } else { format!("n{i}") };
                    format!("{pad}{t}{pad}")
                })
                .collect();
            let mut want: Vec<String> = Vec::new();
            for (i, _) in &chosen {
                let code = format!("n{i}");
                if !want.contains(&code) {
                    want.push(code);
                }
            }
            match p.parse(RecordKind::Study, &tokens) {
                Ok(codes) if want.is_empty() => {
                    prop_assert_eq!(codes, RecordKind::Study.default_indicator_codes())
                }
                Ok(codes) => {
                    prop_assert!(codes.len() <= MAX_INDICATORS);
                    prop_assert_eq!(codes, want);
                }
                Err(e) => {
                    prop_assert!(want.len() > MAX_INDICATORS);
                    prop_assert_eq!(e, IndicatorError::TooMany { count: want.len() });
                }
            }
        }

        #[test]
        fn a_text_reads_as_its_tokens(
            chosen in choice(),
            seps in proptest::collection::vec(separator(), 80),
            lead in separator(),
        ) {
            let fw = framework(60);
            let p = IndicatorParser::new(&fw);
            let tokens: Vec<String> = chosen
                .iter()
                .map(|&(i, by_name)| if by_name { format!("指标{i}、一") } else { format!("n{i}") })
                .collect();
            let mut text = lead;
            for (t, sep) in tokens.iter().zip(&seps) {
                text.push_str(t);
                text.push_str(sep);
            }
            prop_assert_eq!(p.split(&text), tokens.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert_eq!(p.parse_text(RecordKind::Study, &text), p.parse(RecordKind::Study, &tokens));
        }

        #[test]
        fn any_text_is_tokens_or_a_refusal(text in "[\\s\\S]{0,60}") {
            let fw = Framework::builtin();
            let p = IndicatorParser::new(&fw);
            for token in p.split(&text) {
                prop_assert!(!token.is_empty() && text.contains(token));
                prop_assert!(!token.starts_with(char::is_whitespace));
            }
            match p.parse_text(RecordKind::Study, &text) {
                Ok(codes) => prop_assert!(codes.iter().all(|c| fw.get(c).is_some())),
                Err(IndicatorError::Unknown(u)) => prop_assert!(!u.is_empty()),
                Err(e) => prop_assert!(false, "{e}"),
            }
        }
    }
}
