//! What the evaluation pages and report compute beyond [`super::evaluate`]: the years an
//! achievement is entered for, the achievement cumulated to date on one line, the per-year
//! series of an indicator (committed next to achieved, for the report's chart and its table),
//! and the cells an avenant changed between two signed versions.

use std::collections::BTreeMap;

use crate::catalogue::{EvaluationPeriod, Indicator, Measure, Period, ValueKind};
use crate::convention::{is_additive, Convention, SplitKey, TerritoryKey, Values};
use crate::geo::Referential;
use crate::numfmt::format_fr;

use super::Achievements;

fn key(code: &str, row: &TerritoryKey, split: &SplitKey, p: Period) -> String {
    crate::convention::key::cell_key_of(code, row, split, p)
}

fn is_percentage(ind: &Indicator) -> bool {
    matches!(ind.value, ValueKind::Pourcentage { .. })
}

/// The years (1 to 6) whose achievements an evaluation asks for this indicator: its years, and
/// from year 1 when one of its cumulatives falls in the evaluation (a cumulative at `n` years
/// adds years 1 to `n`).
pub fn input_years(ind: &Indicator, period: &EvaluationPeriod) -> Vec<u8> {
    let cumulative_inside = ind
        .periods
        .cumulative
        .iter()
        .any(|&n| n >= period.first_year && n <= period.last_year);
    let first = if cumulative_inside {
        1
    } else {
        period.first_year
    };
    (first..=period.last_year).collect()
}

/// An achievement cumulated from year 1 to the last year entered without a gap.
#[derive(Clone, Debug, PartialEq)]
pub struct ToDate {
    /// The last year (1 to 6) included.
    pub through: u8,
    /// A count summed, or a percentage of the summed numerators over the summed denominators.
    pub value: f64,
    pub formula_fr: String,
    pub cells: Vec<String>,
}

/// The achievement of one line (`indicator|territory|split`) cumulated to date: years 1, 2, …
/// as long as each is entered, up to `last_year`. `None` when year 1 is not entered (or, for a
/// percentage, when the denominators add up to zero).
pub fn to_date(
    ind: &Indicator,
    ach: &Achievements,
    territory: &TerritoryKey,
    split: &SplitKey,
    last_year: u8,
) -> Option<ToDate> {
    let percentage = is_percentage(ind);
    let mut cells = Vec::new();
    let mut parts: Vec<(f64, f64)> = Vec::new();
    for y in 1..=last_year {
        let k = key(&ind.code, territory, split, Period::Year(y));
        let got = if percentage {
            ach.terms
                .get(&k)
                .and_then(|t| t.numerator.zip(t.denominator))
        } else {
            ach.values.get(&k).map(|v| (*v, 1.0))
        };
        match got {
            Some(g) => {
                parts.push(g);
                cells.push(k);
            }
            None => break,
        }
    }
    let through = u8::try_from(parts.len()).ok().filter(|n| *n > 0)?;
    let (n, d) = parts
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (value, formula_fr) = if percentage {
        if d <= 0.0 {
            return None;
        }
        let v = n / d * 100.0;
        (
            v,
            format!(
                "Années 1 à {through} : numérateurs {} ÷ dénominateurs {} = {} %",
                format_fr(n, 2),
                format_fr(d, 2),
                format_fr(v, 1)
            ),
        )
    } else if through == 1 {
        (n, format!("Année 1 : {}", format_fr(n, 2)))
    } else {
        (
            n,
            format!(
                "Années 1 à {through} : {} = {}",
                parts
                    .iter()
                    .map(|(v, _)| format_fr(*v, 2))
                    .collect::<Vec<_>>()
                    .join(" + "),
                format_fr(n, 2)
            ),
        )
    };
    Some(ToDate {
        through,
        value,
        formula_fr,
        cells,
    })
}

/// One year of an indicator's series.
#[derive(Clone, Debug, PartialEq)]
pub struct YearPoint {
    /// Year of the convention (1 to 6).
    pub year: u8,
    /// The commitment of that year (yearly commitments only).
    pub committed: Option<f64>,
    /// The achievement of that year, when every row has it entered.
    pub achieved: Option<f64>,
    /// How many of the series' rows have that year's achievement entered.
    pub achieved_rows: usize,
    /// The commitment cumulated to that year: the sum of the yearly commitments (counts), or the
    /// cumulative commitment of that year (`c3`, `c6`).
    pub committed_to_date: Option<f64>,
    /// The achievements of years 1 to that one, summed (counts; every year entered).
    pub achieved_to_date: Option<f64>,
}

