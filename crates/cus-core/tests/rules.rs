//! Data-driven cases for the validation rules (`cus_core::rules`): each file of
//! `tests/cases/rules/` holds a convention and the exact diagnostics expected (as a multiset:
//! code, and indicator / territory / cell / severity when given). A case names an embedded
//! catalogue (`catalogue`) or carries its own (`catalogue_inline`, for mechanisms no current
//! catalogue exercises), may replace the data rules (`rules`), and may leave out some codes from
//! the comparison (`ignore`, typically the required-row rules of a deliberately sparse
//! convention). Also: no error on the sample conventions, the largest convention, the
//! incremental validation on every case, and the calculator's exact explanations.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use cus_core::calc::{self, CalcError};
use cus_core::catalogue::{embedded, Catalogue, Level, Period};
use cus_core::convention::{Convention, SplitKey, TerritoryKey, Value};
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::geo::{self, Referential};
use cus_core::rules::{self, codes, Index, RuleSet};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    code: String,
    indicator: Option<String>,
    territory: Option<String>,
    cell: Option<String>,
    severity: Option<Severity>,
    /// Text the message must contain (a citation, a figure).
    message_contains: Option<String>,
    /// The diagnostic's short citation (`CCH, art. L. 441-1`).
    article: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    #[serde(default)]
    catalogue: Option<String>,
    #[serde(default)]
    catalogue_inline: Option<Catalogue>,
    /// Vintage of the referential (2026 by default); 0: no referential.
    #[serde(default)]
    geo_vintage: Option<u16>,
    #[serde(default)]
    rules: Option<RuleSet>,
    #[serde(default)]
    ignore: Vec<String>,
    convention: Convention,
    expected: Vec<Expected>,
}

fn latest(cats: &[Catalogue], id: &str) -> Catalogue {
    cus_core::catalogue::latest(cats, id)
        .unwrap_or_else(|| panic!("no embedded catalogue {id}"))
        .clone()
}

/// Codes of the rules that come from the indicator's definition: located down to the cell, with
/// the article cited by the catalogue.
const FROM_DEFINITION: [&str; 9] = [
    codes::VALUE_INVALID,
    codes::TEXT_TOO_LONG,
    codes::REQUIRED_MISSING,
    codes::REQUIRED_PARTIAL,
    codes::PART_EXCEEDS_TOTAL,
    codes::SPLIT_SUM_MISMATCH,
    codes::CUMUL_DECREASING,
    codes::CUMUL_YEARLY_MISMATCH,
    codes::EPCI_EXCEEDS_DEPARTEMENT,
];

fn sorted(diags: &[Diagnostic]) -> Vec<String> {
    let mut v: Vec<String> = diags
        .iter()
        .map(|d| serde_json::to_string(d).unwrap())
        .collect();
    v.sort();
    v
}

/// `validate_cell` gives exactly the diagnostics of `validate` located in the cell's group.
fn check_incremental(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    rules: &RuleSet,
    full: &[Diagnostic],
    keys: &[String],
) -> Vec<String> {
    let idx = Index::with_rules(conv, cat, geo, rules);
    let mut out = Vec::new();
    for k in keys {
        let group = idx.group(k);
        let want: Vec<Diagnostic> = full
            .iter()
            .filter(|d| d.location.cell.as_ref().is_some_and(|c| group.contains(c)))
            .cloned()
            .collect();
        let got = idx.validate_cell(conv, k);
        if sorted(&want) != sorted(&got) {
            out.push(format!(
                "validate_cell({k}): {:?} instead of {:?}",
                got.iter().map(|d| &d.code).collect::<Vec<_>>(),
                want.iter().map(|d| &d.code).collect::<Vec<_>>()
            ));
        }
    }
    out
}

