//! « Évaluer ma CUS »: achievements next to commitments for one evaluation of a convention.
//!
//! The evaluations that exist, and the years each covers, are catalogue data
//! ([`crate::catalogue::EvaluationPeriod`]). Achievements are entered per calendar year (counts,
//! or for a percentage its numerator and denominator, arrêté du 19 octobre 2017, art. 3); the
//! cumulatives at 3 and 6 years are computed from them. Every rate and gap says how it was
//! computed and from which cells; a commitment missed without a justification is a warning.

use serde::Deserialize;

mod organism;
mod owners;
mod paste;
pub mod report;

pub use organism::{organism_lines, OrgEvalLine};
pub use owners::Owners;
pub use paste::{paste_achievements, AchievementPaste};

/// The achievement types live with the convention that carries them.
pub use crate::convention::{Achievements, Justification, Origin, Signature, SignedVersion, Terms};

use crate::catalogue::{Catalogue, EvaluationPeriod, Indicator, Measure, Period, ValueKind};
use crate::convention::{
    is_additive, period_key, splits, Convention, SplitKey, TerritoryKey, Values,
};
use crate::diagnostic::{Diagnostic, Location};
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// The code of a missed commitment left without justification (a warning to acknowledge).
pub const JUSTIFY: &str = "W-EVAL-JUSTIFY";
/// The code of an achievement outside the usual range of its indicator (data: `value_ranges`;
/// an evaluation diagnostic, apart from the commitment's own `W-PLAUSIBLE-RANGE`).
pub const PLAUSIBLE_RANGE: &str = "W-EVAL-PLAUSIBLE-RANGE";

/// A cause of a gap offered to the organism (data).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Cause {
    pub id: String,
    pub label: String,
}

/// The causes of `data/rules/evaluation.json`.
pub fn causes() -> Vec<Cause> {
    #[derive(Deserialize)]
    struct File {
        causes: Vec<Cause>,
    }
    serde_json::from_str::<File>(include_str!("../../../../data/rules/evaluation.json"))
        .map(|f| f.causes)
        .unwrap_or_default()
}

/// The evaluation to propose for a convention: the latest whose years are all over in
/// `current_year`, else the first (an evaluation being prepared).
pub fn due(cat: &Catalogue, signing_year: i32, current_year: i32) -> Option<&EvaluationPeriod> {
    cat.evaluations
        .iter()
        .filter(|e| *e.years(signing_year).end() < current_year)
        .max_by_key(|e| (e.last_year, e.last_year - e.first_year))
        .or_else(|| cat.evaluations.first())
}

/// The convention with the commitments of `versions[i]`, as they were signed before an avenant
/// (to compare the achievements with the first commitments too); `None` if there is no such
/// version.
pub fn with_version(conv: &Convention, i: usize) -> Option<Convention> {
    let v = conv.versions.get(i)?;
    let mut c = conv.clone();
    c.values = v.values.clone();
    c.signature = Some(v.signature.clone());
    c.versions.truncate(i);
    Some(c)
}

/// The commitments a calendar year is measured against: the version in force that year, with
/// its signature (`None` while nothing is signed: the commitments as they stand).
///
/// The texts read fix the commitments « par année civile » (arrêté du 19 octobre 2017, art.
/// 6-1) and say nothing of how an avenant acts on the years before it; the rule here is an
/// inference, stated in `data/rules/evaluation.json` (`versions`): the initial convention
/// applies from its first year, an avenant from the calendar year of its signature, and a year
/// or a cumulative window is measured against the version in force in its last year. An avenant
/// being prepared (not signed) applies to no year until it is signed.
pub fn in_force(conv: &Convention, year: Option<i32>) -> (Option<&Signature>, &Values) {
    let mut signed: Vec<(&Signature, &Values)> = conv
        .versions
        .iter()
        .map(|v| (&v.signature, &v.values))
        .collect();
    if let Some(s) = &conv.signature {
        signed.push((s, &conv.values));
    }
    let chosen = signed
        .iter()
        .enumerate()
        .filter(|(i, (s, _))| *i == 0 || year.is_none_or(|y| s.year().is_some_and(|sy| sy <= y)))
        .map(|(_, v)| *v)
        .next_back();
    match chosen {
        Some((s, v)) => (Some(s), v),
        None => (None, &conv.values),
    }
}

/// The calendar year a period of the convention ends in (`None` for the reference, or without
/// a signing year).
fn last_calendar_year(conv: &Convention, p: Period) -> Option<i32> {
    match p {
        // (Saturating: a signing year read from a file may be anything.)
        Period::Year(n) | Period::Cumulative(n) => conv
            .signing_year
            .map(|y| y.saturating_add(i32::from(n) - 1)),
        Period::Reference => None,
    }
}

