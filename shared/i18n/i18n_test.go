package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"time"

	"github.com/campusweek/campusweek/shared"
	"golang.org/x/text/language"
)

func TestCatalogsComplete(t *testing.T) {
	for _, l := range Langs {
		for k := range numKeys {
			if strings.TrimSpace(l.T(k)) == "" {
				t.Errorf("%v: key %d (%s) is empty", l, k, keyNames(t)[k])
			}
		}
	}
}

// TestCatalogsAgree checks that every language has the same placeholders
// per key, and that plural messages have as many forms as the language
// has.
func TestCatalogsAgree(t *testing.T) {
	names := keyNames(t)
	forms := map[Lang]int{English: 2, Dutch: 2, Polish: 3}
	for k := range numKeys {
		want := placeholders(English.T(k))
		plural := strings.Contains(English.T(k), "{n}")
		for _, l := range Langs {
			if got := placeholders(l.T(k)); got != want {
				t.Errorf("%v %s: placeholders %q, English has %q", l, names[k], got, want)
			}
			if n := len(strings.Split(l.T(k), "|")); plural && n != forms[l] {
				t.Errorf("%v %s: %d plural forms, want %d", l, names[k], n, forms[l])
			}
		}
	}
}

// placeholders lists the distinct {…} of s, sorted.
func placeholders(s string) string {
	seen := map[string]bool{}
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		seen[s[i:i+j+1]] = true
		s = s[i+j+1:]
	}
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	return strings.Join(sortedStrings(out), ",")
}

func sortedStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}

// keyNames returns the names of the keys, from keys.go.
func keyNames(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "keys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				if n.Name != "numKeys" {
					names = append(names, n.Name)
				}
			}
		}
	}
	if len(names) != int(numKeys) {
		t.Fatalf("keys.go declares %d keys, numKeys is %d", len(names), numKeys)
	}
	return names
}

func TestPolishPlurals(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "0 minut temu"},
		{1, "1 minutę temu"},
		{2, "2 minuty temu"},
		{4, "4 minuty temu"},
		{5, "5 minut temu"},
		{12, "12 minut temu"},
		{14, "14 minut temu"},
		{21, "21 minut temu"},
		{22, "22 minuty temu"},
		{24, "24 minuty temu"},
		{25, "25 minut temu"},
		{112, "112 minut temu"},
		{122, "122 minuty temu"},
	} {
		if got := Polish.N(WeekSyncedMinutesAgo, c.n); got != c.want {
			t.Errorf("Polish %d: got %q, want %q", c.n, got, c.want)
		}
	}
	for _, c := range []struct {
		l    Lang
		k    Key
		n    int
		want string
	}{
		{English, WeekSyncedMinutesAgo, 0, "0 minutes ago"},
		{English, WeekSyncedMinutesAgo, 1, "1 minute ago"},
		{English, WeekSyncedMinutesAgo, 2, "2 minutes ago"},
		{Dutch, WeekSyncedMinutesAgo, 1, "1 minuut geleden"},
		{Dutch, WeekSyncedMinutesAgo, 5, "5 minuten geleden"},
		{Polish, CalDownloadHint, 1, " najbliższy 1 tydzień, jednorazowo."},
		{Polish, CalDownloadHint, 3, " najbliższe 3 tygodnie, jednorazowo."},
		{Polish, CalDownloadHint, 17, " najbliższych 17 tygodni, jednorazowo."},
		{Dutch, CalDownloadHint, 17, " de komende 17 weken, eenmalig."},
		{English, CalDownloadHint, 1, " the next 1 week, once."},
	} {
		if got := c.l.N(c.k, c.n); got != c.want {
			t.Errorf("%v %d: got %q, want %q", c.l, c.n, got, c.want)
		}
	}
}

func TestFill(t *testing.T) {
	if got := English.F(WeekSyncedOnAt, "21 Nov", "09:14"); got != "on 21 Nov at 09:14" {
		t.Errorf("got %q", got)
	}
	if got := Polish.F(FeedNoteFixed, "USOS", "6 grudnia 2026"); !strings.Contains(got, "USOS nie pozwala") || !strings.Contains(got, "gdy USOS zakończy") || !strings.Contains(got, "do 6 grudnia 2026") {
		t.Errorf("got %q", got)
	}
	if got := fill("{progress}% {1} {9} {x", []string{"a"}); got != "{progress}% a {9} {x" {
		t.Errorf("unknown placeholders must stay: got %q", got)
	}
}

