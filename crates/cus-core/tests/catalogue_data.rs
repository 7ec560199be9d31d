//! Data checks on the embedded catalogues (`data/catalogue/*.toml`).
//!
//! These tests fail when a data file drifts from what the research notes support: a missing or
//! extra indicator code, an article reference nobody read, a broken version boundary, a label too
//! long for menus. Update the expectations here together with the data, on purpose.

use cus_core::catalogue::{
    check, embedded, embedded_files, select, Catalogue, CusKind, Generation, Level, Requirement,
    ValueKind, Wording,
};
use std::collections::{BTreeSet, HashSet};

/// Articles actually named in the research notes (`/work/shared/reference/`). A typo or an
/// invented article in `source.article` fails `every_article_is_attested`.
const ATTESTED_ARTICLES: &[&str] = &[
    // 2nd generation
    "R. 445-5",
    "R. 445-5-1",
    "R. 445-22",
    "R. 445-36",
    "R. 445-37",
    "D. 445-5-6",
    // 1st generation (articles « R.* » of the décret n° 2009-1486 and n° 2012-12)
    "R.* 445-5",
    "R.* 445-26",
    // D.I's sales forecast (décret n° 2009-1486, art. 7)
    "R.* 445-7",
];

/// (generation, kind, signing date, expected codes). Each embedded catalogue must be selected by
/// at least one of these dates (see `every_catalogue_is_covered_by_an_expectation`).
const EXPECTED: &[(Generation, CusKind, &str, &[&str])] = &[
    (
        Generation::Deuxieme,
        CusKind::LogementsLocatifs,
        "2024-01-01",
        &[
            "PP-1", "PP-2", "PP-3", "PP-4", "PS-1", "PS-2", "SR-1", "G-1", "PP-5", "PS-3",
        ],
    ),
    (
        Generation::Deuxieme,
        CusKind::LogementsLocatifs,
        "2019-06-01",
        &[
            "PP-1", "PP-1 bis", "PP-2", "PP-3", "PP-4", "PS-1", "PS-2", "SR-1", "PP-5", "PS-3",
        ],
    ),
    (
        Generation::Deuxieme,
        CusKind::Accession,
        "2024-01-01",
        &["PP-ACC-1", "PS-ACC-1"],
    ),
    (
        Generation::Deuxieme,
        CusKind::LogementsFoyers,
        "2024-01-01",
        &["PP-LF-1", "PP-LF-2", "PP-LF-3"],
    ),
    (
        Generation::Deuxieme,
        CusKind::LogementsFoyers,
        "2019-06-01",
        &["PP-LF-1", "PP-LF-1 bis", "PP-LF-2", "PP-LF-3"],
    ),
    (
        Generation::Deuxieme,
        CusKind::SocietesVente,
        "2024-01-01",
        &[
            "PP-SV-1", "PP-SV-2", "PP-SV-3", "ACC-SV-1", "SR-SV-1", "SR-SV-2",
        ],
    ),
    (
        Generation::Premiere,
        CusKind::LogementsLocatifs,
        "2011-06-30",
        &[
            "A.I",
            "A.II",
            "B.I",
            "B.II",
            "C.I",
            "C.II",
            "C.IV",
            "D.I",
            "D.I-ventes",
            "F.I",
            "F.II",
            "F.III",
            "F.IV",
        ],
    ),
    (
        Generation::Premiere,
        CusKind::LogementsFoyers,
        "2013-01-01",
        &["ALF.I", "ALF.II", "CLF.I", "CLF.II", "CLF.III", "GLF.I"],
    ),
];

fn cats() -> Vec<Catalogue> {
    embedded()
}

fn all_indicators(
    cats: &[Catalogue],
) -> impl Iterator<Item = (&Catalogue, &cus_core::catalogue::Indicator)> {
    cats.iter()
        .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
}

#[test]
fn every_embedded_catalogue_passes_check() {
    let files: Vec<&str> = embedded_files().collect();
    let cats = cats();
    assert_eq!(files.len(), cats.len());
    assert!(
        cats.len() >= 8,
        "expected at least 8 catalogue files, found {}",
        cats.len()
    );
    for (file, cat) in files.iter().zip(&cats) {
        let diags = check(cat, file);
        assert!(diags.is_empty(), "{file}: {diags:?}");
    }
}

