//! A file saved before PP-5 and PS-3 followed CCH art. R. 445-5-1 (the commitment fixed for the
//! organism, broken down by département and collectivity at the prefect's request) held them by
//! département, the catalogue's default then. Such a file, in each of the four formats, with its
//! levels written (`["departement"]`), left to the default (`[]`) or absent, reads with the same
//! values on the same rows: no value is lost or left without its row, no error appears, and an
//! information says how to add the organism's row.

mod common;

use cus_core::catalogue::{Catalogue, Level, Levels};
use cus_core::convention::{Convention, TerritoryKey};
use cus_core::diagnostic::Severity;
use cus_core::rules::{self, codes};
use cus_formats::{ExportInput, Format, Mode};

use common::{catalogue_of, read_back, EXPORT_DATE};

/// The grand-organisme sample: PP-5 and PS-3 retained by département in its six départements.
fn sample() -> Convention {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/grand-organisme.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The catalogue as it was before the change: PP-5 and PS-3 by département, EPCI at the
/// prefect's request.
fn former(cat: &Catalogue) -> Catalogue {
    let mut old = cat.clone();
    for ind in &mut old.indicators {
        if ind.code == "PP-5" || ind.code == "PS-3" {
            ind.levels = Levels {
                allowed: vec![Level::Departement],
                prefect_request: vec![Level::Epci],
            };
        }
    }
    old
}

/// The bytes the application wrote with the former catalogue.
fn written_before(conv: &Convention, format: Format) -> Vec<u8> {
    let old = former(catalogue_of(conv));
    let input = ExportInput {
        convention: conv,
        catalogue: &old,
        geo: conv.referential(),
        diagnostics: &[],
        mode: Mode::Brouillon,
        exported_at: EXPORT_DATE,
    };
    cus_formats::export(&input, format).unwrap()
}

const FILES: [(Format, &str); 4] = [
    (Format::Json, "ancien.json"),
    (Format::Csv, "ancien.csv"),
    (Format::Ods, "ancien.ods"),
    (Format::Xlsx, "ancien.xlsx"),
];

#[test]
fn the_sample_holds_pp5_and_ps3_by_departement() {
    let conv = sample();
    for code in ["PP-5", "PS-3"] {
        assert_eq!(conv.segmentation[code].levels, [Level::Departement]);
        assert!(conv
            .values
            .keys()
            .any(|k| k.starts_with(&format!("{code}|departement:"))));
    }
    // The catalogue now fixes them for the organism: the département detail is the prefect's.
    let cat = catalogue_of(&conv);
    for code in ["PP-5", "PS-3"] {
        let ind = cat.indicator(code).unwrap();
        assert_eq!(ind.levels.allowed, [Level::Organisme]);
        assert_eq!(
            ind.levels.prefect_request,
            [Level::Departement, Level::Epci]
        );
    }
}

/// Reads `bytes` back and checks that nothing of PP-5 and PS-3 moved.
fn reads_unchanged(original: &Convention, bytes: &[u8], name: &str) -> Vec<String> {
    let back = read_back(bytes, name);
    let conv = &back.convention;
    assert_eq!(conv.values, original.values, "{name}: values");
    let cat = catalogue_of(conv);
    let geo = conv.referential();
    for code in ["PP-5", "PS-3"] {
        let ind = cat.indicator(code).unwrap();
        assert_eq!(conv.levels(ind), [Level::Departement], "{name}: {code}");
        let rows = conv.rows(ind, geo);
        let deps: Vec<TerritoryKey> = conv
            .departements
            .iter()
            .map(|d| TerritoryKey::Departement(d.clone()))
            .collect();
        assert_eq!(rows, deps, "{name}: {code} rows");
        // Every stored value of the indicator is a cell of its grid.
        let cells: std::collections::BTreeSet<String> =
            conv.cells(cat, geo).into_iter().map(|c| c.key()).collect();
        for k in conv
            .values
            .keys()
            .filter(|k| k.starts_with(&format!("{code}|")))
        {
            assert!(cells.contains(k), "{name}: {k} has no cell");
        }
    }
    let diags = rules::validate(conv, cat, geo);
    assert!(
        !diags.iter().any(|d| d.code == codes::VALUE_ORPHAN),
        "{name}: orphan values"
    );
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_line_fr())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    for code in ["PP-5", "PS-3"] {
        let info = diags
            .iter()
            .find(|d| {
                d.code == "I-SEG-DEFAULT-LEVEL-MISSING"
                    && d.location.indicator.as_deref() == Some(code)
            })
            .unwrap_or_else(|| panic!("{name}: no information on {code}"));
        assert_eq!(info.severity, Severity::Info);
        assert!(
            info.message.contains("R. 445-5-1")
                && info.message.contains("organisme + détail département"),
            "{}",
            info.message
        );
    }
    back.notes.iter().map(|n| n.code.clone()).collect()
}

