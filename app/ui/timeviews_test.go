package ui

import "testing"

func TestCSSString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"e123", "e123"},
		{`x"a\b`, `x\"a\\b`},
		{"line\nbreak", `line\a break`},
		{"zaż\xffółć", "zaż\xffółć"},
	} {
		if got := cssString(tc.in); got != tc.want {
			t.Errorf("cssString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
