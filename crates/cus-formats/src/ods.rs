//! ODS format (OpenDocument spreadsheet, ISO/IEC 26300), the open format French administrations
//! must accept. The layout is shared with XLSX (`workbook/`, `docs/FORMAT.md`); this module
//! writes it as an OpenDocument package by hand (the zip crate, no spreadsheet library) and
//! reads it back with calamine.
//!
//! Package: `mimetype` first and stored, `META-INF/manifest.xml`, `content.xml` (one
//! `table:table` per sheet, numbers as `office:value-type="float"`, header rows in
//! `table:table-header-rows` and `table:table-header-columns`, column widths, row heights and
//! cell styles as automatic styles), `styles.xml` (default cell style, one page style per fit:
//! A4 landscape, scale to pages wide and tall, footer), `settings.xml` (frozen panes) and
//! `meta.xml`. Every entry is dated with the export date, so that the same export gives the
//! same bytes.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use calamine::Reader as _;
use cus_core::catalogue::Catalogue;
use cus_core::diagnostic::Diagnostic;

use crate::technical;
use crate::workbook::{self, Content, SheetOut, Style};
use crate::{ExportInput, Format, Imported};

pub(crate) const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// The namespaces of `content.xml` and `styles.xml` (shared with the consolidation workbook).
pub(crate) const NS: &str = concat!(
    r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
    r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
    r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
    r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
    r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#,
    r#"office:version="1.3""#
);

/// LibreOffice's namespace for extensions to OpenDocument (the page scale, before ODF 1.3).
pub(crate) const LOEXT: &str =
    r#"xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0""#;

/// Export as an ODS file.
pub fn export(input: &ExportInput) -> Vec<u8> {
    let sheets = workbook::layout(input);
    package(&sheets, input).unwrap_or_default()
}

fn package(sheets: &[SheetOut], input: &ExportInput) -> zip::result::ZipResult<Vec<u8>> {
    let time = workbook::parse_iso_datetime(input.exported_at)
        .and_then(|(y, mo, d, h, mi, s)| zip::DateTime::from_date_and_time(y, mo, d, h, mi, s).ok())
        .unwrap_or_default();
    let title = match input.mode {
        crate::Mode::Brouillon => {
            format!("Convention d'utilité sociale — {}", workbook::DRAFT_MARK)
        }
        crate::Mode::Final => "Convention d'utilité sociale — export final".to_string(),
    };
    let subject = input.convention.organisme.raison_sociale.as_str();
    let date = workbook::parse_iso_datetime(input.exported_at)
        .map(|(y, mo, d, h, mi, s)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"));
    let frozen = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.frozen_cols, s.frozen_rows));
    zip_package(
        time,
        [
            ("content.xml", content_xml(sheets)),
            ("styles.xml", styles_xml(sheets, input)),
            (
                "meta.xml",
                meta_xml(
                    &title,
                    Some(subject).filter(|s| !s.is_empty()),
                    date.as_deref(),
                ),
            ),
            ("settings.xml", settings_xml(frozen, Some(workbook::COVER))),
            ("META-INF/manifest.xml", manifest_xml()),
        ],
    )
}

/// An OpenDocument package: `mimetype` first and stored, then the parts, deflated, every entry
/// dated `time` (shared with the consolidation workbook).
pub(crate) fn zip_package(
    time: zip::DateTime,
    parts: [(&str, String); 5],
) -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    use zip::CompressionMethod;
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time);
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("mimetype", stored)?;
    z.write_all(MIMETYPE.as_bytes())?;
    for (name, xml) in parts {
        z.start_file(name, deflated)?;
        z.write_all(xml.as_bytes())?;
    }
    Ok(z.finish()?.into_inner())
}

