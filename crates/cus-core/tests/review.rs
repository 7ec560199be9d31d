//! Data-driven cases for the « Évaluations » section of « Simuler sur mon territoire »
//! (`cus_core::consolidation::review`): each file of `tests/cases/review/` holds a territory and
//! small conventions with their achievements, and the review expected: groups kept apart
//! (generation, CUS kind, evaluation), organisms without evaluation, per indicator each
//! organism's committed / achieved / rate / gap / justification, the territory totals, the range
//! of rates and the missed commitments counted by origin. Every figure was computed by hand.

mod common;

use std::collections::BTreeMap;

use cus_core::catalogue::{embedded, Catalogue};
use cus_core::consolidation::{extract, justification_fr, review, Review, Source};
use cus_core::convention::{Convention, TerritoryKey};
use cus_core::geo;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: String,
    convention: Convention,
}

#[derive(Deserialize, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
struct ExpMissed {
    missed: usize,
    justified: usize,
    #[serde(default)]
    organisme: usize,
    #[serde(default)]
    exterieur: BTreeMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpOrganism {
    file: String,
    evaluation_label: String,
    missed: ExpMissed,
    /// Committed at the territory's level (else « non ventilé », out of the totals).
    #[serde(default = "yes")]
    at_level: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpLine {
    file: String,
    split: String,
    committed: Option<f64>,
    achieved: Option<f64>,
    rate: Option<f64>,
    gap: Option<f64>,
    missed: bool,
    #[serde(default)]
    coarser: bool,
    #[serde(default)]
    unjustified: Vec<String>,
    /// The justifications as shown (`justification_fr`).
    #[serde(default)]
    justifications: Vec<String>,
    formula: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpTotal {
    committed: f64,
    achieved: f64,
    rate: Option<f64>,
    counted: Vec<String>,
    #[serde(default)]
    left_out: Vec<(String, String)>,
    formula: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpRates {
    n: usize,
    min: f64,
    max: f64,
    min_file: String,
    max_file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpIndicator {
    period: String,
    /// Every line of the indicator, in order (organisms, then splits).
    lines: Vec<ExpLine>,
    #[serde(default)]
    totals: BTreeMap<String, ExpTotal>,
    #[serde(default)]
    rates: BTreeMap<String, ExpRates>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpGroup {
    label: String,
    organisms: Vec<ExpOrganism>,
    missed: ExpMissed,
    /// Exactly these indicators, in any order.
    indicators: BTreeMap<String, ExpIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    groups: Vec<ExpGroup>,
    #[serde(default)]
    not_transmitted: Vec<String>,
    #[serde(default)]
    unreadable: Vec<String>,
    /// `Review::apart_fr`, word for word.
    apart: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    territory: String,
    geo_vintage: u16,
    files: Vec<File>,
    expect: Expect,
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6 * (1.0 + b.abs()),
        (None, None) => true,
        _ => false,
    }
}

fn missed_of(m: &cus_core::consolidation::MissedCount) -> ExpMissed {
    ExpMissed {
        missed: m.missed,
        justified: m.justified,
        organisme: m.organisme,
        exterieur: m.exterieur.clone(),
    }
}

fn check(case: &Case, r: &Review, ids: &[&str], fail: &mut Vec<String>) {
    let id = |i: usize| ids[i].to_string();
    let got: Vec<String> = r.not_transmitted.iter().map(|&i| id(i)).collect();
    if got != case.expect.not_transmitted {
        fail.push(format!(
            "not transmitted {got:?}, expected {:?}",
            case.expect.not_transmitted
        ));
    }
    let got: Vec<String> = r.unreadable.iter().map(|(i, _)| id(*i)).collect();
    if got != case.expect.unreadable {
        fail.push(format!(
            "unreadable {got:?}, expected {:?}",
            case.expect.unreadable
        ));
    }
    if r.apart_fr() != case.expect.apart {
        fail.push(format!(
            "apart {:?}, expected {:?}",
            r.apart_fr(),
            case.expect.apart
        ));
    }
    let labels: Vec<String> = r.groups.iter().map(|g| g.label_fr()).collect();
    let expected: Vec<&str> = case
        .expect
        .groups
        .iter()
        .map(|g| g.label.as_str())
        .collect();
    if labels != expected {
        fail.push(format!("groups {labels:?}, expected {expected:?}"));
        return;
    }
    for (g, eg) in r.groups.iter().zip(&case.expect.groups) {
        let at = &eg.label;
        let orgs: Vec<String> = g.organisms.iter().map(|o| id(o.source)).collect();
        let exp: Vec<&String> = eg.organisms.iter().map(|o| &o.file).collect();
        if orgs.iter().collect::<Vec<_>>() != exp {
            fail.push(format!("{at}: organisms {orgs:?}, expected {exp:?}"));
            continue;
        }
        for (o, eo) in g.organisms.iter().zip(&eg.organisms) {
            if o.evaluation_label != eo.evaluation_label {
                fail.push(format!(
                    "{at} {}: label « {} », expected « {} »",
                    eo.file, o.evaluation_label, eo.evaluation_label
                ));
            }
            if o.at_level != eo.at_level {
                fail.push(format!(
                    "{at} {}: at level {}, expected {}",
                    eo.file, o.at_level, eo.at_level
                ));
            }
            if missed_of(&o.missed) != eo.missed {
                fail.push(format!(
                    "{at} {}: missed {:?}, expected {:?}",
                    eo.file,
                    missed_of(&o.missed),
                    eo.missed
                ));
            }
        }
        if missed_of(&g.missed) != eg.missed {
            fail.push(format!(
                "{at}: missed {:?}, expected {:?}",
                missed_of(&g.missed),
                eg.missed
            ));
        }
        let codes: Vec<&String> = g.indicators.iter().map(|i| &i.code).collect();
        let exp_codes: Vec<&String> = eg.indicators.keys().collect();
        let mut sorted = codes.clone();
        sorted.sort();
        if sorted != exp_codes {
            fail.push(format!(
                "{at}: indicators {codes:?}, expected {exp_codes:?}"
            ));
        }
        for (code, ei) in &eg.indicators {
            let Some(ind) = g.indicators.iter().find(|i| &i.code == code) else {
                continue;
            };
            let at = format!("{at} {code}");
            if ind.period_fr != ei.period {
                fail.push(format!(
                    "{at}: period « {} », expected « {} »",
                    ind.period_fr, ei.period
                ));
            }
            let lines: Vec<String> = ind
                .lines
                .iter()
                .map(|l| format!("{}|{}", id(l.source), l.split.key()))
                .collect();
            let exp: Vec<String> = ei
                .lines
                .iter()
                .map(|l| format!("{}|{}", l.file, l.split))
                .collect();
            if lines != exp {
                fail.push(format!("{at}: lines {lines:?}, expected {exp:?}"));
                continue;
            }
            for (l, el) in ind.lines.iter().zip(&ei.lines) {
                let at = format!("{at} {}|{}", el.file, el.split);
                let figures = [
                    ("committed", l.committed, el.committed),
                    ("achieved", l.achieved, el.achieved),
                    ("rate", l.rate, el.rate),
                    ("gap", l.gap, el.gap),
                ];
                for (what, g, e) in figures {
                    if !close(g, e) {
                        fail.push(format!("{at}: {what} {g:?}, expected {e:?}"));
                    }
                }
                if l.missed != el.missed {
                    fail.push(format!("{at}: missed {}, expected {}", l.missed, el.missed));
                }
                let coarser = matches!(l.basis, cus_core::consolidation::Basis::Coarser(_));
                if coarser != el.coarser {
                    fail.push(format!("{at}: coarser {coarser}, expected {}", el.coarser));
                }
                let unj: Vec<String> = l.unjustified.iter().map(TerritoryKey::to_string).collect();
                if unj != el.unjustified {
                    fail.push(format!(
                        "{at}: unjustified {unj:?}, expected {:?}",
                        el.unjustified
                    ));
                }
                let js: Vec<String> = l
                    .justifications
                    .iter()
                    .map(|(_, j)| justification_fr(j))
                    .collect();
                if js != el.justifications {
                    fail.push(format!(
                        "{at}: justifications {js:?}, expected {:?}",
                        el.justifications
                    ));
                }
                if let Some(f) = &el.formula {
                    if &l.formula_fr != f {
                        fail.push(format!(
                            "{at}: formula « {} », expected « {f} »",
                            l.formula_fr
                        ));
                    }
                }
            }
            // A total is keyed by its split and, when known, the years evaluated by the
            // organisms it adds (`total@2020-2022`): different windows are never added.
            let key = |t: &cus_core::consolidation::ReviewTotal| match t.years {
                Some((a, b)) => format!("{}@{a}-{b}", t.split.key()),
                None => t.split.key(),
            };
            let totals: Vec<String> = ind.totals.iter().map(key).collect();
            let exp: Vec<&String> = ei.totals.keys().collect();
            let mut sorted = totals.iter().collect::<Vec<_>>();
            sorted.sort();
            if sorted != exp {
                fail.push(format!("{at}: totals {totals:?}, expected {exp:?}"));
            }
            for (split, et) in &ei.totals {
                let Some(t) = ind.totals.iter().find(|t| &key(t) == split) else {
                    continue;
                };
                let at = format!("{at} total {split}");
                if !close(Some(t.committed), Some(et.committed))
                    || !close(Some(t.achieved), Some(et.achieved))
                    || !close(t.rate, et.rate)
                {
                    fail.push(format!(
                        "{at}: {} / {} / {:?}, expected {} / {} / {:?} — {}",
                        t.committed,
                        t.achieved,
                        t.rate,
                        et.committed,
                        et.achieved,
                        et.rate,
                        t.formula_fr
                    ));
                }
                let counted: Vec<String> = t.counted.iter().map(|&i| id(i)).collect();
                if counted != et.counted {
                    fail.push(format!(
                        "{at}: counted {counted:?}, expected {:?}",
                        et.counted
                    ));
                }
                let left: Vec<(String, String)> = t
                    .left_out
                    .iter()
                    .map(|(i, r)| (id(*i), r.clone()))
                    .collect();
                if left != et.left_out {
                    fail.push(format!(
                        "{at}: left out {left:?}, expected {:?}",
                        et.left_out
                    ));
                }
                if let Some(f) = &et.formula {
                    if &t.formula_fr != f {
                        fail.push(format!(
                            "{at}: formula « {} », expected « {f} »",
                            t.formula_fr
                        ));
                    }
                }
            }
            let rates: Vec<String> = ind.rates.iter().map(|t| t.split.key()).collect();
            let exp: Vec<&String> = ei.rates.keys().collect();
            let mut sorted = rates.iter().collect::<Vec<_>>();
            sorted.sort();
            if sorted != exp {
                fail.push(format!("{at}: rates {rates:?}, expected {exp:?}"));
            }
            for (split, er) in &ei.rates {
                let Some(rr) = ind.rates.iter().find(|t| &t.split.key() == split) else {
                    continue;
                };
                if rr.n != er.n
                    || !close(Some(rr.min), Some(er.min))
                    || !close(Some(rr.max), Some(er.max))
                    || id(rr.min_source) != er.min_file
                    || id(rr.max_source) != er.max_file
                {
                    fail.push(format!(
                        "{at} rates {split}: {} {} ({}) {} ({}), expected {} {} ({}) {} ({})",
                        rr.n,
                        rr.min,
                        id(rr.min_source),
                        rr.max,
                        id(rr.max_source),
                        er.n,
                        er.min,
                        er.min_file,
                        er.max,
                        er.max_file
                    ));
                }
            }
        }
    }
}

fn catalogue<'a>(cats: &'a [Catalogue], conv: &Convention) -> &'a Catalogue {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version)
        .expect("embedded catalogue")
}

// One test per case file (`case_<file name>`), generated by build.rs.
include!(concat!(env!("OUT_DIR"), "/case_tests.rs"));
case_tests_review!(review_cases_one);

#[allow(clippy::single_element_loop)]
fn review_cases_one(path: &std::path::Path) {
    let cats = embedded();
    let mut failures = Vec::new();
    for f in [path] {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = format!(
            "{} ({})",
            f.file_name().unwrap().to_string_lossy(),
            case.description
        );
        let geo = geo::referential(case.geo_vintage).expect("vintage");
        let territory: TerritoryKey = case.territory.parse().expect("territory");
        let sources: Vec<Source> = case
            .files
            .iter()
            .map(|f| Source {
                id: &f.id,
                conv: &f.convention,
                cat: catalogue(&cats, &f.convention),
            })
            .collect();
        let ids: Vec<&str> = case.files.iter().map(|f| f.id.as_str()).collect();
        let ex = extract(&territory, &sources, geo);
        let r = review(&ex, &sources, geo);
        let mut fail = Vec::new();
        check(&case, &r, &ids, &mut fail);
        for m in fail {
            failures.push(format!("{name}: {m}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn review_cases_are_there() {
    common::case_files("review", 2);
}

/// The fictional région (`data/samples/territoire/`, JSON files only: the others need the
/// formats crate): the organisms with an evaluation in the manifest are reviewed, in a group per
/// evaluation, the others are « non transmise »; an organism without EPCI detail has exactly the
/// missed and justified commitments the generator counted (with EPCI detail, only the
/// département rows are read on the région, so at most as many).
#[test]
fn the_sample_region() {
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/samples/territoire");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let cats = embedded();
    let entries: Vec<&serde_json::Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["format"] == "json")
        .collect();
    let convs: Vec<Convention> = entries
        .iter()
        .map(|f| {
            let v: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(f["file"].as_str().unwrap())).unwrap(),
            )
            .unwrap();
            serde_json::from_value(v["convention"].clone()).unwrap()
        })
        .collect();
    let ids: Vec<String> = entries
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    let sources: Vec<Source> = convs
        .iter()
        .zip(&ids)
        .map(|(c, id)| Source {
            id,
            conv: c,
            cat: catalogue(&cats, c),
        })
        .collect();
    let geo = geo::referential(2026).unwrap();
    let ex = extract(&"region:32".parse().unwrap(), &sources, geo);
    let r = review(&ex, &sources, geo);
    let with: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i]["evaluation"].is_null())
        .collect();
    assert!(with.len() >= 6, "the sample has several evaluations");
    let mut not: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i]["evaluation"].is_null())
        .collect();
    not.sort();
    let mut got = r.not_transmitted.clone();
    got.sort();
    assert_eq!(got, not, "« évaluation non transmise »");
    assert!(r.unreadable.is_empty());
    let evals: Vec<&str> = r.groups.iter().map(|g| g.evaluation.as_str()).collect();
    assert_eq!(evals, ["mi-parcours", "finale"]);
    for &i in &with {
        let e = &entries[i]["evaluation"];
        let g = r
            .groups
            .iter()
            .find(|g| g.evaluation == e["id"].as_str().unwrap())
            .unwrap();
        let o = g
            .organism(i)
            .unwrap_or_else(|| panic!("{} reviewed", ids[i]));
        let (missed, justified) = (
            e["missed"].as_u64().unwrap() as usize,
            e["justified"].as_u64().unwrap() as usize,
        );
        let years = e["years"].as_array().unwrap();
        assert_eq!(
            o.years,
            Some((
                years[0].as_i64().unwrap() as i32,
                years[1].as_i64().unwrap() as i32
            ))
        );
        if entries[i]["epci_detail"].as_array().unwrap().is_empty() {
            assert_eq!(
                (o.missed.missed, o.missed.justified),
                (missed, justified),
                "{}",
                ids[i]
            );
        } else {
            assert!(o.missed.missed <= missed && o.missed.justified <= justified);
            assert!(o.missed.missed > 0, "{}", ids[i]);
        }
    }
    // PP-1 of the mid-term group: one total per evaluated window (the sample's CUS were signed
    // in 2019 and 2020), every organism at the région's level, each in the total of its window.
    let g = &r.groups[0];
    let pp1 = g.indicators.iter().find(|i| i.code == "PP-1").unwrap();
    let totals: Vec<_> = pp1
        .totals
        .iter()
        .filter(|t| t.split.key() == "total")
        .collect();
    let windows: Vec<_> = totals.iter().map(|t| t.years).collect();
    assert_eq!(windows, [Some((2019, 2021)), Some((2020, 2022))]);
    for total in &totals {
        assert!(total.left_out.is_empty());
        let sum: f64 = pp1
            .lines
            .iter()
            .filter(|l| {
                l.split.key() == "total" && g.organism(l.source).unwrap().years == total.years
            })
            .map(|l| l.committed.unwrap())
            .sum();
        assert_eq!(sum, total.committed);
    }
    assert!(totals.iter().map(|t| t.counted.len()).sum::<usize>() >= 6);
    assert!(g.missed.unjustified() > 0 && g.missed.exterieur_total() > 0 && g.missed.organisme > 0);
}
