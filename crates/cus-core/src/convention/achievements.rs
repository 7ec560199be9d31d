//! What a convention carries besides its commitments once signed: the signature (commitments
//! then read-only), the versions replaced by avenants, and the achievements entered for an
//! evaluation (see [`crate::evaluation`] for what is computed from them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Values;

/// A percentage achievement: its two terms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<f64>,
}

/// Where a gap comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// « Du fait de l'organisme ».
    Organisme,
    /// Outside causes (`cause`: an id of `data/rules/evaluation.json`).
    Exterieur,
}

/// The justification of a commitment missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Justification {
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default)]
    pub comment: String,
}

/// Achievements per year by cell key: a persistent ordered map (`imbl::OrdMap`, like the
/// commitments' [`Values`]), cloned in O(1), so that a keystroke in the achievement grid costs
/// what it changes. Serialised as a plain map, like a `BTreeMap`.
pub type AchievedMap<V> = imbl::OrdMap<String, V>;

/// What the organism achieved, for one evaluation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Achievements {
    /// Id of the evaluation (`crate::catalogue::EvaluationPeriod::id`); empty until chosen.
    #[serde(default)]
    pub evaluation: String,
    /// Counts achieved per year, by cell key (`PP-1|departement:59|PLAI|a2`).
    #[serde(default)]
    pub values: AchievedMap<f64>,
    /// Percentages achieved per year, by their terms, by cell key.
    #[serde(default)]
    pub terms: AchievedMap<Terms>,
    /// By commitment line, `indicator|territory|split|period` (`PP-2|departement:02|valeur|a4`,
    /// `PP-1|departement:59|PLAI|c3`). Files of earlier versions keyed them by
    /// `indicator|territory|split`, one justification for every period of the row: such a key
    /// is still read, for the lines of the row that have none of their own
    /// ([`Achievements::justification`]).
    #[serde(default)]
    pub justifications: BTreeMap<String, Justification>,
}

/// Is `key` a justification key of the earlier form `indicator|territory|split`, covering every
/// period of its row?
pub fn is_row_justification_key(key: &str) -> bool {
    key.split('|').count() == 3
}

impl Achievements {
    pub fn is_empty(&self) -> bool {
        self.evaluation.is_empty()
            && self.values.is_empty()
            && self.terms.is_empty()
            && self.justifications.is_empty()
    }

    /// The justification of a commitment line (`PP-2|departement:02|valeur|a4`) and the key
    /// it is stored under: its own, else one given for its whole row by an earlier version
    /// (`PP-2|departement:02|valeur`).
    pub fn justification(&self, line_key: &str) -> Option<(&str, &Justification)> {
        if let Some((k, j)) = self.justifications.get_key_value(line_key) {
            return Some((k.as_str(), j));
        }
        let row = line_key.rsplit_once('|')?.0;
        self.justifications
            .get_key_value(row)
            .map(|(k, j)| (k.as_str(), j))
    }
}

/// A signature of the commitments: the initial convention or an avenant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Date of signature, `AAAA-MM-JJ`.
    pub date: String,
    /// « Convention initiale », « Avenant n° 1 ».
    pub label: String,
}

impl Signature {
    /// « signé » or « signée », agreeing with the label: an avenant is masculine (« Avenant n° 1
    /// signé »), a convention feminine (« Convention initiale signée »).
    pub fn signed_word_fr(&self) -> &'static str {
        let first = self.label.split_whitespace().next().unwrap_or_default();
        if first.eq_ignore_ascii_case("avenant") {
            "signé"
        } else {
            "signée"
        }
    }

    /// « Avenant n° 1 signé le 15/01/2024 », « Convention initiale signée le 30/06/2022 ».
    pub fn signed_fr(&self) -> String {
        format!(
            "{} {} le {}",
            self.label,
            self.signed_word_fr(),
            crate::numfmt::date_fr(&self.date)
        )
    }

    /// The calendar year of the date, if it is one.
    pub fn year(&self) -> Option<i32> {
        self.date.get(..4).and_then(|y| y.parse().ok())
    }
}

/// A version of the commitments replaced by an avenant, kept as it was signed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedVersion {
    pub signature: Signature,
    #[serde(default, skip_serializing_if = "Values::is_empty")]
    pub values: Values,
}

/// Is `s` a date `AAAA-MM-JJ` of a real day?
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2100).contains(&y) && (1..=days).contains(&d)
}

#[cfg(test)]
mod signature_tests {
    use super::Signature;

    #[test]
    fn signed_agrees_with_the_label() {
        let sig = |label: &str| Signature {
            date: "2024-01-15".into(),
            label: label.into(),
        };
        assert_eq!(
            sig("Avenant n° 1").signed_fr(),
            "Avenant n° 1 signé le 15/01/2024"
        );
        assert_eq!(
            sig("Convention initiale").signed_fr(),
            "Convention initiale signée le 15/01/2024"
        );
        assert_eq!(sig("avenant n° 2").signed_word_fr(), "signé");
    }
}
