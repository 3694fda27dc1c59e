//! Command-line definition (clap derive) with Chinese help, and Chinese usage errors.

use clap::error::{ContextKind, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code of a usage error.
pub const EXIT_USAGE: u8 = 2;

/// The top-level subcommands, for usage errors.
const SUBCOMMANDS: &str =
    "check、outlines、serve、demo、admin、import、export、backup、restore、migrate";

const TEMPLATE: &str = "\
{before-help}{name} {version}
{about-with-newline}
用法：{usage}

{all-args}{after-help}";

const SUB_TEMPLATE: &str = "\
{before-help}{about-with-newline}
用法：{usage}

{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "fazhi",
    version,
    about = "法治政府建设年度报告平台：审查报告（检查五项内容、结构与格式，给出审查意见和得分），运行网站，管理数据。",
    help_template = TEMPLATE,
    override_usage = "fazhi <子命令> [选项]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "子命令",
    subcommand_value_name = "子命令",
    next_help_heading = "选项",
    mut_subcommand("admin", command_group),
    mut_subcommand("import", command_group),
    mut_subcommand("export", command_group),
    after_help = "示例：\n  fazhi check 报告.docx\n  fazhi check --format html 报告目录/ > 审查结果.html\n  fazhi check --format json --outline guangdong 报告目录/\n  fazhi serve --demo\n  fazhi import org 机构.xlsx\n  fazhi backup --output 备份.sqlite3"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, display_order = 100)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

/// What a command with subcommands of its own (`admin`, `import`, `export`) shares: without
/// a subcommand it shows its help, and its help lists its subcommands under 子命令.
fn command_group(cmd: clap::Command) -> clap::Command {
    cmd.arg_required_else_help(true)
        .help_template(SUB_TEMPLATE)
        .subcommand_help_heading("子命令")
        .subcommand_value_name("子命令")
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 审查报告文件（可指定多个文件或目录，目录会递归读取）
    #[command(
        help_template = SUB_TEMPLATE,
        override_usage = "fazhi check [选项] <文件或目录>...",
        next_help_heading = "选项"
    )]
    Check(CheckArgs),
    /// 列出内置的报告提纲及其事项
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项")]
    Outlines(OutlinesArgs),
    /// 启动网站服务（首次启动时创建管理员账号并显示一次性密码）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi serve [选项]")]
    Serve(ServeArgs),
    /// 向空数据库写入演示数据（虚构的青川市及其单位、账号和历年报告）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi demo [选项]")]
    Demo(DemoArgs),
    /// 账号管理：创建管理员、重置密码、停用账号
    #[command(subcommand, override_usage = "fazhi admin <子命令> [选项]")]
    Admin(AdminCommand),
    /// 从 CSV 或 Excel 文件导入数据
    #[command(subcommand, override_usage = "fazhi import <子命令> [选项] <文件>")]
    Import(ImportCommand),
    /// 把数据导出为 CSV 或 Excel 文件
    #[command(subcommand, override_usage = "fazhi export <子命令> [选项]")]
    Export(ExportCommand),
    /// 备份数据库（SQLite：服务运行中也可在线备份，得到一个完整的数据库文件）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi backup --output <文件> [选项]")]
    Backup(BackupArgs),
    /// 从备份文件恢复 SQLite 数据库（请先停止服务）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi restore --input <文件> [选项]")]
    Restore(RestoreArgs),
    /// 升级数据库结构到本程序的版本并显示版本号
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi migrate [选项]")]
    Migrate(DbArgs),
}