/// The commitment of cell `key` (of period `p`) as the evaluation reads it: from the version in
/// force in the period's last year ([`in_force`]), valid for its indicator (a part stated as a
/// percentage of its total, valid as a percentage).
pub fn committed(conv: &Convention, ind: &Indicator, key: &str, p: Period) -> Option<f64> {
    let share = crate::convention::part_share_of_cell(ind, key);
    in_force(conv, last_calendar_year(conv, p))
        .1
        .get(key)
        .and_then(|v| crate::convention::valid_number_at(ind, share, v))
}

/// The rule of [`in_force`] in words, with its wording status (data).
/// (Parsed once: the bilan and the report show it on each render.)
pub fn versions_rule_fr() -> &'static str {
    #[derive(Deserialize)]
    struct Rule {
        text: String,
    }
    #[derive(Deserialize)]
    struct File {
        versions: Rule,
    }
    static RULE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RULE.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("../../../../data/rules/evaluation.json"))
            .map(|f| f.versions.text)
            .unwrap_or_default()
    })
}

/// One commitment next to its achievement.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub indicator: String,
    pub territory: TerritoryKey,
    pub split: SplitKey,
    pub period: Period,
    pub committed: Option<f64>,
    pub achieved: Option<f64>,
    /// achieved ÷ committed, in percent.
    pub rate: Option<f64>,
    /// achieved − committed, in units (points for a percentage).
    pub gap: Option<f64>,
    pub percentage: bool,
    /// The achievement is below the commitment (counts and percentages).
    pub missed: bool,
    pub formula_fr: String,
    /// The achievement cells used.
    pub cells: Vec<String>,
    /// The signed version of the commitments the line is measured against ([`in_force`]);
    /// `None` when nothing is signed.
    pub measured_against: Option<Signature>,
}

impl Line {
    /// `indicator|territory|split|period`: the key of its justification (one per commitment
    /// line: a year or a window).
    pub fn justification_key(&self) -> String {
        key(&self.indicator, &self.territory, &self.split, self.period)
    }

    /// `indicator|territory|split`: the row and split the line belongs to, whatever its period.
    pub fn row_key(&self) -> String {
        crate::convention::key::row_key(
            &self.indicator,
            &self.territory.to_string(),
            &self.split.key(),
        )
    }

    /// « Avenant n° 1 », « Convention initiale », or « non signés »: the version's label, for a
    /// column headed « Engagement de ».
    pub fn version_label_fr(&self) -> String {
        match &self.measured_against {
            Some(s) => s.label.clone(),
            None => "non signés".to_string(),
        }
    }

    /// « Avenant n° 1 signé le 15/03/2024 », or « engagements non signés ».
    pub fn version_fr(&self) -> String {
        match &self.measured_against {
            Some(s) => s.signed_fr(),
            None => "engagements non signés".to_string(),
        }
    }
}

fn key(code: &str, row: &TerritoryKey, split: &SplitKey, p: Period) -> String {
    crate::convention::key::cell_key_of(code, row, split, p)
}

/// The achievement of one year: a count, or a percentage from its terms.
fn achieved_year(ind: &Indicator, ach: &Achievements, k: &str) -> Option<(f64, f64)> {
    match ind.value {
        ValueKind::Pourcentage { .. } => {
            let t = ach.terms.get(k)?;
            Some((t.numerator?, t.denominator?))
        }
        _ => ach.values.get(k).map(|v| (*v, 1.0)),
    }
}

/// Every commitment of the evaluation's years next to its achievement.
pub fn evaluate(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
) -> Vec<Line> {
    evaluate_in(conv, cat, geo, ach, period, None)
}

/// The indicator code a cell key, a justification key or an evaluation diagnostic is about.
pub fn indicator_of(key: &str) -> &str {
    crate::convention::key::indicator_of(key)
}

/// What to look at: everything (`None`), some indicators, or the diagnostics of some owners.
type Only<'a> = Option<Within<'a>>;

