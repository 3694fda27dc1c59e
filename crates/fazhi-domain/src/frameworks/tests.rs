use super::*;
use crate::ledger::{check_record, test_support, RecordKind, RuleContext};
use crate::procedure;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Override files (relative name → text), as read from the directory `覆盖/`.
fn files(files: &[(&str, &str)]) -> Vec<FrameworkFile> {
    files
        .iter()
        .map(|(name, text)| FrameworkFile {
            name: name.to_string(),
            file: format!("覆盖/{name}"),
            text: text.to_string(),
        })
        .collect()
}

fn load(given: &[(&str, &str)]) -> Frameworks {
    Frameworks::with_overrides(files(given)).unwrap()
}

fn load_err(given: &[(&str, &str)]) -> FrameworkError {
    Frameworks::with_overrides(files(given)).unwrap_err()
}

#[test]
fn the_builtin_data_loads_and_is_the_default() {
    let fw = Frameworks::builtin();
    assert_eq!(fw.outline_names(), ["national", "guangdong"]);
    assert_eq!(fw.procedures.filing_days, 30);
    assert!(fw.calendar.covers(2025));
    assert!(fw.passwords.contains("woaini1314"));
    // No override files change nothing.
    let loaded = load(&[]);
    assert_eq!(loaded.procedures, fw.procedures);
    assert_eq!(loaded.settings, fw.settings);
    assert_eq!(loaded.calendar, fw.calendar);
    assert_eq!(loaded.indicators, fw.indicators);
}

/// A normative document issued 2025-06-01 and filed 2025-06-20: in time under the built-in
/// 30 days, late under a province's 15 days given in the override directory.
#[test]
fn a_changed_filing_period_in_an_override_changes_the_rule() {
    let procedures = builtin_text(PROCEDURES).replace("filing_days = 30", "filing_days = 15");
    let fw = load(&[(PROCEDURES, &procedures)]);
    assert_eq!(fw.procedures.filing_days, 15);
    // Only the overridden file differs.
    assert_eq!(fw.settings, Frameworks::builtin().settings);

    let (issued, filed, today) = (d("2025-06-01"), Some(d("2025-06-20")), d("2025-12-31"));
    let builtin = &Frameworks::builtin().procedures;
    assert_eq!(
        procedure::filing_in_time(issued, filed, today, builtin),
        None
    );
    let late = procedure::filing_in_time(issued, filed, today, &fw.procedures).unwrap();
    assert_eq!(late.rule, "filing-late");
    assert!(late.message.contains("2025-06-16"), "{}", late.message);

    // And through the ledger's rules, as a saved record is checked.
    let record = test_support::data(
        RecordKind::Normative,
        2025,
        &[
            ("market", "否"),
            ("review_done", "2025-05-10"),
            ("deliberated", "2025-05-15"),
            ("issued", "2025-06-01"),
            ("filed", "2025-06-20"),
        ],
    );
    let ctx = |fw: &Frameworks| -> Vec<&'static str> {
        let rules = RuleContext {
            settings: &fw.procedures,
            calendar: &fw.calendar,
            today,
            training_hours: fw.settings.training_hours,
        };
        check_record(&record, &rules)
            .into_iter()
            .map(|v| v.rule)
            .collect()
    };
    assert_eq!(ctx(Frameworks::builtin()), Vec::<&str>::new());
    assert_eq!(ctx(&fw), ["filing-late"]);
}

