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

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use cus_core::calc::{CalcError, Explained};
use cus_core::catalogue::{Catalogue, Indicator, Period, ValueKind, CONVENTION_YEARS};
use cus_core::convention::{
    cell_error, parse_pasted_block, splits, typed_value, Cell, Convention, Edit, GridShape,
    SplitKey, Value,
};
use cus_core::diagnostic::Severity;
use cus_core::numfmt::format_fr;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::route::{FillStep, Route};

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
}

/// Grids with more rows than this render only the rows in sight.
const VIRTUAL_ABOVE: usize = 40;
/// Rows rendered beyond each edge of the visible ones.
const BUFFER: usize = 5;
/// The rendered range is recomputed once the visible rows come this close to one of its edges.
const MARGIN: usize = 2;
/// Row height (px) assumed until a rendered row is measured.
const DEFAULT_PITCH: f64 = 38.0;
/// Height (px) of the sticky header and totals row, until measured.
const HEAD_AND_TOTALS: f64 = 100.0;
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

/// Id of the input at (row, col) of grid `index`.
fn cell_id(index: usize, row: usize, col: usize) -> String {
    format!("case-{index}-{row}-{col}")
}

fn input_by_id(id: &str) -> Option<web_sys::HtmlInputElement> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
}

fn focus_input(el: &web_sys::HtmlInputElement) {
    let _ = el.focus();
    el.select();
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
        let prefix = format!("{}|", self.indicator.code);
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

/// The part of a large grid in the page, and the geometry it is computed from.
struct View {
    /// Rendered rows: `first..last`.
    first: usize,
    last: usize,
    /// Height of a body row, measured once rendered.
    pitch: f64,
    /// Heights of the sticky header and totals row.
    head: f64,
    foot: f64,
    /// Cell to focus once rendered.
    pending: Option<Pending>,
    /// Rendered range and row count when the geometry was last measured.
    measured: Option<(usize, usize, usize)>,
}

/// A cell to focus once its row is rendered.
struct Pending {
    row: usize,
    col: usize,
    /// Scroll the page to it (a link from the Vérification page).
    reveal: bool,
    /// Centre its row in the scroller first.
    center: bool,
}

impl View {
    fn new() -> Self {
        // The rows in sight in a scroller of 60 % of the window, before anything is measured, and
        // no more: the first paint comes sooner; the buffer is added once the grid scrolls.
        let window = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .unwrap_or(800.0);
        let rows = ((window * 0.6 - HEAD_AND_TOTALS) / DEFAULT_PITCH)
            .ceil()
            .max(1.0) as usize
            + MARGIN
            + 1;
        View {
            first: 0,
            last: rows,
            pitch: DEFAULT_PITCH,
            head: 0.0,
            foot: 0.0,
            pending: None,
            measured: None,
        }
    }

    /// Height (px) of the band where body rows show, between the sticky header and totals.
    fn band(&self, scroller: &web_sys::Element) -> f64 {
        (f64::from(scroller.client_height()) - self.head - self.foot).max(self.pitch)
    }

    /// Rows at least partly in sight: `first..last`.
    fn visible(&self, scroller: &web_sys::Element, n: usize) -> (usize, usize) {
        let top = f64::from(scroller.scroll_top()).max(0.0);
        let a = (top / self.pitch).floor() as usize;
        let b = ((top + self.band(scroller)) / self.pitch).ceil() as usize;
        (a.min(n), b.min(n))
    }

    /// Follow the scroll: a new rendered range once the visible rows come near an edge of the
    /// current one. True when it changed (the grid must re-render).
    fn follow(&mut self, scroller: &web_sys::Element, n: usize) -> bool {
        let (a, b) = self.visible(scroller, n);
        let need = (a.saturating_sub(MARGIN), (b + MARGIN).min(n));
        if self.first <= need.0 && need.1 <= self.last && self.last <= n && self.first < self.last {
            return false;
        }
        let range = (a.saturating_sub(BUFFER), (b + BUFFER).min(n));
        let changed = range != (self.first, self.last);
        (self.first, self.last) = range;
        changed
    }
}

/// After a render of a large grid: measure it when its rendered rows changed (not on a keystroke:
/// reading the geometry forces a layout), follow the scroll, focus the pending cell once rendered.
/// True when the grid must render again.
fn settle(v: &mut View, el: &web_sys::HtmlElement, layout: &Layout) -> bool {
    let n = layout.n_rows();
    if v.measured == Some((v.first, v.last, n)) && v.pending.is_none() {
        return false;
    }
    if v.measured != Some((v.first, v.last, n)) {
        v.measured = Some((v.first, v.last, n));
        let height = |sel: &str| {
            el.query_selector(sel)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                .map_or(0.0, |e| f64::from(e.offset_height()))
        };
        v.head = height("thead");
        v.foot = height("tfoot");
        // Row height: distance between the first and last rendered rows.
        if let Ok(list) = el.query_selector_all("tbody > tr[data-ligne]") {
            let row = |i: u32| {
                list.get(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
            };
            let count = list.length();
            let pitch = match (row(0), row(count.saturating_sub(1))) {
                (Some(a), Some(b)) if count > 1 => {
                    f64::from(b.offset_top() - a.offset_top()) / f64::from(count - 1)
                }
                (Some(a), _) => f64::from(a.offset_height()),
                _ => v.pitch,
            };
            if pitch > 4.0 && (pitch - v.pitch).abs() > 0.25 {
                // Spacers first, at the right height; the rest after that render.
                v.pitch = pitch;
                return true;
            }
        }
    }
    if let Some(p) = v.pending.as_mut().filter(|p| p.center) {
        // Centre the row in the scroller, then render around it.
        p.center = false;
        let top = p.row as f64 * v.pitch - (v.band(el) - v.pitch) / 2.0;
        el.set_scroll_top(top.max(0.0) as i32);
    }
    if v.follow(el, n) {
        return true;
    }
    if let Some(p) = &v.pending {
        if let Some(input) = input_by_id(&cell_id(layout.index, p.row, p.col)) {
            if p.reveal {
                call_with_options(
                    &input,
                    "scrollIntoView",
                    &[("block", "center".into()), ("inline", "nearest".into())],
                );
            }
            focus_input(&input);
        }
        v.pending = None;
    }
    false
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

#[derive(Properties)]
struct RowProps {
    grid: Rc<Grid>,
    row: usize,
    label: AttrValue,
    /// Stored value of each column.
    values: Vec<Option<Value>>,
    /// Rule message on each column, if any.
    messages: Vec<Option<Rc<str>>>,
}

impl PartialEq for RowProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.grid, &other.grid)
            && self.row == other.row
            && self.label == other.label
            && self.values == other.values
            && self.messages == other.messages
    }
}

