//! Shared pieces of the end-to-end tests: the real `fazhi serve` process started on port 0
//! with a fresh data directory, a small blocking HTTP/1.1 client (std only, so the tests
//! need no dependency the binary does not have), sessions, tokens, multipart bodies and a
//! generated report.
//!
//! Each `e2e_*.rs` test includes this module with `mod e2e_common;` and uses what it needs:
//! [`server`] (the process), [`http`] (requests, answers, bodies), [`client`] (calls, sign-in,
//! uploads), [`demo`] (a demo server with its printed passwords, a report, temporary
//! directories).
#![allow(dead_code)]

pub mod client;
pub mod demo;
pub mod http;
pub mod server;

pub use client::*;
pub use demo::*;
pub use http::*;
pub use server::*;
