// « Simuler sur mon territoire » → « Évaluations »: the fictional région opened from its route, the
// organisms' evaluations side by side (rates read from the sample files, justifications, an
// evaluation of another kind kept apart, organisms without evaluation listed), filtered by
// indicator and split, the chart with its table, a print layout; axe-core finds no violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { start, openApp, screenshot, ROOT } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DIR = path.join(ROOT, 'data/samples/territoire');

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const fr = (n) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(n).replace(/\u202f/g, ' ').replace(/\u00a0/g, ' ');
const clean = (s) => s.replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ');
const text = async (page, sel) => clean(await page.$eval(sel, (e) => e.textContent));

/** The sample's organisms with an evaluation, read from their files (JSON). */
function evaluated() {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
  return manifest.files.filter((f) => f.evaluation).map((f) => {
    const conv = JSON.parse(fs.readFileSync(path.join(DIR, f.file), 'utf8')).convention;
    return { ...f, conv };
  });
}

/** PP-1, total split, at the région: committed (cumulative at 3 or 6 years) and achieved. */
function pp1(f) {
  const last = f.evaluation.id === 'finale' ? 6 : 3;
  let committed = 0;
  let achieved = 0;
  for (const d of f.conv.departements) {
    committed += f.conv.values[`PP-1|departement:${d}|total|c${last}`];
    for (let y = 1; y <= last; y++) achieved += f.conv.achievements.values[`PP-1|departement:${d}|total|a${y}`];
  }
  return { committed, achieved, rate: (achieved / committed) * 100 };
}

test('the fictional région: evaluations side by side, filtered, charted, printable', async () => {
  const orgs = evaluated();
  assert.ok(orgs.length >= 6, 'the sample has several evaluations');
  const page = await openApp(env.browser, `${env.base}#/simuler/exemple`);
  await page.waitForFunction(() => location.hash === '#/simuler/organismes', null, { timeout: 120000 });
  await page.waitForFunction(() => document.querySelectorAll('table.fichiers tbody tr').length >= 31, null, { timeout: 120000 });
  await page.click('.menu-etapes a[href="#/simuler/evaluations"]');
  await page.waitForFunction(() => location.hash === '#/simuler/evaluations');
  await page.waitForSelector('table.revue-organismes');
  assert.match(await text(page, '.menu-etapes'), new RegExp(`Évaluations — ${orgs.length} transmises`));

  // Mid-term and final evaluations are kept apart.
  const groups = await page.$$eval('.revue-groupe > h2', (h) => h.map((x) => x.textContent));
  assert.deepEqual(groups, [
    '2e génération — logements locatifs — Évaluation à mi-parcours (bilan triennal)',
    '2e génération — logements locatifs — Évaluation finale (bilan des six ans)',
  ]);
  assert.match(await text(page, '.revue-evaluations p.note'), /^2 ensembles présentés séparément et jamais additionnés/);
  assert.match(await text(page, '.bilan-transmission'), new RegExp(`: ${orgs.length} évaluations transmises, \\d+ non transmises`));
  assert.match(await text(page, '.non-transmises'), /Les Maisons de la Lys.*évaluation non transmise/);

  // Each organism's rate for PP-1 (the reference indicator of the table), as read from its file.
  const rows = await page.$$eval('table.revue-organismes tbody tr', (trs) => trs.map((t) => t.textContent.replace(/[\u202f\u00a0]/g, ' ')));
  for (const f of orgs) {
    const { committed, achieved, rate } = pp1(f);
    const row = rows.find((r) => r.startsWith(f.organisme));
    assert.ok(row, `${f.organisme} is listed`);
    assert.ok(row.includes(`${f.evaluation.years[0]}-${f.evaluation.years[1]}`), row);
    assert.ok(row.includes(fr(committed)) && row.includes(fr(achieved)) && row.includes(`${fr(rate)} %`), `${row} ≠ ${committed} ${achieved} ${rate}`);
  }
  // An organism that justified nothing.
  const silent = orgs.find((f) => f.evaluation.missed > 0 && f.evaluation.justified === 0);
  assert.ok(silent, 'the sample has an organism that justified nothing');
  assert.ok(await page.$('.revue-cote-a-cote .non-justifie'), 'a commitment missed without justification is shown');
  assert.deepEqual(await axe(page), [], 'axe on Évaluations (every indicator)');
  await screenshot(page, 'simuler-evaluations');

  // Filter: PP-1 only; a PP-1 total justified by an outside cause is shown with its comment.
  await page.selectOption('#indicateur-evaluation', 'PP-1');
  await page.waitForSelector('#ventilation-evaluation');
  const heads = await page.$$eval('section.revue-indicateur h3', (h) => h.map((x) => x.textContent));
  assert.ok(heads.length === 2 && heads.every((h) => h.startsWith('PP-1 — ')), heads.join(' | '));
  const justified = orgs.flatMap((f) => Object.entries(f.conv.achievements.justifications ?? {})
    .filter(([k, j]) => /^PP-1\|departement:\d+\|total$/.test(k) && j.origin === 'exterieur')
    .map(([, j]) => ({ f, j })));
  assert.ok(justified.length > 0, 'the sample justifies a PP-1 total by an outside cause');
  const all = clean(await page.$$eval('.revue-groupe', (s) => s.map((x) => x.textContent).join(' ')));
  for (const { j } of justified) {
    assert.ok(all.includes('Cause extérieure (') && all.includes(`« ${j.comment} »`), `justification « ${j.comment} » shown`);
  }
  // The chart: one bar per organism against 100 %, named, with its table.
  const fig = await page.$eval('section.revue-indicateur figure.graphique', (f) => ({
    caption: f.querySelector('figcaption').textContent,
    named: f.querySelector('svg').getAttribute('aria-labelledby') === f.querySelector('figcaption').id,
    bars: f.querySelectorAll('svg rect').length,
    rows: f.querySelectorAll('table tbody tr').length,
  }));
  assert.match(fig.caption, /taux de réalisation par organisme ; trait vertical : 100 %/);
  assert.ok(fig.named && fig.bars === fig.rows && fig.rows >= 6, JSON.stringify(fig));

  // Split: PLAI.
  await page.selectOption('#ventilation-evaluation', 'PLAI');
  await page.waitForFunction(() => [...document.querySelectorAll('section.revue-indicateur h3')].every((h) => h.textContent.includes('PLAI')));
  assert.match(await text(page, 'table.revue-organismes caption'), /PP-1 — PLAI/);
  assert.deepEqual(await axe(page), [], 'axe on Évaluations (PP-1, PLAI)');

  // Print: the menus hidden, each group on its own page.
  await page.emulateMedia({ media: 'print' });
  const print = await page.evaluate(() => ({
    menu: getComputedStyle(document.querySelector('.menu-etapes')).display,
    filters: getComputedStyle(document.querySelector('.filtres-revue')).display,
    second: getComputedStyle(document.querySelectorAll('.revue-groupe')[1]).breakBefore,
  }));
  assert.deepEqual(print, { menu: 'none', filters: 'none', second: 'page' });
  await page.emulateMedia({ media: 'screen' });

  // The print view of « Export et impression » has the evaluations too.
  await page.click('.menu-etapes a[href="#/simuler/export"]');
  await page.waitForSelector('.impression-evaluations table.revue-organismes');
  assert.deepEqual(await axe(page), [], 'axe on Export with the evaluations');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
