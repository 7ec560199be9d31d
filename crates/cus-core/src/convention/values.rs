//! Values typed into a convention, keyed by a canonical cell key
//! (`PP-1|departement:59|PLAI/hors-qpv|c3`). An absent key is an empty cell; `0` is a value.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Cell, SplitKey, TerritoryKey};
use crate::catalogue::{Indicator, Period, ValueKind};

/// A value of a cell: a number, a yes/no, or a text kept as typed.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Bool(bool),
    Text(String),
}

/// Read from a JSON number, boolean or string (a hand-written visitor: serde's untagged enums
/// buffer every value first, which tripled the time to read a large convention).
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("un nombre, un booléen ou un texte")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::Number(v as f64))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Whole numbers are written without a fraction (`1188`, not `1188.0`), as people write them.
impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// 2^53: beyond it an `f64` no longer holds every integer.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        match self {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < EXACT => s.serialize_i64(*n as i64),
            Value::Number(n) => s.serialize_f64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Text(t) => s.serialize_str(t),
        }
    }
}

impl Value {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The same value, bit for bit: a NaN is identical to itself and `-0` differs from `0`
    /// (unlike `==`). Whether an edit changes anything is decided with this.
    pub fn identical(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Number(a), Value::Number(b)) => a.to_bits() == b.to_bits(),
            (a, b) => a == b,
        }
    }
}

/// [`Value::identical`] on optional values (an empty cell is identical only to an empty cell).
pub fn identical(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.identical(b),
        (None, None) => true,
        _ => false,
    }
}

/// Short stable key of a period: `ref`, `a1`…`a6`, `c3`, `c6`.
pub fn period_key(p: Period) -> String {
    match p {
        Period::Reference => "ref".to_string(),
        Period::Year(n) => format!("a{n}"),
        Period::Cumulative(n) => format!("c{n}"),
    }
}

pub fn parse_period_key(s: &str) -> Option<Period> {
    if s == "ref" {
        return Some(Period::Reference);
    }
    let (kind, n) = s.split_at_checked(1)?;
    let n: u8 = n
        .parse()
        .ok()
        .filter(|n| (1..=crate::catalogue::CONVENTION_YEARS).contains(n))?;
    match kind {
        "a" => Some(Period::Year(n)),
        "c" => Some(Period::Cumulative(n)),
        _ => None,
    }
}

impl SplitKey {
    /// `PLAI/hors-qpv`, `total`, `valeur` (no breakdown, no part), `valeur/hors-qpv`.
    pub fn key(&self) -> String {
        let mut s = if self.members.is_empty() {
            "valeur".to_string()
        } else {
            self.members
                .iter()
                .map(|m| m.as_deref().unwrap_or("total"))
                .collect::<Vec<_>>()
                .join("+")
        };
        if let Some(p) = &self.part {
            s.push('/');
            s.push_str(p);
        }
        s
    }

    pub fn parse_key(s: &str) -> Option<SplitKey> {
        let (members, part) = match s.split_once('/') {
            Some((m, p)) if !p.is_empty() => (m, Some(p.to_string())),
            Some(_) => return None,
            None => (s, None),
        };
        let members = if members == "valeur" {
            Vec::new()
        } else {
            members
                .split('+')
                .map(|m| match m {
                    "" => None,
                    "total" => Some(None),
                    m => Some(Some(m.to_string())),
                })
                .collect::<Option<Vec<_>>>()?
        };
        Some(SplitKey { members, part })
    }
}

impl Cell {
    /// Canonical key: `indicator|territory|split|period`.
    pub fn key(&self) -> String {
        super::key::cell_key(
            &self.indicator,
            &self.territory.to_string(),
            &self.split.key(),
            &period_key(self.period),
        )
    }

