// Package change compares two answers for the same range of a student's
// timetable and says what changed: classes that are new, moved in time,
// moved to another room, or gone. The PWA marks these in its views after a
// sync, and the backend's change notifications send them; both use this
// one function so that they always agree.
//
// Events are matched by [shared.Event.ID]. Some universities derive an
// event's id from its time (USOS has no occurrence ids), so a class that
// moved comes back under a new id; Diff therefore pairs an event that is
// gone with one that is new when they are the same class (title, course,
// kind, group and category) in the same week, and reports a move instead
// of a cancellation and an addition.
//
// The package uses the standard library only, like package shared.
package change

import (
	"slices"
	"sort"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// What says how an event changed. Moved and Room may be set together; the
// others stand alone.
type What uint8

// Kinds of change.
const (
	Added     What = 1 << iota // new in the fresh answer
	Moved                      // start or end changed: WasStart and WasEnd hold the old times
	Room                       // room or building changed: WasRoom and WasBuilding hold the old ones
	Cancelled                  // gone from the fresh answer: Event is the cached event
)

// Change is one event that changed.
type Change struct {
	What What
	// Event is the event as it is now; for Cancelled, as it was cached.
	Event shared.Event
	// WasStart and WasEnd are the cached times of a Moved event.
	WasStart, WasEnd time.Time
	// WasRoom and WasBuilding are the cached place of a Room change.
	WasRoom, WasBuilding string
}

// Date returns the local date the change is shown on: the event's start
// date, now or (for Cancelled) as it was.
func (c Change) Date() shared.Date { return shared.DateOf(c.Event.Start) }

// WasDate returns the local date of the event before the change: the old
// start's date for Moved, otherwise the same as Date.
func (c Change) WasDate() shared.Date {
	if c.What&Moved != 0 {
		return shared.DateOf(c.WasStart)
	}
	return c.Date()
}

// Result is what Diff found.
type Result struct {
	// Changes are sorted by their event's start, then by id.
	Changes []Change
	// Unconfirmed is set when every cached event of the range is missing
	// from the fresh answer at once. Universities are known to answer an
	// empty list by mistake, so this is not reported as cancellations:
	// Changes is empty and the caller keeps its cached events, saying that
	// the change could not be confirmed.
	Unconfirmed bool
}

// Summary counts a Result's changes by kind. An event that moved in both
// time and room counts once in Total and once in each of Moved and Room.
type Summary struct {
	Total, Added, Moved, Room, Cancelled int
}

// Summary counts r's changes.
func (r Result) Summary() Summary {
	var s Summary
	for _, c := range r.Changes {
		s.Total++
		if c.What&Added != 0 {
			s.Added++
		}
		if c.What&Moved != 0 {
			s.Moved++
		}
		if c.What&Room != 0 {
			s.Room++
		}
		if c.What&Cancelled != 0 {
			s.Cancelled++
		}
	}
	return s
}

// Dates returns, sorted and without repeats, every local date on which one
// of r's changes shows: an event's new date and, for a move, its old one.
func (r Result) Dates() []shared.Date {
	var out []shared.Date
	for _, c := range r.Changes {
		out = append(out, c.Date(), c.WasDate())
	}
	slices.SortFunc(out, shared.Date.Compare)
	return slices.Compact(out)
}

// Diff compares fresh, a new answer, with cached, the answer stored
// before, over fresh's range [fresh.From, fresh.To]: cached events whose
// start date lies outside that range are not compared. An event is placed
// on dates by its start in its own UTC offset, as the university gave it.
//
// Times are compared as instants, so the same time written with another
// offset is no change. An event id given more than once in one answer is
// matched occurrence by occurrence, in order of time. The result does not
// depend on the order of either answer.
func Diff(cached, fresh shared.Timetable) Result {
	var old []shared.Event
	for _, e := range cached.Events {
		if d := shared.DateOf(e.Start); !d.Before(fresh.From) && !d.After(fresh.To) {
			old = append(old, e)
		}
	}
	if len(old) > 0 && len(fresh.Events) == 0 {
		return Result{Unconfirmed: true}
	}

	// Match by id; an id given more than once is matched occurrence by
	// occurrence, in order of time (then place), whatever the answers'
	// order.
	type key struct {
		id string
		n  int
	}
	byID := make(map[key]int, len(old))
	seen := make(map[string]int, len(old))
	for _, i := range ordered(old) {
		id := old[i].ID
		byID[key{id, seen[id]}] = i
		seen[id]++
	}
	clear(seen)
	matched := make([]bool, len(old))
	var changes []Change
	var added []shared.Event
	for _, j := range ordered(fresh.Events) {
		e := fresh.Events[j]
		k := key{e.ID, seen[e.ID]}
		seen[e.ID]++
		i, ok := byID[k]
		if !ok {
			added = append(added, e)
			continue
		}
		matched[i] = true
		if c, changed := compare(old[i], e); changed {
			changes = append(changes, c)
		}
	}
	var gone []shared.Event
	for _, i := range ordered(old) {
		if !matched[i] {
			gone = append(gone, old[i])
		}
	}

	// Pair what is gone with what is new when it is the same class in the
	// same week, nearest starts first, whatever the answers' order.
	var pairs []pair
	for a, e := range added {
		for g, was := range gone {
			if sameClass(was, e) && weekOf(was) == weekOf(e) {
				pairs = append(pairs, pair{g, a, distance(was, e)})
			}
		}
	}
	sort.Stable(&byDistance{pairs})
	pairedGone := make([]bool, len(gone))
	pairedAdded := make([]bool, len(added))
	for _, p := range pairs {
		if pairedGone[p.g] || pairedAdded[p.a] {
			continue
		}
		pairedGone[p.g], pairedAdded[p.a] = true, true
		if c, changed := compare(gone[p.g], added[p.a]); changed {
			changes = append(changes, c)
		}
	}
	for a, e := range added {
		if !pairedAdded[a] {
			changes = append(changes, Change{What: Added, Event: e})
		}
	}
	for g, e := range gone {
		if !pairedGone[g] {
			changes = append(changes, Change{What: Cancelled, Event: e})
		}
	}

	sort.Stable(&byStart{changes})
	return Result{Changes: changes}
}

// Sorts are sort.Interface values on pointers: see "Size of `app.wasm`"
// in docs/DEVELOPING.md.

// pair is an event gone from the cached answer and a new one that may be
// the same class moved, d apart.
type pair struct {
	g, a int // indexes in gone and added
	d    time.Duration
}

// byDistance orders pairs nearest first.
type byDistance struct{ ps []pair }

func (o *byDistance) Len() int           { return len(o.ps) }
func (o *byDistance) Less(i, j int) bool { return o.ps[i].d < o.ps[j].d }
func (o *byDistance) Swap(i, j int)      { o.ps[i], o.ps[j] = o.ps[j], o.ps[i] }

// byStart orders changes by their event's start, then id.
type byStart struct{ cs []Change }

func (o *byStart) Len() int { return len(o.cs) }
func (o *byStart) Less(i, j int) bool {
	a, b := &o.cs[i].Event, &o.cs[j].Event
	if s := a.Start.Compare(b.Start); s != 0 {
		return s < 0
	}
	return a.ID < b.ID
}
func (o *byStart) Swap(i, j int) { o.cs[i], o.cs[j] = o.cs[j], o.cs[i] }

// byContent orders indexes of events by the events' id, then time, place
// and what the class is.
type byContent struct {
	idx    []int
	events []shared.Event
}

func (o *byContent) Len() int { return len(o.idx) }
func (o *byContent) Less(i, j int) bool {
	a, b := &o.events[o.idx[i]], &o.events[o.idx[j]]
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	if c := a.Start.Compare(b.Start); c != 0 {
		return c < 0
	}
	if c := a.End.Compare(b.End); c != 0 {
		return c < 0
	}
	for _, f := range [...][2]string{
		{a.Room, b.Room}, {a.Building, b.Building}, {a.Title, b.Title}, {a.Course, b.Course},
		{a.Kind, b.Kind}, {a.Group, b.Group}, {string(a.Category), string(b.Category)},
	} {
		if f[0] != f[1] {
			return f[0] < f[1]
		}
	}
	return false
}
func (o *byContent) Swap(i, j int) { o.idx[i], o.idx[j] = o.idx[j], o.idx[i] }

// ordered returns the indexes of events sorted by id, then time, place
// and what the class is, so that nothing depends on an answer's order.
func ordered(events []shared.Event) []int {
	idx := make([]int, len(events))
	for i := range idx {
		idx[i] = i
	}
	sort.Stable(&byContent{idx, events})
	return idx
}

// compare reports how now differs from was in time and place.
func compare(was, now shared.Event) (Change, bool) {
	c := Change{Event: now}
	if !was.Start.Equal(now.Start) || !was.End.Equal(now.End) || was.AllDay != now.AllDay {
		c.What |= Moved
		c.WasStart, c.WasEnd = was.Start, was.End
	}
	if was.Room != now.Room || was.Building != now.Building {
		c.What |= Room
		c.WasRoom, c.WasBuilding = was.Room, was.Building
	}
	return c, c.What != 0
}

// sameClass reports whether a and b are occurrences of the same class.
func sameClass(a, b shared.Event) bool {
	return a.Title == b.Title && a.Course == b.Course && a.Kind == b.Kind &&
		a.Group == b.Group && a.Category == b.Category
}

// weekOf returns the Monday of the week e starts in, in e's own offset.
func weekOf(e shared.Event) shared.Date { return shared.DateOf(e.Start).Monday() }

func distance(a, b shared.Event) time.Duration {
	d := a.Start.Sub(b.Start)
	if d < 0 {
		d = -d
	}
	return d
}
