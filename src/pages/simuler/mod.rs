//! « Simuler sur mon territoire »: the workspace (one store, typed edits from
//! `cus_core::consolidation::WsEdit`), its storage in IndexedDB, and the sections.
//!
//! State flow: a user action → `WsEdit` → `SimStore::reduce` applies it (a refused edit changes
//! nothing and shows its French message) → the revision it touched (`sources` or `arithmetic`)
//! → the memos: files read on the territory again only when the territory or the files changed
//! (`extract`), otherwise only the arithmetic (`consolidate`, `compile`) → sections get plain
//! data and the stable dispatcher → an effect hands the workspace to the saver (`espace::save_soon`,
//! the drafts' policy: `cus_core::autosave`).
//!
//! Two tabs on one workspace: the later one is read-only (`crate::presence`, as the drafts of
//! « Remplir »): its edits are refused by the store and the sections' inputs are disabled, with a
//! banner at the top of the section and « Modifier ici », which makes the other tab write what it
//! has pending and step back, then reads the workspace again here.

mod charts;
mod compilation;
mod espace;
mod evaluations;
mod export;
mod objectifs;
mod organismes;
mod scenarios;
mod synthese;
mod tables;
mod territoire;

use std::collections::HashMap;
use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::consolidation::{
    compile, consolidate, extract, review, Compilation, Consolidated, Extract, Review, Source,
    Workspace, WsEdit, WsTouched,
};
use cus_core::geo::Referential;
use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::route::{Route, SimStep};

pub(crate) use crate::pages::plural_s;

/// The workspace open in this tab.
#[derive(Clone, PartialEq)]
pub struct SimStore {
    /// Stored id (`None` until a workspace is created or opened).
    pub id: Option<String>,
    pub ws: Rc<Workspace>,
    /// Version of the stored record this tab read or wrote.
    pub version: Option<u64>,
    /// File ids already stored.
    pub stored: Vec<String>,
    /// Bumped by every edit that reaches the storage.
    pub rev: u64,
    /// Bumped when the territory or the files change.
    pub sources_rev: u64,
    /// Bumped when split keys, objectives or scenarios change.
    pub arith_rev: u64,
    /// The last edit refused, or storage problem (French).
    pub message: Option<String>,
    /// Saved since the last edit.
    pub saved: bool,
    /// The last save was refused (French, with what to do): the work here is not saved.
    pub save_error: Option<String>,
    /// Open in another tab that edits it: edits are refused here (`crate::presence`).
    pub read_only: bool,
}

/// Why an edit is refused in a read-only tab.
pub const READ_ONLY: &str = "Cet espace est en lecture seule dans cet onglet, car il est ouvert \
    dans un autre onglet de ce navigateur : cliquez sur « Modifier ici » pour le modifier ici.";

impl Default for SimStore {
    fn default() -> Self {
        SimStore {
            id: None,
            ws: Rc::new(Workspace::new("")),
            version: None,
            stored: Vec::new(),
            rev: 0,
            sources_rev: 0,
            arith_rev: 0,
            message: None,
            saved: true,
            save_error: None,
            read_only: false,
        }
    }
}

pub enum SimAction {
    /// A workspace opened (or created): id, workspace, version, stored file ids, notes.
    Open {
        id: String,
        ws: Workspace,
        version: Option<u64>,
        stored: Vec<String>,
        notes: Vec<String>,
    },
    Edit(WsEdit),
    /// The save of revision `rev` of workspace `id` is done.
    Saved {
        id: String,
        rev: u64,
        version: u64,
        stored: Vec<String>,
    },
    /// A save of workspace `id` was refused (French message, with what to do).
    SaveFailed {
        id: String,
        message: String,
    },
    /// Another tab edits this workspace (`true`), or this one took it over (`false`).
    ReadOnly(bool),
    Message(Option<String>),
    /// The open workspace was deleted.
    Closed,
}

impl Reducible for SimStore {
    type Action = SimAction;

