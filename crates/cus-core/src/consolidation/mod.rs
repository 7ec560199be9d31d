//! « Simuler sur mon territoire »: many organisms' conventions consolidated on one territory
//! (a région, a département, an EPCI / EPT), honest about granularity.
//!
//! Two steps, so that a scenario edit costs only the arithmetic:
//! 1. [`extract`] reads, for each indicator shared by the files of one generation and CUS kind,
//!    what each organism committed **at the territory's own level** (its rows of that level, or
//!    the finer rows that add up to it), or, when it committed only at a coarser level (a
//!    département figure for an EPCI), its coarser figures, kept apart as « non ventilé ».
//!    Nothing is ever pro-rated silently.
//! 2. [`consolidate`] applies a scenario and the split keys the user entered, adds up what can
//!    be added (counts), gives minimum, median and maximum for what cannot (percentages,
//!    amounts, durations), compares with the objectives and explains every number.
//!
//! Rules (each one is said to the user, see [`RULES_FR`]): values at the territory's level are
//! summed; the EPCI rows of a convention are detail inside its départements and are not added
//! again; a région sums the départements it contains; first- and second-generation files, and
//! different CUS kinds, are never mixed in one total; files on different catalogue versions are
//! compared on the indicators whose definition (value, splits, periods) they share, the others are
//! left out with the reason; an empty cell is not a zero (the totals count them).

mod compilation;
mod edit;
mod previous;
mod review;
pub mod store;
pub mod synthesis;
mod totals;
mod workspace;

pub use compilation::{
    compile, Compilation, Distribution, EpciSubTerritory, LevelUse, OrganismSubTerritories,
    SubTerritory,
};
pub use edit::{WsEdit, WsTouched};
pub use previous::{parse_previous, PreviousFigure};
pub use review::{
    cause_label, justification_fr, review, IndicatorReview, MissedCount, OrganismReview, RateRange,
    Review, ReviewGroup, ReviewLine, ReviewTotal, REVIEW_RULES_FR,
};
pub use totals::{
    consolidate, parse_objectives, paste_objectives, Change, Comparison, Consolidated,
    ConsolidatedTable, Objective, ObjectivePaste, Row, Scenario, Stats, TableShare, Total,
    YearLine, SHARE_SPLIT,
};
pub use workspace::{duplicates, Workspace, WorkspaceFile, WORKSPACE_FORMAT, WORKSPACE_FORMAT_1};

use std::collections::HashMap;
use std::ops::Bound;

use crate::catalogue::{
    Catalogue, CusKind, Generation, Indicator, Level, Measure, Period, CONVENTION_YEARS,
};
use crate::convention::{is_additive, splits, Convention, SplitKey, TerritoryKey};
use crate::geo::Referential;

/// The rules of a consolidation, in the words shown to the user.
pub const RULES_FR: &[&str] = &[
    "Les valeurs saisies à la maille du territoire étudié sont additionnées ; pour un département, les lignes EPCI d'une convention sont un détail de ses lignes départementales et ne sont pas ajoutées une seconde fois ; pour une région, les départements de la région sont additionnés.",
    "Un organisme qui ne s'est engagé qu'à une maille plus large que le territoire (le département pour un EPCI, l'organisme entier) n'est jamais réparti en silence : ses chiffres sont montrés à part, « non ventilé à cette maille », avec le total de la maille plus large. Une clé de répartition saisie par l'utilisateur en fait une estimation, signalée comme telle partout.",
    "Les pourcentages, montants et durées ne sont ni additionnés ni moyennés : ils sont montrés par organisme, avec le minimum, la médiane et le maximum ; un pourcentage consolidé n'est calculé qu'à partir de nombres additionnés (la part des PLAI à partir des logements PLAI et PLUS).",
    "Les fichiers de première et de deuxième génération, et ceux de natures de CUS différentes, ne sont jamais additionnés ensemble. Des fichiers suivant des versions différentes d'un catalogue sont comparés sur les indicateurs qu'ils partagent à l'identique ; les autres sont écartés, avec la raison.",
    "Une cellule vide n'est pas un zéro : chaque total dit combien d'organismes ont laissé la cellule vide.",
];

/// One organism's file in the consolidation.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// Stable identifier of the file in the workspace.
    pub id: &'a str,
    pub conv: &'a Convention,
    pub cat: &'a Catalogue,
}

impl Source<'_> {
    /// The organism's name, else the draft's name, else the file id.
    pub fn label(&self) -> String {
        organism_label(self.conv, self.id)
    }
}

/// The organism's name of a convention, else its name, else `fallback`.
pub fn organism_label(conv: &Convention, fallback: &str) -> String {
    let name = conv.organisme.raison_sociale.trim();
    if !name.is_empty() {
        name.to_string()
    } else if !conv.name.trim().is_empty() {
        conv.name.trim().to_string()
    } else {
        fallback.to_string()
    }
}

