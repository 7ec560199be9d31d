//! The messages between the web app (main thread) and its formats worker
//! (`crates/cus-formats-worker`, a second wasm module run as a Web Worker).
//!
//! A message is a [`Request`] or a [`Reply`] as JSON text, with an identifier chosen by the app;
//! the bytes of a file (to import, or exported) travel beside it as a transferred `ArrayBuffer`,
//! never inside the JSON. [`handle`] is the whole work of the worker, so it is tested natively;
//! the worker binary only moves messages.
//!
//! The worker knows the embedded catalogues; a request carries only those the user loaded.
//! For an export the worker validates the convention itself (`rules::validate`, as `cus convert`
//! does), so what blocks a final file is decided by the same rules whatever the page shows.
//!
//! « Simuler sur mon territoire » has two requests: [`Request::ExportConsolidation`] (the
//! workspace in, the consolidation file out, beside [`Reply::ConsolidationExported`]) and
//! [`Request::ImportWorkspace`] (a file in, [`Reply::Workspace`] out); both answer
//! [`Reply::Failed`] with a French message when they cannot be served.

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::{Format, Imported, Mode};

/// What the app asks of the worker.
// One request at a time crosses to the worker, serialised: the size of the variants costs
// nothing worth boxing them for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Request {
    /// Write `convention` as a file of `format`.
    Export {
        format: Format,
        mode: Mode,
        /// ISO 8601 date and time of the export (the browser's clock).
        exported_at: String,
        convention: Convention,
        /// Catalogues loaded by the user, beside the embedded ones.
        extra_catalogues: Vec<Catalogue>,
    },
    /// Read the file sent beside the message.
    Import {
        file_name: String,
        extra_catalogues: Vec<Catalogue>,
    },
    /// Read an organism's file for a workspace (« Simuler sur mon territoire »): import, rules
    /// of its catalogue, counts (`consolidation::read_organism`), off the main thread.
    ReadOrganism {
        file_name: String,
        extra_catalogues: Vec<Catalogue>,
    },
    /// Write the consolidation of a workspace (« Simuler sur mon territoire ») as a file of
    /// `format`: ODS or XLSX workbook, CSV, or JSON summary.
    ExportConsolidation {
        /// The workspace, as its JSON document (`cus-espace-simulation/1`).
        workspace_json: String,
        /// Index of the scenario applied among the workspace's scenarios (`None`: the files'
        /// commitments as they are).
        scenario: Option<usize>,
        format: Format,
        /// Catalogues loaded by the user, beside the embedded ones.
        #[serde(default)]
        extra_catalogues: Vec<Catalogue>,
    },
    /// Read a workspace from the file sent beside the message: its JSON file, or a workbook
    /// exported by [`Request::ExportConsolidation`] (its « espace » sheet).
    ImportWorkspace { file_name: String },
}

/// A step of a request, for the progress bar (`step` of `steps`, 1-based).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub step: u32,
    pub steps: u32,
    /// French, for the user (« Vérification des règles »).
    pub label: String,
}

/// What the worker answers: any number of [`Reply::Progress`], then one final reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reply {
    Progress(Progress),
    /// The file is beside the message.
    Exported {
        format: Format,
        mode: Mode,
    },
    /// A final export refused: what blocks it (errors, warnings not acknowledged).
    Refused {
        blockers: Vec<Diagnostic>,
    },
    Imported(Box<Imported>),
    /// An organism's file read for a workspace, checked and counted.
    OrganismRead(Box<cus_core::consolidation::WorkspaceFile>),
    /// The file could not be imported: every problem found, located.
    ImportFailed {
        problems: Vec<Diagnostic>,
    },
    /// The consolidation file is beside the message.
    ConsolidationExported {
        format: Format,
    },
    /// The workspace read from a file, as its JSON document (`cus-espace-simulation/1`).
    Workspace {
        json: String,
    },
    /// The request itself could not be served (French message).
    Failed {
        message: String,
    },
}

