//! Prints the largest convention (`cus_core::bench::largest_convention`: 101 départements + 400
//! EPCI, every indicator of the current 2nd-generation catalogue) as a draft's JSON, for the
//! end-to-end tests of stored drafts (`tests/e2e/drafts.test.mjs`).
//!
//! `cargo run -q -p cus-core --example largest_json > largest.json`

use std::io::Write;

fn main() {
    let cats = cus_core::catalogue::embedded();
    let Some(cat) = cus_core::catalogue::latest(&cats, "cus2-logements-locatifs") else {
        eprintln!("catalogue cus2-logements-locatifs introuvable");
        std::process::exit(1);
    };
    let Some(geo) = cus_core::geo::referential(2026) else {
        eprintln!("référentiel 2026 introuvable");
        std::process::exit(1);
    };
    let mut conv = cus_core::bench::largest_convention(cat, geo);
    conv.name = "Plus grande convention".into();
    let json = serde_json::to_string(&conv).unwrap_or_default();
    let mut out = std::io::stdout().lock();
    if out.write_all(json.as_bytes()).is_err() {
        std::process::exit(1);
    }
}
