//! What a person may choose as login name, password and API token name: one rule each, used
//! by the pages, the JSON API and the command line alike.
//!
//! # Basis
//!
//! GB/T 22239-2019《信息安全技术 网络安全等级保护基本要求》(in force since 2019-12-01),
//! 8.1.4.1 身份鉴别 a): "应对登录的用户进行身份标识和鉴别，身份标识具有唯一性，身份鉴别信息
//! 具有复杂度要求并定期更换" — identification is unique (the login name, [`check_login`]), and
//! the password has complexity requirements ([`check_password`]); b) asks to limit failed
//! logins, which the web's login throttle does with these same names.

use crate::text::{check_name, is_invisible, NameProblem};
use crate::PasswordList;

/// Shortest password accepted. Ten, not eight: with at least three character classes that is
/// about 60 bits against offline guessing of a leaked hash, and every password the platform
/// makes itself (one-time passwords: 12, demo passwords: 16) is longer anyway.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (argon2 takes any length; this only bounds the work per try).
pub const MAX_PASSWORD_CHARS: usize = 128;
/// From this length on, a password (a passphrase such as "青川 东湖 法治 年报 2025") need not
/// mix character classes: its length makes up for it.
pub const PASSPHRASE_CHARS: usize = 16;
/// Character classes a shorter password must mix (of upper-case letters, lower-case
/// letters, digits, and signs or other scripts such as 汉字).
pub const MIN_CLASSES: usize = 3;
/// Different characters a password must have (`xxxxxxx1` has two).
pub const MIN_DISTINCT_CHARS: usize = 5;
/// How many earlier passwords a new one is compared with (besides the current one).
pub const PASSWORD_HISTORY: usize = 5;
/// Longest login name.
pub const MAX_LOGIN_CHARS: usize = 64;
/// Logins at least this long may not appear inside the password (`li` would refuse too much).
const LOGIN_IN_PASSWORD_MIN: usize = 3;
/// Longest API token name.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;

/// The rules of [`check_password`] in one sentence, for the forms' hints and the API
/// documentation.
pub const PASSWORD_RULES: &str =
    "新密码 10～128 个字符，须包含大写字母、小写字母、数字、符号（含汉字等其他文字）中的至少 3 类\
     （16 个字符以上的长密码不限类别）；至少 5 个不同的字符，不能以空格开头或结尾，不能包含登录名，\
     不能是常见的弱密码，也不能与最近 5 次用过的密码相同。";

/// Why a password is refused (the message says what to do, in Chinese).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("密码至少 {} 个字符", MIN_PASSWORD_CHARS)]
    TooShort,
    #[error("密码不能超过 {} 个字符", MAX_PASSWORD_CHARS)]
    TooLong,
    #[error("密码不能包含控制字符或不可见的格式字符")]
    Invisible,
    #[error("密码不能以空格开头或结尾，空格也不能占一半以上")]
    Whitespace,
    #[error(
        "密码须包含大写字母、小写字母、数字、符号（含汉字等其他文字）中的至少 {} 类；\
         或使用 {} 个字符以上的长密码",
        MIN_CLASSES,
        PASSPHRASE_CHARS
    )]
    TooSimple,
    #[error(
        "密码不能主要由同一个字符重复组成，至少要有 {} 个不同的字符",
        MIN_DISTINCT_CHARS
    )]
    Repetitive,
    #[error("密码不能包含登录名")]
    ContainsLogin,
    #[error("这是常见的弱密码（或其简单变形），容易被猜中，请换一个")]
    Common,
    #[error("新密码不能与当前密码或最近 {} 次用过的密码相同", PASSWORD_HISTORY)]
    Reused,
}

