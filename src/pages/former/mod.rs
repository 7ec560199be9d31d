//! « Se former »: the modules of exercises (`data/formation/`, embedded, and the trainers'
//! packs), one step at a time, graded by `cus_core::formation` (the rule engine and `calc`), with
//! the learner's progress kept in this browser.
//!
//! Pages: [`home`] (the modules, the score and its export, the packs, the exercises citing a
//! code), a module's introduction (here), a step ([`exercise`]), a printable sheet ([`sheet`]),
//! a module's end with what was confused and a trainer-led session — compose, join, run, the
//! trainer's view of the trainees' files — ([`session`]), projector mode ([`projector`]).

mod exercise;
mod home;
mod packs;
mod progress;
mod projector;
mod session;
mod sheet;

use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::formation::{self, Exercise, Module};
use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::route::{Route, TrainRoute};
pub use progress::Progress;

/// A module available to the learner: embedded, or from a trainer's pack (its file name).
#[derive(Clone, PartialEq)]
pub struct Entry {
    pub module: Rc<Module>,
    pub pack: Option<String>,
}

/// Every module available: the embedded ones, then the packs loaded in this browser (checked
/// again at each start; a pack that no longer passes, because a catalogue it cites is gone, is
/// left aside with its reasons).
#[derive(Clone, PartialEq)]
pub struct Library {
    pub entries: Rc<Vec<Entry>>,
    /// Stored packs set aside, with why.
    pub stale: Rc<Vec<String>>,
}

impl Library {
    pub fn load(cats: &[Catalogue]) -> Library {
        let mut entries: Vec<Entry> = formation::embedded()
            .into_iter()
            .map(|m| Entry {
                module: Rc::new(m),
                pack: None,
            })
            .collect();
        let mut stale = Vec::new();
        for p in packs::stored() {
            let others: Vec<Module> = entries.iter().map(|e| (*e.module).clone()).collect();
            match formation::load_pack(&p.text, &p.name, cats, &others) {
                Ok(m) => entries.push(Entry {
                    module: Rc::new(m),
                    pack: Some(p.name),
                }),
                Err(d) => stale.push(format!(
                    "Le pack « {} » enregistré dans ce navigateur n'est plus valide : {}",
                    p.name,
                    d.iter()
                        .map(|d| d.to_line_fr())
                        .collect::<Vec<_>>()
                        .join(" ; ")
                )),
            }
        }
        Library {
            entries: Rc::new(entries),
            stale: Rc::new(stale),
        }
    }

    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.module.id == id)
    }

    pub fn modules(&self) -> Vec<&Module> {
        self.entries.iter().map(|e| &*e.module).collect()
    }
}

/// The catalogue an exercise names, shared for the grid's properties.
fn catalogue_rc(ex: &Exercise, cats: &[Catalogue]) -> Option<Rc<Catalogue>> {
    formation::catalogue_of(ex, cats).map(|c| Rc::new(c.clone()))
}

/// Links to the cards of the codes an exercise cites.
fn card_links(ex: &Exercise) -> Html {
    html! {
        <span class="liens-fiches">
            { for ex.codes.iter().enumerate().map(|(i, code)| html! {
                <>
                    if i > 0 { { ", " } }
                    <a href={Route::card(&ex.catalogue, &ex.version, code).to_hash()}>
                        { format!("fiche {code}") }
                    </a>
                </>
            }) }
        </span>
    }
}

