//! Data-driven cases for `cus_core::evaluation::report`: the years asked per indicator, the
//! achievement cumulated to date, the per-year series of the report's chart, and the cells an
//! avenant changed. Every expected figure is computed by hand in the comments.

use cus_core::catalogue::{embedded, Catalogue, EvaluationPeriod};
use cus_core::convention::{Convention, SplitKey, TerritoryKey, Value, Values};
use cus_core::evaluation::report::{
    changed_cells, changed_count, input_years, series, to_date, YearPoint,
};
use cus_core::evaluation::Achievements;

fn cat(cats: &[Catalogue]) -> &Catalogue {
    cats.iter()
        .find(|c| c.is("cus2-logements-locatifs", "2026.11.0"))
        .expect("embedded catalogue")
}

fn period(cat: &Catalogue, id: &str, first: u8, last: u8) -> EvaluationPeriod {
    let mut p = cat
        .evaluations
        .iter()
        .find(|e| e.id == id)
        .expect("evaluation")
        .clone();
    p.first_year = first;
    p.last_year = last;
    p
}

/// Two départements; PP-1 (counts, committed cumulated at 3 and 6 years) and PS-2 (a
/// percentage committed per year).
fn convention(departements: &[&str], values: &str) -> Convention {
    let deps: Vec<String> = departements.iter().map(|d| format!("\"{d}\"")).collect();
    serde_json::from_str(&format!(
        r#"{{
        "organisme": {{"raison_sociale": "Org A (fictif)", "siren": "130005481"}},
        "catalogue": {{"id": "cus2-logements-locatifs", "version": "2026.11.0"}},
        "signing_year": 2020, "geo_vintage": 2026,
        "departements": [{}], "epci": [], "segmentation": {{}},
        "values": {values}
    }}"#,
        deps.join(",")
    ))
    .expect("convention")
}

fn achievements(json: &str) -> Achievements {
    serde_json::from_str(json).expect("achievements")
}

fn point(
    year: u8,
    committed: Option<f64>,
    achieved: Option<f64>,
    achieved_rows: usize,
    committed_to_date: Option<f64>,
    achieved_to_date: Option<f64>,
) -> YearPoint {
    YearPoint {
        year,
        committed,
        achieved,
        achieved_rows,
        committed_to_date,
        achieved_to_date,
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9 * (1.0 + b.abs()),
        (None, None) => true,
        _ => false,
    }
}

fn assert_points(got: &[YearPoint], want: &[YearPoint], case: &str) {
    assert_eq!(got.len(), want.len(), "{case}: {got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.year == w.year
                && g.achieved_rows == w.achieved_rows
                && close(g.committed, w.committed)
                && close(g.achieved, w.achieved)
                && close(g.committed_to_date, w.committed_to_date)
                && close(g.achieved_to_date, w.achieved_to_date),
            "{case}: year {}: got {g:?}, want {w:?}",
            w.year
        );
    }
}

#[test]
fn years_asked_per_indicator() {
    let cats = embedded();
    let c = cat(&cats);
    let pp1 = c.indicator("PP-1").unwrap(); // cumulated at 3 and 6 years
    let ps2 = c.indicator("PS-2").unwrap(); // per year
                                            // (indicator, evaluation years, years asked)
    let cases: [(&cus_core::catalogue::Indicator, u8, u8, Vec<u8>); 6] = [
        // A cumulative at 3 inside 1-3: years 1 to 3.
        (pp1, 1, 3, vec![1, 2, 3]),
        // A cumulative at 3 inside 3-4: years 1 to 4 (the cumulative needs years 1 and 2).
        (pp1, 3, 4, vec![1, 2, 3, 4]),
        // No cumulative inside 4-5: only its years.
        (pp1, 4, 5, vec![4, 5]),
        (ps2, 3, 4, vec![3, 4]),
        (ps2, 1, 6, vec![1, 2, 3, 4, 5, 6]),
        (pp1, 1, 6, vec![1, 2, 3, 4, 5, 6]),
    ];
    for (ind, first, last, want) in cases {
        let p = period(c, "mi-parcours", first, last);
        assert_eq!(input_years(ind, &p), want, "{} {first}-{last}", ind.code);
    }
}

