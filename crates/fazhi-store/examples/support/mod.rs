//! What the store's benchmark and bench examples share: the database to measure on, a
//! region with the one unit to fill, and ledger records from their cells.
//!
//! Included with `#[path]` (not an example of its own: Cargo takes only `examples/*.rs` and
//! `examples/*/main.rs`).

#![allow(dead_code)] // Each bench uses a different part of this.

use fazhi_domain::ledger::{parse_fields, RecordData, RecordKind};
use fazhi_domain::UnitKind;
use fazhi_store::{Actor, DbTarget, NewRegion, NewUnit, OrgStore, Unit};
use std::collections::BTreeMap;
use std::path::Path;

/// PostgreSQL at the URL given as the first argument, else SQLite in `dir` (or at
/// `FAZHI_BENCH_DB`, which keeps the file for a look with `sqlite3` afterwards).
pub fn target(dir: &Path) -> DbTarget {
    match std::env::args().nth(1) {
        Some(url) => DbTarget::Postgres(url),
        None => DbTarget::Sqlite(
            std::env::var_os("FAZHI_BENCH_DB").map_or_else(|| dir.join("bench.db"), Into::into),
        ),
    }
}

/// Creates `region` and one unit in it (no short name).
pub async fn region_with_unit<S: OrgStore + ?Sized>(
    store: &S,
    actor: &Actor,
    region: NewRegion,
    code: String,
    name: &str,
    kind: UnitKind,
) -> Unit {
    let region = store.create_region(actor, &region).await.expect("region");
    let unit = NewUnit {
        region_id: region.id,
        code: fazhi_domain::UnitCode::parse(&code).unwrap(),
        name: name.into(),
        short_name: String::new(),
        kind,
    };
    store.create_unit(actor, &unit).await.expect("unit")
}

/// A 2025 record of `kind` from its cells (field, text), with the kind's default indicators.
pub fn record_data(kind: RecordKind, pairs: &[(&str, String)]) -> RecordData {
    let raw: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    RecordData {
        kind,
        year: 2025,
        fields: parse_fields(kind, &raw).expect("bench records are valid"),
        indicators: kind.default_indicator_codes(),
    }
}
