//! The 404 page.

use yew::prelude::*;

use crate::route::Route;

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
