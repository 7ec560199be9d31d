//! French number formatting and parsing (`1 234,5`), shared by the UI, the CLI and the formats.

/// Narrow no-break space, the French thousands separator (as LibreOffice and Excel write it).
pub const THOUSANDS_SEP: char = '\u{202F}';

/// Format a number the French way: thousands separated by a narrow no-break space, decimal comma,
/// at most `max_decimals` decimals (trailing zeros removed).
pub fn format_fr(value: f64, max_decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.*}", max_decimals, value.abs());
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (s.clone(), String::new()),
    };
    let mut grouped = String::new();
    let digits: Vec<char> = int_part.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(THOUSANDS_SEP);
        }
        grouped.push(*c);
    }
    let negative = value < 0.0
        && (grouped.chars().any(|c| c != '0' && c != THOUSANDS_SEP) || !frac_part.is_empty());
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if !frac_part.is_empty() {
        out.push(',');
        out.push_str(&frac_part);
    }
    out
}

/// A gap between two percentages, in points, one decimal: « 0,7 point », « -3 points »,
/// « +3 points » with `signed` (a gain written with its sign). « point » stays singular below 2,
/// as French writes it (« 1,5 point »).
pub fn points_fr(gap: f64, signed: bool) -> String {
    let text = format_fr(gap, 1);
    let shown = text.replace(',', ".").replace(THOUSANDS_SEP, "");
    let plural = shown.parse::<f64>().map(|x| x.abs() >= 2.0).unwrap_or(true);
    let sign = if signed && gap > 0.0 && text != "0" {
        "+"
    } else {
        ""
    };
    format!("{sign}{text} point{}", if plural { "s" } else { "" })
}

/// Most intervals between two lines of a chart's scale.
const MAX_INTERVALS: f64 = 5.0;

/// The scale of a chart whose largest figure is `v`: its step (1, 2, 2,5 or 5 × 10ⁿ) and its
/// maximum, the first multiple of the step at or above `v`, in at most five intervals: 2 114
/// gives a step of 500 and a maximum of 2 500 (never 5 000, which would squash the bars into
/// the lower half). One interval of 1 when `v` is not positive.
pub fn nice_scale(v: f64) -> (f64, f64) {
    if v <= 0.0 || !v.is_finite() {
        return (1.0, 1.0);
    }
    // The smallest round step that covers `v` in at most five intervals.
    let p = 10f64.powf((v / MAX_INTERVALS).log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let step = m * p;
        let n = (v / step - 1e-9).ceil().max(1.0);
        if n <= MAX_INTERVALS {
            // Rounded to the step's own decimals (0,1 × 3 is 0,30000000000000004).
            let max = round_to_step(n * step, step);
            return (round_to_step(step, step), max);
        }
    }
    (10.0 * p, 10.0 * p * MAX_INTERVALS)
}

fn round_to_step(x: f64, step: f64) -> f64 {
    let decimals = (-step.log10().floor() + 2.0).clamp(0.0, 12.0) as i32;
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// A round maximum for a chart's scale, at or above `v` (see [`nice_scale`]).
pub fn nice_max(v: f64) -> f64 {
    nice_scale(v).1
}

/// The lines of a chart's scale, from 0 to its maximum by its step (see [`nice_scale`]).
pub fn nice_ticks(v: f64) -> Vec<f64> {
    let (step, max) = nice_scale(v);
    let n = (max / step).round() as usize;
    (0..=n)
        .map(|i| round_to_step(i as f64 * step, step))
        .collect()
}

/// A date typed the French way (`30/06/2022`, `30-06-2022`, `30.06.2022`, `1/7/2022`) or as
/// the files write it (`2022-06-30`), as `AAAA-MM-JJ`; `None` when it is not a real day.
pub fn parse_date(input: &str) -> Option<String> {
    let t = input.trim();
    let iso = if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') {
        t.to_string()
    } else {
        let parts: Vec<&str> = t.split(['/', '-', '.']).map(str::trim).collect();
        let [d, m, y] = parts.as_slice() else {
            return None;
        };
        let (d, m) = (d.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        if y.len() != 4 {
            return None;
        }
        format!("{y}-{m:02}-{d:02}")
    };
    crate::convention::is_date(&iso).then_some(iso)
}

/// `2024-03-15` → `15/03/2024`; anything else as given.
pub fn date_fr(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) if iso.len() == 10 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

/// Format a number the French way with every decimal it holds (`0,333333`, `1,234`,
/// `1 234,5`): what a field shows once the user leaves it, so that no stored digit is hidden.
pub fn format_exact(value: f64) -> String {
    let plain = format!("{}", value.abs());
    let decimals = match plain.split_once('.') {
        Some((_, f)) if !f.contains('e') => f.len(),
        Some(_) => 12,
        None => 0,
    };
    format_fr(value, decimals.min(12))
}

/// When a typed number can be read two ways, how it was read, in French: a single dot followed
/// by exactly three digits and no comma (`1.234`) is a decimal point here (as spreadsheets write
/// it), not a thousands separator; thousands are written `1 234` or `1234`.
pub fn ambiguity_fr(input: &str) -> Option<String> {
    let t = input.trim().trim_end_matches('%').trim();
    let (int, frac) = t.split_once('.')?;
    let int_digits = int.trim_start_matches(['-', '+']);
    let plain = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    (plain(int_digits) && frac.len() == 3 && plain(frac) && !t.contains(',')).then(|| {
        let v = parse_fr(t).unwrap_or_default();
        format!(
            "« {t} » est lu {} (le point est la virgule décimale) ; pour {} tapez {}{}.",
            format_exact(v),
            format_fr((v * 1000.0).round(), 0),
            int,
            frac
        )
    })
}

/// Why a typed number was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseNumberError {
    Empty,
    NotANumber,
    /// Several cells of a spreadsheet (a tab or a line break inside): never one number.
    SeveralCells,
}

