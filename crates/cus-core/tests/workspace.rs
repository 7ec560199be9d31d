//! Workspaces of « Simuler sur mon territoire »: typed edits (what each changes, refusals in
//! French leaving the workspace unchanged) and storage (files written once, a save refused when
//! another tab saved since, a workspace restored whole).

use std::future::Future;

use cus_core::consolidation::store::{file_ids, Workspaces, WsSaveError};
use cus_core::consolidation::{
    Change, Objective, Scenario, Workspace, WorkspaceFile, WsEdit, WsTouched, WORKSPACE_FORMAT,
};
use cus_core::convention::{Convention, Value};
use cus_core::drafts::{Backend, MemoryBackend};

fn run<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("the memory backend never waits"),
    }
}

fn file(siren: &str, v: f64) -> WorkspaceFile {
    let mut c = Convention::default();
    c.organisme.siren = siren.into();
    c.catalogue.id = "cus2-logements-locatifs".into();
    c.values
        .insert("PP-1|departement:59|total|c6".into(), Value::Number(v));
    WorkspaceFile {
        id: String::new(),
        file_name: format!("{siren}.json"),
        convention: c,
        errors: 0,
        warnings: 0,
        excluded: false,
    }
}

#[test]
fn edits_say_what_they_touch_and_refusals_change_nothing() {
    let mut ws = Workspace::new("PLH");
    let cases: Vec<(WsEdit, Result<WsTouched, &str>)> = vec![
        (WsEdit::Rename("PLH Lille".into()), Ok(WsTouched::Nothing)),
        (WsEdit::Rename("  ".into()), Err("Donnez un nom")),
        (
            WsEdit::SetTerritory {
                territory: Some("epci:200093201".parse().unwrap()),
                geo_vintage: Some(2026),
            },
            Ok(WsTouched::Sources),
        ),
        (
            WsEdit::AddFiles(vec![
                file("130005481", 1.0),
                file("130005481", 2.0),
                file("775663438", 3.0),
            ]),
            Ok(WsTouched::Sources),
        ),
        (
            WsEdit::KeepOnly { file: "f2".into() },
            Ok(WsTouched::Sources),
        ),
        (
            WsEdit::KeepOnly { file: "f3".into() },
            Err("pas de doublon"),
        ),
        (
            WsEdit::SetSplitKey {
                file: "f3".into(),
                share: Some(0.4),
            },
            Ok(WsTouched::Arithmetic),
        ),
        (
            WsEdit::SetSplitKey {
                file: "f3".into(),
                share: Some(1.5),
            },
            Err("entre 0 et 100 %"),
        ),
        (
            WsEdit::SetSplitKey {
                file: "f9".into(),
                share: Some(0.5),
            },
            Err("n'est pas dans l'espace"),
        ),
        (
            WsEdit::SetObjective {
                indicator: "PP-1".into(),
                split: "total".into(),
                period: "c6".into(),
                value: Some(500.0),
            },
            Ok(WsTouched::Arithmetic),
        ),
        (
            WsEdit::SetObjective {
                indicator: "PP-1".into(),
                split: "total".into(),
                period: "c6".into(),
                value: Some(600.0),
            },
            Ok(WsTouched::Arithmetic),
        ),
        (
            WsEdit::SetObjective {
                indicator: "PP-1".into(),
                split: "PLAI".into(),
                period: "c6".into(),
                value: Some(-1.0),
            },
            Err("positif ou nul"),
        ),
        (
            WsEdit::AddScenario(String::new()),
            Ok(WsTouched::Arithmetic),
        ),
        (
            WsEdit::AddChange {
                scenario: 0,
                change: Change::Realisation { percent: 80.0 },
            },
            Ok(WsTouched::Arithmetic),
        ),
        (
            WsEdit::AddChange {
                scenario: 0,
                change: Change::Realisation { percent: f64::NAN },
            },
            Err("entre 0 et 1 000 %"),
        ),
        (
            WsEdit::AddChange {
                scenario: 3,
                change: Change::Realisation { percent: 80.0 },
            },
            Err("n° 4 n'existe pas"),
        ),
        (
            WsEdit::RenameScenario {
                index: 0,
                name: "Tendanciel".into(),
            },
            Ok(WsTouched::Nothing),
        ),
        (
            WsEdit::RemoveChange {
                scenario: 0,
                index: 5,
            },
            Err("n'existe plus"),
        ),
        (WsEdit::RemoveFile("f1".into()), Ok(WsTouched::Sources)),
    ];
    for (i, (edit, expected)) in cases.into_iter().enumerate() {
        let before = ws.clone();
        let got = edit.clone().apply(&mut ws);
        match (&got, &expected) {
            (Ok(t), Ok(e)) => assert_eq!(t, e, "step {i}: {edit:?}"),
            (Err(m), Err(e)) => {
                assert!(m.contains(e), "step {i}: {m}");
                assert_eq!(ws, before, "step {i}: a refused edit changed the workspace");
            }
            _ => panic!("step {i}: {edit:?} gave {got:?}, expected {expected:?}"),
        }
    }
    assert_eq!(ws.name, "PLH Lille");
    // Adding a file of an organism already there: the new one counts, the older is set aside.
    WsEdit::AddFiles(vec![file("775663438", 4.0)])
        .apply(&mut ws)
        .unwrap();
    let flags: Vec<(String, bool)> = ws
        .files
        .iter()
        .map(|f| (f.id.clone(), f.excluded))
        .collect();
    assert_eq!(
        flags,
        [
            ("f2".into(), false),
            ("f3".into(), true),
            ("f4".into(), false)
        ]
    );
    // Removing the copy kept: the other copy of the organism is kept, never left out for good.
    WsEdit::RemoveFile("f4".into()).apply(&mut ws).unwrap();
    assert!(
        !ws.files.iter().find(|f| f.id == "f3").unwrap().excluded,
        "the last copy of a duplicate group is kept"
    );
    // The same file added again changes nothing and says so.
    let again = ws.files[1].clone();
    let before = ws.clone();
    let err = WsEdit::AddFiles(vec![again]).apply(&mut ws).unwrap_err();
    assert!(err.contains("déjà dans l'espace"), "{err}");
    assert_eq!(ws, before);
    WsEdit::SetExcluded {
        file: "f3".into(),
        excluded: false,
    }
    .apply(&mut ws)
    .unwrap();
    assert_eq!(file_ids(&ws), ["f2", "f3"]);
    assert!(!ws.files[0].excluded, "the kept duplicate is in");
    assert_eq!(ws.objectives.len(), 1);
    assert_eq!(ws.objectives[0].value, 600.0);
    assert_eq!(ws.scenarios[0].name, "Tendanciel");
    assert_eq!(ws.split_keys.get("f3"), Some(&0.4));
}

