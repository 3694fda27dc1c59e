//! The score (0–100) with its breakdown.

use super::{CheckContext, Finding};
use crate::model::AnnualReport;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreItem {
    pub key: &'static str,
    pub label: &'static str,
    pub points: f64,
    pub max: f64,
    /// How the points were arrived at, in Chinese.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub total: u32,
    pub items: Vec<ScoreItem>,
}

pub fn score(_report: &AnnualReport, _findings: &[Finding], _ctx: &CheckContext) -> Score {
    Score { total: 0, items: Vec::new() }
}
