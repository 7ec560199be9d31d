//! The consolidation workbook (`docs/FORMAT.md`, « Consolidation d'un territoire »):
//! « Synthèse », one sheet per indicator with figures on the territory, « Compilation »,
//! « Évaluations » (the organisms' evaluations side by side), and the technical sheet « espace »
//! holding the workspace.

use calamine::{Data, Range};
use cus_core::consolidation::{
    ConsolidatedTable, Workspace, RULES_FR, WORKSPACE_FORMAT, WORKSPACE_FORMAT_1,
};
use cus_core::convention::TerritoryKey;
use cus_core::numfmt::format_fr;

use super::sheets::{empty, num, opt, text, Cell, Look, Sheet};
use super::{Run, CONSOLIDATION_FORMAT, WORKSPACE_CHUNK, WORKSPACE_SHEET};
use crate::workbook::SheetNames;

/// Name of the first sheet.
pub(crate) const SYNTHESIS: &str = "Synthèse";
/// Name of the sheet of the organisms' evaluations.
pub(crate) const EVALUATIONS: &str = "Évaluations";
/// Columns before the values of an indicator sheet: organism, rows read, levels used.
const LEAD: usize = 3;
/// Rows above the data of an indicator sheet (frozen).
const HEADER_ROWS: u32 = 6;
/// Column A of the machine row of an indicator sheet.
pub(crate) const MACHINE_MARK: &str = "clés techniques — ne pas modifier";
/// Longest explanation written in one cell (a formula over hundreds of organisms).
const MAX_NOTE: usize = 30_000;

fn label(s: &str) -> Cell {
    text(s).look(Look::Label)
}

fn header(s: &str) -> Cell {
    text(s).look(Look::Header)
}

fn note(s: &str) -> Cell {
    text(s).look(Look::Note)
}

/// A long explanation cut to what a cell holds.
fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_NOTE {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_NOTE - 1).collect();
    out.push('…');
    out
}

/// Does a table have anything to show on the territory?
pub(crate) fn has_figures(t: &ConsolidatedTable) -> bool {
    !t.rows.is_empty() || !t.unventilated.is_empty() || !t.comparisons.is_empty()
}

/// Every sheet of the workbook, « Synthèse » first.
pub(crate) fn sheets(run: &Run, ws: &Workspace) -> Vec<Sheet> {
    let mut names = SheetNames::default();
    let synthesis_name = names.take(SYNTHESIS);
    let evaluations_name = names.take(EVALUATIONS);
    let espace_name = names.take(WORKSPACE_SHEET);
    // (group index, table index, sheet name) of each indicator sheet.
    let mut indicator_sheets = Vec::new();
    let mut sheet_of: Vec<Vec<Option<String>>> = Vec::new();
    for (g, group) in run.consolidated.groups.iter().enumerate() {
        let mut names_of_group = Vec::new();
        for (t, table) in group.tables.iter().enumerate() {
            if has_figures(table) {
                let name = names.take(&table.code);
                indicator_sheets.push((g, t, name.clone()));
                names_of_group.push(Some(name));
            } else {
                names_of_group.push(None);
            }
        }
        sheet_of.push(names_of_group);
    }
    let mut out = vec![synthesis(run, synthesis_name, &sheet_of)];
    for (g, t, name) in indicator_sheets {
        let group = &run.consolidated.groups[g];
        out.push(indicator(run, &group.label, &group.tables[t], name));
    }
    out.extend(report_sheets(&run.synthesis, &mut names));
    out.push(evaluations(run, evaluations_name));
    out.push(workspace_sheet(ws, espace_name));
    out
}

fn scenario_fr(run: &Run) -> String {
    match &run.scenario {
        Some(s) => format!("« {} »", s.name),
        None => "aucun : les engagements des fichiers, sans changement".into(),
    }
}

