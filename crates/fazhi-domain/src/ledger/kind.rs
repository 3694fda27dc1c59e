//! The kinds of ledger record and their fields, as data: forms, list columns, the XLSX
//! template, import validation and the API schema are all generated from this one catalogue,
//! so a field added here appears everywhere at once.

use serde::{Deserialize, Serialize};

/// The kind of a ledger record (台账记录的类别). `code()` is stable (URLs, API, stored rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 学法 (党组会学法, 理论学习中心组, 集中学法, 专题讲座, 旁听庭审).
    Study,
    /// 集体决策 (三重一大 / 班子会议).
    Collective,
    /// 重大行政决策 with its statutory steps.
    MajorDecision,
    /// 规范性文件.
    Normative,
    /// 执法人员 (执法证).
    Officer,
    /// 执法人员培训 (hours per officer).
    Training,
    /// 普法活动.
    Popularization,
    /// 建议提案 (人大代表建议, 政协提案).
    Suggestion,
    /// 政务公开 (主动公开事项, 五公开).
    Publication,
    /// 依申请公开.
    DisclosureRequest,
    /// 企业诉求.
    EnterpriseRequest,
    /// 政务服务事项 / 权责清单事项.
    ServiceItem,
    /// 执法检查与案件.
    Inspection,
    /// 行政复议与行政应诉.
    ReviewCase,
    /// 整改.
    Rectification,
}

/// The type of a field; values are parsed from text (forms, Excel cells) by
/// [`crate::ledger::parse_fields`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "choices", rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines.
    LongText,
    /// A calendar date (2025-03-01, 2025/3/1, 2025年3月1日, 2025.3.1, an Excel date).
    Date,
    /// A whole number ≥ 0.
    Count,
    /// A number ≥ 0, kept to one decimal (学时; “2学时” and “2小时” read as 2).
    Hours,
    /// 是 / 否.
    Bool,
    /// One of the listed words.
    Choice(&'static [&'static str]),
    /// Several items separated by 、，,；; or new lines.
    List,
}

/// One field of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FieldSpec {
    /// Stable key (JSON, form names).
    pub key: &'static str,
    /// The Chinese label (form label, column header of the template).
    pub label: &'static str,
    #[serde(rename = "field_type")]
    pub ty: FieldType,
    pub required: bool,
    /// Shown under the input; empty when none.
    pub help: &'static str,
}

const fn f(key: &'static str, label: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        key,
        label,
        ty,
        required: false,
        help: "",
    }
}

impl FieldSpec {
    /// The field must be filled.
    const fn required(self) -> FieldSpec {
        FieldSpec {
            required: true,
            ..self
        }
    }

    /// With a help text shown under the input.
    const fn help(self, help: &'static str) -> FieldSpec {
        FieldSpec { help, ..self }
    }
}

use FieldType::*;

