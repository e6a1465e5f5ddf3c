// Package startup paces the app's start on a page a visitor reads and
// uses before the app runs: one the server prerendered with the
// universities (the sign-in page, whose forms work without the app, and
// the public search). There the start is split into turns of the
// browser's, so that no single long task holds the page while the visitor
// taps it. Anywhere else the app starts at once, to paint a student's week
// from the cache as soon as it can.
//
// Importing the package splits Go's own initialization as well. Go
// initializes packages in the order of their import paths, each once the
// packages it imports are; this one imports only syscall/js, so it is
// initialized about halfway, before net/http, go-app and the app's own
// packages, and on a paced page its initialization takes a turn.
//
// The worker that compiles app.wasm for a paced page runs the start as far
// as this package's initialization, where it stops: what it ran is then
// compiled when the page runs it (see init in startup_js.go).
package startup

// ProvidersAttr is the attribute that carries, on a page prerendered with
// the universities, the universities it shows (see app/ui's
// StartPrerendered). A page with it is paced.
const ProvidersAttr = "data-prerendered-providers"