fn synthesis(run: &Run, name: String, sheet_of: &[Vec<Option<String>>]) -> Sheet {
    let mut s = Sheet {
        name,
        widths: vec![36.0, 40.0, 36.0, 14.0, 30.0, 44.0, 18.0],
        ..Default::default()
    };
    s.row(vec![text(&format!(
        "Consolidation des conventions d'utilité sociale — {}",
        run.territory_label
    ))
    .look(Look::Title)]);
    s.row(vec![note(
        "Fichier produit par CUS indicateurs. La feuille « espace » contient l'espace de \
         simulation : ouvrez ce classeur dans l'application pour reprendre l'étude.",
    )]);
    s.blank();
    let pairs: Vec<(&str, Cell)> = vec![
        ("Format du fichier", text(CONSOLIDATION_FORMAT)),
        ("Espace de simulation", text(&run.workspace_name)),
        ("Territoire étudié", text(&run.territory_label)),
        ("Code du territoire", text(&run.territory.to_string())),
        (
            "Millésime du découpage territorial",
            num(f64::from(run.geo.vintage.year)),
        ),
        ("Fichiers", text(&run.files_summary_fr())),
        ("Scénario", text(&scenario_fr(run))),
    ];
    for (l, v) in pairs {
        s.row(vec![label(l), v]);
    }
    if run.scenario.is_some() {
        s.blank();
        s.row(vec![label("Changements du scénario")]);
        if run.scenario_changes_fr.is_empty() {
            s.row(vec![text("Aucun changement.")]);
        }
        for c in &run.scenario_changes_fr {
            s.row(vec![text(c)]);
        }
        for u in &run.consolidated.unmatched {
            s.row(vec![note(u)]);
        }
    }
    s.blank();
    s.row(vec![label("Règles de la consolidation")]);
    for r in RULES_FR {
        s.row(vec![text(r)]);
    }

    s.blank();
    s.row(vec![label("Fichiers de l'espace de simulation")]);
    s.row(
        [
            "Identifiant",
            "Nom du fichier",
            "Organisme",
            "SIREN",
            "Catalogue",
            "Utilisation",
            "Diagnostics à l'import",
        ]
        .iter()
        .map(|h| header(h))
        .collect(),
    );
    for f in &run.files {
        s.row(vec![
            text(&f.id),
            text(&f.file_name),
            text(&f.organism),
            text(&f.siren),
            text(&f.catalogue),
            text(&f.status.label_fr()),
            text(&format!(
                "{} erreur{}, {} avertissement{}",
                f.errors,
                if f.errors > 1 { "s" } else { "" },
                f.warnings,
                if f.warnings > 1 { "s" } else { "" }
            )),
        ]);
    }
    if !run.duplicates.is_empty() {
        s.blank();
        s.row(vec![label("Doublons consolidés")]);
        for d in &run.duplicates {
            s.row(vec![text(&duplicate_fr(run, d))]);
        }
    }
    if !run.notes.is_empty() {
        s.blank();
        s.row(vec![label("Remarques sur les fichiers")]);
        for n in &run.notes {
            s.row(vec![text(n)]);
        }
    }

    s.blank();
    s.row(vec![label(
        "Groupes de fichiers (jamais additionnés entre eux)",
    )]);
    s.row(
        ["Groupe", "Catalogue", "Version", "Fichiers"]
            .iter()
            .map(|h| header(h))
            .collect(),
    );
    for g in &run.extract.groups {
        for (id, version, n) in &g.catalogues {
            s.row(vec![
                text(&g.label_fr()),
                text(id),
                text(version),
                num(*n as f64),
            ]);
        }
    }

    s.blank();
    s.row(vec![label("Indicateurs consolidés")]);
    s.row(
        [
            "Feuille",
            "Groupe",
            "Code",
            "Indicateur",
            "Unité",
            "Consolidation",
        ]
        .iter()
        .map(|h| header(h))
        .collect(),
    );
    for (g, group) in run.consolidated.groups.iter().enumerate() {
        for (t, table) in group.tables.iter().enumerate() {
            let sheet = sheet_of.get(g).and_then(|v| v.get(t)).cloned().flatten();
            let how = if sheet.is_none() {
                "aucun chiffre sur le territoire (pas de feuille)"
            } else if table.additive {
                "nombres additionnés"
            } else {
                "minimum, médiane et maximum des organismes"
            };
            s.row(vec![
                text(sheet.as_deref().unwrap_or("")),
                text(&group.label),
                text(&table.code),
                text(&table.label),
                text(&table.unit_fr),
                text(how),
            ]);
        }
    }

    s.blank();
    s.row(vec![label("Indicateurs écartés")]);
    let left: Vec<_> = run
        .extract
        .groups
        .iter()
        .flat_map(|g| g.left_out.iter().map(move |l| (g.label_fr(), l)))
        .collect();
    if left.is_empty() {
        s.row(vec![text("Aucun.")]);
    } else {
        s.row(
            ["Groupe", "Code", "Indicateur", "Raison"]
                .iter()
                .map(|h| header(h))
                .collect(),
        );
        for (g, l) in left {
            s.row(vec![
                text(&g),
                text(&l.code),
                text(&l.label),
                text(&l.reason_fr),
            ]);
        }
    }

    if !run.objectives.is_empty() {
        s.blank();
        s.row(vec![label("Objectifs du territoire")]);
        s.row(
            ["Indicateur", "Ventilation", "Période", "Objectif"]
                .iter()
                .map(|h| header(h))
                .collect(),
        );
        for o in &run.objectives {
            s.row(vec![
                text(&o.indicator),
                text(&o.split),
                text(&o.period),
                num(o.value),
            ]);
        }
        for u in &run.objectives_unmatched {
            s.row(vec![note(u)]);
        }
    }
    s
}

