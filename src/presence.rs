//! The same work in two tabs (a draft of « Remplir », a workspace of « Simuler »): the tabs of
//! this browser tell each other what they have open (`BroadcastChannel`, one channel per kind of
//! work, see [`Subject`]). A tab that opens work already open elsewhere is told so and becomes
//! read-only; « Modifier ici » asks the other tab to step back (it writes what it has pending
//! and becomes read-only in turn), then reloads the work with what the other tab saved.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::BroadcastChannel;

/// Writes what this tab has pending of the work, before it steps back for another tab.
pub type Flush = fn() -> Pin<Box<dyn Future<Output = ()>>>;

/// One piece of work open in a tab: the channel of its kind, its key there, and how this tab
/// writes what it has pending of it.
pub struct Subject {
    channel: &'static str,
    key: String,
    flush: Flush,
}

impl Subject {
    /// A draft of « Remplir » (channel `cus-brouillons`, key: the draft's id).
    pub fn draft(id: &str, flush: Flush) -> Subject {
        Subject {
            channel: "cus-brouillons",
            key: id.to_string(),
            flush,
        }
    }

    /// A workspace of « Simuler » (channel `cus-espaces`, key `espace:<id>`).
    pub fn workspace(id: &str, flush: Flush) -> Subject {
        Subject {
            channel: "cus-espaces",
            key: format!("espace:{id}"),
            flush,
        }
    }
}

/// This tab's link to the others, for one piece of work open. Dropping it closes the channel.
pub struct Presence {
    channel: BroadcastChannel,
    tab: String,
    /// The subject's key (sent as `draft`, the field's name since the drafts had it alone).
    key: String,
    /// What to do once the other tab has written its pending save (« Modifier ici »).
    waiting: Waiting,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

type Waiting = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

/// How long « Modifier ici » waits for the other tab (closed, or frozen) before reading.
const TAKE_OVER_WAIT_MS: u32 = 3000;

fn message(kind: &str, key: &str, tab: &str) -> JsValue {
    let m = Object::new();
    let _ = Reflect::set(&m, &"kind".into(), &kind.into());
    let _ = Reflect::set(&m, &"draft".into(), &key.into());
    let _ = Reflect::set(&m, &"tab".into(), &tab.into());
    m.into()
}

fn field(data: &JsValue, name: &str) -> String {
    Reflect::get(data, &name.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A random id for this tab.
pub fn new_tab_id() -> String {
    format!("onglet-{:x}", (js_sys::Math::random() * 1e15) as u64)
}

impl Presence {
    /// Announce that this tab has `subject` open. `read_only` is this tab's state, shared with
    /// the page; `on_change` is called when another tab makes this one read-only.
    pub fn announce(
        tab: &str,
        subject: Subject,
        read_only: Rc<Cell<bool>>,
        on_change: impl Fn(bool) + 'static,
    ) -> Option<Presence> {
        let channel = BroadcastChannel::new(subject.channel).ok()?;
        let flush = subject.flush;
        let (me, mine) = (tab.to_string(), subject.key.clone());
        let reply = channel.clone();
        let waiting: Waiting = Rc::default();
        let waiting_here = waiting.clone();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let data = e.data();
                if field(&data, "draft") != mine || field(&data, "tab") == me {
                    return;
                }
                let waiting = &waiting;
                match field(&data, "kind").as_str() {
                    // Another tab opens it: the tab that edits it says so.
                    "ouvert" if !read_only.get() => {
                        let _ = reply.post_message(&message("deja-ouvert", &mine, &me));
                    }
                    // It was open elsewhere first: read-only here.
                    "deja-ouvert" => {
                        read_only.set(true);
                        on_change(true);
                    }
                    // Another tab takes it over: read-only here, and once what this tab had not
                    // saved yet is written, tell it to read the work again.
                    "prendre" => {
                        read_only.set(true);
                        on_change(true);
                        let (reply, mine, me) = (reply.clone(), mine.clone(), me.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            flush().await;
                            let _ = reply.post_message(&message("rendu", &mine, &me));
                        });
                    }
                    "rendu" => {
                        if let Some(f) = waiting.borrow_mut().take() {
                            f();
                        }
                    }
                    _ => {}
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let _ = channel.post_message(&message("ouvert", &subject.key, tab));
        Some(Presence {
            channel,
            tab: tab.to_string(),
            key: subject.key,
            waiting: waiting_here,
            _on_message: on_message,
        })
    }

    /// Ask the other tabs to leave the work to this one; `then` runs once the tab that edited
    /// it has written what it had pending (or after a few seconds if no tab answers).
    pub fn take_over(&self, then: impl FnOnce() + 'static) {
        let once: Waiting = Rc::new(RefCell::new(Some(Box::new(then))));
        *self.waiting.borrow_mut() = Some(Box::new({
            let once = once.clone();
            move || {
                if let Some(f) = once.borrow_mut().take() {
                    f()
                }
            }
        }));
        gloo_timers::callback::Timeout::new(TAKE_OVER_WAIT_MS, move || {
            if let Some(f) = once.borrow_mut().take() {
                f()
            }
        })
        .forget();
        let _ = self
            .channel
            .post_message(&message("prendre", &self.key, &self.tab));
    }
}

impl Drop for Presence {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
