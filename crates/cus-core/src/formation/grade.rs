//! Grading a learner's answer: choices, a number within a tolerance, the cells clicked in a
//! « Trouvez l'erreur » (against what the rule engine reports), a number computed by the learner
//! (against `calc`). Every result carries French feedback.

use std::collections::BTreeSet;

use crate::calc::Explained;
use crate::catalogue::Catalogue;
use crate::diagnostic::Diagnostic;
use crate::numfmt::{format_fr, parse_fr};

use super::case;
use super::model::{Exercise, ExerciseType};

/// The outcome of one attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub correct: bool,
    /// French lines: the exercise's feedback, then what the answer missed or got wrong.
    pub feedback: Vec<String>,
}

impl Grade {
    fn new(ex: &Exercise, correct: bool) -> Self {
        Grade {
            correct,
            feedback: vec![if correct {
                ex.right.clone()
            } else {
                ex.wrong.clone()
            }],
        }
    }
}

/// The indexes of the right choices.
pub fn right_choices(ex: &Exercise) -> BTreeSet<usize> {
    ex.choices
        .iter()
        .enumerate()
        .filter(|(_, c)| c.correct)
        .map(|(i, _)| i)
        .collect()
}

/// A choice question: right when exactly the right choices are selected. The feedback of each
/// selected choice follows; for a multiple choice, how many right ones are missing.
pub fn choices(ex: &Exercise, selected: &BTreeSet<usize>) -> Grade {
    let right = right_choices(ex);
    let correct = *selected == right;
    let mut g = Grade::new(ex, correct);
    for &i in selected {
        if let Some(f) = ex.choices.get(i).and_then(|c| c.feedback.as_ref()) {
            g.feedback.push(format!("« {} » : {f}", ex.choices[i].text));
        }
    }
    if !correct && ex.kind == ExerciseType::ChoixMultiple {
        let missing = right.difference(selected).count();
        let wrong = selected.difference(&right).count();
        match (missing, wrong) {
            (0, _) => {}
            (1, _) => g.feedback.push("Il manque une bonne réponse.".into()),
            (n, _) => g.feedback.push(format!("Il manque {n} bonnes réponses.")),
        }
        if wrong > 0 {
            g.feedback.push(format!(
                "{wrong} réponse{s} cochée{s} ne convien{t} pas.",
                s = if wrong > 1 { "s" } else { "" },
                t = if wrong > 1 { "nent" } else { "t" }
            ));
        }
    }
    g
}

/// A number typed the French way (`12,5`, `1 234`; a final `%` is allowed).
pub fn parse_answer(input: &str) -> Result<f64, String> {
    let t = input.trim().trim_end_matches('%');
    parse_fr(t).map_err(|e| e.message_fr(input.trim()))
}

/// Is `x` within `tolerance` of `target` (a hair more, for the rounding of binary numbers)?
pub fn within(x: f64, target: f64, tolerance: f64) -> bool {
    (x - target).abs() <= tolerance + 1e-9
}

/// A numeric answer against the exercise's `answer` and `tolerance`.
pub fn number(ex: &Exercise, input: &str) -> Result<Grade, String> {
    let x = parse_answer(input)?;
    let target = ex.answer.unwrap_or(f64::NAN);
    Ok(Grade::new(
        ex,
        within(x, target, ex.tolerance.unwrap_or(0.0)),
    ))
}

/// The tolerance of a « Calculez »: the exercise's, else half a unit of its last decimal.
pub fn calc_tolerance(ex: &Exercise) -> f64 {
    ex.tolerance
        .unwrap_or_else(|| 0.5 * 10f64.powi(-i32::from(ex.decimals.unwrap_or(1))))
}

/// A computed answer against what `calc` computes; the formula comes with the feedback.
pub fn computed(ex: &Exercise, result: &Explained, input: &str) -> Result<Grade, String> {
    let x = parse_answer(input)?;
    let mut g = Grade::new(ex, within(x, result.value, calc_tolerance(ex)));
    if !g.correct {
        g.feedback.push(format!(
            "Votre réponse : {}.",
            format_fr(x, usize::from(ex.decimals.unwrap_or(1)).max(2))
        ));
    }
    Ok(g)
}

/// An error to find: a diagnostic of the rule engine on a cell, and the cells that count as
/// finding it.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub diagnostic: Diagnostic,
    pub accepted: BTreeSet<String>,
}

/// The full key of a cell named in an exercise (the indicator may be left out).
pub fn full_key(indicator: &str, cell: &str) -> String {
    if crate::convention::key::indicator_of(cell) == indicator
        && crate::convention::key::n_parts(cell) == 4
    {
        cell.to_string()
    } else {
        crate::convention::key::territory_key(indicator, cell)
    }
}

/// The errors to find in a « Trouvez l'erreur », as the rule engine reports them now (errors and
/// warnings about the indicator shown, located on a cell).
pub fn targets(ex: &Exercise, cat: &Catalogue) -> Result<Vec<Target>, String> {
    let (Some(code), Some(c)) = (&ex.indicator, &ex.case) else {
        return Err("L'exercice n'a pas de cas à vérifier.".into());
    };
    let ind = cat
        .indicator(code)
        .ok_or_else(|| format!("L'indicateur {code} n'existe pas dans le catalogue."))?;
    let (conv, _) = case::convention(c, cat, ind);
    Ok(case::diagnostics(&conv, cat, code)
        .into_iter()
        .filter_map(|d| {
            let cell = d.location.cell.clone()?;
            let mut accepted: BTreeSet<String> = ex
                .expected
                .iter()
                .filter(|e| e.code == d.code && full_key(code, &e.cell) == cell)
                .flat_map(|e| e.also_accepted.iter().map(|k| full_key(code, k)))
                .collect();
            accepted.insert(cell);
            Some(Target {
                diagnostic: d,
                accepted,
            })
        })
        .collect())
}

/// The outcome of the cells clicked in a « Trouvez l'erreur ».
#[derive(Clone, Debug, PartialEq)]
pub struct CellsGrade {
    pub correct: bool,
    /// Indexes of the targets found.
    pub found: Vec<usize>,
    /// Indexes of the targets missed.
    pub missed: Vec<usize>,
    /// Cells clicked that hold no error.
    pub wrong: Vec<String>,
    pub feedback: Vec<String>,
}

/// The clicked cells against the targets: right when every error is found (one of its accepted
/// cells clicked) and no cell without error is clicked.
pub fn cells(ex: &Exercise, targets: &[Target], clicked: &BTreeSet<String>) -> CellsGrade {
    let mut found = Vec::new();
    let mut missed = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if t.accepted.iter().any(|k| clicked.contains(k)) {
            found.push(i);
        } else {
            missed.push(i);
        }
    }
    let wrong: Vec<String> = clicked
        .iter()
        .filter(|k| !targets.iter().any(|t| t.accepted.contains(*k)))
        .cloned()
        .collect();
    let correct = missed.is_empty() && wrong.is_empty() && !targets.is_empty();
    let mut feedback = vec![if correct {
        ex.right.clone()
    } else {
        ex.wrong.clone()
    }];
    if !correct {
        let n = targets.len();
        feedback.push(format!(
            "Vous avez trouvé {} erreur{} sur {n}{}.",
            found.len(),
            if found.len() > 1 { "s" } else { "" },
            match wrong.len() {
                0 => String::new(),
                1 => " ; une case cochée ne contient pas d'erreur".to_string(),
                w => format!(" ; {w} cases cochées ne contiennent pas d'erreur"),
            }
        ));
    }
    CellsGrade {
        correct,
        found,
        missed,
        wrong,
        feedback,
    }
}
