//! `fazhi check`: read and check report files in parallel, print in input order.

use crate::cli::{CheckArgs, OutputFormat, EXIT_USAGE};
use crate::output::paint;
use chrono::NaiveDate;
use fazhi_domain::{Frameworks, Outline};
use fazhi_report::render::{html, json, text};
use fazhi_report::{Checked, Engine};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

/// Extensions read from directories (the legacy Word ones get the engine's clear refusal).
use fazhi_report::REPORT_EXTENSIONS as EXTENSIONS;

/// Show a progress bar on a terminal from this many files on.
const PROGRESS_MIN_FILES: usize = 20;

/// One file to check, or a path that could not be turned into one.
enum Input {
    File(PathBuf),
    Unreadable(PathBuf, String),
}

impl Input {
    fn label(&self) -> String {
        match self {
            Input::File(p) | Input::Unreadable(p, _) => p.display().to_string(),
        }
    }
}

/// What a worker hands back for one file in text or JSON mode: the rendered output and
/// whether the file could be read.
struct Rendered {
    output: String,
    ok: bool,
    errors: usize,
    warnings: usize,
}

pub fn run(args: &CheckArgs) -> ExitCode {
    let published = match args.published.as_deref().map(parse_date).transpose() {
        Ok(d) => d,
        Err(msg) => return usage_error(&msg),
    };
    let frameworks =
        match crate::frameworks_dir::load_for_command(args.frameworks.frameworks_dir.as_deref()) {
            Ok(f) => f,
            Err(msg) => return usage_error(&msg),
        };
    let outline = match load_outline(&args.outline, &frameworks) {
        Ok(o) => o,
        Err(msg) => return usage_error(&msg),
    };
    let engine = Engine {
        outline,
        settings: frameworks.settings.clone(),
        aliases: frameworks.aliases.clone(),
        ..Engine::default()
    };
    let inputs = collect_inputs(&args.paths);
    if inputs.is_empty() {
        eprintln!(
            "提示：没有找到可审查的文件（支持 {}）",
            EXTENSIONS.join("、")
        );
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs)
        .build()
    {
        Ok(p) => p,
        Err(e) => return usage_error(&format!("无法创建 {} 个工作线程：{e}", args.jobs)),
    };
    let progress = progress_bar(inputs.len());
    let check = |input: &Input| -> Result<Checked, String> {
        match input {
            Input::File(p) => engine.check_path(p, published).map_err(|e| e.to_string()),
            Input::Unreadable(_, msg) => Err(msg.clone()),
        }
    };

    let out = crate::output::take_stdout();
    let stdout_is_terminal = out.is_terminal;
    let mut stdout = out.writer;
    let all_ok = match args.format {
        OutputFormat::Html => {
            let mut items = Vec::with_capacity(inputs.len());
            ordered(&pool, &inputs, check, |_, c| {
                progress.inc(1);
                items.push(c);
                true
            });
            progress.finish_and_clear();
            let all_ok = items.iter().all(|c| c.is_ok());
            let items: Vec<(String, Result<Checked, String>)> =
                inputs.iter().map(Input::label).zip(items).collect();
            let _ = stdout.write_all(html::render_page(&items).as_bytes());
            all_ok
        }
        OutputFormat::Json | OutputFormat::Text => {
            let as_json = args.format == OutputFormat::Json;
            let color = !as_json && use_color(args.no_color, stdout_is_terminal);
            let render = |input: &Input| -> Rendered {
                let label = input.label();
                let res = check(input);
                let (errors, warnings) = match &res {
                    Ok(c) => count(c),
                    Err(_) => (0, 0),
                };
                let output = match (&res, as_json) {
                    (Ok(c), true) => line(&json::to_value(&label, c)),
                    (Err(m), true) => line(&json::error_message_value(&label, m)),
                    (Ok(c), false) => paint(&text::render(&label, c), color),
                    (Err(m), false) => paint(&text::render_error(&label, m), color),
                };
                Rendered {
                    output,
                    ok: res.is_ok(),
                    errors,
                    warnings,
                }
            };
            let (mut read, mut errors, mut warnings) = (0, 0, 0);
            let mut all_ok = true;
            ordered(&pool, &inputs, render, |_, r| {
                progress.inc(1);
                all_ok &= r.ok;
                read += usize::from(r.ok);
                errors += r.errors;
                warnings += r.warnings;
                progress
                    .suspend(|| stdout.write_all(r.output.as_bytes()))
                    .is_ok()
            });
            progress.finish_and_clear();
            if !as_json && inputs.len() > 1 {
                let summary = format!(
                    "共 {} 份文件：可读取 {read} 份，无法读取 {} 份；审查意见错误 {errors} 条，警告 {warnings} 条。\n",
                    inputs.len(),
                    inputs.len() - read
                );
                let _ = stdout.write_all(summary.as_bytes());
            }
            all_ok
        }
    };
    let _ = stdout.flush();
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(EXIT_USAGE)
}

fn line(v: &serde_json::Value) -> String {
    let mut s = v.to_string();
    s.push('\n');
    s
}

