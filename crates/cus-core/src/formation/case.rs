//! An exercise's small convention made real: the [`Case`] becomes a [`Convention`] of a
//! fictional organism, validated by the rule engine (`rules::validate`) and computed by `calc`,
//! exactly as « Remplir ma CUS » would.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::calc::{self, Explained};
use crate::catalogue::{Catalogue, Indicator, PartShare};
use crate::convention::{
    parse_period_key, typed_value, Achievements, CatalogueRef, Convention, GridShape,
    IndicatorSegmentation, SignedVersion, SplitKey, TerritoryKey, Value, Values, PART_PERCENT,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::organisme::{Organisme, OrganismeKind};

use super::model::{CalcFunction, CalcSpec, Case, CaseValues};

/// `part_unit` of a case whose « dont » parts are counts.
pub const PART_COUNT: &str = "nombre";

/// The indicator `code` as the convention's choices make it (its unit, periodicity, parts in %):
/// the grid an exercise shows is this one, like the grid of « Remplir ma CUS ».
pub fn shown<'c>(conv: &Convention, cat: &'c Catalogue, code: &str) -> Option<Cow<'c, Indicator>> {
    let ind = cat.indicator(code)?;
    Some(conv.indicator_view(ind))
}

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
        bases: case.bases.clone(),
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
    if let Some(p) = &case.periodicity {
        conv.periodicity.insert(ind.code.clone(), p.clone());
    }
    if case.part_unit.as_deref() == Some(PART_PERCENT) {
        conv.part_units
            .insert(ind.code.clone(), PART_PERCENT.to_string());
    }
    // The grid as the convention's choices make it (a « logements et % » unit adds a column).
    let view = conv.indicator_view(ind).into_owned();
    let ind = &view;
    let shape = GridShape::new(&conv, ind, conv.referential());
    conv.values = read_values(&case.values, ind, &shape, "", &mut problems);
    if let Some(s) = &case.signature {
        conv.signature = Some(s.clone());
    }
    for v in &case.versions {
        let what = format!(" ({})", v.label);
        conv.versions.push(SignedVersion {
            signature: crate::convention::Signature {
                date: v.date.clone(),
                label: v.label.clone(),
            },
            values: read_values(&v.values, ind, &shape, &what, &mut problems),
        });
    }
    let mut ach = Achievements {
        evaluation: case.evaluation.clone().unwrap_or_default(),
        ..Default::default()
    };
    let mut achieved_key = |territory: &str, period: &str, split: &str, what: &str| {
        let known = territory.parse::<TerritoryKey>().is_ok()
            && shape.row_pos.contains_key(territory)
            && matches!(
                parse_period_key(period),
                Some(crate::catalogue::Period::Year(_))
            )
            && shape.split_index(split).is_some();
        if known {
            Some(crate::convention::key::cell_key(
                &ind.code, territory, split, period,
            ))
        } else {
            problems.push(format!(
                "La réalisation {what} de {territory}, {period}, {split} n'est pas une case \
                 annuelle de la grille de {} (années a1 à a6).",
                ind.code
            ));
            None
        }
    };
    for (t, periods) in &case.achieved {
        for (p, splits) in periods {
            for (sp, v) in splits {
                if let Some(k) = achieved_key(t, p, sp, "") {
                    ach.values.insert(k, *v);
                }
            }
        }
    }
    for (t, periods) in &case.achieved_terms {
        for (p, splits) in periods {
            for (sp, v) in splits {
                if let Some(k) = achieved_key(t, p, sp, "(numérateur et dénominateur)") {
                    ach.terms.insert(k, v.clone());
                }
            }
        }
    }
    conv.achievements = ach;
    (conv, problems)
}

