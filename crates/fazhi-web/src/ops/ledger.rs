//! The ledger's operations (台账), shared by the pages and the JSON API: each checks who may
//! do it (reading a unit's ledger is `Action::Read` on the unit, changing it `Action::Write`,
//! as for reports), parses what the person typed with the domain's field catalogue, runs the
//! procedure rules of `fazhi_domain::ledger::check_record` — refusing what the law forbids,
//! keeping the rest as warnings — and only then asks the store.
//!
//! One rule path for every door: forms and API bodies become text fields and go through
//! [`create_record`] / [`update_record`]; Excel rows are parsed by `fazhi_sheet` with the same
//! field catalogue, and [`import`] holds them to the same year range and refusals.

use super::access::{unit_allowing, unit_placement, unit_read_allowing, UnitAccess};
use super::files::{check_file, clean_filename};
use crate::auth::Principal;
use crate::error::{Error, Result};
use crate::AppState;
use chrono::NaiveDate;
use fazhi_domain::ledger::{
    check_record, check_year, coverage, due_items, parse_fields, statistics, DueItem, FieldError,
    Figure, IndicatorCoverage, Record, RecordData, RecordId, RecordKind, RecordViolation,
    RuleContext, Statistics,
};
use fazhi_domain::{
    Action, Framework, Frameworks, HolidayCalendar, ProcedureSettings, UnitId, Violation,
};
use fazhi_sheet::ledger::RowProblem;
use fazhi_store::{Attachment, AttachmentId, LedgerQuery, LedgerRow, Page};
use std::collections::{BTreeMap, HashMap};

/// What the ledger's rules are counted with: the procedure periods, the holiday calendar, the
/// indicator framework and the yearly training hours per officer.
pub struct LedgerContext {
    pub settings: ProcedureSettings,
    pub calendar: HolidayCalendar,
    pub framework: Framework,
    pub training_hours: u32,
}

impl LedgerContext {
    /// The settings, calendar and framework shipped with the program.
    pub fn builtin() -> Self {
        Self::from_frameworks(Frameworks::builtin())
    }

    /// The settings, calendar and framework of the frameworks data loaded at start.
    pub fn from_frameworks(fw: &Frameworks) -> Self {
        Self {
            settings: fw.procedures.clone(),
            calendar: fw.calendar.clone(),
            framework: fw.indicators.clone(),
            training_hours: fw.settings.training_hours,
        }
    }

    /// The rules' context on `today` (deadlines are counted against it).
    pub fn rules(&self, today: NaiveDate) -> RuleContext<'_> {
        RuleContext {
            settings: &self.settings,
            calendar: &self.calendar,
            today,
            training_hours: self.training_hours,
        }
    }
}

/// Today in China (UTC+8), the date every deadline is counted against.
pub fn today() -> NaiveDate {
    // The domain reads no clock: the instant comes from here.
    fazhi_domain::cycle::china_date(chrono::Utc::now())
}

/// Days ahead the dashboard lists what falls due.
pub const DUE_HORIZON_DAYS: u32 = 30;
/// Most indicators one record may be tagged with (the domain's one rule).
pub use fazhi_domain::ledger::MAX_INDICATORS;
/// Rows a list page shows when the query asks for none; and the most it may ask for.
pub const DEFAULT_PAGE: u32 = 50;
pub const MAX_PAGE: u32 = 1000;

/// A record as typed (a form, an API body turned into text, an Excel row).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordInput {
    pub year: i32,
    /// Field key → text as typed; empty text is an empty field.
    pub fields: BTreeMap<String, String>,
    /// Indicator codes; empty → the kind's defaults; unknown codes are refused.
    pub indicators: Vec<String>,
}

/// A saved record with the rules it breaks without being refused (shown as warnings).
#[derive(Debug, Clone)]
pub struct Saved {
    pub row: LedgerRow,
    pub warnings: Vec<Violation>,
}

// ---------------------------------------------------------------------------------------
// Access

/// A record with its unit: 404 when it does not exist or the person may not read its unit
/// (its existence is not revealed), 403 when he reads it but may not do `action`.
/// The access check of a new attachment, made before its file is read: a person without
/// the right gets 403/404 (not a size or format error) and costs the server no reading.
pub async fn require_attach(state: &AppState, p: &Principal, rid: RecordId) -> Result<()> {
    record_for(state, p, rid, Action::Write).await.map(|_| ())
}

