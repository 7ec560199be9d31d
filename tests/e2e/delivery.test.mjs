// Delivery: the file formats come in a Web Worker loaded on first use; the app works offline
// after the first visit (service worker), offers a new version without forcing it, installs
// (manifest), and never talks to another origin (Content-Security-Policy, every page walked).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST, serve, launch, screenshot, waitForApp, storedDraft, storedList } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A copy of dist/ served on its own port (tests that change files or stop the server). */
async function ownServer() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-dist-'));
  fs.cpSync(DIST, root, { recursive: true });
  const server = await serve(root);
  return { root, server, base: `http://127.0.0.1:${server.address().port}/` };
}

/** A page that records every request, page error, console error and CSP violation. */
async function recordedPage(context) {
  const page = await context.newPage();
  page.requests = [];
  page.errors = [];
  page.consoleErrors = [];
  page.on('request', (r) => page.requests.push(r.url()));
  context.on('request', (r) => page.requests.push(r.url()));
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return page;
}

const firstRender = waitForApp;

/** A context on its own copy of dist/ with a recording page; `close()` ends both. */
async function fresh(options = {}) {
  const { root, server, base } = await ownServer();
  const context = await browser.newContext({ locale: 'fr-FR', ...options });
  const page = await recordedPage(context);
  return { root, server, base, context, page, async close() { await context.close(); server.close(); } };
}

/** The draft open, as stored. */
const storedCurrent = async (page) => JSON.stringify(await storedDraft(page));

/** Open the small sample from the home page, as a new user would. */
async function openSample(page) {
  await page.click('button:has-text("Ouvrir l\'exemple : Petit organisme")');
  await page.waitForSelector('.menu-etapes');
}

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return file;
}

test('the formats worker is not part of the first load; opening Export starts it', async () => {
  const env = await fresh({ serviceWorkers: 'block' });
  const { base, context, page } = env;
  await page.goto(base);
  await firstRender(page);
  await page.waitForLoadState('networkidle');
  const first = page.requests.filter((u) => new URL(u).pathname !== '/sw.js');
  assert.ok(!first.some((u) => u.includes('cus-formats-worker')), first.join('\n'));
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const meta = html.match(/<meta name="cus-formats-worker" content="\.\/(cus-formats-worker-[0-9a-f]+_loader\.js)"/);
  assert.ok(meta, 'the worker address, with its content hash, is in the page');
  await openSample(page);
  const wasmArrives = page.context().waitForEvent('response', { predicate: (r) => /cus-formats-worker-[0-9a-f]+_bg\.wasm$/.test(r.url()), timeout: 15000 });
  await page.goto(`${base}#/remplir/export`);
  await page.waitForSelector('#exporter-ods');
  await wasmArrives;
  assert.ok(page.requests.some((u) => u.endsWith(meta[1])), 'the loader is requested when Export opens');
  assert.ok(page.requests.some((u) => /cus-formats-worker-[0-9a-f]+_bg\.wasm$/.test(u)), 'then its wasm');
  assert.deepEqual(page.errors, []);
  await env.close();
});

test('offline after the first visit: reload, open a sample, fill a cell, export an ODS, import it back', async () => {
  const env = await fresh();
  const { server, base, context, page } = env;
  await page.goto(base);
  await firstRender(page);
  // The service worker is installed, has precached every file, and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForSelector('#hors-connexion');
  assert.match(await page.textContent('#hors-connexion'), /Disponible hors connexion/);

  // No network from now on: the browser is offline and the server is gone.
  await context.setOffline(true);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  page.requests.length = 0;

  await page.reload();
  await firstRender(page);
  await openSample(page);
  await page.goto(`${base}#/remplir/engagement-1`);
  await page.waitForSelector('#case-0-0-0');
  await page.fill('#case-0-0-0', '7');
  await page.press('#case-0-0-0', 'Tab');
  await page.goto(`${base}#/remplir/export`);
  await page.waitForSelector('#exporter-ods');
  const file = await download(page, '#exporter-ods');
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK');
  await page.setInputFiles('#fichier-import', file);
  await page.waitForSelector('#import-reussi');
  const imported = JSON.parse(await storedCurrent(page));
  assert.ok(Object.values(imported.values).includes(7), 'the value typed offline is in the imported draft');
  assert.ok(page.requests.some((u) => u.includes('cus-formats-worker')), 'the worker came from the cache');
  assert.deepEqual(page.errors, []);
  await screenshot(page, 'hors-ligne-import');
  await context.close();
});

test('a new version is offered, not forced: typing goes on, « Recharger » switches', async () => {
  const env = await fresh();
  const { root, base, context, page } = env;
  await page.goto(base);
  await firstRender(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const before = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);

  await openSample(page);
  await page.goto(`${base}#/remplir/organisme`);
  await page.waitForSelector('#raison-sociale');
  await page.fill('#raison-sociale', 'Office en cours de saisie');

  // A new build is published: another sw.js (another version of the files).
  fs.appendFileSync(path.join(root, 'sw.js'), '\n// version suivante\n');
  await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
  await page.waitForSelector('#nouvelle-version');
  assert.match(await page.textContent('#nouvelle-version'), /Nouvelle version disponible — recharger/);
  // Nothing was reloaded: what is being typed is still there, and typing goes on.
  assert.equal(await page.inputValue('#raison-sociale'), 'Office en cours de saisie');
  await page.type('#raison-sociale', ' (suite)');
  assert.equal(await page.inputValue('#raison-sociale'), 'Office en cours de saisie (suite)');
  await screenshot(page, 'nouvelle-version');

  await Promise.all([page.waitForEvent('load'), page.click('#recharger-version')]);
  await firstRender(page);
  assert.equal(await page.locator('#nouvelle-version').count(), 0);
  const waiting = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.waiting));
  assert.equal(waiting, null, 'the new version is the active one');
  assert.equal(await page.evaluate(() => navigator.serviceWorker.controller.scriptURL), before);
  await page.goto(`${base}#/remplir/organisme`);
  await page.waitForSelector('#raison-sociale');
  assert.equal(await page.inputValue('#raison-sociale'), 'Office en cours de saisie (suite)', 'the draft was kept');
  assert.deepEqual(page.errors, []);
  await env.close();
});

