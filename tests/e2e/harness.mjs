// Shared end-to-end harness: serves dist/ on 127.0.0.1 (random port) and drives Debian's
// chromium with playwright-core (never downloads a browser).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const DIST = path.resolve(ROOT, process.env.DIST ?? 'dist');
export const SHOTS = path.resolve(here, 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** Static server for `root` on 127.0.0.1 (port 0 = any free port). */
export function serve(root = DIST, port = 0) {
  const server = http.createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(path.resolve(root))) { res.writeHead(403); return res.end(); }
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end('not found'); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Start server + browser; returns { base, browser, close }. */
export async function start() {
  const server = await serve();
  const browser = await launch();
  const base = `http://127.0.0.1:${server.address().port}/`;
  return {
    base, browser,
    async close() { await browser.close(); await new Promise((r) => server.close(r)); },
  };
}

/** A new page that records page errors and console errors; wait for the app's first render. */
export async function openApp(browser, url) {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  await page.goto(url);
  await waitForApp(page);
  return page;
}

/** Wait for the shell's first render and, on a page of « Remplir ma CUS », for its module's and
 * for the draft read from IndexedDB; on a page of « Simuler », for its module and workspace. */
export async function waitForApp(page) {
  await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0
    && (!location.hash.startsWith('#/remplir') || document.getElementById('echec-module') !== null
      || (performance.getEntriesByName('remplir-first-render').length > 0
        && (location.hash.startsWith('#/remplir/exemple') || document.body.dataset.brouillon === 'ouvert')))
    && (!location.hash.startsWith('#/simuler') || document.getElementById('echec-module') !== null
      || (performance.getEntriesByName('simuler-first-render').length > 0
        && document.querySelector('.simuler[data-espace]')?.dataset.espace !== 'ouverture'))
    && (!location.hash.startsWith('#/former') || document.getElementById('echec-module') !== null
      || performance.getEntriesByName('former-first-render').length > 0));
}

export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Version of the workspace, read from Cargo.toml. */
export function workspaceVersion() {
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  return toml.match(/\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/)[1];
}

/** The app's IndexedDB store of drafts (`cus-indicateurs` / `brouillons`, text records
 * `info:<id>`, `draft:<id>`, `aside:…`): `op` is `get` (a key), `scan` (a prefix) or `put`
 * (`{ entries: [[key, text]…], clear }`). */
export async function idb(page, op, arg) {
  return page.evaluate(async ([op, arg]) => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('cus-indicateurs', 1);
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains('brouillons')) r.result.createObjectStore('brouillons');
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const done = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
    try {
      if (op === 'get') return (await done(db.transaction('brouillons').objectStore('brouillons').get(arg))) ?? null;
      if (op === 'scan') {
        const s = db.transaction('brouillons').objectStore('brouillons');
        const range = IDBKeyRange.bound(arg, `${arg}\uffff`);
        const [keys, values] = [await done(s.getAllKeys(range)), await done(s.getAll(range))];
        return keys.map((k, i) => [k, values[i]]);
      }
      const t = db.transaction('brouillons', 'readwrite');
      const s = t.objectStore('brouillons');
      if (arg.clear) s.clear();
      for (const [k, v] of arg.entries) s.put(v, k);
      await new Promise((resolve, reject) => { t.oncomplete = resolve; t.onerror = () => reject(t.error); });
      return null;
    } finally {
      db.close();
    }
  }, [op, arg]);
}

/** Store `draft` (an object, or a raw string) as the one draft of the browser, open. */
export async function setDraft(page, draft, id = 'essai') {
  const text = typeof draft === 'string' ? draft : JSON.stringify(draft);
  const info = JSON.stringify({ id, name: draft.name ?? 'Essai', updated: '2026-11-25T10:00:00.000Z', version: 1, bytes: text.length });
  await idb(page, 'put', { clear: true, entries: [[`info:${id}`, info], [`draft:${id}`, text]] });
  await page.evaluate((i) => {
    localStorage.setItem('cus.brouillon.courant', i);
    // The draft this tab had open would be reopened first: this one is the tab's now.
    sessionStorage.removeItem('cus.brouillon.courant');
  }, id);
}

/** Store `draft` the way versions before IndexedDB did (local storage), to test the migration. */
export async function setLegacyDraft(page, draft, id = 'essai') {
  await page.evaluate(([d, i]) => {
    localStorage.setItem('cus.brouillons', JSON.stringify([{ id: i, name: d.name ?? 'Essai', updated: '2026-11-25T10:00:00.000Z' }]));
    localStorage.setItem(`cus.brouillon.${i}`, typeof d === 'string' ? d : JSON.stringify(d));
    localStorage.setItem('cus.brouillon.courant', i);
    sessionStorage.removeItem('cus.brouillon.courant');
  }, [draft, id]);
}

/** The id of the draft open in this tab. */
export async function currentId(page) {
  return page.evaluate(() => sessionStorage.getItem('cus.brouillon.courant') ?? localStorage.getItem('cus.brouillon.courant'));
}

/** The lines of the list of drafts, as stored. */
export async function storedList(page) {
  return (await idb(page, 'scan', 'info:')).map(([, v]) => JSON.parse(v));
}

/** A draft as stored (by default the one open, once the app's deferred save is written). */
export async function storedDraft(page, id) {
  await page.waitForFunction(() => document.body.dataset.sauvegarde !== 'en-cours');
  const text = await idb(page, 'get', `draft:${id ?? await currentId(page)}`);
  return text === null ? null : JSON.parse(text);
}

/** Reload and wait for the app's first render. */
export async function reloadApp(page) {
  await page.reload();
  await waitForApp(page);
}

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page, one line each (`id: targets`); empty when none. */
export async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
