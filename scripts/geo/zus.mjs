// Appariement de la liste des ZUS (décret n° 96-1156, annexe) avec les communes
// d'un millésime du découpage administratif. La source ne donne aucun code INSEE :
// l'appariement se fait sur (département, nom de commune normalisé).
//
// Ordre des méthodes (la première qui donne un résultat unique l'emporte) :
//   plm         : « Paris 18e », « Lyon 3e et 7e », « Marseille 1er, 2e… » -> commune + arrondissements municipaux
//   exact       : nom normalisé d'une commune actuelle du millésime
//   article     : idem en ignorant l'article initial (Le, La, Les, L')
//   ancienne    : nom normalisé d'une commune déléguée ou associée -> sa commune de rattachement
//   autre-millesime : nom trouvé dans un autre millésime -> code reporté (même code, anciensCodes, chef-lieu)
//   alias       : table ALIASES ci-dessous (graphies / noms historiques, motif documenté)
//   levenshtein : distance d'édition <= 1 sur le nom normalisé, candidat unique dans le département
//
// Pas de correspondance par préfixe ou inclusion : « Octeville » donnerait à tort
// « Octeville-l'Avenel » (autre commune du même département).

import { readFileSync } from 'node:fs'

// Graphies de la source qu'aucune méthode générique ne rattache. Clé : "dép|libellé source".
// Valeur : département et nom de la commune cible dans le découpage administratif.
export const ALIASES = {
  '971|Saint-Martin': {
    departement: '978',
    nom: 'Saint-Martin',
    motif: 'rattachée à la Guadeloupe en 1996 ; collectivité d’outre-mer de Saint-Martin (978) depuis 2007'
  },
  '50|Octeville': {
    departement: '50',
    nom: 'Cherbourg-Octeville',
    motif: 'fusionnée avec Cherbourg en 2000 (Cherbourg-Octeville), commune déléguée de Cherbourg-en-Cotentin depuis 2016'
  },
  '50|Cherbourg': {
    departement: '50',
    nom: 'Cherbourg-Octeville',
    motif: 'fusionnée avec Octeville en 2000 (Cherbourg-Octeville), commune déléguée de Cherbourg-en-Cotentin depuis 2016'
  },
  '91|Evry': {
    departement: '91',
    nom: 'Évry-Courcouronnes',
    motif: 'fusion d’Évry et de Courcouronnes au 1er janvier 2019'
  },
  '91|Courcouronnes': {
    departement: '91',
    nom: 'Évry-Courcouronnes',
    motif: 'fusion d’Évry et de Courcouronnes au 1er janvier 2019'
  },
  '88|Saint-Dié': {
    departement: '88',
    nom: 'Saint-Dié-des-Vosges',
    motif: 'nom actuel au COG de la commune appelée Saint-Dié dans la source'
  },
  '06|Saint-André': {
    departement: '06',
    nom: 'Saint-André-de-la-Roche',
    motif: 'nom actuel au COG de la commune appelée Saint-André dans la source (commune limitrophe de Nice)'
  },
  '93|Pierrefitte': {
    departement: '93',
    nom: 'Pierrefitte-sur-Seine',
    motif: 'nom au COG de la commune appelée Pierrefitte dans la source (commune déléguée de Saint-Denis depuis 2025)'
  },
  '62|Saint-Nicolas-lez-Arras': {
    departement: '62',
    nom: 'Saint-Nicolas',
    motif: 'nom au COG (Saint-Nicolas, 62764) de la commune appelée Saint-Nicolas-lez-Arras dans la source'
  }
}

export function normalise (s) {
  const t = s
    .replace(/œ/g, 'oe').replace(/Œ/g, 'OE').replace(/æ/g, 'ae').replace(/Æ/g, 'AE')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
  return t.split(' ').map(w => (w === 'SAINTE' ? 'STE' : w === 'SAINT' ? 'ST' : w)).join(' ')
}

function stripArticle (n) {
  return n.replace(/^(LE|LA|LES|L) /, '')
}

function levenshteinAtMostOne (a, b) {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1)
  if (a.length > b.length) return a.slice(i + 1) === b.slice(i)
  return a.slice(i) === b.slice(i + 1)
}

// Minimal CSV reader: ';' delimiter, '"' quoting with '""' escapes, '\n' line ends.
export function parseCsv (text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++ } else quoted = false
      } else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ';') { row.push(field); field = '' }
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = '' }
    else if (ch !== '\r') field += ch
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row) }
  const [header, ...data] = rows
  return data.map(r => Object.fromEntries(header.map((h, k) => [h, r[k]])))
}

