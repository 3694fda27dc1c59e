//! Runs the whole pipeline on one file many times (for profilers: valgrind --tool=callgrind).
fn main() {
    let path = std::env::args().nth(1).expect("a file");
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let bytes = std::fs::read(&path).expect("readable file");
    let engine = fazhi_report::Engine::default();
    let t = std::time::Instant::now();
    for _ in 0..n {
        let c = engine.check_bytes(&path, &bytes, None).expect("reads");
        std::hint::black_box(c.score.total);
    }
    let per = t.elapsed() / n as u32;
    println!(
        "{per:?} per run, {:.1} MB/s",
        bytes.len() as f64 / per.as_secs_f64() / 1e6
    );
}