#[test]
fn expected_codes_per_generation_kind_and_date() {
    let cats = cats();
    for (generation, kind, date, codes) in EXPECTED {
        let cat = select(&cats, *generation, *kind, Some(date))
            .unwrap_or_else(|| panic!("no catalogue for {generation:?} {kind:?} signed {date}"));
        let got: BTreeSet<&str> = cat.indicators.iter().map(|i| i.code.as_str()).collect();
        let want: BTreeSet<&str> = codes.iter().copied().collect();
        assert_eq!(got, want, "{} {} (signing {date})", cat.id, cat.version);
    }
}

#[test]
fn every_catalogue_is_covered_by_an_expectation() {
    let cats = cats();
    let covered: HashSet<(String, String)> = EXPECTED
        .iter()
        .filter_map(|(g, k, d, _)| select(&cats, *g, *k, Some(d)))
        .map(|c| (c.id.clone(), c.version.clone()))
        .collect();
    for c in &cats {
        assert!(
            covered.contains(&(c.id.clone(), c.version.clone())),
            "{} {} is not covered by EXPECTED: add its codes to the test",
            c.id,
            c.version
        );
    }
}

#[test]
fn first_generation_accession_has_no_catalogue() {
    // Its indicators were not recovered (research notes: [ABSENT]); see docs/CATALOGUE.md.
    let cats = cats();
    assert!(select(&cats, Generation::Premiere, CusKind::Accession, None).is_none());
}

#[test]
fn wording_statuses_are_documented() {
    let cats = cats();
    for (c, i) in all_indicators(&cats) {
        match i.wording {
            Wording::AConfirmer => {
                let note = i.wording_note.as_deref().unwrap_or("");
                assert!(
                    note.trim().len() > 20,
                    "{} {}: « à confirmer » without a real wording_note",
                    c.id,
                    i.code
                );
            }
            Wording::Partiel => {
                assert!(
                    i.label.ends_with(" […]"),
                    "{} {}: a partial label ends with « […] »",
                    c.id,
                    i.code
                );
                assert!(
                    i.wording_note.is_some(),
                    "{} {}: a partial label says what is missing",
                    c.id,
                    i.code
                );
            }
            Wording::Verbatim => {
                assert!(
                    !i.label.contains('['),
                    "{} {}: a verbatim label has no editorial brackets",
                    c.id,
                    i.code
                );
            }
        }
        assert!(
            !i.definition.trim().is_empty(),
            "{} {}: empty definition",
            c.id,
            i.code
        );
    }
}

#[test]
fn ps1_is_epci_only_and_g1_organisme_only() {
    let cats = cats();
    let mut seen_ps1 = 0;
    let mut seen_g1 = 0;
    for (c, i) in all_indicators(&cats) {
        if i.code == "PS-1" {
            seen_ps1 += 1;
            assert_eq!(i.levels.allowed, vec![Level::Epci], "{} PS-1", c.version);
            assert!(i.levels.prefect_request.is_empty(), "{} PS-1", c.version);
        }
        if i.code == "G-1" {
            seen_g1 += 1;
            assert_eq!(
                i.levels.allowed,
                vec![Level::Organisme],
                "{} G-1",
                c.version
            );
            assert!(i.levels.prefect_request.is_empty(), "{} G-1", c.version);
        }
    }
    assert!(seen_ps1 >= 1 && seen_g1 >= 1);
}

