//! Backend-independent helpers: encodings of paths and keys, placements, error mapping.

use crate::{StoreError, StoreResult, Timestamp, UploadStatus};
use chrono::{DateTime, SubsecRound, Utc};
use fazhi_domain::Placement;
use fazhi_domain::{RegionId, RegionLevel, Role, UnitKind};
use sha2::{Digest, Sha256};

/// The current time, to the microsecond (what both backends keep).
pub(crate) fn now() -> Timestamp {
    DateTime::<Utc>::from(std::time::SystemTime::now()).trunc_subsecs(6)
}

/// `[1, 5]` → `/1/5/`; the empty chain is the empty string (no placement).
pub(crate) fn path_to_text(path: &[RegionId]) -> String {
    if path.is_empty() {
        return String::new();
    }
    let mut s = String::from("/");
    for id in path {
        s.push_str(&id.to_string());
        s.push('/');
    }
    s
}

/// `/1/5/` → `[1, 5]`.
pub(crate) fn path_from_text(s: &str) -> StoreResult<Vec<RegionId>> {
    s.split('/')
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse()
                .map_err(|_| StoreError::Backend(format!("区划路径无效：{s}")))
        })
        .collect()
}

/// The half-open range of paths of a subtree: every path that starts with `prefix`
/// (which ends with `/`) lies in `[prefix, upper)`, and nothing else does.
pub(crate) fn subtree_range(prefix: &str) -> (String, String) {
    (prefix.to_string(), prefix_upper(prefix))
}

/// The smallest string greater than every string starting with `prefix` (code point order).
pub(crate) fn prefix_upper(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(last as u32 + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    // Only reachable for a prefix made of char::MAX: no string is above it.
    String::from(char::MAX)
}

/// Escapes `\`, `%` and `_` for `LIKE … ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(crate) fn level_from_key(s: &str) -> StoreResult<RegionLevel> {
    RegionLevel::ALL
        .into_iter()
        .find(|l| l.key() == s)
        .ok_or_else(|| StoreError::Backend(format!("未知的区划层级：{s}")))
}

pub(crate) fn kind_from_key(s: &str) -> StoreResult<UnitKind> {
    UnitKind::ALL
        .into_iter()
        .find(|k| k.key() == s)
        .ok_or_else(|| StoreError::Backend(format!("未知的单位类型：{s}")))
}

pub(crate) fn role_from_key(s: &str) -> StoreResult<Role> {
    Role::ALL
        .into_iter()
        .find(|r| r.key() == s)
        .ok_or_else(|| StoreError::Backend(format!("未知的角色：{s}")))
}

pub(crate) fn status_key(s: UploadStatus) -> &'static str {
    match s {
        UploadStatus::Checked => "checked",
        UploadStatus::Failed => "failed",
    }
}

pub(crate) fn status_from_key(s: &str) -> StoreResult<UploadStatus> {
    match s {
        "checked" => Ok(UploadStatus::Checked),
        "failed" => Ok(UploadStatus::Failed),
        _ => Err(StoreError::Backend(format!("未知的报告状态：{s}"))),
    }
}

/// The deepest place that holds all of `places`: the common chain of regions, and the unit
/// when all sit in the same one. Empty when there is nothing (or nothing in common).
pub(crate) fn common_placement(places: &[Placement]) -> Placement {
    let Some((first, rest)) = places.split_first() else {
        return Placement::default();
    };
    let mut common = first.clone();
    for p in rest {
        if common.unit != p.unit {
            common.unit = None;
        }
        let shared = common
            .regions
            .iter()
            .zip(&p.regions)
            .take_while(|(a, b)| a == b)
            .count();
        common.regions.truncate(shared);
    }
    common
}

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Any database error, for the log.
pub(crate) fn db(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::Backend("查询没有返回数据".into()),
        e => StoreError::Backend(e.to_string()),
    }
}

/// A unique violation becomes [`StoreError::Conflict`] with `message`; anything else is a
/// backend error.
pub(crate) fn unique_or(e: sqlx::Error, message: impl FnOnce() -> String) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Conflict(message());
        }
    }
    db(e)
}

pub(crate) fn migrate_err(e: sqlx::migrate::MigrateError) -> StoreError {
    use sqlx::migrate::MigrateError as M;
    match e {
        M::VersionMismatch(v) => StoreError::Backend(format!(
            "数据库中第 {v} 号迁移与本程序所带的不一致（已发布的迁移被修改过？）"
        )),
        M::Dirty(v) => {
            StoreError::Backend(format!("第 {v} 号迁移曾执行失败，数据库处于不完整状态"))
        }
        e => StoreError::Backend(format!("数据库迁移失败：{e}")),
    }
}

/// A JSON column as read back.
pub(crate) fn dec_json(
    v: Option<sqlx::types::Json<serde_json::Value>>,
) -> Option<serde_json::Value> {
    v.map(|j| j.0)
}

/// JSON of a model row for the audit log.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fazhi_domain::UnitId;

    #[test]
    fn paths_round_trip() {
        assert_eq!(path_to_text(&[RegionId(1), RegionId(5)]), "/1/5/");
        assert_eq!(path_from_text("/1/5/").unwrap(), vec![1, 5]);
        assert_eq!(path_to_text(&[]), "");
        assert!(path_from_text("").unwrap().is_empty());
    }

    #[test]
    fn subtree_range_holds_exactly_the_subtree() {
        let (lo, hi) = subtree_range("/1/5/");
        let inside = |p: &str| lo.as_str() <= p && p < hi.as_str();
        assert!(inside("/1/5/"));
        assert!(inside("/1/5/9/"));
        assert!(inside("/1/5/10/3/"));
        assert!(!inside("/1/50/"));
        assert!(!inside("/1/"));
        assert!(!inside("/1/6/"));
        assert!(!inside("/1/4/"));
        assert!(!inside(""));
    }

    #[test]
    fn common_placement_is_the_shared_prefix() {
        let a = Placement::unit(UnitId(7), vec![RegionId(1), RegionId(2), RegionId(3)]);
        let b = Placement::unit(UnitId(7), vec![RegionId(1), RegionId(2), RegionId(3)]);
        assert_eq!(common_placement(&[a.clone(), b]), a);
        let c = Placement::region(vec![RegionId(1), RegionId(2), RegionId(4)]);
        assert_eq!(
            common_placement(&[a, c]),
            Placement::region(vec![RegionId(1), RegionId(2)])
        );
        assert_eq!(common_placement(&[]), Placement::default());
    }

    #[test]
    fn like_escape_escapes_wildcards() {
        assert_eq!(like_escape(r"50%_a\b"), r"50\%\_a\\b");
    }
}
