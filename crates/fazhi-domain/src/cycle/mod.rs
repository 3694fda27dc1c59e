//! The reporting cycle (年度报告的审定、报送、审阅、保密审查和公开): the states a unit's report
//! of a year passes through, the steps between them, who may take each step and what each
//! step needs. Pure rules: the store keeps the state, the web asks [`check_step`] before it
//! writes anything, the same for pages and API.
//!
//! Basis: 《法治政府建设与责任落实督察工作规定》 (中共中央办公厅、国务院办公厅, 厅字〔2019〕28号,
//! in force since 2019-04-15), the chapter on annual reports: a government department reports the
//! previous year's 法治政府建设 to its own party committee and government and to the department
//! one level up by 1 March, copied to the local 依法治X办; the report is published through
//! newspapers or websites by 1 April unless it holds secrets of the Party and the State (第二十四条).
//! The department's principal leader answers for the report as 第一责任人, hence the leader's
//! approval (审定) before submission. The 保密审查 before publication follows
//! 《中华人民共和国保守国家秘密法》 (revised, in force 2024-05-01) and the unit's own
//! pre-publication review; the regulation does not prescribe its form, so Fazhi records who
//! reviewed, when, and the conclusion.

mod deadline;

pub use deadline::{china, china_date, DeadlineSetting, Deadlines, Timeliness, REPORTING_KINDS};

use crate::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The state of a unit's report of a year (年度报告状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 草稿: staff write; versions may be added.
    Draft,
    /// 待审定: sent to the unit's leader.
    AwaitingApproval,
    /// 已审定: the leader approved the current version; it may be submitted.
    Approved,
    /// 已报送: submitted to the supervisors and the department one level up.
    Submitted,
    /// 已退回: a supervisor returned it with comments; staff work on it as on a draft.
    Returned,
    /// 已审阅: a supervisor accepted it; it may be published after the 保密审查.
    Accepted,
    /// 已公开: published; the published versions never change.
    Published,
    /// 不予公开: the 保密审查 found it may not be published; the reason is kept.
    Withheld,
}

impl ReportState {
    pub const ALL: [ReportState; 8] = [
        Self::Draft,
        Self::AwaitingApproval,
        Self::Approved,
        Self::Submitted,
        Self::Returned,
        Self::Accepted,
        Self::Published,
        Self::Withheld,
    ];

    /// The key in URLs, JSON and the database.
    pub fn key(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::AwaitingApproval => "awaiting_approval",
            Self::Approved => "approved",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Accepted => "accepted",
            Self::Published => "published",
            Self::Withheld => "withheld",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::AwaitingApproval => "待审定",
            Self::Approved => "已审定",
            Self::Submitted => "已报送",
            Self::Returned => "已退回",
            Self::Accepted => "已审阅",
            Self::Published => "已公开",
            Self::Withheld => "不予公开",
        }
    }

    /// The state of a key or a label.
    pub fn parse(s: &str) -> Option<ReportState> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|st| st.key() == s || st.label() == s)
    }
}

impl fmt::Display for ReportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A step of the cycle (程序步骤). Each is one rule: the states it starts from, where it
/// leads, the roles that may take it and what it needs ([`check_step`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// 新增版本: a version is written or uploaded. An approved text that changes needs
    /// approving again, so from 待审定/已审定 the report goes back to 草稿.
    AddVersion,
    /// 送审定: staff send the current version to the leader.
    RequestApproval,
    /// 审定通过: the unit's leader (单位负责人, the 第一责任人) approves the current version.
    Approve,
    /// 退回修改: the leader sends it back to staff, with a comment.
    SendBack,
    /// 报送: the approved version goes to the supervisors of the unit's region and to the
    /// department one level up; stamped with the time and on time / late.
    Submit,
    /// 退回: a supervisor returns it with comments anchored to parts or paragraphs.
    Return,
    /// 审阅通过: a supervisor accepts it.
    Accept,
    /// 保密审查: the unit records who reviewed the version for secrets, when, and the
    /// conclusion (可以公开 / 不予公开 with the reason). Does not change the state.
    ReviewConfidentiality,
    /// 公开: the accepted version is published; needs a 保密审查 of that version concluding
    /// 可以公开; stamped on time / late against the publication deadline.
    Publish,
    /// 不予公开: the 保密审查 concluded 不予公开; the reason is kept.
    Withhold,
    /// 更正: a published report is corrected by publishing a new version with its 更正说明;
    /// the earlier version stays visible, marked superseded.
    Correct,
}

