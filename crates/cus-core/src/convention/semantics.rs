//! What values mean for an indicator: which values are acceptable ([`value_problem`], with the
//! length limit of texts, [`text_too_long`]), the number a valid cell holds ([`valid_number`]),
//! which indicators add up ([`is_additive`]) and must be filled ([`is_required`]), and the year
//! period labels start from ([`label_year`]). Facts about indicators and values, shared by the
//! rules and the calculations.

use super::{cell_error, check_number, Convention, Value};
use crate::catalogue::{Indicator, PartShare, Requirement, ValueKind};
use crate::numfmt::format_fr;

/// The length of a text value of a `texte` indicator, in characters, and the indicator's limit,
/// when the text is longer than the limit ([`Indicator::text_limit`]).
pub fn text_too_long(ind: &Indicator, v: &Value) -> Option<(usize, u32)> {
    let max = ind.text_limit()?;
    let Value::Text(t) = v else { return None };
    // Cheap first: a text of at most `max` bytes has at most `max` characters.
    if t.len() <= max as usize {
        return None;
    }
    let n = t.chars().count();
    (n > max as usize).then_some((n, max))
}

/// A whole-number count, whose values add up.
pub fn is_additive(ind: &Indicator) -> bool {
    matches!(ind.value, ValueKind::Nombre { .. }) && ind.bounds().is_some_and(|b| b.integer)
}

/// Must every row of the indicator be filled? Mandatory ones, and those retained at the
/// prefect's request (a convention only retains them when the prefect asked).
pub fn is_required(ind: &Indicator) -> bool {
    ind.requirement != Requirement::Facultatif
}

/// The message of a value that does not fit its indicator (kind, whole number, bounds), if any.
/// Extends [`cell_error`] to numbers typed as text, non-finite numbers, yes/no and text items.
pub fn value_problem(ind: &Indicator, v: &Value) -> Option<String> {
    match ind.value {
        ValueKind::OuiNon => match v {
            Value::Bool(_) => None,
            Value::Text(t) if matches!(t.trim().to_lowercase().as_str(), "oui" | "non") => None,
            _ => Some(format!("{} attend « oui » ou « non ».", ind.code)),
        },
        ValueKind::Texte => match v {
            Value::Text(t) if t.trim().is_empty() => {
                Some("Le texte est vide : rédigez l'engagement ou effacez la cellule.".into())
            }
            _ => text_too_long(ind, v).map(|(n, max)| {
                format!(
                    "Le texte compte {} caractères, plus que les {} permis : raccourcissez-le \
                     d'au moins {} caractère{}.",
                    format_fr(n as f64, 0),
                    format_fr(f64::from(max), 0),
                    format_fr((n - max as usize) as f64, 0),
                    if n - max as usize > 1 { "s" } else { "" }
                )
            }),
        },
        _ => {
            if let Value::Number(n) = v {
                if !n.is_finite() {
                    return Some(
                        "La valeur n'est pas un nombre fini : saisissez un nombre.".into(),
                    );
                }
            }
            cell_error(ind, v).or_else(|| match v {
                Value::Text(t) => crate::numfmt::parse_fr(t)
                    .ok()
                    .and_then(|n| check_number(ind, n)),
                _ => None,
            })
        }
    }
}

/// The number a cell holds when it is valid for its (numeric) indicator.
pub fn valid_number(ind: &Indicator, v: &Value) -> Option<f64> {
    ind.bounds()?;
    if value_problem(ind, v).is_some() {
        return None;
    }
    match v {
        Value::Number(n) => Some(*n),
        Value::Text(t) => crate::numfmt::parse_fr(t).ok(),
        Value::Bool(_) => None,
    }
}

/// The signing year used in period labels ("Cumul 2022–2024"): the convention's, when it is a
/// plausible year (an absurd one would overflow the label arithmetic), else none ("À 3 ans").
pub fn label_year(conv: &Convention) -> Option<i32> {
    conv.signing_year.filter(|y| (1900..=2200).contains(y))
}

/// How the cells of `split` are stated: a count like their indicator, or (a « dont » part the
/// convention states as a percentage, `Convention::view`) a percentage.
pub fn part_share(ind: &Indicator, split: &super::SplitKey) -> PartShare {
    match &split.part {
        Some(id) => ind
            .splits
            .parts
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.share)
            .unwrap_or_default(),
        None => PartShare::Nombre,
    }
}

/// [`part_share`] from the split part of a cell key (`PLAI/hors-qpv`).
pub fn part_share_of_key(ind: &Indicator, split_key: &str) -> PartShare {
    match split_key.split_once('/') {
        Some((_, id)) => ind
            .splits
            .parts
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.share)
            .unwrap_or_default(),
        None => PartShare::Nombre,
    }
}

/// The message of a value stated as a percentage (0 to 100), if it is not one.
fn percentage_problem(v: &Value) -> Option<String> {
    let n = match v {
        Value::Number(n) => *n,
        Value::Text(t) => match crate::numfmt::parse_fr(t.trim().trim_end_matches('%').trim()) {
            Ok(n) => n,
            Err(e) => return Some(e.message_fr(t)),
        },
        Value::Bool(_) => return Some("Un pourcentage est attendu.".into()),
    };
    if !n.is_finite() {
        return Some("La valeur n'est pas un nombre fini : saisissez un nombre.".into());
    }
    (!(0.0..=100.0).contains(&n)).then(|| {
        format!(
            "Cette part est saisie en pourcentage (de 0 à 100) : {} n'en est pas un. Tapez le \
             pourcentage, ou choisissez de saisir les parts en nombre au-dessus de la grille.",
            format_fr(n, 2)
        )
    })
}

/// [`value_problem`] for a cell of a split stated `share`.
pub fn value_problem_at(ind: &Indicator, share: PartShare, v: &Value) -> Option<String> {
    if share.is_percentage() {
        percentage_problem(v)
    } else {
        value_problem(ind, v)
    }
}

/// [`valid_number`] for a cell of a split stated `share`.
pub fn valid_number_at(ind: &Indicator, share: PartShare, v: &Value) -> Option<f64> {
    if !share.is_percentage() {
        return valid_number(ind, v);
    }
    if percentage_problem(v).is_some() {
        return None;
    }
    match v {
        Value::Number(n) => Some(*n),
        Value::Text(t) => crate::numfmt::parse_fr(t.trim().trim_end_matches('%').trim()).ok(),
        Value::Bool(_) => None,
    }
}

/// [`super::entry_value`] for a cell of a split stated `share`: a percentage part takes a
/// number, with or without its « % » sign.
pub fn entry_value_at(ind: &Indicator, share: PartShare, raw: &str) -> Option<Value> {
    if share.is_percentage() {
        super::typed_value(raw)
    } else {
        super::entry_value(ind, raw)
    }
}

/// How the cell of a canonical key is stated ([`part_share`] of its split).
pub fn part_share_of_cell(ind: &Indicator, cell_key: &str) -> PartShare {
    super::key::cell_parts(cell_key)
        .map(|[_, _, split, _]| part_share_of_key(ind, split))
        .unwrap_or_default()
}

/// Is a value of `ind` (the convention's view) a percentage: its kind, or a « % … » unit chosen
/// for a count indicator (« % du parc »)? Such values are never added up.
pub fn is_percentage_value(ind: &Indicator) -> bool {
    match &ind.value {
        ValueKind::Pourcentage { .. } => true,
        ValueKind::Nombre { unit } => unit.trim_start().starts_with('%'),
        _ => false,
    }
}
