//! The sheets of an evaluation: one per indicator evaluated (commitments next to achievements,
//! not read back) and « Signature et réalisations » (the data, read back).

use cus_core::catalogue::{Indicator, ValueKind};
use cus_core::convention::{part_share, Convention};

use crate::choices::enum_word;
use crate::ExportInput;

use super::*;

/// The evaluation a convention prepares, computed once by `cus_core::evaluation`.
pub(super) struct Evaluation<'a> {
    period: &'a cus_core::catalogue::EvaluationPeriod,
    lines: Vec<cus_core::evaluation::Line>,
    summaries: Vec<cus_core::evaluation::Summary>,
    causes: Vec<cus_core::evaluation::Cause>,
}

impl<'a> Evaluation<'a> {
    /// `None` when the convention carries no achievements, or names an evaluation the catalogue
    /// does not have (its achievements are then only in the data sheet).
    pub(super) fn new(input: &ExportInput<'a>) -> Option<Self> {
        let conv = input.convention;
        let cat = input.catalogue;
        let ach = &conv.achievements;
        if ach.is_empty() {
            return None;
        }
        let period = cat.evaluations.iter().find(|e| e.id == ach.evaluation)?;
        let lines = cus_core::evaluation::evaluate(conv, cat, input.geo, ach, period);
        let summaries = cus_core::evaluation::summaries(conv, cat, input.geo, &lines, period);
        Some(Evaluation {
            period,
            lines,
            summaries,
            causes: cus_core::evaluation::causes(),
        })
    }

    /// The justification of a line, in words (« À justifier » for a commitment missed without
    /// one).
    fn justification_fr(&self, conv: &Convention, line: &cus_core::evaluation::Line) -> String {
        use cus_core::evaluation::Origin;
        match conv.achievements.justification(&line.justification_key()) {
            Some((_, j)) => {
                let origin = match j.origin {
                    Origin::Organisme => "Du fait de l'organisme".to_string(),
                    Origin::Exterieur => {
                        let cause = j.cause.as_deref().map(|c| {
                            self.causes
                                .iter()
                                .find(|x| x.id == c)
                                .map(|x| x.label.clone())
                                .unwrap_or_else(|| c.to_string())
                        });
                        match cause {
                            Some(c) => format!("Causes extérieures ({c})"),
                            None => "Causes extérieures".to_string(),
                        }
                    }
                };
                if j.comment.is_empty() {
                    origin
                } else {
                    format!("{origin} : {}", j.comment)
                }
            }
            None if line.missed => "À justifier".to_string(),
            None => String::new(),
        }
    }
}

