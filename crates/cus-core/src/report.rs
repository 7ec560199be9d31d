//! A report as data: sections of sentences, tables and charts, every word in French already.
//!
//! The regional synthesis (« Simuler » → Compilation régionale, `cus consolider`) is built once
//! as a [`Report`]; the page, the workbook, the CSV, the JSON and the text to paste are renderers
//! of it that add no word and no figure of their own, so the five never drift apart.

use serde::Serialize;

use crate::numfmt::format_fr;

/// Why a cell holds no figure, in the same words everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Missing {
    /// Nothing was entered (an empty cell is not a zero).
    NoValue,
    /// A ratio whose terms are missing or zero.
    NotComputable,
    /// Not a figure of this row (a share of a total, on the total row).
    NotApplicable,
}

impl Missing {
    pub fn label_fr(self) -> &'static str {
        match self {
            Missing::NoValue => EMPTY_FR,
            Missing::NotComputable => "non calculable",
            Missing::NotApplicable => "—",
        }
    }
}

/// The words for an empty figure, everywhere (page, workbook, CSV, text).
pub const EMPTY_FR: &str = "aucune valeur";
/// The words for a figure that includes estimates made with split keys, everywhere.
pub const ESTIMATE_FR: &str = "dont estimations par clé de répartition";

/// One cell of a report table.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Cell {
    Texte {
        texte: String,
    },
    /// A count or an amount, shown with `decimales` decimals at most.
    Nombre {
        valeur: f64,
        decimales: u8,
    },
    /// A percentage (`valeur` in percent: 12.5 is « 12,5 % »); `signe`: an evolution, shown
    /// with its sign (« +90 % », « −4 % »).
    Pourcentage {
        valeur: f64,
        decimales: u8,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        signe: bool,
    },
    Vide {
        raison: Missing,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Texte { texte: s.into() }
    }

    /// A count (no decimal shown unless it has some).
    pub fn count(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell::Nombre {
                valeur: v,
                decimales: 1,
            },
            None => Cell::missing(Missing::NoValue),
        }
    }

    pub fn percent(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell::Pourcentage {
                valeur: v,
                decimales: 1,
                signe: false,
            },
            None => Cell::missing(Missing::NotComputable),
        }
    }

    /// An evolution in percent, signed.
    pub fn evolution(v: Option<f64>) -> Cell {
        match v {
            Some(v) => Cell::Pourcentage {
                valeur: v,
                decimales: 1,
                signe: true,
            },
            None => Cell::missing(Missing::NotComputable),
        }
    }

    pub fn missing(why: Missing) -> Cell {
        Cell::Vide { raison: why }
    }

    /// The number a spreadsheet stores (a percentage as its figure in percent).
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Nombre { valeur, .. } | Cell::Pourcentage { valeur, .. } => Some(*valeur),
            _ => None,
        }
    }

    /// The cell as the page and the text show it (« 32 480 », « 19,8 % », « +90,1 % »,
    /// « aucune valeur »).
    pub fn text_fr(&self) -> String {
        match self {
            Cell::Texte { texte } => texte.clone(),
            Cell::Nombre { valeur, decimales } => format_fr(*valeur, *decimales as usize),
            Cell::Pourcentage {
                valeur,
                decimales,
                signe,
            } => signed_percent(*valeur, *decimales as usize, *signe),
            Cell::Vide { raison } => raison.label_fr().to_string(),
        }
    }
}

/// « 19,8 % », or with `sign` « +90,1 % » / « −4 % ».
pub fn signed_percent(v: f64, decimals: usize, sign: bool) -> String {
    let body = format_fr(v.abs(), decimals);
    let s = if !sign || body.chars().all(|c| c == '0' || c == ',') {
        if v < 0.0 && !sign {
            format!("−{body}")
        } else {
            body
        }
    } else if v < 0.0 {
        format!("−{body}")
    } else {
        format!("+{body}")
    };
    format!("{s} %")
}

/// One row of a report table: its header (an organism, a year, a financing) and its cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableRow {
    #[serde(rename = "libelle")]
    pub label: String,
    #[serde(rename = "cellules")]
    pub cells: Vec<Cell>,
    /// A total row (shown in bold, kept last).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total: bool,
}

/// A table of a report: `columns[0]` names the row headers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    pub id: String,
    #[serde(rename = "titre")]
    pub caption: String,
    #[serde(rename = "colonnes")]
    pub columns: Vec<String>,
    #[serde(rename = "lignes")]
    pub rows: Vec<TableRow>,
    /// What the reader must know to read it (a source, a caveat).
    #[serde(rename = "notes", skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(id: &str, caption: impl Into<String>, columns: &[&str]) -> Table {
        Table {
            id: id.to_string(),
            caption: caption.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn row(&mut self, label: impl Into<String>, cells: Vec<Cell>) {
        self.rows.push(TableRow {
            label: label.into(),
            cells,
            total: false,
        });
    }

    pub fn total_row(&mut self, label: impl Into<String>, cells: Vec<Cell>) {
        self.rows.push(TableRow {
            label: label.into(),
            cells,
            total: true,
        });
    }
}

/// A bar chart; its figures are also the table `table` of the same section (the chart's
/// alternative for those who do not see it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    pub id: String,
    #[serde(rename = "titre")]
    pub caption: String,
    #[serde(rename = "unite")]
    pub unit: String,
    /// (label, value).
    #[serde(rename = "barres")]
    pub bars: Vec<(String, f64)>,
    /// Id of the table holding the same figures.
    #[serde(rename = "tableau")]
    pub table: String,
}

/// A key sentence, to copy into a note: every figure in it comes from the section's tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sentence {
    pub id: String,
    #[serde(rename = "texte")]
    pub text: String,
}