#[test]
fn a_file_with_pp5_by_departement_reads_unchanged_in_the_four_formats() {
    let conv = sample();
    for (format, name) in FILES {
        // Levels written, as the application stored a retained optional indicator.
        let notes = reads_unchanged(&conv, &written_before(&conv, format), name);
        assert!(notes.is_empty(), "{name}: {notes:?}");
        // Levels left to the catalogue's default (`[]`), which was the département.
        let mut implicit = conv.clone();
        for code in ["PP-5", "PS-3"] {
            implicit.segmentation.get_mut(code).unwrap().levels.clear();
        }
        let notes = reads_unchanged(&conv, &written_before(&implicit, format), name);
        // The CSV's `niveau` column states the level; the others have only the values' keys:
        // the level is recorded, with a note.
        if format != Format::Csv {
            assert_eq!(
                notes,
                ["I-IMPORT-LEVELS-RECORDED", "I-IMPORT-LEVELS-RECORDED"],
                "{name}"
            );
        }
    }
}

#[test]
fn a_json_file_without_levels_reads_unchanged() {
    let conv = sample();
    let text = String::from_utf8(written_before(&conv, Format::Json)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for code in ["PP-5", "PS-3"] {
        let seg = v["convention"]["segmentation"][code]
            .as_object_mut()
            .unwrap();
        assert!(seg.remove("levels").is_some());
    }
    let bytes = serde_json::to_vec_pretty(&v).unwrap();
    let notes = reads_unchanged(&conv, &bytes, "sans-mailles.json");
    assert_eq!(
        notes,
        ["I-IMPORT-LEVELS-RECORDED", "I-IMPORT-LEVELS-RECORDED"]
    );
}

#[test]
fn a_new_convention_is_by_organism_and_reads_back_as_written() {
    // PP-5 retained at its default, PS-3 with the département detail the prefect asked for.
    let mut conv = sample();
    let cat = catalogue_of(&conv).clone();
    conv.values = conv
        .values
        .into_iter()
        .filter(|(k, _)| !k.starts_with("PP-5|") && !k.starts_with("PS-3|"))
        .collect();
    conv.segmentation.get_mut("PP-5").unwrap().levels = vec![Level::Organisme];
    conv.segmentation.get_mut("PS-3").unwrap().levels = vec![Level::Organisme, Level::Departement];
    for c in conv.cells(&cat, conv.referential()) {
        if c.indicator == "PP-5" || c.indicator == "PS-3" {
            let v = if c.split.part.is_some() { 4.0 } else { 6.5 };
            conv.values
                .insert(c.key(), cus_core::convention::Value::Number(v));
        }
    }
    let pp5 = cat.indicator("PP-5").unwrap();
    assert_eq!(
        conv.rows(pp5, conv.referential()),
        [TerritoryKey::Organisme]
    );
    for (format, name) in FILES {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        let back = read_back(&bytes, name);
        assert_eq!(back.convention, conv, "{name}");
        assert!(back.notes.is_empty(), "{name}: {:?}", back.notes);
        let diags = rules::validate(&back.convention, &cat, conv.referential());
        assert!(
            !diags
                .iter()
                .any(|d| d.severity == Severity::Error || d.code == "I-SEG-DEFAULT-LEVEL-MISSING"),
            "{name}"
        );
    }
}
