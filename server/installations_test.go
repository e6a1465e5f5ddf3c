package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// -list-usos-installations prints each installation once, with https,
// from the list it is pointed at; a list that does not answer in time is
// an error, not a hang.
func TestListInstallations(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/slow" {
			time.Sleep(500 * time.Millisecond)
		}
		w.Write([]byte(`[{"base_url": "http://usosapps.uw.edu.pl/", "institution_name": {"pl": "Uniwersytet Warszawski", "en": "University of Warsaw"}},
			{"base_url": "http://usosapps.uw.edu.pl/", "institution_name": {"pl": "Uniwersytet Warszawski", "en": "University of Warsaw"}},
			{"base_url": "http://usosweb.example.pl/", "institution_name": {"pl": "Akademia Przykładowa", "en": ""}}]`))
	}))
	defer srv.Close()
	var out bytes.Buffer
	if err := listInstallations(&out, srv.URL+"/services/apisrv/installations", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "https://usosapps.uw.edu.pl/  ") || !strings.HasSuffix(lines[0], "University of Warsaw") ||
		!strings.HasPrefix(lines[1], "https://usosweb.example.pl/") || !strings.HasSuffix(lines[1], "Akademia Przykładowa") {
		t.Errorf("output:\n%s", out.String())
	}
	if err := listInstallations(&out, srv.URL+"/slow", 100*time.Millisecond); err == nil {
		t.Error("a list that did not answer in time gave no error")
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}
