//! A French number input for an achievement: what is typed is kept while it is not a number
//! (with the French message saying why), every number typed is one edit.

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
    let err_id = format!("{}-erreur", props.id);
    let described = match (&*error, &props.described_by) {
        (Some(_), Some(d)) => Some(format!("{err_id} {d}")),
        (Some(_), None) => Some(err_id.clone()),
        (None, d) => d.as_ref().map(|d| d.to_string()),
    };
    html! {
        <>
            <input id={props.id.clone()} type="text" inputmode="decimal" class="saisie-realisation"
                aria-label={props.label.clone()} value={(*text).clone()} {oninput}
                aria-invalid={(error.is_some() || props.invalid).then_some("true")}
                aria-describedby={described} />
            if let Some(m) = &*error {
                <span class="message-case diag-erreur" id={err_id}>{ m }</span>
            }
        </>
    }
}
