//! Sheets of typed cells and their two renderings, ODS (by hand: zip and XML) and XLSX
//! (rust_xlsxwriter), for the consolidation workbooks. Smaller than the convention's writers
//! (`ods.rs`, `xlsx.rs`), whose sheets and cells it does not share so that both evolve apart:
//! no export date (every zip entry and the document properties carry a fixed date, so the same
//! consolidation gives the same bytes), a few more cell looks (totals, estimates, notes). The
//! ODS document skeleton is `ods.rs`'s: package, `meta.xml`, `settings.xml`, manifest, the
//! `office:styles` block and the column widths; the rule of the sheet names (`SheetNames`) and
//! the page (size, smallest scale, highest row) are `workbook/`'s.
//!
//! Both formats print alike (`docs/FORMAT.md`, « Impression du classeur de consolidation »): A4
//! landscape, each sheet scaled down to one page wide or, when that would print it under half
//! size, to as many pages wide as keep it at half size, its frozen columns repeated; texts
//! wrapped at the top of their cells, a lone text (title, explanation) merged over the columns of
//! the first page, rows of wrapped text given an estimated height; numbers kept whole in the
//! cell and shown rounded by their number format ([`Shown`]); the technical sheet « espace »
//! hidden and never printed.

use std::fmt::Write as _;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as CellFormat, FormatAlign, Workbook, XlsxError,
};

use super::WORKSPACE_SHEET;
use crate::neutralise;
use crate::ods::{
    escape, manifest_xml, meta_xml, number_text, office_styles, settings_xml, write_paragraph,
    zip_package, LOEXT, NS,
};
// The page (A4 landscape), the smallest print scale and the highest row are those of the
// convention's workbook: a sheet wider than a page at half size spreads over several pages
// wide, its frozen columns (the organisms) repeated on each.
use crate::workbook::{
    column_mm, encode_text, wrapped_lines, MAX_ROW_HEIGHT, MIN_PRINT_SCALE, PAGE_MM,
};

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

    /// Does a text of this look wrap in its cell? Every look but the machine keys (one line,
    /// cut at the next cell).
    fn wraps(self) -> bool {
        self != Look::Key
    }

    /// Font size (points) and boldness, for the height of a row of wrapped text.
    fn font(self) -> (f64, bool) {
        match self {
            Look::Title => (14.0, true),
            Look::Header | Look::Label | Look::Total => (10.0, true),
            Look::Key => (8.0, false),
            Look::Plain | Look::Note => (10.0, false),
        }
    }
}

/// How a number shows: the cell keeps its full value (`27.434456928839`), its number format
/// rounds the display (`27,4`). Whole numbers without decimals, others with one (percentages,
/// shares, averages, estimates by a split key), or up to two below 1 so that a small share does
/// not show as 0; a whole number among decimals (a run of numbers of one look down a column:
/// the shares of the organisms) with one too, so that the column reads alike (`14,0` beside
/// `12,9`); thousands grouped from [`GROUPED_FROM`] on, as French typography does (a year,
/// 2026, is not grouped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Whole,
    WholeGrouped,
    Tenths,
    TenthsGrouped,
    Small,
}

/// Smallest number shown with its thousands grouped.
const GROUPED_FROM: f64 = 10_000.0;

/// Is `n` whole? A sum of decimals a hair off a whole number (3 849.000000001) is.
fn whole(n: f64) -> bool {
    (n - n.round()).abs() <= 1e-9 * n.abs().max(1.0)
}

impl Shown {
    const ALL: [Shown; 5] = [
        Shown::Whole,
        Shown::WholeGrouped,
        Shown::Tenths,
        Shown::TenthsGrouped,
        Shown::Small,
    ];

    /// How `n` shows; `among_decimals`: its run has a number that is not whole.
    fn of(n: f64, among_decimals: bool) -> Shown {
        let grouped = n.abs() >= GROUPED_FROM;
        match (whole(n), among_decimals, grouped) {
            (true, false, false) => Shown::Whole,
            (true, false, true) => Shown::WholeGrouped,
            (false, _, _) if n.abs() < 1.0 => Shown::Small,
            (_, _, false) => Shown::Tenths,
            (_, _, true) => Shown::TenthsGrouped,
        }
    }

