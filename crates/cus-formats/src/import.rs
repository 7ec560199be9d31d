//! What the import of the text formats (JSON, CSV) shares, and the workbooks borrow: the
//! stable codes of the import diagnostics ([`codes`]), the collector of problems
//! ([`Problems`]), the check of a cell against the catalogue ([`CellChecker`]), and the checks
//! of the file-level fields (format, checksum, complementary indicators, bases).

use std::collections::{BTreeSet, HashMap};

use cus_core::catalogue::{Catalogue, Indicator, Part, PartShare, Period, UnitForm, PARC_TOTAL};
use cus_core::convention::{period_key, splits, Cell, Convention, SplitKey, PERCENT_PART};
use cus_core::diagnostic::{Diagnostic, Location};

use crate::FORMAT_VERSION;

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
