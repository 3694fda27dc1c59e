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
//!
//! The categories live in [`exports`] (exports and downloads), [`inputs`] (anonymous inputs,
//! bodies, rights) and [`workbook`] (forged workbooks).

#[path = "../e2e_common/mod.rs"]
mod e2e_common;

mod exports;
mod inputs;
mod workbook;

use e2e_common::{Auth, Demo};

/// The admin and the staff member of 市科工局 (`kegongju`), each signed in and with an API
/// token (the admin's session too), and the staff member's unit.
struct AdminAndStaff {
    admin: Auth,
    admin_token: Auth,
    staff_token: Auth,
    unit: i64,
}

fn admin_and_staff(d: &Demo, token_name: &str) -> AdminAndStaff {
    let pw = d.passwords(&["admin", "kegongju"]);
    let admin = d.c.must_login("admin", &pw["admin"]);
    let admin_token = d.c.token(&admin, token_name);
    let staff = d.c.must_login("kegongju", &pw["kegongju"]);
    let staff_token = d.c.token(&staff, token_name);
    let unit = d.c.get_json("/api/v1/me", &staff)["units"][0]["id"]
        .as_i64()
        .unwrap();
    AdminAndStaff {
        admin,
        admin_token,
        staff_token,
        unit,
    }
}
