//! The words the CSV and the workbooks write for the organism's choices (format 3): the
//! periods of an indicator it added (`par-annee+c3+c6+ref`), its kind, level and measure, and
//! the key of a base given for a territory (`parc-fg|departement:59`).

use cus_core::catalogue::{Level, Measure, Periodicity, CONVENTION_YEARS};
use cus_core::convention::ComplementaryUnit;

/// Word of every yearly value in [`periods_words`].
const YEARLY: &str = "par-annee";
/// Word of the reference value.
const REFERENCE: &str = "ref";

/// The periods of an indicator as words joined by `+`: `par-annee` for one value per year,
/// `cN` for each cumulative at the end of year N (in their order), `ref` for a reference value.
pub(crate) fn periods_words(p: &Periodicity) -> String {
    let mut words: Vec<String> = Vec::new();
    if p.yearly {
        words.push(YEARLY.to_string());
    }
    words.extend(p.cumulative.iter().map(|n| format!("c{n}")));
    if p.reference {
        words.push(REFERENCE.to_string());
    }
    words.join("+")
}

/// Inverse of [`periods_words`] (spaces around the words allowed); the French reason otherwise.
pub(crate) fn parse_periods_words(s: &str) -> Result<Periodicity, String> {
    let mut p = Periodicity {
        yearly: false,
        cumulative: Vec::new(),
        reference: false,
    };
    for word in s.split('+').map(str::trim).filter(|w| !w.is_empty()) {
        let cumulative = word
            .strip_prefix('c')
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| (1..=CONVENTION_YEARS).contains(n));
        match (word, cumulative) {
            (YEARLY, _) => p.yearly = true,
            (REFERENCE, _) => p.reference = true,
            (_, Some(n)) => p.cumulative.push(n),
            _ => {
                return Err(format!(
                    "« {word} » n'est pas une échéance ; attendu {YEARLY} (une valeur par année), \
                     c1 à c{CONVENTION_YEARS} (cumul à la fin de l'année n) ou {REFERENCE} \
                     (valeur de référence), joints par + (par exemple c3+c6+ref)"
                ))
            }
        }
    }
    Ok(p)
}

/// The kebab-case word serde writes for a unit enum variant (`oph`, `departement`, `nombre`).
pub(crate) fn enum_word<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Inverse of [`enum_word`].
pub(crate) fn parse_enum_word<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_string())).ok()
}

/// The kind of an indicator the organism added, read; the French reason otherwise.
pub(crate) fn parse_kind(s: &str) -> Result<ComplementaryUnit, String> {
    parse_enum_word(s).ok_or_else(|| {
        format!(
            "« {s} » n'est pas une nature d'indicateur ; attendu nombre, pourcentage ou montant"
        )
    })
}

/// The level of an indicator the organism added, read; the French reason otherwise.
pub(crate) fn parse_level_word(s: &str) -> Result<Level, String> {
    parse_enum_word(s).ok_or_else(|| {
        format!(
            "« {s} » n'est pas une maille ; attendu organisme, region, departement, epci ou segment"
        )
    })
}

/// The measure of an indicator the organism added, read (empty: a flow); the French reason
/// otherwise.
pub(crate) fn parse_measure(s: &str) -> Result<Measure, String> {
    if s.trim().is_empty() {
        return Ok(Measure::Flux);
    }
    parse_enum_word(s).ok_or_else(|| {
        format!(
            "« {s} » n'est pas une mesure ; attendu flux (compté sur la période) ou niveau \
             (atteint en fin de période)"
        )
    })
}

/// The key of a base given for a territory: `base|territoire`.
pub(crate) fn base_key(base: &str, territory: &str) -> String {
    cus_core::convention::key::base_key(base, territory)
}

/// Inverse of [`base_key`]: the base id and the territory key, as written (neither empty).
pub(crate) fn parse_base_key(key: &str) -> Option<(&str, &str)> {
    let (base, territory) = key.split_once('|')?;
    (!base.trim().is_empty() && !territory.trim().is_empty()).then_some((base, territory))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_read_back_as_written() {
        for (yearly, cumulative, reference) in [
            (false, vec![3, 6], true),
            (true, vec![], false),
            (true, vec![6, 3], true),
            (false, vec![], false),
            (false, vec![3, 3], false),
        ] {
            let p = Periodicity {
                yearly,
                cumulative,
                reference,
            };
            assert_eq!(parse_periods_words(&periods_words(&p)), Ok(p.clone()));
        }
        assert_eq!(
            periods_words(&Periodicity {
                yearly: true,
                cumulative: vec![3, 6],
                reference: true
            }),
            "par-annee+c3+c6+ref"
        );
        assert!(parse_periods_words("c9").unwrap_err().contains("« c9 »"));
        assert!(parse_periods_words("annuel").is_err());
        assert_eq!(
            parse_periods_words(" c3 + ref ").unwrap().cumulative,
            vec![3]
        );
    }

    #[test]
    fn words_of_kinds_levels_measures_and_base_keys() {
        assert_eq!(enum_word(&ComplementaryUnit::Pourcentage), "pourcentage");
        assert_eq!(parse_kind("montant"), Ok(ComplementaryUnit::Montant));
        assert!(parse_kind("euros").is_err());
        assert_eq!(parse_level_word(" departement "), Ok(Level::Departement));
        assert_eq!(enum_word(&Measure::Niveau), "niveau");
        assert_eq!(parse_measure(""), Ok(Measure::Flux));
        assert!(parse_measure("stock").is_err());
        assert_eq!(
            parse_base_key(&base_key("parc-fg", "departement:59")),
            Some(("parc-fg", "departement:59"))
        );
        assert_eq!(parse_base_key("parc-fg"), None);
        assert_eq!(parse_base_key("|departement:59"), None);
    }
}
