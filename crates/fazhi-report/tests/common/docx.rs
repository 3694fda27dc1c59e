//! A .docx built part by part (styles, numbering, a body exercising the reader) for the
//! ingest tests.

use super::ingest::REPORT;
use fazhi_report::ingest::testkit::{
    document_xml, docx_from_paragraphs, docx_from_parts, DocxParagraph, W_NS,
};

pub fn styles() -> String {
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

pub fn numbering() -> String {
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

pub fn p(ppr: &str, runs: &str) -> String {
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

pub fn r(text: &str) -> String {
    format!(
        r#"<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>"#
    )
}

pub fn num(num_id: u32, ilvl: u8) -> String {
    format!(r#"<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>"#)
}

pub fn style(id: &str) -> String {
    format!(r#"<w:pStyle w:val="{id}"/>"#)
}

pub fn tc(paras: &[&str]) -> String {
    let body: String = paras.iter().map(|t| p("", &r(t))).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\" w:type=\"dxa\"/></w:tcPr>{body}</w:tc>")
}

pub fn main_docx_body() -> String {
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

pub fn valid_docx() -> Vec<u8> {
    docx_from_paragraphs(&REPORT.lines().map(DocxParagraph::plain).collect::<Vec<_>>())
}

/// The .docx of [`main_docx_body`] with its styles and numbering.
pub fn main_docx() -> Vec<u8> {
    docx_from_parts(
        &document_xml(&main_docx_body()),
        Some(&styles()),
        Some(&numbering()),
    )
}
