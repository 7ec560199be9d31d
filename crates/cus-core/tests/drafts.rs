//! The invariants of stored drafts (`cus_core::drafts`), on the memory backend: the index stays
//! coherent, a failed write keeps the last good copy, an unreadable draft is set aside, a save
//! never overwrites what another tab wrote, a migration is all or nothing.

use std::future::Future;

use cus_core::convention::{Convention, Value};
use cus_core::drafts::{Backend, Batch, Drafts, Legacy, MemoryBackend, SaveError, QUOTA_EXCEEDED};
use proptest::prelude::*;

/// The memory backend's futures never wait.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match f.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => unreachable!("the memory backend never waits"),
    }
}

fn conv(name: &str, cells: &[(&str, f64)]) -> Convention {
    let mut c = Convention {
        name: name.to_string(),
        ..Convention::default()
    };
    for (k, v) in cells {
        c.values.insert(k.to_string(), Value::Number(*v));
    }
    c
}

const NOW: &str = "2026-12-02T10:00:00.000Z";
const LATER: &str = "2026-12-02T10:05:00.000Z";

fn stored(d: &Drafts<MemoryBackend>, id: &str) -> Convention {
    let text = run(d.backend().get(&format!("draft:{id}")))
        .unwrap()
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn create_open_save_round_trip() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("", &[]), NOW)).unwrap();
    assert_eq!(o.convention.name, "Brouillon 1");
    let c = conv("Brouillon 1", &[("PP-2|organisme|total|2024", 5.0)]);
    run(d.save(&o.id, &c, LATER)).unwrap();
    let list = run(d.list()).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].updated, LATER);
    assert_eq!(list[0].version, 2);
    assert_eq!(stored(&d, &o.id), c);
    assert!(run(d.check()).unwrap().is_empty());
}

#[test]
fn names_come_from_the_organism_then_a_number() {
    let d = Drafts::new(MemoryBackend::default());
    let mut c = Convention::default();
    c.organisme.raison_sociale = "  Habitat du Nord ".into();
    assert_eq!(
        run(d.create(c, NOW)).unwrap().convention.name,
        "Habitat du Nord"
    );
    assert_eq!(
        run(d.create(Convention::default(), NOW))
            .unwrap()
            .convention
            .name,
        "Brouillon 2"
    );
    let ids: Vec<String> = run(d.list()).unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(
        ids[0], ids[1],
        "two drafts created at the same instant get distinct ids"
    );
}

#[test]
fn a_failed_write_keeps_the_last_good_copy() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("A", &[("k", 1.0)]), NOW)).unwrap();
    d.backend().fail_commits.set(1);
    let r = run(d.save(&o.id, &conv("A", &[("k", 2.0)]), LATER));
    assert!(matches!(r, Err(SaveError::Storage(_))), "{r:?}");
    assert_eq!(stored(&d, &o.id), conv("A", &[("k", 1.0)]));
    // The next save goes through: the tab's knowledge did not move with the failed write.
    run(d.save(&o.id, &conv("A", &[("k", 3.0)]), LATER)).unwrap();
    assert_eq!(stored(&d, &o.id), conv("A", &[("k", 3.0)]));
}

#[test]
fn a_full_storage_keeps_the_last_good_copy_and_says_so() {
    let d = Drafts::new(MemoryBackend::with_quota(600));
    let o = run(d.create(conv("A", &[("k", 1.0)]), NOW)).unwrap();
    let big: Vec<(String, f64)> = (0..100)
        .map(|i| (format!("cellule-{i}"), i as f64))
        .collect();
    let big: Vec<(&str, f64)> = big.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = run(d.save(&o.id, &conv("A", &big), LATER));
    assert_eq!(
        r,
        Err(SaveError::Storage(cus_core::drafts::StorageError(
            QUOTA_EXCEEDED.into()
        )))
    );
    assert_eq!(stored(&d, &o.id), conv("A", &[("k", 1.0)]));
    assert_eq!(
        run(d.list()).unwrap()[0].updated,
        NOW,
        "the line is not updated either"
    );
    assert!(run(d.check()).unwrap().is_empty());
}

