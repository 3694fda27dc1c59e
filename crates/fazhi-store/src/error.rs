use thiserror::Error;

pub type StoreResult<T> = Result<T, StoreError>;

/// The store's one error type; the web maps it to status codes in one place.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The thing asked for does not exist (or was filtered out).
    #[error("未找到{0}")]
    NotFound(&'static str),
    /// A uniqueness rule was hit: the message says which (in Chinese).
    #[error("{0}")]
    Conflict(String),
    /// Input the store cannot apply (a parent that does not exist …).
    #[error("{0}")]
    Invalid(String),
    /// An import with rows that cannot be applied; nothing was applied.
    #[error("导入失败，共 {} 行有误，未导入任何数据", .0.len())]
    Rows(Vec<crate::RowError>),
    /// Not possible on this backend (e.g. online backup of PostgreSQL: use pg_dump).
    #[error("{0}")]
    Unsupported(String),
    /// The database said no; the message is for the log, not for a user.
    #[error("数据库错误：{0}")]
    Backend(String),
    /// The database is at a newer migration than this program knows.
    #[error("数据库版本 {found} 高于本程序支持的版本 {supported}，请升级程序")]
    TooNew { found: i64, supported: i64 },
}