impl Reply {
    /// Is this the last reply to its request?
    pub fn is_final(&self) -> bool {
        !matches!(self, Reply::Progress(_))
    }
}

/// The embedded catalogues, then the extra ones (an extra one replaces an embedded one with the
/// same id and version).
pub fn catalogues_with(extra: Vec<Catalogue>) -> Vec<Catalogue> {
    let mut list = cus_core::catalogue::embedded();
    for c in extra {
        list.retain(|x| !x.is(&c.id, &c.version));
        list.push(c);
    }
    list
}

/// Serve one request: the work of the worker. `bytes` is the file of an import; the second
/// member of the result is the file of an export. `progress` is called before each step.
#[cfg(feature = "io")]
pub fn handle(
    request: Request,
    bytes: Option<&[u8]>,
    progress: &mut dyn FnMut(Progress),
) -> (Reply, Option<Vec<u8>>) {
    match request {
        Request::Export {
            format,
            mode,
            exported_at,
            convention,
            extra_catalogues,
        } => {
            let cats = catalogues_with(extra_catalogues);
            let r = &convention.catalogue;
            let Some(cat) = cus_core::catalogue::lookup(&cats, &r.id, &r.version) else {
                return (
                    Reply::Failed {
                        message: format!(
                            "Le catalogue « {} » (version {}) de ce brouillon n'est pas connu du \
                             module des formats : chargez-le à nouveau (page Comprendre les \
                             indicateurs), puis exportez.",
                            r.id, r.version
                        ),
                    },
                    None,
                );
            };
            let geo = convention.referential();
            progress(Progress {
                step: 1,
                steps: 2,
                label: "Vérification des règles".into(),
            });
            let diagnostics = cus_core::rules::validate(&convention, cat, geo);
            progress(Progress {
                step: 2,
                steps: 2,
                label: format!("Écriture du fichier {}", format.extension().to_uppercase()),
            });
            let input = crate::ExportInput {
                convention: &convention,
                catalogue: cat,
                geo,
                diagnostics: &diagnostics,
                mode,
                exported_at: &exported_at,
            };
            match crate::export(&input, format) {
                Ok(file) => (Reply::Exported { format, mode }, Some(file)),
                Err(blockers) => (Reply::Refused { blockers }, None),
            }
        }
        Request::Import {
            file_name,
            extra_catalogues,
        } => {
            let cats = catalogues_with(extra_catalogues);
            let format = crate::Format::from_file_name(&file_name)
                .map(|f| f.extension().to_uppercase())
                .unwrap_or_else(|| "de format à reconnaître".into());
            progress(Progress {
                step: 1,
                steps: 1,
                label: format!("Lecture du fichier {format}"),
            });
            match crate::import(bytes.unwrap_or_default(), &file_name, &cats) {
                Ok(imported) => (Reply::Imported(Box::new(imported)), None),
                Err(problems) => (Reply::ImportFailed { problems }, None),
            }
        }
        Request::ReadOrganism {
            file_name,
            extra_catalogues,
        } => {
            let cats = catalogues_with(extra_catalogues);
            progress(Progress {
                step: 1,
                steps: 1,
                label: format!("Lecture et contrôle de {file_name}"),
            });
            match crate::import(bytes.unwrap_or_default(), &file_name, &cats) {
                Ok(imported) => (
                    Reply::OrganismRead(Box::new(crate::consolidation::read_organism(
                        imported, &file_name, &cats,
                    ))),
                    None,
                ),
                Err(problems) => (Reply::ImportFailed { problems }, None),
            }
        }
        Request::ExportConsolidation {
            workspace_json,
            scenario,
            format,
            extra_catalogues,
        } => {
            let failed = |message: String| (Reply::Failed { message }, None);
            progress(Progress {
                step: 1,
                steps: 3,
                label: "Lecture de l'espace de simulation".into(),
            });
            let ws = match cus_core::consolidation::Workspace::from_json(&workspace_json) {
                Ok(ws) => ws,
                Err(e) => return failed(e),
            };
            let cats = catalogues_with(extra_catalogues);
            progress(Progress {
                step: 2,
                steps: 3,
                label: "Consolidation des engagements".into(),
            });
            let run = match crate::consolidation::consolidate_workspace(&ws, scenario, &cats) {
                Ok(run) => run,
                Err(e) => return failed(e),
            };
            progress(Progress {
                step: 3,
                steps: 3,
                label: format!("Écriture du fichier {}", format.extension().to_uppercase()),
            });
            let file = crate::consolidation::write(&run, &ws, format);
            (Reply::ConsolidationExported { format }, Some(file))
        }
        Request::ImportWorkspace { file_name } => {
            progress(Progress {
                step: 1,
                steps: 1,
                label: "Lecture de l'espace de simulation".into(),
            });
            match crate::consolidation::import_workspace(&file_name, bytes.unwrap_or_default()) {
                Ok(ws) => (Reply::Workspace { json: ws.to_json() }, None),
                Err(message) => (Reply::Failed { message }, None),
            }
        }
    }
}

