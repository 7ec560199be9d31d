//! Browser local storage, reduced to what the app needs. Every failure (storage disabled, full,
//! private mode) is returned as a French message: the app then keeps working in memory.

fn local_storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| {
            "Le stockage local du navigateur est indisponible : vos données restent en mémoire \
             le temps de la session."
                .to_string()
        })
}

pub fn get(key: &str) -> Result<Option<String>, String> {
    local_storage()?
        .get_item(key)
        .map_err(|_| "Le stockage local du navigateur n'a pas pu être lu.".to_string())
}

pub fn set(key: &str, value: &str) -> Result<(), String> {
    local_storage()?.set_item(key, value).map_err(|_| {
        "Le stockage local du navigateur est plein ou refuse l'enregistrement : libérez de la \
         place ou exportez votre travail."
            .to_string()
    })
}
