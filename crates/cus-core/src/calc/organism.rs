//! The organism-level table (« consolidation au niveau de la société ») built from the
//! territorial detail, as real CUS print it: counts summed over the territories of the coarsest
//! level, percentages rebuilt from counts and bases (never averaged), levels summed only as
//! stocks at one date (each column is one date), and what cannot be consolidated said with why.
//! The indicators stay entered at the level the decree sets; this table is derived, never typed.

use super::percent_fr;
use crate::catalogue::{Catalogue, Indicator, Level, PartShare, Period, ValueKind};
use crate::convention::{
    key, label_year, part_share, splits, valid_number_at, Convention, SplitKey, TerritoryKey,
};
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// One figure of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgCell {
    /// `None`: not consolidated (see `how_fr`).
    pub value: Option<f64>,
    /// Is the figure a percentage (« 92 % »)?
    pub percent: bool,
    /// How it was obtained, with its figures, or why there is none.
    pub how_fr: String,
    /// Territories without a figure (the sum is then partial).
    pub missing: usize,
}

/// One line: an indicator and one of its splits, over its periods.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgLine {
    pub code: String,
    pub label: String,
    /// « PLAI — dont hors QPV », « Valeur ».
    pub split_fr: String,
    pub unit_fr: String,
    /// An indicator the organism added (« hors règlement »).
    pub hors_reglement: bool,
    pub period_labels: Vec<String>,
    pub cells: Vec<OrgCell>,
    /// Which territories the figures come from (« 6 départements »).
    pub from_fr: String,
}

/// The organism-level table of a convention; `cat` is its view (`Convention::view`).
pub fn organism_table(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
) -> Vec<OrgLine> {
    let mut out = Vec::new();
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        if matches!(ind.value, ValueKind::OuiNon | ValueKind::Texte) {
            continue;
        }
        let levels = conv.levels(ind);
        let Some(&level) = levels.first() else {
            continue;
        };
        let rows = conv.rows_at_level(ind, geo, level);
        if rows.is_empty() {
            continue;
        }
        let periods = ind.periods.periods();
        let year = label_year(conv);
        let period_labels: Vec<String> = periods
            .iter()
            .map(|&p| ind.period_label_fr(p, year))
            .collect();
        let from_fr = match (level, rows.len()) {
            (Level::Organisme, _) => "saisi pour l'organisme".to_string(),
            (_, 1) => format!("1 territoire ({})", level.label_fr()),
            (Level::Departement, n) => format!("{n} départements"),
            (Level::Epci, n) => {
                format!("{n} EPCI / EPT (l'organisme peut avoir du patrimoine hors de ceux-ci)")
            }
            (l, n) => format!("{n} territoires ({})", l.label_fr()),
        };
        for split in splits(ind) {
            let cells = periods
                .iter()
                .map(|&p| org_cell(conv, cat, geo, ind, &rows, &split, p, level))
                .collect();
            out.push(OrgLine {
                code: ind.code.clone(),
                label: ind.short_label.clone(),
                split_fr: split.label_fr(ind),
                unit_fr: conv.unit_fr(ind),
                hors_reglement: ind.hors_reglement,
                period_labels: period_labels.clone(),
                cells,
                from_fr: from_fr.clone(),
            });
        }
    }
    out
}

/// The valid figure of one cell (as its split states it).
pub(super) fn figure(
    conv: &Convention,
    ind: &Indicator,
    row: &TerritoryKey,
    s: &SplitKey,
    p: Period,
) -> Option<f64> {
    let k = key::cell_key_of(&ind.code, row, s, p);
    conv.values
        .get(&k)
        .and_then(|v| valid_number_at(ind, part_share(ind, s), v))
}

