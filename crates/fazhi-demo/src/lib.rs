//! The deterministic demo data set: an invented city (青川市, code 991000) with its
//! counties, townships and units, an account for every role, and years of annual reports
//! written by a generator, checked by the engine and stored as uploads; then a year of ledger
//! (台账) records for every unit ([`ledger`]).
//!
//! The same [`DemoOptions`] always give the same organisation, accounts, report bytes and
//! ledger (the ledger's open items are dated relative to `today`), so a demo can be rebuilt,
//! compared and written about. To read one generated report and
//! what the engine makes of it: `cargo run -p fazhi-demo --example sample -- 3 2024 1 0`.

pub mod ledger;
mod names;
mod phrases;
mod text;

pub use names::{build as build_tree, Area, RegionSpec, Tree, UnitSpec, CITY, CITY_CODE};
pub use text::{write as write_report, Defect, Draft};

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use fazhi_domain::cycle::{
    check_step, china_date, Confidentiality, CycleRefusal, Deadlines, Situation, Step, StepInput,
};
use fazhi_domain::{Grant, Node, RegionId, ReportYear, Role, RuleSettings, UnitId};
use fazhi_report::{Checked, Engine};
use fazhi_store::{
    Actor, CycleReport, NewReview, NewUpload, NewUser, StepWrite, Store, StoreError, Timestamp,
    VersionPlan,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use thiserror::Error;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// About this many units (the tree grows counties and townships to reach it).
    pub units: usize,
    /// Reports per unit: one per year, ending with `last_year`.
    pub years: u32,
    /// The latest report year.
    pub last_year: i32,
    /// Varies the reports' figures, wording and planted defects; not the organisation.
    pub seed: u64,
    /// The day the demo is made: the ledger's open items (a reply due, a certificate about
    /// to expire) are dated relative to it, so the dashboards have something due soon.
    pub today: NaiveDate,
}

impl Default for DemoOptions {
    /// 30 units, 3 years ending with the latest completed year, seed 1, today.
    fn default() -> Self {
        // The day in China (UTC+8), as the web's dashboards count it; the latest completed
        // year is the one before it (read once, so the two agree on New Year's Eve).
        let today = (Utc::now() + chrono::Duration::hours(8)).date_naive();
        DemoOptions {
            units: 30,
            years: 3,
            last_year: today.year() - 1,
            seed: 1,
            today,
        }
    }
}

/// One demo account, with its password in clear (to be printed: it is a demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub login: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    /// Where the role is granted (青川市, 市科工局 …).
    pub scope: String,
}

/// What [`populate`] made.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DemoSummary {
    pub accounts: Vec<DemoAccount>,
    pub regions: usize,
    pub units: usize,
    pub reports: usize,
    pub published: usize,
    /// Findings of the stored reports by rule id.
    pub findings: BTreeMap<String, usize>,
    /// Ledger records stored (every unit, the ledger year and the current one).
    pub ledger_records: usize,
    /// Procedure violations planted in the ledger, by rule id.
    pub ledger_planted: BTreeMap<String, usize>,
    /// Files kept with ledger records (sign-in sheets, legality review opinions).
    pub ledger_attachments: usize,
}

#[derive(Debug, Error)]
pub enum DemoError {
    #[error("数据库不是空的（已有{0}），演示数据只能写入空数据库")]
    NotEmpty(String),
    #[error("演示参数无效：{0}")]
    Options(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("演示报告第 {index} 份无法审查：{message}")]
    Report { index: usize, message: String },
    #[error("演示账号的密码无法加密：{0}")]
    Password(String),
    #[error("演示账号“{0}”的登录名无效：{1}")]
    Login(String, fazhi_domain::policy::LoginProblem),
    #[error("{0}")]
    Ledger(String),
}

/// Where [`populate_with_progress`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Organisation {
        units: usize,
    },
    Accounts {
        accounts: usize,
    },
    /// `done` of `total` reports written and checked, stored.
    Reports {
        done: usize,
        total: usize,
    },
    /// Ledgers of `done` of `total` units stored.
    Ledger {
        done: usize,
        total: usize,
    },
}

/// The demo passwords, one per role (printed after the demo is made). They pass the password
/// policy for the demo's logins (none of `admin`, `dudao` … inside).
pub const PASSWORDS: [(Role, &str); 4] = [
    (Role::Admin, "Demo-Guanli-2025!"),
    (Role::Supervisor, "Demo-Ducha-2025!"),
    (Role::UnitLeader, "Demo-Leader-2025!"),
    (Role::UnitStaff, "Demo-Staff-2025!"),
];

