//! « Calculs » under a grid: the computed numbers of one row (`cus_core::calc`), each explained
//! on demand with its formula, figures and the cells it read.

use std::rc::Rc;

use cus_core::calc::{CalcError, Explained};
use cus_core::catalogue::{Catalogue, Indicator, Period, ValueKind, CONVENTION_YEARS};
use cus_core::convention::{splits, Cell, Convention, Edit, SplitKey, Value};
use cus_core::numfmt::format_fr;
use yew::prelude::*;

use crate::route::{FillStep, Route};

/// A computed number offered under a grid (`cus_core::calc`), computed only when its explanation
/// is asked for.
#[derive(Clone, Debug, PartialEq)]
enum Computed {
    /// Cumulative of the six years, from the yearly values.
    Cumulative,
    /// Yearly average over the six years.
    Average,
    /// Share of PLAI among PLAI + PLUS (members given by the rule data).
    PlaiShare,
    /// Share of a "dont" part (its id) in its whole.
    Part(String),
    /// The value compared with the stock of dwellings of the row.
    Stock,
}

impl Computed {
    fn id(&self) -> String {
        match self {
            Computed::Cumulative => "cumul".into(),
            Computed::Average => "moyenne".into(),
            Computed::PlaiShare => "part-plai".into(),
            Computed::Part(p) => format!("part-{p}"),
            Computed::Stock => "parc".into(),
        }
    }
}

/// The computed numbers that apply to an indicator: decided from the catalogue and rule data only,
/// never from the values.
fn applicable(cat: &Catalogue, ind: &Indicator) -> Vec<Computed> {
    let additive = cus_core::convention::is_additive(ind);
    let mut out = Vec::new();
    if additive && ind.periods.yearly {
        out.push(Computed::Cumulative);
    }
    // An average of a level (a stock at a date) means nothing: only flows get one.
    if ind.bounds().is_some()
        && ind.measure.is_flow()
        && (ind.periods.yearly
            || (matches!(ind.value, ValueKind::Nombre { .. })
                && ind.periods.cumulative.contains(&CONVENTION_YEARS)))
    {
        out.push(Computed::Average);
    }
    if additive && cus_core::calc::plai_share_rule(cat, &ind.code).is_some() {
        out.push(Computed::PlaiShare);
    }
    if additive {
        out.extend(
            ind.splits
                .parts
                .iter()
                .map(|p| Computed::Part(p.id.clone())),
        );
        out.push(Computed::Stock);
    }
    out
}

#[derive(Properties)]
pub(super) struct CalcProps {
    pub(super) catalogue: Rc<Catalogue>,
    pub(super) indicator: Rc<Indicator>,
    pub(super) draft: Rc<Convention>,
    /// Position of the grid in its page (for element ids).
    pub(super) index: usize,
    /// Focus a cell of the grid, by its canonical key.
    pub(super) focus: Callback<String>,
    /// Change the draft (the percentage computed from its terms is written into a cell).
    pub(super) update: Callback<Edit>,
}

impl PartialEq for CalcProps {
    /// By pointer: a deep comparison of the convention would cost a pass over every value on each
    /// keystroke, more than rendering the closed section again.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.catalogue, &other.catalogue)
            && Rc::ptr_eq(&self.indicator, &other.indicator)
            && Rc::ptr_eq(&self.draft, &other.draft)
            && self.index == other.index
            && self.focus == other.focus
            && self.update == other.update
    }
}

