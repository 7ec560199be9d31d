//! The complements read back (columns `rubrique`, `cle`, `contenu`): the organism's choices
//! first ([`read_choices`]: they decide which cells exist), then the rest of the convention
//! ([`read_complements`]).

use std::collections::{BTreeMap, HashMap};

use cus_core::catalogue::{Catalogue, Level};
use cus_core::convention::{
    is_date, Achievements, Cell, Complementary, ComplementaryUnit, Convention,
    IndicatorSegmentation, Justification, Origin, Segment, TerritoryKey, Value, Values,
};
use cus_core::organisme::OrganismeKind;

use crate::choices::{
    parse_base_key, parse_kind, parse_level_word, parse_measure, parse_periods_words,
};
use crate::import::{codes, CellChecker, Problems};

use super::*;

/// A complement read (columns `rubrique`, `cle`, `contenu`), with its line.
pub(super) struct ComplementIn {
    pub(super) line: usize,
    pub(super) rubrique: String,
    pub(super) key: String,
    pub(super) content: String,
}

/// A text stated once, with its line.
type Stated1 = (String, usize);

/// What the complements of a file state.
#[derive(Default)]
pub(super) struct Stated {
    pub(super) name: Option<String>,
    pub(super) raison: Option<String>,
    pub(super) kind: Option<OrganismeKind>,
    pub(super) siege: Option<String>,
    pub(super) departements: Vec<String>,
    pub(super) epci: Vec<String>,
    pub(super) segments: Vec<Segment>,
    /// By indicator code, with the line that states it.
    pub(super) segmentation: BTreeMap<String, (IndicatorSegmentation, usize)>,
    /// Indicator codes whose rows are fixed, with their line.
    pub(super) explicit_rows: Vec<(String, usize)>,
    pub(super) stock: BTreeMap<String, f64>,
    pub(super) acknowledged: BTreeMap<String, String>,
    /// Unknown rubriques, with their line.
    pub(super) ignored: Vec<(String, usize)>,
    /// Date and label of the signature, with their line.
    pub(super) signature: (Option<Stated1>, Option<Stated1>),
    /// By number (from 1): date, label, values, and the first line naming it.
    pub(super) versions: BTreeMap<usize, (Option<String>, Option<String>, Values, usize)>,
    pub(super) achievements: Achievements,
    /// Achievements lines were read (an evaluation line is then required).
    pub(super) achievement_line: Option<usize>,
    pub(super) evaluation_line: Option<usize>,
    /// Causes and comments of justifications, with their line, joined to their origin at the end.
    pub(super) causes: Vec<(String, String, usize)>,
    pub(super) comments: Vec<(String, String, usize)>,
}

/// The organism's choices a file states (format 3, and the units of format 2), read before the
/// cells are checked: they decide which cells exist (`Convention::view`).
#[derive(Default)]
pub(super) struct Choices {
    pub(super) units: BTreeMap<String, String>,
    pub(super) periodicity: BTreeMap<String, String>,
    pub(super) part_units: BTreeMap<String, String>,
    pub(super) bases: BTreeMap<String, BTreeMap<String, f64>>,
    pub(super) complementary: Vec<Complementary>,
}

impl Choices {
    /// A convention that states only these choices, to take the view of the catalogue from.
    pub(super) fn convention(&self) -> Convention {
        Convention {
            units: self.units.clone(),
            periodicity: self.periodicity.clone(),
            part_units: self.part_units.clone(),
            bases: self.bases.clone(),
            complementary: self.complementary.clone(),
            ..Default::default()
        }
    }
}

/// The code of an indicator the organism added, as a complement key gives it.
pub(super) fn complementary_code(key: &str) -> &str {
    key.strip_prefix('\'').unwrap_or(key).trim()
}

