//! A grid printed as the récapitulatif prints it: one table per period (and per group of splits
//! when there are many), each repeating the row labels, so that a wide grid prints whole on a page
//! instead of being cut at its edge (the récapitulatif of « Remplir », the paper sheet of « Se
//! former »).

use cus_core::catalogue::{Catalogue, Indicator};
use cus_core::convention::{Convention, GridShape, Value};
use cus_core::numfmt::format_fr;
use yew::prelude::*;

/// Value columns of one printed table (with the row labels, it fits a landscape page).
const MAX_COLUMNS: usize = 12;

/// Text of a stored value, as the grids show it: a number in French, « Oui » / « Non », a text
/// as typed (its line breaks kept by the style of the cell).
fn value_text(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Number(n)) => format_fr(*n, 2),
        Some(Value::Text(t)) => t.clone(),
        Some(Value::Bool(b)) => cus_core::convention::yes_no_fr(*b).to_string(),
    }
}

/// The tables of one indicator of a convention, period by period.
pub fn period_tables(
    cat: &Catalogue,
    conv: &Convention,
    ind: &Indicator,
    year: Option<i32>,
    geo: Option<&cus_core::geo::Referential>,
) -> Html {
    // The grid's rows, columns and keys; columns period by period, as in the grid and workbooks.
    let shape = GridShape::new(conv, ind, geo);
    // Computed totals across the coarsest level's rows, for additive indicators.
    let level = conv.levels(ind).first().copied();
    let several_levels = conv.levels(ind).len() > 1;
    let total = |s: usize, p: usize| {
        cus_core::calc::total_across_territories(
            conv,
            cat,
            geo,
            &ind.code,
            &shape.splits[s],
            shape.periods[p],
            level,
        )
        .map(|e| format_fr(e.value, 2))
        .unwrap_or_default()
    };
    let additive = cus_core::convention::is_additive(ind);
    // Yes/no answers and texts: left-aligned, a text wrapped with its line breaks.
    let qualitative = ind.value.default_bounds().is_none();
    // One table per period (and per group of splits when there are many), each repeating the
    // row labels: a wide grid prints whole on a landscape page instead of being cut at its edge.
    let split_groups: Vec<Vec<usize>> = (0..shape.splits.len())
        .collect::<Vec<_>>()
        .chunks(MAX_COLUMNS)
        .map(<[usize]>::to_vec)
        .collect();
    let tables = (0..shape.periods.len()).flat_map(|p| split_groups.iter().map(move |g| (p, g)));
    html! {
        <>
            { for tables.map(|(p, group)| html! {
                <table class={classes!("recap-table", qualitative.then_some("recap-qualitatif"),
                    (ind.value == cus_core::catalogue::ValueKind::Texte).then_some("recap-texte"))}>
                    <caption>{ format!("{} — {}", ind.code, ind.period_label_fr(shape.periods[p], year)) }
                        if split_groups.len() > 1 { { format!(" ({}/{})", split_groups.iter().position(|g2| g2 == group).unwrap_or(0) + 1, split_groups.len()) } }
                    </caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Territoire" }</th>
                            { for group.iter().map(|&s| html! {
                                <th scope="col">{ shape.splits[s].label_fr(ind) }</th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for shape.rows.iter().enumerate().map(|(r, t)| html! {
                            <tr>
                                <th scope="row">{ conv.territory_label(t, geo) }</th>
                                { for group.iter().map(|&s| html! {
                                    <td>{ value_text(conv.values.get(&shape.key(r, s, p))) }</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                    if additive {
                        <tfoot>
                            <tr>
                                <th scope="row">{ crate::pages::grid::total_label(several_levels.then_some(level).flatten()) }</th>
                                { for group.iter().map(|&s| html! { <td>{ total(s, p) }</td> }) }
                            </tr>
                        </tfoot>
                    }
                </table>
            }) }
        </>
    }
}
