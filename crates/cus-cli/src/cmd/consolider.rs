//! `cus consolider`: many organisms' convention files consolidated on a territory (« Simuler sur
//! mon territoire »), printed as a French summary or JSON, or written as a CSV, ODS or XLSX
//! consolidation (`cus_formats::consolidation`, `docs/FORMAT.md`).

use std::path::Path;

use cus_core::catalogue::Catalogue;
use cus_core::consolidation::{duplicates, Scenario, Workspace, WorkspaceFile, RULES_FR};
use cus_core::convention::TerritoryKey;
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::numfmt::format_fr;
use cus_formats::consolidation::{self as conso, FileUse, Run, Summary};
use cus_formats::Format;
use serde::Serialize;

use crate::args::options_with_formats;
use crate::input::{expand, load, read_objectives, read_scenario, read_split_keys};
use crate::output::{plural, Output};

/// Files with errors listed by the text summary, at most (the JSON lists them all).
const MAX_LISTED: usize = 20;

/// The formats of `--format`.
const FORMATS: [&str; 5] = ["texte", "json", "csv", "ods", "xlsx"];

/// A file named on the command line that could not be read.
#[derive(Clone, Debug, Serialize)]
struct Unreadable {
    fichier: String,
    raison: String,
}

/// What the command line adds to the JSON summary.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    summary: Summary,
    /// Files that could not be read: not consolidated.
    fichiers_illisibles: &'a [Unreadable],
    /// Duplicates resolved by keeping the last file of each group.
    doublons_ecartes: &'a [String],
}

