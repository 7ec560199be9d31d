//! The exercises of « Se former » (`data/formation/*.toml`): every embedded module parses and
//! passes the checks (codes in the catalogue named, articles, « Trouvez l'erreur » cases that make
//! the rule engine report exactly the expected diagnostics, « Calculez » answers equal to what
//! `calc` computes); the broken files of `tests/cases/formation/` fail with the code, file and
//! line they announce; coverage of themes, generations and kinds of CUS; grading of every
//! exercise with its own right answer, and with wrong ones.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use cus_core::catalogue::{embedded as catalogues, CusKind, Generation};
use cus_core::diagnostic::Diagnostic;
use cus_core::formation::{
    self, case, catalogue_of, check, embedded, grade, parse, Basis, ExerciseType, Module, Theme,
};

fn lines(d: &[Diagnostic]) -> String {
    d.iter()
        .map(Diagnostic::to_line_fr)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_embedded_module_parses_and_passes_the_checks() {
    let cats = catalogues();
    let mut failures = Vec::new();
    let mut modules: Vec<Module> = Vec::new();
    for (file, text) in formation::embedded_texts() {
        match parse(text, file) {
            Err(d) => failures.push(lines(&d)),
            Ok(m) => {
                let d = check(&m, &cats, &modules);
                if !d.is_empty() {
                    failures.push(lines(&d));
                }
                modules.push(m);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "exercices invalides :\n{}",
        failures.join("\n")
    );
    assert!(modules.len() >= 10, "{} modules", modules.len());
    let ids: BTreeSet<&str> = modules.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), modules.len(), "module ids are unique");
}

/// `# attendu : E-FORM-CODE, ligne 14` on the first line of a broken case.
fn announced(text: &str) -> (String, usize) {
    let first = text.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix("# attendu : ")
        .unwrap_or_else(|| panic!("first line must be « # attendu : CODE, ligne N »: {first}"));
    let (code, line) = rest.split_once(", ligne ").expect("« CODE, ligne N »");
    (
        code.trim().to_string(),
        line.trim().parse().expect("a line number"),
    )
}

#[test]
fn broken_exercises_fail_with_file_and_line() {
    let cats = catalogues();
    let others = embedded();
    for path in common::case_files("formation", 28) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let (code, line) = announced(&text);
        let diags = match parse(&text, &name) {
            Err(d) => d,
            Ok(m) => check(&m, &cats, &others),
        };
        assert!(!diags.is_empty(), "{name}: no diagnostic");
        let hit = diags
            .iter()
            .find(|d| d.code == code && d.location.line == Some(line));
        assert!(
            hit.is_some(),
            "{name}: expected {code} at line {line}, got:\n{}",
            lines(&diags)
        );
        println!("{}", lines(&diags));
        for d in &diags {
            let l = d.to_line_fr();
            assert!(
                l.contains(&format!("fichier {name}")) && l.contains("ligne "),
                "{name}: the message names the file and the line: {l}"
            );
            assert!(
                l.starts_with("Erreur [E-FORM-"),
                "{name}: a French error of the training checks: {l}"
            );
        }
        // A pack is refused the same way.
        assert!(formation::load_pack(&text, &name, &cats, &others).is_err());
    }
}

#[test]
fn coverage_of_themes_generations_and_kinds() {
    let cats = catalogues();
    let modules = embedded();
    let all: Vec<_> = modules.iter().flat_map(|m| &m.exercises).collect();
    assert!(all.len() >= 40, "{} exercises, at least 40", all.len());
    let mut themes: BTreeMap<Theme, usize> = BTreeMap::new();
    let mut generations: BTreeMap<Generation, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<CusKind, usize> = BTreeMap::new();
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    for ex in &all {
        for t in &ex.themes {
            *themes.entry(*t).or_default() += 1;
        }
        let cat = catalogue_of(ex, &cats).expect("catalogue");
        *generations.entry(cat.generation).or_default() += 1;
        *kinds.entry(cat.kind).or_default() += 1;
        *types.entry(ex.kind.label_fr()).or_default() += 1;
    }
    println!("{} exercices ; thèmes {themes:?}", all.len());
    println!("générations {generations:?} ; types de CUS {kinds:?} ; genres {types:?}");
    for t in Theme::ALL {
        assert!(
            themes.get(&t).copied().unwrap_or(0) >= 2,
            "theme {t:?}: {themes:?}"
        );
    }
    for g in [Generation::Premiere, Generation::Deuxieme] {
        assert!(generations.get(&g).copied().unwrap_or(0) >= 5, "{g:?}");
    }
    for k in [
        CusKind::LogementsLocatifs,
        CusKind::LogementsFoyers,
        CusKind::Accession,
    ] {
        assert!(kinds.get(&k).copied().unwrap_or(0) >= 3, "{k:?}");
    }
    for t in [
        ExerciseType::ChoixUnique,
        ExerciseType::ChoixMultiple,
        ExerciseType::Numerique,
        ExerciseType::TrouvezLErreur,
        ExerciseType::Calculez,
        ExerciseType::Exemple,
    ] {
        assert!(
            types.get(t.label_fr()).copied().unwrap_or(0) >= 3,
            "{t:?}: {types:?}"
        );
    }
    // Every module is a short sequence.
    for m in &modules {
        assert!(
            (2..=8).contains(&m.exercises.len()),
            "{}: {} exercises",
            m.id,
            m.exercises.len()
        );
    }
}

