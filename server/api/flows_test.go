package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// system is one kind of university in the env, for the sign-in tests that
// hold for both.
type system struct {
	name, id string
	// tokenPath is the suffix of the university's token endpoint, which a
	// completion calls.
	tokenPath string
	// flowParam is the callback parameter that names the flow.
	flowParam string
	// approve plays the student approving on the consent page and returns
	// the callback's parameters.
	approve func(e *env, authorizeURL string) map[string]string
	// signIn signs e's browser in.
	signIn func(e *env)
	// scopes give the env long-lived access at this system.
	scopes envOptions
}

var systems = []system{
	{
		name: "USOS", id: "uni", tokenPath: "/services/oauth/access_token", flowParam: "oauth_token",
		approve: func(e *env, u string) map[string]string { return e.callbackParams(u, "allow") },
		signIn:  func(e *env) { e.signIn() },
		scopes:  envOptions{scopes: []string{"studies", "offline_access"}},
	},
	{
		name: "MyTimetable", id: "mtt", tokenPath: "/oauth/token", flowParam: "state",
		approve: func(e *env, u string) map[string]string { return e.mttConsent(u, "allow") },
		signIn:  func(e *env) { e.mttSignIn() },
	},
}

// startAt begins a sign-in at sys in c, from the client address hdr names
// (nil: the loopback peer), and returns the authorize URL.
func (e *env) startAt(c *http.Client, sys system, req shared.StartRequest, hdr map[string]string) string {
	e.t.Helper()
	r := e.do(c, "POST", "/api/auth/"+sys.id+"/start", req, hdr)
	if r.status != http.StatusOK {
		e.t.Fatalf("start at %s: %d %s", sys.id, r.status, r.body)
	}
	return decode[shared.StartResponse](e.t, r).AuthorizeURL
}

// completeAt posts a completion at sys with e's browser.
func (e *env) completeAt(sys system, params map[string]string) response {
	e.t.Helper()
	return e.post("/api/auth/"+sys.id+"/complete", shared.CompleteRequest{Params: params})
}

// wantFlowExpired checks a 400 flow_expired.
func wantFlowExpired(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusBadRequest || r.apiError().Code != shared.CodeFlowExpired {
		t.Fatalf("%s: %d %s, want 400 %s", what, r.status, r.body, shared.CodeFlowExpired)
	}
}

// wantSignedIn checks a completion that signed the student in and returns
// to returnTo.
func wantSignedIn(t *testing.T, what string, r response, returnTo string) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", what, r.status, r.body)
	}
	done := decode[shared.CompleteResponse](t, r)
	if !done.Session.SignedIn || done.Session.User == nil || done.ReturnTo != returnTo {
		t.Fatalf("%s: %+v", what, done)
	}
}

// Two tabs: a student starts signing in in one tab, then in another, and
// finishes in the first. Each flow finishes, in its own tab, and only
// once; the university is asked once per flow.
func TestTwoTabsSignIn(t *testing.T) {
	for _, sys := range systems {
		t.Run(sys.name, func(t *testing.T) {
			var tokenCalls atomic.Int32
			o := envOptions{}
			if sys.id == "uni" {
				o.usosFront = countPath(&tokenCalls, sys.tokenPath)
			} else {
				o.mttFront = countPath(&tokenCalls, sys.tokenPath)
			}
			e := newEnv(t, o)
			first := e.startAt(e.client, sys, shared.StartRequest{ReturnTo: "/?tab=1"}, nil)
			second := e.startAt(e.client, sys, shared.StartRequest{ReturnTo: "/?tab=2"}, nil)
			u, _ := url.Parse(e.api.URL)
			before := e.client.Jar.Cookies(u) // what an attacker could copy

			p1 := sys.approve(e, first)
			wantSignedIn(t, "the first tab", e.completeAt(sys, p1), "/?tab=1")
			if !decode[shared.Session](t, e.get("/api/session")).SignedIn {
				t.Fatal("not signed in after the first tab finished")
			}
			if e.cookie("cw_flow") == nil {
				t.Fatal("finishing the first tab dropped the second tab's sign-in")
			}
			p2 := sys.approve(e, second)
			wantSignedIn(t, "the second tab", e.completeAt(sys, p2), "/?tab=2")
			if e.cookie("cw_flow") != nil {
				t.Error("a flow cookie survives both completions")
			}

			// Each stays single use, in this browser and with the cookies
			// copied before either finished.
			wantFlowExpired(t, "the first tab again", e.completeAt(sys, p1))
			wantFlowExpired(t, "the second tab again", e.completeAt(sys, p2))
			var cookies []string
			for _, c := range before {
				cookies = append(cookies, c.Name+"="+c.Value)
			}
			for _, p := range []map[string]string{p1, p2} {
				wantFlowExpired(t, "a replay with the copied cookies", e.do(newBrowser(t), "POST", "/api/auth/"+sys.id+"/complete",
					shared.CompleteRequest{Params: p}, map[string]string{"Cookie": strings.Join(cookies, "; ")}))
			}
			if n := tokenCalls.Load(); n != 2 {
				t.Errorf("the university's token endpoint got %d requests, want one per flow", n)
			}
		})
	}
}

