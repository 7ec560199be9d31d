//! The sample conventions of `data/samples/` (written by `scripts/samples/generate.py`): each
//! parses, names an embedded catalogue, passes the segmentation rules, fills only cells the
//! convention derives (the same list as the generator's, recorded in `manifest.json`), gives a
//! value in every row of every mandatory indicator, and its figures are consistent with each
//! other. The consistency checks read the data only, so a broken sample fails.
//!
//! `cargo test -p cus-core --test samples -- --nocapture` prints the counts of each sample.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use cus_core::catalogue::{embedded, Catalogue, Period, Requirement, ValueKind};
use cus_core::convention::{cell_error, check_segmentation, Cell, Convention, TerritoryKey, Value};
use cus_core::diagnostic::Severity;
use cus_core::geo::{self, Referential};
use cus_core::organisme::check_siren;
use serde::Deserialize;

#[derive(Deserialize)]
struct CatalogueId {
    id: String,
    version: String,
}

#[derive(Deserialize)]
struct Manifest {
    generator: String,
    catalogue: CatalogueId,
    geo_vintage: u16,
    samples: Vec<SampleEntry>,
}

#[derive(Deserialize)]
struct SampleEntry {
    file: String,
    cells: usize,
    values: usize,
    empty: Vec<String>,
    cell_keys: Vec<String>,
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples")
}