/// The complexity rule for a new password (GB/T 22239-2019 8.1.4.1 a), "身份鉴别信息具有
/// 复杂度要求"), checked wherever a person chooses one (own change on page and API,
/// `fazhi admin create --password-stdin`):
///
/// 1. [`MIN_PASSWORD_CHARS`]–[`MAX_PASSWORD_CHARS`] characters, no control or invisible
///    format characters (zero-width, bidi controls);
/// 2. no leading or trailing whitespace, and whitespace at most half of it;
/// 3. at least [`MIN_CLASSES`] of upper-case, lower-case, digit, sign/other — unless it has
///    [`PASSPHRASE_CHARS`] characters or more;
/// 4. at least [`MIN_DISTINCT_CHARS`] different characters, none making up more than half;
/// 5. not containing `login` (case-insensitive, for logins of 3 characters or more);
/// 6. not a common password (`frameworks/common-passwords.txt`), compared after lowercasing,
///    with leading/trailing digits and signs removed, and with look-alike digits and signs
///    read as letters (`P@ssw0rd2025!` is `password`).
///
/// Re-use of an earlier password is the caller's to check with [`check_not_reused`] (it
/// needs the stored hashes). Uses the built-in list of common passwords; see
/// [`check_password_with`] for the list of the loaded [`crate::Frameworks`].
pub fn check_password(password: &str, login: &str) -> Result<(), PasswordProblem> {
    check_password_with(password, login, common_list())
}

/// [`check_password`] against the list of common passwords `common` (the loaded
/// [`crate::Frameworks::passwords`], which an operator's frameworks directory may replace).
pub fn check_password_with(
    password: &str,
    login: &str,
    common: &PasswordList,
) -> Result<(), PasswordProblem> {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars.len() > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    if chars.iter().any(|c| c.is_control() || is_invisible(*c)) {
        return Err(PasswordProblem::Invisible);
    }
    let spaces = chars.iter().filter(|c| c.is_whitespace()).count();
    let edges = [chars[0], chars[chars.len() - 1]];
    if edges.iter().any(|c| c.is_whitespace()) || spaces * 2 >= chars.len() {
        return Err(PasswordProblem::Whitespace);
    }
    if chars.len() < PASSPHRASE_CHARS && classes(&chars) < MIN_CLASSES {
        return Err(PasswordProblem::TooSimple);
    }
    if repetitive(&chars) {
        return Err(PasswordProblem::Repetitive);
    }
    let lower = password.to_lowercase();
    let login = login.trim().to_lowercase();
    if login.chars().count() >= LOGIN_IN_PASSWORD_MIN && lower.contains(&login) {
        return Err(PasswordProblem::ContainsLogin);
    }
    if is_common(&lower, common) {
        return Err(PasswordProblem::Common);
    }
    Ok(())
}

/// A new password may not be the current one nor one of the last [`PASSWORD_HISTORY`]
/// (GB/T 22239-2019 8.1.4.1 a), "定期更换": a change that returns to an old password is no
/// change). `hashes` are the stored hashes, newest first; `matches` verifies the new password
/// against one of them (argon2, in the caller). Only the first `PASSWORD_HISTORY + 1` count.
pub fn check_not_reused<'a>(
    hashes: impl IntoIterator<Item = &'a str>,
    matches: impl FnMut(&str) -> bool,
) -> Result<(), PasswordProblem> {
    if hashes.into_iter().take(PASSWORD_HISTORY + 1).any(matches) {
        Err(PasswordProblem::Reused)
    } else {
        Ok(())
    }
}

/// How many of the four classes: upper-case, lower-case, digits, and everything else that is
/// not whitespace (signs, and letters without case such as 汉字).
fn classes(chars: &[char]) -> usize {
    let upper = chars.iter().any(|c| c.is_uppercase());
    let lower = chars.iter().any(|c| c.is_lowercase());
    let digit = chars.iter().any(|c| c.is_numeric());
    let other = chars
        .iter()
        .any(|c| !c.is_whitespace() && !c.is_uppercase() && !c.is_lowercase() && !c.is_numeric());
    [upper, lower, digit, other].iter().filter(|b| **b).count()
}

