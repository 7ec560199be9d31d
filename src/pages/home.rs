//! Home page: what the tool is for and for whom.

use yew::prelude::*;

use crate::catalogues::Catalogues;
use crate::route::{FillStep, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogues: Catalogues,
}

#[function_component(Home)]
pub fn home(props: &Props) -> Html {
    let cats = &props.catalogues.0;
    let indicators: usize = cats.iter().map(|c| c.indicators.len()).sum();
    html! {
        <div class="page accueil">
            <h1 id="titre-page" tabindex="-1">{ "Les indicateurs de votre convention d'utilité sociale" }</h1>
            <p class="chapo">
                { "Chaque organisme HLM signe avec l'État une convention d'utilité sociale (CUS) de six ans et s'y engage sur des indicateurs définis par le code de la construction et de l'habitation (art. R. 445-1 et suivants) : offre nouvelle, rénovation, ventes, attributions, qualité de service, coûts de gestion. " }
                { "CUS indicateurs vous guide dans la saisie, vérifie vos chiffres au regard des définitions et produit le fichier attendu par les services de l'État." }
            </p>
            <p class="confidentialite">
                <strong>{ "Rien ne quitte votre navigateur. " }</strong>
                { "Aucune installation, aucun compte : vos saisies restent sur votre poste." }
            </p>
            <ul class="cartes" aria-label="Pour qui ?">
                <li class="carte">
                    <h2>{ "Organismes HLM" }</h2>
                    <p>{ "OPH, ESH, coopératives, SEM : remplissez vos engagements par territoire et par année, contrôlez-les et exportez le fichier standard pour la préfecture." }</p>
                    <a class="bouton" href={Route::Fill(FillStep::Organisme).to_hash()}>{ "Remplir ma CUS" }</a>
                </li>
                <li class="carte">
                    <h2>{ "Évaluation" }</h2>
                    <p>{ "Organismes à mi-parcours ou en fin de convention : saisissez vos réalisations à côté des engagements signés, justifiez les écarts, imprimez le rapport d'évaluation." }</p>
                    <a class="bouton" href={Route::Evaluate(crate::route::EvalStep::Choix).to_hash()}>{ "Évaluer ma CUS" }</a>
                </li>
                <li class="carte">
                    <h2>{ "Collectivités" }</h2>
                    <p>{ "Départements, EPCI, et services de l'État pour leurs synthèses régionales : consolidez les CUS des organismes d'un territoire, comparez-les à vos objectifs, testez des scénarios." }</p>
                    <a class="bouton" href={Route::Simulate(crate::route::SimStep::Espace).to_hash()}>{ "Simuler sur mon territoire" }</a>
                </li>
                <li class="carte">
                    <h2>{ "Formation et services de l'État" }</h2>
                    <p>{ "Formateurs, DDT-M, DREAL : consultez la définition de chaque indicateur, sa source et le statut de son libellé ; formez avec des exercices vérifiés par les vraies règles, seul ou en session guidée." }</p>
                    <a class="bouton" href={Route::Reference { focus: None }.to_hash()}>{ "Comprendre les indicateurs" }</a>
                    { " " }
                    <a class="bouton bouton-secondaire" href={crate::route::TrainRoute::home().to_hash()}>{ "Se former" }</a>
                </li>
            </ul>
            <section class="encart" aria-labelledby="titre-exemples">
                <h2 id="titre-exemples">{ "Essayer avec un exemple" }</h2>
                <p>{ "Des conventions fictives, déjà remplies, pour découvrir l'outil ou pour une formation. Chaque exemple s'ouvre dans un nouveau brouillon : vos brouillons existants ne sont pas modifiés." }</p>
                <ul class="exemples">
                    { for cus_core::samples::SAMPLES.iter().enumerate().map(|(i, s)| {
                        // « Remplir ma CUS » opens it (its module holds the sample files).
                        let onclick = Callback::from(move |_| {
                            if let Some(w) = web_sys::window() {
                                let _ = w.location().set_hash(&Route::OpenSample(i).to_hash());
                            }
                        });
                        html! {
                            <li>
                                <button type="button" class="bouton bouton-secondaire" {onclick}>{ format!("Ouvrir l'exemple : {}", s.title) }</button>
                                <span class="aide">{ format!(" {}", s.description) }</span>
                            </li>
                        }
                    }) }
                </ul>
            </section>
            <section class="encart" aria-labelledby="titre-referentiel">
                <h2 id="titre-referentiel">{ "Référentiel intégré" }</h2>
                <p>
                    { format!("{} catalogues, {} indicateurs : ", cats.len(), indicators) }
                    { "les deux générations de CUS (2011-2016 et depuis 2019) et leurs différents types (logements locatifs, logements-foyers, accession…)." }
                </p>
            </section>
        </div>
    }
}
