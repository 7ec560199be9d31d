//! The formats worker, seen from the page: started on first use (opening Export, importing a
//! file), kept afterwards, given typed requests (`cus_formats::protocol`), and stopped to cancel.
//!
//! The worker is a second wasm module (`crates/cus-formats-worker`); its loader's address is in
//! `<meta name="cus-formats-worker">`, written by `scripts/post-build.mjs` with a content hash in
//! the file name, so a new version is never mixed with an old cached one. If it cannot start, each
//! pending request gets a French message and nothing else changes; the next request tries again.
//!
//! The handle is shared through a Yew context; it holds no convention, only the requests in
//! flight and their callbacks.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use cus_formats::protocol::{Progress, Reply, Request};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::Callback;

/// What a request hears back.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent {
    Progress(Progress),
    /// The final reply, with the exported file when there is one.
    Done(Reply, Option<Vec<u8>>),
    /// The worker could not serve it (did not start, or stopped): French message.
    Failed(String),
    /// Cancelled by the user ([`FormatsWorker::cancel`]).
    Cancelled,
}

/// Name of the `<meta>` holding the worker loader's address.
pub const META_NAME: &str = "cus-formats-worker";

const NOT_STARTED: &str = "Le module des formats de fichiers n'a pas pu démarrer dans ce \
    navigateur. Votre brouillon n'a pas changé et reste enregistré. Rechargez la page (une \
    connexion peut être nécessaire si l'application n'a jamais été ouverte entièrement sur cet \
    ordinateur), puis réessayez.";

/// Handle to the worker (cheap to clone; equal when it is the same handle).
#[derive(Clone, Default)]
pub struct FormatsWorker(Rc<RefCell<Inner>>);

impl PartialEq for FormatsWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Default)]
struct Inner {
    live: Option<Live>,
    next_id: u32,
    pending: BTreeMap<u32, Callback<WorkerEvent>>,
    /// Messages posted before the module said it was ready.
    queue: Vec<(JsValue, Array)>,
}

struct Live {
    worker: web_sys::Worker,
    ready: bool,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl Drop for Live {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// The worker loader's address, from the page.
fn worker_url() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let meta = doc
        .query_selector(&format!("meta[name=\"{META_NAME}\"]"))
        .ok()??;
    meta.get_attribute("content").filter(|u| !u.is_empty())
}

impl FormatsWorker {
    /// Start the worker if it is not running (for instance when the Export page opens, so the
    /// first click does not wait for the module).
    pub fn warm(&self) {
        if self.0.borrow().live.is_none() {
            if let Err(m) = self.spawn() {
                self.fail_all(&m);
            }
        }
    }

    /// Is the module loaded and ready?
    pub fn is_ready(&self) -> bool {
        self.0.borrow().live.as_ref().is_some_and(|l| l.ready)
    }

    /// Send a request (with the file of an import); `on` hears its progress and its outcome.
    /// Returns the request's id, for [`FormatsWorker::cancel`].
    pub fn send(&self, request: &Request, file: Option<&[u8]>, on: Callback<WorkerEvent>) -> u32 {
        let id = {
            let mut inner = self.0.borrow_mut();
            inner.next_id += 1;
            let id = inner.next_id;
            inner.pending.insert(id, on.clone());
            id
        };
        let json = match serde_json::to_string(request) {
            Ok(j) => j,
            Err(_) => {
                self.0.borrow_mut().pending.remove(&id);
                on.emit(WorkerEvent::Failed(
                    "La demande n'a pas pu être préparée pour le module des formats.".into(),
                ));
                return id;
            }
        };
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"id".into(), &id.into());
        let _ = Reflect::set(&msg, &"request".into(), &json.into());
        let transfer = Array::new();
        if let Some(bytes) = file {
            let buffer = Uint8Array::from(bytes).buffer();
            let _ = Reflect::set(&msg, &"bytes".into(), &buffer);
            transfer.push(&buffer);
        }
        self.warm();
        let mut inner = self.0.borrow_mut();
        let refused = match inner.live.as_ref() {
            Some(live) if live.ready => live
                .worker
                .post_message_with_transfer(&msg, &transfer)
                .is_err(),
            Some(_) => {
                inner.queue.push((msg.into(), transfer));
                false
            }
            // `warm` failed and already told every pending request.
            None => false,
        };
        if refused {
            drop(inner);
            self.finish(
                id,
                WorkerEvent::Failed(
                    "Le fichier n'a pas pu être confié au module des formats.".into(),
                ),
            );
        }
        id
    }

