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
//! This module also holds what the import of the text formats shares: the collector of problems
//! ([`Problems`]) and the check of a cell against the catalogue ([`CellChecker`]).

use std::collections::{BTreeSet, HashMap};

use cus_core::catalogue::{Catalogue, Indicator, Part, PartShare, Period, UnitForm, PARC_TOTAL};
use cus_core::convention::{
    period_key, splits, CatalogueRef, Cell, Convention, SplitKey, PERCENT_PART,
};
use cus_core::diagnostic::{Diagnostic, Location, Severity};
use serde::{Deserialize, Serialize};

use crate::{checksum, ExportInput, Format, Imported, Mode, FORMAT_VERSION};

/// Most problems reported by one import; the rest are counted in a last message.
pub const MAX_PROBLEMS: usize = 100;

/// Stable codes of the import diagnostics of the text formats (listed in `docs/FORMAT.md`).
pub mod codes {
    /// The bytes are not text in a supported encoding (binary content, NUL bytes, invalid UTF-8
    /// in a JSON file).
    pub const ENCODING: &str = "E-IMPORT-ENCODING";
    /// The file ends in the middle of a value or a line.
    pub const TRUNCATED: &str = "E-IMPORT-TRUNCATED";
    /// JSON syntax error.
    pub const JSON_SYNTAX: &str = "E-IMPORT-JSON-SYNTAX";
    /// A field of the JSON has the wrong type or is unknown.
    pub const JSON_CONTENT: &str = "E-IMPORT-JSON-CONTENT";
    /// Not a file of this application (no `format` field, first line not the CSV header).
    pub const NOT_OURS: &str = "E-IMPORT-NOT-CUS";
    /// Written by another major version of the format.
    pub const FORMAT_VERSION: &str = "E-IMPORT-FORMAT-VERSION";
    /// `nature` is neither `brouillon` nor `final`.
    pub const NATURE: &str = "E-IMPORT-NATURE";
    /// Header and body disagree (catalogue of the envelope vs the convention, a column that
    /// changes from one CSV line to the next).
    pub const INCOHERENT: &str = "E-IMPORT-INCOHERENT";
    /// A cell key that is not `indicateur|territoire|répartition|période`.
    pub const CELL_KEY: &str = "E-IMPORT-CELL-KEY";
    /// An indicator code the catalogue does not have.
    pub const INDICATOR_UNKNOWN: &str = "E-IMPORT-INDICATOR-UNKNOWN";
    /// A territory key that does not parse.
    pub const TERRITORY: &str = "E-IMPORT-TERRITORY";
    /// A split (breakdown member, part) the indicator does not have.
    pub const SPLIT: &str = "E-IMPORT-SPLIT";
    /// A period the indicator does not have.
    pub const PERIOD: &str = "E-IMPORT-PERIOD";
    /// A CSV `niveau` that is not a list of levels, differs between the lines of one indicator,
    /// or does not contain the level of the line's territory.
    pub const LEVEL: &str = "E-IMPORT-LEVEL";
    /// CSV header: a required column is missing or appears twice.
    pub const CSV_HEADER: &str = "E-IMPORT-CSV-HEADER";
    /// CSV line with another number of fields than the header.
    pub const CSV_FIELDS: &str = "E-IMPORT-CSV-FIELDS";
    /// The same cell on two CSV lines.
    pub const CSV_DUPLICATE: &str = "E-IMPORT-CSV-DUPLICATE";
    /// A year that is not a number (`annee_signature`, `millesime_geo`).
    pub const YEAR: &str = "E-IMPORT-YEAR";
    /// No value line at all.
    pub const EMPTY: &str = "E-IMPORT-EMPTY";
    /// More than [`super::MAX_PROBLEMS`] problems: the rest are not listed.
    pub const TOO_MANY: &str = "E-IMPORT-TOO-MANY";
    /// Note: the checksum written at export does not match the values read.
    pub const CHECKSUM: &str = "W-IMPORT-CHECKSUM";
    /// Note: a JSON without envelope, read as a bare convention (a draft).
    pub const BARE: &str = "I-IMPORT-JSON-BARE";
    /// Note: the CSV was not UTF-8 and was read as Windows-1252 (or UTF-16).
    pub const CSV_ENCODING: &str = "I-IMPORT-CSV-ENCODING";
    /// Note: CSV columns that are not part of the format were ignored.
    pub const CSV_EXTRA_COLUMN: &str = "I-IMPORT-CSV-EXTRA-COLUMN";
    /// A CSV complement (columns `rubrique`, `cle`, `contenu`) that cannot be read.
    pub const CSV_COMPLEMENT: &str = "E-IMPORT-CSV-COMPLEMENT";
    /// Note: a CSV without complements (older export, or columns removed): the draft name, the
    /// organism but its SIREN, segment details, dwellings owned and acknowledged warnings
    /// could not be carried.
    pub const CSV_PARTIAL: &str = "W-IMPORT-CSV-PARTIAL";
    /// Note: CSV complements of an unknown `rubrique` were ignored.
    pub const CSV_COMPLEMENT_IGNORED: &str = "W-IMPORT-CSV-COMPLEMENT-IGNORED";
    /// Note (format 3): stocks given for a base the catalogue does not declare (or for
    /// `parc-total`, which is the dwellings owned): kept as they are, used by no indicator.
    pub const BASE_UNKNOWN: &str = "W-IMPORT-BASE-UNKNOWN";
}

