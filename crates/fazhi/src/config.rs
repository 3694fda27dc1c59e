//! Configuration of the platform commands, in layers, each overriding the one before:
//! built-in defaults → the config file (TOML: `--config PATH`, else `fazhi.toml` in the
//! current directory when there is one) → `FAZHI_*` environment variables → command-line flags.

use fazhi_store::DbTarget;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file read when `--config` is not given, if it exists in the current directory.
pub const DEFAULT_FILE: &str = "fazhi.toml";

/// The SQLite file inside the data directory.
pub const SQLITE_FILE: &str = "fazhi.sqlite3";

/// Settings after all layers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address the server listens on (`127.0.0.1:8080`; port 0 picks a free one).
    pub listen: String,
    /// Directory of the SQLite database (when no `database` URL is set).
    pub data: PathBuf,
    /// A `postgres://…` URL; when set, PostgreSQL is used instead of SQLite.
    pub database: Option<String>,
    pub max_upload_mb: u64,
    pub session_hours: i64,
    pub secure_cookies: bool,
    /// Log filter (`info`, `fazhi_web=debug` …); `None`: `RUST_LOG`, else `info`.
    pub log: Option<String>,
    /// An operator's frameworks directory whose files replace the built-in ones of the same
    /// name (`crate::frameworks_dir::load`); `None`: the built-in data only.
    pub frameworks_dir: Option<PathBuf>,
    /// The config file that was read, if any (for messages).
    pub file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".to_string(),
            data: PathBuf::from("fazhi-data"),
            database: None,
            max_upload_mb: 20,
            session_hours: 12,
            secure_cookies: false,
            log: None,
            frameworks_dir: None,
            file: None,
        }
    }
}

/// One layer: what it sets, everything else left as the layers below have it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    pub listen: Option<String>,
    pub data: Option<PathBuf>,
    pub database: Option<String>,
    pub max_upload_mb: Option<u64>,
    pub session_hours: Option<i64>,
    pub secure_cookies: Option<bool>,
    pub log: Option<String>,
    pub frameworks_dir: Option<PathBuf>,
}

impl Config {
    /// Reads every layer. `explicit` is `--config`; `cwd` is where `fazhi.toml` is looked
    /// for; `env` reads an environment variable (the real one in the binary, a map in tests).
    pub fn load(
        explicit: Option<&Path>,
        cwd: &Path,
        env: &dyn Fn(&str) -> Option<String>,
        flags: &Layer,
    ) -> Result<Config, String> {
        let mut config = Config::default();
        let file = match explicit {
            Some(p) => {
                if !p.is_file() {
                    return Err(format!("找不到配置文件“{}”", p.display()));
                }
                Some(p.to_path_buf())
            }
            None => Some(cwd.join(DEFAULT_FILE)).filter(|p| p.is_file()),
        };
        if let Some(path) = &file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("无法读取配置文件“{}”：{e}", path.display()))?;
            let mut layer =
                parse_file(&text).map_err(|e| format!("配置文件“{}”有误：{e}", path.display()))?;
            // A relative data or frameworks directory in a file means relative to that file,
            // so a service started from anywhere finds the same data.
            if let Some(dir) = path.parent() {
                for p in [&mut layer.data, &mut layer.frameworks_dir]
                    .into_iter()
                    .flatten()
                {
                    if p.is_relative() {
                        *p = dir.join(&*p);
                    }
                }
            }
            config.apply(&layer);
            config.file = Some(path.clone());
        }
        config.apply(&env_layer(env)?);
        config.apply(flags);
        config.validate()?;
        Ok(config)
    }

    fn apply(&mut self, layer: &Layer) {
        let Layer {
            listen,
            data,
            database,
            max_upload_mb,
            session_hours,
            secure_cookies,
            log,
            frameworks_dir,
        } = layer.clone();
        if let Some(v) = listen {
            self.listen = v;
        }
        if let Some(v) = data {
            self.data = v;
        }
        if let Some(v) = database {
            // An empty value switches PostgreSQL off again (back to SQLite).
            self.database = Some(v).filter(|s| !s.trim().is_empty());
        }
        if let Some(v) = max_upload_mb {
            self.max_upload_mb = v;
        }
        if let Some(v) = session_hours {
            self.session_hours = v;
        }
        if let Some(v) = secure_cookies {
            self.secure_cookies = v;
        }
        if let Some(v) = log {
            self.log = Some(v).filter(|s| !s.trim().is_empty());
        }
        if let Some(v) = frameworks_dir {
            // An empty value goes back to the built-in data.
            self.frameworks_dir = Some(v).filter(|p| !p.as_os_str().is_empty());
        }
    }

    fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.database {
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return Err(
                    "数据库地址应以 postgres:// 或 postgresql:// 开头（使用 SQLite 时不要设置 database，只设置数据目录 data）"
                        .to_string(),
                );
            }
        }
        if self.max_upload_mb == 0 || self.max_upload_mb > 1024 {
            return Err(format!(
                "上传大小上限 max_upload_mb 应在 1 到 1024 之间（现为 {}）",
                self.max_upload_mb
            ));
        }
        if !(1..=24 * 90).contains(&self.session_hours) {
            return Err(format!(
                "登录有效期 session_hours 应在 1 到 2160 小时之间（现为 {}）",
                self.session_hours
            ));
        }
        if self.listen.trim().is_empty() || !self.listen.contains(':') {
            return Err(format!(
                "监听地址“{}”应为“地址:端口”形式，如 127.0.0.1:8080",
                self.listen
            ));
        }
        Ok(())
    }

    /// Where the data lives: PostgreSQL when a URL is set, else the SQLite file in `data`.
    pub fn target(&self) -> DbTarget {
        match &self.database {
            Some(url) => DbTarget::Postgres(url.clone()),
            None => DbTarget::Sqlite(self.sqlite_path()),
        }
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data.join(SQLITE_FILE)
    }

    pub fn web(&self, demo_banner: Option<String>) -> fazhi_web::WebConfig {
        fazhi_web::WebConfig {
            max_upload_bytes: self.max_upload_mb * 1024 * 1024,
            session_hours: self.session_hours,
            secure_cookies: self.secure_cookies,
            demo_banner,
        }
    }
}

