package ui

import (
	"net/url"
	"strconv"
	"time"

	"github.com/campusweek/campusweek/app/public"
	"github.com/campusweek/campusweek/app/startup"
	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The public timetables of a university (rooms, courses, lecturers), for
// visitors signed in or not: the search (/public), a timetable's week
// (/public/week) and a building's free rooms (/public/free-rooms). What
// they show is in the address, so reload, Back and links work; the logic
// is app/public's.

// publicProviders are the universities of ps that publish public
// timetables.
func publicProviders(ps []shared.Provider) []shared.Provider {
	var out []shared.Provider
	for _, p := range ps {
		if p.Capabilities.PublicTimetables {
			out = append(out, p)
		}
	}
	return out
}

// publicURL is the address of a public page with the query q.
func publicURL(route string, q interface{ Encode() string }) string {
	if s := q.Encode(); s != "" {
		return route + "?" + s
	}
	return route
}

// kindName is "Room", "Course" or "Lecturer" in l.
func kindName(l i18n.Lang, k shared.PublicKind) string {
	switch k {
	case shared.PublicCourse:
		return l.T(i18n.PublicKindCourse)
	case shared.PublicLecturer:
		return l.T(i18n.PublicKindLecturer)
	}
	return l.T(i18n.PublicKindRoom)
}

// durationText is a free-room span in l: "30 min", "1 h", "1 h 30 min".
func durationText(l i18n.Lang, d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return l.F(i18n.DurationMinutes, strconv.Itoa(m))
	case m == 0:
		return l.F(i18n.DurationHours, strconv.Itoa(h))
	}
	return l.F(i18n.DurationHoursMinutes, strconv.Itoa(h), strconv.Itoa(m))
}

// publicErrorMessage is errorMessage for public reads, where "not found"
// is a timetable the university no longer knows.
func publicErrorMessage(l i18n.Lang, err error) string {
	if shared.CodeOf(err) == shared.CodeNotFound {
		return l.T(i18n.PublicNotFound)
	}
	return errorMessage(l, err)
}

// publicHeader is the header of the public pages: the brand, a way back to
// the student's own week (or to signing in, when nobody signed in on this
// device) and the language switch.
func publicHeader(l i18n.Lang, signedIn bool) app.UI {
	label, href := l.T(i18n.SignInButton), routeSignIn
	if signedIn {
		label, href = l.T(i18n.PublicMyWeek), routeWeek
	}
	return el("header", attrs{"class", "app-header"},
		el("div", attrs{"class", "app-header-inner"},
			brand(),
			langSwitch(l),
			text("a", attrs{"id", "public-home", "class", "button button-quiet", "href", href}, label),
		),
	)
}

// rememberedAccount reports whether a student signed in on this device.
func rememberedAccount(ctx app.Context) bool {
	if !app.IsClient {
		return false
	}
	var a timetable.Account
	return deviceStorage{}.Get(timetable.AccountKey, &a) == nil && a.UserID != ""
}

// publicSearch is /public: choose a university and a kind, type a query,
// see the matches; the timetables pinned on this device above.
type publicSearch struct {
	app.Compo

	lang      i18n.Lang
	signedIn  bool
	providers []shared.Provider // those with public timetables
	loaded    bool
	loadErr   error

	form    public.Search // what the form holds
	shown   public.Search // what the results are for
	results []shared.PublicMatch
	busy    bool
	err     error
	seq     int // the search whose answer counts

	pins   []public.Pin
	pinErr error
	owner
}

// OnInit, in a browser, takes the page's language, the universities the
// server prerendered the page with, and the search the address holds, so
// that go-app's first render of the screen is that page: with them taken
// in OnNav, which runs after the mount, it said "Loading…" until the
// backend had answered.
func (c *publicSearch) OnInit() {
	initLang(&c.lang)
	if !app.IsClient {
		return
	}
	if ps, ok := takeStartedProviders(); ok {
		c.providers, c.loaded = publicProviders(ps), true
	}
	c.fromAddress(app.Window().URL().Query())
}

// fromAddress takes the search the address holds (for a university with
// public timetables) and the timetables pinned on this device.
func (c *publicSearch) fromAddress(q url.Values) {
	c.pins = public.Pins(deviceStorage{})
	c.form = public.ParseSearch(q)
	c.pickProvider()
}

func (c *publicSearch) OnMount(ctx app.Context) {
	startup.Turn() // as signIn's
	c.own(ctx)
	followLang(ctx, &c.lang, func() { c.setTitle(ctx) })
	c.signedIn = rememberedAccount(ctx)
}

func (c *publicSearch) setTitle(ctx app.Context) {
	ctx.Page().SetTitle(c.lang.T(i18n.PublicTitle) + " · " + appName)
}

