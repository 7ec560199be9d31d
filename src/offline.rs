//! Offline after the first visit: registers the service worker (`sw.js`, written by
//! `scripts/post-build.mjs` with the list of the build's files) and offers a new version when
//! one is installed and waiting. The page is reloaded only when the user asks, never in the
//! middle of typing.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};
use yew::prelude::*;

/// The container, when this browser and this context (https or localhost) have service workers.
fn container() -> Option<ServiceWorkerContainer> {
    let nav = web_sys::window()?.navigator();
    let sw = js_sys::Reflect::get(&nav, &JsValue::from_str("serviceWorker")).ok()?;
    (!sw.is_undefined()).then(|| sw.unchecked_into())
}

/// Register the service worker; `on_waiting` is called with a new version once it is installed
/// and waiting (never on the first install, when nothing older controls the page).
fn register(on_waiting: Callback<ServiceWorker>) {
    let Some(container) = container() else {
        return;
    };
    let promise = container.register("./sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        let reg = match JsFuture::from(promise).await {
            Ok(reg) if reg.is_object() => reg,
            _ => {
                web_sys::console::warn_1(
                    &"Service worker non enregistré : pas d'usage hors ligne.".into(),
                );
                return;
            }
        };
        let reg: ServiceWorkerRegistration = reg.unchecked_into();
        let controlled = {
            let container = container.clone();
            move || container.controller().is_some()
        };
        if let Some(w) = reg.waiting() {
            if controlled() {
                on_waiting.emit(w);
            }
        }
        let reg2 = reg.clone();
        let on_found = Closure::<dyn Fn()>::new(move || {
            let Some(installing) = reg2.installing() else {
                return;
            };
            let w = installing.clone();
            let on_waiting = on_waiting.clone();
            let controlled = controlled.clone();
            let on_state = Closure::<dyn Fn()>::new(move || {
                if w.state() == ServiceWorkerState::Installed && controlled() {
                    on_waiting.emit(w.clone());
                }
            });
            installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        });
        reg.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
        // Look for a new version whenever the tab comes back into view.
        let reg3 = reg.clone();
        let on_visible = Closure::<dyn Fn()>::new(move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
            if visible {
                let _ = reg3.update();
            }
        });
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.add_event_listener_with_callback(
                "visibilitychange",
                on_visible.as_ref().unchecked_ref(),
            );
        }
        on_visible.forget();
    });
}

/// « Nouvelle version disponible — recharger »: shown when a new version waits.
#[function_component(UpdateBanner)]
pub fn update_banner() -> Html {
    let waiting = use_state(|| None::<ServiceWorker>);
    let dismissed = use_state(|| false);
    {
        let waiting = waiting.clone();
        use_effect_with((), move |_| {
            register(Callback::from(move |w| waiting.set(Some(w))));
        });
    }
    let Some(worker) = (*waiting).clone() else {
        return html! {};
    };
    if *dismissed {
        return html! {};
    }
    let reload = Callback::from(move |_: MouseEvent| {
        let Some(container) = container() else {
            return;
        };
        // Reload once the new version controls the page (and only because the user asked).
        let asked = Rc::new(Cell::new(true));
        let on_change = Closure::<dyn Fn()>::new(move || {
            if asked.replace(false) {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            }
        });
        container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        let _ = worker.post_message(&JsValue::from_str("skip-waiting"));
    });
    let later = {
        let dismissed = dismissed.clone();
        Callback::from(move |_: MouseEvent| dismissed.set(true))
    };
    html! {
        <div class="bandeau-version" id="nouvelle-version" role="status">
            <p>{ "Nouvelle version disponible — recharger pour l'utiliser. Vos brouillons sont conservés." }</p>
            <button type="button" class="bouton" id="recharger-version" onclick={reload}>{ "Recharger" }</button>
            <button type="button" class="bouton bouton-secondaire" onclick={later}>{ "Plus tard" }</button>
        </div>
    }
}

/// « Disponible hors connexion » once the service worker has every file of this version.
#[function_component(OfflineStatus)]
pub fn offline_status() -> Html {
    let ready = use_state(|| false);
    {
        let ready = ready.clone();
        use_effect_with((), move |_| {
            if let Some(c) = container() {
                if let Ok(p) = c.ready() {
                    wasm_bindgen_futures::spawn_local(async move {
                        if JsFuture::from(p).await.is_ok_and(|r| r.is_object()) {
                            ready.set(true);
                        }
                    });
                }
            }
        });
    }
    if *ready {
        html! {
            <p class="pied-note" id="hors-connexion">
                { "Disponible hors connexion : l'application est enregistrée dans ce navigateur et s'ouvre sans réseau." }
            </p>
        }
    } else {
        html! {}
    }
}
