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

/// Mark the first render for the load-time measurement (`performance.mark`).
pub(crate) fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}
