//! An acknowledged change survives SIGKILL: `fazhi serve` on a fresh SQLite data directory
//! takes a burst of concurrent writes (report uploads and new units, from several threads),
//! is killed with SIGKILL in the middle of it, and is started again on the same directory.
//! Every request that got a 2xx answer must then be there, byte for byte, and the audit
//! log must be complete: one `upload.create` / `unit.create` entry per upload / unit present,
//! none for anything absent, ids strictly increasing in the order the rows were made.
//!
//! Three rounds kill at three different moments of the burst (early, middle, late), each
//! on the directory the previous round left.

mod e2e_common;

use e2e_common::{demo_passwords, report_txt, tempdir, Auth, Body, Client, Server};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Writes each round may send; the kill comes long before the end.
const BURST: usize = 200;
const THREADS: usize = 6;

#[derive(Debug, Clone)]
enum Acked {
    Upload {
        id: i64,
        unit: i64,
        bytes: Vec<u8>,
        filename: String,
    },
    Unit {
        id: i64,
        code: String,
    },
}

/// The id at `path` of a JSON body, if the body arrived whole.
fn json_id(body: &[u8], path: &[&str]) -> Option<i64> {
    let mut v: Value = serde_json::from_slice(body).ok()?;
    for key in path {
        v = v.get(*key)?.clone();
    }
    v.as_i64()
}

/// Every audit entry of `action`, oldest first (the API pages newest first).
fn audit_entries(c: &Client, admin: &Auth, action: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut before = String::new();
    loop {
        let page = c.get_json(
            &format!("/api/v1/audit?action={action}&limit=1000{before}"),
            admin,
        );
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_before_id"].as_i64() {
            Some(b) => before = format!("&before_id={b}"),
            None => break,
        }
    }
    out.reverse();
    out
}

/// Sends writes from several threads until told to stop or `BURST` are sent; records the
/// acknowledged ones. Returns when the server is gone (connection errors) or the work ends.
#[allow(clippy::too_many_arguments)]
fn burst(
    c: Client,
    token: Auth,
    units: Vec<(i64, String)>,
    region: i64,
    round: usize,
    acked: Arc<Mutex<Vec<Acked>>>,
    count: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) -> (Vec<std::thread::JoinHandle<()>>, Arc<AtomicU64>) {
    let next = Arc::new(AtomicU64::new(0));
    let sent = next.clone();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (token, units, acked, count, stop, next) = (token.clone(), units.clone(), acked.clone(), count.clone(), stop.clone(), next.clone());
            std::thread::spawn(move || loop {
                let n = next.fetch_add(1, Ordering::SeqCst) as usize;
                if n >= BURST || stop.load(Ordering::SeqCst) {
                    return;
                }
                // One write in five makes a unit, the others upload a report.
                if n % 5 == 4 {
                    let code = format!("E2EDUR{round}X{n}");
                    let body = json!({"region_id": region, "code": code, "name": format!("青川市持久性测试单位{round}-{n}"), "kind": "department"});
                    match c.try_call("POST", "/api/v1/units", &token, &Body::Json(body), &[]) {
                        Ok(r) if r.is_success() => match json_id(&r.body, &["id"]) {
                            Some(id) => {
                                acked.lock().unwrap().push(Acked::Unit { id, code });
                                count.fetch_add(1, Ordering::SeqCst);
                            }
                            None => return, // the answer was cut by the kill: not acknowledged
                        },
                        Ok(r) => panic!("thread {t}: unit refused: {} {}", r.status, r.snippet()),
                        Err(_) => return, // killed
                    }
                } else {
                    let (unit, name) = &units[n % units.len()];
                    let filename = format!("durability-r{round}-{n}.txt");
                    let bytes = report_txt(name, 2024, (round * 100_000 + n) as u64).into_bytes();
                    let form = e2e_common::Multipart::new().text("year", "2024").file("file", &filename, "text/plain", bytes.clone());
                    match c.try_call("POST", &format!("/api/v1/units/{unit}/uploads"), &token, &Body::Multipart(form), &[]) {
                        Ok(r) if r.status == 201 => match json_id(&r.body, &["upload", "id"]) {
                            Some(id) => {
                                acked.lock().unwrap().push(Acked::Upload { id, unit: *unit, bytes, filename });
                                count.fetch_add(1, Ordering::SeqCst);
                            }
                            None => return, // the answer was cut by the kill: not acknowledged
                        },
                        Ok(r) => panic!("thread {t}: upload refused: {} {}", r.status, r.snippet()),
                        Err(_) => return, // killed
                    }
                }
            })
        })
        .collect();
    (workers, sent)
}

