//! Prints one generated report and how the engine reads it:
//! `cargo run -p fazhi-demo --example sample -- [UNIT_INDEX] [YEAR] [SEED] [DEFECT 0-5]`.

use fazhi_demo::{build_tree, write_report, Defect};
use rand::SeedableRng;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, d: i64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let tree = build_tree(30);
    let unit = &tree.units[arg(0, 3) as usize % tree.units.len()];
    let year = arg(1, 2024) as i32;
    let defect = match arg(3, 0) {
        1 => Defect::PartMissing,
        2 => Defect::CausesMissing,
        3 => Defect::DateMissing,
        4 => Defect::SignatureMismatch,
        5 => Defect::FactsScarce,
        _ => Defect::None,
    };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(arg(2, 1) as u64);
    let draft = write_report(unit, year, defect, &tree.units[0].name, &mut rng);
    println!("{}", draft.text);
    let checked = fazhi_report::Engine::default()
        .check_bytes("demo.txt", draft.text.as_bytes(), None)
        .expect("check");
    let r = &checked.report;
    println!(
        "--- genre {:?} unit {:?} year {:?} signed {:?} {:?} score {}",
        r.genre,
        r.unit.as_ref().map(|u| &u.written),
        r.year,
        r.signed_unit.as_ref().map(|u| &u.written),
        r.signed_date,
        checked.score.total
    );
    for f in &checked.findings {
        println!("{:?} {} {}", f.severity, f.rule, f.message);
    }
}
