//! One module per page.

pub mod evaluer;
pub mod export;
pub mod fill;
pub mod former;
pub mod grid;
pub mod home;
pub mod modes;
pub mod num_input;
pub mod organism;
pub mod period_tables;
pub mod reference;
pub mod simuler;
pub mod stock;

/// The French plural mark of a count: `""` for 0 or 1, `"s"` above.
/// A piece of an HTML id from an indicator code: « PP-4 complémentaire » or « PP-1 bis » hold a
/// space, which an id (and an `aria-labelledby` list) cannot.
pub(crate) fn code_id(code: &str) -> String {
    code.trim().replace(char::is_whitespace, "-")
}

pub(crate) fn plural_s(n: usize) -> &'static str {
    if n > 1 {
        "s"
    } else {
        ""
    }
}

/// The horizontal grid of a bar chart: one line per tick (`cus_core::numfmt::nice_ticks`, from
/// 0 to the scale's maximum), from `left` to `right`, each labelled on the left (`y` maps a value
/// to its ordinate, `label` writes it the French way).
pub(crate) fn y_grid(
    ticks: &[f64],
    left: f64,
    right: f64,
    y: &dyn Fn(f64) -> f64,
    label: &dyn Fn(f64) -> String,
) -> yew::Html {
    use yew::html;
    html! {
        { for ticks.iter().map(|&v| {
            html! {
                <g>
                    <line x1={format!("{left}")} x2={format!("{right:.1}")} y1={format!("{:.1}", y(v))} y2={format!("{:.1}", y(v))} stroke="#d5dade" />
                    <text x={format!("{:.1}", left - 6.0)} y={format!("{:.1}", y(v) + 4.0)} text-anchor="end">{ label(v) }</text>
                </g>
            }
        }) }
    }
}
