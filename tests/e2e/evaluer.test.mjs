// « Évaluer ma CUS »: open the large sample for an evaluation, mark it signed (the fill grids
// become read-only), enter achievements for three years (a count, and a percentage by its
// numerator and denominator), see rates and gaps, justify a gap, read the summary, open the
// printable report (chart with its table), export to JSON and import it into a new draft: the
// achievements and the signature come back. axe-core finds no violation on any page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { start, openApp, screenshot, ROOT, storedDraft, currentId, setDraft } from './harness.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SAMPLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/samples/grand-organisme.json'), 'utf8'));

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

/** Go to a step of « Évaluer ma CUS » and wait for its heading. */
async function go(page, hash, selector) {
  await page.goto(`${env.base}${hash}`);
  await page.waitForFunction((h) => location.hash === h && document.body.dataset.brouillon === 'ouvert'
    && document.querySelector('#titre-etape'), hash);
  if (selector) await page.waitForSelector(selector);
}

/** French number as the app writes it (`format_fr`): decimal comma, trailing zeros dropped. */
function fr(x, decimals) {
  const s = Math.abs(x).toFixed(decimals).replace(/\.?0+$/, '').replace('.', ',');
  const [i, f] = s.split(',');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${x < 0 ? '-' : ''}${grouped}${f ? `,${f}` : ''}`;
}

/** Type into an input the way a user does (one input event per value). */
async function type(page, selector, value) {
  await page.fill(selector, value);
}

/** The text of the bilan row of a cell key. */
async function bilanRow(page, key) {
  const row = page.locator(`tr[data-cell="${key}"]`);
  await row.waitFor();
  return (await row.locator('td').allTextContents()).map((t) => t.trim());
}

test('evaluate the large sample: signature, achievements, bilan, justification, report, JSON round trip', async () => {
  const t0 = Date.now();
  const page = await openApp(env.browser, `${env.base}#/evaluer/exemple/grand-organisme`);
  await page.waitForFunction(() => location.hash === '#/evaluer' && document.body.dataset.brouillon === 'ouvert'
    && document.querySelector('.evaluation-choix'));
  const report = [];
  const check = async (where) => { for (const v of await axe(page)) report.push(`${where}: ${v}`); };
  assert.equal(await page.textContent('h1'), 'Évaluer ma CUS');
  assert.equal(await page.getAttribute('nav[aria-label="Modes de l\'application"] a[aria-current=page]', 'href'), '#/evaluer');
  assert.match(await page.textContent('#convention-evaluee'), /grande ESH/);
  // Signed in 2022: the mid-term evaluation (2022-2024) is over and proposed.
  assert.equal(await page.inputValue('#evaluation-choisie'), 'mi-parcours');
  assert.match(await page.textContent('#evaluation-choisie option[value="mi-parcours"]'), /2022-2024\) — proposée/);
  await check('choix');
  await page.click('#commencer-evaluation');
  await page.waitForSelector('#commencer-evaluation', { state: 'detached' });
  assert.match(await page.textContent('#annees-evaluees'), /2022 à 2024/);

  // Signature: a wrong date is refused in French, then the convention is signed.
  await go(page, '#/evaluer/signature', '#date-signature');
  await type(page, '#date-signature', '2022-02-30');
  await page.click('#signer');
  assert.match(await page.textContent('#date-signature-erreur'), /n'est pas une date : saisissez-la au format JJ\/MM\/AAAA/);
  await check('signature (erreur)');
  // The date as the app displays it (JJ/MM/AAAA) is accepted.
  await type(page, '#date-signature', '30/06/2022');
  await page.click('#signer');
  await page.waitForSelector('#saisir-avenant');
  assert.match(await page.textContent('#etat-signature'), /Convention initiale signée le 30\/06\/2022/);
  await check('signature');

  // The fill grids are read-only now, with the banner and a way to an avenant.
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.waitForSelector('#convention-signee');
  await page.waitForSelector('.engagement-saisie .grille');
  assert.match(await page.textContent('#convention-signee'), /Convention signée le 30\/06\/2022 \(Convention initiale\) : engagements en lecture seule — saisir un avenant/);
  assert.equal(await page.locator('.engagement-saisie .tableau-grille input').count(), 0, 'no input in a signed grid');
  assert.equal(await page.getAttribute('#convention-signee a', 'href'), '#/evaluer/signature');
  // The steps that change the commitments are locked too.
  await page.goto(`${env.base}#/remplir/territoires`);
  await page.waitForSelector('#convention-signee');
  assert.equal(await page.locator('fieldset.cadre-etape[disabled]').count(), 1);

  // Achievements of the first engagement: PP-1 (counts, committed at 3 years) for the first
  // row, years 2022 to 2024, and PP-2 (a percentage) by numerator and denominator.
  await go(page, '#/evaluer/engagement-1', '#real-0-0-1');
  const firstRow = (await page.textContent('#realisation-PP-1 tbody tr th')).trim();
  assert.match(firstRow, /Aisne/);
  // Rows of PP-1: 6 départements + 15 EPCI, one page of 20 then the next.
  assert.match(await page.textContent('.grille-realisation .pagination'), /Lignes 1 à 20 sur 21/);
  assert.equal(await page.locator('#realisation-PP-1 tbody tr').count(), 20);
  await check('réalisations (vide)');
  // A text that is not a number keeps what was typed, with a French message.
  await type(page, '#real-0-0-1', 'trente');
  await page.waitForSelector('#real-0-0-1-erreur');
  await type(page, '#real-0-0-1', '30');
  await page.waitForSelector('#real-0-0-1-erreur', { state: 'detached' });
  await type(page, '#real-0-0-2', '40');
  await type(page, '#real-0-0-3', '20');
  // The 3-year cumulative is computed: 30 + 40 + 20 = 90 (committed 117).
  await page.waitForFunction(() => document.querySelector('#cumul-0-0-3')?.textContent.startsWith('90'));
  const committedPP1 = SAMPLE.values['PP-1|departement:02|total|c3'];
  assert.equal(committedPP1, 117);
  // Undo and redo go through the same store.
  await page.click('#annuler');
  await page.waitForFunction(() => document.querySelector('#real-0-0-3').value === '');
  await page.click('#retablir');
  await page.waitForFunction(() => document.querySelector('#real-0-0-3').value === '20');
  // A row copied from a spreadsheet, pasted into the second row's first year (a synthetic
  // paste event, as a script or an assistive tool sends it): three years, never 657, one undo.
  await page.focus('#real-0-1-1');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '6\t5\t7');
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => ['1', '2', '3'].map((y) => document.querySelector(`#real-0-1-${y}`).value).join('|') === '6|5|7');
  await page.waitForFunction(() => document.querySelector('#cumul-0-1-3')?.textContent.startsWith('18'));
  assert.match(await page.textContent('.message-collage'), /^3 valeurs collées\./);
  await page.click('#annuler');
  await page.waitForFunction(() => ['1', '2', '3'].every((y) => document.querySelector(`#real-0-1-${y}`).value === ''));
  // PP-2: 5 ÷ 100 in 2022 (committed 9,7 %), 12 ÷ 100 and 13 ÷ 100 after.
  const pp2 = [['5', '100'], ['12', '100'], ['13', '100']];
  for (const [i, [n, d]] of pp2.entries()) {
    await type(page, `#num-1-0-${i + 1}`, n);
    await type(page, `#den-1-0-${i + 1}`, d);
  }
  await page.waitForFunction(() => document.querySelector('#pct-1-0-1')?.textContent === '5 %');
  assert.equal(await page.textContent('#pct-1-0-2'), '12 %');
  // A numerator above its denominator: the rule's message on the cell.
  await type(page, '#num-1-1-1', '50');
  await type(page, '#den-1-1-1', '10');
  await page.waitForFunction(() => /dépasse/.test(document.querySelector('#msg-real-1-1-1')?.textContent ?? ''));
  assert.match(await page.textContent('#msg-real-1-1-1'), /Erreur : Le numérateur \(50\) dépasse le dénominateur \(10\)/);
  await check('réalisations (saisies, une erreur)');
  // The export of « Évaluer » lists it among what blocks the final file; its link goes back to
  // the achievement's input (never through Remplir).
  await go(page, '#/evaluer/export', '#etat-export');
  assert.match(await page.textContent('#titre-export'), /Exporter l'évaluation/);
  assert.equal(await page.isDisabled('#nature-definitif'), true);
  const blocker = page.locator('.liste-bloquants li', { hasText: 'Le numérateur (50) dépasse le dénominateur (10)' });
  assert.equal(await blocker.locator('a.lien-correction').textContent(), 'Aller à la case');
  assert.equal(await blocker.locator('a.lien-correction').getAttribute('href'), '#/evaluer/engagement-1');
  const links = await page.locator('.liste-bloquants a.lien-correction').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(!(await page.textContent('#etat-export')).includes('Vérification'), 'no detour through Remplir');
  await check('export de l\'évaluation (bloqué)');
  await blocker.locator('a.lien-correction').click();
  await page.waitForFunction(() => location.hash === '#/evaluer/engagement-1' && document.activeElement?.id === 'num-1-1-1');
  assert.ok(links.length > 0);
  await type(page, '#num-1-1-1', '');
  await type(page, '#den-1-1-1', '');
  await page.waitForSelector('#msg-real-1-1-1', { state: 'detached' });
  await screenshot(page, 'evaluer-realisations');
  // Every other engagement's page.
  const engagements = await page.locator('.menu-etapes a[href^="#/evaluer/engagement-"]').count();
  assert.equal(engagements, 7);
  for (let n = 2; n <= engagements; n++) {
    await go(page, `#/evaluer/engagement-${n}`, '.saisie-realisations');
    await check(`réalisations, engagement ${n}`);
  }

  // Bilan: rates and gaps, the missed commitments to justify.
  await go(page, '#/evaluer/bilan', '#bilan-compteurs');
  assert.equal(await page.getAttribute('#exporter-evaluation', 'href'), '#/evaluer/export');
  const pp1 = await bilanRow(page, 'PP-1|departement:02|total|c3');
  // Engagé, Réalisé, Taux, Écart, Cumul à date.
  assert.deepEqual(pp1.slice(0, 5), ['117', '90', `${fr(90 / 117 * 100, 1)} %`, '-27 (non tenu)', '90 (années 1 à 3)'].slice(0, 5));
  const pp2y1 = await bilanRow(page, 'PP-2|departement:02|valeur|a1');
  assert.deepEqual(pp2y1.slice(0, 4), ['9,7 %', '5 %', `${fr(5 / 9.7 * 100, 1)} %`, '-4,7 points (non tenu)']);
  const pp2y2 = await bilanRow(page, 'PP-2|departement:02|valeur|a2');
  // One decimal for points, « point » singular below 2.
  assert.equal(pp2y2[3], '+0,7 point');
  // The formula on demand.
  await page.click('tr[data-cell="PP-1|departement:02|total|c3"] details summary');
  assert.match(await page.textContent('tr[data-cell="PP-1|departement:02|total|c3"] details'),
    /Cumul 2022–2024 : 30 \+ 40 \+ 20 = 90 ; engagement 117 ; taux de réalisation 90 ÷ 117 = 76,9 %/);
  // The summary as State services write it: with one département of six entered, no rate
  // (never « 77 % » of the whole engagement from the part entered).
  const others = ['59', '60', '62', '76', '80'].filter((d) => typeof SAMPLE.values[`PP-1|departement:${d}|total|c3`] === 'number').length;
  assert.match(await page.textContent('.bilan-resumes'),
    new RegExp(`PP-1 \\(.*\\) : réalisation incomplète sur 2022-2024 \\(${others} engagements? sans réalisation complète\\) : taux non calculé\\.`));
  const counts = async () => (await page.textContent('#bilan-compteurs')).trim();
  assert.match(await counts(), /0 erreur et 2 avertissements à traiter/);
  await check('bilan');
  // Justify the PP-1 gap (outside causes), acknowledge the PP-2 warning.
  const items = await page.locator('.liste-justifications > li').allTextContents();
  const iPP1 = items.findIndex((t) => t.startsWith('PP-1'));
  const iPP2 = items.findIndex((t) => t.startsWith('PP-2'));
  assert.ok(iPP1 >= 0 && iPP2 >= 0, items.join(' / '));
  await page.check(`#origine-${iPP1}-exterieur`);
  await page.click(`#justifier-${iPP1}`);
  assert.match(await page.textContent(`#justification-${iPP1} [role=alert]`), /Choisissez la cause extérieure/);
  await page.selectOption(`#cause-${iPP1}`, 'couts');
  await page.fill(`#commentaire-justification-${iPP1}`, 'Hausse du coût des travaux en 2023.');
  await page.click(`#justifier-${iPP1}`);
  await page.waitForSelector(`#justifiee-${iPP1}`);
  await page.waitForFunction(() => /0 erreur et 1 avertissement à traiter/.test(document.querySelector('#bilan-compteurs').textContent));
  await page.check(`#accuse-justification-${iPP2}`);
  await page.waitForFunction(() => /0 erreur et 0 avertissement à traiter/.test(document.querySelector('#bilan-compteurs').textContent));
  await check('bilan (justifié)');
  await screenshot(page, 'evaluer-bilan');

  // The report: cover, summary, chart with its table, justifications.
  await go(page, '#/evaluer/rapport', '#rapport-couverture');
  assert.match(await page.textContent('#rapport-couverture'), /Convention initiale signée le 30\/06\/2022/);
  assert.match(await page.textContent('#rapport-couverture'), /Évaluation à mi-parcours \(bilan triennal\) : années 2022 à 2024/);
  const fig = page.locator('figure.graphique-eval[data-indicateur="PP-1"]');
  assert.equal(await fig.locator('svg[role=img]').count(), 1);
  const name = await fig.locator('svg[role=img]').getAttribute('aria-labelledby');
  assert.match(await page.textContent(`#${name}`), /PP-1 — engagé et réalisé cumulés depuis la première année/);
  const table = await fig.locator('table.donnees-graphique-eval tbody tr').allTextContents();
  assert.equal(table.length, 3);
  // 2024: committed at 3 years, the 6 départements added; only the Aisne entered, so no achieved
  // figure (never the Aisne's 90 set against the six départements' commitment).
  const c3 = ['02', '59', '60', '62', '76', '80'].map((d) => SAMPLE.values[`PP-1|departement:${d}|total|c3`]).reduce((a, b) => a + b, 0);
  assert.match(table[2], new RegExp(`^2024${fr(c3, 1)}—${'1 sur 6'}$`));
  // PP-2, a percentage committed per year: a year's achievement only once its 6 territories
  // are entered (numerators over denominators); percentages of 6 territories are not added.
  assert.equal(await page.locator('figure.graphique-eval[data-indicateur="PP-2"]').count(), 0);
  assert.match(await page.textContent('.graphique-eval-vide[data-indicateur="PP-2"]'),
    /PP-2 : réalisations saisies pour 1 territoire sur 6 ; le graphique attend qu'ils le soient tous/);
  assert.match(await page.textContent('#rapport-justifications'), /PP-1, .*Aisne.*causes extérieures — Coûts : travaux, matériaux, inflation — « Hausse du coût des travaux en 2023\. »/);
  await check('rapport');
  // Prints to PDF.
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10_000);
  await screenshot(page, 'evaluer-rapport');
  // The report says what the bilan says, line by line: each line of its tables has the bilan's
  // figures (engagé, réalisé, taux, écart), and its missed commitments are the bilan's, in order.
  const reportRows = await page.$$eval('.rapport-indicateur tr[data-cell]', (trs) =>
    trs.map((tr) => [tr.dataset.cell, [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())]));
  const reportMissed = await page.$$eval('#rapport-justifications > li', (lis) => lis.map((li) => li.dataset.ligne));
  assert.ok(reportRows.length >= 10, `${reportRows.length} report lines`);
  await go(page, '#/evaluer/bilan', '#bilan-compteurs');
  await page.check('#bilan-tout');
  // Every page of every indicator's lines (50 a page).
  const bilanRows = {};
  for (;;) {
    Object.assign(bilanRows, Object.fromEntries(await page.$$eval('.tableau-bilan tr[data-cell]', (trs) =>
      trs.map((tr) => [tr.dataset.cell, [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())]))));
    const next = page.locator('.bilan-indicateur').filter({ has: page.locator('button:has-text("Lignes suivantes"):not([disabled])') }).first();
    if (await next.count() === 0) break;
    const first = await next.locator('tr[data-cell]').first().getAttribute('data-cell');
    await next.locator('button:has-text("Lignes suivantes"):not([disabled])').first().click();
    await page.locator(`tr[data-cell="${first}"]`).waitFor({ state: 'detached' });
  }
  for (const [key, tds] of reportRows) {
    const b = bilanRows[key];
    assert.ok(b, `${key}: in the report, not in the bilan`);
    assert.deepEqual(tds.slice(1, 5), [b[0], b[1], b[2], b[3].replace(' (non tenu)', '')], key);
  }
  const bilanMissed = await page.$$eval('.liste-justifications > li', (lis) => lis.map((li) => li.dataset.ligne));
  assert.ok(bilanMissed.length >= 2);
  assert.deepEqual(reportMissed, bilanMissed);

  // Export to JSON, import into a new draft: achievements and signature are back.
  const before = await storedDraft(page);
  assert.equal(before.signature.date, '2022-06-30');
  assert.equal(before.achievements.values['PP-1|departement:02|total|a2'], 40);
  // From the export step of « Évaluer »: definitive now that nothing blocks it.
  await go(page, '#/evaluer/export', '#exporter-json');
  assert.equal(await page.isChecked('#nature-definitif'), true);
  assert.match(await page.textContent('#etat-export'), /l'export définitif est possible/);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#exporter-json')]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  const conv = exported.convention ?? exported;
  assert.deepEqual(conv.signature, { date: '2022-06-30', label: 'Convention initiale' });
  assert.equal(conv.achievements.values['PP-1|departement:02|total|a1'], 30);
  const idBefore = await currentId(page);
  await page.setInputFiles('#fichier-import', file);
  await page.waitForSelector('#import-reussi');
  const after = await storedDraft(page);
  assert.notEqual(await currentId(page), idBefore, 'a new draft is opened');
  assert.deepEqual(after.signature, before.signature);
  assert.deepEqual(after.achievements, before.achievements);
  assert.deepEqual(after.values, before.values);
  // The imported draft shows the same bilan.
  await go(page, '#/evaluer/bilan', '#bilan-compteurs');
  assert.deepEqual((await bilanRow(page, 'PP-1|departement:02|total|c3')).slice(0, 3), ['117', '90', `${fr(90 / 117 * 100, 1)} %`]);
  assert.match(await counts(), /0 erreur et 0 avertissement à traiter/);

  assert.deepEqual(report, []);
  assert.deepEqual(page.errors, []);
  console.log(`evaluer: whole path in ${Date.now() - t0} ms`);
  await page.context().close();
});

