//! The regional compilation State services write by hand (as the Comité régional de l'habitat
//! du Nord-Pas-de-Calais did in 2012): new supply over six years and its yearly average, the
//! PLAI share overall and its range across organisms, development as a share of each organism's
//! stock, the share of each sub-territory, the territorial level each organism used.
//!
//! Which indicator is the new supply by financing is data: the indicators with a PLAI-share rule
//! (`data/rules/plausibilite.json`, `W-PLAUSIBLE-PLAI-SHARE`), never a code in Rust.

use super::synthesis::{member_of, six_year_columns, whole};
use super::totals::{stats, Consolidated, Stats};
use super::Aligned;
use super::{territory_label, Extract, Source};
use crate::convention::TerritoryKey;
use crate::geo::Referential;
use crate::numfmt::format_fr;

/// Per-organism values with their statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub values: Vec<(String, f64)>,
    pub stats: Option<Stats>,
}

/// One sub-territory's part of the total.
#[derive(Clone, Debug, PartialEq)]
pub struct SubTerritory {
    pub label: String,
    pub value: f64,
    /// Percent of the total.
    pub share: f64,
}

/// One organism's six-year figure on the territory, per sub-territory (by name), as the
/// scenario leaves it: the table of new supply per organism × sub-territory a regional synthesis
/// prints (issue 25, item 1).
#[derive(Clone, Debug, PartialEq)]
pub struct OrganismSubTerritories {
    pub organism: String,
    /// (sub-territory, value), in the order of [`Compilation::sub_territories`]; a
    /// sub-territory the organism has no figure in is absent.
    pub values: Vec<(String, f64)>,
    /// Its six-year figure on the territory (`None`: its cells are empty).
    pub total: Option<f64>,
    /// The part of it no sub-territory holds (committed at a coarser level, say).
    pub undetailed: f64,
}

/// The level an organism used.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelUse {
    pub organism: String,
    pub levels_fr: String,
    /// Committed at the territory's level (else « non ventilé »).
    pub at_level: bool,
}

/// The compilation for one new-supply indicator.
#[derive(Clone, Debug, PartialEq)]
pub struct Compilation {
    pub group: String,
    pub code: String,
    pub label: String,
    pub unit_fr: String,
    /// Label of the six-year column (« Cumul 2019–2024 »).
    pub period_label: String,
    /// Six-year total at the territory's level, `None` when nothing was filled.
    pub total: Option<f64>,
    pub total_formula_fr: String,
    pub total_is_estimate: bool,
    pub yearly_average: Option<f64>,
    /// PLAI share of the summed figures, in percent, with its formula.
    pub plai_share: Option<(f64, String)>,
    /// What the share is, from the rule data (« Part de PLAI parmi PLAI + PLUS »).
    pub share_label_fr: String,
    /// The financings of the share's denominator, from the rule data (« PLAI, PLUS »).
    pub share_members_fr: String,
    pub plai_share_by_organism: Distribution,
    /// Six-year development in percent of the organism's stock on the territory.
    pub development_by_organism: Distribution,
    /// Organisms whose stock on the territory is unknown.
    pub without_stock: Vec<String>,
    pub sub_territories: Vec<SubTerritory>,
    /// Part of the total not detailed by sub-territory.
    pub sub_undetailed: f64,
    /// The same, organism by organism (named, in the order of the table's rows).
    pub by_organism_sub: Vec<OrganismSubTerritories>,
    /// For a région: the EPCI some organisms detailed their figures by (MEL, Amiens Métropole),
    /// with the number of organisms that did; a part of each département, never added to it.
    pub epci_sub_territories: Vec<EpciSubTerritory>,
    pub levels: Vec<LevelUse>,
}

/// An EPCI's part of the total, from the organisms that detailed their figures by EPCI.
#[derive(Clone, Debug, PartialEq)]
pub struct EpciSubTerritory {
    pub label: String,
    pub value: f64,
    /// Percent of the territory's total.
    pub share: f64,
    /// Organisms with a figure there.
    pub organisms: usize,
}

