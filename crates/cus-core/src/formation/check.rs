//! Semantic checks of a module against the catalogues, the rule engine and the calculations:
//! what makes an exercise teach something true. Each problem is a French diagnostic naming the
//! file and the line.

use std::collections::HashSet;

use crate::catalogue::{self, Catalogue};
use crate::diagnostic::{Diagnostic, Severity};

use super::case::{self, round};
use super::grade::full_key;
use super::load::at_line;
use super::model::{Exercise, ExerciseType, Module};

/// Ids of modules and exercises: lower-case letters, digits and hyphens (they go into addresses).
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

struct Out<'a> {
    file: &'a str,
    diags: Vec<Diagnostic>,
}

impl Out<'_> {
    fn err(&mut self, code: &str, line: usize, path: Option<String>, msg: String) {
        self.diags
            .push(Diagnostic::error(code, msg, at_line(self.file, line, path)));
    }
}

/// Check a module: every exercise against the catalogue it names (`cats`), the rule engine and
/// `calc`. `others` are the modules already available (ids must not clash with them).
pub fn check(m: &Module, cats: &[Catalogue], others: &[Module]) -> Vec<Diagnostic> {
    let mut out = Out {
        file: &m.file,
        diags: Vec::new(),
    };
    if !valid_id(&m.id) {
        out.err(
            "E-FORM-ID",
            m.line,
            Some("id".into()),
            format!(
                "L'identifiant du module « {} » doit être fait de lettres minuscules sans \
                 accent, de chiffres et de tirets (il figure dans l'adresse de la page).",
                m.id
            ),
        );
    }
    if others.iter().any(|o| o.id == m.id && o.file != m.file) {
        out.err(
            "E-FORM-ID",
            m.line,
            Some("id".into()),
            format!(
                "Un autre module porte déjà l'identifiant « {} » : choisissez-en un autre.",
                m.id
            ),
        );
    }
    if m.title.trim().is_empty() || m.summary.trim().is_empty() {
        out.err(
            "E-FORM-TEXT",
            m.line,
            None,
            "Le module doit avoir un titre (title) et un résumé (summary).".into(),
        );
    }
    if m.exercises.is_empty() {
        out.err(
            "E-FORM-EMPTY",
            m.line,
            None,
            "Le module ne contient aucun exercice ([[exercises]]).".into(),
        );
    }
    let mut ids = HashSet::new();
    for (i, ex) in m.exercises.iter().enumerate() {
        if !valid_id(&ex.id) {
            out.err(
                "E-FORM-ID",
                ex.line,
                Some(format!("exercises[{i}].id")),
                format!(
                    "L'identifiant d'exercice « {} » doit être fait de lettres minuscules sans \
                     accent, de chiffres et de tirets.",
                    ex.id
                ),
            );
        }
        if !ids.insert(ex.id.as_str()) {
            out.err(
                "E-FORM-ID",
                ex.line,
                Some(format!("exercises[{i}].id")),
                format!(
                    "L'identifiant d'exercice « {} » apparaît deux fois dans le module.",
                    ex.id
                ),
            );
        }
        check_exercise(m, i, ex, cats, &mut out);
    }
    out.diags
}

/// The fields an exercise of this type may carry (beyond the common ones).
fn allowed(kind: ExerciseType) -> &'static [&'static str] {
    match kind {
        ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => &["choices"],
        ExerciseType::Numerique => &["answer", "tolerance", "unit"],
        ExerciseType::TrouvezLErreur => &["indicator", "case", "expected"],
        ExerciseType::Calculez => &[
            "indicator",
            "case",
            "calc",
            "answer",
            "tolerance",
            "decimals",
            "unit",
        ],
        ExerciseType::Exemple => &["indicator", "case", "calculations", "steps"],
    }
}

fn present(ex: &Exercise) -> Vec<(&'static str, bool)> {
    vec![
        ("choices", !ex.choices.is_empty()),
        ("answer", ex.answer.is_some()),
        ("tolerance", ex.tolerance.is_some()),
        ("decimals", ex.decimals.is_some()),
        ("unit", ex.unit.is_some()),
        ("indicator", ex.indicator.is_some()),
        ("case", ex.case.is_some()),
        ("expected", !ex.expected.is_empty()),
        ("calc", ex.calc.is_some()),
        ("calculations", !ex.calculations.is_empty()),
        ("steps", !ex.steps.is_empty()),
    ]
}