#[test]
fn second_generation_levels_follow_the_code() {
    let cats = cats();
    for (c, i) in all_indicators(&cats) {
        if c.generation != Generation::Deuxieme {
            continue;
        }
        // The texts held verbatim (`cus-legal-texts.md`): R. 445-5 alinéa 2 (A.1), R. 445-5-1
        // alinéa 2 (A.2: « Chaque engagement ainsi fixé est décliné, à la demande du préfet
        // signataire de la convention, à l'échelle de chaque département qu'il identifie et à
        // l'échelle des collectivités territoriales […] qu'il identifie »: fixed for the
        // organism), R. 445-22 (A.3), R. 445-36 (A.4), the 2019 foyers table and its optional
        // R. 445-37 (A.5: « décliné, à la demande du préfet […], à l'échelle de chaque
        // département qu'il identifie »), D. 445-5-6 (A.6: no level written).
        let article = i.source.article.as_str();
        let (allowed, prefect): (&[Level], &[Level]) = match (c.kind, i.code.as_str()) {
            (CusKind::LogementsLocatifs, _) if article == "R. 445-5-1" => {
                (&[Level::Organisme], &[Level::Departement, Level::Epci])
            }
            (CusKind::LogementsLocatifs, "PS-1") => (&[Level::Epci], &[]),
            (CusKind::LogementsLocatifs, "G-1") => (&[Level::Organisme], &[]),
            (CusKind::LogementsLocatifs, _) => (&[Level::Departement], &[Level::Epci]),
            (CusKind::Accession, _) => (&[Level::Region], &[Level::Departement]),
            (CusKind::LogementsFoyers, _) if article == "R. 445-37" => {
                (&[Level::Organisme], &[Level::Departement])
            }
            (CusKind::LogementsFoyers, _) => (&[Level::Departement], &[]),
            (CusKind::SocietesVente, _) => (&[Level::Organisme], &[]),
        };
        // The optional tables are those of R. 445-5-1 and R. 445-37, and only they.
        assert_eq!(
            i.requirement == Requirement::ALaDemandeDuPrefet,
            article == "R. 445-5-1" || article == "R. 445-37",
            "{} {} {}",
            c.id,
            c.version,
            i.code
        );
        assert_eq!(
            i.levels.allowed, allowed,
            "{} {} {}",
            c.id, c.version, i.code
        );
        assert_eq!(
            i.levels.prefect_request, prefect,
            "{} {} {}",
            c.id, c.version, i.code
        );
    }
}

#[test]
fn pp1_has_financing_breakdown_and_parts() {
    let cats = cats();
    let mut seen = 0;
    for (c, i) in all_indicators(&cats).filter(|(_, i)| i.code == "PP-1") {
        seen += 1;
        let fin = i
            .splits
            .breakdowns
            .iter()
            .find(|b| b.id == "financement")
            .unwrap_or_else(|| panic!("{} PP-1: no financing breakdown", c.version));
        let members: Vec<&str> = fin.members.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(members, ["PLAI", "PLUS", "PLS"], "{} PP-1", c.version);
        let parts: Vec<&str> = i.splits.parts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(parts, ["hors-qpv", "hors-ru"], "{} PP-1", c.version);
        assert_eq!(i.periods.cumulative, vec![3, 6], "{} PP-1", c.version);
        assert!(matches!(i.value, ValueKind::Nombre { .. }));
    }
    assert_eq!(
        seen, 2,
        "PP-1 appears in the current and the 2017 rédaction"
    );
    for (c, i) in all_indicators(&cats).filter(|(_, i)| i.code == "PS-3") {
        let parts: Vec<&str> = i.splits.parts.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(parts, ["hors-qpv"], "{} PS-3", c.version);
        assert_eq!(i.requirement, Requirement::ALaDemandeDuPrefet);
    }
}

