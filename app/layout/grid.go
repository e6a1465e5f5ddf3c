package layout

import (
	"sort"
	"time"

	"github.com/campusweek/campusweek/shared"
)

// Week is a time-grid week: one column per day, hours down the side.
type Week struct {
	Monday shared.Date
	// Days are Monday to Friday, then Saturday and Sunday when the week
	// has events on either or today is one of them (today always shows).
	Days []Column
	// FirstHour and LastHour bound the hours shown, [FirstHour, LastHour):
	// from the week's earliest start to its latest end, whole hours, or
	// DefaultFirstHour to DefaultLastHour when it has no timed events.
	FirstHour, LastHour int
}

// Column is one day of a Week.
type Column struct {
	Date  shared.Date
	Today bool
	// AllDay are the all-day events of the date, by start.
	AllDay []shared.Event
	// Blocks are the timed events of the date, by start (longer first),
	// placed on the grid.
	Blocks []Block
}

// Block is a timed event's part on one date, placed in its column.
type Block struct {
	Event shared.Event
	Span
	// Col is the block's column among those it overlaps, of Cols: blocks
	// that overlap, directly or through others, share their Cols and sit
	// side by side.
	Col, Cols int
	// Top and Height place the block in the hours shown, as fractions of
	// the grid's height; Left and Width within its day, as fractions of
	// the day's width.
	Top, Height, Left, Width float64
}

// Grid lays out the week starting on monday (a Monday) from events, with
// today's column marked when today lies in the week.
func Grid(monday shared.Date, events []shared.Event, today shared.Date) Week {
	w := Week{Monday: monday}
	all := make([]Column, 7)
	first, last := DayMinutes, 0
	for i := range all {
		c := Column{Date: monday.AddDays(i)}
		c.Today = c.Date == today
		for _, e := range events {
			if e.AllDay {
				if On(e, c.Date) {
					c.AllDay = append(c.AllDay, e)
				}
				continue
			}
			if s, ok := SpanOn(e, c.Date); ok {
				c.Blocks = append(c.Blocks, Block{Event: e, Span: s})
				first, last = min(first, s.Start), max(last, s.End)
			}
		}
		sort.Stable(&dayOrder{c.AllDay}) // all-day only: by start
		sort.Stable(&byStart{c.Blocks})
		columns(c.Blocks)
		all[i] = c
	}
	n := 5
	if weekend := all[5:]; weekend[0].Today || weekend[1].Today ||
		len(weekend[0].AllDay)+len(weekend[0].Blocks)+len(weekend[1].AllDay)+len(weekend[1].Blocks) > 0 {
		n = 7
	}
	w.Days = all[:n]

	w.FirstHour, w.LastHour = DefaultFirstHour, DefaultLastHour
	if last > 0 { // some timed event in the week
		w.FirstHour, w.LastHour = first/60, (last+59)/60
	}
	span := float64((w.LastHour - w.FirstHour) * 60)
	for _, c := range w.Days {
		for i := range c.Blocks {
			b := &c.Blocks[i]
			b.Top = float64(b.Start-w.FirstHour*60) / span
			b.Height = float64(b.End-b.Start) / span
			b.Left = float64(b.Col) / float64(b.Cols)
			b.Width = 1 / float64(b.Cols)
		}
	}
	return w
}

// columns places blocks, sorted by byStart, side by side: each cluster of
// blocks that overlap, directly or through others, gets as many columns
// as the most of them that overlap at one time (interval graphs are
// coloured optimally by taking the first free column in start order).
func columns(blocks []Block) {
	var ends []int // per column of the current cluster, where its last block ends
	clusterStart, clusterEnd := 0, 0
	closeCluster := func(upTo int) {
		for j := clusterStart; j < upTo; j++ {
			blocks[j].Cols = len(ends)
		}
	}
	for i := range blocks {
		b := &blocks[i]
		if i > 0 && b.Start >= clusterEnd {
			closeCluster(i)
			ends, clusterStart = ends[:0], i
		}
		b.Col = len(ends)
		for c, end := range ends {
			if end <= b.Start {
				b.Col = c
				break
			}
		}
		if b.Col == len(ends) {
			ends = append(ends, b.End)
		} else {
			ends[b.Col] = b.End
		}
		clusterEnd = max(clusterEnd, b.End)
	}
	closeCluster(len(blocks))
}

// Now returns where the "now" line crosses w: the index of today's column
// in Days and the line's height as a fraction of the grid, from now's
// wall clock in now's location. It returns false when now's date is not
// shown or its time lies outside the hours shown.
func (w Week) Now(now time.Time) (day int, top float64, ok bool) {
	d := shared.DateOf(now)
	for i, c := range w.Days {
		if c.Date != d {
			continue
		}
		m := clock(now) - w.FirstHour*60
		span := (w.LastHour - w.FirstHour) * 60
		if m < 0 || m > span {
			return 0, 0, false
		}
		return i, float64(m) / float64(span), true
	}
	return 0, 0, false
}