/// The compilation of every new-supply indicator of the consolidation.
pub fn compile(
    ex: &Extract,
    cons: &Consolidated,
    sources: &[Source<'_>],
    geo: &Referential,
) -> Vec<Compilation> {
    let mut out = Vec::new();
    for (g, cg) in ex.groups.iter().zip(&cons.groups) {
        for (t, ct) in g.tables.iter().zip(&cg.tables) {
            if !t.additive {
                continue;
            }
            let Some(src) = g.sources.first().map(|&i| &sources[i]) else {
                continue;
            };
            let Some(rule) = crate::calc::plai_share_rule(src.cat, &t.code) else {
                continue;
            };
            let Some(b) = src
                .cat
                .indicator(&t.code)
                .and_then(|i| i.breakdown_index(&rule.breakdown))
            else {
                continue;
            };
            // Six-year columns: the cumulative at 6 years, else the six yearly columns.
            let total_cols = |member: Option<&str>| -> Vec<usize> {
                match member {
                    None => six_year_columns(ct, &whole),
                    Some(m) => six_year_columns(ct, &member_of(b, m)),
                }
            };
            let tot_cols = total_cols(None);
            if tot_cols.is_empty() {
                continue;
            }
            let label_of = |c: usize| {
                ct.columns[c]
                    .label_fr
                    .split(" — ")
                    .next()
                    .unwrap_or_default()
                    .to_string()
            };
            let period_label = if tot_cols.len() == 1 {
                label_of(tot_cols[0])
            } else if tot_cols
                .iter()
                .all(|&c| matches!(ct.columns[c].aligned, Aligned::Window(..)))
            {
                let windows: Vec<String> = tot_cols.iter().map(|&c| label_of(c)).collect();
                format!(
                    "Six ans de chaque convention ({})",
                    crate::text::join_fr(&windows)
                )
            } else {
                "Somme des six années de chaque convention".to_string()
            };
            let sum_cols = |vals: &[Option<f64>], cols: &[usize]| -> Option<f64> {
                let v: Vec<f64> = cols.iter().filter_map(|&c| vals[c]).collect();
                (!v.is_empty()).then(|| v.iter().sum())
            };
            let total = {
                let v: Vec<f64> = tot_cols
                    .iter()
                    .filter_map(|&c| ct.totals[c].value())
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>())
            };
            let total_formula_fr = tot_cols
                .iter()
                .map(|&c| ct.totals[c].formula_fr())
                .collect::<Vec<_>>()
                .join(" | ");
            let total_is_estimate = tot_cols.iter().any(|&c| ct.totals[c].is_estimate());
            // PLAI share: members summed over the organisms at the level.
            let member_cols = |ms: &[String]| -> Vec<usize> {
                ms.iter().flat_map(|m| total_cols(Some(m))).collect()
            };
            let num_cols = member_cols(&rule.numerator);
            let den_cols = member_cols(&rule.denominator);
            let sum_rows = |cols: &[usize]| -> Option<f64> {
                let v: Vec<f64> = cols.iter().filter_map(|&c| ct.totals[c].value()).collect();
                (!v.is_empty()).then(|| v.iter().sum())
            };
            let plai_share = match (sum_rows(&num_cols), sum_rows(&den_cols)) {
                (Some(n), Some(d)) if d > 0.0 => Some((
                    n / d * 100.0,
                    format!(
                        "{} ÷ ({}) = {} ÷ {} = {} %",
                        rule.numerator.join(" + "),
                        rule.denominator.join(" + "),
                        format_fr(n, 1),
                        format_fr(d, 1),
                        format_fr(n / d * 100.0, 1)
                    ),
                )),
                _ => None,
            };
            let mut by_org = Vec::new();
            let mut dev = Vec::new();
            let mut without_stock = Vec::new();
            for r in ct.rows.iter().filter(|r| !r.hypothetical) {
                if let (Some(n), Some(d)) = (
                    sum_cols(&r.values, &num_cols),
                    sum_cols(&r.values, &den_cols),
                ) {
                    if d > 0.0 {
                        by_org.push((r.label.clone(), n / d * 100.0));
                    }
                }
                let Some(supply) = sum_cols(&r.values, &tot_cols) else {
                    continue;
                };
                match stock_on(sources, &r.id, ex, t, geo) {
                    Some(s) if s > 0.0 => dev.push((r.label.clone(), supply / s * 100.0)),
                    _ => without_stock.push(r.label.clone()),
                }
            }
            let (sub_territories_raw, by_organism_sub, epci_raw) =
                sub_territories(t, ct, sources, &tot_cols, geo, &ex.territory);
            let sub_total: f64 = sub_territories_raw.iter().map(|s| s.1).sum();
            let grand = total.unwrap_or(0.0);
            let share_of = |value: f64| {
                if grand > 0.0 {
                    value / grand * 100.0
                } else {
                    0.0
                }
            };
            let sub_territories = sub_territories_raw
                .into_iter()
                .map(|(label, value)| SubTerritory {
                    label,
                    value,
                    share: share_of(value),
                })
                .collect();
            let levels = ct
                .rows
                .iter()
                .filter(|r| !r.hypothetical)
                .map(|r| LevelUse {
                    organism: r.label.clone(),
                    levels_fr: r.levels_fr.clone(),
                    at_level: true,
                })
                .chain(ct.unventilated.iter().map(|r| LevelUse {
                    organism: r.label.clone(),
                    levels_fr: r.levels_fr.clone(),
                    at_level: false,
                }))
                .collect();
            out.push(Compilation {
                group: cg.label.clone(),
                code: ct.code.clone(),
                label: ct.label.clone(),
                unit_fr: ct.unit_fr.clone(),
                period_label,
                total,
                total_formula_fr,
                total_is_estimate,
                yearly_average: total.map(|t| t / 6.0),
                plai_share,
                share_label_fr: format!(
                    "Part de {} parmi {}",
                    rule.numerator.join(" + "),
                    rule.denominator.join(" + ")
                ),
                share_members_fr: rule.denominator.join(", "),
                plai_share_by_organism: distribution(by_org),
                development_by_organism: distribution(dev),
                without_stock,
                sub_territories,
                sub_undetailed: (grand - sub_total).max(0.0),
                by_organism_sub,
                epci_sub_territories: epci_raw
                    .into_iter()
                    .map(|(label, value, organisms)| EpciSubTerritory {
                        label,
                        value,
                        share: share_of(value),
                        organisms,
                    })
                    .collect(),
                levels,
            });
        }
    }
    out
}

