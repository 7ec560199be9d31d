//! « Évaluations »: the organisms' evaluation files side by side on the territory, for the DDT-M
//! or the DREAL writing the regional synthesis. Everything comes from
//! `cus_core::consolidation::review` (kept in `Derived`, read again only when the files or the
//! territory change): per group (generation, CUS kind, evaluation, never mixed), the organisms
//! with their missed commitments justified or not, one table per indicator (organisms as rows:
//! committed, achieved, rate, gap, justification), the territory's total, the range of rates and
//! a chart of the rates against 100 %, with its table.

use cus_core::consolidation::{
    cause_label, justification_fr, Basis, IndicatorReview, MissedCount, RateRange, Review,
    ReviewGroup, ReviewLine, REVIEW_RULES_FR,
};
use cus_core::convention::SplitKey;
use cus_core::geo::Referential;
use yew::prelude::*;

use super::tables::num;
use super::{plural_s, SectionProps};

/// Labels of the sources of the review (index → organism).
pub struct Labels(pub Vec<String>);

impl Labels {
    pub fn of(props: &SectionProps) -> Labels {
        let ws = &props.store.ws;
        Labels(
            props
                .derived
                .used
                .iter()
                .map(|id| {
                    ws.files
                        .iter()
                        .find(|f| &f.id == id)
                        .map(|f| {
                            cus_core::consolidation::organism_label(&f.convention, &f.file_name)
                        })
                        .unwrap_or_else(|| id.clone())
                })
                .collect(),
        )
    }

    fn get(&self, i: usize) -> String {
        self.0
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("Fichier {}", i + 1))
    }
}

fn rate(r: Option<f64>) -> String {
    r.map(|r| format!("{} %", num(r)))
        .unwrap_or_else(|| "—".into())
}

fn value(v: Option<f64>, percentage: bool) -> Html {
    match v {
        Some(v) if percentage => html! { { format!("{} %", num(v)) } },
        Some(v) => html! { { num(v) } },
        None => html! { <span class="vide">{ "vide" }</span> },
    }
}

fn gap(g: Option<f64>, percentage: bool) -> String {
    match g {
        Some(g) if percentage => cus_core::numfmt::points_fr(g, true),
        Some(g) => format!("{}{}", if g > 0.0 { "+" } else { "" }, num(g)),
        None => "—".into(),
    }
}

fn id_part(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// « Foncier : … : 3 ; Coûts : … : 1 » (outside causes counted).
fn causes_fr(m: &MissedCount) -> String {
    m.exterieur
        .iter()
        .map(|(c, n)| {
            let label = if c.is_empty() {
                "cause non précisée".to_string()
            } else {
                cause_label(c)
            };
            format!("{label} : {n}")
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The lines of one organism for one split.
fn lines_of<'a>(ind: &'a IndicatorReview, source: usize, split: &SplitKey) -> Vec<&'a ReviewLine> {
    ind.lines
        .iter()
        .filter(|l| l.source == source && &l.split == split)
        .collect()
}

/// The indicator whose figures the organisms' table shows: the one chosen, else the group's
/// first count.
fn reference<'a>(g: &'a ReviewGroup, chosen: &str) -> Option<&'a IndicatorReview> {
    if chosen.is_empty() {
        g.indicators
            .iter()
            .find(|i| i.additive)
            .or_else(|| g.indicators.first())
    } else {
        g.indicators.iter().find(|i| i.code == chosen)
    }
}

fn split_of(ind: &IndicatorReview, chosen: Option<&str>) -> SplitKey {
    chosen
        .and_then(|c| ind.splits.iter().find(|(s, _)| s.key() == c))
        .or_else(|| ind.splits.first())
        .map(|(s, _)| s.clone())
        .unwrap_or(SplitKey {
            members: Vec::new(),
            part: None,
        })
}

fn split_label(ind: &IndicatorReview, split: &SplitKey) -> String {
    ind.splits
        .iter()
        .find(|(s, _)| s == split)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| split.key())
}

