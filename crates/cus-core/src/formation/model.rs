//! Typed model of a training module (`data/formation/*.toml`, or a trainer's pack file): the
//! shape the loader gives to a file once it has read it (see `load.rs` for the file's own shape,
//! with the line of every exercise). Field names are English, enum values French kebab-case
//! words, as in the catalogues.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalogue::{Level, Source};
use crate::convention::{Segment, Signature, Terms, Value};

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
    /// An evaluation: achievements against the commitments in force, rates rebuilt, levels.
    Evaluation,
    /// A consolidation on a territory: no pro-rating, calendar years, no added percentages.
    Consolidation,
    /// How a real CUS states a part or a « parmi » indicator: count, base, percentage.
    FormesDEngagement,
}

impl Theme {
    pub const ALL: [Theme; 13] = [
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
        Theme::Evaluation,
        Theme::Consolidation,
        Theme::FormesDEngagement,
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
            Theme::Evaluation => "Évaluer : réalisé et engagement",
            Theme::Consolidation => "Consolider sur un territoire",
            Theme::FormesDEngagement => "Nombre, base, pourcentage",
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
            Theme::Evaluation => "evaluation",
            Theme::Consolidation => "consolidation",
            Theme::FormesDEngagement => "formes-d-engagement",
        }
    }
}

/// What the right answer of an exercise rests on, as written in `basis`: the trainee is told
/// when a point is an inference or comes from a secondary source, as the reference cards say
/// of a wording « à confirmer ».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// A text read word for word: the verbatim wording of every code cited, or the cited article
    /// of a text the catalogue lists.
    Texte,
    /// An inference from texts read (an analogy, a reading of a silent text, the application's
    /// convention where the texts are silent); `basis_note` says what is inferred.
    Deduction,
    /// A document that is not an official text (a State service's fact sheet or bulletin, a
    /// federation's page, a signed CUS); `basis_note` says which.
    SourceSecondaire,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Texte, Basis::Deduction, Basis::SourceSecondaire];

    /// The word written in the files (`source-secondaire`).
    pub fn slug(self) -> &'static str {
        match self {
            Basis::Texte => "texte",
            Basis::Deduction => "deduction",
            Basis::SourceSecondaire => "source-secondaire",
        }
    }

    /// A short label, for a badge: « texte officiel », « déduction », « source secondaire ».
    pub fn label_fr(self) -> &'static str {
        match self {
            Basis::Texte => "texte officiel",
            Basis::Deduction => "déduction",
            Basis::SourceSecondaire => "source secondaire",
        }
    }

    /// Is the point settled by a text read word for word?
    pub fn is_text(self) -> bool {
        self == Basis::Texte
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
    /// `calc::organism_table`: the organism-level figure of one split and period, from the
    /// territorial rows (counts summed, percentages rebuilt from their totals or bases)
    /// (`split`, `period`).
    TableauOrganisme,
    /// `calc::derived`: the figure a cell implies in the other unit (a count from a percentage
    /// of its total or base, a percentage from a count and its base) (`territory`, `split`,
    /// `period`).
    ChiffreDeduit,
    /// `evaluation::evaluate`: what was achieved for one commitment line of an evaluation, a
    /// rate rebuilt from its terms, a level read at its date (`territory`, `split`, `period`,
    /// `evaluation`).
    Realisation,
    /// `evaluation::evaluate`: the commitment a line is measured against, from the version in
    /// force (`territory`, `split`, `period`, `evaluation`).
    EngagementMesure,
    /// `evaluation::evaluate`: achieved ÷ committed (`territory`, `split`, `period`,
    /// `evaluation`).
    TauxDeRealisation,
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
            CalcFunction::TableauOrganisme => "chiffre de l'organisme",
            CalcFunction::ChiffreDeduit => "chiffre déduit",
            CalcFunction::Realisation => "réalisation évaluée",
            CalcFunction::EngagementMesure => "engagement mesuré",
            CalcFunction::TauxDeRealisation => "taux de réalisation",
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
    /// Id of an evaluation of the catalogue (`mi-parcours`, `finale`), for the evaluation
    /// functions; by default the case's `evaluation`.
    #[serde(default)]
    pub evaluation: Option<String>,
    /// What the calculation shows, in a worked example.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Values of one indicator: territory key → period key → split key → value.
pub type CaseValues = BTreeMap<String, BTreeMap<String, BTreeMap<String, Value>>>;

/// Achievements of one indicator, as `CaseValues` (years only): counts, or for a percentage
/// its numerator and denominator.
pub type CaseAchieved<V> = BTreeMap<String, BTreeMap<String, BTreeMap<String, V>>>;

/// An earlier signed version of the commitments of a case (the convention before an avenant).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseVersion {
    /// Date of signature, `AAAA-MM-JJ`.
    pub date: String,
    /// « Convention initiale », « Avenant n° 1 ».
    pub label: String,
    #[serde(default)]
    pub values: CaseValues,
}

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
    /// The unit chosen, for an indicator whose text leaves it open (one of its
    /// `unit_choices`: « % », « logements », « logements et % du parc F et G »).
    #[serde(default)]
    pub unit: Option<String>,
    /// How the « dont » parts are stated: `nombre` (a count) or `%` (a percentage of their
    /// total), as the convention records it.
    #[serde(default)]
    pub part_unit: Option<String>,
    /// The periodicity chosen (an id of the indicator's `period_choices`: `par-annee`).
    #[serde(default)]
    pub periodicity: Option<String>,
    /// Stocks given once, base id → territory key → value (`parc-fg`), besides `stock`.
    #[serde(default)]
    pub bases: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    pub values: CaseValues,
    /// The signature of the commitments of `values` (« Convention initiale », or the latest
    /// « Avenant n° 1 »), for an evaluation.
    #[serde(default)]
    pub signature: Option<Signature>,
    /// The versions signed before `values`, oldest first (the initial convention before an
    /// avenant).
    #[serde(default)]
    pub versions: Vec<CaseVersion>,
    /// The evaluation the achievements are entered for (`mi-parcours`, `finale`: an id of the
    /// catalogue's evaluations).
    #[serde(default)]
    pub evaluation: Option<String>,
    /// Counts achieved per year (`a1`…`a6`), for an evaluation.
    #[serde(default)]
    pub achieved: CaseAchieved<f64>,
    /// Numerators and denominators achieved per year, for a percentage.
    #[serde(default)]
    pub achieved_terms: CaseAchieved<Terms>,
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
    /// What the right answer rests on (`None` only in a file that omits it, which the checks
    /// refuse).
    pub basis: Option<Basis>,
    /// What is inferred, or which secondary source, said to the trainee.
    pub basis_note: Option<String>,
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

