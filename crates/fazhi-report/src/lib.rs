//! The report engine: read, understand and check any 法治政府建设年度报告.
//!
//! ```text
//! bytes ─► ingest ─► normalize ─► parse ─► AnnualReport ─► check ─► findings, score
//! ```

pub mod check;
mod engine;
mod error;
pub mod ingest;
pub mod intern;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod render;

pub use engine::{is_report_file_name, Checked, CheckedSummary, Engine, REPORT_EXTENSIONS};
pub use error::{Error, Result};
pub use model::*;
