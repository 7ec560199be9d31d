//! "Comprendre les indicateurs": every indicator of every catalogue, generated from the data,
//! with search by code or keyword, and loading of a newer catalogue file at run time.

use std::collections::HashSet;

use cus_core::catalogue::{self, CardLookup, Catalogue, Generation, Indicator, ValueKind, Wording};
use cus_core::convention::CatalogueRef;
use cus_core::diagnostic::Diagnostic;
use yew::prelude::*;

use crate::catalogues::{catalogue_key, default_catalogue, Catalogues};
use crate::route::{CardLink, Route, TrainRoute};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub catalogues: Catalogues,
    /// The card a deep link leads to (scrolled to, highlighted, its sources open).
    pub focus: Option<CardLink>,
    pub on_loaded: Callback<Catalogue>,
}

/// Outcome of loading a catalogue file, shown under the file input.
#[derive(Clone, PartialEq)]
enum LoadStatus {
    None,
    Loaded(String),
    Failed(Vec<Diagnostic>),
}

/// Which catalogues the page shows.
#[derive(Clone, Debug, PartialEq)]
enum Scope {
    All,
    Generation(Generation),
    /// One catalogue, by [`catalogue_key`].
    One(String),
}

impl Scope {
    fn value(&self) -> String {
        match self {
            Scope::All => "tous".to_string(),
            Scope::Generation(Generation::Deuxieme) => "deuxieme".to_string(),
            Scope::Generation(Generation::Premiere) => "premiere".to_string(),
            Scope::One(k) => k.clone(),
        }
    }

    fn from_value(v: &str) -> Scope {
        match v {
            "tous" | "" => Scope::All,
            "deuxieme" => Scope::Generation(Generation::Deuxieme),
            "premiere" => Scope::Generation(Generation::Premiere),
            k => Scope::One(k.to_string()),
        }
    }

    fn shows(&self, c: &Catalogue) -> bool {
        match self {
            Scope::All => true,
            Scope::Generation(g) => c.generation == *g,
            Scope::One(k) => catalogue_key(c) == *k,
        }
    }
}

/// Today's date as `AAAA-MM-JJ` (local clock of the browser).
fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}

/// Where a deep link leads.
fn lookup<'a>(cats: &'a [Catalogue], link: &CardLink) -> CardLookup<'a> {
    catalogue::find_card(cats, &link.catalogue, link.version.as_deref(), &link.code)
}

/// The scope a page opens with: the linked card's catalogue, else the default one.
fn initial_scope(cats: &[Catalogue], focus: Option<&CardLink>) -> Scope {
    if let Some(c) = focus.and_then(|l| lookup(cats, l).catalogue()) {
        return Scope::One(catalogue_key(c));
    }
    match default_catalogue(cats, &today()) {
        Some(c) => Scope::One(catalogue_key(c)),
        None => Scope::All,
    }
}

fn wording_class(w: Wording) -> &'static str {
    match w {
        Wording::Verbatim => "statut statut-verbatim",
        Wording::Partiel => "statut statut-partiel",
        Wording::AConfirmer => "statut statut-a-confirmer",
    }
}

/// A diagnostic on one line, its citation a link to the indicator's card (see [`citation_link`]).
pub fn diagnostic_line(d: &Diagnostic, cat: &CatalogueRef) -> Html {
    html! {
        <>
            { d.head_fr() }
            if d.article.is_some() { { " — " }{ citation_link(d, cat) } }
        </>
    }
}

/// Element id of an indicator's card, unique on the page: two versions of a catalogue share
/// its id and most codes.
pub fn anchor_id(c: &Catalogue, code: &str) -> String {
    format!(
        "ind-{}-{}-{}",
        c.id,
        c.version,
        cus_core::text::normalise(code).replace(' ', "-")
    )
}

