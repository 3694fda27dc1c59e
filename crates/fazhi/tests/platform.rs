//! The platform commands as a user runs them: the built binary on fresh data directories.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn fazhi(dir: &Path, args: &[&str]) -> Output {
    fazhi_env(dir, args, &[])
}

/// The binary with `args`, to run in `dir` with no `FAZHI_*` or `RUST_LOG` from the
/// developer's environment.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fazhi"));
    cmd.args(args).current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("FAZHI_") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Runs in `dir` with no `FAZHI_*` or `RUST_LOG` from the developer's environment.
fn fazhi_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(dir, args);
    cmd.envs(env.iter().copied());
    cmd.output().expect("run fazhi")
}

/// `fazhi admin create --login LOGIN --password-stdin` in `dir`, the password and a line
/// break on its standard input.
fn admin_create_stdin(dir: &Path, login: &str, password: &str) -> Output {
    let mut child = command(
        dir,
        &["admin", "create", "--login", login, "--password-stdin"],
    )
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// A small demo (fast in debug builds) in `dir/data`.
fn demo(dir: &Path, data: &str) {
    let o = fazhi(
        dir,
        &[
            "demo",
            "--data",
            data,
            "--units",
            "12",
            "--years",
            "1",
            "--last-year",
            "2024",
        ],
    );
    ok(&o);
    assert!(stdout(&o).contains("演示账号"), "{}", stdout(&o));
}

fn export_csv(dir: &Path, data: &str) -> String {
    let o = fazhi(dir, &["export", "org", "--data", data]);
    ok(&o);
    let bytes = o.stdout;
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV for Excel starts with a BOM"
    );
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

#[test]
fn exported_organisation_imports_into_a_fresh_database() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo(dir, "a");
    let csv = export_csv(dir, "a");
    assert!(
        csv.starts_with("类别,代码,名称,简称,类型,上级代码\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("单位,99100010,青川市科学技术和工业信息化局,市科工局,政府工作部门,991000"),
        "{csv}"
    );

    for (file, format) in [("机构.csv", "csv"), ("机构.xlsx", "xlsx")] {
        let o = fazhi(dir, &["export", "org", "--data", "a", "--output", file]);
        ok(&o);
        let fresh = format!("b-{format}");
        let o = fazhi(dir, &["import", "org", "--data", &fresh, file]);
        ok(&o);
        assert!(
            stdout(&o).contains("导入完成：新建行政区划"),
            "{}",
            stdout(&o)
        );
        assert_eq!(export_csv(dir, &fresh), csv, "{format}");
        // Importing the same file again updates, creates nothing.
        let o = fazhi(dir, &["import", "org", "--data", &fresh, file]);
        ok(&o);
        assert!(stdout(&o).contains("新建行政区划 0 个"), "{}", stdout(&o));
    }
}

#[test]
fn a_bad_import_lists_every_bad_row_and_imports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "类别,代码,名称,简称,类型,上级代码\n\
                区域,991000,青川市,,市,\n\
                单位,99100001,青川市教育局,市教育局,政府工作部门,991000\n\
                部门,99100002,青川市财政局,,政府工作部门,991000\n\
                单位,,青川市商务局,,政府工作部门,991000\n\
                单位,99100003,青川市水利局,,委员会,991000\n";
    // As Excel on Chinese Windows saves it.
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    std::fs::write(dir.join("机构.csv"), &gbk).unwrap();
    let o = fazhi(dir, &["import", "org", "--data", "d", "机构.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    for line in [
        "第 4 行：类别“部门”无效",
        "第 5 行：代码为空",
        "第 6 行：单位类型“委员会”无效",
    ] {
        assert!(err.contains(line), "{line} in {err}");
    }
    assert!(err.contains("共 3 行有误，未导入任何数据"), "{err}");
    // Nothing went in.
    assert_eq!(
        export_csv(dir, "d"),
        "类别,代码,名称,简称,类型,上级代码\r\n"
    );

    // Rows the file alone cannot judge (an unknown parent) are the store's: same story.
    std::fs::write(
        dir.join("父级.csv"),
        "类别,代码,名称,简称,类型,上级代码\n区域,991000,青川市,,市,\n单位,99100001,青川市教育局,,政府工作部门,990000\n",
    )
    .unwrap();
    let o = fazhi(dir, &["import", "org", "--data", "d", "父级.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("第 3 行"), "{}", stderr(&o));
    assert_eq!(
        export_csv(dir, "d"),
        "类别,代码,名称,简称,类型,上级代码\r\n"
    );
}

#[test]
fn backup_then_restore_gives_the_same_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo(dir, "a");
    let o = fazhi(
        dir,
        &["backup", "--data", "a", "--output", "备份/fazhi.sqlite3"],
    );
    ok(&o);
    assert!(stdout(&o).contains("已备份到"), "{}", stdout(&o));
    // Not over an existing file.
    let o = fazhi(
        dir,
        &["backup", "--data", "a", "--output", "备份/fazhi.sqlite3"],
    );
    assert_eq!(o.status.code(), Some(1));

    let o = fazhi(
        dir,
        &["restore", "--data", "b", "--input", "备份/fazhi.sqlite3"],
    );
    ok(&o);
    assert!(stdout(&o).contains("已从"), "{}", stdout(&o));
    assert_eq!(export_csv(dir, "b"), export_csv(dir, "a"));
    assert_eq!(uploads(&dir.join("b")), uploads(&dir.join("a")));
    assert!(!uploads(&dir.join("a")).is_empty());

    // Not over an existing database without --force; with it, the old one is kept aside.
    let o = fazhi(
        dir,
        &["restore", "--data", "b", "--input", "备份/fazhi.sqlite3"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    let o = fazhi(
        dir,
        &[
            "restore",
            "--data",
            "b",
            "--input",
            "备份/fazhi.sqlite3",
            "--force",
        ],
    );
    ok(&o);
    assert!(stdout(&o).contains("原数据库已改名保留"), "{}", stdout(&o));
    assert_eq!(export_csv(dir, "b"), export_csv(dir, "a"));

    // Not from something that is not a database.
    std::fs::write(dir.join("假.sqlite3"), "类别,代码\n").unwrap();
    let o = fazhi(dir, &["restore", "--data", "c", "--input", "假.sqlite3"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("不是 SQLite 数据库文件"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("c/fazhi.sqlite3").exists());
}

/// (unit code, year, sha256, published) of every upload, read with the store itself.
fn uploads(data: &Path) -> Vec<(String, i32, String, bool)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = fazhi_store::open(&fazhi_store::DbTarget::Sqlite(data.join("fazhi.sqlite3")))
            .await
            .unwrap();
        let mut out = Vec::new();
        for u in store.units(None).await.unwrap() {
            for up in store.uploads_of_unit(u.id, None).await.unwrap() {
                out.push((
                    u.code.clone(),
                    up.year,
                    up.sha256,
                    up.published_at.is_some(),
                ));
            }
        }
        store.close().await;
        out.sort();
        out
    })
}

#[test]
fn postgres_backup_is_pg_dump() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fazhi_env(
        tmp.path(),
        &["backup", "--output", "x.dump"],
        &[("FAZHI_DATABASE", "postgres://fazhi@127.0.0.1:1/fazhi")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pg_dump"), "{}", stderr(&o));
}

#[test]
fn admin_create_reset_and_disable() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Before any region: the account, no role yet, and a hint.
    let o = fazhi(
        dir,
        &["admin", "create", "--login", "root", "--name", "总管理员"],
    );
    ok(&o);
    let out = stdout(&o);
    assert!(
        out.contains("一次性密码：") && out.contains("fazhi import org"),
        "{out}"
    );
    let first = one_time_password(&out);

    std::fs::write(
        dir.join("机构.csv"),
        "类别,代码,名称,简称,类型,上级代码\n区域,991000,青川市,,市,\n",
    )
    .unwrap();
    ok(&fazhi(dir, &["import", "org", "机构.csv"]));
    // Again: only the grant is added, the password stays.
    let o = fazhi(dir, &["admin", "create", "--login", "root"]);
    ok(&o);
    assert!(
        stdout(&o).contains("已补授管理员权限：青川市"),
        "{}",
        stdout(&o)
    );

    let o = fazhi(dir, &["admin", "reset-password", "--login", "root"]);
    ok(&o);
    let second = one_time_password(&stdout(&o));
    assert_ne!(first, second);

    // A chosen password from stdin; a weak one is refused before anything changes.
    let run_stdin = |login: &str, password: &str| admin_create_stdin(dir, login, password);
    let o = run_stdin("weak", "123");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("密码"), "{}", stderr(&o));
    let o = run_stdin("zhang", "Qingchuan-2025");
    ok(&o);
    assert!(!stdout(&o).contains("一次性密码"), "{}", stdout(&o));
    assert!(stdout(&o).contains("管理员权限：青川市"), "{}", stdout(&o));

    let o = fazhi(dir, &["admin", "disable", "--login", "zhang"]);
    ok(&o);
    assert!(stdout(&o).contains("已停用账号“zhang”"), "{}", stdout(&o));
    let o = fazhi(dir, &["admin", "reset-password", "--login", "nobody"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("找不到账号“nobody”"), "{}", stderr(&o));

    // What the store holds.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = fazhi_store::open(&fazhi_store::DbTarget::Sqlite(
            dir.join("fazhi-data/fazhi.sqlite3"),
        ))
        .await
        .unwrap();
        let root = store.user_by_login("root").await.unwrap().unwrap();
        assert_eq!(root.display_name, "总管理员");
        assert!(root.must_change_password);
        assert!(fazhi_domain::password::verify_password(
            &root.password_hash,
            &second
        ));
        assert_eq!(store.grants(root.id).await.unwrap().len(), 1);
        let zhang = store.user_by_login("zhang").await.unwrap().unwrap();
        assert!(!zhang.must_change_password && zhang.disabled);
        assert!(fazhi_domain::password::verify_password(
            &zhang.password_hash,
            "Qingchuan-2025"
        ));
        assert!(store.user_by_login("weak").await.unwrap().is_none());
        store.close().await;
    });
}

