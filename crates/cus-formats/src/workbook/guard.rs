//! The checks of a workbook before calamine reads it ([`precheck`]): a zip, not a zip bomb,
//! sheets of well-nested XML and of a reasonable extent; and the error of a workbook that cannot
//! be read ([`unreadable_workbook`]).

use cus_core::diagnostic::{Diagnostic, Location};

use crate::{technical, Format};

/// Largest sheet accepted on import, in cells of the rectangle from A1 to its last value (the
/// largest convention needs far less: a few hundred rows of a few hundred columns).
const MAX_SHEET_CELLS: u64 = 4_000_000;

/// Refuse before calamine parses them the files it would choke on: not a zip, inflating beyond
/// reason (a zip bomb: the sizes declared by the archive must add up to less than 256 Mio), XML
/// of the sheets not well nested (calamine loops forever on an ODS table that is never closed),
/// or sheets whose values span more than [`MAX_SHEET_CELLS`] cells (calamine allocates the whole
/// rectangle).
pub(crate) fn precheck(bytes: &[u8], file: &str, format: Format) -> Result<(), Vec<Diagnostic>> {
    use std::io::Read as _;
    const MAX_INFLATED: u64 = 256 * 1024 * 1024;
    let kind = if format == Format::Ods { "ODS" } else { "XLSX" };
    let fail = |reason: String, detail: String| unreadable_workbook(file, kind, &reason, &detail);
    let entry_fail = |i: usize, e: &zip::result::ZipError| {
        fail(
            format!(
                "l'élément n° {} de l'archive ne se lit pas : {}",
                i + 1,
                technical::zip(e)
            ),
            technical::detail(e),
        )
    };
    if !bytes.starts_with(b"PK") {
        let reason = format!(
            "ce fichier n'est pas un classeur : il ne commence pas comme une archive zip, ce \
             qu'est tout classeur {kind} (si c'est un CSV ou un JSON renommé, redonnez-lui son \
             extension .csv ou .json)"
        );
        return Err(fail(reason, String::new()));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| fail(technical::zip(&e), technical::detail(&e)))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| entry_fail(i, &e))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_INFLATED {
        return Err(fail(
            format!(
                "son contenu décompressé ferait {} Mio, au-delà de {} Mio (ce n'est pas un \
                 classeur de CUS)",
                total / (1024 * 1024),
                MAX_INFLATED / (1024 * 1024)
            ),
            String::new(),
        ));
    }
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| entry_fail(i, &e))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let sheet = match format {
            Format::Ods => name == "content.xml",
            _ => name.starts_with("xl/worksheets/") && name.ends_with(".xml"),
        };
        if !sheet {
            continue;
        }
        let mut xml = Vec::new();
        entry
            .by_ref()
            .take(MAX_INFLATED)
            .read_to_end(&mut xml)
            .map_err(|e| {
                fail(
                    format!(
                        "la partie {name} ne se décompresse pas : le fichier est abîmé ou tronqué"
                    ),
                    technical::detail(&e),
                )
            })?;
        let checked = match format {
            Format::Ods => check_ods_content(&xml),
            _ => check_xlsx_sheet(&xml),
        };
        checked.map_err(|e| {
            fail(
                format!("la partie {name} est mal formée : {e}"),
                String::new(),
            )
        })?;
    }
    Ok(())
}

