package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/ical"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/i18n"
)

// MaxRangeDays bounds one timetable request: a long term and a bit.
const MaxRangeDays = 190

// timetableBudget bounds the upstream work of one timetable request, unless
// Options.TimetableBudget lowers it.
const timetableBudget = 30 * time.Second

func (s *Server) handleTimetable(w http.ResponseWriter, r *http.Request) {
	from, to, aerr := parseRange(r, s.now(), 1)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	tt, _, err := s.timetable(w, r, from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tt)
}

// handleTimetableICS serves the same events as an iCalendar download.
func (s *Server) handleTimetableICS(w http.ResponseWriter, r *http.Request) {
	from, to, aerr := parseRange(r, s.now(), shared.ExportWeeks)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	hides, aerr := parseHides(r)
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	tt, st, err := s.timetable(w, r, from, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	tt.Events = shared.WithoutHidden(tt.Events, hides)
	lang := requestLang(r)
	body, err := s.renderICS(tt, st.Provider, lang)
	if err != nil {
		s.writeError(w, r, internalError(err))
		return
	}
	w.Header().Set("Content-Language", lang.String())
	writeICS(w, body, st.Provider, "attachment")
}

// parseHides reads the classes the student hides from r's hide
// parameters (shared.Hide.String each, at most shared.MaxHides).
func parseHides(r *http.Request) ([]shared.Hide, *apiError) {
	return parseHideValues(r.URL.Query()[shared.HideParam])
}

// parseHideValues parses hide values (shared.Hide.String each, at most
// shared.MaxHides).
func parseHideValues(vs []string) ([]shared.Hide, *apiError) {
	if len(vs) > shared.MaxHides {
		return nil, badRequest(fmt.Sprintf("%s: at most %d values.", shared.HideParam, shared.MaxHides))
	}
	var hs []shared.Hide
	for _, v := range vs {
		h, err := shared.ParseHide(v)
		if err != nil {
			return nil, badRequest(err.Error())
		}
		hs = append(hs, h)
	}
	return hs, nil
}

// renderICS renders tt as an iCalendar file in lang.
func (s *Server) renderICS(tt shared.Timetable, providerID string, lang i18n.Lang) ([]byte, error) {
	name := "CampusWeek"
	if p, ok := s.providers[providerID]; ok {
		name = lang.F(i18n.ICSCalendarName, p.Info().Name)
	}
	var b bytes.Buffer
	if err := ical.Write(&b, tt, ical.Options{Name: name, Domain: s.opts.PublicURL.Hostname(), Refresh: feedRefresh, Lang: lang}); err != nil {
		return nil, fmt.Errorf("rendering iCalendar: %w", err)
	}
	return b.Bytes(), nil
}

// writeICS answers with a rendered iCalendar file.
func writeICS(w http.ResponseWriter, body []byte, providerID, disposition string) {
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", disposition+`; filename="campusweek-`+providerID+`.ics"`)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// feedRefresh is how often calendar apps are asked to re-fetch a feed.
const feedRefresh = 6 * time.Hour

// timetable reads the signed-in student's events in [from, to]. It
// re-seals credentials the provider refreshed and drops a session the
// university rejected.
func (s *Server) timetable(w http.ResponseWriter, r *http.Request, from, to shared.Date) (shared.Timetable, sessionState, error) {
	st, p, _, err := s.readSession(r)
	if err != nil {
		s.clearCookie(w, s.cookies.session)
		return shared.Timetable{}, st, errSignedOut
	}
	tt, err := s.readTimetable(r, p, &st, from, to)
	if err != nil {
		if providerError(err) == errSignedOut {
			s.clearCookie(w, s.cookies.session)
		}
		return tt.Timetable, st, err
	}
	if tt.refreshed {
		if _, err := s.writeSession(w, st); err != nil {
			return shared.Timetable{}, st, err
		}
	}
	return tt.Timetable, st, nil
}

// fetched is a timetable and whether reading it refreshed the credentials.
type fetched struct {
	shared.Timetable
	refreshed bool
}

// readTimetable asks the provider, within the time budget, in the
// student's languages.
func (s *Server) readTimetable(r *http.Request, p provider.Provider, st *sessionState, from, to shared.Date) (fetched, error) {
	// However slow the university, the student gets an answer (504 at
	// worst) in bounded time.
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.TimetableBudget)
	defer cancel()
	ctx = provider.WithLanguages(ctx, languages(r, st)...)
	before := st.Creds
	events, err := p.Timetable(ctx, &st.Creds, from, to)
	if err != nil {
		return fetched{}, err
	}
	if events == nil {
		events = []shared.Event{}
	}
	return fetched{
		Timetable: shared.Timetable{
			Provider:  st.Provider,
			From:      from,
			To:        to,
			FetchedAt: s.now().UTC().Truncate(time.Second),
			Events:    events,
		},
		refreshed: !reflect.DeepEqual(before, st.Creds),
	}, nil
}

// parseRange reads from/to (inclusive, YYYY-MM-DD). Without them it is
// the given number of weeks from the current Monday.
func parseRange(r *http.Request, now time.Time, weeks int) (shared.Date, shared.Date, *apiError) {
	q := r.URL.Query()
	from := shared.DateOf(now).Monday()
	to := from.AddDays(7*weeks - 1)
	if v := q.Get("from"); v != "" {
		d, err := shared.ParseDate(v)
		if err != nil {
			return from, to, badRequest("from: " + err.Error())
		}
		from = d
		if q.Get("to") == "" {
			to = from.AddDays(7*weeks - 1)
		}
	}
	if v := q.Get("to"); v != "" {
		d, err := shared.ParseDate(v)
		if err != nil {
			return from, to, badRequest("to: " + err.Error())
		}
		to = d
	}
	if to.Before(from) {
		return from, to, badRequest("to must not be before from.")
	}
	if !to.Supported() {
		return from, to, badRequest(fmt.Sprintf("The range ends after %v, the last date served.", shared.MaxDate))
	}
	if n := from.DaysUntil(to) + 1; n > MaxRangeDays {
		return from, to, badRequest("The range is " + strconv.Itoa(n) + " days; at most " + strconv.Itoa(MaxRangeDays) + " are allowed.")
	}
	return from, to, nil
}

// requestLang is the language to answer r in: its lang parameter (a
// download, which the browser makes without the app's Accept-Language),
// else the best match of its Accept-Language.
func requestLang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.MatchAccept(r.Header.Get("Accept-Language"))
}

// languages are the languages to ask the university in, most preferred
// first: a subscription's own language (whatever the calendar app asks
// for), else the lang parameter and then Accept-Language; English last,
// which a student reads sooner than the university's own language when
// the university lacks theirs (a Dutch student at a Polish university).
func languages(r *http.Request, st *sessionState) []string {
	var langs []string
	if st.Lang != "" {
		langs = []string{st.Lang}
	} else {
		langs = acceptLanguages(r.Header.Get("Accept-Language"))
		if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
			langs = append([]string{l.String()}, langs...)
		}
	}
	if len(langs) > 0 && !slices.Contains(langs, "en") {
		langs = append(langs, "en")
	}
	return langs
}

// acceptLanguages returns the primary language tags of an Accept-Language
// header by preference (i18n.AcceptTags: quality, then order; q=0
// dropped), each once, at most 8.
func acceptLanguages(h string) []string {
	var out []string
	for _, tag := range i18n.AcceptTags(h) {
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if len(primary) >= 2 && len(primary) <= 3 && !slices.Contains(out, primary) && len(out) < 8 {
			out = append(out, primary)
		}
	}
	return out
}
