//! The shell: header with the three modes, main content by route, footer with the version.

use std::rc::Rc;

use cus_core::catalogue::{self, Catalogue};
use wasm_bindgen::{closure::Closure, JsCast};
use yew::prelude::*;

use crate::pages;
use crate::route::{FillStep, Route};

fn current_route() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::from_hash(&hash)
}

/// Catalogues available to the app: those embedded in the build, then those the user loaded.
#[derive(Clone, PartialEq)]
pub struct Catalogues(pub Rc<Vec<Catalogue>>);

#[function_component(App)]
pub fn app() -> Html {
    let route = use_state(current_route);
    let catalogues = use_state(|| Catalogues(Rc::new(initial_catalogues())));

    // Follow the hash.
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
            crate::mark("app-first-render");
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

    // Title of the tab, and focus on the page heading when the page changes (not on first load),
    // so keyboard and screen-reader users land on the new content.
    {
        let first = use_mut_ref(|| true);
        use_effect_with((*route).clone(), move |r| {
            if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
                doc.set_title(&r.title());
                // A page may already have put the focus on something inside <main> (a cell asked
                // for by a Vérification link): keep it there.
                let inside_main = doc
                    .active_element()
                    .zip(doc.get_element_by_id("contenu"))
                    .is_some_and(|(a, m)| m.contains(Some(&a)) && a.id() != "contenu");
                if !*first.borrow() && !inside_main {
                    if let Some(h) = doc
                        .get_element_by_id("titre-page")
                        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = h.focus();
                    }
                }
            }
            *first.borrow_mut() = false;
        });
    }

    let on_catalogue_loaded = {
        let catalogues = catalogues.clone();
        Callback::from(move |c: Catalogue| {
            let mut list: Vec<Catalogue> = catalogues.0.iter().cloned().collect();
            list.retain(|x| !(x.id == c.id && x.version == c.version));
            list.push(c);
            save_loaded_catalogues(&list);
            catalogues.set(Catalogues(Rc::new(list)));
        })
    };

    let content = match &*route {
        Route::Home => html! { <pages::home::Home catalogues={(*catalogues).clone()} /> },
        Route::Fill(step) => {
            html! { <pages::fill::Fill step={*step} catalogues={(*catalogues).clone()} /> }
        }
        Route::Simulate => html! { <pages::modes::Simulate /> },
        Route::Reference { focus } => html! {
            <pages::reference::Reference
                catalogues={(*catalogues).clone()}
                focus={focus.clone()}
                on_loaded={on_catalogue_loaded} />
        },
        Route::NotFound(p) => html! { <pages::modes::NotFound path={p.clone()} /> },
    };

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
                            { nav_item(Route::Simulate, "Simuler sur mon territoire") }
                            { nav_item(Route::Reference { focus: None }, "Comprendre les indicateurs") }
                        </ul>
                    </nav>
                </div>
            </header>
            <main id="contenu" tabindex="-1">{ content }</main>
            <footer class="pied">
                <p>
                    { format!("CUS indicateurs, version {}", cus_core::VERSION) }
                    { " · Fonctionne entièrement dans votre navigateur : aucune donnée n'est envoyée sur un serveur." }
                </p>
                <p class="pied-note">
                    { "Outil indépendant, sans lien avec les services de l'État. Les définitions citent le code de la construction et de l'habitation ; vérifiez les libellés marqués « à confirmer »." }
                </p>
            </footer>
        </>
    }
}

/// Local-storage key of the catalogues loaded by the user (a JSON array).
pub const LOADED_CATALOGUES_KEY: &str = "cus.catalogues-charges";

/// Embedded catalogues, then those loaded earlier in this browser (re-checked; a stored catalogue
/// that no longer passes the checks is skipped with a console warning).
fn initial_catalogues() -> Vec<Catalogue> {
    let mut list = catalogue::embedded();
    let stored = crate::storage::get(LOADED_CATALOGUES_KEY).ok().flatten();
    let values: Vec<serde_json::Value> = stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    for v in values {
        match catalogue::load_json(&v.to_string(), "stockage local") {
            Ok(c) => {
                list.retain(|x| !(x.id == c.id && x.version == c.version));
                list.push(c);
            }
            Err(d) => web_sys::console::warn_1(
                &format!("Catalogue enregistré ignoré car invalide : {d:?}").into(),
            ),
        }
    }
    list
}

/// Keep the catalogues that are not embedded in the build, so a reload finds them again.
fn save_loaded_catalogues(list: &[Catalogue]) {
    let embedded = catalogue::embedded();
    let extra: Vec<&Catalogue> = list.iter().filter(|c| !embedded.contains(c)).collect();
    if let Ok(json) = serde_json::to_string(&extra) {
        if let Err(msg) = crate::storage::set(LOADED_CATALOGUES_KEY, &json) {
            web_sys::console::warn_1(&msg.into());
        }
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
