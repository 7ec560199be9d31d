//! Property tests of the validation rules and the calculator on random conventions: random
//! territories among a few real codes (and unknown ones), random levels and explicit rows, random
//! values (numbers, negative, fractional, huge, NaN, infinite, texts, booleans, texts over the
//! length limit) under cell keys or garbage keys, random stock; the catalogues include yes/no
//! items (cus1-logements-foyers) and text items (cus2-societes-vente).
//!
//! - `validate` never panics, and every value diagnostic names its cell;
//! - computed totals equal the sums of their cells;
//! - incremental validation: after editing one cell K, `validate(after)` equals
//!   `validate(before)` minus the diagnostics located in the group of K, plus
//!   `validate_cell(after, K)` (multisets); and `validate_cell(conv, K)` is exactly the
//!   diagnostics of `validate(conv)` located in the group of K.
//!
//! - typed edits: a random sequence of edits (cells, stock, organism, batches mixing the
//!   organism and cells…) applied through `History` and followed by a `Validator` gives, after
//!   every step, the diagnostics of a full validation; undoing every step gives the first
//!   convention back, redoing them the last one.
//!
//! - achievement edits: on a convention with an evaluation chosen and achievements on every
//!   kind of year cell, a random sequence of keystrokes and pastes of counts and terms (valid or
//!   not, on cells, on other periods, on garbage keys), justifications and commitments, each
//!   step re-running only the checks its keys own (`evaluation::Owners`, `check_owned`): the
//!   diagnostics equal `check_convention` after every step, and `check_owned` returns exactly
//!   the owned part of it.
//!
//! 64 cases per property by default, to keep the suite fast. For a longer run:
//! `PROPTEST_CASES=10000 cargo test -p cus-core --release --test proptest_rules`.

use std::collections::BTreeSet;

use cus_core::calc::{self, CalcError};
use cus_core::catalogue::{embedded, Catalogue, Level, Period, Requirement};
use cus_core::convention::{
    is_additive, splits, valid_number, Convention, Edit, History, IndicatorSegmentation,
    Justification, Origin, Segment, Signature, SignedVersion, Terms, TerritoryKey, Value,
};
use cus_core::diagnostic::Diagnostic;
use cus_core::evaluation::{self, Owners};
use cus_core::geo::{self, Referential};
use cus_core::organisme::{Organisme, OrganismeKind};
use cus_core::rules::{self, Comparison, Index, Op, Operand, RuleSet, Validator};
use proptest::prelude::*;
use proptest::sample::Index as Pick;

const DEPARTEMENTS: [&str; 6] = ["59", "62", "88", "2A", "971", "XX"];
/// MEL (59), CA de Cambrai (59), CC Flandre Lys (59 and 62), CA d'Épinal (88), unknown.
const EPCI: [&str; 5] = [
    "200093201",
    "200068500",
    "245900758",
    "200068757",
    "999999999",
];
const GARBAGE_KEYS: [&str; 8] = [
    "",
    "garbage",
    "PP-1|departement:59|total|c9",
    "PP-1|departement:59|valeur|c3",
    "PP-1|departement:59|total|c03",
    "XX-1|organisme|valeur|a1",
    "PP-5|departement:62|valeur|a1",
    "PP-1|commune:59350|total|c3",
];
/// Organisms: complete, empty, wrong SIREN key, SIREN too short or not digits, head office
/// unknown or empty, kind missing.
fn organismes() -> Vec<Organisme> {
    let o = |r: &str, s: &str, k: Option<OrganismeKind>, d: Option<&str>| Organisme {
        raison_sociale: r.into(),
        siren: s.into(),
        kind: k,
        siege_departement: d.map(str::to_string),
    };
    let oph = Some(OrganismeKind::Oph);
    vec![
        o("Habitat Essai", "988041729", oph, Some("59")),
        Organisme::default(),
        o("Habitat Essai", "988041728", oph, Some("59")),
        o("  ", "988 041 729", None, Some("62")),
        o("Habitat Essai", "98804172", oph, Some("XX")),
        o(
            "Habitat Essai",
            "9880417A9",
            Some(OrganismeKind::Autre),
            Some(""),
        ),
        o("Habitat Essai", "", oph, None),
    ]
}

