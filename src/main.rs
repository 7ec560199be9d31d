//! The shell module: the first wasm the browser loads (see `cus_app::shell`). Its exports are
//! reachable from the page as `window.wasmBindings`.

use wasm_bindgen::prelude::*;

fn main() {
    cus_app::start();
}

/// Deliberately panics. Lets the end-to-end tests check that a panic shows the French banner;
/// nothing in the interface calls it.
#[wasm_bindgen]
pub fn cus_test_panic() {
    panic!("panique de test déclenchée par cus_test_panic()");
}

/// Benchmark hook (`./x bench` only): full and incremental validation of the largest convention.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn cus_bench_validation(runs: u32) -> String {
    cus_app::bench_validation(runs)
}

/// Benchmark hook (`./x bench` only): export and import of the largest convention through the
/// formats worker.
#[cfg(feature = "bench")]
#[wasm_bindgen]
pub fn cus_bench_formats(runs: u32) -> js_sys::Promise {
    cus_app::bench_formats(runs)
}
