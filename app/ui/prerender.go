package ui

import (
	"sync/atomic"

	"github.com/campusweek/campusweek/shared"
)

// Prerender is what the server knows when it prerenders a page and the
// app in the browser learns only by asking the backend.
type Prerender struct {
	// Providers are the configured universities: the sign-in page lists
	// them, each a form that starts signing in without the app.
	Providers []shared.Provider
}

var prerender atomic.Pointer[Prerender]

// SetPrerender gives the server's prerendering what it knows (the server
// calls it before serving pages). Without it, the sign-in page is
// prerendered as a loading shell.
func SetPrerender(p Prerender) { prerender.Store(&p) }