/// « CUS 2e génération — logements locatifs (version 2026.11.0) ».
fn catalogue_label(ex: &Exercise, cat: Option<&Catalogue>) -> String {
    match cat {
        Some(c) => format!("{} (version {})", c.title, c.version),
        None => format!("{} (version {})", ex.catalogue, ex.version),
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub route: TrainRoute,
    pub catalogues: Catalogues,
}

#[function_component(Former)]
pub fn former(props: &Props) -> Html {
    let library = {
        let cats = props.catalogues.0.clone();
        use_state(move || Library::load(&cats))
    };
    // A trainer-led session running in this browser keeps its own progress.
    let active = use_state(session::stored_active);
    let key_of = |a: Option<&session::Active>| match a {
        Some(a) => session::progress_key(&a.session),
        None => progress::PROGRESS_KEY.to_string(),
    };
    let progress = {
        let key = key_of(active.as_ref());
        use_state(move || progress::load(&key))
    };
    let storage_msg = use_state(|| None::<String>);
    let on_progress = {
        let (progress, storage_msg, key) = (
            progress.clone(),
            storage_msg.clone(),
            key_of(active.as_ref()),
        );
        Callback::from(move |p: Progress| {
            storage_msg.set(progress::save(&p, &key).err());
            progress.set(p);
        })
    };
    let on_join = {
        let (active, progress, storage_msg) =
            (active.clone(), progress.clone(), storage_msg.clone());
        Callback::from(move |a: session::Active| {
            storage_msg.set(session::store_active(Some(&a)).err());
            progress.set(progress::load(&session::progress_key(&a.session)));
            active.set(Some(a));
        })
    };
    let on_leave = {
        let (active, progress, storage_msg) =
            (active.clone(), progress.clone(), storage_msg.clone());
        Callback::from(move |_: ()| {
            storage_msg.set(session::store_active(None).err());
            progress.set(progress::load(progress::PROGRESS_KEY));
            active.set(None);
        })
    };
    let on_library = {
        let library = library.clone();
        Callback::from(move |l: Library| library.set(l))
    };
    let cats = props.catalogues.0.clone();
    let message = (*storage_msg)
        .clone()
        .map(|m| html! { <p class="message-erreur" role="alert">{ m }</p> });
    let page = match &props.route {
        TrainRoute::Home { code } => html! {
            <home::Home library={(*library).clone()} progress={(*progress).clone()}
                code={code.clone()} catalogues={props.catalogues.clone()}
                {on_library} on_progress={on_progress.clone()} />
        },
        TrainRoute::Module(id) => match library.find(id) {
            Some(e) => module_intro(e, &progress, &cats),
            None => not_found(id),
        },
        TrainRoute::Step(id, n) => match library.find(id) {
            Some(e) if *n <= e.module.exercises.len() => html! {
                <StepPage entry={e.clone()} step={*n} progress={(*progress).clone()}
                    catalogues={props.catalogues.clone()} on_progress={on_progress.clone()} />
            },
            Some(e) => html! {
                <div class="page former">
                    <h1 id="titre-page" tabindex="-1">{ e.module.title.clone() }</h1>
                    <p class="message-erreur" role="alert">
                        { format!("Ce module n'a que {} étapes. ", e.module.exercises.len()) }
                        <a href={TrainRoute::module(&e.module.id).to_hash()}>{ "Revenir au début du module" }</a>
                    </p>
                </div>
            },
            None => not_found(id),
        },
        TrainRoute::Sheet(id) => match library.find(id) {
            Some(e) => {
                html! { <sheet::Sheet entry={e.clone()} catalogues={props.catalogues.clone()} /> }
            }
            None => not_found(id),
        },
        TrainRoute::Summary(id) => match library.find(id) {
            Some(e) => session::summary(e, &progress, active.as_ref(), &library),
            None => not_found(id),
        },
        TrainRoute::Projector(id, n) => match library.find(id) {
            Some(e) if *n <= e.module.exercises.len() => html! {
                <projector::Projector entry={e.clone()} step={*n} catalogues={props.catalogues.clone()} />
            },
            Some(_) | None => not_found(id),
        },
        TrainRoute::Session { link } => html! {
            <session::SessionPage library={(*library).clone()} catalogues={props.catalogues.clone()}
                active={(*active).clone()} progress={(*progress).clone()} link={link.clone()}
                {on_join} {on_leave} on_library={on_library.clone()} />
        },
        TrainRoute::Compose => html! {
            <session::ComposePage library={(*library).clone()} catalogues={props.catalogues.clone()} />
        },
        TrainRoute::Trainer => html! { <session::TrainerPage library={(*library).clone()} /> },
    };
    // The session running, said on every page of « Se former » with the way back to it.
    let banner = active.as_ref().map(|a| {
        html! {
            <p class="bandeau-session" role="note">
                { format!("Session « {} » — {}. ", a.session.title, a.trainee) }
                <a href={TrainRoute::session().to_hash()}>{ "Voir la session" }</a>
            </p>
        }
    });
    html! { <>{ message.unwrap_or_default() }{ banner.unwrap_or_default() }{ page }</> }
}

fn not_found(id: &str) -> Html {
    html! {
        <div class="page former">
            <h1 id="titre-page" tabindex="-1">{ "Module introuvable" }</h1>
            <p class="message-erreur" role="alert">
                { format!("Aucun module « {id} » n'est disponible dans ce navigateur. S'il vient d'un pack de formateur, chargez le pack depuis la page d'accueil de « Se former ».") }
            </p>
            <p><a href={TrainRoute::home().to_hash()}>{ "Voir les modules" }</a></p>
        </div>
    }
}

/// The breadcrumb of a module's pages.
fn breadcrumb(m: &Module, here: Option<&str>) -> Html {
    html! {
        <nav class="fil-ariane" aria-label="Fil d'Ariane">
            <ol>
                <li><a href={TrainRoute::home().to_hash()}>{ "Se former" }</a></li>
                if let Some(h) = here {
                    <li><a href={TrainRoute::module(&m.id).to_hash()}>{ m.title.clone() }</a></li>
                    <li aria-current="page">{ h.to_string() }</li>
                } else {
                    <li aria-current="page">{ m.title.clone() }</li>
                }
            </ol>
        </nav>
    }
}

/// A module's introduction: what it teaches, its steps, where to start.
fn module_intro(e: &Entry, progress: &Progress, cats: &[Catalogue]) -> Html {
    let m = &e.module;
    let done = progress.done(m);
    let first_undone = m
        .exercises
        .iter()
        .position(|x| {
            progress
                .get(&m.id, &x.id)
                .is_none_or(|r| !(r.success || r.seen))
        })
        .map_or(1, |i| i + 1);
    html! {
        <div class="page former">
            { breadcrumb(m, None) }
            <h1 id="titre-page" tabindex="-1">{ m.title.clone() }</h1>
            <p class="chapo">{ m.summary.clone() }</p>
            if let Some(p) = &e.pack {
                <p class="aide">{ format!("Module d'un pack de formateur (fichier « {p} »).") }</p>
            }
            <p>{ format!("{} étapes ; {} faite{} dans ce navigateur.", m.exercises.len(), done, crate::pages::plural_s(done)) }</p>
            <p>
                <a class="bouton" id="commencer" href={TrainRoute::step(&m.id, first_undone).to_hash()}>
                    { if done == 0 { "Commencer".to_string() } else if done == m.exercises.len() { "Revoir le module".to_string() } else { format!("Reprendre à l'étape {first_undone}") } }
                </a>
                { " " }
                <a href={TrainRoute::sheet(&m.id).to_hash()}>{ "Fiche imprimable (questions, puis réponses)" }</a>
                { " · " }
                <a id="projeter" href={TrainRoute::projector(&m.id, 1).to_hash()}>{ "Projeter (mode formateur)" }</a>
            </p>
            <h2>{ "Les étapes" }</h2>
            <ol class="etapes-module">
                { for m.exercises.iter().enumerate().map(|(i, x)| html! {
                    <li>
                        <a href={TrainRoute::step(&m.id, i + 1).to_hash()}>{ x.title.clone() }</a>
                        { format!(" — {} ; {} ; codes {}", x.kind.label_fr(), catalogue_label(x, formation::catalogue_of(x, cats)), x.codes.join(", ")) }
                        { step_status(progress, m, x) }
                    </li>
                }) }
            </ol>
        </div>
    }
}

/// « réussi du premier coup », « réussi », « réponse vue », « lu ».
fn status_text(progress: &Progress, m: &Module, x: &Exercise) -> Option<&'static str> {
    let r = progress.get(&m.id, &x.id)?;
    Some(if r.first_try {
        "réussi du premier coup"
    } else if r.success {
        "réussi"
    } else if r.revealed {
        "réponse vue"
    } else if r.seen {
        "lu"
    } else if r.attempts > 0 {
        "à retravailler"
    } else {
        return None;
    })
}

