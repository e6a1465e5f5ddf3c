package upstream

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/campusweek/campusweek/shared"
)

func date(y, m, d int) shared.Date { return shared.Date{Year: y, Month: time.Month(m), Day: d} }

func TestWindows(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to shared.Date
		size     int
		want     []Window
	}{
		{"one day", date(2026, 10, 5), date(2026, 10, 5), 7, []Window{{date(2026, 10, 5), 1}}},
		{"one whole window", date(2026, 10, 5), date(2026, 10, 11), 7, []Window{{date(2026, 10, 5), 7}}},
		{"a shorter last window", date(2026, 10, 5), date(2026, 10, 13), 7,
			[]Window{{date(2026, 10, 5), 7}, {date(2026, 10, 12), 2}}},
		{"across months and years", date(2026, 12, 20), date(2027, 1, 20), 28,
			[]Window{{date(2026, 12, 20), 28}, {date(2027, 1, 17), 4}}},
		{"across a leap day", date(2028, 2, 27), date(2028, 3, 1), 2,
			[]Window{{date(2028, 2, 27), 2}, {date(2028, 2, 29), 2}}},
		{"empty range", date(2026, 10, 5), date(2026, 10, 4), 7, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Windows(tc.from, tc.to, tc.size)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Windows = %v, want %v", got, tc.want)
			}
			// The windows cover the range exactly, without overlap.
			if len(got) > 0 && (got[0].Start != tc.from || got[len(got)-1].End() != tc.to.AddDays(1)) {
				t.Errorf("windows %v do not span %s..%s", got, tc.from, tc.to)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Start != got[i-1].End() {
					t.Errorf("window %d starts %s, after %s", i, got[i].Start, got[i-1].End())
				}
			}
		})
	}
	// A term sync: 18 weeks of 7-day windows.
	from := date(2026, 9, 7)
	if n := len(Windows(from, from.AddDays(18*7-1), 7)); n != 18 {
		t.Errorf("an 18-week term is %d windows, want 18", n)
	}
}

// Windows finish in any order; their results come back in date order.
func TestFetchWindowsMergesInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		from := date(2026, 10, 1)
		var mu sync.Mutex
		var finished []int
		got, err := FetchWindows(context.Background(), from, from.AddDays(9), 3, func(_ context.Context, w Window) ([]string, error) {
			i := from.DaysUntil(w.Start) / 3             // windows of 3, 3, 3 and 1 days
			time.Sleep(time.Duration(4-i) * time.Second) // the last ends first
			mu.Lock()
			finished = append(finished, i)
			mu.Unlock()
			if i == 1 {
				return nil, nil // a window without events
			}
			return []string{w.Start.String(), fmt.Sprint(w.Days)}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(finished, []int{3, 2, 1, 0}) {
			t.Fatalf("windows finished in the order %v, want last to first", finished)
		}
		want := []string{"2026-10-01", "3", "2026-10-07", "3", "2026-10-10", "1"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("FetchWindows = %q, want %q", got, want)
		}
	})
}

// At most Parallel windows are read at once.
func TestFetchWindowsIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		running, most, calls := 0, 0, 0
		from := date(2026, 9, 7)
		_, err := FetchWindows(context.Background(), from, from.AddDays(18*7-1), 7, func(context.Context, Window) ([]int, error) {
			mu.Lock()
			running++
			calls++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(time.Second)
			mu.Lock()
			running--
			mu.Unlock()
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 18 || most != Parallel {
			t.Errorf("%d calls, %d at once; want 18, %d at once", calls, most, Parallel)
		}
	})
}

// The first error is returned; it cancels the windows being read, and no
// window starts after it.
func TestFetchWindowsFirstErrorCancelsTheRest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("university error")
		var mu sync.Mutex
		started, cancelled := 0, 0
		from := date(2026, 9, 7)
		got, err := FetchWindows(context.Background(), from, from.AddDays(18*7-1), 7, func(ctx context.Context, w Window) ([]int, error) {
			mu.Lock()
			started++
			mu.Unlock()
			if w.Start == from.AddDays(7) {
				time.Sleep(time.Second) // the others are under way
				return nil, boom
			}
			select {
			case <-ctx.Done():
				mu.Lock()
				cancelled++
				mu.Unlock()
				return nil, fmt.Errorf("window %s: %w", w.Start, ctx.Err())
			case <-time.After(time.Hour):
				return []int{1}, nil
			}
		})
		if err != boom || got != nil {
			t.Fatalf("FetchWindows = %v, %v; want only the first error", got, err)
		}
		if started != Parallel || cancelled != Parallel-1 {
			t.Errorf("%d windows started, %d cancelled; want %d started and the other %d cancelled", started, cancelled, Parallel, Parallel-1)
		}
	})
}

// Once the caller's own context is done, each window still reports the
// end of the time budget in its own terms.
func TestEachAfterTheCallerGaveUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errTimeout := errors.New("provider did not answer in time")
	var mu sync.Mutex
	calls := 0
	err := Each(ctx, []int{1, 2, 3}, func(context.Context, int, int) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return errTimeout
	})
	if err != errTimeout || calls != 3 {
		t.Errorf("Each = %v after %d calls, want the call's own error from each of 3", err, calls)
	}
	if err := Each(context.Background(), []int(nil), func(context.Context, int, int) error { return errTimeout }); err != nil {
		t.Errorf("Each of nothing = %v", err)
	}
}
