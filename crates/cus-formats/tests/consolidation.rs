//! « Simuler sur mon territoire » as files: the consolidation written as CSV (golden files),
//! ODS and XLSX (read back with calamine: sheets, numbers, the « Non ventilé » block, the
//! compilation, the « espace » sheet that reopens the workspace), and fuzz-style tests of
//! `import_workspace` (arbitrary, mutated and truncated bytes never panic).
//!
//! `UPDATE_GOLDEN=1 cargo test -p cus-formats --test consolidation golden` rewrites the golden
//! files; `PROPTEST_CASES=10000 cargo test -p cus-formats --release --test consolidation fuzz`
//! runs the fuzz-style tests longer (default: 256 cases).

mod common;

use std::io::{Cursor, Read as _, Write as _};

use calamine::{Data, Range, Reader as _};
use cus_core::consolidation::{Change, Objective, Scenario, Workspace, WorkspaceFile};
use cus_core::convention::Convention;
use cus_formats::consolidation::{
    export_consolidation, import_workspace, CONSOLIDATION_FORMAT, CSV_COLUMNS,
};
use cus_formats::{Format, Mode};
use proptest::prelude::*;
use serde_json::json;

use common::check_golden;

fn config() -> ProptestConfig {
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn file(id: &str, convention: serde_json::Value) -> WorkspaceFile {
    WorkspaceFile {
        id: id.into(),
        file_name: format!("{id}.ods"),
        convention: serde_json::from_value(convention).unwrap(),
        errors: 0,
        warnings: 0,
        excluded: false,
    }
}

/// Logements-foyers conventions (three indicators, département level only): two organisms in
/// the Nord, one in the Pas-de-Calais only, one excluded duplicate.
fn foyers(territory: &str) -> Workspace {
    let foyer = |name: &str, siren: &str, deps: &[&str], values: serde_json::Value| {
        json!({
            "organisme": { "raison_sociale": name, "siren": siren },
            "catalogue": { "id": "cus2-logements-foyers", "version": "2026.11.0" },
            "signing_year": 2021,
            "geo_vintage": 2026,
            "departements": deps,
            "epci": [],
            "segmentation": {},
            "values": values,
            "stock": { "departement:59": 800 }
        })
    };
    let mut ws = Workspace::new("Foyers du Nord");
    ws.territory = Some(territory.parse().unwrap());
    ws.geo_vintage = Some(2026);
    ws.files = vec![
        file(
            "f1",
            foyer(
                "Foyers du Nord (fictif)",
                "130005481",
                &["59"],
                json!({
                    "PP-LF-1|departement:59|valeur|c3": 50,
                    "PP-LF-1|departement:59|valeur|c6": 120,
                    "PP-LF-2|departement:59|valeur|ref": 12,
                    "PP-LF-2|departement:59|valeur|a1": 20
                }),
            ),
        ),
        file(
            "f2",
            foyer(
                // A name a spreadsheet would read as a formula.
                "+Résidences (fictif)",
                "775663438",
                &["59", "62"],
                json!({
                    "PP-LF-1|departement:59|valeur|c6": 40,
                    "PP-LF-1|departement:62|valeur|c6": 30,
                    "PP-LF-2|departement:59|valeur|ref": 30,
                    "PP-LF-2|departement:59|valeur|a1": "n/a"
                }),
            ),
        ),
        file(
            "f3",
            foyer(
                "Foyers de l'Artois (fictif)",
                "552081317",
                &["62"],
                json!({ "PP-LF-1|departement:62|valeur|c6": 10 }),
            ),
        ),
    ];
    let mut dup = ws.files[0].clone();
    dup.id = "f4".into();
    dup.file_name = "f1-ancien.ods".into();
    dup.excluded = true;
    ws.files.push(dup);
    ws
}

/// The département of the Nord: totals, statistics, a scenario (an organism scaled, a
/// hypothetical one), an objective.
fn foyers_departement() -> Workspace {
    let mut ws = foyers("departement:59");
    ws.objectives = vec![Objective {
        indicator: "PP-LF-1".into(),
        split: "valeur".into(),
        period: "c6".into(),
        value: 200.0,
        territory: None,
    }];
    ws.scenarios = vec![Scenario {
        name: "Un nouvel acteur".into(),
        changes: vec![
            Change::Scale {
                source: Some("f2".into()),
                indicator: "PP-LF-1".into(),
                percent: 50.0,
            },
            Change::Organism {
                name: "Nouvelle résidence".into(),
                values: [("PP-LF-1|valeur|c6".to_string(), 25.0)].into(),
            },
        ],
    }];
    // Written by convention year, as a workspace of the first format: placed in the calendar.
    ws.place_in_calendar();
    ws
}

/// The Métropole Européenne de Lille: every organism committed at the département only, one
/// with a split key.
fn foyers_epci() -> Workspace {
    let mut ws = foyers("epci:200093201");
    ws.split_keys.insert("f1".into(), 0.25);
    ws
}

fn csv_lines(bytes: &[u8]) -> Vec<String> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    assert!(text.ends_with("\r\n"));
    text.trim_end_matches("\r\n")
        .split("\r\n")
        .map(str::to_string)
        .collect()
}

