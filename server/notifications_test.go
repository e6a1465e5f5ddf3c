package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/seal"
)

func TestOpenNotifications(t *testing.T) {
	sealer, err := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Without a notifications section: no database, nothing on disk.
	if st, err := openNotifications(ctx, nil, sealer, discard, metrics.New()); st != nil || err != nil {
		t.Fatalf("without notifications: %v, %v; want nothing", st, err)
	}

	dir := filepath.Join(t.TempDir(), "data")
	m := metrics.New()
	st, err := openNotifications(ctx, &config.Notifications{DataDir: dir}, sealer, discard, m)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		t.Errorf("the SQLite database was not created on first start: %v", err)
	}
	if err := st.Ping(ctx); err != nil {
		t.Error(err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), "\ncampusweek_notification_subscriptions 0\n") {
		t.Errorf("no subscription count in the metrics")
	}

	// A database that cannot be opened stops the start.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if _, err := openNotifications(ctx, &config.Notifications{DataDir: file}, sealer, discard, metrics.New()); err == nil {
		t.Error("a data directory that is a file: no error")
	}
}
