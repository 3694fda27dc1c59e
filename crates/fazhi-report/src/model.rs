//! The report model: one value, [`AnnualReport`], whatever the report's origin.

use chrono::NaiveDate;
use fazhi_domain::{Part, UnitName, FIVE_PARTS};
use serde::{Deserialize, Serialize, Serializer};

/// 体裁: is this a 法治政府建设年度报告 at all?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Genre {
    RuleOfLawAnnualReport,
    /// Anything else, e.g. a 政府信息公开工作年度报告; gets no findings about the five parts.
    Other,
}

/// What a block of the normalised text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Web-page clutter, header lines such as XX局文件, metadata (索引号 …).
    Front,
    Title,
    /// 县委、县政府：
    Salutation,
    Heading,
    Body,
    /// The signature unit and date at the end.
    Signature,
}

impl BlockKind {
    /// The key in JSON (as serde writes it) and in HTML classes: `front`, `title` …
    pub fn key(self) -> &'static str {
        match self {
            BlockKind::Front => "front",
            BlockKind::Title => "title",
            BlockKind::Salutation => "salutation",
            BlockKind::Heading => "heading",
            BlockKind::Body => "body",
            BlockKind::Signature => "signature",
        }
    }
}

/// One paragraph (or heading) of the normalised text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// How a heading is numbered; the order of first appearance decides the nesting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberStyle {
    /// 第一部分 / 第一章
    Part,
    /// 一、
    Chinese,
    /// （一）
    ChineseParen,
    /// 1、 / 1. / 1．
    Arabic,
    /// （1）
    ArabicParen,
    /// 一是 standing as a heading line
    Enumeration,
}

impl NumberStyle {
    /// Numbered subsections count as children; 一是 headings do not.
    pub fn is_numbered(self) -> bool {
        !matches!(self, NumberStyle::Enumeration)
    }
}

/// 章节: a numbered heading with everything up to the next heading of its level or above.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The number as written without its punctuation: 一, 1, 第一部分 → 一.
    pub number: String,
    /// The numeric value of `number` (一 → 1), for sequence checks.
    pub ordinal: u32,
    pub style: NumberStyle,
    /// The heading text after the number, without trailing 。；; `None` when empty.
    pub title: Option<String>,
    pub part: Option<Part>,
    /// Index of the heading block in [`AnnualReport::blocks`].
    pub heading: usize,
    /// One past the last block of this section, children included.
    pub end: usize,
    pub children: Vec<Section>,
}

impl Section {
    /// Blocks of the section's own text, before its first child (heading excluded).
    pub fn own_blocks(&self) -> std::ops::Range<usize> {
        let stop = self.children.first().map_or(self.end, |c| c.heading);
        self.heading + 1..stop
    }

    /// All blocks under the heading, children included.
    pub fn body_blocks(&self) -> std::ops::Range<usize> {
        self.heading + 1..self.end
    }

    pub fn numbered_children(&self) -> impl Iterator<Item = &Section> {
        self.children.iter().filter(|c| c.style.is_numbered())
    }

    /// Depth-first walk over this section and its descendants.
    pub fn walk(&self) -> Vec<&Section> {
        let mut out = vec![self];
        for c in &self.children {
            out.extend(c.walk());
        }
        out
    }
}

/// Where something is in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Location {
    /// Index of the block in [`AnnualReport::blocks`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block: Option<usize>,
    /// The section path as displayed numbers, e.g. `二、（一）`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// A short quote of the text concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// 事实: a quantity the text states (11 次, 100%, 60 学时).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The words as written, e.g. `10余次`.
    pub text: String,
    #[serde(serialize_with = "serialize_number")]
    pub value: f64,
    /// 余 / 多 / 近 / 约 …
    pub approx: bool,
    /// 不少于 / 至少 / 以上 …
    pub minimum: bool,
    pub measure: String,
    /// What it counts, where the sentence says (班子成员会议).
    pub subject: Option<String>,
    pub location: Location,
}

/// Integral values print as integers (10, not 10.0).
fn serialize_number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

/// How a mandated part is present in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageLevel {
    /// A top-level section is about it.
    Section,
    /// Only a subsection is (第一责任人 as （四） under 主要举措).
    Subsection,
    Missing,
}

/// Coverage of the five mandated parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub measures: CoverageLevel,
    pub shortcomings: CoverageLevel,
    pub first_responsible: CoverageLevel,
    pub next_year: CoverageLevel,
    pub other: CoverageLevel,
}

