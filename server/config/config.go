// Package config loads and validates the operator's YAML configuration.
//
// String values may reference environment variables as ${NAME}, so secrets
// can come from the environment (or a Kubernetes Secret) rather than the
// file. Every error names the offending field.
package config

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/campusweek/campusweek/shared"
)

// Config is a validated configuration.
type Config struct {
	// Listen is the TCP address the server listens on.
	Listen string
	// PublicURL is the origin the browser sees, e.g. https://tt.example.edu.
	// Callback URLs derive from it.
	PublicURL *url.URL
	// SessionKeys seal cookies: the first seals, all open.
	SessionKeys [][]byte
	// AllowedOrigins are extra origins (besides PublicURL's) from which a
	// PWA may call the API with credentials.
	AllowedOrigins []string
	// AllowedHosts are extra host names (host or host:port, besides
	// PublicURL's) that requests may be addressed to; any other is
	// refused, but for probes and metrics.
	AllowedHosts []string
	// HSTS sends Strict-Transport-Security when PublicURL is https (the
	// default; hsts: false turns it off).
	HSTS bool
	// ClientIPHeader is the header in which a trusted reverse proxy passes
	// the client's address (e.g. X-Forwarded-For), for per-client rate
	// limits; empty means the TCP peer is the client.
	ClientIPHeader string
	Providers      []Provider
	// Notifications configures change notifications; nil (no
	// notifications section) keeps the server stateless.
	Notifications *Notifications
}

// Provider configures one university.
type Provider struct {
	ID   string
	Kind shared.ProviderKind
	Name string
	// BaseURL is the installation's root, always with one trailing slash.
	BaseURL *url.URL
	// OAuth 1.0a (USOS).
	ConsumerKey, ConsumerSecret string
	// OAuth 2 (MyTimetable).
	ClientID, ClientSecret string
	// PKCE is the PKCE method of the OAuth 2 authorization-code grant:
	// PKCES256, or "" for none.
	PKCE string
	// APIToken is a MyTimetable institution's API token for the timetables
	// of rooms, modules and staff, where the institution requires one
	// ("" reads them anonymously). It is never a student's access.
	APIToken string
	Scopes   []string
	// MaxConcurrentRequests caps the calls in flight at this university
	// at once, across all students; 0 means the default of 32
	// (upstream.DefaultMaxConcurrent).
	MaxConcurrentRequests int
}

// Default values.
const (
	DefaultListen = "127.0.0.1:8080"
	// MaxConcurrentRequestsLimit bounds max_concurrent_requests: more would
	// no longer protect a university from this server.
	MaxConcurrentRequestsLimit = 1024
)

// file mirrors the YAML document.
type file struct {
	Listen         string         `yaml:"listen"`
	PublicURL      string         `yaml:"public_url"`
	SessionKeys    []string       `yaml:"session_keys"`
	AllowedOrigins []string       `yaml:"allowed_origins"`
	AllowedHosts   []string       `yaml:"allowed_hosts"`
	HSTS           string         `yaml:"hsts"` // a string, so that it may come from the environment
	ClientIPHeader string         `yaml:"client_ip_header"`
	Providers      []providerFile `yaml:"providers"`
	Notifications  *notifyFile    `yaml:"notifications"`
}

type providerFile struct {
	ID             string   `yaml:"id"`
	Kind           string   `yaml:"kind"`
	Name           string   `yaml:"name"`
	BaseURL        string   `yaml:"base_url"`
	ConsumerKey    string   `yaml:"consumer_key"`
	ConsumerSecret string   `yaml:"consumer_secret"`
	ClientID       string   `yaml:"client_id"`
	ClientSecret   string   `yaml:"client_secret"`
	PKCE           string   `yaml:"pkce"`
	APIToken       string   `yaml:"api_token"`
	Scopes         []string `yaml:"scopes"`
	// A string, so that it may come from the environment like any value.
	MaxConcurrentRequests string `yaml:"max_concurrent_requests"`
}