/// French label of a territory of study (« 59 — Nord », « Métropole Européenne de Lille »,
/// « Région 32 »).
pub fn territory_label(t: &TerritoryKey, geo: &Referential) -> String {
    match t {
        TerritoryKey::Departement(d) => geo
            .departement_label(d)
            .unwrap_or_else(|| format!("Département {d}")),
        TerritoryKey::Epci(s) => geo.epci_label(s).unwrap_or_else(|| format!("EPCI {s}")),
        TerritoryKey::Region(r) => crate::geo::region_name(r)
            .map(|n| format!("{n} (région {r})"))
            .unwrap_or_else(|| format!("Région {r}")),
        TerritoryKey::Organisme => "Organisme".to_string(),
        TerritoryKey::Segment(s) => format!("Segment {s}"),
    }
}

/// How an organism's figures relate to the territory of study.
#[derive(Clone, Debug, PartialEq)]
pub enum Basis {
    /// Committed at the territory's level: the rows read (one row, or finer rows adding up to it).
    Exact(Vec<TerritoryKey>),
    /// Committed only at a coarser level: the coarser rows whose figures are shown apart.
    Coarser(Vec<TerritoryKey>),
}

impl Basis {
    pub fn rows(&self) -> &[TerritoryKey] {
        match self {
            Basis::Exact(r) | Basis::Coarser(r) => r,
        }
    }

    /// « 59 », « EPCI 200093201 + 200041762 », « organisme entier ».
    pub fn describe_fr(&self, geo: &Referential) -> String {
        self.rows()
            .iter()
            .map(|r| match r {
                TerritoryKey::Organisme => "organisme entier".to_string(),
                other => territory_label(other, geo),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// One column of a consolidated table: a period and a split, period-major as the grids.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The period, aligned on the calendar.
    pub aligned: Aligned,
    pub split: SplitKey,
    /// `split|period`: the split of the cell keys and the aligned period (`PLAI/hors-qpv|2019-2021`,
    /// `total|2022`).
    pub key: String,
    pub label_fr: String,
}

/// What one organism committed for one indicator, read at the territory.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseRow {
    /// Index of the source in the input.
    pub source: usize,
    pub basis: Basis,
    /// Per column: the value (summed over the rows of the basis), `None` when empty.
    pub values: Vec<Option<f64>>,
    /// Per column: a cell holds something that is not a valid value (not counted).
    pub invalid: Vec<bool>,
    /// Per column: the column is a period of this convention (a CUS signed in 2021 has no 2019
    /// and no « Cumul 2019–2021 »: not an empty cell, not its column).
    pub applicable: Vec<bool>,
    /// The convention's first year (`None`: unknown).
    pub first_year: Option<i32>,
    /// For a région or a département: the values per sub-territory (départements of the région
    /// and the EPCI rows inside it; EPCI detail inside the département), for the compilation.
    pub detail: Vec<(TerritoryKey, Vec<Option<f64>>)>,
    /// The levels the organism used for this indicator (« département + EPCI / EPT »).
    pub levels: Vec<Level>,
}

/// One indicator of a group, read from every file of the group.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub code: String,
    pub label: String,
    pub unit_fr: String,
    /// Counts that add up; otherwise per-organism values with their statistics.
    pub additive: bool,
    pub columns: Vec<Column>,
    pub rows: Vec<BaseRow>,
    /// Sources of the group that did not retain this (optional) indicator.
    pub not_retained: Vec<usize>,
    /// Why the columns are calendar years and separate windows, when the conventions were
    /// signed in different years (French).
    pub calendar_note_fr: Option<String>,
    /// Files of the group with a figure on the territory that define this indicator otherwise.
    pub set_apart: Vec<SetApart>,
}

/// A file of a group not consolidated on one indicator, because its catalogue defines it
/// otherwise than the other files (the 2017 wording of PP-2, say), or not at all.
#[derive(Clone, Debug, PartialEq)]
pub struct SetApart {
    /// Index of the source in the input.
    pub source: usize,
    /// « les périodes diffèrent dans la version 2017.0 de son catalogue ».
    pub reason_fr: String,
}

/// An indicator left out of a group, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct LeftOut {
    pub code: String,
    pub label: String,
    pub reason_fr: String,
}

/// The files of one generation and CUS kind, never mixed with others.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub generation: Generation,
    pub kind: CusKind,
    /// (catalogue id, version, number of files).
    pub catalogues: Vec<(String, String, usize)>,
    /// Indexes of the sources in the group.
    pub sources: Vec<usize>,
    /// Sources with no figure anywhere on the territory.
    pub absent: Vec<usize>,
    pub tables: Vec<Table>,
    pub left_out: Vec<LeftOut>,
}

impl Group {
    pub fn label_fr(&self) -> String {
        format!("{} — {}", self.generation.label_fr(), self.kind.label_fr())
    }
}

/// What the files say about the territory, before any scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Extract {
    pub territory: TerritoryKey,
    pub territory_label: String,
    pub groups: Vec<Group>,
}

