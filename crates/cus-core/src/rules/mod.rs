//! Validation of a whole convention against the decree: the territory and segmentation rules of
//! [`check_segmentation`], then the rules on the values typed in the cells. Every problem is a
//! [`Diagnostic`] with a stable code, a French message (what is wrong, where, what to do), a
//! location down to the canonical key of the cell to fix and, when the rule comes from the
//! indicator's definition, the article as the catalogue cites it. Validation never panics.
//!
//! # Rule codes
//!
//! | code | severity | meaning |
//! | --- | --- | --- |
//! | `E-ORG-SIREN-MISSING` | error | the organism has no SIREN: the State cannot tell who signs |
//! | `E-ORG-SIREN-INVALID` | error | the SIREN is not 9 digits or its Luhn key is wrong (a digit swapped or mistyped) |
//! | `E-ORG-NAME-MISSING` | error | the organism has no raison sociale |
//! | `E-ORG-SIEGE-MISSING` | error | no head-office département: the file goes to the prefect of that département (arrêté du 19 octobre 2017, art. 4), so it has no addressee |
//! | `E-ORG-SIEGE-UNKNOWN` | error | the head-office département is no département of the referential (same reason) |
//! | `W-ORG-KIND-MISSING` | warning | no organism kind (OPH, ESH, coopérative, SEM, autre): no rule or calculation depends on it and the SIREN already identifies the organism, so a reviewer can do without it; the user chooses it or acknowledges |
//! | `E-VALUE-INVALID` | error | a value is not of the indicator's kind or outside its bounds (a yes/no item holds only oui / non, a text item no empty text) |
//! | `E-TEXT-TOO-LONG` | error | a text is longer than its indicator's limit (`max_chars`, 2 000 characters by default: `catalogue::DEFAULT_TEXT_MAX_CHARS`) |
//! | `E-REQUIRED-MISSING` | error | a row of a required indicator has no value at all (numbers, yes/no and texts alike) |
//! | `W-REQUIRED-PARTIAL` | warning | a row of a required indicator has some empty cells |
//! | `E-PART-EXCEEDS-TOTAL` | error | a "dont" part is above the value it is part of |
//! | `E-SPLIT-SUM-MISMATCH` | error | the members of a breakdown do not add up to its total (counts) |
//! | `E-CUMUL-DECREASING` | error | a cumulative value is above the next one (3 years > 6 years) |
//! | `E-CUMUL-YEARLY-MISMATCH` | error | the years 1..n do not add up to the cumulative at n (counts) |
//! | `E-EPCI-EXCEEDS-DEPARTEMENT` | error | the EPCI lying wholly in a département add up to more than it (counts) |
//! | data (`comparisons`) | data | `lhs op rhs` between two indicators (`data/rules/comparaisons.json`) |
//! | `W-PLAUSIBLE-PRODUCTION` | warning | a value is a large share of the stock of its territory (`data/rules/plausibilite.json`) |
//! | `W-PLAUSIBLE-PLAI-SHARE` | warning | the share of some members among others is unusual (same file) |
//! | `W-VALUE-ORPHAN` | warning | a value is stored under a key that is no cell of the convention |
//! | `W-STOCK-INVALID` | warning | a stock figure is not a whole number ≥ 0 or names no territory |
//! | `E-STOCK-EPCI-EXCEEDS` | error | the stock of the EPCI lying wholly in a département is above the département's |
//! | `E-STOCK-EXCEEDS-ORGANISME` | error | the stock of the départements is above the whole organism's |
//! | `W-UNIT-NOT-CHOSEN` | warning | the text leaves an indicator's unit open and the convention chose none |
//!
//! The organism rules ([`check_organisme`]) are located by a `path` under `organisme.` and carry
//! no cell. An unknown organism kind cannot reach them: `Organisme::kind` is a closed list, and
//! the readers of `cus-formats` refuse a file naming another kind, in French, so nothing is
//! silently dropped.
//!
//! Choices: a required indicator is a mandatory one or one retained at the prefect's request (the
//! convention retains it only when the prefect asked); a row with every cell empty is an error, a
//! row partly filled a warning (an empty cell is not a zero: the user confirms). Values that are
//! themselves invalid take no part in the rules between cells, so one wrong entry gives one
//! diagnostic. "Counts" are whole-number `nombre` indicators ([`is_additive`]): percentages,
//! amounts per dwelling and decimal numbers of unknown unit do not add up.
//!
//! # Incremental validation
//!
//! Each value rule is an *instance* with a *support* (the cells whose values it reads) and an
//! *anchor* (the cell named in `location.cell`; for the required-row rule, the first empty cell,
//! so any cell of the row). The **group** of a cell K ([`group`]) is the set of cells that may
//! anchor an instance whose support contains K:
//!
//! - K itself (its own value, and every instance anchored at K);
//! - every cell of K's row when the indicator is required;
//! - the parts of K (same members, period) when K is a whole;
//! - the previous cumulative period of K;
//! - for counts: the totals of K's breakdowns (same part, period), the cumulative periods n ≥ y
//!   when K is year y, the département row of K when K is an EPCI lying only in it, the cell
//!   anchoring a share rule K takes part in;
//! - the left-hand cell of a comparison whose right-hand side is K.
//!
//! A key that is no cell of the convention is its own group. [`validate_cell`] returns exactly the
//! diagnostics of [`validate`] whose `location.cell` is in the group of K, so after editing K,
//! `validate(after)` equals `validate(before)` minus the diagnostics located in the group of K,
//! plus `validate_cell(after, K)` (as multisets; checked by `tests/proptest_rules.rs`). Groups
//! depend on the structure of the convention only, never on its values. The segmentation and
//! stock diagnostics carry no cell and are never part of [`validate_cell`]: when the territories,
//! segments, segmentation or stock change, validate the whole convention again (and build a new
//! [`Index`]). An edit of the organism ([`Touched::Organisme`]) runs the organism rules again,
//! nothing else.
//!
//! The data rules of `data/rules/` apply to counts only (shares and ratios to the stock of
//! percentages mean nothing); a comparison applies to any numeric indicators.

