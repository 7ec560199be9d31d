//! The step menu (with counts of errors and warnings per step) and the navigation buttons.

use cus_core::catalogue::Catalogue;
use cus_core::convention::CatalogueRef;
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::organisme::check_siren;
use yew::prelude::*;

use super::*;
use crate::route::{FillStep, Route};

/// Every step of the path: the fixed ones, then one per engagement of the catalogue.
pub(super) fn all_steps(cat: Option<&Catalogue>) -> Vec<FillStep> {
    let mut steps = FillStep::ALL.to_vec();
    if let Some(c) = cat {
        steps.extend((1..=c.engagements.len().min(255)).map(|n| FillStep::Engagement(n as u8)));
    }
    steps.extend(FillStep::LAST);
    steps
}

/// Label of a step; an engagement page is named after its area in the catalogue.
pub(super) fn step_label(step: FillStep, cat: Option<&Catalogue>) -> String {
    match step {
        FillStep::Engagement(n) => engagement_title(cat, n).unwrap_or_else(|| step.label_fr()),
        s => s.label_fr(),
    }
}

/// « Développement de l'offre (PP-1, PP-2) »: the area of engagement `n` (1-based) and its
/// indicators, from the catalogue.
pub(crate) fn engagement_title(cat: Option<&Catalogue>, n: u8) -> Option<String> {
    let c = cat?;
    let e = c.engagements.get(usize::from(n).checked_sub(1)?)?;
    let codes: Vec<&str> = c
        .indicators
        .iter()
        .filter(|i| i.engagement == e.id)
        .map(|i| i.code.as_str())
        .collect();
    Some(format!("{} ({})", e.area, codes.join(", ")))
}

pub(super) fn step_link(
    step: FillStep,
    current: FillStep,
    conv: &Convention,
    diags: &[Diagnostic],
    cat: Option<&Catalogue>,
    cell_errors: &[usize],
    stock_invalid: usize,
) -> Html {
    // Acknowledged warnings are not counted: nothing is left to do about them.
    let count = |sev: Severity| {
        diags
            .iter()
            .filter(|d| d.severity == sev && step_of(d) == step)
            .filter(|d| {
                sev != Severity::Warning
                    || conv.acknowledged.is_empty()
                    || !conv.acknowledged.contains_key(&d.id())
            })
            .count()
    };
    let (errors, warnings) = match step {
        FillStep::Engagement(n) => (cell_errors.get(usize::from(n) - 1).copied().unwrap_or(0), 0),
        _ => (count(Severity::Error), count(Severity::Warning)),
    };
    let done = match step {
        FillStep::Organisme => {
            !conv.organisme.raison_sociale.trim().is_empty()
                && check_siren(&conv.organisme.siren).is_ok()
                && errors == 0
        }
        FillStep::Engagement(_)
        | FillStep::Verification
        | FillStep::Recapitulatif
        | FillStep::Export => false,
        FillStep::Parc => !conv.stock.is_empty() && errors == 0 && stock_invalid == 0,
        // Complete when the catalogue applies to the signing year.
        FillStep::Convention => conv
            .signing_year
            .zip(cat)
            .is_some_and(|(y, c)| cus_core::catalogue::applies_to_year(c, y)),
        FillStep::Territoires => !conv.departements.is_empty() && errors == 0,
        FillStep::Segmentation => !conv.catalogue.id.is_empty() && errors == 0,
    };
    let mut status = Vec::new();
    if step == FillStep::Parc && stock_invalid > 0 {
        status.push(format!(
            "{stock_invalid} saisie{s} non enregistrée{s}",
            s = if stock_invalid > 1 { "s" } else { "" }
        ));
    }
    if errors > 0 {
        status.push(format!(
            "{errors} erreur{}",
            if errors > 1 { "s" } else { "" }
        ));
    }
    if warnings > 0 {
        status.push(format!(
            "{warnings} avertissement{}",
            if warnings > 1 { "s" } else { "" }
        ));
    }
    if status.is_empty() && done {
        status.push("complète".to_string());
    }
    html! {
        <li class={classes!(done.then_some("etape-faite"), (errors > 0).then_some("etape-erreurs"))}>
            <a href={Route::Fill(step).to_hash()} aria-current={(step == current).then_some("step")}>
                { step_label(step, cat) }
            </a>
            if !status.is_empty() {
                <span class="etape-etat">{ format!(" ({})", status.join(", ")) }</span>
            }
        </li>
    }
}

pub(super) fn nav_buttons(step: FillStep, steps: &[FillStep], cat: Option<&Catalogue>) -> Html {
    let i = steps.iter().position(|&s| s == step).unwrap_or(0);
    let prev = i.checked_sub(1).map(|j| steps[j]);
    let next = steps.get(i + 1).copied();
    html! {
        <p class="navigation-etapes">
            if let Some(p) = prev {
                <a class="bouton bouton-secondaire" href={Route::Fill(p).to_hash()}>{ format!("← {}", step_label(p, cat)) }</a>
            }
            if let Some(n) = next {
                <a class="bouton" href={Route::Fill(n).to_hash()}>{ format!("{} →", step_label(n, cat)) }</a>
            }
        </p>
    }
}

/// CSS classes of a diagnostic line (the severity is also written out: colour is not the only
/// signal).
pub(super) fn diag_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "diag diag-erreur",
        Severity::Warning => "diag diag-avertissement",
        Severity::Info => "diag diag-info",
    }
}

/// Diagnostics as a list, each citation a link to its indicator's card.
pub(super) fn diagnostics_list(diags: &[Diagnostic], id: &str, cat: &CatalogueRef) -> Html {
    if diags.is_empty() {
        return html! {};
    }
    html! {
        <ul class="diagnostics" id={id.to_string()} aria-live="polite">
            { for diags.iter().map(|d| {
                html! {
                    <li class={diag_class(d.severity)} data-code={d.code.clone()}>
                        <strong>{ format!("{} : ", d.severity.label_fr()) }</strong>
                        { &d.message }
                        if d.article.is_some() { { " — " }{ crate::pages::reference::citation_link(d, cat) } }
                    </li>
                }
            }) }
        </ul>
    }
}
