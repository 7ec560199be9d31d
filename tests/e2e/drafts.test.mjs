// Drafts in IndexedDB: ten drafts of the largest convention saved and restored after a reload;
// drafts of earlier versions (local storage) moved on first use; work typed just before a reload
// kept (a full storage: see fill.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { start, openApp, ROOT, setDraft, setLegacyDraft, storedDraft, storedList, reloadApp, idb, currentId } from './harness.mjs';

let env;
let LARGEST;
before(async () => {
  env = await start();
  // 101 départements + 400 EPCI, every indicator: the largest convention (cus_core::bench).
  LARGEST = execFileSync('cargo', ['run', '-q', '-p', 'cus-core', '--example', 'largest_json'],
    { cwd: ROOT, maxBuffer: 64 << 20 }).toString();
});
after(async () => { await env?.close(); });

const openList = (page) => page.click('summary:has-text("mes brouillons")');
const listCount = (page) => page.locator('.liste-brouillons li').count();

test('ten drafts of the largest convention are saved in IndexedDB and restored after a reload', async () => {
  const page = await openApp(env.browser, env.base);
  const values = Object.keys(JSON.parse(LARGEST).values).length;
  await setDraft(page, LARGEST, 'grand');
  await page.goto(`${env.base}#/remplir/organisme`);
  await reloadApp(page);
  await openList(page);
  const times = [];
  for (let n = 2; n <= 10; n++) {
    const t0 = Date.now();
    await page.click('.brouillon-courant button:text("Dupliquer")');
    await page.waitForFunction((n) => document.querySelectorAll('.liste-brouillons li').length === n, n);
    times.push(Date.now() - t0);
  }
  const list = await storedList(page);
  assert.equal(list.length, 10);
  const bytes = list.reduce((s, d) => s + d.bytes, 0);
  console.log(`# drafts: 10 drafts of the largest convention (${values} values, ${(LARGEST.length / 1e6).toFixed(2)} MB each, `
    + `${(bytes / 1e6).toFixed(1)} MB in all) in IndexedDB; a copy written in ${times.sort((a, b) => a - b)[4]} ms (median of 9, from the click)`);
  assert.ok(list.every((d) => d.bytes > 1_000_000), 'each copy holds the whole convention');
  assert.equal(new Set(list.map((d) => d.id)).size, 10);

  // Type in the last copy, then reload: the value and the ten drafts are there.
  const last = await currentId(page);
  await page.goto(`${env.base}#/remplir/organisme`);
  await page.fill('#raison-sociale', 'Grand organisme modifié');
  const t0 = Date.now();
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  console.log(`# drafts: a change to the largest convention written ${Date.now() - t0} ms after the keystroke (debounced: written once typing pauses)`);
  await reloadApp(page);
  assert.equal(await currentId(page), last, 'the tab reopens its draft');
  assert.equal(await page.inputValue('#raison-sociale'), 'Grand organisme modifié');
  await openList(page);
  assert.equal(await listCount(page), 10);
  // Open the first one: untouched, whole.
  await page.click('.liste-brouillons li:last-child button:text("Ouvrir")');
  await page.waitForFunction((l) => sessionStorage.getItem('cus.brouillon.courant') !== l, last);
  assert.equal(await page.inputValue('#raison-sociale'), JSON.parse(LARGEST).organisme.raison_sociale);
  for (const d of list) {
    const stored = await storedDraft(page, d.id);
    assert.equal(Object.keys(stored.values).length, values, `draft ${d.name} restored whole`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('drafts kept in local storage by an earlier version are moved to IndexedDB on first use', async () => {
  const page = await openApp(env.browser, env.base);
  await setLegacyDraft(page, { name: 'Ancien brouillon', organisme: { raison_sociale: 'Office ancien' }, departements: ['59'] }, 'b1');
  await page.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('cus.brouillons'));
    index.push({ id: 'b2', name: 'Second', updated: '2026-11-26T10:00:00.000Z' });
    localStorage.setItem('cus.brouillons', JSON.stringify(index));
    localStorage.setItem('cus.brouillon.b2', JSON.stringify({ name: 'Second', departements: ['62'] }));
    localStorage.setItem('cus.brouillon.b3.illisible', '{ cassé');
  });
  await page.goto(`${env.base}#/remplir/organisme`);
  await reloadApp(page);
  await page.waitForSelector('.remplir > .message-erreur');
  assert.match(await page.textContent('.remplir > .message-erreur'), /déplacés vers un stockage du navigateur plus grand \(IndexedDB\) : 3 brouillons déplacés/);
  assert.equal(await page.inputValue('#raison-sociale'), 'Office ancien', 'the draft this browser had open is open');
  assert.deepEqual((await storedList(page)).map((d) => [d.id, d.name]), [['b1', 'Ancien brouillon'], ['b2', 'Second']]);
  assert.deepEqual(await idb(page, 'scan', 'aside:'), [['aside:migration:b3_illisible', '{ cassé']]);
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cus.brouillon')).sort());
  assert.deepEqual(left, ['cus.brouillon.courant'], 'local storage freed');
  // Reloaded: nothing moves twice, no message.
  await reloadApp(page);
  assert.equal(await page.locator('.remplir > .message-erreur').count(), 0);
  assert.equal((await storedList(page)).length, 2);
  await page.context().close();
});

test('a value typed just before a reload is kept (copied synchronously as the page goes away)', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, { name: 'Essai', organisme: { raison_sociale: 'Avant' } });
  await page.goto(`${env.base}#/remplir/organisme`);
  await reloadApp(page);
  await page.fill('#raison-sociale', 'Tapé juste avant de recharger');
  assert.equal(await page.evaluate(() => document.body.dataset.sauvegarde), 'en-cours', 'the save waits for a pause');
  await reloadApp(page);
  assert.equal(await page.inputValue('#raison-sociale'), 'Tapé juste avant de recharger');
  assert.equal((await storedDraft(page)).organisme.raison_sociale, 'Tapé juste avant de recharger');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cus.secours'))), []);
  await page.context().close();
});

