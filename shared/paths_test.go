package shared_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

func TestCleanReturnTo(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means refused
	}{
		{"", "/"},
		{"/", "/"},
		{"/?week=2026-11-23", "/?week=2026-11-23"},
		{"/signin?x=a%2Fb", "/signin?x=a%2Fb"}, // encoded slash in the query is data
		{"/plan/ü", "/plan/ü"},                 // returned as given, not re-escaped
		{"/#top", "/#top"},
		{"//evil.com", ""},
		{"/\\evil.com", ""},
		{"/%2F%2Fevil.com/ü", ""}, // re-escaping made this "///evil.com/%C3%BC"
		{"/%2f%2fevil.com", ""},
		{"/%5C%5Cevil.com", ""},
		{"/%5cevil.com", ""},
		{"/\t/evil.com", ""},
		{"/\n/evil.com", ""},
		{"/ /evil.com", ""},
		{"/\x7f", ""},
		{"/\u0085", ""},
		{"/a/../b", ""},
		{"/a/%2e%2e/b", ""},
		{"/./b", ""},
		{"https://evil.com/", ""},
		{"evil.com", ""},
		{"javascript:alert(1)", ""},
		{"/\xff", ""},
		{"/" + strings.Repeat("a", shared.MaxReturnToLen), ""},
	} {
		got, err := shared.CleanReturnTo(tc.in)
		if tc.want == "" {
			if !errors.Is(err, shared.ErrReturnTo) {
				t.Errorf("CleanReturnTo(%q) = %q, %v; want ErrReturnTo", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CleanReturnTo(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// No value CleanReturnTo accepts leads anywhere but the site itself, read
// as a URL parser reads it, and again after one more decoding of its path
// (as a server behind a proxy may do).
func FuzzCleanReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/?week=2026-11-23", "//evil.com", "/%2F%2Fevil.com/ü", "/\\evil", "/a/../b", "/%252F%252Fevil"} {
		f.Add(s)
	}
	public, _ := url.Parse("https://campus.example/")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := shared.CleanReturnTo(s)
		if err != nil {
			return
		}
		if got != s && !(s == "" && got == "/") {
			t.Fatalf("CleanReturnTo(%q) returned %q, not what it checked", s, got)
		}
		ref, err := url.Parse(got)
		if err != nil {
			t.Fatalf("accepted %q does not parse: %v", got, err)
		}
		abs := public.ResolveReference(ref)
		if abs.Scheme != public.Scheme || abs.Host != public.Host || abs.User != nil {
			t.Fatalf("accepted %q resolves to %s", got, abs)
		}
		if strings.HasPrefix(abs.Path, "//") || strings.HasPrefix(abs.EscapedPath(), "//") {
			t.Fatalf("accepted %q has a protocol-relative path %q", got, abs.EscapedPath())
		}
		if again, err := url.Parse(abs.Path); err == nil && (again.Host != "" || again.Scheme != "") {
			t.Fatalf("accepted %q resolves elsewhere once decoded: %q", got, abs.Path)
		}
	})
}

func TestFeedPath(t *testing.T) {
	p := shared.FeedPath("abc_DEF-1")
	if p != "/feed/abc_DEF-1/campusweek.ics" {
		t.Fatalf("FeedPath = %q", p)
	}
	if tok, ok := shared.FeedToken(p); !ok || tok != "abc_DEF-1" {
		t.Fatalf("FeedToken(%q) = %q, %v", p, tok, ok)
	}
	for _, bad := range []string{"/feed//campusweek.ics", "/feed/a/b/campusweek.ics", "/feed/a/other.ics", "/x/a/campusweek.ics", "/feed/a"} {
		if tok, ok := shared.FeedToken(bad); ok {
			t.Errorf("FeedToken(%q) = %q, true; want false", bad, tok)
		}
	}
	if shared.CallbackPath("demo-usos") != "/auth/callback/demo-usos" {
		t.Errorf("CallbackPath = %q", shared.CallbackPath("demo-usos"))
	}
}
