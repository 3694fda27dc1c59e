//! What the integration tests share: fixtures for the ingest tests, and the rule that a test
//! may not skip under CI. Each test file uses its own part of it.
#![allow(dead_code)]

pub mod docx;
pub mod ingest;

/// Under CI (`CI` set) a test may not skip for want of a tool or the corpus: it fails.
pub fn fail_under_ci(what: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    assert!(
        !ci,
        "CI is set, but {what}: this test cannot run its real part"
    );
}
