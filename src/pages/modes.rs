//! The "Remplir" and "Simuler" modes (their forms come with later versions) and the 404 page.

use yew::prelude::*;

use crate::route::Route;

#[function_component(Simulate)]
pub fn simulate() -> Html {
    html! {
        <div class="page">
            <h1 id="titre-page" tabindex="-1">{ "Simuler sur mon territoire" }</h1>
            <p class="chapo">{ "Pour un département ou un EPCI : rassemblez les engagements de plusieurs organismes sur votre territoire et testez des objectifs." }</p>
            <ol class="etapes">
                <li><strong>{ "Territoire" }</strong>{ " : choisissez votre département ou votre EPCI." }</li>
                <li><strong>{ "Organismes" }</strong>{ " : importez les fichiers de CUS des organismes présents, ou saisissez des hypothèses." }</li>
                <li><strong>{ "Objectifs" }</strong>{ " : comparez les totaux obtenus à vos objectifs (offre nouvelle PLAI, PLUS, PLS, rénovation…)." }</li>
            </ol>
            <p class="avertissement" role="note">
                { "La simulation arrive dans une prochaine version. Les définitions des indicateurs sont déjà consultables dans " }
                <a href={Route::Reference { focus: None }.to_hash()}>{ "Comprendre les indicateurs" }</a>{ "." }
            </p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    pub path: String,
}

#[function_component(NotFound)]
pub fn not_found(props: &NotFoundProps) -> Html {
    html! {
        <div class="page">
            <h1 id="titre-page" tabindex="-1">{ "Page introuvable" }</h1>
            <p>{ format!("L'adresse « #/{} » ne correspond à aucune page de l'application.", props.path) }</p>
            <p><a href={Route::Home.to_hash()}>{ "Retour à l'accueil" }</a></p>
        </div>
    }
}