/// The evaluation of one indicator: each commitment of the evaluation's years next to its
/// achievement, with the rate, the gap and the justification (figures of
/// `cus_core::evaluation::evaluate`, not recomputed here). `None` when it has no line.
pub(super) fn evaluation_sheet(
    input: &ExportInput,
    e: &Evaluation,
    ind: &Indicator,
    names: &mut SheetNames,
) -> Option<SheetOut> {
    let conv = input.convention;
    let lines: Vec<&cus_core::evaluation::Line> =
        e.lines.iter().filter(|l| l.indicator == ind.code).collect();
    if lines.is_empty() {
        return None;
    }
    let name = names.take(&format!("{} évaluation", ind.code));
    let summary = e
        .summaries
        .iter()
        .find(|s| s.indicator == ind.code)
        .map(|s| format!("{} ", s.text_fr))
        .unwrap_or_default();
    let unit = conv.unit_fr(ind);
    let percentage = matches!(ind.value, ValueKind::Pourcentage { .. });
    let mut rows = vec![
        vec![text(
            &with_mark(
                format!(
                    "{} — {} : {}",
                    ind.code,
                    ind.short_label,
                    e.period.label_for(conv.signing_year)
                ),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            &format!(
                "{summary}Unité : {unit}. Taux de réalisation = réalisé ÷ engagement ; écart = \
                 réalisé − engagement{}. Les réalisations se saisissent par année ; les cumuls \
                 sont calculés.",
                if matches!(ind.value, ValueKind::Pourcentage { .. }) {
                    " (en points)"
                } else {
                    ""
                }
            ),
            Style::Note,
        )],
        [
            "Territoire (clé)",
            "Territoire",
            "Répartition",
            "Période",
            "Engagement",
            "Réalisé",
            "Taux de réalisation (%)",
            "Écart",
            "Justification",
            "Calcul",
        ]
        .iter()
        .map(|h| text(h, Style::Header))
        .collect(),
    ];
    // Every cell of a line at the top of its row, as its wrapped texts (justification,
    // formula): a figure at the bottom of a tall row reads as the next line's, the whole sheet
    // seemingly shifted one row on paper.
    let opt = |n: Option<f64>| {
        n.map(|n| Out {
            content: Content::Number(n),
            style: Style::Value,
        })
        .unwrap_or_else(empty)
    };
    let decimal = |n: Option<f64>| match n {
        Some(n) => Out {
            content: Content::Number(n),
            style: Style::OneDecimal,
        },
        None => empty(),
    };
    // A percentage (of the indicator, or a « dont » part stated in %) shows with one decimal,
    // never as a count.
    let figure = |n: Option<f64>, percentage: bool| if percentage { decimal(n) } else { opt(n) };
    let mut label_width: f64 = 12.0;
    for l in lines {
        let label = conv.territory_label(&l.territory, input.geo);
        label_width = label_width.max(label.chars().count() as f64);
        let percentage = percentage || part_share(ind, &l.split).is_percentage();
        rows.push(vec![
            text(&l.territory.to_string(), Style::Value),
            text(&label, Style::Value),
            text(&split_label(ind, &l.split), Style::Value),
            // The grid's label (« Fin 2021 » for a level, « Cumul 2019–2021 » for a flow).
            text(
                &ind.period_label_fr(l.period, conv.signing_year),
                Style::Value,
            ),
            figure(l.committed, percentage),
            figure(l.achieved, percentage),
            decimal(l.rate),
            figure(l.gap, percentage),
            text(&e.justification_fr(conv, l), Style::Value),
            text(&l.formula_fr, Style::Value),
        ]);
    }
    Some(SheetOut {
        name,
        rows,
        widths: vec![
            20.0,
            label_width.min(30.0) + 2.0,
            16.0,
            14.0,
            12.0,
            12.0,
            13.0,
            12.0,
            36.0,
            48.0,
        ],
        frozen_rows: 3,
        frozen_cols: 2,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    })
}

/// The signature, the versions replaced by avenants and the achievements, one per row
/// (rubrique, key, values), so that a workbook gives them back.
pub(super) fn eval_data_sheet(input: &ExportInput) -> SheetOut {
    let conv = input.convention;
    let mut rows = vec![
        vec![text(
            &with_mark(
                "Signature, versions remplacées par avenant et réalisations".to_string(),
                input.mode,
            ),
            title_style(input.mode),
        )],
        vec![text(
            "Données techniques — ne pas modifier : relues à l'import. Les feuilles « évaluation » \
             de chaque indicateur en sont calculées.",
            Style::Note,
        )],
        vec![
            text(EVAL_DATA_HEADER, Style::Header),
            text("Clé", Style::Header),
            text("Valeur", Style::Header),
            text("Précision", Style::Header),
            text("Précision", Style::Header),
        ],
    ];
    let key = |s: &str| text(s, Style::Key);
    let val = |s: &str| text(s, Style::Value);
    if let Some(sig) = &conv.signature {
        rows.push(vec![key(D_SIGNATURE), val(&sig.date), val(&sig.label)]);
    }
    for (i, v) in conv.versions.iter().enumerate() {
        let n = (i + 1).to_string();
        rows.push(vec![
            key(D_VERSION),
            val(&n),
            val(&v.signature.date),
            val(&v.signature.label),
        ]);
        for (k, value) in &v.values {
            let mut row = vec![
                key(D_VERSION_VALUE),
                val(&cus_core::convention::key::numbered_key(&n, k)),
            ];
            push_item_value(&mut row, value);
            rows.push(row);
        }
    }
    let ach = &conv.achievements;
    if !ach.is_empty() {
        rows.push(vec![key(D_EVALUATION), val(&ach.evaluation)]);
    }
    for (k, n) in &ach.values {
        rows.push(vec![key(D_ACHIEVED), val(k), number(*n)]);
    }
    let opt = |n: Option<f64>| n.map(number).unwrap_or_else(empty);
    for (k, t) in &ach.terms {
        rows.push(vec![
            key(D_TERMS),
            val(k),
            opt(t.numerator),
            opt(t.denominator),
        ]);
    }
    for (k, j) in &ach.justifications {
        let mut row = vec![
            key(D_JUSTIFICATION),
            val(k),
            val(&enum_word(&j.origin)),
            val(j.cause.as_deref().unwrap_or("")),
        ];
        // A comment too long for a cell continues in the next columns.
        row.extend(chunks(&j.comment).into_iter().map(val));
        rows.push(row);
    }
    SheetOut {
        name: EVAL_DATA.to_string(),
        rows,
        widths: vec![16.0, 45.0, 24.0, 30.0, 40.0],
        frozen_rows: 3,
        frozen_cols: 1,
        pages_wide: 1,
        pages_tall: 0,
        spans: Vec::new(),
        heights: Vec::new(),
    }
}
