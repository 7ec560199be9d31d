//! Rules on territories and segmentation. Each returns diagnostics with a stable code, a French
//! message saying what to do, the location and, when a text is the basis, the article as cited by
//! the catalogue data (never hard-coded here).

use std::collections::HashSet;

use super::{Convention, LevelOption, TerritoryKey};
use crate::catalogue::{Catalogue, Level, Requirement};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::geo::Referential;

fn at_territory(label: String) -> Location {
    Location {
        territory: Some(label),
        ..Default::default()
    }
}

fn at_indicator(code: &str, territory: Option<String>) -> Location {
    Location {
        indicator: Some(code.to_string()),
        territory,
        ..Default::default()
    }
}

/// "article R. 445-5-1 du CCH" from a citation "CCH, art. R. 445-5-1" (as is otherwise).
fn article_phrase(citation: &str) -> String {
    match citation.split_once(", art. ") {
        Some((code, article)) => format!("article {article} du {code}"),
        None => citation.replace("art. ", "article "),
    }
}

/// Check the declared territories, the segments and the level chosen per indicator.
pub fn check_segmentation(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_territories(conv, geo, &mut out);
    check_segments(conv, geo, &mut out);
    check_levels(conv, cat, geo, &mut out);
    out
}

fn check_territories(conv: &Convention, geo: Option<&Referential>, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for d in &conv.departements {
        if !seen.insert(d.as_str()) {
            out.push(Diagnostic::error(
                "E-TERR-DUPLICATE",
                format!("Le département {d} est déclaré deux fois : supprimez le doublon."),
                at_territory(format!("département {d}")),
            ));
        }
        if let Some(g) = geo {
            if g.departement(d).is_none() {
                out.push(Diagnostic::error(
                    "E-TERR-UNKNOWN",
                    format!(
                        "« {d} » n'est pas un code de département du référentiel {} : choisissez \
                         le département dans la liste.",
                        g.vintage.year
                    ),
                    at_territory(format!("département {d}")),
                ));
            }
        }
    }
    let mut seen = HashSet::new();
    for e in &conv.epci {
        let label = conv.territory_label(&TerritoryKey::Epci(e.clone()), geo);
        if !seen.insert(e.as_str()) {
            out.push(Diagnostic::error(
                "E-TERR-DUPLICATE",
                format!("L'EPCI {label} (SIREN {e}) est déclaré deux fois : supprimez le doublon."),
                at_territory(label.clone()),
            ));
        }
        let Some(g) = geo else { continue };
        match g.epci(e) {
            None => out.push(Diagnostic::error(
                "E-TERR-UNKNOWN",
                format!(
                    "Le SIREN {e} n'est pas celui d'un EPCI ou EPT du référentiel {} : choisissez \
                     l'EPCI dans la liste.",
                    g.vintage.year
                ),
                at_territory(label),
            )),
            Some(epci) => {
                if !epci
                    .departements
                    .iter()
                    .any(|d| conv.departements.contains(d))
                {
                    out.push(Diagnostic::error(
                        "E-TERR-EPCI-OUTSIDE",
                        format!(
                            "L'EPCI {} s'étend sur le(s) département(s) {} dont aucun n'est \
                             déclaré : ajoutez le département où l'organisme a du patrimoine, ou \
                             retirez cet EPCI.",
                            epci.nom,
                            epci.departements.join(", ")
                        ),
                        at_territory(label),
                    ));
                }
            }
        }
    }
}

