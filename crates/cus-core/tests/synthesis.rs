//! Data-driven cases for the regional synthesis (« Simuler » → Compilation régionale,
//! `cus consolider`): each `tests/cases/synthesis/*.json` names a territory, a folder of
//! conventions (files as the app exports them) and the previous period's figures, and gives the
//! key sentences expected word for word and some table cells as the page shows them.
//!
//! Case 01 rebuilds the compilation of 30 first-generation CUS the Comité régional de l'habitat
//! du Nord-Pas-de-Calais published on 3 October 2012 (fictional organisms, figures chosen by
//! `scripts/samples/crh2012.py` to give the note's statistics).

use std::collections::BTreeMap;
use std::path::Path;

use cus_core::catalogue::{embedded, lookup};
use cus_core::consolidation::synthesis::{synthesis, SynthesisInput};
use cus_core::consolidation::{compile, consolidate, extract, parse_previous, review, Source};
use cus_core::convention::{Convention, TerritoryKey};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    description: String,
    territory: String,
    /// Folder (beside the case) of the conventions, one JSON export per organism.
    conventions: String,
    /// CSV of the previous period's figures (beside the case).
    #[serde(default)]
    previous: Option<String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// `section/sentence` → the sentence, word for word (spaces in numbers as plain spaces).
    sentences: BTreeMap<String, String>,
    /// `section/table/row/column` → the cell as shown.
    #[serde(default)]
    cells: BTreeMap<String, String>,
    /// Section ids, in order.
    sections: Vec<String>,
}

fn plain(s: &str) -> String {
    s.replace(['\u{202f}', '\u{a0}'], " ")
}

#[test]
fn synthesis_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/synthesis");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let cats = embedded();
    let geo = cus_core::geo::referential(2026).unwrap();
    let mut failures = Vec::new();
    for path in &cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let case: Case = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut files: Vec<_> = std::fs::read_dir(dir.join(&case.conventions))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let convs: Vec<(String, Convention)> = files
            .iter()
            .map(|p| {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                let conv: Convention = serde_json::from_value(v["convention"].clone())
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                (p.file_stem().unwrap().to_string_lossy().to_string(), conv)
            })
            .collect();
        let sources: Vec<Source> = convs
            .iter()
            .map(|(id, c)| Source {
                id,
                conv: c,
                cat: lookup(&cats, &c.catalogue.id, &c.catalogue.version)
                    .unwrap_or_else(|| panic!("{name}: catalogue of {id}")),
            })
            .collect();
        let previous = match &case.previous {
            Some(f) => parse_previous(&std::fs::read_to_string(dir.join(f)).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e:?}")),
            None => Vec::new(),
        };
        let territory: TerritoryKey = case.territory.parse().unwrap();
        let ex = extract(&territory, &sources, geo);
        let cons = consolidate(&ex, &sources, geo, &BTreeMap::new(), None, &[]);
        let comp = compile(&ex, &cons, &sources, geo);
        let rev = review(&ex, &sources, geo);
        let report = synthesis(&SynthesisInput {
            extract: &ex,
            consolidated: &cons,
            compilation: &comp,
            sources: &sources,
            geo,
            previous: &previous,
            review: Some(&rev),
            scenario: None,
        });
        let mut fail = |m: String| failures.push(format!("{name} ({}): {m}", case.description));
        let ids: Vec<&str> = report.sections.iter().map(|s| s.id.as_str()).collect();
        if ids != case.expect.sections {
            fail(format!("sections {ids:?}"));
        }
        for (key, want) in &case.expect.sentences {
            let (sec, id) = key.split_once('/').unwrap();
            let got = report.section(sec).and_then(|s| s.sentence(id)).map(plain);
            if got.as_deref() != Some(want.as_str()) {
                fail(format!("sentence {key}:\n  got  {got:?}\n  want {want:?}"));
            }
        }
        for (key, want) in &case.expect.cells {
            let parts: Vec<&str> = key.splitn(4, '/').collect();
            let got = report
                .section(parts[0])
                .and_then(|s| s.table(parts[1]))
                .and_then(|t| {
                    let c = t.columns.iter().position(|c| c == parts[3])?;
                    let r = t.rows.iter().find(|r| r.label == parts[2])?;
                    r.cells.get(c.checked_sub(1)?).map(|c| plain(&c.text_fr()))
                });
            if got.as_deref() != Some(want.as_str()) {
                fail(format!("cell {key}: got {got:?}, want {want:?}"));
            }
        }
        // Every figure of a key sentence is in the text a user pastes.
        let text = plain(&report.to_text(true));
        for s in report.sections.iter().flat_map(|s| &s.sentences) {
            assert!(text.contains(&plain(&s.text)), "{name}: {}", s.id);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