mod eval;
mod grid;
mod organisme;

use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The value semantics the rules rely on, defined in [`crate::convention`].
pub use crate::convention::{is_additive, is_required, label_year, valid_number, value_problem};
/// The rule data (`data/rules/*.json`), a leaf module of its own so that [`crate::calc`] reads it
/// without depending on the rule engine.
pub use crate::ruledata as data;
pub use crate::ruledata::{Comparison, MemberShare, Op, Operand, RatioToStock, RuleSet, TOLERANCE};

use grid::{Addr, Grid};
pub use organisme::{check_organisme, is_organisme_diagnostic};

use crate::catalogue::{Catalogue, Indicator};
use crate::convention::{check_segmentation, Convention, TerritoryKey, Touched, Value};
use crate::diagnostic::{Diagnostic, Location};
use crate::geo::Referential;

/// The stable codes of the rules written in Rust (the data-driven comparisons carry their own).
pub mod codes {
    pub const ORG_SIREN_MISSING: &str = "E-ORG-SIREN-MISSING";
    pub const ORG_SIREN_INVALID: &str = "E-ORG-SIREN-INVALID";
    pub const ORG_NAME_MISSING: &str = "E-ORG-NAME-MISSING";
    pub const ORG_SIEGE_MISSING: &str = "E-ORG-SIEGE-MISSING";
    pub const ORG_SIEGE_UNKNOWN: &str = "E-ORG-SIEGE-UNKNOWN";
    pub const ORG_KIND_MISSING: &str = "W-ORG-KIND-MISSING";
    pub const VALUE_INVALID: &str = "E-VALUE-INVALID";
    pub const TEXT_TOO_LONG: &str = "E-TEXT-TOO-LONG";
    pub const REQUIRED_MISSING: &str = "E-REQUIRED-MISSING";
    pub const REQUIRED_PARTIAL: &str = "W-REQUIRED-PARTIAL";
    pub const PART_EXCEEDS_TOTAL: &str = "E-PART-EXCEEDS-TOTAL";
    pub const SPLIT_SUM_MISMATCH: &str = "E-SPLIT-SUM-MISMATCH";
    pub const CUMUL_DECREASING: &str = "E-CUMUL-DECREASING";
    pub const CUMUL_YEARLY_MISMATCH: &str = "E-CUMUL-YEARLY-MISMATCH";
    pub const EPCI_EXCEEDS_DEPARTEMENT: &str = "E-EPCI-EXCEEDS-DEPARTEMENT";
    pub const VALUE_ORPHAN: &str = "W-VALUE-ORPHAN";
    pub const STOCK_INVALID: &str = "W-STOCK-INVALID";
    pub const STOCK_EPCI_EXCEEDS: &str = "E-STOCK-EPCI-EXCEEDS";
    pub const STOCK_EXCEEDS_ORGANISME: &str = "E-STOCK-EXCEEDS-ORGANISME";
    pub const UNIT_NOT_CHOSEN: &str = "W-UNIT-NOT-CHOSEN";
    pub const BASE_PERCENT_MISMATCH: &str = "W-BASE-PERCENT-MISMATCH";
    pub const BASE_MISSING: &str = "I-BASE-MISSING";
    pub const BASE_INVALID: &str = "W-BASE-INVALID";
    pub const CHOICE_UNKNOWN: &str = "W-CHOICE-UNKNOWN";
    pub const COMPLEMENTARY_INVALID: &str = "E-COMPLEMENTARY-INVALID";
}

