//! Field values: parsed from the text people type in forms and Excel cells into typed values
//! (parse, don't validate), kept as JSON, shown and exported back as the same text.

use super::kind::{FieldSpec, FieldType, RecordKind};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest text a field holds (characters). Longer input is refused with this limit named.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most items of a list field.
pub const MAX_LIST_ITEMS: usize = 200;
/// Largest count (a guard against a typo of many digits).
pub const MAX_COUNT: i64 = 100_000_000;
/// Most hours in one field.
pub const MAX_HOURS: f64 = 10_000.0;

/// A typed field value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Count(i64),
    Hours(f64),
    List(Vec<String>),
    /// Dates and text are both JSON strings; [`Fields::from_json`] re-types by the spec.
    Text(String),
    Date(NaiveDate),
}

impl Value {
    /// The text a user reads and types back: dates `2025-03-01`, booleans 是/否, lists joined
    /// with 、. Parsing this text with the field's spec answers the same value.
    pub fn display(&self) -> String {
        match self {
            Value::Bool(true) => "是".into(),
            Value::Bool(false) => "否".into(),
            Value::Count(n) => n.to_string(),
            Value::Hours(h) => format_hours(*h),
            Value::List(items) => items.join("、"),
            Value::Text(t) => t.clone(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A number to one decimal as people write it: 12 → "12", 1.5 → "1.5" (hours, and the
/// figures of [`crate::ledger::statistics`]).
pub fn format_hours(h: f64) -> String {
    let s = format!("{h:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `x` rounded to one decimal (hours are kept to tenths; sums of them stay exact).
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A record's field values by key. Empty fields are absent.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Fields(pub BTreeMap<String, Value>);

impl Fields {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.0.get(key) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        match self.0.get(key) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn count(&self, key: &str) -> Option<i64> {
        match self.0.get(key) {
            Some(Value::Count(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn hours(&self, key: &str) -> Option<f64> {
        match self.0.get(key) {
            Some(Value::Hours(h)) => Some(*h),
            Some(Value::Count(n)) => Some(*n as f64),
            _ => None,
        }
    }

    /// `false` when absent.
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.0.get(key), Some(Value::Bool(true)))
    }

    pub fn list(&self, key: &str) -> &[String] {
        match self.0.get(key) {
            Some(Value::List(items)) => items,
            _ => &[],
        }
    }

    /// The display text of a field, empty when absent.
    pub fn display(&self, key: &str) -> String {
        self.0.get(key).map(Value::display).unwrap_or_default()
    }

    /// Fields as stored (JSON) back into typed values by the kind's spec. Keys the spec does
    /// not know (a field since removed) are dropped; a value that does not fit its type is
    /// an error naming the field.
    pub fn from_json(kind: RecordKind, json: &str) -> Result<Fields, String> {
        let raw: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(json).map_err(|e| format!("台账记录数据无法读取：{e}"))?;
        let mut out = BTreeMap::new();
        for (key, v) in raw {
            let Some(spec) = kind.field(&key) else {
                continue;
            };
            let Some(text) = json_text(spec.label, &v)? else {
                continue;
            };
            if let Some(value) = parse_value(spec, &text).map_err(|e| e.message)? {
                out.insert(key, value);
            }
        }
        Ok(Fields(out))
    }

    /// The JSON kept in the store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).expect("field values serialize")
    }
}

/// A JSON value (an API body, a stored row) as the text a person would type into the field
/// labelled `label`: `true` → 是, numbers as written, an array's items one a line; `None`
/// for null. Objects and nested arrays have no such text: the error names the field.
pub fn json_text(label: &str, v: &serde_json::Value) -> Result<Option<String>, String> {
    use serde_json::Value as J;
    let refuse = || format!("“{label}”须为文字、数字、是否或文字数组");
    Ok(Some(match v {
        J::Null => return Ok(None),
        J::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => s.clone(),
        J::Array(items) => items
            .iter()
            .map(|i| match i {
                J::String(s) => Ok(s.clone()),
                J::Number(n) => Ok(n.to_string()),
                _ => Err(refuse()),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("\n"),
        J::Object(_) => return Err(refuse()),
    }))
}

/// A field that could not be parsed, or a required one left empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The field's key (`date`), or `year` / `indicators` for the record's own attributes.
    pub field: String,
    /// What is wrong, in Chinese, naming the field's label.
    pub message: String,
}

/// Parses the text of every field of a kind (a form, an Excel row, an API body turned into
/// text). Missing keys are empty; keys the kind does not know are refused (a misspelt column
/// must not silently lose data). Every error is reported, not only the first.
pub fn parse_fields(
    kind: RecordKind,
    raw: &BTreeMap<String, String>,
) -> Result<Fields, Vec<FieldError>> {
    let mut errors = Vec::new();
    for key in raw.keys() {
        if kind.field(key).is_none() {
            errors.push(FieldError {
                field: key.clone(),
                message: format!("“{}”没有“{key}”这一项", kind.label()),
            });
        }
    }
    let mut out = BTreeMap::new();
    for spec in kind.fields() {
        let text = raw.get(spec.key).map(String::as_str).unwrap_or("");
        match parse_value(spec, text) {
            Ok(Some(v)) => {
                out.insert(spec.key.to_string(), v);
            }
            Ok(None) if spec.required => errors.push(FieldError {
                field: spec.key.into(),
                message: format!("“{}”为必填项", spec.label),
            }),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(Fields(out))
    } else {
        Err(errors)
    }
}

/// One field's text to its value; `Ok(None)` when empty.
pub fn parse_value(spec: &FieldSpec, text: &str) -> Result<Option<Value>, FieldError> {
    let err = |message: String| FieldError {
        field: spec.key.into(),
        message,
    };
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(err(format!(
            "“{}”超过 {MAX_TEXT_CHARS} 字的长度限制",
            spec.label
        )));
    }
    let v = match spec.ty {
        FieldType::Text => Value::Text(t.split_whitespace().collect::<Vec<_>>().join(" ")),
        FieldType::LongText => Value::Text(t.replace("\r\n", "\n")),
        FieldType::Date => Value::Date(parse_date(t).ok_or_else(|| {
            err(format!(
                "“{}”不是有效日期：{t}（例：2025-03-01）",
                spec.label
            ))
        })?),
        FieldType::Count => {
            let n = parse_number(t)
                .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                .ok_or_else(|| err(format!("“{}”应为不小于 0 的整数：{t}", spec.label)))?;
            if n > MAX_COUNT as f64 {
                return Err(err(format!("“{}”超过上限 {MAX_COUNT}：{t}", spec.label)));
            }
            Value::Count(n as i64)
        }
        FieldType::Hours => {
            let h = parse_number(t.trim_end_matches("学时").trim_end_matches("小时"))
                .filter(|h| *h >= 0.0)
                .ok_or_else(|| err(format!("“{}”应为不小于 0 的数字：{t}", spec.label)))?;
            if h > MAX_HOURS {
                return Err(err(format!(
                    "“{}”超过上限 {MAX_HOURS} 学时：{t}",
                    spec.label
                )));
            }
            Value::Hours(round1(h))
        }
        FieldType::Bool => Value::Bool(match t {
            "是" | "有" | "已" | "Y" | "y" | "yes" | "Yes" | "YES" | "true" | "TRUE" | "True"
            | "1" | "√" | "✓" => true,
            "否" | "无" | "未" | "N" | "n" | "no" | "No" | "NO" | "false" | "FALSE" | "False"
            | "0" | "×" => false,
            _ => return Err(err(format!("“{}”应填“是”或“否”：{t}", spec.label))),
        }),
        FieldType::Choice(choices) => {
            let c = choices.iter().find(|c| **c == t).ok_or_else(|| {
                err(format!(
                    "“{}”应为以下之一：{}（填的是：{t}）",
                    spec.label,
                    choices.join("、")
                ))
            })?;
            Value::Text((*c).to_string())
        }
        FieldType::List => {
            let items: Vec<String> = t
                .split(['、', '，', ',', '；', ';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if items.len() > MAX_LIST_ITEMS {
                return Err(err(format!(
                    "“{}”超过 {MAX_LIST_ITEMS} 项的上限",
                    spec.label
                )));
            }
            if items.is_empty() {
                return Ok(None);
            }
            Value::List(items)
        }
    };
    Ok(Some(v))
}

fn parse_number(t: &str) -> Option<f64> {
    let t = t.trim();
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    t.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Dates as people write them: 2025-03-01, 2025/3/1, 2025.3.1, 2025年3月1日, 20250301, or an
/// Excel serial day number (45717) as a cell may carry it.
pub fn parse_date(t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    if t.len() > 40 {
        return None;
    }
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d")
            .ok()
            .filter(plausible);
    }
    if !t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        // Excel's day 1 is 1900-01-01, with its phantom 1900-02-29 (serials ≥ 61 are one off).
        let serial: i64 = t.parse().ok()?;
        let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
        return base
            .checked_add_signed(chrono::Duration::days(serial))
            .filter(plausible);
    }
    // A datetime as some exports write it: keep the date part.
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    let norm: String = t
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            c => c,
        })
        .collect();
    let mut parts = norm.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let y: i32 = y.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d).filter(plausible)
}

fn plausible(d: &NaiveDate) -> bool {
    (1949..=2100).contains(&d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn dates_as_people_write_them() {
        let want = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for t in [
            "2025-03-01",
            "2025/3/1",
            "2025.3.1",
            "2025年3月1日",
            "20250301",
            "45717",
            "2025-03-01 00:00:00",
            "2025-03-01T08:00:00",
        ] {
            assert_eq!(parse_date(t), Some(want), "{t}");
        }
        for t in [
            "2025-02-30",
            "3月1日",
            "昨天",
            "2025-03",
            "1800-01-01",
            "0",
            "",
        ] {
            assert_eq!(parse_date(t), None, "{t}");
        }
    }

    #[test]
    fn a_study_session_parses_into_typed_values() {
        let f = parse_fields(
            RecordKind::Study,
            &raw(&[
                ("date", "2025年3月6日"),
                ("form", "党组会学法"),
                ("topic", "  学习  行政处罚法 "),
                ("laws", "宪法、行政处罚法；民法典"),
                ("attendees", "12"),
                ("leader_present", "是"),
                ("hours", "2.5学时"),
            ]),
        )
        .unwrap();
        assert_eq!(f.date("date"), NaiveDate::from_ymd_opt(2025, 3, 6));
        assert_eq!(f.text("topic"), Some("学习 行政处罚法"));
        assert_eq!(f.list("laws"), ["宪法", "行政处罚法", "民法典"]);
        assert_eq!(f.count("attendees"), Some(12));
        assert!(f.flag("leader_present"));
        assert_eq!(f.hours("hours"), Some(2.5));
        assert_eq!(f.get("note"), None);
    }

    #[test]
    fn every_error_is_reported_with_its_label() {
        let errs = parse_fields(
            RecordKind::Study,
            &raw(&[
                ("date", "2025-13-01"),
                ("form", "喝茶"),
                ("attendees", "-3"),
                ("leader_present", "也许"),
                ("colour", "红"),
            ]),
        )
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "colour",
                "date",
                "form",
                "topic",
                "attendees",
                "leader_present"
            ]
        );
        assert!(errs[1].message.contains("日期"));
        assert!(errs[2].message.contains("党组会学法"));
        assert!(errs[3].message.contains("必填"));
    }

    #[test]
    fn limits_are_named() {
        let long = "法".repeat(MAX_TEXT_CHARS + 1);
        let e = parse_fields(RecordKind::Publication, &raw(&[("title", &long)])).unwrap_err();
        assert!(e.iter().any(|e| e.message.contains("10000 字")));
        let e =
            parse_value(RecordKind::Study.field("attendees").unwrap(), "1000000000").unwrap_err();
        assert!(e.message.contains("上限"));
    }

    #[test]
    fn stored_json_comes_back_typed() {
        let f = parse_fields(
            RecordKind::Normative,
            &raw(&[
                ("title", "2025-01-01"),
                ("market", "是"),
                ("issued", "2025-04-01"),
            ]),
        )
        .unwrap();
        let back = Fields::from_json(RecordKind::Normative, &f.to_json()).unwrap();
        assert_eq!(back, f);
        // A title that looks like a date stays text.
        assert_eq!(back.text("title"), Some("2025-01-01"));
        assert_eq!(back.date("issued"), NaiveDate::from_ymd_opt(2025, 4, 1));
    }

    fn text_for(ty: FieldType) -> BoxedStrategy<String> {
        match ty {
            FieldType::Date => (1990i32..2090, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"))
                .boxed(),
            FieldType::Count => (0i64..100_000).prop_map(|n| n.to_string()).boxed(),
            FieldType::Hours => (0u32..5000)
                .prop_map(|n| format_hours(f64::from(n) / 10.0))
                .boxed(),
            FieldType::Bool => prop_oneof![Just("是".to_string()), Just("否".to_string())].boxed(),
            FieldType::Choice(c) => proptest::sample::select(c).prop_map(str::to_string).boxed(),
            FieldType::List => proptest::collection::vec("[一-龥]{1,6}", 1..5)
                .prop_map(|v| v.join("、"))
                .boxed(),
            FieldType::Text => "[一-龥a-z0-9]{1,12}( [一-龥]{1,5})?".boxed(),
            FieldType::LongText => "[一-龥a-z0-9]{1,12}(\n[一-龥]{1,5})?".boxed(),
        }
    }

    proptest! {
        /// Display text parses back to the same value, for every field of every kind.
        #[test]
        fn display_round_trips(kind in proptest::sample::select(RecordKind::ALL.to_vec()), seed in any::<u64>()) {
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let _ = seed;
            for spec in kind.fields() {
                let text = text_for(spec.ty).new_tree(&mut runner).unwrap().current();
                let v = parse_value(spec, &text).unwrap().unwrap();
                let again = parse_value(spec, &v.display()).unwrap().unwrap();
                prop_assert_eq!(again, v);
            }
        }

        /// No text makes a parser panic; it answers a value, nothing, or an error.
        #[test]
        fn any_text_is_answered(kind in proptest::sample::select(RecordKind::ALL.to_vec()), text in "\\PC{0,40}") {
            for spec in kind.fields() {
                let _ = parse_value(spec, &text);
            }
            let _ = parse_date(&text);
        }
    }
}
