package poll

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/change"
	"github.com/campusweek/campusweek/shared/i18n"
)

// Payload is what a push message carries, as JSON: the PWA's service
// worker shows Title and Body and opens URL when the notification is
// clicked.
type Payload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// Date is the day to open: the first change's (or reminder's) date.
	Date shared.Date `json:"date"`
	// URL is the PWA's address of that day, a path on the PWA's origin.
	URL string `json:"url"`
	// Tag groups the notifications of one kind, so that a newer one
	// replaces an older one on the device.
	Tag string `json:"tag"`
	// Lang is the language Title and Body are in.
	Lang string `json:"lang"`
}

// Tags of Payload.
const (
	TagChanges   = "campusweek-changes"
	TagReminders = "campusweek-reminder"
)

// maxLines bounds the lines of a message body: a notification shows a
// few lines, and the payload must stay under push.MaxPayload.
const maxLines = 6

// DayURL is the PWA's address of day d: its week, with the day named.
func DayURL(d shared.Date) string {
	q := url.Values{"week": {d.Monday().String()}, "day": {d.String()}}
	return "/?" + q.Encode()
}

// ChangesMessage words changes (sorted by time, as change.Diff returns
// them) as one notification in lang, for a student at now: a title
// counting them and a line for each, the first maxLines ones and how
// many more. It opens the day of the first change.
func ChangesMessage(lang i18n.Lang, now time.Time, changes []change.Change) Payload {
	lines := make([]string, 0, min(len(changes), maxLines))
	for i, c := range changes {
		if i == maxLines-1 && len(changes) > maxLines {
			lines = append(lines, lang.N(i18n.NotifyMore, len(changes)-i))
			break
		}
		lines = append(lines, changeLine(lang, now, c))
	}
	d := changes[0].Date()
	return Payload{
		Title: lang.N(i18n.ChangesSummary, len(changes)),
		Body:  strings.Join(lines, "\n"),
		Date:  d,
		URL:   DayURL(d),
		Tag:   TagChanges,
		Lang:  lang.String(),
	}
}

// changeLine words one change: "Analiza matematyczna, jutro 12:15 →
// 14:00", "room changed: 2180 → 3180 (Linear Algebra, Tuesday 10:00)",
// "cancelled: Linear Algebra, Tuesday 10:00".
func changeLine(lang i18n.Lang, now time.Time, c change.Change) string {
	ev := c.Event
	switch {
	case c.What&change.Moved != 0:
		to := i18n.Clock(ev.Start)
		if shared.DateOf(ev.Start) != shared.DateOf(c.WasStart) {
			to = When(lang, now, ev.Start)
		}
		if c.What&change.Room != 0 {
			return lang.F(i18n.NotifyMovedRoom, ev.Title, When(lang, now, c.WasStart), to, c.WasRoom, ev.Room)
		}
		return lang.F(i18n.NotifyMoved, ev.Title, When(lang, now, c.WasStart), to)
	case c.What&change.Room != 0:
		return lang.F(i18n.NotifyRoom, ev.Title, When(lang, now, ev.Start), c.WasRoom, ev.Room)
	case c.What&change.Cancelled != 0:
		return lang.F(i18n.NotifyCancelled, ev.Title, When(lang, now, ev.Start))
	}
	return lang.F(i18n.NotifyAdded, ev.Title, When(lang, now, ev.Start))
}

// When words the time t for a student at now, in t's own offset:
// "today 12:15", "tomorrow 12:15", a weekday within the week ahead
// ("Tuesday 10:00"), else the date ("15 Dec 10:00").
func When(lang i18n.Lang, now, t time.Time) string {
	day, today := shared.DateOf(t), shared.DateOf(now.In(t.Location()))
	var d string
	switch n := today.DaysUntil(day); {
	case n == 0:
		d = lang.T(i18n.NotifyToday)
	case n == 1:
		d = lang.T(i18n.NotifyTomorrow)
	case n > 1 && n < 7:
		d = lang.Weekday(t.Weekday())
	default:
		d = lang.ShortDate(day)
	}
	return d + " " + i18n.Clock(t)
}

// RemindersMessage words a reminder of events (sorted by time, not
// empty, starting soon) in lang: "Analiza matematyczna o 12:15, sala
// 2180".
func RemindersMessage(lang i18n.Lang, events []shared.Event) Payload {
	lines := make([]string, 0, min(len(events), maxLines))
	for i, ev := range events {
		if i == maxLines {
			break
		}
		if ev.Room != "" {
			lines = append(lines, lang.F(i18n.NotifyReminderRoom, ev.Title, i18n.Clock(ev.Start), ev.Room))
		} else {
			lines = append(lines, lang.F(i18n.NotifyReminder, ev.Title, i18n.Clock(ev.Start)))
		}
	}
	d := shared.DateOf(events[0].Start)
	return Payload{
		Title: lang.T(i18n.NotifyReminderTitle),
		Body:  strings.Join(lines, "\n"),
		Date:  d,
		URL:   DayURL(d),
		Tag:   TagReminders,
		Lang:  lang.String(),
	}
}

// encode returns p as a push payload, within maxPayload octets: lines
// of the body are dropped from the end until it fits.
func (p Payload) encode(maxPayload int) ([]byte, error) {
	for {
		b, err := json.Marshal(p)
		if err != nil || len(b) <= maxPayload || p.Body == "" {
			return b, err
		}
		p.Body = dropLastLine(p.Body)
	}
}

func dropLastLine(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return ""
}
