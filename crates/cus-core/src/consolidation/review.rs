//! « Évaluations » in « Simuler sur mon territoire »: the evaluation files of many organisms side
//! by side on the territory, for the DDT-M or the DREAL writing the regional synthesis.
//!
//! The territory is read exactly as the consolidation reads it (the rows of each organism chosen
//! by [`super::extract`]: its rows at the territory's level, finer rows that add up to it, or,
//! apart, « non ventilé », its coarser rows); each organism's commitments and achievements come
//! from [`crate::evaluation::evaluate`] on those rows. Organisms are grouped by generation, CUS
//! kind and evaluation (mi-parcours, finale…): totals are only made inside one group, and only
//! of counts at the territory's level whose commitment and achievement are both known.

use std::collections::{BTreeMap, HashMap};

use super::{Basis, Extract, Source};
use crate::catalogue::{CusKind, EvaluationPeriod, Generation, Indicator, Period};
use crate::convention::{is_additive, splits, SplitKey, TerritoryKey};
use crate::evaluation::{causes, evaluate, Justification, Line, Origin};
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// How the review reads the files, in the words shown to the user.
pub const REVIEW_RULES_FR: &[&str] = &[
    "Chaque organisme est lu sur le territoire comme dans la consolidation : ses lignes à la maille du territoire, ou les lignes plus fines qui s'y additionnent ; un organisme engagé seulement à une maille plus large est montré à part, « non ventilé », et n'entre dans aucun total.",
    "Pour chaque indicateur, l'engagement retenu est le cumul à la dernière année de l'évaluation quand l'indicateur en a un ; sinon, pour un nombre, la somme des années évaluées ; pour un pourcentage, un montant ou une durée, la dernière année évaluée.",
    "Les totaux du territoire n'additionnent que des nombres, et seulement les organismes dont l'engagement et la réalisation sont tous deux connus ; les fichiers de générations, de natures de CUS ou d'évaluations différentes ne sont jamais additionnés ensemble.",
    "Un engagement non tenu est compté une fois par indicateur, territoire et ventilation, si une année ou un cumul de l'évaluation est en dessous de l'engagement, comme dans le contrôle de l'évaluation de l'organisme.",
];

/// Label of an outside cause (data), or its id when unknown.
pub fn cause_label(id: &str) -> String {
    causes()
        .into_iter()
        .find(|c| c.id == id)
        .map(|c| c.label)
        .unwrap_or_else(|| id.to_string())
}

/// « Du fait de l'organisme — « Opérations reportées » », « Cause extérieure (Foncier : …) ».
pub fn justification_fr(j: &Justification) -> String {
    let head = match (j.origin, &j.cause) {
        (Origin::Organisme, _) => "Du fait de l'organisme".to_string(),
        (Origin::Exterieur, Some(c)) => format!("Cause extérieure ({})", cause_label(c)),
        (Origin::Exterieur, None) => "Cause extérieure (non précisée)".to_string(),
    };
    if j.comment.trim().is_empty() {
        head
    } else {
        format!("{head} — « {} »", j.comment.trim())
    }
}

/// One organism's commitment next to its achievement for one indicator and split, on the
/// territory.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewLine {
    /// Index of the source.
    pub source: usize,
    /// The organism's rows read (exact: summed for a count; coarser: « non ventilé »).
    pub basis: Basis,
    pub split: SplitKey,
    pub committed: Option<f64>,
    pub achieved: Option<f64>,
    /// achieved ÷ committed, in percent.
    pub rate: Option<f64>,
    /// achieved − committed (points for a percentage).
    pub gap: Option<f64>,
    /// A year or cumulative of the evaluation is below the commitment, on one of the rows.
    pub missed: bool,
    /// Rows whose commitment was missed without a justification.
    pub unjustified: Vec<TerritoryKey>,
    /// The justifications given on the rows read.
    pub justifications: Vec<(TerritoryKey, Justification)>,
    /// How the figures were obtained (French).
    pub formula_fr: String,
}

