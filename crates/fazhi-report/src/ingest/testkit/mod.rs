//! Fixture builders for tests (not a stable API): .docx files with heading styles and Word
//! automatic numbering, and small valid PDFs whose Chinese text is extractable (a Type0 font
//! with Identity-H encoding and a ToUnicode CMap).
//!
//! ```
//! use fazhi_report::ingest::testkit::{docx_from_paragraphs, pdf_from_lines, DocxParagraph, NumberStyle};
//! let docx = docx_from_paragraphs(&[
//!     DocxParagraph::numbered(NumberStyle::ChineseComma, "主要举措和成效").with_heading(1),
//!     DocxParagraph::plain("全年办理行政复议案件12件。"),
//! ]);
//! let pdf = pdf_from_lines(&["某某县司法局", "一、主要举措和成效"]);
//! # let _ = (docx, pdf);
//! ```

use super::numbering::format_number;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;

mod pdf;

pub use pdf::*;

/// The WordprocessingML main namespace.
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

// ---------------------------------------------------------------------------------------
// zip / docx
// ---------------------------------------------------------------------------------------

/// A deflated zip with the given entries, in order.
pub fn zip_from_entries(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(data).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

/// Wraps body XML (paragraphs, tables) into a `word/document.xml`.
pub fn document_xml(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"{W_NS}\" \
         xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
         <w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    )
}

/// A .docx from raw parts (plus content types and relationships).
pub fn docx_from_parts(
    document_xml: &str,
    styles_xml: Option<&str>,
    numbering_xml: Option<&str>,
) -> Vec<u8> {
    let mut types = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
    );
    let mut rels = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    if styles_xml.is_some() {
        types.push_str("<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>");
        rels.push_str("<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>");
    }
    if numbering_xml.is_some() {
        types.push_str("<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>");
        rels.push_str("<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>");
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let root_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
         </Relationships>";
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/document.xml", document_xml.as_bytes()),
    ];
    if let Some(s) = styles_xml {
        entries.push(("word/styles.xml", s.as_bytes()));
    }
    if let Some(n) = numbering_xml {
        entries.push(("word/numbering.xml", n.as_bytes()));
    }
    zip_from_entries(&entries)
}

/// XML-escapes text for element content and attribute values (the HTML renderer's escape
/// is valid XML escaping too).
pub fn xml_escape(s: &str) -> String {
    crate::render::html::escape(s)
}

/// Runs for `text`: tabs become `<w:tab/>`, line breaks `<w:br/>`.
pub fn runs_xml(text: &str) -> String {
    let mut out = String::from("<w:r>");
    let mut buf = String::new();
    let flush = |buf: &mut String, out: &mut String| {
        if !buf.is_empty() {
            let _ = write!(out, "<w:t xml:space=\"preserve\">{}</w:t>", xml_escape(buf));
            buf.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\t' => {
                flush(&mut buf, &mut out);
                out.push_str("<w:tab/>");
            }
            '\n' => {
                flush(&mut buf, &mut out);
                out.push_str("<w:br/>");
            }
            c => buf.push(c),
        }
    }
    flush(&mut buf, &mut out);
    out.push_str("</w:r>");
    out
}

/// How an automatically numbered paragraph's number looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberStyle {
    /// 一、
    ChineseComma,
    /// （一）
    ChineseParen,
    /// (一)
    ChineseParenAscii,
    /// 1、
    DecimalComma,
    /// 1.
    DecimalDot,
    /// 1．
    DecimalFullStop,
    /// （1）
    DecimalParen,
    /// (1)
    DecimalParenAscii,
    /// ①
    Circled,
}

impl NumberStyle {
    pub const ALL: [NumberStyle; 9] = [
        NumberStyle::ChineseComma,
        NumberStyle::ChineseParen,
        NumberStyle::ChineseParenAscii,
        NumberStyle::DecimalComma,
        NumberStyle::DecimalDot,
        NumberStyle::DecimalFullStop,
        NumberStyle::DecimalParen,
        NumberStyle::DecimalParenAscii,
        NumberStyle::Circled,
    ];