/// One body row: the territory, an input per column, the computed totals.
#[function_component(GridRow)]
fn grid_row(props: &RowProps) -> Html {
    let grid = &props.grid;
    let layout = &grid.layout;
    let ind = &layout.indicator;
    let (r, index) = (props.row, layout.index);
    let (n_rows, n_cols) = (layout.n_rows(), layout.n_cols());
    let virtualized = layout.virtualized;
    let cells = props.values.iter().enumerate().map(|(c, stored)| {
        let key = layout.key(r, c).unwrap_or_default();
        let error = stored
            .as_ref()
            .and_then(|v| cell_error(ind, v))
            .or_else(|| {
                props
                    .messages
                    .get(c)
                    .cloned()
                    .flatten()
                    .map(|m| m.to_string())
            });
        let shown = match stored {
            Some(Value::Number(n)) => format_fr(*n, 2),
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Bool(b)) => {
                if *b {
                    "oui".into()
                } else {
                    "non".into()
                }
            }
            None => String::new(),
        };
        let id = cell_id(index, r, c);
        let err_id = format!("{id}-erreur");
        let label = format!("{}, {}, {}", ind.code, props.label, layout.col_labels[c]);
        let on_input = {
            let set_cell = grid.set_cell.clone();
            let key = key.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                set_cell.emit((key.clone(), input.value()));
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
            <td class={classes!(error.is_some().then_some("case-erreur"))}>
                <input id={id} type="text" inputmode="decimal" autocomplete="off" data-cell={key}
                    class="case" aria-label={label}
                    aria-invalid={error.is_some().then_some("true")}
                    aria-describedby={error.is_some().then(|| err_id.clone())}
                    title={error.clone()}
                    value={shown} oninput={on_input} onkeydown={on_keydown} onpaste={on_paste} />
                if let Some(msg) = error {
                    // The cell keeps its size: a marker, the message as a tooltip and for screen
                    // readers; the messages of the grid are listed under it.
                    <span class="case-marque" aria-hidden="true">{ "⚠" }</span>
                    <span id={err_id} class="sr-only">{ msg }</span>
                }
            </td>
        }
    });
    let row_totals = layout.year_cols.iter().map(|cols| {
        let nums: Vec<f64> = cols
            .iter()
            .filter_map(|&c| {
                props
                    .values
                    .get(c)
                    .and_then(|v| v.as_ref())
                    .and_then(Value::as_number)
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
    // A text that is not a number is kept as typed (Value::Text), so nothing typed is lost.
    let set_cell = {
        let update = h.update.clone();
        Callback::from(move |(key, text): (String, String)| {
            let update = update.borrow().clone();
            update.emit(Edit::SetCells(vec![(key, typed_value(&text))]));
        })
    };
    let paste = {
        let layout = layout.clone();
        let update = h.update.clone();
        let draft = h.draft.clone();
        let paste_msg = h.paste_msg.clone();
        Callback::from(move |(r, c, e): (usize, usize, Event)| {
            let Ok(ce) = e.clone().dyn_into::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = ce
                .clipboard_data()
                .and_then(|d| d.get_data("text/plain").ok())
            else {
                return;
            };
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
                    match layout.key(r + dr, c + dc) {
                        None => outside += 1,
                        Some(k) => match v {
                            Ok(n) => writes.push((k, *n)),
                            Err(_) => {
                                let t = text
                                    .lines()
                                    .nth(dr)
                                    .and_then(|l| l.split('\t').nth(dc))
                                    .unwrap_or("")
                                    .trim()
                                    .to_string();
                                bad.push((k, t));
                            }
                        },
                    }
                }
            }
            let n = writes.len();
            let bad_count = bad.len();
            let update = update.borrow().clone();
            // The whole block is one edit, so one Ctrl+Z undoes it.
            let edit = Edit::SetCells(
                writes
                    .into_iter()
                    .map(|(k, v)| (k, v.map(Value::Number)))
                    .chain(bad.into_iter().map(|(k, t)| (k, Some(Value::Text(t)))))
                    .collect(),
            );
            let replaced = edit.replaced_cells(&draft.borrow());
            update.emit(edit);
            let mut msg = format!(
                "{n} case{} collée{}.",
                if n > 1 { "s" } else { "" },
                if n > 1 { "s" } else { "" }
            );
            if replaced > 0 {
                msg.push_str(&format!(
                    " {replaced} valeur{} déjà saisie{} remplacée{} (Ctrl+Z pour annuler le collage).",
                    if replaced > 1 { "s" } else { "" },
                    if replaced > 1 { "s" } else { "" },
                    if replaced > 1 { "s" } else { "" }
                ));
            }
            if bad_count > 0 {
                msg.push_str(&format!(
                    " {bad_count} valeur{} non numérique{} à corriger.",
                    if bad_count > 1 { "s" } else { "" },
                    if bad_count > 1 { "s" } else { "" }
                ));
            }
            if outside > 0 {
                msg.push_str(&format!(
                    " {outside} valeur{} hors du tableau ignorée{}.",
                    if outside > 1 { "s" } else { "" },
                    if outside > 1 { "s" } else { "" }
                ));
            }
            paste_msg.set(Some(msg));
        })
    };
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
    let summable = matches!(ind.value, ValueKind::Nombre { .. });
    let numeric = ind.value.default_bounds().is_some();
    let index = props.index;

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
                            shape.periods[p].label_fr(*first_year)
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
    let top_level = conv.levels(ind).first().copied();
    let totalled: Vec<bool> = rows.iter().map(|t| Some(t.level()) == top_level).collect();
    let several_levels = totalled.iter().any(|t| !t);
    // Wrong cells (row, column, is an error, message), for the list under the grid.
    let mut errors: Vec<(usize, usize, bool, String)> = Vec::new();
    if numeric {
        layout.scan(&conv.values, |r, c, v| {
            if summable {
                if let Some(x) = v.as_number() {
                    // Only the rows of the coarsest level: EPCI detail is already inside its
                    // département's figure.
                    if totalled[r] {
                        col_sums[c].0 += x;
                        col_sums[c].1 = true;
                    }
                }
            }
            if (first..last).contains(&r) {
                row_values[r - first][c] = Some(v.clone());
            }
            if let Some(m) = cell_error(ind, v) {
                errors.push((r, c, true, m));
            }
        });
    }
    // The rules' messages on cells too (a value error, shown first, says enough for its cell),
    // without the location they start with (the list names the cell).
    let value_errors = errors.len();
    for (key, (severity, msg)) in props.cell_messages.iter() {
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
        html! { <th scope="colgroup" colspan={split_list.len().to_string()}><span class="libelle-periode">{ p.label_fr(first_year) }</span></th> }
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
        let messages: Vec<Option<Rc<str>>> = if props.cell_messages.is_empty() {
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
                label={AttrValue::from(conv.territory_label(&rows[r], geo))} />
        }
    });

    let totals = (summable && n_rows > 1).then(|| {
        let cells = col_sums.iter().enumerate().map(|(c, &(s, any))| {
            let open = *explain == Some(c);
            let onclick = {
                let explain = explain.clone();
                Callback::from(move |_| explain.set(if open { None } else { Some(c) }))
            };
            html! {
                <td class="total">
                    <button type="button" class="bouton-total" {onclick}
                        aria-expanded={open.to_string()}
                        aria-label={format!("Total, {} : {} — afficher le calcul", layout.col_labels[c], total_text(s, any))}>
                        { total_text(s, any) }
                    </button>
                </td>
            }
        });
        let corner = layout.year_cols.iter().map(|cols| {
            let any = cols.iter().any(|&c| col_sums[c].1);
            let sum: f64 = cols.iter().map(|&c| col_sums[c].0).sum();
            html! { <td class="total">{ total_text(sum, any) }</td> }
        });
        let label = match (several_levels, top_level) {
            (true, Some(l)) => format!("Total ({})", l.label_fr()),
            _ => "Total".to_string(),
        };
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
                <div ref={scroller} class={classes!("grille-defilement", virtualized.then_some("grille-virtuelle"))}
                    tabindex="-1" onscroll={virtualized.then_some(onscroll)}>
                    <table class="tableau-grille">
                        <caption class="sr-only">{ format!("{} — {}, en {}", ind.code, ind.short_label, unit) }</caption>
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
                if let Some(text) = (*explain).and_then(|c| explanation(props, shape, c)) {
                    <p class="explication" role="status">{ text }</p>
                }
                if let Some(m) = &*paste_msg {
                    <p class="message-ok" role="status">{ m }</p>
                }
                <Calculations catalogue={props.catalogue.clone()} indicator={ind.clone()} draft={conv.clone()}
                    {index} focus={focus_cell} />
            }
        </section>
    }
}