/// The territory's level must be a région, a département or an EPCI / EPT.
pub fn check_territory(t: &TerritoryKey, geo: &Referential) -> Result<(), String> {
    match t {
        TerritoryKey::Region(r) => {
            if geo.departements.iter().any(|d| &d.region == r) {
                Ok(())
            } else {
                Err(format!(
                    "La région « {r} » n'a aucun département dans le référentiel {}.",
                    geo.vintage.year
                ))
            }
        }
        TerritoryKey::Departement(d) => geo.departement(d).map(|_| ()).ok_or_else(|| {
            format!(
                "Le département « {d} » n'est pas dans le référentiel {}.",
                geo.vintage.year
            )
        }),
        TerritoryKey::Epci(s) => geo.epci(s).map(|_| ()).ok_or_else(|| {
            format!(
                "L'EPCI « {s} » n'est pas dans le référentiel {}.",
                geo.vintage.year
            )
        }),
        _ => {
            Err("Le territoire étudié est une région, un département ou un EPCI / EPT.".to_string())
        }
    }
}

/// A period of the consolidation, aligned on the calendar: conventions signed in 2019, 2020 and
/// 2021 are read side by side by calendar year, never by « year 1 ». Year `n` of a CUS whose
/// first year is `y` is the calendar year `y + n − 1`; its cumulative at `n` years is the window
/// `y … y + n − 1` (a flow), or the level at the end of `y + n − 1` (a level, `measure =
/// "niveau"`: a level is never added over years, so it is compared with the levels of the same
/// date).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Aligned {
    /// The reference figure (the years before signing, each convention its own).
    Reference,
    /// One calendar year.
    Year(i32),
    /// A cumulative over the calendar years `first ..= last`.
    Window(i32, i32),
    /// A level at the end of a calendar year.
    End(i32),
    /// A period of a convention whose signing year is unknown: it cannot be placed in the
    /// calendar, so it is shown apart.
    Undated(Period),
}

impl Aligned {
    /// The aligned period of `p` in a convention whose first year is `first_year`.
    pub fn of(ind: &Indicator, p: Period, first_year: Option<i32>) -> Aligned {
        let Some(y) = first_year else {
            return Aligned::Undated(p);
        };
        match p {
            Period::Reference => Aligned::Reference,
            Period::Year(n) => Aligned::Year(y + i32::from(n) - 1),
            Period::Cumulative(n) if ind.measure == Measure::Niveau => {
                Aligned::End(y + i32::from(n) - 1)
            }
            Period::Cumulative(n) => Aligned::Window(y, y + i32::from(n) - 1),
        }
    }

    /// The period of a convention whose first year is `first_year` that this column reads
    /// (`None`: the convention has no such period, the column is not its own).
    pub fn period_for(self, first_year: Option<i32>) -> Option<Period> {
        let small = |d: i32| {
            u8::try_from(d + 1)
                .ok()
                .filter(|n| (1..=CONVENTION_YEARS).contains(n))
        };
        match (self, first_year) {
            (Aligned::Undated(p), None) => Some(p),
            (Aligned::Undated(_), Some(_)) | (_, None) => None,
            (Aligned::Reference, Some(_)) => Some(Period::Reference),
            (Aligned::Year(c), Some(y)) => small(c - y).map(Period::Year),
            (Aligned::Window(a, b), Some(y)) => (a == y)
                .then(|| small(b - y))
                .flatten()
                .map(Period::Cumulative),
            (Aligned::End(b), Some(y)) => small(b - y).map(Period::Cumulative),
        }
    }

    /// The key of the column's period (`ref`, `2022`, `2019-2024`, `fin-2021`; `a1`, `c6` for
    /// a convention without signing year), the end of a column key `split|period`.
    pub fn key(self) -> String {
        match self {
            Aligned::Reference => "ref".into(),
            Aligned::Year(y) => y.to_string(),
            Aligned::Window(a, b) => format!("{a}-{b}"),
            Aligned::End(y) => format!("fin-{y}"),
            Aligned::Undated(p) => crate::convention::period_key(p),
        }
    }

    /// Reads a period key, or the label the app shows (« 2022 », « Cumul 2019–2024 »,
    /// « Fin 2021 », « Référence »); `a1` … `c6` are the periods of an undated convention.
    pub fn parse(s: &str) -> Option<Aligned> {
        let t = s.trim().to_lowercase().replace(['–', '—'], "-");
        let t = t.trim();
        if t == "ref" || t == "référence" || t == "reference" {
            return Some(Aligned::Reference);
        }
        let year = |x: &str| {
            x.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
        };
        if let Some(y) = year(t) {
            return Some(Aligned::Year(y));
        }
        if let Some(rest) = t.strip_prefix("fin-").or_else(|| t.strip_prefix("fin ")) {
            return year(rest).map(Aligned::End);
        }
        let w = t.strip_prefix("cumul").unwrap_or(t);
        if let Some((a, b)) = w.split_once('-') {
            if let (Some(a), Some(b)) = (year(a), year(b)) {
                return (a <= b && b - a < i32::from(CONVENTION_YEARS))
                    .then_some(Aligned::Window(a, b));
            }
        }
        crate::convention::parse_period_key(t).map(Aligned::Undated)
    }

