// Accessibility kept by tests: axe-core (npm) on every page of the app and every step of the fill
// path with a sample open; any violation fails. axe is injected with `evaluate` (DevTools
// protocol), which the page's Content-Security-Policy does not apply to.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { start, openApp } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** The violations axe finds on the page as it is, one line each. */
async function violations(page) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found;
}

const SHELL = ['#/', '#/comprendre', '#/simuler', '#/page-inconnue'];
const FILL = ['organisme', 'convention', 'territoires', 'segmentation', 'parc', 'engagement-1', 'engagement-2',
  'engagement-3', 'engagement-4', 'engagement-5', 'engagement-6', 'verification', 'recapitulatif', 'export'];

test('axe-core finds no violation on the pages of the shell', async () => {
  const page = await openApp(env.browser, env.base);
  const report = [];
  for (const r of SHELL) {
    await page.goto(`${env.base}${r}`);
    await page.waitForSelector('h1');
    for (const v of await violations(page)) report.push(`${r}: ${v}`);
  }
  assert.deepEqual(report, []);
  // The check can fail: an image without text alternative is found.
  await page.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'icon.svg';
    document.getElementById('pages').append(img);
  });
  assert.ok((await violations(page)).some((v) => v.startsWith('image-alt')));
  await page.context().close();
});

for (const sample of ['petit-organisme', 'grand-organisme']) {
  test(`axe-core finds no violation on any step of « Remplir ma CUS » (sample ${sample})`, async () => {
    const page = await openApp(env.browser, `${env.base}#/remplir/exemple/${sample}`);
    await page.waitForSelector('.menu-etapes');
    const report = [];
    for (const step of FILL) {
      await page.goto(`${env.base}#/remplir/${step}`);
      await page.waitForFunction((s) => location.hash === `#/remplir/${s}` && document.querySelector('#titre-etape'), step);
      if (step.startsWith('engagement')) await page.waitForSelector('.engagement-saisie');
      for (const v of await violations(page)) report.push(`${step}: ${v}`);
    }
    // With wrong values in a grid, its messages and list too.
    await page.goto(`${env.base}#/remplir/engagement-1`);
    await page.waitForSelector('#case-0-0-0');
    await page.fill('#case-0-0-0', '-3');
    await page.waitForSelector('.erreurs-grille');
    for (const v of await violations(page)) report.push(`engagement-1 (erreurs): ${v}`);
    assert.deepEqual(report, []);
    await page.context().close();
  });
}
