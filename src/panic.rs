//! A Rust panic must not freeze the page silently: log the details to the console and show a
//! French banner inviting the user to reload.

use wasm_bindgen::JsCast;

/// Id of the banner element (tests look for it).
pub const BANNER_ID: &str = "panne";

/// Text of the banner.
pub const BANNER_TEXT: &str = "Une erreur inattendue est survenue dans l'application. \
Rechargez la page pour continuer ; vos saisies enregistrées dans ce navigateur seront conservées. \
Si l'erreur se reproduit, signalez-la en joignant le détail affiché dans la console du navigateur.";

/// Install the panic hook (once, before rendering: Yew would otherwise install its own, which
/// only logs to the console).
pub fn install_hook() {
    yew::set_custom_panic_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("CUS indicateurs — panique : {info}").into());
        show_banner();
    }));
}

/// Put the banner at the top of the page (idempotent). Uses plain DOM calls: after a panic the
/// Yew renderer can no longer be trusted.
pub fn show_banner() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if doc.get_element_by_id(BANNER_ID).is_some() {
        return;
    }
    let Some(body) = doc.body() else { return };
    let Ok(banner) = doc.create_element("div") else {
        return;
    };
    banner.set_id(BANNER_ID);
    let _ = banner.set_attribute("role", "alert");
    banner.set_class_name("panne");
    let Ok(p) = doc.create_element("p") else {
        return;
    };
    p.set_text_content(Some(BANNER_TEXT));
    let _ = banner.append_child(&p);
    if let Ok(button) = doc.create_element("button") {
        let _ = button.set_attribute("type", "button");
        // A listener, not an `onclick` attribute: the Content-Security-Policy runs no inline code.
        let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        reload.forget();
        button.set_text_content(Some("Recharger la page"));
        let _ = banner.append_child(&button);
        let _ = body.insert_before(&banner, body.first_child().as_ref());
        if let Ok(b) = button.dyn_into::<web_sys::HtmlElement>() {
            let _ = b.focus();
        }
    }
}