// A calendar approval in one tab and a sign-in in another, started in
// either order, both finish.
func TestSubscriptionApprovalBesideSignIn(t *testing.T) {
	for _, sys := range systems {
		for _, feedFirst := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/feed started first %v", sys.name, feedFirst), func(t *testing.T) {
				e := newEnv(t, sys.scopes)
				sys.signIn(e)
				startFeed := func() string {
					return e.startAt(e.client, sys, shared.StartRequest{Purpose: shared.PurposeFeed, ReturnTo: "/?feed"}, nil)
				}
				startSignIn := func() string {
					return e.startAt(e.client, sys, shared.StartRequest{ReturnTo: "/?again"}, nil)
				}
				var feed, signIn string
				if feedFirst {
					feed, signIn = startFeed(), startSignIn()
				} else {
					signIn, feed = startSignIn(), startFeed()
				}
				r := e.completeAt(sys, sys.approve(e, feed))
				if r.status != http.StatusOK {
					t.Fatalf("the approval: %d %s", r.status, r.body)
				}
				if done := decode[shared.CompleteResponse](t, r); done.Feed == nil || done.ReturnTo != "/?feed" {
					t.Fatalf("the approval: %s", r.body)
				}
				wantSignedIn(t, "the sign-in", e.completeAt(sys, sys.approve(e, signIn)), "/?again")
			})
		}
	}
}

// A browser keeps its latest few sign-ins in progress: the oldest of more
// is forgotten, the others finish.
func TestFlowsPerBrowserBounded(t *testing.T) {
	sys := systems[1] // MyTimetable, whose start makes no call
	e := newEnv(t, envOptions{})
	var urls []string
	for i := range 5 {
		urls = append(urls, e.startAt(e.client, sys, shared.StartRequest{ReturnTo: fmt.Sprintf("/?tab=%d", i)}, nil))
	}
	wantFlowExpired(t, "the oldest of five", e.completeAt(sys, sys.approve(e, urls[0])))
	for i := 4; i >= 1; i-- {
		wantSignedIn(t, fmt.Sprintf("tab %d", i), e.completeAt(sys, sys.approve(e, urls[i])), fmt.Sprintf("/?tab=%d", i))
	}
}

// A PIN completion names its flow by the request token of its authorize
// URL; without one it is the latest PIN sign-in at that university. Flows
// in redirect mode beside it are left alone.
func TestPINFlowBesideOthers(t *testing.T) {
	e := newEnv(t, envOptions{})
	pin := func(authURL string) string {
		t.Helper()
		resp := e.consent(authURL, "allow")
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := regexp.MustCompile(`id="pin">\s*([0-9A-Za-z]+)\s*<`).FindSubmatch(page)
		if m == nil {
			t.Fatalf("no PIN on the page: %s", page)
		}
		return string(m[1])
	}
	redirect := e.start(shared.ModeRedirect, "/?tab=redirect")
	older := e.start(shared.ModePIN, "/?tab=older")
	latest := e.start(shared.ModePIN, "/?tab=latest")
	olderPIN, latestPIN := pin(older), pin(latest)

	token := func(authURL string) string {
		u, _ := url.Parse(authURL)
		return u.Query().Get("oauth_token")
	}
	wantSignedIn(t, "the older PIN, named by its token", e.post("/api/auth/uni/complete",
		shared.CompleteRequest{PIN: olderPIN, Params: map[string]string{"oauth_token": token(older)}}), "/?tab=older")
	wantSignedIn(t, "the latest PIN", e.post("/api/auth/uni/complete", shared.CompleteRequest{PIN: latestPIN}), "/?tab=latest")
	wantFlowExpired(t, "a PIN with no PIN sign-in left", e.post("/api/auth/uni/complete", shared.CompleteRequest{PIN: latestPIN}))
	wantSignedIn(t, "the redirect tab", e.post("/api/auth/uni/complete",
		shared.CompleteRequest{Params: e.callbackParams(redirect, "allow")}), "/?tab=redirect")
}

