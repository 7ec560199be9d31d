// Large grids: a convention as large as the benchmark's (101 départements + 400 EPCI, PP-1
// detailed by EPCI: 501 rows × 36 columns). Only the visible rows are rendered; keyboard moves and
// the links of the Vérification page reach rows far down. Figures (render time, keystroke to
// frame) are printed as `# …` lines; only functional facts are asserted, never timings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { start, openApp, ROOT, setDraft as setStoredDraft, storedDraft } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const readJson = (p) => JSON.parse(fs.readFileSync(path.join(ROOT, p), 'utf8'));
const CUS2_VERSION = fs.readFileSync(path.join(ROOT, 'data/catalogue/cus2-logements-locatifs.toml'), 'utf8')
  .match(/^version = "([^"]+)"/m)[1];
const DEPS = readJson('data/geo/2026/departements.json').map((d) => d.code);
// 400 EPCI spread over the list, as the benchmark's largest convention picks them.
const ALL_EPCI = readJson('data/geo/2026/epci.json').map((e) => e.siren);
const EPCI = Array.from({ length: 400 }, (_, i) => ALL_EPCI[Math.floor((i * ALL_EPCI.length) / 400)]);
// PP-1: (Total, PLAI, PLUS, PLS) × (value, dont hors QPV, dont hors RU) × (référence, 3 ans, 6 ans).
const SPLITS = ['total', 'PLAI', 'PLUS', 'PLS'].flatMap((m) => [m, `${m}/hors-qpv`, `${m}/hors-ru`]);
const PERIODS = ['ref', 'c3', 'c6'];
const ROWS = [...DEPS.map((d) => `departement:${d}`), ...EPCI.map((e) => `epci:${e}`)];
/** Canonical key of PP-1 at (row, col): columns are periods × splits, periods outermost. */
function key(r, c) {
  const p = PERIODS[Math.floor(c / SPLITS.length)];
  const s = SPLITS[c % SPLITS.length];
  return `PP-1|${ROWS[r]}|${s}|${p}`;
}
// A département far down the grid (its value counts in the totals; EPCI rows are detail).
const FAR_ROW = 95;
const BAD_ROW = 101 + 350;          // holds a wrong value ("abc")

/** Every PP-1 cell filled with values that keep the rules: financings adding up to the total,
 * parts within their whole, 6-year cumulative above the 3-year one, EPCI well below their
 * département. */
function pp1Values() {
  const values = {};
  for (let r = 0; r < ROWS.length; r++) {
    for (const p of PERIODS) {
      const sums = { '': 0, '/hors-qpv': 0, '/hors-ru': 0 };
      ['PLAI', 'PLUS', 'PLS'].forEach((m, mi) => {
        const base = r < DEPS.length ? 1000 + ((r * 37 + mi * 11) % 500) : 1 + ((r * 7 + mi * 3) % 9);
        const v = p === 'c6' ? 2 * base : base;
        const cells = { '': v, '/hors-qpv': Math.floor(v * 0.6), '/hors-ru': Math.floor(v * 0.8) };
        for (const [part, x] of Object.entries(cells)) {
          values[`PP-1|${ROWS[r]}|${m}${part}|${p}`] = x;
          sums[part] += x;
        }
      });
      for (const [part, x] of Object.entries(sums)) values[`PP-1|${ROWS[r]}|total${part}|${p}`] = x;
    }
  }
  return values;
}

function draft({ filled }) {
  const values = filled ? pp1Values() : {};
  if (filled) values[key(BAD_ROW, 2)] = 'abc';
  return {
    name: 'Perf',
    organisme: { raison_sociale: 'Grand organisme', siren: '200093201', kind: 'oph', siege_departement: '59' },
    catalogue: { id: 'cus2-logements-locatifs', version: CUS2_VERSION },
    signing_year: 2026, geo_vintage: 2026,
    departements: DEPS, epci: EPCI,
    segmentation: { 'PP-1': { levels: ['departement', 'epci'] } },
    values,
  };
}

