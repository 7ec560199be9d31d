//! The organism signing the convention, and the check of its SIREN.

use serde::{Deserialize, Serialize};

/// Legal kind of HLM organism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrganismeKind {
    /// Office public de l'habitat.
    Oph,
    /// Société anonyme d'HLM / entreprise sociale pour l'habitat.
    Esh,
    /// Société coopérative d'HLM.
    Cooperative,
    /// Société d'économie mixte agréée.
    Sem,
    Autre,
}

impl OrganismeKind {
    pub const ALL: [OrganismeKind; 5] = [
        OrganismeKind::Oph,
        OrganismeKind::Esh,
        OrganismeKind::Cooperative,
        OrganismeKind::Sem,
        OrganismeKind::Autre,
    ];

    pub fn label_fr(self) -> &'static str {
        match self {
            OrganismeKind::Oph => "Office public de l'habitat (OPH)",
            OrganismeKind::Esh => "SA d'HLM / entreprise sociale pour l'habitat (ESH)",
            OrganismeKind::Cooperative => "Société coopérative d'HLM",
            OrganismeKind::Sem => "Société d'économie mixte (SEM) agréée",
            OrganismeKind::Autre => "Autre organisme",
        }
    }
}

/// The organism, as typed in the first step.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisme {
    #[serde(default)]
    pub raison_sociale: String,
    #[serde(default)]
    pub siren: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<OrganismeKind>,
    /// Département of the head office (the prefect of this département receives the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siege_departement: Option<String>,
}

impl Organisme {
    /// The organism with its SIREN as stored ([`normalise_siren`]).
    pub fn normalised(mut self) -> Self {
        if let Some(s) = normalised_siren(&self.siren) {
            self.siren = s;
        }
        self
    }
}

/// The SIREN as stored and exported: the digits alone when the text typed is digits separated by
/// spaces (`356 000 000`, non-breaking spaces included); any other text as typed, so that
/// [`check_siren`] can say what is wrong with it.
pub fn normalise_siren(input: &str) -> String {
    normalised_siren(input).unwrap_or_else(|| input.to_string())
}

/// [`normalise_siren`] when it changes something.
fn normalised_siren(input: &str) -> Option<String> {
    let only_digits = input
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace());
    let digits: String = input.chars().filter(char::is_ascii_digit).collect();
    (only_digits && digits != input).then_some(digits)
}

/// The SIREN as shown in the form: digits grouped by three (`356 000 000`); any other text as
/// it is.
pub fn display_siren(siren: &str) -> String {
    if siren.is_empty() || !siren.bytes().all(|b| b.is_ascii_digit()) {
        return siren.to_string();
    }
    let mut out = String::with_capacity(siren.len() + siren.len() / 3);
    for (i, c) in siren.chars().enumerate() {
        if i > 0 && i % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// What is wrong with a SIREN (spaces ignored), for the form and the rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SirenProblem {
    /// Nothing typed.
    Missing,
    /// A character other than a digit or a space.
    NotDigits,
    /// Digits only, but not nine of them (the count).
    Length(usize),
    /// Nine digits whose Luhn checksum is wrong.
    Key,
}

/// The problem of a SIREN, or `None` when it is nine digits with a valid Luhn key.
pub fn siren_problem(input: &str) -> Option<SirenProblem> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Some(SirenProblem::Missing);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(SirenProblem::NotDigits);
    }
    if digits.len() != 9 {
        return Some(SirenProblem::Length(digits.len()));
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 {
                    dd - 9
                } else {
                    dd
                }
            } else {
                d
            }
        })
        .sum();
    (!sum.is_multiple_of(10)).then_some(SirenProblem::Key)
}

/// Check a SIREN: 9 digits whose Luhn checksum is valid. Spaces are ignored.
/// Returns the SIREN without spaces, or a French message saying what is wrong.
pub fn check_siren(input: &str) -> Result<String, String> {
    match siren_problem(input) {
        None => Ok(input.chars().filter(|c| !c.is_whitespace()).collect()),
        Some(SirenProblem::Missing) => {
            Err("Saisissez le SIREN de l'organisme (9 chiffres).".to_string())
        }
        Some(SirenProblem::NotDigits) => Err(format!(
            "Le SIREN « {input} » ne doit contenir que des chiffres."
        )),
        Some(SirenProblem::Length(n)) => Err(format!(
            "Le SIREN compte 9 chiffres ; « {input} » en compte {n}."
        )),
        Some(SirenProblem::Key) => Err(format!(
            "Le SIREN « {input} » n'est pas valide (sa clé de contrôle ne correspond pas) : \
             vérifiez qu'aucun chiffre n'a été inversé ou mal recopié."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_is_stored_as_digits_and_shown_grouped() {
        // Typed → stored.
        let stored = [
            ("356 000 000", "356000000"),
            ("356000000", "356000000"),
            (" 356 000 000 ", "356000000"),
            ("356\u{a0}000\u{202f}000", "356000000"),
            ("35 6", "356"),
            ("", ""),
            ("  ", ""),
            ("356 000 00O", "356 000 00O"),
            ("356.000.000", "356.000.000"),
        ];
        for (typed, want) in stored {
            assert_eq!(normalise_siren(typed), want, "{typed:?}");
            let o = Organisme {
                siren: typed.into(),
                ..Default::default()
            };
            assert_eq!(o.normalised().siren, want, "{typed:?}");
        }
        // Stored → shown.
        let shown = [
            ("356000000", "356 000 000"),
            ("3560", "356 0"),
            ("356", "356"),
            ("", ""),
            ("356 000 00O", "356 000 00O"),
        ];
        for (siren, want) in shown {
            assert_eq!(display_siren(siren), want, "{siren:?}");
            assert_eq!(
                normalise_siren(&display_siren(siren)),
                normalise_siren(siren)
            );
        }
    }

    #[test]
    fn siren_key_is_checked() {
        // SIREN of public bodies from the referential (valid keys).
        for ok in ["200093201", "200 054 781", "200006682", "732829320"] {
            assert!(check_siren(ok).is_ok(), "{ok}");
        }
        assert_eq!(check_siren("200 054 781").unwrap(), "200054781");
        assert!(check_siren("200093202")
            .unwrap_err()
            .contains("clé de contrôle"));
        assert!(check_siren("20009320").unwrap_err().contains("en compte 8"));
        assert!(check_siren("2000932O1")
            .unwrap_err()
            .contains("que des chiffres"));
        assert!(check_siren("").unwrap_err().contains("9 chiffres"));
        assert_eq!(siren_problem("  "), Some(SirenProblem::Missing));
        assert_eq!(siren_problem("2000932O1"), Some(SirenProblem::NotDigits));
        assert_eq!(siren_problem("200 093 20"), Some(SirenProblem::Length(8)));
        assert_eq!(siren_problem("200093202"), Some(SirenProblem::Key));
        assert_eq!(siren_problem("200 093 201"), None);
    }
}
