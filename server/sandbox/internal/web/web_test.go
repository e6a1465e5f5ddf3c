package web

import (
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
