//! The frameworks directory (`frameworks/`): every piece of data the rules count with —
//! holiday calendar, procedure periods, checker settings, unit aliases, indicator tree,
//! report outlines and the list of common passwords — loaded once at start into one
//! [`Frameworks`] value that the server and the command line hand down.
//!
//! The copy shipped with the program is compiled in and is the default. An operator may name
//! a directory of their own (`frameworks_dir` in the configuration): each file found there
//! replaces the built-in file of the same relative name (`holidays.toml`,
//! `outlines/guangdong.toml` …), and a new `outlines/<name>.toml` adds an outline. So a new
//! year's holiday arrangement, or a province's 备案 period, is a data change, not a program
//! change. Every file is validated on load; an error names the file, the line and the key.
//!
//! This crate does no IO: the binary reads the override directory once at start and hands
//! its files in as data ([`Frameworks::with_overrides`]).

use crate::{
    DomainError, Framework, HolidayCalendar, Outline, ProcedureSettings, RuleSettings, UnitAliases,
};
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The holiday calendar ([`HolidayCalendar`]).
pub const HOLIDAYS: &str = "holidays.toml";
/// The ledger's procedure periods ([`ProcedureSettings`]).
pub const PROCEDURES: &str = "procedures.toml";
/// The checker's settings ([`RuleSettings`]).
pub const RULES: &str = "rules.toml";
/// The unit aliases ([`UnitAliases`]).
pub const UNIT_ALIASES: &str = "unit_aliases.toml";
/// The indicator tree ([`Framework`]).
pub const INDICATORS: &str = "indicators.toml";
/// The common passwords ([`PasswordList`]).
pub const COMMON_PASSWORDS: &str = "common-passwords.txt";
/// The folder of report outlines, one `<name>.toml` each ([`Outline`]).
pub const OUTLINES_DIR: &str = "outlines";

/// The files shipped with the program, by their name relative to `frameworks/`.
const BUILTIN_FILES: &[(&str, &str)] = &[
    (HOLIDAYS, include_str!("../../../frameworks/holidays.toml")),
    (
        PROCEDURES,
        include_str!("../../../frameworks/procedures.toml"),
    ),
    (RULES, include_str!("../../../frameworks/rules.toml")),
    (
        UNIT_ALIASES,
        include_str!("../../../frameworks/unit_aliases.toml"),
    ),
    (
        INDICATORS,
        include_str!("../../../frameworks/indicators.toml"),
    ),
    (
        COMMON_PASSWORDS,
        include_str!("../../../frameworks/common-passwords.txt"),
    ),
    (
        "outlines/national.toml",
        include_str!("../../../frameworks/outlines/national.toml"),
    ),
    (
        "outlines/guangdong.toml",
        include_str!("../../../frameworks/outlines/guangdong.toml"),
    ),
];

/// A framework file that could not be loaded: which file, where in it, and why (in Chinese).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct FrameworkError {
    /// The file, as given (the override's path, or `frameworks/<name>` for a built-in one).
    pub file: String,
    /// 1-based line of the offending entry, when it can be told.
    pub line: Option<usize>,
    /// The key of the offending entry (`filing_days`, `[2025].holidays`), when it can be told.
    pub key: Option<String>,
    pub message: String,
}

impl FrameworkError {
    fn describe(&self) -> String {
        let mut at = String::new();
        if let Some(line) = self.line {
            at.push_str(&format!("第 {line} 行"));
        }
        if let Some(key) = &self.key {
            at.push_str(&format!("“{key}”"));
        }
        if at.is_empty() {
            format!("框架数据文件“{}”有误：{}", self.file, self.message)
        } else {
            format!("框架数据文件“{}”{at}有误：{}", self.file, self.message)
        }
    }
}

/// An operator's framework file, handed in as data: its `name` relative to `frameworks/`
/// (`holidays.toml`, `outlines/zhejiang.toml`), the `file` an error names (the path it was
/// read from) and its `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameworkFile {
    pub name: String,
    pub file: String,
    pub text: String,
}

