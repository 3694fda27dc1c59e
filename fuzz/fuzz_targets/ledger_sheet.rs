//! Fuzz the ledger import: arbitrary bytes as an .xlsx or .csv file of an arbitrary record
//! kind through `parse_import` (reader, header matching, every field parser, indicators).
//! Run: `cargo +nightly fuzz run ledger_sheet` (from the repository root).
//!
//! As in the `sheet` target, a panic inside calamine or zip (third-party, caught by
//! `read_xlsx`'s `catch_unwind`) is let unwind; a panic anywhere else aborts.
#![no_main]

use fazhi_domain::ledger::RecordKind;
use fazhi_domain::Framework;
use fazhi_sheet::ledger::{headers, parse_import};
use fazhi_sheet::Limits;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static FRAMEWORK: LazyLock<Framework> = LazyLock::new(Framework::builtin);

const NAMES: [&str; 4] = ["a.xlsx", "a.csv", "upload", "a.xls"];

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
        let limits = Limits {
            max_bytes: 1 << 20,
            max_rows: 500,
            max_columns: 30,
            max_cell_chars: 500,
            // Small inflation caps, so the pre-pass's limit paths are reached too.
            max_inflated_bytes: 16 << 20,
            max_inflated_part_bytes: 8 << 20,
        };
        // Byte 0 picks the kind, byte 1 the name and whether the kind's own header row is
        // put before CSV text (so that the rows reach the field parsers).
        let (kind, name, with_header, bytes) = match data {
            [k, n, rest @ ..] => (
                RecordKind::ALL[*k as usize % RecordKind::ALL.len()],
                NAMES[*n as usize % NAMES.len()],
                n & 0x80 != 0,
                rest,
            ),
            _ => (RecordKind::Study, "a.csv", false, data),
        };
        let input: Vec<u8> = if with_header && name != "a.xlsx" {
            let mut v = headers(kind).join(",").into_bytes();
            v.push(b'\n');
            v.extend_from_slice(bytes);
            v
        } else {
            bytes.to_vec()
        };
        match parse_import(kind, &input, name, 2025, &FRAMEWORK, &limits) {
            Ok(rows) => {
                for r in &rows {
                    assert_eq!(r.data.kind, kind);
                    assert!((1978..=2100).contains(&r.data.year));
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
);