impl Step {
    pub const ALL: [Step; 11] = [
        Self::AddVersion,
        Self::RequestApproval,
        Self::Approve,
        Self::SendBack,
        Self::Submit,
        Self::Return,
        Self::Accept,
        Self::ReviewConfidentiality,
        Self::Publish,
        Self::Withhold,
        Self::Correct,
    ];

    /// The key in URLs, JSON, the audit log and the database.
    pub fn key(self) -> &'static str {
        match self {
            Self::AddVersion => "add_version",
            Self::RequestApproval => "request_approval",
            Self::Approve => "approve",
            Self::SendBack => "send_back",
            Self::Submit => "submit",
            Self::Return => "return",
            Self::Accept => "accept",
            Self::ReviewConfidentiality => "review_confidentiality",
            Self::Publish => "publish",
            Self::Withhold => "withhold",
            Self::Correct => "correct",
        }
    }

    /// The name on buttons and in the history.
    pub fn label(self) -> &'static str {
        match self {
            Self::AddVersion => "新增版本",
            Self::RequestApproval => "送审定",
            Self::Approve => "审定通过",
            Self::SendBack => "退回修改",
            Self::Submit => "报送",
            Self::Return => "退回",
            Self::Accept => "审阅通过",
            Self::ReviewConfidentiality => "保密审查",
            Self::Publish => "公开",
            Self::Withhold => "不予公开",
            Self::Correct => "更正",
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|st| st.key() == s || st.label() == s)
    }

    /// The states the step may be taken from.
    pub fn from_states(self) -> &'static [ReportState] {
        use ReportState::*;
        match self {
            Self::AddVersion => &[Draft, Returned, AwaitingApproval, Approved],
            Self::RequestApproval => &[Draft, Returned],
            Self::Approve | Self::SendBack => &[AwaitingApproval],
            Self::Submit => &[Approved],
            Self::Return | Self::Accept => &[Submitted],
            Self::ReviewConfidentiality => &[Approved, Submitted, Accepted, Published],
            Self::Publish | Self::Withhold => &[Accepted],
            Self::Correct => &[Published],
        }
    }

    /// Where the step leads from `from` (one of [`Step::from_states`]).
    pub fn to_state(self, from: ReportState) -> ReportState {
        use ReportState::*;
        match self {
            Self::AddVersion => match from {
                Returned => Returned,
                _ => Draft,
            },
            Self::RequestApproval => AwaitingApproval,
            Self::Approve => Approved,
            Self::SendBack => Draft,
            Self::Submit => Submitted,
            Self::Return => Returned,
            Self::Accept => Accepted,
            Self::ReviewConfidentiality => from,
            Self::Publish | Self::Correct => Published,
            Self::Withhold => Withheld,
        }
    }

    /// The roles that may take the step, held at the unit or above it. The system
    /// administrator manages the organisation and the accounts, not the reports, so holds
    /// none of them.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::AddVersion | Self::RequestApproval | Self::Submit => &[UnitStaff, UnitLeader],
            Self::ReviewConfidentiality => &[UnitStaff, UnitLeader],
            Self::Approve | Self::SendBack | Self::Publish | Self::Withhold | Self::Correct => {
                &[UnitLeader]
            }
            Self::Return | Self::Accept => &[Supervisor],
        }
    }

    /// Whether one of `roles` (the roles a person holds at the unit or above it) may take it.
    pub fn permitted(self, roles: &[Role]) -> bool {
        self.roles().iter().any(|r| roles.contains(r))
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The conclusion of a 保密审查.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "conclusion", content = "reason", rename_all = "snake_case")]
pub enum Confidentiality {
    /// 可以公开.
    Publishable,
    /// 不予公开, with the reason (e.g. 涉及国家秘密).
    NotPublishable(String),
}

impl Confidentiality {
    pub fn key(&self) -> &'static str {
        match self {
            Self::Publishable => "publishable",
            Self::NotPublishable(_) => "not_publishable",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Self::Publishable => "可以公开",
            Self::NotPublishable(_) => "不予公开",
        }
    }

    /// A conclusion from its key (or label) and the reason given with it; 不予公开 needs a
    /// reason ([`MAX_COMMENT_CHARS`] at most).
    pub fn parse(key: &str, reason: &str) -> Result<Confidentiality, CycleRefusal> {
        match key.trim() {
            "publishable" | "可以公开" => Ok(Self::Publishable),
            "not_publishable" | "不予公开" => Ok(Self::NotPublishable(bounded_text(
                reason,
                "不予公开的理由",
            )?)),
            _ => Err(CycleRefusal::Input(
                "保密审查结论只能是“可以公开”或“不予公开”".into(),
            )),
        }
    }
}

