//! The shell, the first module the browser loads: header with the modes, home, « Comprendre les
//! indicateurs », « Simuler sur mon territoire », footer. « Remplir ma CUS » is a second wasm
//! module (`src/bin/remplir.rs`), loaded the first time its route is opened and mounted on its
//! own element beside the shell's pages, so the first load stays small.
//!
//! The page has hosts never nested (each Yew app delegates its events from its own host):
//! `#haut` (skip link, header, new-version banner), `#pages` (the shell's pages, inside
//! `<main id="contenu">`), `#remplir`, `#simuler` and `#former` (the modules « Remplir ma CUS »,
//! « Simuler sur mon territoire » and « Se former », inside `<main>` too) and `#bas` (footer).
//! Every app follows `location.hash` itself.

use std::cell::RefCell;
use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::pages;
use crate::route::{EvalStep, FillStep, Route, SimStep, TrainRoute};

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

/// The current route, following `hashchange`.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current_route);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window();
            let listener = Closure::<dyn Fn()>::new(move || route.set(current_route()));
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    (*route).clone()
}

/// Put the focus on the page heading (`#titre-page`), unless something inside `<main>` already
/// has it (a cell asked for by a Vérification link), so keyboard and screen-reader users land on
/// the new content.
pub fn focus_page_title() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let inside_main = doc
        .active_element()
        .zip(doc.get_element_by_id("contenu"))
        .is_some_and(|(a, m)| m.contains(Some(&a)) && a.id() != "contenu");
    if !inside_main {
        if let Some(h) = doc
            .get_element_by_id("titre-page")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = h.focus();
        }
    }
}

/// Start the shell on the hosts of `index.html` (created in `<body>` when missing).
pub fn start() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else {
        return;
    };
    mount_into(&body);
}

/// The hosts of the page, inside `root`: found by id, or created.
pub fn mount_into(root: &web_sys::Element) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let host = |id: &str, tag: &str, parent: &web_sys::Element| -> Option<web_sys::Element> {
        if let Some(e) = doc.get_element_by_id(id) {
            return Some(e);
        }
        let e = doc.create_element(tag).ok()?;
        e.set_id(id);
        parent.append_child(&e).ok()?;
        Some(e)
    };
    let (Some(top), Some(main)) = (host("haut", "div", root), host("contenu", "main", root)) else {
        return;
    };
    let _ = main.set_attribute("tabindex", "-1");
    let (Some(pages), Some(_remplir), Some(_simuler), Some(_former), Some(bottom)) = (
        host("pages", "div", &main),
        host("remplir", "div", &main),
        host("simuler", "div", &main),
        host("former", "div", &main),
        host("bas", "div", root),
    ) else {
        return;
    };
    yew::Renderer::<Frame>::with_root(top).render();
    yew::Renderer::<Pages>::with_root(pages).render();
    yew::Renderer::<Footer>::with_root(bottom).render();
}

/// Skip link, header with the modes, new-version banner.
#[function_component(Frame)]
pub fn frame() -> Html {
    let route = use_route();
    let nav_item = |target: Route, label: &'static str| {
        let current = route.same_section(&target);
        html! {
            <li>
                <a href={target.to_hash()} aria-current={current.then_some("page")}>{ label }</a>
            </li>
        }
    };
    html! {
        <>
            <a class="lien-evitement" href="#contenu" onclick={skip_to_content()}>{ "Aller au contenu" }</a>
            <header class="entete">
                <div class="entete-interieur">
                    <a class="marque" href="#/">
                        <span class="marque-sigle" aria-hidden="true">{ "CUS" }</span>
                        <span class="marque-nom">{ "CUS indicateurs" }</span>
                    </a>
                    <nav aria-label="Modes de l'application">
                        <ul class="nav-modes">
                            { nav_item(Route::Fill(FillStep::Organisme), "Remplir ma CUS") }
                            { nav_item(Route::Evaluate(EvalStep::Choix), "Évaluer ma CUS") }
                            { nav_item(Route::Simulate(SimStep::Espace), "Simuler sur mon territoire") }
                            { nav_item(Route::Reference { focus: None }, "Comprendre les indicateurs") }
                            { nav_item(TrainRoute::home(), "Se former") }
                        </ul>
                    </nav>
                </div>
            </header>
            <crate::offline::UpdateBanner />
        </>
    }
}

