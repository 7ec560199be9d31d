//! Rules kept as data (`data/rules/*.json`): comparisons between two indicators and plausibility
//! thresholds. They name indicator codes, split keys and breakdown member codes (data) and never
//! restate what the catalogue says (kinds, periods, levels come from the catalogue at run time).
//!
//! The files are JSON, embedded with `include_str!` and parsed once on first use, so the web app
//! needs no TOML parser.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Catalogue, Period};
use crate::convention::{parse_period_key, SplitKey};
use crate::diagnostic::Severity;

const COMPARISONS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/rules/comparaisons.json"
));
const PLAUSIBILITY_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/rules/plausibilite.json"
));

/// Relative tolerance of the comparisons between numbers (sums, parts, cumulatives).
pub const TOLERANCE: f64 = 1e-9;

/// Comparison operator between two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "=")]
    Eq,
}

impl Op {
    /// Does `a op b` hold (with a relative tolerance of 1e-9 for the equalities)?
    pub fn holds(self, a: f64, b: f64) -> bool {
        let tol = TOLERANCE * a.abs().max(b.abs()).max(1.0);
        match self {
            Op::Le => a <= b + tol,
            Op::Lt => a < b - tol,
            Op::Ge => a + tol >= b,
            Op::Gt => a > b + tol,
            Op::Eq => (a - b).abs() <= tol,
        }
    }

    /// "inférieure ou égale à".
    pub fn label_fr(self) -> &'static str {
        match self {
            Op::Le => "inférieure ou égale à",
            Op::Lt => "strictement inférieure à",
            Op::Ge => "supérieure ou égale à",
            Op::Gt => "strictement supérieure à",
            Op::Eq => "égale à",
        }
    }
}

/// One side of a comparison: an indicator and one of its splits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operand {
    pub indicator: String,
    /// Split key (`total`, `valeur`, `PLAI`, `total/hors-qpv`); absent: the indicator's first
    /// split (its total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
}

/// `lhs op rhs` for every row both indicators have and every common period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comparison {
    pub id: String,
    /// Stable diagnostic code (`E-…` for an error, `W-…` for a warning).
    pub code: String,
    #[serde(default = "error")]
    pub severity: Severity,
    /// Catalogue ids it applies to; empty: every catalogue that has both indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    pub lhs: Operand,
    pub op: Op,
    pub rhs: Operand,
    /// Period keys compared (`c3`, `a1`, `ref`); empty: every period common to both indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    /// French explanation appended to the diagnostic ("Les logements vendus …").
    pub message: String,
    /// Legal basis, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
}

fn error() -> Severity {
    Severity::Error
}

/// Value of an indicator compared with the stock of dwellings of the same territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioToStock {
    pub id: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    pub indicator: String,
    /// Split key (`total`).
    pub split: String,
    /// Period key (`c6`).
    pub period: String,
    /// Warning above this percentage of the stock.
    pub max_percent: f64,
    /// Why it is implausible, in French (ends the message).
    pub reason: String,
}

/// Share of some members of a breakdown among others (PLAI among PLAI + PLUS).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberShare {
    pub id: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    pub indicator: String,
    /// Breakdown id (`financement`).
    pub breakdown: String,
    pub numerator: Vec<String>,
    pub denominator: Vec<String>,
    /// Period keys; empty: every period of the indicator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    pub min_percent: f64,
    pub max_percent: f64,
    pub reason: String,
}

/// The usual order of magnitude of an indicator's values (an amount per dwelling): a value
/// outside it is a warning, for a commitment or an achievement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRange {
    pub id: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    pub indicator: String,
    pub min: f64,
    pub max: f64,
    /// Why it is implausible, in French (ends the message).
    pub reason: String,
}

impl ValueRange {
    pub fn applies_to(&self, cat: &Catalogue) -> bool {
        applies(&self.catalogues, cat)
    }

    /// The warning's sentence when `v` is outside the range (`None` inside), after « {where} : »:
    /// the value, the range, the reason, and when the value reads as thousands typed with a dot
    /// (`1.234` → 1,234, while 1 234 is in range) what to type instead.
    pub fn problem_fr(&self, v: f64, unit: &str) -> Option<String> {
        if !v.is_finite() || (self.min..=self.max).contains(&v) {
            return None;
        }
        let fr = |x: f64| crate::numfmt::format_fr(x, 3);
        let thousands = v * 1000.0;
        let read_as_thousands = v.fract() != 0.0
            && (thousands - thousands.round()).abs() < 1e-6
            && (self.min..=self.max).contains(&thousands.round());
        let dot = if read_as_thousands {
            let typed = format!("{v:.3}");
            format!(
                " « {typed} » se lit {} : le point est une virgule décimale ; pour {}, tapez {} ou {}.",
                fr(v),
                fr(thousands.round()),
                thousands.round(),
                fr(thousands.round())
            )
        } else {
            String::new()
        };
        Some(format!(
            "{} {unit}, hors de l'ordre de grandeur habituel ({} à {}) ; {}.{dot}",
            fr(v),
            fr(self.min),
            fr(self.max),
            self.reason
        ))
    }
}

