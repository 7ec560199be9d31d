//! The consolidation: an overview of every indicator's totals, then one indicator at a time as a
//! table organisms × periods × splits, with its totals (each explaining itself), the « non
//! ventilé à cette maille » block with its split keys, and minimum / median / maximum for what
//! does not add up.

use cus_core::consolidation::{Consolidated, ConsolidatedTable, WsEdit, RULES_FR};
use cus_core::numfmt::format_fr;
use yew::prelude::*;

use super::{plural_s, SectionProps};

pub fn num(v: f64) -> String {
    format_fr(v, 1)
}

/// « vide » for an empty cell: an empty cell is not a zero.
pub fn cell(v: Option<f64>, invalid: bool) -> Html {
    match (v, invalid) {
        (Some(v), _) => html! { { num(v) } },
        (None, true) => html! { <span class="vide">{ "invalide" }</span> },
        (None, false) => html! { <span class="vide">{ "vide" }</span> },
    }
}

/// The columns of a table that show its totals in the overview: the total split of each period.
pub fn total_columns(t: &ConsolidatedTable) -> Vec<usize> {
    t.columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.split.part.is_none() && c.split.members.iter().all(Option::is_none))
        .map(|(i, _)| i)
        .collect()
}

/// The scenario selector shared by the sections that show figures.
pub fn scenario_picker(props: &SectionProps) -> Html {
    if props.store.ws.scenarios.is_empty() {
        return html! {};
    }
    let on = {
        let cb = props.on_scenario.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            cb.emit(v.parse::<usize>().ok());
        })
    };
    html! {
        <div class="ligne-formulaire choix-scenario">
            <label for="scenario-affiche">{ "Chiffres affichés" }</label>
            <select id="scenario-affiche" onchange={on}>
                <option value="" selected={props.scenario.is_none()}>{ "Les fichiers tels quels (référence)" }</option>
                { for props.store.ws.scenarios.iter().enumerate().map(|(i, s)| html! {
                    <option value={i.to_string()} selected={props.scenario == Some(i)}>{ format!("Scénario « {} »", s.name) }</option>
                }) }
            </select>
        </div>
    }
}

#[function_component(ConsolidationSection)]
pub fn consolidation_section(props: &SectionProps) -> Html {
    let chosen = use_state(|| None::<String>);
    let Some(cons) = props.derived.current.as_ref() else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let ex = props.derived.extract.as_ref();
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            chosen.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ))
        })
    };
    let all: Vec<&ConsolidatedTable> = cons.groups.iter().flat_map(|g| g.tables.iter()).collect();
    let selected = chosen
        .as_ref()
        .and_then(|c| all.iter().find(|t| &t.code == c))
        .or_else(|| all.first())
        .copied();
    html! {
        <>
            <details class="regles">
                <summary>{ "Les règles de la consolidation" }</summary>
                <ul>{ for RULES_FR.iter().map(|r| html! { <li>{ *r }</li> }) }</ul>
            </details>
            { scenario_picker(props) }
            if !cons.unmatched.is_empty() {
                <ul class="avertissement">{ for cons.unmatched.iter().map(|m| html! { <li>{ m.clone() }</li> }) }</ul>
            }
            { overview(cons, props) }
            if let Some(ex) = ex {
                { for ex.groups.iter().filter(|g| !g.left_out.is_empty()).map(|g| html! {
                    <details class="ecartes">
                        <summary>{ format!("{} : {} indicateur{} écarté{}", g.label_fr(), g.left_out.len(), plural_s(g.left_out.len()), plural_s(g.left_out.len())) }</summary>
                        <ul>{ for g.left_out.iter().map(|l| html! { <li><strong>{ format!("{} — {}", l.code, l.label) }</strong>{ " : " }{ l.reason_fr.clone() }</li> }) }</ul>
                    </details>
                }) }
            }
            if let Some(t) = selected {
                <h2 id="titre-detail">{ "Détail d'un indicateur" }</h2>
                <div class="ligne-formulaire">
                    <label for="indicateur-detail">{ "Indicateur" }</label>
                    <select id="indicateur-detail" onchange={on_choose}>
                        { for all.iter().map(|x| html! {
                            <option value={x.code.clone()} selected={x.code == t.code}>{ format!("{} — {}", x.code, x.label) }</option>
                        }) }
                    </select>
                </div>
                <TableView table={t.clone()} dispatch={props.dispatch.clone()} keys={props.store.ws.split_keys.clone()} />
            }
        </>
    }
}

