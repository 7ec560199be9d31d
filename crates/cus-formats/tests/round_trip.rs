//! Every format gives back the whole convention: export then import, in each of the four
//! formats, compares the entire `Convention` (name, organisme, territories, segments,
//! segmentation with explicit rows, values, dwellings owned, acknowledged warnings, and the
//! choices of format 3: units, periodicities, parts in %, bases, complementary indicators), not
//! only the values. The conventions are those of `common::arb_convention`, enriched with what a
//! user can add in the form and the grids that the generator leaves out.
//!
//! `PROPTEST_CASES=1000 cargo test -p cus-formats --release --test round_trip` runs it longer
//! (default: 48 cases; each case writes and reads four files).

mod common;

use cus_core::catalogue::{Level, Measure, Periodicity, Requirement};
use cus_core::convention::{
    level_options, Complementary, ComplementaryUnit, Convention, IndicatorSegmentation,
    TerritoryKey, Value,
};
use cus_formats::{Format, Mode};
use proptest::prelude::*;

use common::read_back;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// What the generator leaves out, switched on one by one.
#[derive(Clone, Debug)]
struct Extras {
    name: Option<String>,
    /// Dwellings owned on the organism and on each EPCI, besides the départements.
    stock_everywhere: bool,
    /// A warning acknowledged on a whole territory (an id that is no cell key).
    territory_ack: Option<String>,
    /// The rows of the first indicator with two rows or more, fixed in reverse order.
    explicit_rows: bool,
    /// An optional indicator retained with no row at all.
    retained_without_rows: bool,
    /// A mandatory indicator written in the segmentation with its default levels.
    mandatory_explicit: bool,
    /// A unit chosen for every indicator whose text leaves it open, among its choices (the
    /// first chosen by the index, the next indicators by the next choices).
    units: Option<prop::sample::Index>,
    /// Format 3: the last periodicity offered for each indicator that offers one (SR-1
    /// « par-annee »), with a value in every cell this opens.
    periodicity: bool,
    /// Format 3: the « dont » parts of every indicator that has some stated in %.
    part_percent: bool,
    /// Format 3: every base of the catalogue given for each département (and the organism).
    bases: bool,
    /// Format 3: indicators the organism added, with a value in each of their cells.
    complementary: Vec<ComplementarySpec>,
    /// Format 2: signed by an avenant (labels of the two signatures), the values before it kept
    /// as a version, achievements for every year cell of the values (numbers, or terms for a
    /// percentage) and a justification with this comment on each split achieved.
    evaluation: Option<(String, String, String)>,
}

/// An indicator the organism adds (format 3).
#[derive(Clone, Debug)]
struct ComplementarySpec {
    code: usize,
    label: String,
    kind: ComplementaryUnit,
    unit: String,
    periods: usize,
    level: Level,
    measure: Measure,
}

/// Codes of the indicators added: what a CUS officer writes (a formula-like one included).
const ADDED_CODES: [&str; 4] = [
    "PP-4 complémentaire",
    "Ventes « hors règlement »",
    "=X-1",
    "C2",
];

/// Their periods: at 3 and 6 years with a reference, yearly, yearly with a reference, over six
/// years.
fn added_periods(i: usize) -> Periodicity {
    let (yearly, cumulative, reference) = match i % 4 {
        0 => (false, vec![3, 6], true),
        1 => (true, vec![], false),
        2 => (true, vec![], true),
        _ => (false, vec![6], false),
    };
    Periodicity {
        yearly,
        cumulative,
        reference,
    }
}

fn arb_complementary() -> impl Strategy<Value = ComplementarySpec> {
    (
        0..ADDED_CODES.len(),
        common::arb_text(),
        prop::sample::select(vec![
            ComplementaryUnit::Nombre,
            ComplementaryUnit::Pourcentage,
            ComplementaryUnit::Montant,
        ]),
        common::arb_text(),
        0usize..4,
        prop::sample::select(vec![Level::Organisme, Level::Departement]),
        prop::sample::select(vec![Measure::Flux, Measure::Niveau]),
    )
        .prop_map(
            |(code, label, kind, unit, periods, level, measure)| ComplementarySpec {
                code,
                label,
                kind,
                unit,
                periods,
                level,
                measure,
            },
        )
}

