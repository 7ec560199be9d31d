//! The formats worker: a second wasm module, started by the web app as a Web Worker the first
//! time a file is exported or imported, so that calamine, rust_xlsxwriter, zip, quick-xml and
//! sha2 stay out of the first load and a large file never blocks the page.
//!
//! It only moves messages: the work is `cus_formats::protocol::handle`, tested natively. A
//! message in is `{ id, request, bytes? }` (request: JSON of `protocol::Request`, bytes: the file
//! of an import); a message out is `{ id, reply, bytes? }` (reply: JSON of `protocol::Reply`).
//! When the module is ready it posts `{ ready: true }`; the loader written by
//! `scripts/post-build.mjs` posts `{ bootFailed }` if the module cannot be fetched or compiled.

fn main() {
    #[cfg(target_arch = "wasm32")]
    web::start();
}

#[cfg(target_arch = "wasm32")]
mod web {
    use cus_formats::protocol::{handle, Reply, Request};
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let me = scope.clone();
        let on_message =
            Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| serve(&me, &e.data()));
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The worker lives as long as the page keeps it: the closure must too.
        on_message.forget();
        let ready = Object::new();
        let _ = Reflect::set(&ready, &"ready".into(), &JsValue::TRUE);
        let _ = scope.post_message(&ready);
    }

    fn serve(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
        let id = Reflect::get(data, &"id".into()).unwrap_or(JsValue::NULL);
        let bytes = Reflect::get(data, &"bytes".into())
            .ok()
            .filter(|b| !b.is_undefined() && !b.is_null())
            .map(|b| Uint8Array::new(&b).to_vec());
        let text = Reflect::get(data, &"request".into())
            .ok()
            .and_then(|r| r.as_string())
            .unwrap_or_default();
        let (reply, file) = match serde_json::from_str::<Request>(&text) {
            Ok(request) => handle(request, bytes.as_deref(), &mut |p| {
                post(scope, &id, &Reply::Progress(p), None)
            }),
            Err(e) => (
                Reply::Failed {
                    message: format!(
                        "Le module des formats a reçu une demande illisible ({e}) : rechargez la page."
                    ),
                },
                None,
            ),
        };
        post(scope, &id, &reply, file);
    }

    fn post(
        scope: &DedicatedWorkerGlobalScope,
        id: &JsValue,
        reply: &Reply,
        file: Option<Vec<u8>>,
    ) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), id);
        let json = serde_json::to_string(reply).unwrap_or_else(|_| {
            r#"{"kind":"failed","message":"Réponse impossible à transmettre."}"#.to_string()
        });
        let _ = Reflect::set(&msg, &"reply".into(), &json.into());
        match file {
            Some(file) => {
                let array = Uint8Array::from(file.as_slice());
                let buffer = array.buffer();
                let _ = Reflect::set(&msg, &"bytes".into(), &buffer);
                let _ = scope.post_message_with_transfer(&msg, &Array::of1(&buffer));
            }
            None => {
                let _ = scope.post_message(&msg);
            }
        }
    }
}
