//! The import of a workbook ([`read`]): the sheets read by calamine turned back into a
//! convention, every problem reported with its sheet, line and column, or nothing at all. The
//! cover is read here, the other sheets in `reader/sheets.rs`.

use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Range};
use cus_core::catalogue::{Catalogue, Level};
use cus_core::convention::{
    parse_period_key, Cell as GridCell, Convention, IndicatorSegmentation, Segment, SplitKey,
    TerritoryKey, Value,
};
use cus_core::diagnostic::{Diagnostic, Location, Severity};
use cus_core::organisme::OrganismeKind;

use crate::choices::parse_enum_word;
use crate::{checksum, resolve_catalogue, unneutralise, Format, Imported, Mode, FORMAT_VERSION};

use super::*;

mod sheets;

use sheets::{
    read_complementary, read_eval_data, read_indicator, read_others, EvalKey, EvalKeyKind,
    SheetColumns,
};

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
    crate::import::without_complementary(&mut catalogue_codes, &conv.complementary);
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
                let checker = crate::import::CellChecker::new(&view);
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
                            Some((what, _)) if what == crate::import::codes::INDICATOR_UNKNOWN => {}
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
                        Some((what, _)) if what == crate::import::codes::INDICATOR_UNKNOWN => {}
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
                        Some((code, _)) if code == crate::import::codes::INDICATOR_UNKNOWN => {}
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
                notes.extend(crate::import::unknown_bases_note(
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
