//! Projector mode: one question in large type for a room, the answers hidden until the trainer
//! reveals them with the explanation, the application's own computation or the real rule's
//! messages; keyboard driven (Espace or Entrée: reveal, → or Page suivante: next, ← : previous,
//! Échap: leave).

use cus_core::formation::{self, case, ExerciseType};
use cus_core::numfmt::format_fr;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::Entry;
use crate::catalogues::Catalogues;
use crate::route::{Route, TrainRoute};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub entry: Entry,
    pub step: usize,
    pub catalogues: Catalogues,
}

fn go(r: Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&r.to_hash());
    }
}

#[function_component(Projector)]
pub fn projector(props: &Props) -> Html {
    let m = props.entry.module.clone();
    let n = props.step;
    let total = m.exercises.len();
    let revealed = use_state(|| false);
    // A new step starts hidden.
    {
        let revealed = revealed.clone();
        use_effect_with(n, move |_| revealed.set(false));
    }
    // The keyboard, on the whole page while it is shown.
    {
        let (revealed, mid) = (revealed.clone(), m.id.clone());
        use_effect_with((n, *revealed), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let handler = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(
                move |e: web_sys::KeyboardEvent| {
                    // Typing in a field is never a command.
                    let in_field = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                        .is_some_and(|t| {
                            matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        });
                    if in_field || e.ctrl_key() || e.alt_key() || e.meta_key() {
                        return;
                    }
                    match e.key().as_str() {
                        " " | "Enter" => {
                            e.prevent_default();
                            revealed.set(true);
                        }
                        "ArrowRight" | "PageDown" if n < total => {
                            e.prevent_default();
                            go(TrainRoute::projector(&mid, n + 1));
                        }
                        "ArrowLeft" | "PageUp" if n > 1 => {
                            e.prevent_default();
                            go(TrainRoute::projector(&mid, n - 1));
                        }
                        "Escape" => go(TrainRoute::module(&mid)),
                        _ => {}
                    }
                },
            );
            if let Some(d) = &doc {
                let _ =
                    d.add_event_listener_with_callback("keydown", handler.as_ref().unchecked_ref());
            }
            move || {
                if let Some(d) = &doc {
                    let _ = d.remove_event_listener_with_callback(
                        "keydown",
                        handler.as_ref().unchecked_ref(),
                    );
                }
                drop(handler);
            }
        });
    }
    let ex = &m.exercises[n - 1];
    let cats = &props.catalogues.0;
    let cat = formation::catalogue_of(ex, cats);
    let reveal = {
        let revealed = revealed.clone();
        Callback::from(move |_: MouseEvent| revealed.set(true))
    };
    // What the reveal shows beyond the explanation: the right options, the number, the
    // application's computation, the rule engine's messages.
    let answer: Html = match ex.kind {
        ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => html! {},
        ExerciseType::Numerique => html! {
            <p class="projection-reponse">{ format!("Réponse : {}{}", format_fr(ex.answer.unwrap_or_default(), 6), ex.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()) }</p>
        },
        ExerciseType::Calculez | ExerciseType::Exemple => {
            let ind = cat.and_then(|c| c.indicator(ex.indicator.as_ref()?));
            let conv = match (cat, ind, &ex.case) {
                (Some(c), Some(i), Some(k)) => Some(case::convention(k, c, i).0),
                _ => None,
            };
            html! {
                <ul class="projection-reponse">
                    { for ex.calc.iter().chain(&ex.calculations).map(|spec| {
                        let r = match (cat, ind) {
                            (Some(c), Some(i)) => case::compute(spec, conv.as_ref(), c, i).map(|r| r.formula_fr),
                            _ => Err("catalogue indisponible".to_string()),
                        };
                        html! { <li>{ format!("Calcul de l'application : {}", r.unwrap_or_else(|e| e)) }</li> }
                    }) }
                </ul>
            }
        }
        ExerciseType::TrouvezLErreur => {
            let diags = cat
                .map(|c| super::exercise::case_diagnostics(ex, c))
                .unwrap_or_default();
            html! {
                <ul class="projection-reponse">
                    { for diags.iter().map(|d| html! { <li>{ format!("Message de la vérification : {}", d.to_line_fr()) }</li> }) }
                </ul>
            }
        }
    };
    let grid = cat.and_then(|c| {
        let ind = c.indicator(ex.indicator.as_ref()?)?;
        let conv = case::convention(ex.case.as_ref()?, c, ind).0;
        let year = cus_core::rules::label_year(&conv);
        let shown = conv.indicator_view(ind);
        Some(crate::pages::period_tables::period_tables(
            c,
            &conv,
            &shown,
            year,
            conv.referential(),
        ))
    });
    html! {
        <div class="page former projection" aria-live="polite">
            <p class="projection-etape">{ format!("{} — étape {n} sur {total}", m.title) }</p>
            <h1 id="titre-page" tabindex="-1" class="projection-question">{ ex.question.clone() }</h1>
            if !ex.choices.is_empty() {
                <ol class="projection-choix" type="A">
                    { for ex.choices.iter().map(|c| {
                        let mark = *revealed && c.correct;
                        html! {
                            <li class={classes!(mark.then_some("projection-juste"), (*revealed && !c.correct).then_some("projection-faux"))}>
                                { c.text.clone() }
                                if mark { <strong>{ " — juste" }</strong> }
                            </li>
                        }
                    }) }
                </ol>
            }
            if let Some(g) = grid { <div class="projection-grille">{ g }</div> }
            if *revealed {
                <section class="projection-revelation" aria-labelledby="titre-revelation">
                    <h2 id="titre-revelation">{ "Réponse" }</h2>
                    { answer }
                    <p>{ ex.explanation.clone() }</p>
                    <p class="fondement-exercice">{ ex.basis_fr() }</p>
                </section>
            } else {
                <p><button type="button" class="bouton" id="reveler" onclick={reveal}>{ "Révéler la réponse (Espace)" }</button></p>
            }
            <nav class="navigation-projection" aria-label="Questions">
                if n > 1 {
                    <a id="projection-precedente" href={TrainRoute::projector(&m.id, n - 1).to_hash()}>{ "← Précédente" }</a>
                }
                { " " }
                if n < total {
                    <a id="projection-suivante" class="bouton" href={TrainRoute::projector(&m.id, n + 1).to_hash()}>{ "Suivante →" }</a>
                } else {
                    <a class="bouton" href={TrainRoute::module(&m.id).to_hash()}>{ "Fin : revenir au module" }</a>
                }
            </nav>
            <p class="aide">{ "Clavier : Espace ou Entrée révèle, → question suivante, ← précédente, Échap quitte." }</p>
        </div>
    }
}
