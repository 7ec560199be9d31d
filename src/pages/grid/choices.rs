//! Above a grid, what the organism chooses where the texts are silent (`Convention::view`): the
//! unit of the commitment (a count, a percentage, or both with the base), the periodicity, and
//! whether the « dont » parts are counts or percentages of their total. Each choice is one
//! typed edit; the grid below is laid out from the view, so it follows at once.

use cus_core::catalogue::{Indicator, PartShare, Periodicity, UnitForm, ValueKind};
use cus_core::convention::{Convention, Edit, PART_PERCENT};
use yew::prelude::*;

/// One group of radio buttons: (label, checked, edit when chosen).
fn radios(
    legend: String,
    name: String,
    options: Vec<(String, bool, Edit)>,
    help: Option<&str>,
    update: &Callback<Edit>,
) -> Html {
    html! {
        <fieldset class="choix-unite">
            <legend>{ legend }</legend>
            { for options.into_iter().enumerate().map(|(i, (label, checked, edit))| {
                let onchange = {
                    let update = update.clone();
                    Callback::from(move |_: Event| update.emit(edit.clone()))
                };
                html! {
                    <label class="radio">
                        <input type="radio" name={name.clone()} id={format!("{name}-{i}")} {checked} {onchange} />
                        { format!(" {label}") }
                    </label>
                }
            }) }
            if let Some(h) = help {
                <p class="aide">{ h }</p>
            }
        </fieldset>
    }
}

/// What a unit offered means, in words (« logements et % du parc » → « en logements, avec le %
/// du parc »).
fn unit_label(u: &str) -> String {
    match UnitForm::of(u) {
        UnitForm::Nombre(n) => format!("en {n}"),
        UnitForm::Pourcentage(p) if p == "%" => "en %".to_string(),
        UnitForm::Pourcentage(p) => format!("en {p}"),
        UnitForm::NombreEtPourcentage(n, p) => format!("en {n}, avec le {p}"),
    }
}

fn periods_label(p: &Periodicity) -> String {
    let mut s = p.describe_fr();
    if let Some(rest) = s.strip_suffix(" ; valeur de référence") {
        s = rest.to_string();
    }
    s
}

/// The choices of one indicator above its grid (nothing when the catalogue offers none).
pub fn choices(conv: &Convention, ind: &Indicator, index: usize, update: &Callback<Edit>) -> Html {
    let mut out = Vec::new();
    if !ind.unit_choices.is_empty() {
        // The unit chosen, else the catalogue's own when it is one of those offered (« % »).
        let chosen = conv
            .units
            .get(&ind.code)
            .filter(|u| ind.unit_choices.contains(u))
            .cloned()
            .or_else(|| {
                let own = ind.value.unit_fr();
                ind.unit_choices.contains(&own).then_some(own)
            });
        let options = ind
            .unit_choices
            .iter()
            .map(|u| {
                (
                    unit_label(u),
                    chosen.as_ref() == Some(u),
                    Edit::SetUnit {
                        indicator: ind.code.clone(),
                        unit: Some(u.clone()),
                    },
                )
            })
            .collect();
        let help = if chosen.is_none() {
            Some("Choisissez-la une fois, comme votre convention l'écrit : elle figure dans le fichier envoyé à l'État.")
        } else if ind.base.is_some() {
            Some("Donnez la base une fois par territoire à l'étape Parc : le nombre et le pourcentage se déduisent alors l'un de l'autre, sous la grille.")
        } else {
            None
        };
        out.push(radios(
            format!(
                "Unité de l'engagement {} (le texte ne la fixe pas)",
                ind.code
            ),
            format!("unite-{index}"),
            options,
            help,
            update,
        ));
    }
    if !ind.period_choices.is_empty() {
        let chosen = conv
            .periodicity
            .get(&ind.code)
            .filter(|id| ind.period_choices.iter().any(|c| &c.id == *id));
        let options = ind
            .period_choices
            .iter()
            .map(|c| {
                let checked = match chosen {
                    Some(id) => *id == c.id,
                    None => c.periods == ind.periods,
                };
                (
                    periods_label(&c.periods),
                    checked,
                    Edit::SetPeriodicity {
                        indicator: ind.code.clone(),
                        choice: Some(c.id.clone()),
                    },
                )
            })
            .collect();
        out.push(radios(
            format!("Échéances de l'engagement {} (le texte ne les fixe pas)", ind.code),
            format!("periodicite-{index}"),
            options,
            Some("Les valeurs déjà saisies à d'autres échéances restent signalées à la Vérification (annulable par Ctrl+Z)."),
            update,
        ));
    }
    let count_parts = ind
        .splits
        .parts
        .iter()
        .any(|p| p.share != PartShare::PourcentageDeLaBase);
    if count_parts && matches!(ind.value, ValueKind::Nombre { .. }) {
        let percent = conv.part_units.get(&ind.code).map(String::as_str) == Some(PART_PERCENT);
        let unit = ind.value.unit_fr();
        let options = vec![
            (
                format!("en nombre ({unit})"),
                !percent,
                Edit::SetPartUnit {
                    indicator: ind.code.clone(),
                    unit: None,
                },
            ),
            (
                "en % du total".to_string(),
                percent,
                Edit::SetPartUnit {
                    indicator: ind.code.clone(),
                    unit: Some(PART_PERCENT.to_string()),
                },
            ),
        ];
        out.push(radios(
            format!("Parts « dont » de {} saisies", ind.code),
            format!("parts-{index}"),
            options,
            percent.then_some("Chaque part est un pourcentage de la valeur dont elle fait partie (92 = 92 %) ; le nombre correspondant est calculé sous la grille."),
            update,
        ));
    }
    html! { <>{ for out }</> }
}

/// Under the grid: what each commitment typed implies in the other unit, with its formula
/// (`calc::derived`); nothing when no base or percentage part is involved.
pub fn derived_table(
    conv: &Convention,
    ind: &Indicator,
    geo: Option<&cus_core::geo::Referential>,
) -> Html {
    /// Lines shown; the rest are counted.
    const SHOWN: usize = 60;
    let lines = cus_core::calc::derived(conv, ind, geo);
    if lines.is_empty() {
        return Html::default();
    }
    let n = lines.len();
    html! {
        <details class="chiffres-deduits">
            <summary>{ format!("Chiffres déduits ({n}) : nombre ↔ pourcentage, avec leur calcul") }</summary>
            <table class="tableau">
                <caption class="sr-only">{ format!("{} : chiffres déduits des engagements saisis", ind.code) }</caption>
                <thead><tr>
                    <th scope="col">{ "Territoire" }</th><th scope="col">{ "Case" }</th>
                    <th scope="col">{ "Saisi" }</th><th scope="col">{ "Déduit" }</th><th scope="col">{ "Calcul" }</th>
                </tr></thead>
                <tbody>
                    { for lines.iter().take(SHOWN).map(|d| html! {
                        <tr>
                            <td>{ &d.territory_fr }</td><td>{ &d.cell_fr }</td>
                            <td class="nombre">{ &d.stated_fr }</td><td class="nombre">{ &d.derived_fr }</td>
                            <td>{ &d.formula_fr }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if n > SHOWN {
                <p class="aide">{ format!("… et {} autres : le récapitulatif imprimable les donne toutes.", n - SHOWN) }</p>
            }
        </details>
    }
}