/// Where the data is: the config file, the data directory or a PostgreSQL URL.
#[derive(Debug, Clone, Args, Default)]
pub struct DbArgs {
    /// 配置文件（TOML；不指定时读取当前目录下的 fazhi.toml，如有）
    #[arg(long, value_name = "路径")]
    pub config: Option<PathBuf>,
    /// 数据目录，SQLite 数据库所在（默认 ./fazhi-data）
    #[arg(long, value_name = "目录")]
    pub data: Option<PathBuf>,
    /// PostgreSQL 连接地址（postgres://…），给出时不使用数据目录
    #[arg(long, value_name = "地址", conflicts_with = "data")]
    pub database: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 监听地址（默认 127.0.0.1:8080；端口写 0 时自动选择）
    #[arg(long, value_name = "地址:端口")]
    pub listen: Option<String>,
    /// 数据库为空时先写入演示数据，并在页面上标明“演示环境”
    #[arg(long)]
    pub demo: bool,
    /// 演示数据的单位数（默认 30）
    #[arg(long, value_name = "N", requires = "demo")]
    pub demo_units: Option<usize>,
    /// 演示数据的报告年数（默认 3）
    #[arg(long, value_name = "年数", requires = "demo")]
    pub demo_years: Option<u32>,
    /// 上传文件大小上限，单位 MB（默认 20）
    #[arg(long, value_name = "MB")]
    pub max_upload_mb: Option<u64>,
    /// 登录有效期，单位小时（默认 12）
    #[arg(long, value_name = "小时")]
    pub session_hours: Option<i64>,
    /// 只通过 HTTPS 发送登录 Cookie（经 HTTPS 对外服务时使用）
    #[arg(long)]
    pub secure_cookies: bool,
    /// 日志级别，如 info、debug、"info,fazhi_web=debug"（也可设置 FAZHI_LOG 或 RUST_LOG）
    #[arg(long, value_name = "级别")]
    pub log: Option<String>,
    /// 框架数据目录：其中的文件（如 holidays.toml、procedures.toml）替换内置的同名文件
    /// （也可设置 FAZHI_FRAMEWORKS_DIR）
    #[arg(long, value_name = "目录")]
    pub frameworks_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 单位数（默认 30；数值越大，县区、乡镇和单位越多）
    #[arg(
        long,
        value_name = "N",
        default_value_t = 30,
        hide_default_value = true
    )]
    pub units: usize,
    /// 每个单位的报告年数（默认 3）
    #[arg(
        long,
        value_name = "年数",
        default_value_t = 3,
        hide_default_value = true
    )]
    pub years: u32,
    /// 最近一份报告的年度（默认：上一年）
    #[arg(long, value_name = "年度")]
    pub last_year: Option<i32>,
    /// 随机种子：相同参数和种子生成完全相同的数据（默认 1）
    #[arg(long, value_name = "S", default_value_t = 1, hide_default_value = true)]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// 创建系统管理员账号，在每个顶级行政区划授予管理员权限（账号已存在时只补授权限）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi admin create --login <登录名> [选项]")]
    Create(AdminCreateArgs),
    /// 重置密码：生成一次性密码，登录后须修改
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi admin reset-password --login <登录名> [选项]")]
    ResetPassword(LoginArgs),
    /// 停用账号（同时结束其登录会话、吊销其 API 令牌）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi admin disable --login <登录名> [选项]")]
    Disable(LoginArgs),
}

#[derive(Debug, Args)]
pub struct AdminCreateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 登录名
    #[arg(long, value_name = "登录名")]
    pub login: String,
    /// 显示名（默认“系统管理员”）
    #[arg(long, value_name = "显示名")]
    pub name: Option<String>,
    /// 从标准输入读取密码（第一行）；不指定时生成一次性密码
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 登录名
    #[arg(long, value_name = "登录名")]
    pub login: String,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// 导入组织机构表：列为 类别、代码、名称、简称、类型、上级代码（有误时列出所有错误行，不导入任何数据）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi import org [选项] <文件>")]
    Org(ImportOrgArgs),
}

#[derive(Debug, Args)]
pub struct ImportOrgArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Excel 文件中的工作表名称（默认第一个工作表）
    #[arg(long, value_name = "名称")]
    pub sheet: Option<String>,
    /// CSV（UTF-8 或 GBK）或 Excel（.xlsx）文件
    #[arg(value_name = "文件", help_heading = "参数")]
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// 导出组织机构表（可直接修改后再导入）
    #[command(help_template = SUB_TEMPLATE, next_help_heading = "选项", override_usage = "fazhi export org [选项]")]
    Org(ExportOrgArgs),
}

/// Format of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    /// CSV（UTF-8，带 BOM，Excel 可直接打开）
    Csv,
    /// Excel 工作簿
    Xlsx,
}

#[derive(Debug, Args)]
pub struct ExportOrgArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 文件格式：csv 或 xlsx（默认按输出文件的扩展名，否则 csv）
    #[arg(long, value_enum, value_name = "格式", hide_possible_values = true)]
    pub format: Option<SheetFormat>,
    /// 输出文件（默认写到标准输出）
    #[arg(long, short = 'o', value_name = "文件")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// 备份文件（必须是新文件）
    #[arg(long, short = 'o', value_name = "文件")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// 配置文件（TOML；不指定时读取当前目录下的 fazhi.toml，如有）
    #[arg(long, value_name = "路径")]
    pub config: Option<PathBuf>,
    /// 恢复到的数据目录（默认 ./fazhi-data）
    #[arg(long, value_name = "目录")]
    pub data: Option<PathBuf>,
    /// 由 fazhi backup 生成的备份文件
    #[arg(long, short = 'i', value_name = "文件")]
    pub input: PathBuf,
    /// 数据目录中已有数据库时仍然恢复（原数据库改名保留）
    #[arg(long)]
    pub force: bool,
}

