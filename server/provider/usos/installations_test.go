package usos

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/provider/upstream"
)

// The public list gives http:// base URLs and duplicates: each
// installation comes out once, with https.
func TestInstallations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services/apisrv/installations" || r.Header.Get("Authorization") != "" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Write([]byte(`[
			{"base_url": "http://usosapps.uw.edu.pl/", "version": "7.1.1.0-1", "institution_name": {"pl": "Uniwersytet Warszawski", "en": "University of Warsaw"}},
			{"base_url": "http://USOSAPPS.example.edu.pl", "institution_name": {"pl": "Politechnika Przykładowa", "en": null}},
			{"base_url": "https://usosapps.uw.edu.pl/", "institution_name": {"pl": "Uniwersytet Warszawski", "en": "University of Warsaw"}},
			{"base_url": "ftp://broken.example/", "institution_name": {"pl": "Zepsuta"}},
			{"base_url": 12, "institution_name": null}
		]`))
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := Installations(ctx, upstream.Client(nil), srv.URL+"/services/apisrv/installations")
	if err != nil {
		t.Fatal(err)
	}
	want := []Installation{
		{BaseURL: "https://usosapps.uw.edu.pl/", Name: "University of Warsaw"},
		{BaseURL: "https://usosapps.example.edu.pl/", Name: "Politechnika Przykładowa"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("installations = %+v, want %+v", got, want)
	}

	if _, err := Installations(ctx, upstream.Client(nil), srv.URL+"/elsewhere"); err == nil {
		t.Error("a failing list gave no error")
	}
}

// The sandbox's list is shaped like the real one (http:// base URLs, one
// installation twice): every installation comes out once, with https.
func TestInstallationsFromSandbox(t *testing.T) {
	p := publicSandbox(t, "right-secret")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := Installations(ctx, upstream.Client(nil), p.methodURL("services/apisrv/installations", nil))
	if err != nil {
		t.Fatal(err)
	}
	self := "https://" + p.base.Host + "/"
	if len(got) != 3 || got[0].BaseURL != self || got[1].BaseURL != "https://usosapps.north.sandbox.example/" {
		t.Errorf("installations = %+v, want 3 with https, the sandbox's own (%s) first", got, self)
	}
}