#[test]
fn an_unreadable_draft_is_set_aside_not_overwritten() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("A", &[]), NOW)).unwrap();
    let key = format!("draft:{}", o.id);
    d.backend()
        .records
        .borrow_mut()
        .insert(key.clone(), "{ pas du JSON".into());
    let opened = run(d.open(&o.id, LATER)).unwrap();
    assert_ne!(opened.id, o.id, "a new draft is opened");
    assert!(opened.message.unwrap().contains("mis de côté"));
    let aside = run(d.aside()).unwrap();
    assert_eq!(
        aside,
        vec![(format!("aside:{}:1", o.id), "{ pas du JSON".to_string())]
    );
    assert!(run(d.backend().get(&key)).unwrap().is_none());
    assert!(
        run(d.check()).unwrap().is_empty(),
        "the index stays coherent"
    );
    assert_eq!(run(d.list()).unwrap().len(), 1);
}

#[test]
fn two_tabs_never_overwrite_each_other() {
    // Two tabs share one storage: two `Drafts` over the same records.
    let shared = MemoryBackend::default();
    let a = Drafts::new(shared);
    let o = run(a.create(conv("A", &[("PP-2|2024", 5.0), ("PP-2|2025", 10.0)]), NOW)).unwrap();
    let b = Drafts::new(MemoryBackend {
        records: a.backend().records.clone(),
        ..MemoryBackend::default()
    });
    // `b` reads the same records: copy them back after each step to simulate one storage.
    let sync = |from: &Drafts<MemoryBackend>, to: &Drafts<MemoryBackend>| {
        *to.backend().records.borrow_mut() = from.backend().records.borrow().clone();
    };
    run(b.open(&o.id, NOW)).unwrap();
    run(a.save(
        &o.id,
        &conv("A", &[("PP-2|2024", 6.0), ("PP-2|2025", 10.0)]),
        LATER,
    ))
    .unwrap();
    sync(&a, &b);
    let r = run(b.save(
        &o.id,
        &conv("A", &[("PP-2|2024", 5.0), ("PP-2|2025", 11.0)]),
        LATER,
    ));
    assert_eq!(r, Err(SaveError::Conflict));
    assert_eq!(
        stored(&b, &o.id),
        conv("A", &[("PP-2|2024", 6.0), ("PP-2|2025", 10.0)])
    );
    // After reading it again, tab B's save goes through.
    b.forget(&o.id);
    let fresh = run(b.open(&o.id, LATER)).unwrap().convention;
    assert_eq!(fresh.values.get("PP-2|2024"), Some(&Value::Number(6.0)));
    run(b.save(
        &o.id,
        &conv("A", &[("PP-2|2024", 6.0), ("PP-2|2025", 11.0)]),
        LATER,
    ))
    .unwrap();
}

#[test]
fn a_deleted_draft_is_not_recreated_by_a_late_save() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("A", &[]), NOW)).unwrap();
    let other = Drafts::new(MemoryBackend::default());
    *other.backend().records.borrow_mut() = d.backend().records.borrow().clone();
    run(other.delete(&o.id)).unwrap();
    *d.backend().records.borrow_mut() = other.backend().records.borrow().clone();
    assert_eq!(
        run(d.save(&o.id, &conv("A", &[]), LATER)),
        Err(SaveError::Conflict)
    );
    assert!(run(d.list()).unwrap().is_empty());
}

#[test]
fn open_current_prefers_the_tab_then_the_most_recent() {
    let d = Drafts::new(MemoryBackend::default());
    let a = run(d.create(conv("A", &[]), NOW)).unwrap();
    let b = run(d.create(conv("B", &[]), NOW)).unwrap();
    run(d.save(&a.id, &conv("A", &[("k", 1.0)]), LATER)).unwrap();
    assert_eq!(
        run(d.open_current(std::slice::from_ref(&b.id), LATER))
            .unwrap()
            .id,
        b.id
    );
    assert_eq!(
        run(d.open_current(&["disparu".into()], LATER)).unwrap().id,
        a.id
    );
    let empty = Drafts::new(MemoryBackend::default());
    let o = run(empty.open_current(&[], NOW)).unwrap();
    assert_eq!(
        run(empty.list()).unwrap().len(),
        1,
        "a first draft is created: {}",
        o.id
    );
}

