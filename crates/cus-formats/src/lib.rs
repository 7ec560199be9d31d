//! File formats of CUS indicateurs: the workbook the State receives (ODS, XLSX), the CSV and
//! the canonical JSON, in both directions. The specification is `docs/FORMAT.md`.
//!
//! Every format goes through the same two functions, [`export`] and [`import`]. Import never
//! panics and never returns a half-read convention: it is a whole [`Imported`] or a list of
//! French diagnostics located by file, sheet, line and column.
//!
//! The readers and writers are behind the `io` feature (on by default). Without it the crate is
//! the vocabulary shared by the web app and its formats worker: [`Format`], [`Mode`], the limits
//! and the worker's messages ([`protocol`]).

#[cfg(feature = "io")]
mod choices;
#[cfg(feature = "io")]
pub mod consolidation;
#[cfg(feature = "io")]
pub mod csv;
#[cfg(feature = "io")]
mod import;
#[cfg(feature = "io")]
pub mod json;
#[cfg(feature = "io")]
pub mod ods;
pub mod protocol;
#[cfg(feature = "io")]
mod technical;
#[cfg(feature = "io")]
mod workbook;
#[cfg(feature = "io")]
pub mod xlsx;

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Location};
use cus_core::geo::Referential;

/// Version of our file format, written in every file (`format` in JSON, the cover sheet of the
/// workbooks, the `format` column of CSV). Version 2 added the signature, the versions replaced
/// by avenants and the achievements of an evaluation; version 3 the organism's choices where the
/// texts are silent (periodicities, parts stated as percentages, bases given once, indicators
/// added « hors règlement »), with cells checked against the catalogue as the convention applies
/// it (`Convention::view`).
pub const FORMAT_VERSION: &str = "cus-indicateurs/3";

/// The versions of the format this application reads: the current one and those before it (a
/// file of an earlier version simply has none of what was added since).
pub const READABLE_FORMAT_VERSIONS: [&str; 3] =
    ["cus-indicateurs/1", "cus-indicateurs/2", FORMAT_VERSION];

/// Whether a `format` field names a version this application reads.
pub fn is_readable_format(format: &str) -> bool {
    READABLE_FORMAT_VERSIONS.contains(&format)
}

/// Files larger than this are refused on import (20 Mio). The largest realistic convention
/// (101 départements + 400 EPCI, every indicator) weighs about 0,3 Mio in ODS or XLSX, 2 Mio in
/// JSON and 8 Mio in CSV, which repeats the file-level columns on every line.
pub const MAX_IMPORT_BYTES: usize = 20 * 1024 * 1024;

/// The four formats, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Ods,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Ods, Format::Xlsx, Format::Csv, Format::Json];

    /// The format of a file name, by its extension (case-insensitive).
    pub fn from_file_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "ods" => Some(Format::Ods),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Ods => "ods",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv;charset=utf-8",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// French label for buttons and messages.
    pub fn label_fr(self) -> &'static str {
        match self {
            Format::Json => "JSON (reprise du travail)",
            Format::Csv => "CSV (une ligne par valeur)",
            Format::Ods => "ODS (tableur libre, format attendu par l'État)",
            Format::Xlsx => "XLSX (Excel)",
        }
    }
}

/// Final file for the State, or *brouillon* (marked as such inside the file).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Brouillon,
    Final,
}

impl Mode {
    /// The word written in files: `brouillon` or `final`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Brouillon => "brouillon",
            Mode::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim() {
            "brouillon" => Some(Mode::Brouillon),
            "final" => Some(Mode::Final),
            _ => None,
        }
    }
}

/// What an export needs besides the convention.
pub struct ExportInput<'a> {
    pub convention: &'a Convention,
    /// The catalogue the convention was filled against (`convention.catalogue`).
    pub catalogue: &'a Catalogue,
    /// Referential for territory labels (`None`: codes only).
    pub geo: Option<&'a Referential>,
    /// Diagnostics of the convention (`cus_core::rules::validate`): a final export is refused
    /// while [`cus_core::diagnostic::final_export_blockers`] is not empty.
    pub diagnostics: &'a [Diagnostic],
    pub mode: Mode,
    /// Export date and time, ISO 8601 (`2026-11-25T17:30:00Z`), given by the caller (the
    /// browser's clock, or the system's in the command line).
    pub exported_at: &'a str,
}

/// A file read back.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Imported {
    pub convention: Convention,
    pub format: Format,
    pub mode: Mode,
    pub exported_at: Option<String>,
    /// Non-blocking findings of the import (for example a checksum that does not match: the file
    /// was edited after export). Shown to the user; the import still succeeded.
    pub notes: Vec<Diagnostic>,
}

