//! Keys of the rows of a grid: a territory or a segment, written as short stable strings
//! (`departement:59`, `epci:200093201`, `region:32`, `segment:S1`, `organisme`) so that they can
//! be map keys in JSON files.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalogue::Level;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TerritoryKey {
    Organisme,
    Region(String),
    Departement(String),
    Epci(String),
    Segment(String),
}

impl TerritoryKey {
    /// The territory in words without the referential (« département 59 », « EPCI 200093201 »,
    /// « organisme entier »): where a name cannot be looked up, never the key itself.
    pub fn short_fr(&self) -> String {
        match self {
            TerritoryKey::Departement(d) => format!("département {d}"),
            TerritoryKey::Epci(e) => format!("EPCI {e}"),
            TerritoryKey::Region(r) => format!("région {r}"),
            TerritoryKey::Organisme => "organisme entier".to_string(),
            TerritoryKey::Segment(x) => format!("segment {x}"),
        }
    }

    pub fn level(&self) -> Level {
        match self {
            TerritoryKey::Organisme => Level::Organisme,
            TerritoryKey::Region(_) => Level::Region,
            TerritoryKey::Departement(_) => Level::Departement,
            TerritoryKey::Epci(_) => Level::Epci,
            TerritoryKey::Segment(_) => Level::Segment,
        }
    }

    /// The code part (`59`), empty for the organism.
    pub fn code(&self) -> &str {
        match self {
            TerritoryKey::Organisme => "",
            TerritoryKey::Region(c)
            | TerritoryKey::Departement(c)
            | TerritoryKey::Epci(c)
            | TerritoryKey::Segment(c) => c,
        }
    }
}

impl fmt::Display for TerritoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TerritoryKey::Organisme => write!(f, "organisme"),
            TerritoryKey::Region(c) => write!(f, "region:{c}"),
            TerritoryKey::Departement(c) => write!(f, "departement:{c}"),
            TerritoryKey::Epci(c) => write!(f, "epci:{c}"),
            TerritoryKey::Segment(c) => write!(f, "segment:{c}"),
        }
    }
}

impl FromStr for TerritoryKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            format!(
                "« {s} » n'est pas un territoire reconnu : attendu organisme, region:CODE, \
                 departement:CODE, epci:SIREN ou segment:IDENTIFIANT."
            )
        };
        if s == "organisme" {
            return Ok(TerritoryKey::Organisme);
        }
        let (kind, code) = s.split_once(':').ok_or_else(bad)?;
        if code.trim().is_empty() {
            return Err(bad());
        }
        let code = code.to_string();
        match kind {
            "region" => Ok(TerritoryKey::Region(code)),
            "departement" => Ok(TerritoryKey::Departement(code)),
            "epci" => Ok(TerritoryKey::Epci(code)),
            "segment" => Ok(TerritoryKey::Segment(code)),
            _ => Err(bad()),
        }
    }
}

impl Serialize for TerritoryKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TerritoryKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_as_strings() {
        for s in [
            "organisme",
            "region:32",
            "departement:2A",
            "epci:200093201",
            "segment:S-1",
        ] {
            let k: TerritoryKey = s.parse().unwrap();
            assert_eq!(k.to_string(), s);
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(serde_json::from_str::<TerritoryKey>(&json).unwrap(), k);
        }
        for bad in ["", "departement:", "commune:59350", "59"] {
            assert!(bad.parse::<TerritoryKey>().is_err(), "{bad:?}");
        }
    }
}
