package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/server/config"
	"github.com/campusweek/campusweek/server/provider/registry"
)

const key32 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // "0123456789abcdef0123456789abcdef"

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

const valid = `
listen: 127.0.0.1:9090
public_url: https://tt.example.edu
session_keys: ["${SESSION_KEY}", "` + key32 + `"]
allowed_origins: ["https://pwa.example.edu"]
allowed_hosts: ["tt.example.edu:443", "CampusWeek.example.edu", "[::1]:8080"]
client_ip_header: x-forwarded-for
providers:
  - id: uw
    kind: usos
    name: University of Warsaw
    base_url: https://usosapps.uw.edu.pl
    consumer_key: ${UW_KEY}
    consumer_secret: ${UW_SECRET}
    scopes: [studies, offline_access]
  - id: tud
    kind: mytimetable
    name: TU Delft
    base_url: https://mytimetable.tudelft.nl/
    client_id: cid
    client_secret: pa$$word
    max_concurrent_requests: 16
    pkce: S256
    api_token: tok-3f9a
`

func TestParseValid(t *testing.T) {
	c, err := config.Parse([]byte(valid), env(map[string]string{"SESSION_KEY": key32, "UW_KEY": "k", "UW_SECRET": "s3cret"}), registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9090" || c.PublicURL.String() != "https://tt.example.edu" {
		t.Errorf("listen/public_url: %q %q", c.Listen, c.PublicURL)
	}
	if len(c.SessionKeys) != 2 || string(c.SessionKeys[0]) != "0123456789abcdef0123456789abcdef" {
		t.Errorf("session keys: %q", c.SessionKeys)
	}
	uw := c.Providers[0]
	if uw.BaseURL.String() != "https://usosapps.uw.edu.pl/" {
		t.Errorf("base URL not normalised: %s", uw.BaseURL)
	}
	if uw.ConsumerKey != "k" || uw.ConsumerSecret != "s3cret" || strings.Join(uw.Scopes, "|") != "studies|offline_access" {
		t.Errorf("usos provider: %+v", uw)
	}
	if c.Providers[0].PKCE != "" || c.Providers[1].PKCE != config.PKCES256 {
		t.Errorf("pkce: %q, %q", c.Providers[0].PKCE, c.Providers[1].PKCE)
	}
	if uw.APIToken != "" || c.Providers[1].APIToken != "tok-3f9a" {
		t.Errorf("api_token: %q, %q; want none and tok-3f9a", uw.APIToken, c.Providers[1].APIToken)
	}
	if c.Providers[1].ClientSecret != "pa$word" {
		t.Errorf("$$ must stand for a literal $: %q", c.Providers[1].ClientSecret)
	}
	if uw.MaxConcurrentRequests != 0 || c.Providers[1].MaxConcurrentRequests != 16 {
		t.Errorf("max_concurrent_requests: %d, %d; want 0 (the default) and 16", uw.MaxConcurrentRequests, c.Providers[1].MaxConcurrentRequests)
	}
	if c.ClientIPHeader != "X-Forwarded-For" {
		t.Errorf("client_ip_header %q", c.ClientIPHeader)
	}
	if strings.Join(c.AllowedHosts, " ") != "tt.example.edu:443 campusweek.example.edu [::1]:8080" {
		t.Errorf("allowed hosts: %q", c.AllowedHosts)
	}
	if c.AllowedOrigins[0] != "https://pwa.example.edu" {
		t.Errorf("origins: %v", c.AllowedOrigins)
	}
}