test('the achievement grid at 1 280 px: the window column in view, messages under the grid, rows of one line', async () => {
  const page = await openApp(env.browser, `${env.base}#/evaluer/exemple/grand-organisme`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.waitForFunction(() => location.hash === '#/evaluer' && document.body.dataset.brouillon === 'ouvert');
  await go(page, '#/evaluer/engagement-1', '#real-0-0-1');
  await type(page, '#real-0-0-1', '30');
  await type(page, '#real-0-0-2', '40');
  await type(page, '#real-0-0-3', '20');
  await type(page, '#num-1-0-1', '5');
  await type(page, '#den-1-0-1', '100');
  // The messages are listed under their grid, with their unit (« % », « points »).
  await page.waitForSelector('#messages-realisation-1');
  assert.match(await page.textContent('#messages-realisation-0'),
    /Aisne, Cumul 2022–2024 : Avertissement : Engagement non tenu \(90 réalisé pour 117 engagé, écart de -27 logements\)/);
  assert.match(await page.textContent('#messages-realisation-1'),
    /Aisne, 2022 : Avertissement : Engagement non tenu \(5 % réalisé pour 9,7 % engagé, écart de -4,7 points\)/);
  // The cell is described by its line of the list.
  assert.equal(await page.getAttribute('#num-1-0-1', 'aria-describedby'), 'msg-real-1-0-1');
  // The line of a year goes to its input.
  await page.click('#messages-realisation-1 li button');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'num-1-0-1');
  const geometry = () => page.evaluate(() => {
    const cell = document.querySelector('#cumul-0-0-3').getBoundingClientRect();
    const box = document.querySelector('#realisation-PP-1').closest('.grille-defilement').getBoundingClientRect();
    const rows = [...document.querySelectorAll('.tableau-realisation tbody tr')].map((r) => r.getBoundingClientRect().height);
    return { right: cell.right, left: cell.left, boxLeft: box.left, boxRight: box.right, tallest: Math.max(...rows) };
  });
  // Scrolled to the first year, then to the last: the window's column stays in the viewport,
  // inside its grid, without scrolling sideways.
  for (const input of ['#real-0-0-1', '#real-0-0-3']) {
    await page.focus(input);
    const g = await geometry();
    assert.ok(g.right <= 1280 && g.right <= g.boxRight + 1 && g.left >= g.boxLeft, `${input}: ${JSON.stringify(g)}`);
    // Rows of one or two lines: a message never makes a row taller.
    assert.ok(g.tallest < 80, `${input}: ${JSON.stringify(g)}`);
    // The focused input is not under the window's columns kept at the right.
    const inputRight = await page.evaluate((s) => document.querySelector(s).getBoundingClientRect().right, input);
    const windowLeft = await page.evaluate(() => document.querySelector('#cumul-0-0-3').previousElementSibling.getBoundingClientRect().left);
    assert.ok(inputRight <= windowLeft + 1, `${input}: ${inputRight} > ${windowLeft}`);
  }
  for (const v of await axe(page)) assert.fail(`réalisations à 1 280 px : ${v}`);
  await screenshot(page, 'evaluer-realisations-1280');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an avenant keeps the signed version, unlocks the commitments, and is signed in turn', async () => {
  const page = await openApp(env.browser, `${env.base}#/evaluer/exemple/grand-organisme`);
  await page.waitForFunction(() => location.hash === '#/evaluer' && document.body.dataset.brouillon === 'ouvert');
  await go(page, '#/evaluer/signature', '#date-signature');
  await type(page, '#date-signature', '2022-06-30');
  await page.click('#signer');
  await page.click('#saisir-avenant');
  await page.waitForSelector('#liste-versions');
  assert.match(await page.textContent('#etat-signature'), /Avenant n° 1 en préparation/);
  // The commitments are editable again: change two cells of the first grid.
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.waitForSelector('#case-0-0-0');
  assert.equal(await page.locator('#convention-signee').count(), 0);
  await page.fill('#case-0-0-0', '125');
  await page.fill('#case-0-0-1', '280');
  await go(page, '#/evaluer/signature', '#date-signature');
  assert.match(await page.textContent('label[for=date-signature]'), /Avenant n° 1/);
  await type(page, '#date-signature', '2024-01-15');
  await page.click('#signer');
  await page.waitForSelector('#saisir-avenant');
  // An avenant is masculine: « signé ».
  assert.match(await page.textContent('#etat-signature'), /Avenant n° 1 signé le 15\/01\/2024 :/);
  const rows = await page.locator('#liste-versions tbody tr').allTextContents();
  assert.equal(rows.length, 2);
  assert.match(rows[0], /^Convention initiale30\/06\/20222Voir$/);
  await page.click('#liste-versions tbody tr button');
  await page.waitForSelector('#version-detail');
  assert.match(await page.textContent('#version-detail'), /PP-1 : 2 cases modifiées/);
  // Only the changed cells of the old version, named (never its whole grid, never a key)…
  assert.equal(await page.locator('#version-detail .versions-indicateurs tbody tr').count(), 2);
  const changed = await page.locator('#version-detail .versions-indicateurs tbody th').allTextContents();
  assert.ok(changed.every((t) => !t.includes('|')), changed.join(' / '));
  // … and all of them on demand, a page at a time.
  await page.click('#version-voir-tout');
  assert.equal(await page.locator('#version-toutes-cases tbody tr').count(), 50);
  assert.match(await page.textContent('#version-toutes-cases caption'), /Toutes les cases de Convention initiale — 1 à 50 sur \d+/);
  await page.click('#version-toutes-cases button:text("Cases suivantes →")');
  assert.match(await page.textContent('#version-toutes-cases caption'), /51 à 100 sur/);
  for (const v of await axe(page)) assert.fail(`avenant: ${v}`);
  const stored = await storedDraft(page);
  assert.equal(stored.versions.length, 1);
  assert.equal(stored.versions[0].signature.label, 'Convention initiale');
  assert.equal(stored.signature.label, 'Avenant n° 1');
  // The bilan's « every line » view is paged: never thousands of rows at once.
  await go(page, '#/evaluer/bilan', '#bilan-tout');
  await page.check('#bilan-tout');
  await page.waitForSelector('#bilan-table-PP-1');
  const sizes = await page.locator('table.tableau-bilan').evaluateAll((ts) => ts.map((t) => t.tBodies[0].rows.length));
  assert.ok(sizes.length > 0 && sizes.every((n) => n <= 50), sizes.join(' '));
  const pager = page.locator('.pagination[aria-label="Pages du bilan de PP-1"]').first();
  assert.match(await pager.textContent(), /Lignes 1 à 50 sur \d{3,}/);
  await pager.locator('button:text("Lignes suivantes →")').click();
  assert.match(await pager.textContent(), /Lignes 51 à 100 sur/);
  for (const v of await axe(page)) assert.fail(`bilan, toutes les lignes: ${v}`);
  // Read-only again.
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.waitForSelector('#convention-signee');
  await page.waitForSelector('.engagement-saisie .grille');
  assert.equal(await page.locator('.engagement-saisie .tableau-grille input').count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('from « Remplir ma CUS » to « Évaluer ma CUS » and back: same draft, focus on the heading', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  for (const [label, hash] of [['Évaluer ma CUS', '#/evaluer'], ['Remplir ma CUS', '#/remplir'],
    ['Évaluer ma CUS', '#/evaluer'], ['Comprendre les indicateurs', '#/comprendre'], ['Évaluer ma CUS', '#/evaluer']]) {
    await page.click(`nav >> text=${label}`);
    // (The module's heading, once its draft is open: the loading line has a heading too.)
    await page.waitForFunction(([l, h]) => location.hash === h && document.querySelector('h1')?.textContent === l
      && document.activeElement?.id === 'titre-page'
      && (h === '#/comprendre' || (document.body.dataset.brouillon === 'ouvert' && document.querySelector('#remplir h1') === document.activeElement)),
    [label, hash]);
    assert.equal(await page.title(), `${label} — CUS indicateurs`);
    assert.equal(await page.getAttribute('nav a[aria-current="page"]', 'href'), hash);
  }
  // A new browser has an empty draft: the page says to open a convention.
  assert.match(await page.textContent('.cadre-etape'), /Aucun catalogue d'indicateurs n'est choisi pour ce brouillon/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('each year is measured against the version in force, and each missed year has its own justification', async () => {
  // Case 13 of the core's evaluation cases: a CUS signed on 2019-03-31, an avenant signed on
  // 2024-03-15 changing PP-2 for 2022-2024 and PP-1 at 6 years; the final evaluation.
  const caseFile = 'crates/cus-core/tests/cases/evaluation/13-avenant-applies-from-its-year.json';
  const conv = JSON.parse(fs.readFileSync(path.join(ROOT, caseFile), 'utf8')).convention;
  const page = await openApp(env.browser, `${env.base}#/`);
  await setDraft(page, { ...conv, name: 'Org C' }, 'avenant-2024');
  await go(page, '#/evaluer/bilan', '#bilan-compteurs');
  // Each line names the version it is read from: 2022 and 2023 the initial convention, 2024 and
  // the 6-year window the avenant; the rule is said, as an inference.
  const versionOf = async (key) => (await bilanRow(page, key))[5];
  assert.equal(await versionOf('PP-2|departement:02|valeur|a4'), 'Convention initiale');
  assert.equal(await versionOf('PP-2|departement:02|valeur|a5'), 'Convention initiale');
  assert.equal(await versionOf('PP-2|departement:02|valeur|a6'), 'Avenant n° 1');
  assert.equal(await versionOf('PP-1|departement:02|total|c6'), 'Avenant n° 1');
  assert.deepEqual((await bilanRow(page, 'PP-2|departement:02|valeur|a5')).slice(0, 2), ['25 %', '20 %']);
  assert.match(await page.textContent('#bilan-versions'), /un avenant à partir de l'année civile de sa signature.*inférence/);
  // One justification per missed line: 2022, 2023 and the 3-year window, each labelled.
  const items = () => page.$$eval('.liste-justifications > li', (lis) => lis.map((li) => [li.dataset.ligne, li.querySelector('strong').textContent]));
  assert.deepEqual((await items()).map(([k]) => k).sort(),
    ['PP-1|departement:02|total|c3', 'PP-2|departement:02|valeur|a4', 'PP-2|departement:02|valeur|a5'].sort());
  const i2023 = (await items()).findIndex(([k]) => k === 'PP-2|departement:02|valeur|a5');
  assert.equal((await items())[i2023][1], "PP-2, 02 — Aisne, 2023");
  // Justify 2023 only: 2022 and the window stay to justify.
  await page.check(`#origine-${i2023}-organisme`);
  await page.fill(`#commentaire-justification-${i2023}`, 'Chantier décalé en 2023.');
  await page.click(`#justifier-${i2023}`);
  await page.waitForSelector(`#justifiee-${i2023}`);
  await page.waitForFunction(() => /0 erreur et 2 avertissements à traiter/.test(document.querySelector('#bilan-compteurs').textContent));
  const stored = await storedDraft(page);
  assert.deepEqual(Object.keys(stored.achievements.justifications), ['PP-2|departement:02|valeur|a5']);
  // The report: the same three lines, 2023 justified, the other two not; the version on the cover.
  await go(page, '#/evaluer/rapport', '#rapport-couverture');
  assert.match(await page.textContent('#rapport-couverture'), /Avenant n° 1 signé le 15\/03\/2024/);
  const report = await page.$$eval('#rapport-justifications > li', (lis) => lis.map((li) => [li.dataset.ligne, li.textContent]));
  assert.equal(report.length, 3);
  for (const [k, t] of report) {
    if (k.endsWith('|a5')) assert.match(t, /du fait de l'organisme — « Chantier décalé en 2023\. »/);
    else assert.match(t, /non justifié$/, k);
  }
  for (const v of await axe(page)) assert.fail(`rapport (avenant): ${v}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
