//! `fazhi outlines`: the built-in report outlines and their parts.

use fazhi_domain::Outline;
use std::io::Write;
use std::process::ExitCode;

pub fn run() -> ExitCode {
    let mut out = String::new();
    for name in Outline::builtin_names() {
        match Outline::builtin(name) {
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