// ---- Computed numbers under a grid ---------------------------------------------------------------

/// A computed number offered under a grid (`cus_core::calc`), computed only when its explanation
/// is asked for.
#[derive(Clone, Debug, PartialEq)]
enum Computed {
    /// Cumulative of the six years, from the yearly values.
    Cumulative,
    /// Yearly average over the six years.
    Average,
    /// Share of PLAI among PLAI + PLUS (members given by the rule data).
    PlaiShare,
    /// Share of a "dont" part (its id) in its whole.
    Part(String),
    /// The value compared with the stock of dwellings of the row.
    Stock,
}

impl Computed {
    fn id(&self) -> String {
        match self {
            Computed::Cumulative => "cumul".into(),
            Computed::Average => "moyenne".into(),
            Computed::PlaiShare => "part-plai".into(),
            Computed::Part(p) => format!("part-{p}"),
            Computed::Stock => "parc".into(),
        }
    }
}

/// The computed numbers that apply to an indicator: decided from the catalogue and rule data only,
/// never from the values.
fn applicable(cat: &Catalogue, ind: &Indicator) -> Vec<Computed> {
    let additive = cus_core::convention::is_additive(ind);
    let mut out = Vec::new();
    if additive && ind.periods.yearly {
        out.push(Computed::Cumulative);
    }
    if ind.bounds().is_some()
        && (ind.periods.yearly
            || (matches!(ind.value, ValueKind::Nombre { .. })
                && ind.periods.cumulative.contains(&CONVENTION_YEARS)))
    {
        out.push(Computed::Average);
    }
    if additive && cus_core::calc::plai_share_rule(cat, &ind.code).is_some() {
        out.push(Computed::PlaiShare);
    }
    if additive {
        out.extend(
            ind.splits
                .parts
                .iter()
                .map(|p| Computed::Part(p.id.clone())),
        );
        out.push(Computed::Stock);
    }
    out
}

