package poll

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/internal/pgtest"
	"github.com/campusweek/campusweek/server/notify/push"
	"github.com/campusweek/campusweek/server/notify/push/pushtest"
	"github.com/campusweek/campusweek/server/notify/store"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/server/seal"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Replicas sharing a PostgreSQL database check every due subscription
// once between them: the leases keep them apart.
func TestReplicasShareTheChecks(t *testing.T) {
	dsn := pgtest.DSN(t)
	sealer, err := seal.New(bytes.Repeat([]byte{5}, seal.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	svc := pushtest.New(t, keys.Public)
	sender, err := push.NewSender(push.Options{Keys: keys, Contact: "mailto:ops@example.edu", Client: svc.Client()})
	if err != nil {
		t.Fatal(err)
	}
	u := &uni{}
	u.set(event("A", at(8, 10, 0), 60, "1"))
	clk := &clock{now: at(7, 9, 0)}
	var replicas []*Poller
	var first store.Store
	for range 2 {
		st, err := store.Open(context.Background(), store.Options{DSN: dsn, Sealer: sealer})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if first == nil {
			first = st
		}
		// Small batches, so that the replicas take turns.
		p, err := New(Options{Store: st, Sender: sender, Providers: []provider.Provider{u}, Now: clk.Now, Batch: 3, Workers: 2,
			Rate: 1000, Burst: 1000})
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, p)
	}
	const n = 40
	now := clk.Now()
	for i := range n {
		d := svc.Subscribe()
		access, _ := json.Marshal(provider.Credentials{Token: fmt.Sprintf("access-%d", i)})
		if err := first.Put(context.Background(), &store.Subscription{ID: store.NewID(), Owner: fmt.Sprintf("uni:%d", i), Provider: "uni", Language: "en",
			Push: store.Push{Endpoint: d.Endpoint(), P256DH: d.P256DH(), Auth: d.Auth()}, Access: access,
			Created: now, Expires: now.Add(24 * time.Hour), NextCheck: now}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	checked := make([]int, len(replicas))
	for i, p := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := p.RunOnce(context.Background())
			if err != nil {
				t.Error(err)
			}
			checked[i] = c
		}()
	}
	wg.Wait()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.byToken) != n || checked[0]+checked[1] != n {
		t.Errorf("%d subscriptions read, %v checked; want %d", len(u.byToken), checked, n)
	}
	for tok, reads := range u.byToken {
		if reads != 1 {
			t.Errorf("%s read %d times", tok, reads)
		}
	}
}
