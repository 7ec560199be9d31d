//! Step Segmentation: the territorial level of each indicator.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Level};
use cus_core::convention::{level_options, splits, Convention, IndicatorSegmentation};
use cus_core::diagnostic::Diagnostic;
use yew::prelude::*;

use super::*;
use crate::pages::grid::Update;
use crate::route::FillStep;
use cus_core::convention::Edit;

// ---- Step 3: Segmentation ----------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(super) struct SegmentationProps {
    pub(super) catalogue: Rc<Catalogue>,
    pub(super) draft: Convention,
    pub(super) update: Update,
    pub(super) diags: Rc<Vec<Diagnostic>>,
}

#[function_component(SegmentationStep)]
pub(super) fn segmentation_step(props: &SegmentationProps) -> Html {
    let cat = &props.catalogue;
    let conv = &props.draft;
    let geo = conv.referential();
    let total_cells = conv.cells(cat, geo).len();
    html! {
        <div class="segmentation">
            <p class="aide">
                { format!("Pour chaque indicateur, la maille territoriale que le catalogue autorise ({} version {}). En tout : {} cases à remplir.", cat.title, cat.version, fmt_int(total_cells as u64)) }
            </p>
            { for cat.indicators.iter().filter(|i| !i.hors_reglement).map(|ind| {
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
                                { "Pourquoi : " }
                                <a href={crate::route::Route::card(&cat.id, &cat.version, &ind.code).to_hash()}
                                    title="Voir la fiche de l'indicateur : source, version du texte, fiabilité du libellé">{ cat.citation(ind) }</a>
                                { "." }
                            </p>
                            { diagnostics_list(&ind_diags, &format!("diagnostics-{name}"), &props.draft.catalogue) }
                        }
                    </fieldset>
                }
            }) }
            <super::complementary::ComplementaryStep catalogue={props.catalogue.clone()}
                draft={props.draft.clone()} update={props.update.clone()} />
        </div>
    }
}
