//! The convention being filled: the organism's territories, its segments (1st generation), the
//! territorial level chosen per indicator, and from these the exact list of cells to fill.

mod achievements;
mod choices;
pub mod edit;
pub mod key;
mod paste;
mod rules;
mod semantics;
mod shape;
mod territory;
mod values;

pub use achievements::{
    is_date, is_row_justification_key, AchievedMap, Achievements, Justification, Origin, Signature,
    SignedVersion, Terms,
};
pub use choices::{
    base_label, Complementary, ComplementaryUnit, COMPLEMENTARY_ENGAGEMENT, PART_PERCENT,
    PERCENT_PART,
};
pub use edit::{Edit, History, Touched};
pub use key::cell_key;
pub use paste::{is_pasted_block, parse_pasted_block, Paste, PastedBlock};
pub use rules::check_segmentation;
pub use semantics::{
    entry_value_at, is_additive, is_percentage_value, is_required, label_year, part_share,
    part_share_of_cell, part_share_of_key, text_too_long, valid_number, valid_number_at,
    value_problem, value_problem_at,
};
pub use shape::GridShape;
pub use territory::TerritoryKey;
pub use values::{
    cell_error, check_number, entry_value, parse_period_key, period_key, typed_value, yes_no_fr,
    Value,
};

use crate::organisme::Organisme;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, Indicator, Level, Period, Requirement};
use crate::geo::Referential;

/// The values of a convention by canonical cell key: a persistent ordered map (`imbl::OrdMap`),
/// cloned in O(1), so that a typed edit costs what it changes.
pub type Values = imbl::OrdMap<String, Value>;

/// Which catalogue (and version) a convention was filled against.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueRef {
    pub id: String,
    pub version: String,
}

/// A *segment de patrimoine* (1st generation, CCH art. R. 445-2-1 in its 2009 wording).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Stable identifier chosen by the organism (`S1`).
    pub id: String,
    pub name: String,
    /// Département code the segment lies in.
    pub departement: String,
    /// The segment lies in a ZUS.
    #[serde(default)]
    pub zus: bool,
    /// Category of classification of its buildings, when the organism gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
}

/// The territorial breakdown chosen for one indicator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSegmentation {
    /// Levels used, coarsest first (`[departement, epci]` when the prefect asks for EPCI detail,
    /// `[organisme, departement]` when he asks for the départements of a commitment fixed for
    /// the organism). Empty (or absent from a file): the catalogue's default level.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Rows, when they differ from "every declared territory of those levels" (imported files,
    /// rows removed by the user). `None` means derived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<TerritoryKey>>,
}

/// What the organism declares about where it works and how each indicator is broken down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convention {
    /// Name of the draft, as shown in the list of drafts.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default)]
    pub organisme: Organisme,
    #[serde(default)]
    pub catalogue: CatalogueRef,
    /// Year of signature (first calendar year of the commitments, arrêté du 19 octobre 2017, art. 6-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_year: Option<i32>,
    /// Vintage of the territorial referential used (`2026`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_vintage: Option<u16>,
    /// Départements where the organism owns dwellings.
    #[serde(default)]
    pub departements: Vec<String>,
    /// EPCI / EPT (SIREN) declared for a finer breakdown.
    #[serde(default)]
    pub epci: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub segments: Vec<Segment>,
    /// Choices per indicator code; an indicator absent here uses its default level, and an
    /// optional one ("à la demande du préfet", "facultatif") is then not filled.
    #[serde(default)]
    pub segmentation: BTreeMap<String, IndicatorSegmentation>,
    /// Values typed, by canonical cell key (see [`Cell::key`]); an absent key is an empty cell.
    #[serde(default, skip_serializing_if = "Values::is_empty")]
    pub values: Values,
    /// Dwellings owned per territory key (`departement:59`, `epci:200093201`, `organisme`),
    /// optional; used by the plausibility rules and the ratio to the stock.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stock: BTreeMap<String, f64>,
    /// Warnings the user acknowledged, by [`crate::diagnostic::Diagnostic::id`], with the
    /// user's comment (possibly empty). A warning must be acknowledged before the final export.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub acknowledged: BTreeMap<String, String>,
    /// The unit chosen per indicator code, for indicators whose text leaves it open
    /// (`Indicator::unit_choices`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub units: BTreeMap<String, String>,
    /// The periodicity chosen per indicator code, for indicators whose text leaves it open
    /// (`Indicator::period_choices`, by id).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub periodicity: BTreeMap<String, String>,
    /// How the « dont » parts of an indicator are stated, per indicator code: `%` for a
    /// percentage of their total; absent, a count.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub part_units: BTreeMap<String, String>,
    /// The stocks given once, at 31 December of the year before signing: base id
    /// (`Catalogue::bases`) → territory key → value. The dwellings owned are `stock`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bases: BTreeMap<String, BTreeMap<String, f64>>,
    /// Indicators the organism added to its convention (« hors règlement »).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub complementary: Vec<Complementary>,
    /// Set when the commitments are signed: they are then read-only, changed only by an avenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// The versions of the commitments replaced by avenants, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<SignedVersion>,
    /// What was achieved, for the evaluation being prepared.
    #[serde(default, skip_serializing_if = "Achievements::is_empty")]
    pub achievements: Achievements,
}

