//! A trainer-led session (`cus_core::formation::session`): the trainer composes it and hands out
//! a file or a link; the trainee enters a name once and runs the modules in the session's order,
//! each ending on what was confused; the progress file is named after the trainee and the
//! session; the trainer's view puts many such files in one table.

use cus_core::formation::session::{
    cell_fr, misconceptions, trainer_view, Progress, Session, SessionPack, TraineeFile,
};
use cus_core::formation::{self, Module};
use cus_core::numfmt::format_fr;
use serde::{Deserialize, Serialize};
use yew::prelude::*;

use super::packs::{self, StoredPack};
use super::{Entry, Library};
use crate::catalogues::Catalogues;
use crate::pages::plural_s;
use crate::route::{Route, TrainRoute};

/// Local-storage key of the session this browser runs (and the trainee's name).
pub const ACTIVE_KEY: &str = "cus.formation.session";

/// The session this browser runs, and who runs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Active {
    pub session: Session,
    pub trainee: String,
}

/// Where a session's progress is kept (apart from the learner's own).
pub fn progress_key(s: &Session) -> String {
    format!("cus.formation.session.{}", s.id)
}

/// The session stored in this browser, if any.
pub fn stored_active() -> Option<Active> {
    crate::storage::get(ACTIVE_KEY)
        .ok()
        .flatten()
        .and_then(|s| serde_json::from_str(&s).ok())
}

/// Keep (or with `None`, forget) the session this browser runs.
pub fn store_active(a: Option<&Active>) -> Result<(), String> {
    let json = a
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .unwrap_or_default();
    crate::storage::set(ACTIVE_KEY, &json)
}

fn now() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Reads the files of a file input (name, text), then calls `done`.
fn read_files(e: Event, done: Callback<Vec<(String, String)>>) {
    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
    let Some(list) = input.files() else { return };
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    input.set_value("");
    read_file_list(files, done);
}

fn read_file_list(files: Vec<web_sys::File>, done: Callback<Vec<(String, String)>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut out = Vec::new();
        for f in files {
            let text = wasm_bindgen_futures::JsFuture::from(f.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            out.push((f.name(), text));
        }
        done.emit(out);
    });
}

/// The modules of a session found in the library, in its order.
fn session_modules<'a>(lib: &'a Library, s: &Session) -> Vec<&'a Entry> {
    s.modules.iter().filter_map(|m| lib.find(m)).collect()
}

/// The first step not done of the session: (module, step), or `None` when all are done.
pub fn next_step(lib: &Library, s: &Session, p: &Progress) -> Option<(String, usize)> {
    for e in session_modules(lib, s) {
        let m = &e.module;
        if let Some(i) = m
            .exercises
            .iter()
            .position(|x| p.get(&m.id, &x.id).is_none_or(|r| !(r.success || r.seen)))
        {
            return Some((m.id.clone(), i + 1));
        }
    }
    None
}

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub library: Library,
    pub catalogues: Catalogues,
    pub active: Option<Active>,
    pub progress: Progress,
    /// The session of a link (`#/former/session?s=…`).
    pub link: Option<String>,
    pub on_join: Callback<Active>,
    pub on_leave: Callback<()>,
    pub on_library: Callback<Library>,
}