    /// `w:numFmt` value.
    pub fn num_fmt(self) -> &'static str {
        match self {
            NumberStyle::ChineseComma
            | NumberStyle::ChineseParen
            | NumberStyle::ChineseParenAscii => "chineseCounting",
            NumberStyle::Circled => "decimalEnclosedCircle",
            _ => "decimal",
        }
    }

    /// Text around the number (`%` stands for it).
    fn affixes(self) -> (&'static str, &'static str) {
        match self {
            NumberStyle::ChineseComma | NumberStyle::DecimalComma => ("", "、"),
            NumberStyle::ChineseParen | NumberStyle::DecimalParen => ("（", "）"),
            NumberStyle::ChineseParenAscii | NumberStyle::DecimalParenAscii => ("(", ")"),
            NumberStyle::DecimalDot => ("", "."),
            NumberStyle::DecimalFullStop => ("", "．"),
            NumberStyle::Circled => ("", ""),
        }
    }

    /// `w:lvlText` for this style at 0-based `level`.
    pub fn lvl_text(self, level: u8) -> String {
        let (pre, post) = self.affixes();
        format!("{pre}%{}{post}", level + 1)
    }

    /// The usual outline level in a report: 一、 0, （一） 1, 1. 2, （1） 3, ① 4.
    pub fn default_level(self) -> u8 {
        match self {
            NumberStyle::ChineseComma => 0,
            NumberStyle::ChineseParen | NumberStyle::ChineseParenAscii => 1,
            NumberStyle::DecimalComma | NumberStyle::DecimalDot | NumberStyle::DecimalFullStop => 2,
            NumberStyle::DecimalParen | NumberStyle::DecimalParenAscii => 3,
            NumberStyle::Circled => 4,
        }
    }

    /// The number text Word shows for `value` ("三、", "（十二）", "⑤").
    pub fn render(self, value: u32) -> String {
        let (pre, post) = self.affixes();
        let mut s = String::from(pre);
        format_number(value as i64, self.num_fmt(), &mut s);
        s.push_str(post);
        s
    }
}

/// Automatic numbering of one paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocxNumbering {
    /// 0-based list level (`w:ilvl`).
    pub level: u8,
    pub style: NumberStyle,
    /// The number this paragraph must show; None continues the list. When the list would
    /// show another number, the builder restarts it with a `w:startOverride`.
    pub value: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxParagraph {
    /// Text without the automatic number.
    pub text: String,
    /// Heading style level (1-based): "heading N" style.
    pub heading: Option<u8>,
    pub numbering: Option<DocxNumbering>,
    pub page_break_before: bool,
}

impl DocxParagraph {
    pub fn plain(text: impl Into<String>) -> Self {
        DocxParagraph {
            text: text.into(),
            heading: None,
            numbering: None,
            page_break_before: false,
        }
    }

    /// A numbered paragraph at the style's default level.
    pub fn numbered(style: NumberStyle, text: impl Into<String>) -> Self {
        DocxParagraph {
            numbering: Some(DocxNumbering {
                level: style.default_level(),
                style,
                value: None,
            }),
            ..DocxParagraph::plain(text)
        }
    }

    pub fn with_heading(mut self, level: u8) -> Self {
        self.heading = Some(level);
        self
    }

    pub fn with_value(mut self, value: u32) -> Self {
        if let Some(n) = self.numbering.as_mut() {
            n.value = Some(value);
        }
        self
    }

    pub fn with_level(mut self, level: u8) -> Self {
        if let Some(n) = self.numbering.as_mut() {
            n.level = level.min(8);
        }
        self
    }

    pub fn with_page_break_before(mut self) -> Self {
        self.page_break_before = true;
        self
    }

