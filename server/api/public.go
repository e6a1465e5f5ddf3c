package api

import (
	"cmp"
	"container/list"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/singleflight"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// Public timetables: rooms', courses' and lecturers' timetables and free
// rooms, for anyone, signed in or not. The handlers never read a session
// cookie and never use a student's access: they call the providers'
// public reads (provider.PublicTimetables), whose answers are the same for
// everybody and are cached here.

// Limits of the public routes.
const (
	// publicCacheEntries bounds the public cache: a room list, a search or
	// one week of one timetable each.
	publicCacheEntries = 4096
	// publicParallel bounds the weeks or rooms one request reads at once;
	// the university's own concurrency cap holds for all of them together.
	publicParallel = 4
	// maxPublicSpan bounds a free-room question's "for".
	maxPublicSpan = 12 * time.Hour
	// defaultPublicSpan is a free-room question's "for" when none is given:
	// one class.
	defaultPublicSpan = 90 * time.Minute
	// freeRoomsCost is what a free-room question is charged, in weeks read:
	// it reads one week of each of up to shared.MaxFreeRoomsChecked rooms,
	// most of them cached after the first question about the building.
	freeRoomsCost = 10
)

// DefaultPublicRateLimit bounds the public reads that reach each
// university, all clients together, in reads (a week of a timetable, a
// search, the room list); it is used when Options.PublicRateLimit is zero.
// Reads the cache answers cost nothing, so this only holds back visitors
// (at many addresses) asking for ever new timetables under the operator's
// key: a lecture hall looking up the same rooms stays far below it.
var DefaultPublicRateLimit = RateLimit{PerSecond: 10, Burst: 600}

// publicRoutes are the routes of the public timetables.
func (s *Server) publicRoutes() []route {
	return []route{
		{pattern: "GET /api/public/{provider}/search", handler: s.publicLimited(func(*http.Request) int { return 1 }, s.handlePublicSearch)},
		{pattern: "GET /api/public/{provider}/timetable", handler: s.publicLimited(s.publicRangeWeeks, s.handlePublicTimetable)},
		{pattern: "GET /api/public/{provider}/free-rooms", handler: s.publicLimited(func(*http.Request) int { return freeRoomsCost }, s.handleFreeRooms)},
	}
}

// publicLimited charges a public read to its client address by what it
// may cost the university, in weeks read, as timetable reads are charged.
// It reads no session: public reads are the same whoever asks.
func (s *Server) publicLimited(cost func(*http.Request) int, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if wait, _ := take(s.now(), cost(r), charge{s.clientReads, s.clientKey(r)}); wait > 0 {
			retryAfter(w, wait)
			s.writeError(w, r, newError(http.StatusTooManyRequests, shared.CodeRateLimited,
				"Too many timetable requests. Wait a moment and try again."))
			return
		}
		next(w, r)
	}
}

// publicRangeWeeks is the cost of a public timetable request: the weeks
// it touches (refused ranges cost one).
func (s *Server) publicRangeWeeks(r *http.Request) int {
	from, to, err := parseRange(r, s.now(), 1)
	if err != nil {
		return 1
	}
	return len(weeksOf(from, to))
}

// charged is load, charged first to p's public reads (see
// DefaultPublicRateLimit): only loads the cache could not spare reach the
// university, and each is refused with 429 when p's bucket is empty.
func (s *Server) charged(p provider.Provider, load func(context.Context) (any, error)) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		if wait, _ := take(s.now(), 1, charge{s.publicReads, p.Info().ID}); wait > 0 {
			return nil, &publicBusy{wait: wait, name: p.Info().Name}
		}
		return load(ctx)
	}
}

// publicBusy is a public read refused by the university's public bucket.
type publicBusy struct {
	wait time.Duration
	name string
}

func (e *publicBusy) Error() string { return "public reads of " + e.name + " are rate-limited" }

// publicProvider finds the route's provider and its public reads.
func (s *Server) publicProvider(r *http.Request) (provider.Provider, provider.PublicTimetables, *apiError) {
	p, ok := s.providers[r.PathValue("provider")]
	if !ok {
		return nil, nil, newError(http.StatusNotFound, shared.CodeNotFound, "No such university.")
	}
	pt, ok := p.(provider.PublicTimetables)
	if !ok || !p.Info().Capabilities.PublicTimetables {
		return nil, nil, newError(http.StatusConflict, shared.CodeUnsupported,
			p.Info().Name+" does not publish rooms', courses' or lecturers' timetables to CampusWeek.")
	}
	return p, pt, nil
}

