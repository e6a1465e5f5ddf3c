package ui

import (
	"regexp"
	"testing"
)

func TestLiteralPath(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		path    string
		ok      bool
	}{
		{`^/$`, "/", true},
		{`^/signin$`, "/signin", true},
		{`^/public/free-rooms$`, "/public/free-rooms", true},
		{CallbackRoutePattern, "", false},
		{PINRoutePattern, "", false},
		{`^/a.b$`, "", false},
		{`/signin$`, "", false},
		{`^/signin`, "", false},
		{`^$`, "", true},
		{``, "", false},
	} {
		path, ok := literalPath(tc.pattern)
		if path != tc.path || ok != tc.ok {
			t.Errorf("literalPath(%q) = %q, %v; want %q, %v", tc.pattern, path, ok, tc.path, tc.ok)
		}
	}
}

// Every page registered by its path is exactly the path its pattern matches.
func TestLiteralRoutesMatchTheirPatterns(t *testing.T) {
	literal := 0
	for _, p := range pages {
		path, ok := literalPath(p.pattern)
		if !ok {
			continue
		}
		literal++
		re := regexp.MustCompile(p.pattern)
		if !re.MatchString(path) || re.MatchString(path+"x") || re.MatchString("x"+path) {
			t.Errorf("%s: registered as %q, which the pattern does not match alone", p.pattern, path)
		}
	}
	if literal < 5 {
		t.Errorf("%d pages are registered by their path; want the five without a provider in it", literal)
	}
}
