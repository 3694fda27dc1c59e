//! JSON of a checked report: one object per file, with a shape that does not follow the
//! model's serde attributes (the section tree is built here explicitly).
//!
//! ```text
//! {file, format, encoding, genre, title, unit, unit_normalized, unit_in_title, year,
//!  year_in_title, doc_number, signed_unit, signed_date, published_date, salutation,
//!  body_chars, sections: [{number, display, style, numbered, title, part, block, children}],
//!  coverage: {measures|shortcomings|first_responsible|next_year|other: section|subsection|missing},
//!  facts: [{text, value, approx, minimum, measure, subject, location}],
//!  findings: [{rule, severity, part, basis, message, location}],
//!  counts: {error, warning, info}, score: {total, items: [{key, label, points, max, explanation}]}}
//! ```
//!
//! `location` is always `{block, section, quote}` (each may be null). A file that could not
//! be read is `{file, error}`.

use super::{coverage_key, date, format_key, genre_key, severity_counts};
use crate::check::{Finding, Score};
use crate::model::{display_number, Fact, Location, NumberStyle, Section};
use crate::{Checked, Error};
use serde_json::{json, Value};

/// The JSON object of one checked file.
pub fn to_value(file: &str, checked: &Checked) -> Value {
    let r = &checked.report;
    let (format, encoding) = format_key(&checked.format);
    let coverage: serde_json::Map<String, Value> = r
        .coverage
        .iter()
        .map(|(p, l)| (p.key().to_string(), Value::from(coverage_key(l))))
        .collect();
    let [error, warning, info] = severity_counts(&checked.findings);
    json!({
        "file": file,
        "format": format,
        "encoding": encoding,
        "genre": genre_key(r.genre),
        "title": r.title,
        "unit": r.unit.as_ref().map(|u| u.written.clone()),
        "unit_normalized": r.unit.as_ref().map(|u| u.normalized.clone()),
        "unit_in_title": r.unit_in_title,
        "year": r.year,
        "year_in_title": r.year_in_title,
        "doc_number": r.doc_number,
        "signed_unit": r.signed_unit.as_ref().map(|u| u.written.clone()),
        "signed_date": date(r.signed_date),
        "published_date": date(r.published_date),
        "salutation": r.salutation,
        "body_chars": r.body_chars(),
        "sections": r.sections.iter().map(section).collect::<Vec<_>>(),
        "coverage": coverage,
        "facts": r.facts.iter().map(fact).collect::<Vec<_>>(),
        "findings": checked.findings.iter().map(finding).collect::<Vec<_>>(),
        "counts": {"error": error, "warning": warning, "info": info},
        "score": score(&checked.score),
    })
}

/// The JSON object of a file that could not be read.
pub fn error_value(file: &str, error: &Error) -> Value {
    error_message_value(file, &error.to_string())
}

/// Same as [`error_value`] for a message already in words (e.g. a missing path).
pub fn error_message_value(file: &str, message: &str) -> Value {
    json!({ "file": file, "error": message })
}

fn style_key(s: NumberStyle) -> &'static str {
    match s {
        NumberStyle::Part => "part",
        NumberStyle::Chinese => "chinese",
        NumberStyle::ChineseParen => "chinese_paren",
        NumberStyle::Arabic => "arabic",
        NumberStyle::ArabicParen => "arabic_paren",
        NumberStyle::Enumeration => "enumeration",
    }
}

/// A section and all its children (numbered or 一是 headings; `numbered` tells which).
pub fn section(s: &Section) -> Value {
    json!({
        "number": s.number,
        "display": display_number(s),
        "style": style_key(s.style),
        "numbered": s.style.is_numbered(),
        "title": s.title,
        "part": s.part.map(|p| p.key()),
        "block": s.heading,
        "children": s.children.iter().map(section).collect::<Vec<_>>(),
    })
}

pub fn location(l: &Location) -> Value {
    json!({ "block": l.block, "section": l.section, "quote": l.quote })
}

pub fn fact(f: &Fact) -> Value {
    json!({
        "text": f.text,
        "value": number(f.value),
        "approx": f.approx,
        "minimum": f.minimum,
        "measure": f.measure,
        "subject": f.subject,
        "location": location(&f.location),
    })
}

pub fn finding(f: &Finding) -> Value {
    json!({
        "rule": f.rule,
        "severity": f.severity.key(),
        "part": f.part.map(|p| p.key()),
        "basis": f.basis,
        "message": f.message,
        "location": location(&f.location),
    })
}

pub fn score(s: &Score) -> Value {
    json!({
        "total": s.total,
        "items": s.items.iter().map(|i| json!({
            "key": i.key,
            "label": i.label,
            "points": number(i.points),
            "max": number(i.max),
            "explanation": i.explanation,
        })).collect::<Vec<_>>(),
    })
}

/// Integral values as integers (10, not 10.0).
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixture;

    #[test]
    fn shape_is_stable() {
        let v = to_value("a/b.txt", &fixture::checked());
        assert_eq!(v["file"], "a/b.txt");
        assert_eq!(v["format"], "txt");
        assert_eq!(v["encoding"], "UTF-8");
        assert_eq!(v["genre"], "rule_of_law_annual_report");
        assert_eq!(v["unit"], "东湖区司法局");
        assert_eq!(v["signed_date"], "2025-01-20");
        assert_eq!(v["published_date"], Value::Null);
        assert_eq!(v["doc_number"], Value::Null);
        assert_eq!(v["sections"][0]["part"], "measures");
        assert_eq!(v["sections"][0]["children"][0]["number"], "一");
        assert_eq!(v["sections"][0]["children"][0]["display"], "（一）");
        assert_eq!(v["sections"][0]["children"][0]["children"], json!([]));
        assert_eq!(v["coverage"]["next_year"], "missing");
        assert_eq!(v["coverage"]["measures"], "section");
        assert_eq!(v["facts"][0]["value"], 12);
        assert_eq!(v["facts"][0]["location"]["quote"], Value::Null);
        assert_eq!(v["findings"][0]["severity"], "error");
        assert_eq!(v["findings"][0]["location"]["block"], 6);
        assert_eq!(v["counts"]["error"], 1);
        assert_eq!(v["score"]["total"], 62);
        assert_eq!(v["score"]["items"][0]["points"], 12.5);
        assert_eq!(v["score"]["items"][0]["max"], 25);
    }

    #[test]
    fn error_object() {
        let v = error_value("x.doc", &Error::Empty);
        assert_eq!(v, json!({"file": "x.doc", "error": "文件中没有可读的文字"}));
    }
}
