//! Territorial referential embedded from `data/geo/` (see `data/geo/README.md`): the 101
//! départements and the EPCI à fiscalité propre (plus, from 2026, the 11 EPT of the Grand Paris),
//! for each vintage (millésime) of the administrative map, with a ZUS flag.
//!
//! The JSON files are embedded with `include_str!` and parsed once, on first use, per vintage.

mod search;

pub use search::Hit;

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The vintages embedded in the build, oldest first.
const VINTAGES: [u16; 2] = [2021, 2026];

macro_rules! geo_file {
    ($year:literal, $file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/geo/",
            $year,
            "/",
            $file
        ))
    };
}

/// Embedded files of one vintage.
struct Files {
    departements: &'static str,
    epci: &'static str,
    meta: &'static str,
}

/// Same order as [`VINTAGES`].
static FILES: [Files; 2] = [
    Files {
        departements: geo_file!("2021", "departements.json"),
        epci: geo_file!("2021", "epci.json"),
        meta: geo_file!("2021", "meta.json"),
    },
    Files {
        departements: geo_file!("2026", "departements.json"),
        epci: geo_file!("2026", "epci.json"),
        meta: geo_file!("2026", "meta.json"),
    },
];

static LOADED: [OnceLock<Option<Referential>>; 2] = [const { OnceLock::new() }; 2];

/// A vintage of the administrative map and the data package it was generated from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vintage {
    /// Year of the map (millésime), for example 2026.
    pub year: u16,
    /// Source package (`@etalab/decoupage-administratif`).
    pub package: String,
    /// Exact version of the source package (`6.0.0`).
    pub version: String,
}

/// A département (métropole, Corse 2A/2B, DROM 971 to 976).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Departement {
    /// INSEE code: `01`…`95`, `2A`, `2B`, `971`…`976`.
    pub code: String,
    pub nom: String,
    /// INSEE code of the region.
    pub region: String,
    /// At least one commune of the département had a ZUS (1996 list).
    pub zus: bool,
}

/// Legal form of a groupement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EpciKind {
    #[serde(rename = "CC")]
    Cc,
    #[serde(rename = "CA")]
    Ca,
    #[serde(rename = "CU")]
    Cu,
    /// Métropole, including the Métropole du Grand Paris (SIREN 200054781).
    #[serde(rename = "METRO")]
    Metro,
    /// Métropole de Lyon (a collectivité territoriale à statut particulier).
    #[serde(rename = "MET69")]
    Met69,
    /// Établissement public territorial of the Grand Paris (2026 vintage only). Not an EPCI à
    /// fiscalité propre.
    #[serde(rename = "EPT")]
    Ept,
}

impl EpciKind {
    /// Code used in the data files (`CC`, `CA`, `CU`, `METRO`, `MET69`, `EPT`).
    pub fn code(self) -> &'static str {
        match self {
            EpciKind::Cc => "CC",
            EpciKind::Ca => "CA",
            EpciKind::Cu => "CU",
            EpciKind::Metro => "METRO",
            EpciKind::Met69 => "MET69",
            EpciKind::Ept => "EPT",
        }
    }

    /// French label ("communauté d'agglomération").
    pub fn label_fr(self) -> &'static str {
        match self {
            EpciKind::Cc => "communauté de communes",
            EpciKind::Ca => "communauté d'agglomération",
            EpciKind::Cu => "communauté urbaine",
            EpciKind::Metro => "métropole",
            EpciKind::Met69 => "métropole de Lyon",
            EpciKind::Ept => "établissement public territorial",
        }
    }

    /// False only for the EPT, which are not EPCI à fiscalité propre.
    pub fn is_fiscalite_propre(self) -> bool {
        self != EpciKind::Ept
    }
}

/// An EPCI à fiscalité propre, or an EPT of the Grand Paris (see [`EpciKind`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epci {
    pub siren: String,
    pub nom: String,
    #[serde(rename = "type")]
    pub kind: EpciKind,
    /// Number of member communes.
    pub communes: u32,
    /// Sum of the municipal population of the member communes.
    pub population: u64,
    /// Départements of the member communes, by decreasing population within the groupement: the
    /// first one is the main département.
    pub departements: Vec<String>,
    /// At least one member commune had a ZUS (1996 list).
    pub zus: bool,
}

impl Departement {
    /// `59 — Nord`.
    pub fn label(&self) -> String {
        format!("{} — {}", self.code, self.nom)
    }
}

impl Epci {
    /// `200093201 — Métropole Européenne de Lille`.
    pub fn label(&self) -> String {
        format!("{} — {}", self.siren, self.nom)
    }
}

/// The départements and EPCI of one vintage, with a precomputed search index.
pub struct Referential {
    pub vintage: Vintage,
    /// Sorted by code.
    pub departements: Vec<Departement>,
    /// Sorted by SIREN.
    pub epci: Vec<Epci>,
    index: search::Index,
}

impl std::fmt::Debug for Referential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Referential")
            .field("vintage", &self.vintage)
            .field("departements", &self.departements.len())
            .field("epci", &self.epci.len())
            .finish()
    }
}

/// Only the fields of `meta.json` that are used.
#[derive(Deserialize)]
struct Meta {
    source: MetaSource,
}

#[derive(Deserialize)]
struct MetaSource {
    package: String,
    version: String,
}

impl Referential {
    fn parse(year: u16, files: &Files) -> Result<Referential, serde_json::Error> {
        let meta: Meta = serde_json::from_str(files.meta)?;
        let departements: Vec<Departement> = serde_json::from_str(files.departements)?;
        let epci: Vec<Epci> = serde_json::from_str(files.epci)?;
        let index = search::Index::build(&departements, &epci);
        Ok(Referential {
            vintage: Vintage {
                year,
                package: meta.source.package,
                version: meta.source.version,
            },
            departements,
            epci,
            index,
        })
    }

