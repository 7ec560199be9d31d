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

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use cus_core::catalogue::{Catalogue, Indicator, Level, PartShare, Period, Requirement, UnitForm};
use cus_core::convention::{
    is_date, parse_period_key, part_share, period_key, Achievements, CatalogueRef, Cell,
    Complementary, ComplementaryUnit, Convention, IndicatorSegmentation, Justification, Origin,
    Segment, Signature, SignedVersion, SplitKey, TerritoryKey, Value, Values,
};
use cus_core::diagnostic::{Diagnostic, Location, Severity};
use cus_core::organisme::OrganismeKind;

use crate::choices::{
    base_key, enum_word, parse_base_key, parse_kind, parse_level_word, parse_measure,
    parse_periods_words, periods_words,
};
use crate::json::{check_format, checksum_note, codes, CellChecker, Problems};
use crate::{checksum, neutralise, unneutralise, ExportInput, Format, Imported, Mode};

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

/// Text of the file, and a note when it was not UTF-8.
/// (A UTF-8 file is borrowed, not copied.)
fn decode<'b>(
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
fn sniff_separator(text: &str) -> (u8, usize) {
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

fn clean_name(c: &str) -> String {
    c.trim_matches(|ch: char| ch.is_whitespace() || ch == '"' || ch == '\u{FEFF}')
        .to_lowercase()
}

/// A field `f` of column `k` (a position in [`COLUMNS`]): `valeur` as is; `libelle_territoire`
/// without neutralisation; the others trimmed and without neutralisation.
fn clean(f: &str, k: usize) -> Cow<'_, str> {
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
fn as_read(f: &[u8], k: usize) -> bool {
    match (k, f.first(), f.last()) {
        (_, None, _) | (C_VALEUR | C_CLE | C_CONTENU, ..) => true,
        (C_LIBELLE_TERRITOIRE, Some(&a), _) => a != b'\'',
        (_, Some(&a), Some(&z)) => a != b'\'' && plain(a) && plain(z),
        (_, Some(_), None) => false,
    }
}

/// Whether a byte of UTF-8 is a character that `str::trim` keeps: ASCII, and not one of the
/// ASCII spaces of `char::is_whitespace` (tab to carriage return, and space).
fn plain(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ')
}

/// `str::trim`, without looking at the characters when the first and the last are ASCII and
/// not spaces (the usual case).
fn trim(f: &str) -> &str {
    match (f.as_bytes().first(), f.as_bytes().last()) {
        (Some(&a), Some(&z)) if !(plain(a) && plain(z)) => f.trim(),
        _ => f,
    }
}

/// Short key of a period, as [`period_key`] writes it (without allocating).
fn period_str(p: Period) -> Cow<'static, str> {
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

/// A complement read (columns `rubrique`, `cle`, `contenu`), with its line.
struct ComplementIn {
    line: usize,
    rubrique: String,
    key: String,
    content: String,
}

/// A text stated once, with its line.
type Stated1 = (String, usize);

/// What the complements of a file state.
#[derive(Default)]
struct Stated {
    name: Option<String>,
    raison: Option<String>,
    kind: Option<OrganismeKind>,
    siege: Option<String>,
    departements: Vec<String>,
    epci: Vec<String>,
    segments: Vec<Segment>,
    /// By indicator code, with the line that states it.
    segmentation: BTreeMap<String, (IndicatorSegmentation, usize)>,
    /// Indicator codes whose rows are fixed, with their line.
    explicit_rows: Vec<(String, usize)>,
    stock: BTreeMap<String, f64>,
    acknowledged: BTreeMap<String, String>,
    /// Unknown rubriques, with their line.
    ignored: Vec<(String, usize)>,
    /// Date and label of the signature, with their line.
    signature: (Option<Stated1>, Option<Stated1>),
    /// By number (from 1): date, label, values, and the first line naming it.
    versions: BTreeMap<usize, (Option<String>, Option<String>, Values, usize)>,
    achievements: Achievements,
    /// Achievements lines were read (an evaluation line is then required).
    achievement_line: Option<usize>,
    evaluation_line: Option<usize>,
    /// Causes and comments of justifications, with their line, joined to their origin at the end.
    causes: Vec<(String, String, usize)>,
    comments: Vec<(String, String, usize)>,
}

/// The organism's choices a file states (format 3, and the units of format 2), read before the
/// cells are checked: they decide which cells exist (`Convention::view`).
#[derive(Default)]
struct Choices {
    units: BTreeMap<String, String>,
    periodicity: BTreeMap<String, String>,
    part_units: BTreeMap<String, String>,
    bases: BTreeMap<String, BTreeMap<String, f64>>,
    complementary: Vec<Complementary>,
}

impl Choices {
    /// A convention that states only these choices, to take the view of the catalogue from.
    fn convention(&self) -> Convention {
        Convention {
            units: self.units.clone(),
            periodicity: self.periodicity.clone(),
            part_units: self.part_units.clone(),
            bases: self.bases.clone(),
            complementary: self.complementary.clone(),
            ..Default::default()
        }
    }
}

/// The code of an indicator the organism added, as a complement key gives it.
fn complementary_code(key: &str) -> &str {
    key.strip_prefix('\'').unwrap_or(key).trim()
}

/// Read the choices of the complements, wherever they are in the file (before or after the
/// lines of cells: every line is read before any cell is checked).
fn read_choices(list: &[ComplementIn], p: &mut Problems) -> Choices {
    let mut ch = Choices::default();
    // The line of each choice already stated (rubrique, key), to report a contradiction.
    let mut first: HashMap<(&str, &str), (usize, &str)> = HashMap::new();
    // Of each indicator added: its line, and whether its periods were given.
    let mut added: Vec<(usize, bool)> = Vec::new();
    for c in list {
        let line = c.line;
        let rubrique = c.rubrique.to_lowercase();
        if !CHOICE_RUBRIQUES.contains(&rubrique.as_str()) {
            continue;
        }
        let fail = |p: &mut Problems, column: &str, msg: String| {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!("Ligne {line}, colonne « {column} » : {msg}"),
                loc,
            );
        };
        let text = |f: &'_ str| -> String { f.strip_prefix('\'').unwrap_or(f).to_string() };
        let (key, content) = (text(&c.key), text(&c.content));
        if matches!(
            rubrique.as_str(),
            R_UNIT | R_PERIODICITY | R_PART_UNIT | R_BASE
        ) {
            match first.get(&(rubrique_static(&rubrique), c.key.as_str())) {
                Some((l, before)) if *before != c.content.as_str() => {
                    fail(
                        p,
                        "contenu",
                        format!(
                            "« {content} » alors que la ligne {l} indique « {} » pour la \
                             rubrique « {rubrique} » et la clé « {key} » ; gardez une seule de \
                             ces lignes.",
                            before.strip_prefix('\'').unwrap_or(before)
                        ),
                    );
                    continue;
                }
                Some(_) => continue,
                None => {
                    first.insert(
                        (rubrique_static(&rubrique), c.key.as_str()),
                        (line, c.content.as_str()),
                    );
                }
            }
        }
        match rubrique.as_str() {
            R_UNIT => {
                ch.units.insert(key, content);
            }
            R_PERIODICITY => {
                ch.periodicity.insert(key, content);
            }
            R_PART_UNIT => {
                ch.part_units.insert(key, content);
            }
            R_BASE => {
                let Some((base, territory)) = parse_base_key(&key) else {
                    fail(
                        p,
                        "cle",
                        format!(
                            "« {key} » : attendu l'identifiant de la base, | et la clé du \
                             territoire (parc-fg|departement:59)."
                        ),
                    );
                    continue;
                };
                match read_value(&c.content) {
                    Some(Value::Number(n)) => {
                        ch.bases
                            .entry(base.to_string())
                            .or_default()
                            .insert(territory.to_string(), n);
                    }
                    _ => fail(
                        p,
                        "contenu",
                        format!(
                            "« {content} » n'est pas un nombre (base « {base} », territoire \
                             « {territory} »)."
                        ),
                    ),
                }
            }
            R_COMPL => {
                ch.complementary.push(Complementary {
                    code: complementary_code(&c.key).to_string(),
                    label: content,
                    kind: ComplementaryUnit::default(),
                    unit: String::new(),
                    periods: cus_core::catalogue::Periodicity {
                        yearly: false,
                        cumulative: Vec::new(),
                        reference: false,
                    },
                    level: Level::Organisme,
                    measure: Default::default(),
                });
                added.push((line, false));
            }
            _ => {
                // A detail of the last indicator added of this code, declared before it.
                let code = complementary_code(&c.key);
                let Some(i) = ch.complementary.iter().rposition(|x| x.code == code) else {
                    fail(
                        p,
                        "cle",
                        format!(
                            "l'indicateur complémentaire « {code} » n'a pas de ligne « {R_COMPL} » \
                             avant celle-ci : ajoutez-la (clé : son code, contenu : son libellé)."
                        ),
                    );
                    continue;
                };
                let x = &mut ch.complementary[i];
                let read = match rubrique.as_str() {
                    R_COMPL_KIND => parse_kind(&content).map(|k| x.kind = k),
                    R_COMPL_UNIT => {
                        x.unit = content;
                        Ok(())
                    }
                    R_COMPL_PERIODS => parse_periods_words(&content).map(|per| {
                        x.periods = per;
                        added[i].1 = true;
                    }),
                    R_COMPL_LEVEL => parse_level_word(&content).map(|l| x.level = l),
                    _ => parse_measure(&content).map(|m| x.measure = m),
                };
                if let Err(msg) = read {
                    fail(
                        p,
                        "contenu",
                        format!("{msg} (indicateur complémentaire « {code} »)."),
                    );
                }
            }
        }
    }
    for (x, (line, periods)) in ch.complementary.iter().zip(&added) {
        if !periods {
            let mut loc = p.at();
            loc.line = Some(*line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!(
                    "Ligne {line}, colonne « rubrique » : l'indicateur complémentaire « {} » n'a \
                     pas de ligne « {R_COMPL_PERIODS} » (ses échéances : par-annee, c3, c6, ref \
                     joints par +) : ajoutez-la.",
                    x.code
                ),
                loc,
            );
        }
    }
    ch
}

