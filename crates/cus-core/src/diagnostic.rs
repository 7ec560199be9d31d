//! Diagnostics: the only way validation reports problems (never a panic, never a bare error).

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Blocks the final export.
    Error,
    /// Must be acknowledged by the user.
    Warning,
    /// For information only.
    Info,
}

impl Severity {
    /// French label shown to users.
    pub fn label_fr(self) -> &'static str {
        match self {
            Severity::Error => "Erreur",
            Severity::Warning => "Avertissement",
            Severity::Info => "Information",
        }
    }
}

/// Where a diagnostic applies. Every field is optional: a file-level problem has only `file`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line (1-based) in a text file, or row in a sheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Dotted path inside a structured document (for example `indicators[3].code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Canonical key of the cell (`PP-1|departement:59|PLAI/hors-qpv|c3`), for links to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Location {
    /// French description of the location, for messages ("indicateur PP-1, département 59").
    pub fn describe_fr(&self) -> String {
        let mut parts = Vec::new();
        if let Some(f) = &self.file {
            parts.push(format!("fichier {f}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("ligne {l}"));
        }
        // A path made of a key's parts (`PP-1|departement:59|PLUS`) is said by the indicator,
        // territory and split below, never shown as it is.
        if let Some(p) = self.path.as_ref().filter(|p| !p.contains('|')) {
            parts.push(format!("champ {p}"));
        }
        if let Some(i) = &self.indicator {
            parts.push(format!("indicateur {i}"));
        }
        // A location may carry the parts of a cell key: they are said in words, never shown as
        // keys (`departement:59` → « département 59 », `total/hors-qpv` → « total, dont
        // hors-qpv », `c3` → « à 3 ans »).
        if let Some(t) = &self.territory {
            parts.push(match t.parse::<crate::convention::TerritoryKey>() {
                Ok(k) if t.contains(':') || t == "organisme" => k.short_fr(),
                _ => t.clone(),
            });
        }
        if let Some(s) = &self.split {
            parts.push(s.replace('/', ", dont "));
        }
        if let Some(p) = &self.period {
            parts.push(match crate::convention::parse_period_key(p) {
                Some(crate::catalogue::Period::Reference) => "référence".to_string(),
                Some(crate::catalogue::Period::Year(n)) => format!("année {n}"),
                Some(crate::catalogue::Period::Cumulative(n)) => format!("à {n} ans"),
                None => p.clone(),
            });
        }
        parts.join(", ")
    }
}

/// One finding of a validation pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable code, for example `E-CAT-DUPLICATE-CODE`. Tests and exports rely on it.
    pub code: String,
    pub severity: Severity,
    /// French message: what is wrong and what to do.
    pub message: String,
    pub location: Location,
    /// Legal basis, short, for example `CCH, art. R. 445-5`, when the rule comes from a text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Id of the cited text among the sources of the convention's catalogue (`cch-r445-5`):
    /// its version and how much of it was read are on the reference card, not in the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &str, message: impl Into<String>, location: Location) -> Self {
        Self::new(code, Severity::Error, message, location)
    }

    pub fn warning(code: &str, message: impl Into<String>, location: Location) -> Self {
        Self::new(code, Severity::Warning, message, location)
    }

    pub fn info(code: &str, message: impl Into<String>, location: Location) -> Self {
        Self::new(code, Severity::Info, message, location)
    }

    pub fn new(
        code: &str,
        severity: Severity,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Diagnostic {
            code: code.to_string(),
            severity,
            message: message.into(),
            location,
            article: None,
            source: None,
        }
    }

    pub fn with_article(mut self, article: impl Into<String>) -> Self {
        self.article = Some(article.into());
        self
    }

    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Stable identity of the finding, used to remember that a warning was acknowledged:
    /// `CODE@cell-key`, or `CODE@` followed by the other location fields when there is no cell.
    pub fn id(&self) -> String {
        let l = &self.location;
        let at = match &l.cell {
            Some(c) => c.clone(),
            None => [&l.path, &l.indicator, &l.territory, &l.split, &l.period]
                .iter()
                .map(|f| f.as_deref().unwrap_or(""))
                .collect::<Vec<_>>()
                .join("|"), // tidy: not a key (a diagnostic's identity, five fields)
        };
        format!("{}@{}", self.code, at)
    }

    /// One line in French: `Erreur [CODE] (où) : message — art.`.
    pub fn to_line_fr(&self) -> String {
        let mut s = self.head_fr();
        if let Some(a) = &self.article {
            s.push_str(&format!(" — {a}"));
        }
        s
    }

    /// The line without its citation, `Erreur [CODE] (où) : message`, for a page that shows the
    /// citation as a link to the indicator's card.
    pub fn head_fr(&self) -> String {
        let mut s = format!("{} [{}]", self.severity.label_fr(), self.code);
        let loc = self.location.describe_fr();
        if !loc.is_empty() {
            s.push_str(&format!(" ({loc})"));
        }
        s.push_str(" : ");
        s.push_str(&self.message);
        s
    }
}

