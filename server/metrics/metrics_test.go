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
	m.SignIn("uw", "ok")
	if rt := m.Transport("uw", http.DefaultTransport); rt != http.DefaultTransport {
		t.Error("nil Metrics wrapped the transport")
	}
}