    /// The text a reader should produce for this paragraph given the number it shows.
    pub fn expected_text(&self, shown: Option<u32>) -> String {
        match (self.numbering, shown) {
            (Some(n), Some(v)) => format!("{}{}", n.style.render(v), self.text),
            _ => self.text.clone(),
        }
    }
}

const CN_NUMERALS: &str = "零一二三四五六七八九十百";

/// Splits a leading list number that Word could have generated ("一、", "（二）", "(三)",
/// "4、", "5.", "6．", "（7）", "(8)", "⑨"): returns the style, the value and the rest.
/// Only numbers that [`NumberStyle::render`] reproduces exactly are recognised.
pub fn split_number_prefix(line: &str) -> Option<(NumberStyle, u32, &str)> {
    let try_style = |style: NumberStyle, end: usize, value: u32| {
        let (prefix, rest) = line.split_at(end);
        (style.render(value) == prefix && !rest.trim().is_empty()).then_some((style, value, rest))
    };
    let first = line.chars().next()?;
    if let Some(v) = ('①'..='⑳').position(|c| c == first) {
        return try_style(NumberStyle::Circled, first.len_utf8(), v as u32 + 1);
    }
    let (open, inner_start) = match first {
        '（' => (Some('）'), '（'.len_utf8()),
        '(' => (Some(')'), 1),
        _ => (None, 0),
    };
    let inner = &line[inner_start..];
    let (value, len, chinese) = if inner.starts_with(|c: char| c.is_ascii_digit()) {
        let len = inner.bytes().take_while(u8::is_ascii_digit).count();
        if len > 3 {
            return None;
        }
        (inner[..len].parse::<u32>().ok()?, len, false)
    } else {
        let len: usize = inner
            .chars()
            .take_while(|c| CN_NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return None;
        }
        let value = crate::parse::numbering::chinese_number(&inner[..len])?;
        (u32::try_from(value).ok().filter(|&v| v > 0)?, len, true)
    };
    let after = &inner[len..];
    let close = after.chars().next()?;
    let end = inner_start + len + close.len_utf8();
    let style = match (open, close, chinese) {
        (Some('）'), '）', true) => NumberStyle::ChineseParen,
        (Some(')'), ')', true) => NumberStyle::ChineseParenAscii,
        (Some('）'), '）', false) => NumberStyle::DecimalParen,
        (Some(')'), ')', false) => NumberStyle::DecimalParenAscii,
        (None, '、', true) => NumberStyle::ChineseComma,
        (None, '、', false) => NumberStyle::DecimalComma,
        (None, '.', false) => NumberStyle::DecimalDot,
        (None, '．', false) => NumberStyle::DecimalFullStop,
        _ => return None,
    };
    try_style(style, end, value)
}

/// One paragraph per line of `text` (blank lines kept as empty paragraphs); lines starting
/// with a number that Word could generate become numbered paragraphs showing that number.
pub fn paragraphs_from_text(text: &str) -> Vec<DocxParagraph> {
    text.lines()
        .map(|line| match split_number_prefix(line) {
            Some((style, value, rest)) => DocxParagraph::numbered(style, rest).with_value(value),
            None => DocxParagraph::plain(line),
        })
        .collect()
}

/// [`paragraphs_from_text`] saved as a .docx.
pub fn docx_from_text_auto_numbered(text: &str) -> Vec<u8> {
    docx_from_paragraphs(&paragraphs_from_text(text))
}

/// `word/styles.xml` with "Normal" and "heading 1".."heading 6" (ids Heading1..Heading6).
pub fn styles_xml() -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:styles xmlns:w=\"{W_NS}\">\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>"
    );
    for n in 1..=6 {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:pPr><w:outlineLvl w:val=\"{}\"/></w:pPr></w:style>",
            n - 1
        );
    }
    s.push_str("</w:styles>");
    s
}

