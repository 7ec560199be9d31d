//! The one place where the keys of a convention's values are assembled and taken apart.
//!
//! A value is stored under its canonical cell key `indicator|territory|split|period`
//! (`PP-1|departement:59|PLAI/hors-qpv|c3`). Other keys are prefixes or suffixes of it: a row
//! (`indicator|territory|split`, the key of a justification in files of earlier versions), a
//! territory prefix (`indicator|territory|`, to scan a row's values in an ordered map) and a
//! grid column (`split|period`, the machine row of the workbooks and the column of a
//! consolidated table). Every other module calls these functions; a tidy test
//! (`tests/tidy.rs`) fails when a key is assembled anywhere else.

use super::{period_key, SplitKey, TerritoryKey};
use crate::catalogue::Period;

/// The separator of the parts of a key.
pub const SEP: char = '|';

fn join<const N: usize>(parts: [&str; N]) -> String {
    let mut k = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            k.push(SEP);
        }
        k.push_str(part);
    }
    k
}

/// The canonical key of a cell from the keys of its parts: `indicator|territory|split|period`.
pub fn cell_key(indicator: &str, territory: &str, split: &str, period: &str) -> String {
    join([indicator, territory, split, period])
}

/// The canonical key of a cell from its typed parts.
pub fn cell_key_of(
    indicator: &str,
    territory: &TerritoryKey,
    split: &SplitKey,
    p: Period,
) -> String {
    cell_key(
        indicator,
        &territory.to_string(),
        &split.key(),
        &period_key(p),
    )
}

/// The key of a row, every period of one split of one territory: `indicator|territory|split`
/// (a justification given for a whole row by files of earlier versions).
pub fn row_key(indicator: &str, territory: &str, split: &str) -> String {
    join([indicator, territory, split])
}

/// The prefix shared by every key of one territory of one indicator: `indicator|territory|`.
pub fn territory_prefix(indicator: &str, territory: &str) -> String {
    let mut k = join([indicator, territory]);
    k.push(SEP);
    k
}

/// The prefix shared by every key of one indicator: `indicator|`.
pub fn indicator_prefix(indicator: &str) -> String {
    let mut k = indicator.to_string();
    k.push(SEP);
    k
}

/// The key of an indicator and a territory: `indicator|territory` (a sum per row).
pub fn territory_key(indicator: &str, territory: &str) -> String {
    join([indicator, territory])
}

/// The `split|period` part of a cell key: a column of a grid.
pub fn column_key(split: &str, period: &str) -> String {
    join([split, period])
}

/// A key prefixed with a number (`2|PP-1|…`: a value of the 2nd signed version in a workbook
/// or a CSV file).
pub fn numbered_key(n: &str, key: &str) -> String {
    join([n, key])
}

/// The key of a column of one indicator, for every territory: `indicator|split|period` (a
/// change of a scenario applied to a whole organism).
pub fn indicator_column_key(indicator: &str, column: &str) -> String {
    join([indicator, column])
}

/// The key of a base given for a territory: `base|territory` (`parc-fg|departement:59`, a row
/// of the CSV format).
pub fn base_key(base: &str, territory: &str) -> String {
    join([base, territory])
}

/// The four parts of a cell key, or `None` when it has not exactly four.
pub fn cell_parts(key: &str) -> Option<[&str; 4]> {
    let mut it = key.split(SEP);
    let parts = [it.next()?, it.next()?, it.next()?, it.next()?];
    it.next().is_none().then_some(parts)
}

/// The indicator code of a key (its first part).
pub fn indicator_of(key: &str) -> &str {
    key.split(SEP).next().unwrap_or_default()
}

/// The key without its last part: the row of a cell key, the split of a column key.
pub fn without_last(key: &str) -> Option<(&str, &str)> {
    key.rsplit_once(SEP)
}

/// The number of parts of a key.
pub fn n_parts(key: &str) -> usize {
    key.split(SEP).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_joined_and_taken_apart() {
        let k = cell_key("PP-1", "departement:59", "PLAI/hors-qpv", "c3");
        assert_eq!(k, "PP-1|departement:59|PLAI/hors-qpv|c3");
        assert_eq!(
            cell_parts(&k),
            Some(["PP-1", "departement:59", "PLAI/hors-qpv", "c3"])
        );
        assert_eq!(cell_parts("PP-1|departement:59|PLAI"), None);
        assert_eq!(cell_parts("a|b|c|d|e"), None);
        assert_eq!(indicator_of(&k), "PP-1");
        assert_eq!(
            without_last(&k),
            Some(("PP-1|departement:59|PLAI/hors-qpv", "c3"))
        );
        assert_eq!(
            row_key("PP-2", "departement:02", "valeur"),
            "PP-2|departement:02|valeur"
        );
        assert!(k.starts_with(&territory_prefix("PP-1", "departement:59")));
        assert!(!k.starts_with(&territory_prefix("PP-1", "departement:5")));
        assert_eq!(column_key("total", "a1"), "total|a1");
        assert_eq!(numbered_key("2", &k), format!("2|{k}"));
        assert_eq!(indicator_column_key("PP-1", "total|a1"), "PP-1|total|a1");
        assert_eq!(territory_key("PP-1", "organisme"), "PP-1|organisme");
        assert_eq!(n_parts(&k), 4);
        assert_eq!(
            cell_key_of(
                "PP-1",
                &TerritoryKey::Departement("59".into()),
                &SplitKey {
                    members: vec![Some("PLAI".into())],
                    part: None
                },
                Period::Cumulative(3)
            ),
            "PP-1|departement:59|PLAI|c3"
        );
    }
}
