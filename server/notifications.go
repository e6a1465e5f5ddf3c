package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/seal"
)

// openTimeout bounds connecting to the notifications database and
// migrating it at start.
const openTimeout = time.Minute

// openNotifications opens the notifications database when the
// configuration has a notifications section (n not nil): the database or
// its file is created and migrated now, and its subscriptions are counted
// in m. Without the section it returns nil: the server keeps no state.
func openNotifications(ctx context.Context, n *config.Notifications, sealer *seal.Sealer, log *slog.Logger, m *metrics.Metrics) (store.Store, error) {
	if n == nil {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	st, err := store.Open(ctx, store.Options{DSN: n.DatabaseURL, Dir: n.DataDir, Sealer: sealer, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("notifications database: %w", err)
	}
	m.Subscriptions(st.Count)
	if n.DatabaseURL != "" {
		log.Info("notifications database: PostgreSQL")
	} else {
		log.Info("notifications database: SQLite, for a single replica", "dir", n.DataDir)
	}
	return st, nil
}
