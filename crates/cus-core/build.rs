//! Embeds the data files at build time, in forms that are cheap for the web app to read:
//!
//! - the catalogues (`data/catalogue/*.toml`): each TOML file is converted to compact JSON in
//!   OUT_DIR, so the web app needs no TOML parser; the typed parse and the semantic checks happen
//!   in `catalogue::load` (and in the tests);
//! - the territorial referential (`data/geo/<year>/`): converted to a compact text encoding (see
//!   [`geo`]) decoded by hand in `geo/mod.rs`, which is about half the size (gzip) of the JSON
//!   files and needs no JSON deserialisation code in the web app.

use serde_json::Value;
use std::{
    collections::BTreeMap,
    env, fs,
    path::{Path, PathBuf},
};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let codes = catalogues(&manifest.join("../../data/catalogue"), &out);
    formation(&manifest.join("../../data/formation"), &out, &codes);
    geo(&manifest.join("../../data/geo"), &out);
    case_tests(&manifest.join("tests/cases"), &out);
}

/// One `#[test]` per data-driven case file (`tests/cases/<folder>/*.json`), so that a case can be
/// run alone (`cargo test -p cus-core --test rules 07_annees`) and is named in a failure: for each
/// folder, a macro `case_tests_<folder>!(runner)` expanding to a test per file calling
/// `runner(&Path)`. Written to `OUT_DIR/case_tests.rs`, included by the tests.
fn case_tests(dir: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut folders: Vec<PathBuf> = fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    folders.retain(|p| p.is_dir());
    folders.sort();
    let mut code = String::new();
    for folder in folders {
        println!("cargo:rerun-if-changed={}", folder.display());
        let name = folder
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let mut files: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        code.push_str(&format!(
            "#[allow(unused_macros)]\nmacro_rules! case_tests_{name} {{\n    ($run:path) => {{\n"
        ));
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy();
            let ident: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            code.push_str(&format!(
                "        #[test]\n        fn case_{ident}() {{\n            $run(std::path::Path::new({:?}));\n        }}\n",
                f.display().to_string()
            ));
        }
        code.push_str("    };\n}\n");
    }
    fs::write(out.join("case_tests.rs"), code).unwrap();
}

/// Codes of the indicators of each catalogue, by (id, version).
type Codes = BTreeMap<(String, String), Vec<String>>;

fn catalogues(dir: &Path, out: &Path) -> Codes {
    let mut codes = Codes::new();
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut listing = String::from("/// Embedded catalogue files: (file name, JSON text).\n");
    listing.push_str("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).unwrap();
        let value: serde_json::Value = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not valid TOML: {e}", path.display()));
        let s = |k: &str| value[k].as_str().unwrap_or_default().to_string();
        codes.insert(
            (s("id"), s("version")),
            value["indicators"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["code"].as_str().map(str::to_string))
                .collect(),
        );
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let json_name = name.replace(".toml", ".json");
        fs::write(out.join(&json_name), serde_json::to_string(&value).unwrap()).unwrap();
        listing.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{json_name}\"))),\n"
        ));
    }
    listing.push_str("];\n");
    fs::write(out.join("embedded_catalogues.rs"), listing).unwrap();
    codes
}

/// The training modules (`data/formation/*.toml`): embedded as they are (the « Se former »
/// module reads them at run time, like a trainer's pack), and indexed for the shell's reference
/// cards: `INDEX` lists, for each code an exercise cites, the catalogue, version, module, step
/// (1-based position in the module) and title, without the exercises themselves.
///
/// Checked here, so that a broken file stops the build with its file and line (in French, as the
/// files are written by trainers): the TOML syntax, the catalogue and version each exercise names,
/// the codes it cites. The rest (the rule engine on the cases, the calculations) needs cus-core
/// itself and is checked by `tests/formation.rs` and at run time for the trainers' packs.
fn formation(dir: &Path, out: &Path, catalogues: &Codes) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut embedded = String::from(
        "/// Embedded training modules: (file name, TOML text).\n\
         pub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    let mut index = String::from(
        "/// Which embedded exercises cite which code (see `IndexEntry`).\n\
         pub static INDEX: &[super::IndexEntry] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let abs = fs::canonicalize(path).unwrap();
        embedded.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.to_string_lossy()
        ));
        let value: Value = toml::from_str(&text).unwrap_or_else(|e| {
            let line = e.span().map_or(0, |s| {
                text[..s.start.min(text.len())].matches('\n').count() + 1
            });
            panic!(
                "data/formation/{name}, ligne {line} : fichier d'exercices illisible : {}",
                e.message()
            )
        });
        // Line of each `[[exercises]]`, for the messages.
        let headers: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[exercises]]")
            .map(|(i, _)| i + 1)
            .collect();
        let module = value["id"].as_str().unwrap_or_default();
        let exercises = value.get("exercises").and_then(Value::as_array);
        for (i, ex) in exercises.into_iter().flatten().enumerate() {
            let s = |k: &str| {
                ex.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let line = headers.get(i).copied().unwrap_or(0);
            let known = catalogues
                .get(&(s("catalogue"), s("version")))
                .unwrap_or_else(|| {
                    panic!(
                        "data/formation/{name}, ligne {line} : l'exercice « {} » nomme le \
                         catalogue « {} » version « {} », qui n'existe pas dans data/catalogue/.",
                        s("id"),
                        s("catalogue"),
                        s("version")
                    )
                });
            let codes = ex.get("codes").and_then(Value::as_array);
            for code in codes.into_iter().flatten().filter_map(Value::as_str) {
                if !known.iter().any(|k| k == code) {
                    panic!(
                        "data/formation/{name}, ligne {line} : l'exercice « {} » cite \
                         l'indicateur « {code} », absent du catalogue {} version {}.",
                        s("id"),
                        s("catalogue"),
                        s("version")
                    );
                }
                index.push_str(&format!(
                    "    super::IndexEntry {{ catalogue: {:?}, version: {:?}, code: {code:?}, \
                     module: {module:?}, step: {}, title: {:?} }},\n",
                    s("catalogue"),
                    s("version"),
                    i + 1,
                    s("title"),
                ));
            }
        }
    }
    embedded.push_str("];\n");
    index.push_str("];\n");
    fs::write(out.join("embedded_formation.rs"), embedded + &index).unwrap();
}

