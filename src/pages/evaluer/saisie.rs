//! The achievements of one engagement: per indicator, rows = territories, for each year of the
//! evaluation the commitment (read-only) next to the achievement (a count, or a percentage's
//! numerator and denominator, the percentage computed), then the cumulatives the app computes.
//! One split at a time (chosen above the table), a page of rows at a time: a 500-row indicator
//! never puts thousands of inputs in the page. Every keystroke is one typed edit
//! (`Edit::SetAchieved`, `Edit::SetTerms`) through the draft's store (undo and redo included).

use std::collections::HashMap;
use std::rc::Rc;

use cus_core::catalogue::{Catalogue, Engagement, EvaluationPeriod, Indicator, Period, ValueKind};
use cus_core::convention::{splits, Convention, Edit, SplitKey, Terms};
use cus_core::diagnostic::{Diagnostic, Severity};
use cus_core::evaluation::{evaluate_owned, report, Line, Owners};
use cus_core::numfmt::format_fr;
use cus_core::rules;
use yew::prelude::*;

use crate::pages::grid::Update;
use crate::pages::num_input::NumInput;

/// Rows per page of a table.
const PAGE: usize = 20;

/// The evaluation's messages on cells, by cell key.
pub(crate) type Messages = HashMap<String, (Severity, Rc<str>)>;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub engagement: Rc<Engagement>,
    pub period: Rc<EvaluationPeriod>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
    pub update: Update,
}

pub(crate) fn cell_key(
    code: &str,
    row: &cus_core::convention::TerritoryKey,
    split: &SplitKey,
    p: Period,
) -> String {
    cus_core::convention::key::cell_key_of(code, row, split, p)
}

/// The evaluation's diagnostics located on a cell (the acknowledged warnings left out).
pub(crate) fn messages(conv: &Convention, diags: &[Diagnostic]) -> Messages {
    let mut out = Messages::new();
    for d in diags.iter().filter(|d| rules::is_evaluation_diagnostic(d)) {
        if d.severity == Severity::Warning && conv.acknowledged.contains_key(&d.id()) {
            continue;
        }
        if let Some(k) = &d.location.cell {
            let e = out
                .entry(k.clone())
                .or_insert((d.severity, Rc::from(d.message.as_str())));
            if d.severity == Severity::Error && e.0 != Severity::Error {
                *e = (d.severity, Rc::from(d.message.as_str()));
            }
        }
    }
    out
}

fn numeric(ind: &Indicator) -> bool {
    !matches!(ind.value, ValueKind::OuiNon | ValueKind::Texte)
}