/// Join a session (from its link or its file), then run it and see its summary.
#[function_component(SessionPage)]
pub fn session_page(props: &SessionProps) -> Html {
    let pending = use_state(|| None::<Session>);
    let name = use_state(String::new);
    let error = use_state(|| None::<String>);
    let message = use_state(|| None::<String>);
    // A link's session, read once per link.
    {
        let (pending, error) = (pending.clone(), error.clone());
        use_effect_with(props.link.clone(), move |link| {
            if let Some(l) = link {
                match Session::from_link_param(l) {
                    Ok(s) => pending.set(Some(s)),
                    Err(e) => error.set(Some(e)),
                }
            }
        });
    }
    let on_file = {
        let (pending, error) = (pending.clone(), error.clone());
        Callback::from(move |e: Event| {
            let (pending, error) = (pending.clone(), error.clone());
            read_files(
                e,
                Callback::from(move |files: Vec<(String, String)>| {
                    if let Some((n, text)) = files.into_iter().next() {
                        match Session::from_json(&text) {
                            Ok(s) => {
                                error.set(None);
                                pending.set(Some(s));
                            }
                            Err(m) => error.set(Some(format!("« {n} » : {m}"))),
                        }
                    }
                }),
            );
        })
    };
    let join = {
        let (pending, name, error) = (pending.clone(), name.clone(), error.clone());
        let (on_join, on_library, library, cats) = (
            props.on_join.clone(),
            props.on_library.clone(),
            props.library.clone(),
            props.catalogues.0.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(s) = (*pending).clone() else { return };
            let trainee = name.trim().to_string();
            if trainee.is_empty() {
                error.set(Some("Entrez votre nom : il nomme votre fichier de progression, que vous rendrez au formateur.".into()));
                return;
            }
            // A pack the session carries is loaded like a pack from a file.
            if let Some(p) = &s.pack {
                let others: Vec<Module> = library
                    .entries
                    .iter()
                    .filter(|e| e.pack.as_deref() != Some(p.name.as_str()))
                    .map(|e| (*e.module).clone())
                    .collect();
                if let Err(d) = formation::load_pack(&p.text, &p.name, &cats, &others) {
                    error.set(Some(format!(
                        "Le pack de la session n'est pas valide : {}",
                        d.iter()
                            .map(|d| d.to_line_fr())
                            .collect::<Vec<_>>()
                            .join(" ; ")
                    )));
                    return;
                }
                let mut stored = packs::stored();
                stored.retain(|x| x.name != p.name);
                stored.push(StoredPack {
                    name: p.name.clone(),
                    text: p.text.clone(),
                });
                if let Err(m) = packs::save(&stored) {
                    error.set(Some(m));
                    return;
                }
                on_library.emit(Library::load(&cats));
            }
            let missing: Vec<&String> = s
                .modules
                .iter()
                .filter(|m| s.pack.is_none() && library.find(m).is_none())
                .collect();
            if !missing.is_empty() {
                error.set(Some(format!(
                    "Cette session cite des modules absents de cette version de l'application : {}.",
                    missing.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", ")
                )));
                return;
            }
            error.set(None);
            on_join.emit(Active {
                session: s,
                trainee,
            });
            pending.set(None);
        })
    };
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            name.set(i.value());
        })
    };
    let err = (*error)
        .clone()
        .map(|m| html! { <p class="message-erreur" role="alert">{ m }</p> });
    let msg = (*message)
        .clone()
        .map(|m| html! { <p role="status">{ m }</p> });
    // Joining (a pending session different from the one running).
    if let Some(s) = pending
        .as_ref()
        .filter(|s| props.active.as_ref().is_none_or(|a| a.session.id != s.id))
    {
        return html! {
            <div class="page former">
                <h1 id="titre-page" tabindex="-1">{ format!("Session « {} »", s.title) }</h1>
                { err.unwrap_or_default() }
                <p class="chapo">{ format!("{} module{} dans cet ordre :", s.modules.len(), plural_s(s.modules.len())) }</p>
                <ol class="modules-session">
                    { for s.modules.iter().map(|m| html! {
                        <li>{ props.library.find(m).map(|e| e.module.title.clone()).unwrap_or_else(|| format!("{m} (module du pack de la session)")) }</li>
                    }) }
                </ol>
                if props.active.is_some() {
                    <p class="avertissement" role="note">{ "Une autre session est en cours dans ce navigateur : la rejoindre la remplace (sa progression reste enregistrée)." }</p>
                }
                <form onsubmit={join} class="ligne-formulaire">
                    <label for="nom-stagiaire">{ "Votre nom (il nomme votre fichier de progression)" }</label>
                    <input id="nom-stagiaire" type="text" autocomplete="name" value={(*name).clone()} oninput={on_name} />
                    <button type="submit" class="bouton" id="commencer-session">{ "Commencer la session" }</button>
                </form>
            </div>
        };
    }
    let Some(a) = props.active.as_ref() else {
        return html! {
            <div class="page former">
                <h1 id="titre-page" tabindex="-1">{ "Session de formation" }</h1>
                { err.unwrap_or_default() }
                <p class="chapo">{ "Le formateur vous donne un lien ou un fichier de session : ouvrez le lien, ou chargez le fichier ici." }</p>
                <p>
                    <label for="fichier-session">{ "Fichier de session (.json)" }</label>
                    <input id="fichier-session" type="file" accept=".json,application/json" onchange={on_file} />
                </p>
                <p><a href={Route::Train(TrainRoute::Compose).to_hash()}>{ "Formateur : préparer une session" }</a>
                   { " · " }<a href={Route::Train(TrainRoute::Trainer).to_hash()}>{ "Formateur : rassembler les progressions" }</a></p>
            </div>
        };
    };
    // Running.
    let s = &a.session;
    let entries = session_modules(&props.library, s);
    let next = next_step(&props.library, s, &props.progress);
    let download = {
        let (a, progress, message) = (a.clone(), props.progress.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let f = TraineeFile::new(&a.session, &a.trainee, &progress, &now());
            let name = a.session.progress_file_name(&a.trainee);
            message.set(Some(
                match crate::pages::export::download(f.to_json().as_bytes(), &name, "application/json") {
                    Ok(()) => format!("Progression enregistrée dans « {name} » : remettez ce fichier au formateur."),
                    Err(e) => e,
                },
            ));
        })
    };
    let leave = {
        let on_leave = props.on_leave.clone();
        Callback::from(move |_: MouseEvent| on_leave.emit(()))
    };
    let total = entries
        .iter()
        .map(|e| props.progress.score(&e.module))
        .fold(
            Default::default(),
            |a: cus_core::formation::session::Score, b| a + b,
        );
    html! {
        <div class="page former">
            <h1 id="titre-page" tabindex="-1">{ format!("Session « {} »", s.title) }</h1>
            { err.unwrap_or_default() }
            <p class="chapo">{ format!("Stagiaire : {}. Les modules se font dans cet ordre.", a.trainee) }</p>
            <ol class="modules-session">
                { for entries.iter().map(|e| {
                    let m = &e.module;
                    let sc = props.progress.score(m);
                    html! {
                        <li>
                            <a href={TrainRoute::module(&m.id).to_hash()}>{ m.title.clone() }</a>
                            { format!(" — {} étape{} sur {} ; {} réussie{} du premier coup sur {}",
                                props.progress.done(m), plural_s(props.progress.done(m)), m.exercises.len(),
                                sc.first_try, plural_s(sc.first_try), sc.graded) }
                        </li>
                    }
                }) }
            </ol>
            { match &next {
                Some((m, n)) => html! {
                    <p><a class="bouton" id="continuer-session" href={TrainRoute::step(m, *n).to_hash()}>{ "Continuer la session" }</a></p>
                },
                None => html! {
                    <section class="bilan-session" aria-labelledby="titre-bilan-session">
                        <h2 id="titre-bilan-session">{ "Session terminée" }</h2>
                        <p>{ format!("{} exercice{} réussi{} du premier coup sur {} ; {} réussi{} en tout.",
                            total.first_try, plural_s(total.first_try), plural_s(total.first_try), total.graded,
                            total.success, plural_s(total.success)) }</p>
                        { for entries.iter().map(|e| misconceptions_view(&e.module, &props.progress, false)) }
                    </section>
                },
            } }
            <p>
                <button type="button" class="bouton" id="telecharger-progression" onclick={download}>{ "Enregistrer ma progression pour le formateur" }</button>
                { " " }
                <button type="button" class="bouton bouton-secondaire" onclick={leave}>{ "Quitter la session" }</button>
            </p>
            { msg.unwrap_or_default() }
        </div>
    }
}

