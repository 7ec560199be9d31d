//! CSV format (specification: `docs/FORMAT.md`): one line per cell (indicator × territory ×
//! split × period), UTF-8 with BOM, `;` separator, CRLF line ends, numbers with a decimal comma
//! (what French Excel and LibreOffice expect with `;`).
//!
//! Columns, in this order (the import finds them by name, in any order):
//! `format;nature;exporte_le;empreinte;catalogue;version_catalogue;siren;annee_signature;`
//! `millesime_geo;indicateur;niveau;territoire;libelle_territoire;repartition;partie;periode;`
//! `valeur;unite;rubrique;cle;contenu`.
//!
//! Every cell of the convention's grids has a line (an empty `valeur` when it is not filled),
//! the grids being those of the catalogue as the convention applies it (`Convention::view`: the
//! indicators the organism added come last, their `unite` marked « (hors règlement) »),
//! followed by the values kept on keys that are no longer cells (orphans), with an empty `niveau`.
//! The last three columns carry the *complements*, everything else of the convention (name,
//! organism, declared territories, segments, segmentation, dwellings owned, acknowledged
//! warnings, signature, versions and achievements, and the choices of format 3: units,
//! periodicities, part units, bases, complementary indicators), one per line from the first line
//! on, so that a CSV gives back the whole convention. On import the choices are read first,
//! wherever their lines are, then every cell is checked against the view they give. A file
//! without these columns (an export of an earlier version) is still read, with a note saying
//! what it could not carry.
//!
//! Import accepts what Excel and LibreOffice write back: with or without BOM, UTF-8, UTF-16 with
//! BOM, or Windows-1252 (with a note), `;`, `,` or tab separators (sniffed from the header),
//! decimal comma or point, LF or CRLF, columns reordered, extra columns ignored (with a note).

//!
//! Files: `text.rs` (the text of the file and of its fields), `complements.rs` (the columns
//! `rubrique`, `cle`, `contenu` read back), `import.rs` (the import, in passes; the second, over
//! the cells, in `import/cells.rs`).

mod complements;
mod import;
mod text;

use complements::{
    complementary_code, read_choices, read_complements, Choices, ComplementIn, Stated,
};
pub use import::import;
use text::{as_read, clean, clean_name, decode, period_str, plain, sniff_separator, trim};

use std::collections::HashMap;

use cus_core::catalogue::{Indicator, Level, PartShare, UnitForm};
use cus_core::convention::{
    part_share, period_key, Cell, Convention, Origin, SplitKey, TerritoryKey, Value,
};
use cus_core::organisme::OrganismeKind;

use crate::choices::{base_key, enum_word, periods_words};
use crate::{checksum, neutralise, ExportInput};

/// The columns, in the order written.
pub const COLUMNS: [&str; 21] = [
    "format",
    "nature",
    "exporte_le",
    "empreinte",
    "catalogue",
    "version_catalogue",
    "siren",
    "annee_signature",
    "millesime_geo",
    "indicateur",
    "niveau",
    "territoire",
    "libelle_territoire",
    "repartition",
    "partie",
    "periode",
    "valeur",
    "unite",
    "rubrique",
    "cle",
    "contenu",
];

/// Columns the import cannot do without.
pub const REQUIRED: [&str; 11] = [
    "format",
    "nature",
    "catalogue",
    "version_catalogue",
    "indicateur",
    "niveau",
    "territoire",
    "repartition",
    "partie",
    "periode",
    "valeur",
];

/// Columns that must hold the same value on every line.
const SAME_ON_EVERY_LINE: [&str; 8] = [
    "format",
    "nature",
    "exporte_le",
    "catalogue",
    "version_catalogue",
    "siren",
    "annee_signature",
    "millesime_geo",
];

// Positions in COLUMNS.
const C_FORMAT: usize = 0;
const C_NATURE: usize = 1;
const C_EXPORTE_LE: usize = 2;
const C_EMPREINTE: usize = 3;
const C_CATALOGUE: usize = 4;
const C_VERSION: usize = 5;
const C_SIREN: usize = 6;
const C_ANNEE: usize = 7;
const C_MILLESIME: usize = 8;
const C_INDICATEUR: usize = 9;
const C_NIVEAU: usize = 10;
const C_TERRITOIRE: usize = 11;
const C_LIBELLE_TERRITOIRE: usize = 12;
const C_REPARTITION: usize = 13;
const C_PARTIE: usize = 14;
const C_PERIODE: usize = 15;
const C_VALEUR: usize = 16;
const C_RUBRIQUE: usize = 18;
const C_CLE: usize = 19;
const C_CONTENU: usize = 20;