fn manifest() -> Manifest {
    let path = samples_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run python3 scripts/samples/generate.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(file: &str) -> Convention {
    let path = samples_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: not a Convention: {e}"))
}

/// The embedded catalogue a convention names, with that exact id and version.
fn catalogue_of(conv: &Convention) -> Catalogue {
    embedded()
        .into_iter()
        .find(|c| c.is(&conv.catalogue.id, &conv.catalogue.version))
        .unwrap_or_else(|| {
            panic!(
                "no embedded catalogue {} version {}",
                conv.catalogue.id, conv.catalogue.version
            )
        })
}

fn same_period_other(cell: &Cell, period: Period) -> Cell {
    Cell {
        period,
        ..cell.clone()
    }
}

/// Consistency of the figures, computed from the data: bounds of the indicator (whole counts,
/// percentages 0–100), "dont" parts ≤ their value, members of a breakdown adding up to its total
/// (when all are given), cumulative values not decreasing (3 years ≤ 6 years), EPCI counts of a
/// département not above the département's, G-1 in a plausible range. Returns messages
/// naming the cells at fault.
fn consistency_failures(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut num: HashMap<Cell, f64> = HashMap::new();
    for (k, v) in &conv.values {
        let Some(cell) = Cell::parse_key(k) else {
            out.push(format!("{k}: not a cell key"));
            continue;
        };
        let Some(ind) = cat.indicator(&cell.indicator) else {
            out.push(format!("{k}: unknown indicator"));
            continue;
        };
        if let Some(msg) = cell_error(ind, v) {
            out.push(format!("{k} = {v:?}: {msg}"));
        }
        match v {
            Value::Number(n) => {
                if !n.is_finite() {
                    out.push(format!("{k}: not finite"));
                }
                if matches!(ind.value, ValueKind::Pourcentage { .. }) && !(0.0..=100.0).contains(n)
                {
                    out.push(format!("{k} = {n}: percentage outside 0–100"));
                }
                if ind.code == "G-1" && !(1000.0..=1300.0).contains(n) {
                    out.push(format!("{k} = {n}: G-1 outside 1 000–1 300 € per dwelling"));
                }
                num.insert(cell, *n);
            }
            _ => out.push(format!("{k} = {v:?}: a number is expected")),
        }
    }
    const EPS: f64 = 1e-9;
    let mut sorted: Vec<(&Cell, &f64)> = num.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (cell, &v) in sorted {
        let k = cell.key();
        let Some(ind) = cat.indicator(&cell.indicator) else {
            continue;
        };
        // A "dont" part is never above its value.
        if cell.split.part.is_some() {
            let mut whole = cell.clone();
            whole.split.part = None;
            if let Some(&w) = num.get(&whole) {
                if v > w + EPS {
                    out.push(format!("{k} = {v} is above {} = {w}", whole.key()));
                }
            }
        }
        // The members of a breakdown add up to its total (PLAI + PLUS + PLS = Total).
        for (i, m) in cell.split.members.iter().enumerate() {
            if m.is_some() {
                continue;
            }
            let Some(b) = ind.splits.breakdowns.get(i) else {
                out.push(format!("{k}: more members than breakdowns"));
                continue;
            };
            let parts: Option<Vec<f64>> = b
                .members
                .iter()
                .map(|mm| {
                    let mut c = cell.clone();
                    c.split.members[i] = Some(mm.code.clone());
                    num.get(&c).copied()
                })
                .collect();
            if let Some(parts) = parts {
                let sum: f64 = parts.iter().sum();
                if (sum - v).abs() > 1e-6 {
                    out.push(format!(
                        "{k} = {v} but its members ({}) add up to {sum}",
                        b.members
                            .iter()
                            .map(|m| m.code.as_str())
                            .collect::<Vec<_>>()
                            .join(" + ")
                    ));
                }
            }
        }
        // Cumulative values do not decrease (at 3 years ≤ at 6 years).
        if let Period::Cumulative(a) = cell.period {
            for &b in ind.periods.cumulative.iter().filter(|&&b| b > a) {
                let later = same_period_other(cell, Period::Cumulative(b));
                if let Some(&w) = num.get(&later) {
                    if v > w + EPS {
                        out.push(format!("{k} = {v} is above {} = {w}", later.key()));
                    }
                }
            }
        }
        // Counts: the EPCI lying wholly in a département add up to no more than its value. (For
        // a rate, an EPCI may legitimately be above its département's average.)
        if matches!(ind.value, ValueKind::Nombre { .. }) {
            if let TerritoryKey::Departement(d) = &cell.territory {
                let mut sum = 0.0;
                let mut any = false;
                for e in &conv.epci {
                    let inside = geo
                        .and_then(|g| g.epci(e))
                        .is_some_and(|x| x.departements == [d.clone()]);
                    if !inside {
                        continue;
                    }
                    let c = Cell {
                        territory: TerritoryKey::Epci(e.clone()),
                        ..cell.clone()
                    };
                    if let Some(&w) = num.get(&c) {
                        sum += w;
                        any = true;
                    }
                }
                if any && sum > v + EPS {
                    out.push(format!(
                        "{k} = {v} but the EPCI of the département add up to {sum}"
                    ));
                }
            }
        }
    }
    out
}

/// Every structural check of one sample; returns the failures and (cells, values).
fn sample_failures(entry: &SampleEntry, m: &Manifest) -> (Vec<String>, usize, usize) {
    let mut out = Vec::new();
    let conv = load(&entry.file);
    let cat = catalogue_of(&conv);
    if (cat.id.as_str(), cat.version.as_str())
        != (m.catalogue.id.as_str(), m.catalogue.version.as_str())
    {
        out.push(format!(
            "catalogue {} {} differs from the manifest's {} {}",
            cat.id, cat.version, m.catalogue.id, m.catalogue.version
        ));
    }
    // Organism.
    if let Err(e) = check_siren(&conv.organisme.siren) {
        out.push(format!("SIREN: {e}"));
    }
    if !conv.organisme.siren.starts_with('9') {
        out.push("the fictional SIREN should start with 9".into());
    }
    if conv.organisme.raison_sociale.trim().is_empty() || conv.organisme.kind.is_none() {
        out.push("organism without name or kind".into());
    }
    match &conv.organisme.siege_departement {
        Some(d) if conv.departements.contains(d) => {}
        other => out.push(format!(
            "head office {other:?} is not a declared département"
        )),
    }
    // Signing year, vintage, catalogue period.
    let Some(year) = conv.signing_year else {
        out.push("no signing year".into());
        return (out, 0, 0);
    };
    let vintage = conv.geo_vintage.expect("geo_vintage");
    if vintage != geo::vintage_for_signing_year(year) || vintage != m.geo_vintage {
        out.push(format!("geo vintage {vintage} for a CUS signed in {year}"));
    }
    if cat.signing.from.as_str() > format!("{year}-12-31").as_str() {
        out.push(format!("catalogue applies from {}", cat.signing.from));
    }
    let geo = geo::referential(vintage);
    assert!(geo.is_some(), "referential {vintage} not embedded");
    // Segmentation rules.
    for d in check_segmentation(&conv, &cat, geo) {
        if d.severity == Severity::Error {
            out.push(format!("{}: {} ({:?})", d.code, d.message, d.location));
        }
    }
    // Cells: the same list as the generator's.
    let cells = conv.cells(&cat, geo);
    let keys: Vec<String> = cells.iter().map(Cell::key).collect();
    let key_set: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    if key_set.len() != keys.len() {
        out.push("duplicate cells".into());
    }
    if keys != entry.cell_keys {
        let gen: BTreeSet<&str> = entry.cell_keys.iter().map(String::as_str).collect();
        out.push(format!(
            "cells differ from the generator's: {} cells here, {} there; only here: {:?}; only there: {:?}",
            keys.len(),
            entry.cell_keys.len(),
            key_set.difference(&gen).take(5).collect::<Vec<_>>(),
            gen.difference(&key_set).take(5).collect::<Vec<_>>(),
        ));
    }
    if keys.len() != entry.cells || conv.values.len() != entry.values {
        out.push(format!(
            "counts {} cells / {} values, manifest says {} / {}",
            keys.len(),
            conv.values.len(),
            entry.cells,
            entry.values
        ));
    }
    // Values: canonical keys of derived cells only.
    for k in conv.values.keys() {
        match Cell::parse_key(k) {
            None => out.push(format!("{k}: not a cell key")),
            Some(c) if &c.key() != k => out.push(format!("{k}: not canonical ({})", c.key())),
            Some(_) if !key_set.contains(k.as_str()) => {
                out.push(format!("{k}: stray key, not a cell of this convention"))
            }
            Some(_) => {}
        }
    }
    let empty: Vec<&str> = keys
        .iter()
        .map(String::as_str)
        .filter(|k| !conv.values.contains_key(*k))
        .collect();
    if empty != entry.empty.iter().map(String::as_str).collect::<Vec<_>>() {
        out.push(format!(
            "empty cells {empty:?}, manifest says {:?}",
            entry.empty
        ));
    }
    // Every row of every mandatory indicator has at least one value.
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        if ind.requirement != Requirement::Obligatoire {
            continue;
        }
        for row in conv.rows(ind, geo) {
            let prefix = format!("{}|{}|", ind.code, row);
            if !conv.values.keys().any(|k| k.starts_with(&prefix)) {
                out.push(format!("{}: no value in row {row}", ind.code));
            }
        }
    }
    out.extend(consistency_failures(&conv, &cat, geo));
    (out, keys.len(), conv.values.len())
}