/// True when at least one diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// What stands in the way of a final export: every error, and every warning whose
/// [`Diagnostic::id`] is not in `acknowledged`. Empty when the final export is allowed.
pub fn final_export_blockers<'a>(
    diags: &'a [Diagnostic],
    acknowledged: &std::collections::BTreeMap<String, String>,
) -> Vec<&'a Diagnostic> {
    diags
        .iter()
        .filter(|d| match d.severity {
            Severity::Error => true,
            Severity::Warning => !acknowledged.contains_key(&d.id()),
            Severity::Info => false,
        })
        .collect()
}

/// Acknowledgements that no longer match a current warning (the value changed since): they
/// are kept in the file but listed as stale.
pub fn stale_acknowledgements<'a>(
    diags: &[Diagnostic],
    acknowledged: &'a std::collections::BTreeMap<String, String>,
) -> Vec<&'a str> {
    let current: std::collections::BTreeSet<String> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(Diagnostic::id)
        .collect();
    acknowledged
        .keys()
        .filter(|k| !current.contains(*k))
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_names_severity_code_location_and_article() {
        let d = Diagnostic::error(
            "E-TEST",
            "valeur négative",
            Location {
                indicator: Some("PP-1".into()),
                territory: Some("département 59".into()),
                ..Default::default()
            },
        )
        .with_article("CCH, art. R. 445-5");
        assert_eq!(
            d.to_line_fr(),
            "Erreur [E-TEST] (indicateur PP-1, département 59) : valeur négative — CCH, art. R. 445-5"
        );
        assert_eq!(
            d.head_fr(),
            "Erreur [E-TEST] (indicateur PP-1, département 59) : valeur négative"
        );
        assert!(has_errors(std::slice::from_ref(&d)));
        let w = Diagnostic::warning("W-TEST", "à vérifier", Location::default());
        assert_eq!(w.to_line_fr(), "Avertissement [W-TEST] : à vérifier");
        assert!(!has_errors(std::slice::from_ref(&w)));
        assert_eq!(w.id(), "W-TEST@||||");
    }

    #[test]
    fn a_location_given_as_key_parts_is_said_in_words() {
        // (territory, split, period) → the location as shown: never a key.
        let cases = [
            (
                ("departement:59", "total/hors-qpv", "c3"),
                "indicateur PP-1, département 59, total, dont hors-qpv, à 3 ans",
            ),
            (
                ("epci:200093201", "PLAI", "a2"),
                "indicateur PP-1, EPCI 200093201, PLAI, année 2",
            ),
            (
                ("organisme", "valeur", "ref"),
                "indicateur PP-1, organisme entier, valeur, référence",
            ),
            (
                ("59 — Nord", "Total", "Cumul 2020–2022"),
                "indicateur PP-1, 59 — Nord, Total, Cumul 2020–2022",
            ),
        ];
        for ((t, sp, p), want) in cases {
            let l = Location {
                indicator: Some("PP-1".into()),
                territory: Some(t.into()),
                split: Some(sp.into()),
                period: Some(p.into()),
                ..Default::default()
            };
            assert_eq!(l.describe_fr(), want);
        }
    }

    #[test]
    fn final_export_needs_no_error_and_every_warning_acknowledged() {
        let cell = |k: &str| Location {
            cell: Some(k.into()),
            ..Default::default()
        };
        let e = Diagnostic::error("E-X", "faux", cell("PP-1|organisme||c6"));
        let w = Diagnostic::warning("W-Y", "étrange", cell("PP-1|organisme||c3"));
        let i = Diagnostic::new("I-Z", Severity::Info, "note", Location::default());
        assert_eq!(w.id(), "W-Y@PP-1|organisme||c3");
        let mut ack = std::collections::BTreeMap::new();
        let diags = vec![e.clone(), w.clone(), i];
        assert_eq!(final_export_blockers(&diags, &ack).len(), 2);
        ack.insert(w.id(), "programme validé en CA".to_string());
        assert_eq!(final_export_blockers(&diags, &ack), vec![&e]);
        assert!(final_export_blockers(&diags[1..], &ack).is_empty());
        ack.insert("W-OLD@x".into(), String::new());
        assert_eq!(stale_acknowledgements(&diags, &ack), vec!["W-OLD@x"]);
    }
}
