//! Row virtualisation of large grids: only the rows in sight (plus a buffer) are rendered,
//! spacer rows standing for the others. The geometry (row pitch, sticky header and totals) is
//! measured once rendered; the rendered range follows the scroll; a cell asked for (keyboard
//! move, Vérification link) is scrolled into the range first, then focused.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{call_with_options, cell_id, focus_input, input_by_id, Layout};

/// Rows rendered beyond each edge of the visible ones.
const BUFFER: usize = 5;
/// The rendered range is recomputed once the visible rows come this close to one of its edges.
const MARGIN: usize = 2;
/// Row height (px) assumed until a rendered row is measured.
const DEFAULT_PITCH: f64 = 38.0;
/// Height (px) of the sticky header and totals row, until measured.
const HEAD_AND_TOTALS: f64 = 100.0;

/// The part of a large grid in the page, and the geometry it is computed from.
pub(super) struct View {
    /// Rendered rows: `first..last`.
    pub(super) first: usize,
    pub(super) last: usize,
    /// Height of a body row, measured once rendered.
    pub(super) pitch: f64,
    /// Heights of the sticky header and totals row.
    pub(super) head: f64,
    pub(super) foot: f64,
    /// Cell to focus once rendered.
    pub(super) pending: Option<Pending>,
    /// Rendered range and row count when the geometry was last measured.
    pub(super) measured: Option<(usize, usize, usize)>,
}

/// A cell to focus once its row is rendered.
pub(super) struct Pending {
    pub(super) row: usize,
    pub(super) col: usize,
    /// Scroll the page to it (a link from the Vérification page).
    pub(super) reveal: bool,
    /// Centre its row in the scroller first.
    pub(super) center: bool,
}

impl View {
    pub(super) fn new() -> Self {
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
    pub(super) fn band(&self, scroller: &web_sys::Element) -> f64 {
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
    pub(super) fn follow(&mut self, scroller: &web_sys::Element, n: usize) -> bool {
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
pub(super) fn settle(v: &mut View, el: &web_sys::HtmlElement, layout: &Layout) -> bool {
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

#[derive(Properties, PartialEq)]
pub(super) struct SpacerProps {
    pub(super) colspan: usize,
    /// Pixels.
    pub(super) height: u32,
}

/// The cell of a spacer row, as tall as the rows it stands for. Its height is set through the
/// CSS object model, not a `style` attribute, which the Content-Security-Policy
/// (`style-src 'self'`) forbids.
#[function_component(SpacerCell)]
pub(super) fn spacer_cell(props: &SpacerProps) -> Html {
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
