//! One body row of a grid: the territory, an input per column (French numbers, keyboard moves,
//! paste; a choice or a text area for a qualitative item, see [`super::qualitative`]), the
//! computed totals of the row. A component whose properties are its values, so that
//! typing rebuilds only the row typed in.

use std::rc::Rc;

use cus_core::catalogue::ValueKind;
use cus_core::convention::{cell_error, typed_value, valid_number, Value};
use cus_core::numfmt::{ambiguity_fr, format_exact};
use yew::prelude::*;

use super::qualitative::{ChoiceCell, TextCell};
use super::{cell_id, total_text, Grid};

#[derive(Properties)]
pub(super) struct RowProps {
    pub(super) grid: Rc<Grid>,
    pub(super) row: usize,
    pub(super) label: AttrValue,
    /// Stored value of each column.
    pub(super) values: Vec<Option<Value>>,
    /// Rule message on each column, if any.
    pub(super) messages: Vec<Option<Rc<str>>>,
    /// A read-only row (see `Props::pick`).
    pub(super) pick: Option<Rc<super::Pick>>,
}

impl PartialEq for RowProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.grid, &other.grid)
            && self.row == other.row
            && self.label == other.label
            && self.values == other.values
            && self.messages == other.messages
            && self.pick == other.pick
    }
}

/// One body row: the territory, an input per column, the computed totals.
#[function_component(GridRow)]
pub(super) fn grid_row(props: &RowProps) -> Html {
    let grid = &props.grid;
    let layout = &grid.layout;
    let ind = &layout.indicator;
    let (r, index) = (props.row, layout.index);
    let (n_rows, n_cols) = (layout.n_rows(), layout.n_cols());
    let virtualized = layout.virtualized;
    // The cell being typed in shows what was typed, as typed (« 1.234 » stays « 1.234 » while
    // it is being typed); it is formatted when the user leaves it, or when its value changes
    // from elsewhere (undo, paste).
    let editing = use_mut_ref(|| None::<(usize, String)>);
    let force = use_force_update();
    let typed_here = |c: usize, stored: &Option<Value>| {
        editing
            .borrow()
            .as_ref()
            .filter(|(col, raw)| *col == c && typed_value(raw) == *stored)
            .map(|(_, raw)| raw.clone())
    };
    let qualitative = match ind.value {
        ValueKind::OuiNon => Some(true),
        ValueKind::Texte => Some(false),
        _ => None,
    };
    let checks = props.pick.as_ref().is_none_or(|p| p.reveal);
    let cells = props.values.iter().enumerate().map(|(c, stored)| {
        if let Some(yes_no) = qualitative {
            let (grid, label) = (grid.clone(), props.label.clone());
            let message = props.messages.get(c).cloned().flatten();
            let stored = stored.clone();
            return if yes_no {
                html! { <ChoiceCell {grid} row={r} col={c} {label} {stored} {message} /> }
            } else {
                html! { <TextCell {grid} row={r} col={c} {label} {stored} {message} /> }
            };
        }
        let key = layout.key(r, c).unwrap_or_default();
        // A part stated as a percentage (0 to 100, « % » allowed) is checked as one.
        let share = cus_core::convention::part_share_of_cell(ind, &key);
        let own_error = |v: &Value| {
            if share.is_percentage() {
                cus_core::convention::value_problem_at(ind, share, v)
            } else {
                cell_error(ind, v)
            }
        };
        let error = stored
            .as_ref()
            .and_then(|v| own_error(v).filter(|_| checks))
            .or_else(|| {
                props
                    .messages
                    .get(c)
                    .cloned()
                    .flatten()
                    .map(|m| m.to_string())
            });
        let typed = typed_here(c, stored);
        let note = typed.as_deref().and_then(ambiguity_fr);
        let shown = match (&typed, stored) {
            (Some(raw), _) => raw.clone(),
            (None, Some(Value::Number(n))) => format_exact(*n),
            (None, Some(Value::Text(t))) => t.clone(),
            (None, Some(Value::Bool(b))) => {
                if *b {
                    "oui".into()
                } else {
                    "non".into()
                }
            }
            (None, None) => String::new(),
        };
        // Said while typing when the form can be read two ways (`1.234`).
        let error = match (error, note) {
            (Some(e), Some(n)) => Some(format!("{e} {n}")),
            (e, n) => e.or(n),
        };
        let is_error = (checks && stored.as_ref().is_some_and(|v| own_error(v).is_some()))
            || props.messages.get(c).is_some_and(Option::is_some);
        let id = cell_id(index, r, c);
        let err_id = format!("{id}-erreur");
        let label = format!("{}, {}, {}", ind.code, props.label, layout.col_labels[c]);
        if let Some(pick) = &props.pick {
            return read_only_cell(pick, ReadOnlyCell {
                id, err_id, key, label, shown, error, is_error,
            });
        }
        let on_input = {
            let set_cell = grid.set_cell.clone();
            let key = key.clone();
            let editing = editing.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                *editing.borrow_mut() = Some((c, input.value()));
                set_cell.emit((key.clone(), input.value()));
            })
        };
        let on_blur = {
            let (editing, force) = (editing.clone(), force.clone());
            Callback::from(move |_: FocusEvent| {
                if editing.borrow_mut().take().is_some() {
                    force.force_update();
                }
            })
        };
        let on_keydown = {
            let goto = grid.goto.clone();
            Callback::from(move |e: KeyboardEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let len = input.value().chars().count() as u32;
                let caret = input.selection_start().ok().flatten();
                let caret_end = input.selection_end().ok().flatten();
                let target = match e.key().as_str() {
                    "ArrowUp" => r.checked_sub(1).map(|r2| (r2, c)),
                    // Shift+Enter goes up, as in a spreadsheet.
                    "Enter" if e.shift_key() => r.checked_sub(1).map(|r2| (r2, c)),
                    "ArrowDown" | "Enter" => (r + 1 < n_rows).then_some((r + 1, c)),
                    "ArrowLeft" if caret == Some(0) && caret_end == Some(0) => {
                        c.checked_sub(1).map(|c2| (r, c2))
                    }
                    "ArrowRight" if caret == Some(len) => (c + 1 < n_cols).then_some((r, c + 1)),
                    _ => None,
                };
                if let Some(to) = target {
                    e.prevent_default();
                    goto.emit(to);
                } else if e.key() == "Enter" {
                    e.prevent_default();
                }
            })
        };
        let on_paste = {
            let paste = grid.paste.clone();
            Callback::from(move |e: Event| paste.emit((r, c, e)))
        };
        html! {
            <td class={classes!(is_error.then_some("case-erreur"))}>
                <input id={id} type="text" inputmode="decimal" autocomplete="off" data-cell={key}
                    class="case" aria-label={label}
                    aria-invalid={is_error.then_some("true")}
                    aria-describedby={error.is_some().then(|| err_id.clone())}
                    title={error.clone()}
                    value={shown} oninput={on_input} onblur={on_blur} onkeydown={on_keydown} onpaste={on_paste} />
                if let Some(msg) = error {
                    // The cell keeps its size: a marker, the message as a tooltip and for screen
                    // readers; the messages of the grid are listed under it.
                    <span class={if is_error { "case-marque" } else { "case-marque case-note" }} aria-hidden="true">{ if is_error { "⚠" } else { "ℹ" } }</span>
                    <span id={err_id} class="sr-only">{ msg }</span>
                }
            </td>
        }
    });
    // Only valid values count (a fraction in a count, a negative number are left out).
    let row_totals = layout.year_cols.iter().map(|cols| {
        let nums: Vec<f64> = cols
            .iter()
            .filter_map(|&c| {
                props
                    .values
                    .get(c)
                    .and_then(|v| v.as_ref())
                    .and_then(|v| valid_number(ind, v))
            })
            .collect();
        html! { <td class="total">{ total_text(nums.iter().sum(), !nums.is_empty()) }</td> }
    });
    html! {
        <tr data-ligne={virtualized.then(|| r.to_string())}>
            <th scope="row">{ props.label.clone() }</th>
            { for cells }
            { for row_totals }
        </tr>
    }
}