#[derive(Clone, Copy)]
enum Within<'a> {
    /// These indicator codes.
    Indicators(&'a std::collections::BTreeSet<String>),
    /// The diagnostics these own (see [`Owners`]), every one looked up rather than searched.
    Owners(&'a Owners),
}

/// Is indicator `code` looked at? (For owners: does one name it; finer filters follow.)
fn within(only: Only<'_>, code: &str) -> bool {
    match only {
        None => true,
        Some(Within::Indicators(o)) => o.contains(code),
        Some(Within::Owners(o)) => o.indicator(code),
    }
}

/// Are the lines of this row and split looked at?
fn within_line(only: Only<'_>, code: &str, row: &TerritoryKey, split: Option<&SplitKey>) -> bool {
    match (only, split) {
        (Some(Within::Owners(o)), None) => o.line_row(code, row),
        (Some(Within::Owners(o)), Some(s)) => o.justification(&crate::convention::key::row_key(
            code,
            &row.to_string(),
            &s.key(),
        )),
        _ => true,
    }
}

/// Is this justification key (or key of an achievement) looked at?
fn within_key(only: Only<'_>, key: &str) -> bool {
    match only {
        Some(Within::Owners(o)) => o.justification(key),
        _ => within(only, indicator_of(key)),
    }
}

/// Are the sums of this row and year looked at?
fn within_sums(only: Only<'_>, code: &str, row: &TerritoryKey, year: Option<u8>) -> bool {
    match only {
        Some(Within::Owners(o)) => o
            .sums(code, row)
            .is_some_and(|ys| year.is_none_or(|y| ys.contains(&period_key(Period::Year(y))))),
        _ => true,
    }
}

/// The entries of an achievement map looked at, in key order: those of the indicators looked
/// at, or the owned cells' (looked up, the map never scanned).
fn entries<'m, V>(
    map: &'m crate::convention::AchievedMap<V>,
    only: Only<'m>,
) -> Box<dyn Iterator<Item = (&'m String, &'m V)> + 'm> {
    match only {
        Some(Within::Owners(o)) => Box::new(o.cells().filter_map(|k| map.get_key_value(k))),
        _ => Box::new(
            map.iter()
                .filter(move |(k, _)| within(only, indicator_of(k))),
        ),
    }
}