/// What a module's trainee confused: each wrong option chosen and why it is wrong, with the
/// cards to read again.
/// `top`: the heading is a page's first level under its title (h2), else under a section (h3).
pub fn misconceptions_view(m: &Module, p: &Progress, top: bool) -> Html {
    let list = misconceptions(m, p);
    if list.is_empty() {
        return html! {};
    }
    html! {
        <section class="confusions" aria-labelledby={format!("confusions-{}", m.id)}>
            if top {
                <h2 id={format!("confusions-{}", m.id)}>{ format!("{} : à revoir", m.title) }</h2>
            } else {
                <h3 id={format!("confusions-{}", m.id)}>{ format!("{} : à revoir", m.title) }</h3>
            }
            <ul>
                { for list.iter().map(|c| html! {
                    <li>
                        <strong>{ format!("Étape {} — {}", c.step, c.title) }</strong>
                        <ul>
                            { for c.options.iter().map(|(o, why)| html! {
                                <li>{ format!("Vous avez répondu « {o} » : {why}") }</li>
                            }) }
                        </ul>
                        <span>{ "À relire : " }</span>
                        { for c.codes.iter().enumerate().map(|(i, code)| html! {
                            <>
                                if i > 0 { { ", " } }
                                <a href={Route::card(&c.catalogue, &c.version, code).to_hash()}>{ format!("fiche {code}") }</a>
                            </>
                        }) }
                    </li>
                }) }
            </ul>
        </section>
    }
}

