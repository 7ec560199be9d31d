//! `cus check`: import convention files (ODS, XLSX, CSV, JSON), one by one or a whole folder,
//! then run every rule on them.

use cus_core::catalogue::Catalogue;
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::numfmt::format_fr;
use serde::Serialize;

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
    /// Marked signed (the rates then measure signed commitments).
    signee: bool,
    /// The signature of the version in force (the last avenant's, else the convention's).
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<SignatureOut>,
    /// Version of the commitments the lines are measured against (1: the convention, 2: after
    /// the first avenant…).
    version: usize,
    erreurs: usize,
    avertissements: usize,
    syntheses: Vec<String>,
    /// Every commitment line of the evaluation (`--evaluation`), in the order of the catalogue.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lignes: Vec<LineOut>,
}

#[derive(Serialize)]
struct SignatureOut {
    date: String,
    libelle: String,
}

/// One commitment line: what a State service reads for each indicator, territory, split and
/// year or window.
#[derive(Serialize)]
struct LineOut {
    indicateur: String,
    /// `departement:59`, `epci:200093201`, `organisme`.
    territoire: String,
    libelle_territoire: String,
    /// `total`, `PLAI`, `valeur`.
    ventilation: String,
    libelle_ventilation: String,
    /// `a2` (a year) or `c3` (a cumulative at 3 years), and the calendar label.
    periode: String,
    libelle_periode: String,
    engage: Option<f64>,
    realise: Option<f64>,
    /// For a percentage: the sums of the achieved numerators and denominators.
    #[serde(skip_serializing_if = "Option::is_none")]
    numerateur: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    denominateur: Option<f64>,
    /// réalisé ÷ engagé, in percent.
    taux: Option<f64>,
    /// réalisé − engagé, in `unite_ecart`.
    ecart: Option<f64>,
    unite_ecart: String,
    non_tenu: bool,
    justification: Option<JustificationOut>,
    /// The signed version the commitment is read from (the version in force in the period's
    /// last year); `null` while nothing is signed.
    mesure_sur: Option<SignatureOut>,
    calcul: String,
}

#[derive(Serialize)]
struct JustificationOut {
    /// `organisme` or `exterieur`.
    origine: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cause: Option<String>,
    libelle: String,
    commentaire: String,
}

