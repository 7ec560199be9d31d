//! What the organism chooses where the texts are silent, and the catalogue as its convention
//! applies it ([`Convention::view`]).
//!
//! The catalogue offers choices as data: the units of `unit_choices` (a count, a percentage of a
//! base, or both), the periodicities of `period_choices`, parts stated as counts or as
//! percentages of their total. The convention records the organism's choices (`units`,
//! `periodicity`, `part_units`), the stocks it gives once (`bases`) and the indicators it adds
//! (`complementary`). Every consumer (rules, grids, formats, evaluation, consolidation) reads
//! the catalogue through the view, so that each follows the choice without knowing of it.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::{Convention, TerritoryKey};
use crate::catalogue::{
    Bounds, Catalogue, Engagement, Indicator, Level, Levels, Measure, Part, PartShare, Periodicity,
    Requirement, Source, SourceRef, Splits, UnitForm, ValueKind, Wording, PARC_TOTAL,
};

/// `part_units` value of parts stated as a percentage of their total.
pub const PART_PERCENT: &str = "%";

/// Id of the part a count stated « with its percentage » gets (`valeur/pct`).
pub const PERCENT_PART: &str = "pct";

/// Engagement and source ids of the indicators the organism adds.
pub const COMPLEMENTARY_ENGAGEMENT: &str = "hors-reglement";
pub const COMPLEMENTARY_SOURCE: &str = "convention";

/// The kind of value of an indicator the organism adds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComplementaryUnit {
    /// A whole number of `unit` (« logements vendus »).
    #[default]
    Nombre,
    /// A percentage (0–100).
    Pourcentage,
    /// An amount or any other decimal figure of `unit`.
    Montant,
}

/// An indicator the organism added to its convention (« hors règlement »): its own label, unit,
/// periods and level. Checked for its values only (no rule of the decree applies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complementary {
    /// Its code, as the convention writes it (« PP-4 complémentaire »): unique, no `|`.
    pub code: String,
    pub label: String,
    #[serde(default)]
    pub kind: ComplementaryUnit,
    /// « logements », « € par logement »; for a percentage, what it is a percentage of.
    #[serde(default)]
    pub unit: String,
    pub periods: Periodicity,
    /// The territorial level it is given at (the organism by default).
    #[serde(default = "organism_level")]
    pub level: Level,
    #[serde(default, skip_serializing_if = "Measure::is_flow")]
    pub measure: Measure,
}

fn organism_level() -> Level {
    Level::Organisme
}

impl ComplementaryUnit {
    pub fn label_fr(self) -> &'static str {
        match self {
            ComplementaryUnit::Nombre => "nombre",
            ComplementaryUnit::Pourcentage => "pourcentage",
            ComplementaryUnit::Montant => "montant",
        }
    }
}

impl Complementary {
    /// What keeps this indicator from being added next to `before` (the indicators added
    /// earlier) in a convention of catalogue `cat`, in French; `None` when it can be. The one
    /// check of the rules (`E-COMPLEMENTARY-INVALID`) and of the form that adds one.
    pub fn problem_fr(&self, cat: &Catalogue, before: &[Complementary]) -> Option<String> {
        let code = self.code.trim();
        if code.is_empty() || self.label.trim().is_empty() {
            Some("un code et un libellé sont nécessaires".to_string())
        } else if code.contains('|') || code.contains('/') {
            Some("son code ne peut contenir ni « | » ni « / »".to_string())
        } else if before.iter().any(|x| x.code.trim() == code) {
            Some("ce code est déjà celui d'un autre indicateur complémentaire".to_string())
        } else if let Some(ind) = cat.indicator(code).filter(|i| !i.hors_reglement) {
            Some(format!(
                "ce code est celui d'un indicateur du décret ({}) : donnez-lui un autre code \
                 (« {code} complémentaire »)",
                cat.citation(ind)
            ))
        } else if !self.periods.yearly && self.periods.cumulative.is_empty() {
            Some("choisissez ses échéances (par année, à 3 et 6 ans…)".to_string())
        } else {
            None
        }
    }

