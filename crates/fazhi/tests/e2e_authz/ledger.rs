//! The ledger's rows of the matrix: its pages and its API operations.

use super::*;

/// The records a page links (`/ledger/{id}`).
pub(crate) fn linked_records(r: &Resp) -> BTreeSet<i64> {
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
pub(crate) fn ledger_page_shows_own(
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
pub(crate) fn ledger_items_of(r: &Resp, unit: i64) -> Result<(), String> {
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

/// Of unit A, then of unit B: the label, the scope, the record to read and edit, the one to
/// delete and restore, the attachment to read.
fn record_objects(ctx: &Ctx) -> [(&'static str, Scope, i64, i64, i64); 2] {
    let l = &ctx.ledger;
    [
        ("A record", Scope::UnitA, l.a_rec, l.a_toggle, l.a_att),
        ("B record", Scope::UnitB, l.b_rec, l.b_toggle, l.b_att),
    ]
}

/// Deleting the record `toggle` (made live first) and restoring it (deleted first):
/// `routes` are the (method, route) of each.
fn delete_restore(
    api: bool,
    routes: [(&'static str, &'static str); 2],
    label: &'static str,
    need: Need,
    toggle: i64,
) -> [Case; 2] {
    let [delete, restore] = routes;
    [(delete, false), (restore, true)].map(|((method, route), deleted)| {
        case(api, method, route, label, need, move |ctx, _, _| {
            ctx.set_deleted(toggle, deleted);
            Prep::new(by_id(route, toggle), no_body(api))
        })
    })
}

/// Deleting a fresh attachment of the record `rid`.
fn attachment_delete(
    api: bool,
    method: &'static str,
    route: &'static str,
    label: &'static str,
    need: Need,
    rid: i64,
) -> Case {
    case(api, method, route, label, need, move |ctx, _, _| {
        let aid = ctx.fresh_attachment(rid);
        Prep::new(by_id(route, aid), no_body(api))
    })
}

/// The pages of the ledger (台账).
pub(crate) fn ledger_page_cases(ctx: &Ctx) -> Vec<Case> {
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
            get_case(
                false,
                "/units/{id}/ledger",
                label,
                read,
                format!("/units/{unit}/ledger?year={y}"),
            ),
            move |ctx, _, r| {
                ledger_page_shows_own(ctx, r, is_a, None)?;
                contains(r, &format!("/units/{unit}/ledger/study?year={y}"))
            },
        ));
        for (route, path) in [
            (
                "/units/{id}/ledger/figures/{key}",
                format!("/units/{unit}/ledger/figures/study.total?year={y}"),
            ),
            (
                "/units/{id}/ledger/indicators/{code}",
                format!("/units/{unit}/ledger/indicators/thought?year={y}"),
            ),
            (
                "/units/{id}/ledger/{kind}",
                format!("/units/{unit}/ledger/study?year={y}&limit=1000"),
            ),
        ] {
            v.push(with_check(
                get_case(false, route, label, read, path),
                move |ctx, _, r| ledger_page_shows_own(ctx, r, is_a, Some(own)),
            ));
        }
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
        let new = format!("/units/{unit}/ledger/study/new?year={y}");
        v.push(get_case(
            false,
            "/units/{id}/ledger/{kind}/new",
            label,
            write,
            new,
        ));
        for file in ["template.xlsx", "export.xlsx", "export.csv"] {
            let route: &'static str = match file {
                "template.xlsx" => "/units/{id}/ledger/{kind}/template.xlsx",
                "export.xlsx" => "/units/{id}/ledger/{kind}/export.xlsx",
                _ => "/units/{id}/ledger/{kind}/export.csv",
            };
            let path = format!("/units/{unit}/ledger/study/{file}?year={y}");
            v.push(get_case(false, route, label, read, path));
        }
        v.push(case(
            false,
            "POST",
            "/units/{id}/ledger/{kind}/import",
            label,
            write,
            move |ctx, role, s| {
                let m = csrf_multipart(ctx, role, s)
                    .text("year", &y.to_string())
                    .file("file", "学法.csv", "text/csv", ctx.ledger_csv());
                Prep::new(
                    format!("/units/{unit}/ledger/study/import"),
                    Body::Multipart(m),
                )
            },
        ));
    }
    for (label, scope, rid, toggle, att) in record_objects(ctx) {
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        v.push(with_check(
            get_id(false, "/ledger/{id}", label, read, rid),
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
        let routes = [
            ("POST", "/ledger/{id}/delete"),
            ("POST", "/ledger/{id}/restore"),
        ];
        v.extend(delete_restore(false, routes, label, write, toggle));
        v.push(case(
            false,
            "POST",
            "/ledger/{id}/attachments",
            label,
            write,
            move |ctx, role, s| {
                let m = csrf_multipart(ctx, role, s).file(
                    "file",
                    &format!("签到表-{}.txt", ctx.next()),
                    "text/plain",
                    format!("签到表 {}", ctx.next()).into_bytes(),
                );
                Prep::new(format!("/ledger/{rid}/attachments"), Body::Multipart(m))
            },
        ));
        v.push(get_id(false, "/ledger/attachments/{id}", label, read, att));
        let route = "/ledger/attachments/{id}/delete";
        v.push(attachment_delete(false, "POST", route, label, write, rid));
    }
    v
}

/// The API of the ledger (paths as the OpenAPI document names them).
pub(crate) fn ledger_api_cases(ctx: &Ctx) -> Vec<Case> {
    let y = ctx.ledger.year;
    let mut v = vec![get_route(true, "/ledger/kinds", Need::SignedIn)];
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
    for (label, scope, rid, toggle, att) in record_objects(ctx) {
        let read = Need::Act(Act::Read, scope);
        let write = Need::Act(Act::Write, scope);
        v.push(with_check(
            get_id(true, "/ledger/records/{rid}", label, read, rid),
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
        let routes = [
            ("DELETE", "/ledger/records/{rid}"),
            ("POST", "/ledger/records/{rid}/restore"),
        ];
        v.extend(delete_restore(true, routes, label, write, toggle));
        v.push(case(
            true,
            "POST",
            "/ledger/records/{rid}/attachments",
            label,
            write,
            move |ctx, _, _| {
                let path = format!(
                    "/ledger/records/{rid}/attachments?filename=api-{}.txt",
                    ctx.next()
                );
                let bytes = format!("附件 {}", ctx.next()).into_bytes();
                Prep::new(
                    path,
                    Body::Raw {
                        content_type: "text/plain".into(),
                        bytes,
                    },
                )
            },
        ));
        v.push(get_id(true, "/ledger/attachments/{aid}", label, read, att));
        v.push(attachment_delete(
            true,
            "DELETE",
            "/ledger/attachments/{aid}",
            label,
            write,
            rid,
        ));
    }
    v
}
