package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// sessionCookies opens and re-seals session cookies as the harness's
// backend does (same key, purpose = cookie name), to make a cookie whose
// access token is known to have expired and to read what a reply sealed.
type sessionCookies struct {
	t      *testing.T
	sealer *seal.Sealer
}

func newSessionCookies(t *testing.T) sessionCookies {
	s, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return sessionCookies{t, s}
}

// open returns the session's fields and its credentials.
func (c sessionCookies) open(v string) (map[string]json.RawMessage, provider.Credentials) {
	c.t.Helper()
	var st map[string]json.RawMessage
	var creds provider.Credentials
	if err := c.sealer.Open("cw_session", v, &st); err != nil {
		c.t.Fatalf("opening a session cookie: %v", err)
	}
	if err := json.Unmarshal(st["c"], &creds); err != nil || creds.Token == "" || creds.Refresh == "" {
		c.t.Fatalf("session credentials %s: %v", st["c"], err)
	}
	return st, creds
}

// expired returns v with the access token's expiry in the past.
func (c sessionCookies) expired(v string) string {
	c.t.Helper()
	st, creds := c.open(v)
	creds.Expiry = time.Now().Add(-time.Minute)
	b, err := json.Marshal(creds)
	if err != nil {
		c.t.Fatal(err)
	}
	st["c"] = b
	out, err := c.sealer.Seal("cw_session", st, time.Now().Add(24*time.Hour))
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// getWithSession is one browser request carrying exactly the given cookie
// (no jar: concurrent requests of one page send the same one). It returns
// the status and the session cookie the reply set, if any.
func (e *env) getWithSession(path, session string) (int, *http.Cookie, []byte) {
	e.t.Helper()
	r := e.do(&http.Client{Timeout: 20 * time.Second}, "GET", path, nil, map[string]string{"Cookie": "cw_session=" + session})
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "cw_session" {
			return r.status, c, r.body
		}
	}
	return r.status, nil, r.body
}

// The PWA sends a student's timetable requests in parallel (a term sync,
// two in flight, and the week on screen), all with the same cookie. When
// its access token has expired, MyTimetable revokes the previous access
// token on each refresh, so requests refreshing on their own revoke each
// other's tokens. None of them may sign the student out, and every cookie
// they send back must work.
func TestMyTimetableConcurrentRequestsWithAnExpiredToken(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.mttSignIn()
	cookies := newSessionCookies(t)
	session := e.cookie("cw_session").Value

	monday := shared.DateOf(time.Now()).Monday()
	paths := []string{
		"/api/timetable?from=" + monday.AddDays(14).String() + "&to=" + monday.AddDays(27).String(), // term sync
		"/api/timetable?from=" + monday.AddDays(28).String() + "&to=" + monday.AddDays(41).String(), // term sync
		"/api/timetable", // this week
		"/api/timetable", // this week again (a second tab, a reload)
	}
	const rounds = 8 // few requests in all, to stay within the per-session read limit
	for round := range rounds {
		// The token has run out, at the university and in the cookie.
		e.mtt.ExpireAccessTokens()
		stale := cookies.expired(session)

		type reply struct {
			status  int
			session *http.Cookie
			body    []byte
		}
		replies := make([]reply, len(paths))
		var wg sync.WaitGroup
		for i, path := range paths {
			wg.Go(func() {
				status, c, body := e.getWithSession(path, stale)
				replies[i] = reply{status, c, body}
			})
		}
		wg.Wait()

		var token string
		for i, r := range replies {
			if r.status != http.StatusOK {
				t.Fatalf("round %d, %s: %d %s", round, paths[i], r.status, r.body)
			}
			if r.session == nil || r.session.MaxAge < 0 || r.session.Value == "" {
				t.Fatalf("round %d, %s: the refreshed credentials were not sealed into a new cookie", round, paths[i])
			}
			_, creds := cookies.open(r.session.Value)
			if token == "" {
				token = creds.Token
			} else if creds.Token != token {
				t.Errorf("round %d: the replies carry different access tokens: one refresh each, revoking each other", round)
			}
		}

		// A request that left with the old cookie just after them gets
		// the same refresh, rather than revoking it with another.
		status, late, body := e.getWithSession("/api/timetable", stale)
		if status != http.StatusOK || late == nil {
			t.Fatalf("round %d, late request with the old cookie: %d %s", round, status, body)
		}
		if _, creds := cookies.open(late.Value); creds.Token != token {
			t.Errorf("round %d: a late request with the old cookie refreshed again", round)
		}

		// Every cookie sent back works as it is: no refresh, no new cookie.
		for i, r := range replies {
			status, again, body := e.getWithSession("/api/timetable", r.session.Value)
			if status != http.StatusOK || again != nil {
				t.Fatalf("round %d, the cookie from %s: %d, new cookie %v, %s", round, paths[i], status, again != nil, body)
			}
		}
		session = replies[0].session.Value
	}
}
