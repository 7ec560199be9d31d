//! Format 3 (`cus-indicateurs/3`): what an organism chooses where the texts are silent (units,
//! periodicities, parts stated in %, bases given once) and the indicators it adds « hors
//! règlement » go through the four formats; cells are checked against the catalogue as the
//! convention applies it (`Convention::view`), its choices read first wherever they are in the
//! file; files of format 2 read as they did.

mod common;

use std::collections::BTreeMap;

use calamine::{Data, Reader as _};
use cus_core::catalogue::{Level, Measure, Periodicity};
use cus_core::convention::{Complementary, ComplementaryUnit, Convention, Value};
use cus_formats::{Format, Mode};

use common::{codes, errors, export, read_back};

const FILES: [(Format, &str); 4] = [
    (Format::Json, "cus.json"),
    (Format::Csv, "cus.csv"),
    (Format::Ods, "cus.ods"),
    (Format::Xlsx, "cus.xlsx"),
];

fn sample(id: &str) -> Convention {
    cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| s.convention())
        .unwrap_or_else(|| panic!("sample {id}"))
}

/// The code of the indicator added by [`as_signed`].
const ADDED: &str = "PP-4 complémentaire";

/// A CUS entered as its CUS officer copies the signed convention (issue 24; figures made up):
/// PP-1 parts in % of their total (92 % hors QPV), PP-2 in dwellings per year, PP-3 and PP-4 in
/// dwellings with their % of the parc, SR-1 a yearly path in % of the parc, the stocks given
/// once, and « PP-4 complémentaire » (dwellings sold) added by the organism.
fn as_signed() -> Convention {
    let mut c = sample("petit-organisme");
    let d = "departement:88";
    for prefix in ["SR-1|", "PP-4|", "PP-2|"] {
        let keys: Vec<String> = c
            .values
            .keys()
            .filter(|k| k.starts_with(prefix))
            .cloned()
            .collect();
        for k in keys {
            c.values.remove(&k);
        }
    }
    let units = [
        ("PP-2", "logements"),
        ("PP-3", "logements et % du parc"),
        ("PP-4", "logements et % du parc"),
        ("SR-1", "% du parc"),
    ];
    c.units = units
        .iter()
        .map(|(k, u)| (k.to_string(), u.to_string()))
        .collect();
    c.periodicity.insert("SR-1".into(), "par-annee".into());
    c.part_units.insert("PP-1".into(), "%".into());
    c.stock.insert(d.into(), 5200.0);
    c.bases
        .entry("parc-fg".into())
        .or_default()
        .insert(d.into(), 640.0);
    c.complementary.push(Complementary {
        code: ADDED.into(),
        label: "Logements vendus".into(),
        kind: ComplementaryUnit::Nombre,
        unit: "logements".into(),
        periods: Periodicity {
            yearly: false,
            cumulative: vec![3, 6],
            reference: false,
        },
        level: Level::Organisme,
        measure: Measure::Flux,
    });
    let mut put = |k: &str, v: f64| {
        c.values.insert(k.to_string(), Value::Number(v));
    };
    put(&format!("PP-1|{d}|PLAI/hors-qpv|c3"), 92.0);
    put(&format!("PP-1|{d}|PLAI/hors-ru|c3"), 100.0);
    for (y, n) in [12.0, 0.0, 7.0, 9.0, 4.0, 10.0].iter().enumerate() {
        put(&format!("PP-2|{d}|valeur|a{}", y + 1), *n);
    }
    put(&format!("PP-4|{d}|valeur|c3"), 80.0);
    put(&format!("PP-4|{d}|valeur/pct|c3"), 1.5);
    put(&format!("PP-4|{d}|valeur|c6"), 160.0);
    put(&format!("PP-4|{d}|valeur/pct|c6"), 3.1);
    for (y, n) in [25.8, 27.9, 30.1, 32.4, 34.6, 36.9].iter().enumerate() {
        put(&format!("SR-1|{d}|valeur|a{}", y + 1), *n);
    }
    put(&format!("SR-1|{d}|valeur|ref"), 45.8);
    put(&format!("{ADDED}|organisme|valeur|c3"), 40.0);
    put(&format!("{ADDED}|organisme|valeur|c6"), 95.0);
    c
}

