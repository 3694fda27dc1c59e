//! The browser test: `fazhi serve --demo` on a temporary directory, then
//! `node tests/browser/main.mjs` drives Debian's headless Chromium through the main flows
//! (staff uploads and reads findings, the city supervisor sees the unit's score, the admin
//! reads the audit log). Screenshots go to `docs/screenshots/` only with
//! `FAZHI_SCREENSHOTS=1`.
//!
//! Without `node` or Chromium the test is skipped with a note, except under `CI`, where
//! it fails.

mod e2e_common;

use e2e_common::{flag, Auth, Demo};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()))
}

/// Skips (prints why) or, under CI, fails.
fn missing(what: &str) {
    if flag("CI") {
        panic!("browser test cannot run under CI: {what}");
    }
    println!("NOTE: browser test skipped: {what}");
}

fn node_ok() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn main_flows_in_headless_chromium() {
    if !node_ok() {
        return missing("`node` is not on PATH");
    }
    if !chromium().exists() {
        return missing(&format!(
            "{} does not exist (set CHROMIUM)",
            chromium().display()
        ));
    }
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    if !project.join("node_modules/playwright-core").exists() {
        let npm = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(&project)
            .status();
        if !npm.is_ok_and(|s| s.success()) {
            return missing(
                "`npm ci --prefix tests/browser` failed (playwright-core not installed)",
            );
        }
    }

    let d = Demo::start("browser", 30, 2);
    let (c, lines) = (d.c, &d.lines);

    // The accounts, found through the API as the admin: a 填报员 of a unit and the city's 督察员.
    let admin_pw = d.password("admin");
    let admin = c.must_login("admin", &admin_pw);
    let users = c.get_json("/api/v1/users", &admin);
    let city = c.root_region(&admin);
    let login_with = |pred: &dyn Fn(&serde_json::Value) -> bool| -> String {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["grants"].as_array().unwrap().iter().any(pred))
            .map(|u| u["user"]["login"].as_str().unwrap().to_string())
            .expect("a demo account")
    };
    let staff = login_with(&|g| g["role"] == "unit_staff");
    let supervisor = login_with(&|g| g["role"] == "supervisor" && g["node"]["id"] == city);
    let pw = d.passwords(&[&staff, &supervisor]);
    let (Some(staff_pw), Some(sup_pw)) = (pw.get(&staff), pw.get(&supervisor)) else {
        panic!(
            "passwords of {staff} and {supervisor} in the demo output:\n{}",
            lines.join("\n")
        );
    };
    assert_eq!(c.get("/api/v1/me", &Auth::Anon).status, 401);

    let out = Command::new("node")
        .arg(project.join("main.mjs"))
        .env("FAZHI_URL", &d.server.base)
        .env("FAZHI_STAFF_LOGIN", &staff)
        .env("FAZHI_STAFF_PASSWORD", staff_pw)
        .env("FAZHI_SUPERVISOR_LOGIN", &supervisor)
        .env("FAZHI_SUPERVISOR_PASSWORD", sup_pw)
        .env("FAZHI_ADMIN_LOGIN", "admin")
        .env("FAZHI_ADMIN_PASSWORD", &admin_pw)
        .env("CHROMIUM", chromium())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser flows failed ({}):\n{stdout}\n{stderr}\nserver:\n{}",
        out.status,
        d.server.output()
    );
    assert!(stdout.contains("browser flows passed"), "{stdout}");
}
