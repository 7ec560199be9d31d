//! Workspaces in the browser's storage (the same [`Backend`] as the drafts, other keys).
//!
//! A workspace is stored as records written together: `espace:<id>` (everything but the
//! organisms' conventions: small, rewritten on every edit), and one `espace-fichier:<id>:<file>`
//! per file (written once, when the file is added). A save names the version of `espace:<id>`
//! it read and is refused when another tab wrote since.
//!
//! Unsaved edits copied synchronously as the page goes away ([`rescue`], kept in local storage by
//! the app) are put back by the next page ([`Workspaces::recover`]), never over a newer version.

use serde::{Deserialize, Serialize};

use super::{Workspace, WorkspaceFile};
use crate::convention::Convention;
use crate::drafts::{Backend, Batch, Commit, StorageError};

const META: &str = "espace:";
const FILE: &str = "espace-fichier:";
/// Rescued edits that could not be put back (a newer version was saved since): kept, never lost.
const ASIDE: &str = "espace-secours:";

fn meta_key(id: &str) -> String {
    format!("{META}{id}")
}

fn file_key(id: &str, file: &str) -> String {
    format!("{FILE}{id}:{file}")
}

/// One line of the list of workspaces.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub updated: String,
    pub files: usize,
    pub version: u64,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    info: WorkspaceInfo,
    /// The workspace with every convention left empty.
    workspace: Workspace,
}

/// Unsaved edits of a workspace, copied when the page goes away (see [`rescue`]).
#[derive(Serialize, Deserialize)]
struct Rescue {
    id: String,
    /// The version this tab had read or written (`None`: never saved).
    base: Option<u64>,
    /// The files stored at that version.
    stored: Vec<String>,
    /// The workspace, with the conventions of the stored files left empty.
    workspace: Workspace,
}

/// The workspace with every convention left empty (what `espace:<id>` holds).
fn light(ws: &Workspace) -> Workspace {
    let mut light = ws.clone();
    for f in &mut light.files {
        f.convention = Convention::default();
    }
    light
}

fn same_light(a: &Workspace, b: &Workspace) -> bool {
    serde_json::to_string(&light(a)).ok() == serde_json::to_string(&light(b)).ok()
}

/// A copy of the unsaved edits of workspace `id` to keep synchronously when the page goes away
/// before the asynchronous save is written (the app puts it in local storage, the next page gives
/// it to [`Workspaces::recover`]). `read` and `stored` as for [`Workspaces::save`]. Only the files
/// not stored yet carry their convention: the copy of an edit of the objectives stays small.
pub fn rescue(id: &str, ws: &Workspace, read: Option<u64>, stored: &[String]) -> String {
    let mut workspace = ws.clone();
    for f in &mut workspace.files {
        if stored.contains(&f.id) {
            f.convention = Convention::default();
        }
    }
    serde_json::to_string(&Rescue {
        id: id.to_string(),
        base: read,
        stored: stored.to_vec(),
        workspace,
    })
    .unwrap_or_default()
}

/// Why a save did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum WsSaveError {
    /// Another tab saved this workspace since this one read it.
    Conflict,
    Storage(StorageError),
}

impl WsSaveError {
    pub fn message(&self) -> String {
        match self {
            WsSaveError::Conflict => "Cet espace a été enregistré entre-temps dans un autre onglet : vos dernières modifications ici n'ont pas été enregistrées. Rechargez la page pour reprendre la version la plus récente.".into(),
            WsSaveError::Storage(e) => e.0.clone(),
        }
    }
}

/// The workspaces of one tab.
pub struct Workspaces<B> {
    backend: B,
}