/// Sum of an indicator over the organisms of one group, for one split.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewTotal {
    pub split: SplitKey,
    /// The calendar years evaluated by the organisms added (`None`: unknown signing year):
    /// organisms evaluated on different years are never added together.
    pub years: Option<(i32, i32)>,
    pub committed: f64,
    pub achieved: f64,
    pub rate: Option<f64>,
    /// Sources added.
    pub counted: Vec<usize>,
    /// Sources left out of the sum, with the reason (French).
    pub left_out: Vec<(usize, String)>,
    pub formula_fr: String,
}

/// Minimum and maximum of the rates of the organisms, for one split.
#[derive(Clone, Debug, PartialEq)]
pub struct RateRange {
    pub split: SplitKey,
    pub n: usize,
    pub min: f64,
    pub max: f64,
    /// Sources with the lowest and highest rate.
    pub min_source: usize,
    pub max_source: usize,
}

/// One indicator of a group.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorReview {
    pub code: String,
    pub label: String,
    pub unit_fr: String,
    /// A count (totals made).
    pub additive: bool,
    pub percentage: bool,
    /// What is compared (« cumul à 3 ans », « somme des années 1 à 3 », « année 3 »).
    pub period_fr: String,
    /// Splits, totals first, with their French label.
    pub splits: Vec<(SplitKey, String)>,
    pub lines: Vec<ReviewLine>,
    /// Per split (counts only).
    pub totals: Vec<ReviewTotal>,
    /// Per split, over the organisms at the territory's level with a rate.
    pub rates: Vec<RateRange>,
}

/// Missed commitments of an organism or a group, justified or not, by origin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MissedCount {
    /// Missed lines (indicator × row × split): the detail, shown on demand.
    pub missed: usize,
    /// The indicators with at least one missed line (codes, in catalogue order).
    pub indicators: Vec<String>,
    pub justified: usize,
    pub organisme: usize,
    /// By cause id (outside causes), with its label; an outside cause not given is under "".
    pub exterieur: BTreeMap<String, usize>,
}

impl MissedCount {
    pub fn unjustified(&self) -> usize {
        self.missed - self.justified
    }

    pub fn exterieur_total(&self) -> usize {
        self.exterieur.values().sum()
    }

    /// « 2 indicateurs (PP-1, PP-2) sur 5 lignes » (empty: « aucun »).
    pub fn summary_fr(&self) -> String {
        if self.missed == 0 {
            return "aucun".into();
        }
        format!(
            "{} indicateur{} ({}) sur {} ligne{}",
            self.indicators.len(),
            s(self.indicators.len()),
            self.indicators.join(", "),
            self.missed,
            s(self.missed)
        )
    }

    fn add(&mut self, o: &MissedCount) {
        self.missed += o.missed;
        for c in &o.indicators {
            if !self.indicators.contains(c) {
                self.indicators.push(c.clone());
            }
        }
        self.justified += o.justified;
        self.organisme += o.organisme;
        for (k, v) in &o.exterieur {
            *self.exterieur.entry(k.clone()).or_default() += v;
        }
    }
}

/// An organism that transmitted its evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct OrganismReview {
    pub source: usize,
    pub label: String,
    /// Evaluation id and its label with the years (« Évaluation à mi-parcours (2020-2022) »).
    pub evaluation: String,
    pub evaluation_label: String,
    /// Calendar years covered, when the signing year is known.
    pub years: Option<(i32, i32)>,
    /// Committed at the territory's level on at least one indicator; else « non ventilé »
    /// only: shown, never in the group's totals.
    pub at_level: bool,
    pub missed: MissedCount,
}

/// Organisms of one generation, CUS kind and evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewGroup {
    pub generation: Generation,
    pub kind: CusKind,
    pub evaluation: String,
    /// Label of the evaluation in the catalogue (without years).
    pub evaluation_label: String,
    pub organisms: Vec<OrganismReview>,
    pub indicators: Vec<IndicatorReview>,
    /// Indicators not compared in this generation and kind (from the extract), with the reason.
    pub left_out: Vec<super::LeftOut>,
    pub missed: MissedCount,
}