const LEVELS: [Level; 5] = [
    Level::Organisme,
    Level::Region,
    Level::Departement,
    Level::Epci,
    Level::Segment,
];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

fn catalogues() -> Vec<Catalogue> {
    let cats = embedded();
    let latest = |id: &str| cus_core::catalogue::latest(&cats, id).unwrap().clone();
    // The same catalogues with every indicator optional: a row is then not one group, so the
    // finer relations between cells (cumulatives, years, shares) decide the groups.
    let optional = |id: &str| {
        let mut c = latest(id);
        for i in &mut c.indicators {
            i.requirement = Requirement::Facultatif;
        }
        c
    };
    // Yes/no items (cus1-logements-foyers, GLF.I) and text items (cus2-societes-vente, SR-SV-1
    // and SR-SV-2) are among the cells, required and optional.
    vec![
        latest("cus2-logements-locatifs"),
        latest("cus1-logements-locatifs"),
        latest("cus2-societes-vente"),
        optional("cus2-logements-locatifs"),
        optional("cus1-logements-locatifs"),
        latest("cus1-logements-foyers"),
        optional("cus2-societes-vente"),
    ]
}

/// Number of catalogues of [`catalogues`].
const N_CATALOGUES: usize = 7;

/// The embedded rules plus two comparisons, so that the mechanism is exercised on random data.
fn rule_set() -> RuleSet {
    let mut r = RuleSet::embedded().clone();
    let cmp =
        |id: &str, l: &str, ls: Option<&str>, op: Op, rr: &str, rs: Option<&str>| Comparison {
            id: id.into(),
            code: "E-COMPARAISON-ESSAI".into(),
            severity: cus_core::diagnostic::Severity::Error,
            catalogues: Vec::new(),
            lhs: Operand {
                indicator: l.into(),
                split: ls.map(str::to_string),
            },
            op,
            rhs: Operand {
                indicator: rr.into(),
                split: rs.map(str::to_string),
            },
            periods: Vec::new(),
            message: "Essai.".into(),
            article: None,
        };
    r.comparisons
        .push(cmp("essai-1", "PP-4", None, Op::Le, "PP-1", Some("total")));
    r.comparisons
        .push(cmp("essai-2", "PS-2", None, Op::Ge, "PP-2", None));
    r.comparisons.push(cmp(
        "essai-3",
        "A.II",
        Some("PLAI"),
        Op::Le,
        "A.I",
        Some("PLAI"),
    ));
    assert!(r.check().is_empty());
    r
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => (0u32..40).prop_map(|n| Value::Number(f64::from(n))),
        1 => prop::sample::select(vec![
            -1.0, 0.5, 1e300, -1e300, f64::NAN, f64::INFINITY, 100.0, 100.5, 1e15, 1200.0
        ])
        .prop_map(Value::Number),
        1 => prop::sample::select(vec!["12", "abc", "", "  ", "-3", "1 234,5", "oui", "non"])
            .prop_map(|s| Value::Text(s.into())),
        1 => any::<bool>().prop_map(Value::Bool),
        // What a yes/no or a text item may hold: answers in any case, a text over the limit of
        // 2 000 characters, one at the limit in two-byte characters, line breaks and quotes.
        1 => prop::sample::select(vec![
            "Oui".to_string(),
            " NON ".to_string(),
            "peut-être".to_string(),
            "x".repeat(2001),
            "é".repeat(2000),
            "ligne 1\nligne 2 ; « dit » \"cité\"".to_string(),
            "=SOMME(A1)".to_string(),
        ])
        .prop_map(Value::Text),
    ]
}

