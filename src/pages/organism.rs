//! The organism-level table (« consolidation au niveau de la société »), calculated from the
//! territorial detail (`cus_core::calc::organism_table`): one table per indicator, splits by
//! periods, each figure with how it was obtained; shown in the récapitulatif and in « Évaluer ».

use cus_core::calc::{organism_table, percent_fr, OrgLine};
use cus_core::catalogue::Catalogue;
use cus_core::convention::Convention;
use cus_core::numfmt::format_fr;
use yew::prelude::*;

fn figure(c: &cus_core::calc::OrgCell) -> String {
    match c.value {
        Some(v) if c.percent => percent_fr(v),
        Some(v) => format_fr(v, 1),
        None => "non consolidé".to_string(),
    }
}

fn indicator_table(lines: &[&OrgLine], id: &str) -> Html {
    let first = lines[0];
    let notes: Vec<String> = lines
        .iter()
        .flat_map(|l| {
            l.cells
                .iter()
                .zip(&l.period_labels)
                .map(move |(c, p)| format!("{}, {} : {}", l.split_fr, p, c.how_fr))
        })
        .collect();
    html! {
        <div class="tableau-organisme">
            <table class="tableau">
                <caption>
                    <span class="code">{ &first.code }</span>
                    { format!(" — {} ({}) : {}", first.label, first.unit_fr, first.from_fr) }
                </caption>
                <thead><tr>
                    <th scope="col">{ "Ventilation" }</th>
                    { for first.period_labels.iter().map(|p| html! { <th scope="col">{ p }</th> }) }
                </tr></thead>
                <tbody>
                    { for lines.iter().map(|l| html! {
                        <tr>
                            <th scope="row">{ &l.split_fr }</th>
                            { for l.cells.iter().map(|c| html! {
                                <td class={classes!("nombre", c.value.is_none().then_some("non-consolide"))} title={c.how_fr.clone()}>
                                    { figure(c) }
                                    if c.missing > 0 && c.value.is_some() { { " *" } }
                                </td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            <details class="comment-calcule" id={id.to_string()}>
                <summary>{ "Comment ces chiffres sont obtenus" }</summary>
                <ul>{ for notes.iter().map(|n| html! { <li>{ n }</li> }) }</ul>
                if lines.iter().any(|l| l.cells.iter().any(|c| c.missing > 0 && c.value.is_some())) {
                    <p class="aide">{ "* somme partielle : des territoires n'ont pas de valeur." }</p>
                }
            </details>
        </div>
    }
}

/// The table for a convention; `cat` is its view (`Convention::view`).
pub fn organism_section(cat: &Catalogue, conv: &Convention, heading_id: &str) -> Html {
    let lines = organism_table(conv, cat, conv.referential());
    if lines.is_empty() {
        return Html::default();
    }
    // Lines grouped by indicator, the decree's first, then the organism's own.
    let mut groups: Vec<Vec<&OrgLine>> = Vec::new();
    for l in lines
        .iter()
        .filter(|l| !l.hors_reglement)
        .chain(lines.iter().filter(|l| l.hors_reglement))
    {
        match groups.last_mut() {
            Some(g) if g[0].code == l.code => g.push(l),
            _ => groups.push(vec![l]),
        }
    }
    html! {
        <section class="recap-organisme" aria-labelledby={heading_id.to_string()}>
            <h3 id={heading_id.to_string()}>{ "Consolidation au niveau de l'organisme (calculée)" }</h3>
            <p class="aide">
                { "Calculée à partir du détail territorial saisi : les nombres sont additionnés ; un pourcentage est recalculé à partir des nombres et des bases (jamais moyenné) ; un niveau n'est additionné qu'à une même date ; ce qui ne se consolide pas est dit. Les indicateurs restent saisis à la maille que fixe le décret." }
            </p>
            { for groups.iter().enumerate().map(|(i, g)| html! {
                <>
                    if g[0].hors_reglement && (i == 0 || !groups[i - 1][0].hors_reglement) {
                        <h4>{ "Indicateurs complémentaires (hors règlement)" }</h4>
                    }
                    { indicator_table(g, &format!("{heading_id}-calcul-{i}")) }
                </>
            }) }
        </section>
    }
}
