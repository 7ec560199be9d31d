//! Trainers' packs: module files of the same format as `data/formation/`, loaded from a file
//! without rebuilding the app, checked like an embedded module (French errors with the line),
//! kept in local storage until removed.

use serde::{Deserialize, Serialize};

/// Local-storage key of the packs (a JSON array of `{ name, text }`).
pub const PACKS_KEY: &str = "cus.formation.packs";

/// A pack as stored: its file name and its TOML text (checked again at each start).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredPack {
    pub name: String,
    pub text: String,
}

/// The packs stored in this browser.
pub fn stored() -> Vec<StoredPack> {
    crate::storage::get(PACKS_KEY)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Keep the packs; a French message when the browser refuses.
pub fn save(packs: &[StoredPack]) -> Result<(), String> {
    let json = serde_json::to_string(packs).map_err(|e| e.to_string())?;
    crate::storage::set(PACKS_KEY, &json)
}
