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

/// Whether a source quoting a legal text is the official text itself or a document that quotes
/// it (a State service's fact sheet, a federation's page): the message says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceStatus {
    /// The official text, read.
    Officielle,
    /// A document quoting the text, which was not read itself.
    Secondaire,
}

/// The legal basis of a floor: an article, and the source it was read in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Article (`L. 441-1`).
    pub article: String,
    /// Short name of the code or text the article belongs to (`CCH`).
    pub text: String,
    /// Id of the source it was read in: an entry of `[[sources]]` of every catalogue the rule
    /// applies to.
    pub source: String,
    /// How a message names that source (« la fiche DREAL Pays de la Loire n° 6 »).
    pub source_label: String,
    pub status: SourceStatus,
    /// The passage relied on, word for word (shown nowhere but here and in the docs).
    pub quote: String,
}

impl Citation {
    /// Short citation for a diagnostic's `article` (`CCH, art. L. 441-1`).
    pub fn short(&self) -> String {
        format!("{}, art. {}", self.text, self.article)
    }

    /// The citation as a message ends with it: « article L. 441-1 du CCH » for an official
    /// source; « obligation légale de l'article L. 441-1 du CCH, citée par la fiche DREAL Pays
    /// de la Loire n° 6 — source secondaire » for a secondary one.
    pub fn phrase_fr(&self) -> String {
        match self.status {
            SourceStatus::Officielle => format!("article {} du {}", self.article, self.text),
            SourceStatus::Secondaire => format!(
                "obligation légale de l'article {} du {}, citée par {} — source secondaire",
                self.article, self.text, self.source_label
            ),
        }
    }
}

/// A minimum a text sets for the commitments on an indicator (« au moins 25 % des attributions
/// annuelles ») : a commitment below it is a warning that cites the text and how it was read.
/// Checked on the commitments of the periods listed (every period but the reference value when
/// none is listed), never on the historical reference, which is no commitment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    pub id: String,
    /// Stable diagnostic code (`W-LEGAL-FLOOR`): a warning.
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalogues: Vec<String>,
    /// Indicator codes it applies to.
    pub indicators: Vec<String>,
    /// Split key (`valeur`, `total`); absent: the indicator's first split (its total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    /// Period keys (`a1` … `a6`, `c3`, `c6`); empty: every period but the reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    /// The minimum, in `unit`.
    pub min: f64,
    /// Unit of the minimum, the indicator's (`%` for a percentage).
    pub unit: String,
    /// What the text requires, in French (« la loi impose … »): the middle of the message.
    pub message: String,
    pub citation: Citation,
}

impl Floor {
    pub fn applies_to(&self, cat: &Catalogue) -> bool {
        applies(&self.catalogues, cat)
    }

    /// Does the floor apply to this split (`first`: it is the indicator's first split) and
    /// period?
    pub fn applies_at(&self, split: &SplitKey, first: bool, period: Period) -> bool {
        let split_ok = match &self.split {
            Some(k) => split.key() == *k,
            None => first,
        };
        let period_ok = if self.periods.is_empty() {
            period != Period::Reference
        } else {
            self.periods
                .iter()
                .any(|p| parse_period_key(p) == Some(period))
        };
        split_ok && period_ok
    }

    /// The warning's sentence when `v` is below the floor (`None` at or above it), after
    /// « {where} : ».
    pub fn problem_fr(&self, v: f64) -> Option<String> {
        if !v.is_finite() || Op::Ge.holds(v, self.min) {
            return None;
        }
        let fr = |x: f64| format!("{}\u{a0}{}", crate::numfmt::format_fr(x, 2), self.unit);
        Some(format!(
            "{}, sous le minimum de {} ; {} ({}).",
            fr(v),
            fr(self.min),
            self.message,
            self.citation.phrase_fr()
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
    #[serde(default)]
    pub floors: Vec<Floor>,
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
    #[serde(default)]
    floors: Vec<Floor>,
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
            floors: p.floors,
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
            .chain(self.value_ranges.iter().map(|v| &v.id))
            .chain(self.floors.iter().map(|f| &f.id));
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
        for f in &self.floors {
            if !f.code.starts_with("W-") {
                out.push(format!(
                    "{} : un minimum légal est un avertissement (W-), pas une erreur",
                    f.id
                ));
            }
            if f.indicators.is_empty() {
                out.push(format!("{} : aucun indicateur", f.id));
            }
            if !f.min.is_finite() || f.unit.trim().is_empty() {
                out.push(format!("{} : minimum ou unité invalide", f.id));
            }
            for p in &f.periods {
                if !period_ok(p) || p == "ref" {
                    out.push(format!(
                        "{} : période « {p} » inconnue ou de référence (un minimum porte sur \
                         les engagements)",
                        f.id
                    ));
                }
            }
            if let Some(sp) = &f.split {
                if !split_ok(sp) {
                    out.push(format!("{} : ventilation illisible « {sp} »", f.id));
                }
            }
            let c = &f.citation;
            if [
                &f.message,
                &c.article,
                &c.text,
                &c.source,
                &c.source_label,
                &c.quote,
            ]
            .iter()
            .any(|t| t.trim().is_empty())
            {
                out.push(format!(
                    "{} : message, article, texte, source, nom de la source et passage cité sont \
                     obligatoires",
                    f.id
                ));
            }
        }
        out
    }

    /// The floors of `indicator` in this catalogue.
    pub fn floors_of<'a>(
        &'a self,
        cat: &'a Catalogue,
        indicator: &'a str,
    ) -> impl Iterator<Item = &'a Floor> + 'a {
        self.floors
            .iter()
            .filter(move |f| f.indicators.iter().any(|i| i == indicator) && f.applies_to(cat))
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
