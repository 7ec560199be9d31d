//! The consolidation as CSV (`docs/FORMAT.md`, « Consolidation d'un territoire »): UTF-8 with
//! BOM, `;` separator, CRLF, decimal comma, like the convention's CSV; one line per indicator,
//! row and column, so that a pivot table rebuilds any view.
//!
//! Columns: `format;territoire;scenario;groupe;indicateur;libelle_indicateur;unite;nature;`
//! `organisme;fichier;maille;colonne;libelle_colonne;valeur;remarque`.
//!
//! `nature` says what the line is: `engagement` (an organism's figure at the territory's level,
//! an empty `valeur` when its cell is empty), `hypothèse` (an organism added by the scenario),
//! `non ventilé` (an organism's figure at a coarser level, not in the total), `estimation` (that
//! figure times the split key the user gave, in the total), `total`, `total non ventilé`,
//! `minimum`, `médiane`, `maximum` (for what does not add up), `objectif`, `écart`,
//! `couverture` (percent), and per year with yearly objectives `objectif cumulé`,
//! `engagements cumulés`, `couverture cumulée`. Indicators without any figure on the territory
//! have no line (the workbook's « Synthèse » lists them). Then the regional synthesis:
//! `phrase` (a key sentence, in `remarque`) and `synthèse` (a cell of one of its tables).

use cus_core::consolidation::ConsolidatedTable;
use cus_core::numfmt::format_fr;

use super::layout::has_figures;
use super::{Run, CONSOLIDATION_FORMAT};
use crate::neutralise;

/// The columns, in the order written.
pub const COLUMNS: [&str; 15] = [
    "format",
    "territoire",
    "scenario",
    "groupe",
    "indicateur",
    "libelle_indicateur",
    "unite",
    "nature",
    "organisme",
    "fichier",
    "maille",
    "colonne",
    "libelle_colonne",
    "valeur",
    "remarque",
];

/// A number with a decimal comma and every significant digit; empty when absent or not finite.
fn number(n: Option<f64>) -> String {
    match n {
        Some(x) if x.is_finite() => format!("{x}").replace('.', ","),
        _ => String::new(),
    }
}

/// The fields of a line that change within a table.
struct Line<'a> {
    nature: &'a str,
    organism: &'a str,
    file: &'a str,
    basis: &'a str,
    column: usize,
    value: Option<f64>,
    remark: &'a str,
}

struct Writer<'r> {
    w: ::csv::Writer<Vec<u8>>,
    /// format, territoire, scenario (neutralised).
    head: [String; 3],
    run: &'r Run,
}

impl Writer<'_> {
    fn table(&mut self, group: &str, t: &ConsolidatedTable) {
        let group = neutralise(group);
        let code = neutralise(&t.code);
        let label = neutralise(&t.label);
        let unit = neutralise(&t.unit_fr);
        let keys: Vec<String> = t.columns.iter().map(|c| neutralise(&c.key)).collect();
        let col_labels: Vec<String> = t.columns.iter().map(|c| neutralise(&c.label_fr)).collect();
        let put = |w: &mut ::csv::Writer<Vec<u8>>, head: &[String; 3], l: Line| {
            // Writing to a Vec cannot fail.
            let _ = w.write_record([
                head[0].as_str(),
                head[1].as_str(),
                head[2].as_str(),
                group.as_str(),
                code.as_str(),
                label.as_str(),
                unit.as_str(),
                l.nature,
                &neutralise(l.organism),
                &neutralise(l.file),
                &neutralise(l.basis),
                keys[l.column].as_str(),
                col_labels[l.column].as_str(),
                &number(l.value),
                &neutralise(l.remark),
            ]);
        };
        let n = t.columns.len();
        let territory = self.run.territory_label.clone();
        let (w, head) = (&mut self.w, &self.head);
        for r in &t.rows {
            let nature = if r.hypothetical {
                "hypothèse"
            } else {
                "engagement"
            };
            // A period that is not one of this organism's convention (signed another year) has
            // no line: it is neither empty nor zero.
            for c in (0..n).filter(|&c| r.applicable[c]) {
                let remark = cell_remark(r.invalid[c], r.changed[c] && !r.hypothetical);
                put(
                    w,
                    head,
                    Line {
                        nature,
                        organism: &r.label,
                        file: &r.id,
                        basis: &r.basis_fr,
                        column: c,
                        value: r.values[c],
                        remark,
                    },
                );
            }
        }
        for r in &t.unventilated {
            for c in (0..n).filter(|&c| r.applicable[c]) {
                let mut remark = match (r.key, t.additive) {
                    (Some(k), true) => format!(
                        "hors total ; clé de répartition de {} % (ligne estimation)",
                        format_fr(k * 100.0, 2)
                    ),
                    (None, true) => "hors total : aucune clé de répartition".into(),
                    (_, false) => "maille plus large, hors statistiques".into(),
                };
                let extra = cell_remark(r.invalid[c], r.changed[c]);
                if !extra.is_empty() {
                    remark = format!("{remark} ; {extra}");
                }
                put(
                    w,
                    head,
                    Line {
                        nature: "non ventilé",
                        organism: &r.label,
                        file: &r.id,
                        basis: &r.basis_fr,
                        column: c,
                        value: r.values[c],
                        remark: &remark,
                    },
                );
            }
            if let (Some(k), true) = (r.key, t.additive) {
                let remark = format!(
                    "chiffre de la maille plus large × clé de répartition de {} %",
                    format_fr(k * 100.0, 2)
                );
                for c in (0..n).filter(|&c| r.applicable[c]) {
                    put(
                        w,
                        head,
                        Line {
                            nature: "estimation",
                            organism: &r.label,
                            file: &r.id,
                            basis: &r.basis_fr,
                            column: c,
                            value: r.values[c].map(|v| v * k),
                            remark: &remark,
                        },
                    );
                }
            }
        }
        if t.additive {
            for (c, total) in t.totals.iter().enumerate() {
                put(
                    w,
                    head,
                    Line {
                        nature: "total",
                        organism: "",
                        file: "",
                        basis: &territory,
                        column: c,
                        value: total.value(),
                        remark: &total.caveats_fr(),
                    },
                );
            }
            if !t.unventilated.is_empty() {
                for (c, v) in t.unventilated_totals.iter().enumerate() {
                    put(
                        w,
                        head,
                        Line {
                            nature: "total non ventilé",
                            organism: "",
                            file: "",
                            basis: "maille plus large",
                            column: c,
                            value: *v,
                            remark: "hors total du territoire",
                        },
                    );
                }
            }
        } else {
            type Pick = fn(&cus_core::consolidation::Stats) -> f64;
            let picks: [(&str, Pick); 3] = [
                ("minimum", |x| x.min),
                ("médiane", |x| x.median),
                ("maximum", |x| x.max),
            ];
            for (nature, pick) in picks {
                for (c, st) in t.stats.iter().enumerate() {
                    put(
                        w,
                        head,
                        Line {
                            nature,
                            organism: "",
                            file: "",
                            basis: &territory,
                            column: c,
                            value: st.as_ref().map(pick),
                            remark: st
                                .as_ref()
                                .map_or("aucune valeur saisie", |s| &s.formula_fr),
                        },
                    );
                }
            }
        }
        for cmp in &t.comparisons {
            let Some(c) = cmp.column else {
                continue;
            };
            let lines: [(&str, Option<f64>); 3] = [
                ("objectif", Some(cmp.objective.value)),
                ("écart", cmp.gap),
                ("couverture", cmp.coverage),
            ];
            for (nature, value) in lines {
                put(
                    w,
                    head,
                    Line {
                        nature,
                        organism: "",
                        file: "",
                        basis: &territory,
                        column: c,
                        value,
                        remark: &cmp.text_fr,
                    },
                );
            }
        }
        for (split, years) in &t.years {
            for y in years {
                let Some(c) = t.column(&cus_core::convention::key::column_key(
                    split,
                    &y.year.to_string(),
                )) else {
                    continue;
                };
                let lines: [(&str, Option<f64>); 3] = [
                    ("objectif cumulé", Some(y.cumulated_objective)),
                    ("engagements cumulés", Some(y.cumulated_committed)),
                    ("couverture cumulée", y.cumulated_coverage),
                ];
                for (nature, value) in lines {
                    put(
                        w,
                        head,
                        Line {
                            nature,
                            organism: "",
                            file: "",
                            basis: &territory,
                            column: c,
                            value,
                            remark: "",
                        },
                    );
                }
            }
        }
    }
}

