//! One draft being edited, as IronCalc's user model: the convention, its undo history and its
//! validator in one place. An edit is refused (a signed convention's commitments, until an
//! avenant), found to change nothing, or applied in place (no copy of the convention), and the
//! diagnostics are patched from what it touched. The web app's store and the tests drive the
//! same type, so refusal, no-op and validation are decided once.

use crate::catalogue::Catalogue;
use crate::convention::{Convention, Edit, History, Touched};
use crate::diagnostic::Diagnostic;
use crate::geo::Referential;
use crate::rules::Validator;

/// What an edit, an undo or a redo did.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Applied: what it touched (the revision moved).
    Changed(Touched),
    /// Nothing to do (the same value, nothing to undo or redo).
    Unchanged,
    /// Refused, with the French reason (`Edit::refusal`); nothing changed.
    Refused(String),
}

/// A draft being edited.
pub struct DraftSession<'c> {
    conv: Convention,
    history: History,
    validator: Validator<'c>,
    revision: u64,
}

impl<'c> DraftSession<'c> {
    /// A session over `conv`, validated in full once.
    pub fn new(conv: Convention, cat: &'c Catalogue, geo: Option<&'c Referential>) -> Self {
        let validator = Validator::new(&conv, cat, geo);
        DraftSession {
            conv,
            history: History::default(),
            validator,
            revision: 0,
        }
    }

    /// Apply a user's edit.
    pub fn apply(&mut self, edit: Edit) -> Outcome {
        if let Some(why) = edit.refusal(&self.conv) {
            return Outcome::Refused(why);
        }
        if edit.is_noop_on(&self.conv) {
            return Outcome::Unchanged;
        }
        let touched = self.history.apply(&mut self.conv, edit);
        self.changed(touched)
    }

    pub fn undo(&mut self) -> Outcome {
        match self.history.undo(&mut self.conv) {
            Some(t) => self.changed(t),
            None => Outcome::Unchanged,
        }
    }

    pub fn redo(&mut self) -> Outcome {
        match self.history.redo(&mut self.conv) {
            Some(t) => self.changed(t),
            None => Outcome::Unchanged,
        }
    }

    fn changed(&mut self, touched: Touched) -> Outcome {
        self.validator.update(&self.conv, &touched);
        self.revision += 1;
        Outcome::Changed(touched)
    }

    pub fn convention(&self) -> &Convention {
        &self.conv
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.validator.diagnostics()
    }

    /// Bumped by every change (the store saves when it moves).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    pub fn into_convention(self) -> Convention {
        self.conv
    }
}
