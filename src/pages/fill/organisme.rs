//! Step Organisme: raison sociale, SIREN, kind, head office.

use cus_core::convention::Convention;
use cus_core::organisme::{check_siren, display_siren, Organisme, OrganismeKind};
use yew::prelude::*;

use crate::pages::grid::Update;
use cus_core::convention::Edit;

// ---- Step: Organisme ---------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(super) struct OrganismeProps {
    pub(super) draft: Convention,
    pub(super) update: Update,
}

#[function_component(OrganismeStep)]
pub(super) fn organisme_step(props: &OrganismeProps) -> Html {
    let o = &props.draft.organisme;
    let text_setter = |f: fn(&mut Organisme, String)| {
        let update = props.update.clone();
        let current = o.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let mut o = current.clone();
            f(&mut o, input.value());
            update.emit(Edit::SetOrganisme(o));
        })
    };
    let select_setter = |f: fn(&mut Organisme, String)| {
        let update = props.update.clone();
        let current = o.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut o = current.clone();
            f(&mut o, sel.value());
            update.emit(Edit::SetOrganisme(o));
        })
    };
    let siren_error = (!o.siren.trim().is_empty())
        .then(|| check_siren(&o.siren).err())
        .flatten();
    let geo = props.draft.referential();
    html! {
        <div class="formulaire">
            <div class="champ">
                <label for="raison-sociale">{ "Raison sociale" }</label>
                <input id="raison-sociale" type="text" autocomplete="organization" value={o.raison_sociale.clone()}
                    oninput={text_setter(|o, v| o.raison_sociale = v)} />
            </div>
            <div class="champ">
                <label for="siren">{ "SIREN (9 chiffres)" }</label>
                // Stored as its nine digits (the edit normalises what is typed), shown grouped.
                <input id="siren" type="text" inputmode="numeric" autocomplete="off" value={display_siren(&o.siren)}
                    aria-invalid={siren_error.is_some().then_some("true")}
                    aria-describedby={siren_error.is_some().then_some("siren-erreur")}
                    oninput={text_setter(|o, v| o.siren = v)} />
                if let Some(e) = siren_error {
                    <p id="siren-erreur" class="diag diag-erreur" role="alert">{ format!("⚠ {e}") }</p>
                }
            </div>
            <div class="champ">
                <label for="statut">{ "Statut de l'organisme" }</label>
                <select id="statut" onchange={select_setter(|o, v| o.kind = OrganismeKind::ALL.into_iter().find(|k| format!("{k:?}") == v))}>
                    <option value="" selected={o.kind.is_none()} disabled=true>{ "— Choisissez —" }</option>
                    { for OrganismeKind::ALL.iter().map(|k| html! {
                        <option value={format!("{k:?}")} selected={o.kind == Some(*k)}>{ k.label_fr() }</option>
                    }) }
                </select>
            </div>
            <div class="champ">
                <label for="siege">{ "Département du siège" }</label>
                <select id="siege" aria-describedby="aide-siege" onchange={select_setter(|o, v| o.siege_departement = Some(v).filter(|v| !v.is_empty()))}>
                    <option value="" selected={o.siege_departement.is_none()}>{ "— Choisissez —" }</option>
                    { for geo.iter().flat_map(|g| g.departements.iter()).map(|d| html! {
                        <option value={d.code.clone()} selected={o.siege_departement.as_deref() == Some(d.code.as_str())}>{ d.label() }</option>
                    }) }
                </select>
                <p id="aide-siege" class="aide">{ "Le fichier des engagements est transmis au préfet du département du siège (arrêté du 19 octobre 2017, art. 4)." }</p>
            </div>
        </div>
    }
}
