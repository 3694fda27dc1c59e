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
pub(crate) fn ledger_api_cases(ctx: &Ctx) -> Vec<Case> {
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