#[cfg(all(test, feature = "io"))]
mod tests {
    use super::*;

    fn sample() -> Convention {
        cus_core::samples::SAMPLES[0].convention().unwrap()
    }

    /// Through JSON, as the messages travel.
    fn wire<T: Serialize + for<'de> Deserialize<'de>>(t: &T) -> T {
        serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap()
    }

    #[test]
    fn an_organism_file_is_read_with_the_same_counts_as_the_command_line() {
        // A JSON export edited after export: its checksum no longer matches, a note of the
        // import, counted as a warning like the rules' warnings (as `cus consolider` counts).
        let conv = sample();
        let (_, file) = handle(
            Request::Export {
                format: Format::Json,
                mode: Mode::Brouillon,
                exported_at: "2026-12-01T10:00:00Z".into(),
                convention: conv.clone(),
                extra_catalogues: vec![],
            },
            None,
            &mut |_| {},
        );
        let text = String::from_utf8(file.unwrap()).unwrap();
        // The fingerprint no longer matches the values (as when a value is edited by hand).
        let at = text.find("\"empreinte\"").expect("a fingerprint");
        let quote = at + text[at..].find(": \"").unwrap() + 3;
        let mut edited = text.clone();
        edited.replace_range(quote..quote + 8, "00000000");
        assert_ne!(edited, text);
        let cats = catalogues_with(vec![]);
        let imported = crate::import(edited.as_bytes(), "a.json", &cats).unwrap();
        let notes = imported
            .notes
            .iter()
            .filter(|d| d.severity == cus_core::diagnostic::Severity::Warning)
            .count();
        assert!(
            notes > 0,
            "the edited file has a note: {:?}",
            imported.notes
        );
        let cat = cats
            .iter()
            .find(|c| {
                c.is(
                    &imported.convention.catalogue.id,
                    &imported.convention.catalogue.version,
                )
            })
            .unwrap();
        let rules =
            cus_core::rules::validate(&imported.convention, cat, imported.convention.referential());
        let rule_warnings = rules
            .iter()
            .filter(|d| d.severity == cus_core::diagnostic::Severity::Warning)
            .count();
        let req = wire(&Request::ReadOrganism {
            file_name: "a.json".into(),
            extra_catalogues: vec![],
        });
        let (reply, none) = handle(req, Some(edited.as_bytes()), &mut |_| {});
        assert!(none.is_none());
        match wire(&reply) {
            Reply::OrganismRead(f) => {
                assert_eq!(f.file_name, "a.json");
                assert_eq!(f.warnings, rule_warnings + notes, "import notes counted");
                assert_eq!(f.convention, imported.convention);
            }
            other => panic!("{other:?}"),
        }
        // A file that does not read: the problems, nothing else.
        let (reply, _) = handle(
            Request::ReadOrganism {
                file_name: "b.json".into(),
                extra_catalogues: vec![],
            },
            Some(b"{"),
            &mut |_| {},
        );
        assert!(matches!(reply, Reply::ImportFailed { .. }), "{reply:?}");
    }