async fn record_for<'a>(
    state: &AppState,
    p: &'a Principal,
    rid: RecordId,
    action: Action,
) -> Result<(UnitAccess<'a>, LedgerRow)> {
    let row = match state.ledger_store().record(rid).await {
        Ok(row) => row,
        Err(fazhi_store::StoreError::NotFound(_)) => return Err(Error::NotFound("台账记录")),
        Err(e) => return Err(e.into()),
    };
    let (unit, placement) = unit_placement(state, row.record.unit_id).await?;
    if !p.can(Action::Read, &placement) {
        return Err(Error::NotFound("台账记录"));
    }
    Ok((unit_read_allowing(p, unit, action)?, row))
}

// ---------------------------------------------------------------------------------------
// Parsing and rules

/// The text of a record into its data, every mistake reported at once.
fn parse_input(
    ctx: &LedgerContext,
    kind: RecordKind,
    input: &RecordInput,
) -> std::result::Result<RecordData, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Err(message) = fazhi_domain::ReportYear::check(input.year) {
        errors.push(FieldError {
            field: "year".into(),
            message,
        });
    }
    let fields = match parse_fields(kind, &input.fields) {
        Ok(f) => Some(f),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let indicators = match indicators_of(ctx, kind, &input.indicators) {
        Ok(i) => i,
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    match fields {
        Some(fields) if errors.is_empty() => Ok(RecordData {
            kind,
            year: input.year,
            fields,
            indicators,
        }),
        _ => Err(errors),
    }
}

/// Chosen indicator codes (trimmed, without repeats), or the kind's defaults when none.
fn indicators_of(
    ctx: &LedgerContext,
    kind: RecordKind,
    chosen: &[String],
) -> std::result::Result<Vec<String>, FieldError> {
    fazhi_domain::ledger::IndicatorParser::new(&ctx.framework)
        .parse(kind, chosen)
        .map_err(FieldError::from)
}

/// The procedure rules a record breaks as of today (a deadline passes with time), refusals
/// and warnings alike.
pub fn record_violations(state: &AppState, data: &RecordData) -> Vec<Violation> {
    check_record(data, &state.ledger.rules(today()))
}

/// Parses, then runs the record's rules: refusals stop it, the rest come back as warnings.
fn checked(
    state: &AppState,
    kind: RecordKind,
    input: &RecordInput,
) -> Result<(RecordData, Vec<Violation>)> {
    let data = parse_input(&state.ledger, kind, input).map_err(Error::Fields)?;
    let violations = record_violations(state, &data);
    let (refused, warnings): (Vec<Violation>, Vec<Violation>) =
        violations.into_iter().partition(|v| v.refuse);
    if !refused.is_empty() {
        return Err(Error::Refused(refused));
    }
    Ok((data, warnings))
}

// ---------------------------------------------------------------------------------------
// Records

/// A unit's records (read access on `q.unit_id`). `limit` 0 means [`DEFAULT_PAGE`]; at most
/// [`MAX_PAGE`] rows a page.
pub async fn list_records(
    state: &AppState,
    p: &Principal,
    q: &LedgerQuery,
) -> Result<Page<LedgerRow>> {
    unit_allowing(state, p, q.unit_id, Action::Read).await?;
    let mut q = q.clone();
    q.limit = match q.limit {
        0 => DEFAULT_PAGE,
        n => n.min(MAX_PAGE),
    };
    Ok(state.ledger_store().records(&q).await?)
}

/// One record, deleted or not, with its unit.
pub async fn get_record(
    state: &AppState,
    p: &Principal,
    rid: RecordId,
) -> Result<(fazhi_store::Unit, LedgerRow)> {
    let (unit, row) = record_for(state, p, rid, Action::Read).await?;
    Ok((unit.into_unit(), row))
}

pub async fn create_record(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    kind: RecordKind,
    input: RecordInput,
) -> Result<Saved> {
    let unit = unit_allowing(state, p, unit_id, Action::Write).await?;
    let (data, warnings) = checked(state, kind, &input)?;
    let row = state
        .ledger_store()
        .create_record(&unit.actor(), unit.id(), &data)
        .await?;
    Ok(Saved { row, warnings })
}

/// Saves an edit made on `version` of the record; a change made since answers 409.
pub async fn update_record(
    state: &AppState,
    p: &Principal,
    rid: RecordId,
    input: RecordInput,
    version: i64,
) -> Result<Saved> {
    let (unit, current) = record_for(state, p, rid, Action::Write).await?;
    if current.deleted_at.is_some() {
        return Err(Error::Conflict(
            "该记录已删除，不能修改；如需修改请先恢复".into(),
        ));
    }
    let (data, warnings) = checked(state, current.record.data.kind, &input)?;
    let row = state
        .ledger_store()
        .update_record(&unit.actor(), current.record.id, &data, version)
        .await?;
    Ok(Saved { row, warnings })
}

/// Soft deletion: the record leaves the lists and figures, stays restorable and audited.
pub async fn delete_record(state: &AppState, p: &Principal, rid: RecordId) -> Result<LedgerRow> {
    let (unit, row) = record_for(state, p, rid, Action::Write).await?;
    Ok(state
        .ledger_store()
        .delete_record(&unit.actor(), row.record.id)
        .await?)
}

pub async fn restore_record(state: &AppState, p: &Principal, rid: RecordId) -> Result<LedgerRow> {
    let (unit, row) = record_for(state, p, rid, Action::Write).await?;
    Ok(state
        .ledger_store()
        .restore_record(&unit.actor(), row.record.id)
        .await?)
}

// ---------------------------------------------------------------------------------------
// The year's dashboard

/// A unit's year: the figures, the framework's coverage, the rules broken and the number of
/// records of each kind; and what falls due within [`DUE_HORIZON_DAYS`] (or is overdue) among
/// all the unit's records, whatever their year — a suggestion of last year still unanswered
/// is due now.
pub struct Summary {
    pub unit: fazhi_store::Unit,
    pub year: i32,
    /// Years with records, and the asked year, newest first.
    pub years: Vec<i32>,
    pub statistics: Statistics,
    pub coverage: Vec<IndicatorCoverage>,
    pub violations: Vec<RecordViolation>,
    pub due: Vec<DueItem>,
    pub counts: BTreeMap<RecordKind, usize>,
}

/// The (not deleted) records of a unit, of one year or all.
async fn records_of(state: &AppState, unit_id: UnitId, year: Option<i32>) -> Result<Vec<Record>> {
    let page = state
        .ledger_store()
        .records(&LedgerQuery {
            unit_id,
            year,
            limit: 0,
            ..LedgerQuery::default()
        })
        .await?;
    Ok(page.items.into_iter().map(|r| r.record).collect())
}

fn check_year_range(year: i32) -> Result<()> {
    fazhi_domain::ReportYear::check(year).map_err(Error::BadRequest)
}

/// The year a unit's ledger opens on: its newest year with records, else this year.
pub async fn default_year(state: &AppState, p: &Principal, unit_id: UnitId) -> Result<i32> {
    use chrono::Datelike;
    unit_allowing(state, p, unit_id, Action::Read).await?;
    Ok(
        match state.ledger_store().ledger_years(unit_id).await?.first() {
            Some(y) => *y,
            None => today().year(),
        },
    )
}

pub async fn summary(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: i32,
) -> Result<Summary> {
    check_year_range(year)?;
    let unit = unit_allowing(state, p, unit_id, Action::Read)
        .await?
        .into_unit();
    let all = records_of(state, unit_id, None).await?;
    let records: Vec<Record> = all
        .iter()
        .filter(|r| r.data.year == year)
        .cloned()
        .collect();
    let mut years = state.ledger_store().ledger_years(unit_id).await?;
    if !years.contains(&year) {
        years.push(year);
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let ctx = state.ledger.rules(today());
    let mut counts: BTreeMap<RecordKind, usize> = BTreeMap::new();
    for r in &records {
        *counts.entry(r.data.kind).or_default() += 1;
    }
    Ok(Summary {
        statistics: statistics(&records, year, &ctx),
        coverage: coverage(&state.ledger.framework, &records),
        violations: check_year(&records, year, &ctx),
        due: due_items(&all, &ctx, DUE_HORIZON_DAYS),
        counts,
        unit,
        year,
        years,
    })
}

/// One figure of a unit's year and the records behind it (in list order), with the unit.
pub async fn figure_records(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    year: i32,
    key: &str,
) -> Result<(fazhi_store::Unit, Figure, Vec<LedgerRow>)> {
    check_year_range(year)?;
    let unit = unit_allowing(state, p, unit_id, Action::Read)
        .await?
        .into_unit();
    let records = records_of(state, unit_id, Some(year)).await?;
    let stats = statistics(&records, year, &state.ledger.rules(today()));
    let figure = stats
        .figure(key)
        .cloned()
        .ok_or(Error::NotFound("统计项"))?;
    if figure.record_ids.is_empty() {
        return Ok((unit, figure, Vec::new()));
    }
    let rows = state
        .ledger_store()
        .records(&LedgerQuery {
            unit_id,
            ids: Some(figure.record_ids.clone()),
            limit: 0,
            ..LedgerQuery::default()
        })
        .await?;
    Ok((unit, figure, rows.items))
}

// ---------------------------------------------------------------------------------------
// Excel in and out

/// The unit's name as file names use it (the short name when it has one).
fn file_unit_name(unit: &fazhi_store::Unit) -> String {
    let name = if unit.short_name.trim().is_empty() {
        &unit.name
    } else {
        &unit.short_name
    };
    name.chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .collect()
}

/// The XLSX template of a kind for a unit to fill in: `市科工局-学法台账-导入模板.xlsx`.
pub async fn template(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    kind: RecordKind,
) -> Result<(Vec<u8>, String)> {
    let unit = unit_allowing(state, p, unit_id, Action::Read)
        .await?
        .into_unit();
    let bytes = fazhi_sheet::ledger::template_xlsx_for(kind, &state.ledger.framework)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let name = format!(
        "{}-{}台账-导入模板.xlsx",
        file_unit_name(&unit),
        kind.label()
    );
    Ok((bytes, name))
}

/// The records of the list's filters (all of them, `q.limit` ignored) as a file in the
/// import's format: `市科工局-学法台账-2025.xlsx`.
pub async fn export(
    state: &AppState,
    p: &Principal,
    q: &LedgerQuery,
    format: fazhi_sheet::Format,
) -> Result<(Vec<u8>, String)> {
    let kind = q
        .kind
        .ok_or_else(|| Error::BadRequest("导出须指定台账类别".into()))?;
    let unit = unit_allowing(state, p, q.unit_id, Action::Read)
        .await?
        .into_unit();
    let mut q = q.clone();
    q.offset = 0;
    q.limit = 0;
    let rows = state.ledger_store().records(&q).await?;
    let records: Vec<Record> = rows.items.into_iter().map(|r| r.record).collect();
    let bytes = match format {
        fazhi_sheet::Format::Xlsx => {
            fazhi_sheet::ledger::export_xlsx(kind, &records, &state.ledger.framework)
                .map_err(|e| Error::Internal(e.to_string()))?
        }
        fazhi_sheet::Format::Csv => {
            fazhi_sheet::ledger::export_csv(kind, &records, &state.ledger.framework)
        }
    };
    let year = q.year.map(|y| format!("-{y}")).unwrap_or_default();
    let name = format!(
        "{}-{}台账{year}.{}",
        file_unit_name(&unit),
        kind.label(),
        format.extension()
    );
    Ok((bytes, name))
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub count: u64,
}

/// Imports a filled template or an export: every row parsed and checked by the rules, rows
/// that repeat a record the unit already has are refused as duplicates, and a file with any
/// bad row imports nothing ([`Error::ImportRows`] lists every one). `default_year` is the
/// year of rows whose 年度 cell is empty.
pub async fn import(
    state: &AppState,
    p: &Principal,
    unit_id: UnitId,
    kind: RecordKind,
    default_year: i32,
    filename: &str,
    bytes: &[u8],
) -> Result<ImportOutcome> {
    let unit = unit_allowing(state, p, unit_id, Action::Write).await?;
    check_year_range(default_year)?;
    check_file(state, bytes)?;
    let limits = fazhi_sheet::Limits {
        max_bytes: state.config.max_upload_bytes,
        ..fazhi_sheet::Limits::default()
    };
    let ledger = state.ledger.clone();
    let name = filename.to_string();
    let owned = bytes.to_vec();
    // Reading and checking ten thousand rows is CPU work: off the async threads, and at
    // most as many at once as there are file slots.
    let slot = super::files::file_slot(state).await?;
    let parsed = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let rows = fazhi_sheet::ledger::parse_import(
            kind,
            &owned,
            &name,
            default_year,
            &ledger.framework,
            &limits,
        )?;
        // What the sheet's parser does not know of: the procedure rules' refusals.
        let ctx = ledger.rules(today());
        let mut problems = Vec::new();
        for row in &rows {
            for v in check_record(&row.data, &ctx)
                .into_iter()
                .filter(|v| v.refuse)
            {
                problems.push(RowProblem {
                    line: row.line,
                    column: String::new(),
                    message: crate::error::violation_text(&v),
                });
            }
        }
        Ok::<_, fazhi_sheet::ledger::LedgerSheetError>((rows, problems))
    })
    .await
    .map_err(|e| Error::Internal(format!("导入任务异常：{e}")))?;
    let (rows, mut problems) = match parsed {
        Ok(x) => x,
        Err(fazhi_sheet::ledger::LedgerSheetError::Rows(rows)) => {
            return Err(Error::ImportRows(rows))
        }
        Err(e) => return Err(Error::BadRequest(e.to_string())),
    };
    if rows.is_empty() {
        return Err(Error::BadRequest("文件中没有可导入的记录".into()));
    }

    // A row identical to a record the unit already keeps (same year and fields) would count
    // the same work twice: importing the same file again imports nothing and says why.
    let existing = state
        .ledger_store()
        .records(&LedgerQuery {
            unit_id,
            kind: Some(kind),
            limit: 0,
            ..LedgerQuery::default()
        })
        .await?;
    let mut known: HashMap<(i32, String), RecordId> = HashMap::new();
    for r in existing.items.iter().filter(|r| r.deleted_at.is_none()) {
        known
            .entry((r.record.data.year, r.record.data.fields.to_json()))
            .or_insert(r.record.id);
    }
    for row in &rows {
        if let Some(id) = known.get(&(row.data.year, row.data.fields.to_json())) {
            problems.push(RowProblem {
                line: row.line,
                column: String::new(),
                message: format!("与已有记录重复（编号 {id}）"),
            });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Error::ImportRows(problems));
    }
    let data: Vec<RecordData> = rows.into_iter().map(|r| r.data).collect();
    let count = state
        .ledger_store()
        .import_records(&unit.actor(), unit.id(), &data)
        .await?;
    Ok(ImportOutcome { count })
}