fn arb_extras() -> impl Strategy<Value = Extras> {
    (
        (
            prop::option::of(common::arb_text()),
            any::<bool>(),
            prop::option::of(common::arb_text()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            prop::option::of(any::<prop::sample::Index>()),
            prop::option::of((common::arb_text(), common::arb_text(), common::arb_text())),
        ),
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(arb_complementary(), 0..=2),
        ),
    )
        .prop_map(
            |(
                (name, stock, ack, rows, retained, mandatory, units, evaluation),
                (periodicity, part_percent, bases, complementary),
            )| Extras {
                name,
                stock_everywhere: stock,
                territory_ack: ack,
                explicit_rows: rows,
                retained_without_rows: retained,
                mandatory_explicit: mandatory,
                units,
                periodicity,
                part_percent,
                bases,
                complementary,
                evaluation,
            },
        )
}

fn enrich(mut conv: Convention, x: &Extras) -> Convention {
    let cat = common::catalogue_of(&conv);
    let geo = conv.referential();
    if let Some(n) = &x.name {
        conv.name = n.clone();
    }
    if let Some(first) = &x.units {
        let offered = cat.indicators.iter().filter(|i| !i.unit_choices.is_empty());
        for (n, ind) in offered.enumerate() {
            let choices = &ind.unit_choices;
            let u = &choices[(first.index(choices.len()) + n) % choices.len()];
            conv.units.insert(ind.code.clone(), u.clone());
        }
    }
    choose(&mut conv, x);
    if x.stock_everywhere {
        conv.stock.insert("organisme".into(), 1234.5);
        for (i, e) in conv.epci.iter().enumerate() {
            conv.stock.insert(format!("epci:{e}"), 10.0 + i as f64);
        }
    }
    if let (Some(comment), Some(d)) = (&x.territory_ack, conv.departements.first()) {
        conv.acknowledged.insert(
            format!("W-STOCK-INVALID@||departement:{d}||"),
            comment.clone(),
        );
    }
    if x.explicit_rows {
        if let Some(ind) = cat
            .indicators
            .iter()
            .filter(|i| conv.uses(i))
            .find(|i| conv.rows(i, geo).len() >= 2)
        {
            let mut rows: Vec<TerritoryKey> = conv.rows(ind, geo);
            rows.reverse();
            let levels = conv.levels(ind);
            conv.segmentation.insert(
                ind.code.clone(),
                IndicatorSegmentation {
                    levels,
                    rows: Some(rows),
                },
            );
        }
    }
    if x.retained_without_rows {
        if let Some((code, levels)) = cat
            .indicators
            .iter()
            .filter(|i| i.requirement != Requirement::Obligatoire && !conv.uses(i))
            .find_map(|i| {
                level_options(i)
                    .into_iter()
                    .next()
                    .map(|o| (i.code.clone(), o.levels))
            })
        {
            conv.segmentation.insert(
                code,
                IndicatorSegmentation {
                    levels,
                    rows: Some(Vec::new()),
                },
            );
        }
    }
    if x.mandatory_explicit {
        if let Some(ind) = cat.indicators.iter().find(|i| {
            i.requirement == Requirement::Obligatoire && !conv.segmentation.contains_key(&i.code)
        }) {
            conv.segmentation.insert(
                ind.code.clone(),
                IndicatorSegmentation {
                    levels: conv.levels(ind),
                    rows: None,
                },
            );
        }
    }
    if let Some((initial, avenant, comment)) = &x.evaluation {
        let view = conv.view(cat).into_owned();
        let cat = &view;
        use cus_core::catalogue::ValueKind;
        use cus_core::convention::{Justification, Origin, Signature, SignedVersion, Terms};
        conv.versions.push(SignedVersion {
            signature: Signature {
                date: "2020-12-18".into(),
                label: initial.clone(),
            },
            values: conv.values.clone(),
        });
        conv.signature = Some(Signature {
            date: "2024-02-29".into(),
            label: avenant.clone(),
        });
        conv.achievements.evaluation = "mi-parcours".into();
        let keys: Vec<String> = conv.values.keys().cloned().collect();
        for (i, key) in keys.iter().enumerate() {
            let Some(year) = key.rsplit('|').next().filter(|p| p.starts_with('a')) else {
                continue;
            };
            let code = key.split('|').next().unwrap_or_default();
            let Some(ind) = cat.indicator(code) else {
                continue;
            };
            let n = common::TRICKY_NUMBERS[i % common::TRICKY_NUMBERS.len()];
            if matches!(ind.value, ValueKind::Pourcentage { .. }) {
                let terms = Terms {
                    numerator: (i % 3 != 1).then_some(n),
                    denominator: (i % 3 != 2).then_some(n * 2.0),
                };
                conv.achievements.terms.insert(key.clone(), terms);
            } else {
                conv.achievements.values.insert(key.clone(), n);
            }
            let split = key.trim_end_matches(year).trim_end_matches('|');
            let exterieur = i % 2 == 0;
            conv.achievements.justifications.insert(
                split.to_string(),
                Justification {
                    origin: if exterieur {
                        Origin::Exterieur
                    } else {
                        Origin::Organisme
                    },
                    cause: exterieur.then(|| "foncier".to_string()),
                    comment: comment.clone(),
                },
            );
        }
    }
    conv
}