/// [`evaluate`] restricted to some indicators.
fn evaluate_in(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
    only: Only<'_>,
) -> Vec<Line> {
    let mut out = Vec::new();
    for ind in cat
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && within(only, &i.code))
    {
        let percentage = matches!(ind.value, ValueKind::Pourcentage { .. });
        let numeric = !matches!(ind.value, ValueKind::OuiNon | ValueKind::Texte);
        if !numeric {
            continue;
        }
        let judged = percentage || is_additive(ind);
        for row in conv.rows(ind, geo) {
            if !within_line(only, &ind.code, &row, None) {
                continue;
            }
            for split in splits(ind) {
                if !within_line(only, &ind.code, &row, Some(&split)) {
                    continue;
                }
                // A part stated as a percentage of its total is measured as one: the part
                // achieved over the total achieved, the same years (never a count against a
                // percentage). A percentage of the base restates the count: not measured twice.
                let share = crate::convention::part_share(ind, &split);
                if share == crate::catalogue::PartShare::PourcentageDeLaBase {
                    continue;
                }
                let share_of_total = share == crate::catalogue::PartShare::PourcentageDuTotal;
                let whole = SplitKey {
                    members: split.members.clone(),
                    part: None,
                };
                let percentage = percentage || share_of_total;
                let judged = judged || share_of_total;
                for p in ind.periods.periods() {
                    let years: Vec<u8> = match p {
                        Period::Year(n) if (period.first_year..=period.last_year).contains(&n) => {
                            vec![n]
                        }
                        // A level (a stock, a share of the stock) at the end of year n is
                        // that year's level, never the sum of the years.
                        Period::Cumulative(n)
                            if n <= period.last_year
                                && n >= period.first_year
                                && ind.measure == Measure::Niveau =>
                        {
                            vec![n]
                        }
                        Period::Cumulative(n)
                            if n <= period.last_year && n >= period.first_year =>
                        {
                            (1..=n).collect()
                        }
                        _ => continue,
                    };
                    let ck = key(&ind.code, &row, &split, p);
                    let (measured_against, values) = in_force(conv, last_calendar_year(conv, p));
                    let committed = values
                        .get(&ck)
                        .and_then(|v| crate::convention::valid_number_at(ind, share, v));
                    let cells: Vec<String> = years
                        .iter()
                        .map(|y| key(&ind.code, &row, &split, Period::Year(*y)))
                        .collect();
                    let got: Vec<Option<(f64, f64)>> = if share_of_total {
                        years
                            .iter()
                            .zip(&cells)
                            .map(|(y, k)| {
                                let part = achieved_year(ind, ach, k)?.0;
                                let w = key(&ind.code, &row, &whole, Period::Year(*y));
                                Some((part, achieved_year(ind, ach, &w)?.0))
                            })
                            .collect()
                    } else {
                        cells.iter().map(|k| achieved_year(ind, ach, k)).collect()
                    };
                    let missing: Vec<u8> = years
                        .iter()
                        .zip(&got)
                        .filter(|(_, g)| g.is_none())
                        .map(|(y, _)| *y)
                        .collect();
                    let achieved = if missing.is_empty() {
                        let (n, d): (f64, f64) = got
                            .iter()
                            .flatten()
                            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
                        if percentage {
                            (d > 0.0).then(|| n / d * 100.0)
                        } else {
                            Some(n)
                        }
                    } else {
                        None
                    };
                    let rate = match (achieved, committed) {
                        (Some(a), Some(c)) if c > 0.0 => Some(a / c * 100.0),
                        _ => None,
                    };
                    let gap = achieved.zip(committed).map(|(a, c)| a - c);
                    let missed = judged && gap.is_some_and(|g| g < 0.0);
                    let mut formula_fr = formula(
                        ind,
                        p,
                        percentage,
                        &years,
                        crate::convention::label_year(conv),
                        &got,
                        &missing,
                        achieved,
                        committed,
                        rate,
                    );
                    // After an avenant, say which version the commitment is read from.
                    if let (Some(s), Some(_), false) =
                        (measured_against, committed, conv.versions.is_empty())
                    {
                        formula_fr.push_str(&format!(" (engagement de : {})", s.signed_fr()));
                    }
                    if committed.is_none() && got.iter().all(Option::is_none) {
                        continue;
                    }
                    out.push(Line {
                        indicator: ind.code.clone(),
                        territory: row.clone(),
                        split: split.clone(),
                        period: p,
                        committed,
                        achieved,
                        rate,
                        gap,
                        percentage,
                        missed,
                        formula_fr,
                        cells,
                        measured_against: measured_against.cloned(),
                    });
                }
            }
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn formula(
    ind: &Indicator,
    p: Period,
    percentage: bool,
    years: &[u8],
    first_year: Option<i32>,
    got: &[Option<(f64, f64)>],
    missing: &[u8],
    achieved: Option<f64>,
    committed: Option<f64>,
    rate: Option<f64>,
) -> String {
    // Years as the grid names them: calendar years when the signing year is known (« 2021 »,
    // « 2019–2021 »), else the convention's own (« année 3 »).
    let year = |n: u8| match first_year {
        Some(f) => (f + i32::from(n) - 1).to_string(),
        None => format!("année {n}"),
    };
    let span = |last: u8| match first_year {
        Some(f) => format!("Cumul {f}–{}", f + i32::from(last) - 1),
        None => format!("Cumul des années 1 à {last}"),
    };
    if !missing.is_empty() {
        return format!(
            "Réalisation incomplète : {} non saisie{}",
            missing
                .iter()
                .map(|y| year(*y))
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() > 1 { "s" } else { "" }
        );
    }
    let Some(a) = achieved else {
        // Every year entered, yet no figure: a percentage whose denominators add up to zero.
        return format!(
            "Pourcentage non calculable : dénominateur nul sur {} ; ni taux ni écart",
            if years.len() > 1 {
                span(years.len() as u8).to_lowercase()
            } else {
                year(years.first().copied().unwrap_or(1))
            }
        );
    };
    let how = if percentage {
        let (n, d) = got
            .iter()
            .flatten()
            .fold((0.0, 0.0), |(x, y), (u, v)| (x + u, y + v));
        match &ind.value {
            ValueKind::Pourcentage {
                numerator,
                denominator,
            } => format!(
                "{numerator} ÷ {denominator} = {} ÷ {} = {} %",
                format_fr(n, 2),
                format_fr(d, 2),
                format_fr(a, 1)
            ),
            // A part in % of its total: the part achieved over the total achieved.
            _ => format!(
                "part réalisée ÷ total réalisé = {} ÷ {} = {} %",
                format_fr(n, 2),
                format_fr(d, 2),
                format_fr(a, 1)
            ),
        }
    } else if ind.measure == Measure::Niveau && matches!(p, Period::Cumulative(_)) {
        format!(
            "Niveau à la fin de {} : {} (un niveau ne s'additionne pas sur les années)",
            year(years.last().copied().unwrap_or(1)),
            format_fr(a, 2)
        )
    } else if years.len() > 1 {
        format!(
            "{} : {} = {}",
            span(years.len() as u8),
            got.iter()
                .flatten()
                .map(|(v, _)| format_fr(*v, 2))
                .collect::<Vec<_>>()
                .join(" + "),
            format_fr(a, 2)
        )
    } else {
        format!("Réalisé {}", format_fr(a, 2))
    };
    match (committed, rate) {
        (Some(c), Some(r)) => format!(
            "{how} ; engagement {} ; taux de réalisation {} ÷ {} = {} % ; écart {}",
            format_fr(c, 2),
            format_fr(a, 2),
            format_fr(c, 2),
            format_fr(r, 1),
            if percentage {
                crate::numfmt::points_fr(a - c, false)
            } else {
                format_fr(a - c, 2)
            },
        ),
        (Some(c), None) => format!(
            "{how} ; engagement {} ; écart {}",
            format_fr(c, 2),
            format_fr(a - c, 2)
        ),
        (None, _) => format!("{how} ; pas d'engagement saisi"),
    }
}

/// An engagement summed over its indicators' totals, as State services present it: « 81 % de
/// l'objectif de PP-1 atteint sur 2020-2022 ».
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub indicator: String,
    pub committed: f64,
    pub achieved: f64,
    pub rate: Option<f64>,
    pub text_fr: String,
}

/// For each count indicator: its total split, rows of its coarsest level, over the evaluation's
/// last cumulative (or its years), summed.
pub fn summaries(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    lines: &[Line],
    period: &EvaluationPeriod,
) -> Vec<Summary> {
    let mut out = Vec::new();
    for ind in cat
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && is_additive(i))
    {
        let Some(level) = conv.levels(ind).first().copied() else {
            continue;
        };
        let rows = conv.rows_at_level(ind, geo, level);
        let total = |l: &&Line| {
            l.indicator == ind.code
                && rows.contains(&l.territory)
                && l.split.part.is_none()
                && l.split.members.iter().all(Option::is_none)
        };
        let cum = Period::Cumulative(period.last_year);
        let chosen: Vec<&Line> = if lines.iter().filter(total).any(|l| l.period == cum) {
            lines
                .iter()
                .filter(total)
                .filter(|l| l.period == cum)
                .collect()
        } else if ind.measure == Measure::Niveau {
            // A level is read at the end of the evaluation, never summed over its years.
            lines
                .iter()
                .filter(total)
                .filter(|l| l.period == Period::Year(period.last_year))
                .collect()
        } else {
            lines
                .iter()
                .filter(total)
                .filter(|l| matches!(l.period, Period::Year(_)))
                .collect()
        };
        let pairs: Vec<(f64, f64)> = chosen
            .iter()
            .filter_map(|l| l.committed.zip(l.achieved))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        // A commitment whose achievement is not complete leaves the rate undefined: never
        // « 100 % » from the one year or territory entered.
        let incomplete = chosen
            .iter()
            .filter(|l| l.committed.is_some() && l.achieved.is_none())
            .count();
        // (Every commitment counts; when all are achieved, these are the pairs' sums.)
        let committed: f64 = chosen.iter().filter_map(|l| l.committed).sum();
        let achieved: f64 = pairs.iter().map(|p| p.1).sum();
        let rate = (committed > 0.0 && incomplete == 0).then(|| achieved / committed * 100.0);
        let years = conv
            .signing_year
            .map(|y| {
                let r = period.years(y);
                format!("{}-{}", r.start(), r.end())
            })
            .unwrap_or_else(|| format!("années {} à {}", period.first_year, period.last_year));
        let text_fr = match rate {
            Some(r) => format!(
                "{} % de l'objectif de {} ({}) atteint sur {years} : {} réalisés pour {} engagés.",
                format_fr(r, 0),
                ind.code,
                ind.short_label,
                format_fr(achieved, 0),
                format_fr(committed, 0)
            ),
            None if incomplete > 0 => format!(
                "{} ({}) : réalisation incomplète sur {years} ({incomplete} engagement{} sans \
                 réalisation complète) : taux non calculé.",
                ind.code,
                ind.short_label,
                if incomplete > 1 { "s" } else { "" }
            ),
            None => format!("{} : aucun engagement chiffré sur {years}.", ind.code),
        };
        out.push(Summary {
            indicator: ind.code.clone(),
            committed,
            achieved,
            rate,
            text_fr,
        });
    }
    out
}

