//! Helpers shared by the tests of the commands (compiled for tests only).

use std::path::{Path, PathBuf};

use cus_core::convention::{Convention, Value};
use cus_formats::{ExportInput, Format, Mode};

use crate::input::catalogue_of;
use crate::output::Output;

/// Run `cus` with these arguments, as `main` does.
pub(crate) fn run_args(a: &[&str]) -> Output {
    crate::cli::run(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

/// A fresh temporary folder for one test.
pub(crate) fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cus-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) fn sample() -> Convention {
    cus_core::samples::SAMPLES[0].convention().unwrap()
}

pub(crate) fn write_export(conv: &Convention, path: &Path, format: Format) {
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

pub(crate) fn with_error(mut conv: Convention) -> Convention {
    let key = conv
        .values
        .keys()
        .find(|k| k.starts_with("PP-1|"))
        .unwrap()
        .clone();
    conv.values.insert(key, Value::Number(-4.0));
    conv
}