#[cfg(feature = "io")]
/// Export a convention. `Err` holds what prevents a final export (errors, warnings not
/// acknowledged); a *brouillon* export never fails.
pub fn export(input: &ExportInput, format: Format) -> Result<Vec<u8>, Vec<Diagnostic>> {
    if input.mode == Mode::Final {
        let blockers = cus_core::diagnostic::final_export_blockers(
            input.diagnostics,
            &input.convention.acknowledged,
        );
        if !blockers.is_empty() {
            return Err(blockers.into_iter().cloned().collect());
        }
    }
    // The SIREN is written as its nine digits, even for a draft stored before it was
    // normalised when typed (`356 000 000`).
    let siren = cus_core::organisme::normalise_siren(&input.convention.organisme.siren);
    let normalised;
    let convention = if siren != input.convention.organisme.siren {
        let mut conv = input.convention.clone();
        conv.organisme.siren = siren;
        normalised = conv;
        &normalised
    } else {
        input.convention
    };
    // Every format lays the convention out on the catalogue as it applies it: the periodicity,
    // units and part units chosen, and the indicators the organism added (`Convention::view`).
    let view = convention.view(input.catalogue);
    let input = &ExportInput {
        convention,
        catalogue: &view,
        geo: input.geo,
        diagnostics: input.diagnostics,
        mode: input.mode,
        exported_at: input.exported_at,
    };
    Ok(match format {
        Format::Json => json::export(input),
        Format::Csv => csv::export(input),
        Format::Ods => ods::export(input),
        Format::Xlsx => xlsx::export(input),
    })
}

#[cfg(feature = "io")]
/// Import a file of any of the four formats (chosen by the extension of `file_name`, else by
/// sniffing the content). `catalogues` are the catalogues known to the caller: a file filled
/// against another one is refused (or migrated when the change is only a version of the same
/// catalogue with the same indicator codes, with a note).
pub fn import(
    bytes: &[u8],
    file_name: &str,
    catalogues: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    let at = |msg: String| {
        vec![Diagnostic::error(
            "E-IMPORT-UNREADABLE",
            msg,
            Location {
                file: Some(file_name.to_string()),
                ..Default::default()
            },
        )]
    };
    if bytes.is_empty() {
        return Err(at("Le fichier est vide.".to_string()));
    }
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(at(format!(
            "Le fichier pèse {} octets, au-delà de la limite de {} Mio : ce n'est pas un fichier de CUS.",
            bytes.len(),
            MAX_IMPORT_BYTES / (1024 * 1024)
        )));
    }
    let format = Format::from_file_name(file_name).or_else(|| sniff(bytes));
    let mut imported = match format {
        Some(Format::Json) => json::import(bytes, file_name, catalogues),
        Some(Format::Csv) => csv::import(bytes, file_name, catalogues),
        Some(Format::Ods) => ods::import(bytes, file_name, catalogues),
        Some(Format::Xlsx) => xlsx::import(bytes, file_name, catalogues),
        None => Err(at(
            "Format non reconnu : le nom du fichier doit finir par .ods, .xlsx, .csv ou .json."
                .to_string(),
        )),
    }?;
    // A SIREN written with spaces (a file edited by hand, an older export) is stored as digits.
    let organisme = std::mem::take(&mut imported.convention.organisme);
    imported.convention.organisme = organisme.normalised();
    // Levels left to the catalogue's default while values sit at another level (a file saved
    // when the catalogue had another default: PP-5 and PS-3 by département) are recorded, so
    // that no value loses its row.
    let conv = &mut imported.convention;
    if let Some(cat) =
        cus_core::catalogue::lookup(catalogues, &conv.catalogue.id, &conv.catalogue.version)
    {
        for code in conv.record_levels_of_values(cat) {
            let levels: Vec<&str> = conv
                .segmentation
                .get(&code)
                .map(|s| s.levels.iter().map(|l| l.label_fr()).collect())
                .unwrap_or_default();
            imported.notes.push(Diagnostic::new(
                "I-IMPORT-LEVELS-RECORDED",
                cus_core::diagnostic::Severity::Info,
                format!(
                    "{code} : le fichier ne précise pas sa maille et ses valeurs sont saisies par \
                     {} ; cette maille est enregistrée, pour que ses lignes et ses valeurs soient \
                     conservées.",
                    levels.join(" et par ")
                ),
                Location {
                    file: Some(file_name.to_string()),
                    indicator: Some(code.clone()),
                    ..Default::default()
                },
            ));
        }
    }
    Ok(imported)
}

#[cfg(feature = "io")]
/// Guess the format of a file without a known extension.
fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK") {
        // Both workbooks are zip files; ODS names its mimetype first, uncompressed.
        let head = &bytes[..bytes.len().min(100)];
        if head.windows(11).any(|w| w == b"opendocumen") {
            return Some(Format::Ods);
        }
        return Some(Format::Xlsx);
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => Some(Format::Json),
        Some(_) => Some(Format::Csv),
        None => None,
    }
}

