//! Error bodies.

use super::*;

/// 出错时的响应体。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorResponse {
    /// 稳定的错误代码：unauthorized、forbidden、not_found、bad_request、conflict、too_large、
    /// rows、csrf、throttled、busy（服务器正在处理的文件已达上限，稍后重试）、internal。
    pub error: String,
    /// 给用户看的中文说明。
    pub message: String,
    /// 导入失败时每一个有误的行（其他错误时省略）。
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
}

/// 导入文件中有误的一行。
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// 行号（从 1 起，与表格软件显示的一致）。
    pub line: usize,
    pub message: String,
}
