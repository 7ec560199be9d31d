//! An exercise's small convention made real: the [`Case`] becomes a [`Convention`] of a
//! fictional organism, validated by the rule engine (`rules::validate`) and computed by `calc`,
//! exactly as « Remplir ma CUS » would.

use std::collections::BTreeMap;

use crate::calc::{self, Explained};
use crate::catalogue::{Catalogue, Indicator};
use crate::convention::{
    parse_period_key, typed_value, CatalogueRef, Convention, GridShape, IndicatorSegmentation,
    SplitKey, TerritoryKey, Value,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::organisme::{Organisme, OrganismeKind};

use super::model::{CalcFunction, CalcSpec, Case};

/// The fictional organism of every exercise (its SIREN passes the key check).
pub const ORGANISM_NAME: &str = "Office fictif de formation";
pub const ORGANISM_SIREN: &str = "988041729";

/// The convention of a case, showing `ind` of `cat`, and the problems of the case itself (a
/// territory, period or split that is not in the grid, an empty text), in French.
pub fn convention(case: &Case, cat: &Catalogue, ind: &Indicator) -> (Convention, Vec<String>) {
    let mut problems = Vec::new();
    let mut conv = Convention {
        name: "Exercice".to_string(),
        organisme: Organisme {
            raison_sociale: ORGANISM_NAME.to_string(),
            siren: ORGANISM_SIREN.to_string(),
            kind: Some(OrganismeKind::Oph),
            siege_departement: Some(
                case.departements
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "59".to_string()),
            ),
        },
        catalogue: CatalogueRef {
            id: cat.id.clone(),
            version: cat.version.clone(),
        },
        signing_year: Some(case.signing_year),
        departements: case.departements.clone(),
        epci: case.epci.clone(),
        segments: case.segments.clone(),
        stock: case.stock.clone(),
        ..Default::default()
    };
    let levels = if case.levels.is_empty() {
        ind.levels.allowed.first().copied().into_iter().collect()
    } else {
        case.levels.clone()
    };
    conv.segmentation.insert(
        ind.code.clone(),
        IndicatorSegmentation { levels, rows: None },
    );
    if let Some(u) = &case.unit {
        conv.units.insert(ind.code.clone(), u.clone());
    }
    let shape = GridShape::new(&conv, ind, conv.referential());
    let mut values = BTreeMap::new();
    for (territory, periods) in &case.values {
        let t = match territory.parse::<TerritoryKey>() {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if !shape.row_pos.contains_key(&t.to_string()) {
            problems.push(format!(
                "Le territoire « {territory} » n'est pas une ligne de la grille de {} dans ce cas \
                 : déclarez-le (departements, epci, segments) ou choisissez la maille (levels).",
                ind.code
            ));
            continue;
        }
        for (period, splits) in periods {
            if parse_period_key(period).is_none() || shape.period_index(period).is_none() {
                problems.push(format!(
                    "La période « {period} » n'existe pas pour {} (périodes : {}).",
                    ind.code,
                    shape.period_keys.join(", ")
                ));
                continue;
            }
            for (split, value) in splits {
                let known = SplitKey::parse_key(split).is_some_and(|s| s.key() == *split)
                    && shape.split_index(split).is_some();
                if !known {
                    problems.push(format!(
                        "La ventilation « {split} » n'existe pas pour {} (ventilations : {}).",
                        ind.code,
                        shape.split_keys.join(", ")
                    ));
                    continue;
                }
                let value = match value {
                    // A text is what a learner would have typed: a French number is a number.
                    Value::Text(t) => match typed_value(t) {
                        Some(v) => v,
                        None => {
                            problems.push(format!(
                                "La valeur de {territory}, {period}, {split} est un texte vide : \
                                 une case vide s'écrit en omettant la valeur."
                            ));
                            continue;
                        }
                    },
                    v => v.clone(),
                };
                values.insert(
                    crate::convention::key::cell_key(&ind.code, &t.to_string(), split, period),
                    value,
                );
            }
        }
    }
    conv.values = values.into_iter().collect();
    (conv, problems)
}

/// Is a diagnostic about what the exercise shows: the indicator `code`, or the convention as a
/// whole (organism, stock)? The empty rows of the other indicators of the catalogue, never shown
/// by an exercise, are left aside; so are the notes for information.
pub fn in_scope(d: &Diagnostic, code: &str) -> bool {
    d.severity != Severity::Info && d.location.indicator.as_deref().is_none_or(|i| i == code)
}

/// The diagnostics of the rule engine (`rules::validate`) about what an exercise shows.
pub fn diagnostics(conv: &Convention, cat: &Catalogue, code: &str) -> Vec<Diagnostic> {
    crate::rules::validate(conv, cat, conv.referential())
        .into_iter()
        .filter(|d| in_scope(d, code))
        .collect()
}

fn need<'a, T>(what: &'a Option<T>, name: &str, f: CalcFunction) -> Result<&'a T, String> {
    what.as_ref().ok_or_else(|| {
        format!(
            "Le calcul « {} » a besoin de l'argument « {name} ».",
            f.label_fr()
        )
    })
}

