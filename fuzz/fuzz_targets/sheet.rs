//! Fuzz the sheet readers (CSV in any encoding, XLSX) and the organisation parser on top.
//! Run: `cargo +nightly fuzz run sheet` (from the repository root).
//!
//! `read_xlsx` runs zip (its inflating pre-pass) and calamine (third-party) under
//! `catch_unwind`, because calamine panics on some corrupt workbooks (e.g. a shared-string
//! index past the table); the promise tested here is that no panic reaches the caller. So a
//! panic inside calamine or zip unwinds to that `catch_unwind` instead of aborting, while a
//! panic anywhere else aborts as usual.
#![no_main]

use fazhi_sheet::{org::parse_org, read, Limits};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = ["a.csv", "a.xlsx", "a.xls", "upload"];

fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let caught = info.location().is_some_and(|l| {
                l.file().contains("/calamine-") || l.file().contains("/zip-")
            });
            if !caught {
                abort(info);
            }
        }));
    },
    |data: &[u8]| {
        // Small limits so the limit paths are reached too.
        let limits = Limits {
            max_bytes: 1 << 20,
            max_rows: 500,
            max_columns: 20,
            max_cell_chars: 200,
            // Small inflation caps, so the pre-pass's limit paths are reached too.
            max_inflated_bytes: 16 << 20,
            max_inflated_part_bytes: 8 << 20,
        };
        // The first byte picks the name, so the fuzzer can steer dispatch.
        let (name, bytes) = match data.split_first() {
            Some((&b, rest)) => (NAMES[b as usize % NAMES.len()], rest),
            None => ("a.csv", data),
        };
        if let Ok(rows) = read(name, bytes, &limits) {
            let _ = parse_org(rows);
        }
    }
);
