//! From an [`Extract`] to consolidated tables: a scenario applied, split keys turned into labelled
//! estimates, totals of counts, statistics of the rest, objectives compared. Pure arithmetic over
//! the extract: re-run on every scenario edit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Aligned, Basis, Column, Extract, Source, Table};
use crate::convention::TerritoryKey;
use crate::numfmt::format_fr;

/// An objective of the collectivité on its territory: a figure for one indicator, split and
/// calendar period (a PLH's years).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub indicator: String,
    /// Split key as in cell keys (`PLAI`, `total`, `valeur`).
    pub split: String,
    /// Calendar period key ([`Aligned::key`]: `2022`, `2019-2024`, `fin-2021`).
    pub period: String,
    pub value: f64,
    /// The territory the objective is set for (a PLH's objectives are the EPCI's, never the
    /// région's); `None` only in files written before objectives had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryKey>,
}

impl Objective {
    /// The same indicator, split, period and territory (one replaces the other).
    pub fn same_cell(&self, other: &Objective) -> bool {
        self.indicator == other.indicator
            && self.split == other.split
            && self.period == other.period
            && self.territory == other.territory
    }

    /// The objective's period, aligned (`None`: not a period key).
    pub fn aligned(&self) -> Option<Aligned> {
        Aligned::parse(&self.period)
    }
}

/// One change of a scenario. Scenarios never modify the organisms' files: they apply to the
/// figures read on the territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Change {
    /// One organism's figure for one column of one indicator (`None` empties it).
    Cell {
        source: String,
        indicator: String,
        /// `split|period`.
        column: String,
        value: Option<f64>,
    },
    /// Every figure of one indicator multiplied by `percent` / 100, for one organism or all.
    Scale {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        indicator: String,
        percent: f64,
    },
    /// A hypothetical organism with figures at the territory's level, by `CODE|split|period`.
    Organism {
        name: String,
        values: BTreeMap<String, f64>,
    },
    /// A realisation rate applied to every commitment that is a count (`percent` / 100).
    Realisation { percent: f64 },
}

/// A named scenario: changes applied in order over the files' figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub changes: Vec<Change>,
}

impl Change {
    /// French description (« Taux de réalisation de 80 % sur tous les engagements »).
    pub fn describe_fr(&self, label_of: &dyn Fn(&str) -> String) -> String {
        match self {
            Change::Cell {
                source,
                indicator,
                column,
                value,
            } => format!(
                "{} : {} ({}) {}",
                label_of(source),
                indicator,
                column_fr(column),
                match value {
                    Some(v) => format!("porté à {}", format_fr(*v, 2)),
                    None => "vidé".to_string(),
                }
            ),
            Change::Scale {
                source,
                indicator,
                percent,
            } => format!(
                "{} multiplié par {} % pour {}",
                indicator,
                format_fr(*percent, 2),
                source
                    .as_deref()
                    .map(label_of)
                    .unwrap_or_else(|| "tous les organismes".into())
            ),
            Change::Organism { name, values } => format!(
                "Organisme hypothétique « {name} » ({} valeur{})",
                values.len(),
                if values.len() > 1 { "s" } else { "" }
            ),
            Change::Realisation { percent } => format!(
                "Taux de réalisation de {} % appliqué à tous les engagements chiffrés en nombre",
                format_fr(*percent, 2)
            ),
        }
    }
}

/// A column key in words (`PLAI/hors-qpv|2019-2021` → « PLAI, dont hors-qpv, Cumul 2019–2021 »).
fn column_fr(key: &str) -> String {
    let (split, period) = key.rsplit_once('|').unwrap_or((key, ""));
    let period = Aligned::parse(period)
        .map(Aligned::label_fr)
        .unwrap_or_else(|| period.to_string());
    format!("{}, {period}", split.replace('/', ", dont "))
}

/// One row of a consolidated table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The source id (file), or `hypothese:N` for a hypothetical organism.
    pub id: String,
    pub label: String,
    pub hypothetical: bool,
    /// « 59 — Nord », « organisme entier »: the rows of the file read.
    pub basis_fr: String,
    /// The rows of the file read (`departement:59`, `epci:200093201`): with the indicator code and
    /// a column key, the cells used (`PP-1|epci:200093201|PLAI|c6`).
    pub basis_keys: Vec<String>,
    /// « département + EPCI / EPT ».
    pub levels_fr: String,
    pub values: Vec<Option<f64>>,
    pub invalid: Vec<bool>,
    /// Changed by the scenario, per column.
    pub changed: Vec<bool>,
    /// Per column: a period of this organism's convention (see [`super::BaseRow::applicable`]).
    pub applicable: Vec<bool>,
    /// The convention's first year.
    pub first_year: Option<i32>,
    /// For a row « non ventilé »: the split key applied (share 0–1), when the user gave one.
    pub key: Option<f64>,
}

