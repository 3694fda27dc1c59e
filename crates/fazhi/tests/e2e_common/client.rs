//! The client of one server: calls, sign-in, tokens, uploads.

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::{send, Auth, Body, Multipart, Resp};

/// The client of one server.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    pub addr: SocketAddr,
}

impl Client {
    /// A request as the given caller; panics only when the connection itself fails.
    pub fn call(&self, method: &str, path: &str, auth: &Auth, body: &Body) -> Resp {
        self.try_call(method, path, auth, body, &[])
            .unwrap_or_else(|e| panic!("{method} {path}: connection failed: {e}"))
    }

    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        auth: &Auth,
        body: &Body,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Resp> {
        let mut headers = auth.headers(method);
        let (ct, bytes) = body.encode();
        if let Some(ct) = ct {
            headers.push(("Content-Type".into(), ct));
        }
        for (k, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            headers.push((k.to_string(), v.to_string()));
        }
        send(self.addr, method, path, &headers, &bytes)
    }

    /// A request with exactly these headers (no automatic cookie or CSRF token).
    pub fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &Body) -> Resp {
        let mut h: Vec<(String, String)> = headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (ct, bytes) = body.encode();
        if let Some(ct) = ct {
            if !h
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                h.push(("Content-Type".into(), ct));
            }
        }
        send(self.addr, method, path, &h, &bytes).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    pub fn get(&self, path: &str, auth: &Auth) -> Resp {
        self.call("GET", path, auth, &Body::None)
    }

    /// GET that must answer 200 with JSON.
    pub fn get_json(&self, path: &str, auth: &Auth) -> Value {
        let r = self.get(path, auth);
        assert_eq!(r.status, 200, "GET {path}: {}", r.snippet());
        r.json()
    }

    /// The id of the root region (the one without a parent) in the region list.
    pub fn root_region(&self, auth: &Auth) -> Value {
        self.get_json("/api/v1/regions", auth)
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["parent_id"].is_null())
            .unwrap()["id"]
            .clone()
    }

    /// POST of JSON that must succeed (2xx); the JSON answer (or null).
    pub fn post_json_ok(&self, path: &str, auth: &Auth, v: Value) -> Value {
        let r = self.call("POST", path, auth, &Body::Json(v));
        assert!(r.is_success(), "POST {path}: {} {}", r.status, r.snippet());
        if r.body.is_empty() {
            Value::Null
        } else {
            r.json()
        }
    }

    /// Signs in through the API; the session cookie and its CSRF token.
    pub fn login(&self, login: &str, password: &str) -> Result<Auth, Resp> {
        let r = self.call(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anon,
            &Body::Json(json!({"login": login, "password": password})),
        );
        if r.status != 200 {
            return Err(r);
        }
        let session = r.set_cookie("fazhi_session").ok_or_else(|| r.clone())?;
        let csrf = r.json()["csrf_token"]
            .as_str()
            .ok_or_else(|| r.clone())?
            .to_string();
        Ok(Auth::Cookie { session, csrf })
    }

    pub fn must_login(&self, login: &str, password: &str) -> Auth {
        self.login(login, password)
            .unwrap_or_else(|r| panic!("login {login}: {} {}", r.status, r.snippet()))
    }

    /// A new API token for the caller (a session).
    pub fn token(&self, auth: &Auth, name: &str) -> Auth {
        let r = self.call(
            "POST",
            "/api/v1/me/tokens",
            auth,
            &Body::Json(json!({ "name": name })),
        );
        assert_eq!(r.status, 201, "create token: {}", r.snippet());
        Auth::Bearer(r.json()["secret"].as_str().expect("secret").to_string())
    }

    /// Replaces a one-time password: signs in and sets `new` through the password page
    /// (which a locked account may use).
    pub fn set_own_password(&self, login: &str, one_time: &str, new: &str) {
        let s = self.must_login(login, one_time);
        let r = self.call(
            "POST",
            "/account/password",
            &s,
            &Body::form(&[
                ("old", one_time),
                ("new", new),
                ("confirm", new),
                ("next", ""),
            ]),
        );
        assert_eq!(
            r.status,
            303,
            "change the one-time password of {login}: {}",
            r.snippet()
        );
    }

    /// Uploads a report through the API; the whole response.
    pub fn upload(
        &self,
        auth: &Auth,
        unit: i64,
        year: i32,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Resp {
        let form = Multipart::new().text("year", &year.to_string()).file(
            "file",
            filename,
            "text/plain; charset=utf-8",
            bytes,
        );
        self.call(
            "POST",
            &format!("/api/v1/units/{unit}/uploads"),
            auth,
            &Body::Multipart(form),
        )
    }

    /// Waits until `GET /healthz` answers (after a restart).
    pub fn wait_ready(&self, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(r) = self.try_call("GET", "/healthz", &Auth::Anon, &Body::None, &[]) {
                if r.status == 200 {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "server not ready within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
