//! Step Vérification: every diagnostic, warnings acknowledged with an optional comment.

use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{Cell, Convention};
use cus_core::diagnostic::{final_export_blockers, stale_acknowledgements, Diagnostic, Severity};
use yew::prelude::*;

use super::*;
use crate::pages::grid::Update;
use crate::route::Route;
use cus_core::convention::Edit;

#[derive(Properties, PartialEq)]
pub(super) struct VerificationProps {
    pub(super) catalogue: Rc<Catalogue>,
    pub(super) draft: Rc<Convention>,
    pub(super) diags: Rc<Vec<Diagnostic>>,
    pub(super) update: Update,
}

/// Acknowledge a warning with a comment, or no longer (`None`).
pub(super) fn acknowledge(update: &Update, id: String, comment: Option<String>) {
    update.emit(Edit::Acknowledge { id, comment });
}

pub(super) fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n > 1 { "s" } else { "" })
}

/// French description of an acknowledgement id (`CODE@cell-key` or `CODE@path|indicator|…`,
/// see `Diagnostic::id`).
pub(super) fn describe_ack(cat: &Catalogue, conv: &Convention, id: &str) -> String {
    let (code, at) = id.split_once('@').unwrap_or((id, ""));
    let geo = conv.referential();
    let place = if Cell::parse_key(at).is_some() {
        cus_core::calc::input_label_fr(conv, cat, geo, at)
    } else {
        at.split('|')
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if place.is_empty() {
        code.to_string()
    } else {
        format!("{code} — {place}")
    }
}

/// "Vérification": every diagnostic, grouped by indicator, each a link to its cell or step; each
/// warning can be acknowledged, with an optional comment, as the final export requires.
#[function_component(VerificationStep)]
pub(super) fn verification_step(props: &VerificationProps) -> Html {
    let cat = &*props.catalogue;
    let conv = &*props.draft;
    let diags = &*props.diags;
    let acked = &conv.acknowledged;
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let w_acked = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning && acked.contains_key(&d.id()))
        .count();
    let blockers = final_export_blockers(diags, acked);
    let stale: Vec<String> = stale_acknowledgements(diags, acked)
        .into_iter()
        .map(str::to_string)
        .collect();
    let general: Vec<(usize, &Diagnostic)> = diags
        .iter()
        .enumerate()
        .filter(|(_, d)| d.location.indicator.is_none())
        .collect();
    let link_for = |d: &Diagnostic| fix_link(cat, d);
    let item = |n: usize, d: &Diagnostic| {
        let (href, text) = link_for(d);
        let cell = d.location.cell.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(c) = &cell {
                crate::pages::grid::request_focus(c);
            }
        });
        let id = d.id();
        let comment = acked.get(&id).cloned();
        let is_warning = d.severity == Severity::Warning;
        let verified = is_warning && comment.is_some();
        let msg_id = format!("diag-{n}");
        let ack = is_warning.then(|| {
            let on_check = {
                let update = props.update.clone();
                let id = id.clone();
                Callback::from(move |e: Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let on = input.checked();
                    let id = id.clone();
                    acknowledge(&update, id.clone(), on.then(String::new));
                })
            };
            let on_comment = {
                let update = props.update.clone();
                let id = id.clone();
                Callback::from(move |e: InputEvent| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let text = input.value();
                    let id = id.clone();
                    acknowledge(&update, id.clone(), Some(text));
                })
            };
            html! {
                <div class="accuse-verification">
                    <label class="case-a-cocher">
                        <input type="checkbox" checked={verified} onchange={on_check} aria-describedby={msg_id.clone()} />
                        { " J'ai vérifié cet avertissement" }
                    </label>
                    if let Some(c) = &comment {
                        <div class="champ champ-commentaire">
                            <label for={format!("commentaire-{n}")}>{ "Commentaire (facultatif, repris dans le fichier transmis)" }</label>
                            <input id={format!("commentaire-{n}")} type="text" class="commentaire" value={c.clone()}
                                oninput={on_comment} aria-describedby={msg_id.clone()} />
                        </div>
                    }
                </div>
            }
        });
        html! {
            <li class={classes!(diag_class(d.severity), verified.then_some("diag-verifie"))} data-code={d.code.clone()} data-id={id.clone()}>
                <span id={msg_id.clone()}>
                    <strong>{ format!("{} : ", d.severity.label_fr()) }</strong>
                    { &d.message }
                    <span class="diag-lieu">{ format!(" ({})", d.location.describe_fr()) }</span>
                    if d.article.is_some() { { " — " }{ crate::pages::reference::citation_link(d, &props.draft.catalogue) } }
                </span>
                if verified { { " " }<span class="badge-verifie">{ "vérifié" }</span> }
                { " " }<a href={href} {onclick}>{ text }</a>
                { ack.unwrap_or_default() }
            </li>
        }
    };
    let blocked = if blockers.is_empty() {
        "L'export définitif est possible.".to_string()
    } else {
        let mut why = Vec::new();
        if e > 0 {
            why.push(format!("{} à corriger", plural(e, "erreur")));
        }
        if w - w_acked > 0 {
            why.push(format!(
                "{} à vérifier",
                plural(w - w_acked, "avertissement")
            ));
        }
        format!("L'export définitif est bloqué : {}.", why.join(" et "))
    };
    let remove_all_stale = {
        let update = props.update.clone();
        let stale = stale.clone();
        Callback::from(move |_: MouseEvent| {
            let stale = stale.clone();
            update.emit(Edit::Batch(
                stale
                    .iter()
                    .map(|id| Edit::Acknowledge {
                        id: id.clone(),
                        comment: None,
                    })
                    .collect(),
            ));
        })
    };
    html! {
        <div class="verification">
            <div class={classes!("resume", if e > 0 { "resume-erreurs" } else if blockers.is_empty() { "resume-ok" } else { "resume-attention" })} role="status">
                <p class="resume-comptes">
                    { format!("{}, {} dont {} vérifié{}, {}.",
                        plural(e, "erreur"), plural(w, "avertissement"), w_acked, if w_acked > 1 { "s" } else { "" },
                        plural(i, "information")) }
                </p>
                <p class="resume-export">{ blocked }</p>
                if w > w_acked {
                    <p class="aide">{ "Un avertissement ne bloque que l'export définitif : vérifiez la valeur, puis cochez « J'ai vérifié cet avertissement » (un commentaire peut l'expliquer)." }</p>
                }
            </div>
            if !general.is_empty() {
                <section class="verification-groupe">
                    <h3>{ "Organisme, territoires, segments et parc" }</h3>
                    <ul class="diagnostics">{ for general.iter().map(|(n, d)| item(*n, d)) }</ul>
                </section>
            }
            { for cat.indicators.iter().filter(|ind| conv.uses(ind)).map(|ind| {
                let mine: Vec<(usize, &Diagnostic)> = diags.iter().enumerate().filter(|(_, d)| d.location.indicator.as_deref() == Some(ind.code.as_str())).collect();
                if mine.is_empty() { return html! {}; }
                html! {
                    <section class="verification-groupe">
                        <h3><span class="code">{ &ind.code }</span>{ format!(" — {} ({})", ind.short_label, mine.len()) }</h3>
                        <ul class="diagnostics">{ for mine.iter().map(|(n, d)| item(*n, d)) }</ul>
                    </section>
                }
            }) }
            if !stale.is_empty() {
                <section class="verification-groupe verifications-caduques" aria-labelledby="titre-caduques">
                    <h3 id="titre-caduques">{ format!("Vérifications devenues sans objet ({})", stale.len()) }</h3>
                    <p class="aide">{ "Ces avertissements avaient été vérifiés, mais ils n'existent plus (la valeur ou la structure a changé depuis) : leur vérification ne sert plus et peut être retirée." }</p>
                    <ul class="liste-caduques">
                        { for stale.iter().map(|id| {
                            let comment = acked.get(id).cloned().unwrap_or_default();
                            let remove = {
                                let update = props.update.clone();
                                let id = id.clone();
                                Callback::from(move |_: MouseEvent| {
                                    let id = id.clone();
                                    acknowledge(&update, id.clone(), None);
                                })
                            };
                            let label = describe_ack(cat, conv, id);
                            html! {
                                <li data-id={id.clone()}>
                                    <span>{ label.clone() }</span>
                                    if !comment.trim().is_empty() {
                                        <span class="aide">{ format!(" — commentaire : « {comment} »") }</span>
                                    }
                                    { " " }
                                    <button type="button" class="lien-bouton" onclick={remove} aria-label={format!("Retirer la vérification {label}")}>{ "Retirer" }</button>
                                </li>
                            }
                        }) }
                    </ul>
                    <button type="button" class="bouton bouton-secondaire" onclick={remove_all_stale}>{ "Retirer ces vérifications" }</button>
                </section>
            }
        </div>
    }
}

