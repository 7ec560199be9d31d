//! Typed edits of a convention: every change a user makes is one [`Edit`], applied in place by
//! [`Edit::apply`], which returns the inverse edit (for undo) and what it touched (for the
//! incremental validation). [`History`] keeps the undo and redo stacks.
//!
//! A paste of a block is one `SetCells`, so one undo step.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    CatalogueRef, Complementary, Convention, IndicatorSegmentation, Justification, Segment,
    Signature, SignedVersion, Terms, Value,
};
use crate::organisme::Organisme;

/// One change to a convention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Edit {
    /// Cells by canonical key: the new value, or `None` to empty the cell.
    SetCells(Vec<(String, Option<Value>)>),
    /// The draft's name.
    SetName(String),
    SetOrganisme(Organisme),
    /// The catalogue, the signing year and the referential vintage (chosen together).
    SetConvention {
        catalogue: CatalogueRef,
        signing_year: Option<i32>,
        geo_vintage: Option<u16>,
    },
    /// The départements and EPCI / EPT declared.
    SetTerritories {
        departements: Vec<String>,
        epci: Vec<String>,
    },
    /// The segments de patrimoine (1st generation).
    SetSegments(Vec<Segment>),
    /// The breakdown chosen for one indicator (`None`: its default).
    SetSegmentation {
        code: String,
        choice: Option<IndicatorSegmentation>,
    },
    /// Dwellings owned in one territory (`None`: not given).
    SetStock {
        territory: String,
        dwellings: Option<f64>,
    },
    /// The unit chosen for an indicator whose text leaves it open, or none.
    SetUnit {
        indicator: String,
        unit: Option<String>,
    },
    /// The periodicity chosen for an indicator whose text leaves it open (an id of its
    /// `period_choices`), or none (the catalogue's).
    SetPeriodicity {
        indicator: String,
        choice: Option<String>,
    },
    /// How the « dont » parts of an indicator are stated: `%` of their total, or none (counts).
    SetPartUnit {
        indicator: String,
        unit: Option<String>,
    },
    /// A stock given once for one territory (`None`: not given).
    SetBase {
        base: String,
        territory: String,
        value: Option<f64>,
    },
    /// The indicators the organism added (« hors règlement »).
    SetComplementary(Vec<Complementary>),
    /// A warning acknowledged with the user's comment, or no longer (`None`).
    Acknowledge {
        id: String,
        comment: Option<String>,
    },
    /// The commitments marked signed (read-only from then on), or no longer (`None`: an avenant
    /// being prepared).
    Sign(Option<Signature>),
    /// The versions replaced by avenants (an avenant started: the signed version appended).
    SetVersions(Vec<SignedVersion>),
    /// The evaluation the achievements are entered for (an id of the catalogue's evaluations).
    SetEvaluation(String),
    /// Counts achieved per year, by cell key (`None`: not entered).
    SetAchieved(Vec<(String, Option<f64>)>),
    /// Percentages achieved per year, by their numerator and denominator.
    SetTerms(Vec<(String, Option<Terms>)>),
    /// The justification of a gap, by `indicator|territory|split`.
    Justify {
        key: String,
        justification: Option<Justification>,
    },
    /// Several edits as one step (applied in order, undone in reverse order).
    Batch(Vec<Edit>),
}

/// What an edit changed, for the validation: which cells, or the organism (its own rules run
/// again), or the structure (territories, segmentation, catalogue, stock: everything is validated
/// again), or nothing the rules read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Touched {
    /// Nothing the rules read (the name, the acknowledgements).
    Nothing,
    /// The organism only (`rules::check_organisme`).
    Organisme,
    /// These cells only.
    Cells(Vec<String>),
    /// The evaluation chosen (all its rules run again, nothing else).
    Evaluation,
    /// Achievements or justifications by key (the evaluation checks they own run again,
    /// nothing else: `evaluation::Owners`).
    Achievements(Vec<String>),
    /// The structure of the convention.
    Structure,
}

