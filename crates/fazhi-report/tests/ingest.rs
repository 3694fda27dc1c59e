//! Ingest: every format into blocks with hints, on fixtures built here.

use fazhi_report::ingest::testkit::{
    self, document_xml, docx_from_paragraphs, docx_from_parts, pdf_from_lines, pdf_from_pages,
    pdf_image_only, zip_from_entries, DocxParagraph, NumberStyle, W_NS,
};
use fazhi_report::ingest::{ingest_bytes, ingest_path, Format, Hint, Ingested, Layout, Limits};
use fazhi_report::Error;
use proptest::prelude::*;

/// A report-like text in the genre (own sentences).
const REPORT: &str = "某某县司法局2023年法治政府建设情况报告\n\
2023年，在县委、县政府的正确领导下，我局深入学习贯彻习近平法治思想，现将有关情况报告如下：\n\
一、主要举措和成效\n\
（一）健全依法行政制度体系。全年审查规范性文件18件，提出修改意见46条。\n\
（二）推进严格规范公正文明执法。开展行政执法案卷评查2次，评查案卷120卷。\n\
二、存在的不足和原因\n\
基层执法人员法律素养有待提升，部分领域执法不够规范。\n\
三、下一步工作安排\n\
1.持续加强法治队伍建设。\n\
2.深化“谁执法谁普法”责任制落实。";

fn limits() -> Limits {
    Limits {
        pdf_timeout_secs: 20,
        ..Limits::default()
    }
}

fn texts(ing: &Ingested) -> Vec<&str> {
    ing.blocks.iter().map(|b| b.text.as_str()).collect()
}

fn content_lines(ing: &Ingested) -> Vec<String> {
    ing.blocks
        .iter()
        .filter(|b| b.hint != Hint::PageBreak && !b.text.trim().is_empty())
        .map(|b| b.text.trim().to_string())
        .collect()
}

fn report_lines() -> Vec<&'static str> {
    REPORT.lines().collect()
}

fn encoding_of(ing: &Ingested) -> &'static str {
    match ing.format {
        Format::Text { encoding } => encoding,
        ref f => panic!("not text: {f:?}"),
    }
}

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { b"\xFF\xFE" } else { b"\xFE\xFF" });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Text and encodings
// ---------------------------------------------------------------------------------------

#[test]
fn utf8_text_reads_as_lines() {
    let ing = ingest_bytes("报告.txt", REPORT.as_bytes(), &limits()).unwrap();
    assert_eq!(ing.format, Format::Text { encoding: "UTF-8" });
    assert_eq!(ing.layout, Layout::Lines);
    assert_eq!(texts(&ing), report_lines());
    assert!(ing.blocks.iter().all(|b| b.hint == Hint::None));
}

#[test]
fn utf8_bom_is_stripped() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(REPORT.as_bytes());
    let ing = ingest_bytes("报告.md", &bytes, &limits()).unwrap();
    assert_eq!(encoding_of(&ing), "UTF-8");
    assert_eq!(texts(&ing), report_lines());
}

#[test]
fn utf16_with_and_without_bom() {
    for (le, bom, name) in [
        (true, true, "UTF-16LE"),
        (false, true, "UTF-16BE"),
        (true, false, "UTF-16LE"),
        (false, false, "UTF-16BE"),
    ] {
        let ing = ingest_bytes("报告.txt", &utf16(REPORT, le, bom), &limits())
            .unwrap_or_else(|e| panic!("le={le} bom={bom}: {e}"));
        assert_eq!(encoding_of(&ing), name, "le={le} bom={bom}");
        assert_eq!(texts(&ing), report_lines());
    }
}

#[test]
fn gbk_and_gb18030_bytes_decode() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(REPORT);
    assert!(!unmappable);
    let ing = ingest_bytes("报告.txt", &gbk, &limits()).unwrap();
    assert_eq!(encoding_of(&ing), "GB18030");
    assert_eq!(texts(&ing), report_lines());

    // GB18030 four-byte sequences (a character outside GBK) are fine too.
    let text = format!("{REPORT}\n附：䶮字与𠀀字的说明。");
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
    assert!(!unmappable);
    let ing = ingest_bytes("报告.txt", &gb, &limits()).unwrap();
    assert_eq!(encoding_of(&ing), "GB18030");
    assert_eq!(texts(&ing).join("\n"), text);
}

