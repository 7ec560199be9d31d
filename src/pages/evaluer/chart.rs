//! Committed next to achieved, per year of the evaluation: an SVG chart drawn by the app (two
//! bars per year) with its table, which screen readers and print use too. An indicator
//! committed per year shows each year's figures; one committed only as cumulatives (at 3 and 6
//! years) shows the figures cumulated to each year.

use cus_core::evaluation::report::Series;
use cus_core::numfmt::format_fr;
use yew::prelude::*;

const COMMITTED: &str = "#9aa5ad";
const ACHIEVED: &str = "#0b5d63";

use cus_core::numfmt::nice_max;

/// The chart and its table for one indicator's series (`yearly`: the indicator is committed per
/// year; `year_label`: calendar label of each year).
pub fn chart(s: &Series, unit: &str, yearly: bool, year_label: &dyn Fn(u8) -> String) -> Html {
    let yearly = yearly || s.points.iter().any(|p| p.committed.is_some());
    let pts: Vec<(u8, Option<f64>, Option<f64>)> = s
        .points
        .iter()
        .map(|p| {
            if yearly {
                (p.year, p.committed, p.achieved)
            } else {
                (p.year, p.committed_to_date, p.achieved_to_date)
            }
        })
        .collect();
    if pts.iter().all(|(_, c, a)| c.is_none() && a.is_none()) {
        let entered = s.points.iter().map(|p| p.achieved_rows).max().unwrap_or(0);
        let text = if entered > 0 && entered < s.rows {
            format!(
                "{} : réalisations saisies pour {entered} territoire{} sur {} ; le graphique \
                 attend qu'ils le soient tous (une partie ne se compare pas au tout).",
                s.indicator,
                if entered > 1 { "s" } else { "" },
                s.rows
            )
        } else if s.percentage && s.rows > 1 {
            // Percentages of several territories are never added: no figure for the whole.
            format!(
                "{} : un pourcentage par territoire ne s'additionne pas d'un territoire à \
                 l'autre ; engagé et réalisé de chaque territoire dans le tableau ci-dessous.",
                s.indicator
            )
        } else if entered == 0 {
            format!(
                "{} : aucune réalisation saisie pour ces années ; les engagements sont dans le \
                 tableau ci-dessous.",
                s.indicator
            )
        } else {
            format!(
                "{} : ni engagement ni réalisation à représenter pour ces années.",
                s.indicator
            )
        };
        return html! { <p class="aide graphique-eval-vide" data-indicateur={s.indicator.clone()}>{ text }</p> };
    }
    let num = |v: f64| {
        if s.percentage {
            format!("{} %", format_fr(v, 1))
        } else {
            format_fr(v, 1)
        }
    };
    let top = pts
        .iter()
        .flat_map(|(_, c, a)| [c.unwrap_or(0.0), a.unwrap_or(0.0)])
        .fold(0.0, f64::max);
    let max = nice_max(top);
    let (w, h, left, bottom, top_pad) = (640.0, 280.0, 64.0, 40.0, 16.0);
    let plot_h = h - bottom - top_pad;
    let band = (w - left - 16.0) / pts.len().max(1) as f64;
    let bar_w = (band * 0.3).min(48.0);
    let y = |v: f64| top_pad + plot_h - v / max * plot_h;
    let id = format!(
        "graphique-evaluation-{}",
        s.indicator
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let what = if yearly {
        "par année"
    } else {
        "cumulés depuis la première année"
    };
    let title = format!(
        "{} — engagé et réalisé {what} ({unit}{})",
        s.indicator,
        if s.rows > 1 && s.percentage {
            format!(
                ", {} territoires : numérateurs et dénominateurs additionnés, engagements non additionnables",
                s.rows
            )
        } else if s.rows > 1 {
            format!(", {} territoires additionnés", s.rows)
        } else {
            String::new()
        }
    );
    let bars = pts.iter().enumerate().map(|(k, (year, c, a))| {
        let x0 = left + band * k as f64 + band / 2.0 - bar_w;
        let bar = |x: f64, v: Option<f64>, color: &'static str| match v {
            Some(v) => html! {
                <g>
                    <rect x={format!("{x:.1}")} y={format!("{:.1}", y(v))} width={format!("{bar_w:.1}")}
                        height={format!("{:.1}", (y(0.0) - y(v)).max(0.0))} fill={color} />
                    <text x={format!("{:.1}", x + bar_w / 2.0)} y={format!("{:.1}", y(v) - 4.0)} text-anchor="middle" class="graphique-eval-valeur">{ num(v) }</text>
                </g>
            },
            None => html! {
                <text x={format!("{:.1}", x + bar_w / 2.0)} y={format!("{:.1}", y(0.0) - 4.0)} text-anchor="middle">{ "—" }</text>
            },
        };
        html! {
            <g>
                { bar(x0, *c, COMMITTED) }
                { bar(x0 + bar_w, *a, ACHIEVED) }
                <text x={format!("{:.1}", x0 + bar_w)} y={format!("{:.1}", h - bottom + 18.0)} text-anchor="middle">{ year_label(*year) }</text>
            </g>
        }
    });
    let ticks = crate::pages::y_grid(&cus_core::numfmt::nice_ticks(top), left, w - 16.0, &y, &num);
    let cell = |v: Option<f64>| v.map(num).unwrap_or_else(|| "—".into());
    html! {
        <figure class="graphique-eval" aria-labelledby={id.clone()} data-indicateur={s.indicator.clone()}>
            <figcaption id={id.clone()}>{ title.clone() }</figcaption>
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-labelledby={id.clone()} class="graphique-eval-svg">
                { ticks }
                { for bars }
            </svg>
            <ul class="legende-graphique-eval">
                <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill={COMMITTED} /></svg>{ " Engagé" }</li>
                <li><svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" fill={ACHIEVED} /></svg>{ " Réalisé" }</li>
            </ul>
            <table class="recap-table donnees-graphique-eval">
                <caption>{ format!("Données du graphique : {title}") }</caption>
                <thead><tr><th scope="col">{ "Année" }</th><th scope="col">{ "Engagé" }</th><th scope="col">{ "Réalisé" }</th>
                    if s.rows > 1 { <th scope="col">{ "Territoires saisis" }</th> }</tr></thead>
                <tbody>
                    { for s.points.iter().zip(&pts).map(|(p, (year, c, a))| html! {
                        <tr>
                            <th scope="row">{ year_label(*year) }</th>
                            <td>{ cell(*c) }</td>
                            <td>{ cell(*a) }</td>
                            if s.rows > 1 { <td>{ format!("{} sur {}", p.achieved_rows, s.rows) }</td> }
                        </tr>
                    }) }
                </tbody>
            </table>
        </figure>
    }
}
