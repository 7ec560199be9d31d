//! Canonical JSON format (specification: `docs/FORMAT.md`, schema:
//! `docs/cus-indicateurs.schema.json`): everything needed to resume work on a convention.
//!
//! ```json
//! {
//!   "format": "cus-indicateurs/3",
//!   "nature": "brouillon",
//!   "exporte_le": "2026-11-25T17:30:00Z",
//!   "empreinte": "<sha-256 of the values>",
//!   "catalogue": { "id": "cus2-logements-locatifs", "version": "2026.11.0" },
//!   "convention": { … }
//! }
//! ```
//!
//! Canonical: keys in a fixed order (struct fields in declaration order, maps sorted), two-space
//! indentation, a final line break; the same convention always gives the same bytes.
//!
//! What the import of the text formats shares (problems, cell checks, codes) is in `import.rs`.

use std::collections::BTreeSet;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{CatalogueRef, Cell, Convention};
use cus_core::diagnostic::{Diagnostic, Severity};
use serde::{Deserialize, Serialize};

use crate::import::{
    check_format, checksum_note, line_of, unknown_bases_note, without_complementary, CellChecker,
    Problems,
};
use crate::{checksum, ExportInput, Format, Imported, Mode, FORMAT_VERSION};

/// The codes and the limit of the import diagnostics, shared with the other text formats.
pub use crate::import::{codes, MAX_PROBLEMS};

/// The file as written: field order is the order of the specification.
#[derive(Serialize)]
struct FileOut<'a> {
    format: &'a str,
    nature: &'a str,
    exporte_le: &'a str,
    empreinte: String,
    catalogue: &'a CatalogueRef,
    convention: &'a Convention,
}

/// The file as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    format: String,
    nature: String,
    #[serde(default)]
    exporte_le: Option<String>,
    #[serde(default)]
    empreinte: Option<String>,
    catalogue: CatalogueRef,
    convention: Convention,
}