    /// French column label (« Référence », « 2022 », « Cumul 2019–2024 », « Fin 2021 »).
    pub fn label_fr(self) -> String {
        match self {
            Aligned::Reference => "Référence".into(),
            Aligned::Year(y) => y.to_string(),
            Aligned::Window(a, b) => format!("Cumul {a}–{b}"),
            Aligned::End(y) => format!("Fin {y}"),
            Aligned::Undated(p) => format!("{} (année de signature inconnue)", p.label_fr(None)),
        }
    }

    /// Display order: reference, years, windows (by length, then start), levels, undated.
    fn order(self) -> (u8, i32, i32, Option<Period>) {
        match self {
            Aligned::Reference => (0, 0, 0, None),
            Aligned::Year(y) => (1, y, 0, None),
            Aligned::Window(a, b) => (2, b - a, a, None),
            Aligned::End(y) => (3, y, 0, None),
            Aligned::Undated(p) => (4, 0, 0, Some(p)),
        }
    }

    /// A commitment of the convention (not its reference, the past).
    pub fn is_commitment(self) -> bool {
        !matches!(
            self,
            Aligned::Reference | Aligned::Undated(Period::Reference)
        )
    }
}

/// The columns of an indicator for conventions whose first years are `years`, period-major
/// like its grid: every calendar year of any of them, each cumulative window, each level date.
pub fn aligned_columns(ind: &Indicator, years: &[Option<i32>]) -> Vec<Column> {
    let mut periods: Vec<Aligned> = Vec::new();
    for &y in years {
        for p in ind.periods.periods() {
            let a = Aligned::of(ind, p, y);
            if !periods.contains(&a) {
                periods.push(a);
            }
        }
    }
    periods.sort_by_key(|a| a.order());
    let sp = splits(ind);
    let mut out = Vec::new();
    for a in periods {
        for s in &sp {
            out.push(Column {
                aligned: a,
                split: s.clone(),
                key: crate::convention::key::column_key(&s.key(), &a.key()),
                label_fr: format!("{} — {}", a.label_fr(), s.label_fr(ind)),
            });
        }
    }
    out
}

/// Why the columns of a table are what they are, when its conventions were signed in
/// different years (`None` when they all share one first year).
fn calendar_note(years: &[Option<i32>], columns: &[Column]) -> Option<String> {
    let mut known: Vec<i32> = years.iter().flatten().copied().collect();
    known.sort_unstable();
    known.dedup();
    let undated = years.iter().any(Option::is_none);
    if known.len() <= 1 && !undated {
        return None;
    }
    let mut parts = Vec::new();
    if known.len() > 1 {
        let list = crate::text::join_fr(&known.iter().map(i32::to_string).collect::<Vec<_>>());
        parts.push(format!(
            "Conventions dont la première année est {list} : chaque engagement annuel est placé dans son année civile, jamais dans « l'année 1 »."
        ));
        let windows = columns
            .iter()
            .filter(|c| matches!(c.aligned, Aligned::Window(..)))
            .map(|c| c.aligned.key())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        if windows > 1 {
            parts.push("Les cumuls ne portent pas sur les mêmes années : chacun est montré à part avec ses années et n'additionne que les conventions de cette fenêtre.".into());
        }
    }
    if undated {
        parts.push("Les conventions sans année de signature ne peuvent pas être placées dans le calendrier : leurs chiffres sont dans des colonnes à part.".into());
    }
    Some(parts.join(" "))
}

/// Why an indicator of one catalogue cannot be compared with the same code in another.
fn incompatibility(a: &Indicator, b: &Indicator) -> Option<&'static str> {
    if a.value != b.value {
        Some("la nature de la valeur diffère")
    } else if splits(a) != splits(b) {
        Some("les ventilations diffèrent")
    } else if a.periods.periods() != b.periods.periods() {
        Some("les périodes diffèrent")
    } else {
        None
    }
}

