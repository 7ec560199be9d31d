//! Typed model of an indicator catalogue. The catalogue files under `data/catalogue/` are the
//! source of truth (the decree is data); these types only give them a shape. Field names are
//! English; enum values are the French kebab-case words written in the data files.

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};

/// CUS generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Generation {
    /// 1st generation: décret n° 2009-1486, CUS 2011–2016.
    Premiere,
    /// 2nd generation: décret n° 2017-922 and later amendments, CUS signed from 2019.
    Deuxieme,
}

impl Generation {
    pub fn label_fr(self) -> &'static str {
        match self {
            Generation::Premiere => "1re génération",
            Generation::Deuxieme => "2e génération",
        }
    }
}

/// Kind of CUS (which table of the code applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CusKind {
    LogementsLocatifs,
    Accession,
    LogementsFoyers,
    SocietesVente,
}

impl CusKind {
    pub fn label_fr(self) -> &'static str {
        match self {
            CusKind::LogementsLocatifs => "logements locatifs",
            CusKind::Accession => "accession",
            CusKind::LogementsFoyers => "logements-foyers",
            CusKind::SocietesVente => "sociétés de vente d'HLM",
        }
    }
}

/// How sure we are that a wording is the official one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Wording {
    /// Copied word for word from the official text.
    Verbatim,
    /// Official text read only in part (the rest is completed and marked).
    Partiel,
    /// Official wording not recovered: best-supported definition, to be confirmed.
    AConfirmer,
}

impl Wording {
    pub fn label_fr(self) -> &'static str {
        match self {
            Wording::Verbatim => "libellé officiel (verbatim)",
            Wording::Partiel => "libellé officiel partiel",
            Wording::AConfirmer => "libellé à confirmer",
        }
    }
}

/// Whether a commitment on the indicator is required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Requirement {
    Obligatoire,
    /// Only when the signing prefect asks for it.
    ALaDemandeDuPrefet,
    /// Qualitative or voluntary.
    Facultatif,
}

impl Requirement {
    pub fn label_fr(self) -> &'static str {
        match self {
            Requirement::Obligatoire => "obligatoire",
            Requirement::ALaDemandeDuPrefet => "à la demande du préfet",
            Requirement::Facultatif => "facultatif",
        }
    }
}

/// Territorial level at which an indicator is broken down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Whole organism, no territorial breakdown.
    Organisme,
    Region,
    Departement,
    /// EPCI à fiscalité propre or EPT of the Métropole du Grand Paris.
    Epci,
    /// 1st generation: segment de patrimoine defined by the organism.
    Segment,
}

impl Level {
    pub fn label_fr(self) -> &'static str {
        match self {
            Level::Organisme => "organisme",
            Level::Region => "région",
            Level::Departement => "département",
            Level::Epci => "EPCI / EPT",
            Level::Segment => "segment de patrimoine",
        }
    }
}

/// What kind of value a cell holds.
///
/// Written `{ type = "nombre", unit = "logements" }` (an internally tagged enum). It is read
/// through [`RawValueKind`], a plain struct: serde's internally tagged enums buffer the input
/// and weigh about 10 KiB of wasm in the web app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    deny_unknown_fields,
    try_from = "RawValueKind"
)]
pub enum ValueKind {
    /// A count (whole number ≥ 0) of `unit` ("logements", "places", "attributions"…).
    Nombre { unit: String },
    /// A percentage 0–100 defined by a numerator and a denominator (both counts).
    Pourcentage {
        numerator: String,
        denominator: String,
    },
    /// An amount in euros (≥ 0); `unit` says per what ("€ HT par logement et par an").
    Montant { unit: String },
    /// A duration (≥ 0) in `unit` ("mois").
    Duree { unit: String },
    /// A yes/no qualitative item.
    OuiNon,
    /// A qualitative text.
    Texte,
}

/// [`ValueKind`] as written, before its fields are checked against its `type`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValueKind {
    #[serde(rename = "type")]
    kind: String,
    unit: Option<String>,
    numerator: Option<String>,
    denominator: Option<String>,
}

impl TryFrom<RawValueKind> for ValueKind {
    type Error = String;

