// « Simuler sur mon territoire », one workspace in two tabs (the protocol of the drafts of
// « Remplir »): the second tab is read-only, told so at the top of the section, until « Modifier
// ici », which makes the first tab write what it has pending and step back; an edit typed just
// before the page is closed is kept (written as the page goes away, or copied to local storage
// and put back by the next page); a save refused because another tab saved since says so in view
// and never stays on « enregistrement… »; axe-core finds no violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { start, waitForApp, screenshot, idb } from './harness.mjs';

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

/** A new tab of `context` that records its errors. */
async function tab(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('dialog', (d) => d.accept());
  return page;
}

/** Is the element wholly inside the viewport (not scrolled away, not hidden)? */
function inView(page, selector) {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
  });
}

const status = (page) => page.$eval('.etat-enregistrement', (e) => e.textContent);
const state = (page) => page.$eval('.simuler', (e) => e.dataset.espace);
/** The six-year cumulative objective of PP-1, « Total » (the last of its cumulative cells). */
const CELL = 'input[aria-label^="Objectif PP-1 — Total — Cumul"] >> nth=-1';
/** A cell's value without the spaces of the French format (« 1 234 »). */
const value = async (page) => (await page.inputValue(CELL)).replace(/\s/g, '');

async function go(page, section) {
  const hash = section === 'espace' ? '#/simuler' : `#/simuler/${section}`;
  await page.click(`.menu-etapes a[href="${hash}"]`);
  await page.waitForFunction((h) => location.hash === h, hash);
}

test('one workspace in two tabs: read-only until « Modifier ici », then the other steps back; an edit typed just before closing is kept', async () => {
  const t0 = Date.now();
  const context = await env.browser.newContext({ locale: 'fr-FR' });
  const a = await tab(context);
  await a.goto(`${env.base}#/simuler/exemple`);
  await a.waitForFunction(() => location.hash === '#/simuler/organismes', null, { timeout: 120000 });
  await a.waitForFunction(() => document.querySelectorAll('table.fichiers tbody tr').length >= 31, null, { timeout: 120000 });
  await a.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre', null, { timeout: 60000 });
  const id = await a.evaluate(() => localStorage.getItem('cus.espace.courant'));
  console.log(`# simuler-tabs: the fictional région opened and saved in ${Date.now() - t0} ms`);

  // Tab B opens the same workspace (the last one opened in this browser): told so at the top of
  // the section, in view, read-only.
  const t1 = Date.now();
  const b = await tab(context);
  await b.goto(`${env.base}#/simuler/objectifs`);
  await waitForApp(b);
  await b.waitForSelector('#lecture-seule');
  console.log(`# simuler-tabs: the second tab read-only ${Date.now() - t1} ms after it was opened`);
  assert.match(await b.textContent('#lecture-seule'), /ouvert dans un autre onglet.*lecture seule/);
  assert.ok(await inView(b, '#lecture-seule'), 'the banner is in view');
  assert.ok(await inView(b, '#modifier-ici'), '« Modifier ici » is in view');
  assert.match(await status(b), /lecture seule/);
  const cell = b.locator('input[aria-label^="Objectif "]').first();
  assert.ok(await cell.isDisabled(), 'the objectives cannot be typed in');
  await assert.rejects(cell.fill('5', { timeout: 500 }), 'typing is refused');
  assert.deepEqual(await axe(b), [], 'axe on the read-only tab');
  await screenshot(b, 'simuler-lecture-seule');
  await go(b, 'espace');
  assert.ok(await b.isDisabled('#nom-espace'), 'the workspace cannot be renamed');
  assert.ok(await b.isEnabled('#nouvel-espace'), 'another workspace can still be created');
  await go(b, 'objectifs');
  assert.equal(await a.locator('#lecture-seule').count(), 0, 'the first tab goes on');

  // A sets an objective; B takes over: A writes it, steps back, and B reads it.
  await go(a, 'objectifs');
  await a.selectOption('#indicateur-objectif', 'PP-1');
  await a.fill(CELL, '1234');
  assert.equal(await state(a), 'modifie', 'the save waits for a pause');
  const t2 = Date.now();
  await b.click('#modifier-ici');
  await b.waitForFunction(() => !document.getElementById('lecture-seule'));
  console.log(`# simuler-tabs: « Modifier ici » done in ${Date.now() - t2} ms (the other tab wrote its edit and stepped back)`);
  await b.selectOption('#indicateur-objectif', 'PP-1');
  assert.equal(await value(b), '1234', 'the edit of the other tab was written first');
  await a.waitForSelector('#lecture-seule');
  assert.ok(await a.locator(CELL).isDisabled(), 'the first tab is read-only now');
  assert.ok(await inView(a, '#lecture-seule'));
  assert.equal(await state(a), 'enregistre');

  // B types and is closed at once: the edit is not written yet, and is kept.
  // (Closed well within the pause of 400 ms after which the edit would be written.)
  await b.fill(CELL, '4321');
  const typed = Date.now();
  const closing = b.close();
  const closedAfter = Date.now() - typed;
  await closing;
  assert.ok(closedAfter < 100, `closed ${closedAfter} ms after the edit`);
  const rescued = await a.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cus.secours-espace.')));
  const meta = JSON.parse(await idb(a, 'get', `espace:${id}`));
  console.log(`# simuler-tabs: page closed ${closedAfter} ms after the edit; written as it went away: `
    + `${meta.workspace.objectives.some((o) => o.value === 4321) ? 'yes' : 'no'}; rescue copy: ${rescued.length ? 'yes' : 'no'}`);
  assert.ok(rescued.length <= 1);

  // A, reloaded, has it, and may edit again (nobody else has the workspace open).
  await a.reload();
  await waitForApp(a);
  await a.selectOption('#indicateur-objectif', 'PP-1');
  assert.equal(await value(a), '4321', 'the edit typed just before closing survives');
  assert.equal(await a.locator('#lecture-seule').count(), 0);
  assert.deepEqual(await a.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cus.secours-espace.'))), [],
    'the rescue copy is put back and removed');
  assert.ok(JSON.parse(await idb(a, 'get', `espace:${id}`)).workspace.objectives.some((o) => o.value === 4321), 'stored');
  assert.deepEqual(a.errors, []);
  assert.deepEqual(b.errors, []);
  await context.close();
  console.log(`# simuler-tabs: two tabs, take-over, close and reload in ${Date.now() - t0} ms`);
});

