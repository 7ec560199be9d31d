//! The import of a CSV file ([`import`]): the header, a first pass over the lines (fields kept,
//! complements set aside), the file-level columns and the catalogue, a second pass over the
//! cells, then the convention assembled.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cus_core::catalogue::{Catalogue, Level, Period, Requirement};
use cus_core::convention::{
    parse_period_key, CatalogueRef, Cell, Convention, IndicatorSegmentation, Segment, Signature,
    SignedVersion, SplitKey, TerritoryKey, Value,
};
use cus_core::diagnostic::{Diagnostic, Location, Severity};

use crate::import::{check_format, checksum_note, codes, CellChecker, Problems};
use crate::{checksum, Format, Imported, Mode};

use super::*;

mod cells;

use cells::{read_cells, Cells, IndicatorSeen, SeenCell};

// The fields of a line kept between the two passes of the import, in this order, one after the
// other in one text (`Line::at`).
const F_CODE: usize = 0;
const F_TERRITORY: usize = 1;
const F_MEMBERS: usize = 2;
const F_PART: usize = 3;
const F_PERIOD: usize = 4;
const F_LEVELS: usize = 5;
const F_LABEL: usize = 6;
const F_VALUE: usize = 7;
/// The column of each kept field.
const KEPT: [usize; 8] = [
    C_INDICATEUR,
    C_TERRITOIRE,
    C_REPARTITION,
    C_PARTIE,
    C_PERIODE,
    C_NIVEAU,
    C_LIBELLE_TERRITOIRE,
    C_VALEUR,
];

/// A line of values kept for the second pass: its number and where its fields ([`clean`]) start
/// in the text of kept fields (the last offset is the end of the value). The members are
/// followed by a NUL (which no field holds: a file with one is refused), so that members and
/// part together are one slice.
struct Line {
    line: usize,
    at: [usize; KEPT.len() + 1],
}

impl Line {
    fn get<'t>(&self, kept: &'t str, f: usize) -> &'t str {
        let end = self.at[f + 1] - usize::from(f == F_MEMBERS);
        kept.get(self.at[f]..end).unwrap_or_default()
    }

    /// Members, NUL, part.
    fn split<'t>(&self, kept: &'t str) -> &'t str {
        kept.get(self.at[F_MEMBERS]..self.at[F_PART + 1])
            .unwrap_or_default()
    }
}

/// The number of line feeds in `bytes` (eight bytes at a time).
fn count_newlines(bytes: &[u8]) -> usize {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let mut chunks = bytes.chunks_exact(8);
    let mut n = 0;
    for c in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(c);
        // Zero bytes where the line feeds are; then the high bit of each zero byte, alone.
        let v = u64::from_ne_bytes(word) ^ 0x0A0A_0A0A_0A0A_0A0A;
        let zero = !(((v & LOW) + LOW) | v | LOW);
        n += zero.count_ones() as usize;
    }
    n + chunks.remainder().iter().filter(|&&b| b == b'\n').count()
}