const setDraft = (page, d) => setStoredDraft(page, d, 'perf');

/** From the Organisme step, go to the first engagement page: ms until the first cell is in the
 * page (the app's render and effects done), and until that frame is painted (the second animation
 * frame: the first one's callbacks run before its style, layout and paint). */
async function timeRender(page) {
  await page.goto(`${env.base}#/remplir`);
  await page.reload();
  await page.waitForSelector('#raison-sociale');
  return page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (!document.getElementById('case-0-0-0')) return;
      obs.disconnect();
      const present = performance.now() - t0;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({ present, painted: performance.now() - t0 })));
    });
    obs.observe(document.body, { childList: true, subtree: true });
    location.hash = '#/remplir/engagement-1';
  }));
}

/** Over `n` keystrokes in the input `selector` of the first grid, column `col` (an input event with
 * the value set, at the start of a frame): median ms until the new value's effect is painted (the
 * column's total shows it, then one more animation frame). The app's re-render may be split by
 * Yew's scheduler (it yields every 16 ms): waiting for the total covers the whole of it. */
async function keystrokes(page, selector, col, n = 20) {
  return keystrokesUntil(page, selector, { totalCol: col }, Array.from({ length: n }, (_, i) => String(100 + i)));
}

async function storedValue(page, k) {
  return (await storedDraft(page, 'perf')).values[k];
}

/** Wait until the stored draft holds `v` in cell `k` (the save is debounced). */
async function waitStored(page, k, v) {
  for (let i = 0; i < 200; i++) {
    if (await storedValue(page, k) === v) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await storedValue(page, k), v, `cell ${k} stored`);
}

