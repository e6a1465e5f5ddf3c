package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The screens build their elements with el, text and void instead of
// go-app's typed constructors (app.Div().ID(…).Class(…).Body(…)). Both
// make the same go-app elements, so the DOM, the prerendered HTML and
// go-app's updates are the same; the difference is app.wasm's size. Every
// typed element brings its own copy of a hundred methods, and every
// chained call is code at its call site; here a call site is one call
// with its attributes as data, and the loop over them exists once. See
// "Size" in docs/DEVELOPING.md.

// attrs are an element's attributes as name/value pairs, in the order
// written: attrs{"id", "day-view", "class", "day-view", "aria-label", label}.
// A pair whose value is "" is left out (go-app's rule), which is how an
// optional attribute is written: "hidden", when(!shown), or
// "aria-current", pick(today, "date"). A boolean attribute is on with the
// value "true". A trailing name without a value is ignored.
type attrs []string

// el is the element tag with the attributes a and the children body.
// Events are added by on: on(el(…), "click", h). A nil child is left out
// (go-app's Body drops it), which is how an optional part is written: a
// variable that stays nil unless an if sets it.
//
// el, text and void return app.UI, what their callers pass on as
// children: returning app.HTMLElem would convert each result at its call
// site, code that on does once.
func el(tag string, a attrs, body ...app.UI) app.UI {
	e := app.Elem(tag)
	for i := 0; i+1 < len(a); i += 2 {
		e = e.Attr(a[i], a[i+1])
	}
	if len(body) > 0 {
		e = e.Body(body...)
	}
	return e
}

// text is the element tag with the attributes a and the text s as its
// only child.
func text(tag string, a attrs, s string) app.UI {
	return el(tag, a, app.Text(s))
}

// void is the element tag that has no children and no closing tag
// (input, img, br), with the attributes a.
func void(tag string, a attrs) app.UI {
	e := app.ElemSelfClosing(tag)
	for i := 0; i+1 < len(a); i += 2 {
		e = e.Attr(a[i], a[i+1])
	}
	return e
}

// on is e, an element made by el, text or void, with h handling its
// event.
func on(e app.UI, event string, h app.EventHandler) app.UI {
	switch e := e.(type) {
	case app.HTMLElem:
		return e.On(event, h)
	case app.HTMLElemSelfClosing:
		return e.On(event, h)
	}
	panic("ui: on: not an element made by el, text or void")
}

// when is the value "true" of a boolean attribute that is on, and "" (left
// out) for one that is off: {"hidden", when(!shown)}. Never "false":
// HTML reads disabled="false" as disabled.
func when(on bool) string {
	return pick(on, "true")
}

// pick is v if on holds, else "" (the attribute left out).
func pick(on bool, v string) string {
	if on {
		return v
	}
	return ""
}
