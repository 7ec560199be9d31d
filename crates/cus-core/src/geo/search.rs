//! Search-as-you-type among départements and EPCI (accent- and case-insensitive).
//!
//! The normalised names are computed once, when a referential is loaded; a query then costs a few
//! substring tests per entry.

use super::{Departement, Epci, Referential};
use crate::catalogue::normalise;
use std::cmp::Reverse;

/// Longer queries are cut (a territory name is never this long): bounds the cost of any input.
const MAX_QUERY_CHARS: usize = 120;
/// Words of a query beyond this number are ignored.
const MAX_QUERY_WORDS: usize = 12;

/// Leading words skipped to find where a name "starts" (legal form, articles): « CA du Nord
/// Basse-Terre » and « Métropole du Grand Paris » start with `nord` and `grand`.
const LEADING_NOISE: &[&str] = &[
    "cc",
    "ca",
    "cu",
    "communaute",
    "communes",
    "agglomeration",
    "urbaine",
    "metropole",
    "de",
    "des",
    "du",
    "d",
    "la",
    "le",
    "les",
    "l",
];

/// One search result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit<'a> {
    Departement(&'a Departement),
    Epci(&'a Epci),
}

impl<'a> Hit<'a> {
    /// Code of the département or SIREN of the EPCI.
    pub fn code(&self) -> &'a str {
        match self {
            Hit::Departement(d) => &d.code,
            Hit::Epci(e) => &e.siren,
        }
    }

    pub fn nom(&self) -> &'a str {
        match self {
            Hit::Departement(d) => &d.nom,
            Hit::Epci(e) => &e.nom,
        }
    }

    /// `59 — Nord`, `200093201 — Métropole Européenne de Lille`.
    pub fn label(&self) -> String {
        match self {
            Hit::Departement(d) => d.label(),
            Hit::Epci(e) => e.label(),
        }
    }
}

/// [`normalise`], plus the few other diacritics found in names (`Canigó`).
fn fold(s: &str) -> String {
    let n = normalise(s);
    if n.is_ascii() {
        return n;
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        match c {
            'á' | 'ã' | 'å' => out.push('a'),
            'í' | 'ì' => out.push('i'),
            'ó' | 'ò' | 'õ' | 'ø' => out.push('o'),
            'ú' => out.push('u'),
            'ñ' => out.push('n'),
            'ý' | 'ÿ' => out.push('y'),
            'æ' => out.push_str("ae"),
            c => out.push(c),
        }
    }
    out
}

/// The other spelling of a word, for abbreviations used in names (`St-Gildas`, `Saint-Étienne`).
fn alias(word: &str) -> Option<&'static str> {
    match word {
        "saint" => Some("st"),
        "sainte" => Some("ste"),
        "st" => Some("saint"),
        "ste" => Some("sainte"),
        _ => None,
    }
}

/// One word of a name, in [`Index::arena`].
#[derive(Clone, Copy)]
struct Word {
    at: u32,
    len: u32,
    /// Entry number: départements first, then EPCI, in the order of the referential.
    entry: u32,
}

/// Search index of a referential, built once when it is loaded.
///
/// Every normalised word of every name (plus the département codes) is sorted in one list, so the
/// entries having a word that starts with a query word form one contiguous run, found by binary
/// search; the matches of each query word are a bit set, intersected across the words.
pub(super) struct Index {
    arena: String,
    words: Vec<Word>,
    /// Per entry: the name without its legal form and leading articles (`"nord basse terre"`).
    starts: Vec<String>,
    /// Per département: lowercase code and, for `01`…`09`, the code without its zero.
    departement_codes: Vec<(String, Option<String>)>,
}

