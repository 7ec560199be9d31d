//! The regional synthesis on the page: a renderer of `cus_core::report::Report` that adds no
//! word and no figure of its own (the workbook, the CSV, the JSON and `cus consolider` render the
//! same report). Each chart is an SVG drawn here, followed by the table holding its figures.

use cus_core::numfmt::{format_fr, nice_max};
use cus_core::report::{Cell, Chart, Report, Section, Table};
use yew::prelude::*;

/// Every section of the report.
pub fn report_view(r: &Report) -> Html {
    html! {
        <div class="synthese">
            <ul class="contexte-synthese">
                { for r.context.iter().map(|c| html! { <li>{ c.clone() }</li> }) }
            </ul>
            { for r.sections.iter().map(section_view) }
        </div>
    }
}

fn id_of(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

pub fn section_view(s: &Section) -> Html {
    let id = format!("synthese-{}", id_of(&s.id));
    html! {
        <section class="compilation section-synthese saut-page" aria-labelledby={id.clone()} data-section={s.id.clone()}>
            <h2 id={id.clone()}>{ s.title.clone() }</h2>
            if !s.intro.is_empty() {
                <p class="introduction-synthese">{ s.intro.clone() }</p>
            }
            if !s.sentences.is_empty() {
                <div class="phrases-cles" role="group" aria-label={format!("Phrases clés — {}", s.title)}>
                    { for s.sentences.iter().map(|p| html! { <p data-phrase={p.id.clone()}>{ p.text.clone() }</p> }) }
                </div>
            }
            { for s.tables.iter().map(|t| {
                let chart = s.charts.iter().find(|c| c.table == t.id);
                html! {
                    <div class="bloc-impression">
                        if let Some(c) = chart { { chart_view(&id, c, t) } }
                        { table_view(&id, t) }
                    </div>
                }
            }) }
        </section>
    }
}

fn cell_view(c: &Cell, total: bool) -> Html {
    let class = match c {
        Cell::Nombre { .. } | Cell::Pourcentage { .. } => "nombre",
        Cell::Vide { .. } => "nombre vide",
        Cell::Texte { .. } => "",
    };
    let class = if total {
        format!("{class} total")
    } else {
        class.to_string()
    };
    html! { <td class={class}>{ c.text_fr() }</td> }
}

fn table_view(section: &str, t: &Table) -> Html {
    let id = format!("{section}-{}", id_of(&t.id));
    let class = if t.id == "organismes-sous-territoires" {
        "tableau tableau-organismes-sous-territoires"
    } else {
        "tableau"
    };
    html! {
        <div class="grille-defilement" tabindex="0" role="region" aria-labelledby={format!("{id}-titre")}>
            <table class={class} id={id.clone()} data-tableau={t.id.clone()}>
                <caption id={format!("{id}-titre")}>{ t.caption.clone() }</caption>
                <thead><tr>{ for t.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                <tbody>
                    { for t.rows.iter().map(|r| html! {
                        <tr class={if r.total { "ligne-total" } else { "" }}>
                            <th scope="row">{ r.label.clone() }</th>
                            { for r.cells.iter().map(|c| cell_view(c, r.total)) }
                        </tr>
                    }) }
                </tbody>
            </table>
            { for t.notes.iter().map(|n| html! { <p class="note-tableau">{ n.clone() }</p> }) }
        </div>
    }
}

/// Horizontal bars, one per label, the value written at the end of each bar; the table that
/// follows holds the same figures.
fn chart_view(section: &str, c: &Chart, t: &Table) -> Html {
    if c.bars.is_empty() {
        return html! {};
    }
    let top = c.bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let max = if c.unit == "%" { 100.0 } else { nice_max(top) };
    let row_h = 22.0;
    // Labels up to 45 characters (the table that follows gives them whole).
    let short = |l: &str| -> String {
        if l.chars().count() > 45 {
            format!("{}…", l.chars().take(44).collect::<String>())
        } else {
            l.to_string()
        }
    };
    let longest = c
        .bars
        .iter()
        .map(|b| short(&b.0).chars().count())
        .max()
        .unwrap_or(4);
    let left = (longest as f64 * 6.6 + 10.0).clamp(60.0, 320.0);
    let (right, w) = (80.0, 720.0);
    let h = row_h * c.bars.len() as f64 + 12.0;
    let plot = w - left - right;
    let title_id = format!("{section}-{}-titre", id_of(&c.id));
    let value = |v: f64| {
        if c.unit == "%" {
            format!("{} %", format_fr(v, 1))
        } else {
            format_fr(v, 0)
        }
    };
    html! {
        <figure class="graphique">
            <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-labelledby={title_id.clone()} width="100%">
                <title id={title_id.clone()}>{ format!("{} (chiffres dans le tableau « {} »)", c.caption, t.caption) }</title>
                { for c.bars.iter().enumerate().map(|(i, (label, v))| {
                    let y = 6.0 + i as f64 * row_h;
                    let bw = if max > 0.0 { (v / max * plot).max(0.0) } else { 0.0 };
                    html! {
                        <g>
                            <text x={format!("{}", left - 6.0)} y={format!("{}", y + 14.0)} text-anchor="end" font-size="12">{ short(label) }</text>
                            <rect x={format!("{left}")} y={format!("{}", y + 3.0)} width={format!("{bw:.1}")} height="14" fill="#0b5d63" />
                            <text x={format!("{:.1}", left + bw + 4.0)} y={format!("{}", y + 14.0)} font-size="12">{ value(*v) }</text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption>{ c.caption.clone() }</figcaption>
        </figure>
    }
}