#[function_component(Footer)]
pub fn footer() -> Html {
    html! {
        <footer class="pied">
            <p>
                { format!("CUS indicateurs, version {}", cus_core::VERSION) }
                { " · Fonctionne entièrement dans votre navigateur : aucune donnée n'est envoyée sur un serveur." }
            </p>
            <p class="pied-note">
                { "Outil indépendant, sans lien avec les services de l'État. Les définitions citent le code de la construction et de l'habitation ; vérifiez les libellés marqués « à confirmer »." }
            </p>
            <crate::offline::OfflineStatus />
        </footer>
    }
}

/// The shell's pages; for the routes of « Remplir ma CUS », the loader of its module.
#[function_component(Pages)]
pub fn pages() -> Html {
    let route = use_route();
    let catalogues = use_state(crate::catalogues::initial);
    let loader = use_memo((), |_| ModuleLoader::new(Module::Remplir));
    let sim_loader = use_memo((), |_| ModuleLoader::new(Module::Simuler));
    let train_loader = use_memo((), |_| ModuleLoader::new(Module::Former));

    use_effect_with((), |_| crate::mark("app-first-render"));

    // Title of the tab; focus on the page heading when the page changes (not on first load).
    {
        let previous = use_mut_ref(|| None::<Route>);
        use_effect_with(route.clone(), move |r| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&r.title());
            }
            let before = previous.replace(Some(r.clone()));
            // Between two pages of a mode, its module moves the focus itself. « Remplir » and
            // « Évaluer » are two modes of one module: the shell moves it too (the module may
            // still be loading, its heading not there yet).
            match before {
                Some(b)
                    if !(b.is_fill() && r.is_fill()
                        || b.is_evaluate() && r.is_evaluate()
                        || b.is_simulate() && r.is_simulate()
                        || b.is_train() && r.is_train()) =>
                {
                    focus_page_title()
                }
                _ => {}
            }
        });
    }

    let on_catalogue_loaded = {
        let catalogues = catalogues.clone();
        Callback::from(move |c: Catalogue| {
            let mut list: Vec<Catalogue> = catalogues.0.iter().cloned().collect();
            list.retain(|x| !x.is(&c.id, &c.version));
            list.push(c);
            crate::catalogues::save_loaded(&list);
            catalogues.set(Catalogues(Rc::new(list)));
        })
    };

    match &route {
        Route::Home => html! { <pages::home::Home catalogues={(*catalogues).clone()} /> },
        // Keyed by module: going straight from one mode to another must make a new host (which
        // loads and mounts its module), not reuse the previous one with another loader.
        // « Évaluer ma CUS » shares the drafts with « Remplir ma CUS »: the same module, the same
        // host (moving between the two keeps the draft open).
        Route::Fill(_) | Route::OpenSample(_) | Route::Evaluate(_) | Route::EvaluateSample(_) => {
            let title = if route.is_evaluate() {
                "Évaluer ma CUS"
            } else {
                "Remplir ma CUS"
            };
            html! { <ModuleHost key="remplir" loader={(*loader).clone()} {title} /> }
        }
        Route::Simulate(_) | Route::SimulateSample => {
            html! { <ModuleHost key="simuler" loader={(*sim_loader).clone()} /> }
        }
        Route::Train(_) => {
            html! { <ModuleHost key="former" loader={(*train_loader).clone()} /> }
        }
        Route::Reference { focus } => html! {
            <pages::reference::Reference
                catalogues={(*catalogues).clone()}
                focus={focus.clone()}
                on_loaded={on_catalogue_loaded} />
        },
        Route::NotFound(p) => html! { <pages::modes::NotFound path={p.clone()} /> },
    }
}

/// The skip link moves focus to `<main>` without changing the route hash.
fn skip_to_content() -> Callback<MouseEvent> {
    Callback::from(|e: MouseEvent| {
        e.prevent_default();
        if let Some(m) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("contenu"))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = m.focus();
        }
    })
}

// ---- the Remplir module ------------------------------------------------------------------------

