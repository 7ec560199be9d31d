//! "Remplir ma CUS": the guided path. Steps Organisme, Convention, Territoires, Segmentation, Parc
//! de logements (`super::stock`), one page per engagement (`super::grid`), Vérification (every
//! diagnostic; warnings acknowledged with an optional comment, as the final export requires),
//! Récapitulatif and Export (`super::export`). The draft (a `cus_core::convention::Convention`)
//! is saved in local storage on every change.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Level};
use cus_core::convention::{
    level_options, splits, Cell, Convention, IndicatorSegmentation, TerritoryKey,
};
use cus_core::diagnostic::{final_export_blockers, stale_acknowledgements, Diagnostic, Severity};
use cus_core::geo::{self, Hit};
use cus_core::organisme::{check_siren, Organisme, OrganismeKind};
use cus_core::rules;
use yew::prelude::*;

use super::grid::Update;
use crate::catalogues::Catalogues;
use crate::drafts;
use crate::presence;
use crate::route::{FillStep, Route};
use crate::state::{self, Action, DraftStore};
use cus_core::convention::Edit;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub step: FillStep,
    pub catalogues: Catalogues,
}

/// The catalogue the draft was filled against, if it is available.
pub fn draft_catalogue<'a>(cats: &'a [Catalogue], conv: &Convention) -> Option<&'a Catalogue> {
    cats.iter()
        .find(|c| c.id == conv.catalogue.id && c.version == conv.catalogue.version)
}

