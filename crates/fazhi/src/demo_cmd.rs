//! `fazhi demo`: fills an empty database with the demo data set (also used by
//! `fazhi serve --demo`), with a progress bar and the list of demo accounts.

use crate::cli::DemoArgs;
use crate::config::{Config, Layer};
use crate::platform::{self, describe, Failure, Outcome};
use fazhi_demo::{populate_with_progress, DemoError, DemoOptions, DemoSummary, Progress};
use fazhi_report::Engine;
use fazhi_store::Store;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn run(args: &DemoArgs) -> ExitCode {
    platform::run(go(args))
}

async fn go(args: &DemoArgs) -> Outcome {
    let config = platform::config(&args.db, Layer::default())?;
    platform::init_logging(&config, "warn");
    let defaults = DemoOptions::default();
    let opts = DemoOptions {
        units: args.units,
        years: args.years,
        last_year: args.last_year.unwrap_or(defaults.last_year),
        seed: args.seed,
        ..defaults
    };
    check_options(&opts)?;
    let store = platform::open(&config).await?;
    let result = fill(store.as_ref(), &Engine::default(), &opts).await;
    store.close().await;
    let summary = result?;
    print_summary(&config, &summary);
    Ok(())
}

pub fn check_options(opts: &DemoOptions) -> Result<(), Failure> {
    if !(1..=100_000).contains(&opts.units) {
        return Err(Failure::usage("单位数应在 1 到 100000 之间"));
    }
    if !(1..=50).contains(&opts.years) {
        return Err(Failure::usage("报告年数应在 1 到 50 之间"));
    }
    if !fazhi_domain::ReportYear::accepts(opts.last_year) {
        return Err(Failure::usage(format!(
            "最近报告年度应在 {} 到 {} 之间",
            fazhi_domain::ReportYear::MIN,
            fazhi_domain::ReportYear::MAX
        )));
    }
    Ok(())
}

/// Populates with a progress bar on a terminal (stderr).
pub async fn fill(
    store: &dyn Store,
    engine: &Engine,
    opts: &DemoOptions,
) -> Result<DemoSummary, Failure> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len}  剩余约 {eta}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        eprintln!(
            "正在生成演示数据：约 {} 个单位，每个单位 {} 年的报告和一年的台账……",
            opts.units, opts.years
        );
        ProgressBar::hidden()
    };
    bar.set_message("生成组织机构");
    let on_progress = |p: Progress| match p {
        Progress::Organisation { units } => {
            bar.set_message(format!("已建 {units} 个单位，创建账号"))
        }
        Progress::Accounts { .. } => bar.set_message("生成并审查报告"),
        Progress::Reports { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Progress::Ledger { done, total } => {
            if done == 0 {
                bar.set_message("写入台账");
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = populate_with_progress(store, engine, opts, &on_progress).await;
    bar.finish_and_clear();
    result.map_err(|e| match e {
        DemoError::NotEmpty(_) => Failure::new(format!(
            "{e}。请换一个数据目录（--data）或数据库，或先备份后清空。"
        )),
        other => Failure::new(other.to_string()),
    })
}

/// The demo at a glance and its accounts, on stdout.
pub fn print_summary(config: &Config, s: &DemoSummary) {
    let mut out = String::new();
    out.push_str(&format!(
        "演示数据已写入（{}）：{} 个行政区划、{} 个单位，报告 {} 份（已公开 {} 份）。\n",
        describe(config),
        s.regions,
        s.units,
        s.reports,
        s.published
    ));
    if s.ledger_records > 0 {
        let planted: usize = s.ledger_planted.values().sum();
        out.push_str(&format!(
            "台账记录 {} 条、附件 {} 份（含预置的程序问题 {planted} 处，可在各单位台账首页查看）。\n",
            s.ledger_records, s.ledger_attachments
        ));
    }
    if !s.findings.is_empty() {
        let parts: Vec<String> = fazhi_report::check::RULES
            .iter()
            .filter_map(|r| s.findings.get(r.id).map(|n| format!("{} {n} 条", r.title)))
            .collect();
        out.push_str(&format!("审查意见：{}。\n", parts.join("；")));
    }
    out.push_str("\n演示账号（密码公开，仅供演示，请勿用于正式环境）：\n");
    let rows: Vec<[String; 4]> = s
        .accounts
        .iter()
        .map(|a| {
            [
                a.login.clone(),
                a.password.clone(),
                a.role.label().to_string(),
                a.scope.clone(),
            ]
        })
        .collect();
    // County supervisors can be many: show a few and say how the rest are named.
    let county = |r: &[String; 4]| r[0].starts_with("dudao-");
    let counties = rows.iter().filter(|r| county(r)).count();
    const SHOWN: usize = 3;
    let mut shown: Vec<[String; 4]> =
        vec![["登录名".into(), "密码".into(), "角色".into(), "范围".into()]];
    let mut seen_counties = 0;
    for r in &rows {
        if county(r) {
            seen_counties += 1;
            if seen_counties > SHOWN {
                continue;
            }
        }
        shown.push(r.clone());
    }
    let widths: Vec<usize> = (0..4)
        .map(|c| shown.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    for r in &shown {
        out.push_str("  ");
        for (c, cell) in r.iter().enumerate() {
            out.push_str(cell);
            if c < 3 {
                out.push_str(&" ".repeat(widths[c] - width(cell) + 2));
            }
        }
        out.push('\n');
    }
    if counties > SHOWN {
        out.push_str(&format!(
            "  ……共 {counties} 个县区督察员账号，登录名为 dudao-县区代码，密码同上。\n"
        ));
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes());
    let _ = stdout.flush();
}

/// Columns on a terminal: CJK characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}
