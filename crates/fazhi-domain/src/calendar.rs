//! Working days (工作日) as the law counts them: weekdays, minus the statutory holidays, plus
//! the weekend days made working days by the yearly 调休 arrangement. The arrangement is data
//! (`frameworks/holidays.toml`), published by the State Council each year; a year without
//! data is an error, never silently counted as weekends only, because a deadline computed on
//! the wrong calendar is a wrong legal conclusion.

use crate::DomainError;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The holiday arrangement of the years it knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    years: BTreeSet<i32>,
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

#[derive(Deserialize)]
struct RawYear {
    holidays: Vec<String>,
    workdays: Vec<String>,
}

/// Longest span any computation walks (20 working days are at most ~40 calendar days; a
/// year is plenty and bounds a computation on bad input).
const MAX_SPAN_DAYS: i64 = 400;

impl HolidayCalendar {
    /// The calendar shipped with the program (`frameworks/holidays.toml`).
    pub fn builtin() -> Self {
        crate::Frameworks::builtin().calendar.clone()
    }

    /// Reads a calendar file: one table per year with `holidays` (dates or `from..to`
    /// ranges) and `workdays` (weekend days worked).
    pub fn from_toml(text: &str) -> Result<Self, DomainError> {
        let raw: BTreeMap<String, RawYear> =
            toml::from_str(text).map_err(|e| DomainError::toml("节假日安排文件", text, e))?;
        let mut cal = HolidayCalendar {
            years: BTreeSet::new(),
            holidays: BTreeSet::new(),
            workdays: BTreeSet::new(),
        };
        for (key, year) in raw {
            let y: i32 = key
                .parse()
                .map_err(|_| DomainError::Calendar(format!("“{key}”不是年份")))?;
            cal.years.insert(y);
            for item in &year.holidays {
                let (from, to) = match item.split_once("..") {
                    Some((a, b)) => (date(a)?, date(b)?),
                    None => (date(item)?, date(item)?),
                };
                if from > to || (to - from).num_days() > 31 {
                    return Err(DomainError::Calendar(format!("假期区间“{item}”不正确")));
                }
                let mut d = from;
                while d <= to {
                    check_year(d, y)?;
                    cal.holidays.insert(d);
                    d += Duration::days(1);
                }
            }
            for item in &year.workdays {
                let d = date(item)?;
                check_year(d, y)?;
                if !is_weekend(d) {
                    return Err(DomainError::Calendar(format!("调休上班日“{item}”不是周末")));
                }
                cal.workdays.insert(d);
            }
        }
        Ok(cal)
    }

    /// Whether the arrangement of `year` is known.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years the calendar knows, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// Whether `d` is a working day; an error when its year's arrangement is unknown.
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, DomainError> {
        if !self.covers(d.year()) {
            return Err(DomainError::CalendarMissing(d.year()));
        }
        Ok(if self.workdays.contains(&d) {
            true
        } else {
            !is_weekend(d) && !self.holidays.contains(&d)
        })
    }

    /// The day on which a period of `n` working days that starts the day after `start`
    /// ends (the way 《政府信息公开条例》 counts “20 个工作日内”): the n-th working day after
    /// `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Result<NaiveDate, DomainError> {
        let mut d = start;
        let mut left = n;
        let mut walked = 0;
        while left > 0 {
            d += Duration::days(1);
            walked += 1;
            if walked > MAX_SPAN_DAYS {
                return Err(DomainError::Calendar(format!(
                    "{n} 个工作日超出可计算的范围"
                )));
            }
            if self.is_working_day(d)? {
                left -= 1;
            }
        }
        Ok(d)
    }

    /// Working days in `(from, to]`: how many working days have passed from `from` to `to`
    /// (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, DomainError> {
        if to <= from {
            return Ok(0);
        }
        if (to - from).num_days() > MAX_SPAN_DAYS {
            return Err(DomainError::Calendar(
                "日期跨度超过一年，无法按工作日计算".into(),
            ));
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d)? {
                n += 1;
            }
        }
        Ok(n)
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn date(s: &str) -> Result<NaiveDate, DomainError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| DomainError::Calendar(format!("日期“{s}”格式不正确，应为 YYYY-MM-DD")))
}

fn check_year(d: NaiveDate, y: i32) -> Result<(), DomainError> {
    if d.year() == y {
        Ok(())
    } else {
        Err(DomainError::Calendar(format!("{d} 不在 [{y}] 年的安排中")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn builtin_knows_2024_to_2026() {
        let cal = HolidayCalendar::builtin();
        assert!(cal.covers(2024) && cal.covers(2025) && cal.covers(2026));
        // 春节 2026: 2-15..2-23 off; 2-14 and 2-28 (Saturdays) worked; 国庆 10-10 worked.
        assert!(!cal.is_working_day(d("2026-02-23")).unwrap());
        assert!(cal.is_working_day(d("2026-02-14")).unwrap());
        assert!(cal.is_working_day(d("2026-10-10")).unwrap());
        assert!(!cal.is_working_day(d("2026-10-07")).unwrap());
        // 春节 2025: 1-28..2-04 off; 1-26 (Sunday) and 2-08 (Saturday) worked.
        assert!(!cal.is_working_day(d("2025-01-28")).unwrap());
        assert!(!cal.is_working_day(d("2025-02-03")).unwrap());
        assert!(cal.is_working_day(d("2025-01-26")).unwrap());
        assert!(cal.is_working_day(d("2025-02-08")).unwrap());
        // An ordinary week.
        assert!(cal.is_working_day(d("2025-03-05")).unwrap());
        assert!(!cal.is_working_day(d("2025-03-08")).unwrap());
    }

    #[test]
    fn a_year_without_data_is_an_error_not_a_guess() {
        let cal = HolidayCalendar::builtin();
        assert_eq!(
            cal.is_working_day(d("2030-03-05")),
            Err(DomainError::CalendarMissing(2030))
        );
        assert!(cal.add_working_days(d("2030-03-05"), 3).is_err());
    }

    #[test]
    fn twenty_working_days_over_the_national_day() {
        let cal = HolidayCalendar::builtin();
        // Received on Thursday 2025-09-25: 9-26 (1), 9-28 Sunday worked (2), 9-29 (3), 9-30 (4),
        // 10-01..10-08 off, 10-09 (5), 10-10 (6), 10-11 Saturday worked (7), then 13 more
        // weekdays from 10-13: 10-13..17 (12), 10-20..24 (17), 10-27..29 (20).
        assert_eq!(
            cal.add_working_days(d("2025-09-25"), 20).unwrap(),
            d("2025-10-29")
        );
        assert_eq!(
            cal.working_days_between(d("2025-09-25"), d("2025-10-29"))
                .unwrap(),
            20
        );
        assert_eq!(
            cal.working_days_between(d("2025-10-29"), d("2025-09-25"))
                .unwrap(),
            0
        );
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        for bad in [
            "[2025]\nholidays = [\"2025-13-01\"]\nworkdays = []",
            "[2025]\nholidays = [\"2024-12-31\"]\nworkdays = []",
            "[2025]\nholidays = []\nworkdays = [\"2025-03-05\"]",
            "[2025]\nholidays = [\"2025-05-05..2025-05-01\"]\nworkdays = []",
            "[x]\nholidays = []\nworkdays = []",
        ] {
            assert!(
                matches!(
                    HolidayCalendar::from_toml(bad),
                    Err(DomainError::Calendar(_))
                ),
                "{bad}"
            );
        }
    }
}
