// Package i18n holds the languages of CampusWeek: which ones it speaks
// (Polish, Dutch, English), how a browser's preferences map to them, one
// message catalog per language, plural rules, and the forms of dates and
// times. It is plain Go: app.wasm uses it to render the PWA, the server to
// prerender pages and to word calendar exports and feed answers.
//
// The tables are written by hand rather than with golang.org/x/text or
// go-i18n: they cost app.wasm a few kilobytes (brotli), where x/text's
// language matcher alone adds about 64 KB and go-i18n about 545 KB.
package i18n

import (
	"strconv"
	"strings"
)

// Lang is a language CampusWeek speaks. The zero Lang is English, the
// language used when nothing better matches.
type Lang uint8

// The supported languages.
const (
	English Lang = iota
	Polish
	Dutch
	numLangs
)

// Langs lists the supported languages in the order a language switch
// offers them.
var Langs = []Lang{Polish, Dutch, English}

var tags = [numLangs]string{English: "en", Polish: "pl", Dutch: "nl"}

// names are the languages' names in themselves, as a switch shows them.
var names = [numLangs]string{English: "English", Polish: "Polski", Dutch: "Nederlands"}

// String returns the BCP 47 tag of l: "en", "pl" or "nl".
func (l Lang) String() string {
	if l >= numLangs {
		return tags[English]
	}
	return tags[l]
}

// Name returns the name of l in l itself ("Polski").
func (l Lang) Name() string {
	if l >= numLangs {
		return names[English]
	}
	return names[l]
}

// Parse returns the supported language of a BCP 47 tag by its primary
// subtag, case-insensitively: "pl-PL", "nl-BE", "en_GB" and "EN" all
// parse. It reports false for other languages.
func Parse(tag string) (Lang, bool) {
	primary := strings.TrimSpace(tag)
	if i := strings.IndexAny(primary, "-_"); i >= 0 {
		primary = primary[:i]
	}
	primary = strings.ToLower(primary)
	for l, t := range tags {
		if primary == t {
			return Lang(l), true
		}
	}
	return English, false
}

// Match returns the supported language that best matches prefs, language
// tags in the order the user prefers them (navigator.languages): the first
// one CampusWeek speaks, a regional variant counting as its language
// (Belgian Dutch is Dutch). It returns English when none matches.
func Match(prefs ...string) Lang {
	for _, p := range prefs {
		if l, ok := Parse(p); ok {
			return l
		}
	}
	return English
}

// MatchAccept is Match for an Accept-Language header: the tags in order
// of their quality (ties in the header's order), skipping q=0 and "*".
func MatchAccept(header string) Lang {
	return Match(AcceptTags(header)...)
}

// maxAcceptTags bounds the entries of an Accept-Language header that
// AcceptTags reads (browsers send a handful): the header comes from the
// network.
const maxAcceptTags = 32

// AcceptTags returns the language tags of an Accept-Language header, by
// descending quality (ties in the header's order), without those with
// q=0, the wildcard and malformed entries. It reads the first
// maxAcceptTags entries only.
func AcceptTags(header string) []string {
	type entry struct {
		tag string
		q   float64
	}
	var es []entry
	n := 0
	for part := range strings.SplitSeq(header, ",") {
		if n++; n > maxAcceptTags {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" || tag == "*" || len(tag) > 35 {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if q == 0 {
			continue
		}
		// Insertion keeps equal qualities in the header's order.
		i := len(es)
		for i > 0 && es[i-1].q < q {
			i--
		}
		es = append(es, entry{})
		copy(es[i+1:], es[i:])
		es[i] = entry{tag, q}
	}
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.tag
	}
	return out
}

// T returns the message k in l.
func (l Lang) T(k Key) string {
	if l >= numLangs || k >= numKeys {
		return ""
	}
	return catalogs[l][k]
}

// F returns the message k in l with its placeholders {1}, {2}, …
// replaced by args in order.
func (l Lang) F(k Key, args ...string) string {
	return fill(l.T(k), args)
}

// N returns the plural message k in l for the count n: the form the
// language's plural rule picks for n, with {n} replaced by n and {1}, …
// by args. A plural message holds its forms separated by "|": English
// and Dutch one|other, Polish one|few|many.
func (l Lang) N(k Key, n int, args ...string) string {
	forms := strings.Split(l.T(k), "|")
	form := forms[min(int(l.Plural(n)), len(forms)-1)]
	return fill(strings.ReplaceAll(form, "{n}", strconv.Itoa(n)), args)
}

// fill replaces {1}, {2}, … in s with args.
func fill(s string, args []string) string {
	if len(args) == 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(s[i+1 : i+j])
		if err != nil || n < 1 || n > len(args) {
			b.WriteString(s[:i+j+1])
		} else {
			b.WriteString(s[:i])
			b.WriteString(args[n-1])
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Form is a plural form, by its index in a plural message.
type Form uint8

// The plural forms. English and Dutch use One and Other (index 1); Polish
// One, Few and Many.
const (
	One   Form = 0
	Other Form = 1
	Few   Form = 1
	Many  Form = 2
)

// Plural returns the plural form l uses for the integer n (CLDR rules):
// Polish "one" for 1, "few" when n ends in 2–4 but not 12–14, "many"
// otherwise (0, 5–21, 25…); English and Dutch "one" for 1 and "other"
// otherwise.
func (l Lang) Plural(n int) Form {
	if n < 0 {
		n = -n
	}
	if n == 1 {
		return One
	}
	if l != Polish {
		return Other
	}
	if d, h := n%10, n%100; d >= 2 && d <= 4 && (h < 12 || h > 14) {
		return Few
	}
	return Many
}
