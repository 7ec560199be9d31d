//! Text folding for search: a leaf module, shared by the indicator catalogue and the
//! territorial referential.

/// Lowercase, strip French accents, keep letters and digits, collapse the rest to single spaces.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'œ' => {
                out.push('o');
                'e'
            }
            c => c,
        };
        if c.is_alphanumeric() {
            out.push(c);
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_strips_accents_case_and_punctuation() {
        assert_eq!(
            normalise("  Énergétique, PLAI/PLUS  "),
            "energetique plai plus"
        );
        assert_eq!(normalise("Œuvre"), "oeuvre");
        assert_eq!(normalise("PP-1."), "pp 1");
    }
}

/// A French enumeration: « 2019 », « 2019 et 2020 », « 2019, 2020 et 2021 ».
pub fn join_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod join_tests {
    #[test]
    fn french_enumerations() {
        let s = |v: &[&str]| super::join_fr(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["2019"]), "2019");
        assert_eq!(s(&["2019", "2020"]), "2019 et 2020");
        assert_eq!(s(&["2019", "2020", "2021"]), "2019, 2020 et 2021");
    }
}
