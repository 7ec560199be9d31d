// "Comprendre les indicateurs": the catalogue reference, its search, deep links, and loading a
// newer catalogue file at run time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, openApp, screenshot } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** A small but complete catalogue, as `cus catalogue --format json` would print it. */
function newerCatalogue(version = '2099.1.0') {
  return {
    id: 'cus2-test-formation', version, title: 'Catalogue de formation', generation: 'deuxieme',
    kind: 'logements-locatifs', signing: { from: '2099-01-01' },
    sources: [{ id: 's', title: 'Code de la construction et de l\'habitation', version: 'rédaction fictive' }],
    engagements: [{ id: 'e', area: 'Formation', label: 'Engagement d\'exercice', wording: 'verbatim' }],
    indicators: [{
      code: 'EX-1', short_label: 'Indicateur d\'exercice', label: 'EX-1. Nombre de logements d\'exercice, par année.',
      wording: 'verbatim', engagement: 'e', source: { source: 's', article: 'R. 445-5' },
      definition: 'Un indicateur inventé pour la formation.', value: { type: 'nombre', unit: 'logements' },
      periods: { yearly: true }, levels: { allowed: ['departement'] }, requirement: 'obligatoire',
    }],
  };
}

async function search(page, q) {
  await page.fill('#recherche', q);
  await page.waitForFunction(() => document.querySelector('#nb-resultats') !== null);
}

test('opens on the current catalogue, headings free of research notes', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  assert.deepEqual(await page.locator('section.catalogue h2').allTextContents(), ['CUS 2e génération — logements locatifs']);
  const codes = await page.locator('article.indicateur .code').allTextContents();
  assert.ok(codes.includes('G-1') && !codes.includes('PP-1 bis') && !codes.includes('A.I'), codes.join(','));
  await page.selectOption('#catalogue', 'tous');
  const headings = await page.locator('h1, h2, h3, h4, .catalogue-meta').allTextContents();
  for (const h of headings) {
    assert.doesNotMatch(h, /non retrouvé|à confirmer|extrait lu|frontière|non lu/i, h);
  }
  // The notes are still there, folded under « Sources et fiabilité ».
  const card = page.locator('article.indicateur').first();
  await card.locator('details.sources-fiabilite summary').click();
  assert.ok(await card.locator('details.sources-fiabilite li').first().isVisible());
  await page.context().close();
});

test('every indicator card shows definition, unit, periodicity, level, source and wording status', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  await page.selectOption('#catalogue', 'tous');
  const cards = page.locator('article.indicateur');
  const n = await cards.count();
  assert.ok(n >= 30, `only ${n} indicators shown`);
  assert.equal(await page.textContent('#nb-resultats'), `${n} indicateurs`);
  for (const i of [0, Math.floor(n / 2), n - 1]) {
    const terms = await cards.nth(i).locator('dt').allTextContents();
    for (const t of ['Définition', 'Valeur', 'Périodicité', 'Maille territoriale', 'Caractère', 'Source']) {
      assert.ok(terms.includes(t), `card ${i} lacks ${t}: ${terms}`);
    }
    assert.equal(await cards.nth(i).locator('.statut').count(), 1);
  }
  // Both generations are present.
  const titles = await page.locator('section.catalogue h2').allTextContents();
  assert.ok(titles.some((t) => /1re génération/.test(t)), titles.join(' | '));
  assert.ok(titles.some((t) => /2e génération/.test(t)), titles.join(' | '));
  await screenshot(page, 'comprendre-tout');
  await page.context().close();
});

test('search by code or keyword, and filter by generation', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  await search(page, 'PP-1');
  const codes = await page.locator('article.indicateur .code').allTextContents();
  assert.ok(codes.length >= 1 && codes.every((c) => c === 'PP-1'), codes.join(','));
  const card = page.locator('article.indicateur').first();
  assert.match(await card.textContent(), /PLAI \(Prêt locatif aidé d'intégration\)/);
  assert.match(await card.textContent(), /dont hors QPV/);
  assert.match(await card.textContent(), /cumulé à 3 et 6 ans/);
  assert.match(await card.textContent(), /R\. 445-5/);
  await screenshot(page, 'comprendre-pp1');

  await page.selectOption('#catalogue', 'tous');
  await search(page, 'energetique');   // no accent typed
  const hits = await page.locator('article.indicateur .code').allTextContents();
  assert.ok(hits.includes('PP-2'), hits.join(','));

  await search(page, 'zzz introuvable');
  assert.equal(await page.locator('article.indicateur').count(), 0);
  assert.equal(await page.textContent('#nb-resultats'), 'Aucun indicateur ne correspond à la recherche.');

  await search(page, '');
  await page.selectOption('#catalogue', 'premiere');
  const gens = await page.locator('section.catalogue h2').allTextContents();
  assert.ok(gens.length > 0 && gens.every((t) => /1re génération/.test(t)), gens.join(' | '));
  await page.context().close();
});

test('a deep link opens the reference on one indicator, highlighted', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre/cus2-logements-locatifs/G-1`);
  const target = page.locator('article.indicateur-cible');
  await target.waitFor();
  assert.equal(await target.locator('.code').textContent(), 'G-1');
  assert.match(await target.textContent(), /organisme/);
  assert.ok(await target.isVisible());
  await page.context().close();
});

test('a deep link names the catalogue version; without one, the current version; ids are unique', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre/cus2-logements-locatifs/2026.11.0-r2017/PS-1`);
  const target = page.locator('article.indicateur-cible');
  await target.waitFor();
  assert.equal(await target.locator('.code').textContent(), 'PS-1');
  assert.match(await target.getAttribute('id'), /2026\.11\.0-r2017/);
  assert.deepEqual(await page.locator('section.catalogue h2').allTextContents(),
    ['CUS 2e génération — logements locatifs (rédaction de 2017, CUS signées avant le 29 juillet 2019)']);
  // The card's own link names its version.
  assert.equal(await target.locator('.lien-direct a').getAttribute('href'), '#/comprendre/cus2-logements-locatifs/2026.11.0-r2017/PS-1');

  await page.goto(`${env.base}#/comprendre/cus2-logements-locatifs/PS-1`);
  await page.waitForFunction(() => /^ind-cus2-logements-locatifs-2026\.11\.0-ps-1$/.test(document.querySelector('article.indicateur-cible')?.id ?? ''));
  assert.deepEqual(await page.locator('section.catalogue h2').allTextContents(), ['CUS 2e génération — logements locatifs']);

  await page.selectOption('#catalogue', 'tous');
  const dups = await page.evaluate(() => {
    const seen = new Set(); const d = [];
    for (const el of document.querySelectorAll('[id]')) { if (seen.has(el.id)) d.push(el.id); seen.add(el.id); }
    return d;
  });
  assert.deepEqual(dups, []);
  await page.context().close();
});

