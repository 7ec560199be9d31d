//! The organism rules (`rules::check_organisme`, part of `rules::validate`): a table of organisms
//! and the codes they give, the same codes through a full validation of a sample, the citation
//! of the head-office rule only where the catalogue lists the text, and the incremental
//! `Validator` kept exact by organism edits (undo included).

use cus_core::catalogue::{embedded, latest, Catalogue};
use cus_core::convention::{Convention, Edit, History, Touched};
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::geo;
use cus_core::organisme::{Organisme, OrganismeKind};
use cus_core::rules::{self, codes, Validator};

/// (what, raison sociale, SIREN, kind, head-office département, expected codes).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Option<OrganismeKind>,
    Option<&'static str>,
    &'static [&'static str],
);

const ESH: Option<OrganismeKind> = Some(OrganismeKind::Esh);

const TABLE: &[Row] = &[
    ("complet", "Logis Essai", "988041729", ESH, Some("59"), &[]),
    (
        "rien de saisi",
        "",
        "",
        None,
        None,
        &[
            codes::ORG_NAME_MISSING,
            codes::ORG_SIREN_MISSING,
            codes::ORG_SIEGE_MISSING,
            codes::ORG_KIND_MISSING,
        ],
    ),
    (
        "clé de contrôle fausse (dernier chiffre)",
        "Logis Essai",
        "988041728",
        ESH,
        Some("59"),
        &[codes::ORG_SIREN_INVALID],
    ),
    (
        "deux chiffres inversés",
        "Logis Essai",
        "898041729",
        ESH,
        Some("59"),
        &[codes::ORG_SIREN_INVALID],
    ),
    (
        "SIREN groupé par trois, clé juste",
        "Logis Essai",
        "988 041 729",
        ESH,
        Some("59"),
        &[],
    ),
    (
        "SIREN de 8 chiffres",
        "Logis Essai",
        "98804172",
        ESH,
        Some("59"),
        &[codes::ORG_SIREN_INVALID],
    ),
    (
        "SIREN avec une lettre",
        "Logis Essai",
        "98804172O",
        ESH,
        Some("59"),
        &[codes::ORG_SIREN_INVALID],
    ),
    (
        "SIREN fait d'espaces",
        "Logis Essai",
        "   ",
        ESH,
        Some("59"),
        &[codes::ORG_SIREN_MISSING],
    ),
    (
        "raison sociale faite d'espaces",
        "  ",
        "988041729",
        ESH,
        Some("59"),
        &[codes::ORG_NAME_MISSING],
    ),
    (
        "siège absent",
        "Logis Essai",
        "988041729",
        ESH,
        None,
        &[codes::ORG_SIEGE_MISSING],
    ),
    (
        "siège vide",
        "Logis Essai",
        "988041729",
        ESH,
        Some(""),
        &[codes::ORG_SIEGE_MISSING],
    ),
    (
        "siège hors du référentiel",
        "Logis Essai",
        "988041729",
        ESH,
        Some("99"),
        &[codes::ORG_SIEGE_UNKNOWN],
    ),
    (
        "siège en Corse",
        "Logis Essai",
        "988041729",
        ESH,
        Some("2A"),
        &[],
    ),
    (
        "siège outre-mer",
        "Logis Essai",
        "988041729",
        ESH,
        Some("974"),
        &[],
    ),
    (
        "statut absent",
        "Logis Essai",
        "988041729",
        None,
        Some("59"),
        &[codes::ORG_KIND_MISSING],
    ),
    (
        "statut « autre »",
        "Logis Essai",
        "988041729",
        Some(OrganismeKind::Autre),
        Some("59"),
        &[],
    ),
    (
        "SIREN faux et siège inconnu",
        "Logis Essai",
        "200093202",
        Some(OrganismeKind::Oph),
        Some("XX"),
        &[codes::ORG_SIREN_INVALID, codes::ORG_SIEGE_UNKNOWN],
    ),
];

fn organisme(row: &Row) -> Organisme {
    Organisme {
        raison_sociale: row.1.into(),
        siren: row.2.into(),
        kind: row.3,
        siege_departement: row.4.map(str::to_string),
    }
}

fn sorted_codes(diags: &[Diagnostic]) -> Vec<String> {
    let mut v: Vec<String> = diags.iter().map(|d| d.code.clone()).collect();
    v.sort();
    v
}

fn want(row: &Row) -> Vec<String> {
    let mut v: Vec<String> = row.5.iter().map(|c| c.to_string()).collect();
    v.sort();
    v
}

fn cat(id: &str) -> Catalogue {
    latest(&embedded(), id).unwrap().clone()
}

