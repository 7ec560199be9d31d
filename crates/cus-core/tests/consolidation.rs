//! Data-driven cases for « Simuler sur mon territoire »: each file of
//! `tests/cases/consolidation/` holds a territory, small conventions, split keys, a scenario and
//! objectives, and the tables expected (rows at the level, « non ventilé » rows, totals with their
//! counts of empty cells, statistics of percentages, comparisons with objectives, the regional
//! compilation). Every expected figure was computed by hand from the case's values.

mod common;

use std::collections::BTreeMap;

use cus_core::catalogue::{embedded, Catalogue};
use cus_core::consolidation::{
    compile, consolidate, extract, Consolidated, Objective, Scenario, Source,
};
use cus_core::convention::{Convention, TerritoryKey};
use cus_core::geo;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: String,
    convention: Convention,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExpTotal {
    value: Option<f64>,
    #[serde(default)]
    empty: usize,
    #[serde(default)]
    unventilated: usize,
    #[serde(default)]
    estimated: f64,
    #[serde(default)]
    invalid: usize,
    /// The explanation, word for word, when given.
    formula: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpStats {
    n: usize,
    min: f64,
    median: f64,
    max: f64,
    #[serde(default)]
    empty: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpComparison {
    column: String,
    committed: Option<f64>,
    gap: Option<f64>,
    coverage: Option<f64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExpTable {
    rows: Option<Vec<String>>,
    unventilated: Option<Vec<String>>,
    not_retained: Option<Vec<String>>,
    #[serde(default)]
    totals: BTreeMap<String, ExpTotal>,
    #[serde(default)]
    stats: BTreeMap<String, Option<ExpStats>>,
    /// Row id → column → value after the scenario (null: empty).
    #[serde(default)]
    cells: BTreeMap<String, BTreeMap<String, Option<f64>>>,
    /// Row id → column → the cells of the file read.
    #[serde(default)]
    cells_used: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    comparisons: Vec<ExpComparison>,
    /// « organism : reason » of the files set apart on this indicator (another definition).
    set_apart: Option<Vec<String>>,
    /// A text the calendar note of the table holds (conventions signed in different years).
    calendar_note: Option<String>,
    /// Split → [year, objective, committed, cumulated objective, cumulated committed].
    #[serde(default)]
    #[allow(clippy::type_complexity)]
    years: BTreeMap<String, Vec<(i32, Option<f64>, Option<f64>, f64, f64)>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpGroup {
    files: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    left_out: Vec<String>,
}

/// Organism, [sub-territory, value]…, total, not detailed.
type OrgSubRow = (String, Vec<(String, f64)>, Option<f64>, f64);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpCompilation {
    total: Option<f64>,
    yearly_average: Option<f64>,
    plai_share: Option<f64>,
    /// [min, median, max] of the PLAI share per organism.
    plai_by_organism: Option<[f64; 3]>,
    /// [min, median, max] of the development in percent of the stock.
    development: Option<[f64; 3]>,
    #[serde(default)]
    without_stock: Vec<String>,
    /// [label, value, share %].
    #[serde(default)]
    sub_territories: Vec<(String, f64, f64)>,
    /// The part of the total no sub-territory holds.
    sub_undetailed: Option<f64>,
    #[serde(default)]
    levels: Vec<(String, String, bool)>,
    /// Organism → [sub-territory, value]…, total, not detailed: the table of new supply per
    /// organism × sub-territory, with names.
    #[serde(default)]
    by_organism_sub: Vec<OrgSubRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    groups: Option<Vec<ExpGroup>>,
    #[serde(default)]
    tables: BTreeMap<String, ExpTable>,
    #[serde(default)]
    no_table: Vec<String>,
    #[serde(default)]
    compilation: BTreeMap<String, ExpCompilation>,
    #[serde(default)]
    unmatched: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    territory: String,
    geo_vintage: u16,
    files: Vec<File>,
    #[serde(default)]
    split_keys: BTreeMap<String, f64>,
    #[serde(default)]
    scenario: Option<Scenario>,
    #[serde(default)]
    objectives: Vec<Objective>,
    expect: Expect,
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * (1.0 + b.abs())
}

fn close_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn catalogue<'a>(cats: &'a [Catalogue], conv: &Convention) -> &'a Catalogue {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version).unwrap_or_else(
        || {
            panic!(
                "no embedded catalogue {} {}",
                conv.catalogue.id, conv.catalogue.version
            )
        },
    )
}

fn check(case: &Case, cats: &[Catalogue], fails: &mut Vec<String>) {
    let geo = geo::referential(case.geo_vintage).expect("vintage");
    let territory: TerritoryKey = case.territory.parse().expect("territory");
    cus_core::consolidation::check_territory(&territory, geo).expect("known territory");
    let sources: Vec<Source> = case
        .files
        .iter()
        .map(|f| Source {
            id: &f.id,
            conv: &f.convention,
            cat: catalogue(cats, &f.convention),
        })
        .collect();
    let ex = extract(&territory, &sources, geo);
    let cons: Consolidated = consolidate(
        &ex,
        &sources,
        geo,
        &case.split_keys,
        case.scenario.as_ref(),
        &case.objectives,
    );
    let mut fail = |m: String| fails.push(m);
    let ids =
        |v: &[usize]| -> Vec<String> { v.iter().map(|&i| case.files[i].id.clone()).collect() };
    if let Some(groups) = &case.expect.groups {
        if groups.len() != ex.groups.len() {
            fail(format!(
                "{} groups, expected {}",
                ex.groups.len(),
                groups.len()
            ));
        }
        for (g, e) in ex.groups.iter().zip(groups) {
            if ids(&g.sources) != e.files {
                fail(format!(
                    "group files {:?}, expected {:?}",
                    ids(&g.sources),
                    e.files
                ));
            }
            if ids(&g.absent) != e.absent {
                fail(format!(
                    "absent {:?}, expected {:?}",
                    ids(&g.absent),
                    e.absent
                ));
            }
            let lo: Vec<String> = g.left_out.iter().map(|l| l.code.clone()).collect();
            if lo != e.left_out {
                fail(format!("left out {lo:?}, expected {:?}", e.left_out));
            }
            for l in &g.left_out {
                if !l.reason_fr.starts_with("Écarté : ") {
                    fail(format!("reason of {}: {}", l.code, l.reason_fr));
                }
            }
        }
    }
    for code in &case.expect.no_table {
        if cons.table(code).is_some() {
            fail(format!("{code}: a table, expected none"));
        }
    }
    for (code, e) in &case.expect.tables {
        let Some(t) = cons.table(code) else {
            fail(format!("{code}: no table"));
            continue;
        };
        let row_ids: Vec<String> = t.rows.iter().map(|r| r.id.clone()).collect();
        if let Some(rows) = &e.rows {
            if &row_ids != rows {
                fail(format!("{code}: rows {row_ids:?}, expected {rows:?}"));
            }
        }
        let unv: Vec<String> = t.unventilated.iter().map(|r| r.id.clone()).collect();
        if let Some(u) = &e.unventilated {
            if &unv != u {
                fail(format!("{code}: non ventilé {unv:?}, expected {u:?}"));
            }
        }
        if let Some(n) = &e.not_retained {
            if &t.not_retained != n {
                fail(format!(
                    "{code}: not retained {:?}, expected {n:?}",
                    t.not_retained
                ));
            }
        }
        if let Some(x) = &e.set_apart {
            let got: Vec<String> = t
                .set_apart
                .iter()
                .map(|(o, r)| format!("{o} : {r}"))
                .collect();
            if &got != x {
                fail(format!("{code}: set apart {got:?}, expected {x:?}"));
            }
        }
        if let Some(x) = &e.calendar_note {
            if !t
                .calendar_note_fr
                .as_ref()
                .is_some_and(|n| n.contains(x.as_str()))
            {
                fail(format!(
                    "{code}: calendar note {:?}, expected {x:?}",
                    t.calendar_note_fr
                ));
            }
        }
        for (col, et) in &e.totals {
            let Some(c) = t.column(col) else {
                fail(format!("{code}: no column {col}"));
                continue;
            };
            let tt = &t.totals[c];
            if !t.additive {
                fail(format!("{code}: not additive, no total expected"));
            }
            if !close_opt(tt.value(), et.value)
                || tt.empty != et.empty
                || tt.unventilated != et.unventilated
                || !close(tt.estimated, et.estimated)
                || tt.invalid != et.invalid
            {
                fail(format!(
                    "{code} {col}: total {:?} (empty {}, non ventilé {}, estimated {}, invalid {}), expected {:?} ({}, {}, {}, {}) — {}",
                    tt.value(), tt.empty, tt.unventilated, tt.estimated, tt.invalid,
                    et.value, et.empty, et.unventilated, et.estimated, et.invalid, tt.formula_fr()
                ));
            }
            if let Some(f) = &et.formula {
                if &tt.formula_fr() != f {
                    fail(format!(
                        "{code} {col}: formula « {} », expected « {f} »",
                        tt.formula_fr()
                    ));
                }
            }
            if !tt.formula_fr().contains("Somme") && tt.filled > 0 {
                fail(format!("{code} {col}: formula {}", tt.formula_fr()));
            }
        }
        for (col, es) in &e.stats {
            let Some(c) = t.column(col) else {
                fail(format!("{code}: no column {col}"));
                continue;
            };
            match (&t.stats[c], es) {
                (None, None) => {}
                (Some(s), Some(x))
                    if s.n == x.n
                        && close(s.min, x.min)
                        && close(s.median, x.median)
                        && close(s.max, x.max)
                        && s.empty == x.empty => {}
                (got, _) => fail(format!("{code} {col}: stats {got:?}")),
            }
        }
        for (id, cols) in &e.cells {
            let Some(r) = t.rows.iter().chain(&t.unventilated).find(|r| &r.id == id) else {
                fail(format!("{code}: no row {id}"));
                continue;
            };
            for (col, v) in cols {
                let c = t.column(col).expect("column");
                if !close_opt(r.values[c], *v) {
                    fail(format!(
                        "{code} {id} {col}: {:?}, expected {v:?}",
                        r.values[c]
                    ));
                }
            }
        }
        for (id, cols) in &e.cells_used {
            let Some(r) = t.rows.iter().chain(&t.unventilated).find(|r| &r.id == id) else {
                fail(format!("{code}: no row {id}"));
                continue;
            };
            for (col, keys) in cols {
                let got = t.cells_of(r, t.column(col).expect("column"));
                if &got != keys {
                    fail(format!(
                        "{code} {id} {col}: cells {got:?}, expected {keys:?}"
                    ));
                }
            }
        }
        if t.comparisons.len() != e.comparisons.len() {
            fail(format!(
                "{code}: {} comparisons, expected {}",
                t.comparisons.len(),
                e.comparisons.len()
            ));
        }
        for (got, x) in t.comparisons.iter().zip(&e.comparisons) {
            let col = format!("{}|{}", got.objective.split, got.objective.period);
            if col != x.column
                || !close_opt(got.committed, x.committed)
                || !close_opt(got.gap, x.gap)
                || !close_opt(got.coverage, x.coverage)
            {
                fail(format!(
                    "{code}: comparison {col} {:?} gap {:?} coverage {:?} — {}",
                    got.committed, got.gap, got.coverage, got.text_fr
                ));
            }
        }
        for (split, lines) in &e.years {
            let Some((_, got)) = t.years.iter().find(|(s, _)| s == split) else {
                fail(format!("{code}: no yearly lines for {split}"));
                continue;
            };
            let g: Vec<_> = got
                .iter()
                .map(|l| {
                    (
                        l.year,
                        l.objective,
                        l.committed,
                        l.cumulated_objective,
                        l.cumulated_committed,
                    )
                })
                .collect();
            let same = g.len() == lines.len()
                && g.iter().zip(lines).all(|(a, b)| {
                    a.0 == b.0
                        && close_opt(a.1, b.1)
                        && close_opt(a.2, b.2)
                        && close(a.3, b.3)
                        && close(a.4, b.4)
                });
            if !same {
                fail(format!("{code} {split}: years {g:?}, expected {lines:?}"));
            }
        }
    }
    if cons.unmatched.len() != case.expect.unmatched {
        fail(format!(
            "unmatched changes {:?}, expected {}",
            cons.unmatched, case.expect.unmatched
        ));
    }
    let comp = compile(&ex, &cons, &sources, geo);
    for (code, e) in &case.expect.compilation {
        let Some(c) = comp.iter().find(|c| &c.code == code) else {
            fail(format!("compilation {code}: none"));
            continue;
        };
        let triple = |d: &cus_core::consolidation::Distribution| {
            d.stats.as_ref().map(|s| [s.min, s.median, s.max])
        };
        let same3 = |a: Option<[f64; 3]>, b: Option<[f64; 3]>| match (a, b) {
            (Some(a), Some(b)) => a.iter().zip(b).all(|(x, y)| close(*x, y)),
            (None, None) => true,
            _ => false,
        };
        if !close_opt(c.total, e.total)
            || !close_opt(c.yearly_average, e.yearly_average)
            || !close_opt(c.plai_share.as_ref().map(|p| p.0), e.plai_share)
            || !same3(triple(&c.plai_share_by_organism), e.plai_by_organism)
            || !same3(triple(&c.development_by_organism), e.development)
            || c.without_stock != e.without_stock
        {
            fail(format!(
                "compilation {code}: total {:?} average {:?} PLAI {:?} by organism {:?} development {:?} without stock {:?}",
                c.total, c.yearly_average, c.plai_share, triple(&c.plai_share_by_organism),
                triple(&c.development_by_organism), c.without_stock
            ));
        }
        let subs: Vec<(String, f64, f64)> = c
            .sub_territories
            .iter()
            .map(|s| (s.label.clone(), s.value, s.share))
            .collect();
        let same_subs = subs.len() == e.sub_territories.len()
            && subs
                .iter()
                .zip(&e.sub_territories)
                .all(|(a, b)| a.0 == b.0 && close(a.1, b.1) && close(a.2, b.2));
        if !same_subs {
            fail(format!("compilation {code}: sub-territories {subs:?}"));
        }
        if !e.by_organism_sub.is_empty() {
            let got: Vec<OrgSubRow> = c
                .by_organism_sub
                .iter()
                .map(|o| (o.organism.clone(), o.values.clone(), o.total, o.undetailed))
                .collect();
            let same = got.len() == e.by_organism_sub.len()
                && got.iter().zip(&e.by_organism_sub).all(|(a, b)| {
                    a.0 == b.0
                        && close_opt(a.2, b.2)
                        && close(a.3, b.3)
                        && a.1.len() == b.1.len()
                        && a.1
                            .iter()
                            .zip(&b.1)
                            .all(|(x, y)| x.0 == y.0 && close(x.1, y.1))
                });
            if !same {
                fail(format!(
                    "compilation {code}: by organism × sub-territory {got:?}"
                ));
            }
        }
        if e.sub_undetailed
            .is_some_and(|u| !close(c.sub_undetailed, u))
        {
            fail(format!(
                "compilation {code}: not detailed {}",
                c.sub_undetailed
            ));
        }
        if !e.levels.is_empty() {
            let lv: Vec<(String, String, bool)> = c
                .levels
                .iter()
                .map(|l| (l.organism.clone(), l.levels_fr.clone(), l.at_level))
                .collect();
            if lv != e.levels {
                fail(format!("compilation {code}: levels {lv:?}"));
            }
        }
    }
}

// One test per case file (`case_01_epci_exact_and_unventilated`…), generated by build.rs.
include!(concat!(env!("OUT_DIR"), "/case_tests.rs"));
case_tests_consolidation!(consolidation_case);

fn consolidation_case(f: &std::path::Path) {
    let cats = embedded();
    let text = std::fs::read_to_string(f).unwrap();
    let case: Case = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    let mut fails = Vec::new();
    check(&case, &cats, &mut fails);
    assert!(
        fails.is_empty(),
        "{} ({}):\n{}",
        f.file_name().unwrap().to_string_lossy(),
        case.description,
        fails.join("\n")
    );
}

#[test]
fn consolidation_cases_are_there() {
    common::case_files("consolidation", 8);
}

#[test]
fn workspace_round_trip_and_french_errors() {
    use cus_core::consolidation::{duplicates, Workspace, WorkspaceFile};
    let mut w = Workspace::new("PLH 2026");
    w.territory = Some("epci:200093201".parse().unwrap());
    w.geo_vintage = Some(2026);
    for (i, siren) in ["130005481", "130005481", ""].iter().enumerate() {
        let mut conv = Convention::default();
        conv.organisme.siren = siren.to_string();
        conv.catalogue.id = "cus2-logements-locatifs".into();
        w.files.push(WorkspaceFile {
            id: w.next_file_id(),
            file_name: format!("f{i}.json"),
            convention: conv,
            errors: 0,
            warnings: 0,
            excluded: false,
        });
    }
    assert_eq!(duplicates(&w.files), vec![vec![0, 1]]);
    assert_eq!(w.next_file_id(), "f4");
    let back = Workspace::from_json(&w.to_json()).unwrap();
    assert_eq!(back, w);
    let err = Workspace::from_json("{\"format\":\"cus-indicateurs/1\"}").unwrap_err();
    assert!(err.contains("pas un espace de simulation"), "{err}");
    let err = Workspace::from_json("{").unwrap_err();
    assert!(err.contains("JSON lisible"), "{err}");
}

#[test]
fn pasted_objectives_are_read_or_refused_line_by_line() {
    use cus_core::consolidation::parse_objectives;
    let ok = parse_objectives(
        "indicateur;ventilation;période;valeur\nPP-1;PLAI;c6;1 200,5\n\nPP-1\ttotal\tc3\t300\nA.I,total,a1,20\n",
    )
    .unwrap();
    let got: Vec<(String, String, String, f64)> = ok
        .into_iter()
        .map(|o| (o.indicator, o.split, o.period, o.value))
        .collect();
    assert_eq!(
        got,
        vec![
            ("PP-1".into(), "PLAI".into(), "c6".into(), 1200.5),
            ("PP-1".into(), "total".into(), "c3".into(), 300.0),
            ("A.I".into(), "total".into(), "a1".into(), 20.0),
        ]
    );
    let err =
        parse_objectives("PP-1;PLAI;c9;10\nPP-1;PLAI;c6\nPP-1;PLAI;c6;-3\nPP-1;PLAI;c6;douze")
            .unwrap_err();
    assert_eq!(err.len(), 4, "{err:?}");
    assert!(
        err[0].starts_with("Ligne 1 :") && err[0].contains("c9"),
        "{}",
        err[0]
    );
    assert!(
        err[1].starts_with("Ligne 2 :") && err[1].contains("3 champs"),
        "{}",
        err[1]
    );
    assert!(err[2].contains("positif ou nul"), "{}", err[2]);
    assert!(err[3].starts_with("Ligne 4 :"), "{}", err[3]);
}
