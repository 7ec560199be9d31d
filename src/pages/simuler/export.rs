//! Export and print: the consolidation as ODS, XLSX or CSV (written by the formats worker from
//! the workspace), and a printable page with every table, comparison, chart and the compilation.

use yew::prelude::*;

use super::tables::{num, scenario_picker, total_columns};
use super::{plural_s, SectionProps};

#[function_component(Export)]
pub fn export(props: &SectionProps) -> Html {
    let Some(cons) = props.derived.current.as_ref() else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let ws = &props.store.ws;
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let scenario = props.scenario.and_then(|i| ws.scenarios.get(i));
    html! {
        <>
            <div class="sans-impression">
                { scenario_picker(props) }
                <p><button type="button" class="bouton" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button></p>
                <p class="aide">{ "La page ci-dessous est celle qui s'imprime : synthèse, graphiques avec leurs tableaux, objectifs et compilation." }</p>
            </div>
            <article class="impression-consolidation">
                <h2>{ format!("Consolidation — {}", cons.territory_label) }</h2>
                <p>{ format!("Espace « {} » ; {} fichier{} consolidé{} ; {}.", ws.name, props.derived.used.len(), plural_s(props.derived.used.len()), plural_s(props.derived.used.len()),
                    scenario.map(|s| format!("scénario « {} »", s.name)).unwrap_or_else(|| "fichiers tels quels, sans scénario".into())) }</p>
                { for cons.groups.iter().map(|g| html! {
                    <section class="saut-page">
                        <h2>{ g.label.clone() }</h2>
                        { for g.tables.iter().filter(|t| t.additive).map(|t| html! {
                            <section class="bloc-impression">
                                <h3>{ format!("{} — {} ({})", t.code, t.label, t.unit_fr) }</h3>
                                <table class="tableau">
                                    <thead><tr><th scope="col">{ "Période" }</th><th scope="col">{ "Total" }</th><th scope="col">{ "Précisions" }</th></tr></thead>
                                    <tbody>
                                        { for total_columns(t).into_iter().map(|c| html! {
                                            <tr>
                                                <th scope="row">{ t.columns[c].label_fr.split(" — ").next().unwrap_or_default().to_string() }</th>
                                                <td class="nombre">{ t.totals[c].value().map(num).unwrap_or_else(|| "vide".into()) }</td>
                                                <td>{ t.totals[c].caveats_fr() }</td>
                                            </tr>
                                        }) }
                                    </tbody>
                                </table>
                                { super::charts::commitments_chart(t) }
                                if !t.comparisons.is_empty() { { super::objectifs::comparisons(t) } }
                            </section>
                        }) }
                    </section>
                }) }
                { for props.derived.compilation.iter().map(super::compilation::compilation) }
            </article>
        </>
    }
}
