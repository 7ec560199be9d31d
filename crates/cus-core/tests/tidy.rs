//! Tidy checks over the source of the workspace (crates and web app), run by `cargo test`:
//! a cell key (`indicator|territory|split|period`) and its prefixes are assembled only by
//! `cus_core::convention::key`, and a catalogue is looked up by (id, version) only by
//! `cus_core::catalogue::lookup` / `Catalogue::is`. A line may opt out with a comment
//! `tidy: not a key` giving why (a diagnostic's identity joins other fields with `|`).

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            // Integration tests and examples build keys by hand on purpose (fixtures).
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if !matches!(name, "tests" | "examples" | "benches" | "target") {
                sources(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file of the crates' and the app's `src/`, relative to the workspace.
fn files() -> Vec<(String, String)> {
    let root = workspace();
    let mut paths = Vec::new();
    sources(&root.join("src"), &mut paths);
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        for c in crates.flatten() {
            sources(&c.path().join("src"), &mut paths);
        }
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap_or_default())
        })
        .collect()
}

/// The code of a line before a `//` comment (good enough: no key pattern holds `//`).
fn code(line: &str) -> &str {
    match line.find("//") {
        Some(i) if !line[..i].contains('"') || line[..i].matches('"').count().is_multiple_of(2) => {
            &line[..i]
        }
        _ => line,
    }
}

/// Does this line assemble a key with `|` by hand?
fn assembles_key(line: &str) -> bool {
    let c = code(line);
    let in_format = (c.contains("format!(") || c.contains("write!("))
        && (c.contains("}|{") || c.contains("}|\"") || c.contains("\"{}|") || c.contains("|{}"));
    in_format
        || c.contains("push('|')")
        || c.contains("push_str(\"|\")")
        || c.contains("join(\"|\")")
}

/// Does this line compare a catalogue's id and version by hand?
fn looks_up_catalogue(line: &str) -> bool {
    let c = code(line);
    c.contains("version == ") || c.contains("== c.version") || c.contains(".version ==")
}

fn offenders(allowed: &[&str], test: fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for (path, text) in files() {
        if allowed.contains(&path.as_str()) {
            continue;
        }
        let lines: Vec<&str> = text.lines().collect();
        // `#[cfg(test)] mod tests` at the end of a file builds fixtures by hand.
        let end = lines
            .iter()
            .position(|l| l.trim() == "#[cfg(test)]")
            .unwrap_or(lines.len());
        for (i, line) in lines[..end].iter().enumerate() {
            let opted_out = line.contains("tidy: not a key")
                || (i > 0 && lines[i - 1].contains("tidy: not a key"));
            if test(line) && !opted_out {
                out.push(format!("{path}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn cell_keys_are_assembled_only_by_the_key_module() {
    let bad = offenders(&["crates/cus-core/src/convention/key.rs"], assembles_key);
    assert!(
        bad.is_empty(),
        "a key is assembled by hand; call cus_core::convention::key instead:\n{}",
        bad.join("\n")
    );
}

#[test]
fn catalogues_are_looked_up_only_by_catalogue_lookup() {
    let bad = offenders(
        &["crates/cus-core/src/catalogue/mod.rs"],
        looks_up_catalogue,
    );
    assert!(
        bad.is_empty(),
        "a catalogue is looked up by hand; call cus_core::catalogue::lookup or Catalogue::is:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_checks_can_fail() {
    // The patterns catch what they are for, so that an empty list above means something.
    assert!(assembles_key(
        r#"    let k = format!("{code}|{row}|{}|{}", s, p);"#
    ));
    assert!(assembles_key(r#"    let k = format!("{}|{}", a, b);"#));
    assert!(assembles_key("            key.push('|');"));
    assert!(!assembles_key(
        r#"    let k = key::cell_key(a, b, c, d); // format!("{a}|{b}")"#
    ));
    assert!(looks_up_catalogue(
        "    .find(|c| c.id == r.id && c.version == r.version)"
    ));
    assert!(!looks_up_catalogue(
        "    .find(|c| c.is(&r.id, &r.version))"
    ));
    // And the walk finds the files it must read.
    let all = files();
    assert!(all
        .iter()
        .any(|(p, _)| p == "crates/cus-core/src/convention/key.rs"));
    assert!(all.iter().any(|(p, _)| p.starts_with("src/pages/")));
    assert!(all.len() > 100, "{} files", all.len());
}
