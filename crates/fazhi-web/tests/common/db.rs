//! The store the web tests run on: a fresh SQLite file by default, or a fresh PostgreSQL
//! database when `FAZHI_TEST_BACKEND=postgres` and `FAZHI_TEST_DATABASE_URL` are set
//! (`scripts/test` runs the web tests a second time that way), so the pages and the API are
//! tested on both backends, not only the store.

use fazhi_store::Store;
use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tempfile::TempDir;

/// A fresh store and what must live as long as it (the temp dir, or the database to drop).
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub dir: TempDir,
    postgres: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop is not async: a short-lived runtime on its own thread drops the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
                c.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str())
                    .await
                    .ok()?;
                c.close().await.ok()
            })
        })
        .join();
    }
}

/// Whether the web tests run on PostgreSQL in this process.
pub fn postgres_url() -> Option<String> {
    let wanted = std::env::var("FAZHI_TEST_BACKEND").is_ok_and(|b| b == "postgres");
    if !wanted {
        return None;
    }
    Some(std::env::var("FAZHI_TEST_DATABASE_URL").expect(
        "FAZHI_TEST_BACKEND=postgres needs FAZHI_TEST_DATABASE_URL (scripts/test sets both)",
    ))
}

/// `url` with its database replaced by `name`.
fn url_of_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

/// A fresh, migrated store on the backend this run tests: a SQLite file in a temporary
/// directory, or a new PostgreSQL database (dropped again with the [`TestDb`]).
pub async fn with_database() -> TestDb {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = tempfile::tempdir().expect("temporary directory");
    match postgres_url() {
        None => {
            let store = fazhi_store::open_sqlite(&dir.path().join("fazhi.db"))
                .await
                .expect("open the SQLite store");
            TestDb {
                store: Arc::new(store),
                dir,
                postgres: None,
            }
        }
        Some(admin) => {
            let name = format!(
                "fazhi_web_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let mut c = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to PostgreSQL");
            c.execute(format!("CREATE DATABASE \"{name}\"").as_str())
                .await
                .expect("create the test database");
            c.close().await.ok();
            let store = fazhi_store::open_postgres(&url_of_database(&admin, &name))
                .await
                .expect("open the PostgreSQL store");
            TestDb {
                store: Arc::new(store),
                dir,
                postgres: Some((admin, name)),
            }
        }
    }
}
