package ui

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/app/timetable"
	"github.com/campusweek/campusweek/shared"
	"github.com/campusweek/campusweek/shared/client"
	"github.com/campusweek/campusweek/shared/i18n"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// screens renders every page of the app in l, in the states that show
// different words: each screen's loading, working, empty, error and done
// states, the calendar panel open with and without an address.
func screens(t *testing.T, l i18n.Lang) map[string]string {
	monday := date(2026, 11, 23)
	ada := timetable.Account{Provider: "demo", UserID: "1", Name: "Ada"}
	synced := func(events ...shared.Event) *timetable.Cache {
		return cachedWeek(ada, monday, time.Now().Add(-3*time.Minute), events...)
	}
	events := []shared.Event{
		{ID: "a", Title: "Algebra liniowa", Kind: "Wykład", Category: shared.CategoryClass, Room: "101", Group: "3",
			Lecturers: []string{"dr Nowak"}, URL: "https://usos.example/a",
			Start: mustTime(t, "2026-11-25T09:15:00+01:00"), End: mustTime(t, "2026-11-25T10:45:00+01:00")},
		{ID: "b", Title: "Analiza", Category: shared.CategoryExam, Start: mustTime(t, "2026-11-26T09:15:00+01:00")},
		{ID: "c", Title: "Rada", Category: shared.CategoryMeeting, Start: mustTime(t, "2026-11-27T09:15:00+01:00")},
		{ID: "d", Title: "Rektorskie", Category: shared.CategoryClass, AllDay: true,
			Start: mustTime(t, "2026-11-24T00:00:00+01:00"), End: mustTime(t, "2026-11-25T00:00:00+01:00")},
	}
	wk := func(v timetable.View) app.UI { return &weekView{view: v, lang: l} }
	signedIn, signedOut := timetable.SignedIn, timetable.SignedOut
	upstream := &shared.Error{Code: shared.CodeUpstream}
	offline := fmt.Errorf("%w: x", client.ErrUnreachable)
	feed := &shared.Feed{URL: "https://cw.example/feed/x/campusweek.ics", Revocable: true, Note: "-"}
	providers := []shared.Provider{
		{ID: "uw", Kind: shared.KindUSOS, Name: "UW", Demo: true, Capabilities: shared.Capabilities{PIN: true}},
	}
	updating := &weekView{view: timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced(), Demo: true}, lang: l, updateAvailable: true}
	uis := map[string]app.UI{
		"week":                 wk(timetable.View{Today: monday.AddDays(2), Week: monday, Account: &ada, Status: signedIn, Demo: true, Cache: synced(events...)}),
		"week empty":           wk(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced()}),
		"week update":          updating,
		"week loading":         wk(timetable.View{Week: monday}),
		"week signing out":     wk(timetable.View{Week: monday, SigningOut: true}),
		"week sign-out failed": wk(timetable.View{Week: monday, SignOutErr: offline}),
		"week session error":   wk(timetable.View{Week: monday, SessionErr: upstream}),
		"week signed out":      wk(timetable.View{Week: monday, Account: &ada, Status: signedOut, Cache: synced()}),
		"week not updated":     wk(timetable.View{Week: monday, Account: &ada, Status: signedIn, Cache: synced(), RefreshErr: upstream}),
		"week offline":         wk(timetable.View{Week: monday, Account: &ada, Cache: synced(), Offline: true}),
		"week not synced":      wk(timetable.View{Week: monday.AddDays(70), Account: &ada, Cache: synced(), Offline: true}),
		"week not synced out":  wk(timetable.View{Week: monday.AddDays(70), Account: &ada, Cache: synced(), Status: signedOut}),
		"week not synced err":  wk(timetable.View{Week: monday.AddDays(70), Account: &ada, Cache: synced(), RefreshErr: upstream}),
		"week error":           wk(timetable.View{Week: monday.AddDays(70), Account: &ada, Status: signedIn, Cache: synced(), WeekErr: upstream}),
		"week syncing":         wk(timetable.View{Week: monday.AddDays(70), Account: &ada, Status: signedIn, Cache: synced(), Syncing: true, SyncDone: 1, SyncTotal: 5}),
		"calendar":             &calendarPanel{Provider: "uw", Lang: l, open: true, revoked: true, stopped: true, stopErr: errNotAFeed},
		"calendar feed":        &calendarPanel{Provider: "uw", Lang: l, open: true, feed: feed, copied: true, copyFail: true, err: &shared.Error{Code: shared.CodeUnsupported, Message: "x"}},
		"signin loading":       &signIn{lang: l},
		"signin":               &signIn{lang: l, loaded: true, providers: providers, busy: "uw", startErr: upstream, updateAvailable: true},
		"signin none":          &signIn{lang: l, loaded: true},
		"signin failed":        &signIn{lang: l, loadErr: offline},
		"pin":                  &pinEntry{lang: l, authorizeURL: "https://usos.example/a", busy: true, empty: true},
		"pin refused":          &pinEntry{lang: l, err: &shared.Error{Code: shared.CodeBadRequest}},
		"pin expired":          &pinEntry{lang: l, err: &shared.Error{Code: shared.CodeFlowExpired}},
		"callback":             &authCallback{lang: l},
		"callback feed":        &authCallback{lang: l, feed: true},
		"callback made":        &authCallback{lang: l, made: feed},
		"callback failed":      &authCallback{lang: l, err: &shared.Error{Code: shared.CodeRateLimited}},
		"callback denied":      &authCallback{lang: l, err: &shared.Error{Code: shared.CodeAccessDenied}},
		"callback feed failed": &authCallback{lang: l, feed: true, err: &shared.Error{Code: shared.CodeBadRequest, Message: "x"}},
	}
	for name, ui := range publicScreens(t, l, monday, events) {
		uis[name] = ui
	}
	out := make(map[string]string, len(uis))
	for name, ui := range uis {
		out[name] = render(ui)
	}
	return out
}

