//! The workbook layout shared by ODS and XLSX (`docs/FORMAT.md`, « Classeurs ODS et XLSX »).
//!
//! [`layout`] turns a convention into sheets of typed cells (numbers stay numbers, texts are
//! neutralised against formula injection); `ods.rs` and `xlsx.rs` only render them. On the way
//! back both formats are read with calamine into ranges, and [`read`] rebuilds the convention
//! from them, reporting every problem with its sheet, line and column, or nothing at all.
//!
//! Layout:
//! - « Couverture »: a title and the brouillon / final mark, then label (column A) / value
//!   (column B) rows, then five tables, each introduced by a heading row whose column B holds its
//!   number of rows: acknowledged warnings, segments, dwellings owned, the bases given once
//!   (format 3), and the technical rows (kind of organism, sheet of each indicator, units,
//!   periodicities and part units chosen, segmentation).
//! - one sheet per indicator used, laid out on the catalogue as the convention applies it
//!   (`Convention::view`): title, unit and official wording, period header, split header (a part
//!   stated as a percentage says so), then the machine row (indicator code in A, `split|period`
//!   key of each column), then one row per territory (key in A, label in B, values from C).
//! - « Hors règlement » (format 3), when the organism added indicators: after the decree's, the
//!   definition of each, read back; their own sheets follow it, their titles marked « hors
//!   règlement ».
//! - « Autres valeurs », when needed: values whose key is not a cell of the grids (and empty or
//!   very long texts), one per row.
//!
//! Printing ([`print_setup`]): A4 landscape, each sheet fitted to one page wide (or to as many
//! pages wide as keep it at half size or more), frozen rows and columns repeated on every page,
//! the cover on one page, a footer with the organism ([`footer_organism`]), the sheet name and
//! the page number. Rows 1 and 2 are merged over the first page and wrapped, texts wrap in their
//! cells, and rows of wrapped text get an estimated height.
//!
//! Files of this module:
//! - `codec.rs`: the text of a cell (the `_xHHHH_` escapes, pieces of long texts), column
//!   letters, the timestamps of the files;
//! - `layout.rs` (and `layout/evaluation.rs`, the evaluation sheets): the sheets of a
//!   convention;
//! - `print.rs`: the print set-up and the footer;
//! - `reader.rs` (and `reader/sheets.rs`, the sheets after the cover): the import;
//! - `guard.rs`: the checks of the zip and of the XML of the sheets before calamine reads them.

mod codec;
mod guard;
mod layout;
mod print;
mod reader;

pub(crate) use codec::{
    chunks_within, column_letters, decode_text, encode_text, parse_iso_datetime,
};
pub(crate) use guard::{precheck, unreadable_workbook};
pub(crate) use layout::layout;
pub(crate) use print::{
    column_mm, footer_organism, wrapped_lines, MAX_ROW_HEIGHT, MIN_PRINT_SCALE, PAGE_MM,
};
pub(crate) use reader::{read, SheetIn};

use std::collections::HashSet;

use crate::neutralise;

/// Sheet names: at most 31 characters, none of `[]:*?/\`, not starting or ending with an
/// apostrophe, unique whatever the case (rules of both Excel and LibreOffice); a name taken
/// again gets `~2`, `~3`… The same rule for the convention's and the consolidation's workbooks.
#[derive(Default)]
pub(crate) struct SheetNames(HashSet<String>);

impl SheetNames {
    pub(crate) fn take(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim_matches('\'').trim();
        let base: String = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            "Indicateur".to_string()
        } else {
            clean.chars().take(31).collect()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.0.contains(&name.to_lowercase()) {
            let suffix = format!("~{n}");
            let keep = 31 - suffix.chars().count();
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            n += 1;
        }
        self.0.insert(name.to_lowercase());
        name
    }
}

/// Name of the cover sheet.
pub(crate) const COVER: &str = "Couverture";
/// Name of the sheet of values outside the grids.
pub(crate) const OTHERS: &str = "Autres valeurs";
/// Mark of a brouillon, on the cover and in the title of every sheet.
pub(crate) const DRAFT_MARK: &str = "BROUILLON — ne pas transmettre";
/// Mark of a final export, on the cover.
pub(crate) const FINAL_MARK: &str =
    "EXPORT FINAL — fichier à transmettre au représentant de l'État";