    fn reduce(self: Rc<Self>, action: SimAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            SimAction::Open {
                id,
                ws,
                version,
                stored,
                notes,
            } => {
                s.id = Some(id);
                s.ws = Rc::new(ws);
                s.version = version;
                s.stored = stored;
                s.sources_rev += 1;
                s.arith_rev += 1;
                s.message = (!notes.is_empty()).then(|| notes.join(" "));
                s.saved = version.is_some();
                s.save_error = None;
                // Editable until another tab says it has it open (`crate::presence`).
                s.read_only = false;
                if version.is_none() {
                    s.rev += 1;
                }
            }
            SimAction::Edit(_) if s.read_only => {
                if s.message.as_deref() == Some(READ_ONLY) {
                    return self;
                }
                s.message = Some(READ_ONLY.to_string());
            }
            SimAction::Edit(edit) => {
                let mut ws = (*s.ws).clone();
                match edit.apply(&mut ws) {
                    Ok(touched) => {
                        s.ws = Rc::new(ws);
                        s.rev += 1;
                        s.saved = false;
                        s.message = None;
                        match touched {
                            WsTouched::Sources => s.sources_rev += 1,
                            WsTouched::Arithmetic => s.arith_rev += 1,
                            WsTouched::Nothing => {}
                        }
                    }
                    Err(m) => s.message = Some(m),
                }
            }
            SimAction::Saved {
                id,
                rev,
                version,
                stored,
            } => {
                if s.id.as_deref() != Some(id.as_str()) {
                    return self;
                }
                s.version = Some(version);
                s.stored = stored;
                s.save_error = None;
                if rev == s.rev {
                    s.saved = true;
                }
            }
            SimAction::SaveFailed { id, message } => {
                if s.id.as_deref() != Some(id.as_str()) {
                    return self;
                }
                s.save_error = Some(message);
            }
            SimAction::ReadOnly(ro) => {
                if s.read_only == ro {
                    return self;
                }
                s.read_only = ro;
                if !ro && s.message.as_deref() == Some(READ_ONLY) {
                    s.message = None;
                }
            }
            SimAction::Message(m) => s.message = m,
            SimAction::Closed => return Rc::new(SimStore::default()),
        }
        Rc::new(s)
    }
}

/// What the sections read, derived from the workspace.
pub struct Derived {
    pub geo: &'static Referential,
    /// The catalogues (embedded and loaded).
    pub cats: Rc<Vec<Catalogue>>,
    /// Catalogue of each file (file id → index in `cats`), when known.
    pub catalogue_of: HashMap<String, usize>,
    pub extract: Option<Extract>,
    /// Without scenario.
    pub baseline: Option<Consolidated>,
    /// Under the selected scenario (same as the baseline when none is selected).
    pub current: Option<Consolidated>,
    pub compilation: Vec<Compilation>,
    /// The regional synthesis, built on demand by [`Derived::synthesis`] (only the pages that
    /// show it pay for it, once per derivation: an objective typed elsewhere does not).
    synthesis: std::cell::OnceCell<Option<Rc<cus_core::report::Report>>>,
    /// The organisms' evaluations side by side (read again only with the files, like `extract`).
    pub review: Option<Rc<Review>>,
    /// Files used (not excluded, catalogue known), in order: index → file id.
    pub used: Vec<String>,
    /// Time of the last consolidation (extract when redone, consolidate, compile), ms.
    pub ms: f64,
}

impl PartialEq for Derived {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The referential of a workspace: its vintage, else the latest embedded.
pub fn referential(ws: &Workspace) -> &'static Referential {
    let latest = *cus_core::geo::vintages()
        .last()
        .expect("a vintage is embedded");
    ws.geo_vintage
        .and_then(cus_core::geo::referential)
        .or_else(|| cus_core::geo::referential(latest))
        .expect("the latest vintage loads")
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The sources of a workspace (files not excluded whose catalogue is known).
pub fn sources<'a>(
    ws: &'a Workspace,
    cats: &'a [Catalogue],
    catalogue_of: &HashMap<String, usize>,
) -> Vec<Source<'a>> {
    ws.files
        .iter()
        .filter(|f| !f.excluded)
        .filter_map(|f| {
            Some(Source {
                id: &f.id,
                conv: &f.convention,
                cat: cats.get(*catalogue_of.get(&f.id)?)?,
            })
        })
        .collect()
}