/// The organisms of a group: evaluation, figures of the reference indicator, missed commitments.
pub fn organisms_table(g: &ReviewGroup, gi: usize, chosen: &str, split: Option<&str>) -> Html {
    let reference = reference(g, chosen);
    let sp = reference.map(|r| split_of(r, split));
    let what = match (reference, &sp) {
        (Some(r), Some(s)) => format!("{} — {}, {}", r.code, split_label(r, s), r.period_fr),
        _ => String::new(),
    };
    let caption_id = format!("organismes-evaluation-{gi}");
    html! {
        // A focusable, named scroll box: the table may be wider than the page.
        <div class="defilement-revue" tabindex="0" role="region" aria-labelledby={caption_id.clone()}>
        <table class="tableau revue-organismes">
            <caption id={caption_id}>{ format!("Organismes ayant transmis leur évaluation{}", if what.is_empty() { String::new() } else { format!(" (engagé, réalisé et taux : {what})") }) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Organisme" }</th>
                    <th scope="col">{ "Années évaluées" }</th>
                    <th scope="col">{ "Engagé" }</th>
                    <th scope="col">{ "Réalisé" }</th>
                    <th scope="col">{ "Taux" }</th>
                    <th scope="col">{ "Engagements non tenus" }</th>
                    <th scope="col">{ "Lignes justifiées" }</th>
                    <th scope="col">{ "Lignes non justifiées" }</th>
                    <th scope="col">{ "Origine des justifications" }</th>
                </tr>
            </thead>
            <tbody>
                { for g.organisms.iter().map(|o| {
                    let lines: Vec<&ReviewLine> = match (reference, &sp) {
                        (Some(r), Some(s)) => lines_of(r, o.source, s),
                        _ => Vec::new(),
                    };
                    let pct = reference.is_some_and(|r| r.percentage);
                    let (c, a, t) = match lines.as_slice() {
                        [l] => (value(l.committed, pct), value(l.achieved, pct), rate(l.rate)),
                        [] => (html! { "—" }, html! { "—" }, "—".to_string()),
                        many => (html! { { format!("{} lignes", many.len()) } }, html! { "voir le détail" }, "—".to_string()),
                    };
                    let m = &o.missed;
                    html! {
                        <tr class={classes!((!o.at_level).then_some("hors-total"))}>
                            <th scope="row">{ o.label.clone() }
                                if !o.at_level { <br /><span class="aide">{ "non ventilé à cette maille : hors total" }</span> }
                            </th>
                            <td>{ o.years.map(|(a, b)| format!("{a}-{b}")).unwrap_or_else(|| o.evaluation_label.clone()) }</td>
                            <td class="nombre">{ c }</td>
                            <td class="nombre">{ a }</td>
                            <td class="nombre">{ t }</td>
                            <td>{ m.summary_fr() }</td>
                            <td class="nombre">{ m.justified }</td>
                            <td class={classes!("nombre", (m.unjustified() > 0).then_some("non-justifie"))}>{ m.unjustified() }</td>
                            <td>{ origin_fr(m) }</td>
                        </tr>
                    }
                }) }
            </tbody>
            <tfoot>
                <tr class="ligne-total">
                    <th scope="row">{ format!("Ensemble ({})", g.counts_fr()) }</th>
                    <td></td>
                    { match (reference, &sp) {
                        (Some(r), Some(s)) => match r.totals.iter().filter(|t| &t.split == s).collect::<Vec<_>>().as_slice() {
                            [] => html! { <><td>{ "—" }</td><td>{ "—" }</td><td>{ "—" }</td></> },
                            [t] => html! { <>
                                <td class="nombre">{ num(t.committed) }</td>
                                <td class="nombre">{ num(t.achieved) }</td>
                                <td class="nombre">{ rate(t.rate) }</td>
                            </> },
                            many => html! { <td colspan="3">{ format!("{} totaux, un par période évaluée (jamais additionnés) : voir le détail de l'indicateur", many.len()) }</td> },
                        },
                        _ => html! { <><td></td><td></td><td></td></> },
                    } }
                    <td>{ g.missed.summary_fr() }</td>
                    <td class="nombre">{ g.missed.justified }</td>
                    <td class="nombre">{ g.missed.unjustified() }</td>
                    <td>{ origin_fr(&g.missed) }</td>
                </tr>
            </tfoot>
        </table>
        </div>
    }
}

fn origin_fr(m: &MissedCount) -> String {
    if m.justified == 0 {
        return "—".into();
    }
    let mut parts = Vec::new();
    if m.organisme > 0 {
        parts.push(format!("du fait de l'organisme : {}", m.organisme));
    }
    if m.exterieur_total() > 0 {
        parts.push(format!(
            "causes extérieures : {} ({})",
            m.exterieur_total(),
            causes_fr(m)
        ));
    }
    parts.join(" ; ")
}

/// The justification cell of a line.
fn justification_cell(l: &ReviewLine, geo: &Referential) -> Html {
    let several = l.basis.rows().len() > 1;
    let row =
        |r: &cus_core::convention::TerritoryKey| cus_core::consolidation::territory_label(r, geo);
    html! {
        <td class="justification">
            if l.justifications.is_empty() && !l.missed {
                { "—" }
            }
            { for l.justifications.iter().map(|(r, j)| html! {
                <p>{ if several { format!("{} : {}", row(r), justification_fr(j)) } else { justification_fr(j) } }</p>
            }) }
            if !l.unjustified.is_empty() {
                <p class="non-justifie">
                    <strong>{ "Non tenu, non justifié" }</strong>
                    { if several { format!(" ({})", l.unjustified.iter().map(row).collect::<Vec<_>>().join(", ")) } else { String::new() } }
                </p>
            }
        </td>
    }
}

/// One indicator: organisms as rows, the territory's total, the range of rates, the chart.
pub fn indicator_section(
    g: &ReviewGroup,
    gi: usize,
    ind: &IndicatorReview,
    split: &SplitKey,
    labels: &Labels,
    geo: &Referential,
) -> Html {
    let lines: Vec<&ReviewLine> = ind.lines.iter().filter(|l| &l.split == split).collect();
    let sl = split_label(ind, split);
    let head_id = format!("revue-{gi}-{}", id_part(&ind.code));
    let label = |i: usize| {
        g.organism(i)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| labels.get(i))
    };
    // One total per evaluated window: organisms evaluated on different years are never added.
    let totals: Vec<&cus_core::consolidation::ReviewTotal> =
        ind.totals.iter().filter(|t| &t.split == split).collect();
    let range = ind.rates.iter().find(|r| &r.split == split);
    html! {
        <section class="revue-indicateur bloc-impression" aria-labelledby={head_id.clone()}>
            <h3 id={head_id}>{ format!("{} — {} ({}, {})", ind.code, ind.label, sl, ind.period_fr) }</h3>
            if lines.is_empty() {
                <p>{ "Aucune réalisation ni aucun engagement pour cette ventilation." }</p>
            } else {
                <table class="tableau revue-cote-a-cote">
                    <caption>{ format!("Engagé et réalisé par organisme ({}{})", ind.unit_fr, if ind.percentage { ", en %" } else { "" }) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Organisme" }</th>
                            <th scope="col">{ "Territoire lu" }</th>
                            <th scope="col">{ "Engagé" }</th>
                            <th scope="col">{ "Réalisé" }</th>
                            <th scope="col">{ "Taux" }</th>
                            <th scope="col">{ "Écart" }</th>
                            <th scope="col">{ "Justification" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for lines.iter().map(|l| {
                            let coarser = matches!(l.basis, Basis::Coarser(_));
                            html! {
                                <tr class={classes!(l.missed.then_some("non-tenu"))}>
                                    <th scope="row">{ label(l.source) }</th>
                                    <td>{ l.basis.describe_fr(geo) }{ if coarser { " (non ventilé, hors total)" } else { "" } }</td>
                                    <td class="nombre">{ value(l.committed, ind.percentage) }</td>
                                    <td class="nombre" title={l.formula_fr.clone()}>{ value(l.achieved, ind.percentage) }</td>
                                    <td class="nombre">{ rate(l.rate) }</td>
                                    <td class="nombre">{ gap(l.gap, ind.percentage) }</td>
                                    { justification_cell(l, geo) }
                                </tr>
                            }
                        }) }
                    </tbody>
                    if !totals.is_empty() {
                        <tfoot>
                            { for totals.iter().map(|t| html! {
                            <tr class="ligne-total">
                                <th scope="row">{ match t.years { Some((a, b)) if totals.len() > 1 => format!("Total du territoire, {a}-{b}"), _ => "Total du territoire".to_string() } }</th>
                                <td>{ format!("{} organisme{}", t.counted.len(), plural_s(t.counted.len())) }</td>
                                <td class="nombre">{ num(t.committed) }</td>
                                <td class="nombre">{ num(t.achieved) }</td>
                                <td class="nombre">{ rate(t.rate) }</td>
                                <td class="nombre">{ gap(Some(t.achieved - t.committed), false) }</td>
                                <td>{ t.formula_fr.clone() }</td>
                            </tr>
                            }) }
                        </tfoot>
                    }
                </table>
                if totals.len() > 1 {
                    <p class="aide">{ "Les organismes n'ont pas été évalués sur les mêmes années (conventions signées des années différentes) : un total par période évaluée, jamais additionnés." }</p>
                }
                { for totals.iter().filter(|t| !t.left_out.is_empty()).map(|t| html! {
                    <p class="aide">{ format!("Hors total{} : {}.", t.years.filter(|_| totals.len() > 1).map(|(a, b)| format!(" ({a}-{b})")).unwrap_or_default(), t.left_out.iter().map(|(i, r)| format!("{} ({r})", label(*i))).collect::<Vec<_>>().join(" ; ")) }</p>
                }) }
                if !ind.additive {
                    <p class="aide">{ "Pourcentage, montant ou durée : pas de total, les organismes sont comparés par leur taux." }</p>
                }
                if let Some(r) = range {
                    <p class="fourchette-taux">{ range_fr(r, ind.additive, &label) }</p>
                }
                { rates_chart(&lines, &format!("{gi}-{}", id_part(&ind.code)), &format!("{} — {}", ind.code, sl), &label, geo) }
            }
        </section>
    }
}

/// « Taux de réalisation : de 87,8 % (A) à 115,2 % (B), 8 organismes à la maille du territoire. »
fn range_fr(r: &RateRange, additive: bool, label: &dyn Fn(usize) -> String) -> String {
    let what = if additive {
        format!("organisme{}", plural_s(r.n))
    } else {
        format!("ligne{} (organisme et territoire)", plural_s(r.n))
    };
    if r.n == 1 {
        format!(
            "Taux de réalisation : {} ({}), seul{} {what} à la maille du territoire.",
            rate(Some(r.min)),
            label(r.min_source),
            if additive { "" } else { "e" }
        )
    } else {
        format!(
            "Taux de réalisation : de {} ({}) à {} ({}), {} {what} à la maille du territoire.",
            rate(Some(r.min)),
            label(r.min_source),
            rate(Some(r.max)),
            label(r.max_source),
            r.n
        )
    }
}

/// The rate of each organism as a horizontal bar against 100 %, with its table.
fn rates_chart(
    lines: &[&ReviewLine],
    id: &str,
    what: &str,
    label: &dyn Fn(usize) -> String,
    geo: &Referential,
) -> Html {
    let rated: Vec<(String, f64, &ReviewLine)> = lines
        .iter()
        .filter_map(|l| {
            let mut name = label(l.source);
            if l.basis.rows().len() == 1
                && lines.iter().filter(|x| x.source == l.source).count() > 1
            {
                name = format!("{name} — {}", l.basis.describe_fr(geo));
            }
            if matches!(l.basis, Basis::Coarser(_)) {
                name.push_str(" (non ventilé)");
            }
            l.rate.map(|r| (name, r, *l))
        })
        .collect();
    if rated.is_empty() {
        return html! {};
    }
    let row_h = 20.0;
    // Values are written in their own column at the right, never over the 100 % line.
    let (w, left, top, right) = (680.0, 260.0, 24.0, 76.0);
    let h = top + row_h * rated.len() as f64 + 26.0;
    let top_rate = rated.iter().map(|r| r.1).fold(100.0, f64::max);
    let max = (top_rate / 25.0).ceil() * 25.0;
    let x = |v: f64| left + v.max(0.0) / max * (w - left - right);
    let short = |s: &str| -> String {
        if s.chars().count() > 38 {
            format!("{}…", s.chars().take(37).collect::<String>())
        } else {
            s.to_string()
        }
    };
    let fig = format!("graphique-taux-{id}");
    html! {
        <figure class="graphique" aria-labelledby={fig.clone()}>
            <figcaption id={fig.clone()}>{ format!("{what} : taux de réalisation par organisme ; trait vertical : 100 % de l'engagement") }</figcaption>
            <svg viewBox={format!("0 0 {w} {h:.0}")} role="img" aria-labelledby={fig} class="graphique-svg">
                { for rated.iter().enumerate().map(|(i, (name, r, _))| {
                    let yy = top + row_h * i as f64;
                    let below = *r < 100.0;
                    html! {
                        <g>
                            <text x={format!("{:.1}", left - 6.0)} y={format!("{:.1}", yy + 13.0)} text-anchor="end">{ short(name) }</text>
                            <rect x={format!("{left}")} y={format!("{:.1}", yy + 3.0)} width={format!("{:.1}", (x(*r) - left).max(0.5))} height="13"
                                fill={if below { "#c2571a" } else { "#0b5d63" }} />
                            <text x={format!("{:.1}", w - 4.0)} y={format!("{:.1}", yy + 13.0)} text-anchor="end" class="graphique-valeur">{ format!("{} %", num(*r)) }</text>
                        </g>
                    }
                }) }
                <line x1={format!("{:.1}", x(100.0))} x2={format!("{:.1}", x(100.0))} y1={format!("{:.1}", top - 8.0)} y2={format!("{:.1}", h - 20.0)}
                    stroke="#1b1b1b" stroke-width="2" stroke-dasharray="5 3" />
                <text x={format!("{:.1}", x(100.0))} y={format!("{:.1}", top - 10.0)} text-anchor="middle" class="graphique-objectif">{ "100 %" }</text>
                <text x={format!("{left}")} y={format!("{:.1}", h - 4.0)}>{ "0 %" }</text>
                <text x={format!("{:.1}", w - right)} y={format!("{:.1}", h - 4.0)} text-anchor="middle">{ format!("{} %", num(max)) }</text>
            </svg>
            <p class="legende-graphique">{ "Barres orangées : en dessous de l'engagement ; barres bleu-vert : engagement atteint ou dépassé." }</p>
            <table class="tableau donnees-graphique">
                <caption>{ "Données du graphique" }</caption>
                <thead><tr><th scope="col">{ "Organisme" }</th><th scope="col">{ "Taux de réalisation" }</th><th scope="col">{ "Engagement atteint" }</th></tr></thead>
                <tbody>
                    { for rated.iter().map(|(name, r, _)| html! {
                        <tr><th scope="row">{ name.clone() }</th><td class="nombre">{ format!("{} %", num(*r)) }</td><td>{ if *r >= 100.0 { "oui" } else { "non" } }</td></tr>
                    }) }
                </tbody>
            </table>
        </figure>
    }
}

/// A group's heading, organisms and left-out indicators (also printed by « Export et impression »).
pub fn group_summary(g: &ReviewGroup, gi: usize, chosen: &str, split: Option<&str>) -> Html {
    html! {
        <>
            <h2 id={format!("groupe-evaluation-{gi}")}>{ g.label_fr() }</h2>
            { organisms_table(g, gi, chosen, split) }
            if !g.left_out.is_empty() {
                <details class="ecartes">
                    <summary>{ format!("{} indicateur{} non comparé{} entre versions de catalogue", g.left_out.len(), plural_s(g.left_out.len()), plural_s(g.left_out.len())) }</summary>
                    <ul>{ for g.left_out.iter().map(|l| html! { <li><strong>{ format!("{} — {}", l.code, l.label) }</strong>{ " : " }{ l.reason_fr.clone() }</li> }) }</ul>
                </details>
            }
        </>
    }
}

/// Who transmitted, who did not, who cannot be read.
pub fn transmission(r: &Review, labels: &Labels) -> Html {
    html! {
        <>
            <p class="bilan-transmission">{ format!(
                "{} organisme{} sur le territoire « {} » : {} évaluation{} transmise{}, {} non transmise{}.",
                r.transmitted() + r.not_transmitted.len() + r.unreadable.len(),
                plural_s(r.transmitted() + r.not_transmitted.len() + r.unreadable.len()),
                r.territory_label,
                r.transmitted(), plural_s(r.transmitted()), plural_s(r.transmitted()),
                r.not_transmitted.len(), plural_s(r.not_transmitted.len()),
            ) }</p>
            if !r.not_transmitted.is_empty() {
                <details class="non-transmises">
                    <summary>{ format!("Évaluation non transmise ({})", r.not_transmitted.len()) }</summary>
                    <ul>{ for r.not_transmitted.iter().map(|&i| html! { <li>{ labels.get(i) }{ " — évaluation non transmise" }</li> }) }</ul>
                </details>
                <p class="impression-seulement">{ format!("Évaluation non transmise : {}.", r.not_transmitted.iter().map(|&i| labels.get(i)).collect::<Vec<_>>().join(" ; ")) }</p>
            }
            if let Some(apart) = r.apart_fr() {
                <p class="note">{ apart }</p>
            }
            if !r.unreadable.is_empty() {
                <ul class="avertissement">{ for r.unreadable.iter().map(|(i, why)| html! { <li>{ format!("{} : {why}.", labels.get(*i)) }</li> }) }</ul>
            }
        </>
    }
}

#[function_component(Evaluations)]
pub fn evaluations(props: &SectionProps) -> Html {
    let chosen = use_state(String::new);
    let split = use_state(|| None::<String>);
    let Some(review) = props.derived.review.clone() else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let labels = Labels::of(props);
    let geo = props.derived.geo;
    // Every indicator of every group, in order, once.
    let mut codes: Vec<(String, String)> = Vec::new();
    for g in &review.groups {
        for i in &g.indicators {
            if !codes.iter().any(|(c, _)| c == &i.code) {
                codes.push((i.code.clone(), i.label.clone()));
            }
        }
    }
    let on_indicator = {
        let chosen = chosen.clone();
        let split = split.clone();
        Callback::from(move |e: Event| {
            chosen.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            );
            split.set(None);
        })
    };
    let on_split = {
        let split = split.clone();
        Callback::from(move |e: Event| {
            split.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        })
    };
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let one = review
        .groups
        .iter()
        .flat_map(|g| g.indicators.iter())
        .find(|i| !chosen.is_empty() && i.code == *chosen);
    html! {
        <div class="revue-evaluations">
            <p class="chapo">{ "Les fichiers d'évaluation des organismes côte à côte, pour la synthèse régionale : engagé et réalisé par indicateur sur le territoire, taux, écarts et justifications, totaux du territoire et engagements non tenus selon leur origine." }</p>
            <details class="regles sans-impression">
                <summary>{ "Comment les évaluations sont lues" }</summary>
                <ul>{ for REVIEW_RULES_FR.iter().map(|r| html! { <li>{ *r }</li> }) }</ul>
            </details>
            { transmission(&review, &labels) }
            if review.groups.is_empty() {
                <p>{ "Aucun organisme de ce territoire n'a transmis d'évaluation : les fichiers ne contiennent aucune réalisation." }</p>
            } else {
                <div class="ligne-formulaire sans-impression filtres-revue">
                    <label for="indicateur-evaluation">{ "Indicateur" }</label>
                    <select id="indicateur-evaluation" onchange={on_indicator}>
                        <option value="" selected={chosen.is_empty()}>{ "Tous les indicateurs" }</option>
                        { for codes.iter().map(|(c, l)| html! {
                            <option value={c.clone()} selected={*c == *chosen}>{ format!("{c} — {l}") }</option>
                        }) }
                    </select>
                    if let Some(ind) = one {
                        <label for="ventilation-evaluation">{ "Ventilation" }</label>
                        <select id="ventilation-evaluation" onchange={on_split}>
                            { for ind.splits.iter().map(|(s, l)| {
                                let k = s.key();
                                let sel = split.as_deref().map(|x| x == k).unwrap_or(Some(s) == ind.splits.first().map(|f| &f.0));
                                html! { <option value={k.clone()} selected={sel}>{ l.clone() }</option> }
                            }) }
                        </select>
                    }
                    <button type="button" class="bouton bouton-secondaire" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button>
                </div>
                { for review.groups.iter().enumerate().map(|(gi, g)| html! {
                    <section class="revue-groupe" aria-labelledby={format!("groupe-evaluation-{gi}")}>
                        { group_summary(g, gi, &chosen, split.as_deref()) }
                        { for g.indicators.iter().filter(|i| chosen.is_empty() || i.code == *chosen).map(|i| {
                            let sp = split_of(i, if chosen.is_empty() { None } else { split.as_deref() });
                            indicator_section(g, gi, i, &sp, &labels, geo)
                        }) }
                        if !chosen.is_empty() && !g.indicators.iter().any(|i| i.code == *chosen) {
                            <p>{ format!("{} n'est pas évalué dans ce groupe.", *chosen) }</p>
                        }
                    </section>
                }) }
            }
        </div>
    }
}