/// `cus consolider FICHIER|DOSSIER... --territoire T [--objectifs F] [--periode-precedente F]
/// [--format F] [--sortie F]
/// [--scenario F] [--cles F] [--millesime A] [--nom N] [--catalogue F]`.
pub fn run(args: &[String]) -> Output {
    let common = match options_with_formats(
        args,
        "consolider",
        &FORMATS,
        &[],
        &[
            "--territoire",
            "--objectifs",
            "--periode-precedente",
            "--sortie",
            "--scenario",
            "--cles",
            "--millesime",
            "--nom",
        ],
    ) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let option = |name: &str| {
        common
            .options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // The territory and its referential.
    let Some(territory) = option("--territoire") else {
        return Output::usage(
            "cus consolider attend --territoire, par exemple --territoire epci:200093201, \
             departement:59 ou region:32",
        );
    };
    let territory: TerritoryKey = match territory.trim().parse() {
        Ok(t) => t,
        Err(e) => return Output::usage(&e),
    };
    let vintages = cus_core::geo::vintages();
    let year = match option("--millesime") {
        None => vintages.last().copied().unwrap_or(2026),
        Some(y) => match y.parse::<u16>() {
            Ok(y) => y,
            Err(_) => return Output::usage("--millesime attend une année, par exemple 2026"),
        },
    };
    let Some(geo) = cus_core::geo::referential(year) else {
        let list: Vec<String> = vintages.iter().map(u16::to_string).collect();
        return Output::usage(&format!(
            "millésime {year} indisponible : choisissez parmi {}",
            list.join(", ")
        ));
    };
    if let Err(e) = cus_core::consolidation::check_territory(&territory, geo) {
        return Output::usage(&e);
    }
    // The output: --format, else the extension of --sortie, else text.
    let sortie = option("--sortie");
    let format = match (&common.format, &sortie) {
        (Some(f), _) => f.clone(),
        (None, Some(s)) => match Format::from_file_name(s) {
            Some(f) => f.extension().to_string(),
            None => "texte".to_string(),
        },
        (None, None) => "texte".to_string(),
    };
    if matches!(format.as_str(), "ods" | "xlsx") && sortie.is_none() {
        return Output::usage(&format!(
            "le format {format} s'écrit dans un fichier : précisez --sortie FICHIER.{format}"
        ));
    }
    if common.rest.is_empty() {
        return Output::usage("cus consolider attend au moins un fichier ou un dossier");
    }

    // The files: read one by one; an unreadable one is listed and changes nothing else.
    let mut unreadable = Vec::new();
    let mut paths = Vec::new();
    for input in &common.rest {
        match expand(std::slice::from_ref(input)) {
            Ok(files) => paths.extend(files),
            Err(d) => unreadable.push(Unreadable {
                fichier: input.clone(),
                raison: d.message,
            }),
        }
    }
    let mut ws = Workspace::new(
        &option("--nom").unwrap_or_else(|| "Consolidation en ligne de commande".into()),
    );
    ws.territory = Some(territory);
    ws.geo_vintage = Some(year);
    for (path, read) in paths.iter().zip(read_all(&paths, &common.cats)) {
        match read {
            Err(raison) => unreadable.push(Unreadable {
                fichier: path.clone(),
                raison,
            }),
            Ok(file) => ws.files.push(file),
        }
    }
    // Ids: the file's name alone, or the path as given when two files share a name.
    let names: Vec<String> = ws.files.iter().map(|f| base_name(&f.file_name)).collect();
    for (i, f) in ws.files.iter_mut().enumerate() {
        let shared = names.iter().filter(|n| **n == names[i]).count() > 1;
        f.id = if shared {
            f.file_name.clone()
        } else {
            names[i].clone()
        };
    }
    // Duplicates: the last file of each group is kept.
    let mut dropped = Vec::new();
    for group in duplicates(&ws.files) {
        let Some((&keep, others)) = group.split_last() else {
            continue;
        };
        let names: Vec<&str> = group
            .iter()
            .map(|&i| ws.files[i].file_name.as_str())
            .collect();
        dropped.push(format!(
            "{} : même organisme ({}, SIREN {}) sur le même catalogue ; seul le dernier, {}, est \
             consolidé.",
            names.join(", "),
            cus_core::consolidation::organism_label(&ws.files[keep].convention, ""),
            ws.files[keep].convention.organisme.siren,
            ws.files[keep].file_name
        ));
        for &i in others {
            ws.files[i].excluded = true;
        }
    }
    // Options files: a bad line stops everything, named.
    let ids: Vec<(String, String)> = ws
        .files
        .iter()
        .map(|f| (f.id.clone(), f.file_name.clone()))
        .collect();
    let mut problems: Vec<Diagnostic> = Vec::new();
    if let Some(f) = option("--cles") {
        match read_split_keys(&f, &ids) {
            Ok(k) => ws.split_keys = k,
            Err(d) => problems.extend(d),
        }
    }
    if let Some(f) = option("--objectifs") {
        match read_objectives(&f, &common.cats) {
            Ok(o) => ws.objectives = o,
            Err(d) => problems.extend(d),
        }
    }
    if let Some(f) = option("--periode-precedente") {
        match crate::input::read_previous(&f) {
            Ok(p) => ws.previous = p,
            Err(d) => problems.extend(d),
        }
    }
    let mut scenario_index = None;
    if let Some(f) = option("--scenario") {
        match read_scenario(&f) {
            Ok(mut s) => {
                map_sources(&mut s, &ids);
                ws.scenarios.push(s);
                scenario_index = Some(0);
            }
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Output::unreadable(&problems);
    }
    // Objectives and scenario figures written by convention year (`a1`, `c6`) are placed in the
    // calendar as the app places them; objectives belong to the territory studied.
    ws.place_in_calendar();

    let run = match conso::consolidate_workspace(&ws, scenario_index, &common.cats) {
        Ok(r) => r,
        Err(e) => {
            return Output {
                stderr: format!("cus : {e}\n"),
                code: 2,
                ..Default::default()
            }
        }
    };
    let code = if !unreadable.is_empty() {
        2
    } else if ws.files.iter().any(|f| !f.excluded && f.errors > 0) {
        1
    } else {
        0
    };
    let bytes = match format.as_str() {
        "texte" => text(&run, &unreadable, &dropped).into_bytes(),
        "json" => {
            let report = Report {
                summary: conso::summary(&run),
                fichiers_illisibles: &unreadable,
                doublons_ecartes: &dropped,
            };
            let mut s = serde_json::to_string_pretty(&report).unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
        other => {
            let f = Format::from_file_name(&format!("x.{other}")).unwrap_or(Format::Csv);
            conso::write(&run, &ws, f)
        }
    };
    match sortie {
        None => Output {
            stdout: String::from_utf8_lossy(&bytes).into_owned(),
            stderr: String::new(),
            code,
        },
        Some(path) => {
            if let Err(e) = std::fs::write(&path, &bytes) {
                return Output {
                    stderr: format!(
                        "cus : impossible d'écrire « {path} » : {} (détail technique : {e}).\n",
                        match e.kind() {
                            std::io::ErrorKind::NotFound => "son dossier n'existe pas",
                            std::io::ErrorKind::PermissionDenied => "l'accès est refusé",
                            _ => "le système refuse l'écriture",
                        }
                    ),
                    code: 2,
                    ..Default::default()
                };
            }
            let mut s = format!(
                "Consolidation sur {} écrite dans {path} ({}, {} octets) : {}.\n",
                run.territory_label,
                format.to_uppercase(),
                bytes.len(),
                run.files_summary_fr()
            );
            problems_text(&mut s, &unreadable, &dropped, &run);
            Output {
                stdout: s,
                stderr: String::new(),
                code,
            }
        }
    }
}

/// Read and check one file: the workspace file (its id set later), or why it is unreadable.
/// The reading step is the formats crate's, shared with the app.
fn read_one(path: &str, cats: &[Catalogue]) -> Result<WorkspaceFile, String> {
    let imported = load(path, cats).map_err(|d| reason(&d))?;
    Ok(conso::read_organism(imported, path, cats))
}

/// Read the files on every core (reading and checking hundreds of files is most of the time of
/// the command), in the order given.
fn read_all(paths: &[String], cats: &[Catalogue]) -> Vec<Result<WorkspaceFile, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(paths.len().max(1));
    if threads <= 1 {
        return paths.iter().map(|p| read_one(p, cats)).collect();
    }
    let per = paths.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(|p| read_one(p, cats)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .zip(paths.chunks(per))
            .flat_map(|(h, chunk)| {
                h.join().unwrap_or_else(|_| {
                    chunk
                        .iter()
                        .map(|_| Err("lecture interrompue par une erreur interne".to_string()))
                        .collect()
                })
            })
            .collect()
    })
}

/// The file's name without its folders.
fn base_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The reason a file is unreadable: its first error (and how many more).
fn reason(d: &[Diagnostic]) -> String {
    let errors: Vec<&Diagnostic> = d.iter().filter(|x| x.severity == Severity::Error).collect();
    let first = errors
        .first()
        .or(d.first().as_ref())
        .map_or_else(|| "fichier illisible".to_string(), |x| x.message.clone());
    if errors.len() > 1 {
        format!(
            "{first} (et {} ; cus check pour le détail)",
            plural(errors.len() - 1, "autre erreur", "autres erreurs")
        )
    } else {
        first
    }
}

/// A scenario may name a file as on the command line: its changes are mapped to the ids.
fn map_sources(s: &mut Scenario, ids: &[(String, String)]) {
    use cus_core::consolidation::Change;
    let map = |src: &mut String| {
        if let Some((id, _)) = ids.iter().find(|(id, p)| id != src && p == src) {
            *src = id.clone();
        }
    };
    for c in &mut s.changes {
        match c {
            Change::Cell { source, .. } => map(source),
            Change::Scale {
                source: Some(source),
                ..
            } => map(source),
            _ => {}
        }
    }
}

/// Unreadable files, duplicates, files left out or with errors: what the reader must know.
fn problems_text(s: &mut String, unreadable: &[Unreadable], dropped: &[String], run: &Run) {
    if !unreadable.is_empty() {
        s.push_str("\nFichiers illisibles (non consolidés) :\n");
        for u in unreadable {
            s.push_str(&format!("  - {} : {}\n", u.fichier, u.raison));
        }
    }
    if !dropped.is_empty() {
        s.push_str("\nDoublons (le dernier fichier de chaque groupe est gardé) :\n");
        for d in dropped {
            s.push_str(&format!("  - {d}\n"));
        }
    }
    let refused: Vec<_> = run
        .files
        .iter()
        .filter_map(|f| match &f.status {
            FileUse::Refused(r) => Some((f, r)),
            _ => None,
        })
        .collect();
    if !refused.is_empty() {
        s.push_str("\nFichiers écartés :\n");
        for (f, r) in refused {
            s.push_str(&format!("  - {} : {r}\n", f.file_name));
        }
    }
    let absent: Vec<_> = run
        .files
        .iter()
        .filter(|f| matches!(f.status, FileUse::Absent { .. }))
        .collect();
    if !absent.is_empty() {
        s.push_str("\nFichiers sans chiffre sur le territoire :\n");
        for f in absent {
            s.push_str(&format!("  - {} ({})\n", f.file_name, f.organism));
        }
    }
    let with_errors: Vec<_> = run
        .files
        .iter()
        .filter(|f| f.errors > 0 && matches!(f.status, FileUse::Used { .. }))
        .collect();
    if !with_errors.is_empty() {
        s.push_str("\nFichiers consolidés malgré des erreurs (détail : cus check FICHIER) :\n");
        for f in with_errors.iter().take(MAX_LISTED) {
            s.push_str(&format!(
                "  - {} : {}\n",
                f.file_name,
                plural(f.errors, "erreur", "erreurs")
            ));
        }
        if with_errors.len() > MAX_LISTED {
            s.push_str(&format!(
                "  - et {} (la liste complète : --format json)\n",
                plural(
                    with_errors.len() - MAX_LISTED,
                    "autre fichier",
                    "autres fichiers"
                )
            ));
        }
    }
    for d in &run.duplicates {
        let names: Vec<&str> = d.iter().map(|&i| run.files[i].file_name.as_str()).collect();
        s.push_str(&format!(
            "\nAttention : {} sont le même organisme sur le même catalogue.\n",
            names.join(", ")
        ));
    }
}

fn n(v: f64) -> String {
    format_fr(v, 2)
}

/// The French summary printed by `--format texte`.
fn text(run: &Run, unreadable: &[Unreadable], dropped: &[String]) -> String {
    let mut s = format!(
        "Consolidation sur {} ({}), découpage territorial {}\n",
        run.territory_label, run.territory, run.geo.vintage.year
    );
    let files = run.files_summary_fr();
    if unreadable.is_empty() {
        s.push_str(&format!("Fichiers : {files}.\n"));
    } else {
        s.push_str(&format!(
            "Fichiers : {files} ; {}.\n",
            plural(unreadable.len(), "illisible", "illisibles")
        ));
    }
    match &run.scenario {
        None => s.push_str("Scénario : aucun (les engagements des fichiers, sans changement).\n"),
        Some(sc) => {
            s.push_str(&format!("Scénario « {} » :\n", sc.name));
            for c in &run.scenario_changes_fr {
                s.push_str(&format!("  - {c}\n"));
            }
            for u in &run.consolidated.unmatched {
                s.push_str(&format!("  - {u}\n"));
            }
        }
    }
    problems_text(&mut s, unreadable, dropped, run);

    for (g, cg) in run.extract.groups.iter().zip(&run.consolidated.groups) {
        let cats: Vec<String> = g
            .catalogues
            .iter()
            .map(|(id, v, k)| format!("{id} {v} : {k}"))
            .collect();
        s.push_str(&format!(
            "\n== {} : {} ({}) ==\n",
            cg.label,
            plural(g.sources.len(), "fichier", "fichiers"),
            cats.join(" ; ")
        ));
        for t in &cg.tables {
            table_text(&mut s, t);
        }
        if !g.left_out.is_empty() {
            s.push_str("\nIndicateurs écartés :\n");
            for l in &g.left_out {
                s.push_str(&format!("  - {} ({}) : {}\n", l.code, l.label, l.reason_fr));
            }
        }
    }
    if !run.objectives_unmatched.is_empty() {
        s.push_str("\nObjectifs sans indicateur consolidé :\n");
        for o in &run.objectives_unmatched {
            s.push_str(&format!("  - {o}\n"));
        }
    }
    s.push('\n');
    s.push_str(&run.synthesis.to_text(false));
    s.push_str("\nRègles appliquées :\n");
    for r in RULES_FR {
        s.push_str(&format!("  - {r}\n"));
    }
    s
}

fn table_text(s: &mut String, t: &cus_core::consolidation::ConsolidatedTable) {
    let how = if t.additive {
        "additionné"
    } else {
        "minimum, médiane, maximum"
    };
    s.push_str(&format!(
        "\n{} — {} ({}, {how})",
        t.code, t.label, t.unit_fr
    ));
    if t.rows.is_empty() && t.unventilated.is_empty() {
        s.push_str(" : aucun chiffre sur le territoire");
        if !t.not_retained.is_empty() {
            s.push_str(&format!(
                " (indicateur non retenu par {})",
                t.not_retained.join(", ")
            ));
        }
        s.push_str(".\n");
        return;
    }
    s.push_str(&format!(
        " : {} à la maille, {}\n",
        plural(t.rows.len(), "ligne d'organisme", "lignes d'organismes"),
        plural(t.unventilated.len(), "non ventilée", "non ventilées")
    ));
    let mut silent = 0;
    for (c, col) in t.columns.iter().enumerate() {
        let unv = t.unventilated.iter().any(|r| r.values[c].is_some());
        if t.additive {
            let total = &t.totals[c];
            if total.value().is_none() && !unv && total.invalid == 0 {
                silent += 1;
                continue;
            }
            let value = total.value().map_or_else(|| "aucune valeur".into(), n);
            let caveats = total.caveats_fr();
            s.push_str(&format!("  {} : {value}", col.label_fr));
            if !caveats.is_empty() {
                s.push_str(&format!(" ({caveats})"));
            }
            s.push('\n');
        } else {
            match &t.stats[c] {
                None if !unv => {
                    silent += 1;
                    continue;
                }
                None => s.push_str(&format!(
                    "  {} : aucune valeur à la maille du territoire\n",
                    col.label_fr
                )),
                Some(st) => s.push_str(&format!(
                    "  {} : minimum {}, médiane {}, maximum {} ({}{})\n",
                    col.label_fr,
                    n(st.min),
                    n(st.median),
                    n(st.max),
                    plural(st.n, "valeur", "valeurs"),
                    if st.empty > 0 {
                        format!(" ; {}", plural(st.empty, "cellule vide", "cellules vides"))
                    } else {
                        String::new()
                    }
                )),
            }
        }
    }
    if silent > 0 {
        s.push_str(&format!(
            "  ({} sans aucune valeur sur le territoire)\n",
            plural(silent, "colonne", "colonnes")
        ));
    }
    let invalid: usize = t
        .rows
        .iter()
        .map(|r| r.invalid.iter().filter(|x| **x).count())
        .sum();
    if !t.additive && invalid > 0 {
        s.push_str(&format!(
            "  ({} non comptée{})\n",
            plural(invalid, "valeur invalide", "valeurs invalides"),
            if invalid > 1 { "s" } else { "" }
        ));
    }
    if !t.unventilated.is_empty() {
        s.push_str("  Non ventilé à cette maille (hors total, sauf clé de répartition) :\n");
        for r in &t.unventilated {
            let figures: Vec<String> = t
                .columns
                .iter()
                .zip(&r.values)
                .filter_map(|(c, v)| v.map(|v| format!("{} {}", c.label_fr, n(v))))
                .collect();
            s.push_str(&format!(
                "    {} — {} ({}) : {}",
                r.label,
                r.basis_fr,
                r.levels_fr,
                if figures.is_empty() {
                    "aucune valeur".to_string()
                } else {
                    figures.join(" ; ")
                }
            ));
            match (r.key, t.additive) {
                (Some(k), true) => s.push_str(&format!(
                    " [clé de répartition {} % : estimation comptée dans le total]",
                    n(k * 100.0)
                )),
                (None, true) => s.push_str(" [aucune clé de répartition : hors total]"),
                _ => {}
            }
            s.push('\n');
        }
    }
    if !t.comparisons.is_empty() {
        s.push_str("  Objectifs :\n");
        for c in &t.comparisons {
            s.push_str(&format!("    {} : {}\n", c.column_label, c.text_fr));
        }
        for (split, lines) in &t.years {
            s.push_str(&format!("  Suivi annuel et cumulé ({split}) :\n"));
            for y in lines {
                s.push_str(&format!(
                    "    {} : objectif {}, engagements {} ; cumul : objectif {}, engagements {}{}\n",
                    y.label,
                    y.objective.map_or_else(|| "—".into(), n),
                    y.committed.map_or_else(|| "—".into(), n),
                    n(y.cumulated_objective),
                    n(y.cumulated_committed),
                    y.cumulated_coverage
                        .map(|c| format!(" ({} %)", format_fr(c, 1)))
                        .unwrap_or_default()
                ));
            }
        }
    }
    if !t.not_retained.is_empty() {
        s.push_str(&format!(
            "  Non retenu par : {}.\n",
            t.not_retained.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use cus_core::catalogue::Level;
    use cus_core::convention::{Convention, Value};
    use cus_core::numfmt::format_fr;
    use cus_formats::Format;

    use crate::testkit::{run_args, temp, write_export};

    /// The « grand organisme » sample (Nord and neighbours, PP-1 and PP-2 with the EPCI detail),
    /// renamed; without `epci_detail`, committed at the département only.
    fn org(name: &str, siren: &str, epci_detail: bool) -> Convention {
        let mut c = cus_core::samples::Sample::by_id("grand-organisme")
            .and_then(|s| s.convention())
            .unwrap();
        c.organisme.raison_sociale = name.into();
        c.organisme.siren = siren.into();
        if !epci_detail {
            // One EPCI outside the territory is kept for PS-1 (committed at the EPCI level).
            let kept = "245900428";
            c.epci.retain(|e| e == kept);
            for s in c.segmentation.values_mut() {
                s.levels.retain(|l| *l != Level::Epci);
            }
            let keys: Vec<String> = c
                .values
                .keys()
                .filter(|k| k.contains("|epci:") && !k.contains(&format!("|epci:{kept}|")))
                .cloned()
                .collect();
            for k in keys {
                c.values.remove(&k);
            }
            c.stock
                .retain(|k, _| !k.starts_with("epci:") || k.ends_with(kept));
        }
        c
    }

    fn number(c: &Convention, key: &str) -> f64 {
        match c.values.get(key) {
            Some(Value::Number(n)) => *n,
            other => panic!("{key}: {other:?}"),
        }
    }

    const MEL: &str = "epci:200093201";

    #[test]
    fn an_epci_adds_up_the_organisms_at_its_level_and_shows_the_others_apart() {
        let dir = temp("consolider");
        let conventions = dir.join("conventions");
        std::fs::create_dir(&conventions).unwrap();
        let a = org("Org A (fictif)", "130005481", true);
        let b = org("Org B (fictif)", "775663438", false);
        write_export(&a, &conventions.join("a.json"), Format::Json);
        write_export(&b, &conventions.join("b.ods"), Format::Ods);
        let folder = conventions.to_str().unwrap();
        let y = a.signing_year.unwrap();
        let c6 = format!("Cumul {y}–{}", y + 5);
        let key = format!("total|{y}-{}", y + 5);

        let o = run_args(&["consolider", folder, "--territoire", MEL]);
        assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
        let out = &o.stdout;
        assert!(
            out.starts_with(
                "Consolidation sur 200093201 — Métropole Européenne de Lille (epci:200093201), \
                 découpage territorial 2026\nFichiers : 2 consolidés, 0 sans chiffre sur le \
                 territoire, 0 écarté.\n"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "PP-1 — Offre nouvelle agréée (logements, additionné) : 1 ligne d'organisme à la \
                 maille, 1 non ventilée\n"
            ),
            "{out}"
        );
        // The total is Org A's EPCI figure alone; Org B's département figure is apart.
        let total = number(&a, "PP-1|epci:200093201|total|c6");
        let coarser = number(&b, "PP-1|departement:59|total|c6");
        assert!(
            out.contains(&format!(
                "  {c6} — Total : {} (1 organisme non ventilé à cette maille, hors total)\n",
                format_fr(total, 2)
            )),
            "{out}"
        );
        assert!(
            out.contains(&format!(
                "  Non ventilé à cette maille (hors total, sauf clé de répartition) :\n    Org B \
                 (fictif) — 59 — Nord (département) : Référence — Total {}",
                format_fr(number(&b, "PP-1|departement:59|total|ref"), 2)
            )),
            "{out}"
        );
        assert!(out.contains(&format!("{c6} — Total {}", format_fr(coarser, 2))));
        assert!(out.contains("[aucune clé de répartition : hors total]"));
        assert!(out.contains("Synthèse régionale des CUS — "), "{out}");
        assert!(out.contains("== Offre nouvelle — PP-1 "), "{out}");
        assert!(out.contains("Règles appliquées :"));

        // A split key makes an estimate, said as such.
        let keys = dir.join("cles.csv");
        std::fs::write(&keys, "fichier;cle\nb.ods;10 %\n").unwrap();
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--cles",
            keys.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            o.stdout.contains(&format!(
                "  {c6} — Total : {} (dont {} estimé par clé de répartition)\n",
                format_fr(total + coarser * 0.1, 2),
                format_fr(coarser * 0.1, 1)
            )),
            "{}",
            o.stdout
        );

        // CSV: one line per indicator, row and column.
        let csv = dir.join("conso.csv");
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--sortie",
            csv.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.starts_with("Consolidation sur "), "{}", o.stdout);
        let text = std::fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\u{feff}format;territoire;scenario;groupe;indicateur;libelle_indicateur;unite;\
             nature;organisme;fichier;maille;colonne;libelle_colonne;valeur;remarque"
        );
        let group = "cus-consolidation/3;epci:200093201;;2e génération — logements locatifs;\
                     PP-1;Offre nouvelle agréée;logements";
        for want in [
            format!(
                "{group};engagement;Org A (fictif);a.json;200093201 — Métropole Européenne de \
                 Lille;{key};{c6} — Total;{total};"
            ),
            format!(
                "{group};non ventilé;Org B (fictif);b.ods;59 — Nord;{key};{c6} — Total;\
                 {coarser};hors total : aucune clé de répartition"
            ),
            format!(
                "{group};total;;;200093201 — Métropole Européenne de Lille;{key};{c6} — \
                 Total;{total};1 organisme non ventilé à cette maille, hors total"
            ),
        ] {
            assert!(lines.contains(&want.as_str()), "{want}\n{text}");
        }

        // ODS: a workbook that reopens as the workspace of the command.
        let ods = dir.join("conso.ods");
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--sortie",
            ods.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let ws = cus_formats::consolidation::import_workspace(
            "conso.ods",
            &std::fs::read(&ods).unwrap(),
        )
        .unwrap();
        let ids: Vec<&str> = ws.files.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["a.json", "b.ods"]);
        assert_eq!(ws.territory.unwrap().to_string(), MEL);

        // JSON: the summary, with what the command line adds.
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v["format"], "cus-consolidation/3");
        assert_eq!(v["territoire"], MEL);
        assert_eq!(v["fichiers_illisibles"], serde_json::json!([]));
        let pp1 = &v["groupes"][0]["indicateurs"][0];
        assert_eq!(pp1["code"], "PP-1");
        assert_eq!(pp1["non_ventile"][0]["organisme"], "Org B (fictif)");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_bad_objectives_line_is_named_and_stops_the_consolidation() {
        let dir = temp("consolider-objectifs");
        let conventions = dir.join("conventions");
        std::fs::create_dir(&conventions).unwrap();
        let a = org("Org A (fictif)", "130005481", true);
        write_export(&a, &conventions.join("a.json"), Format::Json);
        let folder = conventions.to_str().unwrap();
        let y = a.signing_year.unwrap();
        let objectives = dir.join("objectifs.csv");
        std::fs::write(
            &objectives,
            "indicateur;ventilation;periode;valeur\r\nPP-1;total;c6;1 200\r\nPP-1;PLAI;c6;beaucoup\r\n",
        )
        .unwrap();
        let path = objectives.to_str().unwrap();
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--objectifs",
            path,
        ]);
        assert_eq!(o.code, 2);
        assert_eq!(o.stdout, "");
        assert_eq!(
            o.stderr,
            format!(
                "Erreur [E-CONSOLIDATION-OBJECTIVES] (fichier {path}, ligne 3) : La valeur « \
                 beaucoup » n'est pas un nombre (attendu par exemple 1 234,5).\n"
            )
        );
        // Fixed, the objectives are compared with the commitments.
        std::fs::write(
            &objectives,
            "indicateur;ventilation;periode;valeur\nPP-1;total;c6;1 200\n",
        )
        .unwrap();
        let o = run_args(&[
            "consolider",
            folder,
            "--territoire",
            MEL,
            "--objectifs",
            path,
        ]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            o.stdout.contains(&format!(
                "  Objectifs :\n    Cumul {y}–{} — Total : Engagements ",
                y + 5
            )),
            "{}",
            o.stdout
        );
        let objective = format!("pour un objectif de {} :", format_fr(1200.0, 1));
        assert!(o.stdout.contains(&objective), "{}", o.stdout);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn unreadable_files_and_duplicates_are_said_and_change_nothing_else() {
        let dir = temp("consolider-doublons");
        let a = org("Org A (fictif)", "130005481", true);
        write_export(&a, &dir.join("a1.json"), Format::Json);
        write_export(&a, &dir.join("a2.csv"), Format::Csv);
        std::fs::write(dir.join("c-illisible.json"), b"{ pas du json").unwrap();
        let o = run_args(&["consolider", dir.to_str().unwrap(), "--territoire", MEL]);
        assert_eq!(o.code, 2, "{}", o.stderr);
        let out = &o.stdout;
        assert!(
            out.contains(
                "Fichiers : 1 consolidé, 0 sans chiffre sur le territoire, 1 écarté ; 1 illisible."
            ),
            "{out}"
        );
        assert!(
            out.contains("Fichiers illisibles (non consolidés) :\n  - "),
            "{out}"
        );
        assert!(out.contains("c-illisible.json : "), "{out}");
        assert!(
            out.contains(
                "a2.csv : même organisme (Org A (fictif), SIREN 130005481) sur le même \
                          catalogue ; seul le dernier, "
            ),
            "{out}"
        );
        // The total is Org A's figure once.
        let total = number(&a, "PP-1|epci:200093201|total|c6");
        let y = a.signing_year.unwrap();
        assert!(
            out.contains(&format!(
                "  Cumul {y}–{} — Total : {}\n",
                y + 5,
                format_fr(total, 2)
            )),
            "{out}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    /// The CRH Nord-Pas-de-Calais case (30 first-generation CUS): with the previous period's
    /// figures, the text ends on the regional synthesis and its key sentences; a wrong line of
    /// the previous period stops everything and is named.
    #[test]
    fn the_regional_synthesis_compares_with_the_previous_period() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../cus-core/tests/cases/synthesis/crh-2012"
        );
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path().display().to_string())
            .filter(|p| p.ends_with(".json"))
            .collect();
        files.sort();
        let previous = format!("{dir}/periode-precedente.csv");
        let mut args: Vec<&str> = vec!["consolider"];
        args.extend(files.iter().map(String::as_str));
        args.extend([
            "--territoire",
            "region:32",
            "--periode-precedente",
            &previous,
        ]);
        let o = run_args(&args);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let out = o.stdout.replace('\u{202f}', " ");
        for want in [
            "== Offre nouvelle — A.I Dossiers de financement déposés",
            "Ce niveau de production prévisionnel est inférieur de 4 % à la période 2005–2010 (33 812 logements, chiffres saisis).",
            "Premier sous-territoire, Nord représente 67 % du développement prévisionnel 2011–2016 contre 62 % des réalisations sur la période 2005–2010.",
            "== D.I-ventes — Prévision de logements vendus",
        ] {
            assert!(out.contains(want), "{want}\n{out}");
        }
        let json = {
            let mut a = args.clone();
            a.extend(["--format", "json"]);
            run_args(&a)
        };
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(v["synthese"]["sections"][0]["id"], "offre-a-i");
        let tmp = temp("consolider-precedente");
        let bad = tmp.join("precedente.csv");
        std::fs::write(
            &bad,
            "indicateur;ventilation;periode;valeur\nA.I;PLAI;demain;3\n",
        )
        .unwrap();
        let bad = bad.display().to_string();
        let mut a: Vec<&str> = vec!["consolider", &files[0], "--territoire", "region:32"];
        a.extend(["--periode-precedente", &bad]);
        let o = run_args(&a);
        assert_eq!(o.code, 2);
        assert!(
            o.stderr.contains("[E-CONSOLIDATION-PREVIOUS] (fichier ")
                && o.stderr
                    .contains(", ligne 2) : « demain » n'est pas une période"),
            "{}",
            o.stderr
        );
        std::fs::remove_dir_all(&tmp).ok();
    }

    #[test]
    fn wrong_usage_is_explained() {
        let o = run_args(&["consolider", "x.json"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("--territoire"), "{}", o.stderr);
        let o = run_args(&["consolider", "x.json", "--territoire", "commune:59350"]);
        assert_eq!(o.code, 64);
        assert!(
            o.stderr.contains("n'est pas un territoire reconnu"),
            "{}",
            o.stderr
        );
        let o = run_args(&["consolider", "x.json", "--territoire", "epci:123"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("L'EPCI « 123 »"), "{}", o.stderr);
        let o = run_args(&[
            "consolider",
            "x.json",
            "--territoire",
            MEL,
            "--format",
            "ods",
        ]);
        assert_eq!(o.code, 64);
        assert!(
            o.stderr.contains("précisez --sortie FICHIER.ods"),
            "{}",
            o.stderr
        );
        let o = run_args(&[
            "consolider",
            "x.json",
            "--territoire",
            MEL,
            "--format",
            "pdf",
        ]);
        assert_eq!(o.code, 64);
        assert!(
            o.stderr
                .contains("format « pdf » inconnu : choisissez texte, json, csv, ods ou xlsx"),
            "{}",
            o.stderr
        );
        let o = run_args(&["consolider", "--territoire", MEL]);
        assert_eq!(o.code, 64);
    }
}
