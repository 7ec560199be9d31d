//! One indicator as a grid: rows = territories (or segments), columns = periods × splits, a totals
//! row computed live. Keyboard: Tab / Shift-Tab, Enter (down), arrow keys. A block pasted from a
//! spreadsheet fills the grid from the focused cell.
//!
//! Large grids (more than [`VIRTUAL_ABOVE`] rows: up to 101 départements + 400 EPCI) render only
//! the rows in sight: the body scrolls inside a box of fixed height, with a sticky header and a
//! sticky totals row, spacer rows standing for the rows not rendered; every body row has the same
//! height (the messages of wrong cells are listed under the grid, each cell keeping a visually
//! hidden one for `aria-describedby`). Keyboard moves and the links of the Vérification page
//! scroll the wanted row into the rendered range first, then focus the cell.
//!
//! Typing in a cell re-renders the grid, but each row is a component whose properties are its
//! values: only the row typed in is rebuilt. Totals cost one pass over the indicator's stored
//! values, never a key per row × column.
//!
//! Rows, columns and cell keys come from the indicator's `GridShape` (cus-core). Submodules:
//! [`row`] (one body row), [`virtual_rows`] (rendering only the rows in sight), [`paste`] (a
//! pasted block, computed by `cus_core::convention::Paste`), [`calculations`] (« Calculs »).

mod calculations;
mod choices;
mod paste;
mod qualitative;
mod row;
mod virtual_rows;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Indicator, Period, ValueKind};
use cus_core::convention::{
    cell_error, valid_number, value_problem, Convention, Edit, GridShape, Value,
};
use cus_core::diagnostic::Severity;
use cus_core::numfmt::format_fr;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::route::{FillStep, Route};
use calculations::Calculations;
use row::GridRow;
use virtual_rows::{settle, Pending, SpacerCell, View};

/// How a grid changes the draft.
pub type Update = Callback<Edit>;

/// The rules' messages on cells, by canonical key, with their severity.
pub type CellMessages = HashMap<String, (Severity, Rc<str>)>;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub indicator: Rc<Indicator>,
    /// Position of the indicator in its page (for element ids).
    pub index: usize,
    pub draft: Rc<Convention>,
    pub update: Update,
    /// Messages of the rule engine located on a cell (canonical key → message), shown on the
    /// cell when its own value is acceptable.
    #[prop_or_default]
    pub cell_messages: Rc<CellMessages>,
    /// Read-only grid of « Se former »: no input, every cell shown as text, or as a button to
    /// pick it (« Trouvez l'erreur »). `None`: the editable grid of « Remplir ma CUS ».
    #[prop_or_default]
    pub pick: Option<Rc<Pick>>,
}

/// How a read-only grid shows its cells (see [`Props::pick`]).
#[derive(PartialEq)]
pub struct Pick {
    /// Canonical keys of the cells picked.
    pub picked: BTreeSet<String>,
    /// Called with the key of a cell clicked; `None`: nothing to pick (a worked example).
    pub on_pick: Option<Callback<String>>,
    /// Show the value checks and the rules' messages (once an answer is graded); hidden before,
    /// so that the grid does not give the answer away.
    pub reveal: bool,
}

/// Grids with more rows than this render only the rows in sight.
const VIRTUAL_ABOVE: usize = 40;
/// Messages of wrong cells listed under a large grid.
const LISTED_ERRORS: usize = 10;

thread_local! {
    /// Cell to focus once its grid is rendered (set by the links of the Vérification page).
    static PENDING_FOCUS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Ask the grid holding `cell_key` to focus it when it renders.
pub fn request_focus(cell_key: &str) {
    PENDING_FOCUS.with(|p| *p.borrow_mut() = Some(cell_key.to_string()));
}

/// The cell asked for by [`request_focus`], taken when `mine` says it is shown by the caller
/// (the achievement grids of « Évaluer » use the same links).
pub fn take_focus_if(mine: impl Fn(&str) -> bool) -> Option<String> {
    PENDING_FOCUS.with(|p| {
        let mut p = p.borrow_mut();
        if p.as_deref().is_some_and(&mine) {
            p.take()
        } else {
            None
        }
    })
}

/// Id of the input at (row, col) of grid `index`.
fn cell_id(index: usize, row: usize, col: usize) -> String {
    format!("case-{index}-{row}-{col}")
}

/// The control of a cell: an input (numbers), a select (yes/no) or a text area (texts).
fn input_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
}

