//! `cus territoires`: the territorial referential (départements, EPCI and EPT).

use cus_core::geo;

use crate::output::Output;

/// `cus territoires departements|epci|chercher [--departement D] [--millesime A] [--format F]`.
pub fn run(args: &[String]) -> Output {
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

#[cfg(test)]
mod tests {
    use crate::testkit::run_args;

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
}
