// Génère le référentiel territorial embarqué : data/geo/<millésime>/
//   departements.json, epci.json, zus-communes.json, meta.json
// Usage : cd scripts/geo && npm ci && node generate.mjs
// Sortie reproductible octet pour octet (aucune date, tris explicites).

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join, relative } from 'node:path'
import { readZus, indexCommunes, matchRow, ALIASES } from './zus.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const ZUS_CSV = join(root, 'data', 'zus', 'zus-1996.csv')
const OUT = join(root, 'data', 'geo')

const VINTAGES = [
  { id: '2026', pkg: 'decoupage-2026' },
  { id: '2021', pkg: 'decoupage-2021' }
]
const EXPECTED_DEPARTEMENTS = 101
const POPULATION_FIELD = 'communes.json:population'
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

function load (pkg, file, optional = false) {
  const p = join(here, 'node_modules', pkg, 'data', `${file}.json`)
  try {
    return JSON.parse(readFileSync(p, 'utf8'))
  } catch (err) {
    if (optional && err.code === 'ENOENT') return null
    throw err
  }
}

// One object per line: compact yet diff-friendly.
function writeLines (path, items) {
  const body = items.length ? '[\n' + items.map(o => JSON.stringify(o)).join(',\n') + '\n]\n' : '[]\n'
  writeFileSync(path, body)
}

const zusRows = readZus(ZUS_CSV)
const data = Object.fromEntries(VINTAGES.map(v => {
  const pkgJson = JSON.parse(readFileSync(join(here, 'node_modules', v.pkg, 'package.json'), 'utf8'))
  const communes = load(v.pkg, 'communes')
  return [v.id, { ...v, pkgJson, communes, idx: indexCommunes(communes) }]
}))

