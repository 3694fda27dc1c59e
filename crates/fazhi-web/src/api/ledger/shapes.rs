//! The ledger's shapes under `/api/v1` (published API documentation, hence in Chinese).

use super::*;

/// 台账的一个字段。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerField {
    /// 字段键（请求和响应中 fields 的键）。
    pub key: String,
    /// 中文名称（表单标签、模板表头）。
    pub label: String,
    /// 类型：text 单行文字；long_text 多行文字；date 日期（YYYY-MM-DD）；count 非负整数；
    /// hours 学时（非负，最多一位小数）；bool 是/否；choice 从 choices 中选一项；
    /// list 多项（数组，或以顿号、逗号、分号、换行分隔的文字）。
    #[serde(rename = "type")]
    pub field_type: String,
    /// choice 类型的可选值；其他类型为空。
    pub choices: Vec<String>,
    pub required: bool,
    /// 填写说明；没有时为空字符串。
    pub help: String,
}

/// 一类台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerKind {
    /// 类别代码（路径中的 {kind}），如 study。
    pub code: String,
    /// 中文名称，如“学法”。
    pub label: String,
    pub fields: Vec<LedgerField>,
    /// 作为记录标题的字段。
    pub title_field: String,
    /// 记录归档所依据的日期字段（列表按其排序）；没有时为空。
    pub date_field: Option<String>,
    /// 未选择指标时记录关联的默认指标代码。
    pub default_indicators: Vec<String>,
}

/// 指标体系的一个指标。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerIndicator {
    /// 稳定的指标代码，如 decision.procedure。
    pub code: String,
    /// 上级指标代码；一级指标为空。
    pub parent: Option<String>,
    pub name: String,
    /// 层级（0 为一级指标）。
    pub depth: usize,
}

/// 指标体系。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFramework {
    pub name: String,
    /// 所依据的文件。
    pub document: String,
    /// 全部指标，按树的先序排列（上级在前，同级按顺序）。
    pub indicators: Vec<LedgerIndicator>,
}

/// 台账的类别目录与指标体系。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerCatalogue {
    pub kinds: Vec<LedgerKind>,
    pub framework: LedgerFramework,
}

/// 台账记录的附件。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerAttachment {
    pub id: i64,
    pub record_id: i64,
    pub filename: String,
    pub content_type: String,
    /// 文件内容的 SHA-256（十六进制）。
    pub sha256: String,
    /// 字节数。
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&fazhi_store::Attachment> for LedgerAttachment {
    fn from(a: &fazhi_store::Attachment) -> Self {
        LedgerAttachment {
            id: a.id.0,
            record_id: a.record_id.0,
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            sha256: a.sha256.clone(),
            size: a.size,
            created_at: a.created_at,
        }
    }
}

/// 一条台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerRecord {
    pub id: i64,
    pub unit_id: i64,
    /// 类别代码。
    pub kind: String,
    /// 类别的中文名称。
    pub kind_label: String,
    /// 记录计入的年度。
    pub year: i32,
    /// 记录标题（标题字段，最多 60 字）。
    pub title: String,
    /// 字段值（按字段类型：日期为 "YYYY-MM-DD"，数量和学时为数字，是/否为布尔值，
    /// 多项为字符串数组，其余为字符串）；空字段省略。
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// 各字段显示的文字（与 Excel 导出一致）。
    pub fields_text: BTreeMap<String, String>,
    /// 关联的指标代码。
    pub indicators: Vec<String>,
    /// 版本号：修改时须带上读取时的版本，以免覆盖他人的修改。
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    /// 删除时间；未删除时为空。
    pub deleted_at: Option<DateTime<Utc>>,
    pub attachments: Vec<LedgerAttachment>,
}

impl From<&fazhi_store::LedgerRow> for LedgerRecord {
    fn from(row: &fazhi_store::LedgerRow) -> Self {
        let r = &row.record;
        let fields = r
            .data
            .fields
            .0
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
            .collect();
        let fields_text = r
            .data
            .fields
            .0
            .iter()
            .map(|(k, v)| (k.clone(), v.display()))
            .collect();
        LedgerRecord {
            id: r.id.0,
            unit_id: r.unit_id.0,
            kind: r.data.kind.code().to_string(),
            kind_label: r.data.kind.label().to_string(),
            year: r.data.year,
            title: r.title(),
            fields,
            fields_text,
            indicators: r.data.indicators.clone(),
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by.clone(),
            updated_at: row.updated_at,
            updated_by: row.updated_by.clone(),
            deleted_at: row.deleted_at,
            attachments: row.attachments.iter().map(LedgerAttachment::from).collect(),
        }
    }
}

