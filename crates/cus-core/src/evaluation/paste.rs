//! A block copied from a spreadsheet and pasted into the achievement grid of « Évaluer »: the
//! same parser as every grid of the app (`convention::parse_pasted_block`), spread over the
//! years (and, for a percentage, over each year's numerator and denominator) and the rows,
//! as one undoable edit. A row pasted into one cell is never read as one number.

use super::Achievements;
use crate::convention::{parse_pasted_block, Edit, Terms};

/// What a block pasted at one input of the achievement grid writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AchievementPaste {
    /// One edit for the whole block (`None`: nothing to write).
    pub edit: Option<Edit>,
    /// Values written.
    pub written: usize,
    /// French messages for the cells that are not a number (nothing of them written).
    pub bad: Vec<String>,
    /// Values beyond the last row or year of the grid (not written).
    pub outside: usize,
}

/// The block `text` pasted at (`row`, `col`) of an achievement grid whose rows have the cell
/// keys `keys[row][year]` (one key per year shown). For a count, a column is a year; for a
/// percentage (`terms`), two columns per year: its numerator, then its denominator (the other
/// term of a year already entered is kept).
pub fn paste_achievements(
    ach: &Achievements,
    keys: &[Vec<String>],
    terms: bool,
    text: &str,
    row: usize,
    col: usize,
) -> AchievementPaste {
    let mut out = AchievementPaste::default();
    let mut values: Vec<(String, Option<f64>)> = Vec::new();
    let mut pairs: Vec<(String, Terms)> = Vec::new();
    let per_year = if terms { 2 } else { 1 };
    for (i, line) in parse_pasted_block(text).into_iter().enumerate() {
        for (j, cell) in line.into_iter().enumerate() {
            let c = col + j;
            let Some(key) = keys.get(row + i).and_then(|r| r.get(c / per_year)) else {
                if !matches!(cell, Ok(None)) {
                    out.outside += 1;
                }
                continue;
            };
            let v = match cell {
                Ok(None) => continue,
                Ok(Some(v)) => v,
                Err(m) => {
                    out.bad.push(m);
                    continue;
                }
            };
            out.written += 1;
            if terms {
                let pos = match pairs.iter().position(|(k, _)| k == key) {
                    Some(p) => p,
                    None => {
                        pairs.push((key.clone(), ach.terms.get(key).cloned().unwrap_or_default()));
                        pairs.len() - 1
                    }
                };
                if c.is_multiple_of(2) {
                    pairs[pos].1.numerator = Some(v);
                } else {
                    pairs[pos].1.denominator = Some(v);
                }
            } else {
                values.push((key.clone(), Some(v)));
            }
        }
    }
    out.edit = if terms {
        (!pairs.is_empty())
            .then(|| Edit::SetTerms(pairs.into_iter().map(|(k, t)| (k, Some(t))).collect()))
    } else {
        (!values.is_empty()).then_some(Edit::SetAchieved(values))
    };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(rows: usize, years: usize) -> Vec<Vec<String>> {
        (0..rows)
            .map(|r| (1..=years).map(|y| format!("X|r{r}|valeur|a{y}")).collect())
            .collect()
    }

    #[test]
    fn a_row_pasted_in_one_cell_spreads_over_the_years() {
        let ach = Achievements::default();
        // `6⇥5⇥7` from the first cell: three years, never 657.
        let p = paste_achievements(&ach, &keys(2, 3), false, "6\t5\t7", 0, 0);
        assert_eq!(
            p.edit,
            Some(Edit::SetAchieved(vec![
                ("X|r0|valeur|a1".into(), Some(6.0)),
                ("X|r0|valeur|a2".into(), Some(5.0)),
                ("X|r0|valeur|a3".into(), Some(7.0)),
            ]))
        );
        assert_eq!((p.written, p.outside, p.bad.len()), (3, 0, 0));
        // Two lines from the second year: two rows, the third value of each line outside.
        let p = paste_achievements(&ach, &keys(2, 3), false, "1\t2\t3\n4\tdix\t6\n", 0, 1);
        assert_eq!(
            p.edit,
            Some(Edit::SetAchieved(vec![
                ("X|r0|valeur|a2".into(), Some(1.0)),
                ("X|r0|valeur|a3".into(), Some(2.0)),
                ("X|r1|valeur|a2".into(), Some(4.0)),
            ]))
        );
        assert_eq!((p.written, p.outside, p.bad.len()), (3, 2, 1));
    }

    #[test]
    fn a_percentage_takes_numerator_then_denominator_and_keeps_the_other_term() {
        let mut ach = Achievements::default();
        ach.terms.insert(
            "X|r0|valeur|a2".into(),
            Terms {
                numerator: Some(1.0),
                denominator: Some(9.0),
            },
        );
        // `40⇥100⇥41` from the first numerator: 40 / 100 for year 1, 41 as year 2's numerator
        // (its denominator 9 kept).
        let p = paste_achievements(&ach, &keys(1, 3), true, "40\t100\t41", 0, 0);
        assert_eq!(
            p.edit,
            Some(Edit::SetTerms(vec![
                (
                    "X|r0|valeur|a1".into(),
                    Some(Terms {
                        numerator: Some(40.0),
                        denominator: Some(100.0)
                    })
                ),
                (
                    "X|r0|valeur|a2".into(),
                    Some(Terms {
                        numerator: Some(41.0),
                        denominator: Some(9.0)
                    })
                ),
            ]))
        );
        // From a denominator: the next value is the following year's numerator.
        let p = paste_achievements(&ach, &keys(1, 3), true, "50\t7", 0, 1);
        assert_eq!(p.written, 2);
        match p.edit {
            Some(Edit::SetTerms(t)) => {
                assert_eq!(t[0].1.as_ref().unwrap().denominator, Some(50.0));
                assert_eq!(t[1].1.as_ref().unwrap().numerator, Some(7.0));
                assert_eq!(t[1].1.as_ref().unwrap().denominator, Some(9.0));
            }
            other => panic!("{other:?}"),
        }
    }
}