for (const filled of [false, true]) {
  const label = filled ? 'filled (18 036 PP-1 values)' : 'empty';
  test(`large convention, ${label}: first grid renders, keystroke to frame, only visible rows rendered`, async () => {
    const page = await openApp(env.browser, env.base);
    page.setDefaultTimeout(120_000);
    await setDraft(page, draft({ filled }));
    const render = await timeRender(page);
    await page.locator('#case-0-0-0').waitFor();
    const inputs = await page.locator('input.case').count();
    const firstGridInputs = await page.locator('.grille >> nth=0 >> input.case').count();
    console.log(`# grid perf (${label}): engagement page, first cell in the page after ${render.present.toFixed(0)} ms, `
      + `painted after ${render.painted.toFixed(0)} ms; ${inputs} input.case rendered (${firstGridInputs} in PP-1's grid)`);
    assert.equal(await page.getAttribute('#case-0-0-0', 'data-cell'), key(0, 0));
    assert.match(await page.getAttribute('#case-0-0-0', 'aria-label'), /^PP-1, 01 — Ain, Total, Référence$/);

    // Keystroke to frame in the first cell.
    const top = await keystrokes(page, '#case-0-0-0', 0);
    console.log(`# grid perf (${label}): keystroke to painted total, row 0: median ${top.median.toFixed(1)} ms `
      + `(max ${top.max.toFixed(1)} ms, 20 keystrokes); re-rendered before the next frame for ${top.inFirstFrame}/20 keystrokes, that frame starting after ${top.toFrame.toFixed(1)} ms (median)`);
    await waitStored(page, key(0, 0), 119);
    // A real keystroke, through the keyboard.
    await page.focus('#case-0-0-1');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('7');
    assert.equal(await page.inputValue('#case-0-0-1'), '7');
    await waitStored(page, key(0, 1), 7);

    // Far down: scroll the grid to a far row, type there.
    const farSel = `input[data-cell="${key(FAR_ROW, 4)}"]`;
    await page.evaluate((r) => {
      const scroller = document.querySelector('.grille .grille-defilement');
      const row = document.querySelector('.grille tbody tr:not(.espaceur)');
      scroller.scrollTop = r * row.getBoundingClientRect().height;
    }, FAR_ROW);
    await page.locator(farSel).waitFor();
    assert.equal(await page.getAttribute(farSel, 'id'), `case-0-${FAR_ROW}-4`);
    const far = await keystrokes(page, farSel, 4);
    console.log(`# grid perf (${label}): keystroke to painted total, row ${FAR_ROW}: median ${far.median.toFixed(1)} ms `
      + `(max ${far.max.toFixed(1)} ms); re-rendered before the next frame for ${far.inFirstFrame}/20 keystrokes, that frame starting after ${far.toFrame.toFixed(1)} ms (median)`);
    await waitStored(page, key(FAR_ROW, 4), 119);
    assert.equal(await storedValue(page, key(FAR_ROW, 4)), 119);
    const after = await page.locator('input.case').count();
    console.log(`# grid perf (${label}): ${after} input.case rendered after scrolling`);
    assert.ok(inputs < 2000, `${inputs} inputs rendered`);
    assert.ok(after < 2000, `${after} inputs rendered after scrolling`);
    // Not every row is in the page, but the totals row is.
    assert.ok(await page.locator('.grille >> nth=0 >> tbody tr:not(.espaceur)').count() < 200);
    assert.equal(await page.locator('.grille >> nth=0 >> .ligne-total').count(), 1);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('large grid: arrows and Enter reach rows outside the rendered range; totals cover every département', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, draft({ filled: true }));
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.reload();
  await page.locator('#case-0-0-3').waitFor();
  // Totals of the first column: every département row, rendered or not (EPCI are detail).
  const values = pp1Values();
  let sum = 0;
  for (let r = 0; r < DEPS.length; r++) sum += values[key(r, 0)];
  const totals = await page.locator('.grille >> nth=0 >> .ligne-total td').allTextContents();
  assert.equal(totals[0].replace(/\s/g, ''), String(sum));
  assert.equal(totals.length, 36);

  // Enter / ArrowDown row after row: the grid scrolls along, focus never gets lost.
  await page.focus('#case-0-0-3');
  for (let r = 1; r <= 60; r++) {
    await page.keyboard.press(r % 2 ? 'ArrowDown' : 'Enter');
    await page.waitForFunction((id) => document.activeElement?.id === id, `case-0-${r}-3`, { timeout: 5000 });
  }
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-cell')), key(60, 3));
  for (let r = 59; r >= 40; r--) {
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction((id) => document.activeElement?.id === id, `case-0-${r}-3`, { timeout: 5000 });
  }
  // The focused cell is inside the visible part of the scroller.
  const visible = await page.evaluate(() => {
    const el = document.activeElement.getBoundingClientRect();
    const box = document.querySelector('.grille .grille-defilement').getBoundingClientRect();
    return el.top >= box.top - 1 && el.bottom <= box.bottom + 1;
  });
  assert.ok(visible, 'focused cell scrolled into view');
  await page.keyboard.type('5');
  await waitStored(page, key(40, 3), 5);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('large grid: wrong values listed under the grid; the Vérification link reaches a row far down', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, draft({ filled: true }));
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.reload();
  await page.locator('#case-0-0-0').waitFor();
  const list = page.locator('.grille >> nth=0 >> .erreurs-grille');
  assert.match(await list.textContent(), /^1 case en erreur et \d+ cases à vérifier \(avertissements\)/);
  assert.match(await list.textContent(), /« abc » n'est pas un nombre/);

  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification');
  const item = page.locator('.verification [data-code="E-VALUE-INVALID"]');
  assert.equal(await item.count(), 1);
  await item.locator('a:text("Aller à la case")').click();
  const id = `case-0-${BAD_ROW}-2`;
  await page.waitForFunction((id) => document.activeElement?.id === id, id);
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('data-cell')), key(BAD_ROW, 2));
  assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute(`#${id}`, 'aria-describedby'), `${id}-erreur`);
  assert.match(await page.textContent(`#${id}-erreur`), /« abc » n'est pas un nombre/);
  await page.fill(`#${id}`, '12');
  await waitStored(page, key(BAD_ROW, 2), 12);
  // The wrong value is gone from the list (the rules' messages on cells stay listed: the sum of
  // the financings no longer matches its total, and the plausibility warnings of the EPCI rows).
  await page.waitForFunction(() => !/« abc »/.test(document.querySelector('.grille .erreurs-grille')?.textContent ?? ''));
  assert.match(await list.textContent(), /\d+ cases? à vérifier \(avertissements?\)/);
  assert.ok(await page.locator('input.case').count() < 2000);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** Achievements of PP-1 for the mid-term evaluation (years 1 to 3), every row and split: 18 036
 * values. Each year holds a third of the 3-year commitment rounded up, the totals the sums of
 * the financings: no commitment missed, parts within their whole, financings adding up. */
function pp1Achievements() {
  const values = {};
  for (let r = 0; r < ROWS.length; r++) {
    const sums = { '': 0, '/hors-qpv': 0, '/hors-ru': 0 };
    ['PLAI', 'PLUS', 'PLS'].forEach((m, mi) => {
      const v = r < DEPS.length ? 1000 + ((r * 37 + mi * 11) % 500) : 1 + ((r * 7 + mi * 3) % 9);
      const cells = { '': v, '/hors-qpv': Math.floor(v * 0.6), '/hors-ru': Math.floor(v * 0.8) };
      for (const [part, x] of Object.entries(cells)) {
        const a = Math.ceil(x / 3);
        for (const y of [1, 2, 3]) values[`PP-1|${ROWS[r]}|${m}${part}|a${y}`] = a;
        sums[part] += a;
      }
    });
    for (const [part, x] of Object.entries(sums)) {
      for (const y of [1, 2, 3]) values[`PP-1|${ROWS[r]}|total${part}|a${y}`] = x;
    }
  }
  return values;
}

/** Over `values.length` keystrokes in the input `selector` (an input event with the value set,
 * at the start of a frame): median ms until `watch` shows the change — a cell's selector, or
 * `{ totalCol }` the total of that column of the first grid — then one more animation frame
 * (painted). inFirstFrame: the edit was validated and re-rendered before the very next frame;
 * toFrame: from the input event to the start of that frame (work + wait for the frame). */
async function keystrokesUntil(page, selector, watch, values) {
  return page.evaluate(async ([sel, watch, values]) => {
    const raf = () => new Promise((r) => requestAnimationFrame(r));
    const shown = () => (typeof watch === 'string'
      ? document.querySelector(watch)?.textContent
      : document.querySelectorAll('.grille')[0].querySelectorAll('.ligne-total td')[watch.totalCol].textContent);
    const times = [];
    const frames = [];
    const toFrame = [];
    for (const text of values) {
      const input = document.querySelector(sel);
      input.focus();
      await raf();
      const before = shown();
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
      let k = 0;
      do {
        await raf();
        k++;
        if (k > 600) throw new Error(`${JSON.stringify(watch)} never changed`);
      } while (shown() === before);
      frames.push(k);
      toFrame.push(performance.now() - t0);
      await raf();
      times.push(performance.now() - t0);
      const now = document.querySelector(sel)?.value;
      if (now !== text) throw new Error(`cell shows ${now}, expected ${text}`);
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { median: median(times), max: Math.max(...times), inFirstFrame: frames.filter((f) => f === 1).length, toFrame: median(toFrame) };
  }, [selector, watch, values]);
}

test('large convention signed, 18 036 achievements: achievement grid, keystroke to frame, diagnostics on the cells', async () => {
  const page = await openApp(env.browser, env.base);
  page.setDefaultTimeout(120_000);
  const achieved = pp1Achievements();
  assert.equal(Object.keys(achieved).length, 18_036);
  await setDraft(page, {
    ...draft({ filled: true }),
    signature: { date: '2026-03-15', label: 'Convention initiale' },
    achievements: { evaluation: 'mi-parcours', values: achieved },
  });
  // From the signature step to the first engagement's achievements (PP-1 first).
  await page.goto(`${env.base}#/evaluer/signature`);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.brouillon === 'ouvert'
    && /signée le 15\/03\/2026/.test(document.getElementById('etat-signature')?.textContent ?? ''));
  const render = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (!document.getElementById('real-0-0-1')) return;
      obs.disconnect();
      const present = performance.now() - t0;
      requestAnimationFrame(() => requestAnimationFrame(() => resolve({ present, painted: performance.now() - t0 })));
    });
    obs.observe(document.body, { childList: true, subtree: true });
    location.hash = '#/evaluer/engagement-1';
  }));
  await page.locator('#real-0-0-1').waitFor();
  console.log(`# grid perf (achievements): PP-1 achievement grid, first cell in the page after ${render.present.toFixed(0)} ms, `
    + `painted after ${render.painted.toFixed(0)} ms; ${await page.locator('.grille-realisation input').count()} inputs on the page`);
  assert.match(await page.textContent('#realisation-PP-1 tbody tr th'), /Ain/);
  assert.match(await page.textContent('.grille-realisation .pagination'), /Lignes 1 à 20 sur 501/);
  // Nothing missed, every sum right: no message on the first row.
  const total1 = key(0, 0).replace(/\|ref$/, '|a1');
  assert.equal(await page.inputValue('#real-0-0-1'), String(achieved[total1]).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f'));
  assert.equal(await page.locator('#msg-real-0-0-1').count(), 0);
  assert.equal(await page.locator('#msg-cumul-0-0-3').count(), 0);

  // Keystrokes in the total of the first row, year 1: the 3-year cumulative computed shows each.
  const typed = Array.from({ length: 20 }, (_, i) => String(100 + i));
  const k = await keystrokesUntil(page, '#real-0-0-1', '#cumul-0-0-3', typed);
  console.log(`# grid perf (achievements): keystroke to painted cumulative, row 0: median ${k.median.toFixed(1)} ms `
    + `(max ${k.max.toFixed(1)} ms, 20 keystrokes); re-rendered before the next frame for ${k.inFirstFrame}/20 keystrokes, that frame starting after ${k.toFrame.toFixed(1)} ms (median)`);
  for (let i = 0; i < 200; i++) {
    if ((await storedDraft(page, 'perf')).achievements.values[total1] === 119) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal((await storedDraft(page, 'perf')).achievements.values[total1], 119);
  // 119 is below the financings' sum of that year (a rule of that row and year) and makes the
  // 3-year cumulative miss its commitment (a warning on the line, until justified).
  await page.waitForSelector('#msg-real-0-0-1');
  assert.match(await page.textContent('#msg-real-0-0-1'), /^Erreur : Les réalisations par mode de financement \(\d[\d\u202f]*\) ne font pas le total \(119\)/);
  assert.match(await page.textContent('#msg-cumul-0-0-3'), /^Avertissement : Engagement non tenu/);
  // The right figure again: both messages gone.
  await page.fill('#real-0-0-1', String(achieved[total1]));
  await page.waitForSelector('#msg-real-0-0-1', { state: 'detached' });
  await page.waitForSelector('#msg-cumul-0-0-3', { state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('large sample (945 cells on its first engagement page): render and keystroke to frame', async () => {
  const page = await openApp(env.browser, `${env.base}#/remplir/exemple/grand-organisme`);
  page.setDefaultTimeout(120_000);
  await page.waitForSelector('.menu-etapes');
  const render = await timeRender(page);
  await page.locator('#case-0-0-0').waitFor();
  const inputs = await page.locator('input.case').count();
  console.log(`# grid perf (large sample): engagement page, first cell in the page after ${render.present.toFixed(0)} ms, `
    + `painted after ${render.painted.toFixed(0)} ms; ${inputs} input.case rendered`);
  assert.ok(inputs > 500, `${inputs} cells on the page`);
  const k = await keystrokes(page, '#case-0-0-0', 0);
  console.log(`# grid perf (large sample): keystroke to painted total: median ${k.median.toFixed(1)} ms (max ${k.max.toFixed(1)} ms, 20 keystrokes); `
    + `re-rendered before the next frame for ${k.inFirstFrame}/20 keystrokes, that frame starting after ${k.toFrame.toFixed(1)} ms (median)`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
