//! "Remplir ma CUS": the guided path. Steps Organisme, Convention, Territoires, Segmentation, Parc
//! de logements (`super::stock`), one page per engagement (`super::grid`), Vérification (every
//! diagnostic; warnings acknowledged with an optional comment, as the final export requires),
//! Récapitulatif and Export (`super::export`), one file per step in this folder.
//!
//! This file owns the draft: one store (`crate::state`), opened and saved through
//! `crate::drafts` (IndexedDB), a stable dispatcher handed to every step, the validation patched
//! from what each edit touched, and the step menu (`menu`).

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Level};
use cus_core::convention::Convention;
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::rules;
use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::drafts;
use crate::pages::grid::Update;
use crate::presence;
use crate::route::{EvalStep, FillStep, Route};
use crate::state::{self, Action, DraftStore};
use cus_core::convention::Edit;

mod complementary;
mod convention;
mod drafts_panel;
pub(crate) mod menu;
mod organisme;
mod segmentation;
mod territoires;
mod verification;
pub(crate) use verification::fix_link;

use convention::ConventionStep;
use drafts_panel::DraftsPanel;
use menu::*;
use organisme::OrganismeStep;
use segmentation::SegmentationStep;
use territoires::fmt_int;
use territoires::TerritoiresStep;
use verification::VerificationStep;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub step: FillStep,
    pub catalogues: Catalogues,
    /// A step of « Évaluer ma CUS » (same draft, same store): shown instead of `step`.
    #[prop_or_default]
    pub evaluate: Option<EvalStep>,
}

/// What a convention chooses that changes how its catalogue reads (`Convention::view`): the
/// key of the memo of the view.
#[derive(Clone, PartialEq)]
struct Choices {
    units: std::collections::BTreeMap<String, String>,
    periodicity: std::collections::BTreeMap<String, String>,
    part_units: std::collections::BTreeMap<String, String>,
    complementary: Vec<cus_core::convention::Complementary>,
}

impl Choices {
    fn of(c: &Convention) -> Self {
        Choices {
            units: c.units.clone(),
            periodicity: c.periodicity.clone(),
            part_units: c.part_units.clone(),
            complementary: c.complementary.clone(),
        }
    }
}

/// The catalogue the draft was filled against, if it is available.
pub fn draft_catalogue<'a>(cats: &'a [Catalogue], conv: &Convention) -> Option<&'a Catalogue> {
    cus_core::catalogue::lookup(cats, &conv.catalogue.id, &conv.catalogue.version)
}

