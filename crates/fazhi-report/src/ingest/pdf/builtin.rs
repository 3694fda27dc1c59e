//! The parent's side of the pdf-extract child: finding the helper executable, running it
//! under [`Limits`], and turning how it ended into the engine's errors.

use super::child::{JobError, Reply, Request};
use super::process::{run_limited, Finished};
use super::{text, Limits, REEXPORT};
use crate::{Error, Result};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Environment variable naming the helper executable (`fazhi` or `fazhi-pdf-text`), for
/// processes that are neither and have neither beside them.
pub const HELPER_ENV: &str = "FAZHI_PDF_HELPER";
/// The report crate's own helper binary.
const HELPER_BIN: &str = "fazhi-pdf-text";
/// The platform's binary, which answers [`super::CHILD_ARG`] too.
const MAIN_BIN: &str = "fazhi";

/// What the text layer holds, as the child read it.
pub(super) enum Outcome {
    Text(String),
    /// The document has no font at all: nothing can be a text layer (a scan).
    NoFonts,
}

/// The executable to run as the child: `$FAZHI_PDF_HELPER`; else this process's own
/// executable if it is `fazhi`; else `fazhi-pdf-text` (then `fazhi`) beside the current
/// executable or in its parent directory (test binaries live in `target/*/deps`).
pub(super) fn helper_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(HELPER_ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let exe = std::env::current_exe().ok()?;
    if exe.file_stem().is_some_and(|s| s == MAIN_BIN) {
        return Some(exe);
    }
    let dir = exe.parent()?;
    let dirs = [Some(dir), dir.parent()];
    [HELPER_BIN, MAIN_BIN]
        .iter()
        .map(|name| format!("{name}{}", std::env::consts::EXE_SUFFIX))
        .flat_map(|name| dirs.iter().flatten().map(move |d| d.join(&name)))
        .find(|p| p.is_file())
}

/// Reads the text layer in a child process: at most `pdf_timeout_secs` of wall-clock time
/// (and as much CPU time, plus a second), `max_pdf_memory` of address space, and
/// `max_text_chars` of text.
pub(super) fn extract_builtin(bytes: &[u8], limits: &Limits) -> Result<Outcome> {
    let secs = limits.pdf_timeout_secs.max(1);
    let Some(exe) = helper_path() else {
        return Err(Error::Pdf(format!(
            "找不到 PDF 文字提取程序 {HELPER_BIN}：请把它放在 {MAIN_BIN} 程序所在目录，\
             或用环境变量 {HELPER_ENV} 指定 {MAIN_BIN} 或 {HELPER_BIN} 的路径"
        )));
    };
    let req = Request {
        max_pages: limits.max_pdf_pages,
        max_chars: limits.max_text_chars,
        max_inflated: limits.max_pdf_uncompressed,
        memory: limits.max_pdf_memory,
        cpu_secs: secs + 1,
    };
    let mut cmd = Command::new(&exe);
    cmd.args(req.to_args());
    let finished = run_limited(
        cmd,
        Some(bytes.to_vec()),
        Duration::from_secs(secs),
        output_cap(limits),
    )
    .map_err(|e| {
        Error::Pdf(if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "找不到 PDF 文字提取程序 {}：请检查环境变量 {HELPER_ENV}",
                exe.display()
            )
        } else {
            "无法启动 PDF 解析进程（系统资源不足）：请稍后重试".into()
        })
    })?;
    if std::env::var_os("FAZHI_PDF_DEBUG").is_some() {
        eprint!("{}", String::from_utf8_lossy(&finished.stderr));
    }
    outcome(finished, limits, secs)
}

/// Stdout the parent reads from the child: UTF-8 is at most 4 bytes a character, plus a
/// little slack for page breaks, newlines and the header.
pub(super) fn output_cap(limits: &Limits) -> u64 {
    (limits.max_text_chars as u64)
        .saturating_mul(4)
        .saturating_add(1 << 16)
}

fn outcome(f: Finished, limits: &Limits, secs: u64) -> Result<Outcome> {
    let Some(status) = f.status else {
        return Err(Error::Pdf(format!(
            "解析超时（超过 {secs} 秒）：{REEXPORT}"
        )));
    };
    if f.stdout_over_cap {
        return Err(Error::Pdf(format!(
            "提取出的文字超过输出上限 {}：{REEXPORT}",
            fazhi_domain::text::human_size(output_cap(limits))
        )));
    }
    // Rust's allocation-failure message, then an abort: the address-space limit was hit.
    if memchr::memmem::find(&f.stderr, b"memory allocation of").is_some() {
        return Err(Error::Pdf(format!(
            "解析所需内存超过上限 {}：{REEXPORT}",
            fazhi_domain::text::human_size(limits.max_pdf_memory)
        )));
    }
    if killed_for_cpu(&status) {
        return Err(Error::Pdf(format!(
            "解析超时（CPU 时间超过 {} 秒）：{REEXPORT}",
            secs + 1
        )));
    }
    let reply = status.success().then(|| Reply::decode(&f.stdout)).flatten();
    match reply {
        Some(Reply::Text(t)) => Ok(Outcome::Text(t)),
        Some(Reply::NoFonts) => Ok(Outcome::NoFonts),
        Some(Reply::Failed(e)) => Err(job_error(e, limits)),
        // A panic (exit 101), a crash, or a helper that is not ours.
        None => Err(Error::Pdf(format!(
            "解析时出错（文件结构不受支持）：{REEXPORT}"
        ))),
    }
}

#[cfg(unix)]
fn killed_for_cpu(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    matches!(status.signal(), Some(libc::SIGXCPU | libc::SIGKILL))
}

#[cfg(not(unix))]
fn killed_for_cpu(_status: &std::process::ExitStatus) -> bool {
    false
}

fn job_error(e: JobError, limits: &Limits) -> Error {
    match e {
        JobError::Load => Error::Pdf(format!("文件已损坏或不是有效的 PDF：{REEXPORT}")),
        JobError::Encrypted => {
            Error::Pdf("文件已加密：请取消密码保护后重新导出 PDF，或提供原始 .docx 文件".into())
        }
        JobError::NoPages => Error::Pdf(format!("PDF 中没有页面：{REEXPORT}")),
        JobError::TooManyPages(n) => Error::PdfTooManyPages {
            pages: n,
            limit: limits.max_pdf_pages,
        },
        JobError::TooManyChars(n) => text::too_many_chars(n, limits),
        JobError::Inflated(n) => Error::TooLarge {
            limit_name: "PDF 解压后大小",
            size: n,
            limit: limits.max_pdf_uncompressed,
        },
        JobError::Nesting => Error::Pdf(format!("文件结构嵌套过深，可能已损坏：{REEXPORT}")),
        JobError::Extract => Error::Pdf(format!("无法提取文字（文件结构不受支持）：{REEXPORT}")),
    }
}
