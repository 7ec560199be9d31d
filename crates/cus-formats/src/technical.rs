//! French explanations of the errors of the libraries the imports rely on (zip, calamine and the
//! quick-xml it wraps, serde_json, csv). Every reason an import returns is French: what is wrong
//! with the file, in which part; the library's own English text is kept only as a short
//! `(détail technique : …)` at the end, when it can help someone who investigates.

use std::fmt::Display;

/// The opening of the technical detail; the only place where a library's English may appear.
pub const DETAIL: &str = "(détail technique : ";

/// ` (détail technique : …)`: the first line of a library's message, 100 characters at most.
pub fn detail(e: impl Display) -> String {
    let text = e.to_string();
    let line = text.lines().next().unwrap_or_default().trim();
    let mut short: String = line.chars().take(100).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    // A parenthesis of the detail would end it early for a reader.
    let short = short.replace(['(', ')'], "");
    format!(" {DETAIL}{short})")
}

/// What is wrong with a zip archive (a workbook is one).
pub fn zip(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError as Z;
    match e {
        Z::Io(_) => {
            "la lecture de l'archive zip s'interrompt : le fichier est tronqué ou abîmé".to_string()
        }
        Z::InvalidArchive(_) => "ce n'est pas une archive zip complète (tout classeur en est \
                                 une) : le fichier est tronqué (téléchargement ou copie \
                                 interrompus), abîmé, ou c'est un autre type de fichier renommé"
            .to_string(),
        Z::UnsupportedArchive(_) | Z::CompressionMethodNotSupported(_) => {
            "l'archive utilise un chiffrement ou une compression que l'application ne lit pas \
             (classeur protégé par un mot de passe ?)"
                .to_string()
        }
        Z::InvalidPassword => "le classeur est protégé par un mot de passe".to_string(),
        Z::FileNotFound => "une partie attendue manque dans l'archive".to_string(),
        _ => "l'archive zip est illisible".to_string(),
    }
}

/// What calamine could not read in an ODS file.
pub fn ods(e: &calamine::OdsError) -> String {
    use calamine::OdsError as E;
    match e {
        E::Io(_) => "la lecture s'interrompt : le fichier est tronqué ou abîmé".to_string(),
        E::Zip(z) => zip(z),
        E::Password => "le classeur est protégé par un mot de passe".to_string(),
        E::InvalidMime(_) => "l'archive n'annonce pas un classeur OpenDocument (ODS)".to_string(),
        E::FileNotFound(part) => format!("la partie « {part} » manque dans l'archive"),
        E::WorksheetNotFound(name) => format!("la feuille « {name} » est introuvable"),
        E::CellLimitExceeded { .. } => "une feuille compte trop de cellules".to_string(),
        E::Parse(_) | E::ParseInt(_) | E::ParseFloat(_) | E::ParseBool(_) => {
            "une valeur de cellule est mal écrite (nombre, date ou booléen)".to_string()
        }
        _ => xml_reason(),
    }
}

/// What calamine could not read in an XLSX file.
pub fn xlsx(e: &calamine::XlsxError) -> String {
    use calamine::XlsxError as E;
    match e {
        E::Io(_) => "la lecture s'interrompt : le fichier est tronqué ou abîmé".to_string(),
        E::Zip(z) => zip(z),
        E::Password => "le classeur est protégé par un mot de passe".to_string(),
        E::FileNotFound(part) => format!("la partie « {part} » manque dans l'archive"),
        E::RelationshipNotFound => {
            "les liens entre les parties du classeur (fichiers .rels) manquent".to_string()
        }
        E::WorksheetNotFound(name) => format!("la feuille « {name} » est introuvable"),
        E::Parse(_) | E::ParseInt(_) | E::ParseFloat(_) => {
            "une valeur de cellule est mal écrite (nombre, date ou booléen)".to_string()
        }
        E::Alphanumeric(_)
        | E::NumericColumn(_)
        | E::RangeWithoutColumnComponent
        | E::RangeWithoutRowComponent
        | E::ColumnNumberOverflow
        | E::RowNumberOverflow
        | E::DimensionCount(_) => {
            "une référence de cellule (A1, B7…) est mal écrite ou hors des limites".to_string()
        }
        E::CellTAttribute(_) | E::Unrecognized { .. } => {
            "une cellule ou une feuille a un type inconnu".to_string()
        }
        _ => xml_reason(),
    }
}

