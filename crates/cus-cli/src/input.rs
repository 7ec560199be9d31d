//! Reading the files named on the command line: catalogue files, convention files and folders.

use std::path::{Path, PathBuf};

use cus_core::catalogue::{self, Catalogue};
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Location};
use cus_formats::{Format, Imported};

/// Read a catalogue file (TOML or JSON, by extension) and check it.
pub(crate) fn read_catalogue_file(path: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    let loc = || Location {
        file: Some(path.to_string()),
        ..Default::default()
    };
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            "E-FILE-READ",
            format!("Impossible de lire le fichier : {}.", io_fr(&e)),
            loc(),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![Diagnostic::error(
            "E-FILE-ENCODING",
            "Le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8 puis recommencez.",
            loc(),
        )]
    })?;
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
    cats.iter()
        .find(|c| c.id == conv.catalogue.id && c.version == conv.catalogue.version)
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
}
