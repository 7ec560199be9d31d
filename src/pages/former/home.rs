//! The home page of « Se former »: the modules with the learner's progress, the score and its
//! export, the exercises citing one code (the link of a reference card), the trainers' packs.

use std::collections::BTreeSet;

use cus_core::catalogue::{CusKind, Generation};
use cus_core::diagnostic::Diagnostic;
use cus_core::formation::{self, Module};
use yew::prelude::*;

use super::packs::{self, StoredPack};
use super::progress::{self, Progress, Score};
use super::{Entry, Library};
use crate::catalogues::Catalogues;
use crate::route::TrainRoute;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub library: Library,
    pub progress: Progress,
    pub code: Option<String>,
    pub catalogues: Catalogues,
    pub on_library: Callback<Library>,
    pub on_progress: Callback<Progress>,
}

/// What loading pack files gave.
#[derive(Clone, PartialEq)]
enum PackStatus {
    None,
    Loading,
    /// Per file: its name and its problems (none: loaded).
    Done(Vec<(String, Vec<Diagnostic>)>),
}

fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso
}

/// Generations and kinds of CUS a module's exercises are about.
fn coverage(m: &Module, cats: &[cus_core::catalogue::Catalogue]) -> String {
    let mut gens = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for ex in &m.exercises {
        if let Some(c) = formation::catalogue_of(ex, cats) {
            gens.insert(c.generation);
            kinds.insert(c.kind);
        }
    }
    let g: Vec<&str> = gens.iter().map(|g: &Generation| g.label_fr()).collect();
    let k: Vec<&str> = kinds.iter().map(|k: &CusKind| k.label_fr()).collect();
    format!("{} ; CUS {}", g.join(" et "), k.join(", "))
}

