// « Simuler sur mon territoire » in the browser (issue 14's benchmark, figures printed, never
// asserted): 300 organisms' files (the JSON files of the fictional région, each copied under
// other SIRENs) read by the formats worker, then consolidated on the région; the main thread's
// longest task during the import (the page stays responsive); re-consolidation after a scenario
// edit. Run on a release build: `node scripts/bench-simuler.mjs` (DIST=dist by default).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, openApp, ROOT } from '../tests/e2e/harness.mjs';

const N = Number(process.env.FILES ?? 300);
const dir = path.join(ROOT, 'data/samples/territoire');
const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'manifest.json');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cus-bench-simuler-'));
const files = [];
for (let i = 0; files.length < N; i++) {
  const name = sources[i % sources.length];
  const doc = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  const conv = doc.convention ?? doc;
  // Another organism: another SIREN (8 digits + a Luhn key), another name.
  const base = String(10000000 + i * 7919).slice(0, 8);
  let key = 0;
  for (; key < 10; key++) {
    const s = base + key;
    let sum = 0;
    [...s].reverse().forEach((c, j) => { let d = Number(c); if (j % 2 === 1) { d *= 2; if (d > 9) d -= 9; } sum += d; });
    if (sum % 10 === 0) break;
  }
  conv.organisme.siren = base + key;
  conv.organisme.raison_sociale = `${conv.organisme.raison_sociale} n° ${i + 1}`;
  const file = path.join(tmp, `${String(i + 1).padStart(3, '0')}-${name}`);
  fs.writeFileSync(file, JSON.stringify(doc));
  files.push(file);
}
const bytes = files.reduce((s, f) => s + fs.statSync(f).size, 0);

const env = await start();
try {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
      .observe({ type: 'longtask', buffered: false });
  });
  await page.fill('#nouvel-espace', 'Banc d\'essai');
  await page.click('text=Créer l\'espace');
  await page.waitForFunction(() => location.hash === '#/simuler/territoire');
  await page.selectOption('#region', '32');
  await page.click('.menu-etapes a[href="#/simuler/organismes"]');
  const t0 = Date.now();
  await page.setInputFiles('#fichiers-organismes', files);
  await page.waitForSelector(`text=${N} fichiers ajoutés.`, { timeout: 600000 });
  const importMs = Date.now() - t0;
  const longest = await page.evaluate(() => window.__longest);
  const consolidation = Number(await page.$eval('.simuler', (e) => e.dataset.consolidationMs));
  // A scenario edit: only the arithmetic is redone.
  await page.click('.menu-etapes a[href="#/simuler/scenarios"]');
  await page.fill('#nom-scenario', 'Réalisation');
  await page.click('text=Créer le scénario');
  await page.waitForSelector('#pourcentage-scenario');
  const times = [];
  for (const p of ['80', '90', '70', '85', '95']) {
    await page.fill('#pourcentage-scenario', p);
    await page.click('text=Ajouter la modification');
    await page.waitForFunction((n) => document.querySelectorAll('#titre-modifications + ol li, #titre-modifications ~ ol li').length >= n, times.length + 1);
    times.push(Number(await page.$eval('.simuler', (e) => e.dataset.consolidationMs)));
  }
  times.sort((a, b) => a - b);
  console.log(`| ${N} fichiers JSON (${(bytes / 1048576).toFixed(1).replace('.', ',')} Mo) lus par le module des formats | ${(importMs / 1000).toFixed(1).replace('.', ',')} s |`);
  console.log(`| plus longue tâche du fil principal pendant l'import | ${Math.round(longest)} ms |`);
  console.log(`| consolidation sur la région (lecture des fichiers sur le territoire, totaux, compilation) | ${consolidation.toFixed(0)} ms |`);
  console.log(`| reconsolidation après une modification de scénario (médiane de 5) | ${times[2].toFixed(0)} ms |`);
  await page.context().close();
} finally {
  await env.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