impl ReviewGroup {
    /// « 2e génération — logements locatifs — Évaluation à mi-parcours (bilan triennal) ».
    pub fn label_fr(&self) -> String {
        format!(
            "{} — {} — {}",
            self.generation.label_fr(),
            self.kind.label_fr(),
            self.evaluation_label
        )
    }

    /// « 4 organismes à la maille ; 2 non ventilés, hors total » (the first part alone when
    /// every organism is at the territory's level).
    pub fn counts_fr(&self) -> String {
        let at = self.organisms.iter().filter(|o| o.at_level).count();
        let apart = self.organisms.len() - at;
        let mut out = format!("{at} organisme{} à la maille", s(at));
        if apart > 0 {
            out.push_str(&format!(" ; {apart} non ventilé{}, hors total", s(apart)));
        }
        out
    }

    pub fn organism(&self, source: usize) -> Option<&OrganismReview> {
        self.organisms.iter().find(|o| o.source == source)
    }
}

/// The review of a territory.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    pub territory: TerritoryKey,
    pub territory_label: String,
    /// Kept apart from each other, with the reason in [`ReviewGroup::label_fr`].
    pub groups: Vec<ReviewGroup>,
    /// Organisms on the territory without achievements: « évaluation non transmise ».
    pub not_transmitted: Vec<usize>,
    /// Organisms whose achievements name no evaluation of their catalogue, with the reason.
    pub unreadable: Vec<(usize, String)>,
}

impl Review {
    /// Why the groups are shown apart, when there are several.
    pub fn apart_fr(&self) -> Option<String> {
        (self.groups.len() > 1).then(|| {
            format!(
                "{} ensembles présentés séparément et jamais additionnés, parce que la génération, la nature de CUS ou l'évaluation diffère : {}.",
                self.groups.len(),
                self.groups
                    .iter()
                    .map(|g| format!(
                        "{} ({} organisme{})",
                        g.label_fr(),
                        g.organisms.len(),
                        s(g.organisms.len())
                    ))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            )
        })
    }

    /// Number of organisms that transmitted an evaluation.
    pub fn transmitted(&self) -> usize {
        self.groups.iter().map(|g| g.organisms.len()).sum()
    }
}

/// The period compared for an indicator in an evaluation.
enum Headline {
    One(Period),
    SumOfYears(Vec<u8>),
}

fn headline(ind: &Indicator, period: &EvaluationPeriod) -> Option<(Headline, String)> {
    let periods = ind.periods.periods();
    let last = period.last_year;
    if periods.contains(&Period::Cumulative(last)) {
        return Some((
            Headline::One(Period::Cumulative(last)),
            format!("cumul à {last} ans"),
        ));
    }
    let years: Vec<u8> = (period.first_year..=last)
        .filter(|y| periods.contains(&Period::Year(*y)))
        .collect();
    if years.is_empty() {
        return None;
    }
    // A level is read at the end of the evaluation, never summed over its years.
    if is_additive(ind) && years.len() > 1 && ind.measure != crate::catalogue::Measure::Niveau {
        let fr = format!("somme des années {} à {}", years[0], years[years.len() - 1]);
        Some((Headline::SumOfYears(years), fr))
    } else {
        let y = *years.last().expect("not empty");
        Some((Headline::One(Period::Year(y)), format!("année {y}")))
    }
}

/// One organism's lines, by row and split (`indicator|row|split`).
struct Evaluated<'a> {
    lines: HashMap<String, Vec<&'a Line>>,
}

/// The justifications of the missed lines of a row and split (each once, in the lines' order),
/// and whether every missed line has one.
fn missed_justifications<'a>(
    ach: &'a crate::convention::Achievements,
    lines: &[&Line],
) -> (Vec<&'a Justification>, bool) {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    let mut all = true;
    for l in lines.iter().filter(|l| l.missed) {
        match ach.justification(&l.justification_key()) {
            Some((k, j)) => {
                if !seen.contains(&k) {
                    seen.push(k);
                    out.push(j);
                }
            }
            None => all = false,
        }
    }
    (out, all)
}

