//! Typed edits of a workspace: every user action of « Simuler sur mon territoire » is one of
//! these, applied in one place. An edit says what it changes, so the page re-reads the files on
//! the territory only when the territory or the files changed, and otherwise only redoes the
//! arithmetic (scenarios, objectives, split keys).

use serde::{Deserialize, Serialize};

use super::{Change, Objective, PreviousFigure, Scenario, Workspace, WorkspaceFile};
use crate::convention::TerritoryKey;

/// One change of a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum WsEdit {
    Rename(String),
    /// The territory of study and the vintage of the referential.
    SetTerritory {
        territory: Option<TerritoryKey>,
        geo_vintage: Option<u16>,
    },
    /// Files read (their ids are given by [`Workspace::next_file_id`] when empty). When a file
    /// added is the same organism as another (same SIREN and catalogue), the last one counts and
    /// the others of its group are excluded.
    AddFiles(Vec<WorkspaceFile>),
    RemoveFile(String),
    /// Keep a file out of the consolidation (a duplicate not kept), or back in.
    SetExcluded {
        file: String,
        excluded: bool,
    },
    /// Of a duplicate group: keep this file, exclude the others of its group.
    KeepOnly {
        file: String,
    },
    /// A split key (share 0–1) for a file « non ventilé », `None` removes it.
    SetSplitKey {
        file: String,
        share: Option<f64>,
    },
    /// Sets (or with `None`, removes) the objective of an indicator, split and period.
    SetObjective {
        indicator: String,
        split: String,
        period: String,
        value: Option<f64>,
    },
    /// Objectives pasted or loaded at once: each replaces the one with the same cell.
    SetObjectives(Vec<Objective>),
    /// Figures of the previous period pasted or loaded at once: each replaces the one with the
    /// same cell.
    SetPreviousFigures(Vec<PreviousFigure>),
    /// Removes every figure of the previous period.
    ClearPreviousFigures,
    AddScenario(String),
    RenameScenario {
        index: usize,
        name: String,
    },
    RemoveScenario(usize),
    AddChange {
        scenario: usize,
        change: Change,
    },
    RemoveChange {
        scenario: usize,
        index: usize,
    },
}

/// What an edit changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WsTouched {
    /// Nothing that the consolidation reads (a name).
    Nothing,
    /// Split keys, objectives or scenarios: the arithmetic only.
    Arithmetic,
    /// The territory or the files: read the files again.
    Sources,
}