/// Fewer than [`MIN_DISTINCT_CHARS`] different characters, or one making up more than half.
fn repetitive(chars: &[char]) -> bool {
    let mut counts = std::collections::HashMap::new();
    for c in chars.iter().filter(|c| !c.is_whitespace()) {
        *counts.entry(*c).or_insert(0usize) += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    counts.len() < MIN_DISTINCT_CHARS || most * 2 > chars.len()
}

/// The built-in list of common passwords (frameworks/common-passwords.txt), lowercase.
fn common_list() -> &'static PasswordList {
    &crate::Frameworks::builtin().passwords
}

/// Whether a lowercased password is a common one or a simple variant of one.
fn is_common(lower: &str, list: &PasswordList) -> bool {
    let not_letter = |c: char| !c.is_alphabetic();
    let not_alnum = |c: char| !c.is_alphanumeric();
    let mut forms: Vec<String> = Vec::new();
    for form in [
        lower,
        lower.trim_end_matches(not_alnum),
        lower.trim_matches(not_alnum),
        lower.trim_end_matches(not_letter),
        lower.trim_start_matches(not_letter),
        lower.trim_matches(not_letter),
    ] {
        forms.push(form.to_string());
        let plain = unleet(form);
        forms.push(plain.trim_matches(not_letter).to_string());
        forms.push(plain);
    }
    forms.iter().any(|f| !f.is_empty() && list.contains(f))
}

/// Digits and signs read as the letters they stand in for (`p@ssw0rd` → `password`).
fn unleet(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '@' | '4' => 'a',
            '0' => 'o',
            '1' | '!' => 'i',
            '3' => 'e',
            '$' | '5' => 's',
            '7' => 't',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Login names

/// A login name that passed [`check_login`]: a plain string on the wire, checked again when
/// read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Login(String);

impl TryFrom<String> for Login {
    type Error = LoginProblem;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        check_login(&s)
    }
}

impl From<Login> for String {
    fn from(l: Login) -> String {
        l.0
    }
}