/// EPCI types, as written in `epci.json` (`EpciKind::code`).
const EPCI_TYPES: [&str; 6] = ["CC", "CA", "CU", "METRO", "MET69", "EPT"];

/// One vintage of `data/geo/`, read from its JSON files; every field already as encoded text.
struct Vintage {
    year: u16,
    package: String,
    version: String,
    /// `code \t nom \t region \t zus` (zus: `1` or `0`).
    departements: Vec<String>,
    /// SIREN → [nom, type, communes, population, départements (comma-separated), zus (1/0)].
    epci: BTreeMap<u32, [String; 6]>,
}

/// Converts each vintage of `data/geo/` (`departements.json`, `epci.json`, and the source package
/// and version from `meta.json`) to `geo-<year>.txt` in OUT_DIR, and writes `embedded_geo.rs`
/// (`VINTAGES`, `BASE`, `TEXT`) for `geo/mod.rs`.
///
/// The latest vintage is the *base*; the others are encoded as differences from it (EPCI change
/// little from one vintage to the next, apart from their population). Text format, lines
/// separated by `\n` (no final newline), fields by `\t`:
///
/// 1. header: `package \t version \t D \t A \t R`;
/// 2. D lines, one per département: `code \t nom \t region \t zus`; D = 0 means "the same
///    départements as the base vintage";
/// 3. A lines: the SIREN of the EPCI that are not in the base vintage (for the base: all of them),
///    ascending, each written as its difference from the previous one (the first one as is);
/// 4. R lines: the SIREN of the base vintage that are not in this one, written the same way;
/// 5. the records, in SIREN order (base minus removed plus added: N of them), column by column:
///    N lines of `nom`, then N of `type` (its code), `communes`, `population`, `departements`
///    (comma-separated), `zus` (`1`/`0`). An empty line means "as in the base record" (never for
///    an added EPCI); a population may also be written `+d` or `-d`, relative to the base record.
fn geo(dir: &Path, out: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut years: Vec<u16> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    years.sort();
    assert!(!years.is_empty(), "no vintage in {}", dir.display());
    let vintages: Vec<Vintage> = years.iter().map(|&y| read_vintage(dir, y)).collect();
    let base = vintages.last().unwrap();
    let list: Vec<String> = years.iter().map(u16::to_string).collect();
    let mut listing = format!(
        "/// Embedded vintages, oldest first.\n\
         pub const VINTAGES: [u16; {n}] = [{list}];\n\
         /// Index in `VINTAGES` of the base vintage, from which the others are encoded as \
         differences.\n\
         pub const BASE: usize = {base};\n\
         /// Encoded text of each vintage (format: see `build.rs`), same order as `VINTAGES`.\n\
         pub static TEXT: [&str; {n}] = [\n",
        n = years.len(),
        list = list.join(", "),
        base = years.len() - 1,
    );
    for v in &vintages {
        let text = encode(v, (v.year != base.year).then_some(base));
        let name = format!("geo-{}.txt", v.year);
        fs::write(out.join(&name), text).unwrap();
        listing.push_str(&format!(
            "    include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}\")),\n"
        ));
    }
    listing.push_str("];\n");
    fs::write(out.join("embedded_geo.rs"), listing).unwrap();
}

