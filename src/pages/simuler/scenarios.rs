//! Scenarios: named lists of changes (a realisation rate, an indicator scaled, one organism's
//! figure changed, a hypothetical organism), compared side by side with the files as they are.
//! A scenario never modifies the organisms' files.

use cus_core::consolidation::{Change, Consolidated, ConsolidatedTable, WsEdit};
use cus_core::numfmt::parse_fr;
use yew::prelude::*;

use super::tables::{num, total_columns};
use super::SectionProps;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Realisation,
    Scale,
    Cell,
    Organism,
}

#[function_component(Scenarios)]
pub fn scenarios(props: &SectionProps) -> Html {
    let name = use_state(String::new);
    let kind = use_state(|| Kind::Realisation);
    // Empty with a placeholder: a value there would be typed after (« 80 » → « 8080 »).
    let percent = use_state(String::new);
    let indicator = use_state(String::new);
    let column = use_state(String::new);
    let organism = use_state(String::new);
    let value = use_state(String::new);
    let hyp_name = use_state(|| "Nouvel organisme".to_string());
    let form_error = use_state(|| None::<String>);
    let ws = &props.store.ws;
    let selected = props.scenario;

    let Some(base) = props.derived.baseline.as_ref() else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let tables: Vec<&ConsolidatedTable> = base
        .groups
        .iter()
        .flat_map(|g| g.tables.iter())
        .filter(|t| t.additive)
        .collect();
    let table = tables
        .iter()
        .find(|t| t.code == *indicator)
        .or_else(|| tables.first())
        .copied();

    let text = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            h.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            )
        })
    };
    let select = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: Event| {
            h.set(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            )
        })
    };
    let on_add_scenario = {
        let (d, name, cb, n) = (
            props.dispatch.clone(),
            name.clone(),
            props.on_scenario.clone(),
            ws.scenarios.len(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            d.emit(WsEdit::AddScenario((*name).clone()));
            name.set(String::new());
            cb.emit(Some(n));
        })
    };
    let on_pick = {
        let cb = props.on_scenario.clone();
        Callback::from(move |e: Event| {
            cb.emit(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value()
                    .parse()
                    .ok(),
            )
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(
                match e
                    .target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value()
                    .as_str()
                {
                    "scale" => Kind::Scale,
                    "cell" => Kind::Cell,
                    "organism" => Kind::Organism,
                    _ => Kind::Realisation,
                },
            )
        })
    };
    let code = table.map(|t| t.code.clone()).unwrap_or_default();
    let col = table
        .and_then(|t| {
            t.columns
                .iter()
                .find(|c| c.key == *column)
                .or_else(|| total_columns(t).first().map(|&i| &t.columns[i]))
        })
        .map(|c| c.key.clone())
        .unwrap_or_default();
    let on_add_change = {
        let d = props.dispatch.clone();
        let (kind, percent, value, organism, hyp_name, form_error) = (
            kind.clone(),
            percent.clone(),
            value.clone(),
            organism.clone(),
            hyp_name.clone(),
            form_error.clone(),
        );
        let (code, col) = (code.clone(), col.clone());
        let first_org = table
            .and_then(|t| t.rows.first().or(t.unventilated.first()))
            .map(|r| r.id.clone())
            .unwrap_or_default();
        // The organism chosen for another indicator may have no row in this one: then the
        // form shows (and uses) the first choice, never a hidden stale one.
        let organism: String = table
            .filter(|t| {
                t.rows
                    .iter()
                    .chain(t.unventilated.iter())
                    .any(|r| r.id == *organism)
            })
            .map(|_| (*organism).clone())
            .unwrap_or_default();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(s) = selected else { return };
            let pct = parse_fr(&percent).ok();
            let val = parse_fr(&value).ok();
            let change = match *kind {
                Kind::Realisation => pct.map(|p| Change::Realisation { percent: p }),
                Kind::Scale => pct.map(|p| Change::Scale {
                    source: (!organism.is_empty()).then(|| organism.clone()),
                    indicator: code.clone(),
                    percent: p,
                }),
                Kind::Cell => val.map(|v| Change::Cell {
                    source: if organism.is_empty() {
                        first_org.clone()
                    } else {
                        organism.clone()
                    },
                    indicator: code.clone(),
                    column: col.clone(),
                    value: Some(v),
                }),
                Kind::Organism => val.map(|v| Change::Organism {
                    name: (*hyp_name).clone(),
                    values: [(
                        cus_core::convention::key::indicator_column_key(&code, &col),
                        v,
                    )]
                    .into_iter()
                    .collect(),
                }),
            };
            match change {
                Some(change) => {
                    form_error.set(None);
                    d.emit(WsEdit::AddChange {
                        scenario: s,
                        change,
                    });
                }
                None => form_error.set(Some(
                    "Saisissez un nombre (par exemple « 80 » ou « 1 200,5 »).".into(),
                )),
            }
        })
    };

    let label_of = |id: &str| {
        ws.files
            .iter()
            .find(|f| f.id == id)
            .map(|f| cus_core::consolidation::organism_label(&f.convention, &f.file_name))
            .unwrap_or_else(|| id.to_string())
    };
    html! {
        <>
            <p class="chapo">{ "Testez des hypothèses sans toucher aux fichiers des organismes : un taux de réalisation, un indicateur revu à la hausse ou à la baisse, la valeur d'un organisme, un organisme hypothétique." }</p>
            <form class="ligne-formulaire" onsubmit={on_add_scenario}>
                <label for="nom-scenario">{ "Nouveau scénario" }</label>
                <input id="nom-scenario" type="text" value={(*name).clone()} oninput={text(&name)} placeholder="Réalisation à 80 %" />
                <button type="submit" class="bouton">{ "Créer le scénario" }</button>
            </form>
            if !ws.scenarios.is_empty() {
                <div class="ligne-formulaire">
                    <label for="scenario-edite">{ "Scénario" }</label>
                    <select id="scenario-edite" onchange={on_pick}>
                        <option value="" selected={selected.is_none()}>{ "— choisir —" }</option>
                        { for ws.scenarios.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={selected == Some(i)}>{ s.name.clone() }</option>
                        }) }
                    </select>
                    if let Some(s) = selected {
                        <button type="button" class="bouton bouton-secondaire" onclick={{
                            let (d, cb) = (props.dispatch.clone(), props.on_scenario.clone());
                            Callback::from(move |_: MouseEvent| { cb.emit(None); d.emit(WsEdit::RemoveScenario(s)); })
                        }}>{ "Supprimer ce scénario" }</button>
                    }
                </div>
            }
            if let Some(s) = selected.and_then(|i| ws.scenarios.get(i).map(|s| (i, s))) {
                <section aria-labelledby="titre-modifications">
                    <h2 id="titre-modifications">{ format!("Modifications du scénario « {} »", s.1.name) }</h2>
                    if s.1.changes.is_empty() {
                        <p>{ "Aucune modification : le scénario donne les chiffres des fichiers." }</p>
                    } else {
                        <ol>
                            { for s.1.changes.iter().enumerate().map(|(j, c)| {
                                let (d, i) = (props.dispatch.clone(), s.0);
                                html! {
                                    <li>
                                        { c.describe_fr(&label_of) }{ " " }
                                        <button type="button" class="lien-bouton" onclick={Callback::from(move |_: MouseEvent| d.emit(WsEdit::RemoveChange { scenario: i, index: j }))}>{ "retirer" }</button>
                                    </li>
                                }
                            }) }
                        </ol>
                    }
                    <form class="formulaire" onsubmit={on_add_change}>
                        <div class="champ">
                            <label for="type-modification">{ "Ajouter" }</label>
                            <select id="type-modification" onchange={on_kind}>
                                <option value="realisation" selected={*kind == Kind::Realisation}>{ "Un taux de réalisation sur tous les engagements" }</option>
                                <option value="scale" selected={*kind == Kind::Scale}>{ "Un pourcentage appliqué à un indicateur" }</option>
                                <option value="cell" selected={*kind == Kind::Cell}>{ "La valeur d'un organisme" }</option>
                                <option value="organism" selected={*kind == Kind::Organism}>{ "Un organisme hypothétique" }</option>
                            </select>
                        </div>
                        if *kind != Kind::Realisation {
                            if let Some(t) = table {
                                <div class="champ">
                                    <label for="indicateur-scenario">{ "Indicateur" }</label>
                                    <select id="indicateur-scenario" onchange={select(&indicator)}>
                                        { for tables.iter().map(|x| html! { <option value={x.code.clone()} selected={x.code == t.code}>{ format!("{} — {}", x.code, x.label) }</option> }) }
                                    </select>
                                </div>
                                if matches!(*kind, Kind::Cell | Kind::Organism) {
                                    <div class="champ">
                                        <label for="colonne-scenario">{ "Colonne" }</label>
                                        <select id="colonne-scenario" onchange={select(&column)}>
                                            { for t.columns.iter().map(|c| html! { <option value={c.key.clone()} selected={c.key == col}>{ c.label_fr.clone() }</option> }) }
                                        </select>
                                    </div>
                                }
                                if matches!(*kind, Kind::Cell | Kind::Scale) {
                                    <div class="champ">
                                        <label for="organisme-scenario">{ "Organisme" }</label>
                                        <select id="organisme-scenario" onchange={select(&organism)}>
                                            if *kind == Kind::Scale { <option value="" selected={organism.is_empty()}>{ "Tous les organismes" }</option> }
                                            { for t.rows.iter().chain(t.unventilated.iter()).map(|r| html! { <option value={r.id.clone()} selected={r.id == *organism}>{ r.label.clone() }</option> }) }
                                        </select>
                                    </div>
                                }
                            }
                        }
                        if *kind == Kind::Organism {
                            <div class="champ">
                                <label for="nom-hypothese">{ "Nom de l'organisme hypothétique" }</label>
                                <input id="nom-hypothese" type="text" value={(*hyp_name).clone()} oninput={text(&hyp_name)} />
                            </div>
                        }
                        if matches!(*kind, Kind::Realisation | Kind::Scale) {
                            <div class="champ">
                                <label for="pourcentage-scenario">{ "Pourcentage (100 = inchangé)" }</label>
                                <input id="pourcentage-scenario" type="text" inputmode="decimal" placeholder="80" value={(*percent).clone()} oninput={text(&percent)} />
                            </div>
                        } else {
                            <div class="champ">
                                <label for="valeur-scenario">{ "Valeur" }</label>
                                <input id="valeur-scenario" type="text" inputmode="decimal" value={(*value).clone()} oninput={text(&value)} />
                            </div>
                        }
                        <button type="submit" class="bouton">{ "Ajouter la modification" }</button>
                        if let Some(m) = &*form_error { <p class="message-erreur" role="alert">{ m.clone() }</p> }
                    </form>
                </section>
                if let Some(cur) = props.derived.current.as_ref() {
                    { side_by_side(base, cur, &s.1.name) }
                }
            }
        </>
    }
}