#[test]
fn a_broken_override_names_file_line_and_key() {
    let procedures = builtin_text(PROCEDURES).replace("filing_days = 30", "filing_days = \"三十\"");
    let line = procedures
        .lines()
        .position(|l| l.starts_with("filing_days"))
        .unwrap()
        + 1;
    let e = load_err(&[(PROCEDURES, &procedures)]);
    assert_eq!(e.file, "覆盖/procedures.toml", "{e:?}");
    assert_eq!(e.line, Some(line));
    assert_eq!(e.key.as_deref(), Some("filing_days"));
    let text = e.to_string();
    assert!(
        text.contains("procedures.toml") && text.contains(&format!("第 {line} 行")),
        "{text}"
    );
    assert!(text.contains("filing_days"), "{text}");

    // A key left out.
    let e = load_err(&[(PROCEDURES, "comment_days = 30\n")]);
    assert_eq!(
        e.key.as_deref(),
        Some("legality_review_working_days"),
        "{e}"
    );

    // Not TOML at all.
    let e = load_err(&[(
        RULES,
        "submission_deadline = \"03-01\"\npublication_deadline = \n",
    )]);
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.to_string().contains("rules.toml"), "{e}");
}

#[test]
fn a_value_the_rules_refuse_is_located_too() {
    let rules = builtin_text(RULES).replace("\"04-01\"", "\"04-31\"");
    let line = rules.lines().position(|l| l.contains("04-31")).unwrap() + 1;
    let e = load_err(&[(RULES, &rules)]);
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(line), Some("publication_deadline"))
    );
    assert!(e.message.contains("04-31"), "{e}");

    let rules = builtin_text(RULES).replace("boilerplate_share = 0.45", "boilerplate_share = 4.5");
    let e = load_err(&[(RULES, &rules)]);
    assert_eq!(e.key.as_deref(), Some("boilerplate_share"), "{e}");
    assert!(e.line.is_some());

    let holidays = "[2027]\nholidays = [\n  \"2027-01-01\",\n  \"2027-02-30\",\n]\nworkdays = []\n";
    let e = load_err(&[(HOLIDAYS, holidays)]);
    assert_eq!(
        (e.line, e.key.as_deref()),
        (Some(4), Some("[2027].holidays")),
        "{e}"
    );
    assert!(e.to_string().contains("第 4 行“[2027].holidays”"), "{e}");
}

#[test]
fn an_unknown_file_is_refused_not_ignored() {
    let e = load_err(&[("holiday.toml", "")]);
    assert!(e.file.ends_with("holiday.toml"));
    assert!(e.message.contains("holidays.toml"), "{e}");
    for name in [
        "outlines/.toml",
        "outlines/a/b.toml",
        "outlines/x.txt",
        "rules.txt",
    ] {
        let e = load_err(&[(name, "")]);
        assert!(e.message.contains("不认识"), "{name}: {e}");
    }
}

/// The README's promise: a new year's holiday arrangement is appended to a copy of
/// `holidays.toml` in the override directory, no program change.
#[test]
fn a_new_holiday_year_is_data() {
    assert!(!Frameworks::builtin().calendar.covers(2031));
    let holidays = format!(
        "{}\n[2031]\nholidays = [\"2031-01-01\", \"2031-10-01..2031-10-07\"]\nworkdays = [\"2031-09-28\"]\n",
        builtin_text(HOLIDAYS)
    );
    let fw = load(&[(HOLIDAYS, &holidays)]);
    assert!(fw.calendar.covers(2031) && fw.calendar.covers(2025));
    assert!(!fw.calendar.is_working_day(d("2031-10-07")).unwrap());
    assert!(fw.calendar.is_working_day(d("2031-09-28")).unwrap());
}

#[test]
fn an_override_may_replace_and_add_outlines() {
    let national = builtin_text("outlines/national.toml")
        .replace("name = \"全国通用五项提纲\"", "name = \"本省通用提纲\"");
    let zhejiang = builtin_text("outlines/national.toml").replace("\"national", "\"zhejiang");
    let fw = load(&[
        ("outlines/national.toml", &national),
        ("outlines/zhejiang.toml", &zhejiang),
    ]);
    assert_eq!(fw.outline_names(), ["national", "guangdong", "zhejiang"]);
    assert_eq!(fw.national().name, "本省通用提纲");
    assert_eq!(fw.outline("zhejiang").unwrap().parts.len(), 5);
    let e = fw.outline("mars").unwrap_err().to_string();
    assert!(e.contains("zhejiang"), "{e}");
}
