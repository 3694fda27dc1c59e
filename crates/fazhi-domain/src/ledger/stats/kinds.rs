//! The figures of each record kind (one function per kind), and the table [`FIGURES`] that
//! [`super::statistics`] walks.

use super::{
    ids, select, with_date, with_flag, with_text, Empty, Figures, Year, FIVE_OPEN_KEYS,
    STUDY_FORM_KEYS,
};
use crate::ledger::check::{cert_key, officer_hours, officer_ids};
use crate::ledger::{
    round1, Record, RecordKind, FIVE_OPEN, SERVICE_LISTS, STUDY_FORMS, SUGGESTION_KINDS,
};
use crate::procedure;

/// The figures of a kind, from the year's records of the kind the table lists it with.
pub(super) type KindFigures = fn(&[&Record], &Year, &mut Figures);

/// Which figures are given from which kind's records, in the order of the figures: each
/// function runs when the year has records of its kind. The training figures over the
/// officers run with the officer records (they are given even without training records).
pub(super) static FIGURES: &[(RecordKind, KindFigures)] = &[
    (RecordKind::Study, study),
    (RecordKind::Collective, collective),
    (RecordKind::MajorDecision, major_decision),
    (RecordKind::Normative, normative),
    (RecordKind::Officer, officer),
    (RecordKind::Training, training),
    (RecordKind::Officer, training_of_officers),
    (RecordKind::Popularization, popularization),
    (RecordKind::Suggestion, suggestion),
    (RecordKind::Publication, publication),
    (RecordKind::DisclosureRequest, disclosure_request),
    (RecordKind::EnterpriseRequest, enterprise_request),
    (RecordKind::ServiceItem, service_item),
    (RecordKind::Inspection, inspection),
    (RecordKind::ReviewCase, review_case),
    (RecordKind::Rectification, rectification),
];

/// 学法: `study.*`.
fn study(study: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Study);
    out.count("study.total", "学法", "次", study);
    for (form, suffix) in STUDY_FORMS.iter().zip(STUDY_FORM_KEYS) {
        let rs = with_text(study, "form", form);
        if !rs.is_empty() {
            out.count(&format!("study.form.{suffix}"), form, "次", &rs);
        }
    }
    let leader = with_flag(study, "leader_present");
    out.count("study.leader_present", "主要负责人参加学法", "次", &leader);
    out.sum(
        "study.attendees",
        "参加学法",
        "人次",
        study,
        Empty::LeftOut,
        |r| r.data.fields.count("attendees").map(|n| n as f64),
    );
    out.sum(
        "study.hours",
        "学法学时",
        "学时",
        study,
        Empty::LeftOut,
        |r| r.data.fields.hours("hours"),
    );
}

/// 集体决策: `collective.*`.
fn collective(collective: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Collective);
    out.count("collective.total", "集体研究决策会议", "次", collective);
}

/// 重大行政决策: `major_decision.*`.
fn major_decision(decisions: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::MajorDecision);
    out.count("major_decision.total", "重大行政决策", "项", decisions);
    for (key, label, field) in [
        (
            "major_decision.public_participation",
            "公开征求意见",
            "comment_from",
        ),
        ("major_decision.expert", "专家论证", "expert_date"),
        ("major_decision.risk", "风险评估", "risk_date"),
        (
            "major_decision.legality_review",
            "合法性审查",
            "review_done",
        ),
        ("major_decision.discussed", "集体讨论决定", "discussed"),
        ("major_decision.published", "决策公布", "published"),
    ] {
        let rs = with_date(decisions, field);
        out.count(key, label, "项", &rs);
    }
}

/// 规范性文件: `normative.*`.
fn normative(normative: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Normative);
    out.count("normative.total", "规范性文件", "件", normative);
    let issued = with_date(normative, "issued");
    out.count("normative.issued", "印发规范性文件", "件", &issued);
    let reviewed = with_date(normative, "review_done");
    out.count("normative.legality_review", "经合法性审核", "件", &reviewed);
    let market = with_flag(normative, "market");
    out.count("normative.market", "涉及经营主体经济活动", "件", &market);
    let fair = with_date(&market, "fair_review");
    out.count("normative.fair_review", "经公平竞争审查", "件", &fair);
    let filed = with_date(normative, "filed");
    out.count("normative.filed", "报送备案", "件", &filed);
    let issued_filed = with_date(&issued, "filed");
    out.rate("normative.filing_rate", "备案率", &issued_filed, &issued);
}