/// Reads the files on the territory. Sources must be checked against the territory
/// ([`check_territory`]) by the caller; an unknown territory gives empty groups.
pub fn extract(territory: &TerritoryKey, sources: &[Source<'_>], geo: &Referential) -> Extract {
    // Groups by generation and kind, in the order of first appearance.
    let mut groups: Vec<Group> = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let pos = groups
            .iter()
            .position(|g| g.generation == s.cat.generation && g.kind == s.cat.kind);
        let g = match pos {
            Some(p) => &mut groups[p],
            None => {
                groups.push(Group {
                    generation: s.cat.generation,
                    kind: s.cat.kind,
                    catalogues: Vec::new(),
                    sources: Vec::new(),
                    absent: Vec::new(),
                    tables: Vec::new(),
                    left_out: Vec::new(),
                });
                groups.last_mut().expect("just pushed")
            }
        };
        g.sources.push(i);
        match g
            .catalogues
            .iter_mut()
            .find(|(id, v, _)| id == &s.cat.id && v == &s.cat.version)
        {
            Some(c) => c.2 += 1,
            None => g
                .catalogues
                .push((s.cat.id.clone(), s.cat.version.clone(), 1)),
        }
    }
    let region_of = |d: &str| geo.departement(d).map(|x| x.region.as_str());
    for g in &mut groups {
        // One catalogue per distinct (id, version), the first met giving the order.
        let mut cats: Vec<&Catalogue> = Vec::new();
        for &i in &g.sources {
            let c = sources[i].cat;
            if !cats.iter().any(|x| x.is(&c.id, &c.version)) {
                cats.push(c);
            }
        }
        let mut present = vec![false; sources.len()];
        let mut seen_codes: Vec<&str> = Vec::new();
        for cat in &cats {
            for ind in &cat.indicators {
                if seen_codes.contains(&ind.code.as_str()) {
                    continue;
                }
                seen_codes.push(&ind.code);
                // The definition shared by the most files of the group is consolidated; the
                // files whose catalogue defines the code otherwise (or not at all) are set apart
                // for this indicator only, with the reason — never removing it for the others.
                let count = |c: &Catalogue| {
                    g.catalogues
                        .iter()
                        .find(|(id, v, _)| id == &c.id && v == &c.version)
                        .map_or(0, |x| x.2)
                };
                let defs: Vec<(&Catalogue, &Indicator)> = cats
                    .iter()
                    .filter_map(|c| c.indicator(&ind.code).map(|i| (*c, i)))
                    .collect();
                let weight = |def: &Indicator| {
                    defs.iter()
                        .filter(|(_, o)| incompatibility(def, o).is_none())
                        .map(|(c, _)| count(c))
                        .sum::<usize>()
                };
                let mut reference = defs[0].1;
                for (_, d) in &defs[1..] {
                    if weight(d) > weight(reference) {
                        reference = d;
                    }
                }
                let ind = reference;
                let mut members = Vec::new();
                let mut set_apart = Vec::new();
                for &i in &g.sources {
                    let c = sources[i].cat;
                    match c.indicator(&ind.code) {
                        None => set_apart.push(SetApart {
                            source: i,
                            reason_fr: format!(
                                "indicateur absent de son catalogue ({} version {})",
                                c.id, c.version
                            ),
                        }),
                        Some(o) => match incompatibility(ind, o) {
                            None => members.push(i),
                            Some(r) => set_apart.push(SetApart {
                                source: i,
                                reason_fr: format!(
                                    "{r} dans la version {} de son catalogue",
                                    c.version
                                ),
                            }),
                        },
                    }
                }
                // Where the texts are silent each organism chose its unit and periodicity
                // (`Convention::view`): figures add up only between files that agree. The form
                // most files chose is the table's; the others are set apart, said why.
                let views: Vec<std::borrow::Cow<Indicator>> = members
                    .iter()
                    .map(|&i| {
                        let s = &sources[i];
                        let own = s.cat.indicator(&ind.code).unwrap_or(ind);
                        s.conv.indicator_view(own)
                    })
                    .collect();
                let form = |v: &Indicator| (v.value.clone(), v.periods.periods());
                let mut majority = 0;
                let mut best = 0;
                for (k, v) in views.iter().enumerate() {
                    let n = views.iter().filter(|w| form(w) == form(v)).count();
                    if n > best {
                        best = n;
                        majority = k;
                    }
                }
                let table_ind: Indicator = match views.get(majority) {
                    Some(v) => {
                        let mut t = (**v).clone();
                        // Parts stated as percentages are read as counts (of their total).
                        t.splits.parts.retain(|p| {
                            p.share != crate::catalogue::PartShare::PourcentageDeLaBase
                        });
                        for p in &mut t.splits.parts {
                            p.share = crate::catalogue::PartShare::Nombre;
                        }
                        t
                    }
                    None => ind.clone(),
                };
                let table_unit = members
                    .get(majority)
                    .map(|&i| sources[i].conv.unit_fr(&table_ind))
                    .unwrap_or_else(|| table_ind.value.unit_fr());
                let mut agreeing = Vec::new();
                for (k, &i) in members.iter().enumerate() {
                    let v = &views[k];
                    if form(v) == form(&table_ind) {
                        agreeing.push(i);
                        continue;
                    }
                    let reason_fr = if v.value != table_ind.value {
                        format!(
                            "saisi en {} par l'organisme (les autres fichiers : en {table_unit})",
                            sources[i].conv.unit_fr(v)
                        )
                    } else {
                        format!(
                            "périodicité choisie par l'organisme : {} (les autres fichiers : {})",
                            v.periods.describe_fr(),
                            table_ind.periods.describe_fr()
                        )
                    };
                    set_apart.push(SetApart {
                        source: i,
                        reason_fr,
                    });
                }
                let members = agreeing;
                let ind = &table_ind;
                if matches!(
                    ind.value,
                    crate::catalogue::ValueKind::OuiNon | crate::catalogue::ValueKind::Texte
                ) {
                    g.left_out.push(LeftOut {
                        code: ind.code.clone(),
                        label: ind.short_label.clone(),
                        reason_fr: "Écarté : indicateur qualitatif (oui / non ou texte), qui ne se consolide pas.".into(),
                    });
                    continue;
                }
                let years: Vec<Option<i32>> = members
                    .iter()
                    .map(|&i| crate::convention::label_year(sources[i].conv))
                    .collect();
                let mut table = read_table(
                    ind,
                    aligned_columns(ind, &years),
                    &years,
                    territory,
                    &members,
                    sources,
                    geo,
                    &region_of,
                    &mut present,
                );
                // Only the files with a figure on the territory are worth naming.
                table.set_apart = set_apart
                    .into_iter()
                    .filter(|a| {
                        let s = &sources[a.source];
                        s.cat
                            .indicator(&ind.code)
                            .is_none_or(|own| territory_rows(territory, s.conv, own, geo).is_some())
                    })
                    .collect();
                g.tables.push(table);
            }
        }
        // The indicators organisms added to their conventions (« hors règlement ») are never
        // totalled with the decree's: named, with who added them.
        let mut added: Vec<(String, String, Vec<String>)> = Vec::new();
        for &i in &g.sources {
            for x in &sources[i].conv.complementary {
                let who = sources[i].label();
                match added.iter_mut().find(|(c, _, _)| *c == x.code) {
                    Some((_, _, w)) => w.push(who),
                    None => added.push((x.code.clone(), x.label.clone(), vec![who])),
                }
            }
        }
        for (code, label, who) in added {
            g.left_out.push(LeftOut {
                code,
                label,
                reason_fr: format!(
                    "Écarté : indicateur complémentaire ajouté par l'organisme (hors règlement), \
                     jamais additionné aux indicateurs du décret ; ajouté par {}.",
                    who.join(", ")
                ),
            });
        }
        g.absent = g.sources.iter().copied().filter(|&i| !present[i]).collect();
    }
    Extract {
        territory: territory.clone(),
        territory_label: territory_label(territory, geo),
        groups,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_table<'r>(
    ind: &Indicator,
    columns: Vec<Column>,
    years: &[Option<i32>],
    territory: &TerritoryKey,
    members: &[usize],
    sources: &[Source<'_>],
    geo: &'r Referential,
    region_of: &dyn Fn(&str) -> Option<&'r str>,
    present: &mut [bool],
) -> Table {
    let col_index: HashMap<&str, usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.as_str(), i))
        .collect();
    let calendar_note_fr = calendar_note(years, &columns);
    #[allow(clippy::type_complexity)]
    let mut layouts: HashMap<Option<i32>, std::rc::Rc<(HashMap<String, usize>, Vec<bool>)>> =
        HashMap::new();
    // A unit the text leaves open (PP-4, SR-1: dwellings or % of the stock) adds up when every
    // file states the same count unit; a level is then summed only at one date (its columns
    // are end dates).
    let chosen: Vec<String> = members
        .iter()
        .filter_map(|&i| {
            let s = &sources[i];
            s.cat.indicator(&ind.code).map(|own| s.conv.unit_fr(own))
        })
        .collect();
    let agreed_count_unit = (!ind.unit_choices.is_empty())
        .then(|| chosen.first())
        .flatten()
        .filter(|u| {
            chosen.iter().all(|x| x == *u) && ind.unit_choices.contains(u) && !u.contains('%')
        })
        .cloned();
    let additive = is_additive(ind) || agreed_count_unit.is_some();
    let mut rows = Vec::new();
    let mut not_retained = Vec::new();
    for &i in members {
        let s = &sources[i];
        let Some(own) = s.cat.indicator(&ind.code) else {
            continue;
        };
        let own = &*s.conv.indicator_view(own);
        let conv_rows = s.conv.rows(own, Some(geo));
        let Some((basis, detail_keys)) = select(territory, &conv_rows, s.conv, geo, region_of)
        else {
            continue;
        };
        if !s.conv.uses(own) {
            // Optional and not retained by an organism present on the territory.
            not_retained.push(i);
            continue;
        }
        present[i] = true;
        let n = columns.len();
        // This convention's cells (`split|a2`) → the columns of their calendar periods: one
        // map per first year (a few for hundreds of files), shared by the files of that year.
        let first_year = crate::convention::label_year(s.conv);
        let (col_of, applicable) = &*layouts
            .entry(first_year)
            .or_insert_with(|| {
                let mut col_of: HashMap<String, usize> = HashMap::new();
                let mut applicable = vec![false; n];
                for sp in splits(own) {
                    let sk = sp.key();
                    for p in own.periods.periods() {
                        let aligned = Aligned::of(own, p, first_year);
                        if let Some(&c) = col_index
                            .get(crate::convention::key::column_key(&sk, &aligned.key()).as_str())
                        {
                            col_of.insert(
                                crate::convention::key::column_key(
                                    &sk,
                                    &crate::convention::period_key(p),
                                ),
                                c,
                            );
                            applicable[c] = true;
                        }
                    }
                }
                std::rc::Rc::new((col_of, applicable))
            })
            .clone();
        let read = |rows: &[TerritoryKey]| {
            let mut values = vec![None; n];
            let mut invalid = vec![false; n];
            for row in rows {
                read_row(s.conv, own, row, col_of, &mut values, &mut invalid);
            }
            (values, invalid)
        };
        let detail: Vec<(TerritoryKey, Vec<Option<f64>>)> = detail_keys
            .into_iter()
            .map(|k| {
                let (v, _) = read(std::slice::from_ref(&k));
                (k, v)
            })
            .collect();
        let levels = s.conv.levels(own);
        if additive || basis.rows().len() == 1 {
            let (values, invalid) = read(basis.rows());
            rows.push(BaseRow {
                source: i,
                basis,
                values,
                invalid,
                applicable: applicable.clone(),
                first_year,
                detail,
                levels,
            });
        } else {
            // A percentage, an amount or a duration is never added across rows: one row per
            // territory row of the organism.
            let coarser = matches!(basis, Basis::Coarser(_));
            for r in basis.rows() {
                let (values, invalid) = read(std::slice::from_ref(r));
                let one = vec![r.clone()];
                rows.push(BaseRow {
                    source: i,
                    basis: if coarser {
                        Basis::Coarser(one)
                    } else {
                        Basis::Exact(one)
                    },
                    values,
                    invalid,
                    applicable: applicable.clone(),
                    first_year,
                    detail: Vec::new(),
                    levels: levels.clone(),
                });
            }
        }
    }
    Table {
        code: ind.code.clone(),
        label: ind.short_label.clone(),
        unit_fr: agreed_count_unit.unwrap_or_else(|| ind.value.unit_fr()),
        additive,
        columns,
        rows,
        not_retained,
        calendar_note_fr,
        set_apart: Vec::new(),
    }
}