/// A text cell made safe for spreadsheets: a text starting with `=`, `+`, `-` or `@` (or a tab
/// or carriage return) would be read as a formula; it is prefixed with an apostrophe, as the
/// OWASP guidance on CSV injection advises. So that [`unneutralise`] can always give the text
/// back, a text made of apostrophes then such a character gets one more (`'=x` → `''=x`).
pub fn neutralise(text: &str) -> String {
    if starts_like_formula(text.trim_start_matches('\'')) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Inverse of [`neutralise`].
pub fn unneutralise(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest.trim_start_matches('\'')) => rest.to_string(),
        _ => text.to_string(),
    }
}

fn starts_like_formula(s: &str) -> bool {
    matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

#[cfg(feature = "io")]
/// SHA-256 (hex) of the content of a convention: catalogue id and version, then every value as
/// `key=value` lines in key order (numbers in Rust's shortest form, texts as typed), then, only
/// when the convention carries them, its signature, versions and achievements (format 2) and its
/// periodicities, part units, bases and complementary indicators (format 3) as canonical JSON
/// lines, so that the checksum of a convention without them is the one format 1 wrote. (The
/// units chosen, which format 2 already carried, stay out: a format 2 file keeps its checksum.) Written on the cover of every export; an import that finds another checksum notes
/// that the file was edited after export.
pub fn checksum(conv: &Convention) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    let mut h = Sha256::new();
    h.update(format!(
        "{}\n{}\n",
        conv.catalogue.id, conv.catalogue.version
    ));
    // One buffer for every line (this runs on every export and import of 40 000 values).
    let mut line = String::with_capacity(128);
    for (k, v) in &conv.values {
        line.clear();
        line.push_str(k);
        line.push('=');
        let _ = match v {
            cus_core::convention::Value::Number(n) => write!(line, "{n}"),
            cus_core::convention::Value::Bool(b) => write!(line, "{b}"),
            cus_core::convention::Value::Text(t) => write!(line, "\"{t}"),
        };
        line.push('\n');
        h.update(line.as_bytes());
    }
    // Serialising plain data cannot fail.
    if let Some(s) = &conv.signature {
        h.update(format!(
            "signature={}\n",
            serde_json::to_string(s).unwrap_or_default()
        ));
    }
    for v in &conv.versions {
        h.update(format!(
            "version={}\n",
            serde_json::to_string(v).unwrap_or_default()
        ));
    }
    if !conv.achievements.is_empty() {
        h.update(format!(
            "achievements={}\n",
            serde_json::to_string(&conv.achievements).unwrap_or_default()
        ));
    }
    if !conv.periodicity.is_empty() {
        h.update(format!(
            "periodicity={}\n",
            serde_json::to_string(&conv.periodicity).unwrap_or_default()
        ));
    }
    if !conv.part_units.is_empty() {
        h.update(format!(
            "part_units={}\n",
            serde_json::to_string(&conv.part_units).unwrap_or_default()
        ));
    }
    if !conv.bases.is_empty() {
        h.update(format!(
            "bases={}\n",
            serde_json::to_string(&conv.bases).unwrap_or_default()
        ));
    }
    if !conv.complementary.is_empty() {
        h.update(format!(
            "complementary={}\n",
            serde_json::to_string(&conv.complementary).unwrap_or_default()
        ));
    }
    let mut out = String::with_capacity(64);
    for b in h.finalize() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The catalogue a file refers to, among those known. The exact id and version when known;
/// else, for another version of a known catalogue, its latest version when every indicator code
/// of `codes_used` exists there (a migration, reported by a warning in the second member);
/// else an error saying what is missing.
// The error is the diagnostic shown to the user, once per file read: not worth boxing.
#[allow(clippy::result_large_err)]
pub fn resolve_catalogue<'a>(
    id: &str,
    version: &str,
    codes_used: &std::collections::BTreeSet<String>,
    catalogues: &'a [Catalogue],
    location: &Location,
) -> Result<(&'a Catalogue, Option<Diagnostic>), Diagnostic> {
    if let Some(c) = cus_core::catalogue::lookup(catalogues, id, version) {
        return Ok((c, None));
    }
    let Some(latest) = cus_core::catalogue::latest(catalogues, id) else {
        return Err(Diagnostic::error(
            "E-IMPORT-CATALOGUE-UNKNOWN",
            format!(
                "Le fichier a été rempli avec le catalogue « {id} » (version {version}), que cette \
                 application ne connaît pas. Chargez ce catalogue (page Comprendre les indicateurs) \
                 puis importez à nouveau."
            ),
            location.clone(),
        ));
    };
    let missing: Vec<&str> = codes_used
        .iter()
        .filter(|c| latest.indicator(c).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(Diagnostic::error(
            "E-IMPORT-CATALOGUE-VERSION",
            format!(
                "Le fichier suit la version {version} du catalogue « {id} » ; la version connue ici \
                 ({}) n'a pas les indicateurs {} : import refusé. Chargez la version {version} du \
                 catalogue.",
                latest.version,
                missing.join(", ")
            ),
            location.clone(),
        ));
    }
    let note = Diagnostic::warning(
        "W-IMPORT-CATALOGUE-MIGRATED",
        format!(
            "Le fichier suit la version {version} du catalogue « {id} », inconnue ici : ses valeurs \
             ont été reprises dans la version {}, qui a les mêmes codes d'indicateurs. Vérifiez les \
             libellés avant l'export final.",
            latest.version
        ),
        location.clone(),
    );
    Ok((latest, Some(note)))
}