#[function_component(Saisie)]
pub fn saisie(props: &Props) -> Html {
    let (cat, conv) = (&*props.catalogue, &*props.draft);
    let inds: Vec<Rc<Indicator>> = cat
        .indicators
        .iter()
        .filter(|i| i.engagement == props.engagement.id && conv.uses(i) && numeric(i))
        .cloned()
        .map(Rc::new)
        .collect();
    let msgs = Rc::new(messages(conv, &props.diags));
    let years = props.period.years(conv.signing_year.unwrap_or(0));
    html! {
        <div class="saisie-realisations">
            <p class="chapo-engagement">{ format!("{} — {}", props.engagement.area, props.engagement.label) }</p>
            <p class="aide">{ format!(
                "{} : saisissez ce qui a été réalisé chaque année{} ; un pourcentage se saisit par son numérateur et son dénominateur. Les cumuls sont calculés.",
                props.period.label_for(conv.signing_year),
                if conv.signing_year.is_some() { format!(" ({} à {})", years.start(), years.end()) } else { String::new() }
            ) }</p>
            if inds.is_empty() {
                <p class="aide">{ "Aucun indicateur chiffré de cet engagement n'est retenu dans la convention." }</p>
            }
            { for inds.into_iter().enumerate().map(|(i, ind)| html! {
                <AchievementGrid key={ind.code.clone()} catalogue={props.catalogue.clone()} indicator={ind.clone()} index={i}
                    draft={props.draft.clone()} period={props.period.clone()}
                    messages={msgs.clone()} update={props.update.clone()} />
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GridProps {
    pub catalogue: Rc<Catalogue>,
    pub indicator: Rc<Indicator>,
    pub index: usize,
    pub draft: Rc<Convention>,
    pub period: Rc<EvaluationPeriod>,
    pub messages: Rc<Messages>,
    pub update: Update,
}

fn fmt(v: Option<f64>) -> String {
    v.map(|x| format_fr(x, 2))
        .unwrap_or_else(|| "—".to_string())
}

#[function_component(AchievementGrid)]
pub fn achievement_grid(props: &GridProps) -> Html {
    let ind = &*props.indicator;
    let conv = &*props.draft;
    let geo = conv.referential();
    let index = props.index;
    let split_ix = use_state(|| 0usize);
    let page = use_state(|| 0usize);
    let paste_msg = use_state(|| None::<String>);
    // Achievements are counts, the parts included (a part committed in % of its total is
    // measured as the part achieved over the total achieved); a percentage of the base restates
    // the count and is not entered again.
    let all_splits: Vec<SplitKey> = splits(ind)
        .into_iter()
        .filter(|s| {
            cus_core::convention::part_share(ind, s)
                != cus_core::catalogue::PartShare::PourcentageDeLaBase
        })
        .collect();
    let split = all_splits
        .get(*split_ix)
        .or_else(|| all_splits.first())
        .cloned()
        .unwrap_or(SplitKey {
            members: vec![],
            part: None,
        });
    let rows = conv.rows(ind, geo);
    let n_pages = rows.len().div_ceil(PAGE).max(1);
    let pg = (*page).min(n_pages - 1);
    let shown_rows = &rows[(pg * PAGE).min(rows.len())..((pg + 1) * PAGE).min(rows.len())];
    let years = report::input_years(ind, &props.period);
    let cumuls: Vec<u8> = ind
        .periods
        .cumulative
        .iter()
        .copied()
        .filter(|&n| n >= props.period.first_year && n <= props.period.last_year)
        .collect();
    let percentage = matches!(ind.value, ValueKind::Pourcentage { .. });
    // A part committed in % of its total: its commitment and its measure are percentages, its
    // achievements counts (the part achieved over the total achieved).
    let part_percent = cus_core::convention::part_share(ind, &split).is_percentage();
    let fmt_committed = move |v: Option<f64>| match v {
        Some(c) if part_percent => format!("{} %", format_fr(c, 2)),
        other => fmt(other),
    };
    // « Aller à la case » (the export's blockers, Vérification): the cell's breakdown and page
    // of rows shown, then its input focused (a window's cell: the last year of its row).
    let focus_id = use_state(|| None::<String>);
    {
        let (code, rows, splits_, years) = (
            ind.code.clone(),
            rows.clone(),
            all_splits.clone(),
            years.clone(),
        );
        let (split_ix, page, focus_id) = (split_ix.clone(), page.clone(), focus_id.clone());
        use_effect(move || {
            let prefix = cus_core::convention::key::indicator_prefix(&code);
            let asked = crate::pages::grid::take_focus_if(|k| k.starts_with(&prefix))
                .and_then(|k| cus_core::convention::Cell::parse_key(&k));
            if let Some(c) = asked {
                if let Some(r) = rows.iter().position(|t| *t == c.territory) {
                    let y = match c.period {
                        Period::Year(y) if years.contains(&y) => y,
                        _ => years.last().copied().unwrap_or(1),
                    };
                    split_ix.set(splits_.iter().position(|s| *s == c.split).unwrap_or(0));
                    page.set(r / PAGE);
                    let what = if percentage { "num" } else { "real" };
                    focus_id.set(Some(format!("{what}-{index}-{r}-{y}")));
                }
            } else if let Some(id) = (*focus_id).clone() {
                let el = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&id))
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(el) = el {
                    el.scroll_into_view();
                    let _ = el.focus();
                }
                focus_id.set(None);
            }
        });
    }
    let ach = &conv.achievements;
    // The lines of the cumulatives shown: those of the page's rows and split only (a keystroke
    // re-renders a page, never evaluates the whole indicator).
    let lines: HashMap<String, Line> = if cumuls.is_empty() {
        HashMap::new()
    } else {
        let owners = Owners::of_keys(
            shown_rows
                .iter()
                .map(|row| cell_key(&ind.code, row, &split, Period::Year(1))),
        );
        evaluate_owned(conv, &props.catalogue, geo, ach, &props.period, &owners)
            .into_iter()
            .map(|l| (cell_key(&l.indicator, &l.territory, &l.split, l.period), l))
            .collect()
    };
    // The first achievement names the evaluation too (one step).
    let with_evaluation = {
        let named = !ach.evaluation.is_empty();
        let id = props.period.id.clone();
        move |e: Edit| {
            if named {
                e
            } else {
                Edit::Batch(vec![Edit::SetEvaluation(id.clone()), e])
            }
        }
    };
    let year_label = |y: u8| ind.period_label_fr(Period::Year(y), conv.signing_year);
    let split_text = super::split_label(ind, &split);
    let on_split = {
        let (split_ix, page) = (split_ix.clone(), page.clone());
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            split_ix.set(sel.value().parse().unwrap_or(0));
            page.set(0);
        })
    };
    let pager = (n_pages > 1).then(|| {
        let go = |to: usize| {
            let page = page.clone();
            Callback::from(move |_: MouseEvent| page.set(to))
        };
        html! {
            <p class="pagination" role="group" aria-label={format!("Pages de lignes de {}", ind.code)}>
                <button type="button" class="bouton bouton-secondaire" disabled={pg == 0} onclick={go(pg.saturating_sub(1))}>{ "← Lignes précédentes" }</button>
                <span role="status">{ format!(" Lignes {} à {} sur {} ", pg * PAGE + 1, (pg * PAGE + shown_rows.len()), rows.len()) }</span>
                <button type="button" class="bouton bouton-secondaire" disabled={pg + 1 >= n_pages} onclick={go(pg + 1)}>{ "Lignes suivantes →" }</button>
            </p>
        }
    });
    // A cell's message is listed under the grid (as Remplir lists them), never inside the cell:
    // a long message in a narrow cell made its row several times taller. The cell is described
    // by its line of the list, and marked.
    let message = |k: &str, id: String| -> (Option<AttrValue>, bool, Option<Severity>) {
        match props.messages.get(k) {
            Some((sev, _)) => (
                Some(AttrValue::from(id)),
                *sev == Severity::Error,
                Some(*sev),
            ),
            None => (None, false, None),
        }
    };
    let flagged = |sev: Option<Severity>| {
        sev.map(|s| {
            if s == Severity::Error {
                "case-signalee diag-erreur"
            } else {
                "case-signalee diag-avertissement"
            }
        })
    };
    // The messages of the page's rows, in the grid's order: (id, place, severity, message, the
    // input to focus, if any).
    type Listed = (String, String, Severity, Rc<str>, Option<String>);
    let mut listed: Vec<Listed> = Vec::new();
    for (ri, row) in shown_rows.iter().enumerate() {
        let r = pg * PAGE + ri;
        let place = conv.territory_label(row, geo);
        for &y in &years {
            let k = cell_key(&ind.code, row, &split, Period::Year(y));
            if let Some((sev, m)) = props.messages.get(&k) {
                let input = if percentage {
                    format!("num-{index}-{r}-{y}")
                } else {
                    format!("real-{index}-{r}-{y}")
                };
                listed.push((
                    format!("msg-real-{index}-{r}-{y}"),
                    format!("{place}, {}", year_label(y)),
                    *sev,
                    m.clone(),
                    Some(input),
                ));
            }
        }
        for &n in &cumuls {
            let k = cell_key(&ind.code, row, &split, Period::Cumulative(n));
            if let Some((sev, m)) = props.messages.get(&k) {
                listed.push((
                    format!("msg-cumul-{index}-{r}-{n}"),
                    format!(
                        "{place}, {}",
                        ind.period_label_fr(Period::Cumulative(n), conv.signing_year)
                    ),
                    *sev,
                    m.clone(),
                    None,
                ));
            }
        }
    }
    let message_list = (!listed.is_empty()).then(|| {
        let errors = listed.iter().filter(|m| m.2 == Severity::Error).count();
        let warnings = listed.len() - errors;
        let mut summary = Vec::new();
        if errors > 0 {
            summary.push(format!("{errors} erreur{}", crate::pages::plural_s(errors)));
        }
        if warnings > 0 {
            summary.push(format!("{warnings} avertissement{}", crate::pages::plural_s(warnings)));
        }
        html! {
            <div class={classes!(if errors > 0 { "erreurs-grille" } else { "avertissements-grille" }, "messages-realisation")} id={format!("messages-realisation-{index}")}>
                <p><strong>{ format!("Sur ces lignes : {}", summary.join(" et ")) }</strong></p>
                <ul>
                    { for listed.iter().map(|(id, place, sev, m, input)| {
                        let go = input.clone().map(|input| Callback::from(move |_: MouseEvent| {
                            if let Some(el) = web_sys::window()
                                .and_then(|w| w.document())
                                .and_then(|d| d.get_element_by_id(&input))
                                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                            {
                                let _ = el.focus();
                            }
                        }));
                        html! {
                            <li data-gravite={if *sev == Severity::Error { "erreur" } else { "avertissement" }}>
                                if let Some(onclick) = go {
                                    <button type="button" class="lien-bouton" {onclick}>{ place.clone() }</button>
                                } else {
                                    <span>{ place.clone() }</span>
                                }
                                { " : " }
                                <span id={id.clone()} class="message-case">{ format!("{} : {m}", sev.label_fr()) }</span>
                            </li>
                        }
                    }) }
                </ul>
            </div>
        }
    });
    // A block pasted from a spreadsheet spreads over the page's rows and years (one edit, one
    // undo step), with the parser of every grid (`cus_core::evaluation::paste_achievements`).
    let page_keys: Rc<Vec<Vec<String>>> = Rc::new(
        shown_rows
            .iter()
            .map(|row| {
                years
                    .iter()
                    .map(|&y| cell_key(&ind.code, row, &split, Period::Year(y)))
                    .collect()
            })
            .collect(),
    );
    let on_block = |ri: usize, col: usize| {
        let (update, keys, msg, conv) = (
            props.update.clone(),
            page_keys.clone(),
            paste_msg.clone(),
            props.draft.clone(),
        );
        let wrap = with_evaluation.clone();
        Callback::from(move |text: String| {
            let p = cus_core::evaluation::paste_achievements(
                &conv.achievements,
                &keys,
                percentage,
                &text,
                ri,
                col,
            );
            if let Some(e) = p.edit {
                update.emit(wrap(e));
            }
            let m = crate::pages::num_input::paste_summary_fr(
                "valeur", true, p.written, &p.bad, p.outside,
            );
            msg.set(Some(m));
        })
    };
    let body = shown_rows.iter().enumerate().map(|(ri, row)| {
        let r = pg * PAGE + ri;
        let place = conv.territory_label(row, geo);
        let year_cells = years.iter().enumerate().map(|(yi, &y)| {
            let k = cell_key(&ind.code, row, &split, Period::Year(y));
            let committed = ind
                .periods
                .yearly
                .then(|| cus_core::evaluation::committed(conv, ind, &k, Period::Year(y)))
                .flatten();
            let label = |what: &str| {
                AttrValue::from(format!(
                    "{place}, {}{}{} : {what}",
                    year_label(y),
                    if split_text.is_empty() { "" } else { ", " },
                    split_text
                ))
            };
            let (described, invalid, sev) = message(&k, format!("msg-real-{index}-{r}-{y}"));
            if percentage {
                let terms = ach.terms.get(&k).cloned().unwrap_or_default();
                let set = |numerator: bool| {
                    let (update, k, terms) = (props.update.clone(), k.clone(), terms.clone());
                    let wrap = with_evaluation.clone();
                    Callback::from(move |v: Option<f64>| {
                        let mut t: Terms = terms.clone();
                        if numerator {
                            t.numerator = v;
                        } else {
                            t.denominator = v;
                        }
                        let t = (t.numerator.is_some() || t.denominator.is_some()).then_some(t);
                        update.emit(wrap(Edit::SetTerms(vec![(k.clone(), t)])));
                    })
                };
                let pct = terms
                    .numerator
                    .zip(terms.denominator)
                    .filter(|(_, d)| *d > 0.0)
                    .map(|(n, d)| format!("{} %", format_fr(n / d * 100.0, 1)));
                html! {
                    <>
                        <td class="engage">{ committed.map(|c| format!("{} %", format_fr(c, 2))).unwrap_or_else(|| "—".into()) }</td>
                        <td><NumInput id={format!("num-{index}-{r}-{y}")} label={label("numérateur réalisé")}
                            value={terms.numerator} on_change={set(true)} on_paste_block={on_block(ri, 2 * yi)} described_by={described.clone()} {invalid} /></td>
                        <td class={classes!(flagged(sev))}><NumInput id={format!("den-{index}-{r}-{y}")} label={label("dénominateur réalisé")}
                            value={terms.denominator} on_change={set(false)} on_paste_block={on_block(ri, 2 * yi + 1)} described_by={described} {invalid} /></td>
                        <td class="calcule" id={format!("pct-{index}-{r}-{y}")}>{ pct.unwrap_or_else(|| "—".into()) }</td>
                    </>
                }
            } else {
                let on_change = {
                    let (update, k) = (props.update.clone(), k.clone());
                    let wrap = with_evaluation.clone();
                    Callback::from(move |v: Option<f64>| {
                        update.emit(wrap(Edit::SetAchieved(vec![(k.clone(), v)])))
                    })
                };
                html! {
                    <>
                        <td class="engage">{ fmt_committed(committed) }</td>
                        <td class={classes!(flagged(sev))}><NumInput id={format!("real-{index}-{r}-{y}")} label={label("réalisé")}
                            value={ach.values.get(&k).copied()} {on_change} on_paste_block={on_block(ri, yi)} described_by={described} {invalid} /></td>
                    </>
                }
            }
        });
        let cumul_cells = cumuls.iter().map(|&n| {
            let k = cell_key(&ind.code, row, &split, Period::Cumulative(n));
            let committed = cus_core::evaluation::committed(conv, ind, &k, Period::Cumulative(n));
            let line = lines.get(&k);
            let (_, _, sev) = message(&k, format!("msg-cumul-{index}-{r}-{n}"));
            // The evaluation's last window stays in view at the right of the grid.
            let last = Some(&n) == cumuls.last();
            let achieved = match line {
                Some(l) => match l.achieved {
                    Some(a) => format!(
                        "{}{}",
                        format_fr(a, 2),
                        if percentage || part_percent { " %" } else { "" }
                    ),
                    None => "incomplet".to_string(),
                },
                None => "—".to_string(),
            };
            html! {
                <>
                    <td class={classes!("engage", last.then_some("fixe-droite-2"))}>{ fmt_committed(committed) }</td>
                    <td class={classes!("calcule", last.then_some("fixe-droite-1"), flagged(sev))} id={format!("cumul-{index}-{r}-{n}")}
                        title={line.map(|l| l.formula_fr.clone())}>{ achieved }</td>
                </>
            }
        });
        html! {
            <tr key={format!("{}-{r}", *split_ix)}>
                <th scope="row">{ place.clone() }</th>
                { for year_cells }
                { for cumul_cells }
            </tr>
        }
    });
    let per_year = if percentage { 4 } else { 2 };
    html! {
        <section class="grille-realisation" aria-labelledby={format!("realisation-titre-{index}")}>
            <h3 id={format!("realisation-titre-{index}")}>
                <span class="code">{ &ind.code }</span>{ format!(" — {} ", ind.short_label) }
                <span class="unite">{ format!("({})", conv.unit_fr(ind)) }</span>
            </h3>
            if all_splits.len() > 1 {
                <div class="champ champ-ventilation">
                    <label for={format!("ventilation-{index}")}>{ "Ventilation affichée" }</label>
                    <select id={format!("ventilation-{index}")} onchange={on_split}>
                        { for all_splits.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == *split_ix}>{
                                if cus_core::convention::part_share(ind, s).is_percentage() {
                                    format!("{} — réalisé en nombre", s.label_fr(ind))
                                } else {
                                    s.label_fr(ind)
                                }
                            }</option>
                        }) }
                    </select>
                </div>
            }
            if rows.is_empty() {
                <p class="diag diag-erreur">{ "Aucune ligne : déclarez les territoires de la convention." }</p>
            } else {
                { pager.clone().unwrap_or_default() }
                <div class="grille-defilement" tabindex="-1">
                    <table class="tableau-grille tableau-realisation" id={format!("realisation-{}", crate::pages::code_id(&ind.code))}>
                        <caption class="sr-only">{ format!("{} — réalisations{}{}", ind.code, if split_text.is_empty() { "" } else { ", " }, split_text) }</caption>
                        <thead>
                            <tr>
                                <td rowspan="2"></td>
                                { for years.iter().map(|&y| html! {
                                    <th scope="colgroup" colspan={per_year.to_string()}>{ year_label(y) }</th>
                                }) }
                                { for cumuls.iter().map(|&n| html! {
                                    <th scope="colgroup" colspan="2" class={classes!("entete-total", (Some(&n) == cumuls.last()).then_some("fixe-droite-groupe"))}>{ format!("{} (calculé)", ind.period_label_fr(Period::Cumulative(n), conv.signing_year)) }</th>
                                }) }
                            </tr>
                            <tr>
                                { for years.iter().map(|_| if percentage { html! {
                                    <><th scope="col">{ "Engagé" }</th><th scope="col">{ "Numérateur" }</th><th scope="col">{ "Dénominateur" }</th><th scope="col">{ "Réalisé" }</th></>
                                } } else { html! {
                                    <><th scope="col">{ "Engagé" }</th><th scope="col">{ "Réalisé" }</th></>
                                } }) }
                                { for cumuls.iter().map(|&n| {
                                    let last = Some(&n) == cumuls.last();
                                    html! {
                                        <><th scope="col" class={classes!(last.then_some("fixe-droite-2"))}>{ "Engagé" }</th>
                                        <th scope="col" class={classes!(last.then_some("fixe-droite-1"))}>{ "Réalisé" }</th></>
                                    }
                                }) }
                            </tr>
                        </thead>
                        <tbody>{ for body }</tbody>
                    </table>
                </div>
                { message_list.unwrap_or_default() }
                if let Some(m) = &*paste_msg {
                    <p role="status" class="message-collage">{ m.clone() }</p>
                }
                { pager.unwrap_or_default() }
            }
        </section>
    }
}
