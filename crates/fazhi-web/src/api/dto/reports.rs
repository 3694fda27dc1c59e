//! Reports: uploads, checked results, the supervisor's overview, the public list.

use super::*;

/// 上传文件的状态：checked 已读取并审查；failed 无法读取（error 说明原因）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UploadStatus {
    Checked,
    Failed,
}

impl From<s::UploadStatus> for UploadStatus {
    fn from(st: s::UploadStatus) -> Self {
        match st {
            s::UploadStatus::Checked => UploadStatus::Checked,
            s::UploadStatus::Failed => UploadStatus::Failed,
        }
    }
}

/// 一次上传（不含原文件和审查详情）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadSummary {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// 报告年度。
    pub year: i32,
    pub filename: String,
    /// 报告标题（识别不到时为文件名）。
    pub title: String,
    /// 原文件的 SHA-256（十六进制）。
    pub sha256: String,
    /// 原文件字节数。
    pub size: i64,
    pub status: UploadStatus,
    /// 无法读取时的原因。
    pub error: Option<String>,
    /// 得分（0—100）；无法读取时为 null。
    pub score: Option<i32>,
    /// 错误类审查意见数。
    pub errors: i32,
    /// 警告类审查意见数。
    pub warnings: i32,
    /// 提示类审查意见数。
    pub infos: i32,
    /// 上传人账号编号（公众查看时省略）。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<i64>,
    /// 上传人登录名（公众查看时省略）。
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_by_login: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    /// 公开发布时间；未发布为 null。
    pub published_at: Option<DateTime<Utc>>,
}

impl UploadSummary {
    /// As the unit's people and supervisors see it.
    pub fn internal(u: &s::UploadSummary) -> Self {
        UploadSummary {
            id: u.id.0,
            unit_id: u.unit_id.0,
            unit_name: u.unit_name.clone(),
            year: u.year,
            filename: u.filename.clone(),
            title: u.title.clone(),
            sha256: u.sha256.clone(),
            size: u.size,
            status: u.status.into(),
            error: u.error.clone(),
            score: u.score,
            errors: u.errors,
            warnings: u.warnings,
            infos: u.infos,
            uploaded_by: u.uploaded_by.map(|v| v.0),
            uploaded_by_login: Some(u.uploaded_by_login.clone()),
            uploaded_at: u.uploaded_at,
            published_at: u.published_at,
        }
    }

    /// As the public sees a published report: without who uploaded it.
    pub fn public(u: &s::UploadSummary) -> Self {
        UploadSummary {
            uploaded_by: None,
            uploaded_by_login: None,
            ..UploadSummary::internal(u)
        }
    }
}

/// 某单位的上传记录。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnitUploads {
    pub unit: Unit,
    /// 最新的在前。
    pub uploads: Vec<UploadSummary>,
}

/// 按年度筛选。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// 报告年度；省略时列出全部年度。
    pub year: Option<i32>,
}

/// 上传年度报告（multipart/form-data）。
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the form for the OpenAPI document; the handler reads the parts.
pub struct UploadForm {
    /// 报告年度（2000—2100）。
    pub year: i32,
    /// 报告文件：.docx、.pdf、.txt（UTF-8 或 GBK）、.html。
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}

/// 一次上传及其完整审查结果。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadDetail {
    pub upload: UploadSummary,
    pub unit: Unit,
    /// 原文件的内容类型。
    pub content_type: String,
    /// 审查结果；文件无法读取时为 null。
    pub result: Option<ReportResult>,
}

/// 审查结果：报告的结构、五项内容的覆盖情况、数据、审查意见与得分（与命令行 `fazhi check
/// --json` 的输出同形）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportResult {
    /// 识别出的文件格式：txt、docx、pdf、html。
    pub format: String,
    /// 纯文本的编码（UTF-8、GB18030 等）。
    pub encoding: Option<String>,
    /// 体裁：rule_of_law_annual_report 法治政府建设年度报告；other 其他文件。
    pub genre: String,
    pub title: Option<String>,
    /// 报告单位（原文）。
    pub unit: Option<String>,
    /// 报告单位（规范化后）。
    pub unit_normalized: Option<String>,
    pub unit_in_title: bool,
    pub year: Option<i32>,
    pub year_in_title: bool,
    /// 发文字号。
    pub doc_number: Option<String>,
    /// 落款单位。
    pub signed_unit: Option<String>,
    /// 落款日期。
    pub signed_date: Option<NaiveDate>,
    /// 文中标注的发布日期。
    pub published_date: Option<NaiveDate>,
    /// 主送（如“市委、市政府：”）。
    pub salutation: Option<String>,
    /// 正文字数。
    pub body_chars: usize,
    /// 章节树。
    pub sections: Vec<Section>,
    pub coverage: Coverage,
    /// 文中的数据（次数、比例、学时等）。
    pub facts: Vec<Fact>,
    /// 审查意见。
    pub findings: Vec<Finding>,
    pub counts: Counts,
    pub score: Score,
}

