package upstream

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

// roundTripFunc is a university answering in memory.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func answer(req *http.Request, status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Request: req, Header: http.Header{},
		ContentLength: int64(len(body)), Body: io.NopCloser(strings.NewReader(body))}
}

// testErrorDetail reads {"message": ...}, as a system's decoder would.
func testErrorDetail(body []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Message
}

func newTestAPI(rt http.RoundTripper, timeout time.Duration) *API {
	return NewAPI(Installation{System: "test", Provider: "uni", ErrorDetail: testErrorDetail},
		Options{HTTPClient: &http.Client{Transport: rt}, CallTimeout: timeout})
}

const secretURL = "https://university.example/services/tt/user?oauth_token=SECRET"

// Every answer maps to one outcome: a decoded value, ErrSignedOut, or an
// UpstreamError with the status and a short detail.
func TestDoStatusMapping(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string // decoded value of {"v": ...}
		err    error  // wrapped sentinel
		detail string // UpstreamError detail prefix
	}{
		{"ok", 200, `{"v":"week"}`, "week", nil, ""},
		{"malformed JSON", 200, `{"v":`, "", nil, "malformed JSON: "},
		{"HTML instead of JSON", 200, `<html>`, "", nil, "malformed JSON: "},
		{"signed out", 401, `{"message":"token expired"}`, "", provider.ErrSignedOut, ""},
		{"signed out, empty body", 401, ``, "", provider.ErrSignedOut, ""},
		{"forbidden is not signed out", 403, `{"message":"scope missing"}`, "", nil, "scope missing"},
		{"system's error body", 500, `{"message":"database down"}`, "", nil, "database down"},
		{"gateway's page", 502, `<html>Bad Gateway</html>`, "", nil, "unexpected non-JSON error body"},
		{"JSON not in the system's format", 400, `{"other":1}`, "", nil, "unexpected non-JSON error body"},
		{"redirect is not followed", 302, ``, "", nil, "unexpected non-JSON error body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newTestAPI(roundTripFunc(func(req *http.Request) (*http.Response, error) {
				resp := answer(req, tc.status, tc.body)
				if tc.status == 302 {
					resp.Header.Set("Location", "https://elsewhere.example/")
				}
				return resp, nil
			}), time.Second)
			var out struct{ V string }
			err := api.Do(context.Background(), Call{Op: "read timetable", URL: secretURL}, &out)
			switch {
			case tc.err != nil:
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			case tc.detail != "":
				var ue *provider.UpstreamError
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want an UpstreamError", err)
				}
				if ue.Provider != "uni" || ue.Op != "read timetable" || ue.Status != tc.status || !strings.HasPrefix(ue.Detail, tc.detail) {
					t.Errorf("got %+v, want status %d and a detail starting %q", ue, tc.status, tc.detail)
				}
			default:
				if err != nil || out.V != tc.want {
					t.Errorf("got %q, %v; want %q", out.V, err, tc.want)
				}
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error names the URL's token: %v", err)
			}
		})
	}
}

// No response at all is an UpstreamError without a status, whose detail
// does not repeat the URL.
func TestDoNoResponse(t *testing.T) {
	api := newTestAPI(roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection reset by peer")
	}), time.Second)
	err := api.Do(context.Background(), Call{Op: "read user", URL: secretURL}, new(any))
	var ue *provider.UpstreamError
	if !errors.As(err, &ue) || ue.Status != 0 || ue.Detail != "no response: connection reset by peer" {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("the error names the URL's token: %v", err)
	}
}

// An answer over MaxBody is refused, whether it says so up front or not.
func TestDoCapsTheBody(t *testing.T) {
	big := `"` + strings.Repeat("x", MaxBody) + `"`
	for _, tc := range []struct {
		name     string
		declared int64
	}{
		{"declared", int64(len(big))},
		{"undeclared", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := newTestAPI(roundTripFunc(func(req *http.Request) (*http.Response, error) {
				resp := answer(req, 200, big)
				resp.ContentLength = tc.declared
				return resp, nil
			}), time.Second)
			var out string
			err := api.Do(context.Background(), Call{Op: "read timetable", URL: secretURL}, &out)
			var ue *provider.UpstreamError
			if !errors.As(err, &ue) || ue.Status != 200 || ue.Detail != "reading response: "+ErrTooLarge.Error() {
				t.Fatalf("err = %v", err)
			}
			if out != "" {
				t.Errorf("part of an answer over the cap was decoded")
			}
		})
	}
}

// blockingBody is a body that never ends until its request is cancelled.
type blockingBody struct{ ctx context.Context }

func (b blockingBody) Read([]byte) (int, error) {
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (blockingBody) Close() error { return nil }

// A university that does not answer in time, or stops sending halfway,
// is ErrTimeout once the call's time bound has passed, and not before.
func TestDoTimeout(t *testing.T) {
	for _, tc := range []struct {
		name string
		rt   roundTripFunc
	}{
		{"no headers", func(req *http.Request) (*http.Response, error) {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}},
		{"body stalls", func(req *http.Request) (*http.Response, error) {
			resp := answer(req, 200, "")
			resp.ContentLength = -1
			resp.Body = blockingBody{req.Context()}
			return resp, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				api := newTestAPI(tc.rt, 3*time.Second)
				start := time.Now()
				err := api.Do(context.Background(), Call{Op: "read timetable", URL: secretURL}, new(any))
				if !errors.Is(err, provider.ErrTimeout) {
					t.Fatalf("err = %v, want ErrTimeout", err)
				}
				if d := time.Since(start); d != 3*time.Second {
					t.Errorf("gave up after %v, want the call timeout", d)
				}
			})
		})
	}
	t.Run("default", func(t *testing.T) {
		if got := NewAPI(Installation{}, Options{}).Timeout(); got != DefaultCallTimeout {
			t.Errorf("Timeout() = %v, want %v", got, DefaultCallTimeout)
		}
	})
}

// A Call's headers and transport are used, Accept asks for JSON, and each
// attempt of Get is a new request through the call's transport (which
// signs each afresh).
func TestGetSendsEachAttemptThroughTheCallsTransport(t *testing.T) {
	retryPause = time.Millisecond
	var reached atomic.Int32
	api := newTestAPI(roundTripFunc(func(req *http.Request) (*http.Response, error) {
		reached.Add(1)
		return answer(req, 200, `{}`), nil
	}), time.Second)
	var seen []*http.Request
	signer := roundTripFunc(func(req *http.Request) (*http.Response, error) {
		seen = append(seen, req)
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "signed "+strconv.Itoa(len(seen)))
		resp, err := api.Transport().RoundTrip(req)
		if err != nil || len(seen) > 1 {
			return resp, err
		}
		resp.Body.Close()
		return answer(req, http.StatusServiceUnavailable, ""), nil
	})
	var out map[string]any
	err := api.Get(context.Background(), Call{Op: "read user", URL: secretURL,
		Header: http.Header{"Accept-Language": {"pl, en"}}, Transport: signer}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Fatalf("%d attempts through the call's transport, want 2 distinct requests", len(seen))
	}
	for _, req := range seen {
		if req.Header.Get("Accept") != "application/json" || req.Header.Get("Accept-Language") != "pl, en" {
			t.Errorf("headers %v", req.Header)
		}
	}
	if reached.Load() != 2 {
		t.Errorf("%d requests reached the installation's transport, want 2", reached.Load())
	}
}
