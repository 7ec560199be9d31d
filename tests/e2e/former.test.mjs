// « Se former »: follow a module step by step, answer wrong then right (a choice, a computation
// checked against the application's calc, a « Trouvez l'erreur » graded by the rule engine on the
// real grid), find the progress and the score after a reload and export them; load a trainer's
// pack from a file (a good one kept, a broken one refused in French with its line); the printable
// sheet puts the answers on a new page; the reference cards lead to the exercises; axe-core finds
// no violation on the mode's pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { createRequire } from 'node:module';
import { start, openApp, screenshot, reloadApp, ROOT } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

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

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.replace(/[\u202f\u00a0]/g, ' '));

/** Go to a hash and wait for the step's exercise (or the page's heading). */
async function go(page, hash, selector = '#titre-page') {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
  await page.waitForSelector(selector);
}

async function state(page) {
  return page.$eval('article.exercice', (a) => a.dataset.etat);
}

async function submit(page, expected) {
  await page.click('#valider');
  await page.waitForFunction((e) => document.querySelector('article.exercice')?.dataset.etat === e, expected);
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

test('a module followed step by step: wrong then right, graded by the rules, kept after a reload', async () => {
  const page = await openApp(env.browser, `${env.base}#/former`);
  await page.waitForSelector('#module-part-plai');
  assert.equal(await page.$eval('nav[aria-label="Modes de l\'application"] a[aria-current="page"]', (a) => a.textContent), 'Se former');
  assert.deepEqual(await axe(page), [], 'axe on the home of « Se former »');
  const modules = await page.$$eval('.carte-module', (l) => l.length);
  assert.ok(modules >= 12, `${modules} modules`);

  await page.click('#module-part-plai h3 a');
  await page.waitForSelector('#commencer');
  assert.deepEqual(await axe(page), [], 'axe on a module page');
  await page.click('#commencer');
  await page.waitForFunction(() => location.hash === '#/former/part-plai/1');
  await page.waitForSelector('article.exercice[data-type="choix-unique"]');
  assert.deepEqual(await axe(page), [], 'axe on a choice question');

  // 1. A single choice: wrong, retry, right.
  await page.check('label:has-text("PLAI ÷ (PLAI + PLUS + PLS)")');
  await submit(page, 'faux');
  assert.match(await text(page, '#retour'), /Pas tout à fait/);
  assert.match(await text(page, '#retour'), /Inclure les PLS fait baisser la part/, 'the feedback of the choice ticked');
  assert.deepEqual(await axe(page), [], 'axe with a wrong answer');
  await page.click('#reessayer');
  assert.equal(await state(page), 'a-repondre');
  await page.check('label:has-text("PLAI ÷ (PLAI + PLUS)") >> nth=0');
  await submit(page, 'juste');
  assert.match(await text(page, '#retour'), /Bonne réponse/);
  const card = await page.$eval('.explication-exercice .liens-fiches a', (a) => a.getAttribute('href'));
  assert.equal(card, '#/comprendre/cus2-logements-locatifs/2026.11.0/PP-1', 'the feedback links to the card');
  assert.match(await text(page, '.explication-exercice'), /CCH, art\. R\. 445-5/);

  // 2. « Calculez »: checked against calc, whose formula is then shown.
  await page.click('#etape-suivante');
  await page.waitForSelector('article.exercice[data-type="calculez"]');
  assert.ok(await page.$('.grille-exercice table.tableau-grille'), 'the case is shown as the grid');
  assert.equal(await page.$('.grille-exercice input.case'), null, 'a read-only grid');
  await page.fill('#reponse', '24');
  await submit(page, 'faux');
  await page.click('#reessayer');
  await page.fill('#reponse', '30');
  await submit(page, 'juste');
  assert.match(await text(page, '#calcul-application'), /120 ÷ \(120 \+ 280\) = 30 %/);
  assert.deepEqual(await axe(page), [], 'axe on a computation');

  // 3. « Trouvez l'erreur » on the real grid, graded by the rule engine.
  await page.click('#etape-suivante');
  await page.waitForSelector('article.exercice[data-type="trouvez-l-erreur"]');
  assert.equal(await page.$('.grille-exercice .case-marque'), null, 'no marker gives the answer away');
  assert.deepEqual(await axe(page), [], 'axe on « Trouvez l\'erreur »');
  await page.click('button[data-cell="PP-1|departement:59|total|c3"]');
  assert.equal(await page.$eval('button[data-cell="PP-1|departement:59|total|c3"]', (b) => b.getAttribute('aria-pressed')), 'true');
  await submit(page, 'faux');
  assert.match(await text(page, '#retour'), /Vous avez trouvé 0 erreur sur 1 ; une case cochée ne contient pas d'erreur/);
  await page.click('#reessayer');
  await page.click('button[data-cell="PP-1|departement:59|total|c3"]');
  await page.click('button[data-cell="PP-1|departement:59|PLAI|c6"]');
  await submit(page, 'juste');
  const rules = await text(page, '#erreurs-regles');
  assert.match(rules, /W-PLAUSIBLE-PLAI-SHARE/, 'the rules\' diagnostic is listed');
  assert.match(rules, /hors de la fourchette habituelle de 20 % à 60 %/);
  assert.ok(await page.$('.grille-exercice .case-marque'), 'the grid shows the rule\'s marker once graded');
  assert.deepEqual(await axe(page), [], 'axe on a graded « Trouvez l\'erreur »');
  await screenshot(page, 'former-trouvez-l-erreur');

  // 4. Right at the first attempt.
  await page.click('#etape-suivante');
  await page.waitForSelector('article.exercice[data-type="calculez"]');
  await page.fill('#reponse', '29,1');
  await submit(page, 'juste');

  // The progress is kept after a reload.
  await reloadApp(page);
  await page.waitForSelector('article.exercice');
  await go(page, '#/former', '#score');
  assert.match(await text(page, '#score'), /Score : 1 exercice réussi du premier coup sur 79 ; 4 réussis en tout\./);
  assert.match(await text(page, '#module-part-plai .avancement'), /4 étapes sur 5 faites ; 1 sur 5 réussi du premier coup/);
  const { file, name } = await download(page, '#exporter-progression');
  assert.match(name, /^progression-se-former-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(exported.score.reussis_du_premier_coup, 1);
  const plai = exported.modules.find((m) => m.module === 'part-plai');
  assert.equal(plai.exercices[0].essais, 2);
  assert.equal(plai.exercices[3].du_premier_coup, true);
  await page.close();
});

test('a « Trouvez l\'erreur » with two errors of the rule engine, and a worked example', async () => {
  const page = await openApp(env.browser, `${env.base}#/former/mailles/6`);
  await page.waitForSelector('article.exercice[data-type="trouvez-l-erreur"]');
  // Only one of the two errors: not enough.
  await page.click('button[data-cell="PP-1|departement:59|total|c6"]');
  await submit(page, 'faux');
  assert.match(await text(page, '#retour'), /Vous avez trouvé 1 erreur sur 2/);
  await page.click('#reessayer');
  // The EPCI's cell counts as finding the second one.
  await page.click('button[data-cell="PP-1|epci:200093201|PLS|c6"]');
  await submit(page, 'juste');
  const items = await page.$$eval('#erreurs-regles li', (l) => l.map((x) => x.textContent));
  assert.equal(items.length, 2);
  for (const i of items) assert.match(i, /E-EPCI-EXCEEDS-DEPARTEMENT/);
  const link = await page.$eval('#erreurs-regles li a.diag-article', (a) => a.getAttribute('href'));
  assert.equal(link, '#/comprendre/cus2-logements-locatifs/2026.11.0/PP-1');

  await go(page, '#/former/cus-logements-locatifs/1', 'article.exercice[data-type="exemple"]');
  const calcs = await text(page, '.calculs-exemple');
  assert.match(calcs, /30 %/);
  assert.match(calcs, /80 %/);
  assert.match(calcs, /500 ÷ 12 000 = 4,2 %/);
  assert.deepEqual(await axe(page), [], 'axe on a worked example');

  await go(page, '#/former/mailles/5', 'article.exercice[data-type="numerique"]');
  await page.fill('#reponse', 'cinq');
  await page.click('#valider');
  await page.waitForSelector('#retour.retour-illisible');
  assert.match(await text(page, '#retour'), /n'est pas un nombre/);
  await page.fill('#reponse', '5');
  await submit(page, 'juste');
  assert.deepEqual(await axe(page), [], 'axe on a numeric answer');

  // The exercises citing a code, as a reference card links to them.
  await go(page, '#/former?code=PP-LF-1', '#exercices-code');
  assert.match(await text(page, '#exercices-code'), /Exercices sur PP-LF-1/);
  assert.ok((await page.$$('#exercices-code li')).length >= 3);
  assert.deepEqual(await axe(page), [], 'axe on the exercises of a code');
  await page.close();
});

const PACK = `id = "pack-essai"
title = "Pack d'essai du formateur"
theme = "part-plai"
summary = "Un exercice ajouté par un formateur."

[[exercises]]
id = "combien-de-financements"
title = "Les financements de PP-1"
type = "numerique"
catalogue = "cus2-logements-locatifs"
version = "2026.11.0"
codes = ["PP-1"]
article = "R. 445-5"
question = "Combien de modes de financement ventilent PP-1 ?"
answer = 3
unit = "modes"
right = "Exact : PLAI, PLUS, PLS."
wrong = "Relisez le libellé de PP-1."
explanation = "PP-1 est ventilé en PLAI, PLUS et PLS."
basis = "texte"
`;

test('a trainer\'s pack loaded from a file, checked like a catalogue, kept after a reload', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-pack-'));
  const good = path.join(dir, 'pack-essai.toml');
  const bad = path.join(dir, 'pack-casse.toml');
  fs.writeFileSync(good, PACK);
  fs.writeFileSync(bad, PACK.replace('id = "pack-essai"', 'id = "pack-casse"').replace('codes = ["PP-1"]', 'codes = ["PP-9"]'));
  const page = await openApp(env.browser, `${env.base}#/former`);
  await page.waitForSelector('#fichier-pack');
  await page.setInputFiles('#fichier-pack', [good, bad]);
  await page.waitForSelector('#etat-packs');
  const status = await text(page, '#etat-packs');
  assert.match(status, /Pack « pack-essai\.toml » chargé et vérifié/);
  assert.match(status, /Le fichier « pack-casse\.toml » n'a pas été chargé/);
  assert.match(status, /Erreur \[E-FORM-CODE\] \(fichier pack-casse\.toml, ligne 12, champ exercises\[0\]\.codes\) : Exercice « combien-de-financements » : l'indicateur « PP-9 » n'existe pas/);
  assert.deepEqual(await axe(page), [], 'axe with the packs\' report');
  await page.waitForSelector('#module-pack-essai');

  await reloadApp(page);
  await page.waitForSelector('#packs-charges');
  assert.match(await text(page, '#packs-charges'), /Pack d'essai du formateur — fichier « pack-essai\.toml »/);
  await page.click('#module-pack-essai .liens-module a');
  await page.waitForSelector('article.exercice[data-type="numerique"]');
  await page.fill('#reponse', '3');
  await submit(page, 'juste');
  // The same id again is refused.
  await go(page, '#/former', '#fichier-pack');
  const copy = path.join(dir, 'copie.toml');
  fs.writeFileSync(copy, PACK);
  await page.setInputFiles('#fichier-pack', copy);
  await page.waitForFunction(() => /copie\.toml/.test(document.getElementById('etat-packs')?.textContent ?? ''));
  assert.match(await text(page, '#etat-packs'), /E-FORM-ID.*Un autre module porte déjà l'identifiant « pack-essai »/);
  // Removed on request.
  await page.click('button[aria-label="Retirer le pack « pack-essai.toml »"]');
  await page.waitForFunction(() => !document.getElementById('module-pack-essai'));
  await page.close();
});

test('the printable sheet: questions, then the answers from a new page', async () => {
  const page = await openApp(env.browser, `${env.base}#/former/part-plai/fiche`);
  await page.waitForSelector('.fiche-reponses');
  assert.deepEqual(await axe(page), [], 'axe on the sheet');
  const q = await page.$$eval('.fiche-question', (l) => l.length);
  const a = await page.$$eval('.fiche-reponse', (l) => l.length);
  assert.equal(q, 5);
  assert.equal(a, 5);
  assert.match(await text(page, '.fiche-reponses'), /W-PLAUSIBLE-PLAI-SHARE/, 'the answers of a « Trouvez l\'erreur » come from the rules');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.$eval('.fiche-reponses', (e) => getComputedStyle(e).breakBefore), 'page');
  assert.equal(await page.$eval('#imprimer-fiche', (e) => getComputedStyle(e).display), 'none');
  await page.emulateMedia({ media: 'screen' });
  await page.close();
});

test('a reference card lists its exercises and leads to them', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre/cus2-logements-locatifs/2026.11.0/PS-3`);
  const card = '[id="ind-cus2-logements-locatifs-2026.11.0-ps-3"]';
  await page.waitForSelector(card);
  const summary = await page.$eval(`${card} .exercices-fiche summary`, (s) => s.textContent);
  assert.match(summary, /Se former sur PS-3 \(\d+ exercices?\)/);
  await page.click(`${card} .exercices-fiche summary`);
  const href = await page.$eval(`${card} .exercices-fiche li a`, (a) => a.getAttribute('href'));
  assert.match(href, /^#\/former\/[a-z-]+\/\d+$/);
  assert.deepEqual(await axe(page), [], 'axe on « Comprendre » with the exercises');
  await page.click(`${card} .exercices-fiche li a`);
  await page.waitForSelector('article.exercice');
  assert.ok((await page.$$eval('.contexte-exercice', (l) => l.map((x) => x.textContent))).join().includes('PS-3'));
  await page.close();
});