/// One split of a value inside a territory and period: a member of each breakdown (`None` is the
/// total) and a part (`None` is the value itself, `Some("hors-qpv")` its "dont" part).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SplitKey {
    pub members: Vec<Option<String>>,
    pub part: Option<String>,
}

impl SplitKey {
    /// French label ("PLAI — dont hors QPV", "Total").
    pub fn label_fr(&self, ind: &Indicator) -> String {
        let mut parts: Vec<String> = self
            .members
            .iter()
            .map(|m| m.clone().unwrap_or_else(|| "Total".to_string()))
            .collect();
        if parts.is_empty() {
            parts.push("Valeur".to_string());
        }
        if let Some(p) = &self.part {
            let label = ind
                .splits
                .parts
                .iter()
                .find(|x| &x.id == p)
                .map(|x| match x.share {
                    // A part stated as a percentage of its total says so (« dont hors QPV (% du total) »).
                    crate::catalogue::PartShare::PourcentageDuTotal => {
                        format!("{} (% du total)", x.label)
                    }
                    _ => x.label.clone(),
                })
                .unwrap_or_else(|| p.clone());
            parts.push(label);
        }
        parts.join(" — ")
    }
}

/// One value to fill: (indicator, row, split, period).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cell {
    pub indicator: String,
    pub territory: TerritoryKey,
    pub split: SplitKey,
    pub period: Period,
}

/// The splits of an indicator, totals first: every combination of breakdown members (with the
/// total of each breakdown), each followed by its parts.
pub fn splits(ind: &Indicator) -> Vec<SplitKey> {
    let mut combos: Vec<Vec<Option<String>>> = vec![Vec::new()];
    for b in &ind.splits.breakdowns {
        let mut next = Vec::new();
        for c in &combos {
            for m in std::iter::once(None).chain(b.members.iter().map(|m| Some(m.code.clone()))) {
                let mut c2 = c.clone();
                c2.push(m);
                next.push(c2);
            }
        }
        combos = next;
    }
    let mut out = Vec::new();
    for members in combos {
        out.push(SplitKey {
            members: members.clone(),
            part: None,
        });
        for p in &ind.splits.parts {
            out.push(SplitKey {
                members: members.clone(),
                part: Some(p.id.clone()),
            });
        }
    }
    out
}