/// The citation of a diagnostic (`Diagnostic::article`, « CCH, art. R. 445-5 ») as a link to
/// the card of its indicator in the convention's catalogue, where the source version and the
/// wording status are; plain text when the diagnostic names no indicator; nothing without a
/// citation.
pub fn citation_link(d: &Diagnostic, cat: &CatalogueRef) -> Html {
    let Some(article) = &d.article else {
        return html! {};
    };
    match &d.location.indicator {
        Some(code) => {
            let href = Route::card(&cat.id, &cat.version, code).to_hash();
            html! {
                <a class="diag-article" {href} title="Voir la fiche de l'indicateur : source, version du texte, fiabilité du libellé">{ article }</a>
            }
        }
        None => html! { <span class="diag-article">{ article }</span> },
    }
}

#[function_component(Reference)]
pub fn reference(props: &Props) -> Html {
    let query = use_state(String::new);
    let scope = {
        let cats = props.catalogues.0.clone();
        let focus = props.focus.clone();
        use_state(move || initial_scope(&cats, focus.as_ref()))
    };
    // A new deep link shows its catalogue.
    {
        let scope = scope.clone();
        let cats = props.catalogues.0.clone();
        use_effect_with(props.focus.clone(), move |focus| {
            if focus.is_some() {
                scope.set(initial_scope(&cats, focus.as_ref()));
            }
        });
    }
    let status = use_state(|| LoadStatus::None);
    let cats = &props.catalogues.0;

    // The linked card (catalogue key, code), and what is wrong with the link.
    let found = props.focus.as_ref().map(|l| lookup(cats, l));
    let target: Option<(String, String)> =
        found.and_then(|f| Some((catalogue_key(f.catalogue()?), f.indicator()?.code.clone())));

    let problem = props.focus.as_ref().zip(found).and_then(|(l, f)| {
        f.problem_fr(&l.catalogue, l.version.as_deref(), &l.code)
            .map(|msg| render_link_problem(cats, l, f, msg))
    });

    // Scroll to the linked card once its catalogue is rendered (the scope may change first).
    let pending_scroll = use_mut_ref(|| false);
    {
        let pending = pending_scroll.clone();
        use_effect_with(props.focus.clone(), move |_| *pending.borrow_mut() = true);
    }
    {
        let pending = pending_scroll.clone();
        let anchor = found.and_then(|f| Some(anchor_id(f.catalogue()?, &f.indicator()?.code)));
        use_effect(move || {
            if !*pending.borrow() {
                return;
            }
            let el = anchor.and_then(|a| {
                web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&a))
            });
            if let Some(el) = el {
                el.scroll_into_view();
                *pending.borrow_mut() = false;
            }
        });
    }

    let on_query = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            query.set(input.value());
        })
    };
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            scope.set(Scope::from_value(&sel.value()));
        })
    };
    let search_everywhere = {
        let scope = scope.clone();
        Callback::from(move |_: MouseEvent| scope.set(Scope::All))
    };
    let on_file = {
        let status = status.clone();
        let scope = scope.clone();
        let on_loaded = props.on_loaded.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            let name = file.name();
            let status = status.clone();
            let on_loaded = on_loaded.clone();
            let scope = scope.clone();
            if file.size() > catalogue::MAX_CATALOGUE_BYTES as f64 {
                status.set(LoadStatus::Failed(vec![Diagnostic::error(
                    "E-CAT-TOO-BIG",
                    format!(
                        "Le fichier « {name} » est trop volumineux pour un catalogue (plus de {} Mo).",
                        catalogue::MAX_CATALOGUE_BYTES / (1024 * 1024)
                    ),
                    Default::default(),
                )]));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let text = text.ok().and_then(|v| v.as_string());
                let result = match text {
                    Some(t) => load_catalogue_file(&t, &name),
                    None => Err(vec![Diagnostic::error(
                        "E-FILE-READ",
                        format!("Le navigateur n'a pas pu lire le fichier « {name} »."),
                        Default::default(),
                    )]),
                };
                match result {
                    Ok(c) => {
                        status.set(LoadStatus::Loaded(format!(
                            "Catalogue « {} » (version {}) chargé : {} indicateurs. Il est conservé dans ce navigateur.",
                            c.title,
                            c.version,
                            c.indicators.len()
                        )));
                        scope.set(Scope::One(catalogue_key(&c)));
                        on_loaded.emit(c);
                    }
                    Err(d) => status.set(LoadStatus::Failed(d)),
                }
            });
        })
    };

    let hits: HashSet<(usize, usize)> = catalogue::search(cats, &query).into_iter().collect();
    let shown: Vec<(usize, &Catalogue)> = cats
        .iter()
        .enumerate()
        .filter(|(_, c)| scope.shows(c))
        .collect();
    let count: usize = shown
        .iter()
        .map(|(ci, c)| {
            (0..c.indicators.len())
                .filter(|ii| hits.contains(&(*ci, *ii)))
                .count()
        })
        .sum();
    // Indicators matching the search in the catalogues not shown: say so, with a way to them.
    let elsewhere = if query.trim().is_empty() {
        0
    } else {
        hits.iter()
            .filter(|(ci, _)| !scope.shows(&cats[*ci]))
            .count()
    };
    let current = (*scope).clone();
    let option = |s: Scope, label: String| {
        html! { <option value={s.value()} selected={current == s}>{ label }</option> }
    };

    html! {
        <div class="page reference">
            <h1 id="titre-page" tabindex="-1">{ "Comprendre les indicateurs" }</h1>
            { problem.unwrap_or_default() }
            <p class="chapo">
                { "Les indicateurs de performance des conventions d'utilité sociale, tels que le code de la construction et de l'habitation les définit, pour chaque génération et chaque type de CUS. Chaque fiche indique sa source et le statut de son libellé :" }
            </p>
            <ul class="legende">
                <li><span class={wording_class(Wording::Verbatim)}>{ Wording::Verbatim.label_fr() }</span>{ " : texte recopié mot pour mot ;" }</li>
                <li><span class={wording_class(Wording::Partiel)}>{ Wording::Partiel.label_fr() }</span>{ " : texte officiel lu en partie, la suite est reconstituée ;" }</li>
                <li><span class={wording_class(Wording::AConfirmer)}>{ Wording::AConfirmer.label_fr() }</span>{ " : texte officiel non retrouvé, définition la mieux étayée, à vérifier." }</li>
            </ul>
            <form class="filtres" role="search" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <div class="champ">
                    <label for="recherche">{ "Rechercher un indicateur (code ou mot-clé)" }</label>
                    <input id="recherche" type="search" value={(*query).clone()} oninput={on_query}
                        placeholder="ex. PP-1, PLAI, attributions, énergie" autocomplete="off" />
                </div>
                <div class="champ">
                    <label for="catalogue">{ "Catalogue" }</label>
                    <select id="catalogue" onchange={on_scope}>
                        <optgroup label="Un catalogue">
                            { for cats.iter().map(|c| option(Scope::One(catalogue_key(c)), c.title.clone())) }
                        </optgroup>
                        <optgroup label="Plusieurs catalogues">
                            { option(Scope::Generation(Generation::Deuxieme), "Tous les catalogues de 2e génération".into()) }
                            { option(Scope::Generation(Generation::Premiere), "Tous les catalogues de 1re génération".into()) }
                            { option(Scope::All, "Tous les catalogues".into()) }
                        </optgroup>
                    </select>
                </div>
            </form>
            <p id="nb-resultats" class="nb-resultats" aria-live="polite">
                { results_fr(count, elsewhere) }
            </p>
            if elsewhere > 0 {
                <p><button type="button" id="chercher-partout" onclick={search_everywhere}>{ "Chercher dans tous les catalogues" }</button></p>
            }
            { for shown.iter().map(|(ci, c)| render_catalogue(*ci, c, &hits, target.as_ref())) }
            <section class="encart chargement" aria-labelledby="titre-charger">
                <h2 id="titre-charger">{ "Charger un catalogue plus récent" }</h2>
                <p>{ "Si le décret évolue, un catalogue mis à jour (fichier JSON produit par « cus catalogue --format json ») peut être chargé ici sans mettre à jour l'application. Il est vérifié avant d'être utilisé." }</p>
                <label for="fichier-catalogue">{ "Fichier de catalogue (.json)" }</label>
                <input id="fichier-catalogue" type="file" accept=".json,application/json" onchange={on_file} />
                { render_status(&status) }
            </section>
        </div>
    }
}