    #[test]
    fn export_then_import_through_the_messages_gives_the_same_convention() {
        let conv = sample();
        for format in Format::ALL {
            let mut steps = Vec::new();
            let req = wire(&Request::Export {
                format,
                mode: Mode::Brouillon,
                exported_at: "2026-12-01T10:00:00Z".into(),
                convention: conv.clone(),
                extra_catalogues: vec![],
            });
            let (reply, file) = handle(req, None, &mut |p| steps.push(p.step));
            assert_eq!(
                wire(&reply),
                Reply::Exported {
                    format,
                    mode: Mode::Brouillon
                }
            );
            assert_eq!(steps, vec![1, 2]);
            let file = file.expect("the exported file");
            let req = wire(&Request::Import {
                file_name: format!("essai.{}", format.extension()),
                extra_catalogues: vec![],
            });
            let (reply, none) = handle(req, Some(&file), &mut |_| {});
            assert!(none.is_none());
            match wire(&reply) {
                Reply::Imported(i) => {
                    assert_eq!(i.format, format);
                    assert_eq!(i.convention.values, conv.values, "{format:?}");
                }
                other => panic!("{format:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_final_export_with_errors_is_refused_with_its_blockers() {
        let mut conv = sample();
        let key = conv.values.keys().next().unwrap().clone();
        conv.values
            .insert(key.clone(), cus_core::convention::Value::Number(-5.0));
        let req = Request::Export {
            format: Format::Ods,
            mode: Mode::Final,
            exported_at: "2026-12-01T10:00:00Z".into(),
            convention: conv,
            extra_catalogues: vec![],
        };
        let (reply, file) = handle(req, None, &mut |_| {});
        assert!(file.is_none());
        match reply {
            Reply::Refused { blockers } => {
                assert!(blockers
                    .iter()
                    .any(|d| d.location.cell.as_deref() == Some(&key)))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_unknown_catalogue_or_a_broken_file_is_a_french_reply_not_a_panic() {
        let mut conv = sample();
        conv.catalogue.version = "0.0.0-inconnue".into();
        let req = Request::Export {
            format: Format::Json,
            mode: Mode::Brouillon,
            exported_at: "2026-12-01T10:00:00Z".into(),
            convention: conv,
            extra_catalogues: vec![],
        };
        let (reply, _) = handle(req, None, &mut |_| {});
        assert!(matches!(&reply, Reply::Failed { message } if message.contains("0.0.0-inconnue")));
        let req = Request::Import {
            file_name: "casse.ods".into(),
            extra_catalogues: vec![],
        };
        let (reply, _) = handle(req, Some(b"PK\x03\x04tronque"), &mut |_| {});
        assert!(matches!(reply, Reply::ImportFailed { problems } if !problems.is_empty()));
        let (reply, _) = handle(
            Request::Import {
                file_name: "vide.csv".into(),
                extra_catalogues: vec![],
            },
            None,
            &mut |_| {},
        );
        assert!(matches!(reply, Reply::ImportFailed { .. }));
    }

    fn workspace() -> cus_core::consolidation::Workspace {
        let mut ws = cus_core::consolidation::Workspace::new("Vosges");
        ws.territory = Some("departement:88".parse().unwrap());
        ws.geo_vintage = Some(2021);
        ws.files.push(cus_core::consolidation::WorkspaceFile {
            id: "f1".into(),
            file_name: "petit.ods".into(),
            convention: sample(),
            errors: 0,
            warnings: 1,
            excluded: false,
        });
        ws.scenarios.push(cus_core::consolidation::Scenario {
            name: "Réalisation à 80 %".into(),
            changes: vec![cus_core::consolidation::Change::Realisation { percent: 80.0 }],
        });
        ws
    }

    #[test]
    fn a_consolidation_exported_through_the_messages_reopens_as_the_same_workspace() {
        let ws = workspace();
        for format in Format::ALL {
            let mut steps = Vec::new();
            let req = wire(&Request::ExportConsolidation {
                workspace_json: ws.to_json(),
                scenario: Some(0),
                format,
                extra_catalogues: vec![],
            });
            let (reply, file) = handle(req, None, &mut |p| steps.push(p.step));
            assert_eq!(wire(&reply), Reply::ConsolidationExported { format });
            assert_eq!(steps, vec![1, 2, 3]);
            let file = file.expect("the consolidation file");
            assert!(!file.is_empty());
            let req = wire(&Request::ImportWorkspace {
                file_name: format!("conso.{}", format.extension()),
            });
            let (reply, none) = handle(req, Some(&file), &mut |_| {});
            assert!(none.is_none());
            match (format, wire(&reply)) {
                (Format::Ods | Format::Xlsx, Reply::Workspace { json }) => {
                    let back = cus_core::consolidation::Workspace::from_json(&json).unwrap();
                    assert_eq!(back, ws, "{format:?}");
                }
                (Format::Csv | Format::Json, Reply::Failed { message }) => {
                    // A CSV or a JSON summary does not carry the workspace: said in French.
                    assert!(message.contains("conso."), "{format:?}: {message}");
                }
                (_, other) => panic!("{format:?}: {other:?}"),
            }
        }
        // The workspace's own JSON file reopens too.
        let (reply, _) = handle(
            Request::ImportWorkspace {
                file_name: "espace.json".into(),
            },
            Some(ws.to_json().as_bytes()),
            &mut |_| {},
        );
        assert_eq!(reply, Reply::Workspace { json: ws.to_json() });
    }

    #[test]
    fn a_consolidation_that_cannot_be_served_is_a_french_reply_not_a_panic() {
        let ws = workspace();
        let export = |json: String, scenario| {
            handle(
                Request::ExportConsolidation {
                    workspace_json: json,
                    scenario,
                    format: Format::Ods,
                    extra_catalogues: vec![],
                },
                None,
                &mut |_| {},
            )
        };
        let (reply, file) = export("{ pas du json".into(), None);
        assert!(file.is_none());
        assert!(
            matches!(&reply, Reply::Failed { message } if message.contains("JSON lisible")),
            "{reply:?}"
        );
        let (reply, _) = export(ws.to_json(), Some(4));
        assert!(
            matches!(&reply, Reply::Failed { message } if message.contains("scénario n° 5")),
            "{reply:?}"
        );
        let mut no_territory = ws.clone();
        no_territory.territory = None;
        let (reply, _) = export(no_territory.to_json(), None);
        assert!(
            matches!(&reply, Reply::Failed { message } if message.contains("territoire étudié")),
            "{reply:?}"
        );
        for (name, bytes) in [
            ("espace.ods", &b"PK\x03\x04tronque"[..]),
            ("espace.xlsx", &b"n'importe quoi"[..]),
            ("espace.json", &b"[1, 2"[..]),
            ("espace.json", &b"\xff\xfe"[..]),
        ] {
            let (reply, _) = handle(
                Request::ImportWorkspace {
                    file_name: name.into(),
                },
                Some(bytes),
                &mut |_| {},
            );
            assert!(
                matches!(&reply, Reply::Failed { message } if message.contains(name)),
                "{name}: {reply:?}"
            );
        }
        let (reply, _) = handle(
            Request::ImportWorkspace {
                file_name: "vide.json".into(),
            },
            None,
            &mut |_| {},
        );
        assert!(
            matches!(&reply, Reply::Failed { message } if message.contains("vide")),
            "{reply:?}"
        );
    }

    #[test]
    fn an_extra_catalogue_replaces_the_embedded_one_of_the_same_version() {
        let embedded = cus_core::catalogue::embedded();
        let mut changed = embedded[0].clone();
        changed.title = "Titre chargé par l'utilisateur".into();
        let list = catalogues_with(vec![changed.clone()]);
        assert_eq!(list.len(), embedded.len());
        assert!(list.contains(&changed));
    }
}