#[function_component(Fill)]
pub fn fill(props: &Props) -> Html {
    let store = use_reducer(DraftStore::loading);
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
                    dispatcher.dispatch(Action::Open(opened));
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
                .then(|| presence::Presence::announce(&tab, id, ro_flag, move |ro| setter.set(ro)))
                .flatten();
            move || {
                presence.borrow_mut().take();
            }
        });
    }
    // One stable dispatcher for every component (the store's dispatcher never changes); nothing
    // is changed while the draft is read-only here.
    let update: Update = {
        let dispatcher = store.dispatcher();
        let ro_flag = ro_flag.clone();
        (*use_memo((), move |_| {
            Callback::from(move |e: Edit| {
                if !ro_flag.get() {
                    dispatcher.dispatch(Action::Edit(e))
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
            let (ro_flag, read_only, request, id) =
                (ro_flag.clone(), read_only.clone(), request.clone(), id.clone());
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

    let cats = &props.catalogues.0;
    let cat = draft_catalogue(cats, &draft);
    let geo = draft.referential();
    let validation = use_mut_ref(|| None::<state::Validation>);
    let diags: Rc<Vec<Diagnostic>> = cat
        .map(|c| state::diagnostics(&mut validation.borrow_mut(), &store, pinned(c), geo))
        .unwrap_or_default();
    // One copy of the catalogue per catalogue chosen, shared by the steps' props.
    let catalogue: Option<Rc<Catalogue>> = (*use_memo(
        (props.catalogues.clone(), draft.catalogue.clone()),
        |(cats, r)| {
            cats.0
                .iter()
                .find(|c| c.id == r.id && c.version == r.version)
                .map(|c| Rc::new(c.clone()))
        },
    ))
    .clone();

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
                    html! {
                        <div class="engagement-saisie">
                            <p class="chapo-engagement">{ format!("{} — {}", e.area, e.label) }</p>
                            if inds.is_empty() {
                                <p class="aide">{ "Aucun indicateur de cet engagement n'est retenu dans la convention (voir l'étape Segmentation)." }</p>
                            }
                            { for inds.into_iter().enumerate().map(|(i, ind)| html! {
                                <crate::pages::grid::IndicatorGrid catalogue={catalogue.clone()} indicator={Rc::new(ind)} index={i}
                                    draft={conv.clone()} update={update.clone()} cell_messages={cell_messages.clone()} />
                            }) }
                        </div>
                    }
                }
                None => html! {
                    <p class="avertissement" role="note">
                        { "Cet engagement n'existe pas dans le catalogue choisi : choisissez le catalogue à l'étape " }
                        <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ "." }
                    </p>
                },
            }
        }
        FillStep::Parc => html! {
            <crate::pages::stock::StockStep draft={(*draft).clone()} update={update.clone()}
                catalogue={catalogue.clone()}
                diags={Rc::new(diags.iter().filter(|d| step_of(d) == FillStep::Parc).cloned().collect::<Vec<_>>())} />
        },
        FillStep::Recapitulatif | FillStep::Export => match &catalogue {
            Some(c) => html! {
                <crate::pages::export::ExportStep step={props.step} catalogues={props.catalogues.clone()} catalogue={c.clone()}
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

    if !store.loaded {
        return html! {
            <div class="page remplir">
                <h1 id="titre-page" tabindex="-1">{ "Remplir ma CUS" }</h1>
                <p role="status" class="aide">{ "Ouverture du brouillon enregistré dans ce navigateur…" }</p>
            </div>
        };
    }
    html! {
        <div class="page remplir" onkeydown={on_keydown}>
            <h1 id="titre-page" tabindex="-1">{ "Remplir ma CUS" }</h1>
            if let Some(m) = &*storage_msg {
                <p class="message-erreur" role="alert">{ m }</p>
            }
            <DraftsPanel current={store.id.clone()} name={draft.name.clone()} open={open.clone()} update={update.clone()} saved={*saved} />
            <div class="annuler-retablir" role="group" aria-label="Historique des modifications">
                <button type="button" class="bouton bouton-secondaire" id="annuler" aria-keyshortcuts="Control+Z"
                    disabled={*read_only || !store.can_undo()} onclick={undo_redo(true)}>{ "↶ Annuler" }</button>
                <button type="button" class="bouton bouton-secondaire" id="retablir" aria-keyshortcuts="Control+Y Control+Shift+Z"
                    disabled={*read_only || !store.can_redo()} onclick={undo_redo(false)}>{ "↷ Rétablir" }</button>
                <span class="aide">{ " Ctrl+Z, Ctrl+Y : chaque saisie, chaque collage est une étape." }</span>
            </div>
            <div class="parcours">
                <nav class="menu-etapes" aria-label="Étapes de la convention">
                    <ol>
                        { for steps.iter().map(|&s| step_link(s, props.step, &draft, &diags, cat, &cell_errors)) }
                    </ol>
                </nav>
                <section class="etape" aria-labelledby="titre-etape">
                    <h2 id="titre-etape">{ step_label(props.step, cat) }</h2>
                    if *read_only {
                        <div class="avertissement" id="lecture-seule" role="status">
                            <p>{ "Ce brouillon est ouvert dans un autre onglet de ce navigateur : ici, il est en lecture seule, \
                                  pour que les deux onglets n'écrivent pas l'un sur l'autre." }</p>
                            <button type="button" class="bouton" id="modifier-ici" onclick={take_over}>{ "Modifier ici" }</button>
                            <span class="aide">{ " L'autre onglet enregistre ce qu'il a en cours et passe en lecture seule." }</span>
                        </div>
                    }
                    <fieldset class="cadre-etape" disabled={*read_only}>
                        { body }
                    </fieldset>
                    { nav_buttons(props.step, &steps, cat) }
                </section>
            </div>
        </div>
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
            .find(|c| c.id == cat.id && c.version == cat.version && ***c == *cat)
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
    if d.location.cell.is_some() {
        FillStep::Verification
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

#[derive(Properties, PartialEq)]
struct VerificationProps {
    catalogue: Rc<Catalogue>,
    draft: Rc<Convention>,
    diags: Rc<Vec<Diagnostic>>,
    update: Update,
}

/// Acknowledge a warning with a comment, or no longer (`None`).
fn acknowledge(update: &Update, id: String, comment: Option<String>) {
    update.emit(Edit::Acknowledge { id, comment });
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n > 1 { "s" } else { "" })
}

/// French description of an acknowledgement id (`CODE@cell-key` or `CODE@path|indicator|…`,
/// see `Diagnostic::id`).
fn describe_ack(cat: &Catalogue, conv: &Convention, id: &str) -> String {
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
fn verification_step(props: &VerificationProps) -> Html {
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
    let link_for = |d: &Diagnostic| -> (String, String) {
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
    };
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
                    if let Some(a) = &d.article { <span class="diag-article">{ format!(" — {a}") }</span> }
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

/// Every step of the path: the fixed ones, then one per engagement of the catalogue.
fn all_steps(cat: Option<&Catalogue>) -> Vec<FillStep> {
    let mut steps = FillStep::ALL.to_vec();
    if let Some(c) = cat {
        steps.extend((1..=c.engagements.len().min(255)).map(|n| FillStep::Engagement(n as u8)));
    }
    steps.extend(FillStep::LAST);
    steps
}

/// Label of a step; an engagement page is named after its area in the catalogue.
fn step_label(step: FillStep, cat: Option<&Catalogue>) -> String {
    match step {
        FillStep::Engagement(n) => cat
            .and_then(|c| c.engagements.get(usize::from(n) - 1).map(|e| (c, e)))
            .map(|(c, e)| {
                let codes: Vec<&str> = c
                    .indicators
                    .iter()
                    .filter(|i| i.engagement == e.id)
                    .map(|i| i.code.as_str())
                    .collect();
                format!("{} ({})", e.area, codes.join(", "))
            })
            .unwrap_or_else(|| step.label_fr()),
        s => s.label_fr(),
    }
}

fn step_link(
    step: FillStep,
    current: FillStep,
    conv: &Convention,
    diags: &[Diagnostic],
    cat: Option<&Catalogue>,
    cell_errors: &[usize],
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
        }
        FillStep::Engagement(_)
        | FillStep::Verification
        | FillStep::Recapitulatif
        | FillStep::Export => false,
        FillStep::Parc => !conv.stock.is_empty(),
        FillStep::Convention => !conv.catalogue.id.is_empty() && conv.signing_year.is_some(),
        FillStep::Territoires => !conv.departements.is_empty() && errors == 0,
        FillStep::Segmentation => !conv.catalogue.id.is_empty() && errors == 0,
    };
    let mut status = Vec::new();
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

fn nav_buttons(step: FillStep, steps: &[FillStep], cat: Option<&Catalogue>) -> Html {
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
fn diag_class(s: Severity) -> &'static str {
    match s {
        Severity::Error => "diag diag-erreur",
        Severity::Warning => "diag diag-avertissement",
        Severity::Info => "diag diag-info",
    }
}

fn diagnostics_list(diags: &[Diagnostic], id: &str) -> Html {
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
                        if let Some(a) = &d.article { <span class="diag-article">{ format!(" ({a})") }</span> }
                    </li>
                }
            }) }
        </ul>
    }
}

// ---- Drafts ------------------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct DraftsProps {
    current: String,
    name: String,
    open: Callback<drafts::Request>,
    update: Update,
    /// Changes when the stored list may have changed (a save, an open): read it again.
    saved: u32,
}

/// List of named drafts: open, duplicate, rename, delete (with confirmation), new.
#[function_component(DraftsPanel)]
fn drafts_panel(props: &DraftsProps) -> Html {
    let confirm = use_state(|| None::<String>);
    let stored = use_state(|| (Vec::<drafts::DraftInfo>::new(), None::<String>));
    {
        let stored = stored.clone();
        use_effect_with((props.saved, props.current.clone()), move |_| {
            wasm_bindgen_futures::spawn_local(async move { stored.set(drafts::list().await) });
        });
    }
    let (list, list_error) = &*stored;
    let on_new = {
        let open = props.open.clone();
        Callback::from(move |_| open.emit(drafts::Request::Create(Convention::default())))
    };
    let on_rename = {
        let update = props.update.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let name = input.value().trim().to_string();
            if !name.is_empty() {
                update.emit(Edit::SetName(name));
            }
        })
    };
    html! {
        <details class="brouillons">
            <summary>{ format!("Brouillon : {} — mes brouillons ({})", props.name, list.len()) }</summary>
            <div class="champ">
                <label for="nom-brouillon">{ "Nom du brouillon ouvert" }</label>
                <input id="nom-brouillon" type="text" value={props.name.clone()} onchange={on_rename} />
            </div>
            <ul class="liste-brouillons" aria-label="Mes brouillons">
                { for list.iter().rev().map(|d| {
                    let is_current = d.id == props.current;
                    let id = d.id.clone();
                    let open = props.open.clone();
                    let on_open = { let id = id.clone(); Callback::from(move |_| open.emit(drafts::Request::Open(id.clone()))) };
                    let open = props.open.clone();
                    let on_dup = { let id = id.clone(); Callback::from(move |_| open.emit(drafts::Request::Duplicate(id.clone()))) };
                    let confirm_ask = { let confirm = confirm.clone(); let id = id.clone(); Callback::from(move |_| confirm.set(Some(id.clone()))) };
                    let confirm_no = { let confirm = confirm.clone(); Callback::from(move |_| confirm.set(None)) };
                    let confirm_yes = {
                        let confirm = confirm.clone();
                        let open = props.open.clone();
                        let id = id.clone();
                        Callback::from(move |_| {
                            confirm.set(None);
                            // Then the current draft (or, if it was deleted, the latest one).
                            open.emit(drafts::Request::Delete(id.clone()));
                        })
                    };
                    html! {
                        <li class={classes!("brouillon", is_current.then_some("brouillon-courant"))}>
                            <span class="brouillon-nom">{ if is_current { props.name.clone() } else { d.name.clone() } }</span>
                            <span class="aide">{ format!(" — modifié le {}, {}", drafts::format_date_fr(&d.updated), size_fr(d.bytes)) }</span>
                            if is_current { <span class="etiquette">{ " (ouvert)" }</span> }
                            <span class="brouillon-actions">
                                if !is_current {
                                    <button type="button" class="lien-bouton" onclick={on_open} aria-label={format!("Ouvrir {}", d.name)}>{ "Ouvrir" }</button>
                                }
                                <button type="button" class="lien-bouton" onclick={on_dup} aria-label={format!("Dupliquer {}", d.name)}>{ "Dupliquer" }</button>
                                <button type="button" class="lien-bouton" onclick={confirm_ask} aria-label={format!("Supprimer {}", d.name)}>{ "Supprimer" }</button>
                            </span>
                            if confirm.as_deref() == Some(d.id.as_str()) {
                                <div class="confirmation" role="alertdialog" aria-label="Confirmer la suppression">
                                    <p>{ format!("Supprimer définitivement le brouillon « {} » ? Cette action est irréversible.", d.name) }</p>
                                    <button type="button" class="bouton bouton-danger" onclick={confirm_yes}>{ "Supprimer définitivement" }</button>
                                    { " " }
                                    <button type="button" class="bouton bouton-secondaire" onclick={confirm_no}>{ "Annuler" }</button>
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
            if let Some(m) = list_error {
                <p class="message-erreur" role="alert">{ m }</p>
            }
            <button type="button" class="bouton bouton-secondaire" onclick={on_new}>{ "Nouveau brouillon" }</button>
            <p class="aide">{ storage_note() }</p>
        </details>
    }
}

/// "1,2 Mo" for a size in bytes.
fn size_fr(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{} ko", cus_core::numfmt::format_fr(((bytes as f64) / 1000.0).ceil(), 0))
    } else {
        format!("{} Mo", cus_core::numfmt::format_fr(bytes as f64 / 1_000_000.0, 1))
    }
}

/// Where the drafts are kept, and whether the browser promised to keep them.
fn storage_note() -> &'static str {
    match drafts::persisted() {
        Some(true) => "Les brouillons sont enregistrés dans ce navigateur (IndexedDB), en stockage persistant : le navigateur ne les effacera pas pour faire de la place.",
        _ => "Les brouillons sont enregistrés dans ce navigateur (IndexedDB) ; si l'espace vient à manquer, le navigateur peut effacer les données des sites : exportez régulièrement votre travail.",
    }
}

// ---- Step: Organisme ---------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct OrganismeProps {
    draft: Convention,
    update: Update,
}

#[function_component(OrganismeStep)]
fn organisme_step(props: &OrganismeProps) -> Html {
    let o = &props.draft.organisme;
    let text_setter = |f: fn(&mut Organisme, String)| {
        let update = props.update.clone();
        let current = o.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let mut o = current.clone();
            f(&mut o, input.value());
            update.emit(Edit::SetOrganisme(o));
        })
    };
    let select_setter = |f: fn(&mut Organisme, String)| {
        let update = props.update.clone();
        let current = o.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let mut o = current.clone();
            f(&mut o, sel.value());
            update.emit(Edit::SetOrganisme(o));
        })
    };
    let siren_error = (!o.siren.trim().is_empty())
        .then(|| check_siren(&o.siren).err())
        .flatten();
    let geo = props.draft.referential();
    html! {
        <div class="formulaire">
            <div class="champ">
                <label for="raison-sociale">{ "Raison sociale" }</label>
                <input id="raison-sociale" type="text" autocomplete="organization" value={o.raison_sociale.clone()}
                    oninput={text_setter(|o, v| o.raison_sociale = v)} />
            </div>
            <div class="champ">
                <label for="siren">{ "SIREN (9 chiffres)" }</label>
                <input id="siren" type="text" inputmode="numeric" autocomplete="off" value={o.siren.clone()}
                    aria-invalid={siren_error.is_some().then_some("true")}
                    aria-describedby={siren_error.is_some().then_some("siren-erreur")}
                    oninput={text_setter(|o, v| o.siren = v)} />
                if let Some(e) = siren_error {
                    <p id="siren-erreur" class="diag diag-erreur" role="alert">{ format!("⚠ {e}") }</p>
                }
            </div>
            <div class="champ">
                <label for="statut">{ "Statut de l'organisme" }</label>
                <select id="statut" onchange={select_setter(|o, v| o.kind = OrganismeKind::ALL.into_iter().find(|k| format!("{k:?}") == v))}>
                    <option value="" selected={o.kind.is_none()} disabled=true>{ "— Choisissez —" }</option>
                    { for OrganismeKind::ALL.iter().map(|k| html! {
                        <option value={format!("{k:?}")} selected={o.kind == Some(*k)}>{ k.label_fr() }</option>
                    }) }
                </select>
            </div>
            <div class="champ">
                <label for="siege">{ "Département du siège" }</label>
                <select id="siege" aria-describedby="aide-siege" onchange={select_setter(|o, v| o.siege_departement = Some(v).filter(|v| !v.is_empty()))}>
                    <option value="" selected={o.siege_departement.is_none()}>{ "— Choisissez —" }</option>
                    { for geo.iter().flat_map(|g| g.departements.iter()).map(|d| html! {
                        <option value={d.code.clone()} selected={o.siege_departement.as_deref() == Some(d.code.as_str())}>{ d.label() }</option>
                    }) }
                </select>
                <p id="aide-siege" class="aide">{ "Le fichier des engagements est transmis au préfet du département du siège (arrêté du 19 octobre 2017, art. 4)." }</p>
            </div>
        </div>
    }
}

