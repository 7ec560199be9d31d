//! Which evaluation diagnostics an edit can change, so that a keystroke in the achievement grid
//! re-runs only those checks (as `rules::Index::validate_cell` does for the commitments).
//!
//! Every diagnostic of [`super::check_convention`] has one **owner**, read from its code and
//! location:
//!
//! | diagnostics | owner | what they read |
//! | --- | --- | --- |
//! | `W-EVAL-SIGNATURE-YEAR`, `W-EVAL-NOT-SIGNED`, `E-EVAL-UNKNOWN` | the file | the signature, the evaluation chosen, whether there are achievements: re-run at every edit (cheap) |
//! | `E-EVAL-PART-EXCEEDS-TOTAL`, `E-EVAL-SPLIT-SUM` | the row and year of their cell (`indicator\|territory`, `aN`) | the achievements of that row and year, every split |
//! | `W-EVAL-JUSTIFY` | the row and split of their line (`indicator\|territory\|split`) | every line of that row and split (each year, and the cumulatives containing it): their achievements and commitments, and the justification |
//! | `E-EVAL-CAUSE` | their justification key (`location.path`) | that justification |
//! | every other one (`E-EVAL-UNKNOWN-CELL`, `E-EVAL-YEAR-OUTSIDE`, `E-EVAL-VALUE`, `E-EVAL-TERMS-MISSING`, `E-EVAL-NUMERATOR-EXCEEDS`) | their cell (`location.cell`) | that one stored achievement: its key, its count or its terms |
//!
//! [`Owners::of_keys`] gives, for the keys an edit touched (achievement cells, commitment cells,
//! justification keys: `Touched::Achievements` and `Touched::Cells`), every owner whose
//! diagnostics can read them; [`super::check_owned`] returns exactly the diagnostics of
//! [`super::check_convention`] that those owners own ([`Owners::owns`]). So after an edit of
//! keys K, with `o = Owners::of_keys(K)`:
//!
//! `check_convention(after)` = `check_convention(before)` − {d : `o.owns(d)`} +
//! `check_owned(after, o)` (as multisets; checked on random edit sequences through
//! `rules::Validator` by `tests/proptest_rules.rs`).
//!
//! Owners depend on the keys only, never on the values. The evaluation chosen, the signature,
//! the versions and the structure of the convention are no cells: their edits re-run every
//! check (`Touched::Evaluation`, `Touched::Structure`).

use std::collections::{BTreeMap, BTreeSet};

use crate::convention::TerritoryKey;
use crate::diagnostic::Diagnostic;

use super::{JUSTIFY, NOT_SIGNED, SIGNATURE_YEAR};

/// The code of the achievements entered for an evaluation the catalogue does not have.
const UNKNOWN: &str = "E-EVAL-UNKNOWN";
/// The code of an outside cause that is none of the list.
const CAUSE: &str = "E-EVAL-CAUSE";
const PART_EXCEEDS_TOTAL: &str = "E-EVAL-PART-EXCEEDS-TOTAL";
const SPLIT_SUM: &str = "E-EVAL-SPLIT-SUM";

/// The owners of some evaluation diagnostics (see the module doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owners {
    /// Indicator codes of the owners below (the first segment of each key).
    indicators: BTreeSet<String>,
    /// Stored achievements, by key.
    cells: BTreeSet<String>,
    /// Rows and years of the sums: `indicator|territory` → period keys (`a2`).
    sums: BTreeMap<String, BTreeSet<String>>,
    /// Rows and splits of the lines (`indicator|territory|split`), and justification keys.
    justifications: BTreeSet<String>,
}

impl Owners {
    /// Every owner whose diagnostics can read one of these keys (achievement cells, commitment
    /// cells or justification keys; any string: a key that designates nothing owns its own
    /// diagnostics).
    pub fn of_keys<K: AsRef<str>>(keys: impl IntoIterator<Item = K>) -> Self {
        let mut o = Owners::default();
        for k in keys {
            o.insert_key(k.as_ref());
        }
        o
    }

    /// Add the owners of one key. Read from its text only (`indicator|territory|split|period`,
    /// split by its last two `|`: a split or a period key never holds one), so a key is taken
    /// as a cell and as a justification key at once.
    pub fn insert_key(&mut self, key: &str) {
        self.indicators.insert(super::indicator_of(key).to_string());
        self.cells.insert(key.to_string());
        self.justifications.insert(key.to_string());
        if let Some((line, period)) = key.rsplit_once('|') {
            // A cell: every line of its row and split (its year, the cumulatives).
            self.justifications.insert(line.to_string());
            if let Some((row, _split)) = line.rsplit_once('|') {
                // The sums of its row and year.
                self.sums
                    .entry(row.to_string())
                    .or_default()
                    .insert(period.to_string());
            }
        }
    }

    /// Is `d`, an evaluation diagnostic (`rules::is_evaluation_diagnostic`), one of those
    /// [`super::check_owned`] returns for these owners? (The file's are, always.)
    pub fn owns(&self, d: &Diagnostic) -> bool {
        let loc = &d.location;
        match d.code.as_str() {
            SIGNATURE_YEAR | NOT_SIGNED | UNKNOWN => true,
            CAUSE => loc
                .path
                .as_ref()
                .is_some_and(|k| self.justifications.contains(k)),
            JUSTIFY => loc
                .cell
                .as_ref()
                .and_then(|c| c.rsplit_once('|'))
                .is_some_and(|(line, _)| self.justifications.contains(line)),
            PART_EXCEEDS_TOTAL | SPLIT_SUM => loc
                .cell
                .as_ref()
                .and_then(|c| {
                    let (line, period) = c.rsplit_once('|')?;
                    let (row, _) = line.rsplit_once('|')?;
                    Some((row, period))
                })
                .is_some_and(|(row, period)| {
                    self.sums.get(row).is_some_and(|ys| ys.contains(period))
                }),
            _ => loc.cell.as_ref().is_some_and(|c| self.cells.contains(c)),
        }
    }

    /// Does an owner name this indicator?
    pub(super) fn indicator(&self, code: &str) -> bool {
        self.indicators.contains(code)
    }

    /// The owned achievement keys, in order.
    pub(super) fn cells(&self) -> impl Iterator<Item = &String> {
        self.cells.iter()
    }

    /// Is this justification key an owner?
    pub(super) fn justification(&self, key: &str) -> bool {
        self.justifications.contains(key)
    }

    /// The sums of which years of this row are owned (`None`: none).
    pub(super) fn sums(&self, code: &str, row: &TerritoryKey) -> Option<&BTreeSet<String>> {
        self.sums.get(&crate::convention::key::territory_key(
            code,
            &row.to_string(),
        ))
    }

    /// May lines of this row be owned? (Some of its splits: [`Owners::justification`] of
    /// `indicator|territory|split` decides.)
    pub(super) fn line_row(&self, code: &str, row: &TerritoryKey) -> bool {
        let prefix = crate::convention::key::territory_prefix(code, &row.to_string());
        self.justifications
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|k| k.starts_with(&prefix))
    }
}