    /// « nombre », « pourcentage », « montant ».
    pub fn kind_fr(&self) -> &'static str {
        self.kind.label_fr()
    }

    /// The indicator it is, as the view lists it after the decree's.
    pub fn indicator(&self) -> Indicator {
        let value = match self.kind {
            ComplementaryUnit::Nombre => ValueKind::Nombre {
                unit: self.unit.clone(),
            },
            ComplementaryUnit::Montant => ValueKind::Montant {
                unit: self.unit.clone(),
            },
            ComplementaryUnit::Pourcentage => ValueKind::Pourcentage {
                numerator: self.label.clone(),
                denominator: self.unit.clone(),
            },
        };
        Indicator {
            code: self.code.clone(),
            short_label: self.label.clone(),
            label: self.label.clone(),
            wording: Wording::Verbatim,
            wording_note: None,
            engagement: COMPLEMENTARY_ENGAGEMENT.to_string(),
            source: SourceRef {
                source: COMPLEMENTARY_SOURCE.to_string(),
                article: "indicateur complémentaire".to_string(),
                detail: None,
            },
            definition: format!(
                "Indicateur ajouté par l'organisme à sa convention (hors règlement) : {}.",
                self.label
            ),
            value,
            bounds: None,
            max_chars: None,
            periods: self.periods.clone(),
            levels: Levels {
                allowed: vec![self.level],
                prefect_request: Vec::new(),
            },
            splits: Splits::default(),
            requirement: Requirement::Facultatif,
            measure: self.measure,
            unit_choices: Vec::new(),
            period_choices: Vec::new(),
            base: None,
            hors_reglement: true,
        }
    }
}

impl Convention {
    /// Does any choice of the convention change how the catalogue reads?
    fn chooses(&self) -> bool {
        !self.units.is_empty()
            || !self.periodicity.is_empty()
            || !self.part_units.is_empty()
            || !self.complementary.is_empty()
    }

