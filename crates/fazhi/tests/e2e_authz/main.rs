//! The authorization matrix: every route of `fazhi serve` (every entry of the router's route
//! registry, `fazhi_web::routes()`: the pages and the API's operations; a registered route
//! without a row here, or a row for no registered route, fails the test) asked by every kind
//! of person, on objects of unit A (in county A), of unit B (in county B) and of the regions,
//! compared with what the access rule says:
//!
//! - 单位填报员 reads and writes his own unit; 单位负责人 also approves (publishes) it;
//! - 督察员 reads, supervises and reads the audit log of his region and below, never writes;
//! - 系统管理员 (at the city) does everything below the city;
//! - the public sees published reports and public pages only.
//!
//! The expected answers come from an independent table ([`reach`]), not from the domain's
//! `allows`, so a wrong rule in the code shows up as a violation. Allowed requests must
//! succeed (2xx, or a redirect that is not to the login form); denied ones must answer
//! 401/403/404 (or, for a page asked anonymously, the redirect to the login form).
//! Lists that filter by reach (units, overview, audit, published) are checked for their
//! content too, and at the end the audit log must show no change made by someone the
//! rule does not allow to make it.
//!
//! The matrix (route × role → status) is printed when any cell is wrong. The rows live by
//! capability: [`pages`], [`api`], [`ledger`]; the world they run in in [`world`].

#[path = "../e2e_common/mod.rs"]
mod e2e_common;

mod api;
mod cases;
mod ledger;
mod pages;
mod world;

use e2e_common::{
    demo_passwords, report_txt, tempdir, Auth, Body, Client, Multipart, Resp, Server,
};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use api::api_cases;
use cases::*;
use ledger::{ledger_api_cases, ledger_page_cases};
use pages::page_cases;
use world::setup;

// ---------------------------------------------------------------------------------------
// Who, what, where

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Role {
    Public,
    StaffA,
    LeaderA,
    StaffB,
    SupCounty,
    SupCity,
    Admin,
}

const ROLES: [Role; 7] = [
    Role::Public,
    Role::StaffA,
    Role::LeaderA,
    Role::StaffB,
    Role::SupCounty,
    Role::SupCity,
    Role::Admin,
];

impl Role {
    fn column(self) -> &'static str {
        match self {
            Role::Public => "public",
            Role::StaffA => "staffA",
            Role::LeaderA => "leaderA",
            Role::StaffB => "staffB",
            Role::SupCounty => "supCntyA",
            Role::SupCity => "supCity",
            Role::Admin => "admin",
        }
    }
}

/// What a request does, in the rule's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    Read,
    Write,
    Approve,
    Supervise,
    ReadAudit,
    ManageOrg,
    ManageUsers,
}

/// Where the object sits: unit A in county A, unit B in county B (another county), the
/// counties, the city (the root).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    UnitA,
    UnitB,
    CountyA,
    CountyB,
    City,
}

const SCOPES: [Scope; 5] = [
    Scope::UnitA,
    Scope::UnitB,
    Scope::CountyA,
    Scope::CountyB,
    Scope::City,
];

/// The rule, written out for the seven people of this test.
fn reach(role: Role, act: Act, scope: Scope) -> bool {
    use Act::*;
    use Scope::*;
    match role {
        Role::Public => false,
        Role::Admin => true,
        Role::SupCity => matches!(act, Read | Supervise | ReadAudit),
        Role::SupCounty => {
            matches!(act, Read | Supervise | ReadAudit) && matches!(scope, UnitA | CountyA)
        }
        Role::StaffA => matches!(act, Read | Write) && scope == UnitA,
        Role::LeaderA => matches!(act, Read | Write | Approve) && scope == UnitA,
        Role::StaffB => matches!(act, Read | Write) && scope == UnitB,
    }
}

/// Who may use a route on a target.
#[derive(Debug, Clone, Copy)]
enum Need {
    /// Everyone, the public included.
    Anyone,
    /// Anyone signed in (his own account, tokens, the region names).
    SignedIn,
    /// The action on the object's scope.
    Act(Act, Scope),
    /// The action somewhere (menus and pages that list what the person may do it to).
    Somewhere(Act),
    /// Only this person (his own token).
    Owner(Role),
}

impl Need {
    fn allows(self, role: Role) -> bool {
        match self {
            Need::Anyone => true,
            Need::SignedIn => role != Role::Public,
            Need::Act(a, s) => reach(role, a, s),
            Need::Somewhere(a) => SCOPES.iter().any(|s| reach(role, a, *s)),
            Need::Owner(r) => role == r,
        }
    }
}