fn xml_reason() -> String {
    "le XML d'une partie du classeur est mal formé ou incomplet : fichier abîmé, ou modifié par \
     un outil qui ne respecte pas le format"
        .to_string()
}

/// A serde_json message, without its position (given separately), in French; the second
/// member is true when the English text is worth keeping as a detail.
pub fn json(e: &serde_json::Error) -> (String, bool) {
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => &s,
    };
    match json_message(s) {
        Some(fr) => (fr, false),
        // A message of the application's own types (territories, values) is French already.
        None if !s.is_ascii() => (s.to_string(), false),
        None => ("contenu illisible".to_string(), true),
    }
}

/// The names between backquotes in a serde message (`a`, `b`).
fn quoted(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn json_message(s: &str) -> Option<String> {
    let syntax = [
        (
            "expected `:`",
            "deux-points « : » attendu après le nom d'un champ",
        ),
        (
            "expected `,` or `]`",
            "virgule ou crochet fermant « ] » attendu",
        ),
        (
            "expected `,` or `}`",
            "virgule ou accolade fermante « } » attendue",
        ),
        (
            "expected ident",
            "mot inconnu : sans guillemets, seuls true, false et null sont admis",
        ),
        (
            "expected value",
            "valeur attendue (nombre, texte entre guillemets, true, false, null, objet ou liste)",
        ),
        ("expected `\"`", "guillemet « \" » attendu"),
        (
            "invalid escape",
            "échappement incorrect après « \\ » dans un texte",
        ),
        ("invalid number", "nombre mal écrit"),
        ("number out of range", "nombre hors des limites"),
        ("invalid unicode code point", "caractère Unicode incorrect"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "caractère de contrôle dans un texte (un saut de ligne s'écrit \\n)",
        ),
        (
            "key must be a string",
            "un nom de champ doit être entre guillemets",
        ),
        (
            "key must be a number",
            "un nom de champ doit être un nombre",
        ),
        (
            "lone leading surrogate in hex escape",
            "échappement \\u incomplet",
        ),
        ("unexpected end of hex escape", "échappement \\u incomplet"),
        ("trailing comma", "virgule en trop avant la fermeture"),
        ("trailing characters", "du texte suit la fin du document"),
        ("recursion limit exceeded", "imbrication trop profonde"),
        (
            "EOF while parsing a list",
            "le document s'arrête au milieu d'une liste",
        ),
        (
            "EOF while parsing an object",
            "le document s'arrête au milieu d'un objet",
        ),
        (
            "EOF while parsing a string",
            "le document s'arrête au milieu d'un texte",
        ),
        (
            "EOF while parsing a value",
            "le document s'arrête avant une valeur",
        ),
    ];
    if let Some((_, fr)) = syntax.iter().find(|(en, _)| *en == s) {
        return Some((*fr).to_string());
    }
    let names = quoted(s);
    let list = |v: &[&str]| v.join(", ");
    if s.starts_with("unknown field ") {
        let admitted = names.get(1..).unwrap_or_default();
        return Some(if admitted.is_empty() {
            format!("champ « {} » inconnu", names.first()?)
        } else {
            format!(
                "champ « {} » inconnu (champs admis : {})",
                names.first()?,
                list(admitted)
            )
        });
    }
    if s.starts_with("unknown variant ") {
        return Some(format!(
            "valeur « {} » inconnue (valeurs admises : {})",
            names.first()?,
            list(names.get(1..).unwrap_or_default())
        ));
    }
    if s.starts_with("missing field ") {
        return Some(format!("champ obligatoire « {} » absent", names.first()?));
    }
    if s.starts_with("duplicate field ") {
        return Some(format!("champ « {} » en double", names.first()?));
    }
    if let Some(rest) = s.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "{} là où est attendu {}",
            found_fr(found),
            expected_fr(expected)
        ));
    }
    if let Some(rest) = s.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "{} impossible ici ; attendu : {}",
            found_fr(found),
            expected_fr(expected)
        ));
    }
    if let Some(rest) = s.strip_prefix("invalid length ") {
        let (n, expected) = rest.split_once(", expected ")?;
        return Some(format!(
            "liste de {n} éléments ; attendu : {}",
            expected_fr(expected)
        ));
    }
    None
}

