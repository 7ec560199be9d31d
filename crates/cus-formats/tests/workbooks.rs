//! ODS and XLSX: round trips of random conventions (proptest), golden files, the layout the
//! State reads (cover, brouillon mark, neutralised texts, frozen headers), error reporting with
//! sheet, line and column, and fuzz-style tests (arbitrary and mutated bytes into both import
//! paths must never panic).
//!
//! `UPDATE_GOLDEN=1 cargo test -p cus-formats --test workbooks golden` rewrites the golden files;
//! `PROPTEST_CASES=1000 cargo test -p cus-formats --release --test workbooks` runs the property
//! tests longer (default: 64 cases, workbooks are slower than text).
//! `cargo test -p cus-formats --release --test workbooks -- --ignored --nocapture` times the
//! largest convention.

mod common;

use std::io::{Cursor, Read, Write};

use calamine::{Data, Reader};
use cus_core::convention::{Convention, Value};
use cus_core::diagnostic::Severity;
use cus_formats::{import, Format, Mode, FORMAT_VERSION};
use proptest::prelude::*;

use common::{codes, errors, read_back};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const WORKBOOKS: [(Format, &str); 2] = [(Format::Ods, "cus.ods"), (Format::Xlsx, "cus.xlsx")];

fn sample(id: &str) -> Convention {
    cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| s.convention())
        .unwrap_or_else(|| panic!("sample {id}"))
}

/// The entries of a zip file, in order: name and content.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut out = Vec::new();
            f.read_to_end(&mut out).unwrap();
            (f.name().unwrap().to_string(), out)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let entries = unzip(bytes);
    let (_, content) = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the file"));
    String::from_utf8(content.clone()).unwrap()
}

/// Rebuild a zip file with one entry changed (the others copied as they are).
fn rezip(bytes: &[u8], name: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, content) in unzip(bytes) {
        let method = if n == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            n.as_str(),
            SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        if n == name {
            w.write_all(edit(String::from_utf8(content).unwrap()).as_bytes())
                .unwrap();
        } else {
            w.write_all(&content).unwrap();
        }
    }
    w.finish().unwrap().into_inner()
}

/// Rebuild a zip file without some entries.
fn drop_entries(bytes: &[u8], drop: &[&str]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, content) in unzip(bytes) {
        if drop.contains(&n.as_str()) {
            continue;
        }
        w.start_file(n.as_str(), SimpleFileOptions::default())
            .unwrap();
        w.write_all(&content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The sheets of a workbook as calamine reads them.
fn sheets(bytes: &[u8], format: Format) -> Vec<(String, calamine::Range<Data>)> {
    match format {
        Format::Ods => calamine::Ods::new(Cursor::new(bytes)).unwrap().worksheets(),
        Format::Xlsx => calamine::Xlsx::new(Cursor::new(bytes))
            .unwrap()
            .worksheets(),
        _ => unreachable!(),
    }
}

/// The value in column B of the cover row whose column A is `label`.
fn cover_value(range: &calamine::Range<Data>, label: &str) -> Data {
    range
        .rows()
        .find(|r| r.first() == Some(&Data::String(label.to_string())))
        .and_then(|r| r.get(1).cloned())
        .unwrap_or_else(|| panic!("no cover row {label}"))
}

// ---------------------------------------------------------------------------------------------
// Round trips.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ods_round_trip_is_identity(conv in common::arb_convention(), fin in any::<bool>()) {
        round_trip(&conv, Format::Ods, "cus.ods", fin)?;
    }

    #[test]
    fn xlsx_round_trip_is_identity(conv in common::arb_convention(), fin in any::<bool>()) {
        round_trip(&conv, Format::Xlsx, "cus.xlsx", fin)?;
    }
}

fn round_trip(
    conv: &Convention,
    format: Format,
    name: &str,
    fin: bool,
) -> Result<(), TestCaseError> {
    let mode = if fin { Mode::Final } else { Mode::Brouillon };
    let bytes = common::export(conv, format, mode);
    let back = read_back(&bytes, name);
    prop_assert_eq!(&back.convention, conv);
    prop_assert_eq!(back.format, format);
    prop_assert_eq!(back.mode, mode);
    prop_assert_eq!(back.exported_at.as_deref(), Some(common::EXPORT_DATE));
    prop_assert!(back.notes.is_empty(), "{:?}", back.notes);
    // Same convention, same bytes.
    prop_assert!(common::export(&back.convention, format, mode) == bytes);
    Ok(())
}