/// Read a CSV file: its text, [`read_header`], [`first_pass`], [`file_columns`], the catalogue
/// and the choices, [`read_cells`] (`import/cells.rs`), the complements, [`segmentation`],
/// [`values_in_order`], [`assemble`].
pub fn import(
    bytes: &[u8],
    file_name: &str,
    cats: &[Catalogue],
) -> Result<Imported, Vec<Diagnostic>> {
    let mut p = Problems::new(file_name);
    let mut notes = Vec::new();
    let (text, note) = match decode(bytes, &p) {
        Ok(x) => x,
        Err(d) => {
            p.push(*d);
            return Err(p.into_vec());
        }
    };
    let text: &str = &text;
    notes.extend(note);
    if let Some(i) = text.find('\0') {
        let mut loc = p.at();
        loc.line = Some(crate::import::line_of(text, i));
        p.error(
            codes::ENCODING,
            "Le fichier contient des octets nuls : c'est un fichier binaire, pas un CSV de CUS \
             indicateurs."
                .to_string(),
            loc,
        );
        return Err(p.into_vec());
    }

    let header = read_header(text, file_name, &mut p, &mut notes);
    let Some(first) = header.and_then(|h| first_pass(text, h, file_name, &mut p)) else {
        return Err(p.into_vec());
    };
    let FirstPass {
        pos,
        first_meta,
        empreintes,
        mut codes_used,
        kept,
        lines,
        complements,
    } = first;
    let Some(FileColumns {
        mode,
        signing_year,
        geo_vintage,
    }) = file_columns(&first_meta, &empreintes, file_name, &mut p)
    else {
        return Err(p.into_vec());
    };
    let at_line = |line: usize| line_location(file_name, line);
    let meta = |k: usize| -> (String, usize) { first_meta[k].clone().unwrap_or_default() };
    // The indicators the organism added are not the catalogue's.
    if pos[C_RUBRIQUE].is_some() {
        for c in complements
            .iter()
            .filter(|c| c.rubrique.to_lowercase() == R_COMPL)
        {
            codes_used.remove(complementary_code(&c.key));
        }
    }
    let (cat_id, cl) = meta(C_CATALOGUE);
    let (cat_version, _) = meta(C_VERSION);
    let cat = match crate::resolve_catalogue(&cat_id, &cat_version, &codes_used, cats, &at_line(cl))
    {
        Ok((cat, note)) => {
            notes.extend(note);
            Some(cat)
        }
        Err(d) => {
            p.push(d);
            None
        }
    };
    let Some(cat) = cat else {
        return Err(p.into_vec());
    };
    // The choices first, wherever their lines are: the cells are checked against the catalogue
    // as the convention applies them (`Convention::view`).
    let choices = match pos[C_RUBRIQUE] {
        Some(_) => read_choices(&complements, &mut p),
        None => Choices::default(),
    };
    let view = choices.convention().view(cat);
    let cat: &Catalogue = &view;

    let cells = read_cells(&lines, &kept, cat, file_name, &mut p);
    // The complements, when the file has their columns (an export of an older version has not).
    // (The export writes the column `rubrique` even when there is no complement to write.)
    let stated = pos[C_RUBRIQUE]
        .is_some()
        .then(|| read_complements(&complements, cat, &mut p));
    let segmentation = segmentation(stated.as_ref(), &cells, cat, file_name, &mut p);
    if !p.is_empty() {
        return Err(p.into_vec());
    }
    let Cells {
        seen,
        indicators,
        territories,
        splits,
        departements,
        epci,
        segments,
    } = cells;
    let values = values_in_order(seen, &indicators, &territories, &splits);
    let mut conv = assemble(
        Assembly {
            cat_id,
            cat_version,
            signing_year,
            geo_vintage,
            siren: meta(C_SIREN).0,
            choices,
            values,
            segmentation,
            stated,
            departements,
            epci,
            segments,
            complements: &complements,
            empreintes: &empreintes,
        },
        cat,
        &p,
        &mut notes,
    );
    conv.catalogue = CatalogueRef {
        id: cat.id.clone(),
        version: cat.version.clone(),
    };
    let exported_at = Some(meta(C_EXPORTE_LE).0).filter(|s| !s.is_empty());
    Ok(Imported {
        convention: conv,
        format: Format::Csv,
        mode,
        exported_at,
        notes,
    })
}

/// Where a line of the file is.
fn line_location(file_name: &str, line: usize) -> Location {
    Location {
        file: Some(file_name.to_string()),
        line: Some(line),
        ..Default::default()
    }
}

/// The header read: the separator, the position in the file of each column of [`COLUMNS`], the
/// number of columns, and the reader of the lines after it.
struct Header<'t> {
    sep: u8,
    pos: [Option<usize>; COLUMNS.len()],
    width: usize,
    reader: ::csv::Reader<&'t [u8]>,
}