// publicError maps the error of a public read: an unknown id is 404; the
// university refusing the operator's key (401) is the university's or
// the configuration's fault, never the visitor's, so 502.
func publicError(err error) error {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, provider.ErrNoSuchTimetable):
		return newError(http.StatusNotFound, shared.CodeNotFound, "The university knows no such room, course or lecturer.")
	case errors.Is(err, provider.ErrSignedOut):
		return &apiError{status: http.StatusBadGateway, cause: err,
			body: shared.Error{Code: shared.CodeUpstream, Message: "The university's system refused CampusWeek's request. Try again later."}}
	case errors.Is(err, errors.ErrUnsupported):
		return &apiError{status: http.StatusConflict, cause: err,
			body: shared.Error{Code: shared.CodeUnsupported, Message: "The university does not offer this kind of timetable."}}
	}
	e := *providerError(err)
	e.cause = err
	return &e
}

// writePublicError answers with the error of a public read.
func (s *Server) writePublicError(w http.ResponseWriter, r *http.Request, err error) {
	var busy *publicBusy
	if errors.As(err, &busy) {
		retryAfter(w, busy.wait)
		s.writeError(w, r, &apiError{status: http.StatusTooManyRequests, cause: err, body: shared.Error{Code: shared.CodeRateLimited,
			Message: "Many timetables of " + busy.name + " are being looked up right now. Wait a moment and try again."}})
		return
	}
	s.writeError(w, r, publicError(err))
}

// publicKind reads the "type" parameter.
func publicKind(r *http.Request) (shared.PublicKind, *apiError) {
	k := shared.PublicKind(r.URL.Query().Get("type"))
	if !k.Valid() {
		return "", badRequest("type must be room, course or lecturer.")
	}
	return k, nil
}

// textParam reads a required query parameter of 1 to
// shared.MaxPublicQueryLen bytes of printable text.
func textParam(r *http.Request, name string) (string, *apiError) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" || len(v) > shared.MaxPublicQueryLen || strings.ContainsFunc(v, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		return "", badRequest(name + " must be 1 to " + strconv.Itoa(shared.MaxPublicQueryLen) + " characters of text.")
	}
	return v, nil
}

// publicLanguages are the languages public reads are made in: the
// visitor's first of them, else English. Every language is a cache entry
// of its own and a new read at the university, so a visitor may not pick
// any number of them.
var publicLanguages = []string{"en", "pl", "nl"}

// publicContext is the request's context with the language of its reads.
func publicContext(r *http.Request) context.Context {
	lang := publicLanguages[0]
	for _, l := range acceptLanguages(r.Header.Get("Accept-Language")) {
		if slices.Contains(publicLanguages, l) {
			lang = l
			break
		}
	}
	return provider.WithLanguages(r.Context(), lang)
}

// cacheKey joins the parts of a cache key; the languages are always part
// of it, since names are translated.
func cacheKey(ctx context.Context, parts ...string) string {
	return strings.Join(append(parts, strings.Join(provider.Languages(ctx), ",")), "\x00")
}

// rooms is the provider's room list, cached.
func (s *Server) rooms(ctx context.Context, p provider.Provider, pt provider.PublicTimetables) ([]shared.PublicMatch, time.Time, error) {
	v, at, err := s.public.get(ctx, cacheKey(ctx, "rooms", p.Info().ID), s.opts.TimetableBudget, s.charged(p, func(ctx context.Context) (any, error) {
		return pt.Rooms(ctx)
	}))
	rooms, _ := v.([]shared.PublicMatch)
	return rooms, at, err
}

func (s *Server) handlePublicSearch(w http.ResponseWriter, r *http.Request) {
	p, pt, aerr := s.publicProvider(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	kind, aerr := publicKind(r)
	if aerr == nil {
		_, aerr = textParam(r, "q")
	}
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	q := r.URL.Query().Get("q")
	ctx := publicContext(r)
	var matches []shared.PublicMatch
	var fetched time.Time
	var err error
	if kind == shared.PublicRoom {
		var rooms []shared.PublicMatch
		rooms, fetched, err = s.rooms(ctx, p, pt)
		matches = matchRooms(rooms, q)
	} else {
		var v any
		key := cacheKey(ctx, "search", p.Info().ID, string(kind), strings.ToLower(strings.TrimSpace(q)))
		v, fetched, err = s.public.get(ctx, key, s.opts.TimetableBudget, s.charged(p, func(ctx context.Context) (any, error) {
			return pt.PublicSearch(ctx, kind, strings.TrimSpace(q))
		}))
		matches, _ = v.([]shared.PublicMatch)
	}
	if err != nil {
		s.writePublicError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, shared.PublicSearch{Provider: p.Info().ID, Type: kind, Query: q,
		FetchedAt: fetched.UTC(), Matches: nonNil(matches)})
}

// maxRoomMatches bounds the rooms a search answers with.
const maxRoomMatches = 50

// matchRooms are the rooms whose number, or building and number, contain
// every word of q, ignoring case.
func matchRooms(rooms []shared.PublicMatch, q string) []shared.PublicMatch {
	words := strings.Fields(strings.ToLower(q))
	var out []shared.PublicMatch
	for _, m := range rooms {
		text := strings.ToLower(m.Name + " " + m.Building + " " + m.BuildingID)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(text, w) }) {
			out = append(out, m)
			if len(out) == maxRoomMatches {
				break
			}
		}
	}
	return out
}

