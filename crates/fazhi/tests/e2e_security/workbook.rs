//! Forged workbooks: an XLSX whose sheet inflates to 1.5 GB while its zip declares 5,000
//! bytes is refused, and the server's peak memory stays low.

use super::e2e_common::{Body, Demo, Multipart};
use super::{admin_and_staff, AdminAndStaff};
use std::io::Write;

/// Builds the forged workbook of the review: a real export whose sheet is replaced by
/// `spaces` bytes of spaces inside `<sheetData>` (deflated to a few MB), with the sizes the
/// zip declares for it patched to 5,000.
fn forged_xlsx(real: &[u8], spaces: u64) -> Vec<u8> {
    use std::io::Cursor;
    let mut src = zip::ZipArchive::new(Cursor::new(real)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(false);
    let mut sheet_name = String::new();
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().to_string();
        out.start_file(name.as_str(), opts).unwrap();
        if name.starts_with("xl/worksheets/sheet") && sheet_name.is_empty() {
            sheet_name = name.clone();
            out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>").unwrap();
            let chunk = vec![b' '; 1 << 20];
            let mut left = spaces;
            while left > 0 {
                let n = left.min(chunk.len() as u64) as usize;
                out.write_all(&chunk[..n]).unwrap();
                left -= n as u64;
            }
            out.write_all(b"</sheetData></worksheet>").unwrap();
        } else {
            std::io::copy(&mut f, &mut out).unwrap();
        }
    }
    let mut bytes = out.finish().unwrap().into_inner();
    // Patch the uncompressed size of the sheet in its local header and the central directory.
    let name = sheet_name.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let sig: [u8; 4] = bytes[i..i + 4].try_into().unwrap();
        if &sig == b"PK\x03\x04" && bytes.get(i + 30..i + 30 + name.len()) == Some(name) {
            bytes[i + 22..i + 26].copy_from_slice(&5000u32.to_le_bytes());
        }
        if &sig == b"PK\x01\x02" && bytes.get(i + 46..i + 46 + name.len()) == Some(name) {
            bytes[i + 24..i + 28].copy_from_slice(&5000u32.to_le_bytes());
        }
        i += 1;
    }
    bytes
}

#[test]
fn a_forged_workbook_cannot_take_the_servers_memory() {
    let d = Demo::start("security-zip", 4, 1);
    let c = d.c;
    let AdminAndStaff {
        admin_token,
        staff_token,
        unit,
        ..
    } = admin_and_staff(&d, "e2e-zip");
    let template = c.get(
        &format!("/api/v1/units/{unit}/ledger/study/template"),
        &staff_token,
    );
    assert_eq!(template.status, 200);
    let org = c.get("/api/v1/org/export?format=xlsx", &admin_token);
    assert_eq!(org.status, 200);
    let before = d.server.vm_hwm_kb().expect("VmHWM");

    let forged = forged_xlsx(&template.body, 1_500_000_000);
    assert!(
        forged.len() < 20 * 1024 * 1024,
        "forged file of {} bytes",
        forged.len()
    );
    let r = c.call(
        "POST",
        &format!("/api/v1/units/{unit}/ledger/study/import?year=2025&filename=forged.xlsx"),
        &staff_token,
        &Body::Raw {
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .into(),
            bytes: forged,
        },
    );
    assert!(
        matches!(r.status, 413 | 422),
        "forged ledger workbook: {} {}",
        r.status,
        r.snippet()
    );
    let message = r.json()["message"].as_str().unwrap_or("").to_string();
    assert!(message.contains("上限"), "the limit is named: {message}");

    let forged = forged_xlsx(&org.body, 1_500_000_000);
    let form = Multipart::new().file(
        "file",
        "机构.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        forged,
    );
    let r = c.call(
        "POST",
        "/api/v1/org/import",
        &admin_token,
        &Body::Multipart(form),
    );
    assert!(
        matches!(r.status, 413 | 422),
        "forged organisation workbook: {} {}",
        r.status,
        r.snippet()
    );
    let after = d.server.vm_hwm_kb().expect("VmHWM");
    eprintln!("peak RSS: {before} kB before, {after} kB after the forged workbooks");
    assert!(
        after < 300 * 1024,
        "peak RSS {after} kB (before: {before} kB): over 300 MB"
    );
}
