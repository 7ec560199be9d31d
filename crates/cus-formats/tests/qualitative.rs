//! Qualitative items in the four formats: the yes/no answers of GLF.I (cus1-logements-foyers,
//! one per département) and the texts of SR-SV-1 and SR-SV-2 (cus2-societes-vente) are written
//! and read back exactly — booleans as booleans, texts with line breaks, `;`, quotes, leading and
//! trailing spaces, a text at the length limit in two-byte characters, one over it (kept as
//! typed: the limit is a rule, not a cut), and a formula-looking text neutralised in every file.

mod common;

use std::io::{Cursor, Read};

use cus_core::convention::{Convention, Value};
use cus_core::organisme::{Organisme, OrganismeKind};
use cus_formats::{Format, Mode};

use common::read_back;

const FORMATS: [(Format, &str); 4] = [
    (Format::Json, "cus.json"),
    (Format::Csv, "cus.csv"),
    (Format::Ods, "cus.ods"),
    (Format::Xlsx, "cus.xlsx"),
];

fn organisme() -> Organisme {
    Organisme {
        raison_sociale: "Habitat Essai (fictif)".into(),
        siren: "988041729".into(),
        kind: Some(OrganismeKind::Oph),
        siege_departement: Some("59".into()),
    }
}

fn convention(catalogue: &str, signing_year: i32, departements: &[&str]) -> Convention {
    let cat = cus_core::catalogue::latest(common::catalogues(), catalogue).unwrap();
    let mut conv = Convention {
        name: format!("Essai {catalogue}"),
        organisme: organisme(),
        signing_year: Some(signing_year),
        geo_vintage: Some(2026),
        departements: departements.iter().map(|d| d.to_string()).collect(),
        ..Default::default()
    };
    conv.catalogue.id = cat.id.clone();
    conv.catalogue.version = cat.version.clone();
    conv
}

/// GLF.I answered « oui » in the Nord, « non » in the Pas-de-Calais, left empty in the Vosges.
fn yes_no() -> Convention {
    let mut conv = convention("cus1-logements-foyers", 2012, &["59", "62", "88"]);
    conv.values
        .insert("GLF.I|departement:59|valeur|c6".into(), Value::Bool(true));
    conv.values
        .insert("GLF.I|departement:62|valeur|c6".into(), Value::Bool(false));
    conv.values
        .insert("ALF.I|departement:59|valeur|a1".into(), Value::Number(12.0));
    conv
}

const STRATEGY: &str = "=Contrôles trimestriels du gestionnaire ;\nnorme « Qualibail » adoptée ;\r\n\
                        enquête \"satisfaction\" annuelle, 'citée'.\n\n  - suivi des réclamations  ";

fn texts(sr_sv_1: &str, sr_sv_2: &str) -> Convention {
    let mut conv = convention("cus2-societes-vente", 2022, &[]);
    conv.values.insert(
        "SR-SV-1|organisme|valeur|c6".into(),
        Value::Text(sr_sv_1.into()),
    );
    conv.values.insert(
        "SR-SV-2|organisme|valeur|c6".into(),
        Value::Text(sr_sv_2.into()),
    );
    conv.values
        .insert("PP-SV-1|organisme|valeur|a1".into(), Value::Number(3.0));
    conv
}

