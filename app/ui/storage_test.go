package ui

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/campusweek/campusweek/app/timetable"
)

func TestStoredValues(t *testing.T) {
	a := timetable.Account{Provider: "uw", UserID: "7", Name: "Zofia Żółć"}
	s, err := encodeStored(a)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\x1e" + `{"provider":"uw","user_id":"7","name":"Zofia Żółć"}` + "\n"; s != want {
		t.Errorf("stored as %q, want %q", s, want)
	}
	// go-app parses every localStorage value as JSON as it starts: a
	// stored value must stop that parse at its first byte.
	var syntax *json.SyntaxError
	if err := json.Unmarshal([]byte(s), new(any)); !errors.As(err, &syntax) || syntax.Offset != 1 {
		t.Errorf("json.Unmarshal of a stored value = %v, want a syntax error at its first byte", err)
	}

	for _, tc := range []struct {
		name, stored string
		ok           bool
	}{
		{"as stored", s, true},
		{"without the line feed", "\x1e" + `{"provider":"uw","user_id":"7","name":"Zofia Żółć"}`, true},
		{"bare JSON, as earlier versions stored it", `{"provider":"uw","user_id":"7","name":"Zofia Żółć"}`, true},
		{"two separators", "\x1e\x1e{}", false},
		{"not JSON", "\x1eprovider=uw", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got timetable.Account
			err := decodeStored(tc.stored, &got)
			if tc.ok && (err != nil || got != a) {
				t.Errorf("decodeStored = %+v, %v; want %+v", got, err, a)
			}
			if !tc.ok && err == nil {
				t.Errorf("decodeStored(%q) = %+v, want an error", tc.stored, got)
			}
		})
	}
}

func TestDeviceStorageOutsideABrowser(t *testing.T) {
	// Prerendering on the server stores nothing and finds nothing.
	var st deviceStorage
	if err := st.Set("k", 1); err == nil {
		t.Error("Set outside a browser succeeded")
	}
	v := 5
	if err := st.Get("k", &v); err != nil || v != 5 {
		t.Errorf("Get outside a browser = %d, %v; want v untouched, no error", v, err)
	}
	st.ForEach(func(k string) { t.Errorf("ForEach outside a browser found %q", k) })
}