fn distribution(mut values: Vec<(String, f64)>) -> Distribution {
    values.sort_by(|a, b| a.1.total_cmp(&b.1));
    let stats = stats(&values, 0);
    Distribution { values, stats }
}

/// The organism's stock on the territory: the stock of the rows its figures were read from.
fn stock_on(
    sources: &[Source<'_>],
    id: &str,
    _ex: &Extract,
    t: &super::Table,
    _geo: &Referential,
) -> Option<f64> {
    let (i, s) = sources.iter().enumerate().find(|(_, s)| s.id == id)?;
    let row = t.rows.iter().find(|r| r.source == i)?;
    let mut total = 0.0;
    for k in row.basis.rows() {
        total += s.conv.stock.get(&k.to_string()).copied()?;
    }
    Some(total)
}

/// Per sub-territory (name, value), per organism, and per EPCI detailed (name, value, organisms).
type SubTerritoriesRead = (
    Vec<(String, f64)>,
    Vec<OrganismSubTerritories>,
    Vec<(String, f64, usize)>,
);

/// One organism's figures per sub-territory while they are read: name, (sub-territory, value),
/// its total.
type OrganismAcc = (String, Vec<(TerritoryKey, f64)>, Option<f64>);

/// Sum per sub-territory of the six-year total, from the organisms' detail rows as the scenario
/// leaves them: each organism's detail is scaled by its consolidated figure over its figure in
/// the file, column by column (a realisation rate or a scaled indicator applies to every
/// sub-territory alike). What cannot be placed (a hypothetical organism, a value set where the
/// file had none or zero) is left to « non détaillé ».
fn sub_territories(
    t: &super::Table,
    ct: &super::totals::ConsolidatedTable,
    sources: &[Source<'_>],
    cols: &[usize],
    geo: &Referential,
    territory: &TerritoryKey,
) -> SubTerritoriesRead {
    let mut acc: Vec<(TerritoryKey, f64)> = Vec::new();
    let mut by_org: Vec<OrganismAcc> = Vec::new();
    let mut epci_acc: Vec<(TerritoryKey, f64, usize)> = Vec::new();
    let region = matches!(territory, TerritoryKey::Region(_));
    // The département an EPCI lies in (one only), for an organism detailed by EPCI alone.
    let dep_of = |k: &TerritoryKey| match k {
        TerritoryKey::Epci(s) => geo
            .epci(s)
            .filter(|e| e.departements.len() == 1)
            .map(|e| TerritoryKey::Departement(e.departements[0].clone())),
        _ => None,
    };
    for r in &t.rows {
        let Some(now) = sources
            .get(r.source)
            .and_then(|s| ct.rows.iter().find(|c| c.id == s.id))
        else {
            continue;
        };
        let factor = |c: usize| match (r.values[c], now.values[c]) {
            (Some(raw), Some(v)) if raw != 0.0 => v / raw,
            _ => 0.0,
        };
        let mut own: Vec<(TerritoryKey, f64)> = Vec::new();
        let has_dep = r
            .detail
            .iter()
            .any(|(k, _)| matches!(k, TerritoryKey::Departement(_)));
        for (k, vals) in &r.detail {
            let v: f64 = cols
                .iter()
                .filter_map(|&c| vals[c].map(|x| x * factor(c)))
                .sum();
            let filled = cols.iter().any(|&c| vals[c].is_some());
            let at = if region && matches!(k, TerritoryKey::Epci(_)) {
                if filled {
                    match epci_acc.iter_mut().find(|(x, _, _)| x == k) {
                        Some(e) => {
                            e.1 += v;
                            e.2 += 1;
                        }
                        None => epci_acc.push((k.clone(), v, 1)),
                    }
                }
                // Detail only, unless the organism gave no département row: then its EPCI
                // figures are its départements'.
                if has_dep {
                    continue;
                }
                match dep_of(k) {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                k.clone()
            };
            match acc.iter_mut().find(|(x, _)| *x == at) {
                Some(e) => e.1 += v,
                None => acc.push((at.clone(), v)),
            }
            if filled {
                // (`+ 0.0`: a figure scaled to zero reads 0, not -0.)
                match own.iter_mut().find(|(x, _)| *x == at) {
                    Some(e) => e.1 += v,
                    None => own.push((at, v + 0.0)),
                }
            }
        }
        let given: Vec<f64> = cols.iter().filter_map(|&c| now.values[c]).collect();
        let total = (!given.is_empty()).then(|| given.iter().sum::<f64>() + 0.0);
        match by_org.iter_mut().find(|(label, _, _)| *label == now.label) {
            // (Several base rows of one organism: one line.)
            Some(e) => {
                e.1.extend(own);
                e.2 = match (e.2, total) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
            }
            None => by_org.push((now.label.clone(), own, total)),
        }
    }
    acc.sort_by(|a, b| a.0.cmp(&b.0));
    let order: Vec<TerritoryKey> = acc.iter().map(|(k, _)| k.clone()).collect();
    let by_org = by_org
        .into_iter()
        .map(|(organism, mut own, total)| {
            own.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
            let placed: f64 = own.iter().map(|(_, v)| v).sum();
            OrganismSubTerritories {
                organism,
                values: own
                    .into_iter()
                    .map(|(k, v)| (territory_label(&k, geo), v))
                    .collect(),
                total,
                undetailed: total.map_or(0.0, |t| (t - placed).max(0.0)),
            }
        })
        .collect();
    let subs = acc
        .into_iter()
        .map(|(k, v)| (territory_label(&k, geo), v))
        .collect();
    epci_acc.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let epcis = epci_acc
        .into_iter()
        .map(|(k, v, n)| (territory_label(&k, geo), v + 0.0, n))
        .collect();
    (subs, by_org, epcis)
}
