package mytimetable

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// heldUniversity answers every call with an empty timetable, once the test
// lets it go, and counts the calls waiting at once.
type heldUniversity struct {
	release chan struct{}
	mu      sync.Mutex
	waiting int
}

func (u *heldUniversity) RoundTrip(req *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.waiting++
	u.mu.Unlock()
	<-u.release
	return &http.Response{StatusCode: http.StatusOK, Request: req, Body: io.NopCloser(strings.NewReader("[]"))}, nil
}

// A term read fans out into parallelCalls windows at once; the configured
// bound on calls in flight at the university holds against that.
func TestMaxConcurrentRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit = 2
		u := &heldUniversity{release: make(chan struct{})}
		base, err := config.ParseBaseURL("https://mytimetable.example/")
		if err != nil {
			t.Fatal(err)
		}
		p := New(config.Provider{ID: "tud", Kind: shared.KindMyTimetable, Name: "TU", BaseURL: base,
			ClientID: "cw", ClientSecret: "s3cret", MaxConcurrentRequests: limit}, Options{HTTPClient: &http.Client{Transport: u}})
		from := shared.Date{Year: 2026, Month: 9, Day: 7}
		done := make(chan error, 1)
		go func() {
			_, err := p.Timetable(context.Background(), &provider.Credentials{Token: "t"}, from, from.AddDays(6*daysPerCall-1))
			done <- err
		}()
		synctest.Wait()
		u.mu.Lock()
		if u.waiting != limit {
			t.Errorf("%d calls in flight at once, want %d", u.waiting, limit)
		}
		u.mu.Unlock()
		close(u.release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
