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
    let versioned = !conv.versions.is_empty();
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
                    // Every line of the evaluation at the coarsest rows, total split: each year
                    // and each cumulative, so that every indicator with commitments has its table.
                    let level = conv.levels(ind).first().copied();
                    let top_rows = level.map(|l| conv.rows_at_level(ind, geo, l)).unwrap_or_default();
                    let cum: Vec<_> = lines.iter().filter(|l| {
                        l.indicator == ind.code
                            && top_rows.contains(&l.territory)
                            && l.split.part.is_none() && l.split.members.iter().all(Option::is_none)
                    }).collect();
                    html! {
                        <div class="rapport-indicateur">
                            <h4>{ format!("{} — {}", ind.code, ind.short_label) }</h4>
                            { match &series {
                                Some(s) => super::chart::chart(s, &conv.unit_fr(ind), ind.periods.yearly, &year_label),
                                None => html! { <p class="aide">{ "Valeur qui ne s'additionne pas d'un territoire à l'autre : engagé et réalisé par territoire dans le tableau ci-dessous." }</p> },
                            } }
                            if !cum.is_empty() {
                                <table class="recap-table">
                                    <caption>{ format!("{} — engagé et réalisé par territoire et par période (total)", ind.code) }</caption>
                                    <thead><tr><th scope="col">{ "Territoire" }</th><th scope="col">{ "Période" }</th><th scope="col">{ "Engagé" }</th>
                                        <th scope="col">{ "Réalisé" }</th><th scope="col">{ "Taux" }</th><th scope="col">{ "Écart" }</th>
                                        if versioned { <th scope="col">{ "Engagement de" }</th> }</tr></thead>
                                    <tbody>
                                        { for cum.iter().map(|l| html! {
                                            <tr data-cell={l.justification_key()}>
                                                <th scope="row">{ conv.territory_label(&l.territory, geo) }</th>
                                                <td>{ ind.period_label_fr(l.period, conv.signing_year) }</td>
                                                <td>{ value(l.committed, l.percentage) }</td><td>{ value(l.achieved, l.percentage) }</td>
                                                <td>{ pct(l.rate) }</td><td>{ gap(l) }</td>
                                                if versioned { <td>{ l.version_label_fr() }</td> }
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
    // Every commitment missed, justified or not, once per line (indicator × territory × split ×
    // year or window); the justifications kept for lines no longer missed are said apart.
    let missed: Vec<&cus_core::evaluation::Line> = lines.iter().filter(|l| l.missed).collect();
    let missed_keys: std::collections::BTreeSet<&str> = missed
        .iter()
        .filter_map(|l| ach.justification(&l.justification_key()).map(|(k, _)| k))
        .collect();
    let kept_only: Vec<_> = ach
        .justifications
        .iter()
        .filter(|(k, _)| !missed_keys.contains(k.as_str()))
        .collect();
    // « PP-1, Aisne (02), Cumul 2022–2024 : 90 réalisé pour 117 engagé » (the bilan's place).
    let line_label = |l: &cus_core::evaluation::Line| {
        let unit = if l.percentage { " %" } else { "" };
        format!(
            "{}, {} : {}{unit} réalisé pour {}{unit} engagé",
            l.indicator,
            super::bilan::line_place(cat, conv, l),
            value(l.achieved, false),
            value(l.committed, false)
        )
    };
    let justification_text = |j: &cus_core::evaluation::Justification| {
        let origin = match j.origin {
            Origin::Organisme => "du fait de l'organisme".to_string(),
            Origin::Exterieur => format!(
                "causes extérieures — {}",
                j.cause
                    .as_ref()
                    .and_then(|c| all_causes.iter().find(|x| &x.id == c))
                    .map(|c| c.label.clone())
                    .unwrap_or_default()
            ),
        };
        if j.comment.is_empty() {
            origin
        } else {
            format!("{origin} — « {} »", j.comment)
        }
    };
    // The evaluation's own diagnostics, named (never « 1 avertissement » alone).
    let named: Vec<&Diagnostic> = props
        .diags
        .iter()
        .filter(|d| {
            cus_core::rules::is_evaluation_diagnostic(d)
                && d.severity != cus_core::diagnostic::Severity::Info
                && !(d.severity == cus_core::diagnostic::Severity::Warning
                    && conv.acknowledged.contains_key(&d.id()))
        })
        .collect();
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
                        Some(s) => s.signed_fr(),
                        None if conv.versions.is_empty() => "non signée".to_string(),
                        None => "avenant en préparation, non signé".to_string(),
                    } }</dd>
                    if !conv.versions.is_empty() {
                        <dt>{ "Versions antérieures" }</dt>
                        <dd>{ conv.versions.iter().map(|v| format!("{} du {}", v.signature.label, cus_core::numfmt::date_fr(&v.signature.date))).collect::<Vec<_>>().join(" ; ") }</dd>
                        <dt>{ "Engagements mesurés" }</dt>
                        <dd id="rapport-versions">{ super::bilan::versions_note(conv) }</dd>
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
            { organism_section(conv, cat, geo, ach, &lines) }
            <section class="rapport-justifications" aria-labelledby="rapport-justifications-titre">
                <h3 id="rapport-justifications-titre">{ "Engagements non tenus et leurs justifications" }</h3>
                if missed.is_empty() {
                    <p>{ "Aucun engagement non tenu sur les années évaluées." }</p>
                } else {
                    <ul id="rapport-justifications">
                        { for missed.iter().map(|l| html! {
                            <li data-ligne={l.justification_key()}>
                                <strong>{ format!("{} : ", line_label(l)) }</strong>
                                { match ach.justification(&l.justification_key()) {
                                    Some((_, j)) => justification_text(j),
                                    None => "non justifié".to_string(),
                                } }
                            </li>
                        }) }
                    </ul>
                }
                if !kept_only.is_empty() {
                    <p class="aide">{ "Justifications gardées dans le fichier pour des engagements désormais tenus (avenant, réalisations corrigées) :" }</p>
                    <ul id="rapport-justifications-sans-ecart">
                        { for kept_only.iter().map(|(k, j)| html! {
                            <li>{ format!("{} : {}", justification_place(k, cat, conv, geo), justification_text(j)) }</li>
                        }) }
                    </ul>
                }
            </section>
            if !named.is_empty() {
                <section class="rapport-controles" aria-labelledby="rapport-controles-titre">
                    <h3 id="rapport-controles-titre">{ "Contrôles de l'évaluation à reprendre" }</h3>
                    <ul>{ for named.iter().map(|d| html! { <li>{ d.head_fr() }</li> }) }</ul>
                </section>
            }
        </div>
    }
}

/// « PP-1, 02 — Aisne, PLAI, 2023 »: the line a justification key
/// (`indicator|row|split|period`, without the period in files of earlier versions) names.
fn justification_place(
    key: &str,
    cat: &Catalogue,
    conv: &Convention,
    geo: Option<&cus_core::geo::Referential>,
) -> String {
    let mut parts = key.split('|');
    let code = parts.next().unwrap_or_default();
    let place = parts
        .next()
        .and_then(|t| t.parse::<cus_core::convention::TerritoryKey>().ok())
        .map(|t| conv.territory_label(&t, geo))
        .unwrap_or_default();
    let split = parts
        .next()
        .and_then(cus_core::convention::SplitKey::parse_key)
        .zip(cat.indicator(code))
        .map(|(s, i)| super::split_label(i, &s))
        .unwrap_or_default();
    let period = parts
        .next()
        .and_then(cus_core::convention::parse_period_key)
        .zip(cat.indicator(code))
        .map(|(p, i)| i.period_label_fr(p, conv.signing_year))
        .unwrap_or_else(|| "toutes les années".to_string());
    [code.to_string(), place, split, period]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The evaluation at the level of the whole organism (`evaluation::organism_lines`): counts
/// summed, percentages rebuilt from their terms and bases, never averaged.
fn organism_section(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&cus_core::geo::Referential>,
    ach: &cus_core::evaluation::Achievements,
    lines: &[cus_core::evaluation::Line],
) -> Html {
    let org = cus_core::evaluation::organism_lines(conv, cat, geo, ach, lines);
    if org.is_empty() {
        return Html::default();
    }
    html! {
        <section class="rapport-organisme" aria-labelledby="rapport-organisme">
            <h3 id="rapport-organisme">{ "Au niveau de l'organisme (calculé)" }</h3>
            <p class="aide">{ "Engagé et réalisé pour l'ensemble de l'organisme, calculés à partir des territoires : les nombres sont additionnés, un pourcentage réalisé est recalculé à partir des numérateurs et dénominateurs (Σ ÷ Σ, jamais une moyenne), un pourcentage engagé à partir des bases données à l'étape Parc." }</p>
            <table class="recap-table">
                <caption>{ "Engagé et réalisé au niveau de l'organisme" }</caption>
                <thead><tr>
                    <th scope="col">{ "Indicateur" }</th><th scope="col">{ "Ventilation" }</th><th scope="col">{ "Période" }</th>
                    <th scope="col">{ "Engagé" }</th><th scope="col">{ "Réalisé" }</th><th scope="col">{ "Calcul" }</th>
                </tr></thead>
                <tbody>
                    { for org.iter().map(|o| html! {
                        <tr>
                            <th scope="row">{ format!("{} — {}", o.code, o.label) }</th>
                            <td>{ &o.split_fr }</td><td>{ &o.period_fr }</td>
                            <td class="nombre">{ if o.committed.is_some() { value(o.committed, o.percent) } else { "non consolidé".to_string() } }</td>
                            <td class="nombre">{ if o.achieved.is_some() { value(o.achieved, o.percent) } else { "non consolidé".to_string() } }</td>
                            <td>{ &o.how_fr }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </section>
    }
}