/// The choices of format 3 of `x` (but the units), then a value in every cell they open.
fn choose(conv: &mut Convention, x: &Extras) {
    let cat = common::catalogue_of(conv);
    let geo = conv.referential();
    if x.periodicity {
        for ind in cat.indicators.iter() {
            if let Some(c) = ind.period_choices.last() {
                conv.periodicity.insert(ind.code.clone(), c.id.clone());
            }
        }
    }
    if x.part_percent {
        for ind in cat.indicators.iter().filter(|i| !i.splits.parts.is_empty()) {
            conv.part_units.insert(ind.code.clone(), "%".into());
        }
    }
    if x.bases {
        for (i, b) in cat
            .bases
            .iter()
            .filter(|b| b.id != "parc-total")
            .enumerate()
        {
            let map = conv.bases.entry(b.id.clone()).or_default();
            for (j, d) in conv.departements.iter().enumerate() {
                map.insert(format!("departement:{d}"), (100 * (i + 1) + j) as f64);
            }
            map.insert("organisme".into(), 2500.0);
        }
    }
    for (i, spec) in x.complementary.iter().enumerate() {
        let mut code = ADDED_CODES[spec.code].to_string();
        while conv.complementary.iter().any(|c| c.code == code) {
            code.push_str(" bis");
        }
        conv.complementary.push(Complementary {
            code,
            label: spec.label.clone(),
            kind: spec.kind,
            unit: spec.unit.clone(),
            periods: added_periods(spec.periods + i),
            level: spec.level,
            measure: spec.measure,
        });
    }
    // A value in every cell the choices open (a percentage for a part stated in %).
    let view = conv.view(cat).into_owned();
    let before: std::collections::HashSet<String> =
        conv.cells(cat, geo).iter().map(|c| c.key()).collect();
    for (n, cell) in conv.cells(&view, geo).iter().enumerate() {
        let key = cell.key();
        let ind = view.indicator(&cell.indicator).expect("a cell of the view");
        let percentage = cus_core::convention::part_share(ind, &cell.split).is_percentage();
        let fresh = !before.contains(&key);
        if fresh || (percentage && n % 2 == 0) {
            let v = if percentage {
                (n % 101) as f64
            } else {
                common::TRICKY_NUMBERS[n % common::TRICKY_NUMBERS.len()]
            };
            conv.values.insert(key, Value::Number(v));
        }
    }
}

fn arb_full_convention() -> impl Strategy<Value = Convention> {
    (common::arb_convention(), arb_extras()).prop_map(|(c, x)| enrich(c, &x))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_format_gives_back_the_whole_convention(conv in arb_full_convention(), fin in any::<bool>()) {
        let mode = if fin { Mode::Final } else { Mode::Brouillon };
        for format in Format::ALL {
            let name = format!("cus.{}", format.extension());
            let bytes = common::export(&conv, format, mode);
            let back = read_back(&bytes, &name);
            prop_assert_eq!(&back.convention, &conv, "{}", name);
            prop_assert_eq!(back.mode, mode);
            prop_assert!(back.notes.is_empty(), "{}: {:?}", name, back.notes);
        }
    }
}

