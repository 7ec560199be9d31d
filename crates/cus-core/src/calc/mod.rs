//! Computed numbers that explain themselves: each result carries its value, a French formula with
//! the figures it used (`PLAI ÷ (PLAI + PLUS) = 120 ÷ (120 + 280) = 30 %`) and the cells it read.
//!
//! Only valid values take part (see [`crate::convention::valid_number`]); an empty or invalid cell is
//! either skipped and counted (sums over territories) or reported as missing (formulas that need
//! every term). Numbers are written the French way ([`format_fr`]); a percentage has one decimal
//! at most and a no-break space before `%`.

mod derived;
mod organism;

pub use derived::{derived, Derived};
pub use organism::{organism_table, OrgCell, OrgLine};

use std::fmt;

use crate::catalogue::{Catalogue, Indicator, Level, Period, ValueKind};
use crate::convention::{
    is_additive, label_year, valid_number, Cell, Convention, SplitKey, TerritoryKey,
};
use crate::geo::Referential;
use crate::numfmt::format_fr;
use crate::ruledata::{MemberShare, RuleSet};

/// A computed number and how it was computed.
#[derive(Clone, Debug, PartialEq)]
pub struct Explained {
    pub value: f64,
    /// The formula with its figures, in French.
    pub formula_fr: String,
    /// The inputs: canonical cell keys (or `stock|<territory>` for a stock figure) and values.
    pub inputs: Vec<(String, f64)>,
}

/// One named term of a formula.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// Label in the formula (`PLAI`).
    pub label: String,
    /// Canonical cell key.
    pub key: String,
    pub value: f64,
}

/// Why a number cannot be computed.
#[derive(Clone, Debug, PartialEq)]
pub enum CalcError {
    UnknownIndicator(String),
    /// Percentages, amounts per dwelling… do not add up.
    NotAdditive(String),
    NotNumeric(String),
    /// The indicator has no such period, split, breakdown, member or part.
    NotInGrid(String),
    /// No value to work with.
    NoValue,
    /// These cells must be filled (with valid values) first.
    Missing(Vec<String>),
    ZeroDenominator,
    /// The convention gives no stock (or an unusable one) for this territory.
    NoStock(String),
}

impl CalcError {
    pub fn message_fr(&self) -> String {
        match self {
            CalcError::UnknownIndicator(c) => {
                format!("L'indicateur {c} n'existe pas dans le catalogue.")
            }
            CalcError::NotAdditive(c) => format!(
                "Les valeurs de {c} ne s'additionnent pas (pourcentage, montant par logement ou \
                 nombre d'unité incertaine)."
            ),
            CalcError::NotNumeric(c) => format!("{c} n'est pas un indicateur chiffré."),
            CalcError::NotInGrid(w) => format!("{w} n'existe pas pour cet indicateur."),
            CalcError::NoValue => "Aucune valeur saisie à prendre en compte.".to_string(),
            CalcError::Missing(keys) => format!(
                "Calcul impossible : {} cellule(s) à remplir d'abord ({}).",
                keys.len(),
                keys.join(", ")
            ),
            CalcError::ZeroDenominator => "Calcul impossible : le dénominateur est nul.".into(),
            CalcError::NoStock(t) => format!("Le parc de logements de {t} n'est pas renseigné."),
        }
    }
}

impl fmt::Display for CalcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_fr())
    }
}

/// A percentage the French way: `30 %`, `12,5 %` (one decimal at most, no-break space).
pub fn percent_fr(v: f64) -> String {
    format!("{}\u{a0}%", format_fr(v, 1))
}

fn fr(v: f64) -> String {
    format_fr(v, 2)
}

/// `a + b + c`, or `a` alone.
fn plus(items: &[String]) -> String {
    items.join(" + ")
}

/// `(a + b)` for several items, `a` for one.
fn grouped(items: &[String]) -> String {
    if items.len() == 1 {
        items[0].clone()
    } else {
        format!("({})", plus(items))
    }
}