/// 未遵循的法定程序。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerViolation {
    /// 稳定的规则代码，如 decision-before-legality-review。
    pub rule: String,
    /// 规则的法律依据。
    pub basis: String,
    /// 问题和处理办法。
    pub message: String,
    /// 是否阻止保存（法律禁止的情形）；否则只是提醒。
    pub refuse: bool,
}

impl From<&fazhi_domain::Violation> for LedgerViolation {
    fn from(v: &fazhi_domain::Violation) -> Self {
        LedgerViolation {
            rule: v.rule.to_string(),
            basis: v.basis.to_string(),
            message: v.message.clone(),
            refuse: v.refuse,
        }
    }
}

/// 已保存的记录，以及未阻止保存的程序提醒。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SavedRecord {
    pub record: LedgerRecord,
    pub warnings: Vec<LedgerViolation>,
}

impl From<&ledger::Saved> for SavedRecord {
    fn from(s: &ledger::Saved) -> Self {
        SavedRecord {
            record: LedgerRecord::from(&s.row),
            warnings: s.warnings.iter().map(LedgerViolation::from).collect(),
        }
    }
}

/// 一页台账记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerPage {
    /// 符合条件的记录总数。
    pub total: i64,
    pub items: Vec<LedgerRecord>,
}

/// 新建台账记录。
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLedgerRecord {
    /// 记录计入的年度。
    pub year: i32,
    /// 字段值，键见 GET /ledger/kinds：字符串（日期 "2025-03-01"、"2025年3月1日" 等写法均可，
    /// 是/否 可写“是”“否”）、数字、布尔值或字符串数组。
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// 关联的指标代码；省略或为空时使用该类别的默认指标。
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// 修改台账记录（整条替换：未给出的字段将被清空）。
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LedgerRecordUpdate {
    pub year: i32,
    #[schema(value_type = Object)]
    pub fields: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub indicators: Vec<String>,
    /// 读取记录时的版本号；其后记录已被他人修改的，返回 409。
    pub version: i64,
}

/// 台账列表的筛选条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerListQuery {
    /// 年度；省略时为全部年度。
    pub year: Option<i32>,
    /// 任一字段包含的文字。
    pub q: Option<String>,
    /// 指标代码（含其下级指标）。
    pub indicator: Option<String>,
    /// 记录日期不早于（YYYY-MM-DD）。
    pub from: Option<NaiveDate>,
    /// 记录日期不晚于（YYYY-MM-DD）。
    pub until: Option<NaiveDate>,
    /// true 时只列出已删除的记录。
    pub deleted: Option<bool>,
    /// 跳过的条数。
    pub offset: Option<u32>,
    /// 每页条数（默认 50，最多 1000）。
    pub limit: Option<u32>,
}

/// 台账导出的参数（筛选条件同列表，导出全部符合条件的记录）。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerExportQuery {
    /// 年度；省略时为全部年度。
    pub year: Option<i32>,
    /// 任一字段包含的文字。
    pub q: Option<String>,
    /// 指标代码（含其下级指标）。
    pub indicator: Option<String>,
    /// 记录日期不早于（YYYY-MM-DD）。
    pub from: Option<NaiveDate>,
    /// 记录日期不晚于（YYYY-MM-DD）。
    pub until: Option<NaiveDate>,
    /// true 时只导出已删除的记录。
    pub deleted: Option<bool>,
    /// 文件格式：xlsx（默认，可修改后再导入）或 csv（UTF-8 带 BOM）。
    pub format: Option<SheetFormat>,
}

/// 年度参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerYearQuery {
    /// 年度；省略时为本单位有台账的最近年度（没有时为今年）。
    pub year: Option<i32>,
}

/// 导入的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerImportQuery {
    /// “年度”一栏为空的行计入的年度；省略时为今年。
    pub year: Option<i32>,
    /// 文件名（据扩展名 .xlsx / .csv 识别格式；省略时按 Content-Type 和文件内容识别）。
    pub filename: Option<String>,
}

/// 附件上传的参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachmentQuery {
    /// 附件的文件名。
    pub filename: String,
}

