//! `fazhi import org FILE` and `fazhi export org`: the organisation as one table (see
//! `fazhi_sheet::org`). An import with any bad row lists every one and imports nothing.

use crate::cli::{ExportOrgArgs, ImportOrgArgs, SheetFormat};
use crate::config::Layer;
use crate::platform::{self, cli_actor, Failure, Outcome};
use fazhi_sheet::org::{org_rows, parse_org, ORG_HEADERS};
use fazhi_sheet::{Format, Limits};
use fazhi_store::{RowError, StoreError};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub fn import(args: &ImportOrgArgs) -> ExitCode {
    platform::run(import_org(args))
}

pub fn export(args: &ExportOrgArgs) -> ExitCode {
    platform::run(export_org(args))
}

async fn import_org(args: &ImportOrgArgs) -> Outcome {
    let config = platform::config(&args.db, Layer::default())?;
    platform::init_logging(&config, "warn");
    let limits = Limits {
        max_bytes: config.max_upload_mb * 1024 * 1024,
        ..Limits::default()
    };
    let path = &args.file;
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| Failure::new(format!("无法读取文件“{shown}”：{e}")))?
        .len();
    if size > limits.max_bytes {
        return Err(Failure::new(format!(
            "文件“{shown}”有 {size} 字节，超过上限 {} MB（可用 FAZHI_MAX_UPLOAD_MB 调整）",
            config.max_upload_mb
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Failure::new(format!("无法读取文件“{shown}”：{e}")))?;
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let rows = match &args.sheet {
        Some(sheet) => fazhi_sheet::read_xlsx(&bytes, Some(sheet), &limits),
        None => fazhi_sheet::read(&name, &bytes, &limits),
    }
    .map_err(|e| Failure::new(format!("文件“{shown}”：{e}")))?;
    let parsed = parse_org(rows).map_err(|errors| row_failure(&shown.to_string(), &errors))?;
    let (lines, rows): (Vec<usize>, Vec<_>) = parsed.into_iter().unzip();
    let store = platform::open(&config).await?;
    let result = store.import_org(&cli_actor(), &rows, &lines).await;
    store.close().await;
    let summary = match result {
        Ok(s) => s,
        Err(StoreError::Rows(errors)) => return Err(row_failure(&shown.to_string(), &errors)),
        Err(e) => return Err(e.into()),
    };
    println!(
        "导入完成：新建行政区划 {} 个、更新 {} 个；新建单位 {} 个、更新 {} 个。",
        summary.regions_created,
        summary.regions_updated,
        summary.units_created,
        summary.units_updated
    );
    Ok(())
}

/// Every bad row on stderr, then the failure.
fn row_failure(file: &str, errors: &[RowError]) -> Failure {
    let mut err = std::io::stderr().lock();
    for e in errors {
        let _ = writeln!(err, "{file} 第 {} 行：{}", e.line, e.message);
    }
    Failure::new(format!(
        "共 {} 行有误，未导入任何数据。请改正后重新导入。",
        errors.len()
    ))
}

async fn export_org(args: &ExportOrgArgs) -> Outcome {
    let config = platform::config(&args.db, Layer::default())?;
    platform::init_logging(&config, "warn");
    let format = match (args.format, &args.output) {
        (Some(SheetFormat::Csv), _) => Format::Csv,
        (Some(SheetFormat::Xlsx), _) => Format::Xlsx,
        (None, Some(p)) => Format::from_name(&p.to_string_lossy()).unwrap_or(Format::Csv),
        (None, None) => Format::Csv,
    };
    if format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::usage(
            "Excel 文件不能输出到终端，请用 --output 指定文件，如 --output 机构.xlsx",
        ));
    }
    let store = platform::open(&config).await?;
    let regions = store.regions().await;
    let units = store.units(None).await;
    store.close().await;
    let (regions, units) = (regions?, units?);
    let rows = org_rows(&regions, &units);
    let bytes = match format {
        Format::Csv => fazhi_sheet::write_csv(&ORG_HEADERS, &rows),
        Format::Xlsx => fazhi_sheet::write_xlsx("组织机构", &ORG_HEADERS, &rows)
            .map_err(|e| Failure::new(e.to_string()))?,
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, &bytes)?;
            eprintln!(
                "已导出 {} 个行政区划、{} 个单位到“{}”。",
                regions.len(),
                units.len(),
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Failure::new(format!("无法写出：{e}")))?;
        }
    }
    Ok(())
}

/// Writes next to the destination, then renames: a reader never sees half a file.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let fail = |e: std::io::Error| Failure::new(format!("无法写入“{}”：{e}", path.display()));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