#[test]
fn select_picks_the_wording_in_force_at_signing() {
    let cats = cats();
    let lf = |d: &str| {
        select(
            &cats,
            Generation::Deuxieme,
            CusKind::LogementsFoyers,
            Some(d),
        )
        .unwrap()
    };
    let old = lf("2019-06-01");
    let new = lf("2024-03-15");
    assert_eq!(old.id, new.id, "one id, several versions");
    assert_ne!(old.version, new.version);
    assert!(old.indicator("PP-LF-1 bis").is_some());
    assert!(new.indicator("PP-LF-1 bis").is_none());
    assert_eq!(
        old.indicator("PP-LF-3").unwrap().requirement,
        Requirement::ALaDemandeDuPrefet
    );
    assert_eq!(
        new.indicator("PP-LF-3").unwrap().requirement,
        Requirement::Obligatoire
    );
    assert_eq!(
        old.indicator("PP-LF-2").unwrap().periods.cumulative,
        vec![3, 6]
    );
    assert!(new.indicator("PP-LF-2").unwrap().periods.yearly);
    // The boundary: décret n° 2019-801, in force the day after its publication (28 July 2019).
    assert_eq!(lf("2019-07-28").version, old.version);
    assert_eq!(lf("2019-07-29").version, new.version);
    let ll = |d: &str| {
        select(
            &cats,
            Generation::Deuxieme,
            CusKind::LogementsLocatifs,
            Some(d),
        )
        .unwrap()
    };
    assert_eq!(ll("2019-07-28").version, old.version);
    assert_eq!(ll("2019-07-29").version, new.version);
    // Without a date, the latest rédaction.
    let latest = select(&cats, Generation::Deuxieme, CusKind::LogementsFoyers, None).unwrap();
    assert_eq!(latest.version, new.version);
    // 1st-generation catalogues stop when the 2017 reform came into force.
    assert!(select(
        &cats,
        Generation::Premiere,
        CusKind::LogementsLocatifs,
        Some("2017-05-11")
    )
    .is_none());
    assert!(select(
        &cats,
        Generation::Premiere,
        CusKind::LogementsLocatifs,
        Some("2017-05-10")
    )
    .is_some());
}

#[test]
fn id_and_version_are_unique_and_signing_periods_do_not_overlap() {
    let cats = cats();
    let mut seen = HashSet::new();
    for c in &cats {
        assert!(
            seen.insert((c.id.clone(), c.version.clone())),
            "duplicate {} {}",
            c.id,
            c.version
        );
        if let Some(u) = &c.signing.until {
            assert!(
                c.signing.from.as_str() <= u.as_str(),
                "{} {}: from after until",
                c.id,
                c.version
            );
        }
    }
    for (n, a) in cats.iter().enumerate() {
        for b in &cats[n + 1..] {
            if a.generation != b.generation || a.kind != b.kind {
                continue;
            }
            assert_eq!(a.id, b.id, "one id per generation and kind");
            let a_end = a.signing.until.as_deref().unwrap_or("9999-12-31");
            let b_end = b.signing.until.as_deref().unwrap_or("9999-12-31");
            let overlap = a.signing.from.as_str() <= b_end && b.signing.from.as_str() <= a_end;
            assert!(!overlap, "{} {} and {} overlap", a.id, a.version, b.version);
        }
    }
}

#[test]
fn every_article_is_attested() {
    let cats = cats();
    for (c, i) in all_indicators(&cats) {
        assert!(
            ATTESTED_ARTICLES.contains(&i.source.article.as_str()),
            "{} {}: article « {} » is not in the attested list",
            c.id,
            i.code,
            i.source.article
        );
        let first_gen = i.source.article.starts_with("R.* ");
        assert_eq!(
            first_gen,
            c.generation == Generation::Premiere,
            "{} {}: article of the wrong generation",
            c.id,
            i.code
        );
    }
}

#[test]
fn labels_fit_and_codes_are_consistent() {
    let cats = cats();
    for (c, i) in all_indicators(&cats) {
        let n = i.short_label.chars().count();
        assert!(
            n <= 45,
            "{} {}: short_label has {n} characters (max 45)",
            c.id,
            i.code
        );
        assert!(
            !i.code.contains(". "),
            "{} {}: codes are written without space (« A.II »)",
            c.id,
            i.code
        );
        if i.wording == Wording::Verbatim && c.generation == Generation::Deuxieme {
            assert!(
                i.label.starts_with(&i.code),
                "{} {}: an official 2nd-gen label starts with its code",
                c.id,
                i.code
            );
        }
        if i.wording == Wording::AConfirmer {
            assert!(
                !i.label.starts_with(&format!("{}.", i.code)),
                "{} {}: an unconfirmed label must not look official",
                c.id,
                i.code
            );
        }
        if let ValueKind::Pourcentage {
            numerator,
            denominator,
        } = &i.value
        {
            assert!(
                !numerator.trim().is_empty() && !denominator.trim().is_empty(),
                "{} {}",
                c.id,
                i.code
            );
        }
    }
}

