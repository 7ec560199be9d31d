//! The regional compilation State services write by hand: per new-supply indicator (the data
//! says which), the six-year total and its yearly average, the PLAI share overall and its range
//! across organisms, development as a share of each organism's stock, each sub-territory's part,
//! the level each organism committed at.

use cus_core::consolidation::{Compilation, Distribution};
use yew::prelude::*;

use super::tables::{num, scenario_picker};
use super::{plural_s, SectionProps};

#[function_component(CompilationSection)]
pub fn compilation_section(props: &SectionProps) -> Html {
    if props.derived.current.is_none() {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    }
    let comp = &props.derived.compilation;
    html! {
        <>
            <p class="chapo">{ "La synthèse d'un comité régional de l'habitat : offre nouvelle sur six ans, part des PLAI, développement rapporté au parc, part de chaque sous-territoire, maille retenue par chaque organisme." }</p>
            { scenario_picker(props) }
            if comp.is_empty() {
                <p>{ "Aucun indicateur d'offre nouvelle par financement sur ce territoire." }</p>
            }
            { for comp.iter().map(compilation) }
        </>
    }
}

fn range(d: &Distribution, unit: &str) -> String {
    match &d.stats {
        Some(s) => format!(
            "de {} {unit} à {} {unit} (médiane {} {unit}, {} organisme{})",
            num(s.min),
            num(s.max),
            num(s.median),
            s.n,
            plural_s(s.n)
        ),
        None => "non calculable".into(),
    }
}

pub fn compilation(c: &Compilation) -> Html {
    let at_level = c.levels.iter().filter(|l| l.at_level).count();
    let epci = c
        .levels
        .iter()
        .filter(|l| l.levels_fr.contains("EPCI"))
        .count();
    html! {
        <section class="compilation" aria-labelledby={format!("compilation-{}", c.code)}>
            <h2 id={format!("compilation-{}", c.code)}>{ format!("{} — {} ({})", c.code, c.label, c.group) }</h2>
            <table class="tableau">
                <tbody>
                    <tr><th scope="row">{ format!("Offre nouvelle, {}", c.period_label) }</th>
                        <td class="nombre">{ c.total.map(num).unwrap_or_else(|| "vide".into()) }{ if c.total_is_estimate { " (dont estimation)" } else { "" } }</td>
                        <td>{ c.total_formula_fr.clone() }</td></tr>
                    <tr><th scope="row">{ "Moyenne annuelle" }</th>
                        <td class="nombre">{ c.yearly_average.map(num).unwrap_or_else(|| "—".into()) }</td>
                        <td>{ "Total sur six ans ÷ 6" }</td></tr>
                    <tr><th scope="row">{ "Part des PLAI (territoire)" }</th>
                        <td class="nombre">{ c.plai_share.as_ref().map(|p| format!("{} %", num(p.0))).unwrap_or_else(|| "—".into()) }</td>
                        <td>{ c.plai_share.as_ref().map(|p| p.1.clone()).unwrap_or_else(|| format!("Rien de saisi en {}.", c.share_members_fr)) }</td></tr>
                    <tr><th scope="row">{ "Part des PLAI par organisme" }</th>
                        <td colspan="2">{ range(&c.plai_share_by_organism, "%") }</td></tr>
                    <tr><th scope="row">{ "Développement rapporté au parc" }</th>
                        <td colspan="2">
                            { range(&c.development_by_organism, "%") }
                            if !c.without_stock.is_empty() {
                                { format!(" ; parc inconnu pour {} organisme{} : {}", c.without_stock.len(), plural_s(c.without_stock.len()), c.without_stock.join(", ")) }
                            }
                        </td></tr>
                    <tr><th scope="row">{ "Maille retenue" }</th>
                        <td colspan="2">{ format!("{at_level} organisme{} engagé{} à la maille du territoire, {} non ventilé{} ; {epci} avec un détail par EPCI", plural_s(at_level), plural_s(at_level), c.levels.len() - at_level, plural_s(c.levels.len() - at_level)) }</td></tr>
                </tbody>
            </table>
            { super::charts::plai_chart(c) }
            if !c.development_by_organism.values.is_empty() {
                <table class="tableau">
                    <caption>{ "Développement sur six ans rapporté au parc de l'organisme sur le territoire" }</caption>
                    <thead><tr><th scope="col">{ "Organisme" }</th><th scope="col">{ "Développement / parc" }</th></tr></thead>
                    <tbody>{ for c.development_by_organism.values.iter().map(|(l, v)| html! { <tr><th scope="row">{ l.clone() }</th><td class="nombre">{ format!("{} %", num(*v)) }</td></tr> }) }</tbody>
                </table>
            }
            if !c.sub_territories.is_empty() {
                <table class="tableau">
                    <caption>{ "Part de chaque sous-territoire (d'après les fichiers)" }</caption>
                    <thead><tr><th scope="col">{ "Sous-territoire" }</th><th scope="col">{ "Offre nouvelle" }</th><th scope="col">{ "Part du total" }</th></tr></thead>
                    <tbody>
                        { for c.sub_territories.iter().map(|s| html! { <tr><th scope="row">{ s.label.clone() }</th><td class="nombre">{ num(s.value) }</td><td class="nombre">{ format!("{} %", num(s.share)) }</td></tr> }) }
                        if c.sub_undetailed > 0.0 {
                            <tr><th scope="row">{ "Non détaillé par sous-territoire" }</th><td class="nombre">{ num(c.sub_undetailed) }</td><td></td></tr>
                        }
                    </tbody>
                </table>
            }
            if !c.sub_territories.is_empty() && !c.by_organism_sub.is_empty() {
                { organism_by_sub(c) }
            }
            <table class="tableau">
                <caption>{ "Maille retenue par chaque organisme" }</caption>
                <thead><tr><th scope="col">{ "Organisme" }</th><th scope="col">{ "Mailles" }</th><th scope="col">{ "À la maille du territoire" }</th></tr></thead>
                <tbody>{ for c.levels.iter().map(|l| html! { <tr><th scope="row">{ l.organism.clone() }</th><td>{ l.levels_fr.clone() }</td><td>{ if l.at_level { "oui" } else { "non ventilé" } }</td></tr> }) }</tbody>
            </table>
        </section>
    }
}

