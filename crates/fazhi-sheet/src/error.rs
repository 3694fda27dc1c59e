use thiserror::Error;

/// Why a sheet could not be read or written. Messages are for the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetError {
    #[error("文件过大：{size} 字节，超过上限 {limit} 字节（{}）", human(*.limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("行数过多：超过上限 {limit} 行，请拆分后分批导入")]
    TooManyRows { limit: usize },
    #[error("第 {line} 行列数过多：有 {found} 列，超过上限 {limit} 列")]
    TooManyColumns {
        line: usize,
        found: usize,
        limit: usize,
    },
    #[error("第 {line} 行第 {column} 列内容过长：超过上限 {limit} 个字符")]
    CellTooLong {
        line: usize,
        column: usize,
        limit: usize,
    },
    /// An XLSX part, or the parts together, inflate past a limit (counted while inflating,
    /// or as the ZIP declares). `part` says which part (or “全部部件合计…”), `limit_name`
    /// which limit ([`INFLATED_PART`], [`INFLATED_TOTAL`]).
    #[error(
        "Excel 文件解压后过大：{part} 超过{limit_name}的上限 {}，文件可能已损坏或被篡改",
        human(*.limit)
    )]
    Inflated {
        part: String,
        limit_name: &'static str,
        limit: u64,
    },
    /// One XML event of an XLSX part is longer than a limit: a text node ([`XML_TEXT`]) or a
    /// tag ([`XML_TAG`]).
    #[error(
        "Excel 文件内容异常：{part} 中{what}超过上限 {}，文件可能已损坏或被篡改",
        human(*.limit)
    )]
    XmlTooLong {
        part: String,
        what: &'static str,
        limit: u64,
    },
    #[error(
        "无法识别文件编码：请将表格另存为“CSV UTF-8（逗号分隔）”或 Excel 工作簿（.xlsx）后重试"
    )]
    Encoding,
    #[error("CSV 格式有误（第 {line} 行）：{message}")]
    Csv { line: usize, message: String },
    #[error("无法读取 Excel 文件：{0}。请确认文件是 Excel 工作簿（.xlsx）且未加密、未损坏")]
    Xlsx(String),
    #[error("找不到工作表“{name}”；文件中的工作表：{available}")]
    NoSuchSheet { name: String, available: String },
    #[error("文件中没有工作表")]
    NoSheet,
    #[error("不支持文件“{0}”的格式：请使用 CSV（.csv）或 Excel 工作簿（.xlsx）；旧版 .xls 文件请先在 Excel 中另存为 .xlsx")]
    Unsupported(String),
    #[error("无法生成表格文件：{0}")]
    Write(String),
}

/// [`SheetError::Inflated`]'s limit on one part ([`crate::Limits::max_inflated_part_bytes`]).
pub const INFLATED_PART: &str = "单个部件解压后";
/// [`SheetError::Inflated`]'s limit on all parts ([`crate::Limits::max_inflated_bytes`]).
pub const INFLATED_TOTAL: &str = "整个文件解压后";
/// [`SheetError::XmlTooLong`] of a text node ([`crate::xml_text_limit`]).
pub const XML_TEXT: &str = "一段标签之间的文字";
/// [`SheetError::XmlTooLong`] of a tag ([`crate::MAX_XML_TAG_BYTES`]).
pub const XML_TAG: &str = "一个标签";

use fazhi_domain::text::human_size as human;
