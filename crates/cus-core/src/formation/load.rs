//! Reading a module file (TOML): syntax and shape, with the line of each exercise and of the
//! fields the semantic checks may point at. A file that cannot be read gives French diagnostics
//! naming the file and the line; nothing is half-read.

use serde::Deserialize;
use toml::Spanned;

use super::model::{
    Basis, CalcSpec, Case, Choice, Exercise, ExerciseType, Expected, FieldLines, Module, Theme,
};
use crate::catalogue::Source;
use crate::diagnostic::{Diagnostic, Location};

/// Module files larger than this are refused before parsing (a pack of a few hundred exercises
/// is well under it).
pub const MAX_MODULE_BYTES: usize = 1024 * 1024;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModule {
    id: Spanned<String>,
    title: String,
    theme: Theme,
    summary: String,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    exercises: Vec<Spanned<RawExercise>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: String,
    title: String,
    #[serde(rename = "type")]
    kind: ExerciseType,
    catalogue: String,
    version: String,
    codes: Spanned<Vec<String>>,
    #[serde(default)]
    themes: Vec<Theme>,
    #[serde(default)]
    source: Option<String>,
    article: Spanned<String>,
    #[serde(default)]
    basis: Option<Spanned<Basis>>,
    #[serde(default)]
    basis_note: Option<String>,
    question: String,
    #[serde(default)]
    choices: Option<Spanned<Vec<Choice>>>,
    #[serde(default)]
    answer: Option<Spanned<f64>>,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    decimals: Option<u8>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    indicator: Option<String>,
    #[serde(default)]
    case: Option<Spanned<Case>>,
    #[serde(default)]
    expected: Option<Spanned<Vec<Expected>>>,
    #[serde(default)]
    calc: Option<Spanned<CalcSpec>>,
    #[serde(default)]
    calculations: Option<Spanned<Vec<CalcSpec>>>,
    #[serde(default)]
    steps: Vec<String>,
    #[serde(default)]
    right: String,
    #[serde(default)]
    wrong: String,
    #[serde(default)]
    explanation: String,
}

/// Line (1-based) of a byte offset of `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Location of a line of a file.
pub(crate) fn at_line(file: &str, line: usize, path: Option<String>) -> Location {
    Location {
        file: Some(file.to_string()),
        line: Some(line),
        path,
        ..Default::default()
    }
}

/// The message of the TOML reader in French. Names between backquotes (fields, values) are
/// kept as written: a field is named `expected`, and the translation of the English words
/// must not reach into the list of fields that follows « attendu ». The list after an unknown
/// field or value says what is accepted.
fn translate(msg: &str) -> String {
    let msg = msg
        .replace("unknown field", "champ inconnu")
        .replace("unknown variant", "valeur inconnue")
        .replace(", expected one of", " ; possibles :")
        .replace(", expected", " ; attendu :");
    msg.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("« {part} »")
            } else {
                // The translation trims: the spaces around the names are kept.
                let lead = &part[..part.len() - part.trim_start().len()];
                let trail = &part[part.trim_end().len()..];
                let core = crate::catalogue::translate_serde(part);
                if core.is_empty() {
                    part.to_string()
                } else {
                    format!("{lead}{core}{trail}")
                }
            }
        })
        .collect()
}

