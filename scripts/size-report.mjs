// Size budget and speed report of the release build (dist/), run by `./x test`:
// - every file of dist/, raw and gzip -9, grouped: the first load (every file the page fetches
//   until its first render, recorded in headless Chromium without service worker), the
//   « Remplir ma CUS » module, the formats worker, the rest of what the service worker precaches;
// - the top contributors of the shell's wasm (code per crate, data), from cargo's output
//   optimised again with its names kept;
// - the median load-to-first-render time over N loads, cold cache.
// Fails (exit 1) when the first load is over BUDGET bytes of gzip -9: a size is deterministic,
// so this one is a test. Usage: node scripts/size-report.mjs [loads=7]  (writes target/size-report.md)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { DIST, ROOT, start } from '../tests/e2e/harness.mjs';
import { contributorsTable } from './wasm-contributors.mjs';

export const BUDGET = 300_000;
const loads = Number(process.argv[2] ?? 7);
const files = fs.readdirSync(DIST, { recursive: true })
  .filter((f) => fs.statSync(path.join(DIST, f)).isFile())
  .map((f) => f.split(path.sep).join('/'))
  .sort();
const sizes = new Map(files.map((f) => {
  const data = fs.readFileSync(path.join(DIST, f));
  return [f, { raw: data.length, gzip: zlib.gzipSync(data, { level: 9 }).length }];
}));

const env = await start();
const times = [];
let firstLoad = new Set();
try {
  for (let i = 0; i < loads; i++) {
    const ctx = await env.browser.newContext({ serviceWorkers: 'block' });
    const page = await ctx.newPage();
    const fetched = new Set();
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname.replace(/^\//, '');
      fetched.add(p === '' ? 'index.html' : p);
    });
    await page.goto(env.base);
    await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0);
    times.push(await page.evaluate(() => performance.getEntriesByName('app-first-render')[0].startTime));
    if (i === 0) {
      await page.waitForLoadState('networkidle');
      firstLoad = fetched;
    }
    await ctx.close();
  }
} finally {
  await env.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];

const group = (f) => {
  if (firstLoad.has(f)) return 'premier chargement';
  if (f.startsWith('cus-remplir-')) return 'module « Remplir ma CUS »';
  if (f.startsWith('cus-simuler-')) return 'module « Simuler sur mon territoire »';
  if (f.startsWith('cus-former-')) return 'module « Se former »';
  if (f.startsWith('territoire/')) return 'exemple « Simuler » (chargé à la demande)';
  if (f.startsWith('cus-formats-worker-')) return 'module des formats (Web Worker)';
  return 'autres fichiers mis en cache';
};
const GROUPS = ['premier chargement', 'module « Remplir ma CUS »', 'module « Simuler sur mon territoire »', 'module « Se former »', 'module des formats (Web Worker)', 'exemple « Simuler » (chargé à la demande)', 'autres fichiers mis en cache'];
const kib = (n) => `${(n / 1024).toFixed(1).replace('.', ',')} Kio`;
const totals = Object.fromEntries(GROUPS.map((g) => [g, { raw: 0, gzip: 0 }]));
for (const f of files) {
  const t = totals[group(f)];
  t.raw += sizes.get(f).raw;
  t.gzip += sizes.get(f).gzip;
}
const unnamed = (f) => f.replace(/-[0-9a-f]+(?=[._/])/, '-…');

const lines = ['| fichier de dist/ | partie | brut | gzip -9 |', '|---|---|---:|---:|'];
for (const g of GROUPS) {
  for (const f of files.filter((x) => group(x) === g)) {
    lines.push(`| ${unnamed(f)} | ${g} | ${kib(sizes.get(f).raw)} | ${kib(sizes.get(f).gzip)} |`);
  }
  lines.push(`| **${g}** | | **${kib(totals[g].raw)}** | **${kib(totals[g].gzip)}** |`);
}
const first = totals['premier chargement'].gzip;
lines.push('',
  `Premier chargement : ${first.toLocaleString('fr-FR')} octets gzip -9 (${kib(first)}), budget ${BUDGET.toLocaleString('fr-FR')} octets : ${first <= BUDGET ? 'tenu' : 'DÉPASSÉ'}.`,
  `Chargement jusqu'au premier rendu (Chromium headless, 127.0.0.1, cache vide) : médiane ${median.toFixed(0)} ms sur ${loads} chargements (${times.map((t) => t.toFixed(0)).join(', ')} ms).`);

// Where the bytes of the shell go: cargo's wasm through wasm-bindgen and wasm-opt -Oz as in the
// build, but with its names kept (trunk's output has none).
const cargoWasm = path.join(ROOT, 'target', 'wasm32-unknown-unknown', 'release', 'cus-app.wasm');
// The tools `./x` puts on PATH, also found when the script runs on its own.
const tool = (name, dirs) => dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p)) ?? name;
const wasmOpt = tool('wasm-opt', [path.join(ROOT, 'node_modules', '.bin')]);
const wasmBindgen = tool('wasm-bindgen', [path.join(process.env.CARGO_HOME ?? path.join(process.env.HOME ?? '', '.cargo'), 'bin')]);
if (fs.existsSync(cargoWasm)) {
  const out = path.join(ROOT, 'target', 'size-report-named');
  const named = path.join(out, 'cus-app-named.wasm');
  try {
    fs.rmSync(out, { recursive: true, force: true });
    execFileSync(wasmBindgen, ['--keep-debug', '--target', 'web', '--out-dir', out, cargoWasm], { stdio: 'inherit' });
    execFileSync(wasmOpt, ['-Oz', '-g', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue',
      path.join(out, 'cus-app_bg.wasm'), '-o', named], { stdio: 'inherit' });
    lines.push('', 'Principaux contributeurs du module du premier chargement (`cus-app`, tailles brutes après wasm-bindgen et wasm-opt -Oz, noms gardés) :', '',
      contributorsTable(named, 15));
  } catch (e) {
    lines.push('', `(contributeurs non mesurés : ${e.message})`);
  }
}

const report = lines.join('\n');
console.log(report);
fs.mkdirSync(path.join(ROOT, 'target'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'target', 'size-report.md'), report + '\n');
if (![...firstLoad].some((f) => /^cus-app-[0-9a-f]+_bg\.wasm$/.test(f))) {
  console.error('size-report: the first load did not fetch the shell wasm: the measure is wrong');
  process.exit(1);
}
if (first > BUDGET) {
  console.error(`size-report: the first load is ${first} bytes of gzip -9, over the budget of ${BUDGET}`);
  process.exit(1);
}
