package timetable

import (
	"sort"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Account is who last signed in on this browser: enough to open their
// cached timetable when the backend cannot be reached. No secrets.
type Account struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	Name     string `json:"name"`
	// Demo marks the sandbox university, for the banner offline.
	Demo bool `json:"demo,omitempty"`
}

// AccountOf returns the account of a signed-in session, or false.
func AccountOf(s shared.Session) (Account, bool) {
	if !s.SignedIn || s.Provider == "" || s.User == nil || s.User.ID == "" {
		return Account{}, false
	}
	return Account{Provider: s.Provider, UserID: s.User.ID, Name: s.User.Name}, true
}

// Same reports whether a and b are the same student at the same university.
func (a Account) Same(b Account) bool {
	return a.Provider == b.Provider && a.UserID == b.UserID
}

// DateRange is an inclusive range of dates.
type DateRange struct {
	From shared.Date `json:"from"`
	To   shared.Date `json:"to"`
}

// syncedRange is a range of dates whose events were fetched at At.
type syncedRange struct {
	From shared.Date `json:"from"`
	To   shared.Date `json:"to"`
	At   time.Time   `json:"at"`
}

// Cache is one student's timetable as kept on the device: the events, and
// which dates they are complete for. A date outside Ranges was never
// synced, which is not the same as a date without classes.
//
// Merge replaces the slices instead of changing them in place, so a copy
// of a Cache is a snapshot that later merges leave as it is.
type Cache struct {
	Provider string `json:"provider"`
	UserID   string `json:"user_id"`
	// Ranges are sorted and do not overlap.
	Ranges []syncedRange `json:"ranges"`
	// Events are sorted by start, then title.
	Events []shared.Event `json:"events"`
	// Marks are the changes syncs found, shown until seen (see Apply).
	Marks []Mark `json:"marks,omitempty"`
	// Hidden are the classes the student does not attend: kept, but not
	// shown nor exported.
	Hidden []shared.Hide `json:"hidden,omitempty"`

	// partial says the cache holds only the weeks a first paint needs
	// (see firstWeeks): enough to show them, never to be saved.
	partial bool
}

// NewCache returns an empty cache for a.
func NewCache(a Account) *Cache {
	return &Cache{Provider: a.Provider, UserID: a.UserID}
}

// belongsTo reports whether the cache is a's.
func (c *Cache) belongsTo(a Account) bool {
	return c != nil && c.Provider == a.Provider && c.UserID == a.UserID
}

// Merge replaces what the cache knows about [from, to] with events, all of
// the provider's events in that range as fetched at at. Events starting in
// the range that are not in events are gone (cancelled classes disappear);
// an event that also starts outside the range (a long all-day event) is
// updated by ID.
func (c *Cache) Merge(from, to shared.Date, at time.Time, events []shared.Event) {
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
	sort.Stable(&apiOrder{kept})
	c.Events = kept
	c.Ranges = addRange(c.Ranges, syncedRange{From: from, To: to, At: at})
}

// Sorts are sort.Interface values on pointers: see "Size of `app.wasm`"
// in docs/DEVELOPING.md.

// apiOrder orders events by start, then title, then ID, like the API.
type apiOrder struct{ es []shared.Event }

func (o *apiOrder) Len() int { return len(o.es) }
func (o *apiOrder) Less(i, j int) bool {
	a, b := &o.es[i], &o.es[j]
	if !a.Start.Equal(b.Start) {
		return a.Start.Before(b.Start)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.ID < b.ID
}
func (o *apiOrder) Swap(i, j int) { o.es[i], o.es[j] = o.es[j], o.es[i] }

// byFrom orders ranges by their first date.
type byFrom struct{ rs []syncedRange }

func (o *byFrom) Len() int           { return len(o.rs) }
func (o *byFrom) Less(i, j int) bool { return o.rs[i].From.Before(o.rs[j].From) }
func (o *byFrom) Swap(i, j int)      { o.rs[i], o.rs[j] = o.rs[j], o.rs[i] }

// addRange adds r to the sorted, non-overlapping rs: r replaces the parts
// of older ranges it overlaps, and neighbours synced at the same moment
// join up. It returns a new slice.
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
	sort.Sort(&byFrom{out})
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
func (c *Cache) covered(from, to shared.Date) (time.Time, bool) {
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

// WeekSynced reports whether the week of monday is in the cache, and when
// it was synced.
func (c *Cache) WeekSynced(monday shared.Date) (time.Time, bool) {
	return c.covered(monday, monday.AddDays(6))
}

// LastSynced is when the most recent sync of any range finished.
func (c *Cache) LastSynced() time.Time {
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

// empty reports whether nothing was ever synced into the cache.
func (c *Cache) empty() bool { return c == nil || len(c.Ranges) == 0 }

// WeekEvents returns the cached events that show in the week of monday:
// those starting in it, and all-day events running into it.
func (c *Cache) WeekEvents(monday shared.Date) []shared.Event {
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
// the storage bounded whatever weeks the student browsed.
func (c *Cache) pruned(today shared.Date) *Cache {
	monday := today.Monday()
	return c.within(monday.AddDays(-7*keepWeeksBack), monday.AddDays(7*(keepWeeksAhead+1)-1))
}

// firstWeeks returns the part of the cache that the week screen shows
// first on today: last week to firstWeeksAhead weeks after this one (the
// week, its strip, the next class; the first slice of a sync), with every
// change mark and hidden class. It is stored beside the whole cache and
// read alone at start, so that the cached week paints before the whole
// term is decoded.
func (c *Cache) firstWeeks(today shared.Date) *Cache {
	monday := today.Monday()
	out := c.within(monday.AddDays(-7), monday.AddDays(7*(firstWeeksAhead+1)-1))
	out.Marks = c.Marks
	return out
}

// within returns a copy of the cache with the dates of [first, last]
// only: their ranges, the events starting in them (or running into them,
// all day), their change marks.
func (c *Cache) within(first, last shared.Date) *Cache {
	out := &Cache{Provider: c.Provider, UserID: c.UserID, Hidden: c.Hidden}
	for _, k := range c.Marks {
		if d := k.Date(); !d.Before(first) && !d.After(last) {
			out.Marks = append(out.Marks, k)
		}
	}
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