#[test]
fn drafts_are_told_apart_by_name_signature_and_version() {
    use cus_core::convention::{Signature, SignedVersion};
    let d = Drafts::new(MemoryBackend::default());
    let first = run(d.create(Convention::default(), NOW)).unwrap();
    assert_eq!(first.convention.name, "Brouillon 1");
    // Once the organism is entered, the draft is listed under its raison sociale.
    let mut c = first.convention.clone();
    c.organisme.raison_sociale = "Habitat du Nord".into();
    run(d.save(&first.id, &c, LATER)).unwrap();
    let line = |id: &str| {
        run(d.list())
            .unwrap()
            .into_iter()
            .find(|i| i.id == id)
            .unwrap()
    };
    assert_eq!(line(&first.id).name, "Habitat du Nord");
    assert_eq!(line(&first.id).status_fr(), "non signée");
    // Two copies of one draft have two names.
    let a = run(d.duplicate(&first.id, LATER)).unwrap();
    let b = run(d.duplicate(&first.id, LATER)).unwrap();
    assert_eq!(a.convention.name, "Habitat du Nord (copie)");
    assert_eq!(b.convention.name, "Habitat du Nord (copie 2)");
    // A blank draft takes a number no other draft has.
    let blank = run(d.create(Convention::default(), LATER)).unwrap();
    let names: Vec<String> = run(d.list()).unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(
        names
            .iter()
            .filter(|n| **n == blank.convention.name)
            .count(),
        1,
        "{names:?}"
    );
    // Signed, then an avenant in preparation, then the avenant signed.
    let sig = |label: &str, date: &str| Signature {
        date: date.into(),
        label: label.into(),
    };
    c.signature = Some(sig("Convention initiale", "2022-06-30"));
    run(d.save(&first.id, &c, LATER)).unwrap();
    assert_eq!(
        line(&first.id).status_fr(),
        "Convention initiale signée le 30/06/2022"
    );
    c.versions.push(SignedVersion {
        signature: c.signature.take().unwrap(),
        values: c.values.clone(),
    });
    run(d.save(&first.id, &c, LATER)).unwrap();
    assert_eq!(line(&first.id).status_fr(), "avenant n° 1 en préparation");
    c.signature = Some(sig("Avenant n° 1", "2024-01-15"));
    run(d.save(&first.id, &c, LATER)).unwrap();
    assert_eq!(
        line(&first.id).status_fr(),
        "Avenant n° 1 signé le 15/01/2024"
    );
    // A name the user chose is kept.
    assert!(!cus_core::drafts::is_automatic_name("Brouillon de travail"));
    assert!(cus_core::drafts::is_automatic_name("Brouillon 12"));
}

#[test]
fn duplicate_and_rename() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("Habitat 59", &[("k", 1.0)]), NOW)).unwrap();
    let copy = run(d.duplicate(&o.id, LATER)).unwrap();
    assert_eq!(copy.convention.name, "Habitat 59 (copie)");
    assert_eq!(copy.convention.values, conv("", &[("k", 1.0)]).values);
    run(d.rename(&copy.id, " Variante ", LATER)).unwrap();
    let names: Vec<String> = run(d.list()).unwrap().into_iter().map(|i| i.name).collect();
    assert!(names.contains(&"Variante".to_string()), "{names:?}");
    assert_eq!(stored(&d, &copy.id).name, "Variante");
}

fn legacy() -> Legacy {
    Legacy {
        index: Some(
            r#"[{"id":"b1-1","name":"Ancien","updated":"2026-11-20T08:00:00.000Z"},
                {"id":"b2-1","name":"Second","updated":"2026-11-21T08:00:00.000Z"}]"#
                .into(),
        ),
        drafts: vec![
            (
                "b1-1".into(),
                serde_json::to_string(&conv("", &[("k", 4.0)])).unwrap(),
            ),
            (
                "b2-1".into(),
                serde_json::to_string(&conv("Second", &[])).unwrap(),
            ),
            ("b3-1.illisible".into(), "{ cassé".into()),
        ],
    }
}

