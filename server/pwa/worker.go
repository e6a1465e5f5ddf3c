package pwa

// serviceWorkerJS is the app-worker.js template (go-app fills in
// {{.Version}} and {{.ResourcesToCache}}). Unlike go-app's default it
//   - makes install and activate wait (event.waitUntil) until the files are
//     cached and old caches are gone;
//   - leaves the API alone (/api/ and other origins go straight to the
//     network, never through a cache);
//   - answers navigations it has no exact match for (/?week=..., /signin,
//     /auth/...) with the cached app shell "/" when the network fails, so
//     the installed app opens offline on any route;
//   - drops go-app's push-notification handlers, which CampusWeek does not
//     use;
//   - does not claim uncontrolled pages on its first activation: go-app's
//     app.js would take that for an update ("a new version is ready") on a
//     student's very first visit. Pages opened later are controlled; on
//     updates (skipWaiting) open pages switch to the new worker anyway.
//
// Files are answered cache-first by exact URL; a new version (a new
// app.wasm) comes with a new worker, which fetches everything again.
const serviceWorkerJS = `// CampusWeek service worker, version {{.Version}}.
const cacheName = "app-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      await cache.addAll(resourcesToCache);
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const keys = await caches.keys();
      await Promise.all(
        keys
          .filter((key) => key !== cacheName && key.startsWith("app-"))
          .map((key) => caches.delete(key))
      );
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  event.respondWith(respond(request));
});

async function respond(request) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request);
  if (cached) {
    return cached;
  }
  try {
    return await fetch(request);
  } catch (err) {
    if (request.mode === "navigate") {
      const shell = await cache.match("/");
      if (shell) {
        return shell;
      }
    }
    throw err;
  }
}
`