/// "Calculs": the cumulative, average, shares and ratio to the stock of one row, each explained on
/// demand with its formula, figures and cells.
///
/// The numbers are computed on one row of the coarsest level of the grid (a département, or the
/// organism when the indicator is organism-wide), chosen in a list, rather than on an
/// organism-wide sum: `cus_core::calc` reads real cells, so each figure of a formula points to a
/// cell the user can check and fix; the stock is declared per territory, and the plausibility
/// rules also work row by row. Sums across territories are already explained by the totals row.
/// Finer rows (EPCI) are detail inside their département and are left out, which also keeps the
/// list short on the largest grids. Nothing is rendered or computed while the section is closed.
#[function_component(Calculations)]
pub(super) fn calculations(props: &CalcProps) -> Html {
    let open = use_state(|| false);
    let row = use_state(|| 0usize);
    let split = use_state(|| 0usize);
    let period = use_state(|| None::<usize>);
    let shown = use_state(Vec::<String>::new);
    let terms = use_state(|| (String::new(), String::new()));
    // What the last « Reporter » wrote, said until the terms change.
    let written = use_state(|| None::<String>);

    let cat = &*props.catalogue;
    let ind = &*props.indicator;
    let conv = &*props.draft;
    let items = applicable(cat, ind);
    let percent = match &ind.value {
        ValueKind::Pourcentage {
            numerator,
            denominator,
        } => Some((numerator.clone(), denominator.clone())),
        _ => None,
    };
    if items.is_empty() && percent.is_none() {
        return html! {};
    }
    let index = props.index;
    let region = format!("calculs-{index}");
    let mut topics: Vec<String> = items
        .iter()
        .map(|c| match c {
            Computed::Cumulative => format!("cumul sur {CONVENTION_YEARS} ans"),
            Computed::Average => "moyenne annuelle".into(),
            Computed::PlaiShare => "part de PLAI".into(),
            Computed::Part(_) => "parts « dont »".into(),
            Computed::Stock => "rapport au parc".into(),
        })
        .collect();
    topics.dedup();
    if percent.is_some() {
        topics.push("pourcentage à partir de ses termes".into());
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let button = html! {
        <button type="button" class="bouton-calculs" aria-expanded={open.to_string()} aria-controls={region.clone()} onclick={toggle}>
            { format!("Calculs : {}", topics.join(", ")) }
        </button>
    };
    if !*open {
        return html! { <div class="calculs">{ button }</div> };
    }

    let geo = conv.referential();
    let levels = conv.levels(ind);
    let top = levels.first().copied();
    let rows: Vec<_> = conv
        .rows(ind, geo)
        .into_iter()
        .filter(|t| Some(t.level()) == top)
        .collect();
    let split_list = splits(ind);
    let periods = ind.periods.periods();
    let year = cus_core::convention::label_year(conv);
    let r = (*row).min(rows.len().saturating_sub(1));
    let s = (*split).min(split_list.len().saturating_sub(1));
    let default_period = periods
        .iter()
        .rposition(|p| matches!(p, Period::Cumulative(_)))
        .unwrap_or(periods.len().saturating_sub(1));
    let p = (*period)
        .unwrap_or(default_period)
        .min(periods.len().saturating_sub(1));
    // The percentage computed from its terms is written into the cell of the row, breakdown
    // and period chosen here.
    let uses_split = percent.is_some() || items.iter().any(|c| !matches!(c, Computed::PlaiShare));
    let uses_period = percent.is_some()
        || items
            .iter()
            .any(|c| matches!(c, Computed::PlaiShare | Computed::Part(_) | Computed::Stock));
    let target: Option<(String, String)> = match (rows.get(r), split_list.get(s), periods.get(p)) {
        (Some(t), Some(sk), Some(&pd)) => {
            let mut label = vec![conv.territory_label(t, geo)];
            if split_list.len() > 1 {
                label.push(sk.label_fr(ind));
            }
            label.push(ind.period_label_fr(pd, year));
            let cell = Cell {
                indicator: ind.code.clone(),
                territory: t.clone(),
                split: sk.clone(),
                period: pd,
            };
            Some((cell.key(), label.join(", ")))
        }
        _ => None,
    };

    let select = |id: String,
                  label: &'static str,
                  options: Vec<String>,
                  current: usize,
                  set: Callback<usize>| {
        let onchange = Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                set.emit(i);
            }
        });
        html! {
            <span class="champ-calcul">
                <label for={id.clone()}>{ label }</label>
                <select id={id} {onchange}>
                    { for options.into_iter().enumerate().map(|(i, o)| html! {
                        <option value={i.to_string()} selected={i == current}>{ o }</option>
                    }) }
                </select>
            </span>
        }
    };
    let setter = |h: &UseStateHandle<usize>| {
        let h = h.clone();
        Callback::from(move |i: usize| h.set(i))
    };
    let period_setter = {
        let h = period.clone();
        Callback::from(move |i: usize| h.set(Some(i)))
    };

    let body = match (rows.get(r), split_list.get(s), periods.get(p)) {
        (Some(territory), Some(sk), Some(&pd)) => {
            let row_label = conv.territory_label(territory, geo);
            let period_label = pd.label_fr(year);
            let whole = SplitKey {
                members: sk.members.clone(),
                part: None,
            };
            let years = format!(
                "{} à {}",
                Period::Year(1).label_fr(year),
                Period::Year(CONVENTION_YEARS).label_fr(year)
            );
            let entries = items.iter().map(|c| {
                let label = match c {
                    Computed::Cumulative => format!(
                        "Cumul des {CONVENTION_YEARS} années ({years}), {}",
                        sk.label_fr(ind)
                    ),
                    Computed::Average if ind.periods.yearly => format!(
                        "Moyenne annuelle des années {years}, {}",
                        sk.label_fr(ind)
                    ),
                    Computed::Average => format!(
                        "Moyenne annuelle sur {CONVENTION_YEARS} ans (cumul ÷ {CONVENTION_YEARS}), {}",
                        sk.label_fr(ind)
                    ),
                    Computed::PlaiShare => match cus_core::calc::plai_share_rule(cat, &ind.code) {
                        Some(rule) => format!(
                            "Part de {} parmi {}, {period_label}",
                            rule.numerator.join(" + "),
                            rule.denominator.join(" + ")
                        ),
                        None => format!("Part de PLAI, {period_label}"),
                    },
                    Computed::Part(part) => format!(
                        "Part « {} » dans {}, {period_label}",
                        ind.splits
                            .parts
                            .iter()
                            .find(|x| &x.id == part)
                            .map(|x| x.label.clone())
                            .unwrap_or_else(|| part.clone()),
                        whole.label_fr(ind)
                    ),
                    Computed::Stock => format!(
                        "Rapport au parc de logements : {}, {period_label}",
                        sk.label_fr(ind)
                    ),
                };
                let id = c.id();
                let is_shown = shown.contains(&id);
                let onclick = {
                    let shown = shown.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| {
                        let mut v = (*shown).clone();
                        if let Some(i) = v.iter().position(|x| x == &id) {
                            v.remove(i);
                        } else {
                            v.push(id.clone());
                        }
                        shown.set(v);
                    })
                };
                // Computed only once asked for, then again on each render while shown (the values
                // may change meanwhile).
                let explained = is_shown.then(|| {
                    let code = ind.code.as_str();
                    let res = match c {
                        Computed::Cumulative => cus_core::calc::cumulative_from_yearly(
                            conv, cat, code, territory, sk, CONVENTION_YEARS,
                        ),
                        Computed::Average => cus_core::calc::yearly_average(
                            conv, cat, code, territory, sk, CONVENTION_YEARS,
                        ),
                        Computed::PlaiShare => {
                            cus_core::calc::plai_share(conv, cat, code, territory, pd)
                        }
                        Computed::Part(part) => cus_core::calc::part_share(
                            conv, cat, code, territory, sk, part, pd,
                        ),
                        Computed::Stock => {
                            cus_core::calc::ratio_to_stock(conv, cat, code, territory, sk, pd)
                        }
                    };
                    explained_html(res, cat, conv, &row_label, &props.focus)
                });
                let no_stock = matches!(c, Computed::Stock) && conv.stock.is_empty();
                html! {
                    <li class="calcul" data-calcul={id.clone()}>
                        <span class="calcul-libelle">{ label.clone() }</span>
                        { " " }
                        if no_stock {
                            <span class="aide">
                                { "— renseignez d'abord le parc à l'étape " }
                                <a href={Route::Fill(FillStep::Parc).to_hash()}>{ FillStep::Parc.label_fr() }</a>{ "." }
                            </span>
                        } else {
                            <button type="button" class="lien-bouton bouton-explication" aria-expanded={is_shown.to_string()}
                                aria-label={format!("{label} — {} le calcul", if is_shown { "masquer" } else { "afficher" })} {onclick}>
                                { if is_shown { "Masquer le calcul" } else { "Afficher le calcul" } }
                            </button>
                        }
                        { explained.unwrap_or_default() }
                    </li>
                }
            });
            html! {
                <>
                    <p class="choix-calcul">
                        if rows.len() > 1 {
                            { select(format!("calcul-ligne-{index}"), "Ligne", rows.iter().map(|t| conv.territory_label(t, geo)).collect(), r, setter(&row)) }
                        } else {
                            <span class="champ-calcul">{ format!("Ligne : {row_label}") }</span>
                        }
                        if uses_split && split_list.len() > 1 {
                            { select(format!("calcul-ventilation-{index}"), "Ventilation", split_list.iter().map(|x| x.label_fr(ind)).collect(), s, setter(&split)) }
                        }
                        if uses_period && periods.len() > 1 {
                            { select(format!("calcul-periode-{index}"), "Période", periods.iter().map(|x| x.label_fr(year)).collect(), p, period_setter) }
                        }
                    </p>
                    if levels.len() > 1 {
                        <p class="aide">{ format!("Calculs sur une ligne du niveau {} : le détail plus fin y est compris.", top.map(|l| l.label_fr()).unwrap_or_default()) }</p>
                    }
                    <ul class="liste-calculs">{ for entries }</ul>
                </>
            }
        }
        _ if !items.is_empty() => html! {
            <p class="aide">{ "Aucune ligne à calculer : déclarez les territoires et choisissez la maille." }</p>
        },
        _ => html! {},
    };

    let percentage = percent.map(|(num_label, den_label)| {
        let set_term = |first: bool| {
            let terms = terms.clone();
            let written = written.clone();
            Callback::from(move |e: InputEvent| {
                written.set(None);
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut t = (*terms).clone();
                if first {
                    t.0 = input.value();
                } else {
                    t.1 = input.value();
                }
                terms.set(t);
            })
        };
        let (a, b) = &*terms;
        let result = (!a.trim().is_empty() || !b.trim().is_empty()).then(|| {
            let parse = |t: &str, what: &str| match cus_core::numfmt::parse_fr(t) {
                Ok(n) => Ok(n),
                Err(cus_core::numfmt::ParseNumberError::Empty) => {
                    Err(format!("saisissez le {what}."))
                }
                Err(e) => Err(format!("{what} : {}", e.message_fr(t.trim()))),
            };
            match (parse(a, "numérateur"), parse(b, "dénominateur")) {
                (Ok(n), Ok(d)) => {
                    let res = cus_core::calc::percentage_of(ind, n, d);
                    // Written as shown: two decimals at most.
                    let value = res.as_ref().ok().map(|e| (e.value * 100.0).round() / 100.0);
                    let report = value.zip(target.clone()).map(|(v, (key, label))| {
                        let text = format!("{} %", format_fr(v, 2));
                        let onclick = {
                            let (update, written, text, label) =
                                (props.update.clone(), written.clone(), text.clone(), label.clone());
                            // One edit: one step of « Annuler ».
                            Callback::from(move |_: MouseEvent| {
                                update.emit(Edit::SetCells(vec![(key.clone(), Some(Value::Number(v)))]));
                                written.set(Some(format!("{text} reporté dans la case {label} (« Annuler » pour revenir à la valeur d'avant).")));
                            })
                        };
                        html! {
                            <p>
                                <button type="button" class="bouton bouton-secondaire" id={format!("calcul-reporter-{index}")} {onclick}>
                                    { format!("Reporter {text} dans la case {label}") }
                                </button>
                            </p>
                        }
                    });
                    html! {
                        <>
                            { explained_html(res, cat, conv, "", &props.focus) }
                            { report.unwrap_or_default() }
                        </>
                    }
                }
                (Err(m), _) | (_, Err(m)) => html! {
                    <div class="explication explication-impossible" role="status"><p>{ format!("Non calculable : {m}") }</p></div>
                },
            }
        });
        html! {
            <fieldset class="calcul-pourcentage">
                <legend>{ "Calculer le pourcentage à partir de ses deux termes" }</legend>
                <p class="aide">{ "Le tableau attend le pourcentage lui-même : saisissez ses deux termes pour le calculer, puis reportez-le dans la case de la ligne et de la période choisies ci-dessus." }</p>
                <div class="champ">
                    <label for={format!("calcul-numerateur-{index}")}>{ format!("Numérateur : {num_label}") }</label>
                    <input id={format!("calcul-numerateur-{index}")} type="text" inputmode="decimal" autocomplete="off"
                        value={a.clone()} oninput={set_term(true)} />
                </div>
                <div class="champ">
                    <label for={format!("calcul-denominateur-{index}")}>{ format!("Dénominateur : {den_label}") }</label>
                    <input id={format!("calcul-denominateur-{index}")} type="text" inputmode="decimal" autocomplete="off"
                        value={b.clone()} oninput={set_term(false)} />
                </div>
                { result.unwrap_or_default() }
                if let Some(m) = &*written {
                    <p class="message-ok" role="status" id={format!("calcul-reporte-{index}")}>{ m.clone() }</p>
                }
            </fieldset>
        }
    });

    html! {
        <div class="calculs calculs-ouverts">
            { button }
            <div id={region} class="calculs-contenu">
                { body }
                { percentage.unwrap_or_default() }
            </div>
        </div>
    }
}

