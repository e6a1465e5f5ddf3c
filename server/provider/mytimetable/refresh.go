package mytimetable

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/campusweek/campusweek/server/provider"
)

// MyTimetable runs on Spring Security OAuth2, whose token service revokes
// a grant's earlier access token on every refresh while the refresh token
// stays valid. A student's concurrent requests (the PWA syncs a term while
// showing a week) each carry the same expired token: refreshing on their
// own, each would revoke the token the others just got. So within one
// process, refreshes of one refresh token are shared, and their result is
// handed for a short while to requests still carrying the old credentials
// (the browser has not stored the new cookie yet).
const (
	// reuseFor bounds how long a refresh's result is kept for such
	// requests; never past the new token's own refresh time.
	reuseFor = time.Minute
	// maxReused bounds the results kept; when full, refreshes are still
	// shared while in flight, only not remembered after.
	maxReused = 4096
)

// refresher shares refreshes among the requests of one process. It keeps
// raw tokens only for reuseFor, indexed by a hash of the refresh token.
type refresher struct {
	refresh func(ctx context.Context, refreshToken string) (provider.Credentials, error)
	timeout time.Duration // bounds one refresh, whoever waits for it

	flight singleflight.Group
	mu     sync.Mutex
	recent map[string]*reusable
}

type reusable struct {
	creds provider.Credentials
	until time.Time
	timer *time.Timer
}

func newRefresher(timeout time.Duration, refresh func(context.Context, string) (provider.Credentials, error)) *refresher {
	return &refresher{refresh: refresh, timeout: timeout, recent: map[string]*reusable{}}
}

// flightResult is what one shared refresh hands to everyone waiting.
type flightResult struct {
	creds  provider.Credentials
	reused bool // an earlier result, found when the flight began
}

// renew returns credentials to use instead of c, whose access token
// expired or was refused. It reuses a recent refresh's result that is newer
// than c; otherwise, when mayRefresh, it asks the token endpoint, in one
// call shared with every concurrent request holding the same refresh
// token. refreshed reports that a token request was made or joined.
func (r *refresher) renew(ctx context.Context, c provider.Credentials, mayRefresh bool) (_ provider.Credentials, refreshed bool, _ error) {
	key := refreshKey(c.Refresh)
	if n, ok := r.reuse(key, c); ok {
		return n, false, nil
	}
	if !mayRefresh {
		return c, false, errRefreshesSpent
	}
	// A flight that began before c's token was refused may hand back an
	// earlier result that is c itself: then one more, which cannot.
	for range 2 {
		ch := r.flight.DoChan(key, func() (any, error) {
			// A refresh may have ended between the look-up and now.
			if n, ok := r.reuse(key, c); ok {
				return flightResult{creds: n, reused: true}, nil
			}
			// The refresh serves every waiter, so no single request's
			// cancellation may abort it; it has its own time bound.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
			defer cancel()
			n, err := r.refresh(fctx, c.Refresh)
			if err != nil {
				return nil, err
			}
			r.remember(key, n)
			return flightResult{creds: n}, nil
		})
		var res singleflight.Result
		select {
		case <-ctx.Done():
			return c, true, fmt.Errorf("mytimetable: refresh token: %w", provider.ErrTimeout)
		case res = <-ch:
		}
		if res.Err != nil {
			return c, true, res.Err
		}
		fr := res.Val.(flightResult)
		if !fr.reused || replaces(fr.creds, c) {
			return fr.creds, true, nil
		}
	}
	return c, true, errRefreshesSpent
}

// errRefreshesSpent: the request may not refresh again.
var errRefreshesSpent = errors.New("mytimetable: no more refreshes for this request")

// replaces reports whether n, a refresh's result, is newer than c: another
// access token, not expiring before c's (when both are known). An older
// one was most likely revoked by the refresh that produced c.
func replaces(n, c provider.Credentials) bool {
	return n.Token != c.Token && (n.Expiry.IsZero() || c.Expiry.IsZero() || n.Expiry.After(c.Expiry))
}

// reuse returns the remembered result for key if it replaces c.
func (r *refresher) reuse(key string, c provider.Credentials) (provider.Credentials, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.recent[key]
	if !ok || !time.Now().Before(e.until) || !replaces(e.creds, c) {
		return provider.Credentials{}, false
	}
	return e.creds, true
}

// remember keeps n for requests still carrying the credentials it
// replaced, until reuseFor has passed or n is due for a refresh itself.
func (r *refresher) remember(key string, n provider.Credentials) {
	ttl := reuseFor
	if !n.Expiry.IsZero() {
		ttl = min(ttl, time.Until(n.Expiry)-refreshMargin)
	}
	if ttl <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.recent[key]; ok {
		old.timer.Stop()
	} else if len(r.recent) >= maxReused {
		return
	}
	e := &reusable{creds: n, until: time.Now().Add(ttl)}
	// Drop the tokens when they are no longer needed, not at some later
	// look-up.
	e.timer = time.AfterFunc(ttl, func() { r.forget(key, e) })
	r.recent[key] = e
}

func (r *refresher) forget(key string, e *reusable) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.recent[key] == e {
		delete(r.recent, key)
	}
}

// size is the number of results remembered.
func (r *refresher) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recent)
}

// refreshKey indexes by a hash, so the table's keys are not tokens.
func refreshKey(refresh string) string {
	sum := sha256.Sum256([]byte(refresh))
	return string(sum[:])
}
