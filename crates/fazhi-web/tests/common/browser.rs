//! A person at a browser: pages read as they come, cookies kept, CSRF tokens taken from the
//! pages, redirects observed or followed.

use reqwest::{header, Response, StatusCode};
use std::sync::Arc;

/// A response's `Content-Disposition`.
pub fn content_disposition(resp: &Response) -> String {
    resp.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string()
}

/// The text of a CSV download, after the byte order mark it must start with.
pub fn csv_text(bytes: &[u8]) -> &str {
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM");
    std::str::from_utf8(&bytes[3..]).unwrap()
}

/// A page as read: status, headers and body.
pub struct Page {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Page {
    pub async fn of(resp: Response) -> Page {
        Page {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.expect("body"),
        }
    }

    /// Asserts the status (showing the body when it is another) and a full page, not a
    /// fragment.
    pub fn assert_full(&self, status: StatusCode) {
        assert_eq!(self.status, status, "{}", self.body);
        assert!(self.is_full_page());
    }

    /// The text after the first `marker` in the body, up to the next `"`.
    pub fn quoted_after(&self, marker: &str) -> String {
        self.text_after(marker, '"')
    }

    /// The text after the first `marker` in the body, up to the next `end`.
    pub fn text_after(&self, marker: &str, end: char) -> String {
        let rest = self.body.split(marker).nth(1).expect("the marker");
        rest.split(end).next().unwrap().to_string()
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The value of the first `<input … name="{name}" value="…">` of the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        input_value(&self.body, name)
    }

    pub fn is_full_page(&self) -> bool {
        self.body.starts_with("<!DOCTYPE html>")
    }
}

/// The value of the first `<input … name="{name}" … value="…">` in `html`.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let at = html.find(&needle)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')?;
    let tag = &html[start..end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let rest = &tag[v..];
    Some(rest[..rest.find('"')?].to_string())
}

/// A person at a browser: one cookie jar, a client that stops at redirects (so tests see
/// them) and one that follows them.
pub struct Browser {
    pub base: String,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub raw: reqwest::Client,
    pub follow: reqwest::Client,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let raw = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let follow = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        Browser {
            base: base.to_string(),
            jar,
            raw,
            follow,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET without following redirects.
    pub async fn get(&self, path: &str) -> Page {
        Page::of(self.raw.get(self.url(path)).send().await.expect("GET")).await
    }

    /// GET following redirects.
    pub async fn open(&self, path: &str) -> Page {
        Page::of(self.follow.get(self.url(path)).send().await.expect("GET")).await
    }

    /// GET as htmx does (`HX-Request: true`).
    pub async fn hx_get(&self, path: &str) -> Page {
        Page::of(
            self.raw
                .get(self.url(path))
                .header("HX-Request", "true")
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// POST an urlencoded form (without following redirects).
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Page {
        Page::of(
            self.raw
                .post(self.url(path))
                .form(form)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// Sends a request made with [`Browser::raw`] (or [`Browser::follow`]); answers the
    /// response.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Response {
        req.send().await.expect("request")
    }

    /// Downloads a file (not a page): asserts 200 and answers the response.
    pub async fn download(&self, path: &str) -> Response {
        let resp = self.send(self.raw.get(self.url(path))).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        resp
    }

    /// POST a form of the CSRF token alone (a button).
    pub async fn post_csrf(&self, path: &str, csrf: &str) -> Page {
        self.post_form(path, &[("csrf_token", csrf)]).await
    }

    /// The CSRF token of the signed-in session, as the pages carry it.
    pub async fn csrf(&self) -> String {
        let page = self.open("/account/password").await;
        page.input_value("csrf_token")
            .expect("a signed-in page carries the CSRF token")
    }

    /// Opens the login form and submits it; the answer is not followed.
    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.login_next(login, password, "/").await
    }

    pub async fn login_next(&self, login: &str, password: &str, next: &str) -> Page {
        let form = self.get("/login").await;
        assert_eq!(form.status, StatusCode::OK, "the login form opens");
        let token = form
            .input_value("csrf_token")
            .expect("the login form has a token");
        self.post_form(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", login),
                ("password", password),
                ("next", next),
            ],
        )
        .await
    }

    /// Signs in and checks that it worked.
    pub async fn signed_in(base: &str, login: &str, password: &str) -> Browser {
        let b = Browser::new(base);
        let page = b.login(login, password).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login of {login} works: {}",
            page.body
        );
        b
    }

    /// The session cookie's value.
    pub fn session_cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("base URL");
        let cookies = self.jar.cookies(&url)?;
        cookies
            .to_str()
            .ok()?
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == "fazhi_session")
            .map(|(_, v)| v.to_string())
    }
}

/// The `/uploads/{id}` a response redirects to, as the id.
pub fn upload_id_from(location: &str) -> i64 {
    location
        .strip_prefix("/uploads/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an upload: {location}"))
}

/// A multipart upload form as the page sends it: the CSRF token first, then the year and
/// the file.
pub fn upload_form(
    csrf: &str,
    year: i32,
    filename: &str,
    bytes: Vec<u8>,
) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("csrf_token", csrf.to_string())
        .text("year", year.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(filename.to_string())
                .mime_str("text/plain")
                .expect("mime"),
        )
}
