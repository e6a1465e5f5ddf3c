package mytimetable

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/server/sandbox/internal/demo"
)

// TestActivityTypesInDutch: the activity types, alone and in titles, in
// the language Accept-Language asks for; English for other languages.
func TestActivityTypesInDutch(t *testing.T) {
	e := newMTTEnv(t, "", amsterdamTime(2026, time.October, 14, 12, 0))
	_, tok := e.signIn("profile_read")
	from := localMidnight(demo.Date(2026, time.October, 12))
	get := func(lang string) []map[string]any {
		q := url.Values{"startDate": {ms(from)}, "endDate": {ms(from.AddDate(0, 0, 7))}}
		req, err := http.NewRequest("GET", e.base+"/api/v0/timetable?"+q.Encode(), nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Accept-Language", lang)
		req.Header.Set("Accept", "application/json")
		p := e.Do(req)
		var evs []map[string]any
		if p.Status != http.StatusOK || json.Unmarshal([]byte(p.Body), &evs) != nil || len(evs) == 0 {
			t.Fatalf("%s: %d %s", lang, p.Status, p.Body)
		}
		return evs
	}
	nl, en, pl := get("nl-NL,nl;q=0.9,en;q=0.8"), get("en-GB"), get("pl-PL,pl;q=0.9")
	types := func(evs []map[string]any) string {
		var b strings.Builder
		for _, ev := range evs {
			b.WriteString(ev["activityTypeDescription"].(string) + "|" + ev["activityDescription"].(string) + "\n")
		}
		return b.String()
	}
	if got := types(nl); !strings.Contains(got, "Hoorcollege|") || !strings.Contains(got, " - Werkcollege\n") || strings.Contains(got, "Lecture") {
		t.Errorf("Dutch:\n%s", got)
	}
	if got := types(en); !strings.Contains(got, "Lecture|") || strings.Contains(got, "Hoorcollege") {
		t.Errorf("English:\n%s", got)
	}
	if types(pl) != types(en) {
		t.Error("a language MyTimetable does not speak is not answered in English")
	}
}