test('a wrong card address says what is wrong in French, with a way out', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre/cus2-logements-locatifs/PS-9`);
  const alert = page.locator('#lien-inconnu[role="alert"]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^L'indicateur PS-9 n'existe pas dans ce catalogue \(CUS 2e génération — logements locatifs, version /);
  assert.equal(await page.locator('article.indicateur-cible').count(), 0);
  assert.ok(await page.locator('article.indicateur').count() > 0, 'the catalogue is still listed');
  await alert.locator('a', { hasText: 'Voir la liste des indicateurs' }).click();
  await page.waitForFunction(() => location.hash === '#/comprendre' && !document.querySelector('#lien-inconnu'));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a newer catalogue file is checked, loaded, listed, and kept after reload', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  await page.selectOption('#catalogue', 'tous');
  const before = await page.locator('article.indicateur').count();
  await page.setInputFiles('#fichier-catalogue', {
    name: 'catalogue.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([newerCatalogue()])),
  });
  await page.waitForSelector('.message-ok');
  assert.match(await page.textContent('.message-ok'), /Catalogue « Catalogue de formation » \(version 2099\.1\.0\) chargé : 1 indicateurs/);
  // The page shows the catalogue just loaded, and lists it with the others.
  assert.deepEqual(await page.locator('article.indicateur .code').allTextContents(), ['EX-1']);
  await page.selectOption('#catalogue', 'tous');
  assert.equal(await page.locator('article.indicateur').count(), before + 1);
  await page.reload();
  await page.waitForFunction(() => performance.getEntriesByName('app-first-render').length > 0);
  // Still opens on the catalogue in force today; the search says where else EX-1 is.
  await search(page, 'EX-1');
  assert.equal(await page.textContent('#nb-resultats'), 'Aucun indicateur ne correspond à la recherche ici, mais 1 dans un autre catalogue.');
  await page.click('#chercher-partout');
  assert.deepEqual(await page.locator('article.indicateur .code').allTextContents(), ['EX-1']);
  await page.context().close();
});

test('an invalid catalogue file is refused with French diagnostics, nothing changes', async () => {
  const page = await openApp(env.browser, `${env.base}#/comprendre`);
  const before = await page.locator('article.indicateur').count();
  const broken = newerCatalogue();
  delete broken.indicators[0].periods;
  broken.indicators[0].engagement = 'inconnu';
  await page.setInputFiles('#fichier-catalogue', {
    name: 'casse.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)),
  });
  await page.waitForSelector('.message-erreur');
  const msg = await page.textContent('.message-erreur');
  assert.match(msg, /Le catalogue n'a pas été chargé/);
  assert.match(msg, /E-CAT-SYNTAX/);
  assert.match(msg, /champ obligatoire absent : `periods`/);

  // Well-formed but semantically wrong: every problem is listed.
  const wrong = newerCatalogue('2099.2.0');
  wrong.indicators[0].engagement = 'inconnu';
  wrong.indicators.push({ ...wrong.indicators[0] });
  await page.setInputFiles('#fichier-catalogue', {
    name: 'faux.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(wrong)),
  });
  await page.waitForFunction(() => /E-CAT-DUPLICATE-CODE/.test(document.querySelector('.message-erreur')?.textContent ?? ''));
  const msg2 = await page.textContent('.message-erreur');
  assert.match(msg2, /E-CAT-UNKNOWN-ENGAGEMENT/);
  assert.match(msg2, /apparaît deux fois/);
  assert.equal(await page.locator('article.indicateur').count(), before);

  await page.setInputFiles('#fichier-catalogue', {
    name: 'pas-du-json.json', mimeType: 'application/json', buffer: Buffer.from('\u00ff\u00fe garbage {'),
  });
  await page.waitForFunction(() => /E-CAT-SYNTAX/.test(document.querySelector('.message-erreur')?.textContent ?? ''));
  await screenshot(page, 'comprendre-erreur');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