fn unzip_part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("no {name}"));
    let mut out = String::new();
    f.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn yes_no_and_texts_round_trip_in_the_four_formats() {
    let cases = [
        yes_no(),
        texts(STRATEGY, &"é".repeat(2000)),
        // Over the limit: kept whole, flagged by the rules, never cut by a file.
        texts(&"Texte trop long. ".repeat(150), "oui"),
        // Texts that look like something else: a number, a yes/no, an apostrophe.
        texts("12", "'non"),
    ];
    for conv in &cases {
        for (format, name) in FORMATS {
            for mode in [Mode::Brouillon, Mode::Final] {
                let bytes = common::export(conv, format, mode);
                let back = read_back(&bytes, name);
                assert_eq!(&back.convention, conv, "{name} {mode:?}");
                assert!(back.notes.is_empty(), "{name}: {:?}", back.notes);
                // Same convention, same bytes.
                assert!(
                    common::export(&back.convention, format, mode) == bytes,
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn each_format_writes_booleans_as_booleans() {
    let conv = yes_no();
    let json = String::from_utf8(common::export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    assert!(
        json.contains(r#""GLF.I|departement:59|valeur|c6": true"#),
        "{json}"
    );
    assert!(json.contains(r#""GLF.I|departement:62|valeur|c6": false"#));

    let csv = String::from_utf8(common::export(&conv, Format::Csv, Mode::Brouillon)).unwrap();
    let line = |dep: &str| {
        csv.lines()
            .find(|l| l.contains(&format!(";GLF.I;departement;departement:{dep};")))
            .unwrap_or_else(|| panic!("no GLF.I line for {dep}"))
            .to_string()
    };
    assert!(line("59").contains(";c6;oui;oui / non;"), "{}", line("59"));
    assert!(line("62").contains(";c6;non;oui / non;"), "{}", line("62"));

    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    let content = unzip_part(&ods, "content.xml");
    assert!(content.contains(r#"office:value-type="boolean" office:boolean-value="true""#));
    assert!(content.contains(r#"office:value-type="boolean" office:boolean-value="false""#));

    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let mut z = zip::ZipArchive::new(Cursor::new(&xlsx)).unwrap();
    let sheets: Vec<String> = (0..z.len())
        .filter_map(|i| {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            name.starts_with("xl/worksheets/sheet").then(|| {
                let mut s = String::new();
                f.read_to_string(&mut s).unwrap();
                s
            })
        })
        .collect();
    let booleans: usize = sheets.iter().map(|s| s.matches(r#" t="b""#).count()).sum();
    assert_eq!(booleans, 2, "two boolean cells, one per answer");
}

#[test]
fn a_formula_looking_text_is_neutralised_in_every_file() {
    let conv = texts(STRATEGY, "@SOMME(A1)");
    let csv = String::from_utf8(common::export(&conv, Format::Csv, Mode::Brouillon)).unwrap();
    assert!(
        csv.contains(";\"'=Contrôles trimestriels"),
        "CSV: not neutralised"
    );
    assert!(csv.contains(";'@SOMME(A1);"), "CSV: not neutralised");

    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    let content = unzip_part(&ods, "content.xml");
    assert!(content.contains("<text:p>'=Contrôles trimestriels"), "ODS");
    assert!(content.contains("<text:p>'@SOMME(A1)</text:p>"), "ODS");
    assert!(!content.contains("table:formula"));

    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let strings = unzip_part(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains(">'=Contrôles trimestriels"), "XLSX");
    assert!(strings.contains("<t>'@SOMME(A1)</t>"), "XLSX");

    // JSON is no spreadsheet: the text is written as typed.
    let json = String::from_utf8(common::export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    assert!(json.contains(r#""=Contrôles trimestriels du gestionnaire ;\nnorme"#));
}

#[test]
fn a_text_stays_whole_in_its_cell_of_the_workbooks() {
    // 2 000 characters with line breaks: one cell of the SR-SV-1 sheet, not « Autres valeurs ».
    let long = "Contrôle du gestionnaire ;\n".repeat(74) + &"x".repeat(2000 - 27 * 74);
    assert_eq!(long.chars().count(), 2000);
    let conv = texts(&long, "Enquête annuelle.");
    let xlsx = common::export(&conv, Format::Xlsx, Mode::Brouillon);
    let content = unzip_part(&xlsx, "xl/workbook.xml");
    assert!(
        !content.contains("Autres valeurs"),
        "no sheet of other values"
    );
    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    let content = unzip_part(&ods, "content.xml");
    assert!(!content.contains("Autres valeurs"));
    // The text column of a text item is wide enough to be read (not the 11 to 24 of numbers).
    let workbook = unzip_part(&xlsx, "xl/workbook.xml");
    let pos = workbook
        .match_indices("<sheet ")
        .position(|(i, _)| workbook[i..].starts_with(r#"<sheet name="SR-SV-1""#))
        .expect("a sheet SR-SV-1");
    let sheet = unzip_part(&xlsx, &format!("xl/worksheets/sheet{}.xml", pos + 1));
    let cols = &sheet[sheet.find("<cols>").unwrap()..sheet.find("</cols>").unwrap()];
    assert!(
        cols.contains(r#"<col min="3" max="3" width="80.7109375""#),
        "{cols}"
    );
    assert!(content.contains("SR-SV-1"));
}