/// Every data-driven rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    #[serde(default)]
    pub comparisons: Vec<Comparison>,
    #[serde(default)]
    pub ratios_to_stock: Vec<RatioToStock>,
    #[serde(default)]
    pub member_shares: Vec<MemberShare>,
    #[serde(default)]
    pub value_ranges: Vec<ValueRange>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComparisonsFile {
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    comparisons: Vec<Comparison>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlausibilityFile {
    #[serde(default)]
    #[allow(dead_code)]
    notes: Vec<String>,
    #[serde(default)]
    ratios_to_stock: Vec<RatioToStock>,
    #[serde(default)]
    member_shares: Vec<MemberShare>,
    #[serde(default)]
    value_ranges: Vec<ValueRange>,
}

fn applies(catalogues: &[String], cat: &Catalogue) -> bool {
    catalogues.is_empty() || catalogues.iter().any(|c| c == &cat.id)
}

impl Comparison {
    pub fn applies_to(&self, cat: &Catalogue) -> bool {
        applies(&self.catalogues, cat)
    }
}

impl RatioToStock {
    pub fn applies_to(&self, cat: &Catalogue) -> bool {
        applies(&self.catalogues, cat)
    }
}

impl MemberShare {
    pub fn applies_to(&self, cat: &Catalogue) -> bool {
        applies(&self.catalogues, cat)
    }
}

impl RuleSet {
    /// Parse the two files (`comparaisons.json`, `plausibilite.json`) and check them.
    pub fn from_files(comparisons: &str, plausibility: &str) -> Result<RuleSet, Vec<String>> {
        let c: ComparisonsFile = serde_json::from_str(comparisons)
            .map_err(|e| vec![format!("comparaisons.json : {e}")])?;
        let p: PlausibilityFile = serde_json::from_str(plausibility)
            .map_err(|e| vec![format!("plausibilite.json : {e}")])?;
        let rules = RuleSet {
            comparisons: c.comparisons,
            ratios_to_stock: p.ratios_to_stock,
            member_shares: p.member_shares,
            value_ranges: p.value_ranges,
        };
        let problems = rules.check();
        if problems.is_empty() {
            Ok(rules)
        } else {
            Err(problems)
        }
    }

    /// The rules of `data/rules/`, parsed once. A broken file (ruled out by the test suite) gives
    /// an empty rule set rather than a panic.
    pub fn embedded() -> &'static RuleSet {
        static RULES: OnceLock<RuleSet> = OnceLock::new();
        RULES.get_or_init(|| {
            RuleSet::from_files(COMPARISONS_JSON, PLAUSIBILITY_JSON).unwrap_or_default()
        })
    }

    /// Problems of the data itself, in French (empty when sound): duplicate ids, codes that do
    /// not announce their severity, unknown period or split keys, inverted thresholds.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut ids = std::collections::HashSet::new();
        let all_ids = self
            .comparisons
            .iter()
            .map(|c| &c.id)
            .chain(self.ratios_to_stock.iter().map(|r| &r.id))
            .chain(self.member_shares.iter().map(|s| &s.id))
            .chain(self.value_ranges.iter().map(|v| &v.id));
        for id in all_ids {
            if id.trim().is_empty() || !ids.insert(id.as_str()) {
                out.push(format!("identifiant de règle vide ou en double : « {id} »"));
            }
        }
        let prefix = |s: Severity| match s {
            Severity::Error => "E-",
            Severity::Warning => "W-",
            Severity::Info => "I-",
        };
        let period_ok = |p: &str| parse_period_key(p).is_some_and(|x| period_key_eq(x, p));
        let split_ok = |s: &str| SplitKey::parse_key(s).is_some_and(|k| k.key() == s);
        for c in &self.comparisons {
            if !c.code.starts_with(prefix(c.severity)) {
                out.push(format!(
                    "{} : le code {} doit commencer par {}",
                    c.id,
                    c.code,
                    prefix(c.severity)
                ));
            }
            for p in &c.periods {
                if !period_ok(p) {
                    out.push(format!("{} : période inconnue « {p} »", c.id));
                }
            }
            for s in [&c.lhs.split, &c.rhs.split].into_iter().flatten() {
                if !split_ok(s) {
                    out.push(format!("{} : ventilation illisible « {s} »", c.id));
                }
            }
        }
        for r in &self.ratios_to_stock {
            if !r.code.starts_with("W-") {
                out.push(format!(
                    "{} : un contrôle de vraisemblance est un avertissement (W-)",
                    r.id
                ));
            }
            if !period_ok(&r.period) {
                out.push(format!("{} : période inconnue « {} »", r.id, r.period));
            }
            if !split_ok(&r.split) {
                out.push(format!("{} : ventilation illisible « {} »", r.id, r.split));
            }
            if !(r.max_percent.is_finite() && r.max_percent > 0.0) {
                out.push(format!("{} : seuil max_percent invalide", r.id));
            }
        }
        for s in &self.member_shares {
            if !s.code.starts_with("W-") {
                out.push(format!(
                    "{} : un contrôle de vraisemblance est un avertissement (W-)",
                    s.id
                ));
            }
            for p in &s.periods {
                if !period_ok(p) {
                    out.push(format!("{} : période inconnue « {p} »", s.id));
                }
            }
            if s.numerator.is_empty() || s.numerator.iter().any(|m| !s.denominator.contains(m)) {
                out.push(format!(
                    "{} : le numérateur doit être non vide et inclus dans le dénominateur",
                    s.id
                ));
            }
            if !(s.min_percent.is_finite()
                && s.max_percent.is_finite()
                && 0.0 <= s.min_percent
                && s.min_percent <= s.max_percent
                && s.max_percent <= 100.0)
            {
                out.push(format!(
                    "{} : seuils min_percent / max_percent invalides",
                    s.id
                ));
            }
        }
        for v in &self.value_ranges {
            if !v.code.starts_with("W-") {
                out.push(format!(
                    "{} : un contrôle de vraisemblance est un avertissement (W-)",
                    v.id
                ));
            }
            if !(v.min.is_finite() && v.max.is_finite() && v.min <= v.max) {
                out.push(format!("{} : bornes min / max invalides", v.id));
            }
        }
        out
    }

    /// The ranges of values of `indicator` in this catalogue.
    pub fn ranges_of<'a>(
        &'a self,
        cat: &'a Catalogue,
        indicator: &'a str,
    ) -> impl Iterator<Item = &'a ValueRange> + 'a {
        self.value_ranges
            .iter()
            .filter(move |r| r.indicator == indicator && r.applies_to(cat))
    }
}

