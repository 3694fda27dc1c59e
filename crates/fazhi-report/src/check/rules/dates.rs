//! Dates and time limits: signature and publication dates, the deadline, a date before the year ends.

use super::*;

/// `date-missing` [提示]: the text has neither a signature date (成文日期) nor a publication
/// date, so timeliness cannot be checked from the document.
///
/// Basis: 《党政机关公文处理工作条例》第九条（成文日期）；厅字〔2019〕28号 第二十五条、第二十六条（时限）.
pub(super) fn date_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.signed_date.is_some() || report.published_date.is_some() {
        return;
    }
    let location = block_location(report, first_block(report, BlockKind::Signature));
    let message = "报告中没有成文日期，也没有发布日期，无法判断是否按时报送和公开。请在落款单位下方写明成文日期（如“2024年1月30日”），公开时注明发布日期。".to_string();
    out.push(Finding::new("date-missing", Severity::Info, None, "《党政机关公文处理工作条例》第九条；《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条、第二十六条", message, location));
}

/// The publication date: the caller's (`--published`) over the one in the text.
pub(super) fn publication_date(report: &AnnualReport, ctx: &CheckContext) -> Option<NaiveDate> {
    ctx.published.or(report.published_date)
}

/// `deadline-late` [警告]: the signature date is after the submission deadline
/// (`submission_deadline`, default 3月1日 of the following year), or the publication date is
/// after the publication deadline (`publication_deadline`, default 4月1日).
///
/// Basis: 厅字〔2019〕28号 第二十五条（每年3月1日前报送）、第二十六条（每年4月1日前公开）;
/// provinces may set other dates (frameworks/rules.toml).
pub(super) fn deadline_late(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let Some(year) = report.year else { return };
    let submit = ctx.settings.submission_deadline.in_year(year + 1);
    let publish = ctx.settings.publication_deadline.in_year(year + 1);
    // (the date, its deadline, what the date is, what the deadline is for, basis, advice)
    let checks = [
        (
            report.signed_date,
            submit,
            "落款日期",
            "报送",
            "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十五条",
            "请按时限报送；如确因特殊情况延期，应说明原因。",
        ),
        (
            publication_date(report, ctx),
            publish,
            "发布日期",
            "公开",
            "《法治政府建设与责任落实督察工作规定》（厅字〔2019〕28号）第二十六条",
            "年度报告应在时限前通过报刊、网站等向社会公开（涉密内容除外）。",
        ),
    ];
    for (date, deadline, label, duty, basis, advice) in checks {
        let Some(d) = date.filter(|d| *d > deadline) else {
            continue;
        };
        let message = format!(
            "{label}为{}，晚于{year}年度报告的{duty}时限{}（超出{}天）。{advice}",
            ymd(d),
            ymd(deadline),
            (d - deadline).num_days()
        );
        let location = if label == "落款日期" {
            signature_location(report, None)
        } else if ctx.published.is_some() {
            Location::default()
        } else {
            title_location(report)
        };
        out.push(Finding::new(
            "deadline-late",
            Severity::Warning,
            None,
            basis,
            message,
            location,
        ));
    }
}

/// `date-premature` [提示]: the signature or publication date lies before 1 December of the
/// report year — before the year's work could have been reported. Usually the report year or
/// the date is miswritten. December dates are common under provincial schedules and accepted.
///
/// Basis: 厅字〔2019〕28号 第二十五条（报告上一年度情况）.
pub(super) fn date_premature(
    report: &AnnualReport,
    ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let Some(year) = report.year else { return };
    let Some(cutoff) = NaiveDate::from_ymd_opt(year, 12, 1) else {
        return;
    };
    let dates = [
        ("落款日期", report.signed_date),
        ("发布日期", publication_date(report, ctx)),
    ];
    for (label, d) in dates {
        let Some(d) = d.filter(|d| *d < cutoff) else {
            continue;
        };
        let message = format!(
            "{label}为{}，早于{year}年度结束，报告不能反映全年工作。请核对报告年度和日期是否写错；如为年中材料，应在年度结束后另行报送年度报告。",
            ymd(d)
        );
        out.push(Finding::new(
            "date-premature",
            Severity::Info,
            None,
            BASIS_28,
            message,
            if label == "落款日期" {
                signature_location(report, None)
            } else {
                title_location(report)
            },
        ));
        return;
    }
}