impl ParseNumberError {
    pub fn message_fr(&self, input: &str) -> String {
        match self {
            ParseNumberError::Empty => "Aucune valeur saisie.".to_string(),
            ParseNumberError::NotANumber => {
                format!("« {input} » n'est pas un nombre. Saisissez par exemple 1 234 ou 12,5.")
            }
            ParseNumberError::SeveralCells => format!(
                "« {} » contient plusieurs cases d'un tableur : une case reçoit un seul nombre ; collez la ligne dans la grille, elle sera répartie sur les cases.",
                input.trim().replace('\t', " ⇥ ").replace(['\r', '\n'], " ↵ ")
            ),
        }
    }
}

/// Parse a number typed or pasted the French way (`1 234`, `12,5`, `1.234,5`) or the English way
/// (`1234.5`). Spaces of any kind are thousands separators.
pub fn parse_fr(input: &str) -> Result<f64, ParseNumberError> {
    // A tab or a line break separates spreadsheet cells: `6⇥5⇥7` is three numbers, never 657.
    if input.trim().contains(['\t', '\n', '\r']) {
        return Err(ParseNumberError::SeveralCells);
    }
    let cleaned: String = input
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != THOUSANDS_SEP && *c != '\u{A0}')
        .collect();
    if cleaned.is_empty() {
        return Err(ParseNumberError::Empty);
    }
    let normalised = if cleaned.contains(',') {
        // French decimal comma; dots, if any, are thousands separators.
        if cleaned.matches(',').count() > 1 {
            return Err(ParseNumberError::NotANumber);
        }
        cleaned.replace('.', "").replace(',', ".")
    } else {
        cleaned
    };
    let valid = normalised
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
    if !valid || normalised.matches('.').count() > 1 {
        return Err(ParseNumberError::NotANumber);
    }
    normalised
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or(ParseNumberError::NotANumber)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_scales_end_on_round_numbers() {
        for (v, max) in [
            (0.0, 1.0),
            (-5.0, 1.0),
            (f64::NAN, 1.0),
            (0.3, 0.3),
            (1.0, 1.0),
            (1.2, 1.25),
            (97.0, 100.0),
            (180.0, 200.0),
            (201.0, 250.0),
            (999.0, 1000.0),
            (1000.0, 1000.0),
            // The report's chart of issue 23: 2 114 at most, never an axis to 5 000.
            (2114.0, 2500.0),
            (5001.0, 6000.0),
        ] {
            assert_eq!(nice_max(v), max, "{v}");
        }
    }

    #[test]
    fn gaps_in_points_have_one_decimal_and_agree_in_number() {
        assert_eq!(points_fr(3.0333, true), "+3 points");
        assert_eq!(points_fr(0.7, true), "+0,7 point");
        assert_eq!(points_fr(-4.7, true), "-4,7 points");
        assert_eq!(points_fr(-0.3, false), "-0,3 point");
        assert_eq!(points_fr(1.96, false), "2 points");
        assert_eq!(points_fr(0.02, true), "0 point");
        assert_eq!(
            points_fr(1234.5, false),
            format!("1{THOUSANDS_SEP}234,5 points")
        );
    }

    #[test]
    fn chart_ticks_are_round_steps_up_to_the_maximum() {
        assert_eq!(
            nice_ticks(2114.0),
            vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
        );
        assert_eq!(nice_ticks(180.0), vec![0.0, 50.0, 100.0, 150.0, 200.0]);
        assert_eq!(nice_ticks(0.3), vec![0.0, 0.1, 0.2, 0.3]);
        assert_eq!(nice_ticks(0.0), vec![0.0, 1.0]);
        for v in [0.07, 3.0, 11.3, 47.0, 123.0, 2114.0, 98_765.0] {
            let t = nice_ticks(v);
            let max = *t.last().unwrap();
            assert!(max >= v && t.len() <= 6 && t.len() >= 2, "{v}: {t:?}");
            // At least half the height used: the bars are never squashed.
            assert!(v / max > 0.5 || t.len() == 2, "{v}: {t:?}");
        }
    }

    #[test]
    fn formats_french_numbers() {
        let n = THOUSANDS_SEP;
        let cases = [
            (0.0, 1, "0".to_string()),
            (12.5, 1, "12,5".to_string()),
            (1234.5, 1, format!("1{n}234,5")),
            (1234567.0, 0, format!("1{n}234{n}567")),
            (-1234.0, 0, format!("-1{n}234")),
            (100.0, 2, "100".to_string()),
            (0.126, 2, "0,13".to_string()),
            (-0.0001, 1, "0".to_string()),
        ];
        for (v, d, want) in cases {
            assert_eq!(format_fr(v, d), want, "format_fr({v}, {d})");
        }
        assert_eq!(format_fr(f64::NAN, 1), "—");
    }

    #[test]
    fn exact_format_hides_no_digit() {
        let n = THOUSANDS_SEP;
        let cases = [
            (1.234, "1,234".to_string()),
            (0.333333, "0,333333".to_string()),
            (1234.56, format!("1{n}234,56")),
            (12.0, "12".to_string()),
            (-3.5, "-3,5".to_string()),
            (1e-7, "0,0000001".to_string()),
        ];
        for (v, want) in cases {
            assert_eq!(format_exact(v), want, "format_exact({v})");
            assert_eq!(parse_fr(&format_exact(v)), Ok(v), "round trip of {v}");
        }
    }

    #[test]
    fn ambiguous_dots_are_explained() {
        let n = THOUSANDS_SEP;
        assert_eq!(
            ambiguity_fr("1.234").as_deref(),
            Some(format!("« 1.234 » est lu 1,234 (le point est la virgule décimale) ; pour 1{n}234 tapez 1234.").as_str())
        );
        assert!(ambiguity_fr("12.500 %").is_some());
        for clear in [
            "1,234", "1.234,5", "1.5", "1.2345", "1234", "abc", "1.23", ".234",
        ] {
            assert_eq!(ambiguity_fr(clear), None, "{clear}");
        }
    }

    #[test]
    fn dates_typed_the_french_way_or_as_files_write_them() {
        for (typed, iso) in [
            ("2022-06-30", Some("2022-06-30")),
            ("30/06/2022", Some("2022-06-30")),
            (" 1/7/2022 ", Some("2022-07-01")),
            ("30.06.2022", Some("2022-06-30")),
            ("30-06-2022", Some("2022-06-30")),
            ("31/06/2022", None),
            ("29/02/2023", None),
            ("29/02/2024", Some("2024-02-29")),
            ("30/06/22", None),
            ("juin 2022", None),
        ] {
            assert_eq!(parse_date(typed).as_deref(), iso, "{typed}");
        }
    }

    #[test]
    fn parses_french_and_english_numbers() {
        let ok = [
            ("1 234", 1234.0),
            ("1\u{202F}234,5", 1234.5),
            ("1\u{A0}234", 1234.0),
            ("12,5", 12.5),
            ("1.234,5", 1234.5),
            ("1234.5", 1234.5),
            (" 7 ", 7.0),
            ("-3", -3.0),
        ];
        for (s, want) in ok {
            assert_eq!(parse_fr(s), Ok(want), "parse_fr({s:?})");
        }
        assert_eq!(parse_fr("  "), Err(ParseNumberError::Empty));
        for bad in ["abc", "1,2,3", "1.2.3", "12a", "--1", "1e5"] {
            assert_eq!(
                parse_fr(bad),
                Err(ParseNumberError::NotANumber),
                "parse_fr({bad:?})"
            );
        }
        assert!(ParseNumberError::NotANumber
            .message_fr("abc")
            .contains("« abc »"));
        // A spreadsheet row or column pasted in one cell is several cells, never one number
        // (`6⇥5⇥7` was read 657; `500⇥…⇥480` 500 500 500 500 500 480).
        for several in [
            "6\t5\t7",
            "500\t500\t500\t500\t500\t480",
            "40\n100",
            "1 234\r\n5",
        ] {
            assert_eq!(
                parse_fr(several),
                Err(ParseNumberError::SeveralCells),
                "parse_fr({several:?})"
            );
        }
        assert_eq!(parse_fr("12\t"), Ok(12.0), "a trailing tab is trimmed");
        assert!(ParseNumberError::SeveralCells
            .message_fr("6\t5\t7")
            .contains("« 6 ⇥ 5 ⇥ 7 »"));
    }
}
