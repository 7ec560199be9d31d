//! « Simuler sur mon territoire » as its own app, compiled into a wasm module of its own
//! (`src/bin/simuler.rs`) that the shell loads on the first visit to the mode and mounts on
//! `#simuler`. Collectivités and State services consolidate many organisms' conventions on a
//! territory (`cus_core::consolidation`); the files are read by the formats worker.

use yew::prelude::*;

use crate::formats::FormatsWorker;
use crate::route::Route;
use crate::shell::{focus_page_title, use_route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub focus_title: bool,
}

/// A mounted app; [`Mounted::destroy`] when the route leaves the mode.
pub struct Mounted(yew::AppHandle<SimulerApp>);

impl Mounted {
    pub fn destroy(self) {
        self.0.destroy();
    }
}

/// Mount the app on `host`.
pub fn mount(host: web_sys::Element, focus_title: bool) -> Mounted {
    Mounted(yew::Renderer::<SimulerApp>::with_root_and_props(host, Props { focus_title }).render())
}

thread_local! {
    /// The module's handle to the formats worker (started on first use, kept across mounts).
    static FORMATS: FormatsWorker = FormatsWorker::default();
}

#[function_component(SimulerApp)]
pub fn simuler_app(props: &Props) -> Html {
    let route = use_route();
    let catalogues = use_state(crate::catalogues::initial);
    let formats = use_memo((), |_| FORMATS.with(FormatsWorker::clone));
    {
        let first = use_mut_ref(|| true);
        let focus_title = props.focus_title;
        use_effect_with(route.clone(), move |_| {
            let was_first = first.replace(false);
            if was_first {
                crate::mark("simuler-first-render");
            }
            if !was_first || focus_title {
                focus_page_title();
            }
        });
    }
    let step = match &route {
        Route::Simulate(s) => Some(*s),
        Route::SimulateSample => None,
        _ => return html! {},
    };
    html! {
        <ContextProvider<FormatsWorker> context={(*formats).clone()}>
            <crate::pages::simuler::Simuler step={step} catalogues={(*catalogues).clone()} />
        </ContextProvider<FormatsWorker>>
    }
}
