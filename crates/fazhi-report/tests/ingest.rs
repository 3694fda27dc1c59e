//! Ingest: every format into blocks with hints, on fixtures built here. Text and
//! encodings, dispatch and HTML here; DOCX, PDF and properties in `ingest_docx.rs`,
//! `ingest_pdf.rs` and `ingest_props.rs`.

mod common;

use common::docx::main_docx;
use common::ingest::*;
use fazhi_report::ingest::testkit::{
    self, docx_from_paragraphs, pdf_from_lines, pdf_from_pages, pdf_image_only, zip_from_entries,
    DocxParagraph,
};
use fazhi_report::ingest::{ingest_bytes, ingest_path, Format, Hint, Layout, Limits};
use fazhi_report::Error;

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
    let got = hinted(&ing);
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
        let got = hinted(&ing);
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
    let docx = main_docx();
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
