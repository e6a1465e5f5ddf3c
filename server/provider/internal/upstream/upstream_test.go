package upstream

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://usosweb.uw.edu.pl/kontroler.php?_action=x": "https://usosweb.uw.edu.pl/kontroler.php?_action=x",
		" http://example.org/a ":                            "http://example.org/a",
		"javascript:alert(1)":                               "",
		"data:text/html,<script>":                           "",
		"//evil.example/":                                   "",
		"/relative":                                         "",
		"https:///nohost":                                   "",
		"":                                                  "",
	} {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	if got := Clip("  short ", 10); got != "short" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("zażółć gęślą", 3); got != "za…" {
		t.Errorf("Clip cut inside a rune: %q", got)
	}
}

func TestReadBodyCap(t *testing.T) {
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(strings.Repeat("x", MaxBody+1)))}
	if _, err := ReadBody(resp); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the cap: %v", err)
	}
	resp = &http.Response{Body: io.NopCloser(strings.NewReader(`{"a":1}`))}
	if b, err := ReadBody(resp); err != nil || string(b) != `{"a":1}` {
		t.Errorf("ReadBody = %q, %v", b, err)
	}
}
