//! Step Organisme: raison sociale, SIREN, kind, head office, and the diagnostics of the organism
//! rules (`rules::check_organisme`, the same as on Vérification and in `cus check`).

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::Diagnostic;
use cus_core::organisme::{display_siren, Organisme, OrganismeKind};
use cus_core::rules;
use yew::prelude::*;

use super::menu::diagnostics_list;
use crate::pages::grid::Update;
use cus_core::convention::Edit;

/// The draft's catalogue as the form validated it (pinned by the page before its steps render),
/// for the citation of the head-office rule; `None` before a catalogue is chosen.
fn validated_catalogue(conv: &Convention) -> Option<&'static Catalogue> {
    let r = &conv.catalogue;
    super::PINNED.with(|p| {
        p.borrow()
            .iter()
            .rev()
            .copied()
            .find(|c| c.is(&r.id, &r.version))
    })
}

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
    let geo = props.draft.referential();
    // Computed here, so they show before a catalogue is chosen (the page validates only then).
    let diags: Vec<Diagnostic> = rules::check_organisme(o, validated_catalogue(&props.draft), geo);
    let invalid = |field: &str| {
        diags
            .iter()
            .any(|d| d.location.path.as_deref() == Some(&format!("organisme.{field}")[..]))
    };
    let aria_invalid = |field: &str| invalid(field).then_some("true");
    let described = |field: &str, help: Option<&str>| -> Option<String> {
        let ids: Vec<&str> = help
            .into_iter()
            .chain(invalid(field).then_some("diagnostics-organisme"))
            .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    html! {
        <div class="formulaire">
            <div class="champ">
                <label for="raison-sociale">{ "Raison sociale" }</label>
                <input id="raison-sociale" type="text" autocomplete="organization" value={o.raison_sociale.clone()}
                    aria-invalid={aria_invalid("raison_sociale")}
                    aria-describedby={described("raison_sociale", None)}
                    oninput={text_setter(|o, v| o.raison_sociale = v)} />
            </div>
            <div class="champ">
                <label for="siren">{ "SIREN (9 chiffres)" }</label>
                // Stored as its nine digits (the edit normalises what is typed), shown grouped.
                <input id="siren" type="text" inputmode="numeric" autocomplete="off" value={display_siren(&o.siren)}
                    aria-invalid={aria_invalid("siren")}
                    aria-describedby={described("siren", None)}
                    oninput={text_setter(|o, v| o.siren = v)} />
            </div>
            <div class="champ">
                <label for="statut">{ "Statut de l'organisme" }</label>
                <select id="statut" aria-invalid={aria_invalid("kind")} aria-describedby={described("kind", None)} onchange={select_setter(|o, v| o.kind = OrganismeKind::ALL.into_iter().find(|k| format!("{k:?}") == v))}>
                    <option value="" selected={o.kind.is_none()} disabled=true>{ "— Choisissez —" }</option>
                    { for OrganismeKind::ALL.iter().map(|k| html! {
                        <option value={format!("{k:?}")} selected={o.kind == Some(*k)}>{ k.label_fr() }</option>
                    }) }
                </select>
            </div>
            <div class="champ">
                <label for="siege">{ "Département du siège" }</label>
                <select id="siege" aria-invalid={aria_invalid("siege_departement")} aria-describedby={described("siege_departement", Some("aide-siege"))} onchange={select_setter(|o, v| o.siege_departement = Some(v).filter(|v| !v.is_empty()))}>
                    <option value="" selected={o.siege_departement.is_none()}>{ "— Choisissez —" }</option>
                    { for geo.iter().flat_map(|g| g.departements.iter()).map(|d| html! {
                        <option value={d.code.clone()} selected={o.siege_departement.as_deref() == Some(d.code.as_str())}>{ d.label() }</option>
                    }) }
                </select>
                <p id="aide-siege" class="aide">{ "Le fichier des engagements est transmis au préfet du département du siège (arrêté du 19 octobre 2017, art. 4)." }</p>
            </div>
            { diagnostics_list(&diags, "diagnostics-organisme", &props.draft.catalogue) }
        </div>
    }
}
