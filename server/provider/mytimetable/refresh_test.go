package mytimetable

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

// grantServer models one grant at a Spring Security OAuth2 server: the
// refresh token stays valid and every refresh revokes the access tokens
// issued before it. Hooks let a test act as another replica meanwhile.
type grantServer struct {
	*httptest.Server
	mu            sync.Mutex
	issued        int
	valid         string // the one live access token
	refreshDead   bool   // the refresh token is refused (invalid_grant)
	refuseAll     bool   // every access token is refused, as by a broken server
	refreshes     atomic.Int32
	onAPI         func(token string) // before an API call is judged, unlocked
	inTokenCall   chan struct{}      // when set, told of each token request...
	releaseTokens chan struct{}      // ...which then waits for this
}

func newGrantServer(t *testing.T) *grantServer {
	g := &grantServer{valid: "tok-0"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		g.refreshes.Add(1)
		if g.inTokenCall != nil {
			g.inTokenCall <- struct{}{} // buffered: an unexpected second request fails the test, not hangs it
			<-g.releaseTokens
		}
		w.Header().Set("Content-Type", "application/json")
		g.mu.Lock()
		dead := g.refreshDead || r.PostFormValue("refresh_token") != "ref"
		g.mu.Unlock()
		if dead || r.PostFormValue("grant_type") != "refresh_token" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"invalid_grant"}`))
			return
		}
		w.Write([]byte(`{"access_token":"` + g.refresh() + `","token_type":"bearer","expires_in":3600}`))
	})
	mux.HandleFunc("GET /api/v0/timetable", func(w http.ResponseWriter, r *http.Request) {
		tok := r.Header.Get("Authorization")[len("Bearer "):]
		if g.onAPI != nil {
			g.onAPI(tok)
		}
		g.mu.Lock()
		ok := tok == g.valid && !g.refuseAll
		g.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"errorType":"unauthorized","errorMessage":"bad token","status":"error"}`))
			return
		}
		w.Write([]byte(`[]`))
	})
	g.Server = httptest.NewServer(mux)
	t.Cleanup(g.Close)
	return g
}

// refresh issues the next access token and revokes the earlier ones.
func (g *grantServer) refresh() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.issued++
	g.valid = "tok-" + strconv.Itoa(g.issued)
	return g.valid
}

func (g *grantServer) live() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.valid
}

// expired is a session whose access token has run out.
func expired() *provider.Credentials {
	return &provider.Credentials{Token: "tok-0", Refresh: "ref", Expiry: time.Now().Add(-time.Minute)}
}

// The audit's case, across replicas: this request refreshes, another
// replica refreshes the same grant before the new token is used (revoking
// it), and the call is refused. The refresh token still works, so the
// student stays signed in: refresh again.
func TestRefreshAgainWhenTheRefreshedTokenIsRevoked(t *testing.T) {
	g := newGrantServer(t)
	var once sync.Once
	g.onAPI = func(tok string) {
		if tok == "tok-1" {
			once.Do(func() { g.refresh() }) // the other replica: tok-2
		}
	}
	p := newProviderAt(t, g.URL)
	creds := expired()
	if _, err := p.Timetable(context.Background(), creds, week[0], week[1]); err != nil {
		t.Fatalf("signed out by a token revoked after this request's refresh: %v", err)
	}
	if creds.Token != g.live() || creds.Token != "tok-3" || creds.Refresh != "ref" {
		t.Errorf("credentials %+v, want the live token tok-3", creds)
	}
	if n := g.refreshes.Load(); n != 2 {
		t.Errorf("%d refreshes, want 2", n)
	}
}

// Only a refused refresh signs out; access tokens refused whatever the
// refresh cost only a bounded number of token requests and an upstream
// error, which keeps the session.
func TestRefreshBounds(t *testing.T) {
	t.Run("refused access tokens", func(t *testing.T) {
		g := newGrantServer(t)
		g.refuseAll = true
		p := newProviderAt(t, g.URL)
		_, err := p.Timetable(context.Background(), expired(), week[0], week[1])
		var ue *provider.UpstreamError
		if errors.Is(err, provider.ErrSignedOut) || !errors.As(err, &ue) || ue.Status != http.StatusUnauthorized {
			t.Errorf("err = %v, want an upstream error that keeps the session", err)
		}
		if n := g.refreshes.Load(); n != maxRefreshes {
			t.Errorf("%d refreshes, want %d", n, maxRefreshes)
		}
	})
	t.Run("refresh refused after a first one", func(t *testing.T) {
		g := newGrantServer(t)
		g.onAPI = func(string) {
			g.mu.Lock()
			g.refreshDead = true // the grant is revoked after the first refresh
			g.valid = ""
			g.mu.Unlock()
		}
		p := newProviderAt(t, g.URL)
		if _, err := p.Timetable(context.Background(), expired(), week[0], week[0]); !errors.Is(err, provider.ErrSignedOut) {
			t.Errorf("err = %v, want signed out", err)
		}
	})
	t.Run("refused token, no refresh token", func(t *testing.T) {
		g := newGrantServer(t)
		p := newProviderAt(t, g.URL)
		creds := &provider.Credentials{Token: "revoked", Expiry: time.Now().Add(time.Hour)}
		if _, err := p.Timetable(context.Background(), creds, week[0], week[0]); !errors.Is(err, provider.ErrSignedOut) {
			t.Errorf("err = %v, want signed out", err)
		}
		if n := g.refreshes.Load(); n != 0 {
			t.Errorf("%d refreshes without a refresh token", n)
		}
	})
}