var (
	tagRE  = regexp.MustCompile(`<[^>]*>`)
	attrRE = regexp.MustCompile(`(?:aria-label|title|placeholder)="([^"]*)"`)
)

// visibleText is what a student reads or hears of page: its text and its
// accessible names and titles.
func visibleText(page string) string {
	var b strings.Builder
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + "\n")
	}
	b.WriteString(html.UnescapeString(tagRE.ReplaceAllString(page, "\n")))
	return b.String()
}

// englishLeft returns the English catalog's words found in text, a page
// in l: every part between placeholders of an English message that l
// words differently, unless l's own catalog uses the same words (names,
// "Demo"), and the English day and month names.
func englishLeft(text string, l i18n.Lang) []string {
	var own strings.Builder
	for k := range numKeysForTest() {
		own.WriteString(l.T(k) + "\n")
	}
	var found []string
	seen := map[string]bool{}
	check := func(frag string) {
		frag = strings.TrimSpace(strings.Trim(strings.TrimSpace(frag), ".,:;"))
		if len(frag) < 4 || seen[frag] || strings.Contains(own.String(), frag) {
			return
		}
		seen[frag] = true
		if strings.Contains(text, frag) {
			found = append(found, frag)
		}
	}
	placeholder := regexp.MustCompile(`\{[^}]*\}|\|`)
	for k := range numKeysForTest() {
		if i18n.English.T(k) == l.T(k) {
			continue
		}
		for _, frag := range placeholder.Split(i18n.English.T(k), -1) {
			check(frag)
		}
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		check(d.String())
	}
	for m := time.January; m <= time.December; m++ {
		check(m.String())
	}
	return found
}

// numKeysForTest is the number of catalog keys: the first key whose
// English text is empty.
func numKeysForTest() i18n.Key {
	var k i18n.Key
	for i18n.English.T(k) != "" {
		k++
	}
	return k
}

// TestNoEnglishLeft renders every page in Polish and Dutch and fails on
// any English text of the catalog in it.
func TestNoEnglishLeft(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.Polish, i18n.Dutch} {
		for name, page := range screens(t, l) {
			if left := englishLeft(visibleText(page), l); len(left) > 0 {
				t.Errorf("%v %s still says %q:\n%s", l, name, left, page)
			}
		}
	}
	// The check finds English: the same pages in English fail it.
	pages := screens(t, i18n.English)
	if left := englishLeft(visibleText(pages["week"]+pages["signin"]), i18n.Polish); len(left) < 10 {
		t.Errorf("the English pages have only %q of the English catalog", left)
	}
}

func TestPagesInTheirLanguage(t *testing.T) {
	for _, tc := range []struct {
		l    i18n.Lang
		want []string
	}{
		{i18n.Polish, []string{"środa", "25 lis", "23 – 29 listopada 2026", "Brak zajęć", "Dziś", "Grupa 3", "Cały dzień", "Egzamin", "Spotkanie", "Ostatnia synchronizacja: 3 minuty temu", "Wyloguj się"}},
		{i18n.Dutch, []string{"woensdag", "25 nov", "23 – 29 november 2026", "Geen lessen", "Vandaag", "Groep 3", "Hele dag", "Tentamen", "Afspraak", "Laatst bijgewerkt: 3 minuten geleden", "Uitloggen"}},
	} {
		page := visibleText(screens(t, tc.l)["week"])
		for _, want := range tc.want {
			if !strings.Contains(page, want) {
				t.Errorf("%v week lacks %q", tc.l, want)
			}
		}
	}
	html := render(&calendarPanel{Lang: i18n.Polish, open: true})
	if want := i18n.Polish.N(i18n.CalDownloadHint, shared.ExportWeeks); !strings.Contains(html, want) || !strings.Contains(want, " tygodni") {
		t.Errorf("Polish plural of the export weeks:\n%s", html)
	}
	// go-app writes attributes in any order.
	got := render(&signIn{lang: i18n.Dutch})
	for _, m := range regexp.MustCompile(`<option[^>]*>`).FindAllString(got, -1) {
		if strings.Contains(m, `value="nl"`) != strings.Contains(m, "selected") {
			t.Errorf("the switch does not show Dutch (only) as chosen: %s", m)
		}
	}
}
