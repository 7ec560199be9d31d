//! The draft being filled: one store (`use_reducer`), changed only by typed actions. An edit is a
//! `cus_core::convention::Edit`, applied through the draft's `History` (undo, redo); the store
//! keeps a short log of what each revision touched, so the validation patches its diagnostics
//! instead of comparing conventions (`rules::Validator`). Components get the convention as plain
//! data (`Rc<Convention>`) and a stable dispatcher.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{Convention, Edit, History, Touched};
use cus_core::diagnostic::Diagnostic;
use cus_core::geo::Referential;
use cus_core::rules::Validator;
use yew::Reducible;

use crate::drafts;

/// What the user does to the draft.
pub enum Action {
    Edit(Edit),
    Undo,
    Redo,
    /// Another draft is opened (or created, or imported).
    Open(Box<drafts::Opened>),
}

/// Revisions whose changes are kept for the validation (beyond, it validates everything).
const LOG: usize = 32;

/// The draft open, its revision, and its undo history.
#[derive(Clone)]
pub struct DraftStore {
    pub id: String,
    pub conv: Rc<Convention>,
    /// Bumped by every change; the draft is saved when it moves and `dirty` is set.
    pub revision: u64,
    /// Changed by the user since it was opened (opening a draft never rewrites it).
    pub dirty: bool,
    /// False until the first draft is read from the browser's storage.
    pub loaded: bool,
    log: Rc<VecDeque<(u64, Touched)>>,
    /// Per draft id, kept while the page is open.
    histories: Rc<RefCell<HashMap<String, History>>>,
}

impl PartialEq for DraftStore {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.revision == other.revision
    }
}

impl DraftStore {
    /// The store before the first draft is read (drafts are read asynchronously).
    pub fn loading() -> Self {
        DraftStore {
            id: String::new(),
            conv: Rc::default(),
            revision: 0,
            dirty: false,
            loaded: false,
            log: Rc::default(),
            histories: Rc::default(),
        }
    }

    pub fn can_undo(&self) -> bool {
        self.histories
            .borrow()
            .get(&self.id)
            .is_some_and(History::can_undo)
    }

    pub fn can_redo(&self) -> bool {
        self.histories
            .borrow()
            .get(&self.id)
            .is_some_and(History::can_redo)
    }

    /// What changed since `revision` of this draft, if the log still holds it.
    pub fn touched_since(&self, revision: u64) -> Option<Touched> {
        if revision == self.revision {
            return Some(Touched::Nothing);
        }
        let mut out = Touched::Nothing;
        let mut next = revision + 1;
        for (r, t) in self.log.iter() {
            if *r < next {
                continue;
            }
            if *r != next {
                return None;
            }
            out = out.and(t.clone());
            next += 1;
        }
        (next == self.revision + 1).then_some(out)
    }

    fn changed(&self, conv: Convention, touched: Touched) -> Rc<Self> {
        let mut log = (*self.log).clone();
        log.push_back((self.revision + 1, touched));
        while log.len() > LOG {
            log.pop_front();
        }
        Rc::new(DraftStore {
            conv: Rc::new(conv),
            revision: self.revision + 1,
            dirty: true,
            log: Rc::new(log),
            ..(*self).clone()
        })
    }
}

impl Reducible for DraftStore {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let step = |f: &dyn Fn(&mut History, &mut Convention) -> Option<Touched>| {
            let mut conv = (*self.conv).clone();
            let touched = {
                let mut hs = self.histories.borrow_mut();
                f(hs.entry(self.id.clone()).or_default(), &mut conv)
            };
            touched.map(|t| self.changed(conv, t))
        };
        let next = match action {
            Action::Edit(_) | Action::Undo | Action::Redo if !self.loaded => None,
            Action::Edit(e) => {
                if e.is_noop_on(&self.conv) {
                    return self;
                }
                step(&|h, c| Some(h.apply(c, e.clone())))
            }
            Action::Undo => step(&|h, c| h.undo(c)),
            Action::Redo => step(&|h, c| h.redo(c)),
            Action::Open(o) => Some(Rc::new(DraftStore {
                id: o.id,
                conv: Rc::new(o.convention),
                revision: self.revision + 1,
                dirty: false,
                loaded: true,
                log: Rc::default(),
                histories: self.histories.clone(),
            })),
        };
        next.unwrap_or(self)
    }
}