#[test]
fn periods_follow_the_generation_conventions() {
    let cats = cats();
    for (c, i) in all_indicators(&cats) {
        let p = &i.periods;
        match c.generation {
            Generation::Premiere => {
                assert!(
                    !p.reference,
                    "{} {}: no historical reference in the 1st generation",
                    c.id, i.code
                );
                assert!(p.cumulative.iter().all(|&n| n == 6), "{} {}", c.id, i.code);
                assert_eq!(c.priority_area.as_deref().unwrap_or("ZUS"), "ZUS");
            }
            Generation::Deuxieme => {
                let arrete_2017 = c.kind != CusKind::SocietesVente;
                assert_eq!(
                    p.reference, arrete_2017,
                    "{} {}: reference value",
                    c.id, i.code
                );
                assert!(
                    p.cumulative.is_empty() || p.cumulative == [3, 6] || p.cumulative == [6],
                    "{} {}",
                    c.id,
                    i.code
                );
            }
        }
    }
}

#[test]
#[allow(clippy::type_complexity)]
fn the_signing_year_implies_the_catalogue() {
    let cats = cats();
    // (kind, year) → (id, version) expected, or None when no catalogue applies.
    let cases: [(CusKind, i32, Option<(&str, &str)>); 7] = [
        (CusKind::LogementsLocatifs, 2009, None),
        (
            CusKind::LogementsLocatifs,
            2012,
            Some(("cus1-logements-locatifs", "2026.11.0")),
        ),
        (
            CusKind::LogementsLocatifs,
            2018,
            Some(("cus2-logements-locatifs", "2026.11.0-r2017")),
        ),
        // 2019: the 2017 wording until 28 July, the current one from 29 July: the later one.
        (
            CusKind::LogementsLocatifs,
            2019,
            Some(("cus2-logements-locatifs", "2026.11.0")),
        ),
        (
            CusKind::LogementsLocatifs,
            2024,
            Some(("cus2-logements-locatifs", "2026.11.0")),
        ),
        (
            CusKind::LogementsFoyers,
            2018,
            Some(("cus2-logements-foyers", "2026.11.0-r2017")),
        ),
        (CusKind::Accession, 2012, None),
    ];
    for (kind, year, want) in cases {
        let got = cus_core::catalogue::for_signing_year(&cats, kind, year)
            .map(|c| (c.id.as_str(), c.version.as_str()));
        assert_eq!(got, want, "{kind:?} signed in {year}");
    }
    let r2017 = cats
        .iter()
        .find(|c| c.version.ends_with("-r2017") && c.kind == CusKind::LogementsLocatifs)
        .unwrap();
    assert!(cus_core::catalogue::applies_to_year(r2017, 2019));
    assert!(!cus_core::catalogue::applies_to_year(r2017, 2020));
    assert!(!cus_core::catalogue::applies_to_year(r2017, 2016));
}

