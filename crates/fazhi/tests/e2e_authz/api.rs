//! The API operations' rows of the matrix.

use super::*;

/// API routes (paths as the OpenAPI document names them, under `/api/v1`).
pub(crate) fn api_cases(ctx: &Ctx) -> Vec<Case> {
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