/// The codes of the indicators the organism added: not the catalogue's, they do not decide
/// whether a file's catalogue can be migrated to another version.
pub(crate) fn without_complementary(
    codes: &mut BTreeSet<String>,
    complementary: &[cus_core::convention::Complementary],
) {
    for x in complementary {
        codes.remove(&x.code);
    }
}

/// The note of bases a convention gives that the catalogue does not declare: kept (a file of
/// a catalogue that declares more, a base typed by hand), but used by no indicator. `None` when
/// every base is known.
pub(crate) fn unknown_bases_note(
    conv: &Convention,
    cat: &Catalogue,
    location: Location,
) -> Option<Diagnostic> {
    let unknown: Vec<&str> = conv
        .bases
        .keys()
        .map(String::as_str)
        .filter(|b| *b == PARC_TOTAL || cat.base(b).is_none())
        .collect();
    if unknown.is_empty() {
        return None;
    }
    let known: Vec<&str> = cat
        .bases
        .iter()
        .map(|b| b.id.as_str())
        .filter(|b| *b != PARC_TOTAL)
        .collect();
    let names: Vec<String> = unknown.iter().map(|b| format!("« {b} »")).collect();
    let total = if unknown.contains(&PARC_TOTAL) {
        format!(
            " La base « {PARC_TOTAL} » est le nombre de logements détenus, qui se donne par \
             territoire avec les logements (étape Parc) et non parmi les bases."
        )
    } else {
        String::new()
    };
    Some(Diagnostic::warning(
        codes::BASE_UNKNOWN,
        format!(
            "{} {} : le catalogue « {} » version {} ne {} pas ({}). Les stocks donnés sont gardés \
             tels quels mais ne servent à aucun indicateur ; vérifiez l'identifiant de la base.{total}",
            if unknown.len() > 1 { "Bases" } else { "Base" },
            names.join(", "),
            cat.id,
            cat.version,
            if unknown.len() > 1 { "les déclare" } else { "la déclare" },
            if known.is_empty() {
                "il ne déclare aucune base".to_string()
            } else {
                format!("bases déclarées : {}", known.join(", "))
            }
        ),
        location,
    ))
}

/// Problems of one import: many are collected, at most [`MAX_PROBLEMS`] kept.
pub(crate) struct Problems {
    file: String,
    list: Vec<Diagnostic>,
    dropped: usize,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Self {
        Problems {
            file: file.to_string(),
            list: Vec::new(),
            dropped: 0,
        }
    }

    /// A location in this file.
    pub(crate) fn at(&self) -> Location {
        Location {
            file: Some(self.file.clone()),
            ..Default::default()
        }
    }

