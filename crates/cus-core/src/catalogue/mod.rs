//! The indicator catalogue: typed model, loading with diagnostics, the embedded library,
//! the periods an indicator asks for, and a Markdown rendering for people.

mod card;
mod model;
mod render;
mod search;

pub use card::{find_card, CardLookup};
pub use model::*;
pub use render::render_markdown;
pub use search::{matches, search};

use crate::diagnostic::{Diagnostic, Location};
use std::collections::HashSet;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_catalogues.rs"));
}

/// Catalogue files larger than this are refused before parsing.
pub const MAX_CATALOGUE_BYTES: usize = 2 * 1024 * 1024;

/// One period column of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// Historical reference value.
    Reference,
    /// Calendar year `n` of the convention (1..=6).
    Year(u8),
    /// Cumulative at the end of year `n` of the convention.
    Cumulative(u8),
}

impl Period {
    /// French column label; `first_year` is the signing year when known.
    pub fn label_fr(self, first_year: Option<i32>) -> String {
        match (self, first_year) {
            (Period::Reference, _) => "Référence".to_string(),
            (Period::Year(n), Some(y)) => format!("{}", y.saturating_add(i32::from(n) - 1)),
            (Period::Year(n), None) => format!("Année {n}"),
            (Period::Cumulative(n), Some(y)) => {
                format!("Cumul {}–{}", y, y.saturating_add(i32::from(n) - 1))
            }
            (Period::Cumulative(n), None) => format!("À {n} ans"),
        }
    }
}

/// Convention duration in years (CCH, art. L. 445-1).
pub const CONVENTION_YEARS: u8 = 6;

impl Periodicity {
    /// The period columns, in display order: reference, each year, then cumulatives.
    pub fn periods(&self) -> Vec<Period> {
        let mut out = Vec::new();
        if self.reference {
            out.push(Period::Reference);
        }
        if self.yearly {
            out.extend((1..=CONVENTION_YEARS).map(Period::Year));
        }
        out.extend(self.cumulative.iter().map(|&n| Period::Cumulative(n)));
        out
    }

    /// French description ("par année ; cumulé à 3 et 6 ans ; valeur de référence").
    pub fn describe_fr(&self) -> String {
        let mut parts = Vec::new();
        if self.yearly {
            parts.push("par année".to_string());
        }
        match self.cumulative.as_slice() {
            [] => {}
            [n] => parts.push(format!("cumulé sur {n} ans")),
            many => {
                let (last, rest) = many.split_last().unwrap_or((&0, &[]));
                let rest: Vec<String> = rest.iter().map(|n| n.to_string()).collect();
                parts.push(format!("cumulé à {} et {last} ans", rest.join(", ")));
            }
        }
        if self.reference {
            parts.push("valeur de référence".to_string());
        }
        parts.join(" ; ")
    }
}

/// Parse a catalogue from JSON text and check it. `file` names it in diagnostics.
pub fn load_json(text: &str, file: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    if text.len() > MAX_CATALOGUE_BYTES {
        return Err(vec![too_big(file, text.len())]);
    }
    let cat: Catalogue = serde_json::from_str(text).map_err(|e| {
        vec![Diagnostic::error(
            "E-CAT-SYNTAX",
            format!(
                "Le fichier de catalogue n'est pas lisible : {}. Vérifiez qu'il s'agit bien d'un \
                 catalogue au format JSON produit par « cus catalogue --format json ».",
                translate_serde(&e.to_string())
            ),
            Location {
                file: Some(file.to_string()),
                line: Some(e.line()),
                ..Default::default()
            },
        )]
    })?;
    finish(cat, file)
}

/// Parse a catalogue from TOML text (the format of `data/catalogue/`) and check it.
#[cfg(feature = "toml")]
pub fn load_toml(text: &str, file: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    if text.len() > MAX_CATALOGUE_BYTES {
        return Err(vec![too_big(file, text.len())]);
    }
    let cat: Catalogue = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        vec![Diagnostic::error(
            "E-CAT-SYNTAX",
            format!(
                "Le fichier de catalogue n'est pas lisible : {}. Corrigez le fichier TOML à \
                 l'endroit indiqué.",
                translate_serde(e.message())
            ),
            Location {
                file: Some(file.to_string()),
                line,
                ..Default::default()
            },
        )]
    })?;
    finish(cat, file)
}

