package api_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// faults sits in front of a sandbox installation and breaks one of its
// endpoints (by path suffix) the way real installations and their gateways
// break.
type faults struct {
	mu     sync.Mutex
	suffix string // the path broken
	mode   string
	times  int // how many calls to break; <0: all
	hits   int // calls to the path seen
}

func (f *faults) set(suffix, mode string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.suffix, f.mode, f.times, f.hits = suffix, mode, times, 0
}

func (f *faults) seen() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits
}

func (f *faults) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.suffix == "" || !strings.HasSuffix(r.URL.Path, f.suffix) {
			f.mu.Unlock()
			next.ServeHTTP(w, r)
			return
		}
		f.hits++
		mode := f.mode
		if f.times == 0 {
			mode = ""
		} else if f.times > 0 {
			f.times--
		}
		f.mu.Unlock()
		switch mode {
		case "":
			next.ServeHTTP(w, r)
		case "slow":
			// Only once the body is read does the server notice the
			// client giving up (and cancel r's context).
			io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		case "503 html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"))
		case "500 html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("<html><body>Internal Server Error</body></html>"))
		case "200 html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><title>Maintenance</title>"))
		case "truncated":
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			w.Header().Set("Content-Type", "application/json")
			w.Write(body[:len(body)/2])
		case "reset":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		case "huge":
			// Valid JSON, so that only the size cap refuses it.
			// Streamed (no Content-Length), as a gateway would.
			w.Header().Set("Content-Type", "application/json")
			w.Write(hugeJSON)
		}
	})
}

// hugeJSON is a valid JSON array over the 4 MiB cap on answers.
var hugeJSON = append(append([]byte(`[`), bytes.Repeat([]byte(`{"x":"y"},`), 1<<19)...), `{}]`...)

// faultCase is one way to break an endpoint, and what the student must
// get: the status and code, within bounded time, still signed in.
type faultCase struct {
	path    string // suffix of the path broken
	mode    string
	times   int
	status  int
	code    shared.ErrorCode
	hits    int // calls to the broken path, counting the retry
	maxHits int // Go's transport replays an unsigned GET on a dead keep-alive connection
	before  func()
}

// faultCallTimeout is the per-call timeout of the fault suites: short, so
// that "slow" cases end soon, yet far above what the other faults take
// even under the race detector on a busy machine.
const faultCallTimeout = 2 * time.Second

// runFaults reads the timetable under each case, then once more with the
// installation recovered.
func runFaults(t *testing.T, e *env, f *faults, cases []faultCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/")+" "+tc.mode, func(t *testing.T) {
			if tc.before != nil {
				tc.before()
			}
			f.set(tc.path, tc.mode, tc.times)
			start := time.Now()
			r := e.get("/api/timetable")
			took := time.Since(start)
			if r.status != tc.status || (tc.code != "" && r.apiError().Code != tc.code) {
				t.Fatalf("%d %.300s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if tc.code != "" && (r.apiError().Message == "" || strings.Contains(string(r.body), "<html")) {
				t.Errorf("error without a clear message, or with the upstream page: %s", r.body)
			}
			if took > 3*faultCallTimeout {
				t.Errorf("answered after %v", took)
			}
			if hits := f.seen(); hits < tc.hits || hits > max(tc.hits, tc.maxHits) {
				t.Errorf("%d calls to %s, want %d", hits, tc.path, tc.hits)
			}
			// A failure of the university never signs the student out.
			if c := e.cookie("cw_session"); c == nil {
				t.Fatal("the session cookie was dropped")
			}
		})
	}
	// Once the installation recovers, the same session works again.
	f.set("", "", 0)
	if r := e.get("/api/timetable"); r.status != http.StatusOK {
		t.Fatalf("after the faults: %d %s", r.status, r.body)
	}
}

func TestUpstreamFaults(t *testing.T) {
	const tt = "/services/tt/user"
	f := &faults{}
	e := newEnv(t, envOptions{usosFront: f.wrap, callTimeout: faultCallTimeout})
	e.signIn()
	runFaults(t, e, f, []faultCase{
		{tt, "slow", -1, http.StatusGatewayTimeout, shared.CodeUpstreamTimeout, 1, 0, nil},
		{tt, "503 html", 1, http.StatusOK, "", 2, 0, nil}, // one retry fixes it
		{tt, "reset", 1, http.StatusOK, "", 2, 0, nil},    // signed calls are never replayed as they were
		{tt, "503 html", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 0, nil},
		{tt, "reset", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 0, nil},
		{tt, "500 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{tt, "200 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{tt, "truncated", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
		{tt, "huge", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0, nil},
	})
}
