//! Every reason an import gives is French. Files cut short, garbage bytes, flipped bytes and
//! files of another format, under each extension: no message may hold an English word of the
//! libraries underneath (zip, calamine, quick-xml, serde_json, csv) outside the one short
//! `(détail technique : …)` parenthesis at its end, nor their quoting (`` ` ``) or debug forms.
//!
//! `SHOW_MESSAGES=1 cargo test -p cus-formats --test import_messages -- --nocapture` prints every
//! message met, for a proofreading.

mod common;

use cus_core::convention::Convention;
use cus_formats::{import, Format, Mode};

const NAMES: [&str; 5] = ["x.json", "x.csv", "x.ods", "x.xlsx", "x"];

/// Words of the libraries' English messages that French never uses. (Words that are also
/// French, such as « type », « on », « an », « archive », « central », are left out; so are the
/// JSON words true, false, null.)
const ENGLISH: &[&str] = &[
    "invalid",
    "could",
    "not",
    "expected",
    "error",
    "errors",
    "failed",
    "unexpected",
    "missing",
    "found",
    "while",
    "the",
    "of",
    "at",
    "line",
    "column",
    "eof",
    "eocd",
    "unsupported",
    "unable",
    "cannot",
    "end",
    "parsing",
    "value",
    "string",
    "character",
    "trailing",
    "unknown",
    "field",
    "must",
    "be",
    "is",
    "was",
    "with",
    "for",
    "to",
    "and",
    "in",
    "does",
    "exist",
    "file",
    "sequence",
    "map",
    "struct",
    "variant",
    "identifier",
    "ident",
    "integer",
    "number",
    "boolean",
    "offset",
    "byte",
    "bytes",
    "header",
    "entry",
    "directory",
    "password",
    "corrupt",
    "deflate",
    "stream",
    "xml error",
];