/// Column B of the machine row of an indicator sheet.
pub(crate) const MACHINE_MARK: &str = "clés techniques — ne pas modifier";
/// Heading of the key column of « Autres valeurs ».
const OTHERS_HEADER: &str = "Clé de la cellule";
/// Rows above the data of an indicator sheet (frozen).
pub(crate) const INDICATOR_HEADER_ROWS: u32 = 5;
/// Longest text in one cell, in UTF-16 units once encoded (the XLSX limit).
pub(crate) const MAX_CELL_TEXT: usize = 32_767;
/// Width (characters) of a column of a text item in an indicator sheet.
const TEXT_COLUMN_WIDTH: f64 = 80.0;
/// Problems reported by one import, at most (then one line says how many more).
const MAX_PROBLEMS: usize = 100;

// Labels of the cover (column A). The import reads the values by these labels.
const L_FORMAT: &str = "Format du fichier";
const L_NATURE: &str = "Nature de l'export";
const L_NAME: &str = "Nom du brouillon";
const L_RAISON: &str = "Raison sociale de l'organisme";
const L_SIREN: &str = "SIREN";
const L_KIND: &str = "Catégorie d'organisme";
const L_SIEGE: &str = "Département du siège";
const L_GENERATION: &str = "Génération de CUS";
const L_CUS_KIND: &str = "Nature de la CUS";
const L_CAT_ID: &str = "Catalogue des indicateurs";
const L_CAT_VERSION: &str = "Version du catalogue";
const L_CAT_TITLE: &str = "Intitulé du catalogue";
const L_SIGNING: &str = "Année de signature";
const L_PERIOD: &str = "Période des engagements";
const L_VINTAGE: &str = "Millésime du découpage territorial";
const L_DEPS: &str = "Départements";
const L_EPCI: &str = "EPCI / EPT (SIREN)";
const L_EXPORTED: &str = "Date d'export";
const L_CHECKSUM: &str = "Empreinte des valeurs (SHA-256)";
const L_SIGNATURE: &str = "Signature des engagements";
const L_EVALUATION: &str = "Évaluation préparée";

/// Labels the import needs (the others are for people).
const REQUIRED: [&str; 13] = [
    L_FORMAT,
    L_NATURE,
    L_NAME,
    L_RAISON,
    L_SIREN,
    L_SIEGE,
    L_CAT_ID,
    L_CAT_VERSION,
    L_SIGNING,
    L_VINTAGE,
    L_DEPS,
    L_EPCI,
    L_CHECKSUM,
];

// Tables of the cover: heading in column A, number of rows in column B.
const T_ACK: &str = "Avertissements pris en compte";
const T_SEGMENTS: &str = "Segments de patrimoine";
const T_STOCK: &str = "Logements détenus";
const T_TECH: &str = "Données techniques — ne pas modifier";
/// Format 3: the stocks given once (at 31 December of the year before signing), per base and
/// territory.
const T_BASES: &str = "Bases (stocks de référence)";
const TABLES: [&str; 5] = [T_ACK, T_SEGMENTS, T_STOCK, T_BASES, T_TECH];

// Technical rows (column A of the technical table).
const TECH_KIND: &str = "categorie-organisme";
const TECH_SHEET: &str = "feuille";
const TECH_OTHERS: &str = "autres-valeurs";
const TECH_SEGMENTATION: &str = "segmentation";
const TECH_UNIT: &str = "unite";
/// Format 3: the periodicity chosen (`periodicite` | code | id of a `period_choices`).
const TECH_PERIODICITY: &str = "periodicite";
/// Format 3: how the « dont » parts are stated (`unite-parts` | code | `%`).
const TECH_PART_UNIT: &str = "unite-parts";
const EXPLICIT_ROWS: &str = "lignes-explicites";
/// The sheet of the evaluation of an indicator (recomputed on export, not read back).
const TECH_EVAL_SHEET: &str = "feuille-evaluation";
/// The sheet of the signature, versions and achievements (read back).
const TECH_EVAL_DATA: &str = "donnees-evaluation";

/// The sheet of the indicators the organism added (read back).
const TECH_COMPLEMENTARY: &str = "indicateurs-complementaires";

