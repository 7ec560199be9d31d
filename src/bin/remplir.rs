//! The « Remplir ma CUS » module: a second wasm module (`--target web`), imported by the shell
//! when the mode is first opened (`cus_app::shell::RemplirHost`), which then calls `mount`.

use wasm_bindgen::prelude::*;

fn main() {
    cus_app::panic::install_hook();
}

/// The mode mounted on its host element; `destroy()` when the route leaves it.
#[wasm_bindgen]
pub struct Mounted(Option<cus_app::remplir::Mounted>);

#[wasm_bindgen]
impl Mounted {
    pub fn destroy(&mut self) {
        if let Some(m) = self.0.take() {
            m.destroy();
        }
    }
}

/// Mount « Remplir ma CUS » on `host`; `focus_title`: put the focus on its heading once shown.
#[wasm_bindgen]
pub fn mount(host: web_sys::Element, focus_title: bool) -> Mounted {
    Mounted(Some(cus_app::remplir::mount(host, focus_title)))
}
