//! The sheets of a convention ([`layout`]): the cover, one sheet per indicator, « Hors
//! règlement », « Niveau organisme », « Autres valeurs »; the evaluation sheets are in
//! `layout/evaluation.rs`.

use std::collections::HashSet;

use cus_core::catalogue::{Indicator, PartShare, ValueKind};
use cus_core::convention::{
    base_label, part_share, Convention, GridShape, SplitKey, TerritoryKey, Value,
};

use crate::choices::{enum_word, periods_words};
use crate::{checksum, ExportInput, Mode, FORMAT_VERSION};

use super::codec::{chunks, encoded_len};
use super::print::{print_setup, COVER_ROWS_ONE_PAGE};
use super::*;

mod evaluation;

use evaluation::{eval_data_sheet, evaluation_sheet, Evaluation};

/// The sheets of a convention, cover first.
pub(crate) fn layout(input: &ExportInput) -> Vec<SheetOut> {
    let conv = input.convention;
    let mut names = SheetNames(HashSet::new());
    names.take(COVER);
    names.take(OTHERS);
    names.take(EVAL_DATA);
    names.take(COMPLEMENTARY);
    names.take(ORGANISM);
    let mut sheets = Vec::new();
    let mut listed = Vec::new();
    let mut placed: HashSet<&str> = HashSet::new();
    let evaluation = Evaluation::new(input);
    let mut eval_listed = Vec::new();
    // The decree's indicators, then, apart, the indicators the organism added: the sheet that
    // defines them, then the sheet of each (the view lists them last).
    let decree = input
        .catalogue
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && !i.hors_reglement);
    let added = input
        .catalogue
        .indicators
        .iter()
        .filter(|i| conv.uses(i) && i.hors_reglement);
    let has_complementary = !conv.complementary.is_empty();
    let mut complementary_at = None;
    for ind in decree.chain(added) {
        if ind.hors_reglement && complementary_at.is_none() {
            complementary_at = Some(sheets.len());
        }
        let name = names.take(&ind.code);
        sheets.push(indicator_sheet(input, ind, &name, &mut placed));
        listed.push((name, ind.code.clone()));
        if let Some(sheet) = evaluation
            .as_ref()
            .and_then(|e| evaluation_sheet(input, e, ind, &mut names))
        {
            eval_listed.push((sheet.name.clone(), ind.code.clone()));
            sheets.push(sheet);
        }
    }
    let has_eval_data =
        conv.signature.is_some() || !conv.versions.is_empty() || !conv.achievements.is_empty();
    let others: Vec<(&String, &Value)> = conv
        .values
        .iter()
        .filter(|(k, _)| !placed.contains(k.as_str()))
        .collect();
    let others_sheet = (!others.is_empty()).then(|| others_sheet(input, &others));
    if has_complementary {
        let at = complementary_at.unwrap_or(sheets.len());
        sheets.insert(at, complementary_sheet(input, &listed));
    }
    let mut out = vec![cover(
        input,
        &listed,
        others_sheet.is_some(),
        &eval_listed,
        has_eval_data,
    )];
    out.extend(sheets);
    out.extend(organism_sheet(input));
    out.extend(others_sheet);
    if has_eval_data {
        out.push(eval_data_sheet(input));
    }
    for sheet in &mut out {
        print_setup(sheet);
    }
    out
}

fn title_style(mode: Mode) -> Style {
    match mode {
        Mode::Brouillon => Style::Draft,
        Mode::Final => Style::Title,
    }
}

fn with_mark(title: String, mode: Mode) -> String {
    match mode {
        Mode::Brouillon => format!("{title} — {DRAFT_MARK}"),
        Mode::Final => title,
    }
}