/// serde's `Unexpected` in French (`string "abc"` → `le texte « abc »`).
fn found_fr(s: &str) -> String {
    let inner = |p: &str| {
        s.strip_prefix(p)
            .map(|r| r.trim_matches(['`', '"']).to_string())
    };
    if let Some(t) = inner("string ") {
        return format!("le texte « {t} »");
    }
    for p in ["integer ", "floating point "] {
        if let Some(n) = inner(p) {
            return format!("le nombre {n}");
        }
    }
    if let Some(b) = inner("boolean ") {
        return format!("la valeur {b}");
    }
    match s {
        "null" | "unit value" | "unit" => "null".to_string(),
        "map" => "un objet { … }".to_string(),
        "sequence" => "une liste [ … ]".to_string(),
        _ => "une valeur d'un autre type".to_string(),
    }
}

/// serde's `expected` in French (`u16` → `un nombre entier`).
fn expected_fr(s: &str) -> String {
    match s {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" | "isize" => {
            "un nombre entier".to_string()
        }
        "f32" | "f64" => "un nombre".to_string(),
        "a string" | "a borrowed string" | "a char" => "un texte entre guillemets".to_string(),
        "a boolean" => "true ou false".to_string(),
        "a sequence" | "a tuple" => "une liste [ … ]".to_string(),
        "a map" => "un objet { … }".to_string(),
        "unit" => "null".to_string(),
        _ if s.starts_with("struct ") => "un objet { … }".to_string(),
        _ if s.starts_with("enum ") || s.starts_with("variant ") => {
            "une des valeurs admises".to_string()
        }
        _ if s.starts_with("one of ") => {
            format!("une des valeurs {}", quoted(s).join(", "))
        }
        // The application's own types say it in French.
        _ if !s.is_ascii() => s.to_string(),
        _ => "une valeur d'un autre type".to_string(),
    }
}

/// What the CSV reader could not read on a line.
pub fn csv(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(_) => {
            "la lecture s'interrompt : le fichier est tronqué ou abîmé".to_string()
        }
        csv::ErrorKind::Utf8 { .. } => {
            "un caractère est mal encodé : enregistrez le fichier en « CSV UTF-8 »".to_string()
        }
        csv::ErrorKind::UnequalLengths { .. } => {
            "elle n'a pas le nombre de colonnes de l'en-tête".to_string()
        }
        _ => "elle ne se lit pas comme une ligne CSV ; vérifiez ses guillemets".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_json_messages_in_french() {
        // serde_json's message (without position) → French.
        let cases = [
            ("expected value", "valeur attendue"),
            ("expected `,` or `}`", "virgule ou accolade fermante"),
            ("trailing characters", "du texte suit la fin du document"),
            (
                "unknown field `inconnu`, expected one of `name`, `organisme`",
                "champ « inconnu » inconnu (champs admis : name, organisme)",
            ),
            (
                "missing field `format`",
                "champ obligatoire « format » absent",
            ),
            (
                "invalid type: string \"2021\", expected i32",
                "le texte « 2021 » là où est attendu un nombre entier",
            ),
            (
                "invalid type: null, expected un nombre, un booléen ou un texte",
                "null là où est attendu un nombre, un booléen ou un texte",
            ),
            (
                "unknown variant `hlm`, expected one of `oph`, `esh`",
                "valeur « hlm » inconnue (valeurs admises : oph, esh)",
            ),
            (
                "invalid type: map, expected a string",
                "un objet { … } là où est attendu un texte",
            ),
        ];
        for (en, fr) in cases {
            let got = json_message(en).unwrap_or_else(|| panic!("{en}"));
            assert!(got.starts_with(fr), "{en} → {got}");
        }
        assert_eq!(json_message("something new"), None);
    }

    #[test]
    fn details_are_short_and_closed() {
        let d = detail("invalid Zip archive: Could not find EOCD (x)\nsecond line");
        assert_eq!(
            d,
            " (détail technique : invalid Zip archive: Could not find EOCD x)"
        );
        assert!(detail("x".repeat(300)).chars().count() < 130);
    }
}