impl Exercise {
    /// The sentence « Se former » shows with the explanation: what the point taught rests on,
    /// in French (« Ce point repose sur une déduction : … »).
    pub fn basis_fr(&self) -> String {
        let note = self
            .basis_note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                if n.ends_with(['.', '!', '?', '»', ')']) {
                    n.to_string()
                } else {
                    format!("{n}.")
                }
            });
        match (self.basis, note) {
            (Some(Basis::Texte), None) => {
                "Ce point repose sur le texte cité, lu mot pour mot.".to_string()
            }
            (Some(Basis::Texte), Some(n)) => {
                format!("Ce point repose sur le texte cité, lu mot pour mot. {n}")
            }
            (Some(Basis::Deduction), Some(n)) => format!("Ce point repose sur une déduction : {n}"),
            (Some(Basis::Deduction), None) => {
                "Ce point repose sur une déduction, pas sur un texte lu mot pour mot.".to_string()
            }
            (Some(Basis::SourceSecondaire), Some(n)) => {
                format!("Ce point repose sur une source secondaire, non officielle : {n}")
            }
            (Some(Basis::SourceSecondaire), None) => {
                "Ce point repose sur une source secondaire, non officielle.".to_string()
            }
            (None, _) => "Ce point ne dit pas sur quoi il repose.".to_string(),
        }
    }

    /// Does the point rest on a text read word for word (`basis = "texte"`)? The app may show
    /// the others with a mark, as the reference cards mark a wording « à confirmer ».
    pub fn rests_on_text(&self) -> bool {
        self.basis.is_some_and(Basis::is_text)
    }
}

/// Lines (1-based) of the fields a check may point at; the exercise's line when unknown.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct FieldLines {
    pub codes: usize,
    pub article: usize,
    pub basis: usize,
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