test('a save refused because another tab saved since: said in view, never « enregistrement… » for ever', async () => {
  const context = await env.browser.newContext({ locale: 'fr-FR', viewport: { width: 1024, height: 480 } });
  const page = await tab(context);
  await page.goto(`${env.base}#/simuler`);
  await waitForApp(page);
  await page.fill('#nouvel-espace', 'PLH en conflit');
  await page.click('text=Créer l\'espace');
  await page.waitForFunction(() => location.hash === '#/simuler/territoire');
  await page.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre');
  const id = await page.evaluate(() => localStorage.getItem('cus.espace.courant'));
  // Another tab without the presence channel (an earlier version of the app, say) saved it.
  const theirs = JSON.parse(await idb(page, 'get', `espace:${id}`));
  theirs.info.version += 1;
  theirs.info.name = theirs.workspace.name = 'Écrit ailleurs';
  await idb(page, 'put', { entries: [[`espace:${id}`, JSON.stringify(theirs)]] });

  await go(page, 'espace');
  await page.fill('#nom-espace', 'Renommé ici');
  await page.press('#nom-espace', 'Tab');
  // Scrolled down to the bottom of the section: the message is still in view.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const alert = page.locator('#echec-enregistrement[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /ne sont pas enregistrées.*autre onglet.*fichier.*version enregistrée/);
  assert.ok(await inView(page, '#echec-enregistrement'), 'the refusal is in view');
  assert.equal(await state(page), 'non-enregistre');
  assert.match(await status(page), /non enregistrées/);
  assert.doesNotMatch(await status(page), /enregistrement…/);
  assert.equal(JSON.parse(await idb(page, 'get', `espace:${id}`)).workspace.name, 'Écrit ailleurs', 'nothing written over it');
  assert.deepEqual(await axe(page), [], 'axe with the refusal shown');
  await screenshot(page, 'simuler-conflit');

  // « Reprendre la version enregistrée »: the other tab's version, saved, the message gone.
  await page.click('#reprendre-espace');
  await page.waitForFunction(() => !document.getElementById('echec-enregistrement'));
  assert.equal(await page.inputValue('#nom-espace'), 'Écrit ailleurs');
  assert.equal(await state(page), 'enregistre');
  await page.fill('#nom-espace', 'Renommé ensuite');
  await page.press('#nom-espace', 'Tab');
  await page.waitForFunction(() => document.querySelector('.simuler').dataset.espace === 'enregistre');
  assert.equal(JSON.parse(await idb(page, 'get', `espace:${id}`)).workspace.name, 'Renommé ensuite');
  assert.deepEqual(page.errors, []);
  await context.close();
});