/// One tag met by [`scan_xml`].
enum Tag<'a> {
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A minimal XML scanner: tags in order, comments, CDATA and processing instructions skipped;
/// an error when a tag is not closed or elements are not properly nested.
fn scan_xml<'a>(
    x: &'a [u8],
    mut each: impl FnMut(Tag<'a>) -> Result<(), String>,
) -> Result<(), String> {
    let mut stack: Vec<&[u8]> = Vec::new();
    let mut i = 0;
    while let Some(off) = x[i..].iter().position(|&b| b == b'<') {
        let at = i + off;
        let rest = &x[at..];
        let skip = |open: usize, close: &[u8]| -> Result<usize, String> {
            find(&rest[open..], close)
                .map(|p| at + open + p + close.len())
                .ok_or_else(|| "fin de fichier dans un commentaire ou une déclaration".to_string())
        };
        if rest.starts_with(b"<!--") {
            i = skip(4, b"-->")?;
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip(9, b"]]>")?;
        } else if rest.starts_with(b"<?") {
            i = skip(2, b"?>")?;
        } else if rest.starts_with(b"<!") {
            return Err("déclaration <! inattendue".to_string());
        } else if rest.starts_with(b"</") {
            let end = find(rest, b">").ok_or("balise fermante non terminée")?;
            let name = rest[2..end].trim_ascii();
            match stack.pop() {
                Some(open) if open == name => {}
                _ => {
                    return Err(format!(
                        "balise </{}> mal placée",
                        String::from_utf8_lossy(name)
                    ))
                }
            }
            each(Tag::End { name })?;
            i = at + end + 1;
        } else {
            let mut j = 1;
            let mut quote = None;
            loop {
                let c = *rest.get(j).ok_or("balise non terminée")?;
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            let inner = &rest[1..j];
            let empty = inner.ends_with(b"/");
            let inner = if empty {
                &inner[..inner.len() - 1]
            } else {
                inner
            };
            let name_end = inner
                .iter()
                .position(|c| c.is_ascii_whitespace())
                .unwrap_or(inner.len());
            let name = &inner[..name_end];
            if name.is_empty() {
                return Err("balise sans nom".to_string());
            }
            each(Tag::Start {
                name,
                attrs: &inner[name_end..],
                empty,
            })?;
            if !empty {
                stack.push(name);
            }
            i = at + j + 1;
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!(
            "élément <{}> jamais fermé (contenu tronqué ?)",
            String::from_utf8_lossy(open)
        ));
    }
    Ok(())
}

/// The value of an attribute in the attributes of a start tag.
fn attr<'a>(attrs: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    let n = attrs.len();
    loop {
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= n {
            return None;
        }
        let k0 = i;
        while i < n && !attrs[i].is_ascii_whitespace() && attrs[i] != b'=' {
            i += 1;
        }
        let k = &attrs[k0..i];
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        if attrs.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        while i < n && attrs[i].is_ascii_whitespace() {
            i += 1;
        }
        let q = *attrs.get(i)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let v0 = i + 1;
        let len = attrs[v0..].iter().position(|&c| c == q)?;
        if k == key {
            return Some(&attrs[v0..v0 + len]);
        }
        i = v0 + len + 1;
    }
}

fn attr_number(attrs: &[u8], key: &[u8], max: u64) -> u64 {
    attr(attrs, key)
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, max)
}

fn too_big(rows: u64, cols: u64) -> Result<(), String> {
    if rows.saturating_mul(cols) > MAX_SHEET_CELLS {
        return Err(format!(
            "une feuille s'étend sur {rows} lignes et {cols} colonnes, bien au-delà d'une convention"
        ));
    }
    Ok(())
}

/// Nesting and extent of the tables of an ODS `content.xml`.
fn check_ods_content(xml: &[u8]) -> Result<(), String> {
    let (mut row, mut row_rep, mut col, mut valued) = (0u64, 1u64, 0u64, false);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    scan_xml(xml, |tag| {
        match tag {
            Tag::Start { name, .. } if name == b"table:table" => {
                (row, max_row, max_col) = (0, 0, 0);
            }
            Tag::Start { name, attrs, empty } if name == b"table:table-row" => {
                row_rep = attr_number(attrs, b"table:number-rows-repeated", 1 << 20);
                (col, valued) = (0, false);
                if empty {
                    row = row.saturating_add(row_rep);
                }
            }
            Tag::Start { name, attrs, empty }
                if name == b"table:table-cell" || name == b"table:covered-table-cell" =>
            {
                let reps = attr_number(attrs, b"table:number-columns-repeated", 1 << 14);
                if !empty
                    || attr(attrs, b"office:value-type").is_some()
                    || attr(attrs, b"table:formula").is_some()
                {
                    valued = true;
                    max_col = max_col.max(col.saturating_add(reps));
                }
                col = col.saturating_add(reps);
            }
            Tag::End { name } if name == b"table:table-row" => {
                if valued {
                    max_row = max_row.max(row.saturating_add(row_rep));
                }
                row = row.saturating_add(row_rep);
                too_big(max_row, max_col)?;
            }
            _ => {}
        }
        Ok(())
    })
}