#[test]
fn a_cus_written_as_signed_round_trips_in_the_four_formats() {
    let conv = as_signed();
    for (format, name) in FILES {
        for mode in [Mode::Brouillon, Mode::Final] {
            let back = read_back(&export(&conv, format, mode), name);
            assert_eq!(back.convention, conv, "{name} {mode:?}");
            assert!(back.notes.is_empty(), "{name}: {:#?}", back.notes);
        }
    }
}

/// The sheets of a workbook, in their order.
fn sheets(bytes: &[u8], format: Format) -> Vec<(String, calamine::Range<Data>)> {
    let cursor = std::io::Cursor::new(bytes.to_vec());
    let (names, mut all) = match format {
        Format::Xlsx => {
            let mut x = calamine::Xlsx::new(cursor).unwrap();
            (x.sheet_names(), x.worksheets())
        }
        _ => {
            let mut x = calamine::Ods::new(cursor).unwrap();
            (x.sheet_names(), x.worksheets())
        }
    };
    names
        .into_iter()
        .map(|n| {
            let i = all.iter().position(|(m, _)| *m == n).unwrap();
            all.remove(i)
        })
        .collect()
}

/// The value under the column whose key (row 5) is `column`, in the row of `territory`.
fn grid_value(range: &calamine::Range<Data>, territory: &str, column: &str) -> Data {
    let col = (0..range.width() as u32)
        .find(|&c| range.get_value((4, c)) == Some(&Data::String(column.into())))
        .unwrap_or_else(|| panic!("no column {column}"));
    let row = (5..range.height() as u32)
        .find(|&r| range.get_value((r, 0)) == Some(&Data::String(territory.into())))
        .unwrap_or_else(|| panic!("no row {territory}"));
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

/// The header of the split of the column whose key is `column` (row 4).
fn split_header(range: &calamine::Range<Data>, column: &str) -> String {
    let col = (0..range.width() as u32)
        .find(|&c| range.get_value((4, c)) == Some(&Data::String(column.into())))
        .unwrap_or_else(|| panic!("no column {column}"));
    range
        .get_value((3, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn the_workbooks_show_the_choices_and_the_added_indicators_apart() {
    let conv = as_signed();
    for format in [Format::Ods, Format::Xlsx] {
        let all = sheets(&export(&conv, format, Mode::Brouillon), format);
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        let sheet = |name: &str| {
            &all.iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{format:?}: no sheet {name} in {names:?}"))
                .1
        };
        // The indicators added come apart, after the decree's: their definitions, then theirs.
        let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
        assert!(at("G-1") < at("Hors règlement"), "{names:?}");
        assert_eq!(at("Hors règlement") + 1, at(ADDED), "{names:?}");
        let defs = sheet("Hors règlement");
        assert_eq!(
            defs.get_value((0, 0))
                .map(|d| d.to_string())
                .unwrap_or_default(),
            "Indicateurs complémentaires (hors règlement) — BROUILLON — ne pas transmettre"
        );
        let row: Vec<String> = (0..7)
            .map(|c| defs.get_value((3, c)).map(|d| d.to_string()).unwrap())
            .collect();
        assert_eq!(
            row,
            [
                ADDED,
                "Logements vendus",
                "nombre",
                "logements",
                "c3+c6",
                "organisme",
                "flux"
            ]
        );
        let added = sheet(ADDED);
        let title = added.get_value((0, 0)).unwrap().to_string();
        assert!(title.contains("— hors règlement"), "{title}");
        assert_eq!(
            grid_value(added, "organisme", "valeur|c6"),
            Data::Float(95.0)
        );
        // A PP-1 part in % of its total: its header says so, 92 stays 92.
        let pp1 = sheet("PP-1");
        assert_eq!(
            split_header(pp1, "PLAI/hors-qpv|c3"),
            "PLAI — dont hors QPV (% du total)"
        );
        assert_eq!(split_header(pp1, "PLAI|c3"), "PLAI");
        assert_eq!(
            grid_value(pp1, "departement:88", "PLAI/hors-qpv|c3"),
            Data::Float(92.0)
        );
        // PP-4 in dwellings and in % of the parc: the part `pct`, with « % » in its header.
        let pp4 = sheet("PP-4");
        assert!(split_header(pp4, "valeur/pct|c3").contains('%'));
        assert_eq!(
            grid_value(pp4, "departement:88", "valeur/pct|c3"),
            Data::Float(1.5)
        );
        // SR-1 yearly.
        let sr1 = sheet("SR-1");
        assert_eq!(
            grid_value(sr1, "departement:88", "valeur|a6"),
            Data::Float(36.9)
        );
        assert!(sr1
            .get_value((0, 0))
            .unwrap()
            .to_string()
            .contains("(% du parc)"));
        // The cover: the bases table and the technical rows of the choices.
        let cover = sheet("Couverture");
        let rows: Vec<Vec<String>> = cover
            .rows()
            .map(|r| r.iter().map(|d| d.to_string()).collect())
            .collect();
        let has = |cells: &[&str]| {
            rows.iter()
                .any(|r| r.len() >= cells.len() && r.iter().zip(cells).all(|(a, b)| a == b))
        };
        assert!(has(&["Bases (stocks de référence)", "1"]), "{rows:?}");
        assert!(has(&["parc-fg", "departement:88", "640"]), "{rows:?}");
        assert!(has(&["periodicite", "SR-1", "par-annee"]), "{rows:?}");
        assert!(has(&["unite-parts", "PP-1", "%"]), "{rows:?}");
        assert!(
            has(&["indicateurs-complementaires", "Hors règlement"]),
            "{rows:?}"
        );
    }
}

/// The fields of each line of a CSV export, header first.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// A CSV written back as the export writes it (BOM, `;`, CRLF).
fn csv_bytes(records: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for r in records {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn the_csv_marks_the_added_indicators_and_the_parts_in_percent() {
    let records = csv_records(&export(&as_signed(), Format::Csv, Mode::Brouillon));
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let (ind, part, unit) = (col("indicateur"), col("partie"), col("unite"));
    let (rubrique, cle, contenu) = (col("rubrique"), col("cle"), col("contenu"));
    let lines = |code: &'static str| records.iter().filter(move |r| r[ind] == code);
    assert!(lines(ADDED).count() == 2);
    assert!(lines(ADDED).all(|r| r[unit] == "logements (hors règlement)"));
    // After every line of the decree's indicators.
    let first_added = records.iter().position(|r| r[ind] == ADDED).unwrap();
    assert!(records[first_added..]
        .iter()
        .all(|r| r[ind] == ADDED || r[ind].is_empty()));
    assert!(lines("PP-1")
        .filter(|r| r[part] == "hors-qpv")
        .all(|r| r[unit] == "% du total"));
    assert!(lines("PP-1")
        .filter(|r| r[part].is_empty())
        .all(|r| r[unit] == "logements"));
    assert!(lines("PP-4")
        .filter(|r| r[part] == "pct")
        .all(|r| r[unit] == "% du parc"));
    assert!(lines("PP-4")
        .filter(|r| r[part].is_empty())
        .all(|r| r[unit] == "logements"));
    let complements: Vec<[&str; 3]> = records
        .iter()
        .filter(|r| !r[rubrique].is_empty())
        .map(|r| [r[rubrique].as_str(), r[cle].as_str(), r[contenu].as_str()])
        .collect();
    for expected in [
        ["periodicite", "SR-1", "par-annee"],
        ["unite-parts", "PP-1", "%"],
        ["base", "parc-fg|departement:88", "640"],
        ["logements", "departement:88", "5200"],
        ["indicateur-complementaire", ADDED, "Logements vendus"],
        ["complementaire-nature", ADDED, "nombre"],
        ["complementaire-unite", ADDED, "logements"],
        ["complementaire-echeances", ADDED, "c3+c6"],
        ["complementaire-maille", ADDED, "organisme"],
        ["complementaire-mesure", ADDED, "flux"],
    ] {
        assert!(
            complements.contains(&expected),
            "{expected:?} in {complements:#?}"
        );
    }
}

/// The CSV of [`as_signed`] with every complement moved to lines of their own at the end of the
/// file (as a hand-edited file may have them), but those `keep` rejects.
fn complements_last(keep: impl Fn(&str) -> bool) -> Vec<u8> {
    let records = csv_records(&export(&as_signed(), Format::Csv, Mode::Brouillon));
    let header = &records[0];
    let col = |name: &str| header.iter().position(|c| c == name).unwrap();
    let (rubrique, cle, contenu) = (col("rubrique"), col("cle"), col("contenu"));
    let cell_columns = col("indicateur")..=col("unite");
    let mut out = vec![header.clone()];
    let mut moved = Vec::new();
    for r in &records[1..] {
        let mut cells = r.clone();
        if !r[rubrique].is_empty() {
            if keep(&r[rubrique]) {
                let mut line = r.clone();
                for i in cell_columns.clone() {
                    line[i].clear();
                }
                moved.push(line);
            }
            for i in [rubrique, cle, contenu] {
                cells[i].clear();
            }
        }
        if cell_columns.clone().any(|i| !cells[i].is_empty()) {
            out.push(cells);
        }
    }
    // The checksum stays on the first line of values.
    out.extend(moved);
    csv_bytes(&out)
}

#[test]
fn csv_choices_after_the_cells_are_read_before_the_cells_are_checked() {
    let bytes = complements_last(|_| true);
    let records = csv_records(&bytes);
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let (ind, rubrique) = (col("indicateur"), col("rubrique"));
    let last_cell = records.iter().rposition(|r| r[ind] == ADDED).unwrap();
    let line_of = |what: &str| records.iter().position(|r| r[rubrique] == what).unwrap();
    assert!(line_of("indicateur-complementaire") > last_cell);
    assert!(line_of("periodicite") > last_cell);
    let back = read_back(&bytes, "moved.csv");
    assert_eq!(back.convention, as_signed());
    assert!(back.notes.is_empty(), "{:#?}", back.notes);
    // Without the lines that define it, the values of the indicator added name no indicator.
    let bytes = complements_last(|r| !r.starts_with("indicateur-complementaire"));
    let d = errors(&bytes, "sans-definition.csv");
    assert!(!d.is_empty());
    assert!(
        d.iter().all(|x| x.code == "E-IMPORT-INDICATOR-UNKNOWN"
            || (x.code == "E-IMPORT-CSV-COMPLEMENT" && x.message.contains(ADDED))),
        "{d:#?}"
    );
    assert!(d
        .iter()
        .any(|x| x.code == "E-IMPORT-INDICATOR-UNKNOWN" && x.message.contains(ADDED)));
}

/// The CSV of [`as_signed`] with one complement line added at the end (the file-level columns
/// of the other lines, no cell).
fn csv_plus(rubrique: &str, cle: &str, contenu: &str) -> Vec<u8> {
    const FILE_LEVEL: [&str; 8] = [
        "format",
        "nature",
        "exporte_le",
        "catalogue",
        "version_catalogue",
        "siren",
        "annee_signature",
        "millesime_geo",
    ];
    let mut records = csv_records(&export(&as_signed(), Format::Csv, Mode::Brouillon));
    let header = records[0].clone();
    let last = records.last().unwrap().clone();
    let line = header
        .iter()
        .zip(&last)
        .map(|(name, field)| match name.as_str() {
            "rubrique" => rubrique.to_string(),
            "cle" => cle.to_string(),
            "contenu" => contenu.to_string(),
            n if FILE_LEVEL.contains(&n) => field.clone(),
            _ => String::new(),
        })
        .collect();
    records.push(line);
    csv_bytes(&records)
}

#[test]
fn bad_choice_lines_of_a_csv_are_refused_with_their_line_and_column() {
    let cases: [(&str, &str, &str, &str); 8] = [
        ("base", "parc-fg", "10", "colonne « cle »"),
        (
            "base",
            "parc-fg|departement:59",
            "beaucoup",
            "n'est pas un nombre",
        ),
        (
            "complementaire-echeances",
            ADDED,
            "c9",
            "« c9 » n'est pas une échéance",
        ),
        (
            "complementaire-nature",
            ADDED,
            "euros",
            "nature d'indicateur",
        ),
        (
            "complementaire-maille",
            ADDED,
            "commune",
            "n'est pas une maille",
        ),
        (
            "complementaire-mesure",
            ADDED,
            "stock",
            "n'est pas une mesure",
        ),
        (
            "complementaire-unite",
            "Autre",
            "logements",
            "avant celle-ci",
        ),
        (
            "periodicite",
            "SR-1",
            "3-et-6-ans",
            "gardez une seule de ces lignes",
        ),
    ];
    for (rubrique, cle, contenu, says) in cases {
        let bytes = csv_plus(rubrique, cle, contenu);
        let d = errors(&bytes, "cus.csv");
        let x = d
            .iter()
            .find(|x| x.code == "E-IMPORT-CSV-COMPLEMENT")
            .unwrap_or_else(|| panic!("{rubrique} {contenu}: {d:#?}"));
        assert!(x.message.contains(says), "{rubrique}: {}", x.message);
        let line = x.location.line.unwrap();
        assert!(
            x.message.starts_with(&format!("Ligne {line}, colonne")),
            "{}",
            x.message
        );
    }
    // An indicator added without its periods.
    let bytes = csv_plus(
        "indicateur-complementaire",
        "Sans échéances",
        "Un indicateur",
    );
    let d = errors(&bytes, "cus.csv");
    assert_eq!(codes(&d), ["E-IMPORT-CSV-COMPLEMENT"], "{d:#?}");
    assert!(
        d[0].message.contains("complementaire-echeances"),
        "{}",
        d[0].message
    );
}

#[test]
fn a_base_the_catalogue_does_not_declare_is_kept_with_a_note_in_every_format() {
    let mut conv = as_signed();
    conv.bases
        .entry("parc-inconnu".into())
        .or_default()
        .insert("departement:88".into(), 12.0);
    for (format, name) in FILES {
        let back = read_back(&export(&conv, format, Mode::Brouillon), name);
        assert_eq!(back.convention, conv, "{name}");
        assert_eq!(codes(&back.notes), ["W-IMPORT-BASE-UNKNOWN"], "{name}");
        let msg = &back.notes[0].message;
        assert!(
            msg.contains("« parc-inconnu »") && msg.contains("parc-fg") && msg.contains("gardés"),
            "{msg}"
        );
    }
}

#[test]
fn bad_choices_in_a_workbook_are_refused_with_their_place() {
    let conv = as_signed();
    for (format, name) in [(Format::Ods, "cus.ods"), (Format::Xlsx, "cus.xlsx")] {
        let bytes = export(&conv, format, Mode::Brouillon);
        for (from, to, says) in [
            ("c3+c6", "c3+c9", "« c9 » n'est pas une échéance"),
            ("flux", "stock", "n'est pas une mesure"),
        ] {
            let d = errors(&replace_text(&bytes, from, to), name);
            assert_eq!(codes(&d), ["E-IMPORT-BAD-VALUE"], "{name}: {d:#?}");
            assert!(
                d[0].message
                    .starts_with("Feuille Hors règlement, ligne 4, colonne ")
                    && d[0].message.contains(says),
                "{}",
                d[0].message
            );
        }
        // A column the convention's view does not have (SR-1 yearly, the choice removed from
        // the cover): accepted, as a value kept after a change of choice; a column no choice
        // gives is refused.
        let d = errors(&replace_text(&bytes, "PLAI|c3", "PLAI|a2"), name);
        assert_eq!(codes(&d), ["E-IMPORT-BAD-KEY"], "{name}: {d:#?}");
        assert!(
            d[0].message.starts_with("Feuille PP-1, ligne 5, colonne ")
                && d[0]
                    .message
                    .contains("la période « a2 » n'existe pas pour PP-1"),
            "{}",
            d[0].message
        );
    }
}

/// The workbook with the first text `from` (a whole cell) replaced by `to`.
fn replace_text(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let (from, to) = (format!(">{from}<"), format!(">{to}<"));
    let mut changed = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = String::new();
        f.read_to_string(&mut data).unwrap();
        if !changed && data.contains(&from) {
            data = data.replacen(&from, &to, 1);
            changed = true;
        }
        let method = if name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        out.write_all(data.as_bytes()).unwrap();
    }
    assert!(changed, "{from}");
    out.finish().unwrap().into_inner()
}

#[test]
fn values_kept_after_a_change_of_choice_read_back_and_others_are_refused() {
    // SR-1 entered at 3 and 6 years, then the yearly periodicity chosen: the values at c3 and
    // c6 stay (the validation reports them), and the file reads back in every format.
    let mut conv = as_signed();
    conv.values
        .insert("SR-1|departement:88|valeur|c3".into(), Value::Number(30.1));
    // PP-4 entered with its %, then in dwellings only: the `pct` values stay.
    conv.units.insert("PP-4".into(), "logements".into());
    for (format, name) in FILES {
        let back = read_back(&export(&conv, format, Mode::Brouillon), name);
        assert_eq!(back.convention, conv, "{name}");
    }
    // A period no choice gives (PP-1 has none): refused, naming those of the view.
    let mut bad = as_signed();
    bad.values
        .insert("PP-1|departement:88|PLAI|a2".into(), Value::Number(1.0));
    for (format, name) in [(Format::Json, "cus.json"), (Format::Csv, "cus.csv")] {
        let d = errors(&export(&bad, format, Mode::Brouillon), name);
        assert_eq!(codes(&d), ["E-IMPORT-PERIOD"], "{name}: {d:#?}");
        assert!(
            d[0].message.contains("périodes possibles : ref, c3, c6"),
            "{}",
            d[0].message
        );
    }
}

#[test]
fn the_checksum_sees_a_choice_edited_after_export() {
    let json = String::from_utf8(export(&as_signed(), Format::Json, Mode::Brouillon)).unwrap();
    let edited = json.replacen("\"par-annee\"", "\"3-et-6-ans\"", 1);
    assert_ne!(edited, json);
    let back = read_back(edited.as_bytes(), "cus.json");
    assert_eq!(codes(&back.notes), ["W-IMPORT-CHECKSUM"]);
    // A convention without the choices of format 3 keeps the checksum of format 2.
    let plain = sample("petit-organisme");
    let golden = std::fs::read_to_string(common::golden_path("petit-organisme.json")).unwrap();
    assert!(golden.contains(&cus_formats::checksum(&plain)));
}

/// Files of format 2, as the application wrote them before format 3 (`tests/fixtures/format-2`:
/// the evaluation fixture with the units PP-4 « % du parc » and SR-1 « logements », in the four
/// formats, and the sample `petit-organisme` in JSON and CSV).
#[test]
fn files_of_format_2_import_identically() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format-2");
    let expected: Convention =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/expected.json")).unwrap())
            .unwrap();
    let mut read = BTreeMap::new();
    for ext in ["json", "csv", "ods", "xlsx"] {
        let name = format!("evaluation-v2.{ext}");
        let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
        let back = read_back(&bytes, &name);
        assert_eq!(back.convention, expected, "{name}");
        assert!(back.notes.is_empty(), "{name}: {:#?}", back.notes);
        read.insert(ext, back.convention);
    }
    for ext in ["json", "csv"] {
        let name = format!("petit-organisme-v2.{ext}");
        let bytes = std::fs::read(format!("{dir}/{name}")).unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("cus-indicateurs/2"));
        let back = read_back(&bytes, &name);
        // (The sample's PS-1 commitments have since been raised to the legal floor of 25 %;
        // the file of format 2 was written before.)
        let mut now = sample("petit-organisme");
        for (k, v) in back.convention.values.iter() {
            if k.starts_with("PS-1|") && !k.ends_with("|ref") {
                now.values.insert(k.clone(), v.clone());
            }
        }
        assert_eq!(back.convention, now, "{name}");
        assert!(back.notes.is_empty(), "{name}: {:#?}", back.notes);
    }
    // Read the same way as before: exported again (format 3), they read back identical.
    for (format, name) in FILES {
        let again = read_back(&export(&expected, format, Mode::Brouillon), name);
        assert_eq!(again.convention, expected, "{name}");
    }
}