pub const STUDY_FORMS: &[&str] = &[
    "党组会学法",
    "理论学习中心组学法",
    "集中学法",
    "专题讲座",
    "旁听庭审",
    "其他",
];
pub const MEETINGS: &[&str] = &["党组会议", "班子会议", "局（委）务会议", "常务会议", "其他"];
pub const THREE_ONE: &[&str] = &[
    "重大决策",
    "重要干部任免",
    "重大项目安排",
    "大额资金使用",
    "其他",
];
pub const CLEANUP: &[&str] = &["继续有效", "修改", "废止", "宣布失效", "未清理"];
pub const CAMPAIGNS: &[&str] = &[
    "宪法宣传周",
    "全民国家安全教育日",
    "安全生产月",
    "民法典宣传月",
    "知识产权宣传周",
    "科技活动周",
    "其他",
];
pub const SUGGESTION_KINDS: &[&str] = &["人大代表建议", "政协委员提案"];
pub const SATISFACTION: &[&str] = &["满意", "基本满意", "不满意", "未反馈"];
pub const FIVE_OPEN: &[&str] = &["决策公开", "执行公开", "管理公开", "服务公开", "结果公开"];
pub const DISCLOSURE_RESULTS: &[&str] = &[
    "予以公开",
    "部分公开",
    "不予公开",
    "信息不存在",
    "非本机关负责公开",
    "其他处理",
];
pub const REQUEST_CHANNELS: &[&str] = &["走访", "座谈会", "热线", "网上诉求", "其他"];
pub const SERVICE_LISTS: &[&str] = &["权责清单事项", "政务服务事项"];
pub const SERVICE_TYPES: &[&str] = &[
    "行政许可",
    "行政确认",
    "行政给付",
    "行政奖励",
    "行政检查",
    "行政处罚",
    "公共服务",
    "其他",
];
pub const INSPECTION_TYPES: &[&str] = &["执法检查", "行政处罚案件", "行政强制案件", "行政检查案件"];
pub const REVIEW_TYPES: &[&str] = &["行政复议", "行政应诉"];
pub const REVIEW_OUTCOMES: &[&str] = &[
    "审理中",
    "维持",
    "驳回",
    "撤销",
    "变更",
    "确认违法",
    "责令履行",
    "调解和解",
    "终止",
];
pub const RECTIFICATION_SOURCES: &[&str] = &[
    "上年度报告",
    "督察反馈",
    "考核评估",
    "审计监督",
    "自查",
    "其他",
];
pub const RECTIFICATION_STATUS: &[&str] = &["未开始", "整改中", "已完成"];

const STUDY: &[FieldSpec] = &[
    f("date", "日期", Date).required(),
    f("form", "学法形式", Choice(STUDY_FORMS)).required(),
    f("topic", "主题", Text).required(),
    f("laws", "学习法律法规", List).help("多部用顿号或分号分隔，如：宪法、行政处罚法"),
    f("attendees", "参加人数", Count),
    f("leader_present", "主要负责人参加", Bool),
    f("hours", "学时", Hours),
    f("note", "备注", LongText),
];

const COLLECTIVE: &[FieldSpec] = &[
    f("date", "会议日期", Date).required(),
    f("meeting", "会议类型", Choice(MEETINGS)).required(),
    f("matters", "议题", LongText).required(),
    f("category", "事项类别", Choice(THREE_ONE)).required(),
    f("participants", "参会人员", List),
    f("outcome", "决定结果", LongText),
];

const MAJOR_DECISION: &[FieldSpec] = &[
    f("title", "决策事项", Text).required(),
    f("catalogued", "列入年度决策事项目录", Bool),
    f("comment_from", "公开征求意见开始日期", Date),
    f("comment_to", "公开征求意见截止日期", Date),
    f("comment_short_reason", "缩短征求意见期限的理由", Text)
        .help("征求意见少于30日的，须在征求意见时说明理由"),
    f("expert_date", "专家论证日期", Date),
    f("risk_date", "风险评估日期", Date),
    f("review_sent", "送请合法性审查日期", Date),
    f("review_done", "合法性审查完成日期", Date),
    f("review_short_reason", "审查时间不足7个工作日的理由", Text)
        .help("合法性审查一般不少于7个工作日"),
    f("review_opinion", "合法性审查意见", LongText),
    f("discussed", "集体讨论决定日期", Date).help("须在合法性审查完成之后"),
    f("meeting", "讨论会议", Text),
    f("leader_conclusion", "行政首长决定意见", LongText).help("行政首长最后发表意见"),
    f("dissent", "不同意见（如实记录）", LongText),
    f("published", "决策公布日期", Date),
];

const NORMATIVE: &[FieldSpec] = &[
    f("title", "文件名称", Text).required(),
    f("doc_number", "文号", Text),
    f("drafted", "起草日期", Date),
    f("review_done", "合法性审核日期", Date),
    f("market", "涉及经营主体经济活动", Bool)
        .required()
        .help("涉及的，印发前须经公平竞争审查"),
    f("fair_review", "公平竞争审查日期", Date),
    f("deliberated", "集体审议日期", Date),
    f("issued", "印发日期", Date),
    f("filed", "报送备案日期", Date),
    f("published", "公布日期", Date),
    f("valid_until", "有效期至", Date),
    f("cleanup", "清理情况", Choice(CLEANUP)),
];

