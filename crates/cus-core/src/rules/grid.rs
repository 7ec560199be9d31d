//! The grid of one indicator in one convention, with the relations between its cells that the
//! rules use (part → whole, total → members, cumulative → years, EPCI → département…), all by
//! position so that the rules index values instead of building keys.
//!
//! A grid depends on the structure of the convention (territories, segments, segmentation), never
//! on its values.

use crate::catalogue::{Catalogue, Period};
use crate::convention::{is_additive, is_required, Convention, GridShape, SplitKey, TerritoryKey};
use crate::geo::Referential;
use crate::ruledata::RuleSet;

/// Position of a cell: (grid, row, split, period).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Addr {
    pub g: usize,
    pub r: usize,
    pub s: usize,
    pub p: usize,
}

/// A share rule resolved against one grid.
pub(crate) struct Share {
    pub rule: usize,
    /// Split of the first numerator member: where the diagnostic goes.
    pub anchor: usize,
    pub numerator: Vec<usize>,
    pub denominator: Vec<usize>,
    pub periods: Vec<usize>,
}

/// A ratio-to-stock rule resolved against one grid.
pub(crate) struct Ratio {
    pub rule: usize,
    pub s: usize,
    pub p: usize,
}

/// The shape of one indicator's grid ([`GridShape`]) with the relations between its cells.
pub(crate) struct Grid {
    pub shape: GridShape,
    /// Numeric value kind (nombre, pourcentage, montant, durée).
    pub numeric: bool,
    /// Whole-number counts: values add up (over members, years, territories).
    pub additive: bool,
    /// Every row must be filled (mandatory, or retained at the prefect's request).
    pub required: bool,
    /// For a "dont" part: the split of its whole.
    pub whole_of: Vec<Option<usize>>,
    /// For a whole: its parts.
    pub parts_of: Vec<Vec<usize>>,
    /// For each breakdown where the split is a member: the split of that breakdown's total.
    pub total_of: Vec<Vec<usize>>,
    /// For each breakdown where the split is the total: (breakdown, splits of its members).
    pub members_of: Vec<Vec<(usize, Vec<usize>)>>,
    /// Cumulative period → the next cumulative period.
    pub next_cum: Vec<Option<usize>>,
    /// Cumulative period → the previous cumulative period.
    pub prev_cum: Vec<Option<usize>>,
    /// Cumulative period n → the periods of years 1..=n (additive yearly indicators only).
    pub years_upto: Vec<Option<Vec<usize>>>,
    /// Year y → the cumulative periods n ≥ y that sum it.
    pub cums_of_year: Vec<Vec<usize>>,
    /// EPCI row lying in a single département that is also a row → that row.
    pub epci_dept: Vec<Option<usize>>,
    /// Département row → the EPCI rows lying only in it.
    pub dept_epcis: Vec<Vec<usize>>,
    pub shares: Vec<Share>,
    /// How each split is stated: a percentage part follows neither the count's bounds nor
    /// its sums.
    pub part_shares: Vec<crate::catalogue::PartShare>,
    pub ratios: Vec<Ratio>,
}

impl Grid {
    pub fn n_cells_per_row(&self) -> usize {
        self.shape.n_cols()
    }
}