    /// The département with this code. Accepts `59`, ` 2a `, and `1` for `01`.
    pub fn departement(&self, code: &str) -> Option<&Departement> {
        let code = canonical_departement_code(code);
        self.departements.iter().find(|d| d.code == code)
    }

    /// The EPCI (or EPT) with this SIREN. Spaces are ignored (`200 093 201`). The data is sorted by
    /// SIREN (checked by the tests), so this is a binary search.
    pub fn epci(&self, siren: &str) -> Option<&Epci> {
        let siren: String = siren.chars().filter(|c| !c.is_whitespace()).collect();
        if siren.len() != 9 {
            return None;
        }
        self.epci
            .binary_search_by(|e| e.siren.as_str().cmp(&siren))
            .ok()
            .map(|i| &self.epci[i])
    }

    /// The EPCI (and EPT) with at least one member commune in the département, in SIREN order.
    /// An EPCI spanning several départements is returned for each of them.
    pub fn epci_in_departement<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Epci> + 'a {
        let code = canonical_departement_code(code);
        self.epci
            .iter()
            .filter(move |e| e.departements.contains(&code))
    }

    /// `59 — Nord`, or `None` for an unknown code.
    pub fn departement_label(&self, code: &str) -> Option<String> {
        self.departement(code).map(Departement::label)
    }

    /// `200093201 — Métropole Européenne de Lille`, or `None` for an unknown SIREN.
    pub fn epci_label(&self, siren: &str) -> Option<String> {
        self.epci(siren).map(Epci::label)
    }

    /// Search-as-you-type among départements and EPCI; at most `limit` hits, best first.
    ///
    /// A query matches a département by code (`59`, `2a`, `971`, or a code prefix such as `97`) and
    /// an EPCI by SIREN prefix (at least 3 digits). Otherwise every word of the query must start a
    /// word of the name, accents and case aside (`lille metro` finds « Métropole Européenne de
    /// Lille »; `st` and `saint` are interchangeable); a word that is exactly a département code
    /// also matches the EPCI of that département (`lille 59`).
    ///
    /// Order: exact code or SIREN first, then départements, then EPCI whose name (after « CC »,
    /// « CA du »…) starts with the first word of the query, then the other EPCI; EPCI by decreasing
    /// population. An empty or meaningless query finds nothing.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        search::search(self, query, limit)
    }
}

/// `2a` → `2A`, `1` → `01`, surrounding spaces removed.
fn canonical_departement_code(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    if code.len() == 1 && code.as_bytes()[0].is_ascii_digit() {
        format!("0{code}")
    } else {
        code
    }
}

/// The embedded vintages, oldest first (for example `[2021, 2026]`).
pub fn vintages() -> &'static [u16] {
    &VINTAGES
}

/// The referential of a vintage, parsed on first use; `None` for a vintage that is not embedded.
pub fn referential(year: u16) -> Option<&'static Referential> {
    let i = VINTAGES.iter().position(|&y| y == year)?;
    LOADED[i]
        .get_or_init(|| Referential::parse(year, &FILES[i]).ok())
        .as_ref()
}

/// How the vintage of a convention relates to its signing year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VintageMatch {
    /// The vintage is the signing year.
    Exact,
    /// The vintage is the latest one before the signing year.
    Earlier,
    /// No vintage is as old as the signing year: the earliest one, later than the signing, is used.
    /// The UI must say so.
    Later,
}

/// The vintage chosen for a convention, and why (in French, for the UI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VintageChoice {
    pub year: u16,
    pub matching: VintageMatch,
    pub reason_fr: String,
}

/// The vintage of the administrative map to use for a convention signed in `signing_year`: the
/// latest embedded vintage not after the signing year, else the earliest one. With the vintages
/// 2021 and 2026: 2021 to 2025 → 2021, 2026 and later → 2026, and a CUS signed in 2019 or 2020
/// gets 2021 (the earliest available), which the UI must point out (see [`choose_vintage`]).
pub fn vintage_for_signing_year(signing_year: i32) -> u16 {
    choose_vintage(signing_year).year
}

/// Same rule as [`vintage_for_signing_year`], with the kind of match and a French explanation.
pub fn choose_vintage(signing_year: i32) -> VintageChoice {
    let earliest = VINTAGES[0];
    match VINTAGES
        .iter()
        .rev()
        .find(|&&y| i32::from(y) <= signing_year)
    {
        Some(&y) if i32::from(y) == signing_year => VintageChoice {
            year: y,
            matching: VintageMatch::Exact,
            reason_fr: format!(
                "Découpage territorial {y}, celui de l'année de signature de la convention."
            ),
        },
        Some(&y) => VintageChoice {
            year: y,
            matching: VintageMatch::Earlier,
            reason_fr: format!(
                "Découpage territorial {y} : le plus récent disponible qui ne soit pas postérieur \
                 à la signature ({signing_year}). Les EPCI créés ou modifiés depuis {y} n'y \
                 figurent pas tels quels."
            ),
        },
        None => VintageChoice {
            year: earliest,
            matching: VintageMatch::Later,
            reason_fr: format!(
                "Aucun découpage territorial de {signing_year} ou antérieur n'est disponible : le \
                 plus ancien, {earliest}, est utilisé. Des EPCI ont pu changer entre la signature \
                 et {earliest} ; vérifiez les territoires de la convention."
            ),
        },
    }
}
