//! Prints the parsed model of report files as JSON (a developer's aid).
fn main() {
    let aliases = fazhi_domain::UnitAliases::default();
    for path in std::env::args().skip(1) {
        match fazhi_report::ingest::ingest_path(path.as_ref(), &Default::default()) {
            Ok(ing) => {
                let r = fazhi_report::parse::parse(&ing, &aliases);
                let mut v = serde_json::to_value(&r).expect("json");
                v.as_object_mut().expect("object").remove("blocks");
                println!(
                    "{path}\n{}",
                    serde_json::to_string_pretty(&v).expect("json")
                );
            }
            Err(e) => println!("{path}: {e}"),
        }
    }
}
