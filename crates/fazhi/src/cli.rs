//! Command-line definition (clap derive) with Chinese help, and Chinese usage errors.

use clap::error::{ContextKind, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code of a usage error.
pub const EXIT_USAGE: u8 = 2;

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
    about = "法治政府建设年度报告审查工具：读取报告，检查五项内容、结构与格式，给出审查意见和得分。",
    help_template = TEMPLATE,
    override_usage = "fazhi <子命令> [选项]",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "子命令",
    subcommand_value_name = "子命令",
    next_help_heading = "选项",
    after_help = "示例：\n  fazhi check 报告.docx\n  fazhi check --format html 报告目录/ > 审查结果.html\n  fazhi check --format json --outline guangdong 报告目录/"
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
    Outlines,
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
                eprintln!("运行 fazhi --help 或 fazhi check --help 查看用法。");
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
                "未知的子命令“{}”，可用的子命令：check、outlines",
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
        ErrorKind::MissingSubcommand => "缺少子命令：可用的子命令有 check、outlines".to_string(),
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