/// Read the header (a note for the columns ignored); `None` when the file cannot be read on.
fn read_header<'t>(
    text: &'t str,
    file_name: &str,
    p: &mut Problems,
    notes: &mut Vec<Diagnostic>,
) -> Option<Header<'t>> {
    // Header.
    let (sep, known) = sniff_separator(text);
    let at_line = |line: usize| Location {
        file: Some(file_name.to_string()),
        line: Some(line),
        ..Default::default()
    };
    let header_loc = || at_line(1);
    if known == 0 {
        let msg = format!(
            "Ligne 1 : la première ligne n'est pas l'en-tête d'un CSV de CUS indicateurs \
             (attendu : {}).",
            COLUMNS.join(";")
        );
        let loc = header_loc();
        p.error(codes::NOT_OURS, msg, loc);
        return None;
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = ::csv::StringRecord::new();
    if !matches!(reader.read_record(&mut header), Ok(true)) {
        let loc = header_loc();
        p.error(
            codes::NOT_OURS,
            "Ligne 1 : en-tête illisible.".to_string(),
            loc,
        );
        return None;
    }
    // Position of each column of COLUMNS in the file.
    let mut pos: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let mut extra = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = clean_name(name);
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if pos[k].is_some() => {
                let loc = header_loc();
                p.error(
                    codes::CSV_HEADER,
                    format!(
                        "Ligne 1, colonne {} : la colonne « {name} » apparaît deux fois ; \
                         supprimez l'une des deux.",
                        i + 1
                    ),
                    loc,
                );
            }
            Some(k) => pos[k] = Some(i),
            None if name.is_empty() => {}
            None => extra.push(name),
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| pos[COLUMNS.iter().position(|x| x == *c).unwrap_or(0)].is_none())
        .copied()
        .collect();
    if !missing.is_empty() {
        let loc = header_loc();
        p.error(
            codes::CSV_HEADER,
            format!(
                "Ligne 1 : colonnes manquantes dans l'en-tête : {}. Les colonnes d'un CSV de CUS \
                 indicateurs sont : {}.",
                missing.join(", "),
                COLUMNS.join(";")
            ),
            loc,
        );
    }
    if !p.is_empty() {
        return None;
    }
    if !extra.is_empty() {
        notes.push(Diagnostic::new(
            codes::CSV_EXTRA_COLUMN,
            Severity::Info,
            format!(
                "Colonnes ignorées (elles ne font pas partie du format) : {}.",
                extra.join(", ")
            ),
            header_loc(),
        ));
    }
    let width = header.len();
    Some(Header {
        sep,
        pos,
        width,
        reader,
    })
}

/// What the first pass keeps of the lines.
struct FirstPass {
    pos: [Option<usize>; COLUMNS.len()],
    /// The first field of each column that must stay the same on every line, with its line.
    first_meta: [Option<(String, usize)>; COLUMNS.len()],
    empreintes: BTreeSet<String>,
    /// The indicator codes the file uses (to resolve its catalogue).
    codes_used: BTreeSet<String>,
    /// The kept fields of every line of values, one after the other.
    kept: String,
    lines: Vec<Line>,
    complements: Vec<ComplementIn>,
}

