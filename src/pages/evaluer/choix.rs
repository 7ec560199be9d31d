//! The convention evaluated (the open draft, another draft, a file, the sample) and the
//! evaluation (proposed by `cus_core::evaluation::due`, changeable among the catalogue's).

use std::rc::Rc;

use cus_core::catalogue::Catalogue;
use cus_core::convention::{Convention, Edit};
use yew::prelude::*;

use crate::pages::grid::Update;
use crate::route::{EvalStep, FillStep, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogue: Rc<Catalogue>,
    pub draft: Rc<Convention>,
    pub update: Update,
}

#[function_component(Choix)]
pub fn choix(props: &Props) -> Html {
    let (cat, conv) = (&*props.catalogue, &*props.draft);
    let chosen = super::evaluation(cat, conv);
    let proposed = conv
        .signing_year
        .and_then(|y| cus_core::evaluation::due(cat, y, super::current_year()));
    let named = !conv.achievements.evaluation.is_empty();
    let onchange = {
        let update = props.update.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            update.emit(Edit::SetEvaluation(sel.value()));
        })
    };
    let confirm = {
        let update = props.update.clone();
        let id = chosen.map(|p| p.id.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| update.emit(Edit::SetEvaluation(id.clone())))
    };
    let sample = cus_core::samples::SAMPLES
        .iter()
        .position(|s| s.id == "grand-organisme")
        .unwrap_or(0);
    html! {
        <div class="evaluation-choix">
            <section aria-labelledby="titre-convention-evaluee">
                <h3 id="titre-convention-evaluee">{ "Convention évaluée" }</h3>
                <dl class="recap-faits" id="convention-evaluee">
                    <dt>{ "Brouillon ouvert" }</dt><dd>{ cus_core::drafts::display_name(conv) }</dd>
                    <dt>{ "Organisme" }</dt><dd>{ if conv.organisme.raison_sociale.trim().is_empty() { "non renseigné".to_string() } else { conv.organisme.raison_sociale.clone() } }</dd>
                    <dt>{ "Catalogue" }</dt><dd>{ format!("{} (version {})", cat.title, cat.version) }</dd>
                    <dt>{ "Signature" }</dt>
                    <dd>{ match (&conv.signature, conv.signing_year) {
                        (Some(s), _) => s.signed_fr(),
                        (None, Some(y)) => format!("année de signature {y}, non marquée signée"),
                        (None, None) => "année de signature non renseignée".to_string(),
                    } }</dd>
                </dl>
                <p class="aide">
                    { "Pour évaluer une autre convention : ouvrez-la dans la liste des brouillons ci-dessus, " }
                    <a href={Route::Evaluate(EvalStep::Export).to_hash()}>{ "importez un fichier (JSON, ODS, XLSX, CSV)" }</a>
                    { " dans un nouveau brouillon, ou " }
                    <a id="ouvrir-exemple-evaluation" href={Route::EvaluateSample(sample).to_hash()}>{ "ouvrez l'exemple fictif d'un grand organisme" }</a>{ "." }
                </p>
            </section>
            <section aria-labelledby="titre-evaluation">
                <h3 id="titre-evaluation">{ "Évaluation" }</h3>
                if conv.signing_year.is_none() {
                    <p class="avertissement" role="note">
                        { "L'année de signature n'est pas renseignée : les années évaluées ne peuvent être datées. Renseignez-la à l'étape " }
                        <a href={Route::Fill(FillStep::Convention).to_hash()}>{ "Convention" }</a>{ "." }
                    </p>
                }
                if cat.evaluations.is_empty() {
                    <p class="avertissement" role="note">{ "Le catalogue de cette convention ne prévoit aucune évaluation." }</p>
                } else {
                    <div class="champ">
                        <label for="evaluation-choisie">{ "Évaluation préparée" }</label>
                        <select id="evaluation-choisie" {onchange}>
                            { for cat.evaluations.iter().map(|e| {
                                let mut label = e.label_for(conv.signing_year);
                                if proposed.is_some_and(|p| p.id == e.id) {
                                    label.push_str(" — proposée");
                                }
                                html! {
                                    <option value={e.id.clone()} selected={chosen.is_some_and(|c| c.id == e.id)}>{ label }</option>
                                }
                            }) }
                        </select>
                    </div>
                    if let Some(p) = proposed {
                        <p class="aide">{ format!("Proposée : {}, la dernière dont toutes les années sont écoulées (ou la première, si aucune ne l'est encore).", p.label_for(conv.signing_year)) }</p>
                    }
                    if !named {
                        <p>
                            <button type="button" class="bouton" id="commencer-evaluation" onclick={confirm}>
                                { format!("Préparer : {}", chosen.map(|p| p.label_for(conv.signing_year)).unwrap_or_default()) }
                            </button>
                            <span class="aide">{ " (choisie aussi dès la première réalisation saisie)" }</span>
                        </p>
                    }
                    if let Some(p) = chosen {
                        <p id="annees-evaluees">{ match conv.signing_year {
                            Some(y) => { let r = p.years(y); format!("Années évaluées : {} à {} (années {} à {} de la convention).", r.start(), r.end(), p.first_year, p.last_year) }
                            None => format!("Années évaluées : années {} à {} de la convention.", p.first_year, p.last_year),
                        } }</p>
                    }
                }
            </section>
            <section aria-labelledby="titre-demarche">
                <h3 id="titre-demarche">{ "Démarche" }</h3>
                <ol>
                    <li><a href={Route::Evaluate(EvalStep::Signature).to_hash()}>{ "Signature et avenants" }</a>{ " : marquez la convention signée ; ses engagements passent en lecture seule, un avenant les rouvre en gardant la version signée." }</li>
                    <li>{ "Réalisations : une page par engagement, année par année (un pourcentage par son numérateur et son dénominateur) ; les cumuls sont calculés." }</li>
                    <li><a href={Route::Evaluate(EvalStep::Bilan).to_hash()}>{ "Bilan" }</a>{ " : taux de réalisation, écarts, justification de chaque engagement non tenu." }</li>
                    <li><a href={Route::Evaluate(EvalStep::Rapport).to_hash()}>{ "Rapport d'évaluation" }</a>{ " à imprimer ou enregistrer en PDF." }</li>
                    <li><a href={Route::Evaluate(EvalStep::Export).to_hash()}>{ "Export de l'évaluation" }</a>{ " : le fichier de la convention, avec sa signature, ses réalisations et ses justifications, à transmettre (définitif quand plus rien ne le bloque)." }</li>
                </ol>
            </section>
        </div>
    }
}