/// The end of a module: its score, what was confused, the way on.
pub fn summary(e: &Entry, p: &Progress, active: Option<&Active>, lib: &Library) -> Html {
    let m = &e.module;
    let sc = p.score(m);
    let in_session = active.filter(|a| a.session.modules.contains(&m.id));
    let next = in_session.and_then(|a| next_step(lib, &a.session, p));
    html! {
        <div class="page former">
            { super::breadcrumb(m, Some("Bilan")) }
            <h1 id="titre-page" tabindex="-1">{ format!("Bilan — {}", m.title) }</h1>
            <p class="chapo">{ format!("{} exercice{} réussi{} du premier coup sur {} ; {} réussi{} en tout ; {} étape{} faite{} sur {}.",
                sc.first_try, plural_s(sc.first_try), plural_s(sc.first_try), sc.graded,
                sc.success, plural_s(sc.success), p.done(m), plural_s(p.done(m)), plural_s(p.done(m)), m.exercises.len()) }</p>
            { misconceptions_view(m, p, true) }
            if misconceptions(m, p).is_empty() {
                <p>{ "Aucune mauvaise réponse à revoir dans ce module." }</p>
            }
            <p>
                { match (in_session, next) {
                    (Some(_), Some((nm, n))) => html! { <a class="bouton" id="suite-session" href={TrainRoute::step(&nm, n).to_hash()}>{ "Continuer la session" }</a> },
                    (Some(_), None) => html! { <a class="bouton" id="fin-session" href={TrainRoute::session().to_hash()}>{ "Voir le bilan de la session" }</a> },
                    _ => html! { <a class="bouton" href={TrainRoute::home().to_hash()}>{ "Revenir aux modules" }</a> },
                } }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ComposeProps {
    pub library: Library,
    pub catalogues: Catalogues,
}

/// The trainer composes a session: title, modules in order, an optional pack; gets a file and,
/// without a pack, a link.
#[function_component(ComposePage)]
pub fn compose_page(props: &ComposeProps) -> Html {
    let title = use_state(String::new);
    let chosen = use_state(Vec::<String>::new);
    let pack = use_state(|| None::<(SessionPack, String)>);
    let error = use_state(|| None::<String>);
    let made = use_state(|| None::<Session>);
    let on_title = {
        let title = title.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            title.set(i.value());
        })
    };
    let toggle = |id: String| {
        let chosen = chosen.clone();
        Callback::from(move |_: Event| {
            let mut c = (*chosen).clone();
            match c.iter().position(|x| *x == id) {
                Some(i) => {
                    c.remove(i);
                }
                None => c.push(id.clone()),
            }
            chosen.set(c);
        })
    };
    let shift = |i: usize, up: bool| {
        let chosen = chosen.clone();
        Callback::from(move |_: MouseEvent| {
            let mut c = (*chosen).clone();
            let j = if up { i.checked_sub(1) } else { Some(i + 1) };
            if let Some(j) = j.filter(|j| *j < c.len()) {
                c.swap(i, j);
                chosen.set(c);
            }
        })
    };
    let on_pack = {
        let (pack, error, chosen, cats, library) = (
            pack.clone(),
            error.clone(),
            chosen.clone(),
            props.catalogues.0.clone(),
            props.library.clone(),
        );
        Callback::from(move |e: Event| {
            let (pack, error, chosen, cats, library) = (
                pack.clone(),
                error.clone(),
                chosen.clone(),
                cats.clone(),
                library.clone(),
            );
            read_files(
                e,
                Callback::from(move |files: Vec<(String, String)>| {
                    let Some((name, text)) = files.into_iter().next() else {
                        return;
                    };
                    let others: Vec<Module> = library
                        .entries
                        .iter()
                        .filter(|e| e.pack.as_deref() != Some(name.as_str()))
                        .map(|e| (*e.module).clone())
                        .collect();
                    match formation::load_pack(&text, &name, &cats, &others) {
                        Ok(m) => {
                            let mut c = (*chosen).clone();
                            if !c.contains(&m.id) {
                                c.push(m.id.clone());
                            }
                            chosen.set(c);
                            error.set(None);
                            pack.set(Some((SessionPack { name, text }, m.id)));
                        }
                        Err(d) => error.set(Some(format!(
                            "Le pack « {name} » n'est pas valide : {}",
                            d.iter()
                                .map(|d| d.to_line_fr())
                                .collect::<Vec<_>>()
                                .join(" ; ")
                        ))),
                    }
                }),
            );
        })
    };
    let make = {
        let (title, chosen, pack, error, made) = (
            title.clone(),
            chosen.clone(),
            pack.clone(),
            error.clone(),
            made.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match Session::new(
                &title,
                (*chosen).clone(),
                pack.as_ref().map(|p| p.0.clone()),
            ) {
                Ok(s) => {
                    error.set(None);
                    let name = format!(
                        "session-{}.json",
                        cus_core::formation::session::slug(&s.title)
                    );
                    if let Err(m) = crate::pages::export::download(
                        s.to_json().as_bytes(),
                        &name,
                        "application/json",
                    ) {
                        error.set(Some(m));
                    }
                    made.set(Some(s));
                }
                Err(m) => error.set(Some(m)),
            }
        })
    };
    let label_of = |id: &str| -> String {
        props
            .library
            .find(id)
            .map(|e| e.module.title.clone())
            .or_else(|| {
                pack.as_ref()
                    .filter(|p| p.1 == id)
                    .map(|p| format!("{id} (pack « {} »)", p.0.name))
            })
            .unwrap_or_else(|| id.to_string())
    };
    let link = made.as_ref().and_then(|s| {
        let p = s.to_link_param()?;
        let loc = web_sys::window()?.location();
        let base = format!("{}{}", loc.origin().ok()?, loc.pathname().ok()?);
        Some(format!(
            "{base}{}",
            Route::Train(TrainRoute::Session { link: Some(p) }).to_hash()
        ))
    });
    html! {
        <div class="page former">
            <nav class="fil-ariane" aria-label="Fil d'Ariane"><ol>
                <li><a href={TrainRoute::home().to_hash()}>{ "Se former" }</a></li>
                <li aria-current="page">{ "Préparer une session" }</li>
            </ol></nav>
            <h1 id="titre-page" tabindex="-1">{ "Préparer une session de formation" }</h1>
            <p class="chapo">{ "Choisissez les modules et leur ordre ; chaque stagiaire ouvre le lien (ou charge le fichier), entre son nom, fait les modules dans cet ordre et vous rend son fichier de progression, que la vue du formateur rassemble." }</p>
            if let Some(m) = &*error { <p class="message-erreur" role="alert">{ m.clone() }</p> }
            <form onsubmit={make}>
                <p class="ligne-formulaire">
                    <label for="titre-session">{ "Titre de la session" }</label>
                    <input id="titre-session" type="text" value={(*title).clone()} oninput={on_title} />
                </p>
                <fieldset>
                    <legend>{ "Modules" }</legend>
                    { for props.library.entries.iter().map(|e| {
                        let id = e.module.id.clone();
                        let checked = chosen.contains(&id);
                        html! {
                            <p>
                                <input type="checkbox" id={format!("module-session-{id}")} checked={checked} onchange={toggle(id.clone())} />
                                <label for={format!("module-session-{id}")}>{ format!(" {}", e.module.title) }</label>
                            </p>
                        }
                    }) }
                </fieldset>
                <p>
                    <label for="pack-session">{ "Un pack de vos exercices, facultatif (.toml) : il voyage dans le fichier de session" }</label>
                    <input id="pack-session" type="file" accept=".toml" onchange={on_pack} />
                </p>
                if !chosen.is_empty() {
                    <h2>{ "Ordre de la session" }</h2>
                    <ol class="ordre-session">
                        { for chosen.iter().enumerate().map(|(i, id)| html! {
                            <li>
                                { label_of(id) }
                                { " " }
                                <button type="button" class="bouton-petit" aria-label={format!("Monter « {} »", label_of(id))} disabled={i == 0} onclick={shift(i, true)}>{ "↑" }</button>
                                <button type="button" class="bouton-petit" aria-label={format!("Descendre « {} »", label_of(id))} disabled={i + 1 == chosen.len()} onclick={shift(i, false)}>{ "↓" }</button>
                            </li>
                        }) }
                    </ol>
                }
                <p><button type="submit" class="bouton" id="creer-session">{ "Créer la session (fichier à distribuer)" }</button></p>
            </form>
            if let Some(s) = &*made {
                <section aria-labelledby="titre-session-creee">
                    <h2 id="titre-session-creee">{ format!("Session « {} » créée", s.title) }</h2>
                    <p role="status">{ format!("Fichier « session-{}.json » téléchargé : donnez-le aux stagiaires.", cus_core::formation::session::slug(&s.title)) }</p>
                    if let Some(l) = link {
                        <p class="ligne-formulaire">
                            <label for="lien-session">{ "Ou ce lien, à envoyer ou projeter" }</label>
                            <input id="lien-session" type="text" readonly=true value={l} />
                        </p>
                    } else {
                        <p>{ "Cette session porte un pack : elle se distribue par son fichier." }</p>
                    }
                    <p><a href={TrainRoute::projector(&s.modules[0], 1).to_hash()}>{ "Projeter le premier module" }</a></p>
                </section>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct TrainerProps {
    pub library: Library,
}

/// The trainer's view: many progress files (and the session file) in one table.
#[function_component(TrainerPage)]
pub fn trainer_page(props: &TrainerProps) -> Html {
    let files = use_state(Vec::<(String, String)>::new);
    let message = use_state(|| None::<String>);
    let add = {
        let files = files.clone();
        Callback::from(move |new: Vec<(String, String)>| {
            let mut all = (*files).clone();
            for (n, t) in new {
                all.retain(|(x, _)| *x != n);
                all.push((n, t));
            }
            files.set(all);
        })
    };
    let on_files = {
        let add = add.clone();
        Callback::from(move |e: Event| read_files(e, add.clone()))
    };
    let on_drop = {
        let add = add.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(list) = e.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            let fs: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            read_file_list(fs, add.clone());
        })
    };
    let on_over = Callback::from(|e: DragEvent| e.prevent_default());
    // A session file among them names the session; the others are the trainees'.
    type Named = Vec<(String, String)>;
    let (sessions, progress_files): (Named, Named) = files
        .iter()
        .cloned()
        .partition(|(_, t)| Session::from_json(t).is_ok());
    let session = sessions
        .first()
        .and_then(|(_, t)| Session::from_json(t).ok());
    let modules = props.library.modules();
    let view = (!progress_files.is_empty())
        .then(|| trainer_view(session.as_ref(), &modules, &progress_files));
    let csv = {
        let (view, message) = (view.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(v) = &view {
                let name = format!(
                    "session-{}-resultats.csv",
                    cus_core::formation::session::slug(&v.session_title)
                );
                message.set(Some(
                    match crate::pages::export::download(v.to_csv().as_bytes(), &name, "text/csv") {
                        Ok(()) => format!("Tableau exporté dans « {name} »."),
                        Err(e) => e,
                    },
                ));
            }
        })
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let clear = {
        let files = files.clone();
        Callback::from(move |_: MouseEvent| files.set(Vec::new()))
    };
    html! {
        <div class="page former vue-formateur" ondrop={on_drop} ondragover={on_over}>
            <nav class="fil-ariane" aria-label="Fil d'Ariane"><ol>
                <li><a href={TrainRoute::home().to_hash()}>{ "Se former" }</a></li>
                <li aria-current="page">{ "Vue du formateur" }</li>
            </ol></nav>
            <h1 id="titre-page" tabindex="-1">{ "Vue du formateur : les progressions d'une session" }</h1>
            <p class="chapo">{ "Déposez ici les fichiers de progression des stagiaires (et, si vous l'avez, le fichier de la session) : un tableau stagiaires × étapes, les taux de réussite du premier coup, les mauvaises réponses les plus choisies. Un fichier d'une autre session ou abîmé est mis de côté, jamais mélangé." }</p>
            <p class="ecran-seulement">
                <label for="fichiers-progression">{ "Fichiers de progression (.json, plusieurs à la fois)" }</label>
                <input id="fichiers-progression" type="file" multiple=true accept=".json,application/json" onchange={on_files} />
            </p>
            if let Some(m) = &*message { <p role="status">{ m.clone() }</p> }
            { match &view {
                None => html! { <p>{ "Aucun fichier de progression chargé." }</p> },
                Some(v) => html! {
                    <>
                        <h2>{ format!("Session « {} » : {} stagiaire{}", v.session_title, v.trainees.len(), plural_s(v.trainees.len())) }</h2>
                        <p class="ecran-seulement">
                            <button type="button" class="bouton" id="exporter-csv-formateur" onclick={csv}>{ "Exporter le tableau (CSV)" }</button>
                            { " " }
                            <button type="button" class="bouton bouton-secondaire" onclick={print}>{ "Imprimer" }</button>
                            { " " }
                            <button type="button" class="bouton bouton-secondaire" onclick={clear}>{ "Vider" }</button>
                        </p>
                        if !v.set_aside.is_empty() {
                            <div class="avertissement" role="note" id="fichiers-ecartes">
                                <p>{ format!("{} fichier{} mis de côté :", v.set_aside.len(), plural_s(v.set_aside.len())) }</p>
                                <ul>{ for v.set_aside.iter().map(|(f, why)| html! { <li>{ format!("« {f} » : {why}") }</li> }) }</ul>
                            </div>
                        }
                        <div class="grille-defilement" tabindex="0" role="region" aria-labelledby="titre-tableau-formateur">
                            <table class="tableau tableau-formateur">
                                <caption id="titre-tableau-formateur">{ "Résultat par stagiaire et par étape (1er coup : réussi à la première réponse)" }</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{ "Stagiaire" }</th>
                                        { for v.steps.iter().map(|s| html! { <th scope="col">{ s.label.clone() }</th> }) }
                                        <th scope="col">{ "Réussis du premier coup" }</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    { for v.trainees.iter().map(|t| html! {
                                        <tr>
                                            <th scope="row">{ t.trainee.clone() }</th>
                                            { for t.steps.iter().map(|r| html! { <td>{ cell_fr(r.as_ref()) }</td> }) }
                                            <td class="nombre">{ format!("{} sur {}", t.score.first_try, t.score.graded) }</td>
                                        </tr>
                                    }) }
                                </tbody>
                                <tfoot>
                                    <tr>
                                        <th scope="row">{ "Taux du premier coup" }</th>
                                        { for v.steps.iter().map(|s| html! { <td class="nombre">{ s.first_try_rate.map(|r| format!("{} %", format_fr(r, 0))).unwrap_or_else(|| "—".into()) }</td> }) }
                                        <td></td>
                                    </tr>
                                </tfoot>
                            </table>
                        </div>
                        <h2 id="titre-mauvaises-reponses">{ "Mauvaises réponses les plus choisies" }</h2>
                        <ul class="mauvaises-reponses">
                            { for v.steps.iter().filter(|s| !s.wrong.is_empty()).map(|s| html! {
                                <li>
                                    <strong>{ s.label.clone() }</strong>
                                    <ul>{ for s.wrong.iter().map(|(w, n)| html! { <li>{ format!("« {w} » : {n} stagiaire{}", plural_s(*n)) }</li> }) }</ul>
                                </li>
                            }) }
                        </ul>
                        if v.steps.iter().all(|s| s.wrong.is_empty()) {
                            <p>{ "Aucune mauvaise réponse choisie." }</p>
                        }
                    </>
                },
            } }
        </div>
    }
}
