//! Catalogues available to the app: those embedded in the build, then those the user loaded
//! (kept in local storage, so a reload and every module of the app find them again).

use std::rc::Rc;

use cus_core::catalogue::{self, Catalogue, CusKind, Generation};

/// Catalogues available to the app: those embedded in the build, then those the user loaded.
/// The list never changes in place (a new one is a new `Rc`), so two handles are equal when they
/// share it: props compare by pointer, not catalogue by catalogue.
#[derive(Clone)]
pub struct Catalogues(pub Rc<Vec<Catalogue>>);

impl PartialEq for Catalogues {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Local-storage key of the catalogues loaded by the user (a JSON array).
pub const LOADED_CATALOGUES_KEY: &str = "cus.catalogues-charges";

/// Embedded catalogues, then those loaded earlier in this browser (re-checked; a stored catalogue
/// that no longer passes the checks is skipped with a console warning).
pub fn initial() -> Catalogues {
    let mut list = catalogue::embedded();
    let stored = crate::storage::get(LOADED_CATALOGUES_KEY).ok().flatten();
    let values: Vec<serde_json::Value> = stored
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    for v in values {
        match catalogue::load_json(&v.to_string(), "stockage local") {
            Ok(c) => {
                list.retain(|x| !x.is(&c.id, &c.version));
                list.push(c);
            }
            Err(d) => {
                let msgs: Vec<String> = d.iter().map(|d| d.to_line_fr()).collect();
                web_sys::console::warn_1(
                    &format!(
                        "Catalogue enregistré ignoré car invalide : {}",
                        msgs.join(" ; ")
                    )
                    .into(),
                )
            }
        }
    }
    Catalogues(Rc::new(list))
}

/// Keep the catalogues that are not embedded in the build, so a reload finds them again.
pub fn save_loaded(list: &[Catalogue]) {
    let embedded = catalogue::embedded();
    let extra: Vec<&Catalogue> = list.iter().filter(|c| !embedded.contains(c)).collect();
    if let Ok(json) = serde_json::to_string(&extra) {
        if let Err(msg) = crate::storage::set(LOADED_CATALOGUES_KEY, &json) {
            web_sys::console::warn_1(&msg.into());
        }
    }
}

/// Value identifying one catalogue in the page's selector: `id@version`.
pub fn catalogue_key(c: &Catalogue) -> String {
    format!("{}@{}", c.id, c.version)
}

/// The catalogue the page opens on: the 2nd-generation « logements locatifs » catalogue in force
/// on `today` (ISO date), else the latest one, else the first catalogue.
pub fn default_catalogue<'a>(cats: &'a [Catalogue], today: &str) -> Option<&'a Catalogue> {
    let (g, k) = (Generation::Deuxieme, CusKind::LogementsLocatifs);
    catalogue::select(cats, g, k, Some(today))
        .or_else(|| catalogue::select(cats, g, k, None))
        .or_else(|| cats.first())
}
