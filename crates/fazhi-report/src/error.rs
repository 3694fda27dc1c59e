//! The report engine's one error type. Every message is Chinese and says what to do;
//! size-limit errors say which limit was hit.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum Error {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件过大：{size} 字节，超过{limit_name}上限 {limit} 字节")]
    TooLarge {
        limit_name: &'static str,
        size: u64,
        limit: u64,
    },
    #[error("不支持 .{ext} 格式：请在 Word 或 WPS 中“另存为” .docx 后再上传")]
    LegacyWord { ext: String },
    #[error("不支持的文件类型“{0}”：请提供 .docx、.pdf、.txt、.md 或 .html 文件")]
    Unsupported(String),
    #[error("文件不是文本：无法识别其字符编码（已尝试 UTF-8、UTF-16、GB18030），请另存为 UTF-8 文本或 .docx")]
    Encoding,
    #[error("无法读取 .docx 文件：{0}")]
    Docx(String),
    #[error("无法读取 PDF 文件：{0}")]
    Pdf(String),
    #[error("PDF 没有文字层（可能是扫描件）：请提供可复制文字的 PDF 或原始 .docx 文件")]
    PdfNoText,
    #[error(
        "PDF 页数过多：{pages} 页，超过上限 {limit} 页；请只上传报告正文，或拆分文件后分别检查"
    )]
    PdfTooManyPages { pages: usize, limit: usize },
    #[error("文件中没有可读的文字")]
    Empty,
    #[error("提纲或规则设置有误：{0}")]
    Domain(#[from] fazhi_domain::DomainError),
}

pub type Result<T> = std::result::Result<T, Error>;
