//! Embedded territorial referential (`data/geo/`): contents, lookups, search, vintage choice.

use cus_core::geo::{
    choose_vintage, referential, vintage_for_signing_year, vintages, EpciKind, Hit, Referential,
    VintageMatch,
};
use serde_json::Value;
use std::collections::HashSet;

fn r(year: u16) -> &'static Referential {
    referential(year).unwrap_or_else(|| panic!("vintage {year} does not load"))
}

fn meta(year: u16) -> Value {
    let path = format!(
        "{}/../../data/geo/{year}/meta.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn count(r: &Referential, kind: EpciKind) -> usize {
    r.epci.iter().filter(|e| e.kind == kind).count()
}

fn first(r: &Referential, query: &str) -> Option<String> {
    r.search(query, 10).first().map(Hit::label)
}

#[test]
fn vintages_are_embedded_and_load() {
    assert_eq!(vintages(), &[2021, 2026]);
    for &y in vintages() {
        let r = r(y);
        assert_eq!(r.vintage.year, y);
        assert_eq!(r.vintage.package, "@etalab/decoupage-administratif");
        assert_eq!(
            r.vintage.version,
            meta(y)["source"]["version"].as_str().unwrap()
        );
    }
    assert_eq!(r(2026).vintage.version, "6.0.0");
    assert_eq!(r(2021).vintage.version, "1.1.1");
    assert!(referential(2020).is_none());
    assert!(referential(0).is_none());
    // Parsed once: the same address every time.
    assert!(std::ptr::eq(r(2026), r(2026)));
}

#[test]
fn departements_101_per_vintage_with_corsica_and_overseas() {
    for &y in vintages() {
        let r = r(y);
        assert_eq!(r.departements.len(), 101, "{y}");
        assert_eq!(
            r.departements.len() as u64,
            meta(y)["counts"]["departements"].as_u64().unwrap()
        );
        let codes: HashSet<&str> = r.departements.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(codes.len(), 101, "{y}: duplicate codes");
        for c in ["01", "2A", "2B", "59", "75", "93", "95"] {
            assert!(codes.contains(c), "{y}: {c} missing");
        }
        for c in ["971", "972", "973", "974", "976"] {
            assert!(codes.contains(c), "{y}: {c} missing");
        }
        // No collectivité d'outre-mer, no 20.
        for c in ["20", "975", "977", "978", "984", "986", "987", "988"] {
            assert!(!codes.contains(c), "{y}: {c} present");
        }
        assert!(r.departements.windows(2).all(|w| w[0].code < w[1].code));
        let zus = r.departements.iter().filter(|d| d.zus).count();
        assert_eq!(zus, 92, "{y}");
        assert_eq!(
            zus as u64,
            meta(y)["counts"]["departements_zus"].as_u64().unwrap()
        );
    }
}

#[test]
fn epci_counts_match_meta_and_expected_totals() {
    // 2026: 1 255 EPCI à fiscalité propre + 11 EPT = 1 266 entries in epci.json.
    // 2021: 1 254 EPCI, no EPT in that package.
    let expected: [(u16, usize, [usize; 6]); 2] = [
        (2021, 1254, [995, 223, 14, 21, 1, 0]),
        (2026, 1266, [989, 230, 14, 21, 1, 11]),
    ];
    let kinds = [
        EpciKind::Cc,
        EpciKind::Ca,
        EpciKind::Cu,
        EpciKind::Metro,
        EpciKind::Met69,
        EpciKind::Ept,
    ];
    for (y, total, by_kind) in expected {
        let r = r(y);
        let m = meta(y);
        assert_eq!(r.epci.len(), total, "{y}");
        for (k, n) in kinds.iter().zip(by_kind) {
            assert_eq!(count(r, *k), n, "{y} {}", k.code());
            if *k != EpciKind::Ept {
                assert_eq!(
                    count(r, *k) as u64,
                    m["counts"]["epci_by_type"][k.code()].as_u64().unwrap(),
                    "{y} {} vs meta.json",
                    k.code()
                );
            }
        }
        let fiscalite_propre: Vec<_> = r
            .epci
            .iter()
            .filter(|e| e.kind.is_fiscalite_propre())
            .collect();
        assert_eq!(
            fiscalite_propre.len() as u64,
            m["counts"]["epci"].as_u64().unwrap()
        );
        assert_eq!(
            count(r, EpciKind::Ept) as u64,
            m["counts"]["ept"].as_u64().unwrap()
        );
        assert_eq!(m["ept_present"].as_bool().unwrap(), y == 2026);
        assert_eq!(
            fiscalite_propre
                .iter()
                .filter(|e| e.departements.len() > 1)
                .count() as u64,
            m["counts"]["epci_multi_departements"].as_u64().unwrap()
        );
        assert_eq!(
            fiscalite_propre.iter().filter(|e| e.zus).count() as u64,
            m["counts"]["epci_zus"].as_u64().unwrap()
        );
        // Sorted and unique by SIREN (the SIREN lookup is a binary search), 9 digits.
        assert!(r.epci.windows(2).all(|w| w[0].siren < w[1].siren), "{y}");
        for e in &r.epci {
            assert!(e.siren.len() == 9 && e.siren.bytes().all(|b| b.is_ascii_digit()));
            assert!(e.communes > 0 && e.population > 0, "{}", e.siren);
            assert!(!e.departements.is_empty(), "{}", e.siren);
            for d in &e.departements {
                assert!(
                    r.departement(d).is_some(),
                    "{}: unknown département {d}",
                    e.siren
                );
            }
        }
    }
    assert_eq!(
        count(r(2026), EpciKind::Cc) + count(r(2026), EpciKind::Ca),
        1219
    );
}

#[test]
fn grand_paris_and_lyon() {
    let r26 = r(2026);
    let mgp = r26.epci("200054781").unwrap();
    assert_eq!(mgp.nom, "Métropole du Grand Paris");
    assert_eq!(mgp.kind, EpciKind::Metro);
    assert_eq!(mgp.departements, ["75", "93", "92", "94", "91", "95"]);
    assert!(mgp.kind.is_fiscalite_propre());
    let ept: Vec<_> = r26
        .epci
        .iter()
        .filter(|e| e.kind == EpciKind::Ept)
        .collect();
    assert_eq!(ept.len(), 11);
    assert!(ept.iter().all(|e| !e.kind.is_fiscalite_propre()));
    assert!(ept.iter().all(|e| e
        .departements
        .iter()
        .all(|d| ["92", "93", "94", "95", "91"].contains(&d.as_str()))));
    assert!(r(2021).epci("200054781").is_some());
    assert_eq!(count(r(2021), EpciKind::Ept), 0);
    let lyon = r26.epci("200046977").unwrap();
    assert_eq!(lyon.kind, EpciKind::Met69);
    assert_eq!(lyon.kind.label_fr(), "métropole de Lyon");
}

#[test]
fn kind_labels() {
    assert_eq!(EpciKind::Cc.label_fr(), "communauté de communes");
    assert_eq!(EpciKind::Ca.label_fr(), "communauté d'agglomération");
    assert_eq!(EpciKind::Cu.label_fr(), "communauté urbaine");
    assert_eq!(EpciKind::Metro.label_fr(), "métropole");
    assert_eq!(EpciKind::Ept.label_fr(), "établissement public territorial");
}

#[test]
fn lookups_and_labels() {
    for &y in vintages() {
        let r = r(y);
        assert_eq!(r.departement("59").unwrap().nom, "Nord");
        assert_eq!(r.departement(" 2a ").unwrap().nom, "Corse-du-Sud");
        assert_eq!(r.departement("1").unwrap().code, "01");
        assert_eq!(r.departement("976").unwrap().nom, "Mayotte");
        assert_eq!(r.departement_label("59").as_deref(), Some("59 — Nord"));
        assert_eq!(
            r.departement_label("2B").as_deref(),
            Some("2B — Haute-Corse")
        );
        assert_eq!(
            r.epci_label("200093201").as_deref(),
            Some("200093201 — Métropole Européenne de Lille")
        );
        assert_eq!(r.epci("200 093 201").unwrap().siren, "200093201");
        for bad in [
            "",
            "00",
            "20",
            "99",
            "977",
            "2C",
            "é",
            "59 ",
            "\u{0}",
            "1234567890",
        ] {
            if bad != "59 " {
                assert!(r.departement(bad).is_none(), "{y} {bad:?}");
            }
            assert!(r.epci(bad).is_none(), "{y} {bad:?}");
            assert!(r.epci_in_departement(bad).next().is_none() || bad == "59 ");
        }
        assert!(r.epci("000000000").is_none());
        assert!(r.epci("999999999").is_none());
        assert!(r.epci_label("20009320").is_none());
        assert!(r.departement_label("").is_none());
    }
}

#[test]
fn epci_spanning_two_departements_is_in_both() {
    for &y in vintages() {
        let r = r(y);
        let beaune = r.epci("200006682").unwrap();
        assert!(
            beaune.nom.starts_with("CA Beaune, Côte et Sud"),
            "{}",
            beaune.nom
        );
        assert_eq!(beaune.departements, ["21", "71"]);
        for d in ["21", "71"] {
            assert!(
                r.epci_in_departement(d).any(|e| e.siren == "200006682"),
                "{y}: not in {d}"
            );
        }
        assert!(!r.epci_in_departement("59").any(|e| e.siren == "200006682"));
        // Every EPCI is listed in each of its départements, and only there.
        let total: usize = r
            .departements
            .iter()
            .map(|d| r.epci_in_departement(&d.code).count())
            .sum();
        let expected: usize = r.epci.iter().map(|e| e.departements.len()).sum();
        assert_eq!(total, expected);
        let mgp_in_91 = r.epci_in_departement("91").any(|e| e.siren == "200054781");
        assert!(mgp_in_91);
    }
    assert!(r(2026)
        .epci_in_departement("93")
        .any(|e| e.nom == "Grand Paris Grand Est"));
}

#[test]
fn zus_flags() {
    for &y in vintages() {
        let r = r(y);
        assert!(r.departement("93").unwrap().zus);
        assert!(r.departement("59").unwrap().zus);
        let lozere = r.departement("48").unwrap();
        assert_eq!(lozere.nom, "Lozère");
        assert!(!lozere.zus);
        let no_zus: Vec<&str> = r
            .departements
            .iter()
            .filter(|d| !d.zus)
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(
            no_zus,
            ["05", "09", "15", "19", "23", "32", "46", "48", "82"]
        );
        assert!(r.epci("200093201").unwrap().zus);
        assert!(!r.epci("200006682").unwrap().zus);
    }
}

/// (query, label of the expected first hit), valid for both vintages.
const FIRST_HITS: &[(&str, &str)] = &[
    ("59", "59 — Nord"),
    ("nord", "59 — Nord"),
    ("NORD", "59 — Nord"),
    ("2a", "2A — Corse-du-Sud"),
    ("2B", "2B — Haute-Corse"),
    ("971", "971 — Guadeloupe"),
    ("1", "01 — Ain"),
    ("lozere", "48 — Lozère"),
    ("seine st denis", "93 — Seine-Saint-Denis"),
    ("cotes d'armor", "22 — Côtes-d'Armor"),
    ("200093201", "200093201 — Métropole Européenne de Lille"),
    ("200 093 201", "200093201 — Métropole Européenne de Lille"),
    ("lille", "200093201 — Métropole Européenne de Lille"),
    ("lille metro", "200093201 — Métropole Européenne de Lille"),
    (
        "METROPOLE EUROPEENNE",
        "200093201 — Métropole Européenne de Lille",
    ),
    ("lille 59", "200093201 — Métropole Européenne de Lille"),
    (
        "2000066",
        "200006682 — CA Beaune, Côte et Sud - Communauté Beaune-Chagny-Nolay",
    ),
    (
        "beaune",
        "200006682 — CA Beaune, Côte et Sud - Communauté Beaune-Chagny-Nolay",
    ),
    ("canigo", "200049211 — CC Conflent-Canigó"),
    ("grand paris", "200054781 — Métropole du Grand Paris"),
];

#[test]
fn search_first_hits() {
    for &y in vintages() {
        let r = r(y);
        for (q, expected) in FIRST_HITS {
            if *q == "beaune" || *q == "2000066" {
                // The name of the groupement is longer in 2021.
                let hits = r.search(q, 5);
                assert_eq!(
                    hits.first().map(|h| h.code()),
                    Some("200006682"),
                    "{y} {q:?}"
                );
                continue;
            }
            assert_eq!(first(r, q).as_deref(), Some(*expected), "{y} {q:?}");
        }
    }
}

#[test]
fn search_finds_saint_etienne_with_or_without_accents() {
    for &y in vintages() {
        let r = r(y);
        for q in [
            "saint etienne",
            "Saint-Étienne",
            "st etienne",
            "SAINT ÉTIENNE MÉTRO",
        ] {
            let hits = r.search(q, 10);
            assert_eq!(
                hits.first().map(|h| h.code()),
                Some("244200770"),
                "{y} {q:?}: {:?}",
                hits.iter().map(Hit::label).collect::<Vec<_>>()
            );
            assert!(hits[0].nom().starts_with("Saint-"), "{y}");
        }
    }
}

#[test]
fn search_ranking() {
    let r = r(2026);
    // "lille" also finds other names? MEL must be in the results.
    assert!(r
        .search("lille", 50)
        .iter()
        .any(|h| h.nom() == "Métropole Européenne de Lille"));
    // Départements before EPCI, EPCI by decreasing population.
    let hits = r.search("nord", 50);
    assert!(matches!(hits[0], Hit::Departement(d) if d.code == "59"));
    let epci: Vec<_> = hits
        .iter()
        .filter_map(|h| match h {
            Hit::Epci(e) => Some(*e),
            _ => None,
        })
        .collect();
    assert!(epci.len() >= 10);
    // Names starting with "Nord" (after « CA du ») come first, then the others; each group by
    // decreasing population.
    let split = epci
        .iter()
        .position(|e| !e.nom.contains("du Nord") && !e.nom.contains("Nord Est"))
        .unwrap();
    for part in [&epci[..split], &epci[split..]] {
        assert!(part.windows(2).all(|w| w[0].population >= w[1].population));
    }
    // A département code lists the département, then its EPCI by decreasing population.
    let hits = r.search("59", 100);
    assert!(matches!(hits[0], Hit::Departement(d) if d.code == "59"));
    assert_eq!(hits[1].code(), "200093201");
    assert_eq!(hits.len() - 1, r.epci_in_departement("59").count());
    // A code prefix lists the départements in code order.
    let codes: Vec<&str> = r.search("97", 10).iter().map(|h| h.code()).collect();
    assert_eq!(codes, ["971", "972", "973", "974", "976"]);
    // SIREN prefixes need 3 digits.
    assert!(r
        .search("20", 10)
        .iter()
        .all(|h| matches!(h, Hit::Departement(_))));
    let hits = r.search("200", 2000);
    assert_eq!(
        hits.len(),
        r.epci.iter().filter(|e| e.siren.starts_with("200")).count()
    );
    assert_eq!(hits.len(), 739);
    assert!(hits.iter().all(|h| h.code().starts_with("200")));
    assert_eq!(hits[0].code(), "200054781", "largest population first");
    // Limit.
    assert_eq!(r.search("200", 7).len(), 7);
    assert!(r.search("nord", 0).is_empty());
    // Every query word must match.
    assert!(r.search("lille lyon", 10).is_empty());
}

#[test]
fn search_is_empty_for_empty_or_garbage_and_never_panics() {
    let long = "é".repeat(10_000);
    let many = "a ".repeat(5_000);
    for &y in vintages() {
        let r = r(y);
        for q in [
            "",
            "   ",
            "---",
            "!!!",
            "'",
            "\u{0}",
            "zzzz",
            "xqwv lille",
            "9999",
            "2c",
            "0000000000",
        ] {
            assert!(r.search(q, 10).is_empty(), "{y} {q:?}");
        }
        for q in [
            long.as_str(),
            many.as_str(),
            "🏠",
            "\u{202F}59\u{202F}",
            "ß",
            "İ",
            "ǅ",
            "\u{FEFF}",
            "123456789012345",
        ] {
            let _ = r.search(q, 10);
        }
        assert_eq!(first(r, "\u{202F}59\u{202F}").as_deref(), Some("59 — Nord"));
    }
}

#[test]
fn vintage_choice() {
    assert_eq!(vintage_for_signing_year(2019), 2021);
    assert_eq!(vintage_for_signing_year(2020), 2021);
    assert_eq!(vintage_for_signing_year(2021), 2021);
    assert_eq!(vintage_for_signing_year(2024), 2021);
    assert_eq!(vintage_for_signing_year(2025), 2021);
    assert_eq!(vintage_for_signing_year(2026), 2026);
    assert_eq!(vintage_for_signing_year(2030), 2026);
    assert_eq!(vintage_for_signing_year(i32::MIN), 2021);
    assert_eq!(vintage_for_signing_year(i32::MAX), 2026);
    assert_eq!(choose_vintage(2019).matching, VintageMatch::Later);
    assert!(choose_vintage(2019).reason_fr.contains("2021"));
    assert_eq!(choose_vintage(2021).matching, VintageMatch::Exact);
    assert_eq!(choose_vintage(2024).matching, VintageMatch::Earlier);
    assert_eq!(choose_vintage(2026).matching, VintageMatch::Exact);
    assert_eq!(choose_vintage(2030).matching, VintageMatch::Earlier);
    for y in 1990..2040 {
        let v = vintage_for_signing_year(y);
        assert!(referential(v).is_some(), "{y} → {v}");
    }
}