/// A total of counts over the organisms, explained on demand ([`Total::formula_fr`]): the
/// explanation is built when asked, so a consolidation of hundreds of organisms costs only its
/// arithmetic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Total {
    /// Sum of the figures at the territory's level.
    pub exact: f64,
    /// Sum of the estimates made with split keys.
    pub estimated: f64,
    /// Organisms whose figure is used (at the level, or estimated).
    pub filled: usize,
    /// Organisms present at the territory's level whose cell is empty.
    pub empty: usize,
    /// Cells holding something that is not a valid value.
    pub invalid: usize,
    /// Organisms « non ventilé » with a figure but no split key: not in the total.
    pub unventilated: usize,
    /// The figures added, in row order.
    pub terms: Vec<f64>,
    /// The estimates added: (coarser figure, split key 0–1).
    pub estimates: Vec<(f64, f64)>,
}

impl Total {
    /// The total (exact + estimated), `None` when nothing was filled.
    pub fn value(&self) -> Option<f64> {
        (self.filled > 0).then_some(self.exact + self.estimated)
    }

    pub fn is_estimate(&self) -> bool {
        self.estimated != 0.0
    }

    /// « 2 organismes n'ont rien saisi ; 1 non ventilé à cette maille » (empty when none).
    pub fn caveats_fr(&self) -> String {
        self.caveats(true)
    }

    fn caveats(&self, with_estimate: bool) -> String {
        let mut out = Vec::new();
        if self.empty > 0 {
            out.push(plural(
                self.empty,
                "organisme a laissé la cellule vide",
                "organismes ont laissé la cellule vide",
            ));
        }
        if self.invalid > 0 {
            out.push(plural(
                self.invalid,
                "valeur invalide non comptée",
                "valeurs invalides non comptées",
            ));
        }
        if self.unventilated > 0 {
            out.push(plural(
                self.unventilated,
                "organisme non ventilé à cette maille, hors total",
                "organismes non ventilés à cette maille, hors total",
            ));
        }
        if with_estimate && self.is_estimate() {
            out.push(format!(
                "dont {} estimé par clé de répartition",
                format_fr(self.estimated, 1)
            ));
        }
        out.join(" ; ")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Minimum, median and maximum of per-organism values that do not add up.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub n: usize,
    pub empty: usize,
    pub min: f64,
    pub median: f64,
    pub max: f64,
    pub formula_fr: String,
}

/// The statistics of some values (`None` when there are none).
pub fn stats(values: &[(String, f64)], empty: usize) -> Option<Stats> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = values.iter().map(|x| x.1).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    let formula_fr = format!(
        "{} valeur{} par organisme, ni additionnées ni moyennées : minimum {}, médiane {}{}, maximum {}{}",
        n,
        if n > 1 { "s" } else { "" },
        format_fr(v[0], 2),
        format_fr(median, 2),
        if n.is_multiple_of(2) && n > 1 {
            " (milieu des deux valeurs centrales)"
        } else {
            ""
        },
        format_fr(v[n - 1], 2),
        if empty > 0 {
            format!(" ; {empty} cellule{} vide{}", if empty > 1 { "s" } else { "" }, if empty > 1 { "s" } else { "" })
        } else {
            String::new()
        }
    );
    Some(Stats {
        n,
        empty,
        min: v[0],
        median,
        max: v[n - 1],
        formula_fr,
    })
}

/// A commitment next to an objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub objective: Objective,
    /// The column compared (`None`: the objective matches no period of the table).
    pub column: Option<usize>,
    pub column_label: String,
    /// The consolidated commitment, `None` when nothing was filled.
    pub committed: Option<f64>,
    pub estimate: bool,
    /// committed − objective.
    pub gap: Option<f64>,
    /// committed ÷ objective, in percent.
    pub coverage: Option<f64>,
    pub text_fr: String,
}

/// Per year and cumulated, for an indicator and split with yearly objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct YearLine {
    /// The calendar year.
    pub year: i32,
    pub label: String,
    pub objective: Option<f64>,
    pub committed: Option<f64>,
    pub cumulated_objective: f64,
    pub cumulated_committed: f64,
    pub cumulated_coverage: Option<f64>,
}

/// The split key of an objective on a share of the financings (a PLH's « 30 % de PLAI »).
pub const SHARE_SPLIT: &str = "part";

/// The share of some financings among others an indicator has in the rule data (the PLAI share
/// of PP-1): objectives can be set on it and are compared with the share of the summed counts.
#[derive(Clone, Debug, PartialEq)]
pub struct TableShare {
    /// « Part de PLAI parmi PLAI + PLUS ».
    pub label_fr: String,
    /// Position of the breakdown among the indicator's breakdowns.
    pub breakdown: usize,
    pub numerator: Vec<String>,
    pub denominator: Vec<String>,
}