impl Login {
    /// `admin`, the first account's login name (`fazhi serve` on an empty database).
    pub fn admin() -> Login {
        Login("admin".to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Login {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why a login name is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LoginProblem {
    #[error("登录名不能为空")]
    Empty,
    #[error("登录名不能超过 {} 个字符", MAX_LOGIN_CHARS)]
    TooLong,
    #[error("登录名只能使用字母（含汉字）、数字和 - _ . @，不能含空格或不可见字符")]
    BadChar,
}

/// The one rule for login names (GB/T 22239-2019 8.1.4.1 a), "身份标识具有唯一性": a name must
/// be told apart from every other at a glance): 1–[`MAX_LOGIN_CHARS`] characters, each a
/// letter (汉字 included) or digit, or one of `- _ . @`; so no whitespace, no control, bidi
/// or zero-width characters. Used when an account is made (pages, API, CLI) and to bound
/// what a login attempt may write into the audit log.
pub fn check_login(login: &str) -> Result<Login, LoginProblem> {
    if login.is_empty() {
        return Err(LoginProblem::Empty);
    }
    // Count at most one past the limit: a 900,000-character name is not walked through.
    if login.chars().take(MAX_LOGIN_CHARS + 1).count() > MAX_LOGIN_CHARS {
        return Err(LoginProblem::TooLong);
    }
    let ok = login
        .chars()
        .all(|c| (c.is_alphanumeric() && !is_invisible(c)) || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(Login(login.to_string()))
    } else {
        Err(LoginProblem::BadChar)
    }
}

/// The name a login attempt may look up: at most [`MAX_LOGIN_CHARS`] characters, without
/// control or invisible ones. Looser than [`check_login`], which new accounts must pass:
/// accounts made before it may hold other signs (`张三(司法局)`) and must still sign in.
/// Anything else cannot be an account's name and fails as a wrong login without a lookup.
pub fn lookup_login(login: &str) -> Option<&str> {
    let ok = !login.is_empty()
        && login.chars().take(MAX_LOGIN_CHARS + 1).count() <= MAX_LOGIN_CHARS
        && !login.chars().any(|c| c.is_control() || is_invisible(c));
    ok.then_some(login)
}

/// What a refused login attempt may leave in the audit log for an invalid name: its first
/// [`MAX_LOGIN_CHARS`] characters with control and invisible ones replaced, and "…" when
/// cut; so an anonymous request cannot write more than a few hundred bytes.
pub fn bounded_login(login: &str) -> String {
    let mut out: String = login
        .chars()
        .take(MAX_LOGIN_CHARS)
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect();
    if login.chars().nth(MAX_LOGIN_CHARS).is_some() {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------
// API token names

/// An API token's name, trimmed: 1–[`MAX_TOKEN_NAME_CHARS`] characters without control
/// characters (PostgreSQL cannot even store NUL) or invisible ones — the rule for names of
/// [`crate::text::check_name`]. Say a refusal with `problem.message("令牌名称")`.
pub fn check_token_name(name: &str) -> Result<String, NameProblem> {
    check_name(name, MAX_TOKEN_NAME_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_of_the_security_review_are_refused() {
        use PasswordProblem as P;
        assert_eq!(check_password("password1", "zhangsan"), Err(P::TooShort));
        assert_eq!(check_password("Password1!", "zhangsan"), Err(P::Common));
        assert_eq!(check_password("P@ssw0rd2025!", "zhangsan"), Err(P::Common));
        assert_eq!(
            check_password("Zhangsan@2025", "zhangsan"),
            Err(P::ContainsLogin)
        );
        assert_eq!(
            check_password("x-ZHANGSAN-9q", "ZhangSan"),
            Err(P::ContainsLogin)
        );
        assert_eq!(check_password("xxxxxxx1", "zhangsan"), Err(P::TooShort));
        assert_eq!(
            check_password("xxxxxxxxxX1!", "zhangsan"),
            Err(P::Repetitive)
        );
        assert_eq!(
            check_password("Aa1!Aa1!Aa1!", "zhangsan"),
            Err(P::Repetitive)
        );
        assert_eq!(check_password("        a1", "zhangsan"), Err(P::Whitespace));
        assert_eq!(
            check_password("Qc-2025-dh ", "zhangsan"),
            Err(P::Whitespace)
        );
        assert_eq!(check_password("a  b  c  1  2  X", "x"), Err(P::Whitespace));
        assert_eq!(check_password("qingchuandh", "zhangsan"), Err(P::TooSimple));
        assert_eq!(
            check_password("Qingchuan\u{0}2025", "zhangsan"),
            Err(P::Invisible)
        );
        assert_eq!(
            check_password("Qingchuan\u{200B}2025", "x"),
            Err(P::Invisible)
        );
        assert_eq!(check_password(&"Ab1-".repeat(40), "x"), Err(P::TooLong));
    }

    #[test]
    fn chinese_favourites_and_their_variants_are_common() {
        for p in [
            "Woaini1314!",
            "Qq123456789!",
            "Aa123456!!",
            "Aa123456789",
            "1qaz2wsx3EDC!",
            "Abc@123456",
            "Admin@2025",
            "Huawei@123",
            "Zhongguo-2025",
        ] {
            assert_eq!(
                check_password(p, "zhangsan"),
                Err(PasswordProblem::Common),
                "{p}"
            );
        }
    }

    #[test]
    fn good_passwords_pass() {
        for p in [
            "Qingchuan-2025",
            "Better-pass-2025",
            "Donghu-2025!",
            "E2e-Pass-1!",
            "青川东湖Fz2025",
            "tall green ladder under rain",
            "Sfj#7kQ2mP",
        ] {
            assert_eq!(check_password(p, "zhangsan"), Ok(()), "{p}");
        }
        // Short logins may appear inside: "li" would refuse half the dictionary.
        assert_eq!(check_password("Qingchuan-2025", "qi"), Ok(()));
    }

    #[test]
    fn reuse_is_compared_with_the_current_and_five_earlier_passwords() {
        let stored = ["h0", "h1", "h2", "h3", "h4", "h5", "h6"];
        assert_eq!(
            check_not_reused(stored, |h| h == "h5"),
            Err(PasswordProblem::Reused)
        );
        assert_eq!(check_not_reused(stored, |h| h == "h6"), Ok(()));
        assert_eq!(check_not_reused([], |_| true), Ok(()));
    }

    #[test]
    fn the_common_list_is_lowercase_and_without_duplicates() {
        let text = crate::frameworks::builtin_text(crate::frameworks::COMMON_PASSWORDS);
        let mut seen = std::collections::HashSet::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            assert!(!line.is_empty(), "line {}: empty", i + 1);
            assert_eq!(line, line.trim(), "line {}: spaces", i + 1);
            assert_eq!(line, line.to_lowercase(), "line {}: not lowercase", i + 1);
            assert!(seen.insert(line), "line {}: duplicate {line}", i + 1);
        }
        assert!(seen.len() > 2000, "a few thousand entries: {}", seen.len());
        for p in [
            "woaini1314",
            "qq123456",
            "aa123456",
            "password1",
            "1qaz2wsx",
        ] {
            assert!(common_list().contains(p), "{p}");
        }
    }

    #[test]
    fn logins() {
        for ok in ["admin", "zhang.san@qc", "dhq-sfj_01", "张三", "a"] {
            assert_eq!(check_login(ok).map(Login::into_string), Ok(ok.to_string()));
        }
        assert_eq!(check_login(""), Err(LoginProblem::Empty));
        assert_eq!(check_login("admin"), Ok(Login::admin()));
        assert_eq!(
            check_login(&"a".repeat(64)).map(|l| l.as_str().len()),
            Ok(64)
        );
        assert_eq!(check_login(&"a".repeat(65)), Err(LoginProblem::TooLong));
        assert_eq!(
            check_login(&"a".repeat(900_000)),
            Err(LoginProblem::TooLong)
        );
        for bad in [
            "a b",
            "a\tb",
            "a\0b",
            "ad\u{200B}min",
            "ad\u{202E}nim",
            "a/b",
            "a'b",
        ] {
            assert_eq!(check_login(bad), Err(LoginProblem::BadChar), "{bad:?}");
        }
    }

    #[test]
    fn logins_to_look_up() {
        assert_eq!(lookup_login("张三(司法局)"), Some("张三(司法局)"));
        assert_eq!(lookup_login(""), None);
        assert_eq!(lookup_login(&"x".repeat(65)), None);
        assert_eq!(lookup_login("ad\u{200B}min"), None);
        assert_eq!(lookup_login("a\0"), None);
    }

    #[test]
    fn bounded_logins_stay_short_and_visible() {
        let long = bounded_login(&"x".repeat(900_000));
        assert_eq!(long.chars().count(), MAX_LOGIN_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(bounded_login("a\0b\u{202E}"), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(bounded_login("staff_a"), "staff_a");
    }

    #[test]
    fn token_names() {
        assert_eq!(
            check_token_name("  数据同步脚本 "),
            Ok("数据同步脚本".into())
        );
        assert_eq!(check_token_name(" "), Err(NameProblem::Empty));
        assert_eq!(
            check_token_name(&"名".repeat(101)),
            Err(NameProblem::TooLong { max: 100 })
        );
        assert_eq!(check_token_name("a\0b"), Err(NameProblem::Hidden));
        assert_eq!(check_token_name("a\u{202E}b"), Err(NameProblem::Hidden));
    }
}