/// Focus a cell's control; the text of a numeric input is selected, so typing replaces it.
fn focus_input(el: &web_sys::HtmlElement) {
    let _ = el.focus();
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        input.select();
    }
}

fn focus(id: &str) {
    if let Some(el) = input_by_id(id) {
        focus_input(&el);
    }
}

/// `el.method({ key: value, … })`, for DOM options objects without their web-sys types.
fn call_with_options(el: &JsValue, method: &str, options: &[(&str, JsValue)]) {
    let opts = js_sys::Object::new();
    for (k, v) in options {
        let _ = js_sys::Reflect::set(&opts, &JsValue::from_str(k), v);
    }
    if let Ok(f) = js_sys::Reflect::get(el, &JsValue::from_str(method)) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(el, &opts);
        }
    }
}

/// The name of a grid's (and the recap's) totals row: the sum of the coarsest level's rows when
/// finer rows (EPCI detail) are shown too, which are not added again.
pub fn total_label(coarsest_of_several: Option<cus_core::catalogue::Level>) -> String {
    match coarsest_of_several {
        Some(l) => format!("Total calculé (niveau {})", l.label_fr()),
        None => "Total calculé".to_string(),
    }
}

/// `, 2 valeurs en erreur laissées de côté` for the label of a total.
fn left_out_text(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(
            ", {n} valeur{s} en erreur laissée{s} de côté",
            s = crate::pages::plural_s(n)
        ),
    }
}

/// Sum as shown in a totals cell: empty when no cell holds a number.
fn total_text(sum: f64, any: bool) -> String {
    if any {
        format_fr(sum, 2)
    } else {
        String::new()
    }
}

/// What the rows of a grid share and what does not change while typing: rebuilt only when the
/// indicator, its rows or the signing year change. Rows, columns and keys are those of the
/// indicator's [`GridShape`]; the grid adds labels and the totals column.
struct Layout {
    index: usize,
    indicator: Rc<Indicator>,
    shape: GridShape,
    virtualized: bool,
    /// `(split|period, column)`, sorted by key: the order of a row's keys in the stored values.
    sorted_cols: Vec<(String, usize)>,
    /// "split, period" (French), per column.
    col_labels: Vec<String>,
    /// Totals column: for counts asked per year, the year columns of each split.
    year_cols: Vec<Vec<usize>>,
}

impl Layout {
    fn n_rows(&self) -> usize {
        self.shape.n_rows()
    }

    fn n_cols(&self) -> usize {
        self.shape.n_cols()
    }

    fn key(&self, r: usize, c: usize) -> Option<String> {
        self.shape.key_at(r, c)
    }

    /// Every stored value of this grid with its row and column, in one pass over the values of
    /// the indicator. The keys are sorted, so those of a row come together, split and period in
    /// the order of `sorted_cols`: one row lookup per row, a merge for the columns.
    fn scan<'v>(
        &self,
        values: &'v cus_core::convention::Values,
        mut f: impl FnMut(usize, usize, &'v Value),
    ) {
        let prefix = cus_core::convention::key::indicator_prefix(&self.indicator.code);
        let after = values.range(prefix.clone()..);
        let mut group: Option<(&str, Option<usize>)> = None;
        let mut cursor = 0;
        for (k, v) in after {
            let Some(rest) = k.strip_prefix(prefix.as_str()) else {
                break;
            };
            // The split and the period never hold a '|': cut from the right.
            let mut cuts = rest.rmatch_indices('|').map(|(i, _)| i);
            let (Some(_), Some(at)) = (cuts.next(), cuts.next()) else {
                continue;
            };
            let (territory, col_key) = (&rest[..at], &rest[at + 1..]);
            let row = match group {
                Some((t, row)) if t == territory => row,
                _ => {
                    let row = self.shape.row_pos.get(territory).copied();
                    group = Some((territory, row));
                    cursor = 0;
                    row
                }
            };
            let Some(row) = row else { continue };
            while self
                .sorted_cols
                .get(cursor)
                .is_some_and(|(c, _)| c.as_str() < col_key)
            {
                cursor += 1;
            }
            match self.sorted_cols.get(cursor) {
                Some((c, col)) if c == col_key => f(row, *col, v),
                _ => {}
            }
        }
    }

