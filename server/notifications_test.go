package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/metrics"
	"github.com/campusweek/campusweek/server/notify/push"
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
	if st, closeNotes, err := openNotifications(ctx, nil, sealer, discard, metrics.New()); st != nil || err != nil {
		t.Fatalf("without notifications: %v, %v; want nothing", st, err)
	} else {
		closeNotes()
	}

	dir := filepath.Join(t.TempDir(), "data")
	m := metrics.New()
	st, closeNotes, err := openNotifications(ctx, &config.Notifications{DataDir: dir}, sealer, discard, m)
	if err != nil {
		t.Fatal(err)
	}
	defer closeNotes()
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
	if _, _, err := openNotifications(ctx, &config.Notifications{DataDir: file}, sealer, discard, metrics.New()); err == nil {
		t.Error("a data directory that is a file: no error")
	}
}

// TestPurgeExpired: expired subscriptions are deleted at once and then
// every interval, until the context ends.
func TestPurgeExpired(t *testing.T) {
	sealer, _ := seal.New(bytes.Repeat([]byte{1}, seal.KeySize))
	st, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	for i, expires := range []time.Time{now.Add(-time.Minute), now.Add(time.Hour)} {
		err := st.Put(context.Background(), &store.Subscription{ID: store.NewID(), Owner: "uw:1",
			Push: store.Push{Endpoint: fmt.Sprintf("https://push.example/%d", i)}, Expires: expires})
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); purgeExpired(ctx, st, discard, 10*time.Millisecond, clock) }()
	count := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if n, _ := st.Count(context.Background()); n == want {
				return
			}
		}
		n, _ := st.Count(context.Background())
		t.Fatalf("%d subscriptions, want %d", n, want)
	}
	count(1) // the expired one, at once
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	count(0) // the other, at a later round
	cancel()
	<-done
}

// Demo mode turns notifications on with fresh VAPID keys and a database
// in a temporary directory that its cleanup removes; the poller checks
// every minute.
func TestDemoNotifications(t *testing.T) {
	cfg := &config.Config{Listen: config.DefaultListen, PublicURL: defaultPublicURL("127.0.0.1:8080")}
	d, err := newDemo(cfg, discard)
	if err != nil {
		t.Fatal(err)
	}
	n := cfg.Notifications
	if n == nil {
		t.Fatal("demo mode has no notifications")
	}
	if _, err := push.ParseKeys(n.VAPID.Public, n.VAPID.Private); err != nil || push.CheckContact(n.VAPIDContact) != nil {
		t.Errorf("VAPID keys %v, contact %q", err, n.VAPIDContact)
	}
	if n.CheckInterval != time.Minute || n.TodayCheckInterval != time.Minute || n.Days != config.DefaultNotifyDays {
		t.Errorf("schedule %v %v %d", n.CheckInterval, n.TodayCheckInterval, n.Days)
	}
	sealer, err := seal.New(cfg.SessionKeys...)
	if err != nil {
		t.Fatal(err)
	}
	st, closeNotes, err := openNotifications(context.Background(), n, sealer, discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := startPoller(n, st, nil, demoPollTick, discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	closeNotes()
	d.cleanup()
	if _, err := os.Stat(n.DataDir); !os.IsNotExist(err) {
		t.Errorf("the demo's data directory is still there: %v", err)
	}
}
