//! Data-driven cases for the territory and segmentation rules: each file of
//! `tests/cases/segmentation/` holds a convention and the exact diagnostics expected
//! (code, and indicator / territory when given).

mod common;

use cus_core::catalogue::{embedded, Catalogue};
use cus_core::convention::{check_segmentation, Convention};
use cus_core::geo;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    code: String,
    indicator: Option<String>,
    territory: Option<String>,
}

#[derive(Deserialize)]
struct Case {
    description: String,
    catalogue: String,
    #[serde(default)]
    geo_vintage: Option<u16>,
    convention: Convention,
    expected: Vec<Expected>,
}

fn latest(cats: &[Catalogue], id: &str) -> Catalogue {
    cus_core::catalogue::latest(cats, id)
        .unwrap_or_else(|| panic!("no embedded catalogue {id}"))
        .clone()
}

#[test]
fn segmentation_cases() {
    let files = common::case_files("segmentation", 10);
    let cats = embedded();
    let mut failures = Vec::new();
    for f in &files {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let cat = latest(&cats, &case.catalogue);
        let geo = geo::referential(case.geo_vintage.unwrap_or(2026));
        let mut conv = case.convention.clone();
        conv.catalogue.id = cat.id.clone();
        let got = check_segmentation(&conv, &cat, geo);
        let mut unmatched: Vec<_> = got.iter().collect();
        let mut missing = Vec::new();
        for e in &case.expected {
            let pos = unmatched.iter().position(|d| {
                d.code == e.code
                    && e.indicator
                        .as_ref()
                        .is_none_or(|i| d.location.indicator.as_ref() == Some(i))
                    && e.territory
                        .as_ref()
                        .is_none_or(|t| d.location.territory.as_ref() == Some(t))
            });
            match pos {
                Some(p) => {
                    let d = unmatched.remove(p);
                    assert!(!d.message.is_empty());
                }
                None => missing.push(format!("{} {:?} {:?}", e.code, e.indicator, e.territory)),
            }
        }
        if !missing.is_empty() || !unmatched.is_empty() {
            failures.push(format!(
                "{} ({}):\n  missing: {:?}\n  unexpected: {:?}",
                f.file_name().unwrap().to_string_lossy(),
                case.description,
                missing,
                unmatched.iter().map(|d| d.to_line_fr()).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn cus2() -> Catalogue {
    latest(&embedded(), "cus2-logements-locatifs")
}

/// R. 445-5-1: the commitment is fixed for the organism; the prefect may ask for the
/// départements, the collectivities, or both. R. 445-5: département, EPCI at his request.
#[test]
fn level_options_follow_the_articles() {
    use cus_core::catalogue::Level::{Departement, Epci, Organisme};
    use cus_core::convention::level_options;
    let cat = cus2();
    let options = |code: &str| -> Vec<(Vec<cus_core::catalogue::Level>, bool, String)> {
        level_options(cat.indicator(code).unwrap())
            .into_iter()
            .map(|o| (o.levels.clone(), o.prefect_request, o.label_fr()))
            .collect()
    };
    for code in ["PP-5", "PS-3"] {
        assert_eq!(
            options(code),
            [
                (vec![Organisme], false, "organisme".to_string()),
                (
                    vec![Organisme, Departement],
                    true,
                    "organisme + détail département (à la demande du préfet)".to_string()
                ),
                (
                    vec![Organisme, Departement, Epci],
                    true,
                    "organisme + détail département + détail EPCI / EPT (à la demande du préfet)"
                        .to_string()
                ),
                (
                    vec![Organisme, Epci],
                    true,
                    "organisme + détail EPCI / EPT (à la demande du préfet)".to_string()
                ),
            ],
            "{code}"
        );
    }
    assert_eq!(
        options("PP-1"),
        [
            (vec![Departement], false, "département".to_string()),
            (
                vec![Departement, Epci],
                true,
                "département + détail EPCI / EPT (à la demande du préfet)".to_string()
            ),
        ]
    );
    assert_eq!(
        options("G-1"),
        [(vec![Organisme], false, "organisme".to_string())]
    );
}

/// Levels left to the default while the values sit elsewhere are recorded from the values; the
/// rest is left alone.
#[test]
fn levels_of_stored_values_are_recorded() {
    use cus_core::catalogue::Level;
    use cus_core::convention::{IndicatorSegmentation, Value};
    let cat = cus2();
    let implicit = || IndicatorSegmentation {
        levels: Vec::new(),
        rows: None,
    };
    let mut conv = Convention {
        departements: vec!["59".into(), "62".into()],
        epci: vec!["200093201".into()],
        ..Default::default()
    };
    // PP-5 left to the default, its values by département and EPCI (the former default and the
    // prefect's detail), plus a value at a level the catalogue does not offer (kept an orphan).
    conv.segmentation.insert("PP-5".into(), implicit());
    // PS-3 left to the default with values at the default only: nothing to record.
    conv.segmentation.insert("PS-3".into(), implicit());
    // PP-2 (mandatory) absent: its default holds, an EPCI value is left from a changed choice.
    for (k, v) in [
        ("PP-5|departement:59|valeur|a1", 12.0),
        ("PP-5|epci:200093201|valeur|a1", 14.0),
        ("PP-5|region:32|valeur|a1", 13.0),
        ("PS-3|organisme|valeur|a1", 5.0),
        ("PP-2|epci:200093201|valeur|a1", 9.0),
    ] {
        conv.values.insert(k.into(), Value::Number(v));
    }
    // Achievements count too: PS-1 stays as the catalogue says (explicit, EPCI).
    conv.segmentation.insert(
        "PS-1".into(),
        IndicatorSegmentation {
            levels: vec![Level::Epci],
            rows: None,
        },
    );
    let before = conv.clone();
    assert_eq!(conv.record_levels_of_values(&cat), ["PP-5"]);
    assert_eq!(
        conv.segmentation["PP-5"].levels,
        [Level::Departement, Level::Epci]
    );
    assert!(conv.segmentation["PS-3"].levels.is_empty());
    assert!(!conv.segmentation.contains_key("PP-2"));
    assert_eq!(conv.segmentation["PS-1"], before.segmentation["PS-1"]);
    assert_eq!(conv.values, before.values);
    // Idempotent.
    let again = conv.clone();
    assert!(conv.record_levels_of_values(&cat).is_empty());
    assert_eq!(conv, again);
    // A replaced version's values are looked at as well.
    let mut signed = before.clone();
    signed.values = Default::default();
    signed.versions.push(cus_core::convention::SignedVersion {
        signature: Default::default(),
        values: before.values.clone(),
    });
    assert_eq!(signed.record_levels_of_values(&cat), ["PP-5"]);
}
