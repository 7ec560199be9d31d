//! `cus check`: import convention files (ODS, XLSX, CSV, JSON), one by one or a whole folder,
//! then run every rule on them.

use cus_core::catalogue::Catalogue;
use cus_core::diagnostic::{Diagnostic, Severity};
use serde::Serialize;

use crate::args::common_options;
use crate::input::{catalogue_of, expand, load};
use crate::output::{count, plural, summary, Output};

/// One file in the JSON report of `cus check`.
#[derive(Serialize)]
struct CheckReport {
    fichier: String,
    lisible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nature: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exporte_le: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    catalogue: Option<String>,
    erreurs: usize,
    avertissements: usize,
    diagnostics: Vec<Diagnostic>,
    /// The evaluation the file prepares (when it carries achievements).
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<EvaluationReport>,
}

/// The evaluation of a file: what it is, how many of the diagnostics are its rules', and the
/// summaries of `cus_core::evaluation::summaries` (« 80 % de l'objectif de PP-1 … »).
#[derive(Serialize)]
struct EvaluationReport {
    id: String,
    libelle: String,
    erreurs: usize,
    avertissements: usize,
    syntheses: Vec<String>,
}

/// `cus check FICHIER|DOSSIER... [--format texte|json] [--catalogue F] [--evaluation]`.
pub fn run(args: &[String]) -> Output {
    let common = match common_options(args, "check", &["--evaluation"], &[]) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let inputs = &common.rest;
    let with_summaries = common.options.iter().any(|(o, _)| o == "--evaluation");
    if inputs.is_empty() {
        return Output::usage("cus check attend au moins un fichier ou un dossier");
    }
    let mut reports = Vec::new();
    match expand(inputs) {
        Ok(files) => {
            for f in files {
                reports.push(check_one(&f, &common.cats));
            }
        }
        Err(d) => reports.push(CheckReport {
            fichier: d.location.file.clone().unwrap_or_default(),
            lisible: false,
            format: None,
            nature: None,
            exporte_le: None,
            catalogue: None,
            erreurs: 1,
            avertissements: 0,
            diagnostics: vec![*d],
            evaluation: None,
        }),
    }
    let code = if reports.iter().any(|r| !r.lisible) {
        2
    } else if reports.iter().any(|r| r.erreurs > 0) {
        1
    } else {
        0
    };
    let stdout = if common.json {
        serde_json::to_string_pretty(&reports).unwrap_or_default() + "\n"
    } else {
        let mut s = String::new();
        for r in &reports {
            s.push_str(&format!("== {} ", r.fichier));
            match (r.lisible, r.format, r.nature) {
                (true, Some(f), Some(n)) => {
                    s.push_str(&format!("({f}, {n}"));
                    if let Some(d) = &r.exporte_le {
                        s.push_str(&format!(", exporté le {d}"));
                    }
                    if let Some(c) = &r.catalogue {
                        s.push_str(&format!(", catalogue {c}"));
                    }
                    s.push_str(") ==\n");
                }
                _ => s.push_str("(illisible) ==\n"),
            }
            // The rules of the evaluation after the others, under their heading.
            let (evaluation, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = r
                .diagnostics
                .iter()
                .partition(|d| cus_core::rules::is_evaluation_diagnostic(d));
            for d in others {
                s.push_str(&d.to_line_fr());
                s.push('\n');
            }
            if let Some(e) = &r.evaluation {
                s.push_str(&format!(
                    "-- {} : {}, {} --\n",
                    e.libelle,
                    plural(e.erreurs, "erreur", "erreurs"),
                    plural(e.avertissements, "avertissement", "avertissements")
                ));
            }
            for d in evaluation {
                s.push_str(&d.to_line_fr());
                s.push('\n');
            }
            if let Some(e) = r.evaluation.as_ref().filter(|_| with_summaries) {
                if e.syntheses.is_empty() {
                    s.push_str("Synthèse : aucun engagement chiffré réalisé à résumer.\n");
                }
                for t in &e.syntheses {
                    s.push_str(&format!("Synthèse : {t}\n"));
                }
            }
            if r.lisible {
                s.push_str(&format!("Bilan : {}.\n", summary(&r.diagnostics)));
            } else {
                s.push_str("Bilan : fichier illisible, rien n'a été vérifié.\n");
            }
        }
        if reports.len() > 1 {
            let unreadable = reports.iter().filter(|r| !r.lisible).count();
            let with_errors = reports
                .iter()
                .filter(|r| r.lisible && r.erreurs > 0)
                .count();
            s.push_str(&format!(
                "\nTotal : {} vérifiés : {} avec des erreurs, {}.\n",
                plural(reports.len(), "fichier", "fichiers"),
                with_errors,
                plural(unreadable, "illisible", "illisibles")
            ));
        }
        s
    };
    Output {
        stdout,
        stderr: String::new(),
        code,
    }
}

fn check_one(path: &str, cats: &[Catalogue]) -> CheckReport {
    match load(path, cats) {
        Err(d) => CheckReport {
            fichier: path.to_string(),
            lisible: false,
            format: None,
            nature: None,
            exporte_le: None,
            catalogue: None,
            erreurs: count(&d, Severity::Error),
            avertissements: count(&d, Severity::Warning),
            diagnostics: d,
            evaluation: None,
        },
        Ok(imported) => {
            let mut diags = imported.notes.clone();
            let conv = &imported.convention;
            let mut evaluation = None;
            if let Some(cat) = catalogue_of(conv, cats) {
                let geo = conv.referential();
                diags.extend(
                    cus_core::rules::validate(conv, cat, geo)
                        .into_iter()
                        .map(|d| with_labels(d, conv, cat)),
                );
                evaluation = evaluation_report(conv, cat, &diags);
            }
            CheckReport {
                fichier: path.to_string(),
                lisible: true,
                format: Some(imported.format.extension()),
                nature: Some(imported.mode.as_str()),
                exporte_le: imported.exported_at.clone(),
                catalogue: Some(format!("{} {}", conv.catalogue.id, conv.catalogue.version)),
                erreurs: count(&diags, Severity::Error),
                avertissements: count(&diags, Severity::Warning),
                diagnostics: diags,
                evaluation,
            }
        }
    }
}

/// A diagnostic of the evaluation located, like those of the other rules, by the labels of its
/// territory, split and period (`59 — Nord`, `PLAI`, `2021`) rather than their keys; the cell
/// key stays in `location.cell`.
fn with_labels(
    mut d: Diagnostic,
    conv: &cus_core::convention::Convention,
    cat: &Catalogue,
) -> Diagnostic {
    use cus_core::convention::Cell;
    if !cus_core::rules::is_evaluation_diagnostic(&d) {
        return d;
    }
    let loc = &mut d.location;
    // A cell key, or the key of a justification (`indicateur|territoire|répartition`).
    let (key, whole) = match (&loc.cell, &loc.path) {
        (Some(k), _) => (k.clone(), true),
        (None, Some(p)) if p.split('|').count() == 3 => (format!("{p}|a1"), false),
        _ => return d,
    };
    let Some(cell) = Cell::parse_key(&key) else {
        return d;
    };
    let Some(ind) = cat.indicator(&cell.indicator) else {
        return d;
    };
    loc.indicator = Some(ind.code.clone());
    loc.territory = Some(conv.territory_label(&cell.territory, conv.referential()));
    loc.split = Some(cell.split.label_fr(ind));
    loc.period = whole.then(|| cell.period.label_fr(conv.signing_year));
    d
}

/// The evaluation a convention carries achievements for (`None` without achievements).
fn evaluation_report(
    conv: &cus_core::convention::Convention,
    cat: &Catalogue,
    diags: &[Diagnostic],
) -> Option<EvaluationReport> {
    let ach = &conv.achievements;
    if ach.is_empty() {
        return None;
    }
    let ours: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| cus_core::rules::is_evaluation_diagnostic(d))
        .cloned()
        .collect();
    let period = cat.evaluations.iter().find(|e| e.id == ach.evaluation);
    let syntheses = period
        .map(|p| {
            let geo = conv.referential();
            let lines = cus_core::evaluation::evaluate(conv, cat, geo, ach, p);
            cus_core::evaluation::summaries(conv, cat, geo, &lines, p)
                .into_iter()
                .map(|s| s.text_fr)
                .collect()
        })
        .unwrap_or_default();
    Some(EvaluationReport {
        id: ach.evaluation.clone(),
        libelle: period
            .map(|p| p.label_for(conv.signing_year))
            .unwrap_or_else(|| "évaluation inconnue du catalogue".to_string()),
        erreurs: count(&ours, Severity::Error),
        avertissements: count(&ours, Severity::Warning),
        syntheses,
    })
}

