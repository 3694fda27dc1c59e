use super::*;
use crate::ledger::test_support::{ctx, rec};
use RecordKind::*;

/// A year of one unit, with every figure below counted by hand.
#[rustfmt::skip]
fn year() -> Vec<Record> {
    vec![
        // 学法
        rec(RecordId(1), Study, 2025, &[("date", "2025-01-10"), ("form", "党组会学法"), ("leader_present", "是"), ("attendees", "12"), ("hours", "2")]),
        rec(RecordId(2), Study, 2025, &[("date", "2025-03-10"), ("form", "党组会学法"), ("leader_present", "否"), ("attendees", "10")]),
        rec(RecordId(3), Study, 2025, &[("date", "2025-04-10"), ("form", "专题讲座"), ("leader_present", "是"), ("attendees", "50"), ("hours", "3")]),
        rec(RecordId(4), Study, 2024, &[("date", "2024-04-10"), ("form", "党组会学法")]),
        // 集体决策
        rec(RecordId(5), Collective, 2025, &[("date", "2025-02-01"), ("meeting", "班子会议"), ("category", "重大决策")]),
        // 重大行政决策
        rec(RecordId(6), MajorDecision, 2025, &[("comment_from", "2025-03-01"), ("comment_to", "2025-03-31"), ("expert_date", "2025-04-02"), ("review_done", "2025-04-20"), ("discussed", "2025-05-01"), ("leader_conclusion", "同意"), ("published", "2025-05-10")]),
        rec(RecordId(7), MajorDecision, 2025, &[("risk_date", "2025-06-01"), ("review_done", "2025-06-20")]),
        // 规范性文件
        rec(RecordId(8), Normative, 2025, &[("market", "是"), ("review_done", "2025-02-10"), ("fair_review", "2025-02-15"), ("issued", "2025-03-01"), ("filed", "2025-03-20")]),
        rec(RecordId(9), Normative, 2025, &[("market", "是"), ("review_done", "2025-04-10"), ("issued", "2025-05-01")]),
        rec(RecordId(10), Normative, 2025, &[("market", "否"), ("review_done", "2025-06-10"), ("issued", "2025-07-01"), ("filed", "2025-07-15")]),
        rec(RecordId(11), Normative, 2025, &[("market", "否"), ("drafted", "2025-10-01")]),
        // 执法人员 and 培训
        rec(RecordId(20), Officer, 2025, &[("name", "张三"), ("cert_no", "A001"), ("valid_until", "2028-12-31")]),
        rec(RecordId(21), Officer, 2025, &[("name", "李四"), ("cert_no", "A002"), ("valid_until", "2025-06-30")]),
        rec(RecordId(22), Officer, 2025, &[("name", "王五"), ("cert_no", "A003"), ("valid_until", "2026-01-05")]),
        rec(RecordId(30), Training, 2025, &[("cert_no", "A001"), ("date", "2025-03-01"), ("hours", "62")]),
        rec(RecordId(31), Training, 2025, &[("cert_no", "A002"), ("date", "2025-03-01"), ("hours", "20")]),
        rec(RecordId(32), Training, 2025, &[("cert_no", "A003"), ("date", "2025-03-01"), ("hours", "30.5")]),
        rec(RecordId(33), Training, 2025, &[("cert_no", "A003"), ("date", "2025-09-01"), ("hours", "30")]),
        // 普法
        rec(RecordId(40), Popularization, 2025, &[("date", "2025-12-04"), ("campaign", "宪法宣传周"), ("audience", "300"), ("enterprises", "18"), ("materials", "500")]),
        rec(RecordId(41), Popularization, 2025, &[("date", "2025-06-01"), ("campaign", "安全生产月"), ("audience", "120"), ("materials", "0")]),
        // 建议提案
        rec(RecordId(50), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-05-20"), ("satisfaction", "满意")]),
        rec(RecordId(51), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-07-01"), ("satisfaction", "基本满意")]),
        rec(RecordId(52), Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-04-01"), ("answered", "2025-06-01"), ("satisfaction", "不满意")]),
        rec(RecordId(53), Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-11-01")]),
        rec(RecordId(54), Suggestion, 2025, &[("category", "政协委员提案"), ("assigned", "2025-05-01")]),
        rec(RecordId(55), Suggestion, 2025, &[("category", "人大代表建议"), ("assigned", "2025-03-01"), ("answered", "2025-04-01"), ("satisfaction", "未反馈")]),
        // 政务公开
        rec(RecordId(60), Publication, 2025, &[("date", "2025-01-05"), ("category", "决策公开")]),
        rec(RecordId(61), Publication, 2025, &[("date", "2025-02-05"), ("category", "决策公开")]),
        rec(RecordId(62), Publication, 2025, &[("date", "2025-03-05"), ("category", "结果公开")]),
        // 依申请公开
        rec(RecordId(70), DisclosureRequest, 2025, &[("received", "2025-09-25"), ("replied", "2025-10-29")]),
        rec(RecordId(71), DisclosureRequest, 2025, &[("received", "2025-09-25"), ("replied", "2025-10-30")]),
        rec(RecordId(72), DisclosureRequest, 2025, &[("received", "2025-12-20")]),
        // 企业诉求
        rec(RecordId(80), EnterpriseRequest, 2025, &[("received", "2025-03-01"), ("resolved", "2025-03-10")]),
        rec(RecordId(81), EnterpriseRequest, 2025, &[("received", "2025-03-01")]),
        rec(RecordId(82), EnterpriseRequest, 2025, &[("received", "2025-04-01"), ("resolved", "2025-04-10")]),
        // 政务服务事项
        rec(RecordId(90), ServiceItem, 2025, &[("list", "权责清单事项"), ("item_type", "行政许可"), ("guide", "是")]),
        rec(RecordId(91), ServiceItem, 2025, &[("list", "政务服务事项"), ("item_type", "公共服务"), ("guide", "是")]),
        rec(RecordId(92), ServiceItem, 2025, &[("list", "政务服务事项"), ("item_type", "公共服务"), ("guide", "否")]),
        // 执法检查与案件
        rec(RecordId(100), Inspection, 2025, &[("date", "2025-03-01"), ("category", "执法检查")]),
        rec(RecordId(101), Inspection, 2025, &[("date", "2025-04-01"), ("category", "执法检查")]),
        rec(RecordId(102), Inspection, 2025, &[("date", "2025-05-01"), ("category", "行政处罚案件")]),
        // 复议应诉
        rec(RecordId(110), ReviewCase, 2025, &[("category", "行政复议"), ("received", "2025-03-01")]),
        rec(RecordId(111), ReviewCase, 2025, &[("category", "行政应诉"), ("received", "2025-04-01"), ("leader_appeared", "是")]),
        rec(RecordId(112), ReviewCase, 2025, &[("category", "行政应诉"), ("received", "2025-05-01"), ("leader_appeared", "否")]),
        // 整改
        rec(RecordId(120), Rectification, 2025, &[("source", "上年度报告"), ("status", "已完成"), ("deadline", "2025-06-30"), ("completed", "2025-06-01")]),
        rec(RecordId(121), Rectification, 2025, &[("source", "上年度报告"), ("status", "整改中"), ("deadline", "2025-06-30")]),
        rec(RecordId(122), Rectification, 2025, &[("source", "自查"), ("status", "未开始"), ("deadline", "2026-06-30")]),
    ]
}

/// Record ids from their numbers.
fn ids(numbers: &[i64]) -> Vec<RecordId> {
    numbers.iter().copied().map(RecordId).collect()
}

/// Each figure's key, text and records.
fn figures(stats: &Statistics) -> Vec<(&str, &str, Vec<RecordId>)> {
    stats
        .figures
        .iter()
        .map(|f| (f.key.as_str(), f.text.as_str(), f.record_ids.clone()))
        .collect()
}

#[test]
fn the_figures_of_a_year_match_a_count_by_hand() {
    let stats = statistics(&year(), 2025, &ctx("2026-01-10"));
    assert_eq!(stats.year, 2025);
    let got = figures(&stats);
    let expected: Vec<(&str, &str, Vec<RecordId>)> = vec![
        ("study.total", "3 次", ids(&[1, 2, 3])),
        ("study.form.party_group", "2 次", ids(&[1, 2])),
        ("study.form.lecture", "1 次", ids(&[3])),
        ("study.leader_present", "2 次", ids(&[1, 3])),
        ("study.attendees", "72 人次", ids(&[1, 2, 3])),
        ("study.hours", "5 学时", ids(&[1, 3])),
        ("collective.total", "1 次", ids(&[5])),
        ("major_decision.total", "2 项", ids(&[6, 7])),
        ("major_decision.public_participation", "1 项", ids(&[6])),
        ("major_decision.expert", "1 项", ids(&[6])),
        ("major_decision.risk", "1 项", ids(&[7])),
        ("major_decision.legality_review", "2 项", ids(&[6, 7])),
        ("major_decision.discussed", "1 项", ids(&[6])),
        ("major_decision.published", "1 项", ids(&[6])),
        ("normative.total", "4 件", ids(&[8, 9, 10, 11])),
        ("normative.issued", "3 件", ids(&[8, 9, 10])),
        ("normative.legality_review", "3 件", ids(&[8, 9, 10])),
        ("normative.market", "2 件", ids(&[8, 9])),
        ("normative.fair_review", "1 件", ids(&[8])),
        ("normative.filed", "2 件", ids(&[8, 10])),
        ("normative.filing_rate", "66.7%", ids(&[8, 9, 10])),
        ("officer.total", "3 名", ids(&[20, 21, 22])),
        // 王五's certificate ends 2026-01-05: valid through the report year.
        ("officer.expired", "1 名", ids(&[21])),
        ("training.total_hours", "142.5 学时", ids(&[30, 31, 32, 33])),
        // (62 + 20 + 60.5) / 3 officers.
        ("training.avg_hours", "47.5 学时", ids(&[20, 21, 22])),
        ("training.short", "1 名", ids(&[21])),
        ("popularization.total", "2 场", ids(&[40, 41])),
        ("popularization.audience", "420 人次", ids(&[40, 41])),
        ("popularization.enterprises", "18 家", ids(&[40])),
        ("popularization.materials", "500 份", ids(&[40])),
        ("suggestion.total", "6 件", ids(&[50, 51, 52, 53, 54, 55])),
        ("suggestion.npc", "3 件", ids(&[50, 51, 55])),
        ("suggestion.cppcc", "3 件", ids(&[52, 53, 54])),
        ("suggestion.answered", "4 件", ids(&[50, 51, 52, 55])),
        (
            "suggestion.answer_rate",
            "66.7%",
            ids(&[50, 51, 52, 53, 54, 55]),
        ),
        // Decided: answered (50, 51 late, 52, 55) or past due unanswered (54); 53 is
        // still within its 3 months.
        ("suggestion.on_time_rate", "60%", ids(&[50, 51, 52, 54, 55])),
        ("suggestion.satisfaction_rate", "66.7%", ids(&[50, 51, 52])),
        ("publication.total", "3 条", ids(&[60, 61, 62])),
        ("publication.decision", "2 条", ids(&[60, 61])),
        ("publication.result", "1 条", ids(&[62])),
        ("disclosure_request.total", "3 件", ids(&[70, 71, 72])),
        ("disclosure_request.replied", "2 件", ids(&[70, 71])),
        ("disclosure_request.on_time", "1 件", ids(&[70])),
        ("disclosure_request.overdue", "1 件", ids(&[71])),
        ("enterprise_request.total", "3 件", ids(&[80, 81, 82])),
        ("enterprise_request.resolved", "2 件", ids(&[80, 82])),
        (
            "enterprise_request.resolve_rate",
            "66.7%",
            ids(&[80, 81, 82]),
        ),
        ("service_item.power_list", "1 项", ids(&[90])),
        ("service_item.service", "2 项", ids(&[91, 92])),
        ("service_item.with_guide", "2 项", ids(&[90, 91])),
        ("inspection.inspections", "2 次", ids(&[100, 101])),
        ("inspection.cases", "1 件", ids(&[102])),
        ("review_case.reconsideration", "1 件", ids(&[110])),
        ("review_case.litigation", "2 件", ids(&[111, 112])),
        ("review_case.leader_appeared", "1 次", ids(&[111])),
        ("review_case.appearance_rate", "50%", ids(&[111, 112])),
        ("rectification.total", "3 项", ids(&[120, 121, 122])),
        ("rectification.completed", "1 项", ids(&[120])),
        (
            "rectification.completion_rate",
            "33.3%",
            ids(&[120, 121, 122]),
        ),
        ("rectification.overdue", "1 项", ids(&[121])),
    ];
    assert_eq!(got, expected);

    let f = stats.figure("study.form.party_group").unwrap();
    assert_eq!(
        (f.label.as_str(), f.value, f.unit),
        ("党组会学法", 2.0, "次")
    );
    assert_eq!(f.kind, Study);
    let f = stats.figure("normative.filing_rate").unwrap();
    assert_eq!((f.value, f.unit), (66.7, "%"));
    assert_eq!(stats.figure("training.avg_hours").unwrap().value, 47.5);
    assert_eq!(
        stats.figure("training.short").unwrap().label,
        "培训不足 60 学时"
    );
    assert!(stats.figure("nope").is_none());
    assert_eq!(stats.of_kind(ReviewCase).count(), 4);
}

#[test]
fn another_year_counts_only_its_own_records() {
    let stats = statistics(&year(), 2024, &ctx("2026-01-10"));
    let got = figures(&stats);
    assert_eq!(
        got,
        [
            ("study.total", "1 次", ids(&[4])),
            ("study.form.party_group", "1 次", ids(&[4])),
            ("study.leader_present", "0 次", vec![]),
        ]
    );
    assert!(statistics(&[], 2025, &ctx("2026-01-10")).figures.is_empty());
}

#[test]
fn rates_without_a_denominator_are_left_out_and_whole_rates_read_100() {
    let answered = [
        ("category", "人大代表建议"),
        ("assigned", "2025-03-01"),
        ("answered", "2025-04-01"),
    ];
    let feedback_pending = [answered.as_slice(), &[("satisfaction", "未反馈")]].concat();
    let records = vec![
        rec(
            RecordId(1),
            ReviewCase,
            2025,
            &[("category", "行政复议"), ("received", "2025-03-01")],
        ),
        rec(RecordId(2), Suggestion, 2025, &answered),
        rec(RecordId(3), Suggestion, 2025, &feedback_pending),
        rec(
            RecordId(4),
            Normative,
            2025,
            &[("market", "否"), ("drafted", "2025-10-01")],
        ),
    ];
    let stats = statistics(&records, 2025, &ctx("2025-12-31"));
    // No 行政应诉 case: no appearance rate; no feedback: no satisfaction rate; nothing
    // issued: no filing rate.
    for key in [
        "review_case.appearance_rate",
        "suggestion.satisfaction_rate",
        "normative.filing_rate",
    ] {
        assert!(stats.figure(key).is_none(), "{key}");
    }
    assert_eq!(stats.figure("review_case.litigation").unwrap().text, "0 件");
    let rate = stats.figure("suggestion.answer_rate").unwrap();
    assert_eq!((rate.value, rate.text.as_str()), (100.0, "100%"));
    assert_eq!(
        stats.figure("suggestion.on_time_rate").unwrap().text,
        "100%"
    );
    // No officers, no training: no training figures at all.
    assert!(stats.figures.iter().all(|f| f.kind != Training));
    assert!(stats.figures.iter().all(|f| f.value.is_finite()));
}

#[test]
fn officers_without_training_are_all_short() {
    let officer = |id: i64, cert_no: &str| {
        let fields = [
            ("name", "张三"),
            ("cert_no", cert_no),
            ("valid_until", "2028-12-31"),
        ];
        rec(RecordId(id), Officer, 2025, &fields)
    };
    let records = vec![officer(1, "A001"), officer(2, "a001")];
    let stats = statistics(&records, 2025, &ctx("2025-12-31"));
    // One person entered twice: one officer, both records behind the figure; and short.
    for key in ["officer.total", "training.short"] {
        let f = stats.figure(key).unwrap();
        assert_eq!(
            (f.text.as_str(), f.record_ids.as_slice()),
            ("1 名", &ids(&[1, 2])[..]),
            "{key}"
        );
    }
    assert!(stats.figure("training.total_hours").is_none());
    assert_eq!(stats.figure("training.avg_hours").unwrap().text, "0 学时");
}
