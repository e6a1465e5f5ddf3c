//go:build js && wasm

package startup

import "syscall/js"

// document is the page's document, read when the package is initialized:
// the page is parsed by then (app.js runs after it). It is undefined in
// the worker that compiles app.wasm (see init).
var document = js.Global().Get("document")

// paced is whether this page is paced.
var paced = document.Truthy() && document.Call("querySelector", "["+ProvidersAttr+"]").Truthy()

// init takes a turn on a paced page. In the worker that compiles app.wasm
// for a paced page, which runs the app's start until here, it stops the
// start for good: the browser compiles a WebAssembly function when it is
// first called, on the thread that calls it, and the compiled code is
// shared with the page. So Go's runtime and the packages initialized
// before this one are compiled by the worker, not on the page's main
// thread while the visitor reads it; none of them touches the page.
func init() {
	if !document.Truthy() {
		select {}
	}
	Turn()
}

// Turn returns, on a paced page, once the browser has had a turn: a task
// queued with setTimeout runs after the input, rendering and other tasks
// already waiting. Elsewhere it returns at once.
func Turn() {
	if !paced {
		return
	}
	done := make(chan struct{})
	var resume js.Func
	resume = js.FuncOf(func(js.Value, []js.Value) any {
		resume.Release()
		close(done)
		return nil
	})
	js.Global().Call("setTimeout", resume, 0)
	<-done
}
