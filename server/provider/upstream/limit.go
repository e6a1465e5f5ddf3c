package upstream

import (
	"io"
	"net/http"
	"sync"

	"golang.org/x/sync/semaphore"
)

// DefaultMaxConcurrent is how many requests one provider may have in
// flight at its university at once, unless configured otherwise. Every
// timetable request fans out into a few calls, so without a global bound a
// lecture hall syncing together would hit the installation with hundreds.
const DefaultMaxConcurrent = 32

// Limit returns a RoundTripper over rt (nil: Transport) that lets at most
// n requests (n <= 0: DefaultMaxConcurrent) be in flight at once. A request
// waits for a slot only as long as its context allows, so the caller's time
// budget still bounds it; it holds the slot until its response body is
// read to the end or closed.
func Limit(rt http.RoundTripper, n int) http.RoundTripper {
	if rt == nil {
		rt = Transport
	}
	if n <= 0 {
		n = DefaultMaxConcurrent
	}
	return &limiter{rt: rt, sem: semaphore.NewWeighted(int64(n))}
}

type limiter struct {
	rt  http.RoundTripper
	sem *semaphore.Weighted
}

func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.sem.Acquire(req.Context(), 1); err != nil {
		// A RoundTripper must close the request body, even on error.
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := l.rt.RoundTrip(req)
	if err != nil {
		l.sem.Release(1)
		return nil, err
	}
	resp.Body = &slotBody{ReadCloser: resp.Body, release: sync.OnceFunc(func() { l.sem.Release(1) })}
	return resp, nil
}

// slotBody gives the slot back once the response is done with: at the end
// of the body or when it is closed, whichever comes first.
type slotBody struct {
	io.ReadCloser
	release func()
}

func (b *slotBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.release()
	}
	return n, err
}

func (b *slotBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