impl Derived {
    /// The regional synthesis of `ws` under `scenario` (the one this derivation was made for),
    /// built the first time a page asks for it.
    pub fn synthesis(
        &self,
        ws: &Workspace,
        scenario: Option<usize>,
    ) -> Option<Rc<cus_core::report::Report>> {
        self.synthesis
            .get_or_init(|| {
                let (ex, cur) = (self.extract.as_ref()?, self.current.as_ref()?);
                let src = sources(ws, &self.cats, &self.catalogue_of);
                Some(Rc::new(cus_core::consolidation::synthesis::synthesis(
                    &cus_core::consolidation::synthesis::SynthesisInput {
                        extract: ex,
                        consolidated: cur,
                        compilation: &self.compilation,
                        sources: &src,
                        geo: self.geo,
                        previous: &ws.previous,
                        review: self.review.as_deref(),
                        scenario: scenario
                            .and_then(|i| ws.scenarios.get(i))
                            .map(|s| s.name.as_str()),
                    },
                )))
            })
            .clone()
    }

    /// The catalogue of a file, when known.
    pub fn catalogue(&self, file: &str) -> Option<&Catalogue> {
        self.cats.get(*self.catalogue_of.get(file)?)
    }
}

/// What is read from the files on the territory, kept while they and the territory do not change.
type SourcesCache = (Extract, Option<Rc<Review>>);

fn derive(
    ws: &Workspace,
    cats: Rc<Vec<Catalogue>>,
    old: Option<SourcesCache>,
    scenario: Option<usize>,
) -> Derived {
    let t0 = now_ms();
    let geo = referential(ws);
    let catalogue_of: HashMap<String, usize> = ws
        .files
        .iter()
        .filter_map(|f| {
            let r = &f.convention.catalogue;
            cats.iter()
                .position(|c| c.is(&r.id, &r.version))
                .map(|i| (f.id.clone(), i))
        })
        .collect();
    let src = sources(ws, &cats, &catalogue_of);
    let used = src.iter().map(|s| s.id.to_string()).collect();
    let territory = ws
        .territory
        .clone()
        .filter(|t| cus_core::consolidation::check_territory(t, geo).is_ok());
    let (extract, review) = match (territory, old) {
        (Some(_), Some((ex, rv))) => (Some(ex), rv),
        (Some(t), None) => {
            let ex = extract(&t, &src, geo);
            let rv = Rc::new(review(&ex, &src, geo));
            (Some(ex), Some(rv))
        }
        (None, _) => (None, None),
    };
    let (baseline, current, compilation) = match &extract {
        Some(ex) => {
            let base = consolidate(ex, &src, geo, &ws.split_keys, None, &ws.objectives);
            let cur = scenario
                .and_then(|i| ws.scenarios.get(i))
                .map(|sc| consolidate(ex, &src, geo, &ws.split_keys, Some(sc), &ws.objectives));
            let comp = compile(ex, cur.as_ref().unwrap_or(&base), &src, geo);
            let cur = cur.unwrap_or_else(|| base.clone());
            (Some(base), Some(cur), comp)
        }
        None => (None, None, Vec::new()),
    };
    Derived {
        geo,
        catalogue_of,
        cats: cats.clone(),
        extract,
        baseline,
        current,
        compilation,
        synthesis: std::cell::OnceCell::new(),
        review,
        used,
        ms: now_ms() - t0,
    }
}

/// Props every section gets.
#[derive(Properties, PartialEq, Clone)]
pub struct SectionProps {
    pub store: Rc<SimStore>,
    pub derived: Rc<Derived>,
    pub dispatch: Callback<WsEdit>,
    pub catalogues: Catalogues,
    /// The scenario shown (`None`: the files as they are).
    pub scenario: Option<usize>,
    pub on_scenario: Callback<Option<usize>>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// `None`: the fictional région is being opened.
    pub step: Option<SimStep>,
    pub catalogues: Catalogues,
}

/// Moves the focus to the section's heading after a change of section from the menu or the
/// previous / next links (never left on a link that now names another section).
fn focus_heading() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_the_way = doc.active_element().is_none_or(|a| {
        a.tag_name() == "BODY"
            || a.closest(".menu-etapes, .navigation-etapes")
                .ok()
                .flatten()
                .is_some()
    });
    if on_the_way {
        if let Some(h) = doc
            .get_element_by_id("titre-page")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = h.focus();
        }
    }
}