impl Coverage {
    pub fn all_missing() -> Coverage {
        Coverage {
            measures: CoverageLevel::Missing,
            shortcomings: CoverageLevel::Missing,
            first_responsible: CoverageLevel::Missing,
            next_year: CoverageLevel::Missing,
            other: CoverageLevel::Missing,
        }
    }

    /// Coverage of one of the five parts; `thought` is not among them and reads as missing.
    pub fn get(&self, part: Part) -> CoverageLevel {
        match part {
            Part::Measures => self.measures,
            Part::Shortcomings => self.shortcomings,
            Part::FirstResponsible => self.first_responsible,
            Part::NextYear => self.next_year,
            Part::Other => self.other,
            Part::Thought => CoverageLevel::Missing,
        }
    }

    pub fn set(&mut self, part: Part, level: CoverageLevel) {
        match part {
            Part::Measures => self.measures = level,
            Part::Shortcomings => self.shortcomings = level,
            Part::FirstResponsible => self.first_responsible = level,
            Part::NextYear => self.next_year = level,
            Part::Other => self.other = level,
            Part::Thought => {}
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Part, CoverageLevel)> + '_ {
        FIVE_PARTS.iter().map(|p| (*p, self.get(*p)))
    }
}

/// 法治政府建设年度报告, as read from a file or composed from the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualReport {
    pub genre: Genre,
    pub title: Option<String>,
    /// The issuing unit as written and normalised.
    pub unit: Option<UnitName>,
    /// True when the unit is named in the title (or in the header line right above it).
    pub unit_in_title: bool,
    pub year: Option<i32>,
    /// Where the year came from: the title or the body.
    pub year_in_title: bool,
    /// 发文字号, e.g. 古科工信发〔2024〕1号.
    pub doc_number: Option<String>,
    pub salutation: Option<String>,
    pub signed_unit: Option<UnitName>,
    pub signed_date: Option<NaiveDate>,
    /// A date the text gives as publication date (web-page 发布日期/成文日期), if any.
    pub published_date: Option<NaiveDate>,
    pub blocks: Vec<Block>,
    pub sections: Vec<Section>,
    pub facts: Vec<Fact>,
    pub coverage: Coverage,
}

impl AnnualReport {
    /// Text of a range of blocks joined by newlines.
    pub fn text_of(&self, range: std::ops::Range<usize>) -> String {
        let mut out = String::new();
        for b in &self.blocks[range.start.min(self.blocks.len())..range.end.min(self.blocks.len())]
        {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&b.text);
        }
        out
    }

    /// All sections, depth first.
    pub fn all_sections(&self) -> Vec<&Section> {
        self.sections.iter().flat_map(|s| s.walk()).collect()
    }

    /// Top-level sections classified as `part`.
    pub fn sections_of(&self, part: Part) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(move |s| s.part == Some(part))
    }

    /// The section path (一（二）1) of the innermost section holding block `idx`.
    pub fn section_path(&self, idx: usize) -> Option<String> {
        fn find(sections: &[Section], idx: usize, path: &mut String) -> bool {
            for s in sections {
                if idx >= s.heading && idx < s.end {
                    path.push_str(&display_number(s));
                    find(&s.children, idx, path);
                    return true;
                }
            }
            false
        }
        let mut path = String::new();
        find(&self.sections, idx, &mut path).then_some(path)
    }

    /// A location for block `idx` with an optional quote.
    pub fn locate(&self, idx: usize, quote: Option<String>) -> Location {
        Location {
            block: Some(idx),
            section: self.section_path(idx),
            quote,
        }
    }

    /// Number of characters of the report's body (headings and paragraphs).
    pub fn body_chars(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::Body | BlockKind::Heading))
            .map(|b| b.text.chars().count())
            .sum()
    }
}

/// A section number as people write it: 一、 （一） 1、 （1） 第一部分 一是.
pub fn display_number(s: &Section) -> String {
    match s.style {
        NumberStyle::Part => format!("第{}部分", s.number),
        NumberStyle::Chinese => format!("{}、", s.number),
        NumberStyle::ChineseParen | NumberStyle::ArabicParen => format!("（{}）", s.number),
        NumberStyle::Arabic => format!("{}.", s.number),
        NumberStyle::Enumeration => format!("{}是", s.number),
    }
}
