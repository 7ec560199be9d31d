//! Data-driven cases for « Évaluer ma CUS » (`cus_core::evaluation`): each file of
//! `tests/cases/evaluation/` holds a convention, its achievements for one evaluation, and the
//! lines (committed, achieved, rate, gap), diagnostics and summaries expected, computed by hand.

mod common;

use cus_core::catalogue::{embedded, Catalogue};
use cus_core::convention::Convention;
use cus_core::evaluation::{check, due, evaluate, summaries, with_version, Achievements};
use cus_core::rules;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpLine {
    cell: String,
    committed: Option<f64>,
    achieved: Option<f64>,
    rate: Option<f64>,
    gap: Option<f64>,
    missed: bool,
    formula: Option<String>,
    /// The version measured against, in words (`Line::version_fr`).
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpSummary {
    indicator: String,
    committed: f64,
    achieved: f64,
    rate: Option<f64>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    #[serde(default)]
    lines: Vec<ExpLine>,
    #[serde(default)]
    absent_lines: Vec<String>,
    /// (code, cell): exactly these diagnostics, in any order.
    diagnostics: Option<Vec<(String, Option<String>)>>,
    #[serde(default)]
    summaries: Vec<ExpSummary>,
    /// Lines against the commitments of `versions[0]` (before an avenant).
    #[serde(default)]
    lines_first_version: Vec<ExpLine>,
    /// (code, cell) of the evaluation diagnostics of `rules::validate` on the convention carrying
    /// its achievements: exactly these.
    validate: Option<Vec<(String, Option<String>)>>,
    /// Lines of the organism-level evaluation (`evaluation::organism_lines`): indicator, split
    /// label and period label, with the figures committed and achieved (`null`: not
    /// consolidated).
    #[serde(default)]
    organism: Vec<ExpOrg>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpOrg {
    code: String,
    split: String,
    period: String,
    committed: Option<f64>,
    achieved: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    /// The evaluation's id (by default the one the achievements name).
    #[serde(default)]
    evaluation: Option<String>,
    convention: Convention,
    /// The achievements (by default those the convention carries).
    #[serde(default)]
    achievements: Option<Achievements>,
    expect: Expect,
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6 * (1.0 + b.abs()),
        (None, None) => true,
        _ => false,
    }
}

fn catalogue<'a>(cats: &'a [Catalogue], conv: &Convention) -> &'a Catalogue {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version)
        .expect("embedded catalogue")
}

fn cell_of(l: &cus_core::evaluation::Line) -> String {
    format!(
        "{}|{}|{}|{}",
        l.indicator,
        l.territory,
        l.split.key(),
        cus_core::convention::period_key(l.period)
    )
}

fn compare_lines(
    name: &str,
    what: &str,
    lines: &[cus_core::evaluation::Line],
    expected: &[ExpLine],
    failures: &mut Vec<String>,
) {
    for e in expected {
        match lines.iter().find(|l| cell_of(l) == e.cell) {
            None => failures.push(format!("{name}: {what}no line {}", e.cell)),
            Some(l) => {
                if !close(l.committed, e.committed)
                    || !close(l.achieved, e.achieved)
                    || !close(l.rate, e.rate)
                    || !close(l.gap, e.gap)
                    || l.missed != e.missed
                    || e.formula.as_ref().is_some_and(|f| &l.formula_fr != f)
                    || e.version.as_ref().is_some_and(|v| &l.version_fr() != v)
                {
                    failures.push(format!(
                        "{name}: {what}{} committed {:?} achieved {:?} rate {:?} gap {:?} missed {} version {} — {}",
                        e.cell, l.committed, l.achieved, l.rate, l.gap, l.missed, l.version_fr(), l.formula_fr
                    ));
                }
            }
        }
    }
}