/// Normalised words of a name, with the aliases of abbreviations; and where the name starts.
fn name_words(name: &str) -> (Vec<String>, String) {
    let folded = fold(name);
    let mut words = Vec::new();
    for w in folded.split(' ').filter(|w| !w.is_empty()) {
        words.push(w.to_string());
        if let Some(a) = alias(w) {
            words.push(a.to_string());
        }
    }
    let start = folded
        .split(' ')
        .skip_while(|w| LEADING_NOISE.contains(w))
        .collect::<Vec<_>>()
        .join(" ");
    (words, start)
}

impl Index {
    pub(super) fn build(departements: &[Departement], epci: &[Epci]) -> Index {
        let departement_codes: Vec<(String, Option<String>)> = departements
            .iter()
            .map(|d| {
                let code = d.code.to_ascii_lowercase();
                let short = code
                    .strip_prefix('0')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string);
                (code, short)
            })
            .collect();
        let t0 = std::time::Instant::now();
        let mut ix = Index {
            arena: String::new(),
            words: Vec::new(),
            starts: Vec::with_capacity(departements.len() + epci.len()),
            departement_codes,
        };
        let names = departements
            .iter()
            .map(|d| d.nom.as_str())
            .chain(epci.iter().map(|e| e.nom.as_str()));
        for (entry, name) in names.enumerate() {
            let (mut words, start) = name_words(name);
            if let Some((code, short)) = ix.departement_codes.get(entry) {
                words.push(code.clone());
                words.extend(short.clone());
            }
            words.sort_unstable();
            words.dedup();
            for w in words {
                ix.words.push(Word {
                    at: ix.arena.len() as u32,
                    len: w.len() as u32,
                    entry: entry as u32,
                });
                ix.arena.push_str(&w);
            }
            ix.starts.push(start);
        }
        eprintln!("words {:?} n={}", t0.elapsed(), ix.words.len());
        let mut words = std::mem::take(&mut ix.words);
        words.sort_unstable_by(|a, b| ix.text(a).cmp(ix.text(b)));
        ix.words = words;
        eprintln!("sorted {:?}", t0.elapsed());
        ix
    }

    fn text(&self, w: &Word) -> &str {
        let at = w.at as usize;
        self.arena.get(at..at + w.len as usize).unwrap_or("")
    }

    /// Sets the bit of every entry having a word that starts with `prefix`.
    fn mark_prefix(&self, prefix: &str, set: &mut [u64]) {
        let from = self.words.partition_point(|w| self.text(w) < prefix);
        for w in &self.words[from..] {
            if !self.text(w).starts_with(prefix) {
                break;
            }
            set_bit(set, w.entry as usize);
        }
    }
}

fn set_bit(set: &mut [u64], i: usize) {
    if let Some(b) = set.get_mut(i / 64) {
        *b |= 1 << (i % 64);
    }
}

fn bits(set: &[u64]) -> impl Iterator<Item = usize> + '_ {
    set.iter().enumerate().flat_map(|(k, &b)| {
        (0..64)
            .filter(move |j| b & (1 << j) != 0)
            .map(move |j| k * 64 + j)
    })
}

/// Ranks, smallest first.
const EXACT: u8 = 0;
const DEPARTEMENT_START: u8 = 1;
const DEPARTEMENT: u8 = 2;
const EPCI_START: u8 = 3;
const EPCI: u8 = 4;

