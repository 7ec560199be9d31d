//! Sheets of typed cells and their two renderings, ODS (by hand: zip and XML) and XLSX
//! (rust_xlsxwriter), for the consolidation workbooks. Smaller than the convention's writers
//! (`ods.rs`, `xlsx.rs`), whose sheets and cells it does not share so that both evolve apart:
//! no export date (every zip entry and the document properties carry a fixed date, so the same
//! consolidation gives the same bytes), a few more cell looks (totals, estimates, notes). The
//! ODS document skeleton is `ods.rs`'s: package, `meta.xml`, `settings.xml`, manifest, the
//! `office:styles` block and the column widths.

use std::collections::HashSet;
use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, Workbook, XlsxError,
};

use crate::neutralise;
use crate::ods::{
    escape, manifest_xml, meta_xml, number_text, office_styles, settings_xml, write_paragraph,
    zip_package, NS,
};
use crate::workbook::{column_mm, encode_text};

/// How a cell looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Look {
    Plain,
    /// Sheet title: bold, larger.
    Title,
    /// Column headers: bold, grey background, wrapped.
    Header,
    /// Labels and block headings: bold.
    Label,
    /// Machine keys: small grey font.
    Key,
    /// Totals, minimum, median, maximum: bold on a light blue background.
    Total,
    /// Estimates and explanations: italic.
    Note,
}

impl Look {
    const ALL: [Look; 7] = [
        Look::Plain,
        Look::Title,
        Look::Header,
        Look::Label,
        Look::Key,
        Look::Total,
        Look::Note,
    ];
}

/// What a cell holds. Texts are neutralised against formula injection when the cell is made.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Empty,
    Num(f64),
    Text(String),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    pub val: Val,
    pub look: Look,
}

/// A text cell (neutralised; an empty text is an empty cell).
pub(crate) fn text(s: &str) -> Cell {
    Cell {
        val: if s.is_empty() {
            Val::Empty
        } else {
            Val::Text(neutralise(s))
        },
        look: Look::Plain,
    }
}

/// A number cell (a number that is not finite is written as « — »).
pub(crate) fn num(n: f64) -> Cell {
    Cell {
        val: if n.is_finite() {
            Val::Num(n)
        } else {
            Val::Text("—".into())
        },
        look: Look::Plain,
    }
}

/// A number or an empty cell.
pub(crate) fn opt(n: Option<f64>) -> Cell {
    n.map_or_else(empty, num)
}

pub(crate) fn empty() -> Cell {
    Cell {
        val: Val::Empty,
        look: Look::Plain,
    }
}

impl Cell {
    pub(crate) fn look(mut self, look: Look) -> Cell {
        self.look = look;
        self
    }
}

/// One sheet to write.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    /// Width of each column, in characters.
    pub widths: Vec<f64>,
    pub frozen_rows: u32,
    pub frozen_cols: u32,
}

