//! The record form (new and edit), generated from the kind's field catalogue.

use super::*;
use fazhi_domain::UnitId;

/// One input of the form.
pub(super) struct InputView {
    pub(super) key: &'static str,
    /// `f.{key}`: field inputs never collide with `year`, `version`, `csrf_token`.
    pub(super) name: String,
    pub(super) label: &'static str,
    pub(super) help: &'static str,
    pub(super) required: bool,
    /// `text`, `date`, `number`, `textarea` or `select`.
    pub(super) control: &'static str,
    pub(super) rows: u32,
    pub(super) step: &'static str,
    pub(super) options: Vec<&'static str>,
    pub(super) wide: bool,
    pub(super) value: String,
    pub(super) error: Option<String>,
}

pub(super) struct IndicatorOption {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) depth: usize,
    pub(super) checked: bool,
}

/// The form as the template draws it: what the person typed (or the record holds), and
/// every error next to its field.
pub(super) struct FormView {
    pub(super) action: String,
    pub(super) cancel: String,
    pub(super) submit: &'static str,
    pub(super) year: i32,
    pub(super) years: Vec<i32>,
    pub(super) version: Option<i64>,
    pub(super) inputs: Vec<InputView>,
    pub(super) indicators: Vec<IndicatorOption>,
    pub(super) framework: String,
    pub(super) refused: Vec<Violation>,
    pub(super) error: Option<String>,
    pub(super) field_errors: usize,
    pub(super) year_error: Option<String>,
    pub(super) indicators_error: Option<String>,
}

/// What a form holds: the text of each field, the year, the chosen indicators.
pub(super) struct FormInput {
    pub(super) year: String,
    pub(super) version: Option<String>,
    pub(super) fields: BTreeMap<String, String>,
    pub(super) indicators: Vec<String>,
}

impl FormInput {
    pub(super) fn from_pairs(kind: RecordKind, pairs: Vec<(String, String)>) -> FormInput {
        let mut input = FormInput {
            year: String::new(),
            version: None,
            fields: BTreeMap::new(),
            indicators: Vec::new(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "year" => input.year = v,
                "version" => input.version = Some(v),
                "indicators" => input.indicators.push(v),
                _ => {
                    if let Some(key) = k.strip_prefix("f.") {
                        if kind.field(key).is_some() {
                            input.fields.insert(key.to_string(), v);
                        }
                    }
                }
            }
        }
        input
    }

    pub(super) fn from_row(row: &LedgerRow) -> FormInput {
        let data = &row.record.data;
        FormInput {
            year: data.year.to_string(),
            version: Some(row.version.to_string()),
            fields: data
                .kind
                .fields()
                .iter()
                .map(|f| (f.key.to_string(), data.fields.display(f.key)))
                .collect(),
            indicators: data.indicators.clone(),
        }
    }

    pub(super) fn blank(kind: RecordKind, year: i32) -> FormInput {
        FormInput {
            year: year.to_string(),
            version: None,
            fields: BTreeMap::new(),
            indicators: kind.default_indicator_codes(),
        }
    }

    /// The year as typed; 0 (refused by the operation with the valid range) when not a number.
    pub(super) fn year(&self) -> i32 {
        self.year.trim().parse().unwrap_or(0)
    }

    pub(super) fn record_input(&self) -> RecordInput {
        RecordInput {
            year: self.year(),
            fields: self.fields.clone(),
            indicators: self.indicators.clone(),
        }
    }
}

/// What went wrong with a submitted form.
#[derive(Default)]
pub(super) struct FormProblems {
    pub(super) fields: Vec<FieldError>,
    pub(super) refused: Vec<Violation>,
    pub(super) error: Option<String>,
}

