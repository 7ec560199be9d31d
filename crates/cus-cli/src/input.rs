//! Reading the files named on the command line: catalogue files, convention files and folders.

use std::path::{Path, PathBuf};

use cus_core::catalogue::{self, Catalogue};
use cus_core::consolidation::{Aligned, Objective, Scenario};
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Location};
use cus_formats::{Format, Imported};

/// Read a text file in UTF-8 (a leading byte order mark is dropped).
pub(crate) fn read_text(path: &str) -> Result<String, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            "E-FILE-READ",
            format!("Impossible de lire le fichier : {}.", io_fr(&e)),
            at_file(path),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![Diagnostic::error(
            "E-FILE-ENCODING",
            "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 puis recommencez.",
            at_file(path),
        )]
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// Read a catalogue file (TOML or JSON, by extension) and check it.
pub(crate) fn read_catalogue_file(path: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    let text = read_text(path)?;
    if path.ends_with(".toml") {
        catalogue::load_toml(&text, path)
    } else {
        catalogue::load_json(&text, path)
    }
}

/// Why a file or folder cannot be read, in French (the system's words in a short parenthesis).
fn io_fr(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let reason = match e.kind() {
        K::NotFound => "il n'existe pas ; vérifiez le chemin et le nom",
        K::PermissionDenied => "l'accès est refusé ; vérifiez les droits de lecture",
        K::IsADirectory => "c'est un dossier, pas un fichier",
        K::InvalidData | K::UnexpectedEof => "son contenu ne se lit pas jusqu'au bout",
        _ => "le système refuse la lecture",
    };
    format!("{reason} (détail technique : {e})")
}

pub(crate) fn at_file(path: &str) -> Location {
    Location {
        file: Some(path.to_string()),
        ..Default::default()
    }
}

/// The files named on the command line: a file as is, a folder as the files of a known format
/// it holds (not its subfolders), sorted by name.
pub(crate) fn expand(inputs: &[String]) -> Result<Vec<String>, Box<Diagnostic>> {
    let mut out = Vec::new();
    for i in inputs {
        let p = Path::new(i);
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| {
                Box::new(Diagnostic::error(
                    "E-FILE-READ",
                    format!("Impossible de lire le dossier : {}.", io_fr(&e)),
                    at_file(i),
                ))
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file())
                .filter(|f| {
                    f.file_name()
                        .and_then(|n| n.to_str())
                        .and_then(Format::from_file_name)
                        .is_some()
                })
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Box::new(Diagnostic::error(
                    "E-FILE-READ",
                    "Le dossier ne contient aucun fichier .ods, .xlsx, .csv ou .json.".to_string(),
                    at_file(i),
                )));
            }
            out.extend(files.into_iter().map(|f| f.to_string_lossy().into_owned()));
        } else {
            out.push(i.clone());
        }
    }
    Ok(out)
}

/// Read and import one file.
pub(crate) fn load(path: &str, cats: &[Catalogue]) -> Result<Imported, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            "E-FILE-READ",
            format!("Impossible de lire le fichier : {}.", io_fr(&e)),
            at_file(path),
        )]
    })?;
    let name = Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned());
    // Diagnostics name the file as given on the command line.
    let rename = |d: &mut Vec<Diagnostic>| {
        for x in d.iter_mut() {
            x.location.file = Some(path.to_string());
        }
    };
    match cus_formats::import(&bytes, &name, cats) {
        Ok(mut i) => {
            rename(&mut i.notes);
            Ok(i)
        }
        Err(mut d) => {
            rename(&mut d);
            Err(d)
        }
    }
}

/// The catalogue of an imported convention (the import resolved it among `cats`).
pub(crate) fn catalogue_of<'a>(conv: &Convention, cats: &'a [Catalogue]) -> Option<&'a Catalogue> {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version)
}

/// The lines of a small `;`-separated file (a tab also separates when the first line has one
/// and no `;`): (line number, fields trimmed, surrounding double quotes removed). Empty lines and
/// lines starting with `#` are skipped.
fn fields(text: &str) -> Vec<(usize, Vec<String>)> {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sep = if !first.contains(';') && first.contains('\t') {
        '\t'
    } else {
        ';'
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| {
            let f = l
                .split(sep)
                .map(|f| {
                    let t = f.trim();
                    t.strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .unwrap_or(t)
                        .trim()
                        .to_string()
                })
                .collect();
            (i + 1, f)
        })
        .collect()
}