fn cell_remark(invalid: bool, changed: bool) -> &'static str {
    match (invalid, changed) {
        (true, true) => "valeur invalide non comptée ; modifié par le scénario",
        (true, false) => "valeur invalide non comptée",
        (false, true) => "modifié par le scénario",
        (false, false) => "",
    }
}

impl Writer<'_> {
    /// The regional synthesis: a line `phrase` per key sentence (its text in `remarque`), and a
    /// line `synthèse` per cell of its tables (`groupe`: the section, `libelle_indicateur`: the
    /// table, `organisme`: the row, `libelle_colonne`: the column, `valeur` a number or
    /// `remarque` the words shown).
    fn synthesis(&mut self, r: &cus_core::report::Report) {
        for sec in &r.sections {
            let section = neutralise(&sec.title);
            for p in &sec.sentences {
                let _ = self.w.write_record([
                    self.head[0].as_str(),
                    self.head[1].as_str(),
                    self.head[2].as_str(),
                    section.as_str(),
                    &neutralise(&sec.id),
                    "",
                    "",
                    "phrase",
                    "",
                    "",
                    "",
                    &neutralise(&p.id),
                    "",
                    "",
                    &neutralise(&p.text),
                ]);
            }
            for t in &sec.tables {
                let caption = neutralise(&t.caption);
                for row in &t.rows {
                    for (i, c) in row.cells.iter().enumerate() {
                        let column = t.columns.get(i + 1).map(String::as_str).unwrap_or("");
                        let unit = match c {
                            cus_core::report::Cell::Pourcentage { .. } => "%",
                            _ => "",
                        };
                        let (value, remark) = match c.number() {
                            Some(v) => (number(Some(v)), String::new()),
                            None => (String::new(), neutralise(&c.text_fr())),
                        };
                        let _ = self.w.write_record([
                            self.head[0].as_str(),
                            self.head[1].as_str(),
                            self.head[2].as_str(),
                            section.as_str(),
                            &neutralise(&format!("{}/{}", sec.id, t.id)),
                            caption.as_str(),
                            unit,
                            "synthèse",
                            &neutralise(&row.label),
                            "",
                            "",
                            "",
                            &neutralise(column),
                            &value,
                            &remark,
                        ]);
                    }
                }
            }
        }
    }
}

/// The CSV of a consolidation.
pub(crate) fn write(run: &Run) -> Vec<u8> {
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(COLUMNS);
    let mut out = Writer {
        w,
        head: [
            CONSOLIDATION_FORMAT.to_string(),
            neutralise(&run.territory.to_string()),
            neutralise(run.scenario.as_ref().map_or("", |s| s.name.as_str())),
        ],
        run,
    };
    for g in &run.consolidated.groups {
        for t in g.tables.iter().filter(|t| has_figures(t)) {
            out.table(&g.label, t);
        }
    }
    out.synthesis(&run.synthesis);
    out.w.into_inner().unwrap_or_default()
}
