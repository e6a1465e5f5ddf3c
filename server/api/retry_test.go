package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// attempt is one signed timetable call as the fault proxy saw it.
type attempt struct {
	nonce, timestamp, signature string
	sandbox                     int // the sandbox's status; 0 if not forwarded
}

// failOnce sits in front of the sandbox and breaks the first timetable call
// in the given way, forwarding every later one; it records each.
type failOnce struct {
	mu       sync.Mutex
	mode     string
	attempts []attempt
}

func (f *failOnce) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/services/tt/user") {
			next.ServeHTTP(w, r)
			return
		}
		a := attempt{}
		for _, part := range strings.Split(strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth "), ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			v = strings.Trim(v, `"`)
			switch k {
			case "oauth_nonce":
				a.nonce = v
			case "oauth_timestamp":
				a.timestamp = v
			case "oauth_signature":
				a.signature = v
			}
		}
		f.mu.Lock()
		first := len(f.attempts) == 0
		mode := f.mode
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.attempts = append(f.attempts, a)
			f.mu.Unlock()
		}()
		if !first || mode == "" {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			a.sandbox = rec.Code
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		switch mode {
		case "503 after the sandbox saw it":
			// The sandbox checks the signature and records the nonce; the
			// gateway in front then fails. A replay of this very request
			// would be refused as a reused nonce.
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			a.sandbox = rec.Code
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("<html><body>503 Service Unavailable</body></html>"))
		case "reset":
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		case "reset after the sandbox saw it":
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			a.sandbox = rec.Code
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		case "502 before the sandbox":
			w.WriteHeader(http.StatusBadGateway)
		}
	})
}

// Idempotent reads are retried once after a gateway error or a reset
// connection. OAuth 1.0a nonces are single use, so the retry must be a new
// request, freshly signed: with a new nonce and a signature the
// installation accepts.
func TestRetryIsFreshlySigned(t *testing.T) {
	for _, mode := range []string{"503 after the sandbox saw it", "502 before the sandbox", "reset", "reset after the sandbox saw it"} {
		t.Run(mode, func(t *testing.T) {
			f := &failOnce{}
			e := newEnv(t, envOptions{usosFront: f.wrap})
			e.signIn()
			f.mu.Lock()
			f.mode = mode
			f.mu.Unlock()
			r := e.get("/api/timetable")
			if r.status != http.StatusOK {
				t.Fatalf("timetable after one failed attempt: %d %s", r.status, r.body)
			}
			f.mu.Lock()
			attempts := f.attempts
			f.mu.Unlock()
			if len(attempts) < 2 {
				t.Fatalf("%d attempts, want a retry", len(attempts))
			}
			first, last := attempts[0], attempts[len(attempts)-1]
			if first.nonce == "" || first.signature == "" || first.timestamp == "" {
				t.Fatalf("the first attempt is not OAuth-signed: %+v", first)
			}
			if last.nonce == first.nonce {
				t.Errorf("the retry reuses the nonce %q of the failed attempt", first.nonce)
			}
			if last.signature == first.signature {
				t.Error("the retry reuses the failed attempt's signature")
			}
			if last.sandbox != http.StatusOK {
				t.Errorf("the sandbox answered the retry %d, want 200 (a valid signature)", last.sandbox)
			}
			if first.sandbox != 0 && first.sandbox != http.StatusOK {
				t.Errorf("the sandbox answered the first attempt %d, want 200", first.sandbox)
			}
			seen := map[string]bool{}
			for _, a := range attempts {
				if seen[a.nonce] {
					t.Errorf("nonce %q sent twice in %d attempts", a.nonce, len(attempts))
				}
				seen[a.nonce] = true
			}
			if e.cookie("cw_session") == nil {
				t.Error("one failed attempt signed the student out")
			}
		})
	}
}
