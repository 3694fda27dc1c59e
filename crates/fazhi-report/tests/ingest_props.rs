//! Ingest properties: arbitrary and mutated bytes never panic; Chinese text round-trips in
//! every encoding.

mod common;

use common::docx::main_docx;
use common::ingest::*;
use fazhi_report::ingest::testkit::pdf_from_lines;
use fazhi_report::ingest::{ingest_bytes, Limits};
use proptest::prelude::*;

fn prop_limits() -> Limits {
    Limits {
        pdf_timeout_secs: 3,
        max_docx_uncompressed: 1 << 20,
        ..Limits::default()
    }
}

const NAMES: [&str; 7] = ["a.txt", "a.docx", "a.pdf", "a.html", "a.md", "a.doc", "a"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for name in NAMES {
            let _ = ingest_bytes(name, &bytes, &prop_limits());
        }
    }

    #[test]
    fn arbitrary_tails_after_magic_never_panic(
        magic in prop_oneof![Just(&b"%PDF-1.4\n"[..]), Just(&b"PK\x03\x04"[..]), Just(&b"<html>"[..]), Just(&b"\xFF\xFE"[..])],
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut all = magic.to_vec();
        all.extend(bytes);
        for name in ["a.pdf", "a.docx", "a.html"] {
            let _ = ingest_bytes(name, &all, &prop_limits());
        }
    }
}

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(pos, byte) in edits {
        let i = pos % v.len();
        v[i] = byte;
    }
    if let Some(c) = cut {
        v.truncate(c % (v.len() + 1));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_docx_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let base = main_docx();
        let _ = ingest_bytes("a.docx", &mutate(&base, &edits, cut), &prop_limits());
    }

    #[test]
    fn mutated_pdf_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let base = pdf_from_lines(&report_lines());
        let _ = ingest_bytes("a.pdf", &mutate(&base, &edits, cut), &prop_limits());
    }
}

/// Chinese text as reports have it: common characters, some rare ones, Chinese
/// punctuation, digits and lower-case letters, several lines.
fn chinese_text() -> impl Strategy<Value = String> {
    // GB2312 level-1 hanzi: lead bytes B0..D6, trail A1..FE.
    let common = (0xB0u8..=0xD6, 0xA1u8..=0xFE).prop_map(|(a, b)| {
        let pair = [a, b];
        let (s, _, _) = encoding_rs::GBK.decode(&pair);
        s.into_owned()
    });
    let punct = prop::sample::select(vec![
        "，", "。", "、", "；", "：", "“", "”", "（", "）", "《", "》", "—",
    ])
    .prop_map(str::to_string);
    let ascii =
        prop::sample::select(vec!["0", "1", "2", "9", "a", "x", " "]).prop_map(str::to_string);
    let piece = prop_oneof![8 => common, 2 => punct, 1 => ascii];
    let line = proptest::collection::vec(piece, 1..30).prop_map(|v| v.concat());
    proptest::collection::vec(line, 1..6).prop_map(|lines| format!("法{}", lines.join("\n")))
}

fn expected_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    while v.last().is_some_and(|l| l.trim().is_empty()) {
        v.pop();
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chinese_text_round_trips_in_every_encoding(text in chinese_text()) {
        let want = expected_lines(&text);
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        let encodings: Vec<(&str, Vec<u8>)> = vec![
            ("UTF-8", text.as_bytes().to_vec()),
            ("GB18030", gb.into_owned()),
            ("UTF-16LE", utf16(&text, true, true)),
            ("UTF-16BE", utf16(&text, false, true)),
        ];
        for (name, bytes) in encodings {
            let ing = ingest_bytes("a.txt", &bytes, &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            let got: Vec<String> = ing.blocks.iter().map(|b| b.text.clone()).collect();
            prop_assert_eq!(&got, &want, "{}", name);
        }
    }
}
