//! Typed model of a training module (`data/formation/*.toml`, or a trainer's pack file): the
//! shape the loader gives to a file once it has read it (see `load.rs` for the file's own shape,
//! with the line of every exercise). Field names are English, enum values French kebab-case
//! words, as in the catalogues.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalogue::{Level, Source};
use crate::convention::{Segment, Value};

/// What an exercise is about: the confusions trainers meet, and the kinds of CUS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// A dwelling *agréé* (financing approved), *déposé*, *livré* or *mis en service*.
    AgrementMiseEnService,
    /// Dwellings *mis en commercialisation* versus *vendus*.
    CommercialisationVente,
    /// QPV versus ex-ZUS, and which list of QPV.
    QpvZus,
    /// The territorial level of an indicator (département, EPCI, organism, région).
    Maille,
    /// A percentage rebuilt from its numerator and denominator, never averaged.
    Pourcentage,
    /// The share of PLAI among PLUS + PLAI.
    PartPlai,
    /// An empty cell is not a zero.
    CaseVide,
    /// The 2017 and 2019 wordings of the 2nd generation.
    #[serde(rename = "redactions-2017-2019")]
    Redactions20172019,
    /// First versus second generation.
    Generations,
    /// One kind of CUS from end to end (logements locatifs, logements-foyers, accession).
    TypeDeCus,
}

impl Theme {
    pub const ALL: [Theme; 10] = [
        Theme::AgrementMiseEnService,
        Theme::CommercialisationVente,
        Theme::QpvZus,
        Theme::Maille,
        Theme::Pourcentage,
        Theme::PartPlai,
        Theme::CaseVide,
        Theme::Redactions20172019,
        Theme::Generations,
        Theme::TypeDeCus,
    ];

    pub fn label_fr(self) -> &'static str {
        match self {
            Theme::AgrementMiseEnService => "Agréé, déposé, mis en service",
            Theme::CommercialisationVente => "Mis en commercialisation ou vendu",
            Theme::QpvZus => "QPV et ex-ZUS",
            Theme::Maille => "La maille territoriale",
            Theme::Pourcentage => "Pourcentages : numérateur et dénominateur",
            Theme::PartPlai => "La part de PLAI",
            Theme::CaseVide => "Une case vide n'est pas un zéro",
            Theme::Redactions20172019 => "Rédactions de 2017 et de 2019",
            Theme::Generations => "1re et 2e génération",
            Theme::TypeDeCus => "Un type de CUS de bout en bout",
        }
    }

    /// The word written in the files (`qpv-zus`).
    pub fn slug(self) -> &'static str {
        match self {
            Theme::AgrementMiseEnService => "agrement-mise-en-service",
            Theme::CommercialisationVente => "commercialisation-vente",
            Theme::QpvZus => "qpv-zus",
            Theme::Maille => "maille",
            Theme::Pourcentage => "pourcentage",
            Theme::PartPlai => "part-plai",
            Theme::CaseVide => "case-vide",
            Theme::Redactions20172019 => "redactions-2017-2019",
            Theme::Generations => "generations",
            Theme::TypeDeCus => "type-de-cus",
        }
    }
}

/// The kind of an exercise, as written in `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExerciseType {
    /// One right answer among several.
    ChoixUnique,
    /// Every right answer among several, and none of the wrong ones.
    ChoixMultiple,
    /// A number typed by the learner, right within a tolerance.
    Numerique,
    /// « Trouvez l'erreur »: a small convention shown as the grid; the learner clicks the wrong
    /// cells, graded by the rule engine.
    TrouvezLErreur,
    /// « Calculez »: a number computed by the learner, checked against `calc`.
    Calculez,
    /// A worked example: a filled case and its calculations, explained.
    Exemple,
}

