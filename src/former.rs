//! « Se former » as its own app, compiled into a wasm module of its own (`src/bin/former.rs`)
//! that the shell loads on the first visit to the mode and mounts on `#former`: modules of
//! exercises on the indicator definitions (`cus_core::formation`), graded by the real rules and
//! calculations, the learner's progress and the trainers' packs kept in local storage.

use yew::prelude::*;

use crate::route::Route;
use crate::shell::{focus_page_title, use_route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub focus_title: bool,
}

/// A mounted app; [`Mounted::destroy`] when the route leaves the mode.
pub struct Mounted(yew::AppHandle<FormerApp>);

impl Mounted {
    pub fn destroy(self) {
        self.0.destroy();
    }
}

/// Mount the app on `host`.
pub fn mount(host: web_sys::Element, focus_title: bool) -> Mounted {
    Mounted(yew::Renderer::<FormerApp>::with_root_and_props(host, Props { focus_title }).render())
}

#[function_component(FormerApp)]
pub fn former_app(props: &Props) -> Html {
    let route = use_route();
    let catalogues = use_state(crate::catalogues::initial);
    {
        let first = use_mut_ref(|| true);
        let focus_title = props.focus_title;
        use_effect_with(route.clone(), move |_| {
            let was_first = first.replace(false);
            if was_first {
                crate::mark("former-first-render");
            }
            if !was_first || focus_title {
                focus_page_title();
            }
        });
    }
    match route {
        Route::Train(r) => html! {
            <crate::pages::former::Former route={r} catalogues={(*catalogues).clone()} />
        },
        _ => html! {},
    }
}