fn count(c: &Checked) -> (usize, usize) {
    use fazhi_report::check::Severity;
    let n = |s: Severity| c.findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning))
}

/// `YYYY-MM-DD` (also accepts `/` or `.` as separators).
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim().replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&t, "%Y-%m-%d")
        .map_err(|_| format!("发布日期“{s}”格式不正确，应为 YYYY-MM-DD（例如 2024-03-31）"))
}

/// An outline of `frameworks` by name, or an outline TOML file.
fn load_outline(spec: &str, frameworks: &Frameworks) -> Result<Outline, String> {
    if frameworks.outline_names().contains(&spec) {
        return frameworks.outline(spec).cloned().map_err(|e| e.to_string());
    }
    let path = Path::new(spec);
    if path.is_file() {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("无法读取提纲文件“{spec}”：{e}"))?;
        return Outline::from_toml(&text).map_err(|e| format!("提纲文件“{spec}”有误：{e}"));
    }
    if spec.ends_with(".toml") || spec.contains(['/', '\\']) {
        return Err(format!(
            "找不到提纲文件“{spec}”；内置提纲：{}",
            frameworks.outline_names().join("、")
        ));
    }
    frameworks.outline(spec).cloned().map_err(|e| e.to_string())
}

/// Files named on the command line as given; directories read recursively, their files
/// sorted by path. Hidden entries and Word lock files (`~$…`) in directories are skipped.
fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            let walker = walkdir::WalkDir::new(p)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() && wanted(e.path()) => {
                        found.push(Input::File(e.into_path()))
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                        let msg = match e.io_error() {
                            Some(io) => format!("无法读取目录：{io}"),
                            None => "无法读取目录（可能存在循环链接）".to_string(),
                        };
                        found.push(Input::Unreadable(path, msg));
                    }
                }
            }
            found.sort_by(|a, b| input_path(a).cmp(input_path(b)));
            out.extend(found);
        } else if p.exists() {
            out.push(Input::File(p.clone()));
        } else {
            out.push(Input::Unreadable(
                p.clone(),
                "找不到该文件或目录".to_string(),
            ));
        }
    }
    out
}

fn input_path(i: &Input) -> &Path {
    match i {
        Input::File(p) | Input::Unreadable(p, _) => p,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let n = name.to_string_lossy();
    n.starts_with('.') || n.starts_with("~$")
}

fn wanted(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(fazhi_report::is_report_file_name)
}

/// Colour on stdout: only on a terminal, unless `--no-color` or `NO_COLOR` is set.
fn use_color(no_color: bool, stdout_is_terminal: bool) -> bool {
    !no_color
        && !matches!(std::env::var_os("NO_COLOR"), Some(v) if !v.is_empty())
        && stdout_is_terminal
}

fn progress_bar(n: usize) -> ProgressBar {
    if n <= PROGRESS_MIN_FILES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(n as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} 审查中 [{bar:30}] {pos}/{len} 份  剩余约 {eta}")
    {
        pb.set_style(style.progress_chars("=> "));
    }
    pb
}

/// Runs `work` over `inputs` on `pool`, handing results to `sink` in input order as soon as
/// they are ready. `sink` returns false to stop early (e.g. stdout closed).
fn ordered<T, W, S>(pool: &rayon::ThreadPool, inputs: &[Input], work: W, mut sink: S)
where
    T: Send,
    W: Fn(&Input) -> T + Sync,
    S: FnMut(usize, T) -> bool,
{
    let (tx, rx) = mpsc::channel::<(usize, T)>();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            pool.install(|| {
                inputs
                    .par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, input)| {
                        // A closed receiver means the sink stopped: skip the rest.
                        let _ = tx.send((i, work(input)));
                    });
            });
        });
        let mut pending = BTreeMap::new();
        let mut next = 0;
        let mut go_on = true;
        for (i, v) in rx.iter() {
            if !go_on {
                continue;
            }
            pending.insert(i, v);
            while let Some(v) = pending.remove(&next) {
                go_on = sink(next, v);
                next += 1;
                if !go_on {
                    break;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-03-31").unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
        );
        assert!(parse_date("2024/3/1").is_ok());
        let e = parse_date("2024-13-01").unwrap_err();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
    }

    #[test]
    fn outlines() {
        assert!(load_outline("national", Frameworks::builtin()).is_ok());
        assert!(load_outline("guangdong", Frameworks::builtin()).is_ok());
        let e = load_outline("mars", Frameworks::builtin()).unwrap_err();
        assert!(e.contains("national") && e.contains("guangdong"), "{e}");
        assert!(load_outline("nowhere/x.toml", Frameworks::builtin())
            .unwrap_err()
            .contains("找不到提纲文件"));
    }

    #[test]
    fn extensions() {
        assert!(wanted(Path::new("a/B.DOCX")));
        assert!(wanted(Path::new("a.wps")));
        assert!(!wanted(Path::new("expected.json")));
        assert!(!wanted(Path::new("README")));
    }
}
