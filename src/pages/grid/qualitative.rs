//! The cells of qualitative items: a yes/no answer is a choice (« Oui », « Non », or no answer),
//! a text a text area with its character count and limit. Both write through the grid's
//! `set_cell` (one `Edit::SetCells` of one cell, normalised by `cus_core::convention::entry_value`),
//! so undo, redo, saving and validation are those of the numeric cells; their messages are shown
//! the same way (a marker, a visually hidden text linked by `aria-describedby`, the list under the
//! grid).

use std::rc::Rc;

use cus_core::catalogue::ValueKind;
use cus_core::convention::{value_problem, yes_no_fr, Value};
use cus_core::numfmt::{format_exact, format_fr};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{cell_id, Grid};

#[derive(Properties)]
pub(super) struct CellProps {
    pub(super) grid: Rc<Grid>,
    pub(super) row: usize,
    pub(super) col: usize,
    /// Label of the row (territory), for the accessible name.
    pub(super) label: AttrValue,
    pub(super) stored: Option<Value>,
    /// Rule message on the cell, if any.
    pub(super) message: Option<Rc<str>>,
}

impl PartialEq for CellProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.grid, &other.grid)
            && self.row == other.row
            && self.col == other.col
            && self.label == other.label
            && self.stored == other.stored
            && self.message == other.message
    }
}

/// What a cell of a qualitative item shares with the numeric ones: its id, key, accessible name,
/// message and whether it is an error.
struct Common {
    id: String,
    key: String,
    label: String,
    message: Option<String>,
    is_error: bool,
}

fn common(p: &CellProps) -> Common {
    let layout = &p.grid.layout;
    let ind = &layout.indicator;
    // The value's own problem first (it says enough for its cell), else the rules' message.
    let own = p.stored.as_ref().and_then(|v| value_problem(ind, v));
    let is_error = own.is_some() || p.message.is_some();
    Common {
        id: cell_id(layout.index, p.row, p.col),
        key: layout.key(p.row, p.col).unwrap_or_default(),
        label: format!("{}, {}, {}", ind.code, p.label, layout.col_labels[p.col]),
        message: own.or_else(|| p.message.as_ref().map(|m| m.to_string())),
        is_error,
    }
}

/// The marker and the hidden message of a cell, as for numeric cells.
fn marker(c: &Common) -> Html {
    match &c.message {
        Some(msg) => html! {
            <>
                <span class={if c.is_error { "case-marque" } else { "case-marque case-note" }} aria-hidden="true">{ if c.is_error { "⚠" } else { "ℹ" } }</span>
                <span id={format!("{}-erreur", c.id)} class="sr-only">{ msg.clone() }</span>
            </>
        },
        None => Html::default(),
    }
}

/// A stored value as text (a text as typed; a number or yes/no imported into a text item).
fn as_text(v: &Value) -> String {
    match v {
        Value::Text(t) => t.clone(),
        Value::Number(n) => format_exact(*n),
        Value::Bool(b) => yes_no_fr(*b).to_string(),
    }
}

/// A yes/no answer: « Oui », « Non » or no answer (a select: it keeps the row height of the
/// grid, answers with the keys O and N, and is named like the numeric cells).
///
/// Keys: Up and Down change the answer (as in any select), Delete or Backspace clears it, Enter
/// (Shift+Enter) goes to the row below (above), Left and Right to the neighbouring column.
#[function_component(ChoiceCell)]
pub(super) fn choice_cell(p: &CellProps) -> Html {
    let c = common(p);
    let (r, col) = (p.row, p.col);
    let layout = &p.grid.layout;
    let (n_rows, n_cols) = (layout.n_rows(), layout.n_cols());
    // The option shown: an answer, nothing, or a value that is no answer (kept, to correct).
    let wanted = match &p.stored {
        None => "",
        Some(Value::Bool(true)) => "oui",
        Some(Value::Bool(false)) => "non",
        Some(Value::Text(t)) if t.trim().eq_ignore_ascii_case("oui") => "oui",
        Some(Value::Text(t)) if t.trim().eq_ignore_ascii_case("non") => "non",
        Some(_) => "autre",
    };
    let node = use_node_ref();
    {
        // The select shows the stored answer after every render (undo, redo, another tab): its
        // selected option is a property of the element, which attributes do not reset.
        let node = node.clone();
        let wanted = wanted.to_string();
        use_effect(move || {
            if let Some(el) = node.cast::<web_sys::HtmlSelectElement>() {
                if el.value() != wanted {
                    el.set_value(&wanted);
                }
            }
        });
    }
    let onchange = {
        let (set_cell, key) = (p.grid.set_cell.clone(), c.key.clone());
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let v = el.value();
            if v != "autre" {
                set_cell.emit((key.clone(), v));
            }
        })
    };
    let onkeydown = {
        let (goto, set_cell, key) = (p.grid.goto.clone(), p.grid.set_cell.clone(), c.key.clone());
        let has_value = p.stored.is_some();
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let target = match e.key().as_str() {
                "Enter" if e.shift_key() => r.checked_sub(1).map(|r2| (r2, col)),
                "Enter" => (r + 1 < n_rows).then_some((r + 1, col)),
                "ArrowLeft" => col.checked_sub(1).map(|c2| (r, c2)),
                "ArrowRight" => (col + 1 < n_cols).then_some((r, col + 1)),
                "Delete" | "Backspace" => {
                    e.prevent_default();
                    if has_value {
                        set_cell.emit((key.clone(), String::new()));
                    }
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(to) = target {
                goto.emit(to);
            }
        })
    };
    let other = (wanted == "autre").then(|| {
        let shown = p.stored.as_ref().map(as_text).unwrap_or_default();
        html! { <option value="autre" disabled=true>{ format!("« {shown} » (à corriger)") }</option> }
    });
    html! {
        <td class={classes!("case-qualitative", c.is_error.then_some("case-erreur"))}>
            <select ref={node} id={c.id.clone()} data-cell={c.key.clone()} class="case case-choix"
                aria-label={c.label.clone()}
                aria-invalid={c.is_error.then_some("true")}
                aria-describedby={c.message.is_some().then(|| format!("{}-erreur", c.id))}
                title={c.message.clone()}
                {onchange} {onkeydown}>
                <option value="">{ "Sans réponse" }</option>
                <option value="oui">{ "Oui" }</option>
                <option value="non">{ "Non" }</option>
                { other.unwrap_or_default() }
            </select>
            { marker(&c) }
        </td>
    }
}

