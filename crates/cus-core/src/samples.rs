//! Fictional sample conventions (`data/samples/`), embedded for the home page and the tests.

use crate::convention::Convention;

/// One sample: a stable id and a French title and description. Its convention is a separate
/// item ([`Sample::json`]), so a program that lists the samples without opening them (the web
/// app's home page) does not carry their files.
pub struct Sample {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

impl Sample {
    /// The convention (the embedded files are checked by the test suite).
    pub fn convention(&self) -> Option<Convention> {
        serde_json::from_str(self.json()?).ok()
    }

    /// The convention file, as embedded.
    pub fn json(&self) -> Option<&'static str> {
        match self.id {
            "petit-organisme" => Some(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/samples/petit-organisme.json"
            ))),
            "grand-organisme" => Some(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/samples/grand-organisme.json"
            ))),
            _ => None,
        }
    }

    /// The sample with this id.
    pub fn by_id(id: &str) -> Option<&'static Sample> {
        SAMPLES.iter().find(|s| s.id == id)
    }
}

pub static SAMPLES: &[Sample] = &[
    Sample {
        id: "petit-organisme",
        title: "Petit organisme, un département",
        description: "Un OPH fictif d'environ 1 500 logements dans les Vosges, CUS signée en 2021.",
    },
    Sample {
        id: "grand-organisme",
        title: "Grand organisme, six départements avec détail par EPCI",
        description: "Une ESH fictive d'environ 45 000 logements en Hauts-de-France et Normandie, CUS signée en 2022, PP-1 et PP-2 détaillés par EPCI à la demande du préfet.",
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_embedded_sample_parses() {
        for s in super::SAMPLES {
            let c = s
                .convention()
                .unwrap_or_else(|| panic!("sample {} does not parse", s.id));
            assert!(!c.values.is_empty(), "{}", s.id);
            assert!(!s.title.is_empty() && !s.description.is_empty());
            assert!(super::Sample::by_id(s.id).is_some_and(|b| std::ptr::eq(b, s)));
        }
    }
}
