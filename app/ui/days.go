package ui

import (
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// notSynced says that a week is not on the device, which is not the same
// as a week without classes.
func notSynced(l i18n.Lang, msg string) app.UI {
	return app.Div().Class("not-synced").Role("status").Body(
		app.P().Class("not-synced-title").Text(l.T(i18n.WeekNotSaved)),
		app.P().Class("not-synced-hint").Text(msg),
	)
}

// renderDays shows the week of monday, Monday to Sunday, with events in
// their days and today marked, in l.
func renderDays(l i18n.Lang, events []shared.Event, monday, today shared.Date) app.UI {
	days := eventsByDay(events, monday)
	total := 0
	for _, d := range days {
		total += len(d)
	}
	dates := weekDays(monday)
	return app.Div().Class("week-body").Body(
		app.If(total == 0, func() app.UI {
			return app.P().Class("empty-state").Text(l.T(i18n.WeekNoClassesWeek))
		}),
		app.Div().Class("week").Body(
			app.Range(dates[:]).Slice(func(i int) app.UI {
				return renderDay(l, dates[i], days[i], dates[i] == today)
			}),
		),
	)
}

func renderDay(l i18n.Lang, d shared.Date, events []shared.Event, isToday bool) app.UI {
	classes := []string{"day"}
	if isToday {
		classes = append(classes, "today")
	}
	section := app.Section().
		Class(classes...).
		DataSet("date", d.String()).
		Aria("label", dayName(l, d)+" "+dayShortDate(l, d))
	if isToday {
		section = section.Aria("current", "date")
	}
	return section.Body(
		app.H2().Class("day-heading").Body(
			app.Span().Class("day-name").Text(dayName(l, d)),
			app.Span().Class("day-date").Text(dayShortDate(l, d)),
			app.If(isToday, func() app.UI { return app.Span().Class("today-badge").Text(l.T(i18n.WeekToday)) }),
		),
		app.If(len(events) == 0, func() app.UI {
			return app.P().Class("no-classes").Text(l.T(i18n.WeekNoClasses))
		}).Else(func() app.UI {
			return app.Ul().Class("events").Body(
				app.Range(events).Slice(func(i int) app.UI {
					return app.Li().Body(renderEvent(l, events[i]))
				}),
			)
		}),
	)
}

// renderEvent shows one class, exam or meeting.
func renderEvent(l i18n.Lang, e shared.Event) app.UI {
	cat := eventCategory(e)
	kind := eventKind(l, e)
	place := eventPlace(e)
	lecturers := strings.Join(nonEmpty(e.Lecturers), ", ")
	return app.Article().
		Class("event", "event-"+cat).
		DataSet("event-id", e.ID).
		DataSet("category", cat).
		Body(
			app.Time().
				Class("event-time").
				DateTime("%s", e.Start.Format(time.RFC3339)).
				Text(timeRange(l, e)),
			app.H3().Class("event-title").Text(e.Title),
			app.If(kind != "", func() app.UI {
				return app.P().Class("event-kind").Text(kind)
			}),
			app.If(place != "", func() app.UI {
				return app.P().Class("event-place").Body(
					app.Span().Class("visually-hidden").Text(l.T(i18n.EventWhere)),
					app.Text(place),
				)
			}),
			app.If(e.Group != "", func() app.UI {
				return app.P().Class("event-group").Text(l.F(i18n.EventGroup, e.Group))
			}),
			app.If(lecturers != "", func() app.UI {
				return app.P().Class("event-lecturers").Body(
					app.Span().Class("visually-hidden").Text(l.T(i18n.EventWith)),
					app.Text(lecturers),
				)
			}),
			app.If(isWebURL(e.URL), func() app.UI {
				return app.A().
					Class("event-link").
					Href("%s", e.URL).
					Target("_blank").
					Rel("noopener noreferrer").
					Text(l.T(i18n.EventDetails))
			}),
		)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