fn password_of(role: Role) -> &'static str {
    PASSWORDS
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("Demo-2025!", |(_, p)| p)
}

/// Fills an empty store with the demo. See [`populate_with_progress`].
pub async fn populate(
    store: &dyn Store,
    engine: &Engine,
    opts: &DemoOptions,
) -> Result<DemoSummary, DemoError> {
    populate_with_progress(store, engine, opts, &|_| {}).await
}

/// Fills an empty store (no region, no unit, no account) with the demo, telling `progress`
/// how far it is. Refuses a store with data ([`DemoError::NotEmpty`]).
///
/// The organisation goes in with one `import_org`; reports are written and checked in
/// parallel (rayon) while the store writes the finished ones in order, so upload ids are
/// deterministic too; then every unit's ledger in one import per unit.
pub async fn populate_with_progress(
    store: &dyn Store,
    engine: &Engine,
    opts: &DemoOptions,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<DemoSummary, DemoError> {
    if opts.units == 0 || opts.years == 0 || opts.years > 50 {
        return Err(DemoError::Options(
            "单位数须大于 0，年数须在 1 到 50 之间".to_string(),
        ));
    }
    ensure_empty(store).await?;
    let actor = Actor::system("demo");
    let tree = names::build(opts.units);

    // 1. The organisation, in one transaction.
    let rows = tree.org_rows();
    let lines: Vec<usize> = (1..=rows.len()).collect();
    store.import_org(&actor, &rows, &lines).await?;
    let region_ids: HashMap<String, RegionId> = store
        .regions()
        .await?
        .into_iter()
        .map(|r| (r.code, r.id))
        .collect();
    let unit_ids: HashMap<String, UnitId> = store
        .units(None)
        .await?
        .into_iter()
        .map(|u| (u.code, u.id))
        .collect();
    progress(Progress::Organisation {
        units: tree.units.len(),
    });

    // 2. Accounts.
    let accounts = create_accounts(store, &actor, &tree, &region_ids, &unit_ids).await?;
    progress(Progress::Accounts {
        accounts: accounts.len(),
    });

    // 3. Reports.
    let mut summary = DemoSummary {
        accounts,
        regions: tree.regions.len(),
        units: tree.units.len(),
        ..DemoSummary::default()
    };
    let w = Writing {
        store,
        opts,
        tree: &tree,
        unit_ids: &unit_ids,
        actor: &actor,
        progress,
    };
    store_reports(w, engine, &mut summary).await?;

    // 4. The ledger.
    store_ledgers(w, &mut summary).await?;
    Ok(summary)
}

/// What writing the reports and the ledgers takes: the store, the options, the organisation
/// as built and as stored (its units' ids by code), the author and where progress goes.
#[derive(Clone, Copy)]
struct Writing<'a> {
    store: &'a dyn Store,
    opts: &'a DemoOptions,
    tree: &'a Tree,
    unit_ids: &'a HashMap<String, UnitId>,
    actor: &'a Actor,
    progress: &'a (dyn Fn(Progress) + Send + Sync),
}

/// Every unit's ledger: its records in one import (one transaction), then the files kept
/// with some of them. Ledgers are written [`BATCH`] units at a time, so memory stays flat
/// however many units there are.
async fn store_ledgers(w: Writing<'_>, summary: &mut DemoSummary) -> Result<(), DemoError> {
    let total = w.tree.units.len();
    (w.progress)(Progress::Ledger { done: 0, total });
    let mut done = 0;
    for first in (0..total).step_by(BATCH) {
        for l in write_ledgers(w.tree, w.opts, first..total.min(first + BATCH))? {
            store_ledger(w.store, w.unit_ids, w.actor, &l, summary).await?;
            done += 1;
            if done % 16 == 0 || done == total {
                (w.progress)(Progress::Ledger { done, total });
            }
        }
    }
    Ok(())
}