/// Every indicator's totals per period, per group (never mixed across generations).
fn overview(cons: &Consolidated, props: &SectionProps) -> Html {
    let _ = props;
    html! {
        { for cons.groups.iter().map(|g| html! {
            <section class="vue-ensemble">
                <h2>{ format!("Vue d'ensemble — {}", g.label) }</h2>
                <table class="tableau">
                    <thead><tr>
                        <th scope="col">{ "Indicateur" }</th>
                        <th scope="col">{ "Organismes à cette maille" }</th>
                        <th scope="col">{ "Non ventilés" }</th>
                        <th scope="col">{ "Totaux (ventilation « Total »)" }</th>
                    </tr></thead>
                    <tbody>
                        { for g.tables.iter().map(|t| {
                            let cols = total_columns(t);
                            let figures: Vec<String> = cols.iter().map(|&c| {
                                let label = t.columns[c].label_fr.split(" — ").next().unwrap_or_default().to_string();
                                if t.additive {
                                    match t.totals[c].value() {
                                        Some(v) => format!("{label} : {}{}", num(v), if t.totals[c].is_estimate() { " (dont estimation)" } else { "" }),
                                        None => format!("{label} : vide"),
                                    }
                                } else {
                                    match &t.stats[c] {
                                        Some(s) => format!("{label} : médiane {} (de {} à {})", num(s.median), num(s.min), num(s.max)),
                                        None => format!("{label} : vide"),
                                    }
                                }
                            }).collect();
                            html! {
                                <tr>
                                    <th scope="row">{ format!("{} — {}", t.code, t.label) }<br /><span class="aide">{ t.unit_fr.clone() }</span></th>
                                    <td class="nombre">{ t.organisms_at_level() }</td>
                                    <td class="nombre">{ t.organisms_unventilated() }</td>
                                    <td>{ figures.join(" · ") }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </section>
        }) }
    }
}

#[derive(Properties, PartialEq)]
pub struct TableProps {
    pub table: ConsolidatedTable,
    pub dispatch: Callback<WsEdit>,
    pub keys: std::collections::BTreeMap<String, f64>,
}

/// One consolidated indicator.
#[function_component(TableView)]
pub fn table_view(props: &TableProps) -> Html {
    let explained = use_state(|| None::<usize>);
    let t = &props.table;
    let n = t.columns.len();
    // Header: periods as column groups, then splits.
    let mut periods: Vec<(String, usize)> = Vec::new();
    for c in &t.columns {
        let p = c
            .label_fr
            .split(" — ")
            .next()
            .unwrap_or_default()
            .to_string();
        match periods.last_mut() {
            Some((last, k)) if *last == p => *k += 1,
            _ => periods.push((p, 1)),
        }
    }
    let caption_id = format!(
        "tableau-{}",
        t.code.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    let row = |r: &cus_core::consolidation::Row, unventilated: bool| {
        // A split key applies to counts only (the statistics of the others leave « non ventilé »
        // rows out), and then there is one « non ventilé » row per file.
        let key_input = (unventilated && t.additive).then(|| {
            let (d, id) = (props.dispatch.clone(), r.id.clone());
            let on = Callback::from(move |e: Event| {
                let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
                let share = cus_core::numfmt::parse_fr(&v).ok().map(|p| p / 100.0);
                d.emit(WsEdit::SetSplitKey { file: id.clone(), share: if v.trim().is_empty() { None } else { share.or(Some(f64::NAN)) } });
            });
            let value = props.keys.get(&r.id).map(|k| format_fr(k * 100.0, 2)).unwrap_or_default();
            let input_id = format!("cle-{}-{}", t.code.replace(' ', "-"), r.id);
            html! {
                <span class="cle-repartition">
                    <label for={input_id.clone()}>{ "Clé de répartition (%)" }</label>
                    <input id={input_id} type="text" inputmode="decimal" size="6" value={value} onchange={on} />
                </span>
            }
        });
        html! {
            <tr class={classes!(r.hypothetical.then_some("hypothese"))}>
                <th scope="row">
                    { r.label.clone() }
                    <br /><span class="aide">{ if unventilated { format!("non ventilé : {}", r.basis_fr) } else { r.basis_fr.clone() } }</span>
                    { key_input.unwrap_or_default() }
                </th>
                { for (0..n).map(|c| {
                    let est = unventilated.then_some(()).and(r.key).zip(r.values[c]).map(|(k, v)| k * v);
                    if !r.applicable[c] {
                        // Not a period of this organism's convention (signed another year):
                        // neither empty nor zero.
                        return html! {
                            <td class="nombre sans-objet"><span aria-hidden="true">{ "—" }</span><span class="sr-only">{ "pas une période de sa convention" }</span></td>
                        };
                    }
                    html! {
                        <td class={classes!("nombre", r.changed[c].then_some("modifie"))}>
                            { cell(r.values[c], r.invalid[c]) }
                            if let Some(e) = est { <br /><span class="estimation">{ format!("estimation : {}", num(e)) }</span> }
                            if r.changed[c] { <span class="sr-only">{ " (modifié par le scénario)" }</span> }
                        </td>
                    }
                }) }
            </tr>
        }
    };
    let explain = |c: usize| {
        let e = explained.clone();
        Callback::from(move |_: MouseEvent| e.set(if *e == Some(c) { None } else { Some(c) }))
    };
    html! {
        <section class="tableau-consolide" aria-labelledby={caption_id.clone()}>
            <h3 id={caption_id.clone()}>{ format!("{} — {}", t.code, t.label) }<span class="unite">{ format!(" ({})", t.unit_fr) }</span></h3>
            if !t.additive {
                <p class="note">{ "Ces valeurs ne s'additionnent pas (pourcentage, montant ou durée) : elles sont montrées par organisme avec le minimum, la médiane et le maximum, jamais additionnées ni moyennées." }</p>
            }
            if !t.not_retained.is_empty() {
                <p class="note">{ format!("Indicateur facultatif non retenu par : {}.", t.not_retained.join(", ")) }</p>
            }
            if let Some(note) = &t.calendar_note_fr {
                <p class="note">{ format!("{note} « — » : pas une période de la convention de cet organisme.") }</p>
            }
            if !t.set_apart.is_empty() {
                <div class="note">
                    <p>{ format!("Hors de ce tableau ({} organisme{}) : leur catalogue définit cet indicateur autrement, il n'est pas additionné aux autres.", t.set_apart.len(), plural_s(t.set_apart.len())) }</p>
                    <ul>{ for t.set_apart.iter().map(|(o, r)| html! { <li>{ format!("{o} : {r}.") }</li> }) }</ul>
                </div>
            }
            <div class="grille-defilement">
                <table class="tableau-grille tableau-consolidation">
                    <thead>
                        <tr>
                            <td></td>
                            { for periods.iter().map(|(p, k)| html! { <th scope="colgroup" colspan={k.to_string()}>{ p.clone() }</th> }) }
                        </tr>
                        <tr>
                            <th scope="col">{ "Organisme" }</th>
                            { for t.columns.iter().map(|c| html! {
                                <th scope="col">{ c.label_fr.split(" — ").skip(1).collect::<Vec<_>>().join(" — ") }</th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        if t.rows.is_empty() {
                            <tr><th scope="row">{ "Aucun organisme à cette maille" }</th>{ for (0..n).map(|_| html! { <td></td> }) }</tr>
                        }
                        { for t.rows.iter().map(|r| row(r, false)) }
                    </tbody>
                    <tbody>
                        if t.additive {
                            <tr class="ligne-total">
                                <th scope="row">{ "Total du territoire" }</th>
                                { for (0..n).map(|c| {
                                    let tot = &t.totals[c];
                                    html! {
                                        <td class="nombre">
                                            <button type="button" class="bouton-total" onclick={explain(c)} aria-expanded={(*explained == Some(c)).to_string()}
                                                aria-label={format!("{} : {} — explication", t.columns[c].label_fr, tot.value().map(num).unwrap_or_else(|| "vide".into()))}>
                                                { tot.value().map(num).unwrap_or_else(|| "vide".into()) }
                                                { if tot.is_estimate() || tot.empty > 0 || tot.unventilated > 0 || tot.invalid > 0 { " *" } else { "" } }
                                            </button>
                                        </td>
                                    }
                                }) }
                            </tr>
                        } else {
                            { for [("Minimum", 0u8), ("Médiane", 1), ("Maximum", 2)].into_iter().map(|(label, k)| html! {
                                <tr class="ligne-total">
                                    <th scope="row">{ label }</th>
                                    { for (0..n).map(|c| html! {
                                        <td class="nombre">{ match &t.stats[c] {
                                            Some(s) => num(match k { 0 => s.min, 1 => s.median, _ => s.max }),
                                            None => "—".into(),
                                        } }</td>
                                    }) }
                                </tr>
                            }) }
                        }
                    </tbody>
                    if !t.unventilated.is_empty() {
                        <tbody class="non-ventile">
                            <tr><th scope="rowgroup" colspan={(n + 1).to_string()}>
                                { format!("Non ventilé à cette maille ({} organisme{}) : engagements pris à une maille plus large, jamais répartis sans clé", t.unventilated.len(), plural_s(t.unventilated.len())) }
                            </th></tr>
                            { for t.unventilated.iter().map(|r| row(r, true)) }
                            if t.additive {
                                <tr class="ligne-total">
                                    <th scope="row">{ "Total de la maille plus large" }<br /><span class="aide">{ "somme des chiffres non ventilés ci-dessus, hors total du territoire" }</span></th>
                                    { for (0..n).map(|c| html! { <td class="nombre">{ t.unventilated_totals[c].map(num).unwrap_or_else(|| "—".into()) }</td> }) }
                                </tr>
                            }
                        </tbody>
                    }
                </table>
            </div>
            if let Some(c) = *explained {
                if let Some(tot) = t.totals.get(c) {
                    <div class="explication" role="status">
                        <p>{ format!("{} : {}.", t.columns[c].label_fr, tot.formula_fr()) }</p>
                        <ul class="entrees-calcul">
                            { for t.rows.iter().filter(|r| r.values[c].is_some()).map(|r| html! {
                                <li>{ format!("{} : {}", r.label, num(r.values[c].unwrap_or_default())) }
                                    <span class="aide">{ format!(" — {}", t.cells_fr(r, c)) }</span></li>
                            }) }
                            { for t.unventilated.iter().filter(|r| r.values[c].is_some() && r.key.is_some()).map(|r| html! {
                                <li>{ format!("{} : {} × {} % (estimation)", r.label, num(r.values[c].unwrap_or_default()), num(r.key.unwrap_or_default() * 100.0)) }
                                    <span class="aide">{ format!(" — {}", t.cells_fr(r, c)) }</span></li>
                            }) }
                        </ul>
                    </div>
                }
            }
            if t.additive {
                <p class="aide">{ "* le total a une précision : cellule vide, valeur invalide, organisme non ventilé ou estimation. Cliquez sur un total pour son calcul." }</p>
            }
        </section>
    }
}