#[test]
fn the_index_of_the_shell_lists_every_code_cited() {
    let modules = embedded();
    let mut want = Vec::new();
    for m in &modules {
        for (i, ex) in m.exercises.iter().enumerate() {
            for code in &ex.codes {
                want.push((
                    ex.catalogue.clone(),
                    ex.version.clone(),
                    code.clone(),
                    m.id.clone(),
                    i + 1,
                    ex.title.clone(),
                ));
            }
        }
    }
    let got: Vec<_> = formation::INDEX
        .iter()
        .map(|e| {
            (
                e.catalogue.to_string(),
                e.version.to_string(),
                e.code.to_string(),
                e.module.to_string(),
                e.step,
                e.title.to_string(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn every_exercise_is_graded_right_with_its_answer_and_wrong_otherwise() {
    let cats = catalogues();
    for m in embedded() {
        for ex in &m.exercises {
            let at = format!("{}/{}", m.id, ex.id);
            let cat = catalogue_of(ex, &cats).unwrap();
            match ex.kind {
                ExerciseType::ChoixUnique | ExerciseType::ChoixMultiple => {
                    let right = grade::right_choices(ex);
                    assert!(grade::choices(ex, &right).correct, "{at}");
                    let all: BTreeSet<usize> = (0..ex.choices.len()).collect();
                    assert!(!grade::choices(ex, &all).correct, "{at}: everything ticked");
                    assert!(!grade::choices(ex, &BTreeSet::new()).correct, "{at}");
                }
                ExerciseType::Numerique => {
                    let a = ex.answer.unwrap();
                    let tol = ex.tolerance.unwrap_or(0.0);
                    let fr = cus_core::numfmt::format_fr(a, 6);
                    assert!(grade::number(ex, &fr).unwrap().correct, "{at}: {fr}");
                    let off = cus_core::numfmt::format_fr(a + tol + 1.0, 6);
                    assert!(!grade::number(ex, &off).unwrap().correct, "{at}: {off}");
                    assert!(grade::number(ex, "beaucoup").is_err(), "{at}");
                }
                ExerciseType::Calculez => {
                    let ind = cat.indicator(ex.indicator.as_ref().unwrap()).unwrap();
                    let conv = ex.case.as_ref().map(|c| case::convention(c, cat, ind).0);
                    let r = case::compute(ex.calc.as_ref().unwrap(), conv.as_ref(), cat, ind)
                        .unwrap_or_else(|e| panic!("{at}: {e}"));
                    let a = cus_core::numfmt::format_fr(ex.answer.unwrap(), 6);
                    assert!(grade::computed(ex, &r, &a).unwrap().correct, "{at}: {a}");
                    let off = cus_core::numfmt::format_fr(r.value + 1.0, 6);
                    assert!(!grade::computed(ex, &r, &off).unwrap().correct, "{at}");
                    assert!(!r.formula_fr.is_empty());
                }
                ExerciseType::TrouvezLErreur => {
                    let targets = grade::targets(ex, cat).unwrap();
                    assert_eq!(targets.len(), ex.expected.len(), "{at}");
                    let code = ex.indicator.as_deref().unwrap();
                    let expected: BTreeSet<String> = ex
                        .expected
                        .iter()
                        .map(|e| grade::full_key(code, &e.cell))
                        .collect();
                    let g = grade::cells(ex, &targets, &expected);
                    assert!(g.correct, "{at}: {:?}", g.feedback);
                    // Any accepted cell of each error will do.
                    let alt: BTreeSet<String> = targets
                        .iter()
                        .map(|t| t.accepted.iter().next_back().unwrap().clone())
                        .collect();
                    assert!(grade::cells(ex, &targets, &alt).correct, "{at}");
                    assert!(
                        !grade::cells(ex, &targets, &BTreeSet::new()).correct,
                        "{at}"
                    );
                    // A cell without error clicked as well: wrong.
                    let ind = cat.indicator(code).unwrap();
                    let (conv, _) = case::convention(ex.case.as_ref().unwrap(), cat, ind);
                    let shown = case::shown(&conv, cat, code).unwrap();
                    let shape =
                        cus_core::convention::GridShape::new(&conv, &shown, conv.referential());
                    let clean = (0..shape.n_rows())
                        .flat_map(|r| (0..shape.n_cols()).map(move |c| (r, c)))
                        .filter_map(|(r, c)| shape.key_at(r, c))
                        .find(|k| !targets.iter().any(|t| t.accepted.contains(k)))
                        .expect("a cell without error");
                    let mut more = expected.clone();
                    more.insert(clean);
                    let g = grade::cells(ex, &targets, &more);
                    assert!(!g.correct && g.wrong.len() == 1, "{at}");
                    // The targets are the rules' diagnostics, with their article when the rule
                    // comes from the indicator's definition.
                    for t in &targets {
                        assert!(!t.diagnostic.message.is_empty());
                    }
                }
                ExerciseType::Exemple => {
                    let ind = cat.indicator(ex.indicator.as_ref().unwrap()).unwrap();
                    let (conv, problems) = case::convention(ex.case.as_ref().unwrap(), cat, ind);
                    assert!(problems.is_empty(), "{at}");
                    for spec in &ex.calculations {
                        let r = case::compute(spec, Some(&conv), cat, ind).unwrap();
                        assert!(!r.formula_fr.is_empty(), "{at}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_pack_is_checked_like_an_embedded_module() {
    let cats = catalogues();
    let others = embedded();
    let (file, text) = formation::embedded_texts()[0];
    // The same module under another id is a valid pack.
    let m = parse(text, file).unwrap();
    let renamed = text.replacen(&format!("id = \"{}\"", m.id), "id = \"mon-pack\"", 1);
    let pack = formation::load_pack(&renamed, "mon-pack.toml", &cats, &others).unwrap();
    assert_eq!(pack.exercises.len(), m.exercises.len());
    // Its own id again: refused, in French, with the line.
    let e = formation::load_pack(text, "copie.toml", &cats, &others).unwrap_err();
    assert!(e
        .iter()
        .any(|d| d.code == "E-FORM-ID" && d.location.line == Some(m.line)));
    // Not a module at all.
    let e = formation::load_pack("{ \"a\": 1 }", "x.json", &cats, &others).unwrap_err();
    assert_eq!(e[0].code, "E-FORM-SYNTAX");
    assert_eq!(e[0].location.line, Some(1));
}

#[test]
fn the_example_of_the_documentation_is_a_valid_pack() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FORMATION.md"),
    )
    .unwrap();
    let section = doc
        .split_once("### 2.7")
        .expect("docs/FORMATION.md has a section 2.7")
        .1;
    let block = section
        .split_once("```toml\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .expect("a TOML block in section 2.7")
        .0;
    let pack = formation::load_pack(block, "FORMATION.md", &catalogues(), &embedded())
        .unwrap_or_else(|d| panic!("{}", lines(&d)));
    assert_eq!(pack.exercises.len(), 1);
}

#[test]
fn citations_read_like_the_catalogues() {
    let cats = catalogues();
    let modules = embedded();
    let find = |m: &str, e: &str| {
        let module = modules.iter().find(|x| x.id == m).unwrap();
        let ex = module.exercise(e).unwrap();
        formation::citation(ex, module, catalogue_of(ex, &cats).unwrap())
    };
    assert_eq!(find("part-plai", "part-plai-calcul"), "CCH, art. R. 445-5");
    assert!(find("pourcentages", "arrete-numerateur").starts_with("Arrêté du 19 octobre 2017"));
    assert!(find("pourcentages", "arrete-numerateur").ends_with(", art. 3"));
    assert_eq!(
        find("qpv-zus", "quelle-liste-qpv"),
        "Listes des QPV, listes de 2015 et de 2024"
    );
    assert_eq!(find("generations", "a1-colonnes"), "CCH, art. R.* 445-5");
}

#[test]
fn every_exercise_says_what_it_rests_on() {
    let cats = catalogues();
    let mut by_basis: BTreeMap<&str, usize> = BTreeMap::new();
    for m in embedded() {
        for ex in &m.exercises {
            let at = format!("{}/{}", m.id, ex.id);
            let basis = ex.basis.unwrap_or_else(|| panic!("{at}: no basis"));
            *by_basis.entry(basis.slug()).or_default() += 1;
            let sentence = ex.basis_fr();
            assert!(
                sentence.starts_with("Ce point repose sur "),
                "{at}: {sentence}"
            );
            assert!(sentence.ends_with(['.', '»', ')']), "{at}: {sentence}");
            if !ex.rests_on_text() {
                assert!(
                    ex.basis_note
                        .as_deref()
                        .is_some_and(|n| !n.trim().is_empty()),
                    "{at}: a deduction or a secondary source says what it is"
                );
            }
            // An exercise that rests on the text cites only rows read word for word.
            let cat = catalogue_of(ex, &cats).unwrap();
            if ex.rests_on_text() {
                for code in &ex.codes {
                    let ind = cat.indicator(code).unwrap();
                    assert_eq!(
                        ind.wording,
                        cus_core::catalogue::Wording::Verbatim,
                        "{at}: {code}"
                    );
                }
            }
        }
    }
    println!("fondements : {by_basis:?}");
    for b in Basis::ALL {
        assert!(
            by_basis.get(b.slug()).copied().unwrap_or(0) >= 3,
            "{b:?}: {by_basis:?}"
        );
    }
}

#[test]
fn the_sentence_the_app_shows_for_each_basis() {
    let pack = |basis: &str| {
        format!(
            "id = \"p\"\ntitle = \"T\"\ntheme = \"maille\"\nsummary = \"S\"\n\n[[exercises]]\n\
             id = \"a\"\ntitle = \"A\"\ntype = \"choix-unique\"\ncatalogue = \"cus2-logements-locatifs\"\n\
             version = \"2026.11.0\"\ncodes = [\"PP-5\"]\narticle = \"R. 445-5-1\"\n{basis}\n\
             question = \"Q\"\nchoices = [{{ text = \"x\", correct = true }}, {{ text = \"y\" }}]\n\
             right = \"R\"\nwrong = \"W\"\nexplanation = \"E\"\n"
        )
    };
    let ex = |basis: &str| parse(&pack(basis), "p.toml").unwrap().exercises[0].clone();
    let d = ex("basis = \"deduction\"\nbasis_note = \"sans demande, l'engagement vaut pour l'organisme entier\"");
    assert_eq!(
        d.basis_fr(),
        "Ce point repose sur une déduction : sans demande, l'engagement vaut pour l'organisme entier."
    );
    assert!(!d.rests_on_text());
    let s = ex("basis = \"source-secondaire\"\nbasis_note = \"une fiche d'une DREAL.\"");
    assert_eq!(
        s.basis_fr(),
        "Ce point repose sur une source secondaire, non officielle : une fiche d'une DREAL."
    );
    let t = ex("basis = \"texte\"");
    assert_eq!(
        t.basis_fr(),
        "Ce point repose sur le texte cité, lu mot pour mot."
    );
    assert!(t.rests_on_text());
    assert_eq!(Basis::Deduction.label_fr(), "déduction");
    // Checked like any pack: a deduction says what is deduced.
    let cats = catalogues();
    let e = formation::load_pack(&pack("basis = \"deduction\""), "p.toml", &cats, &[]).unwrap_err();
    assert!(e.iter().any(|d| d.code == "E-FORM-BASIS"), "{}", lines(&e));
    let ok = pack("basis = \"deduction\"\nbasis_note = \"note\"");
    assert!(formation::load_pack(&ok, "p.toml", &cats, &[]).is_ok());
}

#[test]
fn citations_say_when_a_row_was_not_read() {
    let cats = catalogues();
    let modules = embedded();
    let find = |m: &str, e: &str| {
        let module = modules.iter().find(|x| x.id == m).unwrap();
        let ex = module.exercise(e).unwrap();
        formation::citation(ex, module, catalogue_of(ex, &cats).unwrap())
    };
    assert_eq!(
        find("commercialisation-vente", "pp4-fait-compte"),
        "CCH, art. R. 445-5 (ligne de PP-4 non lue)"
    );
    assert_eq!(
        find("agrement-mise-en-service", "redaction-2017-production"),
        "CCH, art. R. 445-5 (ligne de PP-1 bis non lue)"
    );
    assert_eq!(
        find("redactions-2017-2019", "pp2-2017-cumul-baisse"),
        "CCH, art. R. 445-5 (ligne de PP-2 non lue)"
    );
    assert_eq!(
        find("commercialisation-vente", "d1-ventes-dans-le-cumul"),
        "CCH, art. R.* 445-5 (ligne de D.I non lue)"
    );
    assert_eq!(
        find("case-vide", "case-vide-sens"),
        "CCH, art. R. 445-5 (ligne de PP-3 lue en partie)"
    );
    // A row read word for word, or another text than the code's, is cited plainly.
    assert_eq!(
        find("agrement-mise-en-service", "pp1-agrement"),
        "CCH, art. R. 445-5"
    );
    assert_eq!(
        find("commercialisation-vente", "d1-maille-segment"),
        "CCH, art. R.* 445-7"
    );
    assert!(find("redactions-2017-2019", "decret-2019-changements").ends_with(", notice"));
}

/// The calculations added for evaluations, organism figures and derived figures compute what
/// the application shows, with their formula.
#[test]
fn the_new_calculations_explain_themselves() {
    let cats = catalogues();
    let modules = embedded();
    let run = |m: &str, e: &str| {
        let module = modules.iter().find(|x| x.id == m).unwrap();
        let ex = module.exercise(e).unwrap();
        let cat = catalogue_of(ex, &cats).unwrap();
        let ind = cat.indicator(ex.indicator.as_ref().unwrap()).unwrap();
        let conv = ex.case.as_ref().map(|c| case::convention(c, cat, ind).0);
        let spec = ex.calc.as_ref().or(ex.calculations.first()).unwrap();
        case::compute(spec, conv.as_ref(), cat, ind).unwrap_or_else(|e| panic!("{m}/{e}"))
    };
    let level = run("evaluer", "niveau-a-sa-date");
    assert_eq!(level.value, 350.0);
    assert!(
        level.formula_fr.contains("Fin 2024"),
        "{}",
        level.formula_fr
    );
    assert!(
        level.formula_fr.contains("un niveau ne s'additionne pas"),
        "{}",
        level.formula_fr
    );
    let against = run("evaluer", "avenant-annee-de-signature");
    assert_eq!(against.value, 7.0);
    assert!(
        against
            .formula_fr
            .contains("Avenant n° 1 signé le 15/03/2024"),
        "{}",
        against.formula_fr
    );
    let rate = run("evaluer", "taux-contre-l-avenant");
    assert_eq!(rate.value, 100.0);
    assert!(
        rate.formula_fr.contains("60 + 70 + 50 = 180"),
        "{}",
        rate.formula_fr
    );
    let org = run("consolider", "pourcentage-de-l-organisme");
    assert!((org.value - 10.4).abs() < 1e-9);
    assert!(org.formula_fr.contains("52 ÷ 500"), "{}", org.formula_fr);
    let parts = run("formes-d-engagement", "parts-en-pourcentage-de-l-organisme");
    assert!((parts.value - 68.75).abs() < 1e-9, "{}", parts.value);
    let count = run("formes-d-engagement", "part-en-pourcentage");
    assert_eq!(count.value, 400.0);
    assert!(
        count.formula_fr.contains("80\u{a0}% × 500 = 400"),
        "{}",
        count.formula_fr
    );
    let pct = run("formes-d-engagement", "nombre-vers-pourcentage");
    assert_eq!(pct.value, 1.5);

    // A part stated in % of its total is not divided by its total again.
    let module = modules
        .iter()
        .find(|x| x.id == "formes-d-engagement")
        .unwrap();
    let ex = module.exercise("part-en-pourcentage").unwrap();
    let cat = catalogue_of(ex, &cats).unwrap();
    let ind = cat.indicator("PP-1").unwrap();
    let conv = case::convention(ex.case.as_ref().unwrap(), cat, ind).0;
    let spec = formation::CalcSpec {
        function: Some(formation::CalcFunction::PartDont),
        territory: Some("departement:59".into()),
        split: Some("total".into()),
        part: Some("hors-qpv".into()),
        period: Some("c6".into()),
        ..Default::default()
    };
    let e = case::compute(&spec, Some(&conv), cat, ind).unwrap_err();
    assert!(e.contains("chiffre déduit"), "{e}");
    // The grid shown follows the convention's choices: a count with its percentage has both.
    let ex = module.exercise("exemple-nombre-et-pourcentage").unwrap();
    let ind = cat.indicator("PP-2").unwrap();
    let conv = case::convention(ex.case.as_ref().unwrap(), cat, ind).0;
    let shown = case::shown(&conv, cat, "PP-2").unwrap();
    let shape = cus_core::convention::GridShape::new(&conv, &shown, conv.referential());
    assert_eq!(shape.split_keys, vec!["valeur", "valeur/pct"]);
}