/// One unit's ledger (see [`store_ledgers`]).
async fn store_ledger(
    store: &dyn Store,
    unit_ids: &HashMap<String, UnitId>,
    actor: &Actor,
    l: &ledger::UnitLedger,
    summary: &mut DemoSummary,
) -> Result<(), DemoError> {
    let unit_id = *unit_ids
        .get(&l.unit_code)
        .ok_or(StoreError::NotFound("单位"))?;
    summary.ledger_records += store.import_records(actor, unit_id, &l.records).await? as usize;
    if !l.attachments.is_empty() {
        let stored = store
            .records(&fazhi_store::LedgerQuery {
                unit_id,
                ..Default::default()
            })
            .await?;
        for a in &l.attachments {
            let data = &l.records[a.index];
            let record = stored
                .items
                .iter()
                .map(|row| &row.record)
                .find(|r| {
                    r.data.kind == data.kind
                        && r.data.year == data.year
                        && r.data.fields == data.fields
                })
                .ok_or(StoreError::NotFound("台账记录"))?;
            store
                .add_attachment(actor, record.id, &a.filename, a.content_type, &a.bytes)
                .await?;
            summary.ledger_attachments += 1;
        }
    }
    for p in &l.planted {
        *summary
            .ledger_planted
            .entry(p.rule.to_string())
            .or_default() += 1;
    }
    Ok(())
}

/// Every unit's ledger as [`populate`] stores it (in the tree's unit order): a full year of
/// records for [`ledger::ledger_year`], a few of `today`'s year, the planted violations and
/// the figures expected of them. Rectification records take up the problems stated in the
/// unit's generated reports.
pub fn ledger_plan(opts: &DemoOptions) -> Result<Vec<ledger::UnitLedger>, DemoError> {
    let tree = names::build(opts.units);
    write_ledgers(&tree, opts, 0..tree.units.len())
}

/// The ledgers of the tree's units at positions `units`, in order (written in parallel).
fn write_ledgers(
    tree: &Tree,
    opts: &DemoOptions,
    units: std::ops::Range<usize>,
) -> Result<Vec<ledger::UnitLedger>, DemoError> {
    let year = ledger::ledger_year(opts.last_year, opts.today);
    let first_year = opts.last_year - opts.years as i32 + 1;
    units
        .into_par_iter()
        .map(|unit| {
            let problems = |y: i32| {
                (first_year..=opts.last_year)
                    .contains(&y)
                    .then(|| draft_of(Job { unit, year: y }, tree, opts).0.shortcomings)
            };
            let (prior, latest) = (problems(year - 1), problems(year));
            ledger::write_unit(
                unit,
                &tree.units[unit],
                year,
                opts.today,
                opts.seed,
                prior.as_deref(),
                latest.as_deref(),
            )
        })
        .collect::<Result<Vec<_>, String>>()
        .map_err(DemoError::Ledger)
}

async fn ensure_empty(store: &dyn Store) -> Result<(), DemoError> {
    let mut what = Vec::new();
    let users = store.count_users().await?;
    if users > 0 {
        what.push(format!("{users} 个账号"));
    }
    let regions = store.regions().await?.len();
    if regions > 0 {
        what.push(format!("{regions} 个行政区划"));
    }
    let units = store.units(None).await?.len();
    if units > 0 {
        what.push(format!("{units} 个单位"));
    }
    if what.is_empty() {
        Ok(())
    } else {
        Err(DemoError::NotEmpty(what.join("、")))
    }
}

