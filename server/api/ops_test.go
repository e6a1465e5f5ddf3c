package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/api"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/shared"
)

func TestHealthAndReadiness(t *testing.T) {
	e := newEnv(t, envOptions{})
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := e.get(path); r.status != http.StatusOK {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
}

func TestDrainFailsReadiness(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.server.Drain()
	if r := e.get("/readyz"); r.status != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d", r.status)
	}
	if r := e.get("/healthz"); r.status != http.StatusOK {
		t.Errorf("healthz while draining: %d", r.status)
	}
	if r := e.get("/api/providers"); r.status != http.StatusOK {
		t.Errorf("requests must still be served while draining: %d", r.status)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, envOptions{metrics: metrics.New()})
	e.signIn()
	e.get("/api/timetable")
	r := e.get("/metrics")
	if r.status != http.StatusOK {
		t.Fatalf("metrics: %d", r.status)
	}
	body := string(r.body)
	for _, want := range []string{
		`campusweek_http_requests_total{code="200",method="GET",route="GET /api/timetable"} 1`,
		`campusweek_http_requests_total{code="200",method="POST",route="POST /api/auth/{id}/complete"} 1`,
		`campusweek_sign_ins_total{outcome="ok",provider="uni",purpose="session"} 1`,
		`campusweek_http_request_duration_seconds_bucket{code="200",route="GET /api/timetable",le=`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, secret := range []string{consumerSecret, e.cookie("cw_session").Value} {
		if strings.Contains(body, secret) {
			t.Error("metrics contain a secret")
		}
	}
	// A failed sign-in is counted with its error code.
	e.post("/api/auth/uni/complete", shared.CompleteRequest{Params: map[string]string{"oauth_token": "x", "oauth_verifier": "y"}})
	if body := string(e.get("/metrics").body); !strings.Contains(body, `campusweek_sign_ins_total{outcome="flow_expired",provider="uni",purpose="unknown"} 1`) {
		t.Error("failed sign-in not counted")
	}
}

func TestAuthRateLimit(t *testing.T) {
	e := newEnv(t, envOptions{rateLimit: api.RateLimit{PerSecond: 0.001, Burst: 3}})
	for range 3 {
		e.start(shared.ModeRedirect, "/")
	}
	r := e.post("/api/auth/uni/start", shared.StartRequest{Mode: shared.ModeRedirect})
	if r.status != http.StatusTooManyRequests || r.apiError().Code != shared.CodeRateLimited || r.header.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d %s (Retry-After %q)", r.status, r.body, r.header.Get("Retry-After"))
	}
	// Reading the session is not limited (timetable reads have limits of
	// their own, in weeks).
	for range 5 {
		if r := e.get("/api/session"); r.status != http.StatusOK {
			t.Fatalf("session read limited: %d", r.status)
		}
	}
}