func (c *publicSearch) OnNav(ctx app.Context) {
	c.lang = pageLang(ctx)
	c.setTitle(ctx)
	if !app.IsClient {
		// Prerendering: the universities the server knows, no query echo.
		if p := prerender.Load(); p != nil {
			c.providers, c.loaded = publicProviders(p.Providers), true
		}
		c.form = public.Search{Kind: shared.PublicRoom}
		c.pickProvider()
		return
	}
	c.fromAddress(ctx.Page().URL().Query())
	if !c.loaded {
		c.load(ctx)
		return
	}
	c.searchForm(ctx)
}

// pickProvider makes the form name a university that has public
// timetables, the first when it names none of them.
func (c *publicSearch) pickProvider() {
	for _, p := range c.providers {
		if p.ID == c.form.Provider {
			return
		}
	}
	c.form.Provider = ""
	if len(c.providers) > 0 {
		c.form.Provider = c.providers[0].ID
	}
}

func (c *publicSearch) load(ctx app.Context) {
	c.loadErr = nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		ps, err := api().Providers(cctx)
		c.dispatch(ctx, func(ctx app.Context) {
			c.loadErr = err
			if err != nil {
				return
			}
			c.providers, c.loaded = publicProviders(ps), true
			c.form = public.ParseSearch(ctx.Page().URL().Query())
			c.pickProvider()
			c.searchForm(ctx)
		})
	})
}

// searchForm runs the search the form holds, unless its results show.
func (c *publicSearch) searchForm(ctx app.Context) {
	s := c.form
	if s.Query == "" || s.Provider == "" || (s == c.shown && c.err == nil && !c.busy) {
		return
	}
	c.seq++
	seq := c.seq
	c.shown, c.busy, c.err, c.results = s, true, nil, nil
	ctx.Async(func() {
		cctx, cancel := callCtx(ctx)
		defer cancel()
		res, err := api().PublicSearch(cctx, s.Provider, s.Kind, s.Query)
		c.dispatch(ctx, func(ctx app.Context) {
			if seq != c.seq {
				return
			}
			c.busy, c.err, c.results = false, err, res.Matches
		})
	})
}

// submit puts the search in the address, which runs it (OnNav), or runs
// it again when the address stays the same.
func (c *publicSearch) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	c.form.Query = public.CleanQuery(c.form.Query)
	if c.form.Query == "" {
		return
	}
	u := publicURL(routePublic, c.form.Values())
	if u == ctx.Page().URL().RequestURI() {
		c.shown = public.Search{}
		c.searchForm(ctx)
		return
	}
	ctx.Navigate(u)
}

func (c *publicSearch) pickKind(ctx app.Context, e app.Event) {
	if k := shared.PublicKind(ctx.JSSrc().Get("value").String()); k.Valid() {
		c.form.Kind = k
	}
}

// unpin removes the pin whose button was pressed (its data-index; go-app
// keeps the first handler of a button, so a closure would go stale).
func (c *publicSearch) unpin(ctx app.Context, e app.Event) {
	i, err := strconv.Atoi(ctx.JSSrc().Get("dataset").Get("index").String())
	if err != nil || i < 0 || i >= len(c.pins) {
		return
	}
	c.pinErr = public.Remove(deviceStorage{}, c.pins[i].Ref)
	c.pins = public.Pins(deviceStorage{})
}

func (c *publicSearch) Render() app.UI {
	l := c.lang
	return cardPage("page page-public", publicHeader(l, c.signedIn),
		"card public-card", "public-title", l.T(i18n.PublicTitle), l.T(i18n.PublicLead),
		c.renderPins(),
		c.renderBody(),
	)
}

// cardPage is a page of the class page: header, then in the main content a
// card section of the class card, titled by its h1 whose id is titleID, the
// title then the lead paragraph lead, then body.
func cardPage(page string, header app.UI, card, titleID, title, lead string, body ...app.UI) app.UI {
	return el("div", attrs{"class", page},
		header,
		el("main", attrs{"class", "content"},
			el("section", attrs{"class", card, "aria-labelledby", titleID},
				append([]app.UI{
					text("h1", attrs{"id", titleID}, title),
					text("p", attrs{"class", "lead"}, lead),
				}, body...)...,
			),
		),
	)
}

func (c *publicSearch) renderPins() app.UI {
	l := c.lang
	if len(c.pins) == 0 && c.pinErr == nil {
		return nil
	}
	var failed app.UI
	if c.pinErr != nil {
		failed = errorBox(l.T(i18n.ErrGeneric))
	}
	items := make([]app.UI, len(c.pins))
	for i, p := range c.pins {
		items[i] = publicItem(p, p.Label(), kindName(l, p.Kind),
			on(text("button", attrs{"type", "button", "class", "link-button unpin",
				"data-index", strconv.Itoa(i),
				"aria-label", l.F(i18n.PublicUnpinName, p.Label())}, l.T(i18n.PublicUnpin)), "click", c.unpin),
		)
	}
	return el("section", attrs{"id", "pinned", "class", "pinned", "aria-labelledby", "pinned-title"},
		text("h2", attrs{"id", "pinned-title"}, l.T(i18n.PublicPinned)),
		failed,
		el("ul", attrs{"class", "public-list"}, items...),
	)
}