impl Convention {
    /// The territorial referential of the convention: its vintage, else the one matching its
    /// signing year, else the latest embedded.
    pub fn referential(&self) -> Option<&'static Referential> {
        let year = self
            .geo_vintage
            .or_else(|| self.signing_year.map(crate::geo::vintage_for_signing_year))
            .or_else(|| crate::geo::vintages().last().copied())?;
        crate::geo::referential(year)
    }

    /// Is the indicator filled in this convention? Mandatory ones always; others once chosen.
    /// The unit of an indicator in this convention: the one chosen when the text leaves it open,
    /// else the catalogue's.
    pub fn unit_fr(&self, ind: &Indicator) -> String {
        match self.units.get(&ind.code) {
            Some(u) if ind.unit_choices.contains(u) => u.clone(),
            _ => ind.value.unit_fr(),
        }
    }

    pub fn uses(&self, ind: &Indicator) -> bool {
        ind.requirement == Requirement::Obligatoire
            || ind.hors_reglement
            || self.segmentation.contains_key(&ind.code)
    }

    /// Levels used for an indicator: the choice, else the catalogue's default (first allowed).
    pub fn levels(&self, ind: &Indicator) -> Vec<Level> {
        match self.segmentation.get(&ind.code) {
            Some(s) if !s.levels.is_empty() => s.levels.clone(),
            _ => ind.levels.allowed.first().copied().into_iter().collect(),
        }
    }

    /// Records, for every indicator whose levels are implicit (a segmentation entry with no
    /// levels: the catalogue's default), the levels its stored values sit at when they are not
    /// that default, so that a convention saved when the catalogue had another default keeps its
    /// rows and its values. PP-5 and PS-3 (CCH art. R. 445-5-1) were entered by département
    /// before the catalogue fixed them for the organism, the département detail being due at the
    /// prefect's request: such a file keeps its département rows. Values of commitments, of
    /// replaced versions and of achievements are looked at; only levels the catalogue allows
    /// for the indicator (of right or at the prefect's request) are recorded, coarsest first.
    /// A mandatory indicator absent from the segmentation keeps its default (its values at
    /// another level are left from a segmentation the user changed). Idempotent; returns the
    /// codes whose levels were recorded. Called once on every convention read from a file
    /// (`cus_formats::import`).
    pub fn record_levels_of_values(&mut self, cat: &Catalogue) -> Vec<String> {
        let mut recorded = Vec::new();
        for ind in &cat.indicators {
            let implicit = self
                .segmentation
                .get(&ind.code)
                .is_some_and(|s| s.levels.is_empty());
            if !implicit {
                continue;
            }
            let default: Vec<Level> = ind.levels.allowed.first().copied().into_iter().collect();
            let offered = |l: &Level| {
                ind.levels.allowed.contains(l) || ind.levels.prefect_request.contains(l)
            };
            let mut found: Vec<Level> = self
                .stored_keys()
                .filter_map(|k| {
                    // `indicator|territory|…`: the territory of the indicator's keys.
                    let (code, rest) = k.split_once('|')?;
                    if code != ind.code {
                        return None;
                    }
                    rest.split('|').next()?.parse::<TerritoryKey>().ok()
                })
                .map(|t| t.level())
                .filter(offered)
                .collect();
            found.sort();
            found.dedup();
            if found.is_empty() || found == default {
                continue;
            }
            if let Some(s) = self.segmentation.get_mut(&ind.code) {
                s.levels = found;
                recorded.push(ind.code.clone());
            }
        }
        recorded
    }

    /// Every cell key stored: commitments, replaced versions, achievements.
    fn stored_keys(&self) -> impl Iterator<Item = &String> {
        self.values
            .keys()
            .chain(self.versions.iter().flat_map(|v| v.values.keys()))
            .chain(self.achievements.values.keys())
            .chain(self.achievements.terms.keys())
    }

    /// Rows of an indicator's grid: explicit rows, else every declared territory of each level.
    pub fn rows(&self, ind: &Indicator, geo: Option<&Referential>) -> Vec<TerritoryKey> {
        if let Some(rows) = self
            .segmentation
            .get(&ind.code)
            .and_then(|s| s.rows.clone())
        {
            return rows;
        }
        let mut out = Vec::new();
        for level in self.levels(ind) {
            match level {
                Level::Organisme => out.push(TerritoryKey::Organisme),
                Level::Departement => out.extend(
                    self.departements
                        .iter()
                        .map(|d| TerritoryKey::Departement(d.clone())),
                ),
                Level::Epci => out.extend(self.epci.iter().map(|e| TerritoryKey::Epci(e.clone()))),
                Level::Segment => out.extend(
                    self.segments
                        .iter()
                        .map(|s| TerritoryKey::Segment(s.id.clone())),
                ),
                Level::Region => {
                    let mut regions: Vec<String> = self
                        .departements
                        .iter()
                        .filter_map(|d| {
                            geo.and_then(|g| g.departement(d)).map(|d| d.region.clone())
                        })
                        .collect();
                    regions.sort();
                    regions.dedup();
                    out.extend(regions.into_iter().map(TerritoryKey::Region));
                }
            }
        }
        out
    }

    /// The rows of an indicator at one level, in grid order, without duplicates.
    pub fn rows_at_level(
        &self,
        ind: &Indicator,
        geo: Option<&Referential>,
        level: Level,
    ) -> Vec<TerritoryKey> {
        let mut seen = std::collections::HashSet::new();
        self.rows(ind, geo)
            .into_iter()
            .filter(|r| r.level() == level && seen.insert(r.clone()))
            .collect()
    }

    /// Every cell to fill, in catalogue order, then row, split and period order.
    pub fn cells(&self, cat: &Catalogue, geo: Option<&Referential>) -> Vec<Cell> {
        let mut out = Vec::new();
        for ind in cat.indicators.iter().filter(|i| self.uses(i)) {
            let splits = splits(ind);
            let periods = ind.periods.periods();
            for row in self.rows(ind, geo) {
                for split in &splits {
                    for &period in &periods {
                        out.push(Cell {
                            indicator: ind.code.clone(),
                            territory: row.clone(),
                            split: split.clone(),
                            period,
                        });
                    }
                }
            }
        }
        out
    }

    /// French label of a row ("59 — Nord", "Métropole Européenne de Lille", "Organisme").
    pub fn territory_label(&self, key: &TerritoryKey, geo: Option<&Referential>) -> String {
        match key {
            TerritoryKey::Organisme => "Ensemble de l'organisme".to_string(),
            TerritoryKey::Departement(c) => geo
                .and_then(|g| g.departement(c))
                .map(|d| format!("{} — {}", d.code, d.nom))
                .unwrap_or_else(|| format!("Département {c}")),
            TerritoryKey::Epci(c) => geo
                .and_then(|g| g.epci(c))
                .map(|e| e.nom.clone())
                .unwrap_or_else(|| format!("EPCI {c}")),
            TerritoryKey::Region(c) => format!("Région {c}"),
            TerritoryKey::Segment(id) => self
                .segments
                .iter()
                .find(|s| &s.id == id)
                .map(|s| format!("Segment {} — {}", s.id, s.name))
                .unwrap_or_else(|| format!("Segment {id}")),
        }
    }
}

