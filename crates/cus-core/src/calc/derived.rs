//! The figure a commitment implies in the other unit: a count stated with the base it is taken
//! of gives its percentage, a percentage gives its count, a part in % of its total gives its
//! count. Shown under the grid with its formula (« 12 ÷ 400 = 3 % »), never written into a cell:
//! what the organism typed stays as it typed it.

use super::organism::figure;
use super::percent_fr;
use crate::catalogue::{Indicator, PartShare, ValueKind};
use crate::convention::{
    key, label_year, part_share, splits, valid_number_at, Convention, SplitKey, TerritoryKey,
};
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// One derived figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    /// « 59 — Nord ».
    pub territory_fr: String,
    /// « Valeur — 2019 », « PLAI — dont hors QPV (%) — Cumul 2019–2021 ».
    pub cell_fr: String,
    /// The key of the cell typed (to focus it).
    pub key: String,
    /// What was typed, in its unit (« 12 logements », « 92 % »).
    pub stated_fr: String,
    /// What it implies (« 3 % du parc F et G », « 1 151,8 logements »).
    pub derived_fr: String,
    /// The formula with its figures.
    pub formula_fr: String,
}

fn count_unit(ind: &Indicator) -> String {
    match &ind.value {
        ValueKind::Nombre { unit } if !unit.trim_start().starts_with('%') => unit.clone(),
        _ => ind
            .unit_choices
            .iter()
            .find_map(|u| match crate::catalogue::UnitForm::of(u) {
                crate::catalogue::UnitForm::Nombre(n) => Some(n),
                _ => None,
            })
            .unwrap_or_else(|| "logements".to_string()),
    }
}

/// Every figure implied by the commitments of `ind` (from the convention's view) typed so far:
/// counts ↔ percentages of the base (when the base is given), parts in % of their total → counts.
pub fn derived(conv: &Convention, ind: &Indicator, geo: Option<&Referential>) -> Vec<Derived> {
    let mut out = Vec::new();
    let year = label_year(conv);
    let base_id = ind.base.as_deref();
    if !matches!(
        ind.value,
        ValueKind::Pourcentage { .. } | ValueKind::Nombre { .. }
    ) {
        return out;
    }
    // Nothing to derive without a base or a part in % (most grids: kept off the keystroke path).
    if base_id.is_none() && !ind.splits.parts.iter().any(|p| p.share.is_percentage()) {
        return out;
    }
    let percent_kind = crate::convention::is_percentage_value(ind);
    let unit = count_unit(ind);
    let rows: Vec<TerritoryKey> = conv.rows(ind, geo);
    let all_splits = splits(ind);
    for row in &rows {
        let base = base_id.and_then(|b| conv.base_at(b, row));
        for s in &all_splits {
            let share = part_share(ind, s);
            for p in ind.periods.periods() {
                let k = key::cell_key_of(&ind.code, row, s, p);
                let Some(v) = conv
                    .values
                    .get(&k)
                    .and_then(|v| valid_number_at(ind, share, v))
                else {
                    continue;
                };
                let mut push = |stated: String, derived: String, formula: String| {
                    out.push(Derived {
                        territory_fr: conv.territory_label(row, geo),
                        cell_fr: format!("{} — {}", s.label_fr(ind), ind.period_label_fr(p, year)),
                        key: k.clone(),
                        stated_fr: stated,
                        derived_fr: derived,
                        formula_fr: formula,
                    })
                };
                // A percentage of `x` as the count it stands for: « 92 % × 1 000 = 920 ».
                let count_of = |pct: f64, x: f64| {
                    let c = pct * x / 100.0;
                    (
                        percent_fr(pct),
                        format!("{} {unit}", format_fr(c, 1)),
                        format!(
                            "{} × {} = {}",
                            percent_fr(pct),
                            format_fr(x, 2),
                            format_fr(c, 1)
                        ),
                    )
                };
                let whole = SplitKey {
                    members: s.members.clone(),
                    part: None,
                };
                match share {
                    PartShare::PourcentageDuTotal => {
                        if let Some(t) = figure(conv, ind, row, &whole, p) {
                            let (stated, derived, formula) = count_of(v, t);
                            push(stated, derived, formula);
                        }
                    }
                    PartShare::PourcentageDeLaBase => {
                        // The count and its percentage: do they agree with the base?
                        let count = figure(conv, ind, row, &whole, p);
                        if let (Some(c), None, true) = (count, base, v > 0.0) {
                            // No base given: the count and its percentage imply it.
                            let b = c / v * 100.0;
                            push(
                                percent_fr(v),
                                format!("base implicite : {} {unit}", format_fr(b, 0)),
                                format!(
                                    "{} ÷ {} = {} (donnez la base à l'étape Parc pour la contrôler)",
                                    format_fr(c, 2),
                                    percent_fr(v),
                                    format_fr(b, 0)
                                ),
                            );
                        }
                        if let (Some(c), Some(b)) = (count, base.filter(|b| *b > 0.0)) {
                            let pct = c / b * 100.0;
                            push(
                                percent_fr(v),
                                percent_fr(pct),
                                format!(
                                    "{} ÷ {} = {} (saisi : {})",
                                    format_fr(c, 2),
                                    format_fr(b, 0),
                                    percent_fr(pct),
                                    percent_fr(v)
                                ),
                            );
                        }
                    }
                    PartShare::Nombre if s.part.is_none() || !percent_kind => {
                        let Some(b) = base.filter(|b| *b > 0.0) else {
                            continue;
                        };
                        if percent_kind {
                            let (stated, derived, formula) = count_of(v, b);
                            push(stated, derived, formula);
                        } else {
                            let pct = v / b * 100.0;
                            push(
                                format!("{} {unit}", format_fr(v, 2)),
                                percent_fr(pct),
                                format!(
                                    "{} ÷ {} = {}",
                                    format_fr(v, 2),
                                    format_fr(b, 0),
                                    percent_fr(pct)
                                ),
                            );
                        }
                    }
                    PartShare::Nombre => {}
                }
            }
        }
    }
    out
}
