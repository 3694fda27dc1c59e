//! `fazhi outlines`: the report outlines (built-in, or of the frameworks directory) and
//! their parts.

use crate::cli::{OutlinesArgs, EXIT_USAGE};
use std::io::Write;
use std::process::ExitCode;

pub fn run(args: &OutlinesArgs) -> ExitCode {
    let frameworks =
        match crate::frameworks_dir::load_for_command(args.frameworks.frameworks_dir.as_deref()) {
            Ok(f) => f,
            Err(msg) => {
                eprintln!("错误：{msg}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
    let mut out = String::new();
    for name in frameworks.outline_names() {
        match frameworks.outline(name) {
            Ok(o) => {
                out.push_str(&format!("{name}  {}\n  依据：{}\n", o.name, o.basis));
                for (i, p) in o.parts.iter().enumerate() {
                    out.push_str(&format!(
                        "  {}. {}〔{}〕{}\n",
                        i + 1,
                        p.title,
                        p.part.label(),
                        if p.required { "" } else { "（可选）" }
                    ));
                }
                out.push('\n');
            }
            Err(e) => out.push_str(&format!("{name}：{e}\n\n")),
        }
    }
    out.push_str("使用自定义提纲：fazhi check --outline 提纲.toml …\n");
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