#[derive(Clone, Debug)]
struct Spec {
    cat: usize,
    signing_year: Option<i32>,
    with_geo: bool,
    deps: Vec<bool>,
    epci: Vec<bool>,
    segments: u8,
    /// Per indicator (by position): 0–2 default, 3 default + prefect levels, 4 one random level,
    /// 5 explicit rows.
    seg: Vec<(u8, Pick, Vec<Pick>)>,
    values: Vec<(u8, Pick, Value)>,
    /// Rows (or whole indicators, when the flag is set) filled with small numbers, so that the
    /// rules between cells have complete data to compare.
    fill: Vec<(Pick, bool, Vec<u8>)>,
    stock: Vec<(Pick, f64)>,
    organisme: Pick,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            0usize..N_CATALOGUES,
            prop::sample::select(vec![
                Some(2022),
                Some(2022),
                Some(2011),
                None,
                Some(i32::MAX),
                Some(i32::MIN),
            ]),
        ),
        prop::bool::weighted(0.8),
        prop::collection::vec(prop::bool::weighted(0.4), DEPARTEMENTS.len()),
        prop::collection::vec(prop::bool::weighted(0.4), EPCI.len()),
        0u8..3,
        prop::collection::vec(
            (
                0u8..6,
                any::<Pick>(),
                prop::collection::vec(any::<Pick>(), 0..5),
            ),
            14,
        ),
        prop::collection::vec((0u8..10, any::<Pick>(), value()), 0..80),
        prop::collection::vec(
            (
                any::<Pick>(),
                prop::bool::weighted(0.3),
                prop::collection::vec(0u8..4, 1..8),
            ),
            0..4,
        ),
        prop::collection::vec(
            (
                any::<Pick>(),
                prop::sample::select(vec![0.0, 10.0, 150.0, 5000.0, -3.0, 2.5]),
            ),
            0..4,
        ),
        any::<Pick>(),
    )
        .prop_map(
            |(
                (cat, signing_year),
                with_geo,
                deps,
                epci,
                segments,
                seg,
                values,
                fill,
                stock,
                organisme,
            )| {
                Spec {
                    cat,
                    signing_year,
                    with_geo,
                    deps,
                    epci,
                    segments,
                    seg,
                    values,
                    fill,
                    stock,
                    organisme,
                }
            },
        )
}

fn candidates(conv: &Convention) -> Vec<TerritoryKey> {
    let mut out = vec![TerritoryKey::Organisme, TerritoryKey::Region("32".into())];
    out.extend(
        DEPARTEMENTS
            .iter()
            .map(|d| TerritoryKey::Departement(d.to_string())),
    );
    out.extend(EPCI.iter().map(|e| TerritoryKey::Epci(e.to_string())));
    out.extend(
        conv.segments
            .iter()
            .map(|s| TerritoryKey::Segment(s.id.clone())),
    );
    out
}