/// New supply per organism × sub-territory, with names: what each organism brings to each
/// sub-territory (a regional synthesis's table), the part it did not detail, its total.
fn organism_by_sub(c: &Compilation) -> Html {
    let subs: Vec<&str> = c.sub_territories.iter().map(|s| s.label.as_str()).collect();
    let undetailed = c.by_organism_sub.iter().any(|o| o.undetailed > 0.0);
    html! {
        <div class="grille-defilement" tabindex="0" role="region"
            aria-label={format!("{} par organisme et sous-territoire", c.code)}>
            <table class="tableau tableau-organismes-sous-territoires">
                <caption>{ format!("{} — offre nouvelle par organisme et par sous-territoire ({})", c.code, c.period_label) }</caption>
                <thead><tr>
                    <th scope="col">{ "Organisme" }</th>
                    { for subs.iter().map(|s| html! { <th scope="col">{ *s }</th> }) }
                    if undetailed { <th scope="col">{ "Non détaillé" }</th> }
                    <th scope="col">{ "Total" }</th>
                </tr></thead>
                <tbody>
                    { for c.by_organism_sub.iter().map(|o| html! {
                        <tr>
                            <th scope="row">{ o.organism.clone() }</th>
                            { for subs.iter().map(|s| {
                                let v = o.values.iter().find(|(l, _)| l == s).map(|(_, v)| *v);
                                html! { <td class="nombre">{ v.map(num).unwrap_or_else(|| "—".to_string()) }</td> }
                            }) }
                            if undetailed { <td class="nombre">{ num(o.undetailed) }</td> }
                            <td class="nombre">{ o.total.map(num).unwrap_or_else(|| "aucune valeur".to_string()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