// ---------------------------------------------------------------------------------------
// Attachments

/// Adds a file to a record (not a deleted one), within the upload size.
pub async fn add_attachment(
    state: &AppState,
    p: &Principal,
    rid: RecordId,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let (unit, row) = record_for(state, p, rid, Action::Write).await?;
    if row.deleted_at.is_some() {
        return Err(Error::Conflict("该记录已删除，不能添加附件".into()));
    }
    check_file(state, bytes)?;
    let content_type = match content_type.trim() {
        "" => "application/octet-stream",
        t => t,
    };
    Ok(state
        .ledger_store()
        .add_attachment(
            &unit.actor(),
            row.record.id,
            &clean_filename(filename),
            content_type,
            bytes,
        )
        .await?)
}

/// An attachment and its bytes with a check of `action` on its record: 404 when it does not
/// exist or the person may not read the record, 403 when he reads it but may not do `action`.
async fn attachment_for<'a>(
    state: &AppState,
    p: &'a Principal,
    aid: AttachmentId,
    action: Action,
) -> Result<(UnitAccess<'a>, Attachment, Vec<u8>)> {
    let (att, bytes) = match state.ledger_store().attachment(aid).await {
        Ok(x) => x,
        Err(fazhi_store::StoreError::NotFound(_)) => return Err(Error::NotFound("附件")),
        Err(e) => return Err(e.into()),
    };
    let (unit, _) = record_for(state, p, att.record_id, action)
        .await
        .map_err(|e| match e {
            Error::NotFound(_) => Error::NotFound("附件"),
            e => e,
        })?;
    Ok((unit, att, bytes))
}

