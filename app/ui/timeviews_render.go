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
// In a browser the hidden days join once the first render has painted
// (unpainted): the day shown is on screen without waiting for six more
// days' elements.
// live are the classes that take place (not cancelled), for the card;
// nearLive and nearAll those and all those shown, around the week.
func (c *timeViews) renderDayView(r renderer, live, nearLive, nearAll []shared.Event) app.UI {
	l, v := r.l, &c.View
	sel := c.selected()
	strip := layout.Strip(nearLive, sel, v.Today)
	card := layout.CardAt(live, c.now)
	var buttons, days [7]app.UI
	for i, sd := range strip {
		var has app.UI
		if sd.Dot {
			has = text("span", attrs{"class", "visually-hidden"}, ", "+l.T(i18n.ViewHasClasses))
		}
		buttons[i] = on(el("button", attrs{"type", "button", "class", "strip-day" + pick(sd.Today, " strip-today"),
			"data-day", sd.Date.String(), "aria-pressed", strconv.FormatBool(sd.Selected),
			"title", dayLabel(l, sd.Date), "aria-current", pick(sd.Today, "date")},
			text("span", attrs{"class", "strip-name"}, shortDay(l, sd.Date)),
			text("span", attrs{"class", "strip-num"}, strconv.Itoa(sd.Date.Day)),
			text("span", attrs{"class", "strip-dot", "aria-hidden", "true"}, pick(sd.Dot, "•")),
			has,
		), "click", c.pickDay)
	}
	for i, d := range weekDays(v.Week) {
		if d == sel || !c.unpainted {
			days[i] = c.renderDay(r, d, d == sel, nearLive, nearAll)
		}
	}
	// The buttons carry the day they show (pickDay).
	return el("div", attrs{"id", "day-view", "class", "day-view"},
		text("p", attrs{"id", "next-class", "class", "next-class"}, cardText(l, card, v.Today)),
		el("nav", attrs{"class", "day-nav", "aria-label", l.T(i18n.ViewDay)},
			on(chevron("button", attrs{"id", "prev-day", "type", "button", "data-day", sel.AddDays(-1).String()},
				"chevron chevron-left", l.T(i18n.ViewPrevDay)), "click", c.pickDay),
			text("h2", attrs{"id", "day-title", "class", "day-title", "aria-live", "polite"}, dayLabel(l, sel)),
			on(text("button", attrs{"id", "day-today", "type", "button", "class", "button button-quiet today-button",
				"data-day", v.Today.String(), "disabled", when(sel == v.Today)}, l.T(i18n.ViewToday)), "click", c.pickDay),
			on(chevron("button", attrs{"id", "next-day", "type", "button", "data-day", sel.AddDays(1).String()},
				"chevron chevron-right", l.T(i18n.ViewNextDay)), "click", c.pickDay),
		),
		el("div", attrs{"class", "week-strip", "role", "group", "aria-label", l.T(i18n.ViewStrip)}, buttons[:]...),
		el("div", attrs{"class", "days"}, days[:]...),
	)
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
	var nowLine, none, list app.UI
	if isToday {
		nowLine = el("li", attrs{"id", "now-line", "class", "now-line", "aria-hidden", "true"},
			text("span", attrs{"class", "now-label"}, clock(c.now.In(zoneOf(events, c.now)))))
	}
	if open.Empty {
		msg := l.T(i18n.WeekNoClasses)
		if isToday {
			msg = l.T(i18n.ViewNoClassesToday)
		}
		var next app.UI
		if open.HasNext {
			next = on(text("button", attrs{"type", "button", "class", "button button-quiet go-next", "data-day", open.Next.String()},
				l.F(i18n.ViewNextClassesOn, dayLabel(l, open.Next))), "click", c.pickDay)
		}
		none = el("div", attrs{"class", "no-classes-day"}, text("p", attrs{"class", "no-classes"}, msg), next)
	}
	if len(events) > 0 || isToday {
		// Today's now line goes before the first class starting after
		// now, else last (nowLine is nil once placed).
		items := make([]app.UI, 0, len(events)+1)
		for _, e := range events {
			if nowLine != nil && !e.AllDay && e.Start.After(c.now) {
				items, nowLine = append(items, nowLine), nil
			}
			items = append(items, el("li", nil, r.class(e, d, nil)))
		}
		list = el("ul", attrs{"class", "events"}, append(items, nowLine)...)
	}
	return el("section", attrs{"class", "day" + pick(isToday, " today"), "data-date", d.String(),
		"aria-label", dayLabel(l, d), "hidden", when(!shown), "aria-current", pick(isToday, "date")},
		none, list)
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
	span := float64(w.LastHour - w.FirstHour)
	body := make([]app.UI, 0, 2+2*len(w.Days))
	body = append(body, el("div", attrs{"class", "grid-corner", "aria-hidden", "true"}))
	for _, col := range w.Days {
		var badge, allDay app.UI
		if col.Today {
			badge = text("span", attrs{"class", "today-badge"}, l.T(i18n.WeekToday))
		}
		if len(col.AllDay) > 0 {
			items := make([]app.UI, len(col.AllDay))
			for j, e := range col.AllDay {
				items[j] = el("li", nil, r.class(e, col.Date, nil))
			}
			allDay = el("ul", attrs{"class", "events grid-allday"}, items...)
		}
		body = append(body, el("div", attrs{"class", "grid-head" + pick(col.Today, " today")},
			text("span", attrs{"class", "day-name"}, dayName(l, col.Date)),
			text("span", attrs{"class", "day-date"}, dayShortDate(l, col.Date)),
			badge, allDay))
	}
	var hours []app.UI
	for h := w.FirstHour; h < w.LastHour; h++ {
		hours = append(hours, text("span", attrs{"class", "grid-hour", "data-top", pct(float64(h-w.FirstHour) / span)},
			twoDigits(h)+":00"))
	}
	body = append(body, el("div", attrs{"class", "grid-hours", "aria-hidden", "true"}, hours...))
	for i, col := range w.Days {
		blocks := make([]app.UI, len(col.Blocks), len(col.Blocks)+1)
		for j := range col.Blocks {
			blocks[j] = r.class(col.Blocks[j].Event, col.Date, &col.Blocks[j])
		}
		if nowOK && nowDay == i {
			blocks = append(blocks, el("div", attrs{"id", "now-line", "class", "now-line", "aria-hidden", "true", "data-top", pct(nowTop)}))
		}
		body = append(body, el("section", attrs{"class", "day grid-day" + pick(col.Today, " today"), "data-date", col.Date.String(),
			"aria-label", dayLabel(l, col.Date), "aria-current", pick(col.Today, "date")}, blocks...))
	}
	return el("div", attrs{"id", "week-grid", "class", "grid grid-cols-" + strconv.Itoa(len(w.Days)),
		"role", "region", "aria-label", l.T(i18n.ViewWeekGrid), "data-hours", strconv.Itoa(w.LastHour - w.FirstHour)},
		body...)
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
	var markP, link, hideAll, hideGroup app.UI
	if mark != "" {
		markP = text("p", attrs{"class", "details-mark"}, mark)
	}
	if isWebURL(e.URL) {
		link = el("p", nil, text("a", attrs{"id", "details-link", "class", "event-link", "href", e.URL,
			"target", "_blank", "rel", "noopener noreferrer"}, l.T(i18n.DetailsCoursePage)))
	}
	if c.Model != nil && !e.AllDay {
		hideAll = button("hide-all", "button button-quiet", l.T(i18n.HideAllGroups), "", c.hide(false))
		if e.Group != "" {
			hideGroup = button("hide-group", "button button-quiet", l.F(i18n.HideGroup, e.Group), "", c.hide(true))
		}
	}
	return on(el("dialog", attrs{"id", "details", "class", "details", "aria-labelledby", "details-title"},
		el("div", attrs{"class", "details-head course-" + strconv.Itoa(palette.For(palette.Key(e)).Index)},
			el("span", attrs{"class", "details-swatch", "title", l.T(i18n.DetailsColour), "aria-hidden", "true"}),
			text("h2", attrs{"id", "details-title", "class", "details-title"}, e.Title),
		),
		markP,
		el("dl", attrs{"class", "details-list"},
			detailsRow(l.T(i18n.DetailsWhen), dayName(l, d)+" "+l.Date(d)+", "+timeRange(l, e)),
			detailsRow(l.T(i18n.DetailsType), eventKind(l, e)),
			detailsRow(l.T(i18n.DetailsGroup), e.Group),
			detailsRow(l.T(i18n.DetailsWhere), eventPlace(e)),
			detailsRow(l.T(i18n.DetailsLecturers), strings.Join(nonEmpty(e.Lecturers), ", ")),
			detailsRow(l.T(i18n.DetailsNotes), e.Notes),
		),
		link,
		el("div", attrs{"class", "details-actions"},
			hideAll, hideGroup,
			button("details-close", "button button-primary", l.T(i18n.DetailsClose), "", c.closeDetails),
		),
	), "close", c.detailsClosed)
}

