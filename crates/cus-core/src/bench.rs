//! The largest realistic convention, for benchmarks (`examples/bench.rs`) and load tests: every
//! département, 400 EPCI, every indicator of the catalogue retained (optional ones too) with the
//! EPCI detail wherever the catalogue allows it, and every cell filled with plausible values that
//! satisfy every rule (parts within their whole, members adding up to their total, cumulatives
//! not decreasing and equal to the sum of the years, EPCI within their département, shares and
//! ratios to the stock within the plausibility thresholds of `data/rules/`).
//!
//! Deterministic: a small linear congruential generator, no `rand` dependency.

use std::collections::{BTreeMap, HashMap};

use crate::catalogue::{Catalogue, Indicator, Level, Period, ValueKind};
use crate::convention::{
    is_additive, splits, Cell, Convention, IndicatorSegmentation, Segment, SplitKey, TerritoryKey,
    Value,
};
use crate::geo::Referential;
use crate::ruledata::RuleSet;

/// Number of EPCI of [`largest_convention`].
pub const EPCI_COUNT: usize = 400;

/// Knuth's MMIX linear congruential generator.
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.next_u32() % (hi - lo + 1)
    }
}

/// Where the values of a period come from: independent draws ("slots") accumulated.
#[derive(Clone, Copy)]
enum Slot {
    Reference,
    Year(u8),
    /// Step k of the cumulative values of an indicator without yearly values.
    Step(usize),
}

fn slots(ind: &Indicator) -> Vec<Slot> {
    let mut out = Vec::new();
    if ind.periods.reference {
        out.push(Slot::Reference);
    }
    if ind.periods.yearly {
        out.extend((1..=crate::catalogue::CONVENTION_YEARS).map(Slot::Year));
    } else {
        out.extend((0..ind.periods.cumulative.len()).map(Slot::Step));
    }
    out
}

/// Which slots (by position in `slots`) add up to a period.
fn slots_of(ind: &Indicator, slots: &[Slot], period: Period) -> Vec<usize> {
    slots
        .iter()
        .enumerate()
        .filter(|(_, s)| match (period, **s) {
            (Period::Reference, Slot::Reference) => true,
            (Period::Year(y), Slot::Year(x)) => x == y,
            (Period::Cumulative(n), Slot::Year(x)) => x <= n,
            (Period::Cumulative(n), Slot::Step(k)) => ind
                .periods
                .cumulative
                .iter()
                .position(|&c| c == n)
                .is_some_and(|i| k <= i),
            _ => false,
        })
        .map(|(i, _)| i)
        .collect()
}

/// Draws of one unit (a territory's own share) of a count: for each leaf (every breakdown at a
/// member) and slot, the value and the value of each part.
type Unit = HashMap<Vec<Option<String>>, Vec<(f64, Vec<f64>)>>;

fn leaves(ind: &Indicator) -> Vec<Vec<Option<String>>> {
    splits(ind)
        .into_iter()
        .filter(|s| s.part.is_none() && s.members.iter().all(Option::is_some))
        .map(|s| s.members)
        .collect()
}

