package timetable

import (
	"time"

	"github.com/campusweek/campusweek/shared"
)

// The sync window: the weeks a sync keeps on the device, from the Monday
// of last week to the Sunday syncWeeksAhead weeks after this one (18 weeks
// in all), fetched syncSliceWeeks weeks per request.
const (
	syncWeeksBack  = 1  // last week, for "what did I miss"
	syncWeeksAhead = 16 // the rest of a term
	syncSliceWeeks = 4  // weeks per request: 5 requests for the 18 weeks

	// resyncAfter is how old the slices after the first may get before a
	// sync fetches them again. The first slice (last week, this week and
	// the next two, where changes matter) is fetched on every sync; the
	// rest of the term changes rarely, and fetching it on every app start
	// would multiply the load on the university's system.
	resyncAfter = 6 * time.Hour

	// firstWeeksAhead is how many weeks after this one the part of the
	// cache read first at start holds (see Cache.firstWeeks): with last
	// week and this one, the first slice of a sync.
	firstWeeksAhead = 2

	// keepWeeksBack bounds how much history is stored: weeks fetched on
	// demand before it are shown but not kept.
	keepWeeksBack = 8
	// keepWeeksAhead bounds the future kept, for the same reason.
	keepWeeksAhead = 26

	// staleAfter is how old a sync may get before coming back to the app
	// (an installed PWA resumed from the background) syncs again.
	staleAfter = 30 * time.Minute
)

// SyncParallel is how many of a sync's requests are in flight at once,
// after the first, which goes alone (a first refresh of credentials must
// not race).
const SyncParallel = 2

// SyncSlices splits the sync window around today into the ranges fetched
// one request each, in the order a sync fetches them: the first slice,
// from last week's Monday, holds this week and the next two, so the weeks
// a student looks at arrive first.
func SyncSlices(today shared.Date) []DateRange {
	from := today.Monday().AddDays(-7 * syncWeeksBack)
	last := today.Monday().AddDays(7*(syncWeeksAhead+1) - 1)
	var out []DateRange
	for d := from; !d.After(last); d = d.AddDays(7 * syncSliceWeeks) {
		to := d.AddDays(7*syncSliceWeeks - 1)
		if to.After(last) {
			to = last
		}
		out = append(out, DateRange{From: d, To: to})
	}
	return out
}

// inSyncWindow reports whether the week of monday is one a sync around
// today fetches.
func inSyncWindow(today, monday shared.Date) bool {
	slices := SyncSlices(today)
	return !monday.Before(slices[0].From) && !monday.After(slices[len(slices)-1].To)
}

// slicesToSync returns the slices of SyncSlices(today) a sync fetches, in
// order: the first always, the others when never synced or synced more
// than resyncAfter before now.
func slicesToSync(c *Cache, today shared.Date, now time.Time) []DateRange {
	all := SyncSlices(today)
	out := []DateRange{all[0]}
	for _, r := range all[1:] {
		if at, ok := c.covered(r.From, r.To); !ok || now.Sub(at) > resyncAfter {
			out = append(out, r)
		}
	}
	return out
}
