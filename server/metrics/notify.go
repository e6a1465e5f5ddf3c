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
