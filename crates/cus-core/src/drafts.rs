//! Named drafts kept in the browser, behind a storage trait: the web app implements [`Backend`]
//! over IndexedDB, the tests over [`MemoryBackend`]. The rules that keep the user's work safe live
//! here, so they are tested natively:
//!
//! - **the index stays coherent**: a draft is two records, `info:<id>` (its line in the list) and
//!   `draft:<id>` (the convention), always written and deleted together in one atomic commit;
//! - **a failed write keeps the last good copy**: a commit applies all its writes or none;
//! - **an unreadable draft is set aside**, never overwritten: its text moves to
//!   `aside:<id>:<n>` in the commit that removes it from the list;
//! - **no silent loss between tabs**: a save names the `info:` record it last read or wrote, and
//!   is refused ([`SaveError::Conflict`]) when another tab wrote the draft since;
//! - **migration** from the former local-storage layout is one commit: all drafts or none.
//!
//! Clocks and ids come from the caller (`now`, an ISO date-time), so everything is deterministic.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::convention::Convention;

const INFO: &str = "info:";
const DRAFT: &str = "draft:";
const ASIDE: &str = "aside:";

/// A storage failure, in French, for the user (quota exceeded, storage disabled…).
#[derive(Clone, Debug, PartialEq)]
pub struct StorageError(pub String);

/// Writes applied atomically, provided every expectation holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    /// `(key, value)`: the record must hold exactly this text (`None`: must be absent).
    pub expect: Vec<(String, Option<String>)>,
    pub put: Vec<(String, String)>,
    pub delete: Vec<String>,
}

/// The outcome of a commit that reached the storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    Done,
    /// An expectation did not hold: nothing was written.
    Conflict,
}

/// A key-value store of text records with atomic commits (IndexedDB in the app).
pub trait Backend {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<String>, StorageError>>;
    /// Every record whose key starts with `prefix`, in key order.
    fn scan(
        &self,
        prefix: &str,
    ) -> impl Future<Output = Result<Vec<(String, String)>, StorageError>>;
    /// Check `batch.expect`, then apply every put and delete, or nothing.
    fn commit(&self, batch: Batch) -> impl Future<Output = Result<Commit, StorageError>>;
}

/// One line of the list of drafts (the record `info:<id>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftInfo {
    pub id: String,
    pub name: String,
    /// Last change, as an ISO date-time (`2026-11-25T15:30:00.000Z`).
    pub updated: String,
    /// Bumped by every write of the draft.
    #[serde(default)]
    pub version: u64,
    /// Size of the stored convention, in bytes.
    #[serde(default)]
    pub bytes: usize,
    /// The signature of the commitments in force, if they are signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::convention::Signature>,
    /// Versions replaced by an avenant (with no signature: an avenant in preparation).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub versions: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl DraftInfo {
    /// The line of a draft in a list: its name and what tells it apart from the others.
    fn of(id: &str, conv: &Convention, updated: &str, version: u64, bytes: usize) -> DraftInfo {
        DraftInfo {
            id: id.to_string(),
            name: display_name(conv),
            updated: updated.to_string(),
            version,
            bytes,
            signature: conv.signature.clone(),
            versions: conv.versions.len(),
        }
    }

    /// Where the commitments stand: « Convention initiale signée le 30/06/2022 », « Avenant n° 1
    /// signé le 15/01/2024 », « avenant n° 1 en préparation », « non signée ».
    pub fn status_fr(&self) -> String {
        status_fr(self.signature.as_ref(), self.versions)
    }
}

/// Where a convention's commitments stand, as its line in the list of drafts says it.
pub fn convention_status_fr(conv: &Convention) -> String {
    status_fr(conv.signature.as_ref(), conv.versions.len())
}

fn status_fr(signature: Option<&crate::convention::Signature>, versions: usize) -> String {
    match (signature, versions) {
        (Some(s), _) => s.signed_fr(),
        (None, 0) => "non signée".to_string(),
        (None, n) => format!("avenant n° {n} en préparation"),
    }
}

