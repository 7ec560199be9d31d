//! « Évaluer ma CUS »: the same draft as « Remplir ma CUS » (same store, same dispatcher, served
//! by the same module), seen after its signature. Steps: the convention and the evaluation
//! (`choix`), the signature and the avenants (`signature`), the achievements of each engagement
//! (`saisie`), the rates, gaps and justifications (`bilan`), the printable report (`rapport`).
//! Every figure is computed by `cus_core::evaluation` (and its `report` module).

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, EvaluationPeriod};
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::rules;
use yew::prelude::*;

use crate::pages::grid::Update;
use crate::route::{EvalStep, FillStep, Route};

mod bilan;
mod chart;
mod choix;
mod rapport;
mod saisie;
mod signature;

/// What every step gets from the draft's page.
pub struct EvalView {
    pub step: EvalStep,
    pub catalogue: Option<Rc<Catalogue>>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
    pub update: Update,
    /// For the export step (the export page of Remplir, in its evaluation mode).
    pub catalogues: crate::catalogues::Catalogues,
    pub draft_id: AttrValue,
    pub open: Callback<crate::drafts::Request>,
}

/// The current calendar year (the browser's clock).
pub(crate) fn current_year() -> i32 {
    js_sys::Date::new_0().get_full_year() as i32
}

/// The evaluation the achievements are entered for: the one the draft names, else the one
/// `cus_core::evaluation::due` proposes for its signing year.
pub(crate) fn evaluation<'c>(
    cat: &'c Catalogue,
    conv: &Convention,
) -> Option<&'c EvaluationPeriod> {
    cat.evaluations
        .iter()
        .find(|e| e.id == conv.achievements.evaluation)
        .or_else(|| {
            cus_core::evaluation::due(
                cat,
                conv.signing_year.unwrap_or_else(current_year),
                current_year(),
            )
        })
}

/// Every step: the fixed ones, one per engagement of the catalogue, then the bilan and report.
pub fn steps(cat: Option<&Catalogue>) -> Vec<EvalStep> {
    let mut out = vec![EvalStep::Choix, EvalStep::Signature];
    if let Some(c) = cat {
        out.extend((1..=c.engagements.len().min(255)).map(|n| EvalStep::Engagement(n as u8)));
    }
    out.extend([EvalStep::Bilan, EvalStep::Rapport, EvalStep::Export]);
    out
}

/// Label of a step; an achievement page is named after its engagement's area.
pub fn step_label(step: EvalStep, cat: Option<&Catalogue>) -> String {
    match step {
        EvalStep::Engagement(n) => crate::pages::fill::menu::engagement_title(cat, n)
            .map(|t| format!("Réalisations — {t}"))
            .unwrap_or_else(|| step.label_fr()),
        s => s.label_fr(),
    }
}

/// The evaluation's diagnostics (errors, warnings not acknowledged).
pub(crate) fn evaluation_counts(conv: &Convention, diags: &[Diagnostic]) -> (usize, usize) {
    let eval = diags.iter().filter(|d| rules::is_evaluation_diagnostic(d));
    let mut e = 0;
    let mut w = 0;
    for d in eval {
        match d.severity {
            Severity::Error => e += 1,
            Severity::Warning if !conv.acknowledged.contains_key(&d.id()) => w += 1,
            _ => {}
        }
    }
    (e, w)
}

pub(crate) fn counts_text(errors: usize, warnings: usize) -> String {
    let s = crate::pages::plural_s;
    format!(
        "{errors} erreur{} et {warnings} avertissement{} à traiter",
        s(errors),
        s(warnings)
    )
}

/// The step menu.
pub fn menu(view: &EvalView) -> Html {
    let cat = view.catalogue.as_deref();
    let (errors, warnings) = evaluation_counts(&view.draft, &view.diags);
    html! {
        { for steps(cat).into_iter().map(|s| {
            let status = match s {
                EvalStep::Signature => Some(match &view.draft.signature {
                    Some(sig) => sig.signed_fr(),
                    None => "non signée".to_string(),
                }),
                EvalStep::Bilan if errors + warnings > 0 => Some(counts_text(errors, warnings)),
                EvalStep::Export => Some(
                    if cus_core::diagnostic::final_export_blockers(&view.diags, &view.draft.acknowledged).is_empty() {
                        "définitif possible".to_string()
                    } else {
                        "brouillon seulement".to_string()
                    },
                ),
                _ => None,
            };
            html! {
                <li class={classes!((s == EvalStep::Bilan && errors > 0).then_some("etape-erreurs"))}>
                    <a href={Route::Evaluate(s).to_hash()} aria-current={(s == view.step).then_some("step")}>{ step_label(s, cat) }</a>
                    if let Some(st) = status {
                        <span class="etape-etat">{ format!(" ({st})") }</span>
                    }
                </li>
            }
        }) }
    }
}

