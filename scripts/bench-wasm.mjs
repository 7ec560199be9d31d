// Validation timings in the browser (wasm): serves a build made with the `bench` feature
// (target/dist-bench, see ./x bench) and calls `cus_bench_validation` and `cus_bench_formats`
// in headless Chromium.
import path from 'node:path';
import { ROOT, serve, launch } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 11);
const server = await serve(path.join(ROOT, 'target', 'dist-bench'));
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.cus_bench_validation);
  const r = JSON.parse(await page.evaluate((n) => window.wasmBindings.cus_bench_validation(n), runs));
  console.log(`| navigateur (wasm, Chromium headless) | ${r.cells} cases, ${r.values} valeurs | validation complète ${r.full_validation_ms} ms | index ${r.index_ms} ms | une case ${(r.one_cell_ms * 1000).toFixed(0)} µs | construction ${r.build_ms} ms |`);
  // Through the formats worker, as the page does it; the long tasks (> 50 ms) of the main thread
  // meanwhile say how much of it still blocks the page (encoding the request, decoding the reply).
  const { result, longTasks } = await page.evaluate(async (n) => {
    const longTasks = [];
    const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); });
    obs.observe({ entryTypes: ['longtask'] });
    const result = await window.wasmBindings.cus_bench_formats(n);
    await new Promise((r) => setTimeout(r, 100));
    obs.disconnect();
    return { result, longTasks };
  }, Math.max(3, Math.floor(runs / 2)));
  const f = JSON.parse(result);
  console.log('| format (wasm, par le worker, aller-retour depuis la page) | taille | export | import | aller-retour identique |');
  for (const x of f) console.log(`| ${x.format.toUpperCase()} | ${(x.bytes / 1024).toFixed(0)} Kio | ${x.export_ms} ms | ${x.import_ms} ms | ${x.identical ? 'oui' : 'NON'} |`);
  const sortedTasks = [...longTasks].sort((a, b) => b - a);
  console.log(`Tâches longues du fil principal pendant ces ${f.length * 2} séries : ${longTasks.length} (les plus longues : ${sortedTasks.slice(0, 5).map((t) => t.toFixed(0)).join(', ')} ms).`);
} finally {
  await browser.close();
  server.close();
}