// ---- Step 1: Convention ------------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ConventionProps {
    catalogues: Catalogues,
    draft: Convention,
    update: Update,
}

#[function_component(ConventionStep)]
fn convention_step(props: &ConventionProps) -> Html {
    let cats = &props.catalogues.0;
    let on_catalogue = {
        let update = props.update.clone();
        let cats = props.catalogues.clone();
        let d = props.draft.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let idx: Option<usize> = sel.value().parse().ok();
            if let Some(c) = idx.and_then(|i| cats.0.get(i)) {
                update.emit(Edit::SetConvention {
                    catalogue: cus_core::convention::CatalogueRef {
                        id: c.id.clone(),
                        version: c.version.clone(),
                    },
                    signing_year: d.signing_year,
                    geo_vintage: d.geo_vintage,
                });
            }
        })
    };
    let on_year = {
        let update = props.update.clone();
        let d = props.draft.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let year = input
                .value()
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (2009..=2040).contains(y));
            update.emit(Edit::SetConvention {
                catalogue: d.catalogue.clone(),
                signing_year: year,
                geo_vintage: year.map(geo::vintage_for_signing_year),
            });
        })
    };
    let current = draft_catalogue(cats, &props.draft);
    let year_warning = match (current, props.draft.signing_year) {
        (Some(c), Some(y)) => {
            let from: i32 = c.signing.from[..4].parse().unwrap_or(0);
            let until: i32 = c
                .signing
                .until
                .as_deref()
                .and_then(|u| u[..4].parse().ok())
                .unwrap_or(9999);
            (y < from || y > until).then(|| {
                format!(
                    "Ce catalogue s'applique aux conventions signées {} ; vérifiez l'année de \
                     signature ou choisissez un autre catalogue.",
                    match &c.signing.until {
                        Some(u) => format!("du {} au {}", c.signing.from, u),
                        None => format!("à partir du {}", c.signing.from),
                    }
                )
            })
        }
        _ => None,
    };
    html! {
        <div class="formulaire">
            <div class="champ">
                <label for="catalogue">{ "Génération et type de CUS (catalogue d'indicateurs)" }</label>
                <select id="catalogue" onchange={on_catalogue}>
                    <option value="" selected={current.is_none()} disabled=true>{ "— Choisissez —" }</option>
                    { for cats.iter().enumerate().map(|(i, c)| {
                        let selected = current.is_some_and(|x| x == c);
                        html! {
                            <option value={i.to_string()} {selected}>
                                { format!("{} (version {}, signature {})", c.title, c.version, match &c.signing.until {
                                    Some(u) => format!("{} → {}", c.signing.from, u),
                                    None => format!("depuis {}", c.signing.from),
                                }) }
                            </option>
                        }
                    }) }
                </select>
            </div>
            <div class="champ">
                <label for="annee-signature">{ "Année de signature" }</label>
                <input id="annee-signature" type="number" min="2009" max="2040" inputmode="numeric"
                    value={props.draft.signing_year.map(|y| y.to_string()).unwrap_or_default()}
                    onchange={on_year} aria-describedby="aide-annee" />
                <p id="aide-annee" class="aide">
                    { "Les engagements courent du 1er janvier de l'année de signature au 31 décembre de l'année précédant l'échéance (arrêté du 19 octobre 2017, art. 6-1)." }
                </p>
            </div>
            if let Some(w) = year_warning {
                <p class="diag diag-avertissement" role="status">{ w }</p>
            }
            if let (Some(c), Some(y)) = (current, props.draft.signing_year) {
                <p class="resume">
                    { format!("{} ; engagements de {} à {} ; {} indicateurs.", c.title, y, y + 5, c.indicators.len()) }
                </p>
            }
        </div>
    }
}

