//! Step Territoires: départements, EPCI/EPT (search as you type), segments de patrimoine.

use std::rc::Rc;

use cus_core::convention::{Convention, TerritoryKey};
use cus_core::diagnostic::Diagnostic;
use cus_core::geo::{self, Hit};
use yew::prelude::*;

use super::*;
use crate::pages::grid::Update;
use crate::route::FillStep;
use cus_core::convention::Edit;

// ---- Step 2: Territoires -----------------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(super) struct TerritoiresProps {
    pub(super) draft: Convention,
    pub(super) update: Update,
    pub(super) diags: Rc<Vec<Diagnostic>>,
    /// The catalogue has indicators by segment de patrimoine (1st generation).
    pub(super) segments: bool,
}

/// The territories declared, shared by the callbacks of one render.
pub(super) type Declared = Rc<(Vec<String>, Vec<String>)>;

/// The territories with `key` added.
pub(super) fn add_key(c: &Declared, key: TerritoryKey) -> Edit {
    let (mut departements, mut epci) = (c.0.clone(), c.1.clone());
    match &key {
        TerritoryKey::Departement(d) if !departements.contains(d) => departements.push(d.clone()),
        TerritoryKey::Epci(e) if !epci.contains(e) => epci.push(e.clone()),
        _ => {}
    }
    Edit::SetTerritories { departements, epci }
}

/// The territories without `key`.
pub(super) fn remove_key(c: &Declared, key: TerritoryKey) -> Edit {
    let (mut departements, mut epci) = (c.0.clone(), c.1.clone());
    match &key {
        TerritoryKey::Departement(d) => departements.retain(|x| x != d),
        TerritoryKey::Epci(e) => epci.retain(|x| x != e),
        _ => {}
    }
    Edit::SetTerritories { departements, epci }
}

pub(super) fn hit_key(h: &Hit) -> TerritoryKey {
    match h {
        Hit::Departement(d) => TerritoryKey::Departement(d.code.clone()),
        Hit::Epci(e) => TerritoryKey::Epci(e.siren.clone()),
    }
}

pub(super) fn hit_text(h: &Hit) -> String {
    match h {
        Hit::Departement(d) => format!("{} — {} (département)", d.code, d.nom),
        Hit::Epci(e) => format!(
            "{} ({}, SIREN {}, dép. {})",
            e.nom,
            e.kind.label_fr(),
            e.siren,
            e.departements.join(", ")
        ),
    }
}