fn cover(
    input: &ExportInput,
    listed: &[(String, String)],
    has_others: bool,
    eval_listed: &[(String, String)],
    has_eval_data: bool,
) -> SheetOut {
    let conv = input.convention;
    let cat = input.catalogue;
    let mut rows: Vec<Vec<Out>> = vec![
        vec![text(
            "Convention d'utilité sociale — engagements chiffrés (arrêté du 19 octobre 2017)",
            Style::Title,
        )],
        vec![match input.mode {
            Mode::Brouillon => text(DRAFT_MARK, Style::Draft),
            Mode::Final => text(FINAL_MARK, Style::Title),
        }],
        vec![],
    ];
    let mut pair = |label: &str, value: Out| {
        let value = match value.style {
            Style::Plain => Out {
                style: Style::Value,
                ..value
            },
            _ => value,
        };
        rows.push(vec![text(label, Style::Label), value]);
    };
    let opt_number = |n: Option<f64>| n.map(number).unwrap_or_else(empty);
    pair(L_FORMAT, text(FORMAT_VERSION, Style::Plain));
    pair(L_NATURE, text(input.mode.as_str(), Style::Plain));
    pair(L_NAME, text(&conv.name, Style::Plain));
    pair(L_RAISON, text(&conv.organisme.raison_sociale, Style::Plain));
    pair(L_SIREN, text(&conv.organisme.siren, Style::Plain));
    pair(
        L_KIND,
        text(
            conv.organisme.kind.map(|k| k.label_fr()).unwrap_or(""),
            Style::Plain,
        ),
    );
    pair(
        L_SIEGE,
        text(
            conv.organisme.siege_departement.as_deref().unwrap_or(""),
            Style::Plain,
        ),
    );
    pair(L_GENERATION, text(cat.generation.label_fr(), Style::Plain));
    pair(L_CUS_KIND, text(cat.kind.label_fr(), Style::Plain));
    pair(L_CAT_ID, text(&conv.catalogue.id, Style::Plain));
    pair(L_CAT_VERSION, text(&conv.catalogue.version, Style::Plain));
    pair(L_CAT_TITLE, text(&cat.title, Style::Plain));
    pair(L_SIGNING, opt_number(conv.signing_year.map(f64::from)));
    pair(
        L_PERIOD,
        text(
            &conv
                .signing_year
                .map(|y| format!("{y}–{}", i64::from(y) + 5))
                .unwrap_or_default(),
            Style::Plain,
        ),
    );
    pair(L_VINTAGE, opt_number(conv.geo_vintage.map(f64::from)));
    pair(L_DEPS, text(&conv.departements.join(", "), Style::Plain));
    pair(L_EPCI, text(&conv.epci.join(", "), Style::Plain));
    pair(L_EXPORTED, text(input.exported_at, Style::Plain));
    pair(L_CHECKSUM, text(&checksum(conv), Style::Plain));
    // For people only (read back from the sheet « Signature et réalisations »).
    if let Some(sig) = &conv.signature {
        pair(L_SIGNATURE, text(&sig.signed_fr(), Style::Plain));
    }
    if !conv.achievements.evaluation.is_empty() {
        let label = cat
            .evaluations
            .iter()
            .find(|e| e.id == conv.achievements.evaluation)
            .map(|e| e.label_for(conv.signing_year))
            .unwrap_or_else(|| conv.achievements.evaluation.clone());
        pair(L_EVALUATION, text(&label, Style::Plain));
    }

    let table = |rows: &mut Vec<Vec<Out>>, heading: &str, headers: &[&str], body: Vec<Vec<Out>>| {
        rows.push(vec![]);
        rows.push(vec![text(heading, Style::Label), number(body.len() as f64)]);
        rows.push(headers.iter().map(|h| text(h, Style::Header)).collect());
        rows.extend(body);
    };
    table(
        &mut rows,
        T_ACK,
        &["Identifiant de l'avertissement", "Commentaire"],
        conv.acknowledged
            .iter()
            .map(|(id, comment)| vec![text(id, Style::Plain), text(comment, Style::Plain)])
            .collect(),
    );
    table(
        &mut rows,
        T_SEGMENTS,
        &["Identifiant", "Nom", "Département", "En ZUS", "Catégorie"],
        conv.segments
            .iter()
            .map(|s| {
                vec![
                    text(&s.id, Style::Plain),
                    text(&s.name, Style::Plain),
                    text(&s.departement, Style::Plain),
                    text(if s.zus { "oui" } else { "non" }, Style::Plain),
                    text(s.category.as_deref().unwrap_or(""), Style::Plain),
                ]
            })
            .collect(),
    );
    table(
        &mut rows,
        T_STOCK,
        &["Territoire (clé)", "Logements", "Territoire"],
        conv.stock
            .iter()
            .map(|(k, n)| {
                let label = k
                    .parse::<TerritoryKey>()
                    .map(|t| conv.territory_label(&t, input.geo))
                    .unwrap_or_default();
                vec![
                    text(k, Style::Plain),
                    number(*n),
                    text(&label, Style::Plain),
                ]
            })
            .collect(),
    );
    table(
        &mut rows,
        T_BASES,
        &[
            "Base",
            "Territoire (clé)",
            "Stock au 31 décembre précédant la signature",
            "Libellé de la base",
            "Territoire",
        ],
        conv.bases
            .iter()
            .flat_map(|(base, by_territory)| by_territory.iter().map(move |(k, n)| (base, k, n)))
            .map(|(base, k, n)| {
                let label = k
                    .parse::<TerritoryKey>()
                    .map(|t| conv.territory_label(&t, input.geo))
                    .unwrap_or_default();
                vec![
                    text(base, Style::Plain),
                    text(k, Style::Plain),
                    number(*n),
                    text(&base_label(cat, base), Style::Plain),
                    text(&label, Style::Plain),
                ]
            })
            .collect(),
    );
    let mut tech = Vec::new();
    if let Some(kind) = conv.organisme.kind {
        tech.push(vec![
            text(TECH_KIND, Style::Key),
            text(&enum_word(&kind), Style::Key),
        ]);
    }
    for (sheet, code) in listed {
        tech.push(vec![
            text(TECH_SHEET, Style::Key),
            text(sheet, Style::Key),
            text(code, Style::Key),
        ]);
    }
    for (sheet, code) in eval_listed {
        tech.push(vec![
            text(TECH_EVAL_SHEET, Style::Key),
            text(sheet, Style::Key),
            text(code, Style::Key),
        ]);
    }
    if has_others {
        tech.push(vec![
            text(TECH_OTHERS, Style::Key),
            text(OTHERS, Style::Key),
        ]);
    }
    if has_eval_data {
        tech.push(vec![
            text(TECH_EVAL_DATA, Style::Key),
            text(EVAL_DATA, Style::Key),
        ]);
    }
    if !conv.complementary.is_empty() {
        tech.push(vec![
            text(TECH_COMPLEMENTARY, Style::Key),
            text(COMPLEMENTARY, Style::Key),
        ]);
    }
    // The choices per indicator: one row each, (rubrique, indicator, choice).
    for (rubrique, choices) in [
        (TECH_UNIT, &conv.units),
        (TECH_PERIODICITY, &conv.periodicity),
        (TECH_PART_UNIT, &conv.part_units),
    ] {
        for (code, choice) in choices {
            tech.push(vec![
                text(rubrique, Style::Key),
                text(code, Style::Key),
                text(choice, Style::Key),
            ]);
        }
    }
    for (code, seg) in &conv.segmentation {
        let levels: Vec<String> = seg.levels.iter().map(enum_word).collect();
        tech.push(vec![
            text(TECH_SEGMENTATION, Style::Key),
            text(code, Style::Key),
            text(&levels.join(","), Style::Key),
            text(
                if seg.rows.is_some() {
                    EXPLICIT_ROWS
                } else {
                    ""
                },
                Style::Key,
            ),
        ]);
    }
    table(
        &mut rows,
        T_TECH,
        &["Rubrique", "Valeur", "Précision", "Précision"],
        tech,
    );
    let pages_tall = u32::from(rows.len() <= COVER_ROWS_ONE_PAGE);
    SheetOut {
        name: COVER.to_string(),
        rows,
        // Column B holds the 64 digits of the checksum on one line.
        widths: vec![38.0, 66.0, 28.0, 20.0, 16.0],
        frozen_rows: 0,
        frozen_cols: 0,
        pages_wide: 1,
        pages_tall,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// Is this value written in the grid (else in « Autres valeurs »)?
fn fits_in_grid(v: &Value) -> bool {
    match v {
        Value::Text(t) => !t.is_empty() && encoded_len(t) <= MAX_CELL_TEXT,
        _ => true,
    }
}

/// The value cells of a keyed item (read back by `Reader::item_value`): a text in chunks over
/// the next columns, nothing for an empty text, or one value.
fn push_item_value(row: &mut Vec<Out>, v: &Value) {
    match v {
        Value::Text(t) if t.is_empty() => {}
        Value::Text(t) => row.extend(chunks(t).into_iter().map(|c| Out {
            content: Content::Text(neutralise(c)),
            style: Style::Value,
        })),
        v => row.push(value_out(v)),
    }
}

fn value_out(v: &Value) -> Out {
    match v {
        Value::Number(n) => number(*n),
        Value::Bool(b) => Out {
            content: Content::Bool(*b),
            style: Style::Plain,
        },
        // A text wraps in its cell: overflowing to the right, it would widen the printed area.
        Value::Text(t) => Out {
            content: Content::Text(neutralise(t)),
            style: Style::Value,
        },
    }
}

/// The label of a split in a column header (« PLAI — dont hors QPV »), with « (% du total) »
/// for a « dont » part the convention states as a percentage of its total, and « % » shown for
/// every part stated as a percentage: a percentage never reads as a count.
fn split_label(ind: &Indicator, split: &SplitKey) -> String {
    let label = split.label_fr(ind);
    match part_share(ind, split) {
        PartShare::Nombre => label,
        // (`SplitKey::label_fr` already says « (% du total) ».)
        PartShare::PourcentageDuTotal => label,
        PartShare::PourcentageDeLaBase if label.contains('%') => label,
        PartShare::PourcentageDeLaBase => format!("{label} (%)"),
    }
}

/// Mark of the title of an indicator the organism added.
const HORS_REGLEMENT: &str = "hors règlement";

fn indicator_sheet<'a>(
    input: &ExportInput<'a>,
    ind: &Indicator,
    name: &str,
    placed: &mut HashSet<&'a str>,
) -> SheetOut {
    let conv: &'a Convention = input.convention;
    let shape = GridShape::new(conv, ind, input.geo);
    let columns: Vec<(String, String, String)> = shape
        .columns()
        .map(|(s, p)| {
            (
                ind.period_label_fr(shape.periods[p], conv.signing_year),
                split_label(ind, &shape.splits[s]),
                shape.column_key(s, p),
            )
        })
        .collect();
    let unit = conv.unit_fr(ind);
    let levels: Vec<&str> = conv.levels(ind).iter().map(|l| l.label_fr()).collect();
    let title = if ind.hors_reglement {
        format!(
            "{} — {} ({unit}) — {HORS_REGLEMENT}",
            ind.code, ind.short_label
        )
    } else {
        format!("{} — {} ({unit})", ind.code, ind.short_label)
    };
    let added = if ind.hors_reglement {
        "Indicateur complémentaire ajouté par l'organisme à sa convention (hors règlement) : \
         aucune règle du décret ne s'y applique. "
    } else {
        ""
    };
    let parts = if ind
        .splits
        .parts
        .iter()
        .any(|p| p.share == PartShare::PourcentageDuTotal)
    {
        " Parts « dont » en % de leur total."
    } else {
        ""
    };
    let mut rows = vec![
        vec![text(&with_mark(title, input.mode), title_style(input.mode))],
        vec![text(
            &format!(
                "{added}Unité : {unit} ({}). Maille : {}.{parts} Libellé : {}",
                ind.value.kind_fr(),
                levels.join(" + "),
                ind.label
            ),
            Style::Note,
        )],
    ];
    let mut period_row = vec![
        text("Territoire (clé)", Style::Header),
        text("Territoire", Style::Header),
    ];
    let mut split_row = vec![text("", Style::Header), text("", Style::Header)];
    let mut key_row = vec![text(&ind.code, Style::Key), text(MACHINE_MARK, Style::Key)];
    for (p, s, k) in &columns {
        period_row.push(text(p, Style::Header));
        split_row.push(text(s, Style::Header));
        key_row.push(text(k, Style::Key));
    }
    rows.push(period_row);
    rows.push(split_row);
    rows.push(key_row);
    let mut label_width: f64 = 12.0;
    // Every row of the convention, as listed (explicit rows are read back from these sheets, so
    // a repeated one is written again); the cells are those of the grid shape. A row the shape
    // has no cells for (its key holds a `|`) stays empty: its values go to the other values.
    for territory in conv.rows(ind, input.geo) {
        let label = conv.territory_label(&territory, input.geo);
        label_width = label_width.max(label.chars().count() as f64);
        let key = territory.to_string();
        let r = shape.row_pos.get(&key).copied();
        let mut row = vec![text(&key, Style::Plain), text(&label, Style::Plain)];
        for (s, p) in shape.columns() {
            let stored = r.and_then(|r| conv.values.get_key_value(&shape.key(r, s, p)));
            match stored {
                Some((stored, v)) if fits_in_grid(v) => {
                    placed.insert(stored.as_str());
                    row.push(value_out(v));
                }
                _ => row.push(empty()),
            }
        }
        rows.push(row);
    }
    let mut widths = vec![20.0, label_width.min(45.0) + 2.0];
    widths.extend(columns.iter().map(|(p, s, _)| {
        if ind.value == ValueKind::Texte {
            // A commitment of up to 2 000 characters wraps in its cell: wide enough to be read
            // on a landscape page.
            return TEXT_COLUMN_WIDTH;
        }
        let longest = p.chars().count().max(s.chars().count()) as f64;
        (longest + 2.0).clamp(11.0, 24.0)
    }));
    SheetOut {
        name: name.to_string(),
        rows,
        widths,
        frozen_rows: INDICATOR_HEADER_ROWS,
        frozen_cols: 2,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// The indicators the organism added (« hors règlement »), one per row: their definition, read
/// back (columns A to G), what their periods mean and the sheet of their values (for people).
fn complementary_sheet(input: &ExportInput, listed: &[(String, String)]) -> SheetOut {
    let conv = input.convention;
    let mut rows = vec![
        vec![text(
            &with_mark(COMPLEMENTARY_TITLE.to_string(), input.mode),
            title_style(input.mode),
        )],
        vec![text(
            "Indicateurs ajoutés par l'organisme à sa convention, hors règlement : ni le décret \
             ni l'arrêté ne les demandent, aucune de leurs règles ne s'y applique et ils ne \
             s'additionnent pas aux indicateurs du décret. Leurs valeurs sont dans la feuille de \
             chacun. Colonnes A à G relues à l'import : ne pas modifier.",
            Style::Note,
        )],
        [
            COMPLEMENTARY_HEADER,
            "Libellé",
            "Nature",
            "Unité",
            "Échéances",
            "Maille",
            "Mesure",
            "Échéances (en clair)",
            "Feuille",
        ]
        .iter()
        .map(|h| text(h, Style::Header))
        .collect(),
    ];
    for x in &conv.complementary {
        let sheet = listed
            .iter()
            .find(|(_, code)| *code == x.code)
            .map(|(name, _)| name.as_str())
            .unwrap_or("");
        rows.push(vec![
            text(&x.code, Style::Value),
            text(&x.label, Style::Value),
            text(&enum_word(&x.kind), Style::Value),
            text(&x.unit, Style::Value),
            text(&periods_words(&x.periods), Style::Value),
            text(&enum_word(&x.level), Style::Value),
            text(&enum_word(&x.measure), Style::Value),
            text(&x.periods.describe_fr(), Style::Value),
            text(sheet, Style::Value),
        ]);
    }
    SheetOut {
        name: COMPLEMENTARY.to_string(),
        rows,
        widths: vec![22.0, 40.0, 13.0, 20.0, 18.0, 13.0, 9.0, 30.0, 22.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

/// « Niveau organisme »: the « consolidation au niveau de la société » real CUS print,
/// calculated from the territorial detail (`cus_core::calc::organism_table`): one block per
/// indicator, its splits by its periods, then how each figure was obtained. Not read back.
fn organism_sheet(input: &ExportInput) -> Option<SheetOut> {
    let conv = input.convention;
    let lines = cus_core::calc::organism_table(conv, input.catalogue, input.geo);
    if lines.is_empty() {
        return None;
    }
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Consolidation au niveau de l'organisme (calculée)".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Calculée à partir du détail territorial : les nombres sont additionnés ; un \
             pourcentage est recalculé à partir des nombres et des bases (jamais moyenné) ; un \
             niveau n'est additionné qu'à une même date ; « non consolidé » : un pourcentage \
             sans sa base, un montant. Le calcul de chaque chiffre est dans le récapitulatif \
             imprimable. Les engagements restent ceux des feuilles de chaque indicateur ; cette \
             feuille n'est pas relue à l'import.",
            Style::Note,
        )],
    ];
    let mut width = 2;
    let mut last: Option<&str> = None;
    for l in &lines {
        if last != Some(l.code.as_str()) {
            rows.push(Vec::new());
            let mut title = format!("{} — {} ({}) : {}", l.code, l.label, l.unit_fr, l.from_fr);
            if l.hors_reglement {
                title.push_str(" — hors règlement");
            }
            rows.push(vec![text(&title, Style::Header)]);
            let mut head = vec![text("Ventilation", Style::Header)];
            head.extend(l.period_labels.iter().map(|p| text(p, Style::Header)));
            width = width.max(head.len());
            rows.push(head);
            last = Some(l.code.as_str());
        }
        let mut row = vec![text(&l.split_fr, Style::Value)];
        row.extend(l.cells.iter().map(|c| match c.value {
            Some(v) => number(if c.percent {
                (v * 10.0).round() / 10.0
            } else {
                v
            }),
            None => text("non consolidé", Style::Note),
        }));
        rows.push(row);
    }
    let mut widths = vec![34.0];
    widths.extend(std::iter::repeat_n(14.0, width.saturating_sub(1)));
    Some(SheetOut {
        name: ORGANISM.to_string(),
        rows,
        widths,
        frozen_rows: 2,
        frozen_cols: 1,
        // One line per split of each indicator (never per territory): two pages at most.
        pages_wide: 1,
        pages_tall: 2,
        spans: Vec::new(),
        heights: Vec::new(),
    })
}

fn others_sheet(input: &ExportInput, others: &[(&String, &Value)]) -> SheetOut {
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Autres valeurs (hors des grilles des indicateurs)".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Valeurs dont la cellule n'existe plus dans la grille actuelle (maille ou territoires \
             modifiés), textes vides et textes trop longs pour une cellule (suite dans les colonnes \
             suivantes).",
            Style::Note,
        )],
        vec![
            text(OTHERS_HEADER, Style::Header),
            text("Valeur", Style::Header),
            text("Suite", Style::Header),
        ],
    ];
    for (k, v) in others {
        let mut row = vec![text(k, Style::Plain)];
        push_item_value(&mut row, v);
        rows.push(row);
    }
    SheetOut {
        name: OTHERS.to_string(),
        rows,
        widths: vec![45.0, 30.0, 30.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames(HashSet::new());
        assert_eq!(n.take(COVER), COVER);
        assert_eq!(n.take("PP-1"), "PP-1");
        assert_eq!(n.take("pp-1"), "pp-1~2");
        assert_eq!(n.take("a/b:c[d]"), "a_b_c_d_");
        assert_eq!(n.take("'x'"), "x");
        assert_eq!(n.take("History"), "Indicateur");
        let long = n.take(&"y".repeat(40));
        assert_eq!(long.chars().count(), 31);
        let again = n.take(&"y".repeat(40));
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with("~2"));
    }
}
