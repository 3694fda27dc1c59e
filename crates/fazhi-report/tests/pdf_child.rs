//! The PDF reader's child process (`fazhi-pdf-text`, found beside this test binary): a
//! limit it hits is reported as that limit, in Chinese, and the reader still reads.

use fazhi_report::ingest::testkit::{pdf_from_lines, pdf_via_builtin, pdf_with_content};
use fazhi_report::ingest::{ingest_bytes, Format, Limits};
use fazhi_report::Error;
use std::time::{Duration, Instant};

/// Two million path operators: 12 MB inflated, a few dozen KB of file, but seconds of
/// work (18 s unoptimised) and over 1 GB of memory to interpret.
fn slow_pdf() -> Vec<u8> {
    pdf_with_content("0 0 m\n".repeat(2_000_000).as_bytes())
}

#[test]
fn a_pdf_that_takes_too_long_is_reported_as_the_time_limit() {
    let limits = Limits {
        pdf_timeout_secs: 1,
        ..Limits::default()
    };
    let pdf = slow_pdf();
    assert!(pdf.len() < 1 << 20, "{}", pdf.len());
    let start = Instant::now();
    match pdf_via_builtin(&pdf, &limits) {
        Err(e @ Error::Pdf(_)) => {
            let msg = e.to_string();
            assert!(msg.contains("解析超时（超过 1 秒）"), "{msg}");
            assert!(msg.contains(".docx"), "{msg}");
        }
        other => panic!(
            "expected the time limit, got {:?}",
            other.map(|i| i.blocks.len())
        ),
    }
    // Killed at the limit, not left to finish.
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_pdf_that_needs_too_much_memory_is_reported_as_the_memory_limit() {
    let limits = Limits {
        max_pdf_memory: 128 << 20,
        pdf_timeout_secs: 300,
        ..Limits::default()
    };
    match pdf_via_builtin(&slow_pdf(), &limits) {
        Err(e @ Error::Pdf(_)) => {
            let msg = e.to_string();
            assert!(msg.contains("解析所需内存超过上限 128 MB"), "{msg}");
        }
        other => panic!(
            "expected the memory limit, got {:?}",
            other.map(|i| i.blocks.len())
        ),
    }
}

#[test]
fn a_small_pdf_reads_within_small_limits() {
    let limits = Limits {
        max_pdf_memory: 256 << 20,
        pdf_timeout_secs: 20,
        ..Limits::default()
    };
    let pdf = pdf_from_lines(&["某某县司法局", "一、主要举措和成效"]);
    let ing = ingest_bytes("报告.pdf", &pdf, &limits).unwrap();
    assert_eq!(ing.format, Format::Pdf);
    let text: Vec<&str> = ing.blocks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(text, ["某某县司法局", "一、主要举措和成效"]);
}