#[test]
fn stored_workspaces_are_restored_whole_and_never_overwrite_another_tab() {
    let store = Workspaces::new(MemoryBackend::default());
    let mut ws = Workspace::new("PLH");
    WsEdit::AddFiles(vec![file("130005481", 1.0), file("775663438", 2.0)])
        .apply(&mut ws)
        .unwrap();
    let id = run(store.new_id()).unwrap();
    let v1 = run(store.save(&id, &ws, None, &[], "2026-12-02T10:00:00Z")).unwrap();
    let (back, v, problems) = run(store.load(&id)).unwrap().unwrap();
    assert_eq!((back.clone(), v, problems.len()), (ws.clone(), v1, 0));
    // An edit of objectives rewrites the small record only.
    let before: Vec<(String, String)> = run(store_backend(&store).scan("espace-fichier:")).unwrap();
    WsEdit::SetObjective {
        indicator: "PP-1".into(),
        split: "total".into(),
        period: "c6".into(),
        value: Some(9.0),
    }
    .apply(&mut ws)
    .unwrap();
    let v2 = run(store.save(&id, &ws, Some(v1), &file_ids(&back), "2026-12-02T10:01:00Z")).unwrap();
    assert_eq!(
        run(store_backend(&store).scan("espace-fichier:")).unwrap(),
        before
    );
    // A tab still at v1 is refused.
    assert_eq!(
        run(store.save(&id, &ws, Some(v1), &file_ids(&ws), "2026-12-02T10:02:00Z")),
        Err(WsSaveError::Conflict)
    );
    // Removing a file deletes its record.
    WsEdit::RemoveFile("f1".into()).apply(&mut ws).unwrap();
    run(store.save(
        &id,
        &ws,
        Some(v2),
        &["f1".into(), "f2".into()],
        "2026-12-02T10:03:00Z",
    ))
    .unwrap();
    assert_eq!(
        run(store_backend(&store).scan("espace-fichier:"))
            .unwrap()
            .len(),
        1
    );
    let (back, _, _) = run(store.load(&id)).unwrap().unwrap();
    assert_eq!(back, ws);
    let list = run(store.list()).unwrap();
    assert_eq!(
        (list.len(), list[0].files, list[0].name.as_str()),
        (1, 1, "PLH")
    );
    run(store.delete(&id)).unwrap();
    assert!(run(store.load(&id)).unwrap().is_none());
    assert!(run(store_backend(&store).scan("espace"))
        .unwrap()
        .is_empty());
}

