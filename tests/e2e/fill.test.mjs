// "Remplir ma CUS": steps Convention, Territoires (search-as-you-type, chips, EPCI suggestions)
// and Segmentation, with the draft kept in local storage across reloads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { start, openApp, screenshot, ROOT, setDraft, setLegacyDraft, storedDraft, storedList, reloadApp, idb, currentId } from './harness.mjs';

let env;
// Version of the 1st-generation catalogue, read from its data file.
const CUS1_VERSION = fs.readFileSync(path.join(ROOT, 'data/catalogue/cus1-logements-locatifs.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function chooseConvention(page) {
  await page.goto(`${env.base}#/remplir/convention`);
  await page.waitForSelector('#catalogue');
  const value = await page.$eval('#catalogue', (sel) =>
    [...sel.options].find((o) => /2e génération — logements locatifs \(version 2026\.11\.0,/.test(o.textContent)).value);
  await page.selectOption('#catalogue', value);
  await page.fill('#annee-signature', '2024');
  await page.press('#annee-signature', 'Tab');
  await page.waitForSelector('.resume');
  assert.match(await page.textContent('.resume'), /engagements de 2024 à 2029/);
}

test('two départements and three EPCI chosen, kept after reload', async () => {
  const page = await openApp(env.browser, env.base);
  await chooseConvention(page);
  await page.click('a:text("Territoires →")');
  await page.waitForSelector('#recherche-territoire');
  assert.match(await page.textContent('.territoires .aide'), /Découpage territorial 2021/);

  // Search by name, pick with the mouse.
  await page.fill('#recherche-territoire', 'nord');
  await page.waitForSelector('#resultats-territoire [role=option]');
  assert.match(await page.textContent('#resultats-territoire [role=option]'), /^59 — Nord \(département\)/);
  await page.click('#resultats-territoire [role=option] >> nth=0');
  // Search by code, pick with the keyboard: the first option is selected (Enter picks it), and
  // the first ArrowDown goes to it, never past it (issue 23).
  await page.fill('#recherche-territoire', '62');
  await page.waitForSelector('#territoire-option-0');
  assert.equal(await page.getAttribute('#territoire-option-0', 'aria-selected'), 'true');
  assert.equal(await page.getAttribute('#recherche-territoire', 'aria-activedescendant'), null);
  await page.press('#recherche-territoire', 'ArrowDown');
  assert.equal(await page.getAttribute('#recherche-territoire', 'aria-activedescendant'), 'territoire-option-0');
  await page.press('#recherche-territoire', 'Enter');
  const deps = await page.locator('ul[aria-label="Départements retenus"] .puce span').allTextContents();
  assert.deepEqual(deps, ['59 — Nord', '62 — Pas-de-Calais']);

  // Without EPCI, PS-1 (declined per EPCI) has no row: the Segmentation step shows the error count.
  assert.match(await page.textContent('.menu-etapes'), /Segmentation \(1 erreur\)/);

  // EPCI by SIREN, then two from the suggestions of the chosen départements.
  await page.fill('#recherche-territoire', '200093201');
  await page.waitForSelector('#territoire-option-0');
  assert.match(await page.textContent('#territoire-option-0'), /Métropole Européenne de Lille/);
  await page.press('#recherche-territoire', 'Enter');
  await page.click('summary:has-text("62 — Pas-de-Calais")');
  const buttons = page.locator('details[open] button.lien-bouton');
  await buttons.first().click();
  await page.locator('details[open] button.lien-bouton').first().click();
  const epci = await page.locator('ul[aria-label="EPCI et EPT retenus"] .puce span').allTextContents();
  assert.equal(epci.length, 3);
  assert.equal(epci[0], 'Métropole Européenne de Lille');
  // Territories and segmentation are now complete (the values are still to fill).
  assert.match(await page.textContent('.menu-etapes'), /Territoires \(complète\)Segmentation \(complète\)/);
  await screenshot(page, 'remplir-territoires');

  await reloadApp(page);
  await page.waitForSelector('ul[aria-label="Départements retenus"] .puce');
  assert.deepEqual(await page.locator('ul[aria-label="Départements retenus"] .puce span').allTextContents(), deps);
  assert.deepEqual(await page.locator('ul[aria-label="EPCI et EPT retenus"] .puce span').allTextContents(), epci);

  // Removing a chip (accessible name) updates the list and the storage; the focus goes to the
  // neighbouring chip (here the previous one, the last was removed), never to the page's body.
  await page.click('button[aria-label="Retirer 62 — Pas-de-Calais"]');
  assert.deepEqual(await page.locator('ul[aria-label="Départements retenus"] .puce span').allTextContents(), ['59 — Nord']);
  await page.waitForFunction(() => document.activeElement?.id === 'retirer-departement-59');
  // The two EPCI of the Pas-de-Calais are now outside every declared département.
  await page.waitForSelector('[data-code="E-TERR-EPCI-OUTSIDE"]');
  assert.equal(await page.locator('[data-code="E-TERR-EPCI-OUTSIDE"]').count(), 2);
  assert.match(await page.textContent('.menu-etapes'), /Territoires \(2 erreurs\)/);
  const stored = await storedDraft(page);
  assert.deepEqual(stored.departements, ['59']);
  assert.equal(stored.catalogue.id, 'cus2-logements-locatifs');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('territory search: the arrows go through every option; removing a chip keeps the focus in the list', async () => {
  const page = await openApp(env.browser, env.base);
  await chooseConvention(page);
  await page.goto(`${env.base}#/remplir/territoires`);
  await page.waitForSelector('#recherche-territoire');
  await page.fill('#recherche-territoire', 'nord');
  await page.waitForSelector('#territoire-option-1');
  const active = () => page.getAttribute('#recherche-territoire', 'aria-activedescendant');
  assert.equal(await active(), null);
  await page.press('#recherche-territoire', 'ArrowDown');
  assert.equal(await active(), 'territoire-option-0');
  await page.press('#recherche-territoire', 'ArrowDown');
  assert.equal(await active(), 'territoire-option-1');
  await page.press('#recherche-territoire', 'ArrowUp');
  assert.equal(await active(), 'territoire-option-0');
  for (const d of ['59', '62', '80']) {
    await page.fill('#recherche-territoire', d);
    await page.waitForSelector('#territoire-option-0');
    await page.press('#recherche-territoire', 'Enter');
  }
  const chips = () => page.locator('ul[aria-label="Départements retenus"] .puce span').allTextContents();
  await page.waitForFunction(() => document.querySelectorAll('ul[aria-label="Départements retenus"] .puce').length === 3);
  const focused = (id) => page.waitForFunction((i) => document.activeElement?.id === i, id);
  // The middle chip removed with the keyboard: the focus goes to the next chip.
  await page.focus('#retirer-departement-62');
  await page.keyboard.press('Enter');
  await focused('retirer-departement-80');
  assert.equal((await chips()).length, 2);
  // The last one: to the previous chip; the only one left: to the search field.
  await page.keyboard.press('Enter');
  await focused('retirer-departement-59');
  await page.keyboard.press('Enter');
  await focused('recherche-territoire');
  assert.deepEqual(await chips(), []);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('segmentation offers only the levels the catalogue allows, with the article', async () => {
  const page = await openApp(env.browser, env.base);
  await chooseConvention(page);
  await page.goto(`${env.base}#/remplir/territoires`);
  await page.fill('#recherche-territoire', 'Métropole Européenne de Lille');
  await page.waitForSelector('#territoire-option-0');
  await page.press('#recherche-territoire', 'Enter');
  await page.fill('#recherche-territoire', '59');
  await page.waitForSelector('#territoire-option-0');
  await page.press('#recherche-territoire', 'Enter');
  await page.goto(`${env.base}#/remplir/segmentation`);
  const pp1 = page.locator('#segmentation-maille-pp-1');
  await pp1.waitFor();
  const options = await pp1.locator('label.radio').allTextContents();
  assert.deepEqual(options.map((o) => o.trim()), ['département', 'département + détail EPCI / EPT (à la demande du préfet)']);
  assert.match(await pp1.textContent(), /R\. 445-5/);
  assert.match(await page.textContent('#segmentation-maille-g-1'), /Maille : organisme\./);
  assert.match(await page.textContent('#segmentation-maille-ps-1'), /Maille : EPCI \/ EPT\./);

  await pp1.locator('label.radio >> nth=1').click();
  await pp1.locator('[data-code="I-SEG-PREFECT-LEVEL"]').waitFor();
  assert.match(await pp1.textContent(), /2 lignes/);
  // An optional indicator is not filled until the user retains it.
  const pp5 = page.locator('#segmentation-maille-pp-5');
  assert.equal(await pp5.locator('label.radio').count(), 0);
  await pp5.locator('input[type=checkbox]').check();
  // Organism by default, départements and EPCI on the préfet's request (R. 445-5-1).
  assert.equal(await pp5.locator('label.radio').count(), 4);
  await screenshot(page, 'remplir-segmentation');

  await reloadApp(page);
  await pp1.waitFor();
  assert.equal(await pp1.locator('input[type=radio] >> nth=1').isChecked(), true);
  assert.equal(await pp5.locator('input[type=checkbox]').isChecked(), true);
  await page.context().close();
});

test('a corrupt stored draft is kept aside and reported in French', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, '{"departements": [tronqué');
  await page.goto(`${env.base}#/remplir`);
  await page.waitForSelector('.remplir .message-erreur');
  assert.match(await page.textContent('.remplir .message-erreur'), /brouillon enregistré dans ce navigateur est illisible/);
  assert.deepEqual(await idb(page, 'scan', 'aside:'), [['aside:essai:1', '{"departements": [tronqué']]);
  // The unreadable copy is never overwritten; work goes on in a new draft.
  await page.fill('#raison-sociale', 'Nouvel organisme');
  assert.notEqual(await currentId(page), 'essai');
  assert.deepEqual(await idb(page, 'scan', 'aside:'), [['aside:essai:1', '{"departements": [tronqué']]);
  assert.equal((await storedDraft(page)).organisme.raison_sociale, 'Nouvel organisme');
  assert.deepEqual((await storedList(page)).map((d) => d.id), [await currentId(page)], 'the list holds only readable drafts');
  await page.context().close();
});

test('1st generation: segments de patrimoine, with the ZUS warning, kept after reload', async () => {
  const page = await openApp(env.browser, env.base);
  await page.goto(`${env.base}#/remplir/convention`);
  await page.waitForSelector('#catalogue');
  const value = await page.$eval('#catalogue', (sel) =>
    [...sel.options].find((o) => /1re génération — logements locatifs/.test(o.textContent)).value);
  await page.selectOption('#catalogue', value);
  await page.fill('#annee-signature', '2011');
  await page.press('#annee-signature', 'Tab');
  await page.goto(`${env.base}#/remplir/territoires`);
  for (const code of ['48', '59']) {
    await page.fill('#recherche-territoire', code);
    await page.waitForSelector('#territoire-option-0');
    await page.press('#recherche-territoire', 'Enter');
  }
  // Without segments, the indicators by segment have no row.
  assert.match(await page.textContent('.menu-etapes'), /Segmentation \(2 erreurs\)/);
  await page.click('button:text("Ajouter un segment")');
  await page.fill('input[aria-label="Nom du segment 1"]', 'Mende centre');
  await page.press('input[aria-label="Nom du segment 1"]', 'Tab');
  await page.selectOption('select[aria-label="Département du segment 1"]', '48');
  await page.check('input[aria-label="Segment 1 en ZUS"]');
  // Lozère has no commune in ZUS (décret n° 96-1156): a warning, not an error.
  await page.waitForSelector('[data-code="W-ZUS-NONE"]');
  assert.match(await page.textContent('[data-code="W-ZUS-NONE"]'), /Mende centre.*Lozère/);
  assert.match(await page.textContent('.menu-etapes'), /Territoires \(1 avertissement\)Segmentation \(complète\)/);
  await screenshot(page, 'remplir-segments');
  await reloadApp(page);
  await page.waitForSelector('input[aria-label="Nom du segment 1"]');
  assert.equal(await page.inputValue('input[aria-label="Nom du segment 1"]'), 'Mende centre');
  assert.equal(await page.isChecked('input[aria-label="Segment 1 en ZUS"]'), true);
  assert.equal(await page.inputValue('select[aria-label="Département du segment 1"]'), '48');
  await page.context().close();
});

/** A 2nd-generation draft with two départements and one EPCI, PP-1 detailed by EPCI. */
const DRAFT = {
  name: 'Essai grille',
  organisme: { raison_sociale: 'Habitat Essai', siren: '200093201', kind: 'oph', siege_departement: '59' },
  catalogue: { id: 'cus2-logements-locatifs', version: '2026.11.0' },
  signing_year: 2024, geo_vintage: 2021,
  departements: ['59', '62'], epci: ['200093201'],
  segmentation: { 'PP-1': { levels: ['departement', 'epci'] } },
};

test('grid: type, paste a 3×4 block from a spreadsheet, totals, keyboard, reload keeps every value', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  const first = page.locator('#case-0-0-0');
  await first.waitFor();
  assert.match(await first.getAttribute('aria-label'), /^PP-1, 59 — Nord, Total, Référence$/);
  assert.equal(await page.locator('.grille >> nth=0 >> tbody tr').count(), 4); // 3 rows + totals

  // Paste a block copied from a spreadsheet (French numbers, tab-separated, CRLF).
  await first.focus();
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '1 234\t2\t3\t4\r\n5\t6\t7\t8\r\n9\t10\t11\t12\r\n');
    document.getElementById('case-0-0-0').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.grille .message-ok');
  assert.match(await page.textContent('.grille .message-ok'), /12 cases collées/);
  assert.equal(await page.inputValue('#case-0-0-0'), '1\u202f234');
  assert.equal(await page.inputValue('#case-0-2-3'), '12');
  assert.equal(await page.inputValue('#case-0-2-4'), '');   // outside the block: untouched
  const totals = await page.locator('.grille >> nth=0 >> .ligne-total td').allTextContents();
  // The totals add up the départements only: the EPCI row is detail inside the Nord.
  assert.equal(await page.textContent('.grille >> nth=0 >> .ligne-total th'), 'Total calculé (niveau département)');
  assert.equal(totals[0], '1\u202f239');   // 1 234 + 5
  assert.equal(totals[3], '12');
  // Every computed total explains itself on demand.
  await page.locator('.grille >> nth=0 >> .ligne-total button').first().click();
  const explained = await page.textContent('.grille >> nth=0 >> .explication');
  assert.match(explained, /Calcul du total \(Total, Référence\)/);
  assert.match(explained, /1\u202f234 \+ 5 = 1\u202f239/);
  assert.match(explained, /1\u202f234/);

  // Keyboard: arrows and Enter move between cells.
  await page.focus('#case-0-0-1');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-1-1');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-2-1');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-1-1');

  // Empty and zero differ; a non-number and a decimal in a count get a French message.
  await page.fill('#case-0-1-5', '0');
  await page.fill('#case-0-1-6', 'abc');
  await page.fill('#case-0-1-7', '1,5');
  assert.equal(await page.getAttribute('#case-0-1-6', 'aria-invalid'), 'true');
  assert.match(await page.textContent('#case-0-1-6-erreur'), /« abc » n'est pas un nombre/);
  assert.match(await page.textContent('#case-0-1-7-erreur'), /attend un nombre entier/);
  assert.equal(await page.getAttribute('#case-0-1-7', 'aria-describedby'), 'case-0-1-7-erreur');
  assert.match(await page.textContent('.menu-etapes'), /Politique patrimoniale \(PP-1, PP-2, PP-3\) \(\d+ erreurs\)/);
  await screenshot(page, 'remplir-grille');

  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  assert.equal(await page.inputValue('#case-0-0-0'), '1\u202f234');
  assert.equal(await page.inputValue('#case-0-2-3'), '12');
  assert.equal(await page.inputValue('#case-0-1-5'), '0');
  assert.equal(await page.inputValue('#case-0-1-4'), '');
  // Even a wrong entry is kept as typed, still flagged.
  assert.equal(await page.inputValue('#case-0-1-6'), 'abc');
  assert.equal(await page.getAttribute('#case-0-1-6', 'aria-invalid'), 'true');
  const stored = await storedDraft(page);
  assert.equal(stored.values['PP-1|departement:59|total|ref'], 1234);
  assert.equal(stored.values['PP-1|epci:200093201|PLAI|ref'], 12);
  assert.equal(stored.values['PP-1|departement:62|total/hors-ru|c3'] ?? null, null);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('organisme step: the SIREN key and the other organism rules, listed on the step and counted in the menu', async () => {
  const page = await openApp(env.browser, `${env.base}#/remplir`);
  await page.waitForSelector('#siren');
  const list = '#diagnostics-organisme';
  await page.fill('#raison-sociale', 'Office public de l\'habitat d\'essai');
  await page.fill('#siren', '200093202');
  assert.match(await page.textContent(`${list} [data-code="E-ORG-SIREN-INVALID"]`),
    /^Erreur : Le SIREN de l'organisme « 200 093 202 » n'est pas valide : sa clé de contrôle/);
  assert.equal(await page.getAttribute('#siren', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#siren', 'aria-describedby'), 'diagnostics-organisme');
  // Head office and kind not chosen yet: an error and a warning.
  assert.equal(await page.locator(`${list} [data-code="E-ORG-SIEGE-MISSING"]`).count(), 1);
  assert.equal(await page.locator(`${list} [data-code="W-ORG-KIND-MISSING"]`).count(), 1);
  await page.fill('#siren', '200 093 201');
  assert.equal(await page.locator(`${list} [data-code="E-ORG-SIREN-INVALID"]`).count(), 0);
  assert.equal(await page.getAttribute('#siren', 'aria-invalid'), null);
  await page.selectOption('#statut', { label: 'Office public de l\'habitat (OPH)' });
  await page.selectOption('#siege', '59');
  assert.equal(await page.locator(list).count(), 0);
  assert.match(await page.textContent('.menu-etapes li:first-child'), /complète/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('organisme rules with a catalogue chosen: counted on the Organisme step, listed on Vérification', async () => {
  const page = await openApp(env.browser, env.base);
  const list = '#diagnostics-organisme';
  await setDraft(page, { ...DRAFT, organisme: { raison_sociale: 'Habitat Essai', siren: '200093202' } });
  await page.goto(`${env.base}#/remplir/organisme`);
  await reloadApp(page);
  await page.waitForSelector(`${list} [data-code="E-ORG-SIREN-INVALID"]`);
  assert.match(await page.textContent('.menu-etapes li:first-child'), /^Organisme \(2 erreurs, 1 avertissement\)$/);
  await page.goto(`${env.base}#/remplir/verification`);
  await page.waitForSelector('.verification [data-code="E-ORG-SIREN-INVALID"]');
  assert.equal(await page.locator('.verification [data-code="E-ORG-SIEGE-MISSING"]').count(), 1);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('several named drafts: open one while another is edited, duplicate, rename, delete with confirmation', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  await page.fill('#case-0-0-0', '42');
  // A second draft, edited, then back to the first one.
  await page.click('.brouillons summary');
  await page.click('button:text("Nouveau brouillon")');
  // The new draft is created in the browser's storage, then opened.
  await page.waitForFunction(() => document.querySelector('.brouillon-courant .brouillon-nom')?.textContent === 'Brouillon 2');
  await page.goto(`${env.base}#/remplir`);
  await page.fill('#raison-sociale', 'Deuxième organisme');
  await page.fill('#nom-brouillon', 'Second essai');
  await page.press('#nom-brouillon', 'Tab');
  const names = await page.locator('.liste-brouillons .brouillon-nom').allTextContents();
  assert.deepEqual(names, ['Second essai', 'Essai grille'], 'most recently changed first');
  await page.click('button[aria-label="Ouvrir Essai grille"]');
  await page.waitForFunction(() => document.querySelector('.brouillon-courant .brouillon-nom')?.textContent === 'Essai grille');
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.locator('#case-0-0-0').waitFor();
  assert.equal(await page.inputValue('#case-0-0-0'), '42');
  await page.goto(`${env.base}#/remplir`);
  assert.equal(await page.inputValue('#raison-sociale'), 'Habitat Essai');

  // Duplicate, then delete the copy: first a confirmation, "Annuler" keeps it.
  await page.click('button[aria-label="Dupliquer Essai grille"]');
  // The list is read again from the storage once the copy is written.
  await page.waitForFunction(() => [...document.querySelectorAll('.liste-brouillons .brouillon-nom')]
    .some((e) => e.textContent === 'Essai grille (copie)'));
  await page.click('button[aria-label="Supprimer Essai grille (copie)"]');
  await page.waitForSelector('[role=alertdialog]');
  await page.click('[role=alertdialog] button:text("Annuler")');
  assert.equal(await page.locator('[role=alertdialog]').count(), 0);
  assert.equal(await page.locator('.liste-brouillons .brouillon').count(), 3);
  await page.click('button[aria-label="Supprimer Essai grille (copie)"]');
  await page.click('[role=alertdialog] button:text("Supprimer définitivement")');
  await page.waitForFunction(() => document.querySelectorAll('.liste-brouillons .brouillon').length === 2);
  await reloadApp(page);
  await page.click('.brouillons summary');
  assert.deepEqual(await page.locator('.liste-brouillons .brouillon-nom').allTextContents(), ['Second essai', 'Essai grille']);
  await page.context().close();
});

test('full storage: a French message, work goes on in memory, the last good copy is kept', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  await page.fill('#case-0-0-0', '7');
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  // The browser's storage refuses every write from now on (as when it is full). The first
  // record of a draft's commit is accepted, the second refused: nothing of the commit may stay.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    window.restorePut = () => { IDBObjectStore.prototype.put = put; };
    let n = 0;
    IDBObjectStore.prototype.put = function (...args) {
      if (n++ % 2 === 0) return put.apply(this, args);
      throw new DOMException('quota', 'QuotaExceededError');
    };
  });
  await page.fill('#case-0-0-1', '8');
  await page.waitForSelector('.remplir > .message-erreur');
  assert.match(await page.textContent('.remplir > .message-erreur'), /stockage du navigateur est plein.*la version précédente est intacte/);
  assert.equal(await page.inputValue('#case-0-0-1'), '8');      // kept in memory
  await page.fill('#case-0-0-2', '9');
  assert.equal(await page.inputValue('#case-0-0-2'), '9');
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');
  const stored = await storedDraft(page);
  assert.equal(stored.values['PP-1|departement:59|total|ref'], 7);   // last good copy intact
  assert.equal(stored.values['PP-1|departement:59|total/hors-qpv|ref'], undefined);
  assert.equal(JSON.parse(await idb(page, 'get', 'info:essai')).version, 2, 'the line was not rewritten either');
  await screenshot(page, 'brouillon-stockage-plein');
  // Room again: the next change is written, the message goes.
  await page.evaluate(() => window.restorePut());
  await page.fill('#case-0-0-3', '10');
  await page.waitForFunction(() => document.body.dataset.sauvegarde === 'faite' && !document.querySelector('.remplir > .message-erreur'));
  const after = await storedDraft(page);
  assert.equal(after.values['PP-1|departement:59|total/hors-qpv|ref'], 8);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sample conventions open from the home page in a new draft', async () => {
  const page = await openApp(env.browser, env.base);
  await page.click('button:text("Ouvrir l\'exemple : Petit organisme, un département")');
  await page.waitForFunction(() => location.hash === '#/remplir');
  await page.waitForSelector('#raison-sociale');
  assert.match(await page.inputValue('#raison-sociale'), /Habitat des Deux Vallées/);
  assert.doesNotMatch(await page.textContent('.menu-etapes'), /erreur/);
  await page.click('.menu-etapes a:has-text("Politique patrimoniale")');
  await page.locator('#case-0-0-0').waitFor();
  assert.notEqual(await page.inputValue('#case-0-0-0'), '');

  await page.goto(env.base);
  await page.click('button:text("Ouvrir l\'exemple : Grand organisme, six départements avec détail par EPCI")');
  await page.waitForSelector('#raison-sociale');
  assert.match(await page.inputValue('#raison-sociale'), /Logis des Trois Estuaires/);
  const t0 = Date.now();
  await page.click('.menu-etapes a:has-text("Politique patrimoniale")');
  await page.locator('#case-0-20-0').waitFor();   // 6 départements + 15 EPCI for PP-1
  const ms = Date.now() - t0;
  assert.equal(await page.locator('.grille >> nth=0 >> tbody tr').count(), 22);
  console.log(`# large sample, engagement page with ${await page.locator('input.case').count()} cells rendered in ${ms} ms`);
  await page.click('.brouillons summary');
  assert.equal(await page.locator('.liste-brouillons .brouillon').count(), 2);
  await page.context().close();
});

test('a small convention filled from scratch through every step', async () => {
  const page = await openApp(env.browser, `${env.base}#/remplir`);
  await page.waitForSelector('#raison-sociale');
  await page.fill('#raison-sociale', 'Habitat de la Plaine');
  await page.fill('#siren', '988041729');
  await page.selectOption('#statut', { label: 'Office public de l\'habitat (OPH)' });
  await page.selectOption('#siege', '88');
  await page.click('a:text("Convention →")');
  const value = await page.$eval('#catalogue', (sel) =>
    [...sel.options].find((o) => /2e génération — logements locatifs \(version 2026\.11\.0,/.test(o.textContent)).value);
  await page.selectOption('#catalogue', value);
  await page.fill('#annee-signature', '2021');
  await page.press('#annee-signature', 'Tab');
  await page.click('a:text("Territoires →")');
  for (const q of ['88', 'Epinal']) {
    await page.fill('#recherche-territoire', q);
    await page.waitForSelector('#territoire-option-0');
    await page.press('#recherche-territoire', 'Enter');
  }
  await page.click('a:text("Segmentation →")');
  await page.waitForSelector('#segmentation-maille-pp-1');
  assert.match(await page.textContent('.menu-etapes'), /Organisme \(complète\)Convention \(complète\)Territoires \(complète\)Segmentation \(complète\)/);
  // The Parc step, then every engagement page, in order, through the "next" button.
  let pages = 0;
  while (await page.locator('.navigation-etapes a.bouton:not(.bouton-secondaire)').count() > 0) {
    await page.click('.navigation-etapes a.bouton:not(.bouton-secondaire)');
    await page.waitForFunction(() => /(parc|engagement-\d+|verification)$/.test(location.hash));
    // The page of the new step is rendered (not the previous one's grid still in the DOM).
    await page.waitForFunction(() => document.querySelector('.menu-etapes a[aria-current="step"]')?.getAttribute('href') === location.hash);
    if (await page.evaluate(() => location.hash.endsWith('verification'))) break;
    // The stock of dwellings is optional: left empty here.
    if (await page.evaluate(() => location.hash.endsWith('parc'))) continue;
    pages++;
    const first = page.locator('input.case').first();
    if (await first.count() > 0) {
      await first.fill('3');
    }
  }
  assert.ok(pages >= 5, `only ${pages} engagement pages`);
  const done = await page.locator('.menu-etapes li.etape-faite').count();
  assert.equal(done, 4);   // Organisme, Convention, Territoires, Segmentation
  // Only one value per page was typed: the mandatory rows left empty are listed as errors.
  assert.ok(await page.locator('.verification [data-code="E-REQUIRED-MISSING"]').count() > 0);
  assert.equal(await page.locator('.verification [data-code="E-VALUE-INVALID"]').count(), 0);
  const stored = await storedDraft(page);
  assert.equal(stored.organisme.siren, '988041729');
  assert.ok(Object.keys(stored.values).length >= 5, JSON.stringify(stored.values));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('yearly counts get a computed totals column (sum of the six years)', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, {
    name: 'Première génération',
    catalogue: { id: 'cus1-logements-locatifs', version: CUS1_VERSION },
    signing_year: 2011, departements: ['59', '62'],
  });
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  const grid = page.locator('.grille').first();
  await grid.waitFor();
  assert.match(await grid.locator('h3').textContent(), /A\.I/);
  assert.match(await grid.textContent(), /Total des 6 années \(calculé\)/);
  // Columns: 2011…2016 then the 6-year cumulative, each split Total / PLAI / PLUS / PLS.
  assert.match(await page.getAttribute('#case-0-0-0', 'aria-label'), /A\.I, 59 — Nord, Total, 2011/);
  await page.fill('#case-0-0-0', '10');   // 2011, Total
  await page.fill('#case-0-0-4', '15');   // 2012, Total
  await page.fill('#case-0-1-0', '1');    // Pas-de-Calais, 2011
  const row = await grid.locator('tbody tr').first().locator('td.total').allTextContents();
  assert.equal(row[0], '25');
  const last = await grid.locator('tr.ligne-total td.total').allTextContents();
  assert.equal(last[0], '11');                 // 2011 column
  assert.equal(last[last.length - 4], '26');   // totals column, Total split
  await page.context().close();
});

test('Vérification lists every diagnostic; its link focuses the cell; fixing it removes it', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  await page.locator('#case-0-1-2').waitFor();
  await page.fill('#case-0-1-2', '12a');
  const label = await page.getAttribute('#case-0-1-2', 'aria-label');
  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification');
  assert.match(await page.textContent('.verification .resume'), /\d+ erreurs?, /);
  const item = page.locator('.verification [data-code="E-VALUE-INVALID"]');
  assert.equal(await item.count(), 1);
  assert.match(await item.textContent(), /« 12a » n'est pas un nombre/);
  assert.match(await item.textContent(), /indicateur PP-1, 62 — Pas-de-Calais/);
  await item.locator('a:text("Aller à la case")').click();
  await page.waitForFunction(() => document.activeElement?.id === 'case-0-1-2');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), label);
  await page.fill('#case-0-1-2', '12');
  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification');
  assert.equal(await page.locator('.verification [data-code="E-VALUE-INVALID"]').count(), 0);

  // A "dont hors QPV" part above its total: message on Vérification, fixed, gone.
  await page.click('.menu-etapes a:has-text("Politique patrimoniale")');
  await page.locator('#case-0-0-0').waitFor();
  await page.fill('#case-0-0-0', '5');   // Nord, Total, Référence
  await page.fill('#case-0-0-1', '9');   // Nord, Total dont hors QPV, Référence
  // The rule's message shows on the cell itself, at once.
  await page.waitForSelector('#case-0-0-1[aria-invalid="true"]');
  assert.ok((await page.textContent('#case-0-0-1-erreur')).length > 10);
  await page.click('.menu-etapes a:text("Vérification")');
  const part = page.locator('.verification [data-code="E-PART-EXCEEDS-TOTAL"]');
  await part.waitFor();
  assert.match(await part.textContent(), /59 — Nord/);
  assert.match(await part.textContent(), /R\. 445-5/);
  await screenshot(page, 'remplir-verification');
  await part.locator('a:text("Aller à la case")').click();
  await page.waitForFunction(() => document.activeElement?.id === 'case-0-0-1');
  await page.fill('#case-0-0-1', '3');
  await page.click('.menu-etapes a:text("Vérification")');
  await page.waitForSelector('.verification');
  assert.equal(await page.locator('.verification [data-code="E-PART-EXCEEDS-TOTAL"]').count(), 0);
  await page.context().close();
});

test('undo and redo: a paste over filled cells says what it replaced and is one step; Ctrl+Z, Ctrl+Y and the buttons', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  assert.ok(await page.isDisabled('#annuler'), 'nothing to undo on opening');
  // Two values typed, each a step.
  await page.fill('#case-0-0-0', '7');
  await page.fill('#case-0-1-1', '8');
  assert.equal(await page.isDisabled('#annuler'), false);
  // A 3×4 block pasted over them.
  await page.focus('#case-0-0-0');
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.setData('text/plain', '1\t2\t3\t4\n5\t6\t7\t8\n9\t10\t11\t12\n');
    document.getElementById('case-0-0-0').dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('.grille .message-ok');
  assert.match(await page.textContent('.grille .message-ok'), /12 cases collées\. 2 valeurs déjà saisies remplacées \(Ctrl\+Z pour annuler le collage\)/);
  assert.equal(await page.inputValue('#case-0-1-1'), '6');
  // One Ctrl+Z undoes the whole block: the typed values are back, the rest is empty again.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.getElementById('case-0-1-1').value === '8');
  assert.equal(await page.inputValue('#case-0-0-0'), '7');
  assert.equal(await page.inputValue('#case-0-2-3'), '');
  // Ctrl+Y (and Ctrl+Shift+Z) redo it.
  await page.keyboard.press('Control+y');
  await page.waitForFunction(() => document.getElementById('case-0-2-3').value === '12');
  await page.click('#annuler');
  await page.waitForFunction(() => document.getElementById('case-0-2-3').value === '');
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction(() => document.getElementById('case-0-2-3').value === '12');
  // Undo everything: the draft as opened, saved so.
  await page.click('#annuler');
  await page.click('#annuler');
  await page.click('#annuler');
  await page.waitForFunction(() => document.getElementById('annuler').disabled);
  assert.equal(await page.inputValue('#case-0-0-0'), '');
  assert.equal(await page.isDisabled('#retablir'), false);
  const stored = await storedDraft(page);
  assert.deepEqual(stored.values ?? {}, DRAFT.values ?? {});
  // The history covers the other steps too: a name typed in Organisme is undone.
  await page.goto(`${env.base}#/remplir/organisme`);
  await page.waitForSelector('#raison-sociale');
  const before = await page.inputValue('#raison-sociale');
  await page.fill('#raison-sociale', 'Office modifié');
  await page.click('#annuler');
  await page.waitForFunction((b) => document.getElementById('raison-sociale').value === b, before);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('tabbing through a grid at 1 280 px: the last column shown whole, the left edge on a column (never « éférence »)', async () => {
  const context = await env.browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${env.base}#/remplir/exemple/grand-organisme`);
  await page.waitForSelector('.menu-etapes');
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.waitForSelector('#case-1-0-6');
  // PP-2: Référence and six years, a little wider than the grid's box.
  const geometry = (id) => page.evaluate((id) => {
    const input = document.getElementById(id);
    const box = input.closest('.grille-defilement');
    const labels = box.querySelector('thead tr:first-child > td:first-child').getBoundingClientRect().right;
    const starts = [...box.querySelectorAll('thead tr:last-child > th')].map((th) => th.getBoundingClientRect().left);
    const r = input.getBoundingClientRect();
    const visible = starts.filter((x) => x > labels - 40);
    return { right: r.right, left: r.left, boxRight: box.getBoundingClientRect().right, labels, first: Math.min(...visible), scrolled: box.scrollLeft };
  }, id);
  await page.focus('#case-1-0-0');
  for (let c = 1; c <= 6; c++) {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), `case-1-0-${c}`);
    const g = await geometry(`case-1-0-${c}`);
    assert.ok(g.right <= g.boxRight && g.left >= g.labels - 1, `case-1-0-${c} whole: ${JSON.stringify(g)}`);
    // The first column right of the labels starts at their edge: no header cut under them.
    assert.ok(Math.abs(g.first - g.labels) <= 1, `case-1-0-${c} aligned: ${JSON.stringify(g)}`);
  }
  assert.ok((await geometry('case-1-0-6')).scrolled > 0, 'the grid scrolled to its last column');
  for (let c = 5; c >= 0; c--) {
    await page.keyboard.press('Shift+Tab');
    const g = await geometry(`case-1-0-${c}`);
    assert.ok(g.left >= g.labels - 1 && Math.abs(g.first - g.labels) <= 1, `back to case-1-0-${c}: ${JSON.stringify(g)}`);
  }
  await context.close();
});

test('a grid you can read at 1024 px: headers and row labels stay in view, never over a value; messages do not resize the grid', async () => {
  const context = await env.browser.newContext({ locale: 'fr-FR', viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${env.base}#/remplir/exemple/grand-organisme`);
  await page.waitForSelector('.menu-etapes');
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.waitForSelector('#case-0-1-0');
  const rowHeight = () => page.evaluate(() => document.getElementById('case-0-1-0').closest('tr').getBoundingClientRect().height);
  const before = await rowHeight();
  await page.fill('#case-0-1-0', 'abc');
  await page.waitForSelector('#case-0-1-0[aria-invalid="true"]');
  assert.equal(await rowHeight(), before, 'a message does not make its row taller');
  assert.match(await page.getAttribute('#case-0-1-0', 'title'), /« abc » n'est pas un nombre/);
  assert.match(await page.textContent('.grille >> nth=0 >> .erreurs-grille'), /1 case en erreur/);
  // Scroll the grid right and down inside its box.
  const box = page.locator('.grille >> nth=0 >> .grille-defilement');
  await box.evaluate((b) => { b.scrollLeft = 333; b.scrollTop = 120; });
  await page.waitForTimeout(200);
  const g = await box.evaluate((b) => {
    const r = (e) => e.getBoundingClientRect();
    const boxR = r(b);
    const rowHead = r(b.querySelector('tbody th'));
    const thead = r(b.querySelector('thead'));
    // The first value cell whose left edge is right of the row labels.
    const cells = [...b.querySelector('tbody tr').querySelectorAll('td')].map(r);
    const firstShown = cells.find((c) => c.right > rowHead.right + 1);
    const label = r(b.querySelector('thead th[scope="colgroup"] .libelle-periode'));
    return { boxTop: boxR.top, theadTop: thead.top, rowHeadLeft: rowHead.left, boxLeft: boxR.left, rowHeadRight: rowHead.right,
      firstLeft: firstShown.left, labelLeft: label.left, labelRight: label.right, boxRight: boxR.right };
  });
  assert.ok(Math.abs(g.theadTop - g.boxTop) <= 2, `column headers stay on top (${g.theadTop} vs ${g.boxTop})`);
  assert.ok(Math.abs(g.rowHeadLeft - g.boxLeft) <= 2, 'row labels stay on the left');
  assert.ok(g.firstLeft >= g.rowHeadRight - 1, `the scroll stops at a column boundary, no value half hidden (${g.firstLeft} vs ${g.rowHeadRight})`);
  assert.ok(g.labelLeft >= g.rowHeadRight - 1 && g.labelRight <= g.boxRight, 'the period label stays in view');
  await screenshot(page, 'grille-1024');
  await context.close();
});

test('two tabs, no silent loss: the second tab of a draft is read-only until « Modifier ici »; each tab reopens its own draft', async () => {
  const context = await env.browser.newContext({ locale: 'fr-FR' });
  const a = await context.newPage();
  a.errors = [];
  a.on('pageerror', (e) => a.errors.push(String(e)));
  await a.goto(env.base);
  await setDraft(a, DRAFT);
  await a.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(a);
  await a.locator('#case-0-0-0').waitFor();
  await a.fill('#case-0-0-0', '5');
  await a.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');

  // Tab B opens the same draft: told so, read-only, with A's value.
  const b = await context.newPage();
  await b.goto(`${env.base}#/remplir/engagement-1`);
  await b.waitForSelector('#lecture-seule');
  assert.match(await b.textContent('#lecture-seule'), /ouvert dans un autre onglet.*lecture seule/);
  assert.equal(await b.inputValue('#case-0-0-0'), '5');
  assert.ok(await b.isDisabled('#case-0-0-0'), 'its cells cannot be typed in');
  assert.equal(await a.locator('#lecture-seule').count(), 0, 'the first tab goes on');

  // A types more; B takes over: A writes it, steps back, and B has it.
  await a.fill('#case-0-1-1', '6');
  await b.click('#modifier-ici');
  await b.waitForFunction(() => !document.getElementById('lecture-seule') && document.getElementById('case-0-1-1').value === '6');
  await a.waitForSelector('#lecture-seule');
  assert.ok(await a.isDisabled('#case-0-0-0'));
  await b.fill('#case-0-2-2', '7');
  await b.waitForFunction(() => document.body.dataset.sauvegarde === 'faite');

  // B opens another draft; A, reloaded, reopens its own draft (with B's value), read-only no more.
  await b.click('summary:has-text("mes brouillons")');
  await b.click('button:text("Nouveau brouillon")');
  await b.waitForFunction(() => document.body.dataset.sauvegarde !== 'en-cours' && !!document.querySelector('.brouillon-courant'));
  await b.waitForFunction(() => document.querySelectorAll('.liste-brouillons li').length === 2);
  await reloadApp(a);
  await a.locator('#case-0-2-2').waitFor();
  assert.equal(await a.inputValue('#case-0-2-2'), '7');
  assert.equal(await a.inputValue('#case-0-0-0'), '5');
  assert.equal(await a.locator('#lecture-seule').count(), 0);
  assert.deepEqual(a.errors, []);
  await context.close();
});

test('a save never overwrites a version another tab wrote since this one read it', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await reloadApp(page);
  await page.locator('#case-0-0-0').waitFor();
  // Another tab (without the presence channel: an older version of the app, say) wrote it.
  const theirs = { ...JSON.parse(await idb(page, 'get', 'draft:essai')), name: 'Écrit ailleurs' };
  const info = { ...JSON.parse(await idb(page, 'get', 'info:essai')), name: 'Écrit ailleurs', updated: '2030-01-01T00:00:00.000Z', version: 99 };
  await idb(page, 'put', { entries: [['info:essai', JSON.stringify(info)], ['draft:essai', JSON.stringify(theirs)]] });
  await page.fill('#case-0-0-0', '9');
  await page.waitForSelector('.remplir > .message-erreur');
  assert.match(await page.textContent('.remplir > .message-erreur'), /enregistré entre-temps dans un autre onglet.*Rechargez la page/);
  await page.waitForFunction(() => document.body.dataset.sauvegarde !== 'en-cours');
  assert.deepEqual(JSON.parse(await idb(page, 'get', 'draft:essai')), theirs);
  await page.context().close();
});

test('the whole fill path with the keyboard only: organism, convention, territories, a value, Vérification, export', async () => {
  const page = await openApp(env.browser, env.base);
  const active = () => page.evaluate(() => {
    const e = document.activeElement;
    return e ? `${e.tagName.toLowerCase()}#${e.id}|${(e.textContent ?? '').trim().slice(0, 60)}` : '';
  });
  /** Press Tab until the focused element matches `selector` (at most `max` presses). */
  async function tabTo(selector, max = 80) {
    for (let i = 0; i < max; i++) {
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector} (focus on ${await active()})`);
  }
  // Home → « Remplir ma CUS » from the header.
  await tabTo('nav a[href="#/remplir"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#raison-sociale');
  await tabTo('#raison-sociale');
  await page.keyboard.type('Office du clavier');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'siren');
  await page.keyboard.type('200093201');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'statut');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'siege');
  await page.keyboard.type('59');
  // Next step by its link.
  await tabTo('.navigation-etapes a.bouton:not(.bouton-secondaire)');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#catalogue');
  await tabTo('#catalogue');
  // The catalogue list: the first choice is a placeholder; pick the current 2nd-generation one.
  const wanted = await page.$eval('#catalogue', (sel) =>
    [...sel.options].findIndex((o) => /2e génération — logements locatifs \(version 2026\.11\.0,/.test(o.textContent)));
  const at = await page.$eval('#catalogue', (sel) => sel.selectedIndex);
  for (let i = at; i < wanted; i++) await page.keyboard.press('ArrowDown');
  await tabTo('#annee-signature');
  await page.keyboard.type('2024');
  await page.keyboard.press('Tab');
  await page.waitForSelector('.resume');
  assert.match(await page.textContent('.resume'), /engagements de 2024 à 2029/);
  await tabTo('.navigation-etapes a.bouton:not(.bouton-secondaire)');
  await page.keyboard.press('Enter');
  // Territoires: the combobox, Enter picks the first hit.
  await page.waitForSelector('#recherche-territoire');
  await tabTo('#recherche-territoire');
  await page.keyboard.type('59');
  await page.waitForSelector('#territoire-option-0');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /59 — Nord/.test(document.querySelector('ul[aria-label="Départements retenus"]')?.textContent ?? ''));
  // Straight to the first engagement page through the step menu.
  await tabTo('.menu-etapes a[href="#/remplir/engagement-1"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#case-0-0-0');
  await tabTo('#case-0-0-0');
  await page.keyboard.type('12');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-0-1');
  assert.equal(await page.inputValue('#case-0-0-0'), '12');
  // Vérification, then Export: a draft file downloaded with Enter.
  await tabTo('.menu-etapes a[href="#/remplir/verification"]', 200);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.verification');
  await tabTo('.menu-etapes a[href="#/remplir/export"]', 200);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#exporter-json');
  await tabTo('#exporter-json');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cus-clavier-')), dl.suggestedFilename());
  await dl.saveAs(file);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(doc.convention.organisme.raison_sociale, 'Office du clavier');
  assert.equal(doc.convention.organisme.siege_departement, '59');
  assert.ok(JSON.stringify(doc).includes('12'), 'the value typed is in the file');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
