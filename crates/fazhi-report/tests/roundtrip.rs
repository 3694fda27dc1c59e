//! The seed reports saved as GBK text, as .docx with Word automatic numbering and as PDF
//! must read the same as the .txt. The seeds come from `$FAZHI_CORPUS/seeds` (default
//! `../shared/corpus` beside the repository); without them the test says so and passes.

mod common;

use common::fail_under_ci;

use fazhi_report::ingest::testkit::{docx_from_text_auto_numbered, pdf_from_lines};
use fazhi_report::{AnnualReport, Engine};
use std::path::PathBuf;

fn corpus_seeds() -> Option<Vec<(String, String)>> {
    let root = std::env::var_os("FAZHI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    let dir = root.join("seeds");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).ok()? {
        let p = e.ok()?.path();
        if p.extension().is_some_and(|x| x == "txt") {
            let name = p.file_name()?.to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&p).ok()?));
        }
    }
    out.sort();
    Some(out)
}

/// What must read the same: the reading a user sees, not the block layout.
fn reading(r: &AnnualReport) -> serde_json::Value {
    fn tree(s: &fazhi_report::Section) -> serde_json::Value {
        serde_json::json!({
            "number": s.number, "title": s.title, "part": s.part,
            "children": s.children.iter().map(tree).collect::<Vec<_>>(),
        })
    }
    serde_json::json!({
        "genre": r.genre, "title": r.title, "unit": r.unit, "year": r.year,
        "doc_number": r.doc_number, "signed_unit": r.signed_unit, "signed_date": r.signed_date,
        "sections": r.sections.iter().map(tree).collect::<Vec<_>>(),
        "coverage": r.coverage,
        "facts": r.facts.iter().map(|f| (f.value, f.measure.clone(), f.approx)).collect::<Vec<_>>(),
    })
}

#[test]
fn seeds_read_the_same_in_every_format() {
    let Some(seeds) = corpus_seeds() else {
        fail_under_ci("no seed corpus was found (FAZHI_CORPUS)");
        eprintln!("no seed corpus found (set FAZHI_CORPUS); round-trip test skipped");
        return;
    };
    assert!(!seeds.is_empty());
    let engine = Engine::default();
    let mut failures = Vec::new();
    for (name, text) in &seeds {
        let (_, base) = engine.read(name, text.as_bytes()).unwrap();
        let want = reading(&base);
        let (gbk, _, lossy) = encoding_rs::GB18030.encode(text);
        assert!(!lossy);
        let lines: Vec<&str> = text.lines().collect();
        let variants: Vec<(&str, String, Vec<u8>)> = vec![
            ("GBK", format!("{name}.gbk.txt"), gbk.into_owned()),
            (
                "docx",
                format!("{name}.docx"),
                docx_from_text_auto_numbered(text),
            ),
            ("pdf", format!("{name}.pdf"), pdf_from_lines(&lines)),
        ];
        for (label, file, bytes) in variants {
            match engine.read(&file, &bytes) {
                Ok((_, r)) => {
                    let got = reading(&r);
                    if got != want {
                        failures.push(format!(
                            "{name} as {label} reads differently:\n want {want}\n got  {got}"
                        ));
                    }
                }
                Err(e) => failures.push(format!("{name} as {label}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