/// A computed number as shown: its formula with the figures, then the cells it read (each a
/// button to the cell); or why it cannot be computed.
fn explained_html(
    res: Result<Explained, CalcError>,
    cat: &Catalogue,
    conv: &Convention,
    row_label: &str,
    focus: &Callback<String>,
) -> Html {
    let geo = conv.referential();
    let cell = |key: &str| {
        let label = match key {
            "numerateur" => "Numérateur".to_string(),
            "denominateur" => "Dénominateur".to_string(),
            k => cus_core::calc::input_label_fr(conv, cat, geo, k),
        };
        if key.starts_with("stock|") {
            html! { <a href={Route::Fill(FillStep::Parc).to_hash()}>{ label }</a> }
        } else if Cell::parse_key(key).is_some() {
            let focus = focus.clone();
            let k = key.to_string();
            html! {
                <button type="button" class="lien-bouton" onclick={Callback::from(move |_: MouseEvent| focus.emit(k.clone()))}>{ label }</button>
            }
        } else {
            html! { <span>{ label }</span> }
        }
    };
    match res {
        Ok(e) => html! {
            <div class="explication calcul-explique" role="status">
                <p class="formule">{ &e.formula_fr }</p>
                <p class="aide">{ if e.inputs.len() > 1 { "Valeurs utilisées :" } else { "Valeur utilisée :" } }</p>
                <ul class="entrees-calcul">
                    { for e.inputs.iter().map(|(k, v)| html! {
                        <li>{ cell(k) }{ format!(" : {}", format_fr(*v, 2)) }</li>
                    }) }
                </ul>
            </div>
        },
        Err(CalcError::Missing(keys)) => html! {
            <div class="explication explication-impossible" role="status">
                <p>{ format!("Non calculable : {} case{} à remplir d'abord (avec une valeur valide) :", keys.len(), if keys.len() > 1 { "s" } else { "" }) }</p>
                <ul class="entrees-calcul">{ for keys.iter().map(|k| html! { <li>{ cell(k) }</li> }) }</ul>
            </div>
        },
        Err(CalcError::NoStock(_)) => html! {
            <div class="explication explication-impossible" role="status">
                <p>
                    { format!("Non calculable : le parc de logements de {row_label} n'est pas renseigné ; saisissez-le à l'étape ") }
                    <a href={Route::Fill(FillStep::Parc).to_hash()}>{ FillStep::Parc.label_fr() }</a>{ "." }
                </p>
            </div>
        },
        Err(err) => {
            let m = err.message_fr();
            let m = m.strip_prefix("Calcul impossible : ").unwrap_or(&m);
            let mut chars = m.chars();
            let m = match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect::<String>(),
                None => String::new(),
            };
            html! {
                <div class="explication explication-impossible" role="status"><p>{ format!("Non calculable : {m}") }</p></div>
            }
        }
    }
}
