package pwa

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// workerHarness runs the worker's push and notificationclick listeners in
// Node with a stand-in `self`: it delivers the push payload given as
// argv[2], clicks the notification shown, and prints what the worker did
// as JSON. argv[3] is "window" when a CampusWeek window is open.
const workerHarness = `
const listeners = {};
const did = {shown: null, focused: false, navigated: null, opened: null};
const waits = [];
const openWindow = {url: "https://cw.example/?week=2026-11-30", focus: async () => { did.focused = true; },
  navigate: async (u) => { did.navigated = u; }};
globalThis.self = {
  location: new URL("https://cw.example/app-worker.js"),
  addEventListener: (type, fn) => { listeners[type] = fn; },
  registration: {showNotification: async (title, opts) => { did.shown = {title, ...opts}; }},
  clients: {
    matchAll: async () => process.argv[3] === "window" ? [openWindow] : [],
    openWindow: async (u) => { did.opened = u; },
  },
  skipWaiting: async () => {},
};
globalThis.caches = {};
require(process.argv[1].replace(/harness\.js$/, "worker.js"));
(async () => {
  const raw = process.argv[2];
  listeners.push({data: raw === "" ? null : {json: () => JSON.parse(raw)}, waitUntil: (p) => waits.push(p)});
  await Promise.all(waits);
  const n = {data: did.shown.data, close: () => {}};
  listeners.notificationclick({notification: n, waitUntil: (p) => waits.push(p)});
  await Promise.all(waits);
  console.log(JSON.stringify(did));
})();
`

// The worker shows a change notification as the server's payload says and
// opens its day on a click, in the open window or a new one; an address
// that is not a path on the app's origin opens the week instead.
func TestWorkerShowsAndOpensNotifications(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node")
	}
	dir := t.TempDir()
	js := strings.NewReplacer("{{.Version}}", "v1", "{{.ResourcesToCache}}", "[]").Replace(workerTemplate())
	if err := os.WriteFile(filepath.Join(dir, "worker.js"), []byte(js), 0o600); err != nil {
		t.Fatal(err)
	}
	harness := filepath.Join(dir, "harness.js")
	if err := os.WriteFile(harness, []byte(workerHarness), 0o600); err != nil {
		t.Fatal(err)
	}
	type shown struct {
		Title, Body, Tag, Lang, Icon string
		Data                         struct{ URL string }
	}
	type did struct {
		Shown     shown
		Focused   bool
		Navigated string
		Opened    string
	}
	payload := `{"title":"1 zmiana w planie","body":"Analiza matematyczna, jutro 12:15 → 14:00","date":"2026-12-08",` +
		`"url":"/?day=2026-12-08&week=2026-12-07","tag":"campusweek-changes","lang":"pl"}`
	for _, tc := range []struct {
		name, payload, windows string
		want                   did
	}{
		{"open window", payload, "window", did{
			Shown: shown{Title: "1 zmiana w planie", Body: "Analiza matematyczna, jutro 12:15 → 14:00", Tag: "campusweek-changes", Lang: "pl",
				Icon: iconDefault, Data: struct{ URL string }{"/?day=2026-12-08&week=2026-12-07"}},
			Focused: true, Navigated: "https://cw.example/?day=2026-12-08&week=2026-12-07"}},
		{"no window", payload, "", did{
			Shown: shown{Title: "1 zmiana w planie", Body: "Analiza matematyczna, jutro 12:15 → 14:00", Tag: "campusweek-changes", Lang: "pl",
				Icon: iconDefault, Data: struct{ URL string }{"/?day=2026-12-08&week=2026-12-07"}},
			Opened: "https://cw.example/?day=2026-12-08&week=2026-12-07"}},
		{"another origin", `{"title":"x","url":"https://evil.example/"}`, "", did{
			Shown: shown{Title: "x", Tag: "campusweek", Icon: iconDefault, Data: struct{ URL string }{"/"}}, Opened: "https://cw.example/"}},
		{"scheme-relative", `{"title":"x","url":"//evil.example/"}`, "", did{
			Shown: shown{Title: "x", Tag: "campusweek", Icon: iconDefault, Data: struct{ URL string }{"/"}}, Opened: "https://cw.example/"}},
		{"backslash", `{"title":"x","url":"/\\evil.example/"}`, "", did{
			Shown: shown{Title: "x", Tag: "campusweek", Icon: iconDefault, Data: struct{ URL string }{"/"}}, Opened: "https://cw.example/"}},
		{"no payload", "", "", did{
			Shown: shown{Title: "CampusWeek", Tag: "campusweek", Icon: iconDefault, Data: struct{ URL string }{"/"}}, Opened: "https://cw.example/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(node, harness, tc.payload, tc.windows).CombinedOutput()
			if err != nil {
				t.Fatalf("node: %v\n%s", err, out)
			}
			var got did
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if got != tc.want {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
