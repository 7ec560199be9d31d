//! Format 2 (`cus-indicateurs/2`, read and written by format 3): the signature, the versions
//! replaced by an avenant and the achievements of an evaluation go through the four formats and
//! come back identical; files of format 1 are still read; damaged evaluation data is refused
//! with located French messages.

mod common;

use cus_core::convention::Convention;
use cus_formats::{Format, Mode, FORMAT_VERSION};

use common::{codes, errors, export, read_back};

/// The fixture: signed by an avenant (one version replaced), achievements over three years
/// (counts), a percentage by its terms, justifications from the organism and from outside.
fn evaluated() -> Convention {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/evaluation.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const FILES: [(Format, &str); 4] = [
    (Format::Json, "eval.json"),
    (Format::Csv, "eval.csv"),
    (Format::Ods, "eval.ods"),
    (Format::Xlsx, "eval.xlsx"),
];

#[test]
fn the_fixture_carries_everything_format_2_adds() {
    let c = evaluated();
    assert!(c.signature.is_some());
    assert_eq!(c.versions.len(), 1);
    assert_eq!(c.achievements.values.len(), 12);
    assert_eq!(c.achievements.terms.len(), 3);
    assert_eq!(c.achievements.justifications.len(), 4);
    assert_eq!(FORMAT_VERSION, "cus-indicateurs/3");
}

#[test]
fn signature_versions_and_achievements_round_trip_in_the_four_formats() {
    let conv = evaluated();
    for (format, name) in FILES {
        for mode in [Mode::Brouillon, Mode::Final] {
            let bytes = export(&conv, format, mode);
            let back = read_back(&bytes, name);
            assert_eq!(back.convention, conv, "{name} {mode:?}");
            assert_eq!(back.mode, mode);
            // The checksum covers the achievements and matches: no note.
            assert!(back.notes.is_empty(), "{name}: {:#?}", back.notes);
        }
    }
}

#[test]
fn terms_with_a_missing_member_round_trip() {
    let mut conv = evaluated();
    let t = &mut conv.achievements.terms;
    t.get_mut("PP-2|departement:59|valeur|a1")
        .unwrap()
        .denominator = None;
    t.get_mut("PP-2|departement:59|valeur|a2")
        .unwrap()
        .numerator = None;
    let t3 = t.get_mut("PP-2|departement:59|valeur|a3").unwrap();
    t3.numerator = None;
    t3.denominator = None;
    conv.signature = None;
    for (format, name) in FILES {
        let back = read_back(&export(&conv, format, Mode::Brouillon), name);
        assert_eq!(back.convention, conv, "{name}");
    }
}

#[test]
fn every_file_says_format_3() {
    let conv = evaluated();
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    assert!(json.contains("\"format\": \"cus-indicateurs/3\""));
    let csv = String::from_utf8(export(&conv, Format::Csv, Mode::Brouillon)).unwrap();
    assert!(csv
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("cus-indicateurs/3;"));
}

#[test]
fn the_checksum_sees_an_achievement_edited_after_export() {
    let conv = evaluated();
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    let edited = json.replacen(
        "\"PP-1|departement:59|total|a1\": 8.0",
        "\"PP-1|departement:59|total|a1\": 9.0",
        1,
    );
    assert_ne!(edited, json);
    let back = read_back(edited.as_bytes(), "eval.json");
    assert_eq!(codes(&back.notes), ["W-IMPORT-CHECKSUM"]);
}

#[test]
fn format_1_files_are_still_read() {
    // The samples of data/samples are format 1 files, kept as they are.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/samples");
    let text = std::fs::read_to_string(format!("{dir}/petit-organisme.json")).unwrap();
    let back = read_back(text.as_bytes(), "petit-organisme.json");
    assert!(back.convention.achievements.is_empty());
    // An enveloped format 1 file: the current export, relabelled.
    let conv = back.convention;
    for (format, name) in [(Format::Json, "v1.json"), (Format::Csv, "v1.csv")] {
        let text = String::from_utf8(export(&conv, format, Mode::Brouillon)).unwrap();
        let v1 = text.replace(FORMAT_VERSION, "cus-indicateurs/1");
        assert_ne!(v1, text);
        let back = read_back(v1.as_bytes(), name);
        assert_eq!(back.convention, conv, "{name}");
        // Without achievements the checksum is the one format 1 wrote.
        assert!(back.notes.is_empty(), "{name}: {:#?}", back.notes);
    }
    // Files written by the application in format 1 (copies of four territorial samples as they
    // were before format 2), in the four formats, read as they are.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/format-1");
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(format) = Format::from_file_name(&name) else {
            continue;
        };
        if name == "manifest.json" || !seen.insert(format.extension()) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let stated = match format {
            Format::Json | Format::Csv => String::from_utf8_lossy(&bytes).into_owned(),
            _ => sheets(&bytes, format)
                .into_iter()
                .find(|(n, _)| n == "Couverture")
                .map(|(_, r)| r.rows().flatten().map(|d| d.to_string() + "\n").collect())
                .unwrap_or_default(),
        };
        assert!(
            stated.contains("cus-indicateurs/1"),
            "{name} is not a format 1 file"
        );
        let back = read_back(&bytes, &name);
        assert!(back.convention.achievements.is_empty(), "{name}");
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
    // A future major version is refused with the French message.
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    let v4 = json.replacen(FORMAT_VERSION, "cus-indicateurs/4", 1);
    let d = errors(v4.as_bytes(), "v4.json");
    assert_eq!(codes(&d), ["E-IMPORT-FORMAT-VERSION"]);
    assert!(
        d[0].message.contains("Mettez l'application à jour"),
        "{}",
        d[0].message
    );
}

/// A CSV of the fixture with `from` replaced by `to` (once, on the line holding `from`).
fn csv_with(from: &str, to: &str) -> String {
    let csv = String::from_utf8(export(&evaluated(), Format::Csv, Mode::Brouillon)).unwrap();
    assert!(csv.contains(from), "{from}");
    csv.replacen(from, to, 1)
}

/// The line of the CSV of the fixture holding `needle`.
fn csv_line(needle: &str) -> usize {
    let csv = String::from_utf8(export(&evaluated(), Format::Csv, Mode::Brouillon)).unwrap();
    csv.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn csv_evaluation_complements_are_checked_with_their_line() {
    let cases: [(&str, &str, &str, &str); 7] = [
        // (needle, replacement, code, words of the message)
        (
            "realise;PP-1|departement:59|total|a1;8",
            "realise;PP-1|departement:59|total|a1;huit",
            "E-IMPORT-CSV-COMPLEMENT",
            "n'est pas un nombre",
        ),
        (
            "realise;PP-1|departement:59|total|a2;12",
            "realise;PP-9|departement:59|total|a2;12",
            "E-IMPORT-INDICATOR-UNKNOWN",
            "PP-9",
        ),
        (
            "realise;PP-1|departement:59|total|a3;4",
            "realise;PP-1|departement:59|a3;4",
            "E-IMPORT-CELL-KEY",
            "n'est pas de la forme",
        ),
        (
            "justification;PP-1|departement:59|PLS;organisme",
            "justification;PP-1|departement:59|PLS;prefet",
            "E-IMPORT-CSV-COMPLEMENT",
            "origine de l'écart",
        ),
        (
            "signature-date;;2021-06-30",
            "signature-date;;30/06/2021",
            "E-IMPORT-CSV-COMPLEMENT",
            "AAAA-MM-JJ",
        ),
        (
            "version-date;'1;2020-12-18",
            "version-date;'2;2020-12-18",
            "E-IMPORT-CSV-COMPLEMENT",
            "version",
        ),
        (
            "numerateur;PP-2|departement:59|valeur|a1;3",
            "numerateur;PP-2|departement:59|LLI|a1;3",
            "E-IMPORT-SPLIT",
            "répartition",
        ),
    ];
    for (from, to, code, words) in cases {
        let line = csv_line(from);
        let d = errors(csv_with(from, to).as_bytes(), "eval.csv");
        assert!(codes(&d).contains(&code), "{to}: {d:#?}");
        let hit = d.iter().find(|x| x.code == code).unwrap();
        assert!(hit.message.contains(words), "{}", hit.message);
        assert!(
            hit.message.starts_with(&format!("Ligne {line}"))
                || code == "E-IMPORT-CSV-COMPLEMENT" && to.starts_with("version"),
            "{}",
            hit.message
        );
        assert!(hit.location.line.is_some(), "{to}");
    }
    // A cause without the line of its origin; achievements without their evaluation.
    let d = errors(
        csv_with("justification;PP-1|departement:59|PLUS;exterieur", "x;;").as_bytes(),
        "eval.csv",
    );
    assert!(
        d.iter()
            .any(|x| x.message.contains("n'a pas de ligne « justification »")),
        "{d:#?}"
    );
    let d = errors(
        csv_with("evaluation;;mi-parcours", "x;;").as_bytes(),
        "eval.csv",
    );
    assert!(
        d.iter().any(|x| x.message.contains("« evaluation »")),
        "{d:#?}"
    );
    // Two lines saying different things of the same cell.
    let d = errors(
        csv_with(
            "realise;PP-1|departement:59|PLS|a3;0",
            "realise;PP-1|departement:59|PLS|a2;5",
        )
        .as_bytes(),
        "eval.csv",
    );
    assert_eq!(codes(&d), ["E-IMPORT-CSV-COMPLEMENT"], "{d:#?}");
}

/// The sheets of a workbook as calamine reads them.
fn sheets(bytes: &[u8], format: Format) -> Vec<(String, calamine::Range<calamine::Data>)> {
    use calamine::Reader;
    use std::io::Cursor;
    match format {
        Format::Ods => calamine::Ods::new(Cursor::new(bytes)).unwrap().worksheets(),
        _ => calamine::Xlsx::new(Cursor::new(bytes))
            .unwrap()
            .worksheets(),
    }
}

#[test]
fn workbooks_show_the_evaluation_of_each_indicator_as_cus_core_computes_it() {
    use calamine::Data;
    let mut conv = evaluated();
    // PP-2 year 2 missed (5 / 50 = 10 % for 20 %) and left unjustified.
    conv.achievements
        .justifications
        .remove("PP-2|departement:59|valeur");
    for format in [Format::Ods, Format::Xlsx] {
        let all = sheets(&export(&conv, format, Mode::Final), format);
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        // Each evaluation sheet follows its indicator's; the data sheet comes last.
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert_eq!(pos("PP-1 évaluation"), pos("PP-1") + 1, "{names:?}");
        assert_eq!(pos("PP-2 évaluation"), pos("PP-2") + 1, "{names:?}");
        assert_eq!(
            names.iter().filter(|n| n.ends_with("évaluation")).count(),
            2
        );
        assert_eq!(names.last(), Some(&"Signature et réalisations"));
        let eval = &all[pos("PP-1 évaluation")].1;
        let header: Vec<String> = (0..10)
            .map(|c| eval.get_value((2, c)).unwrap().to_string())
            .collect();
        assert_eq!(
            header[4..9],
            [
                "Engagement",
                "Réalisé",
                "Taux de réalisation (%)",
                "Écart",
                "Justification"
            ]
        );
        // The total over years 1 to 3: 8 + 12 + 4 = 24 achieved for 30 committed, 80 %, −6,
        // justified by an outside cause (costs).
        let row = (3..eval.height() as u32)
            .find(|&r| {
                eval.get_value((r, 2)).map(|d| d.to_string()).as_deref() == Some("Total")
                    && eval.get_value((r, 4)) == Some(&Data::Float(30.0))
            })
            .expect("total line of PP-1 over the three years");
        let num = |c: u32| match eval.get_value((row, c)) {
            Some(Data::Float(f)) => *f,
            Some(Data::Int(i)) => *i as f64,
            d => panic!("{d:?}"),
        };
        assert_eq!((num(4), num(5), num(6), num(7)), (30.0, 24.0, 80.0, -6.0));
        let just = eval.get_value((row, 8)).unwrap().to_string();
        assert!(just.starts_with("Causes extérieures (Coûts"), "{just}");
        // The summary of cus_core under the title.
        let note = eval.get_value((1, 0)).unwrap().to_string();
        assert!(note.starts_with("80 % de l'objectif de PP-1"), "{note}");
        // PP-2 year 2: 10 % achieved for 20 %, −10 points, to justify.
        let pp2 = &all[pos("PP-2 évaluation")].1;
        let row = (3..pp2.height() as u32)
            .find(|&r| pp2.get_value((r, 4)) == Some(&Data::Float(20.0)))
            .unwrap();
        assert_eq!(pp2.get_value((row, 5)), Some(&Data::Float(10.0)));
        assert_eq!(pp2.get_value((row, 7)), Some(&Data::Float(-10.0)));
        assert_eq!(pp2.get_value((row, 8)).unwrap().to_string(), "À justifier");
    }
}

/// The XLSX of the fixture with a text of its shared strings replaced (the data sheet cannot
/// hold a bad origin or key when exported: the types forbid it).
fn xlsx_with(from: &str, to: &str) -> Vec<u8> {
    workbook_with(Format::Xlsx, from, to)
}

/// A workbook of the fixture with a text replaced (a text cell of its own: `>text<` in XML).
fn workbook_with(format: Format, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let bytes = export(&evaluated(), format, Mode::Brouillon);
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let (from, to) = (format!(">{from}<"), format!(">{to}<"));
    let mut changed = false;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = String::new();
        f.read_to_string(&mut data).unwrap();
        if data.contains(&from) {
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
fn damaged_evaluation_data_in_a_workbook_is_refused_with_its_place() {
    // (Both justifications from outside share the text edited.)
    let d = errors(&xlsx_with("exterieur", "prefet"), "eval.xlsx");
    assert!(
        !d.is_empty() && codes(&d).iter().all(|c| *c == "E-IMPORT-BAD-VALUE"),
        "{d:#?}"
    );
    assert!(
        d[0].message
            .starts_with("Feuille Signature et réalisations, ligne "),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains("origine de l'écart « prefet »"),
        "{}",
        d[0].message
    );
    // A split PP-2 does not have, on the row of the terms of year 1 (row 4 is the first data
    // row: signature, version, its eight values, evaluation, then 12 counts).
    let d = errors(
        &xlsx_with(
            "PP-2|departement:59|valeur|a1",
            "PP-2|departement:59|LLI|a1",
        ),
        "eval.xlsx",
    );
    assert_eq!(codes(&d), ["E-IMPORT-BAD-KEY"], "{d:#?}");
    assert!(
        d[0].message
            .starts_with("Feuille Signature et réalisations, ligne 27, colonne B : « PP-2|departement:59|LLI|a1 » : la répartition « LLI » n'existe pas pour PP-2"),
        "{}",
        d[0].message
    );
    // The same achievement twice (year 2's terms given the key of year 1): never the second
    // over the first in silence, refused with its sheet, row and the row it repeats.
    let d = errors(
        &xlsx_with(
            "PP-2|departement:59|valeur|a2",
            "PP-2|departement:59|valeur|a1",
        ),
        "eval.xlsx",
    );
    assert!(codes(&d).contains(&"E-IMPORT-BAD-KEY"), "{d:#?}");
    let dup = d
        .iter()
        .find(|x| x.message.contains("figure déjà ligne"))
        .unwrap_or_else(|| panic!("{d:#?}"));
    assert!(
        dup.message
            .starts_with("Feuille Signature et réalisations, ligne "),
        "{}",
        dup.message
    );
    // An indicator the catalogue does not have, reported on that sheet.
    let d = errors(
        &xlsx_with(
            "PP-2|departement:59|valeur|a2",
            "ZZ-9|departement:59|valeur|a2",
        ),
        "eval.xlsx",
    );
    assert_eq!(codes(&d), ["E-IMPORT-UNKNOWN-INDICATOR"], "{d:#?}");
    assert!(
        d[0].message
            .starts_with("Feuille Signature et réalisations : l'indicateur « ZZ-9 »"),
        "{}",
        d[0].message
    );
}

/// Check `v` against the subset of JSON Schema that `docs/cus-indicateurs.schema.json` uses
/// (`$ref`, `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`, `items`,
/// `minimum`, `maximum`, `minLength`); the `pattern`s are checked by the tests of the keys.
fn validate(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    v: &serde_json::Value,
    at: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value as J;
    if let Some(r) = schema.get("$ref").and_then(J::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(root, &root["$defs"][name], v, at, out);
    }
    let type_ok = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        _ => false,
    };
    match schema.get("type") {
        Some(J::String(t)) if !type_ok(t) => out.push(format!("{at}: not {t}")),
        Some(J::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap())) => {
            out.push(format!("{at}: none of {ts:?}"))
        }
        _ => {}
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            out.push(format!("{at}: {v} is not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(J::as_array) {
        if !e.contains(v) {
            out.push(format!("{at}: {v} not in {e:?}"));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(J::as_f64), v.as_f64()) {
        if n < min {
            out.push(format!("{at}: {n} < {min}"));
        }
    }
    if let (Some(max), Some(n)) = (schema.get("maximum").and_then(J::as_f64), v.as_f64()) {
        if n > max {
            out.push(format!("{at}: {n} > {max}"));
        }
    }
    if let (Some(min), Some(s)) = (schema.get("minLength").and_then(J::as_u64), v.as_str()) {
        if (s.chars().count() as u64) < min {
            out.push(format!("{at}: too short"));
        }
    }
    if let Some(obj) = v.as_object() {
        for k in schema
            .get("required")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(k.as_str().unwrap()) {
                out.push(format!("{at}: {k} required"));
            }
        }
        let props = schema.get("properties").and_then(J::as_object);
        for (k, x) in obj {
            let here = format!("{at}.{k}");
            match (
                props.and_then(|p| p.get(k)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => validate(root, s, x, &here, out),
                (None, Some(J::Bool(false))) => out.push(format!("{here}: not allowed")),
                (None, Some(s)) if s.is_object() => validate(root, s, x, &here, out),
                _ => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"), out);
        }
    }
}

#[test]
fn json_exports_follow_the_schema() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/cus-indicateurs.schema.json"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(schema["properties"]["format"]["const"], FORMAT_VERSION);
    let mut partial = evaluated();
    partial
        .achievements
        .terms
        .get_mut("PP-2|departement:59|valeur|a1")
        .unwrap()
        .denominator = None;
    // Format 3: the choices where the texts are silent, an indicator added.
    let mut chosen = evaluated();
    chosen.periodicity.insert("SR-1".into(), "par-annee".into());
    chosen.part_units.insert("PP-1".into(), "%".into());
    chosen
        .units
        .insert("PP-4".into(), "logements et % du parc".into());
    chosen
        .bases
        .entry("parc-fg".into())
        .or_default()
        .insert("departement:59".into(), 640.0);
    chosen
        .complementary
        .push(cus_core::convention::Complementary {
            code: "PS-1 complémentaire".into(),
            label: "Attributions aux ménages du 2e quartile".into(),
            kind: cus_core::convention::ComplementaryUnit::Pourcentage,
            unit: "des attributions".into(),
            periods: cus_core::catalogue::Periodicity {
                yearly: true,
                cumulative: vec![6],
                reference: true,
            },
            level: cus_core::catalogue::Level::Departement,
            measure: cus_core::catalogue::Measure::Niveau,
        });
    chosen.values.insert(
        "PS-1 complémentaire|departement:59|valeur|a1".into(),
        cus_core::convention::Value::Number(12.5),
    );
    for conv in [evaluated(), partial, chosen] {
        let json: serde_json::Value =
            serde_json::from_slice(&export(&conv, Format::Json, Mode::Final)).unwrap();
        let mut problems = Vec::new();
        validate(&schema, &schema, &json, "$", &mut problems);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    // The validator does see a field the schema does not describe, and a wrong origin.
    let mut json: serde_json::Value =
        serde_json::from_slice(&export(&evaluated(), Format::Json, Mode::Final)).unwrap();
    json["convention"]["achievements"]["justifications"]["PP-1|departement:59|PLS"]["origin"] =
        "prefet".into();
    json["convention"]["signature"]["lieu"] = "Lille".into();
    let mut problems = Vec::new();
    validate(&schema, &schema, &json, "$", &mut problems);
    assert_eq!(problems.len(), 2, "{problems:#?}");
}

#[test]
fn a_justification_longer_than_a_cell_round_trips() {
    let mut conv = evaluated();
    let long = format!("=début {}fin", "écart « justifié » ; ".repeat(2_500));
    assert!(long.encode_utf16().count() > 40_000);
    conv.achievements
        .justifications
        .get_mut("PP-1|departement:59|PLS")
        .unwrap()
        .comment = long;
    for (format, name) in FILES {
        let back = read_back(&export(&conv, format, Mode::Brouillon), name);
        assert_eq!(back.convention, conv, "{name}");
    }
}

#[test]
fn workbooks_of_format_1_are_read_and_of_format_4_refused() {
    for (format, name) in [(Format::Ods, "eval.ods"), (Format::Xlsx, "eval.xlsx")] {
        let d = errors(
            &workbook_with(format, FORMAT_VERSION, "cus-indicateurs/4"),
            name,
        );
        assert_eq!(codes(&d), ["E-IMPORT-FORMAT-VERSION"], "{d:#?}");
        assert!(
            d[0].message.contains("« cus-indicateurs/4 » inconnu")
                && d[0].message.contains("Mettez l'application à jour"),
            "{}",
            d[0].message
        );
        // Format 1 is read (this workbook carries format 2 data: read all the same).
        let back = read_back(
            &workbook_with(format, FORMAT_VERSION, "cus-indicateurs/1"),
            name,
        );
        assert_eq!(back.convention, evaluated(), "{name}");
    }
}

#[test]
fn a_json_file_with_a_signature_date_that_is_no_date_is_refused_like_in_the_other_formats() {
    let conv = evaluated();
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    let date = &conv.signature.as_ref().expect("the fixture is signed").date;
    for (what, bad) in [("signature", "juin 2021"), ("signature", "2021-02-30")] {
        let text = json.replacen(&format!("\"{date}\""), &format!("\"{bad}\""), 1);
        assert_ne!(text, json, "{what}");
        let d = errors(text.as_bytes(), "signee.json");
        assert_eq!(codes(&d), ["E-IMPORT-JSON-CONTENT"], "{what} {bad}");
        assert!(d[0].message.contains("AAAA-MM-JJ"), "{}", d[0].message);
        assert_eq!(
            d[0].location.path.as_deref(),
            Some("convention.signature.date")
        );
    }
    // A version's date.
    let vdate = &conv.versions[0].signature.date;
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let versions = v
        .pointer_mut("/convention/versions/0/signature/date")
        .expect("a version date");
    assert_eq!(versions.as_str(), Some(vdate.as_str()));
    *versions = serde_json::Value::String("hier".into());
    let d = errors(v.to_string().as_bytes(), "version.json");
    assert!(
        d.iter()
            .any(|x| x.location.path.as_deref() == Some("convention.versions[0].signature.date")),
        "{d:?}"
    );
}

#[test]
fn a_level_at_a_cumulative_period_is_labelled_as_the_grid_labels_it() {
    // SR-1 is a level (`measure = "niveau"`): its 3-year commitment is « Fin 2022 » in the
    // grid (`Indicator::period_label_fr`), never « Cumul 2020–2022 » in a workbook.
    let mut conv = evaluated();
    conv.values.insert(
        "SR-1|departement:59|valeur|c3".into(),
        cus_core::convention::Value::Number(100.0),
    );
    for y in 1..=3 {
        conv.achievements.values.insert(
            format!("SR-1|departement:59|valeur|a{y}"),
            90.0 + f64::from(y),
        );
    }
    for format in [Format::Ods, Format::Xlsx] {
        let all = sheets(&export(&conv, format, Mode::Brouillon), format);
        let texts = |name: &str| -> Vec<String> {
            let (_, range) = all
                .iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("{name}"));
            range.cells().map(|(_, _, d)| d.to_string()).collect()
        };
        let eval = texts("SR-1 évaluation");
        assert!(eval.iter().any(|t| t == "Fin 2022"), "{eval:?}");
        assert!(!eval.iter().any(|t| t.contains("Cumul 2020")), "{eval:?}");
        let sheet = texts("SR-1");
        assert!(sheet.iter().any(|t| t == "Fin 2022"), "{sheet:?}");
        assert!(!sheet.iter().any(|t| t.contains("Cumul 2020")), "{sheet:?}");
    }
}

#[test]
fn every_cell_of_an_evaluation_line_is_at_the_top_of_its_row() {
    // A figure at the bottom of a row made tall by its justification read as the next line's:
    // on paper, the evaluation sheets looked shifted one row.
    use std::io::Read;
    let bytes = export(&evaluated(), Format::Ods, Mode::Brouillon);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
    let mut xml = String::new();
    zip.by_name("content.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    // The cell styles aligned at the top.
    let top: Vec<&str> = xml
        .split("<style:style ")
        .skip(1)
        .filter(|s| {
            let def = &s[..s.find("</style:style>").unwrap_or(s.len())];
            def.contains(r#"style:family="table-cell""#) && def.contains(r#"vertical-align="top""#)
        })
        .filter_map(|s| s.split('"').nth(1))
        .collect();
    let start = xml
        .find(r#"table:name="PP-1 évaluation""#)
        .expect("the evaluation sheet");
    let sheet = &xml[start..start + xml[start..].find("</table:table>").unwrap()];
    let body = &sheet[sheet.find("</table:table-header-rows>").unwrap()..];
    let mut cells = 0;
    for cell in body.split("<table:table-cell").skip(1) {
        let head = &cell[..cell.find('>').unwrap()];
        if !head.contains("office:value-type") {
            continue;
        }
        cells += 1;
        let style = head
            .split(r#"table:style-name=""#)
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or("Default");
        assert!(top.contains(&style), "{style} is not at the top: {head}");
    }
    assert!(cells > 20, "{cells}");
}
