//! Named drafts, stored in the browser's IndexedDB (database `cus-indicateurs`, object store
//! `brouillons`, one text record per key) through `cus_core::drafts`, where the rules live: a
//! coherent index, a failed write that keeps the last good copy, unreadable drafts set aside, no
//! save over what another tab wrote. This file only adapts IndexedDB to its `Backend` trait, and
//! decides when to save.
//!
//! - Drafts kept in local storage by earlier versions are moved here on first use (one commit),
//!   then removed from local storage; `navigator.storage.persist()` is requested once.
//! - Each tab remembers its own open draft (session storage; local storage keeps the last one
//!   opened, for a new tab).
//! - Saving is debounced off the keystroke path ([`save_soon`], the policy of
//!   `cus_core::autosave` through `crate::autosave`): written once the user pauses
//!   ([`DEBOUNCE_MS`]), at the latest [`MAX_WAIT_MS`] after the first unsaved change, and at once
//!   when the page is hidden or another draft opens. Saves never overlap.
//! - Without IndexedDB (disabled by the browser), the drafts live in memory for the session and
//!   the user is told.

use std::cell::RefCell;
use std::rc::Rc;

use cus_core::convention::Convention;
use cus_core::drafts::{
    Backend, Batch, Commit, Drafts, Legacy, MemoryBackend, StorageError, QUOTA_EXCEEDED,
};
pub use cus_core::drafts::{DraftInfo, Opened};
use wasm_bindgen::JsValue;

use crate::autosave::{Hooks, Saver};
use crate::storage;

pub const CURRENT_KEY: &str = "cus.brouillon.courant";
/// The former local-storage layout (before IndexedDB): the index and one key per draft.
const LEGACY_INDEX: &str = "cus.brouillons";
const LEGACY_PREFIX: &str = "cus.brouillon.";

/// Unsaved work copied synchronously when the page goes away, one key per draft (`cus.secours.<id>`,
/// see [`rescue_draft`]).
const RESCUE_PREFIX: &str = "cus.secours.";

const DB_NAME: &str = "cus-indicateurs";
const STORE: &str = "brouillons";

pub use cus_core::autosave::{DEBOUNCE_MS, MAX_WAIT_MS};

const UNAVAILABLE: &str = "Le stockage du navigateur (IndexedDB) est indisponible : vos \
    brouillons restent en mémoire le temps de cette session. Exportez votre travail avant de \
    fermer la page.";

pub(crate) fn now_iso() -> String {
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

// ---- IndexedDB backend -----------------------------------------------------------------------

fn storage_error(e: impl std::fmt::Display) -> StorageError {
    let text = e.to_string();
    if text.contains("Quota") {
        StorageError(QUOTA_EXCEEDED.to_string())
    } else {
        StorageError(format!(
            "Le stockage du navigateur a refusé l'opération : le brouillon enregistré \
             précédemment est intact. (Détail technique : {text})"
        ))
    }
}

/// The object store `brouillons` of the database, opened on first use.
#[derive(Default)]
pub struct Idb {
    db: RefCell<Option<Rc<idb::Database>>>,
}

impl Idb {
    async fn db(&self) -> Result<Rc<idb::Database>, StorageError> {
        if let Some(db) = self.db.borrow().as_ref() {
            return Ok(db.clone());
        }
        let factory = idb::Factory::new().map_err(storage_error)?;
        let mut request = factory.open(DB_NAME, Some(1)).map_err(storage_error)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent;
            if let Ok(db) = event.database() {
                if !db.store_names().iter().any(|s| s == STORE) {
                    let _ = db.create_object_store(STORE, idb::ObjectStoreParams::new());
                }
            }
        });
        let db = Rc::new(request.await.map_err(storage_error)?);
        *self.db.borrow_mut() = Some(db.clone());
        Ok(db)
    }
}

fn key(k: &str) -> JsValue {
    JsValue::from_str(k)
}

impl Backend for Idb {
    async fn get(&self, k: &str) -> Result<Option<String>, StorageError> {
        let db = self.db().await?;
        let tx = db
            .transaction(&[STORE], idb::TransactionMode::ReadOnly)
            .map_err(storage_error)?;
        let store = tx.object_store(STORE).map_err(storage_error)?;
        let v = store
            .get(key(k))
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        Ok(v.and_then(|v| v.as_string()))
    }