/// Name of the `<meta>` holding the address of the Remplir module's script (written by
/// `scripts/post-build.mjs`, with a content hash in the file name).
pub const REMPLIR_META: &str = "cus-module-remplir";
/// The same for the « Simuler sur mon territoire » module.
pub const SIMULER_META: &str = "cus-module-simuler";
/// The same for the « Se former » module.
pub const FORMER_META: &str = "cus-module-former";

/// A mode served by its own wasm module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    Remplir,
    Simuler,
    Former,
}

impl Module {
    fn meta(self) -> &'static str {
        match self {
            Module::Remplir => REMPLIR_META,
            Module::Simuler => SIMULER_META,
            Module::Former => FORMER_META,
        }
    }

    /// Id of its host element in `index.html`.
    fn host(self) -> &'static str {
        match self {
            Module::Remplir => "remplir",
            Module::Simuler => "simuler",
            Module::Former => "former",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Module::Remplir => "Remplir ma CUS",
            Module::Simuler => "Simuler sur mon territoire",
            Module::Former => "Se former",
        }
    }

    /// What is kept safe while the module cannot load.
    fn kept_fr(self) -> &'static str {
        match self {
            Module::Remplir => "Vos brouillons sont intacts, enregistrés dans ce navigateur.",
            Module::Simuler => {
                "Vos espaces de simulation sont intacts, enregistrés dans ce navigateur."
            }
            Module::Former => {
                "Votre progression et vos packs sont intacts, enregistrés dans ce navigateur."
            }
        }
    }
}

#[wasm_bindgen(inline_js = "export function cus_import_module(js, wasm) {
  const at = (u) => new URL(u, document.baseURI).href;
  return import(at(js)).then((m) => m.default({ module_or_path: at(wasm) }).then(() => m));
}")]
extern "C" {
    /// Import a wasm-bindgen module (`--target web`) and initialise it; resolves to its exports.
    /// Addresses are relative to the page (this snippet lives in `snippets/`).
    fn cus_import_module(js: &str, wasm: &str) -> js_sys::Promise;
}

/// Loads a module once and keeps it (equal when it is the same loader).
#[derive(Clone)]
pub struct ModuleLoader(Rc<RefCell<Option<js_sys::Promise>>>, Module);

impl PartialEq for ModuleLoader {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl ModuleLoader {
    pub fn new(module: Module) -> Self {
        ModuleLoader(Rc::default(), module)
    }

    /// The module's exports, loading it on the first call.
    fn load(&self) -> Result<js_sys::Promise, String> {
        if let Some(p) = self.0.borrow().as_ref() {
            return Ok(p.clone());
        }
        let js = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| {
                d.query_selector(&format!("meta[name=\"{}\"]", self.1.meta()))
                    .ok()
                    .flatten()
            })
            .and_then(|m| m.get_attribute("content"))
            .filter(|u| u.ends_with(".js"))
            .ok_or_else(|| {
                "l'adresse du module est absente de cette version de l'application".to_string()
            })?;
        let wasm = format!("{}_bg.wasm", js.trim_end_matches(".js"));
        let p = cus_import_module(&js, &wasm);
        *self.0.borrow_mut() = Some(p.clone());
        Ok(p)
    }

    /// Forget a failed load, so that the next attempt fetches again.
    fn forget(&self) {
        self.0.borrow_mut().take();
    }
}

#[derive(Properties, PartialEq)]
struct HostProps {
    loader: ModuleLoader,
    /// The mode's name while it loads, when the module serves several (« Évaluer ma CUS » is
    /// in the Remplir module).
    #[prop_or_default]
    title: Option<&'static str>,
}

#[derive(Clone, PartialEq)]
enum HostState {
    Loading,
    Mounted,
    Failed(String),
}

