//! The operations of the platform, shared by the pages and the JSON API: one module per
//! capability, each asking the access decision ([`access`]), then the store (and the report
//! engine). Handlers only turn requests into calls of these and results into pages or JSON.

pub mod access;
pub mod audit;
pub mod auth;
pub mod files;
pub mod ledger;
pub mod org;
pub mod reports;
pub mod users;

/// The password and token helpers the command line and the tests use, by their old path.
pub use auth::{one_time_password, random_token};