    pub(crate) fn push(&mut self, d: Diagnostic) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(d);
        } else {
            self.dropped += 1;
        }
    }

    pub(crate) fn error(&mut self, code: &str, message: String, location: Location) {
        self.push(Diagnostic::error(code, message, location));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// No more problems will be listed (they are only counted).
    pub(crate) fn is_full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }

    pub(crate) fn into_vec(mut self) -> Vec<Diagnostic> {
        if self.dropped > 0 {
            let loc = self.at();
            self.list.push(Diagnostic::error(
                codes::TOO_MANY,
                format!(
                    "… et {} autres problèmes non listés. Corrigez d'abord ceux-ci, puis importez \
                     à nouveau.",
                    self.dropped
                ),
                loc,
            ));
        }
        self.list
    }
}

/// Checks cells against the catalogue as a convention applies it (`Convention::view`: its
/// periodicities, units, part units and complementary indicators), with the splits and periods
/// of each indicator computed once.
///
/// A cell the view has no place for is still accepted when it has one under another choice
/// the catalogue offers for its indicator (an SR-1 value at `c3` once the yearly periodicity is
/// chosen, a `valeur/pct` part once the unit « logements » is chosen again), or, for an
/// indicator the organism added, at any period: the application keeps what was typed when a
/// choice changes, the validation reports it (`W-VALUE-ORPHAN`), and a file exported from such
/// a convention must read back.
pub(crate) struct CellChecker<'a> {
    cat: &'a Catalogue,
    known: HashMap<&'a str, Known>,
}

/// The splits and periods of an indicator in the view, then those it has under the other
/// choices offered.
struct Known {
    splits: Vec<SplitKey>,
    periods: Vec<Period>,
    other_splits: Vec<SplitKey>,
    /// `None`: any period (an indicator added by the organism).
    other_periods: Option<Vec<Period>>,
}

impl<'a> CellChecker<'a> {
    /// `cat`: the view of the convention (`Convention::view`), its choices already read.
    pub(crate) fn new(cat: &'a Catalogue) -> Self {
        let known = cat
            .indicators
            .iter()
            .map(|i| (i.code.as_str(), Known::of(i)))
            .collect();
        CellChecker { cat, known }
    }

    /// What is wrong with a cell (code and French message), or `None` when the indicator, the
    /// split and the period all exist in the catalogue as the convention applies it (or under
    /// another choice it offers, see above). The territory is not checked here: a value may
    /// stay on a territory no longer declared (an orphan, reported by validation, not refused).
    pub(crate) fn problem(&self, cell: &Cell) -> Option<(&'static str, String)> {
        let cat = self.cat;
        let Some(k) = self.known.get(cell.indicator.as_str()) else {
            return Some((
                codes::INDICATOR_UNKNOWN,
                format!(
                    "l'indicateur « {} » n'existe pas dans le catalogue « {} » version {}. \
                     Vérifiez le code (voir la page Comprendre les indicateurs) ou supprimez \
                     cette valeur.",
                    cell.indicator, cat.id, cat.version
                ),
            ));
        };
        if !k.splits.contains(&cell.split) && !k.other_splits.contains(&cell.split) {
            let known: Vec<String> = k.splits.iter().map(|s| s.key()).collect();
            return Some((
                codes::SPLIT,
                format!(
                    "la répartition « {} » n'existe pas pour {} ; répartitions possibles : {}.",
                    cell.split.key(),
                    cell.indicator,
                    known.join(", ")
                ),
            ));
        }
        let other_period = match &k.other_periods {
            None => true,
            Some(p) => p.contains(&cell.period),
        };
        if !k.periods.contains(&cell.period) && !other_period {
            let known: Vec<String> = k.periods.iter().map(|p| period_key(*p)).collect();
            return Some((
                codes::PERIOD,
                format!(
                    "la période « {} » n'existe pas pour {} ; périodes possibles : {}.",
                    period_key(cell.period),
                    cell.indicator,
                    known.join(", ")
                ),
            ));
        }
        None
    }
}

