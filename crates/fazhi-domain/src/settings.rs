use crate::DomainError;
use chrono::NaiveDate;
use serde::Deserialize;

/// A day of the year such as 03-01, for deadlines that fall in the year after the report year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn parse(s: &str) -> Result<MonthDay, DomainError> {
        let err = || DomainError::MonthDay(s.to_string());
        let (m, d) = s.trim().split_once('-').ok_or_else(err)?;
        let month: u32 = m.parse().map_err(|_| err())?;
        let day: u32 = d.parse().map_err(|_| err())?;
        // 2024 is a leap year, so 02-29 is accepted as a month-day.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(err)?;
        Ok(MonthDay { month, day })
    }

    /// This month-day in `year` (02-29 falls back to 02-28 in common years).
    pub fn in_year(self, year: i32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day - 1))
            .expect("validated month-day")
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// Configurable figures the checker uses (frameworks/rules.toml).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSettings {
    /// 报送时限 in the year after the report year (default 03-01).
    pub submission_deadline: MonthDay,
    /// 公开时限 in the year after the report year (default 04-01).
    pub publication_deadline: MonthDay,
    /// Share of slogan sentences from which `boilerplate-heavy` is raised.
    pub boilerplate_share: f64,
    /// Facts per 1,000 characters of `measures` below which `facts-scarce` may be raised.
    pub facts_per_thousand_chars: f64,
    /// Training hours per enforcement officer per year.
    pub training_hours: u32,
    /// Chinese characters of the 第一责任人 part below which `first-responsible-thin` is raised.
    pub first_responsible_min_chars: usize,
    /// Characters of the body below which `doc-too-short` is raised.
    pub min_body_chars: usize,
}

#[derive(Deserialize)]
struct RawSettings {
    submission_deadline: String,
    publication_deadline: String,
    boilerplate_share: f64,
    facts_per_thousand_chars: f64,
    training_hours: u32,
    #[serde(default = "default_first_responsible_min_chars")]
    first_responsible_min_chars: usize,
    #[serde(default = "default_min_body_chars")]
    min_body_chars: usize,
}

fn default_first_responsible_min_chars() -> usize {
    150
}

fn default_min_body_chars() -> usize {
    800
}

impl RuleSettings {
    pub fn from_toml(text: &str) -> Result<RuleSettings, DomainError> {
        let raw: RawSettings =
            toml::from_str(text).map_err(|e| DomainError::toml("规则参数文件", text, e))?;
        if !(0.0..=1.0).contains(&raw.boilerplate_share) {
            return Err(DomainError::Settings(
                "boilerplate_share 应在 0 到 1 之间".into(),
            ));
        }
        Ok(RuleSettings {
            submission_deadline: MonthDay::parse(&raw.submission_deadline)?,
            publication_deadline: MonthDay::parse(&raw.publication_deadline)?,
            boilerplate_share: raw.boilerplate_share,
            facts_per_thousand_chars: raw.facts_per_thousand_chars,
            training_hours: raw.training_hours,
            first_responsible_min_chars: raw.first_responsible_min_chars,
            min_body_chars: raw.min_body_chars,
        })
    }
}

impl Default for RuleSettings {
    fn default() -> Self {
        crate::Frameworks::builtin().settings.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_regulation_dates() {
        let s = RuleSettings::default();
        assert_eq!(s.submission_deadline.to_string(), "03-01");
        assert_eq!(s.publication_deadline.to_string(), "04-01");
        assert_eq!(s.training_hours, 60);
    }

    #[test]
    fn month_day_validates() {
        assert!(MonthDay::parse("02-30").is_err());
        assert!(MonthDay::parse("3/1").is_err());
        let leap = MonthDay::parse("02-29").unwrap();
        assert_eq!(leap.in_year(2023).to_string(), "2023-02-28");
    }
}
