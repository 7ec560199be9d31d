// The app shell: home page, the three modes by hash route, keyboard, panic banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openApp, screenshot, workspaceVersion } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

test('home page says what the tool is for and for whom', async () => {
  const page = await openApp(env.browser, env.base);
  assert.equal(await page.title(), "CUS indicateurs — conventions d'utilité sociale");
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.textContent('h1'), "Les indicateurs de votre convention d'utilité sociale");
  const audiences = await page.locator('.carte h2').allTextContents();
  assert.deepEqual(audiences, ['Organismes HLM', 'Évaluation', 'Collectivités', "Formation et services de l'État"]);
  // « Évaluer ma CUS » has its card, not only the header's link.
  assert.equal(await page.getAttribute('.carte a:has-text("Évaluer ma CUS")', 'href'), '#/evaluer');
  assert.match(await page.textContent('footer'), new RegExp(`version ${workspaceVersion().replace(/\./g, '\\.')}`));
  await screenshot(page, 'accueil');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('navigation between the modes, with titles, headings and aria-current', async () => {
  const page = await openApp(env.browser, env.base);
  const modes = [
    ['Se former', '#/former', 'former'],
    ['Remplir ma CUS', '#/remplir', 'remplir'],
    ['Simuler sur mon territoire', '#/simuler', 'simuler'],
    ['Évaluer ma CUS', '#/evaluer', 'evaluer'],
    ['Comprendre les indicateurs', '#/comprendre', 'comprendre'],
  ];
  for (const [label, hash, shot] of modes) {
    await page.click(`nav >> text=${label}`);
    await page.waitForFunction((h) => location.hash === h, hash);
    // Each app of the page (header, pages, Remplir) follows the hash on its own render.
    await page.waitForFunction((l) => document.querySelector('h1')?.textContent === l
      && document.activeElement?.id === 'titre-page', label);
    assert.equal(await page.textContent('h1'), label);
    assert.equal(await page.title(), `${label} — CUS indicateurs`);
    assert.equal(await page.getAttribute('nav a[aria-current="page"]', 'href'), hash);
    // Focus moves to the new page's heading.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'titre-page');
    await screenshot(page, shot);
  }
  // Back button follows the hash history.
  await page.goBack();
  await page.waitForFunction(() => location.hash === '#/evaluer');
  await page.waitForSelector('h1:text("Évaluer ma CUS")');
  assert.equal(await page.textContent('h1'), 'Évaluer ma CUS');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('from one mode module to the other: « Simuler » is unmounted and « Remplir » shown', async () => {
  const page = await openApp(env.browser, `${env.base}#/simuler`);
  await page.waitForSelector('h1:text("Simuler sur mon territoire")');
  await page.click('nav >> text=Remplir ma CUS');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Remplir ma CUS');
  assert.equal(await page.$$eval('#simuler *', (e) => e.length), 0, 'the Simuler module is unmounted');
  await page.click('nav >> text=Simuler sur mon territoire');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Simuler sur mon territoire');
  assert.equal(await page.$$eval('#remplir *', (e) => e.length), 0, 'the Remplir module is unmounted');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('deep links and reload keep the page (dist/ works on a static server)', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  assert.equal(await page.textContent('h1'), 'Comprendre les indicateurs');
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0);
  assert.equal(await page.textContent('h1'), 'Comprendre les indicateurs');
  await page.goto(`${env.base}#/adresse-inconnue`);
  await page.waitForSelector('h1:text("Page introuvable")');
  assert.match(await page.textContent('main'), /« #\/adresse-inconnue »/);
  await page.context().close();
});

test('keyboard: skip link first, visible focus, modes reachable with Tab and Enter', async () => {
  const page = await openApp(env.browser, env.base);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Aller au contenu');
  // The focused skip link is on screen and has a visible outline.
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'contenu');
  // Tab through the header to "Comprendre les indicateurs" and open it with Enter.
  await page.focus('a.marque');
  for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Comprendre les indicateurs');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/comprendre');
  await page.waitForSelector('h1:text("Comprendre les indicateurs")');
  assert.equal(await page.textContent('h1'), 'Comprendre les indicateurs');
  await page.context().close();
});

test('a Rust panic shows a French banner and logs the details', async () => {
  const page = await openApp(env.browser, env.base);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.cus_test_panic);
  await page.evaluate(() => { try { window.wasmBindings.cus_test_panic(); } catch (e) { /* wasm trap */ } });
  const banner = page.locator('#panne[role="alert"]');
  await banner.waitFor();
  assert.match(await banner.textContent(), /Rechargez la page/);
  assert.ok(page.consoleErrors.some((m) => m.includes('panique de test')), page.consoleErrors.join('\n'));
  await screenshot(page, 'panne');
  await Promise.all([page.waitForEvent('load'), page.click('#panne button')]);
  await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0);
  assert.equal(await page.locator('#panne').count(), 0);
  await page.context().close();
});

test('print stylesheet hides navigation and interactive parts', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav').isVisible(), false);
  assert.equal(await page.locator('form.filtres').isVisible(), false);
  assert.equal(await page.locator('h1').isVisible(), true);
  await page.context().close();
});

test('the header and a loading line show before the app has started (a deep link is never blank)', async () => {
  const context = await env.browser.newContext({ locale: 'fr-FR', serviceWorkers: 'block' });
  const page = await context.newPage();
  // The wasm never arrives: what shows is the page itself.
  await context.route(/\.wasm$/, (route) => route.abort());
  await page.goto(`${env.base}#/comprendre/cus2-logements-locatifs/2026.11.0/PS-1`);
  await page.waitForSelector('header.entete nav');
  assert.deepEqual(await page.locator('.nav-modes a').allTextContents(),
    ['Remplir ma CUS', 'Évaluer ma CUS', 'Simuler sur mon territoire', 'Comprendre les indicateurs', 'Se former']);
  assert.match(await page.textContent('#pages [role=status]'), /Chargement de l'application/);
  await context.close();
  // Once the app starts, its own header replaces it: one header, one navigation.
  const app = await openApp(env.browser, `${env.base}#/comprendre`);
  assert.equal(await app.locator('header.entete').count(), 1);
  assert.equal(await app.locator('#pages [role=status]:has-text("Chargement de l\'application")').count(), 0);
  await app.context().close();
});
