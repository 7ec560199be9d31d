//! Figures of the period before the conventions (the 2005-2010 achievements a first-generation
//! synthesis compares with): the State holds them in its financing records, the user enters or
//! pastes them, and the synthesis labels them as entered. A second-generation CUS carries its
//! own « Référence » instead, read from the files.

use serde::{Deserialize, Serialize};

use super::Aligned;
use crate::convention::TerritoryKey;

/// One figure of the previous period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousFigure {
    pub indicator: String,
    /// Split key as in cell keys (`PLAI`, `total`, `valeur`).
    pub split: String,
    /// Calendar window (`2005-2010`) or year (`2010`): [`Aligned::key`].
    pub period: String,
    pub value: f64,
    /// A sub-territory (`departement:59`, `epci:200093201`); `None`: the whole territory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryKey>,
    /// An organism (its SIREN); `None`: every organism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organism: Option<String>,
}

impl PreviousFigure {
    /// The number of calendar years the figure covers (`None`: not a calendar period).
    pub fn years(&self) -> Option<i32> {
        match Aligned::parse(&self.period)? {
            Aligned::Window(a, b) => Some(b - a + 1),
            Aligned::Year(_) => Some(1),
            _ => None,
        }
    }

    /// « 2005–2010 ».
    pub fn period_fr(&self) -> String {
        match Aligned::parse(&self.period) {
            Some(Aligned::Window(a, b)) => format!("{a}–{b}"),
            Some(Aligned::Year(y)) => y.to_string(),
            _ => self.period.clone(),
        }
    }

    /// The same indicator, split, period, territory and organism (one replaces the other).
    pub fn same_cell(&self, other: &PreviousFigure) -> bool {
        self.indicator == other.indicator
            && self.split == other.split
            && self.period == other.period
            && self.territory == other.territory
            && self.organism == other.organism
    }
}

/// Previous-period figures pasted from a spreadsheet or read from a CSV file, one per line:
/// `indicateur;ventilation;période;valeur[;territoire[;organisme]]` (tabs, `;` or `,` between
/// fields when the values use no decimal comma), French numbers; `territoire` empty (the whole
/// territory), a key (`departement:59`), a département code (`59`, `2A`) or an EPCI SIREN;
/// `organisme` empty or a SIREN. An optional header line starts with « indicateur ».
/// `Err`: one French message per wrong line, naming it.
pub fn parse_previous(text: &str) -> Result<Vec<PreviousFigure>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, mut f) in super::totals::pasted_lines(text) {
        while f.len() > 4 && f.last() == Some(&"") {
            f.pop();
        }
        if !(4..=6).contains(&f.len()) {
            errors.push(format!(
                "Ligne {n} : {} champ{} au lieu de 4 à 6 (indicateur, ventilation, période, valeur, territoire, organisme).",
                f.len(),
                if f.len() > 1 { "s" } else { "" }
            ));
            continue;
        }
        let period = match Aligned::parse(f[2]) {
            Some(p @ (Aligned::Window(..) | Aligned::Year(_))) => p,
            _ => {
                errors.push(format!(
                    "Ligne {n} : « {} » n'est pas une période passée en années civiles (une année comme 2010, ou un cumul comme 2005-2010).",
                    f[2]
                ));
                continue;
            }
        };
        let territory = match f.get(4).copied().unwrap_or("") {
            "" => None,
            t => match territory_of(t) {
                Some(k) => Some(k),
                None => {
                    errors.push(format!(
                        "Ligne {n} : « {t} » n'est pas un territoire (departement:59, 59, un SIREN d'EPCI, ou vide pour tout le territoire)."
                    ));
                    continue;
                }
            },
        };
        let organism = match f.get(5).copied().unwrap_or("") {
            "" => None,
            o => {
                let digits: String = o.chars().filter(|c| !c.is_whitespace()).collect();
                if digits.len() == 9 && digits.chars().all(|c| c.is_ascii_digit()) {
                    Some(digits)
                } else {
                    errors.push(format!(
                        "Ligne {n} : « {o} » n'est pas un SIREN d'organisme (9 chiffres)."
                    ));
                    continue;
                }
            }
        };
        match super::totals::positive_value(f[3], n, "un chiffre de la période précédente") {
            Ok(v) => out.push(PreviousFigure {
                indicator: f[0].to_string(),
                split: if f[1].is_empty() {
                    "total".to_string()
                } else {
                    f[1].to_string()
                },
                period: period.key(),
                value: v,
                territory,
                organism,
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

fn territory_of(t: &str) -> Option<TerritoryKey> {
    if let Ok(k) = t.parse::<TerritoryKey>() {
        return Some(k);
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 9 && compact.chars().all(|c| c.is_ascii_digit()) {
        return Some(TerritoryKey::Epci(compact));
    }
    let dep = compact.to_uppercase();
    let is_dep = (dep.len() == 2
        && (dep.chars().all(|c| c.is_ascii_digit()) || dep == "2A" || dep == "2B"))
        || (dep.len() == 3 && dep.starts_with("97") && dep.chars().all(|c| c.is_ascii_digit()));
    is_dep.then_some(TerritoryKey::Departement(dep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_figures_are_read_line_by_line() {
        let got = parse_previous(
            "indicateur;ventilation;periode;valeur;territoire;organisme\n\
             A.I;PLAI;2005-2010;3 256;;\n\
             A.I;total;Cumul 2005–2010;20 944;59;\n\
             A.I;total;2005-2010;1 200;;  123 456 789\n\
             D.I-ventes;valeur;2005-2009;4 600\n",
        )
        .unwrap();
        type Brief<'a> = (&'a str, &'a str, f64, Option<String>, Option<&'a str>);
        let brief: Vec<Brief> = got
            .iter()
            .map(|p| {
                (
                    p.split.as_str(),
                    p.period.as_str(),
                    p.value,
                    p.territory.as_ref().map(|t| t.to_string()),
                    p.organism.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            brief,
            vec![
                ("PLAI", "2005-2010", 3256.0, None, None),
                (
                    "total",
                    "2005-2010",
                    20944.0,
                    Some("departement:59".into()),
                    None
                ),
                ("total", "2005-2010", 1200.0, None, Some("123456789")),
                ("valeur", "2005-2009", 4600.0, None, None),
            ]
        );
        assert_eq!(got[3].years(), Some(5));
        assert_eq!(got[0].period_fr(), "2005–2010");
        // (line, what the message says)
        let bad = [
            ("A.I;PLAI;2005-2010", "3 champs"),
            ("A.I;PLAI;bientôt;3", "n'est pas une période"),
            ("A.I;PLAI;ref;3", "n'est pas une période"),
            ("A.I;PLAI;2005-2010;-3", "positif ou nul"),
            ("A.I;PLAI;2005-2010;3;Nordd", "n'est pas un territoire"),
            ("A.I;PLAI;2005-2010;3;;12", "n'est pas un SIREN"),
        ];
        for (line, want) in bad {
            let e = parse_previous(line).unwrap_err();
            assert!(
                e[0].starts_with("Ligne 1 : ") && e[0].contains(want),
                "{line}: {e:?}"
            );
        }
    }
}
