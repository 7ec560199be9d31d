//! Evaluation of the value rules. Every rule instance is evaluated at its anchor cell, by the same
//! code for a full validation (values read from a dense table) and for one cell (values read from
//! the convention's map), so both give the same diagnostics.

use std::cell::RefCell;
use std::collections::HashMap;

use super::grid::Addr;
use super::{codes, Index, BASE_PERCENT_TOLERANCE, TOLERANCE};
use crate::calc;
use crate::catalogue::Requirement;
use crate::catalogue::{PartShare, ValueKind};
use crate::convention::{
    label_year, text_too_long, valid_number_at, value_problem_at, Convention, Value,
};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::numfmt::format_fr;

pub(super) struct Ctx<'i, 'a, 'v> {
    pub idx: &'i Index<'a>,
    pub conv: &'v Convention,
    /// Values and their valid numbers, by grid then flat position; `None`: read `conv.values` by
    /// key (memoised).
    pub dense: Option<Dense<'v>>,
    pub memo: RefCell<HashMap<Addr, Read<'v>>>,
}

/// A cell's value and, when valid and numeric, its number.
pub(super) type Read<'v> = (Option<&'v Value>, Option<f64>);

pub(super) struct Dense<'v> {
    pub values: Vec<Vec<Option<&'v Value>>>,
    pub numbers: Vec<Vec<Option<f64>>>,
}

fn fr(v: f64) -> String {
    format_fr(v, 2)
}

/// « Le texte… » → « le texte… », after a colon.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Characters of a refused text quoted in a message, at most.
const QUOTED_CHARS: usize = 60;

