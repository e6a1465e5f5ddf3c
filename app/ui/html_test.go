package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestElementBuilders(t *testing.T) {
	for _, tc := range []struct {
		name string
		ui   app.UI
		want string
	}{
		{"attributes in order, empty ones left out",
			el("button", attrs{"type", "button", "hidden", when(false), "aria-current", pick(false, "date"), "class", "a b"}),
			`<button type="button" class="a b"></button>`},
		{"boolean attribute on",
			el("section", attrs{"hidden", when(true), "aria-current", pick(true, "date"), "data-date", "2026-12-07"}),
			`<section aria-current="date" data-date="2026-12-07" hidden></section>`},
		{"children",
			el("ul", attrs{"class", "list"}, text("li", nil, "one"), text("li", nil, "two & <three>")),
			"<ul class=\"list\">\n  <li>one</li>\n  <li>two &amp; &lt;three&gt;</li>\n</ul>"},
		{"self-closing",
			void("input", attrs{"id", "pin", "type", "text", "required", when(true)}),
			`<input id="pin" type="text" required>`},
		{"a trailing name without a value",
			el("div", attrs{"class"}),
			`<div></div>`},
		{"button",
			button("today", "button button-quiet", "Today", when(true), nil),
			`<button id="today" type="button" class="button button-quiet" disabled>Today</button>`},
		{"an element with a handler",
			on(el("form", attrs{"id", "f"}, text("button", attrs{"type", "submit"}, "Go")), "submit", nil),
			"<form id=\"f\">\n  <button type=\"submit\">Go</button>\n</form>"},
		{"a self-closing element with a handler",
			on(void("input", attrs{"id", "q"}), "input", nil),
			`<input id="q">`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sortedAttributes(app.HTMLString(tc.ui)); got != sortedAttributes(tc.want) {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

var (
	startTag  = regexp.MustCompile(`<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>`)
	attribute = regexp.MustCompile(`[a-z-]+(?:="[^"]*")?`)
)

// sortedAttributes is html with each start tag's attributes in order of
// name: go-app writes them in its map's order.
func sortedAttributes(html string) string {
	return startTag.ReplaceAllStringFunc(html, func(tag string) string {
		m := startTag.FindStringSubmatch(tag)
		as := attribute.FindAllString(m[2], -1)
		slices.Sort(as)
		return "<" + strings.Join(append([]string{m[1]}, as...), " ") + ">"
	})
}
