//! Search-as-you-type among départements and EPCI (accent- and case-insensitive).
//!
//! The normalised words of the names are sorted once, when a referential is loaded (see
//! [`Index`]); a query then costs one binary search per word and a few bit-set operations
//! (about 10 µs natively over the ~1 370 entries of a vintage).

use super::{Departement, Epci, Referential};
use crate::text::normalise;
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

/// A slice of [`Index::arena`].
#[derive(Clone, Copy)]
struct Span {
    at: u32,
    len: u32,
}

fn span(at: usize, len: usize) -> Span {
    Span {
        at: at as u32,
        len: len as u32,
    }
}

/// One word of a name.
#[derive(Clone, Copy)]
struct Word {
    text: Span,
    /// Entry number: départements first, then EPCI, in the order of the referential.
    entry: u32,
}

/// Search index of a referential, built once when it is loaded.
///
/// Every normalised word of every name (plus aliases and the département codes) is sorted in one
/// list, so the entries having a word that starts with a query word form one contiguous run, found
/// by binary search; the matches of each query word are a bit set, intersected across the words.
/// All the text lives in one string, without an allocation per word.
pub(super) struct Index {
    /// The normalised names, each followed by its extra words, separated by spaces.
    arena: String,
    /// Sorted by text.
    words: Vec<Word>,
    /// Per entry: the name without its legal form and leading articles (`"nord basse terre"`).
    starts: Vec<Span>,
    /// Per département: lowercase code and, for `01`…`09`, the code without its zero.
    departement_codes: Vec<(String, Option<String>)>,
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
        let names: Vec<&str> = departements
            .iter()
            .map(|d| d.nom.as_str())
            .chain(epci.iter().map(|e| e.nom.as_str()))
            .collect();
        let mut arena = String::with_capacity(names.iter().map(|n| n.len() + 8).sum());
        let mut words = Vec::with_capacity(names.len() * 8);
        let mut starts = Vec::with_capacity(names.len());
        for (entry, name) in names.iter().enumerate() {
            let folded = fold(name);
            let base = arena.len();
            arena.push_str(&folded);
            let mut extra: Vec<&str> = Vec::new();
            let mut start = None;
            let mut at = base;
            for w in folded.split(' ') {
                if !w.is_empty() {
                    words.push(Word {
                        text: span(at, w.len()),
                        entry: entry as u32,
                    });
                    if start.is_none() && !LEADING_NOISE.contains(&w) {
                        start = Some(at);
                    }
                    extra.extend(alias(w));
                }
                at += w.len() + 1;
            }
            let end = base + folded.len();
            let start = start.unwrap_or(end);
            starts.push(span(start, end - start));
            if let Some((code, short)) = departement_codes.get(entry) {
                extra.push(code);
                extra.extend(short.as_deref());
            }
            for x in extra {
                arena.push(' ');
                words.push(Word {
                    text: span(arena.len(), x.len()),
                    entry: entry as u32,
                });
                arena.push_str(x);
            }
        }
        let mut ix = Index {
            arena,
            words: Vec::new(),
            starts,
            departement_codes,
        };
        // Sort on the first 8 bytes first (names hold no NUL, so zero padding keeps the order).
        let mut keyed: Vec<(u64, Word)> = words
            .into_iter()
            .map(|w| {
                let mut key = [0u8; 8];
                for (k, b) in key.iter_mut().zip(ix.text(w.text).bytes()) {
                    *k = b;
                }
                (u64::from_be_bytes(key), w)
            })
            .collect();
        keyed.sort_unstable_by(|(ka, a), (kb, b)| {
            ka.cmp(kb)
                .then_with(|| ix.text(a.text).cmp(ix.text(b.text)))
        });
        ix.words = keyed.into_iter().map(|(_, w)| w).collect();
        ix
    }

    fn text(&self, s: Span) -> &str {
        let at = s.at as usize;
        self.arena.get(at..at + s.len as usize).unwrap_or("")
    }

    /// Where the name of an entry starts, after its legal form and articles.
    fn start(&self, entry: usize) -> &str {
        self.starts.get(entry).map_or("", |&s| self.text(s))
    }

    /// Sets the bit of every entry having a word that starts with `prefix`.
    fn mark_prefix(&self, prefix: &str, set: &mut [u64]) {
        let from = self.words.partition_point(|w| self.text(w.text) < prefix);
        for w in &self.words[from..] {
            if !self.text(w.text).starts_with(prefix) {
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
        let mut rest = b;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let j = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(k * 64 + j)
        })
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
        let s = ix.start(i);
        s.starts_with(first) || first_alias.is_some_and(|a| s.starts_with(a))
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

    fn words_of(ix: &Index, entry: usize) -> Vec<&str> {
        let mut w: Vec<&str> = ix
            .words
            .iter()
            .filter(|w| w.entry as usize == entry)
            .map(|w| ix.text(w.text))
            .collect();
        w.sort_unstable();
        w
    }

    #[test]
    fn index_words_and_start() {
        let d = |code: &str, nom: &str| Departement {
            code: code.into(),
            nom: nom.into(),
            region: "00".into(),
            zus: false,
        };
        let e = |nom: &str| Epci {
            siren: "200000000".into(),
            nom: nom.into(),
            kind: super::super::EpciKind::Ca,
            communes: 1,
            population: 1,
            departements: vec!["01".into()],
            zus: false,
        };
        let ix = Index::build(
            &[d("01", "Ain"), d("974", "La Réunion")],
            &[
                e("CA du Pays de St-Gildas"),
                e("Métropole du Grand Paris"),
                e("CC de la"),
            ],
        );
        assert_eq!(words_of(&ix, 0), ["01", "1", "ain"]);
        assert_eq!(words_of(&ix, 1), ["974", "la", "reunion"]);
        assert_eq!(ix.start(1), "reunion");
        assert_eq!(
            words_of(&ix, 2),
            ["ca", "de", "du", "gildas", "pays", "saint", "st"]
        );
        assert_eq!(ix.start(2), "pays de st gildas");
        assert_eq!(ix.start(3), "grand paris");
        assert_eq!(ix.start(4), "");
        assert_eq!(ix.start(99), "");
        let sorted: Vec<&str> = ix.words.iter().map(|w| ix.text(w.text)).collect();
        assert!(sorted.windows(2).all(|p| p[0] <= p[1]), "{sorted:?}");
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
