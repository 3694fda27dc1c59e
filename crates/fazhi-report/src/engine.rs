//! The whole pipeline behind one value: read a file, parse, check, score.

use crate::check::{self, CheckContext, Finding, Score};
use crate::ingest::{self, Format, Limits};
use crate::model::AnnualReport;
use crate::Result;
use chrono::NaiveDate;
use fazhi_domain::{Outline, RuleSettings, UnitAliases};
use std::path::Path;

/// Extensions of the files a report is read from (the published formats: Word, PDF, web
/// pages, text; legacy Word/WPS names are accepted so that their reading answers with how
/// to convert them). A file of any other kind (a script, an image, an SVG) is not a report.
pub const REPORT_EXTENSIONS: &[&str] = &["txt", "md", "docx", "pdf", "html", "htm", "doc", "wps"];

/// Whether `name` is named like a report file ([`REPORT_EXTENSIONS`], any letter case).
pub fn is_report_file_name(name: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && REPORT_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// Configuration of the engine: the outline to check against, rule settings, unit aliases
/// and ingest limits. Cheap to share across threads.
#[derive(Debug, Clone)]
pub struct Engine {
    pub outline: Outline,
    pub settings: RuleSettings,
    pub aliases: UnitAliases,
    pub limits: Limits,
}

/// A report read and checked.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub format: Format,
    pub report: AnnualReport,
    pub findings: Vec<Finding>,
    pub score: Score,
}

/// What a stored row of a checked report holds besides the file: counts of findings by
/// severity, the title (or the file name when the report has none), the score and the
/// checked report as JSON. The web's uploads and the demo's generated reports store the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSummary {
    pub title: String,
    pub score: i32,
    pub errors: i32,
    pub warnings: i32,
    pub infos: i32,
    pub json: String,
}

impl Checked {
    /// The summary of this report read from `filename`.
    pub fn summary(&self, filename: &str) -> CheckedSummary {
        let [errors, warnings, infos] = crate::render::severity_counts(&self.findings);
        CheckedSummary {
            title: self
                .report
                .title
                .clone()
                .unwrap_or_else(|| filename.to_string()),
            score: self.score.total as i32,
            errors: errors as i32,
            warnings: warnings as i32,
            infos: infos as i32,
            json: serde_json::to_string(self).expect("a checked report serialises"),
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(Outline::national())
    }
}

impl Engine {
    pub fn new(outline: Outline) -> Engine {
        Engine {
            outline,
            settings: RuleSettings::default(),
            aliases: UnitAliases::default(),
            limits: Limits::default(),
        }
    }

    /// Reads a file's bytes into the report model.
    pub fn read(&self, name: &str, bytes: &[u8]) -> Result<(Format, AnnualReport)> {
        let ing = ingest::ingest_bytes(name, bytes, &self.limits)?;
        Ok(self.parsed(ing))
    }

    fn parsed(&self, ing: ingest::Ingested) -> (Format, AnnualReport) {
        let report = crate::parse::parse(&ing, &self.aliases);
        (ing.format, report)
    }

    /// Checks a report already in the model (uploaded or composed).
    pub fn check(
        &self,
        report: &AnnualReport,
        published: Option<NaiveDate>,
    ) -> (Vec<Finding>, Score) {
        let ctx = CheckContext {
            outline: &self.outline,
            settings: &self.settings,
            published,
        };
        // One pass of the shared measurements (slogans, facts of the measures) for both.
        check::check_and_score(report, &ctx)
    }

    /// Reads and checks bytes.
    pub fn check_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        published: Option<NaiveDate>,
    ) -> Result<Checked> {
        let read = self.read(name, bytes)?;
        Ok(self.checked(read, published))
    }

    /// Reads and checks a file, refusing it by size before reading it.
    pub fn check_path(&self, path: &Path, published: Option<NaiveDate>) -> Result<Checked> {
        let ing = ingest::ingest_path(path, &self.limits)?;
        Ok(self.checked(self.parsed(ing), published))
    }

    fn checked(
        &self,
        (format, report): (Format, AnnualReport),
        published: Option<NaiveDate>,
    ) -> Checked {
        let (findings, score) = self.check(&report, published);
        Checked {
            format,
            report,
            findings,
            score,
        }
    }
}

#[cfg(test)]
mod name_tests {
    use super::is_report_file_name;

    #[test]
    fn report_file_names() {
        for ok in ["报告.docx", "a.PDF", "dir/x.txt", "网页.htm", "旧.doc"] {
            assert!(is_report_file_name(ok), "{ok}");
        }
        for bad in [
            "x.js",
            "x.svg",
            "x.html.exe",
            ".docx",
            "noext",
            "x.xlsx",
            "",
        ] {
            assert!(!is_report_file_name(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod summary_tests {
    use super::Engine;
    use crate::check::Severity;

    #[test]
    fn summary_counts_titles_and_serialises() {
        let engine = Engine::default();
        let checked = engine
            .check_bytes(
                "无题.txt",
                "一、工作情况\n我们做了一些工作。\n".as_bytes(),
                None,
            )
            .expect("text reads");
        let s = checked.summary("无题.txt");
        let count = |sev| {
            checked
                .findings
                .iter()
                .filter(|f| f.severity == sev)
                .count() as i32
        };
        assert_eq!(
            (s.errors, s.warnings, s.infos),
            (
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info)
            )
        );
        let expected_title = checked.report.title.clone().unwrap_or("无题.txt".into());
        assert_eq!(s.title, expected_title);
        assert_eq!(s.score, checked.score.total as i32);
        assert_eq!(s.json, serde_json::to_string(&checked).unwrap());
    }
}