/// The message with its first letter in capital.
fn capitalise(m: &str) -> String {
    let mut c = m.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn at_line(path: &str, line: usize) -> Location {
    Location {
        file: Some(path.to_string()),
        line: Some(line),
        ..Default::default()
    }
}

/// Why a JSON options file does not read, in French.
fn json_fr(e: &serde_json::Error, what: &str) -> String {
    format!(
        "Le fichier n'est pas {what} lisible (ligne {}, colonne {}) (détail technique : {e}).",
        e.line(),
        e.column()
    )
}

/// Check one objective against the catalogues: its indicator exists, its split is one of the
/// indicator's, its period is a calendar year, a window or a level date (`a1` … `c6`, the form
/// of earlier versions, are placed in the calendar from the files: `Workspace::upgrade`).
/// The period is written back in its canonical form (`Cumul 2019–2024` → `2019-2024`).
fn check_objective(o: &mut Objective, cats: &[Catalogue]) -> Result<(), String> {
    let inds: Vec<_> = cats
        .iter()
        .filter_map(|c| c.indicator(&o.indicator))
        .collect();
    if inds.is_empty() {
        let examples: Vec<&str> = cats
            .iter()
            .flat_map(|c| c.indicators.iter().map(|i| i.code.as_str()))
            .take(2)
            .collect();
        return Err(format!(
            "l'indicateur « {} » n'existe dans aucun catalogue connu (codes comme {}).",
            o.indicator,
            examples.join(", ")
        ));
    }
    if !o.value.is_finite() {
        return Err("la valeur de l'objectif n'est pas un nombre fini.".into());
    }
    let mut splits: Vec<String> = Vec::new();
    for ind in &inds {
        for s in cus_core::convention::splits(ind) {
            if !splits.contains(&s.key()) {
                splits.push(s.key());
            }
        }
    }
    if !splits.contains(&o.split) {
        return Err(format!(
            "la ventilation « {} » n'est pas une ventilation de l'indicateur {} ({}).",
            o.split,
            o.indicator,
            splits.join(", ")
        ));
    }
    let Some(period) = Aligned::parse(&o.period) else {
        return Err(format!(
            "la période « {} » n'est ni une année (2022), ni un cumul (2019-2024), ni une fin \
             d'année (fin-2021), ni « ref ».",
            o.period
        ));
    };
    o.period = period.key();
    Ok(())
}

/// Read an objectives file: CSV `indicateur;ventilation;periode;valeur` (header line optional,
/// numbers written the French way, `1 234,5`), or a JSON array of objectives
/// (`{"indicator", "split", "period", "value"}`). Every bad line is reported, by its number.
pub(crate) fn read_objectives(
    path: &str,
    cats: &[Catalogue],
) -> Result<Vec<Objective>, Vec<Diagnostic>> {
    const CODE: &str = "E-CONSOLIDATION-OBJECTIVES";
    let text = read_text(path)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    if text.trim_start().starts_with('[') || path.to_ascii_lowercase().ends_with(".json") {
        let list: Vec<Objective> = serde_json::from_str(&text).map_err(|e| {
            vec![Diagnostic::error(
                CODE,
                json_fr(&e, "un tableau JSON d'objectifs ({\"indicator\", \"split\", \"period\", \"value\"})"),
                at_line(path, e.line()),
            )]
        })?;
        for (i, mut o) in list.into_iter().enumerate() {
            match check_objective(&mut o, cats) {
                Ok(()) => out.push(o),
                Err(m) => problems.push(Diagnostic::error(
                    CODE,
                    format!("Objectif n° {} : {m}", i + 1),
                    Location {
                        file: Some(path.to_string()),
                        path: Some(format!("[{i}]")),
                        ..Default::default()
                    },
                )),
            }
        }
    } else {
        let mut lines = fields(&text).into_iter().peekable();
        let is_header = |f: &[String]| {
            f.first()
                .is_some_and(|x| x.eq_ignore_ascii_case("indicateur"))
        };
        if lines.peek().is_some_and(|(_, f)| is_header(f)) {
            lines.next();
        }
        for (n, f) in lines {
            let fail = |m: String| Diagnostic::error(CODE, capitalise(&m), at_line(path, n));
            if f.len() != 4 {
                problems.push(fail(format!(
                    "{} champ{} au lieu de 4 : attendu indicateur;ventilation;periode;valeur \
                     (par exemple PP-1;PLAI;2019-2024;1 200).",
                    f.len(),
                    if f.len() > 1 { "s" } else { "" }
                )));
                continue;
            }
            let value = match cus_core::numfmt::parse_fr(&f[3]) {
                Ok(v) => v,
                Err(_) => {
                    problems.push(fail(format!(
                        "la valeur « {} » n'est pas un nombre (attendu par exemple 1 234,5).",
                        f[3]
                    )));
                    continue;
                }
            };
            let mut o = Objective {
                indicator: f[0].clone(),
                split: f[1].clone(),
                period: f[2].clone(),
                value,
                territory: None,
            };
            match check_objective(&mut o, cats) {
                Ok(()) => out.push(o),
                Err(m) => problems.push(fail(m)),
            }
        }
        if out.is_empty() && problems.is_empty() {
            problems.push(Diagnostic::error(
                CODE,
                "Le fichier d'objectifs ne contient aucune ligne indicateur;ventilation;periode;valeur.",
                at_file(path),
            ));
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Read a split keys file: CSV `fichier;cle` (the share of an organism's coarser figures
/// attributed to the territory: `0,25` or `25 %`), or a JSON object `{"fichier": 0.25}`. A file
/// is named as on the command line or by its name alone; `ids` maps both to the workspace ids.
pub(crate) fn read_split_keys(
    path: &str,
    ids: &[(String, String)],
) -> Result<std::collections::BTreeMap<String, f64>, Vec<Diagnostic>> {
    const CODE: &str = "E-CONSOLIDATION-KEYS";
    let text = read_text(path)?;
    // (line or entry, file, share text or number)
    let mut entries: Vec<(Location, String, Result<f64, String>)> = Vec::new();
    if text.trim_start().starts_with('{') || path.to_ascii_lowercase().ends_with(".json") {
        let map: std::collections::BTreeMap<String, f64> =
            serde_json::from_str(&text).map_err(|e| {
                vec![Diagnostic::error(
                    CODE,
                    json_fr(
                        &e,
                        "un objet JSON de clés de répartition ({\"fichier.ods\": 0.25})",
                    ),
                    at_line(path, e.line()),
                )]
            })?;
        for (k, v) in map {
            let loc = Location {
                file: Some(path.to_string()),
                path: Some(k.clone()),
                ..Default::default()
            };
            entries.push((loc, k, Ok(v)));
        }
    } else {
        let mut lines = fields(&text).into_iter().peekable();
        if lines
            .peek()
            .is_some_and(|(_, f)| f.first().is_some_and(|x| x.eq_ignore_ascii_case("fichier")))
        {
            lines.next();
        }
        for (n, f) in lines {
            let loc = at_line(path, n);
            if f.len() != 2 {
                entries.push((
                    loc,
                    String::new(),
                    Err(format!(
                        "{} champ{} au lieu de 2 : attendu fichier;cle (par exemple \
                         org-b.ods;25 %).",
                        f.len(),
                        if f.len() > 1 { "s" } else { "" }
                    )),
                ));
                continue;
            }
            let raw = f[1].trim();
            let share = match raw.strip_suffix('%') {
                Some(p) => cus_core::numfmt::parse_fr(p).map(|v| v / 100.0),
                None => cus_core::numfmt::parse_fr(raw),
            }
            .map_err(|_| format!("la clé « {raw} » n'est pas un nombre (attendu 0,25 ou 25 %)."));
            entries.push((loc, f[0].clone(), share));
        }
    }
    let mut out = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for (loc, file, share) in entries {
        let fail = |m: String| Diagnostic::error(CODE, capitalise(&m), loc.clone());
        let share = match share {
            Ok(v) => v,
            Err(m) => {
                problems.push(fail(m));
                continue;
            }
        };
        if !(0.0..=1.0).contains(&share) {
            problems.push(fail(format!(
                "la clé de « {file} » vaut {} : une clé de répartition est une part entre 0 et 1 \
                 (ou un pourcentage entre 0 % et 100 %).",
                cus_core::numfmt::format_fr(share, 4)
            )));
            continue;
        }
        match ids.iter().find(|(id, p)| id == &file || p == &file) {
            Some((id, _)) => {
                out.insert(id.clone(), share);
            }
            None => problems.push(fail(format!(
                "« {file} » n'est pas l'un des fichiers consolidés (nommez-le comme sur la ligne \
                 de commande, ou par son nom seul)."
            ))),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Read a scenario file: JSON `{"name": …, "changes": [...]}` (`docs/FORMAT.md`).
pub(crate) fn read_scenario(path: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        vec![Diagnostic::error(
            "E-CONSOLIDATION-SCENARIO",
            json_fr(
                &e,
                "un scénario JSON ({\"name\": …, \"changes\": [{\"type\": \"realisation\", \"percent\": 80}]})",
            ),
            at_line(path, e.line()),
        )]
    })
}

/// The previous period's figures of `--periode-precedente`: CSV lines
/// `indicateur;ventilation;periode;valeur[;territoire[;organisme]]` (see
/// [`cus_core::consolidation::parse_previous`]); one diagnostic per wrong line.
pub(crate) fn read_previous(
    path: &str,
) -> Result<Vec<cus_core::consolidation::PreviousFigure>, Vec<Diagnostic>> {
    let text = read_text(path)?;
    cus_core::consolidation::parse_previous(&text).map_err(|errors| {
        errors
            .into_iter()
            .map(|m| {
                let line = m
                    .strip_prefix("Ligne ")
                    .and_then(|r| r.split(' ').next())
                    .and_then(|n| n.parse::<usize>().ok());
                // The location names the line: the message does not say it again.
                let text = match (line, m.split_once(" : ")) {
                    (Some(_), Some((_, rest))) => rest.to_string(),
                    _ => m.clone(),
                };
                Diagnostic::error(
                    "E-CONSOLIDATION-PREVIOUS",
                    text,
                    match line {
                        Some(n) => at_line(path, n),
                        None => at_file(path),
                    },
                )
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_files_are_explained_in_french() {
        let d = load("/nonexistent/cus.ods", &[]).unwrap_err();
        let m = &d[0].message;
        assert!(
            m.starts_with("Impossible de lire le fichier : il n'existe pas ; vérifiez le chemin"),
            "{m}"
        );
        // The system's English words only in the parenthesis at the end.
        let (french, detail) = m.split_once("(détail technique : ").unwrap();
        assert!(!french.contains("No such"), "{m}");
        assert!(detail.ends_with(")."), "{m}");
    }

    #[test]
    fn objectives_are_calendar_periods_of_a_known_split() {
        let cats = cus_core::catalogue::embedded();
        let cus2: Vec<Catalogue> = cats
            .into_iter()
            .filter(|c| c.id == "cus2-logements-locatifs")
            .collect();
        let o = |split: &str, period: &str| Objective {
            indicator: "PP-1".into(),
            split: split.into(),
            period: period.into(),
            value: 10.0,
            territory: None,
        };
        // (split, period as written, accepted and stored as): calendar years (a PLH's years),
        // windows in the forms the app shows, the convention-year keys of earlier versions
        // (placed in the calendar by `Workspace::upgrade`); an unknown split or period is refused.
        for (split, period, stored) in [
            ("total", "2022", Some("2022")),
            ("total", "Cumul 2019–2024", Some("2019-2024")),
            ("PLAI", "2019-2024", Some("2019-2024")),
            ("total", "c6", Some("c6")),
            ("total", "a1", Some("a1")),
            ("PLAI", "a7", None),
            ("PLAI", "2019-2030", None),
            ("inconnu", "2022", None),
        ] {
            let mut x = o(split, period);
            let got = check_objective(&mut x, &cus2)
                .ok()
                .map(|()| x.period.clone());
            assert_eq!(got.as_deref(), stored, "{split}|{period}");
        }
        let e = check_objective(
            &mut Objective {
                indicator: "XX-9".into(),
                ..o("total", "c6")
            },
            &cus2,
        )
        .unwrap_err();
        assert!(e.contains("n'existe dans aucun catalogue"), "{e}");
    }
}
