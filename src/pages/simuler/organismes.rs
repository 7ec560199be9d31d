//! The organisms' files of a workspace: added many at once (file picker, drag-and-drop, the
//! user's drafts, the fictional région), read one by one by the formats worker off the main
//! thread with a progress bar and a cancel button; one line per file (organism, SIREN,
//! generation, catalogue, diagnostics); files that cannot be read listed with their reason;
//! the same organism twice detected, the user choosing which file to keep.

use std::cell::Cell;
use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::consolidation::{duplicates, Workspace, WorkspaceFile, WsEdit};
use cus_core::diagnostic::Severity;
use cus_formats::protocol::{Reply, Request};
use futures_channel::oneshot;
use yew::prelude::*;

use super::{plural_s, SectionProps};
use crate::formats::{FormatsWorker, WorkerEvent};

/// What a batch of files gave.
pub struct Read {
    pub files: Vec<WorkspaceFile>,
    /// (file name, French reason).
    pub failures: Vec<(String, String)>,
}

/// One request to the worker, awaited; `on_id` hears its id (for cancelling).
pub async fn ask(
    worker: &FormatsWorker,
    request: Request,
    bytes: &[u8],
    on_id: &dyn Fn(u32),
) -> WorkerEvent {
    let (tx, rx) = oneshot::channel();
    let tx = Rc::new(std::cell::RefCell::new(Some(tx)));
    let on = Callback::from(move |e: WorkerEvent| {
        if !matches!(e, WorkerEvent::Progress(_)) {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(e);
            }
        }
    });
    let id = worker.send(&request, Some(bytes), on);
    on_id(id);
    rx.await.unwrap_or(WorkerEvent::Cancelled)
}

/// Read files one by one in the worker; `progress` hears (done, total) after each; stops with
/// `Err(())` when `cancel` is set (nothing read is kept then). Each convention read is checked by
/// the rules here, between two files, for the counts of its line.
pub async fn read_files(
    worker: &FormatsWorker,
    inputs: Vec<(String, Vec<u8>)>,
    extra: Vec<Catalogue>,
    progress: Callback<(usize, usize)>,
    cancel: Rc<Cell<Option<u32>>>,
) -> Result<Read, ()> {
    let total = inputs.len();
    let mut out = Read {
        files: Vec::new(),
        failures: Vec::new(),
    };
    for (i, (name, bytes)) in inputs.into_iter().enumerate() {
        if cancel.get() == Some(u32::MAX) {
            return Err(());
        }
        // One reading step, in the worker: import, rules and counts as `cus consolider` does.
        let request = Request::ReadOrganism {
            file_name: name.clone(),
            extra_catalogues: extra.clone(),
        };
        let set_id = |id: u32| cancel.set(Some(id));
        match ask(worker, request, &bytes, &set_id).await {
            WorkerEvent::Done(Reply::OrganismRead(file), _) => out.files.push(*file),
            WorkerEvent::Done(Reply::ImportFailed { problems }, _) => {
                let reason = problems
                    .iter()
                    .take(3)
                    .map(|p| p.message.clone())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.failures.push((name, reason));
            }
            WorkerEvent::Done(Reply::Failed { message }, _) | WorkerEvent::Failed(message) => {
                out.failures.push((name, message))
            }
            WorkerEvent::Cancelled => return Err(()),
            WorkerEvent::Done(..) | WorkerEvent::Progress(_) => out
                .failures
                .push((name, "Réponse inattendue du module des formats.".into())),
        }
        progress.emit((i + 1, total));
    }
    Ok(out)
}

/// The files of the fictional région, fetched from beside the app.
pub async fn fetch_sample() -> Result<Vec<(String, Vec<u8>)>, String> {
    let fail = || {
        "Les fichiers de l'exemple n'ont pas pu être chargés (connexion ou version incomplète de l'application).".to_string()
    };
    let manifest = fetch_bytes("territoire/manifest.json")
        .await
        .ok_or_else(fail)?;
    let v: serde_json::Value = serde_json::from_slice(&manifest).map_err(|_| fail())?;
    let names: Vec<String> = v
        .get("files")
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|f| f.get("file").and_then(|n| n.as_str()).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return Err(fail());
    }
    let mut out = Vec::new();
    for n in names {
        let b = fetch_bytes(&format!("territoire/{n}"))
            .await
            .ok_or_else(fail)?;
        out.push((n, b));
    }
    Ok(out)
}

