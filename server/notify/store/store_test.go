package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/campusweek/campusweek/internal/pgtest"
	"github.com/campusweek/campusweek/server/seal"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func key(b byte) []byte { return bytes.Repeat([]byte{b}, seal.KeySize) }

func sealer(t *testing.T, keys ...[]byte) *seal.Sealer {
	t.Helper()
	s, err := seal.New(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// backend opens stores of one kind on one database.
type backend struct {
	kind Kind
	opts Options // without the sealer
	// raw returns everything the database holds for subscriptions, as
	// someone reading its files or tables would see it.
	raw func(t *testing.T) []byte
}

func (b backend) open(t *testing.T, s *seal.Sealer) Store {
	t.Helper()
	opts := b.opts
	opts.Sealer = s
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// forEach runs f against SQLite, and against PostgreSQL when available.
func forEach(t *testing.T, f func(t *testing.T, b backend)) {
	t.Run("sqlite", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		f(t, backend{kind: SQLite, opts: Options{Dir: dir}, raw: func(t *testing.T) []byte {
			var all []byte
			files, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, name := range files {
				b, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, b...)
			}
			return all
		}})
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.DSN(t)
		f(t, backend{kind: Postgres, opts: Options{DSN: dsn}, raw: func(t *testing.T) []byte {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			rows, err := db.Query(`SELECT s::text FROM subscriptions s`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var all []byte
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				all = append(all, line...)
			}
			return all
		}})
	})
}

var t0 = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)

func newSub(i int) *Subscription {
	return &Subscription{
		ID:       NewID(),
		Owner:    fmt.Sprintf("usos-demo:%d", 100+i%3),
		Provider: "usos-demo",
		Language: "pl",
		Push: Push{
			Endpoint: fmt.Sprintf("https://push.example/send/endpoint-secret-%d", i),
			P256DH:   "BPublicKey",
			Auth:     "auth-secret",
		},
		Access:    json.RawMessage(fmt.Sprintf(`{"token":"access-token-%d","secret":"access-secret-%d"}`, i, i)),
		Snapshot:  []byte(fmt.Sprintf(`[{"id":"ev-%d","room":"Snapshot Room 2180"}]`, i)),
		Created:   t0,
		Expires:   t0.Add(180 * 24 * time.Hour),
		NextCheck: t0,
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func equal(t *testing.T, got, want *Subscription) {
	t.Helper()
	g, w := *got, *want
	g.lease, g.key, w.lease, w.key = "", nil, "", nil
	if !g.Created.Equal(w.Created) || !g.Expires.Equal(w.Expires) || !g.NextCheck.Equal(w.NextCheck) {
		t.Errorf("times: got %v %v %v, want %v %v %v", g.Created, g.Expires, g.NextCheck, w.Created, w.Expires, w.NextCheck)
	}
	g.Created, g.Expires, g.NextCheck = w.Created, w.Expires, w.NextCheck
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if !bytes.Equal(gj, wj) {
		t.Errorf("got %s\nwant %s", gj, wj)
	}
}

func TestMigrations(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := sealer(t, key(1))
		st := b.open(t, s)
		if err := st.Ping(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		sub := newSub(1)
		if err := st.Put(ctxT(t), sub); err != nil {
			t.Fatal(err)
		}
		st.Close()
		// Opening again runs no migration twice and keeps the data.
		st = b.open(t, s)
		if n, err := st.Count(ctxT(t)); err != nil || n != 1 {
			t.Fatalf("Count after reopening = %d, %v; want 1", n, err)
		}
		if b.kind == SQLite {
			info, err := os.Stat(filepath.Join(b.opts.Dir, FileName))
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("database file mode %v, want 0600", info.Mode().Perm())
			}
			dir, _ := os.Stat(b.opts.Dir)
			if dir.Mode().Perm() != 0o700 {
				t.Errorf("data directory mode %v, want 0700", dir.Mode().Perm())
			}
		}
	})
}