/// Where a diagnostic is fixed, and the link's text: « Évaluer ma CUS » for the evaluation's
/// (the bilan for a missing justification, the signature for its checks, the achievements of
/// its engagement), the engagement page of a commitment's cell, else the step of Remplir that
/// holds what it is about. Used by Vérification and by the export of both modes.
pub(crate) fn fix_link(cat: &Catalogue, d: &Diagnostic) -> (String, String) {
    // A diagnostic of the evaluation is fixed in « Évaluer »: the bilan for a missing
    // justification, the signature for its checks, the achievements of its engagement.
    if cus_core::rules::is_evaluation_diagnostic(d) {
        use crate::route::EvalStep;
        let step = match d.code.as_str() {
            cus_core::evaluation::JUSTIFY => EvalStep::Bilan,
            cus_core::evaluation::SIGNATURE_YEAR | cus_core::evaluation::NOT_SIGNED => {
                EvalStep::Signature
            }
            _ => match d
                .location
                .indicator
                .as_deref()
                .and_then(|c| engagement_step(cat, c))
            {
                Some(FillStep::Engagement(n)) => EvalStep::Engagement(n),
                _ => EvalStep::Choix,
            },
        };
        return (
            Route::Evaluate(step).to_hash(),
            "Corriger dans « Évaluer ma CUS »".to_string(),
        );
    }
    match (
        &d.location.cell,
        d.location
            .indicator
            .as_deref()
            .and_then(|c| engagement_step(cat, c)),
    ) {
        (Some(_), Some(step)) => (Route::Fill(step).to_hash(), "Aller à la case".to_string()),
        _ => {
            let step = step_of(d);
            (
                Route::Fill(step).to_hash(),
                format!("Aller à l'étape {}", step.label_fr()),
            )
        }
    }
}