// publicItem is an entry of a list of timetables: a link to p's week
// showing name and, unless "", note, then action, if not nil.
func publicItem(p public.Pin, name, note string, action app.UI) app.UI {
	var noted app.UI
	if note != "" {
		noted = text("span", attrs{"class", "public-kind"}, note)
	}
	return el("li", attrs{"class", "public-item"},
		el("a", attrs{"class", "public-match", "href", publicURL(routePublicWeek, p.Query(shared.Date{}))},
			text("span", attrs{"class", "public-name"}, name),
			noted,
		),
		action,
	)
}

func (c *publicSearch) renderBody() app.UI {
	l := c.lang
	switch {
	case c.loadErr != nil:
		return errBox(l, c.loadErr,
			retryButton(l, "button button-primary", func(ctx app.Context, e app.Event) { c.load(ctx) }))
	case !c.loaded:
		return loading(l.T(i18n.SignInLoading))
	case len(c.providers) == 0:
		return text("p", attrs{"id", "public-none", "class", "notice"}, l.T(i18n.PublicNoProviders))
	}
	return el("div", attrs{"class", "public-body"},
		c.renderForm(),
		c.renderResults(),
	)
}

func (c *publicSearch) renderForm() app.UI {
	l := c.lang
	providers := make([]app.UI, len(c.providers))
	for i, p := range c.providers {
		providers[i] = text("option", attrs{"value", p.ID, "selected", when(p.ID == c.form.Provider)}, p.Name)
	}
	kinds := make([]app.UI, len(shared.PublicKinds))
	for i, k := range shared.PublicKinds {
		kinds[i] = text("option", attrs{"value", string(k), "selected", when(k == c.form.Kind)}, kindName(l, k))
	}
	return on(el("form", attrs{"id", "public-search", "class", "public-form", "role", "search", startup.ProvidersAttr, encodeProviders(c.providers)},
		searchField("field", "public-provider", l.T(i18n.PublicUniversity),
			on(el("select", attrs{"id", "public-provider", "class", "select"}, providers...), "change", valueTo(&c.form.Provider))),
		searchField("field", "public-kind", l.T(i18n.PublicKindLabel),
			on(el("select", attrs{"id", "public-kind", "class", "select"}, kinds...), "change", c.pickKind)),
		searchField("field field-query", "public-q", l.T(i18n.PublicQuery),
			on(void("input", attrs{"id", "public-q", "type", "search", "class", "input", "name", "q",
				"maxlength", strconv.Itoa(shared.MaxPublicQueryLen),
				"autocomplete", "off",
				"required", "true",
				"value", c.form.Query}), "input", valueTo(&c.form.Query))),
		text("button", attrs{"id", "public-submit", "type", "submit", "class", "button button-primary",
			"disabled", when(!app.IsClient)}, l.T(i18n.PublicSearch)),
	), "submit", c.submit)
}

// valueTo is a handler storing the value of the element of the event in
// p (go-app's ValueTo, for a string, without its reflection).
func valueTo(p *string) app.EventHandler {
	return func(ctx app.Context, e app.Event) { *p = ctx.JSSrc().Get("value").String() }
}

// searchField is a field of the public search of the class class: the
// label for the control whose id is id, then the control.
func searchField(class, id, label string, control app.UI) app.UI {
	return el("div", attrs{"class", class}, text("label", attrs{"for", id}, label), control)
}

func (c *publicSearch) renderResults() app.UI {
	l := c.lang
	switch {
	case c.busy:
		return loading(l.T(i18n.PublicSearching))
	case c.err != nil:
		return errBox(l, c.err)
	case c.shown.Query == "":
		return nil
	}
	s := c.shown
	var status string
	if len(c.results) == 0 {
		status = l.F(i18n.PublicNoMatches, s.Query)
	} else {
		status = l.N(i18n.PublicMatches, len(c.results))
	}
	items := make([]app.UI, len(c.results))
	for i, m := range c.results {
		p := public.PinOf(s.Provider, m)
		var free app.UI
		if p.Kind == shared.PublicRoom && p.BuildingID != "" {
			b := public.Building{Provider: p.Provider, ID: p.BuildingID, Name: p.Building}
			free = text("a", attrs{"class", "link-button free-rooms-link",
				"href", publicURL(routeFreeRooms, b.Query(public.DefaultSpan))}, l.T(i18n.FreeRoomsLink))
		}
		items[i] = publicItem(p, p.Name, pick(p.Building != p.Name, p.Building), free)
	}
	return el("section", attrs{"id", "public-results", "class", "public-results", "aria-labelledby", "public-results-title"},
		text("h2", attrs{"id", "public-results-title"}, l.T(i18n.PublicResults)),
		text("p", attrs{"class", "hint", "role", "status"}, status),
		el("ul", attrs{"class", "public-list"}, items...),
	)
}