fn period_key_eq(p: Period, s: &str) -> bool {
    crate::convention::period_key(p) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rule_files_parse_and_are_sound() {
        let r = RuleSet::from_files(COMPARISONS_JSON, PLAUSIBILITY_JSON)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!r.ratios_to_stock.is_empty() && !r.member_shares.is_empty());
        assert!(!r.value_ranges.is_empty());
        assert_eq!(RuleSet::embedded(), &r);
    }

    #[test]
    fn a_value_out_of_range_and_the_dot_read_as_a_decimal_point() {
        let r = ValueRange {
            id: "g1".into(),
            code: "W-PLAUSIBLE-RANGE".into(),
            catalogues: vec![],
            indicator: "G-1".into(),
            min: 300.0,
            max: 3000.0,
            reason: "vérifiez l'unité".into(),
        };
        let u = "€ par logement et par an";
        for (v, expected) in [
            (1200.0, None),
            (300.0, None),
            (
                1.234,
                Some("1,234 € par logement et par an, hors de l'ordre de grandeur habituel (300 à 3\u{202f}000) ; vérifiez l'unité. « 1.234 » se lit 1,234 : le point est une virgule décimale ; pour 1\u{202f}234, tapez 1234 ou 1\u{202f}234."),
            ),
            (
                12.5,
                Some("12,5 € par logement et par an, hors de l'ordre de grandeur habituel (300 à 3\u{202f}000) ; vérifiez l'unité."),
            ),
            (
                12000.0,
                Some("12\u{202f}000 € par logement et par an, hors de l'ordre de grandeur habituel (300 à 3\u{202f}000) ; vérifiez l'unité."),
            ),
        ] {
            assert_eq!(r.problem_fr(v, u).as_deref(), expected, "{v}");
        }
    }

    #[test]
    fn operators_with_tolerance() {
        assert!(Op::Le.holds(1.0, 1.0) && Op::Le.holds(1.0, 2.0) && !Op::Le.holds(2.0, 1.0));
        assert!(Op::Eq.holds(1.0, 1.0 + 1e-12) && !Op::Eq.holds(1.0, 1.1));
        assert!(Op::Lt.holds(1.0, 2.0) && !Op::Lt.holds(1.0, 1.0));
        assert!(Op::Gt.holds(2.0, 1.0) && Op::Ge.holds(1.0, 1.0));
        assert!(!Op::Le.holds(f64::NAN, 1.0));
    }
}