// Kinds are the provider kinds a server implements, each with the check
// of the fields only that kind uses (registry.Kinds). A check returns nil,
// or the problems joined (errors.Join), each naming its field as Required
// and Unused do.
type Kinds map[shared.ProviderKind]func(Provider) error

// PKCES256 is the PKCE method (RFC 7636) an OAuth 2 provider may be
// configured with: pkce: S256.
const PKCES256 = "S256"

// Required reports a kind's required field that has no value.
func Required(field, value string) error {
	if value == "" {
		return fmt.Errorf("%s: required", field)
	}
	return nil
}

// Unused reports a value in a field that kind does not use.
func Unused(kind shared.ProviderKind, field, value string) error {
	if value != "" {
		return fmt.Errorf("%s: not used by kind %s", field, kind)
	}
	return nil
}

// Load reads and validates the file at path, expanding ${NAME} from the
// process environment. Providers must be of one of kinds.
func Load(path string, kinds Kinds) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b, os.LookupEnv, kinds)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse validates a YAML document. lookup resolves ${NAME} references.
// Providers must be of one of kinds, and pass its check.
func Parse(doc []byte, lookup func(string) (string, bool), kinds Kinds) (*Config, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true) // a typo in a key must not silently drop a setting
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	x := expander{lookup: lookup}
	c := &Config{}
	var errs []error
	add := func(field string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
	}

	c.Listen = x.expand("listen", f.Listen)
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		add("listen", errors.New("want host:port"))
	}

	pub := x.expand("public_url", f.PublicURL)
	if pub == "" {
		pub = "http://" + c.Listen
	}
	u, err := parseOrigin(pub)
	add("public_url", err)
	c.PublicURL = u

	if len(f.SessionKeys) == 0 {
		add("session_keys", errors.New("at least one key is required (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)"))
	}
	for i, k := range f.SessionKeys {
		field := fmt.Sprintf("session_keys[%d]", i)
		key, err := decodeKey(x.expand(field, k))
		add(field, err)
		c.SessionKeys = append(c.SessionKeys, key)
	}

	for i, o := range f.AllowedOrigins {
		field := fmt.Sprintf("allowed_origins[%d]", i)
		u, err := parseOrigin(x.expand(field, o))
		add(field, err)
		if u != nil {
			c.AllowedOrigins = append(c.AllowedOrigins, u.String())
		}
	}

	for i, h := range f.AllowedHosts {
		field := fmt.Sprintf("allowed_hosts[%d]", i)
		h, err := parseHost(x.expand(field, h))
		add(field, err)
		c.AllowedHosts = append(c.AllowedHosts, h)
	}

	c.HSTS = true
	if v := x.expand("hsts", f.HSTS); v != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			add("hsts", fmt.Errorf("%q is not true or false", v))
		} else {
			c.HSTS = b
		}
	}

	c.ClientIPHeader = http.CanonicalHeaderKey(x.expand("client_ip_header", f.ClientIPHeader))
	if c.ClientIPHeader != "" && !headerName.MatchString(c.ClientIPHeader) {
		add("client_ip_header", fmt.Errorf("%q is not a header name", c.ClientIPHeader))
	}

	if len(f.Providers) == 0 {
		add("providers", errors.New("at least one provider is required"))
	}
	seen := map[string]bool{}
	for i, pf := range f.Providers {
		field := fmt.Sprintf("providers[%d]", i)
		p, perrs := x.provider(field, pf, kinds)
		errs = append(errs, perrs...)
		if p.ID != "" && seen[p.ID] {
			add(field+".id", fmt.Errorf("duplicate id %q", p.ID))
		}
		seen[p.ID] = true
		c.Providers = append(c.Providers, p)
	}
	if f.Notifications != nil {
		n, nerrs := x.notifications(*f.Notifications)
		c.Notifications = n
		errs = append(errs, nerrs...)
	}
	errs = append(x.errs, errs...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

var (
	idPattern    = regexp.MustCompile(`^[a-z0-9-]{1,40}$`)
	scopePattern = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)
	headerName   = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
)

