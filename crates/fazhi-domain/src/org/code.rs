//! Region and unit codes (区划代码, 单位代码) as parsed values: the forms' and the API's rule
//! for a code, in one place ([`RegionCode::parse`], [`UnitCode::parse`]).

use crate::text::{check_name, NameProblem};

/// Longest code accepted, in characters.
pub const MAX_CODE_CHARS: usize = 64;

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident, $what:literal;)*) => {$(
        $(#[$doc])*
        ///
        /// A plain string on the wire, checked again when read.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The field's name in messages.
            pub const WHAT: &'static str = $what;

            /// The code as stored: trimmed, not empty, without control or invisible
            /// characters, at most [`MAX_CODE_CHARS`] characters
            /// ([`crate::text::check_name`]).
            pub fn parse(value: &str) -> Result<Self, NameProblem> {
                check_name(value, MAX_CODE_CHARS).map(Self)
            }

            /// [`Self::parse`] with the refusal in Chinese, naming the field
            #[doc = concat!("(`", $what, "不能为空` …).")]
            pub fn parse_message(value: &str) -> Result<Self, String> {
                Self::parse(value).map_err(|p| p.message(Self::WHAT))
            }

            /// A code read back from the database: it passed the rule in force when it was
            /// saved, and is kept as it is (an older, looser rule must not make it unusable).
            pub fn from_stored(code: String) -> Self {
                Self(code)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse_message(&s)
            }
        }

        impl From<$name> for String {
            fn from(c: $name) -> String {
                c.0
            }
        }
    )*};
}

codes! {
    /// A region's code (区划代码).
    RegionCode, "区划代码";
    /// A unit's code (单位代码).
    UnitCode, "单位代码";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_rule_and_its_messages() {
        assert_eq!(RegionCode::parse(" 650100 ").unwrap().as_str(), "650100");
        assert_eq!(UnitCode::parse("  "), Err(NameProblem::Empty));
        assert_eq!(
            UnitCode::parse_message(""),
            Err("单位代码不能为空".to_string())
        );
        assert_eq!(
            RegionCode::parse_message(&"1".repeat(65)),
            Err("区划代码不能超过 64 个字符".to_string())
        );
        assert!(RegionCode::parse(&"1".repeat(64)).is_ok());
        assert_eq!(UnitCode::parse("65\u{200B}01"), Err(NameProblem::Hidden));
    }

    #[test]
    fn a_string_on_the_wire() {
        let c = UnitCode::parse("99100002").unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"99100002\"");
        assert_eq!(serde_json::from_str::<UnitCode>("\"99100002\"").unwrap(), c);
        assert!(serde_json::from_str::<UnitCode>("\"\"").is_err());
        assert_eq!(c.to_string(), "99100002");
    }
}