/// The rows of a convention read on the territory for one indicator, as [`extract`] reads them
/// (`None`: no figure there).
pub fn territory_rows(
    territory: &TerritoryKey,
    conv: &Convention,
    ind: &Indicator,
    geo: &Referential,
) -> Option<Basis> {
    let region_of = |d: &str| geo.departement(d).map(|x| x.region.as_str());
    let rows = conv.rows(ind, Some(geo));
    select(territory, &rows, conv, geo, &region_of).map(|(b, _)| b)
}

/// Adds the valid values of one row of a convention into `values` (by column).
fn read_row(
    conv: &Convention,
    ind: &Indicator,
    row: &TerritoryKey,
    col_of: &HashMap<String, usize>,
    values: &mut [Option<f64>],
    invalid: &mut [bool],
) {
    let prefix = crate::convention::key::territory_prefix(&ind.code, &row.to_string());
    let range = conv
        .values
        .range::<_, str>((Bound::Included(prefix.as_str()), Bound::Unbounded));
    // The row's valid figures by `split|period`, then a part stated as a percentage of its
    // total turned into a count (rebuilt from its total, never added as a percentage); a
    // percentage of the base is the count stated again and is not read.
    let mut own: Vec<(&str, Option<f64>)> = Vec::new();
    for (k, v) in range {
        let Some(rest) = k.strip_prefix(prefix.as_str()) else {
            break;
        };
        let split = crate::convention::key::without_last(rest).map_or(rest, |(s, _)| s);
        let share = crate::convention::part_share_of_key(ind, split);
        if share == crate::catalogue::PartShare::PourcentageDeLaBase {
            continue;
        }
        own.push((rest, crate::convention::valid_number_at(ind, share, v)));
    }
    for &(rest, x) in &own {
        let Some(&c) = col_of.get(rest) else {
            continue;
        };
        let x = match x {
            Some(pct)
                if crate::convention::part_share_of_key(
                    ind,
                    crate::convention::key::without_last(rest).map_or(rest, |(s, _)| s),
                ) == crate::catalogue::PartShare::PourcentageDuTotal =>
            {
                // `PLAI/hors-qpv|c3` → its total `PLAI|c3`.
                let total = rest
                    .split_once('/')
                    .and_then(|(whole, tail)| {
                        let (_, period) = crate::convention::key::without_last(tail)?;
                        Some(crate::convention::key::column_key(whole, period))
                    })
                    .and_then(|k| own.iter().find(|(r, _)| *r == k).and_then(|(_, v)| *v));
                total.map(|t| t * pct / 100.0)
            }
            other => other,
        };
        match x {
            Some(x) => values[c] = Some(values[c].unwrap_or(0.0) + x),
            None => invalid[c] = true,
        }
    }
}