impl ExerciseType {
    pub fn label_fr(self) -> &'static str {
        match self {
            ExerciseType::ChoixUnique => "Question à choix unique",
            ExerciseType::ChoixMultiple => "Question à choix multiples",
            ExerciseType::Numerique => "Réponse chiffrée",
            ExerciseType::TrouvezLErreur => "Trouvez l'erreur",
            ExerciseType::Calculez => "Calculez",
            ExerciseType::Exemple => "Exemple commenté",
        }
    }

    /// Is the learner's answer graded (everything but the worked example)?
    pub fn graded(self) -> bool {
        self != ExerciseType::Exemple
    }
}

/// One answer of a choice question.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: String,
    #[serde(default)]
    pub correct: bool,
    /// Why this answer is right or wrong, shown once the learner has answered.
    #[serde(default)]
    pub feedback: Option<String>,
}

/// The computations of `cus_core::calc` an exercise may name (`function`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalcFunction {
    /// `calc::plai_share`: PLAI among PLAI + PLUS (`territory`, `period`).
    PartPlai,
    /// `calc::member_share`: some members of a breakdown among others (`territory`, `period`,
    /// `breakdown`, `numerator`, `denominator`).
    PartModalites,
    /// `calc::part_share`: a « dont » part in its whole (`territory`, `split`, `part`, `period`).
    PartDont,
    /// `calc::cumulative_from_yearly`: the years 1..n added up (`territory`, `split`, `years`).
    Cumul,
    /// `calc::yearly_average` (`territory`, `split`, `years`).
    MoyenneAnnuelle,
    /// `calc::ratio_to_stock`: a count compared with the stock (`territory`, `split`, `period`).
    RatioAuParc,
    /// `calc::total_across_territories` (`split`, `period`, optional `level`).
    TotalTerritoires,
    /// `calc::percentage_of`: a percentage rebuilt from the sums of its numerators and
    /// denominators (`numerator_values`, `denominator_values`).
    Pourcentage,
}

impl CalcFunction {
    pub fn label_fr(self) -> &'static str {
        match self {
            CalcFunction::PartPlai => "part de PLAI parmi PLAI + PLUS",
            CalcFunction::PartModalites => "part de modalités d'une ventilation",
            CalcFunction::PartDont => "part « dont » dans son total",
            CalcFunction::Cumul => "cumul des valeurs annuelles",
            CalcFunction::MoyenneAnnuelle => "moyenne annuelle",
            CalcFunction::RatioAuParc => "rapport au parc de logements",
            CalcFunction::TotalTerritoires => "total des territoires",
            CalcFunction::Pourcentage => "pourcentage reconstitué",
        }
    }
}

/// A computation of `cus_core::calc` with its arguments; which arguments a function needs is
/// listed on [`CalcFunction`].
#[derive(Clone, Debug, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalcSpec {
    pub function: Option<CalcFunction>,
    /// Territory key (`departement:59`).
    #[serde(default)]
    pub territory: Option<String>,
    /// Split key (`total`, `PLAI`, `total/hors-qpv`).
    #[serde(default)]
    pub split: Option<String>,
    /// Period key (`ref`, `a1`…`a6`, `c3`, `c6`).
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub years: Option<u8>,
    #[serde(default)]
    pub breakdown: Option<String>,
    /// Member codes of the numerator (`part-modalites`).
    #[serde(default)]
    pub numerator: Vec<String>,
    #[serde(default)]
    pub denominator: Vec<String>,
    /// Id of a « dont » part (`hors-qpv`).
    #[serde(default)]
    pub part: Option<String>,
    #[serde(default)]
    pub level: Option<Level>,
    /// Numerators to add up (`pourcentage`).
    #[serde(default)]
    pub numerator_values: Vec<f64>,
    #[serde(default)]
    pub denominator_values: Vec<f64>,
    /// What the calculation shows, in a worked example.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Values of one indicator: territory key → period key → split key → value.
