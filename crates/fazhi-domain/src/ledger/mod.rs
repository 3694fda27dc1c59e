//! The ledger (台账): the year's rule-of-law work recorded once, as typed records of the kinds
//! in [`RecordKind`], checked against the procedures of [`crate::procedure`] when saved, and
//! counted into the figures of an annual report.

mod check;
mod coverage;
mod due;
mod indicators;
mod kind;
mod stats;
mod value;

pub use check::*;
pub use coverage::*;
pub use due::*;
pub use indicators::*;
pub use kind::*;
pub use stats::*;
pub use value::*;

use crate::UnitId;
use serde::Serialize;

pub use crate::id::RecordId;

/// A record as the user means it, before it has an id: what forms, Excel rows and API bodies
/// become once parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordData {
    pub kind: RecordKind,
    /// The report year the record counts toward.
    pub year: i32,
    pub fields: Fields,
    /// Indicator codes of the framework; defaults per kind when the user chose none.
    pub indicators: Vec<String>,
}

/// A saved record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub id: RecordId,
    pub unit_id: UnitId,
    pub data: RecordData,
}

impl Record {
    pub fn kind(&self) -> RecordKind {
        self.data.kind
    }

    pub fn fields(&self) -> &Fields {
        &self.data.fields
    }

    /// The record's name in lists and links ([`RecordData::title`]).
    pub fn title(&self) -> String {
        self.data.title()
    }
}

impl RecordData {
    /// The record's name in lists and links (the first line of its title field, cut to 60
    /// characters).
    pub fn title(&self) -> String {
        let t = self.fields.display(self.kind.title_field());
        let t = t.lines().next().unwrap_or("").to_string();
        if t.chars().count() > 60 {
            let mut s: String = t.chars().take(59).collect();
            s.push('…');
            s
        } else {
            t
        }
    }
}