#[function_component(Simuler)]
pub fn simuler(props: &Props) -> Html {
    let store = use_reducer(SimStore::default);
    let scenario = use_state(|| None::<usize>);
    let loading = use_state(|| true);
    let worker = use_context::<crate::formats::FormatsWorker>();

    // Open the last workspace of this browser on first render; the fictional région whenever
    // its route is opened (the component stays mounted between the mode's routes).
    {
        let store = store.dispatcher();
        let loading = loading.clone();
        let first = use_mut_ref(|| true);
        let worker = worker.clone();
        use_effect_with(props.step.is_none(), move |sample| {
            let was_first = first.replace(false);
            let (sample, store, worker) = (*sample, store.clone(), worker.clone());
            if sample || was_first {
                loading.set(true);
                wasm_bindgen_futures::spawn_local(async move {
                    match (sample, worker) {
                        (true, Some(w)) => espace::open_sample(store, w).await,
                        (true, None) => {}
                        (false, _) => espace::open_last(store).await,
                    }
                    loading.set(false);
                });
            }
        });
    }
    // Every revision goes to the saver, written once edits pause (and when the page goes away:
    // the saver outlives this component).
    {
        let dispatch = store.dispatcher();
        let s = (*store).clone();
        use_effect_with(store.rev, move |_| {
            if let (false, false, Some(id)) = (s.saved, s.read_only, s.id.clone()) {
                espace::save_soon(espace::WsSave {
                    id,
                    ws: s.ws.clone(),
                    rev: s.rev,
                    dispatch,
                });
            }
        });
    }
    // Read-only while another tab edits the same workspace (`crate::presence`).
    let ro_flag = (*use_memo((), |_| Rc::new(std::cell::Cell::new(false)))).clone();
    let tab = (*use_memo((), |_| crate::presence::new_tab_id())).clone();
    let presence = use_mut_ref(|| None::<crate::presence::Presence>);
    {
        let (ro_flag, presence, d) = (ro_flag.clone(), presence.clone(), store.dispatcher());
        use_effect_with(store.id.clone(), move |id| {
            ro_flag.set(false);
            *presence.borrow_mut() = id.as_deref().and_then(|id| {
                let subject = crate::presence::Subject::workspace(id, espace::flush_boxed);
                crate::presence::Presence::announce(&tab, subject, ro_flag, move |ro| {
                    d.dispatch(SimAction::ReadOnly(ro))
                })
            });
            move || {
                presence.borrow_mut().take();
            }
        });
    }
    let take_over = {
        let (ro_flag, presence, d) = (ro_flag.clone(), presence.clone(), store.dispatcher());
        let id = store.id.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(id) = id.clone() else { return };
            let (ro_flag, d) = (ro_flag.clone(), d.clone());
            // The other tab writes what it has pending and says so (or is gone), then this one
            // reads the workspace again.
            let reopen = move || {
                ro_flag.set(false);
                wasm_bindgen_futures::spawn_local(async move {
                    espace::open(d.clone(), &id).await;
                    d.dispatch(SimAction::ReadOnly(false));
                });
            };
            match presence.borrow().as_ref() {
                Some(p) => p.take_over(reopen),
                None => reopen(),
            }
        })
    };
    // A save refused: read the workspace as saved again (what was not saved here is dropped).
    let reload_saved = {
        let d = store.dispatcher();
        let id = store.id.clone();
        Callback::from(move |_: MouseEvent| {
            let (Some(id), d) = (id.clone(), d.clone()) else {
                return;
            };
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message("Reprendre la version enregistrée de l'espace ? Les modifications faites ici depuis le dernier enregistrement seront perdues (enregistrez d'abord l'espace dans un fichier pour les garder).").ok())
                .unwrap_or(false);
            if confirmed {
                wasm_bindgen_futures::spawn_local(async move { espace::open(d, &id).await });
            }
        })
    };
    use_effect_with(props.step, |_| focus_heading());

    // Derived data: the files are read on the territory only when they or the territory change.
    let extract_cache = use_mut_ref(|| (0u64, None::<SourcesCache>));
    let derived = {
        let ws = store.ws.clone();
        let cats = props.catalogues.clone();
        let cache = extract_cache.clone();
        use_memo(
            (
                store.sources_rev,
                store.arith_rev,
                *scenario,
                cats.clone(),
                store.id.clone(),
            ),
            move |(sources_rev, _, sc, _, _)| {
                let old = {
                    let c = cache.borrow();
                    (c.0 == *sources_rev).then(|| c.1.clone()).flatten()
                };
                let d = derive(&ws, cats.0.clone(), old, *sc);
                *cache.borrow_mut() = (
                    *sources_rev,
                    d.extract.clone().map(|ex| (ex, d.review.clone())),
                );
                d
            },
        )
    };
    let dispatch = {
        let d = store.dispatcher();
        use_callback((), move |e: WsEdit, _| d.dispatch(SimAction::Edit(e)))
    };
    let on_scenario = {
        let scenario = scenario.clone();
        use_callback((), move |s: Option<usize>, _| scenario.set(s))
    };

    let Some(step) = props.step else {
        return html! {
            <div class="page">
                <h1 id="titre-page" tabindex="-1">{ "Simuler sur mon territoire" }</h1>
                <p role="status">{ "Ouverture de l'exemple : une région fictive de 30 organismes…" }</p>
            </div>
        };
    };
    let section = SectionProps {
        store: Rc::new((*store).clone()),
        derived: derived.clone(),
        dispatch,
        catalogues: props.catalogues.clone(),
        scenario: (*scenario).filter(|i| *i < store.ws.scenarios.len()),
        on_scenario,
    };
    let body = match step {
        SimStep::Espace => {
            html! { <espace::Espace section={section.clone()} store_dispatch={store.dispatcher()} /> }
        }
        SimStep::Territoire => html! { <territoire::Territoire ..section.clone() /> },
        SimStep::Organismes => html! { <organismes::Organismes ..section.clone() /> },
        SimStep::Consolidation => html! { <tables::ConsolidationSection ..section.clone() /> },
        SimStep::Objectifs => html! { <objectifs::Objectifs ..section.clone() /> },
        SimStep::Scenarios => html! { <scenarios::Scenarios ..section.clone() /> },
        SimStep::Compilation => html! { <compilation::CompilationSection ..section.clone() /> },
        SimStep::Evaluations => html! { <evaluations::Evaluations ..section.clone() /> },
        SimStep::Export => html! { <export::Export ..section.clone() /> },
    };
    // The sections that edit the workspace: every input disabled while read-only here (the
    // Espace section disables its own; Compilation, Évaluations and Export only read).
    let edits = matches!(
        step,
        SimStep::Territoire
            | SimStep::Organismes
            | SimStep::Consolidation
            | SimStep::Objectifs
            | SimStep::Scenarios
    );
    let body = if edits {
        html! { <fieldset class="cadre-etape" disabled={store.read_only}>{ body }</fieldset> }
    } else {
        body
    };
    // Read-only here, a save refused, an edit refused: at the top of the section, kept in view.
    let alerts = (store.read_only || store.save_error.is_some() || store.message.is_some()).then(|| html! {
        <div class="alertes-etape">
            if store.read_only {
                <div class="avertissement" id="lecture-seule" role="status">
                    <p>{ "Cet espace est ouvert dans un autre onglet de ce navigateur : ici, il est en lecture seule, \
                          pour que les deux onglets n'écrivent pas l'un sur l'autre." }</p>
                    <button type="button" class="bouton" id="modifier-ici" onclick={take_over}>{ "Modifier ici" }</button>
                    <span class="aide">{ " L'autre onglet enregistre ce qu'il a en cours et passe en lecture seule." }</span>
                </div>
            }
            if let Some(e) = &store.save_error {
                <div class="message-erreur" id="echec-enregistrement" role="alert">
                    <p>{ e.clone() }</p>
                    <button type="button" class="bouton bouton-secondaire" id="reprendre-espace" onclick={reload_saved}>{ "Reprendre la version enregistrée" }</button>
                </div>
            }
            if let Some(m) = &store.message {
                <p class="message-erreur" role="alert">{ m.clone() }</p>
            }
        </div>
    });
    let status = if *loading {
        " · ouverture…"
    } else if store.save_error.is_some() {
        " · modifications non enregistrées"
    } else if store.saved && store.read_only {
        " · enregistré dans ce navigateur (lecture seule ici)"
    } else if store.saved {
        " · enregistré dans ce navigateur"
    } else {
        " · enregistrement…"
    };
    let pos = SimStep::ALL.iter().position(|s| *s == step).unwrap_or(0);
    let prev = pos.checked_sub(1).map(|i| SimStep::ALL[i]);
    let next = SimStep::ALL.get(pos + 1).copied();
    let ws = &store.ws;
    let territory = ws
        .territory
        .as_ref()
        .map(|t| cus_core::consolidation::territory_label(t, derived.geo));
    html! {
        <div class="page simuler" data-consolidation-ms={format!("{:.1}", derived.ms)}
            data-espace={if *loading { "ouverture" } else if store.save_error.is_some() { "non-enregistre" } else if store.saved { "enregistre" } else { "modifie" }}>
            <h1 id="titre-page" tabindex="-1">
                { if step == SimStep::Espace { "Simuler sur mon territoire".to_string() } else { step.label_fr().to_string() } }
            </h1>
            if store.id.is_some() {
                <p class="contexte-espace">
                    { format!("Espace « {} »", ws.name) }
                    { territory.map(|t| format!(" · {t}")).unwrap_or_else(|| " · territoire à choisir".into()) }
                    { format!(" · {} fichier{}", ws.files.len(), plural_s(ws.files.len())) }
                    <span class="etat-enregistrement" role="status">{ status }</span>
                </p>
            }
            <div class="parcours">
                <nav class="menu-etapes" aria-label="Sections de la simulation">
                    <ol>
                        { for SimStep::ALL.iter().map(|s| {
                            let current = *s == step;
                            html! {
                                <li>
                                    <a href={Route::Simulate(*s).to_hash()} aria-current={current.then_some("step")}>
                                        { s.label_fr() }
                                        { menu_hint(*s, &store, &derived) }
                                    </a>
                                </li>
                            }
                        }) }
                    </ol>
                </nav>
                <div class="etape">
                    { alerts }
                    if *loading {
                        <p role="status">{ "Ouverture de l'espace de simulation…" }</p>
                    } else if store.id.is_none() && step != SimStep::Espace {
                        <p class="avertissement" role="note">
                            { "Aucun espace de simulation n'est ouvert. " }
                            <a href={Route::Simulate(SimStep::Espace).to_hash()}>{ "Créez-en un ou ouvrez l'exemple" }</a>
                            { "." }
                        </p>
                    } else {
                        { body }
                    }
                    <nav class="navigation-etapes" aria-label="Section précédente ou suivante">
                        if let Some(p) = prev {
                            <a class="bouton bouton-secondaire" href={Route::Simulate(p).to_hash()}>{ format!("← {}", p.label_fr()) }</a>
                        }
                        if let Some(n) = next {
                            <a class="bouton" href={Route::Simulate(n).to_hash()}>{ format!("{} →", n.label_fr()) }</a>
                        }
                    </nav>
                </div>
            </div>
        </div>
    }
}