fn store_backend(s: &Workspaces<MemoryBackend>) -> &MemoryBackend {
    s.backend()
}

#[test]
fn a_removed_file_id_is_never_given_again_and_its_scenario_changes_go_with_it() {
    let mut ws = Workspace::new("PLH");
    WsEdit::AddFiles(vec![file("130005481", 1.0), file("775663438", 2.0)])
        .apply(&mut ws)
        .unwrap();
    let cell = |source: &str| Change::Cell {
        source: source.into(),
        indicator: "PP-1".into(),
        column: "total|c6".into(),
        value: Some(9.0),
    };
    ws.scenarios.push(cus_core::consolidation::Scenario {
        name: "Hypothèse".into(),
        changes: vec![
            cell("f2"),
            cell("f1"),
            Change::Scale {
                source: Some("f2".into()),
                indicator: "PP-1".into(),
                percent: 50.0,
            },
            Change::Realisation { percent: 80.0 },
        ],
    });
    WsEdit::RemoveFile("f2".into()).apply(&mut ws).unwrap();
    // The changes of f2 went with it; the others stay.
    assert_eq!(
        ws.scenarios[0].changes,
        vec![cell("f1"), Change::Realisation { percent: 80.0 }]
    );
    // Another organism added: a new id, not f2, even after a save and a reload.
    let ws2 = Workspace::from_json(&ws.to_json()).unwrap();
    for mut w in [ws, ws2] {
        WsEdit::AddFiles(vec![file("200000172", 3.0)])
            .apply(&mut w)
            .unwrap();
        assert_eq!(file_ids(&w), ["f1", "f3"]);
    }
}

#[test]
fn a_first_format_workspace_is_placed_in_the_calendar_and_on_its_territory() {
    // Format /1: objectives and scenario figures by convention year; the columns were labelled
    // from the earliest first year of the files (2020 here), so `a1` meant 2020.
    let mut early = file("130005481", 1.0);
    early.id = "f1".into();
    early.convention.signing_year = Some(2021);
    let mut late = file("775663438", 2.0);
    late.id = "f2".into();
    late.convention.signing_year = Some(2020);
    let mut ws = Workspace::new("PLH");
    ws.territory = Some("epci:200093201".parse().unwrap());
    ws.files = vec![early, late];
    ws.objectives = vec![
        Objective {
            indicator: "PP-1".into(),
            split: "total".into(),
            period: "a2".into(),
            value: 10.0,
            territory: None,
        },
        Objective {
            indicator: "PP-1".into(),
            split: "total".into(),
            period: "c6".into(),
            value: 60.0,
            territory: None,
        },
    ];
    ws.scenarios = vec![Scenario {
        name: "S".into(),
        changes: vec![Change::Cell {
            source: "f1".into(),
            indicator: "PP-1".into(),
            column: "PLAI|c3".into(),
            value: Some(5.0),
        }],
    }];
    let json = ws.to_json().replace(
        WORKSPACE_FORMAT,
        cus_core::consolidation::WORKSPACE_FORMAT_1,
    );
    assert!(json.contains("cus-espace-simulation/1"));
    let back = Workspace::from_json(&json).unwrap();
    assert_eq!(back.format, WORKSPACE_FORMAT);
    let periods: Vec<&str> = back.objectives.iter().map(|o| o.period.as_str()).collect();
    assert_eq!(periods, ["2021", "2020-2025"]);
    assert!(back
        .objectives
        .iter()
        .all(|o| o.territory == Some("epci:200093201".parse().unwrap())));
    match &back.scenarios[0].changes[0] {
        Change::Cell { column, .. } => assert_eq!(column, "PLAI|2020-2022"),
        other => panic!("{other:?}"),
    }
    // Idempotent: a second upgrade, or placing again, changes nothing.
    let mut twice = back.clone();
    twice.upgrade();
    twice.place_in_calendar();
    assert_eq!(twice, back);
    // A workspace of this format keeps its keys (an undated convention's `a1` stays `a1`).
    let mut current = ws.clone();
    current.format = WORKSPACE_FORMAT.to_string();
    let kept = current.objectives.clone();
    current.upgrade();
    assert_eq!(current.objectives, kept);
}