test('if the formats worker cannot start, a French message says so and the draft is untouched', async () => {
  const env = await fresh({ serviceWorkers: 'block' });
  const { base, context, page } = env;
  await context.route(/cus-formats-worker-[0-9a-f]+_loader\.js$/, (route) => route.abort());
  await page.goto(base);
  await firstRender(page);
  await openSample(page);
  const draft = await storedCurrent(page);
  await page.goto(`${base}#/remplir/export`);
  await page.click('#exporter-ods');
  await page.waitForSelector('#echec-fichier');
  assert.match(await page.textContent('#echec-fichier'), /Le module des formats de fichiers n'a pas pu démarrer.*Votre brouillon n'a pas changé/);
  assert.equal(await storedCurrent(page), draft);
  // The buttons work again (the next click tries again).
  assert.equal(await page.isDisabled('#exporter-ods'), false);
  await screenshot(page, 'module-formats-indisponible');
  await env.close();
});

test('a slow file operation shows its progress and can be cancelled; nothing changes', async () => {
  const env = await fresh({ serviceWorkers: 'block' });
  const { base, context, page } = env;
  // The module takes its time to arrive (slow connection).
  let release;
  const held = new Promise((r) => { release = r; });
  await context.route(/cus-formats-worker-[0-9a-f]+_bg\.wasm$/, async (route) => { await held; await route.continue(); });
  await page.goto(base);
  await firstRender(page);
  await openSample(page);
  const before = JSON.stringify(await storedList(page));
  await page.goto(`${base}#/remplir/export`);
  await page.click('#exporter-json');
  await page.waitForSelector('#travail-en-cours progress');
  assert.match(await page.textContent('#travail-en-cours'), /Export en JSON/);
  assert.ok(await page.isDisabled('#exporter-ods'), 'one file operation at a time');
  // The page stays usable meanwhile: the menu answers.
  assert.ok(await page.isVisible('.menu-etapes'));
  await page.click('#annuler-travail');
  await page.waitForSelector('#travail-annule');
  assert.match(await page.textContent('#travail-annule'), /Opération annulée/);
  assert.equal(JSON.stringify(await storedList(page)), before);
  release();
  // Afterwards the worker is started again and the export goes through.
  const file = await download(page, '#exporter-json');
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).nature, 'brouillon');
  assert.deepEqual(page.errors, []);
  await env.close();
});

test('installable: a web app manifest with its icons', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, 'manifest.webmanifest'), 'utf8'));
  assert.equal(manifest.lang, 'fr');
  assert.equal(manifest.display, 'standalone');
  assert.match(manifest.name, /CUS indicateurs/);
  for (const icon of manifest.icons) {
    const data = fs.readFileSync(path.join(DIST, icon.src));
    if (icon.type === 'image/png') {
      assert.equal(data.subarray(1, 4).toString(), 'PNG', icon.src);
      const [w, h] = [data.readUInt32BE(16), data.readUInt32BE(20)];
      assert.equal(`${w}x${h}`, icon.sizes, icon.src);
    }
  }
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512') && manifest.icons.some((i) => i.sizes === '192x192'));
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  assert.match(html, /<link rel="manifest" href="manifest.webmanifest"/);
});

// Every route of the app, with a sample open (the fill steps and every engagement page).
const ROUTES = ['#/', '#/comprendre', '#/simuler', '#/simuler/territoire', '#/simuler/organismes', '#/simuler/consolidation', '#/remplir/organisme', '#/remplir/convention', '#/remplir/territoires',
  '#/remplir/segmentation', '#/remplir/parc', '#/remplir/engagement-1', '#/remplir/engagement-2', '#/remplir/engagement-3',
  '#/remplir/engagement-4', '#/remplir/engagement-5', '#/remplir/engagement-6', '#/remplir/verification',
  '#/remplir/recapitulatif', '#/remplir/export', '#/former', '#/former?code=PP-1', '#/former/part-plai',
  '#/former/part-plai/3', '#/former/mailles/6', '#/former/cus-logements-locatifs/1', '#/former/part-plai/fiche', '#/page-inconnue'];

test('no request to another origin and no Content-Security-Policy violation, on every page', async () => {
  const env = await fresh();
  const { base, context, page } = env;
  await page.goto(base);
  await firstRender(page);
  const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]').content);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:|\*/);
  await openSample(page);
  const seen = [];
  for (const r of ROUTES) {
    await page.goto(`${base}${r}`);
    await page.waitForSelector('#titre-page, h1');
    seen.push(r);
  }
  // Export and import through the worker too.
  await page.goto(`${base}#/remplir/export`);
  const file = await download(page, '#exporter-xlsx');
  await page.setInputFiles('#fichier-import', file);
  await page.waitForSelector('#import-reussi');
  const origin = new URL(base).origin;
  const foreign = page.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(foreign, [], `requests to other origins:\n${foreign.join('\n')}`);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  assert.deepEqual(page.consoleErrors.filter((m) => /Content Security Policy|Refused to/.test(m)), []);
  assert.deepEqual(page.errors, []);
  assert.equal(seen.length, ROUTES.length);
  await env.close();
});
