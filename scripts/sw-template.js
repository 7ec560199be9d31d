// Service worker of CUS indicateurs (written into the build by scripts/post-build.mjs, which
// fills VERSION and FILES). Every file of the build is precached on install; afterwards the app
// is served from the cache, without the network. A new version installs beside the old one and
// waits: the page offers « Nouvelle version disponible — recharger » (src/offline.rs) and asks
// it to take over only when the user clicks.
const VERSION = '__VERSION__';
const CACHE = `cus-indicateurs-${VERSION}`;
const FILES = ['__FILES__'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // `reload`: never take a file of this version from the browser's HTTP cache.
      cache.addAll(FILES.map((f) => new Request(f, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((k) => k.startsWith('cus-indicateurs-') && k !== CACHE)
        .map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // Every page of the app is the same document (routes are in the hash).
    const key = request.mode === 'navigate' ? './' : request;
    const hit = await cache.match(key);
    return hit ?? fetch(request);
  })());
});