/// The accounts: `admin` (系统管理员 at the city), `dudao` (督察员 of the city), a 督察员
/// per county (`dudao-<county code>`), and a 填报员 / 负责人 pair for a few units.
fn account_plan(tree: &Tree) -> Vec<(DemoAccount, Node0)> {
    let mut out = Vec::new();
    let account = |login: &str, name: String, role: Role, scope: &str| DemoAccount {
        login: login.to_string(),
        display_name: name,
        password: password_of(role).to_string(),
        role,
        scope: scope.to_string(),
    };
    out.push((
        account("admin", "系统管理员".into(), Role::Admin, CITY),
        Node0::Region(CITY_CODE.to_string()),
    ));
    out.push((
        account("dudao", format!("{CITY}督察员"), Role::Supervisor, CITY),
        Node0::Region(CITY_CODE.to_string()),
    ));
    for c in tree.counties() {
        let own = c.name.trim_start_matches(CITY);
        out.push((
            account(
                &format!("dudao-{}", c.code),
                format!("{own}督察员"),
                Role::Supervisor,
                own,
            ),
            Node0::Region(c.code.clone()),
        ));
    }
    // (login, unit code) for units that exist in this tree.
    let mut pairs: Vec<(String, &UnitSpec)> = Vec::new();
    for (login, name) in [
        ("kegongju", "青川市科学技术和工业信息化局"),
        ("jiaoyuju", "青川市教育局"),
        ("sifaju", "青川市司法局"),
    ] {
        if let Some(u) = tree.units.iter().find(|u| u.name == name) {
            pairs.push((login.to_string(), u));
        }
    }
    if let Some(first) = tree.counties().next() {
        if let Some(u) = tree
            .units
            .iter()
            .find(|u| u.region_code == first.code && u.kind == fazhi_domain::UnitKind::Government)
        {
            pairs.push(("quzhengfu".to_string(), u));
        }
    }
    if let Some(u) = tree
        .units
        .iter()
        .find(|u| u.kind == fazhi_domain::UnitKind::Township)
    {
        pairs.push(("xiangzhen".to_string(), u));
    }
    for (login, u) in pairs {
        let short = if u.short_name.is_empty() {
            &u.name
        } else {
            &u.short_name
        };
        out.push((
            account(&login, format!("{short}填报员"), Role::UnitStaff, short),
            Node0::Unit(u.code.clone()),
        ));
        out.push((
            account(
                &format!("{login}-ld"),
                format!("{short}负责人"),
                Role::UnitLeader,
                short,
            ),
            Node0::Unit(u.code.clone()),
        ));
    }
    out
}

/// A grant's node by code, before ids are known.
enum Node0 {
    Region(String),
    Unit(String),
}

async fn create_accounts(
    store: &dyn Store,
    actor: &Actor,
    tree: &Tree,
    region_ids: &HashMap<String, RegionId>,
    unit_ids: &HashMap<String, UnitId>,
) -> Result<Vec<DemoAccount>, DemoError> {
    let plan = account_plan(tree);
    // Argon2 is slow by design (tens of milliseconds per hash in release, about a second in
    // a debug build): with a hundred county supervisors at `--units 3000`, hashing per
    // account would take minutes. Accounts share one password per role, so each distinct
    // password is hashed once and its PHC string reused.
    let mut hashes: HashMap<&str, String> = HashMap::new();
    for (_, p) in PASSWORDS {
        let hash = tokio::task::spawn_blocking(move || fazhi_domain::password::hash_password(p))
            .await
            .map_err(|e| DemoError::Password(e.to_string()))?;
        hashes.insert(p, hash);
    }
    let mut out = Vec::with_capacity(plan.len());
    for (account, node) in plan {
        let hash = hashes
            .get(account.password.as_str())
            .cloned()
            .ok_or_else(|| DemoError::Password(account.login.clone()))?;
        let login = fazhi_domain::policy::check_login(&account.login)
            .map_err(|e| DemoError::Login(account.login.clone(), e))?;
        let user = store
            .create_user(
                actor,
                &NewUser {
                    login,
                    display_name: account.display_name.clone(),
                    password_hash: hash,
                    must_change_password: false,
                },
            )
            .await?;
        let node = match node {
            Node0::Region(code) => Node::Region(
                *region_ids
                    .get(&code)
                    .ok_or(StoreError::NotFound("行政区划"))?,
            ),
            Node0::Unit(code) => {
                Node::Unit(*unit_ids.get(&code).ok_or(StoreError::NotFound("单位"))?)
            }
        };
        store
            .grant(
                actor,
                user.id,
                Grant {
                    role: account.role,
                    node,
                },
            )
            .await?;
        out.push(account);
    }
    Ok(out)
}

/// One report to write: which unit (its index in the tree) and which year.
#[derive(Debug, Clone, Copy)]
struct Job {
    unit: usize,
    year: i32,
}

/// A report written and checked, ready to store.
struct Ready {
    upload: NewUpload,
    publish: Option<Timestamp>,
    rules: Vec<&'static str>,
}

/// The random stream of one report: from the seed, the unit's position and the year, so
/// each report can be written on any thread in any order and still come out the same.
fn report_rng(seed: u64, unit: usize, year: i32) -> ChaCha8Rng {
    let mix = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((unit as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9))
        .wrapping_add((year as u64).wrapping_mul(0x94D0_49BB_1331_11EB));
    ChaCha8Rng::seed_from_u64(mix)
}