/// What is wrong with a deep link, and the ways out: the catalogues that have the code, the
/// list of every indicator.
fn render_link_problem(cats: &[Catalogue], l: &CardLink, f: CardLookup, msg: String) -> Html {
    let shown = f.catalogue().map(catalogue_key);
    let elsewhere: Vec<&Catalogue> = cats
        .iter()
        .filter(|c| c.indicator(&l.code).is_some() && Some(catalogue_key(c)) != shown)
        .collect();
    html! {
        <div id="lien-inconnu" class="message-erreur" role="alert">
            <p>{ msg }</p>
            if !elsewhere.is_empty() && f.indicator().is_none() {
                <p>{ format!("L'indicateur {} figure dans :", l.code) }</p>
                <ul>
                    { for elsewhere.iter().map(|c| html! {
                        <li>
                            <a href={Route::card(&c.id, &c.version, &l.code).to_hash()}>
                                { format!("{} (version {})", c.title, c.version) }
                            </a>
                        </li>
                    }) }
                </ul>
            }
            <p><a href={Route::Reference { focus: None }.to_hash()}>{ "Voir la liste des indicateurs" }</a></p>
        </div>
    }
}

/// « 3 indicateurs », and how many match in the catalogues not shown.
fn results_fr(count: usize, elsewhere: usize) -> String {
    let others = match elsewhere {
        0 => String::new(),
        1 => "1 dans un autre catalogue".to_string(),
        n => format!("{n} dans les autres catalogues"),
    };
    match (count, elsewhere) {
        (0, 0) => "Aucun indicateur ne correspond à la recherche.".to_string(),
        (0, _) => format!("Aucun indicateur ne correspond à la recherche ici, mais {others}."),
        (1, 0) => "1 indicateur".to_string(),
        (n, 0) => format!("{n} indicateurs"),
        (1, _) => format!("1 indicateur, et {others}."),
        (n, _) => format!("{n} indicateurs, et {others}."),
    }
}

