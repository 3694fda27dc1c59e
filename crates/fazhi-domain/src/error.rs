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
    #[error("单位简称表无法解析：{0}")]
    Aliases(String),
    #[error("日期“{0}”格式不正确，应为 MM-DD")]
    MonthDay(String),
    #[error("年度 {0} 不在 {min}—{max} 之间", min = crate::ReportYear::MIN, max = crate::ReportYear::MAX)]
    Year(i32),
    #[error("指标体系文件有误：{0}")]
    Framework(String),
    #[error("节假日安排文件有误：{0}")]
    Calendar(String),
    #[error("缺少 {0} 年的节假日安排，无法按工作日计算期限；请在 frameworks/holidays.toml 中补充")]
    CalendarMissing(i32),
}