// The complements (columns `rubrique`, `cle`, `contenu`): what a cell line cannot say. They sit
// on the first lines of the file, independent of the cell of their line (a line of their own,
// with empty cell columns, when there are more complements than cells).
const R_NAME: &str = "nom";
const R_RAISON: &str = "raison-sociale";
const R_KIND: &str = "categorie-organisme";
const R_SIEGE: &str = "siege-departement";
const R_TERRITORY: &str = "territoire";
const R_SEGMENT: &str = "segment";
const R_SEGMENT_DEP: &str = "segment-departement";
const R_SEGMENT_ZUS: &str = "segment-zus";
const R_SEGMENT_CAT: &str = "segment-categorie";
const R_SEGMENTATION: &str = "segmentation";
const R_ROWS: &str = "lignes-explicites";
const R_STOCK: &str = "logements";
const R_ACK: &str = "avertissement-acquitte";
const R_UNIT: &str = "unite";
// Format 3: the organism's choices where the texts are silent, and the indicators it added.
const R_PERIODICITY: &str = "periodicite";
const R_PART_UNIT: &str = "unite-parts";
const R_BASE: &str = "base";
const R_COMPL: &str = "indicateur-complementaire";
const R_COMPL_KIND: &str = "complementaire-nature";
const R_COMPL_UNIT: &str = "complementaire-unite";
const R_COMPL_PERIODS: &str = "complementaire-echeances";
const R_COMPL_LEVEL: &str = "complementaire-maille";
const R_COMPL_MEASURE: &str = "complementaire-mesure";
/// The rubriques of the choices, read before the cells are checked ([`read_choices`]).
const CHOICE_RUBRIQUES: [&str; 10] = [
    R_UNIT,
    R_PERIODICITY,
    R_PART_UNIT,
    R_BASE,
    R_COMPL,
    R_COMPL_KIND,
    R_COMPL_UNIT,
    R_COMPL_PERIODS,
    R_COMPL_LEVEL,
    R_COMPL_MEASURE,
];
/// Appended to the `unite` column of the lines of an indicator the organism added.
const HORS_REGLEMENT: &str = "(hors règlement)";
// Format 2: the signature, the versions replaced by avenants, the achievements.
const R_SIG_DATE: &str = "signature-date";
const R_SIG_LABEL: &str = "signature-libelle";
const R_VERSION_DATE: &str = "version-date";
const R_VERSION_LABEL: &str = "version-libelle";
const R_VERSION_VALUE: &str = "version-valeur";
const R_EVALUATION: &str = "evaluation";
const R_ACHIEVED: &str = "realise";
const R_NUMERATOR: &str = "numerateur";
const R_DENOMINATOR: &str = "denominateur";
const R_JUSTIFICATION: &str = "justification";
const R_CAUSE: &str = "justification-cause";
const R_COMMENT: &str = "justification-commentaire";

/// Word of a level in the `niveau` column (the catalogue's kebab-case words).
fn level_word(l: Level) -> &'static str {
    match l {
        Level::Organisme => "organisme",
        Level::Region => "region",
        Level::Departement => "departement",
        Level::Epci => "epci",
        Level::Segment => "segment",
    }
}

fn parse_level(s: &str) -> Option<Level> {
    match s.trim() {
        "organisme" => Some(Level::Organisme),
        "region" => Some(Level::Region),
        "departement" => Some(Level::Departement),
        "epci" => Some(Level::Epci),
        "segment" => Some(Level::Segment),
        _ => None,
    }
}

/// A number with a decimal comma and every significant digit (`1234,5`, `0,1`, `-3,25`).
fn number_fr(n: f64) -> String {
    format!("{n}").replace('.', ",")
}

/// What an unprefixed `valeur` field means: nothing (empty), a number (French or English
/// decimals, exponents as Excel writes large numbers), a yes/no, else the text as is.
fn read_plain(raw: &str) -> Option<Value> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(n) = cus_core::numfmt::parse_fr(t) {
        return Some(Value::Number(n));
    }
    let e = t.replace(',', ".");
    if e.contains(['e', 'E'])
        && e.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
    {
        if let Some(n) = e.parse::<f64>().ok().filter(|n| n.is_finite()) {
            return Some(Value::Number(n));
        }
    }
    match t.to_lowercase().as_str() {
        "oui" | "vrai" | "true" => Some(Value::Bool(true)),
        "non" | "faux" | "false" => Some(Value::Bool(false)),
        _ => Some(Value::Text(raw.to_string())),
    }
}