/// A short count after a section's name in the menu (« 12 »), in a visually quiet span.
fn menu_hint(step: SimStep, store: &SimStore, d: &Derived) -> Html {
    let text = match step {
        SimStep::Organismes if !store.ws.files.is_empty() => Some(format!(
            "{} fichier{}",
            store.ws.files.len(),
            plural_s(store.ws.files.len())
        )),
        SimStep::Territoire if store.ws.territory.is_none() && store.id.is_some() => {
            Some("à choisir".to_string())
        }
        SimStep::Objectifs if !store.ws.objectives.is_empty() => Some(format!(
            "{} objectif{}",
            store.ws.objectives.len(),
            plural_s(store.ws.objectives.len())
        )),
        SimStep::Scenarios if !store.ws.scenarios.is_empty() => Some(format!(
            "{} scénario{}",
            store.ws.scenarios.len(),
            plural_s(store.ws.scenarios.len())
        )),
        SimStep::Compilation if !d.compilation.is_empty() => None,
        SimStep::Evaluations => d
            .review
            .as_ref()
            .filter(|r| r.transmitted() > 0)
            .map(|r| format!("{} transmise{}", r.transmitted(), plural_s(r.transmitted()))),
        _ => None,
    };
    match text {
        Some(t) => html! { <span class="menu-indication">{ format!(" — {t}") }</span> },
        None => html! {},
    }
}