#[test]
fn each_organism_gives_its_codes() {
    let geo = geo::referential(2026);
    let cus2 = cat("cus2-logements-locatifs");
    for row in TABLE {
        let diags = rules::check_organisme(&organisme(row), Some(&cus2), geo);
        assert_eq!(sorted_codes(&diags), want(row), "{}", row.0);
        for d in &diags {
            // Severity from the code, located on the organism's field, message in French.
            let sev = if d.code.starts_with("E-") {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(d.severity, sev, "{}: {d:?}", row.0);
            let path = d.location.path.as_deref().unwrap_or_default();
            let field = match d.code.as_str() {
                codes::ORG_NAME_MISSING => "organisme.raison_sociale",
                codes::ORG_SIREN_MISSING | codes::ORG_SIREN_INVALID => "organisme.siren",
                codes::ORG_SIEGE_MISSING | codes::ORG_SIEGE_UNKNOWN => {
                    "organisme.siege_departement"
                }
                _ => "organisme.kind",
            };
            assert_eq!(path, field, "{}", row.0);
            assert!(d.location.cell.is_none());
            assert!(rules::is_organisme_diagnostic(d));
            assert!(d.message.contains("étape Organisme"), "{}", d.message);
        }
    }
    // The messages say what is wrong.
    let msg = |row: usize, code: &str| {
        rules::check_organisme(&organisme(&TABLE[row]), Some(&cus2), geo)
            .into_iter()
            .find(|d| d.code == code)
            .unwrap()
            .message
    };
    let m = msg(2, codes::ORG_SIREN_INVALID);
    assert!(
        m.contains("« 988 041 728 »") && m.contains("clé de contrôle"),
        "{m}"
    );
    assert!(msg(5, codes::ORG_SIREN_INVALID).contains("compte 8 chiffres au lieu de 9"));
    assert!(msg(6, codes::ORG_SIREN_INVALID).contains("que des chiffres"));
    assert!(msg(11, codes::ORG_SIEGE_UNKNOWN).contains("« 99 »"));
    assert!(msg(11, codes::ORG_SIEGE_UNKNOWN).contains("référentiel 2026"));
}

#[test]
fn without_referential_the_head_office_code_is_not_checked() {
    let row = &TABLE[11];
    assert_eq!(row.5, &[codes::ORG_SIEGE_UNKNOWN]);
    assert!(rules::check_organisme(&organisme(row), None, None).is_empty());
}

#[test]
fn the_head_office_rule_cites_the_arrete_only_where_the_catalogue_lists_it() {
    let geo = geo::referential(2026);
    let row = &TABLE[9];
    let siege = |c: &Catalogue| {
        rules::check_organisme(&organisme(row), Some(c), geo)
            .into_iter()
            .next()
            .unwrap()
    };
    let d = siege(&cat("cus2-logements-locatifs"));
    assert_eq!(
        d.article.as_deref(),
        Some("Arrêté du 19 octobre 2017, art. 4")
    );
    assert_eq!(d.source.as_deref(), Some("arrete-2017-10-19"));
    assert!(d
        .to_line_fr()
        .ends_with("transmis au préfet de ce département. — Arrêté du 19 octobre 2017, art. 4"));
    // A 1st-generation convention predates the arrêté: no citation.
    let d = siege(&cat("cus1-logements-locatifs"));
    assert_eq!((d.article, d.source), (None, None));
    // No catalogue yet (the form before the Convention step): no citation either.
    let d = rules::check_organisme(&organisme(row), None, geo).remove(0);
    assert_eq!(d.code, codes::ORG_SIEGE_MISSING);
    assert_eq!(d.article, None);
}

fn sample() -> Convention {
    cus_core::samples::SAMPLES[1].convention().unwrap()
}

fn catalogue_of(conv: &Convention) -> Catalogue {
    embedded()
        .into_iter()
        .find(|c| c.is(&conv.catalogue.id, &conv.catalogue.version))
        .unwrap()
}

#[test]
fn validate_reports_the_organism_and_nothing_else_changes() {
    let base = sample();
    let cat = catalogue_of(&base);
    let geo = base.referential();
    let others = |diags: Vec<Diagnostic>| -> Vec<Diagnostic> {
        diags
            .into_iter()
            .filter(|d| !rules::is_organisme_diagnostic(d))
            .collect()
    };
    let clean = rules::validate(&base, &cat, geo);
    assert!(clean.iter().all(|d| !rules::is_organisme_diagnostic(d)));
    for row in TABLE {
        let mut conv = base.clone();
        conv.organisme = organisme(row);
        let diags = rules::validate(&conv, &cat, geo);
        let org: Vec<Diagnostic> = diags
            .iter()
            .filter(|d| rules::is_organisme_diagnostic(d))
            .cloned()
            .collect();
        assert_eq!(sorted_codes(&org), want(row), "{}", row.0);
        assert_eq!(others(diags), clean, "{}", row.0);
    }
}

#[test]
fn organism_edits_keep_the_validator_exact() {
    let start = sample();
    let cat = catalogue_of(&start);
    let geo = start.referential();
    let mut conv = start.clone();
    let mut history = History::default();
    let mut validator = Validator::new(&conv, &cat, geo);
    let sorted = |d: &[Diagnostic]| {
        let mut v: Vec<String> = d
            .iter()
            .map(|d| serde_json::to_string(d).unwrap())
            .collect();
        v.sort();
        v
    };
    let full = |c: &Convention| sorted(&rules::validate(c, &cat, geo));
    for row in TABLE.iter().chain(TABLE.iter().rev()) {
        let touched = history.apply(&mut conv, Edit::SetOrganisme(organisme(row)));
        assert!(
            matches!(touched, Touched::Organisme | Touched::Nothing),
            "{touched:?}"
        );
        validator.update(&conv, &touched);
        assert_eq!(sorted(validator.diagnostics()), full(&conv), "{}", row.0);
    }
    while let Some(touched) = history.undo(&mut conv) {
        validator.update(&conv, &touched);
        assert_eq!(sorted(validator.diagnostics()), full(&conv));
    }
    assert_eq!(conv, start);
}
