//! Charts drawn by the app as SVG (no charting library), each followed by its table, which
//! screen readers and print use: commitments per period stacked by organism against the
//! objective; the PLAI share of each organism against the territory's.

use cus_core::consolidation::ConsolidatedTable;
use yew::prelude::*;

use super::tables::{num, total_columns};

/// Fill colours of the organisms (distinct at a glance, readable on white); the rest of the
/// organisms share the last, grey.
const PALETTE: [&str; 8] = [
    "#0b5d63", "#c2571a", "#5a4fa0", "#2f7d32", "#a31f5c", "#8a6d00", "#1f5fa8", "#6b3e26",
];
const OTHERS: &str = "#9aa5ad";
/// Estimates with a split key: hatched (the pattern `hachures-<chart id>` of each chart).
const ESTIMATED: &str = "estimation";

use cus_core::numfmt::nice_max;

/// Commitments per period (the « Total » split), stacked by organism, with the objective.
pub fn commitments_chart(t: &ConsolidatedTable) -> Html {
    let cols = total_columns(t);
    if cols.is_empty() || !t.additive || t.rows.is_empty() {
        return html! {};
    }
    // The 7 organisms with the largest figures keep a colour; the others are grouped.
    let mut weight: Vec<(usize, f64)> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i, cols.iter().filter_map(|&c| r.values[c]).sum()))
        .collect();
    weight.sort_by(|a, b| b.1.total_cmp(&a.1));
    let named: Vec<usize> = weight.iter().take(7).map(|w| w.0).collect();
    let objective = |c: usize| {
        t.comparisons
            .iter()
            .find(|x| x.column == Some(c))
            .map(|x| x.objective.value)
    };
    // Organisms committed only at a wider level: not in the bars, said under the chart.
    let unventilated = t.organisms_unventilated();
    let top = cols
        .iter()
        .map(|&c| {
            let committed = t.totals[c].value().unwrap_or(0.0);
            committed.max(objective(c).unwrap_or(0.0))
        })
        .fold(0.0, f64::max);
    let max = nice_max(top);
    let (w, h, left, bottom, top_pad) = (640.0, 300.0, 64.0, 40.0, 16.0);
    let plot_h = h - bottom - top_pad;
    let band = (w - left - 16.0) / cols.len() as f64;
    let bar_w = (band * 0.5).min(80.0);
    let y = |v: f64| top_pad + plot_h - v / max * plot_h;
    let title_id = format!(
        "graphique-{}",
        t.code.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let period = |c: usize| {
        t.columns[c]
            .label_fr
            .split(" — ")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let hatch_id = format!("hachures-{title_id}");
    let fill = |color: &str| {
        if color == ESTIMATED {
            format!("url(#{hatch_id})")
        } else {
            color.to_string()
        }
    };
    let bars = cols.iter().enumerate().map(|(k, &c)| {
        let x = left + band * k as f64 + (band - bar_w) / 2.0;
        let mut acc = 0.0;
        let mut parts = Vec::new();
        for (slot, &i) in named.iter().enumerate() {
            if let Some(v) = t.rows[i].values[c] {
                parts.push((PALETTE[slot], acc, v));
                acc += v;
            }
        }
        let others: f64 = t.rows.iter().enumerate().filter(|(i, _)| !named.contains(i)).filter_map(|(_, r)| r.values[c]).sum();
        if others > 0.0 {
            parts.push((OTHERS, acc, others));
            acc += others;
        }
        // Figures committed only at a coarser level, estimated with a split key: the same
        // total as the table's.
        let estimated = t.totals[c].estimated;
        if estimated > 0.0 {
            parts.push((ESTIMATED, acc, estimated));
            acc += estimated;
        }
        let obj = objective(c);
        // The value above the bar, moved above the objective's line when the line would cross it.
        let value_y = match obj {
            Some(o) if (y(o) - (y(acc) - 8.0)).abs() < 10.0 => y(acc.max(o)) - 14.0,
            _ => y(acc) - 4.0,
        };
        html! {
            <g>
                { for parts.iter().map(|(color, from, v)| html! {
                    <rect x={format!("{x:.1}")} y={format!("{:.1}", y(from + v))} width={format!("{bar_w:.1}")}
                        height={format!("{:.1}", (y(*from) - y(from + v)).max(0.0))} fill={fill(color)} />
                }) }
                <text x={format!("{:.1}", x + bar_w / 2.0)} y={format!("{:.1}", value_y)} text-anchor="middle" class="graphique-valeur">{ num(acc) }</text>
                if let Some(o) = obj {
                    <line x1={format!("{:.1}", x - 8.0)} x2={format!("{:.1}", x + bar_w + 8.0)} y1={format!("{:.1}", y(o))} y2={format!("{:.1}", y(o))}
                        stroke="#1b1b1b" stroke-width="2.5" stroke-dasharray="6 3" />
                    // Right of the bar, or left of it near the right edge: never clipped.
                    if x + bar_w + 10.0 + 96.0 <= w {
                        <text x={format!("{:.1}", x + bar_w + 10.0)} y={format!("{:.1}", y(o) + 4.0)} class="graphique-objectif">{ format!("objectif {}", num(o)) }</text>
                    } else {
                        <text x={format!("{:.1}", x - 10.0)} y={format!("{:.1}", y(o) + 4.0)} text-anchor="end" class="graphique-objectif">{ format!("objectif {}", num(o)) }</text>
                    }
                }
                <text x={format!("{:.1}", x + bar_w / 2.0)} y={format!("{:.1}", h - bottom + 18.0)} text-anchor="middle">{ period(c) }</text>
            </g>
        }
    });
    let ticks = crate::pages::y_grid(&cus_core::numfmt::nice_ticks(top), left, w - 16.0, &y, &num);
    let legend: Vec<(String, &str)> = named
        .iter()
        .enumerate()
        .map(|(slot, &i)| (t.rows[i].label.clone(), PALETTE[slot]))
        .chain((t.rows.len() > named.len()).then(|| {
            (
                format!("{} autres organismes", t.rows.len() - named.len()),
                OTHERS,
            )
        }))
        .chain(cols.iter().any(|&c| t.totals[c].estimated > 0.0).then(|| {
            (
                "estimations par clé de répartition (organismes non ventilés)".to_string(),
                ESTIMATED,
            )
        }))
        .collect();
    html! {
        <figure class="graphique" aria-labelledby={title_id.clone()}>
            <figcaption id={title_id.clone()}>{ format!("{} — engagements par période, empilés par organisme{} ({})", t.code, if t.comparisons.is_empty() { "" } else { ", et objectif (trait pointillé)" }, t.unit_fr) }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-labelledby={title_id} class="graphique-svg">
                <defs>
                    <pattern id={hatch_id.clone()} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" fill="#ffffff" />
                        <rect width="3" height="6" fill="#0b5d63" />
                    </pattern>
                </defs>
                { ticks }
                { for bars }
            </svg>
            <ul class="legende-graphique">
                { for legend.iter().map(|(l, c)| html! {
                    <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill={fill(c)} /></svg>{ format!(" {l}") }</li>
                }) }
            </ul>
            if unventilated > 0 {
                <p class="note">{ format!(
                    "Hors des barres : {} organisme{} engagé{} seulement à une maille plus large, non réparti{} sans clé (voir « Non ventilé » dans la consolidation).",
                    unventilated,
                    if unventilated > 1 { "s" } else { "" },
                    if unventilated > 1 { "s" } else { "" },
                    if unventilated > 1 { "s" } else { "" }
                ) }</p>
            }
            <div class="grille-defilement" tabindex="0" role="region" aria-label={format!("Données du graphique de {}", t.code)}>
            <table class="tableau donnees-graphique">
                <caption>{ "Données du graphique : chaque segment de barre, le total, l'objectif" }</caption>
                <thead><tr>
                    <th scope="col">{ "Période" }</th>
                    { for named.iter().map(|&i| html! { <th scope="col">{ t.rows[i].label.clone() }</th> }) }
                    if t.rows.len() > named.len() { <th scope="col">{ format!("{} autres organismes", t.rows.len() - named.len()) }</th> }
                    <th scope="col">{ "Estimations par clé" }</th>
                    <th scope="col">{ "Engagements (total)" }</th>
                    <th scope="col">{ "Objectif" }</th>
                    <th scope="col">{ "Non ventilés, hors total" }</th>
                </tr></thead>
                <tbody>
                    { for cols.iter().map(|&c| {
                        let others: f64 = t.rows.iter().enumerate().filter(|(i, _)| !named.contains(i)).filter_map(|(_, r)| r.values[c]).sum();
                        html! {
                            <tr>
                                <th scope="row">{ period(c) }</th>
                                { for named.iter().map(|&i| html! {
                                    <td class="nombre">{ if t.rows[i].applicable[c] { t.rows[i].values[c].map(num).unwrap_or_else(|| "vide".into()) } else { "—".into() } }</td>
                                }) }
                                if t.rows.len() > named.len() { <td class="nombre">{ num(others) }</td> }
                                <td class="nombre">{ num(t.totals[c].estimated) }</td>
                                <td class="nombre">{ t.totals[c].value().map(num).unwrap_or_else(|| "vide".into()) }</td>
                                <td class="nombre">{ objective(c).map(num).unwrap_or_else(|| "—".into()) }</td>
                                <td class="nombre">{ t.unventilated_totals[c].map(num).unwrap_or_else(|| "—".into()) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
        </figure>
    }
}