/// Share of `numerator` among `denominator`, in percent:
/// `PLAI ÷ (PLAI + PLUS) = 120 ÷ (120 + 280) = 30 %`.
pub fn share_of(numerator: &[Term], denominator: &[Term]) -> Result<Explained, CalcError> {
    if numerator.is_empty() || denominator.is_empty() {
        return Err(CalcError::NoValue);
    }
    let n: f64 = numerator.iter().map(|t| t.value).sum();
    let d: f64 = denominator.iter().map(|t| t.value).sum();
    if d == 0.0 || !d.is_finite() {
        return Err(CalcError::ZeroDenominator);
    }
    let value = n / d * 100.0;
    let labels = |ts: &[Term]| ts.iter().map(|t| t.label.clone()).collect::<Vec<_>>();
    let figures = |ts: &[Term]| ts.iter().map(|t| fr(t.value)).collect::<Vec<_>>();
    let formula_fr = format!(
        "{} ÷ {} = {} ÷ {} = {}",
        grouped(&labels(numerator)),
        grouped(&labels(denominator)),
        grouped(&figures(numerator)),
        grouped(&figures(denominator)),
        percent_fr(value)
    );
    let mut inputs: Vec<(String, f64)> = Vec::new();
    for t in numerator.iter().chain(denominator) {
        if !inputs.iter().any(|(k, _)| k == &t.key) {
            inputs.push((t.key.clone(), t.value));
        }
    }
    Ok(Explained {
        value,
        formula_fr,
        inputs,
    })
}

/// A percentage from its numerator and denominator (both counts):
/// `logements rénovés ÷ parc F et G = 12 ÷ 150 = 8 %`. The inputs are named `numerateur` and
/// `denominateur`.
pub fn percentage(
    numerator_label: &str,
    numerator: f64,
    denominator_label: &str,
    denominator: f64,
) -> Result<Explained, CalcError> {
    let mut e = share_of(
        &[Term {
            label: numerator_label.to_string(),
            key: "numerateur".into(),
            value: numerator,
        }],
        &[Term {
            label: denominator_label.to_string(),
            key: "denominateur".into(),
            value: denominator,
        }],
    )?;
    e.inputs = vec![
        ("numerateur".into(), numerator),
        ("denominateur".into(), denominator),
    ];
    Ok(e)
}

/// The percentage of a `pourcentage` indicator from its numerator and denominator, named as the
/// catalogue defines them.
pub fn percentage_of(
    ind: &Indicator,
    numerator: f64,
    denominator: f64,
) -> Result<Explained, CalcError> {
    match &ind.value {
        ValueKind::Pourcentage {
            numerator: n,
            denominator: d,
        } => percentage(n, numerator, d, denominator),
        _ => Err(CalcError::NotNumeric(format!(
            "{} (pas un pourcentage)",
            ind.code
        ))),
    }
}

fn indicator<'c>(cat: &'c Catalogue, code: &str) -> Result<&'c Indicator, CalcError> {
    cat.indicator(code)
        .ok_or_else(|| CalcError::UnknownIndicator(code.to_string()))
}

fn additive<'c>(cat: &'c Catalogue, code: &str) -> Result<&'c Indicator, CalcError> {
    let ind = indicator(cat, code)?;
    if is_additive(ind) {
        Ok(ind)
    } else {
        Err(CalcError::NotAdditive(code.to_string()))
    }
}

fn cell(ind: &Indicator, territory: &TerritoryKey, split: &SplitKey, period: Period) -> Cell {
    Cell {
        indicator: ind.code.clone(),
        territory: territory.clone(),
        split: split.clone(),
        period,
    }
}

fn check_split(ind: &Indicator, split: &SplitKey) -> Result<(), CalcError> {
    if crate::convention::splits(ind).contains(split) {
        Ok(())
    } else {
        Err(CalcError::NotInGrid(format!(
            "La ventilation « {} »",
            split.key()
        )))
    }
}