/// Parse a loaded file: either one catalogue or the array printed by `cus catalogue --format json`
/// (then its first catalogue must be alone, to keep the action explicit).
fn load_catalogue_file(text: &str, name: &str) -> Result<Catalogue, Vec<Diagnostic>> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        match serde_json_array_single(trimmed) {
            Some(inner) => catalogue::load_json(&inner, name),
            None => Err(vec![Diagnostic::error(
                "E-CAT-SEVERAL",
                format!("Le fichier « {name} » contient plusieurs catalogues : chargez un fichier ne contenant qu'un catalogue (cus catalogue --fichier … --format json)."),
                Default::default(),
            )]),
        }
    } else {
        catalogue::load_json(text, name)
    }
}

/// If `text` is a JSON array of exactly one element, that element's JSON.
fn serde_json_array_single(text: &str) -> Option<String> {
    let v: Vec<serde_json::Value> = serde_json::from_str(text).ok()?;
    (v.len() == 1).then(|| v[0].to_string())
}

fn render_status(status: &LoadStatus) -> Html {
    match status {
        LoadStatus::None => html! {},
        LoadStatus::Loaded(msg) => html! { <p class="message-ok" role="status">{ msg }</p> },
        LoadStatus::Failed(diags) => html! {
            <div class="message-erreur" role="alert">
                <p>{ "Le catalogue n'a pas été chargé :" }</p>
                <ul>{ for diags.iter().map(|d| html! { <li>{ d.to_line_fr() }</li> }) }</ul>
            </div>
        },
    }
}

