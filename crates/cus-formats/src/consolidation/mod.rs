//! « Simuler sur mon territoire » as files: a consolidation of many organisms' conventions on a
//! territory, written as a workbook (ODS, XLSX), a CSV or a JSON summary, and the workspace read
//! back from its JSON file or from a workbook exported here (`docs/FORMAT.md`, « Consolidation
//! d'un territoire »).
//!
//! [`consolidate_workspace`] is the whole computation over a [`Workspace`]: catalogues resolved,
//! files kept or left out with the reason, `cus_core::consolidation::{extract, consolidate,
//! compile}` run with the workspace's split keys, objectives and the chosen scenario. The writers
//! only lay the result out (`layout.rs` and `sheets.rs` for the workbooks, `csv.rs`, [`summary`]
//! for JSON); nothing is computed twice and nothing depends on the clock, so the same workspace
//! gives the same bytes.
//!
//! The workbooks carry the workspace itself in a technical sheet « espace » (its JSON cut in
//! cells of at most 30 000 characters), so that [`import_workspace`] reopens the study from the
//! exported file.

mod csv;
mod layout;
mod sheets;
mod summary;

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Reader as _};
use cus_core::catalogue::Catalogue;
use cus_core::consolidation::{
    check_territory, compile, consolidate, duplicates, extract, organism_label, review,
    Compilation, Consolidated, Extract, Review, Scenario, Source, Workspace,
};
use cus_core::convention::TerritoryKey;
use cus_core::diagnostic::Location;
use cus_core::geo::Referential;

pub use csv::COLUMNS as CSV_COLUMNS;
pub use summary::{summary, Summary};

use crate::Format;

/// Format name written in every consolidation file (the « Synthèse » sheet, the `format` column
/// of the CSV, the `format` field of the JSON summary).
pub const CONSOLIDATION_FORMAT: &str = "cus-consolidation/3";

/// Name of the technical sheet holding the workspace in an exported workbook.
pub const WORKSPACE_SHEET: &str = "espace";

/// Longest piece of the workspace JSON in one cell of the « espace » sheet, in UTF-16 units once
/// encoded (a cell holds at most 32 767).
pub const WORKSPACE_CHUNK: usize = 30_000;

/// Largest workspace file accepted by [`import_workspace`] (200 Mio: 300 organisms' conventions
/// weigh a few tens of Mio in JSON).
pub const MAX_WORKSPACE_BYTES: usize = 200 * 1024 * 1024;

/// How a file of the workspace was used.
#[derive(Clone, Debug, PartialEq)]
pub enum FileUse {
    /// Its figures on the territory are in the group.
    Used { group: String },
    /// Read, but it has no figure on the territory.
    Absent { group: String },
    /// Left out by the user (a duplicate not kept, or by choice).
    Excluded,
    /// Cannot be consolidated (its catalogue is unknown): the French reason.
    Refused(String),
}

impl FileUse {
    /// « consolidé (2e génération — logements locatifs) », « écarté : … ».
    pub fn label_fr(&self) -> String {
        match self {
            FileUse::Used { group } => format!("consolidé ({group})"),
            FileUse::Absent { group } => {
                format!("aucun chiffre sur le territoire ({group})")
            }
            FileUse::Excluded => {
                "écarté de la consolidation (doublon non retenu, ou par choix)".into()
            }
            FileUse::Refused(r) => format!("écarté : {r}"),
        }
    }

    /// The word of the CSV and JSON: `consolide`, `absent`, `ecarte`, `refuse`.
    pub fn word(&self) -> &'static str {
        match self {
            FileUse::Used { .. } => "consolide",
            FileUse::Absent { .. } => "absent",
            FileUse::Excluded => "ecarte",
            FileUse::Refused(_) => "refuse",
        }
    }
}

/// One file of the workspace, as the consolidation used it.
#[derive(Clone, Debug, PartialEq)]
pub struct FileStatus {
    pub id: String,
    pub file_name: String,
    pub organism: String,
    pub siren: String,
    /// « cus2-logements-locatifs 2026.11.0 ».
    pub catalogue: String,
    pub errors: usize,
    pub warnings: usize,
    pub status: FileUse,
}

