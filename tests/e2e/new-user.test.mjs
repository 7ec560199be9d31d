// What a new user hit (issue « What a new user hits today »): each test reproduces the steps
// that showed the problem, and checks what the user now sees and what is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openApp, setDraft, storedDraft, reloadApp } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const NNBSP = '\u202F';
const DRAFT = {
  name: 'Essai saisie',
  organisme: { raison_sociale: 'Habitat Essai', siren: '200093201', kind: 'oph', siege_departement: '59' },
  catalogue: { id: 'cus2-logements-locatifs', version: '2026.11.0' },
  signing_year: 2024, geo_vintage: 2021,
  departements: ['59', '62'], epci: ['200093201'],
  segmentation: { 'PP-1': { levels: ['departement', 'epci'] } },
};

async function openAt(hash) {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, DRAFT);
  await page.goto(`${env.base}${hash}`);
  await reloadApp(page);
  return page;
}

/** Select the cell's text and type `text` key by key, checking what the field shows after each. */
async function typeKeys(page, sel, text) {
  await page.focus(sel);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  for (let i = 1; i <= text.length; i++) {
    await page.keyboard.type(text[i - 1]);
    assert.equal(await page.inputValue(sel), text.slice(0, i), `while typing « ${text} »`);
  }
}

test('numbers show what is typed while typing, every stored digit after, and « 1.234 » is explained', async () => {
  const page = await openAt('#/remplir/engagement-5');
  const cell = '#case-0-0-0';
  await page.locator(cell).waitFor();
  const key = await page.getAttribute(cell, 'data-cell');

  await typeKeys(page, cell, '1.234');
  assert.match(await page.getAttribute(cell, 'title'), /« 1\.234 » est lu 1,234 \(le point est la virgule décimale\)/);
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue(cell), '1,234', 'formatted on leaving the field, no digit hidden');
  assert.equal((await storedDraft(page)).values[key], 1.234);

  await typeKeys(page, cell, '1.234,56');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue(cell), `1${NNBSP}234,56`);
  assert.equal((await storedDraft(page)).values[key], 1234.56);
  assert.equal(await page.getAttribute(cell, 'title'), null, 'no message: the form is not ambiguous');

  // A value changed from elsewhere (undo: the keystroke before) replaces what was typed, formatted.
  await page.click('#annuler');
  assert.equal(await page.inputValue(cell), `1${NNBSP}234,5`);
  await page.context().close();
});

test('a percentage keeps all its digits and accepts the % sign typed', async () => {
  const page = await openAt('#/remplir/engagement-1');
  const cell = '#case-1-0-0';
  await page.locator(cell).waitFor();
  const key = await page.getAttribute(cell, 'data-cell');
  await typeKeys(page, cell, '0,333333');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue(cell), '0,333333');
  assert.equal((await storedDraft(page)).values[key], 0.333333);

  await typeKeys(page, cell, '12,5 %');
  await page.keyboard.press('Tab');
  assert.equal(await page.inputValue(cell), '12,5');
  assert.equal((await storedDraft(page)).values[key], 12.5);
  assert.equal(await page.getAttribute(cell, 'aria-invalid'), null, 'accepted, as when pasted');
  await page.context().close();
});

