//! The list of named drafts: open, duplicate, rename, delete, new.

use yew::prelude::*;

use crate::drafts;
use crate::pages::grid::Update;
use cus_core::convention::Edit;

// ---- Drafts ------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(super) struct DraftsProps {
    pub(super) current: String,
    pub(super) name: String,
    /// Where the open draft's commitments stand (« non signée », « avenant n° 1 en
    /// préparation »…), as `DraftInfo::status_fr` says it of the others.
    pub(super) status: String,
    pub(super) open: Callback<drafts::Request>,
    pub(super) update: Update,
    /// Changes when the stored list may have changed (a save, an open): read it again.
    pub(super) saved: u32,
}

/// List of named drafts: open, duplicate, rename, delete (with confirmation), new.
#[function_component(DraftsPanel)]
pub(super) fn drafts_panel(props: &DraftsProps) -> Html {
    let confirm = use_state(|| None::<String>);
    let stored = use_state(|| (Vec::<drafts::DraftInfo>::new(), None::<String>));
    {
        let stored = stored.clone();
        use_effect_with((props.saved, props.current.clone()), move |_| {
            wasm_bindgen_futures::spawn_local(async move { stored.set(drafts::list().await) });
        });
    }
    let (list, list_error) = &*stored;
    // Most recently changed first.
    let mut list = list.clone();
    list.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    let on_new = {
        let open = props.open.clone();
        Callback::from(move |_| open.emit(drafts::Request::Create(Box::default())))
    };
    let on_rename = {
        let update = props.update.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let name = input.value().trim().to_string();
            if !name.is_empty() {
                update.emit(Edit::SetName(name));
            }
        })
    };
    html! {
        <details class="brouillons">
            <summary>{ format!("Brouillon : {} — mes brouillons ({})", props.name, list.len()) }</summary>
            <div class="champ">
                <label for="nom-brouillon">{ "Nom du brouillon ouvert" }</label>
                <input id="nom-brouillon" type="text" value={props.name.clone()} onchange={on_rename} />
            </div>
            <ul class="liste-brouillons" aria-label="Mes brouillons">
                { for list.iter().map(|d| {
                    let is_current = d.id == props.current;
                    let id = d.id.clone();
                    let open = props.open.clone();
                    let on_open = { let id = id.clone(); Callback::from(move |_| open.emit(drafts::Request::Open(id.clone()))) };
                    let open = props.open.clone();
                    let on_dup = { let id = id.clone(); Callback::from(move |_| open.emit(drafts::Request::Duplicate(id.clone()))) };
                    let confirm_ask = { let confirm = confirm.clone(); let id = id.clone(); Callback::from(move |_| confirm.set(Some(id.clone()))) };
                    let confirm_no = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(None)) };
                    let confirm_yes = {
                        let confirm = confirm.clone();
                        let open = props.open.clone();
                        let id = id.clone();
                        Callback::from(move |_| {
                            confirm.set(None);
                            // Then the current draft (or, if it was deleted, the latest one).
                            open.emit(drafts::Request::Delete(id.clone()));
                        })
                    };
                    html! {
                        <li class={classes!("brouillon", is_current.then_some("brouillon-courant"))}>
                            <span class="brouillon-nom">{ if is_current { props.name.clone() } else { d.name.clone() } }</span>
                            // What tells two drafts of one organism apart: signed or not (which
                            // version), and when it last changed.
                            <span class="brouillon-etat">{ format!(" — {}", if is_current { props.status.clone() } else { d.status_fr() }) }</span>
                            <span class="aide">{ format!(" — modifié le {}, {}", drafts::format_date_fr(&d.updated), size_fr(d.bytes)) }</span>
                            if is_current { <span class="etiquette">{ " (ouvert)" }</span> }
                            <span class="brouillon-actions">
                                if !is_current {
                                    <button type="button" class="lien-bouton" onclick={on_open} aria-label={format!("Ouvrir {}", d.name)}>{ "Ouvrir" }</button>
                                }
                                <button type="button" class="lien-bouton" onclick={on_dup} aria-label={format!("Dupliquer {}", d.name)}>{ "Dupliquer" }</button>
                                <button type="button" class="lien-bouton" onclick={confirm_ask} aria-label={format!("Supprimer {}", d.name)}>{ "Supprimer" }</button>
                            </span>
                            if confirm.as_deref() == Some(d.id.as_str()) {
                                <div class="confirmation" role="alertdialog" aria-label="Confirmer la suppression">
                                    <p>{ format!("Supprimer définitivement le brouillon « {} » ? Cette action est irréversible.", d.name) }</p>
                                    <button type="button" class="bouton bouton-danger" onclick={confirm_yes}>{ "Supprimer définitivement" }</button>
                                    { " " }
                                    <button type="button" class="bouton bouton-secondaire" onclick={confirm_no}>{ "Annuler" }</button>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
            if let Some(m) = list_error {
                <p class="message-erreur" role="alert">{ m }</p>
            }
            <button type="button" class="bouton bouton-secondaire" onclick={on_new}>{ "Nouveau brouillon" }</button>
            <p class="aide">{ storage_note() }</p>
        </details>
    }
}

/// "1,2 Mo" for a size in bytes.
pub(super) fn size_fr(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!(
            "{} ko",
            cus_core::numfmt::format_fr(((bytes as f64) / 1000.0).ceil(), 0)
        )
    } else {
        format!(
            "{} Mo",
            cus_core::numfmt::format_fr(bytes as f64 / 1_000_000.0, 1)
        )
    }
}

/// Where the drafts are kept, and whether the browser promised to keep them.
pub(super) fn storage_note() -> &'static str {
    match drafts::persisted() {
        Some(true) => "Les brouillons sont enregistrés dans ce navigateur (IndexedDB), en stockage persistant : le navigateur ne les effacera pas pour faire de la place.",
        _ => "Les brouillons sont enregistrés dans ce navigateur (IndexedDB) ; si l'espace vient à manquer, le navigateur peut effacer les données des sites : exportez régulièrement votre travail.",
    }
}