fn check_period(ind: &Indicator, period: Period) -> Result<(), CalcError> {
    if ind.periods.periods().contains(&period) {
        Ok(())
    } else {
        Err(CalcError::NotInGrid(format!(
            "La période « {} »",
            crate::convention::period_key(period)
        )))
    }
}

/// The valid number of a cell, with its key.
fn read(conv: &Convention, ind: &Indicator, c: &Cell) -> (String, Option<f64>) {
    let key = c.key();
    let v = conv.values.get(&key).and_then(|v| valid_number(ind, v));
    (key, v)
}

/// Total of a count over the rows of one level (default: the indicator's first level in the
/// convention), for one split and period: `Somme des 2 lignes (département) : 120 + 80 = 200`.
/// Empty or invalid cells are skipped and counted (`2 lignes renseignées sur 3`).
pub fn total_across_territories(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    indicator_code: &str,
    split: &SplitKey,
    period: Period,
    level: Option<Level>,
) -> Result<Explained, CalcError> {
    let ind = additive(cat, indicator_code)?;
    check_split(ind, split)?;
    check_period(ind, period)?;
    let Some(level) = level.or_else(|| conv.levels(ind).first().copied()) else {
        return Err(CalcError::NoValue);
    };
    let rows = conv.rows_at_level(ind, geo, level);
    let mut inputs = Vec::new();
    let mut invalid = 0;
    for r in &rows {
        match read(conv, ind, &cell(ind, r, split, period)) {
            (key, Some(v)) => inputs.push((key, v)),
            (key, None) if conv.values.contains_key(&key) => invalid += 1,
            _ => {}
        }
    }
    if inputs.is_empty() {
        return Err(CalcError::NoValue);
    }
    let value: f64 = inputs.iter().map(|(_, v)| v).sum();
    let n = inputs.len();
    let mut lines = match (n, rows.len()) {
        (1, 1) => "Somme de 1 ligne".to_string(),
        (n, m) if n == m => format!("Somme des {n} lignes"),
        (1, m) => format!("Somme de 1 ligne renseignée sur {m}"),
        (n, m) => format!("Somme des {n} lignes renseignées sur {m}"),
    };
    if invalid > 0 {
        lines.push_str(&format!(
            ", {invalid} valeur{s} en erreur laissée{s} de côté",
            s = if invalid > 1 { "s" } else { "" }
        ));
    }
    let figures: Vec<String> = inputs.iter().map(|(_, v)| fr(*v)).collect();
    Ok(Explained {
        value,
        formula_fr: format!(
            "{lines} ({}) : {} = {}",
            level.label_fr(),
            plus(&figures),
            fr(value)
        ),
        inputs,
    })
}

/// The years 1..=`years` of a row, all required.
fn yearly_values(
    conv: &Convention,
    ind: &Indicator,
    territory: &TerritoryKey,
    split: &SplitKey,
    years: u8,
) -> Result<Vec<(String, f64)>, CalcError> {
    if !ind.periods.yearly || years == 0 || years > crate::catalogue::CONVENTION_YEARS {
        return Err(CalcError::NotInGrid(format!(
            "La série annuelle sur {years} ans"
        )));
    }
    let mut got = Vec::new();
    let mut missing = Vec::new();
    for y in 1..=years {
        match read(conv, ind, &cell(ind, territory, split, Period::Year(y))) {
            (k, Some(v)) => got.push((k, v)),
            (k, None) => missing.push(k),
        }
    }
    if missing.is_empty() {
        Ok(got)
    } else {
        Err(CalcError::Missing(missing))
    }
}

fn years_label(conv: &Convention, years: u8) -> String {
    match label_year(conv) {
        Some(_) => format!(
            "{} à {}",
            Period::Year(1).label_fr(label_year(conv)),
            Period::Year(years).label_fr(label_year(conv))
        ),
        None => format!("1 à {years}"),
    }
}