#[test]
fn rule_cases() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases/rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 12,
        "expected at least 12 cases, found {}",
        files.len()
    );
    let cats = embedded();
    let mut failures = Vec::new();
    let mut seen_codes = BTreeSet::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let case: Case = serde_json::from_str(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let cat = match (&case.catalogue, &case.catalogue_inline) {
            (Some(id), None) => latest(&cats, id),
            (None, Some(c)) => {
                let problems = cus_core::catalogue::check(c, &name);
                assert!(
                    problems.is_empty(),
                    "{name}: inline catalogue: {problems:?}"
                );
                c.clone()
            }
            _ => panic!("{name}: give exactly one of catalogue, catalogue_inline"),
        };
        let geo = match case.geo_vintage.unwrap_or(2026) {
            0 => None,
            y => Some(geo::referential(y).unwrap_or_else(|| panic!("{name}: no vintage {y}"))),
        };
        let rules_data = case
            .rules
            .clone()
            .unwrap_or_else(|| RuleSet::embedded().clone());
        assert!(
            rules_data.check().is_empty(),
            "{name}: {:?}",
            rules_data.check()
        );
        let mut conv = case.convention.clone();
        conv.catalogue.id = cat.id.clone();
        let got = rules::validate_with(&conv, &cat, geo, &rules_data);

        // Shape of every diagnostic (against the catalogue as the convention applies it).
        let view = conv.view(&cat);
        let cat = &*view;
        for d in &got {
            assert!(!d.message.is_empty(), "{name}: empty message");
            if FROM_DEFINITION.contains(&d.code.as_str()) {
                let l = &d.location;
                let ind = l.indicator.as_deref().and_then(|c| cat.indicator(c));
                let ok = ind.is_some()
                    && l.territory.is_some()
                    && l.split.is_some()
                    && l.period.is_some()
                    && l.cell.is_some()
                    && d.article == ind.filter(|i| !i.hors_reglement).map(|i| cat.citation(i));
                assert!(ok, "{name}: incomplete location or article: {d:?}");
            }
        }

        let mut unmatched: Vec<&Diagnostic> = got
            .iter()
            .filter(|d| !case.ignore.contains(&d.code))
            .collect();
        let mut missing = Vec::new();
        for e in &case.expected {
            seen_codes.insert(e.code.clone());
            let pos = unmatched.iter().position(|d| {
                d.code == e.code
                    && e.indicator
                        .as_ref()
                        .is_none_or(|i| d.location.indicator.as_ref() == Some(i))
                    && e.territory
                        .as_ref()
                        .is_none_or(|t| d.location.territory.as_ref() == Some(t))
                    && e.cell
                        .as_ref()
                        .is_none_or(|c| d.location.cell.as_ref() == Some(c))
                    && e.severity.is_none_or(|s| d.severity == s)
                    && e.message_contains
                        .as_ref()
                        .is_none_or(|m| d.message.contains(m.as_str()))
                    && e.article
                        .as_ref()
                        .is_none_or(|a| d.article.as_ref() == Some(a))
            });
            match pos {
                Some(p) => {
                    unmatched.remove(p);
                }
                None => missing.push(format!(
                    "{} {:?} {:?} {:?}",
                    e.code, e.indicator, e.territory, e.cell
                )),
            }
        }
        if !missing.is_empty() || !unmatched.is_empty() {
            failures.push(format!(
                "{name} ({}):\n  missing: {missing:?}\n  unexpected: {:?}",
                case.description,
                unmatched
                    .iter()
                    .map(|d| format!(
                        "{} <{}>",
                        d.to_line_fr(),
                        d.location.cell.clone().unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
            ));
        }
        // Incremental validation agrees with the full one, for every stored key and every cell.
        let mut keys: Vec<String> = conv.values.keys().cloned().collect();
        keys.extend(conv.cells(cat, geo).iter().map(|c| c.key()));
        keys.push("clé|illisible".into());
        failures.extend(
            check_incremental(&conv, cat, geo, &rules_data, &got, &keys)
                .into_iter()
                .map(|m| format!("{name}: {m}")),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // At least one case per rule code.
    let mut all: Vec<&str> = FROM_DEFINITION.to_vec();
    all.extend([
        codes::VALUE_ORPHAN,
        codes::STOCK_INVALID,
        "W-PLAUSIBLE-PRODUCTION",
        "W-PLAUSIBLE-PLAI-SHARE",
        "W-PLAUSIBLE-RANGE",
        "W-LEGAL-FLOOR",
        codes::ORG_SIREN_MISSING,
        codes::ORG_SIREN_INVALID,
        codes::ORG_NAME_MISSING,
        codes::ORG_SIEGE_MISSING,
        codes::ORG_SIEGE_UNKNOWN,
        codes::ORG_KIND_MISSING,
    ]);
    for c in all {
        assert!(seen_codes.contains(c), "no case expects {c}");
    }
    assert!(
        seen_codes.iter().any(|c| c.starts_with("E-COMPARAISON")),
        "no case for a data-driven comparison"
    );
}

/// The rule data (`data/rules/*.json`) names what the catalogues have: every indicator of a
/// rule exists in a catalogue the rule applies to, with the splits, periods, breakdowns and
/// members it names; a floor's unit is the indicator's, it never bears on the reference value,
/// and the source of its citation is a source of each catalogue it applies to.
#[test]
fn rule_data_names_what_the_catalogues_have() {
    let cats = embedded();
    let rules = RuleSet::embedded();
    let mut problems = Vec::new();
    let ids: BTreeSet<&str> = cats.iter().map(|c| c.id.as_str()).collect();
    // The catalogues (every version) where `rule_catalogues` applies and `code` exists.
    let with = |rule_catalogues: &[String], code: &str| -> Vec<&Catalogue> {
        cats.iter()
            .filter(|c| rule_catalogues.is_empty() || rule_catalogues.contains(&c.id))
            .filter(|c| c.indicator(code).is_some())
            .collect()
    };
    let mut check = |id: &str, rule_catalogues: &[String], code: &str| -> Vec<&Catalogue> {
        for c in rule_catalogues {
            if !ids.contains(c.as_str()) {
                problems.push(format!("{id}: unknown catalogue {c}"));
            }
        }
        let found = with(rule_catalogues, code);
        if found.is_empty() {
            problems.push(format!(
                "{id}: indicator {code} is in no catalogue it applies to"
            ));
        }
        found
    };
    let split_of = |c: &Catalogue, code: &str, key: &Option<String>| -> Option<SplitKey> {
        let ind = c.indicator(code)?;
        let splits = cus_core::convention::splits(ind);
        match key {
            None => splits.first().cloned(),
            Some(k) => splits.into_iter().find(|s| s.key() == *k),
        }
    };
    let has_period = |c: &Catalogue, code: &str, key: &str| {
        c.indicator(code).is_some_and(|i| {
            i.periods
                .periods()
                .into_iter()
                .any(|p| cus_core::convention::period_key(p) == key)
        })
    };
    let mut later = Vec::new();
    for cmp in &rules.comparisons {
        for op in [&cmp.lhs, &cmp.rhs] {
            for c in check(&cmp.id, &cmp.catalogues, &op.indicator) {
                if split_of(c, &op.indicator, &op.split).is_none() {
                    later.push(format!(
                        "{}: {} has no split {:?}",
                        cmp.id, op.indicator, op.split
                    ));
                }
            }
        }
    }
    for r in &rules.ratios_to_stock {
        for c in check(&r.id, &r.catalogues, &r.indicator) {
            if split_of(c, &r.indicator, &Some(r.split.clone())).is_none()
                || !has_period(c, &r.indicator, &r.period)
            {
                later.push(format!(
                    "{} ({} {}): split or period unknown",
                    r.id, c.id, c.version
                ));
            }
        }
    }
    for m in &rules.member_shares {
        for c in check(&m.id, &m.catalogues, &m.indicator) {
            let ind = c.indicator(&m.indicator).unwrap();
            let members: Vec<&str> = ind
                .splits
                .breakdowns
                .iter()
                .find(|b| b.id == m.breakdown)
                .map(|b| b.members.iter().map(|x| x.code.as_str()).collect())
                .unwrap_or_default();
            if m.numerator
                .iter()
                .chain(&m.denominator)
                .any(|x| !members.contains(&x.as_str()))
                || m.periods.iter().any(|p| !has_period(c, &m.indicator, p))
            {
                later.push(format!(
                    "{} ({} {}): breakdown, member or period unknown",
                    m.id, c.id, c.version
                ));
            }
        }
    }
    for v in &rules.value_ranges {
        check(&v.id, &v.catalogues, &v.indicator);
    }
    assert!(!rules.floors.is_empty(), "the PS-1 floor is data");
    for f in &rules.floors {
        for code in &f.indicators {
            for c in check(&f.id, &f.catalogues, code) {
                let ind = c.indicator(code).unwrap();
                let at = format!("{} ({} {} {code})", f.id, c.id, c.version);
                if ind.value.unit_fr() != f.unit {
                    later.push(format!(
                        "{at}: unit {} instead of {}",
                        f.unit,
                        ind.value.unit_fr()
                    ));
                }
                if split_of(c, code, &f.split).is_none() {
                    later.push(format!("{at}: no split {:?}", f.split));
                }
                if f.periods
                    .iter()
                    .any(|p| p == "ref" || !has_period(c, code, p))
                {
                    later.push(format!("{at}: periods {:?}", f.periods));
                }
                if c.source(&f.citation.source).is_none() {
                    later.push(format!(
                        "{at}: source {} not in [[sources]]",
                        f.citation.source
                    ));
                }
            }
        }
    }
    problems.extend(later);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn samples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples")
}

#[test]
fn no_error_on_the_samples() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "manifest.json")
        })
        .collect();
    files.sort();
    assert!(files.len() >= 2);
    let cats = embedded();
    for f in files {
        let conv: Convention = serde_json::from_str(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let cat = cus_core::catalogue::lookup(&cats, &conv.catalogue.id, &conv.catalogue.version)
            .expect("catalogue of the sample");
        let geo = conv.geo_vintage.and_then(geo::referential);
        let diags = rules::validate(&conv, cat, geo);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(Diagnostic::to_line_fr)
            .collect();
        assert!(errors.is_empty(), "{}:\n{}", f.display(), errors.join("\n"));
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &diags {
            *counts.entry(d.code.as_str()).or_default() += 1;
        }
        println!("{}: {counts:?}", f.file_name().unwrap().to_string_lossy());
        // Only the empty cells the samples show on purpose are reported, and the legal minimum
        // of PS-1: their PS-1 commitments climb toward 25 % from below (the trajectory of
        // `scripts/samples/generate.py`), which the minimum flags (rule data `floors`).
        assert!(
            diags.iter().all(|d| d.severity == Severity::Info
                || d.code == codes::REQUIRED_PARTIAL
                || (d.code == "W-LEGAL-FLOOR" && d.location.indicator.as_deref() == Some("PS-1"))),
            "{}: {:?}",
            f.display(),
            diags.iter().map(Diagnostic::to_line_fr).collect::<Vec<_>>()
        );
    }
}