fn draw_unit(ind: &Indicator, rules: &RuleSet, cat: &Catalogue, scale: u32, rng: &mut Lcg) -> Unit {
    let n_slots = slots(ind).len();
    let n_parts = ind.splits.parts.len();
    let mut unit: Unit = HashMap::new();
    let leaves = leaves(ind);
    for leaf in &leaves {
        let draws = (0..n_slots)
            .map(|_| {
                let v = f64::from(rng.range(0, scale));
                let parts = (0..n_parts)
                    .map(|_| (v * f64::from(rng.range(50, 100)) / 100.0).floor())
                    .collect();
                (v, parts)
            })
            .collect();
        unit.insert(leaf.clone(), draws);
    }
    // Shares within the plausibility range: numerator = k × (rest of the denominator), k at the
    // middle of the range, slot by slot (sums of shares in range stay in range).
    for rule in rules
        .member_shares
        .iter()
        .filter(|r| r.indicator == ind.code && r.applies_to(cat))
    {
        let Some(b) = ind.breakdown_index(&rule.breakdown) else {
            continue;
        };
        let mid = (rule.min_percent + rule.max_percent) / 2.0;
        let k = mid / (100.0 - mid) / rule.numerator.len() as f64;
        let rest: Vec<&String> = rule
            .denominator
            .iter()
            .filter(|m| !rule.numerator.contains(m))
            .collect();
        for leaf in leaves
            .iter()
            .filter(|l| rule.numerator.contains(l[b].as_ref().unwrap()))
        {
            for slot in 0..n_slots {
                let others: f64 = rest
                    .iter()
                    .filter_map(|m| {
                        let mut o = leaf.clone();
                        o[b] = Some((*m).clone());
                        unit.get(&o).map(|d| d[slot].0)
                    })
                    .sum();
                let v = (others * k).round();
                let parts = (0..n_parts)
                    .map(|_| (v * f64::from(rng.range(50, 100)) / 100.0).floor())
                    .collect();
                if let Some(d) = unit.get_mut(leaf) {
                    d[slot] = (v, parts);
                }
            }
        }
    }
    unit
}

/// Value of a count for one split and period, from the units of a row.
fn count_value(ind: &Indicator, units: &[&Unit], split: &SplitKey, period: Period) -> f64 {
    let slots = slots(ind);
    let which = slots_of(ind, &slots, period);
    let part = split
        .part
        .as_ref()
        .and_then(|p| ind.splits.parts.iter().position(|x| &x.id == p));
    let mut sum = 0.0;
    for unit in units {
        for (leaf, draws) in unit.iter() {
            let matches = leaf
                .iter()
                .zip(&split.members)
                .all(|(l, m)| m.is_none() || m == l);
            if !matches {
                continue;
            }
            for &i in &which {
                sum += match part {
                    Some(p) => draws[i].1[p],
                    None => draws[i].0,
                };
            }
        }
    }
    sum
}

/// Value of a non-additive numeric indicator: independent per row; cumulatives grow by steps that
/// keep them within the bounds; a part is a fraction of its whole.
fn other_value(
    ind: &Indicator,
    draws: &[f64],
    fraction: f64,
    split: &SplitKey,
    period: Period,
) -> f64 {
    let slots = slots(ind);
    let v: f64 = slots_of(ind, &slots, period)
        .iter()
        .map(|&i| draws[i])
        .sum();
    let v = if split.part.is_some() {
        v * fraction
    } else {
        v
    };
    (v * 10.0).floor() / 10.0
}

fn draw_other(ind: &Indicator, rng: &mut Lcg) -> Vec<f64> {
    let steps = ind.periods.cumulative.len().max(1) as u32;
    slots(ind)
        .iter()
        .map(|_| match &ind.value {
            ValueKind::Pourcentage { .. } => f64::from(rng.range(0, 1000 / steps)) / 10.0,
            ValueKind::Montant { .. } => f64::from(rng.range(10_000, 13_000)) / 10.0,
            ValueKind::Duree { .. } => f64::from(rng.range(1, 24)),
            _ => {
                let max = ind
                    .bounds()
                    .and_then(|b| b.max)
                    .map_or(50, |m| (m.max(0.0) as u32) / steps);
                f64::from(rng.range(0, max))
            }
        })
        .collect()
}

/// Levels retained for an indicator: its default level, with the EPCI detail (or any finer
/// level the prefect may ask for) wherever the catalogue allows it, coarsest first.
fn levels_for(ind: &Indicator) -> Vec<Level> {
    let Some(&first) = ind.levels.allowed.first() else {
        return Vec::new();
    };
    let mut levels = vec![first];
    for &l in ind
        .levels
        .allowed
        .iter()
        .skip(1)
        .chain(&ind.levels.prefect_request)
    {
        if l == Level::Epci && !levels.contains(&l) {
            levels.push(l);
        }
    }
    for &l in &ind.levels.prefect_request {
        if !levels.contains(&l) {
            levels.push(l);
        }
    }
    levels.sort();
    levels
}