/// Cumulative of a count over years 1..=`years` from the yearly values:
/// `Somme des années 2022 à 2027 : 10 + 12 + 9 + 11 + 10 + 8 = 60`.
pub fn cumulative_from_yearly(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    split: &SplitKey,
    years: u8,
) -> Result<Explained, CalcError> {
    let ind = additive(cat, indicator_code)?;
    check_split(ind, split)?;
    let inputs = yearly_values(conv, ind, territory, split, years)?;
    let value: f64 = inputs.iter().map(|(_, v)| v).sum();
    let figures: Vec<String> = inputs.iter().map(|(_, v)| fr(*v)).collect();
    Ok(Explained {
        value,
        formula_fr: format!(
            "Somme des années {} : {} = {}",
            years_label(conv, years),
            plus(&figures),
            fr(value)
        ),
        inputs,
    })
}

/// Yearly average over `years` years: from the yearly values when the indicator has them
/// (`Moyenne des années 2022 à 2027 : (10 + 12 + 9 + 11 + 10 + 8) ÷ 6 = 10`), else, for a
/// `nombre`, from the cumulative at `years` (`Cumul 2022–2027 ÷ 6 = 60 ÷ 6 = 10`).
pub fn yearly_average(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    split: &SplitKey,
    years: u8,
) -> Result<Explained, CalcError> {
    let ind = indicator(cat, indicator_code)?;
    if ind.bounds().is_none() {
        return Err(CalcError::NotNumeric(ind.code.clone()));
    }
    check_split(ind, split)?;
    let n = f64::from(years);
    if ind.periods.yearly {
        let inputs = yearly_values(conv, ind, territory, split, years)?;
        let value = inputs.iter().map(|(_, v)| v).sum::<f64>() / n;
        let figures: Vec<String> = inputs.iter().map(|(_, v)| fr(*v)).collect();
        return Ok(Explained {
            value,
            formula_fr: format!(
                "Moyenne des années {} : {} ÷ {years} = {}",
                years_label(conv, years),
                grouped(&figures),
                fr(value)
            ),
            inputs,
        });
    }
    let period = Period::Cumulative(years);
    if !matches!(ind.value, ValueKind::Nombre { .. }) {
        return Err(CalcError::NotAdditive(ind.code.clone()));
    }
    check_period(ind, period)?;
    match read(conv, ind, &cell(ind, territory, split, period)) {
        (k, Some(v)) => Ok(Explained {
            value: v / n,
            formula_fr: format!(
                "{} ÷ {years} = {} ÷ {years} = {}",
                period.label_fr(label_year(conv)),
                fr(v),
                fr(v / n)
            ),
            inputs: vec![(k, v)],
        }),
        (k, None) => Err(CalcError::Missing(vec![k])),
    }
}

/// Share of some members of a breakdown among others, for one row and period (other breakdowns
/// at their total, no part): `PLAI ÷ (PLAI + PLUS) = 120 ÷ (120 + 280) = 30 %`.
#[allow(clippy::too_many_arguments)]
pub fn member_share(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    period: Period,
    breakdown: &str,
    numerator: &[&str],
    denominator: &[&str],
) -> Result<Explained, CalcError> {
    let ind = additive(cat, indicator_code)?;
    check_period(ind, period)?;
    let b = ind
        .splits
        .breakdowns
        .iter()
        .position(|x| x.id == breakdown)
        .ok_or_else(|| CalcError::NotInGrid(format!("La ventilation « {breakdown} »")))?;
    let mut missing = Vec::new();
    let mut terms = |codes: &[&str]| -> Result<Vec<Term>, CalcError> {
        let mut out = Vec::new();
        for &m in codes {
            if !ind.splits.breakdowns[b].members.iter().any(|x| x.code == m) {
                return Err(CalcError::NotInGrid(format!("La modalité « {m} »")));
            }
            let mut members = vec![None; ind.splits.breakdowns.len()];
            members[b] = Some(m.to_string());
            let split = SplitKey {
                members,
                part: None,
            };
            match read(conv, ind, &cell(ind, territory, &split, period)) {
                (key, Some(value)) => out.push(Term {
                    label: split.label_fr(ind),
                    key,
                    value,
                }),
                (key, None) => {
                    if !missing.contains(&key) {
                        missing.push(key)
                    }
                }
            }
        }
        Ok(out)
    };
    let num = terms(numerator)?;
    let den = terms(denominator)?;
    if !missing.is_empty() {
        return Err(CalcError::Missing(missing));
    }
    share_of(&num, &den)
}