/// A refused text as a message quotes it: on one line, its first characters only.
fn excerpt(t: &str) -> String {
    let one_line: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > QUOTED_CHARS {
        let cut: String = one_line.chars().take(QUOTED_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        one_line
    }
}

/// `a` is above `b` beyond the tolerance.
fn exceeds(a: f64, b: f64) -> bool {
    a > b + TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

fn differ(a: f64, b: f64) -> bool {
    (a - b).abs() > TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

impl<'i, 'a, 'v> Ctx<'i, 'a, 'v> {
    fn read(&self, a: Addr) -> Read<'v> {
        match &self.dense {
            Some(d) => {
                let i = self.idx.flat(a);
                (d.values[a.g][i], d.numbers[a.g][i])
            }
            None => *self.memo.borrow_mut().entry(a).or_insert_with(|| {
                let v = self.conv.values.get(&self.idx.key(a));
                let share = self.idx.grid(a.g).part_shares[a.s];
                (
                    v,
                    v.and_then(|v| valid_number_at(self.idx.ind(a.g), share, v)),
                )
            }),
        }
    }

    fn value(&self, a: Addr) -> Option<&'v Value> {
        self.read(a).0
    }

    fn num(&self, a: Addr) -> Option<f64> {
        self.read(a).1
    }

    fn territory(&self, a: Addr) -> String {
        self.conv
            .territory_label(&self.idx.grid(a.g).shape.rows[a.r], self.idx.geo)
    }

    fn split_label(&self, a: Addr) -> String {
        self.idx.grid(a.g).shape.splits[a.s].label_fr(self.idx.ind(a.g))
    }

    fn period_label(&self, a: Addr) -> String {
        self.idx
            .ind(a.g)
            .period_label_fr(self.idx.grid(a.g).shape.periods[a.p], label_year(self.conv))
    }

    /// "PP-1, 59 — Nord, PLAI, Cumul 2022–2024".
    fn where_fr(&self, a: Addr) -> String {
        format!(
            "{}, {}, {}, {}",
            self.idx.ind(a.g).code,
            self.territory(a),
            self.split_label(a),
            self.period_label(a)
        )
    }

    fn location(&self, a: Addr) -> Location {
        Location {
            indicator: Some(self.idx.ind(a.g).code.clone()),
            territory: Some(self.territory(a)),
            split: Some(self.split_label(a)),
            period: Some(self.period_label(a)),
            cell: Some(self.idx.key(a)),
            ..Default::default()
        }
    }

    /// A diagnostic of a rule from the indicator's definition (cites its article).
    fn definition_diag(&self, code: &str, sev: Severity, a: Addr, msg: String) -> Diagnostic {
        let ind = self.idx.ind(a.g);
        self.idx
            .cat
            .cite(Diagnostic::new(code, sev, msg, self.location(a)), ind)
    }

    /// The required-row rule of row `r` of grid `g`: its anchor (first empty cell) and diagnostic.
    pub fn required(&self, g: usize, r: usize) -> Option<(Addr, Diagnostic)> {
        let grid = self.idx.grid(g);
        if !grid.required {
            return None;
        }
        let n = grid.n_cells_per_row();
        let mut empty = 0;
        let mut first = None;
        for s in 0..grid.shape.splits.len() {
            for p in 0..grid.shape.periods.len() {
                let a = Addr { g, r, s, p };
                if self.value(a).is_none() {
                    empty += 1;
                    first.get_or_insert(a);
                }
            }
        }
        let a = first?;
        let ind = self.idx.ind(g);
        let why = if ind.requirement == Requirement::Obligatoire {
            "l'indicateur est obligatoire"
        } else {
            "l'indicateur est retenu à la demande du préfet"
        };
        // What to type: a number (0 when nothing is committed), a yes/no answer, a text.
        let (fill, fill_partial) = match ind.value {
            ValueKind::OuiNon => (
                "Répondez « oui » ou « non » pour cette ligne.",
                " : répondez « oui » ou « non »",
            ),
            ValueKind::Texte => (
                "Rédigez l'engagement de cette ligne.",
                " : rédigez l'engagement",
            ),
            _ => (
                "Saisissez les engagements de cette ligne (0 si l'engagement est nul).",
                ", ou saisissez 0 si l'engagement est nul : une cellule vide n'est pas un zéro",
            ),
        };
        let d = if empty == n {
            let cells = if n == 1 {
                "la cellule de la ligne n'est pas remplie".to_string()
            } else {
                format!("aucune des {n} cellules de la ligne n'est remplie")
            };
            self.definition_diag(
                codes::REQUIRED_MISSING,
                Severity::Error,
                a,
                format!(
                    "{}, {} : {cells}, alors que {why}. {fill}",
                    ind.code,
                    self.territory(a)
                ),
            )
        } else {
            let some = if empty == 1 {
                format!("1 cellule sur {n} est vide")
            } else {
                format!("{empty} cellules sur {n} sont vides")
            };
            self.definition_diag(
                codes::REQUIRED_PARTIAL,
                Severity::Warning,
                a,
                format!(
                    "{}, {} : {some} dans cette ligne (la première : {}, {}), alors que {why}. \
                     Complétez-{}{fill_partial}.",
                    ind.code,
                    self.territory(a),
                    self.split_label(a),
                    self.period_label(a),
                    if empty == 1 { "la" } else { "les" }
                ),
            )
        };
        Some((a, d))
    }

    /// Every rule instance anchored at `a`, except the required-row rule.
    pub fn eval_at(&self, a: Addr, out: &mut Vec<Diagnostic>) {
        let grid = self.idx.grid(a.g);
        let ind = self.idx.ind(a.g);
        let at = |s: usize, p: usize| Addr { s, p, ..a };

        // Kind and bounds of the value; the length of a text.
        if let Some(v) = self.value(a) {
            if let Some(problem) = value_problem_at(ind, grid.part_shares[a.s], v) {
                let d = if text_too_long(ind, v).is_some() {
                    // The text itself is in the cell: the message gives its length only.
                    self.definition_diag(
                        codes::TEXT_TOO_LONG,
                        Severity::Error,
                        a,
                        format!("{} : {}", self.where_fr(a), lower_first(&problem)),
                    )
                } else {
                    let shown = match v {
                        Value::Number(n) => fr(*n),
                        Value::Text(t) => excerpt(t),
                        Value::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
                    };
                    self.definition_diag(
                        codes::VALUE_INVALID,
                        Severity::Error,
                        a,
                        format!(
                            "{} : valeur « {shown} » refusée. {problem}",
                            self.where_fr(a)
                        ),
                    )
                };
                out.push(d);
            }
        }
        if !grid.numeric {
            return;
        }
        let here = self.num(a);

        // The usual order of magnitude of the value (data: `value_ranges`).
        if let Some(v) = here {
            for rule in self.idx.rules.ranges_of(self.idx.cat, &ind.code) {
                if let Some(m) = rule.problem_fr(v, &self.conv.unit_fr(ind)) {
                    out.push(Diagnostic::warning(
                        &rule.code,
                        format!("{} : {m}", self.where_fr(a)),
                        self.location(a),
                    ));
                }
            }
        }

        // A minimum the law sets for the commitments (data: `floors`), with its citation; a
        // commitment stated in another unit than the minimum's is not compared with it.
        if let Some(v) = here {
            let split = &grid.shape.splits[a.s];
            let period = grid.shape.periods[a.p];
            let unit = self.conv.unit_fr(ind);
            for floor in self.idx.rules.floors_of(self.idx.cat, &ind.code) {
                if floor.unit != unit || !floor.applies_at(split, a.s == 0, period) {
                    continue;
                }
                if let Some(m) = floor.problem_fr(v) {
                    out.push(
                        Diagnostic::warning(
                            &floor.code,
                            format!("{} : {m}", self.where_fr(a)),
                            self.location(a),
                        )
                        .with_article(floor.citation.short())
                        .with_source(floor.citation.source.clone()),
                    );
                }
            }
        }

        let percent_part = grid.part_shares[a.s].is_percentage();
        // A part is never above its whole (a percentage part: never above 100, its bounds).
        if let (Some(w), Some(v), false) = (grid.whole_of[a.s], here, percent_part) {
            let wa = at(w, a.p);
            if let Some(wv) = self.num(wa) {
                if exceeds(v, wv) {
                    // 92 typed for « 92 % »: say how to state the part as a percentage.
                    let hint = if v <= 100.0 {
                        " Si c'est un pourcentage du total, choisissez « parts en % » au-dessus de \
                         la grille."
                    } else {
                        ""
                    };
                    out.push(self.definition_diag(
                        codes::PART_EXCEEDS_TOTAL,
                        Severity::Error,
                        a,
                        format!(
                            "{} : la part ({}) dépasse la valeur dont elle fait partie ({} : {}). \
                             Une part « dont » ne peut pas dépasser son total : corrigez l'une des \
                             deux valeurs.{hint}",
                            self.where_fr(a),
                            fr(v),
                            self.split_label(wa),
                            fr(wv)
                        ),
                    ));
                }
            }
        }

        // A percentage of the base stated with its count agrees with count ÷ base.
        if let (Some(w), Some(pct), PartShare::PourcentageDeLaBase) =
            (grid.whole_of[a.s], here, grid.part_shares[a.s])
        {
            let base = ind
                .base
                .as_deref()
                .and_then(|b| self.conv.base_at(b, &grid.shape.rows[a.r]));
            if let (Some(count), Some(base)) = (self.num(at(w, a.p)), base.filter(|b| *b > 0.0)) {
                let computed = count / base * 100.0;
                if (computed - pct).abs() > BASE_PERCENT_TOLERANCE {
                    out.push(self.definition_diag(
                        codes::BASE_PERCENT_MISMATCH,
                        Severity::Warning,
                        a,
                        format!(
                            "{} : {} % ne correspond pas au nombre rapporté à la base : {} ÷ {} = \
                             {} %. Vérifiez le nombre, le pourcentage ou la base (étape Parc).",
                            self.where_fr(a),
                            fr(pct),
                            fr(count),
                            fr(base),
                            crate::numfmt::format_fr(computed, 1)
                        ),
                    ));
                }
            }
        }

        // A cumulative value never decreases (a percentage of its total may).
        if let (Some(pn), Some(v), false) = (
            grid.next_cum[a.p],
            here,
            grid.part_shares[a.s] == PartShare::PourcentageDuTotal,
        ) {
            let na = at(a.s, pn);
            if let Some(nv) = self.num(na) {
                if exceeds(v, nv) {
                    out.push(self.definition_diag(
                        codes::CUMUL_DECREASING,
                        Severity::Error,
                        a,
                        format!(
                            "{} : le cumul ({}) dépasse celui de l'échéance suivante ({} : {}). Un \
                             cumul ne peut pas diminuer : corrigez l'une des deux valeurs.",
                            self.where_fr(a),
                            fr(v),
                            self.period_label(na),
                            fr(nv)
                        ),
                    ));
                }
            }
        }

        if grid.additive && !percent_part {
            if let Some(total) = here {
                // Members of a breakdown add up to its total.
                for (b, members) in &grid.members_of[a.s] {
                    let vals: Option<Vec<f64>> =
                        members.iter().map(|&s| self.num(at(s, a.p))).collect();
                    let Some(vals) = vals else { continue };
                    let sum: f64 = vals.iter().sum();
                    if differ(sum, total) {
                        let bd = &ind.splits.breakdowns[*b];
                        let names: Vec<&str> = bd.members.iter().map(|m| m.code.as_str()).collect();
                        let figures: Vec<String> = vals.iter().map(|&v| fr(v)).collect();
                        out.push(self.definition_diag(
                            codes::SPLIT_SUM_MISMATCH,
                            Severity::Error,
                            a,
                            format!(
                                "{} : le total ({}) diffère de la somme des modalités de « {} » : \
                                 {} = {} = {}. Corrigez le total ou le détail.",
                                self.where_fr(a),
                                fr(total),
                                bd.label,
                                names.join(" + "),
                                figures.join(" + "),
                                fr(sum)
                            ),
                        ));
                    }
                }
                // Years 1..n add up to the cumulative at n.
                if let Some(years) = &grid.years_upto[a.p] {
                    let vals: Option<Vec<f64>> =
                        years.iter().map(|&p| self.num(at(a.s, p))).collect();
                    if let Some(vals) = vals {
                        let sum: f64 = vals.iter().sum();
                        if differ(sum, total) {
                            let first =
                                grid.shape.periods[years[0]].label_fr(label_year(self.conv));
                            let last = grid.shape.periods[years[years.len() - 1]]
                                .label_fr(label_year(self.conv));
                            let figures: Vec<String> = vals.iter().map(|&v| fr(v)).collect();
                            out.push(self.definition_diag(
                                codes::CUMUL_YEARLY_MISMATCH,
                                Severity::Error,
                                a,
                                format!(
                                    "{} : le cumul ({}) diffère de la somme des valeurs annuelles \
                                     ({first} à {last}) : {} = {}. Corrigez le cumul ou les \
                                     valeurs annuelles.",
                                    self.where_fr(a),
                                    fr(total),
                                    figures.join(" + "),
                                    fr(sum)
                                ),
                            ));
                        }
                    }
                }
                // EPCI lying wholly in a département add up to no more than it.
                let epcis = &grid.dept_epcis[a.r];
                if !epcis.is_empty() {
                    let given: Vec<(Addr, f64)> = epcis
                        .iter()
                        .filter_map(|&r| {
                            let e = Addr { r, ..a };
                            self.num(e).map(|v| (e, v))
                        })
                        .collect();
                    let sum: f64 = given.iter().map(|(_, v)| v).sum();
                    if !given.is_empty() && exceeds(sum, total) {
                        let detail: Vec<String> = given
                            .iter()
                            .map(|&(e, v)| format!("{} : {}", self.territory(e), fr(v)))
                            .collect();
                        out.push(self.definition_diag(
                            codes::EPCI_EXCEEDS_DEPARTEMENT,
                            Severity::Error,
                            a,
                            format!(
                                "{} : les EPCI situés entièrement dans ce département totalisent \
                                 {} ({}), plus que la valeur du département ({}). Corrigez la \
                                 valeur du département ou celles des EPCI.",
                                self.where_fr(a),
                                fr(sum),
                                detail.join(" ; "),
                                fr(total)
                            ),
                        ));
                    }
                }
                // Ratio to the stock of the territory.
                for ratio in grid.ratios.iter().filter(|x| x.s == a.s && x.p == a.p) {
                    let rule = &self.idx.rules.ratios_to_stock[ratio.rule];
                    let Some(&stock) = self.conv.stock.get(&grid.shape.row_keys[a.r]) else {
                        continue;
                    };
                    if !(stock.is_finite() && stock > 0.0) {
                        continue;
                    }
                    let pct = total / stock * 100.0;
                    if pct > rule.max_percent {
                        out.push(Diagnostic::warning(
                            &rule.code,
                            format!(
                                "{} : {} représente {} du parc de ce territoire ({} logements), \
                                 au-delà du seuil de vraisemblance de {} ; {}. Vérifiez la valeur \
                                 saisie et le parc déclaré.",
                                self.where_fr(a),
                                fr(total),
                                calc::percent_fr(pct),
                                fr(stock),
                                calc::percent_fr(rule.max_percent),
                                rule.reason
                            ),
                            self.location(a),
                        ));
                    }
                }
            }
            // Share of some members among others.
            for sh in grid
                .shares
                .iter()
                .filter(|x| x.anchor == a.s && x.periods.contains(&a.p))
            {
                let rule = &self.idx.rules.member_shares[sh.rule];
                let term = |s: usize| {
                    let c = at(s, a.p);
                    self.num(c).map(|v| calc::Term {
                        label: grid.shape.splits[s].label_fr(ind),
                        key: self.idx.key(c),
                        value: v,
                    })
                };
                let num: Option<Vec<calc::Term>> = sh.numerator.iter().map(|&s| term(s)).collect();
                let den: Option<Vec<calc::Term>> =
                    sh.denominator.iter().map(|&s| term(s)).collect();
                let (Some(num), Some(den)) = (num, den) else {
                    continue;
                };
                let Ok(e) = calc::share_of(&num, &den) else {
                    continue;
                };
                if e.value < rule.min_percent || e.value > rule.max_percent {
                    let bd = ind
                        .splits
                        .breakdowns
                        .iter()
                        .find(|b| b.id == rule.breakdown)
                        .map(|b| b.label.clone())
                        .unwrap_or_else(|| rule.breakdown.clone());
                    out.push(Diagnostic::warning(
                        &rule.code,
                        format!(
                            "{} : part {}, hors de la fourchette habituelle de {} à {} ; {}. \
                             Vérifiez la ventilation « {bd} ».",
                            self.where_fr(a),
                            e.formula_fr,
                            calc::percent_fr(rule.min_percent),
                            calc::percent_fr(rule.max_percent),
                            rule.reason
                        ),
                        self.location(a),
                    ));
                }
            }
        }

        // Comparisons declared as data, anchored at their left-hand cell.
        let Some(v) = here else { return };
        for cmp in &self.idx.rules.comparisons {
            if cmp.lhs.indicator != ind.code || !cmp.applies_to(self.idx.cat) {
                continue;
            }
            let Some((_, b)) = self.idx.comparison_cells(cmp, Some(a), None) else {
                continue;
            };
            let Some(w) = self.num(b) else { continue };
            if !cmp.op.holds(v, w) {
                let mut d = Diagnostic::new(
                    &cmp.code,
                    cmp.severity,
                    format!(
                        "{} : la valeur ({}) doit être {} celle de {}, {}, {} ({}). {}",
                        self.where_fr(a),
                        fr(v),
                        cmp.op.label_fr(),
                        self.idx.ind(b.g).code,
                        self.split_label(b),
                        self.period_label(b),
                        fr(w),
                        cmp.message
                    ),
                    self.location(a),
                );
                d.article = cmp.article.clone();
                out.push(d);
            }
        }
    }
}
