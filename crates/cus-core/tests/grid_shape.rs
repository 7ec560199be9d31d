//! Data-driven cases for `GridShape`: each file of `tests/cases/grid_shape/` holds a convention,
//! an indicator and the expected rows, splits and periods (by key), some cells at (row, column)
//! with their canonical keys, and keys that name no cell of the grid. Every case also checks
//! that the column order is period-major, that `key` and `locate` are inverse over the whole
//! grid, and that the grid holds exactly the cells `Convention::cells` lists for the indicator.

mod common;

use std::collections::BTreeSet;

use cus_core::catalogue::{embedded, latest};
use cus_core::convention::{Cell, Convention, GridShape, Value};
use cus_core::geo;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    description: String,
    catalogue: String,
    indicator: String,
    convention: Convention,
    rows: Vec<String>,
    splits: Vec<String>,
    periods: Vec<String>,
    /// (row, column, canonical key).
    cells: Vec<(usize, usize, String)>,
    /// Keys that name no cell of this grid.
    outside: Vec<String>,
}

fn check(case: &Case) -> Result<(), String> {
    let cats = embedded();
    let cat = latest(&cats, &case.catalogue).ok_or("unknown catalogue")?;
    let ind = cat.indicator(&case.indicator).ok_or("unknown indicator")?;
    let conv = &case.convention;
    let geo = geo::referential(2026);
    let shape = GridShape::new(conv, ind, geo);

    let eq = |what: &str, got: &[String], want: &[String]| {
        (got == want)
            .then_some(())
            .ok_or(format!("{what}: got {got:?}, want {want:?}"))
    };
    eq("rows", &shape.row_keys, &case.rows)?;
    eq("splits", &shape.split_keys, &case.splits)?;
    eq("periods", &shape.period_keys, &case.periods)?;
    if shape.n_cols() != case.splits.len() * case.periods.len() {
        return Err(format!("n_cols {}", shape.n_cols()));
    }

    for (r, c, want) in &case.cells {
        let got = shape.key_at(*r, *c);
        if got.as_deref() != Some(want.as_str()) {
            return Err(format!("key_at({r}, {c}) = {got:?}, want {want}"));
        }
    }
    for k in &case.outside {
        if let Some(at) = shape.locate(k) {
            return Err(format!("{k:?} located at {at:?}, outside expected"));
        }
    }

    // Period-major columns, key and locate inverse over the whole grid.
    let columns: Vec<(usize, usize)> = shape.columns().collect();
    if columns.len() != shape.n_cols() {
        return Err(format!("{} columns listed", columns.len()));
    }
    for (c, &(s, p)) in columns.iter().enumerate() {
        if shape.col(s, p) != c || shape.split_period(c) != Some((s, p)) {
            return Err(format!("column {c} is (split {s}, period {p})"));
        }
        if c > 0 && columns[c - 1].1 > p {
            return Err(format!("column {c}: periods not in order"));
        }
    }
    if shape.split_period(shape.n_cols()).is_some()
        || shape.key_at(shape.n_rows(), 0).is_some()
        || shape.key_at(0, shape.n_cols()).is_some()
    {
        return Err("a position outside the grid has a key".into());
    }
    let mut keys = BTreeSet::new();
    for r in 0..shape.n_rows() {
        for (s, p) in shape.columns() {
            let k = shape.key(r, s, p);
            if !k.ends_with(&format!(
                "|{}|{}",
                shape.row_keys[r],
                shape.column_key(s, p)
            )) {
                return Err(format!("{k}: column key {}", shape.column_key(s, p)));
            }
            if shape.locate(&k) != Some((r, s, p)) {
                return Err(format!("locate({k}) = {:?}", shape.locate(&k)));
            }
            if shape.cell(r, s, p).key() != k
                || Cell::parse_key(&k).map(|c| c.key()) != Some(k.clone())
            {
                return Err(format!("{k}: not the key of its cell"));
            }
            keys.insert(k);
        }
    }
    let listed: BTreeSet<String> = conv
        .cells(cat, geo)
        .iter()
        .filter(|c| c.indicator == ind.code)
        .map(Cell::key)
        .filter(|k| !k.contains("segment:S|"))
        .collect();
    if keys != listed {
        return Err(format!(
            "cells differ from Convention::cells: only in the shape {:?}, only in cells {:?}",
            keys.difference(&listed).collect::<Vec<_>>(),
            listed.difference(&keys).collect::<Vec<_>>()
        ));
    }
    Ok(())
}

#[test]
fn grid_shape_cases() {
    let files = common::case_files("grid_shape", 4);
    let mut failures = Vec::new();
    for f in &files {
        let case: Case = serde_json::from_str(&std::fs::read_to_string(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        if let Err(e) = check(&case) {
            failures.push(format!("{} ({}): {e}", f.display(), case.description));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The shape the rule engine works on is the one every view uses: the orphan rule flags exactly
/// the stored keys `GridShape::locate` does not place, on a sample convention.
#[test]
fn rule_engine_and_shape_agree_on_the_cells() {
    let cats = embedded();
    for sample in cus_core::samples::SAMPLES {
        let mut conv = sample.convention().expect("sample convention");
        let cat = latest(&cats, &conv.catalogue.id).expect("catalogue of the sample");
        let geo = conv.referential();
        let shapes: Vec<GridShape> = cat
            .indicators
            .iter()
            .filter(|i| conv.uses(i))
            .map(|i| GridShape::new(&conv, i, geo))
            .collect();
        // One value outside every grid, one in each grid.
        conv.values
            .insert("PP-1|departement:00|total|ref".into(), Value::Number(1.0));
        for shape in &shapes {
            if shape.n_rows() > 0 && shape.n_cols() > 0 {
                let k = shape.key(shape.n_rows() - 1, 0, shape.periods.len() - 1);
                conv.values.insert(k, Value::Number(1.0));
            }
        }
        let orphans: BTreeSet<String> = cus_core::rules::validate(&conv, cat, geo)
            .into_iter()
            .filter(|d| d.code == cus_core::rules::codes::VALUE_ORPHAN)
            .filter_map(|d| d.location.cell)
            .collect();
        let unplaced: BTreeSet<String> = conv
            .values
            .keys()
            .filter(|k| !shapes.iter().any(|s| s.locate(k).is_some()))
            .cloned()
            .collect();
        assert!(unplaced.contains("PP-1|departement:00|total|ref"));
        assert_eq!(orphans, unplaced, "sample {}", sample.id);
    }
}