test('totals add valid values only, say how many were left out, and name the level they add', async () => {
  const page = await openAt('#/remplir/engagement-1');
  await page.locator('#case-0-0-0').waitFor();
  // Rows: départements 59 and 62, then the EPCI (detail, not added again).
  await page.fill('#case-0-0-0', '10');
  await page.fill('#case-0-1-0', '12,5');
  await page.fill('#case-0-2-0', '4');
  const total = page.locator('.grille').first().locator('.ligne-total .bouton-total').first();
  await page.waitForFunction(() => document.querySelector('.grille .ligne-total .bouton-total')?.textContent.startsWith('10'));
  assert.match(await total.textContent(), /^10 \(1 exclue\)$/);
  assert.match(await total.getAttribute('aria-label'), /: 10, 1 valeur en erreur laissée de côté — afficher le calcul/);
  await page.fill('#case-0-1-0', '-3');
  await page.waitForFunction(() => /\(1 exclue\)/.test(document.querySelector('.grille .ligne-total .bouton-total').textContent));
  await page.fill('#case-0-1-0', '5');
  await page.waitForFunction(() => document.querySelector('.grille .ligne-total .bouton-total').textContent === '15');
  assert.equal(await page.locator('.grille').first().locator('.ligne-total th').textContent(), 'Total calculé (niveau département)');
  // The calculation says the same.
  await page.fill('#case-0-1-0', '2,5');
  await total.click();
  await page.waitForSelector('.grille p.explication');
  assert.match(await page.locator('.grille').first().textContent(), /1 valeur en erreur laissée de côté/);
  // The printed recap names its totals row the same way.
  await page.goto(`${env.base}#/remplir/recapitulatif`);
  await page.waitForSelector('.recap-table');
  assert.equal(await page.locator('.recap-indicateur').first().locator('tfoot th').first().textContent(), 'Total calculé (niveau département)');
  await page.context().close();
});

test('the signing year comes first, keeps what was typed when it is not a year, and picks the catalogue', async () => {
  const page = await openApp(env.browser, env.base);
  await setDraft(page, { name: 'Nouveau', organisme: { raison_sociale: 'Office' } });
  await page.goto(`${env.base}#/remplir/convention`);
  await reloadApp(page);
  const fields = await page.evaluate(() => [...document.querySelectorAll('.formulaire input, .formulaire select')].map((e) => e.id));
  assert.deepEqual(fields.slice(0, 2), ['annee-signature', 'catalogue'], 'the year is asked first');
  for (const typed of ['24', '1999']) {
    await page.fill('#annee-signature', typed);
    await page.press('#annee-signature', 'Tab');
    assert.equal(await page.inputValue('#annee-signature'), typed, 'what was typed stays');
    assert.match(await page.textContent('#erreur-annee'), new RegExp(`« ${typed} » n'est pas une année de signature : saisissez l'année sur 4 chiffres, entre 2009 et 2040`));
    assert.equal(await page.getAttribute('#annee-signature', 'aria-invalid'), 'true');
    assert.equal((await storedDraft(page)).signing_year, undefined, 'the draft is unchanged');
  }
  await page.fill('#annee-signature', '2024');
  await page.press('#annee-signature', 'Tab');
  await page.waitForSelector('.formulaire .message-ok');
  assert.match(await page.textContent('.formulaire .message-ok'), /Catalogue choisi d'après l'année de signature : .*logements locatifs/);
  const stored = await storedDraft(page);
  assert.equal(stored.signing_year, 2024);
  assert.deepEqual(stored.catalogue, { id: 'cus2-logements-locatifs', version: '2026.11.0' });
  assert.match(await page.textContent('.menu-etapes li:nth-child(2)'), /complète/);
  // A year the chosen catalogue does not cover: the step is not complete, and says why.
  await page.selectOption('#catalogue', { label: await page.$eval('#catalogue', (s) => [...s.options].find((o) => /version 2026\.11\.0-r2017/.test(o.textContent) && /locatifs/.test(o.textContent)).textContent) });
  await page.waitForSelector('.formulaire .diag-avertissement');
  assert.doesNotMatch(await page.textContent('.menu-etapes li:nth-child(2)'), /complète/);
  await page.context().close();
});

test('Enter on « … → » puts the focus on the next step heading; Shift+Enter moves up in a grid', async () => {
  const page = await openAt('#/remplir/convention');
  await page.focus('.navigation-etapes a:last-child');
  assert.match(await page.textContent('.navigation-etapes a:last-child'), /Territoires →/);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/remplir/territoires');
  await page.waitForFunction(() => document.activeElement?.id === 'titre-etape');
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Territoires/);
  await page.goto(`${env.base}#/remplir/engagement-1`);
  await page.locator('#case-0-2-0').waitFor();
  await page.focus('#case-0-2-0');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-1-0');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'case-0-2-0');
  await page.context().close();
});