#[allow(clippy::too_many_arguments)]
fn org_cell(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    ind: &Indicator,
    rows: &[TerritoryKey],
    s: &SplitKey,
    p: Period,
    level: Level,
) -> OrgCell {
    let share = part_share(ind, s);
    let values: Vec<Option<f64>> = rows.iter().map(|r| figure(conv, ind, r, s, p)).collect();
    let missing = values.iter().filter(|v| v.is_none()).count();
    let none = |how: String| OrgCell {
        value: None,
        percent: false,
        how_fr: how,
        missing,
    };
    if level == Level::Organisme {
        let v = values.first().copied().flatten();
        return OrgCell {
            value: v,
            percent: share.is_percentage() || crate::convention::is_percentage_value(ind),
            how_fr: "saisi pour l'organisme".to_string(),
            missing,
        };
    }
    if values.iter().all(Option::is_none) {
        return none("aucune valeur saisie".to_string());
    }
    // A part stated as a percentage of its total: Σ (part × total) ÷ Σ total.
    if share == PartShare::PourcentageDuTotal {
        let whole = SplitKey {
            members: s.members.clone(),
            part: None,
        };
        let pairs: Vec<(f64, f64)> = rows
            .iter()
            .zip(&values)
            .filter_map(|(r, v)| Some((v.as_ref().copied()?, figure(conv, ind, r, &whole, p)?)))
            .collect();
        return weighted(pairs, missing, "total");
    }
    // A percentage of a base: Σ (% × base) ÷ Σ base, with the base of every territory.
    let base_id = ind.base.as_deref();
    if share == PartShare::PourcentageDeLaBase || crate::convention::is_percentage_value(ind) {
        let Some(base_id) = base_id else {
            return none(
                "pourcentage non consolidé : il faudrait le dénominateur de chaque territoire \
                 (un pourcentage ne s'additionne pas et ne se moyenne pas)"
                    .to_string(),
            );
        };
        let mut pairs = Vec::new();
        for (r, v) in rows.iter().zip(&values) {
            let Some(v) = v else { continue };
            match conv.base_at(base_id, r) {
                Some(b) => pairs.push((*v, b)),
                None => {
                    return none(format!(
                        "pourcentage non consolidé : la base « {} » manque pour {} (étape Parc)",
                        crate::convention::base_label(cat, base_id),
                        conv.territory_label(r, geo)
                    ))
                }
            }
        }
        return weighted(pairs, missing, "base");
    }
    match &ind.value {
        ValueKind::Nombre { .. } => {
            let given: Vec<f64> = values.iter().flatten().copied().collect();
            let sum: f64 = given.iter().sum();
            let terms: Vec<String> = given.iter().map(|v| format_fr(*v, 2)).collect();
            let mut how = if terms.len() <= 8 {
                format!("{} = {}", terms.join(" + "), format_fr(sum, 2))
            } else {
                format!(
                    "somme de {} territoires = {}",
                    terms.len(),
                    format_fr(sum, 2)
                )
            };
            if ind.measure == crate::catalogue::Measure::Niveau {
                how.push_str(" (stocks à une même date)");
            }
            if missing > 0 {
                how.push_str(&format!(
                    " ; {missing} territoire{} sans valeur : somme partielle",
                    if missing > 1 { "s" } else { "" }
                ));
            }
            OrgCell {
                value: Some(sum),
                percent: false,
                how_fr: how,
                missing,
            }
        }
        _ => none(format!(
            "{} non consolidé : un montant ou une durée par territoire ne s'additionne pas",
            ind.value.kind_fr()
        )),
    }
}

/// Σ (v × w) ÷ Σ w, said with its figures.
fn weighted(pairs: Vec<(f64, f64)>, missing: usize, of: &str) -> OrgCell {
    let den: f64 = pairs.iter().map(|(_, w)| w).sum();
    if pairs.is_empty() || den <= 0.0 {
        return OrgCell {
            value: None,
            percent: true,
            how_fr: format!("pourcentage non consolidé : {of} nul ou absent"),
            missing,
        };
    }
    let num: f64 = pairs.iter().map(|(v, w)| v * w / 100.0).sum();
    let value = num / den * 100.0;
    let mut how = format!(
        "Σ (% × {of}) ÷ Σ {of} = {} ÷ {} = {}",
        format_fr(num, 1),
        format_fr(den, 0),
        percent_fr(value)
    );
    if missing > 0 {
        how.push_str(&format!(
            " ; {missing} territoire{} sans valeur",
            if missing > 1 { "s" } else { "" }
        ));
    }
    OrgCell {
        value: Some(value),
        percent: true,
        how_fr: how,
        missing,
    }
}