func (s *Server) handlePublicTimetable(w http.ResponseWriter, r *http.Request) {
	p, pt, aerr := s.publicProvider(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	kind, aerr := publicKind(r)
	var id string
	if aerr == nil {
		id, aerr = textParam(r, "id")
	}
	var from, to shared.Date
	if aerr == nil {
		from, to, aerr = parseRange(r, s.now(), 1)
	}
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	ctx, cancel := context.WithTimeout(publicContext(r), s.opts.TimetableBudget)
	defer cancel()
	events, fetched, err := s.publicEvents(ctx, p, pt, kind, id, from, to)
	if err != nil {
		s.writePublicError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, shared.PublicTimetable{Provider: p.Info().ID, Type: kind, ID: id,
		From: from, To: to, FetchedAt: fetched.UTC(), Events: events})
}

// weeksOf cuts [from, to] into the Monday-to-Sunday weeks that hold it, by
// their Mondays: public timetables are read and cached by the week, so a
// week read for one request serves every other that touches it.
func weeksOf(from, to shared.Date) []shared.Date {
	var out []shared.Date
	for m := from.Monday(); !m.After(to); m = m.AddDays(7) {
		out = append(out, m)
	}
	return out
}

// publicEvents reads the events of a public timetable in [from, to], week
// by week through the cache, and says when the oldest week was read.
func (s *Server) publicEvents(ctx context.Context, p provider.Provider, pt provider.PublicTimetables, kind shared.PublicKind, id string, from, to shared.Date) ([]shared.Event, time.Time, error) {
	weeks := weeksOf(from, to)
	parts := make([][]shared.Event, len(weeks))
	times := make([]time.Time, len(weeks))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(publicParallel)
	for i, monday := range weeks {
		g.Go(func() error {
			key := cacheKey(gctx, "week", p.Info().ID, string(kind), id, monday.String())
			v, at, err := s.public.get(gctx, key, s.opts.TimetableBudget, s.charged(p, func(ctx context.Context) (any, error) {
				return pt.PublicTimetable(ctx, kind, id, monday, monday.AddDays(6))
			}))
			parts[i], _ = v.([]shared.Event)
			times[i] = at
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, time.Time{}, err
	}
	var events []shared.Event
	for _, part := range parts {
		for _, ev := range part {
			if d := shared.DateOf(ev.Start); !d.Before(from) && !d.After(to) {
				events = append(events, ev)
			}
		}
	}
	return nonNil(events), slices.MinFunc(times, time.Time.Compare), nil
}

// nonNil is s, or an empty slice for nil: JSON lists are [] when empty.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) handleFreeRooms(w http.ResponseWriter, r *http.Request) {
	p, pt, aerr := s.publicProvider(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	building, aerr := textParam(r, "building")
	var at time.Time
	span := defaultPublicSpan
	if aerr == nil {
		at, span, aerr = s.parseSpan(r)
	}
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	until := at.Add(span)
	ctx, cancel := context.WithTimeout(publicContext(r), s.opts.TimetableBudget)
	defer cancel()
	all, fetched, err := s.rooms(ctx, p, pt)
	if err != nil {
		s.writePublicError(w, r, err)
		return
	}
	var rooms []shared.PublicMatch
	for _, m := range all {
		if m.BuildingID == building {
			rooms = append(rooms, m)
		}
	}
	switch n := len(rooms); {
	case n == 0:
		s.writeError(w, r, newError(http.StatusNotFound, shared.CodeNotFound, "The university knows no building "+strconv.Quote(building)+" with rooms."))
		return
	case n > shared.MaxFreeRoomsChecked:
		s.writeError(w, r, newError(http.StatusConflict, shared.CodeUnsupported, "This building has "+strconv.Itoa(n)+
			" rooms; CampusWeek checks at most "+strconv.Itoa(shared.MaxFreeRoomsChecked)+" at once. Look up single rooms instead."))
		return
	}

	// A day either side: at may be written in another zone than the
	// university's, whose local dates the events are read by.
	from, to := shared.DateOf(at).AddDays(-1), shared.DateOf(until).AddDays(1)
	free := make([]*shared.FreeRoom, len(rooms))
	times := make([]time.Time, len(rooms))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(publicParallel)
	for i, room := range rooms {
		g.Go(func() error {
			events, read, err := s.publicEvents(gctx, p, pt, shared.PublicRoom, room.ID, from, to)
			if err != nil {
				return err
			}
			times[i] = read
			free[i] = freeRoom(room, events, at, until)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		s.writePublicError(w, r, err)
		return
	}
	out := shared.FreeRooms{Provider: p.Info().ID, Building: building, From: at, Until: until,
		FetchedAt: slices.MinFunc(append(times, fetched), time.Time.Compare).UTC(), Checked: len(rooms), Rooms: []shared.FreeRoom{}}
	for _, f := range free {
		if f != nil {
			out.Rooms = append(out.Rooms, *f)
		}
	}
	slices.SortFunc(out.Rooms, func(a, b shared.FreeRoom) int { return cmp.Compare(a.Name, b.Name) })
	writeJSON(w, http.StatusOK, out)
}

// freeRoom is room as a free room of [at, until), or nil when one of its
// events overlaps that span. BusyFrom is its next event that starts on
// until's local day.
func freeRoom(room shared.PublicMatch, events []shared.Event, at, until time.Time) *shared.FreeRoom {
	f := &shared.FreeRoom{ID: room.ID, Name: room.Name}
	day := shared.DateOf(until)
	for _, ev := range events {
		if ev.Start.Before(until) && ev.End.After(at) {
			return nil
		}
		if !ev.Start.Before(until) && shared.DateOf(ev.Start.In(until.Location())) == day &&
			(f.BusyFrom == nil || ev.Start.Before(*f.BusyFrom)) {
			start := ev.Start
			f.BusyFrom = &start
		}
	}
	return f
}

// parseSpan reads a free-room question's "at" (RFC 3339, default now) and
// "for" (a duration from a minute to maxPublicSpan, default
// defaultPublicSpan).
func (s *Server) parseSpan(r *http.Request) (time.Time, time.Duration, *apiError) {
	q := r.URL.Query()
	at := s.now()
	if v := q.Get("at"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || !shared.DateOf(t).Supported() {
			return at, 0, badRequest("at must be an RFC 3339 time with an offset, e.g. 2026-11-23T10:00:00+01:00.")
		}
		at = t
	}
	span := defaultPublicSpan
	if v := q.Get("for"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > maxPublicSpan {
			return at, 0, badRequest("for must be a duration from 1m to 12h, e.g. 90m.")
		}
		span = d
	}
	return at, span, nil
}

// publicCache holds public reads for shared.PublicCacheLifetime: at most
// max entries, the least recently used going first when it is full. Loads
// of the same key that overlap make one call; failures are not kept.
type publicCache struct {
	max int
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // of *cacheEntry
	lru     *list.List               // most recently used first
	loads   singleflight.Group
}

type cacheEntry struct {
	key     string
	value   any
	fetched time.Time
}

func newPublicCache(max int, ttl time.Duration, now func() time.Time) *publicCache {
	return &publicCache{max: max, ttl: ttl, now: now, entries: map[string]*list.Element{}, lru: list.New()}
}

// get returns key's value and when it was loaded, loading it with load
// when it is missing or older than the cache's lifetime. The load runs
// under its own time budget, not ctx's, since every caller waiting for it
// shares it; a caller whose ctx ends stops waiting.
func (c *publicCache) get(ctx context.Context, key string, budget time.Duration, load func(context.Context) (any, error)) (any, time.Time, error) {
	if v, at, ok := c.lookup(key); ok {
		return v, at, nil
	}
	ch := c.loads.DoChan(key, func() (any, error) {
		if v, at, ok := c.lookup(key); ok { // loaded while this call waited
			return &cacheEntry{value: v, fetched: at}, nil
		}
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
		defer cancel()
		started := c.now()
		v, err := load(lctx)
		if err != nil {
			return nil, err
		}
		e := &cacheEntry{key: key, value: v, fetched: started}
		c.store(e)
		return e, nil
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, time.Time{}, res.Err
		}
		e := res.Val.(*cacheEntry)
		return e.value, e.fetched, nil
	case <-ctx.Done():
		return nil, time.Time{}, provider.ErrTimeout
	}
}

func (c *publicCache) lookup(key string) (any, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, time.Time{}, false
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.fetched) >= c.ttl {
		c.lru.Remove(el)
		delete(c.entries, key)
		return nil, time.Time{}, false
	}
	c.lru.MoveToFront(el)
	return e.value, e.fetched, true
}

func (c *publicCache) store(e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[e.key]; ok {
		c.lru.Remove(el)
	}
	c.entries[e.key] = c.lru.PushFront(e)
	for c.lru.Len() > c.max {
		old := c.lru.Back()
		c.lru.Remove(old)
		delete(c.entries, old.Value.(*cacheEntry).key)
	}
}