for (const v of VINTAGES) {
  const { pkgJson, communes, idx } = data[v.id]
  const others = VINTAGES.filter(o => o.id !== v.id).map(o => data[o.id].idx)
  const dir = join(OUT, v.id)
  mkdirSync(dir, { recursive: true })

  // --- ZUS -> communes -------------------------------------------------------
  const zusByCode = new Map()
  const unmatched = []
  const nonExact = []
  const methods = {}
  for (const r of zusRows) {
    const m = matchRow(idx, others, r.departement_code, r.commune)
    if (!m) { unmatched.push({ departement: r.departement_code, commune: r.commune }); continue }
    methods[m.method] = (methods[m.method] ?? 0) + 1
    if (m.method !== 'exact' && m.method !== 'plm') {
      nonExact.push({ departement: r.departement_code, commune: r.commune, code: m.code, methode: m.method })
    }
    const c = idx.actuelles.get(m.code)
    if (!zusByCode.has(m.code)) {
      zusByCode.set(m.code, { code: m.code, nom: c.nom, departement: c.departement, zus_1996: [], arrondissements: new Set() })
    }
    const z = zusByCode.get(m.code)
    z.zus_1996.push(r.commune)
    for (const a of m.arrondissements ?? []) z.arrondissements.add(a)
  }
  const zusCommunes = [...zusByCode.values()].sort((a, b) => cmp(a.code, b.code)).map(z => {
    const o = { code: z.code, nom: z.nom, departement: z.departement, zus_1996: z.zus_1996 }
    if (z.arrondissements.size) o.arrondissements = [...z.arrondissements].sort()
    return o
  })
  const zusCodes = new Set(zusByCode.keys())
  const zusDeps = new Set(zusCommunes.map(z => z.departement))

  // --- Départements ----------------------------------------------------------
  const depsAll = load(v.pkg, 'departements')
  const departements = depsAll
    .filter(d => d.zone === undefined ? !/^(975|977|978|98)/.test(d.code) : d.zone !== 'com')
    .map(d => ({ code: d.code, nom: d.nom, region: d.region, zus: zusDeps.has(d.code) }))
    .sort((a, b) => cmp(a.code, b.code))
  if (departements.length !== EXPECTED_DEPARTEMENTS) {
    throw new Error(`${v.id}: ${departements.length} départements, ${EXPECTED_DEPARTEMENTS} attendus`)
  }
  writeLines(join(dir, 'departements.json'), departements)

  // --- EPCI (+ EPT) -----------------------------------------------------------
  const epciRaw = load(v.pkg, 'epci')
  const eptRaw = load(v.pkg, 'ept', true)
  const groups = [...epciRaw, ...(eptRaw ?? [])]
  const missing = []
  const epci = groups.map(g => {
    const popByDep = new Map()
    let population = 0
    let zus = false
    for (const m of g.membres) {
      const c = idx.actuelles.get(m.code)
      if (!c) { missing.push(`${g.code}:${m.code}`); continue }
      const p = c.population ?? 0
      population += p
      popByDep.set(c.departement, (popByDep.get(c.departement) ?? 0) + p)
      if (zusCodes.has(c.code)) zus = true
    }
    const departementsOf = [...popByDep.entries()]
      .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))
      .map(([d]) => d)
    return { siren: g.code, nom: g.nom, type: g.type, communes: g.membres.length, population, departements: departementsOf, zus }
  }).sort((a, b) => cmp(a.siren, b.siren))
  if (missing.length) throw new Error(`${v.id}: membres absents de communes.json : ${missing.join(', ')}`)
  writeLines(join(dir, 'epci.json'), epci)
  writeLines(join(dir, 'zus-communes.json'), zusCommunes)

  // --- meta ------------------------------------------------------------------
  const byType = {}
  for (const e of epci) if (e.type !== 'EPT') byType[e.type] = (byType[e.type] ?? 0) + 1
  const epciByType = Object.fromEntries(Object.entries(byType).sort((a, b) => cmp(a[0], b[0])))
  const multi = epci.filter(e => e.type !== 'EPT' && e.departements.length > 1)
  const meta = {
    millesime: v.id,
    source: {
      package: pkgJson.name,
      version: pkgJson.version,
      fichiers: ['departements.json', 'epci.json', 'communes.json', ...(eptRaw ? ['ept.json'] : [])]
    },
    population_source: POPULATION_FIELD,
    population_definition: 'somme du champ « population » (population municipale INSEE) des communes actuelles membres, lu dans communes.json ; les champs populationMunicipale/populationTotale (DGCL) de epci.json ne sont pas utilisés',
    departements_ordre: 'départements des communes membres, par population décroissante dans le groupement (égalité : code croissant) ; le premier est le département principal',
    counts: {
      departements: departements.length,
      departements_zus: departements.filter(d => d.zus).length,
      epci: epci.filter(e => e.type !== 'EPT').length,
      epci_by_type: epciByType,
      ept: eptRaw ? eptRaw.length : 0,
      epci_multi_departements: multi.length,
      communes_actuelles: idx.actuelles.size,
      epci_zus: epci.filter(e => e.type !== 'EPT' && e.zus).length
    },
    ept_present: Boolean(eptRaw),
    ept_note: eptRaw
      ? 'EPT du Grand Paris lus dans ept.json, inclus dans epci.json avec type « EPT » (ce ne sont pas des EPCI à fiscalité propre)'
      : 'ce millésime du paquet ne contient pas les EPT (pas de ept.json, aucun type EPT dans epci.json) ; ils ne sont pas reconstitués',
    zus: {
      source: relative(root, ZUS_CSV),
      lignes: zusRows.length,
      lignes_appariees: zusRows.length - unmatched.length,
      taux_non_apparie: Number((unmatched.length / zusRows.length).toFixed(4)),
      communes: zusCommunes.length,
      methodes: Object.fromEntries(Object.entries(methods).sort((a, b) => cmp(a[0], b[0]))),
      alias: Object.fromEntries(Object.entries(ALIASES).map(([k, a]) => [k, `${a.departement}|${a.nom} — ${a.motif}`])),
      appariements_non_exacts: nonExact
    },
    zus_unmatched: unmatched
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n')

  // --- summary ---------------------------------------------------------------
  console.log(`== ${v.id} : ${pkgJson.name}@${pkgJson.version}`)
  console.log(`  départements : ${departements.length} (dont ${meta.counts.departements_zus} avec ZUS)`)
  console.log(`  EPCI : ${meta.counts.epci} ${JSON.stringify(epciByType)} ; EPT : ${eptRaw ? eptRaw.length : 'absents du paquet'}`)
  console.log(`  EPCI sur plusieurs départements : ${multi.length} (ex. ${multi.slice(0, 2).map(e => `${e.siren} ${e.nom} [${e.departements.join(',')}]`).join(' ; ')})`)
  console.log(`  ZUS : ${meta.zus.lignes_appariees}/${zusRows.length} lignes appariées, ${zusCommunes.length} communes, méthodes ${JSON.stringify(meta.zus.methodes)}`)
  for (const u of unmatched) console.log(`  ZUS non appariée : ${u.departement} ${u.commune}`)
}