/// The canonical JSON of a convention.
pub fn export(input: &ExportInput) -> Vec<u8> {
    let conv = input.convention;
    let file = FileOut {
        format: FORMAT_VERSION,
        nature: input.mode.as_str(),
        exporte_le: input.exported_at,
        empreinte: checksum(conv),
        catalogue: &conv.catalogue,
        convention: conv,
    };
    // Plain data: serialising cannot fail (a non-finite number is written as null, which the
    // import then reports).
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

/// French wording of a serde_json error, located by line and column.
fn json_error(e: &serde_json::Error, p: &Problems) -> Diagnostic {
    use serde_json::error::Category;
    let (reason, keep) = crate::technical::json(e);
    let detail = if keep {
        crate::technical::detail(technical(e))
    } else {
        String::new()
    };
    let (code, what) = match e.classify() {
        Category::Eof => (
            codes::TRUNCATED,
            "le fichier s'arrête au milieu du document : il est tronqué (téléchargement ou copie \
             interrompus). Exportez-le à nouveau."
                .to_string(),
        ),
        Category::Syntax | Category::Io => (
            codes::JSON_SYNTAX,
            format!(
                "le texte n'est pas du JSON valide : {}. Le fichier a sans doute été modifié à la \
                 main : corrigez-le ou exportez-le à nouveau{}.",
                reason, detail
            ),
        ),
        Category::Data => (
            codes::JSON_CONTENT,
            format!(
                "contenu inattendu : {}. Seuls les champs décrits dans docs/FORMAT.md sont \
                 admis, avec le type qui y est donné{}.",
                reason, detail
            ),
        ),
    };
    let mut loc = p.at();
    if e.line() > 0 {
        loc.line = Some(e.line());
    }
    Diagnostic::error(
        code,
        format!("Ligne {}, colonne {} : {what}", e.line(), e.column()),
        loc,
    )
}

/// The technical detail of a serde_json error, without its position (given separately).
fn technical(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Read a JSON file: the enveloped format above, or a bare convention (a draft as the web app
/// stores it, the sample files), read as a *brouillon* with a note.
pub fn import(
    bytes: &[u8],
    file_name: &str,
    cats: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    let mut p = Problems::new(file_name);
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let mut loc = p.at();
            loc.line = Some(line);
            let (code, msg) = if e.error_len().is_none() {
                (
                    codes::TRUNCATED,
                    format!(
                        "Ligne {line} : le fichier s'arrête au milieu d'un caractère : il est \
                         tronqué. Exportez-le à nouveau."
                    ),
                )
            } else {
                (
                    codes::ENCODING,
                    format!(
                        "Ligne {line} : le fichier n'est pas encodé en UTF-8 (octet invalide à la \
                         position {}). Un fichier JSON de CUS indicateurs est toujours en UTF-8 : \
                         ne l'enregistrez pas depuis un éditeur qui change l'encodage.",
                        e.valid_up_to() + 1
                    ),
                )
            };
            p.error(code, msg, loc);
            return Err(p.into_vec());
        }
    };
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        let mut loc = p.at();
        loc.line = Some(line_of(text, at));
        p.error(
            codes::ENCODING,
            "Le fichier contient des octets nuls : c'est un fichier binaire, pas un JSON de CUS \
             indicateurs."
                .to_string(),
            loc,
        );
        return Err(p.into_vec());
    }

    let (file, bare) = match serde_json::from_str::<FileIn>(text) {
        Ok(f) => (f, false),
        Err(e) => match envelope_failure(text, &e, &p) {
            Failure::Bare(conv) => (
                FileIn {
                    format: FORMAT_VERSION.to_string(),
                    nature: Mode::Brouillon.as_str().to_string(),
                    exporte_le: None,
                    empreinte: None,
                    catalogue: conv.catalogue.clone(),
                    convention: *conv,
                },
                true,
            ),
            Failure::Problem(d) => {
                p.push(*d);
                return Err(p.into_vec());
            }
        },
    };

    if let Some(d) = check_format(&file.format, &p) {
        p.push(d);
        return Err(p.into_vec());
    }
    let mut notes = Vec::new();
    if bare {
        notes.push(Diagnostic::new(
            codes::BARE,
            Severity::Info,
            "Fichier sans en-tête (champ « format » absent) : lu comme une convention brute, \
             c'est-à-dire un brouillon."
                .to_string(),
            p.at(),
        ));
    }
    let mode = match Mode::parse(&file.nature) {
        Some(m) => m,
        None => {
            let mut loc = p.at();
            loc.path = Some("nature".into());
            loc.line = find_line(text, "\"nature\"");
            p.error(
                codes::NATURE,
                format!(
                    "Champ « nature » : « {} » n'est pas une nature de fichier ; attendu « brouillon » \
                     ou « final ».",
                    file.nature
                ),
                loc,
            );
            Mode::Brouillon
        }
    };
    let mut conv = file.convention;
    if file.catalogue != conv.catalogue {
        let mut loc = p.at();
        loc.path = Some("catalogue".into());
        loc.line = find_line(text, "\"catalogue\"");
        p.error(
            codes::INCOHERENT,
            format!(
                "Le champ « catalogue » de l'en-tête ({} version {}) diffère de celui de la \
                 convention ({} version {}) : le fichier a été modifié à la main. Rendez-les \
                 identiques.",
                file.catalogue.id,
                file.catalogue.version,
                conv.catalogue.id,
                conv.catalogue.version
            ),
            loc,
        );
    }

    // Catalogue: exact, migrated, or refused.
    let codes_used: BTreeSet<String> = conv
        .values
        .keys()
        .chain(conv.versions.iter().flat_map(|v| v.values.keys()))
        .chain(conv.achievements.values.keys())
        .chain(conv.achievements.terms.keys())
        .chain(conv.achievements.justifications.keys())
        .filter_map(|k| k.split('|').next())
        .chain(conv.segmentation.keys().map(String::as_str))
        .map(str::to_string)
        .collect();
    let mut codes_used = codes_used;
    without_complementary(&mut codes_used, &conv.complementary);
    let mut cat_loc = p.at();
    cat_loc.path = Some("convention.catalogue".into());
    let cat = match crate::resolve_catalogue(
        &conv.catalogue.id,
        &conv.catalogue.version,
        &codes_used,
        cats,
        &cat_loc,
    ) {
        Ok((cat, note)) => {
            notes.extend(note);
            cat
        }
        Err(d) => {
            p.push(d);
            return Err(p.into_vec());
        }
    };

    // Every key of the values and of the segmentation against the catalogue as the convention
    // applies it (its choices are read with it).
    let view = conv.view(cat);
    let checker = CellChecker::new(&view);
    for key in conv.values.keys() {
        let cell = Cell::parse_key(key).filter(|c| c.key() == *key);
        let (code, msg) = match &cell {
            None => (
                codes::CELL_KEY,
                format!(
                    "La clé de valeur « {key} » n'est pas de la forme \
                     indicateur|territoire|répartition|période (par exemple \
                     PP-1|departement:59|PLAI/hors-qpv|c3) : corrigez-la ou supprimez la valeur."
                ),
            ),
            Some(c) => match checker.problem(c) {
                None => continue,
                Some((code, msg)) => (code, format!("Valeur « {key} » : {msg}")),
            },
        };
        let mut loc = p.at();
        loc.path = Some(format!("convention.values[\"{key}\"]"));
        loc.cell = Some(key.clone());
        loc.indicator = cell.map(|c| c.indicator);
        // Finding the line reads the text: only for the problems listed.
        if !p.is_full() {
            loc.line = find_line(text, &format!("\"{key}\""));
        }
        p.error(code, msg, loc);
    }
    for code in conv.segmentation.keys() {
        if view.indicator(code).is_none() {
            let mut loc = p.at();
            loc.path = Some(format!("convention.segmentation[\"{code}\"]"));
            if !p.is_full() {
                loc.line = find_line(text, &format!("\"{code}\": {{"));
            }
            loc.indicator = Some(code.clone());
            p.error(
                codes::INDICATOR_UNKNOWN,
                format!(
                    "Segmentation : l'indicateur « {code} » n'existe pas dans le catalogue « {} » \
                     version {} : supprimez ce choix.",
                    cat.id, cat.version
                ),
                loc,
            );
        }
    }
    // Dates of signature (the other formats refuse them too: a file read here must export).
    let signatures = conv
        .signature
        .iter()
        .map(|sg| (sg, "convention.signature.date".to_string()))
        .chain(conv.versions.iter().enumerate().map(|(n, v)| {
            (
                &v.signature,
                format!("convention.versions[{n}].signature.date"),
            )
        }));
    for (sg, path) in signatures {
        if !cus_core::convention::is_date(sg.date.trim()) {
            let mut loc = p.at();
            loc.path = Some(path);
            if !p.is_full() {
                loc.line = find_line(text, &format!("\"{}\"", sg.date));
            }
            p.error(
                codes::JSON_CONTENT,
                format!(
                    "« {} » n'est pas une date de signature ; attendu AAAA-MM-JJ (par exemple \
                     2021-03-15).",
                    sg.date
                ),
                loc,
            );
        }
    }
    // The values of the versions replaced by avenants, as those of the convention.
    for (n, version) in conv.versions.iter().enumerate() {
        for key in version.values.keys() {
            let problem = match Cell::parse_key(key).filter(|c| c.key() == *key) {
                None => Some((
                    codes::CELL_KEY,
                    format!(
                        "la clé « {key} » n'est pas de la forme \
                         indicateur|territoire|répartition|période."
                    ),
                )),
                Some(c) => checker.problem(&c),
            };
            if let Some((code, msg)) = problem {
                let mut loc = p.at();
                loc.path = Some(format!("convention.versions[{n}].values[\"{key}\"]"));
                loc.cell = Some(key.clone());
                if !p.is_full() {
                    loc.line = find_line(text, &format!("\"{key}\""));
                }
                p.error(code, format!("Version {} : {msg}", n + 1), loc);
            }
        }
    }
    // The keys of the achievements and justifications.
    let ach = &conv.achievements;
    let achievement_keys = ach
        .values
        .keys()
        .map(|k| (k, "values", false))
        .chain(ach.terms.keys().map(|k| (k, "terms", false)))
        .chain(
            ach.justifications
                .keys()
                .map(|k| (k, "justifications", true)),
        );
    for (key, field, justification) in achievement_keys {
        if let Some((code, msg)) = checker.achievement_problem(key, justification) {
            let mut loc = p.at();
            loc.path = Some(format!("convention.achievements.{field}[\"{key}\"]"));
            loc.cell = Some(key.clone());
            if !p.is_full() {
                loc.line = find_line(text, &format!("\"{key}\""));
            }
            p.error(code, format!("Réalisations : {msg}"), loc);
        }
    }
    if !p.is_empty() {
        return Err(p.into_vec());
    }
    let mut bases_loc = p.at();
    bases_loc.path = Some("convention.bases".into());
    bases_loc.line = find_line(text, "\"bases\"");
    notes.extend(unknown_bases_note(&conv, cat, bases_loc));
    drop(checker);
    drop(view);

    // The checksum is of the convention as written, before any migration.
    let sum = checksum(&conv);
    match file.empreinte.as_deref() {
        Some(e) if e == sum => {}
        Some(_) => notes.push(checksum_note(&p, "JSON")),
        None if bare => {}
        None => notes.push(Diagnostic::warning(
            codes::CHECKSUM,
            "Le fichier n'a pas d'empreinte : impossible de vérifier qu'il n'a pas été modifié \
             depuis l'export."
                .to_string(),
            p.at(),
        )),
    }
    conv.catalogue = CatalogueRef {
        id: cat.id.clone(),
        version: cat.version.clone(),
    };
    Ok(Imported {
        convention: conv,
        format: Format::Json,
        mode,
        exported_at: file.exporte_le,
        notes,
    })
}