/// The `content.xml` of the sheets (public to the crate for the golden tests through
/// [`crate::ods`]'s export: tests unzip it).
fn content_xml(sheets: &[SheetOut]) -> String {
    let cells: usize = sheets
        .iter()
        .map(|s| s.rows.iter().map(Vec::len).sum::<usize>())
        .sum();
    let mut x = String::with_capacity(4096 + cells * 64);
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push('\n');
    let _ = write!(x, "<office:document-content {NS}>");
    // Automatic styles: one column style per width, one cell style per look.
    x.push_str("<office:automatic-styles>");
    let mut widths: Vec<u32> = sheets
        .iter()
        .flat_map(|s| s.widths.iter().map(|w| workbook::column_mm(*w)))
        .collect();
    widths.sort_unstable();
    widths.dedup();
    for mm in widths {
        let _ = writeln!(
            x,
            r#"<style:style style:name="co{mm}" style:family="table-column"><style:table-column-properties fo:break-before="auto" style:column-width="{mm}mm"/></style:style>"#
        );
    }
    // One row style per height of a row of wrapped text.
    let heights: Vec<u32> = sheets
        .iter()
        .flat_map(|s| s.heights.iter().map(|(_, h)| row_height(*h)))
        .collect();
    row_height_styles(&mut x, heights);
    // One table style per printed fit, each with its master page (`styles.xml`).
    for fit in fits(sheets) {
        let _ = writeln!(
            x,
            r#"<style:style style:name="{}" style:family="table" style:master-page-name="{}"><style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>"#,
            table_style_of(fit),
            master_page(fit)
        );
    }
    for style in Style::ALL {
        if let Some(props) = cell_style(style) {
            let _ = writeln!(
                x,
                r#"<style:style style:name="{}" style:family="table-cell" style:parent-style-name="Default">{props}</style:style>"#,
                style_name(style)
            );
        }
    }
    // Figures with one decimal (evaluation sheets), only when used: a number style, and the
    // cell style that shows it.
    let one_decimal = sheets
        .iter()
        .flat_map(|s| s.rows.iter().flatten())
        .any(|c| c.style == Style::OneDecimal);
    if one_decimal {
        x.push_str(concat!(
            r#"<number:number-style style:name="N1" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0">"#,
            r#"<number:number number:decimal-places="1" number:min-decimal-places="1" number:min-integer-digits="1"/>"#,
            "</number:number-style>\n"
        ));
        let _ = writeln!(
            x,
            r#"<style:style style:name="{}" style:family="table-cell" style:parent-style-name="Default" style:data-style-name="N1"><style:table-cell-properties style:vertical-align="top"/></style:style>"#,
            style_name(Style::OneDecimal)
        );
    }
    x.push_str("</office:automatic-styles>\n<office:body><office:spreadsheet>\n");
    for sheet in sheets {
        let _ = writeln!(
            x,
            r#"<table:table table:name="{}" table:style-name="{}">"#,
            escape(&sheet.name, true),
            table_style(sheet)
        );
        for (c, w) in sheet.widths.iter().enumerate() {
            let header = (c as u32) < sheet.frozen_cols;
            if header && c == 0 {
                x.push_str("<table:table-header-columns>\n");
            }
            let _ = writeln!(
                x,
                r#"<table:table-column table:style-name="co{}" table:default-cell-style-name="Default"/>"#,
                workbook::column_mm(*w)
            );
            if header && c as u32 + 1 == sheet.frozen_cols {
                x.push_str("</table:table-header-columns>\n");
            }
        }
        if !sheet.widths.is_empty() && (sheet.widths.len() as u32) < sheet.frozen_cols {
            x.push_str("</table:table-header-columns>\n");
        }
        for (i, row) in sheet.rows.iter().enumerate() {
            let header = (i as u32) < sheet.frozen_rows;
            if header && i == 0 {
                x.push_str("<table:table-header-rows>\n");
            }
            let span = sheet
                .spans
                .iter()
                .find(|(r, _)| *r as usize == i)
                .map(|(_, n)| *n);
            let height = sheet
                .heights
                .iter()
                .find(|(r, _)| *r as usize == i)
                .map(|(_, h)| row_height(*h));
            write_row(&mut x, row, span, height);
            if header && i as u32 + 1 == sheet.frozen_rows {
                x.push_str("</table:table-header-rows>\n");
            }
        }
        if (sheet.rows.len() as u32) < sheet.frozen_rows {
            // Fewer rows than the frozen header: close the header group anyway.
            if !sheet.rows.is_empty() {
                x.push_str("</table:table-header-rows>\n");
            }
        }
        x.push_str("</table:table>\n");
    }
    x.push_str("</office:spreadsheet></office:body></office:document-content>");
    x
}

