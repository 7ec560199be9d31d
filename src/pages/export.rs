//! "Récapitulatif" (the whole convention, laid out for printing) and "Export et import" (the
//! State's file formats, and import of such a file into a new draft). The formats themselves are
//! in `cus-formats`; this page only moves bytes between them and the browser.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Indicator};
use cus_core::convention::Convention;
use cus_core::diagnostic::{final_export_blockers, Diagnostic, Severity};
use cus_core::numfmt::format_fr;
use cus_core::rules;
use cus_formats::protocol::{Progress, Reply, Request};
use cus_formats::{Format, Mode};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::drafts;
use crate::formats::{FormatsWorker, WorkerEvent};
use crate::pages::reference::diagnostic_line;
use crate::route::{EvalStep, FillStep, Route};

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub step: FillStep,
    pub catalogues: Catalogues,
    pub catalogue: Rc<Catalogue>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
    pub open: Callback<drafts::Request>,
    /// The draft's id, to remember the nature of export chosen for it.
    pub draft_id: AttrValue,
    /// Shown in « Évaluer ma CUS »: said as the export of the evaluation, each blocker with the
    /// link to where it is fixed (never a detour through Remplir's Vérification).
    #[prop_or_default]
    pub evaluation: bool,
}

#[function_component(ExportStep)]
pub fn export_step(props: &ExportProps) -> Html {
    match props.step {
        FillStep::Recapitulatif => recap(&props.catalogue, &props.draft, &props.diags),
        _ => html! { <ExportImport ..props.clone_props() /> },
    }
}

impl ExportProps {
    fn clone_props(&self) -> ExportProps {
        ExportProps {
            step: self.step,
            catalogues: self.catalogues.clone(),
            catalogue: self.catalogue.clone(),
            draft: self.draft.clone(),
            diags: self.diags.clone(),
            open: self.open.clone(),
            draft_id: self.draft_id.clone(),
            evaluation: self.evaluation,
        }
    }
}

/// ISO 8601 date-time of now, to the second (`2026-11-25T17:30:00Z`).
fn now_iso() -> String {
    let s = String::from(js_sys::Date::new_0().to_iso_string());
    format!("{}Z", s.get(..19).unwrap_or(&s))
}

/// `cus-123456789-brouillon-2026-11-25.ods`
fn file_name(conv: &Convention, mode: Mode, format: Format, date: &str) -> String {
    let who: String = conv
        .organisme
        .siren
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let who = if who.is_empty() {
        "organisme".to_string()
    } else {
        who
    };
    format!(
        "cus-{who}-{}-{}.{}",
        mode.as_str(),
        date.get(..10).unwrap_or(date),
        format.extension()
    )
}

/// Offer bytes to the user as a downloaded file.
pub(crate) fn download(bytes: &[u8], name: &str, mime: &str) -> Result<(), String> {
    let fail = |_| "Le navigateur a refusé le téléchargement.".to_string();
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("Pas de document.")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| "Pas de lien.".to_string())?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// What the last action on the page gave.
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    /// A request in the formats worker: what it is, its last progress, its id (to cancel).
    Working {
        what: String,
        progress: Option<Progress>,
        id: Option<u32>,
    },
    Exported {
        name: String,
        bytes: usize,
    },
    Refused(Vec<Diagnostic>),
    Failed(String),
    Cancelled,
    Imported {
        name: String,
        notes: Vec<Diagnostic>,
    },
    ImportFailed {
        name: String,
        problems: Vec<Diagnostic>,
    },
}

impl Outcome {
    fn is_working(&self) -> bool {
        matches!(self, Outcome::Working { .. })
    }
}

/// The catalogues the user loaded (the worker embeds the others).
pub(crate) fn extra_catalogues(cats: &Catalogues) -> Vec<Catalogue> {
    let embedded = cus_core::catalogue::embedded();
    cats.0
        .iter()
        .filter(|c| !embedded.contains(c))
        .cloned()
        .collect()
}

/// A progress of the worker shown on the current request (ignored once it is over).
fn on_progress(outcome: &UseStateHandle<Outcome>, p: Progress) {
    if let Outcome::Working { what, id, .. } = &**outcome {
        outcome.set(Outcome::Working {
            what: what.clone(),
            id: *id,
            progress: Some(p),
        });
    }
}