/// A number as [`read_plain`] reads it, without allocating, when `raw` is only ASCII digits
/// with at most one decimal comma or point and a leading sign (what the export writes); `None`
/// for anything else, left to [`read_plain`].
fn plain_number(raw: &str) -> Option<f64> {
    let mut buf = [0u8; 40];
    let digits = buf.get_mut(..raw.len())?;
    let mut separators = 0;
    for (i, (d, &b)) in digits.iter_mut().zip(raw.as_bytes()).enumerate() {
        *d = match b {
            b'0'..=b'9' => b,
            b'+' | b'-' if i == 0 => b,
            // What `numfmt::parse_fr` gives for a lone separator: a decimal point.
            b',' | b'.' => {
                separators += 1;
                b'.'
            }
            _ => return None,
        };
    }
    if separators > 1 {
        return None;
    }
    std::str::from_utf8(digits)
        .ok()?
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

/// A `valeur` field read back: a leading apostrophe marks a text, taken literally after it
/// (this is also how formula-like texts are neutralised).
fn read_value(raw: &str) -> Option<Value> {
    if let Some(n) = plain_number(raw) {
        return Some(Value::Number(n));
    }
    match raw.strip_prefix('\'') {
        Some(rest) => Some(Value::Text(rest.to_string())),
        None => read_plain(raw),
    }
}

/// The `valeur` field of a value. A text that a spreadsheet would run as a formula, or that
/// would read back as something else (a number, a yes/no, nothing, a text starting with an
/// apostrophe), gets a leading apostrophe.
fn write_value(v: &Value) -> String {
    match v {
        Value::Number(n) => number_fr(*n),
        Value::Bool(true) => "oui".to_string(),
        Value::Bool(false) => "non".to_string(),
        Value::Text(t) => {
            let n = neutralise(t);
            if n != *t {
                n
            } else if read_plain(t).as_ref() != Some(v) || t.starts_with('\'') {
                format!("'{t}")
            } else {
                n
            }
        }
    }
}

/// `repartition` and `partie` columns of a split.
fn split_columns(s: &SplitKey) -> (String, String) {
    let members = s
        .members
        .iter()
        .map(|m| m.as_deref().unwrap_or("total"))
        .collect::<Vec<_>>()
        .join("+");
    (members, s.part.clone().unwrap_or_default())
}

fn parse_split(members: &str, part: &str) -> Option<SplitKey> {
    let members = members.trim();
    let part = part.trim();
    let members = if members.is_empty() || members == "valeur" {
        Vec::new()
    } else {
        members
            .split('+')
            .map(|m| match m.trim() {
                "" => None,
                "total" => Some(None),
                m => Some(Some(m.to_string())),
            })
            .collect::<Option<Vec<_>>>()?
    };
    Some(SplitKey {
        members,
        part: (!part.is_empty()).then(|| part.to_string()),
    })
}

/// The columns of one line that change from cell to cell, already neutralised.
#[derive(Default)]
struct LineFields<'a> {
    indicator: &'a str,
    levels: &'a str,
    territory: &'a str,
    label: &'a str,
    members: &'a str,
    part: &'a str,
    period: &'a str,
    value: &'a str,
    unit: &'a str,
}