/// The pages, or the API with one way of authenticating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Surface {
    Page,
    ApiBearer,
    ApiCookie,
}

impl Surface {
    fn label(self) -> &'static str {
        match self {
            Surface::Page => "page",
            Surface::ApiBearer => "api/bearer",
            Surface::ApiCookie => "api/cookie",
        }
    }
}

/// Cases that end what the caller's session or password was run after all others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Normal,
    Password,
    Logout,
}

/// A request ready to send.
struct Prep {
    path: String,
    body: Body,
    /// Replaces the caller's usual credentials (a spare session for logout).
    auth: Option<Auth>,
    /// Extra headers (the pre-session cookie of the login form).
    headers: Vec<(String, String)>,
}

impl Prep {
    fn new(path: impl Into<String>, body: Body) -> Prep {
        Prep {
            path: path.into(),
            body,
            auth: None,
            headers: Vec::new(),
        }
    }
}

type PrepFn = Box<dyn Fn(&Ctx, Role, Surface) -> Prep>;
type CheckFn = Box<dyn Fn(&Ctx, Role, &Resp) -> Result<(), String>>;
type AfterFn = Box<dyn Fn(&Ctx, Role, &Resp)>;

struct Case {
    api: bool,
    method: &'static str,
    /// The route as registered (pages) or documented (API, without `/api/v1`).
    route: &'static str,
    target: &'static str,
    need: Need,
    phase: Phase,
    prep: PrepFn,
    /// Checks the body of an allowed answer (lists must not show more than the rule allows).
    check: Option<CheckFn>,
    /// Runs after an allowed answer (remember a new session for the logout cases).
    after: Option<AfterFn>,
    /// API cases about the caller's own password, asked once (with the bearer token) rather
    /// than once per way of authenticating: each costs an Argon2 hash.
    once: bool,
}

// ---------------------------------------------------------------------------------------
// The world the cases run in

struct Person {
    login: String,
    password: RefCell<String>,
    /// A new password being set by a password case, kept once the change succeeded.
    pending: RefCell<Option<String>>,
    session: Auth,
    token: Auth,
    /// Sessions opened by the login cases, used up by the logout cases.
    spare: RefCell<Vec<Auth>>,
}

struct Ctx {
    c: Client,
    admin: Auth,
    people: HashMap<Role, Person>,
    city: i64,
    county_a: i64,
    county_b: i64,
    county_a_code: String,
    township_a: i64,
    unit_a: Value,
    unit_b: Value,
    /// Uploads: a_unpub, a_pub, a_toggle, b_unpub, b_pub, b_toggle.
    up: HashMap<&'static str, i64>,
    /// An account with a role at unit A, for the account-management routes.
    victim: i64,
    /// A second unit of county A, where grants are added and revoked.
    other_unit_a: i64,
    asset: String,
    /// Ledger records and attachments of units A and B (from the demo's ledger).
    ledger: LedgerObjects,
    seq: Cell<u64>,
}

/// The ledger objects the cases act on: of each unit a record to read and edit, one to
/// delete and restore, an attachment to read; and the ids of each unit's 学法 records of the
/// ledger year (a page of A must show none of B's).
struct LedgerObjects {
    year: i32,
    a_rec: i64,
    b_rec: i64,
    a_toggle: i64,
    b_toggle: i64,
    a_att: i64,
    b_att: i64,
    a_ids: Vec<i64>,
    b_ids: Vec<i64>,
}

// ---------------------------------------------------------------------------------------
// Running the matrix

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allow,
    Deny,
    /// Neither: 4xx other than 401/403/404, 5xx.
    Odd,
}

fn classify(r: &Resp) -> Outcome {
    match r.status {
        200..=299 => Outcome::Allow,
        300..=399 => {
            if r.location().is_some_and(|l| l.starts_with("/login")) {
                Outcome::Deny
            } else {
                Outcome::Allow
            }
        }
        401 | 403 | 404 => Outcome::Deny,
        _ => Outcome::Odd,
    }
}

struct Entry {
    status: u16,
    ok: bool,
    note: String,
}

/// The rows name every registered route (`what`: page routes, API operations), and no
/// route that is not registered.
fn assert_rows_cover(rows: &[Case], registered: &BTreeSet<(String, String)>, what: &str) {
    let table: BTreeSet<(String, String)> = rows
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_string()))
        .collect();
    let missing: Vec<_> = registered.difference(&table).collect();
    let stale: Vec<_> = table.difference(registered).collect();
    assert!(
        missing.is_empty(),
        "{what} without a row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for {what} that are not registered: {stale:?}"
    );
}

