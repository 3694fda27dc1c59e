//! The shapes the API reads and writes, with their OpenAPI schemas.
//!
//! They mirror the store's and domain's types (which live in crates that know nothing of
//! HTTP) and convert from them, so the API stays stable when storage changes. Doc comments
//! here are the published API documentation, hence in Chinese.

use chrono::{DateTime, NaiveDate, Utc};
use fazhi_domain as d;
use fazhi_store as s;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

mod accounts;
mod audit;
mod errors;
mod org;
mod reports;
mod vocabulary;

pub use accounts::*;
pub use audit::*;
pub use errors::*;
pub use org::*;
pub use reports::*;
pub use vocabulary::*;
