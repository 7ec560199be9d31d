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
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Indicator, Period, ValueKind};
use cus_core::convention::{
    cell_error, parse_pasted_block, period_key, splits, typed_value, Convention, SplitKey, Value,
};
use cus_core::numfmt::format_fr;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::route::{FillStep, Route};

/// How a grid changes the draft.
pub type Update = Callback<Rc<dyn Fn(&mut Convention)>>;

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
    pub cell_messages: Rc<HashMap<String, Rc<str>>>,
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
/// indicator, its rows or the signing year change.
struct Layout {
    index: usize,
    indicator: Rc<Indicator>,
    virtualized: bool,
    /// Territory part of the cell keys, per row.
    row_keys: Vec<String>,
    /// Rows of a territory key (a territory declared twice has two rows).
    row_of: HashMap<String, Vec<usize>>,
    /// `split|period` part of the cell keys, per column.
    col_keys: Vec<String>,
    col_of: HashMap<String, usize>,
    /// `(split|period, column)`, sorted by key: the order of a row's keys in the stored values.
    sorted_cols: Vec<(String, usize)>,
    /// "split, period" (French), per column.
    col_labels: Vec<String>,
    /// Totals column: for counts asked per year, the year columns of each split.
    year_cols: Vec<Vec<usize>>,
}

impl Layout {
    fn n_rows(&self) -> usize {
        self.row_keys.len()
    }

    fn n_cols(&self) -> usize {
        self.col_keys.len()
    }

    fn key(&self, r: usize, c: usize) -> Option<String> {
        Some(format!(
            "{}|{}|{}",
            self.indicator.code,
            self.row_keys.get(r)?,
            self.col_keys.get(c)?
        ))
    }

    /// Rows and column of a key stripped of its `indicator|` prefix.
    fn locate_rest(&self, rest: &str) -> Option<(&[usize], usize)> {
        // The split and the period never hold a '|': cut from the right.
        let mut cuts = rest.rmatch_indices('|').map(|(i, _)| i);
        cuts.next()?;
        let at = cuts.next()?;
        let rows = self.row_of.get(&rest[..at])?;
        let col = *self.col_of.get(&rest[at + 1..])?;
        Some((rows.as_slice(), col))
    }

