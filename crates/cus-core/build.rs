//! Embeds the catalogue data files (`data/catalogue/*.toml`) at build time.
//! Each TOML file is converted to compact JSON in OUT_DIR, so the web app needs no TOML parser;
//! the typed parse and the semantic checks happen in `catalogue::load` (and in the tests).

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = manifest.join("../../data/catalogue");
    println!("cargo:rerun-if-changed={}", dir.display());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
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
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let json_name = name.replace(".toml", ".json");
        fs::write(out.join(&json_name), serde_json::to_string(&value).unwrap()).unwrap();
        listing.push_str(&format!(
            "    ({name:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{json_name}\"))),\n"
        ));
    }
    listing.push_str("];\n");
    fs::write(out.join("embedded_catalogues.rs"), listing).unwrap();
}