const OFFICER: &[FieldSpec] = &[
    f("name", "姓名", Text).required(),
    f("cert_no", "执法证号", Text).required(),
    f("authority", "发证机关", Text),
    f("valid_until", "证件有效期至", Date).required(),
    f("post", "执法岗位", Text),
];

const TRAINING: &[FieldSpec] = &[
    f("name", "姓名", Text).required(),
    f("cert_no", "执法证号", Text)
        .required()
        .help("与执法人员台账的执法证号一致"),
    f("date", "培训日期", Date).required(),
    f("topic", "培训内容", Text).required(),
    f("hours", "学时", Hours).required(),
    f("organizer", "组织单位", Text),
];

const POPULARIZATION: &[FieldSpec] = &[
    f("date", "活动日期", Date).required(),
    f("theme", "活动主题", Text).required(),
    f("campaign", "活动类型", Choice(CAMPAIGNS)).required(),
    f("place", "地点", Text),
    f("audience", "受众人次", Count),
    f("enterprises", "覆盖企业数", Count),
    f("materials", "发放资料（份）", Count),
    f("form", "活动形式", Text),
];

const SUGGESTION: &[FieldSpec] = &[
    f("category", "类别", Choice(SUGGESTION_KINDS)).required(),
    f("number", "编号", Text),
    f("title", "标题", Text).required(),
    f("proposer", "代表（委员）", Text),
    f("assigned", "交办日期", Date).required(),
    f("complex_reason", "延长答复的原因", Text)
        .help("涉及面广、处理难度大的，可在6个月内答复，须写明原因"),
    f("answered", "答复日期", Date),
    f("satisfaction", "代表委员意见", Choice(SATISFACTION)),
];

const PUBLICATION: &[FieldSpec] = &[
    f("date", "公开日期", Date).required(),
    f("category", "五公开类别", Choice(FIVE_OPEN)).required(),
    f("title", "公开内容", Text).required(),
    f("channel", "公开渠道", Text),
];

const DISCLOSURE_REQUEST: &[FieldSpec] = &[
    f("received", "收到申请日期", Date).required(),
    f("applicant", "申请人", Text),
    f("content", "申请内容", Text).required(),
    f("extended", "延长答复期限", Bool).help("经负责人同意并告知申请人的，可延长20个工作日"),
    f("replied", "答复日期", Date),
    f("result", "答复结果", Choice(DISCLOSURE_RESULTS)),
];

const ENTERPRISE_REQUEST: &[FieldSpec] = &[
    f("received", "收到日期", Date).required(),
    f("enterprise", "企业名称", Text).required(),
    f("content", "诉求内容", LongText).required(),
    f("channel", "来源", Choice(REQUEST_CHANNELS)),
    f("due", "办理时限", Date).help("按本地规定的办理时限填写"),
    f("resolved", "办结日期", Date),
    f("result", "办理结果", LongText),
];

const SERVICE_ITEM: &[FieldSpec] = &[
    f("name", "事项名称", Text).required(),
    f("list", "清单类别", Choice(SERVICE_LISTS)).required(),
    f("item_type", "事项类型", Choice(SERVICE_TYPES)).required(),
    f("guide", "已公布办事指南", Bool),
    f("flow_chart", "已公布流程图", Bool),
    f("updated", "最近调整日期", Date),
    f("handled", "年度办件量", Count),
];

const INSPECTION: &[FieldSpec] = &[
    f("date", "日期", Date).required(),
    f("category", "类别", Choice(INSPECTION_TYPES)).required(),
    f("subject", "检查对象或案由", Text).required(),
    f("result", "结果", LongText),
    f("publicized", "执法信息已公示", Bool),
    f("recorded", "全过程记录", Bool),
    f("legal_review", "重大执法决定法制审核", Bool),
];