    pub fn parse_key(s: &str) -> Option<Cell> {
        let mut it = s.split('|');
        let indicator = it.next().filter(|i| !i.is_empty())?.to_string();
        let territory: TerritoryKey = it.next()?.parse().ok()?;
        let split = SplitKey::parse_key(it.next()?)?;
        let period = parse_period_key(it.next()?)?;
        if it.next().is_some() {
            return None;
        }
        Some(Cell {
            indicator,
            territory,
            split,
            period,
        })
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// What a typed text becomes: nothing (empty), a number (a trailing `%` sign allowed, as in a
/// pasted block), or the text itself, kept so that nothing typed is lost and flagged by
/// [`cell_error`].
pub fn typed_value(text: &str) -> Option<Value> {
    if text.trim().is_empty() {
        None
    } else {
        Some(
            crate::numfmt::parse_fr(text.trim().trim_end_matches('%'))
                .map(Value::Number)
                .unwrap_or_else(|_| Value::Text(text.to_string())),
        )
    }
}

/// What a user's entry in a cell of `ind` becomes, normalised by the kind of the indicator:
/// - a number ([`typed_value`]) for a numeric indicator;
/// - for a yes/no item, `oui` / `non` (any case, spaces around) a boolean, nothing typed no value,
///   anything else the text as typed (kept, and flagged by the rules);
/// - for a text item, the text exactly as typed (line breaks, spaces, a text that looks like a
///   number), no value when nothing is typed.
pub fn entry_value(ind: &Indicator, raw: &str) -> Option<Value> {
    match ind.value {
        ValueKind::OuiNon => match raw.trim().to_lowercase().as_str() {
            "" => None,
            "oui" => Some(Value::Bool(true)),
            "non" => Some(Value::Bool(false)),
            _ => Some(Value::Text(raw.to_string())),
        },
        ValueKind::Texte => (!raw.is_empty()).then(|| Value::Text(raw.to_string())),
        // A « % » typed where the indicator is not a percentage (a count of dwellings, an
        // amount) is never dropped in silence: the text is kept and flagged ([`cell_error`]).
        _ if raw.contains('%') && !accepts_percent(ind) => Some(Value::Text(raw.to_string())),
        _ => typed_value(raw),
    }
}

/// Is a value of `ind` ever a percentage (its kind, or a unit the organism may choose)?
fn accepts_percent(ind: &Indicator) -> bool {
    matches!(ind.value, ValueKind::Pourcentage { .. })
        || ind.unit_choices.iter().any(|u| u.contains('%'))
}

/// « Oui » or « Non », as the grids and the récapitulatif show a yes/no value.
pub fn yes_no_fr(b: bool) -> &'static str {
    if b {
        "Oui"
    } else {
        "Non"
    }
}

/// Check a number against the indicator's bounds (whole numbers, minimum, maximum).
pub fn check_number(ind: &Indicator, v: f64) -> Option<String> {
    let b = ind.bounds()?;
    if b.integer && v.fract() != 0.0 {
        return Some(format!("{} attend un nombre entier.", ind.code));
    }
    if let Some(min) = b.min.filter(|min| v < *min) {
        return Some(format!(
            "La valeur doit être supérieure ou égale à {}.",
            crate::numfmt::format_fr(min, 2)
        ));
    }
    if let Some(max) = b.max.filter(|max| v > *max) {
        return Some(format!(
            "La valeur doit être inférieure ou égale à {}.",
            crate::numfmt::format_fr(max, 2)
        ));
    }
    None
}

/// The French message of a stored value of a numeric indicator, when it is not acceptable.
pub fn cell_error(ind: &Indicator, v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => check_number(ind, *n),
        Value::Text(t) if t.contains('%') && !accepts_percent(ind) => Some(format!(
            "« {} » : {} se saisit en {}, pas en pourcentage ; saisissez le nombre lui-même{}.",
            t.trim(),
            ind.code,
            ind.value.unit_fr(),
            if ind.splits.parts.is_empty() {
                ""
            } else {
                " (ou, pour des parts « dont » écrites en % de leur total, choisissez « en % du \
                 total » au-dessus de la grille)"
            }
        )),
        Value::Text(t) => crate::numfmt::parse_fr(t).err().map(|e| e.message_fr(t)),
        Value::Bool(_) => Some(format!("{} attend un nombre.", ind.code)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_keys_round_trip() {
        let cells = [
            "PP-1|departement:59|PLAI/hors-qpv|c3",
            "PP-1|epci:200093201|total|c6",
            "G-1|organisme|valeur|ref",
            "A.I|departement:2A|PLUS|a6",
            "PS-3|departement:59|valeur/hors-qpv|a1",
        ];
        for k in cells {
            let c = Cell::parse_key(k).unwrap_or_else(|| panic!("{k}"));
            assert_eq!(c.key(), k);
        }
        for bad in [
            "",
            "PP-1",
            "PP-1|dep:59|total|c3",
            "PP-1|departement:59|total|c9",
            "PP-1|organisme|/x|c3",
            "a|organisme|total|ref|x",
        ] {
            assert!(Cell::parse_key(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn entries_are_normalised_by_the_kind_of_the_indicator() {
        let cats = crate::catalogue::embedded();
        let find = |code: &str| cats.iter().find_map(|c| c.indicator(code)).unwrap();
        let (yes_no, text, count) = (find("GLF.I"), find("SR-SV-1"), find("PP-1"));
        assert_eq!(entry_value(yes_no, "oui"), Some(Value::Bool(true)));
        assert_eq!(entry_value(yes_no, " NON "), Some(Value::Bool(false)));
        assert_eq!(entry_value(yes_no, "Oui"), Some(Value::Bool(true)));
        assert_eq!(entry_value(yes_no, "  "), None);
        assert_eq!(
            entry_value(yes_no, "peut-être"),
            Some(Value::Text("peut-être".into())),
            "kept as typed, flagged by the rules"
        );
        assert_eq!(
            entry_value(text, "12"),
            Some(Value::Text("12".into())),
            "a text that looks like a number stays a text"
        );
        assert_eq!(
            entry_value(text, " ligne 1\nligne 2 ; « dit » "),
            Some(Value::Text(" ligne 1\nligne 2 ; « dit » ".into()))
        );
        assert_eq!(entry_value(text, ""), None);
        assert_eq!(entry_value(text, " "), Some(Value::Text(" ".into())));
        assert_eq!(entry_value(count, "1 234"), Some(Value::Number(1234.0)));
        assert_eq!(entry_value(count, "oui"), Some(Value::Text("oui".into())));
        // A « % » in a count is never dropped: kept as typed, with a message saying the unit.
        assert_eq!(entry_value(count, "93 %"), Some(Value::Text("93 %".into())));
        let m = cell_error(count, &Value::Text("93 %".into())).unwrap();
        assert!(
            m.contains("PP-1 se saisit en logements, pas en pourcentage"),
            "{m}"
        );
        // Where a percentage is the value, or a unit the organism may choose, it is read.
        let (pct, open_unit) = (find("PP-2"), find("PP-4"));
        assert_eq!(entry_value(pct, "12,5 %"), Some(Value::Number(12.5)));
        assert_eq!(entry_value(open_unit, "3 %"), Some(Value::Number(3.0)));
        assert_eq!((yes_no_fr(true), yes_no_fr(false)), ("Oui", "Non"));
    }

    #[test]
    fn texts_have_a_length_limit() {
        let cats = crate::catalogue::embedded();
        let text = cats.iter().find_map(|c| c.indicator("SR-SV-1")).unwrap();
        let yes_no = cats.iter().find_map(|c| c.indicator("GLF.I")).unwrap();
        assert_eq!(text.text_limit(), Some(2000));
        assert_eq!(yes_no.text_limit(), None);
        let t = |s: String| Value::Text(s);
        // Characters, not bytes: 2 000 « é » (4 000 bytes) are within the limit.
        assert_eq!(
            crate::convention::value_problem(text, &t("é".repeat(2000))),
            None
        );
        assert_eq!(
            crate::convention::text_too_long(text, &t("x".repeat(2000))),
            None
        );
        assert_eq!(
            crate::convention::text_too_long(text, &t("x".repeat(2001))),
            Some((2001, 2000))
        );
        let m = crate::convention::value_problem(text, &t("é".repeat(2345))).unwrap();
        assert!(m.contains("2\u{202f}345 caractères"), "{m}");
        assert!(m.contains("au moins 345 caractères"), "{m}");
        let one = crate::convention::value_problem(text, &t("x".repeat(2001))).unwrap();
        assert!(one.ends_with("d'au moins 1 caractère."), "{one}");
        let mut custom = text.clone();
        custom.max_chars = Some(10);
        assert_eq!(custom.text_limit(), Some(10));
        assert!(crate::convention::value_problem(&custom, &t("x".repeat(11))).is_some());
        // Yes/no: a boolean, or « oui » / « non » as text; nothing else.
        for ok in [
            Value::Bool(true),
            Value::Bool(false),
            t("Oui".into()),
            t(" non".into()),
        ] {
            assert_eq!(
                crate::convention::value_problem(yes_no, &ok),
                None,
                "{ok:?}"
            );
        }
        for bad in [t("peut-être".into()), Value::Number(1.0), t(String::new())] {
            assert!(
                crate::convention::value_problem(yes_no, &bad).is_some(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn typed_values_and_their_messages() {
        let cats = crate::catalogue::embedded();
        let pp1 = cats.iter().find_map(|c| c.indicator("PP-1")).unwrap();
        let pct = cats
            .iter()
            .flat_map(|c| &c.indicators)
            .find(|i| matches!(i.value, crate::catalogue::ValueKind::Pourcentage { .. }))
            .unwrap();
        assert_eq!(typed_value("  "), None);
        assert_eq!(typed_value("1 234"), Some(Value::Number(1234.0)));
        assert_eq!(
            typed_value("12,5 %"),
            Some(Value::Number(12.5)),
            "the % sign, as pasted"
        );
        assert_eq!(typed_value("7%"), Some(Value::Number(7.0)));
        assert_eq!(typed_value("%"), Some(Value::Text("%".into())));
        let json = serde_json::to_string(&[
            Value::Number(1188.0),
            Value::Number(1.5),
            Value::Number(-0.0),
        ])
        .unwrap();
        assert_eq!(json, "[1188,1.5,0]");
        let back: Vec<Value> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back,
            [
                Value::Number(1188.0),
                Value::Number(1.5),
                Value::Number(0.0)
            ]
        );
        assert_eq!(typed_value("abc"), Some(Value::Text("abc".into())));
        let cases: [(&crate::catalogue::Indicator, Value, Option<&str>); 7] = [
            (pp1, Value::Number(12.0), None),
            (pp1, Value::Number(0.0), None),
            (pp1, Value::Number(1.5), Some("attend un nombre entier")),
            (pp1, Value::Number(-1.0), Some("supérieure ou égale à 0")),
            (
                pp1,
                Value::Text("abc".into()),
                Some("« abc » n'est pas un nombre"),
            ),
            (pct, Value::Number(100.5), Some("inférieure ou égale à 100")),
            (pct, Value::Number(12.5), None),
        ];
        for (ind, v, want) in cases {
            let got = cell_error(ind, &v);
            match want {
                None => assert_eq!(got, None, "{} {v:?}", ind.code),
                Some(w) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(w)),
                    "{} {v:?}: {got:?}",
                    ind.code
                ),
            }
        }
    }
}