    fn try_from(raw: RawValueKind) -> Result<Self, String> {
        let RawValueKind {
            kind,
            unit,
            numerator,
            denominator,
        } = raw;
        let unexpected = |field: &str| format!("unknown field `{field}` for type `{kind}`");
        let none = |name: &str, v: &Option<String>| match v {
            Some(_) => Err(unexpected(name)),
            None => Ok(()),
        };
        let need = |name: &str, v: Option<String>| {
            v.ok_or_else(|| format!("missing field `{name}` for type `{kind}`"))
        };
        match kind.as_str() {
            "nombre" | "montant" | "duree" => {
                none("numerator", &numerator)?;
                none("denominator", &denominator)?;
                let unit = need("unit", unit)?;
                Ok(match kind.as_str() {
                    "nombre" => ValueKind::Nombre { unit },
                    "montant" => ValueKind::Montant { unit },
                    _ => ValueKind::Duree { unit },
                })
            }
            "pourcentage" => {
                none("unit", &unit)?;
                Ok(ValueKind::Pourcentage {
                    numerator: need("numerator", numerator)?,
                    denominator: need("denominator", denominator)?,
                })
            }
            "oui-non" | "texte" => {
                none("unit", &unit)?;
                none("numerator", &numerator)?;
                none("denominator", &denominator)?;
                Ok(if kind == "texte" {
                    ValueKind::Texte
                } else {
                    ValueKind::OuiNon
                })
            }
            other => Err(format!(
                "unknown variant `{other}`, expected one of `nombre`, `pourcentage`, `montant`, `duree`, `oui-non`, `texte`"
            )),
        }
    }
}

impl ValueKind {
    /// Short French unit for table headers.
    pub fn unit_fr(&self) -> String {
        match self {
            ValueKind::Nombre { unit }
            | ValueKind::Montant { unit }
            | ValueKind::Duree { unit } => unit.clone(),
            ValueKind::Pourcentage { .. } => "%".to_string(),
            ValueKind::OuiNon => "oui / non".to_string(),
            ValueKind::Texte => "texte".to_string(),
        }
    }

    /// French name of the kind.
    pub fn kind_fr(&self) -> &'static str {
        match self {
            ValueKind::Nombre { .. } => "nombre",
            ValueKind::Pourcentage { .. } => "pourcentage",
            ValueKind::Montant { .. } => "montant",
            ValueKind::Duree { .. } => "durée",
            ValueKind::OuiNon => "oui / non",
            ValueKind::Texte => "texte",
        }
    }

    /// Default bounds of a numeric kind (`None` for non-numeric kinds).
    pub fn default_bounds(&self) -> Option<Bounds> {
        match self {
            ValueKind::Nombre { .. } => Some(Bounds {
                min: Some(0.0),
                max: None,
                integer: true,
            }),
            ValueKind::Pourcentage { .. } => Some(Bounds {
                min: Some(0.0),
                max: Some(100.0),
                integer: false,
            }),
            ValueKind::Montant { .. } | ValueKind::Duree { .. } => Some(Bounds {
                min: Some(0.0),
                max: None,
                integer: false,
            }),
            ValueKind::OuiNon | ValueKind::Texte => None,
        }
    }
}

/// The longest text a `texte` value holds when its indicator says nothing else (`max_chars`), in
/// characters (Unicode scalar values; a line break counts one).
///
/// The decree fixes no length: the qualitative items it asks for (SR-SV-1, SR-SV-2: a
/// strategy, « notamment les contrôles effectués, les normes qualité adoptées le cas échéant et
/// les enquêtes de satisfaction réalisées ») are commitments of a few paragraphs, not reports.
/// 2 000 characters (about 300 words, a third of a printed page) hold such a commitment, keep
/// every text whole in one cell of the printed récapitulatif and of a spreadsheet (a cell holds
/// 32 767), and keep an engagement readable by the State services who compare conventions. A
/// catalogue changes it per indicator with `max_chars`; a longer text is kept as typed and
/// flagged (`E-TEXT-TOO-LONG`), never cut.
pub const DEFAULT_TEXT_MAX_CHARS: u32 = 2_000;

/// Allowed range of a numeric value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Whole numbers only.
    #[serde(default)]
    pub integer: bool,
}