#[test]
fn achievement_to_date() {
    let cats = embedded();
    let c = cat(&cats);
    let ach = achievements(
        r#"{"evaluation": "mi-parcours",
        "values": {
            "PP-1|departement:59|total|a1": 8, "PP-1|departement:59|total|a2": 12,
            "PP-1|departement:59|total|a3": 4,
            "PP-1|departement:62|total|a1": 2, "PP-1|departement:62|total|a3": 3
        },
        "terms": {
            "PS-2|departement:59|valeur|a1": {"numerator": 30, "denominator": 100},
            "PS-2|departement:59|valeur|a2": {"numerator": 45, "denominator": 90},
            "PS-2|departement:62|valeur|a1": {"numerator": 0, "denominator": 0},
            "PS-2|departement:80|valeur|a1": {"numerator": 5}
        }}"#,
    );
    let total = SplitKey {
        members: vec![None],
        part: None,
    };
    let valeur = SplitKey {
        members: vec![],
        part: None,
    };
    let d = |s: &str| TerritoryKey::Departement(s.into());
    let pp1 = c.indicator("PP-1").unwrap();
    let ps2 = c.indicator("PS-2").unwrap();

    // 8 + 12 + 4 = 24, from the three cells.
    let t = to_date(pp1, &ach, &d("59"), &total, 3).unwrap();
    assert_eq!((t.through, t.value), (3, 24.0));
    assert_eq!(t.formula_fr, "Années 1 à 3 : 8 + 12 + 4 = 24");
    assert_eq!(
        t.cells,
        [
            "PP-1|departement:59|total|a1",
            "PP-1|departement:59|total|a2",
            "PP-1|departement:59|total|a3"
        ]
    );
    // Stopped at the last year asked: 8 + 12 = 20.
    let t = to_date(pp1, &ach, &d("59"), &total, 2).unwrap();
    assert_eq!((t.through, t.value), (2, 20.0));
    // Year 2 missing in the 62: only year 1 (2), year 3 is not added over the gap.
    let t = to_date(pp1, &ach, &d("62"), &total, 3).unwrap();
    assert_eq!((t.through, t.value), (1, 2.0));
    assert_eq!(t.formula_fr, "Année 1 : 2");
    // Nothing entered.
    assert_eq!(to_date(pp1, &ach, &d("80"), &total, 3), None);
    // Percentage: (30 + 45) ÷ (100 + 90) = 75 ÷ 190 = 39,47… %.
    let t = to_date(ps2, &ach, &d("59"), &valeur, 3).unwrap();
    assert_eq!(t.through, 2);
    assert!((t.value - 7500.0 / 190.0).abs() < 1e-9);
    assert_eq!(
        t.formula_fr,
        "Années 1 à 2 : numérateurs 75 ÷ dénominateurs 190 = 39,5 %"
    );
    // A zero denominator gives no percentage; a term missing stops the cumulative.
    assert_eq!(to_date(ps2, &ach, &d("62"), &valeur, 3), None);
    assert_eq!(to_date(ps2, &ach, &d("80"), &valeur, 3), None);
}

#[test]
fn yearly_series_of_an_indicator() {
    let cats = embedded();
    let c = cat(&cats);
    let p = period(c, "mi-parcours", 1, 3);
    let ach = achievements(
        r#"{"evaluation": "mi-parcours",
        "values": {
            "PP-1|departement:59|total|a1": 8, "PP-1|departement:59|total|a2": 12,
            "PP-1|departement:59|total|a3": 4,
            "PP-1|departement:62|total|a1": 2, "PP-1|departement:62|total|a2": 3,
            "PP-1|departement:59|PLAI|a1": 100
        },
        "terms": {
            "PS-2|departement:59|valeur|a1": {"numerator": 30, "denominator": 100},
            "PS-2|departement:59|valeur|a2": {"numerator": 45, "denominator": 90},
            "PS-2|departement:62|valeur|a1": {"numerator": 10, "denominator": 60}
        }}"#,
    );
    let values = r#"{
        "PP-1|departement:59|total|c3": 30, "PP-1|departement:62|total|c3": 10,
        "PP-1|departement:59|total|c6": 60, "PP-1|departement:62|total|c6": 20,
        "PP-1|departement:59|PLAI|c3": 999,
        "PS-2|departement:59|valeur|a1": 40, "PS-2|departement:59|valeur|a2": 45,
        "PS-2|departement:59|valeur|a3": 50,
        "PS-2|departement:62|valeur|a1": 20
    }"#;
    let two = convention(&["59", "62"], values);
    let one = convention(&["59"], values);
    let geo = two.referential();
    let pp1 = c.indicator("PP-1").unwrap();
    let ps2 = c.indicator("PS-2").unwrap();

    // PP-1, total split only (the PLAI figures are left out), the two départements added:
    // year 1: 8 + 2 = 10; year 2: 12 + 3 = 15, to date 25; year 3: the 59 only (1 row of 2), so
    // no figure for the year nor to date (never 29 set against the 40 of both); committed at
    // 3 years 30 + 10 = 40. No yearly commitment.
    let s = series(&two, pp1, geo, &ach, &p).unwrap();
    assert!(!s.percentage);
    assert_eq!(s.rows, 2);
    assert_points(
        &s.points,
        &[
            point(1, None, Some(10.0), 2, None, Some(10.0)),
            point(2, None, Some(15.0), 2, None, Some(25.0)),
            point(3, None, None, 1, Some(40.0), None),
        ],
        "PP-1, two départements",
    );

    // PS-2 in one département: committed 40, 45, 50 per year (never added up: percentages);
    // achieved 30 ÷ 100 = 30 %, 45 ÷ 90 = 50 %, to date 75 ÷ 190; year 3 not entered.
    let s = series(&one, ps2, geo, &ach, &p).unwrap();
    assert!(s.percentage);
    assert_points(
        &s.points,
        &[
            point(1, Some(40.0), Some(30.0), 1, None, Some(30.0)),
            point(2, Some(45.0), Some(50.0), 1, None, Some(7500.0 / 190.0)),
            point(3, Some(50.0), None, 0, None, None),
        ],
        "PS-2, one département",
    );

    // PS-2 in two départements: no commitment (percentages of two territories are not added);
    // achieved year 1: (30 + 10) ÷ (100 + 60) = 25 %; year 2: the 59 only (1 row of 2), so no
    // figure for the year nor to date.
    let s = series(&two, ps2, geo, &ach, &p).unwrap();
    assert_points(
        &s.points,
        &[
            point(1, None, Some(25.0), 2, None, Some(25.0)),
            point(2, None, None, 1, None, None),
            point(3, None, None, 0, None, None),
        ],
        "PS-2, two départements",
    );

    // An amount per dwelling (G-1) is not added up: no series.
    assert_eq!(
        series(&two, c.indicator("G-1").unwrap(), geo, &ach, &p),
        None
    );
}

