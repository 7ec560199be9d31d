//! The regional synthesis a DREAL or a DDT-M writes for the préfet, from the files: the figures
//! and the key sentences of a comité régional de l'habitat's note (the Nord-Pas-de-Calais
//! compilation of 3 October 2012 is the bar), as one [`Report`] that every output renders.
//!
//! - New supply, per indicator the rule data gives a PLAI share to: the six-year total and its
//!   yearly average, as a share of the organisms' parc; per financing and against the previous
//!   period; the ranges across organisms (development in % of the parc, PLAI share); the levels
//!   committed at; each sub-territory's share now and in the previous period; the yearly path.
//! - The other indicators the synthesis data lists (`data/rules/synthese.json`: sales,
//!   renovation, accessibility, management cost), read as the data says (a yearly flow, a
//!   running cumulative, or a per-organism figure never added).
//! - The commitments missed, by organism and indicator, when evaluations were transmitted.
//!
//! The previous period is the user's figures ([`PreviousFigure`], labelled as entered) where the
//! conventions carry none (1st generation), else the conventions' « Référence », shown beside
//! the commitments but never turned into an evolution: the texts do not say how many years a
//! reference covers.

use std::sync::OnceLock;

use serde::Deserialize;

use super::compilation::Compilation;
use super::review::Review;
use super::totals::{Consolidated, ConsolidatedTable};
use super::{territory_label, Aligned, Column, Extract, PreviousFigure, Source};
use crate::catalogue::CONVENTION_YEARS;
use crate::convention::TerritoryKey;
use crate::geo::Referential;
use crate::numfmt::format_fr;
use crate::report::{Cell, Chart, Missing, Report, Section, Table};

const SYNTHESIS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/rules/synthese.json"
));

/// How the synthesis reads an indicator (data).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reading {
    /// A yearly flow (sales, renovations): yearly totals, their average, per-organism yearly
    /// average in % of the parc.
    Annuel,
    /// A running cumulative (dwellings put on sale): the cumulative at each date, per-organism
    /// cumulative at the horizon in % of the parc.
    Cumul,
    /// A figure per organism never added (a cost per dwelling, a percentage): its range.
    Organisme,
}

/// One indicator of the synthesis (data).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesisIndicator {
    /// Catalogue ids the entry applies to.
    pub catalogues: Vec<String>,
    pub code: String,
    pub reading: Reading,
    /// What is counted, in the plural, for the sentences (« logements mis en commercialisation »).
    pub noun: String,
    /// Why the synthesis reads it so (a source, a practice).
    pub note: String,
}

/// The synthesis data (`data/rules/synthese.json`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesisData {
    pub notes: Vec<String>,
    pub indicators: Vec<SynthesisIndicator>,
}

impl SynthesisData {
    pub fn embedded() -> &'static SynthesisData {
        static DATA: OnceLock<SynthesisData> = OnceLock::new();
        DATA.get_or_init(|| {
            serde_json::from_str(SYNTHESIS_JSON).unwrap_or(SynthesisData {
                notes: Vec::new(),
                indicators: Vec::new(),
            })
        })
    }

    /// The entry for an indicator of this catalogue.
    pub fn entry(&self, catalogue: &str, code: &str) -> Option<&SynthesisIndicator> {
        self.indicators
            .iter()
            .find(|i| i.code == code && i.catalogues.iter().any(|c| c == catalogue))
    }
}

/// The parse error of the embedded data, if any (checked by a test).
pub fn embedded_data_error() -> Option<String> {
    serde_json::from_str::<SynthesisData>(SYNTHESIS_JSON)
        .err()
        .map(|e| e.to_string())
}

/// What the synthesis is built from.
pub struct SynthesisInput<'a> {
    pub extract: &'a Extract,
    pub consolidated: &'a Consolidated,
    pub compilation: &'a [Compilation],
    pub sources: &'a [Source<'a>],
    pub geo: &'a Referential,
    pub previous: &'a [PreviousFigure],
    pub review: Option<&'a Review>,
    /// The scenario applied, by name (`None`: the files as they are).
    pub scenario: Option<&'a str>,
}

/// The regional synthesis.
pub fn synthesis(input: &SynthesisInput<'_>) -> Report {
    let mut sections = Vec::new();
    for c in input.compilation {
        if let Some(s) = new_supply(input, c) {
            sections.push(s);
        }
    }
    let data = SynthesisData::embedded();
    for (g, cg) in input.extract.groups.iter().zip(&input.consolidated.groups) {
        for (t, ct) in g.tables.iter().zip(&cg.tables) {
            let Some(cat) = g.sources.first().map(|&i| input.sources[i].cat) else {
                continue;
            };
            if let Some(entry) = data.entry(&cat.id, &t.code) {
                sections.push(indicator_section(input, ct, &cg.label, entry));
            }
        }
    }
    if let Some(r) = input.review {
        if let Some(s) = missed_section(r, input.sources) {
            sections.push(s);
        }
    }
    sections.push(method_section(input));
    let mut context = vec![format!("Territoire : {}", input.extract.territory_label)];
    let organisms = distinct_organisms(input.sources);
    context.push(format!(
        "{} fichier{} de CUS, {} organisme{}",
        input.sources.len(),
        s(input.sources.len()),
        organisms,
        s(organisms)
    ));
    context.push(match input.scenario {
        Some(n) => format!("Scénario appliqué : « {n} » (les fichiers ne sont pas modifiés)"),
        None => "Chiffres des fichiers, sans scénario".to_string(),
    });
    Report {
        title: format!(
            "Synthèse régionale des CUS — {}",
            input.extract.territory_label
        ),
        context,
        sections,
    }
}

