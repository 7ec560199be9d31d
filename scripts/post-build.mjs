// Trunk post-build hook (Trunk.toml): finishes the build in the staging directory.
//
// 1. The modules trunk builds as "workers" (it does not hash their files): their script and wasm
//    get a content hash in their names and their address goes into a `<meta>` where the app reads
//    it: the formats worker (a loader is written beside it; `<meta name="cus-formats-worker">`,
//    src/formats.rs) and the « Remplir ma CUS », « Simuler sur mon territoire » and « Se former »
//    modules (`<meta name="cus-module-remplir">`, `<meta name="cus-module-simuler">`,
//    `<meta name="cus-module-former">`, src/shell.rs).
// 2. Trunk's inline start-up module moves into `boot-<hash>.js`, so that the
//    Content-Security-Policy of index.html needs no inline script.
// 3. `sw.js`, the service worker, precaches every file of the build under a version made of
//    their hashes (scripts/sw-template.js), so the app works offline after the first visit.
//
// Run by trunk with TRUNK_STAGING_DIR set; `node scripts/post-build.mjs DIR` runs it by hand.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error('post-build: TRUNK_STAGING_DIR is not set');
  process.exit(2);
}
const WORKER = 'cus-formats-worker';
const REMPLIR = 'cus-remplir';
const SIMULER = 'cus-simuler';
const FORMER = 'cus-former';
const at = (f) => path.join(dir, f);
const hash = (...buffers) => {
  const h = crypto.createHash('sha256');
  for (const b of buffers) h.update(b);
  return h.digest('hex').slice(0, 16);
};
const fail = (msg) => {
  console.error(`post-build: ${msg}`);
  process.exit(1);
};

let html = fs.readFileSync(at('index.html'), 'utf8');

// 1. The worker.
if (!fs.existsSync(at(`${WORKER}.js`)) || !fs.existsSync(at(`${WORKER}_bg.wasm`))) {
  fail(`${WORKER}.js / ${WORKER}_bg.wasm missing from ${dir}`);
}
const js = fs.readFileSync(at(`${WORKER}.js`));
const wasm = fs.readFileSync(at(`${WORKER}_bg.wasm`));
const wh = hash(js, wasm);
const jsName = `${WORKER}-${wh}.js`;
const wasmName = `${WORKER}-${wh}_bg.wasm`;
const loaderName = `${WORKER}-${wh}_loader.js`;
fs.renameSync(at(`${WORKER}.js`), at(jsName));
fs.renameSync(at(`${WORKER}_bg.wasm`), at(wasmName));
// A module that cannot be fetched or compiled says so to the page (src/formats.rs), which then
// tells the user; a failed importScripts also raises the worker's error event.
fs.writeFileSync(at(loaderName), `// Loader of the CUS indicateurs formats worker (written by scripts/post-build.mjs).
try {
  importScripts('./${jsName}');
} catch (e) {
  postMessage({ bootFailed: String(e) });
  throw e;
}
wasm_bindgen({ module_or_path: './${wasmName}' }).catch((e) => postMessage({ bootFailed: String(e) }));
`);
html = html.replace('</head>', `  <meta name="cus-formats-worker" content="./${loaderName}" />\n  </head>`);

for (const [mod, meta] of [[REMPLIR, 'cus-module-remplir'], [SIMULER, 'cus-module-simuler'], [FORMER, 'cus-module-former']]) {
  for (const f of [`${mod}.js`, `${mod}_bg.wasm`]) if (!fs.existsSync(at(f))) fail(`${f} missing from ${dir}`);
  const rjs = fs.readFileSync(at(`${mod}.js`), 'utf8');
  const rwasm = fs.readFileSync(at(`${mod}_bg.wasm`));
  const rh = hash(Buffer.from(rjs), rwasm);
  // Its wasm is named by the shell (the script name with `_bg.wasm`), never by the script itself.
  fs.writeFileSync(at(`${mod}-${rh}.js`), rjs);
  fs.rmSync(at(`${mod}.js`));
  fs.renameSync(at(`${mod}_bg.wasm`), at(`${mod}-${rh}_bg.wasm`));
  html = html.replace('</head>', `  <meta name="${meta}" content="./${mod}-${rh}.js" />\n  </head>`);
}

// 2. The start-up module, out of the page.
const inline = /<script type="module"(?: nonce="[^"]*")?>([\s\S]*?)<\/script>/;
const m = html.match(inline);
if (!m) fail('no inline start-up module found in index.html (did trunk change its output?)');
const boot = m[1].trim() + '\n';
const bootName = `boot-${hash(Buffer.from(boot))}.js`;
fs.writeFileSync(at(bootName), boot);
html = html.replace(inline, `<script type="module" src="/${bootName}"></script>`);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) fail('an inline script remains in index.html');
fs.writeFileSync(at('index.html'), html);

// 3. The service worker.
const files = fs.readdirSync(dir, { recursive: true })
  .filter((f) => fs.statSync(at(f)).isFile() && f !== 'sw.js')
  .map((f) => f.split(path.sep).join('/'))
  .sort();
const version = hash(...files.map((f) => Buffer.concat([Buffer.from(f), fs.readFileSync(at(f))])));
const precache = ['./', ...files.filter((f) => f !== 'index.html').map((f) => `./${f}`)];
const sw = fs.readFileSync(path.join(here, 'sw-template.js'), 'utf8')
  .replace("'__VERSION__'", JSON.stringify(version))
  .replace("['__FILES__']", JSON.stringify(precache, null, 2));
fs.writeFileSync(at('sw.js'), sw);
console.log(`post-build: worker ${loaderName}, ${bootName}, sw.js version ${version} (${precache.length} files)`);