#[test]
fn random_bytes_are_an_encoding_error() {
    for seed in 1..20u64 {
        let bytes = noise(4096, seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        match ingest_bytes("报告.txt", &bytes, &limits()) {
            Err(Error::Encoding) => {}
            other => panic!("seed {seed}: {:?}", other.map(|i| i.format)),
        }
    }
    // The error message says what to do, in Chinese.
    let msg = Error::Encoding.to_string();
    assert!(msg.contains("UTF-8"), "{msg}");
}

#[test]
fn line_endings_and_form_feed() {
    let ing = ingest_bytes(
        "a.txt",
        "第一页第一行\r\n第一页第二行\r\x0c第二页第一行\n\n第二页第三行\n".as_bytes(),
        &limits(),
    )
    .unwrap();
    let got: Vec<(&str, Hint)> = ing
        .blocks
        .iter()
        .map(|b| (b.text.as_str(), b.hint))
        .collect();
    assert_eq!(
        got,
        vec![
            ("第一页第一行", Hint::None),
            ("第一页第二行", Hint::None),
            ("", Hint::PageBreak),
            ("第二页第一行", Hint::None),
            ("", Hint::None),
            ("第二页第三行", Hint::None),
        ]
    );
}

#[test]
fn empty_and_whitespace_only() {
    for bytes in [
        &b""[..],
        b"   \r\n\t\n",
        "\u{3000}\n".as_bytes(),
        b"\xEF\xBB\xBF\n",
    ] {
        assert!(
            matches!(ingest_bytes("a.txt", bytes, &limits()), Err(Error::Empty)),
            "{bytes:?}"
        );
    }
}

#[test]
fn size_limits_name_the_limit() {
    let small = Limits {
        max_text_chars: 10,
        ..limits()
    };
    match ingest_bytes("a.txt", REPORT.as_bytes(), &small) {
        Err(Error::TooLarge {
            limit_name, limit, ..
        }) => {
            assert_eq!(limit_name, "文字字数");
            assert_eq!(limit, 10);
        }
        other => panic!("{:?}", other.map(|i| i.format)),
    }
    let tiny_file = Limits {
        max_file_bytes: 16,
        ..limits()
    };
    match ingest_bytes("a.txt", REPORT.as_bytes(), &tiny_file) {
        Err(
            e @ Error::TooLarge {
                limit_name: "文件大小",
                ..
            },
        ) => {
            assert!(e.to_string().contains("文件大小"))
        }
        other => panic!("{:?}", other.map(|i| i.format)),
    }
}

#[test]
fn ingest_path_reads_files() {
    let dir = std::env::temp_dir().join(format!("fazhi-ingest-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("报告.txt");
    std::fs::write(&path, REPORT).unwrap();
    let ing = ingest_path(&path, &limits()).unwrap();
    assert_eq!(texts(&ing), report_lines());
    let small = Limits {
        max_file_bytes: 8,
        ..limits()
    };
    assert!(matches!(
        ingest_path(&path, &small),
        Err(Error::TooLarge {
            limit_name: "文件大小",
            ..
        })
    ));
    assert!(matches!(
        ingest_path(&dir.join("missing.txt"), &limits()),
        Err(Error::Io(_))
    ));
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------------------------------
// Dispatch
// ---------------------------------------------------------------------------------------

#[test]
fn legacy_word_is_refused_with_advice() {
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend(noise(1024, 7));
    for (name, ext) in [
        ("报告.doc", "doc"),
        ("报告.wps", "wps"),
        ("无扩展名", "doc"),
    ] {
        match ingest_bytes(name, &ole, &limits()) {
            Err(e @ Error::LegacyWord { .. }) => {
                let msg = e.to_string();
                assert!(msg.contains(&format!(".{ext}")), "{msg}");
                assert!(msg.contains(".docx"), "{msg}");
            }
            other => panic!("{name}: {:?}", other.map(|i| i.format)),
        }
    }
    // By extension even when the content is something else.
    for name in ["a.doc", "a.wps", "a.et"] {
        assert!(matches!(
            ingest_bytes(name, REPORT.as_bytes(), &limits()),
            Err(Error::LegacyWord { .. })
        ));
    }
}

#[test]
fn binary_formats_are_unsupported() {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(64, 3));
    let mut jpeg = b"\xFF\xD8\xFF\xE0".to_vec();
    jpeg.extend(noise(64, 4));
    let mut elf = b"\x7FELF\x02\x01\x01".to_vec();
    elf.extend(noise(64, 5));
    for (name, bytes) in [("a.txt", png), ("a.jpg", jpeg), ("a", elf)] {
        match ingest_bytes(name, &bytes, &limits()) {
            Err(Error::Unsupported(what)) => assert!(!what.is_empty()),
            other => panic!("{name}: {:?}", other.map(|i| i.format)),
        }
    }
    let xlsx = zip_from_entries(&[("xl/workbook.xml", b"<workbook/>")]);
    assert!(matches!(
        ingest_bytes("a.xlsx", &xlsx, &limits()),
        Err(Error::Unsupported(_))
    ));
    // A zip named .docx without a Word document in it.
    assert!(matches!(
        ingest_bytes("a.docx", &xlsx, &limits()),
        Err(Error::Docx(_))
    ));
}

#[test]
fn content_wins_over_the_name() {
    let docx = docx_from_paragraphs(&[DocxParagraph::plain("法治政府建设")]);
    let ing = ingest_bytes("误命名.doc", &docx, &limits()).unwrap();
    assert_eq!(ing.format, Format::Docx);
    let ing = ingest_bytes("误命名.docx", REPORT.as_bytes(), &limits()).unwrap();
    assert_eq!(ing.format, Format::Text { encoding: "UTF-8" });
    let pdf = pdf_from_lines(&["法治政府建设"]);
    let ing = ingest_bytes("误命名.txt", &pdf, &limits()).unwrap();
    assert_eq!(ing.format, Format::Pdf);
    // Not text, not the named format: the error is about the named format.
    assert!(matches!(
        ingest_bytes("坏.docx", &noise(512, 9), &limits()),
        Err(Error::Docx(_))
    ));
    assert!(matches!(
        ingest_bytes("坏.pdf", &noise(512, 9), &limits()),
        Err(Error::Pdf(_))
    ));
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

const HTML: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>网页标题</title>\
<style>.x{font-size:16px}</style><script>document.write('<p>脚本</p>');</script></head>\
<body><div class=\"nav\">首页 &gt; 政务公开</div>\
<h1>某某县司法局2023年法治政府建设情况报告</h1>\
<p>2023年，我局认真贯彻落实&ldquo;八五&rdquo;普法规划&nbsp;，现报告如下：</p>\
<h2>一、主要举措和成效</h2><p>（一）健全制度。<br>全年审查规范性文件18件。</p>\
<table><tr><td>事项</td><td>数量</td></tr><tr><td>行政复议</td><td>12&#20214;</td></tr></table>\
<ul><li>开展培训3次</li><li>组织旁听庭审1次</li></ul></body></html>";

#[test]
fn html_by_name_and_by_content() {
    for name in ["报告.html", "报告.htm", "报告"] {
        let ing = ingest_bytes(name, HTML.as_bytes(), &limits()).unwrap();
        assert_eq!(ing.format, Format::Html, "{name}");
        assert_eq!(ing.layout, Layout::Paragraphs);
        let got: Vec<(&str, Hint)> = ing
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.hint))
            .collect();
        assert_eq!(
            got,
            vec![
                ("首页 > 政务公开", Hint::None),
                ("某某县司法局2023年法治政府建设情况报告", Hint::Heading(1)),
                (
                    "2023年，我局认真贯彻落实“八五”普法规划 ，现报告如下：",
                    Hint::None
                ),
                ("一、主要举措和成效", Hint::Heading(2)),
                ("（一）健全制度。", Hint::None),
                ("全年审查规范性文件18件。", Hint::None),
                ("事项\t数量", Hint::TableRow),
                ("行政复议\t12件", Hint::TableRow),
                ("开展培训3次", Hint::None),
                ("组织旁听庭审1次", Hint::None),
            ]
        );
    }
}

#[test]
fn gbk_html_decodes() {
    let (gbk, _, _) = encoding_rs::GBK.encode(HTML);
    let ing = ingest_bytes("报告.htm", &gbk, &limits()).unwrap();
    assert_eq!(ing.format, Format::Html);
    assert!(texts(&ing).contains(&"一、主要举措和成效"));
}

// ---------------------------------------------------------------------------------------
// DOCX
// ---------------------------------------------------------------------------------------

fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
  <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
  <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
  <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/>
    <w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
  <w:style w:type="paragraph" w:styleId="CnTitle"><w:name w:val="标题 1"/><w:basedOn w:val="a"/></w:style>
  <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="Heading 2"/>
    <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
  <w:style w:type="paragraph" w:styleId="Custom"><w:name w:val="自定义小标题"/><w:basedOn w:val="Heading2"/></w:style>
  <w:style w:type="paragraph" w:styleId="ListHead"><w:name w:val="一级标题（自动编号）"/><w:basedOn w:val="1"/>
    <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
  <w:style w:type="character" w:styleId="a0"><w:name w:val="Default Paragraph Font"/></w:style>
</w:styles>"#
    )
}

