//! The demo's ledger: every record is one the save rules accept, every planted violation is
//! reported by the domain's rules and nothing else is, what falls due soon is listed, and in a
//! real (SQLite) store the statistics of every unit match a count made here by hand from the
//! records' fields, with the records behind each figure.

use chrono::NaiveDate;
use fazhi_demo::ledger::{ledger_year, UnitLedger};
use fazhi_demo::{ledger_plan, populate, DemoOptions};
use fazhi_domain::ledger::{
    check_record, check_year, due_items, statistics, Record, RecordId, RecordKind, RuleContext,
    Statistics,
};
use fazhi_domain::{HolidayCalendar, ProcedureSettings, RuleSettings, UnitId};
use fazhi_report::Engine;
use fazhi_store::{open, DbTarget, LedgerQuery, Store};
use std::collections::{BTreeMap, BTreeSet};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn options() -> DemoOptions {
    DemoOptions {
        units: 30,
        years: 2,
        last_year: 2025,
        seed: 7,
        today: today(),
    }
}

struct Ctx {
    settings: ProcedureSettings,
    calendar: HolidayCalendar,
}

impl Ctx {
    fn new() -> Ctx {
        Ctx {
            settings: ProcedureSettings::builtin(),
            calendar: HolidayCalendar::builtin(),
        }
    }

    fn rules(&self) -> RuleContext<'_> {
        RuleContext {
            settings: &self.settings,
            calendar: &self.calendar,
            today: today(),
            training_hours: RuleSettings::default().training_hours,
        }
    }
}

/// The plan's records with ids 1, 2, 3 … as a store would give them.
fn numbered(l: &UnitLedger) -> Vec<Record> {
    l.records
        .iter()
        .enumerate()
        .map(|(i, data)| Record {
            id: RecordId(i as i64 + 1),
            unit_id: UnitId(1),
            data: data.clone(),
        })
        .collect()
}

/// Each planted violation as (rule, year, what it names), and the same read from the rules'
/// answer: the record's title, or for the training hours each short officer's name.
fn found_violations(
    records: &[Record],
    year: i32,
    ctx: &RuleContext,
) -> BTreeSet<(String, i32, String)> {
    let by_id: BTreeMap<RecordId, &Record> = records.iter().map(|r| (r.id, r)).collect();
    let mut out = BTreeSet::new();
    for v in check_year(records, year, ctx) {
        for id in &v.record_ids {
            let r = by_id[id];
            let what = if v.violation.rule == "training-hours-short" {
                let name = r.data.fields.text("name").unwrap().to_string();
                assert!(
                    v.violation.message.contains(&name),
                    "{}",
                    v.violation.message
                );
                name
            } else {
                r.title()
            };
            out.insert((v.violation.rule.to_string(), year, what));
        }
    }
    out
}

#[test]
fn every_record_is_accepted_and_only_the_planted_violations_are_found() {
    let opts = options();
    let plan = ledger_plan(&opts).unwrap();
    let ctx = Ctx::new();
    let rc = ctx.rules();
    assert_eq!(plan.len(), 30);
    let year = ledger_year(opts.last_year, opts.today);
    assert_eq!(year, 2025);
    let mut rules_planted = BTreeSet::new();
    let framework = fazhi_domain::Framework::builtin();
    for l in &plan {
        let records = numbered(l);
        // Every kind, in the ledger year; something of the current year.
        for kind in RecordKind::ALL {
            assert!(
                records
                    .iter()
                    .any(|r| r.data.kind == kind && r.data.year == year),
                "{} has no {kind:?}",
                l.unit_name
            );
        }
        assert!(
            records.iter().any(|r| r.data.year == 2026),
            "{}",
            l.unit_name
        );
        for r in &records {
            for code in &r.data.indicators {
                assert!(framework.get(code).is_some(), "unknown indicator {code}");
            }
            let refused: Vec<_> = check_record(&r.data, &rc)
                .into_iter()
                .filter(|v| v.refuse)
                .collect();
            assert!(
                refused.is_empty(),
                "{} {:?}: {refused:?}",
                l.unit_name,
                r.data
            );
        }
        for y in [year, 2026] {
            let found = found_violations(&records, y, &rc);
            let planted: BTreeSet<(String, i32, String)> = l
                .planted
                .iter()
                .filter(|p| p.year == y)
                .map(|p| (p.rule.to_string(), p.year, p.record.clone()))
                .collect();
            assert_eq!(found, planted, "{} {y}", l.unit_name);
        }
        for p in &l.planted {
            rules_planted.insert(p.rule);
        }
        // What falls due within 30 days is listed with the same date.
        let due = due_items(&records, &rc, 30);
        for d in &l.due {
            assert!(
                due.iter().any(|i| i.kind == d.kind
                    && i.title == d.record
                    && i.due == d.due
                    && !i.overdue),
                "{}: {d:?} not in {due:?}",
                l.unit_name
            );
        }
    }
    // The showcase unit (市科工局) carries every planted kind, and something due soon.
    let kgj = plan
        .iter()
        .find(|l| l.unit_name == "青川市科学技术和工业信息化局")
        .unwrap();
    let kinds: BTreeSet<&str> = kgj.planted.iter().map(|p| p.rule).collect();
    let all = [
        "certificate-expired",
        "certificate-expiring",
        "disclosure-late",
        "disclosure-overdue",
        "filing-late",
        "rectification-overdue",
        "suggestion-late",
        "training-hours-short",
    ];
    assert_eq!(kinds, all.into_iter().collect());
    assert_eq!(rules_planted, all.into_iter().collect());
    assert!(kgj.due.len() >= 4, "{:?}", kgj.due);
    // The rectifications take up the problems of the previous year's report.
    assert!(kgj
        .records
        .iter()
        .any(|r| r.kind == RecordKind::Rectification
            && r.fields.text("source") == Some("上年度报告")
            && r.fields.count("source_year") == Some(2024)));

    // The same options give the same ledger; another seed another one.
    assert_eq!(ledger_plan(&opts).unwrap(), plan);
    let other = ledger_plan(&DemoOptions { seed: 8, ..opts }).unwrap();
    assert_ne!(other, plan);
}

