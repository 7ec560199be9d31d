// Qualitative items filled in the grids: the yes/no answers of GLF.I (1st generation,
// logements-foyers: one per département) as a choice, the texts of SR-SV-1 and SR-SV-2
// (sociétés de vente d'HLM) as text areas with their character count and limit (2 000
// characters). Answer, clear, undo and redo, reload; a text over the limit is flagged in French,
// then fixed; JSON and ODS exported and imported back give the same values; the récapitulatif
// shows « Oui » / « Non » and the texts; axe-core finds no violation on these pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { start, openApp, screenshot, ROOT, setDraft, reloadApp, storedDraft, currentId } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const version = (file) => fs.readFileSync(path.join(ROOT, 'data/catalogue', file), 'utf8').match(/^version = "([^"]+)"/m)[1];
const ORGANISME = { raison_sociale: 'Habitat Essai (fictif)', siren: '988041729', kind: 'oph', siege_departement: '59' };

/** A société de vente: the numbers filled, the two texts to write. */
const VENTE = {
  name: 'Essai qualitatif — société de vente',
  organisme: ORGANISME,
  catalogue: { id: 'cus2-societes-vente', version: version('cus2-societes-vente.toml') },
  signing_year: 2022,
  geo_vintage: 2021,
  departements: [],
  epci: [],
  segmentation: {},
  values: Object.fromEntries(['PP-SV-1', 'PP-SV-2', 'PP-SV-3', 'ACC-SV-1']
    .flatMap((code) => [1, 2, 3, 4, 5, 6].map((y) => [`${code}|organisme|valeur|a${y}`, 10]))),
};

/** Logements-foyers of the 1st generation in the Nord and the Pas-de-Calais: GLF.I to answer. */
const FOYERS = {
  name: 'Essai qualitatif — logements-foyers',
  organisme: ORGANISME,
  catalogue: { id: 'cus1-logements-foyers', version: version('cus1-logements-foyers.toml') },
  signing_year: 2012,
  geo_vintage: 2021,
  departements: ['59', '62'],
  epci: [],
  segmentation: {},
  values: {},
};

const SR_SV_1 = 'SR-SV-1|organisme|valeur|c6';
const GLF = (d) => `GLF.I|departement:${d}|valeur|c6`;

async function openAt(hash, draft) {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, draft);
  await page.goto(`${env.base}${hash}`);
  await reloadApp(page);
  return page;
}

/** The violations axe finds on the page as it is, one line each. */
async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

/** Download with a click, return the saved path. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

/** Export in each format, import each file into a new draft: the same values. */
async function exportAndImport(page, formats) {
  for (const ext of formats) {
    await page.goto(`${env.base}#/remplir/export`);
    await page.waitForSelector(`#exporter-${ext}`);
    const before = await storedDraft(page);
    const beforeId = await currentId(page);
    const file = await download(page, `#exporter-${ext}`);
    await page.setInputFiles('#fichier-import', file);
    // A new draft is opened (the message of the previous import may still be on the page).
    await page.waitForFunction((id) => (sessionStorage.getItem('cus.brouillon.courant')
      ?? localStorage.getItem('cus.brouillon.courant')) !== id, beforeId);
    await page.waitForSelector('#import-reussi');
    const after = await storedDraft(page);
    assert.deepEqual(after.values, before.values, `${ext}: same values`);
    assert.deepEqual(after.catalogue, before.catalogue);
  }
}

