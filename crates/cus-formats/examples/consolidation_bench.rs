//! Native timings of « Simuler sur mon territoire » as files: a workspace of N organisms (default
//! 300), clones of the « grand organisme » sample (Nord and neighbours, PP-1 and PP-2 with the
//! EPCI detail) with their own SIREN, name and PP-1 figures, one in three committed at the
//! département only (« non ventilé » on an EPCI); consolidated on the Hauts-de-France, the Nord
//! and the Métropole Européenne de Lille, then written in the four formats through
//! `cus_formats::consolidation::export_consolidation`; the workbooks reopened with
//! `import_workspace`. Median of the runs, file sizes.
//!
//! `cargo run --release -p cus-formats --example consolidation_bench [-- RUNS [ORGANISMS [DIR]]]`
//! (default 5 runs, 300 organisms). With DIR, the organisms' conventions are also written there
//! as ODS files, for timing `cus consolider DIR --territoire …` end to end.

use std::time::Duration;

use cus_core::bench::{median_time as median, Lcg};
use cus_core::catalogue::Level;
use cus_core::consolidation::{Workspace, WorkspaceFile};
use cus_core::convention::{Convention, Value};
use cus_formats::consolidation::{consolidate_workspace, export_consolidation, import_workspace};
use cus_formats::{ExportInput, Format, Mode};

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// A SIREN with a valid Luhn key from 8 digits.
fn siren(n: u32) -> String {
    let base = format!("{:08}", 10_000_000 + n % 90_000_000);
    for key in 0..10 {
        let s = format!("{base}{key}");
        let sum: u32 = s
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap_or(0);
                if i % 2 == 1 {
                    let x = d * 2;
                    if x > 9 {
                        x - 9
                    } else {
                        x
                    }
                } else {
                    d
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return s;
        }
    }
    base
}

fn organisms(n: usize) -> Vec<Convention> {
    let sample = cus_core::samples::Sample::by_id("grand-organisme")
        .and_then(|s| s.convention())
        .expect("sample grand-organisme");
    let mut rng = Lcg::new(0x5EED);
    (0..n)
        .map(|i| {
            let mut c = sample.clone();
            c.name = format!("Organisme n° {} (fictif)", i + 1);
            c.organisme.raison_sociale = c.name.clone();
            c.organisme.siren = siren(i as u32 * 7 + 11);
            // Whole factors on the counts of PP-1 only, so that every file stays valid (splits
            // still add up, percentages untouched).
            let factor = f64::from(rng.range(1, 3));
            let keys: Vec<String> = c
                .values
                .keys()
                .filter(|k| k.starts_with("PP-1|"))
                .cloned()
                .collect();
            for k in keys {
                if let Some(Value::Number(x)) = c.values.get(&k).cloned() {
                    c.values.insert(k, Value::Number(x * factor));
                }
            }
            if i % 3 == 2 {
                // Committed at the département only: « non ventilé » on an EPCI.
                let kept = "245900428";
                c.epci.retain(|e| e == kept);
                for s in c.segmentation.values_mut() {
                    s.levels.retain(|l| *l != Level::Epci);
                }
                let drop: Vec<String> = c
                    .values
                    .keys()
                    .filter(|k| k.contains("|epci:") && !k.contains(kept))
                    .cloned()
                    .collect();
                for k in drop {
                    c.values.remove(&k);
                }
            }
            c
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(300);
    let dir = args.get(2);
    let convs = organisms(n);
    if let Some(dir) = dir {
        let cats = cus_core::catalogue::embedded();
        std::fs::create_dir_all(dir).expect("output folder");
        for (i, c) in convs.iter().enumerate() {
            let cat = cus_core::catalogue::lookup(&cats, &c.catalogue.id, &c.catalogue.version)
                .expect("catalogue");
            let input = ExportInput {
                convention: c,
                catalogue: cat,
                geo: c.referential(),
                diagnostics: &[],
                mode: Mode::Brouillon,
                exported_at: "2026-11-25T17:30:00Z",
            };
            let bytes = cus_formats::export(&input, Format::Ods).expect("brouillon");
            std::fs::write(format!("{dir}/organisme-{:03}.ods", i + 1), bytes).expect("write");
        }
        println!("{n} conventions écrites dans {dir} (ODS).\n");
    }
    let values: usize = convs.iter().map(|c| c.values.len()).sum();
    println!(
        "{n} organismes ({values} valeurs en tout), un sur trois engagé au département seulement ; \
         médiane de {runs} passes.\n"
    );
    let cats = cus_core::catalogue::embedded();
    for territory in ["region:32", "departement:59", "epci:200093201"] {
        let mut ws = Workspace::new("Banc d'essai");
        ws.territory = Some(territory.parse().expect("territory"));
        ws.geo_vintage = Some(2026);
        ws.files = convs
            .iter()
            .enumerate()
            .map(|(i, c)| WorkspaceFile {
                id: format!("f{}", i + 1),
                file_name: format!("organisme-{:03}.ods", i + 1),
                convention: c.clone(),
                errors: 0,
                warnings: 0,
                excluded: false,
            })
            .collect();
        let json = ws.to_json();
        let t_run = median(runs, || {
            consolidate_workspace(&ws, None, &cats).expect("run")
        });
        println!(
            "### {territory} — espace de {:.1} Mio en JSON ; consolidation seule (extraction, \
             totaux, compilation) : {} ms\n",
            json.len() as f64 / (1024.0 * 1024.0),
            ms(t_run)
        );
        println!("| Format | Taille (Kio) | Export (ms) | Réouverture de l'espace (ms) |");
        println!("|---|---:|---:|---:|");
        for format in [Format::Ods, Format::Xlsx, Format::Csv, Format::Json] {
            let bytes = export_consolidation(&ws, None, format).expect("export");
            let t_export = median(runs, || export_consolidation(&ws, None, format));
            let name = format!("conso.{}", format.extension());
            let reopen = match format {
                Format::Ods | Format::Xlsx => {
                    let back = import_workspace(&name, &bytes).expect("reopen");
                    assert_eq!(back.files.len(), n);
                    ms(median(runs, || import_workspace(&name, &bytes)))
                }
                _ => "—".to_string(),
            };
            println!(
                "| {} | {:.0} | {} | {reopen} |",
                format.extension().to_uppercase(),
                bytes.len() as f64 / 1024.0,
                ms(t_export)
            );
        }
        println!();
    }
}