/// Share of PLAI among PLAI + PLUS (or whatever the embedded plausibility rule with code
/// `W-PLAUSIBLE-PLAI-SHARE` declares for this indicator: the member codes are data).
pub fn plai_share(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    period: Period,
) -> Result<Explained, CalcError> {
    let rule = plai_share_rule(cat, indicator_code)
        .ok_or_else(|| CalcError::NotInGrid(format!("La part de PLAI pour {indicator_code}")))?;
    let num: Vec<&str> = rule.numerator.iter().map(String::as_str).collect();
    let den: Vec<&str> = rule.denominator.iter().map(String::as_str).collect();
    member_share(
        conv,
        cat,
        indicator_code,
        territory,
        period,
        &rule.breakdown,
        &num,
        &den,
    )
}

/// The rule [`plai_share`] follows for an indicator of this catalogue, if there is one: where it
/// is `None`, the share is not offered.
pub fn plai_share_rule(cat: &Catalogue, indicator_code: &str) -> Option<&'static MemberShare> {
    RuleSet::embedded().member_shares.iter().find(|r| {
        r.code == "W-PLAUSIBLE-PLAI-SHARE" && r.indicator == indicator_code && r.applies_to(cat)
    })
}

/// French label of an input of an [`Explained`]: a cell as the grid names it
/// (`PP-1, 59 — Nord, Total, Cumul 2024–2029`), a stock figure (`Parc déclaré — 59 — Nord`),
/// else the key itself.
pub fn input_label_fr(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    key: &str,
) -> String {
    if let Some(t) = key.strip_prefix("stock|") {
        return match t.parse::<TerritoryKey>() {
            Ok(t) => format!("Parc déclaré — {}", conv.territory_label(&t, geo)),
            Err(_) => format!("Parc déclaré — {t}"),
        };
    }
    match Cell::parse_key(key) {
        Some(c) => {
            let split = match cat.indicator(&c.indicator) {
                Some(ind) => c.split.label_fr(ind),
                None => c.split.key(),
            };
            format!(
                "{}, {}, {}, {}",
                c.indicator,
                conv.territory_label(&c.territory, geo),
                split,
                c.period.label_fr(label_year(conv))
            )
        }
        None => key.to_string(),
    }
}

/// Share of a "dont" part in its whole (`split` without part):
/// `dont hors QPV ÷ Total = 65 ÷ 75 = 86,7 %`.
pub fn part_share(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    split: &SplitKey,
    part: &str,
    period: Period,
) -> Result<Explained, CalcError> {
    let ind = additive(cat, indicator_code)?;
    check_period(ind, period)?;
    let whole = SplitKey {
        members: split.members.clone(),
        part: None,
    };
    let with_part = SplitKey {
        members: split.members.clone(),
        part: Some(part.to_string()),
    };
    check_split(ind, &whole)?;
    check_split(ind, &with_part)?;
    let part_label = ind
        .splits
        .parts
        .iter()
        .find(|p| p.id == part)
        .map(|p| p.label.clone())
        .unwrap_or_else(|| part.to_string());
    let (pk, pv) = read(conv, ind, &cell(ind, territory, &with_part, period));
    let (wk, wv) = read(conv, ind, &cell(ind, territory, &whole, period));
    let missing: Vec<String> = [(pk.clone(), pv), (wk.clone(), wv)]
        .into_iter()
        .filter(|(_, v)| v.is_none())
        .map(|(k, _)| k)
        .collect();
    let (Some(pv), Some(wv)) = (pv, wv) else {
        return Err(CalcError::Missing(missing));
    };
    share_of(
        &[Term {
            label: part_label,
            key: pk,
            value: pv,
        }],
        &[Term {
            label: whole.label_fr(ind),
            key: wk,
            value: wv,
        }],
    )
}