/// The CSV of a convention.
pub fn export(input: &ExportInput) -> Vec<u8> {
    let conv = input.convention;
    let cat = input.catalogue;
    let geo = input.geo;
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(COLUMNS);

    let meta: [String; 9] = [
        crate::FORMAT_VERSION.to_string(),
        input.mode.as_str().to_string(),
        neutralise(input.exported_at),
        checksum(conv),
        neutralise(&conv.catalogue.id),
        neutralise(&conv.catalogue.version),
        neutralise(&conv.organisme.siren),
        conv.signing_year.map(|y| y.to_string()).unwrap_or_default(),
        conv.geo_vintage.map(|y| y.to_string()).unwrap_or_default(),
    ];
    let mut out = Lines {
        meta,
        first: true,
        complements: complements(conv).into_iter(),
    };
    let mut line = |w: &mut ::csv::Writer<Vec<u8>>, f: LineFields| out.write(w, f);

    // Keys of the values written as cells (borrowed from the convention).
    let mut written: std::collections::HashSet<&str> =
        std::collections::HashSet::with_capacity(conv.values.len());
    let mut labels: HashMap<TerritoryKey, String> = HashMap::new();
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        let levels = conv
            .levels(ind)
            .iter()
            .map(|l| level_word(*l))
            .collect::<Vec<_>>()
            .join("+");
        let code = neutralise(&ind.code);
        // (key part, members column, part column, unit column) of each split; key part of each
        // period.
        let splits: Vec<(String, String, String, String)> = cus_core::convention::splits(ind)
            .iter()
            .map(|s| {
                let (m, p) = split_columns(s);
                let unit = neutralise(&line_unit(conv, ind, s));
                (s.key(), neutralise(&m), neutralise(&p), unit)
            })
            .collect();
        let periods: Vec<String> = ind.periods.periods().into_iter().map(period_key).collect();
        for row in conv.rows(ind, geo) {
            let territory = row.to_string();
            let label = labels
                .entry(row.clone())
                .or_insert_with(|| neutralise(&conv.territory_label(&row, geo)))
                .clone();
            let territory_col = neutralise(&territory);
            for (split_key, members, part, unit) in &splits {
                for period in &periods {
                    let key = cus_core::convention::key::cell_key(
                        &ind.code, &territory, split_key, period,
                    );
                    let value = match conv.values.get_key_value(&key) {
                        Some((k, v)) => {
                            written.insert(k.as_str());
                            write_value(v)
                        }
                        None => String::new(),
                    };
                    line(
                        &mut w,
                        LineFields {
                            indicator: &code,
                            levels: &levels,
                            territory: &territory_col,
                            label: &label,
                            members,
                            part,
                            period,
                            value: &value,
                            unit,
                        },
                    );
                }
            }
        }
    }
    // Values on keys that are no cells of the grids (orphans): kept, with an empty `niveau`.
    for (key, v) in conv
        .values
        .iter()
        .filter(|(k, _)| !written.contains(k.as_str()))
    {
        let value = write_value(v);
        match Cell::parse_key(key) {
            Some(c) => {
                let unit = cat
                    .indicator(&c.indicator)
                    .map(|i| line_unit(conv, i, &c.split))
                    .unwrap_or_default();
                let (members, part) = split_columns(&c.split);
                line(
                    &mut w,
                    LineFields {
                        indicator: &neutralise(&c.indicator),
                        levels: "",
                        territory: &neutralise(&c.territory.to_string()),
                        label: &neutralise(&conv.territory_label(&c.territory, geo)),
                        members: &neutralise(&members),
                        part: &neutralise(&part),
                        period: &period_key(c.period),
                        value: &value,
                        unit: &neutralise(&unit),
                    },
                );
            }
            None => {
                // A malformed key (never produced by the application): written as found, the
                // import reports it.
                let mut parts = key.splitn(4, '|').map(neutralise);
                let mut next = || parts.next().unwrap_or_default();
                let (i, t, s, p) = (next(), next(), next(), next());
                line(
                    &mut w,
                    LineFields {
                        indicator: &i,
                        levels: "",
                        territory: &t,
                        label: "",
                        members: &s,
                        part: "",
                        period: &p,
                        value: &value,
                        unit: "",
                    },
                );
            }
        }
    }
    // Complements left when there are more than lines of cells: lines of their own.
    while out.complements.len() > 0 {
        out.write(&mut w, LineFields::default());
    }
    w.into_inner().unwrap_or_default()
}

/// The `unite` column of a line: the unit of its indicator as the convention states it (the
/// count of a « X et % » unit), « % du total » for a « dont » part stated as a percentage of its
/// total, the percentage of the base for the part `pct`; marked « (hors règlement) » for an
/// indicator the organism added.
fn line_unit(conv: &Convention, ind: &Indicator, split: &SplitKey) -> String {
    let chosen = conv
        .units
        .get(&ind.code)
        .filter(|u| ind.unit_choices.contains(u))
        .map(|u| UnitForm::of(u));
    let unit = match (part_share(ind, split), chosen) {
        (PartShare::PourcentageDuTotal, _) => "% du total".to_string(),
        (PartShare::PourcentageDeLaBase, Some(UnitForm::NombreEtPourcentage(_, pct))) => pct,
        (PartShare::PourcentageDeLaBase, _) => "%".to_string(),
        (PartShare::Nombre, Some(UnitForm::NombreEtPourcentage(count, _))) => count,
        (PartShare::Nombre, _) => conv.unit_fr(ind),
    };
    if ind.hors_reglement {
        format!("{unit} {HORS_REGLEMENT}")
    } else {
        unit
    }
}

