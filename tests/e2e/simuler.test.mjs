// « Simuler sur mon territoire »: create a workspace, pick an EPCI, load three organisms' files
// (JSON and ODS) read by the formats worker, see the consolidation honest about granularity (an
// organism committed only at the département is « non ventilé », never pro-rated), enter an
// objective and see the gap, run a scenario, find everything again after a reload; the fictional
// région opens in one click; axe-core finds no violation on any section.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { start, openApp, screenshot, ROOT, reloadApp } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const DIR = path.join(ROOT, 'data/samples/territoire');
const MEL = '200093201';

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

/** Download with a click, return the saved path and the suggested name. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

async function go(page, section) {
  const hash = section === 'espace' ? '#/simuler' : `#/simuler/${section}`;
  await page.click(`.menu-etapes a[href="${hash}"]`);
  await page.waitForFunction((h) => location.hash === h, hash);
}

const fr = (n) => new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(n).replace(/\u202f/g, ' ').replace(/\u00a0/g, ' ');
const text = (page, sel) => page.$eval(sel, (e) => e.textContent.replace(/[\u202f\u00a0]/g, ' '));

test('a workspace on an EPCI: three files, « non ventilé », an objective, a scenario, kept after reload', async () => {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  assert.deepEqual(await axe(page), [], 'axe on the workspaces');
  await page.fill('#nouvel-espace', 'PLH Métropole lilloise');
  await page.click('text=Créer l\'espace');
  await page.waitForFunction(() => location.hash === '#/simuler/territoire');
  await page.fill('#recherche-territoire', MEL);
  await page.click(`.resultats-territoire button:has-text("${MEL}")`);
  await page.waitForSelector('text=Territoire étudié : 200093201');
  assert.deepEqual(await axe(page), [], 'axe on Territoire');

  await go(page, 'organismes');
  const files = ['03-maisons-lys.json', '08-metropole-coop.json', '13-toits-somme.ods'].map((f) => path.join(DIR, f));
  await page.setInputFiles('#fichiers-organismes', files);
  await page.waitForSelector('text=3 fichiers ajoutés.');
  const rows = await page.$$eval('table.fichiers tbody tr', (trs) => trs.map((t) => t.textContent));
  assert.equal(rows.length, 3);
  assert.match(rows[0], /Maisons/);
  assert.match(rows[2], /aucun engagement sur ce territoire/, 'the Somme organism has nothing on the EPCI');
  assert.deepEqual(await axe(page), [], 'axe on Organismes');
  await screenshot(page, 'simuler-organismes');

  // PP-1 at the EPCI: only the organism with EPCI detail adds up; the other is apart.
  const lys = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  const values = lys.values ?? lys.convention?.values;
  const expected = values[`PP-1|epci:${MEL}|total|c6`];
  assert.ok(typeof expected === 'number' && expected > 0, 'the sample has a PP-1 figure at the EPCI');
  await go(page, 'consolidation');
  await page.selectOption('#indicateur-detail', 'PP-1');
  const table = 'section.tableau-consolide';
  await page.waitForSelector(`${table} .non-ventile`);
  const nonVentile = await text(page, `${table} .non-ventile`);
  assert.match(nonVentile, /Non ventilé à cette maille \(1 organisme\)/);
  assert.match(nonVentile, /Métropole/, 'the coop committed at the département is shown apart');
  const totals = await page.$$eval(`${table} .ligne-total .bouton-total`, (b) => b.map((x) => x.textContent.replace(/[\u202f\u00a0]/g, ' ')));
  // The whole number of a total button (« 120 » must not pass for 12).
  const leading = (t) => (t.match(/^-?\d{1,3}(?: \d{3})*(?:,\d+)?/) ?? [''])[0];
  assert.ok(totals.some((t) => leading(t) === fr(expected)), `a total equals ${expected}: ${totals.join(' | ')}`);
  assert.deepEqual(await axe(page), [], 'axe on Consolidation');
  await screenshot(page, 'simuler-consolidation');

  // An objective of 1.5 × the commitments: a gap of 0.5 × expected, coverage 66.7 %.
  await go(page, 'objectifs');
  await page.selectOption('#indicateur-objectif', 'PP-1');
  const objective = Math.round(expected * 1.5);
  // The 6-year cumulative of the « Total » row (yearly objective columns follow it).
  const cells = await page.$$('input[aria-label^="Objectif PP-1 — Total — Cumul"]');
  await cells[cells.length - 1].fill(String(objective));
  await cells[cells.length - 1].press('Tab');
  await page.waitForSelector('[id^="titre-ecarts-"]');
  const gapText = await text(page, 'section[aria-labelledby^="titre-ecarts-"]');
  assert.match(gapText, new RegExp(`manque de ${fr(objective - expected).replace(/ /g, '\\s')}`), gapText);
  assert.match(gapText, new RegExp(`couvert à ${fr((expected / objective) * 100).replace(/ /g, '\\s')} %`), gapText);
  assert.deepEqual(await axe(page), [], 'axe on Objectifs');

  // A realisation rate of 80 %: the scenario's total is 0.8 × the files'.
  await go(page, 'scenarios');
  await page.fill('#nom-scenario', 'Réalisation à 80 %');
  await page.click('text=Créer le scénario');
  await page.waitForSelector('#titre-modifications');
  await page.fill('#pourcentage-scenario', '80');
  await page.click('text=Ajouter la modification');
  await page.waitForSelector('#titre-comparaison');
  // The six-year line of PP-1, cell by cell: the files' figure and 0.8 × it, exactly.
  const cellsOf = await page.$$eval('.comparaison-scenario tbody tr', (trs) => trs.map((t) => [...t.children].map((c) => c.textContent.replace(/[\u202f\u00a0]/g, ' ').trim())));
  const six = cellsOf.filter((c) => c[0].startsWith('PP-1') && c.includes(fr(expected)));
  assert.ok(six.some((c) => c.includes(fr(expected * 0.8))), JSON.stringify(cellsOf.filter((c) => c[0].startsWith('PP-1'))));
  assert.deepEqual(await axe(page), [], 'axe on Scénarios');

  await go(page, 'compilation');
  await page.waitForSelector('section.compilation [data-phrase]');
  assert.deepEqual(await axe(page), [], 'axe on Compilation');
  await go(page, 'export');
  assert.deepEqual(await axe(page), [], 'axe on Export');

  // Everything is found again after a reload.
  await page.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre');
  await reloadApp(page);
  await page.waitForSelector('text=Espace « PLH Métropole lilloise »');
  await go(page, 'organismes');
  // (The files are read again after the reload: wait for them, then count.)
  await page.waitForFunction(() => document.querySelectorAll('table.fichiers tbody tr').length > 0);
  assert.equal(await page.$$eval('table.fichiers tbody tr', (t) => t.length), 3);
  await go(page, 'scenarios');
  // (After a reload the workspace is read again before the section shows its scenario.)
  await page.waitForSelector('#scenario-edite');
  assert.match(await text(page, '#scenario-edite'), /Réalisation à 80 %/);
  await go(page, 'objectifs');
  await page.selectOption('#indicateur-objectif', 'PP-1');
  assert.match(await text(page, 'section[aria-labelledby^="titre-ecarts-"]'), /manque/);

  // The consolidation as an ODS workbook and a CSV; the workbook reopens as a workspace.
  await go(page, 'export');
  const ods = await download(page, '#exporter-consolidation-ods');
  assert.match(ods.name, /^consolidation-plh-metropole-lilloise\.ods$/);
  assert.equal(fs.readFileSync(ods.file).subarray(0, 2).toString(), 'PK');
  const csv = await download(page, '#exporter-consolidation-csv');
  const lines = fs.readFileSync(csv.file, 'utf8').split('\r\n');
  const fieldsOf = lines.map((l) => l.split(';'));
  assert.ok(fieldsOf.some((f) => f.includes('PP-1') && f.includes('total') && (f.includes(String(expected)) || f.includes(fr(expected)))), 'the CSV has the PP-1 total as a whole field');
  assert.ok(lines.some((l) => l.includes(';non ventilé;')), 'the CSV has the « non ventilé » lines');
  await go(page, 'espace');
  await page.setInputFiles('#fichier-espace', ods.file);
  await page.waitForSelector('text=Espace « PLH Métropole lilloise (copie) » ouvert depuis consolidation-plh-metropole-lilloise.ods (3 fichiers)');
  await go(page, 'objectifs');
  await page.selectOption('#indicateur-objectif', 'PP-1');
  assert.match(await text(page, 'section[aria-labelledby^="titre-ecarts-"]'), /manque/, 'the reopened workspace has the objective');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('objectives: typed at 30 ms a key with Tab, every keystroke kept; a spreadsheet row pasted in one cell spreads over the years', async () => {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  await page.fill('#nouvel-espace', 'PLH saisie rapide');
  await page.click('text=Créer l\'espace');
  await page.waitForFunction(() => location.hash === '#/simuler/territoire');
  await page.fill('#recherche-territoire', MEL);
  await page.click(`.resultats-territoire button:has-text("${MEL}")`);
  await page.waitForSelector('text=Territoire étudié : 200093201');
  await go(page, 'organismes');
  await page.setInputFiles('#fichiers-organismes', ['03-maisons-lys.json', '08-metropole-coop.json'].map((f) => path.join(DIR, f)));
  await page.waitForSelector('text=2 fichiers ajoutés.');
  await go(page, 'objectifs');
  await page.selectOption('#indicateur-objectif', 'PP-1');
  // PP-1 is committed at 3 and 6 years: objectives per calendar year of the conventions
  // (signed in 2020: 2020 to 2025), labelled by their year, never « année 1 ».
  const yearly = 'input[aria-label^="Objectif PP-1 — Total — Objectif 20"]';
  const labels = await page.$$eval(yearly, (xs) => xs.map((x) => x.getAttribute('aria-label')));
  assert.deepEqual(labels.map((l) => l.slice(-4)), ['2020', '2021', '2022', '2023', '2024', '2025']);
  // Typed as fast as a user who knows the figures: 30 ms a key, Tab between the cells, the
  // autosave and the consolidation running meanwhile.
  await page.click(yearly);
  const typed = ['1 500', '2 000', '1 500', '2 000', '1 500', '2 000'];
  for (const v of typed) {
    await page.keyboard.type(v, { delay: 30 });
    await page.keyboard.press('Tab');
  }
  await page.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre');
  await page.waitForTimeout(600);
  const norm = (v) => v.replace(/[\u202f\u00a0]/g, ' ');
  const shown = async (sel) => (await page.$$eval(sel, (xs) => xs.map((x) => x.value))).map(norm);
  assert.deepEqual(await shown(yearly), typed, 'every keystroke kept in every cell');
  // The three first years add up to the 2020–2022 window: 1 500 + 2 000 + 1 500 = 5 000.
  const gaps = await text(page, 'section[aria-labelledby^="titre-ecarts-"]');
  assert.match(gaps, /somme des objectifs annuels de 2020 à 2022/, gaps);
  assert.match(gaps, /objectif de 5 000/, gaps);

  // A row copied from a spreadsheet, pasted into the first PLAI cell: six objectives, one per
  // year, never the number 500500500500500480.
  const plai = 'input[aria-label^="Objectif PP-1 — PLAI — Objectif 20"]';
  await page.focus(plai);
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '500\t500\t500\t500\t500\t480');
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('text=6 objectifs collés.');
  assert.deepEqual(await shown(plai), ['500', '500', '500', '500', '500', '480']);
  await page.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre');
  await reloadApp(page);
  await page.waitForSelector('text=Espace « PLH saisie rapide »');
  await go(page, 'objectifs');
  await page.selectOption('#indicateur-objectif', 'PP-1');
  assert.deepEqual(await shown(yearly), typed, 'kept after a reload');
  assert.deepEqual(await shown(plai), ['500', '500', '500', '500', '500', '480'], 'kept after a reload');
  assert.deepEqual(await axe(page), [], 'axe on Objectifs');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the fictional région opens in one click: 31 files read, the duplicate detected, a compilation', async () => {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  await page.click('text=Ouvrir l\'exemple : une région fictive de 30 organismes');
  await page.waitForFunction(() => location.hash === '#/simuler/organismes', null, { timeout: 120000 });
  await page.waitForFunction(() => document.querySelectorAll('table.fichiers tbody tr').length >= 31, null, { timeout: 120000 });
  assert.match(await text(page, '#titre-doublons + p'), /même SIREN/);
  await go(page, 'compilation');
  await page.waitForSelector('[data-section="offre-pp-1"] [data-phrase="offre"]');
  const comp = await text(page, '[data-section="offre-pp-1"]');
  // Figures, not only labels: the share is a percentage, the development a range of percentages.
  assert.match(comp, /Les PLAI représenteraient \d{1,3}(,\d+)? %/);
  assert.match(comp, /développement représentant entre \d+(,\d+)? % et \d+(,\d+)? % de leur patrimoine/);
  assert.match(await text(page, '.contexte-espace'), /Hauts-de-France/);
  // New supply per organism × sub-territory, with names (never a formula string of numbers).
  const bySub = page.locator('table.tableau-organismes-sous-territoires').first();
  assert.match(await bySub.locator('caption').textContent(), /PP-1 par organisme et par sous-territoire/);
  assert.match(await bySub.locator('thead').textContent(), /59 — Nord/);
  assert.ok(await bySub.locator('tbody tr').count() >= 10, 'one row per organism');
  assert.match(await bySub.locator('tbody tr th').first().textContent(), /\p{L}/u);
  await screenshot(page, 'simuler-compilation');
  // CUS signed in 2019 and 2020: the consolidation is aligned on calendar years, each
  // cumulative window apart, and says why.
  await go(page, 'consolidation');
  await page.selectOption('#indicateur-detail', 'PP-1');
  const heads = await page.$$eval('section.tableau-consolide thead th[scope="colgroup"]', (t) => t.map((x) => x.textContent));
  assert.ok(heads.includes('Cumul 2019–2021') && heads.includes('Cumul 2020–2022'), heads.join(' | '));
  assert.match(await text(page, 'section.tableau-consolide'), /placé dans son année civile/);
  // No internal key is ever shown: every section of the région, with every detail opened
  // (files' diagnostics, totals' explanations), read as the user sees it.
  const KEY = /\b(departement|epci|region|segment):[0-9A-Za-z]|\|(a[1-6]|c[36]|ref)\b|\b[A-Z]{1,3}(-[A-Z0-9]+)+(\s[a-z]+)?\|/;
  for (const section of ['espace', 'territoire', 'organismes', 'consolidation', 'objectifs', 'scenarios', 'compilation', 'evaluations', 'export']) {
    await go(page, section);
    await page.waitForTimeout(150);
    if (section === 'organismes') {
      // One file's diagnostics open at a time: each is read.
      const n = (await page.$$('table.fichiers button[aria-expanded]')).length;
      for (let i = 0; i < n; i++) {
        await (await page.$$('table.fichiers button[aria-expanded]'))[i].click();
        const t = await page.$eval('table.fichiers', (x) => x.innerText);
        const h = t.match(KEY);
        assert.equal(h, null, `organismes, file ${i + 1}: an internal key is shown: « ${h && t.slice(Math.max(0, h.index - 60), h.index + 60)} »`);
      }
    }
    if (section === 'consolidation') {
      for (const b of (await page.$$('.bouton-total')).slice(0, 6)) await b.click();
    }
    for (const d of await page.$$('details:not([open])')) await d.evaluate((x) => { x.open = true; });
    const shown = await page.$eval('main', (m) => m.innerText);
    const hit = shown.match(KEY);
    assert.equal(hit, null, `${section}: an internal key is shown: « ${hit && shown.slice(Math.max(0, hit.index - 60), hit.index + 60)} »`);
  }
  const ms = Number(await page.$eval('.simuler', (e) => e.dataset.consolidationMs));
  console.log(`consolidation of the fictional région in the browser: ${ms} ms`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
