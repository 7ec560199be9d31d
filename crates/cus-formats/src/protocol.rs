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

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::{Format, Imported, Mode};

/// What the app asks of the worker.
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
    /// The file could not be imported: every problem found, located.
    ImportFailed {
        problems: Vec<Diagnostic>,
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
        list.retain(|x| !(x.id == c.id && x.version == c.version));
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
            let Some(cat) = cats.iter().find(|c| c.id == r.id && c.version == r.version) else {
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
