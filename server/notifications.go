package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/poll"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
)

// openTimeout bounds connecting to the notifications database and
// migrating it at start.
const openTimeout = time.Minute

// purgeInterval is how often expired subscriptions are deleted.
const purgeInterval = time.Hour

// openNotifications opens the notifications database when the
// configuration has a notifications section (n not nil): the database or
// its file is created and migrated now, its subscriptions are counted in
// m, and expired ones are deleted every purgeInterval until the returned
// close is called. Without the section it returns nil: the server keeps
// no state.
func openNotifications(ctx context.Context, n *config.Notifications, sealer *seal.Sealer, log *slog.Logger, m *metrics.Metrics) (store.Store, func(), error) {
	if n == nil {
		return nil, func() {}, nil
	}
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	st, err := store.Open(octx, store.Options{DSN: n.DatabaseURL, Dir: n.DataDir, Sealer: sealer, Logger: log})
	if err != nil {
		return nil, nil, fmt.Errorf("notifications database: %w", err)
	}
	m.Subscriptions(st.Count)
	if n.DatabaseURL != "" {
		log.Info("notifications database: PostgreSQL")
	} else {
		log.Info("notifications database: SQLite, for a single replica", "dir", n.DataDir)
	}
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		purgeExpired(pctx, st, log, purgeInterval, time.Now)
	}()
	return st, func() {
		stop()
		<-done
		st.Close()
	}, nil
}

// purgeExpired deletes the expired subscriptions now and every interval
// until ctx is done.
func purgeExpired(ctx context.Context, st store.Store, log *slog.Logger, interval time.Duration, now func() time.Time) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := st.DeleteExpired(ctx, now()); err != nil && ctx.Err() == nil {
			log.Warn("deleting expired notification subscriptions failed", "err", err)
		} else if n > 0 {
			log.Info("expired notification subscriptions deleted", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// startPoller checks the subscriptions in st on n's schedule, sending
// with n's VAPID identity, until the returned stop is called (which waits
// for the checks in flight). tick is how often due subscriptions are
// looked for; 0 means the poller's default.
func startPoller(n *config.Notifications, st store.Store, providers []provider.Provider, tick time.Duration, log *slog.Logger, m *metrics.Metrics) (stop func(), err error) {
	sender, err := push.NewSender(push.Options{Keys: n.VAPID, Contact: n.VAPIDContact})
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	p, err := poll.New(poll.Options{
		Store: st, Sender: sender, Providers: providers,
		Days: n.Days, Interval: n.CheckInterval, TodayInterval: n.TodayCheckInterval, Tick: tick,
		Logger: log.With("component", "notifications"), Metrics: m,
	})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}
