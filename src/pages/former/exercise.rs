//! One exercise on screen: the question, the way to answer it (choices, a number, cells of the
//! real grid), immediate feedback from `cus_core::formation::grade`, a retry, the answer on
//! request, then the explanation with the computation of the application and the links to the
//! reference cards.

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use cus_core::calc::Explained;
use cus_core::catalogue::{Catalogue, Indicator};
use cus_core::convention::{Convention, Edit};
use cus_core::diagnostic::Diagnostic;
use cus_core::formation::{self, case, grade, Exercise, ExerciseType, Module};
use cus_core::numfmt::format_fr;
use yew::prelude::*;

use super::{card_links, catalogue_label};
use crate::pages::grid::{IndicatorGrid, Pick};
use cus_core::formation::session::StepRecord as Record;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub module: Rc<Module>,
    /// Position of the exercise in its module (0-based).
    pub index: usize,
    pub total: usize,
    pub catalogue: Option<Rc<Catalogue>>,
    /// What the learner did before on this exercise.
    pub record: Option<Record>,
    /// An answer submitted: right or not.
    /// An answer: right or not, and the wrong options it chose (their text).
    pub on_answer: Callback<(bool, Vec<String>)>,
    pub on_reveal: Callback<()>,
}

/// Where the learner is with the exercise.
#[derive(Clone, PartialEq)]
enum Outcome {
    Unanswered,
    /// The answer could not be read (a number mistyped): not an attempt.
    Unreadable(String),
    Wrong(Vec<String>),
    Right(Vec<String>),
    /// The answer shown without being found.
    Revealed,
}

impl Outcome {
    fn finished(&self) -> bool {
        matches!(self, Outcome::Right(_) | Outcome::Revealed)
    }
}

/// The case of an exercise made real, once.
struct Setting {
    indicator: Option<Rc<Indicator>>,
    conv: Option<Rc<Convention>>,
    /// « Calculez »: what `calc` computes; worked example: each calculation.
    computed: Option<Result<Explained, String>>,
    calculations: Vec<Result<Explained, String>>,
}

fn setting(ex: &Exercise, cat: Option<&Catalogue>) -> Setting {
    let ind = cat.and_then(|c| ex.indicator.as_ref().and_then(|i| c.indicator(i)));
    let conv = match (cat, ind, &ex.case) {
        (Some(c), Some(i), Some(k)) => Some(case::convention(k, c, i).0),
        _ => None,
    };
    let compute = |spec| match (cat, ind) {
        (Some(c), Some(i)) => case::compute(spec, conv.as_ref(), c, i),
        _ => Err("Le catalogue de l'exercice n'est pas disponible dans ce navigateur.".into()),
    };
    Setting {
        computed: ex.calc.as_ref().map(compute),
        calculations: ex.calculations.iter().map(compute).collect(),
        // The grid shows the indicator as the case's convention chose it (its unit, its parts in
        // %), as « Remplir » shows it.
        indicator: match (&conv, ind) {
            (Some(cv), Some(i)) => Some(Rc::new(cv.indicator_view(i).into_owned())),
            (None, Some(i)) => Some(Rc::new(i.clone())),
            _ => None,
        },
        conv: conv.map(Rc::new),
    }
}