/// First pass: the fields of every line, checked for their number and for the columns that
/// must stay the same; the fields of the cells kept, the complements set aside. `None` when
/// the file has a problem (or no line).
fn first_pass(text: &str, header: Header, file_name: &str, p: &mut Problems) -> Option<FirstPass> {
    let Header {
        sep,
        pos,
        width,
        mut reader,
    } = header;
    let header_loc = || line_location(file_name, 1);
    let ends_with_newline = text.ends_with('\n');

    // First pass: fields, line by line.
    let mut first_meta: [Option<(String, usize)>; COLUMNS.len()] = Default::default();
    // The field of `first_meta` as found in the file: a line with the same text agrees.
    let mut first_raw: [Option<Vec<u8>>; COLUMNS.len()] = Default::default();
    // The columns that must stay the same, present in the file: (position in COLUMNS, name,
    // position in the file).
    let same: Vec<(usize, &str, usize)> = SAME_ON_EVERY_LINE
        .iter()
        .filter_map(|name| {
            let k = COLUMNS.iter().position(|c| c == name).unwrap_or(0);
            pos[k].map(|i| (k, *name, i))
        })
        .collect();
    let mut empreintes: BTreeSet<String> = BTreeSet::new();
    let mut codes_used: BTreeSet<String> = BTreeSet::new();
    // The indicator field of the last line that went to `codes_used`.
    let mut last_code: Option<Vec<u8>> = None;
    // The kept fields of every line of values (`Line`), one after the other.
    let mut kept: Vec<u8> = Vec::with_capacity(text.len() / 2);
    let mut lines: Vec<Line> = Vec::new();
    let mut complements: Vec<ComplementIn> = Vec::new();
    // Lines are counted from byte offsets (a quoted field may span several lines).
    let (mut counted_to, mut counted_line) = (0usize, 1usize);
    // The csv crate gives the offset where it started reading the record, which may be the end
    // of the previous line break (or blank lines): the record starts after them.
    let mut line_at = |byte: usize| {
        let mut byte = byte.min(text.len()).max(counted_to);
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        counted_line += count_newlines(&text.as_bytes()[counted_to..byte]);
        counted_to = byte;
        counted_line
    };
    // Records are read one ahead, to know the last one. They are read as bytes: the text is
    // UTF-8, and so is every field, a part of it between ASCII separators and quotes
    // (`String::from_utf8_lossy` borrows it).
    let mut rec = ::csv::ByteRecord::new();
    let mut ahead = ::csv::ByteRecord::new();
    let mut ahead_read = reader.read_byte_record(&mut ahead);
    loop {
        std::mem::swap(&mut rec, &mut ahead);
        let read = std::mem::replace(&mut ahead_read, Ok(false));
        if matches!(read, Ok(false)) {
            break;
        }
        ahead_read = reader.read_byte_record(&mut ahead);
        let is_last = matches!(ahead_read, Ok(false));
        if let Err(e) = read {
            let mut loc = p.at();
            let line = line_at(e.position().map_or(0, |x| x.byte() as usize));
            loc.line = Some(line);
            p.error(
                codes::CSV_FIELDS,
                format!(
                    "Ligne {line} : ligne illisible : {}{}.",
                    crate::technical::csv(&e),
                    crate::technical::detail(&e)
                ),
                loc,
            );
            continue;
        }
        let rec = &rec;
        let line = line_at(rec.position().map_or(0, |x| x.byte() as usize));
        let blank = |f: &[u8]| {
            f.first()
                .is_none_or(|&b| !plain(b) && trim(&String::from_utf8_lossy(f)).is_empty())
        };
        if rec.iter().all(blank) {
            continue;
        }
        // A field as read, by its position in COLUMNS.
        let raw = |k: usize| pos[k].and_then(|i| rec.get(i)).unwrap_or_default();
        let loc = |p: &Problems| {
            let mut loc = p.at();
            loc.line = Some(line);
            loc
        };
        if rec.len() != width {
            if rec.len() < width && is_last && !ends_with_newline {
                let loc = loc(p);
                p.error(
                    codes::TRUNCATED,
                    format!(
                        "Ligne {line} : {} colonnes au lieu de {width}, et le fichier s'arrête sans \
                         fin de ligne : il est tronqué. Exportez-le à nouveau.",
                        rec.len()
                    ),
                    loc,
                );
            } else {
                let loc = loc(p);
                p.error(
                    codes::CSV_FIELDS,
                    format!(
                        "Ligne {line} : {} colonnes au lieu de {width} (celles de l'en-tête). Un \
                         texte contenant le séparateur « {} » doit être entre guillemets.",
                        rec.len(),
                        sep as char
                    ),
                    loc,
                );
            }
            continue;
        }
        for &(k, name, i) in &same {
            let raw = rec.get(i).unwrap_or_default();
            if first_raw[k].as_deref() == Some(raw) {
                continue;
            }
            let text = String::from_utf8_lossy(raw);
            let here = clean(&text, k);
            match &first_meta[k] {
                None => {
                    first_meta[k] = Some((here.into_owned(), line));
                    first_raw[k] = Some(raw.to_vec());
                }
                Some((v, l)) if *v != here => {
                    let loc = loc(p);
                    p.error(
                        codes::INCOHERENT,
                        format!(
                            "Ligne {line}, colonne « {name} » : « {here} » alors que la ligne {l} \
                             indique « {v} » ; cette colonne doit être identique sur toutes les \
                             lignes."
                        ),
                        loc,
                    );
                }
                Some(_) => {}
            }
        }
        if !raw(C_EMPREINTE).is_empty() {
            let text = String::from_utf8_lossy(raw(C_EMPREINTE));
            let empreinte = clean(&text, C_EMPREINTE);
            if !empreinte.is_empty() && !empreintes.contains(empreinte.as_ref()) {
                empreintes.insert(empreinte.into_owned());
            }
        }
        if !raw(C_RUBRIQUE).is_empty() {
            let field = |k: usize| clean(&String::from_utf8_lossy(raw(k)), k).into_owned();
            let c = ComplementIn {
                line,
                rubrique: field(C_RUBRIQUE),
                key: field(C_CLE),
                content: field(C_CONTENU),
            };
            let key = trim(c.key.strip_prefix('\'').unwrap_or(&c.key));
            match c.rubrique.as_str() {
                R_SEGMENTATION => {
                    codes_used.insert(key.to_string());
                }
                R_ACHIEVED | R_NUMERATOR | R_DENOMINATOR | R_JUSTIFICATION | R_CAUSE
                | R_COMMENT => {
                    codes_used.insert(key.split('|').next().unwrap_or_default().to_string());
                }
                R_VERSION_VALUE => {
                    codes_used.insert(key.split('|').nth(1).unwrap_or_default().to_string());
                }
                _ => {}
            }
            let only_complement = !c.rubrique.is_empty()
                && KEPT
                    .iter()
                    .filter(|&&k| k != C_LIBELLE_TERRITOIRE)
                    .all(|&k| blank(raw(k)));
            if !c.rubrique.is_empty() {
                complements.push(c);
            }
            if only_complement {
                continue;
            }
        }
        let raw_code = raw(C_INDICATEUR);
        // A code already seen on the previous line is in `codes_used` (or it is full).
        if codes_used.len() < 10_000 && last_code.as_deref() != Some(raw_code) {
            let text = String::from_utf8_lossy(raw_code);
            let code = clean(&text, C_INDICATEUR);
            if !codes_used.contains(code.as_ref()) {
                codes_used.insert(code.into_owned());
            }
            last_code = Some(raw_code.to_vec());
        }
        let mut at = [0; KEPT.len() + 1];
        for (f, k) in KEPT.into_iter().enumerate() {
            at[f] = kept.len();
            // The label serves only to name a segment.
            if f != F_LABEL || kept[at[F_TERRITORY]..at[F_MEMBERS]].starts_with(b"segment:") {
                let f = raw(k);
                if as_read(f, k) {
                    kept.extend_from_slice(f);
                } else {
                    kept.extend_from_slice(clean(&String::from_utf8_lossy(f), k).as_bytes());
                }
            }
            if f == F_MEMBERS {
                kept.push(0);
            }
        }
        at[KEPT.len()] = kept.len();
        lines.push(Line { line, at });
    }
    // UTF-8: the fields are.
    let kept = String::from_utf8(kept)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    if lines.is_empty() && complements.is_empty() && p.is_empty() {
        let loc = header_loc();
        p.error(
            codes::EMPTY,
            "Le fichier n'a aucune ligne de valeurs après l'en-tête.".to_string(),
            loc,
        );
    }
    if !p.is_empty() {
        return None;
    }
    Some(FirstPass {
        pos,
        first_meta,
        empreintes,
        codes_used,
        kept,
        lines,
        complements,
    })
}