/// `admin create --password-stdin` refuses the common passwords of the configured frameworks
/// directory (here from the configuration file), as the pages do.
#[test]
fn admin_create_uses_the_common_passwords_of_the_frameworks_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let create = |login: &str, password: &str| admin_create_stdin(dir, login, password);
    std::fs::create_dir_all(dir.join("本地框架")).unwrap();
    std::fs::write(
        dir.join("本地框架/common-passwords.txt"),
        "# 本省常见密码\nqingchuan-2025\n",
    )
    .unwrap();
    std::fs::write(dir.join("fazhi.toml"), "frameworks_dir = \"本地框架\"\n").unwrap();
    let o = create("zhang", "Qingchuan-2025");
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("密码"), "{}", stderr(&o));
    assert!(
        !dir.join("fazhi-data").exists(),
        "refused before the database"
    );
    ok(&create("zhang", "Baisha-2025-x"));
}

fn one_time_password(out: &str) -> String {
    out.lines()
        .find_map(|l| l.split("一次性密码：").nth(1))
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| panic!("no password in {out}"))
}

#[test]
fn configuration_file_then_environment_then_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("fazhi.toml"), "data = \"从文件\"\n").unwrap();
    let migrate = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["migrate"];
        all.extend_from_slice(args);
        let o = fazhi_env(dir, &all, env);
        ok(&o);
        stdout(&o)
    };
    assert!(migrate(&[], &[]).contains("从文件/fazhi.sqlite3"));
    assert!(migrate(&[], &[("FAZHI_DATA", "从环境")]).contains("从环境/fazhi.sqlite3"));
    assert!(migrate(&["--data", "从参数"], &[("FAZHI_DATA", "从环境")])
        .contains("从参数/fazhi.sqlite3"));
    std::fs::write(dir.join("其他.toml"), "data = \"其他\"\n").unwrap();
    assert!(migrate(&["--config", "其他.toml"], &[]).contains("其他/fazhi.sqlite3"));
    assert!(dir.join("从文件/fazhi.sqlite3").exists());
    assert!(migrate(&[], &[]).contains("版本"));

    // Mistakes are usage errors in Chinese.
    std::fs::write(dir.join("fazhi.toml"), "dta = \"x\"\n").unwrap();
    let o = fazhi(dir, &["migrate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不认识的配置项“dta”"), "{}", stderr(&o));
    let o = fazhi_env(
        dir,
        &["migrate", "--config", "其他.toml"],
        &[("FAZHI_SESSION_HOURS", "半天")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("FAZHI_SESSION_HOURS"), "{}", stderr(&o));
}

