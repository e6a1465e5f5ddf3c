// Package palette gives each course a colour of its own: the same course
// gets the same colour on every device, from a hash of its key, and every
// colour's text passes WCAG AA contrast (4.5:1) on its background in both
// the light and the dark theme (the package's tests compute it).
package palette

import "github.com/campusweek/campusweek/shared"

// Colours are the colours of a course in one theme, as CSS "#rrggbb".
type Colours struct {
	// Background fills a class block, and Text is written on it.
	Background, Text string
	// Accent marks the course against the page (a block's edge, a legend
	// swatch); it has 3:1 contrast with the page's surface and with
	// Background, as WCAG asks of graphics.
	Accent string
}

// Entry is one colour of the palette, in both themes.
type Entry struct {
	// Index is the entry's place in the palette, e.g. for a CSS class.
	Index       int
	Light, Dark Colours
}

// Entries is the palette. Adding an entry changes the colour of most
// courses, so add none lightly.
var Entries = []Entry{
	{0, Colours{"#dbeafe", "#1e3a8a", "#1d4ed8"}, Colours{"#172554", "#dbeafe", "#60a5fa"}},  // blue
	{1, Colours{"#fee2e2", "#7f1d1d", "#b91c1c"}, Colours{"#450a0a", "#fee2e2", "#f87171"}},  // red
	{2, Colours{"#dcfce7", "#14532d", "#15803d"}, Colours{"#052e16", "#dcfce7", "#4ade80"}},  // green
	{3, Colours{"#fef3c7", "#78350f", "#b45309"}, Colours{"#451a03", "#fef3c7", "#fbbf24"}},  // amber
	{4, Colours{"#ede9fe", "#4c1d95", "#6d28d9"}, Colours{"#2e1065", "#ede9fe", "#a78bfa"}},  // violet
	{5, Colours{"#ccfbf1", "#134e4a", "#0f766e"}, Colours{"#042f2e", "#ccfbf1", "#2dd4bf"}},  // teal
	{6, Colours{"#fce7f3", "#831843", "#be185d"}, Colours{"#500724", "#fce7f3", "#f472b6"}},  // pink
	{7, Colours{"#ffedd5", "#7c2d12", "#c2410c"}, Colours{"#431407", "#ffedd5", "#fb923c"}},  // orange
	{8, Colours{"#e0f2fe", "#0c4a6e", "#0369a1"}, Colours{"#082f49", "#e0f2fe", "#38bdf8"}},  // sky
	{9, Colours{"#ecfccb", "#365314", "#4d7c0f"}, Colours{"#1a2e05", "#ecfccb", "#a3e635"}},  // lime
	{10, Colours{"#fae8ff", "#701a75", "#a21caf"}, Colours{"#4a044e", "#fae8ff", "#e879f9"}}, // fuchsia
	{11, Colours{"#e0e7ff", "#312e81", "#4338ca"}, Colours{"#1e1b4b", "#e0e7ff", "#818cf8"}}, // indigo
}

// For returns the palette entry of the course with the given key: FNV-1a
// of the key, modulo the palette's size, so every device agrees.
func For(key string) Entry {
	return Entries[fnv1a(key)%uint32(len(Entries))]
}

// fnv1a is the 32-bit FNV-1a hash of s (as hash/fnv computes it, without
// the package).
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Key returns what identifies e's course for its colour: the course as
// hiding classes knows it (shared.CourseKey), the same in every language.
func Key(e shared.Event) string { return shared.CourseKey(e) }

// Style returns CSS custom properties that carry the entry's colours in
// both themes, for a class block's style attribute:
// --course-bg, --course-text, --course-accent and their -dark twins; the
// stylesheet picks one set by theme.
func (e Entry) Style() string {
	return "--course-bg:" + e.Light.Background + ";--course-text:" + e.Light.Text + ";--course-accent:" + e.Light.Accent +
		";--course-bg-dark:" + e.Dark.Background + ";--course-text-dark:" + e.Dark.Text + ";--course-accent-dark:" + e.Dark.Accent
}