/// When values are committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Periodicity {
    /// One value per calendar year of the convention ("par année", "par an").
    #[serde(default)]
    pub yearly: bool,
    /// Cumulative values at the end of these years of the convention (`[3, 6]` for
    /// "à trois et six ans", `[6]` for "en cumulé sur les six ans").
    #[serde(default)]
    pub cumulative: Vec<u8>,
    /// A historical reference value is asked (arrêté du 19 octobre 2017, art. 3).
    #[serde(default)]
    pub reference: bool,
}

/// Territorial levels an indicator can be broken down at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    /// Levels always allowed (the first one is the default).
    pub allowed: Vec<Level>,
    /// Finer levels used only when the signing prefect asks for them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefect_request: Vec<Level>,
}

/// A dimension that partitions the total (financing PLAI / PLUS / PLS, energy classes…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    /// Stable id (`financement`).
    pub id: String,
    /// French label ("Mode de financement").
    pub label: String,
    pub members: Vec<Member>,
}

/// One member of a breakdown (`PLAI`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub code: String,
    pub label: String,
}

/// A "dont" part: a subset never above its total ("dont part hors QPV").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Stable id (`hors-qpv`).
    pub id: String,
    /// French label ("dont hors QPV").
    pub label: String,
    /// How the part is stated: a count (the default), a percentage of its total, or a
    /// percentage of the indicator's base. Set by the convention's choices
    /// (`Convention::part_units`, `Convention::units`), read through `Convention::view`.
    #[serde(default, skip_serializing_if = "PartShare::is_count")]
    pub share: PartShare,
}

/// How a "dont" part is stated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartShare {
    /// A count of the same unit as its total, never above it.
    #[default]
    Nombre,
    /// A percentage (0–100) of its total (« % hors QPV » of the PLAI financed).
    PourcentageDuTotal,
    /// A percentage (0–100) of the indicator's base (« en % du parc »): the same figure as
    /// the count, stated the other way.
    PourcentageDeLaBase,
}

impl PartShare {
    pub fn is_count(&self) -> bool {
        *self == PartShare::Nombre
    }

    /// Is the part a percentage (0–100)?
    pub fn is_percentage(&self) -> bool {
        !self.is_count()
    }
}

/// A stock the organism gives once per territory, at 31 December of the year before signing
/// (« parc de logements de classe énergétique E, F, G »): the base an indicator's percentage
/// is taken of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseDef {
    /// Stable id (`parc-efg`). `parc-total` is the dwellings owned (`Convention::stock`).
    pub id: String,
    /// French label (« Logements de classe énergétique E, F ou G »).
    pub label: String,
    /// Its unit (« logements »).
    pub unit: String,
    /// Where the base comes from, or why it is asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The id of the base that is the dwellings owned, given in the Parc step
/// (`Convention::stock`).
pub const PARC_TOTAL: &str = "parc-total";

/// A periodicity the organism may choose for an indicator whose text leaves it open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodChoice {
    /// Stable id recorded in the convention (`par-annee`, `3-et-6-ans`).
    pub id: String,
    pub periods: Periodicity,
}

/// What a unit offered in `unit_choices` means, read from its words: « % … » is a
/// percentage, « X et % … » a count stated with its percentage, anything else a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitForm {
    /// A count of this unit (« logements »).
    Nombre(String),
    /// A percentage (« % du parc »).
    Pourcentage(String),
    /// A count (first) with its percentage of the base (second).
    NombreEtPourcentage(String, String),
}

impl UnitForm {
    pub fn of(unit: &str) -> UnitForm {
        let u = unit.trim();
        if u.starts_with('%') {
            return UnitForm::Pourcentage(u.to_string());
        }
        match u.split_once(" et ") {
            Some((count, pct)) if pct.trim_start().starts_with('%') => {
                UnitForm::NombreEtPourcentage(count.trim().to_string(), pct.trim().to_string())
            }
            _ => UnitForm::Nombre(u.to_string()),
        }
    }
}

/// How values are split inside one territory and period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Splits {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Part>,
}

