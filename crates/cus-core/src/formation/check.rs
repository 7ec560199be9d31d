//! Semantic checks of a module against the catalogues, the rule engine and the calculations:
//! what makes an exercise teach something true. Each problem is a French diagnostic naming the
//! file and the line.

use std::collections::HashSet;

use crate::catalogue::{self, Catalogue, Indicator, Measure, ValueKind, Wording};
use crate::diagnostic::{Diagnostic, Severity};

use super::case::{self, round, PART_COUNT};
use super::grade::full_key;
use super::load::at_line;
use super::model::{Basis, CalcFunction, Exercise, ExerciseType, Module};

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
    check_module_texts(m, cats, &mut out);
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
    check_basis(m, i, ex, cat, out);
    check_texts(i, ex, cat, out);

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
            check_case_choices(i, ex, c, cat, ind, out);
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
    // The indicator as the case's convention applies it (its unit, periodicity, parts in %).
    let shown = match &conv {
        Some(c) => c.indicator_view(ind),
        None => std::borrow::Cow::Borrowed(ind),
    };
    check_level_calc(i, ex, &shown, out);
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
            let shape = crate::convention::GridShape::new(&conv, &shown, conv.referential());
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

/// Phrases that state a single unit as a rule (« PP-2 se saisit en pourcentage »): refused in an
/// exercise citing an indicator whose unit the organism chooses (`unit_choices`, « dont » parts
/// in a count or in %), and, when the exercise says it rests on the text, for a « Nombre …
/// parmi … » indicator that the catalogue keeps in % by convention (the annex of the arrêté
/// that fixes the unit was not read).
const SINGLE_UNIT: &[&str] = &[
    "se saisit en pourcentage",
    "se saisissent en pourcentage",
    "est saisi en pourcentage",
    "est saisie en pourcentage",
    "sont saisis en pourcentage",
    "sont saisies en pourcentage",
    "se saisit en %",
    "est saisi en %",
    "se saisit en nombre",
    "se saisissent en nombre",
    "est saisi en nombre",
    "est saisie en nombre",
    "sont saisis en nombre",
    "sont saisies en nombre",
    "s'exprime en pourcentage",
    "s'expriment en pourcentage",
    "s'exprime en nombre",
    "s'expriment en nombre",
    "exprimé en pourcentage comme",
    "exprimés en pourcentage comme",
];

/// Marks of a file path in a text a trainee reads (« data/rules/plausibilite.json »).
const PATH_MARKS: &[&str] = &["data/", "docs/", "crates/", "src/", ".json", ".toml"];

/// What the catalogue says of a source it does not vouch for word for word (its `version`):
/// a non-normative document, a secondary source, a wording not read.
const NOT_VERBATIM_SOURCE: &[(&str, &str)] = &[
    ("non normati", "un document non normatif"),
    ("source secondaire", "une source secondaire"),
    ("— non lue", "un texte dont la rédaction n'a pas été lue"),
];

/// Names of a column the grids never show (the grid says « Cumul 2022–2027 », « 2024 »,
/// « Référence », « Fin 2024 »), after « colonne ».
const NOT_A_COLUMN_AFTER_COLONNE: &[&str] = &[
    "à six ans",
    "à trois ans",
    "à 6 ans",
    "à 3 ans",
    "du cumul",
    "des cumuls",
    "de référence",
    "de la référence",
];

/// Phrases that name a deadline the way no grid does, refused in an exercise that shows a grid
/// (its columns are named for the case's signing year).
const DEADLINE_PHRASES: &[&str] = &[
    "à six ans",
    "à trois ans",
    "sur six ans",
    "sur trois ans",
    "à 6 ans",
    "à 3 ans",
];

