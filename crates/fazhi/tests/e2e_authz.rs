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
//! The matrix (route × role → status) is printed when any cell is wrong.

mod e2e_common;

use e2e_common::{
    demo_passwords, report_txt, tempdir, Auth, Body, Client, Multipart, Resp, Server,
};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

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

impl Ctx {
    fn next(&self) -> u64 {
        let n = self.seq.get() + 1;
        self.seq.set(n);
        n
    }

    fn id(v: &Value) -> i64 {
        v["id"].as_i64().expect("id")
    }

    fn unit_a_id(&self) -> i64 {
        Ctx::id(&self.unit_a)
    }

    fn unit_b_id(&self) -> i64 {
        Ctx::id(&self.unit_b)
    }

    fn person(&self, role: Role) -> &Person {
        &self.people[&role]
    }

    /// The credentials a role uses on a surface.
    fn auth(&self, role: Role, surface: Surface) -> Auth {
        match (role, surface) {
            (Role::Public, _) => Auth::Anon,
            (_, Surface::ApiBearer) => self.person(role).token.clone(),
            _ => self.person(role).session.clone(),
        }
    }

    /// Whether a role reads a unit (by its region path) under the rule.
    fn reads_unit(&self, role: Role, unit: &Value) -> bool {
        let id = Ctx::id(unit);
        let path: Vec<i64> = unit["region_path"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        match role {
            Role::Public => false,
            Role::Admin | Role::SupCity => path.contains(&self.city),
            Role::SupCounty => path.contains(&self.county_a),
            Role::StaffA | Role::LeaderA => id == self.unit_a_id(),
            Role::StaffB => id == self.unit_b_id(),
        }
    }

    /// A token of `owner`, made now (for the revoke cases).
    fn fresh_token_id(&self, owner: Role) -> i64 {
        let r = self.c.call(
            "POST",
            "/api/v1/me/tokens",
            &self.person(owner).token,
            &Body::Json(json!({"name": format!("e2e-{}", self.next())})),
        );
        assert_eq!(r.status, 201, "token for {owner:?}: {}", r.snippet());
        r.json()["token"]["id"].as_i64().unwrap()
    }

    fn victim_grants(&self) -> Vec<Value> {
        self.c
            .get_json(&format!("/api/v1/users/{}", self.victim), &self.admin)["grants"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// The grant (victim, 单位负责人, other unit of county A): its id, made if missing.
    fn ensure_grant(&self) -> i64 {
        let find = |gs: &[Value]| {
            gs.iter()
                .find(|g| {
                    g["role"] == "unit_leader"
                        && g["node"]["type"] == "unit"
                        && g["node"]["id"] == self.other_unit_a
                })
                .and_then(|g| g["id"].as_i64())
        };
        if let Some(id) = find(&self.victim_grants()) {
            return id;
        }
        let v = self.c.post_json_ok(
            &format!("/api/v1/users/{}/grants", self.victim),
            &self.admin,
            json!({"role": "unit_leader", "node": {"type": "unit", "id": self.other_unit_a}}),
        );
        v["id"]
            .as_i64()
            .unwrap_or_else(|| find(&self.victim_grants()).expect("grant made"))
    }

    /// Removes that grant so that granting it can succeed.
    fn ensure_no_grant(&self) {
        for g in self.victim_grants() {
            if g["role"] == "unit_leader" && g["node"]["id"] == self.other_unit_a {
                let r = self.c.call(
                    "DELETE",
                    &format!("/api/v1/grants/{}", g["id"]),
                    &self.admin,
                    &Body::None,
                );
                assert!(r.is_success(), "revoke for setup: {}", r.snippet());
            }
        }
    }

    /// A session of `role` nobody else uses (for logging out): one the login cases opened
    /// if it still works, else a new one.
    fn spare_session(&self, role: Role) -> Auth {
        while let Some(a) = self.person(role).spare.borrow_mut().pop() {
            if self.alive(&a) {
                return a;
            }
        }
        let p = self.person(role);
        self.c.must_login(&p.login, &p.password.borrow())
    }

    fn alive(&self, a: &Auth) -> bool {
        self.c.get("/api/v1/me", a).status == 200
    }

    /// The role's session, or a new one if a password change ended it.
    fn live_session(&self, role: Role) -> Auth {
        let s = self.person(role).session.clone();
        if self.alive(&s) {
            s
        } else {
            let p = self.person(role);
            self.c.must_login(&p.login, &p.password.borrow())
        }
    }

    /// A ledger record as the admin reads it now.
    fn ledger_record(&self, rid: i64) -> Value {
        self.c
            .get_json(&format!("/api/v1/ledger/records/{rid}"), &self.admin)
    }

    /// Puts a record in the deleted or live state (by the admin) before a case changes it.
    fn set_deleted(&self, rid: i64, deleted: bool) {
        let now = !self.ledger_record(rid)["deleted_at"].is_null();
        if now == deleted {
            return;
        }
        let r = if deleted {
            self.c.call(
                "DELETE",
                &format!("/api/v1/ledger/records/{rid}"),
                &self.admin,
                &Body::None,
            )
        } else {
            self.c.call(
                "POST",
                &format!("/api/v1/ledger/records/{rid}/restore"),
                &self.admin,
                &Body::None,
            )
        };
        assert!(r.is_success(), "ledger setup: {}", r.snippet());
    }

    /// A new attachment of a record (by the admin): its id.
    fn fresh_attachment(&self, rid: i64) -> i64 {
        let r = self.c.call(
            "POST",
            &format!(
                "/api/v1/ledger/records/{rid}/attachments?filename=e2e-{}.txt",
                self.next()
            ),
            &self.admin,
            &Body::Raw {
                content_type: "text/plain".into(),
                bytes: format!("签到表 {}", self.next()).into_bytes(),
            },
        );
        assert_eq!(r.status, 201, "attachment for setup: {}", r.snippet());
        r.json()["id"].as_i64().unwrap()
    }

    /// The edit form of a record with its current text and version.
    fn ledger_edit_form(&self, rid: i64) -> Body {
        let rec = self.ledger_record(rid);
        let mut fields: Vec<(String, String)> = vec![
            ("year".into(), rec["year"].to_string()),
            ("version".into(), rec["version"].to_string()),
        ];
        for (k, v) in rec["fields_text"].as_object().unwrap() {
            fields.push((format!("f.{k}"), v.as_str().unwrap().to_string()));
        }
        for i in rec["indicators"].as_array().unwrap() {
            fields.push(("indicators".into(), i.as_str().unwrap().to_string()));
        }
        Body::Form(fields)
    }

    /// The API's update body of a record as it is now.
    fn ledger_put_body(&self, rid: i64) -> Body {
        let rec = self.ledger_record(rid);
        Body::Json(json!({
            "year": rec["year"],
            "fields": rec["fields"],
            "indicators": rec["indicators"],
            "version": rec["version"],
        }))
    }

    /// A one-row 学法 CSV for the imports.
    fn ledger_csv(&self) -> Vec<u8> {
        let y = self.ledger.year;
        format!(
            "年度,日期,学法形式,主题\n{y},{y}-05-06,集中学法,授权矩阵导入{}\n",
            self.next()
        )
        .into_bytes()
    }

    fn report(&self, unit: &str) -> Vec<u8> {
        report_txt(unit, 2024, 10_000 + self.next()).into_bytes()
    }
}

// ---------------------------------------------------------------------------------------
// The cases

fn upload_ids(ctx: &Ctx) -> [(&'static str, i64, Need); 4] {
    [
        (
            "A unpublished",
            ctx.up["a_unpub"],
            Need::Act(Act::Read, Scope::UnitA),
        ),
        ("A published", ctx.up["a_pub"], Need::Anyone),
        (
            "B unpublished",
            ctx.up["b_unpub"],
            Need::Act(Act::Read, Scope::UnitB),
        ),
        ("B published", ctx.up["b_pub"], Need::Anyone),
    ]
}

fn case(
    api: bool,
    method: &'static str,
    route: &'static str,
    target: &'static str,
    need: Need,
    prep: impl Fn(&Ctx, Role, Surface) -> Prep + 'static,
) -> Case {
    Case {
        api,
        method,
        route,
        target,
        need,
        phase: Phase::Normal,
        prep: Box::new(prep),
        check: None,
        after: None,
        once: false,
    }
}

fn with_check(
    mut c: Case,
    check: impl Fn(&Ctx, Role, &Resp) -> Result<(), String> + 'static,
) -> Case {
    c.check = Some(Box::new(check));
    c
}

fn phase(mut c: Case, p: Phase) -> Case {
    c.phase = p;
    if p == Phase::Password {
        c.after = Some(Box::new(|ctx, role, _| {
            if let Some(new) = ctx.person(role).pending.borrow_mut().take() {
                *ctx.person(role).password.borrow_mut() = new;
            }
        }));
    }
    c
}

fn once(mut c: Case) -> Case {
    c.once = true;
    c
}

fn get(path: String) -> Prep {
    Prep::new(path, Body::None)
}

/// The CSRF field first, as the upload form sends it (the header carries it too).
fn upload_form(ctx: &Ctx, role: Role, surface: Surface, unit_name: &str) -> Multipart {
    let mut m = Multipart::new();
    if let Some(csrf) = ctx.auth(role, surface).csrf() {
        m = m.text("csrf_token", csrf);
    }
    m.text("year", "2024").file(
        "file",
        &format!("e2e-{}.txt", ctx.next()),
        "text/plain",
        ctx.report(unit_name),
    )
}

fn org_csv(ctx: &Ctx) -> Vec<u8> {
    let n = ctx.next();
    format!("类别,代码,名称,简称,类型,上级代码\n单位,E2EIMP{n},青川市E2E导入单位{n},导入{n},政府工作部门,{}\n", ctx.county_a_code).into_bytes()
}

fn unit_name(v: &Value) -> String {
    v["name"].as_str().unwrap_or_default().to_string()
}

/// Page routes: one row per route and target.
fn page_cases(ctx: &Ctx) -> Vec<Case> {
    let a = ctx.unit_a_id();
    let b = ctx.unit_b_id();
    let (ca, cb, city) = (ctx.county_a, ctx.county_b, ctx.city);
    let mut v = vec![
        with_check(
            case(false, "GET", "/", "", Need::Anyone, |_, _, _| {
                get("/".into())
            }),
            check_home,
        ),
        case(false, "GET", "/login", "", Need::Anyone, |_, _, _| {
            get("/login".into())
        }),
        {
            let mut c = case(
                false,
                "POST",
                "/login",
                "own login",
                Need::Anyone,
                page_login,
            );
            c.after = Some(Box::new(keep_page_session));
            c
        },
        phase(
            case(
                false,
                "POST",
                "/logout",
                "own session",
                Need::Anyone,
                |ctx, role, _| {
                    let mut p = Prep::new("/logout", Body::form(&[]));
                    if role != Role::Public {
                        p.auth = Some(ctx.spare_session(role));
                    }
                    p
                },
            ),
            Phase::Logout,
        ),
        case(
            false,
            "GET",
            "/account/password",
            "",
            Need::SignedIn,
            |_, _, _| get("/account/password".into()),
        ),
        phase(
            case(
                false,
                "POST",
                "/account/password",
                "own password",
                Need::SignedIn,
                |ctx, role, _| {
                    let (old, new) = next_password(ctx, role);
                    let mut p = Prep::new(
                        "/account/password",
                        Body::form(&[
                            ("old", &old),
                            ("new", &new),
                            ("confirm", &new),
                            ("next", ""),
                        ]),
                    );
                    if role != Role::Public {
                        p.auth = Some(ctx.live_session(role));
                    }
                    p
                },
            ),
            Phase::Password,
        ),
        case(
            false,
            "GET",
            "/account/tokens",
            "",
            Need::SignedIn,
            |_, _, _| get("/account/tokens".into()),
        ),
        case(
            false,
            "POST",
            "/account/tokens",
            "",
            Need::SignedIn,
            |ctx, _, _| {
                Prep::new(
                    "/account/tokens",
                    Body::form(&[("name", &format!("page-{}", ctx.next()))]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/account/tokens/{id}/revoke",
            "own token",
            Need::SignedIn,
            |ctx, role, _| {
                let owner = if role == Role::Public {
                    Role::StaffA
                } else {
                    role
                };
                Prep::new(
                    format!("/account/tokens/{}/revoke", ctx.fresh_token_id(owner)),
                    Body::form(&[]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/account/tokens/{id}/revoke",
            "staff B's token",
            Need::Owner(Role::StaffB),
            |ctx, _, _| {
                Prep::new(
                    format!(
                        "/account/tokens/{}/revoke",
                        ctx.fresh_token_id(Role::StaffB)
                    ),
                    Body::form(&[]),
                )
            },
        ),
        with_check(
            case(
                false,
                "GET",
                "/units/{id}",
                "unit A",
                Need::Act(Act::Read, Scope::UnitA),
                move |_, _, _| get(format!("/units/{a}")),
            ),
            move |ctx, _, r| contains(r, &unit_name(&ctx.unit_a)),
        ),
        case(
            false,
            "GET",
            "/units/{id}",
            "unit B",
            Need::Act(Act::Read, Scope::UnitB),
            move |_, _, _| get(format!("/units/{b}")),
        ),
        case(
            false,
            "POST",
            "/units/{id}/uploads",
            "unit A",
            Need::Act(Act::Write, Scope::UnitA),
            move |ctx, role, s| {
                Prep::new(
                    format!("/units/{a}/uploads"),
                    Body::Multipart(upload_form(ctx, role, s, &unit_name(&ctx.unit_a))),
                )
            },
        ),
        case(
            false,
            "POST",
            "/units/{id}/uploads",
            "unit B",
            Need::Act(Act::Write, Scope::UnitB),
            move |ctx, role, s| {
                Prep::new(
                    format!("/units/{b}/uploads"),
                    Body::Multipart(upload_form(ctx, role, s, &unit_name(&ctx.unit_b))),
                )
            },
        ),
    ];
    for (label, id, need) in upload_ids(ctx) {
        v.push(case(
            false,
            "GET",
            "/uploads/{id}",
            label,
            need,
            move |_, _, _| get(format!("/uploads/{id}")),
        ));
        v.push(case(
            false,
            "GET",
            "/uploads/{id}/original",
            label,
            need,
            move |_, _, _| get(format!("/uploads/{id}/original")),
        ));
    }
    for (label, key, scope) in [
        ("A report", "a_toggle", Scope::UnitA),
        ("B report", "b_toggle", Scope::UnitB),
    ] {
        let id = ctx.up[key];
        v.push(case(
            false,
            "POST",
            "/uploads/{id}/publish",
            label,
            Need::Act(Act::Approve, scope),
            move |_, _, _| Prep::new(format!("/uploads/{id}/publish"), Body::form(&[])),
        ));
        v.push(case(
            false,
            "POST",
            "/uploads/{id}/unpublish",
            label,
            Need::Act(Act::Approve, scope),
            move |_, _, _| Prep::new(format!("/uploads/{id}/unpublish"), Body::form(&[])),
        ));
    }
    v.push(case(
        false,
        "GET",
        "/supervise",
        "",
        Need::Somewhere(Act::Supervise),
        |_, _, _| get("/supervise".into()),
    ));
    for (label, rid, scope) in [
        ("county A", ca, Scope::CountyA),
        ("county B", cb, Scope::CountyB),
        ("city", city, Scope::City),
    ] {
        v.push(with_check(
            case(
                false,
                "GET",
                "/regions/{id}/units",
                label,
                Need::Act(Act::Supervise, scope),
                move |_, _, _| get(format!("/regions/{rid}/units?sort=score&desc=1")),
            ),
            move |ctx, _, r| {
                if scope == Scope::CountyA {
                    let b = ctx.unit_b_id();
                    not_contains(r, &format!("\"/units/{b}\""))?;
                    not_contains(r, &format!("\"/units/{b}?"))?;
                    contains(r, &format!("\"/units/{}?", ctx.unit_a_id()))
                } else {
                    Ok(())
                }
            },
        ));
        v.push(case(
            false,
            "GET",
            "/regions/{id}/units.csv",
            label,
            Need::Act(Act::Supervise, scope),
            move |_, _, _| get(format!("/regions/{rid}/units.csv")),
        ));
    }
    let twn = ctx.township_a;
    v.extend([
        case(
            false,
            "GET",
            "/admin/org",
            "",
            Need::Somewhere(Act::ManageOrg),
            |_, _, _| get("/admin/org".into()),
        ),
        case(
            false,
            "POST",
            "/admin/org/regions",
            "under county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/admin/org/regions",
                    Body::form(&[
                        ("parent", &ca.to_string()),
                        ("code", &format!("E2ER{n}")),
                        ("name", &format!("E2E镇{n}")),
                        ("level", "township"),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/regions",
            "top level",
            Need::Act(Act::ManageOrg, Scope::City),
            |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/admin/org/regions",
                    Body::form(&[
                        ("parent", ""),
                        ("code", &format!("E2ET{n}")),
                        ("name", &format!("E2E市{n}")),
                        ("level", "city"),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/regions/{id}",
            "township of county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let r = region(ctx, twn);
                Prep::new(
                    format!("/admin/org/regions/{twn}"),
                    Body::form(&[
                        ("code", r["code"].as_str().unwrap()),
                        ("name", r["name"].as_str().unwrap()),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/regions/{id}",
            "county B",
            Need::Act(Act::ManageOrg, Scope::City),
            move |ctx, _, _| {
                let r = region(ctx, cb);
                Prep::new(
                    format!("/admin/org/regions/{cb}"),
                    Body::form(&[
                        ("code", r["code"].as_str().unwrap()),
                        ("name", r["name"].as_str().unwrap()),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/units",
            "in county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/admin/org/units",
                    Body::form(&[
                        ("region", &ca.to_string()),
                        ("code", &format!("E2EU{n}")),
                        ("name", &format!("青川市E2E单位{n}")),
                        ("short_name", ""),
                        ("kind", "department"),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/units/{id}",
            "unit A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let u = &ctx.unit_a;
                Prep::new(
                    format!("/admin/org/units/{a}"),
                    Body::form(&[
                        ("region", &u["region_id"].to_string()),
                        ("code", u["code"].as_str().unwrap()),
                        ("name", u["name"].as_str().unwrap()),
                        ("short_name", u["short_name"].as_str().unwrap()),
                        ("kind", u["kind"].as_str().unwrap()),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/import",
            "unit in county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            |ctx, role, s| {
                let mut m = Multipart::new();
                if let Some(csrf) = ctx.auth(role, s).csrf() {
                    m = m.text("csrf_token", csrf);
                }
                Prep::new(
                    "/admin/org/import",
                    Body::Multipart(m.file("file", "org.csv", "text/csv", org_csv(ctx))),
                )
            },
        ),
        case(
            false,
            "GET",
            "/admin/org/export.csv",
            "",
            Need::Somewhere(Act::ManageOrg),
            |_, _, _| get("/admin/org/export.csv".into()),
        ),
        case(
            false,
            "GET",
            "/admin/org/export.xlsx",
            "",
            Need::Somewhere(Act::ManageOrg),
            |_, _, _| get("/admin/org/export.xlsx".into()),
        ),
        case(
            false,
            "GET",
            "/admin/users",
            "",
            Need::Somewhere(Act::ManageUsers),
            |_, _, _| get("/admin/users".into()),
        ),
        case(
            false,
            "POST",
            "/admin/users",
            "role at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/admin/users",
                    Body::form(&[
                        ("login", &format!("e2e-page-{n}")),
                        ("display_name", "E2E"),
                        ("role", "unit_staff"),
                        ("node", &format!("u{a}")),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/users/{id}/disable",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                Prep::new(
                    format!("/admin/users/{}/disable", ctx.victim),
                    Body::form(&[]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/users/{id}/enable",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                Prep::new(
                    format!("/admin/users/{}/enable", ctx.victim),
                    Body::form(&[]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/users/{id}/reset-password",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                Prep::new(
                    format!("/admin/users/{}/reset-password", ctx.victim),
                    Body::form(&[]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/users/{id}/grants",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                ctx.ensure_no_grant();
                Prep::new(
                    format!("/admin/users/{}/grants", ctx.victim),
                    Body::form(&[
                        ("role", "unit_leader"),
                        ("node", &format!("u{}", ctx.other_unit_a)),
                    ]),
                )
            },
        ),
        case(
            false,
            "POST",
            "/admin/grants/{id}/revoke",
            "grant at unit of county A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                Prep::new(
                    format!("/admin/grants/{}/revoke", ctx.ensure_grant()),
                    Body::form(&[]),
                )
            },
        ),
        case(
            false,
            "GET",
            "/audit",
            "own region",
            Need::Somewhere(Act::ReadAudit),
            |_, _, _| get("/audit".into()),
        ),
        case(
            false,
            "GET",
            "/audit",
            "county A",
            Need::Act(Act::ReadAudit, Scope::CountyA),
            move |_, _, _| get(format!("/audit?region={ca}")),
        ),
        case(
            false,
            "GET",
            "/audit",
            "county B",
            Need::Act(Act::ReadAudit, Scope::CountyB),
            move |_, _, _| get(format!("/audit?region={cb}")),
        ),
        case(
            false,
            "GET",
            "/audit.csv",
            "county A",
            Need::Act(Act::ReadAudit, Scope::CountyA),
            move |_, _, _| get(format!("/audit.csv?region={ca}")),
        ),
        case(
            false,
            "GET",
            "/audit.csv",
            "county B",
            Need::Act(Act::ReadAudit, Scope::CountyB),
            move |_, _, _| get(format!("/audit.csv?region={cb}")),
        ),
        case(
            false,
            "GET",
            "/static/{version}/{file}",
            "stylesheet",
            Need::Anyone,
            |ctx, _, _| get(ctx.asset.clone()),
        ),
        case(false, "GET", "/healthz", "", Need::Anyone, |_, _, _| {
            get("/healthz".into())
        }),
    ]);
    v.extend(ledger_page_cases(ctx));
    v
}

/// API routes (paths as the OpenAPI document names them, under `/api/v1`).
fn api_cases(ctx: &Ctx) -> Vec<Case> {
    let a = ctx.unit_a_id();
    let b = ctx.unit_b_id();
    let (ca, cb, city) = (ctx.county_a, ctx.county_b, ctx.city);
    let twn = ctx.township_a;
    let mut v = vec![
        {
            let mut c = case(
                true,
                "POST",
                "/auth/login",
                "own login",
                Need::Anyone,
                |ctx, role, _| {
                    let who = if role == Role::Public {
                        Role::StaffA
                    } else {
                        role
                    };
                    let p = ctx.person(who);
                    Prep::new(
                        "/auth/login",
                        Body::Json(json!({"login": p.login, "password": *p.password.borrow()})),
                    )
                },
            );
            c.once = true;
            c.after = Some(Box::new(|ctx, role, r| {
                if role != Role::Public {
                    let session = r
                        .set_cookie("fazhi_session")
                        .expect("login sets the cookie");
                    let csrf = r.json()["csrf_token"].as_str().unwrap().to_string();
                    ctx.person(role)
                        .spare
                        .borrow_mut()
                        .push(Auth::Cookie { session, csrf });
                }
            }));
            c
        },
        phase(
            case(
                true,
                "POST",
                "/auth/logout",
                "own session",
                Need::SignedIn,
                |ctx, role, s| {
                    let mut p = Prep::new("/auth/logout", Body::None);
                    if role != Role::Public && s == Surface::ApiCookie {
                        p.auth = Some(ctx.spare_session(role));
                    }
                    p
                },
            ),
            Phase::Logout,
        ),
        with_check(
            case(true, "GET", "/me", "", Need::SignedIn, |_, _, _| {
                get("/me".into())
            }),
            |ctx, role, r| same_units(ctx, role, &r.json()["units"], None),
        ),
        once(phase(
            case(
                true,
                "POST",
                "/me/password",
                "own password",
                Need::SignedIn,
                |ctx, role, s| {
                    let (old, new) = next_password(ctx, role);
                    let mut p = Prep::new(
                        "/me/password",
                        Body::Json(json!({"old_password": old, "new_password": new})),
                    );
                    if role != Role::Public && s == Surface::ApiCookie {
                        p.auth = Some(ctx.live_session(role));
                    }
                    p
                },
            ),
            Phase::Password,
        )),
        case(true, "GET", "/me/tokens", "", Need::SignedIn, |_, _, _| {
            get("/me/tokens".into())
        }),
        case(
            true,
            "POST",
            "/me/tokens",
            "",
            Need::SignedIn,
            |ctx, _, _| {
                Prep::new(
                    "/me/tokens",
                    Body::Json(json!({"name": format!("api-{}", ctx.next())})),
                )
            },
        ),
        case(
            true,
            "DELETE",
            "/me/tokens/{id}",
            "own token",
            Need::SignedIn,
            |ctx, role, _| {
                let owner = if role == Role::Public {
                    Role::StaffA
                } else {
                    role
                };
                Prep::new(
                    format!("/me/tokens/{}", ctx.fresh_token_id(owner)),
                    Body::None,
                )
            },
        ),
        case(
            true,
            "DELETE",
            "/me/tokens/{id}",
            "staff B's token",
            Need::Owner(Role::StaffB),
            |ctx, _, _| {
                Prep::new(
                    format!("/me/tokens/{}", ctx.fresh_token_id(Role::StaffB)),
                    Body::None,
                )
            },
        ),
        case(true, "GET", "/regions", "", Need::SignedIn, |_, _, _| {
            get("/regions".into())
        }),
        case(
            true,
            "POST",
            "/regions",
            "under county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/regions",
                    Body::Json(
                        json!({"parent_id": ca, "code": format!("E2EAR{n}"), "name": format!("E2E乡{n}"), "level": "township"}),
                    ),
                )
            },
        ),
        case(
            true,
            "POST",
            "/regions",
            "top level",
            Need::Act(Act::ManageOrg, Scope::City),
            |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/regions",
                    Body::Json(
                        json!({"parent_id": null, "code": format!("E2EAT{n}"), "name": format!("E2E州{n}"), "level": "city"}),
                    ),
                )
            },
        ),
        case(
            true,
            "PATCH",
            "/regions/{id}",
            "township of county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |_, _, _| Prep::new(format!("/regions/{twn}"), Body::Json(json!({}))),
        ),
        case(
            true,
            "PATCH",
            "/regions/{id}",
            "county B",
            Need::Act(Act::ManageOrg, Scope::City),
            move |_, _, _| Prep::new(format!("/regions/{cb}"), Body::Json(json!({}))),
        ),
        with_check(
            case(true, "GET", "/units", "", Need::SignedIn, |_, _, _| {
                get("/units".into())
            }),
            |ctx, role, r| same_units(ctx, role, &r.json(), None),
        ),
        with_check(
            case(
                true,
                "GET",
                "/units",
                "?region=county B",
                Need::SignedIn,
                move |_, _, _| get(format!("/units?region={cb}")),
            ),
            move |ctx, role, r| same_units(ctx, role, &r.json(), Some(cb)),
        ),
        case(
            true,
            "POST",
            "/units",
            "in county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/units",
                    Body::Json(
                        json!({"region_id": ca, "code": format!("E2EAU{n}"), "name": format!("青川市E2E接口单位{n}"), "kind": "department"}),
                    ),
                )
            },
        ),
        case(
            true,
            "GET",
            "/units/{id}",
            "unit A",
            Need::Act(Act::Read, Scope::UnitA),
            move |_, _, _| get(format!("/units/{a}")),
        ),
        case(
            true,
            "GET",
            "/units/{id}",
            "unit B",
            Need::Act(Act::Read, Scope::UnitB),
            move |_, _, _| get(format!("/units/{b}")),
        ),
        case(
            true,
            "PATCH",
            "/units/{id}",
            "unit A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            move |_, _, _| Prep::new(format!("/units/{a}"), Body::Json(json!({}))),
        ),
        case(
            true,
            "POST",
            "/org/import",
            "unit in county A",
            Need::Act(Act::ManageOrg, Scope::CountyA),
            |ctx, _, _| {
                Prep::new(
                    "/org/import",
                    Body::Multipart(Multipart::new().file(
                        "file",
                        "org.csv",
                        "text/csv",
                        org_csv(ctx),
                    )),
                )
            },
        ),
        case(
            true,
            "GET",
            "/org/export",
            "",
            Need::Somewhere(Act::ManageOrg),
            |_, _, _| get("/org/export".into()),
        ),
        case(
            true,
            "GET",
            "/users",
            "",
            Need::Somewhere(Act::ManageUsers),
            |_, _, _| get("/users".into()),
        ),
        case(
            true,
            "POST",
            "/users",
            "role at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            move |ctx, _, _| {
                let n = ctx.next();
                Prep::new(
                    "/users",
                    Body::Json(
                        json!({"login": format!("e2e-api-{n}"), "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": a}}]}),
                    ),
                )
            },
        ),
        case(
            true,
            "GET",
            "/users/{id}",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| get(format!("/users/{}", ctx.victim)),
        ),
        case(
            true,
            "POST",
            "/users/{id}/disable",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| Prep::new(format!("/users/{}/disable", ctx.victim), Body::None),
        ),
        case(
            true,
            "POST",
            "/users/{id}/enable",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| Prep::new(format!("/users/{}/enable", ctx.victim), Body::None),
        ),
        case(
            true,
            "POST",
            "/users/{id}/reset-password",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| Prep::new(format!("/users/{}/reset-password", ctx.victim), Body::None),
        ),
        case(
            true,
            "POST",
            "/users/{id}/grants",
            "account at unit A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| {
                ctx.ensure_no_grant();
                Prep::new(
                    format!("/users/{}/grants", ctx.victim),
                    Body::Json(
                        json!({"role": "unit_leader", "node": {"type": "unit", "id": ctx.other_unit_a}}),
                    ),
                )
            },
        ),
        case(
            true,
            "DELETE",
            "/grants/{id}",
            "grant at unit of county A",
            Need::Act(Act::ManageUsers, Scope::UnitA),
            |ctx, _, _| Prep::new(format!("/grants/{}", ctx.ensure_grant()), Body::None),
        ),
        case(
            true,
            "GET",
            "/units/{id}/uploads",
            "unit A",
            Need::Act(Act::Read, Scope::UnitA),
            move |_, _, _| get(format!("/units/{a}/uploads")),
        ),
        case(
            true,
            "GET",
            "/units/{id}/uploads",
            "unit B",
            Need::Act(Act::Read, Scope::UnitB),
            move |_, _, _| get(format!("/units/{b}/uploads")),
        ),
        case(
            true,
            "POST",
            "/units/{id}/uploads",
            "unit A",
            Need::Act(Act::Write, Scope::UnitA),
            move |ctx, role, s| {
                Prep::new(
                    format!("/units/{a}/uploads"),
                    Body::Multipart(upload_form(ctx, role, s, &unit_name(&ctx.unit_a))),
                )
            },
        ),
        case(
            true,
            "POST",
            "/units/{id}/uploads",
            "unit B",
            Need::Act(Act::Write, Scope::UnitB),
            move |ctx, role, s| {
                Prep::new(
                    format!("/units/{b}/uploads"),
                    Body::Multipart(upload_form(ctx, role, s, &unit_name(&ctx.unit_b))),
                )
            },
        ),
    ];
    for (label, id, need) in upload_ids(ctx) {
        let scope = if label.starts_with('A') {
            Scope::UnitA
        } else {
            Scope::UnitB
        };
        v.push(with_check(
            case(true, "GET", "/uploads/{id}", label, need, move |_, _, _| {
                get(format!("/uploads/{id}"))
            }),
            move |_, role, r| {
                // Who uploaded is shown only to the unit's people and supervisors.
                let internal = reach(role, Act::Read, scope);
                let shown = r.json()["upload"]
                    .get("uploaded_by_login")
                    .is_some_and(|v| !v.is_null());
                if shown && !internal {
                    Err("uploader shown to someone outside the unit".into())
                } else {
                    Ok(())
                }
            },
        ));
        v.push(case(
            true,
            "GET",
            "/uploads/{id}/original",
            label,
            need,
            move |_, _, _| get(format!("/uploads/{id}/original")),
        ));
    }
    for (label, key, scope) in [
        ("A report", "a_toggle", Scope::UnitA),
        ("B report", "b_toggle", Scope::UnitB),
    ] {
        let id = ctx.up[key];
        v.push(case(
            true,
            "POST",
            "/uploads/{id}/publish",
            label,
            Need::Act(Act::Approve, scope),
            move |_, _, _| Prep::new(format!("/uploads/{id}/publish"), Body::None),
        ));
        v.push(case(
            true,
            "POST",
            "/uploads/{id}/withdraw",
            label,
            Need::Act(Act::Approve, scope),
            move |_, _, _| Prep::new(format!("/uploads/{id}/withdraw"), Body::None),
        ));
    }
    for (label, rid, scope) in [
        ("county A", ca, Scope::CountyA),
        ("county B", cb, Scope::CountyB),
        ("city", city, Scope::City),
    ] {
        v.push(with_check(
            case(
                true,
                "GET",
                "/regions/{id}/overview",
                label,
                Need::Act(Act::Supervise, scope),
                move |_, _, _| {
                    get(format!(
                        "/regions/{rid}/overview?sort=score&desc=true&limit=500"
                    ))
                },
            ),
            move |ctx, _, r| {
                for row in r.json()["items"].as_array().into_iter().flatten() {
                    let path = &row["unit"]["region_path"];
                    if !path.as_array().is_some_and(|p| p.contains(&json!(rid))) {
                        return Err(format!(
                            "unit {} outside region {rid} in the overview",
                            row["unit"]["id"]
                        ));
                    }
                }
                let _ = ctx;
                Ok(())
            },
        ));
    }
    v.push(with_check(
        case(true, "GET", "/published", "", Need::Anyone, |_, _, _| {
            get("/published?limit=100".into())
        }),
        |ctx, _, r| {
            let body = r.json();
            for item in body["items"].as_array().into_iter().flatten() {
                if item["published_at"].is_null() {
                    return Err(format!(
                        "unpublished upload {} in the public list",
                        item["id"]
                    ));
                }
                if item.get("uploaded_by_login").is_some_and(|v| !v.is_null()) {
                    return Err(format!(
                        "uploader of {} shown in the public list",
                        item["id"]
                    ));
                }
                if item["id"] == ctx.up["a_unpub"] || item["id"] == ctx.up["b_unpub"] {
                    return Err("an unpublished report is listed".into());
                }
            }
            Ok(())
        },
    ));
    for (label, q, need, region) in [
        (
            "own region",
            String::new(),
            Need::Somewhere(Act::ReadAudit),
            None,
        ),
        (
            "county A",
            format!("?region={ca}"),
            Need::Act(Act::ReadAudit, Scope::CountyA),
            Some(ca),
        ),
        (
            "county B",
            format!("?region={cb}"),
            Need::Act(Act::ReadAudit, Scope::CountyB),
            Some(cb),
        ),
    ] {
        v.push(with_check(
            case(true, "GET", "/audit", label, need, move |_, _, _| {
                get(format!("/audit{q}"))
            }),
            move |ctx, role, r| {
                // A county supervisor never sees what happened outside his county.
                let must = region.or((role == Role::SupCounty).then_some(ctx.county_a));
                let Some(must) = must else { return Ok(()) };
                for e in r.json()["items"].as_array().into_iter().flatten() {
                    if !e["region_path"]
                        .as_array()
                        .is_some_and(|p| p.contains(&json!(must)))
                    {
                        return Err(format!(
                            "audit entry {} ({}) outside region {must}",
                            e["id"], e["action"]
                        ));
                    }
                }
                Ok(())
            },
        ));
    }
    v.push(case(
        true,
        "GET",
        "/openapi.json",
        "",
        Need::Anyone,
        |_, _, _| get("/openapi.json".into()),
    ));
    v.extend(ledger_api_cases(ctx));
    v
}

/// The records a page links (`/ledger/{id}`).
fn linked_records(r: &Resp) -> BTreeSet<i64> {
    r.text()
        .split("href=\"/ledger/")
        .skip(1)
        .filter_map(|p| {
            p.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        })
        .collect()
}

/// A page of unit A's ledger links `own` (when given) and none of unit B's 学法 records (and
/// the other way round for B).
fn ledger_page_shows_own(
    ctx: &Ctx,
    r: &Resp,
    unit_a: bool,
    own: Option<i64>,
) -> Result<(), String> {
    let (mine, theirs) = if unit_a {
        (&ctx.ledger.a_ids, &ctx.ledger.b_ids)
    } else {
        (&ctx.ledger.b_ids, &ctx.ledger.a_ids)
    };
    let links = linked_records(r);
    if let Some(id) = theirs.iter().find(|id| links.contains(id)) {
        return Err(format!("page links record {id} of the other unit"));
    }
    match own {
        Some(id) if !links.contains(&id) => Err(format!("page lacks record {id}")),
        _ if own.is_some() && !mine.iter().any(|id| links.contains(id)) => {
            Err("page links none of the unit's records".into())
        }
        _ => Ok(()),
    }
}

/// API answers of unit A hold only unit A's records (and B's only B's).
fn ledger_items_of(r: &Resp, unit: i64) -> Result<(), String> {
    let v = r.json();
    let items = v["items"].as_array().ok_or("no items")?;
    if items.is_empty() {
        return Err("no records listed".into());
    }
    match items.iter().find(|i| i["unit_id"] != unit) {
        Some(i) => Err(format!(
            "record {} of unit {} listed",
            i["id"], i["unit_id"]
        )),
        None => Ok(()),
    }
}

/// The pages of the ledger (台账).
fn ledger_page_cases(ctx: &Ctx) -> Vec<Case> {
    let y = ctx.ledger.year;
    let mut v = Vec::new();
    for (label, unit, scope, is_a) in [
        ("unit A", ctx.unit_a_id(), Scope::UnitA, true),
        ("unit B", ctx.unit_b_id(), Scope::UnitB, false),
    ] {
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        let own = if is_a {
            ctx.ledger.a_rec
        } else {
            ctx.ledger.b_rec
        };
        v.push(with_check(
            case(
                false,
                "GET",
                "/units/{id}/ledger",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger?year={y}")),
            ),
            move |ctx, _, r| {
                ledger_page_shows_own(ctx, r, is_a, None)?;
                contains(r, &format!("/units/{unit}/ledger/study?year={y}"))
            },
        ));
        v.push(with_check(
            case(
                false,
                "GET",
                "/units/{id}/ledger/figures/{key}",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger/figures/study.total?year={y}")),
            ),
            move |ctx, _, r| ledger_page_shows_own(ctx, r, is_a, Some(own)),
        ));
        v.push(with_check(
            case(
                false,
                "GET",
                "/units/{id}/ledger/indicators/{code}",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger/indicators/thought?year={y}")),
            ),
            move |ctx, _, r| ledger_page_shows_own(ctx, r, is_a, Some(own)),
        ));
        v.push(with_check(
            case(
                false,
                "GET",
                "/units/{id}/ledger/{kind}",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger/study?year={y}&limit=1000")),
            ),
            move |ctx, _, r| ledger_page_shows_own(ctx, r, is_a, Some(own)),
        ));
        v.push(case(
            false,
            "POST",
            "/units/{id}/ledger/{kind}",
            label,
            write,
            move |ctx, _, _| {
                let topic = format!("授权矩阵新增{}", ctx.next());
                Prep::new(
                    format!("/units/{unit}/ledger/study"),
                    Body::form(&[
                        ("year", &y.to_string()),
                        ("f.date", &format!("{y}-06-18")),
                        ("f.form", "集中学法"),
                        ("f.topic", &topic),
                    ]),
                )
            },
        ));
        v.push(case(
            false,
            "GET",
            "/units/{id}/ledger/{kind}/new",
            label,
            write,
            move |_, _, _| get(format!("/units/{unit}/ledger/study/new?year={y}")),
        ));
        for file in ["template.xlsx", "export.xlsx", "export.csv"] {
            let route: &'static str = match file {
                "template.xlsx" => "/units/{id}/ledger/{kind}/template.xlsx",
                "export.xlsx" => "/units/{id}/ledger/{kind}/export.xlsx",
                _ => "/units/{id}/ledger/{kind}/export.csv",
            };
            v.push(case(false, "GET", route, label, read, move |_, _, _| {
                get(format!("/units/{unit}/ledger/study/{file}?year={y}"))
            }));
        }
        v.push(case(
            false,
            "POST",
            "/units/{id}/ledger/{kind}/import",
            label,
            write,
            move |ctx, role, s| {
                let mut m = Multipart::new();
                if let Some(csrf) = ctx.auth(role, s).csrf() {
                    m = m.text("csrf_token", csrf);
                }
                let m = m.text("year", &y.to_string()).file(
                    "file",
                    "学法.csv",
                    "text/csv",
                    ctx.ledger_csv(),
                );
                Prep::new(
                    format!("/units/{unit}/ledger/study/import"),
                    Body::Multipart(m),
                )
            },
        ));
    }
    for (label, key, scope) in [
        ("A record", "a", Scope::UnitA),
        ("B record", "b", Scope::UnitB),
    ] {
        let l = &ctx.ledger;
        let (rid, toggle, att) = if key == "a" {
            (l.a_rec, l.a_toggle, l.a_att)
        } else {
            (l.b_rec, l.b_toggle, l.b_att)
        };
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        v.push(with_check(
            case(false, "GET", "/ledger/{id}", label, read, move |_, _, _| {
                get(format!("/ledger/{rid}"))
            }),
            move |_, _, r| contains(r, &format!("/ledger/attachments/{att}")),
        ));
        v.push(case(
            false,
            "POST",
            "/ledger/{id}",
            label,
            write,
            move |ctx, _, _| Prep::new(format!("/ledger/{rid}"), ctx.ledger_edit_form(rid)),
        ));
        v.push(case(
            false,
            "POST",
            "/ledger/{id}/delete",
            label,
            write,
            move |ctx, _, _| {
                ctx.set_deleted(toggle, false);
                Prep::new(format!("/ledger/{toggle}/delete"), Body::form(&[]))
            },
        ));
        v.push(case(
            false,
            "POST",
            "/ledger/{id}/restore",
            label,
            write,
            move |ctx, _, _| {
                ctx.set_deleted(toggle, true);
                Prep::new(format!("/ledger/{toggle}/restore"), Body::form(&[]))
            },
        ));
        v.push(case(
            false,
            "POST",
            "/ledger/{id}/attachments",
            label,
            write,
            move |ctx, role, s| {
                let mut m = Multipart::new();
                if let Some(csrf) = ctx.auth(role, s).csrf() {
                    m = m.text("csrf_token", csrf);
                }
                let m = m.file(
                    "file",
                    &format!("签到表-{}.txt", ctx.next()),
                    "text/plain",
                    format!("签到表 {}", ctx.next()).into_bytes(),
                );
                Prep::new(format!("/ledger/{rid}/attachments"), Body::Multipart(m))
            },
        ));
        v.push(case(
            false,
            "GET",
            "/ledger/attachments/{id}",
            label,
            read,
            move |_, _, _| get(format!("/ledger/attachments/{att}")),
        ));
        v.push(case(
            false,
            "POST",
            "/ledger/attachments/{id}/delete",
            label,
            write,
            move |ctx, _, _| {
                let aid = ctx.fresh_attachment(rid);
                Prep::new(format!("/ledger/attachments/{aid}/delete"), Body::form(&[]))
            },
        ));
    }
    v
}

/// The API of the ledger (paths as the OpenAPI document names them).
fn ledger_api_cases(ctx: &Ctx) -> Vec<Case> {
    let y = ctx.ledger.year;
    let mut v = vec![case(
        true,
        "GET",
        "/ledger/kinds",
        "",
        Need::SignedIn,
        |_, _, _| get("/ledger/kinds".into()),
    )];
    for (label, unit, scope, is_a) in [
        ("unit A", ctx.unit_a_id(), Scope::UnitA, true),
        ("unit B", ctx.unit_b_id(), Scope::UnitB, false),
    ] {
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        v.push(with_check(
            case(
                true,
                "GET",
                "/units/{id}/ledger/{kind}",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger/study?year={y}&limit=1000")),
            ),
            move |_, _, r| ledger_items_of(r, unit),
        ));
        v.push(case(
            true,
            "POST",
            "/units/{id}/ledger/{kind}",
            label,
            write,
            move |ctx, _, _| {
                Prep::new(
                    format!("/units/{unit}/ledger/study"),
                    Body::Json(json!({
                        "year": y,
                        "fields": {
                            "date": format!("{y}-07-08"),
                            "form": "专题讲座",
                            "topic": format!("授权矩阵接口新增{}", ctx.next())
                        }
                    })),
                )
            },
        ));
        v.push(with_check(
            case(
                true,
                "GET",
                "/units/{id}/ledger/summary",
                label,
                read,
                move |_, _, _| get(format!("/units/{unit}/ledger/summary?year={y}")),
            ),
            move |ctx, _, r| {
                let s = r.json();
                if s["unit"]["id"] != unit {
                    return Err(format!("summary of unit {}", s["unit"]["id"]));
                }
                let theirs = if is_a {
                    &ctx.ledger.b_ids
                } else {
                    &ctx.ledger.a_ids
                };
                for f in s["figures"].as_array().unwrap() {
                    for id in f["record_ids"].as_array().unwrap() {
                        if theirs.contains(&id.as_i64().unwrap()) {
                            return Err(format!(
                                "figure {} counts record {id} of the other unit",
                                f["key"]
                            ));
                        }
                    }
                }
                Ok(())
            },
        ));
        v.push(case(
            true,
            "GET",
            "/units/{id}/ledger/{kind}/template",
            label,
            read,
            move |_, _, _| get(format!("/units/{unit}/ledger/study/template")),
        ));
        v.push(case(
            true,
            "GET",
            "/units/{id}/ledger/{kind}/export",
            label,
            read,
            move |_, _, _| {
                get(format!(
                    "/units/{unit}/ledger/study/export?year={y}&format=csv"
                ))
            },
        ));
        v.push(case(
            true,
            "POST",
            "/units/{id}/ledger/{kind}/import",
            label,
            write,
            move |ctx, _, _| {
                Prep::new(
                    format!("/units/{unit}/ledger/study/import?year={y}&filename=import.csv"),
                    Body::Raw {
                        content_type: "text/csv".into(),
                        bytes: ctx.ledger_csv(),
                    },
                )
            },
        ));
    }
    for (label, key, scope) in [
        ("A record", "a", Scope::UnitA),
        ("B record", "b", Scope::UnitB),
    ] {
        let l = &ctx.ledger;
        let (rid, toggle, att) = if key == "a" {
            (l.a_rec, l.a_toggle, l.a_att)
        } else {
            (l.b_rec, l.b_toggle, l.b_att)
        };
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        v.push(with_check(
            case(
                true,
                "GET",
                "/ledger/records/{rid}",
                label,
                read,
                move |_, _, _| get(format!("/ledger/records/{rid}")),
            ),
            move |_, _, r| {
                if r.json()["id"] == rid {
                    Ok(())
                } else {
                    Err(format!("not record {rid}"))
                }
            },
        ));
        v.push(case(
            true,
            "PUT",
            "/ledger/records/{rid}",
            label,
            write,
            move |ctx, _, _| Prep::new(format!("/ledger/records/{rid}"), ctx.ledger_put_body(rid)),
        ));
        v.push(case(
            true,
            "DELETE",
            "/ledger/records/{rid}",
            label,
            write,
            move |ctx, _, _| {
                ctx.set_deleted(toggle, false);
                Prep::new(format!("/ledger/records/{toggle}"), Body::None)
            },
        ));
        v.push(case(
            true,
            "POST",
            "/ledger/records/{rid}/restore",
            label,
            write,
            move |ctx, _, _| {
                ctx.set_deleted(toggle, true);
                Prep::new(format!("/ledger/records/{toggle}/restore"), Body::None)
            },
        ));
        v.push(case(
            true,
            "POST",
            "/ledger/records/{rid}/attachments",
            label,
            write,
            move |ctx, _, _| {
                Prep::new(
                    format!(
                        "/ledger/records/{rid}/attachments?filename=api-{}.txt",
                        ctx.next()
                    ),
                    Body::Raw {
                        content_type: "text/plain".into(),
                        bytes: format!("附件 {}", ctx.next()).into_bytes(),
                    },
                )
            },
        ));
        v.push(case(
            true,
            "GET",
            "/ledger/attachments/{aid}",
            label,
            read,
            move |_, _, _| get(format!("/ledger/attachments/{att}")),
        ));
        v.push(case(
            true,
            "DELETE",
            "/ledger/attachments/{aid}",
            label,
            write,
            move |ctx, _, _| {
                let aid = ctx.fresh_attachment(rid);
                Prep::new(format!("/ledger/attachments/{aid}"), Body::None)
            },
        ));
    }
    v
}

fn region(ctx: &Ctx, id: i64) -> Value {
    let all = ctx.c.get_json("/api/v1/regions", &ctx.admin);
    all.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .expect("region")
}

fn next_password(ctx: &Ctx, role: Role) -> (String, String) {
    if role == Role::Public {
        return ("Whatever-2025".into(), "Whatever-2026!".into());
    }
    let p = ctx.person(role);
    let old = p.password.borrow().clone();
    let new = format!("E2e-Pass-{}!", ctx.next());
    *p.pending.borrow_mut() = Some(new.clone());
    (old, new)
}

fn page_login(ctx: &Ctx, role: Role, _: Surface) -> Prep {
    let who = if role == Role::Public {
        Role::StaffA
    } else {
        role
    };
    let p = ctx.person(who);
    let password = p.password.borrow().clone();
    if role == Role::Public {
        // The login form's double-submit token: its cookie, and the same value in the form.
        let form = ctx.c.get("/login", &Auth::Anon);
        let token = form
            .set_cookie("fazhi_login_csrf")
            .expect("login form sets its CSRF cookie");
        let mut prep = Prep::new(
            "/login",
            Body::form(&[
                ("csrf_token", &token),
                ("login", &p.login),
                ("password", &password),
                ("next", "/"),
            ]),
        );
        prep.headers
            .push(("Cookie".into(), format!("fazhi_login_csrf={token}")));
        prep
    } else {
        Prep::new(
            "/login",
            Body::form(&[("login", &p.login), ("password", &password), ("next", "/")]),
        )
    }
}

fn keep_page_session(ctx: &Ctx, role: Role, r: &Resp) {
    if role == Role::Public {
        return;
    }
    let session = r
        .set_cookie("fazhi_session")
        .expect("page login sets the cookie");
    let me = ctx.c.get_json(
        "/api/v1/me",
        &Auth::Cookie {
            session: session.clone(),
            csrf: String::new(),
        },
    );
    let csrf = me["csrf_token"].as_str().unwrap().to_string();
    ctx.person(role)
        .spare
        .borrow_mut()
        .push(Auth::Cookie { session, csrf });
}

fn contains(r: &Resp, needle: &str) -> Result<(), String> {
    if r.text().contains(needle) {
        Ok(())
    } else {
        Err(format!("page lacks {needle:?}"))
    }
}

fn not_contains(r: &Resp, needle: &str) -> Result<(), String> {
    if r.text().contains(needle) {
        Err(format!("page shows {needle:?}"))
    } else {
        Ok(())
    }
}

/// The units of a list are exactly those the role reads (below `region` when given), out
/// of every unit as the admin lists them now (the org cases add units while the matrix runs).
fn same_units(ctx: &Ctx, role: Role, list: &Value, region: Option<i64>) -> Result<(), String> {
    let all = ctx.c.get_json("/api/v1/units", &ctx.admin);
    let got: BTreeSet<i64> = list
        .as_array()
        .ok_or("not a list")?
        .iter()
        .map(Ctx::id)
        .collect();
    let want: BTreeSet<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| ctx.reads_unit(role, u))
        .filter(|u| region.is_none_or(|r| u["region_path"].as_array().unwrap().contains(&json!(r))))
        .map(Ctx::id)
        .collect();
    let extra: Vec<_> = got.difference(&want).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    if extra.is_empty() && missing.is_empty() {
        Ok(())
    } else {
        Err(format!("units beyond reach {extra:?}, missing {missing:?}"))
    }
}

/// The public portal links only published reports.
fn check_home(ctx: &Ctx, role: Role, r: &Resp) -> Result<(), String> {
    if role != Role::Public {
        return Ok(());
    }
    let html = r.text();
    for piece in html.split("/uploads/").skip(1) {
        let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
        let Ok(id) = digits.parse::<i64>() else {
            continue;
        };
        let detail = ctx.c.get_json(&format!("/api/v1/uploads/{id}"), &ctx.admin);
        if detail["upload"]["published_at"].is_null() {
            return Err(format!("home page links unpublished upload {id}"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Route lists the tables must cover

// ---------------------------------------------------------------------------------------
// Setup

fn find_user(users: &[Value], pred: impl Fn(&Value) -> bool) -> Option<&Value> {
    users.iter().find(|u| {
        u["grants"]
            .as_array()
            .is_some_and(|gs| gs.iter().any(&pred))
    })
}

fn setup(server: &Server) -> Ctx {
    let c = server.client();
    let lines = server.stdout.lock().unwrap().clone();
    let printed = demo_passwords(&lines, &["admin"]);
    let admin_pw = printed
        .get("admin")
        .unwrap_or_else(|| panic!("admin password in the demo output:\n{}", lines.join("\n")));
    let admin_session = c.must_login("admin", admin_pw);
    let admin = c.token(&admin_session, "e2e-admin");

    let regions = c.get_json("/api/v1/regions", &admin);
    let regions = regions.as_array().unwrap();
    let city = regions
        .iter()
        .find(|r| r["parent_id"].is_null())
        .expect("a root region");
    let city_id = Ctx::id(city);
    let counties: Vec<&Value> = regions
        .iter()
        .filter(|r| r["level"] == "county" && r["parent_id"] == city["id"])
        .collect();
    assert!(
        counties.len() >= 2,
        "the demo has at least two counties: {regions:?}"
    );
    let units = c
        .get_json("/api/v1/units", &admin)
        .as_array()
        .unwrap()
        .clone();
    let users = c
        .get_json("/api/v1/users", &admin)
        .as_array()
        .unwrap()
        .clone();
    let in_region = |u: &Value, r: i64| u["region_path"].as_array().unwrap().contains(&json!(r));

    // Unit A: a unit below a county that has a 填报员, a 负责人 and a county 督察员.
    let unit_of = |id: i64| units.iter().find(|u| u["id"] == id).cloned();
    let (unit_a, county_a) = users
        .iter()
        .flat_map(|u| u["grants"].as_array().unwrap().iter())
        .filter(|g| g["role"] == "unit_staff" && g["node"]["type"] == "unit")
        .filter_map(|g| unit_of(g["node"]["id"].as_i64().unwrap()))
        .find_map(|u| {
            let county = counties.iter().find(|c| in_region(&u, Ctx::id(c)))?;
            let cid = Ctx::id(county);
            let leader = find_user(&users, |g| {
                g["role"] == "unit_leader" && g["node"]["id"] == u["id"]
            });
            let sup = find_user(&users, |g| {
                g["role"] == "supervisor" && g["node"]["type"] == "region" && g["node"]["id"] == cid
            });
            (leader.is_some() && sup.is_some()).then_some((u, cid))
        })
        .expect("a demo unit in a county with staff, leader and county supervisor");
    let county_b = counties
        .iter()
        .map(|c| Ctx::id(c))
        .find(|c| *c != county_a)
        .unwrap();
    let unit_b = units
        .iter()
        .find(|u| in_region(u, county_b))
        .cloned()
        .expect("a unit in county B");
    let other_unit_a = units
        .iter()
        .find(|u| in_region(u, county_a) && u["id"] != unit_a["id"])
        .map(Ctx::id)
        .expect("a second unit in county A");
    let county_a_code = regions.iter().find(|r| r["id"] == county_a).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();

    let login_of = |pred: &dyn Fn(&Value) -> bool| -> String {
        find_user(&users, pred)
            .map(|u| u["user"]["login"].as_str().unwrap().to_string())
            .expect("demo account")
    };
    let ua = unit_a["id"].clone();
    let mut logins: Vec<(Role, String)> = vec![
        (
            Role::StaffA,
            login_of(&|g| {
                g["role"] == "unit_staff" && g["node"]["type"] == "unit" && g["node"]["id"] == ua
            }),
        ),
        (
            Role::LeaderA,
            login_of(&|g| {
                g["role"] == "unit_leader" && g["node"]["type"] == "unit" && g["node"]["id"] == ua
            }),
        ),
        (
            Role::SupCounty,
            login_of(&|g| {
                g["role"] == "supervisor"
                    && g["node"]["type"] == "region"
                    && g["node"]["id"] == county_a
            }),
        ),
        (
            Role::SupCity,
            login_of(&|g| {
                g["role"] == "supervisor"
                    && g["node"]["type"] == "region"
                    && g["node"]["id"] == city_id
            }),
        ),
    ];
    let names: Vec<&str> = logins.iter().map(|(_, l)| l.as_str()).collect();
    let mut passwords = demo_passwords(&lines, &names);

    // Staff of unit B: the demo has none in a second county, so the admin makes one.
    let fresh = |login: &str, grant: Value| -> String {
        let created = c.post_json_ok(
            "/api/v1/users",
            &admin,
            json!({"login": login, "display_name": login, "grants": [grant]}),
        );
        let otp = created["password"].as_str().unwrap().to_string();
        // Not containing the login: the password policy refuses that.
        let pw = "E2e-Yuangong-2025!".to_string();
        c.set_own_password(login, &otp, &pw);
        pw
    };
    let pw_b = fresh(
        "e2e-staff-b",
        json!({"role": "unit_staff", "node": {"type": "unit", "id": unit_b["id"]}}),
    );
    logins.push((Role::StaffB, "e2e-staff-b".into()));
    passwords.insert("e2e-staff-b".into(), pw_b);
    // Demo accounts whose password was not printed recognisably: reset by the admin.
    for (_, login) in &logins {
        if !passwords.contains_key(login) {
            let id = users
                .iter()
                .find(|u| u["user"]["login"] == login.as_str())
                .unwrap()["user"]["id"]
                .clone();
            let otp = c.post_json_ok(
                &format!("/api/v1/users/{id}/reset-password"),
                &admin,
                json!({}),
            )["password"]
                .as_str()
                .unwrap()
                .to_string();
            let pw = format!("E2e-Reset-{}-2025!", login.len());
            c.set_own_password(login, &otp, &pw);
            passwords.insert(login.clone(), pw);
        }
    }
    logins.push((Role::Admin, "admin".into()));
    passwords.insert("admin".into(), admin_pw.clone());

    let mut people = HashMap::new();
    for (role, login) in logins {
        let pw = passwords[&login].clone();
        let session = if role == Role::Admin {
            admin_session.clone()
        } else {
            c.must_login(&login, &pw)
        };
        let token = c.token(&session, "e2e-matrix");
        people.insert(
            role,
            Person {
                login,
                password: RefCell::new(pw),
                pending: RefCell::new(None),
                session,
                token,
                spare: RefCell::new(Vec::new()),
            },
        );
    }

    // Objects: reports of A and B (unpublished, published, one to toggle), a township of
    // county A, an account at unit A.
    let mut up = HashMap::new();
    for (key, unit, publish) in [
        ("a_unpub", &unit_a, false),
        ("a_pub", &unit_a, true),
        ("a_toggle", &unit_a, false),
        ("b_unpub", &unit_b, false),
        ("b_pub", &unit_b, true),
        ("b_toggle", &unit_b, false),
    ] {
        let seed = up.len() as u64 + 1;
        let r = c.upload(
            &admin,
            Ctx::id(unit),
            2024,
            &format!("{key}.txt"),
            report_txt(unit["name"].as_str().unwrap(), 2024, seed).into_bytes(),
        );
        assert_eq!(r.status, 201, "setup upload: {}", r.snippet());
        let id = r.json()["upload"]["id"].as_i64().unwrap();
        if publish {
            c.post_json_ok(&format!("/api/v1/uploads/{id}/publish"), &admin, json!({}));
        }
        up.insert(key, id);
    }
    let twn = c.post_json_ok(
        "/api/v1/regions",
        &admin,
        json!({"parent_id": county_a, "code": "E2ETWN1", "name": "E2E测试镇", "level": "township"}),
    );
    let victim = c.post_json_ok("/api/v1/users", &admin, json!({"login": "e2e-victim", "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": unit_a["id"]}}]}));

    // The demo's ledger: records of A and B, and an attachment of each.
    let demo = fazhi_demo::DemoOptions::default();
    let year = fazhi_demo::ledger::ledger_year(demo.last_year, demo.today);
    let study_of = |unit: &Value| -> Vec<i64> {
        let v = c.get_json(
            &format!(
                "/api/v1/units/{}/ledger/study?year={year}&limit=1000",
                unit["id"]
            ),
            &admin,
        );
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    let (a_ids, b_ids) = (study_of(&unit_a), study_of(&unit_b));
    assert!(
        a_ids.len() >= 2 && b_ids.len() >= 2,
        "the demo's ledger has 学法 records of units A and B in {year}"
    );
    let attach = |rid: i64| -> i64 {
        let r = c.call(
            "POST",
            &format!("/api/v1/ledger/records/{rid}/attachments?filename=setup.txt"),
            &admin,
            &Body::Raw {
                content_type: "text/plain".into(),
                bytes: format!("学法签到表 {rid}").into_bytes(),
            },
        );
        assert_eq!(r.status, 201, "setup attachment: {}", r.snippet());
        r.json()["id"].as_i64().unwrap()
    };
    let ledger = LedgerObjects {
        year,
        a_rec: a_ids[0],
        b_rec: b_ids[0],
        a_toggle: a_ids[1],
        b_toggle: b_ids[1],
        a_att: attach(a_ids[0]),
        b_att: attach(b_ids[0]),
        a_ids,
        b_ids,
    };

    let home = c.get("/", &Auth::Anon).text();
    let asset = home
        .split("\"/static/")
        .nth(1)
        .map(|s| format!("/static/{}", s.split('"').next().unwrap()))
        .expect("the layout links a static asset");

    Ctx {
        c,
        admin,
        people,
        city: city_id,
        county_a,
        county_b,
        county_a_code,
        township_a: Ctx::id(&twn),
        unit_a,
        unit_b,
        up,
        victim: victim["user"]["id"].as_i64().unwrap(),
        other_unit_a,
        asset,
        ledger,
        seq: Cell::new(0),
    }
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
    let page_table: BTreeSet<(String, String)> = pages
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_string()))
        .collect();
    let missing: Vec<_> = page_routes.difference(&page_table).collect();
    let stale: Vec<_> = page_table.difference(&page_routes).collect();
    assert!(
        missing.is_empty(),
        "page routes without a row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for page routes that do not exist: {stale:?}"
    );
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
    let api_table: BTreeSet<(String, String)> = apis
        .iter()
        .map(|c| (c.method.to_string(), c.route.to_string()))
        .collect();
    let missing: Vec<_> = api_routes.difference(&api_table).collect();
    let stale: Vec<_> = api_table.difference(&api_routes).collect();
    assert!(
        missing.is_empty(),
        "API operations without a row in the matrix: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "matrix rows for API operations that are not registered: {stale:?}"
    );

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
        let allowed: Vec<String> = match action {
            "upload.create" if unit == Some(ctx.unit_a_id()) => vec![
                login(Role::StaffA),
                login(Role::LeaderA),
                login(Role::Admin),
            ],
            "upload.create" if unit == Some(ctx.unit_b_id()) => {
                vec![login(Role::StaffB), login(Role::Admin)]
            }
            "upload.publish" | "upload.withdraw" if unit == Some(ctx.unit_a_id()) => {
                vec![login(Role::LeaderA), login(Role::Admin)]
            }
            a if (a.starts_with("record.") || a.starts_with("attachment."))
                && unit == Some(ctx.unit_a_id()) =>
            {
                vec![
                    login(Role::StaffA),
                    login(Role::LeaderA),
                    login(Role::Admin),
                ]
            }
            a if (a.starts_with("record.") || a.starts_with("attachment."))
                && unit == Some(ctx.unit_b_id()) =>
            {
                vec![login(Role::StaffB), login(Role::Admin)]
            }
            a if a.starts_with("session.") || a.starts_with("token.") || a == "user.password" => {
                continue
            }
            _ => vec![login(Role::Admin)],
        };
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