// Concurrent requests of one student with the same expired cookie share one
// refresh, and a request still carrying the old cookie a little later gets
// its result instead of refreshing (and revoking) again.
func TestConcurrentRequestsShareOneRefresh(t *testing.T) {
	g := newGrantServer(t)
	p := newProviderAt(t, g.URL)
	const requests = 8
	got := make([]*provider.Credentials, requests)
	var wg sync.WaitGroup
	for i := range got {
		got[i] = expired()
		wg.Go(func() {
			if _, err := p.Timetable(context.Background(), got[i], week[0], week[1]); err != nil {
				t.Errorf("request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	late := expired()
	if _, err := p.Timetable(context.Background(), late, week[0], week[1]); err != nil {
		t.Errorf("late request with the old credentials: %v", err)
	}
	if n := g.refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes for one session, want 1", n)
	}
	for i, c := range append(got, late) {
		if c.Token != g.live() {
			t.Errorf("request %d holds %q, want the live token %q", i, c.Token, g.live())
		}
	}

	// Once that token is revoked (another replica refreshed), the next
	// refused request refreshes again rather than reusing it.
	g.refresh()
	again := expired()
	again.Expiry = time.Now().Add(time.Hour) // not known to be expired: found by the 401
	if _, err := p.Timetable(context.Background(), again, week[0], week[0]); err != nil {
		t.Fatal(err)
	}
	if n := g.refreshes.Load(); n != 2 || again.Token != g.live() {
		t.Errorf("%d refreshes, token %q; want 2 and the live %q", n, again.Token, g.live())
	}
}

// One request giving up (its client went away) must not fail the refresh
// the others are waiting for.
func TestSharedRefreshOutlivesItsStarter(t *testing.T) {
	g := newGrantServer(t)
	g.inTokenCall, g.releaseTokens = make(chan struct{}, 4), make(chan struct{})
	p := newProviderAt(t, g.URL)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := p.Timetable(ctx, expired(), week[0], week[0])
		first <- err
	}()
	<-g.inTokenCall
	cancel()
	if err := <-first; !errors.Is(err, provider.ErrTimeout) {
		t.Errorf("cancelled request: %v", err)
	}
	second := make(chan error, 1)
	creds := expired()
	go func() {
		_, err := p.Timetable(context.Background(), creds, week[0], week[0])
		second <- err
	}()
	close(g.releaseTokens) // the refresh answers now
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := g.refreshes.Load(); n != 1 || creds.Token != g.live() {
		t.Errorf("%d refreshes, token %q; want 1 and %q", n, creds.Token, g.live())
	}
}

func TestRefreshResultsAreKeptBriefly(t *testing.T) {
	r := newRefresher(time.Second, nil)
	soon := provider.Credentials{Token: "a", Refresh: "r1", Expiry: time.Now().Add(refreshMargin)}
	r.remember(refreshKey("r1"), soon)
	if r.size() != 0 {
		t.Error("kept a token that is already due for a refresh")
	}
	n := provider.Credentials{Token: "b", Refresh: "r2", Expiry: time.Now().Add(time.Hour)}
	key := refreshKey("r2")
	r.remember(key, n)
	e := r.recent[key]
	if e == nil || e.until.After(time.Now().Add(reuseFor)) || e.timer == nil {
		t.Fatalf("kept %+v, want at most %v with a timer that drops it", e, reuseFor)
	}
	if key == "r2" || len(key) != 32 {
		t.Error("the table is indexed by the raw refresh token")
	}
	old := provider.Credentials{Token: "old", Refresh: "r2", Expiry: time.Now().Add(-time.Minute)}
	if got, ok := r.reuse(key, old); !ok || got.Token != "b" {
		t.Errorf("reuse = %+v, %v", got, ok)
	}
	if _, ok := r.reuse(key, n); ok {
		t.Error("handed a request its own token back")
	}
	newer := provider.Credentials{Token: "c", Refresh: "r2", Expiry: time.Now().Add(2 * time.Hour)}
	if _, ok := r.reuse(key, newer); ok {
		t.Error("replaced a newer token with an older one")
	}
	e.until = time.Now()
	if _, ok := r.reuse(key, old); ok {
		t.Error("reused a result past its time")
	}
	r.forget(key, e)

	for i := range maxReused + 1 {
		r.remember(refreshKey(strconv.Itoa(i)), n)
	}
	if r.size() != maxReused {
		t.Errorf("%d results kept, want at most %d", r.size(), maxReused)
	}
}

// Replicas share no memory, so a student's requests spread over two of
// them refresh separately and revoke each other's tokens. That may cost
// extra refreshes, and at worst a failed read, but never a sign-out while
// the refresh token works.
func TestReplicasDoNotSignEachOtherOut(t *testing.T) {
	g := newGrantServer(t)
	replicas := []*Provider{newProviderAt(t, g.URL), newProviderAt(t, g.URL)}
	for round := range 10 {
		var wg sync.WaitGroup
		for i := range 6 {
			wg.Go(func() {
				_, err := replicas[i%2].Timetable(context.Background(), expired(), week[0], week[1])
				var ue *provider.UpstreamError
				switch {
				case err == nil:
				case errors.As(err, &ue) && ue.Status == http.StatusUnauthorized:
					t.Logf("round %d: %v", round, err) // lost the race twice: kept signed in
				default:
					t.Errorf("round %d, request %d: %v", round, i, err)
				}
			})
		}
		wg.Wait()
	}
}