fn parse_file(text: &str) -> Result<Layer, String> {
    toml::from_str(text).map_err(|e| {
        let msg = e.message();
        if let Some(field) = msg
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            format!(
                "不认识的配置项“{field}”（可用：listen、data、database、max_upload_mb、session_hours、secure_cookies、log、frameworks_dir）"
            )
        } else {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(l) => format!("第 {l} 行：{msg}"),
                None => msg.to_string(),
            }
        }
    })
}

/// The `FAZHI_*` variables; an empty variable counts as unset.
fn env_layer(env: &dyn Fn(&str) -> Option<String>) -> Result<Layer, String> {
    let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let number = |name: &str| -> Result<Option<i64>, String> {
        get(name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| format!("环境变量 {name} 的值“{v}”不是整数"))
            })
            .transpose()
    };
    let max_upload_mb = number("FAZHI_MAX_UPLOAD_MB")?
        .map(|n| {
            u64::try_from(n)
                .map_err(|_| format!("环境变量 FAZHI_MAX_UPLOAD_MB 的值“{n}”不能为负数"))
        })
        .transpose()?;
    let secure_cookies = get("FAZHI_SECURE_COOKIES")
        .map(|v| {
            parse_bool(&v).ok_or_else(|| {
                format!("环境变量 FAZHI_SECURE_COOKIES 的值“{v}”无效，应为 true 或 false")
            })
        })
        .transpose()?;
    Ok(Layer {
        listen: get("FAZHI_LISTEN"),
        data: get("FAZHI_DATA").map(PathBuf::from),
        database: get("FAZHI_DATABASE"),
        max_upload_mb,
        session_hours: number("FAZHI_SESSION_HOURS")?,
        secure_cookies,
        log: get("FAZHI_LOG"),
        frameworks_dir: get("FAZHI_FRAMEWORKS_DIR").map(PathBuf::from),
    })
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" | "是" => Some(true),
        "0" | "false" | "no" | "off" | "否" => Some(false),
        _ => None,
    }
}