/// A draft opened: its convention, and a French message when something had to be done.
#[derive(Clone, Debug)]
pub struct Opened {
    pub id: String,
    pub convention: Convention,
    pub message: Option<String>,
}

/// Why a save did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveError {
    /// Another tab wrote (or deleted) the draft since this one read it: nothing was written.
    Conflict,
    Storage(StorageError),
}

impl SaveError {
    pub fn message(&self) -> String {
        match self {
            SaveError::Conflict => NEWER_ELSEWHERE.to_string(),
            SaveError::Storage(e) => e.0.clone(),
        }
    }
}

/// The message of a save refused because another tab wrote the draft since this one read it.
pub const NEWER_ELSEWHERE: &str = "Ce brouillon a été enregistré entre-temps dans un autre \
    onglet : pour ne pas effacer ce qui y a été saisi, vos dernières modifications ici n'ont pas \
    été enregistrées. Rechargez la page pour reprendre la version la plus récente.";

const UNREADABLE: &str = "Le brouillon enregistré dans ce navigateur est illisible : il a été \
    mis de côté (copie de secours conservée) et un nouveau brouillon a été ouvert.";

/// Drafts stored in the former layout (local storage), read by the app for [`Drafts::migrate`].
#[derive(Clone, Debug, Default)]
pub struct Legacy {
    /// The former index (`cus.brouillons`), if any.
    pub index: Option<String>,
    /// `(id, text)` of each stored draft (`cus.brouillon.<id>`, `….illisible` included, with
    /// the suffix in the id).
    pub drafts: Vec<(String, String)>,
}

/// What a migration did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Migrated {
    /// Ids of the drafts copied (now safe to remove from the former storage).
    pub copied: Vec<String>,
    /// Ids already present in the new storage, left as they were.
    pub skipped: Vec<String>,
    /// Texts that were not readable conventions, kept aside.
    pub set_aside: usize,
}

#[derive(Serialize, Deserialize)]
struct Rescue {
    id: String,
    /// The `info:` text the tab had read or written last.
    base: String,
    convention: Convention,
}

#[derive(Deserialize)]
struct LegacyInfo {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    updated: String,
}

/// The drafts of one tab: the storage, and the `info:` text of each draft as this tab last read
/// or wrote it (for the check between tabs).
pub struct Drafts<B> {
    backend: B,
    known: RefCell<HashMap<String, String>>,
}

fn info_key(id: &str) -> String {
    format!("{INFO}{id}")
}

fn draft_key(id: &str) -> String {
    format!("{DRAFT}{id}")
}

fn to_json<T: Serialize>(v: &T) -> String {
    // Serialising these plain structures cannot fail (string keys only).
    serde_json::to_string(v).unwrap_or_default()
}

/// A draft's name: the convention's own, else the organism's, else `Brouillon <n>`.
pub fn default_name(conv: &Convention, count: usize) -> String {
    if !conv.name.trim().is_empty() {
        conv.name.trim().to_string()
    } else if !conv.organisme.raison_sociale.trim().is_empty() {
        conv.organisme.raison_sociale.trim().to_string()
    } else {
        format!("Brouillon {}", count + 1)
    }
}