/// A consolidation computed over a workspace: everything the writers lay out.
#[derive(Clone, Debug)]
pub struct Run {
    pub workspace_name: String,
    pub territory: TerritoryKey,
    pub territory_label: String,
    pub geo: &'static Referential,
    pub scenario: Option<Scenario>,
    /// The scenario's changes, described in French.
    pub scenario_changes_fr: Vec<String>,
    /// Every file of the workspace, in order.
    pub files: Vec<FileStatus>,
    /// For each source of [`Run::extract`] (by index), the index of its file in [`Run::files`].
    pub sources: Vec<usize>,
    pub extract: Extract,
    pub consolidated: Consolidated,
    pub compilation: Vec<Compilation>,
    /// The regional synthesis: what the page, the workbook, the CSV, the JSON and the text of
    /// `cus consolider` show of the compilation, built once.
    pub synthesis: cus_core::report::Report,
    /// Objectives whose indicator is in no consolidated table (French).
    pub objectives_unmatched: Vec<String>,
    /// Files of the same organism on the same catalogue both consolidated (indexes in
    /// [`Run::files`]): a duplicate the user has not resolved.
    pub duplicates: Vec<Vec<usize>>,
    /// Notes on the files (a catalogue migrated to its latest version).
    pub notes: Vec<String>,
    /// The workspace's objectives (the comparisons are in the consolidated tables).
    pub objectives: Vec<cus_core::consolidation::Objective>,
    /// The organisms' evaluations on the territory, side by side (« Simuler » → Évaluations).
    pub review: Review,
}

impl Run {
    /// The file of a source of the extract.
    pub fn file_of_source(&self, source: usize) -> Option<&FileStatus> {
        self.sources.get(source).and_then(|&i| self.files.get(i))
    }

