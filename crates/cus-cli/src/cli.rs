//! Argument handling and commands, as a pure function of the arguments (tested without a process).

use cus_core::catalogue::{self, Catalogue};
use cus_core::diagnostic::Diagnostic;

/// What a command printed and its exit code.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

impl Output {
    pub(crate) fn ok(stdout: String) -> Self {
        Output {
            stdout,
            ..Default::default()
        }
    }
    /// Wrong usage: exit code 64 (EX_USAGE), message and a hint on stderr.
    pub(crate) fn usage(msg: &str) -> Self {
        Output {
            stderr: format!("cus : {msg}\nAide : cus --help\n"),
            code: 64,
            ..Default::default()
        }
    }
    /// Unreadable input: exit code 2.
    pub(crate) fn unreadable(diags: &[Diagnostic]) -> Self {
        let mut stderr = String::new();
        for d in diags {
            stderr.push_str(&d.to_line_fr());
            stderr.push('\n');
        }
        Output {
            stderr,
            code: 2,
            ..Default::default()
        }
    }
}

pub const HELP: &str = "\
cus — conventions d'utilité sociale : indicateurs, vérification et conversion de fichiers

Utilisation :
  cus <commande> [options]

Commandes :
  check         Vérifie des fichiers de convention (ODS, XLSX, CSV, JSON) : import, puis
                toutes les règles ; affiche les diagnostics
  convert       Convertit un fichier de convention d'un format à l'autre
  catalogue     Affiche le catalogue des indicateurs (toutes générations et types de CUS)
  territoires   Liste le référentiel territorial : départements, EPCI et EPT

Options générales :
  -h, --help       Affiche cette aide
  -V, --version    Affiche la version

Utilisation de « cus check » :
  cus check FICHIER|DOSSIER... [--format texte|json] [--catalogue FICHIER]
  Un dossier : tous ses fichiers .ods, .xlsx, .csv et .json (sans ses sous-dossiers).
  Code de sortie : 0 aucune erreur, 1 erreurs trouvées, 2 fichier illisible.

Utilisation de « cus convert » :
  cus convert ENTREE SORTIE [--final] [--catalogue FICHIER]
      Le format de SORTIE suit son extension (.ods, .xlsx, .csv ou .json).
  cus convert DOSSIER_ENTREE DOSSIER_SORTIE --vers ods|xlsx|csv|json
      Convertit chaque fichier du dossier ; le dossier de sortie est créé au besoin.
  Sans --final, le fichier produit est un brouillon (marqué comme tel dans le fichier).
  --final est refusé tant qu'il reste des erreurs ou des avertissements non acquittés
  (code de sortie 1, diagnostics affichés). La date d'export est l'heure du système,
  ou la valeur de la variable d'environnement CUS_DATE_EXPORT (2026-11-25T17:30:00Z).
  --catalogue ajoute un catalogue (.toml ou .json) aux catalogues intégrés.

Options de « cus catalogue » :
  --format texte|json|markdown   Format de sortie (texte par défaut)
  --fichier CHEMIN               Lit et vérifie ce fichier de catalogue (.toml ou .json)
                                 au lieu des catalogues intégrés ; plusieurs --fichier possibles

