//! Redactions for snapshots: what differs from run to run or from SQLite to PostgreSQL (ids,
//! times, tokens, hashes, the asset version) is replaced by a placeholder, so that a snapshot
//! changes only when what a user sees changes.

use serde_json::Value;

/// `value` with ids, times, tokens and hashes replaced by `[id]` (`[ids]` for a list such as
/// `region_path`), `[time]`, `[token]` and `[hash]`, by the name of their key.
pub fn redact_json(value: &Value) -> Value {
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let v = match placeholder(k, v) {
                    Some(p) => Value::String(p.into()),
                    None => redact_json(v),
                };
                (k.clone(), v)
            })
            .collect(),
        Value::Array(items) => items.iter().map(redact_json).collect(),
        other => other.clone(),
    }
}

fn placeholder(key: &str, value: &Value) -> Option<&'static str> {
    if (key.ends_with("_path") || key.ends_with("_ids")) && value.is_array() {
        return Some("[ids]");
    }
    if value.is_null() || value.is_object() || value.is_array() {
        return None;
    }
    if key == "id" || key.ends_with("_id") || (key.ends_with("_by") && value.is_number()) {
        return Some("[id]");
    }
    if key.ends_with("_at") || key == "at" || key == "time" || key == "expires" {
        return Some("[time]");
    }
    if key == "token" || key.ends_with("_token") || key == "secret" {
        return Some("[token]");
    }
    if key == "sha256" || key.ends_with("_hash") || key == "hash" || key == "etag" {
        return Some("[hash]");
    }
    None
}

/// `html` with the CSRF token, times, dates, record and unit ids in links, and the asset
/// version replaced by placeholders.
pub fn redact_html(html: &str) -> String {
    let mut out = redact_attr(html, "name=\"csrf_token\" value=\"", "[csrf]");
    out = redact_attr(&out, "name=\"csrf-token\" content=\"", "[csrf]");
    out = redact_attr(&out, "\"X-CSRF-Token\": \"", "[csrf]");
    out = redact_attr(&out, "/static/", "[version]");
    for prefix in [
        "/units/",
        "/uploads/",
        "/ledger/",
        "/ledger/attachments/",
        "/regions/",
        "/admin/users/",
        "/admin/grants/",
    ] {
        out = redact_number_after(&out, prefix, "[id]");
    }
    out = redact_year_choices(&out);
    redact_times(&out)
}

/// The choices of a year selector depend on today's date: keeps the selected one only.
fn redact_year_choices(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<select name=\"year\"") {
        let open_end = i + rest[i..].find('>').expect("a select tag ends") + 1;
        out.push_str(&rest[..open_end]);
        let tail = &rest[open_end..];
        let close = tail.find("</select>").expect("a select is closed");
        let selected = tail[..close]
            .split("<option")
            .find(|o| o.contains(" selected"))
            .map(|o| format!("<option{}", o.trim_end()))
            .unwrap_or_default();
        out.push_str(&format!("[year choices]{selected}"));
        rest = &tail[close..];
    }
    out.push_str(rest);
    out
}

/// Replaces what follows each `marker` up to the next `"` or `/`.
fn redact_attr(s: &str, marker: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(marker) {
        let after = i + marker.len();
        out.push_str(&rest[..after]);
        let tail = &rest[after..];
        let end = tail.find(['"', '/']).unwrap_or(tail.len());
        out.push_str(with);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces a run of digits right after `prefix` (the id in `/uploads/12`).
fn redact_number_after(s: &str, prefix: &str, with: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(prefix) {
        let after = i + prefix.len();
        out.push_str(&rest[..after]);
        let tail = &rest[after..];
        let digits = tail.len() - tail.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str(with);
        }
        rest = &tail[digits..];
    }
    out.push_str(rest);
    out
}

/// Replaces `YYYY-MM-DD`, `HH:MM` and `HH:MM:SS`, and `YYYY年M月D日` by `[date]` and `[time]`.
fn redact_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let digits = |from: usize, n: usize| {
        from + n <= chars.len() && chars[from..from + n].iter().all(|c| c.is_ascii_digit())
    };
    let boundary = |at: usize| at == 0 || !chars[at - 1].is_ascii_digit();
    while i < chars.len() {
        if boundary(i)
            && digits(i, 4)
            && chars.get(i + 4) == Some(&'-')
            && digits(i + 5, 2)
            && chars.get(i + 7) == Some(&'-')
            && digits(i + 8, 2)
        {
            out.push_str("[date]");
            i += 10;
            continue;
        }
        if boundary(i) && digits(i, 2) && chars.get(i + 2) == Some(&':') && digits(i + 3, 2) {
            let end = if chars.get(i + 5) == Some(&':') && digits(i + 6, 2) {
                i + 8
            } else {
                i + 5
            };
            out.push_str("[time]");
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}