/// Read the choices of the complements, wherever they are in the file (before or after the
/// lines of cells: every line is read before any cell is checked).
pub(super) fn read_choices(list: &[ComplementIn], p: &mut Problems) -> Choices {
    let mut ch = Choices::default();
    // The line of each choice already stated (rubrique, key), to report a contradiction.
    let mut first: HashMap<(&str, &str), (usize, &str)> = HashMap::new();
    // Of each indicator added: its line, and whether its periods were given.
    let mut added: Vec<(usize, bool)> = Vec::new();
    for c in list {
        let line = c.line;
        let rubrique = c.rubrique.to_lowercase();
        if !CHOICE_RUBRIQUES.contains(&rubrique.as_str()) {
            continue;
        }
        let fail = |p: &mut Problems, column: &str, msg: String| {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!("Ligne {line}, colonne « {column} » : {msg}"),
                loc,
            );
        };
        let text = |f: &'_ str| -> String { f.strip_prefix('\'').unwrap_or(f).to_string() };
        let (key, content) = (text(&c.key), text(&c.content));
        if matches!(
            rubrique.as_str(),
            R_UNIT | R_PERIODICITY | R_PART_UNIT | R_BASE
        ) {
            match first.get(&(rubrique_static(&rubrique), c.key.as_str())) {
                Some((l, before)) if *before != c.content.as_str() => {
                    fail(
                        p,
                        "contenu",
                        format!(
                            "« {content} » alors que la ligne {l} indique « {} » pour la \
                             rubrique « {rubrique} » et la clé « {key} » ; gardez une seule de \
                             ces lignes.",
                            before.strip_prefix('\'').unwrap_or(before)
                        ),
                    );
                    continue;
                }
                Some(_) => continue,
                None => {
                    first.insert(
                        (rubrique_static(&rubrique), c.key.as_str()),
                        (line, c.content.as_str()),
                    );
                }
            }
        }
        match rubrique.as_str() {
            R_UNIT => {
                ch.units.insert(key, content);
            }
            R_PERIODICITY => {
                ch.periodicity.insert(key, content);
            }
            R_PART_UNIT => {
                ch.part_units.insert(key, content);
            }
            R_BASE => {
                let Some((base, territory)) = parse_base_key(&key) else {
                    fail(
                        p,
                        "cle",
                        format!(
                            "« {key} » : attendu l'identifiant de la base, | et la clé du \
                             territoire (parc-fg|departement:59)."
                        ),
                    );
                    continue;
                };
                match read_value(&c.content) {
                    Some(Value::Number(n)) => {
                        ch.bases
                            .entry(base.to_string())
                            .or_default()
                            .insert(territory.to_string(), n);
                    }
                    _ => fail(
                        p,
                        "contenu",
                        format!(
                            "« {content} » n'est pas un nombre (base « {base} », territoire \
                             « {territory} »)."
                        ),
                    ),
                }
            }
            R_COMPL => {
                ch.complementary.push(Complementary {
                    code: complementary_code(&c.key).to_string(),
                    label: content,
                    kind: ComplementaryUnit::default(),
                    unit: String::new(),
                    periods: cus_core::catalogue::Periodicity {
                        yearly: false,
                        cumulative: Vec::new(),
                        reference: false,
                    },
                    level: Level::Organisme,
                    measure: Default::default(),
                });
                added.push((line, false));
            }
            _ => {
                // A detail of the last indicator added of this code, declared before it.
                let code = complementary_code(&c.key);
                let Some(i) = ch.complementary.iter().rposition(|x| x.code == code) else {
                    fail(
                        p,
                        "cle",
                        format!(
                            "l'indicateur complémentaire « {code} » n'a pas de ligne « {R_COMPL} » \
                             avant celle-ci : ajoutez-la (clé : son code, contenu : son libellé)."
                        ),
                    );
                    continue;
                };
                let x = &mut ch.complementary[i];
                let read = match rubrique.as_str() {
                    R_COMPL_KIND => parse_kind(&content).map(|k| x.kind = k),
                    R_COMPL_UNIT => {
                        x.unit = content;
                        Ok(())
                    }
                    R_COMPL_PERIODS => parse_periods_words(&content).map(|per| {
                        x.periods = per;
                        added[i].1 = true;
                    }),
                    R_COMPL_LEVEL => parse_level_word(&content).map(|l| x.level = l),
                    _ => parse_measure(&content).map(|m| x.measure = m),
                };
                if let Err(msg) = read {
                    fail(
                        p,
                        "contenu",
                        format!("{msg} (indicateur complémentaire « {code} »)."),
                    );
                }
            }
        }
    }
    for (x, (line, periods)) in ch.complementary.iter().zip(&added) {
        if !periods {
            let mut loc = p.at();
            loc.line = Some(*line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!(
                    "Ligne {line}, colonne « rubrique » : l'indicateur complémentaire « {} » n'a \
                     pas de ligne « {R_COMPL_PERIODS} » (ses échéances : par-annee, c3, c6, ref \
                     joints par +) : ajoutez-la.",
                    x.code
                ),
                loc,
            );
        }
    }
    ch
}

