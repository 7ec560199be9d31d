//! The browser side of `cus_core::autosave` (the one save policy of the app: written once the
//! user pauses, 2 s at most, never two writes at once, at once when the page goes away), shared
//! by the drafts of « Remplir » (`crate::drafts`) and the workspaces of « Simuler ».
//!
//! A [`Saver`] keeps the latest state to write, one timer and the write running; the scheduler
//! decides. When the page goes away (`pagehide`), what is not written yet is also copied
//! synchronously to local storage (the `rescue` hook, with [`keep_rescue`]): the asynchronous
//! write may not finish, and the next page puts the copy back ([`rescues`]). Back from the
//! browser's page cache, the copies are removed: the page lives on and writes itself.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use cus_core::autosave::{Action, Event, Policy, Scheduler};
use futures_channel::oneshot;
use wasm_bindgen::JsCast;

/// A write under way (its outcome is reported by the state written).
pub type Writing = Pin<Box<dyn Future<Output = ()>>>;

/// What a saver does with its states: `T` carries everything a write needs (ids, the work, where
/// to report the outcome).
pub struct Hooks<T> {
    /// Write this state; the outcome is reported by the state itself (the scheduler only needs
    /// to know that the write is over).
    pub write: fn(Rc<T>) -> Writing,
    /// The page goes away before this state is written: copy it synchronously (see
    /// [`keep_rescue`]); the local-storage key written, if any.
    pub rescue: fn(&T) -> Option<String>,
    /// `true` when there is something to write, `false` once everything is written.
    pub busy: fn(bool),
}

struct State<T> {
    scheduler: Scheduler,
    hooks: Hooks<T>,
    /// The latest state, not handed to a write yet.
    pending: Option<Rc<T>>,
    /// The state being written.
    in_flight: Option<Rc<T>>,
    timer: Option<gloo_timers::callback::Timeout>,
    /// Waiting for everything to be written ([`Saver::flush`]).
    waiters: Vec<oneshot::Sender<()>>,
}

/// One automatic save (keep it in a `thread_local!`: it lives as long as the page).
pub struct Saver<T: 'static>(Rc<RefCell<State<T>>>);

impl<T: 'static> Clone for Saver<T> {
    fn clone(&self) -> Self {
        Saver(self.0.clone())
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

impl<T: 'static> Saver<T> {
    /// A saver with the app's policy, told when the page goes away.
    pub fn new(hooks: Hooks<T>) -> Self {
        let saver = Saver(Rc::new(RefCell::new(State {
            scheduler: Scheduler::new(Policy::default()),
            hooks,
            pending: None,
            in_flight: None,
            timer: None,
            waiters: Vec::new(),
        })));
        let me = saver.clone();
        on_page(Rc::new(move |p| me.page(p)));
        saver
    }

    /// The work changed: write `state` once the user pauses (it replaces a state not written
    /// yet, whose write never happens).
    pub fn edited(&self, state: T) {
        let busy = {
            let mut s = self.0.borrow_mut();
            s.pending = Some(Rc::new(state));
            s.hooks.busy
        };
        busy(true);
        self.on(Event::Edited { now_ms: now_ms() });
    }

    /// Start writing what is pending now, without waiting.
    pub fn flush_now(&self) {
        self.on(Event::Flush);
    }

    /// Write what is pending now, and wait until everything is written.
    pub async fn flush(&self) {
        if self.is_idle() {
            return;
        }
        let (tx, rx) = oneshot::channel();
        self.0.borrow_mut().waiters.push(tx);
        self.on(Event::Flush);
        let _ = rx.await;
    }

    /// Everything written.
    pub fn is_idle(&self) -> bool {
        self.0.borrow().scheduler.is_idle()
    }

    fn on(&self, event: Event) {
        let action = self.0.borrow_mut().scheduler.on(event);
        match action {
            Action::Nothing => {}
            Action::ArmTimer(ms) => {
                let me = self.clone();
                let timer = gloo_timers::callback::Timeout::new(ms, move || {
                    me.on(Event::Tick { now_ms: now_ms() })
                });
                // The timer replaced may be the one running this: wasm-bindgen frees it after.
                let _old = self.0.borrow_mut().timer.replace(timer);
            }
            Action::WriteNow => {
                let (state, write, _old) = {
                    let mut s = self.0.borrow_mut();
                    let Some(state) = s.pending.take() else {
                        return;
                    };
                    s.in_flight = Some(state.clone());
                    (state, s.hooks.write, s.timer.take())
                };
                let me = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    write(state).await;
                    me.0.borrow_mut().in_flight = None;
                    me.on(Event::WriteDone { now_ms: now_ms() });
                    me.notify_if_idle();
                });
            }
        }
    }

    fn notify_if_idle(&self) {
        let (waiters, busy) = {
            let mut s = self.0.borrow_mut();
            if !s.scheduler.is_idle() {
                return;
            }
            (std::mem::take(&mut s.waiters), s.hooks.busy)
        };
        busy(false);
        for w in waiters {
            let _ = w.send(());
        }
    }

    fn page(&self, p: Page) {
        match p {
            Page::Hide => {
                let (unsaved, rescue) = {
                    let s = self.0.borrow();
                    (
                        s.pending.clone().or_else(|| s.in_flight.clone()),
                        s.hooks.rescue,
                    )
                };
                if let Some(key) = unsaved.and_then(|u| rescue(&u)) {
                    RESCUED.with(|r| r.borrow_mut().push(key));
                }
                self.on(Event::PageHidden);
            }
            Page::Hidden => self.on(Event::PageHidden),
        }
    }
}

