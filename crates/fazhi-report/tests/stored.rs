//! A checked report survives being stored as JSON and read back (the web keeps it this way).

use fazhi_report::{Checked, Engine};

#[test]
fn checked_round_trips_through_json() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let engine = Engine::default();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(checked) = engine.check_path(&path, None) else {
            continue;
        };
        let json = serde_json::to_string(&checked).unwrap();
        let back: Checked = serde_json::from_str(&json).unwrap();
        assert_eq!(back.report, checked.report, "{}", path.display());
        assert_eq!(back.findings, checked.findings, "{}", path.display());
        assert_eq!(back.score, checked.score, "{}", path.display());
        assert_eq!(back.format, checked.format, "{}", path.display());
        n += 1;
    }
    assert!(n >= 3, "only {n} fixtures read");
}
