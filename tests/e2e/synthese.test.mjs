// « Simuler » → « Compilation régionale » as a DREAL officer writing the regional synthesis uses
// it: 30 first-generation CUS of the Nord-Pas-de-Calais (the CRH 2012 case of cus-core's tests)
// dropped on the région, the previous period's figures pasted, the note's key sentences read on
// the page with the same figures as the tables, the text to paste, and the page printed on A4
// with every sentence whole; axe-core finds no violation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { start, openApp, screenshot, axe, ROOT, SHOTS } from './harness.mjs';
const DIR = path.join(ROOT, 'crates/cus-core/tests/cases/synthesis/crh-2012');

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function go(page, section) {
  const hash = `#/simuler/${section}`;
  await page.click(`.menu-etapes a[href="${hash}"]`);
  await page.waitForFunction((h) => location.hash === h, hash);
}

const plain = (t) => t.replace(/[\u202f\u00a0]/g, ' ');
const phrase = (page, section, id) =>
  page.$eval(`[data-section="${section}"] [data-phrase="${id}"]`, (e) => e.textContent).then(plain);

test('the regional synthesis of 30 first-generation CUS: sentences, previous period, text to paste, A4 print', async () => {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  await page.fill('#nouvel-espace', 'Synthèse régionale 2011-2016');
  await page.click('text=Créer l\'espace');
  await page.waitForFunction(() => location.hash === '#/simuler/territoire');
  await page.selectOption('#region', '32');
  await page.waitForSelector('text=Territoire étudié : ');

  await go(page, 'organismes');
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(DIR, f));
  assert.equal(files.length, 30);
  await page.setInputFiles('#fichiers-organismes', files);
  await page.waitForSelector('text=30 fichiers ajoutés.', { timeout: 120000 });

  await go(page, 'compilation');
  await page.waitForSelector('[data-section="offre-a-i"] [data-phrase="offre"]');
  // The files alone: the six-year total, its yearly average and its share of the parc.
  assert.equal(await phrase(page, 'offre-a-i', 'offre'),
    '32 460 logements pourraient ainsi être financés sur la période 2011–2016, soit une moyenne annuelle de 5 410 logements, ce qui représente un effort de développement correspondant à 9,9 % du parc locatif social des organismes sur le territoire (327 050 logements).');
  assert.equal(await page.locator('[data-section="offre-a-i"] [data-phrase="evolution"]').count(), 0, 'no evolution before the previous period is given');
  assert.deepEqual(await axe(page), [], 'axe on the synthesis');

  // The previous period, pasted as the State's records give it; a wrong line changes nothing.
  await page.fill('#periode-precedente-collee', 'A.I;PLAI;bientôt;3190');
  await page.click('text=Ajouter ces chiffres');
  await page.waitForSelector('.periode-precedente [role="alert"]');
  assert.match(plain(await page.textContent('.periode-precedente [role="alert"]')), /Ligne 1 : « bientôt » n'est pas une période/);
  await page.fill('#periode-precedente-collee', fs.readFileSync(path.join(DIR, 'periode-precedente.csv'), 'utf8'));
  await page.click('text=Ajouter ces chiffres');
  await page.waitForSelector('text=10 chiffres de la période précédente enregistrés.');
  await page.waitForSelector('[data-section="offre-a-i"] [data-phrase="evolution"]');
  assert.equal(await phrase(page, 'offre-a-i', 'evolution'),
    'Ce niveau de production prévisionnel est inférieur de 4 % à la période 2005–2010 (33 812 logements, chiffres saisis).');
  assert.match(await phrase(page, 'offre-a-i', 'financements'), /PLAI : 6 061 logements, en hausse de 90 % .* PLS : 2 153 logements, en baisse de 80 %/);
  assert.equal(await phrase(page, 'offre-a-i', 'part-plai'), 'Les PLAI représenteraient 20 % des objectifs PLAI-PLUS.');
  assert.match(await phrase(page, 'offre-a-i', 'disparites'), /entre 6 % et 42 % de leur patrimoine actuel.*entre 6,3 % et 30 %/);
  assert.equal(await phrase(page, 'offre-a-i', 'sous-territoires'),
    'Premier sous-territoire, Nord représente 67 % du développement prévisionnel 2011–2016 contre 62 % des réalisations sur la période 2005–2010.');
  assert.equal(await phrase(page, 'indicateur-d-i', 'trajectoire'),
    'Le volume prévisionnel de logements mis en commercialisation passerait de 15 000 en 2011 à 20 000 à fin 2016 (cumul).');
  assert.match(await phrase(page, 'indicateur-d-i-ventes', 'annuel'), /\(plus de 1 000 chaque année\)/);

  // The sentence's figures are the tables' figures.
  const cell = (table, row, col) => page.evaluate(([t, r, c]) => {
    const tab = document.querySelector(`[data-section="offre-a-i"] table[data-tableau="${t}"]`);
    const cols = [...tab.querySelectorAll('thead th')].map((x) => x.textContent);
    const line = [...tab.querySelectorAll('tbody tr')].find((x) => x.querySelector('th').textContent === r);
    return line.children[cols.indexOf(c)].textContent;
  }, [table, row, col]).then(plain);
  assert.equal(await cell('financements', 'Total', 'Cumul 2011–2016'), '32 460');
  assert.equal(await cell('financements', 'PLAI', 'Évolution (moyenne annuelle)'), '+90 %');
  assert.equal(await cell('sous-territoires', '59 — Nord', 'Part 2005–2010'), '62 %');
  // EPCI sub-territories, and new supply per organism × sub-territory with names.
  assert.match(plain(await page.textContent('[data-section="offre-a-i"] table[data-tableau="epci"]')), /Métropole Européenne de Lille/);
  const bySub = page.locator('table.tableau-organismes-sous-territoires').first();
  assert.match(await bySub.locator('thead').textContent(), /62 — Pas-de-Calais/);
  assert.equal(await bySub.locator('tbody tr').count(), 30);
  // Every chart is followed by its table.
  const charts = await page.$$eval('.section-synthese figure.graphique', (f) => f.map((x) => !!x.parentElement.querySelector('table')));
  assert.ok(charts.length >= 4 && charts.every(Boolean), JSON.stringify(charts));

  // The text to paste holds every key sentence and the tables, tab-separated.
  const sentences = await page.$$eval('.phrases-cles p', (ps) => ps.map((p) => p.textContent));
  assert.ok(sentences.length >= 12, `${sentences.length} sentences`);
  await page.click('text=Le texte de la synthèse, à sélectionner et copier');
  const pasted = plain(await page.inputValue('#synthese-texte'));
  for (const s of sentences) assert.ok(pasted.includes(plain(s)), s);
  assert.match(pasted, /\nPLAI\t6 061\t/);
  assert.deepEqual(await axe(page), [], 'axe with the previous period and the text open');
  await screenshot(page, 'simuler-synthese');

  // Printed on A4: the form and the buttons are not printed, every sentence is, whole.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.periode-precedente')).display), 'none');
  const pdf = await page.pdf({ format: 'A4' });
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, 'synthese.pdf'), pdf);
  const squash = (t) => plain(t).replace(/\s+/g, '');
  const printed = squash(execFileSync('pdftotext', ['-raw', path.join(SHOTS, 'synthese.pdf'), '-']).toString());
  const missing = sentences.filter((s) => !printed.includes(squash(s)));
  assert.deepEqual(missing, [], 'sentences not printed whole');
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 4, `${pages} pages`);
  await page.context().close();
});