/// The rules of the achievements a convention carries, for the evaluation it names (nothing
/// when it carries none).
pub fn check_convention(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
) -> Vec<Diagnostic> {
    check_convention_in(conv, cat, geo, None)
}

/// The diagnostics of [`check_convention`] about these indicators only (`location.indicator`):
/// after an edit of some achievements or commitments, those of their indicators are all that
/// can change — unless no evaluation is chosen, when the single `E-EVAL-UNKNOWN` stands for the
/// whole file (returned whatever `only`).
pub fn check_convention_in(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    only: Option<&std::collections::BTreeSet<String>>,
) -> Vec<Diagnostic> {
    check_scoped(conv, cat, geo, only.map(Within::Indicators))
}

/// The diagnostics of [`check_convention`] that `owners` own ([`Owners::owns`]: those an edit of
/// the keys they were made of can change, the file's included). Costs what the owners read:
/// after a keystroke, a few lines and sums, never the whole indicator.
pub fn check_owned(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    owners: &Owners,
) -> Vec<Diagnostic> {
    check_scoped(conv, cat, geo, Some(Within::Owners(owners)))
}

/// The lines of [`evaluate`] of the rows and splits `owners` name (`indicator|territory|split`,
/// from any cell key of theirs: [`Owners::of_keys`]), e.g. those of a page of a grid.
pub fn evaluate_owned(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
    owners: &Owners,
) -> Vec<Line> {
    evaluate_in(conv, cat, geo, ach, period, Some(Within::Owners(owners)))
}