/// A .docx of `paras`: heading styles from [`styles_xml`], numbers from a generated
/// `word/numbering.xml` (one abstract list per family of level formats; a `w:num` with a
/// `w:startOverride` wherever the list must show a number other than the next one).
pub fn docx_from_paragraphs(paras: &[DocxParagraph]) -> Vec<u8> {
    let (families, family_of) = number_families(paras);
    let (nums, num_of) = allocate_nums(paras, &families, &family_of);
    let body = body_xml(paras, &num_of);
    let numbering = (!families.is_empty()).then(|| numbering_xml(&families, &nums));
    docx_from_parts(
        &document_xml(&body),
        Some(&styles_xml()),
        numbering.as_deref(),
    )
}

/// The list styles of one numbering family, by level.
type Family = [Option<NumberStyle>; 9];

/// A `w:num`: its family (`w:abstractNum`) and its start overrides by level.
struct Num {
    family: usize,
    overrides: Vec<(usize, u32)>,
}

/// Families: each maps list levels to styles without conflict. Returns the families and
/// each paragraph's family.
fn number_families(paras: &[DocxParagraph]) -> (Vec<Family>, Vec<Option<usize>>) {
    let mut families: Vec<Family> = Vec::new();
    let mut family_of: Vec<Option<usize>> = Vec::with_capacity(paras.len());
    for p in paras {
        let Some(n) = p.numbering else {
            family_of.push(None);
            continue;
        };
        let l = n.level.min(8) as usize;
        let idx = families
            .iter()
            .position(|f| f[l].is_none_or(|s| s == n.style))
            .unwrap_or_else(|| {
                families.push([None; 9]);
                families.len() - 1
            });
        families[idx][l] = Some(n.style);
        family_of.push(Some(idx));
    }
    (families, family_of)
}

/// Simulates the counters exactly as the reader keeps them and allocates `w:num`s. Returns
/// the nums and each paragraph's num.
fn allocate_nums(
    paras: &[DocxParagraph],
    families: &[Family],
    family_of: &[Option<usize>],
) -> (Vec<Num>, Vec<Option<usize>>) {
    let mut nums: Vec<Num> = (0..families.len())
        .map(|f| Num {
            family: f,
            overrides: Vec::new(),
        })
        .collect();
    let mut current: Vec<usize> = (0..families.len()).collect();
    let mut counters: Vec<[Option<u32>; 9]> = vec![[None; 9]; families.len()];
    let mut used: HashSet<usize> = HashSet::new();
    let mut num_of: Vec<Option<usize>> = Vec::with_capacity(paras.len());
    let start_of = |num: &Num, l: usize| {
        num.overrides
            .iter()
            .find(|(ol, _)| *ol == l)
            .map_or(1, |(_, v)| *v)
    };
    for (p, fam) in paras.iter().zip(family_of) {
        let (Some(n), Some(f)) = (p.numbering, *fam) else {
            num_of.push(None);
            continue;
        };
        let l = n.level.min(8) as usize;
        let simulate = |num_idx: usize, counters: &[Option<u32>; 9], used: &HashSet<usize>| {
            let num = &nums[num_idx];
            let mut c = *counters;
            if !used.contains(&num_idx) {
                for &(ol, _) in &num.overrides {
                    c[ol] = None;
                }
            }
            c[l].map_or_else(|| start_of(num, l), |v| v + 1)
        };
        let mut idx = current[f];
        if let Some(want) = n.value {
            if simulate(idx, &counters[f], &used) != want {
                nums.push(Num {
                    family: f,
                    overrides: vec![(l, want)],
                });
                idx = nums.len() - 1;
                current[f] = idx;
            }
        }
        if used.insert(idx) {
            for &(ol, _) in &nums[idx].overrides {
                counters[f][ol] = None;
            }
        }
        let value = counters[f][l].map_or_else(|| start_of(&nums[idx], l), |v| v + 1);
        counters[f][l] = Some(value);
        for slot in counters[f].iter_mut().skip(l + 1) {
            *slot = None;
        }
        num_of.push(Some(idx));
    }
    (nums, num_of)
}

