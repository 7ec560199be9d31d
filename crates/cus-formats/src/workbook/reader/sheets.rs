//! The sheets a cover announces, read back: indicator sheets, « Hors règlement », « Autres
//! valeurs », « Signature et réalisations ».

use std::collections::{BTreeMap, BTreeSet};

use calamine::{Data, Range};
use cus_core::catalogue::Level;
use cus_core::convention::{
    parse_period_key, Cell as GridCell, Complementary, Convention, SplitKey, TerritoryKey,
};
use cus_core::diagnostic::Location;

use crate::choices::{
    parse_enum_word, parse_kind, parse_level_word, parse_measure, parse_periods_words,
};

use super::*;

/// The row of the column keys of an indicator sheet, and each column with its key.
type Columns = Option<(u32, Vec<(u32, String)>)>;

/// The column keys of an indicator sheet: its name, its indicator, the row of the keys, and
/// each column with its key.
pub(super) type SheetColumns = (String, String, u32, Vec<(u32, String)>);

/// Read an indicator sheet into `values`; returns its rows (territories) in order, and its
/// column keys (`split|period`) when its key row was found.
pub(super) fn read_indicator(
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
pub(super) fn read_complementary(
    r: &mut Reader,
    sheet: &str,
    range: &Range<Data>,
) -> Vec<Complementary> {
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
pub(super) fn read_others(
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
pub(super) struct EvalKey {
    pub(super) row: u32,
    pub(super) key: String,
    pub(super) kind: EvalKeyKind,
}

pub(super) enum EvalKeyKind {
    /// An achievement (`realise`, `termes`): a cell of a year.
    Cell,
    /// `indicateur|territoire|répartition`.
    Justification,
    /// A value of a version: a cell of the grids.
    Version,
}

/// Read the sheet of the signature, the versions replaced and the achievements; returns the
/// keys read, to be checked against the catalogue.
pub(super) fn read_eval_data(
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
