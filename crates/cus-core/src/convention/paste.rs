//! A block copied from a spreadsheet (tab-separated columns, one line per row, French or English
//! numbers) and pasted into an indicator's grid from one of its cells: which cells it writes,
//! which receive a text that is not a number, how many values fall outside the grid.

use super::{Edit, GridShape, Value};

/// One pasted block: rows of cells, each empty, a number, or a French message.
pub type PastedBlock = Vec<Vec<Result<Option<f64>, String>>>;

/// The lines of a block, without their line ends; a trailing newline is ignored.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    text.split('\n').map(|line| line.trim_end_matches('\r'))
}

/// One cell of a block as typed: empty, a number (a `%` sign and quotes allowed), or a message.
fn parse_cell(c: &str) -> Result<Option<f64>, String> {
    let c = c.trim().trim_matches('"');
    if c.is_empty() {
        Ok(None)
    } else {
        crate::numfmt::parse_fr(c.trim_end_matches('%').trim())
            .map(Some)
            .map_err(|e| e.message_fr(c))
    }
}

/// Parse a block copied from a spreadsheet. Empty cells stay empty; a trailing newline is ignored.
pub fn parse_pasted_block(text: &str) -> PastedBlock {
    lines(text)
        .map(|line| line.split('\t').map(parse_cell).collect())
        .collect()
}

/// Is this clipboard text a block (several cells), rather than one value for the input itself?
pub fn is_pasted_block(text: &str) -> bool {
    text.contains('\t') || text.trim_end().contains('\n')
}

/// What a block pasted at one cell of a grid does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Paste {
    /// Cells (canonical keys) receiving a number, or emptied by an empty cell of the block.
    pub writes: Vec<(String, Option<f64>)>,
    /// Cells receiving a text that is not a number: kept as typed (trimmed), to be corrected.
    pub bad: Vec<(String, String)>,
    /// Values of the block beyond the last row or column of the grid, ignored.
    pub outside: usize,
}

impl Paste {
    /// The block `text` pasted with its first cell at (`row`, `col`) of `shape` (a column as in
    /// [`GridShape::col`]). The text is split once; each cell is read once.
    pub fn new(shape: &GridShape, text: &str, row: usize, col: usize) -> Paste {
        let mut out = Paste::default();
        for (dr, line) in lines(text).enumerate() {
            for (dc, raw) in line.split('\t').enumerate() {
                match shape.key_at(row + dr, col + dc) {
                    None => out.outside += 1,
                    Some(k) => match parse_cell(raw) {
                        Ok(n) => out.writes.push((k, n)),
                        Err(_) => out.bad.push((k, raw.trim().to_string())),
                    },
                }
            }
        }
        out
    }

    /// The whole block as one edit (so one undo step): numbers and emptied cells, then texts.
    pub fn into_edit(self) -> Edit {
        Edit::SetCells(
            self.writes
                .into_iter()
                .map(|(k, v)| (k, v.map(Value::Number)))
                .chain(self.bad.into_iter().map(|(k, t)| (k, Some(Value::Text(t)))))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convention::Convention;

    #[test]
    fn pasted_blocks_from_excel_and_libreoffice() {
        let b = parse_pasted_block("1 234\t12,5\t\r\n0\t7%\tabc\r\n");
        assert_eq!(b.len(), 2);
        assert_eq!(b[0], vec![Ok(Some(1234.0)), Ok(Some(12.5)), Ok(None)]);
        assert_eq!(b[1][0], Ok(Some(0.0)));
        assert_eq!(b[1][1], Ok(Some(7.0)));
        assert!(b[1][2].as_ref().unwrap_err().contains("« abc »"));
        assert_eq!(parse_pasted_block("5"), vec![vec![Ok(Some(5.0))]]);
        assert_eq!(
            parse_pasted_block("\"1\u{202f}000\""),
            vec![vec![Ok(Some(1000.0))]]
        );
    }

    #[test]
    fn what_is_a_block() {
        for (text, block) in [
            ("12", false),
            ("12\n", false),
            ("12\r\n", false),
            ("1\t2", true),
            ("1\n2", true),
            ("1\r\n2\r\n", true),
            ("\t", true),
        ] {
            assert_eq!(is_pasted_block(text), block, "{text:?}");
        }
    }

    /// PP-2 (one split; periods ref, a1…a6) over départements 59 and 62: 2 rows × 7 columns.
    fn shape() -> GridShape {
        let cats = crate::catalogue::embedded();
        let cat = crate::catalogue::latest(&cats, "cus2-logements-locatifs").unwrap();
        let conv = Convention {
            departements: vec!["59".into(), "62".into()],
            ..Default::default()
        };
        GridShape::new(&conv, cat.indicator("PP-2").unwrap(), None)
    }

    #[test]
    fn a_block_pasted_at_a_cell() {
        let shape = shape();
        let k = |r: &str, p: &str| format!("PP-2|departement:{r}|valeur|{p}");
        // (text, row, col) → (writes, bad, outside)
        type Want = (Vec<(String, Option<f64>)>, Vec<(String, String)>, usize);
        let cases: Vec<(&str, usize, usize, Want)> = vec![
            (
                "1\t2\r\n3\t4\r\n",
                0,
                5,
                (
                    vec![
                        (k("59", "a5"), Some(1.0)),
                        (k("59", "a6"), Some(2.0)),
                        (k("62", "a5"), Some(3.0)),
                        (k("62", "a6"), Some(4.0)),
                    ],
                    vec![],
                    0,
                ),
            ),
            // Beyond the last column and the last row.
            (
                "1\t2\t3",
                1,
                5,
                (
                    vec![(k("62", "a5"), Some(1.0)), (k("62", "a6"), Some(2.0))],
                    vec![],
                    1,
                ),
            ),
            (
                "1\n2\n3\n",
                0,
                0,
                (
                    vec![(k("59", "ref"), Some(1.0)), (k("62", "ref"), Some(2.0))],
                    vec![],
                    1,
                ),
            ),
            // A text is kept as typed (trimmed, quotes kept); an empty cell empties its cell.
            (
                "5\t \"n/a\" \t\t1 234,5 %",
                1,
                1,
                (
                    vec![
                        (k("62", "a1"), Some(5.0)),
                        (k("62", "a3"), None),
                        (k("62", "a4"), Some(1234.5)),
                    ],
                    vec![(k("62", "a2"), "\"n/a\"".into())],
                    0,
                ),
            ),
            // Pasted outside the grid altogether.
            ("1\t2", 2, 0, (vec![], vec![], 2)),
        ];
        for (text, row, col, (writes, bad, outside)) in cases {
            let got = Paste::new(&shape, text, row, col);
            assert_eq!(
                got,
                Paste {
                    writes,
                    bad,
                    outside
                },
                "{text:?} at ({row}, {col})"
            );
        }
    }

    #[test]
    fn a_paste_is_one_edit_numbers_first() {
        let paste = Paste::new(&shape(), "x\t\t3", 0, 0);
        assert_eq!(
            paste.into_edit(),
            Edit::SetCells(vec![
                ("PP-2|departement:59|valeur|a1".into(), None),
                (
                    "PP-2|departement:59|valeur|a2".into(),
                    Some(Value::Number(3.0))
                ),
                (
                    "PP-2|departement:59|valeur|ref".into(),
                    Some(Value::Text("x".into()))
                ),
            ])
        );
    }
}