/// 执法人员: `officer.*`.
fn officer(officers: &[&Record], y: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Officer);
    let mut distinct: Vec<&Record> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for r in officers {
        let cert = cert_key(r.data.fields.text("cert_no").unwrap_or(""));
        if cert.is_empty() || seen.insert(cert) {
            distinct.push(r);
        }
    }
    // Every officer record is behind the total; the value counts distinct certificates.
    out.push_count(
        "officer.total",
        "持证执法人员",
        "名",
        distinct.len(),
        ids(officers),
    );
    let expired = select(&distinct, |r| {
        r.data
            .fields
            .date("valid_until")
            .is_some_and(|d| d < y.as_of)
    });
    out.count("officer.expired", "执法证已过期", "名", &expired);
}

/// 执法培训: `training.total_hours`, over the year's training records.
fn training(training: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Training);
    let total: f64 = training
        .iter()
        .map(|r| r.data.fields.hours("hours").unwrap_or(0.0))
        .sum();
    out.push(
        "training.total_hours",
        "执法培训",
        "学时",
        total,
        ids(training),
    );
}

/// 执法培训: `training.avg_hours` and `training.short`, over the year's officers (see
/// [`officer_hours`]), whether or not training is recorded.
fn training_of_officers(_: &[&Record], y: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Training);
    let roster = officer_hours(y.records, y.year);
    if roster.is_empty() {
        return;
    }
    let sum: f64 = roster.iter().map(|o| o.hours).sum();
    let avg = round1(sum / roster.len() as f64);
    out.push(
        "training.avg_hours",
        "执法人员人均培训",
        "学时",
        avg,
        officer_ids(roster.iter()),
    );
    let required = f64::from(y.ctx.training_hours);
    let short: Vec<_> = roster.iter().filter(|o| o.hours < required).collect();
    out.push_count(
        "training.short",
        &format!("培训不足 {} 学时", y.ctx.training_hours),
        "名",
        short.len(),
        officer_ids(short.into_iter()),
    );
}

/// 普法: `popularization.*`.
fn popularization(pop: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Popularization);
    out.count("popularization.total", "普法活动", "场", pop);
    for (key, label, unit, field) in [
        ("popularization.audience", "普法受众", "人次", "audience"),
        (
            "popularization.enterprises",
            "覆盖企业",
            "家",
            "enterprises",
        ),
        (
            "popularization.materials",
            "发放普法资料",
            "份",
            "materials",
        ),
    ] {
        out.sum(key, label, unit, pop, Empty::Zero, |r| {
            r.data.fields.count(field).map(|n| n as f64)
        });
    }
}

/// 建议提案: `suggestion.*`.
fn suggestion(sugg: &[&Record], y: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Suggestion);
    let f = |r: &Record, key: &str| r.data.fields.date(key);
    out.count("suggestion.total", "承办建议提案", "件", sugg);
    let npc = with_text(sugg, "category", SUGGESTION_KINDS[0]);
    out.count("suggestion.npc", "人大代表建议", "件", &npc);
    let cppcc = with_text(sugg, "category", SUGGESTION_KINDS[1]);
    out.count("suggestion.cppcc", "政协委员提案", "件", &cppcc);
    let answered = with_date(sugg, "answered");
    out.count("suggestion.answered", "已答复", "件", &answered);
    out.rate("suggestion.answer_rate", "答复率", &answered, sugg);
    let mut decided = Vec::new();
    let mut on_time = Vec::new();
    for r in sugg {
        let Some(assigned) = f(r, "assigned") else {
            continue;
        };
        let due = procedure::suggestion_due(
            assigned,
            r.data.fields.text("complex_reason"),
            y.ctx.settings,
        );
        match f(r, "answered") {
            Some(a) => {
                decided.push(*r);
                if a <= due {
                    on_time.push(*r);
                }
            }
            None if y.ctx.today > due => decided.push(*r),
            None => {}
        }
    }
    out.rate("suggestion.on_time_rate", "按时答复率", &on_time, &decided);
    let with_feedback = select(sugg, |r| {
        r.data
            .fields
            .text("satisfaction")
            .is_some_and(|s| s != "未反馈")
    });
    let satisfied = select(&with_feedback, |r| {
        matches!(
            r.data.fields.text("satisfaction"),
            Some("满意" | "基本满意")
        )
    });
    out.rate(
        "suggestion.satisfaction_rate",
        "满意率",
        &satisfied,
        &with_feedback,
    );
}