fn too_big(file: &str, len: usize) -> Diagnostic {
    Diagnostic::error(
        "E-CAT-TOO-BIG",
        format!(
            "Le fichier fait {} octets, au-delà de la limite de {} octets pour un catalogue : ce \
             n'est sans doute pas un catalogue d'indicateurs.",
            len, MAX_CATALOGUE_BYTES
        ),
        Location {
            file: Some(file.to_string()),
            ..Default::default()
        },
    )
}

fn finish(cat: Catalogue, file: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    let diags = check(&cat, file);
    if diags.is_empty() {
        Ok(cat)
    } else {
        Err(diags)
    }
}

/// Put serde's English phrases into French (the details, like field names, stay as they are).
pub(crate) fn translate_serde(msg: &str) -> String {
    let pairs = [
        (
            "invalid basic string",
            "chaîne de caractères non fermée ou invalide",
        ),
        ("duplicate key", "clé en double"),
        ("invalid table header", "en-tête de table invalide"),
        (
            "invalid inline table",
            "table en ligne invalide (elle doit tenir sur une ligne)",
        ),
        ("missing field", "champ obligatoire absent :"),
        ("unknown field", "champ inconnu :"),
        ("unknown variant", "valeur inconnue :"),
        ("expected one of", "valeurs attendues :"),
        ("expected", "attendu :"),
        ("invalid type:", "type incorrect :"),
        ("at line", "à la ligne"),
        ("column", "colonne"),
        ("EOF while parsing", "fin de fichier inattendue dans"),
        ("a string", "une chaîne de caractères"),
        ("a sequence", "une liste"),
        ("a map", "une table"),
        ("a boolean", "un booléen"),
        ("an object", "un objet"),
        ("a value", "une valeur"),
        ("an integer", "un entier"),
        ("trailing characters", "caractères en trop après la fin"),
        ("integer", "entier"),
        ("string", "chaîne"),
        ("boolean", "booléen"),
    ];
    let mut out = msg.trim().to_string();
    for (en, fr) in pairs {
        out = out.replace(en, fr);
    }
    out
}

