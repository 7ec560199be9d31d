//! File formats of CUS indicateurs. The workbook, CSV and JSON formats come with the export
//! issue; for now this crate serialises catalogues, the first file the tools exchange.

use cus_core::catalogue::Catalogue;

/// Canonical JSON of a set of catalogues (what `cus catalogue --format json` prints and what the
/// web app accepts as a catalogue file loaded at run time).
pub fn catalogues_to_json(cats: &[Catalogue]) -> String {
    // Serialising plain data structs cannot fail.
    serde_json::to_string_pretty(cats).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_json_round_trips_through_the_checked_loader() {
        let cats = cus_core::catalogue::embedded();
        let json = catalogues_to_json(&cats);
        let back: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), cats.len());
        for (v, c) in back.iter().zip(&cats) {
            let again = cus_core::catalogue::load_json(&v.to_string(), "test.json").unwrap();
            assert_eq!(&again, c);
        }
    }
}
