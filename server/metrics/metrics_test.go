package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func TestTransportCountsByProvider(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "fail") {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer up.Close()
	m := New()
	c := &http.Client{Transport: m.Transport("uw", http.DefaultTransport)}
	for _, q := range []string{"?a=secret-token", "?fail=1"} {
		resp, err := c.Get(up.URL + q)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := c.Get(closed.URL); err == nil {
		t.Fatal("a closed server answered")
	}
	out := scrape(t, m)
	for _, want := range []string{
		`campusweek_upstream_requests_total{code="200",provider="uw"} 1`,
		`campusweek_upstream_requests_total{code="503",provider="uw"} 1`,
		`campusweek_upstream_requests_total{code="error",provider="uw"} 1`,
		`campusweek_upstream_request_duration_seconds_count{provider="uw"} 3`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(out, "secret-token") {
		t.Error("a request value became a label")
	}
}

func TestNilRecordsNothing(t *testing.T) {
	var m *Metrics
	m.Request("GET /x", "GET", 200, time.Second)
	m.SignIn("uw", "session", "ok")
	if rt := m.Transport("uw", http.DefaultTransport); rt != http.DefaultTransport {
		t.Error("nil Metrics wrapped the transport")
	}
}

// Request data never becomes a label: made-up methods and codes outside
// the registered set collapse into "other", so a client cannot create
// series at will.
func TestRequestLabelsAreBounded(t *testing.T) {
	m := New()
	for i := range 50 {
		m.Request("GET /x", "M"+strings.Repeat("X", i), 200, time.Millisecond)
		m.Request("GET /x", "GET", 600+i, time.Millisecond)
	}
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"} {
		m.Request("GET /x", method, 404, time.Millisecond)
	}
	out := scrape(t, m)
	for _, want := range []string{
		`campusweek_http_requests_total{code="200",method="other",route="GET /x"} 50`,
		`campusweek_http_requests_total{code="other",method="GET",route="GET /x"} 50`,
		`campusweek_http_requests_total{code="404",method="other",route="GET /x"} 1`, // "get" is not GET
		`campusweek_http_requests_total{code="404",method="PATCH",route="GET /x"} 1`,
		`campusweek_http_request_duration_seconds_count{code="200",route="GET /x"} 50`,
		`campusweek_http_request_duration_seconds_count{code="other",route="GET /x"} 50`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
	if strings.Contains(out, "MXX") || strings.Contains(out, `code="6`) {
		t.Error("a request value became a label")
	}
	if n := strings.Count(out, "campusweek_http_requests_total{"); n != 2+8 {
		t.Errorf("%d request series, want 10", n)
	}
}

// The latency histogram is by route and status, as the counter is: a fast
// error and a slow success are told apart.
func TestRequestLatencyByStatus(t *testing.T) {
	m := New()
	m.Request("GET /api/timetable", "GET", 200, 2*time.Second)
	m.Request("GET /api/timetable", "GET", 401, time.Millisecond)
	out := scrape(t, m)
	for _, want := range []string{
		`campusweek_http_request_duration_seconds_bucket{code="200",route="GET /api/timetable",le="1"} 0`,
		`campusweek_http_request_duration_seconds_bucket{code="401",route="GET /api/timetable",le="0.005"} 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s", want)
		}
	}
}

// A university (or its gateway) answering with a code outside the
// registered set is counted as "other".
func TestUpstreamCodesAreBounded(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(799)
	}))
	defer up.Close()
	m := New()
	c := &http.Client{Transport: m.Transport("uw", http.DefaultTransport)}
	resp, err := c.Get(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if out := scrape(t, m); !strings.Contains(out, `campusweek_upstream_requests_total{code="other",provider="uw"} 1`) || strings.Contains(out, `code="799"`) {
		t.Errorf("an unregistered upstream code became a label:\n%s", grep(out, "campusweek_upstream_requests_total"))
	}
}

func grep(s, substr string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
