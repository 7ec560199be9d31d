//! CUS indicateurs — the web app: a thin Yew shell over `cus-core`.
//!
//! Routes are hash-based (see [`route`]); every indicator shown comes from the catalogue data.

pub mod drafts;
pub mod panic;
pub mod route;
pub mod storage;

mod app;
mod pages;

pub use app::App;

use wasm_bindgen::prelude::*;

/// Start the app in `<body>` (called by the binary).
pub fn start() {
    panic::install_hook();
    yew::Renderer::<App>::new().render();
}

/// Deliberately panics. Lets the end-to-end tests check that a panic shows the French banner;
/// nothing in the interface calls it.
#[wasm_bindgen]
pub fn cus_test_panic() {
    panic!("panique de test déclenchée par cus_test_panic()");
}

/// The browser's clock (ms).
#[cfg(feature = "bench")]
fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[cfg(feature = "bench")]
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// The catalogue and referential of the largest convention (`cus_core::bench`).
#[cfg(feature = "bench")]
fn bench_setting(
    cats: &[cus_core::catalogue::Catalogue],
) -> Option<(
    &cus_core::catalogue::Catalogue,
    &'static cus_core::geo::Referential,
)> {
    let cat = cus_core::catalogue::latest(cats, "cus2-logements-locatifs")?;
    let geo = cus_core::geo::referential(*cus_core::geo::vintages().last()?)?;
    Some((cat, geo))
}

/// Benchmark hook, only in builds with the `bench` feature (`./x bench`): builds the largest
/// convention (101 départements + 400 EPCI, every indicator) and times, with the browser's clock,
/// a full validation and the incremental validation of one cell. Returns JSON.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn cus_bench_validation(runs: u32) -> String {
    use cus_core::rules;
    let cats = cus_core::catalogue::embedded();
    let Some((cat, geo)) = bench_setting(&cats) else {
        return "{}".into();
    };
    let t = now();
    let conv = cus_core::bench::largest_convention(cat, geo);
    let build = now() - t;
    let cells = conv.cells(cat, Some(geo)).len();
    let runs = runs.max(1) as usize;
    let full = median(
        (0..runs)
            .map(|_| {
                let t = now();
                let d = rules::validate(&conv, cat, Some(geo));
                std::hint::black_box(d);
                now() - t
            })
            .collect(),
    );
    let t = now();
    let index = rules::Index::new(&conv, cat, Some(geo));
    let index_ms = now() - t;
    let key = conv
        .values
        .keys()
        .nth(conv.values.len() / 2)
        .cloned()
        .unwrap_or_default();
    // The browser clock is coarse (0.1 ms): time batches of 200 edits of one cell each.
    let first = index.validate_cell(&conv, &key); // builds the lazily-indexed grid of that indicator
    std::hint::black_box(first);
    let one = median(
        (0..runs)
            .map(|_| {
                let t = now();
                for _ in 0..200 {
                    std::hint::black_box(index.validate_cell(&conv, &key));
                }
                (now() - t) / 200.0
            })
            .collect(),
    );
    format!(
        "{{\"cells\":{cells},\"values\":{},\"build_ms\":{build:.1},\"full_validation_ms\":{full:.2},\"index_ms\":{index_ms:.2},\"one_cell_ms\":{one:.3}}}",
        conv.values.len()
    )
}

/// Benchmark hook (feature `bench`): export of the largest convention to each format and import
/// of the file back, median of `runs`, in the browser. Returns JSON
/// `[{"format":"ods","bytes":…,"export_ms":…,"import_ms":…},…]`.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn cus_bench_formats(runs: u32) -> String {
    let cats = cus_core::catalogue::embedded();
    let Some((cat, geo)) = bench_setting(&cats) else {
        return "[]".into();
    };
    let conv = cus_core::bench::largest_convention(cat, geo);
    let diags = cus_core::rules::validate(&conv, cat, Some(geo));
    let input = cus_formats::ExportInput {
        convention: &conv,
        catalogue: cat,
        geo: Some(geo),
        diagnostics: &diags,
        mode: cus_formats::Mode::Brouillon,
        exported_at: "2026-11-25T12:00:00Z",
    };
    let runs = runs.max(1) as usize;
    let mut out = Vec::new();
    for format in cus_formats::Format::ALL {
        let mut bytes = Vec::new();
        let export_ms = median(
            (0..runs)
                .map(|_| {
                    let t = now();
                    bytes = cus_formats::export(&input, format).unwrap_or_default();
                    now() - t
                })
                .collect(),
        );
        let name = format!("bench.{}", format.extension());
        let mut ok = false;
        let import_ms = median(
            (0..runs)
                .map(|_| {
                    let t = now();
                    ok = cus_formats::import(&bytes, &name, &cats)
                        .is_ok_and(|i| i.convention.values == conv.values);
                    now() - t
                })
                .collect(),
        );
        out.push(format!(
            "{{\"format\":\"{}\",\"bytes\":{},\"export_ms\":{export_ms:.1},\"import_ms\":{import_ms:.1},\"identical\":{ok}}}",
            format.extension(),
            bytes.len()
        ));
    }
    format!("[{}]", out.join(","))
}

/// Mark the first render for the load-time measurement (`performance.mark`).
pub(crate) fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}