impl Touched {
    /// Both changes together.
    pub fn and(self, other: Touched) -> Touched {
        match (self, other) {
            (Touched::Structure, _) | (_, Touched::Structure) => Touched::Structure,
            (Touched::Nothing, t) | (t, Touched::Nothing) => t,
            (Touched::Organisme, Touched::Organisme) => Touched::Organisme,
            (Touched::Evaluation, Touched::Evaluation)
            | (Touched::Evaluation, Touched::Achievements(_))
            | (Touched::Achievements(_), Touched::Evaluation) => Touched::Evaluation,
            (Touched::Achievements(mut a), Touched::Achievements(b)) => {
                a.extend(b);
                Touched::Achievements(a)
            }
            // The achievements with cells or the organism: validate everything.
            (Touched::Evaluation | Touched::Achievements(_), _)
            | (_, Touched::Evaluation | Touched::Achievements(_)) => Touched::Structure,
            // The organism and some cells (a batch, or several revisions at once): rare enough
            // to validate everything.
            (Touched::Organisme, Touched::Cells(_)) | (Touched::Cells(_), Touched::Organisme) => {
                Touched::Structure
            }
            (Touched::Cells(mut a), Touched::Cells(b)) => {
                a.extend(b);
                Touched::Cells(a)
            }
        }
    }
}

/// An edit applied: its inverse and what it touched.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    pub inverse: Edit,
    pub touched: Touched,
}

fn set_entry<V: Clone>(map: &mut BTreeMap<String, V>, key: &str, value: Option<V>) -> Option<V> {
    match value {
        Some(v) => map.insert(key.to_string(), v),
        None => map.remove(key),
    }
}

/// [`set_entry`] on a persistent map (the achievements).
fn set_ord_entry<V: Clone>(
    map: &mut imbl::OrdMap<String, V>,
    key: &str,
    value: Option<V>,
) -> Option<V> {
    match value {
        Some(v) => map.insert(key.to_string(), v),
        None => map.remove(key),
    }
}

