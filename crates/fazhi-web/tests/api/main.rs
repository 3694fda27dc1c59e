//! The JSON API as its users meet it: the real server on a port, a fresh database (SQLite, or
//! PostgreSQL with `FAZHI_TEST_BACKEND=postgres`), requests over HTTP with session cookies
//! or API tokens. One test binary, a module per topic.

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod credentials;
mod errors;
mod openapi;
mod org;
mod reports;
mod users;
