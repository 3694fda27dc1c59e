//! What every received file passes (size, name) and the slots that bound how many are read
//! at once.

use crate::error::{Error, Result};
use crate::AppState;
use std::time::Duration as StdDuration;

/// What every received file passes before anything reads it: within the upload limit
/// (the limit named), not empty.
pub(crate) fn check_file(state: &AppState, bytes: &[u8]) -> Result<()> {
    let limit = state.config.max_upload_bytes;
    if bytes.len() as u64 > limit {
        return Err(Error::TooLarge(format!(
            "文件过大：{} 字节，超过上传大小上限 {limit} 字节",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(Error::BadRequest("文件为空".into()));
    }
    Ok(())
}

/// How many received files are read at once (report checks, organisation and ledger
/// imports). Two: the machines this serves have two to four cores, and each read may take
/// up to the readers' memory limits (see docs/SECURITY.md).
pub const FILE_SLOTS: usize = 2;

/// How long a request waits for a free slot before it is told to come back.
const FILE_SLOT_WAIT: StdDuration = StdDuration::from_secs(20);

/// A permit to read one received file, held while it is parsed; a request that finds every
/// slot taken for [`FILE_SLOT_WAIT`] gets [`Error::Busy`] (503 with `Retry-After`).
pub(crate) async fn file_slot(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit> {
    let slots = state.file_slots.clone();
    match tokio::time::timeout(FILE_SLOT_WAIT, slots.acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(Error::Busy(
            "服务器正在处理其他上传的文件，请稍后重试".into(),
        )),
    }
}

/// Keeps the last path component, without control characters, at most 200 characters.
pub(crate) fn clean_filename(name: &str) -> String {
    fazhi_domain::text::clean_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_cleaned() {
        assert_eq!(clean_filename("C:\\Users\\x\\报告.docx"), "报告.docx");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\u{0}b.txt"), "ab.txt");
        assert_eq!(clean_filename("  "), "未命名文件");
        assert_eq!(clean_filename("报告\u{202E}xcod.exe"), "报告xcod.exe");
    }
}
