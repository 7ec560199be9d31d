//! « Remplir ma CUS » as its own app, compiled into the second wasm module (`src/bin/remplir.rs`)
//! that the shell loads on the first visit to the mode and mounts on `#remplir`.
//!
//! It reads what it shares with the shell from the browser: the route from `location.hash`, the
//! catalogues the user loaded from local storage (`crate::catalogues`), the drafts from theirs.

use yew::prelude::*;

use crate::formats::FormatsWorker;
use crate::route::{EvalStep, FillStep, Route};
use crate::shell::{focus_page_title, use_route};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Put the focus on the page heading once rendered (the user came from another mode).
    pub focus_title: bool,
}

/// A mounted app; [`Mounted::destroy`] when the route leaves the mode.
pub struct Mounted(yew::AppHandle<RemplirApp>);

impl Mounted {
    pub fn destroy(self) {
        self.0.destroy();
    }
}

/// Mount the app on `host`.
pub fn mount(host: web_sys::Element, focus_title: bool) -> Mounted {
    Mounted(yew::Renderer::<RemplirApp>::with_root_and_props(host, Props { focus_title }).render())
}

thread_local! {
    /// The module's one handle to the formats worker: started on first use, kept while the page
    /// lives, across the mounts of the app (leaving the mode and coming back does not reload it).
    /// It holds no state of the app, only the requests in flight.
    static FORMATS: FormatsWorker = FormatsWorker::default();
}

/// After a change of step, put the focus on the step's heading when it was on the way there
/// (a step link, the previous / next buttons, or nowhere): never left on a link that now names
/// the next step, where a second Enter would skip one. A focus the page put elsewhere (a
/// Vérification link focusing its cell) stays.
fn focus_step_title() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_the_way = doc.active_element().is_none_or(|a| {
        a.tag_name() == "BODY"
            || a.closest(".navigation-etapes, .menu-etapes")
                .ok()
                .flatten()
                .is_some()
    });
    if on_the_way {
        if let Some(h) = doc
            .get_element_by_id("titre-etape")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = h.focus();
        }
    }
}

/// Put the focus on this module's page heading. While the module mounts, the shell's loading
/// line has a heading of the same id (it holds the focus and goes away once the module is
/// shown): the one inside the module's own host is taken.
fn focus_own_title() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(h) = doc
        .query_selector("#remplir #titre-page")
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = h.focus();
    } else {
        focus_page_title();
    }
}

#[function_component(RemplirApp)]
pub fn remplir_app(props: &Props) -> Html {
    let route = use_route();
    let catalogues = use_state(crate::catalogues::initial);
    let formats = use_memo((), |_| FORMATS.with(FormatsWorker::clone));

    // Focus on the heading: on the first render when asked, then on every change of step.
    {
        let first = use_mut_ref(|| true);
        let previous = use_mut_ref(|| None::<Route>);
        let focus_title = props.focus_title;
        use_effect_with(route.clone(), move |r| {
            let first = first.replace(false);
            // From « Remplir ma CUS » to « Évaluer ma CUS » or back (the header's links): another
            // mode of the same module, its heading takes the focus.
            let mode_changed = previous
                .replace(Some(r.clone()))
                .is_some_and(|b| b.is_evaluate() != r.is_evaluate());
            if first {
                crate::mark("remplir-first-render");
            }
            if r.in_remplir_module()
                && !matches!(r, Route::OpenSample(_) | Route::EvaluateSample(_))
            {
                if first {
                    if focus_title {
                        focus_own_title();
                    }
                } else if mode_changed {
                    focus_own_title();
                } else {
                    // Another step: the focus goes to its heading (never left on a link that
                    // now names the next step, where a second Enter would skip one).
                    focus_step_title();
                }
            }
        });
    }

    // A sample opens in a new draft; then the first step, in place of the sample's address (so
    // that « back » does not open it twice).
    {
        use_effect_with(route.clone(), move |r| {
            let (sample, then) = match r {
                Route::OpenSample(i) => (Some(*i), Route::Fill(FillStep::Organisme)),
                Route::EvaluateSample(i) => (Some(*i), Route::Evaluate(EvalStep::Choix)),
                _ => (None, Route::Home),
            };
            if let Some(i) = sample {
                let sample = cus_core::samples::SAMPLES
                    .get(i)
                    .and_then(|s| s.convention());
                wasm_bindgen_futures::spawn_local(async move {
                    if let Some(c) = sample {
                        // Created and made this tab's current draft, then opened by the form.
                        crate::drafts::perform(crate::drafts::Request::Create(Box::new(c))).await;
                    }
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().replace(&then.to_hash());
                    }
                });
            }
        });
    }

    match route {
        Route::Fill(step) => html! {
            <ContextProvider<FormatsWorker> context={(*formats).clone()}>
                <crate::pages::fill::Fill step={step} catalogues={(*catalogues).clone()} />
            </ContextProvider<FormatsWorker>>
        },
        Route::Evaluate(step) => html! {
            <ContextProvider<FormatsWorker> context={(*formats).clone()}>
                <crate::pages::fill::Fill step={FillStep::Organisme} evaluate={Some(step)} catalogues={(*catalogues).clone()} />
            </ContextProvider<FormatsWorker>>
        },
        Route::OpenSample(_) | Route::EvaluateSample(_) => html! {
            <p role="status" class="page">{ "Ouverture de l'exemple…" }</p>
        },
        _ => html! {},
    }
}
