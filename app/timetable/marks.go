package timetable

import (
	"slices"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
)

// Mark is a change a sync found ("moved from 10:00", "room changed",
// "cancelled"), shown in the views until the student has seen its day:
// a mark whose day was shown is Seen, and the next sync of its range
// drops it.
type Mark struct {
	change.Change
	Seen bool `json:"seen,omitempty"`
}

// on reports whether the mark shows on d: its event's date, or for a move
// its old date too.
func (k Mark) on(d shared.Date) bool { return k.Date() == d || k.WasDate() == d }

// Shown is what the views show of a cache.
type Shown struct {
	// Events are the cached events without the classes the student hid.
	Events []shared.Event
	// Cancelled are the classes a sync found gone, still marked: show them
	// struck through where they were.
	Cancelled []shared.Event
	// Marks are the other changes still marked, by event id.
	Marks map[string]change.Change
}

// Shown returns the cache's events as the views show them.
func (c *Cache) Shown() Shown {
	var s Shown
	if c == nil {
		return s
	}
	s.Events = shared.WithoutHidden(c.Events, c.Hidden)
	for _, k := range c.Marks {
		if shared.Hidden(c.Hidden, k.Event) {
			continue
		}
		if k.What&change.Cancelled != 0 {
			s.Cancelled = append(s.Cancelled, k.Event)
			continue
		}
		if s.Marks == nil {
			s.Marks = make(map[string]change.Change)
		}
		s.Marks[k.Event.ID] = k.Change
	}
	return s
}

// Apply merges a fresh answer for [from, to], fetched at at, into the
// cache like Merge, and marks what changed since the cached answer for the
// range, when the range was synced before. Marks already seen in the
// range are dropped.
//
// The empty-answer guard works week by week, because universities answer
// a week per call (USOS's tt/user) and the backend joins the calls of a
// range: when a week of the range had events and the fresh answer has
// none, its cached events stay, no change is marked for it, and the result
// is Unconfirmed. When the whole range is empty (change.Diff's guard), the
// cache is left as it was.
func (c *Cache) Apply(from, to shared.Date, at time.Time, events []shared.Event) change.Result {
	var res change.Result
	if _, synced := c.covered(from, to); synced {
		var kept bool
		events, kept = keepEmptyWeeks(c.Events, events, from, to)
		res = change.Diff(
			shared.Timetable{From: from, To: to, Events: c.Events},
			shared.Timetable{From: from, To: to, Events: events})
		if res.Unconfirmed {
			return res
		}
		res.Unconfirmed = kept
	}
	inRange := func(d shared.Date) bool { return !d.Before(from) && !d.After(to) }
	fresh := make(map[string]bool, len(res.Changes))
	for _, ch := range res.Changes {
		fresh[ch.Event.ID] = true
	}
	marks := make([]Mark, 0, len(c.Marks)+len(res.Changes))
	for _, k := range c.Marks {
		if fresh[k.Event.ID] || k.Seen && (inRange(k.Date()) || inRange(k.WasDate())) {
			continue // superseded, or seen and synced again
		}
		marks = append(marks, k)
	}
	for _, ch := range res.Changes {
		marks = append(marks, Mark{Change: ch})
	}
	c.Marks = marks
	c.Merge(from, to, at, events)
	return res
}

// keepEmptyWeeks returns fresh with, for every week of [from, to] in which
// cached has events starting and fresh has none, the cached ones, and
// whether there was such a week. Unless fresh is empty: then it is
// returned as it is, for change.Diff's guard of the whole range.
func keepEmptyWeeks(cached, fresh []shared.Event, from, to shared.Date) ([]shared.Event, bool) {
	if len(fresh) == 0 {
		return fresh, false
	}
	in := func(e shared.Event, a, b shared.Date) bool {
		d := shared.DateOf(e.Start)
		return !d.Before(a) && !d.After(b)
	}
	kept := false
	out := fresh
	for w := from.Monday(); !w.After(to); w = w.AddDays(7) {
		a, b := w, w.AddDays(6)
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		if slices.ContainsFunc(fresh, func(e shared.Event) bool { return in(e, a, b) }) {
			continue
		}
		for _, e := range cached {
			if in(e, a, b) {
				if !kept {
					out, kept = slices.Clone(fresh), true
				}
				out = append(out, e)
			}
		}
	}
	return out, kept
}

// see marks the marks showing on any of dates as seen, and reports
// whether any was not before. The marks slice is replaced, not changed in
// place, so that snapshots stay as they were.
func (c *Cache) see(dates []shared.Date) bool {
	if c == nil {
		return false
	}
	var marks []Mark
	for i, k := range c.Marks {
		if k.Seen || !slices.ContainsFunc(dates, k.on) {
			continue
		}
		if marks == nil {
			marks = slices.Clone(c.Marks)
		}
		marks[i].Seen = true
	}
	if marks == nil {
		return false
	}
	c.Marks = marks
	return true
}

// hide adds h to the hidden classes, unless there already; unhide removes
// it. Both replace the slice and report whether anything changed.
func (c *Cache) hide(h shared.Hide) bool {
	if c == nil || h.Course == "" || slices.Contains(c.Hidden, h) {
		return false
	}
	c.Hidden = append(slices.Clip(c.Hidden), h)
	return true
}

func (c *Cache) unhide(h shared.Hide) bool {
	if c == nil || !slices.Contains(c.Hidden, h) {
		return false
	}
	c.Hidden = slices.DeleteFunc(slices.Clone(c.Hidden), func(x shared.Hide) bool { return x == h })
	return true
}

// Seen records that the student was shown dates: their change marks go at
// the next sync. It changes nothing (and reports no change) when no mark
// shows on them.
func (m *Model) Seen(dates ...shared.Date) {
	m.mu.Lock()
	changed := !m.closed && m.cache.see(dates)
	if changed && m.cache.partial {
		// Saving needs the whole cache: read it (no marks seen yet, the
		// first weeks hold all of them) and see the dates again there.
		m.whole()
		m.cache.see(dates)
	}
	if changed && m.persist {
		m.log(saveTimetable(m.cfg.Storage, m.cache, m.v.Today))
	}
	m.mu.Unlock()
	if changed && m.cfg.Changed != nil {
		m.cfg.Changed()
	}
}

// Hide hides the classes h matches in every view and download, on this
// device, for the student signed in.
func (m *Model) Hide(h shared.Hide) { m.editHidden(func() bool { return m.cache.hide(h) }) }

// Unhide shows the classes of h again.
func (m *Model) Unhide(h shared.Hide) { m.editHidden(func() bool { return m.cache.unhide(h) }) }

func (m *Model) editHidden(edit func() bool) {
	m.do(func() {
		m.whole()
		if m.v.Account != nil && edit() && m.persist {
			m.log(saveTimetable(m.cfg.Storage, m.cache, m.v.Today))
		}
	})
}

// StoredHidden returns the classes hidden by the student whose timetable
// is stored on this device (for pages other than the week's, like the
// completion of a calendar subscription).
func StoredHidden(st Storage) []shared.Hide {
	a, ok := loadAccount(st)
	if !ok {
		return nil
	}
	return loadTimetable(st, a).Hidden
}
