//! Data-driven cases for the organism-level table (`calc::organism_table`): each file of
//! `tests/cases/organism/` holds a convention and figures expected in its table (by indicator,
//! split label and period label: the value, `null` when not consolidated, with words its
//! explanation must hold).

use cus_core::calc::organism_table;
use cus_core::catalogue::embedded;
use cus_core::convention::Convention;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    code: String,
    split: String,
    period: String,
    value: Option<f64>,
    #[serde(default)]
    percent: bool,
    how: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    convention: Convention,
    expect: Vec<Expected>,
    /// Figures implied in the other unit (`calc::derived`), by the key of the cell typed.
    #[serde(default)]
    derived: Vec<ExpectedDerived>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDerived {
    key: String,
    derived: String,
    formula: String,
}

#[test]
fn organism_table_cases() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/organism");
    let cats = embedded();
    let mut n = 0;
    let mut failures = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    files.sort_by_key(|f| f.path());
    for f in files {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(f.path()).unwrap())
            .unwrap_or_else(|e| panic!("{:?}: {e}", f.path()));
        let conv = &case.convention;
        let cat = cus_core::catalogue::lookup(&cats, &conv.catalogue.id, &conv.catalogue.version)
            .expect("catalogue");
        let view = conv.view(cat);
        let table = organism_table(conv, &view, conv.referential());
        for e in &case.expect {
            n += 1;
            let line = table
                .iter()
                .find(|l| l.code == e.code && l.split_fr == e.split);
            let cell = line.and_then(|l| {
                let i = l.period_labels.iter().position(|p| *p == e.period)?;
                l.cells.get(i)
            });
            let Some(cell) = cell else {
                failures.push(format!(
                    "{}: no cell {} / {} / {}",
                    case.description, e.code, e.split, e.period
                ));
                continue;
            };
            let same = match (cell.value, e.value) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            let how_ok = e
                .how
                .as_ref()
                .is_none_or(|h| cell.how_fr.contains(h.as_str()));
            if !same || (e.value.is_some() && cell.percent != e.percent) || !how_ok {
                failures.push(format!(
                    "{} / {} / {}: got {:?} (percent {}) « {} », expected {:?} (percent {}) {:?}",
                    e.code,
                    e.split,
                    e.period,
                    cell.value,
                    cell.percent,
                    cell.how_fr,
                    e.value,
                    e.percent,
                    e.how
                ));
            }
        }
        for e in &case.derived {
            n += 1;
            let code = cus_core::convention::key::indicator_of(&e.key);
            let Some(ind) = view.indicator(code) else {
                failures.push(format!("{}: no indicator {code}", case.description));
                continue;
            };
            let got = cus_core::calc::derived(conv, ind, conv.referential());
            match got.iter().find(|d| d.key == e.key) {
                Some(d)
                    if plain(&d.derived_fr) == e.derived && plain(&d.formula_fr) == e.formula => {}
                other => failures.push(format!(
                    "{}: derived {:?}, expected « {} » « {} »",
                    e.key, other, e.derived, e.formula
                )),
            }
        }
    }
    assert!(n > 0, "no case read");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// French numbers use no-break spaces; the cases are written with plain ones.
fn plain(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}
