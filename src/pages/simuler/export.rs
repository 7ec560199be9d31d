//! Export and print: the consolidation as ODS, XLSX or CSV (written by the formats worker from
//! the workspace), and a printable page with every table, comparison, chart and the compilation.

use cus_formats::protocol::{Reply, Request};
use cus_formats::Format;
use yew::prelude::*;

use super::tables::{num, scenario_picker, total_columns};
use super::{plural_s, SectionProps};
use crate::formats::{FormatsWorker, WorkerEvent};

#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Working(Format),
    Done(String),
    Failed(String),
}

/// The consolidation as files, written by the formats worker from the workspace.
fn files(
    props: &SectionProps,
    status: &UseStateHandle<Status>,
    worker: Option<FormatsWorker>,
) -> Html {
    let busy = matches!(**status, Status::Working(_));
    let buttons = [Format::Ods, Format::Xlsx, Format::Csv].map(|format| {
        let (status, worker) = (status.clone(), worker.clone());
        let ws = props.store.ws.clone();
        let scenario = props.scenario;
        let extra = crate::pages::export::extra_catalogues(&props.catalogues);
        let onclick = Callback::from(move |_: MouseEvent| {
            let Some(worker) = worker.clone() else {
                status.set(Status::Failed(
                    "Le module des formats n'est pas disponible.".into(),
                ));
                return;
            };
            status.set(Status::Working(format));
            let request = Request::ExportConsolidation {
                workspace_json: ws.to_json(),
                scenario,
                format,
                extra_catalogues: extra.clone(),
            };
            // The scenario applied is in the file's name: two exports never look alike.
            let suffix = scenario
                .and_then(|i| ws.scenarios.get(i))
                .map(|s| format!("-scenario-{}", super::espace::file_stem(&s.name)))
                .unwrap_or_default();
            let (status, name) = (
                status.clone(),
                format!(
                    "consolidation-{}{suffix}.{}",
                    super::espace::file_stem(&ws.name),
                    format.extension()
                ),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match super::organismes::ask(&worker, request, &[], &|_| {}).await {
                    WorkerEvent::Done(Reply::ConsolidationExported { format }, Some(bytes)) => {
                        match crate::pages::export::download(&bytes, &name, format.mime()) {
                            Ok(()) => status.set(Status::Done(format!(
                                "{name} enregistré ({} Kio).",
                                bytes.len() / 1024
                            ))),
                            Err(m) => status.set(Status::Failed(m)),
                        }
                    }
                    WorkerEvent::Done(Reply::Failed { message }, _)
                    | WorkerEvent::Failed(message) => status.set(Status::Failed(message)),
                    WorkerEvent::Cancelled => status.set(Status::Idle),
                    _ => status.set(Status::Failed(
                        "Réponse inattendue du module des formats.".into(),
                    )),
                }
            });
        });
        let id = format!("exporter-consolidation-{}", format.extension());
        html! {
            <button type="button" class="bouton" id={id} onclick={onclick} disabled={busy}>
                { format!("Télécharger en {}", format.extension().to_uppercase()) }
            </button>
        }
    });
    html! {
        <section aria-labelledby="titre-fichiers-consolidation">
            <h2 id="titre-fichiers-consolidation">{ "Fichiers de la consolidation" }</h2>
            <p>{ "Classeur ODS ou XLSX : une feuille de synthèse, une par indicateur (organismes × périodes × ventilations, totaux, objectifs et écarts, bloc « non ventilé »), la compilation, et l'espace lui-même pour le rouvrir ailleurs. CSV : une ligne par valeur, avec sa nature." }</p>
            <p class="ligne-formulaire">{ for buttons }</p>
            { match &**status {
                Status::Idle => html! {},
                Status::Working(f) => html! { <p role="status">{ format!("Écriture du fichier {}…", f.extension().to_uppercase()) }</p> },
                Status::Done(m) => html! { <p role="status" class="message-ok">{ m.clone() }</p> },
                Status::Failed(m) => html! { <p role="alert" class="message-erreur">{ m.clone() }</p> },
            } }
        </section>
    }
}

#[function_component(Export)]
pub fn export(props: &SectionProps) -> Html {
    let status = use_state(|| Status::Idle);
    let worker = use_context::<FormatsWorker>();
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
    let labels = super::evaluations::Labels::of(props);
    html! {
        <>
            <div class="sans-impression">
                { scenario_picker(props) }
                { files(props, &status, worker) }
                <p><button type="button" class="bouton" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button></p>
                <p class="aide">{ "La page ci-dessous est celle qui s'imprime : synthèse, graphiques avec leurs tableaux, objectifs, compilation et, quand des organismes l'ont transmise, leur évaluation (indicateurs en nombre)." }</p>
            </div>
            <article class="impression-consolidation">
                <h2>{ format!("Consolidation — {}{}", cons.territory_label, scenario.map(|s| format!(" — scénario « {} »", s.name)).unwrap_or_default()) }</h2>
                <p>{ format!("Espace « {} » ; fichiers : {} ; {}.", ws.name, files_fr(props),
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
                                if !t.comparisons.is_empty() { { super::objectifs::comparisons(t, scenario.map(|s| s.name.as_str())) } }
                            </section>
                        }) }
                    </section>
                }) }
                if let Some(r) = props.derived.synthesis(&props.store.ws, props.scenario) { { super::synthese::report_view(&r) } }
                if let Some(r) = props.derived.review.as_ref().filter(|r| r.transmitted() > 0) {
                    <section class="saut-page impression-evaluations">
                        <h2>{ "Évaluations des organismes" }</h2>
                        { super::evaluations::transmission(r, &labels) }
                        { for r.groups.iter().enumerate().map(|(gi, g)| html! {
                            <section class="bloc-impression">
                                { super::evaluations::group_summary(g, gi, "", None) }
                                { for g.indicators.iter().filter(|i| i.additive).map(|i| {
                                    let sp = i.splits.first().map(|s| s.0.clone());
                                    match sp {
                                        Some(sp) => super::evaluations::indicator_section(g, gi, i, &sp, &labels, props.derived.geo),
                                        None => html! {},
                                    }
                                }) }
                            </section>
                        }) }
                    </section>
                }
            </article>
        </>
    }
}

/// « 12 consolidés, 17 sans chiffre sur le territoire, 0 écarté »: the counts the workbook's
/// « Synthèse » gives.
fn files_fr(props: &SectionProps) -> String {
    let absent: usize = props
        .derived
        .extract
        .as_ref()
        .map(|ex| ex.groups.iter().map(|g| g.absent.len()).sum())
        .unwrap_or_default();
    let used = props.derived.used.len();
    let excluded = props.store.ws.files.iter().filter(|f| f.excluded).count();
    format!(
        "{} consolidé{}, {} sans chiffre sur le territoire, {} écarté{}",
        used - absent.min(used),
        plural_s(used - absent.min(used)),
        absent,
        excluded,
        plural_s(excluded)
    )
}
