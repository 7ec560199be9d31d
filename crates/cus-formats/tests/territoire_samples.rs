//! The files of `data/samples/territoire/` (about thirty fictional organisms of Hauts-de-France,
//! written by `scripts/samples/territoire.py` with the real converter): the manifest lists every
//! file of the folder and nothing else; each file imports with `cus_formats::import` and is the
//! organism, catalogue and territories the manifest says; the rules give errors exactly for the
//! files the manifest says have errors (with those codes, and the warning codes it lists); the
//! cells left empty are cells and are empty; the figures of the manifest (`facts`) are those of
//! the file; the duplicate pair has the same SIREN and catalogue; and the set has the variety a
//! consolidation must face (four formats, both territorial levels, another catalogue version, a
//! first-generation file).
//!
//! After a change of the rules or of the formats: `python3 scripts/samples/territoire.py`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use cus_core::catalogue::{embedded, Catalogue, Generation, Level};
use cus_core::convention::{Convention, Value};
use cus_core::diagnostic::Severity;
use cus_core::organisme::check_siren;
use cus_formats::{import, Format, Imported, Mode};
use serde::Deserialize;

const MEL: &str = "200093201";
const AMIENS: &str = "248000531";
const REGENERATE: &str = "run python3 scripts/samples/territoire.py";

#[derive(Deserialize)]
struct CatalogueId {
    id: String,
    version: String,
}

#[derive(Deserialize)]
struct Manifest {
    generator: String,
    region: String,
    geo_vintage: u16,
    files: Vec<Entry>,
}

#[derive(Deserialize)]
struct Facts {
    stock_total: f64,
    indicator: String,
    new_supply_c6: Option<f64>,
    new_supply_percent_of_stock: Option<f64>,
    plai_percent_of_plai_plus: Option<f64>,
}

#[derive(Deserialize)]
struct Entry {
    file: String,
    format: Format,
    bytes: u64,
    exporte_le: String,
    organisme: String,
    siren: String,
    kind: String,
    siege_departement: String,
    catalogue: CatalogueId,
    generation: Generation,
    signing_year: i32,
    geo_vintage: u16,
    departements: Vec<String>,
    epci: Vec<String>,
    epci_detail: Vec<String>,
    optional_indicators: Vec<String>,
    cells: usize,
    empty_cells: Vec<String>,
    duplicate_of: Option<String>,
    role: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    #[serde(default)]
    error_cell: Option<String>,
    facts: Facts,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/territoire")
}

fn manifest() -> Manifest {
    let path = dir().join("manifest.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} ({REGENERATE})", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read(file: &str, cats: &[Catalogue]) -> Imported {
    let bytes = std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    import(&bytes, file, cats).unwrap_or_else(|d| {
        let lines: Vec<String> = d.iter().map(|x| x.to_line_fr()).collect();
        panic!("{file}: import refused:\n{}", lines.join("\n"))
    })
}

fn catalogue_of<'a>(conv: &Convention, cats: &'a [Catalogue]) -> &'a Catalogue {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version).unwrap_or_else(
        || {
            panic!(
                "no embedded catalogue {} {}",
                conv.catalogue.id, conv.catalogue.version
            )
        },
    )
}

/// Distinct codes of the diagnostics of one severity.
fn codes(diags: &[cus_core::diagnostic::Diagnostic], severity: Severity) -> Vec<String> {
    let set: BTreeSet<String> = diags
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.code.clone())
        .collect();
    set.into_iter().collect()
}