/// The largest convention: every département of `geo`, [`EPCI_COUNT`] EPCI spread over the
/// referential, every indicator retained, every cell filled, stock given for every territory.
pub fn largest_convention(cat: &Catalogue, geo: &Referential) -> Convention {
    let rules = RuleSet::embedded();
    let mut rng = Lcg::new(0x00C0_FFEE);
    let mut conv = Convention {
        name: "Convention de charge (la plus grande)".into(),
        signing_year: Some(i32::from(geo.vintage.year)),
        geo_vintage: Some(geo.vintage.year),
        departements: geo.departements.iter().map(|d| d.code.clone()).collect(),
        ..Default::default()
    };
    // A complete organism (fictional SIREN with a valid key), so that only values are checked.
    conv.organisme = crate::organisme::Organisme {
        raison_sociale: "Organisme de charge (fictif)".into(),
        siren: "959620808".into(),
        kind: Some(crate::organisme::OrganismeKind::Esh),
        siege_departement: conv.departements.first().cloned(),
    };
    conv.catalogue.id = cat.id.clone();
    conv.catalogue.version = cat.version.clone();
    let n = geo.epci.len();
    let count = EPCI_COUNT.min(n);
    conv.epci = (0..count)
        .map(|i| geo.epci[i * n / count].siren.clone())
        .collect();
    if cat
        .indicators
        .iter()
        .any(|i| i.levels.allowed.contains(&Level::Segment))
    {
        conv.segments = conv
            .departements
            .iter()
            .map(|d| Segment {
                id: format!("S{d}"),
                name: format!("Patrimoine du {d}"),
                departement: d.clone(),
                ..Default::default()
            })
            .collect();
    }
    for ind in &cat.indicators {
        conv.segmentation.insert(
            ind.code.clone(),
            IndicatorSegmentation {
                levels: levels_for(ind),
                rows: None,
            },
        );
    }

    // The unit of each indicator whose text leaves it open: the first one offered; the values
    // are then drawn for the catalogue as the convention applies it.
    for ind in cat.indicators.iter().filter(|i| !i.unit_choices.is_empty()) {
        conv.units
            .insert(ind.code.clone(), ind.unit_choices[0].clone());
    }
    let view = conv.view(cat);
    let cat = &*view;
    let mut values = BTreeMap::new();
    let mut stock_needed: BTreeMap<String, f64> = BTreeMap::new();
    for ind in &cat.indicators {
        let rows = conv.rows(ind, Some(geo));
        let split_list = splits(ind);
        let periods = ind.periods.periods();
        let mut put = |row: &TerritoryKey, split: &SplitKey, period: Period, v: Value| {
            let c = Cell {
                indicator: ind.code.clone(),
                territory: row.clone(),
                split: split.clone(),
                period,
            };
            values.insert(c.key(), v);
        };
        if is_additive(ind) {
            // Units: one per row (its own share); a département adds the EPCI lying only in it.
            let units: Vec<Unit> = rows
                .iter()
                .map(|r| {
                    let scale = if r.level() == Level::Epci { 12 } else { 30 };
                    draw_unit(ind, rules, cat, scale, &mut rng)
                })
                .collect();
            let mut inside: HashMap<usize, Vec<usize>> = HashMap::new();
            for (i, r) in rows.iter().enumerate() {
                let TerritoryKey::Epci(e) = r else { continue };
                let Some([d]) = geo.epci(e).map(|x| x.departements.as_slice()) else {
                    continue;
                };
                if let Some(di) = rows
                    .iter()
                    .position(|x| *x == TerritoryKey::Departement(d.clone()))
                {
                    inside.entry(di).or_default().push(i);
                }
            }
            for (i, row) in rows.iter().enumerate() {
                let mut mine: Vec<&Unit> = vec![&units[i]];
                mine.extend(inside.get(&i).into_iter().flatten().map(|&j| &units[j]));
                for split in &split_list {
                    for &period in &periods {
                        let v = count_value(ind, &mine, split, period);
                        put(row, split, period, Value::Number(v));
                    }
                }
                for rule in rules
                    .ratios_to_stock
                    .iter()
                    .filter(|r| r.indicator == ind.code && r.applies_to(cat))
                {
                    let split = SplitKey::parse_key(&rule.split);
                    let period = crate::convention::parse_period_key(&rule.period);
                    if let (Some(split), Some(period)) = (split, period) {
                        let v = count_value(ind, &mine, &split, period);
                        let need = (v * 100.0 / rule.max_percent * 2.0).ceil();
                        let e = stock_needed.entry(row.to_string()).or_insert(0.0);
                        *e = e.max(need);
                    }
                }
            }
        } else {
            for row in &rows {
                match &ind.value {
                    ValueKind::OuiNon => {
                        for split in &split_list {
                            for &period in &periods {
                                put(row, split, period, Value::Bool(true));
                            }
                        }
                    }
                    ValueKind::Texte => {
                        for split in &split_list {
                            for &period in &periods {
                                put(
                                    row,
                                    split,
                                    period,
                                    Value::Text(format!("Engagement {} rédigé.", ind.code)),
                                );
                            }
                        }
                    }
                    _ => {
                        // Breakdown members and totals drawn alike (no sum rule here); a part is a
                        // fraction of its whole.
                        let mut drawn: HashMap<Vec<Option<String>>, (Vec<f64>, f64)> =
                            HashMap::new();
                        for split in &split_list {
                            let (draws, fraction) =
                                drawn.entry(split.members.clone()).or_insert_with(|| {
                                    let d = draw_other(ind, &mut rng);
                                    (d, f64::from(rng.range(50, 100)) / 100.0)
                                });
                            for &period in &periods {
                                let mut v = other_value(ind, draws, *fraction, split, period);
                                // A commitment at least at the minimum the law sets (data:
                                // `floors`), as a valid convention has it.
                                for f in rules.floors_of(cat, &ind.code) {
                                    if f.applies_at(split, *split == split_list[0], period) {
                                        v = v.max(f.min);
                                    }
                                }
                                put(row, split, period, Value::Number(v));
                            }
                        }
                    }
                }
            }
        }
    }
    conv.values = values.into_iter().collect();
    for row in conv
        .departements
        .iter()
        .map(|d| TerritoryKey::Departement(d.clone()))
        .chain(conv.epci.iter().map(|e| TerritoryKey::Epci(e.clone())))
    {
        let k = row.to_string();
        let base = f64::from(rng.range(2_000, 60_000));
        let need = stock_needed.get(&k).copied().unwrap_or(0.0);
        conv.stock.insert(k, base.max(need));
    }
    // A département holds at least the stock of the EPCI lying wholly in it.
    for d in &conv.departements {
        let inside: f64 = conv
            .epci
            .iter()
            .filter(|e| {
                geo.epci(e)
                    .is_some_and(|x| x.departements.len() == 1 && x.departements[0] == *d)
            })
            .filter_map(|e| conv.stock.get(&TerritoryKey::Epci(e.clone()).to_string()))
            .sum();
        if let Some(v) = conv
            .stock
            .get_mut(&TerritoryKey::Departement(d.clone()).to_string())
        {
            *v = v.max(inside + 1_000.0);
        }
    }
    conv
}

/// Median wall time of `runs` calls of `f` (at least one), for the native benchmark examples.
#[cfg(not(target_arch = "wasm32"))]
pub fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> std::time::Duration {
    let mut times: Vec<std::time::Duration> = (0..runs.max(1))
        .map(|_| {
            let t = std::time::Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcg_is_deterministic() {
        let mut a = Lcg::new(1);
        let mut b = Lcg::new(1);
        for _ in 0..100 {
            let x = a.range(3, 9);
            assert_eq!(x, b.range(3, 9));
            assert!((3..=9).contains(&x));
        }
    }
}
