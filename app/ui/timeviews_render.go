package ui

import (
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/app/layout"
	"github.com/campusweek/campusweek/app/palette"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderDayView is the narrow screens' view: the next-class card, the day
// shown with previous/next and Today, the week strip, and the week's
// days, all but the one shown hidden (so that the week's classes stay on
// the page for the browser's find and for moving by the strip at once).
// live are the classes that take place (not cancelled), for the card;
// nearLive and nearAll those and all those shown, around the week.
func (c *timeViews) renderDayView(r renderer, live, nearLive, nearAll []shared.Event) app.UI {
	l, v := r.l, &c.View
	sel := c.selected()
	strip := layout.Strip(nearLive, sel, v.Today)
	card := layout.CardAt(live, c.now)
	dates := weekDays(v.Week)
	return app.Div().ID("day-view").Class("day-view").Body(
		app.P().ID("next-class").Class("next-class").Text(cardText(l, card, v.Today)),
		app.Nav().Class("day-nav").Aria("label", l.T(i18n.ViewDay)).Body(
			app.Button().ID("prev-day").Type("button").Class("button", "button-icon").
				Aria("label", l.T(i18n.ViewPrevDay)).Title(l.T(i18n.ViewPrevDay)).OnClick(c.prevDay).
				Body(app.Span().Class("chevron", "chevron-left").Aria("hidden", "true")),
			app.H2().ID("day-title").Class("day-title").Aria("live", "polite").
				Text(dayName(l, sel)+" "+l.DayMonth(sel)),
			disableButton(app.Button().ID("day-today").Type("button").Class("button", "button-quiet", "today-button").
				OnClick(c.today).Text(l.T(i18n.ViewToday)), sel == v.Today),
			app.Button().ID("next-day").Type("button").Class("button", "button-icon").
				Aria("label", l.T(i18n.ViewNextDay)).Title(l.T(i18n.ViewNextDay)).OnClick(c.nextDay).
				Body(app.Span().Class("chevron", "chevron-right").Aria("hidden", "true")),
		),
		app.Div().Class("week-strip").Role("group").Aria("label", l.T(i18n.ViewStrip)).Body(
			app.Range(strip[:]).Slice(func(i int) app.UI {
				sd := strip[i]
				b := app.Button().Type("button").Class("strip-day").
					DataSet("day", sd.Date.String()).
					Aria("pressed", strconv.FormatBool(sd.Selected)).
					Title(dayName(l, sd.Date) + " " + l.DayMonth(sd.Date)).
					OnClick(c.pickDay)
				if sd.Today {
					b = b.Class("strip-today").Aria("current", "date")
				}
				return b.Body(
					app.Span().Class("strip-name").Text(shortDay(l, sd.Date)),
					app.Span().Class("strip-num").Text(strconv.Itoa(sd.Date.Day)),
					app.Span().Class("strip-dot").Aria("hidden", "true").Text(dotMark(sd.Dot)),
					app.If(sd.Dot, func() app.UI {
						return app.Span().Class("visually-hidden").Text(", " + l.T(i18n.ViewHasClasses))
					}),
				)
			}),
		),
		app.Div().Class("days").Body(
			app.Range(dates[:]).Slice(func(i int) app.UI {
				return c.renderDay(r, dates[i], dates[i] == sel, nearLive, nearAll)
			}),
		),
	)
}

func dotMark(dot bool) string {
	if dot {
		return "•"
	}
	return ""
}

// dayLabel is a date as its weekday and day of the month: "Monday 9 March".
func dayLabel(l i18n.Lang, d shared.Date) string {
	return dayName(l, d) + " " + l.DayMonth(d)
}

// shortDay is a weekday's first letters: "Mon", "pon", "maa".
func shortDay(l i18n.Lang, d shared.Date) string {
	name := []rune(dayName(l, d))
	if len(name) > 3 {
		name = name[:3]
	}
	return string(name)
}

// renderDay is one day of the day view; only the day shown is visible.
func (c *timeViews) renderDay(r renderer, d shared.Date, shown bool, live, all []shared.Event) app.UI {
	l, v := r.l, &c.View
	isToday := d == v.Today
	events := layout.OnDay(all, d)
	open := layout.Open(live, d)
	classes := []string{"day"}
	if isToday {
		classes = append(classes, "today")
	}
	section := app.Section().Class(classes...).DataSet("date", d.String()).
		Aria("label", dayName(l, d)+" "+l.DayMonth(d))
	if !shown {
		section = section.Hidden(true) // Hidden(false) would render hidden="false"
	}
	if isToday {
		section = section.Aria("current", "date")
	}
	// The now line goes before the first class starting after now.
	nowAt := -1
	if isToday {
		nowAt = len(events)
		for i, e := range events {
			if !e.AllDay && e.Start.After(c.now) {
				nowAt = i
				break
			}
		}
	}
	nowLine := func() app.UI {
		return app.Li().ID("now-line").Class("now-line").Aria("hidden", "true").
			Body(app.Span().Class("now-label").Text(clock(c.now.In(zoneOf(events, c.now)))))
	}
	return section.Body(
		app.If(open.Empty, func() app.UI {
			msg := l.T(i18n.WeekNoClasses)
			if isToday {
				msg = l.T(i18n.ViewNoClassesToday)
			}
			return app.Div().Class("no-classes-day").Body(
				app.P().Class("no-classes").Text(msg),
				app.If(open.HasNext, func() app.UI {
					return app.Button().Type("button").Class("button", "button-quiet", "go-next").
						DataSet("day", open.Next.String()).OnClick(c.pickDay).
						Text(l.F(i18n.ViewNextClassesOn, dayName(l, open.Next)+" "+l.DayMonth(open.Next)))
				}),
			)
		}),
		app.If(len(events) > 0 || isToday, func() app.UI {
			items := make([]app.UI, 0, len(events)+1)
			for i, e := range events {
				if i == nowAt {
					items = append(items, nowLine())
				}
				items = append(items, app.Li().Body(r.class(e, d, nil)))
			}
			if nowAt == len(events) {
				items = append(items, nowLine())
			}
			return app.Ul().Class("events").Body(items...)
		}),
	)
}

// zoneOf is the UTC offset of the university's times: that of the event
// nearest to now, else now's own. The now line is drawn in it, so that a
// student abroad sees it beside the classes' hours.
func zoneOf(events []shared.Event, now time.Time) *time.Location {
	var best time.Duration = -1
	loc := now.Location()
	for _, e := range events {
		d := e.Start.Sub(now)
		if d < 0 {
			d = -d
		}
		if best < 0 || d < best {
			best, loc = d, e.Start.Location()
		}
	}
	return loc
}

// renderGrid is the wide screens' view: the week as a time grid.
func (c *timeViews) renderGrid(r renderer, all []shared.Event) app.UI {
	l, v := r.l, &c.View
	w := layout.Grid(v.Week, all, v.Today)
	now := c.now.In(zoneOf(all, c.now))
	nowDay, nowTop, nowOK := w.Now(now)
	hours := make([]int, 0, w.LastHour-w.FirstHour)
	for h := w.FirstHour; h < w.LastHour; h++ {
		hours = append(hours, h)
	}
	span := float64(w.LastHour - w.FirstHour)
	return app.Div().ID("week-grid").Class("grid", "grid-cols-"+strconv.Itoa(len(w.Days))).
		Role("region").Aria("label", l.T(i18n.ViewWeekGrid)).
		DataSet("hours", strconv.Itoa(w.LastHour-w.FirstHour)).
		Body(
			app.Div().Class("grid-corner").Aria("hidden", "true"),
			app.Range(w.Days).Slice(func(i int) app.UI {
				col := w.Days[i]
				head := app.Div().Class("grid-head")
				if col.Today {
					head = head.Class("today")
				}
				return head.Body(
					app.Span().Class("day-name").Text(dayName(l, col.Date)),
					app.Span().Class("day-date").Text(dayShortDate(l, col.Date)),
					app.If(col.Today, func() app.UI { return app.Span().Class("today-badge").Text(l.T(i18n.WeekToday)) }),
					app.If(len(col.AllDay) > 0, func() app.UI {
						return app.Ul().Class("events", "grid-allday").Body(
							app.Range(col.AllDay).Slice(func(j int) app.UI {
								return app.Li().Body(r.class(col.AllDay[j], col.Date, nil))
							}),
						)
					}),
				)
			}),
			app.Div().Class("grid-hours").Aria("hidden", "true").Body(
				app.Range(hours).Slice(func(i int) app.UI {
					return app.Span().Class("grid-hour").DataSet("top", pct(float64(i)/span)).
						Text(twoDigits(hours[i]) + ":00")
				}),
			),
			app.Range(w.Days).Slice(func(i int) app.UI {
				col := w.Days[i]
				classes := []string{"day", "grid-day"}
				if col.Today {
					classes = append(classes, "today")
				}
				sec := app.Section().Class(classes...).DataSet("date", col.Date.String()).
					Aria("label", dayName(l, col.Date)+" "+l.DayMonth(col.Date))
				if col.Today {
					sec = sec.Aria("current", "date")
				}
				return sec.Body(
					app.Range(col.Blocks).Slice(func(j int) app.UI {
						return r.class(col.Blocks[j].Event, col.Date, &col.Blocks[j])
					}),
					app.If(nowOK && nowDay == i, func() app.UI {
						return app.Div().ID("now-line").Class("now-line").Aria("hidden", "true").
							DataSet("top", pct(nowTop))
					}),
				)
			}),
		)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// renderDetails is the dialog of the class whose details show, if any.
func (c *timeViews) renderDetails(r renderer) app.UI {
	e, gone, ok := c.openEvent()
	if !ok {
		return app.Text("")
	}
	l := r.l
	d := shared.DateOf(e.Start)
	mark := ""
	if gone {
		mark = l.T(i18n.ChangeCancelled)
	} else if ch, ok := r.marks[e.ID]; ok {
		mark = markText(l, ch, false)
	}
	entry := palette.For(palette.Key(e))
	row := func(label, value string) app.UI {
		if strings.TrimSpace(value) == "" {
			return app.Text("")
		}
		return app.Div().Class("details-row").Body(
			app.Elem("dt").Text(label),
			app.Elem("dd").Text(value),
		)
	}
	return app.Elem("dialog").ID("details").Class("details").
		Aria("labelledby", "details-title").
		On("close", c.detailsClosed).
		Body(
			app.Div().Class("details-head", "course-"+strconv.Itoa(entry.Index)).Body(
				app.Span().Class("details-swatch").Title(l.T(i18n.DetailsColour)).Aria("hidden", "true"),
				app.H2().ID("details-title").Class("details-title").Text(e.Title),
			),
			app.If(mark != "", func() app.UI { return app.P().Class("details-mark").Text(mark) }),
			app.Elem("dl").Class("details-list").Body(
				row(l.T(i18n.DetailsWhen), dayName(l, d)+" "+l.Date(d)+", "+timeRange(l, e)),
				row(l.T(i18n.DetailsType), eventKind(l, e)),
				row(l.T(i18n.DetailsGroup), e.Group),
				row(l.T(i18n.DetailsWhere), eventPlace(e)),
				row(l.T(i18n.DetailsLecturers), strings.Join(nonEmpty(e.Lecturers), ", ")),
				row(l.T(i18n.DetailsNotes), e.Notes),
			),
			app.If(isWebURL(e.URL), func() app.UI {
				return app.P().Body(app.A().ID("details-link").Class("event-link").Href("%s", e.URL).
					Target("_blank").Rel("noopener noreferrer").Text(l.T(i18n.DetailsCoursePage)))
			}),
			app.Div().Class("details-actions").Body(
				app.If(c.Model != nil && !e.AllDay, func() app.UI {
					return button("button button-quiet", l.T(i18n.HideAllGroups), c.hide(false)).ID("hide-all")
				}),
				app.If(c.Model != nil && !e.AllDay && e.Group != "", func() app.UI {
					return button("button button-quiet", l.F(i18n.HideGroup, e.Group), c.hide(true)).ID("hide-group")
				}),
				button("button button-primary", l.T(i18n.DetailsClose), c.closeDetails).ID("details-close"),
			),
		)
}

// renderSettings holds the theme switch and the list of hidden classes.
func (c *timeViews) renderSettings() app.UI {
	l := c.Lang
	var hidden []shared.Hide
	if c.View.Cache != nil {
		hidden = c.View.Cache.Hidden
	}
	all := c.View.Cache.Events
	if c.View.Cache == nil {
		all = nil
	}
	themes := []struct {
		value string
		key   i18n.Key
	}{{themeSystem, i18n.ThemeSystem}, {themeLight, i18n.ThemeLight}, {themeDark, i18n.ThemeDark}}
	return app.Details().ID("settings").Class("settings", "panel").Body(
		app.Summary().Class("settings-summary").Text(l.T(i18n.SettingsTitle)),
		app.Div().Class("settings-row").Body(
			app.Label().For("theme-switch").Text(l.T(i18n.ThemeLabel)),
			app.Select().ID("theme-switch").Class("lang-select").OnChange(c.pickTheme).Body(
				app.Range(themes).Slice(func(i int) app.UI {
					o := app.Option().Value(themes[i].value).Text(l.T(themes[i].key))
					if themes[i].value == c.theme {
						o = o.Selected(true) // Selected(false) would render selected="false"
					}
					return o
				}),
			),
		),
		app.H3().Class("settings-heading").Text(l.T(i18n.HiddenTitle)),
		app.If(len(hidden) == 0, func() app.UI {
			return app.P().Class("hidden-none").Text(l.T(i18n.HiddenNone))
		}).Else(func() app.UI {
			return app.Ul().ID("hidden-list").Class("hidden-list").Body(
				app.Range(hidden).Slice(func(i int) app.UI {
					h := hidden[i]
					return app.Li().Body(
						app.Span().Class("hidden-name").Text(hideText(l, h, all)),
						app.Button().Type("button").Class("button", "button-quiet", "button-small", "unhide").
							DataSet("hide", h.String()).OnClick(c.unhide).
							Aria("label", l.T(i18n.HiddenShow)+": "+hideText(l, h, all)).
							Text(l.T(i18n.HiddenShow)),
					)
				}),
			)
		}),
	)
}