/// What a read-only cell shows.
struct ReadOnlyCell {
    id: String,
    err_id: String,
    key: String,
    label: String,
    shown: String,
    error: Option<String>,
    is_error: bool,
}

/// A cell of a read-only grid: its value as text, or a button that picks the cell (pressed
/// when picked); once graded, the rules' marker and message as on the editable grid.
fn read_only_cell(pick: &super::Pick, cell: ReadOnlyCell) -> Html {
    let ReadOnlyCell {
        id,
        err_id,
        key,
        label,
        shown,
        error,
        is_error,
    } = cell;
    let picked = pick.picked.contains(&key);
    let empty = shown.is_empty();
    let marker = error.map(|msg| {
        html! {
            <>
                <span class={if is_error { "case-marque" } else { "case-marque case-note" }} aria-hidden="true">{ if is_error { "⚠" } else { "ℹ" } }</span>
                <span id={err_id.clone()} class="sr-only">{ msg }</span>
            </>
        }
    });
    let described = marker.is_some().then(|| err_id.clone());
    let content = html! {
        <>
            { shown.clone() }
            if empty { <span class="sr-only">{ "vide" }</span> }
        </>
    };
    let class = classes!(
        "case",
        "case-lecture",
        pick.on_pick.is_some().then_some("case-choix"),
        picked.then_some("case-choisie")
    );
    let cell = match &pick.on_pick {
        Some(on_pick) => {
            let onclick = {
                let (on_pick, key) = (on_pick.clone(), key.clone());
                Callback::from(move |_: MouseEvent| on_pick.emit(key.clone()))
            };
            html! {
                <button type="button" {id} {class} data-cell={key} {onclick}
                    aria-pressed={picked.to_string()} aria-describedby={described}
                    aria-label={format!("{label} : {}", if empty { "vide" } else { shown.as_str() })}>
                    { content }
                </button>
            }
        }
        None => html! {
            <span {id} {class} data-cell={key} aria-describedby={described}>{ content }</span>
        },
    };
    html! {
        <td class={classes!(is_error.then_some("case-erreur"), picked.then_some("case-cochee"))}>
            { cell }
            { marker.unwrap_or_default() }
        </td>
    }
}
