//! Fixtures shared by the ingest tests: a report-like text, limits, views of what was read,
//! encoders and noise.

use fazhi_report::ingest::{Format, Hint, Ingested, Limits};

/// A report-like text in the genre (own sentences).
pub const REPORT: &str = "某某县司法局2023年法治政府建设情况报告\n\
2023年，在县委、县政府的正确领导下，我局深入学习贯彻习近平法治思想，现将有关情况报告如下：\n\
一、主要举措和成效\n\
（一）健全依法行政制度体系。全年审查规范性文件18件，提出修改意见46条。\n\
（二）推进严格规范公正文明执法。开展行政执法案卷评查2次，评查案卷120卷。\n\
二、存在的不足和原因\n\
基层执法人员法律素养有待提升，部分领域执法不够规范。\n\
三、下一步工作安排\n\
1.持续加强法治队伍建设。\n\
2.深化“谁执法谁普法”责任制落实。";

pub fn limits() -> Limits {
    Limits {
        pdf_timeout_secs: 20,
        ..Limits::default()
    }
}

pub fn texts(ing: &Ingested) -> Vec<&str> {
    ing.blocks.iter().map(|b| b.text.as_str()).collect()
}

/// Each block's text with its hint.
pub fn hinted(ing: &Ingested) -> Vec<(&str, Hint)> {
    ing.blocks
        .iter()
        .map(|b| (b.text.as_str(), b.hint))
        .collect()
}

pub fn content_lines(ing: &Ingested) -> Vec<String> {
    ing.blocks
        .iter()
        .filter(|b| b.hint != Hint::PageBreak && !b.text.trim().is_empty())
        .map(|b| b.text.trim().to_string())
        .collect()
}

pub fn report_lines() -> Vec<&'static str> {
    REPORT.lines().collect()
}

pub fn encoding_of(ing: &Ingested) -> &'static str {
    match ing.format {
        Format::Text { encoding } => encoding,
        ref f => panic!("not text: {f:?}"),
    }
}

pub fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { b"\xFF\xFE" } else { b"\xFE\xFF" });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

/// Deterministic pseudo-random bytes (xorshift).
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}
