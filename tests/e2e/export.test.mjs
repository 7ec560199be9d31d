// "Export et import" and "Récapitulatif": download the ODS in Chromium, import it into a new
// draft and compare; a broken file changes nothing; the final export is refused while errors
// remain; the recap prints to PDF with one page per indicator and repeated headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { start, openApp, screenshot, ROOT, SHOTS, setDraft, reloadApp, currentId, storedDraft, storedList } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const SAMPLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'data/samples/petit-organisme.json'), 'utf8'));

async function current(page) {
  const draft = await storedDraft(page);
  return { id: await currentId(page), draft, count: (await storedList(page)).length };
}

async function openAt(hash, draft) {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, draft);
  await page.goto(`${env.base}${hash}`);
  await reloadApp(page);
  return page;
}

/** Download with a click, return the saved path and the suggested name. */
async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-e2e-')), dl.suggestedFilename());
  await dl.saveAs(file);
  return { file, name: dl.suggestedFilename() };
}

for (const ext of ['ods', 'xlsx', 'csv', 'json']) {
  test(`download the ${ext.toUpperCase()}, import it into a new draft: same convention`, async () => {
    const page = await openAt('#/remplir/export', SAMPLE);
    await page.waitForSelector('#exporter-ods');
    const before = await current(page);
    const { file, name } = await download(page, `#exporter-${ext}`);
    assert.match(name, new RegExp(`^cus-988041729-brouillon-\\d{4}-\\d{2}-\\d{2}\\.${ext}$`));
    const bytes = fs.readFileSync(file);
    if (ext === 'ods') {
      assert.equal(bytes.subarray(0, 2).toString(), 'PK');
      assert.match(bytes.subarray(0, 100).toString('latin1'), /mimetypeapplication\/vnd\.oasis\.opendocument\.spreadsheet/);
    }
    if (ext === 'json') assert.equal(JSON.parse(bytes.toString('utf8')).nature, 'brouillon');
    await page.setInputFiles('#fichier-import', file);
    await page.waitForSelector('#import-reussi');
    const after = await current(page);
    assert.notEqual(after.id, before.id, 'a new draft is opened');
    assert.equal(after.count, before.count + 1);
    assert.deepEqual(after.draft.values, before.draft.values);
    assert.deepEqual(after.draft.departements, before.draft.departements);
    assert.deepEqual(after.draft.epci, before.draft.epci);
    assert.deepEqual(after.draft.catalogue, before.draft.catalogue);
    if (ext !== 'csv') {
      assert.deepEqual(after.draft.organisme, before.draft.organisme);
      assert.equal(after.draft.signing_year, before.draft.signing_year);
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
}

test('a truncated file is refused with a French message, the current draft does not change', async () => {
  const page = await openAt('#/remplir/export', SAMPLE);
  await page.waitForSelector('#exporter-ods');
  const { file } = await download(page, '#exporter-ods');
  const before = await current(page);
  const broken = path.join(path.dirname(file), 'tronque.ods');
  fs.writeFileSync(broken, fs.readFileSync(file).subarray(0, 400));
  await page.setInputFiles('#fichier-import', broken);
  await page.waitForSelector('#import-echoue');
  assert.match(await page.textContent('#import-echoue'), /tronque\.ods n'a pas été importé .*le brouillon en cours n'a pas changé/);
  assert.deepEqual(await current(page), before);
  await screenshot(page, 'import-refuse');
  await page.context().close();
});

test('the final export is refused while an error remains; a brouillon is still possible', async () => {
  const draft = structuredClone(SAMPLE);
  const key = Object.keys(draft.values)[0];
  draft.values[key] = -5;
  const page = await openAt('#/remplir/export', draft);
  await page.waitForSelector('#etat-export');
  assert.match(await page.textContent('#etat-export'), /L'export définitif n'est pas possible : \d+ erreurs?/);
  assert.ok(await page.isDisabled('#nature-definitif'));
  assert.ok(await page.isChecked('#nature-brouillon'));
  const { file } = await download(page, '#exporter-json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.nature, 'brouillon');
  await page.context().close();
});

test('the recap prints to PDF: one page per indicator at least, headers repeated', async () => {
  const page = await openAt('#/remplir/recapitulatif', SAMPLE);
  await page.waitForSelector('.recap-indicateur');
  const sections = await page.locator('.recap-indicateur').count();
  assert.ok(sections >= 5, `${sections} indicators`);
  assert.match(await page.textContent('.recap-couverture'), /Habitat des Deux Vallées/);
  assert.match(await page.textContent('.recap-couverture'), /988[\s\u202f\u00a0]041[\s\u202f\u00a0]729/);
  await page.emulateMedia({ media: 'print' });
  const style = await page.evaluate(() => {
    const s = getComputedStyle(document.querySelector('.recap-indicateur'));
    const h = getComputedStyle(document.querySelector('.recap-table thead'));
    return { brk: s.breakBefore, head: h.display, menu: getComputedStyle(document.querySelector('.menu-etapes')).display };
  });
  assert.deepEqual(style, { brk: 'page', head: 'table-header-group', menu: 'none' });
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, 'recapitulatif.pdf'), pdf);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= sections + 1, `${pages} pages for ${sections} indicators`);
  // Nothing cut at the page edge: every column label and table caption is in the PDF's text.
  const labels = await page.evaluate(() => [...new Set([...document.querySelectorAll('.recap-table th[scope=col], .recap-table caption')]
    .map((e) => e.textContent))]);
  const squash = (t) => t.replace(/\s+/g, '');
  const text = squash(execFileSync('pdftotext', ['-raw', path.join(SHOTS, 'recapitulatif.pdf'), '-']).toString());
  const missing = labels.filter((l) => !text.includes(squash(l)));
  assert.deepEqual(missing, [], `${labels.length} labels, missing from the printed PDF: ${missing.join(' | ')}`);
  assert.ok(labels.some((l) => /PLS/.test(l)) && labels.some((l) => /PLUS/.test(l)), 'PLUS and PLS columns are printed');
  await page.context().close();
});