/// Longest comment, reason or 更正说明, in characters.
pub const MAX_COMMENT_CHARS: usize = 5_000;

/// Most comments one return may carry.
pub const MAX_COMMENTS: usize = 200;

/// `text` trimmed, refused when empty or longer than [`MAX_COMMENT_CHARS`] (`what` names it).
pub fn bounded_text(text: &str, what: &str) -> Result<String, CycleRefusal> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CycleRefusal::Input(format!("请填写{what}")));
    }
    if t.chars().take(MAX_COMMENT_CHARS + 1).count() > MAX_COMMENT_CHARS {
        return Err(CycleRefusal::Input(format!(
            "{what}不能超过 {MAX_COMMENT_CHARS} 个字"
        )));
    }
    Ok(t.to_string())
}

/// What the store knows of a report when a step is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub state: ReportState,
    /// Whether the report has a version at all.
    pub has_version: bool,
    /// The 保密审查 of the current version, if one was recorded.
    pub review: Option<Confidentiality>,
}

/// What comes with a step from the person taking it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    /// Comments (退回 needs at least one; 退回修改 takes one).
    pub comments: usize,
    /// The 更正说明 of a correction.
    pub correction_note: Option<String>,
    /// The 保密审查 of the corrected version, recorded with the correction.
    pub review: Option<Confidentiality>,
}

/// Why a step is refused, in the words shown to the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CycleRefusal {
    /// The person holds none of the roles the step needs.
    #[error("只有{roles}可以{step}")]
    NotPermitted { step: &'static str, roles: String },
    /// The step cannot be taken from the report's state.
    #[error("报告当前为“{state}”，不能{step}")]
    WrongState {
        step: &'static str,
        state: &'static str,
    },
    /// Something the step needs is missing or malformed.
    #[error("{0}")]
    Input(String),
}

/// The one rule of the cycle: whether a person holding `roles` at the report's unit (or
/// above it) may take `step` on a report in `situation` with `input`, and if so the state it
/// leads to. Refusals say why in Chinese; the web shows them as they are (pages and API).
pub fn check_step(
    situation: &Situation,
    step: Step,
    roles: &[Role],
    input: &StepInput,
) -> Result<ReportState, CycleRefusal> {
    if !step.permitted(roles) {
        let names: Vec<&str> = step.roles().iter().map(|r| r.label()).collect();
        return Err(CycleRefusal::NotPermitted {
            step: step.label(),
            roles: names.join("或"),
        });
    }
    if !step.from_states().contains(&situation.state) {
        return Err(CycleRefusal::WrongState {
            step: step.label(),
            state: situation.state.label(),
        });
    }
    let needs = |ok: bool, why: &str| {
        if ok {
            Ok(())
        } else {
            Err(CycleRefusal::Input(why.to_string()))
        }
    };
    match step {
        Step::RequestApproval | Step::Approve | Step::Submit => needs(
            situation.has_version,
            "报告还没有任何版本，请先上传或撰写报告",
        )?,
        Step::Return => needs(input.comments > 0, "退回时请至少写一条意见")?,
        Step::Publish => match &situation.review {
            Some(Confidentiality::Publishable) => {}
            Some(Confidentiality::NotPublishable(_)) => {
                return Err(CycleRefusal::Input(
                    "保密审查结论为“不予公开”，不能公开；请选择“不予公开”".into(),
                ))
            }
            None => return Err(CycleRefusal::Input("公开前须对当前版本进行保密审查".into())),
        },
        Step::Withhold => needs(
            matches!(situation.review, Some(Confidentiality::NotPublishable(_))),
            "不予公开须有保密审查结论“不予公开”及其理由",
        )?,
        Step::Correct => {
            let note = input.correction_note.as_deref().unwrap_or("");
            bounded_text(note, "更正说明")?;
            needs(
                input.review == Some(Confidentiality::Publishable),
                "更正版本须经保密审查，结论为“可以公开”",
            )?;
        }
        Step::AddVersion | Step::SendBack | Step::Accept | Step::ReviewConfidentiality => {}
    }
    Ok(step.to_state(situation.state))
}

/// The steps a person holding `roles` may take now (for the buttons of a page; the web
/// still asks [`check_step`] when one is taken).
pub fn open_steps(situation: &Situation, roles: &[Role]) -> Vec<Step> {
    Step::ALL
        .into_iter()
        .filter(|s| s.permitted(roles) && s.from_states().contains(&situation.state))
        .collect()
}

#[cfg(test)]
mod tests;
