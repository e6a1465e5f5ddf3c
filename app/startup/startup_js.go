//go:build js && wasm

package startup

import "syscall/js"

// paced is whether this page is paced, read when the package is
// initialized: the page is parsed by then (app.js runs after it).
var paced = js.Global().Get("document").Call("querySelector", "["+ProvidersAttr+"]").Truthy()

func init() { Turn() }

// Paced reports whether the page is one a visitor uses before the app
// runs, whose start is paced.
func Paced() bool { return paced }

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
