//! Plain text: encoding detection (UTF-8, BOMs, UTF-16, GB18030, Big5) and line splitting.
//!
//! Decoding never guesses silently: a legacy encoding is accepted only when the bytes decode
//! without a single malformed sequence AND the result looks like Chinese text. Anything else
//! is [`Error::Encoding`].

use super::{Format, Hint, Ingested, Layout, Limits, RawBlock};
use crate::{Error, Result};
use std::borrow::Cow;

/// Text decoded from bytes, with the name of the encoding it came from.
pub(super) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub encoding: &'static str,
}

/// Plain text / markdown → one block per line (`Layout::Lines`).
pub(super) fn from_decoded(decoded: &Decoded<'_>, limits: &Limits) -> Result<Ingested> {
    Ok(Ingested {
        format: Format::Text {
            encoding: decoded.encoding,
        },
        layout: Layout::Lines,
        blocks: line_blocks(&decoded.text, limits)?,
    })
}

/// Decodes `bytes` as text, trying in order: BOM, BOM-less UTF-16 (NUL pattern), UTF-8,
/// GB18030, BOM-less UTF-16 without NULs, and finally the detector's guess (Big5 …).
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded<'_>> {
    let decoded = decode_inner(bytes).ok_or(Error::Encoding)?;
    if !looks_textual(&decoded.text) {
        return Err(Error::Encoding);
    }
    Ok(decoded)
}

fn decode_inner(bytes: &[u8]) -> Option<Decoded<'_>> {
    use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8_lenient(rest).map(|text| Decoded {
            text,
            encoding: "UTF-8",
        });
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return strict(UTF_16LE, rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return strict(UTF_16BE, rest);
    }
    if let Some(enc) = utf16_by_nuls(bytes) {
        if let Some(d) = strict(enc, bytes) {
            if mostly_chinese_or_ascii(&d.text) {
                return Some(d);
            }
        }
    }
    if let Some(text) = utf8_lenient(bytes) {
        return Some(Decoded {
            text,
            encoding: "UTF-8",
        });
    }
    // Legacy Chinese encodings. GBK is a subset of GB18030, so one decoder covers both.
    if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        if gb_bytes_plausible(bytes) && has_cjk_share(&text) {
            return Some(Decoded {
                text,
                encoding: "GB18030",
            });
        }
        // Rare characters dominate: only trust GB18030 if the detector agrees.
        if detector_guess(bytes) == Some(encoding_rs::GBK) && has_cjk_share(&text) {
            return Some(Decoded {
                text,
                encoding: "GB18030",
            });
        }
    }
    // UTF-16 without BOM and without any ASCII (so no NUL bytes): accept only clean CJK.
    if bytes.len().is_multiple_of(2) {
        for enc in [UTF_16LE, UTF_16BE] {
            if let Some(d) = strict(enc, bytes) {
                if mostly_chinese_or_ascii(&d.text) {
                    return Some(d);
                }
            }
        }
    }
    // Last resort: the detector's guess among the other Chinese legacy encodings.
    if let Some(enc) = detector_guess(bytes) {
        if enc == encoding_rs::BIG5 {
            if let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) {
                if has_cjk_share(&text) {
                    return Some(Decoded {
                        text,
                        encoding: enc.name(),
                    });
                }
            }
        }
    }
    None
}

/// UTF-8, also accepting a file cut in the middle of its last character.
fn utf8_lenient(bytes: &[u8]) -> Option<Cow<'_, str>> {
    // SIMD validation for the common, valid case; std's for the error position.
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return Some(Cow::Borrowed(s));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(Cow::Borrowed(s)),
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
            // SAFETY-free: re-validate the prefix (cheap compared to the rest).
            std::str::from_utf8(&bytes[..e.valid_up_to()])
                .ok()
                .map(Cow::Borrowed)
        }
        Err(_) => None,
    }
}

fn strict<'a>(enc: &'static encoding_rs::Encoding, bytes: &'a [u8]) -> Option<Decoded<'a>> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| Decoded {
            text,
            encoding: enc.name(),
        })
}

fn detector_guess(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    let (enc, confident) = det.guess_assess(None, false);
    confident.then_some(enc)
}

/// BOM-less UTF-16: ASCII characters (digits, line breaks) put NUL bytes on one parity only.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(1 << 16) & !1];
    // Text in any 8-bit encoding has no NUL at all: one SIMD scan settles the common case.
    memchr::memchr(0, sample)?;
    if sample.len() < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even += (pair[0] == 0) as usize;
        odd += (pair[1] == 0) as usize;
    }
    let min_count = (sample.len() / 1024).max(1);
    if odd >= min_count && odd >= 4 * even.max(1) {
        Some(encoding_rs::UTF_16LE)
    } else if even >= min_count && even >= 4 * odd.max(1) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Real GBK/GB18030 Chinese is dominated by GB2312 characters (both bytes in A1..FE);