test('drafts are told apart: named after the organism, two copies never share a name, signed or not, last change', async () => {
  const page = await openApp(env.browser, `${env.base}#/evaluer/exemple/grand-organisme`);
  await page.waitForFunction(() => location.hash === '#/evaluer' && document.body.dataset.brouillon === 'ouvert');
  // A blank draft first: « Brouillon n » until the organism is entered, then its raison sociale.
  await openList(page);
  await page.click('button:text("Nouveau brouillon")');
  await page.goto(`${env.base}#/remplir/organisme`);
  await page.waitForSelector('#raison-sociale');
  await page.fill('#raison-sociale', 'Office du Test');
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  await page.waitForFunction(() => document.querySelector('.brouillon-courant .brouillon-nom')?.textContent === 'Office du Test');
  assert.match(await page.textContent('.brouillon-courant'), /Office du Test — non signée — modifié le \d\d\/\d\d\/\d{4} \d\d:\d\d/);
  // Two copies of the same draft: two names.
  const showList = () => page.evaluate(() => { document.querySelector('details.brouillons').open = true; });
  for (const n of [3, 4]) {
    await showList();
    await page.click('button[aria-label="Dupliquer Office du Test"]');
    await page.waitForFunction((k) => document.querySelectorAll('.liste-brouillons li').length === k, n);
  }
  const names = (await storedList(page)).map((d) => d.name).sort();
  assert.equal(new Set(names).size, names.length, names.join(' / '));
  assert.ok(names.includes('Office du Test (copie)') && names.includes('Office du Test (copie 2)'), names.join(' / '));
  // The sample, signed: its line says so, with the date; an avenant started: « en préparation ».
  const sample = (await storedList(page)).find((d) => /grande ESH|Exemple/i.test(d.name));
  assert.ok(sample, names.join(' / '));
  await showList();
  await page.click(`button[aria-label="Ouvrir ${sample.name}"]`);
  await page.waitForFunction((id) => sessionStorage.getItem('cus.brouillon.courant') === id, sample.id);
  await page.goto(`${env.base}#/evaluer/signature`);
  await page.waitForSelector('#date-signature');
  await page.fill('#date-signature', '30/06/2022');
  await page.click('#signer');
  await page.waitForSelector('#saisir-avenant');
  await page.waitForFunction(() => /Convention initiale signée le 30\/06\/2022/.test(document.querySelector('.brouillon-courant')?.textContent ?? ''));
  await page.click('#saisir-avenant');
  await page.waitForFunction(() => /avenant n° 1 en préparation/.test(document.querySelector('.brouillon-courant')?.textContent ?? ''));
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  const stored = (await storedList(page)).find((d) => d.id === sample.id);
  assert.equal(stored.versions, 1);
  // The other drafts' lines say they are not signed.
  const others = await page.locator('.liste-brouillons li:not(.brouillon-courant) .brouillon-etat').allTextContents();
  assert.ok(others.length >= 3 && others.every((t) => t === ' — non signée'), others.join(' / '));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
