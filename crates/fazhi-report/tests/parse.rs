//! The parser on reports written for these tests in the genre's style: a web page with its
//! clutter, an information-disclosure report, a hard-wrapped 第X部分 report.

use fazhi_domain::Part;
use fazhi_report::{CoverageLevel, Engine, Genre};

fn read(name: &str) -> fazhi_report::AnnualReport {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    Engine::default().read(name, &bytes).unwrap().1
}

fn tops(r: &fazhi_report::AnnualReport) -> Vec<(String, Option<Part>, usize)> {
    r.sections
        .iter()
        .map(|s| (s.number.clone(), s.part, s.numbered_children().count()))
        .collect()
}

#[test]
fn web_page_with_clutter() {
    let r = read("web_county_justice.txt");
    assert_eq!(r.genre, Genre::RuleOfLawAnnualReport);
    assert_eq!(
        r.title.as_deref(),
        Some("青禾县司法局关于2023年度法治政府建设情况的报告")
    );
    assert_eq!(r.unit.as_ref().unwrap().normalized, "青禾县司法局");
    assert!(r.unit_in_title);
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.doc_number.as_deref(), Some("青司发〔2024〕5号"));
    assert_eq!(r.salutation.as_deref(), Some("县委、县政府"));
    assert_eq!(r.published_date.unwrap().to_string(), "2024-03-15");
    assert_eq!(r.signed_date.unwrap().to_string(), "2024-02-26");
    assert_eq!(r.signed_unit.as_ref().unwrap().written, "青禾县司法局");
    assert_eq!(
        tops(&r),
        vec![
            ("一".into(), Some(Part::Measures), 3),
            ("二".into(), Some(Part::FirstResponsible), 0),
            ("三".into(), Some(Part::Shortcomings), 2),
            ("四".into(), Some(Part::NextYear), 2),
            ("五".into(), Some(Part::Other), 0),
        ]
    );
    assert!(r.coverage.iter().all(|(_, c)| c == CoverageLevel::Section));
    let facts: Vec<(f64, &str)> = r
        .facts
        .iter()
        .map(|f| (f.value, f.measure.as_str()))
        .collect();
    for want in [
        (23.0, "项"),
        (45.0, "名"),
        (62.0, "学时"),
        (36.0, "场"),
        (1.2, "万份"),
        (8000.0, "人次"),
        (100.0, "%"),
    ] {
        assert!(facts.contains(&want), "{want:?} not in {facts:?}");
    }
    let approx = r.facts.iter().find(|f| f.value == 8000.0).unwrap();
    assert!(approx.approx);
    assert_eq!(approx.location.section.as_deref(), Some("一、（三）"));
}

#[test]
fn disclosure_report_is_another_genre() {
    let r = read("disclosure_report.txt");
    assert_eq!(r.genre, Genre::Other);
}

#[test]
fn hard_wrapped_parts_report() {
    let r = read("wrapped_parts.txt");
    assert_eq!(r.genre, Genre::RuleOfLawAnnualReport);
    assert_eq!(r.unit.as_ref().unwrap().written, "石川县人民政府");
    assert_eq!(r.year, Some(2022));
    assert_eq!(
        tops(&r),
        vec![
            ("一".into(), Some(Part::Measures), 3),
            ("二".into(), Some(Part::Shortcomings), 0),
            ("三".into(), Some(Part::NextYear), 0),
        ]
    );
    assert_eq!(r.coverage.first_responsible, CoverageLevel::Subsection);
    assert_eq!(r.coverage.other, CoverageLevel::Missing);
    // Lines broken by the page width are joined again, page numbers dropped.
    assert!(r.blocks.iter().any(|b| b
        .text
        .contains("以习近平新时代中国特色社会主义思想为指导，深入贯彻")));
    assert!(!r.blocks.iter().any(|b| b.text.contains("- 2 -")));
    assert!(r
        .facts
        .iter()
        .any(|f| f.value == 2300.0 && f.approx && f.measure == "户"));
    assert_eq!(r.signed_date.unwrap().to_string(), "2023-02-20");
}