/// How far (in points) a percentage stated with its count may be from count ÷ base: the
/// figures of a signed convention are rounded, to the unit at most.
pub const BASE_PERCENT_TOLERANCE: f64 = 0.5;

/// Validate the whole convention with the embedded data rules: organism, segmentation, stock,
/// values.
pub fn validate(conv: &Convention, cat: &Catalogue, geo: Option<&Referential>) -> Vec<Diagnostic> {
    validate_with(conv, cat, geo, RuleSet::embedded())
}

/// Same as [`validate`] with another set of data rules.
pub fn validate_with(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    rules: &RuleSet,
) -> Vec<Diagnostic> {
    // The catalogue as the convention applies it (its choices); the same when already a view.
    let view = conv.view(cat);
    let cat = &*view;
    let mut out = check_organisme(&conv.organisme, Some(cat), geo);
    out.extend(check_segmentation(conv, cat, geo));
    out.extend(check_stock(conv, geo));
    out.extend(check_units(conv, cat));
    out.extend(check_choices(conv, cat, geo));
    out.extend(Index::with_rules(conv, cat, geo, rules).validate_values(conv));
    out.extend(crate::evaluation::check_convention(conv, cat, geo));
    out
}

/// The diagnostics of a convention, kept up to date edit by edit: an edit of a few cells
/// revalidates only their groups (`Index::validate_cell`), an edit of the organism only the
/// organism rules; a change of structure (territories, segmentation, catalogue, stock) or of many
/// cells validates everything again. It holds the
/// diagnostics and the index, never a copy of the convention: the caller says what changed
/// ([`Touched`], returned by `Edit::apply`).
pub struct Validator<'a> {
    cat: &'a Catalogue,
    geo: Option<&'a Referential>,
    rules: &'a RuleSet,
    index: Index<'a>,
    diags: Vec<Diagnostic>,
}

/// Above this many cells in one edit, a full validation is cheaper than patching cell by cell.
pub const INCREMENTAL_LIMIT: usize = 64;

impl<'a> Validator<'a> {
    pub fn new(conv: &Convention, cat: &'a Catalogue, geo: Option<&'a Referential>) -> Self {
        Self::with_rules(conv, cat, geo, RuleSet::embedded())
    }

    pub fn with_rules(
        conv: &Convention,
        cat: &'a Catalogue,
        geo: Option<&'a Referential>,
        rules: &'a RuleSet,
    ) -> Self {
        Validator {
            cat,
            geo,
            rules,
            index: Index::with_rules(conv, cat, geo, rules),
            diags: validate_with(conv, cat, geo, rules),
        }
    }

    /// Bring the diagnostics up to date with `conv`, which changed by `touched` since the last
    /// call (or since [`Validator::new`]).
    pub fn update(&mut self, conv: &Convention, touched: &Touched) {
        match touched {
            Touched::Nothing => {}
            Touched::Organisme => {
                self.diags.retain(|d| !is_organisme_diagnostic(d));
                self.diags
                    .extend(check_organisme(&conv.organisme, Some(self.cat), self.geo));
            }
            Touched::Evaluation => self.update_evaluation(conv, None),
            Touched::Achievements(keys) if keys.len() <= INCREMENTAL_LIMIT => {
                self.update_evaluation_owned(conv, keys)
            }
            Touched::Achievements(keys) => self.update_evaluation(conv, Some(keys)),
            Touched::Cells(keys) if keys.len() <= INCREMENTAL_LIMIT => {
                let mut keys = keys.clone();
                keys.sort();
                keys.dedup();
                for key in &keys {
                    let group = self.index.group(key);
                    self.diags.retain(|d| {
                        is_evaluation_diagnostic(d)
                            || d.location.cell.as_ref().is_none_or(|k| !group.contains(k))
                    });
                    self.diags.extend(self.index.validate_cell(conv, key));
                }
                // A commitment changed: whether each achievement misses it too.
                if !conv.achievements.is_empty() {
                    self.update_evaluation_owned(conv, &keys);
                }
            }
            Touched::Cells(_) => {
                self.diags = validate_with(conv, self.cat, self.geo, self.rules);
            }
            Touched::Structure => {
                self.index = Index::with_rules(conv, self.cat, self.geo, self.rules);
                self.diags = validate_with(conv, self.cat, self.geo, self.rules);
            }
        }
    }