fn numbering() -> String {
    let lvl = |ilvl: u8, fmt: &str, text: &str, suff: Option<&str>| {
        format!(
            r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr></w:lvl>"#,
            suff.map(|s| format!(r#"<w:suff w:val="{s}"/>"#))
                .unwrap_or_default()
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
  <w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
    {}{}{}{}
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="1">{}</w:abstractNum>
  <w:abstractNum w:abstractNumId="2">{}</w:abstractNum>
  <w:abstractNum w:abstractNumId="3">
    <w:lvl w:ilvl="0"><w:start w:val="1"/>
      <mc:AlternateContent><mc:Choice Requires="w14"><w:numFmt w:val="custom" w:format="01, 02, 03, ..."/></mc:Choice>
      <mc:Fallback><w:numFmt w:val="ideographTraditional"/></mc:Fallback></mc:AlternateContent>
      <w:lvlText w:val="%1、"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
  <w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>
</w:numbering>"#,
        lvl(0, "chineseCounting", "%1、", Some("nothing")),
        lvl(1, "chineseCounting", "（%2）", Some("nothing")),
        lvl(2, "decimal", "%3.", None),
        lvl(3, "decimal", "%3.%4", Some("space")),
        lvl(0, "decimalEnclosedCircle", "%1", Some("nothing")),
        lvl(0, "bullet", "\u{F06C}", None),
    )
}

fn p(ppr: &str, runs: &str) -> String {
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!(
        r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
    )
}

fn num(num_id: u32, ilvl: u8) -> String {
    format!(r#"<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>"#)
}

fn style(id: &str) -> String {
    format!(r#"<w:pStyle w:val="{id}"/>"#)
}

fn tc(paras: &[&str]) -> String {
    let body: String = paras.iter().map(|t| p("", &r(t))).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{body}</w:tc>")
}

fn main_docx_body() -> String {
    let mut b = String::new();
    b += &p(
        &style("CnTitle"),
        &r("某某县司法局2023年法治政府建设情况报告"),
    );
    b += &p(
        "",
        &format!(
            "{}<w:del w:id=\"1\" w:author=\"审核人\"><w:r><w:delText>（已删除的表述）</w:delText></w:r></w:del>\
             <w:ins w:id=\"2\" w:author=\"审核人\">{}</w:ins>{}",
            r("2023年，我局坚持以习近平法治思想为指导"),
            r("，扎实推进法治政府建设"),
            r("，现报告如下：")
        ),
    );
    b += &p(
        &format!("{}{}", style("1"), num(1, 0)),
        &r("主要举措和成效"),
    );
    b += &p(&num(1, 1), &r("深入学习贯彻习近平法治思想"));
    b += &p(&num(1, 1), &format!("{}{}", r("健全依法决策机制"), r("。")));
    b += &p(&num(1, 2), &r("完善重大行政决策程序"));
    b += &p(&num(1, 3), &r("落实合法性审查"));
    b += &p(&style("ListHead"), &r("存在的不足"));
    b += &p(&num(1, 1), &r("执法规范化水平有待提高"));
    // A page break on its own.
    b += "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>";
    // A table: header row, a cell with two paragraphs, a nested table.
    b += "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"2000\"/></w:tblGrid>";
    b += &format!("<w:tr><w:trPr/>{}{}</w:tr>", tc(&["指标"]), tc(&["数量"]));
    b += &format!(
        "<w:tr>{}{}</w:tr>",
        tc(&["行政复议案件"]),
        tc(&["12件", "同比增长20%"])
    );
    b += &format!(
        "<w:tr>{}<w:tc><w:tbl><w:tr>{}{}</w:tr></w:tbl>{}</w:tc></w:tr>",
        tc(&["附"]),
        tc(&["甲"]),
        tc(&["乙"]),
        p("", "")
    );
    b += "</w:tbl>";
    b += &p(&num(3, 1), &r("另行起算的编号"));
    b += &p(&num(2, 0), &r("第一项"));
    b += &p(&num(2, 0), &r("第二项"));
    b += &p(
        "",
        "<w:r><w:t>主要负责人</w:t><w:tab/><w:t>履职情况</w:t></w:r>",
    );
    b += &p("", "<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r>");
    b += &p(
        "",
        &format!(
            "{}<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>",
            r("可见文字")
        ),
    );
    b += &p(&style("ListHead"), &r("下一步工作安排"));
    b += &p(
        "",
        &format!(
            "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>{}</w:txbxContent></w:drawing></mc:Choice>\
             <mc:Fallback><w:pict><w:txbxContent>{}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>{}",
            p("", &r("文本框内容")),
            p("", &r("文本框内容")),
            r("正文段落")
        ),
    );
    b += &p("<w:outlineLvl w:val=\"2\"/>", &r("直接设置大纲级别"));
    b += &p(&style("Custom"), &r("继承的二级标题"));
    b += &p(&num(4, 0), &r("项目符号段落"));
    b += &p(&num(5, 0), &r("天干编号"));
    b += &p(
        "<w:pPrChange w:id=\"9\"><w:pPr><w:pStyle w:val=\"1\"/></w:pPr></w:pPrChange>",
        &r("格式修订前曾是标题"),
    );
    b += &p(&num(1, 0), "");
    b += &p(
        "",
        &format!(
            "{}<w:r><w:br w:type=\"page\"/></w:r>{}",
            r("分页前"),
            r("分页后")
        ),
    );
    b += "<w:p/>";
    b
}

#[test]
fn docx_structure_styles_and_numbering() {
    let docx = docx_from_parts(
        &document_xml(&main_docx_body()),
        Some(&styles()),
        Some(&numbering()),
    );
    let ing = ingest_bytes("报告.docx", &docx, &limits()).unwrap();
    assert_eq!(ing.format, Format::Docx);
    assert_eq!(ing.layout, Layout::Paragraphs);
    let got: Vec<(&str, Hint)> = ing
        .blocks
        .iter()
        .map(|b| (b.text.as_str(), b.hint))
        .collect();
    let want = vec![
        ("某某县司法局2023年法治政府建设情况报告", Hint::Heading(1)),
        (
            "2023年，我局坚持以习近平法治思想为指导，扎实推进法治政府建设，现报告如下：",
            Hint::None,
        ),
        ("一、主要举措和成效", Hint::Heading(1)),
        ("（一）深入学习贯彻习近平法治思想", Hint::None),
        ("（二）健全依法决策机制。", Hint::None),
        ("1. 完善重大行政决策程序", Hint::None),
        ("1.1 落实合法性审查", Hint::None),
        ("二、存在的不足", Hint::Heading(1)),
        ("（一）执法规范化水平有待提高", Hint::None),
        ("", Hint::PageBreak),
        ("指标\t数量", Hint::TableRow),
        ("行政复议案件\t12件 同比增长20%", Hint::TableRow),
        ("附\t甲 乙", Hint::TableRow),
        ("（五）另行起算的编号", Hint::None),
        ("①第一项", Hint::None),
        ("②第二项", Hint::None),
        ("主要负责人\t履职情况", Hint::None),
        ("第一行\n第二行", Hint::None),
        ("可见文字", Hint::None),
        ("三、下一步工作安排", Hint::Heading(1)),
        ("文本框内容", Hint::None),
        ("正文段落", Hint::None),
        ("直接设置大纲级别", Hint::Heading(3)),
        ("继承的二级标题", Hint::Heading(2)),
        ("项目符号段落", Hint::None),
        ("甲、天干编号", Hint::None),
        ("格式修订前曾是标题", Hint::None),
        ("分页前", Hint::None),
        ("", Hint::PageBreak),
        ("分页后", Hint::None),
    ];
    assert_eq!(got, want);
}

#[test]
fn docx_builder_numbering_round_trip() {
    let paras = vec![
        DocxParagraph::plain("某某县司法局2023年法治政府建设情况报告").with_heading(1),
        DocxParagraph::numbered(NumberStyle::ChineseComma, "主要举措和成效").with_heading(1),
        DocxParagraph::numbered(NumberStyle::ChineseParen, "健全依法行政制度体系"),
        DocxParagraph::plain("全年审查规范性文件18件。"),
        DocxParagraph::numbered(NumberStyle::ChineseParen, "推进严格规范公正文明执法"),
        DocxParagraph::numbered(NumberStyle::DecimalDot, "开展案卷评查"),
        DocxParagraph::numbered(NumberStyle::DecimalDot, "加强执法监督"),
        DocxParagraph::numbered(NumberStyle::ChineseComma, "存在的不足").with_heading(1),
        DocxParagraph::numbered(NumberStyle::ChineseParen, "队伍建设有待加强"),
        // The source skipped a number: the builder restarts the list to show it.
        DocxParagraph::numbered(NumberStyle::ChineseComma, "下一步工作安排")
            .with_heading(1)
            .with_value(4)
            .with_page_break_before(),
        DocxParagraph::numbered(NumberStyle::ChineseParenAscii, "持续深化改革"),
        DocxParagraph::numbered(NumberStyle::Circled, "第一点"),
    ];
    let ing = ingest_bytes("报告.docx", &docx_from_paragraphs(&paras), &limits()).unwrap();
    let got: Vec<(&str, Hint)> = ing
        .blocks
        .iter()
        .map(|b| (b.text.as_str(), b.hint))
        .collect();
    assert_eq!(
        got,
        vec![
            ("某某县司法局2023年法治政府建设情况报告", Hint::Heading(1)),
            ("一、主要举措和成效", Hint::Heading(1)),
            ("（一）健全依法行政制度体系", Hint::None),
            ("全年审查规范性文件18件。", Hint::None),
            ("（二）推进严格规范公正文明执法", Hint::None),
            ("1.开展案卷评查", Hint::None),
            ("2.加强执法监督", Hint::None),
            ("二、存在的不足", Hint::Heading(1)),
            ("（一）队伍建设有待加强", Hint::None),
            ("", Hint::PageBreak),
            ("四、下一步工作安排", Hint::Heading(1)),
            ("(一)持续深化改革", Hint::None),
            ("①第一点", Hint::None),
        ]
    );
}

#[test]
fn docx_from_text_reads_like_the_text() {
    let docx = testkit::docx_from_text_auto_numbered(REPORT);
    let ing = ingest_bytes("报告.docx", &docx, &limits()).unwrap();
    assert_eq!(content_lines(&ing), report_lines());
    // The numbers really come from numbering.xml, not from the text.
    let paras = testkit::paragraphs_from_text(REPORT);
    let numbered = paras.iter().filter(|p| p.numbering.is_some()).count();
    assert_eq!(numbered, 7);
    assert!(paras.iter().all(|p| !p.text.starts_with("一、")));
}

fn valid_docx() -> Vec<u8> {
    docx_from_paragraphs(&REPORT.lines().map(DocxParagraph::plain).collect::<Vec<_>>())
}

#[test]
fn truncated_and_corrupt_docx_are_docx_errors() {
    let docx = valid_docx();
    for cut in [docx.len() / 2, docx.len() - 30, 40, 4] {
        match ingest_bytes("报告.docx", &docx[..cut], &limits()) {
            Err(e @ Error::Docx(_)) => assert!(e.to_string().contains(".docx"), "{e}"),
            other => panic!("cut {cut}: {:?}", other.map(|i| i.format)),
        }
    }
    // Damage the compressed data of every entry: an error, never a panic.
    let mut bad = docx.clone();
    let n = bad.len();
    for b in &mut bad[60..n / 2] {
        *b ^= 0x5A;
    }
    assert!(ingest_bytes("报告.docx", &bad, &limits()).is_err());
    // Bad XML.
    let broken = docx_from_parts("<w:document><w:body><w:p></w:body>", None, None);
    assert!(matches!(
        ingest_bytes("报告.docx", &broken, &limits()),
        Err(Error::Docx(_))
    ));
    // No text at all.
    let empty = docx_from_parts(
        &document_xml("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>"),
        None,
        None,
    );
    assert!(matches!(
        ingest_bytes("报告.docx", &empty, &limits()),
        Err(Error::Empty)
    ));
}

#[test]
fn docx_zip_bomb_is_refused() {
    let limits = Limits {
        max_docx_uncompressed: 100_000,
        ..limits()
    };
    // One entry that inflates to 2 MB from a few KB.
    let huge = document_xml(&format!(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
        "法".repeat(700_000)
    ));
    let bomb = docx_from_parts(&huge, None, None);
    assert!(bomb.len() < 50_000, "{}", bomb.len());
    match ingest_bytes("报告.docx", &bomb, &limits) {
        Err(e @ Error::TooLarge { .. }) => {
            assert!(e.to_string().contains("docx 解压后大小"), "{e}");
        }
        other => panic!("{:?}", other.map(|i| i.format)),
    }

    // The same bomb lying about its size in both zip headers: counted while inflating.
    let mut liar = bomb.clone();
    patch_uncompressed_size(&mut liar, "word/document.xml", 1000);
    match ingest_bytes("报告.docx", &liar, &limits) {
        Err(Error::TooLarge {
            limit_name, size, ..
        }) => {
            assert_eq!(limit_name, "docx 解压后大小");
            assert!(size > 100_000);
        }
        Err(Error::Docx(_)) => {} // the zip reader may also refuse the inconsistent sizes
        other => panic!("{:?}", other.map(|i| i.format)),
    }
}

/// A forged .docx as in the security review: `word/document.xml` inflates to more than the
/// default limit (64 MB of white space between two paragraphs, deflated to well under 1 MB)
/// while both zip headers declare 5,000 bytes. Refused at the limit, counted while
/// inflating, with the limit named.
#[test]
fn a_forged_docx_declaring_a_small_size_is_refused_at_the_default_limit() {
    use std::io::Write;
    let limits = limits();
    assert_eq!(limits.max_docx_uncompressed, 64 << 20);
    let document = document_xml(
        "<w:p><w:r><w:t>正文</w:t></w:r></w:p>\u{0}<w:p><w:r><w:t>结尾</w:t></w:r></w:p>",
    );
    let (head, tail) = document.split_once('\u{0}').unwrap();
    let valid = valid_docx();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(&valid[..])).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let entry = src.by_index_raw(i).unwrap();
        if entry.name() != "word/document.xml" {
            out.raw_copy_file(entry).unwrap();
            continue;
        }
        drop(entry);
        out.start_file("word/document.xml", opts).unwrap();
        out.write_all(head.as_bytes()).unwrap();
        let spaces = vec![b' '; 1 << 20];
        for _ in 0..65 {
            out.write_all(&spaces).unwrap();
        }
        out.write_all(tail.as_bytes()).unwrap();
    }
    let mut forged = out.finish().unwrap().into_inner();
    assert!(forged.len() < 1 << 20, "{}", forged.len());
    patch_uncompressed_size(&mut forged, "word/document.xml", 5000);
    let declared = zip::ZipArchive::new(std::io::Cursor::new(&forged[..]))
        .unwrap()
        .by_name("word/document.xml")
        .unwrap()
        .size();
    assert_eq!(declared, 5000);
    match ingest_bytes("报告.docx", &forged, &limits) {
        Err(
            e @ Error::TooLarge {
                limit_name: "docx 解压后大小",
                limit,
                ..
            },
        ) => {
            assert_eq!(limit, 64 << 20);
            let msg = e.to_string();
            assert!(msg.contains("docx 解压后大小上限 67108864 字节"), "{msg}");
        }
        other => panic!("{:?}", other.map(|i| i.format)),
    }
}

/// Overwrites the uncompressed size of entry `name` in local and central headers.
fn patch_uncompressed_size(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut i = 0;
    while i + 46 <= zip.len() {
        if zip[i..].starts_with(b"PK\x03\x04") {
            let n = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if zip.get(i + 30..i + 30 + n) == Some(name) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
            }
        } else if zip[i..].starts_with(b"PK\x01\x02") {
            let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if zip.get(i + 46..i + 46 + n) == Some(name) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            }
        }
        i += 1;
    }
}

// ---------------------------------------------------------------------------------------
// PDF
// ---------------------------------------------------------------------------------------

#[test]
fn pdf_text_layer_is_extracted() {
    let lines = report_lines();
    let pdf = pdf_from_lines(&lines);
    let ing = ingest_bytes("报告.pdf", &pdf, &limits()).unwrap();
    assert_eq!(ing.format, Format::Pdf);
    assert_eq!(ing.layout, Layout::Lines);
    assert_eq!(content_lines(&ing), lines);

    // The built-in extractor alone gives the same text.
    let builtin = testkit::pdf_via_builtin(&pdf, &limits()).unwrap();
    assert_eq!(content_lines(&builtin), lines);
}

#[test]
fn pdf_via_pdftotext_fallback() {
    let lines = report_lines();
    let pdf = pdf_from_pages(&[&lines[..4], &lines[4..]]);
    match testkit::pdf_via_pdftotext(&pdf, &limits()) {
        None => {
            fail_under_ci("pdftotext (Poppler) is not on PATH");
            println!("note: pdftotext is not on PATH; skipping the fallback check")
        }
        Some(res) => {
            let ing = res.unwrap();
            assert_eq!(content_lines(&ing), lines);
            let breaks = ing
                .blocks
                .iter()
                .filter(|b| b.hint == Hint::PageBreak)
                .count();
            assert_eq!(breaks, 1);
        }
    }
}

#[test]
fn pdf_pages_become_page_breaks() {
    let pdf = pdf_from_pages(&[&["第一页"], &["第二页"], &["第三页"]]);
    let ing = ingest_bytes("报告.pdf", &pdf, &limits()).unwrap();
    let got: Vec<(&str, Hint)> = ing
        .blocks
        .iter()
        .filter(|b| !(b.hint == Hint::None && b.text.is_empty()))
        .map(|b| (b.text.as_str(), b.hint))
        .collect();
    assert_eq!(
        got,
        vec![
            ("第一页", Hint::None),
            ("", Hint::PageBreak),
            ("第二页", Hint::None),
            ("", Hint::PageBreak),
            ("第三页", Hint::None),
        ]
    );
    let few = Limits {
        max_pdf_pages: 2,
        ..limits()
    };
    match ingest_bytes("报告.pdf", &pdf, &few) {
        Err(e @ Error::PdfTooManyPages { pages: 3, limit: 2 }) => {
            assert!(e.to_string().contains("页数"), "{e}")
        }
        other => panic!("{:?}", other.map(|i| i.format)),
    }
    let short = Limits {
        max_text_chars: 5,
        ..limits()
    };
    assert!(matches!(
        ingest_bytes("报告.pdf", &pdf, &short),
        Err(Error::TooLarge {
            limit_name: "文字字数",
            ..
        })
    ));
}

#[test]
fn scanned_pdf_has_no_text() {
    match ingest_bytes("扫描件.pdf", &pdf_image_only(), &limits()) {
        Err(e @ Error::PdfNoText) => assert!(e.to_string().contains(".docx")),
        other => panic!("{:?}", other.map(|i| i.format)),
    }
}

#[test]
fn broken_pdfs_are_errors_not_panics() {
    let pdf = pdf_from_lines(&report_lines());
    for cut in [pdf.len() / 2, pdf.len() - 20, 10] {
        match ingest_bytes("报告.pdf", &pdf[..cut], &limits()) {
            Ok(ing) => assert_eq!(ing.format, Format::Pdf),
            Err(Error::Pdf(msg)) => assert!(msg.contains("PDF") || msg.contains(".docx"), "{msg}"),
            Err(Error::PdfNoText) => {}
            Err(e) => panic!("cut {cut}: {e}"),
        }
    }
    let mut deep = b"%PDF-1.4\n1 0 obj\n".to_vec();
    deep.extend(vec![b'['; 100_000]);
    assert!(matches!(
        ingest_bytes("深.pdf", &deep, &limits()),
        Err(Error::Pdf(_))
    ));
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn prop_limits() -> Limits {
    Limits {
        pdf_timeout_secs: 3,
        max_docx_uncompressed: 1 << 20,
        ..Limits::default()
    }
}

const NAMES: [&str; 7] = ["a.txt", "a.docx", "a.pdf", "a.html", "a.md", "a.doc", "a"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for name in NAMES {
            let _ = ingest_bytes(name, &bytes, &prop_limits());
        }
    }

    #[test]
    fn arbitrary_tails_after_magic_never_panic(
        magic in prop_oneof![Just(&b"%PDF-1.4\n"[..]), Just(&b"PK\x03\x04"[..]), Just(&b"<html>"[..]), Just(&b"\xFF\xFE"[..])],
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let mut all = magic.to_vec();
        all.extend(bytes);
        for name in ["a.pdf", "a.docx", "a.html"] {
            let _ = ingest_bytes(name, &all, &prop_limits());
        }
    }
}

fn mutate(base: &[u8], edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut v = base.to_vec();
    for &(pos, byte) in edits {
        let i = pos % v.len();
        v[i] = byte;
    }
    if let Some(c) = cut {
        v.truncate(c % (v.len() + 1));
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_docx_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let base = docx_from_parts(&document_xml(&main_docx_body()), Some(&styles()), Some(&numbering()));
        let _ = ingest_bytes("a.docx", &mutate(&base, &edits, cut), &prop_limits());
    }

    #[test]
    fn mutated_pdf_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in proptest::option::of(any::<usize>()),
    ) {
        let base = pdf_from_lines(&report_lines());
        let _ = ingest_bytes("a.pdf", &mutate(&base, &edits, cut), &prop_limits());
    }
}