fn cus2() -> Catalogue {
    latest(&embedded(), "cus2-logements-locatifs")
}

#[test]
fn the_largest_convention_is_valid() {
    let cat = cus2();
    let geo = geo::referential(2026).unwrap();
    let conv = cus_core::bench::largest_convention(&cat, geo);
    assert_eq!(conv.departements.len(), 101);
    assert_eq!(conv.epci.len(), cus_core::bench::EPCI_COUNT);
    let cells = conv.cells(&cat, Some(geo));
    assert_eq!(cells.len(), conv.values.len(), "every cell is filled");
    let diags = rules::validate(&conv, &cat, Some(geo));
    let bad: Vec<String> = diags
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .take(10)
        .map(Diagnostic::to_line_fr)
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn conv_with(values: &[(&str, f64)]) -> Convention {
    let mut conv = Convention {
        signing_year: Some(2022),
        departements: vec!["59".into(), "62".into()],
        epci: vec!["200093201".into()],
        ..Default::default()
    };
    conv.segmentation.insert(
        "PP-1".into(),
        cus_core::convention::IndicatorSegmentation {
            levels: vec![Level::Departement, Level::Epci],
            rows: None,
        },
    );
    for (k, v) in values {
        conv.values.insert(k.to_string(), Value::Number(*v));
    }
    conv
}

fn split(s: &str) -> SplitKey {
    SplitKey::parse_key(s).unwrap()
}

#[test]
fn calculator_explains_its_numbers() {
    let cat = cus2();
    let geo = geo::referential(2026);
    let nb = '\u{a0}';
    let th = cus_core::numfmt::THOUSANDS_SEP;
    let mut conv = conv_with(&[
        ("PP-1|departement:59|total|c6", 1200.0),
        ("PP-1|departement:62|total|c6", 80.0),
        ("PP-1|epci:200093201|total|c6", 700.0),
        ("PP-1|departement:59|PLAI|c3", 120.0),
        ("PP-1|departement:59|PLUS|c3", 280.0),
        ("PP-1|departement:59|total|c3", 500.0),
        ("PP-1|departement:59|total/hors-qpv|c3", 400.0),
        ("PP-4|departement:59|valeur|c6", 30.0),
    ]);
    conv.stock.insert("departement:59".into(), 15000.0);
    let d59 = TerritoryKey::Departement("59".into());

    // Totals across territories: the first level of PP-1 (départements), EPCI apart.
    let t = calc::total_across_territories(
        &conv,
        &cat,
        geo,
        "PP-1",
        &split("total"),
        Period::Cumulative(6),
        None,
    )
    .unwrap();
    assert_eq!(t.value, 1280.0);
    assert_eq!(
        t.formula_fr,
        format!("Somme des 2 lignes (département) : 1{th}200 + 80 = 1{th}280")
    );
    assert_eq!(
        t.inputs,
        vec![
            ("PP-1|departement:59|total|c6".to_string(), 1200.0),
            ("PP-1|departement:62|total|c6".to_string(), 80.0)
        ]
    );
    let t = calc::total_across_territories(
        &conv,
        &cat,
        geo,
        "PP-1",
        &split("total"),
        Period::Cumulative(3),
        None,
    )
    .unwrap();
    assert_eq!(
        t.formula_fr,
        "Somme de 1 ligne renseignée sur 2 (département) : 500 = 500"
    );
    let t = calc::total_across_territories(
        &conv,
        &cat,
        geo,
        "PP-1",
        &split("total"),
        Period::Cumulative(6),
        Some(Level::Epci),
    )
    .unwrap();
    assert_eq!(t.formula_fr, "Somme de 1 ligne (EPCI / EPT) : 700 = 700");
    // A value in error (a fraction in a count) is left out, and said so.
    let mut bad = conv.clone();
    bad.values.insert(
        "PP-1|departement:62|total|c3".into(),
        cus_core::convention::Value::Number(12.5),
    );
    let t = calc::total_across_territories(
        &bad,
        &cat,
        geo,
        "PP-1",
        &split("total"),
        Period::Cumulative(3),
        None,
    )
    .unwrap();
    assert_eq!(t.value, 500.0);
    assert_eq!(
        t.formula_fr,
        "Somme de 1 ligne renseignée sur 2, 1 valeur en erreur laissée de côté (département) : 500 = 500"
    );
    assert_eq!(
        calc::total_across_territories(
            &conv,
            &cat,
            geo,
            "PP-2",
            &split("valeur"),
            Period::Year(1),
            None
        ),
        Err(CalcError::NotAdditive("PP-2".into()))
    );

    // Share of PLAI among PLAI + PLUS (members from the plausibility data).
    let s = calc::plai_share(&conv, &cat, "PP-1", &d59, Period::Cumulative(3)).unwrap();
    assert_eq!(s.value, 30.0);
    assert_eq!(
        s.formula_fr,
        format!("PLAI ÷ (PLAI + PLUS) = 120 ÷ (120 + 280) = 30{nb}%")
    );
    assert_eq!(
        s.inputs,
        vec![
            ("PP-1|departement:59|PLAI|c3".to_string(), 120.0),
            ("PP-1|departement:59|PLUS|c3".to_string(), 280.0)
        ]
    );
    assert_eq!(
        calc::plai_share(&conv, &cat, "PP-1", &d59, Period::Cumulative(6)),
        Err(CalcError::Missing(vec![
            "PP-1|departement:59|PLAI|c6".into(),
            "PP-1|departement:59|PLUS|c6".into()
        ]))
    );

    // Share outside QPV.
    let q = calc::part_share(
        &conv,
        &cat,
        "PP-1",
        &d59,
        &split("total"),
        "hors-qpv",
        Period::Cumulative(3),
    )
    .unwrap();
    assert_eq!(q.value, 80.0);
    assert_eq!(
        q.formula_fr,
        format!("dont hors QPV ÷ Total = 400 ÷ 500 = 80{nb}%")
    );

    // Ratio to the stock.
    let r = calc::ratio_to_stock(
        &conv,
        &cat,
        "PP-1",
        &d59,
        &split("total"),
        Period::Cumulative(6),
    )
    .unwrap();
    assert_eq!(r.value, 8.0);
    assert_eq!(
        r.formula_fr,
        format!("Total ÷ parc = 1{th}200 ÷ 15{th}000 = 8{nb}%")
    );
    assert_eq!(r.inputs[1], ("stock|departement:59".to_string(), 15000.0));
    assert_eq!(
        calc::ratio_to_stock(
            &conv,
            &cat,
            "PP-1",
            &TerritoryKey::Departement("62".into()),
            &split("total"),
            Period::Cumulative(6)
        ),
        Err(CalcError::NoStock("departement:62".into()))
    );

    // Yearly average from a cumulative (PP-4 has no yearly values).
    let a = calc::yearly_average(&conv, &cat, "PP-4", &d59, &split("valeur"), 6).unwrap();
    assert_eq!(a.value, 5.0);
    assert_eq!(a.formula_fr, "Cumul 2022–2027 ÷ 6 = 30 ÷ 6 = 5");

    // Percentage from its numerator and denominator, named by the catalogue.
    let pp2 = cat.indicator("PP-2").unwrap();
    let p = calc::percentage_of(pp2, 12.0, 150.0).unwrap();
    assert_eq!(p.value, 8.0);
    assert_eq!(
        p.formula_fr,
        format!(
            "logements disposant après rénovation d'une étiquette A à E ÷ parc de logements de \
             classe énergétique F et G = 12 ÷ 150 = 8{nb}%"
        )
    );
}

#[test]
fn calculator_on_yearly_counts() {
    let cat = latest(&embedded(), "cus1-logements-locatifs");
    let mut conv = Convention {
        signing_year: Some(2011),
        departements: vec!["59".into()],
        ..Default::default()
    };
    for (y, v) in [10.0, 12.0, 9.0, 11.0, 10.0, 8.0].iter().enumerate() {
        conv.values.insert(
            format!("A.I|departement:59|PLAI|a{}", y + 1),
            Value::Number(*v),
        );
    }
    let d59 = TerritoryKey::Departement("59".into());
    let c = calc::cumulative_from_yearly(&conv, &cat, "A.I", &d59, &split("PLAI"), 6).unwrap();
    assert_eq!(c.value, 60.0);
    assert_eq!(
        c.formula_fr,
        "Somme des années 2011 à 2016 : 10 + 12 + 9 + 11 + 10 + 8 = 60"
    );
    assert_eq!(c.inputs.len(), 6);
    let m = calc::yearly_average(&conv, &cat, "A.I", &d59, &split("PLAI"), 6).unwrap();
    assert_eq!(m.value, 10.0);
    assert_eq!(
        m.formula_fr,
        "Moyenne des années 2011 à 2016 : (10 + 12 + 9 + 11 + 10 + 8) ÷ 6 = 10"
    );
    conv.signing_year = None;
    let c = calc::cumulative_from_yearly(&conv, &cat, "A.I", &d59, &split("PLAI"), 3).unwrap();
    assert_eq!(c.formula_fr, "Somme des années 1 à 3 : 10 + 12 + 9 = 31");
    conv.values.remove("A.I|departement:59|PLAI|a2");
    assert_eq!(
        calc::cumulative_from_yearly(&conv, &cat, "A.I", &d59, &split("PLAI"), 6),
        Err(CalcError::Missing(
            vec!["A.I|departement:59|PLAI|a2".into()]
        ))
    );
}

/// The stock follows the same nesting as the grids: EPCI inside their département, départements
/// inside the organism; each case: (stock figures) → expected codes, in order.
#[test]
#[allow(clippy::type_complexity)]
fn stock_parts_are_not_above_their_whole() {
    let geo = geo::referential(2026);
    let cases: &[(&[(&str, f64)], &[&str])] = &[
        (
            &[("departement:59", 3500.0), ("epci:200093201", 3000.0)],
            &[],
        ),
        (
            &[("departement:59", 3500.0), ("epci:200093201", 4000.0)],
            &["E-STOCK-EPCI-EXCEEDS"],
        ),
        (
            &[
                ("organisme", 2000.0),
                ("departement:59", 1500.0),
                ("departement:62", 800.0),
            ],
            &["E-STOCK-EXCEEDS-ORGANISME"],
        ),
        (
            &[
                ("organisme", 2300.0),
                ("departement:59", 1500.0),
                ("departement:62", 800.0),
            ],
            &[],
        ),
        // An invalid figure is its own warning and is not added.
        (
            &[("departement:59", 3500.0), ("epci:200093201", 4000.5)],
            &["W-STOCK-INVALID"],
        ),
        (&[("epci:200093201", 4000.0)], &[]),
    ];
    for (stock, want) in cases {
        let mut conv = conv_with(&[]);
        for (k, v) in *stock {
            conv.stock.insert(k.to_string(), *v);
        }
        let got: Vec<String> = rules::check_stock(&conv, geo)
            .into_iter()
            .map(|d| d.code)
            .collect();
        assert_eq!(got, *want, "stock {stock:?}");
    }
    let mut conv = conv_with(&[]);
    conv.stock.insert("departement:59".into(), 3500.0);
    conv.stock.insert("epci:200093201".into(), 4000.0);
    let d = &rules::check_stock(&conv, geo)[0];
    assert_eq!(d.severity, cus_core::diagnostic::Severity::Error);
    assert_eq!(d.location.path.as_deref(), Some("stock.departement:59"));
    assert!(
        d.message.contains("4\u{202f}000") && d.message.contains("3\u{202f}500"),
        "{}",
        d.message
    );
}

/// A level (SR-1, a stock of accessible dwellings) is labelled at the end of each deadline and
/// may go down; a flow (PP-1) is a cumulative that may not.
#[test]
fn levels_are_not_cumulatives() {
    let cat = cus2();
    let geo = geo::referential(2026);
    let sr1 = cat.indicator("SR-1").unwrap();
    let pp1 = cat.indicator("PP-1").unwrap();
    assert_eq!(
        sr1.period_label_fr(Period::Cumulative(3), Some(2022)),
        "Fin 2024"
    );
    assert_eq!(
        sr1.period_label_fr(Period::Cumulative(6), None),
        "Fin de l'année 6"
    );
    assert_eq!(
        pp1.period_label_fr(Period::Cumulative(3), Some(2022)),
        "Cumul 2022–2024"
    );
    let conv = conv_with(&[
        ("SR-1|departement:59|valeur|c3", 500.0),
        ("SR-1|departement:59|valeur|c6", 450.0),
        ("PP-1|departement:59|total|c3", 500.0),
        ("PP-1|departement:59|total|c6", 450.0),
    ]);
    let codes: Vec<(String, Option<String>)> = rules::validate(&conv, &cat, geo)
        .into_iter()
        .filter(|d| d.code == "E-CUMUL-DECREASING")
        .map(|d| (d.code, d.location.indicator))
        .collect();
    assert_eq!(
        codes,
        vec![("E-CUMUL-DECREASING".to_string(), Some("PP-1".to_string()))]
    );
}

/// The messages of the qualitative items say what to do with a yes/no or a text (never « saisissez
/// 0 »), and a text too long is measured, not quoted.
#[test]
fn qualitative_messages() {
    let cats = embedded();
    let foyers = latest(&cats, "cus1-logements-foyers");
    let vente = latest(&cats, "cus2-societes-vente");
    let geo = geo::referential(2026);
    let mut conv = Convention {
        signing_year: Some(2012),
        departements: vec!["59".into(), "62".into()],
        ..Default::default()
    };
    conv.catalogue.id = foyers.id.clone();
    conv.values.insert(
        "GLF.I|departement:62|valeur|c6".into(),
        Value::Text("ligne 1\nligne 2".into()),
    );
    let diags = rules::validate(&conv, &foyers, geo);
    let msg = |cell: &str, code: &str| {
        diags
            .iter()
            .find(|d| d.code == code && d.location.cell.as_deref() == Some(cell))
            .unwrap_or_else(|| panic!("no {code} on {cell}: {diags:?}"))
            .message
            .clone()
    };
    let missing = msg("GLF.I|departement:59|valeur|c6", codes::REQUIRED_MISSING);
    assert!(
        missing.ends_with("Répondez « oui » ou « non » pour cette ligne."),
        "{missing}"
    );
    assert!(!missing.contains("saisissez 0"), "{missing}");
    let invalid = msg("GLF.I|departement:62|valeur|c6", codes::VALUE_INVALID);
    assert!(
        invalid.contains("valeur « ligne 1 ligne 2 » refusée. GLF.I attend « oui » ou « non »."),
        "{invalid}"
    );

    let mut conv = Convention {
        signing_year: Some(2022),
        ..Default::default()
    };
    conv.catalogue.id = vente.id.clone();
    let long = format!("Début. {}", "x".repeat(2993));
    conv.values
        .insert("SR-SV-1|organisme|valeur|c6".into(), Value::Text(long));
    let diags = rules::validate(&conv, &vente, geo);
    let too_long = diags
        .iter()
        .find(|d| d.code == codes::TEXT_TOO_LONG)
        .expect("E-TEXT-TOO-LONG");
    assert_eq!(too_long.severity, Severity::Error);
    assert_eq!(too_long.article.as_deref(), Some("CCH, art. D. 445-5-6"));
    assert!(
        too_long.message.contains(
            "le texte compte 3\u{202f}000 caractères, plus que les 2\u{202f}000 permis : \
             raccourcissez-le d'au moins 1\u{202f}000 caractères."
        ),
        "{}",
        too_long.message
    );
    assert!(
        !too_long.message.contains("Début"),
        "the text is not quoted"
    );
    let missing = diags
        .iter()
        .find(|d| {
            d.code == codes::REQUIRED_MISSING
                && d.location.cell.as_deref() == Some("SR-SV-2|organisme|valeur|c6")
        })
        .expect("SR-SV-2 missing");
    assert!(
        missing
            .message
            .ends_with("Rédigez l'engagement de cette ligne."),
        "{}",
        missing.message
    );
    // A long refused text is quoted by its beginning only.
    let mut one = latest(&cats, "cus2-societes-vente");
    for i in &mut one.indicators {
        i.value = cus_core::catalogue::ValueKind::OuiNon;
    }
    let mut conv2 = conv.clone();
    conv2.values.insert(
        "SR-SV-2|organisme|valeur|c6".into(),
        Value::Text("y".repeat(500)),
    );
    let d = rules::validate(&conv2, &one, geo)
        .into_iter()
        .find(|d| {
            d.code == codes::VALUE_INVALID
                && d.location.cell.as_deref() == Some("SR-SV-2|organisme|valeur|c6")
        })
        .expect("refused");
    assert!(
        d.message.contains(&format!("« {}… »", "y".repeat(59))),
        "{}",
        d.message
    );
}
