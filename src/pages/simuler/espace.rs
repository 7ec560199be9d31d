//! The workspaces: list, create, open, rename, delete, export as one file, open a file; the
//! fictional région; saving to IndexedDB (`cus_core::consolidation::store` over the drafts'
//! storage) with the drafts' policy (`crate::autosave`: once edits pause, 2 s at most, never two
//! writes at once, at once and copied to local storage when the page goes away).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cus_core::consolidation::store::{file_ids, rescue, WorkspaceInfo, Workspaces, WsSaveError};
use cus_core::consolidation::{Workspace, WsEdit};
use yew::prelude::*;

use super::{SectionProps, SimAction, SimStore};
use crate::autosave::{Hooks, Saver};
use crate::drafts::{format_date_fr, now_iso, Shared};
use crate::formats::FormatsWorker;
use crate::route::{Route, SimStep};

/// Local-storage key of the workspace last opened in this browser.
const CURRENT: &str = "cus.espace.courant";

/// Unsaved edits copied synchronously when the page goes away, one key per workspace
/// (`cus.secours-espace.<id>`; not under the drafts' `cus.secours.`, which reads only drafts).
const RESCUE_PREFIX: &str = "cus.secours-espace.";

/// The message of a save refused because another tab saved the workspace since.
pub const CONFLICT: &str = "Vos dernières modifications ne sont pas enregistrées : cet espace a \
    été enregistré entre-temps dans un autre onglet de ce navigateur, et l'enregistrer ici \
    effacerait ce qui y a été fait. Pour garder vos modifications, enregistrez l'espace dans un \
    fichier (section « Espace », bouton « Enregistrer l'espace dans un fichier »), puis \
    rechargez la version enregistrée.";

/// The version of a workspace this tab last read or wrote, and the files then stored.
type Known = (Option<u64>, Vec<String>);