const REVIEW_CASE: &[FieldSpec] = &[
    f("category", "类别", Choice(REVIEW_TYPES)).required(),
    f("case_no", "案号", Text),
    f("received", "收案日期", Date).required(),
    f("subject", "案由", Text).required(),
    f("decided", "决定（判决）日期", Date),
    f("outcome", "结果", Choice(REVIEW_OUTCOMES)),
    f("leader_appeared", "负责人出庭应诉", Bool).help("行政应诉案件填写"),
];

const RECTIFICATION: &[FieldSpec] = &[
    f("shortcoming", "存在的问题（不足）", LongText)
        .required()
        .help("可从上年度报告“存在的不足”中选取"),
    f("source", "问题来源", Choice(RECTIFICATION_SOURCES)).required(),
    f("source_year", "来源年度", Count),
    f("actions", "整改措施", LongText).required(),
    f("responsible", "责任科室（人）", Text),
    f("deadline", "整改时限", Date),
    f("status", "整改状态", Choice(RECTIFICATION_STATUS)).required(),
    f("completed", "完成日期", Date),
];

impl RecordKind {
    pub const ALL: [RecordKind; 15] = [
        RecordKind::Study,
        RecordKind::Collective,
        RecordKind::MajorDecision,
        RecordKind::Normative,
        RecordKind::Officer,
        RecordKind::Training,
        RecordKind::Popularization,
        RecordKind::Suggestion,
        RecordKind::Publication,
        RecordKind::DisclosureRequest,
        RecordKind::EnterpriseRequest,
        RecordKind::ServiceItem,
        RecordKind::Inspection,
        RecordKind::ReviewCase,
        RecordKind::Rectification,
    ];