fn check_segments(conv: &Convention, geo: Option<&Referential>, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for s in &conv.segments {
        let loc = at_territory(format!("segment {}", s.id));
        if s.id.trim().is_empty() || s.name.trim().is_empty() {
            out.push(Diagnostic::error(
                "E-SEG-SEGMENT-NAME",
                "Chaque segment de patrimoine doit avoir un identifiant et un nom.",
                loc.clone(),
            ));
        }
        if !seen.insert(s.id.as_str()) {
            out.push(Diagnostic::error(
                "E-TERR-DUPLICATE",
                format!(
                    "L'identifiant de segment « {} » est utilisé deux fois.",
                    s.id
                ),
                loc.clone(),
            ));
        }
        if !conv.departements.contains(&s.departement) {
            out.push(Diagnostic::error(
                "E-SEG-SEGMENT-DEPARTEMENT",
                format!(
                    "Le segment « {} » est situé dans le département {}, qui n'est pas déclaré : \
                     ajoutez ce département aux territoires.",
                    s.name, s.departement
                ),
                loc.clone(),
            ));
        }
        if s.zus {
            if let Some(d) = geo.and_then(|g| g.departement(&s.departement)) {
                if !d.zus {
                    out.push(Diagnostic::warning(
                        "W-ZUS-NONE",
                        format!(
                            "Le segment « {} » est déclaré en ZUS, mais le département {} ne \
                             compte aucune commune en ZUS (décret n° 96-1156) : vérifiez la \
                             localisation du segment.",
                            s.name, d.nom
                        ),
                        loc,
                    ));
                }
            }
        }
    }
}