#[test]
fn migration_copies_every_draft_once() {
    let d = Drafts::new(MemoryBackend::default());
    let m = run(d.migrate(&legacy(), NOW)).unwrap();
    assert_eq!(m.copied, vec!["b1-1", "b2-1", "b3-1.illisible"]);
    assert_eq!(m.set_aside, 1);
    let list = run(d.list()).unwrap();
    assert_eq!(
        list.iter()
            .map(|i| (i.name.as_str(), i.updated.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("Ancien", "2026-11-20T08:00:00.000Z"),
            ("Second", "2026-11-21T08:00:00.000Z")
        ]
    );
    assert_eq!(stored(&d, "b1-1").values, conv("", &[("k", 4.0)]).values);
    assert_eq!(run(d.aside()).unwrap().len(), 1);
    assert!(run(d.check()).unwrap().is_empty());
    // Run again (another reload before the former copies were removed): nothing doubles.
    let again = run(d.migrate(&legacy(), LATER)).unwrap();
    assert_eq!(again.skipped, vec!["b1-1", "b2-1", "b3-1.illisible"]);
    assert!(again.copied.is_empty());
    assert_eq!(run(d.aside()).unwrap().len(), 1);
    assert_eq!(run(d.list()).unwrap().len(), 2);
}

#[test]
fn migration_is_all_or_nothing() {
    let d = Drafts::new(MemoryBackend::with_quota(100));
    let r = run(d.migrate(&legacy(), NOW));
    assert!(r.is_err());
    assert!(
        d.backend().records.borrow().is_empty(),
        "nothing half-copied"
    );
}

#[test]
fn a_rescue_copy_is_saved_when_nobody_wrote_since() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("A", &[("k", 1.0)]), NOW)).unwrap();
    let rescue = d.rescue(&o.id, &conv("A", &[("k", 2.0)])).unwrap();
    // The page went away; the next page reads the rescue copy.
    let next = Drafts::new(MemoryBackend::default());
    *next.backend().records.borrow_mut() = d.backend().records.borrow().clone();
    assert_eq!(run(next.recover(&rescue, LATER)).unwrap(), None);
    assert_eq!(stored(&next, &o.id), conv("A", &[("k", 2.0)]));
    // Read again (the save had gone through after all): nothing changes.
    assert_eq!(run(next.recover(&rescue, LATER)).unwrap(), None);
    assert!(run(next.aside()).unwrap().is_empty());
    assert_eq!(d.rescue("inconnu", &conv("", &[])), None);
}

#[test]
fn a_rescue_copy_never_overwrites_a_newer_version() {
    let d = Drafts::new(MemoryBackend::default());
    let o = run(d.create(conv("A", &[("k", 1.0)]), NOW)).unwrap();
    let rescue = d.rescue(&o.id, &conv("A", &[("k", 2.0)])).unwrap();
    let other = Drafts::new(MemoryBackend::default());
    *other.backend().records.borrow_mut() = d.backend().records.borrow().clone();
    run(other.open(&o.id, NOW)).unwrap();
    run(other.save(&o.id, &conv("A", &[("k", 3.0)]), LATER)).unwrap();
    let message = run(other.recover(&rescue, LATER)).unwrap().unwrap();
    assert!(message.contains("mises de côté"), "{message}");
    assert_eq!(stored(&other, &o.id), conv("A", &[("k", 3.0)]));
    let aside = run(other.aside()).unwrap();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        serde_json::from_str::<Convention>(&aside[0].1).unwrap(),
        conv("A", &[("k", 2.0)])
    );
    assert_eq!(run(other.recover("pas une copie", LATER)).unwrap(), None);
}

#[test]
fn commits_check_their_expectations() {
    let b = MemoryBackend::default();
    let put = |k: &str, v: &str, expect: Option<&str>| Batch {
        expect: vec![(k.to_string(), expect.map(str::to_string))],
        put: vec![(k.to_string(), v.to_string())],
        delete: vec![],
    };
    use cus_core::drafts::Commit;
    assert_eq!(run(b.commit(put("x", "1", None))).unwrap(), Commit::Done);
    assert_eq!(
        run(b.commit(put("x", "2", None))).unwrap(),
        Commit::Conflict
    );
    assert_eq!(
        run(b.commit(put("x", "2", Some("0")))).unwrap(),
        Commit::Conflict
    );
    assert_eq!(
        run(b.commit(put("x", "2", Some("1")))).unwrap(),
        Commit::Done
    );
    assert_eq!(run(b.get("x")).unwrap().as_deref(), Some("2"));
    assert_eq!(run(b.scan("y")).unwrap(), vec![]);
}