/// After a restart: everything acknowledged is there, and the audit log accounts for
/// exactly what is there.
fn verify(
    c: &Client,
    admin: &Auth,
    units: &[(i64, String)],
    acked: &[Acked],
) -> (usize, usize, usize) {
    let mut uploads_acked = 0;
    let mut units_acked = 0;
    for a in acked {
        match a {
            Acked::Upload {
                id,
                unit,
                bytes,
                filename,
            } => {
                uploads_acked += 1;
                let d = c.get(&format!("/api/v1/uploads/{id}"), admin);
                assert_eq!(
                    d.status,
                    200,
                    "acknowledged upload {id} is gone after SIGKILL: {}",
                    d.snippet()
                );
                let d = d.json();
                assert_eq!(d["upload"]["unit_id"], *unit);
                assert_eq!(d["upload"]["filename"], filename.as_str());
                let orig = c.get(&format!("/api/v1/uploads/{id}/original"), admin);
                assert_eq!(orig.status, 200);
                assert!(
                    orig.body == *bytes,
                    "upload {id}: the stored file differs from what was sent"
                );
            }
            Acked::Unit { id, code } => {
                units_acked += 1;
                let u = c.get(&format!("/api/v1/units/{id}"), admin);
                assert_eq!(
                    u.status,
                    200,
                    "acknowledged unit {id} is gone after SIGKILL: {}",
                    u.snippet()
                );
                assert_eq!(u.json()["code"], code.as_str());
            }
        }
    }

    // Uploads present in the units written to, and their audit entries.
    let mut present: BTreeSet<i64> = BTreeSet::new();
    for (unit, _) in units {
        let list = c.get_json(&format!("/api/v1/units/{unit}/uploads"), admin);
        present.extend(
            list["uploads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_i64().unwrap()),
        );
    }
    let unit_ids: BTreeSet<i64> = units.iter().map(|(u, _)| *u).collect();
    let entries = audit_entries(c, admin, "upload.create");
    let mut last_id = i64::MIN;
    let mut by_upload: BTreeMap<i64, i64> = BTreeMap::new();
    for e in &entries {
        let id = e["id"].as_i64().unwrap();
        assert!(
            id > last_id,
            "audit ids strictly increasing: {id} after {last_id}"
        );
        last_id = id;
        if e["unit_id"].as_i64().is_some_and(|u| unit_ids.contains(&u)) {
            let upload = e["entity_id"]
                .as_i64()
                .expect("upload.create names its upload");
            assert!(
                by_upload.insert(upload, id).is_none(),
                "two upload.create entries for upload {upload}"
            );
        }
    }
    let audited: BTreeSet<i64> = by_upload.keys().copied().collect();
    let unaudited: Vec<_> = present.difference(&audited).collect();
    let phantom: Vec<_> = audited.difference(&present).collect();
    assert!(
        unaudited.is_empty(),
        "uploads without their upload.create entry: {unaudited:?}"
    );
    assert!(
        phantom.is_empty(),
        "upload.create entries for uploads that do not exist: {phantom:?}"
    );
    assert_eq!(audited.len(), present.len());
    // Rows and their entries were made in the same order (one transaction each).
    let mut prev = (i64::MIN, i64::MIN);
    for (upload, audit) in &by_upload {
        assert!(
            *audit > prev.1,
            "upload {upload} audited ({audit}) before upload {} ({})",
            prev.0,
            prev.1
        );
        prev = (*upload, *audit);
    }

    // Units made by the bursts, and theirs.
    let all_units = c.get_json("/api/v1/units", admin);
    let made: BTreeSet<i64> = all_units
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["code"].as_str().is_some_and(|c| c.starts_with("E2EDUR")))
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    let unit_entries: BTreeSet<i64> = audit_entries(c, admin, "unit.create")
        .iter()
        .filter(|e| {
            e["after"]["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("E2EDUR"))
        })
        .filter_map(|e| e["entity_id"].as_i64())
        .collect();
    assert_eq!(
        made, unit_entries,
        "one unit.create entry per unit present, no more"
    );
    (uploads_acked, units_acked, present.len())
}

#[test]
fn acknowledged_writes_survive_sigkill() {
    let started = Instant::now();
    let dir = tempdir("durability");
    let mut server = Server::start(
        dir.path(),
        &["--demo", "--demo-units", "12", "--demo-years", "1"],
    );
    let lines = server.stdout.lock().unwrap().clone();
    let admin_pw = demo_passwords(&lines, &["admin"])
        .remove("admin")
        .expect("admin password printed");
    let c = server.client();
    let session = c.must_login("admin", &admin_pw);
    let token = c.token(&session, "e2e-durability");
    let all = c.get_json("/api/v1/units", &token);
    let units: Vec<(i64, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|u| {
            (
                u["id"].as_i64().unwrap(),
                u["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let city = c.root_region(&token).as_i64().unwrap();

    let demo_uploads: usize = units
        .iter()
        .map(|(u, _)| {
            c.get_json(&format!("/api/v1/units/{u}/uploads"), &token)["uploads"]
                .as_array()
                .unwrap()
                .len()
        })
        .sum();
    let acked = Arc::new(Mutex::new(Vec::new()));
    let mut report = Vec::new();
    // Kill after this many acknowledged writes in each round.
    for (round, kill_after) in [15usize, 70, 150].into_iter().enumerate() {
        let count = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let c = server.client();
        let (workers, sent) = burst(
            c,
            token.clone(),
            units.clone(),
            city,
            round,
            acked.clone(),
            count.clone(),
            stop.clone(),
        );
        let deadline = Instant::now() + Duration::from_secs(40);
        while count.load(Ordering::SeqCst) < kill_after {
            assert!(
                Instant::now() < deadline,
                "round {round}: only {} writes in 40 s",
                count.load(Ordering::SeqCst)
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        let pid = server.pid();
        // Requests started and answered just before the kill: the rest were in flight.
        let started_writes = (sent.load(Ordering::SeqCst) as usize).min(BURST);
        let at_kill = count.load(Ordering::SeqCst);
        server.kill();
        stop.store(true, Ordering::SeqCst);
        for w in workers {
            w.join().expect("a worker panicked");
        }
        let acked_total = count.load(Ordering::SeqCst);

        server = Server::start_with(dir.path(), &[], &[], Duration::from_secs(60));
        let c = server.client();
        // Sessions live in the database, so the admin's token still works after the restart.
        let (up, un, present) = verify(&c, &token, &units, &acked.lock().unwrap());
        let unacked_but_kept = present - demo_uploads - up;
        report.push(format!(
            "round {}: SIGKILL pid {pid} after {at_kill} acknowledged writes ({acked_total} acknowledged in this round, {} in flight); \
             after restart all {up} uploads and {un} units acknowledged so far are present \
             (plus {unacked_but_kept} uploads so far committed whose answer a kill cut off), audit complete",
            round + 1,
            started_writes.saturating_sub(at_kill),
        ));
        assert!(server.alive());
    }
    for line in &report {
        println!("{line}");
    }
    println!("durability: {:?} in all", started.elapsed());
}
