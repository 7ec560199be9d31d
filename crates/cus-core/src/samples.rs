//! Fictional sample conventions (`data/samples/`), embedded for the home page and the tests.

use crate::convention::Convention;

/// One sample: a stable id, a French title, and the convention JSON.
pub struct Sample {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    json: &'static str,
}

impl Sample {
    /// The convention (the embedded files are checked by the test suite).
    pub fn convention(&self) -> Option<Convention> {
        serde_json::from_str(self.json).ok()
    }
}

pub static SAMPLES: &[Sample] = &[
    Sample {
        id: "petit-organisme",
        title: "Petit organisme, un département",
        description: "Un OPH fictif d'environ 1 500 logements dans les Vosges, CUS signée en 2021.",
        json: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/samples/petit-organisme.json")),
    },
    Sample {
        id: "grand-organisme",
        title: "Grand organisme, six départements avec détail par EPCI",
        description: "Une ESH fictive d'environ 45 000 logements en Hauts-de-France et Normandie, CUS signée en 2022, PP-1 et PP-2 détaillés par EPCI à la demande du préfet.",
        json: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/samples/grand-organisme.json")),
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
        }
    }
}
