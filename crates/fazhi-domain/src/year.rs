use crate::DomainError;
use serde::{Deserialize, Serialize};

/// The year a report is about (报告年度), not the year it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportYear(i32);

impl ReportYear {
    pub fn new(y: i32) -> Result<ReportYear, DomainError> {
        if (1978..=2100).contains(&y) {
            Ok(ReportYear(y))
        } else {
            Err(DomainError::Year(y))
        }
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