#[function_component(Fill)]
pub fn fill(props: &Props) -> Html {
    let store = use_reducer(DraftStore::loading);
    // Parc fields holding a figure that cannot be stored (told by the Parc step).
    let stock_invalid = use_state(|| 0usize);
    let on_stock_invalid = {
        let stock_invalid = stock_invalid.clone();
        (*use_memo((), move |_| {
            Callback::from(move |n: usize| stock_invalid.set(n))
        }))
        .clone()
    };
    let storage_msg = use_state(|| None::<String>);
    // Bumped when the list of drafts may have changed (a save, an open), for the drafts panel.
    let saved = use_state(|| 0u32);
    // Every change of draft goes through here: the storage is asynchronous (IndexedDB).
    let request: Callback<drafts::Request> = {
        let dispatcher = store.dispatcher();
        let storage_msg = storage_msg.clone();
        (*use_memo((), move |_| {
            Callback::from(move |r: drafts::Request| {
                let (dispatcher, storage_msg) = (dispatcher.clone(), storage_msg.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let opened = drafts::perform(r).await;
                    let message = match (drafts::take_notice(), opened.message.clone()) {
                        (Some(n), Some(m)) => Some(format!("{n} {m}")),
                        (n, m) => n.or(m),
                    };
                    storage_msg.set(message);
                    dispatcher.dispatch(Action::Open(Box::new(opened)));
                });
            })
        }))
        .clone()
    };
    {
        let request = request.clone();
        use_effect_with((), move |_| request.emit(drafts::Request::Current));
    }
    // `body[data-brouillon=ouvert]` once the draft is read (the tests wait for it).
    use_effect_with(store.loaded, |loaded| {
        let body = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body());
        if let (true, Some(b)) = (*loaded, &body) {
            let _ = b.set_attribute("data-brouillon", "ouvert");
        }
        move || {
            if let Some(b) = body {
                let _ = b.remove_attribute("data-brouillon");
            }
        }
    });
    // Read-only while the same draft is being edited in another tab (`crate::presence`).
    let read_only = use_state(|| false);
    let ro_flag = (*use_memo((), |_| Rc::new(std::cell::Cell::new(false)))).clone();
    let tab = (*use_memo((), |_| presence::new_tab_id())).clone();
    let presence = use_mut_ref(|| None::<presence::Presence>);
    {
        let (ro_flag, read_only, presence) = (ro_flag.clone(), read_only.clone(), presence.clone());
        use_effect_with(store.id.clone(), move |id| {
            ro_flag.set(false);
            read_only.set(false);
            let setter = read_only.setter();
            *presence.borrow_mut() = (!id.is_empty())
                .then(|| {
                    let subject = presence::Subject::draft(id, drafts::flush_boxed);
                    presence::Presence::announce(&tab, subject, ro_flag, move |ro| setter.set(ro))
                })
                .flatten();
            move || {
                presence.borrow_mut().take();
            }
        });
    }
    // The draft as last rendered, for the refusals of edits (a signed convention's commitments).
    let current = use_mut_ref(Rc::<Convention>::default);
    *current.borrow_mut() = store.conv.clone();
    // The French reason of the last edit refused (`Edit::refusal`), shown until the next edit.
    let refused = use_state(|| None::<String>);
    // One stable dispatcher for every component (the store's dispatcher never changes); nothing
    // is changed while the draft is read-only here, and an edit the signed convention refuses is
    // said, not dropped in silence.
    let update: Update = {
        let dispatcher = store.dispatcher();
        let ro_flag = ro_flag.clone();
        let refused = refused.setter();
        let shown = use_mut_ref(|| false);
        (*use_memo((), move |_| {
            Callback::from(move |e: Edit| {
                if ro_flag.get() {
                    return;
                }
                let why = e.refusal(&current.borrow());
                match why {
                    Some(why) => {
                        *shown.borrow_mut() = true;
                        refused.set(Some(why));
                    }
                    None => {
                        if shown.replace(false) {
                            refused.set(None);
                        }
                        dispatcher.dispatch(Action::Edit(e))
                    }
                }
            })
        }))
        .clone()
    };
    let take_over = {
        let (ro_flag, read_only, presence) = (ro_flag.clone(), read_only.clone(), presence.clone());
        let request = request.clone();
        let id = store.id.clone();
        Callback::from(move |_: MouseEvent| {
            let (ro_flag, read_only, request, id) = (
                ro_flag.clone(),
                read_only.clone(),
                request.clone(),
                id.clone(),
            );
            // The other tab writes what it has pending and says so (or is gone), then this one
            // reads the draft again.
            let reopen = move || {
                request.emit(drafts::Request::Open(id));
                ro_flag.set(false);
                read_only.set(false);
            };
            match presence.borrow().as_ref() {
                Some(p) => p.take_over(reopen),
                None => reopen(),
            }
        })
    };

    {
        let storage_msg = storage_msg.clone();
        let saved = saved.clone();
        let store = store.clone();
        use_effect_with(store.revision, move |_| {
            if store.dirty {
                // Written once the user pauses (serialising a large convention takes longer than
                // a frame), and at once if the page is hidden or another draft is opened.
                drafts::save_soon(store.id.clone(), store.conv.clone(), move |r| {
                    match r {
                        Err(m) => storage_msg.set(Some(m)),
                        Ok(()) => {
                            if storage_msg.is_some() {
                                storage_msg.set(None);
                            }
                        }
                    }
                    saved.set(saved.wrapping_add(1));
                });
            } else if store.loaded {
                saved.set(saved.wrapping_add(1));
            }
        });
    }
    let open = request.clone();
    let undo_redo = {
        let dispatcher = store.dispatcher();
        move |undo: bool| {
            let dispatcher = dispatcher.clone();
            Callback::from(move |_: MouseEvent| {
                dispatcher.dispatch(if undo { Action::Undo } else { Action::Redo })
            })
        }
    };
    // Ctrl+Z, Ctrl+Y and Ctrl+Shift+Z anywhere in the form: every keystroke is an edit of the
    // draft, so the history of the draft replaces the text field's own.
    let on_keydown = {
        let dispatcher = store.dispatcher();
        let ro_flag = ro_flag.clone();
        Callback::from(move |e: KeyboardEvent| {
            if !(e.ctrl_key() || e.meta_key()) || e.alt_key() || ro_flag.get() {
                return;
            }
            let action = match e.key().to_lowercase().as_str() {
                "z" if e.shift_key() => Action::Redo,
                "z" => Action::Undo,
                "y" => Action::Redo,
                _ => return,
            };
            e.prevent_default();
            dispatcher.dispatch(action);
        })
    };
    let draft = &store.conv;

    let geo = draft.referential();
    // One copy of the catalogue per catalogue and choices, shared by the steps' props: the
    // catalogue as the convention applies it (`Convention::view`: units, periodicities, parts,
    // complementary indicators), rebuilt only when one of these changes.
    let catalogue: Option<Rc<Catalogue>> = (*use_memo(
        (
            props.catalogues.clone(),
            draft.catalogue.clone(),
            Choices::of(draft),
        ),
        |(cats, r, _)| {
            cats.0
                .iter()
                .find(|c| c.is(&r.id, &r.version))
                .map(|c| Rc::new(draft.view(c).into_owned()))
        },
    ))
    .clone();
    let cat: Option<&Catalogue> = catalogue.as_deref();
    let validation = use_mut_ref(|| None::<state::Validation>);
    let diags: Rc<Vec<Diagnostic>> = cat
        .map(|c| state::diagnostics(&mut validation.borrow_mut(), &store, pinned(c), geo))
        .unwrap_or_default();

    let steps = all_steps(cat);
    // Errors located on a cell, per engagement (1-based position), for the step menu.
    let cell_errors: Vec<usize> = cat
        .map(|c| {
            c.engagements
                .iter()
                .map(|e| {
                    diags
                        .iter()
                        .filter(|d| d.severity == Severity::Error && d.location.cell.is_some())
                        .filter(|d| {
                            d.location
                                .indicator
                                .as_deref()
                                .and_then(|code| c.indicator(code))
                                .is_some_and(|i| i.engagement == e.id)
                        })
                        .count()
                })
                .collect()
        })
        .unwrap_or_default();
    let body = match props.step {
        FillStep::Organisme => html! {
            <OrganismeStep draft={(**draft).clone()} update={update.clone()} />
        },
        FillStep::Verification => match &catalogue {
            Some(c) => html! {
                <VerificationStep catalogue={c.clone()} draft={(*draft).clone()}
                    diags={diags.clone()} update={update.clone()} />
            },
            None => {
                html! { <p class="aide">{ "Choisissez d'abord le catalogue d'indicateurs à l'étape Convention." }</p> }
            }
        },
        FillStep::Engagement(n) => {
            match catalogue
                .as_ref()
                .and_then(|c| c.engagements.get(usize::from(n) - 1).map(|e| (c, e)))
            {
                Some((catalogue, e)) => {
                    let (c, catalogue) = (&**catalogue, catalogue.clone());
                    let conv = (*draft).clone();
                    let inds: Vec<_> = c
                        .indicators
                        .iter()
                        .filter(|i| i.engagement == e.id && conv.uses(i))
                        .cloned()
                        .collect();
                    // Rule messages on cells (required rows are listed on Vérification, not on
                    // cells; an acknowledged warning no longer flags its cell).
                    let acked = &draft.acknowledged;
                    let cell_messages: Rc<crate::pages::grid::CellMessages> = Rc::new(
                        diags
                            .iter()
                            .filter(|d| {
                                d.severity != Severity::Info && !d.code.contains("REQUIRED")
                            })
                            .filter(|d| {
                                d.severity != Severity::Warning
                                    || acked.is_empty()
                                    || !acked.contains_key(&d.id())
                            })
                            .filter_map(|d| {
                                d.location
                                    .cell
                                    .clone()
                                    .map(|k| (k, (d.severity, Rc::from(d.message.as_str()))))
                            })
                            .collect(),
                    );
                    // Rows left entirely empty (or partly) in required indicators: counted for
                    // this page in the step menu, so said here too, not only on Vérification:
                    // one line per indicator and severity (a 501-row grid can have hundreds).
                    let required = required_summary(&inds, &diags, acked, &draft.catalogue);
                    // Signed: the commitments are shown, not edited (an avenant unlocks them).
                    let pick = draft.signature.is_some().then(|| {
                        Rc::new(crate::pages::grid::Pick {
                            picked: Default::default(),
                            on_pick: None,
                            reveal: true,
                        })
                    });
                    html! {
                        <div class="engagement-saisie">
                            <p class="chapo-engagement">{ format!("{} — {}", e.area, e.label) }</p>
                            { required }
                            if inds.is_empty() {
                                <p class="aide">{ "Aucun indicateur de cet engagement n'est retenu dans la convention (voir l'étape Segmentation)." }</p>
                            }
                            { for inds.into_iter().enumerate().map(|(i, ind)| html! {
                                <crate::pages::grid::IndicatorGrid catalogue={catalogue.clone()} indicator={Rc::new(ind)} index={i}
                                    draft={conv.clone()} update={update.clone()} cell_messages={cell_messages.clone()} pick={pick.clone()} />
                            }) }
                        </div>
                    }
                }
                None => match &catalogue {
                    Some(c) => html! {
                        <p class="avertissement" role="note">
                            { format!("Cette adresse demande l'engagement n° {n}, mais le catalogue choisi ({}) n'en a que {} : choisissez un engagement dans la liste des étapes, par exemple ", c.title, c.engagements.len()) }
                            <a href={Route::Fill(FillStep::Engagement(1)).to_hash()}>{ step_label(FillStep::Engagement(1), Some(c)) }</a>{ "." }
                        </p>
                    },
                    None => html! {
                        <p class="avertissement" role="note">
                            { "Aucun catalogue d'indicateurs n'est encore choisi : choisissez-le à l'étape " }
                            <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ "." }
                        </p>
                    },
                },
            }
        }
        FillStep::Parc => html! {
            <crate::pages::stock::StockStep draft={(*draft).clone()} update={update.clone()} on_invalid={on_stock_invalid.clone()}
                catalogue={catalogue.clone()}
                diags={Rc::new(diags.iter().filter(|d| step_of(d) == FillStep::Parc).cloned().collect::<Vec<_>>())} />
        },
        FillStep::Recapitulatif | FillStep::Export => match &catalogue {
            Some(c) => html! {
                <crate::pages::export::ExportStep step={props.step} catalogues={props.catalogues.clone()} catalogue={c.clone()} draft_id={AttrValue::from(store.id.clone())}
                    draft={(*draft).clone()} diags={diags.clone()} open={open.clone()} />
            },
            None => html! {
                <p class="avertissement" role="note">
                    { "Choisissez d'abord le catalogue d'indicateurs à l'étape " }
                    <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ "." }
                </p>
            },
        },
        FillStep::Convention => html! {
            <ConventionStep catalogues={props.catalogues.clone()} draft={(**draft).clone()} update={update.clone()} />
        },
        FillStep::Territoires => html! {
            <TerritoiresStep draft={(**draft).clone()} update={update.clone()} diags={diags.clone()}
                segments={cat.is_some_and(|c| c.indicators.iter().any(|i| i.levels.allowed.contains(&Level::Segment)))} />
        },
        FillStep::Segmentation => match &catalogue {
            Some(c) => html! {
                <SegmentationStep catalogue={c.clone()} draft={(**draft).clone()} update={update.clone()} diags={diags.clone()} />
            },
            None => html! {
                <p class="avertissement" role="note">
                    { "Choisissez d'abord le catalogue d'indicateurs à l'étape " }
                    <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ "." }
                </p>
            },
        },
    };

    // A signed convention: its commitments are read-only on the steps that change them.
    let signed_lock = draft.signature.as_ref().filter(|_| {
        props.evaluate.is_none()
            && matches!(
                props.step,
                FillStep::Convention
                    | FillStep::Territoires
                    | FillStep::Segmentation
                    | FillStep::Parc
                    | FillStep::Engagement(_)
            )
    });
    let signed_banner = signed_lock.map(|sig| {
        html! {
            <div class="avertissement bandeau-signee" id="convention-signee" role="note">
                <p>
                    { format!("Convention signée le {} ({}) : engagements en lecture seule — ", cus_core::numfmt::date_fr(&sig.date), sig.label) }
                    <a href={Route::Evaluate(EvalStep::Signature).to_hash()}>{ "saisir un avenant" }</a>
                    { " pour les modifier (la version signée est gardée)." }
                </p>
            </div>
        }
    });
    // An avenant being prepared: said on every step, so the changes are known to be the
    // avenant's (the signed version is kept, to be signed again in « Évaluer »).
    let avenant_banner = (draft.signature.is_none() && !draft.versions.is_empty()).then(|| {
        let n = draft.versions.len();
        html! {
            <div class="avertissement bandeau-signee" id="avenant-en-cours" role="note">
                <p>
                    { format!("Avenant n° {n} en préparation : les engagements modifiés ici seront ceux de l'avenant ; la version signée est gardée. Une fois les modifications faites, ") }
                    <a href={Route::Evaluate(EvalStep::Signature).to_hash()}>{ format!("signez l'avenant n° {n}") }</a>
                    { "." }
                </p>
            </div>
        }
    });
    let refused_msg = (*refused).clone().map(|m| {
        html! { <p class="message-erreur" role="alert" id="modification-refusee">{ m }</p> }
    });
    let (steps_html, body, nav, heading, step_title) = match props.evaluate {
        Some(e) => {
            let view = crate::pages::evaluer::EvalView {
                step: e,
                catalogue: catalogue.clone(),
                draft: draft.clone(),
                diags: diags.clone(),
                update: update.clone(),
                catalogues: props.catalogues.clone(),
                draft_id: AttrValue::from(store.id.clone()),
                open: open.clone(),
            };
            (
                crate::pages::evaluer::menu(&view),
                crate::pages::evaluer::body(&view),
                crate::pages::evaluer::nav_buttons(&view),
                "Évaluer ma CUS",
                crate::pages::evaluer::step_label(e, cat),
            )
        }
        None => (
            steps
                .iter()
                .map(|&s| {
                    step_link(
                        s,
                        props.step,
                        draft,
                        &diags,
                        cat,
                        &cell_errors,
                        *stock_invalid,
                    )
                })
                .collect::<Html>(),
            body,
            nav_buttons(props.step, &steps, cat),
            "Remplir ma CUS",
            step_label(props.step, cat),
        ),
    };

    // One tree whether the draft is read yet or not: the heading (which may hold the focus) stays
    // the same element.
    html! {
        <div class={classes!("page", "remplir", props.evaluate.is_some().then_some("evaluer"))} onkeydown={on_keydown}>
            <h1 id="titre-page" tabindex="-1">{ heading }</h1>
            if !store.loaded {
                <p role="status" class="aide">{ "Ouverture du brouillon enregistré dans ce navigateur…" }</p>
            } else {
                if let Some(m) = &*storage_msg {
                    <p class="message-erreur" role="alert">{ m }</p>
                }
                <DraftsPanel current={store.id.clone()} name={cus_core::drafts::display_name(draft)}
                    status={cus_core::drafts::convention_status_fr(draft)} open={open.clone()} update={update.clone()} saved={*saved} />
                <div class="annuler-retablir" role="group" aria-label="Historique des modifications">
                    <button type="button" class="bouton bouton-secondaire" id="annuler" aria-keyshortcuts="Control+Z"
                        disabled={*read_only || !store.can_undo()} onclick={undo_redo(true)}>{ "↶ Annuler" }</button>
                    <button type="button" class="bouton bouton-secondaire" id="retablir" aria-keyshortcuts="Control+Y Control+Shift+Z"
                        disabled={*read_only || !store.can_redo()} onclick={undo_redo(false)}>{ "↷ Rétablir" }</button>
                    <span class="aide">{ " Ctrl+Z, Ctrl+Y : chaque saisie, chaque collage est une étape." }</span>
                </div>
                <div class="parcours">
                    <nav class="menu-etapes" aria-label={if props.evaluate.is_some() { "Étapes de l'évaluation" } else { "Étapes de la convention" }}>
                        <ol>
                            { steps_html }
                        </ol>
                    </nav>
                    <section class="etape" aria-labelledby="titre-etape">
                        <h2 id="titre-etape" tabindex="-1">{ step_title }</h2>
                        { signed_banner }
                        { avenant_banner }
                        { refused_msg }
                        if *read_only {
                            <div class="avertissement" id="lecture-seule" role="status">
                                <p>{ "Ce brouillon est ouvert dans un autre onglet de ce navigateur : ici, il est en lecture seule, \
                                      pour que les deux onglets n'écrivent pas l'un sur l'autre." }</p>
                                <button type="button" class="bouton" id="modifier-ici" onclick={take_over}>{ "Modifier ici" }</button>
                                <span class="aide">{ " L'autre onglet enregistre ce qu'il a en cours et passe en lecture seule." }</span>
                            </div>
                        }
                        <fieldset class="cadre-etape" disabled={*read_only || (signed_lock.is_some() && !matches!(props.step, FillStep::Engagement(_)))}>
                            { body }
                        </fieldset>
                        { nav }
                    </section>
                </div>
            }
        </div>
    }
}