#[derive(Properties)]
struct CalcProps {
    catalogue: Rc<Catalogue>,
    indicator: Rc<Indicator>,
    draft: Rc<Convention>,
    /// Position of the grid in its page (for element ids).
    index: usize,
    /// Focus a cell of the grid, by its canonical key.
    focus: Callback<String>,
}

impl PartialEq for CalcProps {
    /// By pointer: a deep comparison of the convention would cost a pass over every value on each
    /// keystroke, more than rendering the closed section again.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.catalogue, &other.catalogue)
            && Rc::ptr_eq(&self.indicator, &other.indicator)
            && Rc::ptr_eq(&self.draft, &other.draft)
            && self.index == other.index
            && self.focus == other.focus
    }
}

/// "Calculs": the cumulative, average, shares and ratio to the stock of one row, each explained on
/// demand with its formula, figures and cells.
///
/// The numbers are computed on one row of the coarsest level of the grid (a département, or the
/// organism when the indicator is organism-wide), chosen in a list, rather than on an
/// organism-wide sum: `cus_core::calc` reads real cells, so each figure of a formula points to a
/// cell the user can check and fix; the stock is declared per territory, and the plausibility
/// rules also work row by row. Sums across territories are already explained by the totals row.
/// Finer rows (EPCI) are detail inside their département and are left out, which also keeps the
/// list short on the largest grids. Nothing is rendered or computed while the section is closed.
#[function_component(Calculations)]
fn calculations(props: &CalcProps) -> Html {
    let open = use_state(|| false);
    let row = use_state(|| 0usize);
    let split = use_state(|| 0usize);
    let period = use_state(|| None::<usize>);
    let shown = use_state(Vec::<String>::new);
    let terms = use_state(|| (String::new(), String::new()));

    let cat = &*props.catalogue;
    let ind = &*props.indicator;
    let conv = &*props.draft;
    let items = applicable(cat, ind);
    let percent = match &ind.value {
        ValueKind::Pourcentage {
            numerator,
            denominator,
        } => Some((numerator.clone(), denominator.clone())),
        _ => None,
    };
    if items.is_empty() && percent.is_none() {
        return html! {};
    }
    let index = props.index;
    let region = format!("calculs-{index}");
    let mut topics: Vec<String> = items
        .iter()
        .map(|c| match c {
            Computed::Cumulative => format!("cumul sur {CONVENTION_YEARS} ans"),
            Computed::Average => "moyenne annuelle".into(),
            Computed::PlaiShare => "part de PLAI".into(),
            Computed::Part(_) => "parts « dont »".into(),
            Computed::Stock => "rapport au parc".into(),
        })
        .collect();
    topics.dedup();
    if percent.is_some() {
        topics.push("pourcentage à partir de ses termes".into());
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let button = html! {
        <button type="button" class="bouton-calculs" aria-expanded={open.to_string()} aria-controls={region.clone()} onclick={toggle}>
            { format!("Calculs : {}", topics.join(", ")) }
        </button>
    };
    if !*open {
        return html! { <div class="calculs">{ button }</div> };
    }

    let geo = conv.referential();
    let levels = conv.levels(ind);
    let top = levels.first().copied();
    let rows: Vec<_> = conv
        .rows(ind, geo)
        .into_iter()
        .filter(|t| Some(t.level()) == top)
        .collect();
    let split_list = splits(ind);
    let periods = ind.periods.periods();
    let year = cus_core::convention::label_year(conv);
    let r = (*row).min(rows.len().saturating_sub(1));
    let s = (*split).min(split_list.len().saturating_sub(1));
    let default_period = periods
        .iter()
        .rposition(|p| matches!(p, Period::Cumulative(_)))
        .unwrap_or(periods.len().saturating_sub(1));
    let p = (*period)
        .unwrap_or(default_period)
        .min(periods.len().saturating_sub(1));
    let uses_split = items.iter().any(|c| !matches!(c, Computed::PlaiShare));
    let uses_period = items
        .iter()
        .any(|c| matches!(c, Computed::PlaiShare | Computed::Part(_) | Computed::Stock));

    let select = |id: String,
                  label: &'static str,
                  options: Vec<String>,
                  current: usize,
                  set: Callback<usize>| {
        let onchange = Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                set.emit(i);
            }
        });
        html! {
            <span class="champ-calcul">
                <label for={id.clone()}>{ label }</label>
                <select id={id} {onchange}>
                    { for options.into_iter().enumerate().map(|(i, o)| html! {
                        <option value={i.to_string()} selected={i == current}>{ o }</option>
                    }) }
                </select>
            </span>
        }
    };
    let setter = |h: &UseStateHandle<usize>| {
        let h = h.clone();
        Callback::from(move |i: usize| h.set(i))
    };
    let period_setter = {
        let h = period.clone();
        Callback::from(move |i: usize| h.set(Some(i)))
    };

    let body = match (rows.get(r), split_list.get(s), periods.get(p)) {
        (Some(territory), Some(sk), Some(&pd)) => {
            let row_label = conv.territory_label(territory, geo);
            let period_label = pd.label_fr(year);
            let whole = SplitKey {
                members: sk.members.clone(),
                part: None,
            };
            let years = format!(
                "{} à {}",
                Period::Year(1).label_fr(year),
                Period::Year(CONVENTION_YEARS).label_fr(year)
            );
            let entries = items.iter().map(|c| {
                let label = match c {
                    Computed::Cumulative => format!(
                        "Cumul des {CONVENTION_YEARS} années ({years}), {}",
                        sk.label_fr(ind)
                    ),
                    Computed::Average if ind.periods.yearly => format!(
                        "Moyenne annuelle des années {years}, {}",
                        sk.label_fr(ind)
                    ),
                    Computed::Average => format!(
                        "Moyenne annuelle sur {CONVENTION_YEARS} ans (cumul ÷ {CONVENTION_YEARS}), {}",
                        sk.label_fr(ind)
                    ),
                    Computed::PlaiShare => match cus_core::calc::plai_share_rule(cat, &ind.code) {
                        Some(rule) => format!(
                            "Part de {} parmi {}, {period_label}",
                            rule.numerator.join(" + "),
                            rule.denominator.join(" + ")
                        ),
                        None => format!("Part de PLAI, {period_label}"),
                    },
                    Computed::Part(part) => format!(
                        "Part « {} » dans {}, {period_label}",
                        ind.splits
                            .parts
                            .iter()
                            .find(|x| &x.id == part)
                            .map(|x| x.label.clone())
                            .unwrap_or_else(|| part.clone()),
                        whole.label_fr(ind)
                    ),
                    Computed::Stock => format!(
                        "Rapport au parc de logements : {}, {period_label}",
                        sk.label_fr(ind)
                    ),
                };
                let id = c.id();
                let is_shown = shown.contains(&id);
                let onclick = {
                    let shown = shown.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut v = (*shown).clone();
                        if let Some(i) = v.iter().position(|x| x == &id) {
                            v.remove(i);
                        } else {
                            v.push(id.clone());
                        }
                        shown.set(v);
                    })
                };
                // Computed only once asked for, then again on each render while shown (the values
                // may change meanwhile).
                let explained = is_shown.then(|| {
                    let code = ind.code.as_str();
                    let res = match c {
                        Computed::Cumulative => cus_core::calc::cumulative_from_yearly(
                            conv, cat, code, territory, sk, CONVENTION_YEARS,
                        ),
                        Computed::Average => cus_core::calc::yearly_average(
                            conv, cat, code, territory, sk, CONVENTION_YEARS,
                        ),
                        Computed::PlaiShare => {
                            cus_core::calc::plai_share(conv, cat, code, territory, pd)
                        }
                        Computed::Part(part) => cus_core::calc::part_share(
                            conv, cat, code, territory, sk, part, pd,
                        ),
                        Computed::Stock => {
                            cus_core::calc::ratio_to_stock(conv, cat, code, territory, sk, pd)
                        }
                    };
                    explained_html(res, cat, conv, &row_label, &props.focus)
                });
                let no_stock = matches!(c, Computed::Stock) && conv.stock.is_empty();
                html! {
                    <li class="calcul" data-calcul={id.clone()}>
                        <span class="calcul-libelle">{ label.clone() }</span>
                        { " " }
                        if no_stock {
                            <span class="aide">
                                { "— renseignez d'abord le parc à l'étape " }
                                <a href={Route::Fill(FillStep::Parc).to_hash()}>{ FillStep::Parc.label_fr() }</a>{ "." }
                            </span>
                        } else {
                            <button type="button" class="lien-bouton bouton-explication" aria-expanded={is_shown.to_string()}
                                aria-label={format!("{label} — {} le calcul", if is_shown { "masquer" } else { "afficher" })} {onclick}>
                                { if is_shown { "Masquer le calcul" } else { "Afficher le calcul" } }
                            </button>
                        }
                        { explained.unwrap_or_default() }
                    </li>
                }
            });
            html! {
                <>
                    <p class="choix-calcul">
                        if rows.len() > 1 {
                            { select(format!("calcul-ligne-{index}"), "Ligne", rows.iter().map(|t| conv.territory_label(t, geo)).collect(), r, setter(&row)) }
                        } else {
                            <span class="champ-calcul">{ format!("Ligne : {row_label}") }</span>
                        }
                        if uses_split && split_list.len() > 1 {
                            { select(format!("calcul-ventilation-{index}"), "Ventilation", split_list.iter().map(|x| x.label_fr(ind)).collect(), s, setter(&split)) }
                        }
                        if uses_period && periods.len() > 1 {
                            { select(format!("calcul-periode-{index}"), "Période", periods.iter().map(|x| x.label_fr(year)).collect(), p, period_setter) }
                        }
                    </p>
                    if levels.len() > 1 {
                        <p class="aide">{ format!("Calculs sur une ligne du niveau {} : le détail plus fin y est compris.", top.map(|l| l.label_fr()).unwrap_or_default()) }</p>
                    }
                    <ul class="liste-calculs">{ for entries }</ul>
                </>
            }
        }
        _ if !items.is_empty() => html! {
            <p class="aide">{ "Aucune ligne à calculer : déclarez les territoires et choisissez la maille." }</p>
        },
        _ => html! {},
    };

    let percentage = percent.map(|(num_label, den_label)| {
        let set_term = |first: bool| {
            let terms = terms.clone();
            Callback::from(move |e: InputEvent| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut t = (*terms).clone();
                if first {
                    t.0 = input.value();
                } else {
                    t.1 = input.value();
                }
                terms.set(t);
            })
        };
        let (a, b) = &*terms;
        let result = (!a.trim().is_empty() || !b.trim().is_empty()).then(|| {
            let parse = |t: &str, what: &str| match cus_core::numfmt::parse_fr(t) {
                Ok(n) => Ok(n),
                Err(cus_core::numfmt::ParseNumberError::Empty) => {
                    Err(format!("saisissez le {what}."))
                }
                Err(e) => Err(format!("{what} : {}", e.message_fr(t.trim()))),
            };
            match (parse(a, "numérateur"), parse(b, "dénominateur")) {
                (Ok(n), Ok(d)) => explained_html(
                    cus_core::calc::percentage_of(ind, n, d),
                    cat,
                    conv,
                    "",
                    &props.focus,
                ),
                (Err(m), _) | (_, Err(m)) => html! {
                    <div class="explication explication-impossible" role="status"><p>{ format!("Non calculable : {m}") }</p></div>
                },
            }
        });
        html! {
            <fieldset class="calcul-pourcentage">
                <legend>{ "Calculer le pourcentage à partir de ses deux termes" }</legend>
                <p class="aide">{ "Le tableau attend le pourcentage lui-même ; pour le calculer, saisissez ses deux termes (le résultat n'est pas reporté dans le tableau)." }</p>
                <div class="champ">
                    <label for={format!("calcul-numerateur-{index}")}>{ format!("Numérateur : {num_label}") }</label>
                    <input id={format!("calcul-numerateur-{index}")} type="text" inputmode="decimal" autocomplete="off"
                        value={a.clone()} oninput={set_term(true)} />
                </div>
                <div class="champ">
                    <label for={format!("calcul-denominateur-{index}")}>{ format!("Dénominateur : {den_label}") }</label>
                    <input id={format!("calcul-denominateur-{index}")} type="text" inputmode="decimal" autocomplete="off"
                        value={b.clone()} oninput={set_term(false)} />
                </div>
                { result.unwrap_or_default() }
            </fieldset>
        }
    });

    html! {
        <div class="calculs calculs-ouverts">
            { button }
            <div id={region} class="calculs-contenu">
                { body }
                { percentage.unwrap_or_default() }
            </div>
        </div>
    }
}