#[test]
fn samples_are_valid_and_consistent() {
    let m = manifest();
    assert_eq!(m.generator, "scripts/samples/generate.py");
    // Every sample file is listed in the manifest (and so tested).
    let mut files: Vec<String> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|f| f.ends_with(".json") && f != "manifest.json")
        .collect();
    files.sort();
    let mut listed: Vec<String> = m.samples.iter().map(|s| s.file.clone()).collect();
    listed.sort();
    assert_eq!(
        files, listed,
        "data/samples/*.json and manifest.json disagree"
    );
    assert!(listed.len() >= 2);

    let mut failures = Vec::new();
    let (mut zeros, mut empties) = (0, 0);
    for entry in &m.samples {
        let (f, cells, values) = sample_failures(entry, &m);
        let conv = load(&entry.file);
        let z = conv
            .values
            .values()
            .filter(|v| matches!(v, Value::Number(n) if *n == 0.0))
            .count();
        zeros += z;
        empties += cells - values;
        println!(
            "{}: {cells} cells, {values} values, {} empty, {z} explicit zeros",
            entry.file,
            cells - values
        );
        failures.extend(f.into_iter().map(|x| format!("{}: {x}", entry.file)));
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(zeros > 0, "the samples should show an explicit 0");
    assert!(
        empties > 0,
        "the samples should show an empty cell (empty is not 0)"
    );
}

#[test]
fn consistency_checks_catch_broken_samples() {
    let m = manifest();
    let mut conv = load(&m.samples.last().unwrap().file);
    let cat = catalogue_of(&conv);
    let geo = geo::referential(conv.geo_vintage.unwrap());
    assert!(consistency_failures(&conv, &cat, geo).is_empty());
    let d = conv.departements[0].clone();
    let epci_inside = conv
        .epci
        .iter()
        .find(|e| geo.unwrap().epci(e).unwrap().departements == [d.clone()])
        .cloned();
    let breakages: Vec<(String, f64, &str)> = vec![
        // Part above its value.
        (
            format!("PP-1|departement:{d}|PLAI/hors-qpv|c6"),
            1e6,
            "is above PP-1|",
        ),
        // Members no longer adding up to the total.
        (format!("PP-1|departement:{d}|PLUS|c3"), 1.0, "add up to"),
        // At 3 years above 6 years.
        (
            format!("PP-4|departement:{d}|valeur|c3"),
            1e6,
            "is above PP-4|",
        ),
        // Percentage above 100.
        (
            format!("PP-2|departement:{d}|valeur|a1"),
            130.0,
            "outside 0–100",
        ),
        // Count not whole.
        (format!("PP-1|departement:{d}|total|ref"), 12.5, "entier"),
    ];
    for (k, v, expected) in breakages {
        let mut broken = conv.clone();
        assert!(broken.values.contains_key(&k), "{k}");
        broken.values.insert(k.clone(), Value::Number(v));
        let f = consistency_failures(&broken, &cat, geo);
        assert!(
            f.iter().any(|x| x.contains(expected)),
            "{k} = {v} not caught as « {expected} »: {f:?}"
        );
    }
    // An EPCI above its département.
    let e = epci_inside.expect("an EPCI wholly inside the first département");
    let dep = conv.values[&format!("PP-1|departement:{d}|total|c6")]
        .as_number()
        .unwrap();
    conv.values
        .insert(format!("PP-1|epci:{e}|total|c6"), Value::Number(dep + 1.0));
    let f = consistency_failures(&conv, &cat, geo);
    assert!(
        f.iter().any(|x| x.contains("EPCI of the département")),
        "{f:?}"
    );
}