/// Refuses a file `name` (relative to `frameworks/`) that is neither a known top-level file
/// nor `outlines/<name>.toml` (a misspelt `holiday.toml` would otherwise be silently
/// ignored); the error names `file`.
pub fn check_name(name: &str, file: &str) -> Result<(), FrameworkError> {
    let outline = name
        .strip_prefix(&format!("{OUTLINES_DIR}/"))
        .and_then(|n| n.strip_suffix(".toml"))
        .is_some_and(|stem| !stem.is_empty() && !stem.contains('/'));
    if outline || BUILTIN_FILES.iter().any(|(n, _)| *n == name) {
        return Ok(());
    }
    let known: Vec<&str> = BUILTIN_FILES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !n.contains('/'))
        .collect();
    Err(FrameworkError {
        file: file.to_string(),
        line: None,
        key: None,
        message: format!(
            "不认识的框架数据文件（可用：{}、{OUTLINES_DIR}/*.toml）",
            known.join("、")
        ),
    })
}

/// The list of common passwords (`common-passwords.txt`): lowercase, one per line, `#`
/// starts a comment line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PasswordList(HashSet<String>);

impl PasswordList {
    pub fn parse(text: &str) -> PasswordList {
        PasswordList(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect(),
        )
    }

    pub fn contains(&self, lowercase: &str) -> bool {
        self.0.contains(lowercase)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Every piece of data the rules count with, parsed and validated (see the module doc).
#[derive(Debug, Clone)]
pub struct Frameworks {
    pub calendar: HolidayCalendar,
    pub procedures: ProcedureSettings,
    pub settings: RuleSettings,
    pub aliases: UnitAliases,
    pub indicators: Framework,
    pub passwords: PasswordList,
    /// By name (the file stem), `national` first, then by name.
    outlines: Vec<(String, Outline)>,
}

impl Frameworks {
    /// The data shipped with the program (parsed once per process).
    pub fn builtin() -> &'static Frameworks {
        static BUILTIN: OnceLock<Frameworks> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Frameworks::from_files(&builtin_files()).expect("the built-in frameworks are valid")
        })
    }

    /// The built-in data with the operator's `files` replacing (or, for outlines, adding to)
    /// the built-in files of the same relative name. No files: the built-in data. A file of
    /// an unknown name is refused ([`check_name`]); every file is validated, an error naming
    /// the file, the line and the key.
    pub fn with_overrides(files: Vec<FrameworkFile>) -> Result<Frameworks, FrameworkError> {
        if files.is_empty() {
            return Ok(Frameworks::builtin().clone());
        }
        let mut all = builtin_files();
        for f in files {
            check_name(&f.name, &f.file)?;
            all.insert(f.name, Source::Override(f.file, f.text));
        }
        Frameworks::from_files(&all)
    }

    fn from_files(files: &BTreeMap<String, Source>) -> Result<Frameworks, FrameworkError> {
        let get = |name: &str| {
            files
                .get(name)
                .expect("every known file has a built-in copy")
        };
        let mut outlines = Vec::new();
        for (name, source) in files {
            let Some(stem) = name
                .strip_prefix("outlines/")
                .and_then(|n| n.strip_suffix(".toml"))
            else {
                continue;
            };
            outlines.push((stem.to_string(), source.parse(Outline::from_toml)?));
        }
        outlines.sort_by(|a, b| (a.0 != "national", &a.0).cmp(&(b.0 != "national", &b.0)));
        Ok(Frameworks {
            calendar: get(HOLIDAYS).parse(HolidayCalendar::from_toml)?,
            procedures: get(PROCEDURES).parse(ProcedureSettings::from_toml)?,
            settings: get(RULES).parse(RuleSettings::from_toml)?,
            aliases: get(UNIT_ALIASES).parse(UnitAliases::from_toml)?,
            indicators: get(INDICATORS).parse(Framework::from_toml)?,
            passwords: PasswordList::parse(get(COMMON_PASSWORDS).text()),
            outlines,
        })
    }

    /// An outline by name (`national`, `guangdong`, or an override's own).
    pub fn outline(&self, name: &str) -> Result<&Outline, DomainError> {
        self.outlines
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o)
            .ok_or_else(|| {
                DomainError::UnknownOutline(name.to_string(), self.outline_names().join("、"))
            })
    }

    /// The outlines' names, `national` first.
    pub fn outline_names(&self) -> Vec<&str> {
        self.outlines.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// The national outline (always present: an override may replace it, not remove it).
    pub fn national(&self) -> &Outline {
        self.outline("national")
            .expect("outlines/national.toml has a built-in copy")
    }
}

