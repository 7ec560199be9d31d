//! The territory of study: a région (list), a département or an EPCI / EPT (search as you type),
//! and the vintage of the referential.

use cus_core::consolidation::WsEdit;
use cus_core::convention::TerritoryKey;
use cus_core::geo::Hit;
use yew::prelude::*;

use super::SectionProps;

#[function_component(Territoire)]
pub fn territoire(props: &SectionProps) -> Html {
    let query = use_state(String::new);
    let ws = &props.store.ws;
    let geo = props.derived.geo;
    let set = |t: Option<TerritoryKey>| {
        let d = props.dispatch.clone();
        let vintage = Some(geo.vintage.year);
        Callback::from(move |_: MouseEvent| {
            d.emit(WsEdit::SetTerritory {
                territory: t.clone(),
                geo_vintage: vintage,
            })
        })
    };
    let on_region = {
        let d = props.dispatch.clone();
        let vintage = Some(geo.vintage.year);
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if !v.is_empty() {
                d.emit(WsEdit::SetTerritory {
                    territory: Some(TerritoryKey::Region(v)),
                    geo_vintage: vintage,
                });
            }
        })
    };
    let on_vintage = {
        let d = props.dispatch.clone();
        let t = ws.territory.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            d.emit(WsEdit::SetTerritory {
                territory: t.clone(),
                geo_vintage: v.parse().ok(),
            });
        })
    };
    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            query.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let hits = if query.trim().len() >= 2 {
        geo.search(&query, 12)
    } else {
        Vec::new()
    };
    // Keyboard as in « Remplir »: Enter takes the first result, ArrowDown goes into the list,
    // ArrowUp / ArrowDown move in it, Escape goes back to the search.
    let first = hits.first().map(|h| match h {
        Hit::Departement(d) => TerritoryKey::Departement(d.code.clone()),
        Hit::Epci(e) => TerritoryKey::Epci(e.siren.clone()),
    });
    let on_search_key = {
        let d = props.dispatch.clone();
        let vintage = Some(geo.vintage.year);
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                if let Some(t) = first.clone() {
                    d.emit(WsEdit::SetTerritory {
                        territory: Some(t),
                        geo_vintage: vintage,
                    });
                }
            }
            "ArrowDown" => {
                e.prevent_default();
                focus(".resultats-territoire li:first-child button");
            }
            _ => {}
        })
    };
    let on_list_key = Callback::from(|e: KeyboardEvent| {
        let key = e.key();
        if !matches!(key.as_str(), "ArrowDown" | "ArrowUp" | "Escape") {
            return;
        }
        e.prevent_default();
        if key == "Escape" {
            focus("#recherche-territoire");
            return;
        }
        let Some(li) = e
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|b| b.closest("li").ok().flatten())
        else {
            return;
        };
        let next = if key == "ArrowDown" {
            li.next_element_sibling()
        } else {
            li.previous_element_sibling()
        };
        match next.and_then(|n| n.query_selector("button").ok().flatten()) {
            Some(b) => {
                if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b) {
                    let _ = h.focus();
                }
            }
            None if key == "ArrowUp" => focus("#recherche-territoire"),
            None => {}
        }
    });
    let current = ws
        .territory
        .as_ref()
        .map(|t| cus_core::consolidation::territory_label(t, geo));
    let region_value = match &ws.territory {
        Some(TerritoryKey::Region(r)) => r.clone(),
        _ => String::new(),
    };
    html! {
        <>
            <p class="chapo">{ "Le territoire dont vous consolidez les engagements : une région (services de l'État), un département ou un EPCI / EPT (collectivités)." }</p>
            <p class="encart" role="status">
                { match &current {
                    Some(c) => format!("Territoire étudié : {c} (référentiel {}).", geo.vintage.year),
                    None => "Aucun territoire choisi.".to_string(),
                } }
            </p>
            <div class="ligne-formulaire">
                <label for="millesime">{ "Référentiel territorial" }</label>
                <select id="millesime" onchange={on_vintage}>
                    { for cus_core::geo::vintages().iter().map(|y| html! {
                        <option value={y.to_string()} selected={*y == geo.vintage.year}>{ format!("Millésime {y}") }</option>
                    }) }
                </select>
            </div>
            <h2>{ "Une région" }</h2>
            <div class="ligne-formulaire">
                <label for="region">{ "Région" }</label>
                <select id="region" onchange={on_region}>
                    <option value="" selected={region_value.is_empty()}>{ "— choisir —" }</option>
                    { for cus_core::geo::regions().iter().map(|r| html! {
                        <option value={r.code.clone()} selected={r.code == region_value}>{ format!("{} ({})", r.nom, r.code) }</option>
                    }) }
                </select>
            </div>
            <h2>{ "Un département ou un EPCI / EPT" }</h2>
            <label for="recherche-territoire">{ "Nom, numéro de département ou SIREN (2 caractères au moins)" }</label>
            <input id="recherche-territoire" type="search" value={(*query).clone()} oninput={on_query} onkeydown={on_search_key}
                aria-describedby="aide-recherche-territoire" autocomplete="off" />
            <p id="aide-recherche-territoire" class="aide">{ "Par exemple « Lille », « 59 » ou « 200093201 »." }</p>
            if !hits.is_empty() {
                <ul class="resultats-territoire" aria-label="Territoires trouvés" onkeydown={on_list_key}>
                    { for hits.iter().map(|h| {
                        let key = match h {
                            Hit::Departement(d) => TerritoryKey::Departement(d.code.clone()),
                            Hit::Epci(e) => TerritoryKey::Epci(e.siren.clone()),
                        };
                        let kind = match h { Hit::Departement(_) => "département", Hit::Epci(_) => "EPCI / EPT" };
                        let selected = ws.territory.as_ref() == Some(&key);
                        html! {
                            <li>
                                <button type="button" class="bouton bouton-secondaire" onclick={set(Some(key))} aria-pressed={selected.to_string()}>
                                    { format!("{} ({kind})", h.label()) }
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            } else if query.trim().len() >= 2 {
                <p role="status">{ "Aucun territoire ne correspond." }</p>
            }
        </>
    }
}

/// Focus the first element matching `selector`, if any.
fn focus(selector: &str) {
    if let Some(h) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = h.focus();
    }
}
