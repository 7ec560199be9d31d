//! The evaluation report, laid out for print (print → PDF): cover (organism, convention,
//! signature and avenants, evaluation and its years), then per engagement its summaries and,
//! per indicator, committed next to achieved per year (a chart and its table), then the
//! justifications of the commitments missed.

use std::rc::Rc;

use cus_core::catalogue::{Catalogue, EvaluationPeriod, Period};
use cus_core::convention::Convention;
use cus_core::diagnostic::Diagnostic;
use cus_core::evaluation::{causes, evaluate, report, summaries, Origin};
use yew::prelude::*;

use super::bilan::{gap, pct, value};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub period: Rc<EvaluationPeriod>,
    pub draft: Rc<Convention>,
    pub diags: Rc<Vec<Diagnostic>>,
}

#[function_component(Rapport)]
pub fn rapport(props: &Props) -> Html {
    let (cat, conv, period) = (&*props.catalogue, &*props.draft, &*props.period);
    let geo = conv.referential();
    let ach = &conv.achievements;
    let lines = evaluate(conv, cat, geo, ach, period);
    let sums = summaries(conv, cat, geo, &lines, period);
    let (errors, warnings) = super::evaluation_counts(conv, &props.diags);
    let all_causes = causes();
    let print = Callback::from(|_: MouseEvent| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let year_label = |y: u8| Period::Year(y).label_fr(conv.signing_year);
    let years = conv.signing_year.map(|y| period.years(y));
    let engagements = cat.engagements.iter().filter_map(|e| {
        let inds: Vec<_> = cat
            .indicators
            .iter()
            .filter(|i| i.engagement == e.id && conv.uses(i))
            .filter(|i| lines.iter().any(|l| l.indicator == i.code))
            .collect();
        if inds.is_empty() {
            return None;
        }
        Some(html! {
            <section class="rapport-engagement" aria-labelledby={format!("rapport-{}", e.id)}>
                <h3 id={format!("rapport-{}", e.id)}>{ format!("{} — {}", e.area, e.label) }</h3>
                <ul class="bilan-resumes">
                    { for sums.iter().filter(|s| inds.iter().any(|i| i.code == s.indicator)).map(|s| html! {
                        <li class="resume-objectif">{ &s.text_fr }</li>
                    }) }
                </ul>
                { for inds.iter().map(|ind| {
                    let series = report::series(conv, ind, geo, ach, period);
                    // The cumulatives of the evaluation, the coarsest rows, total split.
                    let level = conv.levels(ind).first().copied();
                    let top_rows = level.map(|l| conv.rows_at_level(ind, geo, l)).unwrap_or_default();
                    let cum: Vec<_> = lines.iter().filter(|l| {
                        l.indicator == ind.code && super::bilan::is_cumulative(l.period)
                            && top_rows.contains(&l.territory)
                            && l.split.part.is_none() && l.split.members.iter().all(Option::is_none)
                    }).collect();
                    html! {
                        <div class="rapport-indicateur">
                            <h4>{ format!("{} — {}", ind.code, ind.short_label) }</h4>
                            { match &series {
                                Some(s) => super::chart::chart(s, &conv.unit_fr(ind), ind.periods.yearly, &year_label),
                                None => html! { <p class="aide">{ "Valeur non additionnable : voir le tableau ci-dessous." }</p> },
                            } }
                            if !cum.is_empty() {
                                <table class="recap-table">
                                    <caption>{ format!("{} — cumuls calculés par territoire (total)", ind.code) }</caption>
                                    <thead><tr><th scope="col">{ "Territoire" }</th><th scope="col">{ "Période" }</th><th scope="col">{ "Engagé" }</th>
                                        <th scope="col">{ "Réalisé" }</th><th scope="col">{ "Taux" }</th><th scope="col">{ "Écart" }</th></tr></thead>
                                    <tbody>
                                        { for cum.iter().map(|l| html! {
                                            <tr>
                                                <th scope="row">{ conv.territory_label(&l.territory, geo) }</th>
                                                <td>{ ind.period_label_fr(l.period, conv.signing_year) }</td>
                                                <td>{ value(l.committed, l.percentage) }</td><td>{ value(l.achieved, l.percentage) }</td>
                                                <td>{ pct(l.rate) }</td><td>{ gap(l) }</td>
                                            </tr>
                                        }) }
                                    </tbody>
                                </table>
                            }
                        </div>
                    }
                }) }
            </section>
        })
    });
    let justified: Vec<_> = ach.justifications.iter().collect();
    html! {
        <div class="rapport-evaluation">
            <p class="pas-imprime">
                <button type="button" class="bouton" id="imprimer-rapport" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button>
                { " Chaque engagement commence sur une nouvelle page." }
            </p>
            <section class="recap-couverture" aria-labelledby="rapport-titre">
                <h3 id="rapport-titre">{ format!("Rapport d'évaluation — {}", period.label_for(conv.signing_year)) }</h3>
                <dl class="recap-faits" id="rapport-couverture">
                    <dt>{ "Organisme" }</dt><dd>{ &conv.organisme.raison_sociale }</dd>
                    <dt>{ "SIREN" }</dt><dd>{ cus_core::organisme::display_siren(&conv.organisme.siren) }</dd>
                    <dt>{ "Convention" }</dt>
                    <dd>{ format!("{} (catalogue version {}){}", cat.title, cat.version,
                        conv.signing_year.map(|y| format!(", {y}–{}", y + 5)).unwrap_or_default()) }</dd>
                    <dt>{ "Signature" }</dt>
                    <dd>{ match &conv.signature {
                        Some(s) => format!("{} signée le {}", s.label, cus_core::numfmt::date_fr(&s.date)),
                        None => "non signée".to_string(),
                    } }</dd>
                    if !conv.versions.is_empty() {
                        <dt>{ "Versions antérieures" }</dt>
                        <dd>{ conv.versions.iter().map(|v| format!("{} du {}", v.signature.label, cus_core::numfmt::date_fr(&v.signature.date))).collect::<Vec<_>>().join(" ; ") }</dd>
                    }
                    <dt>{ "Évaluation" }</dt>
                    <dd>{ match &years {
                        Some(r) => format!("{} : années {} à {}", period.label, r.start(), r.end()),
                        None => format!("{} : années {} à {} de la convention", period.label, period.first_year, period.last_year),
                    } }</dd>
                    <dt>{ "Contrôles" }</dt><dd>{ super::counts_text(errors, warnings) }</dd>
                </dl>
            </section>
            { for engagements }
            <section class="rapport-justifications" aria-labelledby="rapport-justifications-titre">
                <h3 id="rapport-justifications-titre">{ "Justifications des engagements non tenus" }</h3>
                if justified.is_empty() {
                    <p>{ "Aucune justification saisie." }</p>
                } else {
                    <ul id="rapport-justifications">
                        { for justified.iter().map(|(k, j)| {
                            let mut parts = k.split('|');
                            let code = parts.next().unwrap_or_default();
                            let place = parts.next().and_then(|t| t.parse::<cus_core::convention::TerritoryKey>().ok())
                                .map(|t| conv.territory_label(&t, geo)).unwrap_or_default();
                            let split = parts
                                .next()
                                .and_then(cus_core::convention::SplitKey::parse_key)
                                .zip(cat.indicator(code))
                                .map(|(s, i)| super::split_label(i, &s))
                                .unwrap_or_default();
                            let origin = match j.origin {
                                Origin::Organisme => "du fait de l'organisme".to_string(),
                                Origin::Exterieur => format!("causes extérieures — {}", j.cause.as_ref()
                                    .and_then(|c| all_causes.iter().find(|x| &x.id == c)).map(|c| c.label.clone()).unwrap_or_default()),
                            };
                            html! {
                                <li>
                                    <strong>{ if split.is_empty() { format!("{code}, {place} : ") } else { format!("{code}, {place}, {split} : ") } }</strong>{ origin }
                                    if !j.comment.is_empty() { { format!(" — « {} »", j.comment) } }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </section>
        </div>
    }
}
