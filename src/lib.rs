//! CUS indicateurs — the web app: a thin Yew shell over `cus-core`, in two wasm modules built
//! from this one crate: the shell (`src/main.rs`: header, home, Comprendre), « Remplir ma CUS »
//! (`src/bin/remplir.rs`) and « Simuler sur mon territoire » (`src/bin/simuler.rs`), each loaded
//! when its route is first opened. Each binary
//! links only what it reaches from its entry point; every `#[wasm_bindgen]` export is therefore
//! in a binary, never here (an export of the library would be linked into both).
//!
//! Routes are hash-based (see [`route`]); every indicator shown comes from the catalogue data.

pub mod autosave;
pub mod catalogues;
pub mod drafts;
pub mod formats;
pub mod former;
pub mod offline;
pub mod panic;
pub mod presence;
pub mod remplir;
pub mod route;
pub mod shell;
pub mod simuler;
pub mod state;
pub mod storage;

mod pages;

/// A diagnostic's citation as a link to its indicator's card in « Comprendre », for every page
/// that lists diagnostics.
pub use pages::reference::{citation_link, diagnostic_line};

#[cfg(feature = "bench")]
use wasm_bindgen::prelude::*;

/// Start the shell on the page (called by the main binary).
pub fn start() {
    panic::install_hook();
    shell::start();
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
pub fn bench_validation(runs: u32) -> String {
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

/// One request to the formats worker, awaited (benchmark only).
#[cfg(feature = "bench")]
async fn ask_worker(
    worker: &formats::FormatsWorker,
    request: &cus_formats::protocol::Request,
    file: Option<&[u8]>,
) -> formats::WorkerEvent {
    use std::cell::RefCell;
    use std::rc::Rc;
    let slot: Rc<RefCell<Option<formats::WorkerEvent>>> = Rc::default();
    let resolve_slot: Rc<RefCell<Option<js_sys::Function>>> = Rc::default();
    let promise = {
        let resolve_slot = resolve_slot.clone();
        js_sys::Promise::new(&mut move |resolve, _| *resolve_slot.borrow_mut() = Some(resolve))
    };
    let on = {
        let slot = slot.clone();
        yew::Callback::from(move |e: formats::WorkerEvent| {
            if matches!(e, formats::WorkerEvent::Progress(_)) {
                return;
            }
            *slot.borrow_mut() = Some(e);
            if let Some(r) = resolve_slot.borrow_mut().take() {
                let _ = r.call0(&JsValue::UNDEFINED);
            }
        })
    };
    worker.send(request, file, on);
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    let event = slot.borrow_mut().take();
    event.unwrap_or(formats::WorkerEvent::Failed("no reply".into()))
}

/// Benchmark hook (feature `bench`): export of the largest convention to each format and import
/// of the file back, through the formats worker as the page does it (request encoded on the main
/// thread, work in the worker, reply decoded on the main thread), median of `runs`. Resolves to
/// JSON `[{"format":"ods","bytes":…,"export_ms":…,"import_ms":…,"identical":…},…]`.
#[cfg(feature = "bench")]
pub fn bench_formats(runs: u32) -> js_sys::Promise {
    use cus_formats::protocol::{Reply, Request};
    wasm_bindgen_futures::future_to_promise(async move {
        let cats = cus_core::catalogue::embedded();
        let Some((cat, geo)) = bench_setting(&cats) else {
            return Ok("[]".into());
        };
        let conv = cus_core::bench::largest_convention(cat, geo);
        let worker = formats::FormatsWorker::default();
        let runs = runs.max(1) as usize;
        let mut out = Vec::new();
        // The first request waits for the module to load: not timed.
        worker.warm();
        for format in cus_formats::Format::ALL {
            let export = Request::Export {
                format,
                mode: cus_formats::Mode::Brouillon,
                exported_at: "2026-11-25T12:00:00Z".into(),
                convention: conv.clone(),
                extra_catalogues: vec![],
            };
            let mut bytes = Vec::new();
            let mut times = Vec::new();
            for _ in 0..=runs {
                let t = now();
                if let formats::WorkerEvent::Done(Reply::Exported { .. }, Some(b)) =
                    ask_worker(&worker, &export, None).await
                {
                    bytes = b;
                }
                times.push(now() - t);
            }
            times.remove(0);
            let export_ms = median(times);
            let import = Request::Import {
                file_name: format!("bench.{}", format.extension()),
                extra_catalogues: vec![],
            };
            let mut ok = false;
            let mut times = Vec::new();
            for _ in 0..runs {
                let t = now();
                ok = matches!(ask_worker(&worker, &import, Some(&bytes)).await,
                    formats::WorkerEvent::Done(Reply::Imported(i), _) if i.convention.values == conv.values);
                times.push(now() - t);
            }
            let import_ms = median(times);
            out.push(format!(
                "{{\"format\":\"{}\",\"bytes\":{},\"export_ms\":{export_ms:.1},\"import_ms\":{import_ms:.1},\"identical\":{ok}}}",
                format.extension(),
                bytes.len()
            ));
        }
        Ok(JsValue::from_str(&format!("[{}]", out.join(","))))
    })
}

/// Mark the first render for the load-time measurement (`performance.mark`).
pub(crate) fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}
