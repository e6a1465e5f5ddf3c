package usos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/campusweek/campusweek/server/provider"
)

// USOS documents ids as "strings where possible", yet installations send
// numbers too, and translations (LangDicts) may be null or empty. These
// types decode every shape seen in the wild rather than failing a whole
// timetable over one odd field.

// flexString decodes a JSON string, number, boolean or null into a string.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || bytes.Equal(b, []byte("null")):
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n.String())
	case bytes.Equal(b, []byte("true")) || bytes.Equal(b, []byte("false")):
		*f = flexString(b)
	default:
		return fmt.Errorf("usos: want a string or number, got %.20s", b)
	}
	return nil
}

// langDict is a USOS LangDict: {"pl": "...", "en": "..."}. A plain string
// is accepted as a translation-less value.
type langDict map[string]string

func (d *langDict) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*d = nil
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = langDict{"": s}
		return nil
	}
	var raw map[string]*string
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("usos: LangDict: %w", err)
	}
	m := make(langDict, len(raw))
	for k, v := range raw {
		if v != nil {
			m[k] = strings.TrimSpace(*v)
		}
	}
	*d = m
	return nil
}

// pick returns the first non-empty translation in preference order, then
// Polish (always present at Polish universities), then anything.
func (d langDict) pick(langs []string) string {
	for _, l := range langs {
		if v := d[l]; v != "" {
			return v
		}
	}
	for _, l := range []string{"pl", "en", ""} {
		if v := d[l]; v != "" {
			return v
		}
	}
	for _, v := range d {
		if v != "" {
			return v
		}
	}
	return ""
}

// activity is one element of services/tt/user.
type activity struct {
	Type          string       `json:"type"`
	StartTime     string       `json:"start_time"`
	EndTime       string       `json:"end_time"`
	Name          langDict     `json:"name"`
	URL           flexString   `json:"url"`
	CourseID      flexString   `json:"course_id"`
	CourseName    langDict     `json:"course_name"`
	ClasstypeID   flexString   `json:"classtype_id"`
	ClasstypeName langDict     `json:"classtype_name"`
	GroupNumber   flexString   `json:"group_number"`
	LecturerIDs   []flexString `json:"lecturer_ids"`
	BuildingID    flexString   `json:"building_id"`
	BuildingName  langDict     `json:"building_name"`
	RoomNumber    flexString   `json:"room_number"`
	UnitID        flexString   `json:"unit_id"`
}

// ttFields are the fields requested from services/tt/user. USOS returns only
// what is asked for, and rejects unknown fields.
const ttFields = "type|start_time|end_time|name|url|course_id|course_name|classtype_id|" +
	"classtype_name|group_number|lecturer_ids|building_id|building_name|room_number|unit_id"

// user is services/users/user (and each value of services/users/users).
type user struct {
	ID        flexString `json:"id"`
	FirstName flexString `json:"first_name"`
	LastName  flexString `json:"last_name"`
	Titles    *struct {
		Before flexString `json:"before"`
		After  flexString `json:"after"`
	} `json:"titles"`
}

func (u user) fullName(withTitles bool) string {
	parts := []string{}
	if withTitles && u.Titles != nil && u.Titles.Before != "" {
		parts = append(parts, string(u.Titles.Before))
	}
	for _, p := range []flexString{u.FirstName, u.LastName} {
		if p != "" {
			parts = append(parts, string(p))
		}
	}
	name := strings.Join(parts, " ")
	if withTitles && u.Titles != nil && u.Titles.After != "" {
		name += ", " + string(u.Titles.After)
	}
	return name
}

// warsaw is where every USOS installation keeps its clock.
var warsaw = provider.MustLoadLocation("Europe/Warsaw")

// parseLocal parses USOS's "YYYY-MM-DD HH:MM:SS" Polish wall-clock time.
//
// Wall times that occur twice (the autumn DST change) resolve to the first
// occurrence; wall times that do not exist (the spring gap) are read with
// the offset in force before the gap, as RFC 5545 does, so 02:30 becomes
// 03:30 summer time. Go's time.Date leaves both cases unspecified.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	naive, err := time.Parse(time.DateTime, strings.TrimSpace(s))
	if err != nil {
		// Some installations add fractional seconds.
		naive, err = time.Parse("2006-01-02 15:04:05.999999", strings.TrimSpace(s))
		if err != nil {
			return time.Time{}, fmt.Errorf("usos: time %q: want YYYY-MM-DD HH:MM:SS", s)
		}
	}
	_, before := naive.Add(-26 * time.Hour).In(loc).Zone() // offsets around the wall time
	_, after := naive.Add(26 * time.Hour).In(loc).Zone()
	var found []time.Time
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(t, naive) {
			found = append(found, t)
		}
	}
	switch {
	case len(found) == 0: // in the gap
		return naive.Add(-time.Duration(before) * time.Second).In(loc), nil
	case len(found) == 2 && found[1].Before(found[0]):
		return found[1], nil
	default:
		return found[0], nil
	}
}

func sameWall(t, naive time.Time) bool {
	y, m, d := t.Date()
	ny, nm, nd := naive.Date()
	return y == ny && m == nm && d == nd && t.Hour() == naive.Hour() &&
		t.Minute() == naive.Minute() && t.Second() == naive.Second()
}

// itoa avoids strconv noise at call sites.
func itoa(n int) string { return strconv.Itoa(n) }