export function readZus (path) {
  return parseCsv(readFileSync(path, 'utf8'))
}

// Index of one vintage's communes, used for matching.
export function indexCommunes (communes) {
  const depOf = c => c.departement ?? c.collectiviteOutremer?.code ?? null
  const actuelles = new Map()
  const byKey = new Map() // "dep|normalised name" -> [{code, type, target}]
  const perDep = new Map() // dep -> [{norm, code, target}]
  const anciens = new Map() // former code -> current code
  const secondaires = new Map() // code of delegated/associated commune -> chef-lieu
  const arrondissements = []
  for (const c of communes) {
    const dep = depOf(c)
    if (c.type === 'arrondissement-municipal') { arrondissements.push(c); continue }
    let target
    if (c.type === 'commune-actuelle') {
      actuelles.set(c.code, { ...c, departement: dep })
      for (const a of c.anciensCodes ?? []) if (a !== c.code) anciens.set(a, c.code)
      target = c.code
    } else {
      target = c.chefLieu
      secondaires.set(c.code, c.chefLieu)
    }
    const norm = normalise(c.nom)
    const entry = { code: c.code, type: c.type, target, norm }
    const key = `${dep}|${norm}`
    if (!byKey.has(key)) byKey.set(key, [])
    byKey.get(key).push(entry)
    if (!perDep.has(dep)) perDep.set(dep, [])
    perDep.get(dep).push(entry)
  }
  return { actuelles, byKey, perDep, anciens, secondaires, arrondissements }
}

// Map a commune code (possibly from another vintage) to a current code of `idx`.
function carryCode (idx, code) {
  if (idx.actuelles.has(code)) return code
  if (idx.anciens.has(code)) return idx.anciens.get(code)
  if (idx.secondaires.has(code)) return idx.secondaires.get(code)
  return null
}

function uniqueTargets (entries, types) {
  const t = [...new Set(entries.filter(e => types.includes(e.type)).map(e => e.target))]
  return t.length === 1 ? t[0] : null
}

const ACTUELLE = ['commune-actuelle']
const SECONDAIRE = ['commune-deleguee', 'commune-associee']

function byName (idx, dep, norm, types) {
  return uniqueTargets(idx.byKey.get(`${dep}|${norm}`) ?? [], types)
}

// Returns {code, arrondissements?, method} or null.
export function matchRow (idx, others, dep, label) {
  const clean = label.trim().replace(/\.+$/, '')
  const plm = /^(Paris|Lyon|Marseille)\s+(\d.*)$/.exec(clean)
  if (plm) {
    const code = byName(idx, dep, normalise(plm[1]), ACTUELLE)
    if (!code) return null
    const nums = [...plm[2].matchAll(/(\d+)\s*(?:er|e)\b/g)].map(m => Number(m[1]))
    const arr = []
    for (const n of nums) {
      const a = idx.arrondissements.find(x => x.commune === code && Number(/(\d+)/.exec(x.nom)[1]) === n)
      if (!a) return null
      arr.push(a.code)
    }
    return { code, arrondissements: arr.sort(), method: 'plm' }
  }
  const norm = normalise(clean)
  let code = byName(idx, dep, norm, ACTUELLE)
  if (code) return { code, method: 'exact' }
  const bare = stripArticle(norm)
  const sameBare = (idx.perDep.get(dep) ?? []).filter(e => e.type === 'commune-actuelle' && stripArticle(e.norm) === bare)
  code = uniqueTargets(sameBare, ACTUELLE)
  if (code) return { code, method: 'article' }
  code = byName(idx, dep, norm, SECONDAIRE)
  if (code) return { code, method: 'ancienne' }
  for (const other of others) {
    const entries = other.byKey.get(`${dep}|${norm}`) ?? []
    const carried = [...new Set(entries.map(e => carryCode(idx, e.code)).filter(Boolean))]
    if (carried.length === 1) return { code: carried[0], method: 'autre-millesime' }
  }
  const alias = ALIASES[`${dep}|${clean}`]
  if (alias) {
    const an = normalise(alias.nom)
    code = byName(idx, alias.departement, an, ACTUELLE) ?? byName(idx, alias.departement, an, SECONDAIRE)
    if (code) return { code, method: 'alias' }
  }
  const near = (idx.perDep.get(dep) ?? []).filter(e => levenshteinAtMostOne(e.norm, norm))
  code = uniqueTargets(near, [...ACTUELLE, ...SECONDAIRE])
  if (code) return { code, method: 'levenshtein' }
  return null
}