    /// Every stored value of this grid with its rows and column, in one pass over the values of
    /// the indicator. The keys are sorted, so those of a row come together, split and period in
    /// the order of `sorted_cols`: one row lookup per row, a merge for the columns.
    fn scan<'v>(
        &self,
        values: &'v BTreeMap<String, Value>,
        mut f: impl FnMut(&[usize], usize, &'v Value),
    ) {
        let prefix = format!("{}|", self.indicator.code);
        let after = values.range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded));
        let mut group: Option<(&str, Option<&[usize]>)> = None;
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
            let rows = match group {
                Some((t, rows)) if t == territory => rows,
                _ => {
                    let rows = self.row_of.get(territory).map(Vec::as_slice);
                    group = Some((territory, rows));
                    cursor = 0;
                    rows
                }
            };
            let Some(rows) = rows else { continue };
            while self
                .sorted_cols
                .get(cursor)
                .is_some_and(|(c, _)| c.as_str() < col_key)
            {
                cursor += 1;
            }
            match self.sorted_cols.get(cursor) {
                Some((c, col)) if c == col_key => f(rows, *col, v),
                _ => {}
            }
        }
    }

    /// Row and column of a full cell key of this grid.
    fn locate(&self, key: &str) -> Option<(usize, usize)> {
        let rest = key
            .strip_prefix(self.indicator.code.as_str())?
            .strip_prefix('|')?;
        self.locate_rest(rest)
            .and_then(|(rows, c)| rows.first().map(|&r| (r, c)))
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
            .or_else(|| props.messages.get(c).cloned().flatten().map(|m| m.to_string()));
        let shown = match stored {
            Some(Value::Number(n)) => format_fr(*n, 2),
            Some(Value::Text(t)) => t.clone(),
            Some(Value::Bool(b)) => if *b { "oui".into() } else { "non".into() },
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
                    "ArrowLeft" if caret == Some(0) && caret_end == Some(0) => c.checked_sub(1).map(|c2| (r, c2)),
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
                    value={shown} oninput={on_input} onkeydown={on_keydown} onpaste={on_paste} />
                if let Some(msg) = error {
                    if virtualized {
                        // Same height for every row: the message is listed under the grid.
                        <span class="case-marque" aria-hidden="true">{ "⚠" }</span>
                        <span id={err_id} class="sr-only">{ msg }</span>
                    } else {
                        <span id={err_id} class="case-message" role="alert">{ format!("⚠ {msg}") }</span>
                    }
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
            let key_for_hint = key.clone();
            let value = typed_value(&text);
            let f: Rc<dyn Fn(&mut Convention)> = Rc::new(move |c: &mut Convention| match &value {
                Some(v) => {
                    c.values.insert(key.clone(), v.clone());
                }
                None => {
                    c.values.remove(&key);
                }
            });
            let update = update.borrow().clone();
            super::fill::note_edited([key_for_hint]);
            update.emit(f);
        })
    };
    let paste = {
        let layout = layout.clone();
        let update = h.update.clone();
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
            super::fill::note_edited(
                writes
                    .iter()
                    .map(|(k, _)| k.clone())
                    .chain(bad.iter().map(|(k, _)| k.clone())),
            );
            update.emit(Rc::new(move |conv: &mut Convention| {
                for (k, v) in &writes {
                    match v {
                        Some(x) => {
                            conv.values.insert(k.clone(), Value::Number(*x));
                        }
                        None => {
                            conv.values.remove(k);
                        }
                    }
                }
                for (k, t) in &bad {
                    conv.values.insert(k.clone(), Value::Text(t.clone()));
                }
            }));
            let mut msg = format!(
                "{n} case{} collée{}.",
                if n > 1 { "s" } else { "" },
                if n > 1 { "s" } else { "" }
            );
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
fn explanation(
    props: &Props,
    split_list: &[SplitKey],
    periods: &[Period],
    col: usize,
) -> Option<String> {
    let n_splits = split_list.len().max(1);
    let period = *periods.get(col / n_splits)?;
    let split = split_list.get(col % n_splits)?;
    let geo = super::fill::draft_geo(&props.draft);
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
    let geo = super::fill::draft_geo(conv);
    let rows = conv.rows(ind, geo);
    let split_list = splits(ind);
    let periods = ind.periods.periods();
    let paste_msg = use_state(|| None::<String>);
    // Column whose total is explained under the grid.
    let explain = use_state(|| None::<usize>);
    let first_year = conv.signing_year;
    let summable = matches!(ind.value, ValueKind::Nombre { .. });
    let numeric = ind.value.default_bounds().is_some();
    let index = props.index;

    let update = use_mut_ref(|| props.update.clone());
    *update.borrow_mut() = props.update.clone();
    let view = use_mut_ref(View::new);
    let force = use_force_update();
    let scroller = use_node_ref();
    let grid = {
        let hooks = Hooks {
            update: update.clone(),
            paste_msg: paste_msg.clone(),
            view: view.clone(),
            force: force.clone(),
            scroller: scroller.clone(),
        };
        use_memo(
            (ind.clone(), rows.clone(), index, first_year),
            move |(ind, rows, index, first_year)| {
                let columns: Vec<(Period, SplitKey)> = ind
                    .periods
                    .periods()
                    .iter()
                    .flat_map(|p| splits(ind).into_iter().map(move |s| (*p, s)))
                    .collect();
                let split_list = splits(ind);
                let year_cols: Vec<Vec<usize>> = if matches!(ind.value, ValueKind::Nombre { .. })
                    && ind.periods.yearly
                {
                    split_list
                        .iter()
                        .map(|split| {
                            columns
                                .iter()
                                .enumerate()
                                .filter(|(_, (p, s))| matches!(p, Period::Year(_)) && s == split)
                                .map(|(c, _)| c)
                                .collect()
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let row_keys: Vec<String> = rows.iter().map(|t| t.to_string()).collect();
                let mut row_of: HashMap<String, Vec<usize>> = HashMap::new();
                for (r, k) in row_keys.iter().enumerate() {
                    row_of.entry(k.clone()).or_default().push(r);
                }
                let col_keys: Vec<String> = columns
                    .iter()
                    .map(|(p, s)| format!("{}|{}", s.key(), period_key(*p)))
                    .collect();
                let col_of = col_keys
                    .iter()
                    .enumerate()
                    .map(|(c, k)| (k.clone(), c))
                    .collect();
                let mut sorted_cols: Vec<(String, usize)> = col_keys
                    .iter()
                    .enumerate()
                    .map(|(c, k)| (k.clone(), c))
                    .collect();
                sorted_cols.sort();
                let col_labels = columns
                    .iter()
                    .map(|(p, s)| format!("{}, {}", s.label_fr(ind), p.label_fr(*first_year)))
                    .collect();
                let layout = Layout {
                    index: *index,
                    indicator: ind.clone(),
                    virtualized: rows.len() > VIRTUAL_ABOVE,
                    row_keys,
                    row_of,
                    col_keys,
                    col_of,
                    sorted_cols,
                    col_labels,
                    year_cols,
                };
                build_grid(layout, hooks)
            },
        )
    };
    let layout = grid.layout.clone();
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
    let mut errors: Vec<(usize, usize, String)> = Vec::new();
    if numeric {
        layout.scan(&conv.values, |rs, c, v| {
            if summable {
                if let Some(x) = v.as_number() {
                    // Only the rows of the coarsest level: EPCI detail is already inside its
                    // département's figure.
                    for _ in rs.iter().filter(|&&r| totalled[r]) {
                        col_sums[c].0 += x;
                        col_sums[c].1 = true;
                    }
                }
            }
            for &r in rs {
                if (first..last).contains(&r) {
                    row_values[r - first][c] = Some(v.clone());
                }
            }
            if virtualized {
                if let Some(m) = cell_error(ind, v) {
                    errors.push((rs[0], c, m));
                }
            }
        });
    }
    errors.sort_by_key(|&(r, c, _)| (r, c));

    let header_periods = periods.iter().map(|p| {
        html! { <th scope="colgroup" colspan={split_list.len().to_string()}>{ p.label_fr(first_year) }</th> }
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
                        .and_then(|k| props.cell_messages.get(&k).cloned())
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
                <td colspan={(n_cols + layout.year_cols.len() + 1).to_string()} style={format!("height: {height:.0}px")}></td>
            </tr>
        }
    };

    let error_list = (virtualized && !errors.is_empty()).then(|| {
        let n = errors.len();
        let items = errors.iter().take(LISTED_ERRORS).map(|(r, c, msg)| {
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
                <p role="status"><strong>{ format!("{n} case{} en erreur", if n > 1 { "s" } else { "" }) }</strong></p>
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
                if let Some(text) = (*explain).and_then(|c| explanation(props, &split_list, &periods, c)) {
                    <p class="explication" role="status">{ text }</p>
                }
                if let Some(m) = &*paste_msg {
                    <p class="message-ok" role="status">{ m }</p>
                }
            }
        </section>
    }
}
