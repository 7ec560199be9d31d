//! The checks of a workbook before calamine reads it ([`precheck`]): a zip, not a zip bomb,
//! sheets of well-nested XML and of a reasonable extent; and the error of a workbook that cannot
//! be read ([`unreadable_workbook`]).

use std::borrow::Cow;

use cus_core::diagnostic::{Diagnostic, Location};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

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

/// One tag met by [`scan_xml`]: its name (up to the first ASCII whitespace, or the whole of a
/// closing tag without the whitespace around it) and, for an opening tag, the tag itself.
enum Tag<'t> {
    Start {
        name: &'t str,
        tag: &'t BytesStart<'t>,
        empty: bool,
    },
    End {
        name: &'t str,
    },
}

/// The tags of an XML document in order, read with quick-xml (the parser calamine reads the
/// sheets with): comments, CDATA, processing instructions, texts and references skipped; an
/// error when a markup is not closed, a `<!` is neither a comment nor CDATA (a DOCTYPE
/// included), a tag has no name, or elements are not properly nested. Bytes that are not UTF-8
/// are read as U+FFFD (the markup is ASCII, so its shape is unchanged).
///
/// A closing tag ends at its first `>`, even within quotes, and a `<?>` does not end the
/// processing instruction it opens: where quick-xml reads these otherwise, reading resumes
/// after them, so that the files accepted and refused, and the messages, stay those of the
/// scanner this replaces.
fn scan_xml(xml: &[u8], mut each: impl FnMut(Tag<'_>) -> Result<(), String>) -> Result<(), String> {
    let text = String::from_utf8_lossy(xml);
    let text: &str = &text;
    // The names of the open elements, one after the other, and where each starts.
    let (mut open, mut starts) = (String::new(), Vec::<usize>::new());
    let (mut reader, mut base) = xml_reader(text, 0);
    loop {
        let at = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = reader.read_event();
        let resume = match event {
            Ok(Event::Start(ref tag) | Event::Empty(ref tag)) => {
                let content: &str = tag;
                let name = &content[..content
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(content.len())];
                if name.is_empty() {
                    return Err("balise sans nom".to_string());
                }
                let empty = matches!(event, Ok(Event::Empty(_)));
                each(Tag::Start { name, tag, empty })?;
                if !empty {
                    starts.push(open.len());
                    open.push_str(name);
                }
                None
            }
            Ok(Event::DocType(_)) => return Err("déclaration <! inattendue".to_string()),
            Ok(Event::Eof) => break,
            Ok(Event::End(_)) | Err(_) => {
                // The markup read (or not) starts at the first `<` from where this read began.
                let p = at + text[at..].find('<').unwrap_or(0);
                let rest = &text[p..];
                let skip = |open: usize, close: &str| {
                    rest.get(open..)
                        .and_then(|r| r.find(close))
                        .map(|e| p + open + e + close.len())
                        .ok_or_else(|| {
                            "fin de fichier dans un commentaire ou une déclaration".to_string()
                        })
                };
                if rest.starts_with("</") {
                    let end = rest.find('>').ok_or("balise fermante non terminée")?;
                    let name = rest[2..end].trim_ascii();
                    match starts.pop() {
                        Some(start) if open[start..] == *name => open.truncate(start),
                        _ => return Err(format!("balise </{name}> mal placée")),
                    }
                    each(Tag::End { name })?;
                    Some(p + end + 1)
                } else if rest.starts_with("<!--") {
                    Some(skip(4, "-->")?)
                } else if rest.starts_with("<![CDATA[") {
                    Some(skip(9, "]]>")?)
                } else if rest.starts_with("<?") {
                    Some(skip(2, "?>")?)
                } else if rest.starts_with("<!") {
                    return Err("déclaration <! inattendue".to_string());
                } else {
                    return Err("balise non terminée".to_string());
                }
            }
            Ok(_) => None,
        };
        if let Some(next) = resume {
            let now = base + usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            if event.is_err() || next != now {
                (reader, base) = xml_reader(text, next);
            }
        }
    }
    if let Some(&start) = starts.last() {
        return Err(format!(
            "élément <{}> jamais fermé (contenu tronqué ?)",
            &open[start..]
        ));
    }
    Ok(())
}

/// A quick-xml reader of `text` from byte `from`, and the position in `text` of what it reads
/// first (after the byte order mark it skips).
fn xml_reader(text: &str, from: usize) -> (Reader<&[u8]>, usize) {
    let rest = &text[from..];
    let mut reader = Reader::from_str(rest);
    let config = reader.config_mut();
    // Texts are not looked at, and the nesting is checked by `scan_xml`.
    config.allow_dangling_amp = true;
    config.allow_unmatched_ends = true;
    config.check_end_names = false;
    let bom = if rest.starts_with('\u{feff}') { 3 } else { 0 };
    (reader, from + bom)
}

/// The value of an attribute of a start tag, unescaped as written (`None` once the
/// attributes stop being well formed).
fn attr<'t>(tag: &'t BytesStart<'_>, key: &str) -> Option<Cow<'t, str>> {
    for a in tag.attributes().with_checks(false) {
        let a = a.ok()?;
        if a.key.as_ref() == key {
            return Some(a.value);
        }
    }
    None
}

fn attr_number(tag: &BytesStart, key: &str, max: u64) -> u64 {
    attr(tag, key)
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
            Tag::Start {
                name: "table:table",
                ..
            } => {
                (row, max_row, max_col) = (0, 0, 0);
            }
            Tag::Start {
                name: "table:table-row",
                tag,
                empty,
            } => {
                row_rep = attr_number(tag, "table:number-rows-repeated", 1 << 20);
                (col, valued) = (0, false);
                if empty {
                    row = row.saturating_add(row_rep);
                }
            }
            Tag::Start { name, tag, empty }
                if name == "table:table-cell" || name == "table:covered-table-cell" =>
            {
                let reps = attr_number(tag, "table:number-columns-repeated", 1 << 14);
                if !empty
                    || attr(tag, "office:value-type").is_some()
                    || attr(tag, "table:formula").is_some()
                {
                    valued = true;
                    max_col = max_col.max(col.saturating_add(reps));
                }
                col = col.saturating_add(reps);
            }
            Tag::End {
                name: "table:table-row",
            } => {
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
    let local = |name: &str| -> String {
        match name.rfind(':') {
            Some(p) => name[p + 1..].to_string(),
            None => name.to_string(),
        }
    };
    let (mut row, mut col) = (0u64, 0u64);
    let (mut max_row, mut max_col) = (0u64, 0u64);
    scan_xml(xml, |t| {
        if let Tag::Start { name, tag, .. } = t {
            match local(name).as_str() {
                "row" => {
                    row = match attr(tag, "r") {
                        Some(r) => r.trim().parse::<u64>().unwrap_or(row + 1),
                        None => row + 1,
                    };
                    col = 0;
                }
                "c" => {
                    col += 1;
                    if let Some(r) = attr(tag, "r") {
                        let r = r.as_bytes();
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
        let tag = BytesStart::from_content(" a=\"1\" b = '2'", 0);
        assert_eq!(attr(&tag, "b").as_deref(), Some("2"));
    }
}
