package pwa

import (
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared/i18n"
)

// workerConst returns the JSON value of `const name = ...;` in the worker.
func workerConst(t *testing.T, worker, name string) string {
	t.Helper()
	prefix := "const " + name + " = "
	start := strings.Index(worker, prefix)
	if start < 0 {
		t.Fatalf("the worker has no %s", name)
	}
	rest := worker[start+len(prefix):]
	end := strings.IndexAny(rest, ";.\n")
	if end < 0 {
		t.Fatalf("the worker's %s does not end", name)
	}
	return rest[:end]
}

// The worker answers navigations with the app shell for exactly the paths
// the server has pages for, from one list.
func TestWorkerAndServerAgreeOnPages(t *testing.T) {
	h := newHandler(t, webDir(t)).(*handler)
	worker := body(t, get(t, h, "/app-worker.js"))
	var routes []string
	if err := json.Unmarshal([]byte(workerConst(t, worker, "appRoutes")), &routes); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(routes, appRoutes) {
		t.Fatalf("the worker's routes are %q, the server's %q", routes, appRoutes)
	}
	// Go and JavaScript read these the same way: anchored, and nothing but
	// literal characters, classes and "+".
	shared := regexp.MustCompile(`^\^(?:[a-z0-9/-]|\[[a-z0-9-]+\]\+?)*\$$`)
	var jsRoutes []*regexp.Regexp
	for _, r := range routes {
		if !shared.MatchString(r) {
			t.Errorf("route %q is not in the syntax Go and JavaScript share", r)
		}
		jsRoutes = append(jsRoutes, regexp.MustCompile(r))
	}

	for _, tc := range []struct {
		path string
		page bool
	}{
		{"/", true},
		{"/signin", true},
		{"/auth/callback/uw", true},
		{"/auth/callback/demo-usos", true},
		{"/auth/pin/uw", true},
		{"/public", true},
		{"/public/week", true},
		{"/public/free-rooms", true},
		{"/public/", false},
		{"/public/other", false},
		{"/api/public/uw/search", false},
		{"/signin/", false},
		{"/auth/callback/", false},
		{"/auth/callback/UW", false},
		{"/auth/callback/uw/x", false},
		{"/auth/pin/", false},
		{"/auth/", false},
		{"/index.html", false},
		{"/api/providers", false},
		{"/feed/abc/campusweek.ics", false},
		{"/sandbox/usos/services/oauth/authorize", false},
		{"/metrics", false},
		{"/healthz", false},
		{"/readyz", false},
		{"/no-such-page", false},
		{"/goapp.js", false},
		{"/manifest.json", false},
		{"/app.wasm", false},
	} {
		worker := slices.ContainsFunc(jsRoutes, func(re *regexp.Regexp) bool { return re.MatchString(tc.path) })
		r := get(t, h, tc.path)
		server := r.StatusCode == 200 && strings.HasPrefix(r.Header.Get("Content-Type"), "text/html")
		// go-app's own router (the routes ui.Routes registers) agrees.
		w := httptest.NewRecorder()
		h.apps[i18n.English].ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
		routed := w.Code == 200 && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html")
		if worker != tc.page || server != tc.page {
			t.Errorf("%s: the worker takes it for a page: %v, the server: %v (%d); want %v", tc.path, worker, server, r.StatusCode, tc.page)
		}
		if routed != tc.page {
			t.Errorf("%s: go-app routes it: %v, the list says %v", tc.path, routed, tc.page)
		}
	}
}

// Navigations to pages are answered from the cache first, with the shell,
// and nothing else is intercepted.
func TestWorkerServesTheShellForPages(t *testing.T) {
	worker := body(t, get(t, newHandler(t, webDir(t)), "/app-worker.js"))
	for _, want := range []string{
		`request.mode === "navigate"`,
		`appRoutes.some((route) => route.test(url.pathname))`,
		`event.respondWith(fromCache("/", request))`,
		`caches.match(url, { cacheName })`, // this version's cache only
		`cached.has(url.pathname)`,         // files: only those it cached
	} {
		if !strings.Contains(worker, want) {
			t.Errorf("app-worker.js lacks %s", want)
		}
	}
	if strings.Contains(worker, "{{") {
		t.Errorf("app-worker.js has a placeholder left:\n%s", worker)
	}
}
