//! The generated reports read as intended: genre, unit, year, and each planted defect
//! raises its rule while an unplanted report raises no error.

use fazhi_demo::{build_tree, write_report, Defect};
use fazhi_report::check::Severity;
use fazhi_report::{Engine, Genre};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The one unit whose name the parser does not read as a unit: party offices named
/// …全面依法治市委员会办公室 (the parser keeps 依法治 out of unit names, since the phrase is
/// mostly prose). Its reports are still read as rule-of-law annual reports of the year.
const UNREAD_NAME: &str = "中共青川市委全面依法治市委员会办公室";

#[test]
fn engine_reads_genre_unit_year_and_planted_defects() {
    let tree = build_tree(400);
    let engine = Engine::default();
    let all = [
        Defect::None,
        Defect::PartMissing,
        Defect::CausesMissing,
        Defect::DateMissing,
        Defect::SignatureMismatch,
        Defect::FactsScarce,
    ];
    // Every unit kind and area appears among every fifth unit of 400.
    for (i, unit) in tree
        .units
        .iter()
        .enumerate()
        .step_by(5)
        .chain(tree.units.iter().enumerate().take(30))
    {
        for (k, defect) in all.iter().enumerate() {
            for year in [2023, 2025] {
                let mut rng = ChaCha8Rng::seed_from_u64((i * 31 + k) as u64 ^ year as u64);
                let other = &tree.units[(i + 11) % tree.units.len()].name;
                let draft = write_report(unit, year, *defect, other, &mut rng);
                let c = engine
                    .check_bytes("demo.txt", draft.text.as_bytes(), None)
                    .unwrap();
                let r = &c.report;
                let what = format!("{} {year} {defect:?}", unit.name);
                assert_eq!(r.genre, Genre::RuleOfLawAnnualReport, "{what}");
                assert_eq!(r.year, Some(year), "{what}");
                assert_eq!(r.title.as_deref(), Some(draft.title.as_str()), "{what}");
                if unit.name != UNREAD_NAME {
                    assert_eq!(
                        r.unit.as_ref().map(|u| u.written.as_str()),
                        Some(unit.name.as_str()),
                        "{what}"
                    );
                }
                assert_eq!(r.signed_date, draft.signed, "{what}");
                let rules: Vec<&str> = c.findings.iter().map(|f| f.rule).collect();
                match defect.rule() {
                    Some(rule)
                        if unit.name != UNREAD_NAME || *defect != Defect::SignatureMismatch =>
                    {
                        assert!(rules.contains(&rule), "{what}: {rules:?}")
                    }
                    _ => {}
                }
                if *defect == Defect::None {
                    let errors: Vec<&str> = c
                        .findings
                        .iter()
                        .filter(|f| f.severity == Severity::Error)
                        .map(|f| f.rule)
                        .collect();
                    assert!(errors.is_empty(), "{what}: {errors:?}\n{}", draft.text);
                }
            }
        }
    }
}

#[test]
fn same_stream_same_text() {
    let tree = build_tree(30);
    let write = |seed| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        write_report(&tree.units[5], 2024, Defect::None, "x", &mut rng).text
    };
    assert_eq!(write(9), write(9));
    assert_ne!(write(9), write(10));
}