test('texts: a text area with its count and limit; over the limit a French error, fixed; undo, redo, reload; JSON and ODS round trips; récapitulatif; no axe violation', async () => {
  const page = await openAt('#/remplir/engagement-4', VENTE);
  const cell = page.locator('#case-0-0-0');
  await cell.waitFor();
  assert.equal(await cell.evaluate((e) => e.tagName), 'TEXTAREA');
  assert.equal(await cell.getAttribute('aria-label'), "SR-SV-1, Ensemble de l'organisme, Valeur, Cumul 2022–2027");
  assert.doesNotMatch(await page.textContent('.grille'), /prochaine version/);
  assert.match(await page.textContent('.grille .aide-qualitatif'), /rédigez l'engagement, 2[\s\u202f]000 caractères au plus/);
  const count = page.locator('#case-0-0-0-compte');
  assert.match(await count.textContent(), /^0 \/ 2[\s\u202f]000 caractères$/);
  assert.equal(await cell.getAttribute('aria-describedby'), 'case-0-0-0-compte');
  // No total, no calculation for a text.
  assert.equal(await page.locator('.grille .ligne-total').count(), 0);
  assert.equal(await page.locator('.grille .calculs').count(), 0);

  // Typed key by key: each keystroke is a value of the draft, the count follows.
  await cell.focus();
  await page.keyboard.type('Contrôles');
  await page.waitForFunction(() => /^9 \//.test(document.getElementById('case-0-0-0-compte').textContent));
  assert.equal((await storedDraft(page)).values[SR_SV_1], 'Contrôles');

  // Over the limit: kept as typed, flagged in French, the count says by how much.
  const long = `${'Contrôle trimestriel du gestionnaire ; enquête « satisfaction ».\n'.repeat(31)}${'x'.repeat(35)}`;
  assert.equal([...long].length, 2050);
  await cell.fill(long);
  await page.waitForSelector('#case-0-0-0[aria-invalid="true"]');
  assert.match(await count.textContent(), /^2[\s\u202f]050 \/ 2[\s\u202f]000 caractères — 50 de trop$/);
  assert.match(await page.getAttribute('#case-0-0-0', 'title'), /Le texte compte 2[\s\u202f]050 caractères, plus que les 2[\s\u202f]000 permis : raccourcissez-le d'au moins 50 caractères\./);
  assert.equal(await cell.getAttribute('aria-describedby'), 'case-0-0-0-compte case-0-0-0-erreur');
  assert.match(await page.textContent('.grille .erreurs-grille'), /1 case en erreur/);
  assert.equal((await storedDraft(page)).values[SR_SV_1], long, 'nothing typed is lost');
  await screenshot(page, 'qualitatif-texte-trop-long');
  let report = (await violations(page)).map((v) => `engagement-4 (trop long): ${v}`);
  // The Vérification page names the rule and cites the article.
  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification [data-code="E-TEXT-TOO-LONG"]');
  assert.match(await page.textContent('.verification [data-code="E-TEXT-TOO-LONG"]'), /CCH, art\. D\. 445-5-6/);
  await page.goto(`${env.base}#/remplir/engagement-4`);
  await cell.waitFor();

  // Fixed: line breaks, `;`, quotes and a formula-looking start, within the limit.
  const fixed = '=Contrôles trimestriels du gestionnaire ;\nnorme « Qualibail » adoptée ;\nenquête "satisfaction" annuelle.';
  await cell.fill(fixed);
  await page.waitForFunction(() => !document.getElementById('case-0-0-0').hasAttribute('aria-invalid'));
  assert.equal(await page.locator('.grille .erreurs-grille').count(), 0);
  assert.equal([...fixed].length, 104);
  assert.match(await count.textContent(), /^104 \/ 2[\s\u202f]000 caractères$/);

  // Undo brings the long text back, redo the fixed one (keyboard and buttons).
  await cell.focus();
  await page.keyboard.press('Control+z');
  await page.waitForFunction((t) => document.getElementById('case-0-0-0').value === t, long);
  await page.waitForSelector('#case-0-0-0[aria-invalid="true"]');
  await page.keyboard.press('Control+y');
  await page.waitForFunction((t) => document.getElementById('case-0-0-0').value === t, fixed);
  await page.click('#annuler');
  await page.waitForFunction((t) => document.getElementById('case-0-0-0').value === t, long);
  await page.click('#retablir');
  await page.waitForFunction((t) => document.getElementById('case-0-0-0').value === t, fixed);

  // Reload: kept, exactly.
  assert.equal((await storedDraft(page)).values[SR_SV_1], fixed);
  await reloadApp(page);
  await cell.waitFor();
  assert.equal(await cell.inputValue(), fixed);

  // SR-SV-2, the other text, on the next page; still required until written.
  await page.goto(`${env.base}#/remplir/engagement-5`);
  await page.locator('#case-0-0-0').waitFor();
  assert.match(await page.textContent('.engagement-saisie'), /SR-SV-2/);
  const survey = 'Enquête de satisfaction annuelle auprès des locataires.';
  await page.locator('#case-0-0-0').fill(survey);
  await page.waitForFunction((n) => document.getElementById('case-0-0-0-compte').textContent.startsWith(`${n} /`), [...survey].length);
  report.push(...(await violations(page)).map((v) => `engagement-5: ${v}`));

  // The récapitulatif shows the texts, wrapped with their line breaks.
  await page.goto(`${env.base}#/remplir/recapitulatif`);
  await page.waitForSelector('#recap-SR-SV-1');
  const recap = page.locator('.recap-indicateur:has(#recap-SR-SV-1)');
  assert.match(await recap.textContent(), /Engagement rédigé \(2[\s\u202f]000 caractères au plus\)/);
  const td = recap.locator('tbody td');
  assert.equal(await td.textContent(), fixed);
  assert.equal(await td.evaluate((e) => getComputedStyle(e).whiteSpace), 'pre-wrap');
  assert.doesNotMatch(await page.textContent('.recapitulatif'), /à venir|prochaine version/);
  report.push(...(await violations(page)).map((v) => `récapitulatif: ${v}`));
  await recap.screenshot({ path: path.join(path.dirname(new URL(import.meta.url).pathname), 'screenshots', 'qualitatif-recap-texte.png') });

  await exportAndImport(page, ['json', 'ods']);
  assert.deepEqual(report, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('yes/no: a choice per département with an accessible name; Delete clears, Enter moves down; undo, redo, reload; JSON and ODS round trips; récapitulatif; no axe violation', async () => {
  const page = await openAt('#/remplir/engagement-3', FOYERS);
  const nord = page.locator('#case-0-0-0');
  const pdc = page.locator('#case-0-1-0');
  await nord.waitFor();
  assert.equal(await nord.evaluate((e) => e.tagName), 'SELECT');
  assert.equal(await nord.getAttribute('aria-label'), 'GLF.I, 59 — Nord, Valeur, Cumul 2012–2017');
  assert.equal(await pdc.getAttribute('aria-label'), 'GLF.I, 62 — Pas-de-Calais, Valeur, Cumul 2012–2017');
  assert.deepEqual(await nord.locator('option').allTextContents(), ['Sans réponse', 'Oui', 'Non']);
  assert.equal(await nord.inputValue(), '');
  assert.match(await page.textContent('.grille .aide-qualitatif'), /répondez « Oui » ou « Non » pour chaque ligne/);
  // Required: the rows without an answer are said, as for numbers.
  assert.match(await page.textContent('#diagnostics-obligatoires [data-code="E-REQUIRED-MISSING"]'),
    /GLF\.I — 2 lignes obligatoires entièrement vides : 59 — Nord, 62 — Pas-de-Calais\./);
  let report = (await violations(page)).map((v) => `engagement-3: ${v}`);

  // Answers: stored as booleans.
  await nord.selectOption('oui');
  await pdc.selectOption('non');
  await page.waitForFunction(() => document.body.dataset.sauvegarde !== 'en-cours');
  let values = (await storedDraft(page)).values;
  assert.equal(values[GLF('59')], true);
  assert.equal(values[GLF('62')], false);
  await page.waitForSelector('#diagnostics-obligatoires', { state: 'detached' });

  // Keyboard: Enter goes to the row below; Delete clears the answer.
  await nord.focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-1-0');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-0-0');
  await page.keyboard.press('Delete');
  await page.waitForFunction(() => document.getElementById('case-0-0-0').value === '');
  assert.equal((await storedDraft(page)).values[GLF('59')], undefined);

  // Undo gives the answer back, redo clears it again, undo once more.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.getElementById('case-0-0-0').value === 'oui');
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction(() => document.getElementById('case-0-0-0').value === '');
  await page.click('#annuler');
  await page.waitForFunction(() => document.getElementById('case-0-0-0').value === 'oui');

  // Reload: kept.
  await reloadApp(page);
  await nord.waitFor();
  assert.equal(await nord.inputValue(), 'oui');
  assert.equal(await pdc.inputValue(), 'non');
  values = (await storedDraft(page)).values;
  assert.deepEqual(values, { [GLF('59')]: true, [GLF('62')]: false });
  await screenshot(page, 'qualitatif-oui-non');
  report.push(...(await violations(page)).map((v) => `engagement-3 (répondu): ${v}`));

  // The récapitulatif: « Oui », « Non ».
  await page.goto(`${env.base}#/remplir/recapitulatif`);
  await page.waitForSelector('#recap-GLF\\.I');
  const recap = page.locator('.recap-indicateur:has(#recap-GLF\\.I)');
  assert.deepEqual(await recap.locator('tbody td').allTextContents(), ['Oui', 'Non']);
  assert.match(await recap.textContent(), /Réponse : oui ou non/);
  report.push(...(await violations(page)).map((v) => `récapitulatif: ${v}`));

  await exportAndImport(page, ['json', 'ods']);
  assert.deepEqual(report, []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('yes/no: a value that is no answer (from a file) is shown, flagged, and replaced by an answer', async () => {
  const draft = structuredClone(FOYERS);
  draft.values[GLF('59')] = 'peut-être';
  draft.values[GLF('62')] = 'NON';
  const page = await openAt('#/remplir/engagement-3', draft);
  const nord = page.locator('#case-0-0-0');
  await nord.waitFor();
  // « NON » typed in a file is the answer « non ».
  assert.equal(await page.locator('#case-0-1-0').inputValue(), 'non');
  assert.equal(await page.getAttribute('#case-0-1-0', 'aria-invalid'), null);
  // « peut-être » is kept and shown, to be corrected.
  assert.equal(await nord.inputValue(), 'autre');
  assert.match(await nord.locator('option:checked').textContent(), /« peut-être » \(à corriger\)/);
  assert.equal(await nord.getAttribute('aria-invalid'), 'true');
  assert.match(await page.textContent('#case-0-0-0-erreur'), /GLF\.I attend « oui » ou « non »/);
  assert.match(await page.textContent('.grille .erreurs-grille'), /1 case en erreur/);
  assert.deepEqual(await violations(page), []);
  await nord.selectOption('non');
  await page.waitForFunction(() => !document.getElementById('case-0-0-0').hasAttribute('aria-invalid'));
  assert.equal((await storedDraft(page)).values[GLF('59')], false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
