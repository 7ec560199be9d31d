//! XLSX format (Office Open XML). The layout is shared with ODS (`workbook/`,
//! `docs/FORMAT.md`); this module writes it with rust_xlsxwriter and reads it back with calamine.
//!
//! The document properties carry the export date (not the clock), so that the same export gives
//! the same bytes. A text longer than the 32 767 characters a cell can hold is cut there (only
//! free texts of the cover can be that long: long values go to « Autres valeurs », split over
//! several cells).

use std::io::Cursor;

use calamine::Reader as _;
use cus_core::catalogue::Catalogue;
use cus_core::diagnostic::Diagnostic;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, Workbook, Worksheet,
    XlsxError,
};

use crate::technical;
use crate::workbook::{self, Content, SheetOut, Style};
use crate::{ExportInput, Format, Imported};

/// Export as an XLSX file.
pub fn export(input: &ExportInput) -> Vec<u8> {
    let sheets = workbook::layout(input);
    build(&sheets, input).unwrap_or_default()
}

fn cell_format(style: Style) -> Option<CellFormat> {
    Some(match style {
        Style::Plain => return None,
        Style::Title => wrapped_top().set_bold().set_font_size(14),
        Style::Draft => wrapped_top()
            .set_bold()
            .set_font_size(12)
            .set_font_color(Color::RGB(0xC0_00_00)),
        Style::Header => CellFormat::new()
            .set_bold()
            .set_background_color(Color::RGB(0xE7_E6_E6))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        Style::Key => CellFormat::new()
            .set_font_size(8)
            .set_font_color(Color::RGB(0x80_80_80)),
        Style::Label => CellFormat::new().set_bold().set_align(FormatAlign::Top),
        Style::Note | Style::Value => wrapped_top(),
        Style::OneDecimal => CellFormat::new()
            .set_num_format("0.0")
            .set_align(FormatAlign::Top),
    })
}

/// A text wrapped at the top of its cell.
fn wrapped_top() -> CellFormat {
    CellFormat::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
}

fn build(sheets: &[SheetOut], input: &ExportInput) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(match input.mode {
            crate::Mode::Brouillon => {
                format!("Convention d'utilité sociale — {}", workbook::DRAFT_MARK)
            }
            crate::Mode::Final => "Convention d'utilité sociale — export final".to_string(),
        })
        .set_author("CUS indicateurs")
        .set_subject(input.convention.organisme.raison_sociale.as_str());
    // A fixed date (the export's, else the epoch of Excel's calendar) instead of the clock.
    let (y, mo, d, h, mi, s) =
        workbook::parse_iso_datetime(input.exported_at).unwrap_or((2000, 1, 1, 0, 0, 0));
    if let Ok(date) = ExcelDateTime::from_ymd(y, mo, d).and_then(|d| d.and_hms(u16::from(h), mi, s))
    {
        props = props.set_creation_datetime(&date);
    }
    wb.set_properties(&props);
    let formats: Vec<(Style, CellFormat)> = Style::ALL
        .iter()
        .filter_map(|&s| cell_format(s).map(|f| (s, f)))
        .collect();
    let format_of = |s: Style| formats.iter().find(|(x, _)| *x == s).map(|(_, f)| f);
    // `&&` is a literal ampersand in a footer.
    let footer = format!(
        "&L{}&C&A&RPage &P / &N",
        workbook::footer_organism(input.convention).replace('&', "&&")
    );
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        write_sheet(ws, sheet, &format_of)?;
        page_setup(ws, sheet, &footer)?;
    }
    wb.save_to_buffer()
}

fn write_sheet<'f>(
    ws: &mut Worksheet,
    sheet: &SheetOut,
    format_of: &dyn Fn(Style) -> Option<&'f CellFormat>,
) -> Result<(), XlsxError> {
    for (c, w) in sheet.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for &(r, h) in &sheet.heights {
        ws.set_row_height(r, h)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            let fmt = format_of(cell.style);
            match (&cell.content, fmt) {
                (Content::Empty, None) => {}
                (Content::Empty, Some(f)) => {
                    ws.write_blank(r, c, f)?;
                }
                (Content::Number(n), None) => {
                    ws.write_number(r, c, *n)?;
                }
                (Content::Number(n), Some(f)) => {
                    ws.write_number_with_format(r, c, *n, f)?;
                }
                (Content::Bool(b), None) => {
                    ws.write_boolean(r, c, *b)?;
                }
                (Content::Bool(b), Some(f)) => {
                    ws.write_boolean_with_format(r, c, *b, f)?;
                }
                (Content::Text(t), fmt) => {
                    let t = fit(&workbook::encode_text(t));
                    let span = sheet.spans.iter().find(|(sr, _)| *sr == r).map(|(_, n)| *n);
                    match (fmt, span) {
                        (fmt, Some(n)) if c == 0 && n > 1 => {
                            let plain = CellFormat::new();
                            ws.merge_range(r, 0, r, n as u16 - 1, &t, fmt.unwrap_or(&plain))?
                        }
                        (None, _) => ws.write_string(r, c, t)?,
                        (Some(f), _) => ws.write_string_with_format(r, c, t, f)?,
                    };
                }
            }
        }
    }
    if sheet.frozen_rows > 0 || sheet.frozen_cols > 0 {
        ws.set_freeze_panes(sheet.frozen_rows, sheet.frozen_cols as u16)?;
    }
    Ok(())
}

/// A4 landscape, fitted to the sheet's pages wide (and tall), title rows and row labels
/// repeated on every page, the footer.
fn page_setup(ws: &mut Worksheet, sheet: &SheetOut, footer: &str) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    ws.set_landscape();
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_print_fit_to_pages(sheet.pages_wide as u16, sheet.pages_tall as u16);
    ws.set_page_order(false); // over, then down
    ws.set_footer(footer);
    if sheet.frozen_rows > 0 {
        ws.set_repeat_rows(0, sheet.frozen_rows - 1)?;
    }
    if sheet.frozen_cols > 0 {
        ws.set_repeat_columns(0, sheet.frozen_cols as u16 - 1)?;
    }
    Ok(())
}

/// A text cut to what a cell holds (32 767 UTF-16 units), on a character boundary.
fn fit(s: &str) -> String {
    if s.len() <= workbook::MAX_CELL_TEXT {
        return s.to_string();
    }
    let mut units = 0;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > workbook::MAX_CELL_TEXT {
            end = i;
            break;
        }
    }
    s[..end].to_string()
}

/// Import an XLSX file written by [`export`] (or edited since in a spreadsheet).
pub fn import(
    bytes: &[u8],
    file_name: &str,
    cats: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    workbook::precheck(bytes, file_name, Format::Xlsx)?;
    let mut xlsx: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        workbook::unreadable_workbook(
            file_name,
            "XLSX",
            &technical::xlsx(&e),
            &technical::detail(&e),
        )
    })?;
    let sheets: Vec<workbook::SheetIn> = xlsx
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = xlsx
                .worksheet_range(&name)
                .map_err(|e| (technical::xlsx(&e), technical::detail(&e)));
            (name, range)
        })
        .collect();
    workbook::read(sheets, Format::Xlsx, file_name, cats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let s = "é".repeat(40_000);
        let cut = fit(&s);
        assert_eq!(cut.encode_utf16().count(), workbook::MAX_CELL_TEXT);
        assert_eq!(fit("abc"), "abc");
    }
}
