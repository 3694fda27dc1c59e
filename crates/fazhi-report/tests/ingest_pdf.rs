//! Ingest of PDF: the text layer, the pdftotext fallback, pages, scans, broken files and
//! flate bombs.

mod common;

use common::fail_under_ci;
use common::ingest::*;
use fazhi_report::ingest::testkit::{self, pdf_from_lines, pdf_from_pages, pdf_image_only};
use fazhi_report::ingest::{ingest_bytes, Format, Hint, Layout, Limits};
use fazhi_report::Error;

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