#[function_component(ExportImport)]
fn export_import(props: &ExportProps) -> Html {
    // Final by default (used only when nothing blocks it); the user's choice is kept per draft.
    let mode_key = format!("cus.export-nature.{}", props.draft_id);
    let mode = {
        let key = mode_key.clone();
        use_state(
            move || match crate::storage::get(&key).ok().flatten().as_deref() {
                Some("brouillon") => Mode::Brouillon,
                _ => Mode::Final,
            },
        )
    };
    let outcome = use_state(|| Outcome::None);
    let worker = use_context::<FormatsWorker>().unwrap_or_default();
    {
        // Load the module now, so that the first click does not wait for it.
        let worker = worker.clone();
        use_effect_with((), move |_| worker.warm());
    }
    let conv = &*props.draft;
    // Errors first (they must be corrected; the list shows ten), then warnings to acknowledge.
    let mut blockers = final_export_blockers(&props.diags, &conv.acknowledged);
    blockers.sort_by_key(|d| d.severity != Severity::Error);
    let errors = blockers
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let unack = blockers.len() - errors;
    let final_ok = blockers.is_empty();
    let effective = if final_ok { *mode } else { Mode::Brouillon };
    let busy = outcome.is_working();

    let export_to = |format: Format| {
        let draft = props.draft.clone();
        let catalogues = props.catalogues.clone();
        let outcome = outcome.clone();
        let worker = worker.clone();
        Callback::from(move |_: MouseEvent| {
            let date = now_iso();
            let name = file_name(&draft, effective, format, &date);
            let request = Request::Export {
                format,
                mode: effective,
                exported_at: date,
                convention: (*draft).clone(),
                extra_catalogues: extra_catalogues(&catalogues),
            };
            let what = format!("Export en {}", format.extension().to_uppercase());
            outcome.set(Outcome::Working {
                what: what.clone(),
                progress: None,
                id: None,
            });
            let on = {
                let outcome = outcome.clone();
                Callback::from(move |e: WorkerEvent| match e {
                    WorkerEvent::Progress(p) => on_progress(&outcome, p),
                    WorkerEvent::Done(Reply::Exported { format, .. }, Some(bytes)) => {
                        match download(&bytes, &name, format.mime()) {
                            Ok(()) => outcome.set(Outcome::Exported {
                                name: name.clone(),
                                bytes: bytes.len(),
                            }),
                            Err(m) => outcome.set(Outcome::Failed(m)),
                        }
                    }
                    WorkerEvent::Done(Reply::Refused { blockers }, _) => {
                        outcome.set(Outcome::Refused(blockers))
                    }
                    WorkerEvent::Done(Reply::Failed { message }, _)
                    | WorkerEvent::Failed(message) => outcome.set(Outcome::Failed(message)),
                    WorkerEvent::Cancelled => outcome.set(Outcome::Cancelled),
                    WorkerEvent::Done(..) => outcome.set(Outcome::Failed(
                        "Réponse inattendue du module des formats.".into(),
                    )),
                })
            };
            let id = worker.send(&request, None, on);
            if let Outcome::Working {
                what: w, progress, ..
            } = &*outcome
            {
                if *w == what {
                    outcome.set(Outcome::Working {
                        what: what.clone(),
                        progress: progress.clone(),
                        id: Some(id),
                    });
                }
            }
        })
    };

    let on_file = {
        let outcome = outcome.clone();
        let open = props.open.clone();
        let catalogues = props.catalogues.clone();
        let worker = worker.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            let size = file.size();
            if size > cus_formats::MAX_IMPORT_BYTES as f64 {
                outcome.set(Outcome::ImportFailed {
                    problems: vec![Diagnostic::error(
                        "E-IMPORT-TOO-LARGE",
                        format!(
                            "Le fichier pèse {} Mio, au-delà de la limite de {} Mio : ce n'est pas un fichier de CUS.",
                            format_fr(size / 1_048_576.0, 1),
                            cus_formats::MAX_IMPORT_BYTES / 1_048_576
                        ),
                        cus_core::diagnostic::Location {
                            file: Some(name.clone()),
                            ..Default::default()
                        },
                    )],
                    name,
                });
                return;
            }
            let what = format!("Import de {name}");
            outcome.set(Outcome::Working {
                what: what.clone(),
                progress: Some(Progress {
                    step: 1,
                    steps: 2,
                    label: format!(
                        "Lecture du fichier par le navigateur ({} Kio)",
                        format_fr(size / 1024.0, 0)
                    ),
                }),
                id: None,
            });
            let outcome = outcome.clone();
            let open = open.clone();
            let extra = extra_catalogues(&catalogues);
            let worker = worker.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let bytes = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                    Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                    Err(_) => {
                        outcome.set(Outcome::Failed(format!(
                            "Le fichier {name} n'a pas pu être lu par le navigateur."
                        )));
                        return;
                    }
                };
                // Cancelled while the browser was reading the file.
                if !matches!(&*outcome, Outcome::Working { what: w, .. } if *w == what) {
                    return;
                }
                let request = Request::Import {
                    file_name: name.clone(),
                    extra_catalogues: extra,
                };
                let on = {
                    let outcome = outcome.clone();
                    Callback::from(move |e: WorkerEvent| match e {
                        // The worker counts its own steps; the browser's reading came first.
                        WorkerEvent::Progress(p) => on_progress(
                            &outcome,
                            Progress {
                                step: p.step + 1,
                                steps: p.steps + 1,
                                label: p.label,
                            },
                        ),
                        WorkerEvent::Done(Reply::Imported(imported), _) => {
                            let mut c = imported.convention;
                            if c.name.trim().is_empty() {
                                c.name = format!("Import de {name}");
                            }
                            // Only a successful import touches the drafts: a new one, made current.
                            open.emit(drafts::Request::Create(Box::new(c)));
                            outcome.set(Outcome::Imported {
                                name: name.clone(),
                                notes: imported.notes,
                            });
                        }
                        WorkerEvent::Done(Reply::ImportFailed { problems }, _) => {
                            outcome.set(Outcome::ImportFailed {
                                name: name.clone(),
                                problems,
                            })
                        }
                        WorkerEvent::Done(Reply::Failed { message }, _)
                        | WorkerEvent::Failed(message) => outcome.set(Outcome::Failed(message)),
                        WorkerEvent::Cancelled => outcome.set(Outcome::Cancelled),
                        WorkerEvent::Done(..) => outcome.set(Outcome::Failed(
                            "Réponse inattendue du module des formats.".into(),
                        )),
                    })
                };
                let id = worker.send(&request, Some(&bytes), on);
                if let Outcome::Working {
                    what: w, progress, ..
                } = &*outcome
                {
                    if *w == what {
                        outcome.set(Outcome::Working {
                            what,
                            progress: progress.clone(),
                            id: Some(id),
                        });
                    }
                }
            });
        })
    };

    let on_cancel = {
        let outcome = outcome.clone();
        let worker = worker.clone();
        Callback::from(move |_: MouseEvent| match &*outcome {
            Outcome::Working { id: Some(id), .. } => worker.cancel(*id),
            Outcome::Working { id: None, .. } => outcome.set(Outcome::Cancelled),
            _ => {}
        })
    };

    let set_mode = |m: Mode| {
        let mode = mode.clone();
        let key = mode_key.clone();
        Callback::from(move |_: Event| {
            let _ = crate::storage::set(&key, m.as_str());
            mode.set(m)
        })
    };

    html! {
        <div class="export">
            <section aria-labelledby="titre-export">
                <h3 id="titre-export">{ if props.evaluation { "Exporter l'évaluation" } else { "Exporter" } }</h3>
                if props.evaluation {
                    <p class="aide" id="export-evaluation-aide">{ "L'évaluation se transmet dans le fichier de la convention : ses engagements, sa signature et ses avenants, les réalisations et les justifications des engagements non tenus, dans chacun des quatre formats." }</p>
                }
                <p class="aide">{ "Le fichier est produit dans votre navigateur : rien n'est envoyé sur Internet. \
                    Le format ODS est le format ouvert que l'administration doit accepter \
                    (arrêté du 19 octobre 2017, « fichier numérique de tableaux, dont les données sont manipulables par des programmes libres de droit »)." }</p>
                <fieldset class="nature-export">
                    <legend>{ "Nature du fichier" }</legend>
                    <label>
                        <input type="radio" name="nature" id="nature-definitif" checked={effective == Mode::Final}
                            disabled={!final_ok} onchange={set_mode(Mode::Final)} />
                        { " Définitif, à transmettre aux services de l'État" }
                    </label>
                    <label>
                        <input type="radio" name="nature" id="nature-brouillon" checked={effective == Mode::Brouillon}
                            onchange={set_mode(Mode::Brouillon)} />
                        { " Brouillon (marqué comme tel dans le fichier)" }
                    </label>
                </fieldset>
                if final_ok {
                    <p class="message-ok" id="etat-export">{ "Aucune erreur et tous les avertissements sont vérifiés : l'export définitif est possible." }</p>
                } else {
                    <div class="avertissement" id="etat-export" role="note">
                        if props.evaluation {
                            <p>
                                { "L'export définitif n'est pas possible : " }
                                { blocker_summary(errors, unack) }
                                { ". Chaque ligne ci-dessous mène à la page où le corriger ; un brouillon reste possible." }
                            </p>
                        } else {
                        <p>
                            { "L'export définitif n'est pas possible : " }
                            { blocker_summary(errors, unack) }
                            { match (errors, unack) {
                                (1, 0) => ". Corrigez-la sur la page ",
                                (_, 0) => ". Corrigez-les sur la page ",
                                (0, 1) => ". Vérifiez-le sur la page ",
                                (0, _) => ". Vérifiez-les sur la page ",
                                _ => ". Corrigez les erreurs et vérifiez les avertissements sur la page ",
                            } }
                            <a href={Route::Fill(FillStep::Verification).to_hash()}>{ "Vérification" }</a>
                            { ". Un brouillon reste possible." }
                        </p>
                        }
                        <ul class="liste-bloquants">
                            { for blockers.iter().take(10).map(|d| html! {
                                <li>{ diagnostic_line(d, &conv.catalogue) }{ " " }{ fix_link(&props.catalogue, d) }</li>
                            }) }
                            if blockers.len() > 10 {
                                <li>{ format!("… et {} autres.", blockers.len() - 10) }</li>
                            }
                        </ul>
                    </div>
                }
                <div class="boutons-export">
                    { for Format::ALL.iter().map(|&f| html! {
                        <button type="button" class="bouton" id={format!("exporter-{}", f.extension())} onclick={export_to(f)} disabled={busy}>
                            { format!("Télécharger en {}", f.extension().to_uppercase()) }
                            <span class="format-detail">{ format!(" — {}", f.label_fr()) }</span>
                        </button>
                    }) }
                </div>
            </section>
            <section aria-labelledby="titre-import">
                <h3 id="titre-import">{ "Importer un fichier" }</h3>
                <p class="aide">{ "Un fichier ODS, XLSX, CSV ou JSON produit par cette application (ou un CSV réenregistré par Excel) \
                    est ouvert comme un nouveau brouillon : le brouillon en cours n'est pas modifié. \
                    En cas de problème, rien n'est importé et chaque problème est indiqué avec sa feuille, sa ligne et sa colonne." }</p>
                <label for="fichier-import">{ "Fichier à importer" }</label>
                <input type="file" id="fichier-import" accept=".ods,.xlsx,.csv,.json" onchange={on_file} disabled={busy} />
            </section>
            <div id="resultat-export" role="status" aria-live="polite">
                { outcome_view(&outcome, on_cancel) }
            </div>
        </div>
    }
}

