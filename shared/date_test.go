package shared

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-11-26") // a Thursday
	if err != nil {
		t.Fatal(err)
	}
	if d.String() != "2026-11-26" || d.Weekday() != time.Thursday || d.Monday().String() != "2026-11-23" {
		t.Errorf("%v %v %v", d, d.Weekday(), d.Monday())
	}
	if sun := DateOf(time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)); sun.Monday().String() != "2026-11-23" {
		t.Errorf("Sunday's Monday: %v", sun.Monday())
	}
	if got := d.AddDays(40).String(); got != "2027-01-05" {
		t.Errorf("AddDays across a year: %s", got)
	}
	if n := MustDate(t, "2026-03-23").DaysUntil(MustDate(t, "2026-04-06")); n != 14 {
		t.Errorf("DaysUntil across DST: %d", n)
	}
	if !d.Before(d.AddDays(1)) || d.After(d) || d.Compare(d) != 0 {
		t.Error("comparisons")
	}
	for _, bad := range []string{"2026-02-30", "26-11-23", "2026-11-23T00:00:00Z", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Dates outside [MinDate, MaxDate] are refused by name, so that no range
// can reach year 0 or run past year 9999 ("10000-01-06").
func TestDateBounds(t *testing.T) {
	for s, ok := range map[string]bool{
		"0000-01-01": false,
		"0001-01-01": false,
		"1969-12-31": false,
		"1970-01-01": true,
		"2026-11-23": true,
		"2200-12-31": true,
		"2201-01-01": false,
		"9999-12-31": false,
	} {
		d, err := ParseDate(s)
		if ok && (err != nil || d.String() != s || !d.Supported()) {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "from 1970-01-01 to 2200-12-31")) {
			t.Errorf("ParseDate(%q) = %v, %v; want an error naming the bounds", s, d, err)
		}
	}
	if MaxDate.AddDays(1).Supported() || MinDate.AddDays(-1).Supported() {
		t.Error("Supported past the bounds")
	}
	var v struct{ From Date }
	if err := json.Unmarshal([]byte(`{"From":"0000-01-01"}`), &v); err == nil {
		t.Error("JSON accepted year 0")
	}
}

func MustDate(t *testing.T, s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDateJSON(t *testing.T) {
	var v struct {
		From Date `json:"from"`
		To   Date `json:"to"`
	}
	if err := json.Unmarshal([]byte(`{"from":"2026-11-23","to":""}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.From.String() != "2026-11-23" || !v.To.IsZero() {
		t.Errorf("%+v", v)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"from":"2026-11-23","to":""}` {
		t.Errorf("%s", b)
	}
	if err := json.Unmarshal([]byte(`{"from":"2026-13-01"}`), &v); err == nil {
		t.Error("invalid month accepted")
	}
}

func TestErrorEnvelope(t *testing.T) {
	b, _ := json.Marshal(ErrorResponse{Error: Error{Code: CodeSignedOut, Message: "Sign in again."}})
	if string(b) != `{"error":{"code":"signed_out","message":"Sign in again."}}` {
		t.Errorf("%s", b)
	}
	var err error = &Error{Code: CodeBadRequest, Message: "x"}
	if err.Error() != "bad_request: x" {
		t.Error(err)
	}
}
