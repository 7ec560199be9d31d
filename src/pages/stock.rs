//! "Parc de logements": the dwellings the organism owns in each declared territory
//! (`Convention.stock`, keyed like the rows: `organisme`, `departement:59`, `epci:SIREN`). Not an
//! indicator of the convention: it is optional, and used by the ratios to the stock (the
//! « Calculs » under each grid) and by the plausibility rules of `data/rules/`.
//!
//! A figure is typed the French way (`1 234`) and stored once the field is left (a stock change
//! revalidates the whole convention, so not on every keystroke); an invalid figure gets a French
//! message and is not stored; an empty field removes the figure.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{parse_period_key, Convention, Edit, SplitKey, TerritoryKey};
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::numfmt::{format_fr, parse_fr};
use cus_core::rules::RuleSet;
use yew::prelude::*;

use super::grid::Update;
use crate::route::{FillStep, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub draft: Rc<Convention>,
    pub update: Update,
    /// The catalogue of the draft, when chosen (for the rules that use the stock).
    #[prop_or_default]
    pub catalogue: Option<Rc<Catalogue>>,
    /// Diagnostics about the stock (`W-STOCK-INVALID`, EPCI above their département…).
    #[prop_or_default]
    pub diags: Rc<Vec<Diagnostic>>,
    /// Told how many fields hold a figure that cannot be stored (the step is not complete then).
    #[prop_or_default]
    pub on_invalid: Callback<usize>,
}

/// What a typed stock figure becomes: nothing (empty field), a whole number ≥ 0, or why not.
pub fn parse_stock(text: &str) -> Result<Option<f64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let n = parse_fr(text).map_err(|_| {
        format!(
            "« {} » n'est pas un nombre de logements : saisissez un nombre entier, par exemple 1 234.",
            text.trim()
        )
    })?;
    if n < 0.0 {
        Err(format!(
            "Le parc ne peut pas être négatif ({}) : saisissez un nombre de logements positif ou nul.",
            format_fr(n, 2)
        ))
    } else if n.fract() != 0.0 {
        Err(format!(
            "Le parc se compte en logements : saisissez un nombre entier (pas {}).",
            format_fr(n, 2)
        ))
    } else {
        Ok(Some(n))
    }
}

/// Id of the input of a territory (`parc-departement-59`), or of a base
/// (`base-parc-fg-departement-59`).
fn input_id(base: Option<&str>, key: &str) -> String {
    let t = key.replace([':', ' '], "-");
    match base {
        None => format!("parc-{t}"),
        Some(b) => format!("base-{b}-{t}"),
    }
}

/// What is typed, by column (`None`: the dwellings owned; `Some(id)`: a base) and territory.
type Typed = HashMap<(Option<String>, String), String>;