thread_local! {
    /// Of each workspace, what a save names (`Workspaces::save` refuses it when another tab
    /// saved since).
    static KNOWN: RefCell<HashMap<String, Known>> = RefCell::default();
    static SAVER: Saver<WsSave> = Saver::new(Hooks {
        write,
        rescue: rescue_copy,
        busy: |_| {},
    });
    /// The rescue copies of pages gone away are put back once, before the first workspace read.
    static RECOVERED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

async fn store() -> Workspaces<Shared> {
    Workspaces::new(Shared::get().await)
}

fn remember(id: &str) {
    let _ = crate::storage::set(CURRENT, id);
}

fn known(id: &str) -> Known {
    KNOWN.with(|k| k.borrow().get(id).cloned().unwrap_or_default())
}

fn set_known(id: &str, version: Option<u64>, stored: Vec<String>) {
    KNOWN.with(|k| k.borrow_mut().insert(id.to_string(), (version, stored)));
}

/// Put back the edits that pages gone away could not write in time; French messages.
async fn recover() -> Vec<String> {
    if RECOVERED.with(|r| r.replace(true)) {
        return Vec::new();
    }
    let s = store().await;
    let mut notes = Vec::new();
    for (key, text) in crate::autosave::rescues(RESCUE_PREFIX) {
        // On a storage failure the copy stays for the next time.
        if let Ok(message) = s.recover(&text, &now_iso()).await {
            crate::autosave::drop_rescue(&key);
            notes.extend(message);
        }
    }
    notes
}

/// Open the workspace last opened in this browser, if any.
pub async fn open_last(d: UseReducerDispatcher<SimStore>) {
    let notes = recover().await;
    let Some(id) = crate::storage::get(CURRENT).ok().flatten() else {
        if !notes.is_empty() {
            d.dispatch(SimAction::Message(Some(notes.join(" "))));
        }
        return;
    };
    open_with(d, &id, notes).await;
}

/// Open a stored workspace (once what this tab has pending is written).
pub async fn open(d: UseReducerDispatcher<SimStore>, id: &str) {
    let notes = recover().await;
    open_with(d, id, notes).await;
}

async fn open_with(d: UseReducerDispatcher<SimStore>, id: &str, mut notes: Vec<String>) {
    flush().await;
    match store().await.load(id).await {
        Ok(Some((ws, version, problems))) => {
            remember(id);
            let stored = file_ids(&ws);
            set_known(id, Some(version), stored.clone());
            notes.extend(problems);
            d.dispatch(SimAction::Open {
                id: id.to_string(),
                ws,
                version: Some(version),
                stored,
                notes,
            });
        }
        Ok(None) => {
            if !notes.is_empty() {
                d.dispatch(SimAction::Message(Some(notes.join(" "))));
            }
        }
        Err(e) => d.dispatch(SimAction::Message(Some(e.0))),
    }
}

/// A new workspace, stored at once.
pub async fn create(d: UseReducerDispatcher<SimStore>, ws: Workspace) {
    flush().await;
    let s = store().await;
    match s.new_id().await {
        Ok(id) => {
            remember(&id);
            set_known(&id, None, Vec::new());
            d.dispatch(SimAction::Open {
                id,
                ws,
                version: None,
                stored: Vec::new(),
                notes: Vec::new(),
            });
        }
        Err(e) => d.dispatch(SimAction::Message(Some(e.0))),
    }
}

/// A workspace to write: the state of one revision, and where to tell the outcome.
pub struct WsSave {
    pub id: String,
    pub ws: Rc<Workspace>,
    pub rev: u64,
    pub dispatch: UseReducerDispatcher<SimStore>,
}

/// Save this state once edits pause (`crate::autosave`), replacing a state not written yet.
pub fn save_soon(s: WsSave) {
    SAVER.with(Saver::clone).edited(s);
}

/// Write what is pending now, and wait until it is written.
pub async fn flush() {
    SAVER.with(Saver::clone).flush().await
}

/// [`flush`] for `crate::presence` (another tab takes the workspace over).
pub fn flush_boxed() -> crate::autosave::Writing {
    Box::pin(flush())
}

fn write(s: Rc<WsSave>) -> crate::autosave::Writing {
    Box::pin(async move {
        let (read, stored) = known(&s.id);
        let result = store()
            .await
            .save(&s.id, &s.ws, read, &stored, &now_iso())
            .await;
        let action = match result {
            Ok(version) => {
                let stored = file_ids(&s.ws);
                set_known(&s.id, Some(version), stored.clone());
                SimAction::Saved {
                    id: s.id.clone(),
                    rev: s.rev,
                    version,
                    stored,
                }
            }
            Err(e) => SimAction::SaveFailed {
                id: s.id.clone(),
                message: match e {
                    WsSaveError::Conflict => CONFLICT.to_string(),
                    WsSaveError::Storage(e) => format!(
                        "Vos dernières modifications ne sont pas enregistrées : {} Enregistrez \
                         l'espace dans un fichier (section « Espace ») pour ne pas les perdre.",
                        e.0
                    ),
                },
            },
        };
        s.dispatch.dispatch(action);
    })
}

/// The page goes away before the workspace is written: a copy in local storage, put back by the
/// next page ([`recover`]), never over a newer version.
fn rescue_copy(s: &WsSave) -> Option<String> {
    let (read, stored) = known(&s.id);
    let text = rescue(&s.id, &s.ws, read, &stored);
    crate::autosave::keep_rescue(&format!("{RESCUE_PREFIX}{}", s.id), &text)
}

/// The fictional région (`data/samples/territoire/`, copied beside the app): read by the formats
/// worker like files chosen by the user, into a new workspace on région 32.
pub async fn open_sample(d: UseReducerDispatcher<SimStore>, worker: FormatsWorker) {
    let go = |step: SimStep| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace(&Route::Simulate(step).to_hash());
        }
    };
    let files = match super::organismes::fetch_sample().await {
        Ok(f) => f,
        Err(m) => {
            d.dispatch(SimAction::Message(Some(m)));
            go(SimStep::Espace);
            return;
        }
    };
    let mut ws = Workspace::new("Exemple — région fictive (Hauts-de-France)");
    ws.territory = "region:32".parse().ok();
    ws.geo_vintage = Some(2026);
    let read =
        super::organismes::read_files(&worker, files, Vec::new(), Callback::noop(), Rc::default())
            .await;
    create(d.clone(), ws).await;
    if let Ok(read) = read {
        d.dispatch(SimAction::Edit(WsEdit::AddFiles(read.files)));
        if !read.failures.is_empty() {
            d.dispatch(SimAction::Message(Some(format!(
                "{} fichier(s) de l'exemple n'ont pas pu être lus.",
                read.failures.len()
            ))));
        }
    }
    go(SimStep::Organismes);
}