#[test]
fn samples_round_trip_in_both_workbooks() {
    for s in cus_core::samples::SAMPLES {
        let conv = s.convention().unwrap();
        for (format, name) in WORKBOOKS {
            for mode in [Mode::Brouillon, Mode::Final] {
                let bytes = common::export(&conv, format, mode);
                let back = read_back(&bytes, name);
                assert_eq!(back.convention, conv, "{} {name}", s.id);
                assert_eq!(back.mode, mode);
                assert!(back.notes.is_empty(), "{:?}", back.notes);
            }
        }
    }
}

#[test]
fn every_kind_of_text_and_number_survives_both_workbooks() {
    let mut conv = sample("petit-organisme");
    let keys: Vec<String> = conv.values.keys().cloned().collect();
    let mut texts: Vec<String> = common::TRICKY_TEXTS.iter().map(|s| s.to_string()).collect();
    texts.extend([
        "\u{1}contrôle\u{1f}".to_string(),
        "_x0041_ littéral".to_string(),
        "fin\r".to_string(),
        "long ".repeat(9_000),
        "=".repeat(40_000),
    ]);
    for (k, t) in keys.iter().zip(&texts) {
        conv.values.insert(k.clone(), Value::Text(t.clone()));
    }
    for (k, n) in keys.iter().skip(texts.len()).zip(common::TRICKY_NUMBERS) {
        conv.values.insert(k.clone(), Value::Number(*n));
    }
    conv.values
        .insert(keys[keys.len() - 1].clone(), Value::Bool(true));
    conv.name = "=HYPERLINK(\"http://x\")".into();
    conv.organisme.raison_sociale = "  Office\tdes « Vosges »\n(fictif)  ".into();
    conv.acknowledged.insert(
        "W-X@PP-1|departement:88|PLAI|c3".into(),
        "-commentaire\r\nsuite".into(),
    );
    conv.stock.insert("departement:88".into(), 1512.0);
    conv.stock.insert("epci:200068757".into(), 0.5);
    conv.segmentation.insert(
        "PP-2".into(),
        cus_core::convention::IndicatorSegmentation {
            levels: vec![cus_core::catalogue::Level::Departement],
            rows: Some(vec![
                "departement:88".parse().unwrap(),
                "departement:2A".parse().unwrap(),
                "departement:88".parse().unwrap(),
            ]),
        },
    );
    for (format, name) in WORKBOOKS {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        let back = read_back(&bytes, name);
        assert_eq!(back.convention, conv, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// What the State reads.

#[test]
fn formula_like_texts_are_strings_starting_with_an_apostrophe() {
    let mut conv = sample("petit-organisme");
    let key = conv.values.keys().next().unwrap().clone();
    conv.values.insert(key, Value::Text("=SUM(A1)".into()));
    conv.organisme.raison_sociale = "@SOMME(1)".into();

    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    let content = part(&ods, "content.xml");
    assert!(
        content.contains(r#"office:value-type="string"><text:p>'=SUM(A1)</text:p>"#),
        "ODS: formula-like value not a neutralised string"
    );
    assert!(content.contains("<text:p>'@SOMME(1)</text:p>"));
    assert!(!content.contains("table:formula"));

    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let strings = part(&xlsx, "xl/sharedStrings.xml");
    assert!(
        strings.contains("<t>'=SUM(A1)</t>"),
        "XLSX: not a shared string"
    );
    assert!(strings.contains("<t>'@SOMME(1)</t>"));
    for (name, xml) in unzip(&xlsx) {
        if name.starts_with("xl/worksheets/") {
            assert!(!String::from_utf8(xml).unwrap().contains("<f>"), "{name}");
        }
    }
    // Both read back as the texts typed.
    for (format, bytes) in [(Format::Ods, &ods), (Format::Xlsx, &xlsx)] {
        let found = sheets(bytes, format)
            .iter()
            .flat_map(|(_, r)| {
                r.used_cells()
                    .map(|(_, _, d)| d.clone())
                    .collect::<Vec<_>>()
            })
            .any(|d| d == Data::String("'=SUM(A1)".into()));
        assert!(found, "{format:?}");
    }
}

#[test]
fn the_cover_says_brouillon_or_final_and_every_sheet_title_marks_a_brouillon() {
    let conv = sample("grand-organisme");
    for (format, _) in WORKBOOKS {
        for mode in [Mode::Brouillon, Mode::Final] {
            let bytes = common::export(&conv, format, mode);
            let all = sheets(&bytes, format);
            let (name, cover) = &all[0];
            assert_eq!(name, "Couverture");
            assert_eq!(
                cover_value(cover, "Nature de l'export"),
                Data::String(mode.as_str().into())
            );
            assert_eq!(
                cover_value(cover, "Format du fichier"),
                Data::String(FORMAT_VERSION.into())
            );
            assert_eq!(
                cover_value(cover, "Empreinte des valeurs (SHA-256)"),
                Data::String(cus_formats::checksum(&conv))
            );
            assert_eq!(
                cover_value(cover, "SIREN"),
                Data::String(conv.organisme.siren.clone())
            );
            assert_eq!(
                cover_value(cover, "Année de signature"),
                Data::Float(2022.0)
            );
            let mark = cover.get_value((1, 0)).cloned().unwrap_or_default();
            let draft = Data::String("BROUILLON — ne pas transmettre".into());
            assert_eq!(
                mark == draft,
                mode == Mode::Brouillon,
                "{format:?} {mark:?}"
            );
            for (sheet, range) in &all[1..] {
                let title = range.get_value((0, 0)).cloned().unwrap_or_default();
                let Data::String(title) = title else {
                    panic!("{sheet}: no title")
                };
                assert_eq!(
                    title.contains("BROUILLON — ne pas transmettre"),
                    mode == Mode::Brouillon,
                    "{format:?} {sheet}: {title}"
                );
            }
        }
    }
}

#[test]
fn indicator_sheets_hold_numbers_with_units_keys_and_labels() {
    let conv = sample("grand-organisme");
    let cat = common::catalogue_of(&conv);
    let geo = conv.referential();
    for (format, _) in WORKBOOKS {
        let bytes = common::export(&conv, format, Mode::Final);
        let all = sheets(&bytes, format);
        let used: Vec<&str> = cat
            .indicators
            .iter()
            .filter(|i| conv.uses(i))
            .map(|i| i.code.as_str())
            .collect();
        assert_eq!(
            all.len(),
            used.len() + 2,
            "{format:?}: cover + one sheet per indicator + the organism-level table"
        );
        // The organism-level table: PP-1's total over the départements, calculated.
        let (_, org) = all.iter().find(|(n, _)| n == "Niveau organisme").unwrap();
        let Some(Data::String(title)) = org.get_value((0, 0)) else {
            panic!("organism sheet title")
        };
        assert!(
            title.contains("Consolidation au niveau de l'organisme"),
            "{title}"
        );
        let view = conv.view(cat);
        let table = cus_core::calc::organism_table(&conv, &view, geo);
        let pp1_total = table
            .iter()
            .find(|l| l.code == "PP-1" && l.split_fr == "Total")
            .and_then(|l| l.cells.last())
            .and_then(|c| c.value)
            .expect("PP-1 total at 6 years");
        let found = org.rows().any(|r| {
            r.iter()
                .any(|d| matches!(d, Data::Float(f) if (*f - pp1_total).abs() < 1e-9))
        });
        assert!(
            found,
            "{format:?}: PP-1 total {pp1_total} in the organism sheet"
        );
        let (name, pp1) = all.iter().find(|(n, _)| n == "PP-1").unwrap();
        assert_eq!(name, "PP-1");
        let ind = cat.indicator("PP-1").unwrap();
        let Some(Data::String(title)) = pp1.get_value((0, 0)) else {
            panic!()
        };
        assert!(
            title.contains(&ind.value.unit_fr()),
            "unit in the title: {title}"
        );
        assert_eq!(pp1.get_value((4, 0)), Some(&Data::String("PP-1".into())));
        // Rows: département, then its EPCI detail; labels from the referential.
        let rows = conv.rows(ind, geo);
        assert_eq!(
            pp1.get_value((5, 0)),
            Some(&Data::String(rows[0].to_string()))
        );
        assert_eq!(
            pp1.get_value((5, 1)),
            Some(&Data::String(conv.territory_label(&rows[0], geo)))
        );
        // Every value is where the machine row says, as a number.
        for col in 2..pp1.width() as u32 {
            let Some(Data::String(k)) = pp1.get_value((4, col)) else {
                panic!("no key in column {col}")
            };
            for (i, t) in rows.iter().enumerate() {
                let key = format!("PP-1|{t}|{k}");
                let got = pp1
                    .get_value((5 + i as u32, col))
                    .cloned()
                    .unwrap_or_default();
                match conv.values.get(&key) {
                    Some(Value::Number(n)) => assert_eq!(got, Data::Float(*n), "{key}"),
                    None => assert_eq!(got, Data::Empty, "{key}"),
                    Some(v) => panic!("{key}: {v:?}"),
                }
            }
        }
    }
}

#[test]
fn ods_package_is_well_formed_with_frozen_headers() {
    let conv = sample("grand-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    {
        let first = z.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(
        &bytes[38..38 + 46],
        b"application/vnd.oasis.opendocument.spreadsheet"
    );
    let entries = unzip(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for part in [
        "mimetype",
        "content.xml",
        "styles.xml",
        "meta.xml",
        "settings.xml",
        "META-INF/manifest.xml",
    ] {
        assert!(names.contains(&part), "{part}");
    }
    for (name, content) in &entries {
        if name.ends_with(".xml") {
            let text = std::str::from_utf8(content).unwrap();
            if let Err(e) = well_formed(text) {
                panic!("{name} is not well-formed XML: {e}");
            }
        }
    }
    let content = part(&bytes, "content.xml");
    assert!(content.contains(r#"<table:table table:name="PP-2" table:style-name="ta1">"#));
    assert!(content.contains("<table:table-header-rows>"));
    assert!(content.contains("<table:table-header-columns>"));
    assert!(content.contains(r#"office:value-type="float" office:value="#));
    let settings = part(&bytes, "settings.xml");
    assert!(settings.contains(r#"<config:config-item-map-entry config:name="PP-1"><config:config-item config:name="HorizontalSplitMode" config:type="short">2</config:config-item><config:config-item config:name="VerticalSplitMode" config:type="short">2</config:config-item><config:config-item config:name="HorizontalSplitPosition" config:type="int">2</config:config-item><config:config-item config:name="VerticalSplitPosition" config:type="int">5</config:config-item>"#));
    let manifest = part(&bytes, "META-INF/manifest.xml");
    assert!(manifest.contains(r#"manifest:full-path="content.xml""#));
    let meta = part(&bytes, "meta.xml");
    assert!(meta.contains("<meta:creation-date>2026-11-25T17:30:00</meta:creation-date>"));
    // Deterministic.
    assert_eq!(common::export(&conv, Format::Ods, Mode::Brouillon), bytes);
}

#[test]
fn xlsx_has_frozen_headers_widths_and_a_fixed_date() {
    let conv = sample("grand-organisme");
    let bytes = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let sheet2 = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(
        sheet2.contains(r#"<pane xSplit="2" ySplit="5" topLeftCell="C6" activePane="bottomRight" state="frozen"/>"#),
        "{}",
        &sheet2[..sheet2.len().min(800)]
    );
    assert!(sheet2.contains("<cols><col "));
    let sheet3 = part(&bytes, "xl/worksheets/sheet3.xml");
    assert!(sheet3.contains(r#"<pageSetup paperSize="9" fitToHeight="0" pageOrder="overThenDown" orientation="landscape""#));
    let core = part(&bytes, "docProps/core.xml");
    assert!(core.contains("2026-11-25T17:30:00Z"), "{core}");
    for (name, xml) in unzip(&bytes) {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            if let Err(e) = well_formed(std::str::from_utf8(&xml).unwrap()) {
                panic!("{name}: {e}");
            }
        }
    }
    assert_eq!(common::export(&conv, Format::Xlsx, Mode::Brouillon), bytes);
}

/// The print layout of both workbooks, as written (what LibreOffice makes of it is checked in
/// `tests/libreoffice.rs`): A4 landscape, fitted to the page width (several pages wide for a
/// sheet that would print under half size), title rows and row labels repeated, the cover on
/// one page, a footer with the organism, the sheet name and the page number.
#[test]
fn both_workbooks_print_landscape_fitted_with_titles_and_a_footer() {
    let conv = sample("grand-organisme");
    // XLSX: sheet1 the cover, sheet2 PP-1 (38 columns, 1.7 m), sheet3 PP-2.
    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let page = |n: u32, wide: u32, tall: u32| {
        let sheet = part(&xlsx, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "sheet{n}"
        );
        // 1 is the default of fitToWidth and fitToHeight, left out.
        let fit = |name: &str, n: u32| match n {
            1 => String::new(),
            n => format!(r#" {name}="{n}""#),
        };
        assert!(
            sheet.contains(&format!(
                r#"<pageSetup paperSize="9"{}{} pageOrder="overThenDown" orientation="landscape""#,
                fit("fitToWidth", wide),
                fit("fitToHeight", tall)
            )),
            "sheet{n}: {}",
            &sheet[sheet.len().saturating_sub(600)..]
        );
        assert!(
            sheet.contains("<oddFooter>&amp;LLogis des Trois Estuaires, SA d'HLM (fictive)&amp;C&amp;A&amp;RPage &amp;P / &amp;N</oddFooter>"),
            "sheet{n}"
        );
        sheet
    };
    page(1, 1, 1);
    let pp1 = page(2, 4, 0);
    page(3, 1, 0);
    assert!(pp1.contains(r#"<mergeCell ref="A1:K1"/><mergeCell ref="A2:K2"/>"#));
    let workbook = part(&xlsx, "xl/workbook.xml");
    assert!(workbook.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="1">'PP-1'!$A:$B,'PP-1'!$1:$5</definedName>"#));
    assert!(
        !workbook.contains("Couverture'!$"),
        "no titles repeated on the cover"
    );

    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    let content = part(&ods, "content.xml");
    for (sheet, style, master) in [
        ("Couverture", "ta1x1", "Pages1x1"),
        ("PP-1", "ta4x0", "Pages4x0"),
        ("PP-2", "ta1", "Default"),
    ] {
        assert!(content.contains(&format!(
            r#"<table:table table:name="{sheet}" table:style-name="{style}">"#
        )));
        assert!(content.contains(&format!(
            r#"<style:style style:name="{style}" style:family="table" style:master-page-name="{master}">"#
        )));
    }
    assert!(content.contains(r#"table:number-columns-spanned="11" table:number-rows-spanned="1""#));
    let pp2 = &content[content.find(r#"table:name="PP-2""#).unwrap()..];
    assert!(pp2.starts_with(concat!(
        r#"table:name="PP-2" table:style-name="ta1">"#,
        "\n<table:table-header-columns>\n<table:table-column "
    )));
    let styles = part(&ods, "styles.xml");
    for layout in [
        r#"<style:page-layout style:name="pm1x1"><style:page-layout-properties style:print-orientation="landscape" fo:page-width="297mm" fo:page-height="210mm""#,
        r#"style:scale-to-X="1" style:scale-to-Y="1" loext:scale-to-X="1" loext:scale-to-Y="1"/>"#,
        r#"style:scale-to-X="4" loext:scale-to-X="4"/>"#,
        r#"<style:master-page style:name="Default" style:page-layout-name="pm1x0">"#,
        "<style:region-left><text:p>Logis des Trois Estuaires, SA d'HLM (fictive)</text:p></style:region-left>",
        "<text:sheet-name>???</text:sheet-name>",
        "Page <text:page-number>1</text:page-number> / <text:page-count>1</text:page-count>",
    ] {
        assert!(styles.contains(layout), "{layout} in {styles}");
    }
}

/// The organism in the footer: raison sociale (an ampersand doubled in XLSX, where `&` starts a
/// code), else the SIREN.
#[test]
fn the_footer_names_the_organism_safely() {
    let mut conv = sample("petit-organisme");
    conv.organisme.raison_sociale = "Habitat & Territoires <Nord>".to_string();
    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    assert!(part(&xlsx, "xl/worksheets/sheet1.xml")
        .contains("<oddFooter>&amp;LHabitat &amp;&amp; Territoires &lt;Nord&gt;&amp;C"));
    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    assert!(part(&ods, "styles.xml")
        .contains("<style:region-left><text:p>Habitat &amp; Territoires &lt;Nord&gt;</text:p>"));
    conv.organisme.raison_sociale = String::new();
    let siren = conv.organisme.siren.clone();
    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    assert!(part(&ods, "styles.xml").contains(&format!("<text:p>SIREN {siren}</text:p>")));
}

/// A small well-formedness check: tags balanced and properly nested, attributes quoted,
/// entities known.
fn well_formed(xml: &str) -> Result<(), String> {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    let check_text = |t: &str| -> Result<(), String> {
        let mut s = t;
        while let Some(i) = s.find('&') {
            let after = &s[i + 1..];
            let end = after.find(';').ok_or("& without ;")?;
            let ent = &after[..end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || ent
                    .strip_prefix("#x")
                    .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                || ent
                    .strip_prefix('#')
                    .is_some_and(|d| d.parse::<u32>().is_ok());
            if !ok {
                return Err(format!("unknown entity &{ent};"));
            }
            s = &after[end..];
        }
        if t.contains('<') || t.contains('>') {
            return Err("raw < or > in text".into());
        }
        Ok(())
    };
    while let Some(open) = rest.find('<') {
        check_text(&rest[..open])?;
        let close = rest[open..].find('>').ok_or("unclosed tag")? + open;
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().ok_or("empty tag")?;
        let attrs = &body[name.len()..];
        if !attrs.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes in <{name}>"));
        }
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest)?;
    match stack.as_slice() {
        [] => Ok(()),
        s => Err(format!("unclosed elements {s:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Golden files.

#[test]
fn golden_ods_content_is_byte_for_byte_stable() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    common::check_golden(
        "workbooks",
        "petit-organisme.ods.content.xml",
        part(&bytes, "content.xml"),
    );
    let back = read_back(&bytes, "petit-organisme.ods");
    assert_eq!(back.convention, conv);
}

#[test]
fn golden_xlsx_sheets_are_byte_for_byte_stable() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    // Shared strings, then every worksheet, each introduced by a comment naming the part.
    let mut all = String::new();
    let mut parts: Vec<(String, Vec<u8>)> = unzip(&bytes)
        .into_iter()
        .filter(|(n, _)| n == "xl/sharedStrings.xml" || n.starts_with("xl/worksheets/sheet"))
        .collect();
    parts.sort_by_key(|(n, _)| (n.len(), n.clone()));
    for (name, xml) in parts {
        all.push_str(&format!("<!-- {name} -->\n"));
        all.push_str(std::str::from_utf8(&xml).unwrap());
        all.push('\n');
    }
    common::check_golden("workbooks", "petit-organisme.xlsx.sheets.xml", &all);
    let back = read_back(&bytes, "petit-organisme.xlsx");
    assert_eq!(back.convention, conv);
}

// ---------------------------------------------------------------------------------------------
// Errors: sheet, line and column, in French; nothing imported unless everything is.

#[test]
fn a_bad_territory_key_is_reported_with_sheet_line_and_column() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    let bad = rezip(&bytes, "content.xml", |x| {
        x.replace(
            "<text:p>departement:88</text:p>",
            "<text:p>dept:88</text:p>",
        )
    });
    let d = errors(&bad, "cus.ods");
    assert!(codes(&d).iter().all(|c| *c == "E-IMPORT-BAD-KEY"), "{d:#?}");
    let first = &d[0];
    assert_eq!(first.severity, Severity::Error);
    assert_eq!(first.location.file.as_deref(), Some("cus.ods"));
    assert_eq!(first.location.line, Some(6));
    assert!(first.location.path.is_some());
    assert!(
        first.message.ends_with("« dept:88 » n'est pas un territoire reconnu : attendu organisme, region:CODE, departement:CODE, epci:SIREN ou segment:IDENTIFIANT."),
        "{}",
        first.message
    );
    assert!(
        first.message.contains(", ligne 6, colonne A : "),
        "{}",
        first.message
    );
}

#[test]
fn a_bad_value_is_reported_with_its_column_letter() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    // The first number of the G-1 sheet becomes a date.
    let bad = rezip(&bytes, "content.xml", |x| {
        let start = x.find(r#"table:name="G-1""#).unwrap();
        let at = start + x[start..].find(r#"office:value-type="float""#).unwrap();
        let end = at + x[at..].find("</table:table-cell>").unwrap();
        format!(
            "{}office:value-type=\"date\" office:date-value=\"2026-01-01\"><text:p>01/01/2026</text:p>{}",
            &x[..at],
            &x[end..]
        )
    });
    let d = errors(&bad, "cus.ods");
    assert_eq!(codes(&d), ["E-IMPORT-BAD-VALUE"], "{d:#?}");
    assert_eq!(d[0].location.path.as_deref(), Some("G-1"));
    assert_eq!(d[0].location.line, Some(6));
    assert!(d[0]
        .location
        .cell
        .as_deref()
        .is_some_and(|c| c.starts_with("G-1|organisme|")));
    assert!(
        d[0].message.starts_with(
            "Feuille G-1, ligne 6, colonne C : une date n'est pas une valeur acceptée"
        ),
        "{}",
        d[0].message
    );
}

#[test]
fn unknown_indicator_codes_are_refused() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    let bad = rezip(&bytes, "content.xml", |x| {
        x.replace("<text:p>G-1</text:p>", "<text:p>ZZ-9</text:p>")
    });
    let d = errors(&bad, "cus.ods");
    assert!(codes(&d).contains(&"E-IMPORT-UNKNOWN-INDICATOR"), "{d:#?}");
    let e = d
        .iter()
        .find(|d| d.code == "E-IMPORT-UNKNOWN-INDICATOR")
        .unwrap();
    assert!(e.message.contains("« ZZ-9 »"), "{}", e.message);
    assert_eq!(e.location.indicator.as_deref(), Some("ZZ-9"));
}

#[test]
fn another_catalogue_version_is_migrated_or_refused() {
    let conv = sample("petit-organisme");
    let version = conv.catalogue.version.clone();
    for (format, name) in WORKBOOKS {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        let entry = match format {
            Format::Ods => "content.xml",
            _ => "xl/sharedStrings.xml",
        };
        // Another version of the same catalogue, same codes: migrated, with a note.
        let older = rezip(&bytes, entry, |x| {
            x.replace(&format!(">{version}<"), ">2000.1.0<")
        });
        let back = read_back(&older, name);
        assert_eq!(back.convention.catalogue.version, version);
        assert_eq!(back.convention.values, conv.values);
        let notes = codes(&back.notes);
        assert!(notes.contains(&"W-IMPORT-CATALOGUE-MIGRATED"), "{notes:?}");
        // A catalogue nobody knows: refused, saying what to do.
        let unknown = rezip(&bytes, entry, |x| {
            x.replace(&format!(">{}<", conv.catalogue.id), ">catalogue-inconnu<")
        });
        let d = errors(&unknown, name);
        assert_eq!(codes(&d), ["E-IMPORT-CATALOGUE-UNKNOWN"], "{d:#?}");
        assert!(
            d[0].message.starts_with("Feuille Couverture, ligne "),
            "{}",
            d[0].message
        );
    }
}

#[test]
fn a_missing_sheet_or_cover_or_truncated_file_is_a_clear_error() {
    let conv = sample("grand-organisme");
    // A sheet removed from the ODS content.
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    let without = rezip(&bytes, "content.xml", |x| {
        let start = x.find(r#"<table:table table:name="PP-2""#).unwrap();
        let end = start + x[start..].find("</table:table>").unwrap() + "</table:table>".len();
        format!("{}{}", &x[..start], &x[end..])
    });
    let d = errors(&without, "cus.ods");
    assert_eq!(codes(&d), ["E-IMPORT-SHEET-MISSING"], "{d:#?}");
    assert!(d[0].message.contains("« PP-2 »"), "{}", d[0].message);

    // No cover: not one of our files.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "bonjour").unwrap();
    let other = wb.save_to_buffer().unwrap();
    let d = errors(&other, "autre.xlsx");
    assert_eq!(codes(&d), ["E-IMPORT-SHEET-MISSING"]);
    assert!(d[0].message.contains("Couverture"), "{}", d[0].message);

    // Truncated files and missing parts.
    for (format, name) in WORKBOOKS {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        for cut in [bytes.len() / 2, bytes.len() - 10, 100] {
            let d = errors(&bytes[..cut], name);
            assert_eq!(
                codes(&d),
                ["E-IMPORT-WORKBOOK-UNREADABLE"],
                "{name} cut at {cut}"
            );
            assert!(d[0].message.contains("illisible"), "{}", d[0].message);
        }
        let missing = match format {
            Format::Ods => "content.xml",
            _ => "xl/worksheets/sheet2.xml",
        };
        let d = errors(&drop_entries(&bytes, &[missing]), name);
        assert!(
            codes(&d)
                .iter()
                .all(|c| *c == "E-IMPORT-WORKBOOK-UNREADABLE"),
            "{name}: {d:#?}"
        );
    }
}

#[test]
fn a_value_edited_after_export_is_noted_and_imported() {
    let conv = sample("petit-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Final);
    let edited = rezip(&bytes, "content.xml", |x| {
        x.replacen(
            r#"office:value="1188"><text:p>1188</text:p>"#,
            r#"office:value="1190"><text:p>1190</text:p>"#,
            1,
        )
    });
    let back = read_back(&edited, "cus.ods");
    assert_eq!(codes(&back.notes), ["W-IMPORT-CHECKSUM"]);
    assert_eq!(back.notes[0].severity, Severity::Warning);
    assert_eq!(back.convention.values.len(), conv.values.len());
    assert_ne!(back.convention.values, conv.values);
}

#[test]
fn problems_are_all_reported_and_capped() {
    let conv = sample("grand-organisme");
    let bytes = common::export(&conv, Format::Ods, Mode::Brouillon);
    // Every number of the indicator sheets becomes a date.
    let bad = rezip(&bytes, "content.xml", |x| {
        let cover_end = x.find("</table:table>").unwrap();
        let (cover, sheets) = x.split_at(cover_end);
        format!(
            "{cover}{}",
            sheets.replace(
                r#"office:value-type="float" office:value="#,
                r#"office:value-type="date" office:date-value="#
            )
        )
    });
    let d = errors(&bad, "cus.ods");
    assert!(d[..100].iter().all(|d| d.code == "E-IMPORT-BAD-VALUE"));
    assert_eq!(d.len(), 101, "100 problems and the count of the others");
    assert_eq!(d[100].code, "E-IMPORT-TOO-MANY");
    assert!(
        d[100].message.contains("autres problèmes"),
        "{}",
        d[100].message
    );
}

// ---------------------------------------------------------------------------------------------
// Fuzz-style: no input makes an import panic.

fn must_not_panic(bytes: &[u8]) {
    for (_, name) in WORKBOOKS {
        let _ = import(bytes, name, common::catalogues());
    }
}

fn valid_files() -> &'static [Vec<u8>] {
    static FILES: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        // ODS, XLSX, then the same for a convention carrying what format 2 adds.
        [sample("petit-organisme"), common::evaluation_fixture()]
            .iter()
            .flat_map(|conv| {
                WORKBOOKS
                    .iter()
                    .map(|(f, _)| common::export(conv, *f, Mode::Brouillon))
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn fuzz_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        must_not_panic(&bytes);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        must_not_panic(&zipped);
    }

    #[test]
    fn fuzz_mutated_files_never_panic(
        which in 0usize..4,
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let file = &valid_files()[which];
        let mut bytes = file.clone();
        for (at, b) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= b | 1;
        }
        must_not_panic(&bytes);
        must_not_panic(&bytes[..cut.index(bytes.len())]);
    }

    #[test]
    fn fuzz_mutated_xml_inside_valid_zips_never_panic(
        which in 0usize..4,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let file = &valid_files()[which];
        // The ODS content; in XLSX the first indicator sheet, or the last sheet of the format 2
        // convention (« Signature et réalisations »).
        let entry = match which {
            0 | 2 => "content.xml".to_string(),
            1 => "xl/worksheets/sheet2.xml".to_string(),
            _ => format!(
                "xl/worksheets/sheet{}.xml",
                unzip(file)
                    .iter()
                    .filter(|(n, _)| n.starts_with("xl/worksheets/sheet"))
                    .count()
            ),
        };
        let mutated = rezip_bytes(file, &entry, |mut x| {
            for (at, b) in &flips {
                let i = at.index(x.len());
                x[i] = *b;
            }
            if let Some(c) = cut {
                x.truncate(c.index(x.len()));
            }
            x
        });
        must_not_panic(&mutated);
    }
}

/// Rebuild a zip file with one entry changed as bytes (may become invalid UTF-8 or XML).
fn rezip_bytes(bytes: &[u8], name: &str, edit: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, content) in unzip(bytes) {
        let opts = SimpleFileOptions::default().compression_method(if n == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        });
        w.start_file(n.as_str(), opts).unwrap();
        let content = if n == name { edit(content) } else { content };
        w.write_all(&content).unwrap();
    }
    w.finish().unwrap().into_inner()
}