    /// The number format of the XLSX: locale-neutral codes, shown by Excel and LibreOffice
    /// with the separators of the user's locale (`12 345,6` in French).
    fn code(self) -> &'static str {
        match self {
            Shown::Whole => "0",
            Shown::WholeGrouped => "#,##0",
            Shown::Tenths => "0.0",
            Shown::TenthsGrouped => "#,##0.0",
            Shown::Small => "0.0#",
        }
    }

    /// Name of the ODS data style.
    fn ods_name(self) -> &'static str {
        match self {
            Shown::Whole => "N0",
            Shown::WholeGrouped => "N0G",
            Shown::Tenths => "N1",
            Shown::TenthsGrouped => "N1G",
            Shown::Small => "N2",
        }
    }

    /// The ODS data style (`number:number-style`, without language: the user's locale).
    fn ods_style(self) -> String {
        let (decimals, min_decimals, grouping) = match self {
            Shown::Whole => (0, 0, false),
            Shown::WholeGrouped => (0, 0, true),
            Shown::Tenths => (1, 1, false),
            Shown::TenthsGrouped => (1, 1, true),
            Shown::Small => (2, 1, false),
        };
        format!(
            r#"<number:number-style style:name="{}"><number:number number:decimal-places="{decimals}" number:min-decimal-places="{min_decimals}" number:min-integer-digits="1"{}/></number:number-style>"#,
            self.ods_name(),
            if grouping {
                r#" number:grouping="true""#
            } else {
                ""
            }
        )
    }
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

/// Width of a character of 10-point text, in millimetres, to estimate the lines of a wrapped
/// text: a little over the average of French text in Liberation Sans (1.47 mm measured on the
/// printed région sample), so that a text that just fits is given a second line rather than
/// printed over the next row.
const CHAR_MM: f64 = 1.6;
/// Room a cell leaves around its text, in millimetres.
const CELL_PADDING_MM: f64 = 2.0;

/// How a sheet is written besides its cells.
struct Print {
    /// The technical sheet « espace » (found by its name, as [`super::import_workspace`] finds
    /// it): hidden, never printed, its plain texts (pieces of JSON of 30 000 characters) not
    /// wrapped.
    technical: bool,
    /// Pages wide the sheet is fitted to (scaled down to fit, never up).
    pages_wide: u32,
    /// Columns a lone text (a row of one text cell: a title, an explanation) is spread over
    /// and wrapped in: those of the first printed page.
    span: u16,
    /// For each cell, whether its run (numbers of one look down a column, one under the
    /// other) has a number that is not whole.
    among_decimals: Vec<Vec<bool>>,
}

impl Print {
    fn of(sheet: &Sheet) -> Print {
        let mm: Vec<f64> = sheet
            .widths
            .iter()
            .map(|w| f64::from(column_mm(*w)))
            .collect();
        let total: f64 = mm.iter().sum();
        let repeated: f64 = mm.iter().take(sheet.frozen_cols as usize).sum();
        let room = PAGE_MM / MIN_PRINT_SCALE;
        // (Repeated columns of half the room or more: one page wide, however small.)
        let pages_wide = if total <= room || repeated >= room / 2.0 {
            1
        } else {
            ((total - repeated) / (room - repeated)).ceil().max(1.0) as u32
        };
        // The width of the sheet each page shows, repeated columns included.
        let page = if pages_wide == 1 {
            total
        } else {
            repeated + (total - repeated) / f64::from(pages_wide)
        };
        let mut span = 0u16;
        let mut width = 0.0;
        for w in &mm {
            width += w;
            if width > page + 0.5 {
                break;
            }
            span += 1;
        }
        Print {
            technical: sheet.name == WORKSPACE_SHEET,
            pages_wide,
            span,
            among_decimals: among_decimals(&sheet.rows),
        }
    }

    /// How the number `n` of the cell at row `r`, column `c` shows.
    fn shown(&self, r: usize, c: usize, n: f64) -> Shown {
        let among = self
            .among_decimals
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(false);
        Shown::of(n, among)
    }

    /// Do the texts of this look wrap here?
    fn wraps(&self, look: Look) -> bool {
        !self.technical && look.wraps()
    }

    /// How a row is written: the columns its lone text spreads over (a row of one text cell: a
    /// title, an explanation), and the height of the row in points when a wrapped text takes
    /// more than one line. The height is estimated rather than left to the application, which
    /// fits rows to the screen (a text that just fits there wraps once printed smaller, over the
    /// next row) and not to merged cells.
    fn row(&self, sheet: &Sheet, row: &[Cell]) -> RowFit {
        let span = match row {
            [Cell {
                val: Val::Text(_),
                look,
            }] if self.wraps(*look) && self.span >= 2 => Some(self.span),
            _ => None,
        };
        let mut height: Option<f64> = None;
        for (c, cell) in row.iter().enumerate() {
            let Val::Text(t) = &cell.val else {
                continue;
            };
            if !self.wraps(cell.look) {
                continue;
            }
            let mm: f64 = match span {
                Some(n) => sheet
                    .widths
                    .iter()
                    .take(n as usize)
                    .map(|w| f64::from(column_mm(*w)))
                    .sum(),
                None => f64::from(column_mm(sheet.widths.get(c).copied().unwrap_or(10.0))),
            };
            let (size, bold) = cell.look.font();
            let char_mm = CHAR_MM * size / 10.0 * if bold { 1.1 } else { 1.0 };
            let lines = wrapped_lines(&encode_text(t), (mm - CELL_PADDING_MM) / char_mm);
            if lines > 1 {
                let h = (f64::from(lines) * size * 1.3 + 2.0).min(MAX_ROW_HEIGHT);
                height = Some(height.map_or(h, |x| x.max(h)));
            }
        }
        RowFit { span, height }
    }
}

