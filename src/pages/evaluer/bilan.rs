//! The bilan: the summaries per engagement (« 81 % de l'objectif … atteint sur 2020-2022 »),
//! then per indicator every commitment next to its achievement (rate, gap, cumulative to date,
//! the formula and cells on demand), and a justification form for every commitment missed.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, EvaluationPeriod};
use cus_core::convention::{Convention, Edit};
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::evaluation::{
    causes, evaluate, report, summaries, Cause, Justification, Line, Origin,
};
use cus_core::numfmt::format_fr;
use cus_core::rules;
use yew::prelude::*;

use crate::pages::grid::Update;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub period: Rc<EvaluationPeriod>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
    pub update: Update,
}

pub(crate) fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{} %", format_fr(x, 1)))
        .unwrap_or_else(|| "—".into())
}

pub(crate) fn value(v: Option<f64>, percentage: bool) -> String {
    match v {
        Some(x) if percentage => format!("{} %", format_fr(x, 1)),
        Some(x) => format_fr(x, 2),
        None => "—".into(),
    }
}

pub(crate) fn gap(l: &Line) -> String {
    match l.gap {
        // A percentage's gap in points, one decimal (as every other gap in points).
        Some(g) if l.percentage => cus_core::numfmt::points_fr(g, true),
        Some(g) => format!("{}{}", if g > 0.0 { "+" } else { "" }, format_fr(g, 2)),
        None => "—".into(),
    }
}

/// « Nord (59), PLAI, 2020-2022 »: where a line is.
pub(crate) fn line_place(cat: &Catalogue, conv: &Convention, l: &Line) -> String {
    let geo = conv.referential();
    let ind = cat.indicator(&l.indicator);
    let mut parts = vec![conv.territory_label(&l.territory, geo)];
    if let Some(i) = ind {
        let s = super::split_label(i, &l.split);
        if !s.is_empty() {
            parts.push(s);
        }
        parts.push(i.period_label_fr(l.period, conv.signing_year));
    }
    parts.join(", ")
}

/// Lines of one indicator's table shown at a time: a large convention's « toutes les lignes »
/// never puts thousands of rows in the page.
const LINES_PER_PAGE: usize = 50;

