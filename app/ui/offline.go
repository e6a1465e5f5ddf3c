package ui

import (
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// The offline timetable: what the PWA keeps on the device so that it opens
// instantly, and without a network, on the weeks a student needs.
//
// Storage is the browser's localStorage (ctx.LocalStorage), not IndexedDB:
//   - a term of events is 100-300 KB of JSON, far below localStorage's
//     5 MB per origin, and only one student's timetable is kept at a time;
//   - localStorage reads are synchronous, so the first render after a cold
//     start already shows the cached week: no blank frame waiting on an
//     IndexedDB transaction, no promise plumbing through syscall/js;
//   - it is written once per synced slice (a handful of times per sync),
//     so its synchronous writes cost nothing a student would notice.
//
// Only the timetable and the student's display name are stored, never a
// token: the session stays in the backend's HttpOnly cookie.

// storagePrefix starts every key the app writes to localStorage. The
// version lets a future format ignore (and clean up) older entries.
const storagePrefix = "campusweek/v1/"

// accountKey holds the account last signed in on this browser.
const accountKey = storagePrefix + "account"

// timetableKeyPrefix starts the keys of cached timetables.
const timetableKeyPrefix = storagePrefix + "timetable/"

// Sync window: the weeks kept on the device, relative to this week.
const (
	syncWeeksBack  = 1  // last week, for "what did I miss"
	syncWeeksAhead = 16 // the rest of a term
	syncSliceWeeks = 4  // weeks per request: 5 requests for the window
	syncParallel   = 2  // requests in flight at once

	// resyncAfter is how old the weeks beyond the first slice may get
	// before a sync fetches them again. The first slice (this week and the
	// next three, where changes matter) is fetched on every sync; the rest
	// of the term changes rarely, and fetching it on every app start would
	// multiply the load on the university's system.
	resyncAfter = 6 * time.Hour

	// keepWeeksBack bounds how much history is stored: weeks synced on
	// demand before it are shown but not kept.
	keepWeeksBack = 8
	// keepWeeksAhead bounds the future kept, for the same reason.
	keepWeeksAhead = 26
)

// account is who last signed in on this browser: enough to open their
// cached timetable when the backend cannot be reached. No secrets.
type account struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	// Demo marks the sandbox university, for the banner offline.
	Demo bool `json:"demo,omitempty"`
}

// accountOf returns the account of a signed-in session, or false.
func accountOf(s shared.Session) (account, bool) {
	if !s.SignedIn || s.Provider == "" || s.User == nil || s.User.ID == "" {
		return account{}, false
	}
	return account{Provider: s.Provider, UserID: s.User.ID, Name: s.User.Name}, true
}

// same reports whether a and b are the same student at the same university.
func (a account) same(b account) bool {
	return a.Provider == b.Provider && a.UserID == b.UserID
}

// timetableKey is the localStorage key of an account's cached timetable.
// The IDs are path-escaped so that no pair of IDs can make another pair's
// key ("a/b"+"c" versus "a"+"b/c").
func timetableKey(a account) string {
	return timetableKeyPrefix + url.PathEscape(a.Provider) + "/" + url.PathEscape(a.UserID)
}

// dateRange is an inclusive range of dates.
type dateRange struct {
	From shared.Date `json:"from"`
	To   shared.Date `json:"to"`
}

// syncedRange is a range of dates whose events were fetched at At.
type syncedRange struct {
	From shared.Date `json:"from"`
	To   shared.Date `json:"to"`
	At   time.Time   `json:"at"`
}

// cachedTimetable is one student's timetable as kept on the device: the
// events, and which dates they are complete for. A date outside Ranges was
// never synced, which is not the same as a date without classes.
type cachedTimetable struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	// Ranges are sorted and do not overlap.
	Ranges []syncedRange `json:"ranges"`
	// Events are sorted by start, then title.
	Events []shared.Event `json:"events"`
}

// newCache returns an empty cache for a.
func newCache(a account) *cachedTimetable {
	return &cachedTimetable{Provider: a.Provider, UserID: a.UserID}
}

// belongsTo reports whether the cache is a's.
func (c *cachedTimetable) belongsTo(a account) bool {
	return c != nil && c.Provider == a.Provider && c.UserID == a.UserID
}

// merge replaces what the cache knows about [from, to] with events, all of
// the provider's events in that range as fetched at at. Events starting in
// the range that are not in events are gone (cancelled classes disappear);
// an event that also starts outside the range (a long all-day event) is
// updated by ID.
func (c *cachedTimetable) merge(from, to shared.Date, at time.Time, events []shared.Event) {
	if to.Before(from) {
		return
	}
	fresh := make(map[string]bool, len(events))
	for _, e := range events {
		fresh[e.ID] = true
	}
	kept := make([]shared.Event, 0, len(c.Events)+len(events))
	for _, e := range c.Events {
		d := shared.DateOf(e.Start)
		if fresh[e.ID] || (!d.Before(from) && !d.After(to)) {
			continue
		}
		kept = append(kept, e)
	}
	kept = append(kept, events...)
	sortEvents(kept)
	c.Events = kept
	c.Ranges = addRange(c.Ranges, syncedRange{From: from, To: to, At: at})
}

// sortEvents sorts by start, then title, then ID, like the API.
func sortEvents(es []shared.Event) {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
}