/// Latin-1 or UTF-8 bytes misread as GB18030 are not.
fn gb_bytes_plausible(bytes: &[u8]) -> bool {
    let (mut multi, mut gb2312) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let Some(&next) = bytes.get(i + 1) else { break };
        if next.is_ascii_digit() {
            // Four-byte GB18030 sequence: rare characters.
            multi += 1;
            i += 4;
        } else {
            multi += 1;
            if (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&next) {
                gb2312 += 1;
            }
            i += 2;
        }
    }
    multi > 0 && gb2312 * 10 >= multi * 8
}

fn is_cjk_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// Punctuation and symbols that Chinese documents use beside ideographs.
fn is_chinese_symbol(c: char) -> bool {
    matches!(c as u32,
        0x00A0..=0x00BF   // Latin-1 punctuation: · ° ± …
        | 0x00D7 | 0x00F7
        | 0x2010..=0x206F // general punctuation: “ ” — …
        | 0x2100..=0x218F // letterlike, Roman numerals Ⅰ Ⅱ
        | 0x2190..=0x21FF // arrows
        | 0x2200..=0x22FF // math operators
        | 0x2460..=0x24FF // ① ⑴ ⒈
        | 0x2500..=0x25FF // box drawing, ■ □ ● ○
        | 0x2600..=0x27BF // ★ ☆ ✓
        | 0x3000..=0x303F // 　 、 。 〈 〉 《 》 「 」 【 】
        | 0x3200..=0x33FF // enclosed CJK, ㈠ ㊀
        | 0xFE30..=0xFE4F // CJK compatibility forms
        | 0xFF00..=0xFFEF // fullwidth forms ， ： （ ）
        | 0xFEFF)
}

/// Most non-ASCII characters are CJK ideographs or Chinese punctuation, and there is at
/// least one ideograph.
fn has_cjk_share(text: &str) -> bool {
    let (mut non_ascii, mut good, mut ideographs) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        if c.is_ascii() {
            continue;
        }
        non_ascii += 1;
        if is_cjk_ideograph(c) {
            ideographs += 1;
            good += 1;
        } else if is_chinese_symbol(c) {
            good += 1;
        }
    }
    ideographs > 0 && good * 10 >= non_ascii * 9
}

/// Stricter check for guesses with no byte-level evidence (BOM-less UTF-16): nearly every
/// character is printable ASCII, white space, an ideograph or Chinese punctuation.
fn mostly_chinese_or_ascii(text: &str) -> bool {
    let (mut total, mut good, mut ideographs) = (0usize, 0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if c.is_ascii_graphic() || matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            good += 1;
        } else if is_cjk_ideograph(c) {
            ideographs += 1;
            good += 1;
        } else if is_chinese_symbol(c) {
            good += 1;
        }
    }
    total > 0 && good * 100 >= total * 95 && (ideographs > 0 || good == total)
}

/// Binary data that happens to decode (e.g. valid UTF-8 full of control bytes) is not text.
fn looks_textual(text: &str) -> bool {
    let b = text.as_bytes();
    // The common case: no control character at all (one table look-up a byte).
    if b.iter().all(|&x| !SUSPECT[x as usize]) {
        return true;
    }
    // Two branch-free counting passes (they vectorise), then characters only when needed.
    let c0 = b
        .iter()
        .filter(|&&x| (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r' | 0x0c)) || x == 0x7f)
        .count();
    // C1 controls (U+0080..U+009F) are encoded as C2 80..C2 9F.
    let c1 = b
        .windows(2)
        .filter(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]))
        .count();
    let controls = c0 + c1;
    controls == 0 || controls * 100 <= text.chars().count()
}

/// Bytes that are, or may begin, a control character: C0 controls other than tab, line
/// feed, carriage return and form feed; DEL; and 0xC2, the lead byte of the C1 controls.
static SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = !matches!(i as u8, b'\t' | b'\n' | b'\r' | 0x0c);
        i += 1;
    }
    t[0x7f] = true;
    t[0xC2] = true;
    t
};