/// 导入的结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerImportResult {
    /// 导入的记录数。
    pub count: u64,
}

/// 一项统计数据。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFigure {
    /// 稳定的统计项代码，如 study.total。
    pub key: String,
    /// 所属台账类别代码。
    pub kind: String,
    /// 中文名称，如“党组会学法”。
    pub label: String,
    pub value: f64,
    /// 计量单位：次、件、名、学时、%、人次、家、份、条、项。
    pub unit: String,
    /// 显示的文字，如“11 次”“100%”。
    pub text: String,
    /// 该数据所依据的记录编号。
    pub record_ids: Vec<i64>,
}

/// 一个指标的覆盖情况。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerCoverage {
    pub code: String,
    pub name: String,
    /// 层级（0 为一级指标）。
    pub depth: usize,
    /// 关联该指标（一级指标含其下级）的记录编号；为空即尚无台账支撑。
    pub record_ids: Vec<i64>,
}

/// 年度内的程序问题，及涉及的记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerYearViolation {
    /// 台账类别代码。
    pub kind: String,
    pub record_ids: Vec<i64>,
    pub violation: LedgerViolation,
}

/// 到期或已逾期的事项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerDueItem {
    pub record_id: i64,
    pub kind: String,
    pub title: String,
    /// 期限名称，如“答复期限”。
    pub what: String,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// 单位年度台账概况：统计数据、指标覆盖、程序问题、30 日内到期事项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerSummary {
    pub unit: Unit,
    pub year: i32,
    /// 有台账的年度（含所查年度），最近的在前。
    pub years: Vec<i32>,
    pub figures: Vec<LedgerFigure>,
    pub coverage: Vec<LedgerCoverage>,
    pub violations: Vec<LedgerYearViolation>,
    pub due: Vec<LedgerDueItem>,
    /// 各类别的记录数（类别代码 → 条数；没有记录的类别省略）。
    pub counts: BTreeMap<String, usize>,
}

impl From<&ledger::Summary> for LedgerSummary {
    fn from(s: &ledger::Summary) -> Self {
        LedgerSummary {
            unit: Unit::from(&s.unit),
            year: s.year,
            years: s.years.clone(),
            figures: s
                .statistics
                .figures
                .iter()
                .map(|f| LedgerFigure {
                    key: f.key.clone(),
                    kind: f.kind.code().to_string(),
                    label: f.label.clone(),
                    value: f.value,
                    unit: f.unit.to_string(),
                    text: f.text.clone(),
                    record_ids: f.record_ids.iter().map(|v| v.0).collect(),
                })
                .collect(),
            coverage: s
                .coverage
                .iter()
                .map(|c| LedgerCoverage {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    depth: c.depth,
                    record_ids: c.record_ids.iter().map(|v| v.0).collect(),
                })
                .collect(),
            violations: s
                .violations
                .iter()
                .map(|v| LedgerYearViolation {
                    kind: v.kind.code().to_string(),
                    record_ids: v.record_ids.iter().map(|v| v.0).collect(),
                    violation: LedgerViolation::from(&v.violation),
                })
                .collect(),
            due: s
                .due
                .iter()
                .map(|d| LedgerDueItem {
                    record_id: d.record_id.0,
                    kind: d.kind.code().to_string(),
                    title: d.title.clone(),
                    what: d.what.clone(),
                    due: d.due,
                    overdue: d.overdue,
                })
                .collect(),
            counts: s
                .counts
                .iter()
                .map(|(k, n)| (k.code().to_string(), *n))
                .collect(),
        }
    }
}

/// 字段有误的一项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerFieldError {
    /// 字段键；年度为 year，指标为 indicators。
    pub field: String,
    pub message: String,
}

/// 导入文件中有误的一处。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerRowProblem {
    /// 行号（与表格软件显示的一致）。
    pub line: usize,
    /// 有误的列（表头名称）；涉及整行时为空字符串。
    pub column: String,
    pub message: String,
}

/// 台账操作出错时的响应体：在通用的 error、message 之外，字段有误时带 fields，
/// 违反法定程序被拒绝时带 violations，导入有误时带 rows（每一处有误的行）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LedgerErrorResponse {
    /// fields 字段有误；refused 违反法定程序；rows 导入文件有误；以及通用的错误代码。
    pub error: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<LedgerFieldError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<LedgerViolation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<LedgerRowProblem>,
}