/// Is `name` one the app gave (empty, or « Brouillon 3 »), not one the user chose?
pub fn is_automatic_name(name: &str) -> bool {
    let n = name.trim();
    n.is_empty()
        || n.strip_prefix("Brouillon ")
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The name a draft is shown under: the one the user chose, else the organism's raison sociale
/// once it is entered (a draft created blank is « Brouillon 1 » until then), else its number.
pub fn display_name(conv: &Convention) -> String {
    let raison = conv.organisme.raison_sociale.trim();
    if is_automatic_name(&conv.name) && !raison.is_empty() {
        raison.to_string()
    } else if conv.name.trim().is_empty() {
        "Brouillon sans nom".to_string()
    } else {
        conv.name.trim().to_string()
    }
}

/// `base`, or `base` numbered (« X (copie 2) », « Brouillon 4 ») when another draft has it.
fn unique_name(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    let (stem, suffix) = match base.strip_suffix(" (copie)") {
        Some(stem) => (format!("{stem} (copie "), ")"),
        None => (format!("{base} "), ""),
    };
    (2..)
        .map(|n| format!("{stem}{n}{suffix}"))
        .find(|c| !taken.iter().any(|t| t == c))
        .unwrap_or_else(|| base.to_string())
}

impl<B: Backend> Drafts<B> {
    pub fn new(backend: B) -> Self {
        Drafts {
            backend,
            known: RefCell::default(),
        }
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The list of drafts, oldest first. An `info:` record that cannot be read is left out.
    pub async fn list(&self) -> Result<Vec<DraftInfo>, StorageError> {
        let rows = self.backend.scan(INFO).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(_, text)| serde_json::from_str::<DraftInfo>(&text).ok())
            .collect())
    }

    /// The texts set aside, `(key, text)`, so the user can download them.
    pub async fn aside(&self) -> Result<Vec<(String, String)>, StorageError> {
        self.backend.scan(ASIDE).await
    }

    async fn next_aside_key(&self, id: &str) -> Result<String, StorageError> {
        let prefix = format!("{ASIDE}{id}:");
        let n = self.backend.scan(&prefix).await?.len();
        Ok(format!("{prefix}{}", n + 1))
    }

    /// A new id not used by any draft, made from `now`.
    async fn new_id(&self, now: &str) -> Result<String, StorageError> {
        let stamp: String = now.chars().filter(char::is_ascii_digit).collect();
        let list = self.list().await?;
        let mut n = 1;
        loop {
            let id = format!("b{stamp}-{n}");
            if !list.iter().any(|d| d.id == id)
                && self.backend.get(&draft_key(&id)).await?.is_none()
            {
                return Ok(id);
            }
            n += 1;
        }
    }

    /// Open a draft. An unreadable one is moved aside (its text kept) in the commit that takes it
    /// out of the list, then a new blank draft is created and opened. A draft that no longer
    /// exists opens as a new blank one.
    pub async fn open(&self, id: &str, now: &str) -> Result<Opened, StorageError> {
        let info = self.backend.get(&info_key(id)).await?;
        let text = self.backend.get(&draft_key(id)).await?;
        match (info, text) {
            (Some(info), Some(text)) => match serde_json::from_str::<Convention>(&text) {
                Ok(c) => {
                    self.known.borrow_mut().insert(id.to_string(), info);
                    Ok(Opened {
                        id: id.to_string(),
                        convention: c,
                        message: None,
                    })
                }
                Err(_) => self.set_aside_and_create(id, info, text, now).await,
            },
            _ => {
                let mut opened = self.create(Convention::default(), now).await?;
                opened.message = Some(
                    "Ce brouillon n'existe plus dans ce navigateur (supprimé dans un autre \
                     onglet ?) : un nouveau brouillon a été ouvert."
                        .to_string(),
                );
                Ok(opened)
            }
        }
    }

    async fn set_aside_and_create(
        &self,
        id: &str,
        info: String,
        text: String,
        now: &str,
    ) -> Result<Opened, StorageError> {
        let batch = Batch {
            expect: vec![
                (info_key(id), Some(info)),
                (draft_key(id), Some(text.clone())),
            ],
            put: vec![(self.next_aside_key(id).await?, text)],
            delete: vec![info_key(id), draft_key(id)],
        };
        self.backend.commit(batch).await?;
        self.known.borrow_mut().remove(id);
        let mut opened = self.create(Convention::default(), now).await?;
        opened.message = Some(UNREADABLE.to_string());
        Ok(opened)
    }

    /// Open `preferred` if it exists, else the most recent draft, else a new one.
    pub async fn open_current(
        &self,
        preferred: &[String],
        now: &str,
    ) -> Result<Opened, StorageError> {
        let list = self.list().await?;
        let pick = preferred
            .iter()
            .find(|id| list.iter().any(|d| &d.id == *id))
            .cloned()
            .or_else(|| {
                list.iter()
                    .max_by(|a, b| a.updated.cmp(&b.updated))
                    .map(|d| d.id.clone())
            });
        match pick {
            Some(id) => self.open(&id, now).await,
            None => self.create(Convention::default(), now).await,
        }
    }

    /// Create a draft holding `conv` (named by [`default_name`]) and open it.
    pub async fn create(&self, conv: Convention, now: &str) -> Result<Opened, StorageError> {
        let list = self.list().await?;
        let id = self.new_id(now).await?;
        let mut conv = conv;
        // Never two drafts of the same name (« Brouillon 1 » twice, or two copies of one).
        let taken: Vec<String> = list.iter().map(|d| d.name.clone()).collect();
        conv.name = unique_name(&default_name(&conv, list.len()), &taken);
        match self.write(&id, &conv, now, None).await {
            Ok(()) => Ok(Opened {
                id,
                convention: conv,
                message: None,
            }),
            Err(SaveError::Storage(e)) => Err(e),
            Err(SaveError::Conflict) => Err(StorageError(
                "Le brouillon n'a pas pu être créé (identifiant déjà pris) : réessayez.".into(),
            )),
        }
    }

    /// Save a draft this tab opened. Refused, with nothing written, when another tab wrote or
    /// deleted it since; on a storage failure the last stored copy is intact.
    pub async fn save(&self, id: &str, conv: &Convention, now: &str) -> Result<(), SaveError> {
        let known = self.known.borrow().get(id).cloned();
        match known {
            Some(k) => self.write(id, conv, now, Some(k)).await,
            None => Err(SaveError::Conflict),
        }
    }

    /// Write `conv` as the draft `id`; `previous` is the `info:` text expected in the storage
    /// (`None`: the draft must not exist yet).
    async fn write(
        &self,
        id: &str,
        conv: &Convention,
        now: &str,
        previous: Option<String>,
    ) -> Result<(), SaveError> {
        let text = to_json(conv);
        let version = previous
            .as_deref()
            .and_then(|p| serde_json::from_str::<DraftInfo>(p).ok())
            .map_or(1, |i| i.version + 1);
        let info = to_json(&DraftInfo::of(id, conv, now, version, text.len()));
        let batch = Batch {
            expect: vec![(info_key(id), previous)],
            put: vec![(draft_key(id), text), (info_key(id), info.clone())],
            delete: vec![],
        };
        match self
            .backend
            .commit(batch)
            .await
            .map_err(SaveError::Storage)?
        {
            Commit::Done => {
                self.known.borrow_mut().insert(id.to_string(), info);
                Ok(())
            }
            Commit::Conflict => Err(SaveError::Conflict),
        }
    }

    /// Forget what this tab knew of a draft, so that the next [`Drafts::open`] reads it again
    /// (« Modifier ici » after another tab stepped back).
    pub fn forget(&self, id: &str) {
        self.known.borrow_mut().remove(id);
    }

    /// Copy a draft under the name « <name> (copie) » (« (copie 2) » when taken) and open the copy.
    pub async fn duplicate(&self, id: &str, now: &str) -> Result<Opened, StorageError> {
        let text = self.backend.get(&draft_key(id)).await?;
        let mut conv = text
            .and_then(|t| serde_json::from_str::<Convention>(&t).ok())
            .ok_or_else(|| {
                StorageError("Ce brouillon ne peut pas être copié : il est illisible.".into())
            })?;
        conv.name = format!("{} (copie)", display_name(&conv));
        self.create(conv, now).await
    }

    /// Rename a draft (its convention's name and its line).
    pub async fn rename(&self, id: &str, name: &str, now: &str) -> Result<(), SaveError> {
        let text = self
            .backend
            .get(&draft_key(id))
            .await
            .map_err(SaveError::Storage)?;
        let Some(mut conv) = text.and_then(|t| serde_json::from_str::<Convention>(&t).ok()) else {
            return Err(SaveError::Conflict);
        };
        conv.name = name.trim().to_string();
        let previous = self
            .backend
            .get(&info_key(id))
            .await
            .map_err(SaveError::Storage)?;
        self.write(id, &conv, now, previous).await
    }

    /// Delete a draft: both its records, in one commit.
    pub async fn delete(&self, id: &str) -> Result<(), StorageError> {
        self.backend
            .commit(Batch {
                expect: vec![],
                put: vec![],
                delete: vec![info_key(id), draft_key(id)],
            })
            .await?;
        self.known.borrow_mut().remove(id);
        Ok(())
    }

    /// Copy the drafts of the former local-storage layout, in one commit (all or none). A draft
    /// already here is left as it is; a text that is not a convention is set aside.
    pub async fn migrate(&self, legacy: &Legacy, now: &str) -> Result<Migrated, StorageError> {
        let index: Vec<LegacyInfo> = legacy
            .index
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let names: BTreeMap<&str, &LegacyInfo> = index.iter().map(|i| (i.id.as_str(), i)).collect();
        let mut out = Migrated::default();
        let mut batch = Batch::default();
        for (n, (id, text)) in legacy.drafts.iter().enumerate() {
            let valid_id = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
            let safe: String = id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let aside_key = format!("{ASIDE}migration:{safe}");
            let existing = if valid_id {
                self.backend.get(&info_key(id)).await?
            } else {
                None
            };
            if existing.is_some() || self.backend.get(&aside_key).await?.is_some() {
                out.skipped.push(id.clone());
                continue;
            }
            match serde_json::from_str::<Convention>(text) {
                Ok(mut conv) if valid_id && !id.ends_with(".illisible") => {
                    let legacy_info = names.get(id.as_str());
                    if conv.name.trim().is_empty() {
                        conv.name = legacy_info
                            .map(|i| i.name.trim().to_string())
                            .filter(|n| !n.is_empty())
                            .unwrap_or_else(|| format!("Brouillon récupéré {}", n + 1));
                    }
                    let updated = legacy_info
                        .map(|i| i.updated.clone())
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| now.to_string());
                    let stored = to_json(&conv);
                    batch.expect.push((info_key(id), None));
                    batch.put.push((
                        info_key(id),
                        to_json(&DraftInfo::of(id, &conv, &updated, 1, stored.len())),
                    ));
                    batch.put.push((draft_key(id), stored));
                }
                _ => {
                    batch.expect.push((aside_key.clone(), None));
                    batch.put.push((aside_key, text.clone()));
                    out.set_aside += 1;
                }
            }
            out.copied.push(id.clone());
        }
        if batch.put.is_empty() {
            return Ok(out);
        }
        match self.backend.commit(batch).await? {
            Commit::Done => Ok(out),
            // Another tab migrated at the same time: its copy stands.
            Commit::Conflict => Ok(Migrated {
                skipped: out.copied,
                ..Migrated::default()
            }),
        }
    }

    /// A copy of unsaved work to keep synchronously when the page goes away before the
    /// asynchronous save is written (the app puts it in local storage); `None` for a draft this
    /// tab never read. See [`Drafts::recover`].
    pub fn rescue(&self, id: &str, conv: &Convention) -> Option<String> {
        let base = self.known.borrow().get(id).cloned()?;
        Some(to_json(&Rescue {
            id: id.to_string(),
            base,
            convention: conv.clone(),
        }))
    }

    /// Put back a copy made by [`Drafts::rescue`]: saved when nobody wrote the draft since it
    /// was made, forgotten when the draft already holds it, else set aside (with a French
    /// message), never written over a newer version.
    pub async fn recover(&self, text: &str, now: &str) -> Result<Option<String>, StorageError> {
        let Ok(r) = serde_json::from_str::<Rescue>(text) else {
            return Ok(None);
        };
        let stored = self.backend.get(&draft_key(&r.id)).await?;
        if stored.as_deref() == Some(to_json(&r.convention).as_str()) {
            return Ok(None);
        }
        let current = self.backend.get(&info_key(&r.id)).await?;
        if current.as_deref() == Some(r.base.as_str()) {
            match self.write(&r.id, &r.convention, now, current).await {
                Ok(()) => return Ok(None),
                Err(SaveError::Storage(e)) => return Err(e),
                Err(SaveError::Conflict) => {}
            }
        }
        let key = self.next_aside_key(&r.id).await?;
        self.backend
            .commit(Batch {
                expect: vec![(key.clone(), None)],
                put: vec![(key, to_json(&r.convention))],
                delete: vec![],
            })
            .await?;
        Ok(Some(format!(
            "Des modifications du brouillon « {} » faites juste avant la fermeture de la page \
             n'ont pas été enregistrées, pour ne pas effacer une version plus récente : elles \
             sont mises de côté dans ce navigateur.",
            r.convention.name
        )))
    }

    /// Check the storage's coherence: every `info:` record is readable and has its `draft:`
    /// record, and every `draft:` record has its line. Returns the French problems found.
    pub async fn check(&self) -> Result<Vec<String>, StorageError> {
        let infos = self.backend.scan(INFO).await?;
        let drafts = self.backend.scan(DRAFT).await?;
        let mut problems = Vec::new();
        for (k, t) in &infos {
            let id = &k[INFO.len()..];
            match serde_json::from_str::<DraftInfo>(t) {
                Ok(i) if i.id == id => {}
                _ => problems.push(format!("ligne illisible : {id}")),
            }
            if !drafts.iter().any(|(d, _)| &d[DRAFT.len()..] == id) {
                problems.push(format!("ligne sans brouillon : {id}"));
            }
        }
        for (k, _) in &drafts {
            let id = &k[DRAFT.len()..];
            if !infos.iter().any(|(i, _)| &i[INFO.len()..] == id) {
                problems.push(format!("brouillon sans ligne : {id}"));
            }
        }
        Ok(problems)
    }
}