/// Totals of every counted indicator, files as they are next to the scenario.
fn side_by_side(base: &Consolidated, cur: &Consolidated, name: &str) -> Html {
    html! {
        <section aria-labelledby="titre-comparaison">
            <h2 id="titre-comparaison">{ format!("Référence et scénario « {name} » côte à côte") }</h2>
            <table class="tableau comparaison-scenario">
                <thead><tr>
                    <th scope="col">{ "Indicateur — période" }</th>
                    <th scope="col">{ "Référence (fichiers)" }</th>
                    <th scope="col">{ "Scénario" }</th>
                    <th scope="col">{ "Différence" }</th>
                </tr></thead>
                <tbody>
                    { for base.groups.iter().zip(&cur.groups).flat_map(|(bg, cg)| bg.tables.iter().zip(&cg.tables)).filter(|(b, _)| b.additive).flat_map(|(b, c)| {
                        total_columns(b).into_iter().map(move |i| {
                            let (x, y) = (b.totals[i].value(), c.totals[i].value());
                            html! {
                                <tr>
                                    <th scope="row">{ format!("{} — {}", b.code, b.columns[i].label_fr.split(" — ").next().unwrap_or_default()) }</th>
                                    <td class="nombre">{ x.map(num).unwrap_or_else(|| "vide".into()) }</td>
                                    <td class="nombre">{ y.map(num).unwrap_or_else(|| "vide".into()) }</td>
                                    <td class="nombre">{ match (x, y) {
                                        (Some(x), Some(y)) => format!("{}{}", if y - x > 0.0 { "+" } else { "" }, num(y - x)),
                                        _ => "—".into(),
                                    } }</td>
                                </tr>
                            }
                        })
                    }) }
                </tbody>
            </table>
        </section>
    }
}
