// Vérification (warnings acknowledged with a comment, final export possible or blocked, stale
// acknowledgements), the stock of dwellings (Parc de logements) and the computed numbers explained
// under the grids (« Calculs »).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, openApp, screenshot, ROOT, setDraft, storedDraft, reloadApp } from './harness.mjs';

let env;
// Version of the 1st-generation catalogue, read from its data file.
const CUS1_VERSION = fs.readFileSync(path.join(ROOT, 'data/catalogue/cus1-logements-locatifs.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** A 2nd-generation draft with two départements and one EPCI, PP-1 detailed by EPCI. */
const DRAFT = {
  name: 'Essai vérification',
  organisme: { raison_sociale: 'Habitat Essai', siren: '200093201', kind: 'oph', siege_departement: '59' },
  catalogue: { id: 'cus2-logements-locatifs', version: '2026.11.0' },
  signing_year: 2024, geo_vintage: 2021,
  departements: ['59', '62'], epci: ['200093201'],
  segmentation: { 'PP-1': { levels: ['departement', 'epci'] } },
};

async function gotoStep(page, slug, selector) {
  await page.goto(`${env.base}#/remplir/${slug}`);
  await page.waitForSelector(selector);
}

/** Counts of the Vérification summary: { errors, warnings, acknowledged }. */
async function summary(page) {
  const text = await page.textContent('.verification .resume-comptes');
  const m = text.match(/^(\d+) erreurs?, (\d+) avertissements? dont (\d+) vérifiés?, \d+ informations?\.$/);
  assert.ok(m, text);
  return { errors: Number(m[1]), warnings: Number(m[2]), acknowledged: Number(m[3]) };
}

/** Warnings counted in the step menu for Vérification (0 when none is shown). */
async function menuWarnings(page) {
  const text = await page.textContent('.menu-etapes li:has(a:text("Vérification"))');
  const m = text.match(/(\d+) avertissements?/);
  return m ? Number(m[1]) : 0;
}

test('a warning acknowledged with a comment stays acknowledged after reload; stale ones can be removed', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await gotoStep(page, 'engagement-1', '#case-0-0-0');
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  // One value in the Nord row of PP-1: the rest of the row is empty, a warning (W-REQUIRED-PARTIAL).
  await page.fill('#case-0-0-0', '5');
  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification');
  const before = await summary(page);
  assert.ok(before.warnings >= 1 && before.errors >= 1, JSON.stringify(before));
  assert.equal(before.acknowledged, 0);
  assert.equal(await menuWarnings(page), before.warnings);
  assert.match(await page.textContent('.verification .resume-export'), /^L'export définitif est bloqué : \d+ erreurs? à corriger et \d+ avertissements? à vérifier\.$/);

  const item = page.locator('.verification li[data-code="W-REQUIRED-PARTIAL"]').first();
  const id = await item.getAttribute('data-id');
  assert.match(id, /^W-REQUIRED-PARTIAL@PP-1\|departement:59\|/);
  assert.equal(await item.locator('.badge-verifie').count(), 0);
  await item.locator('input[type=checkbox]').check();
  const acked = page.locator(`.verification li[data-id="${id}"]`);
  await acked.locator('input.commentaire').waitFor();
  assert.match(await acked.locator('.champ-commentaire label').textContent(), /Commentaire \(facultatif, repris dans le fichier transmis\)/);
  await acked.locator('input.commentaire').fill('Ligne complétée lors du prochain conseil');
  await acked.locator('input.commentaire').press('Tab');
  assert.equal(await acked.locator('.badge-verifie').textContent(), 'vérifié');
  const after = await summary(page);
  assert.deepEqual(after, { ...before, acknowledged: 1 });
  assert.equal(await menuWarnings(page), before.warnings - 1);
  await screenshot(page, 'verification-avertissement-verifie');

  await reloadApp(page);
  await page.waitForSelector('.verification');
  const again = page.locator(`.verification li[data-id="${id}"]`);
  assert.equal(await again.locator('input[type=checkbox]').isChecked(), true);
  assert.equal(await again.locator('input.commentaire').inputValue(), 'Ligne complétée lors du prochain conseil');
  assert.equal(await again.locator('.badge-verifie').count(), 1);
  assert.deepEqual(await summary(page), after);
  assert.equal((await storedDraft(page)).acknowledged[id], 'Ligne complétée lors du prochain conseil');

  // The empty cell the warning pointed at is filled: the warning now points at another cell, the
  // acknowledgement is stale, listed at the bottom, and can be removed.
  const cellKey = id.slice(id.indexOf('@') + 1);
  await gotoStep(page, 'engagement-1', '#case-0-0-0');
  await page.fill(`input[data-cell="${cellKey}"]`, '2');
  await page.click('.menu-etapes a:text("Vérification")');
  const stale = page.locator('.verifications-caduques');
  await stale.waitFor();
  assert.match(await stale.locator('h3').textContent(), /^Vérifications devenues sans objet \(1\)$/);
  assert.match(await stale.textContent(), /W-REQUIRED-PARTIAL — PP-1, 59 — Nord, .*Ligne complétée lors du prochain conseil/);
  assert.equal((await summary(page)).acknowledged, 0);
  await stale.locator('button:text("Retirer ces vérifications")').click();
  assert.equal(await page.locator('.verifications-caduques').count(), 0);
  assert.deepEqual((await storedDraft(page)).acknowledged ?? {}, {});

  // Unchecking removes an acknowledgement.
  const next = page.locator('.verification li[data-code="W-REQUIRED-PARTIAL"]').first();
  const nextId = await next.getAttribute('data-id');
  await next.locator('input[type=checkbox]').check();
  assert.equal(Object.keys((await storedDraft(page)).acknowledged).length, 1);
  await page.locator(`.verification li[data-id="${nextId}"] input[type=checkbox]`).uncheck();
  assert.equal(await page.locator(`.verification li[data-id="${nextId}"] input.commentaire`).count(), 0);
  assert.deepEqual((await storedDraft(page)).acknowledged ?? {}, {});
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('without errors, the final export is possible once every warning is acknowledged', async () => {
  const page = await openApp(env.browser, env.base);
  await page.click('button:text("Ouvrir l\'exemple : Petit organisme, un département")');
  await page.waitForSelector('#raison-sociale');
  await gotoStep(page, 'verification', '.verification');
  const s = await summary(page);
  assert.equal(s.errors, 0);
  assert.ok(s.warnings >= 1);
  assert.match(await page.textContent('.verification .resume-export'), /L'export définitif est bloqué : \d+ avertissements? à vérifier\./);
  const boxes = page.locator('.verification li.diag-avertissement input[type=checkbox]');
  for (let i = 0; i < s.warnings; i++) {
    await page.locator('.verification li.diag-avertissement:not(.diag-verifie) input[type=checkbox]').first().check();
  }
  assert.equal(await boxes.count(), s.warnings);
  assert.deepEqual(await summary(page), { ...s, acknowledged: s.warnings });
  assert.equal(await page.textContent('.verification .resume-export'), "L'export définitif est possible.");
  assert.equal(await menuWarnings(page), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('stock: entered on Parc de logements, kept after reload, used by the ratio to the stock explained under PP-1', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await gotoStep(page, 'parc', '.parc');
  await reloadApp(page);
  await page.waitForSelector('#parc-departement-59');
  assert.match(await page.textContent('.parc'), /40\u00a0% du parc/);
  assert.match(await page.textContent('.parc'), /R\. 445-5/);
  assert.equal(await page.locator('.parc input.saisie-parc[id^="parc-"]').count(), 4);   // organisme, 59, 62, one EPCI
  // The bases given once (parc F et G, plus de 25 ans, hors QPV), a column each.
  assert.equal(await page.locator('.parc input.saisie-parc[id^="base-"]').count(), 12);
  assert.match(await page.textContent('.parc thead'), /Logements de classe énergétique F et G/);

  // An invalid figure gets a French message and is not stored.
  await page.fill('#parc-departement-62', '12,5');
  await page.press('#parc-departement-62', 'Tab');
  assert.match(await page.textContent('#parc-departement-62-message'), /nombre entier/);
  assert.equal(await page.getAttribute('#parc-departement-62', 'aria-invalid'), 'true');
  await page.fill('#parc-departement-62', 'beaucoup');
  await page.press('#parc-departement-62', 'Tab');
  assert.match(await page.textContent('#parc-departement-62-message'), /« beaucoup » n'est pas un nombre/);
  await page.fill('#parc-departement-62', '');
  await page.press('#parc-departement-62', 'Tab');
  assert.equal(await page.locator('#parc-departement-62-message').count(), 0);

  assert.doesNotMatch(await page.textContent('.menu-etapes li:has(a:text("Parc de logements"))'), /complète/);
  await page.fill('#parc-departement-59', '1 500');
  await page.press('#parc-departement-59', 'Tab');
  await page.fill('#parc-organisme', '2000');
  await page.press('#parc-organisme', 'Tab');
  assert.match(await page.textContent('.menu-etapes li:has(a:text("Parc de logements"))'), /complète/);
  let stored = await storedDraft(page);
  assert.deepEqual(stored.stock, { 'departement:59': 1500, organisme: 2000 });

  await reloadApp(page);
  await page.waitForSelector('#parc-departement-59');
  assert.equal(await page.inputValue('#parc-departement-59'), '1\u202f500');
  assert.equal(await page.inputValue('#parc-organisme'), '2\u202f000');
  assert.equal(await page.inputValue('#parc-departement-62'), '');
  await screenshot(page, 'remplir-parc');

  // PP-1, Nord, Total, 6-year cumulative: 120 dwellings for a stock of 1 500.
  await page.click('.menu-etapes a:has-text("Politique patrimoniale")');
  const cell = page.locator('input[data-cell="PP-1|departement:59|total|c6"]');
  await cell.waitFor();
  await cell.fill('120');
  const calc = page.locator('.grille >> nth=0 >> .calculs');
  // Nothing is computed nor listed before it is asked for.
  assert.equal(await calc.locator('.liste-calculs').count(), 0);
  await calc.locator('button.bouton-calculs').click();
  assert.equal(await calc.locator('.explication').count(), 0);
  const ratio = calc.locator('li[data-calcul="parc"]');
  assert.match(await ratio.locator('.calcul-libelle').textContent(), /Rapport au parc de logements : Total, Cumul 2024–2029/);
  await ratio.locator('button.bouton-explication').click();
  const formula = await ratio.locator('.formule').textContent();
  assert.equal(formula, 'Total ÷ parc = 120 ÷ 1\u202f500 = 8\u00a0%');
  const inputs = await ratio.locator('.entrees-calcul li').allTextContents();
  assert.deepEqual(inputs, ['PP-1, 59 — Nord, Total, Cumul 2024–2029 : 120', 'Parc déclaré — 59 — Nord : 1\u202f500']);
  // The explanation follows the values.
  await cell.fill('150');
  assert.equal(await ratio.locator('.formule').textContent(), 'Total ÷ parc = 150 ÷ 1\u202f500 = 10\u00a0%');

  // Another row without stock, another computed number with an empty input: « non calculable ».
  await calc.locator('select[id^="calcul-ligne-"]').selectOption({ label: '62 — Pas-de-Calais' });
  assert.match(await ratio.locator('.explication-impossible').textContent(), /^Non calculable : le parc de logements de 62 — Pas-de-Calais n'est pas renseigné/);
  const plai = calc.locator('li[data-calcul="part-plai"]');
  await plai.locator('button.bouton-explication').click();
  assert.match(await plai.locator('.explication-impossible').textContent(), /^Non calculable : 2 cases à remplir d'abord/);
  // Back to Nord: the share of PLAI among PLAI + PLUS, from the cells typed.
  await calc.locator('select[id^="calcul-ligne-"]').selectOption({ label: '59 — Nord' });
  await page.fill('input[data-cell="PP-1|departement:59|PLAI|c6"]', '30');
  await page.fill('input[data-cell="PP-1|departement:59|PLUS|c6"]', '90');
  assert.equal(await plai.locator('.formule').textContent(), 'PLAI ÷ (PLAI + PLUS) = 30 ÷ (30 + 90) = 25\u00a0%');
  // A cell of the explanation leads to the grid cell.
  await plai.locator('.entrees-calcul button').first().click();
  await page.waitForFunction(() => document.activeElement?.dataset.cell === 'PP-1|departement:59|PLAI|c6');
  await screenshot(page, 'remplir-calculs');
  stored = await storedDraft(page);
  assert.equal(stored.values['PP-1|departement:59|total|c6'], 150);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('yearly counts: six-year cumulative and yearly average explained; a percentage from its terms', async () => {
  const page = await openApp(env.browser, env.base);
  // The 1st-generation catalogue has yearly counts (A.I) and a percentage (C.IV).
  await setDraft(page, {
    name: 'Première génération',
    catalogue: { id: 'cus1-logements-locatifs', version: CUS1_VERSION },
    signing_year: 2011, departements: ['59'],
  });
  await gotoStep(page, 'engagement-1', '.grille');
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  const grid = page.locator('.grille').first();
  assert.match(await grid.locator('h3').textContent(), /A\.I/);
  // Years 2011…2015 only: the cumulative cannot be computed yet.
  for (const [i, v] of [10, 12, 9, 11, 10].entries()) {
    await page.fill(`input[data-cell="A.I|departement:59|total|a${i + 1}"]`, String(v));
  }
  const calc = grid.locator('.calculs');
  await calc.locator('button.bouton-calculs').click();
  const cumul = calc.locator('li[data-calcul="cumul"]');
  await cumul.locator('button.bouton-explication').click();
  assert.match(await cumul.locator('.explication-impossible').textContent(), /^Non calculable : 1 case à remplir d'abord/);
  assert.match(await cumul.locator('.explication-impossible').textContent(), /A\.I, 59 — Nord, Total, 2016/);
  await page.fill('input[data-cell="A.I|departement:59|total|a6"]', '8');
  assert.equal(await cumul.locator('.formule').textContent(), 'Somme des années 2011 à 2016 : 10 + 12 + 9 + 11 + 10 + 8 = 60');
  assert.equal(await cumul.locator('.entrees-calcul li').count(), 6);
  const average = calc.locator('li[data-calcul="moyenne"]');
  await average.locator('button.bouton-explication').click();
  assert.equal(await average.locator('.formule').textContent(), 'Moyenne des années 2011 à 2016 : (10 + 12 + 9 + 11 + 10 + 8) ÷ 6 = 10');

  // C.IV is a percentage: computed from its two terms, as typed.
  await page.click('.menu-etapes a:has-text("Patrimoine existant")');
  await page.locator('.grille:has(h3:has-text("C.IV"))').waitFor();
  const pct = page.locator('.grille:has(h3:has-text("C.IV")) .calculs');
  await pct.locator('button.bouton-calculs').click();
  await pct.locator('input[id^="calcul-numerateur-"]').fill('12');
  assert.match(await pct.locator('.explication-impossible').textContent(), /^Non calculable : saisissez le dénominateur\./);
  await pct.locator('input[id^="calcul-denominateur-"]').fill('150');
  assert.match(await pct.locator('.formule').textContent(), /÷ .* = 12 ÷ 150 = 8\u00a0%$/);
  // « Reporter » writes it into the cell of the row and period chosen above, as one edit of the
  // draft: the value is stored, and one « Annuler » restores the cell.
  const valuesBefore = (await storedDraft(page)).values;
  const report = pct.locator('button[id^="calcul-reporter-"]');
  assert.match(await report.textContent(), /^Reporter 8\s% dans la case 59 — Nord, /);
  await report.click();
  assert.match(await pct.locator('[id^="calcul-reporte-"]').textContent(), /^8\s% reporté dans la case 59 — Nord, /);
  const valuesAfter = (await storedDraft(page)).values;
  const changed = Object.keys(valuesAfter).filter((k) => JSON.stringify(valuesAfter[k]) !== JSON.stringify(valuesBefore[k]));
  assert.equal(changed.length, 1, changed.join(' '));
  assert.match(changed[0], /^C\.IV\|departement:59\|/);
  assert.equal(valuesAfter[changed[0]], 8);
  assert.equal(await page.inputValue(`[data-cell="${changed[0]}"]`), '8');
  await page.click('#annuler');
  await page.waitForFunction((k) => document.querySelector(`[data-cell="${k}"]`)?.value === '', changed[0]);
  assert.equal((await storedDraft(page)).values[changed[0]], valuesBefore[changed[0]]);
  await pct.locator('input[id^="calcul-denominateur-"]').fill('0');
  assert.match(await pct.locator('.explication-impossible').textContent(), /^Non calculable : le dénominateur est nul\./);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a small stock makes a plausibility warning on the cell; once acknowledged, the cell is no longer flagged', async () => {
  const page = await openApp(env.browser, env.base);
  await page.click('button:text("Ouvrir l\'exemple : Petit organisme, un département")');
  await page.waitForSelector('#raison-sociale');
  await gotoStep(page, 'parc', '#parc-departement-88');
  // 75 dwellings produced in six years (PP-1, Vosges) for a stock of 100: above the 40 % threshold.
  await page.fill('#parc-departement-88', '100');
  await page.press('#parc-departement-88', 'Tab');
  // The stock is saved once the field is left; wait for it before leaving the page.
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  const cell = page.locator('input[data-cell="PP-1|departement:88|total|c6"]');
  await gotoStep(page, 'engagement-1', 'input[data-cell="PP-1|departement:88|total|c6"]');
  assert.equal(await cell.getAttribute('aria-invalid'), 'true');
  const describedBy = await cell.getAttribute('aria-describedby');
  assert.match(await page.textContent(`#${describedBy}`), /75\u00a0% du parc/);
  const calc = page.locator('.grille >> nth=0 >> .calculs');
  await calc.locator('button.bouton-calculs').click();
  await calc.locator('li[data-calcul="parc"] button.bouton-explication').click();
  assert.equal(await calc.locator('li[data-calcul="parc"] .formule').textContent(), 'Total ÷ parc = 75 ÷ 100 = 75\u00a0%');

  await page.click('.menu-etapes a:text("Vérification")');
  const item = page.locator('.verification li[data-code="W-PLAUSIBLE-PRODUCTION"]');
  await item.waitFor();
  assert.equal(await item.getAttribute('data-id'), 'W-PLAUSIBLE-PRODUCTION@PP-1|departement:88|total|c6');
  await item.locator('input[type=checkbox]').check();
  await item.locator('input.commentaire').fill('Programme de reconstitution validé par le conseil');
  await item.locator('input.commentaire').press('Tab');
  await page.click('.menu-etapes a:has-text("Politique patrimoniale")');
  await cell.waitFor();
  assert.equal(await cell.getAttribute('aria-invalid'), null);
  const stored = await storedDraft(page);
  assert.equal(stored.acknowledged['W-PLAUSIBLE-PRODUCTION@PP-1|departement:88|total|c6'], 'Programme de reconstitution validé par le conseil');
  assert.deepEqual(stored.stock, { 'departement:88': 100 });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