/// The rubrique among the choice rubriques (a `&'static str` to key the map of lines).
fn rubrique_static(r: &str) -> &'static str {
    CHOICE_RUBRIQUES
        .iter()
        .find(|c| **c == r)
        .copied()
        .unwrap_or("")
}

/// Read the complements (columns `rubrique`, `cle`, `contenu`).
fn read_complements<'c>(list: &'c [ComplementIn], cat: &Catalogue, p: &mut Problems) -> Stated {
    let mut st = Stated::default();
    let checker = CellChecker::new(cat);
    // The line of each text already stated (rubrique, key), to report a contradiction.
    let mut first: HashMap<(&str, &str), (usize, &str)> = HashMap::new();
    for c in list {
        let line = c.line;
        let loc = |p: &Problems| {
            let mut loc = p.at();
            loc.line = Some(line);
            loc
        };
        let fail = |p: &mut Problems, code: &str, column: &str, msg: String| {
            let loc = loc(p);
            p.error(
                code,
                format!("Ligne {line}, colonne « {column} » : {msg}"),
                loc,
            );
        };
        let rubrique = c.rubrique.to_lowercase();
        // `cle` and `contenu` are texts written by the rule of the `valeur` column: one leading
        // apostrophe marks a text (`'01`, `'=x`).
        let text = |f: &'c str| -> &'c str { f.strip_prefix('\'').unwrap_or(f) };
        let (key, content) = (text(&c.key), text(&c.content));
        // A rubrique stated twice must say the same thing (the last one is kept otherwise).
        let once = matches!(
            rubrique.as_str(),
            R_NAME
                | R_RAISON
                | R_KIND
                | R_SIEGE
                | R_STOCK
                | R_ACK
                | R_SIG_DATE
                | R_SIG_LABEL
                | R_VERSION_DATE
                | R_VERSION_LABEL
                | R_VERSION_VALUE
                | R_EVALUATION
                | R_ACHIEVED
                | R_NUMERATOR
                | R_DENOMINATOR
                | R_JUSTIFICATION
                | R_CAUSE
                | R_COMMENT
        );
        if once {
            match first.get(&(c.rubrique.as_str(), key)) {
                Some((l, text)) if *text != content => {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!(
                            "« {content} » alors que la ligne {l} indique « {text} » pour la \
                             rubrique « {rubrique} »{} ; gardez une seule de ces lignes.",
                            if key.is_empty() {
                                String::new()
                            } else {
                                format!(" et la clé « {key} »")
                            }
                        ),
                    );
                    continue;
                }
                Some(_) => continue,
                None => {
                    first.insert((c.rubrique.as_str(), key), (line, content));
                }
            }
        }
        match rubrique.as_str() {
            R_NAME => st.name = Some(content.to_string()),
            R_RAISON => st.raison = Some(content.to_string()),
            R_KIND => match OrganismeKind::ALL
                .into_iter()
                .find(|k| kind_word(*k) == content.trim())
            {
                Some(k) => st.kind = Some(k),
                None => fail(
                    p,
                    codes::CSV_COMPLEMENT,
                    "contenu",
                    format!(
                        "catégorie d'organisme « {content} » inconnue ; attendu oph, esh, \
                         cooperative, sem ou autre."
                    ),
                ),
            },
            R_SIEGE => st.siege = Some(content.trim().to_string()),
            R_TERRITORY => match key.trim().parse::<TerritoryKey>() {
                Ok(TerritoryKey::Departement(d)) => st.departements.push(d),
                Ok(TerritoryKey::Epci(e)) => st.epci.push(e),
                _ => fail(
                    p,
                    codes::TERRITORY,
                    "cle",
                    format!(
                        "« {key} » n'est pas un département ni un EPCI déclarable (attendu par \
                         exemple departement:59 ou epci:200093201)."
                    ),
                ),
            },
            R_SEGMENT => st.segments.push(Segment {
                id: key.to_string(),
                name: content.to_string(),
                ..Default::default()
            }),
            R_SEGMENT_DEP | R_SEGMENT_ZUS | R_SEGMENT_CAT => {
                let zus = match read_value(&c.content) {
                    Some(Value::Bool(b)) => Some(b),
                    None => Some(false),
                    _ => None,
                };
                let segment = st.segments.iter_mut().rev().find(|s| s.id == key);
                match (segment, rubrique.as_str(), zus) {
                    (None, ..) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "le segment « {key} » n'a pas de ligne « {R_SEGMENT} » avant celle-ci \
                             : ajoutez-la (clé : l'identifiant du segment, contenu : son nom)."
                        ),
                    ),
                    (Some(s), R_SEGMENT_DEP, _) => s.departement = content.trim().to_string(),
                    (Some(s), R_SEGMENT_CAT, _) => s.category = Some(content.to_string()),
                    (Some(s), _, Some(z)) => s.zus = z,
                    (Some(_), _, None) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!("« {content} » : attendu « oui » ou « non » (segment en ZUS)."),
                    ),
                }
            }
            R_SEGMENTATION => {
                let code = key.trim();
                if cat.indicator(code).is_none() {
                    fail(
                        p,
                        codes::INDICATOR_UNKNOWN,
                        "cle",
                        format!(
                            "l'indicateur « {code} » n'existe pas dans le catalogue « {} » \
                             version {}.",
                            cat.id, cat.version
                        ),
                    );
                    continue;
                }
                let levels: Option<Vec<Level>> = if content.trim().is_empty() {
                    Some(Vec::new())
                } else {
                    content.split('+').map(parse_level).collect()
                };
                let Some(levels) = levels else {
                    fail(
                        p,
                        codes::LEVEL,
                        "contenu",
                        format!(
                            "« {content} » n'est pas une maille ; attendu organisme, region, \
                             departement, epci ou segment, éventuellement combinés par + \
                             (departement+epci)."
                        ),
                    );
                    continue;
                };
                if let Some((_, l)) = st.segmentation.get(code) {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "la maille de {code} est déjà donnée ligne {l} ; gardez une seule \
                             de ces lignes."
                        ),
                    );
                    continue;
                }
                st.segmentation.insert(
                    code.to_string(),
                    (IndicatorSegmentation { levels, rows: None }, line),
                );
            }
            R_ROWS => st.explicit_rows.push((key.trim().to_string(), line)),
            R_STOCK => match read_value(&c.content) {
                Some(Value::Number(n)) => {
                    st.stock.insert(key.to_string(), n);
                }
                _ => fail(
                    p,
                    codes::CSV_COMPLEMENT,
                    "contenu",
                    format!(
                        "« {content} » n'est pas un nombre de logements (territoire « {key} »)."
                    ),
                ),
            },
            R_ACK => {
                st.acknowledged.insert(key.to_string(), content.to_string());
            }
            // Read before the cells (`read_choices`).
            r if CHOICE_RUBRIQUES.contains(&r) => {}
            R_SIG_DATE | R_VERSION_DATE if !is_date(content.trim()) => fail(
                p,
                codes::CSV_COMPLEMENT,
                "contenu",
                format!(
                    "« {content} » n'est pas une date de signature ; attendu AAAA-MM-JJ (par \
                     exemple 2021-03-15)."
                ),
            ),
            R_SIG_DATE => st.signature.0 = Some((content.trim().to_string(), line)),
            R_SIG_LABEL => st.signature.1 = Some((content.to_string(), line)),
            R_VERSION_DATE | R_VERSION_LABEL | R_VERSION_VALUE => {
                let (n, cell) = match rubrique.as_str() {
                    R_VERSION_VALUE => match key.split_once('|') {
                        Some((n, cell)) => (n, Some(cell)),
                        None => (key, None),
                    },
                    _ => (key, None),
                };
                let Some(n) = n
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                else {
                    fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "« {key} » : le numéro de la version remplacée est attendu (1 pour \
                             la plus ancienne){}.",
                            if rubrique == R_VERSION_VALUE {
                                ", suivi de | et de la clé de la cellule (1|PP-1|departement:59|PLAI|c3)"
                            } else {
                                ""
                            }
                        ),
                    );
                    continue;
                };
                let version = st
                    .versions
                    .entry(n)
                    .or_insert_with(|| (None, None, Values::new(), line));
                match (rubrique.as_str(), cell) {
                    (R_VERSION_DATE, _) => version.0 = Some(content.trim().to_string()),
                    (R_VERSION_LABEL, _) => version.1 = Some(content.to_string()),
                    (_, None) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "cle",
                        format!(
                            "« {key} » : attendu le numéro de la version, | et la clé de la \
                             cellule (1|PP-1|departement:59|PLAI|c3)."
                        ),
                    ),
                    (_, Some(cell)) => {
                        let problem = match Cell::parse_key(cell).filter(|c| c.key() == cell) {
                            None => Some((
                                codes::CELL_KEY,
                                format!(
                                    "« {cell} » n'est pas une clé de cellule \
                                     (indicateur|territoire|répartition|période)."
                                ),
                            )),
                            Some(c) => checker.problem(&c),
                        };
                        match (problem, read_value(&c.content)) {
                            (Some((code, msg)), _) => fail(p, code, "cle", msg),
                            (None, Some(v)) => {
                                version.2.insert(cell.to_string(), v);
                            }
                            (None, None) => {
                                version
                                    .2
                                    .insert(cell.to_string(), Value::Text(String::new()));
                            }
                        }
                    }
                }
            }
            R_EVALUATION => {
                st.achievements.evaluation = content.trim().to_string();
                st.evaluation_line = Some(line);
            }
            R_ACHIEVED | R_NUMERATOR | R_DENOMINATOR | R_JUSTIFICATION | R_CAUSE | R_COMMENT => {
                st.achievement_line.get_or_insert(line);
                let justification =
                    matches!(rubrique.as_str(), R_JUSTIFICATION | R_CAUSE | R_COMMENT);
                if let Some((code, msg)) = checker.achievement_problem(key.trim(), justification) {
                    fail(p, code, "cle", msg);
                    continue;
                }
                let key = key.trim().to_string();
                let number = match read_value(&c.content) {
                    Some(Value::Number(n)) => Some(Some(n)),
                    None => Some(None),
                    _ => None,
                };
                let ach = &mut st.achievements;
                match (rubrique.as_str(), number) {
                    (R_ACHIEVED, Some(Some(n))) => {
                        ach.values.insert(key, n);
                    }
                    (R_NUMERATOR, Some(n)) => ach.terms.entry(key).or_default().numerator = n,
                    (R_DENOMINATOR, Some(n)) => ach.terms.entry(key).or_default().denominator = n,
                    (R_ACHIEVED | R_NUMERATOR | R_DENOMINATOR, _) => fail(
                        p,
                        codes::CSV_COMPLEMENT,
                        "contenu",
                        format!(
                            "« {content} » n'est pas un nombre ({} de la cellule {key}).",
                            match rubrique.as_str() {
                                R_ACHIEVED => "réalisation",
                                R_NUMERATOR => "numérateur",
                                _ => "dénominateur",
                            }
                        ),
                    ),
                    (R_JUSTIFICATION, _) => {
                        let origin = match content.trim() {
                            "organisme" => Origin::Organisme,
                            "exterieur" => Origin::Exterieur,
                            _ => {
                                fail(
                                    p,
                                    codes::CSV_COMPLEMENT,
                                    "contenu",
                                    format!(
                                        "origine de l'écart « {content} » inconnue ; attendu \
                                         organisme (du fait de l'organisme) ou exterieur \
                                         (causes extérieures)."
                                    ),
                                );
                                continue;
                            }
                        };
                        ach.justifications.insert(
                            key,
                            Justification {
                                origin,
                                cause: None,
                                comment: String::new(),
                            },
                        );
                    }
                    (R_CAUSE, _) => st.causes.push((key, content.trim().to_string(), line)),
                    _ => st.comments.push((key, content.to_string(), line)),
                }
            }
            _ => st.ignored.push((c.rubrique.clone(), line)),
        }
    }
    // Causes and comments join the origin of their justification.
    for (list, cause) in [
        (std::mem::take(&mut st.causes), true),
        (std::mem::take(&mut st.comments), false),
    ] {
        for (key, content, line) in list {
            match st.achievements.justifications.get_mut(&key) {
                Some(j) if cause => j.cause = Some(content),
                Some(j) => j.comment = content,
                None => {
                    let mut loc = p.at();
                    loc.line = Some(line);
                    p.error(
                        codes::CSV_COMPLEMENT,
                        format!(
                            "Ligne {line}, colonne « cle » : la justification de « {key} » n'a \
                             pas de ligne « {R_JUSTIFICATION} » donnant l'origine de l'écart \
                             (organisme ou exterieur) : ajoutez-la."
                        ),
                        loc,
                    );
                }
            }
        }
    }
    if let (Some(line), None) = (st.achievement_line, st.evaluation_line) {
        let mut loc = p.at();
        loc.line = Some(line);
        p.error(
            codes::CSV_COMPLEMENT,
            format!(
                "Ligne {line}, colonne « rubrique » : des réalisations sont données sans la \
                 rubrique « {R_EVALUATION} » qui dit à quelle évaluation elles servent \
                 (par exemple mi-parcours) : ajoutez-la."
            ),
            loc,
        );
    }
    match st.signature {
        (Some(_), Some(_)) | (None, None) => {}
        (Some((_, line)), None) | (None, Some((_, line))) => {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!(
                    "Ligne {line}, colonne « rubrique » : la signature a besoin de deux lignes, \
                     « {R_SIG_DATE} » et « {R_SIG_LABEL} » ; l'une manque."
                ),
                loc,
            );
        }
    }
    for (expected, (n, (date, _, _, line))) in st.versions.iter().enumerate() {
        let line = *line;
        let problem = if *n != expected + 1 {
            Some(format!(
                "version remplacée n° {n} alors que la version n° {} manque ; les versions sont \
                 numérotées à partir de 1, sans trou.",
                expected + 1
            ))
        } else if date.is_none() {
            Some(format!(
                "la version remplacée n° {n} n'a pas de ligne « {R_VERSION_DATE} » (date de sa \
                 signature) : ajoutez-la."
            ))
        } else {
            None
        };
        if let Some(msg) = problem {
            let mut loc = p.at();
            loc.line = Some(line);
            p.error(
                codes::CSV_COMPLEMENT,
                format!("Ligne {line}, colonne « cle » : {msg}"),
                loc,
            );
        }
    }
    st
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
        loc.line = Some(crate::json::line_of(text, i));
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
    notes.extend(crate::json::unknown_bases_note(&conv, cat, base_loc));
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