impl<'a> Evaluated<'a> {
    fn new(lines: &'a [Line]) -> Self {
        let mut map: HashMap<String, Vec<&Line>> = HashMap::new();
        for l in lines {
            map.entry(l.row_key()).or_default().push(l);
        }
        Evaluated { lines: map }
    }

    fn get(&self, key: &str) -> &[&'a Line] {
        self.lines.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// (committed, achieved) of one row for the headline; `None` achieved when incomplete.
fn row_figures(lines: &[&Line], h: &Headline) -> (Option<f64>, Option<f64>) {
    match h {
        Headline::One(p) => lines
            .iter()
            .find(|l| l.period == *p)
            .map(|l| (l.committed, l.achieved))
            .unwrap_or((None, None)),
        // A year without a commitment (or without an achievement) leaves its side undefined:
        // never a partial sum set against a complete one.
        Headline::SumOfYears(years) => {
            let mut committed = Some(0.0);
            let mut achieved = Some(0.0);
            for y in years {
                match lines.iter().find(|l| l.period == Period::Year(*y)) {
                    Some(l) => {
                        committed = committed.zip(l.committed).map(|(a, b)| a + b);
                        achieved = achieved.zip(l.achieved).map(|(a, b)| a + b);
                    }
                    None => {
                        committed = None;
                        achieved = None;
                    }
                }
            }
            (committed, achieved)
        }
    }
}

/// The evaluation files of the sources, side by side on the territory read by `extract`.
pub fn review(extract: &Extract, sources: &[Source<'_>], geo: &Referential) -> Review {
    let mut out = Review {
        territory: extract.territory.clone(),
        territory_label: extract.territory_label.clone(),
        groups: Vec::new(),
        not_transmitted: Vec::new(),
        unreadable: Vec::new(),
    };
    // Each source's evaluation, computed once.
    let mut periods: Vec<Option<&EvaluationPeriod>> = vec![None; sources.len()];
    let mut evaluated: Vec<Vec<Line>> = vec![Vec::new(); sources.len()];
    for g in &extract.groups {
        for &i in &g.sources {
            if g.absent.contains(&i) {
                continue;
            }
            let s = &sources[i];
            let ach = &s.conv.achievements;
            if ach.values.is_empty() && ach.terms.is_empty() {
                out.not_transmitted.push(i);
                continue;
            }
            match s.cat.evaluations.iter().find(|e| e.id == ach.evaluation) {
                Some(p) => {
                    periods[i] = Some(p);
                    evaluated[i] = evaluate(s.conv, s.cat, Some(geo), ach, p);
                }
                None => out.unreadable.push((
                    i,
                    if ach.evaluation.is_empty() {
                        "réalisations saisies sans dire quelle évaluation elles préparent"
                            .to_string()
                    } else {
                        format!(
                            "évaluation « {} » inconnue du catalogue {} version {}",
                            ach.evaluation, s.cat.id, s.cat.version
                        )
                    },
                )),
            }
        }
    }
    let index: Vec<Evaluated> = evaluated.iter().map(|l| Evaluated::new(l)).collect();
    for g in &extract.groups {
        // Sub-groups by evaluation id, in the order of first appearance.
        let mut evals: Vec<(&str, &EvaluationPeriod, Vec<usize>)> = Vec::new();
        for &i in &g.sources {
            let Some(p) = periods[i] else { continue };
            match evals.iter_mut().find(|(id, _, _)| *id == p.id) {
                Some(e) => e.2.push(i),
                None => evals.push((p.id.as_str(), p, vec![i])),
            }
        }
        for (eval_id, first_period, members) in evals {
            let mut organisms: Vec<OrganismReview> = members
                .iter()
                .map(|&i| {
                    let p = periods[i].expect("member has a period");
                    let y = sources[i].conv.signing_year;
                    OrganismReview {
                        source: i,
                        label: sources[i].label(),
                        evaluation: p.id.clone(),
                        evaluation_label: p.label_for(y),
                        years: y.map(|y| {
                            let r = p.years(y);
                            (*r.start(), *r.end())
                        }),
                        at_level: false,
                        missed: MissedCount::default(),
                    }
                })
                .collect();
            // The evaluated years of each organism, looked up per line below.
            let years_by_source: HashMap<usize, Option<(i32, i32)>> =
                organisms.iter().map(|o| (o.source, o.years)).collect();
            // Missed commitments of each organism on the territory, every indicator it uses
            // (those left out of the comparison included).
            for o in &mut organisms {
                let src = &sources[o.source];
                let ach = &src.conv.achievements;
                let ev = &index[o.source];
                for ind in src.cat.indicators.iter().filter(|i| src.conv.uses(i)) {
                    let Some(basis) = super::territory_rows(&extract.territory, src.conv, ind, geo)
                    else {
                        continue;
                    };
                    o.at_level |= matches!(basis, Basis::Exact(_));
                    for row in basis.rows() {
                        for split in splits(ind) {
                            let key = crate::convention::key::row_key(
                                &ind.code,
                                &row.to_string(),
                                &split.key(),
                            );
                            let ls = ev.get(&key);
                            if !ls.iter().any(|l| l.missed) {
                                continue;
                            }
                            let m = &mut o.missed;
                            m.missed += 1;
                            if !m.indicators.contains(&ind.code) {
                                m.indicators.push(ind.code.clone());
                            }
                            // Justified when each of its missed years or windows is; counted
                            // under the origin of the first.
                            let (js, all) = missed_justifications(ach, ls);
                            if let (Some(j), true) = (js.first(), all) {
                                m.justified += 1;
                                match j.origin {
                                    Origin::Organisme => m.organisme += 1,
                                    Origin::Exterieur => {
                                        *m.exterieur
                                            .entry(j.cause.clone().unwrap_or_default())
                                            .or_default() += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let mut indicators = Vec::new();
            for table in &g.tables {
                let rows: Vec<_> = table
                    .rows
                    .iter()
                    .filter(|r| members.contains(&r.source))
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                // The indicator as the first member's catalogue defines it (identical in the
                // group's catalogues, or the extract would have left it out).
                let Some(ind) = sources[rows[0].source].cat.indicator(&table.code) else {
                    continue;
                };
                let Some((head, period_fr)) = headline(ind, first_period) else {
                    continue;
                };
                let percentage =
                    matches!(ind.value, crate::catalogue::ValueKind::Pourcentage { .. });
                let sp = splits(ind);
                let mut lines = Vec::new();
                for r in &rows {
                    let i = r.source;
                    let ach = &sources[i].conv.achievements;
                    let ev = &index[i];
                    let coarser = matches!(r.basis, Basis::Coarser(_));
                    for split in &sp {
                        let mut committed: Option<f64> = None;
                        let mut achieved: Option<f64> = Some(0.0);
                        let mut any = false;
                        let mut missed = false;
                        let mut unjustified = Vec::new();
                        let mut justifications = Vec::new();
                        let mut parts = Vec::new();
                        let mut all_committed = true;
                        for row in r.basis.rows() {
                            let key = crate::convention::key::row_key(
                                &table.code,
                                &row.to_string(),
                                &split.key(),
                            );
                            let ls = ev.get(&key);
                            if ls.is_empty() {
                                continue;
                            }
                            any = true;
                            let (c, a) = row_figures(ls, &head);
                            if let Some(c) = c {
                                committed = Some(committed.unwrap_or(0.0) + c);
                            }
                            if c.is_some() || a.is_some() {
                                achieved = achieved.zip(a).map(|(x, y)| x + y);
                                // A row achieved without a commitment: the commitment of the
                                // rows summed is not known (an empty cell is not a zero).
                                all_committed &= c.is_some();
                                parts.push((row, c, a));
                            }
                            let row_missed = ls.iter().any(|l| l.missed);
                            let (js, all) = missed_justifications(ach, ls);
                            for j in js {
                                justifications.push((row.clone(), j.clone()));
                            }
                            if row_missed {
                                missed = true;
                                if !all {
                                    unjustified.push(row.clone());
                                }
                            }
                        }
                        if !any || parts.is_empty() {
                            continue;
                        }
                        if committed.is_none() && achieved.is_none() {
                            continue;
                        }
                        let achieved = if parts.iter().all(|p| p.2.is_some()) {
                            achieved
                        } else {
                            None
                        };
                        let committed = committed.filter(|_| all_committed);
                        let rate = match (achieved, committed) {
                            (Some(a), Some(c)) if c > 0.0 => Some(a / c * 100.0),
                            _ => None,
                        };
                        let gap = achieved.zip(committed).map(|(a, c)| a - c);
                        let formula_fr = line_formula(
                            &parts, committed, achieved, rate, percentage, coarser, geo,
                        );
                        lines.push(ReviewLine {
                            source: i,
                            basis: r.basis.clone(),
                            split: split.clone(),
                            committed,
                            achieved,
                            rate,
                            gap,
                            missed,
                            unjustified,
                            justifications,
                            formula_fr,
                        });
                    }
                }
                if lines.is_empty() {
                    continue;
                }
                let additive = is_additive(ind);
                let mut totals = Vec::new();
                let mut rates = Vec::new();
                for split in &sp {
                    let of_split: Vec<&ReviewLine> =
                        lines.iter().filter(|l| &l.split == split).collect();
                    if of_split.is_empty() {
                        continue;
                    }
                    let exact = |l: &&&ReviewLine| matches!(l.basis, Basis::Exact(_));
                    let with_rate: Vec<(usize, f64)> = of_split
                        .iter()
                        .filter(exact)
                        .filter_map(|l| l.rate.map(|r| (l.source, r)))
                        .collect();
                    if let Some(&(min_source, min)) =
                        with_rate.iter().min_by(|a, b| a.1.total_cmp(&b.1))
                    {
                        let &(max_source, max) = with_rate
                            .iter()
                            .max_by(|a, b| a.1.total_cmp(&b.1))
                            .expect("not empty");
                        rates.push(RateRange {
                            split: split.clone(),
                            n: with_rate.len(),
                            min,
                            max,
                            min_source,
                            max_source,
                        });
                    }
                    if !additive {
                        continue;
                    }
                    // One total per evaluated window: a mid-term of a CUS signed in 2019
                    // (2019-2021) is never added to one signed in 2020 (2020-2022).
                    let years_of = |i: usize| years_by_source.get(&i).copied().flatten();
                    let mut windows: Vec<Option<(i32, i32)>> = Vec::new();
                    for l in &of_split {
                        let w = years_of(l.source);
                        if !windows.contains(&w) {
                            windows.push(w);
                        }
                    }
                    windows.sort();
                    for window in windows {
                        let mut t = ReviewTotal {
                            split: split.clone(),
                            years: window,
                            committed: 0.0,
                            achieved: 0.0,
                            rate: None,
                            counted: Vec::new(),
                            left_out: Vec::new(),
                            formula_fr: String::new(),
                        };
                        for l in of_split.iter().filter(|l| years_of(l.source) == window) {
                            match (&l.basis, l.committed, l.achieved) {
                            (Basis::Coarser(_), _, _) => t.left_out.push((
                                l.source,
                                "engagé à une maille plus large que le territoire (non ventilé)"
                                    .to_string(),
                            )),
                            (_, None, _) => t
                                .left_out
                                .push((l.source, "pas d'engagement saisi".to_string())),
                            (_, _, None) => t
                                .left_out
                                .push((l.source, "réalisation incomplète".to_string())),
                            (_, Some(c), Some(a)) => {
                                t.committed += c;
                                t.achieved += a;
                                t.counted.push(l.source);
                            }
                        }
                        }
                        if t.counted.is_empty() {
                            continue;
                        }
                        t.rate = (t.committed > 0.0).then(|| t.achieved / t.committed * 100.0);
                        t.formula_fr = format!(
                            "{}{} organisme{} additionné{} : {} réalisé{} pour {} engagé{}{}{}",
                            window
                                .map(|(a, b)| format!("{a}-{b} : "))
                                .unwrap_or_default(),
                            t.counted.len(),
                            s(t.counted.len()),
                            s(t.counted.len()),
                            format_fr(t.achieved, 2),
                            s_f(t.achieved),
                            format_fr(t.committed, 2),
                            s_f(t.committed),
                            match t.rate {
                                Some(r) => format!(" ; taux {} %", format_fr(r, 1)),
                                None => String::new(),
                            },
                            if t.left_out.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " ; {} organisme{} laissé{} de côté",
                                    t.left_out.len(),
                                    s(t.left_out.len()),
                                    s(t.left_out.len())
                                )
                            }
                        );
                        totals.push(t);
                    }
                }
                indicators.push(IndicatorReview {
                    code: table.code.clone(),
                    label: table.label.clone(),
                    unit_fr: table.unit_fr.clone(),
                    additive,
                    percentage,
                    period_fr,
                    splits: sp.iter().map(|x| (x.clone(), x.label_fr(ind))).collect(),
                    lines,
                    totals,
                    rates,
                });
            }
            // The group's misses are those of the organisms at the territory's level, as its
            // totals: an organism « non ventilé » is shown, never counted in.
            let mut missed = MissedCount::default();
            for o in organisms.iter().filter(|o| o.at_level) {
                missed.add(&o.missed);
            }
            out.groups.push(ReviewGroup {
                generation: g.generation,
                kind: g.kind,
                evaluation: eval_id.to_string(),
                evaluation_label: first_period.label.clone(),
                organisms,
                indicators,
                left_out: g.left_out.clone(),
                missed,
            });
        }
    }
    out
}

fn s(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

fn s_f(x: f64) -> &'static str {
    if x.abs() >= 2.0 {
        "s"
    } else {
        ""
    }
}

fn line_formula(
    parts: &[(&TerritoryKey, Option<f64>, Option<f64>)],
    committed: Option<f64>,
    achieved: Option<f64>,
    rate: Option<f64>,
    percentage: bool,
    coarser: bool,
    geo: &Referential,
) -> String {
    let unit = if percentage { " %" } else { "" };
    let num = |x: Option<f64>| {
        x.map(|v| format!("{}{unit}", format_fr(v, 2)))
            .unwrap_or_else(|| "vide".into())
    };
    let mut out = String::new();
    if coarser {
        out.push_str("Non ventilé à cette maille : chiffres de ");
        out.push_str(
            &parts
                .iter()
                .map(|(r, _, _)| match r {
                    TerritoryKey::Organisme => "l'organisme entier".to_string(),
                    other => super::territory_label(other, geo),
                })
                .collect::<Vec<_>>()
                .join(" + "),
        );
        out.push_str(" ; ");
    }
    let head = if coarser { "réalisé" } else { "Réalisé" };
    if parts.len() > 1 {
        out.push_str(&format!(
            "{head} {} = {} ; engagé {} = {}",
            parts
                .iter()
                .map(|p| num(p.2))
                .collect::<Vec<_>>()
                .join(" + "),
            num(achieved),
            parts
                .iter()
                .map(|p| num(p.1))
                .collect::<Vec<_>>()
                .join(" + "),
            num(committed),
        ));
    } else {
        out.push_str(&format!(
            "{head} {} ; engagé {}",
            num(achieved),
            num(committed)
        ));
    }
    if achieved.is_none() {
        out.push_str(" (réalisation incomplète)");
    }
    if let (Some(r), Some(a), Some(c)) = (rate, achieved, committed) {
        out.push_str(&format!(
            " ; taux {} ÷ {} = {} % ; écart {}",
            format_fr(a, 2),
            format_fr(c, 2),
            format_fr(r, 1),
            if percentage {
                crate::numfmt::points_fr(a - c, false)
            } else {
                format_fr(a - c, 2)
            }
        ));
    }
    out
}
