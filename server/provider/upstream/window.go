package upstream

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/campusweek/campusweek/shared"
)

// Parallel bounds the concurrent calls of one read (the windows of a
// term, batches of names), so a term sync costs a few round trips without
// hammering the installation. The installation's own bound (Limit) holds
// for all reads together.
const Parallel = 4

// A Window is a run of whole days within a date range.
type Window struct {
	Start shared.Date
	Days  int
}

// End is the day after w: its exclusive end.
func (w Window) End() shared.Date { return w.Start.AddDays(w.Days) }

// Windows cuts the inclusive range [from, to] into windows of size days,
// in order, the last one shorter where the range ends sooner. An empty
// range (to before from) has none.
func Windows(from, to shared.Date, size int) []Window {
	if to.Before(from) || size <= 0 {
		return nil
	}
	days := from.DaysUntil(to) + 1
	ws := make([]Window, 0, (days+size-1)/size)
	for i := 0; i < days; i += size {
		ws = append(ws, Window{Start: from.AddDays(i), Days: min(size, days-i)})
	}
	return ws
}

// FetchWindows reads the inclusive range [from, to] in windows of size
// days (see Windows), at most Parallel at once, and returns what the
// windows returned, in window order. The first error cancels the fetches
// still running and is returned alone.
func FetchWindows[T any](ctx context.Context, from, to shared.Date, size int, fetch func(context.Context, Window) ([]T, error)) ([]T, error) {
	ws := Windows(from, to, size)
	parts := make([][]T, len(ws))
	err := Each(ctx, ws, func(ctx context.Context, i int, w Window) (err error) {
		parts[i], err = fetch(ctx, w)
		return err
	})
	if err != nil {
		return nil, err
	}
	return slices.Concat(parts...), nil
}

// Each calls fn for every item, at most Parallel at once, and returns the
// first error. That error cancels the context of the calls still running,
// and no call starts after it. (Once ctx itself is done, calls still start,
// so that each reports the end of its time budget in its own terms.)
func Each[T any](ctx context.Context, items []T, fn func(ctx context.Context, i int, item T) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(Parallel)
	for i, item := range items {
		g.Go(func() error {
			if gctx.Err() != nil && ctx.Err() == nil {
				return nil // an earlier call failed: the group has its error
			}
			return fn(gctx, i, item)
		})
	}
	return g.Wait()
}