#[function_component(TerritoiresStep)]
pub(super) fn territoires_step(props: &TerritoiresProps) -> Html {
    let query = use_state(String::new);
    // The option the arrows moved to; none until the first arrow (the first hit is still the
    // one Enter picks): ArrowDown then goes to the first option, never past it.
    let active = use_state(|| None::<usize>);
    // After a chip is removed, the id of the element to focus (the next chip's button, else the
    // previous one's, else the search field): the focus never falls to the page's body.
    let focus_after = use_mut_ref(|| None::<String>);
    {
        let focus_after = focus_after.clone();
        use_effect(move || {
            if let Some(id) = focus_after.borrow_mut().take() {
                let doc = web_sys::window().and_then(|w| w.document());
                let el = doc
                    .as_ref()
                    .and_then(|d| d.get_element_by_id(&id))
                    .or_else(|| {
                        doc.as_ref()
                            .and_then(|d| d.get_element_by_id("recherche-territoire"))
                    });
                if let Some(el) =
                    el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = el.focus();
                }
            }
        });
    }
    let Some(geo) = props.draft.referential() else {
        return html! { <p class="message-erreur">{ "Référentiel territorial indisponible." }</p> };
    };
    let hits: Vec<Hit> = geo.search(&query, 12);
    let conv = &props.draft;
    let declared: Declared = Rc::new((conv.departements.clone(), conv.epci.clone()));
    let chosen = |h: &Hit| match h {
        Hit::Departement(d) => conv.departements.contains(&d.code),
        Hit::Epci(e) => conv.epci.contains(&e.siren),
    };

    let on_input = {
        let query = query.clone();
        let active = active.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
            active.set(None);
        })
    };
    let pick = {
        let update = props.update.clone();
        let query = query.clone();
        let declared = declared.clone();
        Callback::from(move |key: TerritoryKey| {
            update.emit(add_key(&declared, key));
            query.set(String::new());
        })
    };
    let on_key = {
        let active = active.clone();
        let query = query.clone();
        let keys: Vec<TerritoryKey> = hits.iter().map(hit_key).collect();
        let pick = pick.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "ArrowDown" if !keys.is_empty() => {
                e.prevent_default();
                active.set(Some(active.map_or(0, |i| (i + 1) % keys.len())));
            }
            "ArrowUp" if !keys.is_empty() => {
                e.prevent_default();
                active.set(Some(
                    active.map_or(keys.len() - 1, |i| (i + keys.len() - 1) % keys.len()),
                ));
            }
            "Enter" => {
                e.prevent_default();
                if let Some(k) = keys.get(active.unwrap_or(0)) {
                    pick.emit(k.clone());
                }
            }
            "Escape" => query.set(String::new()),
            _ => {}
        })
    };
    let vintage = match conv.signing_year {
        Some(y) => geo::choose_vintage(y).reason_fr,
        None => format!(
            "Découpage territorial {} (le plus récent ; indiquez l'année de signature à l'étape Convention pour utiliser celui qui lui correspond).",
            geo.vintage.year
        ),
    };
    let expanded = !query.trim().is_empty();
    let territory_diags: Vec<Diagnostic> = props
        .diags
        .iter()
        .filter(|d| step_of(d) == FillStep::Territoires)
        .cloned()
        .collect();

    let chip_id = |key: &TerritoryKey| format!("retirer-{}", key.to_string().replace(':', "-"));
    // `next`: the chip to focus once this one is removed (the next in its list, else the
    // previous; none: the search field).
    let chip = |key: TerritoryKey, label: String, next: Option<TerritoryKey>| {
        let update = props.update.clone();
        let k = key.clone();
        let declared = declared.clone();
        let focus_after = focus_after.clone();
        let next_id = next.as_ref().map(chip_id);
        html! {
            <li class="puce">
                <span>{ label.clone() }</span>
                <button type="button" class="puce-retirer" id={chip_id(&key)} aria-label={format!("Retirer {label}")}
                    onclick={Callback::from(move |_| {
                        *focus_after.borrow_mut() = Some(next_id.clone().unwrap_or_else(|| "recherche-territoire".to_string()));
                        update.emit(remove_key(&declared, k.clone()))
                    })}>{ "×" }</button>
            </li>
        }
    };
    // The neighbour of item `i` of a list: the next one, else the previous one.
    fn neighbour<T: Clone>(list: &[T], i: usize) -> Option<T> {
        list.get(i + 1)
            .or_else(|| i.checked_sub(1).and_then(|j| list.get(j)))
            .cloned()
    }
    let dep_keys: Vec<TerritoryKey> = conv
        .departements
        .iter()
        .cloned()
        .map(TerritoryKey::Departement)
        .collect();
    let epci_keys: Vec<TerritoryKey> = conv.epci.iter().cloned().map(TerritoryKey::Epci).collect();

    html! {
        <div class="territoires">
            <p class="aide">{ vintage }{ format!(" Source : {} {}.", geo.vintage.package, geo.vintage.version) }</p>
            <div class="champ combobox">
                <label for="recherche-territoire">{ "Ajouter un département, un EPCI ou un EPT (nom, code ou SIREN)" }</label>
                <input id="recherche-territoire" type="text" role="combobox" autocomplete="off"
                    aria-autocomplete="list" aria-expanded={expanded.to_string()} aria-controls="resultats-territoire"
                    aria-activedescendant={active.filter(|_| expanded && !hits.is_empty()).map(|i| format!("territoire-option-{i}"))}
                    value={(*query).clone()} oninput={on_input} onkeydown={on_key}
                    placeholder="ex. Nord, 59, Lille, 200093201" />
                if expanded {
                    <ul id="resultats-territoire" role="listbox" class="liste-options" aria-label="Territoires trouvés">
                        if hits.is_empty() {
                            <li class="option-vide" role="option" aria-disabled="true">{ "Aucun territoire ne correspond." }</li>
                        }
                        { for hits.iter().enumerate().map(|(i, h)| {
                            let key = hit_key(h);
                            let pick = pick.clone();
                            let already = chosen(h);
                            html! {
                                <li id={format!("territoire-option-{i}")} role="option"
                                    aria-selected={(i == active.unwrap_or(0)).to_string()}
                                    class={classes!("option", (i == active.unwrap_or(0)).then_some("option-active"))}
                                    onmousedown={Callback::from(move |e: MouseEvent| { e.prevent_default(); pick.emit(key.clone()); })}>
                                    { hit_text(h) }
                                    if already { <span class="option-deja">{ " — déjà retenu" }</span> }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </div>

            <h3>{ format!("Départements ({})", conv.departements.len()) }</h3>
            if conv.departements.is_empty() {
                <p class="aide">{ "Aucun département retenu : ajoutez ceux où l'organisme possède des logements." }</p>
            }
            <ul class="puces" aria-label="Départements retenus">
                { for conv.departements.iter().enumerate().map(|(i, d)| chip(
                    TerritoryKey::Departement(d.clone()),
                    geo.departement(d).map(|x| x.label()).unwrap_or_else(|| format!("Département {d}")),
                    neighbour(&dep_keys, i),
                )) }
            </ul>
            <h3>{ format!("EPCI et EPT ({})", conv.epci.len()) }</h3>
            <ul class="puces" aria-label="EPCI et EPT retenus">
                { for conv.epci.iter().enumerate().map(|(i, e)| chip(
                    TerritoryKey::Epci(e.clone()),
                    geo.epci(e).map(|x| x.nom.clone()).unwrap_or_else(|| format!("EPCI {e}")),
                    neighbour(&epci_keys, i),
                )) }
            </ul>
            { diagnostics_list(&territory_diags, "diagnostics-territoires", &props.draft.catalogue) }
            if props.segments {
                <SegmentsEditor draft={conv.clone()} update={props.update.clone()} />
            }
            if !conv.departements.is_empty() {
                <section class="suggestions" aria-labelledby="titre-suggestions">
                    <h3 id="titre-suggestions">{ "EPCI et EPT des départements retenus" }</h3>
                    <p class="aide">{ "Certains indicateurs se déclinent par EPCI ou EPT (voir l'étape Segmentation), et le préfet peut demander ce détail pour d'autres." }</p>
                    { for conv.departements.iter().filter_map(|d| geo.departement(d)).map(|d| {
                        let mut list: Vec<_> = geo.epci_in_departement(&d.code).filter(|e| !conv.epci.contains(&e.siren)).collect();
                        list.sort_by_key(|b| std::cmp::Reverse(b.population));
                        html! {
                            <details class="suggestions-departement">
                                <summary>{ format!("{} : {} EPCI ou EPT à ajouter", d.label(), list.len()) }</summary>
                                <ul>
                                    { for list.into_iter().map(|e| {
                                        let update = props.update.clone();
                                        let key = TerritoryKey::Epci(e.siren.clone());
                                        let declared = declared.clone();
                                        html! {
                                            <li>
                                                <button type="button" class="lien-bouton"
                                                    onclick={Callback::from(move |_| update.emit(add_key(&declared, key.clone())))}>
                                                    { format!("Ajouter {} ({}, {} hab.)", e.nom, e.kind.label_fr(), fmt_int(e.population)) }
                                                </button>
                                            </li>
                                        }
                                    }) }
                                </ul>
                            </details>
                        }
                    }) }
                </section>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct SegmentsProps {
    pub(super) draft: Convention,
    pub(super) update: Update,
}

/// Edit one field of segment `i`.
pub(super) fn edit_segment(
    update: &Update,
    segments: &Rc<Vec<cus_core::convention::Segment>>,
    i: usize,
    f: impl Fn(&mut cus_core::convention::Segment, String) + 'static,
) -> Callback<Event> {
    let update = update.clone();
    let segments = segments.clone();
    let f = Rc::new(f);
    Callback::from(move |e: Event| {
        let value = match e.target_dyn_into::<web_sys::HtmlInputElement>() {
            Some(input) if input.type_() == "checkbox" => input.checked().to_string(),
            Some(input) => input.value(),
            None => e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value(),
        };
        let mut list = (*segments).clone();
        if let Some(s) = list.get_mut(i) {
            f(s, value);
            update.emit(Edit::SetSegments(list));
        }
    })
}

/// The *segments de patrimoine* of a 1st-generation convention (CCH art. R. 445-2-1 in its 2009
/// wording): name, département, in ZUS or not, category of classification.
#[function_component(SegmentsEditor)]
pub(super) fn segments_editor(props: &SegmentsProps) -> Html {
    let conv = &props.draft;
    let geo = conv.referential();
    let segments = Rc::new(conv.segments.clone());
    let on_add = {
        let update = props.update.clone();
        let segments = segments.clone();
        let first_departement = conv.departements.first().cloned().unwrap_or_default();
        Callback::from(move |_| {
            let mut list = (*segments).clone();
            let mut n = list.len() + 1;
            while list.iter().any(|s| s.id == format!("S{n}")) {
                n += 1;
            }
            list.push(cus_core::convention::Segment {
                id: format!("S{n}"),
                name: String::new(),
                departement: first_departement.clone(),
                zus: false,
                category: None,
            });
            update.emit(Edit::SetSegments(list));
        })
    };
    html! {
        <section class="segments" aria-labelledby="titre-segments">
            <h3 id="titre-segments">{ format!("Segments de patrimoine ({})", conv.segments.len()) }</h3>
            <p class="aide">{ "En 1re génération, certains indicateurs (ventes, occupation sociale) se déclinent par segment de patrimoine défini par l'organisme." }</p>
            if !conv.segments.is_empty() {
                <table class="tableau-segments">
                    <caption class="sr-only">{ "Segments de patrimoine" }</caption>
                    <thead><tr>
                        <th scope="col">{ "Identifiant" }</th><th scope="col">{ "Nom" }</th>
                        <th scope="col">{ "Département" }</th><th scope="col">{ "En ZUS" }</th>
                        <th scope="col">{ "Catégorie de classement" }</th><th scope="col"><span class="sr-only">{ "Actions" }</span></th>
                    </tr></thead>
                    <tbody>
                        { for conv.segments.iter().enumerate().map(|(i, s)| {
                            let remove = {
                                let update = props.update.clone();
                                {
                                    let segments = segments.clone();
                                    Callback::from(move |_| {
                                        let mut list = (*segments).clone();
                                        if i < list.len() {
                                            list.remove(i);
                                            update.emit(Edit::SetSegments(list));
                                        }
                                    })
                                }
                            };
                            html! {
                                <tr>
                                    <td><input type="text" aria-label={format!("Identifiant du segment {}", i + 1)} value={s.id.clone()} size="6"
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.id = v.trim().to_string())} /></td>
                                    <td><input type="text" aria-label={format!("Nom du segment {}", i + 1)} value={s.name.clone()}
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.name = v)} /></td>
                                    <td>
                                        <select aria-label={format!("Département du segment {}", i + 1)}
                                            onchange={edit_segment(&props.update, &segments, i, |s, v| s.departement = v)}>
                                            { for conv.departements.iter().map(|d| html! {
                                                <option value={d.clone()} selected={*d == s.departement}>
                                                    { geo.and_then(|g| g.departement(d)).map(|x| x.label()).unwrap_or_else(|| d.clone()) }
                                                </option>
                                            }) }
                                            if !conv.departements.contains(&s.departement) {
                                                <option value={s.departement.clone()} selected=true>{ format!("{} (non déclaré)", s.departement) }</option>
                                            }
                                        </select>
                                    </td>
                                    <td><input type="checkbox" aria-label={format!("Segment {} en ZUS", i + 1)} checked={s.zus}
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.zus = v == "true")} /></td>
                                    <td><input type="text" aria-label={format!("Catégorie de classement du segment {}", i + 1)}
                                        value={s.category.clone().unwrap_or_default()} size="10"
                                        onchange={edit_segment(&props.update, &segments, i, |s, v| s.category = Some(v.trim().to_string()).filter(|v| !v.is_empty()))} /></td>
                                    <td><button type="button" class="lien-bouton" aria-label={format!("Supprimer le segment {}", s.id)} onclick={remove}>{ "Supprimer" }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            <button type="button" class="bouton bouton-secondaire" onclick={on_add} disabled={conv.departements.is_empty()}>{ "Ajouter un segment" }</button>
            if conv.departements.is_empty() {
                <p class="aide">{ "Déclarez d'abord les départements." }</p>
            }
        </section>
    }
}

pub(super) fn fmt_int(n: u64) -> String {
    cus_core::numfmt::format_fr(n as f64, 0)
}
