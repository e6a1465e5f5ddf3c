package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// countPath counts the requests to paths ending in suffix.
func countPath(n *atomic.Int32, suffix string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, suffix) {
				n.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A sign-in started at one university cannot be completed at another's
// complete endpoint (an OAuth mix-up): the callback parameters are never
// sent to the other university's token endpoint, even when they are made to
// pass that provider's own checks (the flow's token or state is in the
// authorize URL, which an attacker may see).
func TestProviderMixUpRefused(t *testing.T) {
	var usosTokenCalls, mttTokenCalls atomic.Int32
	e := newEnv(t, envOptions{
		usosFront: countPath(&usosTokenCalls, "/services/oauth/access_token"),
		mttFront:  countPath(&mttTokenCalls, "/oauth/token"),
	})
	flowToken := func(authorizeURL, param string) string {
		u, err := url.Parse(authorizeURL)
		if err != nil || u.Query().Get(param) == "" {
			t.Fatalf("authorize URL %q without %s", authorizeURL, param)
		}
		return u.Query().Get(param)
	}
	for _, tc := range []struct {
		name     string
		start    func() map[string]string // starts a flow, returns the forged callback
		complete string
		calls    *atomic.Int32
	}{
		{"started at MyTimetable, completed at USOS", func() map[string]string {
			state := flowToken(e.mttStart(), "state")
			return map[string]string{"oauth_token": state, "oauth_verifier": "verifier"}
		}, "/api/auth/uni/complete", &usosTokenCalls},
		{"started at USOS, completed at MyTimetable", func() map[string]string {
			token := flowToken(e.start(shared.ModeRedirect, "/"), "oauth_token")
			return map[string]string{"state": token, "code": "a-code"}
		}, "/api/auth/mtt/complete", &mttTokenCalls},
		{"a real MyTimetable callback at USOS", func() map[string]string {
			return e.mttConsent(e.mttStart(), "allow")
		}, "/api/auth/uni/complete", &usosTokenCalls},
		{"a real USOS callback at MyTimetable", func() map[string]string {
			return e.callbackParams(e.start(shared.ModeRedirect, "/"), "allow")
		}, "/api/auth/mtt/complete", &mttTokenCalls},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := tc.start()
			before := tc.calls.Load()
			r := e.post(tc.complete, shared.CompleteRequest{Params: params})
			if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
				t.Errorf("complete: %d %s, want 400 %s", r.status, r.body, shared.CodeFlowExpired)
			}
			if n := tc.calls.Load() - before; n != 0 {
				t.Errorf("the other university's token endpoint got %d requests with this flow's callback", n)
			}
			if decode[shared.Session](t, e.get("/api/session")).SignedIn {
				t.Error("signed in through a mixed-up flow")
			}
		})
	}
}