// ---- Step 2: Territoires -----------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct TerritoiresProps {
    draft: Convention,
    update: Update,
    diags: Rc<Vec<Diagnostic>>,
    /// The catalogue has indicators by segment de patrimoine (1st generation).
    segments: bool,
}

/// The territories declared, shared by the callbacks of one render.
type Declared = Rc<(Vec<String>, Vec<String>)>;

/// The territories with `key` added.
fn add_key(c: &Declared, key: TerritoryKey) -> Edit {
    let (mut departements, mut epci) = (c.0.clone(), c.1.clone());
    match &key {
        TerritoryKey::Departement(d) if !departements.contains(d) => departements.push(d.clone()),
        TerritoryKey::Epci(e) if !epci.contains(e) => epci.push(e.clone()),
        _ => {}
    }
    Edit::SetTerritories { departements, epci }
}

/// The territories without `key`.
fn remove_key(c: &Declared, key: TerritoryKey) -> Edit {
    let (mut departements, mut epci) = (c.0.clone(), c.1.clone());
    match &key {
        TerritoryKey::Departement(d) => departements.retain(|x| x != d),
        TerritoryKey::Epci(e) => epci.retain(|x| x != e),
        _ => {}
    }
    Edit::SetTerritories { departements, epci }
}

fn hit_key(h: &Hit) -> TerritoryKey {
    match h {
        Hit::Departement(d) => TerritoryKey::Departement(d.code.clone()),
        Hit::Epci(e) => TerritoryKey::Epci(e.siren.clone()),
    }
}

