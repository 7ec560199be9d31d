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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use calamine::{Data, Range};
use cus_core::catalogue::{Catalogue, Indicator, Level, PartShare, ValueKind};
use cus_core::convention::{
    base_label, parse_period_key, part_share, Cell as GridCell, Complementary, Convention,
    GridShape, IndicatorSegmentation, Segment, SplitKey, TerritoryKey, Value,
};
use cus_core::diagnostic::{Diagnostic, Location, Severity};
use cus_core::organisme::OrganismeKind;

use crate::choices::{
    enum_word, parse_enum_word, parse_kind, parse_level_word, parse_measure, parse_periods_words,
    periods_words,
};
use crate::technical;
use crate::{
    checksum, neutralise, resolve_catalogue, unneutralise, ExportInput, Format, Imported, Mode,
    FORMAT_VERSION,
};

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

/// A text encoded for a workbook cell: characters XML 1.0 cannot hold (control characters,
/// carriage return, U+FFFE, U+FFFF) as `_xHHHH_`, and a literal `_xHHHH_` protected as
/// `_x005F_xHHHH_`, the convention of OOXML (ECMA-376, ST_Xstring), used in both formats.
pub(crate) fn encode_text(s: &str) -> Cow<'_, str> {
    let needs = |i: usize, c: char| {
        matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
            || (c == '_' && is_escape_at(s, i))
    };
    if !s.char_indices().any(|(i, c)| needs(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        if needs(i, c) {
            out.push_str(&format!("_x{:04X}_", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Is there an `_xHHHH_` escape at byte `i` of `s`?
fn is_escape_at(s: &str, i: usize) -> bool {
    escape_unit(s, i).is_some()
}

fn escape_unit(s: &str, i: usize) -> Option<u16> {
    let b = s.as_bytes().get(i..i + 7)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

/// Inverse of [`encode_text`] (calamine leaves the escapes in the texts it reads).
pub(crate) fn decode_text(s: &str) -> Cow<'_, str> {
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match escape_unit(s, i) {
            Some(unit) => {
                let mut next = i + 7;
                let c = match unit {
                    0xD800..=0xDBFF => match escape_unit(s, next) {
                        Some(low @ 0xDC00..=0xDFFF) => {
                            next += 7;
                            char::from_u32(
                                0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00),
                            )
                        }
                        _ => None,
                    },
                    _ => char::from_u32(u32::from(unit)),
                };
                out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                i = next;
            }
            None => {
                // `i` is on a char boundary: escapes are ASCII and we advance by whole chars.
                let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    Cow::Owned(out)
}

/// Length of a text once neutralised and encoded, in UTF-16 units (what the XLSX limit counts).
fn encoded_len(s: &str) -> usize {
    encode_text(&neutralise(s)).encode_utf16().count()
}

/// Split a long text into pieces that each fit in a cell once neutralised and encoded.
fn chunks(s: &str) -> Vec<&str> {
    let limit = MAX_CELL_TEXT - 1;
    let mut out = Vec::new();
    let mut start = 0;
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let w = if matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' | '_')
        {
            7
        } else {
            c.len_utf16()
        };
        if len + w > limit && i > start {
            out.push(&s[start..i]);
            start = i;
            len = 0;
        }
        len += w;
    }
    out.push(&s[start..]);
    out
}

/// Column letters of a 0-based column index (`0` → `A`, `27` → `AB`).
pub(crate) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`, not starting or ending with an
/// apostrophe, unique whatever the case (rules of both Excel and LibreOffice).
struct SheetNames(HashSet<String>);

impl SheetNames {
    fn take(&mut self, wanted: &str) -> String {
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

/// The sheets of a convention, cover first.
pub(crate) fn layout(input: &ExportInput) -> Vec<SheetOut> {
    let conv = input.convention;
    let mut names = SheetNames(HashSet::new());
    names.take(COVER);
    names.take(OTHERS);
    names.take(EVAL_DATA);
    names.take(COMPLEMENTARY);
    names.take(ORGANISM);
    let mut sheets = Vec::new();
    let mut listed = Vec::new();
    let mut placed: HashSet<&str> = HashSet::new();
    let evaluation = Evaluation::new(input);
    let mut eval_listed = Vec::new();
    // The decree's indicators, then, apart, the indicators the organism added: the sheet that
    // defines them, then the sheet of each (the view lists them last).
    let decree = input
        .catalogue
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && !i.hors_reglement);
    let added = input
        .catalogue
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && i.hors_reglement);
    let has_complementary = !conv.complementary.is_empty();
    let mut complementary_at = None;
    for ind in decree.chain(added) {
        if ind.hors_reglement && complementary_at.is_none() {
            complementary_at = Some(sheets.len());
        }
        let name = names.take(&ind.code);
        sheets.push(indicator_sheet(input, ind, &name, &mut placed));
        listed.push((name, ind.code.clone()));
        if let Some(sheet) = evaluation
            .as_ref()
            .and_then(|e| evaluation_sheet(input, e, ind, &mut names))
        {
            eval_listed.push((sheet.name.clone(), ind.code.clone()));
            sheets.push(sheet);
        }
    }
    let has_eval_data =
        conv.signature.is_some() || !conv.versions.is_empty() || !conv.achievements.is_empty();
    let others: Vec<(&String, &Value)> = conv
        .values
        .iter()
        .filter(|(k, _)| !placed.contains(k.as_str()))
        .collect();
    let others_sheet = (!others.is_empty()).then(|| others_sheet(input, &others));
    if has_complementary {
        let at = complementary_at.unwrap_or(sheets.len());
        sheets.insert(at, complementary_sheet(input, &listed));
    }
    let mut out = vec![cover(
        input,
        &listed,
        others_sheet.is_some(),
        &eval_listed,
        has_eval_data,
    )];
    out.extend(sheets);
    out.extend(organism_sheet(input));
    out.extend(others_sheet);
    if has_eval_data {
        out.push(eval_data_sheet(input));
    }
    for sheet in &mut out {
        print_setup(sheet);
    }
    out
}

/// Usable width of a printed page, in millimetres: A4 landscape less 10 mm margins.
const PAGE_MM: f64 = 277.0;
/// Smallest scale a sheet is printed at to fit one page wide (10-point text printed at 5
/// points): a wider sheet spreads over several pages wide, its row labels repeated on each.
const MIN_PRINT_SCALE: f64 = 0.5;
/// A cover of at most this many rows is printed on one page (at about 70 % for 60 rows); a
/// longer one (many segments or territories) over as many pages as it needs, one page wide.
const COVER_ROWS_ONE_PAGE: usize = 60;
/// Highest row, in points (Excel's limit): a longer text is cut on paper, never in the cell.
const MAX_ROW_HEIGHT: f64 = 409.5;
/// Rows at the top of every sheet merged over the first printed page: title, then the mark of
/// the nature of the export (cover) or the explanation line (other sheets).
const BANNER_ROWS: u32 = 2;

/// Column width in millimetres for a width in characters (about 2 mm per character of the
/// default 10-point font, plus the margins): the ODS column widths, and the estimate of the
/// printed width of both workbooks.
pub(crate) fn column_mm(chars: f64) -> u32 {
    (chars * 2.0 + 3.0).round().clamp(10.0, 200.0) as u32
}

/// How a sheet prints: pages wide (one when the sheet fits at [`MIN_PRINT_SCALE`], else as many
/// as keep that scale) and the merge of its banner rows over the first page.
fn print_setup(sheet: &mut SheetOut) {
    let mm: Vec<f64> = sheet
        .widths
        .iter()
        .map(|w| f64::from(column_mm(*w)))
        .collect();
    let total: f64 = mm.iter().sum();
    let repeated: f64 = mm.iter().take(sheet.frozen_cols as usize).sum();
    let room = PAGE_MM / MIN_PRINT_SCALE;
    sheet.pages_wide = if total <= room || sheet.frozen_cols as usize >= mm.len() {
        1
    } else {
        ((total - repeated) / (room - repeated)).ceil().max(1.0) as u32
    };
    // The sheet width each page shows, repeated columns included.
    let page = if sheet.pages_wide == 1 {
        total
    } else {
        repeated + (total - repeated) / f64::from(sheet.pages_wide)
    };
    let mut span = 0u32;
    let mut width = 0.0;
    for w in &mm {
        width += w;
        if width > page + 0.5 {
            break;
        }
        span += 1;
    }
    sheet.spans = (0..BANNER_ROWS)
        .filter(|&r| {
            matches!(
                sheet.rows.get(r as usize).map(Vec::as_slice),
                Some([Out {
                    content: Content::Text(_),
                    ..
                }])
            )
        })
        .filter(|_| span >= 2)
        .map(|r| (r, span))
        .collect();
    sheet.heights = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        let spanned = sheet.spans.iter().find(|(sr, _)| *sr == r).map(|(_, n)| *n);
        let mut height: Option<f64> = None;
        for (c, cell) in row.iter().enumerate() {
            let Content::Text(t) = &cell.content else {
                continue;
            };
            let Some((size, bold)) = wrapped_font(cell.style) else {
                continue;
            };
            let width = match spanned {
                Some(n) if c == 0 => sheet.widths.iter().take(n as usize).sum(),
                _ => sheet.widths.get(c).copied().unwrap_or(10.0),
            };
            let lines = wrapped_lines(
                &encode_text(t),
                width * 10.0 / size * if bold { 0.9 } else { 1.0 },
            );
            if lines > 1 || (spanned.is_some() && c == 0) {
                let h = (f64::from(lines) * size * 1.3 + 2.0).min(MAX_ROW_HEIGHT);
                height = Some(height.map_or(h, |x: f64| x.max(h)));
            }
        }
        if let Some(h) = height {
            sheet.heights.push((r, h));
        }
    }
}

/// Font size (points) and boldness of a style whose texts wrap; `None` for one-line styles.
fn wrapped_font(style: Style) -> Option<(f64, bool)> {
    match style {
        Style::Title => Some((14.0, true)),
        Style::Draft => Some((12.0, true)),
        Style::Header => Some((10.0, true)),
        Style::Note | Style::Value => Some((10.0, false)),
        Style::Plain | Style::Key | Style::Label | Style::OneDecimal => None,
    }
}

/// Lines a text takes wrapped at word boundaries in `capacity` characters (of the default
/// font's width; a word longer than a line is cut), at least one.
pub(crate) fn wrapped_lines(text: &str, capacity: f64) -> u32 {
    let capacity = capacity.max(1.0);
    let mut lines = 0u32;
    for paragraph in text.split('\n') {
        lines += 1;
        let mut used = 0.0;
        for word in paragraph.split(' ') {
            let len = word.chars().count() as f64;
            if used > 0.0 && used + 1.0 + len <= capacity {
                used += 1.0 + len;
                continue;
            }
            if used > 0.0 {
                lines += 1;
            }
            // A word longer than a line takes whole lines of its own.
            let extra = ((len / capacity).ceil() - 1.0).max(0.0);
            lines += extra as u32;
            used = len - extra * capacity;
        }
    }
    lines.max(1)
}

fn title_style(mode: Mode) -> Style {
    match mode {
        Mode::Brouillon => Style::Draft,
        Mode::Final => Style::Title,
    }
}

fn with_mark(title: String, mode: Mode) -> String {
    match mode {
        Mode::Brouillon => format!("{title} — {DRAFT_MARK}"),
        Mode::Final => title,
    }
}

fn cover(
    input: &ExportInput,
    listed: &[(String, String)],
    has_others: bool,
    eval_listed: &[(String, String)],
    has_eval_data: bool,
) -> SheetOut {
    let conv = input.convention;
    let cat = input.catalogue;
    let mut rows: Vec<Vec<Out>> = vec![
        vec![text(
            "Convention d'utilité sociale — engagements chiffrés (arrêté du 19 octobre 2017)",
            Style::Title,
        )],
        vec![match input.mode {
            Mode::Brouillon => text(DRAFT_MARK, Style::Draft),
            Mode::Final => text(FINAL_MARK, Style::Title),
        }],
        vec![],
    ];
    let mut pair = |label: &str, value: Out| {
        let value = match value.style {
            Style::Plain => Out {
                style: Style::Value,
                ..value
            },
            _ => value,
        };
        rows.push(vec![text(label, Style::Label), value]);
    };
    let opt_number = |n: Option<f64>| n.map(number).unwrap_or_else(empty);
    pair(L_FORMAT, text(FORMAT_VERSION, Style::Plain));
    pair(L_NATURE, text(input.mode.as_str(), Style::Plain));
    pair(L_NAME, text(&conv.name, Style::Plain));
    pair(L_RAISON, text(&conv.organisme.raison_sociale, Style::Plain));
    pair(L_SIREN, text(&conv.organisme.siren, Style::Plain));
    pair(
        L_KIND,
        text(
            conv.organisme.kind.map(|k| k.label_fr()).unwrap_or(""),
            Style::Plain,
        ),
    );
    pair(
        L_SIEGE,
        text(
            conv.organisme.siege_departement.as_deref().unwrap_or(""),
            Style::Plain,
        ),
    );
    pair(L_GENERATION, text(cat.generation.label_fr(), Style::Plain));
    pair(L_CUS_KIND, text(cat.kind.label_fr(), Style::Plain));
    pair(L_CAT_ID, text(&conv.catalogue.id, Style::Plain));
    pair(L_CAT_VERSION, text(&conv.catalogue.version, Style::Plain));
    pair(L_CAT_TITLE, text(&cat.title, Style::Plain));
    pair(L_SIGNING, opt_number(conv.signing_year.map(f64::from)));
    pair(
        L_PERIOD,
        text(
            &conv
                .signing_year
                .map(|y| format!("{y}–{}", i64::from(y) + 5))
                .unwrap_or_default(),
            Style::Plain,
        ),
    );
    pair(L_VINTAGE, opt_number(conv.geo_vintage.map(f64::from)));
    pair(L_DEPS, text(&conv.departements.join(", "), Style::Plain));
    pair(L_EPCI, text(&conv.epci.join(", "), Style::Plain));
    pair(L_EXPORTED, text(input.exported_at, Style::Plain));
    pair(L_CHECKSUM, text(&checksum(conv), Style::Plain));
    // For people only (read back from the sheet « Signature et réalisations »).
    if let Some(sig) = &conv.signature {
        pair(L_SIGNATURE, text(&sig.signed_fr(), Style::Plain));
    }
    if !conv.achievements.evaluation.is_empty() {
        let label = cat
            .evaluations
            .iter()
            .find(|e| e.id == conv.achievements.evaluation)
            .map(|e| e.label_for(conv.signing_year))
            .unwrap_or_else(|| conv.achievements.evaluation.clone());
        pair(L_EVALUATION, text(&label, Style::Plain));
    }

    let table = |rows: &mut Vec<Vec<Out>>, heading: &str, headers: &[&str], body: Vec<Vec<Out>>| {
        rows.push(vec![]);
        rows.push(vec![text(heading, Style::Label), number(body.len() as f64)]);
        rows.push(headers.iter().map(|h| text(h, Style::Header)).collect());
        rows.extend(body);
    };
    table(
        &mut rows,
        T_ACK,
        &["Identifiant de l'avertissement", "Commentaire"],
        conv.acknowledged
            .iter()
            .map(|(id, comment)| vec![text(id, Style::Plain), text(comment, Style::Plain)])
            .collect(),
    );
    table(
        &mut rows,
        T_SEGMENTS,
        &["Identifiant", "Nom", "Département", "En ZUS", "Catégorie"],
        conv.segments
            .iter()
            .map(|s| {
                vec![
                    text(&s.id, Style::Plain),
                    text(&s.name, Style::Plain),
                    text(&s.departement, Style::Plain),
                    text(if s.zus { "oui" } else { "non" }, Style::Plain),
                    text(s.category.as_deref().unwrap_or(""), Style::Plain),
                ]
            })
            .collect(),
    );
    table(
        &mut rows,
        T_STOCK,
        &["Territoire (clé)", "Logements", "Territoire"],
        conv.stock
            .iter()
            .map(|(k, n)| {
                let label = k
                    .parse::<TerritoryKey>()
                    .map(|t| conv.territory_label(&t, input.geo))
                    .unwrap_or_default();
                vec![
                    text(k, Style::Plain),
                    number(*n),
                    text(&label, Style::Plain),
                ]
            })
            .collect(),
    );
    table(
        &mut rows,
        T_BASES,
        &[
            "Base",
            "Territoire (clé)",
            "Stock au 31 décembre précédant la signature",
            "Libellé de la base",
            "Territoire",
        ],
        conv.bases
            .iter()
            .flat_map(|(base, by_territory)| by_territory.iter().map(move |(k, n)| (base, k, n)))
            .map(|(base, k, n)| {
                let label = k
                    .parse::<TerritoryKey>()
                    .map(|t| conv.territory_label(&t, input.geo))
                    .unwrap_or_default();
                vec![
                    text(base, Style::Plain),
                    text(k, Style::Plain),
                    number(*n),
                    text(&base_label(cat, base), Style::Plain),
                    text(&label, Style::Plain),
                ]
            })
            .collect(),
    );
    let mut tech = Vec::new();
    if let Some(kind) = conv.organisme.kind {
        tech.push(vec![
            text(TECH_KIND, Style::Key),
            text(&enum_word(&kind), Style::Key),
        ]);
    }
    for (sheet, code) in listed {
        tech.push(vec![
            text(TECH_SHEET, Style::Key),
            text(sheet, Style::Key),
            text(code, Style::Key),
        ]);
    }
    for (sheet, code) in eval_listed {
        tech.push(vec![
            text(TECH_EVAL_SHEET, Style::Key),
            text(sheet, Style::Key),
            text(code, Style::Key),
        ]);
    }
    if has_others {
        tech.push(vec![
            text(TECH_OTHERS, Style::Key),
            text(OTHERS, Style::Key),
        ]);
    }
    if has_eval_data {
        tech.push(vec![
            text(TECH_EVAL_DATA, Style::Key),
            text(EVAL_DATA, Style::Key),
        ]);
    }
    if !conv.complementary.is_empty() {
        tech.push(vec![
            text(TECH_COMPLEMENTARY, Style::Key),
            text(COMPLEMENTARY, Style::Key),
        ]);
    }
    // The choices per indicator: one row each, (rubrique, indicator, choice).
    for (rubrique, choices) in [
        (TECH_UNIT, &conv.units),
        (TECH_PERIODICITY, &conv.periodicity),
        (TECH_PART_UNIT, &conv.part_units),
    ] {
        for (code, choice) in choices {
            tech.push(vec![
                text(rubrique, Style::Key),
                text(code, Style::Key),
                text(choice, Style::Key),
            ]);
        }
    }
    for (code, seg) in &conv.segmentation {
        let levels: Vec<String> = seg.levels.iter().map(enum_word).collect();
        tech.push(vec![
            text(TECH_SEGMENTATION, Style::Key),
            text(code, Style::Key),
            text(&levels.join(","), Style::Key),
            text(
                if seg.rows.is_some() {
                    EXPLICIT_ROWS
                } else {
                    ""
                },
                Style::Key,
            ),
        ]);
    }
    table(
        &mut rows,
        T_TECH,
        &["Rubrique", "Valeur", "Précision", "Précision"],
        tech,
    );
    let pages_tall = u32::from(rows.len() <= COVER_ROWS_ONE_PAGE);
    SheetOut {
        name: COVER.to_string(),
        rows,
        // Column B holds the 64 digits of the checksum on one line.
        widths: vec![38.0, 66.0, 28.0, 20.0, 16.0],
        frozen_rows: 0,
        frozen_cols: 0,
        pages_wide: 1,
        pages_tall,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// Longest organism name in the printed footer, in characters (an XLSX footer holds 255).
const FOOTER_ORGANISM_MAX: usize = 100;

/// The organism named at the left of the footer of every printed page: its raison sociale, else
/// « SIREN … », else « Organisme non renseigné ». Control characters become spaces, and a name
/// longer than 100 characters is cut there with « … ».
pub(crate) fn footer_organism(conv: &Convention) -> String {
    let o = &conv.organisme;
    let name = if !o.raison_sociale.trim().is_empty() {
        o.raison_sociale.trim().to_string()
    } else if !o.siren.trim().is_empty() {
        format!("SIREN {}", o.siren.trim())
    } else {
        "Organisme non renseigné".to_string()
    };
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    if clean.chars().count() > FOOTER_ORGANISM_MAX {
        let cut: String = clean.chars().take(FOOTER_ORGANISM_MAX - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        clean
    }
}

/// Is this value written in the grid (else in « Autres valeurs »)?
fn fits_in_grid(v: &Value) -> bool {
    match v {
        Value::Text(t) => !t.is_empty() && encoded_len(t) <= MAX_CELL_TEXT,
        _ => true,
    }
}

/// The value cells of a keyed item (read back by `Reader::item_value`): a text in chunks over
/// the next columns, nothing for an empty text, or one value.
fn push_item_value(row: &mut Vec<Out>, v: &Value) {
    match v {
        Value::Text(t) if t.is_empty() => {}
        Value::Text(t) => row.extend(chunks(t).into_iter().map(|c| Out {
            content: Content::Text(neutralise(c)),
            style: Style::Value,
        })),
        v => row.push(value_out(v)),
    }
}

fn value_out(v: &Value) -> Out {
    match v {
        Value::Number(n) => number(*n),
        Value::Bool(b) => Out {
            content: Content::Bool(*b),
            style: Style::Plain,
        },
        // A text wraps in its cell: overflowing to the right, it would widen the printed area.
        Value::Text(t) => Out {
            content: Content::Text(neutralise(t)),
            style: Style::Value,
        },
    }
}

/// The label of a split in a column header (« PLAI — dont hors QPV »), with « (% du total) »
/// for a « dont » part the convention states as a percentage of its total, and « % » shown for
/// every part stated as a percentage: a percentage never reads as a count.
pub(crate) fn split_label(ind: &Indicator, split: &SplitKey) -> String {
    let label = split.label_fr(ind);
    match part_share(ind, split) {
        PartShare::Nombre => label,
        // (`SplitKey::label_fr` already says « (% du total) ».)
        PartShare::PourcentageDuTotal => label,
        PartShare::PourcentageDeLaBase if label.contains('%') => label,
        PartShare::PourcentageDeLaBase => format!("{label} (%)"),
    }
}

/// Mark of the title of an indicator the organism added.
const HORS_REGLEMENT: &str = "hors règlement";

fn indicator_sheet<'a>(
    input: &ExportInput<'a>,
    ind: &Indicator,
    name: &str,
    placed: &mut HashSet<&'a str>,
) -> SheetOut {
    let conv: &'a Convention = input.convention;
    let shape = GridShape::new(conv, ind, input.geo);
    let columns: Vec<(String, String, String)> = shape
        .columns()
        .map(|(s, p)| {
            (
                ind.period_label_fr(shape.periods[p], conv.signing_year),
                split_label(ind, &shape.splits[s]),
                shape.column_key(s, p),
            )
        })
        .collect();
    let unit = conv.unit_fr(ind);
    let levels: Vec<&str> = conv.levels(ind).iter().map(|l| l.label_fr()).collect();
    let title = if ind.hors_reglement {
        format!(
            "{} — {} ({unit}) — {HORS_REGLEMENT}",
            ind.code, ind.short_label
        )
    } else {
        format!("{} — {} ({unit})", ind.code, ind.short_label)
    };
    let added = if ind.hors_reglement {
        "Indicateur complémentaire ajouté par l'organisme à sa convention (hors règlement) : \
         aucune règle du décret ne s'y applique. "
    } else {
        ""
    };
    let parts = if ind
        .splits
        .parts
        .iter()
        .any(|p| p.share == PartShare::PourcentageDuTotal)
    {
        " Parts « dont » en % de leur total."
    } else {
        ""
    };
    let mut rows = vec![
        vec![text(&with_mark(title, input.mode), title_style(input.mode))],
        vec![text(
            &format!(
                "{added}Unité : {unit} ({}). Maille : {}.{parts} Libellé : {}",
                ind.value.kind_fr(),
                levels.join(" + "),
                ind.label
            ),
            Style::Note,
        )],
    ];
    let mut period_row = vec![
        text("Territoire (clé)", Style::Header),
        text("Territoire", Style::Header),
    ];
    let mut split_row = vec![text("", Style::Header), text("", Style::Header)];
    let mut key_row = vec![text(&ind.code, Style::Key), text(MACHINE_MARK, Style::Key)];
    for (p, s, k) in &columns {
        period_row.push(text(p, Style::Header));
        split_row.push(text(s, Style::Header));
        key_row.push(text(k, Style::Key));
    }
    rows.push(period_row);
    rows.push(split_row);
    rows.push(key_row);
    let mut label_width: f64 = 12.0;
    // Every row of the convention, as listed (explicit rows are read back from these sheets, so
    // a repeated one is written again); the cells are those of the grid shape. A row the shape
    // has no cells for (its key holds a `|`) stays empty: its values go to the other values.
    for territory in conv.rows(ind, input.geo) {
        let label = conv.territory_label(&territory, input.geo);
        label_width = label_width.max(label.chars().count() as f64);
        let key = territory.to_string();
        let r = shape.row_pos.get(&key).copied();
        let mut row = vec![text(&key, Style::Plain), text(&label, Style::Plain)];
        for (s, p) in shape.columns() {
            let stored = r.and_then(|r| conv.values.get_key_value(&shape.key(r, s, p)));
            match stored {
                Some((stored, v)) if fits_in_grid(v) => {
                    placed.insert(stored.as_str());
                    row.push(value_out(v));
                }
                _ => row.push(empty()),
            }
        }
        rows.push(row);
    }
    let mut widths = vec![20.0, label_width.min(45.0) + 2.0];
    widths.extend(columns.iter().map(|(p, s, _)| {
        if ind.value == ValueKind::Texte {
            // A commitment of up to 2 000 characters wraps in its cell: wide enough to be read
            // on a landscape page.
            return TEXT_COLUMN_WIDTH;
        }
        let longest = p.chars().count().max(s.chars().count()) as f64;
        (longest + 2.0).clamp(11.0, 24.0)
    }));
    SheetOut {
        name: name.to_string(),
        rows,
        widths,
        frozen_rows: INDICATOR_HEADER_ROWS,
        frozen_cols: 2,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// The indicators the organism added (« hors règlement »), one per row: their definition, read
/// back (columns A to G), what their periods mean and the sheet of their values (for people).
fn complementary_sheet(input: &ExportInput, listed: &[(String, String)]) -> SheetOut {
    let conv = input.convention;
    let mut rows = vec![
        vec![text(
            &with_mark(COMPLEMENTARY_TITLE.to_string(), input.mode),
            title_style(input.mode),
        )],
        vec![text(
            "Indicateurs ajoutés par l'organisme à sa convention, hors règlement : ni le décret \
             ni l'arrêté ne les demandent, aucune de leurs règles ne s'y applique et ils ne \
             s'additionnent pas aux indicateurs du décret. Leurs valeurs sont dans la feuille de \
             chacun. Colonnes A à G relues à l'import : ne pas modifier.",
            Style::Note,
        )],
        [
            COMPLEMENTARY_HEADER,
            "Libellé",
            "Nature",
            "Unité",
            "Échéances",
            "Maille",
            "Mesure",
            "Échéances (en clair)",
            "Feuille",
        ]
        .iter()
        .map(|h| text(h, Style::Header))
        .collect(),
    ];
    for x in &conv.complementary {
        let sheet = listed
            .iter()
            .find(|(_, code)| *code == x.code)
            .map(|(name, _)| name.as_str())
            .unwrap_or("");
        rows.push(vec![
            text(&x.code, Style::Value),
            text(&x.label, Style::Value),
            text(&enum_word(&x.kind), Style::Value),
            text(&x.unit, Style::Value),
            text(&periods_words(&x.periods), Style::Value),
            text(&enum_word(&x.level), Style::Value),
            text(&enum_word(&x.measure), Style::Value),
            text(&x.periods.describe_fr(), Style::Value),
            text(sheet, Style::Value),
        ]);
    }
    SheetOut {
        name: COMPLEMENTARY.to_string(),
        rows,
        widths: vec![22.0, 40.0, 13.0, 20.0, 18.0, 13.0, 9.0, 30.0, 22.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// « Niveau organisme »: the « consolidation au niveau de la société » real CUS print,
/// calculated from the territorial detail (`cus_core::calc::organism_table`): one block per
/// indicator, its splits by its periods, then how each figure was obtained. Not read back.
fn organism_sheet(input: &ExportInput) -> Option<SheetOut> {
    let conv = input.convention;
    let lines = cus_core::calc::organism_table(conv, input.catalogue, input.geo);
    if lines.is_empty() {
        return None;
    }
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Consolidation au niveau de l'organisme (calculée)".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Calculée à partir du détail territorial : les nombres sont additionnés ; un \
             pourcentage est recalculé à partir des nombres et des bases (jamais moyenné) ; un \
             niveau n'est additionné qu'à une même date ; « non consolidé » : un pourcentage \
             sans sa base, un montant. Le calcul de chaque chiffre est dans le récapitulatif \
             imprimable. Les engagements restent ceux des feuilles de chaque indicateur ; cette \
             feuille n'est pas relue à l'import.",
            Style::Note,
        )],
    ];
    let mut width = 2;
    let mut last: Option<&str> = None;
    for l in &lines {
        if last != Some(l.code.as_str()) {
            rows.push(Vec::new());
            let mut title = format!("{} — {} ({}) : {}", l.code, l.label, l.unit_fr, l.from_fr);
            if l.hors_reglement {
                title.push_str(" — hors règlement");
            }
            rows.push(vec![text(&title, Style::Header)]);
            let mut head = vec![text("Ventilation", Style::Header)];
            head.extend(l.period_labels.iter().map(|p| text(p, Style::Header)));
            width = width.max(head.len());
            rows.push(head);
            last = Some(l.code.as_str());
        }
        let mut row = vec![text(&l.split_fr, Style::Value)];
        row.extend(l.cells.iter().map(|c| match c.value {
            Some(v) => number(if c.percent {
                (v * 10.0).round() / 10.0
            } else {
                v
            }),
            None => text("non consolidé", Style::Note),
        }));
        rows.push(row);
    }
    let mut widths = vec![34.0];
    widths.extend(std::iter::repeat_n(14.0, width.saturating_sub(1)));
    Some(SheetOut {
        name: ORGANISM.to_string(),
        rows,
        widths,
        frozen_rows: 2,
        frozen_cols: 1,
        // One line per split of each indicator (never per territory): two pages at most.
        pages_wide: 1,
        pages_tall: 2,
        spans: Vec::new(),
        heights: Vec::new(),
    })
}

fn others_sheet(input: &ExportInput, others: &[(&String, &Value)]) -> SheetOut {
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Autres valeurs (hors des grilles des indicateurs)".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Valeurs dont la cellule n'existe plus dans la grille actuelle (maille ou territoires \
             modifiés), textes vides et textes trop longs pour une cellule (suite dans les colonnes \
             suivantes).",
            Style::Note,
        )],
        vec![
            text(OTHERS_HEADER, Style::Header),
            text("Valeur", Style::Header),
            text("Suite", Style::Header),
        ],
    ];
    for (k, v) in others {
        let mut row = vec![text(k, Style::Plain)];
        push_item_value(&mut row, v);
        rows.push(row);
    }
    SheetOut {
        name: OTHERS.to_string(),
        rows,
        widths: vec![45.0, 30.0, 30.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// The evaluation a convention prepares, computed once by `cus_core::evaluation`.
struct Evaluation<'a> {
    period: &'a cus_core::catalogue::EvaluationPeriod,
    lines: Vec<cus_core::evaluation::Line>,
    summaries: Vec<cus_core::evaluation::Summary>,
    causes: Vec<cus_core::evaluation::Cause>,
}

impl<'a> Evaluation<'a> {
    /// `None` when the convention carries no achievements, or names an evaluation the catalogue
    /// does not have (its achievements are then only in the data sheet).
    fn new(input: &ExportInput<'a>) -> Option<Self> {
        let conv = input.convention;
        let cat = input.catalogue;
        let ach = &conv.achievements;
        if ach.is_empty() {
            return None;
        }
        let period = cat.evaluations.iter().find(|e| e.id == ach.evaluation)?;
        let lines = cus_core::evaluation::evaluate(conv, cat, input.geo, ach, period);
        let summaries = cus_core::evaluation::summaries(conv, cat, input.geo, &lines, period);
        Some(Evaluation {
            period,
            lines,
            summaries,
            causes: cus_core::evaluation::causes(),
        })
    }

    /// The justification of a line, in words (« À justifier » for a commitment missed without
    /// one).
    fn justification_fr(&self, conv: &Convention, line: &cus_core::evaluation::Line) -> String {
        use cus_core::evaluation::Origin;
        match conv.achievements.justification(&line.justification_key()) {
            Some((_, j)) => {
                let origin = match j.origin {
                    Origin::Organisme => "Du fait de l'organisme".to_string(),
                    Origin::Exterieur => {
                        let cause = j.cause.as_deref().map(|c| {
                            self.causes
                                .iter()
                                .find(|x| x.id == c)
                                .map(|x| x.label.clone())
                                .unwrap_or_else(|| c.to_string())
                        });
                        match cause {
                            Some(c) => format!("Causes extérieures ({c})"),
                            None => "Causes extérieures".to_string(),
                        }
                    }
                };
                if j.comment.is_empty() {
                    origin
                } else {
                    format!("{origin} : {}", j.comment)
                }
            }
            None if line.missed => "À justifier".to_string(),
            None => String::new(),
        }
    }
}

/// The evaluation of one indicator: each commitment of the evaluation's years next to its
/// achievement, with the rate, the gap and the justification (figures of
/// `cus_core::evaluation::evaluate`, not recomputed here). `None` when it has no line.
fn evaluation_sheet(
    input: &ExportInput,
    e: &Evaluation,
    ind: &Indicator,
    names: &mut SheetNames,
) -> Option<SheetOut> {
    let conv = input.convention;
    let lines: Vec<&cus_core::evaluation::Line> =
        e.lines.iter().filter(|l| l.indicator == ind.code).collect();
    if lines.is_empty() {
        return None;
    }
    let name = names.take(&format!("{} évaluation", ind.code));
    let summary = e
        .summaries
        .iter()
        .find(|s| s.indicator == ind.code)
        .map(|s| format!("{} ", s.text_fr))
        .unwrap_or_default();
    let unit = conv.unit_fr(ind);
    let percentage = matches!(ind.value, ValueKind::Pourcentage { .. });
    let mut rows = vec![
        vec![text(
            &with_mark(
                format!(
                    "{} — {} : {}",
                    ind.code,
                    ind.short_label,
                    e.period.label_for(conv.signing_year)
                ),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            &format!(
                "{summary}Unité : {unit}. Taux de réalisation = réalisé ÷ engagement ; écart = \
                 réalisé − engagement{}. Les réalisations se saisissent par année ; les cumuls \
                 sont calculés.",
                if matches!(ind.value, ValueKind::Pourcentage { .. }) {
                    " (en points)"
                } else {
                    ""
                }
            ),
            Style::Note,
        )],
        [
            "Territoire (clé)",
            "Territoire",
            "Répartition",
            "Période",
            "Engagement",
            "Réalisé",
            "Taux de réalisation (%)",
            "Écart",
            "Justification",
            "Calcul",
        ]
        .iter()
        .map(|h| text(h, Style::Header))
        .collect(),
    ];
    // Every cell of a line at the top of its row, as its wrapped texts (justification,
    // formula): a figure at the bottom of a tall row reads as the next line's, the whole sheet
    // seemingly shifted one row on paper.
    let opt = |n: Option<f64>| {
        n.map(|n| Out {
            content: Content::Number(n),
            style: Style::Value,
        })
        .unwrap_or_else(empty)
    };
    let decimal = |n: Option<f64>| match n {
        Some(n) => Out {
            content: Content::Number(n),
            style: Style::OneDecimal,
        },
        None => empty(),
    };
    // A percentage (of the indicator, or a « dont » part stated in %) shows with one decimal,
    // never as a count.
    let figure = |n: Option<f64>, percentage: bool| if percentage { decimal(n) } else { opt(n) };
    let mut label_width: f64 = 12.0;
    for l in lines {
        let label = conv.territory_label(&l.territory, input.geo);
        label_width = label_width.max(label.chars().count() as f64);
        let percentage = percentage || part_share(ind, &l.split).is_percentage();
        rows.push(vec![
            text(&l.territory.to_string(), Style::Value),
            text(&label, Style::Value),
            text(&split_label(ind, &l.split), Style::Value),
            // The grid's label (« Fin 2021 » for a level, « Cumul 2019–2021 » for a flow).
            text(
                &ind.period_label_fr(l.period, conv.signing_year),
                Style::Value,
            ),
            figure(l.committed, percentage),
            figure(l.achieved, percentage),
            decimal(l.rate),
            figure(l.gap, percentage),
            text(&e.justification_fr(conv, l), Style::Value),
            text(&l.formula_fr, Style::Value),
        ]);
    }
    Some(SheetOut {
        name,
        rows,
        widths: vec![
            20.0,
            label_width.min(30.0) + 2.0,
            16.0,
            14.0,
            12.0,
            12.0,
            13.0,
            12.0,
            36.0,
            48.0,
        ],
        frozen_rows: 3,
        frozen_cols: 2,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    })
}

/// The signature, the versions replaced by avenants and the achievements, one per row
/// (rubrique, key, values), so that a workbook gives them back.
fn eval_data_sheet(input: &ExportInput) -> SheetOut {
    let conv = input.convention;
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Signature, versions remplacées par avenant et réalisations".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Données techniques — ne pas modifier : relues à l'import. Les feuilles « évaluation » \
             de chaque indicateur en sont calculées.",
            Style::Note,
        )],
        vec![
            text(EVAL_DATA_HEADER, Style::Header),
            text("Clé", Style::Header),
            text("Valeur", Style::Header),
            text("Précision", Style::Header),
            text("Précision", Style::Header),
        ],
    ];
    let key = |s: &str| text(s, Style::Key);
    let val = |s: &str| text(s, Style::Value);
    if let Some(sig) = &conv.signature {
        rows.push(vec![key(D_SIGNATURE), val(&sig.date), val(&sig.label)]);
    }
    for (i, v) in conv.versions.iter().enumerate() {
        let n = (i + 1).to_string();
        rows.push(vec![
            key(D_VERSION),
            val(&n),
            val(&v.signature.date),
            val(&v.signature.label),
        ]);
        for (k, value) in &v.values {
            let mut row = vec![
                key(D_VERSION_VALUE),
                val(&cus_core::convention::key::numbered_key(&n, k)),
            ];
            push_item_value(&mut row, value);
            rows.push(row);
        }
    }
    let ach = &conv.achievements;
    if !ach.is_empty() {
        rows.push(vec![key(D_EVALUATION), val(&ach.evaluation)]);
    }
    for (k, n) in &ach.values {
        rows.push(vec![key(D_ACHIEVED), val(k), number(*n)]);
    }
    let opt = |n: Option<f64>| n.map(number).unwrap_or_else(empty);
    for (k, t) in &ach.terms {
        rows.push(vec![
            key(D_TERMS),
            val(k),
            opt(t.numerator),
            opt(t.denominator),
        ]);
    }
    for (k, j) in &ach.justifications {
        let mut row = vec![
            key(D_JUSTIFICATION),
            val(k),
            val(&enum_word(&j.origin)),
            val(j.cause.as_deref().unwrap_or("")),
        ];
        // A comment too long for a cell continues in the next columns.
        row.extend(chunks(&j.comment).into_iter().map(val));
        rows.push(row);
    }
    SheetOut {
        name: EVAL_DATA.to_string(),
        rows,
        widths: vec![16.0, 45.0, 24.0, 30.0, 40.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

/// A sheet read back: its name and its cells, or why it could not be read.
/// A sheet read by calamine, or why it could not be (French reason, technical detail).
pub(crate) type SheetIn = (String, Result<Range<Data>, (String, String)>);

struct Reader<'a> {
    file: &'a str,
    problems: Vec<Diagnostic>,
    more: usize,
}

static EMPTY: Data = Data::Empty;

fn at(range: &Range<Data>, row: u32, col: u32) -> &Data {
    range.get_value((row, col)).unwrap_or(&EMPTY)
}

fn last_row(range: &Range<Data>) -> Option<u32> {
    range.end().map(|(r, _)| r)
}

fn last_col(range: &Range<Data>) -> Option<u32> {
    range.end().map(|(_, c)| c)
}

/// « ligne 7, colonne D » of a 0-based position.
fn place(row: Option<u32>, col: Option<u32>) -> String {
    let mut s = String::new();
    if let Some(r) = row {
        s.push_str(&format!(", ligne {}", u64::from(r) + 1));
    }
    if let Some(c) = col {
        s.push_str(&format!(", colonne {}", column_letters(c)));
    }
    s
}

impl Reader<'_> {
    fn problem(
        &mut self,
        code: &str,
        sheet: &str,
        row: Option<u32>,
        col: Option<u32>,
        msg: String,
    ) {
        self.problem_at(code, sheet, row, col, msg, Location::default());
    }

    fn problem_at(
        &mut self,
        code: &str,
        sheet: &str,
        row: Option<u32>,
        col: Option<u32>,
        msg: String,
        extra: Location,
    ) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        let message = format!("Feuille {sheet}{} : {msg}", place(row, col));
        self.problems.push(Diagnostic::error(
            code,
            message,
            Location {
                file: Some(self.file.to_string()),
                line: row.map(|r| r as usize + 1),
                path: Some(sheet.to_string()),
                ..extra
            },
        ));
    }

    fn text_of(&self, d: &Data) -> Option<String> {
        match d {
            // calamine leaves the `_xHHHH_` escapes of both formats in the texts.
            Data::String(s) => Some(unneutralise(&decode_text(s))),
            Data::Empty => Some(String::new()),
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{f}")),
            Data::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }

    /// A text cell (numbers typed over a code are accepted as their digits).
    fn text_at(&mut self, sheet: &str, range: &Range<Data>, row: u32, col: u32) -> String {
        let d = at(range, row, col);
        match self.text_of(d) {
            Some(s) => s,
            None => {
                self.problem(
                    "E-IMPORT-BAD-VALUE",
                    sheet,
                    Some(row),
                    Some(col),
                    format!("texte attendu, trouvé {}.", describe(d)),
                );
                String::new()
            }
        }
    }

    fn number_at(&mut self, sheet: &str, range: &Range<Data>, row: u32, col: u32) -> Option<f64> {
        let d = at(range, row, col);
        match d {
            Data::Float(f) => Some(*f),
            Data::Int(i) => Some(*i as f64),
            Data::Empty => None,
            Data::String(s) if s.trim().is_empty() => None,
            Data::String(s) => match s.trim().replace(',', ".").parse::<f64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.problem(
                        "E-IMPORT-BAD-VALUE",
                        sheet,
                        Some(row),
                        Some(col),
                        format!("nombre attendu, trouvé « {s} »."),
                    );
                    None
                }
            },
            d => {
                self.problem(
                    "E-IMPORT-BAD-VALUE",
                    sheet,
                    Some(row),
                    Some(col),
                    format!("nombre attendu, trouvé {}.", describe(d)),
                );
                None
            }
        }
    }

    /// The row (among the first 21) whose column A holds `header`; else a problem saying it is
    /// missing.
    fn header_row(&mut self, sheet: &str, range: &Range<Data>, header: &str) -> Option<u32> {
        let end = last_row(range).unwrap_or(0);
        let row = (0..=end.min(20))
            .find(|&row| matches!(at(range, row, 0), Data::String(s) if s == header));
        if row.is_none() {
            self.problem(
                "E-IMPORT-BAD-KEY",
                sheet,
                None,
                Some(0),
                format!("la ligne d'en-tête « {header} » manque : la feuille a été modifiée ; réexportez le fichier depuis l'application."),
            );
        }
        row
    }

    /// The value of a keyed item whose value starts at column `first`: a text (long texts are
    /// continued in the next columns, up to `last`), an empty cell (an empty text), or a value.
    fn item_value(
        &mut self,
        sheet: &str,
        range: &Range<Data>,
        row: u32,
        first: u32,
        last: u32,
        key: &str,
    ) -> Option<Value> {
        match at(range, row, first) {
            Data::String(_) => {
                let mut s = String::new();
                for col in first..=last.max(first) {
                    match at(range, row, col) {
                        Data::Empty => {}
                        Data::String(_) => s.push_str(&self.text_at(sheet, range, row, col)),
                        d => self.problem(
                            "E-IMPORT-BAD-VALUE",
                            sheet,
                            Some(row),
                            Some(col),
                            format!("suite d'un texte attendue, trouvé {}.", describe(d)),
                        ),
                    }
                }
                Some(Value::Text(s))
            }
            // A key with an empty value cell is an empty text.
            Data::Empty => Some(Value::Text(String::new())),
            _ => self.value_at(sheet, range, row, first, key),
        }
    }

    /// The value of a cell of a grid, `None` when empty.
    fn value_at(
        &mut self,
        sheet: &str,
        range: &Range<Data>,
        row: u32,
        col: u32,
        key: &str,
    ) -> Option<Value> {
        let d = at(range, row, col);
        match d {
            Data::Empty => None,
            Data::Float(f) => Some(Value::Number(*f)),
            Data::Int(i) => Some(Value::Number(*i as f64)),
            Data::Bool(b) => Some(Value::Bool(*b)),
            Data::String(_) => self.text_of(d).map(Value::Text),
            d => {
                self.problem_at(
                    "E-IMPORT-BAD-VALUE",
                    sheet,
                    Some(row),
                    Some(col),
                    format!(
                        "{} n'est pas une valeur acceptée (nombre, texte ou vrai / faux attendu).",
                        describe(d)
                    ),
                    Location {
                        cell: Some(key.to_string()),
                        ..Default::default()
                    },
                );
                None
            }
        }
    }
}

/// French description of an unexpected cell.
fn describe(d: &Data) -> String {
    match d {
        Data::Empty => "une cellule vide".to_string(),
        Data::Float(f) => format!("le nombre {f}"),
        Data::Int(i) => format!("le nombre {i}"),
        Data::String(s) => format!("le texte « {s} »"),
        Data::Bool(b) => format!("la valeur logique {}", if *b { "VRAI" } else { "FAUX" }),
        Data::DateTime(_) | Data::DateTimeIso(_) => "une date".to_string(),
        Data::DurationIso(_) => "une durée".to_string(),
        Data::Error(e) => format!("une erreur de formule ({e})"),
    }
}

/// What the cover holds.
#[derive(Default)]
struct CoverIn {
    /// Label → row.
    fields: BTreeMap<String, u32>,
    /// Table heading → first body row and number of rows.
    tables: BTreeMap<&'static str, (u32, u32)>,
}

fn read_cover(r: &mut Reader, range: &Range<Data>) -> CoverIn {
    let mut cover = CoverIn::default();
    let Some(end) = last_row(range) else {
        return cover;
    };
    let mut row = 0;
    while row <= end {
        let label = r.text_of(at(range, row, 0)).unwrap_or_default();
        if let Some(&table) = TABLES.iter().find(|t| **t == label) {
            let count = match at(range, row, 1) {
                Data::Float(f) if f.fract() == 0.0 && *f >= 0.0 => Some(*f as u64),
                Data::Int(i) if *i >= 0 => Some(*i as u64),
                _ => None,
            };
            match count {
                Some(n) if u64::from(row) + 1 + n <= u64::from(end) => {
                    let n = n as u32;
                    cover.tables.insert(table, (row + 2, n));
                    row += 2 + n;
                    continue;
                }
                Some(n) => r.problem(
                    "E-IMPORT-TRUNCATED",
                    COVER,
                    Some(row),
                    Some(1),
                    format!(
                        "le tableau « {table} » annonce {n} lignes mais la feuille s'arrête avant : \
                         fichier tronqué ou modifié."
                    ),
                ),
                None => r.problem(
                    "E-IMPORT-BAD-VALUE",
                    COVER,
                    Some(row),
                    Some(1),
                    format!(
                        "le nombre de lignes du tableau « {table} » est attendu ici, trouvé {}.",
                        describe(at(range, row, 1))
                    ),
                ),
            }
        } else if !label.is_empty() {
            cover.fields.entry(label).or_insert(row);
        }
        row += 1;
    }
    cover
}

/// Rebuild a convention from the sheets of a workbook.
pub(crate) fn read(
    sheets: Vec<SheetIn>,
    format: Format,
    file: &str,
    cats: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    let mut r = Reader {
        file,
        problems: Vec::new(),
        more: 0,
    };
    let mut by_name: BTreeMap<String, Result<Range<Data>, (String, String)>> = BTreeMap::new();
    let mut order = Vec::new();
    for (name, range) in sheets {
        order.push(name.clone());
        by_name.entry(name).or_insert(range);
    }
    let cover = match by_name.remove(COVER) {
        Some(Ok(range)) => range,
        Some(Err(e)) => {
            r.problem(
                "E-IMPORT-WORKBOOK-UNREADABLE",
                COVER,
                None,
                None,
                unreadable(&e),
            );
            return Err(r.finish());
        }
        None => {
            return Err(vec![Diagnostic::error(
                "E-IMPORT-SHEET-MISSING",
                format!(
                    "Ce classeur n'a pas de feuille « {COVER} » : ce n'est pas un fichier exporté \
                     par CUS indicateurs (feuilles trouvées : {}).",
                    if order.is_empty() {
                        "aucune".to_string()
                    } else {
                        order.join(", ")
                    }
                ),
                Location {
                    file: Some(file.to_string()),
                    path: Some(COVER.to_string()),
                    ..Default::default()
                },
            )]);
        }
    };
    let c = read_cover(&mut r, &cover);
    let field = |r: &mut Reader, label: &str| -> Option<u32> {
        let row = c.fields.get(label).copied();
        if row.is_none() {
            r.problem(
                "E-IMPORT-COVER-FIELD",
                COVER,
                None,
                Some(0),
                format!("la ligne « {label} » manque : fichier tronqué ou modifié."),
            );
        }
        row
    };
    for label in REQUIRED {
        field(&mut r, label);
    }
    if !r.problems.is_empty() {
        return Err(r.finish());
    }
    let get = |r: &mut Reader, label: &str| -> (u32, String) {
        let row = c.fields.get(label).copied().unwrap_or(0);
        (row, r.text_at(COVER, &cover, row, 1))
    };

    let (row, fmt) = get(&mut r, L_FORMAT);
    if !crate::is_readable_format(&fmt) {
        r.problem(
            "E-IMPORT-FORMAT-VERSION",
            COVER,
            Some(row),
            Some(1),
            format!(
                "format « {fmt} » inconnu : cette application lit le format « {FORMAT_VERSION} » \
                 et les précédents. Mettez l'application à jour."
            ),
        );
        return Err(r.finish());
    }
    let (row, nature) = get(&mut r, L_NATURE);
    let mode = Mode::parse(&nature).unwrap_or_else(|| {
        r.problem(
            "E-IMPORT-BAD-VALUE",
            COVER,
            Some(row),
            Some(1),
            format!("« brouillon » ou « final » attendu, trouvé « {nature} »."),
        );
        Mode::Brouillon
    });

    let mut conv = Convention {
        name: get(&mut r, L_NAME).1,
        ..Default::default()
    };
    conv.organisme.raison_sociale = get(&mut r, L_RAISON).1;
    conv.organisme.siren = get(&mut r, L_SIREN).1;
    conv.organisme.siege_departement = Some(get(&mut r, L_SIEGE).1).filter(|s| !s.is_empty());
    for label in [L_CAT_ID, L_CAT_VERSION] {
        let (row, v) = get(&mut r, label);
        if v.is_empty() {
            r.problem(
                "E-IMPORT-BAD-VALUE",
                COVER,
                Some(row),
                Some(1),
                format!("« {label} » est vide : le catalogue suivi doit être connu."),
            );
        }
        match label {
            L_CAT_ID => conv.catalogue.id = v,
            _ => conv.catalogue.version = v,
        }
    }
    let year = |r: &mut Reader, label: &str, lo: f64, hi: f64| -> Option<f64> {
        let row = c.fields.get(label).copied().unwrap_or(0);
        let n = r.number_at(COVER, &cover, row, 1)?;
        if n.fract() != 0.0 || !(lo..=hi).contains(&n) {
            r.problem(
                "E-IMPORT-BAD-VALUE",
                COVER,
                Some(row),
                Some(1),
                format!("« {label} » doit être une année, trouvé {n}."),
            );
            return None;
        }
        Some(n)
    };
    conv.signing_year =
        year(&mut r, L_SIGNING, f64::from(i32::MIN), f64::from(i32::MAX)).map(|n| n as i32);
    conv.geo_vintage = year(&mut r, L_VINTAGE, 0.0, f64::from(u16::MAX)).map(|n| n as u16);
    let list = |s: String| -> Vec<String> {
        s.split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    conv.departements = list(get(&mut r, L_DEPS).1);
    conv.epci = list(get(&mut r, L_EPCI).1);
    let exported_at = c
        .fields
        .get(L_EXPORTED)
        .map(|&row| r.text_at(COVER, &cover, row, 1))
        .filter(|s| !s.is_empty());
    let stated_checksum = get(&mut r, L_CHECKSUM).1;

    // Tables of the cover.
    let table = |t: &str| c.tables.get(t).copied();
    if let Some((first, n)) = table(T_ACK) {
        for row in first..first + n {
            let id = r.text_at(COVER, &cover, row, 0);
            let comment = r.text_at(COVER, &cover, row, 1);
            conv.acknowledged.insert(id, comment);
        }
    }
    if let Some((first, n)) = table(T_SEGMENTS) {
        for row in first..first + n {
            let zus_text = r.text_of(at(&cover, row, 3));
            let zus = match (at(&cover, row, 3), zus_text.as_deref()) {
                (Data::Bool(b), _) => *b,
                (_, Some("oui")) => true,
                (_, Some("non" | "")) => false,
                (d, _) => {
                    r.problem(
                        "E-IMPORT-BAD-VALUE",
                        COVER,
                        Some(row),
                        Some(3),
                        format!("« oui » ou « non » attendu, trouvé {}.", describe(d)),
                    );
                    false
                }
            };
            let category = r.text_at(COVER, &cover, row, 4);
            conv.segments.push(Segment {
                id: r.text_at(COVER, &cover, row, 0),
                name: r.text_at(COVER, &cover, row, 1),
                departement: r.text_at(COVER, &cover, row, 2),
                zus,
                category: Some(category).filter(|s| !s.is_empty()),
            });
        }
    }
    if let Some((first, n)) = table(T_STOCK) {
        for row in first..first + n {
            let key = r.text_at(COVER, &cover, row, 0);
            match r.number_at(COVER, &cover, row, 1) {
                Some(v) => {
                    conv.stock.insert(key, v);
                }
                None if matches!(at(&cover, row, 1), Data::Empty) => r.problem(
                    "E-IMPORT-BAD-VALUE",
                    COVER,
                    Some(row),
                    Some(1),
                    "nombre de logements attendu, la cellule est vide.".to_string(),
                ),
                None => {}
            }
        }
    }
    if let Some((first, n)) = table(T_BASES) {
        for row in first..first + n {
            let base = r.text_at(COVER, &cover, row, 0);
            let key = r.text_at(COVER, &cover, row, 1);
            if base.trim().is_empty() || key.trim().is_empty() {
                r.problem(
                    "E-IMPORT-BAD-VALUE",
                    COVER,
                    Some(row),
                    Some(if base.trim().is_empty() { 0 } else { 1 }),
                    "la base (colonne A, par exemple parc-fg) et le territoire (colonne B, par \
                     exemple departement:59) sont attendus."
                        .to_string(),
                );
                continue;
            }
            match r.number_at(COVER, &cover, row, 2) {
                Some(v) => {
                    conv.bases.entry(base).or_default().insert(key, v);
                }
                None if matches!(at(&cover, row, 2), Data::Empty) => r.problem(
                    "E-IMPORT-BAD-VALUE",
                    COVER,
                    Some(row),
                    Some(2),
                    format!("nombre attendu (stock de la base « {base} »), la cellule est vide."),
                ),
                None => {}
            }
        }
    }
    let mut listed: Vec<(u32, String, String)> = Vec::new();
    let mut others_sheet: Option<(u32, String)> = None;
    let mut complementary_sheet: Option<(u32, String)> = None;
    let mut eval_sheets: Vec<String> = Vec::new();
    let mut eval_data: Option<(u32, String)> = None;
    let mut explicit: BTreeSet<String> = BTreeSet::new();
    if let Some((first, n)) = table(T_TECH) {
        for row in first..first + n {
            let what = r.text_at(COVER, &cover, row, 0);
            let b = r.text_at(COVER, &cover, row, 1);
            match what.as_str() {
                TECH_KIND => match parse_enum_word::<OrganismeKind>(&b) {
                    Some(k) => conv.organisme.kind = Some(k),
                    None => r.problem(
                        "E-IMPORT-BAD-VALUE",
                        COVER,
                        Some(row),
                        Some(1),
                        format!("catégorie d'organisme « {b} » inconnue."),
                    ),
                },
                TECH_SHEET => listed.push((row, b, r.text_at(COVER, &cover, row, 2))),
                TECH_OTHERS => others_sheet = Some((row, b)),
                TECH_EVAL_SHEET => eval_sheets.push(b),
                TECH_EVAL_DATA => eval_data = Some((row, b)),
                TECH_COMPLEMENTARY => complementary_sheet = Some((row, b)),
                TECH_UNIT => {
                    conv.units.insert(b, r.text_at(COVER, &cover, row, 2));
                }
                TECH_PERIODICITY => {
                    conv.periodicity.insert(b, r.text_at(COVER, &cover, row, 2));
                }
                TECH_PART_UNIT => {
                    conv.part_units.insert(b, r.text_at(COVER, &cover, row, 2));
                }
                TECH_SEGMENTATION => {
                    let levels_text = r.text_at(COVER, &cover, row, 2);
                    let mut levels = Vec::new();
                    for word in levels_text.split(',').filter(|w| !w.is_empty()) {
                        match parse_enum_word::<Level>(word) {
                            Some(l) => levels.push(l),
                            None => r.problem(
                                "E-IMPORT-BAD-VALUE",
                                COVER,
                                Some(row),
                                Some(2),
                                format!("maille « {word} » inconnue."),
                            ),
                        }
                    }
                    let rows_mark = r.text_at(COVER, &cover, row, 3);
                    if rows_mark == EXPLICIT_ROWS {
                        explicit.insert(b.clone());
                    }
                    conv.segmentation.insert(
                        b,
                        IndicatorSegmentation {
                            levels,
                            rows: (rows_mark == EXPLICIT_ROWS).then(Vec::new),
                        },
                    );
                }
                other => r.problem(
                    "E-IMPORT-BAD-VALUE",
                    COVER,
                    Some(row),
                    Some(0),
                    format!("rubrique technique « {other} » inconnue."),
                ),
            }
        }
    } else {
        r.problem(
            "E-IMPORT-COVER-FIELD",
            COVER,
            None,
            Some(0),
            format!("le tableau « {T_TECH} » manque : fichier tronqué ou modifié."),
        );
    }

    // The indicators the organism added, before the sheets of their values.
    if let Some((cover_row, sheet)) = complementary_sheet {
        if let Some(range) = announced_sheet(&mut by_name, &mut r, &sheet, cover_row) {
            conv.complementary = read_complementary(&mut r, &sheet, &range);
        }
    }

    // Indicator sheets.
    let mut codes: BTreeSet<String> = conv.segmentation.keys().cloned().collect();
    // The column keys of each indicator sheet (sheet, code, row of the keys, columns), checked
    // against the catalogue as the convention applies it once it is known.
    let mut grid_columns: Vec<SheetColumns> = Vec::new();
    for (cover_row, sheet, code) in &listed {
        codes.insert(code.clone());
        let range = match by_name.remove(sheet) {
            Some(Ok(range)) => range,
            Some(Err(e)) => {
                r.problem(
                    "E-IMPORT-WORKBOOK-UNREADABLE",
                    sheet,
                    None,
                    None,
                    unreadable(&e),
                );
                continue;
            }
            None => {
                r.problem(
                    "E-IMPORT-SHEET-MISSING",
                    COVER,
                    Some(*cover_row),
                    Some(1),
                    format!(
                        "la feuille « {sheet} » (indicateur {code}) annoncée ici manque au classeur : \
                         fichier tronqué ou modifié."
                    ),
                );
                continue;
            }
        };
        let (rows, columns) = read_indicator(&mut r, sheet, code, &range, &mut conv.values);
        if let Some((key_row, columns)) = columns {
            grid_columns.push((sheet.clone(), code.clone(), key_row, columns));
        }
        if explicit.contains(code) {
            if let Some(seg) = conv.segmentation.get_mut(code) {
                seg.rows = Some(rows);
            }
        }
    }
    let mut other_keys: Vec<(u32, GridCell)> = Vec::new();
    let others_name = others_sheet
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    if let Some((cover_row, sheet)) = others_sheet {
        if let Some(range) = announced_sheet(&mut by_name, &mut r, &sheet, cover_row) {
            other_keys = read_others(&mut r, &sheet, &range, &mut conv.values, &mut codes);
        }
    }

    // The keys of the data sheet, with their row, checked against the catalogue once known.
    let mut eval_keys: Vec<EvalKey> = Vec::new();
    let eval_sheet = eval_data
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default();
    if let Some((cover_row, sheet)) = eval_data {
        match by_name.remove(&sheet) {
            Some(Ok(range)) => {
                eval_keys = read_eval_data(&mut r, &sheet, &range, &mut conv, &mut codes)
            }
            Some(Err(e)) => {
                r.problem("E-IMPORT-WORKBOOK-UNREADABLE", &sheet, None, None, unreadable(&e))
            }
            None => r.problem(
                "E-IMPORT-SHEET-MISSING",
                COVER,
                Some(cover_row),
                Some(1),
                format!("la feuille « {sheet} » annoncée ici manque au classeur : fichier tronqué ou modifié."),
            ),
        }
    }
    // The evaluation sheets are computed from the data: not read back.
    for sheet in &eval_sheets {
        by_name.remove(sheet);
    }

    // Catalogue: the one of the file, or a migration to a newer version, or a clear refusal.
    let mut notes = Vec::new();
    let cat_row = c.fields.get(L_CAT_ID).copied();
    let cat_location = Location {
        file: Some(file.to_string()),
        line: cat_row.map(|r| r as usize + 1),
        path: Some(COVER.to_string()),
        ..Default::default()
    };
    // The indicators the organism added are not the catalogue's.
    let mut catalogue_codes = codes.clone();
    crate::json::without_complementary(&mut catalogue_codes, &conv.complementary);
    if !conv.catalogue.id.is_empty() && !conv.catalogue.version.is_empty() {
        match resolve_catalogue(
            &conv.catalogue.id,
            &conv.catalogue.version,
            &catalogue_codes,
            cats,
            &cat_location,
        ) {
            Ok((cat, note)) => {
                // The catalogue as the convention applies it: its choices are on the cover.
                let view = conv.view(cat);
                let checker = crate::json::CellChecker::new(&view);
                for code in &codes {
                    if view.indicator(code).is_none() {
                        let in_eval = eval_keys
                            .iter()
                            .any(|k| k.key.split('|').next() == Some(code.as_str()));
                        let sheet = listed
                            .iter()
                            .find(|(_, _, c)| c == code)
                            .map(|(_, s, _)| s.as_str())
                            .unwrap_or(if in_eval { &eval_sheet } else { COVER });
                        r.problem_at(
                            "E-IMPORT-UNKNOWN-INDICATOR",
                            sheet,
                            None,
                            None,
                            format!(
                                "l'indicateur « {code} » n'existe pas dans le catalogue « {} » \
                                 version {} : import refusé.",
                                cat.id, cat.version
                            ),
                            Location {
                                indicator: Some(code.clone()),
                                ..Default::default()
                            },
                        );
                    }
                }
                // The columns of the grids and the keys of the other values: splits and periods
                // (their indicators are checked above).
                for (sheet, code, key_row, columns) in &grid_columns {
                    for (col, k) in columns {
                        let cell = k.split_once('|').and_then(|(split, period)| {
                            Some(GridCell {
                                indicator: code.clone(),
                                territory: TerritoryKey::Organisme,
                                split: SplitKey::parse_key(split)?,
                                period: parse_period_key(period)?,
                            })
                        });
                        match cell.and_then(|c| checker.problem(&c)) {
                            Some((what, _)) if what == crate::json::codes::INDICATOR_UNKNOWN => {}
                            Some((_, msg)) => r.problem(
                                "E-IMPORT-BAD-KEY",
                                sheet,
                                Some(*key_row),
                                Some(*col),
                                format!("colonne « {k} » : {msg}"),
                            ),
                            None => {}
                        }
                    }
                }
                for (row, cell) in &other_keys {
                    match checker.problem(cell) {
                        Some((what, _)) if what == crate::json::codes::INDICATOR_UNKNOWN => {}
                        Some((_, msg)) => r.problem(
                            "E-IMPORT-BAD-KEY",
                            &others_name,
                            Some(*row),
                            Some(0),
                            format!("« {} » : {msg}", cell.key()),
                        ),
                        None => {}
                    }
                }
                // The splits of the keys of the data sheet (their indicators are checked above).
                for k in &eval_keys {
                    let problem = match k.kind {
                        EvalKeyKind::Cell => checker.achievement_problem(&k.key, false),
                        EvalKeyKind::Justification => checker.achievement_problem(&k.key, true),
                        EvalKeyKind::Version => {
                            GridCell::parse_key(&k.key).and_then(|c| checker.problem(&c))
                        }
                    };
                    match problem {
                        Some((code, _)) if code == crate::json::codes::INDICATOR_UNKNOWN => {}
                        Some((_, msg)) => r.problem(
                            "E-IMPORT-BAD-KEY",
                            &eval_sheet,
                            Some(k.row),
                            Some(1),
                            format!("« {} » : {msg}", k.key),
                        ),
                        None => {}
                    }
                }
                if let Some(note) = note {
                    notes.push(note);
                }
                let bases_row = c.tables.get(T_BASES).map(|(first, _)| first - 2);
                notes.extend(crate::json::unknown_bases_note(
                    &conv,
                    cat,
                    Location {
                        file: Some(file.to_string()),
                        line: bases_row.map(|r| r as usize + 1),
                        path: Some(COVER.to_string()),
                        ..Default::default()
                    },
                ));
                if r.problems.is_empty() && stated_checksum != checksum(&conv) {
                    notes.push(Diagnostic::warning(
                        "W-IMPORT-CHECKSUM",
                        "L'empreinte écrite sur la couverture ne correspond pas aux valeurs du \
                         classeur : le fichier a été modifié après son export. Vérifiez les valeurs \
                         avant l'export final.",
                        Location {
                            file: Some(file.to_string()),
                            line: c.fields.get(L_CHECKSUM).map(|&r| r as usize + 1),
                            path: Some(COVER.to_string()),
                            ..Default::default()
                        },
                    ));
                }
                conv.catalogue.version = cat.version.clone();
            }
            Err(mut d) => {
                d.message = format!("Feuille {COVER}{} : {}", place(cat_row, Some(1)), d.message);
                if r.problems.len() < MAX_PROBLEMS {
                    r.problems.push(d);
                } else {
                    r.more += 1;
                }
            }
        }
    }
    for name in order {
        // (The organism-level table is calculated: nothing in it is read back.)
        if by_name.remove(&name).is_some() && name != COVER && name != ORGANISM {
            notes.push(Diagnostic::new(
                "I-IMPORT-SHEET-IGNORED",
                Severity::Info,
                format!(
                    "La feuille « {name} » n'est pas une feuille de CUS indicateurs : ignorée."
                ),
                Location {
                    file: Some(file.to_string()),
                    path: Some(name),
                    ..Default::default()
                },
            ));
        }
    }
    if !r.problems.is_empty() {
        return Err(r.finish());
    }
    Ok(Imported {
        convention: conv,
        format,
        mode,
        exported_at,
        notes,
    })
}

/// A sheet the cover announces (row `cover_row`), taken out of `by_name`; a problem when it is
/// unreadable or missing.
fn announced_sheet(
    by_name: &mut BTreeMap<String, Result<Range<Data>, (String, String)>>,
    r: &mut Reader,
    sheet: &str,
    cover_row: u32,
) -> Option<Range<Data>> {
    match by_name.remove(sheet) {
        Some(Ok(range)) => Some(range),
        Some(Err(e)) => {
            r.problem(
                "E-IMPORT-WORKBOOK-UNREADABLE",
                sheet,
                None,
                None,
                unreadable(&e),
            );
            None
        }
        None => {
            r.problem(
                "E-IMPORT-SHEET-MISSING",
                COVER,
                Some(cover_row),
                Some(1),
                format!(
                    "la feuille « {sheet} » annoncée ici manque au classeur : fichier tronqué ou \
                     modifié."
                ),
            );
            None
        }
    }
}

fn unreadable((reason, detail): &(String, String)) -> String {
    format!(
        "feuille illisible : {reason}. Exportez le classeur à nouveau, ou enregistrez-le de \
         nouveau depuis le tableur{detail}."
    )
}

impl Reader<'_> {
    fn finish(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            self.problems.push(Diagnostic::error(
                "E-IMPORT-TOO-MANY",
                format!(
                    "… et {} autres problèmes, non détaillés : corrigez d'abord ceux-ci.",
                    self.more
                ),
                Location {
                    file: Some(self.file.to_string()),
                    ..Default::default()
                },
            ));
        }
        self.problems
    }
}

/// The row of the column keys of an indicator sheet, and each column with its key.
type Columns = Option<(u32, Vec<(u32, String)>)>;

/// The column keys of an indicator sheet: its name, its indicator, the row of the keys, and
/// each column with its key.
type SheetColumns = (String, String, u32, Vec<(u32, String)>);

/// Read an indicator sheet into `values`; returns its rows (territories) in order, and its
/// column keys (`split|period`) when its key row was found.
fn read_indicator(
    r: &mut Reader,
    sheet: &str,
    code: &str,
    range: &Range<Data>,
    values: &mut cus_core::convention::Values,
) -> (Vec<TerritoryKey>, Columns) {
    let mut out = Vec::new();
    let end = last_row(range).unwrap_or(0);
    // The machine row: column B says so (searched for, in case rows were added above it).
    let Some(key_row) = (0..=end.min(20))
        .find(|&row| matches!(at(range, row, 1), Data::String(s) if s == MACHINE_MARK))
    else {
        r.problem(
            "E-IMPORT-BAD-KEY",
            sheet,
            Some(INDICATOR_HEADER_ROWS - 1),
            Some(1),
            format!(
                "la ligne des clés techniques (« {MACHINE_MARK} » en colonne B) manque : \
                 impossible de savoir à quoi correspondent les colonnes."
            ),
        );
        return (out, None);
    };
    let found_code = r.text_at(sheet, range, key_row, 0);
    if found_code != code {
        r.problem_at(
            "E-IMPORT-BAD-KEY",
            sheet,
            Some(key_row),
            Some(0),
            format!(
                "la feuille est annoncée pour l'indicateur {code} sur la couverture mais porte le code « {found_code} »."
            ),
            Location {
                indicator: Some(code.to_string()),
                ..Default::default()
            },
        );
        return (out, None);
    }
    let mut columns: Vec<(u32, String)> = Vec::new();
    for col in 2..=last_col(range).unwrap_or(0) {
        let d = at(range, key_row, col);
        if matches!(d, Data::Empty) {
            continue;
        }
        let k = r.text_at(sheet, range, key_row, col);
        let ok = k.split_once('|').is_some_and(|(s, p)| {
            SplitKey::parse_key(s).is_some() && parse_period_key(p).is_some()
        });
        if ok {
            columns.push((col, k));
        } else {
            r.problem(
                "E-IMPORT-BAD-KEY",
                sheet,
                Some(key_row),
                Some(col),
                format!(
                    "« {k} » n'est pas une clé de colonne (répartition|période, par exemple \
                     PLAI/hors-qpv|c3)."
                ),
            );
        }
    }
    for row in key_row + 1..=end {
        let d = at(range, row, 0);
        if matches!(d, Data::Empty) {
            if let Some((col, _)) = columns
                .iter()
                .find(|(col, _)| !matches!(at(range, row, *col), Data::Empty))
            {
                r.problem(
                    "E-IMPORT-BAD-KEY",
                    sheet,
                    Some(row),
                    Some(0),
                    format!(
                        "valeur en colonne {} sur une ligne sans territoire (clé attendue en colonne A, \
                         par exemple departement:59).",
                        column_letters(*col)
                    ),
                );
            }
            continue;
        }
        let t = r.text_at(sheet, range, row, 0);
        let territory = match t.parse::<TerritoryKey>() {
            Ok(t) => t,
            Err(msg) => {
                r.problem("E-IMPORT-BAD-KEY", sheet, Some(row), Some(0), msg);
                continue;
            }
        };
        let prefix = cus_core::convention::key::territory_prefix(code, &territory.to_string());
        for (col, k) in &columns {
            let key = format!("{prefix}{k}");
            if let Some(v) = r.value_at(sheet, range, row, *col, &key) {
                values.insert(key, v);
            }
        }
        out.push(territory);
    }
    (out, Some((key_row, columns)))
}

/// Read the sheet of the indicators the organism added: one per row below the header, columns
/// A (code) to G (measure).
fn read_complementary(r: &mut Reader, sheet: &str, range: &Range<Data>) -> Vec<Complementary> {
    let mut out = Vec::new();
    let end = last_row(range).unwrap_or(0);
    let Some(header) = r.header_row(sheet, range, COMPLEMENTARY_HEADER) else {
        return out;
    };
    for row in header + 1..=end {
        if (0..7).all(|col| matches!(at(range, row, col), Data::Empty)) {
            continue;
        }
        let cell = |r: &mut Reader, col: u32| r.text_at(sheet, range, row, col);
        let (code, label, kind, unit, periods, level, measure) = (
            cell(r, 0),
            cell(r, 1),
            cell(r, 2),
            cell(r, 3),
            cell(r, 4),
            cell(r, 5),
            cell(r, 6),
        );
        let mut x = Complementary {
            code,
            label,
            kind: Default::default(),
            unit,
            periods: cus_core::catalogue::Periodicity {
                yearly: false,
                cumulative: Vec::new(),
                reference: false,
            },
            level: Level::Organisme,
            measure: Default::default(),
        };
        let read = [
            (2, parse_kind(&kind).map(|k| x.kind = k)),
            (4, parse_periods_words(&periods).map(|p| x.periods = p)),
            (5, parse_level_word(&level).map(|l| x.level = l)),
            (6, parse_measure(&measure).map(|m| x.measure = m)),
        ];
        for (col, what) in read {
            if let Err(msg) = what {
                r.problem(
                    "E-IMPORT-BAD-VALUE",
                    sheet,
                    Some(row),
                    Some(col),
                    format!("{msg} (indicateur complémentaire « {} »).", x.code),
                );
            }
        }
        out.push(x);
    }
    out
}

/// Read the sheet of the other values into `values`; returns each key read with its row, to be
/// checked against the catalogue once it is known.
fn read_others(
    r: &mut Reader,
    sheet: &str,
    range: &Range<Data>,
    values: &mut cus_core::convention::Values,
    codes: &mut BTreeSet<String>,
) -> Vec<(u32, GridCell)> {
    let mut keys = Vec::new();
    let end = last_row(range).unwrap_or(0);
    let Some(header) = r.header_row(sheet, range, OTHERS_HEADER) else {
        return keys;
    };
    let last = last_col(range).unwrap_or(0);
    for row in header + 1..=end {
        if matches!(at(range, row, 0), Data::Empty) {
            continue;
        }
        let key = r.text_at(sheet, range, row, 0);
        let Some(cell) = GridCell::parse_key(&key) else {
            r.problem(
                "E-IMPORT-BAD-KEY",
                sheet,
                Some(row),
                Some(0),
                format!(
                    "« {key} » n'est pas une clé de cellule (indicateur|territoire|répartition|période, \
                     par exemple PP-1|departement:59|PLAI|c3)."
                ),
            );
            continue;
        };
        codes.insert(cell.indicator.clone());
        keys.push((row, cell));
        let value = r.item_value(sheet, range, row, 1, last, &key);
        if let Some(v) = value {
            values.insert(key, v);
        }
    }
    keys
}

/// A key read in the sheet of the signature and the achievements, with its row.
struct EvalKey {
    row: u32,
    key: String,
    kind: EvalKeyKind,
}

enum EvalKeyKind {
    /// An achievement (`realise`, `termes`): a cell of a year.
    Cell,
    /// `indicateur|territoire|répartition`.
    Justification,
    /// A value of a version: a cell of the grids.
    Version,
}

/// Read the sheet of the signature, the versions replaced and the achievements; returns the
/// keys read, to be checked against the catalogue.
fn read_eval_data(
    r: &mut Reader,
    sheet: &str,
    range: &Range<Data>,
    conv: &mut Convention,
    codes: &mut BTreeSet<String>,
) -> Vec<EvalKey> {
    let mut keys = Vec::new();
    use cus_core::convention::{is_date, Justification, Origin, Signature, SignedVersion, Terms};
    let end = last_row(range).unwrap_or(0);
    let Some(header) = r.header_row(sheet, range, EVAL_DATA_HEADER) else {
        return keys;
    };
    let last = last_col(range).unwrap_or(0);
    // The key of an achievement or a justification: it must parse (the catalogue checks its
    // indicator, through `codes`).
    let cell_key = |r: &mut Reader,
                    codes: &mut BTreeSet<String>,
                    row: u32,
                    key: &str,
                    justification: bool|
     -> bool {
        let full = if justification {
            format!("{key}|a1")
        } else {
            key.to_string()
        };
        match GridCell::parse_key(&full).filter(|c| c.key() == full) {
            Some(c) => {
                codes.insert(c.indicator);
                true
            }
            None => {
                r.problem(
                    "E-IMPORT-BAD-KEY",
                    sheet,
                    Some(row),
                    Some(1),
                    format!(
                        "« {key} » n'est pas une clé {} (par exemple PP-1|departement:59|PLAI{}).",
                        if justification {
                            "de justification"
                        } else {
                            "de cellule"
                        },
                        if justification { "" } else { "|a2" }
                    ),
                );
                false
            }
        }
    };
    let date_at = |r: &mut Reader, row: u32, col: u32| -> String {
        let d = r.text_at(sheet, range, row, col);
        if !is_date(&d) {
            r.problem(
                "E-IMPORT-BAD-VALUE",
                sheet,
                Some(row),
                Some(col),
                format!("date de signature attendue (AAAA-MM-JJ), trouvé « {d} »."),
            );
        }
        d
    };
    let mut seen: BTreeMap<(String, String), u32> = BTreeMap::new();
    for row in header + 1..=end {
        if matches!(at(range, row, 0), Data::Empty) {
            continue;
        }
        let what = r.text_at(sheet, range, row, 0);
        let key = r.text_at(sheet, range, row, 1);
        if let Some(first) = seen.insert((what.clone(), key.clone()), row) {
            r.problem(
                "E-IMPORT-BAD-KEY",
                sheet,
                Some(row),
                Some(1),
                format!(
                    "« {what} » « {key} » figure déjà ligne {} : gardez une seule de ces lignes.",
                    first + 1
                ),
            );
            continue;
        }
        match what.as_str() {
            D_SIGNATURE => {
                let date = date_at(r, row, 1);
                conv.signature = Some(Signature {
                    date,
                    label: r.text_at(sheet, range, row, 2),
                });
            }
            D_VERSION => {
                let n = key.parse::<usize>().ok();
                if n != Some(conv.versions.len() + 1) {
                    r.problem(
                        "E-IMPORT-BAD-KEY",
                        sheet,
                        Some(row),
                        Some(1),
                        format!(
                            "version remplacée n° {} attendue ici (les versions sont numérotées \
                             à partir de 1, dans l'ordre), trouvé « {key} ».",
                            conv.versions.len() + 1
                        ),
                    );
                    continue;
                }
                let date = date_at(r, row, 2);
                conv.versions.push(SignedVersion {
                    signature: Signature {
                        date,
                        label: r.text_at(sheet, range, row, 3),
                    },
                    values: Default::default(),
                });
            }
            D_VERSION_VALUE => {
                let parsed = key.split_once('|').and_then(|(n, k)| {
                    let n = n
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=conv.versions.len()).contains(n))?;
                    GridCell::parse_key(k)
                        .filter(|c| c.key() == k)
                        .map(|c| (n, c))
                });
                let Some((n, cell)) = parsed else {
                    r.problem(
                        "E-IMPORT-BAD-KEY",
                        sheet,
                        Some(row),
                        Some(1),
                        format!(
                            "« {key} » : attendu le numéro d'une version déjà donnée, | et une clé \
                             de cellule (1|PP-1|departement:59|PLAI|c3)."
                        ),
                    );
                    continue;
                };
                let k = cell.key();
                codes.insert(cell.indicator);
                keys.push(EvalKey {
                    row,
                    key: k.clone(),
                    kind: EvalKeyKind::Version,
                });
                let value = r.item_value(sheet, range, row, 2, last, &k);
                if let Some(v) = value {
                    conv.versions[n - 1].values.insert(k, v);
                }
            }
            D_EVALUATION => conv.achievements.evaluation = key,
            D_ACHIEVED => {
                if !cell_key(r, codes, row, &key, false) {
                    continue;
                }
                keys.push(EvalKey {
                    row,
                    key: key.clone(),
                    kind: EvalKeyKind::Cell,
                });
                match r.number_at(sheet, range, row, 2) {
                    Some(n) => {
                        conv.achievements.values.insert(key, n);
                    }
                    None if matches!(at(range, row, 2), Data::Empty) => r.problem(
                        "E-IMPORT-BAD-VALUE",
                        sheet,
                        Some(row),
                        Some(2),
                        "nombre réalisé attendu, la cellule est vide (supprimez la ligne pour \
                         effacer la réalisation)."
                            .to_string(),
                    ),
                    None => {}
                }
            }
            D_TERMS => {
                if !cell_key(r, codes, row, &key, false) {
                    continue;
                }
                keys.push(EvalKey {
                    row,
                    key: key.clone(),
                    kind: EvalKeyKind::Cell,
                });
                let numerator = r.number_at(sheet, range, row, 2);
                let denominator = r.number_at(sheet, range, row, 3);
                conv.achievements.terms.insert(
                    key,
                    Terms {
                        numerator,
                        denominator,
                    },
                );
            }
            D_JUSTIFICATION => {
                if !cell_key(r, codes, row, &key, true) {
                    continue;
                }
                keys.push(EvalKey {
                    row,
                    key: key.clone(),
                    kind: EvalKeyKind::Justification,
                });
                let origin_text = r.text_at(sheet, range, row, 2);
                let Some(origin) = parse_enum_word::<Origin>(&origin_text) else {
                    r.problem(
                        "E-IMPORT-BAD-VALUE",
                        sheet,
                        Some(row),
                        Some(2),
                        format!(
                            "origine de l'écart « {origin_text} » inconnue ; attendu organisme ou \
                             exterieur."
                        ),
                    );
                    continue;
                };
                let cause = r.text_at(sheet, range, row, 3);
                let mut comment = String::new();
                for col in 4..=last.max(4) {
                    comment.push_str(&r.text_at(sheet, range, row, col));
                }
                conv.achievements.justifications.insert(
                    key,
                    Justification {
                        origin,
                        cause: Some(cause).filter(|c| !c.is_empty()),
                        comment,
                    },
                );
            }
            other => r.problem(
                "E-IMPORT-BAD-VALUE",
                sheet,
                Some(row),
                Some(0),
                format!(
                    "rubrique « {other} » inconnue ; attendu {D_SIGNATURE}, {D_VERSION}, \
                     {D_VERSION_VALUE}, {D_EVALUATION}, {D_ACHIEVED}, {D_TERMS} ou \
                     {D_JUSTIFICATION}."
                ),
            ),
        }
    }
    keys
}

/// Date and time of an ISO 8601 text (`2026-11-25T17:30:00Z`, `2026-11-25`): year, month,
/// day, hour, minute, second. Used for the fixed timestamps of the files.
pub(crate) fn parse_iso_datetime(s: &str) -> Option<(u16, u8, u8, u8, u8, u8)> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u16> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0..4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = u8::try_from(num(5..7)?)
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let day = u8::try_from(num(8..10)?)
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    if matches!(b.get(10), Some(b'T' | b' ')) {
        h = u8::try_from(num(11..13)?).ok().filter(|h| *h < 24)?;
        mi = u8::try_from(num(14..16)?).ok().filter(|m| *m < 60)?;
        sec = num(17..19)
            .and_then(|s| u8::try_from(s).ok())
            .filter(|s| *s < 60)
            .unwrap_or(0);
    }
    Some((year, month, day, h, mi, sec))
}

/// Largest sheet accepted on import, in cells of the rectangle from A1 to its last value (the
/// largest convention needs far less: a few hundred rows of a few hundred columns).
const MAX_SHEET_CELLS: u64 = 4_000_000;

/// Refuse before calamine parses them the files it would choke on: not a zip, inflating beyond
/// reason (a zip bomb: the sizes declared by the archive must add up to less than 256 Mio), XML
/// of the sheets not well nested (calamine loops forever on an ODS table that is never closed),
/// or sheets whose values span more than [`MAX_SHEET_CELLS`] cells (calamine allocates the whole
/// rectangle).
pub(crate) fn precheck(bytes: &[u8], file: &str, format: Format) -> Result<(), Vec<Diagnostic>> {
    use std::io::Read as _;
    const MAX_INFLATED: u64 = 256 * 1024 * 1024;
    let kind = if format == Format::Ods { "ODS" } else { "XLSX" };
    let fail = |reason: String, detail: String| unreadable_workbook(file, kind, &reason, &detail);
    let entry_fail = |i: usize, e: &zip::result::ZipError| {
        fail(
            format!(
                "l'élément n° {} de l'archive ne se lit pas : {}",
                i + 1,
                technical::zip(e)
            ),
            technical::detail(e),
        )
    };
    if !bytes.starts_with(b"PK") {
        let reason = format!(
            "ce fichier n'est pas un classeur : il ne commence pas comme une archive zip, ce \
             qu'est tout classeur {kind} (si c'est un CSV ou un JSON renommé, redonnez-lui son \
             extension .csv ou .json)"
        );
        return Err(fail(reason, String::new()));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(technical::zip(&e), technical::detail(&e)))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| entry_fail(i, &e))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_INFLATED {
        return Err(fail(
            format!(
                "son contenu décompressé ferait {} Mio, au-delà de {} Mio (ce n'est pas un \
                 classeur de CUS)",
                total / (1024 * 1024),
                MAX_INFLATED / (1024 * 1024)
            ),
            String::new(),
        ));
    }
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| entry_fail(i, &e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let sheet = match format {
            Format::Ods => name == "content.xml",
            _ => name.starts_with("xl/worksheets/") && name.ends_with(".xml"),
        };
        if !sheet {
            continue;
        }
        let mut xml = Vec::new();
        entry
            .by_ref()
            .take(MAX_INFLATED)
            .read_to_end(&mut xml)
            .map_err(|e| {
                fail(
                    format!(
                        "la partie {name} ne se décompresse pas : le fichier est abîmé ou tronqué"
                    ),
                    technical::detail(&e),
                )
            })?;
        let checked = match format {
            Format::Ods => check_ods_content(&xml),
            _ => check_xlsx_sheet(&xml),
        };
        checked.map_err(|e| {
            fail(
                format!("la partie {name} est mal formée : {e}"),
                String::new(),
            )
        })?;
    }
    Ok(())
}

/// One tag met by [`scan_xml`].
enum Tag<'a> {
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A minimal XML scanner: tags in order, comments, CDATA and processing instructions skipped;
/// an error when a tag is not closed or elements are not properly nested.
fn scan_xml<'a>(
    x: &'a [u8],
    mut each: impl FnMut(Tag<'a>) -> Result<(), String>,
) -> Result<(), String> {
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut i = 0;
    while let Some(off) = x[i..].iter().position(|&b| b == b'<') {
        let at = i + off;
        let rest = &x[at..];
        let skip = |open: usize, close: &[u8]| -> Result<usize, String> {
            find(&rest[open..], close)
                .map(|p| at + open + p + close.len())
                .ok_or_else(|| "fin de fichier dans un commentaire ou une déclaration".to_string())
        };
        if rest.starts_with(b"<!--") {
            i = skip(4, b"-->")?;
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip(9, b"]]>")?;
        } else if rest.starts_with(b"<?") {
            i = skip(2, b"?>")?;
        } else if rest.starts_with(b"<!") {
            return Err("déclaration <! inattendue".to_string());
        } else if rest.starts_with(b"</") {
            let end = find(rest, b">").ok_or("balise fermante non terminée")?;
            let name = rest[2..end].trim_ascii();
            match stack.pop() {
                Some(open) if open == name => {}
                _ => {
                    return Err(format!(
                        "balise </{}> mal placée",
                        String::from_utf8_lossy(name)
                    ))
                }
            }
            each(Tag::End { name })?;
            i = at + end + 1;
        } else {
            let mut j = 1;
            let mut quote = None;
            loop {
                let c = *rest.get(j).ok_or("balise non terminée")?;
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            let inner = &rest[1..j];
            let empty = inner.ends_with(b"/");
            let inner = if empty {
                &inner[..inner.len() - 1]
            } else {
                inner
            };
            let name_end = inner
                .iter()
                .position(|c| c.is_ascii_whitespace())
                .unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty() {
                return Err("balise sans nom".to_string());
            }
            each(Tag::Start {
                name,
                attrs: &inner[name_end..],
                empty,
            })?;
            if !empty {
                stack.push(name);
            }
            i = at + j + 1;
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "élément <{}> jamais fermé (contenu tronqué ?)",
            String::from_utf8_lossy(open)
        ));
    }
    Ok(())
}

/// The value of an attribute in the attributes of a start tag.
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    let n = attrs.len();
    loop {
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            return None;
        }
        let k0 = i;
        while i < n && !attrs[i].is_ascii_whitespace() && attrs[i] != b'=' {
            i += 1;
        }
        let k = &attrs[k0..i];
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        if attrs.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let q = *attrs.get(i)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let v0 = i + 1;
        let len = attrs[v0..].iter().position(|&c| c == q)?;
        if k == key {
            return Some(&attrs[v0..v0 + len]);
        }
        i = v0 + len + 1;
    }
}

fn attr_number(attrs: &[u8], key: &[u8], max: u64) -> u64 {
    attr(attrs, key)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

fn too_big(rows: u64, cols: u64) -> Result<(), String> {
    if rows.saturating_mul(cols) > MAX_SHEET_CELLS {
        return Err(format!(
            "une feuille s'étend sur {rows} lignes et {cols} colonnes, bien au-delà d'une convention"
        ));
    }
    Ok(())
}

/// Nesting and extent of the tables of an ODS `content.xml`.
fn check_ods_content(xml: &[u8]) -> Result<(), String> {
    let (mut row, mut row_rep, mut col, mut valued) = (0u64, 1u64, 0u64, false);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    scan_xml(xml, |tag| {
        match tag {
            Tag::Start { name, .. } if name == b"table:table" => {
                (row, max_row, max_col) = (0, 0, 0);
            }
            Tag::Start { name, attrs, empty } if name == b"table:table-row" => {
                row_rep = attr_number(attrs, b"table:number-rows-repeated", 1 << 20);
                (col, valued) = (0, false);
                if empty {
                    row = row.saturating_add(row_rep);
                }
            }
            Tag::Start { name, attrs, empty }
                if name == b"table:table-cell" || name == b"table:covered-table-cell" =>
            {
                let reps = attr_number(attrs, b"table:number-columns-repeated", 1 << 14);
                if !empty
                    || attr(attrs, b"office:value-type").is_some()
                    || attr(attrs, b"table:formula").is_some()
                {
                    valued = true;
                    max_col = max_col.max(col.saturating_add(reps));
                }
                col = col.saturating_add(reps);
            }
            Tag::End { name } if name == b"table:table-row" => {
                if valued {
                    max_row = max_row.max(row.saturating_add(row_rep));
                }
                row = row.saturating_add(row_rep);
                too_big(max_row, max_col)?;
            }
            _ => {}
        }
        Ok(())
    })
}

/// Nesting and extent of an XLSX worksheet.
fn check_xlsx_sheet(xml: &[u8]) -> Result<(), String> {
    let local = |name: &[u8]| -> Vec<u8> {
        match name.iter().rposition(|&c| c == b':') {
            Some(p) => name[p + 1..].to_vec(),
            None => name.to_vec(),
        }
    };
    let (mut row, mut col) = (0u64, 0u64);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    scan_xml(xml, |tag| {
        if let Tag::Start { name, attrs, .. } = tag {
            match local(name).as_slice() {
                b"row" => {
                    row = match attr(attrs, b"r").and_then(|r| std::str::from_utf8(r).ok()) {
                        Some(r) => r.trim().parse::<u64>().unwrap_or(row + 1),
                        None => row + 1,
                    };
                    col = 0;
                }
                b"c" => {
                    col += 1;
                    if let Some(r) = attr(attrs, b"r") {
                        let letters = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                        let mut c = 0u64;
                        for l in &r[..letters] {
                            c = c.saturating_mul(26).saturating_add(
                                u64::from(l.to_ascii_uppercase().saturating_sub(b'A')) + 1,
                            );
                        }
                        let digits = std::str::from_utf8(&r[letters..])
                            .ok()
                            .and_then(|d| d.parse::<u64>().ok());
                        if c > 0 {
                            col = c;
                        }
                        if let Some(d) = digits {
                            row = row.max(d);
                        }
                    }
                    max_row = max_row.max(row.max(1));
                    max_col = max_col.max(col);
                    too_big(max_row, max_col)?;
                }
                _ => {}
            }
        }
        Ok(())
    })
}

/// The error of a workbook that cannot be read: what is wrong (`reason`, French), what to do,
/// and the library's own words in a short parenthesis (`detail`, from [`technical::detail`], or
/// empty).
pub(crate) fn unreadable_workbook(
    file: &str,
    kind: &str,
    reason: &str,
    detail: &str,
) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "E-IMPORT-WORKBOOK-UNREADABLE",
        format!(
            "Le classeur {kind} est illisible : {reason}. Exportez-le à nouveau depuis CUS \
             indicateurs ; s'il a été retouché dans un tableur, enregistrez-le de nouveau au \
             format {kind} (sans mot de passe) puis importez cette copie{detail}."
        ),
        Location {
            file: Some(file.to_string()),
            ..Default::default()
        },
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_break_at_words_and_cut_long_words() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("abc def", 10.0), 1);
        assert_eq!(wrapped_lines("abcde fghij", 10.0), 2);
        assert_eq!(wrapped_lines("a\nb", 10.0), 2);
        assert_eq!(wrapped_lines(&"x".repeat(25), 10.0), 3);
        assert_eq!(wrapped_lines(&format!("ab {}", "x".repeat(25)), 10.0), 4);
    }

    #[test]
    fn wide_sheets_print_over_several_pages_at_half_size_or_more() {
        let sheet = |cols: usize| {
            let mut s = SheetOut {
                name: "X".into(),
                rows: vec![
                    vec![text("Titre", Style::Title)],
                    vec![text("Note", Style::Note)],
                ],
                widths: [vec![20.0, 30.0], vec![22.0; cols]].concat(),
                frozen_rows: 5,
                frozen_cols: 2,
                pages_wide: 0,
                pages_tall: 0,
                spans: vec![],
                heights: vec![],
            };
            print_setup(&mut s);
            s
        };
        // 2 label columns (43 + 63 mm) and 47-mm columns: 554 mm fit on a page at 50 %.
        let narrow = sheet(9);
        assert_eq!(narrow.pages_wide, 1);
        assert_eq!(narrow.spans, vec![(0, 11), (1, 11)]);
        assert_eq!(narrow.heights.len(), 2);
        let wide = sheet(36);
        assert_eq!(wide.pages_wide, 4);
        // The banner spans the label columns and a quarter of the others.
        assert_eq!(wide.spans, vec![(0, 11), (1, 11)]);
    }

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

    #[test]
    fn the_xml_pre_check_refuses_unclosed_tables_and_huge_sheets() {
        let ok = br#"<?xml version="1.0"?><!-- c --><a x="<>"><b/><table:table table:name="x"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table></a>"#;
        assert_eq!(check_ods_content(ok), Ok(()));
        let cut = &ok[..ok.len() - 20];
        assert!(check_ods_content(cut).is_err());
        assert!(check_ods_content(b"<a><b></a></b>").is_err());
        let huge = br#"<t><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></t>"#;
        assert!(check_ods_content(huge)
            .unwrap_err()
            .contains("100000 lignes"));
        let empty_rows = br#"<t><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></t>"#;
        assert_eq!(check_ods_content(empty_rows), Ok(()));
        assert_eq!(
            check_xlsx_sheet(br#"<w><row r="1"><c r="A1"/><c r="C1"/></row></w>"#),
            Ok(())
        );
        assert!(
            check_xlsx_sheet(br#"<w><row r="1"><c r="A1"/><c r="XFD1048576"/></row></w>"#).is_err()
        );
        assert_eq!(attr(b" a=\"1\" b = '2'", b"b"), Some(&b"2"[..]));
    }

    #[test]
    fn column_letters_like_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn text_encoding_round_trips() {
        for s in [
            "",
            "abc",
            "a\rb\u{1}c",
            "_x0041_",
            "_x005F_",
            "__x12_",
            "x\u{fffe}y\u{ffff}",
            "é_xZZZZ_à",
            "_x",
        ] {
            let e = encode_text(s);
            assert!(!e.contains('\r') && !e.contains('\u{1}'), "{s:?}");
            assert_eq!(decode_text(&e), s, "{s:?} → {e:?}");
        }
        assert_eq!(encode_text("a\u{1}"), "a_x0001_");
        assert_eq!(encode_text("_x0041_"), "_x005F_x0041_");
    }

    #[test]
    fn long_texts_are_split_in_cell_sized_pieces() {
        let s = "é=_".repeat(40_000);
        let parts = chunks(&s);
        assert!(parts.len() > 1);
        assert_eq!(parts.concat(), s);
        for p in parts {
            assert!(encoded_len(p) <= MAX_CELL_TEXT);
        }
        assert_eq!(chunks("abc"), vec!["abc"]);
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames(HashSet::new());
        assert_eq!(n.take(COVER), COVER);
        assert_eq!(n.take("PP-1"), "PP-1");
        assert_eq!(n.take("pp-1"), "pp-1~2");
        assert_eq!(n.take("a/b:c[d]"), "a_b_c_d_");
        assert_eq!(n.take("'x'"), "x");
        assert_eq!(n.take("History"), "Indicateur");
        let long = n.take(&"y".repeat(40));
        assert_eq!(long.chars().count(), 31);
        let again = n.take(&"y".repeat(40));
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with("~2"));
    }
}
