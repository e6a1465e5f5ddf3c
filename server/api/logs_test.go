package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/shared"
)

// logRecord is one JSON log line.
type logRecord map[string]any

func (e *env) logRecords() []logRecord {
	e.t.Helper()
	var out []logRecord
	sc := bufio.NewScanner(strings.NewReader(e.logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var rec logRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			e.t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, rec)
	}
	return out
}

// messagesOf returns the messages of the records carrying id.
func (e *env) messagesOf(id string) []string {
	var msgs []string
	for _, rec := range e.logRecords() {
		if rec["request_id"] == id {
			msgs = append(msgs, rec["msg"].(string))
		}
	}
	return msgs
}

// Every record logged while serving a request carries the request's id,
// the one of its access line and of X-Request-Id: a failure logged deep in
// a provider, or a refused request, is traced to its request.
func TestRequestIDInEveryRecord(t *testing.T) {
	// The university cannot name lecturers: the provider logs a warning
	// and serves the timetable without them.
	noLecturers := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/services/users/users") {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, envOptions{usosFront: noLecturers})
	e.signIn()
	monday := shared.DateOf(e.clock.Now()).Monday()
	ok := e.get("/api/timetable?from=" + monday.String() + "&to=" + monday.AddDays(27).String())
	bad := e.get("/api/timetable?from=soon")
	if ok.status != http.StatusOK || bad.status != http.StatusBadRequest {
		t.Fatalf("%d, %d", ok.status, bad.status)
	}
	okID, badID := ok.header.Get("X-Request-Id"), bad.header.Get("X-Request-Id")
	if okID == "" || okID == badID {
		t.Fatalf("request ids %q, %q", okID, badID)
	}
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{okID, []string{"lecturer names unavailable", "http"}},
		{badID, []string{"request failed", "http"}},
	} {
		got := e.messagesOf(tc.id)
		for _, msg := range tc.want {
			if !strings.Contains(strings.Join(got, "\n"), msg) {
				t.Errorf("request %s: no %q record with its id; records with it: %q", tc.id, msg, got)
			}
		}
		if got[len(got)-1] != "http" {
			t.Errorf("request %s: the access line is not last: %q", tc.id, got)
		}
	}
	// The sign-in's own records carry ids too.
	for _, rec := range e.logRecords() {
		if rec["msg"] == "signed in" && rec["request_id"] == nil {
			t.Errorf("%v has no request id", rec)
		}
	}
}

// Feed addresses never reach the logs or the metrics, however the path is
// spelled: doubled or dot segments, escaped slashes, other spellings of
// "feed".
func TestFeedTokenNeverLoggedNorLabelled(t *testing.T) {
	e := newEnv(t, envOptions{scopes: []string{"studies", "offline_access"}, metrics: metrics.New()})
	e.signIn()
	feedURL := e.makeFeed("uni").Feed.URL
	token := strings.Split(strings.TrimPrefix(feedURL, e.api.URL+"/feed/"), "/")[0]
	if r := e.getFeed(feedURL); r.status != http.StatusOK {
		t.Fatalf("feed: %d", r.status)
	}
	for _, path := range []string{
		"//feed/" + token + "/campusweek.ics",
		"/x/../feed/" + token + "/campusweek.ics",
		"/./feed/" + token + "/campusweek.ics",
		"/feed//" + token + "/campusweek.ics",
		"/feed%2F" + token + "/campusweek.ics",
		"/FEED/" + token + "/campusweek.ics",
		"/feed/" + token,
		"/api/feed/" + token,
		"/calendar/" + token + "/campusweek.ics",
	} {
		req, err := http.NewRequest("GET", e.api.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := newBrowser(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	// A made-up method cannot create series either.
	e.do(newBrowser(t), "BREW", "/feed/"+token+"/campusweek.ics", nil, nil)

	logs := e.logs.String()
	if strings.Contains(logs, token) || strings.Contains(logs, token[:40]) {
		t.Error("a feed's sealed access is in the logs")
	}
	if n := strings.Count(logs, `"path":"/feed/…/campusweek.ics"`); n < 5 {
		t.Errorf("%d access lines show the feed path scrubbed, want at least 5", n)
	}
	m := string(e.get("/metrics").body)
	if strings.Contains(m, token[:40]) || strings.Contains(m, "BREW") {
		t.Error("request data in the metrics")
	}
	if !strings.Contains(m, `campusweek_http_requests_total{code="200",method="GET",route="GET /feed/{token}/campusweek.ics"} 1`) {
		t.Error("the feed is not counted under its route pattern")
	}
	if !strings.Contains(m, `method="other"`) {
		t.Error("a made-up method is not counted as other")
	}
}