/// For each cell, whether it is in a run of numbers (of one look, down a column) holding a
/// number that is not whole.
fn among_decimals(rows: &[Vec<Cell>]) -> Vec<Vec<bool>> {
    let mut out: Vec<Vec<bool>> = rows.iter().map(|r| vec![false; r.len()]).collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    for c in 0..columns {
        let look_at = |r: usize| match rows[r].get(c) {
            Some(Cell {
                val: Val::Num(_),
                look,
            }) => Some(*look),
            _ => None,
        };
        let mut r = 0;
        while r < rows.len() {
            let Some(look) = look_at(r) else {
                r += 1;
                continue;
            };
            let start = r;
            let mut decimals = false;
            while r < rows.len() && look_at(r) == Some(look) {
                if let Val::Num(n) = rows[r][c].val {
                    decimals |= !whole(n);
                }
                r += 1;
            }
            if decimals {
                for row in &mut out[start..r] {
                    row[c] = true;
                }
            }
        }
    }
    out
}

/// How a row is written besides its cells ([`Print::row`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct RowFit {
    /// Columns its lone text is merged over.
    span: Option<u16>,
    /// Its height in points, when set.
    height: Option<f64>,
}

// ---------------------------------------------------------------------------------------------
// ODS

/// The sheets as an ODS file.
pub(crate) fn ods(sheets: &[Sheet]) -> Vec<u8> {
    ods_package(sheets).unwrap_or_default()
}

fn ods_package(sheets: &[Sheet]) -> zip::result::ZipResult<Vec<u8>> {
    let prints: Vec<Print> = sheets.iter().map(Print::of).collect();
    let frozen = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.frozen_cols, s.frozen_rows));
    // A fixed date (the zip epoch) rather than the clock.
    zip_package(
        zip::DateTime::default(),
        [
            ("content.xml", content_xml(sheets, &prints)),
            ("styles.xml", styles_xml(&prints)),
            ("meta.xml", meta_xml(DOC_TITLE, None, None)),
            (
                "settings.xml",
                settings_xml(frozen, sheets.first().map(|s| s.name.as_str())),
            ),
            ("META-INF/manifest.xml", manifest_xml()),
        ],
    )
}

/// Name of the cell style of a look: its texts (wrapped, see [`Look::wraps`]) and empty cells.
fn style_name(look: Look) -> &'static str {
    match look {
        Look::Plain => "ceText",
        Look::Title => "ceTitle",
        Look::Header => "ceHeader",
        Look::Label => "ceLabel",
        Look::Key => "ceKey",
        Look::Total => "ceTotal",
        Look::Note => "ceNote",
    }
}

/// Name of the cell style of a number of a look: `ceTotalN1`.
fn number_style_name(look: Look, shown: Shown) -> String {
    let base = match look {
        Look::Plain => "ce",
        l => style_name(l),
    };
    format!("{base}{}", shown.ods_name())
}

