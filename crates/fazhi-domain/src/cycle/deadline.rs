//! 时限: the submission and publication deadlines of a report year, set per region and year
//! and inherited down the region tree; which unit kinds must report; which outline applies.
//!
//! Basis: 厅字〔2019〕28号 sets 1 March (报送) and 1 April (公开, 第二十四条) of the year after
//! the report year; provinces and 示范地区 set their own (示范地区 report by the end of
//! January), so both are data: the defaults come from `frameworks/rules.toml`
//! ([`RuleSettings`]), a region's setting overrides them for itself and every region below it
//! until a lower region sets its own.

use crate::{MonthDay, RuleSettings, UnitKind};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The unit kinds that report unless a region says otherwise: government departments, the
/// governments themselves and townships (乡镇党委和政府 report to the level above, per the same
/// regulation). A supervising office (依法治X办) receives reports rather than writing one.
pub const REPORTING_KINDS: [UnitKind; 3] = [
    UnitKind::Department,
    UnitKind::Government,
    UnitKind::Township,
];

/// What one region sets for one report year; a field left `None` is inherited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeadlineSetting {
    /// 报送时限 (month-day in the year after the report year).
    pub submission: Option<MonthDay>,
    /// 公开时限 (month-day in the year after the report year).
    pub publication: Option<MonthDay>,
    /// The unit kinds that must report.
    pub kinds: Option<Vec<UnitKind>>,
    /// The outline (`frameworks/outlines`) reports follow.
    pub outline: Option<String>,
}

impl DeadlineSetting {
    /// Whether the setting sets anything.
    pub fn is_empty(&self) -> bool {
        self.submission.is_none()
            && self.publication.is_none()
            && self.kinds.is_none()
            && self.outline.is_none()
    }
}

/// The deadlines in force for the units of a region in a report year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    /// The report year (the work reported on); deadlines fall in the year after it.
    pub year: i32,
    pub submission: NaiveDate,
    pub publication: NaiveDate,
    pub kinds: Vec<UnitKind>,
    pub outline: Option<String>,
}

impl Deadlines {
    /// The deadlines of `year` for a region whose settings from the root down to itself are
    /// `chain` (root first; the nearest region's value wins field by field), over the
    /// defaults of `rules`.
    pub fn resolve(year: i32, rules: &RuleSettings, chain: &[&DeadlineSetting]) -> Deadlines {
        let nearest = |f: &dyn Fn(&DeadlineSetting) -> bool| chain.iter().rev().find(|s| f(s));
        let submission = nearest(&|s| s.submission.is_some())
            .and_then(|s| s.submission)
            .unwrap_or(rules.submission_deadline);
        let publication = nearest(&|s| s.publication.is_some())
            .and_then(|s| s.publication)
            .unwrap_or(rules.publication_deadline);
        let kinds = nearest(&|s| s.kinds.is_some())
            .and_then(|s| s.kinds.clone())
            .unwrap_or_else(|| REPORTING_KINDS.to_vec());
        let outline = nearest(&|s| s.outline.is_some()).and_then(|s| s.outline.clone());
        Deadlines {
            year,
            submission: submission.in_year(year + 1),
            publication: publication.in_year(year + 1),
            kinds,
            outline,
        }
    }

    /// Refuses deadlines a region may not set: publication before submission.
    pub fn check(&self) -> Result<(), String> {
        if self.publication < self.submission {
            return Err(format!(
                "公开时限（{}）不能早于报送时限（{}）",
                self.publication, self.submission
            ));
        }
        Ok(())
    }

    /// Whether a unit of `kind` must report.
    pub fn must_report(&self, kind: UnitKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Whether a submission at `at` (if any) was on time, as of `today` (China's date).
    pub fn submission_timeliness(&self, at: Option<DateTime<Utc>>, today: NaiveDate) -> Timeliness {
        Timeliness::of(self.submission, at, today)
    }

    /// Whether a publication at `at` (if any) was on time, as of `today` (China's date).
    pub fn publication_timeliness(
        &self,
        at: Option<DateTime<Utc>>,
        today: NaiveDate,
    ) -> Timeliness {
        Timeliness::of(self.publication, at, today)
    }
}

/// A step measured against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Done on or before the deadline day (China's date).
    OnTime,
    /// Done after the deadline day.
    Late,
    /// Not done, and the deadline day has passed.
    Missing,
    /// Not done yet, the deadline day still to come (or today).
    Pending,
}

impl Timeliness {
    /// `at` against the deadline day `deadline`: a step taken on the deadline day itself, at
    /// any hour of China's day, is on time.
    pub fn of(deadline: NaiveDate, at: Option<DateTime<Utc>>, today: NaiveDate) -> Timeliness {
        match at {
            Some(t) if china_date(t) <= deadline => Timeliness::OnTime,
            Some(_) => Timeliness::Late,
            None if today > deadline => Timeliness::Missing,
            None => Timeliness::Pending,
        }
    }

    /// `Some(true)` on time, `Some(false)` late, `None` not done.
    pub fn on_time(self) -> Option<bool> {
        match self {
            Timeliness::OnTime => Some(true),
            Timeliness::Late => Some(false),
            Timeliness::Missing | Timeliness::Pending => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::Missing => "missing",
            Timeliness::Pending => "pending",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Timeliness::OnTime => "按时",
            Timeliness::Late => "逾期",
            Timeliness::Missing => "逾期未完成",
            Timeliness::Pending => "未到期",
        }
    }
}

/// China Standard Time (UTC+8, no daylight saving): the clock of every deadline.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The date in China at the instant `t`.
pub fn china_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china()).date_naive()
}
