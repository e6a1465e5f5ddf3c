package api

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// MaxRangeDays bounds one timetable request: a long term and a bit.
const MaxRangeDays = 190

// timetableBudget bounds the upstream work of one timetable request.
const timetableBudget = 30 * time.Second

func (s *Server) handleTimetable(w http.ResponseWriter, r *http.Request) {
	from, to, aerr := parseRange(r, s.now())
	if aerr != nil {
		s.writeError(w, r, aerr)
		return
	}
	st, p, _, err := s.readSession(r)
	if err != nil {
		s.clearCookie(w, s.cookies.session)
		s.writeError(w, r, errSignedOut)
		return
	}
	// However slow the university, the student gets an answer (504 at
	// worst) in bounded time.
	ctx, cancel := context.WithTimeout(r.Context(), timetableBudget)
	defer cancel()
	ctx = provider.WithLanguages(ctx, acceptLanguages(r.Header.Get("Accept-Language"))...)
	before := st.Creds
	events, err := p.Timetable(ctx, &st.Creds, from, to)
	if err != nil {
		aerr := providerError(err)
		if aerr == errSignedOut {
			s.clearCookie(w, s.cookies.session)
		}
		s.writeError(w, r, aerr)
		return
	}
	if !reflect.DeepEqual(before, st.Creds) { // refreshed: keep the new token
		if _, err := s.writeSession(w, st); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if events == nil {
		events = []shared.Event{}
	}
	writeJSON(w, http.StatusOK, shared.Timetable{
		Provider:  st.Provider,
		From:      from,
		To:        to,
		FetchedAt: s.now().UTC().Truncate(time.Second),
		Events:    events,
	})
}

// parseRange reads from/to (inclusive, YYYY-MM-DD). Without them it is the
// current Monday-to-Sunday week.
func parseRange(r *http.Request, now time.Time) (shared.Date, shared.Date, *apiError) {
	q := r.URL.Query()
	from := shared.DateOf(now).Monday()
	to := from.AddDays(6)
	if v := q.Get("from"); v != "" {
		d, err := shared.ParseDate(v)
		if err != nil {
			return from, to, badRequest("from: " + err.Error())
		}
		from = d
		if q.Get("to") == "" {
			to = from.AddDays(6)
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
	if n := from.DaysUntil(to) + 1; n > MaxRangeDays {
		return from, to, badRequest("The range is " + strconv.Itoa(n) + " days; at most " + strconv.Itoa(MaxRangeDays) + " are allowed.")
	}
	return from, to, nil
}

// acceptLanguages returns the primary language tags of an Accept-Language
// header in the client's order, skipping q=0.
func acceptLanguages(h string) []string {
	var out []string
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.ReplaceAll(strings.TrimSpace(params), " ", "") == "q=0" {
			continue
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if len(primary) >= 2 && len(primary) <= 3 && len(out) < 8 {
			out = append(out, primary)
		}
	}
	return out
}