/// The ids of the records of `kind` in the year that satisfy `pred`, ascending.
fn ids_where(
    records: &[Record],
    year: i32,
    kind: RecordKind,
    pred: impl Fn(&Record) -> bool,
) -> Vec<RecordId> {
    let mut v: Vec<RecordId> = records
        .iter()
        .filter(|r| r.data.year == year && r.data.kind == kind && pred(r))
        .map(|r| r.id)
        .collect();
    v.sort_unstable();
    v
}

/// A figure's value and its record ids (sorted); `None` when the figure is absent.
fn fig(stats: &Statistics, key: &str) -> Option<(f64, Vec<RecordId>)> {
    stats.figure(key).map(|f| {
        let mut ids = f.record_ids.clone();
        ids.sort_unstable();
        (f.value, ids)
    })
}

/// A count figure as (value, ids), checked against a hand-picked id list.
fn assert_count(stats: &Statistics, key: &str, ids: &[RecordId], unit: &str) {
    let got = fig(stats, key).unwrap_or_else(|| panic!("{unit}: no figure {key}"));
    assert_eq!(got, (ids.len() as f64, ids.to_vec()), "{unit}: {key}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_ledgers_count_as_counted_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let store: std::sync::Arc<dyn Store> = open(&DbTarget::Sqlite(dir.path().join("demo.sqlite3")))
        .await
        .unwrap();
    let opts = options();
    let summary = populate(store.as_ref(), &Engine::default(), &opts)
        .await
        .unwrap();
    let plan = ledger_plan(&opts).unwrap();
    let year = ledger_year(opts.last_year, opts.today);
    assert_eq!(
        summary.ledger_records,
        plan.iter().map(|l| l.records.len()).sum::<usize>()
    );
    let mut planted: BTreeMap<String, usize> = BTreeMap::new();
    for p in plan.iter().flat_map(|l| &l.planted) {
        *planted.entry(p.rule.to_string()).or_default() += 1;
    }
    assert_eq!(summary.ledger_planted, planted);
    assert_eq!(
        summary.ledger_attachments,
        plan.iter().map(|l| l.attachments.len()).sum::<usize>()
    );

    let ctx = Ctx::new();
    let rc = ctx.rules();
    let units = store.units(None).await.unwrap();
    for l in &plan {
        let unit = units.iter().find(|u| u.code == l.unit_code).unwrap();
        let page = store
            .records(&LedgerQuery {
                unit_id: unit.id,
                ..LedgerQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(page.total as usize, l.records.len(), "{}", l.unit_name);
        let records: Vec<Record> = page.items.iter().map(|r| r.record.clone()).collect();
        // What was stored is what was written (as text: order and ids aside).
        let mut stored: Vec<String> = records.iter().map(|r| format!("{:?}", r.data)).collect();
        let mut written: Vec<String> = l.records.iter().map(|d| format!("{d:?}")).collect();
        stored.sort();
        written.sort();
        assert_eq!(stored, written, "{}", l.unit_name);

        // The files kept with records: on the records the plan meant.
        assert!(!l.attachments.is_empty(), "{}", l.unit_name);
        for a in &l.attachments {
            let row = page
                .items
                .iter()
                .find(|row| row.record.data.fields == l.records[a.index].fields)
                .unwrap();
            assert_eq!(row.record.title(), a.record);
            assert!(
                row.attachments
                    .iter()
                    .any(|x| x.filename == a.filename && x.size as usize == a.bytes.len()),
                "{}: {a:?}",
                l.unit_name
            );
        }
        let u = l.unit_name.as_str();
        let e = &l.expected;
        let stats = statistics(&records, year, &rc);
        assert_eq!(stats.year, year);
        let kind_ids = |kind| ids_where(&records, year, kind, |_| true);

        // Totals of every kind that has one, against the plan and the records.
        for (kind, key) in [
            (RecordKind::Study, "study.total"),
            (RecordKind::Collective, "collective.total"),
            (RecordKind::MajorDecision, "major_decision.total"),
            (RecordKind::Normative, "normative.total"),
            (RecordKind::Popularization, "popularization.total"),
            (RecordKind::Suggestion, "suggestion.total"),
            (RecordKind::Publication, "publication.total"),
            (RecordKind::DisclosureRequest, "disclosure_request.total"),
            (RecordKind::EnterpriseRequest, "enterprise_request.total"),
            (RecordKind::Rectification, "rectification.total"),
        ] {
            let ids = kind_ids(kind);
            assert_eq!(ids.len(), e.per_kind[&kind], "{u}: {kind:?}");
            assert_count(&stats, key, &ids, u);
        }

        // 学法 by form, counted from the form field.
        for (form, suffix) in [
            ("党组会学法", "party_group"),
            ("理论学习中心组学法", "center_group"),
            ("集中学法", "collective"),
            ("专题讲座", "lecture"),
            ("旁听庭审", "trial"),
        ] {
            let ids = ids_where(&records, year, RecordKind::Study, |r| {
                r.data.fields.text("form") == Some(form)
            });
            assert_eq!(
                ids.len(),
                e.study_forms.get(form).copied().unwrap_or(0),
                "{u}: {form}"
            );
            let key = format!("study.form.{suffix}");
            if ids.is_empty() {
                assert!(stats.figure(&key).is_none(), "{u}: {key}");
            } else {
                assert_count(&stats, &key, &ids, u);
            }
        }
        let with_leader = ids_where(&records, year, RecordKind::Study, |r| {
            r.data.fields.flag("leader_present")
        });
        assert_eq!(with_leader.len(), e.study_with_leader, "{u}");
        assert_count(&stats, "study.leader_present", &with_leader, u);
        let attendees: i64 = records
            .iter()
            .filter(|r| r.data.year == year && r.data.kind == RecordKind::Study)
            .filter_map(|r| r.data.fields.count("attendees"))
            .sum();
        assert_eq!(
            fig(&stats, "study.attendees").unwrap().0,
            attendees as f64,
            "{u}"
        );

        // Officers and their hours: each officer's training records matched by name here.
        let officers: Vec<&Record> = records
            .iter()
            .filter(|r| r.data.year == year && r.data.kind == RecordKind::Officer)
            .collect();
        assert_eq!(
            fig(&stats, "officer.total").unwrap().0,
            officers.len() as f64,
            "{u}"
        );
        let mut hours_by_name: BTreeMap<String, f64> = BTreeMap::new();
        for r in records
            .iter()
            .filter(|r| r.data.year == year && r.data.kind == RecordKind::Training)
        {
            *hours_by_name
                .entry(r.data.fields.text("name").unwrap().to_string())
                .or_default() += r.data.fields.hours("hours").unwrap();
        }
        assert_eq!(hours_by_name, e.officer_hours, "{u}");
        let total_hours: f64 = hours_by_name.values().sum();
        assert_eq!(
            fig(&stats, "training.total_hours").unwrap().0,
            total_hours,
            "{u}"
        );
        let avg = (total_hours / officers.len() as f64 * 10.0).round() / 10.0;
        assert_eq!(fig(&stats, "training.avg_hours").unwrap().0, avg, "{u}");
        let short_ids = ids_where(&records, year, RecordKind::Officer, |r| {
            hours_by_name[r.data.fields.text("name").unwrap()] < f64::from(rc.training_hours)
        });
        assert_eq!(short_ids.len(), e.short_officers.len(), "{u}");
        assert_count(&stats, "training.short", &short_ids, u);
        let expired = ids_where(&records, year, RecordKind::Officer, |r| {
            r.data.fields.date("valid_until").unwrap()
                < NaiveDate::from_ymd_opt(year, 12, 31).unwrap()
        });
        assert_count(&stats, "officer.expired", &expired, u);

        // 普法: sums of the recorded numbers.
        let sum = |key: &str| -> i64 {
            records
                .iter()
                .filter(|r| r.data.year == year && r.data.kind == RecordKind::Popularization)
                .filter_map(|r| r.data.fields.count(key))
                .sum()
        };
        assert_eq!(sum("audience"), e.audience, "{u}");
        assert_eq!(sum("materials"), e.materials, "{u}");
        assert_eq!(
            fig(&stats, "popularization.materials").unwrap().0,
            e.materials as f64,
            "{u}"
        );
        assert_eq!(sum("enterprises"), e.enterprises, "{u}");
        assert_eq!(
            fig(&stats, "popularization.audience").unwrap().0,
            e.audience as f64,
            "{u}"
        );
        let firms = fig(&stats, "popularization.enterprises").unwrap();
        assert_eq!(firms.0, e.enterprises as f64, "{u}");
        assert_eq!(
            firms.1,
            ids_where(&records, year, RecordKind::Popularization, |r| r
                .data
                .fields
                .count("enterprises")
                .is_some()),
            "{u}"
        );

        // 建议提案: all answered, some late.
        let npc = ids_where(&records, year, RecordKind::Suggestion, |r| {
            r.data.fields.text("category") == Some("人大代表建议")
        });
        assert_eq!(npc.len(), e.npc_suggestions, "{u}");
        assert_count(&stats, "suggestion.npc", &npc, u);
        assert_eq!(
            fig(&stats, "suggestion.answer_rate").unwrap().0,
            100.0,
            "{u}"
        );
        let on_time = fig(&stats, "suggestion.on_time_rate").unwrap().0;
        let want = (e.suggestions_in_time as f64 / e.per_kind[&RecordKind::Suggestion] as f64
            * 1000.0)
            .round()
            / 10.0;
        assert_eq!(on_time, want, "{u}");

        // 依申请公开 and 规范性文件 as planted.
        let late_disclosure = l
            .planted
            .iter()
            .filter(|p| p.year == year && p.rule == "disclosure-late")
            .count();
        assert_eq!(
            e.per_kind[&RecordKind::DisclosureRequest] - e.disclosure_in_time,
            late_disclosure,
            "{u}"
        );
        assert_eq!(
            fig(&stats, "disclosure_request.on_time").unwrap().0,
            e.disclosure_in_time as f64,
            "{u}"
        );
        assert_eq!(
            fig(&stats, "disclosure_request.overdue").unwrap().0,
            late_disclosure as f64,
            "{u}"
        );
        assert_eq!(
            fig(&stats, "normative.filing_rate").unwrap().0,
            100.0,
            "{u}"
        );
        let late_filing = l
            .planted
            .iter()
            .filter(|p| p.year == year && p.rule == "filing-late")
            .count();
        assert_eq!(
            e.per_kind[&RecordKind::Normative] - e.normative_filed_in_time,
            late_filing,
            "{u}"
        );
        assert_count(
            &stats,
            "normative.filed",
            &ids_where(&records, year, RecordKind::Normative, |r| {
                r.data.fields.date("filed").is_some()
            }),
            u,
        );

        // 整改: completed ones and the planted overdue one.
        let done = ids_where(&records, year, RecordKind::Rectification, |r| {
            r.data.fields.text("status") == Some("已完成")
        });
        assert_eq!(done.len(), e.rectifications_done, "{u}");
        assert_count(&stats, "rectification.completed", &done, u);
        let overdue = ids_where(&records, year, RecordKind::Rectification, |r| {
            r.data.fields.text("status") != Some("已完成")
        });
        assert_count(&stats, "rectification.overdue", &overdue, u);

        // 负责人出庭应诉.
        let appeared = ids_where(&records, year, RecordKind::ReviewCase, |r| {
            r.data.fields.flag("leader_appeared")
        });
        assert_eq!(appeared.len(), e.leader_appeared, "{u}");
        let litigation = ids_where(&records, year, RecordKind::ReviewCase, |r| {
            r.data.fields.text("category") == Some("行政应诉")
        });
        assert_eq!(litigation.len(), e.litigation, "{u}");
        assert_count(&stats, "review_case.litigation", &litigation, u);
        assert_count(&stats, "review_case.leader_appeared", &appeared, u);

        // Every planted violation is reported on the stored records too.
        for y in [year, 2026] {
            let found = found_violations(&records, y, &rc);
            let want: BTreeSet<(String, i32, String)> = l
                .planted
                .iter()
                .filter(|p| p.year == y)
                .map(|p| (p.rule.to_string(), p.year, p.record.clone()))
                .collect();
            assert_eq!(found, want, "{u} {y}");
        }
    }
}
