//! Shared test support of the format tests: random but structurally valid conventions
//! ([`arb_convention`]) against the embedded catalogues and referentials, and small helpers to
//! export them. Used by `text_formats.rs` (JSON, CSV) and the workbook tests (ODS, XLSX).
//!
//! A generated convention is *structurally valid*:
//! - its catalogue is one of [`catalogues`] (id and version);
//! - `signing_year` and `geo_vintage` agree (both set or both absent), so `Convention::referential` gives the
//!   referential the rows are derived with;
//! - 1 or 2 départements and 0 to 2 EPCI lying in them, taken from that referential, in a random
//!   (not sorted) order; segments only for catalogues with a segment level;
//! - the segmentation uses the options of `level_options`, in canonical form: a mandatory
//!   indicator is absent from the map when it keeps its default levels, and every indicator in
//!   the map has at least one row; `rows` is never set;
//! - every declared EPCI and segment is a row of at least one indicator in use (a declared
//!   territory that no grid shows is dropped);
//! - values sit on the cells of `Convention::cells` (some left empty), plus, sometimes, a few
//!   *orphan* values: well-formed keys of the catalogue on a territory that is not declared or
//!   on an indicator not in use (what remains after the user changed the segmentation);
//! - values are numbers (zero, whole, decimal, large, small, negative), booleans and texts,
//!   texts including formula-like ones (`=SUM(A1)`, `+33`, `-x`, `@a`), unicode, `;`, quotes,
//!   newlines, leading and trailing spaces, and random printable strings.
//!
//! The API is kept stable: other test files rely on it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use cus_core::bench::Lcg;
use cus_core::catalogue::{Catalogue, Level, Requirement, ValueKind};
use cus_core::convention::{
    level_options, splits, Cell, Convention, IndicatorSegmentation, Segment, TerritoryKey, Value,
};
use cus_core::geo;
use cus_core::organisme::{Organisme, OrganismeKind};
use cus_formats::{ExportInput, Format, Mode};
use proptest::prelude::*;
use proptest::sample::Index;

/// The export date used by the tests and the golden files.
pub const EXPORT_DATE: &str = "2026-11-25T17:30:00Z";

/// The embedded catalogues, parsed once.
pub fn catalogues() -> &'static [Catalogue] {
    static CATS: OnceLock<Vec<Catalogue>> = OnceLock::new();
    CATS.get_or_init(cus_core::catalogue::embedded)
}

/// The catalogue a convention was filled against (panics if it is not embedded: generated
/// conventions always use an embedded one).
pub fn catalogue_of(conv: &Convention) -> &'static Catalogue {
    catalogues()
        .iter()
        .find(|c| c.is(&conv.catalogue.id, &conv.catalogue.version))
        .unwrap_or_else(|| {
            panic!(
                "catalogue {} {} not embedded",
                conv.catalogue.id, conv.catalogue.version
            )
        })
}

/// Export a convention in a format (with [`EXPORT_DATE`], no diagnostics: a final export is not
/// refused here).
pub fn export(conv: &Convention, format: Format, mode: Mode) -> Vec<u8> {
    let input = ExportInput {
        convention: conv,
        catalogue: catalogue_of(conv),
        geo: conv.referential(),
        diagnostics: &[],
        mode,
        exported_at: EXPORT_DATE,
    };
    cus_formats::export(&input, format).expect("an export without diagnostics never fails")
}

/// Texts that stress the formats: formula-like, unicode, separators, quotes, newlines, spaces,
/// texts that look like numbers or booleans, a lone apostrophe.
pub const TRICKY_TEXTS: &[&str] = &[
    "=SUM(A1)",
    "+33",
    "-x",
    "@a",
    "=1+1",
    "-12",
    "Œuvre « à réaliser » l'été — ✓ 日本語 🏠",
    "a;b;c",
    "a,b",
    "dit \"oui\"",
    "ligne 1\nligne 2",
    "ligne 1\r\nligne 2",
    "  espaces autour  ",
    " ",
    "",
    "'apostrophe",
    "'",
    "''=x",
    "12",
    "1 234,5",
    "0,5",
    "oui",
    "NON",
    "vrai",
    "\ttabulation",
    "Engagement rédigé : 30 % des attributions.",
];

/// Numbers that stress the formats.
pub const TRICKY_NUMBERS: &[f64] = &[
    0.0,
    1.0,
    12.0,
    12.5,
    0.1,
    0.3333333333333333,
    1234.5678,
    99.99,
    100.0,
    1_000_000.0,
    123_456_789_012.0,
    1e15,
    2.5e-7,
    -3.25,
    -1.0,
];

/// A random text: mostly from [`TRICKY_TEXTS`], sometimes printable random characters.
pub fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TRICKY_TEXTS).prop_map(str::to_string),
        1 => "\\PC{0,16}",
    ]
}