test('the parc: EPCI inside their département, a figure that is not a number of dwellings, the step not complete meanwhile', async () => {
  const page = await openAt('#/remplir/parc');
  await page.fill('#parc-departement-59', '3 500');
  await page.press('#parc-departement-59', 'Tab');
  await page.fill('#parc-epci-200093201', '4 000');
  await page.press('#parc-epci-200093201', 'Tab');
  await page.waitForSelector('#diagnostics-parc [data-code="E-STOCK-EPCI-EXCEEDS"]');
  assert.match(await page.textContent('#diagnostics-parc'), /Erreur : Le parc des EPCI situés entièrement dans 59 — Nord/);
  assert.match(await page.textContent('.menu-etapes a[href="#/remplir/parc"] + .etape-etat'), /1 erreur/);
  await page.fill('#parc-epci-200093201', '3 000');
  await page.press('#parc-epci-200093201', 'Tab');
  await page.waitForFunction(() => !document.querySelector('#diagnostics-parc [data-code="E-STOCK-EPCI-EXCEEDS"]'));
  assert.match(await page.textContent('.menu-etapes a[href="#/remplir/parc"] + .etape-etat'), /complète/);
  await page.fill('#parc-departement-62', 'abc');
  await page.press('#parc-departement-62', 'Tab');
  assert.match(await page.textContent('#parc-departement-62-message'), /« abc » n'est pas un nombre de logements : saisissez un nombre entier, par exemple 1 234/);
  assert.match(await page.textContent('.menu-etapes a[href="#/remplir/parc"] + .etape-etat'), /1 saisie non enregistrée/);
  await page.context().close();
});

test('every error counted for a page is on it; a wrong engagement address says what is wrong', async () => {
  const page = await openAt('#/remplir/engagement-2');
  await page.locator('.grille').first().waitFor();
  const status = await page.textContent('.menu-etapes a[aria-current="step"] + .etape-etat');
  const counted = Number(status.match(/(\d+) erreurs?/)[1]);
  assert.ok(counted > 0, status);
  const shown = await page.$$eval('#diagnostics-obligatoires li.diag-erreur', (li) => li.reduce((n, e) => n + Number(e.dataset.count), 0));
  assert.equal(shown, counted, 'the required rows counted in the menu are said on the page');
  assert.match(await page.textContent('#diagnostics-obligatoires'), /PP-4 — 2 lignes obligatoires entièrement vides : 59 — Nord, 62 — Pas-de-Calais\./);
  await page.goto(`${env.base}#/remplir/engagement-99`);
  await page.waitForSelector('.etape .avertissement');
  assert.match(await page.textContent('.etape .avertissement'), /engagement n° 99, mais le catalogue choisi .* n'en a que 7/);
  await page.context().close();
});

test('an indicator whose unit the text leaves open: chosen once above its grid, stored, shown', async () => {
  const page = await openAt('#/remplir/engagement-2');
  const choice = page.locator('.grille').first().locator('.choix-unite');
  await choice.waitFor();
  assert.match(await choice.textContent(), /Unité de l'engagement PP-4 \(le texte ne la fixe pas\)/);
  assert.match(await page.locator('.grille h3').first().textContent(), /\(logements ou % du parc \(à confirmer\)\)/);
  await choice.getByLabel('en % du parc', { exact: true }).check();
  await page.waitForFunction(() => /\(% du parc\)/.test(document.querySelector('.grille h3').textContent));
  assert.deepEqual((await storedDraft(page)).units, { 'PP-4': '% du parc' });
  // Vérification still asks for SR-1's, not PP-4's.
  await page.goto(`${env.base}#/remplir/verification`);
  await page.waitForSelector('.verification');
  const asked = await page.locator('.verification [data-code="W-UNIT-NOT-CHOSEN"]').allTextContents();
  assert.equal(asked.length, 1);
  assert.match(asked[0], /SR-1 : le texte ne fixe pas l'unité/);
  await page.context().close();
});
