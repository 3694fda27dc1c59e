//! `fazhi serve`: open (and migrate) the store, on first start create the administrator
//! (or, with `--demo`, the demo data set), then serve the web until SIGINT/SIGTERM.

use crate::cli::ServeArgs;
use crate::config::Layer;
use crate::demo_cmd;
use crate::frameworks_dir;
use crate::platform::{self, describe, grant_admin_at_roots, Failure, Outcome};
use fazhi_demo::DemoOptions;
use fazhi_report::Engine;
use fazhi_store::{Actor, NewUser, Store};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

/// The banner of every page when the server runs the demo.
const DEMO_BANNER: &str =
    "演示环境：青川市及其单位、账号和报告均为虚构，演示账号的密码是公开的，请勿录入真实数据。";

pub fn run(args: &ServeArgs) -> ExitCode {
    platform::run(go(args))
}

async fn go(args: &ServeArgs) -> Outcome {
    let flags = Layer {
        listen: args.listen.clone(),
        max_upload_mb: args.max_upload_mb,
        session_hours: args.session_hours,
        secure_cookies: args.secure_cookies.then_some(true),
        log: args.log.clone(),
        frameworks_dir: args.frameworks_dir.clone(),
        ..Layer::default()
    };
    let config = platform::config(&args.db, flags)?;
    platform::init_logging(&config, "info");
    if let Some(file) = &config.file {
        tracing::info!(file = %file.display(), "已读取配置文件");
    }
    // Before the database: a broken frameworks file stops the start, naming file, line and key.
    let frameworks = frameworks_dir::load(config.frameworks_dir.as_deref())
        .map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(dir) = &config.frameworks_dir {
        tracing::info!(dir = %dir.display(), "已读取框架数据目录");
    }
    let store = platform::open(&config).await?;
    tracing::info!(database = %describe(&config), version = store.schema_version().await.ok(), "数据库已就绪");
    let engine = Arc::new(Engine {
        outline: frameworks.national().clone(),
        settings: frameworks.settings.clone(),
        aliases: frameworks.aliases.clone(),
        ..Engine::default()
    });

    if args.demo {
        if is_empty(store.as_ref()).await? {
            let defaults = DemoOptions::default();
            let opts = DemoOptions {
                units: args.demo_units.unwrap_or(defaults.units),
                years: args.demo_years.unwrap_or(defaults.years),
                ..defaults
            };
            demo_cmd::check_options(&opts)?;
            tracing::info!(units = opts.units, years = opts.years, "写入演示数据");
            let summary = demo_cmd::fill(store.as_ref(), &engine, &opts).await?;
            demo_cmd::print_summary(&config, &summary);
        } else {
            println!("数据库中已有数据，未写入演示数据。");
        }
    }
    if store.count_users().await? == 0 {
        first_admin(store.as_ref()).await?;
    }

    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| Failure::new(format!("无法监听 {}：{e}", config.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::new(format!("无法取得监听地址：{e}")))?;
    let banner = args.demo.then(|| DEMO_BANNER.to_string());
    let state =
        fazhi_web::AppState::with_frameworks(store.clone(), engine, config.web(banner), frameworks);
    let shutdown = shutdown_signal()?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "Fazhi 已启动：http://{addr}/");
        let _ = out.flush();
    }
    tracing::info!(%addr, "开始服务");
    let served = fazhi_web::serve(listener, state, shutdown).await;
    store.close().await;
    served.map_err(|e| Failure::new(format!("服务异常停止：{e}")))?;
    tracing::info!("服务已停止");
    Ok(())
}

async fn is_empty(store: &dyn Store) -> Result<bool, Failure> {
    Ok(store.count_users().await? == 0
        && store.regions().await?.is_empty()
        && store.units(None).await?.is_empty())
}

/// On a database without accounts: `admin` with a random one-time password, printed once.
async fn first_admin(store: &dyn Store) -> Outcome {
    let actor = Actor::system("fazhi serve");
    let password = fazhi_web::ops::one_time_password();
    let hash = crate::admin_cmd::hash(password.clone()).await?;
    let user = store
        .create_user(
            &actor,
            &NewUser {
                login: fazhi_domain::policy::Login::admin(),
                display_name: "系统管理员".to_string(),
                password_hash: hash,
                must_change_password: true,
            },
        )
        .await?;
    let granted = grant_admin_at_roots(store, &actor, user.id).await?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "首次启动：已创建管理员账号 admin，一次性密码：{password}"
    );
    let _ = writeln!(out, "（此密码只显示这一次，请登录后立即修改；忘记时可运行 fazhi admin reset-password --login admin。）");
    if granted.is_empty() {
        let _ = writeln!(
            out,
            "数据库中还没有行政区划：请登录后在“机构管理”（/admin/org）创建第一个行政区划（创建者自动成为其管理员），或用 fazhi import org 文件 导入组织机构后运行 fazhi admin create --login admin 授予管理员权限。"
        );
    }
    let _ = out.flush();
    Ok(())
}

/// Installs the SIGINT and SIGTERM handlers now, before the start line is printed (a
/// supervisor may send SIGTERM as soon as it reads that line), and returns a future that
/// resolves on either signal; the server then finishes running requests.
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>, Failure> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let install = |kind: SignalKind| {
            signal(kind).map_err(|e| Failure::new(format!("无法安装停止信号处理：{e}")))
        };
        let mut interrupt = install(SignalKind::interrupt())?;
        let mut terminate = install(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
            tracing::info!("收到停止信号，正在停止服务");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("收到停止信号，正在停止服务");
        })
    }
}