/// The file-level columns read.
struct FileColumns {
    mode: Mode,
    signing_year: Option<i32>,
    geo_vintage: Option<u16>,
}

/// Read the file-level columns: the format (`None` when it is not one we read), the nature, the
/// years, the checksum (one).
fn file_columns(
    first_meta: &[Option<(String, usize)>; COLUMNS.len()],
    empreintes: &BTreeSet<String>,
    file_name: &str,
    p: &mut Problems,
) -> Option<FileColumns> {
    let at_line = |line: usize| line_location(file_name, line);
    // File-level columns.
    let meta = |k: usize| -> (String, usize) { first_meta[k].clone().unwrap_or_default() };
    let (format, fl) = meta(C_FORMAT);
    if let Some(mut d) = check_format(&format, p) {
        d.location.line = Some(fl);
        d.message = format!("Ligne {fl}, colonne « format » : {}", d.message);
        p.push(d);
        return None;
    }
    let (nature, nl) = meta(C_NATURE);
    let mode = Mode::parse(&nature).unwrap_or_else(|| {
        p.error(
            codes::NATURE,
            format!(
                "Ligne {nl}, colonne « nature » : « {nature} » n'est pas une nature de fichier ; \
                 attendu « brouillon » ou « final »."
            ),
            at_line(nl),
        );
        Mode::Brouillon
    });
    let mut year = |k: usize, name: &str| -> Option<String> {
        let (v, l) = meta(k);
        if v.is_empty() || v.parse::<u16>().is_ok() {
            return (!v.is_empty()).then_some(v);
        }
        p.error(
            codes::YEAR,
            format!(
                "Ligne {l}, colonne « {name} » : « {v} » n'est pas une année (attendu par \
                 exemple 2026, ou rien)."
            ),
            at_line(l),
        );
        None
    };
    let signing_year = year(C_ANNEE, "annee_signature").and_then(|v| v.parse::<i32>().ok());
    let geo_vintage = year(C_MILLESIME, "millesime_geo").and_then(|v| v.parse::<u16>().ok());
    if empreintes.len() > 1 {
        p.error(
            codes::INCOHERENT,
            "Colonne « empreinte » : plusieurs empreintes différentes ; le fichier mélange \
             plusieurs exports. Gardez les lignes d'un seul export."
                .to_string(),
            p.at(),
        );
    }
    Some(FileColumns {
        mode,
        signing_year,
        geo_vintage,
    })
}