#[function_component(Home)]
pub fn home(props: &Props) -> Html {
    let cats = &props.catalogues.0;
    let status = use_state(|| PackStatus::None);
    let confirm_reset = use_state(|| false);
    let message = use_state(|| None::<String>);
    let modules = props.library.modules();
    let total = modules
        .iter()
        .map(|m| props.progress.score(m))
        .fold(Score::default(), |a, b| a + b);

    let export = {
        let (progress, library, message) = (
            props.progress.clone(),
            props.library.clone(),
            message.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let at = today();
            let json = progress::export_json(&progress, &library.modules(), &at);
            let name = format!("progression-se-former-{}.json", &at[..10.min(at.len())]);
            message.set(Some(
                match crate::pages::export::download(json.as_bytes(), &name, "application/json") {
                    Ok(()) => format!("Progression exportée dans le fichier « {name} »."),
                    Err(e) => e,
                },
            ));
        })
    };
    let reset = {
        let (confirm, on_progress, message) = (
            confirm_reset.clone(),
            props.on_progress.clone(),
            message.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if *confirm {
                on_progress.emit(Progress::default());
                confirm.set(false);
                message.set(Some("Progression effacée.".into()));
            } else {
                confirm.set(true);
            }
        })
    };
    let on_files = {
        let (status, on_library, cats, library) = (
            status.clone(),
            props.on_library.clone(),
            props.catalogues.0.clone(),
            props.library.clone(),
        );
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let files: Vec<web_sys::File> =
                (0..list.length()).filter_map(|i| list.get(i)).collect();
            input.set_value("");
            if files.is_empty() {
                return;
            }
            status.set(PackStatus::Loading);
            let (status, on_library, cats, library) = (
                status.clone(),
                on_library.clone(),
                cats.clone(),
                library.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let mut stored = packs::stored();
                let mut report = Vec::new();
                for file in files {
                    let name = file.name();
                    if file.size() > formation::MAX_MODULE_BYTES as f64 {
                        report.push((name.clone(), vec![Diagnostic::error(
                            "E-FORM-TOO-BIG",
                            format!("Le fichier « {name} » est trop volumineux pour un pack d'exercices (plus d'1 Mo)."),
                            Default::default(),
                        )]));
                        continue;
                    }
                    let text = wasm_bindgen_futures::JsFuture::from(file.text())
                        .await
                        .ok()
                        .and_then(|v| v.as_string());
                    let Some(text) = text else {
                        report.push((
                            name.clone(),
                            vec![Diagnostic::error(
                                "E-FILE-READ",
                                format!("Le navigateur n'a pas pu lire le fichier « {name} »."),
                                Default::default(),
                            )],
                        ));
                        continue;
                    };
                    // Reloading a pack of the same file name replaces it.
                    let others: Vec<Module> = library
                        .entries
                        .iter()
                        .filter(|e| e.pack.as_deref() != Some(name.as_str()))
                        .map(|e| (*e.module).clone())
                        .chain(
                            stored
                                .iter()
                                .filter(|p| p.name != name)
                                .filter_map(|p| formation::parse(&p.text, &p.name).ok()),
                        )
                        .collect();
                    match formation::load_pack(&text, &name, &cats, &others) {
                        Ok(_) => {
                            stored.retain(|p| p.name != name);
                            stored.push(StoredPack {
                                name: name.clone(),
                                text,
                            });
                            report.push((name, Vec::new()));
                        }
                        Err(d) => report.push((name, d)),
                    }
                }
                if let Err(msg) = packs::save(&stored) {
                    report.push((
                        String::new(),
                        vec![Diagnostic::error("E-STORAGE", msg, Default::default())],
                    ));
                }
                on_library.emit(Library::load(&cats));
                status.set(PackStatus::Done(report));
            });
        })
    };
    let remove = |name: String| {
        let (on_library, cats, status) = (
            props.on_library.clone(),
            props.catalogues.0.clone(),
            status.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut stored = packs::stored();
            stored.retain(|p| p.name != name);
            let _ = packs::save(&stored);
            on_library.emit(Library::load(&cats));
            status.set(PackStatus::None);
        })
    };

    // The exercises citing a code.
    let about = props.code.as_ref().map(|code| {
        let hits: Vec<(&Entry, usize)> = props
            .library
            .entries
            .iter()
            .flat_map(|e| {
                e.module
                    .exercises
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.codes.contains(code))
                    .map(move |(i, _)| (e, i))
            })
            .collect();
        html! {
            <section class="encart" aria-labelledby="titre-exercices-code" id="exercices-code">
                <h2 id="titre-exercices-code">{ format!("Exercices sur {code}") }</h2>
                if hits.is_empty() {
                    <p>{ format!("Aucun exercice disponible ne cite {code}.") }</p>
                } else {
                    <ul>
                        { for hits.iter().map(|(e, i)| {
                            let x = &e.module.exercises[*i];
                            html! {
                                <li>
                                    <a href={TrainRoute::step(&e.module.id, i + 1).to_hash()}>{ x.title.clone() }</a>
                                    { format!(" — {}, étape {} ({}, catalogue {} version {})", e.module.title, i + 1, x.kind.label_fr(), x.catalogue, x.version) }
                                </li>
                            }
                        }) }
                    </ul>
                }
                <p><a href={TrainRoute::home().to_hash()}>{ "Voir tous les modules" }</a></p>
            </section>
        }
    });

    let pack_status = match &*status {
        PackStatus::None => html! {},
        PackStatus::Loading => {
            html! { <p role="status">{ "Lecture et vérification des fichiers…" }</p> }
        }
        PackStatus::Done(report) => html! {
            <div id="etat-packs">
                { for report.iter().map(|(name, diags)| if diags.is_empty() {
                    html! { <p class="message-ok" role="status">{ format!("Pack « {name} » chargé et vérifié ; il est conservé dans ce navigateur.") }</p> }
                } else {
                    html! {
                        <div class="message-erreur" role="alert">
                            <p>{ format!("Le fichier « {name} » n'a pas été chargé :") }</p>
                            <ul>{ for diags.iter().map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
                        </div>
                    }
                }) }
            </div>
        },
    };

    let loaded: Vec<&Entry> = props
        .library
        .entries
        .iter()
        .filter(|e| e.pack.is_some())
        .collect();

    html! {
        <div class="page former former-accueil">
            <h1 id="titre-page" tabindex="-1">{ "Se former" }</h1>
            <p class="chapo">
                { "Des exercices courts sur les définitions des indicateurs de CUS, pour les agents qui les remplissent, les instruisent ou les évaluent. Les erreurs à trouver et les résultats à calculer sont vérifiés par les règles et les calculs mêmes de l'application." }
            </p>
            { about.unwrap_or_default() }
            <section class="encart" aria-labelledby="titre-progression" id="progression">
                <h2 id="titre-progression">{ "Votre progression" }</h2>
                <p id="score">
                    { format!("Score : {} exercice{} réussi{} du premier coup sur {} ; {} réussi{} en tout.",
                        total.first_try, crate::pages::plural_s(total.first_try), crate::pages::plural_s(total.first_try),
                        total.graded, total.success, crate::pages::plural_s(total.success)) }
                </p>
                <p class="aide">{ "Elle est gardée dans ce navigateur seulement. Exportez-la pour la remettre au formateur." }</p>
                <p>
                    <button type="button" class="bouton" id="exporter-progression" onclick={export}>{ "Exporter ma progression (JSON)" }</button>
                    { " " }
                    <button type="button" class="bouton bouton-secondaire" id="effacer-progression" onclick={reset}>
                        { if *confirm_reset { "Confirmer l'effacement de la progression" } else { "Effacer ma progression" } }
                    </button>
                </p>
                if let Some(m) = &*message { <p role="status" class="message-ok">{ m.clone() }</p> }
            </section>
            <section aria-labelledby="titre-modules">
                <h2 id="titre-modules">{ "Les modules" }</h2>
                <ul class="modules">
                    { for props.library.entries.iter().map(|e| {
                        let m = &e.module;
                        let done = props.progress.done(m);
                        let s = props.progress.score(m);
                        html! {
                            <li class="carte carte-module" id={format!("module-{}", m.id)}>
                                <h3><a href={TrainRoute::module(&m.id).to_hash()}>{ m.title.clone() }</a></h3>
                                <p>{ m.summary.clone() }</p>
                                <p class="aide">
                                    { format!("Thème : {} ; {} étapes ; {}.", m.theme.label_fr(), m.exercises.len(), coverage(m, cats)) }
                                    if let Some(p) = &e.pack { { format!(" Pack de formateur « {p} ».") } }
                                </p>
                                <p class="avancement">{ format!("{done} étape{} sur {} faite{} ; {} sur {} réussi{} du premier coup.",
                                    crate::pages::plural_s(done), m.exercises.len(), crate::pages::plural_s(done), s.first_try, s.graded, crate::pages::plural_s(s.first_try)) }</p>
                                <p class="liens-module">
                                    <a href={TrainRoute::step(&m.id, 1).to_hash()}>{ format!("Commencer « {} »", m.title) }</a>
                                    { " · " }
                                    <a href={TrainRoute::sheet(&m.id).to_hash()}>{ format!("Fiche imprimable de « {} »", m.title) }</a>
                                </p>
                            </li>
                        }
                    }) }
                </ul>
            </section>
            <section class="encart" aria-labelledby="titre-sessions" id="sessions">
                <h2 id="titre-sessions">{ "Former un groupe" }</h2>
                <ul>
                    <li><a id="preparer-session" href={crate::route::Route::Train(crate::route::TrainRoute::Compose).to_hash()}>{ "Préparer une session" }</a>{ " : les modules et leur ordre, un fichier ou un lien à distribuer aux stagiaires." }</li>
                    <li><a id="rejoindre-session" href={crate::route::TrainRoute::session().to_hash()}>{ "Rejoindre une session" }</a>{ " : avec le fichier ou le lien du formateur." }</li>
                    <li><a id="vue-formateur" href={crate::route::Route::Train(crate::route::TrainRoute::Trainer).to_hash()}>{ "Vue du formateur" }</a>{ " : rassembler les fichiers de progression des stagiaires." }</li>
                    <li>{ "Projeter un module : lien « Projeter » sur la page de chaque module (une question en grand, les réponses cachées jusqu'à la révélation)." }</li>
                </ul>
            </section>
            <section class="encart" aria-labelledby="titre-packs" id="packs">
                <h2 id="titre-packs">{ "Packs de formateur" }</h2>
                <p>{ "Un formateur peut ajouter ses propres exercices : un fichier au format des modules intégrés (voir docs/FORMATION.md), vérifié comme eux avant d'être accepté, puis gardé dans ce navigateur." }</p>
                <label for="fichier-pack">{ "Fichiers de pack (.toml)" }</label>
                <input id="fichier-pack" type="file" accept=".toml,text/plain,application/toml" multiple=true onchange={on_files} />
                { pack_status }
                if !loaded.is_empty() {
                    <h3>{ "Packs chargés" }</h3>
                    <ul id="packs-charges">
                        { for loaded.iter().map(|e| {
                            let name = e.pack.clone().unwrap_or_default();
                            html! {
                                <li>
                                    <a href={TrainRoute::module(&e.module.id).to_hash()}>{ e.module.title.clone() }</a>
                                    { format!(" — fichier « {name} », {} exercice{} ", e.module.exercises.len(), crate::pages::plural_s(e.module.exercises.len())) }
                                    <button type="button" class="bouton bouton-secondaire" onclick={remove(name.clone())}
                                        aria-label={format!("Retirer le pack « {name} »")}>{ "Retirer" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                }
                { for props.library.stale.iter().map(|s| html! { <p class="avertissement" role="note">{ s.clone() }</p> }) }
            </section>
        </div>
    }
}
