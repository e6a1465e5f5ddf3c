package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestParseForm(t *testing.T) {
	got, err := ParseForm("a=1&&a=2&b&c=&=d&e=x+y%21")
	want := []Param{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}, {Name: "b", Value: ""}, {Name: "c", Value: ""}, {Name: "", Value: "d"}, {Name: "e", Value: "x y!"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ParseForm = %q, %v; want %q", got, err, want)
	}
	if _, err := ParseForm("a=%G1"); err == nil {
		t.Error("ParseForm accepted a malformed escape")
	}
	if _, err := ParseForm(strings.Repeat("a=1&", MaxParams+1)); err == nil {
		t.Error("ParseForm accepted too many parameters")
	}
}

func TestRandomString(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := RandomString(20)
		if len(s) != 20 || seen[s] || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("RandomString: %q", s)
		}
		seen[s] = true
	}
}

func TestWithQuery(t *testing.T) {
	v := url.Values{"code": {"a b"}}
	for _, tt := range []struct{ callback, want string }{
		{"https://app.example/cb", "https://app.example/cb?code=a+b"},
		{"https://app.example/cb?", "https://app.example/cb?code=a+b"},
		{"https://app.example/cb?src=x%2Fy", "https://app.example/cb?src=x%2Fy&code=a+b"},
		{"https://app.example/cb?src=1&", "https://app.example/cb?src=1&code=a+b"},
		{"https://app.example/cb?src=1#top", "https://app.example/cb?src=1&code=a+b#top"},
	} {
		if got := WithQuery(tt.callback, v); got != tt.want {
			t.Errorf("WithQuery(%q) = %q, want %q", tt.callback, got, tt.want)
		}
	}
}
