package pwa

import (
	"encoding/json"
	"strings"
)

// serviceWorkerJS is the app-worker.js template (go-app fills in
// {{.Version}} and {{.ResourcesToCache}}, workerTemplate {{.AppRoutes}}).
// Unlike go-app's default it
//   - makes install and activate wait (event.waitUntil) until the files are
//     cached and old caches are gone;
//   - fills the cache of a version only with files of that version (HTTP
//     cache bypassed, ETag checked), all or nothing, so that a deploy never
//     leaves a student on a mix of old and new files;
//   - answers navigations to the app's pages (appRoutes: /, /signin,
//     /auth/..., with any query) with the cached app shell "/" of its
//     version, online or not. The shell it caches as "/" is the server's
//     neutral one (shellPath: the week's skeleton, whoever asks, in
//     no student's language), never the page / prerendered for whoever
//     installed the app; app.wasm, already cached, renders every page
//     from it. Going to the network first would show a proxy's 502 page
//     instead of the app, or hang on a bad connection;
//   - answers the files it cached from its cache, and leaves everything
//     else alone: the API, feeds, the sandboxes, probes and metrics (and
//     other origins) go straight to the network, never through a cache;
//   - replaces go-app's push-notification handlers with CampusWeek's:
//     a change notification (the server's push payload: title, body,
//     tag, lang and url, the address of the day to open) is shown at
//     once, and clicking it opens that day in an open CampusWeek window,
//     or a new one (only a path on this origin is ever opened);
//   - does not claim uncontrolled pages on its first activation: go-app's
//     app.js would take that for an update ("a new version is ready") on a
//     student's very first visit. Pages opened later are controlled; on
//     updates (skipWaiting) open pages switch to the new worker anyway.
//
// A new version comes with a new worker (the browser checks for one on
// every navigation), which caches everything again; go-app's app.js then
// offers the update.
const serviceWorkerJS = `// CampusWeek service worker, version {{.Version}}.
const version = "{{.Version}}";
const cacheName = "app-" + version;
const resourcesToCache = {{.ResourcesToCache}};
const cached = new Set(resourcesToCache);
const appRoutes = {{.AppRoutes}}.map((pattern) => new RegExp(pattern));
const shellURL = "{{.ShellPath}}";

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
// every response is the version (plus the encoding for compressed
// files), possibly weakened by a proxy. The shell "/" comes from
// shellURL.
async function cacheFile(cache, url) {
  const source = url === "/" ? shellURL : url;
  const response = await fetch(new Request(source, { cache: "reload", credentials: "omit" }));
  if (!response.ok) {
    throw new Error(url + ": HTTP " + response.status);
  }
  // The ETag is the version, with the encoding after a dash for
  // compressed files.
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
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    if (appRoutes.some((route) => route.test(url.pathname))) {
      event.respondWith(fromCache("/", request));
    }
    return;
  }
  if (url.search === "" && cached.has(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    // Not a CampusWeek payload: shown without a text of its own.
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "CampusWeek", {
      body: data.body || "",
      tag: data.tag || "campusweek",
      lang: data.lang || "",
      icon: "{{.Icon}}",
      data: { url: pageURL(data.url) },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = new URL(pageURL(data.url), self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
          await client.focus();
          return client.navigate(target);
        }
      }
      return self.clients.openWindow(target);
    })()
  );
});

// pageURL keeps a payload's address only if it is a path on this origin.
function pageURL(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") && !url.includes("\\") ? url : "/";
}

// fromCache answers with this version's copy of url. Without one (a
// browser may evict caches) it goes to the network, as with no worker.
async function fromCache(url, request) {
  const response = await caches.match(url, { cacheName });
  return response || fetch(request);
}
`

// workerTemplate is serviceWorkerJS with the app's routes, the shell's
// address and the notifications' icon filled in.
func workerTemplate() string {
	routes, err := json.Marshal(appRoutes)
	if err != nil {
		panic(err) // strings always encode
	}
	return strings.NewReplacer("{{.AppRoutes}}", string(routes), "{{.ShellPath}}", shellPath, "{{.Icon}}", iconDefault).Replace(serviceWorkerJS)
}
