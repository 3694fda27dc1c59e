//! The page routes' rows of the matrix.

use super::*;

/// A form to a page route, the same for every caller; `fields` are computed when the request
/// is sent.
fn form_case(
    route: &'static str,
    path: String,
    target: &'static str,
    need: Need,
    fields: impl Fn(&Ctx) -> Vec<(&'static str, String)> + 'static,
) -> Case {
    case(false, "POST", route, target, need, move |ctx, _, _| {
        let fields = fields(ctx);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Prep::new(path.clone(), Body::form(&pairs))
    })
}

/// The form that saves a region unchanged (its code and name).
fn region_form(route: &'static str, target: &'static str, need: Need, region_id: i64) -> Case {
    form_case(route, by_id(route, region_id), target, need, move |ctx| {
        let r = region(ctx, region_id);
        vec![
            ("code", r["code"].as_str().unwrap().to_string()),
            ("name", r["name"].as_str().unwrap().to_string()),
        ]
    })
}

/// Page routes: one row per route and target.
pub(crate) fn page_cases(ctx: &Ctx) -> Vec<Case> {
    let a = ctx.unit_a_id();
    let (ca, cb, city) = (ctx.county_a, ctx.county_b, ctx.city);
    let mut v = vec![
        with_check(get_route(false, "/", Need::Anyone), check_home),
        get_route(false, "/login", Need::Anyone),
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
        get_route(false, "/account/password", Need::SignedIn),
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
        get_route(false, "/account/tokens", Need::SignedIn),
        form_case(
            "/account/tokens",
            "/account/tokens".into(),
            "",
            Need::SignedIn,
            |ctx| vec![("name", format!("page-{}", ctx.next()))],
        ),
    ];
    v.extend(token_revoke_cases(
        false,
        "POST",
        "/account/tokens/{id}/revoke",
    ));
    let [unit_a, unit_b] = unit_reads(ctx, false, "/units/{id}");
    v.extend([
        with_check(unit_a, move |ctx, _, r| {
            contains(r, &unit_name(&ctx.unit_a))
        }),
        unit_b,
    ]);
    v.extend(new_upload_cases(ctx, false));
    for (label, id, need) in upload_ids(ctx) {
        v.push(get_id(false, "/uploads/{id}", label, need, id));
        v.push(get_id(false, "/uploads/{id}/original", label, need, id));
    }
    v.extend(publish_cases(
        ctx,
        false,
        ["/uploads/{id}/publish", "/uploads/{id}/unpublish"],
    ));
    v.push(get_route(
        false,
        "/supervise",
        Need::Somewhere(Act::Supervise),
    ));
    for (label, rid, scope) in [
        ("county A", ca, Scope::CountyA),
        ("county B", cb, Scope::CountyB),
        ("city", city, Scope::City),
    ] {
        let need = Need::Act(Act::Supervise, scope);
        let path = format!("/regions/{rid}/units?sort=score&desc=1");
        v.push(with_check(
            get_case(false, "/regions/{id}/units", label, need, path),
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
        v.push(get_id(false, "/regions/{id}/units.csv", label, need, rid));
    }
    let twn = ctx.township_a;
    let org = |a| Need::Act(Act::ManageOrg, a);
    let users = Need::Act(Act::ManageUsers, Scope::UnitA);
    let regions = "/admin/org/regions";
    v.extend([
        get_route(false, "/admin/org", Need::Somewhere(Act::ManageOrg)),
        form_case(
            regions,
            regions.into(),
            "under county A",
            org(Scope::CountyA),
            move |ctx| {
                let n = ctx.next();
                vec![
                    ("parent", ca.to_string()),
                    ("code", format!("E2ER{n}")),
                    ("name", format!("E2E镇{n}")),
                    ("level", "township".into()),
                ]
            },
        ),
        form_case(
            regions,
            regions.into(),
            "top level",
            org(Scope::City),
            |ctx| {
                let n = ctx.next();
                vec![
                    ("parent", String::new()),
                    ("code", format!("E2ET{n}")),
                    ("name", format!("E2E市{n}")),
                    ("level", "city".into()),
                ]
            },
        ),
        region_form(
            "/admin/org/regions/{id}",
            "township of county A",
            org(Scope::CountyA),
            twn,
        ),
        region_form("/admin/org/regions/{id}", "county B", org(Scope::City), cb),
        form_case(
            "/admin/org/units",
            "/admin/org/units".into(),
            "in county A",
            org(Scope::CountyA),
            move |ctx| {
                let n = ctx.next();
                vec![
                    ("region", ca.to_string()),
                    ("code", format!("E2EU{n}")),
                    ("name", format!("青川市E2E单位{n}")),
                    ("short_name", String::new()),
                    ("kind", "department".into()),
                ]
            },
        ),
        form_case(
            "/admin/org/units/{id}",
            format!("/admin/org/units/{a}"),
            "unit A",
            org(Scope::CountyA),
            |ctx| {
                let u = &ctx.unit_a;
                let text = |k: &str| u[k].as_str().unwrap().to_string();
                vec![
                    ("region", u["region_id"].to_string()),
                    ("code", text("code")),
                    ("name", text("name")),
                    ("short_name", text("short_name")),
                    ("kind", text("kind")),
                ]
            },
        ),
        case(
            false,
            "POST",
            "/admin/org/import",
            "unit in county A",
            org(Scope::CountyA),
            |ctx, role, s| {
                let m =
                    csrf_multipart(ctx, role, s).file("file", "org.csv", "text/csv", org_csv(ctx));
                Prep::new("/admin/org/import", Body::Multipart(m))
            },
        ),
        get_route(
            false,
            "/admin/org/export.csv",
            Need::Somewhere(Act::ManageOrg),
        ),
        get_route(
            false,
            "/admin/org/export.xlsx",
            Need::Somewhere(Act::ManageOrg),
        ),
        get_route(false, "/admin/users", Need::Somewhere(Act::ManageUsers)),
        form_case(
            "/admin/users",
            "/admin/users".into(),
            "role at unit A",
            users,
            move |ctx| {
                vec![
                    ("login", format!("e2e-page-{}", ctx.next())),
                    ("display_name", "E2E".into()),
                    ("role", "unit_staff".into()),
                    ("node", format!("u{a}")),
                ]
            },
        ),
    ]);
    v.extend(account_cases(
        ctx,
        false,
        [
            "/admin/users/{id}/disable",
            "/admin/users/{id}/enable",
            "/admin/users/{id}/reset-password",
        ],
    ));
    let grant: fn(&Ctx) -> Body = |ctx| {
        let node = format!("u{}", ctx.other_unit_a);
        Body::form(&[("role", "unit_leader"), ("node", &node)])
    };
    v.extend(grant_cases(
        false,
        ("/admin/users/{id}/grants", grant),
        ("POST", "/admin/grants/{id}/revoke"),
    ));
    let audit = Need::Somewhere(Act::ReadAudit);
    v.push(get_case(
        false,
        "/audit",
        "own region",
        audit,
        "/audit".into(),
    ));
    for route in ["/audit", "/audit.csv"] {
        for (label, rid, scope) in [
            ("county A", ca, Scope::CountyA),
            ("county B", cb, Scope::CountyB),
        ] {
            let need = Need::Act(Act::ReadAudit, scope);
            v.push(get_case(
                false,
                route,
                label,
                need,
                format!("{route}?region={rid}"),
            ));
        }
    }
    v.extend([
        case(
            false,
            "GET",
            "/static/{version}/{file}",
            "stylesheet",
            Need::Anyone,
            |ctx, _, _| get(ctx.asset.clone()),
        ),
        get_route(false, "/healthz", Need::Anyone),
    ]);
    v.extend(ledger_page_cases(ctx));
    v
}