#[test]
fn golden_csv_of_a_departement_with_a_scenario_and_an_objective() {
    let bytes = export_consolidation(&foyers_departement(), Some(0), Format::Csv).unwrap();
    check_golden("consolidation", "consolidation-departement.csv", &bytes);
    let lines = csv_lines(&bytes);
    assert_eq!(lines[0], CSV_COLUMNS.join(";"));
    let head = "cus-consolidation/3;departement:59;Un nouvel acteur;2e génération — \
                logements-foyers;PP-LF-1;Offre nouvelle agréée (foyers);logements \
                équivalents";
    // 120 + 40 × 50 % + 25 (hypothesis) = 165, against an objective of 200.
    for want in [
        format!("{head};engagement;Foyers du Nord (fictif);f1;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;120;"),
        format!("{head};engagement;'+Résidences (fictif);f2;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;20;modifié par le scénario"),
        format!("{head};hypothèse;Nouvelle résidence (hypothèse);hypothese:1;hypothèse du scénario;valeur|2021-2026;Cumul 2021–2026 — Valeur;25;"),
        format!("{head};total;;;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;165;"),
        format!("{head};écart;;;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;-35;Engagements 165 pour un objectif de 200 : manque de 35 (objectif couvert à 82,5 %)."),
        format!("{head};couverture;;;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;82,5;Engagements 165 pour un objectif de 200 : manque de 35 (objectif couvert à 82,5 %)."),
    ] {
        assert!(lines.contains(&want), "{want}\n{}", lines.join("\n"));
    }
    // The percentage is never added: minimum, median and maximum of the valid values.
    assert!(lines.iter().any(|l| l.contains(
        "PP-LF-2;Rénovation énergétique F-G (foyers);%;médiane;;;59 — Nord;valeur|ref;Référence — Valeur;21;"
    )), "{}", lines.join("\n"));
    assert!(lines.iter().any(|l| l.contains(
        ";engagement;'+Résidences (fictif);f2;59 — Nord;valeur|2021;2021 — Valeur;;valeur invalide non comptée"
    )));
    // The organism of the Pas-de-Calais only and the excluded duplicate are in no table (the
    // synthesis's method lists the first among the files read, « aucun » chiffre there).
    assert!(!lines
        .iter()
        .filter(|l| !l.contains(";synthèse;"))
        .any(|l| l.contains("Artois") || l.contains(";f4;")));
    assert!(lines.iter().any(|l| l
        .contains(";synthèse;Foyers de l'Artois (fictif);;;;Chiffres sur le territoire;;aucun")));
}