/// Previous and next steps.
pub fn nav_buttons(view: &EvalView) -> Html {
    let cat = view.catalogue.as_deref();
    let steps = steps(cat);
    let i = steps.iter().position(|&s| s == view.step).unwrap_or(0);
    let prev = i.checked_sub(1).map(|j| steps[j]);
    let next = steps.get(i + 1).copied();
    html! {
        <p class="navigation-etapes">
            if let Some(p) = prev {
                <a class="bouton bouton-secondaire" href={Route::Evaluate(p).to_hash()}>{ format!("← {}", step_label(p, cat)) }</a>
            }
            if let Some(n) = next {
                <a class="bouton" href={Route::Evaluate(n).to_hash()}>{ format!("{} →", step_label(n, cat)) }</a>
            }
            // The evaluation is sent as the convention's file (the four formats carry the
            // achievements): from the bilan, the way to its export step, in « Évaluer ».
            if view.step == EvalStep::Bilan {
                <a class="bouton bouton-secondaire" id="exporter-evaluation" href={Route::Evaluate(EvalStep::Export).to_hash()}>{ "Exporter l'évaluation (fichier pour l'État)" }</a>
            }
        </p>
    }
}

/// The page of a step.
pub fn body(view: &EvalView) -> Html {
    let Some(cat) = view.catalogue.clone() else {
        return html! {
            <p class="avertissement" role="note">
                { "Aucun catalogue d'indicateurs n'est choisi pour ce brouillon : ouvrez une convention remplie (liste des brouillons ci-dessus, " }
                <a href={Route::Evaluate(EvalStep::Choix).to_hash()}>{ "Convention et évaluation" }</a>
                { ") ou choisissez le catalogue à l'étape " }
                <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ " de « Remplir ma CUS »." }
            </p>
        };
    };
    let period = evaluation(&cat, &view.draft).cloned().map(Rc::new);
    let no_period = || {
        html! {
            <p class="avertissement" role="note">
                { "Le catalogue de cette convention ne prévoit aucune évaluation." }
            </p>
        }
    };
    match view.step {
        EvalStep::Choix => html! {
            <choix::Choix catalogue={cat} draft={view.draft.clone()} update={view.update.clone()} />
        },
        EvalStep::Signature => html! {
            <signature::SignatureStep catalogue={cat} draft={view.draft.clone()} diags={view.diags.clone()} update={view.update.clone()} />
        },
        EvalStep::Engagement(n) => match (period, cat.engagements.get(usize::from(n) - 1).cloned())
        {
            (Some(period), Some(e)) => html! {
                <saisie::Saisie catalogue={cat.clone()} engagement={Rc::new(e)} period={period}
                    draft={view.draft.clone()} diags={view.diags.clone()} update={view.update.clone()} />
            },
            (None, _) => no_period(),
            (_, None) => html! {
                <p class="avertissement" role="note">
                    { format!("Cette adresse demande l'engagement n° {n}, mais le catalogue choisi ({}) n'en a que {} : choisissez un engagement dans la liste des étapes.", cat.title, cat.engagements.len()) }
                </p>
            },
        },
        EvalStep::Bilan => match period {
            Some(period) => html! {
                <bilan::Bilan catalogue={cat} period={period} draft={view.draft.clone()}
                    diags={view.diags.clone()} update={view.update.clone()} />
            },
            None => no_period(),
        },
        // The export page of Remplir, in its evaluation mode: its blockers lead to the step
        // of « Évaluer » where each is fixed.
        EvalStep::Export => html! {
            <crate::pages::export::ExportStep step={FillStep::Export} catalogues={view.catalogues.clone()} catalogue={cat}
                draft_id={view.draft_id.clone()} draft={view.draft.clone()} diags={view.diags.clone()} open={view.open.clone()}
                evaluation={true} />
        },
        EvalStep::Rapport => match period {
            Some(period) => html! {
                <rapport::Rapport catalogue={cat} period={period} draft={view.draft.clone()} diags={view.diags.clone()} />
            },
            None => no_period(),
        },
    }
}

/// Label of one line's place: « Nord (59), Total, 2020-2022 ».
/// « 59 — Nord, PLAI, Cumul 2020–2022 » for a cell key (the key itself if it does not parse):
/// never a technical key on screen.
pub(crate) fn cell_label(cat: &Catalogue, conv: &Convention, key: &str) -> String {
    let Some(c) = cus_core::convention::Cell::parse_key(key) else {
        return key.to_string();
    };
    let mut parts = vec![conv.territory_label(&c.territory, conv.referential())];
    if let Some(i) = cat.indicator(&c.indicator) {
        let s = split_label(i, &c.split);
        if !s.is_empty() {
            parts.push(s);
        }
        parts.push(i.period_label_fr(c.period, conv.signing_year));
    }
    parts.join(", ")
}

pub(crate) fn split_label(
    ind: &cus_core::catalogue::Indicator,
    s: &cus_core::convention::SplitKey,
) -> String {
    if s.members.is_empty() && s.part.is_none() {
        String::new()
    } else {
        s.label_fr(ind)
    }
}