/// Where a definition comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Id of an entry of [`Catalogue::sources`].
    pub source: String,
    /// Article (`R. 445-5`).
    pub article: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A legal or administrative text the catalogue relies on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// "Code de la construction et de l'habitation".
    pub title: String,
    /// Which version of the text ("rédaction issue du décret n° 2017-922 du 9 mai 2017"), and how
    /// much of it was read: a research note, shown under « Sources et fiabilité », never in a
    /// diagnostic message.
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Usual short name of the text in a citation (`CCH`); the title is used without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_title: Option<String>,
}

impl Source {
    /// Name of the text in a short citation: `short_title`, else the title up to its first
    /// « — » (a title may name a sub-section after it).
    pub fn short_name(&self) -> &str {
        match &self.short_title {
            Some(s) if !s.trim().is_empty() => s.trim(),
            _ => self.title.split(" — ").next().unwrap_or(&self.title).trim(),
        }
    }
}

/// An engagement (policy area) of the decree's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Engagement {
    pub id: String,
    /// Aspect of the policy (1st generation) or theme ("Offre nouvelle").
    pub area: String,
    /// Official wording of the engagement (or the best available one, without research notes).
    pub label: String,
    pub wording: Wording,
    /// What is missing or uncertain in the wording (shown under « Sources et fiabilité »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording_note: Option<String>,
}

/// One indicator of the decree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Official code (`PP-1`, `A.I`).
    pub code: String,
    /// Short French label for menus and headers.
    pub short_label: String,
    /// Official wording (verbatim when `wording` says so).
    pub label: String,
    pub wording: Wording,
    /// What is missing or uncertain in the wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording_note: Option<String>,
    /// Id of an entry of [`Catalogue::engagements`].
    pub engagement: String,
    pub source: SourceRef,
    /// Plain-French explanation for users (our words, not the decree's).
    pub definition: String,
    pub value: ValueKind,
    /// Overrides the default bounds of the value kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds: Option<Bounds>,
    /// For a `texte` value: the longest text accepted, in characters; absent, the default
    /// [`DEFAULT_TEXT_MAX_CHARS`]. Read through [`Indicator::text_limit`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_chars: Option<u32>,
    pub periods: Periodicity,
    pub levels: Levels,
    #[serde(default)]
    pub splits: Splits,
    pub requirement: Requirement,
    /// A flow over the period (dwellings financed, sold: « Cumul ») or a level at its end (a
    /// stock of accessible dwellings: « Fin 2026 »).
    #[serde(default, skip_serializing_if = "Measure::is_flow")]
    pub measure: Measure,
    /// When the text leaves the unit open (« logements ou % du parc »): the units the organism
    /// chooses from, once per convention (`Convention::units`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unit_choices: Vec<String>,
    /// When the text leaves the periodicity open: the other periodicities the organism may
    /// choose (`Convention::periodicity`); `periods` is the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub period_choices: Vec<PeriodChoice>,
    /// The stock a percentage of this indicator is taken of (an entry of
    /// [`Catalogue::bases`]), given once per territory instead of every year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// An indicator the organism added to its convention (« hors règlement »): checked for its
    /// values only, kept apart from the decree's in totals.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hors_reglement: bool,
}

/// What a value of an indicator measures over time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Counted over the period: cumulatives add years up, a yearly average makes sense.
    #[default]
    Flux,
    /// A level reached at the end of the period: no cumulative, no average.
    Niveau,
}

impl Measure {
    pub fn is_flow(&self) -> bool {
        *self == Measure::Flux
    }
}

impl Indicator {
    /// The label of a period for this indicator: « Cumul 2024–2026 » for a flow, « Fin 2026 »
    /// for a level; `first_year` is the signing year when known.
    pub fn period_label_fr(&self, p: super::Period, first_year: Option<i32>) -> String {
        match (self.measure, p, first_year) {
            (Measure::Niveau, super::Period::Cumulative(n), Some(y)) => {
                format!("Fin {}", y.saturating_add(i32::from(n) - 1))
            }
            (Measure::Niveau, super::Period::Cumulative(n), None) => {
                format!("Fin de l'année {n}")
            }
            _ => p.label_fr(first_year),
        }
    }

    /// Position of the breakdown with this id among the indicator's breakdowns.
    pub fn breakdown_index(&self, id: &str) -> Option<usize> {
        self.splits.breakdowns.iter().position(|b| b.id == id)
    }