/// « Org A (a.ods) et Org A (b.ods) : même organisme (SIREN …) sur le même catalogue, tous deux
/// consolidés ».
pub(crate) fn duplicate_fr(run: &Run, files: &[usize]) -> String {
    let names: Vec<String> = files
        .iter()
        .filter_map(|&i| run.files.get(i))
        .map(|f| format!("{} ({})", f.organism, f.file_name))
        .collect();
    let siren = files
        .first()
        .and_then(|&i| run.files.get(i))
        .map(|f| f.siren.clone())
        .unwrap_or_default();
    format!(
        "{} : même organisme (SIREN {siren}) sur le même catalogue, tous consolidés ; écartez \
         les fichiers en trop pour ne pas compter deux fois ses engagements.",
        names.join(", ")
    )
}

/// Remarks of a row: hypothetical, changed by the scenario, invalid values.
fn row_remarks(t: &ConsolidatedTable, r: &cus_core::consolidation::Row) -> String {
    let mut out = Vec::new();
    if r.hypothetical {
        out.push("organisme hypothétique du scénario".to_string());
    } else if r.changed.iter().any(|c| *c) {
        let n = r.changed.iter().filter(|c| **c).count();
        out.push(format!(
            "modifié par le scénario ({} colonne{})",
            n,
            if n > 1 { "s" } else { "" }
        ));
    }
    let invalid: Vec<&str> = r
        .invalid
        .iter()
        .zip(&t.columns)
        .filter(|(i, _)| **i)
        .map(|(_, c)| c.label_fr.as_str())
        .collect();
    if !invalid.is_empty() {
        out.push(format!(
            "valeur invalide non comptée : {}",
            invalid.join(", ")
        ));
    }
    out.join(" ; ")
}

fn values(v: &[Option<f64>]) -> Vec<Cell> {
    v.iter().map(|x| opt(*x)).collect()
}

/// An organism's values, « — » where the column is not a period of its convention (signed
/// another year: neither empty nor zero).
fn row_values(r: &cus_core::consolidation::Row) -> Vec<Cell> {
    r.values
        .iter()
        .zip(&r.applicable)
        .map(|(x, &own)| {
            if own {
                opt(*x)
            } else {
                text("—").look(Look::Note)
            }
        })
        .collect()
}