    /// The evaluation diagnostics again: all, or those of the indicators of `keys` (cell or
    /// justification keys), with the one `E-EVAL-UNKNOWN` that stands for the whole file.
    fn update_evaluation(&mut self, conv: &Convention, keys: Option<&[String]>) {
        let only: Option<BTreeSet<String>> = keys.map(|ks| {
            ks.iter()
                .map(|k| crate::evaluation::indicator_of(k).to_string())
                .collect()
        });
        self.diags.retain(|d| {
            !is_evaluation_diagnostic(d)
                || only.as_ref().is_some_and(|o| {
                    d.location
                        .indicator
                        .as_ref()
                        .is_some_and(|i| !o.contains(i))
                })
        });
        self.diags.extend(crate::evaluation::check_convention_in(
            conv,
            self.cat,
            self.geo,
            only.as_ref(),
        ));
    }

    /// The evaluation diagnostics an edit of `keys` (achievement, commitment or justification
    /// keys) can change, again: those their owners own (`evaluation::Owners`), the file's
    /// included; the others stay.
    fn update_evaluation_owned(&mut self, conv: &Convention, keys: &[String]) {
        let owners = crate::evaluation::Owners::of_keys(keys);
        self.diags
            .retain(|d| !is_evaluation_diagnostic(d) || !owners.owns(d));
        self.diags.extend(crate::evaluation::check_owned(
            conv, self.cat, self.geo, &owners,
        ));
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// Was it built for this catalogue?
    pub fn is_for(&self, cat: &Catalogue) -> bool {
        std::ptr::eq(self.cat, cat) || self.cat.is(&cat.id, &cat.version)
    }
}

/// A diagnostic of the achievements (`E-EVAL-…`, `W-EVAL-…`), computed by
/// [`crate::evaluation::check_convention`].
pub fn is_evaluation_diagnostic(d: &Diagnostic) -> bool {
    d.code.get(1..7) == Some("-EVAL-")
}

/// The diagnostics of [`validate`] located in the group of `cell_key` (see the module doc).
pub fn validate_cell(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    cell_key: &str,
) -> Vec<Diagnostic> {
    Index::new(conv, cat, geo).validate_cell(conv, cell_key)
}

/// The group of `cell_key`: canonical keys of the cells whose diagnostics may change when it does.
pub fn group(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
    cell_key: &str,
) -> BTreeSet<String> {
    Index::new(conv, cat, geo).group(cell_key)
}

/// Indicators whose text leaves the unit open (`unit_choices`) need the convention's choice,
/// stated in the file sent to the State.
pub fn check_units(conv: &Convention, cat: &Catalogue) -> Vec<Diagnostic> {
    cat.indicators
        .iter()
        .filter(|ind| !ind.unit_choices.is_empty() && conv.uses(ind))
        // A unit of the catalogue's own among the choices is its default (« % » for PP-2).
        .filter(|ind| !ind.unit_choices.contains(&ind.value.unit_fr()))
        .filter(|ind| {
            conv.units
                .get(&ind.code)
                .is_none_or(|u| !ind.unit_choices.contains(u))
        })
        .map(|ind| {
            let d = Diagnostic::warning(
                codes::UNIT_NOT_CHOSEN,
                format!(
                    "{} : le texte ne fixe pas l'unité de l'engagement ({}) : choisissez-la au-dessus \
                     de sa grille, elle est reprise dans le fichier envoyé.",
                    ind.code,
                    ind.unit_choices.join(" ou ")
                ),
                Location {
                    indicator: Some(ind.code.clone()),
                    path: Some(format!("units.{}", ind.code)),
                    ..Default::default()
                },
            );
            cat.cite(d, ind)
        })
        .collect()
}

/// The choices of the convention where the texts are silent (`cat` is its view,
/// `Convention::view`): choices the catalogue does not offer, bases not given where an indicator
/// needs one (an information: the annex that fixes the form was not read), bases that are not
/// stocks, and the indicators the organism added.
pub fn check_choices(
    conv: &Convention,
    cat: &Catalogue,
    geo: Option<&Referential>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let loc = |code: &str, path: String| Location {
        indicator: Some(code.to_string()),
        path: Some(path),
        ..Default::default()
    };
    for (code, id) in &conv.periodicity {
        let known = cat
            .indicator(code)
            .is_some_and(|i| i.period_choices.iter().any(|c| &c.id == id));
        if !known {
            out.push(Diagnostic::warning(
                codes::CHOICE_UNKNOWN,
                format!(
                    "{code} : la périodicité « {id} » n'est pas proposée par le catalogue ; les \
                     échéances du catalogue s'appliquent."
                ),
                loc(code, format!("periodicity.{code}")),
            ));
        }
    }
    for (code, unit) in &conv.part_units {
        let has_parts = cat
            .indicator(code)
            .is_some_and(|i| !i.splits.parts.is_empty());
        if unit != crate::convention::PART_PERCENT || !has_parts {
            out.push(Diagnostic::warning(
                codes::CHOICE_UNKNOWN,
                format!(
                    "{code} : « {unit} » n'est pas une façon de saisir ses parts « dont » (« % » \
                     ou, par défaut, en nombre) ; les parts se lisent en nombre."
                ),
                loc(code, format!("part_units.{code}")),
            ));
        }
    }
    for (base, by_territory) in &conv.bases {
        for (t, &v) in by_territory {
            if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0) {
                out.push(Diagnostic::warning(
                    codes::BASE_INVALID,
                    format!(
                        "Base « {} », {} : {} n'est pas un nombre entier de logements ≥ 0 ; elle \
                         n'est pas utilisée.",
                        crate::convention::base_label(cat, base),
                        t.parse::<TerritoryKey>()
                            .map(|k| conv.territory_label(&k, geo))
                            .unwrap_or_else(|_| t.clone()),
                        crate::numfmt::format_fr(v, 2)
                    ),
                    Location {
                        path: Some(format!("bases.{base}.{t}")),
                        ..Default::default()
                    },
                ));
            }
        }
    }
    // A base an indicator's count or percentage is converted with, not given.
    for ind in cat.indicators.iter().filter(|i| conv.uses(i)) {
        let Some(base) = ind.base.as_deref() else {
            continue;
        };
        // Only for a form other than the first offered (the decree's reading): the figure the
        // text names is then derived from the one stated and the base.
        let converts = conv
            .units
            .get(&ind.code)
            .is_some_and(|u| ind.unit_choices.iter().skip(1).any(|c| c == u));
        if !converts {
            continue;
        }
        let missing: Vec<String> = conv
            .rows(ind, geo)
            .iter()
            .filter(|t| conv.base_at(base, t).is_none())
            .map(|t| conv.territory_label(t, geo))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let date = crate::convention::label_year(conv)
            .map(|y| format!("au 31 décembre {}", y - 1))
            .unwrap_or_else(|| "au 31 décembre de l'année précédant la signature".to_string());
        let d = Diagnostic::info(
            codes::BASE_MISSING,
            format!(
                "{} : la base « {} » n'est pas donnée pour {} ; le nombre et le pourcentage ne \
                 se déduisent pas l'un de l'autre. Donnez-la une fois, {date}, à l'étape Parc \
                 (facultatif : l'engagement saisi reste valable).",
                ind.code,
                crate::convention::base_label(cat, base),
                few(&missing)
            ),
            loc(&ind.code, format!("bases.{base}")),
        );
        out.push(cat.cite(d, ind));
    }
    for (i, x) in conv.complementary.iter().enumerate() {
        if let Some(p) = x.problem_fr(cat, &conv.complementary[..i]) {
            out.push(Diagnostic::error(
                codes::COMPLEMENTARY_INVALID,
                format!(
                    "Indicateur complémentaire n° {} (« {} ») : {p}.",
                    i + 1,
                    x.label.trim()
                ),
                Location {
                    path: Some(format!("complementary[{i}]")),
                    ..Default::default()
                },
            ));
        }
    }
    out
}