pub(super) fn search<'a>(r: &'a Referential, query: &str, limit: usize) -> Vec<Hit<'a>> {
    if limit == 0 {
        return Vec::new();
    }
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let q = fold(&cut);
    if q.is_empty() {
        return Vec::new();
    }
    let ix = &r.index;
    let nd = r.departements.len();
    let n = nd + r.epci.len();
    let blocks = n.div_ceil(64);
    let compact: String = q.split(' ').collect();
    let words: Vec<&str> = q.split(' ').take(MAX_QUERY_WORDS).collect();

    // Entries matching every word: a word starts a word of the name or, for an EPCI, is exactly
    // the code of one of its départements (`lille 59`).
    let mut all = vec![u64::MAX; blocks];
    let mut one = vec![0u64; blocks];
    for w in &words {
        one.iter_mut().for_each(|b| *b = 0);
        ix.mark_prefix(w, &mut one);
        let departement = ix
            .departement_codes
            .iter()
            .position(|(code, short)| code == w || short.as_deref() == Some(w));
        if let Some(d) = departement.and_then(|d| r.departements.get(d)) {
            for (i, e) in r.epci.iter().enumerate() {
                if e.departements.contains(&d.code) {
                    set_bit(&mut one, nd + i);
                }
            }
        }
        all.iter_mut().zip(&one).for_each(|(a, b)| *a &= b);
    }
    // SIREN prefix (at least 3 digits, spaces ignored): a run of the SIREN-sorted EPCI.
    if compact.len() >= 3 && compact.len() <= 9 && compact.bytes().all(|b| b.is_ascii_digit()) {
        let from = r
            .epci
            .partition_point(|e| e.siren.as_str() < compact.as_str());
        for (i, e) in r.epci.iter().enumerate().skip(from) {
            if !e.siren.starts_with(compact.as_str()) {
                break;
            }
            set_bit(&mut all, nd + i);
        }
    }
    // Exact département code (`2 a`, `1` for `01`).
    if let Some(d) = ix
        .departement_codes
        .iter()
        .position(|(code, short)| *code == compact || short.as_deref() == Some(compact.as_str()))
    {
        set_bit(&mut all, d);
    }

    let first = words[0];
    let first_alias = alias(first);
    let starts = |i: usize| {
        ix.starts
            .get(i)
            .is_some_and(|s| s.starts_with(first) || first_alias.is_some_and(|a| s.starts_with(a)))
    };
    // (rank, population descending, entry)
    let mut found: Vec<(u8, Reverse<u64>, usize)> = Vec::new();
    for i in bits(&all).take_while(|&i| i < n) {
        if let Some((code, short)) = ix.departement_codes.get(i) {
            let rank = if *code == compact || short.as_deref() == Some(compact.as_str()) {
                EXACT
            } else if starts(i) || code.starts_with(compact.as_str()) {
                DEPARTEMENT_START
            } else {
                DEPARTEMENT
            };
            found.push((rank, Reverse(0), i));
        } else if let Some(e) = r.epci.get(i - nd) {
            let rank = if e.siren == compact {
                EXACT
            } else if starts(i) {
                EPCI_START
            } else {
                EPCI
            };
            found.push((rank, Reverse(e.population), i));
        }
    }
    if found.len() > limit {
        found.select_nth_unstable(limit);
        found.truncate(limit);
    }
    found.sort_unstable();
    found
        .into_iter()
        .filter_map(|(_, _, i)| match i.checked_sub(nd) {
            None => r.departements.get(i).map(Hit::Departement),
            Some(j) => r.epci.get(j).map(Hit::Epci),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_all_accents_of_the_names() {
        assert_eq!(fold("CC Conflent-Canigó"), "cc conflent canigo");
        assert_eq!(fold("Saint-Étienne Métropole"), "saint etienne metropole");
        assert_eq!(fold("Côte-d'Or"), "cote d or");
    }

    #[test]
    fn name_words_and_start() {
        let (w, s) = name_words("CA du Pays de St-Gildas");
        assert_eq!(w, ["ca", "du", "pays", "de", "st", "saint", "gildas"]);
        assert_eq!(s, "pays de st gildas");
        let (w, s) = name_words("La Réunion");
        assert_eq!(w, ["la", "reunion"]);
        assert_eq!(s, "reunion");
        assert_eq!(name_words("Métropole du Grand Paris").1, "grand paris");
    }

    #[test]
    fn bit_sets() {
        let mut set = vec![0u64; 3];
        for i in [0, 63, 64, 130, 500] {
            set_bit(&mut set, i);
        }
        assert_eq!(bits(&set).collect::<Vec<_>>(), [0, 63, 64, 130]);
    }
}