#[function_component(Bilan)]
pub fn bilan(props: &Props) -> Html {
    let (cat, conv, period) = (&*props.catalogue, &*props.draft, &*props.period);
    let geo = conv.referential();
    let show_all = use_state(|| false);
    // The page of lines shown per indicator (first page when absent).
    let pages = use_state(std::collections::BTreeMap::<String, usize>::new);
    let lines = evaluate(conv, cat, geo, &conv.achievements, period);
    let sums = summaries(conv, cat, geo, &lines, period);
    let (errors, warnings) = super::evaluation_counts(conv, &props.diags);
    let eval_errors: Vec<&Diagnostic> = props
        .diags
        .iter()
        .filter(|d| rules::is_evaluation_diagnostic(d) && d.severity == Severity::Error)
        .collect();
    let all_causes = Rc::new(causes());
    let toggle = {
        let (show_all, pages) = (show_all.clone(), pages.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            show_all.set(input.checked());
            pages.set(Default::default());
        })
    };
    let hidden = lines
        .iter()
        .filter(|l| l.achieved.is_none() && !l.missed)
        .count();
    // Missed commitments, one justification per line (indicator × territory × split × year or
    // window).
    let missed: Vec<&Line> = lines.iter().filter(|l| l.missed).collect();
    // After an avenant, each line says which signed version it is measured against.
    let versioned = !conv.versions.is_empty();
    let engagements = cat.engagements.iter().filter_map(|e| {
        let inds: Vec<_> = cat
            .indicators
            .iter()
            .filter(|i| i.engagement == e.id && lines.iter().any(|l| l.indicator == i.code))
            .collect();
        if inds.is_empty() {
            return None;
        }
        let es: Vec<_> = sums
            .iter()
            .filter(|s| inds.iter().any(|i| i.code == s.indicator))
            .collect();
        // An indicator without any line to show is named once, not given an empty table.
        let shown = |ind: &&&cus_core::catalogue::Indicator| {
            lines.iter().any(|l| {
                l.indicator == ind.code && (*show_all || l.achieved.is_some() || l.missed)
            })
        };
        let empty: Vec<String> = inds
            .iter()
            .filter(|i| !shown(i))
            .map(|i| format!("{} ({})", i.code, i.short_label))
            .collect();
        Some(html! {
            <section class="bilan-engagement" aria-labelledby={format!("bilan-{}", e.id)}>
                <h3 id={format!("bilan-{}", e.id)}>{ format!("{} — {}", e.area, e.label) }</h3>
                if !es.is_empty() {
                    <ul class="bilan-resumes">
                        { for es.iter().map(|s| html! { <li class="resume-objectif">{ &s.text_fr }</li> }) }
                    </ul>
                }
                { for inds.iter().filter(|ind| shown(ind)).map(|ind| {
                    let all_mine: Vec<&Line> = lines
                        .iter()
                        .filter(|l| l.indicator == ind.code && (*show_all || l.achieved.is_some() || l.missed))
                        .collect();
                    let n_pages = all_mine.len().div_ceil(LINES_PER_PAGE).max(1);
                    let pg = pages.get(&ind.code).copied().unwrap_or(0).min(n_pages - 1);
                    let from = pg * LINES_PER_PAGE;
                    let mine = &all_mine[from..(from + LINES_PER_PAGE).min(all_mine.len())];
                    let pager = (n_pages > 1).then(|| {
                        let go = |to: usize| {
                            let (pages, code) = (pages.clone(), ind.code.clone());
                            Callback::from(move |_: MouseEvent| {
                                let mut p = (*pages).clone();
                                p.insert(code.clone(), to);
                                pages.set(p);
                            })
                        };
                        html! {
                            <p class="pagination" role="group" aria-label={format!("Pages du bilan de {}", ind.code)}>
                                <button type="button" class="bouton bouton-secondaire" disabled={pg == 0} onclick={go(pg.saturating_sub(1))}>{ "← Lignes précédentes" }</button>
                                <span role="status">{ format!(" Lignes {} à {} sur {} ", from + 1, from + mine.len(), all_mine.len()) }</span>
                                <button type="button" class="bouton bouton-secondaire" disabled={pg + 1 >= n_pages} onclick={go(pg + 1)}>{ "Lignes suivantes →" }</button>
                            </p>
                        }
                    });
                    html! {
                        <div class="bilan-indicateur">
                            <h4>{ format!("{} — {}", ind.code, ind.short_label) }</h4>
                            { pager.clone().unwrap_or_default() }
                            if !mine.is_empty() {
                                <div class="grille-defilement" tabindex="0" role="region" aria-label={format!("Bilan de {}", ind.code)}>
                                <table class="recap-table tableau-bilan" id={format!("bilan-table-{}", crate::pages::code_id(&ind.code))}>
                                    <caption class="sr-only">{ format!("Bilan de {} : engagé, réalisé, taux, écart", ind.code) }</caption>
                                    <thead><tr>
                                        <th scope="col">{ "Ligne" }</th><th scope="col">{ "Engagé" }</th><th scope="col">{ "Réalisé" }</th>
                                        <th scope="col">{ "Taux de réalisation" }</th><th scope="col">{ "Écart" }</th>
                                        <th scope="col">{ "Cumul à date" }</th>
                                        if versioned { <th scope="col">{ "Engagement de" }</th> }
                                        <th scope="col">{ "Calcul" }</th>
                                    </tr></thead>
                                    <tbody>
                                        { for mine.iter().map(|l| {
                                            let to_date = report::to_date(ind, &conv.achievements, &l.territory, &l.split, period.last_year);
                                            let key = super::saisie::cell_key(&l.indicator, &l.territory, &l.split, l.period);
                                            html! {
                                                <tr class={classes!(l.missed.then_some("ligne-non-tenue"))} data-cell={key}>
                                                    <th scope="row">{ line_place(cat, conv, l) }</th>
                                                    <td>{ value(l.committed, l.percentage) }</td>
                                                    <td>{ value(l.achieved, l.percentage) }</td>
                                                    <td class="taux">{ pct(l.rate) }</td>
                                                    <td class="ecart">{ gap(l) }{ if l.missed { " (non tenu)" } else { "" } }</td>
                                                    <td>{ match &to_date {
                                                        Some(t) => format!("{} (années 1 à {})", value(Some(t.value), l.percentage), t.through),
                                                        None => "—".into(),
                                                    } }</td>
                                                    if versioned {
                                                        <td class="version-ligne">{ l.version_label_fr() }</td>
                                                    }
                                                    <td>
                                                        <details class="calcul-ligne">
                                                            <summary>{ "Calcul" }</summary>
                                                            <p>{ &l.formula_fr }</p>
                                                            if !l.cells.is_empty() {
                                                                <p class="aide">{ format!("Cases de réalisation : {}", l.cells.iter().map(|k| super::cell_label(cat, conv, k)).collect::<Vec<_>>().join(" ; ")) }</p>
                                                            }
                                                            if let Some(t) = &to_date {
                                                                <p class="aide">{ format!("Cumul à date : {}", t.formula_fr) }</p>
                                                            }
                                                        </details>
                                                    </td>
                                                </tr>
                                            }
                                        }) }
                                    </tbody>
                                </table>
                                </div>
                            }
                            { pager.unwrap_or_default() }
                        </div>
                    }
                }) }
                if !empty.is_empty() {
                    <p class="aide">{ format!("Sans réalisation saisie : {}.", empty.join(", ")) }</p>
                }
            </section>
        })
    });
    html! {
        <div class="bilan">
            <div class={classes!("resume", if errors > 0 { "resume-erreurs" } else if warnings > 0 { "resume-attention" } else { "resume-ok" })}
                role="status" id="bilan-compteurs">
                <p><strong>{ format!("{} — {}", period.label_for(conv.signing_year), super::counts_text(errors, warnings)) }</strong></p>
            </div>
            if !eval_errors.is_empty() {
                <ul class="diagnostics" id="erreurs-evaluation">
                    { for eval_errors.iter().take(20).map(|d| html! {
                        <li class="diag diag-erreur" data-code={d.code.clone()}><strong>{ "Erreur : " }</strong>{ &d.message }
                            if let Some(c) = &d.location.cell { <span class="aide">{ format!(" ({})", super::cell_label(cat, conv, c)) }</span> }
                        </li>
                    }) }
                </ul>
            }
            if lines.iter().all(|l| l.achieved.is_none()) {
                <p class="aide">{ "Aucune réalisation complète n'est encore saisie : renseignez les pages « Réalisations »." }</p>
            }
            <label class="case-a-cocher">
                <input type="checkbox" id="bilan-tout" checked={*show_all} onchange={toggle} />
                { format!(" Afficher aussi les {hidden} engagement{} sans réalisation saisie", crate::pages::plural_s(hidden)) }
            </label>
            <p class="aide" id="bilan-versions">{ versions_note(conv) }</p>
            { for engagements }
            <section class="justifications" aria-labelledby="titre-justifications">
                <h3 id="titre-justifications">{ "Engagements non tenus : justifications" }</h3>
                if missed.is_empty() {
                    <p class="aide">{ "Aucun engagement non tenu parmi les réalisations saisies." }</p>
                } else {
                    <ol class="liste-justifications">
                        { for missed.iter().enumerate().map(|(i, l)| {
                            let key = l.justification_key();
                            let warning = props.diags.iter().find(|d| {
                                d.code == cus_core::evaluation::JUSTIFY
                                    && d.location.cell.as_deref() == Some(key.as_str())
                            });
                            // Its own justification, or one an earlier version gave the whole row.
                            let found = conv.achievements.justification(&key);
                            let row_wide = found.is_some_and(|(k, _)| k != key);
                            html! {
                                <li class="justification" key={key.clone()} id={format!("justification-{i}")} data-ligne={key.clone()}>
                                    <p><strong>{ format!("{}, {}", l.indicator, line_place(cat, conv, l)) }</strong>{ format!(" — {} réalisé pour {} engagé ({})",
                                        value(l.achieved, l.percentage), value(l.committed, l.percentage), pct(l.rate)) }
                                        if versioned { <span class="aide">{ format!(" ; engagement de : {}", l.version_fr()) }</span> }
                                    </p>
                                    if row_wide {
                                        <p class="aide">{ "Justification donnée pour toutes les années de cette ligne (fichier d'une version antérieure) : enregistrez-la ici pour que cette période ait la sienne." }</p>
                                    }
                                    <JustifyForm index={i} jkey={AttrValue::from(key.clone())}
                                        current={found.map(|(_, j)| j.clone())}
                                        stored={found.map(|(k, _)| AttrValue::from(k.to_string()))}
                                        causes={all_causes.clone()} update={props.update.clone()} />
                                    if let Some(d) = warning {
                                        { acknowledgement(d, i, conv, &props.update) }
                                    }
                                </li>
                            }
                        }) }
                    </ol>
                }
            </section>
        </div>
    }
}