    /// The catalogue as this convention applies it: the units, periodicities and part units
    /// chosen, and the indicators the organism added. Borrowed when nothing is chosen; the same
    /// view when applied twice.
    pub fn view<'a>(&self, cat: &'a Catalogue) -> Cow<'a, Catalogue> {
        if !self.chooses() {
            return Cow::Borrowed(cat);
        }
        let mut c = cat.clone();
        for ind in &mut c.indicators {
            self.apply_choices(ind);
        }
        if !self.complementary.is_empty() {
            if c.engagement(COMPLEMENTARY_ENGAGEMENT).is_none() {
                c.engagements.push(Engagement {
                    id: COMPLEMENTARY_ENGAGEMENT.to_string(),
                    area: "Indicateurs complémentaires".to_string(),
                    label: "Indicateurs ajoutés par l'organisme (hors règlement)".to_string(),
                    wording: Wording::Verbatim,
                    wording_note: None,
                });
            }
            if c.source(COMPLEMENTARY_SOURCE).is_none() {
                c.sources.push(Source {
                    id: COMPLEMENTARY_SOURCE.to_string(),
                    title: "Convention d'utilité sociale de l'organisme".to_string(),
                    version: "indicateur ajouté par l'organisme, hors règlement".to_string(),
                    url: None,
                    short_title: Some("Convention".to_string()),
                });
            }
            for x in &self.complementary {
                if c.indicator(&x.code).is_none() {
                    c.indicators.push(x.indicator());
                }
            }
        }
        Cow::Owned(c)
    }

    /// One indicator of `cat` as the convention's choices make it (borrowed when it has none),
    /// for a reader of many conventions that needs one indicator of each (the consolidation).
    pub fn indicator_view<'c>(&self, ind: &'c Indicator) -> Cow<'c, Indicator> {
        let code = ind.code.as_str();
        if !(self.units.contains_key(code)
            || self.periodicity.contains_key(code)
            || self.part_units.contains_key(code))
        {
            return Cow::Borrowed(ind);
        }
        let mut own = ind.clone();
        self.apply_choices(&mut own);
        Cow::Owned(own)
    }

    /// One indicator as the convention's choices make it.
    fn apply_choices(&self, ind: &mut Indicator) {
        if let Some(id) = self.periodicity.get(&ind.code) {
            if let Some(choice) = ind.period_choices.iter().find(|c| &c.id == id) {
                ind.periods = choice.periods.clone();
            }
        }
        if let Some(unit) = self
            .units
            .get(&ind.code)
            .filter(|u| ind.unit_choices.contains(u))
        {
            match UnitForm::of(unit) {
                UnitForm::Nombre(u) => {
                    if !matches!(&ind.value, ValueKind::Nombre { unit } if *unit == u) {
                        ind.value = ValueKind::Nombre { unit: u };
                        ind.bounds = None;
                    }
                }
                UnitForm::Pourcentage(u) => {
                    // A share of the stock stated instead of a count (PP-4, SR-1 « % du parc »):
                    // a figure from 0 to 100 in that unit, read as the organism states it (its
                    // achievements too: a value per year, as files of earlier versions hold).
                    if matches!(ind.value, ValueKind::Nombre { .. }) {
                        ind.value = ValueKind::Nombre { unit: u };
                        ind.bounds = Some(Bounds {
                            min: Some(0.0),
                            max: Some(100.0),
                            integer: false,
                        });
                    }
                }
                UnitForm::NombreEtPourcentage(count, pct) => {
                    if !matches!(&ind.value, ValueKind::Nombre { unit } if *unit == count) {
                        ind.value = ValueKind::Nombre { unit: count };
                        ind.bounds = None;
                    }
                    if !ind.splits.parts.iter().any(|p| p.id == PERCENT_PART) {
                        ind.splits.parts.push(Part {
                            id: PERCENT_PART.to_string(),
                            label: format!("en {pct}"),
                            share: PartShare::PourcentageDeLaBase,
                        });
                    }
                }
            }
        }
        if self.part_units.get(&ind.code).map(String::as_str) == Some(PART_PERCENT) {
            for p in &mut ind.splits.parts {
                if p.share == PartShare::Nombre {
                    p.share = PartShare::PourcentageDuTotal;
                }
            }
        }
    }

    /// The stock `base` of one territory, as given: the dwellings owned (`stock`) for
    /// `parc-total`, else `bases`.
    pub fn base_given(&self, base: &str, territory: &str) -> Option<f64> {
        if base == PARC_TOTAL {
            self.stock.get(territory).copied()
        } else {
            self.bases.get(base)?.get(territory).copied()
        }
    }

    /// The stock `base` of one territory: as given, else (for the whole organism) the sum of
    /// every département's when each is given (a stock at one date adds up).
    pub fn base_at(&self, base: &str, territory: &TerritoryKey) -> Option<f64> {
        if let Some(v) = self.base_given(base, &territory.to_string()) {
            return Some(v);
        }
        match territory {
            TerritoryKey::Organisme if !self.departements.is_empty() => self
                .departements
                .iter()
                .map(|d| self.base_given(base, &TerritoryKey::Departement(d.clone()).to_string()))
                .sum(),
            _ => None,
        }
    }

    /// Every base the convention's indicators use, in catalogue order, without repeats.
    pub fn bases_used<'c>(&self, cat: &'c Catalogue) -> Vec<&'c str> {
        let mut out: Vec<&str> = Vec::new();
        for ind in cat.indicators.iter().filter(|i| self.uses(i)) {
            if let Some(b) = ind.base.as_deref() {
                if !out.contains(&b) {
                    out.push(b);
                }
            }
        }
        out
    }
}

/// The label of a base (« parc total de logements » for the dwellings owned).
pub fn base_label(cat: &Catalogue, base: &str) -> String {
    match cat.base(base) {
        Some(b) => b.label.clone(),
        None if base == PARC_TOTAL => "Parc total de logements".to_string(),
        None => base.to_string(),
    }
}
