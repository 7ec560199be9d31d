//! A French number input (achievements in « Évaluer », objectives in « Simuler »): what is typed
//! is kept while it is typed and while it is not a number (with the French message saying why),
//! whatever re-renders the page; every number typed is one edit. A block pasted from a
//! spreadsheet (a tab or a line break) is never read as one number: it goes to `on_paste_block`,
//! which spreads it over the grid's cells, or is refused with the reason.

use cus_core::numfmt::{format_fr, parse_fr};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: AttrValue,
    /// Accessible name (the cell: territory, year, split, what).
    pub label: AttrValue,
    pub value: Option<f64>,
    /// A number typed, or `None` when emptied.
    pub on_change: Callback<Option<f64>>,
    /// Id of the rule's message about this cell, if any.
    #[prop_or_default]
    pub described_by: Option<AttrValue>,
    #[prop_or_default]
    pub invalid: bool,
    /// A block pasted from a spreadsheet into this cell (the clipboard text), to spread over
    /// the grid from this cell; without it, the block is refused with a message.
    #[prop_or_default]
    pub on_paste_block: Option<Callback<String>>,
    #[prop_or_default]
    pub class: Option<AttrValue>,
}

fn shown(v: Option<f64>) -> String {
    v.map(|x| format_fr(x, 6)).unwrap_or_default()
}

#[function_component(NumInput)]
pub fn num_input(props: &Props) -> Html {
    let text = use_state(|| shown(props.value));
    let error = use_state(|| None::<String>);
    // A value changed elsewhere (undo, redo, another draft): show it.
    {
        let (text, error) = (text.clone(), error.clone());
        use_effect_with(props.value, move |v| {
            let typed = parse_fr(&text).ok();
            let empty = text.trim().is_empty();
            if !(typed == *v || (empty && v.is_none())) && error.is_none() {
                text.set(shown(*v));
            }
        });
    }
    let oninput = {
        let (text, error, on_change) = (text.clone(), error.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let raw = input.value();
            text.set(raw.clone());
            if raw.trim().is_empty() {
                error.set(None);
                on_change.emit(None);
                return;
            }
            match parse_fr(&raw) {
                Ok(v) => {
                    error.set(None);
                    on_change.emit(Some(v));
                }
                Err(e) => error.set(Some(e.message_fr(&raw))),
            }
        })
    };
    let onpaste = {
        let (error, on_block) = (error.clone(), props.on_paste_block.clone());
        Callback::from(move |e: Event| {
            let Some(text) = pasted_text(&e) else {
                return;
            };
            if !cus_core::convention::is_pasted_block(&text) {
                return; // one value: the input takes it, `oninput` reads it
            }
            e.prevent_default();
            match &on_block {
                Some(cb) => {
                    error.set(None);
                    cb.emit(text);
                }
                None => error.set(Some(
                    cus_core::numfmt::ParseNumberError::SeveralCells.message_fr(&text),
                )),
            }
        })
    };
    let err_id = format!("{}-erreur", props.id);
    let described = match (&*error, &props.described_by) {
        (Some(_), Some(d)) => Some(format!("{err_id} {d}")),
        (Some(_), None) => Some(err_id.clone()),
        (None, d) => d.as_ref().map(|d| d.to_string()),
    };
    html! {
        <>
            <input id={props.id.clone()} type="text" inputmode="decimal"
                class={props.class.clone().unwrap_or_else(|| AttrValue::from("saisie-realisation"))}
                aria-label={props.label.clone()} value={(*text).clone()} {oninput} {onpaste}
                aria-invalid={(error.is_some() || props.invalid).then_some("true")}
                aria-describedby={described} />
            if let Some(m) = &*error {
                <span class="message-case diag-erreur" id={err_id}>{ m }</span>
            }
        </>
    }
}

/// The text of a paste event (`None` when it is not one or holds no text).
pub fn pasted_text(e: &Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    e.clone()
        .dyn_into::<web_sys::ClipboardEvent>()
        .ok()?
        .clipboard_data()?
        .get_data("text/plain")
        .ok()
}

/// « 3 valeurs collées. Non enregistré : … 1 valeur au-delà du tableau, ignorée. »: what a block
/// pasted in a grid of « Évaluer » or « Simuler » did (`what`: « valeur », feminine, or
/// « objectif »).
pub fn paste_summary_fr(
    what: &str,
    feminine: bool,
    written: usize,
    bad: &[String],
    outside: usize,
) -> String {
    use crate::pages::plural_s as s;
    let e = if feminine { "e" } else { "" };
    let mut m = format!("{written} {what}{} collé{e}{}.", s(written), s(written));
    if !bad.is_empty() {
        m.push_str(&format!(" Non enregistré : {}", bad.join(" ; ")));
    }
    if outside > 0 {
        m.push_str(&format!(
            " {outside} valeur{} au-delà du tableau, ignorée{}.",
            s(outside),
            s(outside)
        ));
    }
    m
}