    /// The label of a file id (its organism), else the id.
    pub fn label_of(&self, id: &str) -> String {
        self.files
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.organism.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// « 12 consolidés, 1 sans chiffre sur le territoire, 2 écartés ».
    pub fn files_summary_fr(&self) -> String {
        let n = |f: &dyn Fn(&FileUse) -> bool| self.files.iter().filter(|x| f(&x.status)).count();
        let used = n(&|s| matches!(s, FileUse::Used { .. }));
        let absent = n(&|s| matches!(s, FileUse::Absent { .. }));
        let left = n(&|s| matches!(s, FileUse::Excluded | FileUse::Refused(_)));
        format!(
            "{} consolidé{}, {} sans chiffre sur le territoire, {} écarté{}",
            used,
            if used > 1 { "s" } else { "" },
            absent,
            left,
            if left > 1 { "s" } else { "" }
        )
    }
}

/// The indicator codes a convention holds values for.
fn codes_used(conv: &cus_core::convention::Convention) -> BTreeSet<String> {
    conv.values
        .keys()
        .filter_map(|k| k.split('|').next())
        .map(str::to_string)
        .collect()
}

/// Consolidate a workspace: its territory and referential vintage (the latest when it has none),
/// its files not excluded, split keys, objectives and the scenario of index `scenario`.
/// `catalogues`: those known (the embedded ones, and any the user loaded). Err: a French message
/// (no territory, unknown vintage or territory, no such scenario).
/// The one step that reads an organism's file for a workspace, shared by `cus consolider`, the
/// formats worker (`Request::ReadOrganism`, for « Simuler ») and the samples: the imported
/// convention checked by the rules of its catalogue, its errors and warnings counted with the
/// import's own notes (a checksum that does not match, say), so that a file shows the same
/// counts everywhere. The file's id is given by the workspace when it is added.
pub fn read_organism(
    imported: crate::Imported,
    file_name: &str,
    cats: &[Catalogue],
) -> cus_core::consolidation::WorkspaceFile {
    use cus_core::diagnostic::Severity;
    let conv = imported.convention;
    let mut diags = imported.notes;
    if let Some(cat) =
        cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version)
    {
        diags.extend(cus_core::rules::validate(&conv, cat, conv.referential()));
    }
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    cus_core::consolidation::WorkspaceFile {
        id: String::new(),
        file_name: file_name.to_string(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        convention: conv,
        excluded: false,
    }
}

pub fn consolidate_workspace(
    ws: &Workspace,
    scenario: Option<usize>,
    catalogues: &[Catalogue],
) -> Result<Run, String> {
    let Some(territory) = ws.territory.clone() else {
        return Err(
            "L'espace de simulation n'a pas de territoire étudié : choisissez une région, un \
             département ou un EPCI / EPT."
                .into(),
        );
    };
    let vintages = cus_core::geo::vintages();
    let year = ws
        .geo_vintage
        .or_else(|| vintages.last().copied())
        .unwrap_or(2026);
    let Some(geo) = cus_core::geo::referential(year) else {
        let list: Vec<String> = vintages.iter().map(u16::to_string).collect();
        return Err(format!(
            "Le millésime {year} du découpage territorial n'est pas disponible : choisissez \
             parmi {}.",
            list.join(", ")
        ));
    };
    check_territory(&territory, geo)?;
    let scenario = match scenario {
        None => None,
        Some(i) => match ws.scenarios.get(i) {
            Some(s) => Some(s.clone()),
            None => {
                return Err(format!(
                    "Le scénario n° {} n'existe pas : l'espace de simulation en a {}.",
                    i + 1,
                    ws.scenarios.len()
                ))
            }
        },
    };

    let mut files = Vec::with_capacity(ws.files.len());
    let mut notes = Vec::new();
    // (file index, catalogue) of the files consolidated.
    let mut kept: Vec<(usize, &Catalogue)> = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        let conv = &f.convention;
        let status = if f.excluded {
            FileUse::Excluded
        } else {
            let loc = Location {
                file: Some(f.file_name.clone()),
                ..Default::default()
            };
            match crate::resolve_catalogue(
                &conv.catalogue.id,
                &conv.catalogue.version,
                &codes_used(conv),
                catalogues,
                &loc,
            ) {
                Ok((cat, note)) => {
                    if let Some(n) = note {
                        notes.push(format!("{} : {}", f.file_name, n.message));
                    }
                    kept.push((i, cat));
                    // Settled below, once the extract says where its figures are.
                    FileUse::Absent {
                        group: String::new(),
                    }
                }
                Err(d) => FileUse::Refused(d.message),
            }
        };
        files.push(FileStatus {
            id: f.id.clone(),
            file_name: f.file_name.clone(),
            organism: organism_label(conv, &f.id),
            siren: conv.organisme.siren.clone(),
            catalogue: format!("{} {}", conv.catalogue.id, conv.catalogue.version),
            errors: f.errors,
            warnings: f.warnings,
            status,
        });
    }
    let sources: Vec<Source> = kept
        .iter()
        .map(|&(i, cat)| Source {
            id: &ws.files[i].id,
            conv: &ws.files[i].convention,
            cat,
        })
        .collect();
    let ex = extract(&territory, &sources, geo);
    let cons = consolidate(
        &ex,
        &sources,
        geo,
        &ws.split_keys,
        scenario.as_ref(),
        &ws.objectives,
    );
    let compilation = compile(&ex, &cons, &sources, geo);
    let evaluations = review(&ex, &sources, geo);
    let synthesis = cus_core::consolidation::synthesis::synthesis(
        &cus_core::consolidation::synthesis::SynthesisInput {
            extract: &ex,
            consolidated: &cons,
            compilation: &compilation,
            sources: &sources,
            geo,
            previous: &ws.previous,
            review: Some(&evaluations),
            scenario: scenario.as_ref().map(|s| s.name.as_str()),
        },
    );
    let source_files: Vec<usize> = kept.iter().map(|&(i, _)| i).collect();
    for g in &ex.groups {
        let label = g.label_fr();
        for &s in &g.sources {
            let fi = source_files[s];
            files[fi].status = if g.absent.contains(&s) {
                FileUse::Absent {
                    group: label.clone(),
                }
            } else {
                FileUse::Used {
                    group: label.clone(),
                }
            };
        }
    }
    let label_of = |id: &str| {
        files
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.organism.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let scenario_changes_fr = scenario
        .as_ref()
        .map(|s| s.changes.iter().map(|c| c.describe_fr(&label_of)).collect())
        .unwrap_or_default();
    let objectives_unmatched = ws
        .objectives
        .iter()
        .filter(|o| cons.table(&o.indicator).is_none())
        .map(|o| {
            format!(
                "Objectif de {} sur {} ({}, {}) : aucun indicateur consolidé de ce code.",
                cus_core::numfmt::format_fr(o.value, 2),
                o.indicator,
                o.split,
                o.period
            )
        })
        .collect();
    // Duplicates among the files consolidated.
    let live: Vec<cus_core::consolidation::WorkspaceFile> =
        source_files.iter().map(|&i| ws.files[i].clone()).collect();
    let dups = duplicates(&live)
        .into_iter()
        .map(|g| g.into_iter().map(|k| source_files[k]).collect())
        .collect();
    Ok(Run {
        workspace_name: ws.name.clone(),
        territory,
        territory_label: ex.territory_label.clone(),
        geo,
        scenario,
        scenario_changes_fr,
        files,
        sources: source_files,
        extract: ex,
        consolidated: cons,
        compilation,
        synthesis,
        objectives_unmatched,
        duplicates: dups,
        notes,
        objectives: ws.objectives.clone(),
        review: evaluations,
    })
}

/// Write the consolidation of a workspace with the embedded catalogues (see
/// [`export_consolidation_with`]).
pub fn export_consolidation(
    ws: &Workspace,
    scenario: Option<usize>,
    format: Format,
) -> Result<Vec<u8>, String> {
    export_consolidation_with(ws, scenario, format, &cus_core::catalogue::embedded())
}

/// Write the consolidation of a workspace as a file of `format`: ODS or XLSX (« Synthèse », one
/// sheet per indicator, « Compilation », « espace »), CSV (one line per indicator, row and
/// column) or JSON (the [`Summary`]). Err: why the workspace cannot be consolidated (French).
pub fn export_consolidation_with(
    ws: &Workspace,
    scenario: Option<usize>,
    format: Format,
    catalogues: &[Catalogue],
) -> Result<Vec<u8>, String> {
    let run = consolidate_workspace(ws, scenario, catalogues)?;
    Ok(write(&run, ws, format))
}

/// Write a computed consolidation as a file of `format` (`ws`: the workspace it was computed
/// from, carried by the workbooks).
pub fn write(run: &Run, ws: &Workspace, format: Format) -> Vec<u8> {
    match format {
        Format::Ods => sheets::ods(&layout::sheets(run, ws)),
        Format::Xlsx => sheets::xlsx(&layout::sheets(run, ws)),
        Format::Csv => csv::write(run),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&summary(run)).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
    }
}

