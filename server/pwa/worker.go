package pwa

// serviceWorkerJS is the app-worker.js template (go-app fills in
// {{.Version}} and {{.ResourcesToCache}}). Unlike go-app's default it
//   - makes install and activate wait (event.waitUntil) until the files are
//     cached and old caches are gone;
//   - fills the cache of a version only with files of that version (HTTP
//     cache bypassed, ETag checked), all or nothing, so that a deploy never
//     leaves a student on a mix of old and new files;
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
const version = "{{.Version}}";
const cacheName = "app-" + version;
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(cacheName);
      try {
        await Promise.all(resourcesToCache.map((url) => cacheFile(cache, url)));
      } catch (err) {
        // Never keep half of a version: the old worker stays in charge and
        // the browser tries this one again later.
        await caches.delete(cacheName);
        throw err;
      }
      await self.skipWaiting();
    })()
  );
});

// cacheFile stores one file of this version. It bypasses the HTTP cache,
// and refuses a file another version of the server answered (during a
// rolling deploy the next request may reach an old replica): the ETag of
// every response is the version (plus the encoding for precompressed
// files), possibly weakened by a proxy.
async function cacheFile(cache, url) {
  const response = await fetch(new Request(url, { cache: "reload" }));
  if (!response.ok) {
    throw new Error(url + ": HTTP " + response.status);
  }
  // The ETag is the version, with the encoding after a dash for
  // precompressed files.
  const etag = (response.headers.get("ETag") || "").replace(/^W\//, "");
  if (etag !== "" && etag !== '"' + version + '"' && !etag.startsWith('"' + version + "-")) {
    throw new Error(url + ": answered by version " + etag + ", not " + version);
  }
  await cache.put(url, response);
}

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