/// The validation of the draft open, kept between renders.
pub struct Validation {
    draft: String,
    revision: u64,
    cat: &'static Catalogue,
    geo: Option<&'static Referential>,
    validator: Validator<'static>,
    /// The diagnostics at `revision`, shared with the components until the next change.
    snapshot: Rc<Vec<Diagnostic>>,
}

/// The diagnostics of the draft: patched from what changed since the last render when the
/// store's log says it, else validated in full; the same `Rc` while nothing changed.
pub fn diagnostics(
    slot: &mut Option<Validation>,
    store: &DraftStore,
    cat: &'static Catalogue,
    geo: Option<&'static Referential>,
) -> Rc<Vec<Diagnostic>> {
    let reusable = slot.as_mut().filter(|v| {
        v.draft == store.id
            && std::ptr::eq(v.cat, cat)
            && v.geo.map(|g| g as *const _) == geo.map(|g| g as *const _)
    });
    match reusable.and_then(|v| store.touched_since(v.revision).map(|t| (v, t))) {
        Some((v, touched)) => {
            if v.revision != store.revision {
                v.validator.update(&store.conv, &touched);
                v.revision = store.revision;
                if touched != Touched::Nothing {
                    v.snapshot = Rc::new(v.validator.diagnostics().to_vec());
                }
            }
            v.snapshot.clone()
        }
        None => {
            let validator = Validator::new(&store.conv, cat, geo);
            let snapshot = Rc::new(validator.diagnostics().to_vec());
            *slot = Some(Validation {
                draft: store.id.clone(),
                revision: store.revision,
                cat,
                geo,
                validator,
                snapshot: snapshot.clone(),
            });
            snapshot
        }
    }
}

#[cfg(test)]
mod tests {
    //! The store, natively: an edit moves the revision and is logged, a no-op and an edit
    //! before the first draft change nothing, undo and redo go through the draft's history, the
    //! log says what changed since a revision (or that it no longer knows), and opening a draft
    //! starts clean.

    use super::*;
    use cus_core::convention::Value;

    fn opened(id: &str) -> Box<drafts::Opened> {
        Box::new(drafts::Opened {
            id: id.into(),
            convention: Convention::default(),
            message: None,
        })
    }

    fn set(key: &str, v: f64) -> Action {
        Action::Edit(Edit::SetCells(vec![(key.into(), Some(Value::Number(v)))]))
    }

    const K: &str = "PP-1|departement:59|total|c3";

    #[test]
    fn the_store_applies_undoes_and_logs_its_edits() {
        let s = Rc::new(DraftStore::loading());
        // Nothing is edited before the first draft is read.
        let s = s.reduce(set(K, 1.0));
        assert_eq!(s.revision, 0);
        let s = s.reduce(Action::Open(opened("d1")));
        assert!(s.loaded && !s.dirty);
        let r0 = s.revision;
        let s = s.reduce(set(K, 10.0));
        assert_eq!(s.revision, r0 + 1);
        assert!(s.dirty);
        assert_eq!(s.conv.values.get(K), Some(&Value::Number(10.0)));
        assert_eq!(s.touched_since(r0), Some(Touched::Cells(vec![K.into()])));
        // The same value again: no new revision.
        let same = s.clone().reduce(set(K, 10.0));
        assert!(Rc::ptr_eq(&same, &s));
        let s = s.reduce(Action::Undo);
        assert_eq!(s.conv.values.get(K), None);
        assert!(s.can_redo() && !s.can_undo());
        let s = s.reduce(Action::Redo);
        assert_eq!(s.conv.values.get(K), Some(&Value::Number(10.0)));
        assert_eq!(s.touched_since(s.revision), Some(Touched::Nothing));
        // Beyond the log, the store says it no longer knows (the validation starts over).
        let mut t = s.clone();
        for i in 0..(LOG as u32 + 2) {
            t = t.reduce(set(K, f64::from(i) + 100.0));
        }
        assert_eq!(t.touched_since(r0), None);
        // Another draft starts clean, with its own history.
        let o = t.reduce(Action::Open(opened("d2")));
        assert!(!o.dirty && !o.can_undo());
    }
}
