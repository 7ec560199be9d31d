//! The text of a workbook cell: the `_xHHHH_` escapes of both formats ([`encode_text`],
//! [`decode_text`]), long texts cut into cell-sized pieces ([`chunks`]), column letters, and the
//! ISO 8601 timestamps written in the files ([`parse_iso_datetime`]).

use std::borrow::Cow;

use super::*;

/// A text encoded for a workbook cell: characters XML 1.0 cannot hold (control characters,
/// carriage return, U+FFFE, U+FFFF) as `_xHHHH_`, and a literal `_xHHHH_` protected as
/// `_x005F_xHHHH_`, the convention of OOXML (ECMA-376, ST_Xstring), used in both formats.
pub(crate) fn encode_text(s: &str) -> Cow<'_, str> {
    let needs = |i: usize, c: char| {
        matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
            || (c == '_' && is_escape_at(s, i))
    };
    if !s.char_indices().any(|(i, c)| needs(i, c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        if needs(i, c) {
            out.push_str(&format!("_x{:04X}_", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Is there an `_xHHHH_` escape at byte `i` of `s`?
fn is_escape_at(s: &str, i: usize) -> bool {
    escape_unit(s, i).is_some()
}

fn escape_unit(s: &str, i: usize) -> Option<u16> {
    let b = s.as_bytes().get(i..i + 7)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

/// Inverse of [`encode_text`] (calamine leaves the escapes in the texts it reads).
pub(crate) fn decode_text(s: &str) -> Cow<'_, str> {
    if !s.contains("_x") {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match escape_unit(s, i) {
            Some(unit) => {
                let mut next = i + 7;
                let c = match unit {
                    0xD800..=0xDBFF => match escape_unit(s, next) {
                        Some(low @ 0xDC00..=0xDFFF) => {
                            next += 7;
                            char::from_u32(
                                0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00),
                            )
                        }
                        _ => None,
                    },
                    _ => char::from_u32(u32::from(unit)),
                };
                out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                i = next;
            }
            None => {
                // `i` is on a char boundary: escapes are ASCII and we advance by whole chars.
                let c = s[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    Cow::Owned(out)
}

/// Length of a text once neutralised and encoded, in UTF-16 units (what the XLSX limit counts).
pub(super) fn encoded_len(s: &str) -> usize {
    encode_text(&neutralise(s)).encode_utf16().count()
}

/// Split a long text into pieces that each fit in a cell once neutralised and encoded.
pub(super) fn chunks(s: &str) -> Vec<&str> {
    chunks_within(s, MAX_CELL_TEXT)
}

/// Pieces of `s` that each fit in `cell_max` UTF-16 units once neutralised and encoded: a
/// character that encoding may expand (`_`, control characters) counts as 7, and one unit is
/// kept for the apostrophe of neutralisation. Never empty (an empty text is one empty piece).
pub(crate) fn chunks_within(s: &str, cell_max: usize) -> Vec<&str> {
    let limit = cell_max - 1;
    let mut out = Vec::new();
    let mut start = 0;
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let w = if matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' | '_')
        {
            7
        } else {
            c.len_utf16()
        };
        if len + w > limit && i > start {
            out.push(&s[start..i]);
            start = i;
            len = 0;
        }
        len += w;
    }
    out.push(&s[start..]);
    out
}

/// Column letters of a 0-based column index (`0` → `A`, `27` → `AB`).
pub(crate) fn column_letters(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = ((n - 1) % 26) as u8;
        out.push(b'A' + r);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Date and time of an ISO 8601 text (`2026-11-25T17:30:00Z`, `2026-11-25`): year, month,
/// day, hour, minute, second. Used for the fixed timestamps of the files.
pub(crate) fn parse_iso_datetime(s: &str) -> Option<(u16, u8, u8, u8, u8, u8)> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u16> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0..4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = u8::try_from(num(5..7)?)
        .ok()
        .filter(|m| (1..=12).contains(m))?;
    let day = u8::try_from(num(8..10)?)
        .ok()
        .filter(|d| (1..=31).contains(d))?;
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    if matches!(b.get(10), Some(b'T' | b' ')) {
        h = u8::try_from(num(11..13)?).ok().filter(|h| *h < 24)?;
        mi = u8::try_from(num(14..16)?).ok().filter(|m| *m < 60)?;
        sec = num(17..19)
            .and_then(|s| u8::try_from(s).ok())
            .filter(|s| *s < 60)
            .unwrap_or(0);
    }
    Some((year, month, day, h, mi, sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_like_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn text_encoding_round_trips() {
        for s in [
            "",
            "abc",
            "a\rb\u{1}c",
            "_x0041_",
            "_x005F_",
            "__x12_",
            "x\u{fffe}y\u{ffff}",
            "é_xZZZZ_à",
            "_x",
        ] {
            let e = encode_text(s);
            assert!(!e.contains('\r') && !e.contains('\u{1}'), "{s:?}");
            assert_eq!(decode_text(&e), s, "{s:?} → {e:?}");
        }
        assert_eq!(encode_text("a\u{1}"), "a_x0001_");
        assert_eq!(encode_text("_x0041_"), "_x005F_x0041_");
    }

    #[test]
    fn long_texts_are_split_in_cell_sized_pieces() {
        let s = "é=_".repeat(40_000);
        let parts = chunks(&s);
        assert!(parts.len() > 1);
        assert_eq!(parts.concat(), s);
        for p in parts {
            assert!(encoded_len(p) <= MAX_CELL_TEXT);
        }
        assert_eq!(chunks("abc"), vec!["abc"]);
    }
}
