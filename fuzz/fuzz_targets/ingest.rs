//! Fuzz `ingest_bytes` under every file name the dispatcher treats differently.
//! Run: `cargo +nightly fuzz run ingest` (from the repository root).
#![no_main]

use fazhi_report::ingest::{ingest_bytes, Limits};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 8] = [
    "a.txt", "a.md", "a.docx", "a.pdf", "a.html", "a.doc", "a.wps", "a",
];

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_docx_uncompressed: 4 << 20,
        pdf_timeout_secs: 5,
        ..Limits::default()
    };
    // The first byte picks the name, so the fuzzer can steer dispatch.
    let (name, bytes) = match data.split_first() {
        Some((&b, rest)) => (NAMES[b as usize % NAMES.len()], rest),
        None => ("a.txt", data),
    };
    let _ = ingest_bytes(name, bytes, &limits);
});