/// The link to where a blocker is fixed (`fill::fix_link`, as Vérification leads): a cell of
/// « Évaluer » or of Remplir is focused there.
fn fix_link(cat: &Catalogue, d: &Diagnostic) -> Html {
    let (href, mut text) = crate::pages::fill::fix_link(cat, d);
    if rules::is_evaluation_diagnostic(d) {
        text = match (&d.location.cell, Route::from_hash(&href)) {
            (Some(_), Route::Evaluate(EvalStep::Engagement(_))) => "Aller à la case".to_string(),
            (_, Route::Evaluate(step)) => format!("Aller à l'étape {}", step.label_fr()),
            _ => text,
        };
    }
    let cell = d.location.cell.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        if let Some(c) = &cell {
            crate::pages::grid::request_focus(c);
        }
    });
    html! { <a class="lien-correction" {href} {onclick}>{ text }</a> }
}

fn blocker_summary(errors: usize, unack: usize) -> String {
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("{errors} erreur{}", plural(errors)));
    }
    if unack > 0 {
        parts.push(format!(
            "{unack} avertissement{} non vérifié{}",
            plural(unack),
            plural(unack)
        ));
    }
    parts.join(" et ")
}

use super::plural_s as plural;

fn outcome_view(o: &Outcome, on_cancel: Callback<MouseEvent>) -> Html {
    match o {
        Outcome::None => html! {},
        Outcome::Working { what, progress, .. } => {
            let (value, max, label) = match progress {
                Some(p) => (
                    Some(p.step.saturating_sub(1).to_string()),
                    p.steps.to_string(),
                    format!("{} (étape {} sur {})…", p.label, p.step, p.steps),
                ),
                None => (
                    None,
                    "1".to_string(),
                    "Démarrage du module des formats de fichiers…".to_string(),
                ),
            };
            html! {
                <div class="travail-en-cours" id="travail-en-cours">
                    <p id="travail-libelle"><strong>{ format!("{what} : ") }</strong>{ label }</p>
                    <progress aria-labelledby="travail-libelle" max={max} value={value}></progress>
                    <button type="button" class="bouton bouton-secondaire" id="annuler-travail" onclick={on_cancel}>{ "Annuler" }</button>
                </div>
            }
        }
        Outcome::Cancelled => html! {
            <p id="travail-annule">{ "Opération annulée : aucun fichier n'a été produit ni importé, le brouillon en cours n'a pas changé." }</p>
        },
        Outcome::Exported { name, bytes } => html! {
            <p class="message-ok">{ format!("Fichier {name} produit ({} Kio).", format_fr(*bytes as f64 / 1024.0, 1)) }</p>
        },
        Outcome::Refused(blockers) => html! {
            <div class="message-erreur" role="alert">
                <p>{ "Export définitif refusé :" }</p>
                <ul>{ for blockers.iter().take(20).map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
            </div>
        },
        Outcome::Failed(m) => {
            html! { <p class="message-erreur" id="echec-fichier" role="alert">{ m }</p> }
        }
        Outcome::Imported { name, notes } => html! {
            <div class="message-ok" id="import-reussi">
                <p>{ format!("{name} a été importé dans un nouveau brouillon, qui est maintenant ouvert.") }</p>
                if !notes.is_empty() {
                    <ul>{ for notes.iter().map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
                }
            </div>
        },
        Outcome::ImportFailed { name, problems } => html! {
            <div class="message-erreur" id="import-echoue" role="alert">
                <p>{ format!("{name} n'a pas été importé ({} problème{}) ; le brouillon en cours n'a pas changé.", problems.len(), plural(problems.len())) }</p>
                <ul>{ for problems.iter().map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
            </div>
        },
    }
}

/// The whole convention for print: cover facts, one section per indicator (each starting on a
/// new page when printed, its table header repeated on every page), the diagnostics and the
/// acknowledged warnings.
fn recap(cat: &Catalogue, conv: &Convention, diags: &[Diagnostic]) -> Html {
    let geo = conv.referential();
    let year = rules::label_year(conv);
    let inds: Vec<&Indicator> = cat.indicators.iter().filter(|i| conv.uses(i)).collect();
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let deps: Vec<String> = conv
        .departements
        .iter()
        .map(|d| {
            conv.territory_label(
                &cus_core::convention::TerritoryKey::Departement(d.clone()),
                geo,
            )
        })
        .collect();
    let epcis: Vec<String> = conv
        .epci
        .iter()
        .map(|e| conv.territory_label(&cus_core::convention::TerritoryKey::Epci(e.clone()), geo))
        .collect();
    html! {
        <div class="recapitulatif">
            <p class="pas-imprime">
                <button type="button" class="bouton" id="imprimer" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button>
                { " Chaque indicateur commence sur une nouvelle page ; les en-têtes des tableaux sont répétés." }
            </p>
            <section class="recap-couverture" aria-labelledby="recap-titre">
                <h3 id="recap-titre">{ format!("Convention d'utilité sociale — {}", conv.organisme.raison_sociale) }</h3>
                <dl class="recap-faits">
                    <dt>{ "Organisme" }</dt><dd>{ &conv.organisme.raison_sociale }</dd>
                    <dt>{ "SIREN" }</dt><dd>{ cus_core::organisme::display_siren(&conv.organisme.siren) }</dd>
                    <dt>{ "Catalogue" }</dt><dd>{ format!("{} (version {})", cat.title, cat.version) }</dd>
                    <dt>{ "Période" }</dt>
                    <dd>{ year.map(|y| format!("{y}–{}", y + 5)).unwrap_or_else(|| "année de signature non renseignée".into()) }</dd>
                    <dt>{ "Départements" }</dt><dd>{ if deps.is_empty() { "aucun".to_string() } else { deps.join(", ") } }</dd>
                    if !epcis.is_empty() {
                        <dt>{ "EPCI / EPT" }</dt><dd>{ epcis.join(", ") }</dd>
                    }
                    <dt>{ "Diagnostics" }</dt>
                    <dd>{ format!("{} erreur{}, {} avertissement{}, {} information{}",
                        count(Severity::Error), plural(count(Severity::Error)),
                        count(Severity::Warning), plural(count(Severity::Warning)),
                        count(Severity::Info), plural(count(Severity::Info))) }</dd>
                </dl>
            </section>
            { for inds.iter().map(|ind| recap_indicator(cat, conv, ind, year, geo, diags)) }
            { crate::pages::organism::organism_section(cat, conv, "recap-organisme") }
            <section class="recap-diagnostics" aria-labelledby="recap-diag">
                <h3 id="recap-diag">{ "Diagnostics et avertissements vérifiés" }</h3>
                if diags.is_empty() {
                    <p>{ "Aucun diagnostic." }</p>
                } else {
                    <ul>
                        { for diags.iter().map(|d| {
                            let ack = conv.acknowledged.get(&d.id());
                            html! {
                                <li>
                                    { diagnostic_line(d, &conv.catalogue) }
                                    if let Some(c) = ack {
                                        <strong>{ " — vérifié" }</strong>
                                        if !c.trim().is_empty() { { format!(" : « {c} »") } }
                                    }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
        </div>
    }
}

/// The label without the code it may start with (« PP-1. Nombre… » → « Nombre… »), for a
/// heading that already names the code.
fn label_without_code(ind: &Indicator) -> &str {
    ind.label
        .strip_prefix(ind.code.as_str())
        .map(|rest| rest.trim_start_matches(['.', ' ', ':']))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&ind.label)
}

fn recap_indicator(
    cat: &Catalogue,
    conv: &Convention,
    ind: &Indicator,
    year: Option<i32>,
    geo: Option<&cus_core::geo::Referential>,
    diags: &[Diagnostic],
) -> Html {
    let mine = diags
        .iter()
        .filter(|d| d.location.indicator.as_deref() == Some(ind.code.as_str()))
        .count();
    html! {
        <section class="recap-indicateur" aria-labelledby={format!("recap-{}", crate::pages::code_id(&ind.code))}>
            <h3 id={format!("recap-{}", crate::pages::code_id(&ind.code))}>{ format!("{} — {}", ind.code, label_without_code(ind)) }</h3>
            <p class="recap-unite">
                { match ind.value {
                    cus_core::catalogue::ValueKind::OuiNon => format!("Réponse : oui ou non. {}", cat.citation(ind)),
                    cus_core::catalogue::ValueKind::Texte => format!("Engagement rédigé ({} caractères au plus). {}",
                        format_fr(f64::from(ind.text_limit().unwrap_or_default()), 0), cat.citation(ind)),
                    _ => format!("Unité : {}. {}", conv.unit_fr(ind), cat.citation(ind)),
                } }
                if mine > 0 { { format!(" {mine} diagnostic{} (voir en fin de document).", plural(mine)) } }
            </p>
            { crate::pages::period_tables::period_tables(cat, conv, ind, year, geo) }
        </section>
    }
}
