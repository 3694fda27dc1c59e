//! Building cases, and the checks of answers that several tables share.

use super::*;

// ---------------------------------------------------------------------------------------
// The cases

pub(crate) fn upload_ids(ctx: &Ctx) -> [(&'static str, i64, Need); 4] {
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

pub(crate) fn case(
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

pub(crate) fn with_check(
    mut c: Case,
    check: impl Fn(&Ctx, Role, &Resp) -> Result<(), String> + 'static,
) -> Case {
    c.check = Some(Box::new(check));
    c
}

pub(crate) fn phase(mut c: Case, p: Phase) -> Case {
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

pub(crate) fn once(mut c: Case) -> Case {
    c.once = true;
    c
}

pub(crate) fn get(path: String) -> Prep {
    Prep::new(path, Body::None)
}

/// The body of a request that sends nothing: an empty form for a page, none for the API.
pub(crate) fn no_body(api: bool) -> Body {
    if api {
        Body::None
    } else {
        Body::form(&[])
    }
}

/// `route` with its object's placeholder (`{id}`, `{rid}`, `{aid}`) replaced by `id`.
pub(crate) fn by_id(route: &str, id: i64) -> String {
    ["{id}", "{rid}", "{aid}"]
        .iter()
        .fold(route.to_string(), |r, p| r.replace(p, &id.to_string()))
}

/// A GET of `route` for unit A and for unit B, each allowed to whoever reads the unit.
pub(crate) fn unit_reads(ctx: &Ctx, api: bool, route: &'static str) -> [Case; 2] {
    [
        ("unit A", ctx.unit_a_id(), Scope::UnitA),
        ("unit B", ctx.unit_b_id(), Scope::UnitB),
    ]
    .map(|(label, id, scope)| get_id(api, route, label, Need::Act(Act::Read, scope), id))
}

/// A GET of `path`, the same for every caller.
pub(crate) fn get_case(
    api: bool,
    route: &'static str,
    target: &'static str,
    need: Need,
    path: String,
) -> Case {
    case(api, "GET", route, target, need, move |_, _, _| {
        get(path.clone())
    })
}

/// A GET of the route itself (no target).
pub(crate) fn get_route(api: bool, route: &'static str, need: Need) -> Case {
    get_case(api, route, "", need, route.to_string())
}

/// A GET of `route` for the object `id`.
pub(crate) fn get_id(
    api: bool,
    route: &'static str,
    target: &'static str,
    need: Need,
    id: i64,
) -> Case {
    get_case(api, route, target, need, by_id(route, id))
}

/// A request without a body to `route` for the object `id`.
pub(crate) fn empty_id(
    api: bool,
    method: &'static str,
    route: &'static str,
    target: &'static str,
    need: Need,
    id: i64,
) -> Case {
    case(api, method, route, target, need, move |_, _, _| {
        Prep::new(by_id(route, id), no_body(api))
    })
}

/// Disabling, enabling and resetting the password of the account at unit A (`routes`).
pub(crate) fn account_cases(ctx: &Ctx, api: bool, routes: [&'static str; 3]) -> [Case; 3] {
    let need = Need::Act(Act::ManageUsers, Scope::UnitA);
    routes.map(|route| empty_id(api, "POST", route, "account at unit A", need, ctx.victim))
}

/// Granting the account at unit A a role at another unit of county A (`grant`: the route
/// and the body), then revoking a grant there (`revoke`: the method and the route).
pub(crate) fn grant_cases(
    api: bool,
    grant: (&'static str, fn(&Ctx) -> Body),
    revoke: (&'static str, &'static str),
) -> [Case; 2] {
    let need = Need::Act(Act::ManageUsers, Scope::UnitA);
    let (route, body) = grant;
    let (method, revoke_route) = revoke;
    [
        case(
            api,
            "POST",
            route,
            "account at unit A",
            need,
            move |ctx, _, _| {
                ctx.ensure_no_grant();
                Prep::new(by_id(route, ctx.victim), body(ctx))
            },
        ),
        case(
            api,
            method,
            revoke_route,
            "grant at unit of county A",
            need,
            move |ctx, _, _| Prep::new(by_id(revoke_route, ctx.ensure_grant()), no_body(api)),
        ),
    ]
}

/// Revoking a fresh token of the caller's own (the public's try: staff A's), and one of
/// staff B's.
pub(crate) fn token_revoke_cases(
    api: bool,
    method: &'static str,
    route: &'static str,
) -> [Case; 2] {
    [
        case(
            api,
            method,
            route,
            "own token",
            Need::SignedIn,
            move |ctx, role, _| {
                let owner = if role == Role::Public {
                    Role::StaffA
                } else {
                    role
                };
                Prep::new(by_id(route, ctx.fresh_token_id(owner)), no_body(api))
            },
        ),
        case(
            api,
            method,
            route,
            "staff B's token",
            Need::Owner(Role::StaffB),
            move |ctx, _, _| {
                Prep::new(by_id(route, ctx.fresh_token_id(Role::StaffB)), no_body(api))
            },
        ),
    ]
}

/// A new upload to unit A and to unit B (`POST /units/{id}/uploads`).
pub(crate) fn new_upload_cases(ctx: &Ctx, api: bool) -> [Case; 2] {
    let route = "/units/{id}/uploads";
    [
        ("unit A", ctx.unit_a_id(), Scope::UnitA),
        ("unit B", ctx.unit_b_id(), Scope::UnitB),
    ]
    .map(|(label, unit, scope)| {
        case(
            api,
            "POST",
            route,
            label,
            Need::Act(Act::Write, scope),
            move |ctx, role, s| {
                let unit_name = unit_name(if scope == Scope::UnitA {
                    &ctx.unit_a
                } else {
                    &ctx.unit_b
                });
                Prep::new(
                    by_id(route, unit),
                    Body::Multipart(upload_form(ctx, role, s, &unit_name)),
                )
            },
        )
    })
}

/// Publishing and withdrawing (`routes`: publish, withdraw) a report of unit A, then of B.
pub(crate) fn publish_cases(ctx: &Ctx, api: bool, routes: [&'static str; 2]) -> Vec<Case> {
    let mut v = Vec::new();
    for (label, key, scope) in [
        ("A report", "a_toggle", Scope::UnitA),
        ("B report", "b_toggle", Scope::UnitB),
    ] {
        for route in routes {
            let need = Need::Act(Act::Approve, scope);
            v.push(empty_id(api, "POST", route, label, need, ctx.up[key]));
        }
    }
    v
}

/// A multipart form that starts with the CSRF field when the caller has one (as a page's form
/// sends it; the header carries it too).
pub(crate) fn csrf_multipart(ctx: &Ctx, role: Role, surface: Surface) -> Multipart {
    let m = Multipart::new();
    match ctx.auth(role, surface).csrf() {
        Some(csrf) => m.text("csrf_token", csrf),
        None => m,
    }
}

/// The CSRF field first, as the upload form sends it (the header carries it too).
pub(crate) fn upload_form(ctx: &Ctx, role: Role, surface: Surface, unit_name: &str) -> Multipart {
    csrf_multipart(ctx, role, surface)
        .text("year", "2024")
        .file(
            "file",
            &format!("e2e-{}.txt", ctx.next()),
            "text/plain",
            ctx.report(unit_name),
        )
}

pub(crate) fn org_csv(ctx: &Ctx) -> Vec<u8> {
    let n = ctx.next();
    format!("类别,代码,名称,简称,类型,上级代码\n单位,E2EIMP{n},青川市E2E导入单位{n},导入{n},政府工作部门,{}\n", ctx.county_a_code).into_bytes()
}

pub(crate) fn unit_name(v: &Value) -> String {
    v["name"].as_str().unwrap_or_default().to_string()
}

pub(crate) fn region(ctx: &Ctx, id: i64) -> Value {
    let all = ctx.c.get_json("/api/v1/regions", &ctx.admin);
    all.as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .expect("region")
}

pub(crate) fn next_password(ctx: &Ctx, role: Role) -> (String, String) {
    if role == Role::Public {
        return ("Whatever-2025".into(), "Whatever-2026!".into());
    }
    let p = ctx.person(role);
    let old = p.password.borrow().clone();
    let new = format!("E2e-Pass-{}!", ctx.next());
    *p.pending.borrow_mut() = Some(new.clone());
    (old, new)
}

pub(crate) fn page_login(ctx: &Ctx, role: Role, _: Surface) -> Prep {
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

pub(crate) fn keep_page_session(ctx: &Ctx, role: Role, r: &Resp) {
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

pub(crate) fn contains(r: &Resp, needle: &str) -> Result<(), String> {
    if r.text().contains(needle) {
        Ok(())
    } else {
        Err(format!("page lacks {needle:?}"))
    }
}

pub(crate) fn not_contains(r: &Resp, needle: &str) -> Result<(), String> {
    if r.text().contains(needle) {
        Err(format!("page shows {needle:?}"))
    } else {
        Ok(())
    }
}

/// The units of a list are exactly those the role reads (below `region` when given), out
/// of every unit as the admin lists them now (the org cases add units while the matrix runs).
pub(crate) fn same_units(
    ctx: &Ctx,
    role: Role,
    list: &Value,
    region: Option<i64>,
) -> Result<(), String> {
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
pub(crate) fn check_home(ctx: &Ctx, role: Role, r: &Resp) -> Result<(), String> {
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