/// 报告事项：measures 主要举措和成效；shortcomings 存在的不足和原因；first_responsible
/// 第一责任人履职情况；next_year 下一年度主要安排；other 其他需要报告的情况；thought
/// 学习贯彻习近平法治思想等。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Measures,
    Shortcomings,
    FirstResponsible,
    NextYear,
    Other,
    Thought,
}

/// 章节。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Section {
    /// 序号（不含标点），如“一”。
    pub number: String,
    /// 序号的书写形式，如“一、”“（一）”。
    pub display: String,
    /// 编号样式：part、chinese、chinese_paren、arabic、arabic_paren、enumeration。
    pub style: String,
    /// 是否为编号标题（“一是”式标题为 false）。
    pub numbered: bool,
    pub title: Option<String>,
    /// 章节对应的报告事项。
    pub part: Option<Part>,
    /// 标题所在段落的序号。
    pub block: usize,
    #[schema(no_recursion)]
    pub children: Vec<Section>,
}

/// 覆盖程度：section 独立章节；subsection 仅子标题；missing 缺失。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoverageLevel {
    Section,
    Subsection,
    Missing,
}

/// 五项必报内容的覆盖情况。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    pub measures: CoverageLevel,
    pub shortcomings: CoverageLevel,
    pub first_responsible: CoverageLevel,
    pub next_year: CoverageLevel,
    pub other: CoverageLevel,
}

/// 在报告中的位置。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Location {
    /// 段落序号。
    pub block: Option<usize>,
    /// 章节路径，如“二、（一）”。
    pub section: Option<String>,
    /// 相关原文摘录。
    pub quote: Option<String>,
}

/// 文中陈述的一个数量。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Fact {
    /// 原文，如“10余次”。
    pub text: String,
    #[schema(value_type = f64)]
    pub value: serde_json::Number,
    /// 是否为约数（余、多、近、约）。
    pub approx: bool,
    /// 是否为下限（不少于、至少、以上）。
    pub minimum: bool,
    /// 量词或单位。
    pub measure: String,
    /// 计数的对象。
    pub subject: Option<String>,
    pub location: Location,
}

/// 严重程度：error 错误；warning 警告；info 提示。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// 审查意见：哪条规则、依据什么、在哪里、怎么改。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Finding {
    /// 规则代码。
    pub rule: String,
    pub severity: Severity,
    pub part: Option<Part>,
    /// 依据（法规或文件）。
    pub basis: String,
    /// 问题及修改建议。
    pub message: String,
    pub location: Location,
}

/// 各严重程度的审查意见数。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

/// 得分及其构成。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Score {
    /// 总分（0—100）。
    pub total: u32,
    pub items: Vec<ScoreItem>,
}

/// 得分项。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScoreItem {
    pub key: String,
    pub label: String,
    #[schema(value_type = f64)]
    pub points: serde_json::Number,
    #[schema(value_type = f64)]
    pub max: serde_json::Number,
    /// 计分说明。
    pub explanation: String,
}

impl ReportResult {
    /// The typed form of the report engine's one JSON rendering of a checked report.
    pub fn from_checked(
        filename: &str,
        checked: &fazhi_report::Checked,
    ) -> crate::Result<ReportResult> {
        let value = fazhi_report::render::json::to_value(filename, checked);
        serde_json::from_value(value)
            .map_err(|e| crate::Error::Internal(format!("审查结果格式不符：{e}")))
    }
}

/// 督察员的单位总览：查询条件。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// 报告年度；省略时为最近有上传的年度。
    pub year: Option<i32>,
    /// 排序：name（默认）、region、score、findings、uploaded_at。
    pub sort: Option<OverviewSort>,
    /// 是否倒序。
    pub desc: Option<bool>,
    /// 按单位名称或简称筛选。
    pub q: Option<String>,
    /// 跳过的条数（默认 0）。
    pub offset: Option<u32>,
    /// 每页条数（1—500，默认 50）。
    pub limit: Option<u32>,
}

/// 单位总览的排序方式。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OverviewSort {
    Name,
    Region,
    Score,
    Findings,
    UploadedAt,
}

impl From<OverviewSort> for s::UnitSort {
    fn from(o: OverviewSort) -> Self {
        match o {
            OverviewSort::Name => s::UnitSort::Name,
            OverviewSort::Region => s::UnitSort::Region,
            OverviewSort::Score => s::UnitSort::Score,
            OverviewSort::Findings => s::UnitSort::Findings,
            OverviewSort::UploadedAt => s::UnitSort::UploadedAt,
        }
    }
}

/// 单位总览的一行：单位及其该年度最新一次上传。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewRow {
    pub unit: Unit,
    pub region_name: String,
    pub latest: Option<UploadSummary>,
    /// 该年度的上传次数。
    pub uploads: i64,
}

/// 单位总览（一页）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OverviewPage {
    pub year: i32,
    /// 符合条件的单位总数。
    pub total: i64,
    pub items: Vec<OverviewRow>,
}

/// 分页参数。
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 跳过的条数（默认 0）。
    pub offset: Option<u32>,
    /// 每页条数（1—100，默认 20）。
    pub limit: Option<u32>,
}

/// 已公开发布的报告（一页）。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublishedPage {
    pub total: i64,
    pub items: Vec<UploadSummary>,
}