Utilisation de « cus territoires » :
  cus territoires departements [--millesime 2026] [--format texte|json]
  cus territoires epci [--departement 59] [--millesime 2026] [--format texte|json]
  cus territoires chercher TEXTE [--millesime 2026]   (nom, code ou SIREN)
  Millésimes disponibles : 2021 et 2026 (découpage administratif d'Etalab).

Codes de sortie : 0 succès, 1 erreurs trouvées (check) ou export final refusé (convert),
2 fichier illisible ou invalide, 64 mauvaise utilisation.
Formats de fichiers : docs/FORMAT.md.
Tout fonctionne hors ligne : aucune donnée ne quitte votre poste.
";

pub fn run(args: &[String]) -> Output {
    let Some(first) = args.first() else {
        return Output::ok(HELP.to_string());
    };
    match first.as_str() {
        "-h" | "--help" | "aide" => Output::ok(HELP.to_string()),
        "-V" | "--version" => Output::ok(format!("cus {}\n", cus_core::VERSION)),
        "catalogue" => cmd_catalogue(&args[1..]),
        "territoires" => cmd_territoires(&args[1..]),
        "check" | "verifier" | "vérifier" => crate::files::cmd_check(&args[1..]),
        "convert" | "convertir" => crate::files::cmd_convert(&args[1..]),
        other => Output::usage(&format!("commande inconnue « {other} »")),
    }
}

fn cmd_catalogue(args: &[String]) -> Output {
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

fn cmd_territoires(args: &[String]) -> Output {
    use cus_core::geo;
    let Some(what) = args.first() else {
        return Output::usage("précisez departements, epci ou chercher");
    };
    let mut format = "texte".to_string();
    let mut year = *geo::vintages().last().unwrap_or(&2026);
    let mut departement: Option<String> = None;
    let mut query: Option<String> = None;
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--format" => match it.next() {
                Some(f) => format = f.clone(),
                None => return Output::usage("--format attend une valeur : texte ou json"),
            },
            "--millesime" => match it.next().and_then(|y| y.parse::<u16>().ok()) {
                Some(y) => year = y,
                None => return Output::usage("--millesime attend une année, par exemple 2026"),
            },
            "--departement" => match it.next() {
                Some(d) => departement = Some(d.to_uppercase()),
                None => return Output::usage("--departement attend un code, par exemple 59 ou 2A"),
            },
            other if what == "chercher" && query.is_none() && !other.starts_with("--") => {
                query = Some(other.to_string())
            }
            other => {
                return Output::usage(&format!(
                    "option inconnue « {other} » pour « cus territoires »"
                ))
            }
        }
    }
    if format != "texte" && format != "json" {
        return Output::usage(&format!(
            "format « {format} » inconnu : choisissez texte ou json"
        ));
    }
    let Some(geo) = geo::referential(year) else {
        let list: Vec<String> = geo::vintages().iter().map(|y| y.to_string()).collect();
        return Output::usage(&format!(
            "millésime {year} indisponible : choisissez parmi {}",
            list.join(", ")
        ));
    };
    let json = format == "json";
    match what.as_str() {
        "departements" => {
            if json {
                return Output::ok(to_json(&geo.departements));
            }
            let mut s = format!(
                "{} départements (découpage {}, {} {})\n",
                geo.departements.len(),
                geo.vintage.year,
                geo.vintage.package,
                geo.vintage.version
            );
            for d in &geo.departements {
                s.push_str(&format!(
                    "{:<4} {:<28} région {:<3} {}\n",
                    d.code,
                    d.nom,
                    d.region,
                    if d.zus { "ZUS" } else { "" }
                ));
            }
            Output::ok(s)
        }
        "epci" => {
            if let Some(d) = &departement {
                if geo.departement(d).is_none() {
                    return Output::usage(&format!("« {d} » n'est pas un code de département"));
                }
            }
            let list: Vec<&geo::Epci> = match &departement {
                Some(d) => geo.epci_in_departement(d).collect(),
                None => geo.epci.iter().collect(),
            };
            if json {
                return Output::ok(to_json(&list));
            }
            let mut s = format!(
                "{} EPCI et EPT (découpage {})\n",
                list.len(),
                geo.vintage.year
            );
            for e in list {
                s.push_str(&format!(
                    "{} {:<6} {:<60} {:>9} hab. dép. {}\n",
                    e.siren,
                    e.kind.code(),
                    e.nom,
                    e.population,
                    e.departements.join(",")
                ));
            }
            Output::ok(s)
        }
        "chercher" => {
            let Some(q) = query else {
                return Output::usage("cus territoires chercher attend un texte à chercher");
            };
            let hits = geo.search(&q, 20);
            if json {
                let v: Vec<serde_json::Value> = hits
                    .iter()
                    .map(|h| match h {
                        geo::Hit::Departement(d) => serde_json::json!({"departement": d}),
                        geo::Hit::Epci(e) => serde_json::json!({"epci": e}),
                    })
                    .collect();
                return Output::ok(to_json(&v));
            }
            let mut s = String::new();
            for h in &hits {
                s.push_str(&h.label());
                s.push('\n');
            }
            if hits.is_empty() {
                s.push_str("Aucun territoire ne correspond.\n");
            }
            Output::ok(s)
        }
        other => Output::usage(&format!(
            "« {other} » : attendu departements, epci ou chercher"
        )),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

/// Read a catalogue file (TOML or JSON, by extension) and check it.
pub(crate) fn read_catalogue_file(path: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    use cus_core::diagnostic::Location;
    let loc = || Location {
        file: Some(path.to_string()),
        ..Default::default()
    };
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            "E-FILE-READ",
            format!("Impossible de lire le fichier : {e}."),
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
    use super::*;

    fn run_args(a: &[&str]) -> Output {
        run(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn version_and_help_are_french() {
        let v = run_args(&["--version"]);
        assert_eq!(v.stdout, format!("cus {}\n", cus_core::VERSION));
        assert_eq!(v.code, 0);
        let h = run_args(&["--help"]);
        assert!(h.stdout.contains("Utilisation :"));
        assert!(h.stdout.contains("Commandes :"));
        assert_eq!(run_args(&[]).stdout, h.stdout);
    }

    #[test]
    fn unknown_command_is_a_usage_error() {
        let o = run_args(&["frobnicate"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("commande inconnue « frobnicate »"));
        let o = run_args(&["catalogue", "--format", "xml"]);
        assert_eq!(o.code, 64);
        assert!(o.stderr.contains("format « xml » inconnu"));
    }

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
    fn territoires_lists_the_referential() {
        let o = run_args(&["territoires", "departements"]);
        assert_eq!(o.code, 0);
        assert!(
            o.stdout.starts_with("101 départements (découpage 2026"),
            "{}",
            o.stdout
        );
        assert!(o.stdout.contains("2A   Corse-du-Sud"));
        let o = run_args(&[
            "territoires",
            "epci",
            "--departement",
            "21",
            "--format",
            "json",
        ]);
        let v: Vec<serde_json::Value> = serde_json::from_str(&o.stdout).unwrap();
        assert!(
            v.iter().any(|e| e["siren"] == "200006682"),
            "CA Beaune spans 21 and 71"
        );
        let o71 = run_args(&["territoires", "epci", "--departement", "71"]);
        assert!(o71.stdout.contains("200006682"));
        let o = run_args(&["territoires", "epci", "--millesime", "2021"]);
        assert!(
            o.stdout.starts_with("1254 EPCI et EPT (découpage 2021)"),
            "{}",
            &o.stdout[..80]
        );
        let o = run_args(&["territoires", "chercher", "lille"]);
        assert!(
            o.stdout.contains("Métropole Européenne de Lille"),
            "{}",
            o.stdout
        );
        assert_eq!(
            run_args(&["territoires", "epci", "--departement", "999"]).code,
            64
        );
        assert_eq!(
            run_args(&["territoires", "epci", "--millesime", "1990"]).code,
            64
        );
        assert_eq!(run_args(&["territoires"]).code, 64);
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