/// Semantic checks of a parsed catalogue. Returns one diagnostic per problem (empty when sound).
pub fn check(cat: &Catalogue, file: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |path: String, indicator: Option<&str>| Location {
        file: Some(file.to_string()),
        path: Some(path),
        indicator: indicator.map(str::to_string),
        ..Default::default()
    };
    let mut err =
        |code: &str, msg: String, loc: Location| out.push(Diagnostic::error(code, msg, loc));

    if cat.id.trim().is_empty() || cat.version.trim().is_empty() {
        err(
            "E-CAT-ID",
            "Le catalogue doit avoir un identifiant (id) et une version non vides.".into(),
            at("id".into(), None),
        );
    }
    if !is_iso_date(&cat.signing.from)
        || cat
            .signing
            .until
            .as_deref()
            .is_some_and(|d| !is_iso_date(d))
    {
        err(
            "E-CAT-DATE",
            "Les dates de signature (signing.from, signing.until) doivent être au format \
             AAAA-MM-JJ."
                .into(),
            at("signing".into(), None),
        );
    }
    let mut seen = HashSet::new();
    for (i, s) in cat.sources.iter().enumerate() {
        if !seen.insert(s.id.as_str()) {
            err(
                "E-CAT-DUPLICATE-SOURCE",
                format!("La source « {} » est déclarée deux fois.", s.id),
                at(format!("sources[{i}].id"), None),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, b) in cat.bases.iter().enumerate() {
        if b.id.trim().is_empty() || b.id.contains('|') || !seen.insert(b.id.as_str()) {
            err(
                "E-CAT-BASE",
                format!(
                    "La base « {} » est sans identifiant valable ou déclarée deux fois.",
                    b.id
                ),
                at(format!("bases[{i}].id"), None),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, e) in cat.engagements.iter().enumerate() {
        if !seen.insert(e.id.as_str()) {
            err(
                "E-CAT-DUPLICATE-ENGAGEMENT",
                format!("L'engagement « {} » est déclaré deux fois.", e.id),
                at(format!("engagements[{i}].id"), None),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, ev) in cat.evaluations.iter().enumerate() {
        let path = format!("evaluations[{i}]");
        if !seen.insert(ev.id.as_str()) || ev.id.trim().is_empty() {
            err(
                "E-CAT-EVALUATION",
                format!(
                    "L'évaluation « {} » est sans identifiant ou déclarée deux fois.",
                    ev.id
                ),
                at(path.clone(), None),
            );
        }
        if ev.first_year < 1 || ev.first_year > ev.last_year || ev.last_year > CONVENTION_YEARS {
            err(
                "E-CAT-EVALUATION",
                format!(
                    "L'évaluation « {} » couvre les années {} à {} : attendu 1 ≤ première ≤ dernière ≤ {CONVENTION_YEARS}.",
                    ev.id, ev.first_year, ev.last_year
                ),
                at(path.clone(), None),
            );
        }
        if cat.source(&ev.source.source).is_none() {
            err(
                "E-CAT-UNKNOWN-SOURCE",
                format!(
                    "L'évaluation « {} » cite la source « {} », absente de [[sources]].",
                    ev.id, ev.source.source
                ),
                at(format!("{path}.source"), None),
            );
        }
    }
    if cat.indicators.is_empty() {
        err(
            "E-CAT-EMPTY",
            "Le catalogue ne contient aucun indicateur.".into(),
            at("indicators".into(), None),
        );
    }
    let mut codes = HashSet::new();
    for (i, ind) in cat.indicators.iter().enumerate() {
        let code = Some(ind.code.as_str());
        let p = |f: &str| format!("indicators[{i}].{f}");
        if ind.code.trim().is_empty() {
            err(
                "E-CAT-CODE",
                "Un indicateur n'a pas de code.".into(),
                at(p("code"), None),
            );
        }
        if !ind.unit_choices.is_empty()
            && (!matches!(
                ind.value,
                ValueKind::Nombre { .. } | ValueKind::Pourcentage { .. }
            ) || ind.unit_choices.len() < 2
                || ind.unit_choices.iter().any(|u| u.trim().is_empty()))
        {
            err(
                "E-CAT-UNIT-CHOICES",
                format!(
                    "{} : unit_choices propose au moins deux unités non vides, et seulement pour \
                     une valeur de type nombre ou pourcentage.",
                    ind.code
                ),
                at(p("unit_choices"), code),
            );
        }
        // A count stated with its percentage, or a count indicator stated as a percentage, needs
        // the stock it is taken of. (The count of a percentage indicator needs none: its
        // denominator may be a flow, the year's attributions.)
        let needs_base = ind.unit_choices.iter().any(|u| {
            matches!(
                (UnitForm::of(u), &ind.value),
                (UnitForm::NombreEtPourcentage(..), _)
                    | (UnitForm::Pourcentage(_), ValueKind::Nombre { .. })
            )
        });
        match &ind.base {
            Some(b) if cat.base(b).is_none() && b != PARC_TOTAL => err(
                "E-CAT-BASE",
                format!(
                    "{} : la base « {b} » n'est pas déclarée dans [[bases]].",
                    ind.code
                ),
                at(p("base"), code),
            ),
            None if needs_base => err(
                "E-CAT-BASE",
                format!(
                    "{} : une unité proposée passe du nombre au pourcentage ; indiquez la base \
                     (base = …) dont le pourcentage est pris.",
                    ind.code
                ),
                at(p("base"), code),
            ),
            _ => {}
        }
        let mut ids = HashSet::new();
        for (k, c) in ind.period_choices.iter().enumerate() {
            let per = &c.periods;
            if c.id.trim().is_empty()
                || !ids.insert(c.id.as_str())
                || (!per.yearly && per.cumulative.is_empty())
                || per
                    .cumulative
                    .iter()
                    .any(|&n| n == 0 || n > CONVENTION_YEARS)
            {
                err(
                    "E-CAT-PERIOD-CHOICES",
                    format!(
                        "{} : chaque périodicité proposée a un identifiant unique et des \
                         échéances (yearly ou cumulative entre 1 et {CONVENTION_YEARS}).",
                        ind.code
                    ),
                    at(p(&format!("period_choices[{k}]")), code),
                );
            }
        }
        if !codes.insert(ind.code.as_str()) {
            err(
                "E-CAT-DUPLICATE-CODE",
                format!(
                    "Le code d'indicateur « {} » apparaît deux fois dans le catalogue.",
                    ind.code
                ),
                at(p("code"), code),
            );
        }
        if ind.label.trim().is_empty() || ind.short_label.trim().is_empty() {
            err(
                "E-CAT-LABEL",
                "L'indicateur doit avoir un libellé officiel (label) et un libellé court.".into(),
                at(p("label"), code),
            );
        }
        if cat.engagement(&ind.engagement).is_none() {
            err(
                "E-CAT-UNKNOWN-ENGAGEMENT",
                format!(
                    "L'engagement « {} » n'est pas déclaré dans la liste des engagements.",
                    ind.engagement
                ),
                at(p("engagement"), code),
            );
        }
        if cat.source(&ind.source.source).is_none() {
            err(
                "E-CAT-UNKNOWN-SOURCE",
                format!(
                    "La source « {} » n'est pas déclarée dans la liste des sources.",
                    ind.source.source
                ),
                at(p("source.source"), code),
            );
        }
        if ind.source.article.trim().is_empty() {
            err(
                "E-CAT-ARTICLE",
                "L'article de référence est vide : indiquez l'article du code ou du texte.".into(),
                at(p("source.article"), code),
            );
        }
        if ind.wording == Wording::AConfirmer && ind.wording_note.is_none() {
            err(
                "E-CAT-WORDING-NOTE",
                "Un libellé « à confirmer » doit dire ce qui reste à vérifier (wording_note)."
                    .into(),
                at(p("wording_note"), code),
            );
        }
        let per = &ind.periods;
        if !per.yearly && per.cumulative.is_empty() && !per.reference {
            err(
                "E-CAT-PERIODS",
                "L'indicateur ne demande aucune période : indiquez yearly, cumulative ou reference."
                    .into(),
                at(p("periods"), code),
            );
        }
        if per
            .cumulative
            .iter()
            .any(|&n| n == 0 || n > CONVENTION_YEARS)
            || per.cumulative.windows(2).any(|w| w[0] >= w[1])
        {
            err(
                "E-CAT-CUMULATIVE",
                format!(
                    "Les échéances cumulées doivent être croissantes et comprises entre 1 et {CONVENTION_YEARS} ans."
                ),
                at(p("periods.cumulative"), code),
            );
        }
        if ind.levels.allowed.is_empty() {
            err(
                "E-CAT-LEVELS",
                "Aucune maille territoriale autorisée (levels.allowed est vide).".into(),
                at(p("levels.allowed"), code),
            );
        }
        if ind
            .levels
            .prefect_request
            .iter()
            .any(|l| ind.levels.allowed.contains(l))
        {
            err(
                "E-CAT-LEVELS",
                "Une maille ne peut être à la fois autorisée d'office et à la demande du préfet."
                    .into(),
                at(p("levels.prefect_request"), code),
            );
        }
        // An indicator fixed for the whole organism may be broken down further only at the
        // prefect's request (CCH art. R. 445-5-1): the organism is then its only level of right.
        if ind.levels.allowed.contains(&Level::Organisme) && ind.levels.allowed.len() > 1 {
            err(
                "E-CAT-LEVELS",
                "Un indicateur fixé à l'échelle de l'organisme n'a pas d'autre maille d'office ; \
                 un détail plus fin ne peut être qu'à la demande du préfet (prefect_request)."
                    .into(),
                at(p("levels"), code),
            );
        }
        if ind.levels.prefect_request.contains(&Level::Organisme) {
            err(
                "E-CAT-LEVELS",
                "L'organisme n'est pas une maille de détail : il ne peut pas être à la demande \
                 du préfet."
                    .into(),
                at(p("levels.prefect_request"), code),
            );
        }
        let mut split_ids = HashSet::new();
        for b in &ind.splits.breakdowns {
            if b.members.len() < 2 {
                err(
                    "E-CAT-BREAKDOWN",
                    format!(
                        "La ventilation « {} » doit avoir au moins deux modalités.",
                        b.id
                    ),
                    at(p("splits.breakdowns"), code),
                );
            }
            let mut members = HashSet::new();
            for m in &b.members {
                if !members.insert(m.code.as_str()) {
                    err(
                        "E-CAT-BREAKDOWN",
                        format!(
                            "La modalité « {} » apparaît deux fois dans « {} ».",
                            m.code, b.id
                        ),
                        at(p("splits.breakdowns"), code),
                    );
                }
            }
            split_ids.insert(b.id.as_str());
        }
        for part in &ind.splits.parts {
            if !split_ids.insert(part.id.as_str()) {
                err(
                    "E-CAT-PART",
                    format!(
                        "L'identifiant de ventilation « {} » est utilisé deux fois.",
                        part.id
                    ),
                    at(p("splits.parts"), code),
                );
            }
        }
        if let Some(b) = &ind.bounds {
            if b.min.zip(b.max).is_some_and(|(lo, hi)| lo > hi) {
                err(
                    "E-CAT-BOUNDS",
                    "La borne minimale dépasse la borne maximale.".into(),
                    at(p("bounds"), code),
                );
            }
            if ind.value.default_bounds().is_none() {
                err(
                    "E-CAT-BOUNDS",
                    "Des bornes ne s'appliquent qu'à une valeur numérique.".into(),
                    at(p("bounds"), code),
                );
            }
        }
        if let Some(n) = ind.max_chars {
            if ind.value != ValueKind::Texte {
                err(
                    "E-CAT-MAX-CHARS",
                    "Une longueur maximale (max_chars) ne s'applique qu'à une valeur de type texte."
                        .into(),
                    at(p("max_chars"), code),
                );
            } else if n == 0 {
                err(
                    "E-CAT-MAX-CHARS",
                    "La longueur maximale d'un texte (max_chars) doit être d'au moins un caractère."
                        .into(),
                    at(p("max_chars"), code),
                );
            }
        }
    }
    out
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u8>().unwrap_or(0))
}

/// The catalogues embedded in the build, in file-name order, parsed and checked once.
/// Panics only if an embedded file is broken, which the test suite rules out.
pub fn embedded() -> Vec<Catalogue> {
    static PARSED: std::sync::OnceLock<Vec<Catalogue>> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| {
            embedded::EMBEDDED
                .iter()
                .map(|(name, json)| match load_json(json, name) {
                    Ok(c) => c,
                    Err(d) => panic!("embedded catalogue {name} is invalid: {d:?}"),
                })
                .collect()
        })
        .clone()
}

/// Names of the embedded catalogue files.
pub fn embedded_files() -> impl Iterator<Item = &'static str> {
    embedded::EMBEDDED.iter().map(|(n, _)| *n)
}

/// The catalogue of this id and version among `cats`: the one lookup of a convention's,
/// an exercise's or a file's catalogue (a tidy test fails when another is written).
pub fn lookup<'a>(cats: &'a [Catalogue], id: &str, version: &str) -> Option<&'a Catalogue> {
    cats.iter().find(|c| c.is(id, version))
}

impl Catalogue {
    /// Is this the catalogue of this id and version?
    pub fn is(&self, id: &str, version: &str) -> bool {
        self.id == id && self.version == version
    }
}

/// The most recent version (latest signing start) of the catalogue with this id.
pub fn latest<'a>(cats: &'a [Catalogue], id: &str) -> Option<&'a Catalogue> {
    cats.iter()
        .filter(|c| c.id == id)
        .max_by(|a, b| a.signing.from.cmp(&b.signing.from))
}