impl<B: Backend> Workspaces<B> {
    pub fn new(backend: B) -> Self {
        Workspaces { backend }
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Every workspace, most recently changed first. Unreadable records are skipped.
    pub async fn list(&self) -> Result<Vec<WorkspaceInfo>, StorageError> {
        let mut out: Vec<WorkspaceInfo> = self
            .backend
            .scan(META)
            .await?
            .into_iter()
            .filter_map(|(_, v)| serde_json::from_str::<Meta>(&v).ok().map(|m| m.info))
            .collect();
        out.sort_by(|a, b| b.updated.cmp(&a.updated).then(a.id.cmp(&b.id)));
        Ok(out)
    }

    /// A new id not used yet.
    pub async fn new_id(&self) -> Result<String, StorageError> {
        let used: Vec<String> = self
            .backend
            .scan(META)
            .await?
            .into_iter()
            .map(|(k, _)| k[META.len()..].to_string())
            .collect();
        let mut n = used.len() + 1;
        loop {
            let id = format!("e{n}");
            if !used.contains(&id) {
                return Ok(id);
            }
            n += 1;
        }
    }

    /// The workspace and the version read (for [`Workspaces::save`]). A file record that cannot
    /// be read leaves that file out, with a French message.
    pub async fn load(
        &self,
        id: &str,
    ) -> Result<Option<(Workspace, u64, Vec<String>)>, StorageError> {
        let Some(text) = self.backend.get(&meta_key(id)).await? else {
            return Ok(None);
        };
        let Ok(meta) = serde_json::from_str::<Meta>(&text) else {
            return Err(StorageError(format!(
                "L'espace « {id} » enregistré dans ce navigateur est illisible."
            )));
        };
        let mut ws = meta.workspace;
        let stored = self.backend.scan(&format!("{FILE}{id}:")).await?;
        let mut problems = Vec::new();
        let mut files = Vec::new();
        for mut f in ws.files {
            let key = file_key(id, &f.id);
            match stored.iter().find(|(k, _)| k == &key) {
                Some((_, v)) => match serde_json::from_str::<Convention>(v) {
                    Ok(c) => {
                        f.convention = c;
                        files.push(f);
                    }
                    Err(_) => problems.push(format!(
                        "Le fichier « {} » de l'espace est illisible : il a été retiré.",
                        f.file_name
                    )),
                },
                None => problems.push(format!(
                    "Le fichier « {} » de l'espace est introuvable : il a été retiré.",
                    f.file_name
                )),
            }
        }
        ws.files = files;
        ws.upgrade();
        Ok(Some((ws, meta.info.version, problems)))
    }

    /// Save a workspace. `read`: the version this tab read (`None` for a new one); `stored`:
    /// the file ids already stored. Writes the files not stored yet, deletes those removed.
    /// Returns the new version.
    pub async fn save(
        &self,
        id: &str,
        ws: &Workspace,
        read: Option<u64>,
        stored: &[String],
        now: &str,
    ) -> Result<u64, WsSaveError> {
        let key = meta_key(id);
        let current = self.backend.get(&key).await.map_err(WsSaveError::Storage)?;
        let current_version = current
            .as_deref()
            .and_then(|t| serde_json::from_str::<Meta>(t).ok())
            .map(|m| m.info.version);
        if current_version != read {
            return Err(WsSaveError::Conflict);
        }
        let version = read.unwrap_or(0) + 1;
        let meta = Meta {
            info: WorkspaceInfo {
                id: id.to_string(),
                name: ws.name.clone(),
                updated: now.to_string(),
                files: ws.files.len(),
                version,
            },
            workspace: light(ws),
        };
        let mut batch = Batch {
            expect: vec![(key.clone(), current)],
            put: vec![(key, serde_json::to_string(&meta).unwrap_or_default())],
            delete: Vec::new(),
        };
        for f in &ws.files {
            if !stored.contains(&f.id) {
                batch.put.push((
                    file_key(id, &f.id),
                    serde_json::to_string(&f.convention).unwrap_or_default(),
                ));
            }
        }
        for s in stored {
            if !ws.files.iter().any(|f| &f.id == s) {
                batch.delete.push(file_key(id, s));
            }
        }
        match self.backend.commit(batch).await {
            Ok(Commit::Done) => Ok(version),
            Ok(Commit::Conflict) => Err(WsSaveError::Conflict),
            Err(e) => Err(WsSaveError::Storage(e)),
        }
    }

    /// Put back a copy made by [`rescue`]: saved when nobody wrote the workspace since it was
    /// made, forgotten when the workspace already holds it (the save started as the page went
    /// away was written) or was deleted since, else set aside in the storage (`espace-secours:`)
    /// with a French message, never written over a newer version. An unreadable copy is
    /// forgotten. On a storage failure, the caller keeps the copy for the next time.
    pub async fn recover(&self, text: &str, now: &str) -> Result<Option<String>, StorageError> {
        let Ok(r) = serde_json::from_str::<Rescue>(text) else {
            return Ok(None);
        };
        let current = self.backend.get(&meta_key(&r.id)).await?;
        let meta = current
            .as_deref()
            .and_then(|t| serde_json::from_str::<Meta>(t).ok());
        match &meta {
            Some(m) if same_light(&m.workspace, &r.workspace) => return Ok(None),
            // Deleted since (in another tab): nothing to put back.
            None if current.is_none() && r.base.is_some() => return Ok(None),
            _ => {}
        }
        let readable = current.is_none() || meta.is_some();
        if readable && meta.as_ref().map(|m| m.info.version) == r.base {
            // The stored files' conventions, from the storage.
            let records = self.backend.scan(&format!("{FILE}{}:", r.id)).await?;
            let mut ws = r.workspace.clone();
            let mut whole = true;
            for f in &mut ws.files {
                if !r.stored.contains(&f.id) {
                    continue;
                }
                let key = file_key(&r.id, &f.id);
                match records
                    .iter()
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| serde_json::from_str::<Convention>(v).ok())
                {
                    Some(c) => f.convention = c,
                    None => whole = false,
                }
            }
            if whole {
                match self.save(&r.id, &ws, r.base, &r.stored, now).await {
                    Ok(_) => return Ok(None),
                    Err(WsSaveError::Storage(e)) => return Err(e),
                    Err(WsSaveError::Conflict) => {}
                }
            }
        }
        let prefix = format!("{ASIDE}{}:", r.id);
        let key = format!("{prefix}{}", self.backend.scan(&prefix).await?.len() + 1);
        self.backend
            .commit(Batch {
                expect: vec![(key.clone(), None)],
                put: vec![(key, text.to_string())],
                delete: Vec::new(),
            })
            .await?;
        Ok(Some(format!(
            "Des modifications de l'espace « {} » faites juste avant la fermeture de la page \
             n'ont pas été enregistrées, pour ne pas effacer une version plus récente : elles \
             sont mises de côté dans ce navigateur.",
            r.workspace.name
        )))
    }

    /// Rescued edits set aside by [`Workspaces::recover`], `(key, text)`.
    pub async fn aside(&self) -> Result<Vec<(String, String)>, StorageError> {
        self.backend.scan(ASIDE).await
    }

    /// Delete a workspace and its files.
    pub async fn delete(&self, id: &str) -> Result<(), StorageError> {
        let mut delete = vec![meta_key(id)];
        delete.extend(
            self.backend
                .scan(&format!("{FILE}{id}:"))
                .await?
                .into_iter()
                .map(|(k, _)| k),
        );
        self.backend
            .commit(Batch {
                expect: Vec::new(),
                put: Vec::new(),
                delete,
            })
            .await
            .map(|_| ())
    }
}

/// The ids of the files of a workspace (what is stored once it has been saved).
pub fn file_ids(ws: &Workspace) -> Vec<String> {
    ws.files
        .iter()
        .map(|f: &WorkspaceFile| f.id.clone())
        .collect()
}
