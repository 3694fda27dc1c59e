//! Ingest of .docx: styles, automatic numbering, tables, tracked changes, text boxes;
//! broken files and zip bombs.

mod common;

use common::docx::*;
use common::ingest::*;
use fazhi_report::ingest::testkit::{
    self, document_xml, docx_from_paragraphs, docx_from_parts, DocxParagraph, NumberStyle,
};
use fazhi_report::ingest::{ingest_bytes, Format, Hint, Layout, Limits};
use fazhi_report::Error;

#[test]
fn docx_structure_styles_and_numbering() {
    let docx = main_docx();
    let ing = ingest_bytes("报告.docx", &docx, &limits()).unwrap();
    assert_eq!(ing.format, Format::Docx);
    assert_eq!(ing.layout, Layout::Paragraphs);
    let got = hinted(&ing);
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
    let got = hinted(&ing);
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