/// The segmentation of the convention, by indicator code, with the line that states it.
fn segmentation(
    stated: Option<&Stated>,
    cells: &Cells,
    cat: &Catalogue,
    file_name: &str,
    p: &mut Problems,
) -> BTreeMap<String, (IndicatorSegmentation, usize)> {
    let at_line = |line: usize| line_location(file_name, line);
    let (indicators, territories) = (cells.indicators.as_slice(), cells.territories.as_slice());
    // Segmentation: what the complements state, then what the `niveau` column says of the
    // indicators they do not name (a mandatory indicator at its default levels stays out).
    let mut segmentation: BTreeMap<String, (IndicatorSegmentation, usize)> = stated
        .as_ref()
        .map(|s| s.segmentation.clone())
        .unwrap_or_default();
    for indicator in indicators {
        let Some((levels, line)) = &indicator.levels else {
            continue;
        };
        let Some(ind) = cat.indicator(indicator.code) else {
            continue;
        };
        let default: Vec<Level> = ind.levels.allowed.first().copied().into_iter().collect();
        match segmentation.get_mut(indicator.code) {
            // Levels left to the catalogue's default by the complements: the `niveau` column
            // says which the file used (the default of the catalogue it was written with: PP-5
            // and PS-3 by département before they were fixed for the organism), and is kept.
            Some((s, _)) if s.levels.is_empty() && *levels != default => {
                s.levels = levels.clone();
            }
            Some((s, stated_at)) => {
                let effective = if s.levels.is_empty() {
                    &default
                } else {
                    &s.levels
                };
                if effective != levels {
                    let words = |l: &[Level]| {
                        l.iter()
                            .map(|x| level_word(*x))
                            .collect::<Vec<_>>()
                            .join("+")
                    };
                    p.error(
                        codes::LEVEL,
                        format!(
                            "Ligne {line}, colonne « niveau » : « {} » alors que la rubrique \
                             « segmentation » de la ligne {stated_at} indique « {} » pour {} ; \
                             un indicateur a une seule maille.",
                            words(levels),
                            words(effective),
                            indicator.code
                        ),
                        at_line(*line),
                    );
                }
            }
            // An indicator used in any case (mandatory, or added by the organism) at its default
            // levels is not in the segmentation.
            None if !(ind.requirement == Requirement::Obligatoire || ind.hors_reglement)
                || *levels != default =>
            {
                segmentation.insert(
                    indicator.code.to_string(),
                    (
                        IndicatorSegmentation {
                            levels: levels.clone(),
                            rows: None,
                        },
                        *line,
                    ),
                );
            }
            None => {}
        }
    }
    // Explicit rows: the territories of the indicator's grid lines, in their order.
    for (code, line) in stated.iter().flat_map(|s| &s.explicit_rows) {
        match segmentation.get_mut(code) {
            Some((seg, _)) => {
                seg.rows = Some(
                    indicators
                        .iter()
                        .filter(|i| i.code == code)
                        .flat_map(|i| &i.rows)
                        .map(|&t| territories[t].1.clone())
                        .collect(),
                );
            }
            None => p.error(
                codes::CSV_COMPLEMENT,
                format!(
                    "Ligne {line}, colonne « cle » : « {R_ROWS} » pour {code}, qui n'a pas de \
                     rubrique « {R_SEGMENTATION} » : ajoutez-la, ou supprimez cette ligne."
                ),
                at_line(*line),
            ),
        }
    }
    segmentation
}