/// The message without what is allowed to be foreign: the technical detail and the texts
/// quoted from the file (« … »).
fn french_part(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    loop {
        let detail = rest.find("(détail technique : ");
        let quote = rest.find('«');
        match (detail, quote) {
            (Some(d), q) if q.is_none_or(|q| d < q) => {
                out.push_str(&rest[..d]);
                let after = &rest[d..];
                rest = after.find(')').map_or("", |e| &after[e + 1..]);
            }
            (_, Some(q)) => {
                out.push_str(&rest[..q]);
                let after = &rest[q..];
                rest = after.find('»').map_or("", |e| &after[e + '»'.len_utf8()..]);
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The English a message shows outside its detail, if any.
fn english_in(msg: &str) -> Option<String> {
    let fr = french_part(msg);
    if msg.matches("(détail technique : ").count() > 1 {
        return Some("more than one technical detail".into());
    }
    for sign in ['`', '{', '}'] {
        if fr.contains(sign) && !fr.contains("{ … }") {
            return Some(format!("{sign}"));
        }
    }
    for debug in ["Some(", "None", "Err(", "Ok(", "Error(", "Error {", "Io("] {
        if fr.contains(debug) {
            return Some(debug.into());
        }
    }
    let words: Vec<String> = fr
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    for (i, w) in words.iter().enumerate() {
        for e in ENGLISH {
            let mut parts = e.split(' ');
            let first = parts.next().unwrap_or_default();
            if w == first
                && parts
                    .enumerate()
                    .all(|(k, p)| words.get(i + 1 + k).map(String::as_str) == Some(p))
            {
                return Some((*e).to_string());
            }
        }
    }
    None
}

fn sample() -> Convention {
    cus_core::samples::SAMPLES
        .iter()
        .find(|s| s.id == "petit-organisme")
        .and_then(|s| s.convention())
        .expect("sample")
}

/// Damaged inputs: garbage, other formats, valid files cut short or with flipped bytes.
fn damaged() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = vec![
        ("garbage".into(), b"\x00\x01\x02garbage\xff\xfe".to_vec()),
        ("text".into(), b"hello world\n".to_vec()),
        ("zip header".into(), b"PK\x03\x04 not really a zip".to_vec()),
        ("brace".into(), b"{".to_vec()),
        ("json number format".into(), br#"{"format": 1}"#.to_vec()),
        ("json list".into(), b"[1, 2".to_vec()),
        ("json colon".into(), br#"{"format" "x"}"#.to_vec()),
        ("json ident".into(), br#"{"format": tru}"#.to_vec()),
        (
            "json trailing".into(),
            br#"{"format": "cus-indicateurs/1"} x"#.to_vec(),
        ),
        ("json escape".into(), br#"{"format": "\q"}"#.to_vec()),
        ("csv quote".into(), b"format;nature\n\"a;b\n".to_vec()),
    ];
    let mut rng = cus_core::bench::Lcg::new(7);
    out.push((
        "random".into(),
        (0..3000).map(|_| rng.range(0, 255) as u8).collect(),
    ));
    let conv = sample();
    for format in Format::ALL {
        let bytes = common::export(&conv, format, Mode::Brouillon);
        let n = bytes.len();
        for k in 1..10 {
            let cut = n * k / 10;
            out.push((format!("{format:?} cut at {cut}"), bytes[..cut].to_vec()));
        }
        for cut in [1, 4, 22, 100] {
            out.push((
                format!("{format:?} without its last {cut} bytes"),
                bytes[..n - cut].to_vec(),
            ));
        }
        for k in 1..20 {
            let mut b = bytes.clone();
            let at = n * k / 20;
            for x in &mut b[at..(at + 8).min(n)] {
                *x ^= 0x5a;
            }
            out.push((format!("{format:?} flipped at {at}"), b));
        }
        // A JSON field of the wrong type, an unknown field, a missing one.
        if format == Format::Json {
            let text = String::from_utf8(bytes.clone()).unwrap();
            for (from, to) in [
                ("\"signing_year\": 2021", "\"signing_year\": \"2021\""),
                ("\"epci\": [", "\"inconnu\": 1,\n    \"epci\": ["),
                ("\"kind\": \"oph\"", "\"kind\": \"hlm\""),
                ("\"departements\": [", "\"departements\": {"),
                ("\"nature\": \"brouillon\",", ""),
            ] {
                let edited = text.replacen(from, to, 1);
                assert_ne!(edited, text, "{from}");
                out.push((format!("JSON {from} → {to}"), edited.into_bytes()));
            }
        }
    }
    out
}

#[test]
fn every_import_message_is_french() {
    let mut seen = 0;
    for (what, bytes) in damaged() {
        for name in NAMES {
            let messages: Vec<String> = match import(&bytes, name, common::catalogues()) {
                Err(d) => d.into_iter().map(|d| d.message).collect(),
                Ok(i) => i.notes.into_iter().map(|d| d.message).collect(),
            };
            for m in messages {
                seen += 1;
                if std::env::var_os("SHOW_MESSAGES").is_some() {
                    println!("{m}");
                }
                if let Some(english) = english_in(&m) {
                    panic!("{what} as {name}: « {english} » in {m}");
                }
            }
        }
    }
    assert!(seen > 500, "{seen} messages only");
}

/// The case of the issue: a truncated ODS said « invalid Zip archive: Could not find EOCD ».
#[test]
fn a_truncated_workbook_says_so_in_french() {
    let bytes = common::export(&sample(), Format::Ods, Mode::Brouillon);
    for name in ["cus.ods", "cus.xlsx"] {
        let d = common::errors(&bytes[..bytes.len() / 2], name);
        assert_eq!(common::codes(&d), ["E-IMPORT-WORKBOOK-UNREADABLE"]);
        let m = &d[0].message;
        assert!(m.contains("tronqué"), "{m}");
        assert!(m.contains("Exportez-le à nouveau"), "{m}");
        assert_eq!(english_in(m), None, "{m}");
        // The library's words stay, in the parenthesis at the end only.
        assert!(
            m.ends_with(").") && m.contains("(détail technique : "),
            "{m}"
        );
    }
}

#[test]
fn the_check_itself_finds_english_outside_the_detail() {
    // Message → what the check finds.
    let cases = [
        ("Le fichier est tronqué.", None),
        (
            "Le classeur est illisible (détail technique : invalid Zip archive: Could not find EOCD).",
            None,
        ),
        ("Le classeur est illisible (invalid Zip archive).", Some("invalid")),
        ("Ligne 2 : contenu inattendu (expected value).", Some("expected")),
        ("Champ « the end » inconnu.", None),
        ("Ligne 3 : champ `x` inconnu.", Some("`")),
        ("Valeur Some(1) inattendue.", Some("Some(")),
        ("Erreur : xml error dans content.xml.", Some("xml error")),
    ];
    for (msg, want) in cases {
        assert_eq!(english_in(msg).as_deref(), want, "{msg}");
    }
}
