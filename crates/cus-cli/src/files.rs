//! `cus check` and `cus convert`: convention files (ODS, XLSX, CSV, JSON), one by one or a
//! whole folder.

use std::path::{Path, PathBuf};

use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Location, Severity};
use cus_formats::{ExportInput, Format, Imported, Mode};
use serde::Serialize;

use crate::cli::{read_catalogue_file, Output};

/// Environment variable that fixes the export date (ISO 8601), for reproducible files.
pub const DATE_ENV: &str = "CUS_DATE_EXPORT";

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time (proleptic Gregorian calendar, UTC).
pub fn iso_from_unix(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

/// The export date: `CUS_DATE_EXPORT` when set, else the system clock.
pub fn export_date() -> String {
    if let Ok(d) = std::env::var(DATE_ENV) {
        if !d.trim().is_empty() {
            return d.trim().to_string();
        }
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    iso_from_unix(secs)
}

fn at_file(path: &str) -> Location {
    Location {
        file: Some(path.to_string()),
        ..Default::default()
    }
}

/// The files named on the command line: a file as is, a folder as the files of a known format
/// it holds (not its subfolders), sorted by name.
fn expand(inputs: &[String]) -> Result<Vec<String>, Box<Diagnostic>> {
    let mut out = Vec::new();
    for i in inputs {
        let p = Path::new(i);
        if p.is_dir() {
            let entries = std::fs::read_dir(p).map_err(|e| {
                Box::new(Diagnostic::error(
                    "E-FILE-READ",
                    format!("Impossible de lire le dossier : {e}."),
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
fn load(path: &str, cats: &[Catalogue]) -> Result<Imported, Vec<Diagnostic>> {
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            "E-FILE-READ",
            format!("Impossible de lire le fichier : {e}."),
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
fn catalogue_of<'a>(conv: &Convention, cats: &'a [Catalogue]) -> Option<&'a Catalogue> {
    cats.iter()
        .find(|c| c.id == conv.catalogue.id && c.version == conv.catalogue.version)
}

/// The parsed arguments of a command.
struct Common {
    /// `--format json`.
    json: bool,
    /// Embedded catalogues and those of `--catalogue`.
    cats: Vec<Catalogue>,
    /// Arguments that are not options (files, folders).
    rest: Vec<String>,
    /// Other options given, with their value (empty for a flag).
    options: Vec<(String, String)>,
}

/// Parse `--format`, `--catalogue` and the options `flags` (without value) and `valued`.
fn common_options(
    args: &[String],
    command: &str,
    flags: &[&str],
    valued: &[&str],
) -> Result<Common, Output> {
    let mut json = false;
    let mut extra_cats = Vec::new();
    let mut rest = Vec::new();
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json = true,
                Some("texte" | "text") => json = false,
                Some(f) => {
                    return Err(Output::usage(&format!(
                        "format « {f} » inconnu : choisissez texte ou json"
                    )))
                }
                None => return Err(Output::usage("--format attend une valeur : texte ou json")),
            },
            "--catalogue" => match it.next() {
                Some(f) => extra_cats.push(f.clone()),
                None => {
                    return Err(Output::usage(
                        "--catalogue attend un chemin de fichier de catalogue",
                    ))
                }
            },
            f if flags.contains(&f) => options.push((f.to_string(), String::new())),
            f if valued.contains(&f) => match it.next() {
                Some(v) => options.push((f.to_string(), v.clone())),
                None => return Err(Output::usage(&format!("{f} attend une valeur"))),
            },
            "-h" | "--help" => return Err(Output::ok(crate::cli::HELP.to_string())),
            f if f.starts_with("--") => {
                return Err(Output::usage(&format!(
                    "option inconnue « {f} » pour « cus {command} »"
                )))
            }
            _ => rest.push(a.clone()),
        }
    }
    let mut cats = cus_core::catalogue::embedded();
    let mut diags = Vec::new();
    for f in &extra_cats {
        match read_catalogue_file(f) {
            Ok(c) => cats.push(c),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(Output::unreadable(&diags));
    }
    Ok(Common {
        json,
        cats,
        rest,
        options,
    })
}

fn count(diags: &[Diagnostic], s: Severity) -> usize {
    diags.iter().filter(|d| d.severity == s).count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn summary(diags: &[Diagnostic]) -> String {
    format!(
        "{}, {}, {}",
        plural(count(diags, Severity::Error), "erreur", "erreurs"),
        plural(
            count(diags, Severity::Warning),
            "avertissement",
            "avertissements"
        ),
        plural(count(diags, Severity::Info), "information", "informations")
    )
}

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
}

/// `cus check FICHIER|DOSSIER... [--format texte|json] [--catalogue F]`.
pub fn cmd_check(args: &[String]) -> Output {
    let common = match common_options(args, "check", &[], &[]) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let inputs = &common.rest;
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
            for d in &r.diagnostics {
                s.push_str(&d.to_line_fr());
                s.push('\n');
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
        },
        Ok(imported) => {
            let mut diags = imported.notes.clone();
            let conv = &imported.convention;
            if let Some(cat) = catalogue_of(conv, cats) {
                diags.extend(cus_core::rules::validate(conv, cat, conv.referential()));
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
            }
        }
    }
}

/// `cus convert ENTREE SORTIE [--final] [--vers ods|xlsx|csv|json] [--catalogue F]`.
pub fn cmd_convert(args: &[String]) -> Output {
    let common = match common_options(args, "convert", &["--final"], &["--vers"]) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (paths, options) = (&common.rest, &common.options);
    let mode = if options.iter().any(|(k, _)| k == "--final") {
        Mode::Final
    } else {
        Mode::Brouillon
    };
    let vers = match options.iter().rev().find(|(k, _)| k == "--vers") {
        Some((_, v)) => match Format::from_file_name(&format!("x.{v}")) {
            Some(f) => Some(f),
            None => {
                return Output::usage(&format!(
                    "--vers « {v} » inconnu : choisissez ods, xlsx, csv ou json"
                ))
            }
        },
        None => None,
    };
    let [input, output] = paths.as_slice() else {
        return Output::usage(
            "cus convert attend une entrée et une sortie : cus convert ENTREE SORTIE",
        );
    };
    let in_dir = Path::new(input).is_dir();
    let out_dir = in_dir || Path::new(output).is_dir() || output.ends_with('/');
    // The pairs (source, destination).
    let mut jobs: Vec<(String, PathBuf)> = Vec::new();
    if out_dir {
        let Some(target) = vers else {
            return Output::usage(
                "la sortie est un dossier : précisez le format avec --vers ods|xlsx|csv|json",
            );
        };
        let files = match expand(std::slice::from_ref(input)) {
            Ok(f) => f,
            Err(d) => return Output::unreadable(&[*d]),
        };
        if let Err(e) = std::fs::create_dir_all(output) {
            return Output::unreadable(&[Diagnostic::error(
                "E-FILE-WRITE",
                format!("Impossible de créer le dossier : {e}."),
                at_file(output),
            )]);
        }
        for f in files {
            let stem = Path::new(&f)
                .file_stem()
                .map_or_else(|| "convention".into(), |s| s.to_string_lossy().into_owned());
            let dest = Path::new(output).join(format!("{stem}.{}", target.extension()));
            jobs.push((f, dest));
        }
    } else {
        let by_ext = Format::from_file_name(output);
        match (by_ext, vers) {
            (None, _) => {
                return Output::usage(&format!(
                    "« {output} » : l'extension de la sortie doit être .ods, .xlsx, .csv ou .json"
                ))
            }
            (Some(a), Some(b)) if a != b => {
                return Output::usage(&format!(
                    "--vers {} contredit l'extension de « {output} »",
                    b.extension()
                ))
            }
            _ => {}
        }
        jobs.push((input.clone(), PathBuf::from(output)));
    }

    let date = export_date();
    let mut out = Output::default();
    let mut code = 0u8;
    for (src, dest) in jobs {
        let dest_name = dest.to_string_lossy().into_owned();
        let format = Format::from_file_name(&dest_name).unwrap_or(Format::Json);
        if same_file(Path::new(&src), &dest) {
            out.stderr.push_str(&format!(
                "{src} : la sortie serait le fichier d'entrée lui-même ; choisissez un autre nom \
                 ou un autre dossier.\n"
            ));
            code = code.max(2);
            continue;
        }
        let imported = match load(&src, &common.cats) {
            Ok(i) => i,
            Err(d) => {
                out.stderr.push_str(&format!("{src} : fichier illisible\n"));
                for x in &d {
                    out.stderr.push_str(&format!("  {}\n", x.to_line_fr()));
                }
                code = code.max(2);
                continue;
            }
        };
        let conv = &imported.convention;
        let Some(cat) = catalogue_of(conv, &common.cats) else {
            out.stderr
                .push_str(&format!("{src} : catalogue introuvable après import\n"));
            code = code.max(2);
            continue;
        };
        let geo = conv.referential();
        let diags = cus_core::rules::validate(conv, cat, geo);
        let input = ExportInput {
            convention: conv,
            catalogue: cat,
            geo,
            diagnostics: &diags,
            mode,
            exported_at: &date,
        };
        for n in &imported.notes {
            out.stdout
                .push_str(&format!("{src} : {}\n", n.to_line_fr()));
        }
        match cus_formats::export(&input, format) {
            Err(blockers) => {
                out.stdout.push_str(&format!(
                    "{src} : export final refusé ({}) ; corrigez-les, acquittez les \
                     avertissements, ou exportez en brouillon (sans --final).\n",
                    summary(&blockers)
                ));
                for b in &blockers {
                    out.stdout.push_str(&format!("  {}\n", b.to_line_fr()));
                }
                code = code.max(1);
            }
            Ok(bytes) => match std::fs::write(&dest, &bytes) {
                Ok(()) => out.stdout.push_str(&format!(
                    "{src} → {dest_name} ({}, {}, {})\n",
                    format.extension().to_uppercase(),
                    mode.as_str(),
                    summary(&diags)
                )),
                Err(e) => {
                    out.stderr.push_str(&format!(
                        "{dest_name} : impossible d'écrire le fichier : {e}.\n"
                    ));
                    code = code.max(2);
                }
            },
        }
    }
    out.code = code;
    out
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cus_core::convention::Value;

    fn run_args(a: &[&str]) -> Output {
        crate::cli::run(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    /// A fresh temporary folder for one test.
    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("cus-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn sample() -> Convention {
        cus_core::samples::SAMPLES[0].convention().unwrap()
    }

    fn write_export(conv: &Convention, path: &Path, format: Format) {
        let cats = cus_core::catalogue::embedded();
        let cat = catalogue_of(conv, &cats).unwrap();
        let input = ExportInput {
            convention: conv,
            catalogue: cat,
            geo: conv.referential(),
            diagnostics: &[],
            mode: Mode::Brouillon,
            exported_at: "2026-11-25T17:30:00Z",
        };
        std::fs::write(path, cus_formats::export(&input, format).unwrap()).unwrap();
    }

    fn with_error(mut conv: Convention) -> Convention {
        let key = conv
            .values
            .keys()
            .find(|k| k.starts_with("PP-1|"))
            .unwrap()
            .clone();
        conv.values.insert(key, Value::Number(-4.0));
        conv
    }

    #[test]
    fn iso_dates_from_unix_time() {
        assert_eq!(iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_from_unix(1_795_627_800), "2026-11-25T17:30:00Z");
        assert_eq!(iso_from_unix(951_868_799), "2000-02-29T23:59:59Z");
        let now = export_date();
        assert!(now.ends_with('Z') && now.len() == 20, "{now}");
    }

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
        assert_eq!(run_args(&["check"]).code, 64);
        assert_eq!(run_args(&["check", "--format", "xml", "x"]).code, 64);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn convert_between_formats_by_extension() {
        std::env::set_var(DATE_ENV, "2030-01-02T03:04:05Z");
        let dir = temp("convert");
        let src = dir.join("cus.json");
        write_export(&sample(), &src, Format::Json);
        let csv = dir.join("cus.csv");
        let o = run_args(&["convert", src.to_str().unwrap(), csv.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{o:?}");
        assert!(o.stdout.contains("→"), "{}", o.stdout);
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(
            text.contains(";brouillon;2030-01-02T03:04:05Z;"),
            "{}",
            &text[..400]
        );
        let back = dir.join("retour.json");
        let o = run_args(&["convert", csv.to_str().unwrap(), back.to_str().unwrap()]);
        assert_eq!(o.code, 0, "{o:?}");
        let cats = cus_core::catalogue::embedded();
        let i = cus_formats::import(&std::fs::read(&back).unwrap(), "retour.json", &cats).unwrap();
        assert_eq!(i.convention.values, sample().values);
        assert_eq!(i.exported_at.as_deref(), Some("2030-01-02T03:04:05Z"));
        // Usage errors.
        assert_eq!(run_args(&["convert", src.to_str().unwrap()]).code, 64);
        let o = run_args(&["convert", src.to_str().unwrap(), "sortie.txt"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains(".ods, .xlsx, .csv ou .json"));
        let o = run_args(&["convert", src.to_str().unwrap(), src.to_str().unwrap()]);
        assert_eq!(o.code, 2);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn final_conversion_is_refused_while_errors_remain() {
        std::env::set_var(DATE_ENV, "2030-01-02T03:04:05Z");
        let dir = temp("final");
        let src = dir.join("erreur.json");
        write_export(&with_error(sample()), &src, Format::Json);
        let out = dir.join("final.csv");
        let o = run_args(&[
            "convert",
            "--final",
            src.to_str().unwrap(),
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.code, 1, "{o:?}");
        assert!(o.stdout.contains("export final refusé"), "{}", o.stdout);
        assert!(!out.exists());
        let o = run_args(&["convert", src.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(o.code, 0);
        assert!(std::fs::read_to_string(&out)
            .unwrap()
            .contains(";brouillon;"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn convert_a_folder() {
        std::env::set_var(DATE_ENV, "2030-01-02T03:04:05Z");
        let dir = temp("batch");
        let input = dir.join("entree");
        std::fs::create_dir_all(&input).unwrap();
        write_export(&sample(), &input.join("un.json"), Format::Json);
        write_export(&with_error(sample()), &input.join("deux.csv"), Format::Csv);
        std::fs::write(input.join("notes.txt"), "ignoré").unwrap();
        let output = dir.join("sortie");
        let o = run_args(&["convert", input.to_str().unwrap(), output.to_str().unwrap()]);
        assert_eq!(o.code, 64, "--vers is required");
        let o = run_args(&[
            "convert",
            input.to_str().unwrap(),
            output.to_str().unwrap(),
            "--vers",
            "json",
        ]);
        assert_eq!(o.code, 0, "{o:?}");
        let mut names: Vec<String> = std::fs::read_dir(&output)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["deux.json", "un.json"]);
        let o = run_args(&["check", output.to_str().unwrap(), "--format", "json"]);
        let v: Vec<serde_json::Value> = serde_json::from_str(&o.stdout).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(o.code, 1);
        std::fs::remove_dir_all(&dir).ok();
    }
}