/// Every text of an exercise a trainee reads, with its field.
fn texts(ex: &Exercise) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = vec![
        ("title".into(), ex.title.as_str()),
        ("question".into(), ex.question.as_str()),
        ("right".into(), ex.right.as_str()),
        ("wrong".into(), ex.wrong.as_str()),
        ("explanation".into(), ex.explanation.as_str()),
    ];
    if let Some(n) = &ex.basis_note {
        out.push(("basis_note".into(), n.as_str()));
    }
    for (j, c) in ex.choices.iter().enumerate() {
        out.push((format!("choices[{j}].text"), c.text.as_str()));
        if let Some(f) = &c.feedback {
            out.push((format!("choices[{j}].feedback"), f.as_str()));
        }
    }
    for (j, st) in ex.steps.iter().enumerate() {
        out.push((format!("steps[{j}]"), st.as_str()));
    }
    for (j, c) in ex.calculations.iter().enumerate() {
        if let Some(t) = &c.comment {
            out.push((format!("calculations[{j}].comment"), t.as_str()));
        }
    }
    out
}

/// A text lower-cased, with typographic apostrophes and spaces made plain.
fn plain(t: &str) -> String {
    t.to_lowercase()
        .replace(['’', 'ʼ'], "'")
        .replace(['\u{a0}', '\u{202f}'], " ")
}

/// Is byte position `at` of `t` between « and »?
fn quoted(t: &str, at: usize) -> bool {
    let before = &t[..at];
    before.matches('«').count() > before.matches('»').count()
}

/// The single-unit phrase of `t`, if any.
fn single_unit_phrase(t: &str) -> Option<&'static str> {
    let t = plain(t);
    SINGLE_UNIT.iter().copied().find(|p| t.contains(p))
}

/// Does the organism choose the unit of `ind` (`unit_choices`)?
fn unit_is_chosen(ind: &Indicator) -> bool {
    !ind.unit_choices.is_empty()
}

/// Does the organism choose how the « dont » parts of `ind` are stated (a count, or a
/// percentage of their total)?
fn parts_are_chosen(ind: &Indicator) -> bool {
    ind.splits
        .parts
        .iter()
        .any(|p| p.id != crate::convention::PERCENT_PART)
}

/// The single-unit phrase of `t` about the parts: in a sentence that speaks of a part.
fn single_unit_phrase_on_parts(t: &str) -> Option<&'static str> {
    t.split(['.', ';', ':'])
        .filter(|sentence| plain(sentence).contains("part"))
        .find_map(single_unit_phrase)
}

/// A « Nombre … parmi … » indicator the catalogue keeps in % by its own convention.
fn percentage_by_convention(ind: &Indicator) -> bool {
    matches!(ind.value, ValueKind::Pourcentage { .. })
        && ind.label.contains("Nombre")
        && ind.label.contains("parmi")
}