#[function_component(ExerciseView)]
pub fn exercise_view(props: &Props) -> Html {
    let m = &props.module;
    let ex = &m.exercises[props.index];
    let cat = props.catalogue.as_deref();
    let set = {
        let (ex, cat) = (ex.clone(), props.catalogue.clone());
        use_memo((), move |_| setting(&ex, cat.as_deref()))
    };
    let outcome = use_state(|| Outcome::Unanswered);
    let selected = use_state(BTreeSet::<usize>::new);
    let input = use_state(String::new);
    let picked = use_state(BTreeSet::<String>::new);
    // The errors the rules report, computed when the learner submits (then kept).
    let targets = use_state(|| None::<Rc<Vec<grade::Target>>>);
    let answer_ref = use_node_ref();

    let n = props.index + 1;
    let finished = outcome.finished();
    let kind = ex.kind;

    let submit = {
        let (outcome, selected, input, picked, targets) = (
            outcome.clone(),
            selected.clone(),
            input.clone(),
            picked.clone(),
            targets.clone(),
        );
        let (ex, cat, set) = (ex.clone(), props.catalogue.clone(), set.clone());
        let on_answer = props.on_answer.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let wrong_chosen: Vec<String> = selected
                .iter()
                .filter_map(|&i| ex.choices.get(i))
                .filter(|c| !c.correct)
                .map(|c| c.text.clone())
                .collect();
            let graded: Result<(bool, Vec<String>), String> = match ex.kind {
                ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
                    if selected.is_empty() {
                        Err("Choisissez une réponse avant de valider.".into())
                    } else {
                        let g = grade::choices(&ex, &selected);
                        Ok((g.correct, g.feedback))
                    }
                }
                ExerciseType::Numerique => {
                    grade::number(&ex, &input).map(|g| (g.correct, g.feedback))
                }
                ExerciseType::Calculez => match &set.computed {
                    Some(Ok(r)) => grade::computed(&ex, r, &input).map(|g| (g.correct, g.feedback)),
                    Some(Err(e)) => Err(e.clone()),
                    None => Err("Cet exercice n'a pas de calcul.".into()),
                },
                ExerciseType::TrouvezLErreur => match cat.as_deref() {
                    None => Err("Le catalogue de l'exercice n'est pas disponible.".into()),
                    Some(c) => match grade::targets(&ex, c) {
                        Err(e) => Err(e),
                        Ok(t) if picked.is_empty() => {
                            targets.set(Some(Rc::new(t)));
                            Err(
                                "Cliquez d'abord sur la ou les cases que vous pensez fausses."
                                    .into(),
                            )
                        }
                        Ok(t) => {
                            let g = grade::cells(&ex, &t, &picked);
                            targets.set(Some(Rc::new(t)));
                            Ok((g.correct, g.feedback))
                        }
                    },
                },
                ExerciseType::Exemple => return,
            };
            match graded {
                Err(msg) => outcome.set(Outcome::Unreadable(msg)),
                Ok((correct, feedback)) => {
                    on_answer.emit((correct, wrong_chosen.clone()));
                    outcome.set(if correct {
                        Outcome::Right(feedback)
                    } else {
                        Outcome::Wrong(feedback)
                    });
                }
            }
        })
    };
    let retry = {
        let (outcome, answer_ref) = (outcome.clone(), answer_ref.clone());
        Callback::from(move |_: MouseEvent| {
            outcome.set(Outcome::Unanswered);
            if let Some(el) = answer_ref.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        })
    };
    let reveal = {
        let (outcome, targets) = (outcome.clone(), targets.clone());
        let (ex, cat, on_reveal) = (ex.clone(), props.catalogue.clone(), props.on_reveal.clone());
        Callback::from(move |_: MouseEvent| {
            if ex.kind == ExerciseType::TrouvezLErreur && targets.is_none() {
                if let Some(t) = cat.as_deref().and_then(|c| grade::targets(&ex, c).ok()) {
                    targets.set(Some(Rc::new(t)));
                }
            }
            on_reveal.emit(());
            outcome.set(Outcome::Revealed);
        })
    };

    // The answer area.
    let answer = match kind {
        ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
            let multiple = kind == ExerciseType::ChoixMultiple;
            let name = format!("choix-{}", ex.id);
            html! {
                <fieldset class="choix" ref={answer_ref.clone()} tabindex="-1">
                    <legend>{ if multiple { "Cochez toutes les bonnes réponses" } else { "Choisissez une réponse" } }</legend>
                    { for ex.choices.iter().enumerate().map(|(i, c)| {
                        let checked = selected.contains(&i);
                        let onchange = {
                            let selected = selected.clone();
                            Callback::from(move |_: Event| {
                                let mut s = (*selected).clone();
                                if multiple {
                                    if !s.insert(i) { s.remove(&i); }
                                } else {
                                    s = BTreeSet::from([i]);
                                }
                                selected.set(s);
                            })
                        };
                        let id = format!("{name}-{i}");
                        let mark = outcome.finished().then_some(if c.correct { " — bonne réponse" } else { "" });
                        html! {
                            <div class={classes!("reponse", (finished && c.correct).then_some("reponse-juste"))}>
                                <input type={if multiple { "checkbox" } else { "radio" }} id={id.clone()}
                                    name={name.clone()} {checked} {onchange} disabled={finished} />
                                <label for={id}>{ c.text.clone() }<strong>{ mark.unwrap_or_default() }</strong></label>
                            </div>
                        }
                    }) }
                </fieldset>
            }
        }
        ExerciseType::Numerique | ExerciseType::Calculez => {
            let oninput = {
                let input = input.clone();
                Callback::from(move |e: InputEvent| {
                    let el: web_sys::HtmlInputElement = e.target_unchecked_into();
                    input.set(el.value());
                })
            };
            html! {
                <div class="champ champ-reponse">
                    <label for="reponse">{ "Votre réponse" }
                        if let Some(u) = &ex.unit { { format!(" (en {u})") } }
                    </label>
                    <input id="reponse" type="text" inputmode="decimal" autocomplete="off"
                        ref={answer_ref.clone()} value={(*input).clone()} {oninput} disabled={finished} />
                </div>
            }
        }
        ExerciseType::TrouvezLErreur => {
            let n = picked.len();
            html! {
                <p class="aide" aria-live="polite" id="cases-choisies">
                    { match n {
                        0 => "Aucune case sélectionnée : cliquez sur une case pour la sélectionner, une seconde fois pour la désélectionner.".to_string(),
                        1 => "1 case sélectionnée.".to_string(),
                        n => format!("{n} cases sélectionnées."),
                    } }
                </p>
            }
        }
        ExerciseType::Exemple => html! {},
    };

    // The grid of the case, when there is one.
    let grid = match (&set.indicator, &set.conv, &props.catalogue) {
        (Some(ind), Some(conv), Some(cat)) => {
            let on_pick = (kind == ExerciseType::TrouvezLErreur && !finished).then(|| {
                let (picked, outcome) = (picked.clone(), outcome.clone());
                Callback::from(move |k: String| {
                    let mut p = (*picked).clone();
                    if !p.insert(k.clone()) {
                        p.remove(&k);
                    }
                    picked.set(p);
                    if matches!(*outcome, Outcome::Unreadable(_)) {
                        outcome.set(Outcome::Unanswered);
                    }
                })
            });
            let reveal = finished && kind == ExerciseType::TrouvezLErreur;
            let messages: HashMap<String, (cus_core::diagnostic::Severity, Rc<str>)> = if reveal {
                targets
                    .as_ref()
                    .map(|t| {
                        t.iter()
                            .filter_map(|t| {
                                let d = &t.diagnostic;
                                Some((
                                    d.location.cell.clone()?,
                                    (d.severity, Rc::from(d.message.as_str())),
                                ))
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                HashMap::new()
            };
            let pick = Rc::new(Pick {
                picked: (*picked).clone(),
                on_pick,
                reveal,
            });
            html! {
                <div class="grille-exercice">
                    <IndicatorGrid catalogue={cat.clone()} indicator={ind.clone()} index={0}
                        draft={conv.clone()} update={Callback::from(|_: Edit| {})}
                        cell_messages={Rc::new(messages)} pick={Some(pick)} />
                </div>
            }
        }
        _ if ex.case.is_some() => html! {
            <p class="message-erreur" role="alert">{ "Le catalogue de cet exercice n'est pas disponible dans ce navigateur : la grille ne peut pas être montrée." }</p>
        },
        _ => html! {},
    };

    let citation = cat
        .map(|c| formation::citation(ex, m, c))
        .unwrap_or_else(|| ex.article.clone());
    let conv_ref = set
        .conv
        .as_ref()
        .map(|c| c.catalogue.clone())
        .unwrap_or_default();

    // What the application computes or reports, shown with the explanation.
    let solution = match kind {
        ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
            let right: Vec<String> = ex
                .choices
                .iter()
                .filter(|c| c.correct)
                .map(|c| c.text.clone())
                .collect();
            html! { <p>{ format!("Réponse{} : {}.", if right.len() > 1 { "s justes" } else { " juste" }, right.join(" ; ")) }</p> }
        }
        ExerciseType::Numerique => html! {
            <p>{ format!("Réponse attendue : {}{}.", format_fr(ex.answer.unwrap_or_default(), 6), ex.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()) }</p>
        },
        ExerciseType::Calculez => match &set.computed {
            Some(Ok(r)) => html! {
                <p id="calcul-application">
                    { format!("Calcul de l'application : {}", r.formula_fr) }
                </p>
            },
            Some(Err(e)) => html! { <p class="message-erreur">{ e.clone() }</p> },
            None => html! {},
        },
        ExerciseType::TrouvezLErreur => match targets.as_ref() {
            Some(t) => html! {
                <div id="erreurs-regles">
                    <p>{ format!("Ce que signale la vérification de l'application ({}) :", if t.len() > 1 { format!("{} diagnostics", t.len()) } else { "1 diagnostic".to_string() }) }</p>
                    <ul>
                        { for t.iter().map(|t| html! { <li>{ crate::pages::reference::diagnostic_line(&t.diagnostic, &conv_ref) }</li> }) }
                    </ul>
                </div>
            },
            None => html! {},
        },
        ExerciseType::Exemple => html! {},
    };

    let feedback = match &*outcome {
        Outcome::Unanswered => html! {},
        Outcome::Unreadable(msg) => html! {
            <div class="retour retour-illisible" role="alert" id="retour"><p>{ msg.clone() }</p></div>
        },
        Outcome::Wrong(lines) => html! {
            <div class="retour retour-faux" role="status" id="retour">
                <p class="retour-titre"><strong>{ "Pas tout à fait." }</strong></p>
                { for lines.iter().map(|l| html! { <p>{ l.clone() }</p> }) }
                <p class="actions-retour">
                    <button type="button" class="bouton" id="reessayer" onclick={retry}>{ "Réessayer" }</button>
                    { " " }
                    <button type="button" class="bouton bouton-secondaire" id="voir-reponse" onclick={reveal.clone()}>{ "Voir la réponse" }</button>
                </p>
            </div>
        },
        Outcome::Right(lines) => html! {
            <div class="retour retour-juste" role="status" id="retour">
                <p class="retour-titre"><strong>{ "Bonne réponse." }</strong></p>
                { for lines.iter().map(|l| html! { <p>{ l.clone() }</p> }) }
            </div>
        },
        Outcome::Revealed => html! {
            <div class="retour retour-montre" role="status" id="retour">
                <p class="retour-titre"><strong>{ "La réponse" }</strong></p>
            </div>
        },
    };

    let explanation = (finished || kind == ExerciseType::Exemple).then(|| {
        html! {
            <section class="explication-exercice" aria-labelledby="titre-explication">
                <h3 id="titre-explication">{ if kind == ExerciseType::Exemple { "À retenir" } else { "Explication" } }</h3>
                { solution.clone() }
                <p>{ ex.explanation.clone() }</p>
                <p class={classes!("fondement-exercice", (!ex.rests_on_text()).then_some("fondement-deduction"))}>{ ex.basis_fr() }</p>
                <p class="source-exercice">
                    { format!("Texte enseigné : {citation}. Pour aller plus loin : ") }
                    { card_links(ex) }
                    { "." }
                </p>
            </section>
        }
    });

    let example = (kind == ExerciseType::Exemple).then(|| {
        html! {
            <>
                <ol class="etapes-exemple">
                    { for ex.steps.iter().map(|s| html! { <li>{ s.clone() }</li> }) }
                </ol>
                <h3>{ "Les calculs de l'application" }</h3>
                <ul class="calculs-exemple">
                    { for ex.calculations.iter().zip(&set.calculations).map(|(spec, r)| html! {
                        <li>
                            if let Some(c) = &spec.comment { <strong>{ c.clone() }</strong><br /> }
                            { match r {
                                Ok(r) => r.formula_fr.clone(),
                                Err(e) => e.clone(),
                            } }
                        </li>
                    }) }
                </ul>
            </>
        }
    });

    let already = props
        .record
        .as_ref()
        .filter(|r| r.success && matches!(*outcome, Outcome::Unanswered))
        .map(|_| html! { <p class="aide">{ "Vous avez déjà réussi cet exercice ; vous pouvez le refaire (votre score n'en change pas)." }</p> });

    html! {
        <article class="exercice" data-type={type_slug(kind)} data-etat={state_slug(&outcome)}>
            <h2 id="titre-exercice">
                <span class="etape-numero">{ format!("Étape {n} sur {} — {}", props.total, kind.label_fr()) }</span>
                <br />
                { ex.title.clone() }
            </h2>
            <p class="contexte-exercice">
                { format!("{} ; codes cités : {} ; {citation}.", catalogue_label(ex, cat), ex.codes.join(", ")) }
            </p>
            { already.unwrap_or_default() }
            <p class="question" id="question">{ ex.question.clone() }</p>
            { example.unwrap_or_default() }
            { grid }
            if kind.graded() {
                <form class="formulaire-reponse" onsubmit={submit} aria-describedby="question">
                    { answer }
                    if !finished {
                        <p class="actions">
                            <button type="submit" class="bouton" id="valider">{ "Valider ma réponse" }</button>
                            if matches!(*outcome, Outcome::Unanswered | Outcome::Unreadable(_)) && props.record.as_ref().is_some_and(|r| r.attempts > 0 && !r.success) {
                                { " " }
                                <button type="button" class="bouton bouton-secondaire" id="voir-reponse" onclick={reveal}>{ "Voir la réponse" }</button>
                            }
                        </p>
                    }
                </form>
            }
            { feedback }
            { explanation.unwrap_or_default() }
        </article>
    }
}

fn type_slug(k: ExerciseType) -> &'static str {
    match k {
        ExerciseType::ChoixUnique => "choix-unique",
        ExerciseType::ChoixMultiple => "choix-multiple",
        ExerciseType::Numerique => "numerique",
        ExerciseType::TrouvezLErreur => "trouvez-l-erreur",
        ExerciseType::Calculez => "calculez",
        ExerciseType::Exemple => "exemple",
    }
}

fn state_slug(o: &Outcome) -> &'static str {
    match o {
        Outcome::Unanswered => "a-repondre",
        Outcome::Unreadable(_) => "illisible",
        Outcome::Wrong(_) => "faux",
        Outcome::Right(_) => "juste",
        Outcome::Revealed => "montre",
    }
}

/// The diagnostics of a case, for the printable sheet.
pub fn case_diagnostics(ex: &Exercise, cat: &Catalogue) -> Vec<Diagnostic> {
    grade::targets(ex, cat)
        .map(|t| t.into_iter().map(|t| t.diagnostic).collect())
        .unwrap_or_default()
}
