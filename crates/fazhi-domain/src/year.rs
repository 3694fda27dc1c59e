use crate::DomainError;
use serde::{Deserialize, Serialize};

/// The year a report or a ledger record is about (报告年度), not the year it was written: the
/// one range of years the platform accepts, for forms, the API, sheet imports, the store and
/// the command line alike, so a record saved once can always be edited again.
///
/// The database schema's CHECK (1949–2100) is wider on purpose: a backstop against a bug,
/// never the rule a person meets.
///
/// A bare number on the wire; reading one outside the range fails with the same message as
/// [`ReportYear::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct ReportYear(i32);

impl TryFrom<i32> for ReportYear {
    type Error = DomainError;

    fn try_from(y: i32) -> Result<Self, Self::Error> {
        Self::parse(y)
    }
}

impl From<ReportYear> for i32 {
    fn from(y: ReportYear) -> i32 {
        y.0
    }
}

impl ReportYear {
    /// The first year accepted.
    pub const MIN: i32 = 2000;
    /// The last year accepted.
    pub const MAX: i32 = 2100;
    /// [`ReportYear::MIN`]`..=`[`ReportYear::MAX`].
    pub const RANGE: std::ops::RangeInclusive<i32> = Self::MIN..=Self::MAX;

    /// A year in [`ReportYear::RANGE`]; the error says the range (`年度 1999 不在 2000—2100
    /// 之间`).
    pub fn parse(y: i32) -> Result<ReportYear, DomainError> {
        if Self::RANGE.contains(&y) {
            Ok(ReportYear(y))
        } else {
            Err(DomainError::Year(y))
        }
    }

    /// [`ReportYear::parse`] for an edge that answers a message (a form, an API body, a sheet
    /// row, the store's own check): `Ok(())`, or the one message saying the range.
    pub fn check(y: i32) -> Result<(), String> {
        Self::parse(y).map(|_| ()).map_err(|e| e.to_string())
    }

    /// Whether `y` is in [`ReportYear::RANGE`].
    pub fn accepts(y: i32) -> bool {
        Self::RANGE.contains(&y)
    }

    pub fn get(self) -> i32 {
        self.0
    }

    pub fn next(self) -> i32 {
        self.0 + 1
    }
}

impl std::fmt::Display for ReportYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_range_and_its_message() {
        assert_eq!(ReportYear::parse(2000).map(ReportYear::get), Ok(2000));
        assert_eq!(ReportYear::parse(2100).map(ReportYear::get), Ok(2100));
        assert_eq!(
            ReportYear::parse(1999).unwrap_err().to_string(),
            "年度 1999 不在 2000—2100 之间"
        );
        assert!(!ReportYear::accepts(2101));
        assert_eq!(ReportYear::check(2025), Ok(()));
        assert_eq!(
            ReportYear::check(2101),
            Err("年度 2101 不在 2000—2100 之间".to_string())
        );
    }

    #[test]
    fn a_bare_number_checked_when_read() {
        let y = ReportYear::parse(2024).unwrap();
        assert_eq!(serde_json::to_string(&y).unwrap(), "2024");
        assert_eq!(serde_json::from_str::<ReportYear>("2024").unwrap(), y);
        let e = serde_json::from_str::<ReportYear>("1999").unwrap_err();
        assert!(e.to_string().contains("年度 1999 不在 2000—2100 之间"));
    }
}