    /// The longest text accepted for a `texte` indicator, in characters (`max_chars`, else
    /// [`DEFAULT_TEXT_MAX_CHARS`]); `None` for other kinds.
    pub fn text_limit(&self) -> Option<u32> {
        matches!(self.value, ValueKind::Texte)
            .then(|| self.max_chars.unwrap_or(DEFAULT_TEXT_MAX_CHARS))
    }

    /// Effective bounds: the override, else the kind's default.
    pub fn bounds(&self) -> Option<Bounds> {
        self.bounds.clone().or_else(|| self.value.default_bounds())
    }
}

/// Signing dates a catalogue applies to (inclusive, ISO `YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningPeriod {
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// One evaluation of a convention: the calendar years it covers, counted from the signing year
/// (year 1 is the signing year, arrêté du 19 octobre 2017, art. 6-1), with its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationPeriod {
    /// Stable id (`mi-parcours`, `finale`).
    pub id: String,
    pub label: String,
    /// First and last year of the convention covered (1 to 6, inclusive).
    pub first_year: u8,
    pub last_year: u8,
    pub wording: Wording,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording_note: Option<String>,
    pub source: SourceRef,
}

impl EvaluationPeriod {
    /// The calendar years covered for a convention signed in `signing_year`.
    pub fn years(&self, signing_year: i32) -> std::ops::RangeInclusive<i32> {
        // (Saturating: a signing year read from a file may be anything.)
        let at = |n: u8| signing_year.saturating_add(i32::from(n) - 1);
        at(self.first_year)..=at(self.last_year)
    }

    /// « Évaluation à mi-parcours (2020-2022) ».
    pub fn label_for(&self, signing_year: Option<i32>) -> String {
        match signing_year {
            Some(y) => {
                let r = self.years(y);
                format!("{} ({}-{})", self.label, r.start(), r.end())
            }
            None => format!(
                "{} (années {} à {})",
                self.label, self.first_year, self.last_year
            ),
        }
    }
}

/// One catalogue: one generation and one kind of CUS.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// Stable id (`cus2-logements-locatifs`); a convention records it.
    pub id: String,
    /// Version of this data file (`2026.11.0`); a convention records it.
    pub version: String,
    pub title: String,
    pub generation: Generation,
    pub kind: CusKind,
    pub signing: SigningPeriod,
    /// Priority areas the "inside/outside" splits refer to (`QPV` or `ZUS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_area: Option<String>,
    pub sources: Vec<Source>,
    pub engagements: Vec<Engagement>,
    pub indicators: Vec<Indicator>,
    /// The evaluations of a convention of this catalogue (which exist, which years each covers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<EvaluationPeriod>,
    /// Remarks for readers (what was not recovered, conventions of this file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The stocks an indicator's percentage may be taken of (`Indicator::base`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<BaseDef>,
}

impl Catalogue {
    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    pub fn engagement(&self, id: &str) -> Option<&Engagement> {
        self.engagements.iter().find(|e| e.id == id)
    }

    pub fn base(&self, id: &str) -> Option<&BaseDef> {
        self.bases.iter().find(|b| b.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// Short citation of an indicator's source, `CCH, art. R. 445-5`, for messages and
    /// labels. Which version of the text was read, and how much of it, stays on the reference
    /// card (« Sources et fiabilité »: [`Catalogue::source`], `Source::version`).
    pub fn citation(&self, indicator: &Indicator) -> String {
        match self.source(&indicator.source.source) {
            Some(src) => format!("{}, art. {}", src.short_name(), indicator.source.article),
            None => format!("art. {}", indicator.source.article),
        }
    }

    /// `d` citing the source of `indicator`: its short citation in `article`, the id of the
    /// source in `source` (an entry of [`Catalogue::sources`]).
    pub fn cite(&self, d: Diagnostic, indicator: &Indicator) -> Diagnostic {
        if indicator.hors_reglement {
            // An indicator the organism added rests on its convention, not on an article.
            return d;
        }
        d.with_article(self.citation(indicator))
            .with_source(indicator.source.source.clone())
    }
}