pub type CaseValues = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// A small convention, only what an exercise needs: the territories, the level chosen for the
/// indicator shown, the stock and the values of that indicator. The organism is a fictional one
/// with a valid SIREN (see [`super::case`]).
#[derive(Clone, Debug, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub signing_year: i32,
    #[serde(default)]
    pub departements: Vec<String>,
    #[serde(default)]
    pub epci: Vec<String>,
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// Levels of the indicator shown, coarsest first; default: its first allowed level.
    #[serde(default)]
    pub levels: Vec<Level>,
    /// Dwellings owned per territory key.
    #[serde(default)]
    pub stock: BTreeMap<String, f64>,
    /// The unit chosen, for an indicator whose text leaves it open.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub values: CaseValues,
}

/// A diagnostic the rule engine must produce on a « Trouvez l'erreur » case.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// Stable code of the rule (`E-PART-EXCEEDS-TOTAL`).
    pub code: String,
    /// Canonical key of the cell the rule names (`PP-1|departement:59|PLAI/hors-qpv|c3`); the
    /// indicator may be left out (`departement:59|PLAI/hors-qpv|c3`).
    pub cell: String,
    /// Other cells a learner may click for this error (the terms of a wrong total, say).
    #[serde(default)]
    pub also_accepted: Vec<String>,
}

/// One exercise, checked and with the line where it starts in its file.
#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    /// Line of `[[exercises]]` in the file (1-based).
    pub line: usize,
    pub id: String,
    pub title: String,
    pub kind: ExerciseType,
    /// Catalogue id and version the codes belong to.
    pub catalogue: String,
    pub version: String,
    pub codes: Vec<String>,
    pub themes: Vec<Theme>,
    /// Id of the cited text, among the catalogue's sources and the file's; default: the source
    /// of the first code.
    pub source: Option<String>,
    /// The article taught (`R. 445-5`, `3`).
    pub article: String,
    pub question: String,
    pub choices: Vec<Choice>,
    pub answer: Option<f64>,
    pub tolerance: Option<f64>,
    pub decimals: Option<u8>,
    pub unit: Option<String>,
    /// The indicator shown as a grid (« Trouvez l'erreur », « Calculez », examples).
    pub indicator: Option<String>,
    pub case: Option<Case>,
    pub expected: Vec<Expected>,
    pub calc: Option<CalcSpec>,
    pub calculations: Vec<CalcSpec>,
    /// Paragraphs of a worked example.
    pub steps: Vec<String>,
    /// Feedback when the answer is right.
    pub right: String,
    /// Feedback when it is wrong (a hint before trying again).
    pub wrong: String,
    /// What to remember, shown after the answer (or with a worked example).
    pub explanation: String,
    /// Lines of some fields, for the diagnostics.
    pub lines: FieldLines,
}

/// Lines (1-based) of the fields a check may point at; the exercise's line when unknown.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FieldLines {
    pub codes: usize,
    pub article: usize,
    pub choices: usize,
    pub answer: usize,
    pub case: usize,
    pub expected: usize,
    pub calc: usize,
    pub calculations: usize,
}

/// A module: a short sequence of exercises shown one at a time. One file holds one module.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// Name of the file it was read from.
    pub file: String,
    /// Line of its `id` in the file.
    pub line: usize,
    pub id: String,
    pub title: String,
    pub theme: Theme,
    pub summary: String,
    /// Texts cited by the exercises besides the catalogues' sources.
    pub sources: Vec<Source>,
    pub exercises: Vec<Exercise>,
}

impl Module {
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// Exercises graded (every one but the worked examples).
    pub fn graded(&self) -> usize {
        self.exercises.iter().filter(|e| e.kind.graded()).count()
    }
}

/// One line of the index of the embedded exercises, generated at build time (`build.rs`) for the
/// shell's reference cards: which exercises cite a code of a catalogue version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub catalogue: &'static str,
    pub version: &'static str,
    pub code: &'static str,
    pub module: &'static str,
    /// Position of the exercise in its module, 1-based (the step of the route).
    pub step: usize,
    pub title: &'static str,
}
