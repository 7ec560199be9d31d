//! `cus convert`: convert a convention file, or a whole folder, from one format to another.

use std::path::{Path, PathBuf};

use cus_core::diagnostic::Diagnostic;
use cus_formats::{ExportInput, Format, Mode};

use crate::args::common_options;
use crate::input::{at_file, catalogue_of, expand, load};
use crate::output::{summary, Output};

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

/// `cus convert ENTREE SORTIE [--final] [--vers ods|xlsx|csv|json] [--catalogue F]`.
pub fn run(args: &[String]) -> Output {
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
        let view = conv.view(cat);
        let cat = &*view;
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
    use crate::testkit::{run_args, sample, temp, with_error, write_export};

    #[test]
    fn iso_dates_from_unix_time() {
        assert_eq!(iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_from_unix(1_795_627_800), "2026-11-25T17:30:00Z");
        assert_eq!(iso_from_unix(951_868_799), "2000-02-29T23:59:59Z");
        let now = export_date();
        assert!(now.ends_with('Z') && now.len() == 20, "{now}");
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