impl WsEdit {
    /// Apply the edit; `Err` (French) when it does not apply, and then nothing changed.
    pub fn apply(self, ws: &mut Workspace) -> Result<WsTouched, String> {
        let file_pos = |ws: &Workspace, id: &str| {
            ws.files
                .iter()
                .position(|f| f.id == id)
                .ok_or_else(|| format!("Le fichier « {id} » n'est pas dans l'espace."))
        };
        let scenario = |ws: &Workspace, i: usize| {
            if i < ws.scenarios.len() {
                Ok(i)
            } else {
                Err(format!("Le scénario n° {} n'existe pas.", i + 1))
            }
        };
        match self {
            WsEdit::Rename(name) => {
                let name = name.trim();
                if name.is_empty() {
                    return Err("Donnez un nom à l'espace de simulation.".into());
                }
                ws.name = name.to_string();
                Ok(WsTouched::Nothing)
            }
            WsEdit::SetTerritory {
                territory,
                geo_vintage,
            } => {
                ws.territory = territory;
                ws.geo_vintage = geo_vintage;
                Ok(WsTouched::Sources)
            }
            WsEdit::AddFiles(files) => {
                let before = ws.files.len();
                let (files, again): (Vec<_>, Vec<_>) =
                    files.into_iter().partition(|f| !ws.holds(f));
                if files.is_empty() && !again.is_empty() {
                    let names: Vec<String> = again
                        .iter()
                        .map(|f| format!("« {} »", f.file_name))
                        .collect();
                    return Err(format!(
                        "{} déjà dans l'espace : rien n'a été ajouté.",
                        crate::text::join_fr(&names)
                    ));
                }
                for mut f in files {
                    if f.id.is_empty() || ws.files.iter().any(|x| x.id == f.id) {
                        f.id = ws.next_file_id();
                    }
                    if let Some(n) = super::workspace::file_number(&f.id) {
                        ws.last_file_id = ws.last_file_id.max(n);
                    }
                    ws.files.push(f);
                }
                // The same organism twice: the file added last counts, the others are set
                // aside (the page says so and lets the user choose), as `cus consolider` does.
                for group in super::duplicates(&ws.files) {
                    if group.iter().any(|&i| i >= before) {
                        let keep = *group.last().expect("a group has two files");
                        for i in group {
                            ws.files[i].excluded = i != keep;
                        }
                    }
                }
                Ok(WsTouched::Sources)
            }
            WsEdit::RemoveFile(id) => {
                let i = file_pos(ws, &id)?;
                // The other copies of the same organism: when the removed file was the one kept,
                // the last of the others is kept, so the organism never drops out unnoticed.
                let others: Vec<String> = super::duplicates(&ws.files)
                    .into_iter()
                    .find(|g| g.contains(&i))
                    .map(|g| {
                        g.into_iter()
                            .filter(|&j| j != i)
                            .map(|j| ws.files[j].id.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                ws.files.remove(i);
                if !others.is_empty()
                    && others
                        .iter()
                        .all(|o| ws.files.iter().any(|f| &f.id == o && f.excluded))
                {
                    let last = others.last().expect("not empty");
                    if let Some(f) = ws.files.iter_mut().find(|f| &f.id == last) {
                        f.excluded = false;
                    }
                }
                ws.split_keys.remove(&id);
                if let Some(n) = super::workspace::file_number(&id) {
                    ws.last_file_id = ws.last_file_id.max(n);
                }
                // The scenarios' changes of this file's figures go with it.
                for sc in &mut ws.scenarios {
                    sc.changes.retain(|c| match c {
                        super::Change::Cell { source, .. } => source != &id,
                        super::Change::Scale { source, .. } => source.as_deref() != Some(&id),
                        _ => true,
                    });
                }
                Ok(WsTouched::Sources)
            }
            WsEdit::SetExcluded { file, excluded } => {
                let i = file_pos(ws, &file)?;
                ws.files[i].excluded = excluded;
                Ok(WsTouched::Sources)
            }
            WsEdit::KeepOnly { file } => {
                let i = file_pos(ws, &file)?;
                let group = super::duplicates(&ws.files)
                    .into_iter()
                    .find(|g| g.contains(&i))
                    .ok_or_else(|| "Ce fichier n'a pas de doublon.".to_string())?;
                for j in group {
                    ws.files[j].excluded = j != i;
                }
                Ok(WsTouched::Sources)
            }
            WsEdit::SetSplitKey { file, share } => {
                file_pos(ws, &file)?;
                match share {
                    Some(s) if !(0.0..=1.0).contains(&s) || !s.is_finite() => {
                        return Err(
                            "Une clé de répartition est une part comprise entre 0 et 100 %.".into(),
                        )
                    }
                    Some(s) => {
                        ws.split_keys.insert(file, s);
                    }
                    None => {
                        ws.split_keys.remove(&file);
                    }
                }
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::SetObjective {
                indicator,
                split,
                period,
                value,
            } => {
                if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                    return Err("Un objectif est un nombre positif ou nul.".into());
                }
                let Some(aligned) = super::Aligned::parse(&period) else {
                    return Err(format!(
                        "« {period} » n'est pas une période : saisissez une année (2022), un cumul (2019-2024) ou « Fin 2021 »."
                    ));
                };
                let o = Objective {
                    indicator,
                    split,
                    period: aligned.key(),
                    value: value.unwrap_or_default(),
                    territory: ws.territory.clone(),
                };
                ws.objectives.retain(|x| !x.same_cell(&o));
                if value.is_some() {
                    ws.objectives.push(o);
                }
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::SetObjectives(list) => {
                if list.iter().any(|o| !o.value.is_finite() || o.value < 0.0) {
                    return Err("Un objectif est un nombre positif ou nul.".into());
                }
                for mut o in list {
                    if o.territory.is_none() {
                        o.territory = ws.territory.clone();
                    }
                    ws.objectives.retain(|x| !x.same_cell(&o));
                    ws.objectives.push(o);
                }
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::SetPreviousFigures(list) => {
                if list.iter().any(|o| !o.value.is_finite() || o.value < 0.0) {
                    return Err(
                        "Un chiffre de la période précédente est un nombre positif ou nul.".into(),
                    );
                }
                for p in list {
                    ws.previous.retain(|x| !x.same_cell(&p));
                    ws.previous.push(p);
                }
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::ClearPreviousFigures => {
                if ws.previous.is_empty() {
                    return Ok(WsTouched::Nothing);
                }
                ws.previous.clear();
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::AddScenario(name) => {
                let name = name.trim();
                let name = if name.is_empty() {
                    format!("Scénario {}", ws.scenarios.len() + 1)
                } else {
                    name.to_string()
                };
                ws.scenarios.push(Scenario {
                    name,
                    changes: Vec::new(),
                });
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::RenameScenario { index, name } => {
                let i = scenario(ws, index)?;
                if name.trim().is_empty() {
                    return Err("Donnez un nom au scénario.".into());
                }
                ws.scenarios[i].name = name.trim().to_string();
                Ok(WsTouched::Nothing)
            }
            WsEdit::RemoveScenario(index) => {
                let i = scenario(ws, index)?;
                ws.scenarios.remove(i);
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::AddChange {
                scenario: s,
                change,
            } => {
                let i = scenario(ws, s)?;
                check_change(&change)?;
                ws.scenarios[i].changes.push(change);
                Ok(WsTouched::Arithmetic)
            }
            WsEdit::RemoveChange { scenario: s, index } => {
                let i = scenario(ws, s)?;
                if index >= ws.scenarios[i].changes.len() {
                    return Err("Cette modification n'existe plus.".into());
                }
                ws.scenarios[i].changes.remove(index);
                Ok(WsTouched::Arithmetic)
            }
        }
    }
}

fn check_change(c: &Change) -> Result<(), String> {
    let pct = |p: f64| {
        if p.is_finite() && (0.0..=1000.0).contains(&p) {
            Ok(())
        } else {
            Err("Un pourcentage de scénario est compris entre 0 et 1 000 %.".to_string())
        }
    };
    match c {
        Change::Cell { value, .. } => match value {
            Some(v) if !v.is_finite() || *v < 0.0 => {
                Err("La valeur d'un scénario est un nombre positif ou nul.".into())
            }
            _ => Ok(()),
        },
        Change::Scale { percent, .. } => pct(*percent),
        Change::Realisation { percent } => pct(*percent),
        Change::Organism { name, values } => {
            if name.trim().is_empty() {
                Err("Donnez un nom à l'organisme hypothétique.".into())
            } else if values.values().any(|v| !v.is_finite() || *v < 0.0) {
                Err(
                    "Les valeurs d'un organisme hypothétique sont des nombres positifs ou nuls."
                        .into(),
                )
            } else {
                Ok(())
            }
        }
    }
}