/// Which rows of a convention give its figures on the territory, and the sub-territory rows
/// kept as detail. `None`: the organism has no figure there.
fn select<'r>(
    territory: &TerritoryKey,
    rows: &[TerritoryKey],
    conv: &Convention,
    geo: &'r Referential,
    region_of: &dyn Fn(&str) -> Option<&'r str>,
) -> Option<(Basis, Vec<TerritoryKey>)> {
    let segment_dep = |id: &str| {
        conv.segments
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.departement.as_str())
    };
    let has_level = |l: Level| rows.iter().any(|r| r.level() == l);
    let coarser = |deps: &[&str]| -> Option<(Basis, Vec<TerritoryKey>)> {
        // Département rows over the territory, else the organism row when it works there.
        let dep_rows: Vec<TerritoryKey> = rows
            .iter()
            .filter(|r| matches!(r, TerritoryKey::Departement(d) if deps.contains(&d.as_str())))
            .cloned()
            .collect();
        if !dep_rows.is_empty() {
            return Some((Basis::Coarser(dep_rows), Vec::new()));
        }
        let reg_rows: Vec<TerritoryKey> = rows
            .iter()
            .filter(|r| {
                matches!(r, TerritoryKey::Region(g)
                    if deps.iter().any(|d| region_of(d) == Some(g.as_str())))
            })
            .cloned()
            .collect();
        if !reg_rows.is_empty() {
            return Some((Basis::Coarser(reg_rows), Vec::new()));
        }
        let seg_rows: Vec<TerritoryKey> = rows
            .iter()
            .filter(|r| {
                matches!(r, TerritoryKey::Segment(id)
                    if segment_dep(id).is_some_and(|d| deps.contains(&d)))
            })
            .cloned()
            .collect();
        if !seg_rows.is_empty() {
            return Some((Basis::Coarser(seg_rows), Vec::new()));
        }
        let works_there = conv.departements.iter().any(|d| deps.contains(&d.as_str()));
        if works_there && rows.contains(&TerritoryKey::Organisme) {
            return Some((Basis::Coarser(vec![TerritoryKey::Organisme]), Vec::new()));
        }
        None
    };
    match territory {
        TerritoryKey::Epci(siren) => {
            if rows.contains(territory) {
                return Some((Basis::Exact(vec![territory.clone()]), Vec::new()));
            }
            let deps: Vec<&str> = geo
                .epci(siren)
                .map(|e| e.departements.iter().map(String::as_str).collect())
                .unwrap_or_default();
            coarser(&deps)
        }
        TerritoryKey::Departement(d) => {
            let epci_in = |r: &TerritoryKey| match r {
                TerritoryKey::Epci(s) => geo
                    .epci(s)
                    .is_some_and(|e| e.departements.iter().all(|x| x == d)),
                _ => false,
            };
            let detail: Vec<TerritoryKey> = rows.iter().filter(|r| epci_in(r)).cloned().collect();
            if rows.contains(territory) {
                return Some((Basis::Exact(vec![territory.clone()]), detail));
            }
            if !has_level(Level::Departement) {
                // Finer rows that add up to the département: segments lying in it, else EPCI.
                let segs: Vec<TerritoryKey> = rows
                    .iter()
                    .filter(|r| matches!(r, TerritoryKey::Segment(id) if segment_dep(id) == Some(d.as_str())))
                    .cloned()
                    .collect();
                if !segs.is_empty() {
                    return Some((Basis::Exact(segs), Vec::new()));
                }
                if !detail.is_empty() {
                    return Some((Basis::Exact(detail.clone()), detail));
                }
            }
            coarser(&[d.as_str()])
        }
        TerritoryKey::Region(r) => {
            let in_region = |d: &str| region_of(d) == Some(r.as_str());
            if rows.contains(territory) {
                return Some((Basis::Exact(vec![territory.clone()]), Vec::new()));
            }
            let deps: Vec<TerritoryKey> = rows
                .iter()
                .filter(|k| matches!(k, TerritoryKey::Departement(d) if in_region(d)))
                .cloned()
                .collect();
            // EPCI rows inside the région: detail only (the compilation's EPCI table), never
            // added to the départements they lie in.
            let epcis_in: Vec<TerritoryKey> = rows
                .iter()
                .filter(|k| match k {
                    TerritoryKey::Epci(s) => geo.epci(s).is_some_and(|e| {
                        !e.departements.is_empty() && e.departements.iter().all(|d| in_region(d))
                    }),
                    _ => false,
                })
                .cloned()
                .collect();
            if !deps.is_empty() {
                let mut detail = deps.clone();
                detail.extend(epcis_in);
                return Some((Basis::Exact(deps), detail));
            }
            if !has_level(Level::Departement) {
                let segs: Vec<TerritoryKey> = rows
                    .iter()
                    .filter(|k| matches!(k, TerritoryKey::Segment(id) if segment_dep(id).is_some_and(in_region)))
                    .cloned()
                    .collect();
                if !segs.is_empty() {
                    return Some((Basis::Exact(segs), Vec::new()));
                }
                if !epcis_in.is_empty() {
                    return Some((Basis::Exact(epcis_in.clone()), epcis_in));
                }
            }
            let region_deps: Vec<&str> = conv
                .departements
                .iter()
                .map(String::as_str)
                .filter(|d| in_region(d))
                .collect();
            coarser(&region_deps)
        }
        _ => None,
    }
}
