//! The second pass of the import: every cell of the file checked against the catalogue as the
//! convention applies it, what is parsed once per distinct text kept by text.

use super::*;

/// A cell of the second pass: its line, its value when the line is accepted, and the parts of
/// its key (numbers of its indicator, territory and split in the second pass; period).
pub(super) struct SeenCell {
    pub(super) line: usize,
    pub(super) value: Option<Value>,
    pub(super) parts: (usize, usize, usize, Period),
}

/// What the second pass knows of an indicator code of the file.
pub(super) struct IndicatorSeen<'t> {
    pub(super) code: &'t str,
    /// Its splits and periods in the catalogue, as [`CellChecker`] sees them (the last
    /// indicator of that code); `None` when the catalogue does not have it.
    pub(super) known: Option<(Vec<SplitKey>, Vec<Period>)>,
    /// By split number: whether it is a split of the indicator (`None`: not looked at yet).
    pub(super) split_known: Vec<Option<bool>>,
    /// Its levels, and the line that gave them.
    pub(super) levels: Option<(Vec<Level>, usize)>,
    /// The territories of its grid lines (numbers in the second pass), in order.
    pub(super) rows: Vec<usize>,
}

/// The cells read by the second pass, and the territories their grid lines declare (in order).
pub(super) struct Cells<'t> {
    /// Every cell seen, by key.
    pub(super) seen: HashMap<String, SeenCell>,
    pub(super) indicators: Vec<IndicatorSeen<'t>>,
    /// Territories read: text, territory, whether a grid line declared it.
    pub(super) territories: Vec<(&'t str, TerritoryKey, bool)>,
    /// Splits read, with their key.
    pub(super) splits: Vec<(SplitKey, String)>,
    pub(super) departements: Vec<String>,
    pub(super) epci: Vec<String>,
    pub(super) segments: Vec<Segment>,
}