/// An attachment and its bytes, for whoever reads its record (404 otherwise).
pub async fn attachment(
    state: &AppState,
    p: &Principal,
    aid: AttachmentId,
) -> Result<(Attachment, Vec<u8>)> {
    let (_, att, bytes) = attachment_for(state, p, aid, Action::Read).await?;
    Ok((att, bytes))
}

/// Removes an attachment from its record (the store keeps the file for the audit); returns
/// what was removed, so the page can go back to its record.
pub async fn delete_attachment(
    state: &AppState,
    p: &Principal,
    aid: AttachmentId,
) -> Result<Attachment> {
    let (unit, att, _) = attachment_for(state, p, aid, Action::Write).await?;
    state
        .ledger_store()
        .delete_attachment(&unit.actor(), att.id)
        .await?;
    Ok(att)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_domain::RegionId;

    fn input(year: i32, fields: &[(&str, &str)], indicators: &[&str]) -> RecordInput {
        RecordInput {
            year,
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            indicators: indicators.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A 2025 study session on `date` (集中学法, 民法典) with the chosen `indicators`.
    fn study(date: &str, indicators: &[&str]) -> RecordInput {
        input(
            2025,
            &[("date", date), ("form", "集中学法"), ("topic", "民法典")],
            indicators,
        )
    }

    #[test]
    fn a_record_without_indicators_gets_its_kinds_defaults() {
        let ctx = LedgerContext::builtin();
        let data =
            parse_input(&ctx, RecordKind::Study, &study("2025年3月6日", &[" ", ""])).unwrap();
        assert_eq!(data.indicators, ["thought", "leadership.capacity"]);
        assert_eq!(data.fields.display("date"), "2025-03-06");
    }

    #[test]
    fn chosen_indicators_are_trimmed_and_kept_once() {
        let ctx = LedgerContext::builtin();
        let data = parse_input(
            &ctx,
            RecordKind::Study,
            &study(
                "2025-03-06",
                &[" decision.procedure", "decision.procedure", "thought"],
            ),
        )
        .unwrap();
        assert_eq!(data.indicators, ["decision.procedure", "thought"]);
    }

    #[test]
    fn year_fields_and_indicators_are_all_reported_at_once() {
        let ctx = LedgerContext::builtin();
        let errors = parse_input(
            &ctx,
            RecordKind::Study,
            &input(
                1999,
                &[("date", "明天")],
                &["thought", "no.such", "nor.this"],
            ),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["year", "date", "form", "topic", "indicators"]);
        let indicators = errors.last().unwrap();
        assert!(
            indicators.message.contains("no.such、nor.this"),
            "{indicators:?}"
        );
    }

    #[test]
    fn too_many_indicators_are_refused_with_the_limit() {
        let codes: Vec<String> = (0..=MAX_INDICATORS).map(|i| format!("n{i}")).collect();
        let toml: String = std::iter::once("name = \"测试\"\n".to_string())
            .chain(codes.iter().enumerate().map(|(i, c)| {
                format!("[[node]]\ncode = \"{c}\"\norder = {i}\nname = \"指标{i}\"\n")
            }))
            .collect();
        let ctx = LedgerContext {
            framework: Framework::from_toml(&toml).unwrap(),
            ..LedgerContext::builtin()
        };
        let e = indicators_of(&ctx, RecordKind::Study, &codes).unwrap_err();
        assert!(e.message.contains(&MAX_INDICATORS.to_string()), "{e:?}");
    }

    #[test]
    fn file_names_use_the_short_name_without_path_characters() {
        let unit = |name: &str, short: &str| fazhi_store::Unit {
            id: UnitId(1),
            region_id: RegionId(1),
            code: "1".into(),
            name: name.into(),
            short_name: short.into(),
            kind: fazhi_domain::UnitKind::Department,
            region_path: vec![RegionId(1)],
        };
        assert_eq!(
            file_unit_name(&unit("某市科学技术局", "市科工局")),
            "市科工局"
        );
        assert_eq!(file_unit_name(&unit("某市/科技局", " ")), "某市科技局");
    }

    #[test]
    fn today_is_the_date_in_china() {
        let utc = chrono::Utc::now().date_naive();
        let d = today();
        assert!(d == utc || d == utc.succ_opt().unwrap(), "{d} vs {utc}");
    }
}