/// One indicator consolidated.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsolidatedTable {
    pub code: String,
    pub label: String,
    pub unit_fr: String,
    pub additive: bool,
    pub columns: Vec<Column>,
    /// Organisms at the territory's level (and hypothetical ones).
    pub rows: Vec<Row>,
    /// « Non ventilé à cette maille »: organisms committed only at a coarser level.
    pub unventilated: Vec<Row>,
    /// Per column, for counts.
    pub totals: Vec<Total>,
    /// Per column, for what does not add up (rows at the level).
    pub stats: Vec<Option<Stats>>,
    /// Per column, of the « non ventilé » rows (coarser totals).
    pub unventilated_totals: Vec<Option<f64>>,
    pub not_retained: Vec<String>,
    pub comparisons: Vec<Comparison>,
    /// Per split with yearly objectives: (split key, lines).
    pub years: Vec<(String, Vec<YearLine>)>,
    /// Why the columns are calendar years and separate windows (French), when the conventions
    /// were signed in different years.
    pub calendar_note_fr: Option<String>,
    /// Organisms with a figure on the territory whose catalogue defines this indicator
    /// otherwise: (organism, reason), not in the table.
    pub set_apart: Vec<(String, String)>,
    /// The share objectives can be set on, from the rule data (counts only).
    pub share: Option<TableShare>,
}

impl ConsolidatedTable {
    /// The cells of the files a row's figure of column `c` comes from (none when the column is
    /// not a period of the row's convention).
    pub fn cells_of(&self, row: &Row, c: usize) -> Vec<String> {
        let col = &self.columns[c];
        let Some(period) = col.aligned.period_for(row.first_year) else {
            return Vec::new();
        };
        row.basis_keys
            .iter()
            .map(|k| {
                crate::convention::cell_key(
                    &self.code,
                    k,
                    &col.split.key(),
                    &crate::convention::period_key(period),
                )
            })
            .collect()
    }

    /// Where a row's figure of column `c` was read, in words (« 59 — Nord, à 3 ans de sa
    /// convention (première année 2020) »), never a cell key.
    pub fn cells_fr(&self, row: &Row, c: usize) -> String {
        if row.hypothetical {
            return "hypothèse du scénario".into();
        }
        let col = &self.columns[c];
        let Some(period) = col.aligned.period_for(row.first_year) else {
            return "pas une période de sa convention".into();
        };
        let when = match period {
            crate::catalogue::Period::Reference => "référence".to_string(),
            crate::catalogue::Period::Year(n) => format!("année {n}"),
            crate::catalogue::Period::Cumulative(n) => format!("à {n} ans"),
        };
        let first = row
            .first_year
            .map(|y| format!(" (première année {y})"))
            .unwrap_or_default();
        format!("lu : {}, {when} de sa convention{first}", row.basis_fr)
    }

