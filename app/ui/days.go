package ui

import (
	"strings"
	"time"

	"github.com/campusweek/campusweek/shared"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// notSynced says that a week is not on the device, which is not the same
// as a week without classes.
func notSynced(msg string) app.UI {
	return app.Div().Class("not-synced").Role("status").Body(
		app.P().Class("not-synced-title").Text("This week isn't saved on this device."),
		app.P().Class("not-synced-hint").Text(msg),
	)
}

// renderDays shows the week of monday, Monday to Sunday, with events in
// their days and today marked.
func renderDays(events []shared.Event, monday, today shared.Date) app.UI {
	days := eventsByDay(events, monday)
	total := 0
	for _, d := range days {
		total += len(d)
	}
	dates := weekDays(monday)
	return app.Div().Class("week-body").Body(
		app.If(total == 0, func() app.UI {
			return app.P().Class("empty-state").Text("No classes this week.")
		}),
		app.Div().Class("week").Body(
			app.Range(dates[:]).Slice(func(i int) app.UI {
				return renderDay(dates[i], days[i], dates[i] == today)
			}),
		),
	)
}

func renderDay(d shared.Date, events []shared.Event, isToday bool) app.UI {
	classes := []string{"day"}
	if isToday {
		classes = append(classes, "today")
	}
	section := app.Section().
		Class(classes...).
		DataSet("date", d.String()).
		Aria("label", dayName(d)+" "+dayShortDate(d))
	if isToday {
		section = section.Aria("current", "date")
	}
	return section.Body(
		app.H2().Class("day-heading").Body(
			app.Span().Class("day-name").Text(dayName(d)),
			app.Span().Class("day-date").Text(dayShortDate(d)),
			app.If(isToday, func() app.UI { return app.Span().Class("today-badge").Text("Today") }),
		),
		app.If(len(events) == 0, func() app.UI {
			return app.P().Class("no-classes").Text("No classes")
		}).Else(func() app.UI {
			return app.Ul().Class("events").Body(
				app.Range(events).Slice(func(i int) app.UI {
					return app.Li().Body(renderEvent(events[i]))
				}),
			)
		}),
	)
}

// renderEvent shows one class, exam or meeting.
func renderEvent(e shared.Event) app.UI {
	cat := eventCategory(e)
	kind := eventKind(e)
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
				Text(timeRange(e)),
			app.H3().Class("event-title").Text(e.Title),
			app.If(kind != "", func() app.UI {
				return app.P().Class("event-kind").Text(kind)
			}),
			app.If(place != "", func() app.UI {
				return app.P().Class("event-place").Body(
					app.Span().Class("visually-hidden").Text("Where: "),
					app.Text(place),
				)
			}),
			app.If(e.Group != "", func() app.UI {
				return app.P().Class("event-group").Text("Group " + e.Group)
			}),
			app.If(lecturers != "", func() app.UI {
				return app.P().Class("event-lecturers").Body(
					app.Span().Class("visually-hidden").Text("With: "),
					app.Text(lecturers),
				)
			}),
			app.If(isWebURL(e.URL), func() app.UI {
				return app.A().
					Class("event-link").
					Href("%s", e.URL).
					Target("_blank").
					Rel("noopener noreferrer").
					Text("Details")
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