/// The defect of a report. In the latest year the units from the fourth on carry each
/// planted defect once (so every kind is in the demo whatever the seed); the rest draw.
fn defect_of(job: Job, opts: &DemoOptions, rng: &mut ChaCha8Rng) -> Defect {
    let drawn = Defect::draw(rng);
    if job.year == opts.last_year {
        if let Some(d) = job.unit.checked_sub(3).and_then(|k| Defect::PLANTED.get(k)) {
            return *d;
        }
    }
    drawn
}

/// The report of a unit and a year as [`populate`] writes it, with the random stream where
/// the writing left it (publication is drawn from it next).
fn draft_of(job: Job, tree: &Tree, opts: &DemoOptions) -> (Draft, ChaCha8Rng) {
    let mut rng = report_rng(opts.seed, job.unit, job.year);
    let defect = defect_of(job, opts, &mut rng);
    let unit = &tree.units[job.unit];
    let other = &tree.units[(job.unit + 1 + rng.gen_range(0..tree.units.len())) % tree.units.len()];
    let draft = text::write(unit, job.year, defect, &other.name, &mut rng);
    (draft, rng)
}

fn prepare(
    job: Job,
    index: usize,
    tree: &Tree,
    engine: &Engine,
    opts: &DemoOptions,
) -> Result<Ready, DemoError> {
    let (draft, mut rng) = draft_of(job, tree, opts);
    let unit = &tree.units[job.unit];
    // The latest year: about a third of the units have not published yet.
    let published = job.year < opts.last_year || rng.gen_bool(0.65);
    let bytes = draft.text.into_bytes();
    let short = if unit.short_name.is_empty() {
        &unit.name
    } else {
        &unit.short_name
    };
    let filename = format!("{short}{}年法治政府建设年度报告.txt", job.year);
    let checked: Checked =
        engine
            .check_bytes(&filename, &bytes, None)
            .map_err(|e| DemoError::Report {
                index,
                message: e.to_string(),
            })?;
    let rules: Vec<&'static str> = checked.findings.iter().map(|f| f.rule).collect();
    let publish = published.then(|| {
        let base = draft
            .signed
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(job.year + 1, 2, 1).unwrap_or_default());
        let day = base + chrono::Days::new(rng.gen_range(3..40));
        let at = day.and_hms_opt(9 + rng.gen_range(0..8), rng.gen_range(0..60), 0);
        at.map_or_else(Utc::now, |t| Utc.from_utc_datetime(&t))
    });
    let sha256 = hex::encode(Sha256::digest(&bytes));
    // The unit's id is set by the writer, which knows the store's ids.
    let year = ReportYear::parse(job.year).map_err(|e| DemoError::Options(e.to_string()))?;
    let upload = checked_upload(year, filename, sha256, bytes, &checked);
    Ok(Ready {
        upload,
        publish,
        rules,
    })
}

/// The row of a generated report the engine read, stored as the web stores an upload it
/// checked (the unit's id is set by the writer, which knows the store's ids).
fn checked_upload(
    year: ReportYear,
    filename: String,
    sha256: String,
    bytes: Vec<u8>,
    checked: &Checked,
) -> NewUpload {
    let summary = checked.summary(&filename);
    NewUpload {
        unit_id: UnitId(0),
        year,
        title: summary.title,
        filename,
        content_type: "text/plain; charset=utf-8".into(),
        sha256,
        bytes,
        status: fazhi_store::UploadStatus::Checked,
        error: None,
        checked_json: Some(summary.json),
        score: Some(summary.score),
        errors: summary.errors,
        warnings: summary.warnings,
        infos: summary.infos,
    }
}