pub(crate) fn build(
    shape_of: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    rules: &RuleSet,
    ind_pos: usize,
) -> Grid {
    let ind = &cat.indicators[ind_pos];
    let shape = GridShape::new(shape_of, ind, geo);
    let GridShape {
        rows,
        row_pos,
        splits: split_list,
        split_keys,
        periods,
        period_keys,
        ..
    } = &shape;
    let numeric = ind.bounds().is_some();
    let additive = is_additive(ind);
    let required = is_required(ind);

    let part_shares: Vec<crate::catalogue::PartShare> = split_list
        .iter()
        .map(|s| crate::convention::part_share(ind, s))
        .collect();
    let pos_of = |s: &SplitKey| split_list.iter().position(|x| x == s);
    let n_s = split_list.len();
    let mut whole_of = vec![None; n_s];
    let mut parts_of = vec![Vec::new(); n_s];
    let mut total_of = vec![Vec::new(); n_s];
    let mut members_of = vec![Vec::new(); n_s];
    for (i, s) in split_list.iter().enumerate() {
        if s.part.is_some() {
            let whole = SplitKey {
                members: s.members.clone(),
                part: None,
            };
            if let Some(w) = pos_of(&whole) {
                whole_of[i] = Some(w);
                parts_of[w].push(i);
            }
        }
        for (b, m) in s.members.iter().enumerate() {
            match m {
                Some(_) => {
                    let mut t = s.clone();
                    t.members[b] = None;
                    if let Some(t) = pos_of(&t) {
                        total_of[i].push(t);
                    }
                }
                None => {
                    let Some(bd) = ind.splits.breakdowns.get(b) else {
                        continue;
                    };
                    let ms: Option<Vec<usize>> = bd
                        .members
                        .iter()
                        .map(|mm| {
                            let mut c = s.clone();
                            c.members[b] = Some(mm.code.clone());
                            pos_of(&c)
                        })
                        .collect();
                    if let Some(ms) = ms.filter(|ms| !ms.is_empty()) {
                        members_of[i].push((b, ms));
                    }
                }
            }
        }
    }

    let n_p = periods.len();
    let mut next_cum = vec![None; n_p];
    let mut prev_cum = vec![None; n_p];
    let cums: Vec<(usize, u8)> = periods
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Period::Cumulative(n) => Some((i, *n)),
            _ => None,
        })
        .collect();
    let mut sorted = cums.clone();
    sorted.sort_by_key(|&(_, n)| n);
    // A level at the end of each period (a stock) may go down; only flows accumulate.
    let accumulates = ind.measure.is_flow();
    for w in sorted.windows(2).filter(|_| accumulates) {
        next_cum[w[0].0] = Some(w[1].0);
        prev_cum[w[1].0] = Some(w[0].0);
    }
    let mut years_upto = vec![None; n_p];
    let mut cums_of_year = vec![Vec::new(); n_p];
    if additive && accumulates {
        for &(ci, n) in cums.iter().filter(|&&(_, n)| n >= 1) {
            let years: Option<Vec<usize>> = (1..=n)
                .map(|y| periods.iter().position(|&p| p == Period::Year(y)))
                .collect();
            if let Some(years) = years {
                for &y in &years {
                    cums_of_year[y].push(ci);
                }
                years_upto[ci] = Some(years);
            }
        }
    }

    let mut epci_dept = vec![None; rows.len()];
    let mut dept_epcis = vec![Vec::new(); rows.len()];
    if let (true, Some(geo)) = (additive, geo) {
        for (r, t) in rows.iter().enumerate() {
            let TerritoryKey::Epci(e) = t else { continue };
            let Some(epci) = geo.epci(e) else { continue };
            let [d] = epci.departements.as_slice() else {
                continue;
            };
            let key = TerritoryKey::Departement(d.clone()).to_string();
            if let Some(&dr) = row_pos.get(&key) {
                epci_dept[r] = Some(dr);
                dept_epcis[dr].push(r);
            }
        }
    }

    let mut shares = Vec::new();
    let mut ratios = Vec::new();
    if additive {
        for (i, rule) in rules.member_shares.iter().enumerate() {
            if rule.indicator != ind.code || !rule.applies_to(cat) {
                continue;
            }
            let Some(b) = ind.breakdown_index(&rule.breakdown) else {
                continue;
            };
            let member_split = |code: &String| {
                let mut members = vec![None; ind.splits.breakdowns.len()];
                members[b] = Some(code.clone());
                pos_of(&SplitKey {
                    members,
                    part: None,
                })
            };
            let numerator: Option<Vec<usize>> = rule.numerator.iter().map(member_split).collect();
            let denominator: Option<Vec<usize>> =
                rule.denominator.iter().map(member_split).collect();
            let (Some(numerator), Some(denominator)) = (numerator, denominator) else {
                continue;
            };
            let Some(&anchor) = numerator.first() else {
                continue;
            };
            let periods_idx: Vec<usize> = if rule.periods.is_empty() {
                (0..n_p).collect()
            } else {
                rule.periods
                    .iter()
                    .filter_map(|k| period_keys.iter().position(|x| x == k))
                    .collect()
            };
            shares.push(Share {
                rule: i,
                anchor,
                numerator,
                denominator,
                periods: periods_idx,
            });
        }
        for (i, rule) in rules.ratios_to_stock.iter().enumerate() {
            if rule.indicator != ind.code || !rule.applies_to(cat) {
                continue;
            }
            let s = split_keys.iter().position(|k| k == &rule.split);
            let p = period_keys.iter().position(|k| k == &rule.period);
            if let (Some(s), Some(p)) = (s, p) {
                ratios.push(Ratio { rule: i, s, p });
            }
        }
    }

    Grid {
        shape,
        numeric,
        additive,
        required,
        whole_of,
        parts_of,
        total_of,
        members_of,
        next_cum,
        prev_cum,
        years_upto,
        cums_of_year,
        epci_dept,
        dept_epcis,
        shares,
        part_shares,
        ratios,
    }
}
