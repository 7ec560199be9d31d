// Size and speed report of the release build (dist/): each file raw and gzip -9, the total
// transfer, and the median load-to-first-render time over N loads in headless Chromium.
// Usage: node scripts/size-report.mjs [loads=5]   (writes target/size-report.md too)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST, ROOT, start } from '../tests/e2e/harness.mjs';

const loads = Number(process.argv[2] ?? 5);
const files = fs.readdirSync(DIST).filter((f) => fs.statSync(path.join(DIST, f)).isFile()).sort();
const rows = files.map((f) => {
  const data = fs.readFileSync(path.join(DIST, f));
  return { file: f, raw: data.length, gzip: zlib.gzipSync(data, { level: 9 }).length };
});
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

const env = await start();
const times = [];
try {
  for (let i = 0; i < loads; i++) {
    const ctx = await env.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(env.base);
    await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0);
    times.push(await page.evaluate(() => performance.getEntriesByName('app-first-render')[0].startTime));
    await ctx.close();
  }
} finally {
  await env.close();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];

const lines = [
  '| fichier de dist/ | brut | gzip -9 |', '|---|---:|---:|',
  ...rows.map((r) => `| ${r.file.replace(/-[0-9a-f]{16}(?=[._])/, '-…')} | ${kb(r.raw)} | ${kb(r.gzip)} |`),
  `| **total transféré** | **${kb(total.raw)}** | **${kb(total.gzip)}** |`,
  '',
  `Chargement jusqu'au premier rendu (Chromium headless, 127.0.0.1, cache vide) : médiane ${median.toFixed(0)} ms sur ${loads} chargements (${times.map((t) => t.toFixed(0)).join(', ')} ms).`,
];
const report = lines.join('\n');
console.log(report);
fs.mkdirSync(path.join(ROOT, 'target'), { recursive: true });
fs.writeFileSync(path.join(ROOT, 'target', 'size-report.md'), report + '\n');
const budget = 300 * 1024;
const appGzip = rows.filter((r) => /\.(wasm|js)$/.test(r.file)).reduce((a, r) => a + r.gzip, 0);
console.log(`wasm + js gzip: ${kb(appGzip)} (budget ${kb(budget)} for the finished app)`);