/// A count compared with the stock of dwellings of its territory (`conv.stock`):
/// `Total ÷ parc = 120 ÷ 1 500 = 8 %`. The stock input is keyed `stock|<territory>`.
pub fn ratio_to_stock(
    conv: &Convention,
    cat: &Catalogue,
    indicator_code: &str,
    territory: &TerritoryKey,
    split: &SplitKey,
    period: Period,
) -> Result<Explained, CalcError> {
    let ind = additive(cat, indicator_code)?;
    check_split(ind, split)?;
    check_period(ind, period)?;
    let t = territory.to_string();
    let stock = conv
        .stock
        .get(&t)
        .copied()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .ok_or_else(|| CalcError::NoStock(t.clone()))?;
    let (k, v) = read(conv, ind, &cell(ind, territory, split, period));
    let Some(v) = v else {
        return Err(CalcError::Missing(vec![k]));
    };
    share_of(
        &[Term {
            label: split.label_fr(ind),
            key: k,
            value: v,
        }],
        &[Term {
            label: "parc".into(),
            key: format!("stock|{t}"),
            value: stock,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(label: &str, value: f64) -> Term {
        Term {
            label: label.into(),
            key: format!("k-{label}"),
            value,
        }
    }

    #[test]
    fn share_formulas() {
        let e = share_of(
            &[term("PLAI", 120.0)],
            &[term("PLAI", 120.0), term("PLUS", 280.0)],
        )
        .unwrap();
        assert_eq!(e.value, 30.0);
        assert_eq!(
            e.formula_fr,
            "PLAI ÷ (PLAI + PLUS) = 120 ÷ (120 + 280) = 30\u{a0}%"
        );
        assert_eq!(
            e.inputs,
            vec![("k-PLAI".to_string(), 120.0), ("k-PLUS".to_string(), 280.0)]
        );
        assert_eq!(
            share_of(&[term("a", 1.0)], &[term("b", 0.0)]),
            Err(CalcError::ZeroDenominator)
        );
        let p = percentage("rénovés", 12.0, "parc F et G", 150.0).unwrap();
        assert_eq!(p.formula_fr, "rénovés ÷ parc F et G = 12 ÷ 150 = 8\u{a0}%");
        assert_eq!(percent_fr(86.666), "86,7\u{a0}%");
    }

    #[test]
    fn plai_rule_and_input_labels() {
        let cats = crate::catalogue::embedded();
        let cat = crate::catalogue::latest(&cats, "cus2-logements-locatifs").unwrap();
        let rule = plai_share_rule(cat, "PP-1").unwrap();
        assert_eq!(rule.numerator, vec!["PLAI".to_string()]);
        assert!(plai_share_rule(cat, "PS-1").is_none());
        assert!(plai_share_rule(cat, "XX-9").is_none());

        let conv = Convention {
            signing_year: Some(2024),
            departements: vec!["59".into()],
            ..Default::default()
        };
        let geo = crate::geo::referential(2021);
        assert_eq!(
            input_label_fr(&conv, cat, geo, "PP-1|departement:59|PLAI/hors-qpv|c6"),
            "PP-1, 59 — Nord, PLAI — dont hors QPV, Cumul 2024–2029"
        );
        assert_eq!(
            input_label_fr(&conv, cat, geo, "stock|departement:59"),
            "Parc déclaré — 59 — Nord"
        );
        assert_eq!(input_label_fr(&conv, cat, geo, "numerateur"), "numerateur");
        // Without a referential or a signing year, still a readable label.
        let bare = Convention::default();
        assert_eq!(
            input_label_fr(&bare, cat, None, "PP-1|departement:59|total|c3"),
            "PP-1, Département 59, Total, À 3 ans"
        );
    }
}