func TestPutGetDelete(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		st := b.open(t, sealer(t, key(1)))
		ctx := ctxT(t)
		if _, err := st.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get of a missing id: %v, want ErrNotFound", err)
		}
		subs := []*Subscription{newSub(0), newSub(1), newSub(2), newSub(3)}
		subs[3].Snapshot = nil // not checked yet
		for _, sub := range subs {
			if err := st.Put(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		for _, sub := range subs {
			got, err := st.Get(ctx, sub.ID)
			if err != nil {
				t.Fatal(err)
			}
			equal(t, got, sub)
		}

		// Replacing by id.
		subs[0].Language, subs[0].RemindersMinutes = "en", 15
		if err := st.Put(ctx, subs[0]); err != nil {
			t.Fatal(err)
		}
		got, _ := st.Get(ctx, subs[0].ID)
		equal(t, got, subs[0])

		// The same endpoint under a new id replaces the old subscription.
		again := newSub(1)
		if err := st.Put(ctx, again); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Get(ctx, subs[1].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the old subscription of a re-subscribed endpoint: %v, want ErrNotFound", err)
		}
		if n, _ := st.Count(ctx); n != 4 {
			t.Errorf("Count = %d, want 4", n)
		}

		if ok, err := st.Delete(ctx, subs[2].ID); !ok || err != nil {
			t.Errorf("Delete = %v, %v", ok, err)
		}
		if ok, err := st.Delete(ctx, subs[2].ID); ok || err != nil {
			t.Errorf("second Delete = %v, %v; want false, nil", ok, err)
		}
		// Owner usos-demo:100 has subs[0] and subs[3].
		if n, err := st.DeleteOwner(ctx, "usos-demo:100"); n != 2 || err != nil {
			t.Errorf("DeleteOwner = %d, %v; want 2", n, err)
		}
		if n, _ := st.Count(ctx); n != 1 {
			t.Errorf("Count = %d, want 1", n)
		}

		// Expiry.
		if n, err := st.DeleteExpired(ctx, again.Expires.Add(-time.Second)); n != 0 || err != nil {
			t.Errorf("DeleteExpired before the expiry = %d, %v", n, err)
		}
		if n, err := st.DeleteExpired(ctx, again.Expires); n != 1 || err != nil {
			t.Errorf("DeleteExpired at the expiry = %d, %v; want 1", n, err)
		}
	})
}

