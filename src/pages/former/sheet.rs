//! A module's printable sheet, for a session on paper: the questions first (with the grids of the
//! cases), then, starting on a new page, the answers with their explanations, the computations of
//! the application and the errors its rules report.

use cus_core::formation::{self, case, ExerciseType};
use cus_core::numfmt::format_fr;
use yew::prelude::*;

use super::{breadcrumb, catalogue_rc, Entry};
use crate::catalogues::Catalogues;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub entry: Entry,
    pub catalogues: Catalogues,
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn letter(i: usize) -> char {
    LETTERS.get(i).map_or('?', |b| *b as char)
}

#[function_component(Sheet)]
pub fn sheet(props: &Props) -> Html {
    let m = &props.entry.module;
    let cats = &props.catalogues.0;
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let questions = m.exercises.iter().enumerate().map(|(i, ex)| {
        let _ = i;
        let cat = catalogue_rc(ex, cats);
        // The case printed as the récapitulatif prints a grid: one table per period, the row
        // labels repeated, so that a wide grid is never cut at the page's edge.
        let grid = cat.as_ref().and_then(|c| {
            let ind = c.indicator(ex.indicator.as_ref()?)?;
            let conv = case::convention(ex.case.as_ref()?, c, ind).0;
            let year = cus_core::rules::label_year(&conv);
            let shown = conv.indicator_view(ind);
            Some(html! {
                <div class="fiche-grille">
                    { crate::pages::period_tables::period_tables(c, &conv, &shown, year, conv.referential()) }
                </div>
            })
        });
        let citation = cat
            .as_deref()
            .map(|c| formation::citation(ex, m, c))
            .unwrap_or_else(|| ex.article.clone());
        html! {
            <section class="fiche-question">
                <h3>{ format!("{}. {} ({})", i + 1, ex.title, ex.kind.label_fr()) }</h3>
                <p class="aide">{ format!("Codes : {} ; {citation}.", ex.codes.join(", ")) }</p>
                <p>{ ex.question.clone() }</p>
                if ex.kind == ExerciseType::Exemple {
                    <ol>{ for ex.steps.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ol>
                }
                if !ex.choices.is_empty() {
                    <ul class="fiche-choix">
                        { for ex.choices.iter().enumerate().map(|(j, c)| html! {
                            <li>{ format!("☐ {}. {}", letter(j), c.text) }</li>
                        }) }
                    </ul>
                }
                { grid.unwrap_or_default() }
                if matches!(ex.kind, ExerciseType::Numerique | ExerciseType::Calculez) {
                    <p class="fiche-blanc">{ format!("Réponse : ………………{}", ex.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()) }</p>
                }
                if ex.kind == ExerciseType::TrouvezLErreur {
                    <p class="fiche-blanc">{ "Entourez la ou les cases fausses." }</p>
                }
            </section>
        }
    });
    let answers = m.exercises.iter().enumerate().map(|(i, ex)| {
        let cat = formation::catalogue_of(ex, cats);
        let solution: Html = match ex.kind {
            ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
                let right: Vec<String> = ex
                    .choices
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.correct)
                    .map(|(j, c)| format!("{}. {}", letter(j), c.text))
                    .collect();
                html! {
                    <>
                        <p><strong>{ format!("Réponse{} : {}", if right.len() > 1 { "s" } else { "" }, right.join(" ; ")) }</strong></p>
                        <ul>
                            { for ex.choices.iter().enumerate().filter_map(|(j, c)| c.feedback.as_ref().map(|f| html! {
                                <li>{ format!("{}. {f}", letter(j)) }</li>
                            })) }
                        </ul>
                    </>
                }
            }
            ExerciseType::Numerique => html! {
                <p><strong>{ format!("Réponse : {}{}", format_fr(ex.answer.unwrap_or_default(), 6), ex.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()) }</strong></p>
            },
            ExerciseType::Calculez | ExerciseType::Exemple => {
                let ind = cat.and_then(|c| c.indicator(ex.indicator.as_ref()?));
                let conv = match (cat, ind, &ex.case) {
                    (Some(c), Some(i), Some(k)) => Some(case::convention(k, c, i).0),
                    _ => None,
                };
                let specs: Vec<_> = ex.calc.iter().chain(&ex.calculations).collect();
                html! {
                    <>
                        if let Some(a) = ex.answer {
                            <p><strong>{ format!("Réponse : {}{}", format_fr(a, usize::from(ex.decimals.unwrap_or(1))), ex.unit.as_ref().map(|u| format!(" {u}")).unwrap_or_default()) }</strong></p>
                        }
                        <ul>
                            { for specs.iter().map(|spec| {
                                let r = match (cat, ind) {
                                    (Some(c), Some(ind)) => case::compute(spec, conv.as_ref(), c, ind).map(|r| r.formula_fr),
                                    _ => Err("catalogue indisponible".to_string()),
                                };
                                html! { <li>
                                    if let Some(c) = &spec.comment { { format!("{c} ") } }
                                    { format!("Calcul de l'application : {}", r.unwrap_or_else(|e| e)) }
                                </li> }
                            }) }
                        </ul>
                    </>
                }
            }
            ExerciseType::TrouvezLErreur => {
                let diags = cat
                    .map(|c| super::exercise::case_diagnostics(ex, c))
                    .unwrap_or_default();
                html! {
                    <>
                        <p><strong>{ "Cases fausses, telles que la vérification de l'application les signale :" }</strong></p>
                        <ul>{ for diags.iter().map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
                    </>
                }
            }
        };
        html! {
            <section class="fiche-reponse">
                <h3>{ format!("{}. {}", i + 1, ex.title) }</h3>
                { solution }
                <p>{ ex.explanation.clone() }</p>
                <p class="fondement-exercice">{ ex.basis_fr() }</p>
            </section>
        }
    });
    html! {
        <div class="page former fiche-imprimable">
            { breadcrumb(m, Some("Fiche imprimable")) }
            <h1 id="titre-page" tabindex="-1">{ format!("{} — fiche d'exercices", m.title) }</h1>
            <p class="chapo">{ m.summary.clone() }</p>
            <p class="ecran-seulement">
                <button type="button" class="bouton" id="imprimer-fiche" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button>
                { " Les questions d'abord ; les réponses commencent sur une nouvelle page." }
            </p>
            <section class="fiche-questions" aria-labelledby="titre-questions">
                <h2 id="titre-questions">{ "Questions" }</h2>
                { for questions }
            </section>
            <section class="fiche-reponses" aria-labelledby="titre-reponses">
                <h2 id="titre-reponses">{ "Réponses et explications" }</h2>
                { for answers }
            </section>
        </div>
    }
}