    /// Row and column of a full cell key of this grid.
    fn locate(&self, key: &str) -> Option<(usize, usize)> {
        let (r, s, p) = self.shape.locate(key)?;
        Some((r, self.shape.col(s, p)))
    }
}

/// The shared part of a grid's rows: layout and stable callbacks.
struct Grid {
    layout: Rc<Layout>,
    /// (cell key, text typed).
    set_cell: Callback<(String, String)>,
    /// (row, col, paste event).
    paste: Callback<(usize, usize, Event)>,
    /// Focus the cell at (row, col), scrolling it into the rendered range first.
    goto: Callback<(usize, usize)>,
}

/// Stable callbacks of a grid (they read the latest `update` and geometry when called).
struct Hooks {
    update: Rc<RefCell<Update>>,
    /// The draft of the last render (to count the values a paste replaces).
    draft: Rc<RefCell<Rc<Convention>>>,
    paste_msg: UseStateHandle<Option<String>>,
    view: Rc<RefCell<View>>,
    force: UseForceUpdateHandle,
    scroller: NodeRef,
}

fn build_grid(layout: Layout, h: Hooks) -> Grid {
    let layout = Rc::new(layout);
    // What is typed becomes a value of the indicator's kind (`entry_value`: a number, a yes/no,
    // a text); a text that is not a number is kept as typed (Value::Text), so nothing typed is
    // lost.
    let set_cell = {
        let update = h.update.clone();
        let ind = layout.indicator.clone();
        Callback::from(move |(key, text): (String, String)| {
            let update = update.borrow().clone();
            // (A part stated as a percentage takes its « % » sign.)
            let share = cus_core::convention::part_share_of_cell(&ind, &key);
            let value = cus_core::convention::entry_value_at(&ind, share, &text);
            update.emit(Edit::SetCells(vec![(key, value)]));
        })
    };
    let paste = paste::on_paste(
        layout.clone(),
        h.update.clone(),
        h.draft.clone(),
        h.paste_msg.clone(),
    );
    let goto = {
        let layout = layout.clone();
        let Hooks {
            view,
            force,
            scroller,
            ..
        } = h;
        Callback::from(move |(r, c): (usize, usize)| {
            let id = cell_id(layout.index, r, c);
            if layout.virtualized {
                if let Some(el) = scroller.cast::<web_sys::Element>() {
                    let changed = {
                        let mut v = view.borrow_mut();
                        // Scroll just enough for the row to show between header and totals.
                        let top = r as f64 * v.pitch;
                        let scroll = f64::from(el.scroll_top());
                        let band = v.band(&el);
                        if top < scroll {
                            el.set_scroll_top(top.floor() as i32);
                        } else if top + v.pitch > scroll + band {
                            el.set_scroll_top((top + v.pitch - band).ceil() as i32);
                        }
                        let changed = v.follow(&el, layout.n_rows());
                        if changed {
                            v.pending = Some(Pending {
                                row: r,
                                col: c,
                                reveal: false,
                                center: false,
                            });
                        }
                        changed
                    };
                    if changed {
                        force.force_update();
                        return;
                    }
                }
            }
            focus(&id);
        })
    };
    Grid {
        layout,
        set_cell,
        paste,
        goto,
    }
}

/// The formula of a column total, with its figures and rows (`cus_core::calc`).
fn explanation(props: &Props, shape: &GridShape, col: usize) -> Option<String> {
    let (s, p) = shape.split_period(col)?;
    let (split, period) = (&shape.splits[s], shape.periods[p]);
    let geo = props.draft.referential();
    match cus_core::calc::total_across_territories(
        &props.draft,
        &props.catalogue,
        geo,
        &props.indicator.code,
        split,
        period,
        None,
    ) {
        Ok(e) => Some(format!(
            "Calcul du total ({}, {}) : {}",
            split.label_fr(&props.indicator),
            period.label_fr(props.draft.signing_year),
            e.formula_fr
        )),
        Err(e) => Some(e.message_fr()),
    }
}