/// Chinese text as reports have it: common characters, some rare ones, Chinese
/// punctuation, digits and lower-case letters, several lines.
fn chinese_text() -> impl Strategy<Value = String> {
    // GB2312 level-1 hanzi: lead bytes B0..D6, trail A1..FE.
    let common = (0xB0u8..=0xD6, 0xA1u8..=0xFE).prop_map(|(a, b)| {
        let pair = [a, b];
        let (s, _, _) = encoding_rs::GBK.decode(&pair);
        s.into_owned()
    });
    let punct = prop::sample::select(vec![
        "，", "。", "、", "；", "：", "“", "”", "（", "）", "《", "》", "—",
    ])
    .prop_map(str::to_string);
    let ascii =
        prop::sample::select(vec!["0", "1", "2", "9", "a", "x", " "]).prop_map(str::to_string);
    let piece = prop_oneof![8 => common, 2 => punct, 1 => ascii];
    let line = proptest::collection::vec(piece, 1..30).prop_map(|v| v.concat());
    proptest::collection::vec(line, 1..6).prop_map(|lines| format!("法{}", lines.join("\n")))
}

fn expected_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    while v.last().is_some_and(|l| l.trim().is_empty()) {
        v.pop();
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn chinese_text_round_trips_in_every_encoding(text in chinese_text()) {
        let want = expected_lines(&text);
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        let encodings: Vec<(&str, Vec<u8>)> = vec![
            ("UTF-8", text.as_bytes().to_vec()),
            ("GB18030", gb.into_owned()),
            ("UTF-16LE", utf16(&text, true, true)),
            ("UTF-16BE", utf16(&text, false, true)),
        ];
        for (name, bytes) in encodings {
            let ing = ingest_bytes("a.txt", &bytes, &Limits::default())
                .map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
            let got: Vec<String> = ing.blocks.iter().map(|b| b.text.clone()).collect();
            prop_assert_eq!(&got, &want, "{}", name);
        }
    }
}