/// Takes a published demo report through the cycle by the domain's rules, as its unit and
/// supervisors would, in one transaction: approval, submission, acceptance, the 保密审查 and
/// the publication at `at`, stamped against the default deadlines of its year.
async fn publish_report(
    store: &dyn Store,
    actor: &Actor,
    rules: &RuleSettings,
    report: &CycleReport,
    at: Timestamp,
) -> Result<(), DemoError> {
    let deadlines = Deadlines::resolve(report.year, rules, &[]);
    let today = china_date(at);
    let day = chrono::Duration::days(1);
    let roles = [Role::UnitStaff, Role::UnitLeader, Role::Supervisor];
    let refused = |e: CycleRefusal| DemoError::Options(e.to_string());
    let review = NewReview {
        reviewer: "保密审查员".into(),
        reviewed_on: china_date(at - day),
        conclusion: Confidentiality::Publishable,
    };
    let mut situation = Situation {
        state: report.state,
        has_version: report.current_version.is_some(),
        review: None,
    };
    let step_write = |situation: &mut Situation, step: Step, when: Timestamp| {
        let to = check_step(situation, step, &roles, &StepInput::default()).map_err(refused)?;
        let on_time = match step {
            Step::Submit => deadlines.submission_timeliness(Some(when), today).on_time(),
            Step::Publish => deadlines
                .publication_timeliness(Some(when), today)
                .on_time(),
            _ => None,
        };
        let w = StepWrite {
            report: report.id,
            step,
            expected: situation.state,
            to,
            comment: None,
            comments: Vec::new(),
            at: when,
            on_time,
            notify: Vec::new(),
            review: (step == Step::ReviewConfidentiality).then(|| review.clone()),
        };
        situation.state = to;
        if step == Step::ReviewConfidentiality {
            situation.review = Some(review.conclusion.clone());
        }
        Ok::<_, DemoError>(w)
    };
    // All the steps in one transaction: the demo writes tens of thousands of reports.
    let steps = [
        step_write(&mut situation, Step::RequestApproval, at - day * 3)?,
        step_write(&mut situation, Step::Approve, at - day * 3)?,
        step_write(&mut situation, Step::Submit, at - day * 2)?,
        step_write(&mut situation, Step::Accept, at - day)?,
        step_write(&mut situation, Step::ReviewConfidentiality, at - day)?,
        step_write(&mut situation, Step::Publish, at)?,
    ];
    store.take_steps(actor, &steps).await?;
    Ok(())
}

/// Reports (and units' ledgers) stored per batch handed from the rayon workers to the store:
/// large enough to keep both cores busy, small enough to keep memory flat (a checked report's
/// JSON is tens of KB).
const BATCH: usize = 64;

async fn store_reports(
    w: Writing<'_>,
    engine: &Engine,
    summary: &mut DemoSummary,
) -> Result<(), DemoError> {
    let Writing {
        store,
        opts,
        tree,
        unit_ids,
        actor,
        progress,
    } = w;
    let first_year = opts.last_year - opts.years as i32 + 1;
    let jobs: Vec<Job> = (first_year..=opts.last_year)
        .flat_map(|year| (0..tree.units.len()).map(move |unit| Job { unit, year }))
        .collect();
    let total = jobs.len();
    let ids: Vec<UnitId> = tree
        .units
        .iter()
        .map(|u| {
            unit_ids
                .get(&u.code)
                .copied()
                .ok_or(StoreError::NotFound("单位"))
        })
        .collect::<Result<_, _>>()?;
    progress(Progress::Reports { done: 0, total });

    // Workers write and check batches in order; the store takes each batch as it comes,
    // while the workers are already on the next one.
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<(Job, Ready)>, DemoError>>(2);
    let shared = Arc::new((jobs, tree.clone(), engine.clone(), opts.clone()));
    let worker = tokio::task::spawn_blocking(move || {
        let (jobs, tree, engine, opts) = &*shared;
        for (b, chunk) in jobs.chunks(BATCH).enumerate() {
            let batch: Result<Vec<(Job, Ready)>, DemoError> = chunk
                .par_iter()
                .enumerate()
                .map(|(i, job)| prepare(*job, b * BATCH + i, tree, engine, opts).map(|r| (*job, r)))
                .collect();
            let failed = batch.is_err();
            if tx.blocking_send(batch).is_err() || failed {
                return;
            }
        }
    });
    let mut done = 0;
    while let Some(batch) = rx.recv().await {
        for (job, mut ready) in batch? {
            ready.upload.unit_id = ids[job.unit];
            // One upload per unit and year: each is the first version of its report.
            let (stored, report) = store
                .add_upload_version(actor, &ready.upload, &VersionPlan::add(None))
                .await?;
            if let Some(at) = ready.publish {
                store.set_published(actor, stored.id, Some(at)).await?;
                publish_report(store, actor, &engine.settings, &report, at).await?;
                summary.published += 1;
            }
            for r in ready.rules {
                *summary.findings.entry(r.to_string()).or_default() += 1;
            }
            summary.reports += 1;
            done += 1;
        }
        progress(Progress::Reports { done, total });
    }
    worker.await.map_err(|e| DemoError::Report {
        index: done,
        message: e.to_string(),
    })?;
    Ok(())
}