/// One choice of territorial breakdown offered for an indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelOption {
    pub levels: Vec<Level>,
    /// True when the option includes a level due only at the prefect's request.
    pub prefect_request: bool,
}

impl LevelOption {
    /// French label ("département + détail EPCI / EPT (à la demande du préfet)").
    pub fn label_fr(&self) -> String {
        let names: Vec<&str> = self.levels.iter().map(|l| l.label_fr()).collect();
        let mut s = names.join(" + détail ");
        if self.prefect_request {
            s.push_str(" (à la demande du préfet)");
        }
        s
    }
}

/// The breakdowns the catalogue allows for an indicator: each allowed level alone, then each
/// allowed level with the finer levels the prefect may ask for. When he may ask for several
/// (the départements and the collectivities he identifies, CCH art. R. 445-5-1), every
/// combination is offered, in catalogue order: organism + département, organism + département
/// + EPCI, organism + EPCI.
pub fn level_options(ind: &Indicator) -> Vec<LevelOption> {
    let mut out: Vec<LevelOption> = ind
        .levels
        .allowed
        .iter()
        .map(|&l| LevelOption {
            levels: vec![l],
            prefect_request: false,
        })
        .collect();
    let finer = &ind.levels.prefect_request;
    // Non-empty subsets of the finer levels, as lists of positions, in lexicographic order.
    let mut subsets: Vec<Vec<usize>> = (1..1u32 << finer.len().min(8))
        .map(|mask| (0..finer.len()).filter(|i| mask & (1 << i) != 0).collect())
        .collect();
    subsets.sort();
    for &l in &ind.levels.allowed {
        for subset in &subsets {
            let mut levels = vec![l];
            levels.extend(subset.iter().map(|&i| finer[i]));
            out.push(LevelOption {
                levels,
                prefect_request: true,
            });
        }
    }
    out
}