async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let w = web_sys::window()?;
    let resp: web_sys::Response = wasm_bindgen_futures::JsFuture::from(w.fetch_with_str(url))
        .await
        .ok()?
        .into();
    if !resp.ok() {
        return None;
    }
    let buf = wasm_bindgen_futures::JsFuture::from(resp.array_buffer().ok()?)
        .await
        .ok()?;
    Some(js_sys::Uint8Array::new(&buf).to_vec())
}

/// A workspace from its file: JSON here; a workbook exported by the app through the worker.
pub async fn workspace_from_file(
    worker: Option<&FormatsWorker>,
    name: &str,
    bytes: Vec<u8>,
) -> Result<Workspace, String> {
    let lower = name.to_lowercase();
    if lower.ends_with(".ods") || lower.ends_with(".xlsx") {
        let worker = worker.ok_or("Le module des formats n'est pas disponible.")?;
        let request = Request::ImportWorkspace {
            file_name: name.to_string(),
        };
        return match ask(worker, request, &bytes, &|_| {}).await {
            WorkerEvent::Done(Reply::Workspace { json }, _) => Workspace::from_json(&json),
            WorkerEvent::Done(Reply::Failed { message }, _) | WorkerEvent::Failed(message) => {
                Err(message)
            }
            WorkerEvent::Cancelled => Err("Lecture annulée.".into()),
            _ => Err("Réponse inattendue du module des formats.".into()),
        };
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        format!("{name} n'est pas un fichier texte UTF-8 : ce n'est pas un espace de simulation.")
    })?;
    Workspace::from_json(&text)
}

#[derive(Clone, PartialEq)]
enum Import {
    Idle,
    Reading {
        done: usize,
        total: usize,
    },
    Done {
        added: usize,
        failures: Vec<(String, String)>,
    },
    Cancelled,
    /// The page was reloaded during a read.
    Interrupted,
}

/// Session-storage flag set while a batch of files is read: found by the next page after a
/// reload in the middle of a read, which says that nothing of that batch was added.
const READING_FLAG: &str = "cus-simuler-lecture";

fn session() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

fn set_reading(on: bool) {
    if let Some(s) = session() {
        let _ = if on {
            s.set_item(READING_FLAG, "1")
        } else {
            s.remove_item(READING_FLAG)
        };
    }
}

/// Was a read interrupted by a reload (the flag of the previous page)? Clears it.
fn interrupted() -> bool {
    let was = session()
        .and_then(|s| s.get_item(READING_FLAG).ok().flatten())
        .is_some();
    set_reading(false);
    was
}

