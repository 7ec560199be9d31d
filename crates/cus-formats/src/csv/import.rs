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

/// A cell of the second pass: its line, its value when the line is accepted, and the parts of
/// its key (numbers of its indicator, territory and split in the second pass; period).
struct SeenCell {
    line: usize,
    value: Option<Value>,
    parts: (usize, usize, usize, Period),
}

/// What the second pass knows of an indicator code of the file.
struct IndicatorSeen<'t> {
    code: &'t str,
    /// Its splits and periods in the catalogue, as [`CellChecker`] sees them (the last
    /// indicator of that code); `None` when the catalogue does not have it.
    known: Option<(Vec<SplitKey>, Vec<Period>)>,
    /// By split number: whether it is a split of the indicator (`None`: not looked at yet).
    split_known: Vec<Option<bool>>,
    /// Its levels, and the line that gave them.
    levels: Option<(Vec<Level>, usize)>,
    /// The territories of its grid lines (numbers in the second pass), in order.
    rows: Vec<usize>,
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

/// Read a CSV file.
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
        return Err(p.into_vec());
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
        return Err(p.into_vec());
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
        return Err(p.into_vec());
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
                let loc = loc(&p);
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
                let loc = loc(&p);
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
                    let loc = loc(&p);
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
        return Err(p.into_vec());
    }

    // File-level columns.
    let meta = |k: usize| -> (String, usize) { first_meta[k].clone().unwrap_or_default() };
    let (format, fl) = meta(C_FORMAT);
    if let Some(mut d) = check_format(&format, &p) {
        d.location.line = Some(fl);
        d.message = format!("Ligne {fl}, colonne « format » : {}", d.message);
        p.push(d);
        return Err(p.into_vec());
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

    // Second pass: cells. What is parsed or looked up once per distinct text is kept, by text:
    // indicators, territories, splits, levels. The checks and their order are those of a line
    // read on its own; a problem is described by the same code as a line read on its own would
    // be (the `CellChecker` for the catalogue checks).
    let kept = kept.as_str();
    let mut checker: Option<CellChecker> = None;
    let (mut departements, mut epci, mut segments) = (Vec::new(), Vec::new(), Vec::new());
    // Every cell seen, by key.
    let mut seen: HashMap<String, SeenCell> = HashMap::with_capacity(lines.len());
    let mut indicators: Vec<IndicatorSeen> = Vec::new();
    let mut indicator_of: HashMap<&str, usize> = HashMap::new();
    // Territories read: text, territory, whether a grid line declared it. (The text is also the
    // territory's key: `TerritoryKey` writes back what it parsed.)
    let mut territories: Vec<(&str, TerritoryKey, bool)> = Vec::new();
    let mut territory_of: HashMap<&str, usize> = HashMap::new();
    // Splits read, with their key.
    let mut splits: Vec<(SplitKey, String)> = Vec::new();
    let mut split_of: HashMap<&str, usize> = HashMap::new();
    let mut parsed_levels: Vec<Option<Vec<Level>>> = Vec::new();
    let mut levels_of_text: HashMap<&str, usize> = HashMap::new();
    // What the previous line gave (indicator, territory, split, levels), by text.
    let mut last_indicator: Option<(&str, usize)> = None;
    let mut last_territory: Option<(&str, usize)> = None;
    let mut last_split: Option<(&str, usize)> = None;
    let mut last_levels: Option<(&str, usize)> = None;
    for l in &lines {
        let line = l.line;
        let col = |name: &str, msg: String| format!("Ligne {line}, colonne « {name} » : {msg}");
        let code = l.get(kept, F_CODE);
        // Built only for a problem.
        let at = |cell: Option<&str>| Location {
            indicator: Some(code.to_string()),
            cell: cell.map(str::to_string),
            ..at_line(line)
        };
        let ind = match last_indicator {
            Some((c, i)) if c == code => i,
            _ => {
                let i = *indicator_of.entry(code).or_insert_with(|| {
                    // As `CellChecker` builds its map: the last indicator of a code wins.
                    let known = cat
                        .indicators
                        .iter()
                        .rev()
                        .find(|i| i.code == code)
                        .map(|i| (cus_core::convention::splits(i), i.periods.periods()));
                    indicators.push(IndicatorSeen {
                        code,
                        known,
                        split_known: Vec::new(),
                        levels: None,
                        rows: Vec::new(),
                    });
                    indicators.len() - 1
                });
                last_indicator = Some((code, i));
                i
            }
        };
        let territory_text = l.get(kept, F_TERRITORY);
        let territory = match last_territory {
            Some((t, i)) if t == territory_text => i,
            _ => {
                let i = match territory_of.get(territory_text) {
                    Some(&i) => i,
                    None => match territory_text.parse::<TerritoryKey>() {
                        Ok(t) => {
                            territories.push((territory_text, t, false));
                            territory_of.insert(territory_text, territories.len() - 1);
                            territories.len() - 1
                        }
                        Err(m) => {
                            p.error(codes::TERRITORY, col("territoire", m), at(None));
                            continue;
                        }
                    },
                };
                last_territory = Some((territory_text, i));
                i
            }
        };
        let split_text = l.split(kept);
        let split = match last_split {
            Some((s, i)) if s == split_text => i,
            _ => {
                let i = match split_of.get(split_text) {
                    Some(&i) => i,
                    None => {
                        let members = l.get(kept, F_MEMBERS);
                        let Some(split) = parse_split(members, l.get(kept, F_PART)) else {
                            p.error(
                                codes::SPLIT,
                                col(
                                    "repartition",
                                    format!(
                                        "« {members} » n'est pas une répartition (membres \
                                         séparés par +, par exemple PLAI ou total)."
                                    ),
                                ),
                                at(None),
                            );
                            continue;
                        };
                        let key = split.key();
                        splits.push((split, key));
                        split_of.insert(split_text, splits.len() - 1);
                        splits.len() - 1
                    }
                };
                last_split = Some((split_text, i));
                i
            }
        };
        let period_text = l.get(kept, F_PERIOD);
        let Some(period) = parse_period_key(period_text) else {
            p.error(
                codes::PERIOD,
                col(
                    "periode",
                    format!("« {period_text} » n'est pas une période (ref, a1 à a6, c3, c6…)."),
                ),
                at(None),
            );
            continue;
        };
        let indicator = &mut indicators[ind];
        let in_catalogue = match &indicator.known {
            None => false,
            Some((ind_splits, periods)) => {
                if indicator.split_known.len() <= split {
                    indicator.split_known.resize(split + 1, None);
                }
                let known = *indicator.split_known[split]
                    .get_or_insert_with(|| ind_splits.contains(&splits[split].0));
                known && periods.contains(&period)
            }
        };
        if !in_catalogue {
            let cell = Cell {
                indicator: code.to_string(),
                territory: territories[territory].1.clone(),
                split: splits[split].0.clone(),
                period,
            };
            let checker = checker.get_or_insert_with(|| CellChecker::new(cat));
            if let Some((problem, msg)) = checker.problem(&cell) {
                let column = match problem {
                    codes::SPLIT => "repartition",
                    codes::PERIOD => "periode",
                    _ => "indicateur",
                };
                p.error(problem, col(column, msg), at(None));
                continue;
            }
        }
        // The key of the cell, as `Cell::key` writes it.
        let (split_key, period_short) = (splits[split].1.as_str(), period_str(period));
        let key = cus_core::convention::key::cell_key(
            code,
            territory_text,
            split_key,
            period_short.as_ref(),
        );
        let parts = (ind, territory, split, period);
        let slot = match seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut e) => {
                let other = std::mem::replace(&mut e.get_mut().line, line);
                let key = e.key();
                p.error(
                    codes::CSV_DUPLICATE,
                    col(
                        "valeur",
                        format!(
                            "la cellule {key} figure déjà ligne {other} ; gardez une seule \
                             ligne par cellule."
                        ),
                    ),
                    at(Some(key)),
                );
                continue;
            }
            std::collections::hash_map::Entry::Vacant(e) => e,
        };
        let niveau = trim(l.get(kept, F_LEVELS));
        let has_levels = !niveau.is_empty();
        if has_levels {
            let parsed = match last_levels {
                Some((n, i)) if n == niveau => i,
                _ => {
                    let i = *levels_of_text.entry(niveau).or_insert_with(|| {
                        let parsed: Option<Vec<Level>> =
                            niveau.split('+').map(parse_level).collect();
                        parsed_levels.push(parsed.filter(|l| !l.is_empty()));
                        parsed_levels.len() - 1
                    });
                    last_levels = Some((niveau, i));
                    i
                }
            };
            let Some(levels) = &parsed_levels[parsed] else {
                p.error(
                    codes::LEVEL,
                    col(
                        "niveau",
                        format!(
                            "« {niveau} » n'est pas une maille ; attendu organisme, region, \
                             departement, epci ou segment, éventuellement combinés par + \
                             (departement+epci), ou rien pour une valeur hors grille."
                        ),
                    ),
                    at(Some(slot.key())),
                );
                slot.insert(SeenCell {
                    line,
                    value: None,
                    parts,
                });
                continue;
            };
            let territory_key = &territories[territory].1;
            if !levels.contains(&territory_key.level()) {
                p.error(
                    codes::LEVEL,
                    col(
                        "niveau",
                        format!(
                            "le territoire {territory_key} n'est pas de la maille « {niveau} » \
                             indiquée."
                        ),
                    ),
                    at(Some(slot.key())),
                );
                slot.insert(SeenCell {
                    line,
                    value: None,
                    parts,
                });
                continue;
            }
            match &indicator.levels {
                Some((l, first)) if l != levels => {
                    let words: Vec<&str> = l.iter().map(|x| level_word(*x)).collect();
                    p.error(
                        codes::LEVEL,
                        col(
                            "niveau",
                            format!(
                                "« {niveau} » alors que la ligne {first} indique « {} » pour \
                                 {code} ; un indicateur a une seule maille.",
                                words.join("+")
                            ),
                        ),
                        at(Some(slot.key())),
                    );
                    slot.insert(SeenCell {
                        line,
                        value: None,
                        parts,
                    });
                    continue;
                }
                Some(_) => {}
                None => indicator.levels = Some((levels.clone(), line)),
            }
        }
        if has_levels {
            let rows = &mut indicators[ind].rows;
            if rows.last() != Some(&territory) && !rows.contains(&territory) {
                rows.push(territory);
            }
        }
        // A grid line declares its territory (first appearance gives the order); an orphan
        // line does not.
        let (_, territory_key, declared) = &mut territories[territory];
        if has_levels && !*declared {
            *declared = true;
            match territory_key {
                TerritoryKey::Departement(d) => departements.push(d.clone()),
                TerritoryKey::Epci(e) => epci.push(e.clone()),
                TerritoryKey::Segment(s) => {
                    let label = l.get(kept, F_LABEL);
                    let prefix = format!("Segment {s} — ");
                    segments.push(Segment {
                        id: s.clone(),
                        name: label.strip_prefix(&prefix).unwrap_or_default().to_string(),
                        ..Default::default()
                    });
                }
                _ => {}
            }
        }
        slot.insert(SeenCell {
            line,
            value: read_value(l.get(kept, F_VALUE)),
            parts,
        });
    }
    // The complements, when the file has their columns (an export of an older version has not).
    // (The export writes the column `rubrique` even when there is no complement to write.)
    let stated = pos[C_RUBRIQUE]
        .is_some()
        .then(|| read_complements(&complements, cat, &mut p));
    // Segmentation: what the complements state, then what the `niveau` column says of the
    // indicators they do not name (a mandatory indicator at its default levels stays out).
    let mut segmentation: BTreeMap<String, (IndicatorSegmentation, usize)> = stated
        .as_ref()
        .map(|s| s.segmentation.clone())
        .unwrap_or_default();
    for indicator in &indicators {
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
    if !p.is_empty() {
        return Err(p.into_vec());
    }
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
    conv.organisme.siren = meta(C_SIREN).0;
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
            notes.push(checksum_note(&p, "CSV"));
        }
    }
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
