//! `fazhi admin create | reset-password | disable`: accounts from the command line, for the
//! first administrator and for when nobody can log in any more.
//!
//! An administrator is an account holding 系统管理员 at a top-level region. `create` grants
//! it at every top-level region there is; on a database without regions the account is
//! created without a role, and running `create` again for the same login after the
//! organisation is imported (`fazhi import org`) grants it then — `create` on an existing
//! login only adds the missing grants and leaves the password alone.

use crate::cli::{AdminCommand, AdminCreateArgs, LoginArgs};
use crate::config::Layer;
use crate::platform::{self, cli_actor, grant_admin_at_roots, Failure, Outcome};
use fazhi_store::{NewUser, PasswordSet, Store, User};
use std::io::BufRead;
use std::process::ExitCode;

pub fn run(cmd: &AdminCommand) -> ExitCode {
    platform::run(async move {
        match cmd {
            AdminCommand::Create(a) => create(a).await,
            AdminCommand::ResetPassword(a) => reset_password(a).await,
            AdminCommand::Disable(a) => disable(a).await,
        }
    })
}

async fn open(db: &crate::cli::DbArgs) -> Result<std::sync::Arc<dyn Store>, Failure> {
    platform::open(&configure(db)?).await
}

fn configure(db: &crate::cli::DbArgs) -> Result<crate::config::Config, Failure> {
    let config = platform::config(db, Layer::default())?;
    platform::init_logging(&config, "warn");
    Ok(config)
}

/// The login policy of the pages and the API ([`fazhi_domain::policy::check_login`]): the
/// login parsed once, as they parse it, or the usage error naming it.
fn check_login(login: &str) -> Result<fazhi_domain::Login, Failure> {
    fazhi_domain::policy::check_login(login).map_err(|e| {
        Failure::usage(format!(
            "登录名“{}”无效：{e}",
            fazhi_domain::policy::bounded_login(login)
        ))
    })
}

async fn create(args: &AdminCreateArgs) -> Outcome {
    let login = check_login(&args.login)?;
    let config = configure(&args.db)?;
    // Read the password before touching the database, so a bad one changes nothing. The
    // common passwords are those of the configured frameworks directory, as for the pages.
    let password = if args.password_stdin {
        let frameworks = crate::frameworks_dir::load(config.frameworks_dir.as_deref())
            .map_err(|e| Failure::usage(e.to_string()))?;
        let p = read_password_line()?;
        fazhi_domain::policy::check_password_with(&p, login.as_str(), &frameworks.passwords)
            .map_err(|e| Failure::usage(e.to_string()))?;
        Some(p)
    } else {
        None
    };
    let store = platform::open(&config).await?;
    let actor = cli_actor();
    if let Some(user) = store.user_by_login(login.as_str()).await? {
        let granted = grant_admin_at_roots(store.as_ref(), &actor, user.id).await?;
        if granted.is_empty() {
            println!(
                "账号“{}”已存在，已拥有所有顶级行政区划的管理员权限，未作改动。",
                user.login
            );
        } else {
            println!(
                "账号“{}”已存在，已补授管理员权限：{}。密码未改动。",
                user.login,
                granted.join("、")
            );
        }
        store.close().await;
        return Ok(());
    }
    let (clear, must_change) = match password {
        Some(p) => (p, false),
        None => (fazhi_web::ops::one_time_password(), true),
    };
    let hash = hash(clear.clone()).await?;
    let user = store
        .create_user(
            &actor,
            &NewUser {
                login: login.clone(),
                display_name: args
                    .name
                    .clone()
                    .unwrap_or_else(|| "系统管理员".to_string()),
                password_hash: hash,
                must_change_password: must_change,
            },
        )
        .await?;
    let granted = grant_admin_at_roots(store.as_ref(), &actor, user.id).await?;
    store.close().await;
    println!("已创建管理员账号“{}”。", user.login);
    if must_change {
        println!("一次性密码：{clear}");
        println!("（此密码只显示这一次，首次登录后须修改。）");
    }
    if granted.is_empty() {
        println!(
            "提示：数据库中还没有行政区划，该账号暂无管理权限。导入组织机构（fazhi import org 文件）后，再运行一次 fazhi admin create --login {} 即可授予权限。",
            user.login
        );
    } else {
        println!("管理员权限：{}", granted.join("、"));
    }
    Ok(())
}

async fn reset_password(args: &LoginArgs) -> Outcome {
    let store = open(&args.db).await?;
    let user = find(store.as_ref(), &args.login).await?;
    let clear = fazhi_web::ops::one_time_password();
    let hash = hash(clear.clone()).await?;
    let revoked = store
        .set_password(&cli_actor(), user.id, &hash, PasswordSet::Reset)
        .await?;
    store.close().await;
    println!("已重置账号“{}”的密码。", user.login);
    println!("一次性密码：{clear}");
    println!("（此密码只显示这一次，登录后须修改。）");
    if revoked > 0 {
        println!("该账号的 {revoked} 个 API 令牌已随之吊销。");
    }
    if user.disabled {
        println!("注意：该账号已停用，重置密码后仍无法登录。");
    }
    Ok(())
}

async fn disable(args: &LoginArgs) -> Outcome {
    let store = open(&args.db).await?;
    let user = find(store.as_ref(), &args.login).await?;
    if user.disabled {
        println!("账号“{}”已是停用状态。", user.login);
    } else {
        store.set_disabled(&cli_actor(), user.id, true).await?;
        println!(
            "已停用账号“{}”，其登录会话已结束、API 令牌已吊销。",
            user.login
        );
    }
    store.close().await;
    Ok(())
}

async fn find(store: &dyn Store, login: &str) -> Result<User, Failure> {
    store
        .user_by_login(login)
        .await?
        .ok_or_else(|| Failure::new(format!("找不到账号“{login}”")))
}

/// Argon2 takes a while; off the async threads.
pub async fn hash(password: String) -> Result<String, Failure> {
    tokio::task::spawn_blocking(move || fazhi_domain::password::hash_password(&password))
        .await
        .map_err(|e| Failure::new(format!("密码加密失败：{e}")))
}

/// The first line of standard input, without its line end.
fn read_password_line() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::new(format!("无法从标准输入读取密码：{e}")))?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(Failure::usage("标准输入中没有密码（第一行为空）"));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins() {
        assert!(check_login("admin").is_ok());
        assert!(check_login("zhang.san@qc").is_ok());
        assert!(check_login("").is_err());
        assert!(check_login("a b").is_err());
        assert!(check_login("张三").is_ok());
        assert!(check_login("ad\u{200B}min").is_err());
        assert!(check_login(&"a".repeat(65)).is_err());
    }
}
