use thiserror::Error;

/// Errors raised when raw input does not make a valid domain value.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("提纲文件无法解析：{0}")]
    Outline(String),
    #[error("未知的提纲“{0}”，可用的提纲：{1}")]
    UnknownOutline(String, String),
    #[error("规则参数文件无法解析：{0}")]
    Settings(String),
    #[error("日期“{0}”格式不正确，应为 MM-DD")]
    MonthDay(String),
    #[error("年度 {0} 不在 {min}—{max} 之间", min = crate::ReportYear::MIN, max = crate::ReportYear::MAX)]
    Year(i32),
    #[error("指标体系文件有误：{0}")]
    Framework(String),
    #[error("节假日安排文件有误：{0}")]
    Calendar(String),
    /// A data file that is not valid TOML, or whose values have the wrong type or are missing:
    /// `what` names the file's kind, `line` is where toml found the problem.
    #[error("{what}无法解析：{}{message}", line.map(|l| format!("第 {l} 行：")).unwrap_or_default())]
    Toml {
        what: &'static str,
        line: Option<usize>,
        message: String,
    },
    #[error("缺少 {0} 年的节假日安排，无法按工作日计算期限；请在 frameworks/holidays.toml 中补充")]
    CalendarMissing(i32),
}

impl DomainError {
    /// A toml error of a data file of kind `what` (`规则参数文件` …), with its line.
    pub(crate) fn toml(what: &'static str, text: &str, e: toml::de::Error) -> DomainError {
        DomainError::Toml {
            what,
            line: e
                .span()
                .map(|s| crate::frameworks::line_of_offset(text, s.start)),
            message: e.message().to_string(),
        }
    }
}