// ---- The page going away -------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Page {
    /// `pagehide`: reload, closed tab, navigation.
    Hide,
    /// `visibilitychange` to hidden: another tab, the window minimised (maybe never back).
    Hidden,
}

type Listener = Rc<dyn Fn(Page)>;

thread_local! {
    static LISTENERS: RefCell<Vec<Listener>> = const { RefCell::new(Vec::new()) };
    /// The rescue copies written as the page went away (removed if it comes back).
    static RESCUED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn on_page(listener: Listener) {
    let first = LISTENERS.with(|l| {
        let mut l = l.borrow_mut();
        l.push(listener);
        l.len() == 1
    });
    if first {
        install();
    }
}

fn tell(p: Page) {
    let listeners: Vec<Listener> = LISTENERS.with(|l| l.borrow().clone());
    for l in listeners {
        l(p);
    }
}

fn install() {
    let Some(w) = web_sys::window() else {
        return;
    };
    let hide = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| tell(Page::Hide));
    let _ = w.add_event_listener_with_callback("pagehide", hide.as_ref().unchecked_ref());
    hide.forget();
    let hidden = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
        if hidden {
            tell(Page::Hidden);
        }
    });
    let _ = w.add_event_listener_with_callback("visibilitychange", hidden.as_ref().unchecked_ref());
    hidden.forget();
    let show = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(on_page_show);
    let _ = w.add_event_listener_with_callback("pageshow", show.as_ref().unchecked_ref());
    show.forget();
}

/// Back from the browser's page cache: the page lives on, its rescue copies are not needed.
fn on_page_show(e: web_sys::Event) {
    let persisted = js_sys::Reflect::get(&e, &"persisted".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if persisted {
        for key in RESCUED.with(|r| std::mem::take(&mut *r.borrow_mut())) {
            drop_rescue(&key);
        }
    }
}

// ---- Rescue copies in local storage --------------------------------------------------------

fn local() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Keep `text` under `key` in local storage, synchronously (the page is going away); the key if
/// it was written (a full storage refuses it: the asynchronous write is then the only chance).
pub fn keep_rescue(key: &str, text: &str) -> Option<String> {
    crate::storage::set(key, text).ok().map(|_| key.to_string())
}

/// The rescue copies kept under `prefix` by a page that went away: `(key, text)`.
pub fn rescues(prefix: &str) -> Vec<(String, String)> {
    let Some(local) = local() else {
        return Vec::new();
    };
    let keys: Vec<String> = (0..local.length().unwrap_or(0))
        .filter_map(|i| local.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect();
    keys.into_iter()
        .filter_map(|k| {
            let text = local.get_item(&k).ok().flatten()?;
            Some((k, text))
        })
        .collect()
}

/// Remove a rescue copy once put back.
pub fn drop_rescue(key: &str) {
    if let Some(local) = local() {
        let _ = local.remove_item(key);
    }
}
