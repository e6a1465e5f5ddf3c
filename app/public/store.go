package public

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"time"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
)

// Pinned public timetables are kept in the browser's localStorage, like
// the student's own timetable (timetable.Storage), under keys of their
// own: they are the same for everybody and belong to no account, so
// signing in or out keeps them.
const (
	storagePrefix = "campusweek/v1/public/"
	// PinsKey holds the list of pins, in the order they were pinned.
	PinsKey        = storagePrefix + "pins"
	weeksKeyPrefix = storagePrefix + "weeks/"
	// maxWeekEvents bounds a stored week read back (a damaged store).
	maxWeekEvents = 2000
)

// Bounds of what is kept on the device.
const (
	// MaxPins bounds the pinned timetables.
	MaxPins = 20
	// KeepWeeks bounds the weeks kept for each.
	KeepWeeks = 8
	// PrefetchWeeks are the weeks, from the one shown, read at once for a
	// pinned timetable, so that the next weeks are there offline too.
	PrefetchWeeks = 4
)

// ErrTooManyPins is Add's error when MaxPins timetables are pinned.
var ErrTooManyPins = errors.New("too many pinned timetables")

// Week is one week of a public timetable as cached on the device.
type Week struct {
	Monday    shared.Date    `json:"monday"`
	FetchedAt time.Time      `json:"fetched_at"`
	Events    []shared.Event `json:"events"`
}

// cached is what is stored for one pinned timetable: its weeks, sorted by
// Monday.
type cached struct {
	Ref   Ref    `json:"ref"`
	Weeks []Week `json:"weeks"`
}

// weeksKey is the storage key of r's weeks. The parts are path-escaped so
// that no two Refs share a key.
func weeksKey(r Ref) string {
	return weeksKeyPrefix + url.PathEscape(r.Provider) + "/" + url.PathEscape(string(r.Kind)) + "/" + url.PathEscape(r.ID)
}

// Pins returns the pinned timetables, in the order they were pinned;
// entries that are not valid (an older or damaged store) are skipped.
func Pins(st timetable.Storage) []Pin {
	var stored []Pin
	if err := st.Get(PinsKey, &stored); err != nil {
		return nil
	}
	out := stored[:0]
	seen := map[Ref]bool{}
	for _, p := range stored {
		if p.Valid() && !seen[p.Ref] && len(out) < MaxPins {
			seen[p.Ref] = true
			if p.Name == "" {
				p.Name = p.ID
			}
			out = append(out, p)
		}
	}
	return out
}

// IsPinned reports whether r is pinned.
func IsPinned(st timetable.Storage, r Ref) bool {
	for _, p := range Pins(st) {
		if p.Ref == r {
			return true
		}
	}
	return false
}

// Add pins p, or updates its name and building when it is pinned already.
// It fails with ErrTooManyPins when MaxPins others are pinned, and with
// the storage's error.
func Add(st timetable.Storage, p Pin) error {
	if !p.Valid() {
		return fmt.Errorf("pinning %q: not a public timetable", p.ID)
	}
	pins := Pins(st)
	i := indexOf(pins, p.Ref)
	switch {
	case i >= 0:
		pins[i] = p
	case len(pins) >= MaxPins:
		return ErrTooManyPins
	default:
		pins = append(pins, p)
	}
	if err := st.Set(PinsKey, pins); err != nil {
		return fmt.Errorf("pinning %s: %w", p.Name, err)
	}
	return nil
}

// Remove unpins r and deletes its cached weeks.
func Remove(st timetable.Storage, r Ref) error {
	st.Del(weeksKey(r))
	pins := Pins(st)
	i := indexOf(pins, r)
	if i < 0 {
		return nil
	}
	pins = append(pins[:i], pins[i+1:]...)
	if err := st.Set(PinsKey, pins); err != nil {
		return fmt.Errorf("unpinning: %w", err)
	}
	return nil
}

func indexOf(pins []Pin, r Ref) int {
	for i, p := range pins {
		if p.Ref == r {
			return i
		}
	}
	return -1
}