#[test]
fn evaluation_cases() {
    let cats = embedded();
    let mut failures = Vec::new();
    for f in common::case_files("evaluation", 6) {
        let mut case: Case = serde_json::from_str(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let achievements = case
            .achievements
            .take()
            .unwrap_or_else(|| case.convention.achievements.clone());
        let evaluation = case
            .evaluation
            .clone()
            .unwrap_or_else(|| achievements.evaluation.clone());
        let name = format!(
            "{} ({})",
            f.file_name().unwrap().to_string_lossy(),
            case.description
        );
        let conv = &case.convention;
        // The catalogue as the convention applies it (its units, periodicities), as the app
        // and the command line evaluate.
        let view = conv.view(catalogue(&cats, conv));
        let cat = &*view;
        let geo = conv.referential();
        if let Some(expected) = &case.expect.validate {
            let mut carried = conv.clone();
            carried.achievements = achievements.clone();
            let mut g: Vec<(String, Option<String>)> = rules::validate(&carried, cat, geo)
                .into_iter()
                .filter(rules::is_evaluation_diagnostic)
                .map(|d| (d.code, d.location.cell))
                .collect();
            let mut x = expected.clone();
            g.sort();
            x.sort();
            if g != x {
                failures.push(format!("{name}: rules::validate {g:?}, expected {x:?}"));
            }
        }
        let Some(period) = cat.evaluations.iter().find(|e| e.id == evaluation) else {
            // (A case about an unknown evaluation expects only diagnostics of rules::validate.)
            if case.expect.validate.is_none() || !case.expect.lines.is_empty() {
                failures.push(format!(
                    "{name}: no evaluation « {evaluation} » in the catalogue"
                ));
            }
            continue;
        };
        let lines = evaluate(conv, cat, geo, &achievements, period);
        compare_lines(&name, "", &lines, &case.expect.lines, &mut failures);
        if !case.expect.lines_first_version.is_empty() {
            let first = with_version(conv, 0).expect("a first version");
            let lines = evaluate(&first, cat, geo, &achievements, period);
            compare_lines(
                &name,
                "first version: ",
                &lines,
                &case.expect.lines_first_version,
                &mut failures,
            );
        }
        for c in &case.expect.absent_lines {
            if lines.iter().any(|l| &cell_of(l) == c) {
                failures.push(format!("{name}: line {c} outside the evaluation"));
            }
        }
        if let Some(expected) = &case.expect.diagnostics {
            let got = check(conv, cat, geo, &achievements, period);
            let mut g: Vec<(String, Option<String>)> = got
                .iter()
                .map(|d| (d.code.clone(), d.location.cell.clone()))
                .collect();
            let mut x = expected.clone();
            g.sort();
            x.sort();
            if g != x {
                failures.push(format!("{name}: diagnostics {g:?}, expected {x:?}"));
            }
            for d in &got {
                if d.message.trim().is_empty() || d.message.is_ascii() {
                    failures.push(format!("{name}: {} has no French message", d.code));
                }
            }
        }
        let org = cus_core::evaluation::organism_lines(conv, cat, geo, &achievements, &lines);
        for e in &case.expect.organism {
            match org
                .iter()
                .find(|o| o.code == e.code && o.split_fr == e.split && o.period_fr == e.period)
            {
                Some(o) if close(o.committed, e.committed) && close(o.achieved, e.achieved) => {}
                other => failures.push(format!(
                    "{name}: organism {} {} {}: {other:?}, expected {:?} / {:?}",
                    e.code, e.split, e.period, e.committed, e.achieved
                )),
            }
        }
        let sums = summaries(conv, cat, geo, &lines, period);
        for e in &case.expect.summaries {
            match sums.iter().find(|s| s.indicator == e.indicator) {
                Some(s)
                    if close(Some(s.committed), Some(e.committed))
                        && close(Some(s.achieved), Some(e.achieved))
                        && close(s.rate, e.rate)
                        && s.text_fr == e.text => {}
                other => failures.push(format!("{name}: summary {other:?}")),
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_evaluation_due_follows_the_calendar_of_the_catalogue() {
    let cats = embedded();
    let find = |id: &str| {
        cats.iter()
            .filter(|c| c.id == id)
            .max_by(|a, b| a.version.cmp(&b.version))
            .unwrap()
    };
    let cus2 = find("cus2-logements-locatifs");
    for (year, expected) in [
        (2021, "mi-parcours"),
        (2022, "mi-parcours"),
        (2023, "mi-parcours"),
        (2025, "mi-parcours"),
        (2026, "finale"),
    ] {
        assert_eq!(
            due(cus2, 2020, year).unwrap().id,
            expected,
            "signed 2020, in {year}"
        );
    }
    let cus1 = find("cus1-logements-locatifs");
    for (year, expected) in [
        (2012, "bisannuelle-1"),
        (2013, "bisannuelle-1"),
        (2015, "bisannuelle-2"),
        (2017, "finale"),
    ] {
        assert_eq!(
            due(cus1, 2011, year).unwrap().id,
            expected,
            "signed 2011, in {year}"
        );
    }
    let mid = cus2
        .evaluations
        .iter()
        .find(|e| e.id == "mi-parcours")
        .unwrap();
    assert_eq!(
        mid.label_for(Some(2020)),
        "Évaluation à mi-parcours (bilan triennal) (2020-2022)"
    );
    assert!(cus_core::evaluation::causes().len() >= 4);
}

/// The rule picking the version a year is measured against is data (`data/rules/evaluation.json`,
/// `versions`): present, in French, said to be an inference, citing a source of the catalogue.
#[test]
fn the_versions_rule_is_data_and_says_it_is_an_inference() {
    let text = cus_core::evaluation::versions_rule_fr();
    assert!(
        text.contains("avenant") && text.contains("inférence"),
        "{text}"
    );
    let file: serde_json::Value =
        serde_json::from_str(include_str!("../../../data/rules/evaluation.json")).unwrap();
    assert_eq!(file["versions"]["wording"], "inference");
    let source = file["versions"]["source"].as_str().unwrap();
    let cats = embedded();
    assert!(cats.iter().any(|c| c.source(source).is_some()), "{source}");
}