fn build<'c>(
    s: &Spec,
    cats: &'c [Catalogue],
) -> (Convention, &'c Catalogue, Option<&'static Referential>) {
    let cat = &cats[s.cat];
    let geo = s.with_geo.then(|| geo::referential(2026).unwrap());
    let mut conv = Convention {
        signing_year: s.signing_year,
        departements: DEPARTEMENTS
            .iter()
            .zip(&s.deps)
            .filter(|(_, b)| **b)
            .map(|(d, _)| d.to_string())
            .collect(),
        epci: EPCI
            .iter()
            .zip(&s.epci)
            .filter(|(_, b)| **b)
            .map(|(e, _)| e.to_string())
            .collect(),
        // Stored as the form and the import store it (SIREN digits without spaces).
        organisme: s.organisme.get(&organismes()).clone().normalised(),
        ..Default::default()
    };
    conv.segments = (0..s.segments)
        .map(|i| Segment {
            id: format!("S{i}"),
            name: format!("Segment {i}"),
            departement: DEPARTEMENTS[usize::from(i) % 2].to_string(),
            ..Default::default()
        })
        .collect();
    let cand = candidates(&conv);
    for (ind, (choice, pick, rows)) in cat.indicators.iter().zip(&s.seg) {
        let seg = match choice {
            3 => {
                let mut levels = ind.levels.allowed[..1].to_vec();
                levels.extend(&ind.levels.prefect_request);
                IndicatorSegmentation { levels, rows: None }
            }
            4 => IndicatorSegmentation {
                levels: vec![*pick.get(&LEVELS)],
                rows: None,
            },
            5 => IndicatorSegmentation {
                levels: ind.levels.allowed[..1].to_vec(),
                rows: Some(rows.iter().map(|p| p.get(&cand).clone()).collect()),
            },
            _ => continue,
        };
        conv.segmentation.insert(ind.code.clone(), seg);
    }
    let cells: Vec<String> = conv.cells(cat, geo).iter().map(|c| c.key()).collect();
    for (pick, whole, small) in s.fill.iter().filter(|_| !cells.is_empty()) {
        let key = pick.get(&cells);
        let mut parts = key.split('|');
        let prefix = match (parts.next(), parts.next(), whole) {
            (Some(i), _, true) => format!("{i}|"),
            (Some(i), Some(t), false) => format!("{i}|{t}|"),
            _ => continue,
        };
        for (i, k) in cells.iter().filter(|k| k.starts_with(&prefix)).enumerate() {
            let v = f64::from(small[i % small.len()]);
            conv.values.insert(k.clone(), Value::Number(v));
        }
    }
    for (sel, pick, v) in &s.values {
        let key = if *sel < 8 && !cells.is_empty() {
            pick.get(&cells).clone()
        } else {
            pick.get(&GARBAGE_KEYS).to_string()
        };
        conv.values.insert(key, v.clone());
    }
    let mut terr: Vec<String> = cand.iter().map(|t| t.to_string()).collect();
    terr.push("nimporte".into());
    for (pick, v) in &s.stock {
        conv.stock.insert(pick.get(&terr).clone(), *v);
    }
    (conv, cat, geo)
}

fn sorted(diags: impl IntoIterator<Item = Diagnostic>) -> Vec<String> {
    let mut v: Vec<String> = diags
        .into_iter()
        .map(|d| serde_json::to_string(&d).unwrap())
        .collect();
    v.sort();
    v
}

/// Equal conventions, NaN values included (`NaN != NaN` for `PartialEq`).
fn same(a: &Convention, b: &Convention) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

