//! Workspaces of « Simuler »: edits copied as the page went away (`store::rescue`) put back by the
//! next page (`Workspaces::recover`), never over a newer version.

use std::future::Future;

use cus_core::consolidation::store::{file_ids, rescue, Workspaces};
use cus_core::consolidation::{Workspace, WorkspaceFile, WsEdit};
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

const T0: &str = "2026-12-02T10:00:00Z";
const T1: &str = "2026-12-02T10:01:00Z";

/// A stored workspace of two files: the store, its id, the workspace and its version.
fn stored() -> (Workspaces<MemoryBackend>, String, Workspace, u64) {
    let store = Workspaces::new(MemoryBackend::default());
    let mut ws = Workspace::new("PLH");
    WsEdit::AddFiles(vec![file("130005481", 1.0), file("775663438", 2.0)])
        .apply(&mut ws)
        .unwrap();
    let id = run(store.new_id()).unwrap();
    let v = run(store.save(&id, &ws, None, &[], T0)).unwrap();
    (store, id, ws, v)
}

#[test]
fn an_edit_rescued_is_put_back_whole_and_the_copy_is_small() {
    let (store, id, mut ws, v) = stored();
    WsEdit::Rename("PLH renommé".into()).apply(&mut ws).unwrap();
    let copy = rescue(&id, &ws, Some(v), &file_ids(&ws));
    assert!(
        !copy.contains("PP-1|departement:59"),
        "the stored files' conventions are not copied"
    );
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    let (back, v2, problems) = run(store.load(&id)).unwrap().unwrap();
    assert_eq!((back, v2, problems.len()), (ws.clone(), v + 1, 0));
    // Put back twice (the copy was not removed in time): nothing changes.
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    assert_eq!(run(store.load(&id)).unwrap().unwrap().1, v + 1);
}

#[test]
fn a_file_added_just_before_is_rescued_with_its_convention() {
    let (store, id, mut ws, v) = stored();
    let stored_ids = file_ids(&ws);
    WsEdit::AddFiles(vec![file("200000000", 3.0)])
        .apply(&mut ws)
        .unwrap();
    let copy = rescue(&id, &ws, Some(v), &stored_ids);
    assert_eq!(
        copy.matches("PP-1|departement:59").count(),
        1,
        "the new file only"
    );
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    let (back, _, problems) = run(store.load(&id)).unwrap().unwrap();
    assert_eq!((back, problems.len()), (ws, 0));
}

#[test]
fn a_save_written_as_the_page_went_away_makes_the_copy_useless() {
    let (store, id, mut ws, v) = stored();
    WsEdit::Rename("Écrit à temps".into())
        .apply(&mut ws)
        .unwrap();
    let copy = rescue(&id, &ws, Some(v), &file_ids(&ws));
    let v2 = run(store.save(&id, &ws, Some(v), &file_ids(&ws), T1)).unwrap();
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    assert_eq!(run(store.load(&id)).unwrap().unwrap().1, v2);
    assert!(run(store.aside()).unwrap().is_empty());
}

#[test]
fn a_newer_version_is_never_overwritten_the_copy_is_set_aside() {
    let (store, id, ws, v) = stored();
    // This tab's edit, copied as the page went away…
    let mut mine = ws.clone();
    WsEdit::Rename("Le mien".into()).apply(&mut mine).unwrap();
    let copy = rescue(&id, &mine, Some(v), &file_ids(&ws));
    // … while another tab saved another one.
    let mut theirs = ws.clone();
    WsEdit::Rename("Le leur".into()).apply(&mut theirs).unwrap();
    run(store.save(&id, &theirs, Some(v), &file_ids(&ws), T1)).unwrap();
    let message = run(store.recover(&copy, T1)).unwrap().expect("a message");
    assert!(
        message.contains("« Le mien »") && message.contains("mises de côté"),
        "{message}"
    );
    assert_eq!(run(store.load(&id)).unwrap().unwrap().0, theirs);
    let aside = run(store.aside()).unwrap();
    assert_eq!(
        aside,
        vec![(format!("espace-secours:{id}:1"), copy.clone())]
    );
    // The list of workspaces does not show it.
    assert_eq!(run(store.list()).unwrap().len(), 1);
    // A second copy goes beside the first.
    run(store.recover(&copy, T1)).unwrap();
    assert_eq!(run(store.aside()).unwrap().len(), 2);
}

#[test]
fn a_new_workspace_never_saved_is_created_by_its_copy() {
    let store = Workspaces::new(MemoryBackend::default());
    let mut ws = Workspace::new("Nouveau");
    WsEdit::AddFiles(vec![file("130005481", 1.0)])
        .apply(&mut ws)
        .unwrap();
    let copy = rescue("e1", &ws, None, &[]);
    assert_eq!(run(store.recover(&copy, T0)), Ok(None));
    assert_eq!(run(store.load("e1")).unwrap().unwrap().0, ws);
}

#[test]
fn a_workspace_deleted_since_or_an_unreadable_copy_is_forgotten() {
    let (store, id, mut ws, v) = stored();
    WsEdit::Rename("Supprimé ailleurs".into())
        .apply(&mut ws)
        .unwrap();
    let copy = rescue(&id, &ws, Some(v), &file_ids(&ws));
    run(store.delete(&id)).unwrap();
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    assert!(run(store.load(&id)).unwrap().is_none());
    assert_eq!(run(store.recover("{ cassé", T1)), Ok(None));
    assert!(run(store.backend().scan("")).unwrap().is_empty());
}

#[test]
fn a_storage_failure_keeps_the_copy_for_the_next_time() {
    let (store, id, mut ws, v) = stored();
    WsEdit::Rename("Plus tard".into()).apply(&mut ws).unwrap();
    let copy = rescue(&id, &ws, Some(v), &file_ids(&ws));
    store.backend().fail_commits.set(1);
    assert!(run(store.recover(&copy, T1)).is_err());
    assert_eq!(run(store.recover(&copy, T1)), Ok(None));
    assert_eq!(run(store.load(&id)).unwrap().unwrap().0.name, "Plus tard");
}