/// A framework file's text and where it came from.
enum Source {
    Builtin(&'static str, &'static str),
    Override(String, String),
}

impl Source {
    fn text(&self) -> &str {
        match self {
            Source::Builtin(_, text) => text,
            Source::Override(_, text) => text,
        }
    }

    fn file(&self) -> String {
        match self {
            Source::Builtin(name, _) => format!("frameworks/{name}"),
            Source::Override(path, _) => path.clone(),
        }
    }

    /// Parses the text with `parse`, an error naming this file, the line and the key.
    fn parse<T>(
        &self,
        parse: impl Fn(&str) -> Result<T, DomainError>,
    ) -> Result<T, FrameworkError> {
        parse(self.text()).map_err(|e| locate(&self.file(), self.text(), &e))
    }
}

/// The text of a built-in file (`holidays.toml` …), for tests of the shipped data.
#[cfg(test)]
pub(crate) fn builtin_text(name: &str) -> &'static str {
    BUILTIN_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("a built-in file")
}

fn builtin_files() -> BTreeMap<String, Source> {
    BUILTIN_FILES
        .iter()
        .map(|(name, text)| (name.to_string(), Source::Builtin(name, text)))
        .collect()
}

/// Where in `text` the error `e` lies. A TOML error carries its line; its key is read off
/// the message for a missing key, else off that line. A rule's error (a bad date, a
/// duplicate code) names the offending value in “…”: its line is where that value is
/// written (the last place for a duplicate); or it names the key itself
/// (`boilerplate_share 应在 0 到 1 之间`). The key is given with its `[table]` when inside one.
fn locate(file: &str, text: &str, e: &DomainError) -> FrameworkError {
    let (line, key, message) = match e {
        DomainError::Toml { line, message, .. } => {
            let key = message
                .strip_prefix("missing field `")
                .and_then(|r| r.split('`').next())
                .map(str::to_string)
                .or_else(|| line.and_then(|l| key_at(text, l)));
            (*line, key, message.clone())
        }
        other => {
            let message = other.to_string();
            let line = line_of_value(text, &message).or_else(|| line_of_key_in(text, &message));
            (line, line.and_then(|l| key_at(text, l)), message)
        }
    };
    FrameworkError {
        file: file.to_string(),
        line,
        key,
        message,
    }
}

/// The 1-based line of byte `offset` of `text`.
pub(crate) fn line_of_offset(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].matches('\n').count() + 1
}

/// The key of an assignment line (`key = …`, `"key" = …`), if it is one.
fn assigned_key(line: &str) -> Option<&str> {
    let t = line.trim();
    if t.starts_with('#') || t.starts_with('[') {
        return None;
    }
    let (k, _) = t.split_once('=')?;
    let k = k.trim();
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    let quoted = k.len() >= 2 && k.starts_with('"') && k.ends_with('"');
    (bare || quoted).then(|| k.trim_matches('"'))
}

/// The key written on `line` or, for a line inside a multi-line array, the key that opened
/// it; with its `[table]` when inside one.
fn key_at(text: &str, line: usize) -> Option<String> {
    let mut key = None;
    let mut table = None;
    for l in text.lines().take(line) {
        let t = l.trim();
        if t.starts_with('[') {
            table = Some(t.trim_matches(|c| c == '[' || c == ']').trim().to_string());
            key = None;
        } else if let Some(k) = assigned_key(l) {
            key = Some(k.to_string());
        }
    }
    let key = key?;
    Some(match table {
        Some(t) => format!("[{t}].{key}"),
        None => key,
    })
}

/// The line on which the first value quoted “…” in `message` is written.
fn line_of_value(text: &str, message: &str) -> Option<usize> {
    let value = message.split('“').nth(1)?.split('”').next()?;
    if value.trim().is_empty() {
        return None;
    }
    let mut hits = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#') && l.contains(value))
        .map(|(i, _)| i + 1);
    if message.contains("重复") {
        hits.last()
    } else {
        hits.next()
    }
}

/// The line of an assignment whose key `message` names.
fn line_of_key_in(text: &str, message: &str) -> Option<usize> {
    text.lines()
        .position(|l| assigned_key(l).is_some_and(|k| message.contains(k)))
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests;