/// The values of a case as cell keys of the grid `shape` of `ind`; what is not in the grid is a
/// problem (`what` names the version of the commitments, if not the current one).
fn read_values(
    values: &CaseValues,
    ind: &Indicator,
    shape: &GridShape,
    what: &str,
    problems: &mut Vec<String>,
) -> Values {
    let mut out = BTreeMap::new();
    for (territory, periods) in values {
        let t = match territory.parse::<TerritoryKey>() {
            Ok(t) => t,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        if !shape.row_pos.contains_key(&t.to_string()) {
            problems.push(format!(
                "Le territoire « {territory} »{what} n'est pas une ligne de la grille de {} dans \
                 ce cas : déclarez-le (departements, epci, segments) ou choisissez la maille \
                 (levels).",
                ind.code
            ));
            continue;
        }
        for (period, splits) in periods {
            if parse_period_key(period).is_none() || shape.period_index(period).is_none() {
                problems.push(format!(
                    "La période « {period} »{what} n'existe pas pour {} (périodes : {}).",
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
                        "La ventilation « {split} »{what} n'existe pas pour {} (ventilations : \
                         {}).",
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
                                "La valeur de {territory}, {period}, {split}{what} est un texte \
                                 vide : une case vide s'écrit en omettant la valeur."
                            ));
                            continue;
                        }
                    },
                    v => v.clone(),
                };
                out.insert(
                    crate::convention::key::cell_key(&ind.code, &t.to_string(), split, period),
                    value,
                );
            }
        }
    }
    out.into_iter().collect()
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
    // The catalogue as the case's convention applies it (its unit, periodicity, parts in %).
    let view = conv.view(cat);
    let cat = &*view;
    let ind = cat.indicator(&ind.code).unwrap_or(ind);
    let code = ind.code.as_str();
    let geo = conv.referential();
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
        CalcFunction::PartDont => {
            let part = need(&spec.part, "part", f)?;
            let stated = ind.splits.parts.iter().find(|p| &p.id == part);
            if stated.is_some_and(|p| p.share != PartShare::Nombre) {
                return Err(format!(
                    "La part « {part} » est saisie en % de son total dans ce cas : elle se lit \
                     telle quelle, et le nombre qu'elle représente est le calcul « chiffre \
                     déduit »."
                ));
            }
            calc::part_share(
                conv,
                cat,
                code,
                &territory(spec, f)?,
                &split(spec, f)?,
                part,
                period(spec, f)?,
            )
        }
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
            geo,
            code,
            &split(spec, f)?,
            period(spec, f)?,
            spec.level,
        ),
        CalcFunction::TableauOrganisme => return organism_figure(spec, conv, cat, ind, f),
        CalcFunction::ChiffreDeduit => return derived_figure(spec, conv, ind, f),
        CalcFunction::Realisation
        | CalcFunction::EngagementMesure
        | CalcFunction::TauxDeRealisation => return evaluated(spec, conv, cat, ind, f),
        CalcFunction::Pourcentage => unreachable!("handled above"),
    };
    result.map_err(|e| e.message_fr())
}

/// The organism-level figure of one split and period (`calc::organism_table`).
fn organism_figure(
    spec: &CalcSpec,
    conv: &Convention,
    cat: &Catalogue,
    ind: &Indicator,
    f: CalcFunction,
) -> Result<Explained, String> {
    let split = split(spec, f)?;
    let p = period(spec, f)?;
    let col = ind
        .periods
        .periods()
        .iter()
        .position(|x| *x == p)
        .ok_or_else(|| {
            format!(
                "La période « {} » n'est pas une colonne de {}.",
                crate::convention::period_key(p),
                ind.code
            )
        })?;
    let label = split.label_fr(ind);
    let line = calc::organism_table(conv, cat, conv.referential())
        .into_iter()
        .find(|l| l.code == ind.code && l.split_fr == label)
        .ok_or_else(|| {
            format!(
                "Le tableau de l'organisme n'a pas de ligne {} — {label}.",
                ind.code
            )
        })?;
    let cell = &line.cells[col];
    match cell.value {
        Some(v) => Ok(Explained {
            value: v,
            formula_fr: format!(
                "{} — {}, {}, ensemble de l'organisme ({}) : {}",
                ind.code, label, line.period_labels[col], line.from_fr, cell.how_fr
            ),
            inputs: Vec::new(),
        }),
        None => Err(format!(
            "{} — {label}, {} : pas de chiffre de l'organisme ({}).",
            ind.code, line.period_labels[col], cell.how_fr
        )),
    }
}