fn number(conv: &Convention, key: &str) -> Option<f64> {
    match conv.values.get(key) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// Indicators with EPCI rows chosen by the organism (PS-1 is at the EPCI level by default and
/// is not a choice).
fn epci_detail(conv: &Convention) -> Vec<String> {
    conv.segmentation
        .iter()
        .filter(|(_, s)| s.levels.contains(&Level::Epci) && s.levels.len() > 1)
        .map(|(code, _)| code.clone())
        .collect()
}

#[test]
fn the_manifest_lists_every_file_of_the_folder_and_nothing_else() {
    let m = manifest();
    assert_eq!(m.generator, "scripts/samples/territoire.py");
    let listed: Vec<&str> = m.files.iter().map(|f| f.file.as_str()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "a file is listed twice");
    let mut on_disk = BTreeSet::new();
    for e in std::fs::read_dir(dir()).unwrap() {
        let e = e.unwrap();
        assert!(
            e.file_type().unwrap().is_file(),
            "{:?}: not a file",
            e.path()
        );
        let name = e.file_name().into_string().unwrap();
        if name != "manifest.json" {
            on_disk.insert(name);
        }
    }
    let on_disk: BTreeSet<&str> = on_disk.iter().map(String::as_str).collect();
    assert_eq!(unique, on_disk, "{REGENERATE}");
    let mut total = 0;
    for f in &m.files {
        assert_eq!(
            Format::from_file_name(&f.file),
            Some(f.format),
            "{}: format",
            f.file
        );
        let size = std::fs::metadata(dir().join(&f.file)).unwrap().len();
        assert_eq!(size, f.bytes, "{}: size ({REGENERATE})", f.file);
        total += size;
        assert!(!f.role.trim().is_empty(), "{}: no role", f.file);
    }
    assert!(total < 2 * 1024 * 1024, "the set weighs {total} bytes");
}

#[test]
fn every_file_imports_and_is_what_the_manifest_says() {
    let m = manifest();
    let cats = embedded();
    for f in &m.files {
        let imported = read(&f.file, &cats);
        let conv = &imported.convention;
        let name = &f.file;
        assert_eq!(imported.format, f.format, "{name}");
        assert_eq!(imported.mode, Mode::Brouillon, "{name}");
        assert_eq!(
            imported.exported_at.as_deref(),
            Some(f.exporte_le.as_str()),
            "{name}"
        );
        // Files written by the converter: no note (no checksum mismatch, no migration).
        assert!(
            imported.notes.is_empty(),
            "{name}: notes {:?}",
            imported.notes
        );
        assert_eq!(conv.organisme.raison_sociale, f.organisme, "{name}");
        assert_eq!(conv.organisme.siren, f.siren, "{name}");
        assert!(check_siren(&f.siren).is_ok(), "{name}: SIREN key");
        assert_eq!(
            serde_json::to_value(conv.organisme.kind).unwrap(),
            serde_json::Value::String(f.kind.clone()),
            "{name}: kind"
        );
        assert_eq!(
            conv.organisme.siege_departement.as_deref(),
            Some(f.siege_departement.as_str()),
            "{name}"
        );
        assert_eq!(
            (conv.catalogue.id.as_str(), conv.catalogue.version.as_str()),
            (f.catalogue.id.as_str(), f.catalogue.version.as_str()),
            "{name}"
        );
        let cat = catalogue_of(conv, &cats);
        assert_eq!(cat.generation, f.generation, "{name}");
        assert_eq!(conv.signing_year, Some(f.signing_year), "{name}");
        assert_eq!(conv.geo_vintage, Some(f.geo_vintage), "{name}");
        assert_eq!(f.geo_vintage, m.geo_vintage, "{name}");
        assert_eq!(conv.departements, f.departements, "{name}");
        assert_eq!(conv.epci, f.epci, "{name}");
        assert_eq!(epci_detail(conv), f.epci_detail, "{name}");
        for code in &f.optional_indicators {
            assert!(conv.segmentation.contains_key(code), "{name}: {code}");
        }
        let geo = conv.referential().expect("referential");
        assert_eq!(geo.vintage.year, m.geo_vintage, "{name}");
        for d in &conv.departements {
            let dep = geo.departement(d).unwrap_or_else(|| panic!("{name}: {d}"));
            assert_eq!(dep.region, m.region, "{name}: département {d}");
        }
        for e in &conv.epci {
            let epci = geo.epci(e).unwrap_or_else(|| panic!("{name}: EPCI {e}"));
            assert!(
                epci.departements
                    .iter()
                    .all(|d| conv.departements.contains(d)),
                "{name}: EPCI {e}"
            );
        }
        let cells: BTreeSet<String> = conv.cells(cat, Some(geo)).iter().map(|c| c.key()).collect();
        assert_eq!(cells.len(), f.cells, "{name}: cells");
        for k in conv.values.keys() {
            assert!(cells.contains(k), "{name}: {k} is no cell");
        }
        for k in &f.empty_cells {
            assert!(cells.contains(k), "{name}: empty {k} is no cell");
            assert!(!conv.values.contains_key(k), "{name}: {k} is not empty");
        }
        assert_eq!(
            conv.values.len() + f.empty_cells.len(),
            f.cells,
            "{name}: every other cell has a value"
        );
        check_facts(f, conv);
    }
}

/// The figures of the manifest, computed again from the file: the sum of the département rows.
fn check_facts(f: &Entry, conv: &Convention) {
    let name = &f.file;
    let stock: f64 = conv
        .stock
        .iter()
        .filter(|(k, _)| k.starts_with("departement:"))
        .map(|(_, v)| v)
        .sum();
    assert_eq!(stock, f.facts.stock_total, "{name}: stock");
    assert_eq!(
        conv.stock.get("organisme"),
        Some(&stock),
        "{name}: stock of the organism"
    );
    let code = &f.facts.indicator;
    let sum = |member: &str| -> Option<f64> {
        conv.departements
            .iter()
            .map(|d| number(conv, &format!("{code}|departement:{d}|{member}|c6")))
            .sum()
    };
    let (total, plai, plus) = (sum("total"), sum("PLAI"), sum("PLUS"));
    assert_eq!(total, f.facts.new_supply_c6, "{name}: new supply");
    if let (Some(t), Some(a), Some(b)) = (total, plai, plus) {
        let pct = |x: f64| (x * 10.0).round() / 10.0;
        assert_eq!(
            f.facts.new_supply_percent_of_stock,
            Some(pct(100.0 * t / stock)),
            "{name}"
        );
        assert_eq!(
            f.facts.plai_percent_of_plai_plus,
            Some(pct(100.0 * a / (a + b))),
            "{name}"
        );
    }
}

#[test]
fn the_rules_give_errors_exactly_for_the_files_the_manifest_says() {
    let m = manifest();
    let cats = embedded();
    let mut with_errors = Vec::new();
    for f in &m.files {
        let imported = read(&f.file, &cats);
        let conv = &imported.convention;
        let cat = catalogue_of(conv, &cats);
        // What `cus check` reports: the notes of the import, then every rule.
        let mut diags = imported.notes.clone();
        diags.extend(cus_core::rules::validate(conv, cat, conv.referential()));
        assert_eq!(
            codes(&diags, Severity::Error),
            f.errors,
            "{}: error codes ({REGENERATE})",
            f.file
        );
        assert_eq!(
            codes(&diags, Severity::Warning),
            f.warnings,
            "{}: warning codes ({REGENERATE})",
            f.file
        );
        if let Some(cell) = &f.error_cell {
            assert!(
                diags.iter().any(
                    |d| d.severity == Severity::Error && d.location.cell.as_ref() == Some(cell)
                ),
                "{}: no error on {cell}",
                f.file
            );
        }
        assert_eq!(f.errors.is_empty(), f.error_cell.is_none(), "{}", f.file);
        if !f.errors.is_empty() {
            with_errors.push(f.file.as_str());
        }
        // An empty cell of a required row is reported as such, never as a zero.
        if !f.empty_cells.is_empty() {
            assert!(
                f.warnings.iter().any(|w| w == "W-REQUIRED-PARTIAL"),
                "{}",
                f.file
            );
        }
    }
    assert!(
        (2..=4).contains(&with_errors.len()),
        "files with errors: {with_errors:?}"
    );
}

#[test]
fn the_duplicate_pair_is_one_organism_with_one_catalogue() {
    let m = manifest();
    let cats = embedded();
    let pairs: Vec<(&Entry, &Entry)> = m
        .files
        .iter()
        .filter_map(|f| {
            let of = f.duplicate_of.as_ref()?;
            let first = m
                .files
                .iter()
                .find(|x| &x.file == of)
                .unwrap_or_else(|| panic!("{}: duplicate of unknown {of}", f.file));
            Some((first, f))
        })
        .collect();
    assert_eq!(pairs.len(), 1, "one duplicate pair");
    let (first, second) = pairs[0];
    let (a, b) = (read(&first.file, &cats), read(&second.file, &cats));
    assert_eq!(a.convention.organisme.siren, b.convention.organisme.siren);
    assert_eq!(a.convention.catalogue, b.convention.catalogue);
    assert_ne!(
        a.convention.values, b.convention.values,
        "two versions differ"
    );
    assert!(
        b.exported_at > a.exported_at,
        "the second version is exported later"
    );
    // Every other SIREN appears once.
    let mut by_siren: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in &m.files {
        by_siren.entry(&f.siren).or_default().push(&f.file);
    }
    for (siren, files) in &by_siren {
        if *siren == first.siren.as_str() {
            assert_eq!(files.len(), 2, "{siren}");
        } else {
            assert_eq!(files.len(), 1, "{siren}: {files:?}");
        }
    }
}

#[test]
fn the_set_has_the_variety_a_consolidation_must_face() {
    let m = manifest();
    assert!(
        (25..=40).contains(&m.files.len()),
        "{} files",
        m.files.len()
    );
    let formats: BTreeSet<&str> = m.files.iter().map(|f| f.format.extension()).collect();
    assert_eq!(formats.len(), 4, "the four formats: {formats:?}");
    let json = m.files.iter().filter(|f| f.format == Format::Json).count();
    assert!(2 * json > m.files.len(), "mostly JSON");
    assert!(m
        .files
        .iter()
        .any(|f| f.catalogue.id == "cus2-logements-locatifs"
            && f.catalogue.version == "2026.11.0-r2017"));
    assert!(m.files.iter().any(
        |f| f.generation == Generation::Premiere && f.catalogue.id == "cus1-logements-locatifs"
    ));
    let detail_in = |epci: &str| {
        m.files
            .iter()
            .filter(|f| !f.epci_detail.is_empty() && f.epci.iter().any(|e| e == epci))
            .count()
    };
    assert!(
        detail_in(MEL) >= 3,
        "EPCI detail in the Métropole Européenne de Lille"
    );
    assert!(detail_in(AMIENS) >= 2, "EPCI detail in Amiens Métropole");
    assert!(m
        .files
        .iter()
        .any(|f| f.epci_detail.is_empty() && f.generation == Generation::Deuxieme));
    assert!(m.files.iter().any(|f| f.departements.len() >= 3));
    assert!(m.files.iter().any(|f| f.departements == ["80"]));
    let stocks: Vec<f64> = m.files.iter().map(|f| f.facts.stock_total).collect();
    let (lo, hi) = stocks
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    assert!(lo <= 600.0 && hi >= 35_000.0, "sizes from {lo} to {hi}");
    let plai: Vec<f64> = m
        .files
        .iter()
        .filter_map(|f| f.facts.plai_percent_of_plai_plus)
        .collect();
    assert!(plai.iter().any(|&p| p < 8.0) && plai.iter().any(|&p| p >= 28.0));
    let dev: Vec<f64> = m
        .files
        .iter()
        .filter_map(|f| f.facts.new_supply_percent_of_stock)
        .collect();
    assert!(dev.iter().any(|&p| p < 7.0) && dev.iter().any(|&p| p > 40.0));
    assert!(m.files.iter().filter(|f| !f.empty_cells.is_empty()).count() >= 2);
}