/// A random value of any kind.
pub fn arb_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => prop::sample::select(TRICKY_NUMBERS).prop_map(Value::Number),
        2 => (0u32..100_000).prop_map(|n| Value::Number(f64::from(n))),
        1 => (0u32..1_000_000).prop_map(|n| Value::Number(f64::from(n) / 100.0)),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => arb_text().prop_map(Value::Text),
    ]
}

/// Raw choices a convention is built from (see [`build`]).
#[derive(Clone, Debug)]
pub struct Plan {
    pub catalogue: usize,
    pub signing_year: Option<i32>,
    pub departements: Vec<Index>,
    pub epci: Vec<Index>,
    pub segments: usize,
    /// One selector per indicator of the catalogue (cycled).
    pub choices: Vec<u8>,
    pub seed: u64,
    /// Share of the cells that get a value, in percent.
    pub fill: u8,
    pub texts: Vec<String>,
    pub orphans: bool,
    pub organisme: (String, String, Option<usize>),
}

fn arb_plan() -> impl Strategy<Value = Plan> {
    let n = catalogues().len();
    (
        (
            0..n,
            prop::option::weighted(0.85, 2019i32..=2028),
            prop::collection::vec(any::<Index>(), 1..=2),
            prop::collection::vec(any::<Index>(), 0..=2),
            1usize..=3,
            prop::collection::vec(any::<u8>(), 8..=32),
        ),
        (
            any::<u64>(),
            prop_oneof![Just(0u8), Just(100u8), 1u8..100],
            prop::collection::vec(arb_text(), 0..4),
            prop::bool::weighted(0.3),
            (
                arb_text(),
                prop_oneof![Just(String::new()), "[0-9]{9}"],
                prop::option::of(0..OrganismeKind::ALL.len()),
            ),
        ),
    )
        .prop_map(
            |(
                (catalogue, signing_year, departements, epci, segments, choices),
                (seed, fill, texts, orphans, organisme),
            )| Plan {
                catalogue,
                signing_year,
                departements,
                epci,
                segments,
                choices,
                seed,
                fill,
                texts,
                orphans,
                organisme,
            },
        )
}

/// Random but structurally valid conventions (see the module documentation).
pub fn arb_convention() -> impl Strategy<Value = Convention> {
    arb_plan().prop_map(|p| build(&p))
}

