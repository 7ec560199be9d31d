//! The learner's progress, kept in local storage (a few hundred bytes per module), and its export
//! as a JSON file. A record per exercise: attempts, success, first-try success, answer shown.

use std::collections::BTreeMap;

use cus_core::formation::Module;
use serde::{Deserialize, Serialize};

/// Local-storage key of the progress.
pub const PROGRESS_KEY: &str = "cus.formation.progres";

/// What the learner did on one exercise.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Answers submitted.
    #[serde(default)]
    pub attempts: u32,
    /// Answered right (at some attempt).
    #[serde(default)]
    pub success: bool,
    /// Answered right at the first attempt: what the score counts.
    #[serde(default)]
    pub first_try: bool,
    /// The answer was shown before the learner found it.
    #[serde(default)]
    pub revealed: bool,
    /// A worked example read.
    #[serde(default)]
    pub seen: bool,
}

/// Progress over every module, by `module/exercise`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    #[serde(default)]
    pub exercises: BTreeMap<String, Record>,
}

/// The key of an exercise in the progress.
pub fn key(module: &str, exercise: &str) -> String {
    format!("{module}/{exercise}")
}

impl Progress {
    /// The progress stored in this browser (empty when there is none or it is unreadable).
    pub fn load() -> Progress {
        crate::storage::get(PROGRESS_KEY)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default()
    }

    /// Keep it in local storage; a French message when the browser refuses.
    pub fn save(&self) -> Result<(), String> {
        let json = serde_json::to_string(self).map_err(|e| e.to_string())?;
        crate::storage::set(PROGRESS_KEY, &json)
    }

    pub fn get(&self, module: &str, exercise: &str) -> Option<&Record> {
        self.exercises.get(&key(module, exercise))
    }

    /// An answer submitted: right or not.
    pub fn answered(&mut self, module: &str, exercise: &str, correct: bool) {
        let r = self.exercises.entry(key(module, exercise)).or_default();
        if r.success {
            return;
        }
        r.attempts += 1;
        if correct {
            r.success = true;
            r.first_try = r.attempts == 1 && !r.revealed;
        }
    }

    /// The answer shown without being found.
    pub fn revealed(&mut self, module: &str, exercise: &str) {
        let r = self.exercises.entry(key(module, exercise)).or_default();
        if !r.success {
            r.revealed = true;
        }
    }

    /// A worked example read.
    pub fn seen(&mut self, module: &str, exercise: &str) -> bool {
        let r = self.exercises.entry(key(module, exercise)).or_default();
        let new = !r.seen;
        r.seen = true;
        new
    }

    /// (graded exercises, answered right, right at the first attempt) of a module.
    pub fn score(&self, m: &Module) -> Score {
        let mut s = Score::default();
        for ex in m.exercises.iter().filter(|e| e.kind.graded()) {
            s.graded += 1;
            if let Some(r) = self.get(&m.id, &ex.id) {
                s.success += usize::from(r.success);
                s.first_try += usize::from(r.first_try);
            }
        }
        s
    }

    /// Steps done in a module (answered right, or read for an example).
    pub fn done(&self, m: &Module) -> usize {
        m.exercises
            .iter()
            .filter(|e| self.get(&m.id, &e.id).is_some_and(|r| r.success || r.seen))
            .count()
    }
}

/// Counts of a score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    pub graded: usize,
    pub success: usize,
    pub first_try: usize,
}

impl std::ops::Add for Score {
    type Output = Score;
    fn add(self, o: Score) -> Score {
        Score {
            graded: self.graded + o.graded,
            success: self.success + o.success,
            first_try: self.first_try + o.first_try,
        }
    }
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