/// The values of the cells accepted, in key order.
fn values_in_order(
    seen: HashMap<String, SeenCell>,
    indicators: &[IndicatorSeen],
    territories: &[(&str, TerritoryKey, bool)],
    splits: &[(SplitKey, String)],
) -> Vec<(u128, String, Value)> {
    // The values, in key order. `BTreeMap::from_iter` sorts them by key, quickly when they are
    // nearly sorted: they are first sorted by the order of the parts of their keys, the order of
    // the keys themselves unless a part holds a `|`.
    let order = |texts: Vec<&str>| -> Vec<u32> {
        let mut by_text: Vec<usize> = (0..texts.len()).collect();
        by_text.sort_by(|&a, &b| {
            let piece = |i: usize| texts[i].as_bytes().iter().chain(b"|");
            piece(a).cmp(piece(b))
        });
        let mut rank = vec![0; texts.len()];
        for (r, i) in by_text.into_iter().enumerate() {
            rank[i] = r as u32;
        }
        rank
    };
    let indicator_rank = order(indicators.iter().map(|i| i.code).collect());
    let territory_rank = order(territories.iter().map(|t| t.0).collect());
    let split_rank = order(splits.iter().map(|s| s.1.as_str()).collect());
    let period_rank = |p: Period| match p {
        Period::Year(n) => u128::from(n),
        Period::Cumulative(n) => 0x100 + u128::from(n),
        Period::Reference => 0x200,
    };
    let mut values: Vec<(u128, String, Value)> = seen
        .into_iter()
        .filter_map(|(k, c)| {
            let (i, t, s, p) = c.parts;
            let rank = u128::from(indicator_rank[i]) << 96
                | u128::from(territory_rank[t]) << 64
                | u128::from(split_rank[s]) << 32
                | period_rank(p);
            Some((rank, k, c.value?))
        })
        .collect();
    values.sort_unstable_by_key(|v| v.0);
    values
}

/// What the convention is assembled from.
struct Assembly<'a> {
    cat_id: String,
    cat_version: String,
    signing_year: Option<i32>,
    geo_vintage: Option<u16>,
    siren: String,
    choices: Choices,
    values: Vec<(u128, String, Value)>,
    segmentation: BTreeMap<String, (IndicatorSegmentation, usize)>,
    stated: Option<Stated>,
    departements: Vec<String>,
    epci: Vec<String>,
    segments: Vec<Segment>,
    complements: &'a [ComplementIn],
    empreintes: &'a BTreeSet<String>,
}

