//! Rules on the organism signing the convention: the State must know who signs (SIREN with a
//! valid key, raison sociale) and which prefect receives the file (head-office département);
//! the kind is asked for the reader. Each diagnostic is located by a `path` under `organisme.`
//! (the app lists them on its Organisme step), never by a cell.

use super::codes;
use crate::catalogue::Catalogue;
use crate::diagnostic::{Diagnostic, Location};
use crate::geo::Referential;
use crate::organisme::{display_siren, siren_problem, Organisme, SirenProblem};

/// Prefix of the `path` of every organism diagnostic.
pub const PATH_PREFIX: &str = "organisme.";

/// The text saying who receives the file: the prefect of the head-office département. Cited only
/// when the convention's catalogue lists it among its sources (2nd generation).
const TRANSMISSION_SOURCE: &str = "arrete-2017-10-19";
const TRANSMISSION_ARTICLE: &str = "Arrêté du 19 octobre 2017, art. 4";

fn at(field: &str) -> Location {
    Location {
        path: Some(format!("{PATH_PREFIX}{field}")),
        ..Default::default()
    }
}

/// Is this a diagnostic of [`check_organisme`]?
pub fn is_organisme_diagnostic(d: &Diagnostic) -> bool {
    d.location.cell.is_none()
        && d.location
            .path
            .as_deref()
            .is_some_and(|p| p.starts_with(PATH_PREFIX))
}

/// Check the organism. `cat` (the convention's catalogue) decides whether the head-office rule
/// cites the arrêté of 19 October 2017; `geo` whether the head-office code is checked against
/// the départements of the referential.
pub fn check_organisme(
    org: &Organisme,
    cat: Option<&Catalogue>,
    geo: Option<&Referential>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if org.raison_sociale.trim().is_empty() {
        out.push(Diagnostic::error(
            codes::ORG_NAME_MISSING,
            "La raison sociale de l'organisme n'est pas renseignée : saisissez-la à l'étape \
             Organisme. Avec le SIREN, elle dit à l'État quel organisme signe la convention.",
            at("raison_sociale"),
        ));
    }
    let shown = display_siren(org.siren.trim());
    let siren = match siren_problem(&org.siren) {
        None => None,
        Some(SirenProblem::Missing) => Some((
            codes::ORG_SIREN_MISSING,
            "Le SIREN de l'organisme n'est pas renseigné : saisissez ses 9 chiffres à l'étape \
             Organisme. C'est par ce numéro que l'État identifie l'organisme qui signe la \
             convention."
                .to_string(),
        )),
        Some(SirenProblem::NotDigits) => Some((
            codes::ORG_SIREN_INVALID,
            format!(
                "Le SIREN de l'organisme « {shown} » ne doit contenir que des chiffres : \
                 corrigez-le à l'étape Organisme (9 chiffres, sans lettre ni ponctuation)."
            ),
        )),
        Some(SirenProblem::Length(n)) => Some((
            codes::ORG_SIREN_INVALID,
            format!(
                "Le SIREN de l'organisme « {shown} » compte {n} chiffre{} au lieu de 9 : \
                 corrigez-le à l'étape Organisme.",
                if n > 1 { "s" } else { "" }
            ),
        )),
        Some(SirenProblem::Key) => Some((
            codes::ORG_SIREN_INVALID,
            format!(
                "Le SIREN de l'organisme « {shown} » n'est pas valide : sa clé de contrôle \
                 (formule de Luhn) ne correspond pas. Vérifiez à l'étape Organisme qu'aucun \
                 chiffre n'a été inversé ou mal recopié : l'État identifie par ce numéro \
                 l'organisme qui signe."
            ),
        )),
    };
    if let Some((code, message)) = siren {
        out.push(Diagnostic::error(code, message, at("siren")));
    }
    let cite = |d: Diagnostic| match cat.and_then(|c| c.source(TRANSMISSION_SOURCE)) {
        Some(_) => d
            .with_article(TRANSMISSION_ARTICLE)
            .with_source(TRANSMISSION_SOURCE),
        None => d,
    };
    match org.siege_departement.as_deref().map(str::trim) {
        None | Some("") => out.push(cite(Diagnostic::error(
            codes::ORG_SIEGE_MISSING,
            "Le département du siège de l'organisme n'est pas renseigné : choisissez-le à \
             l'étape Organisme. Le fichier des engagements est transmis au préfet de ce \
             département.",
            at("siege_departement"),
        ))),
        Some(d) => {
            if let Some(g) = geo.filter(|g| g.departement(d).is_none()) {
                out.push(cite(Diagnostic::error(
                    codes::ORG_SIEGE_UNKNOWN,
                    format!(
                        "Le département du siège de l'organisme, « {d} », n'est pas un code de \
                         département du référentiel {} : choisissez-le dans la liste à l'étape \
                         Organisme. Le fichier est transmis au préfet de ce département.",
                        g.vintage.year
                    ),
                    at("siege_departement"),
                )));
            }
        }
    }
    if org.kind.is_none() {
        out.push(Diagnostic::warning(
            codes::ORG_KIND_MISSING,
            "Le statut de l'organisme (OPH, ESH, coopérative, SEM…) n'est pas renseigné : \
             choisissez-le à l'étape Organisme. Aucun calcul n'en dépend, mais le service de \
             l'État qui instruit la convention s'y réfère.",
            at("kind"),
        ));
    }
    out
}
