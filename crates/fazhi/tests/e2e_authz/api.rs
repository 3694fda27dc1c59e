//! The API operations' rows of the matrix.

use super::*;

/// A PATCH that changes nothing (`{}`) of the object `id`.
fn empty_patch(route: &'static str, target: &'static str, need: Need, id: i64) -> Case {
    case(true, "PATCH", route, target, need, move |_, _, _| {
        Prep::new(by_id(route, id), Body::Json(json!({})))
    })
}

/// API routes (paths as the OpenAPI document names them, under `/api/v1`).
pub(crate) fn api_cases(ctx: &Ctx) -> Vec<Case> {
    let a = ctx.unit_a_id();
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
        get_route(true, "/me/tokens", Need::SignedIn),
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
    ];
    v.extend(token_revoke_cases(true, "DELETE", "/me/tokens/{id}"));
    let org = |a| Need::Act(Act::ManageOrg, a);
    let users = Need::Act(Act::ManageUsers, Scope::UnitA);
    v.extend([
        get_route(true, "/regions", Need::SignedIn),
        case(
            true,
            "POST",
            "/regions",
            "under county A",
            org(Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                let body = json!({
                    "parent_id": ca,
                    "code": format!("E2EAR{n}"),
                    "name": format!("E2E乡{n}"),
                    "level": "township",
                });
                Prep::new("/regions", Body::Json(body))
            },
        ),
        case(
            true,
            "POST",
            "/regions",
            "top level",
            org(Scope::City),
            |ctx, _, _| {
                let n = ctx.next();
                let body = json!({
                    "parent_id": null,
                    "code": format!("E2EAT{n}"),
                    "name": format!("E2E州{n}"),
                    "level": "city",
                });
                Prep::new("/regions", Body::Json(body))
            },
        ),
        empty_patch(
            "/regions/{id}",
            "township of county A",
            org(Scope::CountyA),
            twn,
        ),
        empty_patch("/regions/{id}", "county B", org(Scope::City), cb),
        with_check(get_route(true, "/units", Need::SignedIn), |ctx, role, r| {
            same_units(ctx, role, &r.json(), None)
        }),
        with_check(
            get_case(
                true,
                "/units",
                "?region=county B",
                Need::SignedIn,
                format!("/units?region={cb}"),
            ),
            move |ctx, role, r| same_units(ctx, role, &r.json(), Some(cb)),
        ),
        case(
            true,
            "POST",
            "/units",
            "in county A",
            org(Scope::CountyA),
            move |ctx, _, _| {
                let n = ctx.next();
                let body = json!({
                    "region_id": ca,
                    "code": format!("E2EAU{n}"),
                    "name": format!("青川市E2E接口单位{n}"),
                    "kind": "department",
                });
                Prep::new("/units", Body::Json(body))
            },
        ),
    ]);
    v.extend(unit_reads(ctx, true, "/units/{id}"));
    v.extend([
        empty_patch("/units/{id}", "unit A", org(Scope::CountyA), a),
        case(
            true,
            "POST",
            "/org/import",
            "unit in county A",
            org(Scope::CountyA),
            |ctx, _, _| {
                let m = Multipart::new().file("file", "org.csv", "text/csv", org_csv(ctx));
                Prep::new("/org/import", Body::Multipart(m))
            },
        ),
        get_route(true, "/org/export", Need::Somewhere(Act::ManageOrg)),
        get_route(true, "/users", Need::Somewhere(Act::ManageUsers)),
        case(
            true,
            "POST",
            "/users",
            "role at unit A",
            users,
            move |ctx, _, _| {
                let n = ctx.next();
                let body = json!({
                    "login": format!("e2e-api-{n}"),
                    "grants": [{"role": "unit_staff", "node": {"type": "unit", "id": a}}],
                });
                Prep::new("/users", Body::Json(body))
            },
        ),
        get_id(true, "/users/{id}", "account at unit A", users, ctx.victim),
    ]);
    v.extend(account_cases(
        ctx,
        true,
        [
            "/users/{id}/disable",
            "/users/{id}/enable",
            "/users/{id}/reset-password",
        ],
    ));
    let grant: fn(&Ctx) -> Body = |ctx| {
        Body::Json(json!({
            "role": "unit_leader",
            "node": {"type": "unit", "id": ctx.other_unit_a},
        }))
    };
    v.extend(grant_cases(
        true,
        ("/users/{id}/grants", grant),
        ("DELETE", "/grants/{id}"),
    ));
    v.extend(unit_reads(ctx, true, "/units/{id}/uploads"));
    v.extend(new_upload_cases(ctx, true));
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
    v.extend(publish_cases(
        ctx,
        true,
        ["/uploads/{id}/publish", "/uploads/{id}/withdraw"],
    ));
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