/// A cell style: the look's background and font, at the top of the cell; `wrap` for texts,
/// `data` the data style of numbers.
fn cell_style(look: Look, wrap: bool, data: Option<Shown>) -> String {
    let background = match look {
        Look::Header => r##" fo:background-color="#e7e6e6""##,
        Look::Total => r##" fo:background-color="#ddebf7""##,
        _ => "",
    };
    let text = match look {
        Look::Plain => "",
        Look::Title => r#"<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>"#,
        Look::Header | Look::Label | Look::Total => {
            r#"<style:text-properties fo:font-weight="bold"/>"#
        }
        Look::Key => r##"<style:text-properties fo:color="#808080" fo:font-size="8pt"/>"##,
        Look::Note => r#"<style:text-properties fo:font-style="italic"/>"#,
    };
    let (name, data) = match data {
        Some(shown) => (
            number_style_name(look, shown),
            format!(r#" style:data-style-name="{}""#, shown.ods_name()),
        ),
        None => (style_name(look).to_string(), String::new()),
    };
    format!(
        concat!(
            r#"<style:style style:name="{name}" style:family="table-cell" style:parent-style-name="Default"{data}>"#,
            r#"<style:table-cell-properties{background}{wrap} style:vertical-align="top"/>{text}</style:style>"#
        ),
        name = name,
        data = data,
        background = background,
        wrap = if wrap {
            r#" fo:wrap-option="wrap""#
        } else {
            ""
        },
        text = text,
    )
}

/// The namespace of the data styles (number formats).
const NUMBER_NS: &str = r#"xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0""#;

fn content_xml(sheets: &[Sheet], prints: &[Print]) -> String {
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
    // The lone texts spread over a page, and the heights of the rows of wrapped texts.
    let fits: Vec<Vec<RowFit>> = sheets
        .iter()
        .zip(prints)
        .map(|(sheet, print)| sheet.rows.iter().map(|row| print.row(sheet, row)).collect())
        .collect();
    let mut x = String::with_capacity(8192 + cells * 64 + text_bytes);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push('\n');
    let _ = write!(x, "<office:document-content {NS} {NUMBER_NS}>");
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
    let heights: Vec<u32> = fits
        .iter()
        .flatten()
        .filter_map(|f| f.height.map(row_height))
        .collect();
    crate::ods::row_height_styles(&mut x, heights);
    // One table style per pages wide, each with its page style (`styles_xml`).
    for wide in pages_wide(prints) {
        let _ = writeln!(
            x,
            r#"<style:style style:name="ta{wide}" style:family="table" style:master-page-name="{}"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>"#,
            master_page(wide)
        );
    }
    // The technical sheet: hidden (`table:display`), and not printed (`table:print="false"` on
    // the table, without print ranges).
    x.push_str(r#"<style:style style:name="taHidden" style:family="table" style:master-page-name="Default"><style:table-properties table:display="false" style:writing-mode="lr-tb"/></style:style>"#);
    x.push('\n');
    for shown in Shown::ALL {
        x.push_str(&shown.ods_style());
        x.push('\n');
    }
    for look in Look::ALL {
        x.push_str(&cell_style(look, look.wraps(), None));
        x.push('\n');
        for shown in Shown::ALL {
            x.push_str(&cell_style(look, false, Some(shown)));
            x.push('\n');
        }
    }
    x.push_str("</office:automatic-styles>\n<office:body><office:spreadsheet>\n");
    for ((sheet, print), fits) in sheets.iter().zip(prints).zip(&fits) {
        let _ = writeln!(
            x,
            r#"<table:table table:name="{}" {}>"#,
            escape(&sheet.name, true),
            if print.technical {
                r#"table:style-name="taHidden" table:print="false""#.to_string()
            } else {
                format!(r#"table:style-name="ta{}""#, print.pages_wide)
            }
        );
        // The frozen columns repeated on every page wide.
        let repeated = (sheet.frozen_cols as usize).min(sheet.widths.len());
        for (c, w) in sheet.widths.iter().enumerate() {
            if repeated > 0 && c == 0 {
                x.push_str("<table:table-header-columns>\n");
            }
            let _ = writeln!(
                x,
                r#"<table:table-column table:style-name="co{}" table:default-cell-style-name="Default"/>"#,
                column_mm(*w)
            );
            if repeated > 0 && c + 1 == repeated {
                x.push_str("</table:table-header-columns>\n");
            }
        }
        let header = (sheet.frozen_rows as usize).min(sheet.rows.len());
        for (i, (row, fit)) in sheet.rows.iter().zip(fits).enumerate() {
            if header > 0 && i == 0 {
                x.push_str("<table:table-header-rows>\n");
            }
            write_row(&mut x, i, row, print, *fit);
            if header > 0 && i + 1 == header {
                x.push_str("</table:table-header-rows>\n");
            }
        }
        x.push_str("</table:table>\n");
    }
    x.push_str("</office:spreadsheet></office:body></office:document-content>");
    x
}

/// A row height in tenths of a point (the name of its row style).
fn row_height(points: f64) -> u32 {
    (points * 10.0).round() as u32
}

/// One row, its lone text merged over `fit.span` columns, of height `fit.height` when set.
fn write_row(x: &mut String, r: usize, row: &[Cell], print: &Print, fit: RowFit) {
    match fit.height.map(row_height) {
        Some(h) => {
            let _ = write!(x, r#"<table:table-row table:style-name="ro{h}">"#);
        }
        None => x.push_str("<table:table-row>"),
    }
    if row.is_empty() {
        x.push_str("<table:table-cell/>");
    }
    let mut i = 0;
    while i < row.len() {
        let cell = &row[i];
        let style = match (&cell.val, cell.look) {
            (Val::Num(n), look) => format!(
                r#" table:style-name="{}""#,
                number_style_name(look, print.shown(r, i, *n))
            ),
            // Unwrapped plain texts: the default style.
            (Val::Text(_), Look::Plain) if !print.wraps(Look::Plain) => String::new(),
            (Val::Empty, Look::Plain) => String::new(),
            (_, look) => format!(r#" table:style-name="{}""#, style_name(look)),
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
                // The full value; the data style rounds what is shown.
                let v = number_text(*n);
                let _ = write!(
                    x,
                    r#"<table:table-cell{style} office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                );
            }
            Val::Text(t) => {
                let merged = match fit.span {
                    Some(n) if i == 0 && n > 1 => format!(
                        r#" table:number-columns-spanned="{n}" table:number-rows-spanned="1""#
                    ),
                    _ => String::new(),
                };
                let _ = write!(
                    x,
                    r#"<table:table-cell{style}{merged} office:value-type="string">"#
                );
                write_paragraph(x, &encode_text(t));
                x.push_str("</table:table-cell>");
                if let Some(n) = fit.span.filter(|n| i == 0 && *n > 1) {
                    let covered = n - 1;
                    if covered > 1 {
                        let _ = write!(
                            x,
                            r#"<table:covered-table-cell table:number-columns-repeated="{covered}"/>"#
                        );
                    } else {
                        x.push_str("<table:covered-table-cell/>");
                    }
                }
            }
        }
        i += 1;
    }
    x.push_str("</table:table-row>\n");
}

/// The distinct pages wide of the sheets, in order: one page style each.
fn pages_wide(prints: &[Print]) -> Vec<u32> {
    let mut wide: Vec<u32> = prints.iter().map(|p| p.pages_wide).collect();
    wide.push(1);
    wide.sort_unstable();
    wide.dedup();
    wide
}

/// The page style of a number of pages wide: `Default` for one.
fn master_page(wide: u32) -> String {
    match wide {
        1 => "Default".to_string(),
        w => format!("Pages{w}"),
    }
}

/// Page styles: A4 landscape, 10 mm margins, scaled down to the pages wide of the sheet (ODF
/// 1.3 `style:scale-to-X` and LibreOffice's `loext:` attribute), as many pages tall as needed.
fn styles_xml(prints: &[Print]) -> String {
    let mut x = String::new();
    let _ = write!(
        x,
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "<office:document-styles {ns} {loext}>",
            office_styles!(),
            "<office:automatic-styles>",
        ),
        ns = NS,
        loext = LOEXT
    );
    let wide = pages_wide(prints);
    for &w in &wide {
        let _ = write!(
            x,
            concat!(
                r#"<style:page-layout style:name="pm{w}"><style:page-layout-properties style:print-orientation="landscape" "#,
                r#"fo:page-width="297mm" fo:page-height="210mm" fo:margin-top="10mm" fo:margin-bottom="10mm" "#,
                r#"fo:margin-left="10mm" fo:margin-right="10mm" style:print-page-order="ltr" "#,
                r#"style:scale-to-X="{w}" loext:scale-to-X="{w}"/></style:page-layout>"#
            ),
            w = w
        );
    }
    x.push_str("</office:automatic-styles><office:master-styles>");
    for &w in &wide {
        let _ = write!(
            x,
            r#"<style:master-page style:name="{}" style:page-layout-name="pm{w}"/>"#,
            master_page(w)
        );
    }
    x.push_str("</office:master-styles></office:document-styles>");
    x
}

/// Title of the document properties of both formats.
const DOC_TITLE: &str = "Consolidation de conventions d'utilité sociale sur un territoire";

// ---------------------------------------------------------------------------------------------
// XLSX

/// The sheets as an XLSX file.
pub(crate) fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    xlsx_build(sheets).unwrap_or_default()
}

/// What a cell format is for: a text (wrapped or not; an empty cell of a look takes the
/// unwrapped one), a number shown so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text { wrap: bool },
    Number(Shown),
}

/// The format of a cell of a look: its background and font, at the top of the cell, wrapped
/// for a text that wraps, with the number format of a number.
fn cell_format(look: Look, kind: Kind) -> CellFormat {
    let f = CellFormat::new().set_align(FormatAlign::Top);
    let f = match look {
        Look::Plain => f,
        Look::Title => f.set_bold().set_font_size(14),
        Look::Header => f.set_bold().set_background_color(Color::RGB(0xE7_E6_E6)),
        Look::Label => f.set_bold(),
        Look::Key => f.set_font_size(8).set_font_color(Color::RGB(0x80_80_80)),
        Look::Total => f.set_bold().set_background_color(Color::RGB(0xDD_EB_F7)),
        Look::Note => f.set_italic(),
    };
    match kind {
        Kind::Text { wrap: true } => f.set_text_wrap(),
        Kind::Text { wrap: false } => f,
        Kind::Number(shown) => f.set_num_format(shown.code()),
    }
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
    let kinds: Vec<Kind> = [Kind::Text { wrap: true }, Kind::Text { wrap: false }]
        .into_iter()
        .chain(Shown::ALL.into_iter().map(Kind::Number))
        .collect();
    let formats: Vec<((Look, Kind), CellFormat)> = Look::ALL
        .iter()
        .flat_map(|&l| kinds.iter().map(move |&k| ((l, k), cell_format(l, k))))
        .collect();
    let format_of = |look: Look, kind: Kind| {
        formats
            .iter()
            .find(|(key, _)| *key == (look, kind))
            .map(|(_, f)| f)
    };
    for sheet in sheets {
        let print = Print::of(sheet);
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        // A4 landscape, 10 mm margins, as the ODS.
        ws.set_paper_size(9);
        ws.set_landscape();
        ws.set_margins(0.4, 0.4, 0.4, 0.4, 0.3, 0.3);
        ws.set_print_fit_to_pages(print.pages_wide as u16, 0);
        ws.set_page_order(false); // over, then down
        if print.technical {
            // Hidden, so neither shown nor printed; still read by `import_workspace`.
            ws.set_hidden(true);
        }
        for (c, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let fit = print.row(sheet, row);
            for (c, cell) in row.iter().enumerate() {
                let shown = |n: f64| print.shown(r, c, n);
                let (r, c) = (r as u32, c as u16);
                match &cell.val {
                    Val::Empty => {
                        if cell.look != Look::Plain {
                            if let Some(f) = format_of(cell.look, Kind::Text { wrap: false }) {
                                ws.write_blank(r, c, f)?;
                            }
                        }
                    }
                    Val::Num(n) => match format_of(cell.look, Kind::Number(shown(*n))) {
                        Some(f) => {
                            ws.write_number_with_format(r, c, *n, f)?;
                        }
                        None => {
                            ws.write_number(r, c, *n)?;
                        }
                    },
                    Val::Text(t) => {
                        let t = encode_text(t);
                        let wrap = print.wraps(cell.look);
                        let f = match (cell.look, wrap) {
                            // Unwrapped plain texts (the technical sheet): no format.
                            (Look::Plain, false) => None,
                            (look, wrap) => format_of(look, Kind::Text { wrap }),
                        };
                        match (f, fit.span) {
                            (Some(f), Some(n)) if c == 0 && n > 1 => {
                                ws.merge_range(r, 0, r, n - 1, &t, f)?;
                            }
                            (Some(f), _) => {
                                ws.write_string_with_format(r, c, t, f)?;
                            }
                            (None, _) => {
                                ws.write_string(r, c, t)?;
                            }
                        }
                    }
                }
            }
            if let Some(h) = fit.height {
                ws.set_row_height(r as u32, h)?;
            }
        }
        if sheet.frozen_rows > 0 || sheet.frozen_cols > 0 {
            ws.set_freeze_panes(sheet.frozen_rows, sheet.frozen_cols as u16)?;
        }
        if sheet.frozen_rows > 0 {
            ws.set_repeat_rows(0, sheet.frozen_rows - 1)?;
        }
        if sheet.frozen_cols > 0 {
            ws.set_repeat_columns(0, sheet.frozen_cols as u16 - 1)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use calamine::Reader as _;

    use super::*;
    use crate::workbook::SheetNames;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(n.take("Synthèse"), "Synthèse");
        assert_eq!(n.take("synthèse"), "synthèse~2");
        assert_eq!(n.take("a/b:c*d?e[f]g\\h"), "a_b_c_d_e_f_g_h");
        let long = n.take(&"x".repeat(40));
        assert_eq!(long.chars().count(), 31);
        let again = n.take(&"x".repeat(40));
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with("~2"));
    }

    /// A sheet of figures (a title, a long decimal, a total, a long remark) and the technical
    /// sheet.
    fn figures_and_workspace() -> Vec<Sheet> {
        let mut figures = Sheet {
            name: "Compilation".into(),
            widths: vec![44.0, 18.0, 60.0],
            ..Default::default()
        };
        figures.row(vec![
            text("Compilation de l'offre nouvelle").look(Look::Title)
        ]);
        figures.row(vec![
            text("Part des PLAI (%)"),
            num(27.434456928839),
            text(&"PLAI ÷ (PLAI + PLUS) = 7 203 ÷ 30 909 ; ".repeat(4)),
        ]);
        figures.row(vec![text("Total"), num(35_198.0).look(Look::Total)]);
        let mut espace = Sheet {
            name: WORKSPACE_SHEET.into(),
            widths: vec![120.0, 12.0, 14.0],
            ..Default::default()
        };
        espace.row(vec![text(
            r#"{"format":"cus-espace-simulation/1","name":"x"}"#,
        )]);
        vec![figures, espace]
    }

    fn content(sheets: &[Sheet]) -> String {
        let prints: Vec<Print> = sheets.iter().map(Print::of).collect();
        content_xml(sheets, &prints)
    }

    #[test]
    fn the_technical_sheet_is_hidden_and_not_printed() {
        let sheets = figures_and_workspace();
        let x = content(&sheets);
        assert!(x.contains(
            r#"<table:table table:name="espace" table:style-name="taHidden" table:print="false">"#
        ));
        assert!(x.contains(concat!(
            r#"<style:style style:name="taHidden" style:family="table" style:master-page-name="Default">"#,
            r#"<style:table-properties table:display="false""#
        )));
        assert!(x.contains(r#"<table:table table:name="Compilation" table:style-name="ta1">"#));
        assert_eq!(x.matches(r#"table:display="false""#).count(), 1);
        // Its JSON is neither wrapped nor spread over merged cells.
        assert!(x.contains(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{"format""#
        ));
        // The XLSX: hidden too, and read back.
        let bytes = xlsx(&sheets);
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let meta = book.sheets_metadata().to_vec();
        assert_eq!(meta.len(), 2);
        assert_eq!(meta[0].visible, calamine::SheetVisible::Visible);
        assert_eq!(meta[1].visible, calamine::SheetVisible::Hidden);
        let range = book.worksheet_range(WORKSPACE_SHEET).unwrap();
        assert_eq!(
            range.get_value((0, 0)),
            Some(&calamine::Data::String(
                r#"{"format":"cus-espace-simulation/1","name":"x"}"#.into()
            ))
        );
        let book = calamine::Ods::new(std::io::Cursor::new(ods(&sheets))).unwrap();
        let meta = book.sheets_metadata().to_vec();
        assert_eq!(meta[1].name, WORKSPACE_SHEET);
        assert_eq!(meta[1].visible, calamine::SheetVisible::Hidden);
        assert_eq!(meta[0].visible, calamine::SheetVisible::Visible);
    }

    #[test]
    fn numbers_keep_their_full_value_and_show_rounded() {
        let sheets = figures_and_workspace();
        let x = content(&sheets);
        // The full value in the cell, a data style of one decimal to show it.
        assert!(x.contains(
            r#"<table:table-cell table:style-name="ceN1" office:value-type="float" office:value="27.434456928839">"#
        ));
        assert!(x.contains(r#"<style:style style:name="ceN1" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N1">"#));
        assert!(x.contains(r#"<number:number-style style:name="N1"><number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/></number:number-style>"#));
        // A large whole total: no decimals, thousands grouped, its look kept.
        assert!(x.contains(
            r#"<table:table-cell table:style-name="ceTotalN0G" office:value-type="float" office:value="35198">"#
        ));
        assert!(x.contains(r#"<number:number-style style:name="N0G"><number:number number:decimal-places="0" number:min-decimal-places="0" number:min-integer-digits="1" number:grouping="true"/></number:number-style>"#));
        assert!(x.contains(r##"<style:style style:name="ceTotalN0G" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N0G"><style:table-cell-properties fo:background-color="#ddebf7" style:vertical-align="top"/>"##));

        // Read back, both formats give the full value.
        let mut from_ods = calamine::Ods::new(std::io::Cursor::new(ods(&sheets))).unwrap();
        let mut from_xlsx = calamine::Xlsx::new(std::io::Cursor::new(xlsx(&sheets))).unwrap();
        for range in [
            from_ods.worksheet_range("Compilation").unwrap(),
            from_xlsx.worksheet_range("Compilation").unwrap(),
        ] {
            assert_eq!(
                range.get_value((1, 1)),
                Some(&calamine::Data::Float(27.434456928839))
            );
            assert_eq!(
                range.get_value((2, 1)),
                Some(&calamine::Data::Float(35_198.0))
            );
        }
        // The XLSX number formats.
        let styles = zip_entry(&xlsx(&sheets), "xl/styles.xml");
        assert!(styles.contains(r#"formatCode="0.0""#), "{styles}");
        assert!(styles.contains(r##"formatCode="#,##0""##), "{styles}");
    }

    /// The text of an entry of a zip.
    fn zip_entry(bytes: &[u8], name: &str) -> String {
        use std::io::Read as _;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn numbers_show_by_what_they_are() {
        let of = |n| Shown::of(n, false);
        assert_eq!(of(2026.0), Shown::Whole);
        assert_eq!(of(3_849.000_000_000_5), Shown::Whole);
        assert_eq!(of(15_644.0), Shown::WholeGrouped);
        assert_eq!(of(27.434456928839), Shown::Tenths);
        assert_eq!(of(12_345.67), Shown::TenthsGrouped);
        assert_eq!(of(0.25), Shown::Small);
        assert_eq!(of(-0.5), Shown::Small);
        assert_eq!(of(0.0), Shown::Whole);
        // A whole number among decimals shows one decimal, as its neighbours.
        assert_eq!(Shown::of(14.0, true), Shown::Tenths);
        assert_eq!(Shown::of(0.25, true), Shown::Small);
        // Runs: numbers of one look down a column.
        let rows = vec![
            vec![text("a"), num(12.9)],
            vec![text("b"), num(14.0)],
            vec![text("c"), num(3.0).look(Look::Total)],
            vec![text("d")],
            vec![text("e"), num(2.0)],
            vec![text("f"), num(3.0)],
        ];
        let runs = among_decimals(&rows);
        assert_eq!(runs[0], vec![false, true]);
        assert_eq!(runs[1], vec![false, true]);
        assert_eq!(runs[2], vec![false, false]);
        assert_eq!(runs[3], vec![false]);
        assert_eq!(runs[4], vec![false, false]);
    }

    #[test]
    fn texts_wrap_and_a_lone_text_spreads_over_the_page() {
        let sheets = figures_and_workspace();
        let x = content(&sheets);
        assert!(x.contains(r#"<style:style style:name="ceText" style:family="table-cell" style:parent-style-name="Default"><style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/></style:style>"#));
        // The machine keys stay on one line.
        assert!(x.contains(r#"<style:style style:name="ceKey" style:family="table-cell" style:parent-style-name="Default"><style:table-cell-properties style:vertical-align="top"/>"#));
        // The title merged over the three columns (one page wide).
        assert!(x.contains(
            r#"<table:table-cell table:style-name="ceTitle" table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string"><text:p>Compilation de l'offre nouvelle</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/>"#
        ));
        // The long remark (160 characters in 60) takes three lines: its row is made that high.
        let print = Print::of(&sheets[0]);
        assert_eq!(print.pages_wide, 1);
        let fit = print.row(&sheets[0], &sheets[0].rows[1]);
        assert_eq!(fit.span, None);
        assert_eq!(fit.height, Some(3.0 * 10.0 * 1.3 + 2.0));
        assert!(x.contains(r#"<table:table-row table:style-name="ro410">"#));
        // A sheet of 40 columns of figures: three pages wide, its first column repeated.
        let wide = Sheet {
            name: "PP-1".into(),
            widths: [36.0, 26.0, 22.0]
                .into_iter()
                .chain(std::iter::repeat_n(14.0, 36))
                .chain([50.0])
                .collect(),
            frozen_cols: 1,
            ..Default::default()
        };
        assert_eq!(Print::of(&wide).pages_wide, 3);
        let x = content(&[wide]);
        assert!(x.contains(r#"<table:table table:name="PP-1" table:style-name="ta3">"#));
        assert!(x.contains(
            r#"<style:style style:name="ta3" style:family="table" style:master-page-name="Pages3">"#
        ));
        assert!(x.contains("<table:table-header-columns>\n<table:table-column table:style-name=\"co75\" table:default-cell-style-name=\"Default\"/>\n</table:table-header-columns>"));
        let styles = styles_xml(&[
            Print::of(&sheets[0]),
            Print {
                pages_wide: 3,
                ..Print::of(&sheets[0])
            },
        ]);
        assert!(styles.contains(r#"style:scale-to-X="3" loext:scale-to-X="3""#));
        assert!(styles
            .contains(r#"<style:master-page style:name="Pages3" style:page-layout-name="pm3"/>"#));
    }

    #[test]
    fn a_text_like_a_formula_is_neutralised() {
        assert_eq!(text("=1+1").val, Val::Text("'=1+1".into()));
        assert_eq!(num(f64::NAN).val, Val::Text("—".into()));
        assert_eq!(text("").val, Val::Empty);
    }
}
