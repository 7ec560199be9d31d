// Renders web/icon.svg to the PNG icons of the web app manifest (web/icon-192.png,
// web/icon-512.png) with the headless Chromium of the tests. Run by hand after changing the
// SVG (`node scripts/icons.mjs`); the PNGs are committed.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, launch } from '../tests/e2e/harness.mjs';

const svg = fs.readFileSync(path.join(ROOT, 'web', 'icon.svg'), 'utf8');
const browser = await launch();
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<html><body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: path.join(ROOT, 'web', `icon-${size}.png`), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
console.log('web/icon-192.png, web/icon-512.png');
