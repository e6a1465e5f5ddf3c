package client

import (
	"bytes"
	"strings"
	"testing"
)

func TestBlank(t *testing.T) {
	for _, s := range []string{"", " ", " \t\r\n", "\u00a0\u0085\u2003", "{}", " null ", "\xff", " \xa0", "x "} {
		if got, want := blank([]byte(s)), len(bytes.TrimSpace([]byte(s))) == 0; got != want {
			t.Errorf("blank(%q) = %v, want %v", s, got, want)
		}
	}
	body := []byte(strings.Repeat(" \n", 512))
	if n := testing.AllocsPerRun(10, func() { blank(body) }); n != 0 {
		t.Errorf("blank allocates %v times, want 0", n)
	}
}