/// The figure a cell implies in the other unit (`calc::derived`), read back as a number from
/// what the application shows (« 400 logements », « 3 % du parc F et G »).
fn derived_figure(
    spec: &CalcSpec,
    conv: &Convention,
    ind: &Indicator,
    f: CalcFunction,
) -> Result<Explained, String> {
    let t = territory(spec, f)?;
    let s = split(spec, f)?;
    let p = period(spec, f)?;
    let k = crate::convention::key::cell_key_of(&ind.code, &t, &s, p);
    let d = calc::derived(conv, ind, conv.referential())
        .into_iter()
        .find(|d| d.key == k)
        .ok_or_else(|| {
            format!(
                "La case {k} n'implique aucun chiffre dans une autre unité (il faut une part en % \
                 de son total, ou un nombre et la base dont il est une part)."
            )
        })?;
    let figure: String = d
        .derived_fr
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}' | '-'))
        .collect();
    let value = crate::numfmt::parse_fr(figure.trim()).map_err(|e| e.message_fr(&d.derived_fr))?;
    Ok(Explained {
        value,
        formula_fr: format!(
            "{}, {} : saisi {}, soit {} ({})",
            d.territory_fr, d.cell_fr, d.stated_fr, d.derived_fr, d.formula_fr
        ),
        inputs: vec![(k, value)],
    })
}

/// One line of the evaluation (`evaluation::evaluate`): what was achieved, the commitment it
/// is measured against (the version in force), or the rate.
fn evaluated(
    spec: &CalcSpec,
    conv: &Convention,
    cat: &Catalogue,
    ind: &Indicator,
    f: CalcFunction,
) -> Result<Explained, String> {
    let id = spec
        .evaluation
        .as_deref()
        .or(Some(conv.achievements.evaluation.as_str()).filter(|e| !e.is_empty()))
        .ok_or_else(|| {
            format!(
                "Le calcul « {} » a besoin de l'évaluation (evaluation, ici ou dans le cas).",
                f.label_fr()
            )
        })?;
    let period_of = cat.evaluations.iter().find(|e| e.id == id).ok_or_else(|| {
        format!(
            "Le catalogue {} n'a pas d'évaluation « {id} » (évaluations : {}).",
            cat.id,
            cat.evaluations
                .iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let t = territory(spec, f)?;
    let s = split(spec, f)?;
    let p = period(spec, f)?;
    let lines =
        crate::evaluation::evaluate(conv, cat, conv.referential(), &conv.achievements, period_of);
    let line = lines
        .iter()
        .find(|l| l.indicator == ind.code && l.territory == t && l.split == s && l.period == p)
        .ok_or_else(|| {
            format!(
                "L'évaluation « {} » n'a pas de ligne {} — {}, {} (ni engagement ni réalisation \
                 sur ses années).",
                period_of.label,
                ind.code,
                s.label_fr(ind),
                ind.period_label_fr(p, conv.signing_year)
            )
        })?;
    let value = match f {
        CalcFunction::Realisation => line.achieved,
        CalcFunction::EngagementMesure => line.committed,
        _ => line.rate,
    };
    let value = value.ok_or_else(|| format!("Pas de {} : {}.", f.label_fr(), line.formula_fr))?;
    // The version measured against, unless the line already says it (after an avenant).
    let version = if line.formula_fr.contains("(engagement de :") {
        String::new()
    } else {
        format!(" ({})", line.version_fr())
    };
    Ok(Explained {
        value,
        formula_fr: format!(
            "{} — {}, {}{version} : {}",
            ind.code,
            s.label_fr(ind),
            ind.period_label_fr(p, conv.signing_year),
            line.formula_fr
        ),
        inputs: Vec::new(),
    })
}

/// `value` rounded to `decimals` places.
pub fn round(value: f64, decimals: u8) -> f64 {
    let k = 10f64.powi(i32::from(decimals));
    (value * k).round() / k
}