/// Nesting and extent of an XLSX worksheet.
fn check_xlsx_sheet(xml: &[u8]) -> Result<(), String> {
    let local = |name: &[u8]| -> Vec<u8> {
        match name.iter().rposition(|&c| c == b':') {
            Some(p) => name[p + 1..].to_vec(),
            None => name.to_vec(),
        }
    };
    let (mut row, mut col) = (0u64, 0u64);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    scan_xml(xml, |tag| {
        if let Tag::Start { name, attrs, .. } = tag {
            match local(name).as_slice() {
                b"row" => {
                    row = match attr(attrs, b"r").and_then(|r| std::str::from_utf8(r).ok()) {
                        Some(r) => r.trim().parse::<u64>().unwrap_or(row + 1),
                        None => row + 1,
                    };
                    col = 0;
                }
                b"c" => {
                    col += 1;
                    if let Some(r) = attr(attrs, b"r") {
                        let letters = r.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                        let mut c = 0u64;
                        for l in &r[..letters] {
                            c = c.saturating_mul(26).saturating_add(
                                u64::from(l.to_ascii_uppercase().saturating_sub(b'A')) + 1,
                            );
                        }
                        let digits = std::str::from_utf8(&r[letters..])
                            .ok()
                            .and_then(|d| d.parse::<u64>().ok());
                        if c > 0 {
                            col = c;
                        }
                        if let Some(d) = digits {
                            row = row.max(d);
                        }
                    }
                    max_row = max_row.max(row.max(1));
                    max_col = max_col.max(col);
                    too_big(max_row, max_col)?;
                }
                _ => {}
            }
        }
        Ok(())
    })
}

/// The error of a workbook that cannot be read: what is wrong (`reason`, French), what to do,
/// and the library's own words in a short parenthesis (`detail`, from [`technical::detail`], or
/// empty).
pub(crate) fn unreadable_workbook(
    file: &str,
    kind: &str,
    reason: &str,
    detail: &str,
) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        "E-IMPORT-WORKBOOK-UNREADABLE",
        format!(
            "Le classeur {kind} est illisible : {reason}. Exportez-le à nouveau depuis CUS \
             indicateurs ; s'il a été retouché dans un tableur, enregistrez-le de nouveau au \
             format {kind} (sans mot de passe) puis importez cette copie{detail}."
        ),
        Location {
            file: Some(file.to_string()),
            ..Default::default()
        },
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xml_pre_check_refuses_unclosed_tables_and_huge_sheets() {
        let ok = br#"<?xml version="1.0"?><!-- c --><a x="<>"><b/><table:table table:name="x"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row></table:table></a>"#;
        assert_eq!(check_ods_content(ok), Ok(()));
        let cut = &ok[..ok.len() - 20];
        assert!(check_ods_content(cut).is_err());
        assert!(check_ods_content(b"<a><b></a></b>").is_err());
        let huge = br#"<t><table:table-row table:number-rows-repeated="100000"><table:table-cell table:number-columns-repeated="1000"><text:p>x</text:p></table:table-cell></table:table-row></t>"#;
        assert!(check_ods_content(huge)
            .unwrap_err()
            .contains("100000 lignes"));
        let empty_rows = br#"<t><table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></t>"#;
        assert_eq!(check_ods_content(empty_rows), Ok(()));
        assert_eq!(
            check_xlsx_sheet(br#"<w><row r="1"><c r="A1"/><c r="C1"/></row></w>"#),
            Ok(())
        );
        assert!(
            check_xlsx_sheet(br#"<w><row r="1"><c r="A1"/><c r="XFD1048576"/></row></w>"#).is_err()
        );
        assert_eq!(attr(b" a=\"1\" b = '2'", b"b"), Some(&b"2"[..]));
    }
}