// detailsRow is a term and its description in the details' list, or an
// empty text when value is blank.
func detailsRow(label, value string) app.UI {
	if strings.TrimSpace(value) == "" {
		return app.Text("")
	}
	return el("div", attrs{"class", "details-row"}, text("dt", nil, label), text("dd", nil, value))
}

// renderSettings holds the theme switch and the list of hidden classes.
func (c *timeViews) renderSettings() app.UI {
	l := c.Lang
	var hidden []shared.Hide
	var all []shared.Event
	if cache := c.View.Cache; cache != nil {
		hidden, all = cache.Hidden, cache.Events
	}
	themes := [...]struct {
		value string
		key   i18n.Key
	}{{themeSystem, i18n.ThemeSystem}, {themeLight, i18n.ThemeLight}, {themeDark, i18n.ThemeDark}}
	var options [len(themes)]app.UI
	for i, t := range themes {
		options[i] = text("option", attrs{"value", t.value, "selected", when(t.value == c.theme)}, l.T(t.key))
	}
	var list app.UI
	if len(hidden) == 0 {
		list = text("p", attrs{"class", "hidden-none"}, l.T(i18n.HiddenNone))
	} else {
		items := make([]app.UI, len(hidden))
		for i, h := range hidden {
			name := hideText(l, h, all)
			items[i] = el("li", nil,
				text("span", attrs{"class", "hidden-name"}, name),
				on(text("button", attrs{"type", "button", "class", "button button-quiet button-small unhide",
					"data-hide", h.String(), "aria-label", l.T(i18n.HiddenShow) + ": " + name},
					l.T(i18n.HiddenShow)), "click", c.unhide),
			)
		}
		list = el("ul", attrs{"id", "hidden-list", "class", "hidden-list"}, items...)
	}
	return el("details", attrs{"id", "settings", "class", "settings panel"},
		text("summary", attrs{"class", "settings-summary"}, l.T(i18n.SettingsTitle)),
		el("div", attrs{"class", "settings-row"},
			text("label", attrs{"for", "theme-switch"}, l.T(i18n.ThemeLabel)),
			on(el("select", attrs{"id", "theme-switch", "class", "lang-select"}, options[:]...), "change", c.pickTheme),
		),
		text("h3", attrs{"class", "settings-heading"}, l.T(i18n.HiddenTitle)),
		list,
	)
}