fn indicator(run: &Run, group: &str, t: &ConsolidatedTable, name: String) -> Sheet {
    let n = t.columns.len();
    let mut widths = vec![36.0, 26.0, 22.0];
    widths.extend(std::iter::repeat_n(14.0, n));
    widths.push(50.0);
    let mut s = Sheet {
        name,
        widths,
        frozen_rows: HEADER_ROWS,
        frozen_cols: 1,
        ..Default::default()
    };
    // A row: lead cells, the values, the remark.
    let line = |lead: [Cell; LEAD], vals: Vec<Cell>, remark: Cell| {
        let mut r: Vec<Cell> = lead.into();
        r.extend(vals);
        while r.len() < LEAD + n {
            r.push(empty());
        }
        r.push(remark);
        r
    };
    s.row(vec![
        text(&format!("{} — {}", t.code, t.label)).look(Look::Title)
    ]);
    s.row(vec![note(&format!(
        "Unité : {}. {}. {}",
        t.unit_fr,
        group,
        if t.additive {
            "Nombres additionnés sur le territoire."
        } else {
            "Valeurs ni additionnées ni moyennées : minimum, médiane et maximum des organismes."
        }
    ))]);
    s.row(vec![note(&format!(
        "Territoire : {}. Scénario : {}.",
        run.territory_label,
        scenario_fr(run)
    ))]);
    let (periods, splits): (Vec<&str>, Vec<&str>) = t
        .columns
        .iter()
        .map(|c| c.label_fr.split_once(" — ").unwrap_or((&c.label_fr, "")))
        .unzip();
    s.row(line(
        [header("Période"), header(""), header("")],
        periods.iter().map(|p| header(p)).collect(),
        header(""),
    ));
    s.row(line(
        [
            header("Organisme"),
            header("Lignes lues"),
            header("Mailles utilisées"),
        ],
        splits.iter().map(|p| header(p)).collect(),
        header("Remarques"),
    ));
    s.row(line(
        [text(MACHINE_MARK).look(Look::Key), empty(), empty()],
        t.columns
            .iter()
            .map(|c| text(&c.key).look(Look::Key))
            .collect(),
        empty(),
    ));

    for r in &t.rows {
        let look = if r.hypothetical {
            Look::Note
        } else {
            Look::Plain
        };
        s.row(line(
            [
                text(&r.label).look(look),
                text(&r.basis_fr),
                text(&r.levels_fr),
            ],
            row_values(r),
            text(&row_remarks(t, r)),
        ));
    }
    if t.rows.is_empty() {
        s.row(vec![note(
            "Aucun organisme engagé à la maille du territoire.",
        )]);
    }
    s.blank();
    if t.additive {
        s.row(line(
            [
                text("Total du territoire").look(Look::Total),
                text(&run.territory_label).look(Look::Total),
                empty().look(Look::Total),
            ],
            t.totals
                .iter()
                .map(|x| opt(x.value()).look(Look::Total))
                .collect(),
            text(if t.totals.iter().any(|x| x.is_estimate()) {
                "comprend des estimations par clé de répartition"
            } else {
                ""
            }),
        ));
        s.row(line(
            [label("Remarques sur le total"), empty(), empty()],
            t.totals.iter().map(|x| note(&x.caveats_fr())).collect(),
            empty(),
        ));
        s.row(line(
            [label("Calcul du total"), empty(), empty()],
            t.totals
                .iter()
                .map(|x| note(&cut(&x.formula_fr())))
                .collect(),
            empty(),
        ));
    } else {
        type Pick = fn(&cus_core::consolidation::Stats) -> f64;
        let picks: [(&str, Pick); 3] = [
            ("Minimum", |x| x.min),
            ("Médiane", |x| x.median),
            ("Maximum", |x| x.max),
        ];
        for (l, pick) in picks {
            s.row(line(
                [
                    text(l).look(Look::Total),
                    text(&run.territory_label).look(Look::Total),
                    empty().look(Look::Total),
                ],
                t.stats
                    .iter()
                    .map(|x| opt(x.as_ref().map(pick)).look(Look::Total))
                    .collect(),
                empty(),
            ));
        }
        s.row(line(
            [label("Nombre de valeurs"), empty(), empty()],
            t.stats
                .iter()
                .map(|x| num(x.as_ref().map_or(0, |x| x.n) as f64))
                .collect(),
            empty(),
        ));
        s.row(line(
            [label("Calcul"), empty(), empty()],
            t.stats
                .iter()
                .map(|x| note(x.as_ref().map_or("Aucune valeur saisie", |x| &x.formula_fr)))
                .collect(),
            empty(),
        ));
    }

    if !t.comparisons.is_empty() {
        s.blank();
        s.row(vec![label("Objectifs")]);
        let by_col = |f: &dyn Fn(&cus_core::consolidation::Comparison) -> Cell| -> Vec<Cell> {
            (0..t.columns.len())
                .map(|c| {
                    t.comparisons
                        .iter()
                        .find(|x| x.column == Some(c))
                        .map_or_else(empty, f)
                })
                .collect()
        };
        let committed = if t.additive {
            "Engagements"
        } else {
            "Médiane des engagements"
        };
        s.row(line(
            [label("Objectif"), empty(), empty()],
            by_col(&|x| num(x.objective.value)),
            empty(),
        ));
        s.row(line(
            [label(committed), empty(), empty()],
            by_col(&|x| opt(x.committed)),
            empty(),
        ));
        s.row(line(
            [label("Écart (engagements − objectif)"), empty(), empty()],
            by_col(&|x| opt(x.gap)),
            empty(),
        ));
        s.row(line(
            [label("Couverture de l'objectif (%)"), empty(), empty()],
            by_col(&|x| opt(x.coverage)),
            empty(),
        ));
        s.row(line(
            [label("Lecture"), empty(), empty()],
            by_col(&|x| note(&x.text_fr)),
            empty(),
        ));
        for c in t.comparisons.iter().filter(|x| x.column.is_none()) {
            s.row(vec![note(&c.text_fr)]);
        }
        for (split, lines) in &t.years {
            s.blank();
            s.row(vec![label(&format!(
                "Suivi annuel et cumulé — ventilation {split}"
            ))]);
            s.row(
                [
                    "Année",
                    "Objectif",
                    "Engagements",
                    "Objectif cumulé",
                    "Engagements cumulés",
                    "Couverture cumulée (%)",
                ]
                .iter()
                .map(|h| header(h))
                .collect(),
            );
            for y in lines {
                s.row(vec![
                    text(&y.label),
                    opt(y.objective),
                    opt(y.committed),
                    num(y.cumulated_objective),
                    num(y.cumulated_committed),
                    opt(y.cumulated_coverage),
                ]);
            }
        }
    }

    s.blank();
    s.row(vec![text("Non ventilé à cette maille").look(Look::Title)]);
    s.row(vec![note(
        "Organismes engagés seulement à une maille plus large que le territoire : leurs chiffres \
         sont ceux de cette maille, jamais répartis en silence. Ils ne sont ni dans le total ni \
         dans les statistiques, sauf clé de répartition saisie (ligne « estimation », comptée \
         dans le total).",
    )]);
    if t.unventilated.is_empty() {
        s.row(vec![text("Aucun organisme non ventilé à cette maille.")]);
    } else {
        s.row(line(
            [
                header("Organisme"),
                header("Maille des chiffres"),
                header("Mailles utilisées"),
            ],
            splits.iter().map(|p| header(p)).collect(),
            header("Remarques"),
        ));
        for r in &t.unventilated {
            let remark = match (r.key, t.additive) {
                (Some(k), true) => format!(
                    "clé de répartition : {} % (estimation ci-dessous, comptée dans le total)",
                    format_fr(k * 100.0, 2)
                ),
                (None, true) => "hors total : aucune clé de répartition saisie".to_string(),
                (_, false) => "valeur d'une maille plus large, hors statistiques".to_string(),
            };
            let extra = row_remarks(t, r);
            let remark = if extra.is_empty() {
                remark
            } else {
                format!("{remark} ; {extra}")
            };
            s.row(line(
                [text(&r.label), text(&r.basis_fr), text(&r.levels_fr)],
                row_values(r),
                text(&remark),
            ));
            if let (Some(k), true) = (r.key, t.additive) {
                s.row(line(
                    [
                        note(&format!("{} — estimation pour le territoire", r.label)),
                        note(&format!(
                            "estimation (clé de {} %)",
                            format_fr(k * 100.0, 2)
                        )),
                        empty(),
                    ],
                    r.values
                        .iter()
                        .map(|v| opt(v.map(|x| x * k)).look(Look::Note))
                        .collect(),
                    empty(),
                ));
            }
        }
        if t.additive {
            s.row(line(
                [
                    label("Total non ventilé (maille plus large)"),
                    empty(),
                    empty(),
                ],
                values(&t.unventilated_totals),
                note("somme des chiffres de la maille plus large, hors total du territoire"),
            ));
        }
    }
    if !t.not_retained.is_empty() {
        s.blank();
        s.row(vec![note(&format!(
            "Indicateur facultatif non retenu par : {}.",
            t.not_retained.join(", ")
        ))]);
    }
    s
}