/// The rubrique among the choice rubriques (a `&'static str` to key the map of lines).
fn rubrique_static(r: &str) -> &'static str {
    CHOICE_RUBRIQUES
        .iter()
        .find(|c| **c == r)
        .copied()
        .unwrap_or("")
}

/// Read the complements (columns `rubrique`, `cle`, `contenu`).
pub(super) fn read_complements<'c>(
    list: &'c [ComplementIn],
    cat: &Catalogue,
    p: &mut Problems,
) -> Stated {
    let mut st = Stated::default();
    let checker = CellChecker::new(cat);
    // The line of each text already stated (rubrique, key), to report a contradiction.
    let mut first: HashMap<(&str, &str), (usize, &str)> = HashMap::new();
    for c in list {
        let line = c.line;
        let loc = |p: &Problems| {
            let mut loc = p.at();
            loc.line = Some(line);
            loc
        };
        let fail = |p: &mut Problems, code: &str, column: &str, msg: String| {
            let loc = loc(p);
            p.error(
                code,
                format!("Ligne {line}, colonne « {column} » : {msg}"),
                loc,
            );
        };
        let rubrique = c.rubrique.to_lowercase();
        // `cle` and `contenu` are texts written by the rule of the `valeur` column: one leading
        // apostrophe marks a text (`'01`, `'=x`).
        let text = |f: &'c str| -> &'c str { f.strip_prefix('\'').unwrap_or(f) };
        let (key, content) = (text(&c.key), text(&c.content));
        // A rubrique stated twice must say the same thing (the last one is kept otherwise).
        let once = matches!(
            rubrique.as_str(),
            R_NAME
                | R_RAISON
                | R_KIND
                | R_SIEGE
                | R_STOCK
                | R_ACK
                | R_SIG_DATE
                | R_SIG_LABEL
                | R_VERSION_DATE
                | R_VERSION_LABEL
                | R_VERSION_VALUE
                | R_EVALUATION
                | R_ACHIEVED
                | R_NUMERATOR
                | R_DENOMINATOR
                | R_JUSTIFICATION
                | R_CAUSE
                | R_COMMENT
        );
        if once {
            match first.get(&(c.rubrique.as_str(), key)) {
                Some((l, text)) if *text != content => {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!(
                            "« {content} » alors que la ligne {l} indique « {text} » pour la \
                             rubrique « {rubrique} »{} ; gardez une seule de ces lignes.",
                            if key.is_empty() {
                                String::new()
                            } else {
                                format!(" et la clé « {key} »")
                            }
                        ),
                    );
                    continue;
                }
                Some(_) => continue,
                None => {
                    first.insert((c.rubrique.as_str(), key), (line, content));
                }
            }
        }
        match rubrique.as_str() {
            R_NAME => st.name = Some(content.to_string()),
            R_RAISON => st.raison = Some(content.to_string()),
            R_KIND => match OrganismeKind::ALL
                .into_iter()
                .find(|k| kind_word(*k) == content.trim())
            {
                Some(k) => st.kind = Some(k),
                None => fail(
                    p,
                    codes::CSV_COMPLEMENT,
                    "contenu",
                    format!(
                        "catégorie d'organisme « {content} » inconnue ; attendu oph, esh, \
                         cooperative, sem ou autre."
                    ),
                ),
            },
            R_SIEGE => st.siege = Some(content.trim().to_string()),
            R_TERRITORY => match key.trim().parse::<TerritoryKey>() {
                Ok(TerritoryKey::Departement(d)) => st.departements.push(d),
                Ok(TerritoryKey::Epci(e)) => st.epci.push(e),
                _ => fail(
                    p,
                    codes::TERRITORY,
                    "cle",
                    format!(
                        "« {key} » n'est pas un département ni un EPCI déclarable (attendu par \
                         exemple departement:59 ou epci:200093201)."
                    ),
                ),
            },
            R_SEGMENT => st.segments.push(Segment {
                id: key.to_string(),
                name: content.to_string(),
                ..Default::default()
            }),
            R_SEGMENT_DEP | R_SEGMENT_ZUS | R_SEGMENT_CAT => {
                let zus = match read_value(&c.content) {
                    Some(Value::Bool(b)) => Some(b),
                    None => Some(false),
                    _ => None,
                };
                let segment = st.segments.iter_mut().rev().find(|s| s.id == key);
                match (segment, rubrique.as_str(), zus) {
                    (None, ..) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "le segment « {key} » n'a pas de ligne « {R_SEGMENT} » avant celle-ci \
                             : ajoutez-la (clé : l'identifiant du segment, contenu : son nom)."
                        ),
                    ),
                    (Some(s), R_SEGMENT_DEP, _) => s.departement = content.trim().to_string(),
                    (Some(s), R_SEGMENT_CAT, _) => s.category = Some(content.to_string()),
                    (Some(s), _, Some(z)) => s.zus = z,
                    (Some(_), _, None) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!("« {content} » : attendu « oui » ou « non » (segment en ZUS)."),
                    ),
                }
            }
            R_SEGMENTATION => {
                let code = key.trim();
                if cat.indicator(code).is_none() {
                    fail(
                        p,
                        codes::INDICATOR_UNKNOWN,
                        "cle",
                        format!(
                            "l'indicateur « {code} » n'existe pas dans le catalogue « {} » \
                             version {}.",
                            cat.id, cat.version
                        ),
                    );
                    continue;
                }
                let levels: Option<Vec<Level>> = if content.trim().is_empty() {
                    Some(Vec::new())
                } else {
                    content.split('+').map(parse_level).collect()
                };
                let Some(levels) = levels else {
                    fail(
                        p,
                        codes::LEVEL,
                        "contenu",
                        format!(
                            "« {content} » n'est pas une maille ; attendu organisme, region, \
                             departement, epci ou segment, éventuellement combinés par + \
                             (departement+epci)."
                        ),
                    );
                    continue;
                };
                if let Some((_, l)) = st.segmentation.get(code) {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "la maille de {code} est déjà donnée ligne {l} ; gardez une seule \
                             de ces lignes."
                        ),
                    );
                    continue;
                }
                st.segmentation.insert(
                    code.to_string(),
                    (IndicatorSegmentation { levels, rows: None }, line),
                );
            }
            R_ROWS => st.explicit_rows.push((key.trim().to_string(), line)),
            R_STOCK => match read_value(&c.content) {
                Some(Value::Number(n)) => {
                    st.stock.insert(key.to_string(), n);
                }
                _ => fail(
                    p,
                    codes::CSV_COMPLEMENT,
                    "contenu",
                    format!(
                        "« {content} » n'est pas un nombre de logements (territoire « {key} »)."
                    ),
                ),
            },
            R_ACK => {
                st.acknowledged.insert(key.to_string(), content.to_string());
            }
            // Read before the cells (`read_choices`).
            r if CHOICE_RUBRIQUES.contains(&r) => {}
            R_SIG_DATE | R_VERSION_DATE if !is_date(content.trim()) => fail(
                p,
                codes::CSV_COMPLEMENT,
                "contenu",
                format!(
                    "« {content} » n'est pas une date de signature ; attendu AAAA-MM-JJ (par \
                     exemple 2021-03-15)."
                ),
            ),
            R_SIG_DATE => st.signature.0 = Some((content.trim().to_string(), line)),
            R_SIG_LABEL => st.signature.1 = Some((content.to_string(), line)),
            R_VERSION_DATE | R_VERSION_LABEL | R_VERSION_VALUE => {
                let (n, cell) = match rubrique.as_str() {
                    R_VERSION_VALUE => match key.split_once('|') {
                        Some((n, cell)) => (n, Some(cell)),
                        None => (key, None),
                    },
                    _ => (key, None),
                };
                let Some(n) = n
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                else {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "« {key} » : le numéro de la version remplacée est attendu (1 pour \
                             la plus ancienne){}.",
                            if rubrique == R_VERSION_VALUE {
                                ", suivi de | et de la clé de la cellule (1|PP-1|departement:59|PLAI|c3)"
                            } else {
                                ""
                            }
                        ),
                    );
                    continue;
                };
                let version = st
                    .versions
                    .entry(n)
                    .or_insert_with(|| (None, None, Values::new(), line));
                match (rubrique.as_str(), cell) {
                    (R_VERSION_DATE, _) => version.0 = Some(content.trim().to_string()),
                    (R_VERSION_LABEL, _) => version.1 = Some(content.to_string()),
                    (_, None) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "« {key} » : attendu le numéro de la version, | et la clé de la \
                             cellule (1|PP-1|departement:59|PLAI|c3)."
                        ),
                    ),
                    (_, Some(cell)) => {
                        let problem = match Cell::parse_key(cell).filter(|c| c.key() == cell) {
                            None => Some((
                                codes::CELL_KEY,
                                format!(
                                    "« {cell} » n'est pas une clé de cellule \
                                     (indicateur|territoire|répartition|période)."
                                ),
                            )),
                            Some(c) => checker.problem(&c),
                        };
                        match (problem, read_value(&c.content)) {
                            (Some((code, msg)), _) => fail(p, code, "cle", msg),
                            (None, Some(v)) => {
                                version.2.insert(cell.to_string(), v);
                            }
                            (None, None) => {
                                version
                                    .2
                                    .insert(cell.to_string(), Value::Text(String::new()));
                            }
                        }
                    }
                }
            }
            R_EVALUATION => {
                st.achievements.evaluation = content.trim().to_string();
                st.evaluation_line = Some(line);
            }
            R_ACHIEVED | R_NUMERATOR | R_DENOMINATOR | R_JUSTIFICATION | R_CAUSE | R_COMMENT => {
                st.achievement_line.get_or_insert(line);
                let justification =
                    matches!(rubrique.as_str(), R_JUSTIFICATION | R_CAUSE | R_COMMENT);
                if let Some((code, msg)) = checker.achievement_problem(key.trim(), justification) {
                    fail(p, code, "cle", msg);
                    continue;
                }
                let key = key.trim().to_string();
                let number = match read_value(&c.content) {
                    Some(Value::Number(n)) => Some(Some(n)),
                    None => Some(None),
                    _ => None,
                };
                let ach = &mut st.achievements;
                match (rubrique.as_str(), number) {
                    (R_ACHIEVED, Some(Some(n))) => {
                        ach.values.insert(key, n);
                    }
                    (R_NUMERATOR, Some(n)) => ach.terms.entry(key).or_default().numerator = n,
                    (R_DENOMINATOR, Some(n)) => ach.terms.entry(key).or_default().denominator = n,
                    (R_ACHIEVED | R_NUMERATOR | R_DENOMINATOR, _) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!(
                            "« {content} » n'est pas un nombre ({} de la cellule {key}).",
                            match rubrique.as_str() {
                                R_ACHIEVED => "réalisation",
                                R_NUMERATOR => "numérateur",
                                _ => "dénominateur",
                            }
                        ),
                    ),
                    (R_JUSTIFICATION, _) => {
                        let origin = match content.trim() {
                            "organisme" => Origin::Organisme,
                            "exterieur" => Origin::Exterieur,
                            _ => {
                                fail(
                                    p,
                                    codes::CSV_COMPLEMENT,
                                    "contenu",
                                    format!(
                                        "origine de l'écart « {content} » inconnue ; attendu \
                                         organisme (du fait de l'organisme) ou exterieur \
                                         (causes extérieures)."
                                    ),
                                );
                                continue;
                            }
                        };
                        ach.justifications.insert(
                            key,
                            Justification {
                                origin,
                                cause: None,
                                comment: String::new(),
                            },
                        );
                    }
                    (R_CAUSE, _) => st.causes.push((key, content.trim().to_string(), line)),
                    _ => st.comments.push((key, content.to_string(), line)),
                }
            }
            _ => st.ignored.push((c.rubrique.clone(), line)),
        }
    }
    // Causes and comments join the origin of their justification.
    for (list, cause) in [
        (std::mem::take(&mut st.causes), true),
        (std::mem::take(&mut st.comments), false),
    ] {
        for (key, content, line) in list {
            match st.achievements.justifications.get_mut(&key) {
                Some(j) if cause => j.cause = Some(content),
                Some(j) => j.comment = content,
                None => {
                    let mut loc = p.at();
                    loc.line = Some(line);
                    p.error(
                        codes::CSV_COMPLEMENT,
                        format!(
                            "Ligne {line}, colonne « cle » : la justification de « {key} » n'a \
                             pas de ligne « {R_JUSTIFICATION} » donnant l'origine de l'écart \
                             (organisme ou exterieur) : ajoutez-la."
                        ),
                        loc,
                    );
                }
            }
        }
    }
    if let (Some(line), None) = (st.achievement_line, st.evaluation_line) {
        let mut loc = p.at();
        loc.line = Some(line);
        p.error(
            codes::CSV_COMPLEMENT,
            format!(
                "Ligne {line}, colonne « rubrique » : des réalisations sont données sans la \
                 rubrique « {R_EVALUATION} » qui dit à quelle évaluation elles servent \
                 (par exemple mi-parcours) : ajoutez-la."
            ),
            loc,
        );
    }
    match st.signature {
        (Some(_), Some(_)) | (None, None) => {}
        (Some((_, line)), None) | (None, Some((_, line))) => {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!(
                    "Ligne {line}, colonne « rubrique » : la signature a besoin de deux lignes, \
                     « {R_SIG_DATE} » et « {R_SIG_LABEL} » ; l'une manque."
                ),
                loc,
            );
        }
    }
    for (expected, (n, (date, _, _, line))) in st.versions.iter().enumerate() {
        let line = *line;
        let problem = if *n != expected + 1 {
            Some(format!(
                "version remplacée n° {n} alors que la version n° {} manque ; les versions sont \
                 numérotées à partir de 1, sans trou.",
                expected + 1
            ))
        } else if date.is_none() {
            Some(format!(
                "la version remplacée n° {n} n'a pas de ligne « {R_VERSION_DATE} » (date de sa \
                 signature) : ajoutez-la."
            ))
        } else {
            None
        };
        if let Some(msg) = problem {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!("Ligne {line}, colonne « cle » : {msg}"),
                loc,
            );
        }
    }
    st
}