/// Writes the lines: file-level columns, the cell's columns, the next complement.
struct Lines {
    meta: [String; 9],
    first: bool,
    complements: std::vec::IntoIter<[String; 3]>,
}

impl Lines {
    fn write(&mut self, w: &mut ::csv::Writer<Vec<u8>>, f: LineFields) {
        let meta = &self.meta;
        let empreinte = if self.first { meta[3].as_str() } else { "" };
        self.first = false;
        let c = self.complements.next().unwrap_or_default();
        // Writing to a Vec cannot fail.
        let _ = w.write_record([
            meta[0].as_str(),
            meta[1].as_str(),
            meta[2].as_str(),
            empreinte,
            meta[4].as_str(),
            meta[5].as_str(),
            meta[6].as_str(),
            meta[7].as_str(),
            meta[8].as_str(),
            f.indicator,
            f.levels,
            f.territory,
            f.label,
            f.members,
            f.part,
            f.period,
            f.value,
            f.unit,
            c[0].as_str(),
            c[1].as_str(),
            c[2].as_str(),
        ]);
    }
}

/// The complements of a convention (`rubrique`, `cle`, `contenu`): everything the lines of
/// cells do not carry, so that a CSV gives back the whole convention. `cle` and `contenu` follow
/// the rule of the `valeur` column: a text that would read as something else (a number such as
/// a département code `01`, a yes/no, nothing) or as a formula gets a leading apostrophe.
fn complements(conv: &Convention) -> Vec<[String; 3]> {
    let mut out: Vec<[String; 3]> = Vec::new();
    let text = |t: &str| Value::Text(t.to_string());
    let mut push = |r: &str, k: &str, c: Value| {
        let k = if k.is_empty() {
            String::new()
        } else {
            write_value(&text(k))
        };
        // An empty text is an empty field (the text rubriques are not read as values).
        let c = match c {
            Value::Text(t) if t.is_empty() => String::new(),
            c => write_value(&c),
        };
        out.push([r.to_string(), k, c]);
    };
    let o = &conv.organisme;
    if !conv.name.is_empty() {
        push(R_NAME, "", text(&conv.name));
    }
    if !o.raison_sociale.is_empty() {
        push(R_RAISON, "", text(&o.raison_sociale));
    }
    if let Some(k) = o.kind {
        push(R_KIND, "", text(kind_word(k)));
    }
    if let Some(d) = &o.siege_departement {
        push(R_SIEGE, "", text(d));
    }
    for d in &conv.departements {
        let key = TerritoryKey::Departement(d.clone()).to_string();
        push(R_TERRITORY, &key, text(""));
    }
    for e in &conv.epci {
        push(
            R_TERRITORY,
            &TerritoryKey::Epci(e.clone()).to_string(),
            text(""),
        );
    }
    for s in &conv.segments {
        push(R_SEGMENT, &s.id, text(&s.name));
        push(R_SEGMENT_DEP, &s.id, text(&s.departement));
        push(R_SEGMENT_ZUS, &s.id, Value::Bool(s.zus));
        if let Some(c) = &s.category {
            push(R_SEGMENT_CAT, &s.id, text(c));
        }
    }
    for (code, seg) in &conv.segmentation {
        let levels: Vec<&str> = seg.levels.iter().map(|l| level_word(*l)).collect();
        push(R_SEGMENTATION, code, text(&levels.join("+")));
        if seg.rows.is_some() {
            push(R_ROWS, code, text(""));
        }
    }
    for (k, c) in &conv.acknowledged {
        push(R_ACK, k, text(c));
    }
    for (k, n) in &conv.stock {
        push(R_STOCK, k, Value::Number(*n));
    }
    for (code, unit) in &conv.units {
        push(R_UNIT, code, text(unit));
    }
    for (code, choice) in &conv.periodicity {
        push(R_PERIODICITY, code, text(choice));
    }
    for (code, unit) in &conv.part_units {
        push(R_PART_UNIT, code, text(unit));
    }
    for (base, by_territory) in &conv.bases {
        for (territory, n) in by_territory {
            push(R_BASE, &base_key(base, territory), Value::Number(*n));
        }
    }
    for x in &conv.complementary {
        push(R_COMPL, &x.code, text(&x.label));
        push(R_COMPL_KIND, &x.code, text(&enum_word(&x.kind)));
        push(R_COMPL_UNIT, &x.code, text(&x.unit));
        push(R_COMPL_PERIODS, &x.code, text(&periods_words(&x.periods)));
        push(R_COMPL_LEVEL, &x.code, text(&enum_word(&x.level)));
        push(R_COMPL_MEASURE, &x.code, text(&enum_word(&x.measure)));
    }
    if let Some(sig) = &conv.signature {
        push(R_SIG_DATE, "", text(&sig.date));
        push(R_SIG_LABEL, "", text(&sig.label));
    }
    for (i, v) in conv.versions.iter().enumerate() {
        let n = (i + 1).to_string();
        push(R_VERSION_DATE, &n, text(&v.signature.date));
        push(R_VERSION_LABEL, &n, text(&v.signature.label));
        for (k, value) in &v.values {
            push(
                R_VERSION_VALUE,
                &cus_core::convention::key::numbered_key(&n, k),
                value.clone(),
            );
        }
    }
    let ach = &conv.achievements;
    if !ach.is_empty() {
        push(R_EVALUATION, "", text(&ach.evaluation));
    }
    for (k, n) in &ach.values {
        push(R_ACHIEVED, k, Value::Number(*n));
    }
    let term = |n: Option<f64>| n.map(Value::Number).unwrap_or_else(|| text(""));
    for (k, t) in &ach.terms {
        // A term not given is an empty `contenu` (the line says the cell has terms).
        if t.numerator.is_some() || t.denominator.is_none() {
            push(R_NUMERATOR, k, term(t.numerator));
        }
        if t.denominator.is_some() {
            push(R_DENOMINATOR, k, term(t.denominator));
        }
    }
    for (k, j) in &ach.justifications {
        push(R_JUSTIFICATION, k, text(origin_word(j.origin)));
        if let Some(c) = &j.cause {
            push(R_CAUSE, k, text(c));
        }
        if !j.comment.is_empty() {
            push(R_COMMENT, k, text(&j.comment));
        }
    }
    out
}