/// `word/document.xml`'s body: one `w:p` per paragraph.
fn body_xml(paras: &[DocxParagraph], num_of: &[Option<usize>]) -> String {
    let mut body = String::new();
    for (p, num) in paras.iter().zip(num_of) {
        body.push_str("<w:p><w:pPr>");
        if let Some(h) = p.heading {
            let _ = write!(body, "<w:pStyle w:val=\"Heading{}\"/>", h.clamp(1, 6));
        }
        if let (Some(n), Some(idx)) = (p.numbering, num) {
            let _ = write!(
                body,
                "<w:numPr><w:ilvl w:val=\"{}\"/><w:numId w:val=\"{}\"/></w:numPr>",
                n.level.min(8),
                idx + 1
            );
        }
        if p.page_break_before {
            body.push_str("<w:pageBreakBefore/>");
        }
        body.push_str("</w:pPr>");
        if !p.text.is_empty() {
            body.push_str(&runs_xml(&p.text));
        }
        body.push_str("</w:p>");
    }
    body
}

/// `word/numbering.xml`: one `w:abstractNum` per family, then the `w:num`s.
fn numbering_xml(families: &[Family], nums: &[Num]) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:numbering xmlns:w=\"{W_NS}\">"
    );
    for (f, levels) in families.iter().enumerate() {
        let _ = write!(
            x,
            "<w:abstractNum w:abstractNumId=\"{f}\"><w:multiLevelType w:val=\"multilevel\"/>"
        );
        for (l, style) in levels.iter().enumerate() {
            let (fmt, text) = match style {
                Some(s) => (s.num_fmt(), s.lvl_text(l as u8)),
                None => ("decimal", format!("%{}.", l + 1)),
            };
            let _ = write!(
                x,
                "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{fmt}\"/>\
                 <w:suff w:val=\"nothing\"/><w:lvlText w:val=\"{}\"/><w:lvlJc w:val=\"left\"/></w:lvl>",
                xml_escape(&text)
            );
        }
        x.push_str("</w:abstractNum>");
    }
    for (i, num) in nums.iter().enumerate() {
        let _ = write!(
            x,
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"{}\"/>",
            i + 1,
            num.family
        );
        for (l, v) in &num.overrides {
            let _ = write!(
                x,
                "<w:lvlOverride w:ilvl=\"{l}\"><w:startOverride w:val=\"{v}\"/></w:lvlOverride>"
            );
        }
        x.push_str("</w:num>");
    }
    x.push_str("</w:numbering>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_prefixes() {
        assert_eq!(
            split_number_prefix("一、主要举措"),
            Some((NumberStyle::ChineseComma, 1, "主要举措"))
        );
        assert_eq!(
            split_number_prefix("（十二）加强监督"),
            Some((NumberStyle::ChineseParen, 12, "加强监督"))
        );
        assert_eq!(
            split_number_prefix("(三)推进"),
            Some((NumberStyle::ChineseParenAscii, 3, "推进"))
        );
        assert_eq!(
            split_number_prefix("3.完善制度"),
            Some((NumberStyle::DecimalDot, 3, "完善制度"))
        );
        assert_eq!(
            split_number_prefix("（2）办理"),
            Some((NumberStyle::DecimalParen, 2, "办理"))
        );
        assert_eq!(
            split_number_prefix("②其他"),
            Some((NumberStyle::Circled, 2, "其他"))
        );
        assert_eq!(split_number_prefix("一是加强"), None);
        assert_eq!(split_number_prefix("2023年"), None);
        assert_eq!(split_number_prefix("一十一、"), None);
        assert_eq!(split_number_prefix("一、"), None);
    }
}