#[function_component(Organismes)]
pub fn organismes(props: &SectionProps) -> Html {
    let worker = use_context::<FormatsWorker>();
    let state = use_state(|| {
        if interrupted() {
            Import::Interrupted
        } else {
            Import::Idle
        }
    });
    let cancel: Rc<Cell<Option<u32>>> = use_memo((), |_| Cell::new(None));
    let drafts = use_state(|| None::<Vec<cus_core::drafts::DraftInfo>>);
    let shown = use_state(|| None::<String>);
    let ws = &props.store.ws;

    let start = {
        let state = state.clone();
        let worker = worker.clone();
        let dispatch = props.dispatch.clone();
        let cancel = cancel.clone();
        let extra = crate::pages::export::extra_catalogues(&props.catalogues);
        let ws = props.store.ws.clone();
        Callback::from(move |inputs: Vec<(String, Vec<u8>)>| {
            let Some(worker) = worker.clone() else { return };
            if inputs.is_empty() || matches!(*state, Import::Reading { .. }) {
                return;
            }
            // A type the app does not read is named at once, never sent to the worker.
            let (inputs, unsupported): (Vec<_>, Vec<_>) = inputs
                .into_iter()
                .partition(|(name, _)| cus_formats::Format::from_file_name(name).is_some());
            let unsupported: Vec<(String, String)> = unsupported
                .into_iter()
                .map(|(name, _)| {
                    (
                        name,
                        "type de fichier non pris en charge : ajoutez un classeur ODS ou XLSX, un CSV ou un JSON."
                            .to_string(),
                    )
                })
                .collect();
            if inputs.is_empty() {
                state.set(Import::Done {
                    added: 0,
                    failures: unsupported,
                });
                return;
            }
            let total = inputs.len();
            state.set(Import::Reading { done: 0, total });
            set_reading(true);
            cancel.set(None);
            let (state, dispatch, cancel, extra, ws) = (
                state.clone(),
                dispatch.clone(),
                cancel.clone(),
                extra.clone(),
                ws.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let s2 = state.clone();
                let progress =
                    Callback::from(move |(done, total)| s2.set(Import::Reading { done, total }));
                let result = read_files(&worker, inputs, extra, progress, cancel).await;
                set_reading(false);
                match result {
                    Ok(read) => {
                        // The same file again (same name, same convention) is said, not added.
                        let mut failures = unsupported;
                        failures.extend(read.failures);
                        let mut files: Vec<WorkspaceFile> = Vec::new();
                        for f in read.files {
                            let again = ws.holds(&f)
                                || files.iter().any(|x| {
                                    x.file_name == f.file_name && x.convention == f.convention
                                });
                            if again {
                                failures.push((
                                    f.file_name,
                                    "déjà dans l'espace : il n'a pas été ajouté une seconde fois."
                                        .to_string(),
                                ));
                            } else {
                                files.push(f);
                            }
                        }
                        let added = files.len();
                        if added > 0 {
                            dispatch.emit(WsEdit::AddFiles(files));
                        }
                        state.set(Import::Done { added, failures });
                    }
                    Err(()) => state.set(Import::Cancelled),
                }
            });
        })
    };
    let on_files = {
        let start = start.clone();
        Callback::from(move |list: web_sys::FileList| {
            let files: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            let start = start.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut inputs = Vec::new();
                for f in files {
                    if let Ok(b) = wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                        inputs.push((f.name(), js_sys::Uint8Array::new(&b).to_vec()));
                    }
                }
                start.emit(inputs);
            });
        })
    };
    let on_input = {
        let on_files = on_files.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(l) = input.files() {
                on_files.emit(l);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let on_files = on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(l) = e.data_transfer().and_then(|d| d.files()) {
                on_files.emit(l);
            }
        })
    };
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let on_cancel = {
        let (cancel, worker) = (cancel.clone(), worker.clone());
        Callback::from(move |_: MouseEvent| {
            let id = cancel.replace(Some(u32::MAX));
            if let (Some(id), Some(w)) = (id, worker.as_ref()) {
                w.cancel(id);
            }
        })
    };
    let show_drafts = {
        let drafts = drafts.clone();
        Callback::from(move |_: MouseEvent| {
            let drafts = drafts.clone();
            wasm_bindgen_futures::spawn_local(async move {
                drafts.set(Some(crate::drafts::list().await.0));
            });
        })
    };
    let add_draft = |info: &cus_core::drafts::DraftInfo| {
        let (id, name, dispatch) = (info.id.clone(), info.name.clone(), props.dispatch.clone());
        let cats = props.catalogues.clone();
        Callback::from(move |_: MouseEvent| {
            let (id, name, dispatch, cats) =
                (id.clone(), name.clone(), dispatch.clone(), cats.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(conv) = crate::drafts::read(&id).await {
                    let (errors, warnings) = cats
                        .0
                        .iter()
                        .find(|c| c.is(&conv.catalogue.id, &conv.catalogue.version))
                        .map(|cat| {
                            let d = cus_core::rules::validate(&conv, cat, conv.referential());
                            (
                                d.iter().filter(|d| d.severity == Severity::Error).count(),
                                d.iter().filter(|d| d.severity == Severity::Warning).count(),
                            )
                        })
                        .unwrap_or((0, 0));
                    dispatch.emit(WsEdit::AddFiles(vec![WorkspaceFile {
                        id: String::new(),
                        file_name: format!("brouillon : {name}"),
                        convention: conv,
                        errors,
                        warnings,
                        excluded: false,
                    }]));
                }
            });
        })
    };

    let dups = duplicates(&ws.files);
    let present: std::collections::HashSet<usize> = props
        .derived
        .extract
        .as_ref()
        .map(|ex| {
            ex.groups
                .iter()
                .flat_map(|g| g.sources.iter().filter(|i| !g.absent.contains(i)).copied())
                .collect()
        })
        .unwrap_or_default();
    // Sources committed at the territory's level on some indicator; the others present only
    // « non ventilé », with the coarser rows read.
    let mut at_level: std::collections::HashSet<usize> = std::collections::HashSet::new();
    let mut coarser: std::collections::HashMap<usize, Vec<cus_core::convention::TerritoryKey>> =
        std::collections::HashMap::new();
    if let Some(ex) = props.derived.extract.as_ref() {
        for r in ex
            .groups
            .iter()
            .flat_map(|g| g.tables.iter())
            .flat_map(|t| t.rows.iter())
        {
            match &r.basis {
                cus_core::consolidation::Basis::Exact(_) => {
                    at_level.insert(r.source);
                }
                cus_core::consolidation::Basis::Coarser(rows) => {
                    let e = coarser.entry(r.source).or_default();
                    for k in rows {
                        if !e.contains(k) {
                            e.push(k.clone());
                        }
                    }
                }
            }
        }
    }
    let used = &props.derived.used;
    let reading = matches!(*state, Import::Reading { .. });

    // Files dropped anywhere on the section are read (never opened by the browser instead).
    html! {
        <div class="section-organismes" ondrop={on_drop} ondragover={on_dragover}>
            <p class="chapo">{ "Ajoutez les fichiers de CUS des organismes présents sur le territoire : classeurs ODS ou XLSX, CSV ou JSON, mélangés. Ils sont lus dans ce navigateur, sans envoi." }</p>
            <div class="zone-depot">
                <label for="fichiers-organismes">{ "Choisir des fichiers (plusieurs à la fois), ou les déposer ici" }</label>
                <input id="fichiers-organismes" type="file" multiple=true accept=".ods,.xlsx,.csv,.json" onchange={on_input} disabled={reading} />
            </div>
            <p>
                <button type="button" class="bouton bouton-secondaire" onclick={show_drafts}>{ "Ajouter un de mes brouillons" }</button>
            </p>
            if let Some(list) = &*drafts {
                if list.is_empty() {
                    <p>{ "Aucun brouillon dans ce navigateur." }</p>
                } else {
                    <ul class="liste-brouillons">
                        { for list.iter().map(|d| html! {
                            <li>
                                { d.name.clone() }{ " " }
                                <button type="button" class="bouton bouton-secondaire" onclick={add_draft(d)}
                                    aria-label={format!("Ajouter le brouillon {} à l'espace", d.name)}>{ "Ajouter" }</button>
                            </li>
                        }) }
                    </ul>
                }
            }
            { match &*state {
                Import::Idle => html! {},
                Import::Reading { done, total } => html! {
                    <div class="progression" role="status">
                        <label for="progression-import">{ format!("{done} / {total} fichier{} lu{}", plural_s(*total), plural_s(*done)) }</label>
                        <progress id="progression-import" max={total.to_string()} value={done.to_string()}></progress>
                        <button type="button" class="bouton bouton-secondaire" onclick={on_cancel}>{ "Annuler" }</button>
                    </div>
                },
                Import::Cancelled => html! { <p role="status">{ "Lecture annulée : aucun fichier de ce lot n'a été ajouté." }</p> },
                Import::Interrupted => html! { <p role="status" class="avertissement">{ "Lecture interrompue par le rechargement de la page : aucun fichier de ce lot n'a été ajouté. Ajoutez-les à nouveau." }</p> },
                Import::Done { added, failures } => html! {
                    <div role="status">
                        <p>{ format!("{added} fichier{} ajouté{}.", plural_s(*added), plural_s(*added)) }</p>
                        if !failures.is_empty() {
                            <div class="message-erreur">
                                <p>{ format!("{} fichier{} non ajouté{} ; l'espace n'en a rien gardé :", failures.len(), plural_s(failures.len()), plural_s(failures.len())) }</p>
                                <ul>{ for failures.iter().map(|(n, r)| html! { <li><strong>{ n.clone() }</strong>{ " : " }{ r.clone() }</li> }) }</ul>
                            </div>
                        }
                    </div>
                },
            } }
            if !dups.is_empty() {
                <section class="avertissement" aria-labelledby="titre-doublons">
                    <h2 id="titre-doublons">{ "Le même organisme plusieurs fois" }</h2>
                    <p>{ "Ces fichiers portent le même SIREN et le même catalogue : un seul doit compter. Le dernier ajouté est gardé ; choisissez-en un autre si besoin. Les autres restent dans l'espace, écartés de la consolidation." }</p>
                    { for dups.iter().map(|g| html! {
                        <ul>
                            { for g.iter().map(|&i| {
                                let f = &ws.files[i];
                                let keep = {
                                    let (d, id) = (props.dispatch.clone(), f.id.clone());
                                    Callback::from(move |_: MouseEvent| d.emit(WsEdit::KeepOnly { file: id.clone() }))
                                };
                                html! {
                                    <li>
                                        { format!("{} — {}", f.file_name, organism(f)) }
                                        { if f.excluded { " (écarté)" } else { " (gardé)" } }
                                        { " " }
                                        <button type="button" class="bouton bouton-secondaire" onclick={keep} disabled={!f.excluded && g.iter().filter(|&&j| !ws.files[j].excluded).count() == 1}
                                            aria-label={format!("Garder celui-ci : {}", f.file_name)}>{ "Garder celui-ci" }</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    }) }
                </section>
            }
            if ws.files.is_empty() {
                <p>{ "Aucun fichier pour l'instant." }</p>
            } else {
                <table class="tableau fichiers">
                    <caption>{ format!("{} fichier{} dans l'espace", ws.files.len(), plural_s(ws.files.len())) }</caption>
                    <thead><tr>
                        <th scope="col">{ "Organisme" }</th>
                        <th scope="col">{ "SIREN" }</th>
                        <th scope="col">{ "Génération" }</th>
                        <th scope="col">{ "Catalogue" }</th>
                        <th scope="col">{ "Diagnostics" }</th>
                        <th scope="col">{ "Sur le territoire" }</th>
                        <th scope="col">{ "Actions" }</th>
                    </tr></thead>
                    <tbody>
                        { for ws.files.iter().map(|f| {
                            let cat = props.derived.catalogue(&f.id);
                            let idx = used.iter().position(|u| u == &f.id);
                            let on_territory = match (f.excluded, cat, idx, ws.territory.is_some()) {
                                (true, _, _, _) => "écarté".to_string(),
                                (_, None, _, _) => "catalogue inconnu : non consolidé".to_string(),
                                (_, _, _, false) => "territoire à choisir".to_string(),
                                (_, _, Some(i), true) if at_level.contains(&i) => "oui".to_string(),
                                (_, _, Some(i), true) if present.contains(&i) => format!(
                                    "non ventilé ({})",
                                    coarser.get(&i).map(|r| r.iter().map(|k| k.short_fr()).collect::<Vec<_>>().join(", ")).unwrap_or_default()
                                ),
                                _ => "aucun engagement sur ce territoire".to_string(),
                            };
                            let remove = {
                                let (d, id) = (props.dispatch.clone(), f.id.clone());
                                Callback::from(move |_: MouseEvent| d.emit(WsEdit::RemoveFile(id.clone())))
                            };
                            let toggle = {
                                let (shown, id) = (shown.clone(), f.id.clone());
                                Callback::from(move |_: MouseEvent| {
                                    shown.set(if shown.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })
                                })
                            };
                            let open = shown.as_deref() == Some(f.id.as_str());
                            html! {
                                <>
                                <tr>
                                    <th scope="row">{ organism(f) }<br /><span class="aide">{ f.file_name.clone() }</span></th>
                                    <td>{ cus_core::organisme::display_siren(&f.convention.organisme.siren) }</td>
                                    <td>{ cat.map(|c| c.generation.label_fr()).unwrap_or("—") }</td>
                                    <td>{ format!("{} {}", f.convention.catalogue.id, f.convention.catalogue.version) }</td>
                                    <td>
                                        <button type="button" class="lien-bouton" onclick={toggle} aria-expanded={open.to_string()}>
                                            { format!("{} erreur{}, {} avertissement{}", f.errors, plural_s(f.errors), f.warnings, plural_s(f.warnings)) }
                                        </button>
                                    </td>
                                    <td>{ on_territory }</td>
                                    <td><button type="button" class="bouton bouton-secondaire" onclick={remove}
                                        aria-label={format!("Retirer {} de l'espace", f.file_name)}>{ "Retirer" }</button></td>
                                </tr>
                                if open {
                                    <tr><td colspan="7">{ diagnostics(f, cat) }</td></tr>
                                }
                                </>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

fn organism(f: &WorkspaceFile) -> String {
    cus_core::consolidation::organism_label(&f.convention, &f.file_name)
}

/// The diagnostics of a file, computed when asked.
fn diagnostics(f: &WorkspaceFile, cat: Option<&Catalogue>) -> Html {
    let Some(cat) = cat else {
        return html! { <p>{ format!("Le catalogue {} {} n'est pas connu de cette version de l'application : chargez-le dans « Comprendre les indicateurs ».", f.convention.catalogue.id, f.convention.catalogue.version) }</p> };
    };
    let diags = cus_core::rules::validate(&f.convention, cat, f.convention.referential());
    let shown: Vec<_> = diags
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    if shown.is_empty() {
        return html! { <p>{ "Aucune erreur ni avertissement." }</p> };
    }
    html! {
        <ul class="diagnostics">
            { for shown.iter().take(50).map(|d| html! {
                <li>{ crate::diagnostic_line(d, &f.convention.catalogue) }</li>
            }) }
            if shown.len() > 50 { <li>{ format!("… et {} autres.", shown.len() - 50) }</li> }
        </ul>
    }
}