func TestParseDefaults(t *testing.T) {
	doc := `
session_keys: ["` + key32 + `"]
providers: [{id: a, kind: usos, name: A, base_url: "http://127.0.0.1:1/x//", consumer_key: k, consumer_secret: s}]
`
	c, err := config.Parse([]byte(doc), env(nil), registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != config.DefaultListen || c.PublicURL.String() != "http://"+config.DefaultListen {
		t.Errorf("defaults: %q %q", c.Listen, c.PublicURL)
	}
	if got := c.Providers[0].BaseURL.String(); got != "http://127.0.0.1:1/x/" {
		t.Errorf("base URL %q", got)
	}
	if !c.HSTS {
		t.Error("HSTS is off by default")
	}
}

func TestParseHSTS(t *testing.T) {
	for v, want := range map[string]bool{"false": false, "true": true, `"${HSTS}"`: false} {
		doc := "hsts: " + v + "\n" + valid
		c, err := config.Parse([]byte(doc), env(map[string]string{"SESSION_KEY": key32, "UW_KEY": "k", "UW_SECRET": "s", "HSTS": "false"}), registry.Kinds())
		if err != nil {
			t.Fatalf("hsts: %s: %v", v, err)
		}
		if c.HSTS != want {
			t.Errorf("hsts: %s gave %v", v, c.HSTS)
		}
	}
}

func TestParseErrors(t *testing.T) {
	base := func(provider string) string {
		return "session_keys: [\"" + key32 + "\"]\nproviders:\n" + provider
	}
	usos := func(extra string) string {
		return base("  - {id: uw, kind: usos, name: UW, base_url: \"https://u.example/\", consumer_key: k, consumer_secret: s" + extra + "}\n")
	}
	cases := []struct{ name, doc, want string }{
		{"unknown kind", base("  - {id: x, kind: oauth3, name: X, base_url: \"https://x.example/\"}\n"), `providers[0].kind: unknown kind "oauth3"`},
		{"duplicate key", usos(", base_url: \"ftp://x\""), "already defined"},
		{"ftp url", base("  - {id: x, kind: usos, name: X, base_url: \"ftp://usos.example/\", consumer_key: k, consumer_secret: s}\n"), "providers[0].base_url: \"ftp://usos.example/\" is not an absolute http(s) URL"},
		{"http not loopback", base("  - {id: x, kind: usos, name: X, base_url: \"http://usos.example/\", consumer_key: k, consumer_secret: s}\n"), "providers[0].base_url:"},
		{"url with query", base("  - {id: x, kind: usos, name: X, base_url: \"https://usos.example/?a=1\", consumer_key: k, consumer_secret: s}\n"), "providers[0].base_url:"},
		{"missing secret", base("  - {id: x, kind: usos, name: X, base_url: \"https://usos.example/\", consumer_key: k}\n"), "providers[0].consumer_secret: required"},
		{"missing client secret", base("  - {id: x, kind: mytimetable, name: X, base_url: \"https://mt.example/\", client_id: c}\n"), "providers[0].client_secret: required"},
		{"unset env", base("  - {id: x, kind: usos, name: X, base_url: \"https://usos.example/\", consumer_key: k, consumer_secret: \"${NOPE}\"}\n"), "providers[0].consumer_secret: environment variable NOPE is not set"},
		{"duplicate id", base("  - {id: x, kind: usos, name: X, base_url: \"https://a.example/\", consumer_key: k, consumer_secret: s}\n  - {id: x, kind: usos, name: Y, base_url: \"https://b.example/\", consumer_key: k, consumer_secret: s}\n"), `providers[1].id: duplicate id "x"`},
		{"bad id", base("  - {id: UW!, kind: usos, name: X, base_url: \"https://a.example/\", consumer_key: k, consumer_secret: s}\n"), "providers[0].id:"},
		{"short key", "session_keys: [\"c2hvcnQ=\"]\nproviders:\n  - {id: x, kind: usos, name: X, base_url: \"https://a.example/\", consumer_key: k, consumer_secret: s}\n", "session_keys[0]: key is 5 bytes, want 32"},
		{"no keys", "providers:\n  - {id: x, kind: usos, name: X, base_url: \"https://a.example/\", consumer_key: k, consumer_secret: s}\n", "session_keys: at least one key"},
		{"no providers", "session_keys: [\"" + key32 + "\"]\n", "providers: at least one provider"},
		{"unknown field", usos("") + "colour: blue\n", "field colour not found"},
		{"bad origin", "allowed_origins: [\"https://a.example/path\"]\n" + usos(""), "allowed_origins[0]:"},
		{"http public url", "public_url: http://tt.example.edu\n" + usos(""), "public_url:"},
		{"bad listen", "listen: nope\n" + usos(""), "listen: want host:port"},
		{"host with a scheme", "allowed_hosts: [\"https://tt.example.edu\"]\n" + usos(""), `allowed_hosts[0]: "https://tt.example.edu" is not a host name`},
		{"host with a path", "allowed_hosts: [\"tt.example.edu/x\"]\n" + usos(""), "allowed_hosts[0]:"},
		{"host with a user", "allowed_hosts: [\"me@tt.example.edu\"]\n" + usos(""), "allowed_hosts[0]:"},
		{"empty host", "allowed_hosts: [\"\"]\n" + usos(""), "allowed_hosts[0]:"},
		{"pkce for usos", usos(", pkce: S256"), "providers[0].pkce: not used by kind usos"},
		{"plain pkce", base("  - {id: x, kind: mytimetable, name: X, base_url: \"https://mt.example/\", client_id: c, client_secret: s, pkce: plain}\n"), `providers[0].pkce: "plain" is not supported (want S256`},
		{"api token for usos", usos(", api_token: t"), "providers[0].api_token: not used by kind usos"},
		{"api token with a space", base("  - {id: x, kind: mytimetable, name: X, base_url: \"https://mt.example/\", client_id: c, client_secret: s, api_token: \"a b\"}\n"), "providers[0].api_token: must be visible ASCII"},
		{"bad hsts", "hsts: sometimes\n" + usos(""), `hsts: "sometimes" is not true or false`},
		{"bad client ip header", "client_ip_header: \"X Forwarded\"\n" + usos(""), "client_ip_header:"},
		{"bad scope", usos(", scopes: [\"a b\"]"), "providers[0].scopes[0]: invalid scope"},
		{"not yaml", "{{{", "invalid YAML"},
		{"zero concurrent requests", usos(", max_concurrent_requests: 0"), "providers[0].max_concurrent_requests: 0 is out of range (1 to 1024)"},
		{"negative concurrent requests", usos(", max_concurrent_requests: -4"), "providers[0].max_concurrent_requests: -4 is out of range"},
		{"too many concurrent requests", usos(", max_concurrent_requests: 5000"), "providers[0].max_concurrent_requests: 5000 is out of range"},
		{"fractional concurrent requests", usos(", max_concurrent_requests: 2.5"), `providers[0].max_concurrent_requests: "2.5" is not a whole number`},
		{"unset concurrent requests variable", usos(", max_concurrent_requests: \"${NOPE}\""), "providers[0].max_concurrent_requests: environment variable NOPE is not set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Parse([]byte(c.doc), env(nil), registry.Kinds())
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(valid), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SESSION_KEY", key32)
	t.Setenv("UW_KEY", "k")
	t.Setenv("UW_SECRET", "s")
	if _, err := config.Load(p, registry.Kinds()); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(filepath.Join(t.TempDir(), "missing.yaml"), registry.Kinds()); err == nil {
		t.Fatal("missing file accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("providers: [{id: a}]"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := config.Parse(doc, env(map[string]string{"SESSION_KEY": key32}), registry.Kinds())
		if err == nil && (len(c.Providers) == 0 || len(c.SessionKeys) == 0) {
			t.Fatal("accepted a config without providers or keys")
		}
	})
}

func TestMaxConcurrentRequestsFromEnvironment(t *testing.T) {
	doc := `
session_keys: ["` + key32 + `"]
providers: [{id: a, kind: usos, name: A, base_url: "https://a.example/", consumer_key: k, consumer_secret: s, max_concurrent_requests: "${UW_MAX}"}]
`
	c, err := config.Parse([]byte(doc), env(map[string]string{"UW_MAX": "8"}), registry.Kinds())
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Providers[0].MaxConcurrentRequests; n != 8 {
		t.Errorf("max_concurrent_requests = %d, want 8", n)
	}
}
