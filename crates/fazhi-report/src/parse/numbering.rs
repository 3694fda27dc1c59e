//! Section numbers as people write them (一、 （一） 1、 1. （1） 第一部分 一是) and
//! Chinese numerals.

use crate::model::NumberStyle;

/// A heading number found at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingNumber {
    pub style: NumberStyle,
    /// The number without punctuation (一, 1, 二).
    pub number: String,
    pub ordinal: u32,
    /// Byte length of the number with its punctuation and any following space or colon.
    pub len: usize,
}

/// The value of a Chinese digit character (〇/零 … 九, 两 for 2).
pub fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        '十' | '拾' => 10,
        _ => return None,
    })
}

/// Characters that may appear in a Chinese numeral (digits and 十 百 千 万 亿).
pub fn is_numeral_char(c: char) -> bool {
    chinese_digit(c).is_some() || matches!(c, '百' | '千' | '万' | '亿' | '佰' | '仟')
}

/// The value of a Chinese numeral: 十五 → 15, 二十 → 20, 一百零八 → 108, 两千 → 2000,
/// 三万五千 → 35000; digit strings such as 二〇二三 → 2023. `None` when malformed.
pub fn chinese_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let has_unit = s
        .chars()
        .any(|c| matches!(c, '十' | '拾' | '百' | '佰' | '千' | '仟' | '万' | '亿'));
    if !has_unit {
        // Positional digits: 二〇二三.
        let mut v: u64 = 0;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(chinese_digit(c)? as u64)?;
        }
        return Some(v);
    }
    let mut total: u64 = 0; // completed 万/亿 groups
    let mut section: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    for c in s.chars() {
        let unit = match c {
            '十' | '拾' => 10,
            '百' | '佰' => 100,
            '千' | '仟' => 1000,
            '万' => 10_000,
            '亿' => 100_000_000,
            _ => {
                let d = chinese_digit(c)? as u64;
                if digit.is_some() && d != 0 {
                    return None; // two digits in a row: 二三十
                }
                digit = if d == 0 { None } else { Some(d) };
                continue;
            }
        };
        if unit >= 10_000 {
            section += digit.take().unwrap_or(0);
            if section == 0 && total == 0 {
                return None;
            }
            total = total.checked_add(section)?.checked_mul(unit)?;
            section = 0;
        } else {
            section += digit.take().unwrap_or(1) * unit;
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

/// Recognises a heading number at the start of `s` (already normalised: full-width parens).
pub fn heading_number(s: &str) -> Option<HeadingNumber> {
    let mut chars = s.char_indices().peekable();
    let (_, first) = *chars.peek()?;
    let (style, number, mut end) = if first == '第' {
        // 第一部分 / 第一章
        let rest = &s['第'.len_utf8()..];
        let n: String = rest.chars().take_while(|&c| is_numeral_char(c)).collect();
        if n.is_empty() || n.chars().count() > 3 {
            return None;
        }
        let after = &rest[n.len()..];
        let tail = ["部分", "章"].iter().find(|t| after.starts_with(*t))?;
        (
            NumberStyle::Part,
            n.clone(),
            '第'.len_utf8() + n.len() + tail.len(),
        )
    } else if first == '（' {
        let rest = &s['（'.len_utf8()..];
        let close = rest.find('）')?;
        let n = &rest[..close];
        let style = if !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()) {
            NumberStyle::ArabicParen
        } else if !n.is_empty() && n.chars().count() <= 3 && n.chars().all(is_numeral_char) {
            NumberStyle::ChineseParen
        } else {
            return None;
        };
        (
            style,
            n.to_string(),
            '（'.len_utf8() + close + '）'.len_utf8(),
        )
    } else if first.is_ascii_digit() {
        let n: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
        if n.len() > 2 {
            return None;
        }
        let after = &s[n.len()..];
        let mut ac = after.chars();
        let sep = ac.next()?;
        if !matches!(sep, '、' | '.' | '．' | '，') {
            return None;
        }
        // 1.5万元 is a number, 1.2.3 a clause: a digit after the point is no heading.
        if ac.next().is_none_or(|c| c.is_ascii_digit() || c == '%') {
            return None;
        }
        if sep == '，' {
            return None;
        }
        (NumberStyle::Arabic, n.clone(), n.len() + sep.len_utf8())
    } else if chinese_digit(first).is_some() {
        let n: String = s.chars().take_while(|&c| is_numeral_char(c)).collect();
        if n.chars().count() > 3 {
            return None;
        }
        let after = &s[n.len()..];
        let sep = after.chars().next()?;
        match sep {
            '、' | '．' => (NumberStyle::Chinese, n.clone(), n.len() + sep.len_utf8()),
            '是' => (
                NumberStyle::Enumeration,
                n.clone(),
                n.len() + sep.len_utf8(),
            ),
            _ => return None,
        }
    } else {
        return None;
    };
    let ordinal = match style {
        NumberStyle::Arabic | NumberStyle::ArabicParen => number.parse().ok()?,
        _ => u32::try_from(chinese_number(&number)?).ok()?,
    };
    if ordinal == 0 || ordinal > 99 {
        return None;
    }
    // Swallow a following space, colon or 、 after 第一部分.
    while let Some(c) = s[end..].chars().next() {
        if matches!(c, ' ' | '：' | ':' | '、') && style == NumberStyle::Part || c == ' ' {
            end += c.len_utf8();
        } else {
            break;
        }
    }
    Some(HeadingNumber {
        style,
        number,
        ordinal,
        len: end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("一百零八"), Some(108));
        assert_eq!(chinese_number("两千"), Some(2000));
        assert_eq!(chinese_number("三万五千"), Some(35000));
        assert_eq!(chinese_number("二〇二三"), Some(2023));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("二三十"), None);
        assert_eq!(chinese_number("万"), None);
    }

    fn hn(s: &str) -> Option<(NumberStyle, u32, &str)> {
        heading_number(s).map(|h| (h.style, h.ordinal, &s[h.len..]))
    }

    #[test]
    fn heading_numbers() {
        assert_eq!(
            hn("一、主要举措"),
            Some((NumberStyle::Chinese, 1, "主要举措"))
        );
        assert_eq!(hn("十二、其他"), Some((NumberStyle::Chinese, 12, "其他")));
        assert_eq!(
            hn("（三）加强"),
            Some((NumberStyle::ChineseParen, 3, "加强"))
        );
        assert_eq!(hn("（3）加强"), Some((NumberStyle::ArabicParen, 3, "加强")));
        assert_eq!(hn("2、优化"), Some((NumberStyle::Arabic, 2, "优化")));
        assert_eq!(hn("2.优化"), Some((NumberStyle::Arabic, 2, "优化")));
        assert_eq!(
            hn("第二部分：存在问题"),
            Some((NumberStyle::Part, 2, "存在问题"))
        );
        assert_eq!(
            hn("一是加强学习"),
            Some((NumberStyle::Enumeration, 1, "加强学习"))
        );
        assert_eq!(hn("1.5万元"), None);
        assert_eq!(hn("2023年"), None);
        assert_eq!(hn("（2021-2025年）"), None);
        assert_eq!(hn("一些单位"), None);
        assert_eq!(hn("（略）"), None);
    }
}