    /// Stable code: URLs, the API, stored rows, file names.
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Study => "study",
            RecordKind::Collective => "collective",
            RecordKind::MajorDecision => "major_decision",
            RecordKind::Normative => "normative",
            RecordKind::Officer => "officer",
            RecordKind::Training => "training",
            RecordKind::Popularization => "popularization",
            RecordKind::Suggestion => "suggestion",
            RecordKind::Publication => "publication",
            RecordKind::DisclosureRequest => "disclosure_request",
            RecordKind::EnterpriseRequest => "enterprise_request",
            RecordKind::ServiceItem => "service_item",
            RecordKind::Inspection => "inspection",
            RecordKind::ReviewCase => "review_case",
            RecordKind::Rectification => "rectification",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Chinese name (menu, headings, sheet names).
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Study => "学法",
            RecordKind::Collective => "集体决策",
            RecordKind::MajorDecision => "重大行政决策",
            RecordKind::Normative => "规范性文件",
            RecordKind::Officer => "执法人员",
            RecordKind::Training => "执法培训",
            RecordKind::Popularization => "普法活动",
            RecordKind::Suggestion => "建议提案",
            RecordKind::Publication => "政务公开",
            RecordKind::DisclosureRequest => "依申请公开",
            RecordKind::EnterpriseRequest => "企业诉求",
            RecordKind::ServiceItem => "政务服务事项",
            RecordKind::Inspection => "执法检查与案件",
            RecordKind::ReviewCase => "行政复议与应诉",
            RecordKind::Rectification => "整改",
        }
    }

    /// The fields, in form and column order.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::Study => STUDY,
            RecordKind::Collective => COLLECTIVE,
            RecordKind::MajorDecision => MAJOR_DECISION,
            RecordKind::Normative => NORMATIVE,
            RecordKind::Officer => OFFICER,
            RecordKind::Training => TRAINING,
            RecordKind::Popularization => POPULARIZATION,
            RecordKind::Suggestion => SUGGESTION,
            RecordKind::Publication => PUBLICATION,
            RecordKind::DisclosureRequest => DISCLOSURE_REQUEST,
            RecordKind::EnterpriseRequest => ENTERPRISE_REQUEST,
            RecordKind::ServiceItem => SERVICE_ITEM,
            RecordKind::Inspection => INSPECTION,
            RecordKind::ReviewCase => REVIEW_CASE,
            RecordKind::Rectification => RECTIFICATION,
        }
    }

    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// The field that names a record in lists and links.
    pub fn title_field(self) -> &'static str {
        match self {
            RecordKind::Study | RecordKind::Training => "topic",
            RecordKind::Collective => "matters",
            RecordKind::Officer | RecordKind::ServiceItem => "name",
            RecordKind::Popularization => "theme",
            RecordKind::DisclosureRequest | RecordKind::EnterpriseRequest => "content",
            RecordKind::Inspection | RecordKind::ReviewCase => "subject",
            RecordKind::Rectification => "shortcoming",
            RecordKind::MajorDecision
            | RecordKind::Normative
            | RecordKind::Suggestion
            | RecordKind::Publication => "title",
        }
    }

    /// The date a record is filed under (lists sort by it; the year of a record defaults to
    /// it). `None` for kinds without one (a certificate holder, a service item).
    pub fn date_field(self) -> Option<&'static str> {
        match self {
            RecordKind::Study
            | RecordKind::Collective
            | RecordKind::Training
            | RecordKind::Popularization
            | RecordKind::Publication
            | RecordKind::Inspection => Some("date"),
            RecordKind::MajorDecision => Some("discussed"),
            RecordKind::Normative => Some("issued"),
            RecordKind::Suggestion => Some("assigned"),
            RecordKind::DisclosureRequest
            | RecordKind::EnterpriseRequest
            | RecordKind::ReviewCase => Some("received"),
            RecordKind::Rectification => Some("deadline"),
            RecordKind::Officer | RecordKind::ServiceItem => None,
        }
    }

    /// The indicators of the framework a new record of this kind is tagged with unless the
    /// user chooses others (codes of `frameworks/indicators.toml`).
    pub fn default_indicators(self) -> &'static [&'static str] {
        match self {
            RecordKind::Study => &["thought", "leadership.capacity"],
            RecordKind::Collective => &["decision.procedure", "leadership.mechanism"],
            RecordKind::MajorDecision => &["decision.procedure"],
            RecordKind::Normative => &["rules.normative"],
            RecordKind::Officer => &["enforcement.system"],
            RecordKind::Training => &["enforcement.system", "leadership.capacity"],
            RecordKind::Popularization => &["leadership.research"],
            RecordKind::Suggestion => &["oversight.synergy"],
            RecordKind::Publication | RecordKind::DisclosureRequest => &["oversight.disclosure"],
            RecordKind::EnterpriseRequest => &["functions.business"],
            RecordKind::ServiceItem => &["functions.reform"],
            RecordKind::Inspection => &["enforcement.procedure"],
            RecordKind::ReviewCase => &["disputes.reconsideration", "disputes.litigation"],
            RecordKind::Rectification => &["oversight.inspection"],
        }
    }

    /// [`RecordKind::default_indicators`] as a record keeps them.
    pub fn default_indicator_codes(self) -> Vec<String> {
        self.default_indicators()
            .iter()
            .map(|c| c.to_string())
            .collect()
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Framework;
    use std::collections::HashSet;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = HashSet::new();
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::from_code(k.code()), Some(k));
            assert!(seen.insert(k.code()));
        }
        assert_eq!(RecordKind::from_code("nope"), None);
    }

    #[test]
    fn every_kind_is_well_formed() {
        let fw = Framework::builtin();
        for k in RecordKind::ALL {
            let mut keys = HashSet::new();
            let mut labels = HashSet::new();
            for f in k.fields() {
                assert!(keys.insert(f.key), "{k:?}: key {} twice", f.key);
                assert!(labels.insert(f.label), "{k:?}: label {} twice", f.label);
            }
            assert!(k.field(k.title_field()).is_some(), "{k:?}: title field");
            if let Some(d) = k.date_field() {
                assert_eq!(k.field(d).map(|f| f.ty), Some(FieldType::Date), "{k:?}");
            }
            assert!(!k.default_indicators().is_empty());
            for code in k.default_indicators() {
                assert!(fw.get(code).is_some(), "{k:?}: unknown indicator {code}");
            }
        }
    }
}