/// « A, B, C et 4 autres »: a list kept short in a message.
fn few(items: &[String]) -> String {
    const SHOWN: usize = 3;
    if items.len() <= SHOWN + 1 {
        return items.join(", ");
    }
    format!(
        "{} et {} autres territoires",
        items[..SHOWN].join(", "),
        items.len() - SHOWN
    )
}

/// The stock figures: whole numbers ≥ 0 keyed by a readable territory.
pub fn check_stock(conv: &Convention, geo: Option<&Referential>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (k, &v) in &conv.stock {
        let territory = k.parse::<TerritoryKey>().ok();
        let label = territory
            .as_ref()
            .map(|t| conv.territory_label(t, geo))
            .unwrap_or_else(|| k.clone());
        let problem = if territory.is_none() {
            Some(format!(
                "« {k} » ne désigne pas un territoire (attendu departement:59, epci:SIREN, \
                 organisme…) : corrigez la clé du parc déclaré."
            ))
        } else if !(v.is_finite() && v >= 0.0 && v.fract() == 0.0) {
            Some(format!(
                "Le parc déclaré pour {label} ({}) n'est pas un nombre entier de logements \
                 positif ou nul : corrigez-le.",
                crate::numfmt::format_fr(v, 2)
            ))
        } else {
            None
        };
        if let Some(m) = problem {
            out.push(Diagnostic::warning(
                codes::STOCK_INVALID,
                m,
                Location {
                    territory: Some(label),
                    path: Some(format!("stock.{k}")),
                    ..Default::default()
                },
            ));
        }
    }
    // The same nesting as the grids: a part is not above its whole.
    let valid = |k: &str| {
        conv.stock
            .get(k)
            .copied()
            .filter(|v| v.is_finite() && *v >= 0.0 && v.fract() == 0.0)
    };
    let fr = |v: f64| crate::numfmt::format_fr(v, 0);
    let mut deps_sum = (0.0, 0usize);
    for d in &conv.departements {
        let dk = TerritoryKey::Departement(d.clone()).to_string();
        let Some(dv) = valid(&dk) else { continue };
        deps_sum = (deps_sum.0 + dv, deps_sum.1 + 1);
        let inside: Vec<(String, f64)> = conv
            .epci
            .iter()
            .filter(|e| {
                geo.and_then(|g| g.epci(e))
                    .is_some_and(|x| x.departements.len() == 1 && x.departements[0] == *d)
            })
            .filter_map(|e| {
                let t = TerritoryKey::Epci(e.clone());
                valid(&t.to_string()).map(|v| (conv.territory_label(&t, geo), v))
            })
            .collect();
        let sum: f64 = inside.iter().map(|(_, v)| v).sum();
        if !inside.is_empty() && sum > dv {
            let label = conv.territory_label(&TerritoryKey::Departement(d.clone()), geo);
            let parts: Vec<String> = inside
                .iter()
                .map(|(l, v)| format!("{l} {}", fr(*v)))
                .collect();
            out.push(Diagnostic::error(
                codes::STOCK_EPCI_EXCEEDS,
                format!(
                    "Le parc des EPCI situés entièrement dans {label} ({} = {}) dépasse celui du \
                     département ({}) : un EPCI est une partie du département, corrigez l'un ou \
                     l'autre.",
                    parts.join(" + "),
                    fr(sum),
                    fr(dv)
                ),
                Location {
                    territory: Some(label),
                    path: Some(format!("stock.{dk}")),
                    ..Default::default()
                },
            ));
        }
    }
    let org = TerritoryKey::Organisme.to_string();
    if let (Some(ov), (sum, n)) = (valid(&org), deps_sum) {
        if n > 0 && sum > ov {
            out.push(Diagnostic::error(
                codes::STOCK_EXCEEDS_ORGANISME,
                format!(
                    "Le parc des départements ({} en tout) dépasse celui de l'ensemble de \
                     l'organisme ({}) : corrigez l'un ou l'autre.",
                    fr(sum),
                    fr(ov)
                ),
                Location {
                    territory: Some("Ensemble de l'organisme".into()),
                    path: Some(format!("stock.{org}")),
                    ..Default::default()
                },
            ));
        }
    }
    out
}