impl FormProblems {
    /// The errors a person fixes on the form itself; anything else is the error page.
    pub(super) fn of(e: Error) -> std::result::Result<(StatusCode, FormProblems), Error> {
        let status = e.status();
        let problems = match e {
            Error::Fields(fields) => FormProblems {
                fields,
                ..FormProblems::default()
            },
            Error::Refused(refused) => FormProblems {
                refused,
                ..FormProblems::default()
            },
            e @ (Error::Conflict(_) | Error::BadRequest(_)) => FormProblems {
                error: Some(e.to_string()),
                ..FormProblems::default()
            },
            e => return Err(e),
        };
        Ok((status, problems))
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn form_view(
    state: &AppState,
    kind: RecordKind,
    action: String,
    cancel: String,
    submit: &'static str,
    input: &FormInput,
    version: Option<i64>,
    problems: FormProblems,
) -> FormView {
    let fw = &state.ledger.framework;
    let mut errors: HashMap<String, Vec<String>> = HashMap::new();
    for e in &problems.fields {
        errors
            .entry(e.field.clone())
            .or_default()
            .push(e.message.clone());
    }
    let mut take = |key: &str| errors.remove(key).map(|m| m.join("；"));
    let inputs: Vec<InputView> = kind
        .fields()
        .iter()
        .map(|f| {
            let (control, rows, step, options, wide): (&str, u32, &str, Vec<&'static str>, bool) =
                match f.ty {
                    FieldType::Text => ("text", 0, "", Vec::new(), false),
                    FieldType::LongText => ("textarea", 3, "", Vec::new(), true),
                    FieldType::List => ("textarea", 2, "", Vec::new(), true),
                    FieldType::Date => ("date", 0, "", Vec::new(), false),
                    FieldType::Count => ("number", 0, "1", Vec::new(), false),
                    FieldType::Hours => ("number", 0, "0.1", Vec::new(), false),
                    FieldType::Bool => ("select", 0, "", vec!["是", "否"], false),
                    FieldType::Choice(c) => ("select", 0, "", c.to_vec(), false),
                };
            let value = input.fields.get(f.key).cloned().unwrap_or_default();
            // A date typed some other way (kept after an error) stays visible as text: a
            // date input would show it blank.
            let control = if control == "date"
                && !value.trim().is_empty()
                && NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_err()
            {
                "text"
            } else {
                control
            };
            InputView {
                key: f.key,
                name: format!("f.{}", f.key),
                label: f.label,
                help: f.help,
                required: f.required,
                control,
                rows,
                step,
                options,
                wide,
                value,
                error: take(f.key),
            }
        })
        .collect();
    let year_error = take("year");
    let indicators_error = take("indicators");
    // Errors of no input on the form (none expected): shown at the top.
    let mut rest: Vec<String> = errors.into_values().flatten().collect();
    rest.sort();
    let error = match (problems.error, rest.is_empty()) {
        (e, true) => e,
        (Some(e), false) => Some(format!("{e}；{}", rest.join("；"))),
        (None, false) => Some(rest.join("；")),
    };
    let year = input.year();
    let mut years = crate::views::year_choices();
    if fazhi_domain::ReportYear::accepts(year) && !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    FormView {
        action,
        cancel,
        submit,
        year,
        years,
        version,
        field_errors: problems.fields.len(),
        inputs,
        indicators: fw
            .nodes()
            .iter()
            .map(|i| IndicatorOption {
                checked: input.indicators.contains(&i.code),
                depth: depth(fw, &i.code).min(4),
                code: i.code.clone(),
                name: i.name.clone(),
            })
            .collect(),
        framework: fw.name.clone(),
        refused: problems.refused,
        error,
        year_error,
        indicators_error,
    }
}

#[derive(Template)]
#[template(path = "ledger_form.html", blocks = ["form"])]
pub(super) struct NewPage {
    pub(super) chrome: Chrome,
    pub(super) unit: Unit,
    pub(super) kind: RecordKind,
    pub(super) form: FormView,
}

fn new_page(
    state: &AppState,
    p: &Principal,
    unit: Unit,
    kind: RecordKind,
    input: &FormInput,
    problems: FormProblems,
) -> NewPage {
    let list = format!("/units/{}/ledger/{}", unit.id, kind.code());
    NewPage {
        chrome: Chrome::new(state, Some(p), Nav::Home),
        form: form_view(
            state,
            kind,
            list.clone(),
            format!("{list}?year={}", input.year()),
            "保存",
            input,
            None,
            problems,
        ),
        unit,
        kind,
    }
}

/// `GET /units/{id}/ledger/{kind}/new?year=`.
pub async fn new_form(
    State(state): State<AppState>,
    p: Principal,
    KindPath(id, kind): KindPath,
    Q(q): Q<YearQuery>,
) -> Result<Response> {
    let year = q.year_or_current()?;
    let unit = ops::access::unit_for(&state, &p, UnitId(id)).await?;
    if !ops::access::unit_rights(Some(&p), &unit).write {
        return Err(Error::Forbidden);
    }
    let input = FormInput::blank(kind, year);
    Ok(html(&new_page(
        &state,
        &p,
        unit,
        kind,
        &input,
        FormProblems::default(),
    )))
}

/// `POST /units/{id}/ledger/{kind}`: saved → the record's page; a mistake → the form again
/// with what was typed and every error.
pub async fn create(
    State(state): State<AppState>,
    p: Principal,
    hx: Hx,
    KindPath(id, kind): KindPath,
    F(pairs): F<Vec<(String, String)>>,
) -> Result<Response> {
    let input = FormInput::from_pairs(kind, pairs);
    match ledger::create_record(&state, &p, UnitId(id), kind, input.record_input()).await {
        Ok(saved) => Ok(see_other(
            hx,
            &format!("/ledger/{}?done=created", saved.row.record.id),
        )),
        Err(e) => {
            let (status, problems) = FormProblems::of(e)?;
            let unit = ops::access::unit_for(&state, &p, UnitId(id)).await?;
            let page = new_page(&state, &p, unit, kind, &input, problems);
            Ok(html_status(status, &page))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_keep_only_the_kinds_fields() {
        let pairs = vec![
            ("csrf_token".to_string(), "t".to_string()),
            ("year".into(), "2025".into()),
            ("version".into(), "3".into()),
            ("f.topic".into(), "宪法学习".into()),
            ("f.nope".into(), "x".into()),
            ("topic".into(), "without prefix".into()),
            ("indicators".into(), "thought".into()),
            ("indicators".into(), "leadership.capacity".into()),
        ];
        let input = FormInput::from_pairs(RecordKind::Study, pairs);
        assert_eq!(input.year(), 2025);
        assert_eq!(input.version.as_deref(), Some("3"));
        assert_eq!(input.fields.len(), 1);
        assert_eq!(input.fields["topic"], "宪法学习");
        assert_eq!(input.indicators, ["thought", "leadership.capacity"]);
        let bad = FormInput::from_pairs(RecordKind::Study, vec![("year".into(), "abc".into())]);
        assert_eq!(bad.year(), 0);
    }
}