/// Writes fuzzing seeds (docx, pdf, html, GBK and UTF-16 text) into the directory named by
/// `FAZHI_FUZZ_SEEDS`, each prefixed with the fuzz target's name-selector byte:
/// `FAZHI_FUZZ_SEEDS=fuzz/corpus/ingest cargo test -p fazhi-report --test ingest write_fuzz_seeds -- --ignored`
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("FAZHI_FUZZ_SEEDS") else {
        println!("note: set FAZHI_FUZZ_SEEDS to a directory");
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    // Selector bytes follow fuzz_targets/ingest.rs: 0 txt, 1 md, 2 docx, 3 pdf, 4 html.
    let docx = docx_from_parts(
        &document_xml(&main_docx_body()),
        Some(&styles()),
        Some(&numbering()),
    );
    let lines = report_lines();
    let seeds: Vec<(&str, u8, Vec<u8>)> = vec![
        ("docx-main", 2, docx),
        (
            "docx-auto",
            2,
            testkit::docx_from_text_auto_numbered(REPORT),
        ),
        ("pdf-lines", 3, pdf_from_lines(&lines)),
        ("pdf-pages", 3, pdf_from_pages(&[&lines[..3], &lines[3..]])),
        ("pdf-image", 3, pdf_image_only()),
        ("html", 4, HTML.as_bytes().to_vec()),
        ("gbk", 0, encoding_rs::GBK.encode(REPORT).0.into_owned()),
        ("utf16", 1, utf16(REPORT, true, false)),
    ];
    for (name, selector, bytes) in seeds {
        let mut data = vec![selector];
        data.extend(bytes);
        std::fs::write(dir.join(name), data).unwrap();
    }
}