#[test]
fn every_route_for_every_role_follows_the_access_rule() {
    let dir = tempdir("authz");
    let server = Server::start(
        dir.path(),
        &["--demo", "--demo-units", "30", "--demo-years", "1"],
    );
    let ctx = setup(&server);
    let audit_start = ctx.c.get_json("/api/v1/audit?limit=1", &ctx.admin)["items"][0]["id"]
        .as_i64()
        .unwrap_or(0);

    let pages = page_cases(&ctx);
    let apis = api_cases(&ctx);

    // Coverage: the tables name every route of the router's registry, and nothing that is
    // no route.
    let registered = |surface: fazhi_web::Surface| -> BTreeSet<(String, String)> {
        fazhi_web::routes()
            .into_iter()
            .filter(|r| r.surface == surface)
            .map(|r| (r.method.to_string(), r.path))
            .collect()
    };
    let page_routes = registered(fazhi_web::Surface::Page);
    let api_routes = registered(fazhi_web::Surface::Api);
    assert_rows_cover(&pages, &page_routes, "page routes");
    let doc = ctx.c.get_json("/api/v1/openapi.json", &Auth::Anon);
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                documented.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    assert_eq!(
        documented, api_routes,
        "the served document lists exactly the registered API operations"
    );
    assert_rows_cover(&apis, &api_routes, "API operations");

    // Rows: pages with the session cookie; API with a bearer token and with the cookie.
    let mut rows: Vec<(Surface, &Case)> = Vec::new();
    for c in &pages {
        rows.push((Surface::Page, c));
    }
    for s in [Surface::ApiBearer, Surface::ApiCookie] {
        for c in &apis {
            if !(c.once && s == Surface::ApiCookie) {
                rows.push((s, c));
            }
        }
    }
    let mut grid: Vec<Vec<Option<Entry>>> = rows
        .iter()
        .map(|_| ROLES.iter().map(|_| None).collect())
        .collect();
    let mut requests = 0;
    for phase in [Phase::Normal, Phase::Password, Phase::Logout] {
        for role in ROLES {
            for (i, (surface, case)) in rows.iter().enumerate() {
                if case.phase != phase {
                    continue;
                }
                if role == Role::Public && *surface == Surface::ApiCookie {
                    continue; // the public has no cookie: the bearer row already asked anonymously
                }
                let prep = (case.prep)(&ctx, role, *surface);
                let auth = prep
                    .auth
                    .clone()
                    .unwrap_or_else(|| ctx.auth(role, *surface));
                let path = if case.api {
                    format!("/api/v1{}", prep.path.trim_start_matches("/api/v1"))
                } else {
                    prep.path.clone()
                };
                let extra: Vec<(&str, &str)> = prep
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let resp = ctx
                    .c
                    .try_call(case.method, &path, &auth, &prep.body, &extra)
                    .unwrap_or_else(|e| panic!("{} {path}: {e}", case.method));
                requests += 1;
                let expected = case.need.allows(role);
                let outcome = classify(&resp);
                let mut ok = outcome
                    == if expected {
                        Outcome::Allow
                    } else {
                        Outcome::Deny
                    };
                let mut note = String::new();
                if !ok {
                    note = format!(
                        "{} {path} as {}: expected {}, got {} {}",
                        case.method,
                        role.column(),
                        if expected { "allow" } else { "deny" },
                        resp.status,
                        resp.snippet()
                            .replace('\n', " ")
                            .chars()
                            .take(160)
                            .collect::<String>()
                    );
                }
                if ok && expected {
                    if let Some(check) = &case.check {
                        if let Err(e) = check(&ctx, role, &resp) {
                            ok = false;
                            note = format!("{} {path} as {}: {e}", case.method, role.column());
                        }
                    }
                    if let Some(after) = &case.after {
                        after(&ctx, role, &resp);
                    }
                }
                grid[i][ROLES.iter().position(|r| *r == role).unwrap()] = Some(Entry {
                    status: resp.status,
                    ok,
                    note,
                });
            }
        }
    }

    // The end state: every change in the audit log was made by someone allowed to make it.
    let mut changes = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let q = before
            .map(|b| format!("&before_id={b}"))
            .unwrap_or_default();
        let page = ctx
            .c
            .get_json(&format!("/api/v1/audit?limit=1000{q}"), &ctx.admin);
        let items = page["items"].as_array().unwrap();
        changes.extend(
            items
                .iter()
                .filter(|e| e["id"].as_i64().unwrap() > audit_start)
                .cloned(),
        );
        match page["next_before_id"].as_i64() {
            Some(b) if b > audit_start => before = Some(b),
            _ => break,
        }
    }
    let login = |r: Role| ctx.person(r).login.clone();
    let mut bad_changes = Vec::new();
    for e in &changes {
        let actor = e["actor_login"].as_str().unwrap_or_default().to_string();
        let action = e["action"].as_str().unwrap_or_default();
        let unit = e["unit_id"].as_i64();
        // Who writes to unit A and unit B: uploads, records and attachments.
        let writers: &[Role] = if unit == Some(ctx.unit_a_id()) {
            &[Role::StaffA, Role::LeaderA, Role::Admin]
        } else if unit == Some(ctx.unit_b_id()) {
            &[Role::StaffB, Role::Admin]
        } else {
            &[Role::Admin]
        };
        // An upload is its report's new version: the two entries of one write.
        let writes = action == "upload.create"
            || action == "report.add_version"
            || action.starts_with("record.")
            || action.starts_with("attachment.");
        let roles: &[Role] = match action {
            _ if writes => writers,
            "upload.publish" | "upload.withdraw" if unit == Some(ctx.unit_a_id()) => {
                &[Role::LeaderA, Role::Admin]
            }
            a if a.starts_with("session.") || a.starts_with("token.") || a == "user.password" => {
                continue
            }
            _ => &[Role::Admin],
        };
        let allowed: Vec<String> = roles.iter().map(|r| login(*r)).collect();
        if !allowed.contains(&actor) {
            bad_changes.push(format!(
                "audit {}: {action} on unit {unit:?} by {actor}",
                e["id"]
            ));
        }
    }

    // Report.
    let cells: Vec<&Entry> = grid.iter().flatten().flatten().collect();
    let violations: Vec<&str> = cells
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.note.as_str())
        .collect();
    let mut table = String::new();
    let _ = write!(
        table,
        "{:<11} {:<7} {:<34} {:<26}",
        "surface", "method", "route", "target"
    );
    for r in ROLES {
        let _ = write!(table, " {:>8}", r.column());
    }
    table.push('\n');
    for (i, (surface, case)) in rows.iter().enumerate() {
        let _ = write!(
            table,
            "{:<11} {:<7} {:<34} {:<26}",
            surface.label(),
            case.method,
            case.route,
            case.target
        );
        for cell in &grid[i] {
            let s = match cell {
                Some(c) => format!("{}{}", if c.ok { "" } else { "!" }, c.status),
                None => "-".into(),
            };
            let _ = write!(table, " {s:>8}");
        }
        table.push('\n');
    }
    println!("{table}");
    println!(
        "authorization matrix: {} rows × {} roles, {requests} requests, {} violations, {} audited changes checked, {} unallowed changes",
        rows.len(),
        ROLES.len(),
        violations.len(),
        changes.len(),
        bad_changes.len()
    );
    assert!(
        violations.is_empty() && bad_changes.is_empty(),
        "{} violations of the access rule (marked !):\n{table}\n{}\n{}",
        violations.len() + bad_changes.len(),
        violations.join("\n"),
        bad_changes.join("\n")
    );
    // The explicit promises, each seen in the matrix above.
    let status_of = |route: &str, target: &str, surface: Surface, role: Role| -> u16 {
        let i = rows
            .iter()
            .position(|(s, c)| *s == surface && c.route == route && c.target == target)
            .unwrap();
        grid[i][ROLES.iter().position(|r| *r == role).unwrap()]
            .as_ref()
            .unwrap()
            .status
    };
    assert_eq!(
        status_of(
            "/units/{id}/uploads",
            "unit B",
            Surface::ApiBearer,
            Role::StaffA
        ),
        403,
        "staff of A cannot read B"
    );
    assert_eq!(
        status_of(
            "/units/{id}/uploads",
            "unit A",
            Surface::ApiBearer,
            Role::StaffB
        ),
        403,
        "staff of B cannot change A"
    );
    assert_eq!(
        status_of(
            "/uploads/{id}",
            "A unpublished",
            Surface::ApiBearer,
            Role::Public
        ),
        404,
        "the public sees only published"
    );
    assert_eq!(
        status_of(
            "/uploads/{id}",
            "A published",
            Surface::ApiBearer,
            Role::Public
        ),
        200
    );
    assert_eq!(
        status_of(
            "/regions/{id}/overview",
            "county B",
            Surface::ApiBearer,
            Role::SupCounty
        ),
        403,
        "a supervisor only his region"
    );
}