// One flow cookie and made-up completions from a few addresses cannot lock
// a university out of signing in, nor can made-up starts: requests
// refused before calling the university take nothing from its limit, and
// a flow reaches the university once, however often it is replayed. A
// real student signs in after the flood.
func TestMadeUpSignInsCannotLockOutAUniversity(t *testing.T) {
	for _, sys := range systems {
		t.Run(sys.name, func(t *testing.T) {
			var tokenCalls atomic.Int32
			o := envOptions{clientIPHeader: "X-Forwarded-For"} // the default limits
			if sys.id == "uni" {
				o.usosFront = countPath(&tokenCalls, sys.tokenPath)
			} else {
				o.mttFront = countPath(&tokenCalls, sys.tokenPath)
			}
			e := newEnv(t, o)
			browser := newBrowser(t)
			authURL := e.startAt(browser, sys, shared.StartRequest{ReturnTo: "/"}, from("192.0.2.1"))
			au, _ := url.Parse(authURL)
			realToken := au.Query().Get(sys.flowParam)
			u, _ := url.Parse(e.api.URL)
			flow := browser.Jar.Cookies(u)[0]
			// The attacker keeps sending the flow cookie, whatever the
			// answers say.
			attacker := &http.Client{Timeout: 10 * time.Second}

			const addrs, perAddr = 7, 60 // each address's whole burst
			for a := range addrs {
				for i := range perAddr {
					params := map[string]string{sys.flowParam: fmt.Sprintf("made-up-%d-%d", a, i), "oauth_verifier": "v", "code": "c"}
					switch i % 3 {
					case 1: // the flow's own token, with a made-up verifier or code
						params[sys.flowParam] = realToken
					case 2:
						params = nil
					}
					hdr := from(fmt.Sprintf("127.0.0.%d", 10+a))
					hdr["Cookie"] = flow.Name + "=" + flow.Value
					r := e.do(attacker, "POST", "/api/auth/"+sys.id+"/complete", shared.CompleteRequest{Params: params}, hdr)
					if r.status == http.StatusTooManyRequests {
						t.Fatalf("completion %d from address %d: 429 %s", i, a, r.body)
					}
					if r.status != http.StatusBadRequest && r.status != http.StatusForbidden {
						t.Fatalf("a made-up completion: %d %s", r.status, r.body)
					}
				}
			}
			if n := tokenCalls.Load(); n > 1 {
				t.Errorf("one flow reached the university's token endpoint %d times", n)
			}
			for a := range addrs {
				for i := range perAddr {
					req := shared.StartRequest{ReturnTo: "//evil.example/"}
					if i%2 == 1 {
						req = shared.StartRequest{Purpose: shared.PurposeFeed} // not signed in
					}
					r := e.do(newBrowser(t), "POST", "/api/auth/"+sys.id+"/start", req, from(fmt.Sprintf("127.0.1.%d", 10+a)))
					if r.status != http.StatusBadRequest && r.status != http.StatusUnauthorized {
						t.Fatalf("a refused start: %d %s", r.status, r.body)
					}
				}
			}

			// A real student, from a fresh address.
			e.client = newBrowser(t)
			authURL = e.startAt(e.client, sys, shared.StartRequest{ReturnTo: "/?real"}, from("198.51.100.7"))
			r := e.do(e.client, "POST", "/api/auth/"+sys.id+"/complete",
				shared.CompleteRequest{Params: sys.approve(e, authURL)}, from("198.51.100.7"))
			wantSignedIn(t, "the real student after the flood", r, "/?real")
		})
	}
}