fn check_levels(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    out: &mut Vec<Diagnostic>,
) {
    for code in conv.segmentation.keys() {
        if cat.indicator(code).is_none() {
            out.push(Diagnostic::error(
                "E-SEG-UNKNOWN-INDICATOR",
                format!(
                    "L'indicateur « {code} » n'existe pas dans le catalogue {} version {} : \
                     retirez ce choix ou changez de catalogue.",
                    cat.id, cat.version
                ),
                at_indicator(code, None),
            ));
        }
    }
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        let (article, source) = (cat.citation(ind), &ind.source.source);
        let levels = conv.levels(ind);
        let default = ind.levels.allowed.first().copied();
        for level in &levels {
            if ind.levels.prefect_request.contains(level) {
                let of_right = match default {
                    Some(Level::Organisme) | None => {
                        "l'engagement est fixé pour l'ensemble de l'organisme".to_string()
                    }
                    Some(d) => format!("l'engagement est décliné d'office par {}", d.label_fr()),
                };
                out.push(
                    Diagnostic::new(
                        "I-SEG-PREFECT-LEVEL",
                        Severity::Info,
                        format!(
                            "Détail par {} retenu pour {} : {of_right} ; il n'est décliné par {} \
                             qu'à la demande du préfet signataire ({article}).",
                            level.label_fr(),
                            ind.code,
                            level.label_fr(),
                        ),
                        at_indicator(&ind.code, None),
                    )
                    .with_article(article.clone())
                    .with_source(source.clone()),
                );
            } else if !ind.levels.allowed.contains(level) {
                let allowed: Vec<&str> = ind
                    .levels
                    .allowed
                    .iter()
                    .chain(&ind.levels.prefect_request)
                    .map(|l| l.label_fr())
                    .collect();
                out.push(
                    Diagnostic::error(
                        "E-SEG-LEVEL-NOT-ALLOWED",
                        format!(
                            "L'indicateur {} ne se décline pas à la maille {} ; mailles possibles : \
                             {}.",
                            ind.code,
                            level.label_fr(),
                            allowed.join(", ")
                        ),
                        at_indicator(&ind.code, None),
                    )
                    .with_article(article.clone())
.with_source(source.clone()),
                );
            }
        }
        // A commitment fixed for the organism, broken down at the prefect's request, without
        // its organism row: a convention saved when the catalogue set the département by
        // default (PP-5, PS-3 before they followed R. 445-5-1). Its rows and values are kept.
        if let Some(d) = default.filter(|d| {
            !levels.is_empty()
                && !levels.contains(d)
                && levels
                    .iter()
                    .all(|l| ind.levels.prefect_request.contains(l))
        }) {
            let detail: Vec<&str> = levels.iter().map(|l| l.label_fr()).collect();
            let detail = detail.join(" et par ");
            let option = LevelOption {
                levels: std::iter::once(d).chain(levels.iter().copied()).collect(),
                prefect_request: true,
            };
            let (without, rule, add) = match d {
                Level::Organisme => (
                    "sans ligne pour l'organisme".to_string(),
                    "l'engagement est fixé pour l'organisme".to_string(),
                    "la ligne de l'organisme".to_string(),
                ),
                d => (
                    format!("sans ligne par {}", d.label_fr()),
                    format!("l'engagement est décliné par {}", d.label_fr()),
                    format!("les lignes par {}", d.label_fr()),
                ),
            };
            out.push(
                Diagnostic::new(
                    "I-SEG-DEFAULT-LEVEL-MISSING",
                    Severity::Info,
                    format!(
                        "{} est décliné par {detail} {without} : selon l'{}, {rule}, et par \
                         {detail} à la demande du préfet. Valeurs conservées ; pour ajouter \
                         {add}, choisissez « {} ».",
                        ind.code,
                        article_phrase(&article),
                        option.label_fr()
                    ),
                    at_indicator(&ind.code, None),
                )
                .with_article(article.clone())
                .with_source(source.clone()),
            );
        }
        let rows = conv.rows(ind, geo);
        let organism_rows = rows
            .iter()
            .filter(|r| **r == TerritoryKey::Organisme)
            .count();
        if levels.contains(&Level::Organisme)
            && (organism_rows > 1 || (levels.len() == 1 && rows.len() > 1))
        {
            out.push(
                Diagnostic::error(
                    "E-SEG-ORGANISME-MULTI",
                    if levels.len() == 1 {
                        format!(
                            "L'indicateur {} est mesuré à l'échelle de l'organisme : il n'a \
                             qu'une ligne, pas {} ; supprimez les lignes territoriales.",
                            ind.code,
                            rows.len()
                        )
                    } else {
                        format!(
                            "L'indicateur {} a une seule ligne « Ensemble de l'organisme », pas \
                             {organism_rows} ; supprimez les doublons.",
                            ind.code
                        )
                    },
                    at_indicator(&ind.code, None),
                )
                .with_article(article.clone())
                .with_source(source.clone()),
            );
        }
        if rows.is_empty() {
            let what = match levels.first() {
                Some(Level::Epci) => "déclarez les EPCI ou EPT concernés à l'étape Territoires",
                Some(Level::Segment) => "définissez les segments de patrimoine",
                _ => "déclarez au moins un département à l'étape Territoires",
            };
            out.push(
                Diagnostic::error(
                    "E-SEG-NO-ROW",
                    format!(
                        "L'indicateur {} n'a aucune ligne à remplir : {what}.",
                        ind.code
                    ),
                    at_indicator(&ind.code, None),
                )
                .with_article(article.clone())
                .with_source(source.clone()),
            );
        }
        // Derived rows repeat a duplicated declaration, already reported above: check explicit ones.
        let explicit = conv
            .segmentation
            .get(&ind.code)
            .is_some_and(|s| s.rows.is_some());
        let mut seen = HashSet::new();
        for r in rows.iter().filter(|_| explicit) {
            if !seen.insert(r) {
                out.push(Diagnostic::error(
                    "E-TERR-DUPLICATE",
                    format!(
                        "La ligne {} apparaît deux fois pour {}.",
                        conv.territory_label(r, geo),
                        ind.code
                    ),
                    at_indicator(&ind.code, Some(conv.territory_label(r, geo))),
                ));
            }
        }
        if ind.requirement == Requirement::Obligatoire && levels.contains(&Level::Departement) {
            for d in &conv.departements {
                let key = TerritoryKey::Departement(d.clone());
                if !rows.contains(&key) {
                    out.push(
                        Diagnostic::error(
                            "E-SEG-MISSING-DEPARTEMENT",
                            format!(
                                "L'organisme a du patrimoine dans le département {d} mais \
                                 l'indicateur obligatoire {} n'y a pas de ligne : ajoutez-la.",
                                ind.code
                            ),
                            at_indicator(&ind.code, Some(conv.territory_label(&key, geo))),
                        )
                        .with_article(article.clone())
                        .with_source(source.clone()),
                    );
                }
            }
        }
    }
}