/// The module's summary states no single unit for an indicator its exercises cite whose unit
/// the organism chooses.
fn check_module_texts(m: &Module, cats: &[Catalogue], out: &mut Out) {
    for (field, text) in [("title", &m.title), ("summary", &m.summary)] {
        if let Some(mark) = PATH_MARKS.iter().find(|x| text.contains(*x)) {
            out.err(
                "E-FORM-TEXT",
                m.line,
                Some(field.into()),
                format!(
                    "Le module nomme un fichier (« {mark} ») dans son {} : un stagiaire ne voit \
                     pas les fichiers de l'application.",
                    if field == "title" {
                        "titre"
                    } else {
                        "résumé"
                    }
                ),
            );
        }
        for problem in column_problems(text, None) {
            out.err(
                "E-FORM-COLUMN",
                m.line,
                Some(field.into()),
                format!(
                    "Le {} du module {problem}",
                    if field == "title" {
                        "titre"
                    } else {
                        "résumé"
                    }
                ),
            );
        }
    }
    let cited: Vec<&Indicator> = m
        .exercises
        .iter()
        .filter_map(|ex| catalogue::lookup(cats, &ex.catalogue, &ex.version).map(|c| (ex, c)))
        .flat_map(|(ex, c)| ex.codes.iter().filter_map(|code| c.indicator(code)))
        .collect();
    let codes = |f: &dyn Fn(&Indicator) -> bool| -> Vec<&str> {
        cited
            .iter()
            .filter(|i| f(i))
            .map(|i| i.code.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let units = codes(&|i| unit_is_chosen(i) || percentage_by_convention(i));
    let parts = codes(&parts_are_chosen);
    let found = match single_unit_phrase(&m.summary) {
        Some(p) if !units.is_empty() => Some((p, units)),
        _ => single_unit_phrase_on_parts(&m.summary)
            .filter(|_| !parts.is_empty())
            .map(|p| (p, parts)),
    };
    if let Some((phrase, chosen)) = found {
        out.err(
            "E-FORM-UNIT",
            m.line,
            Some("summary".into()),
            format!(
                "Le résumé du module dit « {phrase} », mais l'unité de {} se choisit (nombre, \
                 pourcentage ou les deux, au choix de l'organisme, inscrit dans la convention) \
                 ou n'est fixée par aucun texte lu : enseignez le choix et ce que chaque forme veut dire, pas une unité unique.",
                chosen.join(", ")
            ),
        );
    }
}

/// What the exercise says it rests on, against what the catalogue says of its codes and of the
/// text cited.
fn check_basis(m: &Module, i: usize, ex: &Exercise, cat: &Catalogue, out: &mut Out) {
    let name = format!("Exercice « {} »", ex.id);
    let path = Some(format!("exercises[{i}].basis"));
    let Some(basis) = ex.basis else {
        out.err(
            "E-FORM-BASIS",
            ex.line,
            path,
            format!(
                "{name} : dites sur quoi repose la réponse (basis = « texte », « deduction » ou \
                 « source-secondaire », avec basis_note pour les deux derniers) : le stagiaire \
                 doit savoir quand un point est une déduction."
            ),
        );
        return;
    };
    let note = ex.basis_note.as_deref().map(str::trim).unwrap_or_default();
    if basis != Basis::Texte && note.is_empty() {
        out.err(
            "E-FORM-BASIS",
            ex.lines.basis,
            Some(format!("exercises[{i}].basis_note")),
            format!(
                "{name} : un exercice « {} » dit au stagiaire ce qui est déduit ou d'où vient \
                 l'information (basis_note).",
                basis.slug()
            ),
        );
    }
    if basis != Basis::Texte {
        return;
    }
    let mark = |out: &mut Out, why: String| {
        out.err(
            "E-FORM-BASIS",
            ex.lines.basis,
            path.clone(),
            format!(
                "{name} : l'exercice dit reposer sur un texte lu mot pour mot (basis = « texte »), \
                 mais {why} : marquez-le « deduction » ou « source-secondaire » et dites au \
                 stagiaire ce qui est déduit (basis_note)."
            ),
        )
    };
    for code in &ex.codes {
        let Some(ind) = cat.indicator(code) else {
            continue;
        };
        if ind.wording != Wording::Verbatim {
            mark(
                out,
                format!(
                    "le libellé de {code} n'a pas été lu mot pour mot ({} dans le catalogue {} \
                     version {})",
                    ind.wording.label_fr(),
                    cat.id,
                    cat.version
                ),
            );
        }
    }
    let source = match &ex.source {
        Some(s) => Some(s.clone()),
        None => ex
            .codes
            .first()
            .and_then(|c| cat.indicator(c))
            .map(|i| i.source.source.clone()),
    };
    let Some(source) = source else { return };
    match cat.source(&source) {
        None if m.sources.iter().any(|s| s.id == source) => mark(
            out,
            format!(
                "sa source « {source} » est déclarée dans le fichier : seuls les textes que \
                 listent les catalogues sont tenus pour lus"
            ),
        ),
        Some(src) => {
            let v = src.version.to_lowercase();
            if let Some((_, what)) = NOT_VERBATIM_SOURCE.iter().find(|(w, _)| v.contains(*w)) {
                mark(
                    out,
                    format!(
                        "sa source, « {} », est selon le catalogue {what}",
                        src.short_name()
                    ),
                );
            }
        }
        None => {}
    }
    for code in &ex.codes {
        let Some(ind) = cat.indicator(code) else {
            continue;
        };
        if ind.source.source == source && ind.source.article != ex.article {
            mark(
                out,
                format!(
                    "l'article « {} » n'est pas celui que le catalogue donne pour {code} (« {} »)",
                    ex.article, ind.source.article
                ),
            );
        }
    }
}

/// The texts of an exercise: no file path; no single unit stated for an indicator whose unit is
/// a choice; no column named the way no grid names it.
fn check_texts(i: usize, ex: &Exercise, cat: &Catalogue, out: &mut Out) {
    let name = format!("Exercice « {} »", ex.id);
    let labels = grid_labels(ex, cat);
    let cited: Vec<&Indicator> = ex.codes.iter().filter_map(|c| cat.indicator(c)).collect();
    let chosen: Vec<&str> = cited
        .iter()
        .filter(|ind| unit_is_chosen(ind) || (ex.rests_on_text() && percentage_by_convention(ind)))
        .map(|ind| ind.code.as_str())
        .collect();
    let with_parts: Vec<&str> = cited
        .iter()
        .filter(|ind| parts_are_chosen(ind))
        .map(|ind| ind.code.as_str())
        .collect();
    for (field, text) in texts(ex) {
        let path = Some(format!("exercises[{i}].{field}"));
        if let Some(m) = PATH_MARKS.iter().find(|m| text.contains(*m)) {
            out.err(
                "E-FORM-TEXT",
                ex.line,
                path.clone(),
                format!(
                    "{name} : le texte ({field}) nomme un fichier (« {m} ») : un stagiaire ne voit \
                     pas les fichiers de l'application ; dites ce que fait l'application."
                ),
            );
        }
        let unit_claim = single_unit_phrase(text).filter(|_| !chosen.is_empty());
        let part_claim = single_unit_phrase_on_parts(text).filter(|_| !with_parts.is_empty());
        if let Some(phrase) = unit_claim {
            out.err(
                "E-FORM-UNIT",
                ex.line,
                path.clone(),
                format!(
                    "{name} : le texte ({field}) dit « {phrase} », mais l'unité de {} n'est pas \
                     fixée par un texte lu : l'organisme écrit l'engagement en nombre, en \
                     pourcentage ou les deux (choix inscrit dans la convention). Enseignez le \
                     choix et ce que chaque forme veut dire.",
                    chosen.join(", ")
                ),
            );
        } else if let Some(phrase) = part_claim {
            out.err(
                "E-FORM-UNIT",
                ex.line,
                path.clone(),
                format!(
                    "{name} : le texte ({field}) dit des parts « dont » de {} « {phrase} », mais \
                     l'organisme les donne en nombre ou en % de leur total (choix inscrit dans la \
                     convention). Enseignez le choix et ce que chaque forme veut dire.",
                    with_parts.join(", ")
                ),
            );
        }
        for problem in column_problems(text, labels.as_deref()) {
            out.err(
                "E-FORM-COLUMN",
                ex.line,
                path.clone(),
                format!("{name} : le texte ({field}) {problem}"),
            );
        }
    }
}

/// The column labels of the grid an exercise shows, as the app names them for the case's
/// signing year (periods, splits, and « split — period »).
fn grid_labels(ex: &Exercise, cat: &Catalogue) -> Option<Vec<String>> {
    let code = ex.indicator.as_ref()?;
    let c = ex.case.as_ref()?;
    let raw = cat.indicator(code)?;
    let (conv, _) = case::convention(c, cat, raw);
    let ind = conv.indicator_view(raw);
    let year = Some(c.signing_year);
    let periods: Vec<String> = ind
        .periods
        .periods()
        .iter()
        .map(|p| ind.period_label_fr(*p, year))
        .collect();
    let splits: Vec<String> = crate::convention::splits(&ind)
        .iter()
        .map(|s| s.label_fr(&ind))
        .collect();
    let mut out = periods.clone();
    out.extend(splits.iter().cloned());
    for s in &splits {
        for p in &periods {
            out.push(format!("{s} — {p}"));
            out.push(format!("{s}, {p}"));
        }
    }
    Some(out)
}

/// Is `label` a column label some grid shows, whatever the signing year (« Référence »,
/// « 2024 », « Cumul 2022–2024 », « Fin 2027 »)?
fn generic_period_label(label: &str) -> bool {
    let year = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    label == "Référence"
        || year(label)
        || label.strip_prefix("Fin ").is_some_and(year)
        || label
            .strip_prefix("Cumul ")
            .and_then(|r| r.split_once('–'))
            .is_some_and(|(a, b)| year(a) && year(b))
}

/// The phrases of `text` that name a column no grid has: « l'année 4 » (the grids name calendar
/// years), « colonne à six ans », « colonne « à six ans » » (a label that is not the grid's);
/// with the labels of the exercise's grid (`labels`), also « à six ans » for its cumulative.
/// A phrase quoted in « » as a way of speaking (« jamais « l'année 1 » ») is allowed, except
/// after « colonne ».
fn column_problems(text: &str, labels: Option<&[String]>) -> Vec<String> {
    let t = plain(text);
    let mut out = Vec::new();
    let shown = |labels: Option<&[String]>| match labels {
        Some(l) => {
            let p: Vec<&str> = l
                .iter()
                .map(String::as_str)
                .filter(|x| generic_period_label(x))
                .collect();
            format!(" (colonnes de la grille : {})", p.join(", "))
        }
        None => String::new(),
    };
    // « l'année 4 », « années 1 à 3 »: the grids name calendar years.
    for (at, _) in t.match_indices("année") {
        let rest = &t[at + "année".len()..];
        let rest = rest.strip_prefix('s').unwrap_or(rest);
        let Some(rest) = rest.strip_prefix(' ') else {
            continue;
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=2).contains(&digits) && !quoted(&t, at) {
            out.push(format!(
                "nomme « année {} » : aucune grille n'a cette colonne, elle montre les années \
                 civiles de la convention ; écrivez l'année (« 2025 »){}.",
                &rest[..digits],
                shown(labels)
            ));
        }
    }
    // « colonne … »: a label in « », or a name the grids do not show.
    for (at, _) in t.match_indices("colonne") {
        let rest = &t[at + "colonne".len()..];
        if rest.starts_with('s') {
            continue;
        }
        let rest = rest.trim_start();
        if let Some(q) = rest.strip_prefix('«') {
            let label_lc = q.split('»').next().unwrap_or_default().trim();
            // The label as written (case kept), found at the same place in the original text.
            let label = original_slice(text, &t, label_lc);
            let ok = match labels {
                Some(l) => l.iter().any(|x| x == &label),
                // Without a grid: a period label, possibly after a split (« Total — 2024 »).
                None => {
                    generic_period_label(&label)
                        || label
                            .rsplit_once(" — ")
                            .is_some_and(|(_, p)| generic_period_label(p))
                }
            };
            if !ok {
                out.push(format!(
                    "nomme la colonne « {label} », que la grille ne montre pas ; reprenez son \
                     libellé{}.",
                    shown(labels)
                ));
            }
        } else if let Some(p) = NOT_A_COLUMN_AFTER_COLONNE
            .iter()
            .find(|p| rest.starts_with(*p))
        {
            out.push(format!(
                "nomme une « colonne {p} » : la grille nomme ses colonnes autrement (« Cumul \
                 2022–2027 », « 2024 », « Référence ») ; reprenez son libellé{}.",
                shown(labels)
            ));
        }
    }
    // In an exercise that shows a grid, a deadline is named as its column.
    if labels.is_some() {
        for p in DEADLINE_PHRASES {
            for (at, _) in t.match_indices(p) {
                if !quoted(&t, at) {
                    out.push(format!(
                        "dit « {p} » à côté d'une grille qui nomme ses colonnes autrement : \
                         reprenez le libellé de la colonne{}.",
                        shown(labels)
                    ));
                }
            }
        }
    }
    out
}

/// The part of `original` that `lower` (a slice of its plain lower-cased form) stands for, when
/// the two have the same length; else `lower` itself.
fn original_slice(original: &str, plain_all: &str, lower: &str) -> String {
    if let Some(pos) = plain_all.find(lower) {
        let chars_before = plain_all[..pos].chars().count();
        let n = lower.chars().count();
        let o: String = original.chars().skip(chars_before).take(n).collect();
        if plain(&o) == lower {
            return o.trim().to_string();
        }
    }
    lower.to_string()
}

/// The choices of the case's convention: stated for an indicator whose unit or parts the
/// organism chooses, and among the catalogue's.
fn check_case_choices(
    i: usize,
    ex: &Exercise,
    c: &super::model::Case,
    cat: &Catalogue,
    ind: &Indicator,
    out: &mut Out,
) {
    let name = format!("Exercice « {} »", ex.id);
    let p = |f: &str| Some(format!("exercises[{i}].case.{f}"));
    let code = &ind.code;
    match &c.unit {
        None if !ind.unit_choices.is_empty() => out.err(
            "E-FORM-UNIT",
            ex.lines.case,
            p("unit"),
            format!(
                "{name} : l'organisme écrit {code} comme il le choisit ({}) : dites ce que la \
                 convention du cas a choisi (case.unit) et montrez-le au stagiaire.",
                quoted_list(&ind.unit_choices)
            ),
        ),
        Some(u) if !ind.unit_choices.contains(u) => out.err(
            "E-FORM-UNIT",
            ex.lines.case,
            p("unit"),
            if ind.unit_choices.is_empty() {
                format!(
                    "{name} : l'unité de {code} n'est pas au choix de l'organisme : retirez \
                     case.unit (« {u} »)."
                )
            } else {
                format!(
                    "{name} : « {u} » n'est pas une façon d'écrire {code} que le catalogue \
                     propose ({}).",
                    quoted_list(&ind.unit_choices)
                )
            },
        ),
        _ => {}
    }
    let parts = ind
        .splits
        .parts
        .iter()
        .any(|x| x.id != crate::convention::PERCENT_PART);
    match c.part_unit.as_deref() {
        None if parts => out.err(
            "E-FORM-UNIT",
            ex.lines.case,
            p("part_unit"),
            format!(
                "{name} : les parts « dont » de {code} se donnent en nombre ou en % de leur \
                 total, au choix de l'organisme : dites lequel le cas suit (case.part_unit = \
                 « {PART_COUNT} » ou « % »)."
            ),
        ),
        Some(x) if !parts => out.err(
            "E-FORM-UNIT",
            ex.lines.case,
            p("part_unit"),
            format!("{name} : {code} n'a pas de part « dont » : retirez case.part_unit (« {x} »)."),
        ),
        Some(x) if x != PART_COUNT && x != crate::convention::PART_PERCENT => out.err(
            "E-FORM-UNIT",
            ex.lines.case,
            p("part_unit"),
            format!("{name} : case.part_unit vaut « {PART_COUNT} » ou « % », pas « {x} »."),
        ),
        _ => {}
    }
    if let Some(per) = &c.periodicity {
        if !ind.period_choices.iter().any(|x| &x.id == per) {
            out.err(
                "E-FORM-UNIT",
                ex.lines.case,
                p("periodicity"),
                format!(
                    "{name} : « {per} » n'est pas une périodicité que le catalogue propose pour \
                     {code} ({}).",
                    if ind.period_choices.is_empty() {
                        "aucune : ses périodes sont fixées".to_string()
                    } else {
                        ind.period_choices
                            .iter()
                            .map(|x| x.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            );
        }
    }
    for b in c.bases.keys() {
        if cat.base(b).is_none() {
            out.err(
                "E-FORM-CASE",
                ex.lines.case,
                p("bases"),
                format!(
                    "{name} : « {b} » n'est pas une base du catalogue {} ({}).",
                    cat.id,
                    cat.bases
                        .iter()
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
}

fn quoted_list(v: &[String]) -> String {
    v.iter()
        .map(|x| format!("« {x} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A level (a stock, a share of the stock at a date) is neither added up over the years nor
/// averaged: `cumul` and `moyenne-annuelle` are refused on it.
fn check_level_calc(i: usize, ex: &Exercise, ind: &Indicator, out: &mut Out) {
    if ind.measure != Measure::Niveau {
        return;
    }
    let specs = ex
        .calc
        .iter()
        .map(|s| ("calc".to_string(), ex.lines.calc, s))
        .chain(
            ex.calculations
                .iter()
                .enumerate()
                .map(|(j, s)| (format!("calculations[{j}]"), ex.lines.calculations, s)),
        );
    for (field, line, spec) in specs {
        if matches!(
            spec.function,
            Some(CalcFunction::Cumul | CalcFunction::MoyenneAnnuelle)
        ) {
            out.err(
                "E-FORM-CALC",
                line,
                Some(format!("exercises[{i}].{field}")),
                format!(
                    "Exercice « {} » : {} est un niveau (un état à une date, comme un parc) : il \
                     ne s'additionne pas sur les années et ne se moyenne pas ; lisez-le à sa date.",
                    ex.id, ind.code
                ),
            );
        }
    }
}