/// The convention of a [`Plan`].
pub fn build(p: &Plan) -> Convention {
    let cats = catalogues();
    let cat = &cats[p.catalogue % cats.len()];
    let mut rng = Lcg::new(p.seed);
    let mut conv = Convention {
        name: p.texts.first().cloned().unwrap_or_default(),
        signing_year: p.signing_year,
        geo_vintage: p.signing_year.map(geo::vintage_for_signing_year),
        ..Default::default()
    };
    conv.catalogue.id = cat.id.clone();
    conv.catalogue.version = cat.version.clone();
    conv.organisme = Organisme {
        raison_sociale: p.organisme.0.clone(),
        siren: p.organisme.1.clone(),
        kind: p.organisme.2.map(|i| OrganismeKind::ALL[i]),
        siege_departement: None,
    };
    let geo = conv.referential().expect("an embedded referential");

    // Territories.
    for i in &p.departements {
        let d = &geo.departements[i.index(geo.departements.len())];
        if !conv.departements.contains(&d.code) {
            conv.departements.push(d.code.clone());
        }
    }
    conv.organisme.siege_departement = conv.departements.first().cloned();
    let candidates: Vec<String> = conv
        .departements
        .iter()
        .flat_map(|d| geo.epci_in_departement(d).map(|e| e.siren.clone()))
        .collect();
    if !candidates.is_empty() {
        for i in &p.epci {
            let e = &candidates[i.index(candidates.len())];
            if !conv.epci.contains(e) {
                conv.epci.push(e.clone());
            }
        }
    }
    let has_segment_level = cat.indicators.iter().any(|i| {
        i.levels.allowed.contains(&Level::Segment)
            || i.levels.prefect_request.contains(&Level::Segment)
    });
    if has_segment_level {
        conv.segments = (1..=p.segments)
            .map(|k| Segment {
                id: format!("S{k}"),
                name: p
                    .texts
                    .get(k)
                    .cloned()
                    .unwrap_or_else(|| format!("Résidences du secteur {k}")),
                departement: conv.departements[0].clone(),
                zus: rng.range(0, 1) == 1,
                category: (k == 2).then(|| "catégorie 1".to_string()),
            })
            .collect();
    }

    // Segmentation, in canonical form, every chosen option with at least one row.
    let has_rows = |conv: &Convention, levels: &[Level]| {
        levels.iter().any(|l| match l {
            Level::Organisme => true,
            Level::Departement | Level::Region => !conv.departements.is_empty(),
            Level::Epci => !conv.epci.is_empty(),
            Level::Segment => !conv.segments.is_empty(),
        })
    };
    let mut segmentation = BTreeMap::new();
    for (k, ind) in cat.indicators.iter().enumerate() {
        let selector = usize::from(p.choices[k % p.choices.len()]);
        let options: Vec<Vec<Level>> = level_options(ind)
            .into_iter()
            .map(|o| o.levels)
            .filter(|l| has_rows(&conv, l))
            .collect();
        let choice = selector % (options.len() + 1);
        if choice == 0 {
            continue;
        }
        let levels = options[choice - 1].clone();
        let default: Vec<Level> = ind.levels.allowed.first().copied().into_iter().collect();
        if ind.requirement == Requirement::Obligatoire && levels == default {
            continue;
        }
        segmentation.insert(
            ind.code.clone(),
            IndicatorSegmentation { levels, rows: None },
        );
    }
    conv.segmentation = segmentation;

    // Declared départements must be rows of some grid: when no indicator in use has the
    // département level, an optional indicator offering it is retained, else they are dropped.
    let shows_departements = |conv: &Convention| {
        cat.indicators
            .iter()
            .filter(|i| conv.uses(i))
            .any(|i| conv.levels(i).contains(&Level::Departement))
    };
    if !shows_departements(&conv) {
        let offer = cat.indicators.iter().find_map(|i| {
            level_options(i)
                .into_iter()
                .find(|o| o.levels.contains(&Level::Departement))
                .filter(|_| {
                    i.requirement != Requirement::Obligatoire
                        || !conv.segmentation.contains_key(&i.code)
                })
                .map(|o| (i.code.clone(), o.levels))
        });
        match offer {
            Some((code, levels)) if p.seed.is_multiple_of(2) => {
                conv.segmentation
                    .insert(code, IndicatorSegmentation { levels, rows: None });
            }
            _ => conv.departements.clear(),
        }
        if conv.departements.is_empty() {
            conv.epci.clear();
            conv.organisme.siege_departement = None;
        }
    }

    // Declared territories that no grid shows are dropped.
    let used: Vec<Level> = cat
        .indicators
        .iter()
        .filter(|i| conv.uses(i))
        .filter(|i| !conv.rows(i, Some(geo)).is_empty())
        .flat_map(|i| conv.levels(i))
        .collect();
    if !used.contains(&Level::Epci) {
        conv.epci.clear();
    }
    if !used.contains(&Level::Segment) {
        conv.segments.clear();
    }
    // An indicator in the map whose rows all went away leaves it (an optional one would vanish
    // from the row-oriented formats).
    let empty: Vec<String> = conv
        .segmentation
        .keys()
        .filter(|code| {
            cat.indicator(code)
                .is_some_and(|i| conv.rows(i, Some(geo)).is_empty())
        })
        .cloned()
        .collect();
    for code in empty {
        conv.segmentation.remove(&code);
    }

    // Values.
    let mut texts: Vec<String> = TRICKY_TEXTS.iter().map(|s| s.to_string()).collect();
    texts.extend(p.texts.iter().cloned());
    let draw = |rng: &mut Lcg, kind: &ValueKind| -> Value {
        let r = rng.range(0, 99);
        let text = |rng: &mut Lcg| {
            Value::Text(texts[rng.range(0, texts.len() as u32 - 1) as usize].clone())
        };
        match kind {
            ValueKind::OuiNon if r < 85 => Value::Bool(rng.range(0, 1) == 1),
            ValueKind::Texte if r < 85 => text(rng),
            _ if r < 8 => text(rng),
            _ if r < 10 => Value::Bool(rng.range(0, 1) == 1),
            _ if r < 30 => Value::Number(
                TRICKY_NUMBERS[rng.range(0, TRICKY_NUMBERS.len() as u32 - 1) as usize],
            ),
            _ if r < 45 => Value::Number(f64::from(rng.range(0, 99_999)) / 10.0),
            _ => Value::Number(f64::from(rng.range(0, 5_000))),
        }
    };
    for cell in conv.cells(cat, Some(geo)) {
        if rng.range(0, 99) < u32::from(p.fill) {
            let kind = &cat
                .indicator(&cell.indicator)
                .expect("cell of the catalogue")
                .value;
            let v = draw(&mut rng, kind);
            conv.values.insert(cell.key(), v);
        }
    }
    if p.orphans && !cat.indicators.is_empty() {
        // A value on a département that is not declared, and one on an indicator not in use.
        let undeclared = geo
            .departements
            .iter()
            .map(|d| d.code.clone())
            .find(|c| !conv.departements.contains(c));
        for k in 0..2u32 {
            let ind = if k == 0 {
                Some(&cat.indicators[rng.range(0, cat.indicators.len() as u32 - 1) as usize])
            } else {
                cat.indicators.iter().find(|i| !conv.uses(i))
            };
            let Some(ind) = ind else { continue };
            let territory = match (k, &undeclared, conv.departements.first()) {
                (0, Some(d), _) => TerritoryKey::Departement(d.clone()),
                (_, _, Some(d)) => TerritoryKey::Departement(d.clone()),
                _ => TerritoryKey::Organisme,
            };
            let sp = splits(ind);
            let periods = ind.periods.periods();
            if sp.is_empty() || periods.is_empty() {
                continue;
            }
            let cell = Cell {
                indicator: ind.code.clone(),
                territory,
                split: sp[rng.range(0, sp.len() as u32 - 1) as usize].clone(),
                period: periods[rng.range(0, periods.len() as u32 - 1) as usize],
            };
            let v = draw(&mut rng, &ind.value);
            conv.values.insert(cell.key(), v);
        }
    }

    // A convention without any cell (no territory of the levels in use) keeps one orphan
    // value, so that every format has at least one line to carry the catalogue.
    if conv.values.is_empty() && conv.cells(cat, Some(geo)).is_empty() {
        if let Some(ind) = cat.indicators.first() {
            let cell = Cell {
                indicator: ind.code.clone(),
                territory: TerritoryKey::Departement(geo.departements[0].code.clone()),
                split: splits(ind)[0].clone(),
                period: ind.periods.periods()[0],
            };
            conv.values.insert(cell.key(), Value::Number(0.0));
        }
    }

    // What only the JSON carries.
    for (i, d) in conv.departements.clone().iter().enumerate() {
        if rng.range(0, 1) == 1 {
            conv.stock.insert(
                format!("departement:{d}"),
                f64::from(rng.range(100, 60_000)) + i as f64,
            );
        }
    }
    if let Some(k) = conv.values.keys().next().cloned() {
        if rng.range(0, 2) == 0 {
            conv.acknowledged.insert(
                format!("W-PLAUSIBILITY@{k}"),
                p.texts.last().cloned().unwrap_or_default(),
            );
        }
    }
    conv
}

