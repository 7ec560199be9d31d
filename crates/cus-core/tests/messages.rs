//! What users read in a diagnostic: a message saying what is wrong and what to do, and a short
//! citation (`CCH, art. R. 445-5`). Research notes (which version of a text was read, how far,
//! what was not found) belong to the reference card's « Sources et fiabilité », never to a
//! message. Checked on every diagnostic the test data produces: the sample conventions, the
//! rule and segmentation cases, and each sample checked against every embedded catalogue (which
//! cites every catalogue's sources).

use std::path::{Path, PathBuf};

use cus_core::catalogue::{embedded, Catalogue};
use cus_core::convention::{check_segmentation, Convention};
use cus_core::diagnostic::Diagnostic;
use cus_core::geo;
use cus_core::rules;

/// Phrases of the research notes: none may reach a message or a citation.
const RESEARCH_PHRASES: &[&str] = &[
    "extrait lu",
    "lu jusqu",
    "non retrouvé",
    "à confirmer",
    "non lu",
    "version consolidée",
    "frontière",
    "source secondaire",
];

/// A short citation: `CCH, art. R. 445-5-1` is 20 characters.
const MAX_ARTICLE_CHARS: usize = 40;
/// A message says what is wrong, where, and what to do; a few sentences at most.
const MAX_MESSAGE_CHARS: usize = 400;

fn dir(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn json_files(d: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && p.file_name().is_some_and(|n| n != "manifest.json")
        })
        .collect();
    v.sort();
    v
}