/// 政务公开: `publication.*`.
fn publication(publ: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Publication);
    out.count("publication.total", "主动公开政府信息", "条", publ);
    for (cat, suffix) in FIVE_OPEN.iter().zip(FIVE_OPEN_KEYS) {
        let rs = with_text(publ, "category", cat);
        if !rs.is_empty() {
            out.count(&format!("publication.{suffix}"), cat, "条", &rs);
        }
    }
}

/// 依申请公开: `disclosure_request.*`.
fn disclosure_request(disc: &[&Record], y: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::DisclosureRequest);
    out.count(
        "disclosure_request.total",
        "收到政府信息公开申请",
        "件",
        disc,
    );
    let replied = with_date(disc, "replied");
    out.count("disclosure_request.replied", "已答复", "件", &replied);
    let mut on_time = Vec::new();
    let mut overdue = Vec::new();
    for r in disc {
        let Some(received) = r.data.fields.date("received") else {
            continue;
        };
        let Ok(due) = procedure::disclosure_due(
            received,
            r.data.fields.flag("extended"),
            y.ctx.settings,
            y.ctx.calendar,
        ) else {
            continue;
        };
        match r.data.fields.date("replied") {
            Some(d) if d <= due => on_time.push(*r),
            Some(_) => overdue.push(*r),
            None if y.ctx.today > due => overdue.push(*r),
            None => {}
        }
    }
    out.count("disclosure_request.on_time", "按期答复", "件", &on_time);
    out.count("disclosure_request.overdue", "答复逾期", "件", &overdue);
}

/// 企业诉求: `enterprise_request.*`.
fn enterprise_request(ent: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::EnterpriseRequest);
    out.count("enterprise_request.total", "受理企业诉求", "件", ent);
    let resolved = with_date(ent, "resolved");
    out.count("enterprise_request.resolved", "已办结", "件", &resolved);
    out.rate("enterprise_request.resolve_rate", "办结率", &resolved, ent);
}

/// 政务服务事项: `service_item.*`.
fn service_item(items: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::ServiceItem);
    let power = with_text(items, "list", SERVICE_LISTS[0]);
    out.count("service_item.power_list", "权责清单事项", "项", &power);
    let service = with_text(items, "list", SERVICE_LISTS[1]);
    out.count("service_item.service", "政务服务事项", "项", &service);
    let guide = with_flag(items, "guide");
    out.count("service_item.with_guide", "已公布办事指南", "项", &guide);
}

/// 执法检查与案件: `inspection.*`.
fn inspection(insp: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Inspection);
    let checks = with_text(insp, "category", "执法检查");
    out.count("inspection.inspections", "执法检查", "次", &checks);
    let cases = select(insp, |r| {
        r.data
            .fields
            .text("category")
            .is_some_and(|c| c != "执法检查")
    });
    out.count("inspection.cases", "办理执法案件", "件", &cases);
}

/// 行政复议与应诉: `review_case.*`.
fn review_case(review: &[&Record], _: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::ReviewCase);
    let recon = with_text(review, "category", "行政复议");
    out.count("review_case.reconsideration", "行政复议案件", "件", &recon);
    let lit = with_text(review, "category", "行政应诉");
    out.count("review_case.litigation", "行政应诉案件", "件", &lit);
    let appeared = with_flag(&lit, "leader_appeared");
    out.count(
        "review_case.leader_appeared",
        "负责人出庭应诉",
        "次",
        &appeared,
    );
    out.rate(
        "review_case.appearance_rate",
        "负责人出庭应诉率",
        &appeared,
        &lit,
    );
}

/// 整改: `rectification.*`.
fn rectification(rect: &[&Record], y: &Year, out: &mut Figures) {
    let mut out = out.of(RecordKind::Rectification);
    out.count("rectification.total", "整改事项", "项", rect);
    let done = with_text(rect, "status", "已完成");
    out.count("rectification.completed", "已完成整改", "项", &done);
    out.rate("rectification.completion_rate", "整改完成率", &done, rect);
    let overdue = select(rect, |r| {
        r.data.fields.text("status") != Some("已完成")
            && r.data
                .fields
                .date("deadline")
                .is_some_and(|d| y.ctx.today > d)
    });
    out.count("rectification.overdue", "逾期未完成整改", "项", &overdue);
}