enum Failure {
    Bare(Box<Convention>),
    Problem(Box<Diagnostic>),
}

/// Why the envelope did not parse: a syntax error, another format version, a bare convention,
/// or a field of the wrong type.
fn envelope_failure(text: &str, e: &serde_json::Error, p: &Problems) -> Failure {
    if e.is_syntax() || e.is_eof() || e.is_io() {
        return Failure::Problem(Box::new(json_error(e, p)));
    }
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e2) => return Failure::Problem(Box::new(json_error(&e2, p))),
    };
    let Some(obj) = value.as_object() else {
        let mut loc = p.at();
        loc.line = Some(1);
        return Failure::Problem(Box::new(Diagnostic::error(
            codes::NOT_OURS,
            "Le fichier est du JSON mais pas un objet : ce n'est pas un fichier de CUS \
             indicateurs."
                .to_string(),
            loc,
        )));
    };
    match obj.get("format") {
        Some(serde_json::Value::String(f)) => {
            if let Some(d) = check_format(f, p) {
                let mut d = d;
                d.location.line = find_line(text, "\"format\"");
                return Failure::Problem(Box::new(d));
            }
            Failure::Problem(Box::new(json_error(e, p)))
        }
        Some(_) => Failure::Problem(Box::new(json_error(e, p))),
        None if obj.contains_key("catalogue")
            && (obj.contains_key("values") || obj.contains_key("segmentation")) =>
        {
            match serde_json::from_str::<Convention>(text) {
                Ok(c) => Failure::Bare(Box::new(c)),
                Err(e2) => Failure::Problem(Box::new(json_error(&e2, p))),
            }
        }
        None => {
            let mut loc = p.at();
            loc.line = Some(1);
            Failure::Problem(Box::new(Diagnostic::error(
                codes::NOT_OURS,
                format!(
                    "Le champ « format » est absent : ce n'est pas un fichier de CUS indicateurs \
                     (attendu un objet avec \"format\": \"{FORMAT_VERSION}\")."
                ),
                loc,
            )))
        }
    }
}

/// The line of the first occurrence of a needle in the text.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|i| line_of(text, i))
}