#[test]
fn cells_changed_by_an_avenant() {
    let values = |pairs: &[(&str, f64)]| -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Number(*v)))
            .collect()
    };
    let older = values(&[
        ("PP-1|departement:59|total|c3", 30.0),
        ("PP-1|departement:59|total|c6", 60.0),
        ("PP-1|departement:62|total|c3", 10.0),
        ("PS-2|departement:59|valeur|a1", 40.0),
    ]);
    let newer = values(&[
        // unchanged
        ("PP-1|departement:59|total|c3", 30.0),
        // changed
        ("PP-1|departement:59|total|c6", 66.0),
        // added
        ("PP-1|departement:80|total|c3", 5.0),
        // unchanged
        ("PS-2|departement:59|valeur|a1", 40.0),
        // the 62 removed
    ]);
    let got = changed_cells(&older, &newer);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got["PP-1"],
        [
            "PP-1|departement:59|total|c6",
            "PP-1|departement:62|total|c3",
            "PP-1|departement:80|total|c3"
        ]
    );
    assert_eq!(changed_count(&older, &newer), 3);
    assert_eq!(changed_count(&older, &older), 0);
    // A number written as text is a change too.
    let mut text = older.clone();
    text.insert(
        "PS-2|departement:59|valeur|a1".into(),
        Value::Text("40".into()),
    );
    assert_eq!(
        changed_cells(&older, &text).get("PS-2").map(Vec::len),
        Some(1)
    );
}

/// The chart's commitments are those of the version in force each year, as the bilan's lines
/// (evaluation case 13): a CUS signed in 2019, an avenant signed on 2024-03-15 changing PP-2 for
/// 2022-2024; 2022 and 2023 keep the initial 20 % and 25 %, 2024 takes the avenant's 22 %.
#[test]
fn the_chart_reads_each_year_from_the_version_in_force() {
    let cats = embedded();
    let cat = cat(&cats);
    let case: serde_json::Value = serde_json::from_str(include_str!(
        "cases/evaluation/13-avenant-applies-from-its-year.json"
    ))
    .unwrap();
    let conv: Convention = serde_json::from_value(case["convention"].clone()).unwrap();
    let ind = cat.indicator("PP-2").unwrap();
    let p = cat.evaluations.iter().find(|e| e.id == "finale").unwrap();
    let s = series(&conv, ind, conv.referential(), &conv.achievements, p).expect("a series");
    let committed: Vec<(u8, Option<f64>)> = s
        .points
        .iter()
        .filter(|x| x.year >= 4)
        .map(|x| (x.year, x.committed))
        .collect();
    assert_eq!(
        committed,
        [(4, Some(20.0)), (5, Some(25.0)), (6, Some(22.0))]
    );
}
