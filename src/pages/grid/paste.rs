//! A block pasted from a spreadsheet into a grid, from the focused cell: one `Edit::SetCells`
//! (one undo step) and a French summary under the grid. What the block writes is computed by
//! `cus_core::convention::Paste`.

use std::cell::RefCell;
use std::rc::Rc;

use cus_core::convention::{is_pasted_block, Convention, Paste};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{Layout, Update};
use crate::pages::plural_s as s;

/// The paste handler of a grid's cells: (row, column, paste event).
pub(super) fn on_paste(
    layout: Rc<Layout>,
    update: Rc<RefCell<Update>>,
    draft: Rc<RefCell<Rc<Convention>>>,
    paste_msg: UseStateHandle<Option<String>>,
) -> Callback<(usize, usize, Event)> {
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
        if !is_pasted_block(&text) {
            return; // a single value: let the input take it
        }
        e.prevent_default();
        let paste = Paste::new(&layout.shape, &text, r, c);
        let (n, bad, outside) = (paste.writes.len(), paste.bad.len(), paste.outside);
        let update = update.borrow().clone();
        // The whole block is one edit, so one Ctrl+Z undoes it.
        let edit = paste.into_edit();
        let replaced = edit.replaced_cells(&draft.borrow());
        update.emit(edit);
        paste_msg.set(Some(summary(n, replaced, bad, outside)));
    })
}

/// « 3 cases collées. 1 valeur déjà saisie remplacée (Ctrl+Z pour annuler le collage). … »
fn summary(n: usize, replaced: usize, bad: usize, outside: usize) -> String {
    let mut msg = format!("{n} case{} collée{}.", s(n), s(n));
    if replaced > 0 {
        msg.push_str(&format!(
            " {replaced} valeur{} déjà saisie{} remplacée{} (Ctrl+Z pour annuler le collage).",
            s(replaced),
            s(replaced),
            s(replaced)
        ));
    }
    if bad > 0 {
        msg.push_str(&format!(
            " {bad} valeur{} non numérique{} à corriger.",
            s(bad),
            s(bad)
        ));
    }
    if outside > 0 {
        msg.push_str(&format!(
            " {outside} valeur{} hors du tableau ignorée{}.",
            s(outside),
            s(outside)
        ));
    }
    msg
}