    async fn scan(&self, prefix: &str) -> Result<Vec<(String, String)>, StorageError> {
        let db = self.db().await?;
        let tx = db
            .transaction(&[STORE], idb::TransactionMode::ReadOnly)
            .map_err(storage_error)?;
        let store = tx.object_store(STORE).map_err(storage_error)?;
        let range = || {
            idb::KeyRange::bound(
                &key(prefix),
                &key(&format!("{prefix}\u{ffff}")),
                Some(false),
                Some(false),
            )
            .map(idb::Query::from)
            .map_err(storage_error)
        };
        let keys = store
            .get_all_keys(Some(range()?), None)
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        let values = store
            .get_all(Some(range()?), None)
            .map_err(storage_error)?
            .await
            .map_err(storage_error)?;
        Ok(keys
            .into_iter()
            .zip(values)
            .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
            .collect())
    }

    async fn commit(&self, batch: Batch) -> Result<Commit, StorageError> {
        let db = self.db().await?;
        let tx = db
            .transaction(&[STORE], idb::TransactionMode::ReadWrite)
            .map_err(storage_error)?;
        let store = tx.object_store(STORE).map_err(storage_error)?;
        // The checks and the writes are in one transaction: no other tab writes in between.
        for (k, expected) in &batch.expect {
            let v = store
                .get(key(k))
                .map_err(storage_error)?
                .await
                .map_err(storage_error)?
                .and_then(|v| v.as_string());
            if v.as_ref() != expected.as_ref() {
                let _ = tx.abort();
                return Ok(Commit::Conflict);
            }
        }
        let writes = async {
            for k in &batch.delete {
                store
                    .delete(key(k))
                    .map_err(storage_error)?
                    .await
                    .map_err(storage_error)?;
            }
            for (k, v) in &batch.put {
                store
                    .put(&JsValue::from_str(v), Some(&key(k)))
                    .map_err(storage_error)?
                    .await
                    .map_err(storage_error)?;
            }
            Ok::<(), StorageError>(())
        };
        // A write refused half-way: nothing of the batch is kept.
        if let Err(e) = writes.await {
            let _ = tx.abort();
            return Err(e);
        }
        let done = tx.commit().map_err(storage_error)?.await;
        match done {
            Ok(r) if r.is_committed() => Ok(Commit::Done),
            // Aborted by the browser: the transaction's error says why (a full storage
            // shows as `QuotaExceededError`).
            other => {
                let reason = store
                    .transaction()
                    .error()
                    .map(|e| e.name())
                    .or_else(|| other.err().map(|e| e.to_string()))
                    .unwrap_or_else(|| "transaction annulée".into());
                Err(storage_error(reason))
            }
        }
    }
}

/// IndexedDB, or memory when the browser refuses it.
pub enum AppBackend {
    Idb(Idb),
    Memory(MemoryBackend),
}

impl Backend for AppBackend {
    async fn get(&self, k: &str) -> Result<Option<String>, StorageError> {
        match self {
            AppBackend::Idb(b) => b.get(k).await,
            AppBackend::Memory(b) => b.get(k).await,
        }
    }
    async fn scan(&self, p: &str) -> Result<Vec<(String, String)>, StorageError> {
        match self {
            AppBackend::Idb(b) => b.scan(p).await,
            AppBackend::Memory(b) => b.scan(p).await,
        }
    }
    async fn commit(&self, batch: Batch) -> Result<Commit, StorageError> {
        match self {
            AppBackend::Idb(b) => b.commit(batch).await,
            AppBackend::Memory(b) => b.commit(batch).await,
        }
    }
}

// ---- The tab's drafts ----------------------------------------------------------------------

