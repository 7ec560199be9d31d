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
