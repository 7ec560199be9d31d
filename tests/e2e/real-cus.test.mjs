// A real CUS goes in as it is written (issue 24): the commitments table of an ESH's CUS 2019-2024
// (figures of our own, shapes of the real one). Its CUS officer states, above the grids, what the
// decree leaves open: PP-1 parts in % of their total, PP-2 and PP-3 as counts per year, PP-4 as a
// count with its % of the parc, SR-1 as a yearly path in % of the parc; gives the bases once (Parc);
// adds a « PP-4 complémentaire » (dwellings sold); types the figures as the document writes them
// (92 for « 92 % hors QPV »); and exports the convention definitively with no blocking error. The
// figures not under test are loaded with the draft; every choice and shape is made in the UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { start, openApp, setDraft, reloadApp, storedDraft, screenshot } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page, one line each. */
async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const D = ['59', '62'];
const EPCI = '200093201';

/** The figures not under test: every required cell of the indicators the UI does not touch. */
function baseDraft() {
  const values = {};
  const put = (code, t, split, period, v) => { values[`${code}|${t}|${split}|${period}`] = v; };
  for (const d of D) {
    const t = `departement:${d}`;
    // PS-2: % of attributions per year.
    for (const p of ['ref', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']) put('PS-2', t, 'valeur', p, 25);
  }
  // PS-1 per EPCI, G-1 for the organism.
  for (const p of ['ref', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']) {
    put('PS-1', `epci:${EPCI}`, 'valeur', p, 26);
    put('G-1', 'organisme', 'valeur', p, 1150);
  }
  return {
    name: 'CUS 2019-2024 telle que signée',
    organisme: { raison_sociale: 'ESH Exemple (fictif)', siren: '988041729', kind: 'esh', siege_departement: '59' },
    catalogue: { id: 'cus2-logements-locatifs', version: '2026.11.0' },
    signing_year: 2019, geo_vintage: 2021,
    departements: D, epci: [EPCI],
    values,
  };
}

const cell = (key) => `[data-cell="${key}"]`;

async function typeIn(page, key, text) {
  const sel = cell(key);
  await page.locator(sel).waitFor();
  await page.fill(sel, text);
  await page.press(sel, 'Tab');
}

async function choose(page, legend, label) {
  await page.getByRole('group', { name: legend }).getByLabel(label, { exact: true }).check();
}

async function goto(page, hash, selector) {
  await page.goto(`${env.base}${hash}`);
  await page.locator(selector).first().waitFor();
}

test('a CUS written as signed: choices above the grids, bases once, a complementary indicator, final export without blocking error', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, baseDraft());
  await reloadApp(page);
  // axe-core on every new screen: the bases on Parc, the complementary form, the choices above
  // the grids with the derived figures, the organism-level table.
  const violations = [];
  const check = async (where) => { for (const v of await axe(page)) violations.push(`${where}: ${v}`); };

  // Parc: the total parc and the F-G stock, at 31/12/2018.
  await goto(page, '#/remplir/parc', '#parc-departement-59');
  for (const [d, total, fg] of [['59', '9 000', '400'], ['62', '1 000', '100']]) {
    await page.fill(`#parc-departement-${d}`, total);
    await page.press(`#parc-departement-${d}`, 'Tab');
    await page.fill(`#base-parc-fg-departement-${d}`, fg);
    await page.press(`#base-parc-fg-departement-${d}`, 'Tab');
  }
  await page.fill('#parc-organisme', '10 000');
  await page.press('#parc-organisme', 'Tab');
  await check('parc et bases');

  // Mailles: the organism's own indicator, dwellings sold at 3 and 6 years.
  await goto(page, '#/remplir/segmentation', '#complementaire-code');
  await page.fill('#complementaire-code', 'PP-4 complémentaire');
  await page.fill('#complementaire-libelle', 'Logements vendus');
  await page.press('#complementaire-libelle', 'Tab');
  await page.click('button:text("Ajouter l\'indicateur complémentaire")');
  await page.locator('.liste-complementaires li', { hasText: 'PP-4 complémentaire' }).waitFor();
  await check('mailles et indicateur complémentaire');

  // Offre et patrimoine: PP-1 parts in % of their total; PP-2 and PP-3 as counts per year.
  await goto(page, '#/remplir/engagement-1', '.grille');
  await choose(page, 'Parts « dont » de PP-1', 'en % du total');
  await choose(page, "Unité de l'engagement PP-2", 'en logements');
  await choose(page, "Unité de l'engagement PP-3", 'en logements');
  const pp1 = { ref: [300, 500, 200], c3: [360, 640, 252], c6: [700, 1300, 500] };
  for (const d of D) {
    const t = `departement:${d}`;
    for (const [p, [plai, plus, pls]] of Object.entries(pp1)) {
      const f = d === '59' ? 1 : 0.5;
      const vals = { PLAI: plai * f, PLUS: plus * f, PLS: pls * f };
      vals.total = vals.PLAI + vals.PLUS + vals.PLS;
      for (const [m, v] of Object.entries(vals)) {
        await typeIn(page, `PP-1|${t}|${m}|${p}`, String(v));
        // « % hors QPV » 92 %, « % hors RU » 100 %, as the document writes them.
        await typeIn(page, `PP-1|${t}|${m}/hors-qpv|${p}`, '92');
        await typeIn(page, `PP-1|${t}|${m}/hors-ru|${p}`, '100 %');
      }
    }
    const pp2 = d === '59' ? [12, 0, 7, 9, 4, 10] : [3, 1, 0, 2, 2, 1];
    const pp3 = d === '59' ? [85, 240, 160, 120, 90, 60] : [10, 20, 15, 10, 5, 5];
    await typeIn(page, `PP-2|${t}|valeur|ref`, d === '59' ? '20' : '4');
    await typeIn(page, `PP-3|${t}|valeur|ref`, d === '59' ? '300' : '40');
    for (let y = 1; y <= 6; y++) {
      await typeIn(page, `PP-2|${t}|valeur|a${y}`, String(pp2[y - 1]));
      await typeIn(page, `PP-3|${t}|valeur|a${y}`, String(pp3[y - 1]));
    }
  }
  // The figures the counts imply, with their formula, under the grid.
  const derived = page.locator('details.chiffres-deduits', { hasText: 'Chiffres déduits' }).first();
  await derived.locator('summary').click();
  assert.match(await derived.textContent(), /92\s%\s×\s360\s=\s331,2/);
  await screenshot(page, 'real-cus-choices', '.grille');
  await check('choix au-dessus des grilles, chiffres déduits');
  let draft = await storedDraft(page);
  assert.equal(draft.part_units['PP-1'], '%');
  assert.equal(draft.units['PP-2'], 'logements');
  assert.equal(draft.values['PP-1|departement:59|total/hors-qpv|c3'], 92, '92 stays 92 (%), never rounded into dwellings');
  assert.equal(draft.values['PP-1|departement:59|total/hors-ru|c3'], 100, '« 100 % » typed with its sign');
  assert.equal(draft.values['PP-2|departement:59|valeur|a1'], 12, 'a count of dwellings, as written');

  // Vente: PP-4 as a count with its % of the parc.
  await goto(page, '#/remplir/engagement-2', '.grille');
  await choose(page, "Unité de l'engagement PP-4", 'en logements, avec le % du parc');
  for (const d of D) {
    const t = `departement:${d}`;
    const [ref, c3, c6] = d === '59' ? [60, 90, 180] : [10, 10, 20];
    const parc = d === '59' ? 9000 : 1000;
    for (const [p, v] of [['ref', ref], ['c3', c3], ['c6', c6]]) {
      await typeIn(page, `PP-4|${t}|valeur|${p}`, String(v));
      await typeIn(page, `PP-4|${t}|valeur/pct|${p}`, (v / parc * 100).toFixed(1).replace('.', ','));
    }
  }

  // Qualité du service: SR-1 as a yearly path in % of the parc.
  await goto(page, '#/remplir/engagement-4', '.grille');
  await choose(page, "Échéances de l'engagement SR-1", 'par année');
  await choose(page, "Unité de l'engagement SR-1", 'en % du parc');
  for (const d of D) {
    const t = `departement:${d}`;
    const path = d === '59' ? [23.8, 25.8, 27.9, 30.1, 32.5, 34.6, 36.9] : [30, 31, 32, 33, 34, 35, 36];
    await typeIn(page, `SR-1|${t}|valeur|ref`, String(path[0]).replace('.', ','));
    for (let y = 1; y <= 6; y++) await typeIn(page, `SR-1|${t}|valeur|a${y}`, String(path[y]).replace('.', ','));
  }

  // A share of the parc is never totalled over the territories (23,8 % + 30 % is no figure).
  assert.equal(await page.locator('.grille tr.ligne-total').count(), 0, 'no total row for a percentage');
  await screenshot(page, 'real-cus-sr1-yearly', '.grille');

  // The complementary indicator has its own step, last: « Indicateurs complémentaires ».
  await goto(page, '#/remplir/engagement-8', '.grille');
  assert.match(await page.textContent('.grille h3'), /PP-4 complémentaire — Logements vendus/);
  assert.match(await page.textContent('.grille'), /hors règlement/);
  await typeIn(page, 'PP-4 complémentaire|organisme|valeur|ref', '80');
  await typeIn(page, 'PP-4 complémentaire|organisme|valeur|c3', '100');
  await typeIn(page, 'PP-4 complémentaire|organisme|valeur|c6', '200');

  // Vérification: no error; every warning acknowledged; then the final export.
  await goto(page, '#/remplir/verification', '.verification');
  const text = await page.textContent('.verification');
  assert.doesNotMatch(text, /Erreur/, 'no blocking error');
  const pending = '.verification li.diag-avertissement:not(.diag-verifie) input[type=checkbox]';
  while (await page.locator(pending).count() > 0) await page.locator(pending).first().check();
  await page.waitForFunction(() => document.querySelector('.verification .resume-export')?.textContent === "L'export définitif est possible.");

  // The organism-level table of the récapitulatif: PP-1 « % hors QPV » rebuilt from counts.
  await goto(page, '#/remplir/recapitulatif', '.recap-organisme');
  const org = await page.textContent('.recap-organisme');
  assert.match(org, /Consolidation au niveau de l'organisme/);
  assert.match(org, /Indicateurs complémentaires \(hors règlement\)/);
  await screenshot(page, 'real-cus-recap-organisme', '.recap-organisme');
  await check('récapitulatif et tableau au niveau de l\'organisme');

  await goto(page, '#/remplir/export', '#nature-definitif');
  await page.check('#nature-definitif');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#exporter-json')]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.nature, 'final');
  assert.equal(doc.format, 'cus-indicateurs/3');
  const c = doc.convention;
  assert.deepEqual(c.units, { 'PP-2': 'logements', 'PP-3': 'logements', 'PP-4': 'logements et % du parc', 'SR-1': '% du parc' });
  assert.deepEqual(c.periodicity, { 'SR-1': 'par-annee' });
  assert.deepEqual(c.part_units, { 'PP-1': '%' });
  assert.deepEqual(c.bases, { 'parc-fg': { 'departement:59': 400, 'departement:62': 100 } });
  assert.equal(c.complementary[0].code, 'PP-4 complémentaire');
  assert.equal(c.values['SR-1|departement:59|valeur|a6'], 36.9);
  assert.equal(c.values['PP-4 complémentaire|organisme|valeur|c6'], 200);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(violations, [], 'axe-core finds no violation');
  await page.context().close();
});