fn check_exercise(m: &Module, i: usize, ex: &Exercise, cats: &[Catalogue], out: &mut Out) {
    let p = |f: &str| Some(format!("exercises[{i}].{f}"));
    let kind = ex.kind.label_fr();
    let name = format!("Exercice « {} »", ex.id);

    // Texts.
    if ex.title.trim().is_empty() || ex.question.trim().is_empty() {
        out.err(
            "E-FORM-TEXT",
            ex.line,
            p("question"),
            format!("{name} : le titre (title) et l'énoncé (question) sont obligatoires."),
        );
    }
    if ex.explanation.trim().is_empty() {
        out.err(
            "E-FORM-TEXT",
            ex.line,
            p("explanation"),
            format!(
                "{name} : l'explication (explanation), montrée après la réponse, est obligatoire."
            ),
        );
    }
    if ex.kind.graded() && (ex.right.trim().is_empty() || ex.wrong.trim().is_empty()) {
        out.err(
            "E-FORM-TEXT",
            ex.line,
            p("right"),
            format!(
                "{name} : les retours pour une bonne réponse (right) et pour une mauvaise \
                 (wrong) sont obligatoires."
            ),
        );
    }

    // Fields of the type.
    for (field, here) in present(ex) {
        if here && !allowed(ex.kind).contains(&field) {
            out.err(
                "E-FORM-FIELD",
                ex.line,
                p(field),
                format!(
                    "{name} : le champ « {field} » ne sert pas à un exercice « {kind} » : \
                     retirez-le."
                ),
            );
        }
    }
    let missing = |field: &str, out: &mut Out| {
        out.err(
            "E-FORM-FIELD",
            ex.line,
            p(field),
            format!("{name} : un exercice « {kind} » demande le champ « {field} »."),
        )
    };

    // The catalogue, the codes, the article.
    let Some(cat) = crate::catalogue::lookup(cats, &ex.catalogue, &ex.version) else {
        let versions: Vec<&str> = cats
            .iter()
            .filter(|c| c.id == ex.catalogue)
            .map(|c| c.version.as_str())
            .collect();
        out.err(
            "E-FORM-CATALOGUE",
            ex.line,
            p("catalogue"),
            if versions.is_empty() {
                format!(
                    "{name} : le catalogue « {} » n'existe pas (catalogues : {}).",
                    ex.catalogue,
                    catalogue_ids(cats)
                )
            } else {
                format!(
                    "{name} : le catalogue « {} » n'a pas de version « {} » (versions : {}).",
                    ex.catalogue,
                    ex.version,
                    versions.join(", ")
                )
            },
        );
        return;
    };
    if ex.codes.is_empty() {
        out.err(
            "E-FORM-CODE",
            ex.lines.codes,
            p("codes"),
            format!("{name} : citez au moins un code d'indicateur (codes)."),
        );
    }
    for code in &ex.codes {
        if cat.indicator(code).is_none() {
            out.err(
                "E-FORM-CODE",
                ex.lines.codes,
                p("codes"),
                format!(
                    "{name} : l'indicateur « {code} » n'existe pas dans le catalogue {} version \
                     {} (codes : {}).",
                    cat.id,
                    cat.version,
                    cat.indicators
                        .iter()
                        .map(|i| i.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    check_article(m, i, ex, cat, out);

    // By type.
    match ex.kind {
        ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
            let right = ex.choices.iter().filter(|c| c.correct).count();
            let ok = ex.choices.len() >= 2
                && ex.choices.iter().all(|c| !c.text.trim().is_empty())
                && match ex.kind {
                    ExerciseType::ChoixUnique => right == 1,
                    _ => right >= 1 && right < ex.choices.len(),
                };
            if !ok {
                out.err(
                    "E-FORM-CHOICES",
                    ex.lines.choices,
                    p("choices"),
                    if ex.kind == ExerciseType::ChoixUnique {
                        format!(
                            "{name} : une question à choix unique propose au moins deux réponses \
                             non vides dont exactement une juste (correct = true) ; ici {} \
                             réponse(s) dont {right} juste(s).",
                            ex.choices.len()
                        )
                    } else {
                        format!(
                            "{name} : une question à choix multiples propose au moins deux \
                             réponses non vides, au moins une juste et au moins une fausse ; ici \
                             {} réponse(s) dont {right} juste(s).",
                            ex.choices.len()
                        )
                    },
                );
            }
        }
        ExerciseType::Numerique => {
            if ex.answer.is_none() {
                missing("answer", out);
            }
            if ex.tolerance.is_some_and(|t| t.is_nan() || t < 0.0) {
                out.err(
                    "E-FORM-ANSWER",
                    ex.lines.answer,
                    p("tolerance"),
                    format!("{name} : la tolérance doit être un nombre positif ou nul."),
                );
            }
        }
        ExerciseType::TrouvezLErreur | ExerciseType::Calculez | ExerciseType::Exemple => {
            check_case_exercise(i, ex, cat, out, &missing);
        }
    }
}

fn catalogue_ids(cats: &[Catalogue]) -> String {
    let mut ids: Vec<&str> = cats.iter().map(|c| c.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    ids.join(", ")
}

/// The article taught: from a source of the catalogue or of the file; when it is the source of a
/// code cited, the article the catalogue gives for that code.
fn check_article(m: &Module, i: usize, ex: &Exercise, cat: &Catalogue, out: &mut Out) {
    let name = format!("Exercice « {} »", ex.id);
    let path = Some(format!("exercises[{i}].article"));
    if ex.article.trim().is_empty() {
        out.err(
            "E-FORM-ARTICLE",
            ex.lines.article,
            path,
            format!("{name} : indiquez l'article enseigné (article)."),
        );
        return;
    }
    let source = match &ex.source {
        Some(s) => s.clone(),
        None => match ex.codes.first().and_then(|c| cat.indicator(c)) {
            Some(ind) => ind.source.source.clone(),
            None => return,
        },
    };
    if cat.source(&source).is_none() && !m.sources.iter().any(|s| s.id == source) {
        out.err(
            "E-FORM-SOURCE",
            ex.lines.article,
            Some(format!("exercises[{i}].source")),
            format!(
                "{name} : la source « {source} » n'est ni une source du catalogue {} ni une \
                 source déclarée dans le fichier ([[sources]]).",
                cat.id
            ),
        );
        return;
    }
    let cited: Vec<&catalogue::Indicator> = ex
        .codes
        .iter()
        .filter_map(|c| cat.indicator(c))
        .filter(|ind| ind.source.source == source)
        .collect();
    if !cited.is_empty() && !cited.iter().any(|ind| ind.source.article == ex.article) {
        out.err(
            "E-FORM-ARTICLE",
            ex.lines.article,
            path,
            format!(
                "{name} : l'article « {} » n'est pas celui que le catalogue donne pour {} \
                 (« {} »).",
                ex.article, cited[0].code, cited[0].source.article
            ),
        );
    }
}

/// « Trouvez l'erreur », « Calculez » and worked examples: the indicator, the case through the
/// rule engine, the calculations through `calc`.
fn check_case_exercise(
    i: usize,
    ex: &Exercise,
    cat: &Catalogue,
    out: &mut Out,
    missing: &dyn Fn(&str, &mut Out),
) {
    let name = format!("Exercice « {} »", ex.id);
    let p = |f: &str| Some(format!("exercises[{i}].{f}"));
    let Some(code) = &ex.indicator else {
        missing("indicator", out);
        return;
    };
    if !ex.codes.contains(code) {
        out.err(
            "E-FORM-CODE",
            ex.lines.codes,
            p("indicator"),
            format!("{name} : l'indicateur montré ({code}) doit figurer dans les codes cités."),
        );
    }
    let Some(ind) = cat.indicator(code) else {
        return;
    };
    let needs_case = match ex.kind {
        ExerciseType::Calculez => ex
            .calc
            .as_ref()
            .is_none_or(|c| c.function != Some(super::model::CalcFunction::Pourcentage)),
        _ => true,
    };
    let conv = match &ex.case {
        None if needs_case => {
            missing("case", out);
            return;
        }
        None => None,
        Some(c) => {
            let (conv, problems) = case::convention(c, cat, ind);
            if !catalogue::applies_to_year(cat, c.signing_year) {
                out.err(
                    "E-FORM-CASE",
                    ex.lines.case,
                    p("case.signing_year"),
                    format!(
                        "{name} : une CUS signée en {} ne relève pas du catalogue {} version {} \
                         (signatures {}).",
                        c.signing_year,
                        cat.id,
                        cat.version,
                        match &cat.signing.until {
                            Some(u) => format!("du {} au {u}", cat.signing.from),
                            None => format!("à partir du {}", cat.signing.from),
                        }
                    ),
                );
            }
            for pb in problems {
                out.err(
                    "E-FORM-CASE",
                    ex.lines.case,
                    p("case.values"),
                    format!("{name} : {pb}"),
                );
            }
            Some(conv)
        }
    };
    let diags = conv
        .as_ref()
        .map(|c| case::diagnostics(c, cat, code))
        .unwrap_or_default();
    let lines = |ds: &[&Diagnostic]| {
        if ds.is_empty() {
            "aucune".to_string()
        } else {
            ds.iter()
                .map(|d| {
                    format!(
                        "{} [{}] sur {}",
                        d.severity.label_fr(),
                        d.code,
                        d.location.cell.as_deref().unwrap_or("(pas de case)")
                    )
                })
                .collect::<Vec<_>>()
                .join(" ; ")
        }
    };
    match ex.kind {
        ExerciseType::TrouvezLErreur => {
            if ex.expected.is_empty() {
                missing("expected", out);
                return;
            }
            let Some(conv) = conv else { return };
            let shape = crate::convention::GridShape::new(&conv, ind, conv.referential());
            let mut unmatched: Vec<&Diagnostic> = diags.iter().collect();
            for e in &ex.expected {
                let cell = full_key(code, &e.cell);
                for k in std::iter::once(&e.cell).chain(&e.also_accepted) {
                    if shape.locate(&full_key(code, k)).is_none() {
                        out.err(
                            "E-FORM-EXPECTED",
                            ex.lines.expected,
                            p("expected"),
                            format!(
                                "{name} : la case « {k} » n'est pas une case de la grille de \
                                 {code} dans ce cas."
                            ),
                        );
                    }
                }
                match unmatched
                    .iter()
                    .position(|d| d.code == e.code && d.location.cell.as_deref() == Some(&cell))
                {
                    Some(pos) => {
                        unmatched.remove(pos);
                    }
                    None => out.err(
                        "E-FORM-EXPECTED",
                        ex.lines.expected,
                        p("expected"),
                        format!(
                            "{name} : les règles ne signalent pas {} sur la case {cell} ; elles \
                             signalent : {}.",
                            e.code,
                            lines(&diags.iter().collect::<Vec<_>>())
                        ),
                    ),
                }
            }
            if !unmatched.is_empty() {
                out.err(
                    "E-FORM-EXPECTED",
                    ex.lines.expected,
                    p("expected"),
                    format!(
                        "{name} : les règles signalent aussi {}, que l'exercice n'attend pas : \
                         corrigez le cas ou ajoutez-les à expected.",
                        lines(&unmatched)
                    ),
                );
            }
        }
        ExerciseType::Calculez => {
            let errors: Vec<&Diagnostic> = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                out.err(
                    "E-FORM-CASE",
                    ex.lines.case,
                    p("case"),
                    format!(
                        "{name} : le cas d'un calcul ne doit contenir aucune erreur ; les règles \
                         signalent : {}.",
                        lines(&errors)
                    ),
                );
            }
            let Some(spec) = &ex.calc else {
                missing("calc", out);
                return;
            };
            let Some(answer) = ex.answer else {
                missing("answer", out);
                return;
            };
            match case::compute(spec, conv.as_ref(), cat, ind) {
                Err(e) => out.err(
                    "E-FORM-CALC",
                    ex.lines.calc,
                    p("calc"),
                    format!("{name} : le calcul échoue : {e}"),
                ),
                Ok(r) => {
                    let d = ex.decimals.unwrap_or(1);
                    if round(r.value, d) != round(answer, d) {
                        out.err(
                            "E-FORM-CALC",
                            ex.lines.answer,
                            p("answer"),
                            format!(
                                "{name} : la réponse indiquée ({}) n'est pas celle que calcule \
                                 l'application ({}, arrondi à {d} décimale(s) : {}) : {}.",
                                crate::numfmt::format_fr(answer, 6),
                                crate::numfmt::format_fr(r.value, 6),
                                crate::numfmt::format_fr(round(r.value, d), usize::from(d)),
                                r.formula_fr
                            ),
                        );
                    }
                }
            }
        }
        ExerciseType::Exemple => {
            if !diags.is_empty() {
                out.err(
                    "E-FORM-CASE",
                    ex.lines.case,
                    p("case"),
                    format!(
                        "{name} : le cas d'un exemple commenté doit être juste ; les règles \
                         signalent : {}.",
                        lines(&diags.iter().collect::<Vec<_>>())
                    ),
                );
            }
            if ex.steps.is_empty() {
                missing("steps", out);
            }
            if ex.calculations.is_empty() {
                missing("calculations", out);
            }
            for (j, spec) in ex.calculations.iter().enumerate() {
                if let Err(e) = case::compute(spec, conv.as_ref(), cat, ind) {
                    out.err(
                        "E-FORM-CALC",
                        ex.lines.calculations,
                        p(&format!("calculations[{j}]")),
                        format!("{name} : le calcul n° {} échoue : {e}", j + 1),
                    );
                }
            }
        }
        _ => {}
    }
}