#[test]
fn golden_csv_of_an_epci_shows_the_coarser_figures_apart_and_the_estimate() {
    let bytes = export_consolidation(&foyers_epci(), None, Format::Csv).unwrap();
    check_golden("consolidation", "consolidation-epci.csv", &bytes);
    let lines = csv_lines(&bytes);
    let head = "cus-consolidation/3;epci:200093201;;2e génération — logements-foyers;PP-LF-1;\
                Offre nouvelle agréée (foyers);logements équivalents";
    for want in [
        format!("{head};non ventilé;Foyers du Nord (fictif);f1;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;120;\"hors total ; clé de répartition de 25 % (ligne estimation)\""),
        format!("{head};estimation;Foyers du Nord (fictif);f1;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;30;chiffre de la maille plus large × clé de répartition de 25 %"),
        format!("{head};non ventilé;'+Résidences (fictif);f2;59 — Nord;valeur|2021-2026;Cumul 2021–2026 — Valeur;40;hors total : aucune clé de répartition"),
        format!("{head};total;;;200093201 — Métropole Européenne de Lille;valeur|2021-2026;Cumul 2021–2026 — Valeur;30;\"1 organisme non ventilé à cette maille, hors total ; dont 30 estimé par clé de répartition\""),
        format!("{head};total non ventilé;;;maille plus large;valeur|2021-2026;Cumul 2021–2026 — Valeur;160;hors total du territoire"),
    ] {
        assert!(lines.contains(&want), "{want}\n{}", lines.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------
// Workbooks

/// A workspace on `territory` holding the files of a case of cus-core's tests.
fn workspace_of(case: &str, name: &str, territory: &str) -> Workspace {
    let case: serde_json::Value = serde_json::from_str(case).unwrap();
    let mut ws = Workspace::new(name);
    ws.territory = Some(territory.parse().unwrap());
    ws.geo_vintage = Some(2026);
    for f in case["files"].as_array().unwrap() {
        ws.files
            .push(file(f["id"].as_str().unwrap(), f["convention"].clone()));
    }
    ws
}

/// The case « EPCI exact and non ventilé » of cus-core's consolidation tests: Org A and Org D
/// at the EPCI, Org B at the département only, Org C elsewhere; totals computed by hand there.
fn locatifs() -> Workspace {
    let mut ws = workspace_of(
        include_str!(
            "../../cus-core/tests/cases/consolidation/01-epci-exact-and-unventilated.json"
        ),
        "Métropole lilloise",
        "epci:200093201",
    );
    ws.objectives = vec![Objective {
        indicator: "PP-1".into(),
        split: "total".into(),
        period: "c6".into(),
        value: 150.0,
        territory: None,
    }];
    // Written by convention year, as a workspace of the first format: placed in the calendar.
    ws.place_in_calendar();
    ws
}

fn sheets(bytes: &[u8], format: Format) -> Vec<(String, Range<Data>)> {
    if format == Format::Ods {
        let mut wb = calamine::Ods::new(Cursor::new(bytes)).unwrap();
        wb.sheet_names()
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect()
    } else {
        let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
        wb.sheet_names()
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect()
    }
}

fn text_at(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// The first row whose column A is `label`.
fn row_of(r: &Range<Data>, label: &str) -> u32 {
    (0..=r.end().unwrap().0)
        .find(|&i| text_at(r, i, 0) == label)
        .unwrap_or_else(|| panic!("no row « {label} »"))
}

#[test]
fn workbooks_have_their_sheets_numbers_blocks_and_reopen_as_the_workspace() {
    let ws = locatifs();
    for format in [Format::Ods, Format::Xlsx] {
        let bytes = export_consolidation(&ws, None, format).unwrap();
        // Nothing depends on the clock.
        assert_eq!(bytes, export_consolidation(&ws, None, format).unwrap());
        let sheets = sheets(&bytes, format);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Synthèse",
                "PP-1",
                "PP-2",
                "PP-3",
                "PP-4",
                "PS-1",
                "PS-2",
                "SR-1",
                "G-1",
                "Compilation PP-1",
                "Compilation PP-2",
                "Compilation PP-3",
                "Compilation PP-4",
                "Compilation SR-1",
                "Compilation G-1",
                "Méthode et sources",
                "Évaluations",
                "espace"
            ],
            "{format:?}"
        );
        for n in &names {
            assert!(n.chars().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\']));
        }
        let get = |name: &str| &sheets.iter().find(|(n, _)| n == name).unwrap().1;

        let synthesis = get("Synthèse");
        let r = row_of(synthesis, "Format du fichier");
        assert_eq!(text_at(synthesis, r, 1), CONSOLIDATION_FORMAT);
        let r = row_of(synthesis, "Millésime du découpage territorial");
        assert_eq!(synthesis.get_value((r, 1)), Some(&Data::Float(2026.0)));
        let r = row_of(synthesis, "Fichiers");
        assert_eq!(
            text_at(synthesis, r, 1),
            "3 consolidés, 1 sans chiffre sur le territoire, 0 écarté"
        );
        row_of(synthesis, "Règles de la consolidation");
        row_of(synthesis, "Indicateurs écartés");

        // PP-1: the total of the EPCI is a number, Org B's département figure is apart.
        let pp1 = get("PP-1");
        let keys = row_of(pp1, "clés techniques — ne pas modifier");
        let col = (0..=pp1.end().unwrap().1)
            .find(|&c| text_at(pp1, keys, c) == "total|2020-2025")
            .unwrap();
        let total = row_of(pp1, "Total du territoire");
        assert_eq!(
            pp1.get_value((total, col)),
            Some(&Data::Float(100.0)),
            "{format:?}"
        );
        let caveat = text_at(pp1, total + 1, col);
        assert_eq!(caveat, "1 organisme non ventilé à cette maille, hors total");
        let objective = row_of(pp1, "Objectif");
        assert_eq!(pp1.get_value((objective, col)), Some(&Data::Float(150.0)));
        let gap = row_of(pp1, "Écart (engagements − objectif)");
        assert_eq!(pp1.get_value((gap, col)), Some(&Data::Float(-50.0)));
        let block = row_of(pp1, "Non ventilé à cette maille");
        let b = row_of(pp1, "Org B (fictif)");
        assert!(b > block + 1);
        assert_eq!(text_at(pp1, b, 1), "59 — Nord");
        assert_eq!(pp1.get_value((b, col)), Some(&Data::Float(200.0)));
        let b_total = row_of(pp1, "Total non ventilé (maille plus large)");
        assert_eq!(pp1.get_value((b_total, col)), Some(&Data::Float(200.0)));

        // A percentage: minimum, median, maximum rows, no total.
        let pp2 = get("PS-1");
        row_of(pp2, "Médiane");
        assert!((0..=pp2.end().unwrap().0).all(|i| text_at(pp2, i, 0) != "Total du territoire"));

        // The regional synthesis, one sheet per section: the key sentences, then the tables,
        // percentages as numbers under a header saying « (%) ».
        let compilation = get("Compilation PP-1");
        row_of(compilation, "Phrases clés");
        let head = row_of(compilation, "Financement");
        let share = (0..8)
            .find(|&c| text_at(compilation, head, c) == "Part des PLAI-PLUS (%)")
            .expect("a share column");
        let r = row_of(compilation, "PLAI");
        assert_eq!(compilation.get_value((r, share)), Some(&Data::Float(37.5)));
        let r = row_of(compilation, "Total");
        assert_eq!(compilation.get_value((r, 1)), Some(&Data::Float(100.0)));
        row_of(compilation, "PP-1 par organisme");

        let name = format!("conso.{}", format.extension());
        let back = import_workspace(&name, &bytes).unwrap();
        assert_eq!(back, ws, "{format:?}");
    }
}

/// The workspace of review case 01: a département, organisms evaluated on different windows.
fn evaluated() -> Workspace {
    workspace_of(
        include_str!(
            "../../cus-core/tests/cases/review/01-departement-groups-and-justifications.json"
        ),
        "Nord",
        "departement:59",
    )
}

#[test]
fn the_workbook_gives_the_organisms_evaluations_side_by_side() {
    let ws = evaluated();
    for format in [Format::Ods, Format::Xlsx] {
        let bytes = export_consolidation(&ws, None, format).unwrap();
        let sheets = sheets(&bytes, format);
        let ev = &sheets
            .iter()
            .find(|(n, _)| n == "Évaluations")
            .unwrap_or_else(|| panic!("{format:?}: no « Évaluations » sheet"))
            .1;
        let all: Vec<String> = (0..=ev.end().unwrap().0)
            .map(|r| {
                (0..=ev.end().unwrap().1)
                    .map(|c| match ev.get_value((r, c)) {
                        Some(Data::String(s)) => s.clone(),
                        Some(Data::Float(f)) => format!("{f}"),
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        let has = |needle: &str| all.iter().any(|l| l.contains(needle));
        assert!(
            has("2e génération — logements locatifs — Évaluation à mi-parcours (bilan triennal)"),
            "{format:?}: {all:#?}"
        );
        // Org B: 2 lines missed, both justified (1 by the organism, 1 outside cause).
        let b = all
            .iter()
            .find(|l| l.contains("(2019-2021)") && l.contains("|oui|2|2|1|1|"))
            .unwrap_or_else(|| panic!("{format:?}: Org B's row: {all:#?}"));
        assert!(b.ends_with("|PP-1"), "{b}");
        // A line and its justification, the totals of each window apart.
        assert!(has("Cause extérieure (Foncier : terrains indisponibles ou trop chers) — « Terrains de la ZAC non livrés »"));
        assert!(
            has("Total du territoire — Total (2019-2021)||20|15|75|-5|"),
            "{format:?}: {all:#?}"
        );
        assert!(
            has("Total du territoire — Total (2020-2022)||30|24|80|-6|"),
            "{format:?}: {all:#?}"
        );
        // No internal key shown.
        assert!(!all.iter().any(|l| l.contains("departement:")), "{all:#?}");
    }
}

#[test]
fn a_large_workspace_is_cut_in_cells_and_comes_back_whole() {
    // A workspace larger than one cell: names long enough to need many pieces, with the
    // characters the encoding escapes.
    let mut ws = foyers_departement();
    for (i, f) in ws.files.iter_mut().enumerate() {
        f.convention.name = format!("_x0041_ « {i} » =1+1 {}", "é😀_".repeat(12_000));
    }
    for format in [Format::Ods, Format::Xlsx] {
        let bytes = export_consolidation(&ws, Some(0), format).unwrap();
        let espace = sheets(&bytes, format)
            .into_iter()
            .find(|(n, _)| n == "espace")
            .unwrap()
            .1;
        let pieces = espace.get_value((1, 1)).cloned();
        assert!(
            matches!(pieces, Some(Data::Float(n)) if n > 4.0),
            "{pieces:?}"
        );
        let back = import_workspace(&format!("x.{}", format.extension()), &bytes).unwrap();
        assert_eq!(back, ws, "{format:?}");
    }
}

#[test]
fn import_workspace_explains_what_it_cannot_read() {
    let ws = foyers_departement();
    let err = |name: &str, bytes: &[u8]| import_workspace(name, bytes).unwrap_err();
    assert!(err("x.json", b"").contains("est vide"));
    assert!(err("x.json", b"{ pas du json").contains("JSON lisible"));
    assert!(
        err("x.json", br#"{"format":"cus-indicateurs/1"}"#).contains("pas un espace de simulation")
    );
    assert!(err("x.json", b"\xff\xfe\x00").contains("UTF-8"));
    assert!(err("conso.csv", b"a;b\r\n").contains("CSV de consolidation"));
    assert!(err("conso.pdf", b"%PDF").contains("non reconnu"));
    // A convention's workbook is not a consolidation.
    let conv: Convention = cus_core::samples::SAMPLES[0].convention().unwrap();
    let ods = common::export(&conv, Format::Ods, Mode::Brouillon);
    assert!(err("convention.ods", &ods).contains("classeur d'une convention"));
    // The « espace » sheet edited: a piece removed.
    let bytes = export_consolidation(&ws, None, Format::Ods).unwrap();
    let content = String::from_utf8(
        unzip(&bytes)
            .into_iter()
            .find(|(n, _)| n == "content.xml")
            .unwrap()
            .1,
    )
    .unwrap();
    let start = content.rfind("<table:table-row>").unwrap();
    let end =
        content[start..].find("</table:table-row>").unwrap() + start + "</table:table-row>".len();
    let cut = format!("{}{}", &content[..start], &content[end..]);
    let edited = rezip(&bytes, "content.xml", |_| cut.clone().into_bytes());
    let e = err("edite.ods", &edited);
    assert!(
        e.contains("feuille « espace »") && e.contains("incomplet"),
        "{e}"
    );
    // A JSON summary is not a workspace either.
    let summary = export_consolidation(&ws, None, Format::Json).unwrap();
    assert!(err("resume.json", &summary).contains("pas un espace de simulation"));
}

// ---------------------------------------------------------------------------------------------
// Fuzz-style: no input makes `import_workspace` panic.

const NAMES: [&str; 5] = ["x.json", "x.ods", "x.xlsx", "x.csv", "x"];

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

/// Rebuild a zip file with one entry changed as bytes.
fn rezip(bytes: &[u8], name: &str, edit: impl Fn(Vec<u8>) -> Vec<u8>) -> Vec<u8> {
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

/// ODS, XLSX, the workspace's JSON.
fn seeds() -> &'static [Vec<u8>] {
    static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let ws = foyers_epci();
        vec![
            export_consolidation(&ws, None, Format::Ods).unwrap(),
            export_consolidation(&ws, None, Format::Xlsx).unwrap(),
            ws.to_json().into_bytes(),
        ]
    })
}

fn must_not_panic(bytes: &[u8]) {
    for name in NAMES {
        let _ = import_workspace(name, bytes);
    }
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
        which in 0usize..3,
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let mut bytes = seeds()[which].clone();
        for (at, b) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= b | 1;
        }
        must_not_panic(&bytes);
        must_not_panic(&bytes[..cut.index(bytes.len())]);
    }

    #[test]
    fn fuzz_mutated_xml_inside_valid_zips_never_panic(
        which in 0usize..2,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in prop::option::of(any::<prop::sample::Index>()),
    ) {
        let file = &seeds()[which];
        // The « espace » sheet: last in the ODS content, the last worksheet of the XLSX.
        let entry = if which == 0 {
            "content.xml".to_string()
        } else {
            let n = unzip(file).iter().filter(|(n, _)| n.starts_with("xl/worksheets/sheet")).count();
            format!("xl/worksheets/sheet{n}.xml")
        };
        let mutated = rezip(file, &entry, |mut x| {
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

    #[test]
    fn fuzz_truncated_workspace_json_fails_in_french(cut in any::<prop::sample::Index>()) {
        let json = &seeds()[2];
        let cut = cut.index(json.len());
        let e = import_workspace("x.json", &json[..cut]).unwrap_err();
        prop_assert!(e.contains("« x.json »") || e.contains("vide"), "{}", e);
    }
}
