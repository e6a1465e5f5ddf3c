package metrics

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// countTimeout bounds one count at a scrape.
const countTimeout = 2 * time.Second

// Subscriptions exports the number of change-notification subscriptions
// as campusweek_notification_subscriptions, asking count at each scrape
// (NaN when it fails). Call it once.
func (m *Metrics) Subscriptions(count func(context.Context) (int, error)) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "campusweek_notification_subscriptions",
		Help: "Change-notification subscriptions stored (NaN when the database does not answer).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
		defer cancel()
		n, err := count(ctx)
		if err != nil {
			return math.NaN()
		}
		return float64(n)
	}))
}

// notifyMetrics are the change-notification poller's counters.
type notifyMetrics struct {
	checks  *prometheus.CounterVec
	changes *prometheus.CounterVec
	pushes  *prometheus.CounterVec
	lag     prometheus.Histogram
}

func newNotifyMetrics() *notifyMetrics {
	return &notifyMetrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_notification_checks_total",
			Help: "Checks of change-notification subscriptions, by provider and outcome (ok, error, signed_out, postponed).",
		}, []string{"provider", "outcome"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_notification_changes_total",
			Help: "Changes found by checks of change-notification subscriptions, by provider.",
		}, []string{"provider"}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "campusweek_notification_pushes_total",
			Help: "Push messages sent, by outcome (sent, gone, failed).",
		}, []string{"outcome"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "campusweek_notification_queue_lag_seconds",
			Help:    "How late subscriptions were checked after they came due.",
			Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600},
		}),
	}
}

func (n *notifyMetrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{n.checks, n.changes, n.pushes, n.lag}
}

// NotifyCheck counts a check of a subscription at provider with its
// outcome (ok, error, signed_out, postponed), that came due lag ago.
func (m *Metrics) NotifyCheck(provider, outcome string, lag time.Duration) {
	if m == nil {
		return
	}
	m.notify.checks.WithLabelValues(provider, outcome).Inc()
	m.notify.lag.Observe(max(lag, 0).Seconds())
}

// NotifyChanges counts n changes found at provider.
func (m *Metrics) NotifyChanges(provider string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.notify.changes.WithLabelValues(provider).Add(float64(n))
}

// NotifyPush counts a push message by outcome: sent, gone (the
// subscription ended) or failed.
func (m *Metrics) NotifyPush(outcome string) {
	if m == nil {
		return
	}
	m.notify.pushes.WithLabelValues(outcome).Inc()
}
