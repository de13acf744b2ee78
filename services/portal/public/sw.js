// The portal's service worker: keeps the app shell (the page, its scripts and styles, icons) so the
// portal opens without a network, and says so clearly when a page cannot be had at all. API calls
// (/v1/*) are never cached here: the app decides what it may show offline (the attendant's whitelist).
const SHELL = 'portal-shell-v1';
const PRECACHE = ['/', '/manifest.webmanifest', '/icons/icon.svg', '/icons/icon-192.png', '/config.json'];

const OFFLINE_PAGE = `<!doctype html><html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Frakoblet / Offline</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#16202a}h1{font-size:1.5rem}</style></head>
<body><main><h1>Du er frakoblet</h1><p>Portalen kan ikke lastes uten nett. Prøv igjen når du er tilkoblet.</p>
<h2 lang="en">You are offline</h2><p lang="en">The portal cannot load without a network. Try again once you are online.</p>
</main></body></html>`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(PRECACHE);
      // The hashed scripts and styles the page names, so the shell is whole before the first offline start.
      const html = await (await fetch('/', { cache: 'no-store' })).text();
      const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      await cache.addAll(assets);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== SHELL) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/v1/'))
    return;

  if (request.mode === 'navigate') {
    // The network first (a fresh shell after a deploy), the kept shell when it fails.
    event.respondWith(
      (async () => {
        try {
          const fresh = await fetch(request);
          if (fresh.ok && url.pathname === '/') (await caches.open(SHELL)).put('/', fresh.clone());
          return fresh;
        } catch {
          const shell = await caches.match('/');
          return (
            shell ??
            new Response(OFFLINE_PAGE, {
              status: 503,
              headers: { 'content-type': 'text/html; charset=utf-8' },
            })
          );
        }
      })(),
    );
    return;
  }

  // Hashed assets and icons never change: from the cache when kept. Anything else (the manifest,
  // /config.json): the network first, the kept copy offline.
  const immutable = url.pathname.startsWith('/assets/') || url.pathname.startsWith('/icons/');
  event.respondWith(
    (async () => {
      if (immutable) {
        const cached = await caches.match(request);
        if (cached) return cached;
      }
      try {
        const fresh = await fetch(request);
        if (fresh.ok) (await caches.open(SHELL)).put(request, fresh.clone());
        return fresh;
      } catch {
        const cached = await caches.match(request);
        return cached ?? new Response('offline', { status: 503, headers: { 'content-type': 'text/plain' } });
      }
    })(),
  );
});