// SaveWeeks caches the weeks from Monday from through to (inclusive
// dates, whole weeks) of r, read at at with events, when r is pinned, and
// does nothing otherwise. It keeps the KeepWeeks weeks nearest today's
// and drops those before last week. An all-day event is kept in every week
// it covers.
func SaveWeeks(st timetable.Storage, r Ref, from, to shared.Date, at time.Time, events []shared.Event, today shared.Date) error {
	if !IsPinned(st, r) {
		return nil
	}
	c := load(st, r)
	for monday := from.Monday(); !monday.After(to); monday = monday.AddDays(7) {
		w := Week{Monday: monday, FetchedAt: at, Events: WeekEvents(events, monday)}
		i := sort.Search(len(c.Weeks), func(i int) bool { return !c.Weeks[i].Monday.Before(monday) })
		if i < len(c.Weeks) && c.Weeks[i].Monday == monday {
			c.Weeks[i] = w
		} else {
			c.Weeks = append(c.Weeks[:i], append([]Week{w}, c.Weeks[i:]...)...)
		}
	}
	c.Weeks = prune(c.Weeks, today)
	if err := st.Set(weeksKey(r), c); err != nil {
		return fmt.Errorf("caching %s: %w", r.ID, err)
	}
	return nil
}

// LoadWeek returns the cached week of monday of r, if r is pinned and the
// week is cached.
func LoadWeek(st timetable.Storage, r Ref, monday shared.Date) (Week, bool) {
	if !IsPinned(st, r) {
		return Week{}, false
	}
	for _, w := range load(st, r).Weeks {
		if w.Monday == monday {
			return w, true
		}
	}
	return Week{}, false
}

// load returns r's cached weeks, or none when the stored copy is not r's.
func load(st timetable.Storage, r Ref) cached {
	var c cached
	if err := st.Get(weeksKey(r), &c); err != nil || c.Ref != r {
		return cached{Ref: r}
	}
	weeks := c.Weeks[:0]
	for _, w := range c.Weeks {
		if !w.Monday.IsZero() && w.Monday.Monday() == w.Monday && len(w.Events) <= maxWeekEvents {
			weeks = append(weeks, w)
		}
	}
	sort.Sort(&byMonday{weeks})
	c.Weeks = weeks
	return c
}

// byMonday orders weeks by their Monday (a sort.Interface on a pointer:
// see "Size of `app.wasm`" in docs/DEVELOPING.md).
type byMonday struct{ ws []Week }

func (o *byMonday) Len() int           { return len(o.ws) }
func (o *byMonday) Less(i, j int) bool { return o.ws[i].Monday.Before(o.ws[j].Monday) }
func (o *byMonday) Swap(i, j int)      { o.ws[i], o.ws[j] = o.ws[j], o.ws[i] }

// prune drops the weeks before last week and keeps the KeepWeeks of the
// others nearest today's week.
func prune(weeks []Week, today shared.Date) []Week {
	lastWeek := today.Monday().AddDays(-7)
	out := make([]Week, 0, len(weeks))
	for _, w := range weeks {
		if !w.Monday.Before(lastWeek) {
			out = append(out, w)
		}
	}
	if len(out) > KeepWeeks {
		out = out[:KeepWeeks] // sorted, all from last week on: the nearest come first
	}
	return out
}

// WeekEvents returns the events of events that fall in the week of
// monday: a timed event by the local date it starts, an all-day event when
// any of its days (start up to its exclusive end) does.
func WeekEvents(events []shared.Event, monday shared.Date) []shared.Event {
	sunday := monday.AddDays(6)
	var out []shared.Event
	for _, e := range events {
		start := shared.DateOf(e.Start)
		last := start
		if e.AllDay {
			if end := shared.DateOf(e.End.In(e.Start.Location())); end.After(start) {
				last = end.AddDays(-1)
			}
		}
		if !start.After(sunday) && !last.Before(monday) {
			out = append(out, e)
		}
	}
	return out
}