/// Why a key is no cell of the convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Orphan {
    Unreadable,
    UnknownIndicator,
    NotRetained,
    NoRow,
    NoSplit,
    NoPeriod,
}

impl Orphan {
    fn reason_fr(self) -> &'static str {
        match self {
            Orphan::Unreadable => "clé illisible",
            Orphan::UnknownIndicator => "indicateur inconnu du catalogue",
            Orphan::NotRetained => "indicateur non retenu dans la convention",
            Orphan::NoRow => "ligne absente de la grille de cet indicateur",
            Orphan::NoSplit => "ventilation inconnue pour cet indicateur",
            Orphan::NoPeriod => "période inconnue ou non demandée pour cet indicateur",
        }
    }
}

/// What validation needs to know about the structure of a convention (its territories, segments
/// and segmentation), built once and reused while only values (and stock) change. Build a new one
/// when the structure changes. Grids are built lazily, indicator by indicator, so an index used
/// for one cell costs little.
pub struct Index<'a> {
    cat: &'a Catalogue,
    geo: Option<&'a Referential>,
    rules: &'a RuleSet,
    shape: Convention,
    slot_of: HashMap<String, usize>,
    ind_of_slot: Vec<usize>,
    grids: Vec<OnceCell<Grid>>,
}

impl<'a> Index<'a> {
    pub fn new(conv: &Convention, cat: &'a Catalogue, geo: Option<&'a Referential>) -> Self {
        Self::with_rules(conv, cat, geo, RuleSet::embedded())
    }

    pub fn with_rules(
        conv: &Convention,
        cat: &'a Catalogue,
        geo: Option<&'a Referential>,
        rules: &'a RuleSet,
    ) -> Self {
        let shape = Convention {
            departements: conv.departements.clone(),
            epci: conv.epci.clone(),
            segments: conv.segments.clone(),
            segmentation: conv.segmentation.clone(),
            ..Default::default()
        };
        let mut slot_of = HashMap::new();
        let mut ind_of_slot = Vec::new();
        for (i, ind) in cat.indicators.iter().enumerate() {
            if ind.code.is_empty()
                || ind.code.contains('|')
                || slot_of.contains_key(&ind.code)
                || !shape.uses(ind)
            {
                continue;
            }
            slot_of.insert(ind.code.clone(), ind_of_slot.len());
            ind_of_slot.push(i);
        }
        let grids = ind_of_slot.iter().map(|_| OnceCell::new()).collect();
        Index {
            cat,
            geo,
            rules,
            shape,
            slot_of,
            ind_of_slot,
            grids,
        }
    }