func ids(subs []*Subscription) []string {
	var out []string
	for _, s := range subs {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func TestLeaseAndUpdate(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		st := b.open(t, sealer(t, key(1)))
		ctx := ctxT(t)
		due, later, expired := newSub(0), newSub(1), newSub(2)
		later.NextCheck = t0.Add(time.Hour)
		expired.Expires = t0
		for _, s := range []*Subscription{due, later, expired} {
			if err := st.Put(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Lease(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), []string{due.ID}) {
			t.Fatalf("Lease = %v, want only %s", ids(got), due.ID)
		}
		equal(t, got[0], due)
		// Leased: not due again until the lease ends.
		if again, _ := st.Lease(ctx, t0.Add(30*time.Second), 10, time.Minute); len(again) != 0 {
			t.Fatalf("leased again during the lease: %v", ids(again))
		}
		// The lease expires; another poller takes it; the first one's
		// update is refused.
		other, err := st.Lease(ctx, t0.Add(61*time.Second), 10, time.Minute)
		if err != nil || !slices.Equal(ids(other), []string{due.ID}) {
			t.Fatalf("Lease after the lease ended = %v, %v", ids(other), err)
		}
		first := got[0]
		first.NextCheck = t0.Add(30 * time.Minute)
		if err := st.Update(ctx, first); !errors.Is(err, ErrLeaseLost) {
			t.Fatalf("Update under a lost lease: %v, want ErrLeaseLost", err)
		}
		// The current holder updates.
		cur := other[0]
		cur.NextCheck = t0.Add(30 * time.Minute)
		cur.Failures = 2
		cur.Snapshot = []byte(`[{"id":"ev-0","room":"3180"}]`)
		cur.Access = json.RawMessage(`{"token":"refreshed"}`)
		if err := st.Update(ctx, cur); err != nil {
			t.Fatal(err)
		}
		stored, err := st.Get(ctx, due.ID)
		if err != nil {
			t.Fatal(err)
		}
		equal(t, stored, cur)
		if err := st.Update(ctx, cur); err == nil {
			t.Error("a second Update under a spent lease succeeded")
		}
		if again, _ := st.Lease(ctx, t0.Add(29*time.Minute), 10, time.Minute); len(again) != 0 {
			t.Fatalf("due before its next check: %v", ids(again))
		}
		// Deleted while leased: the update does not bring it back.
		leased, _ := st.Lease(ctx, t0.Add(2*time.Hour), 10, time.Minute)
		if len(leased) != 2 {
			t.Fatalf("Lease = %v, want 2 due", ids(leased))
		}
		for _, s := range leased {
			if _, err := st.Delete(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			if err := st.Update(ctx, s); !errors.Is(err, ErrNotFound) {
				t.Errorf("Update of a deleted subscription: %v, want ErrNotFound", err)
			}
		}
		// A Get copy cannot update: it holds no lease.
		if err := st.Put(ctx, newSub(5)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestConcurrentPollers: two pollers lease in a loop at the same time; no
// subscription is handed to both in one round, and none is left out.
func TestConcurrentPollers(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		s := sealer(t, key(1))
		// Two stores on one database, as two replicas would have.
		st1, st2 := b.open(t, s), b.open(t, s)
		if b.kind == SQLite {
			st2 = st1 // one replica; its pollers share the store
		}
		ctx := ctxT(t)
		const n = 60
		var want []string
		for i := range n {
			sub := newSub(i)
			sub.NextCheck = t0.Add(-time.Duration(i) * time.Second)
			if err := st1.Put(ctx, sub); err != nil {
				t.Fatal(err)
			}
			want = append(want, sub.ID)
		}
		slices.Sort(want)
		var (
			mu   sync.Mutex
			seen = map[string]int{}
			wg   sync.WaitGroup
			errs = make(chan error, 2)
		)
		for _, st := range []Store{st1, st2} {
			wg.Go(func() {
				for {
					got, err := st.Lease(ctx, t0, 7, 5*time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, s := range got {
						seen[s.ID]++
					}
					mu.Unlock()
					for _, s := range got {
						s.NextCheck = t0.Add(30 * time.Minute)
						if err := st.Update(ctx, s); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var got []string
		for id, c := range seen {
			if c != 1 {
				t.Errorf("%s checked %d times in one round", id, c)
			}
			got = append(got, id)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("checked %d of %d subscriptions", len(got), len(want))
		}
	})
}

// TestEncryptedAtRest: nothing that grants access or reaches the device,
// nor the timetable, is readable in the database.
func TestEncryptedAtRest(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		st := b.open(t, sealer(t, key(1)))
		ctx := ctxT(t)
		sub := newSub(7)
		if err := st.Put(ctx, sub); err != nil {
			t.Fatal(err)
		}
		leased, err := st.Lease(ctx, t0, 1, time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("Lease = %d, %v", len(leased), err)
		}
		leased[0].Access = json.RawMessage(`{"token":"refreshed-token-7"}`)
		leased[0].Snapshot = []byte(`[{"id":"ev-7","room":"Updated Room 3180"}]`)
		if err := st.Update(ctx, leased[0]); err != nil {
			t.Fatal(err)
		}
		if b.kind == SQLite {
			st.Close() // write everything to the files
		}
		raw := b.raw(t)
		if !bytes.Contains(raw, []byte("usos-demo:107")) && !bytes.Contains(raw, []byte("usos-demo:101")) {
			t.Fatal("the owner is not in the raw data: the test reads the wrong place")
		}
		for _, secret := range []string{"access-token-7", "access-secret-7", "refreshed-token-7", "endpoint-secret-7",
			"push.example", "auth-secret", "BPublicKey", "Snapshot Room", "Updated Room", "ev-7"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("%q is readable in the database", secret)
			}
		}
	})
}

// TestKeyRotation: rows sealed with an old key open while that key is
// configured, move to the new key at their next update, and are dropped
// once no configured key opens them.
func TestKeyRotation(t *testing.T) {
	forEach(t, func(t *testing.T, b backend) {
		ctx := ctxT(t)
		old := b.open(t, sealer(t, key(1)))
		subs := []*Subscription{newSub(0), newSub(1)}
		for _, s := range subs {
			if err := old.Put(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		old.Close()

		rotated := b.open(t, sealer(t, key(2), key(1)))
		for _, s := range subs {
			got, err := rotated.Get(ctx, s.ID)
			if err != nil {
				t.Fatalf("a row sealed with the old key after rotation: %v", err)
			}
			equal(t, got, s)
		}
		// Check subs[0] only: it is sealed again with the new key.
		leased, err := rotated.Lease(ctx, t0, 1, time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("Lease = %d, %v", len(leased), err)
		}
		checked := leased[0]
		checked.NextCheck = t0.Add(time.Hour)
		if err := rotated.Update(ctx, checked); err != nil {
			t.Fatal(err)
		}
		rotated.Close()

		// The old key removed: the checked row opens, the other does not.
		newOnly := b.open(t, sealer(t, key(2)))
		got, err := newOnly.Get(ctx, checked.ID)
		if err != nil {
			t.Fatalf("a row updated after rotation, with the old key removed: %v", err)
		}
		equal(t, got, checked)
		var stale string
		for _, s := range subs {
			if s.ID != checked.ID {
				stale = s.ID
			}
		}
		if _, err := newOnly.Get(ctx, stale); !errors.Is(err, seal.ErrInvalid) {
			t.Fatalf("a row sealed only with a removed key: %v, want seal.ErrInvalid", err)
		}
		// When it comes due, it is deleted: nobody can use it.
		due, err := newOnly.Lease(ctx, t0.Add(2*time.Hour), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(due), []string{checked.ID}) {
			t.Errorf("Lease = %v, want only %s", ids(due), checked.ID)
		}
		if _, err := newOnly.Get(ctx, stale); !errors.Is(err, ErrNotFound) {
			t.Errorf("the unopenable row after Lease: %v, want ErrNotFound", err)
		}
	})
}

// TestSealBoundToRow: one row's secrets copied into another do not open.
func TestSealBoundToRow(t *testing.T) {
	dir := t.TempDir()
	st := backend{kind: SQLite, opts: Options{Dir: dir}}.open(t, sealer(t, key(1)))
	ctx := ctxT(t)
	a, b := newSub(0), newSub(1)
	for _, s := range []*Subscription{a, b} {
		if err := st.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	db := st.(*sqlStore).db
	if _, err := db.ExecContext(ctx, `UPDATE subscriptions SET sealed = (SELECT sealed FROM subscriptions WHERE id = ?1),
		snapshot = (SELECT snapshot FROM subscriptions WHERE id = ?1) WHERE id = ?2`, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, b.ID); !errors.Is(err, seal.ErrInvalid) {
		t.Fatalf("Get of a row holding another row's secrets: %v, want seal.ErrInvalid", err)
	}
}