impl Sheet {
    pub(crate) fn row(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub(crate) fn blank(&mut self) {
        self.rows.push(Vec::new());
    }
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`, not starting or ending with an
/// apostrophe, unique whatever the case (rules of both Excel and LibreOffice): `~2`, `~3`… as
/// in the convention's workbook.
#[derive(Default)]
pub(crate) struct Names(HashSet<String>);

impl Names {
    pub(crate) fn take(&mut self, wanted: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        let clean = clean.trim_matches('\'').trim();
        let base: String = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            "Indicateur".to_string()
        } else {
            clean.chars().take(31).collect()
        };
        let mut name = base.clone();
        let mut n = 2;
        while self.0.contains(&name.to_lowercase()) {
            let suffix = format!("~{n}");
            let keep = 31 - suffix.chars().count();
            name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
            n += 1;
        }
        self.0.insert(name.to_lowercase());
        name
    }
}

// ---------------------------------------------------------------------------------------------
// ODS

/// The sheets as an ODS file.
pub(crate) fn ods(sheets: &[Sheet]) -> Vec<u8> {
    ods_package(sheets).unwrap_or_default()
}

fn ods_package(sheets: &[Sheet]) -> zip::result::ZipResult<Vec<u8>> {
    let frozen = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.frozen_cols, s.frozen_rows));
    // A fixed date (the zip epoch) rather than the clock.
    zip_package(
        zip::DateTime::default(),
        [
            ("content.xml", content_xml(sheets)),
            ("styles.xml", styles_xml()),
            ("meta.xml", meta_xml(DOC_TITLE, None, None)),
            (
                "settings.xml",
                settings_xml(frozen, sheets.first().map(|s| s.name.as_str())),
            ),
            ("META-INF/manifest.xml", manifest_xml()),
        ],
    )
}

fn style_name(look: Look) -> &'static str {
    match look {
        Look::Plain => "Default",
        Look::Title => "ceTitle",
        Look::Header => "ceHeader",
        Look::Label => "ceLabel",
        Look::Key => "ceKey",
        Look::Total => "ceTotal",
        Look::Note => "ceNote",
    }
}

fn cell_style(look: Look) -> Option<&'static str> {
    Some(match look {
        Look::Plain => return None,
        Look::Title => r#"<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>"#,
        Look::Header => concat!(
            r##"<style:table-cell-properties fo:background-color="#e7e6e6" fo:wrap-option="wrap" style:vertical-align="top"/>"##,
            r#"<style:text-properties fo:font-weight="bold"/>"#
        ),
        Look::Label => r#"<style:text-properties fo:font-weight="bold"/>"#,
        Look::Key => r##"<style:text-properties fo:color="#808080" fo:font-size="8pt"/>"##,
        Look::Total => concat!(
            r##"<style:table-cell-properties fo:background-color="#ddebf7"/>"##,
            r#"<style:text-properties fo:font-weight="bold"/>"#
        ),
        Look::Note => r#"<style:text-properties fo:font-style="italic"/>"#,
    })
}

fn content_xml(sheets: &[Sheet]) -> String {
    let cells: usize = sheets
        .iter()
        .map(|s| s.rows.iter().map(Vec::len).sum::<usize>())
        .sum();
    let text_bytes: usize = sheets
        .iter()
        .flat_map(|s| s.rows.iter().flatten())
        .map(|c| match &c.val {
            Val::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    let mut x = String::with_capacity(4096 + cells * 64 + text_bytes);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push('\n');
    let _ = write!(x, "<office:document-content {NS}>");
    x.push_str("<office:automatic-styles>");
    let mut widths: Vec<u32> = sheets
        .iter()
        .flat_map(|s| s.widths.iter().map(|w| column_mm(*w)))
        .collect();
    widths.sort_unstable();
    widths.dedup();
    for mm in widths {
        let _ = writeln!(
            x,
            r#"<style:style style:name="co{mm}" style:family="table-column"><style:table-column-properties fo:break-before="auto" style:column-width="{mm}mm"/></style:style>"#
        );
    }
    x.push_str(r#"<style:style style:name="ta1" style:family="table" style:master-page-name="Default"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>"#);
    x.push('\n');
    for look in Look::ALL {
        if let Some(props) = cell_style(look) {
            let _ = writeln!(
                x,
                r#"<style:style style:name="{}" style:family="table-cell" style:parent-style-name="Default">{props}</style:style>"#,
                style_name(look)
            );
        }
    }
    x.push_str("</office:automatic-styles>\n<office:body><office:spreadsheet>\n");
    for sheet in sheets {
        let _ = writeln!(
            x,
            r#"<table:table table:name="{}" table:style-name="ta1">"#,
            escape(&sheet.name, true)
        );
        for w in &sheet.widths {
            let _ = writeln!(
                x,
                r#"<table:table-column table:style-name="co{}" table:default-cell-style-name="Default"/>"#,
                column_mm(*w)
            );
        }
        let header = (sheet.frozen_rows as usize).min(sheet.rows.len());
        for (i, row) in sheet.rows.iter().enumerate() {
            if header > 0 && i == 0 {
                x.push_str("<table:table-header-rows>\n");
            }
            write_row(&mut x, row);
            if header > 0 && i + 1 == header {
                x.push_str("</table:table-header-rows>\n");
            }
        }
        x.push_str("</table:table>\n");
    }
    x.push_str("</office:spreadsheet></office:body></office:document-content>");
    x
}

fn write_row(x: &mut String, row: &[Cell]) {
    x.push_str("<table:table-row>");
    if row.is_empty() {
        x.push_str("<table:table-cell/>");
    }
    let mut i = 0;
    while i < row.len() {
        let cell = &row[i];
        let style = match cell.look {
            Look::Plain => String::new(),
            s => format!(r#" table:style-name="{}""#, style_name(s)),
        };
        match &cell.val {
            Val::Empty => {
                let run = row[i..]
                    .iter()
                    .take_while(|c| c.val == Val::Empty && c.look == cell.look)
                    .count()
                    .max(1);
                if run > 1 {
                    let _ = write!(
                        x,
                        r#"<table:table-cell{style} table:number-columns-repeated="{run}"/>"#
                    );
                } else {
                    let _ = write!(x, "<table:table-cell{style}/>");
                }
                i += run;
                continue;
            }
            Val::Num(n) => {
                let v = number_text(*n);
                let _ = write!(
                    x,
                    r#"<table:table-cell{style} office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                );
            }
            Val::Text(t) => {
                let _ = write!(x, r#"<table:table-cell{style} office:value-type="string">"#);
                write_paragraph(x, &encode_text(t));
                x.push_str("</table:table-cell>");
            }
        }
        i += 1;
    }
    x.push_str("</table:table-row>\n");
}

fn styles_xml() -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<office:document-styles {ns}>",
            office_styles!(),
            "<office:automatic-styles>",
            r#"<style:page-layout style:name="pm1"><style:page-layout-properties style:print-orientation="landscape" fo:page-width="297mm" fo:page-height="210mm" fo:margin-top="10mm" fo:margin-bottom="10mm" fo:margin-left="10mm" fo:margin-right="10mm"/></style:page-layout>"#,
            "</office:automatic-styles>",
            "<office:master-styles>",
            r#"<style:master-page style:name="Default" style:page-layout-name="pm1"/>"#,
            "</office:master-styles>",
            "</office:document-styles>"
        ),
        ns = NS
    )
}

/// Title of the document properties of both formats.
const DOC_TITLE: &str = "Consolidation de conventions d'utilité sociale sur un territoire";

// ---------------------------------------------------------------------------------------------
// XLSX

/// The sheets as an XLSX file.
pub(crate) fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    xlsx_build(sheets).unwrap_or_default()
}

fn cell_format(look: Look) -> Option<CellFormat> {
    Some(match look {
        Look::Plain => return None,
        Look::Title => CellFormat::new().set_bold().set_font_size(14),
        Look::Header => CellFormat::new()
            .set_bold()
            .set_background_color(Color::RGB(0xE7_E6_E6))
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        Look::Label => CellFormat::new().set_bold(),
        Look::Key => CellFormat::new()
            .set_font_size(8)
            .set_font_color(Color::RGB(0x80_80_80)),
        Look::Total => CellFormat::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDD_EB_F7)),
        Look::Note => CellFormat::new().set_italic(),
    })
}

fn xlsx_build(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(DOC_TITLE)
        .set_author("CUS indicateurs");
    // A fixed date instead of the clock, so that the same consolidation gives the same bytes.
    if let Ok(date) = ExcelDateTime::from_ymd(2000, 1, 1) {
        props = props.set_creation_datetime(&date);
    }
    wb.set_properties(&props);
    let formats: Vec<(Look, CellFormat)> = Look::ALL
        .iter()
        .filter_map(|&s| cell_format(s).map(|f| (s, f)))
        .collect();
    let format_of = |s: Look| formats.iter().find(|(x, _)| *x == s).map(|(_, f)| f);
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        for (c, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match (&cell.val, format_of(cell.look)) {
                    (Val::Empty, None) => {}
                    (Val::Empty, Some(f)) => {
                        ws.write_blank(r, c, f)?;
                    }
                    (Val::Num(n), None) => {
                        ws.write_number(r, c, *n)?;
                    }
                    (Val::Num(n), Some(f)) => {
                        ws.write_number_with_format(r, c, *n, f)?;
                    }
                    (Val::Text(t), f) => {
                        let t = encode_text(t);
                        match f {
                            None => ws.write_string(r, c, t)?,
                            Some(f) => ws.write_string_with_format(r, c, t, f)?,
                        };
                    }
                }
            }
        }
        if sheet.frozen_rows > 0 || sheet.frozen_cols > 0 {
            ws.set_freeze_panes(sheet.frozen_rows, sheet.frozen_cols as u16)?;
        }
        if sheet.frozen_rows > 0 {
            ws.set_repeat_rows(0, sheet.frozen_rows - 1)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = Names::default();
        assert_eq!(n.take("Synthèse"), "Synthèse");
        assert_eq!(n.take("synthèse"), "synthèse~2");
        assert_eq!(n.take("a/b:c*d?e[f]g\\h"), "a_b_c_d_e_f_g_h");
        let long = n.take(&"x".repeat(40));
        assert_eq!(long.chars().count(), 31);
        let again = n.take(&"x".repeat(40));
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with("~2"));
    }

    #[test]
    fn a_text_like_a_formula_is_neutralised() {
        assert_eq!(text("=1+1").val, Val::Text("'=1+1".into()));
        assert_eq!(num(f64::NAN).val, Val::Text("—".into()));
        assert_eq!(text("").val, Val::Empty);
    }
}