/// Whether a catalogue applies to a convention signed in `year`: its signing period overlaps
/// that calendar year.
pub fn applies_to_year(c: &Catalogue, year: i32) -> bool {
    let year_of = |d: &str| d.get(..4).and_then(|y| y.parse::<i32>().ok());
    let from = year_of(&c.signing.from).unwrap_or(i32::MIN);
    let until = c
        .signing
        .until
        .as_deref()
        .and_then(year_of)
        .unwrap_or(i32::MAX);
    from <= year && year <= until
}

/// The catalogue a signing year implies for a kind of CUS: among those that apply to the year,
/// the one whose signing period started last (the wording in force at the end of the year).
pub fn for_signing_year(cats: &[Catalogue], kind: CusKind, year: i32) -> Option<&Catalogue> {
    cats.iter()
        .filter(|c| c.kind == kind && applies_to_year(c, year))
        .max_by(|a, b| a.signing.from.cmp(&b.signing.from))
}

/// Pick the catalogue of a generation and kind whose signing period contains `signing_date`
/// (ISO `YYYY-MM-DD`), or the latest one of that generation and kind when no date is given.
pub fn select<'a>(
    cats: &'a [Catalogue],
    generation: Generation,
    kind: CusKind,
    signing_date: Option<&str>,
) -> Option<&'a Catalogue> {
    let mut matching: Vec<&Catalogue> = cats
        .iter()
        .filter(|c| c.generation == generation && c.kind == kind)
        .collect();
    matching.sort_by(|a, b| a.signing.from.cmp(&b.signing.from));
    match signing_date {
        None => matching.last().copied(),
        Some(d) => matching.into_iter().rev().find(|c| {
            c.signing.from.as_str() <= d && c.signing.until.as_deref().is_none_or(|u| d <= u)
        }),
    }
}
