//! Workspaces in the browser's storage (the same [`Backend`] as the drafts, other keys).
//!
//! A workspace is stored as records written together: `espace:<id>` (everything but the
//! organisms' conventions: small, rewritten on every edit), and one `espace-fichier:<id>:<file>`
//! per file (written once, when the file is added). A save names the version of `espace:<id>`
//! it read and is refused when another tab wrote since.

use serde::{Deserialize, Serialize};

use super::{Workspace, WorkspaceFile};
use crate::convention::Convention;
use crate::drafts::{Backend, Batch, Commit, StorageError};

const META: &str = "espace:";
const FILE: &str = "espace-fichier:";

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
        let mut light = ws.clone();
        for f in &mut light.files {
            f.convention = Convention::default();
        }
        let meta = Meta {
            info: WorkspaceInfo {
                id: id.to_string(),
                name: ws.name.clone(),
                updated: now.to_string(),
                files: ws.files.len(),
                version,
            },
            workspace: light,
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