/// Parse a module file (TOML). `file` names it in the diagnostics. The module is only read:
/// [`super::check`] then checks it against the catalogues and the rule engine.
pub fn parse(text: &str, file: &str) -> Result<Module, Vec<Diagnostic>> {
    if text.len() > MAX_MODULE_BYTES {
        return Err(vec![Diagnostic::error(
            "E-FORM-TOO-BIG",
            format!(
                "Le fichier fait {} octets, au-delà de la limite de {} octets pour un module \
                 d'exercices : ce n'est sans doute pas un fichier d'exercices.",
                text.len(),
                MAX_MODULE_BYTES
            ),
            Location {
                file: Some(file.to_string()),
                ..Default::default()
            },
        )]);
    }
    let raw: RawModule = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_at(text, s.start));
        vec![Diagnostic::error(
            "E-FORM-SYNTAX",
            format!(
                "Le fichier d'exercices n'est pas lisible : {}. Corrigez le fichier TOML à \
                 l'endroit indiqué (voir docs/FORMATION.md).",
                translate(e.message())
            ),
            Location {
                file: Some(file.to_string()),
                line,
                ..Default::default()
            },
        )]
    })?;
    let line = |span: std::ops::Range<usize>| line_at(text, span.start);
    let theme = raw.theme;
    let exercises = raw
        .exercises
        .into_iter()
        .map(|sp| {
            let at = line(sp.span());
            let x = sp.into_inner();
            let or_at = |s: Option<std::ops::Range<usize>>| s.map_or(at, line);
            let lines = FieldLines {
                codes: line(x.codes.span()),
                article: line(x.article.span()),
                basis: or_at(x.basis.as_ref().map(|b| b.span())),
                choices: or_at(x.choices.as_ref().map(|c| c.span())),
                answer: or_at(x.answer.as_ref().map(|c| c.span())),
                case: or_at(x.case.as_ref().map(|c| c.span())),
                expected: or_at(x.expected.as_ref().map(|c| c.span())),
                calc: or_at(x.calc.as_ref().map(|c| c.span())),
                calculations: or_at(x.calculations.as_ref().map(|c| c.span())),
            };
            Exercise {
                line: at,
                id: x.id,
                title: x.title,
                kind: x.kind,
                catalogue: x.catalogue,
                version: x.version,
                codes: x.codes.into_inner(),
                // An exercise is about its module's theme unless it says otherwise.
                themes: if x.themes.is_empty() {
                    vec![theme]
                } else {
                    x.themes
                },
                source: x.source,
                article: x.article.into_inner(),
                basis: x.basis.map(Spanned::into_inner),
                basis_note: x.basis_note,
                question: x.question,
                choices: x.choices.map(Spanned::into_inner).unwrap_or_default(),
                answer: x.answer.map(Spanned::into_inner),
                tolerance: x.tolerance,
                decimals: x.decimals,
                unit: x.unit,
                indicator: x.indicator,
                case: x.case.map(Spanned::into_inner),
                expected: x.expected.map(Spanned::into_inner).unwrap_or_default(),
                calc: x.calc.map(Spanned::into_inner),
                calculations: x.calculations.map(Spanned::into_inner).unwrap_or_default(),
                steps: x.steps,
                right: x.right,
                wrong: x.wrong,
                explanation: x.explanation,
                lines,
            }
        })
        .collect();
    Ok(Module {
        file: file.to_string(),
        line: line(raw.id.span()),
        id: raw.id.into_inner(),
        title: raw.title,
        theme: raw.theme,
        summary: raw.summary,
        sources: raw.sources,
        exercises,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_exercises_and_fields() {
        let text = "id = \"m\"\ntitle = \"T\"\ntheme = \"maille\"\nsummary = \"S\"\n\n\
                    [[exercises]]\nid = \"a\"\ntitle = \"A\"\ntype = \"choix-unique\"\n\
                    catalogue = \"c\"\nversion = \"v\"\ncodes = [\"PP-1\"]\narticle = \"R. 445-5\"\n\
                    question = \"Q\"\nchoices = [{ text = \"x\", correct = true }, { text = \"y\" }]\n";
        let m = parse(text, "m.toml").unwrap();
        let x = &m.exercises[0];
        assert_eq!(x.id, "a");
        assert_eq!(x.line, 6, "the line of [[exercises]]");
        assert_eq!(x.lines.codes, 12);
        assert_eq!(x.lines.article, 13);
        assert_eq!(x.lines.choices, 15);
        let bad = text.replace("type = \"choix-unique\"", "type = \"devinette\"");
        let e = parse(&bad, "m.toml").unwrap_err();
        assert_eq!(e[0].code, "E-FORM-SYNTAX");
        assert_eq!(e[0].location.line, Some(9));
        assert!(
            e[0].message.contains(
                "valeur inconnue « devinette » ; possibles : « choix-unique », « choix-multiple »"
            ),
            "{}",
            e[0].message
        );
    }

    /// The fields accepted, listed after an unknown one, keep their names: `expected`, `column`
    /// or `string` are not translated as English words.
    #[test]
    fn an_unknown_field_lists_the_fields_as_written() {
        let text = "id = \"m\"\ntitle = \"T\"\ntheme = \"maille\"\nsummary = \"S\"\n\n\
                    [[exercises]]\nid = \"a\"\ntitle = \"A\"\ntype = \"choix-unique\"\n\
                    catalogue = \"c\"\nversion = \"v\"\ncodes = [\"PP-1\"]\narticle = \"R. 445-5\"\n\
                    attendu = 3\nquestion = \"Q\"\n";
        let e = parse(text, "m.toml").unwrap_err();
        let m = &e[0].message;
        assert_eq!(e[0].code, "E-FORM-SYNTAX");
        assert!(
            m.contains("champ inconnu « attendu » ; possibles : « id », « title »"),
            "{m}"
        );
        assert!(
            m.contains("« expected »"),
            "the field `expected` is named as written: {m}"
        );
        assert!(
            m.contains("« basis »") && m.contains("« basis_note »"),
            "{m}"
        );
        assert!(!m.contains("« attendu : »") && !m.contains('`'), "{m}");
        // A type mistake still reads in French.
        let e = parse(
            &text
                .replace("attendu = 3\n", "codes = 3\n")
                .replace("codes = [\"PP-1\"]\n", ""),
            "m.toml",
        )
        .unwrap_err();
        assert!(e[0].message.contains("type incorrect"), "{}", e[0].message);
    }
}