impl Edit {
    /// Apply the edit in place. Costs what it changes: no copy of the convention.
    pub fn apply(self, conv: &mut Convention) -> Applied {
        match self {
            Edit::SetCells(cells) => {
                let mut keys = Vec::with_capacity(cells.len());
                let mut old = Vec::with_capacity(cells.len());
                for (key, value) in cells {
                    let before = match value {
                        Some(v) => conv.values.insert(key.clone(), v),
                        None => conv.values.remove(&key),
                    };
                    keys.push(key.clone());
                    old.push((key, before));
                }
                // Undone in reverse order, so a key written twice gets its first value back.
                old.reverse();
                Applied {
                    inverse: Edit::SetCells(old),
                    touched: Touched::Cells(keys),
                }
            }
            Edit::SetName(name) => Applied {
                inverse: Edit::SetName(std::mem::replace(&mut conv.name, name)),
                touched: Touched::Nothing,
            },
            // The SIREN is stored as its digits (`356 000 000` typed → `356000000`).
            Edit::SetOrganisme(o) => Applied {
                inverse: Edit::SetOrganisme(std::mem::replace(&mut conv.organisme, o.normalised())),
                touched: Touched::Organisme,
            },
            Edit::SetConvention {
                catalogue,
                signing_year,
                geo_vintage,
            } => Applied {
                inverse: Edit::SetConvention {
                    catalogue: std::mem::replace(&mut conv.catalogue, catalogue),
                    signing_year: std::mem::replace(&mut conv.signing_year, signing_year),
                    geo_vintage: std::mem::replace(&mut conv.geo_vintage, geo_vintage),
                },
                touched: Touched::Structure,
            },
            Edit::SetTerritories { departements, epci } => Applied {
                inverse: Edit::SetTerritories {
                    departements: std::mem::replace(&mut conv.departements, departements),
                    epci: std::mem::replace(&mut conv.epci, epci),
                },
                touched: Touched::Structure,
            },
            Edit::SetSegments(s) => Applied {
                inverse: Edit::SetSegments(std::mem::replace(&mut conv.segments, s)),
                touched: Touched::Structure,
            },
            Edit::SetSegmentation { code, choice } => {
                let before = set_entry(&mut conv.segmentation, &code, choice);
                Applied {
                    inverse: Edit::SetSegmentation {
                        code,
                        choice: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetStock {
                territory,
                dwellings,
            } => {
                let before = set_entry(&mut conv.stock, &territory, dwellings);
                Applied {
                    inverse: Edit::SetStock {
                        territory,
                        dwellings: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetUnit { indicator, unit } => {
                let before = set_entry(&mut conv.units, &indicator, unit);
                Applied {
                    inverse: Edit::SetUnit {
                        indicator,
                        unit: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetPeriodicity { indicator, choice } => {
                let before = set_entry(&mut conv.periodicity, &indicator, choice);
                Applied {
                    inverse: Edit::SetPeriodicity {
                        indicator,
                        choice: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetPartUnit { indicator, unit } => {
                let before = set_entry(&mut conv.part_units, &indicator, unit);
                Applied {
                    inverse: Edit::SetPartUnit {
                        indicator,
                        unit: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetBase {
                base,
                territory,
                value,
            } => {
                let map = conv.bases.entry(base.clone()).or_default();
                let before = set_entry(map, &territory, value);
                if map.is_empty() {
                    conv.bases.remove(&base);
                }
                Applied {
                    inverse: Edit::SetBase {
                        base,
                        territory,
                        value: before,
                    },
                    touched: Touched::Structure,
                }
            }
            Edit::SetComplementary(list) => Applied {
                inverse: Edit::SetComplementary(std::mem::replace(&mut conv.complementary, list)),
                touched: Touched::Structure,
            },
            Edit::Acknowledge { id, comment } => {
                let before = set_entry(&mut conv.acknowledged, &id, comment);
                Applied {
                    inverse: Edit::Acknowledge {
                        id,
                        comment: before,
                    },
                    touched: Touched::Nothing,
                }
            }
            // The signature is checked with the evaluation (its date, achievements against
            // signed commitments): its rules run again.
            Edit::Sign(sig) => Applied {
                inverse: Edit::Sign(std::mem::replace(&mut conv.signature, sig)),
                touched: Touched::Evaluation,
            },
            Edit::SetVersions(v) => Applied {
                inverse: Edit::SetVersions(std::mem::replace(&mut conv.versions, v)),
                touched: Touched::Evaluation,
            },
            Edit::SetEvaluation(id) => Applied {
                inverse: Edit::SetEvaluation(std::mem::replace(
                    &mut conv.achievements.evaluation,
                    id,
                )),
                touched: Touched::Evaluation,
            },
            Edit::SetAchieved(cells) => {
                let mut old: Vec<(String, Option<f64>)> = cells
                    .into_iter()
                    .map(|(k, v)| {
                        let before = set_ord_entry(&mut conv.achievements.values, &k, v);
                        (k, before)
                    })
                    .collect();
                old.reverse();
                // (In the order written: `old` is reversed for the undo.)
                let keys = old.iter().rev().map(|(k, _)| k.clone()).collect();
                Applied {
                    inverse: Edit::SetAchieved(old),
                    touched: Touched::Achievements(keys),
                }
            }
            Edit::SetTerms(cells) => {
                let mut old: Vec<(String, Option<Terms>)> = cells
                    .into_iter()
                    .map(|(k, v)| {
                        let before = set_ord_entry(&mut conv.achievements.terms, &k, v);
                        (k, before)
                    })
                    .collect();
                old.reverse();
                // (In the order written: `old` is reversed for the undo.)
                let keys = old.iter().rev().map(|(k, _)| k.clone()).collect();
                Applied {
                    inverse: Edit::SetTerms(old),
                    touched: Touched::Achievements(keys),
                }
            }
            Edit::Justify { key, justification } => {
                let before = set_entry(&mut conv.achievements.justifications, &key, justification);
                Applied {
                    touched: Touched::Achievements(vec![key.clone()]),
                    inverse: Edit::Justify {
                        key,
                        justification: before,
                    },
                }
            }
            Edit::Batch(edits) => {
                let mut inverses = Vec::with_capacity(edits.len());
                let mut touched = Touched::Nothing;
                for e in edits {
                    let a = e.apply(conv);
                    inverses.push(a.inverse);
                    touched = touched.and(a.touched);
                }
                inverses.reverse();
                Applied {
                    inverse: Edit::Batch(inverses),
                    touched,
                }
            }
        }
    }

    /// Does applying it change nothing? (An edit that writes what is already there is not
    /// recorded in the history.) Judged on the net effect: a cell written then emptied in the
    /// same step, or a name changed and changed back in a batch, is no change.
    pub fn is_noop_on(&self, conv: &Convention) -> bool {
        let mut last: BTreeMap<(u8, &str, &str), Write> = BTreeMap::new();
        self.net_writes(&mut last);
        last.values().all(|w| w.holds_in(conv))
    }

    /// The last write of this edit to each slot of the convention.
    fn net_writes<'a>(&'a self, last: &mut BTreeMap<(u8, &'a str, &'a str), Write<'a>>) {
        let mut put2 = |slot: u8, key: &'a str, sub: &'a str, w: Write<'a>| {
            last.insert((slot, key, sub), w);
        };
        let mut put = |slot: u8, key: &'a str, w: Write<'a>| put2(slot, key, "", w);
        match self {
            Edit::SetCells(cells) => {
                for (k, v) in cells {
                    put(0, k, Write::Cell(k, v.as_ref()));
                }
            }
            Edit::SetName(n) => put(1, "", Write::Name(n)),
            Edit::SetOrganisme(o) => put(2, "", Write::Organisme(o)),
            Edit::SetConvention {
                catalogue,
                signing_year,
                geo_vintage,
            } => put(
                3,
                "",
                Write::Convention(catalogue, *signing_year, *geo_vintage),
            ),
            Edit::SetTerritories { departements, epci } => {
                put(4, "", Write::Territories(departements, epci))
            }
            Edit::SetSegments(s) => put(5, "", Write::Segments(s)),
            Edit::SetSegmentation { code, choice } => {
                put(6, code, Write::Segmentation(code, choice.as_ref()))
            }
            Edit::SetStock {
                territory,
                dwellings,
            } => put(7, territory, Write::Stock(territory, *dwellings)),
            Edit::SetUnit { indicator, unit } => {
                put(8, indicator, Write::Unit(indicator, unit.as_ref()))
            }
            Edit::SetPeriodicity { indicator, choice } => put(
                16,
                indicator,
                Write::Periodicity(indicator, choice.as_ref()),
            ),
            Edit::SetPartUnit { indicator, unit } => {
                put(17, indicator, Write::PartUnit(indicator, unit.as_ref()))
            }
            Edit::SetBase {
                base,
                territory,
                value,
            } => put2(18, base, territory, Write::Base(base, territory, *value)),
            Edit::SetComplementary(list) => put(19, "", Write::Complementary(list)),
            Edit::Acknowledge { id, comment } => put(9, id, Write::Ack(id, comment.as_ref())),
            Edit::Sign(sig) => put(10, "", Write::Sign(sig.as_ref())),
            Edit::SetVersions(v) => put(11, "", Write::Versions(v)),
            Edit::SetEvaluation(id) => put(12, "", Write::Evaluation(id)),
            Edit::SetAchieved(cells) => {
                for (k, v) in cells {
                    put(13, k, Write::Achieved(k, *v));
                }
            }
            Edit::SetTerms(cells) => {
                for (k, t) in cells {
                    put(14, k, Write::Terms(k, t.as_ref()));
                }
            }
            Edit::Justify { key, justification } => {
                put(15, key, Write::Justify(key, justification.as_ref()))
            }
            Edit::Batch(edits) => {
                for e in edits {
                    e.net_writes(last);
                }
            }
        }
    }

    /// Why this edit is refused on `conv`, in French: the commitments of a signed convention
    /// (its cells, territories, breakdowns, stock and units) change only through an avenant.
    pub fn refusal(&self, conv: &Convention) -> Option<String> {
        let signed = conv.signature.as_ref()?;
        let blocked = match self {
            Edit::SetCells(_)
            | Edit::SetConvention { .. }
            | Edit::SetTerritories { .. }
            | Edit::SetSegments(_)
            | Edit::SetSegmentation { .. }
            | Edit::SetStock { .. }
            | Edit::SetUnit { .. }
            | Edit::SetPeriodicity { .. }
            | Edit::SetPartUnit { .. }
            | Edit::SetBase { .. }
            | Edit::SetComplementary(_) => true,
            // An avenant started in the same step (the signature removed first) unlocks.
            Edit::Batch(edits) => {
                return edits
                    .iter()
                    .take_while(|e| !matches!(e, Edit::Sign(None)))
                    .find_map(|e| e.refusal(conv));
            }
            _ => false,
        };
        blocked.then(|| {
            format!(
                "La convention est signée ({}, le {}) : ses engagements ne se modifient que par un \
                 avenant (« Saisir un avenant »), qui garde la version signée.",
                signed.label,
                crate::numfmt::date_fr(&signed.date)
            )
        })
    }

    /// How many cells that held a value this edit overwrites or empties (for « 12 cases
    /// remplacées » after a paste).
    pub fn replaced_cells(&self, conv: &Convention) -> usize {
        match self {
            Edit::SetCells(cells) => cells
                .iter()
                .filter(|(k, v)| {
                    conv.values
                        .get(k)
                        .is_some_and(|old| Some(old) != v.as_ref())
                })
                .count(),
            Edit::Batch(edits) => edits.iter().map(|e| e.replaced_cells(conv)).sum(),
            _ => 0,
        }
    }
}

/// One slot of the convention as an edit leaves it (for [`Edit::is_noop_on`]).
enum Write<'a> {
    Cell(&'a str, Option<&'a Value>),
    Name(&'a str),
    Organisme(&'a Organisme),
    Convention(&'a CatalogueRef, Option<i32>, Option<u16>),
    Territories(&'a [String], &'a [String]),
    Segments(&'a [Segment]),
    Segmentation(&'a str, Option<&'a IndicatorSegmentation>),
    Stock(&'a str, Option<f64>),
    Unit(&'a str, Option<&'a String>),
    Periodicity(&'a str, Option<&'a String>),
    PartUnit(&'a str, Option<&'a String>),
    Base(&'a str, &'a str, Option<f64>),
    Complementary(&'a [Complementary]),
    Ack(&'a str, Option<&'a String>),
    Sign(Option<&'a Signature>),
    Versions(&'a [SignedVersion]),
    Evaluation(&'a str),
    Achieved(&'a str, Option<f64>),
    Terms(&'a str, Option<&'a Terms>),
    Justify(&'a str, Option<&'a Justification>),
}

fn same_number(a: Option<f64>, b: Option<f64>) -> bool {
    a.map(f64::to_bits) == b.map(f64::to_bits)
}

impl Write<'_> {
    /// Does the convention already hold this (bit for bit for numbers)?
    fn holds_in(&self, conv: &Convention) -> bool {
        match *self {
            Write::Cell(k, v) => super::values::identical(conv.values.get(k), v),
            Write::Name(n) => conv.name == n,
            Write::Organisme(o) => conv.organisme == o.clone().normalised(),
            Write::Convention(c, y, g) => {
                conv.catalogue == *c && conv.signing_year == y && conv.geo_vintage == g
            }
            Write::Territories(d, e) => conv.departements == d && conv.epci == e,
            Write::Segments(s) => conv.segments == s,
            Write::Segmentation(code, choice) => conv.segmentation.get(code) == choice,
            Write::Stock(t, d) => same_number(conv.stock.get(t).copied(), d),
            Write::Unit(i, u) => conv.units.get(i) == u,
            Write::Periodicity(i, c) => conv.periodicity.get(i) == c,
            Write::PartUnit(i, u) => conv.part_units.get(i) == u,
            Write::Base(b, t, v) => same_number(conv.base_given(b, t), v),
            Write::Complementary(list) => conv.complementary == list,
            Write::Ack(id, c) => conv.acknowledged.get(id) == c,
            Write::Sign(sig) => conv.signature.as_ref() == sig,
            Write::Versions(v) => conv.versions == v,
            Write::Evaluation(id) => conv.achievements.evaluation == id,
            Write::Achieved(k, v) => same_number(conv.achievements.values.get(k).copied(), v),
            Write::Terms(k, t) => match (conv.achievements.terms.get(k), t) {
                (Some(a), Some(b)) => {
                    same_number(a.numerator, b.numerator)
                        && same_number(a.denominator, b.denominator)
                }
                (None, None) => true,
                _ => false,
            },
            Write::Justify(k, j) => conv.achievements.justifications.get(k) == j,
        }
    }
}

/// Undo and redo stacks of one draft (kept while the page is open).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
}

/// Steps kept for undo (a step is one user action: a keystroke in a cell, a paste…).
pub const HISTORY_LIMIT: usize = 500;

impl History {
    /// Apply a user's edit: recorded for undo (unless it changes nothing, or is refused: see
    /// [`Edit::refusal`]); the redo stack is cleared.
    pub fn apply(&mut self, conv: &mut Convention, edit: Edit) -> Touched {
        if edit.is_noop_on(conv) || edit.refusal(conv).is_some() {
            return Touched::Nothing;
        }
        let a = edit.apply(conv);
        self.undo.push(a.inverse);
        if self.undo.len() > HISTORY_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        a.touched
    }

    /// Undo the last step; `None` when there is nothing to undo.
    pub fn undo(&mut self, conv: &mut Convention) -> Option<Touched> {
        let e = self.undo.pop()?;
        let a = e.apply(conv);
        self.redo.push(a.inverse);
        Some(a.touched)
    }

    /// Redo the last undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self, conv: &mut Convention) -> Option<Touched> {
        let e = self.redo.pop()?;
        let a = e.apply(conv);
        self.undo.push(a.inverse);
        Some(a.touched)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv() -> Convention {
        let mut c = Convention::default();
        c.values
            .insert("PP-1|departement:59|PLAI|c3".into(), Value::Number(5.0));
        c.values
            .insert("PP-1|departement:59|PLUS|c3".into(), Value::Number(10.0));
        c.departements = vec!["59".into()];
        c
    }

    /// Every kind of edit: (edit, what it touches). Applying then applying the inverse gives
    /// the convention back.
    fn cases() -> Vec<(Edit, Touched)> {
        let k = |s: &str| s.to_string();
        vec![
            (
                Edit::SetCells(vec![
                    (k("PP-1|departement:59|PLAI|c3"), Some(Value::Number(6.0))),
                    (k("PP-1|departement:59|PLUS|c3"), None),
                    (
                        k("PP-1|departement:59|PLS|c3"),
                        Some(Value::Text("12,5,3".into())),
                    ),
                ]),
                Touched::Cells(vec![
                    k("PP-1|departement:59|PLAI|c3"),
                    k("PP-1|departement:59|PLUS|c3"),
                    k("PP-1|departement:59|PLS|c3"),
                ]),
            ),
            (Edit::SetName("Mon brouillon".into()), Touched::Nothing),
            (
                Edit::SetOrganisme(Organisme {
                    raison_sociale: "Office".into(),
                    ..Default::default()
                }),
                Touched::Organisme,
            ),
            (
                Edit::SetConvention {
                    catalogue: CatalogueRef {
                        id: "cus2-logements-locatifs".into(),
                        version: "1".into(),
                    },
                    signing_year: Some(2024),
                    geo_vintage: Some(2026),
                },
                Touched::Structure,
            ),
            (
                Edit::SetTerritories {
                    departements: vec!["59".into(), "62".into()],
                    epci: vec!["200093201".into()],
                },
                Touched::Structure,
            ),
            (
                Edit::SetSegments(vec![Segment::default()]),
                Touched::Structure,
            ),
            (
                Edit::SetSegmentation {
                    code: "PP-1".into(),
                    choice: Some(IndicatorSegmentation::default()),
                },
                Touched::Structure,
            ),
            (
                Edit::SetStock {
                    territory: "departement:59".into(),
                    dwellings: Some(1500.0),
                },
                Touched::Structure,
            ),
            (
                Edit::SetUnit {
                    indicator: "SR-1".into(),
                    unit: Some("% du parc".into()),
                },
                Touched::Structure,
            ),
            (
                Edit::Acknowledge {
                    id: "W-X|PP-1".into(),
                    comment: Some("vérifié".into()),
                },
                Touched::Nothing,
            ),
            (
                Edit::Sign(Some(Signature {
                    date: "2019-07-01".into(),
                    label: "Convention initiale".into(),
                })),
                Touched::Evaluation,
            ),
            (
                Edit::SetVersions(vec![SignedVersion::default()]),
                Touched::Evaluation,
            ),
            (
                Edit::SetEvaluation("mi-parcours".into()),
                Touched::Evaluation,
            ),
            (
                Edit::SetAchieved(vec![
                    (k("PP-1|departement:59|PLAI|a1"), Some(4.0)),
                    (k("PP-1|departement:59|PLAI|a2"), Some(f64::NAN)),
                ]),
                Touched::Achievements(vec![
                    k("PP-1|departement:59|PLAI|a1"),
                    k("PP-1|departement:59|PLAI|a2"),
                ]),
            ),
            (
                Edit::SetTerms(vec![(
                    k("SR-2|organisme|valeur|a1"),
                    Some(Terms {
                        numerator: Some(3.0),
                        denominator: None,
                    }),
                )]),
                Touched::Achievements(vec![k("SR-2|organisme|valeur|a1")]),
            ),
            (
                Edit::Justify {
                    key: k("PP-1|departement:59|PLAI"),
                    justification: Some(Justification {
                        origin: super::super::Origin::Exterieur,
                        cause: Some("foncier".into()),
                        comment: "Pas de terrain".into(),
                    }),
                },
                Touched::Achievements(vec![k("PP-1|departement:59|PLAI")]),
            ),
            (
                Edit::Batch(vec![
                    Edit::SetName("a".into()),
                    Edit::SetCells(vec![(k("PP-1|departement:59|PLAI|c3"), None)]),
                ]),
                Touched::Cells(vec![k("PP-1|departement:59|PLAI|c3")]),
            ),
            // The organism alone, then with cells: its rules alone, then everything.
            (
                Edit::Batch(vec![
                    Edit::SetOrganisme(Organisme {
                        siren: "988041729".into(),
                        ..Default::default()
                    }),
                    Edit::SetName("b".into()),
                ]),
                Touched::Organisme,
            ),
            (
                Edit::Batch(vec![
                    Edit::SetOrganisme(Organisme {
                        siren: "988041729".into(),
                        ..Default::default()
                    }),
                    Edit::SetCells(vec![(k("PP-1|departement:59|PLAI|c3"), None)]),
                ]),
                Touched::Structure,
            ),
        ]
    }

    #[test]
    fn every_edit_is_undone_by_its_inverse() {
        for (edit, touched) in cases() {
            let start = conv();
            let mut c = start.clone();
            assert!(!edit.is_noop_on(&c), "{edit:?}");
            let a = edit.clone().apply(&mut c);
            assert_ne!(c, start, "{edit:?} changed nothing");
            assert_eq!(a.touched, touched, "{edit:?}");
            assert!(
                edit.is_noop_on(&c),
                "{edit:?} applied twice changes nothing"
            );
            a.inverse.apply(&mut c);
            assert_eq!(c, start, "inverse of {edit:?}");
        }
    }

    #[test]
    fn a_siren_typed_with_spaces_is_stored_as_its_digits() {
        // SIREN typed → stored.
        for (typed, stored) in [
            ("356 000 000", "356000000"),
            ("356\u{a0}000\u{a0}000", "356000000"),
            ("988041729", "988041729"),
            ("35 60", "3560"),
            ("3S6 000 000", "3S6 000 000"),
        ] {
            let start = conv();
            let mut c = start.clone();
            let edit = Edit::SetOrganisme(Organisme {
                siren: typed.into(),
                ..Default::default()
            });
            let a = edit.clone().apply(&mut c);
            assert_eq!(c.organisme.siren, stored, "{typed:?}");
            assert!(edit.is_noop_on(&c), "{typed:?} typed again changes nothing");
            a.inverse.apply(&mut c);
            assert_eq!(c, start);
        }
    }

    #[test]
    fn a_key_written_twice_in_one_edit_gets_its_first_value_back() {
        let start = conv();
        let mut c = start.clone();
        let key = "PP-1|departement:59|PLAI|c3".to_string();
        let a = Edit::SetCells(vec![
            (key.clone(), Some(Value::Number(1.0))),
            (key.clone(), Some(Value::Number(2.0))),
        ])
        .apply(&mut c);
        assert_eq!(c.values[&key], Value::Number(2.0));
        a.inverse.apply(&mut c);
        assert_eq!(c, start);
    }

    #[test]
    fn history_records_real_changes_and_clears_redo() {
        let mut c = conv();
        let mut h = History::default();
        let key = "PP-1|departement:59|PLAI|c3".to_string();
        // Writing what is there is not a step.
        let t = h.apply(
            &mut c,
            Edit::SetCells(vec![(key.clone(), Some(Value::Number(5.0)))]),
        );
        assert_eq!(t, Touched::Nothing);
        assert!(!h.can_undo());
        h.apply(
            &mut c,
            Edit::SetCells(vec![(key.clone(), Some(Value::Number(6.0)))]),
        );
        h.apply(
            &mut c,
            Edit::SetCells(vec![(key.clone(), Some(Value::Number(7.0)))]),
        );
        assert_eq!(h.undo(&mut c), Some(Touched::Cells(vec![key.clone()])));
        assert_eq!(c.values[&key], Value::Number(6.0));
        assert!(h.can_redo());
        h.apply(&mut c, Edit::SetName("x".into()));
        assert!(!h.can_redo(), "a new edit clears the redo stack");
        assert_eq!(h.undo(&mut c), Some(Touched::Nothing));
        assert_eq!(h.undo(&mut c), Some(Touched::Cells(vec![key.clone()])));
        assert_eq!(c.values[&key], Value::Number(5.0));
        assert_eq!(h.undo(&mut c), None);
    }

    #[test]
    fn writing_the_same_bits_is_no_step_and_any_other_bits_are_one() {
        // (value in the cell, value written, recorded as a step?)
        let nan = Value::Number(f64::NAN);
        for (old, new, step) in [
            (Some(nan.clone()), Some(nan.clone()), false),
            (Some(Value::Number(0.0)), Some(Value::Number(-0.0)), true),
            (Some(Value::Number(3.0)), Some(Value::Number(3.0)), false),
            (None, None, false),
            (Some(nan.clone()), None, true),
            (
                Some(Value::Text("3".into())),
                Some(Value::Number(3.0)),
                true,
            ),
        ] {
            let key = "PP-1|departement:59|PLAI|c3".to_string();
            let mut c = conv();
            match &old {
                Some(v) => c.values.insert(key.clone(), v.clone()),
                None => c.values.remove(&key),
            };
            let mut h = History::default();
            let touched = h.apply(&mut c, Edit::SetCells(vec![(key.clone(), new.clone())]));
            assert_eq!(h.can_undo(), step, "{old:?} → {new:?}");
            assert_eq!(touched == Touched::Nothing, !step, "{old:?} → {new:?}");
        }
        let mut c = conv();
        c.stock.insert("departement:59".into(), f64::NAN);
        let mut h = History::default();
        h.apply(
            &mut c,
            Edit::SetStock {
                territory: "departement:59".into(),
                dwellings: Some(f64::NAN),
            },
        );
        assert!(!h.can_undo());
    }

    #[test]
    fn a_signed_convention_refuses_commitment_edits_until_an_avenant() {
        let mut c = conv();
        let mut h = History::default();
        let sig = Signature {
            date: "2019-07-01".into(),
            label: "Convention initiale".into(),
        };
        h.apply(&mut c, Edit::Sign(Some(sig.clone())));
        let signed = c.clone();
        let cell = |v: f64| {
            Edit::SetCells(vec![(
                "PP-1|departement:59|PLAI|c3".into(),
                Some(Value::Number(v)),
            )])
        };
        // (edit, refused?)
        for (edit, refused) in [
            (cell(7.0), true),
            (
                Edit::SetStock {
                    territory: "departement:59".into(),
                    dwellings: Some(10.0),
                },
                true,
            ),
            (
                Edit::SetTerritories {
                    departements: vec![],
                    epci: vec![],
                },
                true,
            ),
            (
                Edit::Batch(vec![Edit::SetName("n".into()), cell(7.0)]),
                true,
            ),
            (Edit::SetName("n".into()), false),
            (
                Edit::SetAchieved(vec![("PP-1|departement:59|PLAI|a1".into(), Some(2.0))]),
                false,
            ),
            (Edit::Batch(vec![Edit::Sign(None), cell(7.0)]), false),
        ] {
            assert_eq!(edit.refusal(&signed).is_some(), refused, "{edit:?}");
        }
        let msg = cell(7.0).refusal(&signed).unwrap();
        assert!(
            msg.contains("01/07/2019") && msg.contains("avenant"),
            "{msg}"
        );
        // Refused: nothing changes, nothing recorded.
        assert_eq!(h.apply(&mut c, cell(7.0)), Touched::Nothing);
        assert_eq!(c, signed);
        // An avenant: the signed version kept, the commitments open, then signed again.
        let kept = SignedVersion {
            signature: sig,
            values: c.values.clone(),
        };
        h.apply(
            &mut c,
            Edit::Batch(vec![
                Edit::SetVersions(vec![kept.clone()]),
                Edit::Sign(None),
            ]),
        );
        h.apply(&mut c, cell(7.0));
        assert_eq!(
            c.values.get("PP-1|departement:59|PLAI|c3"),
            Some(&Value::Number(7.0))
        );
        assert_eq!(
            c.versions[0].values.get("PP-1|departement:59|PLAI|c3"),
            Some(&Value::Number(5.0))
        );
        // Undone step by step: back to the signed convention.
        h.undo(&mut c);
        h.undo(&mut c);
        assert_eq!(c, signed);
    }

    #[test]
    fn history_keeps_a_bounded_number_of_steps() {
        let mut c = Convention::default();
        let mut h = History::default();
        for i in 0..HISTORY_LIMIT + 10 {
            h.apply(&mut c, Edit::SetName(format!("n{i}")));
        }
        let mut n = 0;
        while h.undo(&mut c).is_some() {
            n += 1;
        }
        assert_eq!(n, HISTORY_LIMIT);
        assert_eq!(c.name, "n9");
    }

    #[test]
    fn replaced_cells_counts_values_overwritten_or_emptied() {
        let c = conv();
        let e = Edit::SetCells(vec![
            (
                "PP-1|departement:59|PLAI|c3".into(),
                Some(Value::Number(5.0)),
            ), // same: not replaced
            (
                "PP-1|departement:59|PLUS|c3".into(),
                Some(Value::Number(1.0)),
            ), // replaced
            (
                "PP-1|departement:59|PLS|c3".into(),
                Some(Value::Number(1.0)),
            ), // was empty
        ]);
        assert_eq!(e.replaced_cells(&c), 1);
        let e = Edit::SetCells(vec![("PP-1|departement:59|PLAI|c3".into(), None)]);
        assert_eq!(e.replaced_cells(&c), 1);
    }
}
