//! Whole-pipeline throughput (ingest → normalise → parse → check → score) in MB/s of report
//! text on one thread. Inputs: the repository's own fixtures, plus the seed corpus when
//! `FAZHI_CORPUS` points at it (or ../shared/corpus exists).
//!
//! Run: `cargo bench -p fazhi-report --bench check`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fazhi_report::Engine;
use std::path::{Path, PathBuf};

fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")];
    let corpus = std::env::var_os("FAZHI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    dirs.push(corpus.join("seeds"));
    let mut out = Vec::new();
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "txt") {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let engine = Engine::default();
    let inputs = inputs();
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(
        format!("check_{}_files_{}_bytes", inputs.len(), bytes),
        |b| {
            b.iter(|| {
                for (name, data) in &inputs {
                    let checked = engine.check_bytes(name, data, None).expect("fixture reads");
                    std::hint::black_box(checked.score.total);
                }
            })
        },
    );
    // One large report: the rule-of-law inputs concatenated 8 times, to see that nothing is
    // quadratic (the information-disclosure fixture would make the whole text another genre).
    let mut big = Vec::new();
    for _ in 0..8 {
        for (_, d) in inputs.iter().filter(|(n, _)| !n.contains("disclosure")) {
            big.extend_from_slice(d);
            big.push(b'\n');
        }
    }
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function(format!("check_one_{}_bytes", big.len()), |b| {
        b.iter(|| {
            std::hint::black_box(
                engine
                    .check_bytes("big.txt", &big, None)
                    .expect("reads")
                    .score
                    .total,
            )
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