#[cfg(test)]
mod tests {
    use cus_core::diagnostic::{Diagnostic, Severity};
    use cus_formats::Format;

    use crate::testkit::{run_args, sample, temp, with_error, write_export};

    #[test]
    fn check_exit_codes_follow_errors_and_unreadable_files() {
        let dir = temp("check");
        let clean = dir.join("a-propre.json");
        let bad = dir.join("b-erreur.csv");
        write_export(&sample(), &clean, Format::Json);
        write_export(&with_error(sample()), &bad, Format::Csv);

        let o = run_args(&["check", clean.to_str().unwrap()]);
        let sample_errors = o.stdout.contains("Erreur [");
        assert_eq!(o.code, u8::from(sample_errors), "{}", o.stdout);
        assert!(o
            .stdout
            .contains("(json, brouillon, exporté le 2026-11-25T17:30:00Z"));
        assert!(o.stdout.contains("Bilan : "), "{}", o.stdout);

        let o = run_args(&["check", bad.to_str().unwrap()]);
        assert_eq!(o.code, 1, "{}", o.stdout);
        assert!(o.stdout.contains("Erreur ["), "{}", o.stdout);

        let garbage = dir.join("c-illisible.json");
        std::fs::write(&garbage, b"{ pas du json").unwrap();
        let o = run_args(&["check", dir.to_str().unwrap()]);
        assert_eq!(o.code, 2, "{}", o.stdout);
        assert!(o.stdout.contains("E-IMPORT-JSON-SYNTAX"), "{}", o.stdout);
        let total = format!(
            "Total : 3 fichiers vérifiés : {} avec des erreurs, 1 illisible.",
            1 + usize::from(sample_errors)
        );
        assert!(o.stdout.contains(&total), "{}", o.stdout);

        let o = run_args(&["check", "/nonexistent/x.json"]);
        assert_eq!(o.code, 2);
        assert!(o.stdout.contains("Impossible de lire le fichier"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn check_prints_json_on_demand() {
        let dir = temp("check-json");
        let bad = dir.join("erreur.json");
        write_export(&with_error(sample()), &bad, Format::Json);
        let o = run_args(&["check", "--format", "json", bad.to_str().unwrap()]);
        assert_eq!(o.code, 1);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v[0]["lisible"], true);
        assert_eq!(v[0]["format"], "json");
        assert_eq!(v[0]["nature"], "brouillon");
        assert!(v[0]["erreurs"].as_u64().unwrap() >= 1);
        let diags: Vec<Diagnostic> = serde_json::from_value(v[0]["diagnostics"].clone()).unwrap();
        assert!(diags
            .iter()
            .any(|d| d.severity == Severity::Error && d.location.cell.is_some()));
        // A diagnostic from an indicator's definition cites it briefly (`article`) and names the
        // text among the catalogue's sources (`source`); the version read stays in the catalogue.
        let cat = cus_core::catalogue::embedded()
            .into_iter()
            .find(|c| format!("{} {}", c.id, c.version) == v[0]["catalogue"])
            .expect("catalogue of the report");
        let cited: Vec<&serde_json::Value> = v[0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d.get("article").is_some())
            .collect();
        assert!(!cited.is_empty(), "{}", o.stdout);
        for d in cited {
            let article = d["article"].as_str().unwrap();
            assert!(
                article.starts_with("CCH, art. R.") && article.chars().count() <= 40,
                "{article}"
            );
            let source = d["source"].as_str().expect("source id");
            assert!(cat.source(source).is_some(), "{source}");
        }
        assert_eq!(run_args(&["check"]).code, 64);
        assert_eq!(run_args(&["check", "--format", "xml", "x"]).code, 64);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn check_reports_the_evaluation_rules_of_an_evaluation_file() {
        let dir = temp("check-eval");
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/evaluation-a-corriger.json"
        );
        let conv: cus_core::convention::Convention =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for format in Format::ALL {
            let file = dir.join(format!("evaluation.{}", format.extension()));
            write_export(&conv, &file, format);
            let o = run_args(&["check", "--evaluation", file.to_str().unwrap()]);
            assert_eq!(o.code, 1, "{format:?}: {}", o.stdout);
            let out = &o.stdout;
            let heading = out
                .find(
                    "-- Évaluation à mi-parcours (bilan triennal) (2020-2022) : 3 erreurs, 1 \
                     avertissement --",
                )
                .unwrap_or_else(|| panic!("{format:?}: {out}"));
            for line in [
                // A percentage achieved with its numerator only.
                "Erreur [E-EVAL-TERMS-MISSING] (indicateur PP-2, 59 — Nord, Valeur, 2020)",
                // 7 out of 5.
                "Erreur [E-EVAL-NUMERATOR-EXCEEDS] (indicateur PP-2, 59 — Nord, Valeur, 2021)",
                // PP-1: 24 achieved for 30 committed over years 1 to 3, not justified.
                "Avertissement [W-EVAL-JUSTIFY] (indicateur PP-1, 59 — Nord, Total, Cumul 2020–2022)",
                // A cause that is not in the list.
                "Erreur [E-EVAL-CAUSE] (champ PP-1|departement:59|PLUS, indicateur PP-1, 59 — Nord, PLUS)",
            ] {
                let at = out.find(line).unwrap_or_else(|| panic!("{line}\n{out}"));
                assert!(at > heading, "{line} under the heading: {out}");
            }
            assert!(
                out.contains("Le numérateur (7) dépasse le dénominateur (5)"),
                "{out}"
            );
            assert!(
                out.contains(
                    "Synthèse : 80 % de l'objectif de PP-1 (Offre nouvelle agréée) atteint sur \
                     2020-2022 : 24 réalisés pour 30 engagés."
                ),
                "{format:?}: {out}"
            );
            // Without --evaluation: the same diagnostics, no summary.
            let o = run_args(&["check", file.to_str().unwrap()]);
            assert!(!o.stdout.contains("Synthèse"), "{}", o.stdout);
            assert!(o.stdout.contains("W-EVAL-JUSTIFY"), "{}", o.stdout);

            let o = run_args(&["check", "--format", "json", file.to_str().unwrap()]);
            let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
            let mut got: Vec<String> = v[0]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_string())
                .filter(|c| c.contains("-EVAL-"))
                .collect();
            got.sort();
            assert_eq!(
                got,
                [
                    "E-EVAL-CAUSE",
                    "E-EVAL-NUMERATOR-EXCEEDS",
                    "E-EVAL-TERMS-MISSING",
                    "W-EVAL-JUSTIFY"
                ],
                "{format:?}"
            );
            // The key of the cell stays in the location.
            let exceeds = v[0]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["code"] == "E-EVAL-NUMERATOR-EXCEEDS")
                .unwrap();
            assert_eq!(
                exceeds["location"]["cell"], "PP-2|departement:59|valeur|a2",
                "{format:?}"
            );
            assert_eq!(v[0]["evaluation"]["id"], "mi-parcours");
            assert_eq!(v[0]["evaluation"]["erreurs"], 3);
            assert_eq!(v[0]["evaluation"]["avertissements"], 1);
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn check_reports_a_wrong_siren_key_whatever_the_format() {
        let dir = temp("check-siren");
        // The sample's SIREN is 988 041 729: the last digit changed breaks the Luhn key.
        let mut conv = sample();
        assert_eq!(conv.organisme.siren, "988041729");
        conv.organisme.siren = "988041728".into();
        for format in Format::ALL {
            let file = dir.join(format!("siren-faux.{}", format.extension()));
            write_export(&conv, &file, format);
            let o = run_args(&["check", file.to_str().unwrap()]);
            assert_eq!(o.code, 1, "{format:?}: {}", o.stdout);
            assert!(
                o.stdout.contains(
                    "Erreur [E-ORG-SIREN-INVALID] (champ organisme.siren) : Le SIREN de \
                     l'organisme « 988 041 728 » n'est pas valide : sa clé de contrôle \
                     (formule de Luhn) ne correspond pas."
                ),
                "{format:?}: {}",
                o.stdout
            );
            // The only error: the rest of the sample is valid.
            assert!(
                o.stdout.contains("Bilan : 1 erreur,"),
                "{format:?}: {}",
                o.stdout
            );
            let o = run_args(&["check", "--format", "json", file.to_str().unwrap()]);
            assert_eq!(o.code, 1);
            let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
            assert_eq!(v[0]["erreurs"], 1, "{}", o.stdout);
            let d: Diagnostic = serde_json::from_value(v[0]["diagnostics"][0].clone()).unwrap();
            assert_eq!(d.code, "E-ORG-SIREN-INVALID");
            assert_eq!(d.severity, Severity::Error);
            assert_eq!(d.location.path.as_deref(), Some("organisme.siren"));
        }
        // The same file with the right key passes.
        let good = dir.join("siren-juste.json");
        write_export(&sample(), &good, Format::Json);
        let o = run_args(&["check", good.to_str().unwrap()]);
        assert!(!o.stdout.contains("E-ORG-"), "{}", o.stdout);
        std::fs::remove_dir_all(&dir).ok();
    }
}