fn style_name(style: Style) -> &'static str {
    match style {
        Style::Plain => "Default",
        Style::Title => "ceTitle",
        Style::Draft => "ceDraft",
        Style::Header => "ceHeader",
        Style::Key => "ceKey",
        Style::Label => "ceLabel",
        Style::Note => "ceNote",
        Style::Value => "ceValue",
        Style::OneDecimal => "ceOneDecimal",
    }
}

/// Cell properties of a text wrapped at the top of its cell.
macro_rules! wrapped_top {
    () => {
        r#"<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>"#
    };
}

fn cell_style(style: Style) -> Option<&'static str> {
    Some(match style {
        Style::Plain => return None,
        Style::Title => concat!(
            wrapped_top!(),
            r#"<style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>"#
        ),
        Style::Draft => concat!(
            wrapped_top!(),
            r##"<style:text-properties fo:color="#c00000" fo:font-size="12pt" fo:font-weight="bold"/>"##
        ),
        Style::Header => concat!(
            r##"<style:table-cell-properties fo:background-color="#e7e6e6" fo:wrap-option="wrap" style:vertical-align="top"/>"##,
            r#"<style:text-properties fo:font-weight="bold"/>"#
        ),
        Style::Key => r##"<style:text-properties fo:color="#808080" fo:font-size="8pt"/>"##,
        Style::Label => concat!(
            r#"<style:table-cell-properties style:vertical-align="top"/>"#,
            r#"<style:text-properties fo:font-weight="bold"/>"#
        ),
        Style::Note | Style::Value => wrapped_top!(),
        // A data style besides its cell style: written apart (`content_xml`).
        Style::OneDecimal => return None,
    })
}

/// A row height in tenths of a point (the name of its row style).
fn row_height(points: f64) -> u32 {
    (points * 10.0).round() as u32
}

/// One row; `span`: its cell A merged over this many columns (followed by covered cells);
/// `height`: its row style (tenths of a point), for a row of wrapped text.
fn write_row(x: &mut String, row: &[workbook::Out], span: Option<u32>, height: Option<u32>) {
    match height {
        Some(h) => {
            let _ = write!(x, r#"<table:table-row table:style-name="ro{h}">"#);
        }
        None => x.push_str("<table:table-row>"),
    }
    let mut i = 0;
    while i < row.len() {
        let cell = &row[i];
        let mut style = match cell.style {
            Style::Plain => String::new(),
            s => format!(r#" table:style-name="{}""#, style_name(s)),
        };
        let covered = match span {
            Some(n) if i == 0 && n > 1 => {
                let _ = write!(
                    style,
                    r#" table:number-columns-spanned="{n}" table:number-rows-spanned="1""#
                );
                n - 1
            }
            _ => 0,
        };
        match &cell.content {
            Content::Empty => {
                let run = row[i..]
                    .iter()
                    .take_while(|c| c.content == Content::Empty && c.style == cell.style)
                    .count();
                if run > 1 {
                    let _ = write!(
                        x,
                        r#"<table:table-cell{style} table:number-columns-repeated="{run}"/>"#
                    );
                } else {
                    let _ = write!(x, "<table:table-cell{style}/>");
                }
                i += run.max(1);
                continue;
            }
            Content::Number(n) => {
                let v = number_text(*n);
                let _ = write!(
                    x,
                    r#"<table:table-cell{style} office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                );
            }
            Content::Bool(b) => {
                let (v, shown) = if *b {
                    ("true", "VRAI")
                } else {
                    ("false", "FAUX")
                };
                let _ = write!(
                    x,
                    r#"<table:table-cell{style} office:value-type="boolean" office:boolean-value="{v}"><text:p>{shown}</text:p></table:table-cell>"#
                );
            }
            Content::Text(t) => {
                let _ = write!(x, r#"<table:table-cell{style} office:value-type="string">"#);
                write_paragraph(x, &workbook::encode_text(t));
                x.push_str("</table:table-cell>");
            }
        }
        match covered {
            0 => {}
            1 => x.push_str("<table:covered-table-cell/>"),
            n => {
                let _ = write!(
                    x,
                    r#"<table:covered-table-cell table:number-columns-repeated="{n}"/>"#
                );
            }
        }
        i += 1 + covered as usize;
    }
    x.push_str("</table:table-row>\n");
}

/// A number as `xsd:double`: whole numbers without a decimal point, others in Rust's shortest
/// round-trip form (exponent for very large or small ones).
pub(crate) fn number_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".to_string()
    } else if n.is_infinite() {
        if n > 0.0 { "INF" } else { "-INF" }.to_string()
    } else if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n}")
    } else {
        format!("{n:?}")
    }
}