fn render_catalogue(
    ci: usize,
    c: &Catalogue,
    hits: &HashSet<(usize, usize)>,
    target: Option<&(String, String)>,
) -> Html {
    let visible: Vec<&Indicator> = c
        .indicators
        .iter()
        .enumerate()
        .filter(|(ii, _)| hits.contains(&(ci, *ii)))
        .map(|(_, i)| i)
        .collect();
    if visible.is_empty() {
        return html! {};
    }
    let signing = match &c.signing.until {
        Some(u) => format!("conventions signées du {} au {}", c.signing.from, u),
        None => format!("conventions signées à partir du {}", c.signing.from),
    };
    html! {
        <section class="catalogue" aria-labelledby={format!("cat-{}-{}", c.id, c.version)}>
            <h2 id={format!("cat-{}-{}", c.id, c.version)}>{ &c.title }</h2>
            <p class="catalogue-meta">
                { format!("Catalogue {} version {} ; {} ; {}.", c.id, c.version, c.generation.label_fr(), signing) }
            </p>
            <details class="sources-fiabilite">
                <summary>{ "Sources et fiabilité de ce catalogue" }</summary>
                <p>{ "Textes sur lesquels il repose, et ce qui en a été lu :" }</p>
                <ul>
                    { for c.sources.iter().map(|src| html! {
                        <li>
                            { format!("{} — {}", src.title, src.version) }
                            if let Some(u) = &src.url { { format!(" (lu à l'adresse {u})") } }
                        </li>
                    }) }
                </ul>
                { for c.notes.iter().map(|n| html! { <p class="note">{ n }</p> }) }
            </details>
            { for c.engagements.iter().map(|e| {
                let inds: Vec<&&Indicator> = visible.iter().filter(|i| i.engagement == e.id).collect();
                if inds.is_empty() { return html! {}; }
                html! {
                    <div class="engagement">
                        <h3>{ format!("{} — {}", e.area, e.label) }</h3>
                        { for inds.into_iter().map(|i| render_indicator(c, i, target)) }
                    </div>
                }
            }) }
        </section>
    }
}

fn render_indicator(c: &Catalogue, i: &Indicator, target: Option<&(String, String)>) -> Html {
    let focused = target.is_some_and(|(k, code)| *k == catalogue_key(c) && *code == i.code);
    let link = Route::card(&c.id, &c.version, &i.code).to_hash();
    let levels: Vec<&str> = i.levels.allowed.iter().map(|l| l.label_fr()).collect();
    let mut maille = levels.join(", ");
    if !i.levels.prefect_request.is_empty() {
        let pr: Vec<&str> = i
            .levels
            .prefect_request
            .iter()
            .map(|l| l.label_fr())
            .collect();
        maille.push_str(&format!(" ; à la demande du préfet : {}", pr.join(", ")));
    }
    let value = match &i.value {
        ValueKind::Pourcentage {
            numerator,
            denominator,
        } => {
            format!("pourcentage — numérateur : {numerator} ; dénominateur : {denominator}")
        }
        ValueKind::OuiNon => "oui / non".to_string(),
        ValueKind::Texte => format!(
            "texte ({} caractères au plus)",
            cus_core::numfmt::format_fr(f64::from(i.text_limit().unwrap_or_default()), 0)
        ),
        v => format!("{} ({})", v.kind_fr(), v.unit_fr()),
    };
    html! {
        <article id={anchor_id(c, &i.code)} class={classes!("indicateur", focused.then_some("indicateur-cible"))}>
            <h4><span class="code">{ &i.code }</span>{ " — " }{ &i.short_label }</h4>
            <blockquote class="libelle">{ &i.label }</blockquote>
            <dl class="fiche">
                <dt>{ "Définition" }</dt><dd>{ &i.definition }</dd>
                <dt>{ "Valeur" }</dt><dd>{ value }</dd>
                if !i.unit_choices.is_empty() {
                    <dt>{ "Unités au choix de l'organisme" }</dt>
                    <dd>{ format!("{} (le texte ne fixe pas l'unité ; la pratique des conventions signées en est la source)", i.unit_choices.join(" ; ")) }</dd>
                }
                if let Some(b) = &i.base {
                    <dt>{ "Base (donnée une fois)" }</dt>
                    <dd>{ cus_core::convention::base_label(c, b) }</dd>
                }
                <dt>{ "Périodicité" }</dt><dd>{ i.periods.describe_fr() }</dd>
                if !i.period_choices.is_empty() {
                    <dt>{ "Périodicités au choix de l'organisme" }</dt>
                    <dd>{ i.period_choices.iter().map(|p| p.periods.describe_fr()).collect::<Vec<_>>().join(" ou ") }</dd>
                }
                <dt>{ "Maille territoriale" }</dt><dd>{ maille }</dd>
                { for i.splits.breakdowns.iter().map(|b| html! {
                    <>
                        <dt>{ &b.label }</dt>
                        <dd>{ b.members.iter().map(|m| format!("{} ({})", m.code, m.label)).collect::<Vec<_>>().join(" ; ") }</dd>
                    </>
                }) }
                if !i.splits.parts.is_empty() {
                    <dt>{ "Parts" }</dt>
                    <dd>{ i.splits.parts.iter().map(|p| p.label.as_str()).collect::<Vec<_>>().join(" ; ") }</dd>
                }
                <dt>{ "Caractère" }</dt><dd>{ i.requirement.label_fr() }</dd>
                <dt>{ "Source" }</dt>
                <dd>{ c.citation(i) }</dd>
            </dl>
            { render_reliability(c, i, focused) }
            { render_exercises(c, i) }
            <p class="lien-direct"><a href={link}>{ format!("Lien direct vers {}", i.code) }</a></p>
        </article>
    }
}