#[test]
fn empty_and_odd_inputs_give_an_empty_model() {
    let e = Engine::default();
    for text in ["无", "一、", "（一）\n（二）\n1.\n", "报告", "2023年\n\n\n"] {
        let (_, r) = e.read("x.txt", text.as_bytes()).unwrap();
        assert!(r.facts.is_empty(), "{text}");
    }
}

#[test]
fn combined_parts_and_a_bare_other_heading() {
    let r = read("township_combined.md");
    // The title names the township; its government is the unit.
    assert_eq!(r.unit.as_ref().unwrap().written, "白沙镇");
    assert_eq!(r.unit.as_ref().unwrap().normalized, "白沙镇人民政府");
    assert!(r.unit_in_title);
    assert!(r
        .unit
        .as_ref()
        .unwrap()
        .same_unit(r.signed_unit.as_ref().unwrap()));
    // The span 2021-2025年 in the opening is not the report year; the title says 2023.
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.salutation.as_deref(), Some("镇党委"));
    assert_eq!(
        tops(&r),
        vec![
            ("一".into(), Some(Part::Measures), 2),
            ("二".into(), Some(Part::FirstResponsible), 0),
            ("三".into(), Some(Part::NextYear), 0),
            ("四".into(), Some(Part::Other), 0),
        ]
    );
    // 存在的问题和下一步打算 covers both parts.
    assert!(
        r.coverage.iter().all(|(_, c)| c == CoverageLevel::Section),
        "{:?}",
        r.coverage
    );
    // The contact line after the date does not hide the signature.
    assert_eq!(r.signed_date.unwrap().to_string(), "2024-02-18");
    assert_eq!(r.signed_unit.as_ref().unwrap().written, "白沙镇人民政府");
    assert!(r.facts.iter().any(|f| f.value == 86.0 && f.measure == "起"));
}

#[test]
fn year_from_the_body_skips_spans() {
    let text = "法治政府建设情况的报告\n根据《实施纲要（2021-2025年）》要求，现将我局2022年法治政府建设情况报告如下。\n一、主要举措和成效\n全年开展普法活动3次。";
    let (_, r) = Engine::default().read("x.txt", text.as_bytes()).unwrap();
    assert_eq!(r.year, Some(2022));
    assert!(!r.year_in_title);
}

#[test]
fn headings_that_lost_their_numbers_still_make_sections() {
    let text = "某某县水务局2023年度法治政府建设情况报告\n\
2023年，我局认真贯彻落实法治政府建设各项部署。现报告如下。\n\
主要举措和成效\n\
全年开展普法宣传活动12场，审查合同8份。\n\
存在的不足和原因\n\
由于人员紧张，执法培训不足。\n\
下一年度工作安排\n\
组织执法人员轮训。\n\
其他需要报告的情况\n\
无。\n";
    let (_, r) = Engine::default().read("x.txt", text.as_bytes()).unwrap();
    let parts: Vec<_> = r.sections.iter().map(|s| s.part).collect();
    assert_eq!(
        parts,
        vec![
            Some(Part::Measures),
            Some(Part::Shortcomings),
            Some(Part::NextYear),
            Some(Part::Other)
        ]
    );
    assert_eq!(r.sections[0].number, "一");
    assert_eq!(r.coverage.first_responsible, CoverageLevel::Missing);
}

#[test]
fn year_from_the_date_when_the_text_names_none() {
    let text = "法治政府建设情况报告\n今年以来，我局扎实推进依法行政。\n一、主要举措和成效\n开展普法活动5场。\n某某县审计局\n2024年2月1日\n";
    let (_, r) = Engine::default().read("x.txt", text.as_bytes()).unwrap();
    assert_eq!(r.year, Some(2023));
    assert_eq!(r.unit.as_ref().unwrap().written, "某某县审计局");
}