func (x *expander) provider(field string, pf providerFile, kinds Kinds) (Provider, []error) {
	var errs []error
	add := func(f string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.%s: %w", field, f, err))
		}
	}
	p := Provider{
		ID:             x.expand(field+".id", pf.ID),
		Kind:           shared.ProviderKind(x.expand(field+".kind", pf.Kind)),
		Name:           x.expand(field+".name", pf.Name),
		ConsumerKey:    x.expand(field+".consumer_key", pf.ConsumerKey),
		ConsumerSecret: x.expand(field+".consumer_secret", pf.ConsumerSecret),
		ClientID:       x.expand(field+".client_id", pf.ClientID),
		ClientSecret:   x.expand(field+".client_secret", pf.ClientSecret),
		PKCE:           x.expand(field+".pkce", pf.PKCE),
		APIToken:       x.expand(field+".api_token", pf.APIToken),
	}
	if !idPattern.MatchString(p.ID) {
		add("id", fmt.Errorf("%q must match [a-z0-9-]+ (at most 40 characters)", p.ID))
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", errors.New("required"))
	}
	base, err := ParseBaseURL(x.expand(field+".base_url", pf.BaseURL))
	add("base_url", err)
	p.BaseURL = base
	for j, s := range pf.Scopes {
		s = x.expand(fmt.Sprintf("%s.scopes[%d]", field, j), s)
		if !scopePattern.MatchString(s) {
			add(fmt.Sprintf("scopes[%d]", j), fmt.Errorf("invalid scope %q", s))
		}
		p.Scopes = append(p.Scopes, s)
	}
	if v := x.expand(field+".max_concurrent_requests", pf.MaxConcurrentRequests); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		switch {
		case err != nil:
			add("max_concurrent_requests", fmt.Errorf("%q is not a whole number", v))
		case n < 1 || n > MaxConcurrentRequestsLimit:
			add("max_concurrent_requests", fmt.Errorf("%d is out of range (1 to %d)", n, MaxConcurrentRequestsLimit))
		default:
			p.MaxConcurrentRequests = n
		}
	}
	check, ok := kinds[p.Kind]
	if !ok {
		var want []string
		for _, k := range slices.Sorted(maps.Keys(kinds)) {
			want = append(want, string(k))
		}
		add("kind", fmt.Errorf("unknown kind %q (want %s)", p.Kind, strings.Join(want, " or ")))
		return p, errs
	}
	if err := check(p); err != nil {
		// Each problem names its field within the provider's section.
		for _, e := range unjoin(err) {
			errs = append(errs, fmt.Errorf("%s.%w", field, e))
		}
	}
	return p, errs
}

// unjoin returns the errors err joins, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ParseBaseURL validates a provider base URL: absolute https (http only on
// loopback, for local sandboxes), no credentials, query or fragment. The
// result has exactly one trailing slash, since USOS method paths are
// appended to it and the exact URL enters OAuth signatures.
func ParseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("required")
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not contain credentials, a query or a fragment", s)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%q must use https", s)
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/"
	u.RawPath = ""
	u.Host = strings.ToLower(u.Host)
	return u, nil
}

// parseOrigin validates a browser origin: scheme://host[:port], https unless
// loopback.
func parseOrigin(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%q is not an absolute http(s) URL", s)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q must be an origin: scheme://host[:port] with no path", s)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%q must use https (plain http is allowed only on loopback)", s)
	}
	return &url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host)}, nil
}

// parseHost validates a host name as requests carry it in Host: a name or
// IP address, with an optional port.
func parseHost(s string) (string, error) {
	u, err := url.Parse("http://" + s)
	if s == "" || err != nil || u.Host != s || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%q is not a host name, with an optional :port", s)
	}
	return strings.ToLower(s), nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("empty key")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("key is %d bytes, want 32", len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("not valid base64")
}

// expander resolves ${NAME} in values and remembers which were missing.
type expander struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (x *expander) expand(field, v string) string {
	return os.Expand(v, func(name string) string {
		if name == "$" { // "$$" stands for a literal "$"
			return "$"
		}
		val, ok := x.lookup(name)
		if !ok {
			x.errs = append(x.errs, fmt.Errorf("%s: environment variable %s is not set", field, name))
		}
		return val
	})
}
