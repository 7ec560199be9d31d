//! Shared by the data-driven tests of cus-core.

use std::path::PathBuf;

/// The case files of `tests/cases/<folder>`, sorted, at least `min` of them (a folder emptied by
/// mistake must not make a test pass).
pub fn case_files(folder: &str, min: usize) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= min,
        "expected at least {min} cases in {}, found {}",
        dir.display(),
        files.len()
    );
    files
}