// addRange adds r to the sorted, non-overlapping rs: r replaces the parts
// of older ranges it overlaps, and neighbours synced at the same moment
// join up.
func addRange(rs []syncedRange, r syncedRange) []syncedRange {
	out := make([]syncedRange, 0, len(rs)+2)
	for _, x := range rs {
		if x.To.Before(r.From) || x.From.After(r.To) {
			out = append(out, x)
			continue
		}
		if x.From.Before(r.From) {
			out = append(out, syncedRange{From: x.From, To: r.From.AddDays(-1), At: x.At})
		}
		if x.To.After(r.To) {
			out = append(out, syncedRange{From: r.To.AddDays(1), To: x.To, At: x.At})
		}
	}
	out = append(out, r)
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	joined := out[:0]
	for _, x := range out {
		if n := len(joined); n > 0 && joined[n-1].At.Equal(x.At) && joined[n-1].To.AddDays(1) == x.From {
			joined[n-1].To = x.To
			continue
		}
		joined = append(joined, x)
	}
	return joined
}

// covered reports whether every date of [from, to] was synced, and when
// the oldest part of it was.
func (c *cachedTimetable) covered(from, to shared.Date) (time.Time, bool) {
	if c == nil {
		return time.Time{}, false
	}
	var oldest time.Time
	next := from // the first date not yet known to be covered
	for _, r := range c.Ranges {
		if r.To.Before(next) {
			continue
		}
		if r.From.After(next) {
			break
		}
		if oldest.IsZero() || r.At.Before(oldest) {
			oldest = r.At
		}
		next = r.To.AddDays(1)
		if next.After(to) {
			return oldest, true
		}
	}
	return time.Time{}, false
}

// weekSynced reports whether the week of monday is in the cache, and when
// it was synced.
func (c *cachedTimetable) weekSynced(monday shared.Date) (time.Time, bool) {
	return c.covered(monday, monday.AddDays(6))
}

// lastSynced is when the most recent sync of any range finished.
func (c *cachedTimetable) lastSynced() time.Time {
	var t time.Time
	if c == nil {
		return t
	}
	for _, r := range c.Ranges {
		if r.At.After(t) {
			t = r.At
		}
	}
	return t
}

// weekEvents returns the cached events that show in the week of monday
// (eventsByDay picks the days).
func (c *cachedTimetable) weekEvents(monday shared.Date) []shared.Event {
	if c == nil {
		return nil
	}
	sunday := monday.AddDays(6)
	var out []shared.Event
	for _, e := range c.Events {
		start := shared.DateOf(e.Start)
		end := start
		if e.AllDay {
			// End is exclusive for all-day events.
			if last := shared.DateOf(e.End.In(e.Start.Location())).AddDays(-1); last.After(start) {
				end = last
			}
		}
		if start.After(sunday) || end.Before(monday) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// pruned returns a copy of the cache without the dates before
// keepWeeksBack or after keepWeeksAhead weeks of today's week, to keep
// localStorage bounded whatever weeks the student browsed.
func (c *cachedTimetable) pruned(today shared.Date) *cachedTimetable {
	monday := today.Monday()
	first := monday.AddDays(-7 * keepWeeksBack)
	last := monday.AddDays(7*(keepWeeksAhead+1) - 1)
	out := &cachedTimetable{Provider: c.Provider, UserID: c.UserID}
	for _, r := range c.Ranges {
		if r.To.Before(first) || r.From.After(last) {
			continue
		}
		if r.From.Before(first) {
			r.From = first
		}
		if r.To.After(last) {
			r.To = last
		}
		out.Ranges = append(out.Ranges, r)
	}
	for _, e := range c.Events {
		d := shared.DateOf(e.Start)
		if d.After(last) {
			continue
		}
		if d.Before(first) && !(e.AllDay && shared.DateOf(e.End.In(e.Start.Location())).After(first)) {
			continue
		}
		out.Events = append(out.Events, e)
	}
	return out
}

// syncSlices splits the sync window around today into the ranges fetched
// one request each: from the Monday syncWeeksBack weeks ago to the Sunday
// syncWeeksAhead weeks ahead, syncSliceWeeks weeks at a time. The first
// slice holds this week and next, so they arrive first.
func syncSlices(today shared.Date) []dateRange {
	from := today.Monday().AddDays(-7 * syncWeeksBack)
	last := today.Monday().AddDays(7*(syncWeeksAhead+1) - 1)
	var out []dateRange
	for d := from; !d.After(last); d = d.AddDays(7 * syncSliceWeeks) {
		to := d.AddDays(7*syncSliceWeeks - 1)
		if to.After(last) {
			to = last
		}
		out = append(out, dateRange{From: d, To: to})
	}
	return out
}

// slicesToSync returns the slices of syncSlices(today) a sync fetches: the
// first always, the others when never synced or synced more than
// resyncAfter before now.
func slicesToSync(c *cachedTimetable, today shared.Date, now time.Time) []dateRange {
	all := syncSlices(today)
	out := []dateRange{all[0]}
	for _, r := range all[1:] {
		if at, ok := c.covered(r.From, r.To); !ok || now.Sub(at) > resyncAfter {
			out = append(out, r)
		}
	}
	return out
}

// syncedLabel says when data was synced, relative to now, in now's zone:
// "just now", "5 minutes ago", "today at 09:14", "yesterday at 18:02",
// "on 21 Nov at 09:14", "on 21 Nov 2025".
func syncedLabel(at, now time.Time) string {
	if at.IsZero() {
		return "never"
	}
	at = at.In(now.Location())
	d := now.Sub(at)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		if m := int(d / time.Minute); m > 1 {
			return strconv.Itoa(m) + " minutes ago"
		}
		return "1 minute ago"
	}
	day, today := shared.DateOf(at), shared.DateOf(now)
	hm := at.Format("15:04")
	switch {
	case day == today:
		return "today at " + hm
	case day == today.AddDays(-1):
		return "yesterday at " + hm
	case day.Year == today.Year:
		return "on " + dayShortDate(day) + " at " + hm
	}
	return "on " + dayShortDate(day) + " " + strconv.Itoa(day.Year)
}