/// Which commitments the lines are measured against: the signed version, or after avenants
/// the rule that picks one per year (data, an inference said as such).
pub(crate) fn versions_note(conv: &Convention) -> String {
    match (&conv.signature, conv.versions.is_empty()) {
        (Some(s), true) => format!("Engagements mesurés : {}.", s.signed_fr()),
        (None, true) => "Engagements mesurés : non signés (modifiables).".to_string(),
        (sig, false) => format!(
            "{}{}",
            cus_core::evaluation::versions_rule_fr(),
            if sig.is_none() {
                " L'avenant en préparation n'est pas encore pris en compte."
            } else {
                ""
            }
        ),
    }
}

/// The W-EVAL-JUSTIFY warning of a missed commitment, acknowledged like the other warnings.
fn acknowledgement(d: &Diagnostic, i: usize, conv: &Convention, update: &Update) -> Html {
    let id = d.id();
    let acked = conv.acknowledged.contains_key(&id);
    let onchange = {
        let (update, id) = (update.clone(), id.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            update.emit(Edit::Acknowledge {
                id: id.clone(),
                comment: input.checked().then(String::new),
            });
        })
    };
    html! {
        <div class={classes!("diag", if acked { "diag-info" } else { "diag-avertissement" })} data-code={d.code.clone()}>
            <p id={format!("avertissement-justification-{i}")}>
                <strong>{ if acked { "Avertissement vérifié : " } else { "Avertissement : " } }</strong>{ &d.message }
            </p>
            <label class="case-a-cocher">
                <input type="checkbox" id={format!("accuse-justification-{i}")} checked={acked} {onchange}
                    aria-describedby={format!("avertissement-justification-{i}")} />
                { " J'ai vérifié cet avertissement (l'engagement reste à justifier dans le fichier)" }
            </label>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct JustifyProps {
    pub index: usize,
    /// The line's justification key (`indicator|territory|split|period`).
    pub jkey: AttrValue,
    pub current: Option<Justification>,
    /// The key `current` is stored under (the line's, or its row's in a file of an earlier
    /// version): what « Retirer » removes.
    #[prop_or_default]
    pub stored: Option<AttrValue>,
    pub causes: Rc<Vec<Cause>>,
    pub update: Update,
}

/// Origin (organism or outside causes), the cause when outside, a comment → `Edit::Justify`.
#[function_component(JustifyForm)]
pub fn justify_form(props: &JustifyProps) -> Html {
    let i = props.index;
    let origin = use_state(|| props.current.as_ref().map(|j| j.origin));
    let cause = use_state(|| {
        props
            .current
            .as_ref()
            .and_then(|j| j.cause.clone())
            .unwrap_or_default()
    });
    let comment = use_state(|| {
        props
            .current
            .as_ref()
            .map(|j| j.comment.clone())
            .unwrap_or_default()
    });
    let error = use_state(|| None::<String>);
    // The justification changed under the form (undo, redo, another tab's save): show it.
    {
        let (origin, cause, comment) = (origin.clone(), cause.clone(), comment.clone());
        use_effect_with(props.current.clone(), move |current| {
            origin.set(current.as_ref().map(|j| j.origin));
            cause.set(
                current
                    .as_ref()
                    .and_then(|j| j.cause.clone())
                    .unwrap_or_default(),
            );
            comment.set(
                current
                    .as_ref()
                    .map(|j| j.comment.clone())
                    .unwrap_or_default(),
            );
        });
    }
    let set_origin = |o: Origin| {
        let origin = origin.clone();
        Callback::from(move |_: Event| origin.set(Some(o)))
    };
    let on_cause = {
        let cause = cause.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            cause.set(sel.value());
        })
    };
    let on_comment = {
        let comment = comment.clone();
        Callback::from(move |e: InputEvent| {
            let t: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            comment.set(t.value());
        })
    };
    let submit = {
        let (origin, cause, comment, error) = (
            origin.clone(),
            cause.clone(),
            comment.clone(),
            error.clone(),
        );
        let (update, key) = (props.update.clone(), props.jkey.to_string());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(o) = *origin else {
                error.set(Some(
                    "Dites si l'écart vient de l'organisme ou de causes extérieures.".into(),
                ));
                return;
            };
            if o == Origin::Exterieur && cause.is_empty() {
                error.set(Some("Choisissez la cause extérieure dans la liste.".into()));
                return;
            }
            error.set(None);
            update.emit(Edit::Justify {
                key: key.clone(),
                justification: Some(Justification {
                    origin: o,
                    cause: (o == Origin::Exterieur).then(|| (*cause).clone()),
                    comment: comment.trim().to_string(),
                }),
            });
        })
    };
    let remove = {
        let update = props.update.clone();
        let key = props.stored.as_ref().unwrap_or(&props.jkey).to_string();
        Callback::from(move |_: MouseEvent| {
            update.emit(Edit::Justify {
                key: key.clone(),
                justification: None,
            })
        })
    };
    let name = format!("origine-{i}");
    html! {
        <form class="formulaire-justification" onsubmit={submit}>
            <fieldset>
                <legend>{ "Origine de l'écart" }</legend>
                <label class="radio"><input type="radio" name={name.clone()} id={format!("{name}-organisme")}
                    checked={*origin == Some(Origin::Organisme)} onchange={set_origin(Origin::Organisme)} />{ " Du fait de l'organisme" }</label>
                <label class="radio"><input type="radio" name={name.clone()} id={format!("{name}-exterieur")}
                    checked={*origin == Some(Origin::Exterieur)} onchange={set_origin(Origin::Exterieur)} />{ " Causes extérieures" }</label>
            </fieldset>
            if *origin == Some(Origin::Exterieur) {
                <div class="champ">
                    <label for={format!("cause-{i}")}>{ "Cause extérieure" }</label>
                    <select id={format!("cause-{i}")} onchange={on_cause}>
                        <option value="" selected={cause.is_empty()}>{ "— choisir —" }</option>
                        { for props.causes.iter().map(|c| html! {
                            <option value={c.id.clone()} selected={*cause == c.id}>{ &c.label }</option>
                        }) }
                    </select>
                </div>
            }
            <div class="champ">
                <label for={format!("commentaire-justification-{i}")}>{ "Commentaire" }</label>
                <textarea id={format!("commentaire-justification-{i}")} rows="2" value={(*comment).clone()} oninput={on_comment} />
            </div>
            if let Some(m) = &*error {
                <p class="diag diag-erreur" role="alert">{ m }</p>
            }
            <p>
                <button type="submit" class="bouton" id={format!("justifier-{i}")}>{ "Enregistrer la justification" }</button>
                if props.current.is_some() {
                    { " " }<button type="button" class="bouton bouton-secondaire" onclick={remove}>{ "Retirer" }</button>
                    <span class="message-ok" id={format!("justifiee-{i}")}>{ " Justification enregistrée." }</span>
                }
            </p>
        </form>
    }
}
