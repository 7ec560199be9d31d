//! « Compilation régionale »: the synthesis a DREAL or a DDT-M writes for the préfet, built from
//! the files (`cus_core::consolidation::synthesis`): key sentences to copy, tables per section,
//! charts with their tables; the previous period's figures the user enters (the State's
//! financing records), labelled as entered; the text to paste into a word processor.

use cus_core::consolidation::{parse_previous, WsEdit};
use yew::prelude::*;

use super::tables::scenario_picker;
use super::{plural_s, SectionProps};

/// Puts a text on the clipboard (the browser may refuse: the text stays in the area to copy).
fn copy(text: &str) -> bool {
    match web_sys::window() {
        Some(w) => {
            let _ = w.navigator().clipboard().write_text(text);
            true
        }
        None => false,
    }
}

#[function_component(CompilationSection)]
pub fn compilation_section(props: &SectionProps) -> Html {
    let pasted = use_state(String::new);
    let result = use_state(|| None::<Result<usize, Vec<String>>>);
    let copied = use_state(|| None::<&'static str>);
    let Some(report) = props.derived.synthesis(&props.store.ws, props.scenario) else {
        return html! { <p class="avertissement" role="note">{ "Choisissez d'abord un territoire et ajoutez des fichiers." }</p> };
    };
    let ws = &props.store.ws;
    let on_text = {
        let pasted = pasted.clone();
        Callback::from(move |e: InputEvent| {
            let t: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            pasted.set(t.value());
        })
    };
    let on_add = {
        let (pasted, result, d) = (pasted.clone(), result.clone(), props.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_previous(&pasted) {
                Ok(list) if list.is_empty() => {
                    result.set(Some(Err(vec!["Aucune ligne à ajouter.".into()])))
                }
                Ok(list) => {
                    let n = list.len();
                    d.emit(WsEdit::SetPreviousFigures(list));
                    result.set(Some(Ok(n)));
                    pasted.set(String::new());
                }
                Err(errs) => result.set(Some(Err(errs))),
            }
        })
    };
    let on_clear = {
        let (d, result) = (props.dispatch.clone(), result.clone());
        Callback::from(move |_| {
            d.emit(WsEdit::ClearPreviousFigures);
            result.set(None);
        })
    };
    let sentences = report.sentences_text();
    let whole = report.to_text(true);
    let on_copy_sentences = {
        let (t, copied) = (sentences.clone(), copied.clone());
        Callback::from(move |_| {
            if copy(&t) {
                copied.set(Some("Phrases clés copiées : collez-les dans votre note."));
            }
        })
    };
    let on_copy_all = {
        let (t, copied) = (whole.clone(), copied.clone());
        Callback::from(move |_| {
            if copy(&t) {
                copied.set(Some("Synthèse copiée : les tableaux se collent comme des tableaux (séparés par des tabulations)."));
            }
        })
    };
    let print = Callback::from(|_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    });
    let n = ws.previous.len();
    html! {
        <>
            <p class="chapo">{ "La synthèse régionale que les services de l'État adressent au préfet, refaite à partir des fichiers : offre nouvelle et son évolution, parts des financements, écarts entre organismes, part de chaque sous-territoire, vente, engagements non tenus, et les phrases clés à reprendre dans une note." }</p>
            { scenario_picker(props) }
            <section class="periode-precedente" aria-labelledby="titre-periode-precedente">
                <h2 id="titre-periode-precedente">{ "Période précédente" }</h2>
                <p>{ "Les CUS de 1re génération n'ont pas de valeur de référence : collez ici les réalisations de la période précédente (2005-2010, par exemple, d'après les dossiers de financement de l'État), pour le territoire, un sous-territoire ou un organisme. Elles sont signalées partout comme « chiffres saisis »." }</p>
                <p>
                    { format!("{n} chiffre{} saisi{}.", plural_s(n), plural_s(n)) }
                    if n > 0 {
                        { " " }
                        <button type="button" class="bouton bouton-secondaire" onclick={on_clear}>{ "Effacer les chiffres saisis" }</button>
                    }
                </p>
                <form onsubmit={on_add}>
                    <label for="periode-precedente-collee">{ "Une ligne par chiffre : indicateur;ventilation;période;valeur;territoire;organisme. Les deux derniers sont facultatifs : territoire vide pour tout le territoire, 59 pour un département, le SIREN d'un EPCI ; organisme vide, ou son SIREN. Exemple : A.I;PLAI;2005-2010;3 190" }</label>
                    <textarea id="periode-precedente-collee" rows="4" value={(*pasted).clone()} oninput={on_text} />
                    <button type="submit" class="bouton bouton-secondaire">{ "Ajouter ces chiffres" }</button>
                </form>
                { match &*result {
                    Some(Ok(k)) => html! { <p role="status">{ format!("{k} chiffre{} de la période précédente enregistré{}.", plural_s(*k), plural_s(*k)) }</p> },
                    Some(Err(errs)) => html! {
                        <div class="message-erreur" role="alert">
                            <p>{ "Aucun chiffre n'a été ajouté : corrigez ces lignes." }</p>
                            <ul>{ for errs.iter().map(|e| html! { <li>{ e.clone() }</li> }) }</ul>
                        </div>
                    },
                    None => html! {},
                } }
            </section>
            <div class="actions-synthese ligne-formulaire">
                <button type="button" class="bouton" onclick={on_copy_sentences}>{ "Copier les phrases clés" }</button>
                <button type="button" class="bouton bouton-secondaire" onclick={on_copy_all}>{ "Copier toute la synthèse (texte)" }</button>
                <button type="button" class="bouton bouton-secondaire" onclick={print}>{ "Imprimer ou enregistrer en PDF" }</button>
            </div>
            if let Some(m) = *copied {
                <p role="status">{ m }</p>
            }
            <details class="texte-a-copier">
                <summary>{ "Le texte de la synthèse, à sélectionner et copier" }</summary>
                <label for="synthese-texte">{ "Synthèse au format texte (tableaux séparés par des tabulations)" }</label>
                <textarea id="synthese-texte" rows="12" readonly=true value={whole} />
            </details>
            { super::synthese::report_view(&report) }
        </>
    }
}