/// One `text:p` holding `s` exactly: tabs, line breaks, leading, trailing and repeated spaces
/// are written as elements, since OpenDocument collapses white space in text.
pub(crate) fn write_paragraph(x: &mut String, s: &str) {
    x.push_str("<text:p>");
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut line_start = true;
    while i < chars.len() {
        match chars[i] {
            ' ' => {
                let run = chars[i..].iter().take_while(|c| **c == ' ').count();
                let at_end = i + run == chars.len() || matches!(chars[i + run], '\t' | '\n');
                let (literal, spaces) = if line_start || at_end {
                    (0, run)
                } else {
                    (1, run - 1)
                };
                if literal == 1 {
                    x.push(' ');
                }
                match spaces {
                    0 => {}
                    1 => x.push_str("<text:s/>"),
                    n => {
                        let _ = write!(x, r#"<text:s text:c="{n}"/>"#);
                    }
                }
                i += run;
                line_start = false;
                continue;
            }
            '\t' => {
                x.push_str("<text:tab/>");
                line_start = true;
            }
            '\n' => {
                x.push_str("<text:line-break/>");
                line_start = true;
            }
            '&' => {
                x.push_str("&amp;");
                line_start = false;
            }
            '<' => {
                x.push_str("&lt;");
                line_start = false;
            }
            '>' => {
                x.push_str("&gt;");
                line_start = false;
            }
            c => {
                x.push(c);
                line_start = false;
            }
        }
        i += 1;
    }
    x.push_str("</text:p>");
}

/// XML escape of a text (`attr`: also double quotes).
pub(crate) fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in workbook::encode_text(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\n' | '\t' if attr => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// The `office:styles` of `styles.xml`: a 10-point default cell style and the `Default` cell
/// style (shared with the consolidation workbook).
macro_rules! office_styles {
    () => {
        concat!(
            "<office:styles>",
            r#"<style:default-style style:family="table-cell"><style:text-properties fo:font-size="10pt"/></style:default-style>"#,
            r#"<style:style style:name="Default" style:family="table-cell"/>"#,
            "</office:styles>",
        )
    };
}
pub(crate) use office_styles;

/// Pages wide and tall a sheet is fitted to (0 tall: free).
type Fit = (u32, u32);

/// The distinct fits of the sheets, in order: one page style each.
fn fits(sheets: &[SheetOut]) -> Vec<Fit> {
    let mut fits: Vec<Fit> = sheets
        .iter()
        .map(|s| (s.pages_wide, s.pages_tall))
        .collect();
    fits.sort_unstable();
    fits.dedup();
    fits
}

fn table_style(sheet: &SheetOut) -> String {
    table_style_of((sheet.pages_wide, sheet.pages_tall))
}

/// The table style of a fit: `ta1` for one page wide, free height (the indicator sheets).
fn table_style_of(fit: Fit) -> String {
    match fit {
        (1, 0) => "ta1".to_string(),
        (w, h) => format!("ta{w}x{h}"),
    }
}

/// The master page (page style) of a fit: `Default` for one page wide, free height.
fn master_page(fit: Fit) -> String {
    match fit {
        (1, 0) => "Default".to_string(),
        (w, h) => format!("Pages{w}x{h}"),
    }
}

/// The page layout of a fit.
fn page_layout(fit: Fit) -> String {
    format!("pm{}x{}", fit.0, fit.1)
}

/// Page styles: A4 landscape, scaled to one page wide (and `pages_tall` pages tall when set),
/// footer with the organism, the sheet name and the page number. The scale is written both as
/// ODF 1.3 `style:scale-to-X`/`-Y` and as LibreOffice's `loext:` attributes.
fn styles_xml(sheets: &[SheetOut], input: &ExportInput) -> String {
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
    let fits = fits(sheets);
    for &(wide, tall) in &fits {
        let _ = write!(
            x,
            concat!(
                r#"<style:page-layout style:name="{layout}"><style:page-layout-properties style:print-orientation="landscape" "#,
                r#"fo:page-width="297mm" fo:page-height="210mm" fo:margin-top="10mm" fo:margin-bottom="8mm" "#,
                r#"fo:margin-left="10mm" fo:margin-right="10mm" style:print-page-order="ltr" style:first-page-number="continue" "#,
                r#"style:scale-to-X="{wide}"{tall} loext:scale-to-X="{wide}"{loext_tall}/>"#,
                r#"<style:header-style/><style:footer-style><style:header-footer-properties fo:min-height="5mm" fo:margin-top="3mm"/></style:footer-style>"#,
                "</style:page-layout>"
            ),
            layout = page_layout((wide, tall)),
            wide = wide,
            // No height: as many pages as the rows need (the attribute is a positive integer).
            tall = if tall > 0 {
                format!(r#" style:scale-to-Y="{tall}""#)
            } else {
                String::new()
            },
            loext_tall = if tall > 0 {
                format!(r#" loext:scale-to-Y="{tall}""#)
            } else {
                String::new()
            },
        );
    }
    x.push_str("</office:automatic-styles><office:master-styles>");
    let organism = escape(&workbook::footer_organism(input.convention), false);
    for &fit in &fits {
        let _ = write!(
            x,
            concat!(
                r#"<style:master-page style:name="{name}" style:page-layout-name="{layout}">"#,
                r#"<style:header style:display="false"/><style:footer>"#,
                "<style:region-left><text:p>{organism}</text:p></style:region-left>",
                "<style:region-center><text:p><text:sheet-name>???</text:sheet-name></text:p></style:region-center>",
                r#"<style:region-right><text:p>Page <text:page-number>1</text:page-number> / <text:page-count>1</text:page-count></text:p></style:region-right>"#,
                "</style:footer></style:master-page>"
            ),
            name = master_page(fit),
            layout = page_layout(fit),
            organism = organism
        );
    }
    x.push_str("</office:master-styles></office:document-styles>");
    x
}

/// `meta.xml`: generator, title, then the subject and the dates when given (shared with the
/// consolidation workbook).
pub(crate) fn meta_xml(title: &str, subject: Option<&str>, date: Option<&str>) -> String {
    let mut x = String::new();
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(concat!(
        r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" "#,
        r#"xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta>"#
    ));
    let _ = write!(
        x,
        "<meta:generator>CUS indicateurs/{}</meta:generator>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = write!(x, "<dc:title>{}</dc:title>", escape(title, false));
    if let Some(subject) = subject {
        let _ = write!(x, "<dc:subject>{}</dc:subject>", escape(subject, false));
    }
    if let Some(d) = date {
        let _ = write!(
            x,
            "<meta:creation-date>{d}</meta:creation-date><dc:date>{d}</dc:date>"
        );
    }
    x.push_str("</office:meta></office:document-meta>");
    x
}

/// `settings.xml`: the frozen panes of each sheet given as (name, frozen columns, frozen rows),
/// and the sheet shown on opening (shared with the consolidation workbook).
pub(crate) fn settings_xml<'s>(
    sheets: impl Iterator<Item = (&'s str, u32, u32)>,
    active: Option<&str>,
) -> String {
    let mut x = String::new();
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(concat!(
        r#"<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3">"#,
        r#"<office:settings><config:config-item-set config:name="ooo:view-settings">"#,
        r#"<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>"#,
        r#"<config:config-item config:name="ViewId" config:type="string">view1</config:config-item>"#,
        r#"<config:config-item-map-named config:name="Tables">"#
    ));
    let item = |x: &mut String, name: &str, ty: &str, v: u32| {
        let _ = write!(
            x,
            r#"<config:config-item config:name="{name}" config:type="{ty}">{v}</config:config-item>"#
        );
    };
    for (name, cols, rows) in sheets.filter(|(_, cols, rows)| *rows > 0 || *cols > 0) {
        let _ = write!(
            x,
            r#"<config:config-item-map-entry config:name="{}">"#,
            escape(name, true)
        );
        item(
            &mut x,
            "HorizontalSplitMode",
            "short",
            if cols > 0 { 2 } else { 0 },
        );
        item(
            &mut x,
            "VerticalSplitMode",
            "short",
            if rows > 0 { 2 } else { 0 },
        );
        item(&mut x, "HorizontalSplitPosition", "int", cols);
        item(&mut x, "VerticalSplitPosition", "int", rows);
        item(&mut x, "ActiveSplitRange", "short", 2);
        item(&mut x, "PositionLeft", "int", 0);
        item(&mut x, "PositionRight", "int", cols);
        item(&mut x, "PositionTop", "int", 0);
        item(&mut x, "PositionBottom", "int", rows);
        x.push_str("</config:config-item-map-entry>");
    }
    x.push_str("</config:config-item-map-named>");
    if let Some(active) = active {
        let _ = write!(
            x,
            r#"<config:config-item config:name="ActiveTable" config:type="string">{}</config:config-item>"#,
            escape(active, false)
        );
    }
    x.push_str("</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set></office:settings></office:document-settings>");
    x
}

/// `META-INF/manifest.xml` of the five parts (shared with the consolidation workbook).
pub(crate) fn manifest_xml() -> String {
    let mut x = String::new();
    x.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    x.push_str(r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#);
    let _ = write!(
        x,
        r#"<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="{MIMETYPE}"/>"#
    );
    for part in ["content.xml", "styles.xml", "meta.xml", "settings.xml"] {
        let _ = write!(
            x,
            r#"<manifest:file-entry manifest:full-path="{part}" manifest:media-type="text/xml"/>"#
        );
    }
    x.push_str("</manifest:manifest>");
    x
}

/// Import an ODS file written by [`export`] (or edited since in a spreadsheet).
pub fn import(
    bytes: &[u8],
    file_name: &str,
    cats: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    workbook::precheck(bytes, file_name, Format::Ods)?;
    let mut ods = calamine::Ods::new(Cursor::new(bytes)).map_err(|e| {
        workbook::unreadable_workbook(
            file_name,
            "ODS",
            &technical::ods(&e),
            &technical::detail(&e),
        )
    })?;
    let sheets: Vec<workbook::SheetIn> = ods
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = ods
                .worksheet_range(&name)
                .map_err(|e| (technical::ods(&e), technical::detail(&e)));
            (name, range)
        })
        .collect();
    workbook::read(sheets, Format::Ods, file_name, cats)
}

/// One row style `ro<h>` per height (tenths of a point) of a row of wrapped text, each once:
/// shared by the convention workbook and the consolidation workbook.
pub(crate) fn row_height_styles(x: &mut String, mut heights: Vec<u32>) {
    use std::fmt::Write as _;
    heights.sort_unstable();
    heights.dedup();
    for h in heights {
        let _ = writeln!(
            x,
            r#"<style:style style:name="ro{h}" style:family="table-row"><style:table-row-properties style:row-height="{}pt" style:use-optimal-row-height="false" fo:break-before="auto"/></style:style>"#,
            f64::from(h) / 10.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_keep_white_space() {
        let p = |s: &str| {
            let mut x = String::new();
            write_paragraph(&mut x, s);
            x
        };
        assert_eq!(p("a b"), "<text:p>a b</text:p>");
        assert_eq!(
            p(" a  b "),
            r#"<text:p><text:s/>a <text:s/>b<text:s/></text:p>"#
        );
        assert_eq!(
            p("a\tb\n   c<&>"),
            r#"<text:p>a<text:tab/>b<text:line-break/><text:s text:c="3"/>c&lt;&amp;&gt;</text:p>"#
        );
    }

    #[test]
    fn numbers_as_xsd_doubles() {
        assert_eq!(number_text(12.0), "12");
        assert_eq!(number_text(-0.5), "-0.5");
        assert_eq!(number_text(1e300), "1e300");
        assert_eq!(number_text(1.5e-7), "1.5e-7");
    }
}
