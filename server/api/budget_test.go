package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/seal"
	"github.com/campusweek/campusweek/shared"
)

// slowly delays every request to paths ending in suffix by d, then
// answers normally.
func slowly(suffix string, d time.Duration, hits *atomic.Int32) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, suffix) {
				hits.Add(1)
				select {
				case <-r.Context().Done():
					return
				case <-time.After(d):
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// A university that answers every call, each well within the per-call
// timeout, but so slowly that a term's worth of calls takes longer than
// the request's budget: the student gets 504 at the budget, not a
// request that runs as long as the university likes.
func TestTimetableBudget(t *testing.T) {
	const (
		delay       = 250 * time.Millisecond // each call
		callTimeout = 2 * time.Second        // 8 times the delay
		budget      = 500 * time.Millisecond // a few rounds of calls
	)
	// The longest range: 28 USOS calls (7 days each) or 7 MyTimetable
	// calls (28 days each), 4 at a time, so at least 7 or 2 delays.
	monday := shared.DateOf(time.Now()).Monday()
	term := "/api/timetable?from=" + monday.String() + "&to=" + monday.AddDays(api.MaxRangeDays-1).String()
	for _, tc := range []struct {
		name   string
		signIn func(e *env)
		hits   *atomic.Int32
	}{
		{"usos", func(e *env) { e.signIn() }, new(atomic.Int32)},
		{"mytimetable", func(e *env) { e.mttSignIn() }, new(atomic.Int32)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{
				usosFront:   slowly("/services/tt/user", delay, tc.hits),
				mttFront:    slowly("/api/v0/timetable", delay, tc.hits),
				callTimeout: callTimeout,
				budget:      budget,
			})
			tc.signIn(e)
			// One week is one round of calls: within the budget.
			if r := e.get("/api/timetable"); r.status != http.StatusOK {
				t.Fatalf("one week: %d %s", r.status, r.body)
			}
			tc.hits.Store(0)
			r := e.get(term)
			if r.status != http.StatusGatewayTimeout || r.apiError().Code != shared.CodeUpstreamTimeout || r.apiError().Message == "" {
				t.Fatalf("a term from a slow university: %d %.300s, want 504 %s", r.status, r.body, shared.CodeUpstreamTimeout)
			}
			if tc.hits.Load() == 0 {
				t.Fatal("the university was not called")
			}
			if e.cookie("cw_session") == nil {
				t.Error("a slow university signed the student out")
			}
		})
	}
}

func TestTimetableBudgetOverTheMaximum(t *testing.T) {
	sealer, err := seal.New(bytes.Repeat([]byte{7}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.New(api.Options{PublicURL: &url.URL{Scheme: "http", Host: "127.0.0.1:8080"}, Sealer: sealer,
		TimetableBudget: time.Minute})
	if err == nil {
		t.Fatal("a budget beyond the shutdown and write timeouts was accepted")
	}
}