/// The scenario of the issue: organisme, dwellings owned and an acknowledged warning filled in
/// a sample, exported and imported in each format.
#[test]
fn a_filled_in_organisme_stock_and_acknowledgement_survive_every_format() {
    let mut conv = cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == "petit-organisme")
        .and_then(|s| s.convention())
        .expect("sample");
    conv.stock.insert("departement:88".into(), 4321.0);
    conv.stock.insert("organisme".into(), 4321.0);
    let key = conv.values.keys().next().cloned().expect("a value");
    conv.acknowledged.insert(
        format!("W-PLAUSIBLE-PRODUCTION@{key}"),
        "Chiffre vérifié ; programme « Les Tilleuls » livré en 2023.".into(),
    );
    for format in Format::ALL {
        let name = format!("cus.{}", format.extension());
        let back = read_back(&common::export(&conv, format, Mode::Brouillon), &name);
        let got = &back.convention;
        assert_eq!(got.organisme, conv.organisme, "{name}");
        assert_eq!(got.name, conv.name, "{name}");
        assert_eq!(got.stock, conv.stock, "{name}");
        assert_eq!(got.acknowledged, conv.acknowledged, "{name}");
        assert_eq!(got, &conv, "{name}");
    }
}

/// The text of a file: itself, or every part of a workbook's zip.
fn file_text(bytes: &[u8]) -> String {
    use std::io::Read;
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(mut z) => (0..z.len())
            .map(|i| {
                let mut s = String::new();
                let _ = z.by_index(i).expect("zip entry").read_to_string(&mut s);
                s
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// A SIREN typed with spaces is stored as its digits, exported as digits in every format, and
/// read back as digits; so is a draft stored with spaces before, and a file edited by hand.
#[test]
fn a_siren_typed_with_spaces_is_exported_as_digits_in_every_format() {
    let sample = cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == "petit-organisme")
        .and_then(|s| s.convention())
        .expect("sample");
    let typed = "988 041 729";
    let digits = "988041729";
    // Typed in the form (the edit stores digits).
    let mut edited = sample.clone();
    let mut o = edited.organisme.clone();
    o.siren = typed.into();
    cus_core::convention::Edit::SetOrganisme(o).apply(&mut edited);
    assert_eq!(edited.organisme.siren, digits);
    // Stored with spaces by an earlier version.
    let mut legacy = sample.clone();
    legacy.organisme.siren = typed.into();
    for conv in [&edited, &legacy] {
        for format in Format::ALL {
            let name = format!("cus.{}", format.extension());
            let bytes = common::export(conv, format, Mode::Brouillon);
            let text = file_text(&bytes);
            assert!(text.contains(digits), "{name}");
            assert!(!text.contains(typed), "{name} holds the spaces");
            let back = read_back(&bytes, &name);
            assert_eq!(back.convention.organisme.siren, digits, "{name}");
        }
    }
    // A file edited by hand: spaces in the SIREN are dropped on import.
    for format in [Format::Json, Format::Csv] {
        let name = format!("cus.{}", format.extension());
        let text = String::from_utf8(common::export(&sample, format, Mode::Brouillon)).unwrap();
        let spaced = text.replace(digits, typed);
        assert_ne!(spaced, text);
        let back = read_back(spaced.as_bytes(), &name);
        assert_eq!(back.convention.organisme.siren, digits, "{name}");
    }
}

/// The generator does write the choices of format 3: over 64 conventions, some carry each of
/// them, with values in the cells of the indicators added, in yearly SR-1 cells and in `pct`
/// parts.
#[test]
fn the_generator_writes_every_choice_of_format_3() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
    );
    let (mut units, mut periodicity, mut parts, mut bases, mut added) = (0, 0, 0, 0, 0);
    let (mut yearly_sr1, mut pct) = (0, 0);
    for _ in 0..64 {
        let conv = arb_full_convention()
            .new_tree(&mut runner)
            .expect("a convention")
            .current();
        units += usize::from(!conv.units.is_empty());
        periodicity += usize::from(!conv.periodicity.is_empty());
        parts += usize::from(!conv.part_units.is_empty());
        bases += usize::from(!conv.bases.is_empty());
        let keys = || conv.values.keys();
        if conv
            .complementary
            .iter()
            .any(|x| keys().any(|k| k.starts_with(&format!("{}|", x.code))))
        {
            added += 1;
        }
        yearly_sr1 += usize::from(keys().any(|k| k.starts_with("SR-1|") && k.ends_with("|a2")));
        pct += usize::from(keys().any(|k| k.contains("/pct|")));
    }
    for (what, n) in [
        ("units", units),
        ("periodicity", periodicity),
        ("part_units", parts),
        ("bases", bases),
        ("complementary with values", added),
        ("yearly SR-1 values", yearly_sr1),
        ("pct parts", pct),
    ] {
        assert!(n >= 4, "{what}: {n} of 64");
    }
}
