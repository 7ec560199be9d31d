//! Where a link to an indicator's card leads (`#/comprendre/<id>[/<version>]/<code>`): the
//! catalogue named, in the version named or else its current one, and what is wrong with the
//! link when it leads nowhere, in French.

use super::{latest, Catalogue, Indicator};

/// The outcome of following a link to an indicator's card.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CardLookup<'a> {
    /// The card exists.
    Found(&'a Catalogue, &'a Indicator),
    /// The version named is not available: the current version of the catalogue is shown
    /// instead, with the card when it has the code.
    UnknownVersion(&'a Catalogue, Option<&'a Indicator>),
    /// The catalogue (in the version named, or its current one) has no indicator of this code.
    UnknownCode(&'a Catalogue),
    /// No catalogue has this id.
    UnknownCatalogue,
}

/// Follow a link. Without a version (links made before versions were named), the current
/// version of the catalogue, or the latest one that has the code.
pub fn find_card<'a>(
    cats: &'a [Catalogue],
    id: &str,
    version: Option<&str>,
    code: &str,
) -> CardLookup<'a> {
    let Some(current) = latest(cats, id) else {
        return CardLookup::UnknownCatalogue;
    };
    let cat = match version {
        Some(v) => match super::lookup(cats, id, v) {
            Some(c) => c,
            None => return CardLookup::UnknownVersion(current, current.indicator(code)),
        },
        None => {
            let mut with_code: Vec<&Catalogue> = cats
                .iter()
                .filter(|c| c.id == id && c.indicator(code).is_some())
                .collect();
            with_code.sort_by(|a, b| a.signing.from.cmp(&b.signing.from));
            match (current.indicator(code), with_code.last()) {
                (Some(_), _) | (None, None) => current,
                (None, Some(c)) => c,
            }
        }
    };
    match cat.indicator(code) {
        Some(i) => CardLookup::Found(cat, i),
        None => CardLookup::UnknownCode(cat),
    }
}

impl<'a> CardLookup<'a> {
    /// The catalogue to show.
    pub fn catalogue(&self) -> Option<&'a Catalogue> {
        match *self {
            CardLookup::Found(c, _)
            | CardLookup::UnknownVersion(c, _)
            | CardLookup::UnknownCode(c) => Some(c),
            CardLookup::UnknownCatalogue => None,
        }
    }

    /// The card to show.
    pub fn indicator(&self) -> Option<&'a Indicator> {
        match *self {
            CardLookup::Found(_, i) => Some(i),
            CardLookup::UnknownVersion(_, i) => i,
            _ => None,
        }
    }

    /// What is wrong with the link, in French, or `None` when it leads to its card.
    pub fn problem_fr(&self, id: &str, version: Option<&str>, code: &str) -> Option<String> {
        match *self {
            CardLookup::Found(..) => None,
            CardLookup::UnknownVersion(c, i) => Some(format!(
                "La version {} du catalogue « {id} » n'est pas disponible dans cette application : \
                 voici sa version actuelle ({}){}",
                version.unwrap_or_default(),
                c.version,
                match i {
                    Some(_) => format!(", où figure l'indicateur {code}."),
                    None => format!(
                        ", qui n'a pas d'indicateur {code}. Choisissez un indicateur dans la liste \
                         ou cherchez-le dans tous les catalogues."
                    ),
                }
            )),
            CardLookup::UnknownCode(c) => Some(format!(
                "L'indicateur {code} n'existe pas dans ce catalogue ({}, version {}). Vérifiez le \
                 code dans la liste ci-dessous, ou cherchez-le dans tous les catalogues.",
                c.title, c.version
            )),
            CardLookup::UnknownCatalogue => Some(format!(
                "Le catalogue « {id} » n'existe pas dans cette application : l'adresse est peut-être \
                 incomplète, ou le catalogue n'a pas été chargé dans ce navigateur. Choisissez un \
                 catalogue ci-dessous, ou chargez son fichier en bas de la page."
            )),
        }
    }
}
