//! The collectivité's objectives: entered per indicator, split and period (by hand, or pasted
//! from a spreadsheet), and the commitments next to them: gap and coverage, per year and
//! cumulated, said in words and not by colour alone.

use cus_core::consolidation::{
    parse_objectives, paste_objectives, Aligned, ConsolidatedTable, WsEdit,
};
use std::rc::Rc;

use yew::prelude::*;

use crate::pages::num_input::NumInput;

use super::tables::{num, scenario_picker};

use super::SectionProps;

#[function_component(Objectifs)]
pub fn objectifs(props: &SectionProps) -> Html {
    let chosen = use_state(|| None::<String>);
    let pasted = use_state(String::new);
    let paste_result = use_state(|| None::<Result<usize, Vec<String>>>);
    let grid_paste = use_state(|| None::<String>);
    let Some(cons) = props.derived.current.as_ref() else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let additive: Vec<&ConsolidatedTable> = cons
        .groups
        .iter()
        .flat_map(|g| g.tables.iter())
        .filter(|t| t.additive)
        .collect();
    let Some(t) = chosen
        .as_ref()
        .and_then(|c| additive.iter().find(|t| &t.code == c))
        .or_else(|| additive.first())
        .copied()
    else {
        return html! { <p>{ "Aucun indicateur chiffré en nombre à comparer sur ce territoire." }</p> };
    };
    let ws = &props.store.ws;
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        })
    };
    let on_paste_text = {
        let pasted = pasted.clone();
        Callback::from(move |e: InputEvent| {
            pasted.set(
                e.target_unchecked_into::<web_sys::HtmlTextAreaElement>()
                    .value(),
            )
        })
    };
    let on_paste = {
        let (pasted, result, d) = (pasted.clone(), paste_result.clone(), props.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_objectives(&pasted) {
                Ok(list) => {
                    let n = list.len();
                    d.emit(WsEdit::SetObjectives(list));
                    result.set(Some(Ok(n)));
                    pasted.set(String::new());
                }
                Err(errs) => result.set(Some(Err(errs))),
            }
        })
    };
    // The input grid: one row per split, one column per period.
    let mut splits: Vec<(String, String)> = Vec::new();
    let mut periods: Vec<(String, String)> = Vec::new();
    for c in &t.columns {
        let (split, period) = c.key.split_once('|').unwrap_or_default();
        let mut parts = c.label_fr.splitn(2, " — ");
        let (pl, sl) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        if !splits.iter().any(|(k, _)| k == split) {
            splits.push((split.to_string(), sl.to_string()));
        }
        if !periods.iter().any(|(k, _)| k == period) {
            periods.push((period.to_string(), pl.to_string()));
        }
    }
    // An indicator committed at 3 and 6 years only: objectives can also be given per calendar
    // year (a PLH's yearly production), compared on the cumulative windows they add up to.
    let windows: Vec<(i32, i32)> = t
        .columns
        .iter()
        .filter_map(|c| match c.aligned {
            Aligned::Window(a, b) => Some((a, b)),
            _ => None,
        })
        .collect();
    let yearly_only_objectives = !windows.is_empty()
        && !t
            .columns
            .iter()
            .any(|c| matches!(c.aligned, Aligned::Year(_)));
    if yearly_only_objectives {
        let first = windows.iter().map(|w| w.0).min().unwrap_or_default();
        let last = windows.iter().map(|w| w.1).max().unwrap_or_default();
        for y in first..=last {
            periods.push((y.to_string(), format!("Objectif {y}")));
        }
    }
    // A share of the financings (a PLH's « 30 % de PLAI »), when the rule data defines one for
    // this indicator: its own row, in percent, on the same periods.
    if let Some(share) = &t.share {
        splits.push((
            cus_core::consolidation::SHARE_SPLIT.to_string(),
            format!("{} (%)", share.label_fr),
        ));
    }
    let split_keys: Rc<Vec<String>> = Rc::new(splits.iter().map(|(k, _)| k.clone()).collect());
    let period_keys: Rc<Vec<String>> = Rc::new(periods.iter().map(|(k, _)| k.clone()).collect());
    // Objectives belong to the territory they were set for.
    let territory = ws.territory.clone();
    let input = |row: usize, col: usize, label: String| {
        let (split, period) = (&split_keys[row], &period_keys[col]);
        let current = ws
            .objectives
            .iter()
            .find(|o| {
                o.indicator == t.code
                    && &o.split == split
                    && &o.period == period
                    && o.territory
                        .as_ref()
                        .is_none_or(|x| Some(x) == territory.as_ref())
            })
            .map(|o| o.value);
        let (d, code, split_s, period_s) = (
            props.dispatch.clone(),
            t.code.clone(),
            split.to_string(),
            period.to_string(),
        );
        let on_change = Callback::from(move |value: Option<f64>| {
            d.emit(WsEdit::SetObjective {
                indicator: code.clone(),
                split: split_s.clone(),
                period: period_s.clone(),
                value,
            });
        });
        let on_paste_block = {
            let (d, code, sk, pk, msg) = (
                props.dispatch.clone(),
                t.code.clone(),
                split_keys.clone(),
                period_keys.clone(),
                grid_paste.clone(),
            );
            Callback::from(move |text: String| {
                let p = paste_objectives(&code, &sk, &pk, &text, row, col);
                let n = p.objectives.len();
                if n > 0 {
                    d.emit(WsEdit::SetObjectives(p.objectives));
                }
                let m = crate::pages::num_input::paste_summary_fr(
                    "objectif", false, n, &p.bad, p.outside,
                );
                msg.set(Some(m));
            })
        };
        html! {
            <NumInput id={format!("objectif-{}-{row}-{col}", t.code.replace(|c: char| !c.is_ascii_alphanumeric(), "-"))}
                class="case" label={label} value={current} {on_change} {on_paste_block} />
        }
    };
    html! {
        <>
            <p class="chapo">{ "Saisissez vos objectifs (programme local de l'habitat, schéma départemental, objectifs régionaux…) pour les comparer à la somme des engagements des organismes." }</p>
            { scenario_picker(props) }
            <div class="ligne-formulaire">
                <label for="indicateur-objectif">{ "Indicateur" }</label>
                <select id="indicateur-objectif" onchange={on_choose}>
                    { for additive.iter().map(|x| html! {
                        <option value={x.code.clone()} selected={x.code == t.code}>{ format!("{} — {}", x.code, x.label) }</option>
                    }) }
                </select>
            </div>
            <div class="grille-defilement">
                <table class="tableau-grille">
                    <caption>{ format!("Objectifs — {} ({})", t.label, t.unit_fr) }</caption>
                    <thead><tr>
                        <th scope="col">{ "Ventilation" }</th>
                        { for periods.iter().map(|(_, l)| html! { <th scope="col">{ l.clone() }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for splits.iter().enumerate().map(|(r, (_, sl))| html! {
                            <tr>
                                <th scope="row">{ sl.clone() }</th>
                                { for periods.iter().enumerate().map(|(c, (_, pl))| html! {
                                    <td>{ input(r, c, format!("Objectif {} — {sl} — {pl}", t.code)) }</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if let Some(m) = &*grid_paste {
                <p role="status">{ m.clone() }</p>
            }
            if yearly_only_objectives {
                <p class="aide">{ "Cet indicateur est engagé à 3 et 6 ans : des objectifs par année civile (celles d'un programme local de l'habitat) sont comparés à chaque cumul dont toutes les années ont un objectif." }</p>
            }
            if let Some(note) = &t.calendar_note_fr {
                <p class="aide">{ note.clone() }</p>
            }
            <form class="coller-objectifs" onsubmit={on_paste}>
                <label for="objectifs-colles">{ format!(
                    "Ou collez des lignes depuis un tableur : indicateur, ventilation, période, valeur (par exemple « {} ; {} ; 1 200 »)",
                    t.code,
                    // The example names the total split of the last period (`total`,
                    // `valeur`), never the key of a part (`PLS/hors-ru`).
                    super::tables::total_columns(t)
                        .last()
                        .map(|&c| format!("{} ; {}", t.columns[c].split.key(), t.columns[c].aligned.label_fr()))
                        .unwrap_or_default()
                ) }</label>
                <textarea id="objectifs-colles" rows="4" value={(*pasted).clone()} oninput={on_paste_text} />
                <button type="submit" class="bouton bouton-secondaire">{ "Ajouter ces objectifs" }</button>
            </form>
            { match &*paste_result {
                Some(Ok(n)) => html! { <p role="status">{ format!("{n} objectif(s) enregistré(s).") }</p> },
                Some(Err(errs)) => html! {
                    <div class="message-erreur" role="alert">
                        <p>{ "Aucun objectif n'a été ajouté : corrigez ces lignes." }</p>
                        <ul>{ for errs.iter().map(|e| html! { <li>{ e.clone() }</li> }) }</ul>
                    </div>
                },
                None => html! {},
            } }
            { comparisons(t, props.scenario.and_then(|i| ws.scenarios.get(i)).map(|s| s.name.as_str())) }
            { super::charts::commitments_chart(t) }
        </>
    }
}

/// Commitments next to objectives: a sentence each, then per year and cumulated.
/// `scenario`: the name of the scenario whose figures are shown (`None`: the files as they are),
/// said in the heading so that a gap is never read as the files' own.
pub fn comparisons(t: &ConsolidatedTable, scenario: Option<&str>) -> Html {
    if t.comparisons.is_empty() {
        return html! { <p>{ "Aucun objectif saisi pour cet indicateur." }</p> };
    }
    // (One section per indicator in the print view: an id of its own.)
    let title_id = format!(
        "titre-ecarts-{}",
        t.code.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    html! {
        <section aria-labelledby={title_id.clone()}>
            <h2 id={title_id}>{ format!("Engagements et objectifs — {}{}", t.code, scenario.map(|n| format!(" — scénario « {n} »")).unwrap_or_default()) }</h2>
            <table class="tableau">
                <thead><tr>
                    <th scope="col">{ "Colonne" }</th>
                    <th scope="col">{ "Objectif" }</th>
                    <th scope="col">{ "Engagements" }</th>
                    <th scope="col">{ "Écart" }</th>
                    <th scope="col">{ "Couverture" }</th>
                    <th scope="col">{ "En clair" }</th>
                </tr></thead>
                <tbody>
                    { for t.comparisons.iter().map(|c| html! {
                        <tr>
                            <th scope="row">{ c.column_label.clone() }</th>
                            <td class="nombre">{ num(c.objective.value) }</td>
                            <td class="nombre">{ c.committed.map(num).unwrap_or_else(|| "vide".into()) }{ if c.estimate { " (estimation)" } else { "" } }</td>
                            <td class="nombre">{ c.gap.map(|g| format!("{}{}", if g > 0.0 { "+" } else { "" }, num(g))).unwrap_or_else(|| "—".into()) }</td>
                            <td class="nombre">{ c.coverage.map(|p| format!("{} %", num(p))).unwrap_or_else(|| "—".into()) }</td>
                            <td>{ c.text_fr.clone() }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            { for t.years.iter().map(|(split, lines)| html! {
                <table class="tableau">
                    <caption>{ format!("Par année et en cumul — ventilation « {split} »") }</caption>
                    <thead><tr>
                        <th scope="col">{ "Année" }</th>
                        <th scope="col">{ "Objectif" }</th>
                        <th scope="col">{ "Engagements" }</th>
                        <th scope="col">{ "Objectif cumulé" }</th>
                        <th scope="col">{ "Engagements cumulés" }</th>
                        <th scope="col">{ "Couverture cumulée" }</th>
                    </tr></thead>
                    <tbody>
                        { for lines.iter().map(|l| html! {
                            <tr>
                                <th scope="row">{ l.label.split(" — ").next().unwrap_or_default().to_string() }</th>
                                <td class="nombre">{ l.objective.map(num).unwrap_or_else(|| "—".into()) }</td>
                                <td class="nombre">{ l.committed.map(num).unwrap_or_else(|| "vide".into()) }</td>
                                <td class="nombre">{ num(l.cumulated_objective) }</td>
                                <td class="nombre">{ num(l.cumulated_committed) }</td>
                                <td class="nombre">{ l.cumulated_coverage.map(|p| format!("{} %", num(p))).unwrap_or_else(|| "—".into()) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }) }
        </section>
    }
}
