//! The text of a CSV file (UTF-8, UTF-16 or Windows-1252, [`decode`]), its separator
//! ([`sniff_separator`]), and its fields as the import reads them ([`clean`], [`trim`]).

use std::borrow::Cow;

use cus_core::catalogue::Period;
use cus_core::convention::period_key;
use cus_core::diagnostic::{Diagnostic, Severity};

use crate::import::{codes, Problems};
use crate::unneutralise;

use super::*;

/// Text of the file, and a note when it was not UTF-8.
/// (A UTF-8 file is borrowed, not copied.)
pub(super) fn decode<'b>(
    bytes: &'b [u8],
    p: &Problems,
) -> Result<(Cow<'b, str>, Option<Diagnostic>), Box<Diagnostic>> {
    let note = |enc: &str| {
        Diagnostic::new(
            codes::CSV_ENCODING,
            Severity::Info,
            format!(
                "Le fichier n'est pas en UTF-8 : il a été lu comme du {enc} (c'est ce qu'écrit \
                 Excel avec « CSV (séparateur : point-virgule) »). Vérifiez les lettres accentuées \
                 ; pour éviter cette conversion, enregistrez en « CSV UTF-8 »."
            ),
            p.at(),
        )
    };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Box::new(Diagnostic::error(
            codes::NOT_OURS,
            "Ce fichier est un classeur (ODS ou XLSX), pas un CSV : donnez-lui l'extension .ods ou \
             .xlsx, ou enregistrez-le au format CSV depuis le tableur."
                .to_string(),
            p.at(),
        )));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(t) => Ok((t.into(), None)),
            Err(e) => Err(Box::new(utf8_error(rest, &e, p))),
        };
    }
    for (bom, little) in [(&b"\xFF\xFE"[..], true), (&b"\xFE\xFF"[..], false)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let Some(text) = decode_utf16(rest, little) else {
                return Err(Box::new(Diagnostic::error(
                    codes::ENCODING,
                    "Le fichier commence comme de l'UTF-16 mais ne l'est pas partout (ou il est \
                     tronqué) : enregistrez-le en « CSV UTF-8 »."
                        .to_string(),
                    p.at(),
                )));
            };
            return Ok((
                text.into(),
                Some(note(if little { "UTF-16LE" } else { "UTF-16BE" })),
            ));
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok((t.into(), None)),
        // Valid UTF-8 with accents, then cut in the middle of a character: truncated.
        Err(e) if e.error_len().is_none() && !bytes[..e.valid_up_to()].is_ascii() => {
            Err(Box::new(utf8_error(bytes, &e, p)))
        }
        Err(_) => Ok((
            decode_windows_1252(bytes).into(),
            Some(note("Windows-1252")),
        )),
    }
}

