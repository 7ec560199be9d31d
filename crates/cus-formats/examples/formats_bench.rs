//! Native timings of the four file formats on the largest convention
//! (`cus_core::bench::largest_convention`: every département, 400 EPCI, every indicator with the
//! EPCI detail, every cell filled): export and import through the public API
//! (`cus_formats::export`, `cus_formats::import`), median of N runs, file sizes.
//!
//! `cargo run --release -p cus-formats --example formats_bench [-- RUNS]` (default 7 runs per line).

use std::time::Duration;

use cus_core::bench::largest_convention;
use cus_core::catalogue::embedded;
use cus_core::geo;
use cus_formats::{export, import, ExportInput, Format, Mode};

use cus_core::bench::median_time as median;

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let cats = embedded();
    let cat = cus_core::catalogue::latest(&cats, "cus2-logements-locatifs")
        .expect("catalogue cus2-logements-locatifs");
    let geo = geo::referential(2026).expect("referential 2026");
    let conv = largest_convention(cat, geo);
    let input = ExportInput {
        convention: &conv,
        catalogue: cat,
        geo: Some(geo),
        // A brouillon export does not read the diagnostics.
        diagnostics: &[],
        mode: Mode::Brouillon,
        exported_at: "2026-11-25T17:30:00Z",
    };
    println!(
        "Plus grande convention : {} départements, {} EPCI, {} valeurs ; médiane de {runs} passes.\n",
        conv.departements.len(),
        conv.epci.len(),
        conv.values.len()
    );
    println!("| Format | Taille (Kio) | Export (ms) | Import (ms) | Relu à l'identique |");
    println!("|---|---:|---:|---:|---|");
    for format in [Format::Json, Format::Csv, Format::Ods, Format::Xlsx] {
        let bytes = match export(&input, format) {
            Ok(b) => b,
            Err(d) => {
                println!(
                    "| {} | export refusé ({} diagnostics) | | | |",
                    format.extension(),
                    d.len()
                );
                continue;
            }
        };
        let t_export = median(runs, || export(&input, format));
        let name = format!("plus-grande.{}", format.extension());
        let back = import(&bytes, &name, &cats);
        let t_import = median(runs, || import(&bytes, &name, &cats));
        let same = match &back {
            Ok(i) if i.convention.values == conv.values => "valeurs identiques".to_string(),
            Ok(_) => "valeurs différentes".to_string(),
            Err(d) => format!(
                "import refusé : {}",
                d.first().map(|d| d.code.as_str()).unwrap_or("?")
            ),
        };
        println!(
            "| {} | {:.0} | {} | {} | {} |",
            format.extension().to_uppercase(),
            bytes.len() as f64 / 1024.0,
            ms(t_export),
            ms(t_import),
            same
        );
    }
}
