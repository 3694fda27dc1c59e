//! Fuzz the whole pipeline after ingest: text → normalise → parse → check → score.
//! Run: `cargo +nightly fuzz run check` (from the repository root).
#![no_main]

use fazhi_report::Engine;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ENGINE: LazyLock<Engine> = LazyLock::new(Engine::default);

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok((_, report)) = ENGINE.read("fuzz.txt", text.as_bytes()) {
            let (_, score) = ENGINE.check(&report, None);
            assert!(score.total <= 100);
        }
    }
});
