//! `fazhi backup`, `fazhi restore` and `fazhi migrate`.
//!
//! The uploaded files live inside the database, so with SQLite one file is the whole
//! platform: `backup` writes a consistent copy while the server runs, `restore` puts such a
//! copy in place (checked first, moved in atomically). PostgreSQL is backed up and restored
//! with its own tools.

use crate::cli::{BackupArgs, DbArgs, RestoreArgs};
use crate::config::Layer;
use crate::platform::{self, describe, Failure, Outcome};
use fazhi_store::{DbTarget, StoreError};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn backup(args: &BackupArgs) -> ExitCode {
    platform::run(run_backup(args))
}

pub fn restore(args: &RestoreArgs) -> ExitCode {
    platform::run(run_restore(args))
}

pub fn migrate(args: &DbArgs) -> ExitCode {
    platform::run(run_migrate(args))
}

async fn run_backup(args: &BackupArgs) -> Outcome {
    let config = platform::config(&args.db, Layer::default())?;
    platform::init_logging(&config, "warn");
    if config.database.is_some() {
        return Err(Failure::usage(fazhi_store::PG_BACKUP_HINT));
    }
    if !config.sqlite_path().exists() {
        return Err(Failure::new(format!(
            "找不到数据库 {}，没有可备份的数据",
            config.sqlite_path().display()
        )));
    }
    let store = platform::open(&config).await?;
    let result = store.backup_to(&args.output).await;
    let version = store.schema_version().await;
    store.close().await;
    match result {
        Ok(()) => {}
        Err(StoreError::Unsupported(msg)) => return Err(Failure::usage(msg)),
        Err(e) => return Err(e.into()),
    }
    let size = std::fs::metadata(&args.output)
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "已备份到“{}”（{}，数据库版本 {}）。上传的报告文件都在数据库中，这一个文件即完整备份。",
        args.output.display(),
        human_size(size),
        version.map_or_else(|_| "未知".to_string(), |v| v.to_string())
    );
    Ok(())
}

async fn run_migrate(args: &DbArgs) -> Outcome {
    let config = platform::config(args, Layer::default())?;
    platform::init_logging(&config, "info");
    let store = platform::open(&config).await?;
    let version = store.schema_version().await;
    store.close().await;
    println!(
        "数据库（{}）已是最新结构，版本 {}。",
        describe(&config),
        version?
    );
    Ok(())
}

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

async fn run_restore(args: &RestoreArgs) -> Outcome {
    let db = DbArgs {
        config: args.config.clone(),
        data: args.data.clone(),
        database: None,
    };
    let config = platform::config(&db, Layer::default())?;
    platform::init_logging(&config, "warn");
    if config.database.is_some() {
        return Err(Failure::usage(
            "PostgreSQL 请使用 pg_restore 恢复：pg_restore --clean --dbname=<数据库URL> fazhi.dump",
        ));
    }
    let target = config.sqlite_path();
    let input = &args.input;
    check_sqlite_file(input)?;
    if target.exists() && !args.force {
        return Err(Failure::new(format!(
            "数据库 {} 已存在。恢复会替换其中的全部数据：请先停止服务，确认后加 --force 重新运行（原数据库会改名保留）。",
            target.display()
        )));
    }
    let dir = target
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::new(format!("无法创建数据目录 {}：{e}", dir.display())))?;

    // A copy next to the target, opened (and so migrated) and checked there; only a copy that
    // opens goes in place, by rename.
    let staging = tempfile::Builder::new()
        .prefix(".fazhi-restore-")
        .suffix(".sqlite3")
        .tempfile_in(&dir)
        .map_err(|e| Failure::new(format!("无法在 {} 创建临时文件：{e}", dir.display())))?
        .into_temp_path();
    std::fs::copy(input, &staging)
        .map_err(|e| Failure::new(format!("无法复制备份文件“{}”：{e}", input.display())))?;
    let version = verify(&staging)
        .await
        .inspect_err(|_| remove_sidecars(&staging))?;

    let kept = if target.exists() {
        Some(set_aside(&target)?)
    } else {
        None
    };
    staging
        .persist(&target)
        .map_err(|e| Failure::new(format!("无法把恢复的数据库放到 {}：{e}", target.display())))?;
    println!(
        "已从“{}”恢复数据库到 {}（数据库版本 {version}）。",
        input.display(),
        target.display()
    );
    if let Some(old) = kept {
        println!("原数据库已改名保留为 {}。", old.display());
    }
    Ok(())
}

/// Refuses anything that is not an SQLite database before copying it.
fn check_sqlite_file(path: &Path) -> Result<(), Failure> {
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path)
        .map_err(|e| Failure::new(format!("无法读取备份文件“{}”：{e}", path.display())))?;
    let ok = f.read_exact(&mut head).is_ok() && &head == SQLITE_MAGIC;
    if ok {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "“{}”不是 SQLite 数据库文件，无法恢复",
            path.display()
        )))
    }
}

/// Opens the staged copy with the store: a database newer than this program
/// ([`fazhi_store::SCHEMA_VERSION`]) is refused there ([`StoreError::TooNew`]), an older one is migrated. Returns its version. The copy
/// must be an existing Fazhi database: one without a single account or region is refused.
async fn verify(path: &Path) -> Result<i64, Failure> {
    let store = fazhi_store::open(&DbTarget::Sqlite(path.to_path_buf()))
        .await
        .map_err(|e| match e {
            StoreError::TooNew { found, supported } => Failure::new(format!(
                "备份的数据库版本 {found} 高于本程序支持的版本 {supported}，请先升级程序再恢复"
            )),
            other => Failure::new(format!("备份文件无法作为数据库打开：{other}")),
        })?;
    let checks = async {
        let version = store.schema_version().await?;
        let users = store.count_users().await?;
        let regions = store.regions().await?.len();
        Ok::<_, StoreError>((version, users, regions))
    }
    .await;
    store.close().await;
    let (version, users, regions) = checks?;
    if users == 0 && regions == 0 {
        return Err(Failure::new(
            "备份文件中没有任何账号和行政区划，不像是 Fazhi 的备份，未恢复",
        ));
    }
    // A clean close checkpoints and removes the write-ahead log; one left behind would
    // hold data the renamed file lacks.
    let wal = sidecar(path, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Failure::new("备份文件校验后未能完整写回，请重试"));
    }
    remove_sidecars(path);
    Ok(version)
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_sidecars(path: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sidecar(path, suffix));
    }
}

/// Renames the current database (with its -wal and -shm) out of the way and returns its
/// new name; its write-ahead log goes with it, so it stays a complete database.
fn set_aside(target: &Path) -> Result<PathBuf, Failure> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let aside = sidecar(target, &format!(".before-restore-{stamp}"));
    for suffix in ["-wal", "-shm", ""] {
        let from = sidecar(target, suffix);
        if from.exists() {
            std::fs::rename(&from, sidecar(&aside, suffix)).map_err(|e| {
                Failure::new(format!("无法把原数据库 {} 改名保留：{e}", from.display()))
            })?;
        }
    }
    Ok(aside)
}

fn human_size(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if bytes as f64 >= MIB {
        format!("{:.1} MB", bytes as f64 / MIB)
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}