fn in_group(d: &Diagnostic, group: &BTreeSet<String>) -> bool {
    d.location.cell.as_ref().is_some_and(|c| group.contains(c))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn validate_never_panics_and_locates_value_diagnostics(s in spec()) {
        let cats = catalogues();
        let rules_data = rule_set();
        let (conv, cat, geo) = build(&s, &cats);
        let diags = rules::validate_with(&conv, cat, geo, &rules_data);
        for d in &diags {
            prop_assert!(!d.message.is_empty());
            let value_rule = d.code.starts_with("E-VALUE") || d.code.starts_with("E-TEXT")
                || d.code.starts_with("E-REQUIRED")
                || d.code.starts_with("W-REQUIRED") || d.code.starts_with("E-PART")
                || d.code.starts_with("E-SPLIT") || d.code.starts_with("E-CUMUL")
                || d.code.starts_with("E-EPCI") || d.code.starts_with("W-PLAUSIBLE")
                || d.code.starts_with("E-COMPARAISON") || d.code == "W-VALUE-ORPHAN";
            if value_rule {
                prop_assert!(d.location.cell.is_some(), "{:?}", d);
            }
        }
        // The stored JSON survives a round trip and validates the same.
        let json = serde_json::to_string(&conv).unwrap();
        // (A NaN is written `null`, which does not read back: such a convention is skipped.)
        let back: Option<Convention> = serde_json::from_str(&json).ok();
        if let Some(back) = back.filter(|b| b == &conv) {
            prop_assert_eq!(sorted(rules::validate_with(&back, cat, geo, &rules_data)), sorted(diags));
        }
    }

    #[test]
    fn totals_are_the_sums_of_their_cells(s in spec()) {
        let cats = catalogues();
        let (conv, cat, geo) = build(&s, &cats);
        for ind in cat.indicators.iter().filter(|i| conv.uses(i) && is_additive(i)) {
            let Some(&level) = conv.levels(ind).first() else { continue };
            let mut rows: Vec<TerritoryKey> = Vec::new();
            for r in conv.rows(ind, geo) {
                if r.level() == level && !rows.contains(&r) {
                    rows.push(r);
                }
            }
            for split in splits(ind) {
                for period in ind.periods.periods() {
                    let mut want = Vec::new();
                    for r in &rows {
                        let key = format!("{}|{}|{}|{}", ind.code, r, split.key(),
                            cus_core::convention::period_key(period));
                        if let Some(v) = conv.values.get(&key).and_then(|v| valid_number(ind, v)) {
                            want.push((key, v));
                        }
                    }
                    let got = calc::total_across_territories(&conv, cat, geo, &ind.code, &split, period, None);
                    match got {
                        Ok(e) => {
                            let sum: f64 = want.iter().map(|(_, v)| v).sum();
                            prop_assert_eq!(&e.inputs, &want);
                            prop_assert!(e.value == sum || (e.value.is_nan() && sum.is_nan()));
                        }
                        Err(CalcError::NoValue) => prop_assert!(want.is_empty()),
                        Err(e) => prop_assert!(false, "{}", e),
                    }
                }
                if ind.periods.yearly {
                    for r in &rows {
                        if let Ok(e) = calc::cumulative_from_yearly(&conv, cat, &ind.code, r, &split, 6) {
                            let sum: f64 = e.inputs.iter().map(|(_, v)| v).sum();
                            prop_assert_eq!(e.inputs.len(), 6);
                            prop_assert!(e.value == sum);
                        }
                    }
                }
            }
            // Parts of a total over years stay computable whatever the values.
            for r in &rows {
                let _ = calc::yearly_average(&conv, cat, &ind.code, r, &splits(ind)[0], 6);
                let _ = calc::plai_share(&conv, cat, &ind.code, r, Period::Cumulative(6));
            }
        }
    }

    #[test]
    fn incremental_validation_matches_full_validation(
        s in spec(),
        sel in 0u8..10,
        pick in any::<Pick>(),
        new_value in prop::option::weighted(0.8, value()),
    ) {
        let cats = catalogues();
        let rules_data = rule_set();
        let (before, cat, geo) = build(&s, &cats);
        let cells: Vec<String> = before.cells(cat, geo).iter().map(|c| c.key()).collect();
        let stored: Vec<String> = before.values.keys().cloned().collect();
        let key = match sel {
            0..=5 if !cells.is_empty() => pick.get(&cells).clone(),
            6..=7 if !stored.is_empty() => pick.get(&stored).clone(),
            _ => pick.get(&GARBAGE_KEYS).to_string(),
        };
        let mut after = before.clone();
        match new_value {
            Some(v) => after.values.insert(key.clone(), v),
            None => after.values.remove(&key),
        };
        let full_before = rules::validate_with(&before, cat, geo, &rules_data);
        let full_after = rules::validate_with(&after, cat, geo, &rules_data);
        let idx_before = Index::with_rules(&before, cat, geo, &rules_data);
        let idx_after = Index::with_rules(&after, cat, geo, &rules_data);
        let group = idx_after.group(&key);
        prop_assert_eq!(&group, &idx_before.group(&key));
        prop_assert!(group.contains(&key));
        let incremental = idx_after.validate_cell(&after, &key);
        for d in &incremental {
            prop_assert!(in_group(d, &group), "{:?}", d);
        }
        // validate_cell is the part of the full validation located in the group.
        prop_assert_eq!(
            sorted(incremental.iter().cloned()),
            sorted(full_after.iter().filter(|d| in_group(d, &group)).cloned())
        );
        // Patching the previous result gives the new one.
        let patched = full_before
            .into_iter()
            .filter(|d| !in_group(d, &group))
            .chain(incremental);
        prop_assert_eq!(sorted(patched), sorted(full_after));
    }

    #[test]
    fn typed_edits_keep_the_validator_exact_and_undo_restores(
        s in spec(),
        steps in prop::collection::vec(
            (0u8..21, prop::collection::vec((0u8..10, any::<Pick>(), prop::option::weighted(0.8, value())), 1..4)),
            1..8,
        ),
        undo_some in 0usize..4,
    ) {
        let cats = catalogues();
        let rules_data = rule_set();
        let (start, cat, geo) = build(&s, &cats);
        let cells: Vec<String> = start.cells(cat, geo).iter().map(|c| c.key()).collect();
        let stored: Vec<String> = start.values.keys().cloned().collect();
        let key_of = |sel: u8, pick: &Pick| match sel {
            0..=5 if !cells.is_empty() => pick.get(&cells).clone(),
            6..=7 if !stored.is_empty() => pick.get(&stored).clone(),
            _ => pick.get(&GARBAGE_KEYS).to_string(),
        };
        let mut conv = start.clone();
        let mut history = History::default();
        let orgs = organismes();
        let mut validator = Validator::with_rules(&conv, cat, geo, &rules_data);
        let mut states = vec![conv.clone()];
        for (kind, writes) in &steps {
            let edit = match kind {
                // A keystroke or a paste: cells.
                0..=7 => Edit::SetCells(writes.iter().map(|(sel, p, v)| (key_of(*sel, p), v.clone())).collect()),
                8 => Edit::SetStock {
                    territory: format!("departement:{}", DEPARTEMENTS[writes.len() % DEPARTEMENTS.len()]),
                    dwellings: writes[0].2.as_ref().and_then(|v| match v { Value::Number(n) => Some(*n), _ => None }),
                },
                9 => Edit::Acknowledge { id: key_of(writes[0].0, &writes[0].1), comment: Some("vu".into()) },
                10 => Edit::SetName(format!("brouillon {}", writes.len())),
                // The organism alone, or with cells in one step.
                12 => Edit::SetOrganisme(writes[0].1.get(&orgs).clone()),
                13 => Edit::Batch(vec![
                    Edit::SetOrganisme(writes[0].1.get(&orgs).clone()),
                    Edit::SetCells(writes.iter().map(|(sel, p, v)| (key_of(*sel, p), v.clone())).collect()),
                ]),
                // The achievements: the evaluation, counts and terms per year (on the cells' keys,
                // whatever their period), justifications; signing and an avenant.
                15 => Edit::SetEvaluation(
                    cat.evaluations.get(writes[0].1.index(cat.evaluations.len() + 1)).map(|e| e.id.clone()).unwrap_or_default(),
                ),
                16 => Edit::SetAchieved(writes.iter().map(|(sel, p, v)| (key_of(*sel, p), v.as_ref().and_then(Value::as_number))).collect()),
                17 => Edit::SetTerms(writes.iter().map(|(sel, p, v)| {
                    let n = v.as_ref().and_then(Value::as_number);
                    (key_of(*sel, p), n.map(|n| Terms { numerator: Some(n), denominator: (*sel % 3 != 0).then_some(f64::from(*sel) * 4.0) }))
                }).collect()),
                18 => Edit::Justify {
                    key: key_of(writes[0].0, &writes[0].1).rsplit_once('|').map(|(k, _)| k.to_string()).unwrap_or_default(),
                    justification: writes[0].2.as_ref().map(|_| Justification {
                        origin: if writes.len() % 2 == 0 { Origin::Organisme } else { Origin::Exterieur },
                        cause: (writes.len() != 3).then(|| "foncier".to_string()),
                        comment: String::new(),
                    }),
                },
                19 => Edit::Sign(writes[0].2.as_ref().map(|_| Signature { date: "2020-01-15".into(), label: "Convention initiale".into() })),
                20 => Edit::Batch(vec![
                    Edit::SetVersions(vec![SignedVersion { signature: Signature::default(), values: conv.values.clone() }]),
                    Edit::Sign(None),
                    Edit::SetCells(writes.iter().map(|(sel, p, v)| (key_of(*sel, p), v.clone())).collect()),
                ]),
                _ => Edit::Batch(writes.iter().map(|(sel, p, v)| Edit::SetCells(vec![(key_of(*sel, p), v.clone())])).collect()),
            };
            let touched = history.apply(&mut conv, edit);
            validator.update(&conv, &touched);
            prop_assert_eq!(
                sorted(validator.diagnostics().iter().cloned()),
                sorted(rules::validate_with(&conv, cat, geo, &rules_data))
            );
            if !same(&conv, states.last().unwrap()) {
                states.push(conv.clone());
            }
        }
        // Undo a few steps, then redo them: the same states, the validator still exact.
        for i in 0..undo_some.min(states.len() - 1) {
            let touched = history.undo(&mut conv).expect("a step to undo");
            validator.update(&conv, &touched);
            prop_assert!(same(&conv, &states[states.len() - 2 - i]));
        }
        while let Some(touched) = history.redo(&mut conv) {
            validator.update(&conv, &touched);
        }
        prop_assert!(same(&conv, states.last().unwrap()));
        prop_assert_eq!(
            sorted(validator.diagnostics().iter().cloned()),
            sorted(rules::validate_with(&conv, cat, geo, &rules_data))
        );
        // Undo everything: the first convention.
        while let Some(touched) = history.undo(&mut conv) {
            validator.update(&conv, &touched);
        }
        prop_assert!(same(&conv, &start));
        prop_assert!(!history.can_undo());
    }

    #[test]
    fn achievement_edits_rerun_only_their_owners_checks(
        s in spec(),
        evaluation_pick in any::<Pick>(),
        signed in any::<bool>(),
        fill in prop::collection::vec((any::<Pick>(), 0u8..40), 0..60),
        steps in prop::collection::vec(
            (0u8..10, prop::collection::vec((0u8..10, any::<Pick>(), prop::option::weighted(0.85, achieved())), 1..4)),
            1..10,
        ),
    ) {
        let cats = catalogues();
        let rules_data = rule_set();
        let (mut start, cat, geo) = build(&s, &cats);
        // The evaluation chosen (or one the catalogue lacks), the commitments signed or not.
        let mut ids: Vec<String> = cat.evaluations.iter().map(|e| e.id.clone()).collect();
        ids.push("inconnue".into());
        start.achievements.evaluation = evaluation_pick.get(&ids).clone();
        if signed {
            start.signature = Some(Signature { date: "2022-03-01".into(), label: "Convention initiale".into() });
        }
        // Every year cell of every row and split (each indicator is entered per year), then the
        // cells themselves (other periods: an error), then garbage.
        let cells = start.cells(cat, geo);
        let mut years: Vec<String> = cells
            .iter()
            .flat_map(|c| (1..=6u8).map(move |y| cus_core::convention::Cell { period: Period::Year(y), ..c.clone() }.key()))
            .collect();
        years.sort();
        years.dedup();
        let others: Vec<String> = cells.iter().map(|c| c.key()).collect();
        let key_of = |sel: u8, pick: &Pick| match sel {
            0..=6 if !years.is_empty() => pick.get(&years).clone(),
            7..=8 if !others.is_empty() => pick.get(&others).clone(),
            _ => pick.get(&GARBAGE_KEYS).to_string(),
        };
        let percentage = |k: &str| {
            cat.indicator(evaluation::indicator_of(k))
                .is_some_and(|i| matches!(i.value, cus_core::catalogue::ValueKind::Pourcentage { .. }))
        };
        // Achievements already there: small counts, or terms for a percentage.
        for (pick, v) in &fill {
            if years.is_empty() {
                break;
            }
            let k = pick.get(&years).clone();
            if percentage(&k) {
                start.achievements.terms.insert(k, Terms { numerator: Some(f64::from(*v)), denominator: Some(f64::from(v / 2 + 20)) });
            } else {
                start.achievements.values.insert(k, f64::from(*v));
            }
        }
        let mut conv = start.clone();
        let mut history = History::default();
        let mut validator = Validator::with_rules(&conv, cat, geo, &rules_data);
        for (kind, writes) in &steps {
            let counts = || Edit::SetAchieved(writes.iter().map(|(sel, p, v)| (key_of(*sel, p), *v)).collect());
            let edit = match kind {
                // A keystroke or a paste of counts (on a percentage too: an error).
                0..=3 => counts(),
                // Terms: both, one missing, numerator above the denominator.
                4..=5 => Edit::SetTerms(writes.iter().map(|(sel, p, v)| {
                    (key_of(*sel, p), v.map(|n| Terms {
                        numerator: (*sel % 4 != 1).then_some(n),
                        denominator: (*sel % 4 != 2).then_some(if *sel % 4 == 3 { n / 2.0 } else { n + 10.0 }),
                    }))
                }).collect()),
                // A justification of a line's row and split (a known cause or not), or none.
                6 => Edit::Justify {
                    key: key_of(writes[0].0, &writes[0].1).rsplit_once('|').map(|(k, _)| k.to_string()).unwrap_or_default(),
                    justification: writes[0].2.map(|_| Justification {
                        origin: if writes.len() % 2 == 0 { Origin::Organisme } else { Origin::Exterieur },
                        cause: (writes.len() != 3).then(|| "foncier".to_string()),
                        comment: String::new(),
                    }),
                },
                // A commitment (the convention signed refuses it: nothing happens).
                7 => Edit::SetCells(writes.iter().map(|(sel, p, v)| (pick_cell(&others, *sel, p), v.map(Value::Number))).collect()),
                // Several keystrokes as one step.
                8 => Edit::Batch(writes.iter().map(|(sel, p, v)| Edit::SetAchieved(vec![(key_of(*sel, p), *v)])).collect()),
                _ => Edit::Batch(vec![counts(), Edit::SetName("n".into())]),
            };
            let before = conv.clone();
            let touched = history.apply(&mut conv, edit);
            validator.update(&conv, &touched);
            prop_assert_eq!(
                sorted(validator.diagnostics().iter().cloned()),
                sorted(rules::validate_with(&conv, cat, geo, &rules_data))
            );
            // The contract of `check_owned`, on the evaluation's diagnostics alone.
            let keys = match &touched {
                cus_core::convention::Touched::Achievements(k) | cus_core::convention::Touched::Cells(k) => k.clone(),
                _ => continue,
            };
            let owners = Owners::of_keys(&keys);
            let full_before = evaluation::check_convention(&before, cat, geo);
            let full_after = evaluation::check_convention(&conv, cat, geo);
            let owned = evaluation::check_owned(&conv, cat, geo, &owners);
            for d in &owned {
                prop_assert!(owners.owns(d), "{:?} returned, not owned", d);
            }
            prop_assert_eq!(
                sorted(owned.iter().cloned()),
                sorted(full_after.iter().filter(|d| owners.owns(d)).cloned())
            );
            prop_assert_eq!(
                sorted(full_before.into_iter().filter(|d| !owners.owns(d)).chain(owned)),
                sorted(full_after)
            );
        }
        // Undone step by step, the validator still exact; the first convention back.
        while let Some(touched) = history.undo(&mut conv) {
            validator.update(&conv, &touched);
        }
        prop_assert!(same(&conv, &start));
        prop_assert_eq!(
            sorted(validator.diagnostics().iter().cloned()),
            sorted(rules::validate_with(&conv, cat, geo, &rules_data))
        );
    }
}

/// A count achieved: small whole numbers mostly, sometimes wrong (negative, fractional, NaN).
fn achieved() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (0u32..40).prop_map(f64::from),
        1 => prop::sample::select(vec![-1.0, 0.5, f64::NAN, 1e15]),
    ]
}

/// A commitment cell (or a garbage key).
fn pick_cell(cells: &[String], sel: u8, pick: &Pick) -> String {
    if sel < 8 && !cells.is_empty() {
        pick.get(cells).clone()
    } else {
        pick.get(&GARBAGE_KEYS).to_string()
    }
}
