//! The learner's progress (`cus_core::formation::session::Progress`: per exercise the attempts,
//! final and first-try success, answer shown, wrong options chosen), kept in local storage (a
//! few hundred bytes per module), and its export as a JSON file.

use cus_core::formation::Module;

/// Local-storage key of the progress.
pub const PROGRESS_KEY: &str = "cus.formation.progres";

pub use cus_core::formation::session::{Progress, Score};

/// The progress stored in this browser under `key` (empty when there is none or it is
/// unreadable).
pub fn load(key: &str) -> Progress {
    crate::storage::get(key)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// Keep it in local storage under `key`; a French message when the browser refuses.
pub fn save(p: &Progress, key: &str) -> Result<(), String> {
    let json = serde_json::to_string(p).map_err(|e| e.to_string())?;
    crate::storage::set(key, &json)
}

/// The progress as a file for the learner or the trainer: each module, each exercise, in French.
pub fn export_json(progress: &Progress, modules: &[&Module], at: &str) -> String {
    let total = modules
        .iter()
        .map(|m| progress.score(m))
        .fold(Score::default(), |a, b| a + b);
    let modules: Vec<serde_json::Value> = modules
        .iter()
        .map(|m| {
            let s = progress.score(m);
            serde_json::json!({
                "module": m.id,
                "titre": m.title,
                "exercices_notes": s.graded,
                "reussis": s.success,
                "reussis_du_premier_coup": s.first_try,
                "exercices": m.exercises.iter().map(|e| {
                    let r = progress.get(&m.id, &e.id).cloned().unwrap_or_default();
                    serde_json::json!({
                        "exercice": e.id,
                        "titre": e.title,
                        "genre": e.kind.label_fr(),
                        "essais": r.attempts,
                        "reussi": r.success,
                        "du_premier_coup": r.first_try,
                        "reponse_montree": r.revealed,
                        "lu": r.seen,
                        "options_fausses": r.wrong,
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "application": "CUS indicateurs — Se former",
        "version": cus_core::VERSION,
        "exporte_le": at,
        "score": {
            "exercices_notes": total.graded,
            "reussis": total.success,
            "reussis_du_premier_coup": total.first_try,
        },
        "modules": modules,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}