    /// Cancel a request: the worker is stopped (its work cannot be interrupted otherwise) and
    /// started again on the next request. Other requests in flight are told too.
    pub fn cancel(&self, id: u32) {
        let cb = self.0.borrow_mut().pending.remove(&id);
        self.stop("Une autre opération sur les fichiers a été annulée : recommencez celle-ci.");
        if let Some(cb) = cb {
            cb.emit(WorkerEvent::Cancelled);
        }
    }

    fn stop(&self, message: &str) {
        let live = self.0.borrow_mut().live.take();
        if let Some(live) = live {
            live.worker.terminate();
            // Dropped after this turn: `stop` may run inside one of its closures.
            wasm_bindgen_futures::spawn_local(async move { drop(live) });
        }
        self.0.borrow_mut().queue.clear();
        self.fail_all(message);
    }

    fn fail_all(&self, message: &str) {
        let pending = std::mem::take(&mut self.0.borrow_mut().pending);
        for cb in pending.into_values() {
            cb.emit(WorkerEvent::Failed(message.to_string()));
        }
    }

    fn finish(&self, id: u32, event: WorkerEvent) {
        let cb = self.0.borrow_mut().pending.remove(&id);
        if let Some(cb) = cb {
            cb.emit(event);
        }
    }

    fn spawn(&self) -> Result<(), String> {
        let url = worker_url().ok_or_else(|| NOT_STARTED.to_string())?;
        let worker = web_sys::Worker::new(&url).map_err(|_| NOT_STARTED.to_string())?;
        let weak = Rc::downgrade(&self.0);
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(inner) = weak.upgrade() {
                    FormatsWorker(inner).received(&e.data());
                }
            });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            if let Some(inner) = weak.upgrade() {
                let this = FormatsWorker(inner);
                let message = if this.is_ready() {
                    "Le module des formats de fichiers s'est arrêté sur une erreur. Votre brouillon \
                     n'a pas changé ; réessayez, et si le problème revient, signalez-le avec le fichier \
                     concerné."
                } else {
                    NOT_STARTED
                };
                this.stop(message);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.0.borrow_mut().live = Some(Live {
            worker,
            ready: false,
            _on_message: on_message,
            _on_error: on_error,
        });
        Ok(())
    }

    fn received(&self, data: &JsValue) {
        let get = |k: &str| Reflect::get(data, &k.into()).unwrap_or(JsValue::UNDEFINED);
        if get("ready").is_truthy() {
            let mut inner = self.0.borrow_mut();
            let queue = std::mem::take(&mut inner.queue);
            if let Some(live) = inner.live.as_mut() {
                live.ready = true;
                for (msg, transfer) in &queue {
                    let _ = live.worker.post_message_with_transfer(msg, transfer);
                }
            }
            return;
        }
        if let Some(reason) = get("bootFailed").as_string() {
            web_sys::console::warn_1(&format!("module des formats : {reason}").into());
            self.stop(NOT_STARTED);
            return;
        }
        let Some(id) = get("id").as_f64().map(|n| n as u32) else {
            return;
        };
        let reply = get("reply")
            .as_string()
            .and_then(|t| serde_json::from_str::<Reply>(&t).ok());
        let bytes = Some(get("bytes"))
            .filter(|b| b.is_instance_of::<js_sys::ArrayBuffer>())
            .map(|b| Uint8Array::new(&b).to_vec());
        match reply {
            Some(Reply::Progress(p)) => {
                let cb = self.0.borrow().pending.get(&id).cloned();
                if let Some(cb) = cb {
                    cb.emit(WorkerEvent::Progress(p));
                }
            }
            Some(reply) => self.finish(id, WorkerEvent::Done(reply, bytes)),
            None => self.finish(
                id,
                WorkerEvent::Failed(
                    "Réponse illisible du module des formats : rechargez la page.".into(),
                ),
            ),
        }
    }
}