/// Splits decoded text into line blocks: CRLF / CR / LF end lines, a form feed becomes a
/// `Hint::PageBreak` block. Enforces `max_text_chars`; whitespace-only text is `Error::Empty`.
pub(super) fn line_blocks(text: &str, limits: &Limits) -> Result<Vec<RawBlock>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_chars(text, limits)?;
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    let bytes = text.as_bytes();
    let mut blocks = Vec::with_capacity(bytes.len() / 40 + 1);
    let mut start = 0;
    // Whether the current line began right after a form feed (its empty remainder is dropped).
    let mut after_ff = false;
    let mut pos = 0;
    while let Some(off) = memchr::memchr3(b'\n', b'\r', 0x0c, &bytes[pos..]) {
        let i = pos + off;
        let seg = &text[start..i];
        match bytes[i] {
            0x0c => {
                if !seg.is_empty() {
                    blocks.push(plain(seg));
                }
                blocks.push(RawBlock {
                    text: String::new(),
                    hint: Hint::PageBreak,
                });
                after_ff = true;
                pos = i + 1;
            }
            b'\r' => {
                if !(seg.is_empty() && after_ff) {
                    blocks.push(plain(seg));
                }
                after_ff = false;
                pos = if bytes.get(i + 1) == Some(&b'\n') {
                    i + 2
                } else {
                    i + 1
                };
            }
            _ => {
                if !(seg.is_empty() && after_ff) {
                    blocks.push(plain(seg));
                }
                after_ff = false;
                pos = i + 1;
            }
        }
        start = pos;
    }
    if start < text.len() {
        blocks.push(plain(&text[start..]));
    }
    // A page break at the very end (pdftotext ends every page with one) carries nothing.
    while blocks
        .last()
        .is_some_and(|b| b.hint == Hint::PageBreak || b.text.trim().is_empty())
    {
        blocks.pop();
    }
    Ok(blocks)
}

fn plain(s: &str) -> RawBlock {
    RawBlock {
        text: s.to_owned(),
        hint: Hint::None,
    }
}

/// `max_text_chars` guard; counts characters without allocating.
pub(super) fn check_chars(text: &str, limits: &Limits) -> Result<()> {
    // Cheap bounds first: a char is 1..=4 bytes.
    if text.len() <= limits.max_text_chars {
        return Ok(());
    }
    let n = text.chars().count();
    if n > limits.max_text_chars {
        return Err(too_many_chars(n, limits));
    }
    Ok(())
}

pub(super) fn too_many_chars(n: usize, limits: &Limits) -> Error {
    Error::TooLarge {
        limit_name: "文字字数",
        size: n as u64,
        limit: limits.max_text_chars as u64,
    }
}

/// Share of characters that make a PDF text layer unusable, and whether it has any CJK.
pub(super) struct TextStats {
    pub visible: usize,
    pub bad: usize,
    pub ideographs: usize,
}

pub(super) fn text_stats(text: &str) -> TextStats {
    let mut s = TextStats {
        visible: 0,
        bad: 0,
        ideographs: 0,
    };
    for c in text.chars() {
        if c.is_whitespace() {
            continue;
        }
        s.visible += 1;
        let u = c as u32;
        if c == '\u{fffd}'
            || (0xE000..=0xF8FF).contains(&u)
            || u >= 0xF0000
            || (c.is_control() && c != '\x0c')
        {
            s.bad += 1;
        } else if is_cjk_ideograph(c) {
            s.ideographs += 1;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[RawBlock]) -> Vec<(&str, Hint)> {
        blocks.iter().map(|b| (b.text.as_str(), b.hint)).collect()
    }

    #[test]
    fn line_endings_and_form_feeds() {
        let l = Limits::default();
        let b = line_blocks("一\r\n二\r三\n\x0c四\n\n五\x0c", &l).unwrap();
        assert_eq!(
            texts(&b),
            vec![
                ("一", Hint::None),
                ("二", Hint::None),
                ("三", Hint::None),
                ("", Hint::PageBreak),
                ("四", Hint::None),
                ("", Hint::None),
                ("五", Hint::None),
            ]
        );
    }

    #[test]
    fn form_feed_inside_a_line_splits_it() {
        let b = line_blocks("前页\x0c后页", &Limits::default()).unwrap();
        assert_eq!(
            texts(&b),
            vec![
                ("前页", Hint::None),
                ("", Hint::PageBreak),
                ("后页", Hint::None)
            ]
        );
    }

    #[test]
    fn whitespace_only_is_empty() {
        assert!(matches!(
            line_blocks(" \n\t\x0c\r\n", &Limits::default()),
            Err(Error::Empty)
        ));
    }

    #[test]
    fn char_limit_counts_chars_not_bytes() {
        let l = Limits {
            max_text_chars: 3,
            ..Limits::default()
        };
        assert!(line_blocks("一二三", &l).is_ok());
        assert!(matches!(
            line_blocks("一二三四", &l),
            Err(Error::TooLarge {
                limit_name: "文字字数",
                size: 4,
                limit: 3
            })
        ));
    }

    #[test]
    fn latin1_is_not_read_as_gb18030() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1252.encode("Caf\u{e9} r\u{e9}sum\u{e9} na\u{ef}ve");
        assert!(decode(&bytes).is_err());
    }

    #[test]
    fn utf8_cut_mid_character_is_accepted() {
        let mut b = "法治政府".as_bytes().to_vec();
        b.pop();
        assert_eq!(decode(&b).unwrap().text, "法治政");
    }

    #[test]
    fn bomless_utf16_pure_chinese() {
        let s = "法治政府建设年度报告";
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&le).unwrap();
        assert_eq!(d.text, s);
        assert_eq!(d.encoding, "UTF-16LE");
    }
}
