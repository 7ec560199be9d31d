//! One indicator as a grid: rows = territories (or segments), columns = periods × splits, a totals
//! row computed live. Keyboard: Tab / Shift-Tab, Enter (down), arrow keys. A block pasted from a
//! spreadsheet fills the grid from the focused cell.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Indicator, Period, ValueKind};
use cus_core::convention::{
    cell_error, parse_pasted_block, splits, typed_value, Cell, Convention, SplitKey, Value,
};
use cus_core::numfmt::format_fr;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub indicator: Rc<Indicator>,
    /// Position of the indicator in its page (for element ids).
    pub index: usize,
    pub draft: Rc<Convention>,
    pub update: Callback<Rc<dyn Fn(&mut Convention)>>,
}

thread_local! {
    /// Cell to focus once its grid is rendered (set by the links of the Vérification page).
    static PENDING_FOCUS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Ask the grid holding `cell_key` to focus it when it renders.
pub fn request_focus(cell_key: &str) {
    PENDING_FOCUS.with(|p| *p.borrow_mut() = Some(cell_key.to_string()));
}

/// Id of the input at (row, col) of grid `index`.
fn cell_id(index: usize, row: usize, col: usize) -> String {
    format!("case-{index}-{row}-{col}")
}

fn focus(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        let _ = el.focus();
        let _ = el.select();
    }
}