/// A text: a text area with its count of characters and the limit of the indicator.
///
/// Enter writes a line break; Up at the start, Down at the end, Left at the start and Right at
/// the end go to the neighbouring cells, as in a numeric cell.
#[function_component(TextCell)]
pub(super) fn text_cell(p: &CellProps) -> Html {
    let c = common(p);
    let (r, col) = (p.row, p.col);
    let layout = &p.grid.layout;
    let (n_rows, n_cols) = (layout.n_rows(), layout.n_cols());
    let ind = &layout.indicator;
    let limit = ind.text_limit().unwrap_or_default() as usize;
    let text = p.stored.as_ref().map(as_text).unwrap_or_default();
    let count = text.chars().count();
    let over = count > limit;
    let count_id = format!("{}-compte", c.id);
    let count_text = if over {
        format!(
            "{} / {} caractères — {} de trop",
            format_fr(count as f64, 0),
            format_fr(limit as f64, 0),
            format_fr((count - limit) as f64, 0)
        )
    } else {
        format!(
            "{} / {} caractères",
            format_fr(count as f64, 0),
            format_fr(limit as f64, 0)
        )
    };
    let oninput = {
        let (set_cell, key) = (p.grid.set_cell.clone(), c.key.clone());
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            set_cell.emit((key.clone(), el.value()));
        })
    };
    let onkeydown = {
        let goto = p.grid.goto.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.shift_key() {
                return;
            }
            let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            else {
                return;
            };
            // Caret positions count UTF-16 units, as the element's value length does.
            let len = el.value().encode_utf16().count() as u32;
            let start = el.selection_start().ok().flatten();
            let end = el.selection_end().ok().flatten();
            let at_start = start == Some(0) && end == Some(0);
            let at_end = start == Some(len) && end == Some(len);
            let target = match e.key().as_str() {
                "ArrowUp" if at_start => r.checked_sub(1).map(|r2| (r2, col)),
                "ArrowDown" if at_end => (r + 1 < n_rows).then_some((r + 1, col)),
                "ArrowLeft" if at_start => col.checked_sub(1).map(|c2| (r, c2)),
                "ArrowRight" if at_end => (col + 1 < n_cols).then_some((r, col + 1)),
                _ => None,
            };
            if let Some(to) = target {
                e.prevent_default();
                goto.emit(to);
            }
        })
    };
    let described = match &c.message {
        Some(_) => format!("{count_id} {}-erreur", c.id),
        None => count_id.clone(),
    };
    html! {
        <td class={classes!("case-qualitative", c.is_error.then_some("case-erreur"))}>
            <textarea id={c.id.clone()} data-cell={c.key.clone()} class="case case-texte" rows="4"
                spellcheck="true" lang="fr"
                aria-label={c.label.clone()}
                aria-invalid={c.is_error.then_some("true")}
                aria-describedby={described}
                title={c.message.clone()}
                value={text} {oninput} {onkeydown} />
            <span id={count_id} class={classes!("compte-caracteres", over.then_some("compte-depasse"))}>{ count_text }</span>
            { marker(&c) }
        </td>
    }
}

/// The line under the title of a qualitative grid: what to type, and how.
pub(super) fn help(kind: &ValueKind, limit: Option<u32>) -> Option<String> {
    match kind {
        ValueKind::OuiNon => Some(
            "Indicateur qualitatif : répondez « Oui » ou « Non » pour chaque ligne (touches O et N ; \
             Suppr efface la réponse)."
                .to_string(),
        ),
        ValueKind::Texte => Some(format!(
            "Indicateur qualitatif : rédigez l'engagement, {} caractères au plus ; les retours à la \
             ligne sont conservés.",
            format_fr(f64::from(limit.unwrap_or_default()), 0)
        )),
        _ => None,
    }
}