#[derive(Properties, PartialEq, Clone)]
pub struct EspaceProps {
    pub section: SectionProps,
    pub store_dispatch: UseReducerDispatcher<SimStore>,
}

#[function_component(Espace)]
pub fn espace(props: &EspaceProps) -> Html {
    let list = use_state(|| None::<Vec<WorkspaceInfo>>);
    let new_name = use_state(|| "Mon territoire".to_string());
    let file_message = use_state(|| None::<String>);
    let store_state = &props.section.store;
    {
        let list = list.clone();
        use_effect_with(store_state.saved, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                list.set(Some(store().await.list().await.unwrap_or_default()));
            });
        });
    }
    let d = props.store_dispatch.clone();
    let on_create = {
        let d = d.clone();
        let new_name = new_name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_string();
            let name = if name.is_empty() {
                "Mon territoire".into()
            } else {
                name
            };
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                create(d, Workspace::new(&name)).await;
                if let Some(w) = web_sys::window() {
                    let _ = w
                        .location()
                        .set_hash(&Route::Simulate(SimStep::Territoire).to_hash());
                }
            });
        })
    };
    let on_name = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            new_name.set(v);
        })
    };
    let rename = {
        let dispatch = props.section.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value();
            dispatch.emit(WsEdit::Rename(v));
        })
    };
    let export_json = {
        let ws = store_state.ws.clone();
        let file_message = file_message.clone();
        Callback::from(move |_: MouseEvent| {
            let name = format!("{}.espace.json", file_stem(&ws.name));
            if let Err(m) =
                crate::pages::export::download(ws.to_json().as_bytes(), &name, "application/json")
            {
                file_message.set(Some(m));
            }
        })
    };
    let open_file = {
        let d = d.clone();
        let file_message = file_message.clone();
        let worker = use_context::<FormatsWorker>();
        // Names already in this browser: a reopened file is never mistaken for one of them.
        let taken: Vec<String> = list
            .as_ref()
            .map(|l| l.iter().map(|i| i.name.clone()).collect())
            .unwrap_or_default();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let d = d.clone();
            let file_message = file_message.clone();
            let worker = worker.clone();
            let taken = taken.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(b) => js_sys::Uint8Array::new(&b).to_vec(),
                    Err(_) => {
                        file_message.set(Some(format!(
                            "Le fichier {name} n'a pas pu être lu par le navigateur."
                        )));
                        return;
                    }
                };
                match super::organismes::workspace_from_file(worker.as_ref(), &name, bytes).await {
                    Ok(mut ws) => {
                        if taken.contains(&ws.name) {
                            let original = ws.name.clone();
                            ws.name = format!("{original} (copie)");
                            let mut n = 1;
                            while taken.contains(&ws.name) {
                                n += 1;
                                ws.name = format!("{original} (copie {n})");
                            }
                        }
                        file_message.set(Some(format!(
                            "Espace « {} » ouvert depuis {name} ({} fichier{}).",
                            ws.name,
                            ws.files.len(),
                            super::plural_s(ws.files.len())
                        )));
                        create(d, ws).await;
                    }
                    Err(m) => file_message.set(Some(m)),
                }
            });
        })
    };
    let rows = list.as_ref().map(|l| {
        l.iter()
            .map(|info| {
                let current = store_state.id.as_deref() == Some(info.id.as_str());
                let id = info.id.clone();
                let d1 = d.clone();
                let on_open = Callback::from(move |_: MouseEvent| {
                    let (d, id) = (d1.clone(), id.clone());
                    wasm_bindgen_futures::spawn_local(async move { open(d, &id).await });
                });
                let id = info.id.clone();
                let d2 = d.clone();
                let name = info.name.clone();
                let list = list.clone();
                let on_delete = Callback::from(move |_: MouseEvent| {
                    let confirmed = web_sys::window()
                        .and_then(|w| w.confirm_with_message(&format!("Supprimer l'espace « {name} » et ses fichiers de ce navigateur ? Les fichiers d'origine ne sont pas touchés.")).ok())
                        .unwrap_or(false);
                    if !confirmed {
                        return;
                    }
                    let (d, id, list, current) = (d2.clone(), id.clone(), list.clone(), current);
                    wasm_bindgen_futures::spawn_local(async move {
                        let s = store().await;
                        match s.delete(&id).await {
                            Ok(()) => {
                                if current {
                                    d.dispatch(SimAction::Closed);
                                }
                                list.set(Some(s.list().await.unwrap_or_default()));
                            }
                            Err(e) => d.dispatch(SimAction::Message(Some(e.0))),
                        }
                    });
                });
                html! {
                    <tr>
                        <th scope="row">{ info.name.clone() }{ if current { " (ouvert)" } else { "" } }</th>
                        <td>{ format_date_fr(&info.updated) }</td>
                        <td class="nombre">{ info.files }</td>
                        <td>
                            <button type="button" class="bouton bouton-secondaire" onclick={on_open} disabled={current}
                                aria-label={format!("Ouvrir l'espace {}", info.name)}>{ "Ouvrir" }</button>
                            { " " }
                            <button type="button" class="bouton bouton-secondaire" onclick={on_delete}
                                disabled={current && store_state.read_only}
                                aria-label={format!("Supprimer l'espace {}", info.name)}>{ "Supprimer" }</button>
                        </td>
                    </tr>
                }
            })
            .collect::<Html>()
    });
    html! {
        <>
            <p class="chapo">{ "Rassemblez les conventions de plusieurs organismes sur une région, un département ou un EPCI, comparez leurs engagements à vos objectifs et testez des scénarios. Tout reste dans ce navigateur." }</p>
            if store_state.id.is_some() {
                <section aria-labelledby="titre-espace-ouvert" class="encart">
                    <h2 id="titre-espace-ouvert">{ "Espace ouvert" }</h2>
                    <label for="nom-espace">{ "Nom de l'espace" }</label>
                    <input id="nom-espace" type="text" value={store_state.ws.name.clone()} onchange={rename}
                        disabled={store_state.read_only} />
                    <p>
                        <button type="button" class="bouton bouton-secondaire" onclick={export_json}>{ "Enregistrer l'espace dans un fichier (.json)" }</button>
                    </p>
                    <p class="aide">{ "Le fichier contient le territoire, les conventions, les clés de répartition, les objectifs et les scénarios : ouvrez-le sur un autre ordinateur avec « Ouvrir un fichier d'espace »." }</p>
                </section>
            }
            <section aria-labelledby="titre-nouvel-espace">
                <h2 id="titre-nouvel-espace">{ "Nouvel espace" }</h2>
                <form onsubmit={on_create} class="ligne-formulaire">
                    <label for="nouvel-espace">{ "Nom" }</label>
                    <input id="nouvel-espace" type="text" value={(*new_name).clone()} oninput={on_name} />
                    <button type="submit" class="bouton">{ "Créer l'espace" }</button>
                </form>
                <p>
                    <a class="bouton bouton-secondaire" href={Route::SimulateSample.to_hash()}>{ "Ouvrir l'exemple : une région fictive de 30 organismes" }</a>
                </p>
                <p>
                    <label for="fichier-espace">{ "Ouvrir un fichier d'espace (.json, ou classeur ODS / XLSX exporté par l'application)" }</label>
                    <input id="fichier-espace" type="file" accept=".json,.ods,.xlsx" onchange={open_file} />
                </p>
                if let Some(m) = &*file_message {
                    <p role="status">{ m.clone() }</p>
                }
            </section>
            <section aria-labelledby="titre-espaces">
                <h2 id="titre-espaces">{ "Espaces enregistrés dans ce navigateur" }</h2>
                { match rows {
                    None => html! { <p role="status">{ "Lecture…" }</p> },
                    Some(r) if list.as_ref().is_some_and(|l| l.is_empty()) => { let _ = r; html! { <p>{ "Aucun espace pour l'instant." }</p> } },
                    Some(r) => html! {
                        <table class="tableau">
                            <thead><tr><th scope="col">{ "Espace" }</th><th scope="col">{ "Modifié le" }</th><th scope="col">{ "Fichiers" }</th><th scope="col">{ "Actions" }</th></tr></thead>
                            <tbody>{ r }</tbody>
                        </table>
                    },
                } }
            </section>
        </>
    }
}

/// A file name from a workspace name (letters, digits, dashes).
pub fn file_stem(name: &str) -> String {
    let s: String = cus_core::text::normalise(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "espace".into()
    } else {
        s
    }
}