/// The process's real environment.
pub fn real_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn no_env() -> impl Fn(&str) -> Option<String> {
        env_of(&[])
    }

    #[test]
    fn defaults_without_file_env_or_flags() {
        let dir = tempfile::tempdir().unwrap();
        let c = Config::load(None, dir.path(), &no_env(), &Layer::default()).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(
            c.target(),
            DbTarget::Sqlite(PathBuf::from("fazhi-data/fazhi.sqlite3"))
        );
    }

    #[test]
    fn file_then_env_then_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fazhi.toml"),
            "listen = \"0.0.0.0:9000\"\ndata = \"数据\"\nmax_upload_mb = 50\nsession_hours = 8\nlog = \"debug\"\n",
        )
        .unwrap();
        // The file alone; its relative data directory is taken from the file's directory.
        let c = Config::load(None, dir.path(), &no_env(), &Layer::default()).unwrap();
        assert_eq!(c.listen, "0.0.0.0:9000");
        assert_eq!(c.data, dir.path().join("数据"));
        assert_eq!(c.max_upload_mb, 50);
        assert_eq!(c.session_hours, 8);
        assert_eq!(c.log.as_deref(), Some("debug"));
        assert_eq!(
            c.file.as_deref(),
            Some(dir.path().join("fazhi.toml").as_path())
        );

        // The environment over the file.
        let env = env_of(&[
            ("FAZHI_LISTEN", "127.0.0.1:7000"),
            ("FAZHI_MAX_UPLOAD_MB", "30"),
            ("FAZHI_SECURE_COOKIES", "true"),
            ("FAZHI_DATABASE", "postgres://fazhi@localhost/fazhi"),
            ("FAZHI_SESSION_HOURS", ""),
        ]);
        let c = Config::load(None, dir.path(), &env, &Layer::default()).unwrap();
        assert_eq!(c.listen, "127.0.0.1:7000");
        assert_eq!(c.max_upload_mb, 30);
        assert!(c.secure_cookies);
        assert_eq!(c.session_hours, 8, "an empty variable is unset");
        assert_eq!(
            c.target(),
            DbTarget::Postgres("postgres://fazhi@localhost/fazhi".into())
        );

        // Flags over both.
        let flags = Layer {
            listen: Some("127.0.0.1:0".into()),
            max_upload_mb: Some(5),
            database: Some(String::new()),
            data: Some(PathBuf::from("/srv/fazhi")),
            ..Layer::default()
        };
        let c = Config::load(None, dir.path(), &env, &flags).unwrap();
        assert_eq!(c.listen, "127.0.0.1:0");
        assert_eq!(c.max_upload_mb, 5);
        assert!(c.secure_cookies, "still from the environment");
        assert_eq!(
            c.target(),
            DbTarget::Sqlite(PathBuf::from("/srv/fazhi/fazhi.sqlite3")),
            "an empty --database goes back to SQLite"
        );
    }

    #[test]
    fn explicit_file_replaces_the_default_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fazhi.toml"), "listen = \"1.1.1.1:1\"\n").unwrap();
        let other = dir.path().join("其他.toml");
        std::fs::write(&other, "session_hours = 2\n").unwrap();
        let c = Config::load(Some(&other), dir.path(), &no_env(), &Layer::default()).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.session_hours, 2);
        let e = Config::load(
            Some(&dir.path().join("无.toml")),
            dir.path(),
            &no_env(),
            &Layer::default(),
        )
        .unwrap_err();
        assert!(e.contains("找不到配置文件"), "{e}");
    }

    #[test]
    fn mistakes_are_named_in_chinese() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(&file, "listen = \"x:1\"\nport = 8080\n").unwrap();
        let e = Config::load(Some(&file), dir.path(), &no_env(), &Layer::default()).unwrap_err();
        assert!(e.contains("不认识的配置项“port”"), "{e}");
        std::fs::write(&file, "max_upload_mb = \"many\"\n").unwrap();
        let e = Config::load(Some(&file), dir.path(), &no_env(), &Layer::default()).unwrap_err();
        assert!(e.contains("第 1 行"), "{e}");

        let env = env_of(&[("FAZHI_MAX_UPLOAD_MB", "ten")]);
        let e = Config::load(None, dir.path(), &env, &Layer::default()).unwrap_err();
        assert!(
            e.contains("FAZHI_MAX_UPLOAD_MB") && e.contains("不是整数"),
            "{e}"
        );
        let env = env_of(&[("FAZHI_SECURE_COOKIES", "maybe")]);
        let e = Config::load(None, dir.path(), &env, &Layer::default()).unwrap_err();
        assert!(e.contains("FAZHI_SECURE_COOKIES"), "{e}");
        let env = env_of(&[("FAZHI_DATABASE", "mysql://x")]);
        let e = Config::load(None, dir.path(), &env, &Layer::default()).unwrap_err();
        assert!(e.contains("postgres://"), "{e}");
        let flags = Layer {
            session_hours: Some(0),
            ..Layer::default()
        };
        let e = Config::load(None, dir.path(), &no_env(), &flags).unwrap_err();
        assert!(e.contains("session_hours"), "{e}");
    }

    #[test]
    fn frameworks_dir_from_file_env_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("fazhi.toml"),
            "frameworks_dir = \"本省框架\"\n",
        )
        .unwrap();
        let c = Config::load(None, dir.path(), &no_env(), &Layer::default()).unwrap();
        assert_eq!(c.frameworks_dir, Some(dir.path().join("本省框架")));
        let env = env_of(&[("FAZHI_FRAMEWORKS_DIR", "/etc/fazhi/frameworks")]);
        let c = Config::load(None, dir.path(), &env, &Layer::default()).unwrap();
        assert_eq!(
            c.frameworks_dir,
            Some(PathBuf::from("/etc/fazhi/frameworks"))
        );
        let flags = Layer {
            frameworks_dir: Some(PathBuf::new()),
            ..Layer::default()
        };
        let c = Config::load(None, dir.path(), &env, &flags).unwrap();
        assert_eq!(c.frameworks_dir, None, "an empty flag: the built-in data");
    }

    #[test]
    fn the_example_file_is_valid() {
        let text = include_str!("../../../fazhi.example.toml");
        let layer = parse_file(text).unwrap();
        assert_eq!(layer.listen.as_deref(), Some("127.0.0.1:8080"));
    }
}