/// The convention, from the complements when the file has them (else from the territories of
/// its grid lines, with a note), and the notes on its bases and checksum.
fn assemble(a: Assembly, cat: &Catalogue, p: &Problems, notes: &mut Vec<Diagnostic>) -> Convention {
    let Assembly {
        cat_id,
        cat_version,
        signing_year,
        geo_vintage,
        siren,
        choices,
        values,
        segmentation,
        stated,
        departements,
        epci,
        segments,
        complements,
        empreintes,
    } = a;
    // The convention.
    let mut conv = Convention {
        catalogue: CatalogueRef {
            id: cat_id,
            version: cat_version,
        },
        signing_year,
        geo_vintage,
        ..Default::default()
    };
    conv.organisme.siren = siren;
    conv.units = choices.units;
    conv.periodicity = choices.periodicity;
    conv.part_units = choices.part_units;
    conv.bases = choices.bases;
    conv.complementary = choices.complementary;
    conv.values = values.into_iter().map(|(_, k, v)| (k, v)).collect();
    conv.segmentation = segmentation
        .into_iter()
        .map(|(code, (seg, _))| (code, seg))
        .collect();
    match stated {
        Some(st) => {
            conv.name = st.name.unwrap_or_default();
            conv.organisme.raison_sociale = st.raison.unwrap_or_default();
            conv.organisme.kind = st.kind;
            conv.organisme.siege_departement = st.siege;
            conv.departements = st.departements;
            conv.epci = st.epci;
            conv.segments = st.segments;
            conv.stock = st.stock;
            conv.acknowledged = st.acknowledged;
            conv.signature = match st.signature {
                (Some((date, _)), Some((label, _))) => Some(Signature { date, label }),
                _ => None,
            };
            conv.versions = st
                .versions
                .into_values()
                .map(|(date, label, values, _)| SignedVersion {
                    signature: Signature {
                        date: date.unwrap_or_default(),
                        label: label.unwrap_or_default(),
                    },
                    values,
                })
                .collect();
            conv.achievements = st.achievements;
            if !st.ignored.is_empty() {
                let lines: Vec<String> = st
                    .ignored
                    .iter()
                    .map(|(r, l)| format!("« {r} » (ligne {l})"))
                    .collect();
                notes.push(Diagnostic::warning(
                    codes::CSV_COMPLEMENT_IGNORED,
                    format!(
                        "Rubriques inconnues de la colonne « rubrique », non reprises : {}. Elles \
                         viennent sans doute d'une version plus récente de l'application : \
                         mettez-la à jour, ou importez l'export ODS ou JSON de la même \
                         convention.",
                        lines.join(", ")
                    ),
                    p.at(),
                ));
            }
        }
        None => {
            conv.departements = departements;
            conv.epci = epci;
            conv.segments = segments;
            notes.push(Diagnostic::warning(
                codes::CSV_PARTIAL,
                "Ce CSV n'a pas de compléments (colonnes « rubrique », « cle », « contenu ») : il \
                 vient d'une version antérieure de l'application, ou ces colonnes ont été \
                 retirées. Ont été repris les valeurs, les territoires, les mailles, le catalogue \
                 et le SIREN ; le nom du brouillon, la raison sociale, la catégorie et le siège \
                 de l'organisme, le département, la ZUS et la catégorie des segments, les \
                 logements détenus, les avertissements pris en compte, et la signature, les \
                 versions remplacées, les réalisations, les unités, périodicités et parts en % \
                 choisies et les bases s'il y en avait, n'ont pas pu l'être : complétez-les, ou \
                 importez plutôt l'export ODS ou JSON de la même convention."
                    .to_string(),
                p.at(),
            ));
        }
    }
    let base_line = complements
        .iter()
        .find(|c| c.rubrique.to_lowercase() == R_BASE)
        .map(|c| c.line);
    let mut base_loc = p.at();
    base_loc.line = base_line;
    notes.extend(crate::import::unknown_bases_note(&conv, cat, base_loc));
    if let Some(e) = empreintes.iter().next() {
        if *e != checksum(&conv) {
            notes.push(checksum_note(p, "CSV"));
        }
    }
    conv
}