/// Read a workspace from its JSON file (`cus-espace-simulation/1`), or from an ODS or XLSX
/// consolidation exported by [`export_consolidation`] (its « espace » sheet). The format follows
/// the extension of `file_name`, else the content. Never panics; Err is French.
pub fn import_workspace(file_name: &str, bytes: &[u8]) -> Result<Workspace, String> {
    if bytes.is_empty() {
        return Err(format!("Le fichier « {file_name} » est vide."));
    }
    if bytes.len() > MAX_WORKSPACE_BYTES {
        return Err(format!(
            "Le fichier « {file_name} » pèse {} Mio, au-delà de la limite de {} Mio d'un espace \
             de simulation.",
            bytes.len() / (1024 * 1024),
            MAX_WORKSPACE_BYTES / (1024 * 1024)
        ));
    }
    // Without a known extension, only a zip (workbook) or a JSON object is recognised.
    let format = Format::from_file_name(file_name)
        .or_else(|| crate::sniff(bytes).filter(|f| *f != Format::Csv));
    match format {
        Some(Format::Json) => {
            let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let text = std::str::from_utf8(text).map_err(|e| {
                format!(
                    "Le fichier « {file_name} » n'est pas un texte UTF-8 (octet n° {} illisible) : \
                     ce n'est pas un espace de simulation enregistré par CUS indicateurs.",
                    e.valid_up_to() + 1
                )
            })?;
            Workspace::from_json(text).map_err(|e| format!("« {file_name} » : {e}"))
        }
        Some(f @ (Format::Ods | Format::Xlsx)) => from_workbook(file_name, bytes, f),
        Some(Format::Csv) => Err(format!(
            "« {file_name} » est un CSV : un CSV de consolidation ne contient pas l'espace de \
             simulation. Ouvrez le fichier .json de l'espace, ou un classeur ODS ou XLSX exporté \
             par la consolidation."
        )),
        None => Err(format!(
            "Format de « {file_name} » non reconnu : un espace de simulation s'ouvre depuis son \
             fichier .json, ou depuis un classeur .ods ou .xlsx exporté par la consolidation."
        )),
    }
}

