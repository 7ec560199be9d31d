//! Components in headless Chromium: `cargo test -p cus-app --target wasm32-unknown-unknown --test web`
//! (runner: wasm-bindgen-test-runner, see .cargo/config.toml).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use gloo_timers::future::sleep;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn text_of(selector: &str) -> String {
    document()
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

/// Waits until `cond` holds (checked every 10 ms, at most 5 s), else fails saying `what`: the
/// tests wait on what they expect, never on a fixed delay.
async fn until(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..500 {
        if cond() {
            return;
        }
        sleep(Duration::from_millis(10)).await;
    }
    panic!("still waiting after 5 s: {what}");
}

fn exists(selector: &str) -> bool {
    document().query_selector(selector).ok().flatten().is_some()
}

async fn mount_app() -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    cus_app::shell::mount_into(&root);
    let r = root.clone();
    until("the shell renders its page heading", move || {
        r.query_selector("h1").ok().flatten().is_some()
    })
    .await;
    root
}

/// Goes to `hash` and waits for its page: the title of its route set, its heading there.
async fn go(hash: &str) {
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(hash)
        .unwrap();
    let title = cus_app::route::Route::from_hash(hash).title();
    let mounted = exists("h1");
    until(&format!("the page of {hash}"), move || {
        !mounted || (document().title() == title && exists("h1"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn shell_routes_between_the_three_modes() {
    go("#/").await;
    let root = mount_app().await;
    assert_eq!(
        text_of("h1"),
        "Les indicateurs de votre convention d'utilité sociale"
    );
    let nav: Vec<String> = {
        let list = root.query_selector_all("nav a").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(
        nav,
        [
            "Remplir ma CUS",
            "Évaluer ma CUS",
            "Simuler sur mon territoire",
            "Comprendre les indicateurs",
            "Se former"
        ]
    );
    assert!(text_of("footer").contains(&format!("version {}", cus_core::VERSION)));

    for (hash, title) in [
        ("#/remplir", "Remplir ma CUS"),
        ("#/simuler", "Simuler sur mon territoire"),
        ("#/comprendre", "Comprendre les indicateurs"),
        ("#/nimporte-quoi", "Page introuvable"),
    ] {
        go(hash).await;
        until(&format!("the heading of {hash}"), || text_of("h1") == title).await;
        assert_eq!(
            document().title(),
            cus_app::route::Route::from_hash(hash).title()
        );
    }
    go("#/remplir").await;
    assert_eq!(text_of("nav a[aria-current=page]"), "Remplir ma CUS");
    // Moving to another page puts the focus on its heading.
    until("the focus on the page's heading", || {
        document()
            .active_element()
            .is_some_and(|e| e.id() == "titre-page")
    })
    .await;
    root.remove();
}

fn texts(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

fn select_value(id: &str, value: &str) {
    let sel: web_sys::HtmlSelectElement =
        document().get_element_by_id(id).unwrap().unchecked_into();
    sel.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    sel.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

fn type_in(id: &str, value: &str) {
    let input: web_sys::HtmlInputElement =
        document().get_element_by_id(id).unwrap().unchecked_into();
    input.set_value(value);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let ev = web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&ev).unwrap();
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 indicateur".to_string()
    } else {
        format!("{n} indicateurs")
    }
}

#[wasm_bindgen_test]
async fn reference_page_filters_indicators_from_the_catalogue() {
    go("#/comprendre").await;
    let root = mount_app().await;
    let cats = cus_core::catalogue::embedded();
    // Opens on the 2nd-generation « logements locatifs » catalogue in force today.
    let today: String = js_sys::Date::new_0().to_iso_string().into();
    let current = cus_app::catalogues::default_catalogue(&cats, &today[..10]).unwrap();
    assert_eq!(
        current.generation,
        cus_core::catalogue::Generation::Deuxieme
    );
    assert_eq!(
        current.kind,
        cus_core::catalogue::CusKind::LogementsLocatifs
    );
    assert!(current.signing.until.is_none(), "the current wording");
    assert_eq!(
        texts(&root, "section.catalogue h2"),
        std::slice::from_ref(&current.title)
    );
    assert_eq!(
        texts(&root, "article.indicateur").len(),
        current.indicators.len()
    );
    assert_eq!(text_of("#nb-resultats"), plural(current.indicators.len()));

    // Every catalogue on demand.
    select_value("catalogue", "tous");
    let all: usize = cats.iter().map(|c| c.indicators.len()).sum();
    until("every catalogue listed", || {
        texts(&root, "article.indicateur").len() == all
    })
    .await;
    assert_eq!(texts(&root, "article.indicateur").len(), all);
    assert_eq!(text_of("#nb-resultats"), plural(all));

    type_in("recherche", "pp1");
    let expected = cus_core::catalogue::search(&cats, "pp1").len();
    until("the search applied", || {
        texts(&root, "article.indicateur").len() == expected
    })
    .await;
    assert!(expected >= 1);
    assert_eq!(
        texts(&root, "article.indicateur .code"),
        vec!["PP-1".to_string(); expected]
    );
    assert_eq!(text_of("#nb-resultats"), plural(expected));

    // In one catalogue, the matches elsewhere are counted, with a way to them.
    select_value("catalogue", &cus_app::catalogues::catalogue_key(current));
    until("one catalogue listed", || {
        texts(&root, "article.indicateur .code").len() == 1
    })
    .await;
    assert_eq!(
        text_of("#nb-resultats"),
        match expected - 1 {
            1 => "1 indicateur, et 1 dans un autre catalogue.".to_string(),
            n => format!("1 indicateur, et {n} dans les autres catalogues."),
        }
    );
    let button: web_sys::HtmlElement = document()
        .get_element_by_id("chercher-partout")
        .unwrap()
        .unchecked_into();
    button.click();
    until("the matches of every catalogue listed", || {
        texts(&root, "article.indicateur .code").len() == expected
    })
    .await;

    type_in("recherche", "zzz introuvable");
    until("nothing matches", || {
        texts(&root, "article.indicateur").is_empty()
    })
    .await;
    assert_eq!(
        text_of("#nb-resultats"),
        "Aucun indicateur ne correspond à la recherche."
    );
    root.remove();
}

/// Research notes (« non retrouvé », « à confirmer », « extrait lu », « FRONTIÈRE ») are in the
/// « Sources et fiabilité » sections, never in a heading; each card has one.
#[wasm_bindgen_test]
async fn reference_headings_carry_no_research_note() {
    go("#/comprendre").await;
    let root = mount_app().await;
    select_value("catalogue", "tous");
    until("every catalogue listed", || {
        texts(&root, "section.catalogue").len() > 1
    })
    .await;
    let headings = texts(&root, "h1, h2, h3, h4, .chapo, .catalogue-meta");
    assert!(headings.len() > 30);
    for h in &headings {
        let f = h.to_lowercase();
        for p in [
            "non retrouvé",
            "à confirmer",
            "extrait lu",
            "frontière",
            "non lu",
        ] {
            assert!(!f.contains(p), "« {p} » in the heading « {h} »");
        }
    }
    let cards = texts(&root, "article.indicateur").len();
    assert_eq!(
        texts(&root, "article.indicateur > details.sources-fiabilite").len(),
        cards
    );
    // The research notes are still there, under « Sources et fiabilité ».
    let notes = texts(&root, "details.sources-fiabilite").join(" ");
    assert!(notes.contains("non retrouvé"));
    assert!(notes.contains("extrait lu"));
    root.remove();
}

fn ids_on_the_page() -> Vec<String> {
    let list = document().query_selector_all("[id]").unwrap();
    (0..list.length())
        .map(|i| {
            list.item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .id()
        })
        .collect()
}

/// Two versions of a catalogue share its id: a deep link names the version and lands on that
/// version's card; a link without a version opens the current one; no element id is repeated.
#[wasm_bindgen_test]
async fn deep_links_name_the_catalogue_version() {
    let cats = cus_core::catalogue::embedded();
    // A catalogue id with two versions, and a code both have.
    let (old, current) = cats
        .iter()
        .find_map(|c| {
            let latest = cus_core::catalogue::latest(&cats, &c.id)?;
            (latest.version != c.version).then_some((c.clone(), latest.clone()))
        })
        .expect("a catalogue with two versions");
    let code = old
        .indicators
        .iter()
        .find(|i| current.indicator(&i.code).is_some())
        .unwrap()
        .code
        .clone();

    go(&cus_app::route::Route::card(&old.id, &old.version, &code).to_hash()).await;
    let root = mount_app().await;
    until("the old version's catalogue", || {
        texts(&root, "section.catalogue h2") == std::slice::from_ref(&old.title)
    })
    .await;
    let target = root
        .query_selector("article.indicateur-cible")
        .unwrap()
        .unwrap();
    assert_eq!(
        target
            .query_selector(".code")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        code
    );
    let id = target.id();
    assert!(id.contains(&old.version), "{id}");
    assert!(target
        .query_selector("details.sources-fiabilite[open]")
        .unwrap()
        .is_some());

    // Without a version: the current one.
    go(&format!(
        "#/comprendre/{}/{}",
        current.id,
        code.replace(' ', "%20")
    ))
    .await;
    until("the current version's catalogue", || {
        texts(&root, "section.catalogue h2") == std::slice::from_ref(&current.title)
    })
    .await;
    let target = root
        .query_selector("article.indicateur-cible")
        .unwrap()
        .unwrap();
    assert!(target.id().contains(&current.version), "{}", target.id());

    // Every catalogue at once: no element id twice.
    select_value("catalogue", "tous");
    until("every catalogue listed", || {
        texts(&root, "section.catalogue").len() > 1
    })
    .await;
    let ids = ids_on_the_page();
    let mut seen = std::collections::HashSet::new();
    let dups: Vec<&String> = ids.iter().filter(|i| !seen.insert(*i)).collect();
    assert!(ids.len() > 40, "{} ids", ids.len());
    assert!(dups.is_empty(), "duplicate ids: {dups:?}");
    root.remove();
}

/// A link to a card that does not exist says what is wrong, in French, with a way out; the
/// page still lists the indicators of the catalogue named.
#[wasm_bindgen_test]
async fn a_wrong_card_link_says_what_is_wrong() {
    let cats = cus_core::catalogue::embedded();
    let today: String = js_sys::Date::new_0().to_iso_string().into();
    let current = cus_app::catalogues::default_catalogue(&cats, &today[..10]).unwrap();
    let code = "ZZ-9";
    assert!(cats.iter().all(|c| c.indicator(code).is_none()));
    go(&cus_app::route::Route::card(&current.id, &current.version, code).to_hash()).await;
    let root = mount_app().await;
    until("the notice of the wrong link", || exists("#lien-inconnu")).await;
    let msg = text_of("#lien-inconnu");
    assert!(
        msg.starts_with(&format!(
            "L'indicateur {code} n'existe pas dans ce catalogue ({}, version {})",
            current.title, current.version
        )),
        "{msg}"
    );
    assert_eq!(
        document()
            .query_selector("#lien-inconnu[role=alert] a")
            .unwrap()
            .unwrap()
            .get_attribute("href")
            .unwrap(),
        "#/comprendre"
    );
    assert_eq!(
        texts(&root, "section.catalogue h2"),
        std::slice::from_ref(&current.title)
    );
    assert!(root
        .query_selector("article.indicateur-cible")
        .unwrap()
        .is_none());

    // A code of another catalogue: links to where it is.
    let other = cats
        .iter()
        .find(|c| {
            c.id != current.id
                && c.indicators
                    .iter()
                    .all(|i| current.indicator(&i.code).is_none())
        })
        .unwrap();
    let elsewhere = &other.indicators[0].code;
    go(&cus_app::route::Route::card(&current.id, &current.version, elsewhere).to_hash()).await;
    until("the links to the catalogues holding it", || {
        exists("#lien-inconnu li a")
    })
    .await;
    let links: Vec<String> = {
        let list = root.query_selector_all("#lien-inconnu li a").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .unchecked_into::<web_sys::Element>()
                    .get_attribute("href")
                    .unwrap()
            })
            .collect()
    };
    assert!(
        links
            .contains(&cus_app::route::Route::card(&other.id, &other.version, elsewhere).to_hash()),
        "{links:?}"
    );

    // An unknown version: the current one, with its card, and the notice.
    go(
        &cus_app::route::Route::card(&current.id, "1999.1.0", &current.indicators[0].code)
            .to_hash(),
    )
    .await;
    until("the notice of the unknown version", || {
        exists("#lien-inconnu")
            && text_of("#lien-inconnu").starts_with("La version 1999.1.0 du catalogue")
    })
    .await;
    assert!(root
        .query_selector("article.indicateur-cible")
        .unwrap()
        .is_some());

    // An unknown catalogue.
    go("#/comprendre/cus9-inconnu/PP-1").await;
    until("the notice of the unknown catalogue", || {
        exists("#lien-inconnu")
            && text_of("#lien-inconnu").starts_with("Le catalogue « cus9-inconnu »")
    })
    .await;
    assert!(text_of("#lien-inconnu").starts_with("Le catalogue « cus9-inconnu » n'existe pas"));
    assert!(!texts(&root, "article.indicateur").is_empty());

    // The way out: the list, without the message.
    go("#/comprendre").await;
    until("the notice gone", || !exists("#lien-inconnu")).await;
    assert!(!texts(&root, "article.indicateur").is_empty());
    root.remove();
}

#[derive(yew::Properties, PartialEq)]
struct LineProps {
    d: cus_core::diagnostic::Diagnostic,
    cat: cus_core::convention::CatalogueRef,
}

#[yew::function_component(Line)]
fn line(p: &LineProps) -> yew::Html {
    yew::html! { <p id="ligne-test">{ cus_app::diagnostic_line(&p.d, &p.cat) }</p> }
}

/// A diagnostic's citation is short and links to its indicator's card in the convention's
/// catalogue version.
#[wasm_bindgen_test]
async fn a_diagnostic_citation_links_to_the_card() {
    let cats = cus_core::catalogue::embedded();
    let cat = cats.iter().find(|c| c.signing.until.is_some()).unwrap();
    let ind = &cat.indicators[0];
    let d = cat.cite(
        cus_core::diagnostic::Diagnostic::warning(
            "W-TEST",
            "Valeur à vérifier.",
            cus_core::diagnostic::Location {
                indicator: Some(ind.code.clone()),
                ..Default::default()
            },
        ),
        ind,
    );
    let cref = cus_core::convention::CatalogueRef {
        id: cat.id.clone(),
        version: cat.version.clone(),
    };
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let app = yew::Renderer::<Line>::with_root_and_props(
        host.clone(),
        LineProps {
            d: d.clone(),
            cat: cref,
        },
    )
    .render();
    until("the line rendered", || exists("#ligne-test")).await;
    assert_eq!(text_of("#ligne-test"), d.to_line_fr());
    let a = host.query_selector("a.diag-article").unwrap().unwrap();
    assert_eq!(a.text_content().unwrap(), cat.citation(ind));
    assert_eq!(
        a.get_attribute("href").unwrap(),
        cus_app::route::Route::card(&cat.id, &cat.version, &ind.code).to_hash()
    );
    assert!(cat.citation(ind).chars().count() <= 40);
    app.destroy();
    host.remove();
}

/// « Remplir ma CUS » is its own app (a second module in the build, the same crate here):
/// mounted on its host, it follows the route, and `destroy` empties the host.
#[wasm_bindgen_test]
async fn remplir_app_mounts_follows_the_route_and_is_destroyed() {
    go("#/remplir/convention").await;
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let mounted = cus_app::remplir::mount(host.clone(), false);
    // The draft is read from IndexedDB first (asynchronous).
    let h = host.clone();
    until("« Remplir » shows its steps", move || {
        h.query_selector(".menu-etapes").unwrap().is_some()
    })
    .await;
    assert!(host.query_selector("#catalogue").unwrap().is_some());
    go("#/remplir/territoires").await;
    let h = host.clone();
    until("the territories step", move || {
        h.query_selector("#recherche-territoire").unwrap().is_some()
    })
    .await;
    mounted.destroy();
    let h = host.clone();
    until("the host emptied", move || h.child_element_count() == 0).await;
    host.remove();
}

#[wasm_bindgen_test]
fn panic_banner_is_french_and_announced() {
    cus_app::panic::show_banner();
    cus_app::panic::show_banner(); // idempotent
    let banners = document().query_selector_all("#panne").unwrap();
    assert_eq!(banners.length(), 1);
    let banner = document().get_element_by_id("panne").unwrap();
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner.text_content().unwrap().contains("Rechargez la page"));
    assert_eq!(text_of("#panne button"), "Recharger la page");
    banner.remove();
}