/// Second pass: every cell checked against the catalogue as the convention applies it.
pub(super) fn read_cells<'t>(
    lines: &[Line],
    kept: &'t str,
    cat: &Catalogue,
    file_name: &str,
    p: &mut Problems,
) -> Cells<'t> {
    let at_line = |line: usize| line_location(file_name, line);
    // Second pass: cells. What is parsed or looked up once per distinct text is kept, by text:
    // indicators, territories, splits, levels. The checks and their order are those of a line
    // read on its own; a problem is described by the same code as a line read on its own would
    // be (the `CellChecker` for the catalogue checks).
    let mut checker: Option<CellChecker> = None;
    let (mut departements, mut epci, mut segments) = (Vec::new(), Vec::new(), Vec::new());
    // Every cell seen, by key.
    let mut seen: HashMap<String, SeenCell> = HashMap::with_capacity(lines.len());
    let mut indicators: Vec<IndicatorSeen> = Vec::new();
    let mut indicator_of: HashMap<&str, usize> = HashMap::new();
    // Territories read: text, territory, whether a grid line declared it. (The text is also the
    // territory's key: `TerritoryKey` writes back what it parsed.)
    let mut territories: Vec<(&str, TerritoryKey, bool)> = Vec::new();
    let mut territory_of: HashMap<&str, usize> = HashMap::new();
    // Splits read, with their key.
    let mut splits: Vec<(SplitKey, String)> = Vec::new();
    let mut split_of: HashMap<&str, usize> = HashMap::new();
    let mut parsed_levels: Vec<Option<Vec<Level>>> = Vec::new();
    let mut levels_of_text: HashMap<&str, usize> = HashMap::new();
    // What the previous line gave (indicator, territory, split, levels), by text.
    let mut last_indicator: Option<(&str, usize)> = None;
    let mut last_territory: Option<(&str, usize)> = None;
    let mut last_split: Option<(&str, usize)> = None;
    let mut last_levels: Option<(&str, usize)> = None;
    for l in lines {
        let line = l.line;
        let col = |name: &str, msg: String| format!("Ligne {line}, colonne « {name} » : {msg}");
        let code = l.get(kept, F_CODE);
        // Built only for a problem.
        let at = |cell: Option<&str>| Location {
            indicator: Some(code.to_string()),
            cell: cell.map(str::to_string),
            ..at_line(line)
        };
        let ind = match last_indicator {
            Some((c, i)) if c == code => i,
            _ => {
                let i = *indicator_of.entry(code).or_insert_with(|| {
                    // As `CellChecker` builds its map: the last indicator of a code wins.
                    let known = cat
                        .indicators
                        .iter()
                        .rev()
                        .find(|i| i.code == code)
                        .map(|i| (cus_core::convention::splits(i), i.periods.periods()));
                    indicators.push(IndicatorSeen {
                        code,
                        known,
                        split_known: Vec::new(),
                        levels: None,
                        rows: Vec::new(),
                    });
                    indicators.len() - 1
                });
                last_indicator = Some((code, i));
                i
            }
        };
        let territory_text = l.get(kept, F_TERRITORY);
        let territory = match last_territory {
            Some((t, i)) if t == territory_text => i,
            _ => {
                let i = match territory_of.get(territory_text) {
                    Some(&i) => i,
                    None => match territory_text.parse::<TerritoryKey>() {
                        Ok(t) => {
                            territories.push((territory_text, t, false));
                            territory_of.insert(territory_text, territories.len() - 1);
                            territories.len() - 1
                        }
                        Err(m) => {
                            p.error(codes::TERRITORY, col("territoire", m), at(None));
                            continue;
                        }
                    },
                };
                last_territory = Some((territory_text, i));
                i
            }
        };
        let split_text = l.split(kept);
        let split = match last_split {
            Some((s, i)) if s == split_text => i,
            _ => {
                let i = match split_of.get(split_text) {
                    Some(&i) => i,
                    None => {
                        let members = l.get(kept, F_MEMBERS);
                        let Some(split) = parse_split(members, l.get(kept, F_PART)) else {
                            p.error(
                                codes::SPLIT,
                                col(
                                    "repartition",
                                    format!(
                                        "« {members} » n'est pas une répartition (membres \
                                         séparés par +, par exemple PLAI ou total)."
                                    ),
                                ),
                                at(None),
                            );
                            continue;
                        };
                        let key = split.key();
                        splits.push((split, key));
                        split_of.insert(split_text, splits.len() - 1);
                        splits.len() - 1
                    }
                };
                last_split = Some((split_text, i));
                i
            }
        };
        let period_text = l.get(kept, F_PERIOD);
        let Some(period) = parse_period_key(period_text) else {
            p.error(
                codes::PERIOD,
                col(
                    "periode",
                    format!("« {period_text} » n'est pas une période (ref, a1 à a6, c3, c6…)."),
                ),
                at(None),
            );
            continue;
        };
        let indicator = &mut indicators[ind];
        let in_catalogue = match &indicator.known {
            None => false,
            Some((ind_splits, periods)) => {
                if indicator.split_known.len() <= split {
                    indicator.split_known.resize(split + 1, None);
                }
                let known = *indicator.split_known[split]
                    .get_or_insert_with(|| ind_splits.contains(&splits[split].0));
                known && periods.contains(&period)
            }
        };
        if !in_catalogue {
            let cell = Cell {
                indicator: code.to_string(),
                territory: territories[territory].1.clone(),
                split: splits[split].0.clone(),
                period,
            };
            let checker = checker.get_or_insert_with(|| CellChecker::new(cat));
            if let Some((problem, msg)) = checker.problem(&cell) {
                let column = match problem {
                    codes::SPLIT => "repartition",
                    codes::PERIOD => "periode",
                    _ => "indicateur",
                };
                p.error(problem, col(column, msg), at(None));
                continue;
            }
        }
        // The key of the cell, as `Cell::key` writes it.
        let (split_key, period_short) = (splits[split].1.as_str(), period_str(period));
        let key = cus_core::convention::key::cell_key(
            code,
            territory_text,
            split_key,
            period_short.as_ref(),
        );
        let parts = (ind, territory, split, period);
        let slot = match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let other = std::mem::replace(&mut e.get_mut().line, line);
                let key = e.key();
                p.error(
                    codes::CSV_DUPLICATE,
                    col(
                        "valeur",
                        format!(
                            "la cellule {key} figure déjà ligne {other} ; gardez une seule \
                             ligne par cellule."
                        ),
                    ),
                    at(Some(key)),
                );
                continue;
            }
            std::collections::hash_map::Entry::Vacant(e) => e,
        };
        let niveau = trim(l.get(kept, F_LEVELS));
        let has_levels = !niveau.is_empty();
        if has_levels {
            let parsed = match last_levels {
                Some((n, i)) if n == niveau => i,
                _ => {
                    let i = *levels_of_text.entry(niveau).or_insert_with(|| {
                        let parsed: Option<Vec<Level>> =
                            niveau.split('+').map(parse_level).collect();
                        parsed_levels.push(parsed.filter(|l| !l.is_empty()));
                        parsed_levels.len() - 1
                    });
                    last_levels = Some((niveau, i));
                    i
                }
            };
            let Some(levels) = &parsed_levels[parsed] else {
                p.error(
                    codes::LEVEL,
                    col(
                        "niveau",
                        format!(
                            "« {niveau} » n'est pas une maille ; attendu organisme, region, \
                             departement, epci ou segment, éventuellement combinés par + \
                             (departement+epci), ou rien pour une valeur hors grille."
                        ),
                    ),
                    at(Some(slot.key())),
                );
                slot.insert(SeenCell {
                    line,
                    value: None,
                    parts,
                });
                continue;
            };
            let territory_key = &territories[territory].1;
            if !levels.contains(&territory_key.level()) {
                p.error(
                    codes::LEVEL,
                    col(
                        "niveau",
                        format!(
                            "le territoire {territory_key} n'est pas de la maille « {niveau} » \
                             indiquée."
                        ),
                    ),
                    at(Some(slot.key())),
                );
                slot.insert(SeenCell {
                    line,
                    value: None,
                    parts,
                });
                continue;
            }
            match &indicator.levels {
                Some((l, first)) if l != levels => {
                    let words: Vec<&str> = l.iter().map(|x| level_word(*x)).collect();
                    p.error(
                        codes::LEVEL,
                        col(
                            "niveau",
                            format!(
                                "« {niveau} » alors que la ligne {first} indique « {} » pour \
                                 {code} ; un indicateur a une seule maille.",
                                words.join("+")
                            ),
                        ),
                        at(Some(slot.key())),
                    );
                    slot.insert(SeenCell {
                        line,
                        value: None,
                        parts,
                    });
                    continue;
                }
                Some(_) => {}
                None => indicator.levels = Some((levels.clone(), line)),
            }
        }
        if has_levels {
            let rows = &mut indicators[ind].rows;
            if rows.last() != Some(&territory) && !rows.contains(&territory) {
                rows.push(territory);
            }
        }
        // A grid line declares its territory (first appearance gives the order); an orphan
        // line does not.
        let (_, territory_key, declared) = &mut territories[territory];
        if has_levels && !*declared {
            *declared = true;
            match territory_key {
                TerritoryKey::Departement(d) => departements.push(d.clone()),
                TerritoryKey::Epci(e) => epci.push(e.clone()),
                TerritoryKey::Segment(s) => {
                    let label = l.get(kept, F_LABEL);
                    let prefix = format!("Segment {s} — ");
                    segments.push(Segment {
                        id: s.clone(),
                        name: label.strip_prefix(&prefix).unwrap_or_default().to_string(),
                        ..Default::default()
                    });
                }
                _ => {}
            }
        }
        slot.insert(SeenCell {
            line,
            value: read_value(l.get(kept, F_VALUE)),
            parts,
        });
    }
    Cells {
        seen,
        indicators,
        territories,
        splits,
        departements,
        epci,
        segments,
    }
}
