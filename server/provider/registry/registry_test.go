package registry

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider"
	"github.com/campusweek/campusweek/shared"
)

// sections are valid configuration sections of every kind.
var sections = map[shared.ProviderKind]config.Provider{
	shared.KindUSOS:        {ConsumerKey: "key", ConsumerSecret: "secret", Scopes: []string{"studies"}},
	shared.KindMyTimetable: {ClientID: "cw", ClientSecret: "secret", Scopes: []string{"user_read", "profile_read"}},
}

// section returns kind's valid section, named id.
func section(t *testing.T, kind shared.ProviderKind, id string) config.Provider {
	t.Helper()
	c, ok := sections[kind]
	if !ok {
		t.Fatalf("kind %s has no section in registry_test.go", kind)
	}
	base, err := config.ParseBaseURL("https://" + id + ".example/")
	if err != nil {
		t.Fatal(err)
	}
	c.ID, c.Kind, c.Name, c.BaseURL = id, kind, "University "+id, base
	return c
}

// noNetwork fails the test on any outbound call.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("unexpected call to %s", r.URL)
	return nil, errors.New("no network in this test")
}

// Every kind's provider states its kind, implements provider.Revoker
// exactly when its Capabilities say it can revoke (and
// provider.PublicTimetables when they say it has them), refuses a PIN sign-in
// (before any call) unless they say it can, and
// gives a ShortLivedReason that fits in the API's sentence.
func TestKindsKeepTheirWord(t *testing.T) {
	for kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			p, err := New(section(t, kind, "uni"), Options{HTTPClient: &http.Client{Transport: noNetwork{t}}})
			if err != nil {
				t.Fatal(err)
			}
			info := p.Info()
			if info.Kind != kind || info.ID != "uni" || info.Name != "University uni" || info.Demo {
				t.Errorf("Info() = %+v", info)
			}
			if _, ok := p.(provider.Revoker); ok != info.Capabilities.Revoke {
				t.Errorf("implements provider.Revoker: %v; Capabilities.Revoke: %v", ok, info.Capabilities.Revoke)
			}
			if _, ok := p.(provider.PublicTimetables); ok != info.Capabilities.PublicTimetables {
				t.Errorf("implements provider.PublicTimetables: %v; Capabilities.PublicTimetables: %v", ok, info.Capabilities.PublicTimetables)
			}
			if !info.Capabilities.PIN {
				if _, _, err := p.Start(context.Background(), ""); err == nil {
					t.Error("started a PIN sign-in without PIN capability")
				}
			}
			if r := p.ShortLivedReason(); r == "" || strings.HasSuffix(r, ".") || strings.ToLower(r[:1]) != r[:1] {
				t.Errorf("ShortLivedReason %q is no clause to put in a sentence", r)
			}
		})
	}
}

// USOS grants long-lived access only with the offline_access scope;
// MyTimetable through refresh tokens, whatever its scopes.
func TestLongLivedAccess(t *testing.T) {
	for _, tc := range []struct {
		kind   shared.ProviderKind
		scopes []string
		want   bool
	}{
		{shared.KindUSOS, nil, false},
		{shared.KindUSOS, []string{"studies"}, false},
		{shared.KindUSOS, []string{"studies", "offline_access"}, true},
		{shared.KindMyTimetable, []string{"user_read", "profile_read"}, true},
	} {
		c := section(t, tc.kind, "uni")
		c.Scopes = tc.scopes
		p, err := New(c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Info().Capabilities.LongLivedAccess; got != tc.want {
			t.Errorf("%s with scopes %v: LongLivedAccess %v, want %v", tc.kind, tc.scopes, got, tc.want)
		}
	}
}

// Each kind checks its own section, through config.Parse.
func TestConfigChecks(t *testing.T) {
	const head = "session_keys: [\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"]\nproviders:\n"
	for _, tc := range []struct{ name, section, want string }{
		{"usos without key", `{id: x, kind: usos, name: X, base_url: "https://u.example/", consumer_secret: s}`, "providers[0].consumer_key: required"},
		{"usos without secret", `{id: x, kind: usos, name: X, base_url: "https://u.example/", consumer_key: k}`, "providers[0].consumer_secret: required"},
		{"usos with a client", `{id: x, kind: usos, name: X, base_url: "https://u.example/", consumer_key: k, consumer_secret: s, client_id: c}`,
			"providers[0].client_id: not used by kind usos"},
		{"mytimetable without id", `{id: x, kind: mytimetable, name: X, base_url: "https://m.example/", client_secret: s}`, "providers[0].client_id: required"},
		{"mytimetable without secret", `{id: x, kind: mytimetable, name: X, base_url: "https://m.example/", client_id: c}`, "providers[0].client_secret: required"},
		{"mytimetable with a consumer", `{id: x, kind: mytimetable, name: X, base_url: "https://m.example/", client_id: c, client_secret: s, consumer_secret: s}`,
			"providers[0].consumer_secret: not used by kind mytimetable"},
		{"unknown kind", `{id: x, kind: oauth3, name: X, base_url: "https://x.example/"}`, `providers[0].kind: unknown kind "oauth3" (want mytimetable or usos)`},
	} {
		_, err := config.Parse([]byte(head+"  - "+tc.section+"\n"), func(string) (string, bool) { return "", false }, Kinds())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// Both problems of one section are reported.
	_, err := config.Parse([]byte(head+`  - {id: x, kind: usos, name: X, base_url: "https://u.example/", client_secret: s}`+"\n"),
		func(string) (string, bool) { return "", false }, Kinds())
	for _, want := range []string{"providers[0].consumer_key: required", "providers[0].consumer_secret: required", "providers[0].client_secret: not used"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v does not say %q", err, want)
		}
	}
}

// New refuses what config.Parse would.
func TestNewRefuses(t *testing.T) {
	c := section(t, shared.KindUSOS, "uni")
	c.Kind = "oauth3"
	if _, err := New(c, Options{}); err == nil {
		t.Error("made a provider of an unknown kind")
	}
	c = section(t, shared.KindMyTimetable, "uni")
	c.ClientSecret = ""
	if _, err := New(c, Options{}); err == nil || !strings.Contains(err.Error(), "client_secret: required") {
		t.Errorf("section without its secret: %v", err)
	}
}
