//! Poppler's `pdftotext` as a fallback reader, when it is on PATH.

use super::process::{run_limited, temp_pdf};
use super::{text, Limits, REEXPORT};
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

pub(super) fn pdftotext_path() -> Option<&'static Path> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let dirs = std::env::var_os("PATH")?;
        std::env::split_paths(&dirs)
            .map(|d| d.join("pdftotext"))
            .find(|p| p.is_file())
    })
    .as_deref()
}

pub(super) fn run_pdftotext(exe: &Path, bytes: &[u8], limits: &Limits) -> Result<String> {
    let timeout = Duration::from_secs(limits.pdf_timeout_secs.max(1));
    let fail = |what: &str| Error::Pdf(format!("{what}：{REEXPORT}"));
    let tmp = temp_pdf(bytes).map_err(|_| fail("无法写入临时文件"))?;
    let last_page = limits.max_pdf_pages.saturating_add(1).to_string();
    let mut cmd = Command::new(exe);
    cmd.args(["-q", "-enc", "UTF-8", "-l", &last_page])
        .arg(&tmp.0)
        .arg("-");
    let cap = super::builtin::output_cap(limits);
    let finished = run_limited(cmd, None, timeout, cap).map_err(|_| fail("无法运行 pdftotext"))?;
    drop(tmp);
    let Some(status) = finished.status else {
        return Err(fail(&format!("解析超时（超过 {} 秒）", timeout.as_secs())));
    };
    if finished.stdout_over_cap {
        return Err(text::too_many_chars(
            limits.max_text_chars.saturating_add(1),
            limits,
        ));
    }
    if !status.success() {
        return Err(fail("文件已损坏或不是有效的 PDF"));
    }
    let text = String::from_utf8_lossy(&finished.stdout).into_owned();
    let pages = memchr::memchr_iter(0x0c, text.as_bytes()).count();
    if pages > limits.max_pdf_pages {
        return Err(Error::PdfTooManyPages {
            pages,
            limit: limits.max_pdf_pages,
        });
    }
    Ok(text)
}