/// A section: one indicator, or the method.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    #[serde(rename = "titre")]
    pub title: String,
    /// A short name (a workbook's sheet: « Compilation PP-1 », at most 31 characters).
    #[serde(rename = "titre_court")]
    pub short_title: String,
    #[serde(rename = "introduction", skip_serializing_if = "String::is_empty")]
    pub intro: String,
    #[serde(rename = "phrases")]
    pub sentences: Vec<Sentence>,
    #[serde(rename = "tableaux")]
    pub tables: Vec<Table>,
    #[serde(rename = "graphiques", skip_serializing_if = "Vec::is_empty")]
    pub charts: Vec<Chart>,
}

impl Section {
    pub fn new(id: &str, short_title: &str, title: impl Into<String>) -> Section {
        Section {
            id: id.to_string(),
            title: title.into(),
            short_title: short_title.to_string(),
            intro: String::new(),
            sentences: Vec::new(),
            tables: Vec::new(),
            charts: Vec::new(),
        }
    }

    pub fn say(&mut self, id: &str, text: impl Into<String>) {
        self.sentences.push(Sentence {
            id: id.to_string(),
            text: text.into(),
        });
    }

    /// The sentence with this id.
    pub fn sentence(&self, id: &str) -> Option<&str> {
        self.sentences
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.text.as_str())
    }

    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}

/// A whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    #[serde(rename = "titre")]
    pub title: String,
    /// The territory, the files, the scenario (one line each).
    #[serde(rename = "contexte")]
    pub context: Vec<String>,
    pub sections: Vec<Section>,
}

impl Report {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// The key sentences of every section, one paragraph per section.
    pub fn sentences_text(&self) -> String {
        let mut out = String::new();
        for s in self.sections.iter().filter(|s| !s.sentences.is_empty()) {
            out.push_str(&s.title);
            out.push('\n');
            for p in &s.sentences {
                out.push_str(&p.text);
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }

    /// The whole report as text: titles, sentences, then each table. `tabs`: cells separated
    /// by tabulations (pasted into a word processor or a spreadsheet, a table stays a table);
    /// else columns aligned with spaces (a terminal).
    pub fn to_text(&self, tabs: bool) -> String {
        let mut out = format!("{}\n", self.title);
        for c in &self.context {
            out.push_str(c);
            out.push('\n');
        }
        for s in &self.sections {
            out.push_str(&format!("\n== {} ==\n", s.title));
            if !s.intro.is_empty() {
                out.push_str(&s.intro);
                out.push('\n');
            }
            for p in &s.sentences {
                out.push_str(&p.text);
                out.push('\n');
            }
            for t in &s.tables {
                out.push('\n');
                table_text(&mut out, t, tabs);
            }
        }
        out
    }
}

fn table_text(out: &mut String, t: &Table, tabs: bool) {
    out.push_str(&t.caption);
    out.push('\n');
    let mut lines: Vec<Vec<String>> = vec![t.columns.clone()];
    for r in &t.rows {
        let mut l = vec![r.label.clone()];
        l.extend(r.cells.iter().map(Cell::text_fr));
        lines.push(l);
    }
    if tabs {
        for l in &lines {
            out.push_str(&l.join("\t"));
            out.push('\n');
        }
    } else {
        let n = lines.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..n)
            .map(|i| {
                lines
                    .iter()
                    .filter_map(|l| l.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for l in &lines {
            let cells: Vec<String> = l
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = widths[i].saturating_sub(c.chars().count());
                    if i == 0 {
                        format!("{c}{}", " ".repeat(pad))
                    } else {
                        format!("{}{c}", " ".repeat(pad))
                    }
                })
                .collect();
            out.push_str("  ");
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    for n in &t.notes {
        out.push_str(&format!("  ({n})\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_the_same_everywhere() {
        let cases: Vec<(Cell, &str)> = vec![
            (Cell::count(Some(32480.0)), "32 480"),
            (Cell::count(Some(12.26)), "12,3"),
            (Cell::count(None), "aucune valeur"),
            (Cell::percent(Some(19.84)), "19,8 %"),
            (Cell::percent(None), "non calculable"),
            (Cell::evolution(Some(90.04)), "+90 %"),
            (Cell::evolution(Some(-4.0)), "−4 %"),
            (Cell::evolution(Some(0.0)), "0 %"),
            (Cell::missing(Missing::NotApplicable), "—"),
        ];
        for (c, want) in cases {
            assert_eq!(c.text_fr().replace('\u{202f}', " "), want, "{c:?}");
        }
    }

    #[test]
    fn a_report_reads_as_text_with_tabs_or_aligned() {
        let mut s = Section::new("offre", "Compilation PP-1", "Offre nouvelle");
        s.say("total", "32 480 logements.");
        let mut t = Table::new("financements", "Par financement", &["Financement", "Total"]);
        t.row("PLAI", vec![Cell::count(Some(6186.0))]);
        t.total_row("Total", vec![Cell::count(Some(32480.0))]);
        s.tables.push(t);
        let r = Report {
            title: "Synthèse".into(),
            context: vec!["Territoire : Hauts-de-France".into()],
            sections: vec![s],
        };
        let tabs = r.to_text(true).replace('\u{202f}', " ");
        assert!(
            tabs.contains("Financement\tTotal\nPLAI\t6 186\nTotal\t32 480\n"),
            "{tabs}"
        );
        let aligned = r.to_text(false).replace('\u{202f}', " ");
        assert!(
            aligned.contains(&format!(
                "  PLAI{}6 186\n  Total{}32 480\n",
                " ".repeat(10),
                " ".repeat(8)
            )),
            "{aligned}"
        );
        assert_eq!(r.sentences_text(), "Offre nouvelle\n32 480 logements.\n\n");
    }
}
