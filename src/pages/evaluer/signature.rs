//! The signature of the commitments and the avenants: mark the convention signed (its
//! commitments then read-only), start an avenant (the signed version kept in `versions`, the
//! commitments unlocked, one step), sign it; the versions listed with the cells each avenant
//! changed.

use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{Convention, Edit, Signature, SignedVersion, Value, Values};
use cus_core::evaluation::report::{changed_cells, changed_count};
use yew::prelude::*;

use crate::pages::grid::Update;
use crate::route::{FillStep, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub draft: Rc<Convention>,
    /// Every diagnostic of the draft (its errors are said before signing).
    pub diags: Rc<Vec<cus_core::diagnostic::Diagnostic>>,
    pub update: Update,
}

fn value_text(v: Option<&Value>) -> String {
    match v {
        None => "vide".to_string(),
        Some(Value::Number(x)) => cus_core::numfmt::format_fr(*x, 2),
        Some(Value::Bool(b)) => if *b { "oui" } else { "non" }.to_string(),
        Some(Value::Text(t)) => format!("« {t} »"),
    }
}

#[function_component(SignatureStep)]
pub fn signature_step(props: &Props) -> Html {
    let conv = &*props.draft;
    // Errors that block the final export: said before the convention is marked signed.
    let blocking = props
        .diags
        .iter()
        .filter(|d| d.severity == cus_core::diagnostic::Severity::Error)
        .count();
    let date = use_state(String::new);
    let date_error = use_state(|| None::<String>);
    // Version shown in detail (index in `versions`).
    let shown = use_state(|| None::<usize>);
    // The version's changed cells only, by default; all its cells on demand, a page at a time.
    let all_cells = use_state(|| None::<usize>);
    let label = if conv.versions.is_empty() {
        "Convention initiale".to_string()
    } else {
        format!("Avenant n° {}", conv.versions.len())
    };
    let on_date = {
        let (date, date_error) = (date.clone(), date_error.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            date.set(input.value().trim().to_string());
            date_error.set(None);
        })
    };
    let sign = {
        let (date, date_error, update, label) = (
            date.clone(),
            date_error.clone(),
            props.update.clone(),
            label.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // JJ/MM/AAAA as the app displays dates, or AAAA-MM-JJ as the files write them.
            match cus_core::numfmt::parse_date(&date) {
                Some(iso) => {
                    update.emit(Edit::Sign(Some(Signature {
                        date: iso,
                        label: label.clone(),
                    })));
                    date.set(String::new());
                }
                None => date_error.set(Some(format!(
                    "« {} » n'est pas une date : saisissez-la au format JJ/MM/AAAA (par exemple 30/06/2022) ou AAAA-MM-JJ.",
                    *date
                ))),
            }
        })
    };
    let start_avenant = {
        let update = props.update.clone();
        let draft = props.draft.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(sig) = draft.signature.clone() else {
                return;
            };
            let mut versions = draft.versions.clone();
            versions.push(SignedVersion {
                signature: sig,
                values: draft.values.clone(),
            });
            update.emit(Edit::Batch(vec![
                Edit::SetVersions(versions),
                Edit::Sign(None),
            ]));
        })
    };
    // The values of the version after each one (the current commitments after the last).
    let next_values = |i: usize| -> &Values {
        conv.versions
            .get(i + 1)
            .map(|v| &v.values)
            .unwrap_or(&conv.values)
    };
    let detail = (*shown).and_then(|i| conv.versions.get(i).map(|v| (i, v))).map(|(i, v)| {
        let next = next_values(i);
        let changes = changed_cells(&v.values, next);
        let next_label = conv
            .versions
            .get(i + 1)
            .map(|n| n.signature.label.clone())
            .unwrap_or_else(|| match &conv.signature {
                Some(s) => s.label.clone(),
                None => "l'avenant en préparation".to_string(),
            });
        const PER_PAGE: usize = 50;
        let total = v.values.len();
        let full = (*all_cells).map(|pg| {
            let n_pages = total.div_ceil(PER_PAGE).max(1);
            let pg = pg.min(n_pages - 1);
            let go = |to: usize| {
                let all_cells = all_cells.clone();
                Callback::from(move |_: MouseEvent| all_cells.set(Some(to)))
            };
            let from = pg * PER_PAGE;
            let cells: Vec<_> = v.values.iter().skip(from).take(PER_PAGE).collect();
            html! {
                <div id="version-toutes-cases">
                    <table class="recap-table">
                        <caption>{ format!("Toutes les cases de {} — {} à {} sur {}", v.signature.label, from + 1, from + cells.len(), total) }</caption>
                        <thead><tr><th scope="col">{ "Case" }</th><th scope="col">{ "Valeur signée" }</th></tr></thead>
                        <tbody>
                            { for cells.iter().map(|(k, val)| html! {
                                <tr><th scope="row">{ super::cell_label(&props.catalogue, conv, k) }</th><td>{ value_text(Some(val)) }</td></tr>
                            }) }
                        </tbody>
                    </table>
                    if n_pages > 1 {
                        <p class="pagination" role="group" aria-label="Pages des cases de la version">
                            <button type="button" class="bouton bouton-secondaire" disabled={pg == 0} onclick={go(pg.saturating_sub(1))}>{ "← Cases précédentes" }</button>
                            <button type="button" class="bouton bouton-secondaire" disabled={pg + 1 >= n_pages} onclick={go(pg + 1)}>{ "Cases suivantes →" }</button>
                        </p>
                    }
                </div>
            }
        });
        let toggle_all = {
            let all_cells = all_cells.clone();
            let open = all_cells.is_some();
            Callback::from(move |_: MouseEvent| all_cells.set(if open { None } else { Some(0) }))
        };
        html! {
            <section class="version-detail" aria-labelledby="titre-version-detail" id="version-detail">
                <h4 id="titre-version-detail">{ format!("{} du {} : cases modifiées par {next_label}", v.signature.label, cus_core::numfmt::date_fr(&v.signature.date)) }</h4>
                if changes.is_empty() {
                    <p>{ "Aucune case modifiée." }</p>
                } else {
                    <ul class="versions-indicateurs">
                        { for changes.iter().map(|(code, cells)| html! {
                            <li>
                                <strong>{ format!("{code} : {} case{} modifiée{}", cells.len(), crate::pages::plural_s(cells.len()), crate::pages::plural_s(cells.len())) }</strong>
                                <table class="recap-table">
                                    <caption class="sr-only">{ format!("Cases de {code} modifiées") }</caption>
                                    <thead><tr><th scope="col">{ "Case" }</th><th scope="col">{ v.signature.label.clone() }</th><th scope="col">{ next_label.clone() }</th></tr></thead>
                                    <tbody>
                                        { for cells.iter().map(|k| html! {
                                            <tr><th scope="row">{ super::cell_label(&props.catalogue, conv, k) }</th><td>{ value_text(v.values.get(k)) }</td><td>{ value_text(next.get(k)) }</td></tr>
                                        }) }
                                    </tbody>
                                </table>
                            </li>
                        }) }
                    </ul>
                }
                <p>
                    <button type="button" class="lien-bouton" id="version-voir-tout" aria-expanded={all_cells.is_some().to_string()} onclick={toggle_all}>
                        { if all_cells.is_some() { "Masquer les autres cases".to_string() } else { format!("Voir toutes les cases de {} ({total})", v.signature.label) } }
                    </button>
                </p>
                { full.unwrap_or_default() }
            </section>
        }
    });
    html! {
        <div class="signature-avenants">
            <section aria-labelledby="titre-etat-signature">
                <h3 id="titre-etat-signature">{ "État de la convention" }</h3>
                { match &conv.signature {
                    Some(sig) => html! {
                        <>
                            <p id="etat-signature" role="status">{ format!("{} : les engagements sont en lecture seule.", sig.signed_fr()) }</p>
                            <p>
                                <button type="button" class="bouton" id="saisir-avenant" onclick={start_avenant}>{ "Saisir un avenant" }</button>
                                <span class="aide">{ " La version signée est gardée ; les engagements se modifient dans « Remplir ma CUS », puis l'avenant se signe ici." }</span>
                            </p>
                        </>
                    },
                    None => html! {
                        <>
                            <p id="etat-signature" role="status">{
                                if conv.versions.is_empty() {
                                    "Non signée : les engagements se modifient librement.".to_string()
                                } else {
                                    format!("Avenant n° {} en préparation : modifiez les engagements dans « Remplir ma CUS », puis signez-le.", conv.versions.len())
                                }
                            }</p>
                            if !conv.versions.is_empty() {
                                <p><a href={Route::Fill(FillStep::Engagement(1)).to_hash()}>{ "Modifier les engagements" }</a></p>
                            }
                            if blocking > 0 {
                                <p class="avertissement" id="signature-avec-erreurs" role="note">
                                    { format!("Attention : la convention a encore {blocking} erreur{} bloquante{} (page Vérification de « Remplir ma CUS »). Une convention signée avec des erreurs ne peut pas être exportée définitivement ; corrigez-les avant de la marquer signée, ou par un avenant.", crate::pages::plural_s(blocking), crate::pages::plural_s(blocking)) }
                                    { " " }<a href={Route::Fill(FillStep::Verification).to_hash()}>{ "Voir les erreurs" }</a>
                                </p>
                            }
                            <form class="formulaire-signature" onsubmit={sign}>
                                <div class="champ">
                                    <label for="date-signature">{ format!("Date de signature — {label} (JJ/MM/AAAA)") }</label>
                                    <input id="date-signature" type="text" inputmode="numeric" autocomplete="off" placeholder="30/06/2022"
                                        value={(*date).clone()} oninput={on_date}
                                        aria-invalid={date_error.is_some().then_some("true")}
                                        aria-describedby={date_error.is_some().then_some("date-signature-erreur")} />
                                    if let Some(m) = &*date_error {
                                        <p class="diag diag-erreur" id="date-signature-erreur">{ m }</p>
                                    }
                                </div>
                                <button type="submit" class="bouton" id="signer">{ if conv.versions.is_empty() { "Marquer la convention signée".to_string() } else { format!("Signer l'avenant n° {}", conv.versions.len()) } }</button>
                            </form>
                        </>
                    },
                } }
            </section>
            <section aria-labelledby="titre-versions">
                <h3 id="titre-versions">{ "Versions" }</h3>
                if conv.versions.is_empty() {
                    <p class="aide">{ "Aucun avenant : une seule version des engagements." }</p>
                } else {
                    <table class="recap-table" id="liste-versions">
                        <caption>{ "Versions remplacées par un avenant, de la plus ancienne à la plus récente" }</caption>
                        <thead><tr>
                            <th scope="col">{ "Version" }</th><th scope="col">{ "Signée le" }</th>
                            <th scope="col">{ "Valeurs modifiées par la version suivante" }</th><th scope="col">{ "Détail" }</th>
                        </tr></thead>
                        <tbody>
                            { for conv.versions.iter().enumerate().map(|(i, v)| {
                                let n = changed_count(&v.values, next_values(i));
                                let open = *shown == Some(i);
                                let onclick = {
                                    let (shown, all_cells) = (shown.clone(), all_cells.clone());
                                    Callback::from(move |_: MouseEvent| {
                                        all_cells.set(None);
                                        shown.set(if open { None } else { Some(i) })
                                    })
                                };
                                html! {
                                    <tr>
                                        <th scope="row">{ v.signature.label.clone() }</th>
                                        <td>{ cus_core::numfmt::date_fr(&v.signature.date) }</td>
                                        <td>{ n.to_string() }</td>
                                        <td><button type="button" class="lien-bouton" aria-expanded={open.to_string()} {onclick}
                                            aria-label={format!("{} les cases modifiées après {}", if open { "Masquer" } else { "Voir" }, v.signature.label)}>{ if open { "Masquer" } else { "Voir" } }</button></td>
                                    </tr>
                                }
                            }) }
                            <tr>
                                <th scope="row">{ match &conv.signature { Some(s) => s.label.clone(), None => "Avenant en préparation".to_string() } }</th>
                                <td>{ conv.signature.as_ref().map(|s| cus_core::numfmt::date_fr(&s.date)).unwrap_or_else(|| "non signé".to_string()) }</td>
                                <td>{ "version en cours" }</td><td></td>
                            </tr>
                        </tbody>
                    </table>
                    { detail.unwrap_or_default() }
                }
            </section>
        </div>
    }
}
