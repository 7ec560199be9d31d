//! Native timings of validation on the largest convention (`cus_core::bench::largest_convention`):
//! building it, deriving its cells, a full validation, and the incremental validation of one
//! cell. Prints a Markdown table of medians.
//!
//! `cargo run --release -p cus-core --example bench [-- RUNS]` (default 21 runs per line).

use std::time::Duration;

use cus_core::bench::largest_convention;
use cus_core::catalogue::embedded;
use cus_core::convention::{Cell, TerritoryKey, Touched};
use cus_core::geo;
use cus_core::rules::{self, Index};

use cus_core::bench::median_time as median;

fn show(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(21);
    let cats = embedded();
    let cat = cus_core::catalogue::latest(&cats, "cus2-logements-locatifs")
        .expect("catalogue cus2-logements-locatifs");
    let geo = geo::referential(2026).expect("referential 2026");

    let conv = largest_convention(cat, geo);
    let cells = conv.cells(cat, Some(geo));
    let diags = rules::validate(&conv, cat, Some(geo));
    // A cell of a count with a breakdown, in a département in the middle of the list, and a cell
    // of the same indicator in the first EPCI (no indicator code written here: read from data).
    let d = TerritoryKey::Departement(conv.departements[conv.departements.len() / 2].clone());
    let e = TerritoryKey::Epci(conv.epci[0].clone());
    let counted = |c: &&Cell| {
        cat.indicator(&c.indicator).is_some_and(|i| {
            cus_core::convention::is_additive(i) && !i.splits.breakdowns.is_empty()
        })
    };
    let dept_cell = cells
        .iter()
        .filter(counted)
        .find(|c| c.territory == d && c.split.members.iter().all(Option::is_some))
        .expect("a département cell of a count with a breakdown");
    let epci_cell = cells
        .iter()
        .filter(counted)
        .find(|c| c.territory == e && c.indicator == dept_cell.indicator)
        .map(Cell::key)
        .unwrap_or_else(|| dept_cell.key());
    let dept_cell = dept_cell.key();
    let index = Index::new(&conv, cat, Some(geo));
    let _ = index.validate_values(&conv); // builds every grid once

    println!(
        "Largest convention: catalogue {} {}, {} départements, {} EPCI, {} indicators retained, \
         {} cells, {} values, {} diagnostics ({} errors). Median of {runs} runs, native, release.\n",
        cat.id,
        cat.version,
        conv.departements.len(),
        conv.epci.len(),
        conv.segmentation.len(),
        cells.len(),
        conv.values.len(),
        diags.len(),
        diags
            .iter()
            .filter(|d| d.severity == cus_core::diagnostic::Severity::Error)
            .count()
    );
    // The same convention with achievements for the three years of the mid-term evaluation on
    // every count (what `rules::validate` re-checks on each keystroke of « Évaluer »).
    let mut evaluated = conv.clone();
    evaluated.achievements.evaluation = cat
        .evaluations
        .first()
        .map(|e| e.id.clone())
        .unwrap_or_default();
    for c in cells.iter().filter(counted) {
        for y in 1..=3u8 {
            let k = Cell {
                period: cus_core::catalogue::Period::Year(y),
                ..c.clone()
            }
            .key();
            evaluated.achievements.values.insert(k, 1.0);
        }
    }
    // An achievement of the largest indicator, year 2, in the département cell's row and split.
    let typed = format!(
        "{}|a2",
        dept_cell
            .rsplit_once('|')
            .map(|(l, _)| l)
            .unwrap_or_default()
    );
    let mut validator = rules::Validator::new(&evaluated, cat, Some(geo));
    let lines: Vec<(String, Duration)> = vec![
        (
            "build `largest_convention`".into(),
            median(runs, || largest_convention(cat, geo)),
        ),
        (
            "`cells()`".into(),
            median(runs, || conv.cells(cat, Some(geo))),
        ),
        (
            "full `rules::validate`".into(),
            median(runs, || rules::validate(&conv, cat, Some(geo))),
        ),
        (
            format!(
                "`evaluation::check_convention` ({} achievements)",
                evaluated.achievements.values.len()
            ),
            median(runs, || {
                cus_core::evaluation::check_convention(&evaluated, cat, Some(geo))
            }),
        ),
        (
            "`evaluation::check_convention_in`, one indicator (after one achievement typed)".into(),
            median(runs, || {
                let only: std::collections::BTreeSet<String> =
                    [dept_cell.split('|').next().unwrap_or_default().to_string()].into();
                cus_core::evaluation::check_convention_in(&evaluated, cat, Some(geo), Some(&only))
            }),
        ),
        (
            "`evaluation::check_owned`, the checks one achievement owns (after it is typed)".into(),
            median(runs * 10, || {
                let owners = cus_core::evaluation::Owners::of_keys([&typed]);
                cus_core::evaluation::check_owned(&evaluated, cat, Some(geo), &owners)
            }),
        ),
        (
            "`Validator::update` after one achievement typed (evaluation checks it owns)".into(),
            median(runs * 10, || {
                validator.update(&evaluated, &Touched::Achievements(vec![typed.clone()]));
                validator.diagnostics().len()
            }),
        ),
        (
            "`Index::validate_values` (index built)".into(),
            median(runs, || index.validate_values(&conv)),
        ),
        (
            "`rules::validate_cell`, département cell (index built each time)".into(),
            median(runs * 10, || {
                rules::validate_cell(&conv, cat, Some(geo), &dept_cell)
            }),
        ),
        (
            "`Index::validate_cell`, département cell (index reused)".into(),
            median(runs * 10, || index.validate_cell(&conv, &dept_cell)),
        ),
        (
            "`Index::validate_cell`, EPCI cell (index reused)".into(),
            median(runs * 10, || index.validate_cell(&conv, &epci_cell)),
        ),
        (
            "`Index::new` + first grid (PP-1)".into(),
            median(runs * 10, || {
                let i = Index::new(&conv, cat, Some(geo));
                i.group(&dept_cell).len()
            }),
        ),
        (
            "territory search-as-you-type (`Referential::search`, 6 queries)".into(),
            median(runs * 10, || {
                [
                    "lille",
                    "saint etienne",
                    "59",
                    "200093201",
                    "grand",
                    "communaute",
                ]
                .map(|q| geo.search(q, 20).len())
            }),
        ),
    ];
    println!(
        "Département cell: `{dept_cell}`; EPCI cell: `{epci_cell}`; achievement typed: `{typed}`; {} evaluation diagnostics.\n",
        cus_core::evaluation::check_convention(&evaluated, cat, Some(geo)).len()
    );
    println!("| operation | median |");
    println!("| --- | ---: |");
    for (what, d) in lines {
        println!("| {what} | {} |", show(d));
    }
}