fn territory(spec: &CalcSpec, f: CalcFunction) -> Result<TerritoryKey, String> {
    need(&spec.territory, "territory", f)?.parse()
}

fn split(spec: &CalcSpec, f: CalcFunction) -> Result<SplitKey, String> {
    let s = need(&spec.split, "split", f)?;
    SplitKey::parse_key(s).ok_or_else(|| format!("« {s} » n'est pas une clé de ventilation."))
}

fn period(spec: &CalcSpec, f: CalcFunction) -> Result<crate::catalogue::Period, String> {
    let p = need(&spec.period, "period", f)?;
    parse_period_key(p)
        .ok_or_else(|| format!("« {p} » n'est pas une période (ref, a1 à a6, c3, c6…)."))
}

/// Run the computation of `cus_core::calc` that `spec` names, on the case's convention (`None`
/// for `pourcentage`, which takes its figures from the spec). French message on failure.
pub fn compute(
    spec: &CalcSpec,
    conv: Option<&Convention>,
    cat: &Catalogue,
    ind: &Indicator,
) -> Result<Explained, String> {
    let f = spec
        .function
        .ok_or_else(|| "Le calcul ne dit pas quelle fonction appliquer (function).".to_string())?;
    if f == CalcFunction::Pourcentage {
        if spec.numerator_values.is_empty() || spec.denominator_values.is_empty() {
            return Err(
                "Le calcul « pourcentage reconstitué » a besoin de numerator_values et de \
                 denominator_values (au moins une valeur chacun)."
                    .to_string(),
            );
        }
        let n: f64 = spec.numerator_values.iter().sum();
        let d: f64 = spec.denominator_values.iter().sum();
        return calc::percentage_of(ind, n, d).map_err(|e| e.message_fr());
    }
    let conv = conv.ok_or_else(|| {
        format!(
            "Le calcul « {} » lit les valeurs d'un cas : ajoutez-en un (case).",
            f.label_fr()
        )
    })?;
    let code = ind.code.as_str();
    let result = match f {
        CalcFunction::PartPlai => {
            calc::plai_share(conv, cat, code, &territory(spec, f)?, period(spec, f)?)
        }
        CalcFunction::PartModalites => {
            let num: Vec<&str> = spec.numerator.iter().map(String::as_str).collect();
            let den: Vec<&str> = spec.denominator.iter().map(String::as_str).collect();
            calc::member_share(
                conv,
                cat,
                code,
                &territory(spec, f)?,
                period(spec, f)?,
                need(&spec.breakdown, "breakdown", f)?,
                &num,
                &den,
            )
        }
        CalcFunction::PartDont => calc::part_share(
            conv,
            cat,
            code,
            &territory(spec, f)?,
            &split(spec, f)?,
            need(&spec.part, "part", f)?,
            period(spec, f)?,
        ),
        CalcFunction::Cumul => calc::cumulative_from_yearly(
            conv,
            cat,
            code,
            &territory(spec, f)?,
            &split(spec, f)?,
            *need(&spec.years, "years", f)?,
        ),
        CalcFunction::MoyenneAnnuelle => calc::yearly_average(
            conv,
            cat,
            code,
            &territory(spec, f)?,
            &split(spec, f)?,
            *need(&spec.years, "years", f)?,
        ),
        CalcFunction::RatioAuParc => calc::ratio_to_stock(
            conv,
            cat,
            code,
            &territory(spec, f)?,
            &split(spec, f)?,
            period(spec, f)?,
        ),
        CalcFunction::TotalTerritoires => calc::total_across_territories(
            conv,
            cat,
            conv.referential(),
            code,
            &split(spec, f)?,
            period(spec, f)?,
            spec.level,
        ),
        CalcFunction::Pourcentage => unreachable!("handled above"),
    };
    result.map_err(|e| e.message_fr())
}

/// `value` rounded to `decimals` places.
pub fn round(value: f64, decimals: u8) -> f64 {
    let k = 10f64.powi(i32::from(decimals));
    (value * k).round() / k
}