/// A PDF whose one content stream is `inflated` bytes once decompressed.
fn flate_bomb_pdf(inflated: usize) -> Vec<u8> {
    bomb_pdf(inflated, false)
}

/// The same bomb placed in an object stream (inflated by the PDF library while loading).
fn objstm_bomb_pdf(inflated: usize) -> Vec<u8> {
    bomb_pdf(inflated, true)
}

fn bomb_pdf(inflated: usize, in_object_stream: bool) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 16];
    let mut left = inflated;
    while left > 0 {
        let n = left.min(chunk.len());
        z.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    let stream = z.finish().unwrap();
    let mut objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
    ];
    let mut content = format!(
        "<< {}/Length {} /Filter /FlateDecode >>\nstream\n",
        if in_object_stream {
            "/Type /ObjStm /N 1 /First 4 "
        } else {
            ""
        },
        stream.len()
    )
    .into_bytes();
    content.extend_from_slice(&stream);
    content.extend_from_slice(b"\nendstream");
    objs.push(content);
    objs.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn pdf_flate_bomb_is_refused_by_its_inflated_size() {
    let small = Limits {
        max_pdf_uncompressed: 1 << 20,
        ..limits()
    };
    // 8 MiB of spaces compress to a few kilobytes.
    let bomb = flate_bomb_pdf(8 << 20);
    assert!(bomb.len() < 64 * 1024);
    match ingest_bytes("bomb.pdf", &bomb, &small) {
        Err(Error::TooLarge {
            limit_name, limit, ..
        }) => {
            assert_eq!(limit_name, "PDF 解压后大小");
            assert_eq!(limit, 1 << 20);
        }
        other => panic!("expected the inflated-size limit, got {other:?}"),
    }
    match ingest_bytes("objstm.pdf", &objstm_bomb_pdf(8 << 20), &small) {
        Err(Error::TooLarge { limit_name, .. }) => assert_eq!(limit_name, "PDF 解压后大小"),
        other => panic!("expected the inflated-size limit for an object stream, got {other:?}"),
    }
    // Under the limit the same structure reads (and has no text: a clear error, not a limit).
    let fine = flate_bomb_pdf(1 << 10);
    assert!(!matches!(
        ingest_bytes("fine.pdf", &fine, &small),
        Err(Error::TooLarge { .. })
    ));
}

/// Under CI (`CI` set) a test may not skip for want of a tool or the corpus: it fails.
fn fail_under_ci(what: &str) {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"));
    assert!(
        !ci,
        "CI is set, but {what}: this test cannot run its real part"
    );
}