/// An indicator over the years of an evaluation, for its whole territory: the total split, the
/// rows of its coarsest level added up (counts); for a percentage, the summed numerators over
/// the summed denominators (achieved) and the commitment only when the coarsest level has a
/// single row (percentages of several territories are not added).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub indicator: String,
    pub percentage: bool,
    pub points: Vec<YearPoint>,
    /// Rows added up.
    pub rows: usize,
}

/// The series of `ind` for `period` (`None` for a yes/no, a text, or a value that is not added
/// up: amounts per dwelling, durations).
pub fn series(
    conv: &Convention,
    ind: &Indicator,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
) -> Option<Series> {
    let percentage = is_percentage(ind);
    if !percentage && !is_additive(ind) {
        return None;
    }
    let level = conv.levels(ind).first().copied()?;
    let rows = conv.rows_at_level(ind, geo, level);
    if rows.is_empty() {
        return None;
    }
    let total = SplitKey {
        members: vec![None; ind.splits.breakdowns.len()],
        part: None,
    };
    let has = |p: Period| ind.periods.periods().contains(&p);
    let commitment = |p: Period| -> Option<f64> {
        if !has(p) || (percentage && rows.len() > 1) {
            return None;
        }
        // The commitments in force in the period's last year, as the lines.
        let vals: Vec<f64> = rows
            .iter()
            .filter_map(|r| super::committed(conv, ind, &key(&ind.code, r, &total, p), p))
            .collect();
        // Every row committed, or no figure: never a partial sum set against a whole one.
        (vals.len() == rows.len()).then(|| vals.iter().sum())
    };
    let achieved = |y: u8| -> (Option<(f64, f64)>, usize) {
        let mut got = Vec::new();
        for r in &rows {
            let k = key(&ind.code, r, &total, Period::Year(y));
            if percentage {
                if let Some(t) = ach
                    .terms
                    .get(&k)
                    .and_then(|t| t.numerator.zip(t.denominator))
                {
                    got.push(t);
                }
            } else if let Some(v) = ach.values.get(&k) {
                got.push((*v, 1.0));
            }
        }
        let sum =
            (!got.is_empty()).then(|| got.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y)));
        (sum, got.len())
    };
    let as_value = |(n, d): (f64, f64)| {
        if percentage {
            (d > 0.0).then(|| n / d * 100.0)
        } else {
            Some(n)
        }
    };
    let mut points = Vec::new();
    let mut committed_sum: Option<f64> = Some(0.0);
    let mut achieved_sum: Option<(f64, f64)> = Some((0.0, 0.0));
    for y in input_years(ind, period) {
        let committed = commitment(Period::Year(y));
        let (got, achieved_rows) = achieved(y);
        // Every row entered, or no figure (how many were is in `achieved_rows`).
        let got = got.filter(|_| achieved_rows == rows.len());
        committed_sum = committed_sum.zip(committed).map(|(a, b)| a + b);
        achieved_sum = achieved_sum.zip(got).map(|((a, b), (x, z))| (a + x, b + z));
        // Percentages of several years are not added: only a cumulative commitment counts. A
        // level (a stock, a share of the stock) to date is the year's own level, never a sum.
        let level = ind.measure == Measure::Niveau;
        let committed_to_date = commitment(Period::Cumulative(y)).or(if level {
            committed
        } else if ind.periods.yearly && !percentage {
            committed_sum
        } else {
            None
        });
        points.push(YearPoint {
            year: y,
            committed,
            achieved: got.and_then(as_value),
            achieved_rows,
            committed_to_date,
            achieved_to_date: if level {
                got.and_then(as_value)
            } else {
                achieved_sum.and_then(as_value)
            },
        });
    }
    Some(Series {
        indicator: ind.code.clone(),
        percentage,
        points,
        rows: rows.len(),
    })
}

/// The cells whose value differs between two versions of the commitments (added, removed or
/// changed), grouped by indicator code, keys sorted.
pub fn changed_cells(older: &Values, newer: &Values) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut add = |k: &String| {
        let code = k.split('|').next().unwrap_or_default().to_string();
        out.entry(code).or_default().push(k.clone());
    };
    for (k, v) in older {
        if newer.get(k) != Some(v) {
            add(k);
        }
    }
    for k in newer.keys() {
        if !older.contains_key(k) {
            add(k);
        }
    }
    for keys in out.values_mut() {
        keys.sort();
    }
    out
}

/// How many cells differ between two versions.
pub fn changed_count(older: &Values, newer: &Values) -> usize {
    changed_cells(older, newer).values().map(Vec::len).sum()
}
