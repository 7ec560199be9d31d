//! Step Convention: signing year and catalogue.

use cus_core::convention::Convention;
use cus_core::geo::{self};
use yew::prelude::*;

use super::*;
use crate::catalogues::Catalogues;
use crate::pages::grid::Update;
use cus_core::convention::Edit;

// ---- Step 1: Convention ------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(super) struct ConventionProps {
    pub(super) catalogues: Catalogues,
    pub(super) draft: Convention,
    pub(super) update: Update,
}

#[function_component(ConventionStep)]
pub(super) fn convention_step(props: &ConventionProps) -> Html {
    let cats = &props.catalogues.0;
    let on_catalogue = {
        let update = props.update.clone();
        let cats = props.catalogues.clone();
        let d = props.draft.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let idx: Option<usize> = sel.value().parse().ok();
            if let Some(c) = idx.and_then(|i| cats.0.get(i)) {
                update.emit(Edit::SetConvention {
                    catalogue: cus_core::convention::CatalogueRef {
                        id: c.id.clone(),
                        version: c.version.clone(),
                    },
                    signing_year: d.signing_year,
                    geo_vintage: d.geo_vintage,
                });
            }
        })
    };
    let on_year = {
        let update = props.update.clone();
        let d = props.draft.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let year = input
                .value()
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2009..=2040).contains(y));
            update.emit(Edit::SetConvention {
                catalogue: d.catalogue.clone(),
                signing_year: year,
                geo_vintage: year.map(geo::vintage_for_signing_year),
            });
        })
    };
    let current = draft_catalogue(cats, &props.draft);
    let year_warning = match (current, props.draft.signing_year) {
        (Some(c), Some(y)) => {
            let from: i32 = c.signing.from[..4].parse().unwrap_or(0);
            let until: i32 = c
                .signing
                .until
                .as_deref()
                .and_then(|u| u[..4].parse().ok())
                .unwrap_or(9999);
            (y < from || y > until).then(|| {
                format!(
                    "Ce catalogue s'applique aux conventions signées {} ; vérifiez l'année de \
                     signature ou choisissez un autre catalogue.",
                    match &c.signing.until {
                        Some(u) => format!("du {} au {}", c.signing.from, u),
                        None => format!("à partir du {}", c.signing.from),
                    }
                )
            })
        }
        _ => None,
    };
    html! {
        <div class="formulaire">
            <div class="champ">
                <label for="catalogue">{ "Génération et type de CUS (catalogue d'indicateurs)" }</label>
                <select id="catalogue" onchange={on_catalogue}>
                    <option value="" selected={current.is_none()} disabled=true>{ "— Choisissez —" }</option>
                    { for cats.iter().enumerate().map(|(i, c)| {
                        let selected = current.is_some_and(|x| x == c);
                        html! {
                            <option value={i.to_string()} {selected}>
                                { format!("{} (version {}, signature {})", c.title, c.version, match &c.signing.until {
                                    Some(u) => format!("{} → {}", c.signing.from, u),
                                    None => format!("depuis {}", c.signing.from),
                                }) }
                            </option>
                        }
                    }) }
                </select>
            </div>
            <div class="champ">
                <label for="annee-signature">{ "Année de signature" }</label>
                <input id="annee-signature" type="number" min="2009" max="2040" inputmode="numeric"
                    value={props.draft.signing_year.map(|y| y.to_string()).unwrap_or_default()}
                    onchange={on_year} aria-describedby="aide-annee" />
                <p id="aide-annee" class="aide">
                    { "Les engagements courent du 1er janvier de l'année de signature au 31 décembre de l'année précédant l'échéance (arrêté du 19 octobre 2017, art. 6-1)." }
                </p>
            </div>
            if let Some(w) = year_warning {
                <p class="diag diag-avertissement" role="status">{ w }</p>
            }
            if let (Some(c), Some(y)) = (current, props.draft.signing_year) {
                <p class="resume">
                    { format!("{} ; engagements de {} à {} ; {} indicateurs.", c.title, y, y + 5, c.indicators.len()) }
                </p>
            }
        </div>
    }
}