/// The required rows left empty on an engagement page, one line per indicator and severity:
/// how many, the first territories, a link to Vérification for the full list.
fn required_summary(
    inds: &[cus_core::catalogue::Indicator],
    diags: &[Diagnostic],
    acked: &std::collections::BTreeMap<String, String>,
    cat: &cus_core::convention::CatalogueRef,
) -> Html {
    const NAMED: usize = 3;
    type Line<'d> = (String, Severity, usize, Vec<String>, Option<&'d Diagnostic>);
    let mut lines: Vec<Line> = Vec::new();
    for ind in inds {
        for sev in [Severity::Error, Severity::Warning] {
            let mut n = 0;
            let mut named = Vec::new();
            let mut first = None;
            for d in diags.iter().filter(|d| {
                d.severity == sev
                    && d.code.contains("REQUIRED")
                    && d.location.indicator.as_deref() == Some(ind.code.as_str())
                    && (sev != Severity::Warning
                        || acked.is_empty()
                        || !acked.contains_key(&d.id()))
            }) {
                n += 1;
                first.get_or_insert(d);
                if named.len() < NAMED {
                    if let Some(t) = &d.location.territory {
                        named.push(t.clone());
                    }
                }
            }
            if n > 0 {
                lines.push((ind.code.clone(), sev, n, named, first));
            }
        }
    }
    if lines.is_empty() {
        return html! {};
    }
    html! {
        <section class="a-completer" aria-labelledby="titre-a-completer">
            <h3 id="titre-a-completer">{ "À compléter sur cette page" }</h3>
            <ul class="diagnostics" id="diagnostics-obligatoires">
                { for lines.into_iter().map(|(code, sev, n, named, first)| {
                    let what = if sev == Severity::Error {
                        format!("{n} ligne{s} obligatoire{s} entièrement vide{s}", s = crate::pages::plural_s(n))
                    } else {
                        format!("{n} ligne{s} obligatoire{s} en partie vide{s}", s = crate::pages::plural_s(n))
                    };
                    let more = n.saturating_sub(named.len());
                    let places = match (named.is_empty(), more) {
                        (true, _) => String::new(),
                        (false, 0) => format!(" : {}", named.join(", ")),
                        (false, m) => format!(" : {} et {m} autre{}", named.join(", "), crate::pages::plural_s(m)),
                    };
                    html! {
                        <li class={diag_class(sev)} data-code={first.map(|d| d.code.clone())} data-count={n.to_string()}>
                            <strong>{ format!("{} : ", sev.label_fr()) }</strong>
                            { format!("{code} — {what}{places}.") }
                            if let Some(d) = first.filter(|d| d.article.is_some()) { { " — " }{ crate::pages::reference::citation_link(d, cat) } }
                            { " " }<a href={Route::Fill(FillStep::Verification).to_hash()}>{ "Liste détaillée (Vérification)" }</a>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

thread_local! {
    /// Catalogues validated so far, kept for the life of the page (a handful at most), so that a
    /// validation index can outlive one render.
    static PINNED: std::cell::RefCell<Vec<&'static Catalogue>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn pinned(cat: &Catalogue) -> &'static Catalogue {
    PINNED.with(|p| {
        let mut p = p.borrow_mut();
        if let Some(c) = p
            .iter()
            .find(|c| c.is(&cat.id, &cat.version) && ***c == *cat)
        {
            return *c;
        }
        let leaked: &'static Catalogue = Box::leak(Box::new(cat.clone()));
        p.push(leaked);
        leaked
    })
}

/// Which step a diagnostic belongs to: the engagement page of its cell, else by its code.
fn step_of(d: &Diagnostic) -> FillStep {
    let path = d.location.path.as_deref().unwrap_or_default();
    // A cell's diagnostic, or a unit to choose (above a grid): listed on Vérification.
    // (Choices made above a grid: units, periodicities, parts.)
    if d.location.cell.is_some()
        || path.starts_with("units.")
        || path.starts_with("periodicity.")
        || path.starts_with("part_units.")
    {
        FillStep::Verification
    } else if path.starts_with("bases.") {
        FillStep::Parc
    } else if rules::is_organisme_diagnostic(d) {
        FillStep::Organisme
    } else if d.code == rules::codes::STOCK_INVALID
        || d.location
            .path
            .as_deref()
            .is_some_and(|p| p.starts_with("stock."))
    {
        FillStep::Parc
    } else if d.code.contains("-TERR-")
        || d.code.starts_with("W-ZUS")
        || d.code.contains("-SEGMENT-")
    {
        FillStep::Territoires
    } else {
        FillStep::Segmentation
    }
}

/// Position (1-based) of the engagement page holding an indicator.
fn engagement_step(cat: &Catalogue, code: &str) -> Option<FillStep> {
    let ind = cat.indicator(code)?;
    let pos = cat
        .engagements
        .iter()
        .position(|e| e.id == ind.engagement)?;
    Some(FillStep::Engagement(u8::try_from(pos + 1).ok()?))
}
