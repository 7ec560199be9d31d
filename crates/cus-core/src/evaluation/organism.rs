//! The evaluation at the level of the whole organism, from the territorial lines
//! ([`super::evaluate`]): counts committed and achieved summed over the territories of the
//! coarsest level; a percentage achieved rebuilt from its numerators and denominators (Σ ÷ Σ,
//! arrêté du 19 octobre 2017, art. 3), a percentage committed from the bases given; never a mean
//! of percentages, never a level summed over years.

use super::{Achievements, Line};
use crate::calc::percent_fr;
use crate::catalogue::{Catalogue, Level, ValueKind};
use crate::convention::{is_additive, label_year, Convention};
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// One line of the organism-level evaluation: an indicator, a split and a period.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgEvalLine {
    pub code: String,
    pub label: String,
    pub split_fr: String,
    pub period_fr: String,
    pub committed: Option<f64>,
    pub achieved: Option<f64>,
    pub percent: bool,
    /// How the two figures were obtained, or why one is missing.
    pub how_fr: String,
}

/// The organism-level lines of an evaluation of `ach`; `cat` is the convention's view.
pub fn organism_lines(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ach: &Achievements,
    lines: &[Line],
) -> Vec<OrgEvalLine> {
    let mut out = Vec::new();
    let year = label_year(conv);
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        let Some(&level) = conv.levels(ind).first() else {
            continue;
        };
        let top = conv.rows_at_level(ind, geo, level);
        let mine: Vec<&Line> = lines
            .iter()
            .filter(|l| l.indicator == ind.code && top.contains(&l.territory))
            .collect();
        // Groups by split and period, in the order of the lines.
        let mut groups: Vec<Vec<&Line>> = Vec::new();
        for l in mine {
            match groups
                .iter_mut()
                .find(|g| g[0].split == l.split && g[0].period == l.period)
            {
                Some(g) => g.push(l),
                None => groups.push(vec![l]),
            }
        }
        for g in groups {
            let first = g[0];
            let percent = first.percentage || crate::convention::is_percentage_value(ind);
            let n = top.len();
            let (committed, achieved, how) = if level == Level::Organisme {
                (
                    first.committed,
                    first.achieved,
                    "saisi pour l'organisme".to_string(),
                )
            } else if !percent && is_additive(ind) {
                let c: Vec<f64> = g.iter().filter_map(|l| l.committed).collect();
                let a: Vec<f64> = g.iter().filter_map(|l| l.achieved).collect();
                let cs: f64 = c.iter().sum();
                let asum: f64 = a.iter().sum();
                let mut how = format!(
                    "somme de {} territoire{} : engagé {}, réalisé {}",
                    n,
                    if n > 1 { "s" } else { "" },
                    format_fr(cs, 1),
                    format_fr(asum, 1)
                );
                if a.len() < n || c.len() < n {
                    how.push_str(&format!(
                        " (partiel : {} engagement{} et {} réalisation{} sur {n})",
                        c.len(),
                        if c.len() > 1 { "s" } else { "" },
                        a.len(),
                        if a.len() > 1 { "s" } else { "" }
                    ));
                }
                (
                    (!c.is_empty()).then_some(cs),
                    (!a.is_empty()).then_some(asum),
                    how,
                )
            } else if percent {
                // Achieved: Σ numerators ÷ Σ denominators of every territory's terms.
                let (mut num, mut den, mut complete) = (0.0, 0.0, true);
                if matches!(ind.value, ValueKind::Pourcentage { .. }) {
                    for l in &g {
                        let mut any = false;
                        for k in &l.cells {
                            if let Some(t) = ach.terms.get(k) {
                                if let (Some(a), Some(b)) = (t.numerator, t.denominator) {
                                    num += a;
                                    den += b;
                                    any = true;
                                }
                            }
                        }
                        complete &= any;
                    }
                } else {
                    complete = false;
                }
                let achieved = (den > 0.0 && complete).then(|| num / den * 100.0);
                // Committed: Σ (% × base) ÷ Σ base, with every territory's base.
                let committed = ind.base.as_deref().and_then(|b| {
                    let mut w = 0.0;
                    let mut s = 0.0;
                    for l in &g {
                        let base = conv.base_at(b, &l.territory)?;
                        s += l.committed? * base / 100.0;
                        w += base;
                    }
                    (w > 0.0).then(|| s / w * 100.0)
                });
                let mut how = match achieved {
                    Some(v) => format!(
                        "réalisé : Σ numérateurs ÷ Σ dénominateurs = {} ÷ {} = {}",
                        format_fr(num, 0),
                        format_fr(den, 0),
                        percent_fr(v)
                    ),
                    None => "réalisé non consolidé : numérateur et dénominateur de chaque territoire nécessaires".to_string(),
                };
                how.push_str(match committed {
                    Some(_) => " ; engagé : recalculé avec les bases (Σ % × base ÷ Σ base)",
                    None => " ; engagé non consolidé : base de chaque territoire nécessaire (étape Parc)",
                });
                (committed, achieved, how)
            } else {
                (
                    None,
                    None,
                    format!(
                        "{} non consolidé : une valeur par territoire ne s'additionne pas",
                        ind.value.kind_fr()
                    ),
                )
            };
            out.push(OrgEvalLine {
                code: ind.code.clone(),
                label: ind.short_label.clone(),
                split_fr: first.split.label_fr(ind),
                period_fr: ind.period_label_fr(first.period, year),
                committed,
                achieved,
                percent,
                how_fr: how,
            });
        }
    }
    out
}
