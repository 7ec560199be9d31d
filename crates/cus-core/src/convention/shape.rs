//! The shape of one indicator's grid in a convention: its rows (territories or segments), splits
//! and periods, with their keys. The rule engine, the grid of the web app, the workbooks and the
//! printed recap all lay an indicator out from it, so they agree on which cells exist, on their
//! keys and on the order of the columns.
//!
//! Columns are **period-major**: every split of the first period, then every split of the next
//! (`col = p × splits + s`). A shape depends on the structure of the convention (territories,
//! segments, segmentation), never on its values.

use std::collections::HashMap;

use super::{period_key, splits, Cell, Convention, SplitKey, TerritoryKey};
use crate::catalogue::{Indicator, Period};
use crate::geo::Referential;

/// Rows × splits × periods of one indicator in one convention, with their keys.
///
/// Every row, split and period appears once, and none whose key holds a `|` (it could not be
/// told apart from the separators of the cell key): such a row (a territory declared twice, an
/// unreadable segment id) is a diagnostic of the segmentation rules, not a second row of cells.
#[derive(Clone, Debug, PartialEq)]
pub struct GridShape {
    /// Code of the indicator.
    pub indicator: String,
    pub rows: Vec<TerritoryKey>,
    /// Territory part of the cell keys, per row.
    pub row_keys: Vec<String>,
    /// Row of a territory key.
    pub row_pos: HashMap<String, usize>,
    /// Splits, totals first (see [`splits`]).
    pub splits: Vec<SplitKey>,
    /// Split part of the cell keys (`PLAI/hors-qpv`), per split.
    pub split_keys: Vec<String>,
    pub periods: Vec<Period>,
    /// Period part of the cell keys (`c3`), per period.
    pub period_keys: Vec<String>,
}

impl GridShape {
    /// The grid of `ind` in `conv`: the rows of [`Convention::rows`].
    pub fn new(conv: &Convention, ind: &Indicator, geo: Option<&Referential>) -> Self {
        Self::with_rows(ind, conv.rows(ind, geo))
    }

    /// The grid of `ind` over the given rows (in their order; repeated or unreadable ones left
    /// out), for callers that already hold [`Convention::rows`].
    pub fn with_rows(ind: &Indicator, territories: Vec<TerritoryKey>) -> Self {
        let mut rows = Vec::new();
        let mut row_keys = Vec::new();
        let mut row_pos = HashMap::new();
        for t in territories {
            let k = t.to_string();
            if k.contains('|') || row_pos.contains_key(&k) {
                continue;
            }
            row_pos.insert(k.clone(), rows.len());
            rows.push(t);
            row_keys.push(k);
        }
        let mut split_list = Vec::new();
        let mut split_keys: Vec<String> = Vec::new();
        for s in splits(ind) {
            let k = s.key();
            if k.contains('|') || split_keys.contains(&k) {
                continue;
            }
            split_list.push(s);
            split_keys.push(k);
        }
        let mut periods = Vec::new();
        for p in ind.periods.periods() {
            if !periods.contains(&p) {
                periods.push(p);
            }
        }
        let period_keys = periods.iter().map(|&p| period_key(p)).collect();
        GridShape {
            indicator: ind.code.clone(),
            rows,
            row_keys,
            row_pos,
            splits: split_list,
            split_keys,
            periods,
            period_keys,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// Columns of a row: splits × periods.
    pub fn n_cols(&self) -> usize {
        self.splits.len() * self.periods.len()
    }

    /// Column of (split, period): period-major.
    pub fn col(&self, s: usize, p: usize) -> usize {
        p * self.splits.len() + s
    }

    /// (split, period) of a column: the inverse of [`GridShape::col`].
    pub fn split_period(&self, col: usize) -> Option<(usize, usize)> {
        let n = self.splits.len();
        if n == 0 || col >= self.n_cols() {
            return None;
        }
        Some((col % n, col / n))
    }

    /// Every column as (split, period), in column order.
    pub fn columns(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (0..self.periods.len()).flat_map(move |p| (0..self.splits.len()).map(move |s| (s, p)))
    }

    pub fn split_index(&self, key: &str) -> Option<usize> {
        self.split_keys.iter().position(|k| k == key)
    }

    pub fn period_index(&self, key: &str) -> Option<usize> {
        self.period_keys.iter().position(|k| k == key)
    }

    /// Canonical key of the cell at (row, split, period). Panics when out of the grid.
    pub fn key(&self, r: usize, s: usize, p: usize) -> String {
        super::key::cell_key(
            &self.indicator,
            &self.row_keys[r],
            &self.split_keys[s],
            &self.period_keys[p],
        )
    }

    /// The `split|period` part of the cell keys of a column, as the machine row of the workbooks
    /// writes it.
    pub fn column_key(&self, s: usize, p: usize) -> String {
        super::key::column_key(&self.split_keys[s], &self.period_keys[p])
    }

    /// Canonical key of the cell at (row, column), or `None` outside the grid.
    pub fn key_at(&self, r: usize, col: usize) -> Option<String> {
        let (s, p) = self.split_period(col)?;
        (r < self.n_rows()).then(|| self.key(r, s, p))
    }

    /// The cell at (row, split, period).
    pub fn cell(&self, r: usize, s: usize, p: usize) -> Cell {
        Cell {
            indicator: self.indicator.clone(),
            territory: self.rows[r].clone(),
            split: self.splits[s].clone(),
            period: self.periods[p],
        }
    }

    /// (row, split, period) of a canonical key of this grid: the exact inverse of
    /// [`GridShape::key`]; `None` for a key of another indicator or no cell of the grid.
    pub fn locate(&self, key: &str) -> Option<(usize, usize, usize)> {
        let rest = key
            .strip_prefix(self.indicator.as_str())?
            .strip_prefix('|')?;
        let mut it = rest.split('|');
        let (Some(row), Some(split), Some(period), None) =
            (it.next(), it.next(), it.next(), it.next())
        else {
            return None;
        };
        Some((
            *self.row_pos.get(row)?,
            self.split_index(split)?,
            self.period_index(period)?,
        ))
    }
}