/// The word of the origin of a gap (`organisme`, `exterieur`).
fn origin_word(o: Origin) -> &'static str {
    match o {
        Origin::Organisme => "organisme",
        Origin::Exterieur => "exterieur",
    }
}

/// The word of an organism kind (`oph`, `esh`, `cooperative`, `sem`, `autre`).
fn kind_word(k: OrganismeKind) -> &'static str {
    match k {
        OrganismeKind::Oph => "oph",
        OrganismeKind::Esh => "esh",
        OrganismeKind::Cooperative => "cooperative",
        OrganismeKind::Sem => "sem",
        OrganismeKind::Autre => "autre",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_written() {
        let cases = [
            Value::Number(0.0),
            Value::Number(1234.5),
            Value::Number(-3.25),
            Value::Number(1e15),
            Value::Number(2.5e-7),
            Value::Number(0.1 + 0.2),
            Value::Bool(true),
            Value::Bool(false),
            Value::Text("=SUM(A1)".into()),
            Value::Text("+33".into()),
            Value::Text("-x".into()),
            Value::Text("@a".into()),
            Value::Text("12".into()),
            Value::Text(" 1,5 ".into()),
            Value::Text("oui".into()),
            Value::Text(String::new()),
            Value::Text(" ".into()),
            Value::Text("'".into()),
            Value::Text("'=x".into()),
            Value::Text("1e5".into()),
            Value::Text("texte libre".into()),
        ];
        for v in cases {
            let w = write_value(&v);
            assert_eq!(read_value(&w), Some(v.clone()), "{v:?} written {w:?}");
        }
        assert_eq!(write_value(&Value::Number(1234.5)), "1234,5");
        assert_eq!(write_value(&Value::Text("=1+1".into())), "'=1+1");
        assert_eq!(read_value("1.5"), Some(Value::Number(1.5)));
        assert_eq!(read_value("1 234,5"), Some(Value::Number(1234.5)));
        assert_eq!(read_value("1E+15"), Some(Value::Number(1e15)));
        assert_eq!(read_value("  "), None);
    }

    #[test]
    fn splits_as_two_columns() {
        for k in [
            "valeur",
            "PLAI/hors-qpv",
            "total",
            "PLAI+total/x",
            "valeur/hors-qpv",
        ] {
            let s = SplitKey::parse_key(k).unwrap();
            let (m, p) = split_columns(&s);
            assert_eq!(parse_split(&m, &p), Some(s), "{k}");
        }
        assert_eq!(parse_split("PLAI++", ""), None);
    }
}
