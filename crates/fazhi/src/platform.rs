//! What the platform commands (serve, demo, admin, import, export, backup, restore, migrate)
//! share: the configuration, logging, the runtime, opening the store, and how a failure
//! becomes a Chinese message and an exit code.

use crate::cli::{DbArgs, EXIT_USAGE};
use crate::config::{real_env, Config, Layer};
use fazhi_domain::{Grant, Node, Role, UserId};
use fazhi_store::{Actor, Store, StoreError};
use std::future::Future;
use std::process::ExitCode;
use std::sync::Arc;

/// Why a command stopped: the message for the person, and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    /// The command could not do its work (exit 1).
    pub fn new(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// The command was asked for something it does not do this way (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::new(e.to_string())
    }
}

pub type Outcome = Result<(), Failure>;

/// Runs an async command on a fresh runtime; a failure is printed as `错误：…`.
pub fn run(work: impl Future<Output = Outcome>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(work) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("错误：{}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// The configuration with `--config`, `--data` and `--database` of `db` and `more` flags
/// as the top layer.
pub fn config(db: &DbArgs, more: Layer) -> Result<Config, Failure> {
    let cwd =
        std::env::current_dir().map_err(|e| Failure::new(format!("无法确定当前目录：{e}")))?;
    let flags = Layer {
        data: db.data.clone().or(more.data.clone()),
        database: db.database.clone().or(more.database.clone()),
        ..more
    };
    Config::load(db.config.as_deref(), &cwd, &real_env, &flags).map_err(Failure::usage)
}

/// Structured logs to stderr: the filter from the configuration (`log`, `FAZHI_LOG`), else
/// `RUST_LOG`, else `default`.
pub fn init_logging(config: &Config, default: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = config
        .log
        .clone()
        .or_else(|| {
            std::env::var("RUST_LOG")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| default.to_string());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|e| {
        eprintln!("提示：日志级别“{filter}”无效（{e}），改用 {default}");
        EnvFilter::new(default)
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Opens (and migrates) the store the configuration names.
pub async fn open(config: &Config) -> Result<Arc<dyn Store>, Failure> {
    fazhi_store::open(&config.target())
        .await
        .map_err(|e| Failure::new(format!("无法打开数据库（{}）：{e}", describe(config))))
}

/// The database in words: the SQLite file, or the PostgreSQL server without its password.
pub fn describe(config: &Config) -> String {
    match &config.database {
        Some(url) => format!("PostgreSQL {}", without_password(url)),
        None => format!("SQLite {}", config.sqlite_path().display()),
    }
}

fn without_password(url: &str) -> String {
    // postgres://user:secret@host/db → postgres://user:***@host/db
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Who changes things from the command line, in the audit log.
pub fn cli_actor() -> Actor {
    Actor {
        user_id: None,
        login: "cli".to_string(),
        addr: "cli".to_string(),
    }
}

/// Grants 系统管理员 at every top-level region the user does not hold it at yet; returns
/// the names of the regions newly granted.
pub async fn grant_admin_at_roots(
    store: &dyn Store,
    actor: &Actor,
    user: UserId,
) -> Result<Vec<String>, Failure> {
    let held = store.grants(user).await?;
    let mut granted = Vec::new();
    for root in store
        .regions()
        .await?
        .into_iter()
        .filter(|r| fazhi_domain::access::is_root(&r.path))
    {
        let grant = Grant {
            role: Role::Admin,
            node: Node::Region(root.id),
        };
        if !held.iter().any(|g| g.grant == grant) {
            store.grant(actor, user, grant).await?;
            granted.push(root.name);
        }
    }
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            without_password("postgres://fazhi:s3cret@db:5432/fazhi"),
            "postgres://fazhi:***@db:5432/fazhi"
        );
        assert_eq!(
            without_password("postgres://db/fazhi"),
            "postgres://db/fazhi"
        );
    }
}