/// `cus check FICHIER|DOSSIER... [--format texte|json] [--catalogue F] [--evaluation]`.
pub fn run(args: &[String]) -> Output {
    let common = match crate::args::options_with_formats(
        args,
        "check",
        &["texte", "json", "csv"],
        &["--evaluation"],
        &[],
    ) {
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
    // The commitment lines are given with `--evaluation` only.
    if !with_summaries {
        for r in &mut reports {
            if let Some(e) = &mut r.evaluation {
                e.lignes.clear();
            }
        }
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
    } else if common.format.as_deref() == Some("csv") {
        lines_csv(&reports)
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
                s.push_str(&format!(
                    "Engagements {} (version {}) :\n",
                    match &e.signature {
                        Some(sig) => format!(
                            "signés le {} ({})",
                            cus_core::numfmt::date_fr(&sig.date),
                            sig.libelle
                        ),
                        None => "non signés".to_string(),
                    },
                    e.version
                ));
                let mut current = "";
                for l in &e.lignes {
                    if l.indicateur != current {
                        current = &l.indicateur;
                        s.push_str(&format!("{current}\n"));
                    }
                    s.push_str(&line_text(l));
                    // After an avenant, the version each line is read from.
                    if let (Some(m), true) = (&l.mesure_sur, e.version > 1) {
                        s.push_str(&format!(
                            " [engagement de : {}]",
                            cus_core::evaluation::Signature {
                                date: m.date.clone(),
                                label: m.libelle.clone(),
                            }
                            .signed_fr()
                        ));
                    }
                    s.push('\n');
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
                // The catalogue as the convention applies it (its units, periodicities…).
                let view = conv.view(cat);
                let cat = &*view;
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
    // A cell key, or the key of a justification (`indicateur|territoire|répartition|période`,
    // or without the period in files of earlier versions).
    let (key, whole) = match (&loc.cell, &loc.path) {
        (Some(k), _) => (k.clone(), true),
        (None, Some(p)) if p.split('|').count() == 4 => (p.clone(), true),
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
    let geo = conv.referential();
    let lines = period
        .map(|p| cus_core::evaluation::evaluate(conv, cat, geo, ach, p))
        .unwrap_or_default();
    let syntheses = period
        .map(|p| {
            cus_core::evaluation::summaries(conv, cat, geo, &lines, p)
                .into_iter()
                .map(|s| s.text_fr)
                .collect()
        })
        .unwrap_or_default();
    let lignes = lines.iter().map(|l| line_out(conv, cat, geo, l)).collect();
    Some(EvaluationReport {
        id: ach.evaluation.clone(),
        libelle: period
            .map(|p| p.label_for(conv.signing_year))
            .unwrap_or_else(|| "évaluation inconnue du catalogue".to_string()),
        signee: conv.signature.is_some(),
        signature: conv.signature.as_ref().map(|s| SignatureOut {
            date: s.date.clone(),
            libelle: s.label.clone(),
        }),
        version: conv.versions.len() + 1,
        erreurs: count(&ours, Severity::Error),
        avertissements: count(&ours, Severity::Warning),
        syntheses,
        lignes,
    })
}

/// One evaluation line as `cus check` gives it: labels beside the keys, the terms of a
/// percentage, the justification of its line.
fn line_out(
    conv: &cus_core::convention::Convention,
    cat: &Catalogue,
    geo: Option<&cus_core::geo::Referential>,
    l: &cus_core::evaluation::Line,
) -> LineOut {
    let ind = cat.indicator(&l.indicator);
    let terms = |pick: fn(&cus_core::convention::Terms) -> Option<f64>| -> Option<f64> {
        if !l.percentage {
            return None;
        }
        let v: Vec<f64> = l
            .cells
            .iter()
            .filter_map(|k| conv.achievements.terms.get(k).and_then(pick))
            .collect();
        (v.len() == l.cells.len() && !v.is_empty()).then(|| v.iter().sum())
    };
    let justification = conv
        .achievements
        .justification(&l.justification_key())
        .map(|(_, j)| JustificationOut {
            origine: match j.origin {
                cus_core::evaluation::Origin::Organisme => "organisme",
                cus_core::evaluation::Origin::Exterieur => "exterieur",
            },
            cause: j.cause.clone(),
            libelle: cus_core::consolidation::justification_fr(j),
            commentaire: j.comment.clone(),
        });
    LineOut {
        indicateur: l.indicator.clone(),
        territoire: l.territory.to_string(),
        libelle_territoire: conv.territory_label(&l.territory, geo),
        ventilation: l.split.key(),
        libelle_ventilation: ind.map(|i| l.split.label_fr(i)).unwrap_or_default(),
        periode: cus_core::convention::period_key(l.period),
        libelle_periode: ind
            .map(|i| i.period_label_fr(l.period, cus_core::convention::label_year(conv)))
            .unwrap_or_default(),
        engage: l.committed,
        realise: l.achieved,
        numerateur: terms(|t| t.numerator),
        denominateur: terms(|t| t.denominator),
        taux: l.rate,
        ecart: l.gap,
        unite_ecart: if l.percentage {
            "points".to_string()
        } else {
            ind.map(|i| conv.unit_fr(i)).unwrap_or_default()
        },
        non_tenu: l.missed,
        justification,
        mesure_sur: l.measured_against.as_ref().map(|s| SignatureOut {
            date: s.date.clone(),
            libelle: s.label.clone(),
        }),
        calcul: l.formula_fr.clone(),
    }
}

/// The evaluation lines of every file as a CSV for a spreadsheet (UTF-8 with BOM, `;`, CRLF,
/// decimal comma, texts protected against formulas), one line per commitment line.
fn lines_csv(reports: &[CheckReport]) -> String {
    let field = |v: &str| {
        let v = cus_formats::neutralise(v);
        if v.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", v.replace('"', "\"\""))
        } else {
            v
        }
    };
    let num = |v: Option<f64>| {
        v.map(|x| {
            let s = format!("{x}");
            s.replace('.', ",")
        })
        .unwrap_or_default()
    };
    let mut out = String::from("\u{feff}");
    let head = [
        "fichier",
        "evaluation",
        "signee",
        "version",
        "indicateur",
        "territoire",
        "libelle_territoire",
        "ventilation",
        "libelle_ventilation",
        "periode",
        "libelle_periode",
        "engage",
        "realise",
        "numerateur",
        "denominateur",
        "taux",
        "ecart",
        "unite_ecart",
        "non_tenu",
        "justification_origine",
        "justification_cause",
        "justification_commentaire",
        "mesure_sur",
        "mesure_sur_date",
    ];
    out.push_str(&head.join(";"));
    out.push_str("\r\n");
    for r in reports {
        let Some(e) = &r.evaluation else { continue };
        for l in &e.lignes {
            let j = l.justification.as_ref();
            let row = [
                field(&r.fichier),
                field(&e.id),
                if e.signee { "oui" } else { "non" }.to_string(),
                e.version.to_string(),
                field(&l.indicateur),
                field(&l.territoire),
                field(&l.libelle_territoire),
                field(&l.ventilation),
                field(&l.libelle_ventilation),
                field(&l.periode),
                field(&l.libelle_periode),
                num(l.engage),
                num(l.realise),
                num(l.numerateur),
                num(l.denominateur),
                num(l.taux),
                num(l.ecart),
                field(&l.unite_ecart),
                if l.non_tenu { "oui" } else { "non" }.to_string(),
                j.map(|j| j.origine.to_string()).unwrap_or_default(),
                field(j.and_then(|j| j.cause.as_deref()).unwrap_or_default()),
                field(j.map(|j| j.commentaire.as_str()).unwrap_or_default()),
                field(
                    l.mesure_sur
                        .as_ref()
                        .map(|s| s.libelle.as_str())
                        .unwrap_or_default(),
                ),
                l.mesure_sur
                    .as_ref()
                    .map(|s| s.date.clone())
                    .unwrap_or_default(),
            ];
            out.push_str(&row.join(";"));
            out.push_str("\r\n");
        }
    }
    out
}

/// « PP-1 — 59 — Nord, Total, Cumul 2020–2022 : engagé 30, réalisé 24 (taux 80 %, écart −6
/// logements) — non tenu, justifié : Cause extérieure (Foncier) ».
fn line_text(l: &LineOut) -> String {
    let n = |v: Option<f64>, pct: bool| match v {
        Some(x) => format!("{}{}", format_fr(x, 2), if pct { " %" } else { "" }),
        None => "—".to_string(),
    };
    let pct = l.unite_ecart == "points";
    let mut s = format!(
        "  {}, {}, {} : engagé {}, réalisé {}",
        l.libelle_territoire,
        l.libelle_ventilation,
        l.libelle_periode,
        n(l.engage, pct),
        n(l.realise, pct)
    );
    if let (Some(a), Some(b)) = (l.numerateur, l.denominateur) {
        s.push_str(&format!(" ({} ÷ {})", format_fr(a, 2), format_fr(b, 2)));
    }
    // A gap in points has one decimal and « point » agrees (« -0,3 point », « -4,7 points »).
    let gap = |e: f64| {
        if pct {
            cus_core::numfmt::points_fr(e, false)
        } else {
            format!("{} {}", format_fr(e, 2), l.unite_ecart)
        }
    };
    match (l.taux, l.ecart) {
        (Some(t), Some(e)) => {
            s.push_str(&format!(" ; taux {} %, écart {}", format_fr(t, 1), gap(e)))
        }
        (None, Some(e)) => s.push_str(&format!(" ; écart {}", gap(e))),
        _ => {}
    }
    if l.non_tenu {
        match &l.justification {
            Some(j) => s.push_str(&format!(" — non tenu, justifié : {}", j.libelle)),
            None => s.push_str(" — non tenu, sans justification"),
        }
    } else if let Some(j) = &l.justification {
        s.push_str(&format!(" — justification : {}", j.libelle));
    }
    s
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
                article.starts_with("CCH, art. ") && article.chars().count() <= 40,
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
    fn check_evaluation_gives_every_commitment_line_as_data() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/evaluation-a-corriger.json"
        );
        let o = run_args(&["check", "--evaluation", "--format", "json", path]);
        assert_eq!(o.code, 1, "{}", o.stdout);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let e = &v[0]["evaluation"];
        assert_eq!(e["signee"], true);
        assert_eq!(e["version"], 2);
        assert_eq!(e["signature"]["libelle"], "Avenant n° 1");
        let lines = e["lignes"].as_array().unwrap();
        let find = |ind: &str, split: &str, period: &str| {
            lines
                .iter()
                .find(|l| {
                    l["indicateur"] == ind && l["ventilation"] == split && l["periode"] == period
                })
                .unwrap_or_else(|| panic!("{ind} {split} {period}: {lines:#?}"))
        };
        // A PLAI commitment within PP-1, met: a line of its own (not only a warning's sentence).
        let plai = find("PP-1", "PLAI", "c3");
        assert_eq!(plai["libelle_periode"], "Cumul 2020–2022");
        assert_eq!(plai["libelle_territoire"], "59 — Nord");
        assert_eq!(
            (plai["engage"].as_f64(), plai["realise"].as_f64()),
            (Some(9.0), Some(9.0))
        );
        assert_eq!(plai["taux"].as_f64(), Some(100.0));
        assert_eq!(plai["non_tenu"], false);
        assert_eq!(plai["unite_ecart"], "logements");
        // Missed, with the justification of its line.
        let pls = find("PP-1", "PLS", "c3");
        assert_eq!(pls["non_tenu"], true);
        assert_eq!(pls["justification"]["origine"], "organisme");
        let total = find("PP-1", "total", "c3");
        assert_eq!(total["non_tenu"], true);
        assert!(total["justification"].is_null());
        // A percentage met: its numerator and denominator, a gap in points.
        let pp2 = find("PP-2", "valeur", "a3");
        assert_eq!(pp2["numerateur"].as_f64(), Some(6.0));
        assert_eq!(pp2["denominateur"].as_f64(), Some(50.0));
        assert_eq!(pp2["realise"].as_f64(), Some(12.0));
        assert_eq!(pp2["ecart"].as_f64(), Some(7.0));
        assert_eq!(pp2["unite_ecart"], "points");
        // Each line says which signed version it is measured against: the avenant of
        // 30/06/2021 from 2021, the initial convention for 2020.
        assert_eq!(pp2["mesure_sur"]["libelle"], "Avenant n° 1");
        assert_eq!(total["mesure_sur"]["date"], "2021-06-30");
        let first_year = find("PP-2", "valeur", "a1");
        assert_eq!(first_year["mesure_sur"]["libelle"], "Convention initiale");
        // Without --evaluation the lines are not given.
        let o = run_args(&["check", "--format", "json", path]);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert!(v[0]["evaluation"].get("lignes").is_none());
        // The same lines as text, grouped by indicator, and as CSV for a spreadsheet.
        let o = run_args(&["check", "--evaluation", path]);
        assert!(
            o.stdout.contains("Engagements signés le 30/06/2021 (Avenant n° 1) (version 2) :\nPP-1\n  59 — Nord, Total, Cumul 2020–2022 : engagé 30, réalisé 24 ; taux 80 %, écart -6 logements — non tenu, sans justification [engagement de : Avenant n° 1 signé le 30/06/2021]\n"),
            "{}",
            o.stdout
        );
        let o = run_args(&["check", "--evaluation", "--format", "csv", path]);
        let rows: Vec<&str> = o.stdout.split("\r\n").collect();
        assert!(rows[0].starts_with("\u{feff}fichier;evaluation;signee;version;indicateur;"));
        assert_eq!(
            rows.len(),
            lines.len() + 2,
            "header, lines, final empty: {}",
            o.stdout
        );
        assert!(rows.iter().any(|r| r.ends_with(";PP-2;departement:59;59 — Nord;valeur;Valeur;a3;2022;5;12;6;50;240;7;points;non;organisme;;Attributions décalées.;Avenant n° 1;2021-06-30")), "{}", o.stdout);
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
                "Erreur [E-EVAL-CAUSE] (indicateur PP-1, 59 — Nord, PLUS)",
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