/// Name of the sheet of the indicators the organism added (format 3).
pub(crate) const COMPLEMENTARY: &str = "Hors règlement";
/// Title of [`COMPLEMENTARY`].
const COMPLEMENTARY_TITLE: &str = "Indicateurs complémentaires (hors règlement)";
/// Heading of the code column of [`COMPLEMENTARY`].
const COMPLEMENTARY_HEADER: &str = "Code";

/// Name of the sheet of the signature, the versions replaced and the achievements.
pub(crate) const EVAL_DATA: &str = "Signature et réalisations";

/// The organism-level table, calculated from the territorial detail (never read back).
pub(crate) const ORGANISM: &str = "Niveau organisme";
/// Heading of the rubrique column of [`EVAL_DATA`].
const EVAL_DATA_HEADER: &str = "Rubrique";
// Rubriques of [`EVAL_DATA`] (column A).
const D_SIGNATURE: &str = "signature";
const D_VERSION: &str = "version";
const D_VERSION_VALUE: &str = "version-valeur";
const D_EVALUATION: &str = "evaluation";
const D_ACHIEVED: &str = "realise";
const D_TERMS: &str = "termes";
const D_JUSTIFICATION: &str = "justification";

/// How a cell looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    Plain,
    /// Sheet title: bold, larger.
    Title,
    /// The brouillon mark: bold, red.
    Draft,
    /// Column headers: bold, grey background, wrapped.
    Header,
    /// Machine keys: small grey font.
    Key,
    /// Labels of the cover: bold, at the top of their row.
    Label,
    /// Explanation under a sheet title: wrapped over the width of the printed page.
    Note,
    /// Text values (cover, grids, other values): wrapped in their column, at the top of their row.
    Value,
    /// Computed figures shown with one decimal (rates, and the figures of a percentage, in the
    /// evaluation sheets); the cell keeps the whole number.
    OneDecimal,
}

impl Style {
    pub(crate) const ALL: [Style; 9] = [
        Style::Plain,
        Style::Title,
        Style::Draft,
        Style::Header,
        Style::Key,
        Style::Label,
        Style::Note,
        Style::Value,
        Style::OneDecimal,
    ];
}

/// What a cell holds. Texts are already neutralised (not yet encoded for XML).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Content {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Out {
    pub content: Content,
    pub style: Style,
}

/// One sheet to write.
#[derive(Clone, Debug)]
pub(crate) struct SheetOut {
    pub name: String,
    pub rows: Vec<Vec<Out>>,
    /// Width of each column, in characters.
    pub widths: Vec<f64>,
    /// Rows frozen at the top (also repeated at the top of every printed page).
    pub frozen_rows: u32,
    /// Columns frozen on the left (also repeated at the left of every printed page).
    pub frozen_cols: u32,
    /// Printed pages: the sheet is scaled to fit this many pages wide…
    pub pages_wide: u32,
    /// …and this many pages tall (0: as many as its rows need).
    pub pages_tall: u32,
    /// Rows whose cell A is merged with the next cells of the row: (row, number of columns).
    /// The title and the line under it, wrapped over the width of the first printed page.
    pub spans: Vec<(u32, u32)>,
    /// Heights in points of the rows holding a text wrapped on several lines, in row order
    /// (the others keep the default height). Estimated here (neither LibreOffice, for XLSX,
    /// nor Excel, for merged cells, fits a row to its wrapped text when opening a file).
    pub heights: Vec<(u32, f64)>,
}

fn text(s: &str, style: Style) -> Out {
    Out {
        content: if s.is_empty() {
            Content::Empty
        } else {
            Content::Text(neutralise(s))
        },
        style,
    }
}

fn number(n: f64) -> Out {
    Out {
        content: Content::Number(n),
        style: Style::Plain,
    }
}

fn empty() -> Out {
    Out {
        content: Content::Empty,
        style: Style::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unneutralise;

    #[test]
    fn neutralisation_is_reversible_even_after_apostrophes() {
        for t in [
            "=1", "'=1", "''=x", "'", "'a", "a", "", "-", "'-2", "@", "'\t",
        ] {
            let n = neutralise(t);
            assert!(!n.starts_with(['=', '+', '-', '@', '\t', '\r']), "{t:?}");
            assert_eq!(unneutralise(&n), t, "{t:?} → {n:?}");
        }
        assert_eq!(neutralise("=1"), crate::neutralise("=1"));
        assert_eq!(neutralise("'=1"), "''=1");
    }
}