/// A link to a card names the catalogue's version: two versions share an id (the current
/// wording and the 2017 one), and each card of each version is reached by its own link; a link
/// without a version (made before versions were named) leads to the current version, or to the
/// latest one that has the code; a wrong link says what is wrong, in French.
#[test]
fn links_to_cards_name_their_version() {
    use cus_core::catalogue::{find_card, latest, CardLookup};
    let cats = cats();
    let shared: BTreeSet<&str> = cats
        .iter()
        .filter(|c| cats.iter().filter(|d| d.id == c.id).count() > 1)
        .map(|c| c.id.as_str())
        .collect();
    assert!(!shared.is_empty(), "no catalogue id with two versions");
    for c in &cats {
        for i in &c.indicators {
            match find_card(&cats, &c.id, Some(&c.version), &i.code) {
                CardLookup::Found(fc, fi) => {
                    assert!(
                        fc.version == c.version && fi.code == i.code,
                        "{} {}",
                        c.id,
                        i.code
                    )
                }
                other => panic!("{} {} {}: {other:?}", c.id, c.version, i.code),
            }
        }
    }
    for id in shared {
        let current = latest(&cats, id).unwrap();
        assert!(
            current.signing.until.is_none(),
            "{id}: current version in force"
        );
        for c in cats.iter().filter(|c| c.id == id) {
            for i in &c.indicators {
                let CardLookup::Found(fc, _) = find_card(&cats, id, None, &i.code) else {
                    panic!("{id} {}: not found without a version", i.code);
                };
                let want = if current.indicator(&i.code).is_some() {
                    &current.version
                } else {
                    &c.version
                };
                assert_eq!(&fc.version, want, "{id} {} without a version", i.code);
            }
        }
    }

    // Wrong links.
    let cur = cats
        .iter()
        .find(|c| c.id == "cus2-logements-locatifs" && c.signing.until.is_none())
        .unwrap();
    let l = find_card(&cats, &cur.id, None, "PS-9");
    assert_eq!(l, CardLookup::UnknownCode(cur));
    let msg = l.problem_fr(&cur.id, None, "PS-9").unwrap();
    assert!(
        msg.starts_with("L'indicateur PS-9 n'existe pas dans ce catalogue (")
            && msg.contains(&cur.version),
        "{msg}"
    );
    let l = find_card(&cats, &cur.id, Some("1999.1.0"), "PS-1");
    assert_eq!(l, CardLookup::UnknownVersion(cur, cur.indicator("PS-1")));
    assert_eq!(l.indicator().map(|i| i.code.as_str()), Some("PS-1"));
    let msg = l.problem_fr(&cur.id, Some("1999.1.0"), "PS-1").unwrap();
    assert!(msg.starts_with("La version 1999.1.0 du catalogue"), "{msg}");
    let l = find_card(&cats, "cus9-inconnu", None, "PP-1");
    assert_eq!(l, CardLookup::UnknownCatalogue);
    assert_eq!(l.catalogue(), None);
    assert!(l
        .problem_fr("cus9-inconnu", None, "PP-1")
        .unwrap()
        .starts_with("Le catalogue « cus9-inconnu » n'existe pas"));
    assert_eq!(
        find_card(&cats, &cur.id, None, "PS-1").problem_fr(&cur.id, None, "PS-1"),
        None
    );
}

/// Qualitative items: which catalogues have them, and the length limit of texts (data, checked).
#[test]
fn qualitative_items_and_the_text_limit() {
    use cus_core::catalogue::{ValueKind, DEFAULT_TEXT_MAX_CHARS};
    let cats = cats();
    let mut found: Vec<(String, String, &str)> = Vec::new();
    for c in &cats {
        for i in &c.indicators {
            let kind = match i.value {
                ValueKind::OuiNon => "oui-non",
                ValueKind::Texte => "texte",
                _ => {
                    assert_eq!(i.max_chars, None, "{} {}", c.id, i.code);
                    assert_eq!(i.text_limit(), None);
                    continue;
                }
            };
            if kind == "texte" {
                // Stated in the data, equal to the documented default.
                assert_eq!(
                    i.max_chars,
                    Some(DEFAULT_TEXT_MAX_CHARS),
                    "{} {}",
                    c.id,
                    i.code
                );
            }
            found.push((c.id.clone(), i.code.clone(), kind));
        }
    }
    let want = [
        ("cus1-logements-foyers", "GLF.I", "oui-non"),
        ("cus2-societes-vente", "SR-SV-1", "texte"),
        ("cus2-societes-vente", "SR-SV-2", "texte"),
    ];
    let want: Vec<(String, String, &str)> = want
        .iter()
        .map(|(c, i, k)| (c.to_string(), i.to_string(), *k))
        .collect();
    assert_eq!(found, want);

    // The check refuses a limit on another kind, and a limit of zero.
    let mut c = cats
        .iter()
        .find(|c| c.id == "cus2-societes-vente")
        .unwrap()
        .clone();
    let text = c
        .indicators
        .iter()
        .position(|i| i.code == "SR-SV-1")
        .unwrap();
    c.indicators[text].max_chars = Some(0);
    c.indicators[0].max_chars = Some(100);
    let codes: Vec<String> = check(&c, "essai")
        .into_iter()
        .map(|d| format!("{} {}", d.code, d.location.path.unwrap_or_default()))
        .collect();
    assert_eq!(
        codes,
        [
            "E-CAT-MAX-CHARS indicators[0].max_chars".to_string(),
            format!("E-CAT-MAX-CHARS indicators[{text}].max_chars"),
        ]
    );
}
