//! Fuzz the sheet readers (CSV in any encoding, XLSX) and the organisation parser on top.
//! Run: `cargo +nightly fuzz run sheet` (from the repository root).
#![no_main]

use fazhi_sheet::{org::parse_org, read, Limits};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["a.csv", "a.xlsx", "a.xls", "upload"];

fuzz_target!(|data: &[u8]| {
    // Small limits so the limit paths are reached too.
    let limits = Limits {
        max_bytes: 1 << 20,
        max_rows: 500,
        max_columns: 20,
        max_cell_chars: 200,
    };
    // The first byte picks the name, so the fuzzer can steer dispatch.
    let (name, bytes) = match data.split_first() {
        Some((&b, rest)) => (NAMES[b as usize % NAMES.len()], rest),
        None => ("a.csv", data),
    };
    if let Ok(rows) = read(name, bytes, &limits) {
        let _ = parse_org(rows);
    }
});
