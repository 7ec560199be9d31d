//! Step Convention: signing year and catalogue.

use cus_core::catalogue::{applies_to_year, for_signing_year, CusKind};
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

/// Years a signing year may take (the first generation started in 2010).
const YEARS: std::ops::RangeInclusive<i32> = 2009..=2040;

#[function_component(ConventionStep)]
pub(super) fn convention_step(props: &ConventionProps) -> Html {
    let cats = &props.catalogues.0;
    // A year that cannot be a signing year stays in the field, with what is expected; the draft
    // keeps its year until a valid one is typed.
    let refused = use_state(|| None::<String>);
    // The catalogue chosen from the year, said once.
    let proposed = use_state(|| None::<String>);
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
        let cats = props.catalogues.clone();
        let (refused, proposed) = (refused.clone(), proposed.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let text = input.value().trim().to_string();
            let year = text.parse::<i32>().ok().filter(|y| YEARS.contains(y));
            if year.is_none() && !text.is_empty() {
                refused.set(Some(text));
                return;
            }
            refused.set(None);
            // The catalogue the year implies, of the kind already chosen (logements locatifs by
            // default), when none is chosen or the one chosen does not apply to that year.
            let current = draft_catalogue(&cats.0, &d);
            let keep = current.is_some_and(|c| year.is_none_or(|y| applies_to_year(c, y)));
            let implied = year.filter(|_| !keep).and_then(|y| {
                let kind = current.map_or(CusKind::LogementsLocatifs, |c| c.kind);
                for_signing_year(&cats.0, kind, y)
            });
            proposed.set(implied.map(|c| {
                format!(
                    "Catalogue choisi d'après l'année de signature : {} (version {}). Changez-le \
                     ci-dessous si votre CUS porte sur un autre type de logements.",
                    c.title, c.version
                )
            }));
            update.emit(Edit::SetConvention {
                catalogue: implied.map_or(d.catalogue.clone(), |c| {
                    cus_core::convention::CatalogueRef {
                        id: c.id.clone(),
                        version: c.version.clone(),
                    }
                }),
                signing_year: year,
                geo_vintage: year.map(geo::vintage_for_signing_year),
            });
        })
    };
    let current = draft_catalogue(cats, &props.draft);
    let year_warning = match (current, props.draft.signing_year) {
        (Some(c), Some(y)) => (!applies_to_year(c, y)).then(|| {
            format!(
                "Ce catalogue s'applique aux conventions signées {} ; vérifiez l'année de \
                     signature ou choisissez un autre catalogue.",
                match &c.signing.until {
                    Some(u) => format!("du {} au {}", c.signing.from, u),
                    None => format!("à partir du {}", c.signing.from),
                }
            )
        }),
        _ => None,
    };
    let year_field = html! {
        <div class="champ">
            <label for="annee-signature">{ "Année de signature" }</label>
            <input id="annee-signature" type="text" inputmode="numeric" maxlength="4" class="champ-annee"
                value={(*refused).clone().or_else(|| props.draft.signing_year.map(|y| y.to_string())).unwrap_or_default()}
                onchange={on_year}
                aria-invalid={refused.is_some().then_some("true")}
                aria-describedby={if refused.is_some() { "erreur-annee aide-annee" } else { "aide-annee" }} />
            if let Some(t) = &*refused {
                <p id="erreur-annee" class="diag diag-erreur" role="alert">
                    { format!("« {t} » n'est pas une année de signature : saisissez l'année sur 4 chiffres, entre {} et {} (par exemple 2024). L'année enregistrée n'a pas changé.", YEARS.start(), YEARS.end()) }
                </p>
            }
            <p id="aide-annee" class="aide">
                { "Les engagements courent du 1er janvier de l'année de signature au 31 décembre de l'année précédant l'échéance (arrêté du 19 octobre 2017, art. 6-1). L'année choisit le catalogue d'indicateurs applicable." }
            </p>
        </div>
    };
    html! {
        <div class="formulaire">
            { year_field }
            if let Some(p) = &*proposed {
                <p class="message-ok" role="status">{ p }</p>
            }
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