fn check_scoped(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    only: Only<'_>,
) -> Vec<Diagnostic> {
    let ach = &conv.achievements;
    // The whole file's signature checks, returned whatever `only` (like `E-EVAL-UNKNOWN`).
    let mut out = signature_checks(conv, cat);
    if ach.is_empty() {
        return out;
    }
    out.extend(
        match cat.evaluations.iter().find(|e| e.id == ach.evaluation) {
            Some(period) => check_in(conv, cat, geo, ach, period, only),
            None => vec![Diagnostic::error(
                "E-EVAL-UNKNOWN",
                format!(
                    "{} : choisissez l'évaluation préparée parmi celles du catalogue ({}).",
                    if ach.evaluation.is_empty() {
                        "Réalisations saisies sans évaluation".to_string()
                    } else {
                        format!("Évaluation « {} » inconnue", ach.evaluation)
                    },
                    cat.evaluations
                        .iter()
                        .map(|e| e.label.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Location {
                    path: Some("achievements.evaluation".into()),
                    ..Default::default()
                },
            )],
        },
    );
    out
}

/// Code of the warning on a signature date outside the convention's first year.
pub const SIGNATURE_YEAR: &str = "W-EVAL-SIGNATURE-YEAR";
/// Code of the warning on achievements set against commitments not marked signed.
pub const NOT_SIGNED: &str = "W-EVAL-NOT-SIGNED";

/// The signature against the convention: its date in the first year of the commitments (they
/// run « du 1er janvier de l'année de signature de la convention », arrêté du 19 octobre 2017,
/// art. 6-1), and achievements measured against signed commitments.
fn signature_checks(conv: &Convention, cat: &Catalogue) -> Vec<Diagnostic> {
    let art61 = |d: Diagnostic| {
        if cat.source("arrete-2017-10-19").is_some() {
            d.with_article("arrêté du 19 octobre 2017, art. 6-1")
                .with_source("arrete-2017-10-19")
        } else {
            d
        }
    };
    let mut out = Vec::new();
    // The convention's own signature: the first version's when avenants followed (an avenant
    // is signed later, in any year).
    let initial = conv
        .versions
        .first()
        .map(|v| &v.signature)
        .or(conv.signature.as_ref());
    if let (Some(sig), Some(first)) = (initial, conv.signing_year) {
        let year = sig.date.get(..4).and_then(|y| y.parse::<i32>().ok());
        if let Some(y) = year.filter(|y| *y != first) {
            out.push(art61(Diagnostic::warning(
                SIGNATURE_YEAR,
                format!(
                    "La date de signature ({}) n'est pas dans l'année de signature déclarée ({first}) : les engagements courent du 1er janvier de l'année de signature. Corrigez la date, ou l'année de signature de la convention (étape Convention) si c'est elle qui est fausse ({y} ?).",
                    crate::numfmt::date_fr(&sig.date)
                ),
                Location {
                    path: Some("signature.date".into()),
                    ..Default::default()
                },
            )));
        }
    }
    if conv.signature.is_none() && !conv.achievements.is_empty() {
        out.push(Diagnostic::warning(
            NOT_SIGNED,
            "Engagements non signés : les taux de réalisation portent sur des engagements encore modifiables. Marquez la convention comme signée (Évaluer → Signature) avant de transmettre l'évaluation.".to_string(),
            Location {
                path: Some("signature".into()),
                ..Default::default()
            },
        ));
    }
    out
}

fn loc(cell: &str) -> Location {
    let mut parts = cell.split('|');
    Location {
        indicator: parts.next().map(str::to_string),
        territory: parts.next().map(str::to_string),
        split: parts.next().map(str::to_string),
        period: parts.next().map(str::to_string),
        cell: Some(cell.to_string()),
        ..Default::default()
    }
}

/// The rules of an evaluation: values that fit their indicator, numerators and denominators
/// both given and in order, no achievement after the evaluation's years, parts within their
/// total and financings adding up to it, and every commitment missed justified.
pub fn check(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
) -> Vec<Diagnostic> {
    check_in(conv, cat, geo, ach, period, None)
}

fn check_in(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    period: &EvaluationPeriod,
    only: Only<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mine = |k: &&String| within_key(only, k);
    let cite = |d: Diagnostic, ind: Option<&Indicator>| match ind {
        Some(i) => cat.cite(d, i),
        None => d,
    };
    let art3 = |d: Diagnostic| {
        if cat.source("arrete-2017-10-19").is_some() {
            d.with_article("arrêté du 19 octobre 2017, art. 3")
                .with_source("arrete-2017-10-19")
        } else {
            d
        }
    };
    let parse = |k: &str| -> Option<(&Indicator, Period)> {
        let mut p = k.split('|');
        let ind = cat.indicator(p.next()?)?;
        let period = crate::convention::parse_period_key(p.nth(2)?)?;
        Some((ind, period))
    };
    let all_keys = entries(&ach.values, only)
        .map(|(k, _)| k)
        .chain(entries(&ach.terms, only).map(|(k, _)| k));
    for k in all_keys {
        let Some((ind, p)) = parse(k) else {
            out.push(Diagnostic::error(
                "E-EVAL-UNKNOWN-CELL",
                format!("« {k} » ne désigne aucune case d'un indicateur de ce catalogue."),
                loc(k),
            ));
            continue;
        };
        match p {
            Period::Year(n) if n > period.last_year => out.push(cite(
                Diagnostic::error(
                    "E-EVAL-YEAR-OUTSIDE",
                    format!(
                        "Réalisation saisie pour l'année {n}, après la période évaluée ({}) : effacez-la ou choisissez l'évaluation qui couvre cette année.",
                        period.label_for(conv.signing_year)
                    ),
                    loc(k),
                ),
                Some(ind),
            )),
            Period::Year(_) => {}
            _ => out.push(cite(
                Diagnostic::error(
                    "E-EVAL-YEAR-OUTSIDE",
                    "Une réalisation se saisit par année ; les cumuls sont calculés.".to_string(),
                    loc(k),
                ),
                Some(ind),
            )),
        }
    }
    for (k, v) in entries(&ach.values, only) {
        let Some((ind, _)) = parse(k) else { continue };
        if matches!(ind.value, ValueKind::Pourcentage { .. }) {
            out.push(art3(cite(
                Diagnostic::error(
                    "E-EVAL-TERMS-MISSING",
                    format!("{} est un pourcentage : saisissez sa réalisation par son numérateur et son dénominateur, le pourcentage est calculé.", ind.code),
                    loc(k),
                ),
                Some(ind),
            )));
        } else if let Some(m) = crate::convention::check_number(ind, *v) {
            out.push(cite(
                Diagnostic::error("E-EVAL-VALUE", m, loc(k)),
                Some(ind),
            ));
        } else {
            // The usual order of magnitude (data: `value_ranges`), as for the commitments.
            for rule in crate::ruledata::RuleSet::embedded().ranges_of(cat, &ind.code) {
                if let Some(m) = rule.problem_fr(*v, &conv.unit_fr(ind)) {
                    out.push(Diagnostic::warning(
                        PLAUSIBLE_RANGE,
                        format!("Réalisation {} : {m}", ind.code),
                        loc(k),
                    ));
                }
            }
        }
    }
    for (k, t) in entries(&ach.terms, only) {
        let Some((ind, _)) = parse(k) else { continue };
        match (t.numerator, t.denominator) {
            (Some(n), Some(d)) => {
                if n < 0.0 || d < 0.0 || n.fract() != 0.0 || d.fract() != 0.0 {
                    out.push(cite(
                        Diagnostic::error(
                            "E-EVAL-VALUE",
                            "Le numérateur et le dénominateur sont des nombres entiers positifs ou nuls.".to_string(),
                            loc(k),
                        ),
                        Some(ind),
                    ));
                } else if n > d {
                    out.push(art3(cite(
                        Diagnostic::error(
                            "E-EVAL-NUMERATOR-EXCEEDS",
                            format!(
                                "Le numérateur ({}) dépasse le dénominateur ({}) : une part ne peut dépasser 100 %.",
                                format_fr(n, 0),
                                format_fr(d, 0)
                            ),
                            loc(k),
                        ),
                        Some(ind),
                    )));
                }
            }
            (None, None) => {}
            _ => out.push(art3(cite(
                Diagnostic::error(
                    "E-EVAL-TERMS-MISSING",
                    format!(
                        "{} : le numérateur et le dénominateur de la réalisation sont tous deux demandés lors des évaluations.",
                        ind.code
                    ),
                    loc(k),
                ),
                Some(ind),
            ))),
        }
    }
    // Parts within their total and members adding up to it, per row and year.
    for ind in cat
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && is_additive(i) && within(only, &i.code))
    {
        let sp = splits(ind);
        for row in conv.rows(ind, geo) {
            if !within_sums(only, &ind.code, &row, None) {
                continue;
            }
            for y in period.first_year..=period.last_year {
                if !within_sums(only, &ind.code, &row, Some(y)) {
                    continue;
                }
                let p = Period::Year(y);
                let val = |s: &SplitKey| ach.values.get(&key(&ind.code, &row, s, p)).copied();
                for s in sp.iter().filter(|s| s.part.is_some()) {
                    let whole = SplitKey {
                        members: s.members.clone(),
                        part: None,
                    };
                    if let (Some(part), Some(total)) = (val(s), val(&whole)) {
                        if part > total {
                            out.push(cite(
                                Diagnostic::error(
                                    "E-EVAL-PART-EXCEEDS-TOTAL",
                                    format!(
                                        "La part « {} » ({}) dépasse son total ({}).",
                                        s.label_fr(ind),
                                        format_fr(part, 0),
                                        format_fr(total, 0)
                                    ),
                                    loc(&key(&ind.code, &row, s, p)),
                                ),
                                Some(ind),
                            ));
                        }
                    }
                }
                // Each breakdown: its members add up to the total of the other breakdowns'
                // choice (the first breakdown only, financing, is checked here).
                if let Some(b) = ind.splits.breakdowns.first() {
                    let total_key = SplitKey {
                        members: vec![None; ind.splits.breakdowns.len()],
                        part: None,
                    };
                    let members: Vec<Option<f64>> = b
                        .members
                        .iter()
                        .map(|m| {
                            let mut ms = vec![None; ind.splits.breakdowns.len()];
                            ms[0] = Some(m.code.clone());
                            val(&SplitKey {
                                members: ms,
                                part: None,
                            })
                        })
                        .collect();
                    if let (Some(total), true) =
                        (val(&total_key), members.iter().all(Option::is_some))
                    {
                        let sum: f64 = members.iter().flatten().sum();
                        if (sum - total).abs() > 1e-9 {
                            out.push(cite(
                                Diagnostic::error(
                                    "E-EVAL-SPLIT-SUM",
                                    format!(
                                        "Les réalisations par {} ({}) ne font pas le total ({}).",
                                        b.label.to_lowercase(),
                                        format_fr(sum, 0),
                                        format_fr(total, 0)
                                    ),
                                    loc(&key(&ind.code, &row, &total_key, p)),
                                ),
                                Some(ind),
                            ));
                        }
                    }
                }
            }
        }
    }
    // A commitment missed: justified, or a warning.
    for l in evaluate_in(conv, cat, geo, ach, period, only) {
        if l.missed && ach.justification(&l.justification_key()).is_none() {
            let ind = cat.indicator(&l.indicator);
            out.push(cite(
                Diagnostic::warning(
                    JUSTIFY,
                    format!(
                        "Engagement non tenu ({}{u} réalisé pour {}{u} engagé, écart de {}) : dites si l'écart vient de l'organisme ou de causes extérieures, avec un commentaire.",
                        format_fr(l.achieved.unwrap_or_default(), 1),
                        format_fr(l.committed.unwrap_or_default(), 1),
                        if l.percentage {
                            crate::numfmt::points_fr(l.gap.unwrap_or_default(), false)
                        } else {
                            format!(
                                "{} {}",
                                format_fr(l.gap.unwrap_or_default(), 1),
                                ind.map(|i| conv.unit_fr(i)).unwrap_or_default()
                            )
                        },
                        u = if l.percentage { " %" } else { "" },
                    ),
                    loc(&key(&l.indicator, &l.territory, &l.split, l.period)),
                ),
                ind,
            ));
        }
    }
    for (k, j) in ach.justifications.iter().filter(|(k, _)| mine(k)) {
        if j.origin == Origin::Exterieur
            && j.cause
                .as_ref()
                .is_none_or(|c| !causes().iter().any(|x| &x.id == c))
        {
            out.push(Diagnostic::error(
                "E-EVAL-CAUSE",
                "Une cause extérieure se choisit dans la liste proposée.".to_string(),
                Location {
                    indicator: Some(indicator_of(k).to_string()),
                    path: Some(k.clone()),
                    ..Default::default()
                },
            ));
        }
    }
    out
}
