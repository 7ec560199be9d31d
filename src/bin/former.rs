//! The « Se former » module: a wasm module (`--target web`) of its own, imported by the shell when
//! the mode is first opened (`cus_app::shell::ModuleHost`), which then calls `mount`.

use wasm_bindgen::prelude::*;

fn main() {
    cus_app::panic::install_hook();
}

/// The mode mounted on its host element; `destroy()` when the route leaves it.
#[wasm_bindgen]
pub struct Mounted(Option<cus_app::former::Mounted>);

#[wasm_bindgen]
impl Mounted {
    pub fn destroy(&mut self) {
        if let Some(m) = self.0.take() {
            m.destroy();
        }
    }
}

/// Mount « Se former » on `host`; `focus_title`: focus its heading once shown.
#[wasm_bindgen]
pub fn mount(host: web_sys::Element, focus_title: bool) -> Mounted {
    Mounted(Some(cus_app::former::mount(host, focus_title)))
}
