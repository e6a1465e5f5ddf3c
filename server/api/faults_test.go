package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// faults sits in front of the sandbox USOS installation and breaks its
// timetable method the way real installations and their gateways break.
type faults struct {
	mu    sync.Mutex
	mode  string
	times int // how many calls to break; <0: all
	hits  int // timetable calls seen
}

func (f *faults) set(mode string, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mode, f.times, f.hits = mode, times, 0
}

func (f *faults) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/services/tt/user") {
			next.ServeHTTP(w, r)
			return
		}
		f.mu.Lock()
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
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		case "huge":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("["))
			chunk := bytes.Repeat([]byte(`{"type":"classgroup"},`), 1<<14)
			for range 20 { // ~7 MiB, over the 4 MiB cap
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}
	})
}

func TestUpstreamFaults(t *testing.T) {
	f := &faults{}
	e := newEnv(t, envOptions{usosFront: f.wrap, callTimeout: 500 * time.Millisecond})
	e.signIn()
	for _, tc := range []struct {
		mode   string
		times  int
		status int
		code   shared.ErrorCode
		hits   int // upstream timetable calls, counting the retry
		// Go's transport itself replays a GET once when a reused
		// keep-alive connection dies before answering: up to this many.
		maxHits int
	}{
		{"slow", -1, http.StatusGatewayTimeout, shared.CodeUpstreamTimeout, 1, 0},
		{"503 html", 1, http.StatusOK, "", 2, 0}, // one retry fixes it
		{"reset", 1, http.StatusOK, "", 2, 3},
		{"503 html", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 0},
		{"reset", -1, http.StatusBadGateway, shared.CodeUpstream, 2, 4},
		{"500 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0},
		{"200 html", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0},
		{"truncated", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0},
		{"huge", -1, http.StatusBadGateway, shared.CodeUpstream, 1, 0},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			f.set(tc.mode, tc.times)
			start := time.Now()
			r := e.get("/api/timetable")
			took := time.Since(start)
			if r.status != tc.status || (tc.code != "" && r.apiError().Code != tc.code) {
				t.Fatalf("%d %s, want %d %s", r.status, r.body, tc.status, tc.code)
			}
			if tc.code != "" && (r.apiError().Message == "" || strings.Contains(string(r.body), "<html")) {
				t.Errorf("error without a clear message, or with the upstream page: %s", r.body)
			}
			if took > 3*time.Second {
				t.Errorf("answered after %v", took)
			}
			f.mu.Lock()
			hits := f.hits
			f.mu.Unlock()
			if hits < tc.hits || hits > max(tc.hits, tc.maxHits) {
				t.Errorf("%d upstream calls, want %d", hits, tc.hits)
			}
			// A failure of the university never signs the student out.
			if c := e.cookie("cw_session"); c == nil {
				t.Fatal("the session cookie was dropped")
			}
		})
	}
	f.set("", 0)
	if r := e.get("/api/timetable"); r.status != http.StatusOK {
		t.Fatalf("after the faults: %d %s", r.status, r.body)
	}
}