/// The cell keys of a convention that are orphans (not cells of its current grids).
pub fn orphan_keys(conv: &Convention) -> Vec<String> {
    let cat = catalogue_of(conv);
    let cells: std::collections::HashSet<String> = conv
        .cells(cat, conv.referential())
        .iter()
        .map(Cell::key)
        .collect();
    conv.values
        .keys()
        .filter(|k| !cells.contains(*k))
        .cloned()
        .collect()
}

/// The convention of `tests/fixtures/evaluation.json` (format 2: signed by an avenant, one
/// version replaced, achievements, terms and justifications).
#[allow(dead_code)]
pub fn evaluation_fixture() -> Convention {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/evaluation.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The file imported back; panics with the problems when it is refused.
pub fn read_back(bytes: &[u8], name: &str) -> cus_formats::Imported {
    match cus_formats::import(bytes, name, catalogues()) {
        Ok(i) => i,
        Err(d) => panic!("{name} does not import back: {d:#?}"),
    }
}

/// The problems of a file that must be refused; panics when it is accepted.
pub fn errors(bytes: &[u8], name: &str) -> Vec<cus_core::diagnostic::Diagnostic> {
    match cus_formats::import(bytes, name, catalogues()) {
        Ok(i) => panic!("{name} was accepted: {:#?}", i.notes),
        Err(d) => d,
    }
}

/// The codes of diagnostics, in order.
pub fn codes(d: &[cus_core::diagnostic::Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

/// Path of a golden file under `tests/golden/`.
pub fn golden_path(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compare `got` with the golden file `name` byte for byte (`UPDATE_GOLDEN=1` rewrites it);
/// on a difference, panic with the first differing byte and its surroundings.
pub fn check_golden(test: &str, name: &str, got: impl AsRef<[u8]>) {
    let got = got.as_ref();
    let path = golden_path(name);
    let again = format!("UPDATE_GOLDEN=1 cargo test -p cus-formats --test {test} golden");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want =
        std::fs::read(&path).unwrap_or_else(|_| panic!("{} is missing: {again}", path.display()));
    if want != got {
        let at = want
            .iter()
            .zip(got)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(got.len()));
        let from = at.saturating_sub(80);
        let around = |b: &[u8]| {
            String::from_utf8_lossy(&b[from.min(b.len())..(at + 80).min(b.len())]).into_owned()
        };
        panic!(
            "{name} differs from the golden file at byte {at}:\n  want …{}…\n  got  …{}…\nIf the \
             change is intended: {again}",
            around(&want),
            around(got)
        );
    }
}