/// An in-memory [`Backend`] for tests, with a quota (total bytes of the values) and injectable
/// failures; its futures are always ready.
#[derive(Debug, Default)]
pub struct MemoryBackend {
    pub records: RefCell<BTreeMap<String, String>>,
    /// Largest total size of the values, in bytes (`None`: unlimited).
    pub quota: Option<usize>,
    /// The next commits fail (as a storage failure) while this is above zero.
    pub fail_commits: std::cell::Cell<u32>,
}

impl MemoryBackend {
    pub fn with_quota(quota: usize) -> Self {
        MemoryBackend {
            quota: Some(quota),
            ..Self::default()
        }
    }

    fn used(records: &BTreeMap<String, String>) -> usize {
        records.values().map(String::len).sum()
    }
}

/// The French message of a full storage.
pub const QUOTA_EXCEEDED: &str = "L'espace de stockage du navigateur est plein : le brouillon \
    n'a pas été enregistré (la version précédente est intacte). Libérez de la place (supprimez \
    d'anciens brouillons) ou exportez votre travail.";

impl Backend for MemoryBackend {
    async fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.records.borrow().get(key).cloned())
    }

    async fn scan(&self, prefix: &str) -> Result<Vec<(String, String)>, StorageError> {
        Ok(self
            .records
            .borrow()
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    async fn commit(&self, batch: Batch) -> Result<Commit, StorageError> {
        if self.fail_commits.get() > 0 {
            self.fail_commits.set(self.fail_commits.get() - 1);
            return Err(StorageError(
                "Le stockage du navigateur a refusé l'enregistrement.".into(),
            ));
        }
        let mut records = self.records.borrow_mut();
        if batch
            .expect
            .iter()
            .any(|(k, v)| records.get(k) != v.as_ref())
        {
            return Ok(Commit::Conflict);
        }
        let mut next = records.clone();
        for k in &batch.delete {
            next.remove(k);
        }
        for (k, v) in batch.put {
            next.insert(k, v);
        }
        if self.quota.is_some_and(|q| Self::used(&next) > q) {
            return Err(StorageError(QUOTA_EXCEEDED.into()));
        }
        *records = next;
        Ok(Commit::Done)
    }
}
