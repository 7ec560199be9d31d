//! The options shared by `cus check`, `cus convert` and `cus consolider` (`--format`,
//! `--catalogue`, `-h`).

use cus_core::catalogue::Catalogue;

use crate::help::HELP;
use crate::input::read_catalogue_file;
use crate::output::Output;

/// The parsed arguments of a command.
pub(crate) struct Common {
    /// `--format json`.
    pub(crate) json: bool,
    /// The value of `--format` when given (`text` is read as `texte`).
    pub(crate) format: Option<String>,
    /// Embedded catalogues and those of `--catalogue`.
    pub(crate) cats: Vec<Catalogue>,
    /// Arguments that are not options (files, folders).
    pub(crate) rest: Vec<String>,
    /// Other options given, with their value (empty for a flag).
    pub(crate) options: Vec<(String, String)>,
}

/// Parse `--format texte|json`, `--catalogue` and the options `flags` (without value) and
/// `valued`.
pub(crate) fn common_options(
    args: &[String],
    command: &str,
    flags: &[&str],
    valued: &[&str],
) -> Result<Common, Output> {
    options_with_formats(args, command, &["texte", "json"], flags, valued)
}

/// « texte ou json », « texte, json, csv, ods ou xlsx ».
fn list_fr(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} ou {last}", rest.join(", ")),
    }
}

/// Parse `--format` (one of `formats`), `--catalogue` and the options `flags` (without value)
/// and `valued`.
pub(crate) fn options_with_formats(
    args: &[String],
    command: &str,
    formats: &[&str],
    flags: &[&str],
    valued: &[&str],
) -> Result<Common, Output> {
    let mut format: Option<String> = None;
    let mut extra_cats = Vec::new();
    let mut rest = Vec::new();
    let mut options = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => match it.next().map(String::as_str) {
                Some(f) => {
                    let f = if f == "text" { "texte" } else { f };
                    if !formats.contains(&f) {
                        return Err(Output::usage(&format!(
                            "format « {f} » inconnu : choisissez {}",
                            list_fr(formats)
                        )));
                    }
                    format = Some(f.to_string());
                }
                None => {
                    return Err(Output::usage(&format!(
                        "--format attend une valeur : {}",
                        list_fr(formats)
                    )))
                }
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
            "-h" | "--help" => return Err(Output::ok(HELP.to_string())),
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
        json: format.as_deref() == Some("json"),
        format,
        cats,
        rest,
        options,
    })
}