#[function_component(IndicatorGrid)]
pub fn indicator_grid(props: &Props) -> Html {
    let ind = &props.indicator;
    let conv = &props.draft;
    let geo = super::fill::draft_geo(conv);
    let rows = conv.rows(ind, geo);
    let split_list = splits(ind);
    let periods = ind.periods.periods();
    let columns: Rc<Vec<(Period, SplitKey)>> = Rc::new(
        periods
            .iter()
            .flat_map(|p| split_list.iter().map(move |s| (*p, s.clone())))
            .collect(),
    );
    let paste_msg = use_state(|| None::<String>);
    let first_year = conv.signing_year;
    let summable = matches!(ind.value, ValueKind::Nombre { .. });
    let numeric = ind.value.default_bounds().is_some();

    let key_at = {
        let rows = rows.clone();
        let columns = columns.clone();
        let code = ind.code.clone();
        move |r: usize, c: usize| -> Option<String> {
            let (period, split) = columns.get(c)?.clone();
            Some(
                Cell {
                    indicator: code.clone(),
                    territory: rows.get(r)?.clone(),
                    split,
                    period,
                }
                .key(),
            )
        }
    };

    // A text that is not a number is kept as typed (Value::Text), so nothing typed is lost.
    let set_cell = {
        let update = props.update.clone();
        Callback::from(move |(key, text): (String, String)| {
            let value = typed_value(&text);
            update.emit(Rc::new(move |c: &mut Convention| match &value {
                Some(v) => {
                    c.values.insert(key.clone(), v.clone());
                }
                None => {
                    c.values.remove(&key);
                }
            }));
        })
    };

    let n_rows = rows.len();
    let n_cols = columns.len();
    let index = props.index;

    let header_periods = periods.iter().map(|p| {
        html! { <th scope="colgroup" colspan={split_list.len().to_string()}>{ p.label_fr(first_year) }</th> }
    });
    // Totals column: for counts asked per year, the sum of the years, per split.
    let year_cols: Vec<Vec<usize>> = if summable && ind.periods.yearly {
        (0..split_list.len())
            .map(|si| {
                columns
                    .iter()
                    .enumerate()
                    .filter(|(_, (p, s))| matches!(p, Period::Year(_)) && *s == split_list[si])
                    .map(|(c, _)| c)
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    let sum_of = |rows_range: std::ops::Range<usize>, cols: &[usize]| -> String {
        let vals: Vec<f64> = rows_range
            .flat_map(|r| cols.iter().map(move |&c| (r, c)))
            .filter_map(|(r, c)| {
                key_at(r, c).and_then(|k| conv.values.get(&k).and_then(Value::as_number))
            })
            .collect();
        if vals.is_empty() {
            String::new()
        } else {
            format_fr(vals.iter().sum(), 2)
        }
    };
    let header_splits = periods
        .iter()
        .flat_map(|_| split_list.iter())
        .chain(split_list.iter().filter(|_| !year_cols.is_empty()))
        .map(|s| {
            html! { <th scope="col">{ s.label_fr(ind) }</th> }
        });

    let body_rows = rows.iter().enumerate().map(|(r, row)| {
        let row_label = conv.territory_label(row, geo);
        let cells = columns.iter().enumerate().map(|(c, (period, split))| {
            let key = key_at(r, c).unwrap_or_default();
            let stored = conv.values.get(&key);
            let error = stored.and_then(|v| cell_error(ind, v));
            let shown = match stored {
                Some(Value::Number(n)) => format_fr(*n, 2),
                Some(Value::Text(t)) => t.clone(),
                Some(Value::Bool(b)) => if *b { "oui".into() } else { "non".into() },
                None => String::new(),
            };
            let id = cell_id(index, r, c);
            let err_id = format!("{id}-erreur");
            let label = format!("{}, {}, {}, {}", ind.code, row_label, split.label_fr(ind), period.label_fr(first_year));
            let on_input = {
                let set_cell = set_cell.clone();
                let key = key.clone();
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    set_cell.emit((key.clone(), input.value()));
                })
            };
            let on_keydown = Callback::from(move |e: KeyboardEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let len = input.value().chars().count() as u32;
                let caret = input.selection_start().ok().flatten();
                let caret_end = input.selection_end().ok().flatten();
                let target = match e.key().as_str() {
                    "ArrowUp" => r.checked_sub(1).map(|r2| (r2, c)),
                    "ArrowDown" | "Enter" => (r + 1 < n_rows).then_some((r + 1, c)),
                    "ArrowLeft" if caret == Some(0) && caret_end == Some(0) => c.checked_sub(1).map(|c2| (r, c2)),
                    "ArrowRight" if caret == Some(len) => (c + 1 < n_cols).then_some((r, c + 1)),
                    _ => None,
                };
                if let Some((r2, c2)) = target {
                    e.prevent_default();
                    focus(&cell_id(index, r2, c2));
                } else if e.key() == "Enter" {
                    e.prevent_default();
                }
            });
            let on_paste = {
                let key_at = key_at.clone();
                let update = props.update.clone();
                let paste_msg = paste_msg.clone();
                Callback::from(move |e: Event| {
                    let Ok(ce) = e.clone().dyn_into::<web_sys::ClipboardEvent>() else { return };
                    let Some(text) = ce.clipboard_data().and_then(|d| d.get_data("text/plain").ok()) else { return };
                    if !text.contains('\t') && !text.trim_end().contains('\n') {
                        return; // a single value: let the input take it
                    }
                    e.prevent_default();
                    let block = parse_pasted_block(&text);
                    let mut writes: Vec<(String, Option<f64>)> = Vec::new();
                    let mut bad: Vec<(String, String)> = Vec::new();
                    let mut outside = 0usize;
                    for (dr, line) in block.iter().enumerate() {
                        for (dc, v) in line.iter().enumerate() {
                            match key_at(r + dr, c + dc) {
                                None => outside += 1,
                                Some(k) => match v {
                                    Ok(n) => writes.push((k, *n)),
                                    Err(_) => {
                                        let t = text.lines().nth(dr).and_then(|l| l.split('\t').nth(dc)).unwrap_or("").trim().to_string();
                                        bad.push((k, t));
                                    }
                                },
                            }
                        }
                    }
                    let n = writes.len();
                    let bad_count = bad.len();
                    update.emit(Rc::new(move |conv: &mut Convention| {
                        for (k, v) in &writes {
                            match v {
                                Some(x) => { conv.values.insert(k.clone(), Value::Number(*x)); }
                                None => { conv.values.remove(k); }
                            }
                        }
                        for (k, t) in &bad { conv.values.insert(k.clone(), Value::Text(t.clone())); }
                    }));
                    let mut msg = format!("{n} case{} collée{}.", if n > 1 { "s" } else { "" }, if n > 1 { "s" } else { "" });
                    if bad_count > 0 {
                        msg.push_str(&format!(" {bad_count} valeur{} non numérique{} à corriger.", if bad_count > 1 { "s" } else { "" }, if bad_count > 1 { "s" } else { "" }));
                    }
                    if outside > 0 {
                        msg.push_str(&format!(" {outside} valeur{} hors du tableau ignorée{}.", if outside > 1 { "s" } else { "" }, if outside > 1 { "s" } else { "" }));
                    }
                    paste_msg.set(Some(msg));
                })
            };
            html! {
                <td class={classes!(error.is_some().then_some("case-erreur"))}>
                    <input id={id} type="text" inputmode="decimal" autocomplete="off" data-cell={key.clone()}
                        class="case" aria-label={label}
                        aria-invalid={error.is_some().then_some("true")}
                        aria-describedby={error.is_some().then(|| err_id.clone())}
                        value={shown} oninput={on_input} onkeydown={on_keydown} onpaste={on_paste} />
                    if let Some(msg) = error {
                        <span id={err_id} class="case-message" role="alert">{ format!("⚠ {msg}") }</span>
                    }
                </td>
            }
        });
        let row_totals = year_cols.iter().map(|cols| html! { <td class="total">{ sum_of(r..r + 1, cols) }</td> });
        html! {
            <tr>
                <th scope="row">{ row_label.clone() }</th>
                { for cells }
                { for row_totals }
            </tr>
        }
    });

    let totals = (summable && n_rows > 1).then(|| {
        let cells = (0..n_cols).map(|c| html! { <td class="total">{ sum_of(0..n_rows, &[c]) }</td> });
        let corner = year_cols.iter().map(|cols| html! { <td class="total">{ sum_of(0..n_rows, cols) }</td> });
        html! { <tr class="ligne-total"><th scope="row">{ "Total" }</th>{ for cells }{ for corner }</tr> }
    });

    // Focus the cell a Vérification link asked for, once it is in the page.
    use_effect(|| {
        let wanted = PENDING_FOCUS.with(|p| p.borrow().clone());
        if let Some(key) = wanted {
            let el = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector(&format!("input[data-cell=\"{}\"]", key.replace('"', "")))
                        .ok()
                        .flatten()
                })
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(el) = el {
                PENDING_FOCUS.with(|p| *p.borrow_mut() = None);
                el.scroll_into_view();
                let _ = el.focus();
            }
        }
    });

    let unit = ind.value.unit_fr();
    html! {
        <section class="grille" aria-labelledby={format!("grille-titre-{index}")}>
            <h3 id={format!("grille-titre-{index}")}>
                <span class="code">{ &ind.code }</span>{ format!(" — {} ", ind.short_label) }
                <span class="unite">{ format!("({unit})") }</span>
            </h3>
            <details class="libelle-officiel">
                <summary>{ format!("Libellé officiel et source — {}", ind.wording.label_fr()) }</summary>
                <blockquote class="libelle">{ &ind.label }</blockquote>
                <p class="aide">{ &ind.definition }</p>
                <p class="aide">{ props.catalogue.citation(ind) }</p>
            </details>
            if !numeric {
                <p class="aide">{ "Indicateur qualitatif : sa saisie arrive dans une prochaine version." }</p>
            } else if rows.is_empty() {
                <p class="diag diag-erreur">{ "Aucune ligne : déclarez les territoires à l'étape Territoires ou choisissez la maille à l'étape Segmentation." }</p>
            } else {
                <div class="grille-defilement" tabindex="-1">
                    <table class="tableau-grille">
                        <caption class="sr-only">{ format!("{} — {}, en {}", ind.code, ind.short_label, unit) }</caption>
                        <thead>
                            <tr>
                                <td rowspan="2"></td>{ for header_periods }
                                if !year_cols.is_empty() {
                                    <th scope="colgroup" colspan={split_list.len().to_string()} class="entete-total">{ "Total des 6 années (calculé)" }</th>
                                }
                            </tr>
                            <tr>{ for header_splits }</tr>
                        </thead>
                        <tbody>
                            { for body_rows }
                            { totals.unwrap_or_default() }
                        </tbody>
                    </table>
                </div>
                if let Some(m) = &*paste_msg {
                    <p class="message-ok" role="status">{ m }</p>
                }
            }
        </section>
    }
}