/// Output format of `fazhi check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// 终端文字报告
    Text,
    /// 每个文件一行 JSON（JSON Lines）
    Json,
    /// 一个可直接打开的 HTML 页面
    Html,
}

/// The operator's frameworks directory, as `check` and `outlines` take it.
#[derive(Debug, Args)]
pub struct FrameworksDirArg {
    /// 框架数据目录：其中的文件（如 holidays.toml、outlines/*.toml）替换内置的同名文件
    /// （也可设置 FAZHI_FRAMEWORKS_DIR）
    #[arg(long, value_name = "目录")]
    pub frameworks_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct OutlinesArgs {
    #[command(flatten)]
    pub frameworks: FrameworksDirArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// 输出格式：text（文字，默认）、json（每个文件一行 JSON）、html（审查页面）
    #[arg(
        long,
        value_enum,
        default_value_t = OutputFormat::Text,
        value_name = "格式",
        hide_possible_values = true,
        hide_default_value = true
    )]
    pub format: OutputFormat,
    /// 报告提纲：内置名称（national 全国通用，默认；guangdong 广东）或提纲 TOML 文件路径
    #[arg(
        long,
        default_value = "national",
        value_name = "名称或路径",
        hide_default_value = true
    )]
    pub outline: String,
    /// 报告的公开发布日期（YYYY-MM-DD），用于检查是否按时公开
    #[arg(long, value_name = "日期")]
    pub published: Option<String>,
    /// 并行处理的线程数（默认：CPU 核数）
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub jobs: usize,
    /// 不使用彩色输出（也可设置环境变量 NO_COLOR）
    #[arg(long)]
    pub no_color: bool,
    #[command(flatten)]
    pub frameworks: FrameworksDirArg,
    /// 报告文件或目录（目录中的 .txt .md .docx .pdf .html .htm .doc .wps 文件会被读取）
    #[arg(required = true, value_name = "文件或目录", help_heading = "参数")]
    pub paths: Vec<PathBuf>,
}

/// Parses the command line; help and version are printed here. On a usage error prints a
/// Chinese message and returns the exit code to use.
pub fn parse() -> Result<Cli, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = e.print();
                Err(ExitCode::SUCCESS)
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                Err(ExitCode::from(EXIT_USAGE))
            }
            _ => {
                eprintln!("错误：{}", usage_message(&e));
                eprintln!("运行 fazhi --help 或 fazhi <子命令> --help 查看用法。");
                Err(ExitCode::from(EXIT_USAGE))
            }
        },
    }
}

/// A Chinese description of a clap usage error.
fn usage_message(e: &clap::Error) -> String {
    let ctx = |k: ContextKind| e.get(k).map(|v| v.to_string()).unwrap_or_default();
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::UnknownArgument => {
            let mut m = format!("无法识别的参数“{arg}”");
            let hint = ctx(ContextKind::SuggestedArg);
            if !hint.is_empty() {
                m.push_str(&format!("，是否要用“{hint}”？"));
            }
            m
        }
        ErrorKind::InvalidSubcommand => {
            format!(
                "未知的子命令“{}”，可用的子命令：{SUBCOMMANDS}",
                ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue => {
            let valid = ctx(ContextKind::ValidValue);
            if value.is_empty() {
                format!("参数 {arg} 缺少取值")
            } else if valid.is_empty() {
                format!("参数 {arg} 的取值“{value}”无效")
            } else {
                format!("参数 {arg} 的取值“{value}”无效，可选：{valid}")
            }
        }
        ErrorKind::ValueValidation => format!("参数 {arg} 的取值“{value}”无效"),
        ErrorKind::MissingRequiredArgument => {
            let missing = ctx(ContextKind::InvalidArg);
            format!("缺少必需的参数：{missing}")
        }
        ErrorKind::MissingSubcommand => format!("缺少子命令：可用的子命令有 {SUBCOMMANDS}"),
        ErrorKind::ArgumentConflict => format!("参数 {arg} 不能与其他参数同时使用"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的取值个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 需要用“=”给出取值"),
        _ => format!("命令行参数有误（{}）", e.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_valid() {
        Cli::command().debug_assert();
    }
}
