package pwa

import (
	"net/http"
	"strings"
	"testing"
)

// The server prerenders a page in the language Accept-Language asks for,
// says which, and keeps the languages apart for caches.
func TestPagesInTheRequestsLanguage(t *testing.T) {
	h := newSessionHandler(t)
	english := get(t, h, "/signin")
	for _, tc := range []struct {
		accept, lang   string
		want, unwanted []string
	}{
		{"pl-PL,pl;q=0.9,en;q=0.8", "pl", []string{"Zaloguj się do CampusWeek", "Twój plan zajęć, tydzień po tygodniu.", "Logowanie · CampusWeek"}, []string{"Sign in to", "Your university timetable"}},
		{"nl-BE,nl;q=0.9", "nl", []string{"Inloggen bij CampusWeek", "Je rooster, week voor week.", "Liever met een pincode"}, []string{"Sign in to", "Use a PIN"}},
		{"fr-FR,fr;q=0.9", "en", []string{"Sign in to CampusWeek", "Your university timetable, one week at a time."}, []string{"Zaloguj", "Inloggen"}},
	} {
		r := get(t, h, "/signin", "Accept-Language", tc.accept)
		page := body(t, r)
		if r.StatusCode != http.StatusOK || !strings.Contains(page, `<html lang="`+tc.lang+`"`) {
			t.Errorf("%s: %d, want <html lang=%q>:\n%.300s", tc.accept, r.StatusCode, tc.lang, page)
		}
		for _, w := range tc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: the page lacks %q", tc.accept, w)
			}
		}
		for _, u := range tc.unwanted {
			if strings.Contains(page, u) {
				t.Errorf("%s: the page says %q", tc.accept, u)
			}
		}
		if got := r.Header.Get("Content-Language"); got != tc.lang {
			t.Errorf("%s: Content-Language %q", tc.accept, got)
		}
		if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Accept-Language") {
			t.Errorf("%s: Vary %q", tc.accept, r.Header.Values("Vary"))
		}
		// Each language is its own variant: a copy of one is never
		// revalidated as another.
		sameETag := r.Header.Get("ETag") == english.Header.Get("ETag")
		if sameETag != (tc.lang == "en") {
			t.Errorf("%s: ETag %q, English %q", tc.accept, r.Header.Get("ETag"), english.Header.Get("ETag"))
		}
		if again := get(t, h, "/signin", "Accept-Language", tc.accept, "If-None-Match", r.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
			t.Errorf("%s: revalidating its own copy: %d", tc.accept, again.StatusCode)
		}
	}
	// / signed in (the week's shell) and signed out (the sign-in page).
	for cookie, want := range map[string]string{"s=1": "Wczytywanie planu zajęć", "": "Zaloguj się do CampusWeek"} {
		page := body(t, get(t, h, "/", "Accept-Language", "pl", "Cookie", cookie))
		if !strings.Contains(page, `<html lang="pl"`) || !strings.Contains(page, want) {
			t.Errorf("/ with cookie %q in Polish lacks %q:\n%s", cookie, want, page)
		}
	}
}

// The manifest describes the app in the language the browser asks in.
func TestManifestInTheRequestsLanguage(t *testing.T) {
	h := newSessionHandler(t)
	english := get(t, h, "/manifest.webmanifest")
	for accept, want := range map[string]string{
		"pl-PL,pl": "Twój plan zajęć, tydzień po tygodniu.",
		"nl-BE":    "Je rooster, week voor week.",
		"de":       "Your university timetable, one week at a time.",
	} {
		r := get(t, h, "/manifest.webmanifest", "Accept-Language", accept)
		m := body(t, r)
		if r.StatusCode != http.StatusOK || !strings.Contains(m, want) || !strings.Contains(m, `"name": "CampusWeek"`) && !strings.Contains(m, `"name":"CampusWeek"`) {
			t.Errorf("%s: %d\n%s", accept, r.StatusCode, m)
		}
		if !strings.Contains(strings.Join(r.Header.Values("Vary"), ","), "Accept-Language") {
			t.Errorf("%s: Vary %q", accept, r.Header.Values("Vary"))
		}
		if accept != "de" && r.Header.Get("ETag") == english.Header.Get("ETag") {
			t.Errorf("%s: the English manifest's ETag %q", accept, r.Header.Get("ETag"))
		}
	}
}