/// The workspace of the « espace » sheet of an exported workbook.
fn from_workbook(file_name: &str, bytes: &[u8], format: Format) -> Result<Workspace, String> {
    let first = |d: Vec<cus_core::diagnostic::Diagnostic>| {
        let m = d
            .into_iter()
            .next()
            .map(|d| d.message)
            .unwrap_or_else(|| "Le classeur est illisible.".into());
        format!("« {file_name} » : {m}")
    };
    crate::workbook::precheck(bytes, file_name, format).map_err(first)?;
    let kind = if format == Format::Ods { "ODS" } else { "XLSX" };
    let unreadable = |reason: String, detail: String| {
        first(crate::workbook::unreadable_workbook(
            file_name, kind, &reason, &detail,
        ))
    };
    let (names, range) = if format == Format::Ods {
        let mut ods = calamine::Ods::new(Cursor::new(bytes))
            .map_err(|e| unreadable(crate::technical::ods(&e), crate::technical::detail(&e)))?;
        let names = ods.sheet_names();
        let range = names
            .iter()
            .any(|n| n == WORKSPACE_SHEET)
            .then(|| ods.worksheet_range(WORKSPACE_SHEET))
            .transpose()
            .map_err(|e| unreadable(crate::technical::ods(&e), crate::technical::detail(&e)))?;
        (names, range)
    } else {
        let mut xlsx: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes))
            .map_err(|e| unreadable(crate::technical::xlsx(&e), crate::technical::detail(&e)))?;
        let names = xlsx.sheet_names();
        let range = names
            .iter()
            .any(|n| n == WORKSPACE_SHEET)
            .then(|| xlsx.worksheet_range(WORKSPACE_SHEET))
            .transpose()
            .map_err(|e| unreadable(crate::technical::xlsx(&e), crate::technical::detail(&e)))?;
        (names, range)
    };
    let Some(range) = range else {
        let convention = names.iter().any(|n| n == crate::workbook::COVER);
        return Err(if convention {
            format!(
                "« {file_name} » est le classeur d'une convention, pas une consolidation : \
                 ajoutez-le à l'espace de simulation comme fichier d'organisme."
            )
        } else {
            format!(
                "« {file_name} » n'a pas de feuille « {WORKSPACE_SHEET} » : ce n'est pas une \
                 consolidation exportée par CUS indicateurs, ou la feuille a été supprimée."
            )
        });
    };
    let json = layout::read_workspace_sheet(&range)
        .map_err(|e| format!("« {file_name} », feuille « {WORKSPACE_SHEET} » : {e}"))?;
    Workspace::from_json(&json)
        .map_err(|e| format!("« {file_name} », feuille « {WORKSPACE_SHEET} » : {e}"))
}

/// A text cell of calamine, decoded (`_xHHHH_` escapes) and un-neutralised.
fn cell_text(d: &Data) -> Option<String> {
    match d {
        Data::String(s) => Some(crate::unneutralise(&crate::workbook::decode_text(s))),
        _ => None,
    }
}

/// A number cell of calamine.
fn cell_number(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        Data::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