thread_local! {
    static DRAFTS: RefCell<Option<Rc<Drafts<AppBackend>>>> = const { RefCell::new(None) };
    /// IndexedDB opened (or memory chosen), earlier drafts moved, persistence requested.
    static READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// A message to show once (storage unavailable, drafts moved from local storage).
    static NOTICE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The drafts of this tab, ready: IndexedDB opened (or memory, if refused), drafts of earlier
/// versions moved from local storage, persistence requested.
async fn drafts() -> Rc<Drafts<AppBackend>> {
    let d = DRAFTS.with(|d| {
        d.borrow_mut()
            .get_or_insert_with(|| Rc::new(Drafts::new(AppBackend::Idb(Idb::default()))))
            .clone()
    });
    // Callers racing before it is set each run the steps below: they are idempotent.
    if READY.with(|r| r.get()) {
        return d;
    }
    let idb_ok = match d.backend() {
        AppBackend::Idb(i) => i.db().await.is_ok(),
        AppBackend::Memory(_) => true,
    };
    if !idb_ok {
        let memory = Rc::new(Drafts::new(AppBackend::Memory(MemoryBackend::default())));
        DRAFTS.with(|d| *d.borrow_mut() = Some(memory.clone()));
        NOTICE.with(|n| *n.borrow_mut() = Some(UNAVAILABLE.to_string()));
        READY.with(|r| r.set(true));
        return memory;
    }
    migrate_local_storage(&d).await;
    recover_rescue(&d).await;
    request_persistence();
    READY.with(|r| r.set(true));
    d
}

/// Move the drafts of the former local-storage layout into IndexedDB, then remove them there.
async fn migrate_local_storage(d: &Drafts<AppBackend>) {
    let Some(local) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let n = local.length().unwrap_or(0);
    let mut legacy = Legacy {
        index: local.get_item(LEGACY_INDEX).ok().flatten(),
        drafts: Vec::new(),
    };
    for i in 0..n {
        let Some(k) = local.key(i).ok().flatten() else {
            continue;
        };
        if let Some(id) = k.strip_prefix(LEGACY_PREFIX) {
            if id != "courant" {
                if let Some(text) = local.get_item(&k).ok().flatten() {
                    legacy.drafts.push((id.to_string(), text));
                }
            }
        }
    }
    if legacy.drafts.is_empty() {
        let _ = local.remove_item(LEGACY_INDEX);
        return;
    }
    match d.migrate(&legacy, &now_iso()).await {
        Ok(m) => {
            for id in m.copied.iter().chain(&m.skipped) {
                let _ = local.remove_item(&format!("{LEGACY_PREFIX}{id}"));
            }
            let _ = local.remove_item(LEGACY_INDEX);
            if !m.copied.is_empty() {
                NOTICE.with(|n| {
                    *n.borrow_mut() = Some(format!(
                        "Vos brouillons ont été déplacés vers un stockage du navigateur plus \
                         grand (IndexedDB) : {} brouillon{s} déplacé{s}.",
                        m.copied.len(),
                        s = crate::pages::plural_s(m.copied.len())
                    ))
                });
            }
        }
        Err(e) => NOTICE.with(|n| {
            *n.borrow_mut() = Some(format!(
                "Vos brouillons enregistrés par une version précédente n'ont pas pu être déplacés \
                 (ils restent où ils étaient) : {}",
                e.0
            ))
        }),
    }
}

/// Put back what a page that went away could not write in time (see [`rescue_draft`]).
async fn recover_rescue(d: &Drafts<AppBackend>) {
    for (k, text) in crate::autosave::rescues(RESCUE_PREFIX) {
        // On a storage failure the copy stays for the next time.
        if let Ok(message) = d.recover(&text, &now_iso()).await {
            crate::autosave::drop_rescue(&k);
            if let Some(m) = message {
                NOTICE.with(|n| *n.borrow_mut() = Some(m));
            }
        }
    }
}

/// Ask the browser to keep the drafts under storage pressure (it may refuse; nothing changes).
fn request_persistence() {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    if let Ok(p) = storage.persist() {
        wasm_bindgen_futures::spawn_local(async move {
            let granted = wasm_bindgen_futures::JsFuture::from(p)
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            PERSISTED.with(|g| g.set(Some(granted)));
        });
    }
}

thread_local! {
    static PERSISTED: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Whether the browser promised to keep the drafts (`None`: not known yet).
pub fn persisted() -> Option<bool> {
    PERSISTED.with(|g| g.get())
}

/// A message about the storage to show once, if any.
pub fn take_notice() -> Option<String> {
    NOTICE.with(|n| n.borrow_mut().take())
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

/// The id prefix of a draft kept in memory only, when the storage failed.
const IN_MEMORY: &str = "memoire-";
const NOT_STORED: &str = "Ce brouillon n'est pas enregistré dans le navigateur (le stockage a \
    refusé de l'ouvrir) : exportez votre travail pour le garder, puis rechargez la page.";

/// A draft opened in memory only, when the storage failed.
fn in_memory(e: StorageError) -> Opened {
    Opened {
        id: format!("{IN_MEMORY}{}", js_sys::Date::now() as u64),
        convention: Convention::default(),
        message: Some(e.0),
    }
}

fn made_current(o: Opened) -> Opened {
    set_current(&o.id);
    o
}

/// What the user asks of the list of drafts.
#[derive(Clone, Debug)]
pub enum Request {
    /// The draft this tab had open (after a reload), else the last one opened.
    Current,
    Open(String),
    Create(Box<Convention>),
    Duplicate(String),
    /// Delete this draft, then open the current one (or the most recent).
    Delete(String),
}

/// Carry out a request; the draft to show afterwards, with a message if something went wrong.
pub async fn perform(request: Request) -> Opened {
    flush().await;
    let d = drafts().await;
    let now = now_iso();
    let opened = match request {
        Request::Current => {
            let mut preferred = Vec::new();
            if let Some(id) = session().and_then(|s| s.get_item(CURRENT_KEY).ok().flatten()) {
                preferred.push(id);
            }
            if let Ok(Some(id)) = storage::get(CURRENT_KEY) {
                preferred.push(id);
            }
            d.open_current(&preferred, &now).await
        }
        Request::Open(id) => {
            d.forget(&id);
            d.open(&id, &now).await
        }
        Request::Create(c) => d.create(*c, &now).await,
        Request::Duplicate(id) => d.duplicate(&id, &now).await,
        Request::Delete(id) => match d.delete(&id).await {
            Ok(()) => {
                let current = session().and_then(|s| s.get_item(CURRENT_KEY).ok().flatten());
                let keep: Vec<String> = current.into_iter().filter(|c| *c != id).collect();
                d.open_current(&keep, &now).await
            }
            Err(e) => Err(e),
        },
    };
    made_current(opened.unwrap_or_else(in_memory))
}

/// The list of drafts, oldest first, and a French message if it could not be read.
pub async fn list() -> (Vec<DraftInfo>, Option<String>) {
    match drafts().await.list().await {
        Ok(l) => (l, None),
        Err(e) => (Vec::new(), Some(e.0)),
    }
}

// ---- Saving ----------------------------------------------------------------------------------

type Done = Box<dyn FnOnce(Result<(), String>)>;

/// A draft to write, and who is told the outcome.
struct DraftSave {
    id: String,
    conv: Rc<Convention>,
    done: RefCell<Option<Done>>,
}

fn write_draft(s: Rc<DraftSave>) -> crate::autosave::Writing {
    Box::pin(async move {
        let d = drafts().await;
        let r = if s.id.starts_with(IN_MEMORY) {
            Err(NOT_STORED.to_string())
        } else {
            d.save(&s.id, &s.conv, &now_iso())
                .await
                .map_err(|e| e.message())
        };
        if let Some(done) = s.done.borrow_mut().take() {
            done(r);
        }
    })
}

/// The page goes away (reload, closed tab, navigation): IndexedDB writes are asynchronous and
/// may not finish, so the unsaved draft is also copied synchronously to local storage, and put
/// back by the next page ([`recover_rescue`]), never over a version written since.
fn rescue_draft(s: &DraftSave) -> Option<String> {
    let text = DRAFTS.with(|d| d.borrow().as_ref().and_then(|d| d.rescue(&s.id, &s.conv)))?;
    crate::autosave::keep_rescue(&format!("{RESCUE_PREFIX}{}", s.id), &text)
}

thread_local! {
    static SAVER: Saver<DraftSave> = Saver::new(Hooks {
        write: write_draft,
        rescue: rescue_draft,
        busy: set_saving_flag,
    });
}

/// Save `conv` under `id` once the user pauses (`cus_core::autosave`), replacing a save not yet
/// started; `done` gets the outcome. `document.body` carries `data-sauvegarde="en-cours"` until
/// it is written, then `"faite"`. A hidden page (reload, closed tab) starts the write at once.
pub fn save_soon(
    id: String,
    conv: Rc<Convention>,
    done: impl FnOnce(Result<(), String>) + 'static,
) {
    // A save replaced before it started: its outcome is the next one's.
    SAVER.with(Saver::clone).edited(DraftSave {
        id,
        conv,
        done: RefCell::new(Some(Box::new(done))),
    });
}

/// Write what is pending now, and wait until every save is written.
pub async fn flush() {
    SAVER.with(Saver::clone).flush().await
}

/// [`flush`] for `crate::presence` (another tab takes the draft over).
pub fn flush_boxed() -> crate::autosave::Writing {
    Box::pin(flush())
}

fn set_saving_flag(on: bool) {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-sauvegarde", if on { "en-cours" } else { "faite" });
    }
}

/// The stored convention of a draft, without opening it (« Simuler » adds a user's drafts to a
/// workspace). `None` when it is absent or unreadable.
pub async fn read(id: &str) -> Option<cus_core::convention::Convention> {
    let d = drafts().await;
    let text = d.backend().get(&format!("draft:{id}")).await.ok()??;
    serde_json::from_str(&text).ok()
}

/// The storage the drafts use (IndexedDB, or memory when the browser refuses it), shared with
/// the workspaces of « Simuler » (other keys: `cus_core::consolidation::store`).
#[derive(Clone)]
pub struct Shared(Rc<Drafts<AppBackend>>);

impl Shared {
    pub async fn get() -> Shared {
        Shared(drafts().await)
    }
}

impl Backend for Shared {
    async fn get(&self, k: &str) -> Result<Option<String>, StorageError> {
        self.0.backend().get(k).await
    }
    async fn scan(&self, p: &str) -> Result<Vec<(String, String)>, StorageError> {
        self.0.backend().scan(p).await
    }
    async fn commit(&self, batch: Batch) -> Result<Commit, StorageError> {
        self.0.backend().commit(batch).await
    }
}