fn convention_of(case: &serde_json::Value, file: &Path) -> Convention {
    serde_json::from_value(case["convention"].clone())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The problems of one diagnostic, or nothing.
fn problems(d: &Diagnostic, cat: &Catalogue) -> Vec<String> {
    let mut out = Vec::new();
    let folded = |s: &str| s.to_lowercase();
    let msg = folded(&d.message);
    // A legal minimum (rule data `floors`) states the status of the source its article was read
    // in — the weight of the warning depends on it — not a research note.
    let states_status = d.code == "W-LEGAL-FLOOR";
    for p in RESEARCH_PHRASES {
        if states_status && *p == "source secondaire" {
            continue;
        }
        if msg.contains(p) {
            out.push(format!("research note « {p} » in the message"));
        }
    }
    if d.message.chars().count() > MAX_MESSAGE_CHARS {
        out.push(format!(
            "message of {} characters (at most {MAX_MESSAGE_CHARS})",
            d.message.chars().count()
        ));
    }
    if let Some(a) = &d.article {
        let art = folded(a);
        for p in RESEARCH_PHRASES {
            if art.contains(p) {
                out.push(format!("research note « {p} » in the citation"));
            }
        }
        if a.chars().count() > MAX_ARTICLE_CHARS {
            out.push(format!(
                "citation of {} characters (at most {MAX_ARTICLE_CHARS})",
                a.chars().count()
            ));
        }
        if !a.contains("art. ") {
            out.push("a citation names its article (« art. »)".into());
        }
    }
    match (&d.article, &d.source) {
        (_, Some(s)) if cat.source(s).is_none() => {
            out.push(format!("source « {s} » is not a source of {}", cat.id));
        }
        (Some(_), None) if d.location.indicator.is_some() => {
            out.push("an indicator's citation names its source id".into());
        }
        _ => {}
    }
    // The printed line ends with the citation only: nothing after the message but « — art. ».
    let line = d.to_line_fr();
    let tail = line
        .split_once(&d.message)
        .map(|(_, t)| t.chars().count())
        .unwrap_or(0);
    if tail > MAX_ARTICLE_CHARS + 3 {
        out.push(format!("{tail} characters after the message in the line"));
    }
    out
}

fn check_all(what: &str, diags: &[Diagnostic], cat: &Catalogue, failures: &mut Vec<String>) {
    for d in diags {
        for p in problems(d, cat) {
            failures.push(format!("{what}: {p}: {}", d.to_line_fr()));
        }
    }
}

#[test]
fn messages_cite_briefly_and_carry_no_research_note() {
    let cats = embedded();
    let mut failures = Vec::new();
    let mut seen = 0usize;
    let mut cited = 0usize;
    let mut count = |diags: &[Diagnostic]| {
        seen += diags.len();
        cited += diags.iter().filter(|d| d.article.is_some()).count();
    };

    // The samples, against their own catalogue and against every embedded one.
    for f in json_files(&dir("../../data/samples")) {
        let conv: Convention = serde_json::from_str(&std::fs::read_to_string(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let geo = conv.geo_vintage.and_then(geo::referential);
        for cat in &cats {
            let mut c = conv.clone();
            c.catalogue.id = cat.id.clone();
            c.catalogue.version = cat.version.clone();
            let diags = rules::validate(&c, cat, geo);
            count(&diags);
            let what = format!(
                "{} with {} {}",
                f.file_name().unwrap().to_string_lossy(),
                cat.id,
                cat.version
            );
            check_all(&what, &diags, cat, &mut failures);
        }
    }

    // The rule cases (embedded catalogues only; inline ones are test data) and the
    // segmentation cases.
    for (sub, full) in [
        ("tests/cases/rules", true),
        ("tests/cases/segmentation", false),
    ] {
        for f in json_files(&dir(sub)) {
            let case: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let Some(id) = case["catalogue"].as_str() else {
                continue;
            };
            let mut conv = convention_of(&case, &f);
            let geo = match case["geo_vintage"].as_u64() {
                Some(0) => None,
                Some(y) => geo::referential(y as u16),
                None => geo::referential(2026),
            };
            for cat in cats.iter().filter(|c| c.id == id) {
                conv.catalogue.id = cat.id.clone();
                conv.catalogue.version = cat.version.clone();
                let diags = if full {
                    rules::validate(&conv, cat, geo)
                } else {
                    check_segmentation(&conv, cat, geo)
                };
                count(&diags);
                let what = format!("{} with {}", f.display(), cat.version);
                check_all(&what, &diags, cat, &mut failures);
            }
        }
    }

    assert!(seen > 100, "only {seen} diagnostics produced");
    assert!(cited > 50, "only {cited} diagnostics cite an article");
    failures.sort();
    failures.dedup();
    assert!(
        failures.is_empty(),
        "{} problems, first ones:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The citation of every indicator of every embedded catalogue is short and names its source.
#[test]
fn every_indicator_citation_is_short() {
    for cat in embedded() {
        for ind in &cat.indicators {
            let c = cat.citation(ind);
            assert!(
                c.chars().count() <= MAX_ARTICLE_CHARS && c.contains(&ind.source.article),
                "{} {} {}: « {c} »",
                cat.id,
                cat.version,
                ind.code
            );
            let d = cat.cite(
                Diagnostic::error("E-TEST", "message", Default::default()),
                ind,
            );
            assert_eq!(d.article.as_deref(), Some(c.as_str()));
            assert_eq!(d.source.as_deref(), Some(ind.source.source.as_str()));
            assert!(cat.source(&ind.source.source).is_some());
        }
    }
}

/// Headings (engagement labels, indicator labels and short labels) carry no research note: the
/// note is in `wording_note`, shown under « Sources et fiabilité ».
#[test]
fn headings_carry_no_research_note() {
    let mut bad = Vec::new();
    for cat in embedded() {
        let headings = cat
            .engagements
            .iter()
            .flat_map(|e| [&e.area, &e.label])
            .chain(
                cat.indicators
                    .iter()
                    .flat_map(|i| [&i.short_label, &i.label]),
            )
            .chain([&cat.title]);
        for h in headings {
            let f = h.to_lowercase();
            if RESEARCH_PHRASES.iter().any(|p| f.contains(p)) {
                bad.push(format!("{} {}: « {h} »", cat.id, cat.version));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