impl Known {
    fn of(ind: &Indicator) -> Known {
        let splits = splits(ind);
        let periods = ind.periods.periods();
        // The part « en % » a count stated with its percentage gets, when offered.
        let mut other = ind.clone();
        let offers_pct = ind
            .unit_choices
            .iter()
            .any(|u| matches!(UnitForm::of(u), UnitForm::NombreEtPourcentage(..)));
        if offers_pct && !other.splits.parts.iter().any(|p| p.id == PERCENT_PART) {
            other.splits.parts.push(Part {
                id: PERCENT_PART.to_string(),
                label: String::new(),
                share: PartShare::PourcentageDeLaBase,
            });
        }
        let other_splits = if offers_pct {
            cus_core::convention::splits(&other)
                .into_iter()
                .filter(|s| !splits.contains(s))
                .collect()
        } else {
            Vec::new()
        };
        let other_periods = if ind.hors_reglement {
            None
        } else {
            Some(
                ind.period_choices
                    .iter()
                    .flat_map(|c| c.periods.periods())
                    .filter(|p| !periods.contains(p))
                    .collect(),
            )
        };
        Known {
            splits,
            periods,
            other_splits,
            other_periods,
        }
    }
}

impl CellChecker<'_> {
    /// What is wrong with the key of an achievement (`indicateur|territoire|répartition|aN`) or,
    /// with `justification`, of a justification (`indicateur|territoire|répartition`): the key
    /// must parse and name an indicator of the catalogue and one of its splits. Years are
    /// checked by the evaluation rules (`cus_core::evaluation::check`), not refused here.
    pub(crate) fn achievement_problem(
        &self,
        key: &str,
        justification: bool,
    ) -> Option<(&'static str, String)> {
        // A justification belongs to a commitment line (a year or a window); files of earlier
        // versions keyed it by row and split only, for every period of the row.
        let full = if justification && cus_core::convention::is_row_justification_key(key) {
            format!("{key}|a1")
        } else {
            key.to_string()
        };
        let what = if justification {
            "indicateur|territoire|répartition|année ou cumul (par exemple PP-1|departement:59|PLAI|c3)"
        } else {
            "indicateur|territoire|répartition|année (par exemple PP-1|departement:59|PLAI|a2)"
        };
        let Some(cell) = Cell::parse_key(&full).filter(|c| c.key() == full) else {
            return Some((
                codes::CELL_KEY,
                format!("la clé « {key} » n'est pas de la forme {what}."),
            ));
        };
        match self.problem(&cell) {
            Some((code, msg)) if code != codes::PERIOD => Some((code, msg)),
            _ => None,
        }
    }
}

/// The line (1-based) of a byte offset of a text.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

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

/// The note of a checksum that does not match.
pub(crate) fn checksum_note(p: &Problems, what: &str) -> Diagnostic {
    Diagnostic::warning(
        codes::CHECKSUM,
        format!(
            "L'empreinte du fichier {what} ne correspond pas à ses valeurs : il a été modifié (ou \
             tronqué) après l'export. L'import a réussi ; vérifiez les valeurs avant l'export \
             final."
        ),
        p.at(),
    )
}

/// Check the `format` field: a version we read (the current one or an earlier one), or a clear
/// refusal.
pub(crate) fn check_format(format: &str, p: &Problems) -> Option<Diagnostic> {
    if crate::is_readable_format(format) {
        return None;
    }
    let ours = FORMAT_VERSION.split('/').next().unwrap_or_default();
    let mut loc = p.at();
    loc.path = Some("format".into());
    let msg = match format.split_once('/') {
        Some((name, version)) if name == ours => format!(
            "Le fichier est au format « {format} » (version {version}) ; cette version de \
             l'application lit le format « {FORMAT_VERSION} » et les précédents. Mettez \
             l'application à jour, ou \
             demandez un export dans l'ancien format."
        ),
        _ => format!(
            "Le champ « format » vaut « {format} » : ce n'est pas un fichier de CUS indicateurs \
             (attendu « {FORMAT_VERSION} »)."
        ),
    };
    Some(Diagnostic::error(codes::FORMAT_VERSION, msg, loc))
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