    /// Distinct organisms (files) at the territory's level, hypothetical ones excepted.
    pub fn organisms_at_level(&self) -> usize {
        let mut ids: Vec<&str> = self
            .rows
            .iter()
            .filter(|r| !r.hypothetical)
            .map(|r| r.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// Distinct organisms « non ventilé » at this level.
    pub fn organisms_unventilated(&self) -> usize {
        let mut ids: Vec<&str> = self.unventilated.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// The column with this `split|period` key.
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// The total of a column when the table adds up.
    pub fn total(&self, key: &str) -> Option<f64> {
        let c = self.column(key)?;
        self.totals.get(c).and_then(Total::value)
    }
}

/// One group consolidated.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsolidatedGroup {
    pub label: String,
    pub tables: Vec<ConsolidatedTable>,
}

/// The consolidation of an extract under a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Consolidated {
    pub territory_label: String,
    pub groups: Vec<ConsolidatedGroup>,
    /// Changes of the scenario that matched nothing (French), so none is ignored in silence.
    pub unmatched: Vec<String>,
}

impl Consolidated {
    /// The table of an indicator code (first group having it).
    pub fn table(&self, code: &str) -> Option<&ConsolidatedTable> {
        self.groups
            .iter()
            .flat_map(|g| g.tables.iter())
            .find(|t| t.code == code)
    }
}

/// Consolidates an extract: `split_keys` by source id (share 0–1 of a coarser figure attributed
/// to the territory), a scenario (or none), the objectives.
pub fn consolidate(
    ex: &Extract,
    sources: &[Source<'_>],
    geo: &crate::geo::Referential,
    split_keys: &BTreeMap<String, f64>,
    scenario: Option<&Scenario>,
    objectives: &[Objective],
) -> Consolidated {
    let mut unmatched_flags = scenario
        .map(|s| vec![false; s.changes.len()])
        .unwrap_or_default();
    // Objectives belong to a territory: another territory's are never compared here.
    let objectives: Vec<Objective> = objectives
        .iter()
        .filter(|o| o.territory.as_ref().is_none_or(|t| t == &ex.territory))
        .cloned()
        .collect();
    let objectives = objectives.as_slice();
    let mut groups = Vec::new();
    for g in &ex.groups {
        let mut tables = Vec::new();
        for t in &g.tables {
            tables.push(consolidate_table(
                t,
                sources,
                geo,
                split_keys,
                scenario,
                &mut unmatched_flags,
                objectives,
            ));
        }
        groups.push(ConsolidatedGroup {
            label: g.label_fr(),
            tables,
        });
    }
    let unmatched = scenario
        .map(|s| {
            s.changes
                .iter()
                .zip(&unmatched_flags)
                .filter(|(_, &m)| !m)
                .map(|(c, _)| {
                    format!(
                        "Sans effet sur ce territoire : {}.",
                        c.describe_fr(&|id| label_of(sources, id))
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Consolidated {
        territory_label: ex.territory_label.clone(),
        groups,
        unmatched,
    }
}

fn label_of(sources: &[Source<'_>], id: &str) -> String {
    sources
        .iter()
        .find(|s| s.id == id)
        .map(Source::label)
        .unwrap_or_else(|| id.to_string())
}

fn consolidate_table(
    t: &Table,
    sources: &[Source<'_>],
    geo: &crate::geo::Referential,
    split_keys: &BTreeMap<String, f64>,
    scenario: Option<&Scenario>,
    matched: &mut [bool],
    objectives: &[Objective],
) -> ConsolidatedTable {
    let n = t.columns.len();
    let mut rows = Vec::new();
    let mut unventilated = Vec::new();
    for r in &t.rows {
        let s = &sources[r.source];
        let coarser = matches!(r.basis, Basis::Coarser(_));
        let several = t.rows.iter().filter(|x| x.source == r.source).count() > 1;
        let row = Row {
            id: s.id.to_string(),
            label: if several {
                format!("{} — {}", s.label(), r.basis.describe_fr(geo))
            } else {
                s.label()
            },
            hypothetical: false,
            basis_fr: r.basis.describe_fr(geo),
            basis_keys: r.basis.rows().iter().map(|k| k.to_string()).collect(),
            levels_fr: r
                .levels
                .iter()
                .map(|l| l.label_fr())
                .collect::<Vec<_>>()
                .join(" + "),
            values: r.values.clone(),
            invalid: r.invalid.clone(),
            changed: vec![false; n],
            applicable: r.applicable.clone(),
            first_year: r.first_year,
            key: if coarser {
                split_keys
                    .get(s.id)
                    .copied()
                    .filter(|k| k.is_finite() && *k >= 0.0)
            } else {
                None
            },
        };
        if coarser {
            unventilated.push(row);
        } else {
            rows.push(row);
        }
    }
    if let Some(sc) = scenario {
        for (ci, change) in sc.changes.iter().enumerate() {
            if apply(change, ci, t, &mut rows, &mut unventilated, n) {
                matched[ci] = true;
            }
        }
    }
    let mut totals = Vec::with_capacity(n);
    let mut stats_v = Vec::with_capacity(n);
    let mut unv_totals = Vec::with_capacity(n);
    for c in 0..n {
        let unv_sum: Vec<f64> = unventilated.iter().filter_map(|r| r.values[c]).collect();
        unv_totals.push((!unv_sum.is_empty() && t.additive).then(|| unv_sum.iter().sum()));
        if t.additive {
            totals.push(total(&rows, &unventilated, c));
            stats_v.push(None);
        } else {
            let vals: Vec<(String, f64)> = rows
                .iter()
                .filter_map(|r| r.values[c].map(|v| (r.label.clone(), v)))
                .collect();
            let empty = rows
                .iter()
                .filter(|r| r.applicable[c] && r.values[c].is_none() && !r.invalid[c])
                .count();
            stats_v.push(super::totals::stats(&vals, empty));
            totals.push(Total::default());
        }
    }
    let mut out = ConsolidatedTable {
        code: t.code.clone(),
        label: t.label.clone(),
        unit_fr: t.unit_fr.clone(),
        additive: t.additive,
        columns: t.columns.clone(),
        rows,
        unventilated,
        totals,
        stats: stats_v,
        unventilated_totals: unv_totals,
        not_retained: t.not_retained.iter().map(|&i| sources[i].label()).collect(),
        comparisons: Vec::new(),
        years: Vec::new(),
        calendar_note_fr: t.calendar_note_fr.clone(),
        set_apart: t
            .set_apart
            .iter()
            .map(|a| (sources[a.source].label(), a.reason_fr.clone()))
            .collect(),
        share: None,
    };
    // The share of the rule data, when the first file's catalogue has one for this indicator.
    if t.additive {
        let first = t.rows.first().map(|r| &sources[r.source]);
        out.share = first.and_then(|src| {
            let rule = crate::calc::plai_share_rule(src.cat, &t.code)?;
            let breakdown = src
                .cat
                .indicator(&t.code)?
                .breakdown_index(&rule.breakdown)?;
            Some(TableShare {
                label_fr: format!(
                    "Part de {} parmi {}",
                    rule.numerator.join(" + "),
                    rule.denominator.join(" + ")
                ),
                breakdown,
                numerator: rule.numerator.clone(),
                denominator: rule.denominator.clone(),
            })
        });
    }
    compare(&mut out, objectives);
    out
}

/// Applies one change to a table's rows; says whether it matched anything.
fn apply(
    change: &Change,
    index: usize,
    t: &Table,
    rows: &mut Vec<Row>,
    unventilated: &mut [Row],
    n: usize,
) -> bool {
    let col_of = |k: &str| t.columns.iter().position(|c| c.key == k);
    match change {
        Change::Cell {
            source,
            indicator,
            column,
            value,
        } => {
            if indicator != &t.code {
                return false;
            }
            let Some(c) = col_of(column) else {
                return false;
            };
            let mut hit = false;
            for r in rows.iter_mut().chain(unventilated.iter_mut()) {
                if &r.id == source && r.applicable[c] {
                    r.values[c] = *value;
                    r.invalid[c] = false;
                    r.changed[c] = true;
                    hit = true;
                }
            }
            hit
        }
        Change::Scale {
            source,
            indicator,
            percent,
        } => {
            if indicator != &t.code || !t.additive {
                return false;
            }
            let mut hit = false;
            for r in rows.iter_mut().chain(unventilated.iter_mut()) {
                if source.as_ref().is_none_or(|s| s == &r.id) {
                    scale(r, &t.columns, percent / 100.0);
                    hit = true;
                }
            }
            hit
        }
        Change::Realisation { percent } => {
            if !t.additive {
                return false;
            }
            for r in rows.iter_mut().chain(unventilated.iter_mut()) {
                scale(r, &t.columns, percent / 100.0);
            }
            true
        }
        Change::Organism { name, values } => {
            let prefix = crate::convention::key::indicator_prefix(&t.code);
            let mut row_values = vec![None; n];
            let mut any = false;
            for (k, v) in values {
                if let Some(col) = k.strip_prefix(&prefix).and_then(col_of) {
                    row_values[col] = Some(*v);
                    any = true;
                }
            }
            if any {
                rows.push(Row {
                    id: format!("hypothese:{index}"),
                    label: format!("{name} (hypothèse)"),
                    hypothetical: true,
                    basis_fr: "hypothèse du scénario".into(),
                    basis_keys: Vec::new(),
                    levels_fr: String::new(),
                    values: row_values,
                    invalid: vec![false; n],
                    changed: vec![true; n],
                    applicable: vec![true; n],
                    first_year: None,
                    key: None,
                });
            }
            any
        }
    }
}

/// A rate applied to a row's commitments: the reference (past figures) is never scaled.
fn scale(r: &mut Row, columns: &[Column], factor: f64) {
    for (c, v) in r.values.iter_mut().enumerate() {
        if !columns[c].aligned.is_commitment() {
            continue;
        }
        if let Some(x) = v {
            *x *= factor;
            r.changed[c] = true;
        }
    }
}

fn total(rows: &[Row], unventilated: &[Row], c: usize) -> Total {
    let mut t = Total::default();
    for r in rows.iter().filter(|r| r.applicable[c]) {
        match r.values[c] {
            Some(v) => {
                t.exact += v;
                t.filled += 1;
                t.terms.push(v);
            }
            None if r.invalid[c] => t.invalid += 1,
            None => t.empty += 1,
        }
    }
    for r in unventilated {
        let Some(v) = r.values[c] else {
            if r.invalid[c] {
                t.invalid += 1;
            }
            continue;
        };
        match r.key {
            Some(k) => {
                t.estimated += v * k;
                t.filled += 1;
                t.estimates.push((v, k));
            }
            None => t.unventilated += 1,
        }
    }
    t
}

impl Total {
    /// « Somme de 3 organismes : 12 + 8 + 0 = 20 ; 1 organisme a laissé la cellule vide ».
    pub fn formula_fr(&self) -> String {
        let all: Vec<String> = self
            .terms
            .iter()
            .map(|v| format_fr(*v, 2))
            .chain(
                self.estimates
                    .iter()
                    .map(|(v, k)| format!("{} × {} %", format_fr(*v, 2), format_fr(k * 100.0, 2))),
            )
            .collect();
        let mut f = if all.is_empty() {
            "Aucune valeur saisie à cette maille".to_string()
        } else {
            format!(
                "Somme de {} : {} = {}{}",
                plural(self.filled, "organisme", "organismes"),
                all.join(" + "),
                format_fr(self.exact + self.estimated, 2),
                if self.estimates.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (dont {} estimé par clé de répartition)",
                        format_fr(self.estimated, 2)
                    )
                }
            )
        };
        let caveats = self.caveats(false);
        if !caveats.is_empty() {
            f = format!("{f} ; {caveats}");
        }
        f
    }
}

/// A share objective (« 30 % de PLAI » on a window) against the share of the summed counts of
/// that period: numerator and denominator financings added over the organisms at the level.
fn share_comparison(t: &ConsolidatedTable, o: &Objective) -> Comparison {
    let period = o.aligned();
    let label = format!(
        "{}, {}",
        t.share.as_ref().map_or("Part", |s| s.label_fr.as_str()),
        period
            .map(Aligned::label_fr)
            .unwrap_or_else(|| o.period.clone())
    );
    let sum = |members: &[String], share: &TableShare| -> Option<f64> {
        let v: Vec<f64> = t
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                Some(c.aligned) == period
                    && c.split.part.is_none()
                    && c.split.members.iter().enumerate().all(|(i, m)| {
                        if i == share.breakdown {
                            m.as_ref().is_some_and(|m| members.contains(m))
                        } else {
                            m.is_none()
                        }
                    })
            })
            .filter_map(|(c, _)| t.totals[c].value())
            .collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let figures = t.share.as_ref().and_then(|sh| {
        Some((sum(&sh.numerator, sh)?, sum(&sh.denominator, sh)?)).filter(|(_, d)| *d > 0.0)
    });
    let committed = figures.map(|(n, d)| n / d * 100.0);
    let gap = committed.map(|v| v - o.value);
    let text_fr = match (figures, gap) {
        (_, _) if t.share.is_none() => format!(
            "L'objectif de part ({}) ne correspond à aucune part définie pour {}.",
            label, t.code
        ),
        (Some((n, d)), Some(g)) => format!(
            "{} des engagements : {} ÷ {} = {} % pour un objectif de {} % : {} point{} {}.",
            t.share.as_ref().map_or("", |s| s.label_fr.as_str()),
            format_fr(n, 1),
            format_fr(d, 1),
            format_fr(n / d * 100.0, 1),
            format_fr(o.value, 1),
            format_fr(g.abs(), 1),
            if g.abs() >= 2.0 { "s" } else { "" },
            if g >= 0.0 { "au-dessus" } else { "en dessous" },
        ),
        _ => format!(
            "Aucun engagement chiffré sur cette période pour un objectif de part de {} %.",
            format_fr(o.value, 1)
        ),
    };
    Comparison {
        objective: o.clone(),
        column: None,
        column_label: label,
        committed,
        estimate: false,
        gap,
        coverage: None,
        text_fr,
    }
}

/// The label of an objective's split and period in a table (« PLAI, 2022 »), never its key.
fn objective_label(t: &ConsolidatedTable, o: &Objective) -> String {
    let split = t
        .columns
        .iter()
        .find(|c| c.key.split('|').next() == Some(o.split.as_str()))
        .and_then(|c| c.label_fr.split_once(" — ").map(|x| x.1.to_string()))
        .unwrap_or_else(|| o.split.clone());
    let period = o
        .aligned()
        .map(Aligned::label_fr)
        .unwrap_or_else(|| o.period.clone());
    format!("{split}, {period}")
}

/// The column an objective is compared with: its split and calendar period (a level's window
/// objective is read at the window's end).
fn objective_column(t: &ConsolidatedTable, o: &Objective) -> Option<usize> {
    let a = o.aligned()?;
    let direct = t.column(&crate::convention::key::column_key(&o.split, &a.key()));
    match (direct, a) {
        (Some(c), _) => Some(c),
        (None, Aligned::Window(_, b)) => t.column(&crate::convention::key::column_key(
            &o.split,
            &Aligned::End(b).key(),
        )),
        _ => None,
    }
}

fn compare(t: &mut ConsolidatedTable, objectives: &[Objective]) {
    let mine: Vec<&Objective> = objectives
        .iter()
        .filter(|o| o.indicator == t.code)
        .collect();
    if mine.is_empty() {
        return;
    }
    let yearly = |split: &str, y: i32| {
        mine.iter()
            .find(|o| o.split == split && o.aligned() == Some(Aligned::Year(y)))
            .map(|o| o.value)
    };
    // Yearly objectives of an indicator committed only at 3 and 6 years (a PLH's production per
    // calendar year against PP-1): compared on each cumulative window whose years all have an
    // objective.
    let has_years = t
        .columns
        .iter()
        .any(|c| matches!(c.aligned, Aligned::Year(_)));
    let mut synthesized: Vec<(Objective, String)> = Vec::new();
    if !has_years {
        for col in &t.columns {
            let Aligned::Window(a, b) = col.aligned else {
                continue;
            };
            let split = col.key.split('|').next().unwrap_or_default();
            if mine
                .iter()
                .any(|o| o.split == split && o.aligned() == Some(col.aligned))
            {
                continue;
            }
            let values: Vec<f64> = (a..=b).filter_map(|y| yearly(split, y)).collect();
            if values.len() == (b - a + 1) as usize {
                synthesized.push((
                    Objective {
                        indicator: t.code.clone(),
                        split: split.to_string(),
                        period: col.aligned.key(),
                        value: values.iter().sum(),
                        territory: None,
                    },
                    format!(" (somme des objectifs annuels de {a} à {b})"),
                ));
            }
        }
    }
    let direct = mine.iter().map(|o| ((*o).clone(), String::new()));
    for (o, origin) in direct.chain(synthesized) {
        let o = &o;
        if o.split == SHARE_SPLIT {
            let c = share_comparison(t, o);
            t.comparisons.push(c);
            continue;
        }
        let Some(c) = objective_column(t, o) else {
            if !has_years && matches!(o.aligned(), Some(Aligned::Year(_))) {
                // Counted in the cumulative windows above, when they cover its year.
                continue;
            }
            t.comparisons.push(Comparison {
                objective: o.clone(),
                column: None,
                column_label: objective_label(t, o),
                committed: None,
                estimate: false,
                gap: None,
                coverage: None,
                text_fr: format!(
                    "L'objectif {} ({}) ne correspond à aucune période des conventions de ce tableau.",
                    o.indicator,
                    objective_label(t, o)
                ),
            });
            continue;
        };
        let committed = if t.additive {
            t.totals[c].value()
        } else {
            t.stats[c].as_ref().map(|s| s.median)
        };
        let estimate = t.additive && t.totals[c].is_estimate();
        let gap = committed.map(|v| v - o.value);
        let coverage = committed
            .filter(|_| o.value != 0.0)
            .map(|v| v / o.value * 100.0);
        let what = if t.additive {
            "Engagements"
        } else {
            "Médiane des engagements"
        };
        // Organisms committed only at a wider level are not in the total: said, with their
        // figure at that level, so that a gap is never read as the whole story.
        let apart = if t.additive && t.totals[c].unventilated > 0 {
            let n = t.totals[c].unventilated;
            format!(
                " Hors total : {} engagé{} seulement à une maille plus large ({} à cette maille-là, non réparti{}).",
                plural(n, "organisme", "organismes"),
                if n > 1 { "s" } else { "" },
                format_fr(t.unventilated_totals[c].unwrap_or_default(), 1),
                if n > 1 { "s" } else { "" },
            )
        } else {
            String::new()
        };
        let text_fr = match (committed, gap) {
            (Some(v), Some(g)) => format!(
                "{what} {}{} pour un objectif de {} : {} de {} ({}).{apart}",
                format_fr(v, 1),
                if estimate { " (estimation)" } else { "" },
                format_fr(o.value, 1),
                if g >= 0.0 { "excédent" } else { "manque" },
                format_fr(g.abs(), 1),
                match coverage {
                    Some(p) => format!("objectif couvert à {} %", format_fr(p, 1)),
                    None => "objectif nul".to_string(),
                }
            ),
            _ => format!(
                "Aucun engagement saisi pour un objectif de {}.{apart}",
                format_fr(o.value, 1)
            ),
        };
        t.comparisons.push(Comparison {
            objective: o.clone(),
            column: Some(c),
            column_label: format!("{}{origin}", t.columns[c].label_fr),
            committed,
            estimate,
            gap,
            coverage,
            text_fr,
        });
    }
    // Per calendar year and cumulated, for counts with yearly objectives and yearly columns.
    if !t.additive || !has_years {
        return;
    }
    let mut splits: Vec<&str> = mine
        .iter()
        .filter(|o| matches!(o.aligned(), Some(Aligned::Year(_))))
        .map(|o| o.split.as_str())
        .collect();
    splits.sort();
    splits.dedup();
    for split in splits {
        let mut lines = Vec::new();
        let (mut co, mut cc) = (0.0, 0.0);
        for (c, col) in t.columns.iter().enumerate() {
            let Aligned::Year(y) = col.aligned else {
                continue;
            };
            if col.key.split('|').next() != Some(split) {
                continue;
            }
            let objective = yearly(split, y);
            let committed = t.totals[c].value();
            co += objective.unwrap_or(0.0);
            cc += committed.unwrap_or(0.0);
            lines.push(YearLine {
                year: y,
                label: col.label_fr.clone(),
                objective,
                committed,
                cumulated_objective: co,
                cumulated_committed: cc,
                cumulated_coverage: (co != 0.0).then(|| cc / co * 100.0),
            });
        }
        t.years.push((split.to_string(), lines));
    }
}

/// What a block copied from a spreadsheet writes when pasted into the objectives grid (rows:
/// splits, columns: periods) at one cell.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectivePaste {
    /// The objectives set (an empty cell of the block changes nothing).
    pub objectives: Vec<Objective>,
    /// French messages for the cells that are not a positive number (nothing of them stored).
    pub bad: Vec<String>,
    /// Values beyond the grid's last row or column (not stored).
    pub outside: usize,
}

/// The objectives a block pasted at (`row`, `col`) of the objectives grid of `indicator` sets,
/// with the same parser as every grid of the app (`convention::parse_pasted_block`): a row of a
/// spreadsheet spreads over the periods, never one number.
pub fn paste_objectives(
    indicator: &str,
    splits: &[String],
    periods: &[String],
    text: &str,
    row: usize,
    col: usize,
) -> ObjectivePaste {
    let mut out = ObjectivePaste::default();
    for (i, line) in crate::convention::parse_pasted_block(text)
        .into_iter()
        .enumerate()
    {
        for (j, cell) in line.into_iter().enumerate() {
            let (Some(split), Some(period)) = (splits.get(row + i), periods.get(col + j)) else {
                if !matches!(cell, Ok(None)) {
                    out.outside += 1;
                }
                continue;
            };
            match cell {
                Ok(None) => {}
                Ok(Some(v)) if v >= 0.0 => out.objectives.push(Objective {
                    indicator: indicator.to_string(),
                    split: split.clone(),
                    period: period.clone(),
                    value: v,
                    territory: None,
                }),
                Ok(Some(_)) => out
                    .bad
                    .push("Un objectif est un nombre positif ou nul.".to_string()),
                Err(m) => out.bad.push(m),
            }
        }
    }
    out
}

/// The value of field `text` of line `n`: a French number, positive or zero; else the message
/// (« Ligne 3 : un objectif est un nombre positif ou nul. »), `what` naming the figure.
pub(super) fn positive_value(text: &str, n: usize, what: &str) -> Result<f64, String> {
    match crate::numfmt::parse_fr(text) {
        Ok(v) if v >= 0.0 && v.is_finite() => Ok(v),
        Ok(_) => Err(format!("Ligne {n} : {what} est un nombre positif ou nul.")),
        Err(e) => Err(format!("Ligne {n} : {}", e.message_fr(text))),
    }
}

/// The lines of a block pasted from a spreadsheet or read from a CSV file, numbered from 1, split
/// into trimmed fields (tabs, else `;`, else `,`); empty lines and a first line starting with
/// « indicateur » (a header) are skipped.
pub(super) fn pasted_lines(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || (i == 0 && line.to_lowercase().starts_with("indicateur")) {
            continue;
        }
        let sep = if line.contains('\t') {
            '\t'
        } else if line.contains(';') {
            ';'
        } else {
            ','
        };
        out.push((i + 1, line.split(sep).map(str::trim).collect()));
    }
    out
}

/// Objectives pasted from a spreadsheet or read from a CSV file: one per line,
/// `indicateur;ventilation;période;valeur` (tabs, `;` or `,` between fields when the values do
/// not use a decimal comma), French numbers; an optional header line starting with
/// « indicateur ». `Err`: one French message per wrong line, naming it.
pub fn parse_objectives(text: &str) -> Result<Vec<Objective>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, f) in pasted_lines(text) {
        if f.len() != 4 {
            errors.push(format!(
                "Ligne {n} : {} champ{} au lieu de 4 (indicateur, ventilation, période, valeur).",
                f.len(),
                if f.len() > 1 { "s" } else { "" }
            ));
            continue;
        }
        let Some(period) = Aligned::parse(f[2]) else {
            errors.push(format!(
                "Ligne {n} : « {} » n'est pas une période (une année comme 2022, un cumul comme 2019-2024 ou « Cumul 2019–2024 », « Fin 2021 », « Référence »).",
                f[2]
            ));
            continue;
        };
        match positive_value(f[3], n, "un objectif") {
            Ok(v) => out.push(Objective {
                indicator: f[0].to_string(),
                split: f[1].to_string(),
                period: period.key(),
                value: v,
                territory: None,
            }),
            Err(m) => errors.push(m),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn periods() -> Vec<String> {
        (2020..=2025).map(|y| y.to_string()).collect()
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn a_pasted_row_spreads_over_the_periods() {
        let splits = vec!["total".to_string(), "PLAI".to_string()];
        // (block, row, col) → (values set as (split, period, value), bad, outside)
        let cases: Vec<(&str, usize, usize, Vec<(&str, &str, f64)>, usize, usize)> = vec![
            (
                "500\t500\t500\t500\t500\t480",
                0,
                0,
                vec![
                    ("total", "2020", 500.0),
                    ("total", "2021", 500.0),
                    ("total", "2022", 500.0),
                    ("total", "2023", 500.0),
                    ("total", "2024", 500.0),
                    ("total", "2025", 480.0),
                ],
                0,
                0,
            ),
            // From the 5th column: two fit, one falls outside.
            (
                "1 500\t2 000\t3",
                0,
                4,
                vec![("total", "2024", 1500.0), ("total", "2025", 2000.0)],
                0,
                1,
            ),
            // Two lines, an empty cell changes nothing, a word and a negative are refused.
            (
                "10\t\t12\n3\tbeaucoup\t-1\n",
                0,
                0,
                vec![
                    ("total", "2020", 10.0),
                    ("total", "2022", 12.0),
                    ("PLAI", "2020", 3.0),
                ],
                2,
                0,
            ),
        ];
        for (text, r, c, want, bad, outside) in cases {
            let got = paste_objectives("PP-1", &splits, &periods(), text, r, c);
            let set: Vec<(&str, &str, f64)> = got
                .objectives
                .iter()
                .map(|o| (o.split.as_str(), o.period.as_str(), o.value))
                .collect();
            assert_eq!(set, want, "{text:?}");
            assert_eq!(got.bad.len(), bad, "{text:?}: {:?}", got.bad);
            assert_eq!(got.outside, outside, "{text:?}");
        }
    }

    #[test]
    fn pasted_objective_lines_accept_the_labels_the_grid_shows() {
        let got = parse_objectives(
            "indicateur;ventilation;période;valeur\nPP-1;total;2022;1 200\nPP-1;PLAI;Cumul 2019–2024;300\nSR-1;valeur;Fin 2021;40\n",
        )
        .unwrap();
        let periods: Vec<&str> = got.iter().map(|o| o.period.as_str()).collect();
        assert_eq!(periods, ["2022", "2019-2024", "fin-2021"]);
        let err = parse_objectives("PP-1;total;demain;3").unwrap_err();
        assert!(err[0].contains("n'est pas une période"), "{err:?}");
    }
}
