// « Se former » for a trainer-led session: the trainer composes a session and gets a file and a
// link; two trainees join (one by the link, one by the file), enter their names once and answer
// differently; the module ends on what was confused; the trainer's view shows both, sets aside a
// damaged file and one of another session, and its CSV matches; projector mode is driven by the
// keyboard; the paper sheet prints every figure a question needs. axe-core on every new page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { start, openApp, screenshot, axe, ROOT, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const plain = (t) => t.replace(/[\u202f\u00a0]/g, ' ');

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

/** The options of the first exercise of a module, read from its data file: (text, correct). */
function firstChoices(file) {
  const toml = fs.readFileSync(path.join(ROOT, 'data/formation', file), 'utf8');
  const block = toml.split('[[exercises]]')[1];
  return [...block.matchAll(/\{ text = "((?:[^"\\]|\\.)*)"(, correct = true)?/g)].map((m) => ({ text: m[1], correct: !!m[2] }));
}

async function answer(page, optionText, expected) {
  await page.locator('.reponse label', { hasText: optionText }).first().click();
  await page.click('#valider');
  await page.waitForFunction((e) => document.querySelector('article.exercice')?.dataset.etat === e, expected);
}

test('a whole session: the trainer composes, two trainees answer differently, the trainer\'s view and its CSV', async () => {
  const choices = firstChoices('06-part-plai.toml');
  const right = choices.find((c) => c.correct).text;
  const wrong = choices.find((c) => !c.correct).text;

  // The trainer.
  const trainer = await openApp(env.browser, `${env.base}#/former`);
  await trainer.click('#preparer-session');
  await trainer.waitForSelector('#titre-session');
  await trainer.fill('#titre-session', 'Stage DDT-M 59');
  await trainer.check('#module-session-part-plai');
  await trainer.check('#module-session-case-vide');
  assert.deepEqual(await trainer.$$eval('.ordre-session li', (l) => l.map((x) => x.textContent.trim().slice(0, 12))).then((l) => l.length), 2);
  // The order can be changed: case-vide first, then back.
  await trainer.click('.ordre-session li:nth-child(2) button[aria-label^="Monter"]');
  assert.match(await trainer.textContent('.ordre-session li:first-child'), /case vide/i);
  await trainer.click('.ordre-session li:nth-child(2) button[aria-label^="Monter"]');
  assert.deepEqual(await axe(trainer), [], 'axe on « Préparer une session »');
  const sessionFile = await download(trainer, '#creer-session');
  assert.equal(sessionFile.name, 'session-stage-ddt-m-59.json');
  const session = JSON.parse(fs.readFileSync(sessionFile.file, 'utf8'));
  assert.equal(session.format, 'cus-session-formation/1');
  assert.deepEqual(session.modules, ['part-plai', 'case-vide']);
  const link = await trainer.inputValue('#lien-session');
  assert.match(link, /#\/former\/session\?s=/);
  await screenshot(trainer, 'former-session-preparer');

  // Alice joins by the link and answers right at the first attempt.
  const alice = await openApp(env.browser, link);
  await alice.waitForSelector('#nom-stagiaire');
  assert.match(await alice.textContent('.modules-session'), /part de PLAI/i);
  assert.deepEqual(await axe(alice), [], 'axe on joining a session');
  // A name is required.
  await alice.click('#commencer-session');
  await alice.waitForSelector('.message-erreur');
  assert.match(plain(await alice.textContent('.message-erreur')), /Entrez votre nom/);
  await alice.fill('#nom-stagiaire', 'Alice Martin');
  await alice.click('#commencer-session');
  await alice.waitForSelector('#continuer-session');
  assert.match(await alice.textContent('.bandeau-session'), /Session « Stage DDT-M 59 » — Alice Martin/);
  await alice.click('#continuer-session');
  await alice.waitForSelector('article.exercice');
  assert.match(alice.url(), /#\/former\/part-plai\/1$/);
  await answer(alice, right, 'juste');
  await alice.goto(`${env.base}#/former/session`);
  await alice.waitForSelector('#telecharger-progression');
  const aliceFile = await download(alice, '#telecharger-progression');
  assert.equal(aliceFile.name, 'progres-alice-martin-stage-ddt-m-59.json');

  // Bruno joins by the file, chooses a wrong option first.
  const bruno = await openApp(env.browser, `${env.base}#/former/session`);
  await bruno.setInputFiles('#fichier-session', sessionFile.file);
  await bruno.waitForSelector('#nom-stagiaire');
  await bruno.fill('#nom-stagiaire', 'Bruno');
  await bruno.click('#commencer-session');
  await bruno.click('#continuer-session');
  await bruno.waitForSelector('article.exercice');
  await answer(bruno, wrong, 'faux');
  await answer(bruno, right, 'juste');
  // The module's end says what was confused, with the card to read again.
  await bruno.goto(`${env.base}#/former/part-plai/bilan`);
  await bruno.waitForSelector('.confusions');
  const confused = plain(await bruno.textContent('.confusions'));
  assert.ok(confused.includes(`Vous avez répondu « ${wrong} »`), confused);
  assert.ok(await bruno.$('.confusions a[href^="#/comprendre/"]'), 'a link to the card');
  assert.deepEqual(await axe(bruno), [], 'axe on the module summary');
  await bruno.click('#suite-session');
  await bruno.waitForFunction(() => /#\/former\/part-plai\/2$/.test(location.hash));
  await bruno.goto(`${env.base}#/former/session`);
  await bruno.waitForSelector('#telecharger-progression');
  assert.deepEqual(await axe(bruno), [], 'axe on a running session');
  const brunoFile = await download(bruno, '#telecharger-progression');

  // A damaged file and one of another session.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-'));
  const damaged = path.join(dir, 'abime.json');
  fs.writeFileSync(damaged, '{"format": "cus-progres-formation/2", "trainee": ');
  const other = path.join(dir, 'autre-session.json');
  const o = JSON.parse(fs.readFileSync(aliceFile.file, 'utf8'));
  o.session_id = 'autre-00000000';
  o.session_title = 'Autre stage';
  o.trainee = 'Chloé';
  fs.writeFileSync(other, JSON.stringify(o));

  // The trainer's view.
  await trainer.goto(`${env.base}#/former/formateur`);
  await trainer.waitForSelector('#fichiers-progression');
  await trainer.setInputFiles('#fichiers-progression', [aliceFile.file, brunoFile.file, sessionFile.file, damaged, other]);
  await trainer.waitForSelector('.tableau-formateur tbody tr');
  const rows = await trainer.$$eval('.tableau-formateur tbody tr', (t) => t.map((r) => [...r.children].map((c) => c.textContent.trim())));
  assert.deepEqual(rows.map((r) => r[0]), ['Alice Martin', 'Bruno']);
  assert.equal(rows[0][1], '1er coup');
  assert.equal(rows[1][1], 'réussi');
  const rate = await trainer.$eval('.tableau-formateur tfoot td', (c) => c.textContent);
  assert.equal(plain(rate), '50 %');
  const aside = plain(await trainer.textContent('#fichiers-ecartes'));
  assert.match(aside, /« abime\.json » : fichier illisible/);
  assert.match(aside, /« autre-session\.json » : autre session \(« Autre stage »\)/);
  assert.ok(plain(await trainer.textContent('.mauvaises-reponses')).includes(`« ${wrong} » : 1 stagiaire`));
  assert.deepEqual(await axe(trainer), [], 'axe on the trainer\'s view');
  await screenshot(trainer, 'former-vue-formateur');
  const csv = await download(trainer, '#exporter-csv-formateur');
  const lines = fs.readFileSync(csv.file, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
  assert.equal(lines[0], 'session;stagiaire;module;exercice;etape;resultat;essais;premier_coup;reussi;options_fausses');
  const step1 = (who) => lines.find((l) => l.startsWith(`Stage DDT-M 59;${who};part-plai;`));
  assert.match(step1('Alice Martin'), /;1er coup;1;oui;oui;$/);
  assert.ok(step1('Bruno').endsWith(`;réussi;2;non;oui;${wrong}`), step1('Bruno'));
  assert.ok(!lines.some((l) => l.includes('Chloé')), 'another session is never mixed in');
  await trainer.emulateMedia({ media: 'print' });
  assert.equal(await trainer.$eval('#exporter-csv-formateur', (e) => getComputedStyle(e.parentElement).display), 'none');
  for (const p of [trainer, alice, bruno]) await p.context().close();
});

test('projector mode: one question, the answer revealed with its explanation, driven by the keyboard', async () => {
  const page = await openApp(env.browser, `${env.base}#/former/part-plai`);
  await page.click('#projeter');
  await page.waitForSelector('.projection-question');
  assert.match(page.url(), /#\/former\/part-plai\/projection\/1$/);
  assert.equal(await page.$('.projection-revelation'), null, 'hidden until revealed');
  assert.equal(await page.$('.projection-juste'), null);
  assert.deepEqual(await axe(page), [], 'axe on the projector');
  await page.keyboard.press('Space');
  await page.waitForSelector('.projection-revelation');
  assert.ok(await page.$('.projection-juste'), 'the right option marked');
  await screenshot(page, 'former-projection');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /projection\/2$/.test(location.hash));
  await page.waitForSelector('#reveler');
  assert.equal(await page.$('.projection-revelation'), null, 'the next question starts hidden');
  // Step 3 is a « Trouvez l'erreur »: the reveal gives the rule engine's own message.
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => /projection\/3$/.test(location.hash));
  await page.keyboard.press('Enter');
  await page.waitForSelector('.projection-revelation');
  assert.match(await page.textContent('.projection-revelation'), /Message de la vérification|Calcul de l'application|Réponse/);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => /projection\/2$/.test(location.hash));
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => location.hash === '#/former/part-plai');
  await page.context().close();
});

test('the paper sheet can be answered: every figure a question needs is in the printed PDF', async () => {
  const page = await openApp(env.browser, `${env.base}#/former/part-plai/fiche`);
  await page.waitForSelector('.fiche-reponses');
  // One table per period, the row labels repeated: nothing wide to be cut.
  const tables = await page.$$eval('.fiche-question .fiche-grille table', (t) => t.map((x) => ({
    caption: x.querySelector('caption').textContent,
    heads: [...x.querySelectorAll('thead th')].map((h) => h.textContent),
    cells: [...x.querySelectorAll('tbody td, tbody th, tfoot td, tfoot th')].map((c) => c.textContent).filter((c) => c.trim() !== ''),
  })));
  assert.ok(tables.length >= 3, `${tables.length} tables`);
  assert.deepEqual(await axe(page), [], 'axe on the sheet');
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4' });
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, 'fiche-part-plai.pdf'), pdf);
  const squash = (t) => plain(t).replace(/\s+/g, '');
  const printed = squash(execFileSync('pdftotext', ['-raw', path.join(SHOTS, 'fiche-part-plai.pdf'), '-']).toString());
  const missing = [];
  for (const t of tables) {
    for (const x of [t.caption, ...t.heads, ...t.cells]) if (!printed.includes(squash(x))) missing.push(`${t.caption}: ${x}`);
  }
  assert.deepEqual(missing, [], 'figures or labels cut from the printed sheet');
  await page.context().close();
});