#[function_component(StockStep)]
pub fn stock_step(props: &Props) -> Html {
    // Text typed per territory key, while it differs from the stored figure (being typed, or
    // invalid and therefore not stored).
    let typed = use_mut_ref(Typed::new);
    let force = use_force_update();
    let conv = &props.draft;
    let geo = conv.referential();
    let invalid = typed
        .borrow()
        .values()
        .filter(|t| parse_stock(t).is_err())
        .count();
    {
        let on_invalid = props.on_invalid.clone();
        // What is typed here is dropped when the step is left: nothing pending then.
        use_effect_with(invalid, move |n| {
            on_invalid.emit(*n);
            move || on_invalid.emit(0)
        });
    }

    let mut territories: Vec<(TerritoryKey, String)> = vec![(
        TerritoryKey::Organisme,
        "Ensemble de l'organisme".to_string(),
    )];
    territories.extend(conv.departements.iter().map(|d| {
        let t = TerritoryKey::Departement(d.clone());
        let label = conv.territory_label(&t, geo);
        (t, label)
    }));
    territories.extend(conv.epci.iter().map(|e| {
        let t = TerritoryKey::Epci(e.clone());
        let label = format!("{} (EPCI / EPT)", conv.territory_label(&t, geo));
        (t, label)
    }));
    let declared: Vec<String> = territories.iter().map(|(t, _)| t.to_string()).collect();
    // Figures kept for territories no longer declared (or unreadable keys).
    let orphans: Vec<(String, f64)> = conv
        .stock
        .iter()
        .filter(|(k, _)| !declared.contains(k))
        .map(|(k, v)| (k.clone(), *v))
        .collect();

    // The stocks given once, besides the dwellings owned: the catalogue's bases (the
    // denominators of « parmi » indicators: parc F et G…), at 31 December of the year before
    // signing.
    let bases: Vec<(String, String)> = props
        .catalogue
        .as_deref()
        .map(|c| {
            c.bases
                .iter()
                .filter(|b| b.id != cus_core::catalogue::PARC_TOTAL)
                .map(|b| (b.id.clone(), b.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    let input = |base: Option<&str>, key: &str, label: &str| {
        let id = input_id(base, key);
        let msg_id = format!("{id}-message");
        let slot = (base.map(str::to_string), key.to_string());
        let stored = match base {
            None => conv.stock.get(key).copied(),
            Some(b) => conv.base_given(b, key),
        };
        let text = typed.borrow().get(&slot).cloned();
        let shown = text
            .clone()
            .unwrap_or_else(|| stored.map(|v| format_fr(v, 2)).unwrap_or_default());
        let error = text.as_deref().and_then(|t| parse_stock(t).err());
        let oninput = {
            let typed = typed.clone();
            let force = force.clone();
            let slot = slot.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                typed.borrow_mut().insert(slot.clone(), input.value());
                force.force_update();
            })
        };
        let onchange = change_handler(&typed, &force, &props.update, slot);
        html! {
            <td>
                <input id={id.clone()} type="text" inputmode="numeric" autocomplete="off" class="saisie-parc"
                    value={shown} {oninput} {onchange} aria-label={label.to_string()}
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then(|| msg_id.clone())} />
                if let Some(m) = &error {
                    <p id={msg_id} class="diag diag-erreur" role="alert">{ format!("⚠ {m} Cette saisie n'est pas enregistrée.") }</p>
                }
            </td>
        }
    };
    let row = |(t, label): &(TerritoryKey, String)| {
        let key = t.to_string();
        html! {
            <tr>
                <th scope="row">{ label.clone() }</th>
                { input(None, &key, &format!("Parc de logements — {label}")) }
                { for bases.iter().map(|(b, blabel)| input(Some(b), &key, &format!("{blabel} — {label}"))) }
            </tr>
        }
    };

    let remove_orphans = {
        let update = props.update.clone();
        let keys: Vec<String> = orphans.iter().map(|(k, _)| k.clone()).collect();
        Callback::from(move |_: MouseEvent| {
            update.emit(Edit::Batch(
                keys.iter()
                    .map(|k| Edit::SetStock {
                        territory: k.clone(),
                        dwellings: None,
                    })
                    .collect(),
            ));
        })
    };

    html! {
        <div class="parc">
            { explanation(props.catalogue.as_deref(), conv) }
            if conv.departements.is_empty() {
                <p class="aide">
                    { "Aucun département déclaré : seul le parc de l'ensemble de l'organisme peut être saisi. Déclarez les territoires à l'étape " }
                    <a href={Route::Fill(FillStep::Territoires).to_hash()}>{ "Territoires" }</a>{ "." }
                </p>
            }
            <table class="tableau-parc">
                <caption class="sr-only">{ "Parc de logements par territoire" }</caption>
                <thead><tr>
                    <th scope="col">{ "Territoire" }</th>
                    <th scope="col">{ "Parc (logements)" }</th>
                    { for bases.iter().map(|(_, l)| html! { <th scope="col">{ format!("{l} (logements)") }</th> }) }
                </tr></thead>
                <tbody>{ for territories.iter().map(row) }</tbody>
            </table>
            if !orphans.is_empty() {
                <section class="parc-orphelins" aria-labelledby="titre-parc-orphelins">
                    <h3 id="titre-parc-orphelins">{ "Parcs déclarés pour des territoires qui ne sont plus retenus" }</h3>
                    <ul>
                        { for orphans.iter().map(|(k, v)| {
                            let label = k.parse::<TerritoryKey>().map(|t| conv.territory_label(&t, geo)).unwrap_or_else(|_| k.clone());
                            html! { <li>{ format!("{label} : {} logements", format_fr(*v, 2)) }</li> }
                        }) }
                    </ul>
                    <button type="button" class="bouton bouton-secondaire" onclick={remove_orphans}>{ "Retirer ces parcs" }</button>
                </section>
            }
            if !props.diags.is_empty() {
                <ul class="diagnostics" id="diagnostics-parc" aria-live="polite">
                    { for props.diags.iter().map(|d| html! {
                        <li class={if d.severity == Severity::Error { "diag diag-erreur" } else { "diag diag-avertissement" }} data-code={d.code.clone()}>
                            <strong>{ format!("{} : ", d.severity.label_fr()) }</strong>
                            { &d.message }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

/// Store the figure once the field is left: a whole number ≥ 0 is stored, an empty field removes
/// the figure, anything else stays typed (with its message) and is not stored.
fn change_handler(
    typed: &Rc<RefCell<Typed>>,
    force: &UseForceUpdateHandle,
    update: &Update,
    slot: (Option<String>, String),
) -> Callback<Event> {
    let typed = typed.clone();
    let force = force.clone();
    let update = update.clone();
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let text = input.value();
        match parse_stock(&text) {
            Ok(v) => {
                typed.borrow_mut().remove(&slot);
                update.emit(match &slot.0 {
                    None => Edit::SetStock {
                        territory: slot.1.clone(),
                        dwellings: v,
                    },
                    Some(b) => Edit::SetBase {
                        base: b.clone(),
                        territory: slot.1.clone(),
                        value: v,
                    },
                });
            }
            Err(_) => {
                typed.borrow_mut().insert(slot.clone(), text);
                force.force_update();
            }
        }
    })
}

/// Why the stock is asked, with the rules of `data/rules/` that use it for this catalogue.
fn explanation(cat: Option<&Catalogue>, conv: &Convention) -> Html {
    let rules: Vec<Html> = cat
        .map(|cat| {
            RuleSet::embedded()
                .ratios_to_stock
                .iter()
                .filter(|r| r.applies_to(cat))
                .filter_map(|r| cat.indicator(&r.indicator).map(|ind| (r, ind)))
                .map(|(r, ind)| {
                    let split = SplitKey::parse_key(&r.split)
                        .map(|s| s.label_fr(ind))
                        .unwrap_or_else(|| r.split.clone());
                    let period = parse_period_key(&r.period)
                        .map(|p| p.label_fr(cus_core::rules::label_year(conv)))
                        .unwrap_or_else(|| r.period.clone());
                    html! {
                        <li>
                            <span class="code">{ &ind.code }</span>
                            { format!(
                                " — {} ({split}, {period}) au-delà de {} du parc du territoire : avertissement, car {}. L'indicateur est défini par : {}.",
                                ind.short_label,
                                cus_core::calc::percent_fr(r.max_percent),
                                r.reason,
                                cat.citation(ind)
                            ) }
                        </li>
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        <div class="explication-parc">
            <p>
                { "Indiquez le nombre de logements dont l'organisme est propriétaire, pour l'ensemble de l'organisme et pour chaque territoire déclaré. Ce parc n'est pas un indicateur de la convention et sa saisie est facultative ; il sert à rapporter les valeurs saisies au parc existant :" }
            </p>
            <ul>
                <li>{ "le rapport au parc (valeur ÷ parc du territoire), proposé dans la rubrique « Calculs » sous chaque tableau d'indicateur chiffré ;" }</li>
                <li>
                    { "les contrôles de vraisemblance" }
                    if rules.is_empty() {
                        { " (aucun ne s'applique au catalogue choisi)." }
                    } else {
                        { " :" }
                        <ul>{ for rules }</ul>
                    }
                </li>
            </ul>
            <p class="aide">
                { "Les autres colonnes, quand le catalogue en demande, sont les bases données une fois, au 31 décembre de l'année précédant la signature : le dénominateur d'un indicateur « parmi » (logements de classe F et G pour PP-2…) ; avec elles, un engagement saisi en nombre donne son pourcentage, et inversement, sous chaque grille. " }
                { "Ces seuils sont des ordres de grandeur d'usage, sans base réglementaire : un avertissement ne bloque pas la saisie ; il se vérifie et se confirme à l'étape " }
                <a href={Route::Fill(FillStep::Verification).to_hash()}>{ "Vérification" }</a>
                { ", avant l'export définitif. Saisissez des nombres entiers (par exemple 1 234) ; un champ vide retire le parc du territoire." }
            </p>
        </div>
    }
}
