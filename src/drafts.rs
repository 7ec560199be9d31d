//! Named drafts in the browser's local storage: an index (`cus.brouillons`), one key per draft
//! (`cus.brouillon.<id>`) and the id of the draft open (`cus.brouillon.courant`). A draft that
//! cannot be read is moved aside, never overwritten; a failed write leaves the last good copy.
//!
//! Several tabs: each tab remembers its own open draft (session storage; local storage keeps the
//! last one opened, for a new tab), and a save never overwrites a version another tab wrote since
//! this one read it (the date of the last write, kept in the index, is compared first).

use cus_core::convention::Convention;
use serde::{Deserialize, Serialize};

use crate::storage;

pub const INDEX_KEY: &str = "cus.brouillons";
pub const CURRENT_KEY: &str = "cus.brouillon.courant";
const DRAFT_PREFIX: &str = "cus.brouillon.";
const UNREADABLE_SUFFIX: &str = ".illisible";

/// One line of the list of drafts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftInfo {
    pub id: String,
    pub name: String,
    /// Last change, as an ISO date-time (`2026-11-25T15:30:00.000Z`).
    pub updated: String,
}

pub fn draft_key(id: &str) -> String {
    format!("{DRAFT_PREFIX}{id}")
}

fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// "25/11/2026 15:30" from an ISO date-time, in the browser's time zone.
pub fn format_date_fr(iso: &str) -> String {
    let d = js_sys::Date::new(&iso.into());
    if d.get_time().is_nan() {
        return iso.to_string();
    }
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The list of drafts (empty when none or unreadable).
pub fn list() -> Vec<DraftInfo> {
    storage::get(INDEX_KEY)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

fn save_list(list: &[DraftInfo]) -> Result<(), String> {
    let json = serde_json::to_string(list).unwrap_or_else(|_| "[]".into());
    storage::set(INDEX_KEY, &json)
}

/// A new id not used by any draft.
fn new_id(list: &[DraftInfo]) -> String {
    let stamp = js_sys::Date::now() as u64;
    let mut n = 1;
    loop {
        let id = format!("b{stamp}-{n}");
        if !list.iter().any(|d| d.id == id) {
            return id;
        }
        n += 1;
    }
}

/// The outcome of opening a draft: the convention, and a French message when something was wrong.
pub struct Opened {
    pub id: String,
    pub convention: Convention,
    pub message: Option<String>,
}

thread_local! {
    /// The date of each draft's last write this tab knows of (read or written by it).
    static KNOWN: std::cell::RefCell<std::collections::HashMap<String, String>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Make `id` the draft open in this tab (and the last one opened, for a new tab).
fn set_current(id: &str) {
    let _ = storage::set(CURRENT_KEY, id);
    if let Some(s) = session() {
        let _ = s.set_item(CURRENT_KEY, id);
    }
}

fn remember(id: &str) {
    if let Some(d) = list().into_iter().find(|d| d.id == id) {
        KNOWN.with(|k| k.borrow_mut().insert(id.to_string(), d.updated));
    }
}

/// Open the draft this tab had open (after a reload), else the last one opened, or create one.
pub fn open_current() -> Opened {
    let current = session()
        .and_then(|s| s.get_item(CURRENT_KEY).ok().flatten())
        .filter(|id| list().iter().any(|d| &d.id == id))
        .or_else(|| storage::get(CURRENT_KEY).ok().flatten());
    let list = list();
    match current.filter(|id| list.iter().any(|d| &d.id == id)) {
        Some(id) => open(&id),
        None => match list.last() {
            Some(d) => open(&d.id.clone()),
            None => create(Convention::default()),
        },
    }
}

/// Open a draft by id. An unreadable draft is copied aside and a blank one is opened in memory
/// under a new id, so the stored copy is never overwritten.
pub fn open(id: &str) -> Opened {
    flush_pending_save();
    set_current(id);
    remember(id);
    match storage::get(&draft_key(id)) {
        Ok(Some(text)) => match serde_json::from_str::<Convention>(&text) {
            Ok(c) => Opened {
                id: id.to_string(),
                convention: c,
                message: None,
            },
            Err(_) => {
                let kept =
                    storage::set(&format!("{}{UNREADABLE_SUFFIX}", draft_key(id)), &text).is_ok();
                let mut opened = create(Convention::default());
                opened.message = Some(if kept {
                    "Le brouillon enregistré dans ce navigateur est illisible : il a été mis de côté \
                     (copie de secours conservée) et un nouveau brouillon a été ouvert."
                        .to_string()
                } else {
                    "Le brouillon enregistré dans ce navigateur est illisible et n'a pas pu être \
                     mis de côté : un nouveau brouillon est ouvert, l'ancien n'est pas effacé."
                        .to_string()
                });
                opened
            }
        },
        Ok(None) => Opened {
            id: id.to_string(),
            convention: Convention::default(),
            message: None,
        },
        Err(m) => Opened {
            id: id.to_string(),
            convention: Convention::default(),
            message: Some(m),
        },
    }
}

/// Create a draft holding `conv` and make it current.
pub fn create(conv: Convention) -> Opened {
    flush_pending_save();
    let mut l = list();
    let id = new_id(&l);
    let name = if conv.name.trim().is_empty() {
        format!("Brouillon {}", l.len() + 1)
    } else {
        conv.name.clone()
    };
    let mut conv = conv;
    conv.name = name.clone();
    l.push(DraftInfo {
        id: id.clone(),
        name,
        updated: now_iso(),
    });
    let message = save_list(&l).err();
    remember(&id);
    let message = message.or_else(|| save(&id, &conv).err());
    set_current(&id);
    Opened {
        id,
        convention: conv,
        message,
    }
}

/// The message of a save refused because another tab wrote the draft since this one read it.
pub const NEWER_ELSEWHERE: &str =
    "Ce brouillon a été enregistré entre-temps dans un autre onglet : \
    pour ne pas effacer ce qui y a été saisi, vos dernières modifications ici n'ont pas été \
    enregistrées. Rechargez la page pour reprendre la version la plus récente.";

/// Save a draft and refresh its line in the list. On failure the previous stored copy is intact;
/// a version written by another tab since this one read it is never overwritten.
pub fn save(id: &str, conv: &Convention) -> Result<(), String> {
    let mut l = list();
    let stored = l.iter().find(|d| d.id == id).map(|d| d.updated.clone());
    let known = KNOWN.with(|k| k.borrow().get(id).cloned());
    if stored.is_some() && known.is_some() && stored != known {
        return Err(NEWER_ELSEWHERE.to_string());
    }
    let json = serde_json::to_string(conv)
        .map_err(|_| "Le brouillon n'a pas pu être enregistré.".to_string())?;
    storage::set(&draft_key(id), &json)?;
    let now = now_iso();
    match l.iter_mut().find(|d| d.id == id) {
        Some(d) => {
            d.name = conv.name.clone();
            d.updated = now.clone();
        }
        None => l.push(DraftInfo {
            id: id.to_string(),
            name: conv.name.clone(),
            updated: now.clone(),
        }),
    }
    save_list(&l)?;
    KNOWN.with(|k| k.borrow_mut().insert(id.to_string(), now));
    Ok(())
}

thread_local! {
    /// The save waiting for the next frame (see [`save_soon`]).
    static PENDING: std::cell::RefCell<Option<PendingSave>> = const { std::cell::RefCell::new(None) };
}

struct PendingSave {
    run: Box<dyn FnOnce()>,
    _timer: gloo_timers::callback::Timeout,
}

/// Save `conv` under `id` shortly (after the browser painted the current frame), replacing any
/// save not yet done; `done` gets the outcome. `document.body` carries `data-sauvegarde="en-cours"`
/// until it is written. A hidden page (reload, closed tab) writes it at once.
pub fn save_soon(
    id: String,
    conv: impl std::ops::Deref<Target = Convention> + 'static,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    install_flush_on_hide();
    set_saving_flag(true);
    let run: Box<dyn FnOnce()> = Box::new(move || {
        let r = save(&id, &conv);
        set_saving_flag(false);
        done(r);
    });
    let timer = gloo_timers::callback::Timeout::new(30, flush_pending_save);
    PENDING.with(|p| {
        *p.borrow_mut() = Some(PendingSave { run, _timer: timer });
    });
}

/// Write the pending save now, if any.
pub fn flush_pending_save() {
    let pending = PENDING.with(|p| p.borrow_mut().take());
    if let Some(p) = pending {
        (p.run)();
    }
}

fn set_saving_flag(on: bool) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-sauvegarde", if on { "en-cours" } else { "faite" });
    }
}

fn install_flush_on_hide() {
    thread_local! {
        static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    if let Some(w) = web_sys::window() {
        let f = wasm_bindgen::closure::Closure::<dyn Fn()>::new(flush_pending_save);
        use wasm_bindgen::JsCast;
        let _ = w.add_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("visibilitychange", f.as_ref().unchecked_ref());
        f.forget();
    }
}

/// Copy a draft under a new name ("Copie de …") and open the copy.
pub fn duplicate(id: &str) -> Opened {
    flush_pending_save();
    let source = open(id);
    let mut c = source.convention;
    c.name = format!("Copie de {}", c.name);
    create(c)
}

/// Delete a draft (its stored copy and its line).
pub fn delete(id: &str) -> Result<(), String> {
    flush_pending_save();
    let mut l = list();
    l.retain(|d| d.id != id);
    save_list(&l)?;
    if let Ok(s) = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or(())
    {
        let _ = s.remove_item(&draft_key(id));
    }
    Ok(())
}