/// A computed number as shown: its formula with the figures, then the cells it read (each a
/// button to the cell); or why it cannot be computed.
fn explained_html(
    res: Result<Explained, CalcError>,
    cat: &Catalogue,
    conv: &Convention,
    row_label: &str,
    focus: &Callback<String>,
) -> Html {
    let geo = conv.referential();
    let cell = |key: &str| {
        let label = match key {
            "numerateur" => "Numérateur".to_string(),
            "denominateur" => "Dénominateur".to_string(),
            k => cus_core::calc::input_label_fr(conv, cat, geo, k),
        };
        if key.starts_with("stock|") {
            html! { <a href={Route::Fill(FillStep::Parc).to_hash()}>{ label }</a> }
        } else if Cell::parse_key(key).is_some() {
            let focus = focus.clone();
            let k = key.to_string();
            html! {
                <button type="button" class="lien-bouton" onclick={Callback::from(move |_: MouseEvent| focus.emit(k.clone()))}>{ label }</button>
            }
        } else {
            html! { <span>{ label }</span> }
        }
    };
    match res {
        Ok(e) => html! {
            <div class="explication calcul-explique" role="status">
                <p class="formule">{ &e.formula_fr }</p>
                <p class="aide">{ if e.inputs.len() > 1 { "Valeurs utilisées :" } else { "Valeur utilisée :" } }</p>
                <ul class="entrees-calcul">
                    { for e.inputs.iter().map(|(k, v)| html! {
                        <li>{ cell(k) }{ format!(" : {}", format_fr(*v, 2)) }</li>
                    }) }
                </ul>
            </div>
        },
        Err(CalcError::Missing(keys)) => html! {
            <div class="explication explication-impossible" role="status">
                <p>{ format!("Non calculable : {} case{} à remplir d'abord (avec une valeur valide) :", keys.len(), if keys.len() > 1 { "s" } else { "" }) }</p>
                <ul class="entrees-calcul">{ for keys.iter().map(|k| html! { <li>{ cell(k) }</li> }) }</ul>
            </div>
        },
        Err(CalcError::NoStock(_)) => html! {
            <div class="explication explication-impossible" role="status">
                <p>
                    { format!("Non calculable : le parc de logements de {row_label} n'est pas renseigné ; saisissez-le à l'étape ") }
                    <a href={Route::Fill(FillStep::Parc).to_hash()}>{ FillStep::Parc.label_fr() }</a>{ "." }
                </p>
            </div>
        },
        Err(err) => {
            let m = err.message_fr();
            let m = m.strip_prefix("Calcul impossible : ").unwrap_or(&m);
            let mut chars = m.chars();
            let m = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
                None => String::new(),
            };
            html! {
                <div class="explication explication-impossible" role="status"><p>{ format!("Non calculable : {m}") }</p></div>
            }
        }
    }
}

#[derive(Properties, PartialEq)]
struct SpacerProps {
    colspan: usize,
    /// Pixels.
    height: u32,
}

/// The cell of a spacer row, as tall as the rows it stands for. Its height is set through the
/// CSS object model, not a `style` attribute, which the Content-Security-Policy
/// (`style-src 'self'`) forbids.
#[function_component(SpacerCell)]
fn spacer_cell(props: &SpacerProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.height, move |h| {
            if let Some(td) = node.cast::<web_sys::HtmlElement>() {
                let _ = td.style().set_property("height", &format!("{h}px"));
            }
        });
    }
    html! { <td ref={node} colspan={props.colspan.to_string()}></td> }
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