fn read_json(path: &Path) -> Value {
    println!("cargo:rerun-if-changed={}", path.display());
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

/// A text field: non-empty, without the characters of the encoding.
fn text_field(record: &Value, key: &str, what: &str) -> String {
    let s = record[key]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: `{key}` is not a string"));
    assert!(
        !s.is_empty() && !s.contains(['\t', '\n', '\r']),
        "{what}: `{key}` is empty or contains a tab or a line break"
    );
    s.to_string()
}

fn flag(record: &Value, key: &str, what: &str) -> String {
    let b = record[key]
        .as_bool()
        .unwrap_or_else(|| panic!("{what}: `{key}` is not a boolean"));
    if b { "1" } else { "0" }.to_string()
}

fn read_vintage(dir: &Path, year: u16) -> Vintage {
    let dir = dir.join(year.to_string());
    let meta = read_json(&dir.join("meta.json"));
    let what = format!("data/geo/{year}/meta.json");
    let package = text_field(&meta["source"], "package", &what);
    let version = text_field(&meta["source"], "version", &what);

    let mut departements = Vec::new();
    let list = read_json(&dir.join("departements.json"));
    for d in list.as_array().expect("departements.json: not an array") {
        let what = format!("data/geo/{year}/departements.json: {d}");
        let code = text_field(d, "code", &what);
        assert!(!code.contains(','), "{what}: comma in the code");
        departements.push(format!(
            "{code}\t{}\t{}\t{}",
            text_field(d, "nom", &what),
            text_field(d, "region", &what),
            flag(d, "zus", &what)
        ));
    }
    assert!(!departements.is_empty(), "data/geo/{year}: no département");

    let mut epci = BTreeMap::new();
    let list = read_json(&dir.join("epci.json"));
    let mut previous = 0;
    for e in list.as_array().expect("epci.json: not an array") {
        let what = format!("data/geo/{year}/epci.json: {e}");
        let siren = text_field(e, "siren", &what);
        assert!(
            siren.len() == 9 && siren.bytes().all(|b| b.is_ascii_digit()),
            "{what}: the SIREN is not 9 digits"
        );
        let siren: u32 = siren.parse().unwrap();
        assert!(
            siren > previous,
            "{what}: not sorted by SIREN, or duplicated"
        );
        previous = siren;
        let kind = text_field(e, "type", &what);
        assert!(EPCI_TYPES.contains(&kind.as_str()), "{what}: unknown type");
        let communes = e["communes"]
            .as_u64()
            .filter(|&n| u32::try_from(n).is_ok())
            .unwrap_or_else(|| panic!("{what}: `communes` is not a u32"));
        let population = e["population"]
            .as_u64()
            .unwrap_or_else(|| panic!("{what}: `population` is not a u64"));
        let deps: Vec<&str> = e["departements"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: `departements` is not an array"))
            .iter()
            .map(|d| {
                d.as_str()
                    .unwrap_or_else(|| panic!("{what}: a département is not a string"))
            })
            .collect();
        assert!(
            !deps.is_empty()
                && deps
                    .iter()
                    .all(|d| !d.is_empty() && !d.contains([',', '\t', '\n', '\r'])),
            "{what}: empty list of départements, or invalid code"
        );
        epci.insert(
            siren,
            [
                text_field(e, "nom", &what),
                kind,
                communes.to_string(),
                population.to_string(),
                deps.join(","),
                flag(e, "zus", &what),
            ],
        );
    }
    Vintage {
        year,
        package,
        version,
        departements,
        epci,
    }
}

/// SIREN list, each as its difference from the previous one.
fn push_sirens(lines: &mut Vec<String>, sirens: &[u32]) {
    let mut previous = 0;
    for &s in sirens {
        lines.push((s - previous).to_string());
        previous = s;
    }
}

/// Encodes a vintage, as a difference from `base` if given (see [`geo`] for the format).
fn encode(v: &Vintage, base: Option<&Vintage>) -> String {
    let no_base = BTreeMap::new();
    let base_epci = base.map_or(&no_base, |b| &b.epci);
    let same_departements = base.is_some_and(|b| b.departements == v.departements);
    let added: Vec<u32> = v
        .epci
        .keys()
        .filter(|s| !base_epci.contains_key(s))
        .copied()
        .collect();
    let removed: Vec<u32> = base_epci
        .keys()
        .filter(|s| !v.epci.contains_key(s))
        .copied()
        .collect();
    let mut lines = vec![format!(
        "{}\t{}\t{}\t{}\t{}",
        v.package,
        v.version,
        if same_departements {
            0
        } else {
            v.departements.len()
        },
        added.len(),
        removed.len()
    )];
    if !same_departements {
        lines.extend(v.departements.iter().cloned());
    }
    push_sirens(&mut lines, &added);
    push_sirens(&mut lines, &removed);
    for column in 0..6 {
        for (siren, fields) in &v.epci {
            let value = &fields[column];
            lines.push(match base_epci.get(siren) {
                None => value.clone(),
                Some(b) if b[column] == *value => String::new(),
                // Population: the difference from the base record.
                Some(b) if column == 3 => {
                    let d = i128::from(value.parse::<u64>().unwrap())
                        - i128::from(b[column].parse::<u64>().unwrap());
                    format!("{d:+}")
                }
                Some(_) => value.clone(),
            });
        }
    }
    lines.join("\n")
}
