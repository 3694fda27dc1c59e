//! The title and the signature: present, naming the unit, signed by the same unit.

use super::*;

/// `title-missing` [警告]: no title was found.
///
/// Basis: 《党政机关公文处理工作条例》第九条（标题由发文机关名称、事由和文种组成）.
pub(super) fn title_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.title.is_some() {
        return;
    }
    let example = example_title(report);
    let message =
        format!("未识别到报告标题。请加上由发文机关名称、事由和文种组成的标题，如“{example}”。");
    out.push(Finding::new(
        "title-missing",
        Severity::Warning,
        None,
        BASIS_FORMAT,
        message,
        Location::default(),
    ));
}

pub(super) fn example_title(report: &AnnualReport) -> String {
    let unit = report
        .unit
        .as_ref()
        .map_or("XX县XX局", |u| u.written.as_str());
    match report.year {
        Some(y) => format!("{unit}{y}年度法治政府建设情况报告"),
        None => format!("{unit}XXXX年度法治政府建设情况报告"),
    }
}

/// `title-unit-missing` [警告]: the title (and the line above it) does not name the unit.
///
/// Basis: 《党政机关公文处理工作条例》第九条（标题由发文机关名称、事由和文种组成）.
pub(super) fn title_unit_missing(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    if report.unit_in_title {
        return;
    }
    let Some(title) = &report.title else { return };
    let message = format!(
        "标题“{}”没有写明发文单位，公开后读者无法从标题判断是哪个单位的报告。请在标题中写明单位全称，如“{}”。",
        quote(title, 40),
        example_title(report)
    );
    out.push(Finding::new(
        "title-unit-missing",
        Severity::Warning,
        None,
        BASIS_FORMAT,
        message,
        title_location(report),
    ));
}

/// Positions where two names of equal length differ, when they are few.
pub(super) fn char_differences(a: &str, b: &str) -> Option<Vec<(char, char)>> {
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if ca.len() != cb.len() {
        return None;
    }
    let diff: Vec<(char, char)> = ca
        .iter()
        .zip(&cb)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| (*x, *y))
        .collect();
    (!diff.is_empty() && diff.len() <= 2).then_some(diff)
}

/// `signature-unit-mismatch` [错误]: the signature names another unit than the title or
/// header (古丈县… above, 古文县… below) — usually a typo, sometimes a copied report.
///
/// Basis: 《党政机关公文处理工作条例》第九条（发文机关署名应与发文机关一致）.
pub(super) fn signature_unit_mismatch(
    report: &AnnualReport,
    _ctx: &CheckContext,
    _m: &Metrics,
    out: &mut Vec<Finding>,
) {
    let (Some(unit), Some(signed)) = (&report.unit, &report.signed_unit) else {
        return;
    };
    if UnitName::same_unit(unit, signed) {
        return;
    }
    let hint = match char_differences(&unit.written, &signed.written) {
        Some(d) => {
            let pairs: Vec<String> = d.iter().map(|(a, b)| format!("“{a}”与“{b}”")).collect();
            format!("两者仅{}一字之差，疑为笔误；", pairs.join("、"))
        }
        None => "两者不是同一单位，可能套用了其他单位的报告；".to_string(),
    };
    let message = format!(
        "发文单位为“{}”，落款单位却是“{}”，{hint}请核对并改正落款单位名称，使其与发文单位一致。",
        unit.written, signed.written
    );
    out.push(Finding::new(
        "signature-unit-mismatch",
        Severity::Error,
        None,
        BASIS_FORMAT,
        message,
        signature_location(report, Some(&signed.written)),
    ));
}