func TestDates(t *testing.T) {
	d := func(y int, m time.Month, day int) shared.Date { return shared.Date{Year: y, Month: m, Day: day} }
	for _, c := range []struct {
		l                          Lang
		date                       shared.Date
		full, short, weekday, week string
	}{
		{Polish, d(2026, 12, 6), "6 grudnia 2026", "6 gru", "niedziela", "30 listopada – 6 grudnia 2026"},
		{Dutch, d(2026, 12, 6), "6 december 2026", "6 dec", "zondag", "30 november – 6 december 2026"},
		{English, d(2026, 12, 6), "6 December 2026", "6 Dec", "Sunday", "30 November – 6 December 2026"},
		{Polish, d(2026, 11, 30), "30 listopada 2026", "30 lis", "poniedziałek", "30 listopada – 6 grudnia 2026"},
		{Dutch, d(2026, 11, 30), "30 november 2026", "30 nov", "maandag", "30 november – 6 december 2026"},
		{English, d(2026, 11, 30), "30 November 2026", "30 Nov", "Monday", "30 November – 6 December 2026"},
		{Polish, d(2026, 11, 25), "25 listopada 2026", "25 lis", "środa", "23 – 29 listopada 2026"},
		{Dutch, d(2026, 3, 4), "4 maart 2026", "4 mrt", "woensdag", "2 – 8 maart 2026"},
		{Polish, d(2027, 1, 1), "1 stycznia 2027", "1 sty", "piątek", "28 grudnia 2026 – 3 stycznia 2027"},
		{Dutch, d(2027, 1, 1), "1 januari 2027", "1 jan", "vrijdag", "28 december 2026 – 3 januari 2027"},
		{English, d(2027, 1, 1), "1 January 2027", "1 Jan", "Friday", "28 December 2026 – 3 January 2027"},
		{Polish, d(2026, 10, 10), "10 października 2026", "10 paź", "sobota", "5 – 11 października 2026"},
	} {
		if got := c.l.Date(c.date); got != c.full {
			t.Errorf("%v Date(%v) = %q, want %q", c.l, c.date, got, c.full)
		}
		if got := c.l.ShortDate(c.date); got != c.short {
			t.Errorf("%v ShortDate(%v) = %q, want %q", c.l, c.date, got, c.short)
		}
		if got := c.l.Weekday(c.date.Weekday()); got != c.weekday {
			t.Errorf("%v Weekday(%v) = %q, want %q", c.l, c.date, got, c.weekday)
		}
		if got := c.l.WeekRange(c.date.Monday()); got != c.week {
			t.Errorf("%v WeekRange(%v) = %q, want %q", c.l, c.date.Monday(), got, c.week)
		}
	}
	at := time.Date(2026, 12, 6, 8, 5, 0, 0, time.FixedZone("", 3600))
	if got := Clock(at); got != "08:05" {
		t.Errorf("Clock = %q", got)
	}
	if got := Clock(at.Add(12 * time.Hour)); got != "20:05" {
		t.Errorf("Clock = %q, want the 24-hour clock", got)
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		prefs []string
		want  Lang
	}{
		{[]string{"pl-PL", "pl", "en-US", "en"}, Polish},
		{[]string{"nl-BE", "fr-BE"}, Dutch},
		{[]string{"nl-NL"}, Dutch},
		{[]string{"en-GB"}, English},
		{[]string{"de-DE", "nl"}, Dutch},
		{[]string{"fr-FR", "de"}, English},
		{[]string{"en-US", "pl"}, English},
		{[]string{"PL"}, Polish},
		{nil, English},
	} {
		if got := Match(c.prefs...); got != c.want {
			t.Errorf("Match(%q) = %v, want %v", c.prefs, got, c.want)
		}
		// golang.org/x/text's matcher agrees (it is too large for
		// app.wasm, so it checks the tables here).
		supported := []language.Tag{language.English, language.Polish, language.Dutch}
		var desired []language.Tag
		for _, p := range c.prefs {
			desired = append(desired, language.Make(p))
		}
		_, i, conf := language.NewMatcher(supported).Match(desired...)
		if conf == language.No {
			i = 0
		}
		if want := []Lang{English, Polish, Dutch}[i]; want != c.want {
			t.Errorf("x/text matches %q to %v, the table to %v", c.prefs, want, c.want)
		}
	}
}

func TestMatchAccept(t *testing.T) {
	for _, c := range []struct {
		header string
		want   Lang
	}{
		{"pl-PL,pl;q=0.9,en-US;q=0.8,en;q=0.7", Polish},
		{"nl-BE,nl;q=0.9", Dutch},
		{"en-GB,en;q=0.9,nl;q=0.8", English},
		{"de;q=0.9,nl;q=0.95", Dutch},
		{"en;q=0.5, pl;q=0.8", Polish},
		{"pl;q=0, nl", Dutch},
		{"*, pl;q=0.1", Polish},
		{"", English},
		{"fr-FR", English},
		{"pl;q=abc, nl;q=0.2", Dutch},
		{"pl;q=0.0, nl;q=0.000", English},
		{strings.Repeat("de,", 40) + "pl", English}, // past the entries read
	} {
		if got := MatchAccept(c.header); got != c.want {
			t.Errorf("MatchAccept(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for tag, want := range map[string]Lang{"pl": Polish, "nl_BE": Dutch, "EN-gb": English, " nl ": Dutch} {
		if got, ok := Parse(tag); !ok || got != want {
			t.Errorf("Parse(%q) = %v, %v", tag, got, ok)
		}
	}
	for _, tag := range []string{"", "de", "plx", "e"} {
		if _, ok := Parse(tag); ok {
			t.Errorf("Parse(%q) accepted", tag)
		}
	}
	for _, l := range Langs {
		if back, ok := Parse(l.String()); !ok || back != l {
			t.Errorf("%v does not round-trip", l)
		}
	}
}

func TestErrorKey(t *testing.T) {
	for code, want := range map[shared.ErrorCode]Key{
		shared.CodeSignedOut:       ErrSignedOut,
		shared.CodeUpstreamTimeout: ErrUpstream,
		shared.CodeRateLimited:     ErrRateLimited,
		shared.CodeUnsupported:     ErrUnsupported,
		shared.CodeInternal:        ErrGeneric,
		"something_new":            ErrGeneric,
	} {
		if got := ErrorKey(code); got != want {
			t.Errorf("ErrorKey(%s) = %d, want %d", code, got, want)
		}
	}
}

func TestAcceptTagsBounded(t *testing.T) {
	if got := AcceptTags(strings.Repeat("pl;q=0.5,", 100000)); len(got) != maxAcceptTags {
		t.Errorf("%d tags from a huge header", len(got))
	}
	if got := AcceptTags("en;q=0.1, pl-PL, nl;q=0.5"); strings.Join(got, " ") != "pl-PL nl en" {
		t.Errorf("AcceptTags = %q", got)
	}
}
