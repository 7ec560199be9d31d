//! How the sheets print ([`print_setup`]): A4 landscape, pages wide, the banner rows merged
//! over the first page, estimated heights of the rows of wrapped text; and the organism named in
//! the footer ([`footer_organism`]).

use cus_core::convention::Convention;

use super::*;

/// Usable width of a printed page, in millimetres: A4 landscape less 10 mm margins.
pub(crate) const PAGE_MM: f64 = 277.0;
/// Smallest scale a sheet is printed at to fit one page wide (10-point text printed at 5
/// points): a wider sheet spreads over several pages wide, its row labels repeated on each.
pub(crate) const MIN_PRINT_SCALE: f64 = 0.5;
/// A cover of at most this many rows is printed on one page (at about 70 % for 60 rows); a
/// longer one (many segments or territories) over as many pages as it needs, one page wide.
pub(super) const COVER_ROWS_ONE_PAGE: usize = 60;
/// Highest row, in points (Excel's limit): a longer text is cut on paper, never in the cell.
pub(crate) const MAX_ROW_HEIGHT: f64 = 409.5;
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
pub(super) fn print_setup(sheet: &mut SheetOut) {
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
}
