//! The report engine: read, understand and check any 法治政府建设年度报告.
//!
//! ```text
//! bytes ─► ingest ─► normalize ─► parse ─► AnnualReport ─► check ─► findings, score
//! ```

mod error;
pub mod ingest;
pub mod model;

pub use error::{Error, Result};
pub use model::*;