#[derive(Clone, Debug)]
enum Op {
    Create(u8),
    Save(usize, u8),
    Delete(usize),
    Duplicate(usize),
    Open(usize),
    Corrupt(usize),
    FailNext,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        any::<u8>().prop_map(Op::Create),
        (0..6usize, any::<u8>()).prop_map(|(i, v)| Op::Save(i, v)),
        (0..6usize).prop_map(Op::Delete),
        (0..6usize).prop_map(Op::Duplicate),
        (0..6usize).prop_map(Op::Open),
        (0..6usize).prop_map(Op::Corrupt),
        Just(Op::FailNext),
    ]
}

proptest! {
    /// Whatever happens (failed writes, a full storage, corrupted records), the index stays
    /// coherent and every stored draft is the last one saved successfully, or was set aside.
    #[test]
    fn random_operations_keep_the_index_coherent(ops in prop::collection::vec(op(), 1..40)) {
        let d = Drafts::new(MemoryBackend::with_quota(4_000));
        let mut expected: std::collections::BTreeMap<String, Convention> = Default::default();
        for (step, op) in ops.into_iter().enumerate() {
            let now = format!("2026-12-02T10:{:02}:00.000Z", step % 60);
            let ids: Vec<String> = run(d.list()).unwrap().into_iter().map(|i| i.id).collect();
            let pick = |i: usize| ids.get(i % ids.len().max(1)).cloned();
            match op {
                Op::Create(v) => {
                    if let Ok(o) = run(d.create(conv("", &[("k", v as f64)]), &now)) {
                        expected.insert(o.id, o.convention);
                    }
                }
                Op::Save(i, v) => if let Some(id) = pick(i) {
                    if run(d.open(&id, &now)).map(|o| o.id == id).unwrap_or(false) {
                        let mut c = expected[&id].clone();
                        c.values.insert(format!("c{v}"), Value::Number(v as f64));
                        if run(d.save(&id, &c, &now)).is_ok() {
                            expected.insert(id, c);
                        }
                    }
                },
                Op::Delete(i) => if let Some(id) = pick(i) {
                    if run(d.delete(&id)).is_ok() { expected.remove(&id); }
                },
                Op::Duplicate(i) => if let Some(id) = pick(i) {
                    if let Ok(o) = run(d.duplicate(&id, &now)) { expected.insert(o.id, o.convention); }
                },
                Op::Open(i) => if let Some(id) = pick(i) {
                    if let Ok(o) = run(d.open(&id, &now)) {
                        if o.id != id { expected.remove(&id); expected.insert(o.id, o.convention); }
                    }
                },
                Op::Corrupt(i) => if let Some(id) = pick(i) {
                    d.backend().records.borrow_mut().insert(format!("draft:{id}"), "{".into());
                    // Opening sets it aside (when the storage lets it write).
                    if let Ok(o) = run(d.open(&id, &now)) {
                        prop_assert_ne!(&o.id, &id);
                        expected.remove(&id);
                        expected.insert(o.id, o.convention);
                    } else if run(d.backend().get(&format!("info:{id}"))).unwrap().is_some() {
                        // The storage refused to set it aside: put the good copy back.
                        d.backend().records.borrow_mut()
                            .insert(format!("draft:{id}"), serde_json::to_string(&expected[&id]).unwrap());
                    } else {
                        // Set aside, but the new blank draft could not be created.
                        expected.remove(&id);
                    }
                },
                Op::FailNext => d.backend().fail_commits.set(1),
            }
            prop_assert_eq!(run(d.check()).unwrap(), Vec::<String>::new());
            let ids: Vec<String> = run(d.list()).unwrap().into_iter().map(|i| i.id).collect();
            prop_assert_eq!(&ids, &expected.keys().cloned().collect::<Vec<_>>());
            for (id, c) in &expected {
                let text = run(d.backend().get(&format!("draft:{id}"))).unwrap().unwrap();
                if text != "{" {
                    prop_assert_eq!(&serde_json::from_str::<Convention>(&text).unwrap(), c);
                }
            }
        }
    }
}
