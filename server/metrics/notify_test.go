package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSubscriptions(t *testing.T) {
	m := New()
	n, fail := 3, false
	m.Subscriptions(func(ctx context.Context) (int, error) {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("count called without a deadline")
		}
		if fail {
			return 0, errors.New("database down")
		}
		return n, nil
	})
	if out := scrape(t, m); !strings.Contains(out, "\ncampusweek_notification_subscriptions 3\n") {
		t.Errorf("no subscription count in:\n%s", out)
	}
	fail = true
	if out := scrape(t, m); !strings.Contains(out, "\ncampusweek_notification_subscriptions NaN\n") {
		t.Errorf("a failed count is not NaN in:\n%s", out)
	}
	var none *Metrics
	none.Subscriptions(nil) // a nil *Metrics records nothing
}
