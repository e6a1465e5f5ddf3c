package upstream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
)

// slowUniversity is an in-memory upstream for synctest bubbles: each
// request waits until the test lets it go, and counts as in flight until
// its response body is done with (read to its end or closed), which is
// what the limit is about.
type slowUniversity struct {
	release chan struct{} // nil: answer at once
	mu      sync.Mutex
	started int // requests that reached the university
	open    int // started and not yet done with
	most    int
}

func (u *slowUniversity) RoundTrip(req *http.Request) (*http.Response, error) {
	u.mu.Lock()
	u.started++
	u.open++
	u.most = max(u.most, u.open)
	u.mu.Unlock()
	if u.release != nil {
		<-u.release
	}
	done := sync.OnceFunc(func() {
		u.mu.Lock()
		u.open--
		u.mu.Unlock()
	})
	return &http.Response{StatusCode: http.StatusOK, Request: req,
		Body: &closeHook{Reader: strings.NewReader("ok"), done: done}}, nil
}

func (u *slowUniversity) counts() (started, open, most int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.started, u.open, u.most
}

// closeHook marks a body done at its end or when closed, whichever comes
// first: what the limit counts as done with.
type closeHook struct {
	io.Reader
	done func()
}

func (c *closeHook) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	if err != nil {
		c.done()
	}
	return n, err
}

func (c *closeHook) Close() error { c.done(); return nil }

// get makes a request and reads and closes the answer.
func get(ctx context.Context, c *http.Client) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://usos.example/services/tt/user", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

func TestLimitBoundsRequestsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const limit, requests = 3, 12
		u := &slowUniversity{release: make(chan struct{})}
		client := Client(Limit(u, limit))
		errs := make(chan error, requests)
		for range requests {
			go func() { errs <- get(context.Background(), client) }()
		}
		synctest.Wait() // every request is at the university or waiting for a slot
		if started, _, _ := u.counts(); started != limit {
			t.Errorf("%d requests at the university at once, want %d", started, limit)
		}
		u.release <- struct{}{} // one is answered: a waiting one takes its slot
		synctest.Wait()
		if started, open, _ := u.counts(); started != limit+1 || open != limit {
			t.Errorf("after one answer: %d started, %d in flight; want %d and %d", started, open, limit+1, limit)
		}
		close(u.release)
		for range requests {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
		if started, open, most := u.counts(); started != requests || open != 0 || most != limit {
			t.Errorf("%d started, %d left open, %d at most in flight; want %d, 0, %d", started, open, most, requests, limit)
		}
	})
}

// A slot is held until the response body is done with, and comes back
// whether the body is read to its end or closed unread.
func TestLimitHoldsTheSlotUntilTheBodyIsDone(t *testing.T) {
	for name, finish := range map[string]func(io.ReadCloser){
		"closed unread": func(b io.ReadCloser) { b.Close() },
		"read to EOF":   func(b io.ReadCloser) { io.ReadAll(b) },
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				u := &slowUniversity{}
				client := Client(Limit(u, 1))
				resp, err := client.Get("https://usos.example/")
				if err != nil {
					t.Fatal(err)
				}
				next := make(chan error, 1)
				go func() { next <- get(context.Background(), client) }()
				synctest.Wait()
				if started, _, _ := u.counts(); started != 1 {
					t.Fatalf("a second request got through while the first's body was unread")
				}
				finish(resp.Body)
				if err := <-next; err != nil {
					t.Fatal(err)
				}
				resp.Body.Close() // closing again gives back nothing more
				if started, _, _ := u.counts(); started != 2 {
					t.Errorf("%d requests started, want 2", started)
				}
			})
		})
	}
}

// Waiting for a slot ends with the request's context, so a request's time
// budget bounds it.
func TestLimitWaitsWithinTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		u := &slowUniversity{release: make(chan struct{})}
		client := Client(Limit(u, 1))
		first := make(chan error, 1)
		go func() { first <- get(context.Background(), client) }()
		synctest.Wait() // the first holds the one slot
		ctx, cancel := context.WithCancel(context.Background())
		waiting := make(chan error, 1)
		go func() { waiting <- get(ctx, client) }()
		synctest.Wait() // the second waits for it
		cancel()
		synctest.Wait()
		select {
		case err := <-waiting:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("waiting request: %v, want context.Canceled", err)
			}
		default:
			t.Fatal("a cancelled request still waits for a slot")
		}
		if started, _, _ := u.counts(); started != 1 {
			t.Errorf("%d requests reached the university, want 1", started)
		}
		close(u.release)
		if err := <-first; err != nil {
			t.Error(err)
		}
	})
}

func TestLimitDefault(t *testing.T) {
	l := Limit(nil, 0).(*limiter)
	if l.rt != Transport {
		t.Error("nil transport is not the default one")
	}
	// All DefaultMaxConcurrent slots are there, and not one more.
	if !l.sem.TryAcquire(DefaultMaxConcurrent) || l.sem.TryAcquire(1) {
		t.Errorf("the default limit is not %d", DefaultMaxConcurrent)
	}
}
