package pwa

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

var testProviders = []shared.Provider{
	{ID: "uw", Kind: shared.KindUSOS, Name: "University of Warsaw", Capabilities: shared.Capabilities{PIN: true}},
	{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU Delft"},
}

// newSessionHandler is a handler listing testProviders, for which a
// request with a cookie "s=1" is signed in.
func newSessionHandler(t *testing.T) http.Handler {
	t.Helper()
	h, err := NewHandler(Options{WebDir: webDir(t), Logger: quiet, Providers: testProviders,
		SignedIn: func(r *http.Request) bool {
			c, err := r.Cookie("s")
			return err == nil && c.Value == "1"
		}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var (
	tagRe  = regexp.MustCompile(`<([a-z]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>`)
	attrRe = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
)

// elements returns the attributes of page's start tags named name, in
// the order of the page (go-app writes attributes in any order).
func elements(page, name string) []map[string]string {
	var out []map[string]string
	for _, m := range tagRe.FindAllStringSubmatch(page, -1) {
		if m[1] != name {
			continue
		}
		attrs := map[string]string{}
		for _, a := range attrRe.FindAllStringSubmatch(m[2], -1) {
			attrs[a[1]] = a[2]
		}
		out = append(out, attrs)
	}
	return out
}

// Signed out, / is the sign-in page, complete without app.wasm: every
// university a form that posts to the server; signed in, the week's
// shell. Each is its own variant for caches.
func TestIndexIsThePageTheVisitorNeeds(t *testing.T) {
	h := newSessionHandler(t)
	out := get(t, h, "/")
	page := body(t, out)
	for _, want := range []string{
		"<title>Sign in · CampusWeek</title>", "Sign in to CampusWeek", "CampusWeek never sees it",
		"University of Warsaw", "TU Delft", `/web/app.css"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("signed-out / lacks %q:\n%s", want, page)
		}
	}
	for _, unwanted := range []string{"Loading universities", "Loading your timetable", `name="return_to"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("signed-out / has %q", unwanted)
		}
	}
	forms, buttons := elements(page, "form"), elements(page, "button")
	if len(forms) != len(testProviders) {
		t.Fatalf("%d forms, want one per university: %v", len(forms), forms)
	}
	var submits []map[string]string
	for _, b := range buttons {
		if b["type"] == "submit" {
			submits = append(submits, b)
		}
	}
	for i, p := range testProviders {
		if f := forms[i]; f["method"] != "post" || f["action"] != shared.SignInPath(p.ID) {
			t.Errorf("form %d: %v, want a POST to %s", i, f, shared.SignInPath(p.ID))
		}
		if i >= len(submits) || submits[i]["data-provider"] != p.ID {
			t.Errorf("submit buttons %v, want one with data-provider %q", submits, p.ID)
		}
	}
	// The PIN option needs the app: shown, but not usable before it runs.
	if !strings.Contains(page, `data-pin-provider="uw"`) || !strings.Contains(page, "disabled") {
		t.Errorf("the PIN option is missing or enabled before the app runs")
	}

	in := get(t, h, "/?week=2026-11-23", "Cookie", "s=1")
	if p := body(t, in); !strings.Contains(p, "Loading your timetable") || strings.Contains(p, "Sign in to") {
		t.Errorf("signed-in / is not the week's shell:\n%s", p)
	}
	if out.Header.Get("ETag") == in.Header.Get("ETag") || !strings.Contains(out.Header.Get("Vary"), "Cookie") ||
		!strings.Contains(in.Header.Get("Vary"), "Cookie") {
		t.Errorf("signed out ETag %q Vary %q, signed in ETag %q Vary %q: the variants must differ",
			out.Header.Get("ETag"), out.Header.Get("Vary"), in.Header.Get("ETag"), in.Header.Get("Vary"))
	}
	// A copy of one variant is never revalidated as the other.
	if r := get(t, h, "/", "If-None-Match", in.Header.Get("ETag")); r.StatusCode != http.StatusOK || !strings.Contains(body(t, r), "Sign in to") {
		t.Errorf("signed out with the signed-in ETag: %d", r.StatusCode)
	}
	if r := get(t, h, "/", "If-None-Match", out.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Errorf("signed out with its own ETag: %d", r.StatusCode)
	}
	if r := get(t, h, "/", "Cookie", "s=1", "If-None-Match", out.Header.Get("ETag")); r.StatusCode != http.StatusOK {
		t.Errorf("signed in with the signed-out ETag: %d", r.StatusCode)
	}
}

// The sign-in page's forms carry the return_to the page was opened with,
// when it is a path on this site.
func TestSignInFormsCarryReturnTo(t *testing.T) {
	h := newSessionHandler(t)
	page := body(t, get(t, h, "/signin?return_to=%2F%3Fweek%3D2026-11-23"))
	n := 0
	for _, in := range elements(page, "input") {
		if in["type"] == "hidden" && in["name"] == "return_to" && in["value"] == "/?week=2026-11-23" {
			n++
		}
	}
	if n != len(testProviders) {
		t.Errorf("%d forms carry the return_to:\n%s", n, page)
	}
	for _, bad := range []string{"%2F%2Fevil.example", "https%3A%2F%2Fevil.example%2F", "%2Fsignin", "%2F%5Cevil.example"} {
		page := body(t, get(t, h, "/signin?return_to="+bad))
		if strings.Contains(page, "return_to") || strings.Contains(page, "evil") || strings.Contains(page, "<script>") {
			t.Errorf("return_to=%s reaches the page:\n%s", bad, page)
		}
	}
}

// A return_to with a quote stays inside its attribute (go-app quotes
// attribute values as Go strings): it is percent-encoded, the same address.
func TestSignInFormReturnToStaysInItsAttribute(t *testing.T) {
	h := newSessionHandler(t)
	page := body(t, get(t, h, "/signin?return_to=%2F%3Fx%3D%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"))
	var values []string
	for _, in := range elements(page, "input") {
		values = append(values, in["value"])
	}
	if len(values) != len(testProviders) || values[0] != "/?x=%22><script>alert(1)</script>" || len(elements(page, "script")) != 2 {
		t.Errorf("the return_to leaves its attribute: inputs %q, %d scripts\n%s", values, len(elements(page, "script")), page)
	}
}

// The shell the worker caches is the week's, whoever fetches it.
func TestShellIsNeutral(t *testing.T) {
	h := newSessionHandler(t)
	for _, cookie := range []string{"", "s=1"} {
		r := get(t, h, shellPath, "Cookie", cookie, "Accept-Language", "pl")
		page := body(t, r)
		if r.StatusCode != 200 || !strings.Contains(page, "Loading your timetable") || strings.Contains(page, "Sign in to") {
			t.Errorf("shell with cookie %q: %d\n%s", cookie, r.StatusCode, page)
		}
		if r.Header.Get("ETag") != get(t, h, "/signin").Header.Get("ETag") {
			t.Errorf("shell ETag %q, want the version", r.Header.Get("ETag"))
		}
	}
	worker := body(t, get(t, h, "/app-worker.js"))
	for _, want := range []string{`const shellURL = "` + shellPath + `"`, `url === "/" ? shellURL : url`, `credentials: "omit"`} {
		if !strings.Contains(worker, want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	if r := get(t, h, shellPath+"?x=1"); r.StatusCode != 200 {
		t.Errorf("shell with a query: %d", r.StatusCode)
	}
}

// app.js instantiates app.wasm at its versioned URL, and no page preloads
// it (see loadWasm).
func TestWasmURL(t *testing.T) {
	h := newSessionHandler(t)
	version := strings.Trim(get(t, h, "/signin").Header.Get("ETag"), `"`)
	wasm := "/" + version + "/web/app.wasm"
	for _, path := range []string{"/", "/signin", shellPath} {
		if page := body(t, get(t, h, path)); strings.Contains(page, `rel="preload"`) {
			t.Errorf("%s preloads", path)
		}
	}
	if js := body(t, get(t, h, "/app.js")); !strings.Contains(js, `goappInstantiate("`+wasm+`", go.importObject)`) {
		t.Errorf("app.js does not instantiate %s", wasm)
	}
}

// The callback page explains a failure the server reports by code, and
// nothing else of its query reaches the page.
func TestCallbackPageShowsFailure(t *testing.T) {
	h := newSessionHandler(t)
	for failed, want := range map[string]string{
		"access_denied": "No access given",
		"flow_expired":  "Signing in didn",
		"SECRET<x>":     "Signing in didn",
	} {
		page := body(t, get(t, h, "/auth/callback/uw?failed="+failed))
		if !strings.Contains(page, want) || strings.Contains(page, "SECRET") || strings.Contains(page, "Signing you in") {
			t.Errorf("failed=%s: lacks %q:\n%s", failed, want, page)
		}
	}
}