#[function_component(IndicatorGrid)]
pub fn indicator_grid(props: &Props) -> Html {
    let ind = &props.indicator;
    let conv = &props.draft;
    let geo = conv.referential();
    let rows = conv.rows(ind, geo);
    let paste_msg = use_state(|| None::<String>);
    // Column whose total is explained under the grid.
    let explain = use_state(|| None::<usize>);
    let first_year = conv.signing_year;
    // Counts add up; a share of the parc (« % du parc ») does not.
    let summable = matches!(ind.value, ValueKind::Nombre { .. })
        && !cus_core::convention::is_percentage_value(ind);
    let numeric = ind.value.default_bounds().is_some();
    let index = props.index;
    let pick = props.pick.clone();
    // The checks show, except on a read-only grid that has not been graded yet.
    let checks = pick.as_ref().is_none_or(|p| p.reveal);

    let update = use_mut_ref(|| props.update.clone());
    *update.borrow_mut() = props.update.clone();
    let draft_ref = use_mut_ref(|| props.draft.clone());
    *draft_ref.borrow_mut() = props.draft.clone();
    let view = use_mut_ref(View::new);
    let force = use_force_update();
    let scroller = use_node_ref();
    let grid = {
        let hooks = Hooks {
            update: update.clone(),
            draft: draft_ref.clone(),
            paste_msg: paste_msg.clone(),
            view: view.clone(),
            force: force.clone(),
            scroller: scroller.clone(),
        };
        use_memo(
            (ind.clone(), rows, index, first_year),
            move |(ind, rows, index, first_year)| {
                let shape = GridShape::with_rows(ind, rows.clone());
                let year_cols: Vec<Vec<usize>> =
                    if matches!(ind.value, ValueKind::Nombre { .. }) && ind.periods.yearly {
                        (0..shape.splits.len())
                            .map(|split| {
                                shape
                                    .columns()
                                    .enumerate()
                                    .filter(|(_, (s, p))| {
                                        matches!(shape.periods[*p], Period::Year(_)) && *s == split
                                    })
                                    .map(|(c, _)| c)
                                    .collect()
                            })
                            .collect()
                    } else {
                        Vec::new()
                    };
                let mut sorted_cols: Vec<(String, usize)> = shape
                    .columns()
                    .enumerate()
                    .map(|(c, (s, p))| (shape.column_key(s, p), c))
                    .collect();
                sorted_cols.sort();
                let col_labels = shape
                    .columns()
                    .map(|(s, p)| {
                        format!(
                            "{}, {}",
                            shape.splits[s].label_fr(ind),
                            ind.period_label_fr(shape.periods[p], *first_year)
                        )
                    })
                    .collect();
                let layout = Layout {
                    index: *index,
                    indicator: ind.clone(),
                    virtualized: shape.n_rows() > VIRTUAL_ABOVE,
                    shape,
                    sorted_cols,
                    col_labels,
                    year_cols,
                };
                build_grid(layout, hooks)
            },
        )
    };
    let layout = grid.layout.clone();
    let shape = &layout.shape;
    let (rows, split_list, periods) = (&shape.rows, &shape.splits, &shape.periods);
    let virtualized = layout.virtualized;
    let (n_rows, n_cols) = (layout.n_rows(), layout.n_cols());

    // Rows in the page.
    let (first, last) = if virtualized {
        let mut v = view.borrow_mut();
        v.last = v.last.min(n_rows);
        if v.first >= v.last {
            v.first = 0;
            v.last = n_rows.min(View::new().last);
        }
        (v.first, v.last)
    } else {
        (0, n_rows)
    };

    // One pass over the indicator's stored values: values of the rendered rows, column sums,
    // wrong cells.
    let mut row_values: Vec<Vec<Option<Value>>> = vec![vec![None; n_cols]; last - first];
    let mut col_sums = vec![(0.0f64, false); n_cols];
    // Values in error left out of each column's total (shown beside it).
    let mut col_left_out = vec![0usize; n_cols];
    let top_level = conv.levels(ind).first().copied();
    let totalled: Vec<bool> = rows.iter().map(|t| Some(t.level()) == top_level).collect();
    let several_levels = totalled.iter().any(|t| !t);
    // Wrong cells (row, column, is an error, message), for the list under the grid.
    let mut errors: Vec<(usize, usize, bool, String)> = Vec::new();
    // A part stated as a percentage is neither totalled nor bounded like its count.
    let col_share: Vec<cus_core::catalogue::PartShare> = (0..n_cols)
        .map(|c| {
            layout
                .shape
                .split_period(c)
                .map(|(s, _)| cus_core::convention::part_share(ind, &layout.shape.splits[s]))
                .unwrap_or_default()
        })
        .collect();
    if numeric {
        layout.scan(&conv.values, |r, c, v| {
            // Only the rows of the coarsest level (EPCI detail is already inside its
            // département's figure), and only valid values.
            if summable && totalled[r] && !col_share[c].is_percentage() {
                match valid_number(ind, v) {
                    Some(x) => {
                        col_sums[c].0 += x;
                        col_sums[c].1 = true;
                    }
                    None => col_left_out[c] += 1,
                }
            }
            if (first..last).contains(&r) {
                row_values[r - first][c] = Some(v.clone());
            }
            let problem = if col_share[c].is_percentage() {
                cus_core::convention::value_problem_at(ind, col_share[c], v)
            } else {
                cell_error(ind, v)
            };
            if let Some(m) = problem.filter(|_| checks) {
                errors.push((r, c, true, m));
            }
        });
    } else {
        // A yes/no or a text: no total; the value's own problem (not an answer, too long…).
        layout.scan(&conv.values, |r, c, v| {
            if (first..last).contains(&r) {
                row_values[r - first][c] = Some(v.clone());
            }
            if let Some(m) = value_problem(ind, v) {
                errors.push((r, c, true, m));
            }
        });
    }
    // The rules' messages on cells too (a value error, shown first, says enough for its cell),
    // without the location they start with (the list names the cell).
    let value_errors = errors.len();
    for (key, (severity, msg)) in props.cell_messages.iter().filter(|_| checks) {
        if let Some((r, c)) = layout.locate(key) {
            if !errors[..value_errors].iter().any(|e| (e.0, e.1) == (r, c)) {
                let text = msg
                    .split_once(" : ")
                    .filter(|(at, _)| at.starts_with(&format!("{}, ", ind.code)))
                    .map_or(&**msg, |(_, rest)| rest);
                errors.push((r, c, *severity == Severity::Error, text.to_string()));
            }
        }
    }
    // Errors first, then warnings; one line per cell.
    errors.sort_by(|a, b| (!a.2, a.0, a.1, &a.3).cmp(&(!b.2, b.0, b.1, &b.3)));
    errors.dedup_by_key(|e| (e.0, e.1));

    let header_periods = periods.iter().map(|p| {
        // The label stays in view beside the row labels while the period's columns scroll by.
        html! { <th scope="colgroup" colspan={split_list.len().to_string()}><span class="libelle-periode">{ ind.period_label_fr(*p, first_year) }</span></th> }
    });
    let header_splits = periods
        .iter()
        .flat_map(|_| split_list.iter())
        .chain(split_list.iter().filter(|_| !layout.year_cols.is_empty()))
        .map(|s| {
            html! { <th scope="col">{ s.label_fr(ind) }</th> }
        });

    let body_rows = row_values.into_iter().enumerate().map(|(i, values)| {
        let r = first + i;
        let messages: Vec<Option<Rc<str>>> = if props.cell_messages.is_empty() || !checks {
            vec![None; n_cols]
        } else {
            (0..n_cols)
                .map(|c| {
                    layout
                        .key(r, c)
                        .and_then(|k| props.cell_messages.get(&k).map(|(_, m)| m.clone()))
                })
                .collect()
        };
        html! {
            <GridRow key={r} grid={grid.clone()} row={r} values={values} messages={messages}
                label={AttrValue::from(conv.territory_label(&rows[r], geo))} pick={pick.clone()} />
        }
    });

    let totals = (summable && n_rows > 1).then(|| {
        let cells = col_sums.iter().enumerate().map(|(c, &(s, any))| {
            let open = *explain == Some(c);
            let onclick = {
                let explain = explain.clone();
                Callback::from(move |_| explain.set(if open { None } else { Some(c) }))
            };
            let left_out = left_out_text(col_left_out[c]);
            html! {
                <td class="total">
                    <button type="button" class="bouton-total" {onclick}
                        aria-expanded={open.to_string()}
                        aria-label={format!("Total, {} : {}{} — afficher le calcul", layout.col_labels[c], total_text(s, any), left_out)}>
                        { total_text(s, any) }
                        if col_left_out[c] > 0 {
                            <span class="total-exclus" aria-hidden="true">{ format!(" ({} exclue{})", col_left_out[c], crate::pages::plural_s(col_left_out[c])) }</span>
                        }
                    </button>
                </td>
            }
        });
        let corner = layout.year_cols.iter().map(|cols| {
            let any = cols.iter().any(|&c| col_sums[c].1);
            let sum: f64 = cols.iter().map(|&c| col_sums[c].0).sum();
            let n: usize = cols.iter().map(|&c| col_left_out[c]).sum();
            html! {
                <td class="total">{ total_text(sum, any) }
                    if n > 0 { <span class="total-exclus">{ format!(" ({n} exclue{})", crate::pages::plural_s(n)) }</span> }
                </td>
            }
        });
        let label = total_label(several_levels.then_some(top_level).flatten());
        html! { <tr key="total" class="ligne-total"><th scope="row">{ label }</th>{ for cells }{ for corner }</tr> }
    });

    let onscroll = {
        let view = view.clone();
        let force = force.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            let changed = view.borrow_mut().follow(&el, n_rows);
            if changed {
                force.force_update();
            }
        })
    };

    // A cell reached by Tab or the arrows is shown whole, the grid's left edge on a column start:
    // never the last column cut at the right, nor a header cut under the row labels.
    // (Not for a pointer: what is clicked is in view, and scrolling under the pointer between
    // its press and its release would give the click to another cell.)
    let pointer_down = use_mut_ref(|| false);
    let on_pointer_down = {
        let pointer_down = pointer_down.clone();
        Callback::from(move |_: PointerEvent| *pointer_down.borrow_mut() = true)
    };
    // (A press that focused nothing must not skip the next keyboard focus.)
    let on_pointer_up = {
        let pointer_down = pointer_down.clone();
        Callback::from(move |_: PointerEvent| *pointer_down.borrow_mut() = false)
    };
    let align_focused = {
        let scroller = scroller.clone();
        Callback::from(move |e: FocusEvent| {
            if std::mem::take(&mut *pointer_down.borrow_mut()) {
                return;
            }
            let cell = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("td").ok().flatten())
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
            if let (Some(el), Some(cell)) = (scroller.cast::<web_sys::HtmlElement>(), cell) {
                align_to_columns(&el, &cell);
            }
        })
    };
    // After each render: room after the last column, so that the grid scrolled to its end starts
    // on a column (never a header cut to « éférence » under the row labels), as the snapping
    // does everywhere else.
    {
        let scroller = scroller.clone();
        use_effect(move || {
            if let Some(el) = scroller.cast::<web_sys::HtmlElement>() {
                end_room(&el);
            }
        });
    }
    // After each render: measure a large grid, follow its scroll, and focus the cell a keyboard
    // move or a Vérification link asked for, once it is in the page.
    {
        let view = view.clone();
        let force = force.clone();
        let scroller = scroller.clone();
        let layout = layout.clone();
        use_effect(move || {
            let Some(el) = scroller
                .cast::<web_sys::HtmlElement>()
                .filter(|_| layout.virtualized)
            else {
                PENDING_FOCUS.with(|p| {
                    let mut p = p.borrow_mut();
                    let cell = p.as_deref().and_then(|k| layout.locate(k));
                    if let Some(input) =
                        cell.and_then(|(r, c)| input_by_id(&cell_id(layout.index, r, c)))
                    {
                        *p = None;
                        input.scroll_into_view();
                        let _ = input.focus();
                    }
                });
                return;
            };
            // A Vérification link to a cell of this grid: its row may be far from the rendered ones.
            let mine = PENDING_FOCUS.with(|p| {
                let mut p = p.borrow_mut();
                let cell = p.as_deref().and_then(|k| layout.locate(k));
                if cell.is_some() {
                    *p = None;
                }
                cell
            });
            let rerender = {
                let mut v = view.borrow_mut();
                if let Some((row, col)) = mine {
                    v.pending = Some(Pending {
                        row,
                        col,
                        reveal: true,
                        center: true,
                    });
                }
                settle(&mut v, &el, &layout)
            };
            if rerender {
                force.force_update();
            }
        });
    }

    // Every child of the body is keyed (`{ for … }` is spread into its parent's children): rows
    // kept while scrolling are neither moved nor rebuilt, and a focused cell keeps the focus.
    let spacer = |key: &'static str, rows: usize| {
        let height = rows as f64 * view.borrow().pitch;
        html! {
            <tr key={key} class="espaceur" aria-hidden="true">
                <SpacerCell colspan={n_cols + layout.year_cols.len() + 1} height={height.round() as u32} />
            </tr>
        }
    };

    let error_list = (!errors.is_empty()).then(|| {
        let n = errors.len();
        let n_errors = errors.iter().filter(|e| e.2).count();
        let n_warnings = n - n_errors;
        let items = errors.iter().take(LISTED_ERRORS).map(|(r, c, _, msg)| {
            let goto = grid.goto.clone();
            let (r, c) = (*r, *c);
            html! {
                <li>
                    <button type="button" class="lien-bouton" onclick={Callback::from(move |_: MouseEvent| goto.emit((r, c)))}>
                        { format!("{}, {}", conv.territory_label(&rows[r], geo), layout.col_labels[c]) }
                    </button>
                    { format!(" : {msg}") }
                </li>
            }
        });
        html! {
            <div class="erreurs-grille">
                <p role="status"><strong>{ grid_summary(n_errors, n_warnings) }</strong></p>
                <ul>{ for items }</ul>
                if n > LISTED_ERRORS {
                    <p class="aide">
                        { format!("… et {} autre{} : voir la page ", n - LISTED_ERRORS, if n - LISTED_ERRORS > 1 { "s" } else { "" }) }
                        <a href={Route::Fill(FillStep::Verification).to_hash()}>{ "Vérification" }</a>{ "." }
                    </p>
                }
            </div>
        }
    });

    // A cell named by a computed number: focus it (scrolled into the rendered rows first).
    let focus_cell = {
        let grid = grid.clone();
        Callback::from(move |k: String| {
            if let Some((r, c)) = grid.layout.locate(&k) {
                grid.goto.emit((r, c));
            }
        })
    };
    let unit = conv.unit_fr(ind);
    let caption = match ind.value {
        ValueKind::OuiNon => format!("{} — {}, réponse oui ou non", ind.code, ind.short_label),
        ValueKind::Texte => format!("{} — {}, texte rédigé", ind.code, ind.short_label),
        _ => format!("{} — {}, en {}", ind.code, ind.short_label, unit),
    };
    // Where the text leaves the unit, periodicity or parts open, the organism states them.
    let unit_choice = pick
        .is_none()
        .then(|| choices::choices(conv, ind, index, &props.update));
    html! {
        // A read-only grid is not a landmark: a printed sheet may show the same indicator twice.
        <section class="grille" aria-labelledby={pick.is_none().then(|| format!("grille-titre-{index}"))}>
            <h3 id={format!("grille-titre-{index}")}>
                <span class="code">{ &ind.code }</span>{ format!(" — {} ", ind.short_label) }
                <span class="unite">{ format!("({unit})") }</span>
            </h3>
            { unit_choice.unwrap_or_default() }
            <details class="libelle-officiel">
                <summary>{ format!("Libellé officiel et source — {}", ind.wording.label_fr()) }</summary>
                <blockquote class="libelle">{ &ind.label }</blockquote>
                <p class="aide">{ &ind.definition }</p>
                if ind.hors_reglement {
                    <p class="aide">{ "Indicateur ajouté par l'organisme à sa convention (hors règlement) : aucune règle du décret ne s'y applique, seules ses valeurs sont contrôlées." }</p>
                } else {
                    <p class="aide"><a href={crate::route::Route::card(&props.catalogue.id, &props.catalogue.version, &ind.code).to_hash()}
                        title="Voir la fiche de l'indicateur : source, version du texte, fiabilité du libellé">{ props.catalogue.citation(ind) }</a></p>
                }
            </details>
            if let Some(text) = qualitative::help(&ind.value, ind.text_limit()) {
                <p class="aide aide-qualitatif">{ text }</p>
            }
            if rows.is_empty() {
                <p class="diag diag-erreur">{ "Aucune ligne : déclarez les territoires à l'étape Territoires ou choisissez la maille à l'étape Segmentation." }</p>
            } else {
                // A grid without an input or a button is reached by the keyboard to scroll it.
                <div ref={scroller} class={classes!("grille-defilement", virtualized.then_some("grille-virtuelle"))}
                    tabindex={if pick.as_ref().is_some_and(|p| p.on_pick.is_none()) { "0" } else { "-1" }}
                    onscroll={virtualized.then_some(onscroll)} onfocusin={align_focused} onpointerdown={on_pointer_down} onpointerup={on_pointer_up}>
                    <table class={classes!("tableau-grille", (ind.value == ValueKind::Texte).then_some("grille-texte"))}>
                        <caption class="sr-only">{ caption }</caption>
                        <thead>
                            <tr>
                                <td rowspan="2"></td>{ for header_periods }
                                if !layout.year_cols.is_empty() {
                                    <th scope="colgroup" colspan={split_list.len().to_string()} class="entete-total">{ "Total des 6 années (calculé)" }</th>
                                }
                            </tr>
                            <tr>{ for header_splits }</tr>
                        </thead>
                        if virtualized {
                            <tbody>
                                { spacer("haut", first) }
                                { for body_rows }
                                { spacer("bas", n_rows - last) }
                            </tbody>
                            if let Some(t) = totals {
                                <tfoot>{ t }</tfoot>
                            }
                        } else {
                            <tbody>
                                { for body_rows }
                                { for totals }
                            </tbody>
                        }
                    </table>
                </div>
                { error_list.unwrap_or_default() }
                if numeric && pick.is_none() {
                    { choices::derived_table(conv, ind, geo) }
                }
                if let Some(text) = (*explain).and_then(|c| explanation(props, shape, c)) {
                    <p class="explication" role="status">{ text }</p>
                }
                if let Some(m) = &*paste_msg {
                    <p class="message-ok" role="status">{ m }</p>
                }
                if numeric && pick.is_none() {
                    // Keyed by the indicator: its terms typed for one indicator are never shown
                    // under another's labels when the page changes indicator.
                    <Calculations key={ind.code.clone()} catalogue={props.catalogue.clone()} indicator={ind.clone()} draft={conv.clone()}
                        {index} focus={focus_cell} update={props.update.clone()} />
                }
            }
        </section>
    }
}