fn hit_text(h: &Hit) -> String {
    match h {
        Hit::Departement(d) => format!("{} — {} (département)", d.code, d.nom),
        Hit::Epci(e) => format!(
            "{} ({}, SIREN {}, dép. {})",
            e.nom,
            e.kind.label_fr(),
            e.siren,
            e.departements.join(", ")
        ),
    }
}

#[function_component(TerritoiresStep)]
fn territoires_step(props: &TerritoiresProps) -> Html {
    let query = use_state(String::new);
    let active = use_state(|| 0usize);
    let Some(geo) = props.draft.referential() else {
        return html! { <p class="message-erreur">{ "Référentiel territorial indisponible." }</p> };
    };
    let hits: Vec<Hit> = geo.search(&query, 12);
    let conv = &props.draft;
    let declared: Declared = Rc::new((conv.departements.clone(), conv.epci.clone()));
    let chosen = |h: &Hit| match h {
        Hit::Departement(d) => conv.departements.contains(&d.code),
        Hit::Epci(e) => conv.epci.contains(&e.siren),
    };

    let on_input = {
        let query = query.clone();
        let active = active.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
            active.set(0);
        })
    };
    let pick = {
        let update = props.update.clone();
        let query = query.clone();
        let declared = declared.clone();
        Callback::from(move |key: TerritoryKey| {
            update.emit(add_key(&declared, key));
            query.set(String::new());
        })
    };
    let on_key = {
        let active = active.clone();
        let query = query.clone();
        let keys: Vec<TerritoryKey> = hits.iter().map(hit_key).collect();
        let pick = pick.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" if !keys.is_empty() => {
                e.prevent_default();
                active.set((*active + 1) % keys.len());
            }
            "ArrowUp" if !keys.is_empty() => {
                e.prevent_default();
                active.set((*active + keys.len() - 1) % keys.len());
            }
            "Enter" => {
                e.prevent_default();
                if let Some(k) = keys.get(*active) {
                    pick.emit(k.clone());
                }
            }
            "Escape" => query.set(String::new()),
            _ => {}
        })
    };
    let vintage = match conv.signing_year {
        Some(y) => geo::choose_vintage(y).reason_fr,
        None => format!(
            "Découpage territorial {} (le plus récent ; indiquez l'année de signature à l'étape Convention pour utiliser celui qui lui correspond).",
            geo.vintage.year
        ),
    };
    let expanded = !query.trim().is_empty();
    let territory_diags: Vec<Diagnostic> = props
        .diags
        .iter()
        .filter(|d| step_of(d) == FillStep::Territoires)
        .cloned()
        .collect();

    let chip = |key: TerritoryKey, label: String| {
        let update = props.update.clone();
        let k = key.clone();
        let declared = declared.clone();
        html! {
            <li class="puce">
                <span>{ label.clone() }</span>
                <button type="button" class="puce-retirer" aria-label={format!("Retirer {label}")}
                    onclick={Callback::from(move |_| update.emit(remove_key(&declared, k.clone())))}>{ "×" }</button>
            </li>
        }
    };

    html! {
        <div class="territoires">
            <p class="aide">{ vintage }{ format!(" Source : {} {}.", geo.vintage.package, geo.vintage.version) }</p>
            <div class="champ combobox">
                <label for="recherche-territoire">{ "Ajouter un département, un EPCI ou un EPT (nom, code ou SIREN)" }</label>
                <input id="recherche-territoire" type="text" role="combobox" autocomplete="off"
                    aria-autocomplete="list" aria-expanded={expanded.to_string()} aria-controls="resultats-territoire"
                    aria-activedescendant={(expanded && !hits.is_empty()).then(|| format!("territoire-option-{}", *active))}
                    value={(*query).clone()} oninput={on_input} onkeydown={on_key}
                    placeholder="ex. Nord, 59, Lille, 200093201" />
                if expanded {
                    <ul id="resultats-territoire" role="listbox" class="liste-options" aria-label="Territoires trouvés">
                        if hits.is_empty() {
                            <li class="option-vide" role="option" aria-disabled="true">{ "Aucun territoire ne correspond." }</li>
                        }
                        { for hits.iter().enumerate().map(|(i, h)| {
                            let key = hit_key(h);
                            let pick = pick.clone();
                            let already = chosen(h);
                            html! {
                                <li id={format!("territoire-option-{i}")} role="option"
                                    aria-selected={(i == *active).to_string()}
                                    class={classes!("option", (i == *active).then_some("option-active"))}
                                    onmousedown={Callback::from(move |e: MouseEvent| { e.prevent_default(); pick.emit(key.clone()); })}>
                                    { hit_text(h) }
                                    if already { <span class="option-deja">{ " — déjà retenu" }</span> }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </div>

            <h3>{ format!("Départements ({})", conv.departements.len()) }</h3>
            if conv.departements.is_empty() {
                <p class="aide">{ "Aucun département retenu : ajoutez ceux où l'organisme possède des logements." }</p>
            }
            <ul class="puces" aria-label="Départements retenus">
                { for conv.departements.iter().map(|d| chip(
                    TerritoryKey::Departement(d.clone()),
                    geo.departement(d).map(|x| x.label()).unwrap_or_else(|| format!("Département {d}")),
                )) }
            </ul>
            <h3>{ format!("EPCI et EPT ({})", conv.epci.len()) }</h3>
            <ul class="puces" aria-label="EPCI et EPT retenus">
                { for conv.epci.iter().map(|e| chip(
                    TerritoryKey::Epci(e.clone()),
                    geo.epci(e).map(|x| x.nom.clone()).unwrap_or_else(|| format!("EPCI {e}")),
                )) }
            </ul>
            { diagnostics_list(&territory_diags, "diagnostics-territoires") }
            if props.segments {
                <SegmentsEditor draft={conv.clone()} update={props.update.clone()} />
            }
            if !conv.departements.is_empty() {
                <section class="suggestions" aria-labelledby="titre-suggestions">
                    <h3 id="titre-suggestions">{ "EPCI et EPT des départements retenus" }</h3>
                    <p class="aide">{ "Certains indicateurs se déclinent par EPCI ou EPT (voir l'étape Segmentation), et le préfet peut demander ce détail pour d'autres." }</p>
                    { for conv.departements.iter().filter_map(|d| geo.departement(d)).map(|d| {
                        let mut list: Vec<_> = geo.epci_in_departement(&d.code).filter(|e| !conv.epci.contains(&e.siren)).collect();
                        list.sort_by(|a, b| b.population.cmp(&a.population));
                        html! {
                            <details class="suggestions-departement">
                                <summary>{ format!("{} : {} EPCI ou EPT à ajouter", d.label(), list.len()) }</summary>
                                <ul>
                                    { for list.into_iter().map(|e| {
                                        let update = props.update.clone();
                                        let key = TerritoryKey::Epci(e.siren.clone());
                                        let declared = declared.clone();
                                        html! {
                                            <li>
                                                <button type="button" class="lien-bouton"
                                                    onclick={Callback::from(move |_| update.emit(add_key(&declared, key.clone())))}>
                                                    { format!("Ajouter {} ({}, {} hab.)", e.nom, e.kind.label_fr(), fmt_int(e.population)) }
                                                </button>
                                            </li>
                                        }
                                    }) }
                                </ul>
                            </details>
                        }
                    }) }
                </section>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SegmentsProps {
    draft: Convention,
    update: Update,
}

/// Edit one field of segment `i`.
fn edit_segment(
    update: &Update,
    segments: &Rc<Vec<cus_core::convention::Segment>>,
    i: usize,
    f: impl Fn(&mut cus_core::convention::Segment, String) + 'static,
) -> Callback<Event> {
    let update = update.clone();
    let segments = segments.clone();
    let f = Rc::new(f);
    Callback::from(move |e: Event| {
        let value = match e.target_dyn_into::<web_sys::HtmlInputElement>() {
            Some(input) if input.type_() == "checkbox" => input.checked().to_string(),
            Some(input) => input.value(),
            None => e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value(),
        };
        let mut list = (*segments).clone();
        if let Some(s) = list.get_mut(i) {
            f(s, value);
            update.emit(Edit::SetSegments(list));
        }
    })
}

/// The *segments de patrimoine* of a 1st-generation convention (CCH art. R. 445-2-1 in its 2009
/// wording): name, département, in ZUS or not, category of classification.
#[function_component(SegmentsEditor)]
fn segments_editor(props: &SegmentsProps) -> Html {
    let conv = &props.draft;
    let geo = conv.referential();
    let segments = Rc::new(conv.segments.clone());
    let on_add = {
        let update = props.update.clone();
        let segments = segments.clone();
        let first_departement = conv.departements.first().cloned().unwrap_or_default();
        Callback::from(move |_| {
            let mut list = (*segments).clone();
            let mut n = list.len() + 1;
            while list.iter().any(|s| s.id == format!("S{n}")) {
                n += 1;
            }
            list.push(cus_core::convention::Segment {
                id: format!("S{n}"),
                name: String::new(),
                departement: first_departement.clone(),
                zus: false,
                category: None,
            });
            update.emit(Edit::SetSegments(list));
        })
    };
    html! {
        <section class="segments" aria-labelledby="titre-segments">
            <h3 id="titre-segments">{ format!("Segments de patrimoine ({})", conv.segments.len()) }</h3>
            <p class="aide">{ "En 1re génération, certains indicateurs (ventes, occupation sociale) se déclinent par segment de patrimoine défini par l'organisme." }</p>
            if !conv.segments.is_empty() {
                <table class="tableau-segments">
                    <caption class="sr-only">{ "Segments de patrimoine" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Identifiant" }</th><th scope="col">{ "Nom" }</th>
                        <th scope="col">{ "Département" }</th><th scope="col">{ "En ZUS" }</th>
                        <th scope="col">{ "Catégorie de classement" }</th><th scope="col"><span class="sr-only">{ "Actions" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for conv.segments.iter().enumerate().map(|(i, s)| {
                            let remove = {
                                let update = props.update.clone();
                                {
                                    let segments = segments.clone();
                                    Callback::from(move |_| {
                                        let mut list = (*segments).clone();
                                        if i < list.len() {
                                            list.remove(i);
                                            update.emit(Edit::SetSegments(list));
                                        }
                                    })
                                }
                            };
                            html! {
                                <tr>
                                    <td><input type="text" aria-label={format!("Identifiant du segment {}", i + 1)} value={s.id.clone()} size="6"
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.id = v.trim().to_string())} /></td>
                                    <td><input type="text" aria-label={format!("Nom du segment {}", i + 1)} value={s.name.clone()}
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.name = v)} /></td>
                                    <td>
                                        <select aria-label={format!("Département du segment {}", i + 1)}
                                            onchange={edit_segment(&props.update, &segments, i, |s, v| s.departement = v)}>
                                            { for conv.departements.iter().map(|d| html! {
                                                <option value={d.clone()} selected={*d == s.departement}>
                                                    { geo.and_then(|g| g.departement(d)).map(|x| x.label()).unwrap_or_else(|| d.clone()) }
                                                </option>
                                            }) }
                                            if !conv.departements.contains(&s.departement) {
                                                <option value={s.departement.clone()} selected=true>{ format!("{} (non déclaré)", s.departement) }</option>
                                            }
                                        </select>
                                    </td>
                                    <td><input type="checkbox" aria-label={format!("Segment {} en ZUS", i + 1)} checked={s.zus}
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.zus = v == "true")} /></td>
                                    <td><input type="text" aria-label={format!("Catégorie de classement du segment {}", i + 1)}
                                        value={s.category.clone().unwrap_or_default()} size="10"
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.category = Some(v.trim().to_string()).filter(|v| !v.is_empty()))} /></td>
                                    <td><button type="button" class="lien-bouton" aria-label={format!("Supprimer le segment {}", s.id)} onclick={remove}>{ "Supprimer" }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            <button type="button" class="bouton bouton-secondaire" onclick={on_add} disabled={conv.departements.is_empty()}>{ "Ajouter un segment" }</button>
            if conv.departements.is_empty() {
                <p class="aide">{ "Déclarez d'abord les départements." }</p>
            }
        </section>
    }
}

fn fmt_int(n: u64) -> String {
    cus_core::numfmt::format_fr(n as f64, 0)
}

// ---- Step 3: Segmentation ----------------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct SegmentationProps {
    catalogue: Rc<Catalogue>,
    draft: Convention,
    update: Update,
    diags: Rc<Vec<Diagnostic>>,
}

#[function_component(SegmentationStep)]
fn segmentation_step(props: &SegmentationProps) -> Html {
    let cat = &props.catalogue;
    let conv = &props.draft;
    let geo = conv.referential();
    let total_cells = conv.cells(cat, geo).len();
    html! {
        <div class="segmentation">
            <p class="aide">
                { format!("Pour chaque indicateur, la maille territoriale que le catalogue autorise ({} version {}). En tout : {} cases à remplir.", cat.title, cat.version, fmt_int(total_cells as u64)) }
            </p>
            { for cat.indicators.iter().map(|ind| {
                let options = level_options(ind);
                let used = conv.uses(ind);
                let current = conv.levels(ind);
                let name = format!("maille-{}", cus_core::text::normalise(&ind.code).replace(' ', "-"));
                let ind_diags: Vec<Diagnostic> = props.diags.iter()
                    .filter(|d| step_of(d) == FillStep::Segmentation && d.location.indicator.as_deref() == Some(ind.code.as_str()))
                    .cloned().collect();
                let rows = conv.rows(ind, geo).len();
                let per_row = splits(ind).len() * ind.periods.periods().len();
                let optional = ind.requirement != cus_core::catalogue::Requirement::Obligatoire;
                let code = ind.code.clone();
                let on_toggle = {
                    let update = props.update.clone();
                    let code = code.clone();
                    let default: Vec<Level> = ind.levels.allowed.first().copied().into_iter().collect();
                    // Turning it on keeps a choice already recorded.
                    let existing = props.draft.segmentation.get(&ind.code).cloned();
                    Callback::from(move |e: Event| {
                        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                        let on = input.checked();
                        let code = code.clone();
                        let default = default.clone();
                        update.emit(Edit::SetSegmentation {
                            choice: on.then(|| existing.clone().unwrap_or(IndicatorSegmentation { levels: default.clone(), rows: None })),
                            code: code.clone(),
                        });
                    })
                };
                html! {
                    <fieldset class="choix-maille" id={format!("segmentation-{name}")}>
                        <legend><span class="code">{ &ind.code }</span>{ format!(" — {} ({})", ind.short_label, ind.requirement.label_fr()) }</legend>
                        if optional {
                            <label class="case-a-cocher">
                                <input type="checkbox" checked={used} onchange={on_toggle} />
                                { " Retenir cet indicateur dans la convention" }
                            </label>
                        }
                        if used {
                            if options.len() == 1 {
                                <p>{ format!("Maille : {}.", options[0].label_fr()) }</p>
                            } else {
                                { for options.iter().enumerate().map(|(i, opt)| {
                                    let id = format!("{name}-{i}");
                                    let checked = opt.levels == current;
                                    let update = props.update.clone();
                                    let code = code.clone();
                                    let levels = opt.levels.clone();
                                    html! {
                                        <label class="radio" for={id.clone()}>
                                            <input type="radio" id={id} name={name.clone()} {checked}
                                                onchange={Callback::from(move |_| {
                                                    let code = code.clone();
                                                    let levels = levels.clone();
                                                    update.emit(Edit::SetSegmentation {
                                                        code: code.clone(),
                                                        choice: Some(IndicatorSegmentation { levels: levels.clone(), rows: None }),
                                                    });
                                                })} />
                                            { format!(" {}", opt.label_fr()) }
                                        </label>
                                    }
                                }) }
                            }
                            <p class="aide">
                                { format!("{rows} ligne{} × {per_row} case{} par ligne. ", if rows > 1 { "s" } else { "" }, if per_row > 1 { "s" } else { "" }) }
                                { format!("Pourquoi : {}", cat.citation(ind)) }
                                if let Some(d) = &ind.source.detail { { format!(" — {d}") } }
                                { "." }
                            </p>
                            { diagnostics_list(&ind_diags, &format!("diagnostics-{name}")) }
                        }
                    </fieldset>
                }
            }) }
        </div>
    }
}