/// UTF-16 without its byte order mark; `None` when the bytes are not UTF-16 throughout.
/// (Written here rather than with encoding_rs: its decoder brings every encoding's tables into
/// the web app, about 350 Kio of WebAssembly, for the two encodings Excel uses.)
fn decode_utf16(bytes: &[u8], little: bool) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|c| {
        if little {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// Windows-1252 (WHATWG encoding standard): Latin-1 except 0x80–0x9F; the five unassigned bytes
/// map to the C1 controls of the same value, as browsers do.
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

fn utf8_error(bytes: &[u8], e: &std::str::Utf8Error, p: &Problems) -> Diagnostic {
    let line = bytes[..e.valid_up_to()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let mut loc = p.at();
    loc.line = Some(line);
    if e.error_len().is_none() {
        Diagnostic::error(
            codes::TRUNCATED,
            format!(
                "Ligne {line} : le fichier s'arrête au milieu d'un caractère : il est tronqué. \
                 Exportez-le à nouveau."
            ),
            loc,
        )
    } else {
        Diagnostic::error(
            codes::ENCODING,
            format!(
                "Ligne {line} : le fichier annonce l'UTF-8 (BOM) mais contient un octet invalide \
                 (position {}) : enregistrez-le à nouveau en « CSV UTF-8 ».",
                e.valid_up_to() + 4
            ),
            loc,
        )
    }
}

/// The separator of the header line: the one that gives the most known column names.
pub(super) fn sniff_separator(text: &str) -> (u8, usize) {
    let first = text.lines().next().unwrap_or_default();
    [b';', b',', b'\t']
        .into_iter()
        .map(|sep| {
            let n = first
                .split(sep as char)
                .filter(|c| COLUMNS.contains(&clean_name(c).as_str()))
                .count();
            (sep, n)
        })
        .max_by_key(|&(sep, n)| (n, sep == b';'))
        .unwrap_or((b';', 0))
}

pub(super) fn clean_name(c: &str) -> String {
    c.trim_matches(|ch: char| ch.is_whitespace() || ch == '"' || ch == '\u{FEFF}')
        .to_lowercase()
}

/// A field `f` of column `k` (a position in [`COLUMNS`]): `valeur` as is; `libelle_territoire`
/// without neutralisation; the others trimmed and without neutralisation.
pub(super) fn clean(f: &str, k: usize) -> Cow<'_, str> {
    let f = match k {
        C_VALEUR | C_CLE | C_CONTENU => return f.into(),
        C_LIBELLE_TERRITOIRE => f,
        _ => trim(f),
    };
    if f.as_bytes().first() == Some(&b'\'') {
        unneutralise(f).into()
    } else {
        f.into()
    }
}

/// Whether [`clean`] leaves the field `f` of column `k` as it is read (the usual case).
pub(super) fn as_read(f: &[u8], k: usize) -> bool {
    match (k, f.first(), f.last()) {
        (_, None, _) | (C_VALEUR | C_CLE | C_CONTENU, ..) => true,
        (C_LIBELLE_TERRITOIRE, Some(&a), _) => a != b'\'',
        (_, Some(&a), Some(&z)) => a != b'\'' && plain(a) && plain(z),
        (_, Some(_), None) => false,
    }
}

/// Whether a byte of UTF-8 is a character that `str::trim` keeps: ASCII, and not one of the
/// ASCII spaces of `char::is_whitespace` (tab to carriage return, and space).
pub(super) fn plain(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ')
}

/// `str::trim`, without looking at the characters when the first and the last are ASCII and
/// not spaces (the usual case).
pub(super) fn trim(f: &str) -> &str {
    match (f.as_bytes().first(), f.as_bytes().last()) {
        (Some(&a), Some(&z)) if !(plain(a) && plain(z)) => f.trim(),
        _ => f,
    }
}

/// Short key of a period, as [`period_key`] writes it (without allocating).
pub(super) fn period_str(p: Period) -> Cow<'static, str> {
    const YEARS: [&str; 6] = ["a1", "a2", "a3", "a4", "a5", "a6"];
    const CUMULATIVES: [&str; 6] = ["c1", "c2", "c3", "c4", "c5", "c6"];
    let known = match p {
        Period::Reference => Some("ref"),
        Period::Year(n) => YEARS.get(usize::from(n).wrapping_sub(1)).copied(),
        Period::Cumulative(n) => CUMULATIVES.get(usize::from(n).wrapping_sub(1)).copied(),
    };
    match known {
        Some(k) => k.into(),
        None => period_key(p).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_and_utf16_decode_like_the_encoding_standard() {
        assert_eq!(
            decode_windows_1252(b"\x80 \xe9t\xe9 \x9c\x85 \x81"),
            "€ été œ… \u{81}"
        );
        assert_eq!(
            decode_utf16(&[0x41, 0, 0xe9, 0], true).as_deref(),
            Some("Aé")
        );
        assert_eq!(
            decode_utf16(&[0, 0x41, 0xd8, 0x3d, 0xde, 0x00], false).as_deref(),
            Some("A😀")
        );
        assert_eq!(decode_utf16(&[0x41], true), None);
        assert_eq!(decode_utf16(&[0x3d, 0xd8], true), None);
    }
}