/// Width of a grid's row labels (sticky at its left).
fn labels_width(scroller: &web_sys::HtmlElement) -> i32 {
    scroller
        .query_selector("thead tr:first-child > td:first-child")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .map_or(0, |t| t.offset_width())
}

/// The starts of a grid's columns, from its last header row (table coordinates).
fn column_starts(scroller: &web_sys::HtmlElement) -> Vec<i32> {
    let Ok(cells) = scroller.query_selector_all("thead tr:last-child > th") else {
        return Vec::new();
    };
    (0..cells.length())
        .filter_map(|i| cells.get(i))
        .filter_map(|c| c.dyn_into::<web_sys::HtmlElement>().ok())
        .map(|c| c.offset_left())
        .collect()
}

/// Scroll sideways so that `cell` is seen whole right of the row labels, the left edge on a
/// column start (a row label cell, or a cell already in view, moves nothing).
fn align_to_columns(scroller: &web_sys::HtmlElement, cell: &web_sys::HtmlElement) {
    let labels = labels_width(scroller);
    let (left, right) = (cell.offset_left(), cell.offset_left() + cell.offset_width());
    if left < labels {
        return;
    }
    let sl = scroller.scroll_left();
    let room = scroller.client_width() - labels;
    let to = if right > sl + scroller.client_width() {
        column_starts(scroller)
            .into_iter()
            .filter(|s| right - s <= room && *s <= left)
            .min()
            .unwrap_or(left)
            - labels
    } else if left < sl + labels {
        left - labels
    } else {
        return;
    };
    scroller.set_scroll_left(to.max(0));
}

/// The padding after a grid's last column that lets it scroll to a column start: the first
/// column whose start, put just right of the row labels, shows every column after it.
fn end_room(scroller: &web_sys::HtmlElement) {
    let Some(table) = scroller
        .query_selector("table")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let labels = labels_width(scroller);
    let room = scroller.client_width() - labels;
    let width = table.offset_width();
    let mut extra = 0;
    if width > scroller.client_width() && room > 0 {
        if let Some(start) = column_starts(scroller)
            .into_iter()
            .filter(|x| width - x <= room)
            .min()
        {
            extra = room - (width - start);
        }
    }
    let want = format!("{extra}px");
    let style = scroller.style();
    if style.get_property_value("padding-right").ok().as_deref() != Some(want.as_str()) {
        let _ = style.set_property("padding-right", &want);
    }
}

/// « 2 cases en erreur et 1 case à vérifier ».
fn grid_summary(errors: usize, warnings: usize) -> String {
    let s = super::plural_s;
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("{errors} case{} en erreur", s(errors)));
    }
    if warnings > 0 {
        parts.push(format!(
            "{warnings} case{} à vérifier (avertissement{})",
            s(warnings),
            s(warnings)
        ));
    }
    parts.join(" et ")
}