fn step_status(progress: &Progress, m: &Module, x: &Exercise) -> Html {
    match status_text(progress, m, x) {
        Some(t) => html! { <span class="statut-etape">{ format!(" ({t})") }</span> },
        None => html! {},
    }
}

#[derive(Properties, PartialEq)]
struct StepProps {
    entry: Entry,
    step: usize,
    progress: Progress,
    catalogues: Catalogues,
    on_progress: Callback<Progress>,
}

/// One step of a module: the step menu, the exercise, the way to the next step.
#[function_component(StepPage)]
fn step_page(props: &StepProps) -> Html {
    let m = &props.entry.module;
    let n = props.step;
    let ex = &m.exercises[n - 1];
    let cats = &props.catalogues.0;
    let total = m.exercises.len();
    let on_answer = {
        let (progress, on_progress) = (props.progress.clone(), props.on_progress.clone());
        let (mid, eid) = (m.id.clone(), ex.id.clone());
        Callback::from(move |(correct, wrong): (bool, Vec<String>)| {
            let mut p = progress.clone();
            p.answered(&mid, &eid, correct, &wrong);
            on_progress.emit(p);
        })
    };
    let on_reveal = {
        let (progress, on_progress) = (props.progress.clone(), props.on_progress.clone());
        let (mid, eid) = (m.id.clone(), ex.id.clone());
        Callback::from(move |_: ()| {
            let mut p = progress.clone();
            p.revealed(&mid, &eid);
            on_progress.emit(p);
        })
    };
    // A worked example counts as read once shown.
    {
        let (progress, on_progress) = (props.progress.clone(), props.on_progress.clone());
        let (mid, eid, example) = (m.id.clone(), ex.id.clone(), !ex.kind.graded());
        use_effect_with((mid.clone(), eid.clone()), move |_| {
            if example {
                let mut p = progress.clone();
                if p.seen(&mid, &eid) {
                    on_progress.emit(p);
                }
            }
        });
    }
    let record = props.progress.get(&m.id, &ex.id).cloned();
    html! {
        <div class="page former">
            { breadcrumb(m, Some(&format!("Étape {n}"))) }
            <h1 id="titre-page" tabindex="-1">{ m.title.clone() }</h1>
            <div class="parcours">
                <nav class="menu-etapes" aria-label="Étapes du module">
                    <ol>
                        { for m.exercises.iter().enumerate().map(|(i, x)| {
                            let current = i + 1 == n;
                            let status = status_text(&props.progress, m, x);
                            html! {
                                <li>
                                    <a href={TrainRoute::step(&m.id, i + 1).to_hash()} aria-current={current.then_some("step")}>
                                        { format!("{}. {}", i + 1, x.title) }
                                        if let Some(s) = status {
                                            <span class="etat-etape">{ format!(" — {s}") }</span>
                                        }
                                    </a>
                                </li>
                            }
                        }) }
                    </ol>
                </nav>
                <div class="etape">
                    <exercise::ExerciseView key={format!("{}/{}", m.id, ex.id)}
                        module={m.clone()} index={n - 1} total={total}
                        catalogue={catalogue_rc(ex, cats)} record={record}
                        {on_answer} {on_reveal} />
                    <nav class="navigation-etapes" aria-label="Étape précédente ou suivante">
                        if n > 1 {
                            <a id="etape-precedente" href={TrainRoute::step(&m.id, n - 1).to_hash()}>{ "← Étape précédente" }</a>
                        }
                        if n < total {
                            <a id="etape-suivante" class="bouton" href={TrainRoute::step(&m.id, n + 1).to_hash()}>{ "Étape suivante →" }</a>
                        } else {
                            <a id="fin-module" class="bouton" href={TrainRoute::summary(&m.id).to_hash()}>{ "Fin du module : le bilan" }</a>
                        }
                    </nav>
                </div>
            </div>
        </div>
    }
}
