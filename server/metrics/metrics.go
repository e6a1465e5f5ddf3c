// Package metrics exposes the backend's Prometheus metrics: HTTP requests by
// route, upstream calls by provider, and sign-ins.
//
// Labels are chosen from fixed sets (route patterns, configured provider
// ids, known status codes, a fixed list of methods), never from request
// data, so no token or user value can become a label and cardinality stays
// bounded: whatever a client or a university sends maps to "other".
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry of the backend's metrics. A nil *Metrics records
// nothing, so packages can take one optionally.
type Metrics struct {
	reg              *prometheus.Registry
	requests         *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	upstream         *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	signIns          *prometheus.CounterVec
	notify           *notifyMetrics
}

// New returns a registry with the Go runtime and process collectors and the
// backend's own metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "campusweek_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		upstream: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_upstream_requests_total",
			Help: `Calls to university APIs, by provider and status code ("error" when no response arrived).`,
		}, []string{"provider", "code"}),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "campusweek_upstream_request_duration_seconds",
			Help:    "Latency of calls to university APIs, by provider.",
			Buckets: []float64{.025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20},
		}, []string{"provider"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_sign_ins_total",
			Help: "Completed authorizations, by provider, purpose (session, feed, or unknown when the flow was lost) and outcome (ok or an API error code).",
		}, []string{"provider", "purpose", "outcome"}),
		notify: newNotifyMetrics(),
	}
	m.reg.MustRegister(m.notify.collectors()...)
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.requestDuration, m.upstream, m.upstreamDuration, m.signIns,
	)
	return m
}

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Request records one served HTTP request. route must come from a fixed
// set (the route patterns); method and code are mapped to one.
func (m *Metrics) Request(route, method string, code int, d time.Duration) {
	if m == nil {
		return
	}
	c := codeLabel(code)
	m.requests.WithLabelValues(route, methodLabel(method), c).Inc()
	m.requestDuration.WithLabelValues(route, c).Observe(d.Seconds())
}

// methodLabel maps a request method, which a client may make up, to the
// standard methods or "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodDelete, http.MethodPatch, http.MethodOptions:
		return m
	}
	return "other"
}

// codeLabel is a status code as a label: the registered codes (a fixed
// set, http.StatusText knows them) as numbers, anything else as "other".
// A university's gateway may answer with any three digits.
func codeLabel(code int) string {
	if http.StatusText(code) == "" {
		return "other"
	}
	return strconv.Itoa(code)
}

// SignIn records the outcome of completing an authorization at provider:
// a sign-in (purpose "session") or a calendar subscription ("feed").
func (m *Metrics) SignIn(provider, purpose, outcome string) {
	if m == nil {
		return
	}
	m.signIns.WithLabelValues(provider, purpose, outcome).Inc()
}

// Transport wraps rt so that every call through it is counted and timed
// under the provider's id.
func (m *Metrics) Transport(provider string, rt http.RoundTripper) http.RoundTripper {
	if m == nil {
		return rt
	}
	return &transport{m: m, provider: provider, next: rt}
}

type transport struct {
	m        *Metrics
	provider string
	next     http.RoundTripper
}

func (t *transport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	t.m.upstreamDuration.WithLabelValues(t.provider).Observe(time.Since(start).Seconds())
	code := "error"
	if err == nil {
		code = codeLabel(resp.StatusCode)
	}
	t.m.upstream.WithLabelValues(t.provider, code).Inc()
	return resp, err
}
