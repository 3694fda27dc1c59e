//! Dates as written in reports: 2024年1月30日, 二〇二四年一月三十日, 2024-01-30, 2024.1.30.

use super::numbering::chinese_number;
use chrono::NaiveDate;
use regex::Regex;
use std::sync::LazyLock;

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日",
        r"|(?P<cy>[〇零○一二三四五六七八九O]{4})年(?P<cm>[一二三四五六七八九十]{1,3})月(?P<cd>[一二三四五六七八九十]{1,3})日",
        r"|(?P<ay>\d{4})[-./](?P<am>\d{1,2})[-./](?P<ad>\d{1,2})",
    ))
    .expect("date regex")
});

/// A date found in `s`, with the byte range it occupies.
pub fn find_date(s: &str) -> Option<(NaiveDate, std::ops::Range<usize>)> {
    for c in DATE.captures_iter(s) {
        let whole = c.get(0).expect("match");
        let date = if let Some(y) = c.name("y") {
            ymd(
                y.as_str().parse().ok(),
                c["m"].parse().ok(),
                c["d"].parse().ok(),
            )
        } else if let Some(y) = c.name("cy") {
            let y: String = y
                .as_str()
                .chars()
                .map(|ch| if matches!(ch, 'O' | '○') { '〇' } else { ch })
                .collect();
            ymd(
                chinese_number(&y).and_then(|v| i32::try_from(v).ok()),
                chinese_number(&c["cm"]).and_then(|v| u32::try_from(v).ok()),
                chinese_number(&c["cd"]).and_then(|v| u32::try_from(v).ok()),
            )
        } else {
            ymd(
                c["ay"].parse().ok(),
                c["am"].parse().ok(),
                c["ad"].parse().ok(),
            )
        };
        if let Some(d) = date {
            return Some((d, whole.range()));
        }
    }
    None
}

fn ymd(y: Option<i32>, m: Option<u32>, d: Option<u32>) -> Option<NaiveDate> {
    let y = y.filter(|y| (1978..=2100).contains(y))?;
    NaiveDate::from_ymd_opt(y, m?, d?)
}

/// A line that is only a date (with optional brackets or a 时间 label), as at a signature.
pub fn standalone_date(s: &str) -> Option<NaiveDate> {
    let (d, range) = find_date(s)?;
    let rest: String = format!("{}{}", &s[..range.start], &s[range.end..]);
    let rest = rest.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '（' | '）' | '(' | ')' | '：' | ':' | '日' | '期')
    });
    (rest.is_empty()
        || rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == ' '))
    .then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<String> {
        find_date(s).map(|(d, _)| d.to_string())
    }

    #[test]
    fn formats() {
        assert_eq!(d("2024年1月30日").as_deref(), Some("2024-01-30"));
        assert_eq!(d("二〇二四年一月三十日").as_deref(), Some("2024-01-30"));
        assert_eq!(d("二O二四年十二月十二日").as_deref(), Some("2024-12-12"));
        assert_eq!(d("发布日期：2024-03-20").as_deref(), Some("2024-03-20"));
        assert_eq!(d("2024.3.5").as_deref(), Some("2024-03-05"));
        assert_eq!(d("2024年2月30日"), None);
        assert_eq!(d("2021-2025年"), None);
    }

    #[test]
    fn standalone() {
        assert!(standalone_date("2024年12月12日").is_some());
        assert!(standalone_date("（2024年12月12日）").is_some());
        assert!(standalone_date("2024-03-20 10:15:32").is_some());
        assert!(standalone_date("2024年1月30日召开会议").is_none());
    }
}
