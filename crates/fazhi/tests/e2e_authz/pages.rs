//! The page routes' rows of the matrix.

use super::*;

/// Page routes: one row per route and target.
pub(crate) fn page_cases(ctx: &Ctx) -> Vec<Case> {
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
