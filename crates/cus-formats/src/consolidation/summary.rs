//! The consolidation as JSON (`cus consolider --format json`, and the JSON export): everything
//! the workbook shows, as data, with French field names like the other reports of `cus`
//! (`docs/FORMAT.md`, « Consolidation d'un territoire »).

use cus_core::consolidation::{ConsolidatedTable, RULES_FR};
use serde::Serialize;

use super::{Run, CONSOLIDATION_FORMAT};

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub format: &'static str,
    pub espace: String,
    pub territoire: String,
    pub libelle_territoire: String,
    pub millesime: u16,
    pub scenario: Option<ScenarioOut>,
    pub regles: Vec<&'static str>,
    pub fichiers: Vec<FileOut>,
    /// Files of the same organism and catalogue all consolidated (ids).
    pub doublons: Vec<Vec<String>>,
    pub remarques: Vec<String>,
    pub groupes: Vec<GroupOut>,
    /// The regional synthesis, as the page, the workbook and the text show it.
    pub synthese: cus_core::report::Report,
    pub objectifs_sans_indicateur: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ScenarioOut {
    pub nom: String,
    pub changements: Vec<String>,
    pub sans_effet: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileOut {
    pub id: String,
    pub fichier: String,
    pub organisme: String,
    pub siren: String,
    pub catalogue: String,
    /// `consolide`, `absent`, `ecarte` or `refuse`.
    pub utilisation: &'static str,
    pub detail: String,
    pub erreurs: usize,
    pub avertissements: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct CatalogueOut {
    pub catalogue: String,
    pub version: String,
    pub fichiers: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct LeftOutOut {
    pub code: String,
    pub libelle: String,
    pub raison: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct GroupOut {
    pub groupe: String,
    pub catalogues: Vec<CatalogueOut>,
    /// Ids of the files without any figure on the territory.
    pub sans_chiffre: Vec<String>,
    pub indicateurs: Vec<TableOut>,
    pub ecartes: Vec<LeftOutOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ColumnOut {
    /// `split|period`.
    pub cle: String,
    pub libelle: String,
    /// Counts: the total (estimates included), `null` when nothing was filled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// Counts: the part of the total estimated with split keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dont_estime: Option<f64>,
    /// Counts: organisms at the level whose cell is empty.
    pub cellules_vides: usize,
    pub valeurs_invalides: usize,
    /// Counts: organisms « non ventilé » without a split key, not in the total.
    pub non_ventiles_hors_total: usize,
    /// Sum of the « non ventilé » figures (coarser level).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_non_ventile: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mediane: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    pub remarques: String,
    pub calcul: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RowOut {
    /// File id, or `hypothese:N` for an organism of the scenario.
    pub fichier: String,
    pub organisme: String,
    pub lignes_lues: String,
    pub mailles: String,
    pub hypothese: bool,
    /// Per column of `colonnes`, `null` when empty.
    pub valeurs: Vec<Option<f64>>,
    /// Keys of the columns holding an invalid value (not counted).
    pub invalides: Vec<String>,
    /// Keys of the columns changed by the scenario.
    pub modifiees: Vec<String>,
    /// « Non ventilé »: the split key (share 0–1) the user gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cle_repartition: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ComparisonOut {
    pub ventilation: String,
    pub periode: String,
    pub colonne: String,
    pub objectif: f64,
    pub engagements: Option<f64>,
    pub estimation: bool,
    pub ecart: Option<f64>,
    pub couverture: Option<f64>,
    pub lecture: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct YearOut {
    /// The calendar year.
    pub annee: i32,
    pub libelle: String,
    pub objectif: Option<f64>,
    pub engagements: Option<f64>,
    pub objectif_cumule: f64,
    pub engagements_cumules: f64,
    pub couverture_cumulee: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct YearsOut {
    pub ventilation: String,
    pub annees: Vec<YearOut>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TableOut {
    pub code: String,
    pub libelle: String,
    pub unite: String,
    /// Counts that add up (`total`), else minimum, median and maximum.
    pub additionne: bool,
    pub colonnes: Vec<ColumnOut>,
    pub organismes: Vec<RowOut>,
    pub non_ventile: Vec<RowOut>,
    pub non_retenu_par: Vec<String>,
    pub objectifs: Vec<ComparisonOut>,
    pub suivi_annuel: Vec<YearsOut>,
}

fn keys(t: &ConsolidatedTable, flags: &[bool]) -> Vec<String> {
    flags
        .iter()
        .zip(&t.columns)
        .filter(|(f, _)| **f)
        .map(|(_, c)| c.key.clone())
        .collect()
}

fn row(t: &ConsolidatedTable, r: &cus_core::consolidation::Row) -> RowOut {
    RowOut {
        fichier: r.id.clone(),
        organisme: r.label.clone(),
        lignes_lues: r.basis_fr.clone(),
        mailles: r.levels_fr.clone(),
        hypothese: r.hypothetical,
        valeurs: r.values.clone(),
        invalides: keys(t, &r.invalid),
        modifiees: keys(t, &r.changed),
        cle_repartition: r.key,
    }
}

fn table(t: &ConsolidatedTable) -> TableOut {
    let colonnes = t
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            let total = t.totals.get(c);
            let stats = t.stats.get(c).and_then(Option::as_ref);
            ColumnOut {
                cle: col.key.clone(),
                libelle: col.label_fr.clone(),
                total: total.filter(|_| t.additive).and_then(|x| x.value()),
                dont_estime: total
                    .filter(|x| t.additive && x.is_estimate())
                    .map(|x| x.estimated),
                cellules_vides: if t.additive {
                    total.map_or(0, |x| x.empty)
                } else {
                    stats.map_or(0, |s| s.empty)
                },
                valeurs_invalides: if t.additive {
                    total.map_or(0, |x| x.invalid)
                } else {
                    t.rows.iter().filter(|r| r.invalid[c]).count()
                },
                non_ventiles_hors_total: if t.additive {
                    total.map_or(0, |x| x.unventilated)
                } else {
                    t.unventilated.len()
                },
                total_non_ventile: t.unventilated_totals.get(c).copied().flatten(),
                minimum: stats.map(|s| s.min),
                mediane: stats.map(|s| s.median),
                maximum: stats.map(|s| s.max),
                remarques: if t.additive {
                    total.map(|x| x.caveats_fr()).unwrap_or_default()
                } else {
                    String::new()
                },
                calcul: if t.additive {
                    total.map(|x| x.formula_fr()).unwrap_or_default()
                } else {
                    stats
                        .map(|s| s.formula_fr.clone())
                        .unwrap_or_else(|| "Aucune valeur saisie".into())
                },
            }
        })
        .collect();
    TableOut {
        code: t.code.clone(),
        libelle: t.label.clone(),
        unite: t.unit_fr.clone(),
        additionne: t.additive,
        colonnes,
        organismes: t.rows.iter().map(|r| row(t, r)).collect(),
        non_ventile: t.unventilated.iter().map(|r| row(t, r)).collect(),
        non_retenu_par: t.not_retained.clone(),
        objectifs: t
            .comparisons
            .iter()
            .map(|c| ComparisonOut {
                ventilation: c.objective.split.clone(),
                periode: c.objective.period.clone(),
                colonne: c.column_label.clone(),
                objectif: c.objective.value,
                engagements: c.committed,
                estimation: c.estimate,
                ecart: c.gap,
                couverture: c.coverage,
                lecture: c.text_fr.clone(),
            })
            .collect(),
        suivi_annuel: t
            .years
            .iter()
            .map(|(split, lines)| YearsOut {
                ventilation: split.clone(),
                annees: lines
                    .iter()
                    .map(|y| YearOut {
                        annee: y.year,
                        libelle: y.label.clone(),
                        objectif: y.objective,
                        engagements: y.committed,
                        objectif_cumule: y.cumulated_objective,
                        engagements_cumules: y.cumulated_committed,
                        couverture_cumulee: y.cumulated_coverage,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The JSON summary of a consolidation.
pub fn summary(run: &Run) -> Summary {
    let id_of = |source: usize| {
        run.file_of_source(source)
            .map(|f| f.id.clone())
            .unwrap_or_default()
    };
    Summary {
        format: CONSOLIDATION_FORMAT,
        espace: run.workspace_name.clone(),
        territoire: run.territory.to_string(),
        libelle_territoire: run.territory_label.clone(),
        millesime: run.geo.vintage.year,
        scenario: run.scenario.as_ref().map(|s| ScenarioOut {
            nom: s.name.clone(),
            changements: run.scenario_changes_fr.clone(),
            sans_effet: run.consolidated.unmatched.clone(),
        }),
        regles: RULES_FR.to_vec(),
        fichiers: run
            .files
            .iter()
            .map(|f| FileOut {
                id: f.id.clone(),
                fichier: f.file_name.clone(),
                organisme: f.organism.clone(),
                siren: f.siren.clone(),
                catalogue: f.catalogue.clone(),
                utilisation: f.status.word(),
                detail: f.status.label_fr(),
                erreurs: f.errors,
                avertissements: f.warnings,
            })
            .collect(),
        doublons: run
            .duplicates
            .iter()
            .map(|d| d.iter().map(|&i| run.files[i].id.clone()).collect())
            .collect(),
        remarques: run.notes.clone(),
        groupes: run
            .extract
            .groups
            .iter()
            .zip(&run.consolidated.groups)
            .map(|(g, cg)| GroupOut {
                groupe: cg.label.clone(),
                catalogues: g
                    .catalogues
                    .iter()
                    .map(|(id, v, n)| CatalogueOut {
                        catalogue: id.clone(),
                        version: v.clone(),
                        fichiers: *n,
                    })
                    .collect(),
                sans_chiffre: g.absent.iter().map(|&s| id_of(s)).collect(),
                indicateurs: cg.tables.iter().map(table).collect(),
                ecartes: g
                    .left_out
                    .iter()
                    .map(|l| LeftOutOut {
                        code: l.code.clone(),
                        libelle: l.label.clone(),
                        raison: l.reason_fr.clone(),
                    })
                    .collect(),
            })
            .collect(),
        synthese: run.synthesis.clone(),
        objectifs_sans_indicateur: run.objectives_unmatched.clone(),
    }
}
