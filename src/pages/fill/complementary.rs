//! The indicators an organism adds to its convention (« hors règlement »): a label, a unit,
//! periods and a level. Each becomes a grid of its own step (« Indicateurs complémentaires »),
//! kept by every format and the evaluation, checked for its values only, shown apart.

use cus_core::catalogue::{Catalogue, Level, Measure, Periodicity};
use cus_core::convention::{Complementary, ComplementaryUnit, Convention, Edit};
use yew::prelude::*;

use crate::pages::grid::Update;

#[derive(Properties, PartialEq)]
pub(super) struct Props {
    pub(super) catalogue: std::rc::Rc<Catalogue>,
    pub(super) draft: Convention,
    pub(super) update: Update,
}

/// The periods offered, by id: (label, periodicity).
fn period_options() -> [(&'static str, &'static str, Periodicity); 3] {
    [
        (
            "3-6",
            "à 3 et 6 ans",
            Periodicity {
                yearly: false,
                cumulative: vec![3, 6],
                reference: true,
            },
        ),
        (
            "annuel",
            "par année",
            Periodicity {
                yearly: true,
                cumulative: Vec::new(),
                reference: true,
            },
        ),
        (
            "6",
            "en cumul sur les 6 ans",
            Periodicity {
                yearly: false,
                cumulative: vec![6],
                reference: true,
            },
        ),
    ]
}

fn value_of(e: &Event) -> String {
    let t: web_sys::HtmlInputElement = e.target_unchecked_into();
    t.value()
}

#[function_component(ComplementaryStep)]
pub(super) fn complementary_step(props: &Props) -> Html {
    let code = use_state(String::new);
    let label = use_state(String::new);
    let kind = use_state(|| "nombre".to_string());
    let unit = use_state(|| "logements".to_string());
    let periods = use_state(|| "3-6".to_string());
    let level = use_state(|| "organisme".to_string());
    let error = use_state(|| None::<String>);
    let list = props.draft.complementary.clone();

    let add = {
        let (code, label, kind, unit, periods, level, error) = (
            code.clone(),
            label.clone(),
            kind.clone(),
            unit.clone(),
            periods.clone(),
            level.clone(),
            error.clone(),
        );
        let update = props.update.clone();
        let list = list.clone();
        let cat = props.catalogue.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let p = period_options()
                .into_iter()
                .find(|(id, _, _)| *id == periods.as_str())
                .map(|(_, _, p)| p)
                .unwrap_or_else(|| period_options()[0].2.clone());
            let added = Complementary {
                code: code.trim().to_string(),
                label: label.trim().to_string(),
                kind: match kind.as_str() {
                    "pourcentage" => ComplementaryUnit::Pourcentage,
                    "montant" => ComplementaryUnit::Montant,
                    _ => ComplementaryUnit::Nombre,
                },
                unit: unit.trim().to_string(),
                periods: p,
                level: if level.as_str() == "departement" {
                    Level::Departement
                } else {
                    Level::Organisme
                },
                measure: Measure::Flux,
            };
            // The rules' own check (`Complementary::problem_fr`), said before it is added.
            if let Some(p) = added.problem_fr(&cat, &list) {
                error.set(Some(format!("Indicateur non ajouté : {p}.")));
                return;
            }
            let mut next = list.clone();
            next.push(added);
            update.emit(Edit::SetComplementary(next));
            error.set(None);
            code.set(String::new());
            label.set(String::new());
        })
    };
    let field = |id: &str, text: &str, state: &UseStateHandle<String>| {
        let s = state.clone();
        html! {
            <p>
                <label for={id.to_string()}>{ text }</label>
                <input id={id.to_string()} type="text" value={(**state).clone()}
                    onchange={Callback::from(move |e: Event| s.set(value_of(&e)))} />
            </p>
        }
    };
    let select = |id: &str,
                  text: &str,
                  state: &UseStateHandle<String>,
                  options: Vec<(&str, &str)>| {
        let s = state.clone();
        html! {
            <p>
                <label for={id.to_string()}>{ text }</label>
                <select id={id.to_string()} onchange={Callback::from(move |e: Event| {
                    let t: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    s.set(t.value());
                })}>
                    { for options.into_iter().map(|(v, l)| html! {
                        <option value={v.to_string()} selected={state.as_str() == v}>{ l }</option>
                    }) }
                </select>
            </p>
        }
    };
    html! {
        <section class="complementaires" aria-labelledby="titre-complementaires">
            <h3 id="titre-complementaires">{ "Indicateurs complémentaires (hors règlement)" }</h3>
            <p class="aide">
                { "Un indicateur que votre convention ajoute à ceux du décret (« PP-4 complémentaire » : logements vendus…) se saisit ici : il a sa propre grille, figure à part dans les fichiers et le récapitulatif, n'est contrôlé que pour ses valeurs (aucune règle du décret) et n'est jamais additionné aux indicateurs du décret dans « Simuler »." }
            </p>
            if !list.is_empty() {
                <ul class="liste-complementaires">
                    { for list.iter().enumerate().map(|(i, x)| {
                        // Removed with its values, in one step (undone together).
                        let remove = {
                            let update = props.update.clone();
                            let mut next = list.clone();
                            next.remove(i);
                            let prefix = cus_core::convention::key::indicator_prefix(&x.code);
                            let cleared: Vec<(String, Option<cus_core::convention::Value>)> = props
                                .draft
                                .values
                                .keys()
                                .filter(|k| k.starts_with(&prefix))
                                .map(|k| (k.clone(), None))
                                .collect();
                            Callback::from(move |_: MouseEvent| {
                                update.emit(Edit::Batch(vec![
                                    Edit::SetCells(cleared.clone()),
                                    Edit::SetComplementary(next.clone()),
                                ]))
                            })
                        };
                        html! {
                            <li>
                                <span class="code">{ &x.code }</span>
                                { format!(" — {} ({}, {}, {})", x.label,
                                    if x.unit.is_empty() { x.kind_fr().to_string() } else { x.unit.clone() },
                                    x.periods.describe_fr(), x.level.label_fr()) }
                                { " " }
                                <button type="button" class="bouton bouton-secondaire" onclick={remove}
                                    aria-label={format!("Retirer l'indicateur complémentaire {}", x.code)}>{ "Retirer" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <form class="ajout-complementaire" onsubmit={add}>
                { field("complementaire-code", "Code (tel que la convention l'écrit)", &code) }
                { field("complementaire-libelle", "Libellé", &label) }
                { select("complementaire-nature", "Nature", &kind, vec![("nombre", "nombre entier"), ("pourcentage", "pourcentage"), ("montant", "montant ou autre nombre décimal")]) }
                { field("complementaire-unite", "Unité (logements, € par logement…)", &unit) }
                { select("complementaire-echeances", "Échéances", &periods, period_options().iter().map(|(id, l, _)| (*id, *l)).collect()) }
                { select("complementaire-maille", "Maille", &level, vec![("organisme", "ensemble de l'organisme"), ("departement", "département")]) }
                if let Some(m) = &*error {
                    <p class="diag diag-erreur" role="alert">{ m }</p>
                }
                <button type="submit" class="bouton">{ "Ajouter l'indicateur complémentaire" }</button>
            </form>
        </section>
    }
}