    fn grid(&self, g: usize) -> &Grid {
        self.grids[g].get_or_init(|| {
            grid::build(
                &self.shape,
                self.cat,
                self.geo,
                self.rules,
                self.ind_of_slot[g],
            )
        })
    }

    fn ind(&self, g: usize) -> &'a Indicator {
        &self.cat.indicators[self.ind_of_slot[g]]
    }

    fn key(&self, a: Addr) -> String {
        self.grid(a.g).shape.key(a.r, a.s, a.p)
    }

    /// The cell a key names, or why it names none. Exact inverse of [`Index::key`].
    fn locate(&self, key: &str) -> Result<Addr, Orphan> {
        let mut it = key.split('|');
        let (Some(code), Some(row), Some(split), Some(period), None) =
            (it.next(), it.next(), it.next(), it.next(), it.next())
        else {
            return Err(Orphan::Unreadable);
        };
        let Some(&g) = self.slot_of.get(code) else {
            return Err(if self.cat.indicator(code).is_some() {
                Orphan::NotRetained
            } else {
                Orphan::UnknownIndicator
            });
        };
        let grid = self.grid(g);
        let r = *grid.shape.row_pos.get(row).ok_or(Orphan::NoRow)?;
        let s = grid.shape.split_index(split).ok_or(Orphan::NoSplit)?;
        let p = grid.shape.period_index(period).ok_or(Orphan::NoPeriod)?;
        Ok(Addr { g, r, s, p })
    }

    /// Number of cells of the convention (every retained indicator).
    pub fn cell_count(&self) -> usize {
        (0..self.grids.len())
            .map(|g| {
                let grid = self.grid(g);
                grid.shape.rows.len() * grid.n_cells_per_row()
            })
            .sum()
    }

    /// The diagnostics of the value rules (without segmentation and stock checks).
    pub fn validate_values(&self, conv: &Convention) -> Vec<Diagnostic> {
        let mut dense: Vec<Vec<Option<&Value>>> = (0..self.grids.len())
            .map(|g| {
                let grid = self.grid(g);
                vec![None; grid.shape.rows.len() * grid.n_cells_per_row()]
            })
            .collect();
        let mut orphans = Vec::new();
        for (k, v) in &conv.values {
            match self.locate(k) {
                Ok(a) => {
                    let i = self.flat(a);
                    dense[a.g][i] = Some(v);
                }
                Err(why) => orphans.push((k, why)),
            }
        }
        let numbers = dense
            .iter()
            .enumerate()
            .map(|(g, vals)| {
                let ind = self.ind(g);
                let grid = self.grid(g);
                let (n_cols, n_splits) =
                    (grid.shape.n_cols().max(1), grid.shape.splits.len().max(1));
                vals.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let share = grid.part_shares[(i % n_cols) % n_splits];
                        v.and_then(|v| crate::convention::valid_number_at(ind, share, v))
                    })
                    .collect()
            })
            .collect();
        let ctx = eval::Ctx {
            idx: self,
            conv,
            dense: Some(eval::Dense {
                values: dense,
                numbers,
            }),
            memo: Default::default(),
        };
        let mut out = Vec::new();
        for g in 0..self.grids.len() {
            let grid = self.grid(g);
            for r in 0..grid.shape.rows.len() {
                if let Some((_, d)) = ctx.required(g, r) {
                    out.push(d);
                }
                for s in 0..grid.shape.splits.len() {
                    for p in 0..grid.shape.periods.len() {
                        ctx.eval_at(Addr { g, r, s, p }, &mut out);
                    }
                }
            }
        }
        for (k, why) in orphans {
            out.push(self.orphan(conv, k, why));
        }
        out
    }

    /// The diagnostics of the value rules located in the group of `cell_key`.
    pub fn validate_cell(&self, conv: &Convention, cell_key: &str) -> Vec<Diagnostic> {
        let a = match self.locate(cell_key) {
            Ok(a) => a,
            Err(why) => {
                return if conv.values.contains_key(cell_key) {
                    vec![self.orphan(conv, cell_key, why)]
                } else {
                    Vec::new()
                };
            }
        };
        let group = self.group_addrs(a);
        let members: HashSet<Addr> = group.iter().copied().collect();
        let ctx = eval::Ctx {
            idx: self,
            conv,
            dense: None,
            memo: Default::default(),
        };
        let mut out = Vec::new();
        let mut rows = BTreeSet::new();
        for &x in &group {
            if self.grid(x.g).required {
                rows.insert((x.g, x.r));
            }
        }
        for (g, r) in rows {
            if let Some((anchor, d)) = ctx.required(g, r) {
                if members.contains(&anchor) {
                    out.push(d);
                }
            }
        }
        for &x in &group {
            ctx.eval_at(x, &mut out);
        }
        out
    }

    /// The group of `cell_key` (see the module doc), as canonical keys.
    pub fn group(&self, cell_key: &str) -> BTreeSet<String> {
        match self.locate(cell_key) {
            Ok(a) => self
                .group_addrs(a)
                .into_iter()
                .map(|x| self.key(x))
                .collect(),
            Err(_) => BTreeSet::from([cell_key.to_string()]),
        }
    }

    fn flat(&self, a: Addr) -> usize {
        let grid = self.grid(a.g);
        a.r * grid.shape.n_cols() + grid.shape.col(a.s, a.p)
    }

    fn group_addrs(&self, a: Addr) -> Vec<Addr> {
        let grid = self.grid(a.g);
        let at = |s: usize, p: usize| Addr { s, p, ..a };
        let mut out = vec![a];
        if grid.required {
            for s in 0..grid.shape.splits.len() {
                for p in 0..grid.shape.periods.len() {
                    out.push(at(s, p));
                }
            }
        }
        if grid.numeric {
            out.extend(grid.parts_of[a.s].iter().map(|&s| at(s, a.p)));
            out.extend(grid.prev_cum[a.p].map(|p| at(a.s, p)));
        }
        if grid.additive {
            out.extend(grid.total_of[a.s].iter().map(|&s| at(s, a.p)));
            out.extend(grid.cums_of_year[a.p].iter().map(|&p| at(a.s, p)));
            out.extend(grid.epci_dept[a.r].map(|r| Addr { r, ..a }));
            for sh in &grid.shares {
                if sh.periods.contains(&a.p)
                    && (sh.numerator.contains(&a.s) || sh.denominator.contains(&a.s))
                {
                    out.push(at(sh.anchor, a.p));
                }
            }
        }
        let code = &self.ind(a.g).code;
        for cmp in &self.rules.comparisons {
            if &cmp.rhs.indicator == code && cmp.applies_to(self.cat) {
                if let Some((lhs, _)) = self.comparison_cells(cmp, None, Some(a)) {
                    out.push(lhs);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The two cells a comparison reads, given one of them (`lhs` or `rhs`): same row key, same
    /// period key. `None` when the other side has no such cell or the given one is not compared.
    fn comparison_cells(
        &self,
        cmp: &Comparison,
        lhs: Option<Addr>,
        rhs: Option<Addr>,
    ) -> Option<(Addr, Addr)> {
        let side = |op: &Operand, given: Option<Addr>, row_key: Option<&str>, pk: Option<&str>| {
            let g = match given {
                Some(a) => a.g,
                None => *self.slot_of.get(&op.indicator)?,
            };
            let grid = self.grid(g);
            if self.ind(g).code != op.indicator || !grid.numeric {
                return None;
            }
            let s = match &op.split {
                Some(k) => grid.shape.split_index(k)?,
                None => 0,
            };
            match given {
                Some(a) => (a.s == s).then_some(a),
                None => Some(Addr {
                    g,
                    r: *grid.shape.row_pos.get(row_key?)?,
                    s,
                    p: grid.shape.period_index(pk?)?,
                }),
            }
        };
        let known = lhs.or(rhs)?;
        let kg = self.grid(known.g);
        let row_key = kg.shape.row_keys[known.r].as_str();
        let pk = kg.shape.period_keys[known.p].as_str();
        if !cmp.periods.is_empty() && !cmp.periods.iter().any(|p| p == pk) {
            return None;
        }
        let l = side(&cmp.lhs, lhs, Some(row_key), Some(pk))?;
        let r = side(&cmp.rhs, rhs, Some(row_key), Some(pk))?;
        Some((l, r))
    }

    fn orphan(&self, conv: &Convention, key: &str, why: Orphan) -> Diagnostic {
        let mut it = key.split('|');
        let indicator = it
            .next()
            .filter(|c| self.cat.indicator(c).is_some())
            .map(str::to_string);
        let territory = it
            .next()
            .and_then(|t| t.parse::<TerritoryKey>().ok())
            .map(|t| conv.territory_label(&t, self.geo));
        Diagnostic::warning(
            codes::VALUE_ORPHAN,
            format!(
                "La valeur saisie sous la clé « {key} » ne correspond à aucune cellule de la \
                 convention ({}) : elle n'est ni contrôlée ni exportée. Effacez-la, ou rétablissez \
                 l'indicateur ou la ligne auxquels elle appartient.",
                why.reason_fr()
            ),
            Location {
                indicator,
                territory,
                cell: Some(key.to_string()),
                ..Default::default()
            },
        )
    }
}