fn distinct_organisms(sources: &[Source<'_>]) -> usize {
    let mut ids: Vec<String> = sources.iter().map(Source::label).collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

fn s(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// A count in a sentence (« 32 480 »).
fn n0(v: f64) -> String {
    format_fr(v, 0)
}

/// A percentage in a sentence, as a note writes it: no decimal from 10 %, one from 1 %, two
/// below (« 42 % », « 9,8 % », « 0,08 % »).
fn pct(v: f64) -> String {
    let d = if v.abs() >= 10.0 {
        0
    } else if v.abs() >= 1.0 {
        1
    } else {
        2
    };
    format!("{} %", format_fr(v, d))
}

/// « supérieur de 90 % » / « inférieur de 4 % » / « égal ».
fn evolution_fr(e: f64, masc: bool) -> String {
    let (up, down, same) = if masc {
        ("supérieur", "inférieur", "égal")
    } else {
        ("supérieure", "inférieure", "égale")
    };
    if e.abs() < 0.5 {
        format!("{same} (à moins de 0,5 % près)")
    } else if e > 0.0 {
        format!("{up} de {}", pct(e))
    } else {
        format!("{down} de {}", pct(-e))
    }
}

/// « entre 6 % et 42 % », or « 10 % » when both ends read the same.
fn span(a: f64, z: f64) -> String {
    if pct(a) == pct(z) {
        pct(a)
    } else {
        format!("entre {} et {}", pct(a), pct(z))
    }
}

/// A split key as the tables name it (« Total », « Valeur », « PLAI », « PLAI, dont hors-qpv »).
fn split_fr(key: &str) -> String {
    capitalise(&key.replace('/', ", dont "))
}

/// « en hausse de 90 % » / « en baisse de 80 % » / « stable ».
fn change_fr(e: f64) -> String {
    if e.abs() < 0.5 {
        "stable (à moins de 0,5 % près)".into()
    } else if e > 0.0 {
        format!("en hausse de {}", pct(e))
    } else {
        format!("en baisse de {}", pct(-e))
    }
}

/// The round figure a note writes « plus de » before: the largest 1, 2 or 5 × 10ⁿ at most `v`
/// (1 047 → 1 000, 2 480 → 2 000, 64 → 50).
fn nice_floor(v: f64) -> f64 {
    let p = 10f64.powi(v.log10().floor() as i32);
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|k| k * p)
        .find(|x| *x <= v)
        .unwrap_or(p)
}

/// « Nord » from « 59 — Nord ».
fn short_name(label: &str) -> &str {
    label.rsplit(" — ").next().unwrap_or(label)
}

/// The organisms' parc on the territory: the figure given for the territory itself, else the
/// sum of the départements of it the organism gives (`None`: not given).
fn parc_on(source: &Source<'_>, territory: &TerritoryKey, geo: &Referential) -> Option<f64> {
    let stock = &source.conv.stock;
    if let Some(v) = stock.get(&territory.to_string()) {
        return Some(*v);
    }
    let deps: Vec<f64> = stock
        .iter()
        .filter_map(|(k, v)| match k.parse::<TerritoryKey>().ok()? {
            TerritoryKey::Departement(d) => {
                let inside = match territory {
                    TerritoryKey::Region(r) => geo.departement(&d).is_some_and(|x| &x.region == r),
                    TerritoryKey::Departement(x) => *x == d,
                    _ => false,
                };
                inside.then_some(*v)
            }
            _ => None,
        })
        .collect();
    (!deps.is_empty()).then(|| deps.iter().sum())
}

/// The columns of the whole split (no member, no part) of `ct` that cover six years: every
/// six-year window (one per first year), else every calendar year.
pub(super) fn six_year_columns(
    ct: &ConsolidatedTable,
    is_split: &dyn Fn(&Column) -> bool,
) -> Vec<usize> {
    let six = i32::from(CONVENTION_YEARS) - 1;
    let cum: Vec<usize> = ct
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.aligned, Aligned::Window(a, b) if b - a == six) && is_split(c))
        .map(|(i, _)| i)
        .collect();
    if !cum.is_empty() {
        return cum;
    }
    ct.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.aligned, Aligned::Year(_)) && is_split(c))
        .map(|(i, _)| i)
        .collect()
}

pub(super) fn whole(c: &Column) -> bool {
    c.split.part.is_none() && c.split.members.iter().all(Option::is_none)
}

pub(super) fn member_of(b: usize, m: &str) -> impl Fn(&Column) -> bool + '_ {
    move |c: &Column| {
        c.split.part.is_none()
            && c.split.members.iter().enumerate().all(|(i, x)| {
                if i == b {
                    x.as_deref() == Some(m)
                } else {
                    x.is_none()
                }
            })
    }
}

fn sum_totals(ct: &ConsolidatedTable, cols: &[usize]) -> Option<f64> {
    let v: Vec<f64> = cols.iter().filter_map(|&c| ct.totals[c].value()).collect();
    (!v.is_empty()).then(|| v.iter().sum())
}

/// Yearly totals of the whole split, by calendar year.
fn yearly(ct: &ConsolidatedTable, is_split: &dyn Fn(&Column) -> bool) -> Vec<(i32, Option<f64>)> {
    let mut out: Vec<(i32, Option<f64>)> = ct
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| match c.aligned {
            Aligned::Year(y) if is_split(c) => Some((y, ct.totals[i].value())),
            _ => None,
        })
        .collect();
    out.sort_by_key(|x| x.0);
    out
}

/// The sum of the conventions' « Référence » of the whole split (`None`: none given).
fn ref_total_of(ct: &ConsolidatedTable) -> Option<f64> {
    ref_sum(ct, &whole)
}

/// « 2019 et 2020 » when the organisms' conventions began in different years (their references
/// are then of different dates), else `None`.
fn reference_years_fr(ct: &ConsolidatedTable) -> Option<String> {
    let mut years: Vec<i32> = ct
        .rows
        .iter()
        .filter(|r| !r.hypothetical)
        .filter_map(|r| r.first_year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let list: Vec<String> = years.iter().map(i32::to_string).collect();
    (list.len() > 1).then(|| crate::text::join_fr(&list))
}

/// The sum of the conventions' « Référence » of one split (`None`: none given).
fn ref_sum(ct: &ConsolidatedTable, is_split: &dyn Fn(&Column) -> bool) -> Option<f64> {
    let cols: Vec<usize> = ct
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.aligned == Aligned::Reference && is_split(c))
        .map(|(i, _)| i)
        .collect();
    sum_totals(ct, &cols)
}

/// The chart of the yearly totals (its figures are the table `annees`).
fn yearly_chart(code: &str, unit: &str, years: &[(i32, Option<f64>)]) -> Chart {
    Chart {
        id: "annees-graphique".into(),
        caption: format!("{code} : total par année ({unit})"),
        unit: unit.to_string(),
        bars: years
            .iter()
            .map(|(y, v)| (y.to_string(), v.unwrap_or(0.0)))
            .collect(),
        table: "annees".into(),
    }
}

/// The previous period's figures of one indicator.
struct Previous<'a> {
    figures: Vec<&'a PreviousFigure>,
}

