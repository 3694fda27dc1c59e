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

/// The CSRF field first, as the upload form sends it (the header carries it too).
pub(crate) fn upload_form(ctx: &Ctx, role: Role, surface: Surface, unit_name: &str) -> Multipart {
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
