//! Search among indicators by code or keyword (accent- and case-insensitive).

use super::{Catalogue, Indicator};
use crate::text::normalise;

/// A code reduced to its letters and digits: `PP-1` → `pp1`, `A.I` → `ai`.
fn compact(s: &str) -> String {
    normalise(s).replace(' ', "")
}

/// Does the indicator match every word of the query (code, labels, definition, units, splits)?
/// An empty query matches everything.
pub fn matches(ind: &Indicator, query: &str) -> bool {
    let q = normalise(query);
    if q.is_empty() {
        return true;
    }
    if compact(&ind.code) == q.replace(' ', "") {
        return true;
    }
    let mut hay = normalise(&ind.code);
    for s in [&ind.short_label, &ind.label, &ind.definition] {
        hay.push(' ');
        hay.push_str(&normalise(s));
    }
    hay.push(' ');
    hay.push_str(&compact(&ind.code));
    hay.push(' ');
    hay.push_str(&normalise(&ind.value.unit_fr()));
    for b in &ind.splits.breakdowns {
        for m in &b.members {
            hay.push(' ');
            hay.push_str(&normalise(&m.code));
        }
    }
    for p in &ind.splits.parts {
        hay.push(' ');
        hay.push_str(&normalise(&p.label));
    }
    q.split(' ').all(|w| hay.contains(w))
}

/// Indices (catalogue, indicator) of the matching indicators, in catalogue order. A query that is
/// exactly an indicator code (`PP-1`, `pp1`) returns only the indicators with that code (in every
/// catalogue), not `PP-1 bis`.
pub fn search(cats: &[Catalogue], query: &str) -> Vec<(usize, usize)> {
    let q = compact(query);
    if !q.is_empty() {
        let exact: Vec<(usize, usize)> = cats
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| {
                c.indicators
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| compact(&i.code) == q)
                    .map(move |(ii, _)| (ci, ii))
            })
            .collect();
        if !exact.is_empty() {
            return exact;
        }
    }
    let mut out = Vec::new();
    for (ci, c) in cats.iter().enumerate() {
        for (ii, i) in c.indicators.iter().enumerate() {
            if matches(i, query) {
                out.push((ci, ii));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::embedded;

    #[test]
    fn finds_by_code_with_or_without_punctuation() {
        let cats = embedded();
        for q in ["PP-1", "pp1", "pp 1", "Pp-1"] {
            let hits = search(&cats, q);
            assert!(!hits.is_empty(), "query {q:?}");
            assert!(
                hits.iter()
                    .all(|&(c, i)| cats[c].indicators[i].code == "PP-1"),
                "query {q:?}"
            );
        }
        // A code prefix still finds its family by keyword.
        let hits = search(&cats, "PP LF");
        assert!(hits
            .iter()
            .all(|&(c, i)| cats[c].indicators[i].code.starts_with("PP-LF")));
    }

    #[test]
    fn finds_by_keywords_in_any_order_and_without_accents() {
        let cats = embedded();
        let hits = search(&cats, "agrees financement");
        assert!(hits
            .iter()
            .any(|&(c, i)| cats[c].indicators[i].code == "PP-1"));
        let hits = search(&cats, "gestion cout");
        assert!(hits
            .iter()
            .any(|&(c, i)| cats[c].indicators[i].code == "G-1"));
        assert!(search(&cats, "zzzz introuvable").is_empty());
        let all: usize = cats.iter().map(|c| c.indicators.len()).sum();
        assert_eq!(search(&cats, "  ").len(), all);
    }
}