/// « Se former »: the embedded exercises about this indicator of this catalogue version (from the
/// index generated at build, `cus_core::formation::INDEX`: titles and steps, not the exercises),
/// and the link to every exercise citing the code, trainers' packs included.
fn render_exercises(c: &Catalogue, i: &Indicator) -> Html {
    let here: Vec<&cus_core::formation::IndexEntry> = cus_core::formation::INDEX
        .iter()
        .filter(|e| c.is(e.catalogue, e.version) && e.code == i.code)
        .collect();
    html! {
        <details class="exercices-fiche">
            <summary>{ format!("Se former sur {} ({} exercice{})", i.code, here.len(), crate::pages::plural_s(here.len())) }</summary>
            if !here.is_empty() {
                <ul>
                    { for here.iter().map(|e| html! {
                        <li><a href={TrainRoute::step(e.module, e.step).to_hash()}>{ e.title }</a></li>
                    }) }
                </ul>
            }
            <p><a href={TrainRoute::about(&i.code).to_hash()}>{ format!("Tous les exercices qui citent {}, packs de formateur compris", i.code) }</a></p>
        </details>
    }
}

/// « Sources et fiabilité » of a card: the wording status and what is uncertain, the version
/// of the text read and how much of it. Research notes live here, never in headings or
/// messages. Open on the card a link leads to.
fn render_reliability(c: &Catalogue, i: &Indicator, open: bool) -> Html {
    let engagement = c.engagement(&i.engagement);
    let src = c.source(&i.source.source);
    html! {
        <details class="sources-fiabilite" open={open}>
            <summary>
                { "Sources et fiabilité " }
                <span class={wording_class(i.wording)}>{ i.wording.label_fr() }</span>
            </summary>
            <ul>
                <li>
                    { format!("Libellé : {}", i.wording.label_fr()) }
                    if let Some(n) = &i.wording_note { { format!(". {n}") } }
                </li>
                if let Some(e) = engagement.filter(|e| e.wording != Wording::Verbatim) {
                    <li>
                        { format!("Intitulé de l'engagement : {}", e.wording.label_fr()) }
                        if let Some(n) = &e.wording_note { { format!(". {n}") } }
                    </li>
                }
                <li>
                    { format!("Texte : {}", c.citation(i)) }
                    if let Some(s) = src { { format!(" — {}, {}", s.title, s.version) } }
                    if let Some(d) = &i.source.detail { { format!(" ; {d}") } }
                </li>
                if let Some(u) = src.and_then(|s| s.url.as_ref()) {
                    <li>{ format!("Lu à l'adresse : {u}") }</li>
                }
            </ul>
        </details>
    }
}
