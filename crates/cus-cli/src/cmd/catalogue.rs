//! `cus catalogue`: print the indicator catalogue, embedded or read from files.

use cus_core::catalogue::{self, Catalogue};

use crate::help::HELP;
use crate::input::read_catalogue_file;
use crate::output::Output;

/// `cus catalogue [--format texte|json|markdown] [--fichier F]...`.
pub fn run(args: &[String]) -> Output {
    let mut format = "texte".to_string();
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => match it.next() {
                Some(f) => format = f.clone(),
                None => {
                    return Output::usage("--format attend une valeur : texte, json ou markdown")
                }
            },
            "--fichier" => match it.next() {
                Some(f) => files.push(f.clone()),
                None => return Output::usage("--fichier attend un chemin de fichier"),
            },
            "-h" | "--help" => return Output::ok(HELP.to_string()),
            other => {
                return Output::usage(&format!(
                    "option inconnue « {other} » pour « cus catalogue »"
                ))
            }
        }
    }
    let cats = if files.is_empty() {
        catalogue::embedded()
    } else {
        let mut cats = Vec::new();
        let mut diags = Vec::new();
        for f in &files {
            match read_catalogue_file(f) {
                Ok(c) => cats.push(c),
                Err(d) => diags.extend(d),
            }
        }
        if !diags.is_empty() {
            return Output::unreadable(&diags);
        }
        cats
    };
    match format.as_str() {
        "json" => Output::ok(cus_formats::catalogues_to_json(&cats) + "\n"),
        "markdown" | "md" => Output::ok(catalogue::render_markdown(&cats)),
        "texte" | "text" => Output::ok(render_text(&cats)),
        other => Output::usage(&format!(
            "format « {other} » inconnu : choisissez texte, json ou markdown"
        )),
    }
}

fn render_text(cats: &[Catalogue]) -> String {
    let mut s = String::new();
    for c in cats {
        s.push_str(&format!(
            "{} ({} version {}) — {} indicateurs\n",
            c.title,
            c.id,
            c.version,
            c.indicators.len()
        ));
        for i in &c.indicators {
            s.push_str(&format!(
                "  {:<10} {:<45} {:<12} {}\n",
                i.code,
                i.short_label,
                i.requirement.label_fr(),
                i.wording.label_fr()
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use cus_core::catalogue;

    use crate::testkit::run_args;

    #[test]
    fn catalogue_prints_every_indicator() {
        let o = run_args(&["catalogue"]);
        assert_eq!(o.code, 0);
        for c in catalogue::embedded() {
            for i in &c.indicators {
                assert!(o.stdout.contains(&i.code), "{} missing", i.code);
            }
        }
        let j = run_args(&["catalogue", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
        assert_eq!(v.as_array().unwrap().len(), catalogue::embedded().len());
    }

    #[test]
    fn missing_or_broken_catalogue_file_exits_2_with_french_message() {
        let o = run_args(&["catalogue", "--fichier", "/nonexistent/x.toml"]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.contains("Impossible de lire le fichier"));
        let dir = std::env::temp_dir().join(format!("cus-cli-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "id = \"x\"\nversion = 3\n").unwrap();
        let o = run_args(&["catalogue", "--fichier", bad.to_str().unwrap()]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.contains("E-CAT-SYNTAX"), "{}", o.stderr);
        assert!(o.stderr.contains("ligne 2"), "{}", o.stderr);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[cfg(test)]
mod docs_tests {
    /// `docs/indicateurs.md` is generated from the catalogue data; this fails when it is stale.
    #[test]
    fn generated_reference_document_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/indicateurs.md");
        let on_disk = std::fs::read_to_string(path).unwrap_or_default();
        let fresh = cus_core::catalogue::render_markdown(&cus_core::catalogue::embedded());
        assert!(
            on_disk == fresh,
            "docs/indicateurs.md is out of date with data/catalogue/: run `./x docs` and commit it"
        );
    }
}