/// Canonical JSON of a set of catalogues (what `cus catalogue --format json` prints and what the
/// web app accepts as a catalogue file loaded at run time).
pub fn catalogues_to_json(cats: &[Catalogue]) -> String {
    // Serialising plain data structs cannot fail.
    serde_json::to_string_pretty(cats).unwrap_or_default()
}

#[cfg(all(test, feature = "io"))]
mod tests {
    use super::*;

    #[test]
    fn catalogue_json_round_trips_through_the_checked_loader() {
        let cats = cus_core::catalogue::embedded();
        let json = catalogues_to_json(&cats);
        let back: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), cats.len());
        for (v, c) in back.iter().zip(&cats) {
            let again = cus_core::catalogue::load_json(&v.to_string(), "test.json").unwrap();
            assert_eq!(&again, c);
        }
    }

    #[test]
    fn formula_like_text_is_neutralised_and_restored() {
        for t in ["=1+1", "+33", "-2", "@SUM(A1)", "\tx"] {
            let n = neutralise(t);
            assert!(n.starts_with('\''), "{t}");
            assert_eq!(unneutralise(&n), t);
        }
        assert_eq!(neutralise("abc"), "abc");
        assert_eq!(unneutralise("'abc"), "'abc");
        for t in ["'=x", "''+1", "'", "'abc", "", "a=b"] {
            assert_eq!(unneutralise(&neutralise(t)), t, "{t:?}");
        }
        assert_eq!(neutralise("'=x"), "''=x");
    }

    #[test]
    fn checksum_changes_with_any_value() {
        let mut c = Convention::default();
        let a = checksum(&c);
        assert_eq!(a.len(), 64);
        c.values.insert(
            "PP-1|organisme||c6".into(),
            cus_core::convention::Value::Number(12.0),
        );
        let b = checksum(&c);
        assert_ne!(a, b);
        c.values.insert(
            "PP-1|organisme||c6".into(),
            cus_core::convention::Value::Text("12".into()),
        );
        assert_ne!(checksum(&c), b);
    }

    #[test]
    fn catalogue_resolution_exact_migrated_or_refused() {
        let cats = cus_core::catalogue::embedded();
        let c = &cats[0];
        let loc = Location::default();
        let codes: std::collections::BTreeSet<String> = c
            .indicators
            .iter()
            .take(2)
            .map(|i| i.code.clone())
            .collect();
        let (got, note) = resolve_catalogue(&c.id, &c.version, &codes, &cats, &loc).unwrap();
        assert_eq!((got.id.as_str(), note), (c.id.as_str(), None));
        let (_, note) = resolve_catalogue(&c.id, "0.0.1", &codes, &cats, &loc).unwrap();
        assert_eq!(note.unwrap().code, "W-IMPORT-CATALOGUE-MIGRATED");
        let mut odd = codes.clone();
        odd.insert("ZZ-99".into());
        let e = resolve_catalogue(&c.id, "0.0.1", &odd, &cats, &loc).unwrap_err();
        assert_eq!(e.code, "E-IMPORT-CATALOGUE-VERSION");
        assert!(e.message.contains("ZZ-99"));
        let e = resolve_catalogue("inconnu", "1", &codes, &cats, &loc).unwrap_err();
        assert_eq!(e.code, "E-IMPORT-CATALOGUE-UNKNOWN");
    }

    #[test]
    fn format_by_extension_or_content() {
        assert_eq!(Format::from_file_name("cus.ODS"), Some(Format::Ods));
        assert_eq!(Format::from_file_name("a.b.xlsx"), Some(Format::Xlsx));
        assert_eq!(Format::from_file_name("sans-extension"), None);
        assert_eq!(sniff(b"  {\"format\""), Some(Format::Json));
        assert_eq!(sniff(b"\xEF\xBB\xBFformat;"), Some(Format::Csv));
    }
}
