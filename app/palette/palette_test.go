package palette

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"

	"github.com/campusweek/campusweek/shared"
)

// luminance is the WCAG 2 relative luminance of "#rrggbb".
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("colour %q: want #rrggbb", hex)
	}
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// pageSurfaces returns the page colours a block or swatch may sit on in
// each theme, as web/app.css defines them: --bg, --surface, --surface-2
// and --today-bg, each written as light-dark(light, dark).
func pageSurfaces(t *testing.T) (light, dark []string) {
	css, err := os.ReadFile("../../web/app.css")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`--(?:bg|surface|surface-2|today-bg):\s*light-dark\((#[0-9a-fA-F]{6}),\s*(#[0-9a-fA-F]{6})\);`)
	for _, m := range re.FindAllStringSubmatch(string(css), -1) {
		light = append(light, m[1])
		dark = append(dark, m[2])
	}
	if len(light) < 3 || len(dark) < 3 {
		t.Fatalf("web/app.css: found page colours %v (light) and %v (dark)", light, dark)
	}
	return light, dark
}

// Every entry passes WCAG AA in both themes: text on its background 4.5:1
// (1.4.3), the accent 3:1 against its background and every page surface of
// its theme (1.4.11).
func TestContrast(t *testing.T) {
	light, dark := pageSurfaces(t)
	for _, e := range Entries {
		for _, th := range []struct {
			name     string
			c        Colours
			surfaces []string
		}{{"light", e.Light, light}, {"dark", e.Dark, dark}} {
			if r := contrast(t, th.c.Text, th.c.Background); r < 4.5 {
				t.Errorf("entry %d, %s theme: text %s on %s has contrast %.2f, want 4.5", e.Index, th.name, th.c.Text, th.c.Background, r)
			}
			for _, s := range append([]string{th.c.Background}, th.surfaces...) {
				if r := contrast(t, th.c.Accent, s); r < 3 {
					t.Errorf("entry %d, %s theme: accent %s on %s has contrast %.2f, want 3", e.Index, th.name, th.c.Accent, s, r)
				}
			}
		}
	}
}

// The contrast arithmetic itself, on values WCAG's definition fixes.
func TestContrastFormula(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#777777", "#ffffff", 4.48}} {
		if got := contrast(t, tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestEntries(t *testing.T) {
	seen := map[string]bool{}
	for i, e := range Entries {
		if e.Index != i {
			t.Errorf("entry %d has Index %d", i, e.Index)
		}
		if seen[e.Light.Background] || seen[e.Dark.Background] {
			t.Errorf("entry %d repeats a background", i)
		}
		seen[e.Light.Background], seen[e.Dark.Background] = true, true
	}
}

func TestFor(t *testing.T) {
	// FNV-1a's published values, so the colours stay what they are on
	// every device and in every release.
	if h := fnv1a(""); h != 2166136261 {
		t.Errorf("FNV-1a of nothing = %d", h)
	}
	if h := fnv1a("a"); h != 0xe40c292c {
		t.Errorf("FNV-1a of \"a\" = %#x, want 0xe40c292c", h)
	}
	if h := fnv1a("foobar"); h != 0xbf9cf968 {
		t.Errorf("FNV-1a of \"foobar\" = %#x, want 0xbf9cf968", h)
	}
	used := map[int]bool{}
	for _, course := range []string{"Analiza matematyczna I", "Algebra liniowa z geometrią", "Wstęp do programowania",
		"Matematyka dyskretna", "Programowanie obiektowe", "Historia matematyki", "Język angielski B2", "Wychowanie fizyczne"} {
		e := For(course)
		if e != For(course) {
			t.Errorf("For(%q) is not stable", course)
		}
		if int(fnv1a(course)%uint32(len(Entries))) != e.Index {
			t.Errorf("For(%q) = %d, not FNV-1a modulo %d", course, e.Index, len(Entries))
		}
		used[e.Index] = true
	}
	if len(used) < 5 {
		t.Errorf("8 courses share %d colours", len(used))
	}
}

func TestKey(t *testing.T) {
	if k := Key(shared.Event{CourseID: "1000-112bAL", Course: "Algebra liniowa", Title: "Algebra liniowa - Wykład"}); k != "1000-112bAL" {
		t.Errorf("Key = %q", k)
	}
	// The same course in another language keeps its colour.
	if Key(shared.Event{CourseID: "1000-112bAL", Course: "Linear Algebra"}) != Key(shared.Event{CourseID: "1000-112bAL", Course: "Algebra liniowa"}) {
		t.Error("the course's name in another language changes its key")
	}
	if k := Key(shared.Event{Course: "Algebra", Title: "Algebra - Lecture"}); k != "Algebra" {
		t.Errorf("Key without a course id = %q", k)
	}
	if k := Key(shared.Event{Title: "Office hours"}); k != "Office hours" {
		t.Errorf("Key without a course = %q", k)
	}
	lecture := Key(shared.Event{Course: "Algebra", Kind: "Lecture"})
	lab := Key(shared.Event{Course: "Algebra", Kind: "Laboratory"})
	if For(lecture) != For(lab) {
		t.Error("a course's lecture and lab differ in colour")
	}
}