/// While a module loads: its heading and a status; then the module's app, mounted on its host
/// (`#remplir`, `#simuler`), destroyed when the route leaves the mode.
#[function_component(ModuleHost)]
fn module_host(props: &HostProps) -> Html {
    let module = props.loader.1;
    let title = props.title.unwrap_or(module.title());
    let state = use_state(|| HostState::Loading);
    let attempt = use_state(|| 0u32);
    // The loading heading had the focus when the module was mounted: once that heading is gone,
    // the module's own heading gets it (whichever of the two apps renders first).
    let refocus = use_mut_ref(|| false);
    {
        let refocus = refocus.clone();
        use_effect_with((*state).clone(), move |s| {
            if *s == HostState::Mounted && refocus.replace(false) {
                let doc = web_sys::window().and_then(|w| w.document());
                let lost = doc
                    .as_ref()
                    .and_then(|d| d.active_element())
                    .is_none_or(|a| a.tag_name() == "BODY");
                if let Some(h) = doc
                    .filter(|_| lost)
                    .and_then(|d| {
                        d.query_selector(&format!("#{} #titre-page", module.host()))
                            .ok()
                            .flatten()
                    })
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = h.focus();
                }
            }
        });
    }
    {
        let state = state.clone();
        let loader = props.loader.clone();
        let refocus = refocus.clone();
        use_effect_with(*attempt, move |_| {
            let handle: Rc<RefCell<Option<JsValue>>> = Rc::default();
            let alive = Rc::new(std::cell::Cell::new(true));
            let (h, a) = (handle.clone(), alive.clone());
            match loader.load() {
                Err(why) => state.set(HostState::Failed(why)),
                Ok(promise) => wasm_bindgen_futures::spawn_local(async move {
                    let loaded = JsFuture::from(promise).await;
                    // The shell moved the focus to its own heading while loading: the module's
                    // heading takes it over.
                    let focus = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .is_some_and(|e| e.id() == "titre-page");
                    let mounted = match loaded {
                        Ok(m) => mount_module(&m, module.host(), focus),
                        Err(e) => Err(e
                            .as_string()
                            .or_else(|| js_sys::Error::from(e).message().as_string())
                            .unwrap_or_default()),
                    };
                    match mounted {
                        Ok(m) if a.get() => {
                            *h.borrow_mut() = Some(m);
                            *refocus.borrow_mut() = focus;
                            state.set(HostState::Mounted);
                        }
                        Ok(m) => destroy_module(&m),
                        Err(why) => {
                            loader.forget();
                            if a.get() {
                                state.set(HostState::Failed(why));
                            }
                        }
                    }
                }),
            }
            move || {
                alive.set(false);
                if let Some(m) = handle.borrow_mut().take() {
                    destroy_module(&m);
                }
            }
        });
    }
    let retry = {
        let (state, attempt) = (state.clone(), attempt.clone());
        Callback::from(move |_: MouseEvent| {
            state.set(HostState::Loading);
            attempt.set(*attempt + 1);
        })
    };
    match &*state {
        HostState::Mounted => html! {},
        HostState::Loading => html! {
            <div class="page">
                <h1 id="titre-page" tabindex="-1">{ title }</h1>
                <p role="status" id="chargement-module">{ format!("Chargement de « {title} »…") }</p>
            </div>
        },
        HostState::Failed(why) => html! {
            <div class="page">
                <h1 id="titre-page" tabindex="-1">{ title }</h1>
                <div class="message-erreur" role="alert" id="echec-module">
                    <p>{ format!("« {title} » n'a pas pu être chargé. {} \
                          Vérifiez la connexion (une seule visite complète suffit ensuite pour travailler hors connexion), puis réessayez.", module.kept_fr()) }</p>
                    <p class="aide">{ format!("Détail technique : {why}") }</p>
                </div>
                <button type="button" class="bouton" onclick={retry}>{ "Réessayer" }</button>
            </div>
        },
    }
}

/// Call the module's `mount(host, focus_title)`; the handle it returns has `destroy()`.
fn mount_module(exports: &JsValue, host: &str, focus_title: bool) -> Result<JsValue, String> {
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(host))
        .ok_or_else(|| format!("pas d'emplacement #{host} dans la page"))?;
    let mount: js_sys::Function = js_sys::Reflect::get(exports, &"mount".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or("le module n'a pas de fonction mount")?;
    mount
        .call2(&JsValue::NULL, &host, &JsValue::from_bool(focus_title))
        .map_err(|e| format!("{e:?}"))
}

fn destroy_module(handle: &JsValue) {
    if let Some(f) = js_sys::Reflect::get(handle, &"destroy".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = f.call0(handle);
    }
}
