//! Anonymous inputs, bodies and rights: a huge login name, one address trying name after
//! name, malformed bodies answered 4xx in Chinese, rights checked before bodies are read.

use super::e2e_common::{Auth, Body, Client, Demo, Multipart};
use super::{admin_and_staff, AdminAndStaff};
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

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
    let d = Demo::start("security-input", 6, 1);
    let c = d.c;
    let AdminAndStaff {
        admin,
        admin_token,
        staff_token,
        unit,
    } = admin_and_staff(&d, "e2e-security");

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