#[test]
fn demo_refuses_a_database_with_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    demo(dir, "a");
    let o = fazhi(
        dir,
        &["demo", "--data", "a", "--units", "5", "--years", "1"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("演示数据只能写入空数据库"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_creates_the_first_admin_serves_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data", "d"])
        .current_dir(tmp.path())
        .env_remove("FAZHI_LISTEN")
        .env_remove("FAZHI_DATA")
        .env_remove("FAZHI_DATABASE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let addr = loop {
        assert!(Instant::now() < deadline, "no start line in {printed:?}");
        let line = lines.next().expect("server output").unwrap();
        if let Some(rest) = line.strip_prefix("Fazhi 已启动：http://") {
            break rest.trim_end_matches('/').to_string();
        }
        printed.push(line);
    };
    assert!(
        printed
            .iter()
            .any(|l| l.contains("管理员账号 admin，一次性密码：")),
        "{printed:?}"
    );

    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .write_all(
            format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    // SAFETY: sends SIGTERM to the child this test started and still owns.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(sent, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));

    // A second start finds the account and prints no password.
    let o = fazhi(
        tmp.path(),
        &["admin", "reset-password", "--data", "d", "--login", "admin"],
    );
    ok(&o);
}

#[test]
fn serve_refuses_to_start_on_a_broken_frameworks_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("本地框架")).unwrap();
    std::fs::write(
        dir.join("本地框架/procedures.toml"),
        "comment_days = 30\nlegality_review_working_days = 7\nfiling_days = \"三十\"\n",
    )
    .unwrap();
    let args = ["serve", "--listen", "127.0.0.1:0", "--data", "d"];
    let check = |o: &Output| {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
        let err = stderr(o);
        assert!(
            err.contains("procedures.toml")
                && err.contains("第 3 行")
                && err.contains("filing_days"),
            "{err}"
        );
        assert!(
            !dir.join("d").exists(),
            "refused before opening the database"
        );
    };
    let mut flagged = args.to_vec();
    flagged.extend(["--frameworks-dir", "本地框架"]);
    check(&fazhi(dir, &flagged));
    check(&fazhi_env(
        dir,
        &args,
        &[("FAZHI_FRAMEWORKS_DIR", "本地框架")],
    ));
    std::fs::write(dir.join("fazhi.toml"), "frameworks_dir = \"本地框架\"\n").unwrap();
    check(&fazhi(dir, &args));
}
