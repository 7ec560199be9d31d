//! The « espace de simulation »: a territory, the organisms' conventions, the split keys, the
//! objectives and the scenarios, saved as one JSON document (in the browser's IndexedDB, or as
//! a file to reopen on another computer).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Objective, PreviousFigure, Scenario};
use crate::convention::{Convention, TerritoryKey};

/// Format name written in every workspace file. `/2`: objectives by calendar period and
/// territory (`/1` objectives and scenario figures by convention year, read and upgraded by
/// [`Workspace::upgrade`]).
pub const WORKSPACE_FORMAT: &str = "cus-espace-simulation/2";

/// The earlier format, still read.
pub const WORKSPACE_FORMAT_1: &str = "cus-espace-simulation/1";

/// One organism's file in a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceFile {
    /// Stable identifier in the workspace (`f1`, `f2`…).
    pub id: String,
    /// Name of the file it was read from (or « brouillon : … », « exemple : … »).
    pub file_name: String,
    pub convention: Convention,
    /// Diagnostics of the rule engine at import: (errors, warnings).
    #[serde(default)]
    pub errors: usize,
    #[serde(default)]
    pub warnings: usize,
    /// Left out of the consolidation (a duplicate the user did not keep, or by choice).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub excluded: bool,
}

/// A named workspace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    #[serde(default)]
    pub format: String,
    pub name: String,
    /// The territory of study: `region:32`, `departement:59`, `epci:200093201`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryKey>,
    /// Vintage of the territorial referential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_vintage: Option<u16>,
    #[serde(default)]
    pub files: Vec<WorkspaceFile>,
    /// Split keys by file id: share (0–1) of a coarser figure attributed to the territory.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub split_keys: BTreeMap<String, f64>,
    #[serde(default)]
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub scenarios: Vec<Scenario>,
    /// Figures of the period before the conventions, entered by the user (the regional
    /// synthesis compares with them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous: Vec<PreviousFigure>,
    /// The highest file number ever given (`f7` → 7), so that a removed file's id is never given
    /// to another file (the scenarios name files by id).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_file_id: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `f7` → 7.
pub(crate) fn file_number(id: &str) -> Option<u32> {
    id.strip_prefix('f')?.parse().ok()
}

impl Workspace {
    pub fn new(name: &str) -> Self {
        Workspace {
            format: WORKSPACE_FORMAT.to_string(),
            name: name.to_string(),
            ..Default::default()
        }
    }

    /// A new file id, never given before in the workspace (neither to a file in it nor to a
    /// file removed since).
    pub fn next_file_id(&self) -> String {
        let used = self.files.iter().filter_map(|f| file_number(&f.id)).max();
        format!("f{}", used.unwrap_or(0).max(self.last_file_id) + 1)
    }

    /// The same file already in the workspace: same file name and the same convention.
    pub fn holds(&self, file: &WorkspaceFile) -> bool {
        self.files
            .iter()
            .any(|f| f.file_name == file.file_name && f.convention == file.convention)
    }

    /// The workspace as a JSON document.
    pub fn to_json(&self) -> String {
        let mut w = self.clone();
        w.format = WORKSPACE_FORMAT.to_string();
        serde_json::to_string(&w).unwrap_or_default()
    }

    /// Reads a workspace file, with a French message when it is not one.
    pub fn from_json(text: &str) -> Result<Workspace, String> {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "Le fichier n'est pas un JSON lisible (ligne {}, colonne {}).",
                e.line(),
                e.column()
            )
        })?;
        match v.get("format").and_then(|f| f.as_str()) {
            Some(WORKSPACE_FORMAT | WORKSPACE_FORMAT_1) => {}
            Some(other) => {
                return Err(format!(
                    "Ce fichier est au format « {other} », pas un espace de simulation ({WORKSPACE_FORMAT})."
                ))
            }
            None => {
                return Err(format!(
                    "Ce fichier n'est pas un espace de simulation : il n'indique pas le format {WORKSPACE_FORMAT}."
                ))
            }
        }
        let mut ws: Workspace = serde_json::from_value(v)
            .map_err(|e| format!("L'espace de simulation est incomplet ou mal formé : {e}."))?;
        ws.upgrade();
        Ok(ws)
    }

    /// Brings a workspace of an earlier format (`/1`) to this one: [`Workspace::place_in_calendar`].
    /// A workspace of this format is left as it is (its `a1` … `c6` keys, if any, are the
    /// periods of conventions without signing year).
    pub fn upgrade(&mut self) {
        if self.format != WORKSPACE_FORMAT {
            self.place_in_calendar();
        }
        self.format = WORKSPACE_FORMAT.to_string();
    }

    /// Objectives and scenario figures keyed by convention year (`a1` … `c6`, the `/1` format
    /// and `cus consolider`'s files of earlier versions) placed in the calendar as their columns
    /// were labelled then (from the earliest first year of the files: `a1` was shown as that
    /// year); objectives without territory given the workspace's territory. Idempotent.
    pub fn place_in_calendar(&mut self) {
        let first = self
            .files
            .iter()
            .filter_map(|f| crate::convention::label_year(&f.convention))
            .min();
        let calendar = |period: &str| -> Option<String> {
            let y = first?;
            match crate::convention::parse_period_key(period)? {
                crate::catalogue::Period::Reference => None,
                crate::catalogue::Period::Year(n) => Some((y + i32::from(n) - 1).to_string()),
                crate::catalogue::Period::Cumulative(n) => {
                    Some(format!("{y}-{}", y + i32::from(n) - 1))
                }
            }
        };
        let column = |key: &str| -> Option<String> {
            let (split, period) = crate::convention::key::without_last(key)?;
            calendar(period).map(|p| crate::convention::key::column_key(split, &p.to_string()))
        };
        for o in &mut self.objectives {
            if let Some(p) = calendar(&o.period) {
                o.period = p;
            }
            if o.territory.is_none() {
                o.territory = self.territory.clone();
            }
        }
        for sc in &mut self.scenarios {
            for c in &mut sc.changes {
                match c {
                    super::Change::Cell { column: k, .. } => {
                        if let Some(n) = column(k) {
                            *k = n;
                        }
                    }
                    super::Change::Organism { values, .. } => {
                        *values = std::mem::take(values)
                            .into_iter()
                            .map(|(k, v)| (column(&k).unwrap_or(k), v))
                            .collect();
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Groups of files of the same organism (same SIREN) on the same catalogue, two or more files
/// each, in file order. Files without a SIREN are never grouped.
pub fn duplicates(files: &[WorkspaceFile]) -> Vec<Vec<usize>> {
    let mut groups: Vec<((String, String), Vec<usize>)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let siren = crate::organisme::normalise_siren(&f.convention.organisme.siren);
        if siren.is_empty() {
            continue;
        }
        let key = (siren, f.convention.catalogue.id.clone());
        match groups.iter_mut().find(|(k, _)| k == &key) {
            Some((_, v)) => v.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v.len() > 1)
        .collect()
}
