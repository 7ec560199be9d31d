//! Format 2 (`cus-indicateurs/2`): the signature, the versions replaced by an avenant and the
//! achievements of an evaluation go through the four formats and come back identical; files of
//! format 1 are still read; damaged evaluation data is refused with located French messages.

mod common;

use cus_core::convention::Convention;
use cus_formats::{Format, Mode, FORMAT_VERSION};

use common::{codes, errors, export, read_back};

/// The fixture: signed by an avenant (one version replaced), achievements over three years
/// (counts), a percentage by its terms, justifications from the organism and from outside.
fn evaluated() -> Convention {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/evaluation.json");
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
    assert_eq!(FORMAT_VERSION, "cus-indicateurs/2");
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
    t.get_mut("PP-2|departement:59|valeur|a1").unwrap().denominator = None;
    t.get_mut("PP-2|departement:59|valeur|a2").unwrap().numerator = None;
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
fn every_file_says_format_2() {
    let conv = evaluated();
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    assert!(json.contains("\"format\": \"cus-indicateurs/2\""));
    let csv = String::from_utf8(export(&conv, Format::Csv, Mode::Brouillon)).unwrap();
    assert!(csv.lines().nth(1).unwrap().starts_with("cus-indicateurs/2;"));
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
    // A future major version is refused with the French message.
    let json = String::from_utf8(export(&conv, Format::Json, Mode::Brouillon)).unwrap();
    let v3 = json.replacen(FORMAT_VERSION, "cus-indicateurs/3", 1);
    let d = errors(v3.as_bytes(), "v3.json");
    assert_eq!(codes(&d), ["E-IMPORT-FORMAT-VERSION"]);
    assert!(d[0].message.contains("Mettez l'application à jour"), "{}", d[0].message);
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
            "signature-date;;2023-06-30",
            "signature-date;;30/06/2023",
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
        assert!(hit.message.starts_with(&format!("Ligne {line}")) || code == "E-IMPORT-CSV-COMPLEMENT" && to.starts_with("version"),
            "{}", hit.message);
        assert!(hit.location.line.is_some(), "{to}");
    }
    // A cause without the line of its origin; achievements without their evaluation.
    let d = errors(
        csv_with("justification;PP-1|departement:59|PLUS;exterieur", "x;;").as_bytes(),
        "eval.csv",
    );
    assert!(d.iter().any(|x| x.message.contains("n'a pas de ligne « justification »")), "{d:#?}");
    let d = errors(csv_with("evaluation;;mi-parcours", "x;;").as_bytes(), "eval.csv");
    assert!(d.iter().any(|x| x.message.contains("« evaluation »")), "{d:#?}");
    // Two lines saying different things of the same cell.
    let d = errors(
        csv_with("realise;PP-1|departement:59|PLS|a3;0", "realise;PP-1|departement:59|PLS|a2;5")
            .as_bytes(),
        "eval.csv",
    );
    assert_eq!(codes(&d), ["E-IMPORT-CSV-COMPLEMENT"], "{d:#?}");
}