impl<'a> Previous<'a> {
    fn of(all: &'a [PreviousFigure], code: &str) -> Previous<'a> {
        Previous {
            figures: all.iter().filter(|p| p.indicator == code).collect(),
        }
    }

    /// The period of the figures (the most frequent), « 2005–2010 », and its years.
    fn period(&self) -> Option<(String, i32)> {
        let mut counts: Vec<(String, usize, i32)> = Vec::new();
        for p in &self.figures {
            let Some(y) = p.years() else { continue };
            match counts.iter_mut().find(|c| c.0 == p.period_fr()) {
                Some(c) => c.1 += 1,
                None => counts.push((p.period_fr(), 1, y)),
            }
        }
        counts.sort_by_key(|c| std::cmp::Reverse(c.1));
        counts.into_iter().next().map(|(l, _, y)| (l, y))
    }

    fn value(
        &self,
        split: &[&str],
        territory: Option<&TerritoryKey>,
        organism: Option<&str>,
    ) -> Option<f64> {
        let period = self.period()?.0;
        self.figures
            .iter()
            .find(|p| {
                split.contains(&p.split.as_str())
                    && p.territory.as_ref() == territory
                    && p.organism.as_deref() == organism
                    && p.period_fr() == period
            })
            .map(|p| p.value)
    }

    fn sub_territories(&self) -> Vec<(&'a TerritoryKey, f64)> {
        let Some((period, _)) = self.period() else {
            return Vec::new();
        };
        self.figures
            .iter()
            .filter(|p| {
                p.organism.is_none()
                    && (p.split == "total" || p.split == "valeur")
                    && p.period_fr() == period
            })
            .filter_map(|p| p.territory.as_ref().map(|t| (t, p.value)))
            .collect()
    }
}

/// The new-supply section of one compilation.
fn new_supply(input: &SynthesisInput<'_>, c: &Compilation) -> Option<Section> {
    let (gi, ti) = find_table(input, &c.group, &c.code)?;
    let g = &input.extract.groups[gi];
    let t = &g.tables[ti];
    let ct = &input.consolidated.groups[gi].tables[ti];
    let src = g.sources.first().map(|&i| &input.sources[i])?;
    let rule = crate::calc::plai_share_rule(src.cat, &t.code)?;
    let ind = src.cat.indicator(&t.code)?;
    let b = ind.breakdown_index(&rule.breakdown)?;
    let members: Vec<String> = ind
        .splits
        .breakdowns
        .get(b)
        .map(|bd| bd.members.iter().map(|m| m.code.clone()).collect())
        .unwrap_or_default();
    let unit = &c.unit_fr;
    let territory = &input.extract.territory;
    let total_cols = six_year_columns(ct, &whole);
    let total = c.total;
    // « la période 2011–2016 » for one window; conventions signed in different years each have
    // their own six years (« les six ans de chaque convention (2019–2024 et 2020–2025) »).
    let (over, period) = match c.period_label.strip_prefix("Cumul ") {
        Some(p) => (format!("la période {p}"), p.to_string()),
        None => match c.period_label.strip_prefix("Six ans de chaque convention ") {
            Some(p) => (
                format!(
                    "les six ans de chaque convention {}",
                    p.replace("Cumul ", "")
                ),
                "sur six ans".to_string(),
            ),
            None => (c.period_label.to_lowercase(), "sur six ans".to_string()),
        },
    };
    let prev = Previous::of(input.previous, &c.code);
    let prev_period = prev.period();
    let prev_label = prev_period
        .as_ref()
        .map(|(p, _)| format!("Période {p} (chiffres saisis)"));
    // Organisms: parc, total, development, PLAI share.
    struct Org {
        label: String,
        siren: String,
        parc: Option<f64>,
        total: Option<f64>,
        num: Option<f64>,
        den: Option<f64>,
        epci: bool,
        at_level: bool,
    }
    let member_cols = |ms: &[String]| -> Vec<usize> {
        ms.iter()
            .flat_map(|m| six_year_columns(ct, &member_of(b, m)))
            .collect()
    };
    let num_cols = member_cols(&rule.numerator);
    let den_cols = member_cols(&rule.denominator);
    let row_sum = |vals: &[Option<f64>], cols: &[usize]| -> Option<f64> {
        let v: Vec<f64> = cols.iter().filter_map(|&c| vals[c]).collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    let mut orgs: Vec<Org> = Vec::new();
    for r in ct.rows.iter().filter(|r| !r.hypothetical) {
        let Some(si) = input.sources.iter().position(|x| x.id == r.id) else {
            continue;
        };
        let source = &input.sources[si];
        let epci = t
            .rows
            .iter()
            .filter(|x| x.source == si)
            .any(|x| x.levels.contains(&crate::catalogue::Level::Epci));
        let add = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        let (tot, num, den) = (
            row_sum(&r.values, &total_cols),
            row_sum(&r.values, &num_cols),
            row_sum(&r.values, &den_cols),
        );
        match orgs.iter_mut().find(|o| o.label == r.label) {
            Some(o) => {
                o.total = add(o.total, tot);
                o.num = add(o.num, num);
                o.den = add(o.den, den);
                o.epci |= epci;
            }
            None => orgs.push(Org {
                label: r.label.clone(),
                siren: source.conv.organisme.siren.clone(),
                parc: parc_on(source, territory, input.geo),
                total: tot,
                num,
                den,
                epci,
                at_level: true,
            }),
        }
    }
    for r in &ct.unventilated {
        if !orgs.iter().any(|o| o.label == r.label) {
            orgs.push(Org {
                label: r.label.clone(),
                siren: String::new(),
                parc: None,
                total: None,
                num: None,
                den: None,
                epci: false,
                at_level: false,
            });
        }
    }
    let with_parc: Vec<&Org> = orgs
        .iter()
        .filter(|o| o.at_level && o.parc.is_some_and(|p| p > 0.0) && o.total.is_some())
        .collect();
    let parc: f64 = with_parc.iter().filter_map(|o| o.parc).sum();
    let supply_with_parc: f64 = with_parc.iter().filter_map(|o| o.total).sum();
    let effort = (parc > 0.0).then(|| supply_with_parc / parc * 100.0);
    let dev: Vec<f64> = with_parc
        .iter()
        .map(|o| o.total.unwrap_or(0.0) / o.parc.unwrap_or(1.0) * 100.0)
        .collect();
    let shares: Vec<f64> = orgs
        .iter()
        .filter_map(|o| match (o.num, o.den) {
            (Some(n), Some(d)) if d > 0.0 => Some(n / d * 100.0),
            _ => None,
        })
        .collect();
    let range = |v: &[f64]| -> Option<(f64, f64)> {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (!v.is_empty()).then_some((min, max))
    };

    let mut sec = Section::new(
        &format!("offre-{}", slug(&c.code)),
        &format!("Compilation {}", c.code),
        format!("Offre nouvelle — {} {} ({})", c.code, c.label, c.group),
    );
    sec.intro = format!(
        "{} sur {}, d'après les fichiers des organismes ; la période précédente, quand elle est donnée, est {}.",
        c.label,
        input.extract.territory_label,
        if prev_period.is_some() {
            "saisie par l'utilisateur (chiffres de l'État), et signalée comme telle"
        } else {
            "absente (aucun chiffre saisi)"
        }
    );

    // Sentences.
    if let Some(tot) = total {
        let mut s1 = format!(
            "{} {} pourraient ainsi être {} sur {}, soit une moyenne annuelle de {} {}",
            n0(tot),
            unit,
            participle(&c.label),
            over,
            n0(tot / 6.0),
            unit
        );
        if let Some(e) = effort {
            s1.push_str(&format!(
                ", ce qui représente un effort de développement correspondant à {} du parc locatif social des organismes sur le territoire ({} {})",
                pct(e),
                n0(parc),
                unit
            ));
        }
        if c.total_is_estimate {
            s1.push_str(&format!(" ({})", crate::report::ESTIMATE_FR));
        }
        s1.push('.');
        sec.say("offre", s1);
    }
    let prev_total = prev.value(&["total"], None, None).or_else(|| {
        let v: Vec<f64> = members
            .iter()
            .map(|m| prev.value(&[m.as_str()], None, None))
            .collect::<Option<Vec<f64>>>()?;
        Some(v.iter().sum())
    });
    let prev_years = prev_period.as_ref().map(|p| p.1).unwrap_or(6);
    // Evolution of the yearly average (the same as of the totals over periods of equal length).
    let evolution = |now: Option<f64>, before: Option<f64>| -> Option<f64> {
        let (n, b) = (now?, before?);
        let b = b / f64::from(prev_years);
        let n = n / 6.0;
        (b > 0.0).then(|| (n - b) / b * 100.0)
    };
    if let (Some(e), Some((p, _))) = (evolution(total, prev_total), &prev_period) {
        sec.say(
            "evolution",
            format!(
                "Ce niveau de production prévisionnel est {} à la période {p} ({} {unit}, chiffres saisis).",
                evolution_fr(e, true),
                n0(prev_total.unwrap_or(0.0)),
            ),
        );
    }
    if let (None, Some(r)) = (&prev_period, ref_total_of(ct)) {
        sec.say(
            "reference",
            format!(
                "Les conventions donnent une référence de {} {unit} (somme des références des organismes{}) ; les textes ne disent pas combien d'années une référence couvre : aucune évolution n'est calculée sans la période précédente saisie.",
                n0(r),
                reference_years_fr(ct)
                    .map(|y| format!(", prises à des dates différentes : conventions signées en {y}"))
                    .unwrap_or_default()
            ),
        );
    }
    let member_total = |m: &str| sum_totals(ct, &six_year_columns(ct, &member_of(b, m)));
    let mut per_member = Vec::new();
    for m in &members {
        let now = member_total(m);
        let before = prev.value(&[m.as_str()], None, None);
        if let (Some(v), Some(e)) = (now, evolution(now, before)) {
            per_member.push(format!(
                "{m} : {} {unit}, {} par rapport à la période {}",
                n0(v),
                change_fr(e),
                prev_period.as_ref().map(|p| p.0.as_str()).unwrap_or("")
            ));
        }
    }
    if !per_member.is_empty() {
        sec.say(
            "financements",
            format!("Par financement : {}.", per_member.join(" ; ")),
        );
    }
    if let Some((v, _)) = &c.plai_share {
        sec.say(
            "part-plai",
            format!(
                "Les {} représenteraient {} des objectifs {}.",
                rule.numerator.join(" + "),
                pct(*v),
                rule.denominator.join("-")
            ),
        );
    }
    match (range(&dev), range(&shares)) {
        (Some((a, _)), Some((p, _))) if dev.len() == 1 => sec.say(
            "disparites",
            format!(
                "Un seul organisme : un développement représentant {} de son patrimoine actuel, une part de {} de {} des objectifs {}.",
                pct(a),
                rule.numerator.join(" + "),
                pct(p),
                rule.denominator.join("-")
            ),
        ),
        (Some((a, z)), Some((p, q))) => sec.say(
            "disparites",
            format!(
                "Les objectifs diffèrent d'un organisme à l'autre : des perspectives de développement représentant {} de leur patrimoine actuel, une part de {} représentant {} des objectifs {}.",
                span(a, z),
                rule.numerator.join(" + "),
                span(p, q),
                rule.denominator.join("-")
            ),
        ),
        (Some((a, z)), None) => sec.say(
            "disparites",
            format!(
                "Les perspectives de développement des organismes représentent {} de leur patrimoine actuel.",
                span(a, z)
            ),
        ),
        _ => {}
    }
    let at_level: Vec<&Org> = orgs.iter().filter(|o| o.at_level).collect();
    let epci = at_level.iter().filter(|o| o.epci).count();
    let apart = orgs.len() - at_level.len();
    if !orgs.is_empty() {
        let mut m = format!(
            "Déclinaison des objectifs : {} organisme{} au niveau départemental, {}",
            at_level.len(),
            s(at_level.len()),
            match epci {
                0 => "aucun à l'EPCI".to_string(),
                n => format!("dont {n} aussi à l'EPCI"),
            }
        );
        if apart > 0 {
            m.push_str(&format!(
                " ; {apart} organisme{} engagé{} à une maille plus large, non ventilé{}",
                s(apart),
                s(apart),
                s(apart)
            ));
        }
        m.push('.');
        sec.say("mailles", m);
    }
    // Sub-territories now and before.
    let prev_subs = prev.sub_territories();
    let prev_sub_total: f64 = prev_subs.iter().map(|x| x.1).sum();
    let prev_share = |label: &str| -> Option<f64> {
        let v = prev_subs
            .iter()
            .find(|(k, _)| territory_label(k, input.geo) == label)?
            .1;
        (prev_sub_total > 0.0).then(|| v / prev_sub_total * 100.0)
    };
    if let Some(top) = c
        .sub_territories
        .iter()
        .filter(|_| c.sub_territories.len() > 1)
        .max_by(|a, b| a.share.total_cmp(&b.share))
    {
        // (No article before the name: « le Nord », « la Somme », « l'Oise » are not data.)
        let mut m = format!(
            "Premier sous-territoire, {} représente {} du développement prévisionnel {}",
            short_name(&top.label),
            pct(top.share),
            period
        );
        if let (Some(p), Some((pp, _))) = (prev_share(&top.label), &prev_period) {
            m.push_str(&format!(
                " contre {} des réalisations sur la période {pp}",
                pct(p)
            ));
        }
        m.push('.');
        sec.say("sous-territoires", m);
    }

    // Tables.
    let mut cols = vec![
        "Financement".to_string(),
        c.period_label.clone(),
        "Moyenne annuelle".into(),
    ];
    if let Some(l) = &prev_label {
        cols.push(l.clone());
        cols.push("Évolution (moyenne annuelle)".into());
    }
    // The conventions' own « Référence » (2nd generation), summed over the organisms at the
    // territory's level: shown beside, never turned into an evolution.
    let ref_of = |is_split: &dyn Fn(&Column) -> bool| ref_sum(ct, is_split);
    let ref_total = ref_total_of(ct);
    if ref_total.is_some() {
        cols.push("Référence des conventions (somme)".into());
    }
    cols.push(format!("Part des {}", rule.denominator.join("-")));
    let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let mut by_fin = Table::new(
        "financements",
        format!("{} par financement ({unit})", c.code),
        &col_refs,
    );
    let den_total: Option<f64> = {
        let v: Vec<f64> = rule
            .denominator
            .iter()
            .filter_map(|m| member_total(m))
            .collect();
        (!v.is_empty()).then(|| v.iter().sum())
    };
    for m in &members {
        let v = member_total(m);
        let mut cells = vec![Cell::count(v), Cell::count(v.map(|x| x / 6.0))];
        if prev_label.is_some() {
            let before = prev.value(&[m.as_str()], None, None);
            cells.push(Cell::count(before));
            cells.push(Cell::evolution(evolution(v, before)));
        }
        if ref_total.is_some() {
            cells.push(Cell::count(ref_of(&member_of(b, m))));
        }
        cells.push(if rule.denominator.contains(m) {
            Cell::percent(match (v, den_total) {
                (Some(v), Some(d)) if d > 0.0 => Some(v / d * 100.0),
                _ => None,
            })
        } else {
            Cell::missing(Missing::NotApplicable)
        });
        by_fin.row(m.clone(), cells);
    }
    let mut cells = vec![Cell::count(total), Cell::count(total.map(|x| x / 6.0))];
    if prev_label.is_some() {
        cells.push(Cell::count(prev_total));
        cells.push(Cell::evolution(evolution(total, prev_total)));
    }
    if ref_total.is_some() {
        cells.push(Cell::count(ref_total));
    }
    cells.push(Cell::missing(Missing::NotApplicable));
    by_fin.total_row("Total", cells);
    if c.total_is_estimate {
        by_fin
            .notes
            .push(format!("Total : {}.", crate::report::ESTIMATE_FR));
    }
    by_fin
        .notes
        .push(format!("Calcul du total : {}", c.total_formula_fr));
    if let Some(e) = effort {
        by_fin.notes.push(format!(
            "Effort de développement : {} {unit} ÷ {} logements de parc = {} (organismes dont le parc sur le territoire est connu).",
            n0(supply_with_parc),
            n0(parc),
            pct(e)
        ));
    }
    sec.tables.push(by_fin);

    // Yearly path.
    let years = yearly(ct, &whole);
    if !years.is_empty() {
        let mut cols = vec!["Année".to_string()];
        cols.extend(members.iter().cloned());
        cols.push("Total".into());
        let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let mut path = Table::new(
            "annees",
            format!("{} année par année ({unit})", c.code),
            &col_refs,
        );
        let per_member: Vec<Vec<(i32, Option<f64>)>> = members
            .iter()
            .map(|m| yearly(ct, &member_of(b, m)))
            .collect();
        for (y, v) in &years {
            let mut cells: Vec<Cell> = per_member
                .iter()
                .map(|pm| Cell::count(pm.iter().find(|x| x.0 == *y).and_then(|x| x.1)))
                .collect();
            cells.push(Cell::count(*v));
            path.row(y.to_string(), cells);
        }
        sec.charts.push(yearly_chart(&c.code, unit, &years));
        sec.tables.push(path);
    }

    // Sub-territories.
    if !c.sub_territories.is_empty() {
        let mut cols = vec![
            "Sous-territoire".to_string(),
            format!("{} ({unit})", c.period_label),
            "Part du total".into(),
        ];
        if let Some((p, _)) = &prev_period {
            cols.push(format!("Période {p} (saisie)"));
            cols.push(format!("Part {p}"));
        }
        let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let mut subs = Table::new(
            "sous-territoires",
            format!("{} par sous-territoire", c.code),
            &col_refs,
        );
        for st in &c.sub_territories {
            let mut cells = vec![Cell::count(Some(st.value)), Cell::percent(Some(st.share))];
            if prev_period.is_some() {
                let v = prev_subs
                    .iter()
                    .find(|(k, _)| territory_label(k, input.geo) == st.label)
                    .map(|x| x.1);
                cells.push(Cell::count(v));
                cells.push(Cell::percent(prev_share(&st.label)));
            }
            subs.row(st.label.clone(), cells);
        }
        if c.sub_undetailed > 0.0 {
            let mut cells = vec![
                Cell::count(Some(c.sub_undetailed)),
                Cell::missing(Missing::NotApplicable),
            ];
            if prev_period.is_some() {
                cells.push(Cell::missing(Missing::NotApplicable));
                cells.push(Cell::missing(Missing::NotApplicable));
            }
            subs.row("Non détaillé par sous-territoire", cells);
        }
        sec.charts.push(Chart {
            id: "sous-territoires-graphique".into(),
            caption: format!("{} : part de chaque sous-territoire (%)", c.code),
            unit: "%".into(),
            bars: c
                .sub_territories
                .iter()
                .map(|s| (short_name(&s.label).to_string(), s.share))
                .collect(),
            table: "sous-territoires".into(),
        });
        sec.tables.push(subs);
    }
    if !c.epci_sub_territories.is_empty() {
        let mut epcis = Table::new(
            "epci",
            format!(
                "{} dans les EPCI détaillés par au moins un organisme",
                c.code
            ),
            &[
                "EPCI",
                &format!("{} ({unit})", c.period_label),
                "Part du total",
                "Organismes",
            ],
        );
        for e in &c.epci_sub_territories {
            epcis.row(
                e.label.clone(),
                vec![
                    Cell::count(Some(e.value)),
                    Cell::percent(Some(e.share)),
                    Cell::count(Some(e.organisms as f64)),
                ],
            );
        }
        epcis.notes.push("Seuls les organismes qui ont détaillé leurs objectifs par EPCI y figurent : un EPCI n'additionne pas les organismes engagés au seul département.".into());
        sec.tables.push(epcis);
    }

    // Organisms.
    let share_col = format!(
        "Part des {} parmi {}",
        rule.numerator.join(" + "),
        rule.denominator.join(" + ")
    );
    let mut by_org = Table::new(
        "organismes",
        format!("{} par organisme", c.code),
        &[
            "Organisme",
            "Parc sur le territoire",
            &format!("{} ({unit})", c.period_label),
            "Développement / parc",
            &share_col,
            "Maille",
        ],
    );
    for o in &orgs {
        let dev = match (o.total, o.parc) {
            (Some(t), Some(p)) if p > 0.0 => Some(t / p * 100.0),
            _ => None,
        };
        let share = match (o.num, o.den) {
            (Some(n), Some(d)) if d > 0.0 => Some(n / d * 100.0),
            _ => None,
        };
        let level = c
            .levels
            .iter()
            .find(|l| l.organism == o.label)
            .map(|l| {
                if l.at_level {
                    l.levels_fr.clone()
                } else {
                    format!("{} (non ventilé)", l.levels_fr)
                }
            })
            .unwrap_or_default();
        by_org.row(
            o.label.clone(),
            vec![
                Cell::count(o.parc),
                Cell::count(o.total),
                Cell::percent(dev),
                Cell::percent(share),
                Cell::text(level),
            ],
        );
    }
    let prev_orgs: Vec<(&str, f64)> = orgs
        .iter()
        .filter_map(|o| {
            Some((
                o.label.as_str(),
                prev.value(
                    &["total"],
                    None,
                    Some(o.siren.as_str()).filter(|x| !x.is_empty()),
                )?,
            ))
        })
        .collect();
    if !prev_orgs.is_empty() {
        by_org.notes.push(format!(
            "Période précédente saisie pour {} organisme{} : {}.",
            prev_orgs.len(),
            s(prev_orgs.len()),
            prev_orgs
                .iter()
                .map(|(l, v)| format!("{l} {} {unit}", n0(*v)))
                .collect::<Vec<_>>()
                .join(" ; ")
        ));
    }
    let mut bars: Vec<(String, f64)> = orgs
        .iter()
        .filter_map(|o| match (o.num, o.den) {
            (Some(n), Some(d)) if d > 0.0 => Some((o.label.clone(), n / d * 100.0)),
            _ => None,
        })
        .collect();
    bars.sort_by(|a, b| a.1.total_cmp(&b.1));
    if !bars.is_empty() {
        sec.charts.push(Chart {
            id: "part-organismes-graphique".into(),
            caption: format!("{} : {} par organisme (%)", c.code, share_col),
            unit: "%".into(),
            bars,
            table: "organismes".into(),
        });
    }
    sec.tables.push(by_org);

    // Organism × sub-territory.
    if !c.sub_territories.is_empty() && !c.by_organism_sub.is_empty() {
        let subs: Vec<&str> = c.sub_territories.iter().map(|s| s.label.as_str()).collect();
        let undetailed = c.by_organism_sub.iter().any(|o| o.undetailed > 0.0);
        let mut cols: Vec<&str> = vec!["Organisme"];
        cols.extend(subs.iter().copied());
        if undetailed {
            cols.push("Non détaillé");
        }
        cols.push("Total");
        let mut t = Table::new(
            "organismes-sous-territoires",
            format!(
                "{} par organisme et par sous-territoire ({})",
                c.code, c.period_label
            ),
            &cols,
        );
        for o in &c.by_organism_sub {
            let mut cells: Vec<Cell> = subs
                .iter()
                .map(|s| match o.values.iter().find(|(l, _)| l == s) {
                    Some((_, v)) => Cell::count(Some(*v)),
                    None => Cell::missing(Missing::NotApplicable),
                })
                .collect();
            if undetailed {
                cells.push(Cell::count(Some(o.undetailed)));
            }
            cells.push(Cell::count(o.total));
            t.row(o.organism.clone(), cells);
        }
        sec.tables.push(t);
    }
    Some(sec)
}

/// « financés » for dwellings financed, « agréés », « mis en service »…: the past participle
/// the label implies, else « engagés ».
fn participle(label: &str) -> &'static str {
    let l = label.to_lowercase();
    if l.contains("financement") {
        "financés"
    } else if l.contains("agré") {
        "agréés"
    } else if l.contains("mis en service") {
        "mis en service"
    } else {
        "engagés"
    }
}

fn slug(code: &str) -> String {
    code.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn find_table(input: &SynthesisInput<'_>, group: &str, code: &str) -> Option<(usize, usize)> {
    let gi = input
        .consolidated
        .groups
        .iter()
        .position(|g| g.label == group)?;
    let ti = input.consolidated.groups[gi]
        .tables
        .iter()
        .position(|t| t.code == code)?;
    Some((gi, ti))
}

/// The section of an indicator the synthesis data lists.
fn indicator_section(
    input: &SynthesisInput<'_>,
    ct: &ConsolidatedTable,
    group: &str,
    entry: &SynthesisIndicator,
) -> Section {
    let territory = &input.extract.territory;
    let unit = &ct.unit_fr;
    let mut sec = Section::new(
        &format!("indicateur-{}", slug(&ct.code)),
        &format!("Compilation {}", ct.code),
        format!("{} — {} ({group})", ct.code, ct.label),
    );
    sec.intro = entry.note.clone();
    let prev = Previous::of(input.previous, &ct.code);
    let prev_period = prev.period();
    let reading = if ct.additive {
        entry.reading
    } else {
        Reading::Organisme
    };
    // Per organism: parc and figures.
    let cols = six_year_columns(ct, &whole);
    let years = yearly(ct, &whole);
    struct Org {
        label: String,
        parc: Option<f64>,
        total: Option<f64>,
        last: Option<f64>,
    }
    let mut orgs: Vec<Org> = Vec::new();
    // A figure per organism never added (a cost measured for the whole organism): the
    // organisms « non ventilé » at the territory's level count too, it is their own figure.
    let extra: &[super::totals::Row] = if reading == Reading::Organisme {
        &ct.unventilated
    } else {
        &[]
    };
    for r in ct.rows.iter().filter(|r| !r.hypothetical).chain(extra) {
        let Some(si) = input.sources.iter().position(|x| x.id == r.id) else {
            continue;
        };
        let v: Vec<f64> = cols.iter().filter_map(|&c| r.values[c]).collect();
        // The last period of the organism's convention with a value (a level, a percentage).
        let last = (0..ct.columns.len())
            .rev()
            .filter(|&i| whole(&ct.columns[i]) && ct.columns[i].aligned.is_commitment())
            .find_map(|i| r.values[i]);
        match orgs.iter_mut().find(|o| o.label == r.label) {
            Some(o) => {
                o.total = Some(o.total.unwrap_or(0.0) + v.iter().sum::<f64>());
            }
            None => orgs.push(Org {
                label: r.label.clone(),
                parc: parc_on(&input.sources[si], territory, input.geo),
                // A level (no six-year window): the last one reached.
                total: if cols.is_empty() {
                    last
                } else {
                    (!v.is_empty()).then(|| v.iter().sum())
                },
                last,
            }),
        }
    }
    let ratio = |o: &Org| -> Option<f64> {
        let p = o.parc.filter(|p| *p > 0.0)?;
        let t = o.total?;
        Some(match reading {
            Reading::Annuel => t / 6.0 / p * 100.0,
            _ => t / p * 100.0,
        })
    };
    let ratios: Vec<f64> = orgs.iter().filter_map(ratio).collect();
    let range = |v: &[f64]| -> Option<(f64, f64)> {
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (!v.is_empty()).then_some((min, max))
    };
    let noun = &entry.noun;
    match reading {
        Reading::Cumul => {
            // Running cumulative from the yearly totals, else the cumulative columns.
            let mut running = 0.0;
            let path: Vec<(i32, Option<f64>, f64)> = years
                .iter()
                .map(|(y, v)| {
                    running += v.unwrap_or(0.0);
                    (*y, *v, running)
                })
                .collect();
            if let (Some(first), Some(last)) = (path.first(), path.last()) {
                sec.say(
                    "trajectoire",
                    format!(
                        "Le volume prévisionnel de {noun} passerait de {} en {} à {} à fin {} (cumul).",
                        n0(first.2),
                        first.0,
                        n0(last.2),
                        last.0
                    ),
                );
                let mut tab = Table::new(
                    "annees",
                    format!("{} année par année ({unit})", ct.code),
                    &["Année", "Dans l'année", "Cumul"],
                );
                for (y, v, c) in &path {
                    tab.row(y.to_string(), vec![Cell::count(*v), Cell::count(Some(*c))]);
                }
                sec.charts.push(Chart {
                    id: "annees-graphique".into(),
                    caption: format!("{} : cumul à chaque fin d'année ({unit})", ct.code),
                    unit: unit.clone(),
                    bars: path.iter().map(|(y, _, c)| (y.to_string(), *c)).collect(),
                    table: "annees".into(),
                });
                sec.tables.push(tab);
            } else {
                // Cumulatives or levels only (at 3 and 6 years): each convention's figure at the
                // same point of its own calendar (its 3rd, its 6th year), organisms added; two
                // points are never added (a level is never added over years).
                let mut horizons: std::collections::BTreeMap<i32, (f64, Vec<&str>)> =
                    std::collections::BTreeMap::new();
                for r in ct.rows.iter().filter(|r| !r.hypothetical) {
                    for (i, c) in ct.columns.iter().enumerate() {
                        let n = match (c.aligned, r.first_year) {
                            (Aligned::Window(a, b), _) => b - a + 1,
                            (Aligned::End(y), Some(f)) => y - f + 1,
                            _ => continue,
                        };
                        if let (true, Some(v)) = (whole(c), r.values[i]) {
                            let e = horizons.entry(n).or_insert((0.0, Vec::new()));
                            e.0 += v;
                            if !e.1.contains(&r.id.as_str()) {
                                e.1.push(r.id.as_str());
                            }
                        }
                    }
                }
                let at = |n: i32| {
                    format!(
                        "à {n} an{} de chaque convention",
                        if n > 1 { "s" } else { "" }
                    )
                };
                if !horizons.is_empty() {
                    let parts: Vec<String> = horizons
                        .iter()
                        .map(|(n, (v, _))| format!("{} {}", n0(*v), at(*n)))
                        .collect();
                    sec.say(
                        "trajectoire",
                        format!(
                            "{} : {} (organismes additionnés à la même échéance de leur convention).",
                            capitalise(noun),
                            parts.join(", puis ")
                        ),
                    );
                    let mut tab = Table::new(
                        "annees",
                        format!("{} à chaque échéance ({unit})", ct.code),
                        &["Échéance", "Total du territoire", "Organismes"],
                    );
                    for (n, (v, ids)) in &horizons {
                        tab.row(
                            capitalise(&at(*n)),
                            vec![Cell::count(Some(*v)), Cell::count(Some(ids.len() as f64))],
                        );
                    }
                    sec.tables.push(tab);
                }
            }
            if let Some((a, z)) = range(&ratios) {
                sec.say(
                    "disparites",
                    format!(
                        "Selon les organismes, le volume de {noun} à l'horizon de la convention représente {} de leur patrimoine.",
                        span(a, z)
                    ),
                );
            }
        }
        Reading::Annuel => {
            let filled: Vec<(i32, f64)> = years
                .iter()
                .filter_map(|(y, v)| Some((*y, (*v)?)))
                .collect();
            if !filled.is_empty() {
                let min = filled.iter().map(|x| x.1).fold(f64::INFINITY, f64::min);
                let max = filled.iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
                let avg = filled.iter().map(|x| x.1).sum::<f64>() / filled.len() as f64;
                let mut m = format!(
                    "{} : {} {unit} par an en moyenne au niveau du territoire, entre {} et {} selon les années",
                    capitalise(noun),
                    n0(avg),
                    n0(min),
                    n0(max)
                );
                if min >= 10.0 {
                    m.push_str(&format!(" (plus de {} chaque année)", n0(nice_floor(min))));
                }
                if let (Some(before), Some((p, y))) =
                    (prev.value(&["valeur", "total"], None, None), &prev_period)
                {
                    let b = before / f64::from(*y);
                    if b > 0.0 {
                        m.push_str(&format!(
                            ", soit une moyenne {} à la période {p} ({} par an, chiffres saisis)",
                            evolution_fr((avg - b) / b * 100.0, false),
                            n0(b)
                        ));
                    }
                }
                m.push('.');
                sec.say("annuel", m);
                let mut tab = Table::new(
                    "annees",
                    format!("{} année par année ({unit})", ct.code),
                    &["Année", "Total du territoire"],
                );
                for (y, v) in &years {
                    tab.row(y.to_string(), vec![Cell::count(*v)]);
                }
                sec.charts.push(yearly_chart(&ct.code, unit, &years));
                sec.tables.push(tab);
            }
            if let Some((a, z)) = range(&ratios) {
                sec.say(
                    "disparites",
                    format!(
                        "Selon les organismes, les {noun} représentent {} du patrimoine par an.",
                        span(a, z)
                    ),
                );
            }
        }
        Reading::Organisme => {
            let vals: Vec<f64> = orgs.iter().filter_map(|o| o.last).collect();
            if let Some((a, z)) = range(&vals) {
                let mut sorted = vals.clone();
                sorted.sort_by(f64::total_cmp);
                let n = sorted.len();
                let median = if n % 2 == 1 {
                    sorted[n / 2]
                } else {
                    (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
                };
                let organisms = {
                    let mut ids: Vec<&str> = ct
                        .rows
                        .iter()
                        .filter(|r| !r.hypothetical)
                        .chain(&ct.unventilated)
                        .map(|r| r.id.as_str())
                        .collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.len()
                };
                sec.say(
                    "disparites",
                    format!(
                        "{} : de {} à {} {unit} selon les organismes (médiane {} ; {} valeur{} de {} organisme{}) ; ces valeurs ne s'additionnent pas.",
                        capitalise(noun),
                        format_fr(a, 1),
                        format_fr(z, 1),
                        format_fr(median, 1),
                        n,
                        s(n),
                        organisms,
                        s(organisms)
                    ),
                );
            }
        }
    }
    // Per organism.
    let ratio_col = match reading {
        Reading::Annuel => "Moyenne annuelle / parc",
        Reading::Cumul => "Total / parc",
        Reading::Organisme => "",
    };
    let mut org_cols: Vec<String> = vec!["Organisme".into(), "Parc sur le territoire".into()];
    if reading == Reading::Organisme {
        org_cols.push(format!("Dernière valeur ({unit})"));
    } else {
        org_cols.push(format!("Sur six ans ({unit})"));
        org_cols.push(ratio_col.into());
    }
    let refs: Vec<&str> = org_cols.iter().map(String::as_str).collect();
    let mut tab = Table::new("organismes", format!("{} par organisme", ct.code), &refs);
    for o in &orgs {
        let mut cells = vec![Cell::count(o.parc)];
        if reading == Reading::Organisme {
            cells.push(Cell::count(o.last));
        } else {
            cells.push(Cell::count(o.total));
            cells.push(Cell::percent(ratio(o)));
        }
        tab.row(o.label.clone(), cells);
    }
    if reading == Reading::Organisme && !ct.unventilated.is_empty() {
        tab.notes.push(
            "Pour un organisme engagé à une maille plus large que le territoire (l'organisme entier), sa valeur est celle de cette maille : elle n'est ajoutée à aucune autre.".into(),
        );
    } else if !ct.unventilated.is_empty() {
        tab.notes.push(format!(
            "Non ventilés à cette maille (hors tableau) : {}.",
            ct.unventilated
                .iter()
                .map(|r| r.label.clone())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    {
        if let Some(v) = ref_total_of(ct).filter(|_| ct.additive) {
            tab.notes.push(format!(
                "Référence des conventions (somme) : {} {unit}{} ; le texte ne dit pas combien d'années une référence couvre, aucune évolution n'est calculée.",
                n0(v),
                reference_years_fr(ct)
                    .map(|y| format!(" ; conventions signées en {y}, références de dates différentes"))
                    .unwrap_or_default()
            ));
        }
    }
    sec.tables.push(tab);
    sec
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Commitments missed, by organism and indicator (evaluations transmitted).
fn missed_section(r: &Review, sources: &[Source<'_>]) -> Option<Section> {
    let mut sec = Section::new(
        "engagements-non-tenus",
        "Engagements non tenus",
        "Engagements non tenus, par organisme et par indicateur",
    );
    for (gi, g) in r.groups.iter().enumerate() {
        if g.organisms.is_empty() {
            continue;
        }
        let codes: Vec<&str> = g.indicators.iter().map(|i| i.code.as_str()).collect();
        let mut cols: Vec<&str> = vec!["Organisme"];
        cols.extend(codes.iter().copied());
        cols.push("Total");
        cols.push("Dont non justifiés");
        let mut tab = Table::new(&format!("non-tenus-{}", gi + 1), g.label_fr(), &cols);
        for o in &g.organisms {
            let mut cells = Vec::new();
            for ind in &g.indicators {
                let n = ind
                    .lines
                    .iter()
                    .filter(|l| l.source == o.source && l.missed)
                    .count();
                cells.push(Cell::count(Some(n as f64)));
            }
            cells.push(Cell::count(Some(o.missed.missed as f64)));
            cells.push(Cell::count(Some(o.missed.unjustified() as f64)));
            tab.row(o.label.clone(), cells);
        }
        tab.notes.push("Une ligne manquée : un indicateur, une ligne de territoire et une ventilation dont la réalisation est inférieure à l'engagement, sur une année ou un cumul de l'évaluation.".into());
        sec.say(
            &format!("non-tenus-{}", gi + 1),
            format!(
                "{} : {} ligne{} d'engagement non tenue{}, dont {} sans justification ({}).",
                g.label_fr(),
                g.missed.missed,
                s(g.missed.missed),
                s(g.missed.missed),
                g.missed.unjustified(),
                g.counts_fr()
            ),
        );
        sec.tables.push(tab);
    }
    if !r.not_transmitted.is_empty() {
        let names: Vec<String> = r
            .not_transmitted
            .iter()
            .filter_map(|&i| sources.get(i))
            .map(Source::label)
            .collect();
        sec.say(
            "non-transmises",
            format!("Évaluation non transmise : {}.", names.join(", ")),
        );
    }
    (!sec.tables.is_empty()).then_some(sec)
}

/// The method: the files, the previous-period figures entered, the rules.
fn method_section(input: &SynthesisInput<'_>) -> Section {
    let mut sec = Section::new("methode", "Méthode et sources", "Méthode et sources");
    sec.intro = "Chaque chiffre vient des fichiers des organismes (leurs engagements) ou des chiffres de la période précédente saisis par l'utilisateur, signalés comme tels. Règles de la consolidation :".into();
    if !input.previous.is_empty() {
        let mut tab = Table::new(
            "periode-precedente",
            "Chiffres de la période précédente saisis par l'utilisateur",
            &[
                "Indicateur",
                "Ventilation",
                "Période",
                "Territoire",
                "Organisme",
                "Valeur",
            ],
        );
        for p in input.previous {
            let org = p
                .organism
                .as_deref()
                .map(|siren| {
                    input
                        .sources
                        .iter()
                        .find(|x| x.conv.organisme.siren == siren)
                        .map(Source::label)
                        .unwrap_or_else(|| format!("SIREN {siren} (aucun fichier)"))
                })
                .unwrap_or_else(|| "tous".into());
            tab.row(
                p.indicator.clone(),
                vec![
                    Cell::text(split_fr(&p.split)),
                    Cell::text(p.period_fr()),
                    Cell::text(
                        p.territory
                            .as_ref()
                            .map(|t| territory_label(t, input.geo))
                            .unwrap_or_else(|| "tout le territoire".into()),
                    ),
                    Cell::text(org),
                    Cell::count(Some(p.value)),
                ],
            );
        }
        sec.tables.push(tab);
    }
    let mut files = Table::new(
        "fichiers",
        "Fichiers lus",
        &[
            "Organisme",
            "SIREN",
            "Catalogue",
            "Chiffres sur le territoire",
        ],
    );
    for (i, src) in input.sources.iter().enumerate() {
        let absent = input.extract.groups.iter().any(|g| g.absent.contains(&i));
        files.row(
            src.label(),
            vec![
                Cell::text(src.conv.organisme.siren.clone()),
                Cell::text(format!("{} {}", src.cat.id, src.cat.version)),
                Cell::text(if absent { "aucun" } else { "oui" }),
            ],
        );
    }
    sec.tables.push(files);
    for (i, r) in super::RULES_FR.iter().enumerate() {
        sec.say(&format!("regle-{}", i + 1), *r);
    }
    sec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_data_reads() {
        assert_eq!(embedded_data_error(), None);
        assert!(!SynthesisData::embedded().indicators.is_empty());
    }

    /// Every indicator `data/rules/synthese.json` names exists in each catalogue it names (in
    /// at least one version), and is listed once per catalogue.
    #[test]
    fn the_synthesis_data_names_what_the_catalogues_have() {
        let cats = crate::catalogue::embedded();
        let data = SynthesisData::embedded();
        for e in &data.indicators {
            assert!(!e.catalogues.is_empty() && !e.noun.is_empty(), "{}", e.code);
            for c in &e.catalogues {
                assert!(
                    cats.iter()
                        .any(|cat| &cat.id == c && cat.indicator(&e.code).is_some()),
                    "synthese.json: {} is not an indicator of {c}",
                    e.code
                );
                let n = data
                    .indicators
                    .iter()
                    .filter(|x| x.code == e.code && x.catalogues.contains(c))
                    .count();
                assert_eq!(n, 1, "synthese.json: {} listed {n} times for {c}", e.code);
            }
        }
    }

    #[test]
    fn percentages_read_as_a_note_writes_them() {
        let cases = [
            (42.04, "42 %"),
            (9.84, "9,8 %"),
            (0.084, "0,08 %"),
            (19.6, "20 %"),
        ];
        for (v, want) in cases {
            assert_eq!(pct(v), want);
        }
        assert_eq!(evolution_fr(-3.96, true), "inférieur de 4 %");
        assert_eq!(evolution_fr(89.7, false), "supérieure de 90 %");
    }
}