fn evaluations(run: &Run, name: String) -> Sheet {
    use cus_core::consolidation::{justification_fr, Basis};
    let rv = &run.review;
    let organism = |source: usize| {
        run.file_of_source(source)
            .map(|f| f.organism.clone())
            .unwrap_or_default()
    };
    let place = |t: &TerritoryKey| t.short_fr();
    let mut s = Sheet {
        name,
        widths: vec![36.0, 16.0, 12.0, 12.0, 12.0, 12.0, 12.0, 60.0],
        ..Default::default()
    };
    s.row(vec![text(&format!(
        "Évaluations des organismes — {}",
        rv.territory_label
    ))
    .look(Look::Title)]);
    s.row(vec![note(
        "Réalisations des organismes face à leurs engagements, sur le territoire ; un organisme \
         engagé seulement à une maille plus large est « non ventilé » : montré à part, jamais \
         dans les totaux. Des organismes évalués sur des années différentes ne sont jamais \
         additionnés : un total par période évaluée.",
    )]);
    if let Some(a) = rv.apart_fr() {
        s.row(vec![note(&a)]);
    }
    if rv.groups.is_empty() {
        s.blank();
        s.row(vec![text(
            "Aucune évaluation transmise par les organismes de ce territoire.",
        )]);
    }
    for g in &rv.groups {
        s.blank();
        s.row(vec![text(&g.label_fr()).look(Look::Title)]);
        s.row(vec![text(&g.counts_fr())]);
        s.row(vec![text(&format!(
            "Engagements non tenus du groupe : {}",
            g.missed.summary_fr()
        ))]);
        s.blank();
        s.row(vec![
            header("Organisme"),
            header("Évaluation"),
            header("À la maille"),
            header("Lignes non tenues"),
            header("Justifiées"),
            header("Du fait de l'organisme"),
            header("Causes extérieures"),
            header("Indicateurs non tenus"),
        ]);
        for o in &g.organisms {
            s.row(vec![
                text(&o.label),
                text(&o.evaluation_label),
                text(if o.at_level { "oui" } else { "non ventilé" }),
                num(o.missed.missed as f64),
                num(o.missed.justified as f64),
                num(o.missed.organisme as f64),
                num(o.missed.exterieur.values().sum::<usize>() as f64),
                text(&o.missed.indicators.join(", ")),
            ]);
        }
        for ind in &g.indicators {
            s.blank();
            s.row(vec![text(&format!(
                "{} — {} ({}, {})",
                ind.code, ind.label, ind.period_fr, ind.unit_fr
            ))
            .look(Look::Label)]);
            s.row(vec![
                header("Organisme"),
                header("Ventilation"),
                header("Engagé"),
                header("Réalisé"),
                header("Taux (%)"),
                header(if ind.percentage {
                    "Écart (points)"
                } else {
                    "Écart"
                }),
                header("Non tenu"),
                header("Justifications ; lignes non justifiées ; calcul"),
            ]);
            let split_fr = |k: &cus_core::convention::SplitKey| {
                ind.splits
                    .iter()
                    .find(|(x, _)| x == k)
                    .map(|(_, l)| l.clone())
                    .unwrap_or_default()
            };
            for l in &ind.lines {
                let mut remarks: Vec<String> = l
                    .justifications
                    .iter()
                    .map(|(t, j)| format!("{} : {}", place(t), justification_fr(j)))
                    .collect();
                if !l.unjustified.is_empty() {
                    remarks.push(format!(
                        "non justifié : {}",
                        l.unjustified
                            .iter()
                            .map(place)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
                remarks.push(l.formula_fr.clone());
                let name = match &l.basis {
                    Basis::Exact(_) => organism(l.source),
                    Basis::Coarser(_) => format!("{} (non ventilé)", organism(l.source)),
                };
                s.row(vec![
                    text(&name),
                    text(&split_fr(&l.split)),
                    opt(l.committed),
                    opt(l.achieved),
                    opt(l.rate),
                    opt(l.gap),
                    text(if l.missed { "oui" } else { "" }),
                    note(&cut(&remarks.join(" ; "))),
                ]);
            }
            for t in &ind.totals {
                s.row(vec![
                    label(&format!(
                        "Total du territoire — {}{}",
                        split_fr(&t.split),
                        t.years
                            .map(|(a, b)| format!(" ({a}-{b})"))
                            .unwrap_or_default()
                    )),
                    empty(),
                    num(t.committed).look(Look::Total),
                    num(t.achieved).look(Look::Total),
                    opt(t.rate).look(Look::Total),
                    num(t.achieved - t.committed).look(Look::Total),
                    empty(),
                    note(&cut(&t.formula_fr)),
                ]);
            }
            for r in &ind.rates {
                s.row(vec![text(&format!(
                    "Fourchette des taux ({}) : de {} % ({}) à {} % ({}), {} organisme{}",
                    split_fr(&r.split),
                    format_fr(r.min, 1),
                    organism(r.min_source),
                    format_fr(r.max, 1),
                    organism(r.max_source),
                    r.n,
                    if r.n > 1 { "s" } else { "" }
                ))]);
            }
        }
    }
    if !rv.not_transmitted.is_empty() {
        s.blank();
        s.row(vec![
            label("Évaluation non transmise"),
            text(
                &rv.not_transmitted
                    .iter()
                    .map(|&i| organism(i))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ]);
    }
    for (i, why) in &rv.unreadable {
        s.row(vec![
            label("Évaluation illisible"),
            text(&format!("{} : {why}", organism(*i))),
        ]);
    }
    s
}

/// Pieces of `s` that each fit in a cell of the technical sheet ([`WORKSPACE_CHUNK`] UTF-16
/// units at most, the workbook's own rule).
fn chunks(s: &str) -> Vec<&str> {
    crate::workbook::chunks_within(s, WORKSPACE_CHUNK)
}

/// Title of the « espace » sheet (cell A1).
const WORKSPACE_TITLE: &str = "Espace de simulation (feuille technique, ne pas modifier) : elle \
    permet de rouvrir l'étude dans CUS indicateurs.";

/// The « espace » sheet: A1 a title; A2 the workspace format, B2 the number of pieces, C2 the
/// length of the JSON in bytes; from A3 down, the pieces of the JSON.
fn workspace_sheet(ws: &Workspace, name: String) -> Sheet {
    let json = ws.to_json();
    let pieces = chunks(&json);
    let mut s = Sheet {
        name,
        widths: vec![120.0, 12.0, 14.0],
        ..Default::default()
    };
    s.row(vec![text(WORKSPACE_TITLE).look(Look::Label)]);
    s.row(vec![
        text(WORKSPACE_FORMAT),
        num(pieces.len() as f64),
        num(json.len() as f64),
    ]);
    for p in pieces {
        s.row(vec![text(p)]);
    }
    s
}

/// The workspace JSON of an « espace » sheet read with calamine (French error when pieces are
/// missing or the sheet was edited).
pub(crate) fn read_workspace_sheet(range: &Range<Data>) -> Result<String, String> {
    let at = |r: u32, c: u32| range.get_value((r, c));
    let format = at(1, 0).and_then(super::cell_text).unwrap_or_default();
    if format != WORKSPACE_FORMAT && format != WORKSPACE_FORMAT_1 {
        return Err(format!(
            "la cellule A2 devrait indiquer le format {WORKSPACE_FORMAT} (la feuille a été \
             modifiée, ou elle vient d'une version plus récente de CUS indicateurs)."
        ));
    }
    let count = at(1, 1).and_then(super::cell_number);
    let length = at(1, 2).and_then(super::cell_number);
    let (Some(count), Some(length)) = (count, length) else {
        return Err(
            "les cellules B2 et C2 (nombre de morceaux et longueur de l'espace) sont vides ou \
             ne sont pas des nombres : la feuille a été modifiée."
                .into(),
        );
    };
    let end = range.end().map_or(0, |(r, _)| r);
    let mut json = String::new();
    let mut pieces = 0u64;
    for r in 2..=end {
        match at(r, 0) {
            Some(d) => match super::cell_text(d) {
                Some(t) => {
                    json.push_str(&t);
                    pieces += 1;
                }
                None if matches!(d, Data::Empty) => break,
                None => {
                    return Err(format!(
                        "la cellule A{} devrait contenir du texte : la feuille a été modifiée.",
                        r + 1
                    ))
                }
            },
            None => break,
        }
    }
    if pieces as f64 != count || json.len() as f64 != length {
        return Err(format!(
            "l'espace est incomplet ({pieces} morceau{} de texte sur {}, {} octets sur {}) : la \
             feuille a été modifiée ou le classeur tronqué.",
            if pieces > 1 { "x" } else { "" },
            format_fr(count, 0),
            format_fr(json.len() as f64, 0),
            format_fr(length, 0)
        ));
    }
    Ok(json)
}

/// The regional synthesis, one sheet per section: its title, its key sentences, then each of
/// its tables with their notes; figures as numbers (a percentage in percent, its column headed
/// « (%) »), an empty figure in the words the page uses.
fn report_sheets(r: &cus_core::report::Report, names: &mut SheetNames) -> Vec<Sheet> {
    use cus_core::report::Cell as R;
    let mut out = Vec::new();
    for sec in &r.sections {
        let widths = {
            let n = sec
                .tables
                .iter()
                .map(|t| t.columns.len())
                .max()
                .unwrap_or(1)
                .max(2);
            let mut w = vec![44.0];
            w.extend(std::iter::repeat_n(18.0, n - 1));
            w
        };
        let mut s = Sheet {
            name: names.take(&sec.short_title),
            widths,
            ..Default::default()
        };
        s.row(vec![text(&sec.title).look(Look::Title)]);
        s.row(vec![note(&r.title)]);
        if !sec.intro.is_empty() {
            s.row(vec![note(&sec.intro)]);
        }
        if !sec.sentences.is_empty() {
            s.blank();
            s.row(vec![label("Phrases clés")]);
            for p in &sec.sentences {
                s.row(vec![text(&p.text)]);
            }
        }
        for t in &sec.tables {
            s.blank();
            s.row(vec![label(&t.caption)]);
            let percent: Vec<bool> = (0..t.columns.len())
                .map(|c| {
                    c > 0
                        && t.rows
                            .iter()
                            .any(|row| matches!(row.cells.get(c - 1), Some(R::Pourcentage { .. })))
                })
                .collect();
            s.row(
                t.columns
                    .iter()
                    .zip(&percent)
                    .map(|(c, p)| header(&if *p { format!("{c} (%)") } else { c.clone() }))
                    .collect(),
            );
            for row in &t.rows {
                let look = if row.total { Look::Total } else { Look::Plain };
                let mut cells = vec![text(&row.label).look(look)];
                cells.extend(row.cells.iter().map(|c| {
                    match c {
                        R::Nombre { valeur, .. } | R::Pourcentage { valeur, .. } => num(*valeur),
                        other => text(&other.text_fr()),
                    }
                    .look(look)
                }));
                s.row(cells);
            }
            for n in &t.notes {
                s.row(vec![note(&cut(n))]);
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_fit_in_a_cell_and_give_the_text_back() {
        let s = format!(
            "{}{}{}",
            "a".repeat(40_000),
            "_x0041_".repeat(5_000),
            "é😀".repeat(20_000)
        );
        let pieces = chunks(&s);
        assert!(pieces.len() > 2);
        assert_eq!(pieces.concat(), s);
        for p in &pieces {
            let encoded = crate::workbook::encode_text(&crate::neutralise(p))
                .encode_utf16()
                .count();
            assert!(encoded <= WORKSPACE_CHUNK, "{encoded}");
        }
        assert_eq!(chunks(""), vec![""]);
    }
}
